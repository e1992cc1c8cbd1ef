//! Limited-memory BFGS with a backtracking (Armijo) line search, the optimiser PyMDE uses for
//! minimum-distortion embeddings. The objective's evaluation is most of the time; the vector
//! updates here are O(n·d) but some fifty passes an iteration, a third of the MDE stage at a
//! million points when they ran on one thread. They run on the pool in fixed chunks: dot
//! products add the chunks' partial sums in chunk order, the same bits at any thread count.
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

fn dot(a: &[f64], b: &[f64]) -> f64 {
    let partial: Vec<f64> =
        a.par_chunks(CHUNK).zip(b.par_chunks(CHUNK)).map(|(a, b)| a.iter().zip(b).map(|(x, y)| x * y).sum()).collect();
    partial.iter().sum()
}

/// `out[i] = f(out[i], a[i])` for every element, on the pool.
fn update(out: &mut [f64], a: &[f64], f: impl Fn(f64, f64) -> f64 + Sync) {
    out.par_chunks_mut(CHUNK).zip(a.par_chunks(CHUNK)).for_each(|(out, a)| {
        out.iter_mut().zip(a).for_each(|(o, &v)| *o = f(*o, v));
    });
}

/// `out[i] = f(a[i], b[i])` for every element, on the pool.
fn assign(out: &mut [f64], a: &[f64], b: &[f64], f: impl Fn(f64, f64) -> f64 + Sync) {
    out.par_chunks_mut(CHUNK).zip(a.par_chunks(CHUNK).zip(b.par_chunks(CHUNK))).for_each(|(out, (a, b))| {
        out.iter_mut().zip(a.iter().zip(b)).for_each(|(o, (&x, &y))| *o = f(x, y));
    });
}

/// The largest |v| (exact in any order).
fn max_abs(v: &[f64]) -> f64 {
    v.par_chunks(CHUNK).map(|c| c.iter().fold(0.0f64, |m, g| m.max(g.abs()))).reduce(|| 0.0, f64::max)
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
    let mut evaluations = 1;
    let mut history: VecDeque<(Vec<f64>, Vec<f64>, f64)> = VecDeque::with_capacity(params.memory);
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

    while iterations < params.max_iter {
        if (dot(&grad, &grad) / n.max(1) as f64).sqrt() < params.grad_rms_tol {
            converged = true;
            break;
        }
        // Two-loop recursion: direction = -H·grad.
        update(&mut direction, &grad, |_, g| -g);
        for (k, (s, y, rho)) in history.iter().enumerate().rev() {
            alpha[k] = rho * dot(s, &direction);
            let a = alpha[k];
            update(&mut direction, y, |d, yi| d - a * yi);
        }
        let gamma = match history.back() {
            Some((s, y, _)) => dot(s, y) / dot(y, y),
            // No curvature yet: a first step moving the largest coordinate by `first_step`.
            None => params.first_step / max_abs(&grad).max(1e-300),
        };
        update(&mut direction, &grad, |d, _| d * gamma);
        for (k, (s, y, rho)) in history.iter().enumerate() {
            let beta = rho * dot(y, &direction);
            let a = alpha[k];
            update(&mut direction, s, |d, si| d + (a - beta) * si);
        }
        let mut slope = dot(&grad, &direction);
        if slope >= 0.0 {
            // Lost descent (curvature went bad): restart from steepest descent.
            history.clear();
            let scale = params.first_step / max_abs(&grad).max(1e-300);
            update(&mut direction, &grad, |_, g| -g * scale);
            slope = dot(&grad, &direction);
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
                assign(&mut s, &trial, x, |t, xi| t - xi);
                assign(&mut y, &trial_grad, &grad, |a, b| a - b);
                let sy = dot(&s, &y);
                // Keep the pair only with clearly positive curvature (relative test: the
                // objective's scale is the caller's business).
                if sy > 1e-10 * (dot(&s, &s) * dot(&y, &y)).sqrt() {
                    if history.len() == params.memory {
                        spare = history.pop_front().map(|(s, y, _)| (s, y));
                    }
                    history.push_back((s, y, 1.0 / sy));
                } else {
                    spare = Some((s, y));
                }
                let improvement = (value - v) / value.abs().max(1e-12);
                stalled = if improvement < params.rel_improvement_tol { stalled + 1 } else { 0 };
                // On the pool, or swapped: plain copies were a serial part of every iteration.
                update(x, &trial, |_, t| t);
                std::mem::swap(&mut grad, &mut trial_grad);
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
