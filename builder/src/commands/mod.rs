//! What each subcommand does once its flags are parsed, and what they share: reading a built
//! map back, and writing paths and command lines a shell accepts.

mod build;
mod demo;
mod inspect;
mod neighbors;
mod summary;

use std::collections::BTreeMap;
use std::path::Path;

use starmap_core::{BuildError, Location, Result};
use starmap_format::read::{self, Map, ReadError};
use starmap_format::{FormatError, FILE_MANIFEST};

use crate::cli::{Cli, Command, ServeArgs};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Build(args) => build::run(&args),
        Command::Neighbors(args) => neighbors::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Serve(args) => serve(&args),
        Command::Demo(args) => demo::run(&args),
    }
}

fn serve(args: &ServeArgs) -> Result<()> {
    check_map_dir(&args.dir)?;
    crate::serve::serve(&args.dir, args.port, |url| {
        println!("Serving {} at {url} (Ctrl-C to stop)", args.dir.display());
    })
}

/// Sets the size of the global worker pool (once per process).
fn set_threads(threads: Option<usize>) {
    if let Some(n) = threads {
        // Fails only if a pool already exists (a second build in one process): keep that one.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
}

/// Checks that `dir` is a folder holding a map, with a message for each way it is not.
fn check_map_dir(dir: &Path) -> Result<()> {
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
fn load_map(dir: &Path) -> Result<Map> {
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

/// `s` as one shell word: as it is when that is safe, else in single quotes.
pub fn shell_quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-.,/:@%+=".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A path as one shell word.
fn quote_path(p: &Path) -> String {
    shell_quote(&p.to_string_lossy())
}

/// How to run this `starmap` from a shell: `starmap` when that is this binary on PATH, else its
/// full path (after `cargo run` it is not on PATH until `cargo install --path builder`).
fn starmap_command() -> (String, bool) {
    let Ok(exe) = std::env::current_exe().and_then(|e| e.canonicalize()) else {
        return ("starmap".into(), true);
    };
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| dir.join("starmap").canonicalize().is_ok_and(|p| p == exe))
    });
    if on_path {
        ("starmap".into(), true)
    } else {
        (quote_path(&exe), false)
    }
}

/// The hint printed once when `starmap` is not on PATH.
const NOT_ON_PATH: &str =
    "(this starmap is not on your PATH: `cargo install --path builder` from the repository installs it)";

/// 14569 → "14,569".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The default title: the interactions file's name without extensions, `_` and `-` as spaces.
fn title_from(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = name.split('.').next().unwrap_or(&name);
    stem.replace(['_', '-'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_the_shell_needs_it() {
        assert_eq!(shell_quote("docs/example/plays.csv"), "docs/example/plays.csv");
        assert_eq!(shell_quote("What our listeners play"), "'What our listeners play'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote(";"), "';'");
        assert_eq!(shell_quote("Films × cast"), "'Films × cast'");
    }

    #[test]
    fn numbers_and_titles_read_naturally() {
        assert_eq!(
            (thousands(14569), thousands(999), thousands(1_000_000)),
            ("14,569".into(), "999".into(), "1,000,000".into())
        );
        assert_eq!(title_from(Path::new("data/film_cast.csv.gz")), "film cast");
    }
}
