//! Reading a built map folder back, through the format's one decoder.

use std::collections::BTreeMap;
use std::path::Path;

use starmap_core::{BuildError, Location, Result};
use starmap_format::read::{self, Map, ReadError};
use starmap_format::{FormatError, FILE_MANIFEST};

/// Checks that `dir` is a folder holding a map, with a message for each way it is not.
pub fn check_map_dir(dir: &Path) -> Result<()> {
    let meta = std::fs::metadata(dir).map_err(|e| BuildError::read(dir, e))?;
    if !meta.is_dir() {
        return Err(BuildError::input(
            Location::file(dir),
            "this is a file: expected a map folder written by `starmap build`",
        ));
    }
    if !dir.join(FILE_MANIFEST).is_file() {
        return Err(BuildError::input(
            Location::file(dir),
            format!("the folder holds no {FILE_MANIFEST}: expected a map folder written by `starmap build`"),
        ));
    }
    Ok(())
}

fn read_file(dir: &Path, name: &str) -> Result<Vec<u8>> {
    let path = dir.join(name);
    std::fs::read(&path).map_err(|e| BuildError::read(&path, e))
}

/// Reads a built map through the format's one decoder: every listed file, every check.
pub fn load_map(dir: &Path) -> Result<Map> {
    check_map_dir(dir)?;
    let map_err = |source: ReadError| BuildError::MapRead { dir: dir.to_path_buf(), source };
    let manifest = read::parse_manifest(&read_file(dir, FILE_MANIFEST)?).map_err(map_err)?;
    let mut files = BTreeMap::new();
    for f in &manifest.files {
        files.insert(f.name.clone(), read_file(dir, &f.name)?);
    }
    Map::decode(manifest, |name| {
        files.remove(name).ok_or_else(|| ReadError::Format {
            file: name.to_string(),
            error: FormatError::MissingSection(format!("{name} is not listed in the manifest")),
        })
    })
    .map_err(map_err)
}
