//! Rows of named text fields from a CSV/TSV file ([`TableReader`]) or a Parquet file
//! ([`ParquetRows`]), so ingest reads either with one loop: the same filtering, counts and
//! errors. Parquet values are rendered as the text a CSV field would hold (integers in decimal,
//! floats as Rust prints them, which parse back exactly; null as an empty field), a batch at a
//! time into one buffer per column.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type};

use crate::error::{BuildError, Location, Result};
use crate::input::InputFiles;
use crate::parquet_in::{self, Kind, ParquetTable, Want};
use crate::progress::Progress;
use crate::table::{Dialect, Row, TableReader};

/// A table read row by row: columns by name, rows as text fields.
pub trait Rows {
    /// One row, borrowed from the reader.
    type Row<'r>: RowFields
    where
        Self: 'r;

    /// Index of the column called `name` (named by `flag`, for errors), or an error listing
    /// the columns there are.
    fn column(&mut self, name: &str, flag: &str) -> Result<usize>;

    /// The file being read, as named by the user.
    fn path(&self) -> &Path;

    /// The next data row, or `None` at the end.
    fn next_row(&mut self) -> Result<Option<Self::Row<'_>>>;
}

/// The fields of one row.
pub trait RowFields {
    /// Field `index` (as [`Rows::column`] gave it) as text.
    fn str(&self, index: usize) -> Result<&str>;

    /// Where field `index`, of the column `name`, of this row is in `path`.
    fn location(&self, path: &Path, index: usize, name: &str) -> Location;

    /// The row's line (CSV) or row number (Parquet), 1-based.
    fn line(&self) -> u64;
}

impl<'a> Rows for TableReader<'a> {
    type Row<'r>
        = Row<'r>
    where
        Self: 'r;

    fn column(&mut self, name: &str, flag: &str) -> Result<usize> {
        TableReader::column(self, name, flag)
    }

    fn path(&self) -> &Path {
        TableReader::path(self)
    }

    fn next_row(&mut self) -> Result<Option<Row<'_>>> {
        TableReader::next_row(self)
    }
}

impl RowFields for Row<'_> {
    fn str(&self, index: usize) -> Result<&str> {
        Row::str(self, index)
    }

    fn location(&self, path: &Path, index: usize, name: &str) -> Location {
        Location::field(path, self.line, index, name)
    }

    fn line(&self) -> u64 {
        self.line
    }
}

/// One column of the current batch as text: every row's bytes in one buffer.
#[derive(Default)]
struct TextBuffer {
    bytes: String,
    ends: Vec<usize>,
}

/// A Parquet file read as rows of text.
pub struct ParquetRows {
    path: PathBuf,
    bytes: bytes::Bytes,
    columns: Vec<String>,
    wanted: Vec<(String, String, Kind)>,
    /// Each column's place among the wanted, by its index in the file.
    slots: Vec<Option<usize>>,
    table: Option<ParquetTable>,
    batch: Vec<TextBuffer>,
    /// Rows in the batch, the next one to hand out, and the file row of the batch's first.
    len: usize,
    next: usize,
    first_row: u64,
}

impl ParquetRows {
    /// Opens `path` through `files` (read whole into memory: Parquet is read from its footer
    /// back), reporting its bytes to `progress`, and reads its schema.
    pub fn open(files: &dyn InputFiles, path: &Path, progress: &dyn Progress) -> Result<Self> {
        let mut opened = files.open(path)?;
        let mut data = Vec::with_capacity(opened.len.unwrap_or(0) as usize);
        opened.reader.read_to_end(&mut data).map_err(|e| BuildError::read(path, e))?;
        progress.set_total(data.len() as u64);
        progress.advance(data.len() as u64);
        let bytes = bytes::Bytes::from(data);
        let columns = parquet_in::open(path, bytes.clone(), &[])?.columns().to_vec();
        Ok(Self {
            path: path.to_path_buf(),
            bytes,
            slots: vec![None; columns.len()],
            columns,
            wanted: Vec::new(),
            table: None,
            batch: Vec::new(),
            len: 0,
            next: 0,
            first_row: 1,
        })
    }

    /// Every column's name, in the file's order.
    pub fn headers(&self) -> &[String] {
        &self.columns
    }

    /// Reads the next batch into the text buffers; false at the end.
    fn fill(&mut self) -> Result<bool> {
        if self.table.is_none() {
            let wants: Vec<Want<'_>> =
                self.wanted.iter().map(|(name, role, kind)| Want { name, role, kind: *kind }).collect();
            self.table = Some(parquet_in::open(&self.path, self.bytes.clone(), &wants)?);
        }
        let Some(table) = self.table.as_mut() else { return Ok(false) };
        let Some(batch) = table.next_batch()? else { return Ok(false) };
        self.first_row = batch.row_number(0);
        self.len = batch.len();
        self.next = 0;
        self.batch.resize_with(self.wanted.len(), TextBuffer::default);
        for (w, buffer) in self.batch.iter_mut().enumerate() {
            buffer.bytes.clear();
            buffer.ends.clear();
            render(&batch, w, buffer);
        }
        Ok(true)
    }
}

/// Writes column `want` of `batch` into `out`, a row after another.
fn render(batch: &parquet_in::Batch<'_>, want: usize, out: &mut TextBuffer) {
    let n = batch.len();
    {
        // Floats print as the shortest text that parses back to the same value.
        let a = batch.array(want);
        if let Some(p) = a.as_boolean_opt() {
            for v in p.iter() {
                if let Some(v) = v {
                    out.bytes.push_str(if v { "true" } else { "false" });
                }
                out.ends.push(out.bytes.len());
            }
            return;
        }
        if let Some(p) = a.as_primitive_opt::<Float64Type>() {
            for v in p.iter() {
                if let Some(v) = v {
                    let _ = write!(out.bytes, "{v}");
                }
                out.ends.push(out.bytes.len());
            }
            return;
        }
        if let Some(p) = a.as_primitive_opt::<Float32Type>() {
            for v in p.iter() {
                if let Some(v) = v {
                    let _ = write!(out.bytes, "{v}");
                }
                out.ends.push(out.bytes.len());
            }
            return;
        }
    }
    let text = batch.text(want);
    for i in 0..n {
        if let Some(v) = text.get(i) {
            out.bytes.push_str(&v);
        }
        out.ends.push(out.bytes.len());
    }
}

impl Rows for ParquetRows {
    type Row<'r> = ParquetRow<'r>;

    fn column(&mut self, name: &str, flag: &str) -> Result<usize> {
        if self.table.is_some() {
            // Columns are all asked for before the first row; a bug otherwise, not bad input.
            return Err(BuildError::Unusable(format!(
                "{}: a column asked for after reading began",
                self.path.display()
            )));
        }
        let Some(index) = self.columns.iter().position(|c| c == name) else {
            let mut message = format!(
                "no column named {name:?} (given by {flag}); the file has: {}",
                self.columns.iter().map(|h| format!("{h:?}")).collect::<Vec<_>>().join(", ")
            );
            if let Some(close) = self.columns.iter().find(|h| h.eq_ignore_ascii_case(name)) {
                message.push_str(&format!(". Did you mean {close:?}?"));
            }
            return Err(BuildError::input(Location::file(&self.path), message));
        };
        if self.slots[index].is_some() {
            return Ok(index);
        }
        // Weights are numbers, the ids of interactions and metadata text (or integers), other
        // metadata columns any of these or booleans.
        let kind = match flag {
            "--weight-col" => Kind::Number,
            "--entity-col" | "--context-col" | "--id-col" => Kind::Text,
            _ => Kind::Value,
        };
        self.wanted.push((name.to_string(), flag.to_string(), kind));
        // The type is checked here, before any row is read.
        let wants: Vec<Want<'_>> =
            self.wanted.iter().map(|(name, role, kind)| Want { name, role, kind: *kind }).collect();
        parquet_in::open(&self.path, self.bytes.clone(), &wants)?;
        self.slots[index] = Some(self.wanted.len() - 1);
        Ok(index)
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn next_row(&mut self) -> Result<Option<ParquetRow<'_>>> {
        while self.next >= self.len {
            if !self.fill()? {
                return Ok(None);
            }
        }
        let i = self.next;
        self.next += 1;
        Ok(Some(ParquetRow { rows: self, i }))
    }
}

/// One row of a [`ParquetRows`].
pub struct ParquetRow<'r> {
    rows: &'r ParquetRows,
    i: usize,
}

impl RowFields for ParquetRow<'_> {
    fn str(&self, index: usize) -> Result<&str> {
        // A column not asked for is not decoded: it reads as empty.
        let Some(b) = self.rows.slots.get(index).copied().flatten().map(|s| &self.rows.batch[s]) else {
            return Ok("");
        };
        let start = if self.i == 0 { 0 } else { b.ends[self.i - 1] };
        Ok(b.bytes[start..b.ends[self.i]].trim())
    }

    fn location(&self, path: &Path, index: usize, name: &str) -> Location {
        Location::row(path, self.line(), index, name)
    }

    fn line(&self) -> u64 {
        self.rows.first_row + self.i as u64
    }
}

/// A CSV/TSV table or a Parquet file, chosen by the file's extension.
pub enum AnyRows<'a> {
    /// CSV or TSV.
    Csv(TableReader<'a>),
    /// Parquet.
    Parquet(ParquetRows),
}

impl<'a> AnyRows<'a> {
    /// Opens `path` through `files`: Parquet for `.parquet`, else CSV/TSV as `dialect` says
    /// (`multiline`: quoted fields may span lines).
    pub fn open(
        files: &dyn InputFiles,
        path: &Path,
        dialect: Dialect,
        multiline: bool,
        progress: &'a dyn Progress,
    ) -> Result<Self> {
        if parquet_in::is_parquet(path) {
            Ok(AnyRows::Parquet(ParquetRows::open(files, path, progress)?))
        } else {
            Ok(AnyRows::Csv(TableReader::open(files, path, dialect, multiline, progress)?))
        }
    }

    /// The column names, in the file's order.
    pub fn headers(&self) -> &[String] {
        match self {
            AnyRows::Csv(t) => t.headers(),
            AnyRows::Parquet(t) => t.headers(),
        }
    }

    /// The bytes its rows' progress counts up to: a CSV file's size, when known. (A Parquet
    /// file is read whole when opened, so its rows report no bytes.)
    pub fn byte_len(&self) -> Option<u64> {
        match self {
            AnyRows::Csv(t) => t.byte_len(),
            AnyRows::Parquet(_) => None,
        }
    }
}

impl<'a> From<TableReader<'a>> for AnyRows<'a> {
    fn from(table: TableReader<'a>) -> Self {
        AnyRows::Csv(table)
    }
}

/// A row of [`AnyRows`].
pub enum AnyRow<'r> {
    /// Of a CSV table.
    Csv(Row<'r>),
    /// Of a Parquet file.
    Parquet(ParquetRow<'r>),
}

impl<'a> Rows for AnyRows<'a> {
    type Row<'r>
        = AnyRow<'r>
    where
        Self: 'r;

    fn column(&mut self, name: &str, flag: &str) -> Result<usize> {
        match self {
            AnyRows::Csv(t) => Rows::column(t, name, flag),
            AnyRows::Parquet(t) => t.column(name, flag),
        }
    }

    fn path(&self) -> &Path {
        match self {
            AnyRows::Csv(t) => TableReader::path(t),
            AnyRows::Parquet(t) => &t.path,
        }
    }

    fn next_row(&mut self) -> Result<Option<AnyRow<'_>>> {
        Ok(match self {
            AnyRows::Csv(t) => TableReader::next_row(t)?.map(AnyRow::Csv),
            AnyRows::Parquet(t) => t.next_row()?.map(AnyRow::Parquet),
        })
    }
}

impl RowFields for AnyRow<'_> {
    fn str(&self, index: usize) -> Result<&str> {
        match self {
            AnyRow::Csv(r) => Row::str(r, index),
            AnyRow::Parquet(r) => r.str(index),
        }
    }

    fn location(&self, path: &Path, index: usize, name: &str) -> Location {
        match self {
            AnyRow::Csv(r) => RowFields::location(r, path, index, name),
            AnyRow::Parquet(r) => r.location(path, index, name),
        }
    }

    fn line(&self) -> u64 {
        match self {
            AnyRow::Csv(r) => r.line,
            AnyRow::Parquet(r) => r.line(),
        }
    }
}
