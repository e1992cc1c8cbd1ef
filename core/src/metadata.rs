//! Metadata: one row per entity id, any number of columns, joined to the placed entities.
//!
//! Each column's kind is inferred from its values ([`infer_column`]):
//!
//! - **numeric** when every non-empty value parses as a finite number;
//! - **tags** when at least 5% of values are lists (`"rock, alternative"`, split on `,`, `;` or
//!   `|`) of few items, and splitting merges them into no more categories than the whole values;
//! - **categorical** when the whole values are few;
//! - **text** otherwise (titles, names, free text).
//!
//! "Few" means values that repeat: at most [`MAX_CATEGORIES`] distinct ones, each used on
//! average at least [`min_uses`] times — 2·log10(rows), between 2 and 4. A dozen rows need 2.2
//! uses a value (5 countries over 12 artists are categories, 12 titles are not); from 100 rows
//! on, 4. The bar rises with the rows because in a large file values repeat by chance alone.
//!
//! The label (each entity's display name) is `--label-col` when given. Otherwise it is the ids
//! themselves when they read as names ([`ids_read_as_names`]: "Radiohead", not "tt0031381"),
//! else the first text column, else the ids: see [`LabelChoice`].
//!
//! Columns with no value at all are skipped. Duplicate ids keep their first row; ids with no
//! interactions are ignored; both are counted for the summary.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use starmap_format::{Categorical, ColumnData, ColumnValues, Tags, TextColumn, MISSING_CODE};

use crate::error::{BuildError, Location, Result};
use crate::rows::{AnyRows, RowFields, Rows};

/// Most distinct values a categorical or tags column may have.
pub const MAX_CATEGORIES: usize = 256;
const LIST_SEPARATORS: [char; 3] = [',', ';', '|'];

/// How each entity's display name was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelChoice {
    /// The column named by `--label-col`.
    Given(String),
    /// No `--label-col`, and the ids read as names: the ids are the labels.
    Ids,
    /// No `--label-col`, and the ids look like codes: the first text column.
    FirstText(String),
    /// No `--label-col`, the ids look like codes, and no column is text: the ids.
    IdsNoText,
}

impl LabelChoice {
    /// The metadata column holding the labels, if one does.
    pub fn column(&self) -> Option<&str> {
        match self {
            Self::Given(c) | Self::FirstText(c) => Some(c),
            Self::Ids | Self::IdsNoText => None,
        }
    }
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
    /// Index of the label column in `columns`, if a column holds the labels.
    pub label_column: Option<usize>,
    /// How the labels were chosen.
    pub label: LabelChoice,
    /// Counts.
    pub stats: MetadataStats,
}

/// Whether an id looks like a code rather than a name: at least half of its letters and digits
/// are digits ("tt0031381", "12345", a UUID), or it has neither.
pub fn looks_like_code(id: &str) -> bool {
    let (mut alnum, mut digits) = (0usize, 0usize);
    for c in id.chars().filter(|c| c.is_alphanumeric()) {
        alnum += 1;
        digits += usize::from(c.is_ascii_digit());
    }
    alnum == 0 || 2 * digits >= alnum
}

/// Whether ids read as names: fewer than half of them look like codes ([`looks_like_code`]).
pub fn ids_read_as_names(ids: &[String]) -> bool {
    2 * ids.iter().filter(|id| looks_like_code(id)).count() < ids.len()
}

/// Average uses each value needs for a column of `rows` non-empty values to count as few
/// values (categories): 2·log10(rows), at least 2, at most 4.
pub fn min_uses(rows: usize) -> f64 {
    (2.0 * (rows.max(1) as f64).log10()).clamp(2.0, 4.0)
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
    let needed = min_uses(present.len());
    // `uses` values among `distinct` ones: few enough, each used often enough on average.
    let few = |distinct: usize, uses: usize| distinct <= MAX_CATEGORIES && uses as f64 >= needed * distinct as f64;
    let mut distinct: Vec<&str> = present.clone();
    distinct.sort_unstable();
    distinct.dedup();
    for sep in LIST_SEPARATORS {
        let listed = present.iter().filter(|v| v.contains(sep)).count();
        if listed * 20 < present.len() {
            continue;
        }
        let mut tokens: Vec<&str> = present.iter().flat_map(|v| split_list(v, sep)).collect();
        let items = tokens.len();
        tokens.sort_unstable();
        tokens.dedup();
        // Lists only when splitting actually merges values into no more categories.
        if few(tokens.len(), items) && tokens.len() <= distinct.len() {
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
    if few(distinct.len(), present.len()) {
        let (categories, codes) = dictionary(present.iter().copied());
        let codes = values.iter().map(|v| if v.is_empty() { MISSING_CODE } else { codes[v] }).collect();
        return Some(ColumnValues::Categorical(Categorical { categories, codes }));
    }
    Some(ColumnValues::Text(TextColumn::from_values(values)))
}

/// A metadata file whose header has been checked, ready to be joined to the entities.
pub struct MetadataReader<'a> {
    table: AnyRows<'a>,
    id_col: usize,
    label_col: Option<String>,
}

impl<'a> MetadataReader<'a> {
    /// See [`AnyRows::byte_len`].
    pub fn byte_len(&self) -> Option<u64> {
        self.table.byte_len()
    }

    /// Checks the header of `table`: column names unique, `id_col` and `label_col` present.
    pub fn new(table: impl Into<AnyRows<'a>>, id_col: &str, label_col: Option<&str>) -> Result<Self> {
        let mut table = table.into();
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, h) in table.headers().iter().enumerate() {
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
        let id_col = table.column(id_col, "--id-col")?;
        if let Some(label) = label_col {
            table.column(label, "--label-col")?;
        }
        Ok(Self { table, id_col, label_col: label_col.map(String::from) })
    }

    /// Checks that the header has a column called `name`, which `flag` gave.
    pub fn check_column(&mut self, name: &str, flag: &str) -> Result<()> {
        self.table.column(name, flag).map(|_| ())
    }

    /// Reads the rows and lays them out for `entity_ids`.
    pub fn read(mut self, entity_ids: &[String]) -> Result<Metadata> {
        let headers = self.table.headers().to_vec();
        // Every column is read (a Parquet file decodes only those asked for; they keep their
        // places, so the indices are the header's).
        for name in &headers {
            self.table.column(name, "metadata")?;
        }
        let id_col = self.id_col;
        let index: FxHashMap<&str, usize> = entity_ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
        let mut rows: Vec<Option<(u64, Vec<String>)>> = vec![None; entity_ids.len()];
        let mut stats = MetadataStats::default();
        while let Some(row) = self.table.next_row()? {
            stats.rows += 1;
            let id = row.str(id_col)?;
            let Some(&entity) = index.get(id) else {
                stats.ids_not_placed += 1;
                continue;
            };
            if let Some((first_line, _)) = &rows[entity] {
                stats.duplicate_ids += 1;
                if stats.first_duplicate.is_none() {
                    stats.first_duplicate = Some((id.to_string(), *first_line, row.line()));
                }
                continue;
            }
            let fields = (0..headers.len()).map(|c| row.str(c).map(str::to_string)).collect::<Result<Vec<_>>>()?;
            rows[entity] = Some((row.line(), fields));
        }
        if stats.rows == 0 {
            return Err(BuildError::input(Location::file(self.table.path()), "the file has a header but no data rows"));
        }
        stats.entities_without_metadata = rows.iter().filter(|r| r.is_none()).count() as u64;

        let ids_are_names = self.label_col.is_none() && ids_read_as_names(entity_ids);
        let mut columns = Vec::new();
        let mut label_column = None;
        for (c, name) in headers.iter().enumerate() {
            if c == id_col {
                continue;
            }
            let values: Vec<&str> = rows.iter().map(|r| r.as_ref().map_or("", |(_, f)| f[c].as_str())).collect();
            let is_label = self.label_col.as_deref() == Some(name.as_str());
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
            let first_text = self.label_col.is_none()
                && !ids_are_names
                && label_column.is_none()
                && matches!(values, ColumnValues::Text(_));
            if is_label || first_text {
                label_column = Some(columns.len());
            }
            columns.push(ColumnData { name: name.clone(), values });
        }
        let label = match (&self.label_col, label_column) {
            (Some(given), _) => LabelChoice::Given(given.clone()),
            (None, Some(c)) => LabelChoice::FirstText(columns[c].name.clone()),
            (None, None) if ids_are_names => LabelChoice::Ids,
            (None, None) => LabelChoice::IdsNoText,
        };
        Ok(Metadata { columns, label_column, label, stats })
    }
}

/// The rows of a column listed in `keep` (ascending), in that order.
pub fn select_rows(values: &ColumnValues, keep: &[usize]) -> ColumnValues {
    match values {
        ColumnValues::Numeric(v) => ColumnValues::Numeric(keep.iter().map(|&i| v[i]).collect()),
        ColumnValues::Categorical(c) => ColumnValues::Categorical(Categorical {
            categories: c.categories.clone(),
            codes: keep.iter().map(|&i| c.codes[i]).collect(),
        }),
        ColumnValues::Tags(t) => {
            let mut offsets = vec![0u32];
            let mut codes = Vec::new();
            for &i in keep {
                codes.extend_from_slice(t.of(i));
                offsets.push(codes.len() as u32);
            }
            ColumnValues::Tags(Tags { categories: t.categories.clone(), offsets, codes })
        }
        ColumnValues::Text(t) => {
            ColumnValues::Text(TextColumn::from_values(&keep.iter().map(|&i| t.get(i)).collect::<Vec<_>>()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Dialect, TableReader};

    fn strs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }

    #[test]
    fn kinds_are_inferred_from_values() {
        let n = 40;
        let years: Vec<String> =
            (0..n).map(|i| if i % 10 == 0 { String::new() } else { (1990 + i % 7).to_string() }).collect();
        assert!(
            matches!(infer_column(&strs(&years)), Some(ColumnValues::Numeric(v)) if v[0].is_nan() && v[1] == 1991.0)
        );

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
        assert!(matches!(infer_column(&strs(&titles)), Some(ColumnValues::Text(_))));
        assert!(infer_column(&["", ""]).is_none());
    }

    #[test]
    fn small_files_have_categories_too() {
        // 12 artists: 5 countries repeat (2.4 uses each), names and one-off phrases do not.
        let country = ["UK", "USA", "UK", "Iceland", "USA", "France", "UK", "USA", "Canada", "France", "UK", "Iceland"];
        assert!(matches!(infer_column(&country), Some(ColumnValues::Categorical(c)) if c.categories[0] == "UK"));
        let genre = [
            "rock, alternative",
            "electronic, pop",
            "rock",
            "trip hop, electronic",
            "alternative, rock",
            "pop",
            "rock, indie",
            "electronic",
            "indie, pop",
            "trip hop",
            "alternative",
            "indie, rock",
        ];
        assert!(matches!(infer_column(&genre), Some(ColumnValues::Tags(t)) if t.categories.len() == 6));
        let names = [
            "Radiohead",
            "Björk",
            "Blur",
            "Sigur Rós",
            "Pixies",
            "Air",
            "Oasis",
            "Beck",
            "Feist",
            "Moby",
            "Muse",
            "Suede",
        ];
        assert!(matches!(infer_column(&names), Some(ColumnValues::Text(_))));
        let notes = [
            "Formed in Abingdon, Oxfordshire",
            "Solo, from Reykjavík",
            "Britpop, from Colchester",
            "Post-rock, from Reykjavík",
            "From Boston, Massachusetts",
            "Duo, from Versailles",
            "Britpop, from Manchester",
            "Solo, from Los Angeles",
            "Solo, from Amherst, Nova Scotia",
            "Solo, from New York",
            "Trio, from Teignmouth",
            "Britpop, from London",
        ];
        assert!(matches!(infer_column(&notes), Some(ColumnValues::Text(_))), "free text stays text");
        // The bar: 2 uses a value for a dozen rows, 4 from 100 rows.
        assert_eq!((min_uses(1), min_uses(100), min_uses(100_000)), (2.0, 4.0, 4.0));
        assert!((min_uses(12) - 2.158).abs() < 1e-3);
    }

    #[test]
    fn ids_that_read_as_names_are_told_from_codes() {
        for code in ["tt0031381", "12345", "a74b1b7f-71a5-4011-9441-d0b5e4122711", "i3", "---"] {
            assert!(looks_like_code(code), "{code}");
        }
        for name in ["Radiohead", "Sigur Rós", "Blink-182", "U2 and friends", "Björk"] {
            assert!(!looks_like_code(name), "{name}");
        }
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(ids_read_as_names(&ids(&["Radiohead", "Blur", "311"])));
        assert!(!ids_read_as_names(&ids(&["tt0031381", "tt0034583", "Casablanca"])));
        assert!(!ids_read_as_names(&[]));
    }

    fn read(text: &str, id_col: &str, label_col: Option<&str>, ids: &[&str]) -> Result<Metadata> {
        let dialect = Dialect::for_path(std::path::Path::new("m.csv"), None);
        let table = TableReader::from_reader("m.csv", text.as_bytes(), dialect, true)?;
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        MetadataReader::new(table, id_col, label_col)?.read(&ids)
    }

    #[test]
    fn rows_join_by_id_with_duplicates_and_strangers_counted() {
        let m =
            read("id,title,score\nb2,Bee,1\na1,Ay,2\na1,Again,3\nz9,Zed,4\n", "id", None, &["a1", "b2", "c3"]).unwrap();
        assert_eq!(m.label_column, Some(0));
        assert_eq!(m.label, LabelChoice::FirstText("title".into()));
        match &m.columns[0].values {
            ColumnValues::Text(t) => assert_eq!((t.get(0), t.get(1), t.get(2)), ("Ay", "Bee", "")),
            other => panic!("{other:?}"),
        }
        assert_eq!(m.stats.duplicate_ids, 1);
        assert_eq!(m.stats.first_duplicate, Some(("a1".into(), 3, 4)));
        assert_eq!(m.stats.ids_not_placed, 1);
        assert_eq!(m.stats.entities_without_metadata, 1);
    }

    #[test]
    fn the_label_is_the_id_when_ids_read_as_names() {
        let text = "artist,country,bio\nBlur,UK,From Colchester\nPixies,USA,From Boston\n";
        let m = read(text, "artist", None, &["Blur", "Pixies"]).unwrap();
        assert_eq!((m.label.clone(), m.label_column), (LabelChoice::Ids, None));
        let m = read(text, "artist", Some("bio"), &["Blur", "Pixies"]).unwrap();
        assert_eq!((m.label, m.label_column), (LabelChoice::Given("bio".into()), Some(1)));
        let m = read("id,year\n1,1990\n2,1991\n", "id", None, &["1", "2"]).unwrap();
        assert_eq!((m.label, m.label_column), (LabelChoice::IdsNoText, None));
    }

    #[test]
    fn header_problems_are_found_before_any_row_is_read() {
        let msg = read("id,x,x\n1,2,3\n", "id", None, &["1"]).err().unwrap().to_string();
        assert!(msg.contains("appears twice"), "{msg}");
        let msg = read("id,x\n1,2\n", "id", Some("title"), &["1"]).err().unwrap().to_string();
        assert!(msg.contains("no column named \"title\" (given by --label-col)"), "{msg}");
    }
}
