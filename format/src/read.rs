//! Reading a map back: the one decoder every reader uses (the viewer as files arrive, `starmap
//! inspect` and `starmap neighbors` from disk), with one set of checks. A file is accepted only
//! when its size matches the manifest, its container parses, it describes the manifest's entity
//! count, every section names a column, layout or layout pair of this file, and every section it
//! needs decodes. A truncated or corrupt file becomes a [`ReadError`] that says what to do, never
//! a panic. Maps of another format version (the first, with one layout) are refused by name.

use crate::pause::{self, NoPause, Pause};
use crate::{
    decode_bytes, decode_categorical, decode_cluster_ids, decode_neighbors_paused, decode_numeric, decode_popularity,
    decode_positions, decode_tags, decode_text_paused, dequantize, Bounds, Categorical, ColumnKind, FileReader,
    FormatError, Manifest, Neighbors, SectionKind, Tags, TextColumn, FILE_CLUSTERS, FILE_LABELS, FILE_LAYOUTS,
    FILE_MANIFEST, FILE_METADATA, FILE_NEIGHBORS, FILE_POINTS, MISSING_CODE, NEIGHBORHOOD_K,
};

/// Why a map could not be read, phrased for the person who has to fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    /// The manifest is not valid JSON of the expected shape.
    #[error("The map's manifest.json is invalid: {0}")]
    Manifest(String),
    /// A file is shorter than the manifest says: an interrupted upload or download.
    #[error(
        "{file} is truncated: the manifest lists {expected} bytes but only {got} arrived. Re-upload the map folder."
    )]
    Truncated {
        /// File name.
        file: String,
        /// Bytes the manifest lists.
        expected: u64,
        /// Bytes present.
        got: u64,
    },
    /// A file is longer than the manifest says: files from two different builds.
    #[error("{file} has {got} bytes but the manifest lists {expected}: the files come from different builds.")]
    Oversized {
        /// File name.
        file: String,
        /// Bytes the manifest lists.
        expected: u64,
        /// Bytes present.
        got: u64,
    },
    /// A file's content is invalid.
    #[error("{file} is not a valid map file: {error}")]
    Format {
        /// File name.
        file: String,
        /// What the format reader found.
        error: FormatError,
    },
}

impl ReadError {
    fn format(file: &str) -> impl Fn(FormatError) -> ReadError + '_ {
        move |error| ReadError::Format { file: file.to_string(), error }
    }
}

/// Checks a manifest: format name and version, and the consistency every reader relies on.
pub fn check_manifest(m: &Manifest) -> Result<(), ReadError> {
    m.validate().map_err(ReadError::format(FILE_MANIFEST))
}

/// Parses and checks `manifest.json`.
#[cfg(feature = "json")]
pub fn parse_manifest(json: &[u8]) -> Result<Manifest, ReadError> {
    // The version first, so a manifest from another format version is named as such even when
    // its shape changed too.
    #[derive(serde::Deserialize)]
    struct Head {
        format_version: Option<u16>,
    }
    if let Ok(Head { format_version: Some(v) }) = serde_json::from_slice::<Head>(json) {
        if v != crate::FORMAT_VERSION {
            return Err(ReadError::format(FILE_MANIFEST)(FormatError::UnsupportedVersion {
                found: v,
                supported: crate::FORMAT_VERSION,
            }));
        }
    }
    let m: Manifest = serde_json::from_slice(json).map_err(|e| ReadError::Manifest(e.to_string()))?;
    check_manifest(&m)?;
    Ok(m)
}

/// Opens one of the map's binary files: checks its size against the manifest, its container,
/// its entity count, and that every section's index names something stored in this file: a
/// column placed here, a layout placed here, a layout pair (`layouts.bin`) or a cluster level
/// (`clusters.bin`).
pub fn open_file<'a>(m: &Manifest, file: &str, bytes: &'a [u8]) -> Result<FileReader<'a>, ReadError> {
    if let Some(listed) = m.file(file) {
        let got = bytes.len() as u64;
        if got < listed.bytes {
            return Err(ReadError::Truncated { file: file.to_string(), expected: listed.bytes, got });
        }
        if got > listed.bytes {
            return Err(ReadError::Oversized { file: file.to_string(), expected: listed.bytes, got });
        }
    }
    let err = ReadError::format(file);
    let reader = FileReader::parse(bytes, file).map_err(&err)?;
    if reader.entity_count() != m.entity_count {
        return Err(err(FormatError::Corrupt(format!(
            "it holds {} entities but the manifest says {}",
            reader.entity_count(),
            m.entity_count
        ))));
    }
    for s in reader.sections() {
        let Some(c) = s.column else { continue };
        let (what, owner) = match s.kind {
            SectionKind::Positions => ("layout", m.layouts.get(c as usize).map(|l| l.file.as_str())),
            SectionKind::NeighborhoodChange => {
                ("layout pair", ((c as usize) < m.layout_pairs()).then_some(FILE_LAYOUTS))
            }
            SectionKind::ClusterIds => (
                "cluster level",
                m.clusters.as_ref().filter(|k| (c as usize) < k.levels.len()).map(|k| k.file.as_str()),
            ),
            _ => ("column", m.columns.get(c as usize).map(|info| info.file.as_str())),
        };
        if owner != Some(file) {
            return Err(err(FormatError::Corrupt(format!(
                "a {:?} section names {what} {c}, which the manifest does not place in this file",
                s.kind
            ))));
        }
    }
    Ok(reader)
}

/// The position of entity `i` among quantised positions `xy` that span `bounds`.
pub fn position(xy: &[u16], bounds: &Bounds, i: usize) -> [f64; 2] {
    let b = bounds;
    [dequantize(xy[2 * i], b.min_x, b.max_x) as f64, dequantize(xy[2 * i + 1], b.min_y, b.max_y) as f64]
}

/// What drawing needs: the first layout and the point sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    /// Quantised positions in the first layout, `x, y` per entity.
    pub xy: Vec<u16>,
    /// Size key per entity (popularity on a log scale, 0–255).
    pub sizes: Vec<u8>,
}

impl Points {
    /// Decodes `points.bin`.
    pub fn decode(m: &Manifest, bytes: &[u8]) -> Result<Self, ReadError> {
        let n = m.entity_count as usize;
        let r = open_file(m, FILE_POINTS, bytes)?;
        let err = ReadError::format(FILE_POINTS);
        let xy = decode_positions(r.find(SectionKind::Positions, Some(0)).map_err(&err)?.bytes, n).map_err(&err)?;
        let sizes = decode_bytes(r.find(SectionKind::SizeKeys, None).map_err(&err)?.bytes, n, u8::MAX, "size keys")
            .map_err(&err)?;
        Ok(Self { xy, sizes })
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.sizes.len()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.sizes.is_empty()
    }

    /// Position of entity `i` in the first layout.
    pub fn world(&self, m: &Manifest, i: usize) -> [f64; 2] {
        position(&self.xy, &m.bounds(), i)
    }
}

/// The layouts after the first, and how neighbourhoods change between every pair of layouts.
#[derive(Debug, Clone, PartialEq)]
pub struct Layouts {
    /// Quantised positions of layouts 1, 2, …, in manifest order (layout 0 is in [`Points`]).
    pub xy: Vec<Vec<u16>>,
    /// Per layout pair in [`crate::pair_index`] order: per entity, how many of its
    /// [`NEIGHBORHOOD_K`] nearest 2D neighbours in one are not among its nearest in the other.
    pub change: Vec<Vec<u8>>,
}

impl Layouts {
    /// Decodes `layouts.bin`.
    pub fn decode(m: &Manifest, bytes: &[u8]) -> Result<Self, ReadError> {
        let n = m.entity_count as usize;
        let r = open_file(m, FILE_LAYOUTS, bytes)?;
        let err = ReadError::format(FILE_LAYOUTS);
        let xy = (1..m.layouts.len())
            .map(|i| {
                let s = r.find(SectionKind::Positions, Some(i as u32)).map_err(&err)?;
                decode_positions(s.bytes, n).map_err(&err)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let change = (0..m.layout_pairs())
            .map(|p| {
                let s = r.find(SectionKind::NeighborhoodChange, Some(p as u32)).map_err(&err)?;
                decode_bytes(s.bytes, n, NEIGHBORHOOD_K as u8, "neighbourhood change").map_err(&err)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { xy, change })
    }
}

/// Each entity's cluster at every level of the hierarchy the manifest's `clusters` describes
/// (names, sizes, parents and popular members are there).
#[derive(Debug, Clone, PartialEq)]
pub struct Clusters {
    /// Per level, coarsest first: each entity's cluster, an index into that level's
    /// `manifest.clusters.levels[l].clusters`.
    pub levels: Vec<Vec<u16>>,
}

impl Clusters {
    /// Decodes `clusters.bin`: one section per level, every id a cluster of its level, the
    /// manifest's sizes matched and the levels nested (each entity inside its cluster's parent).
    /// Fails when the manifest has no clusters.
    pub fn decode(m: &Manifest, bytes: &[u8]) -> Result<Self, ReadError> {
        let n = m.entity_count as usize;
        let err = ReadError::format(FILE_CLUSTERS);
        let Some(info) = &m.clusters else {
            return Err(err(FormatError::MissingSection("the manifest describes no clusters".into())));
        };
        let r = open_file(m, FILE_CLUSTERS, bytes)?;
        let sections = r.sections().iter().filter(|s| s.kind == SectionKind::ClusterIds).count();
        if sections != info.levels.len() {
            return Err(err(FormatError::Corrupt(format!(
                "{sections} cluster id sections for {} levels",
                info.levels.len()
            ))));
        }
        let levels = info
            .levels
            .iter()
            .enumerate()
            .map(|(l, level)| {
                let s = r.find(SectionKind::ClusterIds, Some(l as u32)).map_err(&err)?;
                decode_cluster_ids(s.bytes, n, level.clusters.len()).map_err(&err)
            })
            .collect::<Result<Vec<_>, _>>()?;
        info.check_ids(&levels, n).map_err(&err)?;
        Ok(Self { levels })
    }

    /// Entity `i`'s cluster at `level`.
    pub fn of(&self, level: usize, i: usize) -> u16 {
        self.levels[level][i]
    }
}

/// A decoded metadata column.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// NaN for missing.
    Numeric(Vec<f32>),
    /// One category per entity.
    Categorical(Categorical),
    /// Several categories per entity.
    Tags(Tags),
    /// Free text.
    Text(TextColumn),
}

impl Column {
    /// The category codes of entity `i` (categorical and tags columns; empty otherwise or when
    /// missing).
    pub fn codes_of(&self, i: usize) -> &[u16] {
        match self {
            Column::Categorical(c) if c.codes[i] != MISSING_CODE => std::slice::from_ref(&c.codes[i]),
            Column::Tags(t) => t.of(i),
            _ => &[],
        }
    }
}

/// Ids, display names and popularity.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    /// Entity ids.
    pub ids: TextColumn,
    /// The label column, when the map has one.
    pub label: Option<TextColumn>,
    /// Contexts per entity (exact; drawing uses the size keys of [`Points`]).
    pub popularity: Vec<u32>,
}

impl Labels {
    /// Decodes `labels.bin`. Also returns the columns stored there (the label column), with
    /// their manifest indices, so they can be shown among the metadata.
    pub fn decode(m: &Manifest, bytes: &[u8]) -> Result<(Self, Vec<(usize, Column)>), ReadError> {
        pause::run(Self::decode_paused(m, bytes, &mut NoPause))
    }

    /// [`Labels::decode`], pausing every few thousand names (a million names take the browser
    /// a few hundred milliseconds).
    pub async fn decode_paused(
        m: &Manifest,
        bytes: &[u8],
        pause: &mut impl Pause,
    ) -> Result<(Self, Vec<(usize, Column)>), ReadError> {
        let n = m.entity_count as usize;
        let r = open_file(m, FILE_LABELS, bytes)?;
        let err = ReadError::format(FILE_LABELS);
        let ids =
            decode_text_paused(r.find(SectionKind::Ids, None).map_err(&err)?.bytes, n, pause).await.map_err(&err)?;
        let popularity =
            decode_popularity(r.find(SectionKind::Popularity, None).map_err(&err)?.bytes, n).map_err(&err)?;
        let columns = decode_columns(m, FILE_LABELS, &r, pause).await?;
        let label_idx = m.label_column.as_ref().and_then(|l| m.column_index(l));
        let label = columns.iter().find(|(i, _)| Some(*i) == label_idx).and_then(|(_, c)| match c {
            Column::Text(t) => Some(t.clone()),
            _ => None,
        });
        if label_idx.is_some() && label.is_none() {
            return Err(err(FormatError::MissingSection("the label column's text section".into())));
        }
        Ok((Self { ids, label, popularity }, columns))
    }

    /// Display name of entity `i`: the label, or the id when the label is missing.
    pub fn name(&self, i: usize) -> &str {
        match &self.label {
            Some(l) if !l.get(i).is_empty() => l.get(i),
            _ => self.ids.get(i),
        }
    }
}

/// Decodes the sections of every manifest column stored in `file`.
async fn decode_columns(
    m: &Manifest,
    file: &str,
    r: &FileReader<'_>,
    pause: &mut impl Pause,
) -> Result<Vec<(usize, Column)>, ReadError> {
    let n = m.entity_count as usize;
    let err = ReadError::format(file);
    let mut out = Vec::new();
    for (i, c) in m.columns.iter().enumerate().filter(|(_, c)| c.file == file) {
        pause.tick().await;
        let col = Some(i as u32);
        let column = match c.kind {
            ColumnKind::Numeric => Column::Numeric(
                decode_numeric(r.find(SectionKind::Numeric, col).map_err(&err)?.bytes, n).map_err(&err)?,
            ),
            ColumnKind::Categorical => Column::Categorical(
                decode_categorical(r.find(SectionKind::Categorical, col).map_err(&err)?.bytes, n).map_err(&err)?,
            ),
            ColumnKind::Tags => {
                Column::Tags(decode_tags(r.find(SectionKind::Tags, col).map_err(&err)?.bytes, n).map_err(&err)?)
            }
            ColumnKind::Text => {
                let bytes = r.find(SectionKind::Text, col).map_err(&err)?.bytes;
                Column::Text(decode_text_paused(bytes, n, pause).await.map_err(&err)?)
            }
        };
        out.push((i, column));
    }
    Ok(out)
}

/// Decodes `metadata.bin`: every column the manifest places there.
pub fn decode_metadata(m: &Manifest, bytes: &[u8]) -> Result<Vec<(usize, Column)>, ReadError> {
    pause::run(decode_metadata_paused(m, bytes, &mut NoPause))
}

/// [`decode_metadata`], pausing between columns and every few thousand values of a text column.
pub async fn decode_metadata_paused(
    m: &Manifest,
    bytes: &[u8],
    pause: &mut impl Pause,
) -> Result<Vec<(usize, Column)>, ReadError> {
    let r = open_file(m, FILE_METADATA, bytes)?;
    decode_columns(m, FILE_METADATA, &r, pause).await
}

/// Decodes `neighbors.bin`, checking it stores as many neighbours as the manifest says.
pub fn decode_neighbors_file(m: &Manifest, bytes: &[u8]) -> Result<Neighbors, ReadError> {
    pause::run(decode_neighbors_file_paused(m, bytes, &mut NoPause))
}

/// [`decode_neighbors_file`], pausing at `pause` every few thousand entities.
pub async fn decode_neighbors_file_paused(
    m: &Manifest,
    bytes: &[u8],
    pause: &mut impl Pause,
) -> Result<Neighbors, ReadError> {
    let r = open_file(m, FILE_NEIGHBORS, bytes)?;
    let err = ReadError::format(FILE_NEIGHBORS);
    let section = r.find(SectionKind::Neighbors, None).map_err(&err)?.bytes;
    let nb = decode_neighbors_paused(section, m.entity_count as usize, pause).await.map_err(&err)?;
    if nb.k != m.neighbors_k as usize {
        return Err(err(FormatError::Corrupt(format!(
            "it stores {} neighbours per entity but the manifest says {}",
            nb.k, m.neighbors_k
        ))));
    }
    Ok(nb)
}

/// A whole map, every file decoded and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    /// The manifest.
    pub manifest: Manifest,
    /// The first layout and point sizes.
    pub points: Points,
    /// The other layouts and the neighbourhood changes (empty with one layout).
    pub layouts: Layouts,
    /// Ids, display names and popularity.
    pub labels: Labels,
    /// Every metadata column, in manifest order.
    pub columns: Vec<Column>,
    /// Neighbours in the embedding, when the map lists `neighbors.bin`.
    pub neighbors: Option<Neighbors>,
    /// Each entity's cluster per level, when the map has clusters.
    pub clusters: Option<Clusters>,
}

impl Map {
    /// Decodes every file the manifest lists, read through `read(name)`. Errors of `read` (a
    /// missing file, say) pass through as they are.
    pub fn decode<E: From<ReadError>>(
        manifest: Manifest,
        mut read: impl FnMut(&str) -> Result<Vec<u8>, E>,
    ) -> Result<Self, E> {
        check_manifest(&manifest)?;
        let points = Points::decode(&manifest, &read(FILE_POINTS)?)?;
        let layouts = match manifest.file(FILE_LAYOUTS) {
            Some(_) => Layouts::decode(&manifest, &read(FILE_LAYOUTS)?)?,
            None => Layouts { xy: Vec::new(), change: Vec::new() },
        };
        let (labels, label_columns) = Labels::decode(&manifest, &read(FILE_LABELS)?)?;
        let mut columns: Vec<Option<Column>> = vec![None; manifest.columns.len()];
        for (i, c) in label_columns {
            columns[i] = Some(c);
        }
        if manifest.file(FILE_METADATA).is_some() {
            for (i, c) in decode_metadata(&manifest, &read(FILE_METADATA)?)? {
                columns[i] = Some(c);
            }
        }
        let neighbors = match manifest.file(FILE_NEIGHBORS) {
            Some(_) => Some(decode_neighbors_file(&manifest, &read(FILE_NEIGHBORS)?)?),
            None => None,
        };
        let clusters = match &manifest.clusters {
            Some(c) => Some(Clusters::decode(&manifest, &read(&c.file)?)?),
            None => None,
        };
        // `check_manifest` saw every column placed in a listed file, and each file decoded all
        // of its columns, so none is missing here.
        let columns = columns
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                c.ok_or_else(|| {
                    let info = &manifest.columns[i];
                    ReadError::format(&info.file)(FormatError::MissingSection(format!("column {:?}", info.name)))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { manifest, points, layouts, labels, columns, neighbors, clusters })
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.manifest.entity_count as usize
    }

    /// Whether the map has no entities.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Quantised positions of layout `l` (0 is the first).
    pub fn layout_xy(&self, l: usize) -> &[u16] {
        if l == 0 {
            &self.points.xy
        } else {
            &self.layouts.xy[l - 1]
        }
    }

    /// Position of entity `i` in layout `l`.
    pub fn position(&self, l: usize, i: usize) -> [f64; 2] {
        position(self.layout_xy(l), &self.manifest.layouts[l].bounds, i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::sample;
    use crate::EncodedMap;

    fn file<'a>(e: &'a EncodedMap, name: &str) -> &'a [u8] {
        &e.files.iter().find(|(n, _)| n == name).unwrap().1
    }

    fn decode_all(e: &EncodedMap) -> Result<Map, ReadError> {
        Map::decode(e.manifest.clone(), |name| Ok::<_, ReadError>(file(e, name).to_vec()))
    }

    #[test]
    fn decodes_every_file() {
        let e = sample();
        let m = &e.manifest;
        check_manifest(m).unwrap();
        let p = Points::decode(m, file(&e, FILE_POINTS)).unwrap();
        assert_eq!(p.len(), 4);
        let w = p.world(m, 1);
        assert!((w[0] - 1.0).abs() < 1e-3 && (w[1] - 2.0).abs() < 1e-3);
        let (labels, cols) = Labels::decode(m, file(&e, FILE_LABELS)).unwrap();
        assert_eq!(labels.name(0), "Alpha");
        assert_eq!(labels.name(2), "c", "missing label falls back to the id");
        assert_eq!(cols.len(), 1);
        let meta = decode_metadata(m, file(&e, FILE_METADATA)).unwrap();
        assert_eq!(meta.iter().map(|(i, _)| *i).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(meta[0].1.codes_of(3), &[] as &[u16]);
        assert_eq!(meta[2].1.codes_of(0), &[0, 1]);
        assert_eq!(labels.popularity, vec![3, 1, 2, 100]);
        assert_eq!((p.sizes[1], p.sizes[3]), (0, 255), "sizes span the popularity range");
        let nb = decode_neighbors_file(m, file(&e, FILE_NEIGHBORS)).unwrap();
        assert_eq!(nb.of(3).collect::<Vec<_>>(), vec![0]);
        let l = Layouts::decode(m, file(&e, FILE_LAYOUTS)).unwrap();
        assert_eq!((l.xy.len(), l.change.len()), (1, 1));
        assert_eq!(l.change[0], vec![0, 3, 10, 1]);
        let c = Clusters::decode(m, file(&e, FILE_CLUSTERS)).unwrap();
        assert_eq!(c.levels, vec![vec![0, 0, 0, 1], vec![0, 0, 1, 2]]);
        assert_eq!((c.of(1, 2), c.of(0, 3)), (1, 1));
        let levels = &m.clusters.as_ref().unwrap().levels;
        assert_eq!(levels[1].clusters[c.of(1, 3) as usize].parent, Some(u32::from(c.of(0, 3))));

        let map = decode_all(&e).unwrap();
        let t = map.position(1, 3);
        assert!((t[0] - 10.0).abs() < 1e-3 && (t[1] - 10.0).abs() < 1e-3);
        assert_eq!(map.position(0, 1), p.world(m, 1));
        assert_eq!(map.len(), 4);
        assert_eq!(map.columns.len(), 4);
        assert!(matches!(map.columns[2], Column::Numeric(_)));
        assert_eq!(map.labels.name(3), "Délta");
        assert!(map.neighbors.is_some());
        assert_eq!(map.clusters, Some(c));
        // A map without clusters decodes without clusters.bin.
        let mut bare = e.clone();
        bare.manifest.clusters = None;
        bare.manifest.files.retain(|f| f.name != FILE_CLUSTERS);
        assert_eq!(decode_all(&bare).unwrap().clusters, None);
        assert!(Clusters::decode(&bare.manifest, file(&e, FILE_CLUSTERS)).is_err());
    }

    #[test]
    fn truncated_files_are_reported_with_sizes() {
        let e = sample();
        let bytes = file(&e, FILE_POINTS);
        let err = Points::decode(&e.manifest, &bytes[..bytes.len() - 5]).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("points.bin is truncated") && msg.contains(&bytes.len().to_string()), "{msg}");
        let mut longer = bytes.to_vec();
        longer.push(0);
        let msg = Points::decode(&e.manifest, &longer).unwrap_err().to_string();
        assert!(msg.contains("different builds"), "{msg}");
        // Every cut of every file is an error, never a panic.
        for name in [FILE_POINTS, FILE_LABELS, FILE_METADATA, FILE_NEIGHBORS, FILE_LAYOUTS, FILE_CLUSTERS] {
            let bytes = file(&e, name);
            let mut m = e.manifest.clone();
            for cut in 0..bytes.len() {
                // Pretend the manifest agrees, so the container checks themselves are exercised.
                m.files.iter_mut().find(|f| f.name == name).unwrap().bytes = cut as u64;
                let part = &bytes[..cut];
                let r = match name {
                    FILE_POINTS => Points::decode(&m, part).map(|_| ()),
                    FILE_LABELS => Labels::decode(&m, part).map(|_| ()),
                    FILE_METADATA => decode_metadata(&m, part).map(|_| ()),
                    FILE_LAYOUTS => Layouts::decode(&m, part).map(|_| ()),
                    FILE_CLUSTERS => Clusters::decode(&m, part).map(|_| ()),
                    _ => decode_neighbors_file(&m, part).map(|_| ()),
                };
                assert!(r.is_err(), "{name} cut at {cut}");
            }
        }
    }

    #[test]
    fn corrupt_and_foreign_inputs_are_errors() {
        let e = sample();
        let m = &e.manifest;
        let mut bytes = file(&e, FILE_POINTS).to_vec();
        bytes[4] = 1; // version 1
        let msg = Points::decode(m, &bytes).unwrap_err().to_string();
        assert!(msg.contains("version 1") && msg.contains("version 2"), "{msg}");
        let mut bytes = file(&e, FILE_POINTS).to_vec();
        bytes[0] = b'X';
        assert!(matches!(Points::decode(m, &bytes), Err(ReadError::Format { .. })));
        let html = b"<!doctype html><html>404 not found</html>".to_vec();
        let mut m2 = m.clone();
        m2.files.iter_mut().find(|f| f.name == FILE_POINTS).unwrap().bytes = html.len() as u64;
        assert!(Points::decode(&m2, &html).unwrap_err().to_string().contains("not a Starmap file"));
        // A file from a map with another entity count.
        let mut m3 = m.clone();
        m3.entity_count = 5;
        assert!(Points::decode(&m3, file(&e, FILE_POINTS)).unwrap_err().to_string().contains('5'));
        let mut m4 = m.clone();
        m4.format_version = 7;
        assert!(check_manifest(&m4).unwrap_err().to_string().contains("version 7"));
        let mut m5 = m.clone();
        m5.label_column = Some("nope".into());
        assert!(check_manifest(&m5).is_err());
        // A neighbour file whose k disagrees with the manifest.
        let mut m6 = m.clone();
        m6.neighbors_k = 3;
        assert!(decode_neighbors_file(&m6, file(&e, FILE_NEIGHBORS)).unwrap_err().to_string().contains('3'));
        // A layout pair the manifest does not have.
        let mut m8 = m.clone();
        m8.layouts.truncate(1);
        m8.files.retain(|f| f.name != FILE_LAYOUTS);
        let l = file(&e, FILE_LAYOUTS);
        m8.files.push(crate::FileRef { name: FILE_LAYOUTS.into(), bytes: l.len() as u64 });
        assert!(Layouts::decode(&m8, l).is_err());
        // A column moved to another file by the manifest: its section is no longer expected here.
        let mut m7 = m.clone();
        m7.columns[1].file = FILE_LABELS.into();
        assert!(decode_metadata(&m7, file(&e, FILE_METADATA)).is_err());
        // Random bytes of the right size never panic.
        let mut seed = 12345u32;
        for _ in 0..200 {
            let mut junk = file(&e, FILE_METADATA).to_vec();
            for b in junk.iter_mut().skip(16) {
                seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
                if seed >> 28 == 0 {
                    *b = (seed >> 8) as u8;
                }
            }
            let _ = decode_metadata(m, &junk);
        }
    }

    /// `clusters.bin` of the sample with level `level`'s ids replaced.
    fn clusters_with(e: &EncodedMap, level: usize, ids: &[u16]) -> Vec<u8> {
        let mut levels = Clusters::decode(&e.manifest, file(e, FILE_CLUSTERS)).unwrap().levels;
        levels[level] = ids.to_vec();
        let mut w = crate::FileWriter::new(e.manifest.entity_count);
        for (l, ids) in levels.iter().enumerate() {
            w.push(SectionKind::ClusterIds, Some(l as u32), crate::encode_cluster_ids(ids));
        }
        w.to_bytes().unwrap()
    }

    #[test]
    fn corrupt_clusters_are_errors() {
        let e = sample();
        let m = &e.manifest;
        // The manifest told each file's size, so the checks past the size check run.
        let decode = |bytes: &[u8]| {
            let mut m = m.clone();
            m.files.iter_mut().find(|f| f.name == FILE_CLUSTERS).unwrap().bytes = bytes.len() as u64;
            Clusters::decode(&m, bytes).map_err(|e| e.to_string())
        };
        assert!(decode(&clusters_with(&e, 1, &[0, 0, 1, 2])).is_ok(), "the sample's own ids");
        // An id beyond the level's three clusters.
        let msg = decode(&clusters_with(&e, 1, &[0, 0, 3, 2])).unwrap_err();
        assert!(msg.contains("id 3") && msg.contains("3 clusters"), "{msg}");
        // Entity c in the fine cluster of d, whose parent is not c's coarse cluster.
        let msg = decode(&clusters_with(&e, 1, &[0, 0, 2, 1])).unwrap_err();
        assert!(msg.contains("entity 2") && msg.contains("parent"), "{msg}");
        // Sizes that disagree with the manifest: all four in the first coarse cluster.
        let msg = decode(&clusters_with(&e, 0, &[0, 0, 0, 0])).unwrap_err();
        assert!(msg.contains("holds 4 entities") && msg.contains("says 3"), "{msg}");
        // A level missing, or one too many.
        let mut w = crate::FileWriter::new(4);
        w.push(SectionKind::ClusterIds, Some(0), crate::encode_cluster_ids(&[0, 0, 0, 1]));
        assert!(decode(&w.to_bytes().unwrap()).unwrap_err().contains("1 cluster id sections for 2 levels"));
        w.push(SectionKind::ClusterIds, Some(1), crate::encode_cluster_ids(&[0, 0, 1, 2]));
        w.push(SectionKind::ClusterIds, Some(1), crate::encode_cluster_ids(&[0, 0, 1, 2]));
        assert!(decode(&w.to_bytes().unwrap()).unwrap_err().contains("3 cluster id sections"));
        // A level the manifest does not have.
        let mut w = crate::FileWriter::new(4);
        w.push(SectionKind::ClusterIds, Some(2), crate::encode_cluster_ids(&[0, 0, 0, 0]));
        assert!(decode(&w.to_bytes().unwrap()).unwrap_err().contains("cluster level 2"));
        // Manifest-side: a parent beyond the coarser level, a member beyond the entities, sizes
        // that do not add up, a parent that does not hold its children.
        let bad_manifests: [fn(&mut crate::ClustersInfo); 5] = [
            |c| c.levels[1].clusters[2].parent = Some(2),
            |c| c.levels[1].clusters[0].parent = None,
            |c| c.levels[0].clusters[1].top = vec![4],
            |c| c.levels[0].clusters[1].size = 2,
            |c| c.levels[1].clusters[1].parent = Some(1),
        ];
        for (k, spoil) in bad_manifests.iter().enumerate() {
            let mut m2 = m.clone();
            spoil(m2.clusters.as_mut().unwrap());
            assert!(check_manifest(&m2).is_err(), "case {k}");
        }
        let mut m3 = m.clone();
        m3.files.retain(|f| f.name != FILE_CLUSTERS);
        assert!(check_manifest(&m3).unwrap_err().to_string().contains("clusters.bin"));
        let mut m4 = m.clone();
        m4.clusters.as_mut().unwrap().levels.clear();
        assert!(check_manifest(&m4).is_err());
    }

    #[cfg(feature = "json")]
    #[test]
    fn manifests_parse_with_their_version_named_first() {
        let e = sample();
        let json = serde_json::to_vec(&e.manifest).unwrap();
        assert_eq!(parse_manifest(&json).unwrap(), e.manifest);
        let future = String::from_utf8(json).unwrap().replace(
            &format!("\"format_version\":{}", crate::FORMAT_VERSION),
            "\"format_version\":3,\"layouts\":{\"renamed\":true}",
        );
        let msg = parse_manifest(future.as_bytes()).unwrap_err().to_string();
        assert!(msg.contains("version 3") && msg.contains("version 2"), "{msg}");
        // A map of the first format: named as such, with what to do.
        let old = br#"{"format":"starmap","format_version":1,"entity_count":2,"bounds":{"min_x":0,"min_y":0,"max_x":1,"max_y":1}}"#;
        let msg = parse_manifest(old).unwrap_err().to_string();
        assert!(msg.contains("version 1") && msg.contains("rebuild"), "{msg}");
        assert!(matches!(parse_manifest(b"{\"format\":"), Err(ReadError::Manifest(_))));
        assert!(matches!(parse_manifest(b"<!doctype html>"), Err(ReadError::Manifest(_))));
    }
}
