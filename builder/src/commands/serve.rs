//! `starmap serve`: checks the folder is a map, then serves it (see `crate::serve`).

use starmap_core::Result;

use super::maps::check_map_dir;
use crate::cli::ServeArgs;

/// Runs `starmap serve`.
pub fn run(args: &ServeArgs) -> Result<()> {
    check_map_dir(&args.dir)?;
    crate::serve::serve(&args.dir, args.port, |url| {
        println!("Serving {} at {url} (Ctrl-C to stop)", args.dir.display());
    })
}
