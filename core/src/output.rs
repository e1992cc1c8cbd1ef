//! Stage 6: writing. A map is written into a temporary folder beside `--out` and renamed into
//! place at the end, so a failed or interrupted build never leaves a half-written map; an
//! existing map at `--out` is replaced only once the new one is complete. The same applies to
//! `--export-csv`, `--export-parquet` and `--export-graph`.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use starmap_format::{EncodedMap, FILE_MANIFEST};

use crate::error::{BuildError, Result};

fn sibling(path: &Path, tag: &str) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "map".into());
    path.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Whether `dir` may be replaced: it does not exist, is empty, or holds a Starmap map.
fn replaceable(dir: &Path) -> Result<bool> {
    match fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none() || dir.join(FILE_MANIFEST).is_file()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Ok(false),
        Err(e) => Err(BuildError::write(dir, e)),
    }
}

/// Checks up front that `out` can be written, so a long build does not fail at the very end.
pub fn check_out_dir(out: &Path) -> Result<()> {
    if !replaceable(out)? {
        return Err(BuildError::Unusable(format!(
            "refusing to replace {}: it exists and is not a Starmap map (no {FILE_MANIFEST}); \
             choose another --out or remove it",
            out.display()
        )));
    }
    Ok(())
}

/// Writes the map files (plus `extra` files such as the viewer) into `out`, atomically.
pub fn write_map_dir(out: &Path, map: &EncodedMap, extra: &[(String, Vec<u8>)]) -> Result<()> {
    check_out_dir(out)?;
    write_dir_atomic(out, |tmp| {
        for (name, bytes) in map.files.iter().chain(extra) {
            let path = tmp.join(name);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| BuildError::write(parent, e))?;
            }
            fs::write(&path, bytes).map_err(|e| BuildError::write(&path, e))?;
        }
        let manifest = serde_json::to_vec_pretty(&map.manifest)
            .map_err(|e| BuildError::write(&tmp.join(FILE_MANIFEST), std::io::Error::other(e)))?;
        fs::write(tmp.join(FILE_MANIFEST), manifest).map_err(|e| BuildError::write(&tmp.join(FILE_MANIFEST), e))
    })
}

/// Fills a temporary folder beside `out` with `fill`, then renames it into place, replacing what
/// `out` held only once the new folder is complete; on failure nothing is left. The caller checks
/// first that `out` may be replaced.
pub fn write_dir_atomic(out: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| BuildError::write(parent, e))?;
    }
    let tmp = sibling(out, "tmp");
    let result = (|| {
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(|e| BuildError::write(&tmp, e))?;
        }
        fs::create_dir(&tmp).map_err(|e| BuildError::write(&tmp, e))?;
        fill(&tmp)?;
        let old = sibling(out, "old");
        let had_old = out.exists();
        if had_old {
            fs::rename(out, &old).map_err(|e| BuildError::write(out, e))?;
        }
        if let Err(e) = fs::rename(&tmp, out) {
            if had_old {
                let _ = fs::rename(&old, out); // put the previous folder back
            }
            return Err(BuildError::write(out, e));
        }
        if had_old {
            fs::remove_dir_all(&old).map_err(|e| BuildError::write(&old, e))?;
        }
        Ok(())
    })();
    if result.is_err() && tmp.exists() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

/// Every file of the map as the folder holds it: `manifest.json` (as written there) first,
/// then the binary files.
pub fn map_files(map: &EncodedMap) -> Result<Vec<(String, Vec<u8>)>> {
    let manifest = serde_json::to_vec_pretty(&map.manifest)
        .map_err(|e| BuildError::Unusable(format!("the manifest cannot be written: {e}")))?;
    let mut files = vec![(FILE_MANIFEST.to_string(), manifest)];
    files.extend(map.files.iter().cloned());
    Ok(files)
}

/// Writes a CSV file atomically: `header` then `rows`, each already split into fields.
pub fn write_csv_atomic(path: &Path, write_rows: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    write_file_atomic(path, |w, tmp| write_rows(w).map_err(|e| BuildError::write(tmp, e)))
}

/// Writes `batches` of `schema` as one Parquet file into `w` (`path` names it in errors):
/// Snappy-compressed, which every reader (Spark's default) takes. The bytes depend only on the
/// batches: the writer records no time.
pub fn write_parquet<W: Write + Send>(
    w: W,
    path: &Path,
    schema: SchemaRef,
    batches: impl IntoIterator<Item = Result<RecordBatch>>,
) -> Result<()> {
    let err = |e: ParquetError| BuildError::write(path, std::io::Error::other(e));
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut writer = ArrowWriter::try_new(w, schema, Some(props)).map_err(err)?;
    for batch in batches {
        writer.write(&batch?).map_err(err)?;
    }
    writer.close().map_err(err)?;
    Ok(())
}

/// Writes a Parquet file atomically (see [`write_parquet`]).
pub fn write_parquet_atomic(
    path: &Path,
    schema: SchemaRef,
    batches: impl IntoIterator<Item = Result<RecordBatch>>,
) -> Result<()> {
    write_file_atomic(path, |w, tmp| write_parquet(w, tmp, schema, batches))
}

/// A record batch from columns made to `schema` (a mismatch is a bug in the caller).
pub fn record_batch(path: &Path, schema: &SchemaRef, columns: Vec<ArrayRef>) -> Result<RecordBatch> {
    RecordBatch::try_new(schema.clone(), columns).map_err(|e| BuildError::write(path, std::io::Error::other(e)))
}

/// Writes a file atomically: `write` fills a temporary file beside `path` (named by the second
/// argument, for errors), which is renamed into place once complete; on failure it is removed.
pub fn write_file_atomic(path: &Path, write: impl FnOnce(&mut BufWriter<fs::File>, &Path) -> Result<()>) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| BuildError::write(parent, e))?;
    }
    let tmp = sibling(path, "tmp");
    let result = (|| {
        let file = fs::File::create(&tmp).map_err(|e| BuildError::write(&tmp, e))?;
        let mut w = BufWriter::new(file);
        write(&mut w, &tmp)?;
        w.flush().map_err(|e| BuildError::write(&tmp, e))?;
        drop(w);
        fs::rename(&tmp, path).map_err(|e| BuildError::write(path, e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Quotes a CSV field when needed (RFC 4180).
pub fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_replace_a_folder_that_is_not_a_map() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("photos");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("cat.jpg"), b"x").unwrap();
        let msg = check_out_dir(&out).unwrap_err().to_string();
        assert!(msg.contains("not a Starmap map"), "{msg}");
        assert!(check_out_dir(&dir.path().join("new")).is_ok());
        fs::create_dir(dir.path().join("empty")).unwrap();
        assert!(check_out_dir(&dir.path().join("empty")).is_ok());
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn csv_is_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        write_csv_atomic(&p, |w| writeln!(w, "id,x,y")).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "id,x,y\n");
        let err = write_csv_atomic(&dir.path().join("bad.csv"), |w| {
            writeln!(w, "partial")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(err.is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "temporary file left behind");
    }
}
