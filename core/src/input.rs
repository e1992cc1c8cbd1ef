//! Where the input files come from. The pipeline opens every input through [`InputFiles`]:
//! [`FileSystem`] for files on disk, [`InMemory`] for data a program already holds (the demo
//! ships its data inside the binary; tests and fuzzers build from bytes). Paths stay the names
//! the user gave, so errors and the manifest speak of them either way.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{BuildError, Location, Result};

/// An opened input: its bytes, and its size when known (for progress).
pub struct Opened {
    /// The bytes, as stored (gzip is detected by the reader).
    pub reader: Box<dyn Read>,
    /// Size in bytes, where known.
    pub len: Option<u64>,
}

/// Opens input files by the paths the user gave.
pub trait InputFiles {
    /// Opens `path` for reading.
    fn open(&self, path: &Path) -> Result<Opened>;
}

/// Files on disk.
#[derive(Debug, Clone, Copy, Default)]
pub struct FileSystem;

impl InputFiles for FileSystem {
    fn open(&self, path: &Path) -> Result<Opened> {
        let file = std::fs::File::open(path).map_err(|e| BuildError::read(path, e))?;
        let meta = file.metadata().map_err(|e| BuildError::read(path, e))?;
        if meta.is_dir() {
            return Err(BuildError::input(Location::file(path), "this is a folder: expected a CSV or TSV file"));
        }
        Ok(Opened { reader: Box::new(file), len: Some(meta.len()) })
    }
}

/// Files held in memory, by path.
#[derive(Debug, Clone, Default)]
pub struct InMemory {
    files: BTreeMap<PathBuf, Arc<[u8]>>,
}

impl InMemory {
    /// No files yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the file at `path`.
    pub fn with(mut self, path: impl Into<PathBuf>, bytes: impl Into<Arc<[u8]>>) -> Self {
        self.files.insert(path.into(), bytes.into());
        self
    }
}

impl InputFiles for InMemory {
    fn open(&self, path: &Path) -> Result<Opened> {
        let bytes = self
            .files
            .get(path)
            .ok_or_else(|| BuildError::read(path, std::io::Error::from(std::io::ErrorKind::NotFound)))?;
        Ok(Opened { len: Some(bytes.len() as u64), reader: Box::new(Cursor::new(Arc::clone(bytes))) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_open_by_the_path_given() {
        let files = InMemory::new().with("a.csv", b"x\n1\n".to_vec());
        let mut opened = files.open(Path::new("a.csv")).unwrap();
        let mut text = String::new();
        opened.reader.read_to_string(&mut text).unwrap();
        assert_eq!((text.as_str(), opened.len), ("x\n1\n", Some(4)));
        let missing = files.open(Path::new("b.csv")).err().unwrap();
        assert_eq!(missing.to_string(), "b.csv: no such file or folder");
        let dir = tempfile::tempdir().unwrap();
        let msg = FileSystem.open(dir.path()).err().unwrap().to_string();
        assert!(msg.contains("this is a folder"), "{msg}");
    }
}
