//! The map as the viewer holds it: the manifest plus each decoded file, arriving one at a time
//! (points first, so drawing can start, then labels, metadata and neighbours). Every check a
//! download needs lives here — file size against the manifest, the container, each section —
//! so a truncated or corrupt file becomes a readable [`LoadError`] rather than a panic.

use starmap_format::{
    decode_categorical, decode_neighbors, decode_numeric, decode_popularity, decode_positions, decode_tags,
    decode_text, dequantize, Categorical, ColumnKind, FileReader, FormatError, Manifest, Neighbors, SectionKind, Tags,
    TextColumn, FILE_LABELS, FILE_METADATA, FILE_NEIGHBORS, FILE_POINTS, QUANT_MAX,
};

/// Why a map could not be loaded, phrased for the person looking at the page.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// The manifest is not valid JSON of the expected shape.
    Manifest(String),
    /// A file could not be fetched.
    Network {
        /// The URL requested.
        url: String,
        /// What went wrong (HTTP status or browser error).
        reason: String,
    },
    /// A file's size differs from the manifest's record of it.
    Size {
        /// File name.
        file: String,
        /// Bytes the manifest lists.
        expected: u64,
        /// Bytes received.
        got: u64,
    },
    /// A file's content is invalid.
    Format {
        /// File name.
        file: String,
        /// What the format reader found.
        error: FormatError,
    },
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Manifest(m) => write!(f, "The map's manifest.json is invalid: {m}"),
            LoadError::Network { url, reason } => write!(f, "Could not load {url}: {reason}"),
            LoadError::Size { file, expected, got } if got < expected => write!(
                f,
                "{file} is truncated: the manifest lists {expected} bytes but only {got} arrived. \
                 Re-upload the map folder."
            ),
            LoadError::Size { file, expected, got } => write!(
                f,
                "{file} has {got} bytes but the manifest lists {expected}: the files come from different builds."
            ),
            LoadError::Format { file, error } => write!(f, "{file} is not a valid map file: {error}"),
        }
    }
}

impl std::error::Error for LoadError {}

fn format_err(file: &str) -> impl Fn(FormatError) -> LoadError + '_ {
    move |error| LoadError::Format { file: file.to_string(), error }
}

/// Checks a parsed manifest: format, version and the consistency the viewer relies on.
pub fn check_manifest(m: &Manifest) -> Result<(), LoadError> {
    m.validate().map_err(format_err("manifest.json"))?;
    if let Some(label) = &m.label_column {
        if m.column_index(label).is_none() {
            return Err(LoadError::Manifest(format!("label column {label:?} is not among the columns")));
        }
    }
    Ok(())
}

/// Checks that `bytes` has the size the manifest lists for `file` (when it lists one).
pub fn check_size(m: &Manifest, file: &str, bytes: &[u8]) -> Result<(), LoadError> {
    match m.file(file) {
        Some(f) if f.bytes != bytes.len() as u64 => {
            Err(LoadError::Size { file: file.to_string(), expected: f.bytes, got: bytes.len() as u64 })
        }
        _ => Ok(()),
    }
}

fn parse<'a>(m: &Manifest, file: &'a str, bytes: &'a [u8]) -> Result<FileReader<'a>, LoadError> {
    check_size(m, file, bytes)?;
    let reader = FileReader::parse(bytes, file).map_err(format_err(file))?;
    if reader.entity_count() != m.entity_count {
        return Err(LoadError::Format {
            file: file.to_string(),
            error: FormatError::Corrupt(format!(
                "it holds {} entities but the manifest says {}",
                reader.entity_count(),
                m.entity_count
            )),
        });
    }
    Ok(reader)
}

/// Positions and popularity: what drawing needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    /// Quantised positions, `x, y` per entity.
    pub xy: Vec<u16>,
    /// Contexts per entity.
    pub popularity: Vec<u32>,
}

impl Points {
    /// Decodes `points.bin`.
    pub fn decode(m: &Manifest, bytes: &[u8]) -> Result<Self, LoadError> {
        let n = m.entity_count as usize;
        let r = parse(m, FILE_POINTS, bytes)?;
        let err = format_err(FILE_POINTS);
        let xy = decode_positions(r.find(SectionKind::Positions, None).map_err(&err)?.bytes, n).map_err(&err)?;
        let popularity =
            decode_popularity(r.find(SectionKind::Popularity, None).map_err(&err)?.bytes, n).map_err(&err)?;
        Ok(Self { xy, popularity })
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.popularity.len()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.popularity.is_empty()
    }

    /// World position of entity `i`.
    pub fn world(&self, m: &Manifest, i: usize) -> [f64; 2] {
        let b = &m.bounds;
        [dequantize(self.xy[2 * i], b.min_x, b.max_x) as f64, dequantize(self.xy[2 * i + 1], b.min_y, b.max_y) as f64]
    }

    /// Draw order: most popular first, so popular points lie beneath rare ones.
    pub fn draw_order(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.len() as u32).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(self.popularity[i as usize]), i));
        order
    }

    /// Size key per entity, 0..=255: popularity on a log scale between the map's extremes.
    pub fn size_keys(&self, m: &Manifest) -> Vec<u8> {
        let lo = (m.popularity_range[0].max(1) as f64).ln();
        let hi = (m.popularity_range[1].max(1) as f64).ln();
        let span = (hi - lo).max(1e-9);
        self.popularity
            .iter()
            .map(|&p| (((p.max(1) as f64).ln() - lo) / span * 255.0).round().clamp(0.0, 255.0) as u8)
            .collect()
    }
}

/// Dequantises one coordinate exactly as the vertex shader does (`q / 65535` scaled into the
/// bounds), for tests that compare with the format crate.
pub fn unit_from_quantized(q: u16) -> f32 {
    q as f32 / QUANT_MAX as f32
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
            Column::Categorical(c) if c.codes[i] != starmap_format::MISSING_CODE => std::slice::from_ref(&c.codes[i]),
            Column::Tags(t) => t.of(i),
            _ => &[],
        }
    }
}

/// Ids and display names.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    /// Entity ids.
    pub ids: TextColumn,
    /// The label column, when the map has one.
    pub label: Option<TextColumn>,
}

impl Labels {
    /// Decodes `labels.bin`. Returns the label column's index too, so it can be shown among
    /// the metadata.
    pub fn decode(m: &Manifest, bytes: &[u8]) -> Result<(Self, Vec<(usize, Column)>), LoadError> {
        let n = m.entity_count as usize;
        let r = parse(m, FILE_LABELS, bytes)?;
        let err = format_err(FILE_LABELS);
        let ids = decode_text(r.find(SectionKind::Ids, None).map_err(&err)?.bytes, n).map_err(&err)?;
        let columns = decode_columns(m, FILE_LABELS, &r)?;
        let label_idx = m.label_column.as_ref().and_then(|l| m.column_index(l));
        let label = columns.iter().find(|(i, _)| Some(*i) == label_idx).and_then(|(_, c)| match c {
            Column::Text(t) => Some(t.clone()),
            _ => None,
        });
        if label_idx.is_some() && label.is_none() {
            return Err(LoadError::Format {
                file: FILE_LABELS.into(),
                error: FormatError::MissingSection("the label column's text section".into()),
            });
        }
        Ok((Self { ids, label }, columns))
    }

    /// Display name of entity `i`: the label, or the id when the label is missing.
    pub fn name(&self, i: usize) -> &str {
        match &self.label {
            Some(l) if !l.get(i).is_empty() => l.get(i),
            _ => self.ids.get(i),
        }
    }
}

/// Entity lookup by id: indices sorted by id, searched by bisection (4 bytes an entity, where a
/// hash map of a million ids would take tens of megabytes).
#[derive(Debug, Clone, PartialEq)]
pub struct IdIndex {
    sorted: Vec<u32>,
}

impl IdIndex {
    /// Indexes the ids.
    pub fn new(ids: &TextColumn) -> Self {
        let mut sorted: Vec<u32> = (0..ids.len() as u32).collect();
        sorted.sort_by(|&a, &b| ids.get(a as usize).cmp(ids.get(b as usize)));
        Self { sorted }
    }

    /// The entity with id `id` (the first, should ids repeat).
    pub fn find(&self, ids: &TextColumn, id: &str) -> Option<u32> {
        let at = self.sorted.partition_point(|&i| ids.get(i as usize) < id);
        self.sorted.get(at).copied().filter(|&i| ids.get(i as usize) == id)
    }
}

/// Splits a pasted list of ids or names (commas, semicolons, tabs, new lines) into tokens.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', ';', '\n', '\r', '\t']).map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect()
}

/// Resolves tokens to entities: by exact id first, then by display name ignoring case and
/// accents. Returns the entities found (sorted, unique) and the tokens that matched nothing.
pub fn resolve_tokens(tokens: &[String], labels: &Labels, ids: &IdIndex) -> (Vec<u32>, Vec<String>) {
    let mut found = Vec::new();
    let mut by_name: Vec<(String, usize)> = Vec::new();
    let mut matched = vec![false; tokens.len()];
    for (t, token) in tokens.iter().enumerate() {
        match ids.find(&labels.ids, token) {
            Some(e) => {
                found.push(e);
                matched[t] = true;
            }
            None => by_name.push((crate::search::normalize(token), t)),
        }
    }
    if !by_name.is_empty() {
        by_name.sort();
        let mut buf = String::new();
        for e in 0..labels.ids.len() {
            buf.clear();
            crate::search::normalize_into(labels.name(e), &mut buf);
            let at = by_name.partition_point(|(n, _)| n.as_str() < buf.as_str());
            for (n, t) in &by_name[at..] {
                if n != &buf {
                    break;
                }
                found.push(e as u32);
                matched[*t] = true;
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    let missing = tokens.iter().zip(&matched).filter(|(_, &m)| !m).map(|(t, _)| t.clone()).collect();
    (found, missing)
}

/// Decodes the sections of every manifest column stored in `file`.
fn decode_columns(m: &Manifest, file: &str, r: &FileReader<'_>) -> Result<Vec<(usize, Column)>, LoadError> {
    let n = m.entity_count as usize;
    let err = format_err(file);
    let mut out = Vec::new();
    for (i, c) in m.columns.iter().enumerate().filter(|(_, c)| c.file == file) {
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
                Column::Text(decode_text(r.find(SectionKind::Text, col).map_err(&err)?.bytes, n).map_err(&err)?)
            }
        };
        out.push((i, column));
    }
    Ok(out)
}

/// Decodes `metadata.bin`: every column the manifest places there.
pub fn decode_metadata(m: &Manifest, bytes: &[u8]) -> Result<Vec<(usize, Column)>, LoadError> {
    let r = parse(m, FILE_METADATA, bytes)?;
    decode_columns(m, FILE_METADATA, &r)
}

/// Decodes `neighbors.bin`.
pub fn decode_neighbors_file(m: &Manifest, bytes: &[u8]) -> Result<Neighbors, LoadError> {
    let r = parse(m, FILE_NEIGHBORS, bytes)?;
    let err = format_err(FILE_NEIGHBORS);
    decode_neighbors(r.find(SectionKind::Neighbors, None).map_err(&err)?.bytes, m.entity_count as usize).map_err(&err)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use starmap_format::{encode_map, BuildInfo, ColumnData, ColumnValues, EncodedMap, MapContent};

    /// A small map with every column kind, shared by the viewer's tests.
    pub(crate) fn sample() -> EncodedMap {
        encode_map(&MapContent {
            ids: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            id_column: "id".into(),
            positions: vec![[0.0, 0.0], [1.0, 2.0], [-1.0, 0.5], [0.5, 0.5]],
            popularity: vec![3, 1, 2, 100],
            neighbors_k: 2,
            neighbors: vec![1, 2, 0, 2, 0, 1, 0, u32::MAX],
            columns: vec![
                ColumnData {
                    name: "title".into(),
                    values: ColumnValues::Text(TextColumn::from_values(&["Alpha", "Beta", "", "Délta"])),
                },
                ColumnData {
                    name: "kind".into(),
                    values: ColumnValues::Categorical(Categorical {
                        categories: vec!["x".into(), "y".into()],
                        codes: vec![0, 1, 1, u16::MAX],
                    }),
                },
                ColumnData {
                    name: "year".into(),
                    values: ColumnValues::Numeric(vec![1999.0, f32::NAN, 2001.0, 2010.0]),
                },
                ColumnData {
                    name: "genre".into(),
                    values: ColumnValues::Tags(Tags {
                        categories: vec!["Drama".into(), "Comedy".into()],
                        offsets: vec![0, 2, 3, 3, 4],
                        codes: vec![0, 1, 1, 0],
                    }),
                },
            ],
            label_column: Some(0),
            title: "Sample".into(),
            description: String::new(),
            build: BuildInfo::default(),
        })
        .unwrap()
    }

    fn file<'a>(e: &'a EncodedMap, name: &str) -> &'a [u8] {
        &e.files.iter().find(|(n, _)| n == name).unwrap().1
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
        assert_eq!(p.draw_order(), vec![3, 0, 2, 1]);
        let sizes = p.size_keys(m);
        assert_eq!((sizes[1], sizes[3]), (0, 255));
        let (labels, cols) = Labels::decode(m, file(&e, FILE_LABELS)).unwrap();
        assert_eq!(labels.name(0), "Alpha");
        assert_eq!(labels.name(2), "c", "missing label falls back to the id");
        assert_eq!(cols.len(), 1);
        let meta = decode_metadata(m, file(&e, FILE_METADATA)).unwrap();
        assert_eq!(meta.iter().map(|(i, _)| *i).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(meta[0].1.codes_of(3), &[] as &[u16]);
        assert_eq!(meta[2].1.codes_of(0), &[0, 1]);
        let nb = decode_neighbors_file(m, file(&e, FILE_NEIGHBORS)).unwrap();
        assert_eq!(nb.of(3).collect::<Vec<_>>(), vec![0]);
    }

    #[test]
    fn ids_and_pasted_lists_resolve() {
        let e = sample();
        let (labels, _) = Labels::decode(&e.manifest, file(&e, FILE_LABELS)).unwrap();
        let idx = IdIndex::new(&labels.ids);
        assert_eq!(idx.find(&labels.ids, "c"), Some(2));
        assert_eq!(idx.find(&labels.ids, "zz"), None);
        assert_eq!(idx.find(&labels.ids, ""), None);
        let tokens = split_list(" a, DELTA\nnobody;;\tbeta \r\n");
        assert_eq!(tokens, vec!["a", "DELTA", "nobody", "beta"]);
        let (found, missing) = resolve_tokens(&tokens, &labels, &idx);
        // "a" by id, "DELTA" -> "Délta" by name, "beta" -> "Beta".
        assert_eq!(found, vec![0, 1, 3]);
        assert_eq!(missing, vec!["nobody"]);
    }

    #[test]
    fn shader_dequantisation_matches_the_format() {
        let b = (-3.5f32, 12.25f32);
        for q in [0u16, 1, 999, 32768, 65534, 65535] {
            let shader = b.0 + unit_from_quantized(q) * (b.1 - b.0);
            assert!((shader - dequantize(q, b.0, b.1)).abs() < 1e-5);
        }
    }

    #[test]
    fn truncated_files_are_reported_with_sizes() {
        let e = sample();
        let bytes = file(&e, FILE_POINTS);
        let err = Points::decode(&e.manifest, &bytes[..bytes.len() - 5]).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("points.bin is truncated") && msg.contains(&bytes.len().to_string()), "{msg}");
        // Every cut of every file is an error, never a panic.
        for name in [FILE_POINTS, FILE_LABELS, FILE_METADATA, FILE_NEIGHBORS] {
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
        bytes[4] = 2; // version 2
        let msg = Points::decode(m, &bytes).unwrap_err().to_string();
        assert!(msg.contains("version 2") && msg.contains("version 1"), "{msg}");
        let mut bytes = file(&e, FILE_POINTS).to_vec();
        bytes[0] = b'X';
        assert!(matches!(Points::decode(m, &bytes), Err(LoadError::Format { .. })));
        let html = b"<!doctype html><html>404 not found</html>".to_vec();
        let mut m2 = m.clone();
        m2.files.iter_mut().find(|f| f.name == FILE_POINTS).unwrap().bytes = html.len() as u64;
        assert!(Points::decode(&m2, &html).unwrap_err().to_string().contains("not a Starmap file"));
        // A file from a map with another entity count.
        let mut m3 = m.clone();
        m3.entity_count = 5;
        assert!(Points::decode(&m3, file(&e, FILE_POINTS)).unwrap_err().to_string().contains("5"));
        let mut m4 = m.clone();
        m4.format_version = 7;
        assert!(check_manifest(&m4).unwrap_err().to_string().contains("version 7"));
        let mut m5 = m.clone();
        m5.label_column = Some("nope".into());
        assert!(check_manifest(&m5).is_err());
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
}
