//! The command line: flags parsed by clap, then validated into typed configurations before any
//! work starts (a bad flag fails in milliseconds, not after the co-occurrence stage), then
//! dispatched. The flag names are a contract: users and tests rely on them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::cooc::Similarity;
use crate::error::{BuildError, Result};
use crate::ingest::{IngestOptions, WeightTransform};
use crate::mde::{Attractive, Init, MdeParams};
use crate::metadata::MetadataOptions;
use crate::pipeline::{BuildConfig, Projection};
use crate::table::parse_delimiter;
use crate::tsne::TsneParams;
use crate::umap::UmapParams;

/// Starmap: turn "who interacted with what" into an interactive map of the entities.
#[derive(Debug, Parser)]
#[command(name = "starmap", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a map from an interactions file (and optional metadata).
    Build(Box<BuildArgs>),
    /// List the nearest entities of QUERY in a built map's embedding.
    Neighbors(NeighborsArgs),
    /// Describe what a built map holds.
    Inspect(InspectArgs),
    /// Serve a built site on 127.0.0.1 and print its URL.
    Serve(ServeArgs),
    /// Build the films × cast demo map (shipped inside this binary) and serve it.
    Demo(DemoArgs),
}

/// `starmap build` flags, as typed.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Interactions: CSV or TSV (by extension or --delimiter), optionally gzip-compressed, with a header row.
    #[arg(long, value_name = "FILE")]
    pub interactions: PathBuf,
    /// Column of the entities to map (films, artists…).
    #[arg(long, value_name = "NAME")]
    pub entity_col: String,
    /// Column of the contexts that group entities (actors, listeners…).
    #[arg(long, value_name = "NAME")]
    pub context_col: String,
    /// Column of interaction weights (play counts, ratings…); default weight 1.
    #[arg(long, value_name = "NAME")]
    pub weight_col: Option<String>,
    /// Metadata: one row per entity, any columns (numeric, categorical, lists and text are detected).
    #[arg(long, value_name = "FILE")]
    pub metadata: Option<PathBuf>,
    /// Id column of the metadata [default: the --entity-col name].
    #[arg(long, value_name = "NAME", requires = "metadata")]
    pub id_col: Option<String>,
    /// Metadata column shown as each entity's name [default: the first text column, else the id].
    #[arg(long, value_name = "NAME", requires = "metadata")]
    pub label_col: Option<String>,
    /// Output folder for the map (replaced atomically if it already holds a map).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also write id,x,y,d0,d1,… (2D then high-dimensional coordinates) to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub export_csv: Option<PathBuf>,
    /// Field delimiter of the input files: one character, or `tab`.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Drop entities seen in fewer contexts than this.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub min_contexts: u32,
    /// Contexts holding more entities than this are sampled down to it (deterministically, by --seed).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_context_size: usize,
    /// How interaction weights enter the co-occurrence.
    #[arg(long, value_enum, default_value_t = WeightTransform::Log1p)]
    pub weight_transform: WeightTransform,
    /// Popularity correction of the co-occurrence.
    #[arg(long, value_enum, default_value_t = Similarity::Cosine)]
    pub similarity: Similarity,
    /// Neighbours kept per entity in the relationship graph.
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub neighbors: usize,
    /// Dimensions of the minimum-distortion embedding (3–16).
    #[arg(long, value_name = "D", default_value_t = 4)]
    pub dim: usize,
    /// Initialisation of the embedding.
    #[arg(long, value_enum, default_value_t = Init::Random)]
    pub init: Init,
    /// Attractive penalty of the embedding.
    #[arg(long, value_enum, default_value_t = Attractive::Linear)]
    pub attractive: Attractive,
    /// Iteration limit of the embedding's L-BFGS.
    #[arg(long, value_name = "N", default_value_t = 300)]
    pub mde_iterations: usize,
    /// The 2D projection.
    #[arg(long, value_enum, default_value_t = Projection::Umap)]
    pub projection: Projection,
    /// UMAP neighbourhood size: larger keeps more global structure.
    #[arg(long, value_name = "N", default_value_t = 15)]
    pub umap_neighbors: usize,
    /// UMAP minimum distance between points (0–1): larger spreads clusters out.
    #[arg(long, value_name = "F", default_value_t = 0.25)]
    pub min_dist: f32,
    /// UMAP epochs [default: 500 below 10k entities, else 200].
    #[arg(long, value_name = "N")]
    pub umap_epochs: Option<usize>,
    /// t-SNE perplexity (effective number of neighbours).
    #[arg(long, value_name = "P", default_value_t = 35.0)]
    pub perplexity: f32,
    /// Seed of every random choice: the same input and seed give byte-identical files.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Map title (page title and social cards) [default: from the file name].
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// One-line description (social cards).
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub description: String,
    /// Write only the map data, not the viewer (index.html and its bundle).
    #[arg(long)]
    pub data_only: bool,
    /// No progress bars and no summary; errors only.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `starmap serve` flags.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// A folder written by `starmap build`.
    pub dir: PathBuf,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
}

/// `starmap demo` flags.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the demo site.
    #[arg(long, value_name = "DIR", default_value = "starmap-demo")]
    pub out: PathBuf,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Build only; do not serve.
    #[arg(long)]
    pub no_serve: bool,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bars and no summary.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `starmap neighbors` flags.
#[derive(Debug, Args)]
pub struct NeighborsArgs {
    /// A built map folder.
    #[arg(long, value_name = "DIR")]
    pub map: PathBuf,
    /// How many neighbours to list.
    #[arg(short, default_value_t = 10)]
    pub k: usize,
    /// An entity id, or a name (exact, else the most popular name containing it).
    pub query: String,
}

/// `starmap inspect` flags.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A built map folder.
    pub dir: PathBuf,
}

fn title_from(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = name.split('.').next().unwrap_or(&name);
    stem.replace(['_', '-'], " ")
}

impl BuildArgs {
    /// Checks ranges and combinations, and turns the flags into a [`BuildConfig`].
    pub fn validate(&self) -> Result<BuildConfig> {
        let bad = |m: String| Err(BuildError::Unusable(m));
        if !(3..=16).contains(&self.dim) {
            return bad(format!("--dim must be between 3 and 16, got {}", self.dim));
        }
        if !(1..=200).contains(&self.neighbors) {
            return bad(format!("--neighbors must be between 1 and 200, got {}", self.neighbors));
        }
        if self.min_contexts == 0 {
            return bad("--min-contexts must be at least 1".into());
        }
        if self.max_context_size < 2 {
            return bad(format!("--max-context-size must be at least 2, got {}", self.max_context_size));
        }
        if !(2..=500).contains(&self.umap_neighbors) {
            return bad(format!("--umap-neighbors must be between 2 and 500, got {}", self.umap_neighbors));
        }
        if !(self.min_dist > 0.0 && self.min_dist <= 1.0) {
            return bad(format!("--min-dist must be in (0, 1], got {}", self.min_dist));
        }
        if !(2.0..=200.0).contains(&self.perplexity) {
            return bad(format!("--perplexity must be between 2 and 200, got {}", self.perplexity));
        }
        if self.mde_iterations == 0 {
            return bad("--mde-iterations must be at least 1".into());
        }
        if self.threads == Some(0) {
            return bad("--threads must be at least 1".into());
        }
        for (flag, path) in [("--interactions", Some(&self.interactions)), ("--metadata", self.metadata.as_ref())] {
            if let Some(p) = path {
                if !p.is_file() {
                    return bad(format!("{flag} {}: no such file", p.display()));
                }
            }
        }
        let mut params = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            params.insert(k.to_string(), starmap_format::ParamValue::Text(v));
        };
        put("entity-col", self.entity_col.clone());
        put("context-col", self.context_col.clone());
        if let Some(w) = &self.weight_col {
            put("weight-col", w.clone());
            put("weight-transform", format!("{:?}", self.weight_transform).to_lowercase());
        }
        put("min-contexts", self.min_contexts.to_string());
        put("max-context-size", self.max_context_size.to_string());
        put("similarity", format!("{:?}", self.similarity).to_lowercase());
        put("neighbors", self.neighbors.to_string());
        put("dim", self.dim.to_string());
        put("init", format!("{:?}", self.init).to_lowercase());
        put("attractive", format!("{:?}", self.attractive).to_lowercase());
        put("mde-iterations", self.mde_iterations.to_string());
        put("projection", format!("{:?}", self.projection).to_lowercase());
        match self.projection {
            Projection::Umap => {
                put("umap-neighbors", self.umap_neighbors.to_string());
                put("min-dist", self.min_dist.to_string());
                if let Some(e) = self.umap_epochs {
                    put("umap-epochs", e.to_string());
                }
            }
            Projection::Tsne => put("perplexity", self.perplexity.to_string()),
        }
        put("seed", self.seed.to_string());
        let title = self.title.clone().unwrap_or_else(|| title_from(&self.interactions));
        let extra_files =
            if self.data_only { Vec::new() } else { crate::site::viewer_files(&title, &self.description)? };

        Ok(BuildConfig {
            ingest: IngestOptions {
                path: self.interactions.clone(),
                entity_col: self.entity_col.clone(),
                context_col: self.context_col.clone(),
                weight_col: self.weight_col.clone(),
                delimiter: self.delimiter,
                min_contexts: self.min_contexts,
                max_context_size: self.max_context_size,
                weight_transform: if self.weight_col.is_some() {
                    self.weight_transform
                } else {
                    WeightTransform::Binary
                },
                seed: self.seed,
            },
            metadata: self.metadata.as_ref().map(|path| MetadataOptions {
                path: path.clone(),
                id_col: self.id_col.clone().unwrap_or_else(|| self.entity_col.clone()),
                label_col: self.label_col.clone(),
                delimiter: self.delimiter,
            }),
            out: self.out.clone(),
            export_csv: self.export_csv.clone(),
            similarity: self.similarity,
            neighbors: self.neighbors,
            mde: MdeParams {
                dim: self.dim,
                attractive: self.attractive,
                repulsive_fraction: 1.0,
                max_iter: self.mde_iterations,
                init: self.init,
                seed: self.seed,
            },
            projection: self.projection,
            umap_neighbors: self.umap_neighbors,
            umap: UmapParams {
                min_dist: self.min_dist,
                epochs: self.umap_epochs.unwrap_or(0),
                seed: self.seed,
                ..UmapParams::default()
            },
            tsne: TsneParams { perplexity: self.perplexity, ..TsneParams::default() },
            seed: self.seed,
            title,
            description: self.description.clone(),
            params,
            extra_files,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> std::result::Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("starmap").chain(args.iter().copied()))
    }

    #[test]
    fn contract_flags_parse() {
        let cli = parse(&[
            "build",
            "--interactions",
            "Cargo.toml",
            "--entity-col",
            "film",
            "--context-col",
            "actor",
            "--weight-col",
            "w",
            "--metadata",
            "Cargo.toml",
            "--id-col",
            "id",
            "--label-col",
            "title",
            "--out",
            "o",
            "--export-csv",
            "e.csv",
            "--min-contexts",
            "3",
            "--neighbors",
            "10",
            "--dim",
            "5",
            "--init",
            "spectral",
            "--projection",
            "tsne",
            "--umap-neighbors",
            "50",
            "--min-dist",
            "0.3",
            "--perplexity",
            "30",
            "--seed",
            "9",
            "--threads",
            "2",
            "--quiet",
        ])
        .unwrap();
        let Command::Build(b) = cli.command else { panic!() };
        let cfg = b.validate().unwrap();
        assert_eq!((cfg.neighbors, cfg.mde.dim, cfg.seed), (10, 5, 9));
        assert_eq!(cfg.mde.init, Init::Spectral);
        assert_eq!(cfg.projection, Projection::Tsne);
        assert_eq!(cfg.params["perplexity"], starmap_format::ParamValue::Text("30".into()));
        assert!(parse(&["neighbors", "--map", "m", "-k", "5", "Heat"]).is_ok());
        assert!(parse(&["inspect", "m"]).is_ok());
        assert!(parse(&["serve", "m", "--port", "0"]).is_ok());
        assert!(parse(&["demo", "--no-serve", "--out", "d"]).is_ok());
    }

    #[test]
    fn out_of_range_values_are_explained() {
        let base = ["build", "--interactions", "Cargo.toml", "--entity-col", "a", "--context-col", "b", "--out", "o"];
        for (extra, expect) in [
            (vec!["--dim", "2"], "--dim must be between 3 and 16"),
            (vec!["--min-dist", "0"], "--min-dist"),
            (vec!["--neighbors", "0"], "--neighbors"),
            (vec!["--threads", "0"], "--threads"),
        ] {
            let args: Vec<&str> = base.iter().copied().chain(extra).collect();
            let Command::Build(b) = parse(&args).unwrap().command else { panic!() };
            let msg = b.validate().unwrap_err().to_string();
            assert!(msg.contains(expect), "{msg}");
        }
        assert!(parse(&[
            "build",
            "--interactions",
            "x",
            "--entity-col",
            "a",
            "--context-col",
            "b",
            "--out",
            "o",
            "--id-col",
            "i"
        ])
        .is_err());
    }
}
