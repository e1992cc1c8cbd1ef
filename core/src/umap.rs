//! Stage 5a: UMAP from the high-dimensional embedding to 2D, following McInnes et al. and
//! umap-learn: a fuzzy simplicial set on the k-NN graph (per-point bandwidths found by binary
//! search, fuzzy union), a start from the embedding's principal components, then SGD with
//! edge sampling proportional to membership strength, negative sampling (from a per-epoch pool
//! of uniformly drawn nodes on large layouts) and a linearly decaying learning rate; the curve
//! 1 / (1 + a·d^2b) is fitted to `min_dist`.
//!
//! The SGD runs in parallel over fixed node ranges with per-range seeded generators (see
//! [`optimize`]): bit-identical results for a seed, whatever the thread count.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use wide::f32x8;

use crate::fastmath::{fast_pow, fast_pow8};
use crate::hash::mix64;
use crate::mde::Embedding;
use crate::neighbors::NeighborTable;
use crate::params::{require, shortest_f32, ParamError, Params, Valid};
use crate::progress::Progress;
use crate::spectral;

/// Scale of the layout (umap-learn's `spread`).
const SPREAD: f32 = 1.0;
/// Negative samples per positive one (umap-learn's `negative_sample_rate`).
const NEGATIVE_SAMPLE_RATE: usize = 5;
/// Weight of the repulsion (umap-learn's `repulsion_strength`).
const REPULSION_STRENGTH: f32 = 1.0;
/// Negative samples whose positions are read together and whose pushes start from one point
/// (see [`optimize`]).
const NEGATIVE_BATCH: usize = 8;
/// Nodes a part draws its negative samples from in an epoch, on layouts larger than this (see
/// [`optimize`]). 65,536 positions and ids are 768 KiB, mostly in a core's L2 cache. A pool of
/// 16,384 was faster still at 1M (UMAP 183 against 252 s) but cost quality: trustworthiness
/// 0.992 against 0.996 (docs/SCALE.md).
const NEGATIVE_POOL: usize = 1 << 16;

/// UMAP parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct UmapParams {
    /// Neighbourhood size of the fuzzy graph, 2 to 500. By default 15, umap-learn's own: it beat
    /// 30 and 100 on recall and costs least (docs/CHOICES.md).
    #[serde(rename = "umap-neighbors")]
    pub neighbors: usize,
    /// Smallest distance between points in the layout, in (0, 1]. By default 0.25.
    #[serde(serialize_with = "shortest_f32")]
    pub min_dist: f32,
    /// Training epochs. By default (`None`) 500 below 10k points, 200 above (umap-learn's rule).
    #[serde(rename = "umap-epochs", skip_serializing_if = "Option::is_none")]
    pub epochs: Option<usize>,
}

impl Default for UmapParams {
    fn default() -> Self {
        Self { neighbors: 15, min_dist: 0.25, epochs: None }
    }
}

impl Params for UmapParams {
    fn check(&self) -> Result<(), ParamError> {
        require((2..=500).contains(&self.neighbors), "umap-neighbors", "between 2 and 500", self.neighbors)?;
        require(self.min_dist > 0.0 && self.min_dist <= 1.0, "min-dist", "in (0, 1]", self.min_dist)?;
        match self.epochs {
            Some(e) => require(e >= 1, "umap-epochs", "at least 1", e),
            None => Ok(()),
        }
    }
}

/// Fits `a`, `b` of 1 / (1 + a·x^2b) to the target curve: 1 below `min_dist`, then
/// exp(−(x − min_dist) / spread), by Gauss–Newton least squares on 300 samples.
pub fn fit_ab(min_dist: f32, spread: f32) -> (f32, f32) {
    let (min_dist, spread) = (min_dist as f64, spread as f64);
    let xs: Vec<f64> = (1..=300).map(|i| i as f64 * 3.0 * spread / 300.0).collect();
    let ys: Vec<f64> = xs.iter().map(|&x| if x < min_dist { 1.0 } else { (-(x - min_dist) / spread).exp() }).collect();
    let (mut a, mut b) = (1.0f64, 1.0f64);
    let mut lambda = 1e-3;
    let loss = |a: f64, b: f64| -> f64 {
        xs.iter().zip(&ys).map(|(&x, &y)| (1.0 / (1.0 + a * x.powf(2.0 * b)) - y).powi(2)).sum()
    };
    let mut current = loss(a, b);
    for _ in 0..200 {
        // Levenberg–Marquardt step on the 2-parameter problem.
        let (mut jtj, mut jtr) = ([[0.0f64; 2]; 2], [0.0f64; 2]);
        for (&x, &y) in xs.iter().zip(&ys) {
            let p = x.powf(2.0 * b);
            let f = 1.0 / (1.0 + a * p);
            let r = f - y;
            let da = -p * f * f;
            let db = -a * p * 2.0 * x.ln() * f * f;
            let j = [da, db];
            for u in 0..2 {
                jtr[u] += j[u] * r;
                for v in 0..2 {
                    jtj[u][v] += j[u] * j[v];
                }
            }
        }
        let m00 = jtj[0][0] * (1.0 + lambda);
        let m11 = jtj[1][1] * (1.0 + lambda);
        let det = m00 * m11 - jtj[0][1] * jtj[1][0];
        if det.abs() < 1e-300 {
            break;
        }
        let step_a = (m11 * jtr[0] - jtj[0][1] * jtr[1]) / det;
        let step_b = (m00 * jtr[1] - jtj[1][0] * jtr[0]) / det;
        let (na, nb) = (a - step_a, b - step_b);
        let next = if na > 0.0 && nb > 0.0 { loss(na, nb) } else { f64::INFINITY };
        if next < current {
            let done = (current - next) < 1e-14;
            a = na;
            b = nb;
            current = next;
            lambda *= 0.3;
            if done {
                break;
            }
        } else {
            lambda *= 10.0;
        }
    }
    (a as f32, b as f32)
}

/// The fuzzy simplicial set as an edge list, both directions of each pair, sorted by head.
#[derive(Debug, Clone, PartialEq)]
pub struct FuzzyGraph {
    /// Edge heads.
    pub heads: Vec<u32>,
    /// Edge tails.
    pub tails: Vec<u32>,
    /// Membership strengths in (0, 1].
    pub weights: Vec<f32>,
}

/// Per-point bandwidth: ρ is the distance to the nearest neighbour, σ makes the memberships
/// sum to log2(k) (umap-learn's `smooth_knn_dist`).
fn smooth_knn(dists: &[f32], mean_all: f64) -> (f64, f64) {
    let k = dists.len();
    let target = (k as f64).log2();
    let rho = dists.iter().copied().find(|&d| d > 0.0).unwrap_or(0.0) as f64;
    let (mut lo, mut hi, mut mid) = (0.0f64, f64::INFINITY, 1.0f64);
    for _ in 0..64 {
        let psum: f64 = dists.iter().map(|&d| (d as f64 - rho).max(0.0)).map(|d| (-d / mid).exp()).sum();
        if (psum - target).abs() < 1e-5 {
            break;
        }
        if psum > target {
            hi = mid;
            mid = (lo + hi) / 2.0;
        } else {
            lo = mid;
            mid = if hi.is_infinite() { mid * 2.0 } else { (lo + hi) / 2.0 };
        }
    }
    let mean_i = dists.iter().map(|&d| d as f64).sum::<f64>() / k.max(1) as f64;
    let floor = 1e-3 * if rho > 0.0 { mean_i } else { mean_all };
    (rho, mid.max(floor))
}

/// Builds the fuzzy simplicial set of a k-NN graph.
pub fn fuzzy_graph(knn: &NeighborTable) -> FuzzyGraph {
    let n = knn.n();
    // Rows may be padded (a cosine table of entities with few partners): only real entries count.
    let (sum, count) = (0..n).flat_map(|i| knn.of(i)).fold((0.0f64, 0usize), |(s, c), (_, d)| (s + d as f64, c + 1));
    let mean_all = sum / count.max(1) as f64;
    let directed: Vec<Vec<(u32, u32, f32)>> = (0..n)
        .into_par_iter()
        .with_min_len(256)
        .map(|i| {
            let degree = knn.degree(i);
            let d = &knn.values_of(i)[..degree];
            if degree == 0 {
                return Vec::new();
            }
            let (rho, sigma) = smooth_knn(d, mean_all);
            knn.indices_of(i)[..degree]
                .iter()
                .zip(d)
                .map(|(&j, &dj)| {
                    let w = if (dj as f64) <= rho { 1.0 } else { (-((dj as f64) - rho) / sigma).exp() };
                    (i as u32, j, w as f32)
                })
                .collect()
        })
        .collect();
    // Fuzzy union w_ij + w_ji − w_ij·w_ji: gather both directions per pair, then merge.
    let mut all: Vec<(u32, u32, f32)> = Vec::with_capacity(2 * n * knn.k());
    for row in &directed {
        for &(i, j, w) in row {
            all.push((i, j, w));
            all.push((j, i, w));
        }
    }
    drop(directed);
    all.par_sort_unstable_by_key(|&(i, j, _)| (i, j));
    let (mut heads, mut tails, mut weights) = (Vec::new(), Vec::new(), Vec::new());
    let mut p = 0;
    while p < all.len() {
        let (i, j, w) = all[p];
        let mut q = p + 1;
        let mut merged = w;
        // A pair appears at most twice (once from each end); a + b − ab is symmetric, so the
        // order of the two does not matter.
        if q < all.len() && all[q].0 == i && all[q].1 == j {
            merged = w + all[q].2 - w * all[q].2;
            q += 1;
        }
        if i != j && merged > 0.0 {
            heads.push(i);
            tails.push(j);
            weights.push(merged);
        }
        p = q;
    }
    FuzzyGraph { heads, tails, weights }
}

fn clip(v: f32) -> f32 {
    v.clamp(-4.0, 4.0)
}

/// Node ranges the SGD works on in parallel. Fixed (not the thread count), so the result is
/// the same on any machine.
const PARTS: usize = 64;

/// One part's share of the SGD: its edges (a contiguous run of the head-sorted edge list) and
/// their sampling schedules.
struct Part {
    edges: std::ops::Range<usize>,
    next_sample: Vec<f32>,
    next_negative: Vec<f32>,
    /// This epoch's negative pool: node ids and their positions (empty when unpooled).
    pool_ids: Vec<u32>,
    pool_xy: Vec<f32>,
}

/// Lays `graph` out in 2D starting from `init` (row-major n × 2), in place.
///
/// Each epoch the nodes are split into `PARTS` (64) fixed index ranges processed in parallel. A
/// part moves only its own nodes (the head of each edge; the graph holds both directions of
/// every edge, so each end is pulled by its own copy), reads its own nodes live and every other
/// node from a snapshot taken at the start of the epoch. Each part draws negative samples from
/// its own generator seeded by (seed, epoch, part). No two tasks write the same memory and no
/// task reads memory another writes, so the layout is bit-identical for any thread count.
///
/// On layouts of more than `NEGATIVE_POOL` (65,536) nodes, each part first draws that many nodes
/// uniformly (with replacement) and copies their snapshot positions into a pool; its negative
/// samples are then drawn uniformly from the pool. Each sample is still a uniform draw over all
/// nodes, so the expected repulsion is umap-learn's. What changes is where the reads go: five
/// negatives per positive sample, each a random read over the whole layout, were most of the
/// SGD's time at a million points (the reads miss every cache); from the pool they hit the
/// core's cache, and the pool costs one random read per dozen samples at 1M nodes.
pub fn optimize(
    graph: &FuzzyGraph,
    layout: &mut [f32],
    params: &Valid<UmapParams>,
    seed: u64,
    progress: &dyn Progress,
) {
    optimize_with_pool(graph, layout, params, seed, progress, NEGATIVE_POOL)
}

fn optimize_with_pool(
    graph: &FuzzyGraph,
    layout: &mut [f32],
    params: &Valid<UmapParams>,
    seed: u64,
    progress: &dyn Progress,
    pool: usize,
) {
    let n = layout.len() / 2;
    if n == 0 {
        return;
    }
    let epochs = params.epochs.unwrap_or(if n <= 10_000 { 500 } else { 200 });
    let (a, b) = fit_ab(params.min_dist, SPREAD);
    let max_w = graph.weights.iter().copied().fold(0.0f32, f32::max);
    // Edges too weak to be sampled even once in the whole run are dropped (as umap-learn does).
    let keep: Vec<usize> = (0..graph.weights.len()).filter(|&e| graph.weights[e] >= max_w / epochs as f32).collect();
    let epochs_per_sample: Vec<f32> = keep.iter().map(|&e| max_w / graph.weights[e]).collect();
    let rate = NEGATIVE_SAMPLE_RATE as f32;
    let epochs_per_negative: Vec<f32> = epochs_per_sample.iter().map(|&e| e / rate).collect();

    let part_nodes = n.div_ceil(PARTS);
    let mut parts: Vec<Part> = Vec::with_capacity(PARTS);
    let mut start = 0;
    for p in 0..n.div_ceil(part_nodes) {
        let end_node = ((p + 1) * part_nodes).min(n) as u32;
        let mut end = start;
        while end < keep.len() && graph.heads[keep[end]] < end_node {
            end += 1;
        }
        parts.push(Part {
            edges: start..end,
            next_sample: epochs_per_sample[start..end].to_vec(),
            next_negative: epochs_per_negative[start..end].to_vec(),
            pool_ids: Vec::new(),
            pool_xy: Vec::new(),
        });
        start = end;
    }
    let mut snapshot = layout.to_vec();
    progress.set_total(epochs as u64);

    for epoch in 0..epochs {
        let alpha = 1.0 - epoch as f32 / epochs as f32;
        let now = epoch as f32;
        snapshot.copy_from_slice(layout);
        let snap = &snapshot;
        layout.par_chunks_mut(2 * part_nodes).zip(parts.par_iter_mut()).enumerate().for_each(|(p, (own, part))| {
            let base = p * part_nodes;
            // A node of this part as it is now, any other as it was when the epoch began.
            let at = |own: &[f32], k: usize| {
                if k >= base && k - base < part_nodes {
                    (own[2 * (k - base)], own[2 * (k - base) + 1])
                } else {
                    (snap[2 * k], snap[2 * k + 1])
                }
            };
            let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x756d_6170 ^ mix64(((epoch as u64) << 20) | p as u64));
            if n > pool {
                part.pool_ids.clear();
                part.pool_xy.clear();
                for _ in 0..pool {
                    let k = rng.random_range(0..n);
                    part.pool_ids.push(k as u32);
                    part.pool_xy.extend_from_slice(&snap[2 * k..2 * k + 2]);
                }
            }
            let (pool_ids, pool_xy) = (&part.pool_ids, &part.pool_xy);
            for (local, slot) in part.edges.clone().enumerate() {
                if part.next_sample[local] > now {
                    continue;
                }
                let e = keep[slot];
                let i = graph.heads[e] as usize - base;
                let j = graph.tails[e] as usize;
                let (xj, yj) = at(own, j);
                let (dx, dy) = (own[2 * i] - xj, own[2 * i + 1] - yj);
                let d2 = dx * dx + dy * dy;
                if d2 > 0.0 {
                    let pb = fast_pow(d2, b); // one power per update: d2^(b-1) = d2^b / d2
                    let coeff = -2.0 * a * b * (pb / d2) / (a * pb + 1.0);
                    // umap-learn moves both ends of every sampled edge, and each edge is
                    // stored in both directions: each end is pulled twice per cycle. Here an
                    // edge moves only its head, so the pull is doubled to keep that balance.
                    own[2 * i] += 2.0 * clip(coeff * dx) * alpha;
                    own[2 * i + 1] += 2.0 * clip(coeff * dy) * alpha;
                }
                part.next_sample[local] += epochs_per_sample[slot];

                let negatives = ((now - part.next_negative[local]) / epochs_per_negative[slot]) as usize;
                // Negative samples a batch at a time, every push in a batch computed from where
                // node i stood when the batch began, then added up in draw order. Each push is a
                // chain of a power and two divisions; from one start point the chains of a batch
                // are independent and the core overlaps them, where moving i after each one made
                // them wait on each other. The positions are read first for the same reason:
                // the reads are random over the whole layout and mostly miss the cache.
                let mut left = negatives;
                while left > 0 {
                    let batch = left.min(NEGATIVE_BATCH);
                    left -= batch;
                    let (xi, yi) = (own[2 * i], own[2 * i + 1]);
                    let mut near = [(xi, yi); NEGATIVE_BATCH];
                    for slot in &mut near[..batch] {
                        if pool_ids.is_empty() {
                            let k = rng.random_range(0..n);
                            if k != i + base {
                                *slot = at(own, k);
                            }
                        } else {
                            let s = rng.random_range(0..pool);
                            if pool_ids[s] as usize != i + base {
                                *slot = (pool_xy[2 * s], pool_xy[2 * s + 1]);
                            }
                        }
                    }
                    // All eight lanes at once (the same bits as one at a time), then added up in
                    // draw order.
                    let (dx, dy) = (
                        f32x8::splat(xi) - f32x8::from(near.map(|p| p.0)),
                        f32x8::splat(yi) - f32x8::from(near.map(|p| p.1)),
                    );
                    let d2 = dx * dx + dy * dy;
                    let coeff = f32x8::splat(2.0 * REPULSION_STRENGTH * b)
                        / ((f32x8::splat(0.001) + d2) * (f32x8::splat(a) * fast_pow8(d2, b) + f32x8::splat(1.0)));
                    let clip8 = |v: f32x8| v.fast_max(f32x8::splat(-4.0)).fast_min(f32x8::splat(4.0));
                    let alpha8 = f32x8::splat(alpha);
                    let (px, py, d2): ([f32; 8], [f32; 8], [f32; 8]) =
                        ((clip8(coeff * dx) * alpha8).into(), (clip8(coeff * dy) * alpha8).into(), d2.into());
                    let (mut push_x, mut push_y) = (0.0f32, 0.0f32);
                    for k in 0..batch {
                        if d2[k] <= 0.0 {
                            continue; // itself, or coincident: no direction to push in
                        }
                        push_x += px[k];
                        push_y += py[k];
                    }
                    own[2 * i] += push_x;
                    own[2 * i + 1] += push_y;
                }
                part.next_negative[local] += negatives as f32 * epochs_per_negative[slot];
            }
        });
        progress.advance(1);
    }
}

/// Scales a start layout so its largest coordinate is 10 (umap-learn's convention), then adds a
/// tiny seeded jitter so coincident points can separate.
pub fn scale_init(layout: &mut [f64], seed: u64) -> Vec<f32> {
    let max = layout.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let scale = if max > 0.0 { 10.0 / max } else { 1.0 };
    let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x6a69_7474);
    layout.iter().map(|&v| (v * scale) as f32 + rng.random_range(-1e-4f32..1e-4)).collect()
}

/// UMAP of `embedding` using its precomputed k-NN graph.
pub fn project(
    embedding: &Embedding,
    knn: &NeighborTable,
    params: &Valid<UmapParams>,
    seed: u64,
    progress: &dyn Progress,
) -> Vec<f32> {
    let graph = fuzzy_graph(knn);
    let mut start = spectral::pca(&embedding.coords, embedding.dim, 2);
    let mut layout = scale_init(&mut start, seed);
    optimize(&graph, &mut layout, params, seed, progress);
    layout
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knn::brute_force;
    use crate::progress::NoProgress;
    use crate::test_data::{gap_and_spread, two_blobs};

    #[test]
    fn ab_fit_matches_umap_learn() {
        // umap-learn's find_ab_params(1.0, 0.1) gives a ≈ 1.577, b ≈ 0.895.
        let (a, b) = fit_ab(0.1, 1.0);
        assert!((a - 1.577).abs() < 0.02 && (b - 0.895).abs() < 0.01, "{a} {b}");
        let (a, b) = fit_ab(0.25, 1.0);
        assert!(a > 0.5 && a < 1.577 && b > 0.895, "{a} {b}");
    }

    #[test]
    fn memberships_sum_to_log2_k_and_union_is_symmetric() {
        let pts: Vec<f32> =
            (0..40).flat_map(|i| [(i % 7) as f32 * 0.3, (i / 7) as f32 * 0.5 + (i as f32) * 0.01]).collect();
        let knn = brute_force(&pts, 2, 8);
        let (rho, sigma) = smooth_knn(knn.values_of(3), 1.0);
        let sum: f64 = knn.values_of(3).iter().map(|&d| (-((d as f64 - rho).max(0.0)) / sigma).exp()).sum();
        assert!((sum - 3.0).abs() < 1e-3, "{sum}");
        let g = fuzzy_graph(&knn);
        let mut pairs: Vec<(u32, u32, u32)> =
            g.heads.iter().zip(&g.tails).zip(&g.weights).map(|((&i, &j), &w)| (i, j, w.to_bits())).collect();
        pairs.sort_unstable();
        for &(i, j, w) in &pairs {
            let back = pairs.binary_search_by_key(&(j, i), |&(a, b, _)| (a, b)).expect("reverse edge");
            assert_eq!(pairs[back].2, w);
        }
        assert!(g.weights.iter().all(|&w| w > 0.0 && w <= 1.0));
    }

    #[test]
    fn two_blobs_stay_apart_in_2d() {
        let emb = two_blobs(100, 4, 10.0, 1);
        let knn = brute_force(&emb.coords, 4, 15);
        let params = UmapParams { epochs: Some(200), ..Default::default() }.validate().unwrap();
        let y = project(&emb, &knn, &params, 0, &NoProgress);
        let (gap, spread) = gap_and_spread(&y, 100);
        assert!(gap > 2.0 * spread, "gap {gap} spread {spread}");
        assert_eq!(y, project(&emb, &knn, &params, 0, &NoProgress), "not deterministic");
    }

    #[test]
    fn negatives_from_a_pool_keep_blobs_apart_and_the_bits_fixed_at_any_thread_count() {
        let emb = two_blobs(100, 4, 10.0, 1);
        let knn = brute_force(&emb.coords, 4, 15);
        let params = UmapParams { epochs: Some(200), ..Default::default() }.validate().unwrap();
        let graph = fuzzy_graph(&knn);
        let run = |threads: usize| {
            let mut start = spectral::pca(&emb.coords, emb.dim, 2);
            let mut layout = scale_init(&mut start, 0);
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| optimize_with_pool(&graph, &mut layout, &params, 0, &NoProgress, 16));
            layout
        };
        let y = run(1);
        let (gap, spread) = gap_and_spread(&y, 100);
        assert!(gap > 2.0 * spread, "gap {gap} spread {spread}");
        assert_eq!(y, run(3), "thread count changed the bits");
        let mut unpooled = y.clone();
        let mut start = spectral::pca(&emb.coords, emb.dim, 2);
        unpooled.copy_from_slice(&scale_init(&mut start, 0));
        optimize(&graph, &mut unpooled, &params, 0, &NoProgress);
        assert_ne!(y, unpooled, "the pool was not used");
    }
}
