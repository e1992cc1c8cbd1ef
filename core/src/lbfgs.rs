//! Limited-memory BFGS with a backtracking (Armijo) line search, the optimiser PyMDE uses for
//! minimum-distortion embeddings. The objective's evaluation is most of the time; the vector
//! updates here are O(n·d), on vectors far larger than the caches, so they cost memory traffic:
//! each pass of the two-loop recursion also takes the dot product the next one needs, and an
//! accepted step is one pass (23 passes an iteration with ten pairs, not 50: the vector work
//! at 200k points fell by a third, with the same bits). They run on the pool in fixed chunks:
//! dot products add the chunks' partial sums in chunk order, the same bits at any thread count.
//!
//! Hand-written because the Rust L-BFGS crates either pull a large framework (argmin) or do not
//! let the caller reuse one buffer for value and gradient.

use std::collections::VecDeque;

use rayon::prelude::*;

/// Stopping rules and memory.
#[derive(Debug, Clone, Copy)]
pub struct LbfgsParams {
    /// Iteration limit.
    pub max_iter: usize,
    /// Correction pairs kept.
    pub memory: usize,
    /// Stop when the root-mean-square of the gradient falls below this.
    pub grad_rms_tol: f64,
    /// Stop when the objective improves by less than this fraction for `patience` iterations.
    pub rel_improvement_tol: f64,
    /// See `rel_improvement_tol`.
    pub patience: usize,
    /// Largest coordinate change of the first step (and of restarts), before any curvature
    /// is known.
    pub first_step: f64,
}

impl Default for LbfgsParams {
    fn default() -> Self {
        Self {
            max_iter: 1000,
            memory: 10,
            grad_rms_tol: 1e-6,
            rel_improvement_tol: 1e-6,
            patience: 10,
            first_step: 0.1,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LbfgsReport {
    /// Iterations done.
    pub iterations: usize,
    /// Objective evaluations (line-search trials included).
    pub evaluations: usize,
    /// Final objective value.
    pub value: f64,
    /// Why it stopped.
    pub converged: bool,
}

/// Elements per chunk of the vector operations. Fixed, not the thread count (see the module
/// note); a vector of at most one chunk is summed exactly as a plain loop would.
const CHUNK: usize = 1 << 14;

/// Adds the chunks' partial sums in chunk order, each sum from −0.0 as `Iterator::sum` starts
/// (so a fused pass gives the bits the separate dot products gave).
fn total<const K: usize>(partial: Vec<[f64; K]>) -> [f64; K] {
    let mut out = [-0.0; K];
    for p in &partial {
        for (o, v) in out.iter_mut().zip(p) {
            *o += v;
        }
    }
    out
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    let partial: Vec<[f64; 1]> = a
        .par_chunks(CHUNK)
        .zip(b.par_chunks(CHUNK))
        .map(|(a, b)| [a.iter().zip(b).map(|(x, y)| x * y).sum()])
        .collect();
    total(partial)[0]
}

/// `d[i] = f(d[i], v[i])` for every element, then returns `w·d`, in one pass: a step of the
/// two-loop recursion fused with the dot product the next step needs. The vectors are far
/// larger than the caches, so each pass is paid in memory traffic, not arithmetic.
fn update_dot(d: &mut [f64], v: &[f64], w: &[f64], f: impl Fn(f64, f64) -> f64 + Sync) -> f64 {
    let partial: Vec<[f64; 1]> = (d.par_chunks_mut(CHUNK), v.par_chunks(CHUNK), w.par_chunks(CHUNK))
        .into_par_iter()
        .map(|(d, v, w)| {
            [d.iter_mut()
                .zip(v)
                .zip(w)
                .map(|((d, &v), &w)| {
                    *d = f(*d, v);
                    w * *d
                })
                .sum()]
        })
        .collect();
    total(partial)[0]
}

/// `out[i] = f(a[i], b[i])` for every element, on the pool.
fn assign(out: &mut [f64], a: &[f64], b: &[f64], f: impl Fn(f64, f64) -> f64 + Sync) {
    out.par_chunks_mut(CHUNK).zip(a.par_chunks(CHUNK).zip(b.par_chunks(CHUNK))).for_each(|(out, (a, b))| {
        out.iter_mut().zip(a.iter().zip(b)).for_each(|(o, (&x, &y))| *o = f(x, y));
    });
}

/// An accepted step, in one pass: `s = trial − x`, `y = trial_grad − grad`, `x = trial`.
/// Returns `[s·y, s·s, y·y, trial_grad·trial_grad]`.
fn accept(s: &mut [f64], y: &mut [f64], x: &mut [f64], trial: &[f64], trial_grad: &[f64], grad: &[f64]) -> [f64; 4] {
    let partial: Vec<[f64; 4]> = (
        s.par_chunks_mut(CHUNK),
        y.par_chunks_mut(CHUNK),
        x.par_chunks_mut(CHUNK),
        trial.par_chunks(CHUNK),
        trial_grad.par_chunks(CHUNK),
        grad.par_chunks(CHUNK),
    )
        .into_par_iter()
        .map(|(s, y, x, t, tg, g)| {
            let mut sums = [-0.0; 4];
            for i in 0..s.len() {
                s[i] = t[i] - x[i];
                y[i] = tg[i] - g[i];
                x[i] = t[i];
                sums[0] += s[i] * y[i];
                sums[1] += s[i] * s[i];
                sums[2] += y[i] * y[i];
                sums[3] += tg[i] * tg[i];
            }
            sums
        })
        .collect();
    total(partial)
}

/// The largest |v| (exact in any order).
fn max_abs(v: &[f64]) -> f64 {
    v.par_chunks(CHUNK).map(|c| c.iter().fold(0.0f64, |m, g| m.max(g.abs()))).reduce(|| 0.0, f64::max)
}

/// A correction pair: the step `s`, the change of gradient `y`, and their products.
struct Pair {
    s: Vec<f64>,
    y: Vec<f64>,
    /// `s·y`, positive.
    sy: f64,
    /// `1 / s·y`.
    rho: f64,
    /// `y·y`.
    yy: f64,
}

/// Minimises `f` from `x` (updated in place). `f(x, grad)` returns the value and writes the
/// gradient. `on_iter(iteration, value)` is called after each iteration (progress).
pub fn minimize<F, P>(x: &mut [f64], params: &LbfgsParams, mut f: F, mut on_iter: P) -> LbfgsReport
where
    F: FnMut(&[f64], &mut [f64]) -> f64,
    P: FnMut(usize, f64),
{
    let n = x.len();
    let mut grad = vec![0.0; n];
    let mut value = f(x, &mut grad);
    let mut grad_sq = dot(&grad, &grad);
    let mut evaluations = 1;
    let mut history: VecDeque<Pair> = VecDeque::with_capacity(params.memory);
    let mut direction = vec![0.0; n];
    let mut trial = vec![0.0; n];
    let mut trial_grad = vec![0.0; n];
    let mut alpha = vec![0.0; params.memory];
    // The buffers of a correction pair dropped from the history (or not kept), for the next:
    // two fresh n-vectors an iteration were 64 MiB of new pages at 1M entities in 4 dimensions.
    let mut spare: Option<(Vec<f64>, Vec<f64>)> = None;
    let mut stalled = 0;
    let mut iterations = 0;
    let mut converged = false;
    // No curvature known: a step moving the largest coordinate by `first_step`.
    let first_scale = |grad: &[f64]| params.first_step / max_abs(grad).max(1e-300);

    while iterations < params.max_iter {
        if (grad_sq / n.max(1) as f64).sqrt() < params.grad_rms_tol {
            converged = true;
            break;
        }
        // Two-loop recursion, direction = -H·grad; each step's pass also takes the dot product
        // the next step needs, and the last one the slope.
        let m = history.len();
        let mut slope = match history.back() {
            None => {
                let scale = first_scale(&grad);
                update_dot(&mut direction, &grad, &grad, |_, g| -g * scale)
            }
            Some(newest) => {
                let gamma = newest.sy / newest.yy;
                let mut next = update_dot(&mut direction, &grad, &newest.s, |_, g| -g);
                for k in (0..m).rev() {
                    alpha[k] = history[k].rho * next;
                    let (scale, w) = if k == 0 { (gamma, &history[0].y) } else { (1.0, &history[k - 1].s) };
                    let a = alpha[k];
                    next = update_dot(&mut direction, &history[k].y, w, |d, y| (d - a * y) * scale);
                }
                for k in 0..m {
                    let beta = history[k].rho * next;
                    let w = if k + 1 < m { &history[k + 1].y } else { &grad };
                    let c = alpha[k] - beta;
                    next = update_dot(&mut direction, &history[k].s, w, |d, s| d + c * s);
                }
                next
            }
        };
        if slope >= 0.0 {
            // Lost descent (curvature went bad): restart from steepest descent.
            history.clear();
            let scale = first_scale(&grad);
            slope = update_dot(&mut direction, &grad, &grad, |_, g| -g * scale);
        }

        let mut step = 1.0;
        let mut accepted = false;
        for _ in 0..40 {
            assign(&mut trial, x, &direction, |xi, di| xi + step * di);
            let v = f(&trial, &mut trial_grad);
            evaluations += 1;
            if v.is_finite() && v <= value + 1e-4 * step * slope {
                accepted = true;
                let (mut s, mut y) = spare.take().unwrap_or_else(|| (vec![0.0; n], vec![0.0; n]));
                let [sy, ss, yy, new_grad_sq] = accept(&mut s, &mut y, x, &trial, &trial_grad, &grad);
                // Keep the pair only with clearly positive curvature (relative test: the
                // objective's scale is the caller's business).
                if sy > 1e-10 * (ss * yy).sqrt() {
                    if history.len() == params.memory {
                        spare = history.pop_front().map(|p| (p.s, p.y));
                    }
                    history.push_back(Pair { s, y, sy, rho: 1.0 / sy, yy });
                } else {
                    spare = Some((s, y));
                }
                let improvement = (value - v) / value.abs().max(1e-12);
                stalled = if improvement < params.rel_improvement_tol { stalled + 1 } else { 0 };
                std::mem::swap(&mut grad, &mut trial_grad);
                grad_sq = new_grad_sq;
                value = v;
                break;
            }
            step *= 0.5;
        }
        iterations += 1;
        on_iter(iterations, value);
        if !accepted {
            if history.is_empty() {
                converged = true; // no descent possible even along the gradient: a minimum
                break;
            }
            history.clear();
            continue;
        }
        if stalled >= params.patience {
            converged = true;
            break;
        }
    }
    LbfgsReport { iterations, evaluations, value, converged }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimises_the_rosenbrock_function() {
        let mut x = vec![-1.2, 1.0];
        let report = minimize(
            &mut x,
            &LbfgsParams { max_iter: 500, grad_rms_tol: 1e-9, rel_improvement_tol: 0.0, ..Default::default() },
            |x, g| {
                let (a, b) = (x[0], x[1]);
                g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
                g[1] = 200.0 * (b - a * a);
                (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
            },
            |_, _| {},
        );
        assert!(report.converged, "{report:?}");
        assert!((x[0] - 1.0).abs() < 1e-4 && (x[1] - 1.0).abs() < 1e-4, "{x:?}");
    }

    #[test]
    fn solves_an_ill_conditioned_quadratic() {
        let scales: Vec<f64> = (0..50).map(|i| 1.0 + i as f64 * 20.0).collect();
        let mut x = vec![1.0; 50];
        minimize(
            &mut x,
            &LbfgsParams { grad_rms_tol: 1e-10, rel_improvement_tol: 0.0, ..Default::default() },
            |x, g| {
                let mut v = 0.0;
                for i in 0..x.len() {
                    g[i] = scales[i] * x[i];
                    v += 0.5 * scales[i] * x[i] * x[i];
                }
                v
            },
            |_, _| {},
        );
        assert!(x.iter().all(|v| v.abs() < 1e-6), "{x:?}");
    }

    #[test]
    fn same_bits_at_any_thread_count_past_one_chunk() {
        let n = 3 * CHUNK + 123;
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let mut x: Vec<f64> = (0..n).map(|i| ((i * 7919) % 1000) as f64 / 500.0 - 1.0).collect();
            pool.install(|| {
                minimize(
                    &mut x,
                    &LbfgsParams { max_iter: 30, ..Default::default() },
                    |x, g| {
                        let mut v = 0.0;
                        for i in 0..x.len() {
                            let s = 1.0 + (i % 97) as f64;
                            g[i] = s * x[i] + x[i].powi(3);
                            v += 0.5 * s * x[i] * x[i] + 0.25 * x[i].powi(4);
                        }
                        v
                    },
                    |_, _| {},
                )
            });
            x
        };
        let one = run(1);
        assert!(one.iter().all(|v| v.abs() < 0.5));
        assert!(one.iter().zip(run(3)).all(|(a, b)| a.to_bits() == b.to_bits()));
    }
}
