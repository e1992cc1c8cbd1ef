//! `starmap demo`: the films × cast map (Wikidata, CC0), built from data shipped inside the
//! binary, so it works from anywhere. The data is read from memory under the paths it has in
//! the repository, so the map records those and `starmap inspect` prints a rebuild command that
//! works from a checkout.

use starmap_core::input::InMemory;
use starmap_core::layout::{NEIGHBORS_SPEC, STRUCTURE_SPEC};
use starmap_core::{BuildParams, InputParams, Params, Result};

use super::build::{execute, set_threads, Job};
use super::serve;
use crate::cli::{DemoArgs, ServeArgs};

const CAST_PATH: &str = "builder/demo/films/film_cast.csv.gz";
const FILMS_PATH: &str = "builder/demo/films/films.csv.gz";
const CAST: &[u8] = include_bytes!("../../demo/films/film_cast.csv.gz");
const FILMS: &[u8] = include_bytes!("../../demo/films/films.csv.gz");

/// The demo's build parameters: films by the actors they share, labelled by title, in the
/// default layouts and UMAP (the method's original, to compare against), each judged by how well
/// films near each other share their first genre.
fn params() -> BuildParams {
    let mut input = InputParams::new(CAST_PATH, "imdb_id", "actor");
    input.metadata = Some(FILMS_PATH.into());
    input.label_col = Some("title".into());
    let mut params = BuildParams::new(input);
    params.quality_label = Some("genre".into());
    params.layouts =
        [STRUCTURE_SPEC, NEIGHBORS_SPEC, "umap"].iter().map(|s| s.parse().expect("a valid spec (tested)")).collect();
    params
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
        export_graph: None,
        single_file: args.single_file.clone(),
        title: "Films × cast".into(),
        describe: &|built| description(built.content.ids.len()),
        quiet: args.quiet,
    })?;
    if args.no_serve {
        return Ok(());
    }
    serve::run(&ServeArgs { dir: args.out.clone(), port: args.port })
}

/// The demo's one-line description, with the number of films the build placed.
fn description(placed: usize) -> String {
    format!("{} films placed by their shared actors (Wikidata, CC0). Built with Starmap.", thousands(placed as u64))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_states_the_count_placed() {
        assert_eq!((thousands(999), thousands(1_000_000)), ("999".into(), "1,000,000".into()));
        assert!(description(14569).starts_with("14,569 films placed"));
        // The demo's parameters are valid and record the repository paths of its data.
        let p = params().validate().unwrap();
        assert_eq!(p.input.interactions, std::path::Path::new(CAST_PATH));
        let names: Vec<String> = p.layouts.iter().map(starmap_core::layout::LayoutSpec::name).collect();
        assert_eq!(names, ["structure", "neighbors", "umap"]);
        assert!(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(FILMS_PATH).is_file());
    }
}
