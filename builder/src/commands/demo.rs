//! `starmap demo`: the films × cast map (Wikidata, CC0), built from data shipped inside the
//! binary, so it works from anywhere. The data is read from memory under the paths it has in
//! the repository, so the map records those and `starmap inspect` prints a rebuild command that
//! works from a checkout.

use starmap_core::input::InMemory;
use starmap_core::{BuildParams, InputParams, Params, Result};

use super::build::{execute, Job};
use super::{serve, set_threads, thousands};
use crate::cli::{DemoArgs, ServeArgs};

const CAST_PATH: &str = "builder/demo/films/film_cast.csv.gz";
const FILMS_PATH: &str = "builder/demo/films/films.csv.gz";
const CAST: &[u8] = include_bytes!("../../demo/films/film_cast.csv.gz");
const FILMS: &[u8] = include_bytes!("../../demo/films/films.csv.gz");

/// The demo's build parameters: films by the actors they share, labelled by title.
fn params() -> BuildParams {
    let mut input = InputParams::new(CAST_PATH, "imdb_id", "actor");
    input.metadata = Some(FILMS_PATH.into());
    input.label_col = Some("title".into());
    BuildParams::new(input)
}

/// Runs `starmap demo`.
pub fn run(args: &DemoArgs) -> Result<()> {
    set_threads(args.threads);
    let files = InMemory::new().with(CAST_PATH, CAST).with(FILMS_PATH, FILMS);
    execute(&Job {
        params: params().validate()?,
        files: &files,
        out: args.out.clone(),
        export_csv: None,
        title: "Films × cast".into(),
        describe: &|built| {
            format!(
                "{} films placed by their shared actors (Wikidata, CC0). Built with Starmap.",
                thousands(built.content.ids.len() as u64)
            )
        },
        quiet: args.quiet,
    })?;
    if args.no_serve {
        return Ok(());
    }
    serve(&ServeArgs { dir: args.out.clone(), port: args.port })
}
