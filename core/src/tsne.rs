//! Stage 5b: t-SNE to 2D, our own implementation: parallel, and bit-identical for a seed
//! whatever the thread count.
//!
//! What it consumes is the caller's choice, and the choice matters more than the optimiser
//! (docs/CHOICES.md, "Layouts"): fed the exact cosine neighbours of the co-occurrence stage
//! ([`affinities_from_similarities`], k = 3 × perplexity) it keeps twice the 10-NN recall it
//! keeps when fed the neighbours of the 4-D embedding ([`affinities_from_distances`]). The
//! embedding is used only to start from ([`initial_layout`]): its principal components carry the
//! large-scale arrangement that a random start loses.
//!
//! The method follows openTSNE (Poličar et al.) with Barnes–Hut repulsion (van der Maaten 2014):
//! per-point Gaussian bandwidths found by binary search to the perplexity on the given
//! neighbours, symmetrised affinities P summing to 1; the gradient of KL(P‖Q) with a Student-t
//! kernel, without the constant factor 4 (openTSNE's convention, so the learning rate n / 12 of
//! Belkina et al. applies as is); early exaggeration 12 for 250 iterations, then 500 more;
//! momentum 0.8, delta-bar-delta gains (+0.2, ×0.8, floor 0.01), steps clipped to length 5, the
//! layout re-centred after every step.
//!
//! Determinism: each iteration builds one quadtree sequentially; then every point's attraction
//! and repulsion is a pure function of the layout and the tree, computed in parallel into its own
//! slot; the normalisation Z is added up point by point in index order. Nothing depends on how
//! rayon splits the work.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::mde::Embedding;
use crate::neighbors::NeighborTable;
use crate::params::{require, shortest_f32, ParamError, Params, Valid};
use crate::progress::Progress;
use crate::quadtree::QuadTree;
use crate::spectral;

/// Iterations with early exaggeration (openTSNE's).
pub const EARLY_ITERATIONS: usize = 250;
/// Early exaggeration factor (openTSNE's).
pub const EARLY_EXAGGERATION: f64 = 12.0;
/// Momentum in both phases (openTSNE's).
const MOMENTUM: f64 = 0.8;
/// Smallest gain of the delta-bar-delta rule.
const MIN_GAIN: f64 = 0.01;
/// Longest step a point may take in one iteration (openTSNE's `max_step_norm`).
const MAX_STEP: f64 = 5.0;
/// Barnes–Hut opening angle: a cell is summarised when its width is below θ × its distance.
pub const THETA: f64 = 0.5;
/// Standard deviation of the first coordinate of the start layout (openTSNE's rescaling).
const INIT_STD: f64 = 1e-4;

/// t-SNE parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TsneParams {
    /// Effective number of neighbours, 2 to 200. By default 30, openTSNE's; the affinities use
    /// 3 × perplexity neighbours per point.
    #[serde(serialize_with = "shortest_f32")]
    pub perplexity: f32,
    /// Attraction multiplier after the early phase, 1 to 4. By default 1 (plain t-SNE, the
    /// neighbourhood layout); 1.5 trades some 10-NN recall for large-scale arrangement (the
    /// structure layout), 2 and more pull clusters into blobs (docs/CHOICES.md, "Layouts").
    #[serde(serialize_with = "shortest_f32")]
    pub exaggeration: f32,
}

impl Default for TsneParams {
    fn default() -> Self {
        Self { perplexity: 30.0, exaggeration: 1.0 }
    }
}

impl Params for TsneParams {
    fn check(&self) -> Result<(), ParamError> {
        require((2.0..=200.0).contains(&self.perplexity), "perplexity", "between 2 and 200", self.perplexity)?;
        require((1.0..=4.0).contains(&self.exaggeration), "exaggeration", "between 1 and 4", self.exaggeration)
    }
}

/// How the optimisation runs. Not on the command line: the defaults are openTSNE's and were
/// not beaten (docs/CHOICES.md); the sweep and the tests change them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TsneSchedule {
    /// Iterations after the early-exaggeration phase. By default 500.
    pub iterations: usize,
    /// Exaggeration after the early phase. By default 1 (plain t-SNE); larger values (2–4)
    /// pull clusters together into a more UMAP-like, continuous map.
    pub exaggeration: f64,
    /// Barnes–Hut opening angle; 0 computes the repulsion exactly. By default [`THETA`].
    pub theta: f64,
}

impl Default for TsneSchedule {
    fn default() -> Self {
        Self { iterations: 500, exaggeration: 1.0, theta: THETA }
    }
}

/// Neighbours t-SNE needs per point.
pub fn neighbors_needed(params: &TsneParams) -> usize {
    (3.0 * params.perplexity).ceil() as usize
}

/// Symmetric affinities P in CSR form: row i's neighbours and weights; all weights sum to 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Affinities {
    offsets: Vec<usize>,
    columns: Vec<u32>,
    weights: Vec<f64>,
}

impl Affinities {
    /// Number of points.
    pub fn n(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Row `i` as (neighbour, p_ij).
    pub fn row(&self, i: usize) -> impl Iterator<Item = (u32, f64)> + '_ {
        let r = self.offsets[i]..self.offsets[i + 1];
        self.columns[r.clone()].iter().copied().zip(self.weights[r].iter().copied())
    }
}

/// Conditional probabilities of one point from its neighbours' squared distances: the Gaussian
/// bandwidth whose entropy is ln(perplexity), by bisection on the precision β.
fn conditional_row(d2: &[f64], perplexity: f64) -> Vec<f64> {
    let target = perplexity.ln();
    let min = d2.iter().copied().fold(f64::INFINITY, f64::min);
    // Shifting by the smallest distance leaves the normalised row unchanged and avoids underflow.
    let shifted: Vec<f64> = d2.iter().map(|&d| d - min).collect();
    let (mut lo, mut hi, mut beta) = (0.0f64, f64::INFINITY, 1.0f64);
    let mut p = vec![0.0; d2.len()];
    for _ in 0..200 {
        let mut sum = 0.0;
        let mut weighted = 0.0;
        for (pj, &d) in p.iter_mut().zip(&shifted) {
            *pj = (-d * beta).exp();
            sum += *pj;
            weighted += d * *pj;
        }
        let entropy = sum.ln() + beta * weighted / sum;
        if (entropy - target).abs() < 1e-5 {
            break;
        }
        if entropy > target {
            lo = beta;
            beta = if hi.is_finite() { (lo + hi) / 2.0 } else { beta * 2.0 };
        } else {
            hi = beta;
            beta = (lo + hi) / 2.0;
        }
    }
    let sum: f64 = p.iter().sum();
    p.iter_mut().for_each(|v| *v /= sum);
    p
}

/// t-SNE affinities from a table of distances (nearest first, e.g. the k-NN of the embedding).
/// Each row's first `3 × perplexity` valid entries are used; rows may be padded. The
/// perplexity is lowered to what the available neighbours can express.
pub fn affinities_from_distances(knn: &NeighborTable, perplexity: f32) -> Affinities {
    affinities(knn, perplexity, |d| d as f64)
}

/// t-SNE affinities from a table of cosine similarities (strongest first, as
/// [`crate::cooc::top_similar`] gives them), taking 1 − similarity as the distance: what
/// openTSNE does with `metric="cosine"`. Needs `3 × perplexity` entries per row for the
/// perplexity to be met.
pub fn affinities_from_similarities(top: &NeighborTable, perplexity: f32) -> Affinities {
    affinities(top, perplexity, |s| (1.0 - s as f64).max(0.0))
}

fn affinities(table: &NeighborTable, perplexity: f32, distance: impl Fn(f32) -> f64 + Sync) -> Affinities {
    let n = table.n();
    let k = (3.0 * perplexity as f64).ceil() as usize;
    let rows: Vec<Vec<(u32, f64)>> = (0..n)
        .into_par_iter()
        .with_min_len(256)
        .map(|i| {
            let entries: Vec<(u32, f64)> =
                table.of(i).filter(|&(j, _)| j as usize != i).take(k).map(|(j, v)| (j, distance(v))).collect();
            if entries.is_empty() {
                return Vec::new();
            }
            let perp = (perplexity as f64).min(entries.len() as f64 / 3.0).max(1.0);
            let d2: Vec<f64> = entries.iter().map(|&(_, d)| d * d).collect();
            entries.iter().map(|e| e.0).zip(conditional_row(&d2, perp)).collect()
        })
        .collect();
    // Symmetrise: p_ij = (p_j|i + p_i|j), then normalise to sum 1. Both directions of every pair
    // are gathered and merged after a sort, so the result does not depend on the thread count.
    let mut all: Vec<(u32, u32, f64)> = Vec::with_capacity(2 * rows.iter().map(Vec::len).sum::<usize>());
    for (i, row) in rows.iter().enumerate() {
        for &(j, p) in row {
            all.push((i as u32, j, p));
            all.push((j, i as u32, p));
        }
    }
    drop(rows);
    all.par_sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.total_cmp(&b.2)));
    let mut offsets = vec![0usize; n + 1];
    let (mut columns, mut weights) = (Vec::with_capacity(all.len()), Vec::with_capacity(all.len()));
    let mut p = 0;
    while p < all.len() {
        let (i, j, mut w) = all[p];
        let mut q = p + 1;
        while q < all.len() && all[q].0 == i && all[q].1 == j {
            w += all[q].2;
            q += 1;
        }
        columns.push(j);
        weights.push(w);
        offsets[i as usize + 1] += 1;
        p = q;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let total: f64 = weights.iter().sum();
    if total > 0.0 {
        weights.iter_mut().for_each(|w| *w /= total);
    }
    Affinities { offsets, columns, weights }
}

/// The start layout openTSNE uses: the first two principal components of `embedding`, scaled
/// so the first has standard deviation 1e-4 (row-major n × 2).
pub fn initial_layout(embedding: &Embedding) -> Vec<f64> {
    let mut y = spectral::pca(&embedding.coords, embedding.dim, 2);
    let n = y.len() / 2;
    if n == 0 {
        return y;
    }
    let mean = y.iter().step_by(2).sum::<f64>() / n as f64;
    let std = (y.iter().step_by(2).map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64).sqrt();
    let scale = if std > 0.0 { INIT_STD / std } else { 1.0 };
    y.iter_mut().for_each(|v| *v *= scale);
    y
}

/// The gradient of KL(P‖Q) / 4 at `y` (with P × `exaggeration`), written into `grad`;
/// returns KL(P‖Q) (of the exaggerated P) when `with_cost`, else 0.
fn gradient(p: &Affinities, y: &[f64], exaggeration: f64, theta: f64, grad: &mut [f64], with_cost: bool) -> f64 {
    let n = p.n();
    let tree = QuadTree::new(y);
    let theta2 = theta * theta;
    // Per point: repulsion (x, y), Z share, attraction (x, y), and the cost terms; computed in
    // the tree's order (neighbouring points walk the same nodes: fewer cache misses), then put
    // back in index order. Each point's sums are the same in any order.
    let mut in_tree_order = vec![[0.0f64; 6]; n];
    in_tree_order.par_iter_mut().zip(tree.order().par_iter()).with_min_len(64).for_each_init(
        Vec::new,
        |stack, (out, &i)| {
            let i = i as usize;
            let ([rx, ry], z) = tree.repulsion(i, y, theta2, stack);
            let (mut ax, mut ay, mut cost) = (0.0f64, 0.0f64, 0.0f64);
            for (j, pij) in p.row(i) {
                let (dx, dy) = (y[2 * i] - y[2 * j as usize], y[2 * i + 1] - y[2 * j as usize + 1]);
                let q = 1.0 / (1.0 + dx * dx + dy * dy);
                let w = exaggeration * pij;
                ax += w * q * dx;
                ay += w * q * dy;
                if with_cost && w > 0.0 {
                    cost += w * (w.ln() - q.ln());
                }
            }
            *out = [rx, ry, z, ax, ay, cost];
        },
    );
    let mut parts = vec![[0.0f64; 6]; n];
    for (v, &i) in in_tree_order.iter().zip(tree.order()) {
        parts[i as usize] = *v;
    }
    // Z and the cost are added in index order: the same bits on any number of threads.
    let z: f64 = parts.iter().map(|v| v[2]).sum::<f64>().max(f64::MIN_POSITIVE);
    for (g, v) in grad.chunks_exact_mut(2).zip(&parts) {
        g[0] = v[3] - v[0] / z;
        g[1] = v[4] - v[1] / z;
    }
    if with_cost {
        // KL = Σ p ln p − Σ p ln q_unnormalised + (Σ p) ln Z.
        let cost: f64 = parts.iter().map(|v| v[5]).sum();
        cost + exaggeration * z.ln()
    } else {
        0.0
    }
}

/// Where a t-SNE optimisation stands: the layout, each coordinate's last step and gain, and
/// the iterations done. Cloning it after the early phase lets layouts that differ only after
/// it (their exaggeration) share that phase ([`layouts_from_cosine`]).
#[derive(Debug, Clone)]
pub struct Optimizer {
    y: Vec<f64>,
    update: Vec<f64>,
    gains: Vec<f64>,
    done: usize,
}

impl Optimizer {
    /// Starts from `init` (row-major n × 2, e.g. [`initial_layout`]).
    pub fn new(init: &[f64]) -> Self {
        Self { y: init.to_vec(), update: vec![0.0; init.len()], gains: vec![1.0; init.len()], done: 0 }
    }

    /// Runs iterations until `until` of them are done (the first [`EARLY_ITERATIONS`] with
    /// early exaggeration, the rest with `schedule`'s), advancing `progress` by one each.
    pub fn run(&mut self, affinities: &Affinities, schedule: &TsneSchedule, until: usize, progress: &dyn Progress) {
        let n = affinities.n();
        if n < 2 {
            progress.advance(until.saturating_sub(self.done) as u64);
            self.done = self.done.max(until);
            return;
        }
        let mut grad = vec![0.0f64; 2 * n];
        while self.done < until {
            let it = self.done;
            let early = it < EARLY_ITERATIONS;
            let exaggeration = if early { EARLY_EXAGGERATION } else { schedule.exaggeration };
            // Belkina et al.'s learning rate, as openTSNE sets it per phase.
            let rate = (n as f64 / exaggeration).max(50.0);
            let report = (it + 1).is_multiple_of(50);
            let cost = gradient(affinities, &self.y, exaggeration, schedule.theta, &mut grad, report);
            self.y
                .par_chunks_mut(2)
                .zip(self.update.par_chunks_mut(2))
                .zip(self.gains.par_chunks_mut(2))
                .zip(grad.par_chunks(2))
                .with_min_len(1024)
                .for_each(|(((yi, ui), gi), di)| {
                    for d in 0..2 {
                        // Gains grow where the gradient turned against the last step, shrink where not.
                        gi[d] = if (di[d] > 0.0) != (ui[d] > 0.0) { gi[d] + 0.2 } else { gi[d] * 0.8 + MIN_GAIN };
                        ui[d] = MOMENTUM * ui[d] - rate * gi[d] * di[d];
                    }
                    let norm = (ui[0] * ui[0] + ui[1] * ui[1]).sqrt();
                    if norm > MAX_STEP {
                        ui[0] *= MAX_STEP / norm;
                        ui[1] *= MAX_STEP / norm;
                    }
                    yi[0] += ui[0];
                    yi[1] += ui[1];
                });
            let y = &mut self.y;
            let mean =
                [y.iter().step_by(2).sum::<f64>() / n as f64, y.iter().skip(1).step_by(2).sum::<f64>() / n as f64];
            y.par_chunks_mut(2).with_min_len(1024).for_each(|p| {
                p[0] -= mean[0];
                p[1] -= mean[1];
            });
            if report {
                progress.message(&format!("KL divergence {:.4}", cost / exaggeration - exaggeration.ln()));
            }
            progress.advance(1);
            self.done += 1;
        }
    }

    /// The layout (row-major n × 2).
    pub fn layout(&self) -> Vec<f32> {
        self.y.iter().map(|&v| v as f32).collect()
    }
}

/// Runs t-SNE on `affinities` from `init` (row-major n × 2, e.g. [`initial_layout`]) and
/// returns the layout. Deterministic given the start: no random numbers are drawn.
pub fn optimize(affinities: &Affinities, init: &[f64], schedule: &TsneSchedule, progress: &dyn Progress) -> Vec<f32> {
    let total = EARLY_ITERATIONS + schedule.iterations;
    progress.set_total(total as u64);
    let mut optimizer = Optimizer::new(init);
    optimizer.run(affinities, schedule, total, progress);
    optimizer.layout()
}

/// The neighbourhood layout: t-SNE on the co-occurrence stage's cosine neighbours, started
/// from the embedding's principal components.
///
/// Consumes `top`, the cosine top-k of [`crate::cooc::top_similar`] (similarities, strongest
/// first, padded rows allowed) with k ≥ [`neighbors_needed`] (90 at the default perplexity 30),
/// and `embedding` (the MDE embedding, any dimension) for the start only; both with rows in the
/// same entity order. Returns row-major n × 2.
pub fn layout_from_cosine(
    top: &NeighborTable,
    embedding: &Embedding,
    params: &Valid<TsneParams>,
    progress: &dyn Progress,
) -> Vec<f32> {
    let p = affinities_from_similarities(top, params.perplexity);
    let schedule = TsneSchedule { exaggeration: params.exaggeration as f64, ..TsneSchedule::default() };
    optimize(&p, &initial_layout(embedding), &schedule, progress)
}

/// [`layout_from_cosine`] for several parameter sets of one perplexity: they share the
/// affinities, the start and the early phase (which reads neither exaggeration), so those run
/// once, then each set's own iterations run in parallel. Each result is bit for bit what
/// [`layout_from_cosine`] gives for it. `progress[k]` follows set `k` (the shared part
/// advances them all).
pub fn layouts_from_cosine(
    top: &NeighborTable,
    embedding: &Embedding,
    params: &[Valid<TsneParams>],
    progress: &[&dyn Progress],
) -> Vec<Vec<f32>> {
    let Some(first) = params.first() else { return Vec::new() };
    debug_assert!(params.iter().all(|p| p.perplexity == first.perplexity) && progress.len() == params.len());
    let p = affinities_from_similarities(top, first.perplexity);
    let schedules: Vec<TsneSchedule> = params
        .iter()
        .map(|q| TsneSchedule { exaggeration: q.exaggeration as f64, ..TsneSchedule::default() })
        .collect();
    for (task, schedule) in progress.iter().zip(&schedules) {
        task.set_total((EARLY_ITERATIONS + schedule.iterations) as u64);
    }
    let mut shared = Optimizer::new(&initial_layout(embedding));
    shared.run(&p, &schedules[0], EARLY_ITERATIONS, &Fan(progress));
    schedules
        .par_iter()
        .zip(progress)
        .map(|(schedule, task)| {
            let mut own = shared.clone();
            own.run(&p, schedule, EARLY_ITERATIONS + schedule.iterations, *task);
            own.layout()
        })
        .collect()
}

/// Reports to every one of several progress tasks.
struct Fan<'a>(&'a [&'a dyn Progress]);

impl Progress for Fan<'_> {
    fn advance(&self, done: u64) {
        self.0.iter().for_each(|p| p.advance(done));
    }
    fn message(&self, text: &str) {
        self.0.iter().for_each(|p| p.message(text));
    }
}

/// t-SNE of `embedding` fed its own k-NN table (distances, at least [`neighbors_needed`] per
/// point), started from its principal components. What the builder did until the layout sweep;
/// kept as the comparison. Prefer [`affinities_from_similarities`] on the co-occurrence stage's
/// cosine neighbours.
pub fn project(
    embedding: &Embedding,
    knn: &NeighborTable,
    params: &Valid<TsneParams>,
    progress: &dyn Progress,
) -> Vec<f32> {
    let p = affinities_from_distances(knn, params.perplexity);
    let schedule = TsneSchedule { exaggeration: params.exaggeration as f64, ..TsneSchedule::default() };
    optimize(&p, &initial_layout(embedding), &schedule, progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knn::brute_force;
    use crate::progress::NoProgress;
    use crate::test_data::{gap_and_spread, two_blobs};

    #[test]
    fn separates_two_blobs_reproducibly() {
        let emb = two_blobs(80, 3, 8.0, 2);
        let params = TsneParams { perplexity: 10.0, ..TsneParams::default() }.validate().unwrap();
        let knn = brute_force(&emb.coords, 3, neighbors_needed(&params));
        let y = project(&emb, &knn, &params, &NoProgress);
        assert_eq!(y.len(), 320);
        let (gap, spread) = gap_and_spread(&y, 80);
        assert!(gap > 2.0 * spread, "gap {gap}, spread {spread}");
        assert_eq!(y, project(&emb, &knn, &params, &NoProgress));
    }

    #[test]
    fn same_bits_on_one_and_two_threads() {
        let emb = two_blobs(300, 4, 3.0, 5);
        let knn = brute_force(&emb.coords, 4, 30);
        let p = affinities_from_distances(&knn, 10.0);
        let schedule = TsneSchedule { iterations: 100, ..TsneSchedule::default() };
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| optimize(&p, &initial_layout(&emb), &schedule, &NoProgress))
        };
        let one = run(1);
        assert!(one.iter().all(|v| v.is_finite()));
        assert_eq!(one, run(2));
        assert_eq!(one, run(3));
    }

    #[test]
    fn rows_meet_the_perplexity_and_p_is_symmetric_and_sums_to_one() {
        let d2: Vec<f64> = (0..30).map(|j| (j as f64 * 0.37).powi(2)).collect();
        let row = conditional_row(&d2, 8.0);
        let entropy: f64 = -row.iter().filter(|&&p| p > 0.0).map(|&p| p * p.ln()).sum::<f64>();
        assert!((entropy - 8f64.ln()).abs() < 1e-4, "{entropy}");
        let emb = two_blobs(40, 3, 5.0, 1);
        let p = affinities_from_distances(&brute_force(&emb.coords, 3, 15), 5.0);
        let total: f64 = (0..80).flat_map(|i| p.row(i).map(|e| e.1).collect::<Vec<_>>()).sum();
        assert!((total - 1.0).abs() < 1e-12);
        for i in 0..80 {
            for (j, pij) in p.row(i) {
                let back = p.row(j as usize).find(|e| e.0 == i as u32).map(|e| e.1);
                assert_eq!(back, Some(pij));
            }
        }
        // Similarities: identical sets (similarity 1) are the nearest.
        let top = NeighborTable::from_rows(2, &[vec![(1, 1.0), (2, 0.2)], vec![(0, 1.0)], vec![(0, 0.2)]]);
        let p = affinities_from_similarities(&top, 2.0);
        let p01 = p.row(0).find(|e| e.0 == 1).map(|e| e.1).unwrap();
        let p02 = p.row(0).find(|e| e.0 == 2).map(|e| e.1).unwrap();
        assert!(p01 > p02);
    }

    /// KL(P‖Q) computed directly, for the finite-difference check.
    fn exact_kl(p: &Affinities, y: &[f64]) -> f64 {
        let n = p.n();
        let q =
            |i: usize, j: usize| 1.0 / (1.0 + (y[2 * i] - y[2 * j]).powi(2) + (y[2 * i + 1] - y[2 * j + 1]).powi(2));
        let z: f64 =
            (0..n).flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j))).map(|(i, j)| q(i, j)).sum();
        (0..n)
            .flat_map(|i| p.row(i).map(move |(j, pij)| (i, j as usize, pij)))
            .map(|(i, j, pij)| pij * (pij / (q(i, j) / z)).ln())
            .sum()
    }

    #[test]
    fn exact_gradient_and_cost_match_finite_differences() {
        let emb = two_blobs(15, 3, 4.0, 3);
        let p = affinities_from_distances(&brute_force(&emb.coords, 3, 12), 4.0);
        let y: Vec<f64> = emb.coords.chunks(3).flat_map(|c| [c[0] as f64, c[1] as f64]).collect();
        let mut grad = vec![0.0; y.len()];
        let cost = gradient(&p, &y, 1.0, 0.0, &mut grad, true);
        assert!((cost - exact_kl(&p, &y)).abs() < 1e-10, "{cost}");
        for k in [0, 5, 17, 29, 44, 59] {
            let h = 1e-6;
            let (mut yp, mut ym) = (y.clone(), y.clone());
            yp[k] += h;
            ym[k] -= h;
            // The gradient is dKL/dy / 4 (openTSNE's convention).
            let numeric = (exact_kl(&p, &yp) - exact_kl(&p, &ym)) / (2.0 * h) / 4.0;
            assert!((numeric - grad[k]).abs() < 1e-6 * (1.0 + numeric.abs()), "{k}: {numeric} vs {}", grad[k]);
        }
        // Barnes–Hut with θ = 0.5 stays close to the exact gradient.
        let mut approx = vec![0.0; y.len()];
        gradient(&p, &y, 1.0, THETA, &mut approx, false);
        let err: f64 = approx.iter().zip(&grad).map(|(a, b)| (a - b).powi(2)).sum::<f64>().sqrt();
        let size: f64 = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
        assert!(err < 0.05 * size, "{err} vs {size}");
    }

    #[test]
    fn duplicate_points_and_tiny_inputs_do_not_fail() {
        let y = vec![0.5; 2 * 40];
        let tree = QuadTree::new(&y);
        let (f, z) = tree.repulsion(3, &y, 0.25, &mut Vec::new());
        assert_eq!((f, z), ([0.0, 0.0], 39.0));
        let emb = Embedding { dim: 3, coords: vec![0.0, 1.0, 2.0] };
        let p = affinities_from_distances(&brute_force(&emb.coords, 3, 5), 30.0);
        assert_eq!(optimize(&p, &initial_layout(&emb), &TsneSchedule::default(), &NoProgress).len(), 2);
    }
}
