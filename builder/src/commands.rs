//! What each subcommand does once its flags are validated: run the build and print its
//! summary, answer a neighbour query, or describe a map.

use std::fmt::Write as _;
use std::path::Path;

use starmap_format::read::{self, Map, ReadError};
use starmap_format::{ColumnKind, FILE_MANIFEST};

use crate::cli::{BuildArgs, Cli, Command, DemoArgs, InspectArgs, NeighborsArgs, ServeArgs};
use crate::error::{BuildError, Result};
use crate::pipeline::{self, BuildOutcome};
use crate::progress::Progress;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Build(args) => run_build(&args),
        Command::Neighbors(args) => run_neighbors(&args),
        Command::Inspect(args) => run_inspect(&args),
        Command::Serve(args) => run_serve(&args),
        Command::Demo(args) => run_demo(&args),
    }
}

fn run_serve(args: &ServeArgs) -> Result<()> {
    crate::serve::serve(&args.dir, args.port, |url| {
        println!("Serving {} at {url} (Ctrl-C to stop)", args.dir.display());
    })
}

/// The films × cast demo (Wikidata, CC0), shipped inside the binary so `starmap demo` works
/// from anywhere.
const DEMO_CAST: &[u8] = include_bytes!("../demo/films/film_cast.csv.gz");
const DEMO_FILMS: &[u8] = include_bytes!("../demo/films/films.csv.gz");

fn run_demo(args: &DemoArgs) -> Result<()> {
    let tmp = std::env::temp_dir().join(format!("starmap-demo-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| BuildError::io(&tmp, e))?;
    let cast = tmp.join("film_cast.csv.gz");
    let films = tmp.join("films.csv.gz");
    let written = std::fs::write(&cast, DEMO_CAST).and_then(|_| std::fs::write(&films, DEMO_FILMS));
    let mut argv: Vec<String> = [
        "starmap",
        "build",
        "--interactions",
        &cast.to_string_lossy(),
        "--entity-col",
        "imdb_id",
        "--context-col",
        "actor",
        "--metadata",
        &films.to_string_lossy(),
        "--label-col",
        "title",
        "--out",
        &args.out.to_string_lossy(),
        "--title",
        "Films × cast",
        "--description",
        "17,000 films placed by their shared actors (Wikidata, CC0). Built with Starmap.",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(t) = args.threads {
        argv.extend(["--threads".to_string(), t.to_string()]);
    }
    if args.quiet {
        argv.push("--quiet".into());
    }
    let result = written.map_err(|e| BuildError::io(&tmp, e)).and_then(|_| {
        let cli = <Cli as clap::Parser>::try_parse_from(&argv)
            .map_err(|e| BuildError::Unusable(format!("demo flags: {e}")))?;
        match cli.command {
            Command::Build(b) => run_build(&b),
            _ => unreachable!("the demo always builds"),
        }
    });
    let _ = std::fs::remove_dir_all(&tmp);
    result?;
    if args.no_serve {
        return Ok(());
    }
    run_serve(&ServeArgs { dir: args.out.clone(), port: args.port })
}

fn set_threads(threads: Option<usize>) {
    if let Some(n) = threads {
        // Fails only if a pool already exists (a second build in one process): keep that one.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
}

fn run_build(args: &BuildArgs) -> Result<()> {
    let cfg = args.validate()?;
    set_threads(args.threads);
    let progress = Progress::new(args.quiet);
    let outcome = pipeline::build(&cfg, &progress)?;
    if !args.quiet {
        for w in &outcome.warnings {
            eprintln!("warning: {w}");
        }
        eprint!("{}", summary(&outcome));
        println!("wrote {}", cfg.out.display());
        if !args.data_only {
            println!("look at it:   starmap serve {}", cfg.out.display());
            println!("embed it (host the folder, then point src at it):");
            println!("  {}", crate::site::iframe_snippet(&crate::site::example_url(&cfg.out), &cfg.title));
        }
    }
    Ok(())
}

fn human_bytes(b: u64) -> String {
    match b {
        b if b >= 1 << 30 => format!("{:.2} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

/// The closing summary: counts, time per stage, peak memory, quality.
pub fn summary(outcome: &BuildOutcome) -> String {
    let m = &outcome.manifest;
    let b = &m.build;
    let c = |k: &str| b.counts.get(k).copied().unwrap_or(0);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n{} interactions, {} entities ({} below --min-contexts, {} sharing no context) -> {} placed, {} contexts",
        c("interactions_read"),
        c("entities_seen"),
        c("entities_below_min_contexts"),
        c("entities_isolated"),
        m.entity_count,
        c("contexts"),
    );
    if b.counts.contains_key("metadata_rows") {
        let _ = writeln!(
            s,
            "metadata: {} rows, {} columns; {} ids not on the map (ignored), {} entities without metadata",
            c("metadata_rows"),
            m.columns.len(),
            c("metadata_ids_not_placed"),
            c("entities_without_metadata"),
        );
    }
    let _ = writeln!(
        s,
        "graph: {} edges; embedding: {} iterations{}, distortion {:.4}",
        c("graph_edges"),
        outcome.mde.iterations,
        if outcome.mde.converged { " (converged)" } else { "" },
        outcome.mde.distortion
    );
    let mut total = outcome.write_secs;
    let mut stages = Vec::new();
    for (name, secs) in &b.timings_secs {
        total += secs;
        stages.push(format!("{name} {secs:.2}s"));
    }
    stages.push(format!("write {:.2}s", outcome.write_secs));
    let _ = writeln!(s, "time: {total:.2}s ({})", stages.join(", "));
    let _ = writeln!(s, "peak memory: {}", human_bytes(b.peak_memory_bytes));
    let q = &b.quality;
    let _ = writeln!(
        s,
        "quality: kNN recall@10 {:.3} (random layout {:.4}), trustworthiness {:.3} (sample of {})",
        q.knn_recall_at_10, q.knn_recall_at_10_random, q.trustworthiness, q.sample_size
    );
    s
}

fn read(dir: &Path, name: &str) -> Result<Vec<u8>> {
    let path = dir.join(name);
    std::fs::read(&path).map_err(|e| BuildError::io(&path, e))
}

/// Reads a built map through the format's one decoder: every listed file, every check.
fn load(dir: &Path) -> Result<Map> {
    let map_err = |source: ReadError| BuildError::MapRead { dir: dir.to_path_buf(), source };
    let manifest = read::parse_manifest(&read(dir, FILE_MANIFEST)?).map_err(map_err)?;
    let mut files = std::collections::BTreeMap::new();
    for f in &manifest.files {
        files.insert(f.name.clone(), read(dir, &f.name)?);
    }
    Map::decode(manifest, |name| {
        files.remove(name).ok_or_else(|| ReadError::Format {
            file: name.to_string(),
            error: starmap_format::FormatError::MissingSection(format!("{name} is not listed in the manifest")),
        })
    })
    .map_err(map_err)
}

fn display_name(map: &Map, i: usize) -> String {
    match &map.labels.label {
        Some(l) if !l.get(i).is_empty() => format!("{} ({})", l.get(i), map.labels.ids.get(i)),
        _ => map.labels.ids.get(i).to_string(),
    }
}

/// An exact id, else an exact label (case-insensitive), else the most popular label
/// containing the query.
fn find(map: &Map, query: &str) -> Option<usize> {
    let n = map.len();
    if let Some(i) = (0..n).find(|&i| map.labels.ids.get(i) == query) {
        return Some(i);
    }
    let labels = map.labels.label.as_ref()?;
    let q = query.to_lowercase();
    let best = |pred: &dyn Fn(&str) -> bool| {
        (0..n)
            .filter(|&i| pred(&labels.get(i).to_lowercase()))
            .max_by_key(|&i| (map.points.popularity[i], std::cmp::Reverse(i)))
    };
    best(&|l| l == q).or_else(|| best(&|l| l.contains(&q)))
}

fn run_neighbors(args: &NeighborsArgs) -> Result<()> {
    let map = load(&args.map)?;
    let i = find(&map, &args.query).ok_or_else(|| {
        BuildError::Unusable(format!("no entity in {} has the id or name {:?}", args.map.display(), args.query))
    })?;
    let neighbors = map.neighbors.as_ref().ok_or_else(|| {
        BuildError::Unusable(format!("{} stores no neighbours (no neighbors.bin)", args.map.display()))
    })?;
    if args.k > neighbors.k {
        return Err(BuildError::Unusable(format!(
            "-k {} asks for more neighbours than the map stores ({} per entity)",
            args.k, neighbors.k
        )));
    }
    println!("{} — seen in {} contexts", display_name(&map, i), map.points.popularity[i]);
    for (rank, j) in neighbors.of(i).take(args.k).enumerate() {
        println!("{:>3}. {}", rank + 1, display_name(&map, j as usize));
    }
    Ok(())
}

fn run_inspect(args: &InspectArgs) -> Result<()> {
    let map = load(&args.dir)?;
    let m = &map.manifest;
    println!(
        "{} — Starmap map, format version {}",
        if m.title.is_empty() { "(untitled)" } else { &m.title },
        m.format_version
    );
    if !m.description.is_empty() {
        println!("{}", m.description);
    }
    println!(
        "{} entities, {} neighbours each; id column {:?}, label column {:?}",
        m.entity_count, m.neighbors_k, m.id_column, m.label_column
    );
    let b = &m.bounds;
    println!(
        "bounds: x {:.3}..{:.3}, y {:.3}..{:.3}; popularity {}..{}",
        b.min_x, b.max_x, b.min_y, b.max_y, m.popularity_range[0], m.popularity_range[1]
    );
    println!("columns:");
    for c in &m.columns {
        let detail = match c.kind {
            ColumnKind::Numeric => format!("{:?}..{:?}", c.min.unwrap_or(f64::NAN), c.max.unwrap_or(f64::NAN)),
            ColumnKind::Categorical | ColumnKind::Tags => {
                let top: Vec<String> =
                    c.categories.iter().take(5).map(|x| format!("{} ({})", x.value, x.count)).collect();
                format!(
                    "{} values: {}{}",
                    c.categories.len(),
                    top.join(", "),
                    if c.categories.len() > 5 { ", …" } else { "" }
                )
            }
            ColumnKind::Text => String::new(),
        };
        println!("  {:<20} {:<12} {} missing  {}", c.name, format!("{:?}", c.kind).to_lowercase(), c.missing, detail);
    }
    println!("files (all sections decoded and checked):");
    for f in &m.files {
        println!("  {:<14} {:>10} bytes", f.name, f.bytes);
    }
    let bi = &m.build;
    println!("built by starmap {} with seed {}", bi.builder_version, bi.seed);
    println!("  params: {}", bi.params.iter().map(|(k, v)| format!("--{k} {v}")).collect::<Vec<_>>().join(" "));
    println!("  counts: {}", bi.counts.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", "));
    println!(
        "  timings: {}",
        bi.timings_secs.iter().map(|(k, v)| format!("{k} {v:.2}s")).collect::<Vec<_>>().join(", ")
    );
    println!("  peak memory: {}", human_bytes(bi.peak_memory_bytes));
    let q = &bi.quality;
    println!(
        "  quality: kNN recall@10 {:.3} (random {:.4}), trustworthiness {:.3} (sample {})",
        q.knn_recall_at_10, q.knn_recall_at_10_random, q.trustworthiness, q.sample_size
    );
    Ok(())
}
