//! Limited-memory BFGS with a backtracking (Armijo) line search, the optimiser PyMDE uses for
//! minimum-distortion embeddings. Small and sequential on purpose: the objective's evaluation is
//! where the time goes (and where the parallelism lives); the vector updates here are O(n·d).
//!
//! Hand-written because the Rust L-BFGS crates either pull a large framework (argmin) or do not
//! let the caller reuse one buffer for value and gradient.

use std::collections::VecDeque;

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

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
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
    let mut stalled = 0;
    let mut iterations = 0;
    let mut converged = false;

    while iterations < params.max_iter {
        if (dot(&grad, &grad) / n.max(1) as f64).sqrt() < params.grad_rms_tol {
            converged = true;
            break;
        }
        // Two-loop recursion: direction = -H·grad.
        direction.iter_mut().zip(&grad).for_each(|(d, g)| *d = -g);
        for (k, (s, y, rho)) in history.iter().enumerate().rev() {
            alpha[k] = rho * dot(s, &direction);
            direction.iter_mut().zip(y).for_each(|(d, yi)| *d -= alpha[k] * yi);
        }
        let gamma = match history.back() {
            Some((s, y, _)) => dot(s, y) / dot(y, y),
            // No curvature yet: a first step moving the largest coordinate by `first_step`.
            None => params.first_step / grad.iter().fold(0.0f64, |m, g| m.max(g.abs())).max(1e-300),
        };
        direction.iter_mut().for_each(|d| *d *= gamma);
        for (k, (s, y, rho)) in history.iter().enumerate() {
            let beta = rho * dot(y, &direction);
            direction.iter_mut().zip(s).for_each(|(d, si)| *d += (alpha[k] - beta) * si);
        }
        let mut slope = dot(&grad, &direction);
        if slope >= 0.0 {
            // Lost descent (curvature went bad): restart from steepest descent.
            history.clear();
            let scale = params.first_step / grad.iter().fold(0.0f64, |m, g| m.max(g.abs())).max(1e-300);
            direction.iter_mut().zip(&grad).for_each(|(d, g)| *d = -g * scale);
            slope = dot(&grad, &direction);
        }

        let mut step = 1.0;
        let mut accepted = false;
        for _ in 0..40 {
            trial.iter_mut().zip(x.iter().zip(&direction)).for_each(|(t, (xi, di))| *t = xi + step * di);
            let v = f(&trial, &mut trial_grad);
            evaluations += 1;
            if v.is_finite() && v <= value + 1e-4 * step * slope {
                accepted = true;
                let s: Vec<f64> = trial.iter().zip(x.iter()).map(|(t, xi)| t - xi).collect();
                let y: Vec<f64> = trial_grad.iter().zip(&grad).map(|(a, b)| a - b).collect();
                let sy = dot(&s, &y);
                // Keep the pair only with clearly positive curvature (relative test: the
                // objective's scale is the caller's business).
                if sy > 1e-10 * (dot(&s, &s) * dot(&y, &y)).sqrt() {
                    if history.len() == params.memory {
                        history.pop_front();
                    }
                    history.push_back((s, y, 1.0 / sy));
                }
                let improvement = (value - v) / value.abs().max(1e-12);
                stalled = if improvement < params.rel_improvement_tol { stalled + 1 } else { 0 };
                x.copy_from_slice(&trial);
                grad.copy_from_slice(&trial_grad);
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
}
