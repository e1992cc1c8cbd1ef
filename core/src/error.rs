//! Errors of the stages. Bad input is reported once, with the file, line and column and what
//! was expected. [`BuildError::is_bad_input`] separates what the user can fix in what they gave
//! (flags, files, data, a map) from failures to write the output; the command line turns that
//! into its exit code.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in an input file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The input file.
    pub file: PathBuf,
    /// 1-based line, where known.
    pub line: Option<u64>,
    /// 1-based column (field) number and its header name, where known.
    pub column: Option<(usize, String)>,
    /// Whether `line` counts the rows of a Parquet file (over the whole file), not text lines.
    pub is_row: bool,
}

impl Location {
    /// The whole file.
    pub fn file(file: &Path) -> Self {
        Self { file: file.to_path_buf(), line: None, column: None, is_row: false }
    }

    /// A line of the file.
    pub fn line(file: &Path, line: u64) -> Self {
        Self { file: file.to_path_buf(), line: Some(line), column: None, is_row: false }
    }

    /// Row `row` (1-based) of a Parquet file, in its column `index` (0-based) named `name`.
    pub fn row(file: &Path, row: u64, index: usize, name: &str) -> Self {
        Self { is_row: true, ..Self::field(file, row, index, name) }
    }

    /// A field of a line.
    pub fn field(file: &Path, line: u64, index: usize, name: &str) -> Self {
        Self { file: file.to_path_buf(), line: Some(line), column: Some((index + 1, name.to_string())), is_row: false }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ", {} {line}", if self.is_row { "row" } else { "line" })?;
        }
        if let Some((col, name)) = &self.column {
            write!(f, ", column {col} ({name})")?;
        }
        Ok(())
    }
}

/// Everything that can stop a build.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The input data is malformed; the message says what was expected.
    #[error("{location}: {message}")]
    Input {
        /// Where.
        location: Location,
        /// What was wrong and what was expected.
        message: String,
    },
    /// The input is well-formed but unusable with these parameters (e.g. nothing left after
    /// filtering).
    #[error("{0}")]
    Unusable(String),
    /// A parameter is out of range, or parameters that cannot work together.
    #[error(transparent)]
    Param(#[from] crate::params::ParamError),
    /// A file or folder the user named cannot be read (missing, not permitted…).
    #[error("{path}: {}", describe_io(source))]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Writing the output failed at the operating-system level (disk full, not permitted…).
    #[error("{path}: {source}")]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// An existing map could not be read.
    #[error("{dir}: {source}")]
    MapRead {
        /// The map folder.
        dir: PathBuf,
        /// What the map reader found.
        source: starmap_format::ReadError,
    },
    /// A map could not be encoded.
    #[error("{path}: {source}")]
    Map {
        /// The file.
        path: PathBuf,
        /// What the format reader found.
        source: starmap_format::FormatError,
    },
}

impl BuildError {
    /// A problem at `location`.
    pub fn input(location: Location, message: impl Into<String>) -> Self {
        Self::Input { location, message: message.into() }
    }

    /// `path`, named by the user, could not be read.
    pub fn read(path: &Path, source: std::io::Error) -> Self {
        Self::Read { path: path.to_path_buf(), source }
    }

    /// `path`, part of the output, could not be written.
    pub fn write(path: &Path, source: std::io::Error) -> Self {
        Self::Write { path: path.to_path_buf(), source }
    }

    /// Whether the user can fix this in what they gave: a flag, a file or folder they named, the
    /// data in it, or a map. False only for failures to write the output.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, Self::Write { .. })
    }
}

/// "no such file or folder" reads better than the OS's "No such file or directory (os error 2)".
fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        std::io::ErrorKind::PermissionDenied => "not permitted to read it".to_string(),
        _ => e.to_string(),
    }
}

/// Result alias of the builder.
pub type Result<T, E = BuildError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_read_naturally() {
        let p = Path::new("data/x.csv");
        assert_eq!(Location::file(p).to_string(), "data/x.csv");
        assert_eq!(Location::line(p, 7).to_string(), "data/x.csv, line 7");
        assert_eq!(Location::field(p, 7, 2, "weight").to_string(), "data/x.csv, line 7, column 3 (weight)");
        let e = BuildError::input(Location::field(p, 7, 2, "weight"), "expected a number, found \"abc\"");
        assert_eq!(e.to_string(), "data/x.csv, line 7, column 3 (weight): expected a number, found \"abc\"");
        assert!(e.is_bad_input());
        let missing = BuildError::read(p, std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(missing.to_string(), "data/x.csv: no such file or folder");
        assert!(missing.is_bad_input());
        assert!(!BuildError::write(p, std::io::Error::other("disk full")).is_bad_input());
    }
}
