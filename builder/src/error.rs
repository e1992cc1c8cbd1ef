//! Errors of the builder. Bad input is reported once, with the file, line and column and what
//! was expected, and maps to exit code 2; failures to write the output map to exit code 1.

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
}

impl Location {
    /// The whole file.
    pub fn file(file: &Path) -> Self {
        Self { file: file.to_path_buf(), line: None, column: None }
    }

    /// A line of the file.
    pub fn line(file: &Path, line: u64) -> Self {
        Self { file: file.to_path_buf(), line: Some(line), column: None }
    }

    /// A field of a line.
    pub fn field(file: &Path, line: u64, index: usize, name: &str) -> Self {
        Self { file: file.to_path_buf(), line: Some(line), column: Some((index + 1, name.to_string())) }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
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
    /// filtering), or a parameter is out of range.
    #[error("{0}")]
    Unusable(String),
    /// Reading an input or writing the output failed at the operating-system level.
    #[error("{path}: {source}")]
    Io {
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

    /// An I/O failure on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io { path: path.to_path_buf(), source }
    }

    /// The process exit code for this error: 2 for anything the user can fix in the input or
    /// the flags, 1 for environment failures.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Input { .. } | Self::Unusable(_) | Self::Map { .. } | Self::MapRead { .. } => 2,
            Self::Io { .. } => 1,
        }
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
        assert_eq!(e.exit_code(), 2);
    }
}
