//! The stable runner: each target on its seeds and on seeded mutations of them, for a time
//! budget. Panics are caught and their inputs saved under `fuzz/artifacts/<target>/`; an input
//! that runs longer than [`SLOW`] counts as a hang.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::mutate::{mutate, Rng};
use crate::{check, Target};

/// One execution slower than this is reported as a hang.
pub const SLOW: Duration = Duration::from_secs(2);

/// What a run found.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Inputs run.
    pub executions: u64,
    /// Inputs that panicked (or exceeded the memory bound), with the panic message.
    pub crashes: Vec<String>,
    /// Inputs slower than [`SLOW`].
    pub hangs: u64,
    /// The most memory one execution held, per input byte (above the fixed allowance).
    pub peak_bytes: usize,
    /// Wall time.
    pub elapsed: Duration,
}

fn save(artifacts: &Path, target: &str, kind: &str, data: &[u8]) -> String {
    let hash = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
    let dir = artifacts.join(target);
    let path = dir.join(format!("{kind}-{hash:016x}"));
    match std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&path, data)) {
        Ok(()) => path.display().to_string(),
        Err(e) => format!("(not saved: {e})"),
    }
}

/// Runs `target` for `budget`, mutating its seeds with a generator seeded by `seed`.
pub fn run(target: &Target, budget: Duration, seed: u64, artifacts: &Path) -> Report {
    let seeds = (target.seeds)();
    let mut rng = Rng::new(seed ^ target.name.len() as u64);
    let mut report = Report::default();
    let start = Instant::now();
    let mut input = Vec::new();
    let mut k = 0usize;
    while start.elapsed() < budget {
        // Seeds first as they are, then mutants of a random seed (a few rounds deep).
        if k < seeds.len() {
            input.clone_from(&seeds[k]);
        } else {
            input.clone_from(&seeds[rng.below(seeds.len())]);
            let other = &seeds[rng.below(seeds.len())];
            for _ in 0..1 + rng.below(3) {
                mutate(&mut input, other, &mut rng);
            }
        }
        k += 1;
        let t = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| check(target, &input)));
        report.executions += 1;
        match outcome {
            Ok(peak) => report.peak_bytes = report.peak_bytes.max(peak),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panic".into());
                let at = save(artifacts, target.name, "crash", &input);
                report.crashes.push(format!("{msg} (input: {at})"));
            }
        }
        if t.elapsed() > SLOW {
            report.hangs += 1;
            let at = save(artifacts, target.name, "slow", &input);
            report.crashes.push(format!("took {:.1}s (input: {at})", t.elapsed().as_secs_f64()));
        }
    }
    report.elapsed = start.elapsed();
    report
}
