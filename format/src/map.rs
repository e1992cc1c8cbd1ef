//! A whole map in memory, and its encoding into the manifest plus binary files. The builder and
//! the synthetic-map generator both go through [`encode_map`]; the viewer reads the same layout
//! back with the section decoders. No I/O here: callers write the returned bytes.

use crate::{
    encode_bytes, encode_categorical, encode_cluster_ids, encode_neighbors, encode_numeric, encode_popularity,
    encode_positions, encode_tags, encode_text, quantize, Bounds, BuildInfo, Categorical, CategoryInfo, ClusterInfo,
    ClusterLevel, ClustersInfo, ColumnInfo, ColumnKind, FileRef, FileWriter, FormatError, LayoutInfo, Manifest,
    Quality, SectionKind, Tags, TextColumn, FILE_CLUSTERS, FILE_LABELS, FILE_LAYOUTS, FILE_METADATA, FILE_NEIGHBORS,
    FILE_POINTS, FORMAT_VERSION, MISSING_CODE, NEIGHBORHOOD_K,
};

/// The values of one metadata column, one per entity.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValues {
    /// NaN for missing.
    Numeric(Vec<f32>),
    /// Single category per entity.
    Categorical(Categorical),
    /// Several categories per entity.
    Tags(Tags),
    /// Free text; empty for missing.
    Text(TextColumn),
}

/// A named metadata column.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnData {
    /// Header name.
    pub name: String,
    /// Values in entity order.
    pub values: ColumnValues,
}

/// One 2D layout of the entities.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutContent {
    /// Short unique name.
    pub name: String,
    /// How it was made, as given to `--layout`.
    pub spec: String,
    /// `[x, y]` per entity, finite.
    pub positions: Vec<[f32; 2]>,
    /// Its quality figures.
    pub quality: Quality,
}

/// One level of the cluster hierarchy.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterLevelContent {
    /// Each entity's cluster: an index into `clusters`.
    pub ids: Vec<u16>,
    /// The clusters, as the manifest describes them.
    pub clusters: Vec<ClusterInfo>,
}

/// Everything a map holds, in entity order.
#[derive(Debug, Clone, PartialEq)]
pub struct MapContent {
    /// Entity ids.
    pub ids: Vec<String>,
    /// Name of the id column.
    pub id_column: String,
    /// The 2D layouts, at least one; the first is drawn first.
    pub layouts: Vec<LayoutContent>,
    /// For each pair of layouts in [`crate::pair_index`] order, how many of each entity's
    /// [`NEIGHBORHOOD_K`] nearest 2D neighbours in one are not among its nearest in the other.
    pub neighborhood_change: Vec<Vec<u8>>,
    /// Contexts per entity.
    pub popularity: Vec<u32>,
    /// Neighbours per entity in `neighbors`.
    pub neighbors_k: usize,
    /// `n × neighbors_k` indices, nearest first, [`crate::NO_NEIGHBOR`] padding.
    pub neighbors: Vec<u32>,
    /// Metadata columns.
    pub columns: Vec<ColumnData>,
    /// Index into `columns` of the text column used as display name; `None` shows ids.
    pub label_column: Option<usize>,
    /// Page title.
    pub title: String,
    /// One-line description.
    pub description: String,
    /// Provenance.
    pub build: BuildInfo,
    /// The cluster hierarchy, coarsest level first; empty for a map without clusters (no
    /// `clusters.bin`).
    pub clusters: Vec<ClusterLevelContent>,
}

/// The encoded map: its manifest and `(file name, bytes)` for every binary file.
#[derive(Debug, Clone)]
pub struct EncodedMap {
    /// The manifest, with file sizes filled in.
    pub manifest: Manifest,
    /// Binary files in a fixed order.
    pub files: Vec<(String, Vec<u8>)>,
}

fn bounds_of(positions: &[[f32; 2]]) -> Result<Bounds, FormatError> {
    let mut b = Bounds { min_x: f32::MAX, min_y: f32::MAX, max_x: f32::MIN, max_y: f32::MIN };
    for (i, p) in positions.iter().enumerate() {
        if !p[0].is_finite() || !p[1].is_finite() {
            return Err(FormatError::Corrupt(format!("position of entity {i} is not finite: {p:?}")));
        }
        b.min_x = b.min_x.min(p[0]);
        b.min_y = b.min_y.min(p[1]);
        b.max_x = b.max_x.max(p[0]);
        b.max_y = b.max_y.max(p[1]);
    }
    if positions.is_empty() {
        b = Bounds { min_x: 0.0, min_y: 0.0, max_x: 0.0, max_y: 0.0 };
    }
    Ok(b)
}

/// Point size key of a popularity: its logarithm placed between the logarithms of the map's
/// least and most popular entities, on 0..=255.
pub fn size_key(popularity: u32, range: [u32; 2]) -> u8 {
    let lo = (range[0].max(1) as f64).ln();
    let hi = (range[1].max(1) as f64).ln();
    let span = (hi - lo).max(1e-9);
    (((popularity.max(1) as f64).ln() - lo) / span * 255.0).round().clamp(0.0, 255.0) as u8
}

fn quantized(positions: &[[f32; 2]], b: &Bounds) -> Vec<u16> {
    positions.iter().flat_map(|p| [quantize(p[0], b.min_x, b.max_x), quantize(p[1], b.min_y, b.max_y)]).collect()
}

fn category_counts(categories: &[String], codes: &[u16]) -> Vec<CategoryInfo> {
    let mut counts = vec![0u32; categories.len()];
    for &c in codes.iter().filter(|&&c| c != MISSING_CODE) {
        counts[c as usize] += 1;
    }
    categories.iter().zip(counts).map(|(v, count)| CategoryInfo { value: v.clone(), count }).collect()
}

fn column_info(col: &ColumnData, file: &str) -> ColumnInfo {
    let mut info = ColumnInfo {
        name: col.name.clone(),
        kind: ColumnKind::Text,
        file: file.to_string(),
        missing: 0,
        min: None,
        max: None,
        categories: Vec::new(),
    };
    match &col.values {
        ColumnValues::Numeric(v) => {
            info.kind = ColumnKind::Numeric;
            let present = v.iter().filter(|x| !x.is_nan());
            info.missing = v.iter().filter(|x| x.is_nan()).count() as u32;
            info.min = present.clone().map(|&x| x as f64).reduce(f64::min);
            info.max = present.map(|&x| x as f64).reduce(f64::max);
        }
        ColumnValues::Categorical(c) => {
            info.kind = ColumnKind::Categorical;
            info.missing = c.codes.iter().filter(|&&x| x == MISSING_CODE).count() as u32;
            info.categories = category_counts(&c.categories, &c.codes);
        }
        ColumnValues::Tags(t) => {
            info.kind = ColumnKind::Tags;
            info.missing = t.offsets.windows(2).filter(|w| w[0] == w[1]).count() as u32;
            info.categories = category_counts(&t.categories, &t.codes);
        }
        ColumnValues::Text(t) => {
            info.missing = t.iter().filter(|s| s.is_empty()).count() as u32;
        }
    }
    info
}

fn column_len(values: &ColumnValues) -> usize {
    match values {
        ColumnValues::Numeric(v) => v.len(),
        ColumnValues::Categorical(c) => c.codes.len(),
        ColumnValues::Tags(t) => t.offsets.len().saturating_sub(1),
        ColumnValues::Text(t) => t.len(),
    }
}

/// Lays the map out as a manifest and binary files. Fails on inconsistent lengths or
/// non-finite positions, which would be bugs in the caller.
pub fn encode_map(map: &MapContent) -> Result<EncodedMap, FormatError> {
    let n = map.ids.len();
    let k = map.layouts.len();
    let lengths_ok = !map.layouts.is_empty()
        && map.layouts.iter().all(|l| l.positions.len() == n)
        && map.neighborhood_change.len() == k * (k - 1) / 2
        && map.neighborhood_change.iter().all(|c| c.len() == n && c.iter().all(|&v| v as usize <= NEIGHBORHOOD_K))
        && map.popularity.len() == n
        && map.neighbors.len() == n * map.neighbors_k
        && map.columns.iter().all(|c| column_len(&c.values) == n);
    if !lengths_ok {
        return Err(FormatError::Corrupt(format!("map content lengths disagree with {n} entities")));
    }
    if let Some(l) = map.label_column {
        if !matches!(map.columns.get(l).map(|c| &c.values), Some(ColumnValues::Text(_))) {
            return Err(FormatError::Corrupt(format!("label column {l} is not a text column")));
        }
    }
    let n32 = u32::try_from(n).map_err(|_| FormatError::Corrupt(format!("{n} entities exceed u32")))?;
    let popularity_range =
        [map.popularity.iter().copied().min().unwrap_or(0), map.popularity.iter().copied().max().unwrap_or(0)];
    let bounds = map.layouts.iter().map(|l| bounds_of(&l.positions)).collect::<Result<Vec<_>, _>>()?;

    // What drawing needs first, 5 bytes a point: the first layout and the point sizes.
    let mut points = FileWriter::new(n32);
    points.push(SectionKind::Positions, Some(0), encode_positions(&quantized(&map.layouts[0].positions, &bounds[0])));
    let sizes: Vec<u8> = map.popularity.iter().map(|&p| size_key(p, popularity_range)).collect();
    points.push(SectionKind::SizeKeys, None, encode_bytes(&sizes));

    let mut layouts = FileWriter::new(n32);
    for (i, l) in map.layouts.iter().enumerate().skip(1) {
        layouts.push(SectionKind::Positions, Some(i as u32), encode_positions(&quantized(&l.positions, &bounds[i])));
    }
    for (p, change) in map.neighborhood_change.iter().enumerate() {
        layouts.push(SectionKind::NeighborhoodChange, Some(p as u32), encode_bytes(change));
    }

    // Exact popularity is for reading (details, search ranking), so it travels with the names.
    let mut labels = FileWriter::new(n32);
    labels.push(SectionKind::Ids, None, encode_text(&TextColumn::from_values(&map.ids)));
    labels.push(SectionKind::Popularity, None, encode_popularity(&map.popularity));
    let mut metadata = FileWriter::new(n32);
    let mut columns = Vec::with_capacity(map.columns.len());
    for (i, col) in map.columns.iter().enumerate() {
        let (writer, file) =
            if Some(i) == map.label_column { (&mut labels, FILE_LABELS) } else { (&mut metadata, FILE_METADATA) };
        let (kind, payload) = match &col.values {
            ColumnValues::Numeric(v) => (SectionKind::Numeric, encode_numeric(v)),
            ColumnValues::Categorical(c) => (SectionKind::Categorical, encode_categorical(c)),
            ColumnValues::Tags(t) => (SectionKind::Tags, encode_tags(t)),
            ColumnValues::Text(t) => (SectionKind::Text, encode_text(t)),
        };
        writer.push(kind, Some(i as u32), payload);
        columns.push(column_info(col, file));
    }
    let mut neighbors = FileWriter::new(n32);
    neighbors.push(SectionKind::Neighbors, None, encode_neighbors(map.neighbors_k, &map.neighbors));

    let mut files = vec![
        (FILE_POINTS.to_string(), points.to_bytes()?),
        (FILE_LABELS.to_string(), labels.to_bytes()?),
        (FILE_METADATA.to_string(), metadata.to_bytes()?),
        (FILE_NEIGHBORS.to_string(), neighbors.to_bytes()?),
    ];
    if k > 1 {
        files.push((FILE_LAYOUTS.to_string(), layouts.to_bytes()?));
    }
    let clusters = if map.clusters.is_empty() {
        None
    } else {
        let mut writer = FileWriter::new(n32);
        for (l, level) in map.clusters.iter().enumerate() {
            writer.push(SectionKind::ClusterIds, Some(l as u32), encode_cluster_ids(&level.ids));
        }
        files.push((FILE_CLUSTERS.to_string(), writer.to_bytes()?));
        let levels = map.clusters.iter().map(|l| ClusterLevel { clusters: l.clusters.clone() }).collect();
        Some(ClustersInfo { file: FILE_CLUSTERS.to_string(), levels })
    };
    let layouts = map
        .layouts
        .iter()
        .zip(&bounds)
        .enumerate()
        .map(|(i, (l, &bounds))| LayoutInfo {
            name: l.name.clone(),
            spec: l.spec.clone(),
            bounds,
            file: if i == 0 { FILE_POINTS } else { FILE_LAYOUTS }.to_string(),
            quality: l.quality,
        })
        .collect();
    let manifest = Manifest {
        format: "starmap".to_string(),
        format_version: FORMAT_VERSION,
        title: map.title.clone(),
        description: map.description.clone(),
        entity_count: n32,
        layouts,
        popularity_range,
        neighbors_k: map.neighbors_k as u32,
        id_column: map.id_column.clone(),
        label_column: map.label_column.map(|l| map.columns[l].name.clone()),
        columns,
        files: files.iter().map(|(name, b)| FileRef { name: name.clone(), bytes: b.len() as u64 }).collect(),
        build: map.build.clone(),
        clusters,
    };
    manifest.validate()?;
    if let Some(c) = &manifest.clusters {
        let ids: Vec<Vec<u16>> = map.clusters.iter().map(|l| l.ids.clone()).collect();
        c.check_ids(&ids, n)?;
    }
    Ok(EncodedMap { manifest, files })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode_bytes, decode_categorical, decode_positions, decode_text, dequantize, ClusterInfo, FileReader};

    fn content() -> MapContent {
        MapContent {
            ids: vec!["a".into(), "b".into(), "c".into()],
            id_column: "id".into(),
            layouts: vec![
                LayoutContent {
                    name: "umap".into(),
                    spec: "umap".into(),
                    positions: vec![[0.0, 0.0], [1.0, 2.0], [-1.0, 0.5]],
                    quality: Quality::default(),
                },
                LayoutContent {
                    name: "tsne".into(),
                    spec: "tsne:perplexity=30".into(),
                    positions: vec![[5.0, 5.0], [-5.0, 0.0], [0.0, 1.0]],
                    quality: Quality { knn_recall_at_10: 0.5, ..Quality::default() },
                },
            ],
            neighborhood_change: vec![vec![0, 10, 3]],
            popularity: vec![3, 1, 2],
            neighbors_k: 1,
            neighbors: vec![1, 0, 0],
            columns: vec![
                ColumnData {
                    name: "title".into(),
                    values: ColumnValues::Text(TextColumn::from_values(&["A", "B", ""])),
                },
                ColumnData {
                    name: "kind".into(),
                    values: ColumnValues::Categorical(Categorical {
                        categories: vec!["x".into(), "y".into()],
                        codes: vec![0, 1, 1],
                    }),
                },
                ColumnData { name: "year".into(), values: ColumnValues::Numeric(vec![1999.0, f32::NAN, 2001.0]) },
            ],
            label_column: Some(0),
            title: "T".into(),
            description: String::new(),
            build: BuildInfo::default(),
            clusters: Vec::new(),
        }
    }

    #[test]
    fn encoded_map_reads_back() {
        let enc = encode_map(&content()).unwrap();
        let m = &enc.manifest;
        assert_eq!(m.entity_count, 3);
        assert_eq!(m.label_column.as_deref(), Some("title"));
        assert_eq!(m.columns[0].file, FILE_LABELS);
        assert_eq!(m.columns[1].categories[1].count, 2);
        assert_eq!((m.columns[2].min, m.columns[2].max, m.columns[2].missing), (Some(1999.0), Some(2001.0), 1));
        assert_eq!(m.columns[0].missing, 1);
        for (name, bytes) in &enc.files {
            assert_eq!(m.file(name).unwrap().bytes, bytes.len() as u64);
        }

        let points = FileReader::parse(&enc.files[0].1, FILE_POINTS).unwrap();
        let xy = decode_positions(points.find(SectionKind::Positions, Some(0)).unwrap().bytes, 3).unwrap();
        let b = m.layouts[0].bounds;
        assert!((dequantize(xy[2], b.min_x, b.max_x) - 1.0).abs() < 1e-3);
        assert!((dequantize(xy[5], b.min_y, b.max_y) - 0.5).abs() < 1e-3);
        // Five bytes a point for the first frame: positions and size keys.
        let drawing: usize = points.sections().iter().map(|s| s.bytes.len()).sum();
        assert_eq!(drawing, 3 * 5);
        let sizes = decode_bytes(points.find(SectionKind::SizeKeys, None).unwrap().bytes, 3, 255, "sizes").unwrap();
        assert_eq!(sizes, vec![255, 0, 161]);

        let layouts = FileReader::parse(&enc.files[4].1, FILE_LAYOUTS).unwrap();
        let xy = decode_positions(layouts.find(SectionKind::Positions, Some(1)).unwrap().bytes, 3).unwrap();
        let b = m.layouts[1].bounds;
        assert!((dequantize(xy[2], b.min_x, b.max_x) + 5.0).abs() < 1e-3);
        assert_eq!((m.layouts[1].name.as_str(), m.layouts[1].quality.knn_recall_at_10), ("tsne", 0.5));
        let change = layouts.find(SectionKind::NeighborhoodChange, Some(0)).unwrap();
        assert_eq!(change.bytes, &[0, 10, 3]);

        let labels = FileReader::parse(&enc.files[1].1, FILE_LABELS).unwrap();
        let title = decode_text(labels.find(SectionKind::Text, Some(0)).unwrap().bytes, 3).unwrap();
        assert_eq!(title.get(1), "B");
        let meta = FileReader::parse(&enc.files[2].1, FILE_METADATA).unwrap();
        let kind = decode_categorical(meta.find(SectionKind::Categorical, Some(1)).unwrap().bytes, 3).unwrap();
        assert_eq!(kind.codes, vec![0, 1, 1]);
    }

    #[test]
    fn inconsistent_content_is_refused() {
        let mut c = content();
        c.popularity.pop();
        assert!(encode_map(&c).is_err());
        let mut c = content();
        c.layouts[1].positions[0][0] = f32::NAN;
        assert!(encode_map(&c).is_err());
        let mut c = content();
        c.neighborhood_change[0][1] = 11;
        assert!(encode_map(&c).is_err(), "at most 10 of 10 neighbours can change");
        let mut c = content();
        c.neighborhood_change.clear();
        assert!(encode_map(&c).is_err(), "one change section a pair");
        let mut c = content();
        c.layouts.truncate(1);
        c.neighborhood_change.clear();
        let one = encode_map(&c).unwrap();
        assert!(one.manifest.file(FILE_LAYOUTS).is_none(), "one layout needs no layouts.bin");
        let mut c = content();
        c.label_column = Some(1);
        assert!(encode_map(&c).is_err());
    }

    #[test]
    fn clusters_are_written_only_when_there_are_some_and_must_nest() {
        let plain = encode_map(&content()).unwrap();
        assert!(plain.manifest.clusters.is_none() && plain.manifest.file(FILE_CLUSTERS).is_none());
        let info = |name: &str, size, parent, top: u32| ClusterInfo {
            name: name.into(),
            subtitle: String::new(),
            size,
            parent,
            terms: Vec::new(),
            top: vec![top],
        };
        let mut c = content();
        c.clusters = vec![
            ClusterLevelContent { ids: vec![0, 0, 1], clusters: vec![info("x", 2, None, 0), info("y", 1, None, 2)] },
            ClusterLevelContent {
                ids: vec![1, 0, 2],
                clusters: vec![info("b", 1, Some(0), 1), info("a", 1, Some(0), 0), info("c", 1, Some(1), 2)],
            },
        ];
        let enc = encode_map(&c).unwrap();
        let m = &enc.manifest;
        assert_eq!(m.clusters.as_ref().map(|k| k.levels.len()), Some(2));
        let (name, bytes) = enc.files.last().unwrap();
        assert_eq!((name.as_str(), m.file(FILE_CLUSTERS).unwrap().bytes), (FILE_CLUSTERS, bytes.len() as u64));
        // 16-byte header, two 16-byte table entries, 3 × u16 a level padded to 8.
        assert_eq!(bytes.len(), 16 + 2 * 16 + 2 * 8);
        let r = FileReader::parse(bytes, FILE_CLUSTERS).unwrap();
        assert_eq!(r.find(SectionKind::ClusterIds, Some(1)).unwrap().bytes, &[1, 0, 0, 0, 2, 0]);
        // An entity outside its cluster's parent, and a size that disagrees, are refused.
        let mut bad = c.clone();
        bad.clusters[1].ids = vec![2, 0, 1];
        assert!(encode_map(&bad).is_err());
        let mut bad = c.clone();
        bad.clusters[0].ids = vec![0, 1, 1];
        assert!(encode_map(&bad).is_err());
    }
}
