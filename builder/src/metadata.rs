//! Metadata: one row per entity id, any number of columns, joined to the placed entities. Each
//! column's kind is inferred from its values:
//!
//! - **numeric** when every non-empty value parses as a finite number;
//! - **tags** when at least 5% of values are lists (`"Romance, Drama"`, split on `,`, `;` or
//!   `|`) and their items are few: at most [`MAX_CATEGORIES`] distinct, each used four times on
//!   average, and no more than the distinct whole values;
//! - **categorical** when the whole values are few by the same rule;
//! - **text** otherwise.
//!
//! Columns with no value at all are skipped. Duplicate ids keep their first row; ids with no
//! interactions are ignored; both are counted for the summary.

use std::collections::BTreeMap;
use std::path::PathBuf;

use indicatif::ProgressBar;
use rustc_hash::FxHashMap;
use starmap_format::{Categorical, ColumnData, ColumnValues, Tags, TextColumn, MISSING_CODE};

use crate::error::{BuildError, Location, Result};
use crate::table::{Dialect, TableReader};

/// Most distinct values a categorical or tags column may have.
pub const MAX_CATEGORIES: usize = 256;
const LIST_SEPARATORS: [char; 3] = [',', ';', '|'];

/// What to read.
#[derive(Debug, Clone)]
pub struct MetadataOptions {
    /// The metadata file.
    pub path: PathBuf,
    /// Column holding entity ids.
    pub id_col: String,
    /// Column to show as each entity's name; default: the first text column.
    pub label_col: Option<String>,
    /// Explicit delimiter.
    pub delimiter: Option<u8>,
}

/// Counts for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataStats {
    /// Data rows read.
    pub rows: u64,
    /// Rows whose id repeated an earlier row's (ignored: the first row wins).
    pub duplicate_ids: u64,
    /// First repeated id and the lines of its two rows.
    pub first_duplicate: Option<(String, u64, u64)>,
    /// Rows whose id has no interactions (or was filtered out): ignored.
    pub ids_not_placed: u64,
    /// Placed entities without a metadata row.
    pub entities_without_metadata: u64,
    /// Columns skipped because no placed entity has a value.
    pub empty_columns: Vec<String>,
}

/// Metadata columns in entity order.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// Columns (the id column excluded).
    pub columns: Vec<ColumnData>,
    /// Index of the label column in `columns`.
    pub label_column: Option<usize>,
    /// Counts.
    pub stats: MetadataStats,
}

fn parse_number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Codes ordered by frequency (most common first, then by value), so legends read naturally.
fn dictionary<'a>(values: impl Iterator<Item = &'a str>) -> (Vec<String>, FxHashMap<&'a str, u16>) {
    let mut counts: FxHashMap<&str, u32> = FxHashMap::default();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    let mut order: Vec<(&str, u32)> = counts.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let codes = order.iter().enumerate().map(|(i, &(v, _))| (v, i as u16)).collect();
    (order.into_iter().map(|(v, _)| v.to_string()).collect(), codes)
}

fn split_list(v: &str, sep: char) -> impl Iterator<Item = &str> {
    v.split(sep).map(str::trim).filter(|t| !t.is_empty())
}

/// Infers the kind of one column from its values (entity order, empty = missing) and encodes it.
pub fn infer_column(values: &[&str]) -> Option<ColumnValues> {
    let present: Vec<&str> = values.iter().copied().filter(|v| !v.is_empty()).collect();
    if present.is_empty() {
        return None;
    }
    if present.iter().all(|v| parse_number(v).is_some()) {
        return Some(ColumnValues::Numeric(
            values.iter().map(|v| parse_number(v).map_or(f32::NAN, |x| x as f32)).collect(),
        ));
    }
    let few = |distinct: usize| distinct <= MAX_CATEGORIES && distinct * 4 <= present.len();
    let mut distinct: Vec<&str> = present.clone();
    distinct.sort_unstable();
    distinct.dedup();
    for sep in LIST_SEPARATORS {
        let listed = present.iter().filter(|v| v.contains(sep)).count();
        if listed * 20 < present.len() {
            continue;
        }
        let mut tokens: Vec<&str> = present.iter().flat_map(|v| split_list(v, sep)).collect();
        tokens.sort_unstable();
        tokens.dedup();
        // Lists only when splitting actually merges values into no more categories.
        if few(tokens.len()) && tokens.len() <= distinct.len() {
            let (categories, codes) = dictionary(present.iter().flat_map(|v| split_list(v, sep)));
            let mut offsets = vec![0u32];
            let mut list = Vec::new();
            for v in values {
                for t in split_list(v, sep) {
                    let c = codes[t];
                    if !list[offsets[offsets.len() - 1] as usize..].contains(&c) {
                        list.push(c);
                    }
                }
                offsets.push(list.len() as u32);
            }
            return Some(ColumnValues::Tags(Tags { categories, offsets, codes: list }));
        }
    }
    if few(distinct.len()) {
        let (categories, codes) = dictionary(present.iter().copied());
        let codes = values.iter().map(|v| if v.is_empty() { MISSING_CODE } else { codes[v] }).collect();
        return Some(ColumnValues::Categorical(Categorical { categories, codes }));
    }
    Some(ColumnValues::Text(TextColumn::from_values(values)))
}

/// Reads the metadata and lays it out for `entity_ids`.
pub fn read_metadata(opts: &MetadataOptions, entity_ids: &[String], bar: &ProgressBar) -> Result<Metadata> {
    let dialect = Dialect::for_path(&opts.path, opts.delimiter);
    let mut table = TableReader::open(&opts.path, dialect, bar, true)?;
    let id_col = table.column(&opts.id_col, "--id-col")?;
    let headers = table.headers().to_vec();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        if let Some(first) = seen.insert(h.as_str(), i) {
            return Err(BuildError::input(
                Location::line(table.path(), 1),
                format!(
                    "the column name {h:?} appears twice (columns {} and {}); names must be unique",
                    first + 1,
                    i + 1
                ),
            ));
        }
    }
    if let Some(label) = &opts.label_col {
        table.column(label, "--label-col")?;
    }
    let index: FxHashMap<&str, usize> = entity_ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let mut rows: Vec<Option<(u64, Vec<String>)>> = vec![None; entity_ids.len()];
    let mut stats = MetadataStats::default();
    while let Some(row) = table.next_row()? {
        stats.rows += 1;
        let id = row.str(id_col)?;
        let Some(&entity) = index.get(id) else {
            stats.ids_not_placed += 1;
            continue;
        };
        if let Some((first_line, _)) = &rows[entity] {
            stats.duplicate_ids += 1;
            if stats.first_duplicate.is_none() {
                stats.first_duplicate = Some((id.to_string(), *first_line, row.line));
            }
            continue;
        }
        let fields = (0..headers.len()).map(|c| row.str(c).map(str::to_string)).collect::<Result<Vec<_>>>()?;
        rows[entity] = Some((row.line, fields));
    }
    if stats.rows == 0 {
        return Err(BuildError::input(Location::file(&opts.path), "the file has a header but no data rows"));
    }
    stats.entities_without_metadata = rows.iter().filter(|r| r.is_none()).count() as u64;

    let mut columns = Vec::new();
    let mut label_column = None;
    for (c, name) in headers.iter().enumerate() {
        if c == id_col {
            continue;
        }
        let values: Vec<&str> = rows.iter().map(|r| r.as_ref().map_or("", |(_, f)| f[c].as_str())).collect();
        let is_label = opts.label_col.as_deref() == Some(name.as_str());
        let inferred = if is_label {
            // The display name is always text, whatever it looks like.
            Some(ColumnValues::Text(TextColumn::from_values(&values)))
        } else {
            infer_column(&values)
        };
        let Some(values) = inferred else {
            stats.empty_columns.push(name.clone());
            continue;
        };
        let default_label =
            opts.label_col.is_none() && label_column.is_none() && matches!(values, ColumnValues::Text(_));
        if is_label || default_label {
            label_column = Some(columns.len());
        }
        columns.push(ColumnData { name: name.clone(), values });
    }
    Ok(Metadata { columns, label_column, stats })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_inferred_from_values() {
        let n = 40;
        let years: Vec<String> =
            (0..n).map(|i| if i % 10 == 0 { String::new() } else { (1990 + i % 7).to_string() }).collect();
        let refs: Vec<&str> = years.iter().map(String::as_str).collect();
        assert!(matches!(infer_column(&refs), Some(ColumnValues::Numeric(v)) if v[0].is_nan() && v[1] == 1991.0));

        let kinds: Vec<&str> = (0..n).map(|i| ["a", "b", "c"][i % 3]).collect();
        match infer_column(&kinds) {
            Some(ColumnValues::Categorical(c)) => {
                assert_eq!(c.categories, vec!["a", "b", "c"]); // a: 14, b: 13, c: 13
                assert_eq!(c.codes[1], 1);
            }
            other => panic!("{other:?}"),
        }

        let genres: Vec<&str> = (0..n).map(|i| ["Drama, Comedy", "Drama", "Horror ,Drama", ""][i % 4]).collect();
        match infer_column(&genres) {
            Some(ColumnValues::Tags(t)) => {
                assert_eq!(t.categories, vec!["Drama", "Comedy", "Horror"]);
                assert_eq!(t.of(0), &[0, 1]);
                assert_eq!(t.of(2), &[2, 0]);
                assert!(t.of(3).is_empty());
            }
            other => panic!("{other:?}"),
        }

        let titles: Vec<String> = (0..n).map(|i| format!("Film {i}")).collect();
        let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
        assert!(matches!(infer_column(&refs), Some(ColumnValues::Text(_))));
        assert!(infer_column(&["", ""]).is_none());
    }

    #[test]
    fn rows_join_by_id_with_duplicates_and_strangers_counted() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.csv");
        std::fs::write(&p, "id,title,score\nb,Bee,1\na,Ay,2\na,Again,3\nz,Zed,4\n").unwrap();
        let ids = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let opts = MetadataOptions { path: p, id_col: "id".into(), label_col: None, delimiter: None };
        let m = read_metadata(&opts, &ids, &ProgressBar::hidden()).unwrap();
        assert_eq!(m.label_column, Some(0));
        match &m.columns[0].values {
            ColumnValues::Text(t) => assert_eq!((t.get(0), t.get(1), t.get(2)), ("Ay", "Bee", "")),
            other => panic!("{other:?}"),
        }
        assert_eq!(m.stats.duplicate_ids, 1);
        assert_eq!(m.stats.first_duplicate, Some(("a".into(), 3, 4)));
        assert_eq!(m.stats.ids_not_placed, 1);
        assert_eq!(m.stats.entities_without_metadata, 1);
    }

    #[test]
    fn duplicate_header_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.csv");
        std::fs::write(&p, "id,x,x\n1,2,3\n").unwrap();
        let opts = MetadataOptions { path: p, id_col: "id".into(), label_col: None, delimiter: None };
        let msg = read_metadata(&opts, &["1".to_string()], &ProgressBar::hidden()).unwrap_err().to_string();
        assert!(msg.contains("appears twice"), "{msg}");
    }
}
