//! `manifest.json`: what a map holds and how it was made. The viewer reads it first (it is small)
//! to learn the counts, the bounding box of the quantised positions, the metadata columns and
//! the files to fetch with their sizes; people read it to see how a map was built.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{FormatError, FORMAT_VERSION};

/// Name of the manifest file in a map folder.
pub const FILE_MANIFEST: &str = "manifest.json";
/// Positions and popularity: all the viewer needs to draw.
pub const FILE_POINTS: &str = "points.bin";
/// Ids and the label column: needed for hover and search.
pub const FILE_LABELS: &str = "labels.bin";
/// Every other metadata column.
pub const FILE_METADATA: &str = "metadata.bin";
/// High-dimensional nearest neighbours, for the detail panel.
pub const FILE_NEIGHBORS: &str = "neighbors.bin";
/// The positions of every layout after the first, and how neighbourhoods change between
/// layouts (only in maps with more than one layout).
pub const FILE_LAYOUTS: &str = "layouts.bin";
/// Each entity's cluster at every level of the cluster hierarchy (only in maps with clusters).
pub const FILE_CLUSTERS: &str = "clusters.bin";
/// Most clusters a level may have: ids are u16.
pub const MAX_CLUSTERS: usize = u16::MAX as usize;

/// The map manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `"starmap"`.
    pub format: String,
    /// The format version of the manifest and every binary file beside it.
    pub format_version: u16,
    /// Human title of the map (page title).
    #[serde(default)]
    pub title: String,
    /// One-line description (social cards).
    #[serde(default)]
    pub description: String,
    /// Number of entities placed on the map.
    pub entity_count: u32,
    /// The 2D layouts, at least one; the first is the one drawn first (its positions are in
    /// `points.bin`, the others' in `layouts.bin`).
    pub layouts: Vec<LayoutInfo>,
    /// Smallest and largest popularity (number of contexts); point sizes span it.
    pub popularity_range: [u32; 2],
    /// Neighbours stored per entity in `neighbors.bin`.
    pub neighbors_k: u32,
    /// Name of the id column (from the interactions' entity column or the metadata id column).
    pub id_column: String,
    /// The column shown as each entity's name; `None` shows the id.
    pub label_column: Option<String>,
    /// Metadata columns, in section order; a section's `column` indexes this list.
    pub columns: Vec<ColumnInfo>,
    /// The binary files and their sizes, so a reader can report progress and spot truncation.
    pub files: Vec<FileRef>,
    /// How the map was built.
    pub build: BuildInfo,
    /// The cluster hierarchy and its names; `None` in maps built without clusters (and in maps
    /// written before they existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<ClustersInfo>,
}

/// The clusters of the map's relationship graph: levels from coarse to fine, each cluster of a
/// level inside one cluster of the level before. Each entity's cluster per level is in
/// `clusters.bin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClustersInfo {
    /// The file holding the cluster ids ([`FILE_CLUSTERS`]).
    pub file: String,
    /// The levels, coarsest first; at least one.
    pub levels: Vec<ClusterLevel>,
}

impl ClustersInfo {
    /// Checks each entity's cluster ids (one list per level, in entity order) against the
    /// levels: one list per level, `n` ids each, every id a cluster of its level, each cluster
    /// holding as many entities as its `size`, and every entity of a cluster inside the
    /// cluster's `parent` at the level before (the hierarchy nests).
    pub fn check_ids(&self, ids: &[Vec<u16>], n: usize) -> Result<(), FormatError> {
        let corrupt = |what: String| Err(FormatError::Corrupt(format!("clusters: {what}")));
        if ids.len() != self.levels.len() {
            return corrupt(format!("{} levels of ids for {} levels", ids.len(), self.levels.len()));
        }
        for (l, (level, level_ids)) in self.levels.iter().zip(ids).enumerate() {
            if level_ids.len() != n {
                return corrupt(format!("level {l} has {} ids for {n} entities", level_ids.len()));
            }
            let mut sizes = vec![0u64; level.clusters.len()];
            for &c in level_ids {
                match sizes.get_mut(c as usize) {
                    Some(s) => *s += 1,
                    None => return corrupt(format!("level {l} has id {c} but {} clusters", level.clusters.len())),
                }
            }
            if let Some(c) = (0..sizes.len()).find(|&c| sizes[c] != u64::from(level.clusters[c].size)) {
                return corrupt(format!(
                    "cluster {c} of level {l} holds {} entities but the manifest says {}",
                    sizes[c], level.clusters[c].size
                ));
            }
            if l > 0 {
                let coarser = &ids[l - 1];
                let outside = level_ids
                    .iter()
                    .zip(coarser)
                    .position(|(&c, &p)| level.clusters[c as usize].parent != Some(u32::from(p)));
                if let Some(i) = outside {
                    let c = level_ids[i];
                    return corrupt(format!(
                        "entity {i} is in cluster {c} of level {l}, whose parent is {:?}, but in cluster {} of level {}",
                        level.clusters[c as usize].parent,
                        coarser[i],
                        l - 1
                    ));
                }
            }
        }
        Ok(())
    }
}

/// One level of the hierarchy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterLevel {
    /// Its clusters in id order (largest first); an entity's id at this level indexes this list.
    pub clusters: Vec<ClusterInfo>,
}

/// One cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterInfo {
    /// Its name, unique within the level: metadata values over-represented in it
    /// (`"Western · 1950s"`), else its most popular members' labels.
    pub name: String,
    /// Its most popular members' labels, apart by commas.
    pub subtitle: String,
    /// Entities in it.
    pub size: u32,
    /// Index of the cluster holding it in the previous (coarser) level; `None` at level 0.
    pub parent: Option<u32>,
    /// The metadata values its name is made of, in name order (empty when the name is made of
    /// member labels).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<ClusterTerm>,
    /// Up to five member entity indices, most popular first.
    pub top: Vec<u32>,
}

/// A metadata value over-represented in a cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterTerm {
    /// The metadata column.
    pub column: String,
    /// The value (a category, a list item, or a decade such as `"1950s"`).
    pub value: String,
    /// Share of the cluster's members that have it.
    pub share: f64,
    /// That share divided by the share of all entities that have it.
    pub lift: f64,
}

/// One 2D layout of the entities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutInfo {
    /// Short unique name, shown in the viewer's Layout control and used in links (`umap`).
    pub name: String,
    /// How it was made, as given to `--layout` (`umap:min-dist=0.05,neighbors=30`).
    pub spec: String,
    /// Bounding box of its positions; its quantised positions span it.
    pub bounds: Bounds,
    /// The file holding its positions.
    pub file: String,
    /// How well it keeps the relationships it was built from.
    pub quality: Quality,
}

/// The layout's bounding box in embedding units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    /// Smallest x.
    pub min_x: f32,
    /// Smallest y.
    pub min_y: f32,
    /// Largest x.
    pub max_x: f32,
    /// Largest y.
    pub max_y: f32,
}

/// How a metadata column is stored and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// Numbers: range filter, colour map.
    Numeric,
    /// Few distinct values: checkboxes, qualitative palette.
    Categorical,
    /// Lists of few distinct values ("Drama, Comedy"): checkboxes match any, colour by the first.
    Tags,
    /// Free text: shown in the detail panel.
    Text,
}

/// One metadata column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    /// Column name from the metadata header.
    pub name: String,
    /// Inferred kind.
    pub kind: ColumnKind,
    /// The file holding its section.
    pub file: String,
    /// Entities with no value.
    pub missing: u32,
    /// Smallest value (numeric columns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest value (numeric columns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Distinct values with their entity counts, in code order (categorical and tags columns).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<CategoryInfo>,
}

/// A category and how many entities have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryInfo {
    /// The value.
    pub value: String,
    /// Entities having it.
    pub count: u32,
}

/// A binary file of the map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    /// File name relative to the manifest.
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Provenance and quality of a build.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BuildInfo {
    /// `starmap` version that wrote the map.
    pub builder_version: String,
    /// The random seed.
    pub seed: u64,
    /// Every build parameter, as given or defaulted, by flag name (`"min-dist": 0.25`). The
    /// builder writes and reads them as its typed parameters; other readers see plain values.
    pub params: BTreeMap<String, ParamValue>,
    /// Counts seen along the way (rows read, entities dropped, …).
    pub counts: BTreeMap<String, u64>,
    /// Wall-clock seconds per stage. The only part of a map that differs between identical builds.
    pub timings_secs: BTreeMap<String, f64>,
    /// Peak resident memory of the build, in bytes (0 where unknown).
    #[serde(default)]
    pub peak_memory_bytes: u64,
    /// The metadata column whose agreement among 2D neighbours each layout's quality reports
    /// (`--quality-label`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_label: Option<String>,
}

/// One build parameter's value, as JSON holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// A switch.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// Anything else (names, paths, choices).
    Text(String),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Int(i) => write!(f, "{i}"),
            ParamValue::Float(x) => write!(f, "{x}"),
            ParamValue::Text(t) => f.write_str(t),
        }
    }
}

/// Layout quality figures.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Quality {
    /// Share of entities whose 10 nearest 2D neighbours mostly share their value of the
    /// build's `quality_label` column (entities with a value only); `None` without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_agreement: Option<f64>,
    /// Share of each entity's 10 strongest graph neighbours found among its 10 nearest 2D points.
    pub knn_recall_at_10: f64,
    /// The same for a random layout: the floor to compare with.
    pub knn_recall_at_10_random: f64,
    /// Trustworthiness of the 2D layout against the high-dimensional embedding (sklearn's
    /// definition, 10 neighbours, on a sample).
    pub trustworthiness: f64,
    /// Entities in the trustworthiness sample; 0 when it was not measured (too few entities).
    pub sample_size: u32,
}

impl Manifest {
    /// Checks the format name, version and internal consistency a reader relies on.
    pub fn validate(&self) -> Result<(), FormatError> {
        if self.format != "starmap" {
            return Err(FormatError::Corrupt(format!("manifest format is {:?}, expected \"starmap\"", self.format)));
        }
        if self.format_version != FORMAT_VERSION {
            return Err(FormatError::UnsupportedVersion { found: self.format_version, supported: FORMAT_VERSION });
        }
        if self.layouts.is_empty() {
            return Err(FormatError::Corrupt("the manifest lists no layout".into()));
        }
        for (i, l) in self.layouts.iter().enumerate() {
            let b = &l.bounds;
            let is_box = [b.min_x, b.min_y, b.max_x, b.max_y].iter().all(|v| v.is_finite())
                && b.min_x <= b.max_x
                && b.min_y <= b.max_y;
            if !is_box {
                return Err(FormatError::Corrupt(format!("the bounds of layout {:?} are not a box: {b:?}", l.name)));
            }
            if l.name.is_empty() || self.layouts[..i].iter().any(|o| o.name == l.name) {
                return Err(FormatError::Corrupt(format!("layout names must be unique and not empty: {:?}", l.name)));
            }
            let want = if i == 0 { FILE_POINTS } else { FILE_LAYOUTS };
            if l.file != want || self.file(want).is_none() {
                return Err(FormatError::Corrupt(format!(
                    "layout {:?} must live in {want}, a listed file (it says {:?})",
                    l.name, l.file
                )));
            }
        }
        for c in &self.columns {
            if self.file(&c.file).is_none() {
                return Err(FormatError::Corrupt(format!("column {:?} lives in unlisted file {:?}", c.name, c.file)));
            }
        }
        for name in [FILE_POINTS, FILE_LABELS] {
            if self.file(name).is_none() {
                return Err(FormatError::MissingSection(format!("manifest lists no {name}")));
            }
        }
        if let Some(c) = &self.clusters {
            self.validate_clusters(c)?;
        }
        if let Some(label) = &self.label_column {
            match self.column_index(label).map(|i| &self.columns[i]) {
                None => return Err(FormatError::Corrupt(format!("label column {label:?} is not among the columns"))),
                Some(c) if c.kind != ColumnKind::Text || c.file != FILE_LABELS => {
                    return Err(FormatError::Corrupt(format!(
                        "label column {label:?} must be a text column stored in {FILE_LABELS}"
                    )))
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// What the cluster levels must satisfy without their ids: a listed file, at least one
    /// level, each with 1 to [`MAX_CLUSTERS`] clusters whose sizes add up to the entity count,
    /// parents that exist (none at level 0) and hold at least their children's entities, and
    /// member indices below the entity count.
    fn validate_clusters(&self, c: &ClustersInfo) -> Result<(), FormatError> {
        let corrupt = |what: String| Err(FormatError::Corrupt(format!("clusters: {what}")));
        if c.file != FILE_CLUSTERS || self.file(FILE_CLUSTERS).is_none() {
            return corrupt(format!("they must live in {FILE_CLUSTERS}, a listed file (it says {:?})", c.file));
        }
        if c.levels.is_empty() {
            return corrupt("no level".into());
        }
        let n = u64::from(self.entity_count);
        for (l, level) in c.levels.iter().enumerate() {
            let count = level.clusters.len();
            if count == 0 || count > MAX_CLUSTERS {
                return corrupt(format!("level {l} has {count} clusters (1 to {MAX_CLUSTERS} allowed)"));
            }
            let total: u64 = level.clusters.iter().map(|k| u64::from(k.size)).sum();
            if total != n {
                return corrupt(format!("the sizes of level {l} add up to {total}, not the {n} entities"));
            }
            let mut held = vec![0u64; if l == 0 { 0 } else { c.levels[l - 1].clusters.len() }];
            for (i, k) in level.clusters.iter().enumerate() {
                if k.size == 0 {
                    return corrupt(format!("cluster {i} of level {l} is empty"));
                }
                match (l, k.parent) {
                    (0, None) => {}
                    (0, Some(p)) => return corrupt(format!("cluster {i} of level 0 has a parent ({p})")),
                    (_, Some(p)) if (p as usize) < held.len() => held[p as usize] += u64::from(k.size),
                    (_, p) => return corrupt(format!("cluster {i} of level {l} has no valid parent ({p:?})")),
                }
                if let Some(bad) = k.top.iter().find(|&&e| u64::from(e) >= n) {
                    return corrupt(format!("cluster {i} of level {l} lists member {bad}, not below {n}"));
                }
            }
            if l > 0 {
                let parents = &c.levels[l - 1].clusters;
                if let Some(p) = (0..held.len()).find(|&p| held[p] != u64::from(parents[p].size)) {
                    return corrupt(format!(
                        "the clusters of level {l} inside cluster {p} of level {} hold {} entities, not its {}",
                        l - 1,
                        held[p],
                        parents[p].size
                    ));
                }
            }
        }
        Ok(())
    }

    /// The listed file called `name`.
    pub fn file(&self, name: &str) -> Option<&FileRef> {
        self.files.iter().find(|f| f.name == name)
    }

    /// Index of the column called `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Index of the layout called `name`.
    pub fn layout_index(&self, name: &str) -> Option<usize> {
        self.layouts.iter().position(|l| l.name == name)
    }

    /// The first layout's bounds: where the map is drawn first.
    pub fn bounds(&self) -> Bounds {
        self.layouts.first().map_or(Bounds { min_x: 0.0, min_y: 0.0, max_x: 0.0, max_y: 0.0 }, |l| l.bounds)
    }

    /// Number of layout pairs, `k (k − 1) / 2` for `k` layouts: each has a neighbourhood-change
    /// section in `layouts.bin`.
    pub fn layout_pairs(&self) -> usize {
        let k = self.layouts.len();
        k * k.saturating_sub(1) / 2
    }
}

/// The index of the pair of layouts `a` and `b` (`a ≠ b`, either order) among the `k (k − 1) / 2`
/// pairs of `k` layouts, in the order (0,1), (0,2), …, (0,k−1), (1,2), …: the `column` of its
/// neighbourhood-change section.
pub fn pair_index(a: usize, b: usize, k: usize) -> usize {
    let (a, b) = (a.min(b), a.max(b));
    // Pairs before row a: (k−1) + (k−2) + … + (k−a).
    a * (2 * k - a - 1) / 2 + (b - a - 1)
}

/// The two layouts of pair `p` among the pairs of `k` layouts (the inverse of [`pair_index`]).
pub fn pair_layouts(p: usize, k: usize) -> (usize, usize) {
    let mut a = 0;
    let mut start = 0;
    while a + 1 < k && start + (k - a - 1) <= p {
        start += k - a - 1;
        a += 1;
    }
    (a, a + 1 + (p - start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format: "starmap".into(),
            format_version: FORMAT_VERSION,
            title: "t".into(),
            description: String::new(),
            entity_count: 2,
            layouts: ["umap", "tsne"]
                .iter()
                .enumerate()
                .map(|(i, name)| LayoutInfo {
                    name: name.to_string(),
                    spec: name.to_string(),
                    bounds: Bounds { min_x: -1.0, min_y: 0.0, max_x: 1.0, max_y: 2.0 },
                    file: if i == 0 { FILE_POINTS } else { FILE_LAYOUTS }.into(),
                    quality: Quality::default(),
                })
                .collect(),
            popularity_range: [1, 5],
            neighbors_k: 10,
            id_column: "id".into(),
            label_column: Some("title".into()),
            columns: vec![
                ColumnInfo {
                    name: "title".into(),
                    kind: ColumnKind::Text,
                    file: FILE_LABELS.into(),
                    missing: 0,
                    min: None,
                    max: None,
                    categories: Vec::new(),
                },
                ColumnInfo {
                    name: "genre".into(),
                    kind: ColumnKind::Tags,
                    file: FILE_METADATA.into(),
                    missing: 0,
                    min: None,
                    max: None,
                    categories: vec![CategoryInfo { value: "Drama".into(), count: 2 }],
                },
            ],
            files: [FILE_POINTS, FILE_LABELS, FILE_METADATA, FILE_LAYOUTS]
                .iter()
                .map(|n| FileRef { name: n.to_string(), bytes: 8 })
                .collect(),
            build: BuildInfo {
                params: [
                    ("dim", ParamValue::Int(4)),
                    ("min-dist", ParamValue::Float(0.25)),
                    ("similarity", ParamValue::Text("cosine-damped".into())),
                    ("quiet", ParamValue::Bool(false)),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
                ..BuildInfo::default()
            },
            clusters: None,
        }
    }

    #[test]
    fn json_round_trip_and_validation() {
        let m = manifest();
        m.validate().unwrap();
        let json = serde_json::to_string_pretty(&m).unwrap();
        assert!(json.contains("\"kind\": \"tags\""));
        assert!(json.contains("\"min-dist\": 0.25") && json.contains("\"dim\": 4"), "{json}");
        // Maps written before parameters were typed hold every value as a string.
        let old: BuildInfo =
            serde_json::from_str(r#"{"builder_version":"0.1.0","seed":0,"params":{"dim":"4"},"counts":{},"timings_secs":{},"quality":{"knn_recall_at_10":0,"knn_recall_at_10_random":0,"trustworthiness":0,"sample_size":0}}"#)
                .unwrap();
        assert_eq!(old.params["dim"], ParamValue::Text("4".into()));
        let back: Manifest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert!(!json.contains("clusters"), "a map without clusters says nothing of them");
        // Clusters: parent null at the top level, terms left out when the name has none.
        let mut m = manifest();
        m.files.push(FileRef { name: FILE_CLUSTERS.into(), bytes: 8 });
        let top = ClusterInfo {
            name: "Drama".into(),
            subtitle: "A, B".into(),
            size: 2,
            parent: None,
            terms: vec![ClusterTerm { column: "genre".into(), value: "Drama".into(), share: 1.0, lift: 1.0 }],
            top: vec![1, 0],
        };
        let fine = |size, top: u32| ClusterInfo {
            name: format!("e{top}"),
            subtitle: String::new(),
            size,
            parent: Some(0),
            terms: Vec::new(),
            top: vec![top],
        };
        m.clusters = Some(ClustersInfo {
            file: FILE_CLUSTERS.into(),
            levels: vec![ClusterLevel { clusters: vec![top] }, ClusterLevel { clusters: vec![fine(1, 0), fine(1, 1)] }],
        });
        m.validate().unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert!(json.contains(r#""parent":null"#) && json.contains(r#""parent":0"#), "{json}");
        assert_eq!(json.matches("\"terms\"").count(), 1, "{json}");
        assert_eq!(serde_json::from_str::<Manifest>(&json).unwrap(), m);
        let c = m.clusters.as_ref().unwrap();
        c.check_ids(&[vec![0, 0], vec![1, 0]], 2).unwrap();
        assert!(c.check_ids(&[vec![0, 0]], 2).is_err(), "one list a level");
        assert!(c.check_ids(&[vec![0, 0], vec![1, 1]], 2).is_err(), "sizes");
        assert!(c.check_ids(&[vec![0, 0], vec![1, 0, 0]], 2).is_err(), "one id an entity");
        m.clusters.as_mut().unwrap().levels[1].clusters[0].size = 0;
        assert!(m.validate().is_err(), "an empty cluster");
    }

    #[test]
    fn layout_pairs_are_numbered_both_ways() {
        for k in 1..7 {
            let m = {
                let mut m = manifest();
                m.layouts = (0..k).map(|i| LayoutInfo { name: format!("l{i}"), ..m.layouts[0].clone() }).collect();
                m
            };
            let mut seen = Vec::new();
            for a in 0..k {
                for b in a + 1..k {
                    let p = pair_index(a, b, k);
                    assert_eq!(p, pair_index(b, a, k));
                    assert_eq!(pair_layouts(p, k), (a, b));
                    seen.push(p);
                }
            }
            assert_eq!(seen, (0..m.layout_pairs()).collect::<Vec<_>>(), "pairs of {k} layouts in order");
        }
    }

    #[test]
    fn unknown_version_names_both() {
        let mut m = manifest();
        m.format_version = 99;
        let msg = m.validate().unwrap_err().to_string();
        assert!(msg.contains("99") && msg.contains(&FORMAT_VERSION.to_string()), "{msg}");
    }

    #[test]
    fn inconsistent_manifests_are_rejected() {
        let mut m = manifest();
        m.columns[0].file = "nowhere.bin".into();
        assert!(m.validate().is_err());
        let mut m = manifest();
        m.files.retain(|f| f.name != FILE_POINTS);
        assert!(m.validate().is_err());
        let mut m = manifest();
        m.label_column = Some("genre".into());
        assert!(m.validate().is_err(), "a label must be a text column in labels.bin");
        let mut m = manifest();
        m.label_column = Some("nope".into());
        assert!(m.validate().is_err());
        let mut m = manifest();
        m.layouts[0].bounds.min_x = f32::NAN;
        assert!(m.validate().is_err());
        let mut m = manifest();
        m.layouts[1].name = "umap".into();
        assert!(m.validate().unwrap_err().to_string().contains("unique"));
        let mut m = manifest();
        m.layouts[1].file = FILE_POINTS.into();
        assert!(m.validate().is_err(), "only the first layout lives in points.bin");
        let mut m = manifest();
        m.layouts.clear();
        assert!(m.validate().is_err());
        let mut m = manifest();
        m.files.retain(|f| f.name != FILE_LAYOUTS);
        assert!(m.validate().is_err());
    }
}
