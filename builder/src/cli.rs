//! The command line: flags parsed by clap, then turned into the stage library's typed
//! parameters ([`BuildArgs::params`]), which are checked once before any work starts (a bad
//! flag fails in milliseconds, not after the co-occurrence stage). Defaults and the names of
//! choices come from `starmap-core`, so they are written once. The flag names are a contract:
//! users, the manifest and the tests rely on them.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use starmap_core::cooc::Similarity;
use starmap_core::graph::GraphParams;
use starmap_core::ingest::{IngestParams, WeightTransform};
use starmap_core::layout::{LayoutSpec, Method};
use starmap_core::mde::{Attractive, Init, MdeParams};
use starmap_core::params::Choice;
use starmap_core::table::Delimiter;
use starmap_core::tsne::TsneParams;
use starmap_core::umap::UmapParams;
use starmap_core::{BuildParams, InputParams};

/// Exit status when the input cannot be used (a flag, a path, the data, a map, a port).
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit status when the output could not be written.
pub const EXIT_FAILED: u8 = 1;

const EXIT_STATUS_HELP: &str = "\
Exit status:
  0  done
  2  bad input, for every subcommand: a flag clap or Starmap rejects, a file or folder that is
     missing or not what was expected, data that cannot be used (the message names the file,
     line and column), a map that does not decode, a name that matches no entity or several,
     a port that is taken. Nothing is written at --out.
  1  the output could not be written (disk full, no permission)";

/// Starmap: turn "who interacted with what" into an interactive map of the entities.
#[derive(Debug, Parser)]
#[command(name = "starmap", version, about, long_about = None, max_term_width = 100, after_help = EXIT_STATUS_HELP)]
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
    /// Describe what a built map holds, and print the command that rebuilds it.
    Inspect(InspectArgs),
    /// Serve a built site on 127.0.0.1 and print its URL.
    Serve(ServeArgs),
    /// Build the films × cast demo map (shipped inside this binary) and serve it.
    Demo(DemoArgs),
    /// Write a built map folder as one self-contained HTML file (opens from disk).
    Pack(PackArgs),
}

/// A value parser offering the variants of a core choice by name, with their help.
fn choice<C: Choice + std::str::FromStr<Err = starmap_core::ParamError> + Send + Sync>(
) -> impl TypedValueParser<Value = C> {
    PossibleValuesParser::new(C::ALL.iter().map(|c| PossibleValue::new(c.name()).help(c.help())))
        .try_map(|s| s.parse::<C>())
}

fn threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("expected a number of threads, at least 1, got {s:?}")),
    }
}

/// `starmap build` flags, as typed.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Interactions: CSV or TSV (by extension or --delimiter), optionally gzip-compressed, with a header row.
    #[arg(long, value_name = "FILE", required_unless_present = "graph", conflicts_with = "graph")]
    pub interactions: Option<PathBuf>,
    /// Instead of --interactions: a co-occurrence graph folder, as --export-graph or the Spark job
    /// (distributed/spark/) writes it: entities/*.parquet (id, popularity) and edges/*.parquet
    /// (source, target, weight: each entity's top k). The build goes on from the co-occurrence
    /// stage; --min-contexts, --max-context-size and --weight-transform do not apply, --similarity
    /// says what the weights are. The rows should hold max(--neighbors, 10, 3 × --perplexity)
    /// entities (90 by default).
    #[arg(long, value_name = "DIR")]
    pub graph: Option<PathBuf>,
    /// Column of the entities to map (films, artists…) [with --graph: the name of the map's ids,
    /// default `id`].
    #[arg(long, value_name = "NAME", required_unless_present = "graph")]
    pub entity_col: Option<String>,
    /// Column of the contexts that group entities (actors, listeners…).
    #[arg(long, value_name = "NAME", required_unless_present = "graph", conflicts_with = "graph")]
    pub context_col: Option<String>,
    /// Column of interaction weights (play counts, ratings…); default weight 1.
    #[arg(long, value_name = "NAME", conflicts_with = "graph")]
    pub weight_col: Option<String>,
    /// Metadata: one row per entity, any columns (numeric, categorical, lists and text are detected).
    #[arg(long, value_name = "FILE")]
    pub metadata: Option<PathBuf>,
    /// Id column of the metadata [default: the --entity-col name].
    #[arg(long, value_name = "NAME", requires = "metadata")]
    pub id_col: Option<String>,
    /// Metadata column shown as each entity's name [default: the ids when they read as names
    /// (not codes such as "tt0031381"), else the first text column, else the ids].
    #[arg(long, value_name = "NAME", requires = "metadata")]
    pub label_col: Option<String>,
    /// Output folder for the map (replaced atomically if it already holds a map).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also write id,x,y,NAME_x,NAME_y,…,cluster,cluster_name,d0,d1,… to this CSV file: the first
    /// layout, every layout by its name, the coarsest cluster (index and name; with clusters
    /// only), then the high-dimensional coordinates.
    #[arg(long, value_name = "FILE")]
    pub export_csv: Option<PathBuf>,
    /// Also write the co-occurrence stage's table (every kept entity, each one's top k) to this
    /// folder in the --graph format: entities/part-0.parquet, edges/part-0.parquet.
    #[arg(long, value_name = "DIR")]
    pub export_graph: Option<PathBuf>,
    /// Field delimiter of the input files: one character, or `tab` [default: tab for .tsv, .tab, .dat, else comma].
    #[arg(long, value_name = "CHAR", value_parser = |s: &str| s.parse::<Delimiter>())]
    pub delimiter: Option<Delimiter>,
    /// Drop entities seen in fewer contexts than this.
    #[arg(long, value_name = "N", default_value_t = IngestParams::default().min_contexts)]
    pub min_contexts: u32,
    /// Contexts holding more entities than this are sampled down to it (deterministically, by --seed).
    #[arg(long, value_name = "N", default_value_t = IngestParams::default().max_context_size)]
    pub max_context_size: usize,
    /// How interaction weights enter the co-occurrence (with --weight-col).
    #[arg(long, value_name = "HOW", value_parser = choice::<WeightTransform>(), default_value_t = IngestParams::default().weight_transform)]
    pub weight_transform: WeightTransform,
    /// Popularity correction of the co-occurrence.
    #[arg(long, value_name = "HOW", value_parser = choice::<Similarity>(), default_value_t = GraphParams::default().similarity)]
    pub similarity: Similarity,
    /// Neighbours kept per entity in the relationship graph (1–200).
    #[arg(long, value_name = "K", default_value_t = GraphParams::default().neighbors)]
    pub neighbors: usize,
    /// Dimensions of the minimum-distortion embedding (3–16).
    #[arg(long, value_name = "D", default_value_t = MdeParams::default().dim)]
    pub dim: usize,
    /// Initialisation of the embedding.
    #[arg(long, value_name = "HOW", value_parser = choice::<Init>(), default_value_t = MdeParams::default().init)]
    pub init: Init,
    /// Attractive penalty of the embedding.
    #[arg(long, value_name = "HOW", value_parser = choice::<Attractive>(), default_value_t = MdeParams::default().attractive)]
    pub attractive: Attractive,
    /// Iteration limit of the embedding's L-BFGS.
    #[arg(long, value_name = "N", default_value_t = MdeParams::default().max_iter)]
    pub mde_iterations: usize,
    /// A 2D layout of the map; repeat for several, the first is drawn first. SPEC is `umap` or
    /// `tsne`, optionally followed by `:KEY=VALUE,…`: for umap `min-dist`, `neighbors`, `epochs`,
    /// for tsne `perplexity`, `exaggeration` (each defaults to its flag below: --min-dist,
    /// --umap-neighbors, --umap-epochs, --perplexity, --exaggeration), and for both `name`
    /// (letters, digits, `_ - .`; default: the spec, `:` and `,` as `_`, without `-` and `=`).
    /// Example: --layout tsne --layout umap:min-dist=0.05,neighbors=30,name=tight --layout
    /// tsne:exaggeration=1.5 [default: tsne:exaggeration=1.5,name=structure and
    /// tsne:name=neighbors; umap alone on maps of more than 100000 entities or fewer than 91]
    #[arg(long = "layout", value_name = "SPEC", value_parser = |s: &str| s.parse::<LayoutSpec>())]
    pub layouts: Vec<LayoutSpec>,
    /// One layout made with the flags below: --projection umap is --layout umap.
    #[arg(long, value_name = "HOW", value_parser = choice::<Method>(), conflicts_with = "layouts")]
    pub projection: Option<Method>,
    /// A categorical or list metadata column (the first item of lists): each layout's quality
    /// then includes the share of entities whose 10 nearest 2D neighbours mostly share its value.
    #[arg(long, value_name = "NAME", requires = "metadata")]
    pub quality_label: Option<String>,
    /// UMAP neighbourhood size (2–500): larger keeps more global structure.
    #[arg(long, value_name = "N", default_value_t = UmapParams::default().neighbors)]
    pub umap_neighbors: usize,
    /// UMAP minimum distance between points, in (0, 1]: larger spreads clusters out.
    #[arg(long, value_name = "F", default_value_t = UmapParams::default().min_dist)]
    pub min_dist: f32,
    /// UMAP epochs [default: 500 below 10k entities, else 200].
    #[arg(long, value_name = "N")]
    pub umap_epochs: Option<usize>,
    /// t-SNE perplexity (effective number of neighbours, 2–200).
    #[arg(long, value_name = "P", default_value_t = TsneParams::default().perplexity)]
    pub perplexity: f32,
    /// t-SNE attraction after the early phase (1–4): 1 keeps neighbourhoods best, 1.5 keeps
    /// more of the large-scale arrangement (docs/CHOICES.md).
    #[arg(long, value_name = "X", default_value_t = TsneParams::default().exaggeration)]
    pub exaggeration: f32,
    /// Make no clusters. By default a build finds communities of the relationship graph in 1–3
    /// nested levels (Leiden), names each by the metadata values over-represented in it (else by
    /// its most popular members) and writes them to clusters.bin, for the viewer's region names.
    #[arg(long)]
    pub no_clusters: bool,
    /// Seed of every random choice: the same input and seed give byte-identical files.
    #[arg(long, value_name = "N", default_value_t = BuildParams::DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = threads)]
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
    /// Also write the whole map as one self-contained HTML file (viewer and data inlined): it
    /// opens from disk, as an e-mail attachment or from a host that takes a single file.
    #[arg(long, value_name = "FILE.html", conflicts_with = "data_only")]
    pub single_file: Option<PathBuf>,
    /// No progress bars and no summary; errors only.
    #[arg(long, short)]
    pub quiet: bool,
}

impl BuildArgs {
    /// The flags as the stage library's parameters (not yet checked).
    pub fn params(&self) -> BuildParams {
        let mut input = match &self.graph {
            Some(dir) => {
                let mut input = InputParams::graph(dir);
                if let Some(name) = &self.entity_col {
                    input.entity_col.clone_from(name);
                }
                input
            }
            // Without --graph clap requires these three; empty ones are refused by the checks.
            None => InputParams::new(
                self.interactions.clone().unwrap_or_default(),
                self.entity_col.as_deref().unwrap_or_default(),
                self.context_col.as_deref().unwrap_or_default(),
            ),
        };
        input.weight_col.clone_from(&self.weight_col);
        input.metadata.clone_from(&self.metadata);
        input.id_col.clone_from(&self.id_col);
        input.label_col.clone_from(&self.label_col);
        input.delimiter = self.delimiter;
        BuildParams {
            input,
            ingest: IngestParams {
                min_contexts: self.min_contexts,
                max_context_size: self.max_context_size,
                weight_transform: self.weight_transform,
            },
            graph: GraphParams { similarity: self.similarity, neighbors: self.neighbors },
            mde: MdeParams {
                dim: self.dim,
                init: self.init,
                attractive: self.attractive,
                max_iter: self.mde_iterations,
            },
            layouts: match self.projection {
                Some(method) => vec![LayoutSpec::new(method)],
                None => self.layouts.clone(),
            },
            umap: UmapParams { neighbors: self.umap_neighbors, min_dist: self.min_dist, epochs: self.umap_epochs },
            tsne: TsneParams { perplexity: self.perplexity, exaggeration: self.exaggeration },
            quality_label: self.quality_label.clone(),
            no_clusters: self.no_clusters,
            seed: self.seed,
            data_only: self.data_only,
        }
    }
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
    /// Also write the demo as one self-contained HTML file.
    #[arg(long, value_name = "FILE.html")]
    pub single_file: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N", value_parser = threads)]
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
    /// An entity id, or a name matched as the viewer's search does (case and accents ignored,
    /// prefix before word start before anywhere); a name several entities match lists them.
    pub query: String,
}

/// `starmap inspect` flags.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A built map folder.
    pub dir: PathBuf,
}

/// `starmap pack` flags.
#[derive(Debug, Args)]
pub struct PackArgs {
    /// A built map folder.
    pub dir: PathBuf,
    /// The HTML file to write.
    #[arg(long, value_name = "FILE.html")]
    pub out: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use starmap_core::Params;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("starmap").chain(args.iter().copied()))
    }

    fn build_args(args: &[&str]) -> BuildArgs {
        match parse(args).unwrap().command {
            Command::Build(b) => *b,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn contract_flags_parse() {
        let b = build_args(&[
            "build",
            "--interactions",
            "i.csv",
            "--entity-col",
            "film",
            "--context-col",
            "actor",
            "--weight-col",
            "w",
            "--metadata",
            "m.csv",
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
            "--similarity",
            "cosine-damped",
            "--seed",
            "9",
            "--threads",
            "2",
            "--delimiter",
            "tab",
            "--no-clusters",
            "--quiet",
        ]);
        let p = b.params().validate().unwrap();
        assert_eq!((p.graph.neighbors, p.mde.dim, p.seed), (10, 5, 9));
        assert_eq!((p.mde.init, p.layouts.clone()), (Init::Spectral, vec![LayoutSpec::new(Method::Tsne)]));
        assert_eq!(p.graph.similarity, Similarity::CosineDamped);
        assert_eq!(p.input.delimiter, Some("tab".parse().unwrap()));
        assert_eq!(p.input.id_col(), "id");
        assert!(p.no_clusters);
        let recorded = p.to_manifest().unwrap();
        assert_eq!(recorded["perplexity"], starmap_format::ParamValue::Float(30.0));
        assert_eq!(recorded["similarity"], starmap_format::ParamValue::Text("cosine-damped".into()));
        assert!(parse(&["neighbors", "--map", "m", "-k", "5", "Heat"]).is_ok());
        assert!(parse(&["inspect", "m"]).is_ok());
        assert!(parse(&["serve", "m", "--port", "0"]).is_ok());
        assert!(parse(&["demo", "--no-serve", "--out", "d"]).is_ok());
    }

    #[test]
    fn defaults_are_the_libraries_defaults() {
        let b =
            build_args(&["build", "--interactions", "i.csv", "--entity-col", "a", "--context-col", "b", "--out", "o"]);
        assert_eq!(b.params(), BuildParams::new(InputParams::new("i.csv", "a", "b")));
    }

    #[test]
    fn out_of_range_values_are_explained() {
        let base = ["build", "--interactions", "i.csv", "--entity-col", "a", "--context-col", "b", "--out", "o"];
        for (extra, expect) in [
            (vec!["--dim", "2"], "--dim must be between 3 and 16"),
            (vec!["--min-dist", "0"], "--min-dist"),
            (vec!["--neighbors", "0"], "--neighbors"),
            (vec!["--umap-epochs", "0"], "--umap-epochs"),
        ] {
            let args: Vec<&str> = base.iter().copied().chain(extra).collect();
            let msg = build_args(&args).params().validate().unwrap_err().to_string();
            assert!(msg.contains(expect), "{msg}");
        }
        let with = |extra: &[&str]| parse(&base.iter().copied().chain(extra.iter().copied()).collect::<Vec<_>>());
        let err = with(&["--similarity", "cosinedamped"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("cosine-damped"), "{err}");
        assert!(with(&["--threads", "0"]).unwrap_err().to_string().contains("at least 1"));
        assert!(with(&["--id-col", "i"]).is_err(), "--id-col needs --metadata");
        assert!(with(&["--quality-label", "genre"]).is_err(), "--quality-label needs --metadata");
    }

    #[test]
    fn layouts_repeat_and_projection_is_a_shorthand_for_one() {
        let base = ["build", "--interactions", "i.csv", "--entity-col", "a", "--context-col", "b", "--out", "o"];
        let with = |extra: &[&str]| parse(&base.iter().copied().chain(extra.iter().copied()).collect::<Vec<_>>());
        let Command::Build(b) = with(&[
            "--layout",
            "umap",
            "--layout",
            "umap:min-dist=0.05,neighbors=30",
            "--layout",
            "tsne:perplexity=50,name=t50",
            "--min-dist",
            "0.1",
        ])
        .unwrap()
        .command
        else {
            panic!()
        };
        let p = b.params().validate().unwrap();
        let (layouts, left_out) = p.plan_layouts(1_000_000).unwrap();
        assert!(left_out.is_empty(), "layouts given are all made");
        let names: Vec<&str> = layouts.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["umap", "umap_mindist0.05_neighbors30", "t50"]);
        assert_eq!(layouts[1].spec, "umap:min-dist=0.05,neighbors=30");
        // Keys a spec leaves out come from the flags.
        assert!(matches!(*layouts[0].params, starmap_core::layout::LayoutParams::Umap(u) if u.min_dist == 0.1));
        let Command::Build(b) = with(&["--projection", "tsne"]).unwrap().command else { panic!() };
        assert_eq!(b.params().layouts, vec![LayoutSpec::new(Method::Tsne)]);

        let err = with(&["--projection", "umap", "--layout", "tsne"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("cannot be used with"), "{err}");
        let err = with(&["--layout", "umap:perplexity=3"]).unwrap_err().to_string();
        assert!(err.contains("umap:perplexity=3") && err.contains("min-dist, neighbors, epochs, name"), "{err}");
        let Command::Build(b) = with(&["--layout", "umap", "--layout", "umap"]).unwrap().command else { panic!() };
        let err = b.params().validate().unwrap_err().to_string();
        assert!(err.contains("both named \"umap\"") && err.contains("--layout umap:name=umap2"), "{err}");
    }

    #[test]
    fn help_states_the_default_layouts() {
        use clap::CommandFactory;
        let mut cli = Cli::command();
        let build = cli.find_subcommand_mut("build").unwrap();
        let help = build.render_long_help().to_string().split_whitespace().collect::<Vec<_>>().join(" ");
        let limit = starmap_core::layout::TSNE_DEFAULT_MAX_ENTITIES.to_string();
        assert!(help.contains(&format!("umap alone on maps of more than {limit} entities")), "{help}");
    }
}
