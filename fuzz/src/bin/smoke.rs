//! `smoke [--seconds S] [--seed N] [TARGET…]`: every target (or those named) on seeded
//! mutations of valid inputs for S seconds each (default 8). Exits 1 on any crash, hang or
//! memory overrun, printing each input's saved path. Stable Rust; CI runs it.
//! `smoke --write-seeds` writes every target's seeds to `seeds/<target>/` for cargo fuzz.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use starmap_fuzz::{alloc::Counting, memory_bound, smoke, TARGETS};

#[global_allocator]
static ALLOC: Counting = Counting;

fn main() -> ExitCode {
    let mut seconds = 8.0f64;
    let mut seed = 1u64;
    let mut names = Vec::new();
    let mut write_seeds = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value"));
        let parsed = match a.as_str() {
            "--seconds" => {
                value("--seconds").and_then(|v| v.parse().map_err(|e| format!("--seconds: {e}"))).map(|v| seconds = v)
            }
            "--write-seeds" => {
                write_seeds = true;
                Ok(())
            }
            "--seed" => value("--seed").and_then(|v| v.parse().map_err(|e| format!("--seed: {e}"))).map(|v| seed = v),
            _ if a.starts_with('-') => Err(format!("unknown flag {a}")),
            _ => {
                names.push(a);
                Ok(())
            }
        };
        if let Err(e) = parsed {
            eprintln!("error: {e}\nusage: smoke [--seconds S] [--seed N] [TARGET…] | smoke --write-seeds");
            return ExitCode::from(2);
        }
    }
    if let Some(bad) = names.iter().find(|n| !TARGETS.iter().any(|t| t.name == n.as_str())) {
        let all: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
        eprintln!("error: no target {bad:?}; targets: {}", all.join(", "));
        return ExitCode::from(2);
    }
    if write_seeds {
        // The seed corpora of cargo fuzz, from the same code the smoke runner starts from.
        let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
        for t in TARGETS {
            let dir = corpus.join(t.name);
            let written = std::fs::create_dir_all(&dir).and_then(|_| {
                (t.seeds)().iter().enumerate().try_for_each(|(k, s)| std::fs::write(dir.join(format!("seed-{k}")), s))
            });
            if let Err(e) = written {
                eprintln!("error: {}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
            println!("{}: {} seeds", dir.display(), (t.seeds)().len());
        }
        return ExitCode::SUCCESS;
    }
    // Panics are caught and reported once each, not printed by the default hook.
    std::panic::set_hook(Box::new(|_| {}));
    let artifacts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("artifacts");
    let mut failed = false;
    for t in TARGETS.iter().filter(|t| names.is_empty() || names.iter().any(|n| n == t.name)) {
        let r = smoke::run(t, Duration::from_secs_f64(seconds), seed, &artifacts);
        println!(
            "{:<14} {:>9} executions in {:.1}s ({:.0}/s), {} crashes, {} hangs, peak memory {} KiB (bound at 0 bytes: {} KiB)",
            t.name,
            r.executions,
            r.elapsed.as_secs_f64(),
            r.executions as f64 / r.elapsed.as_secs_f64().max(1e-9),
            r.crashes.len() - r.hangs as usize,
            r.hangs,
            r.peak_bytes / 1024,
            memory_bound(0) / 1024
        );
        for c in &r.crashes {
            println!("  {c}");
        }
        failed |= !r.crashes.is_empty();
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
