//! `starmap pack`: a built map folder as one self-contained HTML file, as `--single-file` writes
//! at build time. The folder is read and checked through the format's decoder first, so a
//! broken map is refused here rather than in a reader's browser.

use starmap_core::output::write_csv_atomic;
use starmap_core::{BuildError, Result};
use starmap_format::FILE_MANIFEST;

use super::maps::load_map;
use crate::cli::PackArgs;
use crate::site;

/// Runs `starmap pack`.
pub fn run(args: &PackArgs) -> Result<()> {
    let map = load_map(&args.dir)?;
    let read = |name: &str| {
        let path = args.dir.join(name);
        std::fs::read(&path).map_err(|e| BuildError::read(&path, e))
    };
    // The files exactly as the folder holds them (they passed the checks above).
    let mut files = vec![(FILE_MANIFEST.to_string(), read(FILE_MANIFEST)?)];
    for f in &map.manifest.files {
        files.push((f.name.clone(), read(&f.name)?));
    }
    let html = site::single_file_html(&map.manifest.title, &map.manifest.description, &files)?;
    write_csv_atomic(&args.out, |w| w.write_all(html.as_bytes()))?;
    println!("wrote {} ({:.1} MB): open it from disk, or send it", args.out.display(), html.len() as f64 / 1e6);
    Ok(())
}
