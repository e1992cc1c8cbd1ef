//! `starmap build` (and the demo, which builds the same way from data held in memory): check
//! the parameters and the output folder, run the stages with progress bars, write the map and
//! the viewer, and close with the summary.

use std::path::{Path, PathBuf};

use starmap_core::graph_io;
use starmap_core::input::{FileSystem, InputFiles};
use starmap_core::output::check_out_dir;
use starmap_core::pipeline::{self, Built, RunOptions};
use starmap_core::{BuildParams, Params, Result, Valid};

use super::shell::{quote_path, starmap_command, NOT_ON_PATH};
use super::summary;
use crate::cli::BuildArgs;
use crate::progress::Bars;
use crate::site;

/// One build, checked and ready to run.
pub struct Job<'a> {
    /// The parameters, checked.
    pub params: Valid<BuildParams>,
    /// Where the input files come from.
    pub files: &'a dyn InputFiles,
    /// The map folder.
    pub out: PathBuf,
    /// Where to export coordinates, if anywhere.
    pub export_csv: Option<PathBuf>,
    /// Where to export the coordinates as Parquet, if anywhere.
    pub export_parquet: Option<PathBuf>,
    /// Where to export the co-occurrence graph (`--export-graph`), if anywhere.
    pub export_graph: Option<PathBuf>,
    /// Where to write the map as one HTML file, if anywhere.
    pub single_file: Option<PathBuf>,
    /// The map's title.
    pub title: String,
    /// The map's description, given what was built (the demo states its count).
    pub describe: &'a dyn Fn(&Built) -> String,
    /// No progress bars and no summary.
    pub quiet: bool,
}

/// Runs `starmap build`.
pub fn run(args: &BuildArgs) -> Result<()> {
    let params = args.params().validate()?;
    set_threads(args.threads);
    let input = &params.input;
    let title = args.title.clone().unwrap_or_else(|| title_from(input.graph.as_ref().unwrap_or(&input.interactions)));
    let description = args.description.clone();
    execute(&Job {
        params,
        files: &FileSystem,
        out: args.out.clone(),
        export_csv: args.export_csv.clone(),
        export_parquet: args.export_parquet.clone(),
        export_graph: args.export_graph.clone(),
        single_file: args.single_file.clone(),
        title,
        describe: &|_| description.clone(),
        quiet: args.quiet,
    })
}

/// Builds and writes the map of `job`, then prints the summary unless quiet.
pub fn execute(job: &Job<'_>) -> Result<()> {
    // Everything that can be found out before the long work is.
    check_out_dir(&job.out)?;
    if let Some(dir) = &job.export_graph {
        graph_io::check_out(dir)?;
    }
    let with_viewer = !job.params.data_only;
    if with_viewer && !site::has_viewer() {
        return Err(site::no_viewer_error());
    }
    let bars = Bars::new(job.quiet);
    let options = RunOptions { keep_graph: job.export_graph.is_some(), ..RunOptions::default() };
    let mut built = pipeline::run_with(&job.params, job.files, &bars, options)?;
    built.content.title.clone_from(&job.title);
    built.content.description = (job.describe)(&built);
    let viewer = if with_viewer { site::viewer_files(&job.title, &built.content.description)? } else { Vec::new() };
    let written = pipeline::write(&built, &job.out, &viewer, job.export_csv.as_deref())?;
    if let Some(path) = &job.export_parquet {
        pipeline::write_parquet_export(&built, path)?;
    }
    if let (Some(dir), Some(graph)) = (&job.export_graph, &built.graph) {
        graph_io::write(dir, graph)?;
    }
    if let Some(path) = &job.single_file {
        write_single_file(path, &built, &job.title)?;
        if !job.quiet {
            println!("wrote {} (the whole map in one file: open it from disk, or send it)", path.display());
        }
    }
    if !job.quiet {
        for w in &built.warnings {
            eprintln!("warning: {w}");
        }
        eprint!("{}", summary::build(&built, &written));
        print_next_steps(&job.out, with_viewer, &job.title);
    }
    Ok(())
}

/// Writes the map as one HTML file, atomically (a temp file renamed into place).
fn write_single_file(path: &Path, built: &Built, title: &str) -> Result<()> {
    let encoded = starmap_format::encode_map(&built.content)
        .map_err(|e| starmap_core::BuildError::Map { path: path.to_path_buf(), source: e })?;
    let files = starmap_core::output::map_files(&encoded)?;
    let html = site::single_file_html(title, &built.content.description, &files)?;
    starmap_core::output::write_csv_atomic(path, |w| w.write_all(html.as_bytes()))
}

fn print_next_steps(out: &Path, with_viewer: bool, title: &str) {
    let (starmap, on_path) = starmap_command();
    println!("wrote {}", out.display());
    if with_viewer {
        println!("look at it:   {starmap} serve {}", quote_path(out));
        println!("embed it (host the folder, then point src at it):");
        println!("  {}", site::iframe_snippet(&site::example_url(out), title));
    } else {
        println!("inspect it:   {starmap} inspect {}", quote_path(out));
    }
    if !on_path {
        println!("{NOT_ON_PATH}");
    }
}

/// Sets the size of the global worker pool (once per process).
pub fn set_threads(threads: Option<usize>) {
    if let Some(n) = threads {
        // Fails only if a pool already exists (a second build in one process): keep that one.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
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
    fn the_default_title_comes_from_the_file_name() {
        assert_eq!(title_from(Path::new("data/film_cast.csv.gz")), "film cast");
        assert_eq!(title_from(Path::new("my-plays.tsv")), "my plays");
    }
}
