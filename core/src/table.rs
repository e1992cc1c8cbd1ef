//! Reading delimited text tables (CSV, TSV, optionally gzip-compressed) with errors that name
//! the file, line and column. Shared by the interactions and metadata readers.
//!
//! [`TableReader::from_reader`] reads any byte source (gzip detected from its first bytes);
//! [`TableReader::open`] is the same on a file opened through [`InputFiles`], with progress.
//! The delimiter comes from the extension (`.tsv`, `.tab`, `.dat`: tab, else comma, looking
//! through `.gz`) unless given. TSV is read without quote handling, as the IANA definition has
//! none: names such as `"Weird Al" Yankovic` stay intact.
//!
//! A table whose fields may not span lines can also be handed over as [`Blocks`]: its data
//! rows as large byte blocks cut after a line break, which [`BlockRows`] parses on any thread.
//! A block with anything unusual in it (any error, or a quoted line break) is not judged
//! there: [`Blocks::resume`] reads it again, and the rest, with this sequential reader, so
//! every error and its line are the ones a row-by-row read gives.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::bufread::MultiGzDecoder;

use crate::error::{BuildError, Location, Result};
use crate::input::InputFiles;
use crate::progress::Progress;

/// Counts bytes as they are read, for progress.
struct Counting<'a, R> {
    inner: R,
    progress: &'a dyn Progress,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

/// A field delimiter given on the command line: one ASCII character, or `tab`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Delimiter(u8);

impl Delimiter {
    /// The byte.
    pub fn byte(self) -> u8 {
        self.0
    }
}

impl std::str::FromStr for Delimiter {
    type Err = String;

    /// A single ASCII character, or `tab` / `\t`.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "tab" | "\\t" | "\t" => Ok(Self(b'\t')),
            _ if s.len() == 1 && s.is_ascii() && s != "\n" && s != "\r" && s != "\"" => Ok(Self(s.as_bytes()[0])),
            _ => Err(format!("expected one ASCII character (not a quote or line break) or `tab`, got {s:?}")),
        }
    }
}

impl std::fmt::Display for Delimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            b'\t' => f.write_str("tab"),
            b => write!(f, "{}", b as char),
        }
    }
}

impl From<Delimiter> for String {
    fn from(d: Delimiter) -> String {
        d.to_string()
    }
}

impl TryFrom<String> for Delimiter {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<Self, String> {
        s.parse()
    }
}

/// How to split a file into fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// Field delimiter.
    pub delimiter: u8,
    /// Whether `"` quotes fields.
    pub quoting: bool,
}

impl Dialect {
    /// The dialect for `path`: an explicit delimiter wins, else the extension decides.
    pub fn for_path(path: &Path, delimiter: Option<Delimiter>) -> Self {
        let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let tabbed = [".tsv", ".tab", ".dat"].iter().any(|ext| name.ends_with(ext));
        let delimiter = delimiter.map_or(if tabbed { b'\t' } else { b',' }, Delimiter::byte);
        Self { delimiter, quoting: delimiter != b'\t' }
    }
}

/// The (decompressed) bytes under the csv reader. While the header is read it keeps what it
/// hands over, so that the bytes after the header can be taken back: the csv reader reads
/// ahead into a buffer it gives no access to.
struct Tap<'a> {
    source: Box<dyn Read + 'a>,
    log: Vec<u8>,
    recording: bool,
}

impl Read for Tap<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.source.read(buf)?;
        if self.recording {
            self.log.extend_from_slice(&buf[..n]);
        }
        Ok(n)
    }
}

/// A table being read row by row.
pub struct TableReader<'a> {
    path: PathBuf,
    gzip: bool,
    dialect: Dialect,
    reader: csv::Reader<Tap<'a>>,
    /// Lines before the first byte the csv reader saw (a reader resumed mid-file), so that
    /// line numbers are the file's.
    line_offset: u64,
    /// Whether a data row has been read (then the rest can no longer be handed over).
    rows_read: bool,
    headers: Vec<String>,
    record: csv::ByteRecord,
    line: u64,
    /// The file's size in bytes, when opened from a file that knows it.
    byte_len: Option<u64>,
    /// Start line and column of a field that spanned several lines in the last record read.
    multiline: Option<(u64, usize)>,
    allow_multiline: bool,
}

/// One row: its 1-based line number and fields.
pub struct Row<'a> {
    table: &'a TableReader<'a>,
    /// Line the row starts on.
    pub line: u64,
}

/// A field's bytes as trimmed UTF-8 text.
fn text(raw: &[u8]) -> std::result::Result<&str, std::str::Utf8Error> {
    std::str::from_utf8(raw).map(str::trim)
}

impl<'a> Row<'a> {
    /// Field `index` as trimmed UTF-8 text.
    pub fn str(&self, index: usize) -> Result<&'a str> {
        let raw = self.table.record.get(index).unwrap_or_default();
        text(raw).map_err(|e| {
            BuildError::input(
                self.table.location(self.line, index),
                format!(
                    "expected UTF-8 text, found the invalid byte 0x{:02x} at byte {} of the field \
                     (re-encode the file as UTF-8)",
                    raw[e.valid_up_to()],
                    e.valid_up_to() + 1
                ),
            )
        })
    }
}

impl<'a> TableReader<'a> {
    /// Opens `path` through `files` and reads its header row, reporting bytes read to
    /// `progress`. See [`TableReader::from_reader`].
    pub fn open(
        files: &dyn InputFiles,
        path: &Path,
        dialect: Dialect,
        allow_multiline: bool,
        progress: &'a dyn Progress,
    ) -> Result<Self> {
        let opened = files.open(path)?;
        if let Some(len) = opened.len {
            progress.set_total(len);
        }
        let mut table = Self::from_reader(path, Counting { inner: opened.reader, progress }, dialect, allow_multiline)?;
        table.byte_len = opened.len;
        Ok(table)
    }

    /// The file's size in bytes (what its progress counts up to), when known.
    pub fn byte_len(&self) -> Option<u64> {
        self.byte_len
    }

    /// Reads a table from `reader` (gzip detected from its magic bytes) and its header row.
    /// `name` is what errors call the source. `allow_multiline` accepts quoted fields spanning
    /// lines (free text); elsewhere a line break inside a field is reported as an unterminated
    /// quote.
    pub fn from_reader(
        name: impl Into<PathBuf>,
        reader: impl Read + 'a,
        dialect: Dialect,
        allow_multiline: bool,
    ) -> Result<Self> {
        let path = name.into();
        let mut buffered = BufReader::with_capacity(1 << 16, reader);
        let head = buffered.fill_buf().map_err(|e| BuildError::read(&path, e))?;
        let gzip = head.starts_with(&[0x1f, 0x8b]);
        let source: Box<dyn Read + 'a> =
            if gzip { Box::new(MultiGzDecoder::new(buffered)) } else { Box::new(buffered) };
        Self::from_source(path, source, gzip, dialect, allow_multiline, 0)
    }

    /// Reads the header row of decompressed `source`; `line_offset` lines came before it.
    fn from_source(
        path: PathBuf,
        source: Box<dyn Read + 'a>,
        gzip: bool,
        dialect: Dialect,
        allow_multiline: bool,
        line_offset: u64,
    ) -> Result<Self> {
        let tap = Tap { source, log: Vec::new(), recording: !allow_multiline };
        let reader = csv::ReaderBuilder::new()
            .delimiter(dialect.delimiter)
            .quoting(dialect.quoting)
            .has_headers(false)
            .flexible(false)
            .buffer_capacity(1 << 16)
            .from_reader(tap);
        let mut table = Self {
            path,
            gzip,
            dialect,
            reader,
            line_offset,
            rows_read: false,
            headers: Vec::new(),
            record: csv::ByteRecord::new(),
            line: line_offset,
            byte_len: None,
            multiline: None,
            allow_multiline,
        };
        if !table.advance()? {
            return Err(BuildError::input(
                Location::file(&table.path),
                "the file is empty: expected a header row naming the columns",
            ));
        }
        table.reader.get_mut().recording = false;
        let mut headers = Vec::with_capacity(table.record.len());
        for i in 0..table.record.len() {
            let name = Row { table: &table, line: 1 + table.line_offset }.str(i)?;
            // A UTF-8 byte-order mark is common in files saved by spreadsheets.
            headers.push(name.trim_start_matches('\u{feff}').to_string());
        }
        table.headers = headers;
        Ok(table)
    }

    /// The data rows as [`Blocks`], when rows cannot span lines and none has been read yet;
    /// else the reader back.
    pub fn into_blocks(self) -> std::result::Result<Blocks<'a>, Box<Self>> {
        if self.allow_multiline || self.rows_read || self.line_offset != 0 {
            return Err(Box::new(self));
        }
        let consumed = self.reader.position().byte() as usize;
        let Tap { source, log, .. } = self.reader.into_inner();
        let consumed = consumed.min(log.len());
        Ok(Blocks {
            path: self.path,
            gzip: self.gzip,
            dialect: self.dialect,
            headers: self.headers,
            header: log[..consumed].to_vec(),
            pending: log[consumed..].to_vec(),
            source,
            first: true,
            error: None,
        })
    }

    /// The header names.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn location(&self, line: u64, index: usize) -> Location {
        let name = self.headers.get(index).map(String::as_str).unwrap_or("?");
        Location::field(&self.path, line, index, name)
    }

    /// Index of the column called `name`, or an error listing the columns there are.
    pub fn column(&self, name: &str, flag: &str) -> Result<usize> {
        if let Some(i) = self.headers.iter().position(|h| h == name) {
            return Ok(i);
        }
        let mut message = format!(
            "no column named {name:?} (given by {flag}); the header has: {}",
            self.headers.iter().map(|h| format!("{h:?}")).collect::<Vec<_>>().join(", ")
        );
        if let Some(close) = self.headers.iter().find(|h| h.eq_ignore_ascii_case(name)) {
            message.push_str(&format!(". Did you mean {close:?}?"));
        } else if self.headers.len() == 1 {
            message.push_str(". Only one column was found: is the delimiter right? (see --delimiter)");
        }
        Err(BuildError::input(Location::line(&self.path, 1), message))
    }

    /// Reads the next record into `self.record`; false at the end.
    fn advance(&mut self) -> Result<bool> {
        let next_line = self.line + 1;
        let more = self.reader.read_byte_record(&mut self.record).map_err(|e| self.csv_error(e, next_line))?;
        if !more {
            if let Some((line, col)) = self.multiline.take() {
                return Err(BuildError::input(
                    self.location(line, col),
                    "a quoted field runs to the end of the file: an unterminated quote \
                     (close it, or double the quote character inside the field)",
                ));
            }
            return Ok(false);
        }
        self.line = self.record.position().map(|p| p.line() + self.line_offset).unwrap_or(next_line);
        self.multiline = None;
        if let Some(col) = self.record.iter().position(|f| f.contains(&b'\n') || f.contains(&b'\r')) {
            if !self.allow_multiline {
                return Err(BuildError::input(
                    self.location(self.line, col),
                    "this field spans several lines: an unterminated quote? \
                     (ids cannot contain line breaks; close the quote)",
                ));
            }
            self.multiline = Some((self.line, col));
        }
        Ok(true)
    }

    /// The next data row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>> {
        self.rows_read = true;
        if self.advance()? {
            Ok(Some(Row { table: self, line: self.line }))
        } else {
            Ok(None)
        }
    }

    fn csv_error(&self, e: csv::Error, fallback_line: u64) -> BuildError {
        let line = e.position().map(|p| p.line() + self.line_offset).unwrap_or(fallback_line);
        match e.into_kind() {
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => BuildError::input(
                Location::line(&self.path, line),
                format!(
                    "expected {expected_len} fields like the header, found {len} (a ragged row: \
                     check the delimiter and the quoting on this line)"
                ),
            ),
            csv::ErrorKind::Io(io) => {
                let hint = if self.gzip { " (corrupt or truncated gzip data?)" } else { "" };
                BuildError::input(
                    Location::line(&self.path, fallback_line),
                    format!("could not read the file near this line: {io}{hint}"),
                )
            }
            other => BuildError::input(Location::line(&self.path, line), format!("unreadable row: {other:?}")),
        }
    }
}

/// The data rows of a table as byte blocks, each ending after a line break (the last one at
/// the end of the file), read in order on this thread (gzip is decompressed here) and parsed
/// anywhere with [`BlockRows`]. Only for tables whose fields may not span lines: then a line
/// break outside quotes ends a row, and one inside quotes is an error either way.
pub struct Blocks<'a> {
    path: PathBuf,
    gzip: bool,
    dialect: Dialect,
    headers: Vec<String>,
    /// The header row's bytes, to read it again when resuming.
    header: Vec<u8>,
    /// Bytes read after the last block handed out.
    pending: Vec<u8>,
    source: Box<dyn Read + 'a>,
    first: bool,
    /// A read error, kept for the sequential reader to report at its line.
    error: Option<std::io::Error>,
}

/// Gives back a read error once the bytes before it are read.
struct Failing(Option<std::io::Error>);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        self.0.take().map_or(Ok(0), Err)
    }
}

impl<'a> Blocks<'a> {
    /// The header names.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether a read error stopped the blocks.
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// The next block of at least `size` bytes (unless the file ends first) ending after a
    /// line break, or `None` at the end of the file or at a read error (then
    /// [`Blocks::resume`] reports it).
    pub fn next_block(&mut self, size: usize) -> Option<Vec<u8>> {
        if self.error.is_some() {
            return None;
        }
        let mut block = std::mem::take(&mut self.pending);
        // No line feed before this (once the block is long enough to be cut).
        let mut scan_from = 0;
        loop {
            if block.len() >= size {
                if let Some(i) = block[scan_from..].iter().rposition(|&b| b == b'\n') {
                    let cut = scan_from + i + 1;
                    self.pending = block[cut..].to_vec();
                    block.truncate(cut);
                    break;
                }
                scan_from = block.len();
            }
            let filled = block.len();
            block.resize(filled + size.saturating_sub(filled).max(1 << 16), 0);
            let read = self.source.read(&mut block[filled..]);
            match read {
                Ok(0) => {
                    block.truncate(filled);
                    if block.is_empty() {
                        return None;
                    }
                    break;
                }
                Ok(n) => block.truncate(filled + n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => block.truncate(filled),
                Err(e) => {
                    block.truncate(filled);
                    self.pending = block;
                    self.error = Some(e);
                    return None;
                }
            }
        }
        // The header ended at a carriage return: its line feed belongs to it, so that line
        // numbers counted from the blocks' line feeds stay the file's.
        if std::mem::take(&mut self.first) && self.header.ends_with(b"\r") && block.first() == Some(&b'\n') {
            self.header.push(b'\n');
            block.remove(0);
        }
        Some(block)
    }

    /// A sequential reader of `unread` (blocks handed out but not used, in order), then the
    /// rest of the file, with the file's line numbers: `lines_before` line feeds came in the
    /// blocks before `unread`.
    pub fn resume(self, unread: Vec<Vec<u8>>, lines_before: u64) -> Result<TableReader<'a>> {
        let Blocks { path, gzip, dialect, header, pending, source, error, .. } = self;
        let mut bytes = header;
        for block in unread {
            bytes.extend_from_slice(&block);
        }
        bytes.extend_from_slice(&pending);
        let rest: Box<dyn Read + 'a> = match error {
            Some(e) => Box::new(Failing(Some(e))),
            None => source,
        };
        let source = Box::new(std::io::Cursor::new(bytes).chain(rest));
        let mut table = TableReader::from_source(path, source, gzip, dialect, false, lines_before)?;
        // Read as a continuation, never handed over again.
        table.rows_read = true;
        Ok(table)
    }

    /// What [`BlockRows`] needs, to parse blocks on other threads.
    pub fn shape(&self) -> BlockShape {
        BlockShape { dialect: self.dialect, fields: self.headers.len() }
    }
}

/// The dialect and field count blocks are parsed with.
#[derive(Debug, Clone, Copy)]
pub struct BlockShape {
    dialect: Dialect,
    fields: usize,
}

/// A block needs the sequential reader: something in it is an error or may be one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Defer;

/// The rows of one block, with the sequential reader's field splitting (the same csv parser)
/// but none of its error reports: anything it would report is a [`Defer`].
pub struct BlockRows<'b> {
    reader: csv::Reader<&'b [u8]>,
    record: csv::ByteRecord,
    fields: usize,
    bom: bool,
}

impl<'b> BlockRows<'b> {
    fn new(block: &'b [u8], dialect: Dialect, fields: usize) -> Self {
        let reader = csv::ReaderBuilder::new()
            .delimiter(dialect.delimiter)
            .quoting(dialect.quoting)
            .has_headers(false)
            // The field count is checked against the header here, not the block's first row.
            .flexible(true)
            .from_reader(block);
        // The csv reader drops a byte-order mark at its start, which mid-file is data.
        let bom = block.starts_with(b"\xef\xbb\xbf");
        Self { reader, record: csv::ByteRecord::new(), fields, bom }
    }

    /// Parses `block` with `shape`.
    pub fn with_shape(block: &'b [u8], shape: BlockShape) -> Self {
        Self::new(block, shape.dialect, shape.fields)
    }

    /// Reads the next row; false at the end of the block.
    pub fn advance(&mut self) -> std::result::Result<bool, Defer> {
        if self.bom {
            return Err(Defer);
        }
        if !self.reader.read_byte_record(&mut self.record).map_err(|_| Defer)? {
            return Ok(false);
        }
        if self.record.len() != self.fields || self.record.iter().any(|f| f.contains(&b'\n') || f.contains(&b'\r')) {
            return Err(Defer);
        }
        Ok(true)
    }

    /// Field `index` of the row read last as trimmed UTF-8 text.
    pub fn str(&self, index: usize) -> std::result::Result<&str, Defer> {
        text(self.record.get(index).ok_or(Defer)?).map_err(|_| Defer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::FileSystem;
    use crate::progress::NoProgress;
    use std::io::Write;

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn open(path: &Path) -> Result<TableReader<'static>> {
        TableReader::open(&FileSystem, path, Dialect::for_path(path, None), false, &NoProgress)
    }

    fn read_all(path: &Path) -> Result<Vec<Vec<String>>> {
        let mut t = open(path)?;
        let n = t.headers().len();
        let mut rows = Vec::new();
        while let Some(r) = t.next_row()? {
            rows.push((0..n).map(|i| r.str(i).map(str::to_string)).collect::<Result<Vec<_>>>()?);
        }
        Ok(rows)
    }

    #[test]
    fn dialect_follows_the_extension_through_gz() {
        assert_eq!(Dialect::for_path(Path::new("a.tsv.gz"), None).delimiter, b'\t');
        assert!(!Dialect::for_path(Path::new("a.dat"), None).quoting);
        assert_eq!(Dialect::for_path(Path::new("a.csv"), None).delimiter, b',');
        assert_eq!(Dialect::for_path(Path::new("a.tsv"), Some(Delimiter(b';'))).delimiter, b';');
        assert_eq!("tab".parse(), Ok(Delimiter(b'\t')));
        assert_eq!(Delimiter(b'\t').to_string(), "tab");
        assert_eq!(";".parse::<Delimiter>().map(|d| d.to_string()), Ok(";".to_string()));
        assert!("ab".parse::<Delimiter>().is_err() && "\"".parse::<Delimiter>().is_err());
    }

    #[test]
    fn reads_gzip_and_strips_bom() {
        let dir = tempfile::tempdir().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all("\u{feff}a,b\n1, x \n".as_bytes()).unwrap();
        let p = write(&dir, "t.csv.gz", &gz.finish().unwrap());
        let t = open(&p).unwrap();
        assert_eq!(t.headers(), &["a", "b"]);
        assert_eq!(read_all(&p).unwrap(), vec![vec!["1", "x"]]);
    }

    #[test]
    fn errors_name_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(&dir, "ragged.csv", b"a,b\n1,2\n3\n");
        let msg = read_all(&p).unwrap_err().to_string();
        assert!(msg.contains("line 3") && msg.contains("expected 2 fields"), "{msg}");

        let p = write(&dir, "bytes.csv", b"a,b\n1,\xff\xfe\n");
        let msg = read_all(&p).unwrap_err().to_string();
        assert!(msg.contains("line 2, column 2 (b)") && msg.contains("UTF-8"), "{msg}");

        let p = write(&dir, "quote.csv", b"a,b\n1,\"x\n2,y\n");
        let msg = read_all(&p).unwrap_err().to_string();
        assert!(msg.contains("line 2") && msg.contains("unterminated quote"), "{msg}");

        let p = write(&dir, "empty.csv", b"");
        assert!(read_all(&p).unwrap_err().to_string().contains("empty"));
    }

    #[test]
    fn truncated_gzip_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        for i in 0..2000 {
            writeln!(gz, "{i},{}", i * 7).unwrap();
        }
        let bytes = gz.finish().unwrap();
        let p = write(&dir, "cut.csv.gz", &bytes[..bytes.len() / 2]);
        let msg = read_all(&p).unwrap_err().to_string();
        assert!(msg.contains("gzip"), "{msg}");
    }

    #[test]
    fn missing_column_lists_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(&dir, "t.csv", b"user;item\n1;2\n");
        let t = open(&p).unwrap();
        let msg = t.column("item", "--entity-col").unwrap_err().to_string();
        assert!(msg.contains("user;item") && msg.contains("delimiter"), "{msg}");
    }

    #[test]
    fn reads_from_bytes_in_memory_gzip_included() {
        let dialect = Dialect::for_path(Path::new("x.csv"), None);
        let mut t = TableReader::from_reader("memory.csv", &b"a,b\n1,2\n"[..], dialect, false).unwrap();
        assert_eq!(t.headers(), &["a", "b"]);
        assert_eq!(t.next_row().unwrap().map(|r| r.str(1).unwrap().to_string()), Some("2".into()));
        assert!(t.next_row().unwrap().is_none());

        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"a,b\n1,2\n3\n").unwrap();
        let bytes = gz.finish().unwrap();
        let mut t = TableReader::from_reader("memory.csv.gz", std::io::Cursor::new(bytes), dialect, false).unwrap();
        assert!(t.next_row().is_ok());
        let msg = t.next_row().err().unwrap().to_string();
        assert!(msg.starts_with("memory.csv.gz, line 3"), "{msg}");
    }
}
