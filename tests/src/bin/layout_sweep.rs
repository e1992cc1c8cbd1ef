//! Layout sweep: builds candidate 2D layouts of one interactions file with fixed seeds, times
//! each, writes each as `id,x,y`, and (with `--eval`) judges each with the shared Python
//! evaluator (`eval_layout.py --global`), so our figures and the yardsticks' come from one judge.
//!
//! ```text
//! cargo build --release -p starmap-tests
//! target/release/layout_sweep --interactions F --entity-col E --context-col C [--weight-col W]
//!     --out DIR [--eval ../shared/bench/eval_layout.py] [--python python3]
//!     [--labels FILE ID_COL LABEL_COL] [--seed 0] [--layouts SPEC;SPEC;…]
//! target/release/layout_sweep --planted ENTITIES:INTERACTIONS --out DIR [--layouts …]
//! ```
//! `--planted` first writes the builder benchmark's planted-cluster data (seed 1, as
//! `bench_builder` makes it) into DIR and sweeps that (columns `entity`, `context`).
//! A layout SPEC is `KIND[:key=value,…]`. Kinds and keys:
//! - `umap-mde`: UMAP on the k-NN of the MDE embedding (the builder's default until this sweep).
//! - `umap-cosine`: UMAP on the co-occurrence stage's cosine top-k directly.
//! - `tsne-mde`: t-SNE on the k-NN of the MDE embedding.
//! - `tsne-cosine`: t-SNE on the cosine top-(3 × perplexity) directly.
//! - `mde-pca`: the MDE embedding's first two principal components (no 2D optimisation).
//!
//! Keys: `neighbors`, `min-dist`, `epochs` (UMAP), `perplexity`, `exaggeration`, `iterations`
//! (t-SNE), `init` = `mde` (the MDE embedding's principal components, the default) or `random`.
//! The evaluator needs plain files: pass an uncompressed interactions file.
//!
//! Shared stages (ingest, co-occurrence, graph, MDE) run once, as the builder runs them with its
//! defaults; each layout's time covers only what that layout adds (its k-NN, affinities or fuzzy
//! graph, and its optimisation). Prints one Markdown row per layout.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use starmap_core::build_params::{BuildParams, InputParams};
use starmap_core::cooc;
use starmap_core::graph;
use starmap_core::ingest::{self, Columns};
use starmap_core::input::FileSystem;
use starmap_core::knn;
use starmap_core::mde::{self, Embedding};
use starmap_core::neighbors::NeighborTable;
use starmap_core::params::Params;
use starmap_core::progress::NoProgress;
use starmap_core::spectral;
use starmap_core::table::{Dialect, TableReader};
use starmap_core::tsne::{self, TsneSchedule};
use starmap_core::umap::{self, UmapParams};
use starmap_tests::planted::{write_planted, PlantedConfig};

const DEFAULT_LAYOUTS: &str = "umap-mde;umap-cosine;tsne-mde;tsne-cosine;tsne-cosine:init=random;mde-pca";

struct Options {
    interactions: PathBuf,
    entity_col: String,
    context_col: String,
    weight_col: Option<String>,
    out: PathBuf,
    eval: Option<PathBuf>,
    python: String,
    labels: Option<[String; 3]>,
    seed: u64,
    layouts: String,
}

fn parse_args() -> Result<Options, String> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--planted") {
        let spec = args.get(i + 1).cloned().ok_or("--planted takes ENTITIES:INTERACTIONS")?;
        let (e, n) = spec
            .split_once(':')
            .and_then(|(e, n)| Some((e.parse::<usize>().ok()?, n.parse::<usize>().ok()?)))
            .ok_or_else(|| format!("--planted {spec}: expected ENTITIES:INTERACTIONS"))?;
        let out = args.iter().position(|a| a == "--out").and_then(|j| args.get(j + 1)).ok_or("--out is required")?;
        std::fs::create_dir_all(out).map_err(|err| format!("{out}: {err}"))?;
        let path = Path::new(out).join(format!("planted-{e}-{n}.csv"));
        if !path.is_file() {
            eprintln!("generating {}", path.display());
            write_planted(&PlantedConfig::sized(e, n, 1), &path).map_err(|err| format!("{}: {err}", path.display()))?;
        }
        let path = path.to_str().ok_or("the --out path is not UTF-8")?.to_string();
        args.extend(["--interactions", &path, "--entity-col", "entity", "--context-col", "context"].map(String::from));
    }
    let get = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1).cloned());
    let need = |flag: &str| get(flag).ok_or_else(|| format!("{flag} is required"));
    let labels = match args.iter().position(|a| a == "--labels") {
        Some(i) if i + 3 < args.len() => Some([args[i + 1].clone(), args[i + 2].clone(), args[i + 3].clone()]),
        Some(_) => return Err("--labels takes FILE ID_COL LABEL_COL".into()),
        None => None,
    };
    Ok(Options {
        interactions: need("--interactions")?.into(),
        entity_col: need("--entity-col")?,
        context_col: need("--context-col")?,
        weight_col: get("--weight-col"),
        out: need("--out")?.into(),
        eval: get("--eval").map(PathBuf::from),
        python: get("--python").unwrap_or_else(|| "python3".into()),
        labels,
        seed: get("--seed").map(|s| s.parse().map_err(|e| format!("--seed {s}: {e}"))).transpose()?.unwrap_or(0),
        layouts: get("--layouts").unwrap_or_else(|| DEFAULT_LAYOUTS.into()),
    })
}

/// What every candidate shares: the builder's stages up to the embedding, in entity order.
struct Shared {
    ids: Vec<String>,
    /// Cosine top-k (similarities, strongest first), k wide enough for every candidate.
    top: NeighborTable,
    embedding: Embedding,
    stage_secs: BTreeMap<&'static str, f64>,
}

fn prepare(o: &Options, top_k: usize) -> Result<Shared, String> {
    let mut input = InputParams::new(&o.interactions, &o.entity_col, &o.context_col);
    input.weight_col = o.weight_col.clone();
    let mut params = BuildParams::new(input);
    params.seed = o.seed;
    let params = params.validate().map_err(|e| e.to_string())?;
    let mut secs = BTreeMap::new();
    let clock = Instant::now();
    let path = &params.input.interactions;
    let table = TableReader::open(&FileSystem, path, Dialect::for_path(path, None), false, &NoProgress)
        .map_err(|e| e.to_string())?;
    let columns = Columns { entity: &o.entity_col, context: &o.context_col, weight: o.weight_col.as_deref() };
    let inter = ingest::ingest(starmap_core::rows::AnyRows::Csv(table), columns, &params.ingest(), params.seed)
        .map_err(|e| e.to_string())?;
    secs.insert("ingest", clock.elapsed().as_secs_f64());

    let graph_params = params.graph();
    let clock = Instant::now();
    // The builder's own width (graph k, quality 10), timed for the comparison with the wide one.
    let narrow = graph_params.neighbors.max(10);
    drop(cooc::top_similar(&inter, narrow, graph_params.similarity, &NoProgress));
    secs.insert("cooc_k10", clock.elapsed().as_secs_f64());
    let clock = Instant::now();
    let top = cooc::top_similar(&inter, top_k.max(narrow), graph_params.similarity, &NoProgress);
    secs.insert("cooc_wide", clock.elapsed().as_secs_f64());
    let connected: Vec<usize> = (0..inter.n_entities()).filter(|&i| top.degree(i) > 0).collect();
    let top = top.select_rows(&connected);
    let ids: Vec<String> = connected.iter().map(|&i| inter.entity_ids[i].clone()).collect();
    drop(inter);

    let clock = Instant::now();
    let g = graph::knn_graph(&top, graph_params.neighbors);
    let perm = g.adjacency().breadth_first_order();
    let g = g.permuted(&perm);
    let (emb, _) = mde::embed(&g, &params.mde(), params.seed, &NoProgress);
    let embedding = Embedding { dim: emb.dim, coords: perm.to_old(&emb.coords, emb.dim) };
    secs.insert("graph_mde", clock.elapsed().as_secs_f64());
    Ok(Shared { ids, top, embedding, stage_secs: secs })
}

/// One candidate: a kind and its settings.
struct Spec {
    text: String,
    kind: String,
    keys: BTreeMap<String, String>,
}

impl Spec {
    fn parse(text: &str) -> Result<Self, String> {
        let (kind, rest) = text.split_once(':').unwrap_or((text, ""));
        let mut keys = BTreeMap::new();
        for kv in rest.split(',').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').ok_or_else(|| format!("{text}: {kv:?} is not key=value"))?;
            keys.insert(k.to_string(), v.to_string());
        }
        Ok(Spec { text: text.to_string(), kind: kind.to_string(), keys })
    }

    fn num<T: std::str::FromStr>(&self, key: &str, default: T) -> Result<T, String> {
        match self.keys.get(key) {
            Some(v) => v.parse().map_err(|_| format!("{}: {key}={v} is not a number", self.text)),
            None => Ok(default),
        }
    }

    /// The widest cosine table this candidate reads.
    fn cosine_k(&self) -> Result<usize, String> {
        Ok(match self.kind.as_str() {
            "umap-cosine" => self.num("neighbors", 15)?,
            "tsne-cosine" => (3.0 * self.num("perplexity", 30.0f32)?).ceil() as usize,
            _ => 0,
        })
    }
}

/// A start layout: the embedding's principal components (t-SNE scale or UMAP scale), or
/// seeded uniform noise.
fn start(spec: &Spec, emb: &Embedding, seed: u64, for_tsne: bool) -> Result<Vec<f64>, String> {
    let n = emb.n();
    match spec.keys.get("init").map(String::as_str).unwrap_or("mde") {
        "mde" if for_tsne => Ok(tsne::initial_layout(emb)),
        "mde" => Ok(spectral::pca(&emb.coords, emb.dim, 2)),
        "random" => {
            let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x73_7765_6570);
            let scale = if for_tsne { 1e-4 } else { 10.0 };
            Ok((0..2 * n).map(|_| rng.random_range(-1.0f64..1.0) * scale).collect())
        }
        other => Err(format!("{}: init={other}: expected mde or random", spec.text)),
    }
}

fn layout(spec: &Spec, s: &Shared, seed: u64) -> Result<Vec<f32>, String> {
    let emb = &s.embedding;
    let umap_params = || {
        UmapParams {
            neighbors: spec.num("neighbors", 15)?,
            min_dist: spec.num("min-dist", 0.25)?,
            epochs: spec.keys.get("epochs").map(|e| e.parse().map_err(|_| format!("epochs={e}"))).transpose()?,
        }
        .validate()
        .map_err(|e| e.to_string())
    };
    let schedule = || -> Result<TsneSchedule, String> {
        let d = TsneSchedule::default();
        Ok(TsneSchedule {
            iterations: spec.num("iterations", d.iterations)?,
            exaggeration: spec.num("exaggeration", d.exaggeration)?,
            theta: spec.num("theta", d.theta)?,
        })
    };
    let perplexity: f32 = spec.num("perplexity", 30.0)?;
    match spec.kind.as_str() {
        "umap-mde" | "umap-cosine" => {
            let params = umap_params()?;
            let table = if spec.kind == "umap-mde" {
                knn::knn(&emb.coords, emb.dim, params.neighbors, &NoProgress)
            } else {
                cooc::cosine_distances(&s.top, params.neighbors)
            };
            let graph = umap::fuzzy_graph(&table);
            let mut init = start(spec, emb, seed, false)?;
            let mut y = umap::scale_init(&mut init, seed);
            umap::optimize(&graph, &mut y, &params, seed, &NoProgress);
            Ok(y)
        }
        "tsne-mde" | "tsne-cosine" => {
            let k = (3.0 * perplexity).ceil() as usize;
            let p = if spec.kind == "tsne-mde" {
                tsne::affinities_from_distances(&knn::knn(&emb.coords, emb.dim, k, &NoProgress), perplexity)
            } else {
                tsne::affinities_from_similarities(&s.top.truncated(k), perplexity)
            };
            Ok(tsne::optimize(&p, &start(spec, emb, seed, true)?, &schedule()?, &NoProgress))
        }
        "mde-pca" => Ok(spectral::pca(&emb.coords, emb.dim, 2).iter().map(|&v| v as f32).collect()),
        other => Err(format!("unknown layout kind {other:?}")),
    }
}

fn write_layout(path: &Path, ids: &[String], y: &[f32]) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    writeln!(w, "id,x,y").map_err(fail)?;
    for (i, id) in ids.iter().enumerate() {
        // Ids with commas or quotes are quoted, as CSV wants.
        let field = if id.contains([',', '"', '\n']) { format!("\"{}\"", id.replace('"', "\"\"")) } else { id.clone() };
        writeln!(w, "{field},{},{}", y[2 * i], y[2 * i + 1]).map_err(fail)?;
    }
    w.flush().map_err(fail)
}

fn evaluate(o: &Options, script: &Path, layout: &Path) -> Result<serde_json::Value, String> {
    let mut cmd = Command::new(&o.python);
    cmd.arg(script).arg(&o.interactions).arg(&o.entity_col).arg(&o.context_col).arg(layout).arg("--global");
    if let Some(l) = &o.labels {
        cmd.arg("--labels").args(l);
    }
    let out = cmd.output().map_err(|e| format!("{}: {e}", o.python))?;
    if !out.status.success() {
        return Err(format!("evaluator failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.lines().last().unwrap_or("")).map_err(|e| format!("evaluator output {text:?}: {e}"))
}

fn run(o: &Options) -> Result<(), String> {
    let specs: Vec<Spec> = o.layouts.split(';').filter(|s| !s.is_empty()).map(Spec::parse).collect::<Result<_, _>>()?;
    let top_k = specs.iter().map(Spec::cosine_k).collect::<Result<Vec<_>, _>>()?.into_iter().max().unwrap_or(0);
    std::fs::create_dir_all(&o.out).map_err(|e| format!("{}: {e}", o.out.display()))?;
    let threads = rayon::current_num_threads();
    eprintln!("preparing {} (cosine top-{top_k}, {threads} threads)", o.interactions.display());
    let shared = prepare(o, top_k)?;
    let stages: Vec<String> = shared.stage_secs.iter().map(|(k, v)| format!("{k} {v:.1} s")).collect();
    println!("{} entities placed; shared stages: {}", shared.ids.len(), stages.join(", "));
    println!("| layout | kNN recall@10 | label agreement | global Spearman | layout time |");
    println!("|---|---|---|---|---|");
    for spec in &specs {
        let clock = Instant::now();
        let y = layout(spec, &shared, o.seed)?;
        let secs = clock.elapsed().as_secs_f64();
        let file = o.out.join(format!("{}.csv", spec.text.replace([':', ',', '=', ';', '/'], "_")));
        write_layout(&file, &shared.ids, &y)?;
        let figures = match &o.eval {
            Some(script) => {
                let v = evaluate(o, script, &file)?;
                let f = |k: &str| v.get(k).and_then(|x| x.as_f64()).map_or("–".to_string(), |x| format!("{x:.3}"));
                format!("{} | {} | {}", f("knn_recall10"), f("label_knn_acc"), f("global_spearman"))
            }
            None => "– | – | –".to_string(),
        };
        println!("| {} | {figures} | {secs:.1} s |", spec.text);
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(|o| run(&o)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("layout_sweep: {e}");
            ExitCode::FAILURE
        }
    }
}
