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
