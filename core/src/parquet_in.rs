//! Parquet input, by column name, with the errors CSV input gives: the file, the column and the
//! row (1-based, counted over the whole file), and what was expected against what was found.
//! Only the columns asked for are decoded (a projection), batch by batch, so a wide file costs
//! no more than its used columns. Used by `--graph` ([`crate::graph_io`]) and by `.parquet`
//! interactions and metadata.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{AnyDictionaryArray, Array, GenericStringArray, RecordBatch, StringViewArray};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use parquet::file::reader::ChunkReader;

use crate::error::{BuildError, Location, Result};

/// Rows decoded at a time.
const BATCH_ROWS: usize = 64 * 1024;

/// Whether `path` names a Parquet file (by its extension, as `.csv`/`.tsv` name CSV).
pub fn is_parquet(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// What a column must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Ids: strings (utf8, large utf8, utf8 view, or a dictionary of them) or integers, which
    /// read as their decimal text.
    Text,
    /// Any integer or floating-point type.
    Number,
    /// Any integer type.
    Integer,
}

impl Kind {
    fn expected(self) -> &'static str {
        match self {
            Kind::Text => "strings (utf8, large utf8, utf8 view or a dictionary of them) or integers",
            Kind::Number => "numbers (an integer or floating-point type)",
            Kind::Integer => "integers (int64)",
        }
    }

    fn accepts(self, t: &DataType) -> bool {
        let int = t.is_integer();
        match self {
            Kind::Text => match t {
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
                DataType::Dictionary(_, v) => Kind::Text.accepts(v),
                t => t.is_integer(),
            },
            Kind::Number => int || matches!(t, DataType::Float32 | DataType::Float64),
            Kind::Integer => int,
        }
    }
}

/// A column asked for: its name, the flag or role that names it (for errors), its kind.
#[derive(Debug, Clone, Copy)]
pub struct Want<'a> {
    /// The column's name in the file.
    pub name: &'a str,
    /// Who asked for it, as the user knows it (`--entity-col`, `edges`).
    pub role: &'a str,
    /// What it must hold.
    pub kind: Kind,
}

/// An open Parquet file, read batch by batch.
pub struct ParquetTable {
    path: PathBuf,
    reader: ParquetRecordBatchReader,
    names: Vec<String>,
    /// Each wanted column's index in the file.
    indices: Vec<usize>,
    rows_done: u64,
    total_rows: u64,
    all_columns: Vec<String>,
}

/// `path` is not a Parquet file, or a damaged one.
fn corrupt(path: &Path, e: impl std::fmt::Display) -> BuildError {
    BuildError::input(Location::file(path), format!("not a readable Parquet file: {e}"))
}

/// Opens the file at `path` on disk.
pub fn open_file(path: &Path, wanted: &[Want<'_>]) -> Result<ParquetTable> {
    let file = std::fs::File::open(path).map_err(|e| BuildError::read(path, e))?;
    open(path, file, wanted)
}

/// Opens `source`, named `path`, and checks that it has the `wanted` columns, of their kinds.
pub fn open<R: ChunkReader + 'static>(path: &Path, source: R, wanted: &[Want<'_>]) -> Result<ParquetTable> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(source).map_err(|e| corrupt(path, e))?;
    let schema = builder.schema().clone();
    let all_columns: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let mut roots = Vec::with_capacity(wanted.len());
    for w in wanted {
        let Some((index, field)) = schema.column_with_name(w.name) else {
            return Err(BuildError::input(
                Location::file(path),
                format!("no column {:?} ({}); the columns are: {}", w.name, w.role, all_columns.join(", ")),
            ));
        };
        if !w.kind.accepts(field.data_type()) {
            return Err(BuildError::input(
                Location::file(path),
                format!("column {:?} ({}) holds {}: expected {}", w.name, w.role, field.data_type(), w.kind.expected()),
            ));
        }
        roots.push(index);
    }
    let total_rows = builder.metadata().file_metadata().num_rows().max(0) as u64;
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots.clone());
    let reader = builder.with_projection(mask).with_batch_size(BATCH_ROWS).build().map_err(|e| corrupt(path, e))?;
    Ok(ParquetTable {
        path: path.to_path_buf(),
        reader,
        names: wanted.iter().map(|w| w.name.to_string()).collect(),
        indices: roots,
        rows_done: 0,
        total_rows,
        all_columns,
    })
}

impl ParquetTable {
    /// The file's name as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rows in the file, from its footer.
    pub fn total_rows(&self) -> u64 {
        self.total_rows
    }

    /// Every column's name, in the file's order.
    pub fn columns(&self) -> &[String] {
        &self.all_columns
    }

    /// The next batch of rows, or `None` at the end.
    pub fn next_batch(&mut self) -> Result<Option<Batch<'_>>> {
        let Some(batch) = self.reader.next() else { return Ok(None) };
        let batch = batch.map_err(|e| corrupt(&self.path, e))?;
        let first_row = self.rows_done + 1;
        self.rows_done += batch.num_rows() as u64;
        Ok(Some(Batch { batch, first_row, path: &self.path, names: &self.names, indices: &self.indices }))
    }
}

/// Some rows of the wanted columns.
pub struct Batch<'a> {
    batch: RecordBatch,
    first_row: u64,
    path: &'a Path,
    names: &'a [String],
    indices: &'a [usize],
}

impl Batch<'_> {
    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.batch.num_rows()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The 1-based row number in the file of the batch's row `i`.
    pub fn row_number(&self, i: usize) -> u64 {
        self.first_row + i as u64
    }

    /// Where the batch's row `i`, column `want` (its index among the wanted), is.
    pub fn location(&self, i: usize, want: usize) -> Location {
        Location::row(self.path, self.row_number(i), self.indices[want], &self.names[want])
    }

    fn column(&self, want: usize) -> &dyn Array {
        // The projection keeps exactly the wanted columns, checked when opened.
        match self.batch.column_by_name(&self.names[want]) {
            Some(c) => c.as_ref(),
            None => unreachable_column(),
        }
    }

    /// Column `want` (its index among the wanted) as text.
    pub fn text(&self, want: usize) -> TextColumn<'_> {
        TextColumn::of(self.column(want))
    }

    /// Column `want` as numbers (`None`: null).
    pub fn numbers(&self, want: usize) -> Vec<Option<f64>> {
        let a = self.column(want);
        if let Some(p) = a.as_primitive_opt::<Float64Type>() {
            return p.iter().collect();
        }
        if let Some(p) = a.as_primitive_opt::<Float32Type>() {
            return p.iter().map(|v| v.map(f64::from)).collect();
        }
        integers(a).into_iter().map(|v| v.map(|x| x as f64)).collect()
    }

    /// Column `want` as integers (`None`: null).
    pub fn integers(&self, want: usize) -> Vec<Option<i128>> {
        integers(self.column(want))
    }
}

#[cold]
fn unreachable_column() -> ! {
    // Not reachable from input: the schema was checked and the projection keeps those columns.
    panic!("a projected column is missing from its batch")
}

/// Every integer type, widened (u64 and i64 both fit an i128). Other types give nulls; the
/// schema check keeps them out.
fn integers(a: &dyn Array) -> Vec<Option<i128>> {
    macro_rules! widen {
        ($($t:ty),*) => {
            $(if let Some(p) = a.as_primitive_opt::<$t>() {
                return p.iter().map(|v| v.map(i128::from)).collect();
            })*
        };
    }
    widen!(Int64Type, Int32Type, UInt64Type, UInt32Type, Int16Type, UInt16Type, Int8Type, UInt8Type);
    vec![None; a.len()]
}

/// A text column of one batch, whichever way it is stored.
pub enum TextColumn<'a> {
    /// utf8.
    Utf8(&'a GenericStringArray<i32>),
    /// large utf8.
    Large(&'a GenericStringArray<i64>),
    /// utf8 view.
    View(&'a StringViewArray),
    /// Dictionary-encoded: the keys (null rows marked by `array`) into the values.
    Dict {
        /// The dictionary array, for its nulls.
        array: &'a dyn AnyDictionaryArray,
        /// Each row's index into the values.
        keys: Vec<usize>,
        /// The values.
        values: Box<TextColumn<'a>>,
    },
    /// Integers, read as their decimal text.
    Int(Vec<Option<i128>>),
}

impl<'a> TextColumn<'a> {
    fn of(a: &'a dyn Array) -> Self {
        if let Some(s) = a.as_string_opt::<i32>() {
            TextColumn::Utf8(s)
        } else if let Some(s) = a.as_string_opt::<i64>() {
            TextColumn::Large(s)
        } else if let Some(s) = a.as_string_view_opt() {
            TextColumn::View(s)
        } else if let Some(d) = a.as_any_dictionary_opt() {
            // normalized_keys needs values; a dictionary without any has only null rows.
            let keys = if d.values().is_empty() { Vec::new() } else { d.normalized_keys() };
            TextColumn::Dict { array: d, keys, values: Box::new(TextColumn::of(d.values().as_ref())) }
        } else {
            TextColumn::Int(integers(a))
        }
    }

    /// Row `i`'s text; `None` when null.
    pub fn get(&self, i: usize) -> Option<Cow<'_, str>> {
        match self {
            TextColumn::Utf8(a) => (!a.is_null(i)).then(|| Cow::Borrowed(a.value(i))),
            TextColumn::Large(a) => (!a.is_null(i)).then(|| Cow::Borrowed(a.value(i))),
            TextColumn::View(a) => (!a.is_null(i)).then(|| Cow::Borrowed(a.value(i))),
            TextColumn::Dict { array, keys, values } => {
                if array.is_null(i) {
                    None
                } else {
                    values.get(*keys.get(i)?)
                }
            }
            TextColumn::Int(v) => v.get(i).copied().flatten().map(|x| Cow::Owned(x.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, DictionaryArray, Int32Array, Int64Array, LargeStringArray, StringArray};
    use arrow_schema::{Field, Schema};
    use parquet::arrow::ArrowWriter;

    use super::*;

    fn parquet_bytes(columns: Vec<(&str, ArrayRef)>) -> bytes::Bytes {
        let fields: Vec<Field> = columns.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect();
        let batch =
            RecordBatch::try_new(Arc::new(Schema::new(fields)), columns.into_iter().map(|(_, a)| a).collect()).unwrap();
        let mut out = Vec::new();
        let mut w = ArrowWriter::try_new(&mut out, batch.schema(), None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        out.into()
    }

    #[test]
    fn text_reads_every_string_layout_and_integers() {
        let dict: DictionaryArray<Int32Type> = vec![Some("x"), None, Some("y")].into_iter().collect();
        let bytes = parquet_bytes(vec![
            ("a", Arc::new(StringArray::from(vec![Some("p"), Some("q"), None]))),
            ("b", Arc::new(LargeStringArray::from(vec!["l1", "l2", "l3"]))),
            ("c", Arc::new(dict)),
            ("d", Arc::new(Int64Array::from(vec![7, -3, 12_000_000_000]))),
        ]);
        let wants: Vec<Want<'_>> =
            ["a", "b", "c", "d"].iter().map(|n| Want { name: n, role: "test", kind: Kind::Text }).collect();
        let mut t = open(Path::new("t.parquet"), bytes, &wants).unwrap();
        let b = t.next_batch().unwrap().unwrap();
        let col = |w: usize| (0..3).map(|i| b.text(w).get(i).map(|s| s.into_owned())).collect::<Vec<_>>();
        let s = |v: &str| Some(v.to_string());
        assert_eq!(col(0), [s("p"), s("q"), None]);
        assert_eq!(col(1), [s("l1"), s("l2"), s("l3")]);
        assert_eq!(col(2), [s("x"), None, s("y")]);
        assert_eq!(col(3), [s("7"), s("-3"), s("12000000000")]);
        assert_eq!(b.location(2, 3).to_string(), "t.parquet, row 3, column 4 (d)");
    }

    #[test]
    fn missing_and_mistyped_columns_and_bad_bytes_are_explained() {
        let bytes = parquet_bytes(vec![
            ("id", Arc::new(StringArray::from(vec!["a"]))),
            ("n", Arc::new(Int32Array::from(vec![1]))),
        ]);
        let want = |name, kind| [Want { name, role: "--weight-col", kind }];
        let err = |r: Result<ParquetTable>| r.err().map(|e| e.to_string()).unwrap_or_default();
        let msg = err(open(Path::new("t.parquet"), bytes.clone(), &want("w", Kind::Number)));
        assert_eq!(msg, "t.parquet: no column \"w\" (--weight-col); the columns are: id, n");
        let msg = err(open(Path::new("t.parquet"), bytes.clone(), &want("id", Kind::Number)));
        assert!(msg.contains("column \"id\" (--weight-col) holds Utf8: expected numbers"), "{msg}");
        assert!(open(Path::new("t.parquet"), bytes, &want("n", Kind::Number)).is_ok());
        let msg =
            err(open(Path::new("x.parquet"), bytes::Bytes::from_static(b"id,w\na,1\n"), &want("w", Kind::Number)));
        assert!(msg.starts_with("x.parquet: not a readable Parquet file"), "{msg}");
    }
}
