//! Builder benchmark: end-to-end time and peak memory of `starmap build` over a size sweep of
//! planted-cluster data (fixed seeds) and on the films demo, the clusters' time and share of the
//! build with their count per level, and for every layout its own time and quality: kNN
//! recall@10, trustworthiness, and label agreement (the planted cluster; the films' first
//! genre). Each build runs as its own process, so its peak memory (reported by the
//! build itself from /proc) is its own.
//!
//! ```text
//! cargo build --release -p starmap-builder -p starmap-tests
//! target/release/bench_builder [--sizes 20000:1300000,200000:20000000] [--threads N] [--films DIR] [--work DIR]
//!                              [--seed N] [--layout SPEC]…
//! ```
//! `--layout` (repeatable) and `--seed` are passed to every build; without them each build makes
//! the default layouts with the default seed. Prints one line per case and two Markdown tables at
//! the end: builds, then layouts. Any other argument is refused (a typo must not start a
//! quarter of an hour of default builds).
//!
//! Before the first build and after the last it also times the machine itself (see
//! [`machine_check`]): on a shared virtual machine the same build's time drifts by 2× or more,
//! and a figure is only comparable with one taken when the machine was as fast.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use starmap_core::pipeline::{is_alongside_timing, CLUSTERS_TIMING};
use starmap_tests::planted::{write_clusters, write_planted, PlantedConfig};

struct Case {
    name: String,
    args: Vec<String>,
}

struct Row {
    name: String,
    entities: u64,
    interactions: u64,
    wall_secs: f64,
    stages: String,
    /// The clusters' own seconds, and those of all stages (each once: the clusters run inside
    /// `mde`, the layouts inside `layouts`).
    clusters_secs: f64,
    stage_secs: f64,
    /// Clusters per level, coarse to fine ("28 / 133").
    cluster_counts: String,
    peak_mib: f64,
    layouts: Vec<LayoutRow>,
}

struct LayoutRow {
    name: String,
    spec: String,
    secs: f64,
    recall: f64,
    trust: f64,
    label: Option<f64>,
}

const USAGE: &str = "usage: bench_builder [--sizes E:I,E:I…] [--threads N] [--films DIR] [--work DIR] [--seed N] \
                     [--layout SPEC]…";

/// The flags, each with one value; `--layout` may repeat, the others are taken once (the last).
const FLAGS: [&str; 6] = ["--sizes", "--threads", "--films", "--work", "--seed", "--layout"];

/// The command line as (flag, value) pairs, or a message naming what is wrong with it.
fn parse_args(args: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if !FLAGS.contains(&a.as_str()) {
            return Err(format!("unknown argument {a:?}"));
        }
        let value = it.next().ok_or_else(|| format!("{a} needs a value"))?;
        pairs.push((a.clone(), value.clone()));
    }
    Ok(pairs)
}

/// The last value given for `flag`.
fn arg(pairs: &[(String, String)], flag: &str) -> Option<String> {
    pairs.iter().rev().find(|(f, _)| f == flag).map(|(_, v)| v.clone())
}

/// Every value of a repeatable flag.
fn args_of(pairs: &[(String, String)], flag: &str) -> Vec<String> {
    pairs.iter().filter(|(f, _)| f == flag).map(|(_, v)| v.clone()).collect()
}

fn layout_rows(manifest: &serde_json::Value) -> Vec<LayoutRow> {
    let timings = &manifest["build"]["timings_secs"];
    manifest["layouts"]
        .as_array()
        .map(|layouts| {
            layouts
                .iter()
                .map(|l| {
                    let name = l["name"].as_str().unwrap_or_default().to_string();
                    let q = &l["quality"];
                    LayoutRow {
                        secs: timings[format!("layout:{name}")].as_f64().unwrap_or(0.0),
                        spec: l["spec"].as_str().unwrap_or_default().to_string(),
                        name,
                        recall: q["knn_recall_at_10"].as_f64().unwrap_or(0.0),
                        trust: q["trustworthiness"].as_f64().unwrap_or(0.0),
                        label: q["label_agreement"].as_f64(),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A build outlives a bench stopped by `kill` (only Ctrl-C reaches the whole process group)
/// and would keep a core busy for many minutes, spoiling whatever is timed next: on Linux the
/// kernel sends it SIGTERM when the bench dies.
#[cfg(target_os = "linux")]
fn stop_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure runs in the forked child before exec and only calls prctl, which is
    // async-signal-safe and touches no memory of ours.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn stop_with_parent(_cmd: &mut Command) {}

fn run(bin: &Path, case: &Case, out: &Path, threads: &Option<String>) -> Result<Row, String> {
    let mut cmd = Command::new(bin);
    cmd.arg("build").args(&case.args).arg("--out").arg(out).arg("--quiet");
    if let Some(t) = threads {
        cmd.arg("--threads").arg(t);
    }
    stop_with_parent(&mut cmd);
    let start = Instant::now();
    let o = cmd.output().map_err(|e| format!("{}: {e}", bin.display()))?;
    let wall_secs = start.elapsed().as_secs_f64();
    if !o.status.success() {
        return Err(format!("{} failed: {}", case.name, String::from_utf8_lossy(&o.stderr)));
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).map_err(|e| format!("manifest: {e}"))?)
            .map_err(|e| format!("manifest: {e}"))?;
    let b = &manifest["build"];
    let mut stages: Vec<(String, f64)> = b["timings_secs"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_f64().unwrap_or(0.0))).collect())
        .unwrap_or_default();
    // The clusters' own time: run beside the embedding (inside `mde`), or as a stage of their own
    // by builders before that.
    let clusters_secs = stages.iter().find(|s| s.0 == CLUSTERS_TIMING || s.0 == "clusters").map_or(0.0, |s| s.1);
    stages.retain(|(k, _)| !is_alongside_timing(k));
    stages.sort_by(|a, b| b.1.total_cmp(&a.1));
    let cluster_counts = manifest["clusters"]["levels"]
        .as_array()
        .map(|levels| {
            let counts: Vec<String> =
                levels.iter().map(|l| l["clusters"].as_array().map_or(0, Vec::len).to_string()).collect();
            counts.join(" / ")
        })
        .unwrap_or_else(|| "none".into());
    Ok(Row {
        name: case.name.clone(),
        entities: manifest["entity_count"].as_u64().unwrap_or(0),
        interactions: b["counts"]["interactions_read"].as_u64().unwrap_or(0),
        wall_secs,
        stages: stages.iter().take(4).map(|(k, v)| format!("{k} {v:.1}")).collect::<Vec<_>>().join(", "),
        clusters_secs,
        stage_secs: stages.iter().map(|s| s.1).sum(),
        cluster_counts,
        peak_mib: b["peak_memory_bytes"].as_f64().unwrap_or(0.0) / (1 << 20) as f64,
        layouts: layout_rows(&manifest),
    })
}

fn main() {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    if raw.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return;
    }
    let args = match parse_args(&raw) {
        Ok(pairs) => pairs,
        Err(e) => {
            eprintln!("bench_builder: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let sizes = arg(&args, "--sizes").unwrap_or_else(|| "20000:1300000,200000:20000000".into());
    let threads = arg(&args, "--threads");
    let work = PathBuf::from(arg(&args, "--work").unwrap_or_else(|| "target/bench-builder".into()));
    let films = arg(&args, "--films").unwrap_or_else(|| "builder/demo/films".into());
    // Flags every build gets.
    let mut passed_on: Vec<String> =
        args_of(&args, "--layout").into_iter().flat_map(|l| ["--layout".into(), l]).collect();
    if let Some(seed) = arg(&args, "--seed") {
        passed_on.extend(["--seed".into(), seed]);
    }
    let bin = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join("starmap"))).filter(|p| p.is_file());
    let Some(bin) = bin else {
        eprintln!("starmap binary not found beside this one: run `cargo build --release -p starmap-builder` first");
        std::process::exit(2);
    };
    if let Err(e) = std::fs::create_dir_all(&work) {
        eprintln!("{}: {e}", work.display());
        std::process::exit(2);
    }

    let mut cases = Vec::new();
    let film_cast = Path::new(&films).join("film_cast.csv.gz");
    let film_meta = Path::new(&films).join("films.csv.gz");
    if film_cast.is_file() {
        let mut args: Vec<String> = [
            "--interactions",
            film_cast.to_str().unwrap_or_default(),
            "--entity-col",
            "imdb_id",
            "--context-col",
            "actor",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if film_meta.is_file() {
            let meta = film_meta.to_str().unwrap_or_default();
            args.extend(["--metadata", meta, "--label-col", "title", "--quality-label", "genre"].map(String::from));
        }
        cases.push(Case { name: "films × cast".into(), args });
    }
    for spec in sizes.split(',').filter(|s| !s.is_empty()) {
        let Some((e, i)) =
            spec.split_once(':').and_then(|(e, i)| Some((e.parse::<usize>().ok()?, i.parse::<usize>().ok()?)))
        else {
            eprintln!("bad size {spec:?}: expected ENTITIES:INTERACTIONS");
            std::process::exit(2);
        };
        // Plain CSV: it reads faster than gzip (decompression is one thread), and the
        // benchmark times the build, not the disk.
        let path = work.join(format!("planted-{e}-{i}.csv"));
        let meta = work.join(format!("planted-{e}-{i}-clusters.csv"));
        if !path.is_file() || !meta.is_file() {
            eprintln!("generating {}", path.display());
            let start = Instant::now();
            let written = write_planted(&PlantedConfig::sized(e, i, 1), &path)
                .map_err(|err| format!("{}: {err}", path.display()))
                .and_then(|clusters| {
                    write_clusters(&clusters, &meta).map_err(|err| format!("{}: {err}", meta.display()))
                });
            if let Err(err) = written {
                eprintln!("{err}");
                std::process::exit(2);
            }
            eprintln!("generated in {:.1} s", start.elapsed().as_secs_f64());
        }
        cases.push(Case {
            name: format!("planted {e} / {i}"),
            args: [
                "--interactions",
                path.to_str().unwrap_or_default(),
                "--entity-col",
                "entity",
                "--context-col",
                "context",
                "--metadata",
                meta.to_str().unwrap_or_default(),
                "--quality-label",
                "cluster",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        });
    }

    let before = machine_check();
    eprintln!("machine check: {}", before.describe());
    let mut rows = Vec::new();
    for case in &mut cases {
        case.args.extend(passed_on.iter().cloned());
    }
    for (k, case) in cases.iter().enumerate() {
        let out = work.join(format!("map-{k}"));
        match run(&bin, case, &out, &threads) {
            Ok(r) => {
                eprintln!("{}: {:.1}s, peak {:.0} MiB", r.name, r.wall_secs, r.peak_mib);
                rows.push(r);
            }
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
    }
    let after = machine_check();
    println!(
        "Machine check, before the builds / after them: a dependent float operation {:.2} / {:.2} ns; a \
         random read over 4 MiB {:.0} / {:.0} ns, over 64 MiB {:.0} / {:.0} ns.",
        before.float_ns,
        after.float_ns,
        before.read_4mib_ns,
        after.read_4mib_ns,
        before.read_64mib_ns,
        after.read_64mib_ns
    );
    println!();
    println!("| case | entities placed | interactions | wall time | slowest stages (s) | clusters, own time (share of the stages) | clusters per level | peak memory |");
    println!("|---|---|---|---|---|---|---|---|");
    for r in &rows {
        let share = 100.0 * r.clusters_secs / r.stage_secs.max(f64::MIN_POSITIVE);
        println!(
            "| {} | {} | {} | {:.1} s | {} | {:.2} s ({share:.1} %) | {} | {:.0} MiB |",
            r.name, r.entities, r.interactions, r.wall_secs, r.stages, r.clusters_secs, r.cluster_counts, r.peak_mib
        );
    }
    println!();
    println!("| case | layout | spec | its time | kNN recall@10 | trustworthiness | label agreement |");
    println!("|---|---|---|---|---|---|---|");
    for r in &rows {
        for l in &r.layouts {
            let label = l.label.map_or("—".to_string(), |a| format!("{a:.3}"));
            println!(
                "| {} | {} | `{}` | {:.1} s | {:.3} | {:.3} | {label} |",
                r.name, l.name, l.spec, l.secs, l.recall, l.trust
            );
        }
    }
}

/// How fast the machine is right now, in three figures that the build's stages depend on.
struct MachineCheck {
    /// Nanoseconds per step of a chain of dependent float multiply-adds (the core's speed).
    float_ns: f64,
    /// Nanoseconds per read of a random walk over 4 MiB: the size of a co-occurrence
    /// accumulator at a million entities, which should sit in the last-level cache.
    read_4mib_ns: f64,
    /// The same over 64 MiB: past any cache, main memory's latency.
    read_64mib_ns: f64,
}

impl MachineCheck {
    fn describe(&self) -> String {
        format!(
            "dependent float operation {:.2} ns, random read over 4 MiB {:.0} ns, over 64 MiB {:.0} ns",
            self.float_ns, self.read_4mib_ns, self.read_64mib_ns
        )
    }
}

/// A random single cycle through `0..n` (Sattolo's shuffle): following `next` from any start
/// visits every slot before it comes back, so the walk's reads cannot be predicted.
fn random_cycle(n: usize, seed: u64) -> Vec<u32> {
    let mut order: Vec<u32> = (0..n as u32).collect();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    for i in (1..n).rev() {
        let j = rng.random_range(0..i);
        order.swap(i, j);
    }
    let mut next = vec![0u32; n];
    for (k, &at) in order.iter().enumerate() {
        next[at as usize] = order[(k + 1) % n];
    }
    next
}

/// Nanoseconds per read of `reads` steps of a walk around `next`.
fn walk_ns(next: &[u32], reads: usize) -> f64 {
    let start = Instant::now();
    let mut at = 0u32;
    for _ in 0..reads {
        at = next[at as usize];
    }
    std::hint::black_box(at);
    start.elapsed().as_secs_f64() * 1e9 / reads as f64
}

/// Times the machine (about three seconds): the figures say whether a slow build is the code's
/// doing or the machine's. Each is the faster of two tries.
fn machine_check() -> MachineCheck {
    let steps = 200_000_000u64;
    let float_ns = (0..2)
        .map(|_| {
            let start = Instant::now();
            let mut x = 1.0f64;
            for i in 0..steps {
                x = x * 0.999_999_999 + (i & 1) as f64;
            }
            std::hint::black_box(x);
            start.elapsed().as_secs_f64() * 1e9 / steps as f64
        })
        .fold(f64::INFINITY, f64::min);
    let read = |bytes: usize| {
        let next = random_cycle(bytes / 4, 7);
        walk_ns(&next, 1_000_000); // brings the walk's pages in
        (0..2).map(|_| walk_ns(&next, 3_000_000)).fold(f64::INFINITY, f64::min)
    };
    MachineCheck { float_ns, read_4mib_ns: read(4 << 20), read_64mib_ns: read(64 << 20) }
}

#[cfg(test)]
mod tests {
    use super::random_cycle;

    #[test]
    fn the_walk_is_one_cycle_through_every_slot() {
        for n in [2, 3, 10, 1000] {
            let next = random_cycle(n, 7);
            let (mut at, mut steps) = (0u32, 0);
            loop {
                at = next[at as usize];
                steps += 1;
                if at == 0 {
                    break;
                }
                assert!(steps < n, "a cycle shorter than {n} missed a slot");
            }
            assert_eq!(steps, n);
        }
    }
}
