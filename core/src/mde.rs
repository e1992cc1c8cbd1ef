//! Stage 4: minimum-distortion embedding of the relationship graph into a few dimensions, after
//! PyMDE's `preserve_neighbors`: an attractive penalty on graph edges, a repulsive penalty
//! −ln(1 − e^(−d)) on a fixed random sample of non-edges (as many as there are edges; each end
//! uniform, drawn block by block so that a block's repulsive edges share their partners, see
//! `sample_non_edges`), the embedding kept centred, minimised with L-BFGS.
//!
//! The objective and gradient are evaluated edge by edge in a fixed number of chunks, each with
//! its own gradient buffer; buffers and partial sums are added in chunk order: parallel, yet
//! bit-identical whatever the thread count.

use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::fastmath::fast_ln;
use crate::graph::Graph;
use crate::lbfgs::{self, LbfgsParams};
use crate::params::{choice, require, ParamError, Params, Valid};
use crate::progress::Progress;
use crate::spectral;

choice! {
    /// How the embedding starts.
    pub enum Init {
        /// Standard normal coordinates: fast, and what worked on real data.
        Random = "random",
        /// The graph's leading non-trivial eigenvectors (slow on large graphs).
        Spectral = "spectral",
    }
}

choice! {
    /// The attractive penalty on a graph edge of length d.
    pub enum Attractive {
        /// d: keeps pulling far-apart neighbours together.
        Linear = "linear",
        /// ln(1 + d^1.5), PyMDE's default: saturates, so far-apart neighbours pull weakly.
        Log1p = "log1p",
        /// d².
        Quadratic = "quadratic",
    }
}

/// Repulsive (non-)edges sampled per graph edge, as PyMDE's `preserve_neighbors`.
const REPULSIVE_FRACTION: f64 = 1.0;

/// Parameters of the embedding.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct MdeParams {
    /// Target dimension, 3 to 16. By default 4: 8 is marginally better and slower, 3
    /// marginally worse (docs/CHOICES.md).
    pub dim: usize,
    /// Initialisation. By default random: spectral gives the same quality, much slower.
    pub init: Init,
    /// Attractive penalty. By default linear: on films × cast it kept 10-NN recall at 0.14
    /// against 0.10 for PyMDE's log1p.
    pub attractive: Attractive,
    /// L-BFGS iteration limit. By default 300.
    #[serde(rename = "mde-iterations")]
    pub max_iter: usize,
}

impl Default for MdeParams {
    fn default() -> Self {
        Self { dim: 4, init: Init::Random, attractive: Attractive::Linear, max_iter: 300 }
    }
}

impl Params for MdeParams {
    fn check(&self) -> Result<(), ParamError> {
        require((3..=16).contains(&self.dim), "dim", "between 3 and 16", self.dim)?;
        require(self.max_iter >= 1, "mde-iterations", "at least 1", self.max_iter)
    }
}

/// Row-major `n × dim` coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding {
    /// Dimension.
    pub dim: usize,
    /// Coordinates.
    pub coords: Vec<f32>,
}

impl Embedding {
    /// Number of points.
    pub fn n(&self) -> usize {
        self.coords.len().checked_div(self.dim).unwrap_or(0)
    }

    /// Point `i`.
    pub fn point(&self, i: usize) -> &[f32] {
        &self.coords[i * self.dim..(i + 1) * self.dim]
    }
}

/// How the optimisation went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MdeReport {
    /// L-BFGS iterations.
    pub iterations: usize,
    /// Average distortion per edge at the end.
    pub distortion: f64,
    /// Whether a stopping rule (rather than the iteration limit) ended it.
    pub converged: bool,
    /// Repulsive pairs sampled.
    pub repulsive_edges: usize,
}

/// Nodes per block of the non-edge sample on graphs larger than this (see [`sample_non_edges`]):
/// 4096 partner rows and their gradient rows are 512 KiB at most (one cache line a row), which
/// stay in a core's L2 cache.
const NON_EDGE_BLOCK: usize = 4096;

/// Non-edges sampled uniformly, as many as `fraction` × edges (fewer if the graph is nearly
/// complete), grouped by block.
///
/// Each pair is a uniform draw (both ends uniform over the nodes), but on graphs of more than
/// `block_len` ([`NON_EDGE_BLOCK`]) nodes not independently. Two random permutations of the
/// nodes are each cut into blocks of `block_len`: block b of the first holds first ends, block
/// b of the second their partners. A pair is a uniform first end and a uniform partner of its
/// block. Every node is in one block of each, so each end is still uniform, and neither block
/// is a region of the graph (the nodes are in a locality order, where a run of indices is
/// one), so a node's repulsion comes from all over the graph, not from one region. The pairs
/// are evaluated block by block with the block's partners copied next to each other: a
/// partner's row is read and written once per block instead of once per edge, where at a
/// million nodes almost every such access missed the cache.
fn sample_non_edges(graph: &Graph, fraction: f64, seed: u64, block_len: usize) -> NonEdges {
    let n = graph.n as u64;
    let possible = n * n.saturating_sub(1) / 2;
    let target = ((graph.edges.len() as f64 * fraction) as u64).min(possible.saturating_sub(graph.edges.len() as u64));
    let key = |i: u32, j: u32| ((i.min(j) as u64) << 32) | i.max(j) as u64;
    let mut taken: FxHashSet<u64> = graph.edges.iter().map(|&(i, j)| key(i, j)).collect();
    let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x006d_6465_5f6e_6567);
    let blocked = graph.n > block_len;
    let block_len = if blocked { block_len } else { graph.n.max(1) };
    let mut shuffled = || {
        let mut order: Vec<u32> = (0..graph.n as u32).collect();
        if blocked {
            for last in (1..order.len()).rev() {
                order.swap(last, rng.random_range(0..=last));
            }
        }
        order
    };
    let (firsts, partners) = (shuffled(), shuffled());
    // (first end's place in `firsts`, partner, the partner's place in its block)
    let mut out: Vec<(u32, u32, u16)> = Vec::with_capacity(target as usize);
    let mut attempts = 0u64;
    while (out.len() as u64) < target && attempts < 20 * target + 100 {
        attempts += 1;
        let at = rng.random_range(0..graph.n);
        let block = at / block_len * block_len;
        let place = rng.random_range(0..block_len.min(graph.n - block));
        let (i, j) = (firsts[at], partners[block + place]);
        if i == j || !taken.insert(key(i, j)) {
            continue;
        }
        if blocked {
            out.push((at as u32, j, place as u16));
        } else {
            // One block of every node in index order: a pair is kept as (smaller, larger).
            let (i, j) = (i.min(j), i.max(j));
            out.push((i, j, j as u16));
        }
    }
    out.sort_unstable();
    let mut block_edges = vec![0usize; graph.n.div_ceil(block_len) + 1];
    for &(at, _, _) in &out {
        block_edges[at as usize / block_len + 1] += 1;
    }
    for b in 1..block_edges.len() {
        block_edges[b] += block_edges[b - 1];
    }
    NonEdges {
        pairs: out.iter().map(|&(at, j, _)| (if blocked { firsts[at as usize] } else { at }, j)).collect(),
        places: out.iter().map(|&(_, _, p)| p).collect(),
        partners,
        block_len,
        block_edges,
    }
}

/// The repulsive sample, block after block, and the partners of each block.
struct NonEdges {
    pairs: Vec<(u32, u32)>,
    /// Each pair's second node's place among its block's partners.
    places: Vec<u16>,
    /// The partners of block 0, then of block 1, ... (every node once).
    partners: Vec<u32>,
    /// Nodes per block (the last may have fewer).
    block_len: usize,
    /// Where each block's pairs start in `pairs`, and their end.
    block_edges: Vec<usize>,
}

/// Every (attractive or repulsive) edge once: the graph's edges, then the sampled non-edges.
struct Edges {
    pairs: Vec<(u32, u32)>,
    /// The attractive edges' weights (a repulsive edge weighs 1).
    weight: Vec<f32>,
    /// How many of the first edges are attractive.
    attractive: usize,
    /// Of each repulsive edge (in order), its second node's place among its block's partners.
    places: Vec<u16>,
    partners: Vec<u32>,
    block_len: usize,
    /// Where each block's repulsive edges start, counted from the first repulsive edge.
    block_edges: Vec<usize>,
}

impl Edges {
    /// The edges of chunk `c` of [`CHUNKS`]: an equal share of each kind, so that chunks take
    /// equal time (a repulsive edge costs more), each kind in one run for its own loop.
    fn chunk(&self, c: usize) -> [std::ops::Range<usize>; 2] {
        let share = |len: usize| (c * len / CHUNKS)..((c + 1) * len / CHUNKS);
        let (a, r) = (share(self.attractive), share(self.pairs.len() - self.attractive));
        [a, self.attractive + r.start..self.attractive + r.end]
    }
}

fn edges(graph: &Graph, repulsive: NonEdges) -> Edges {
    let mut pairs = graph.edges.clone();
    pairs.extend_from_slice(&repulsive.pairs);
    Edges {
        attractive: graph.edges.len(),
        pairs,
        weight: graph.weights.clone(),
        places: repulsive.places,
        partners: repulsive.partners,
        block_len: repulsive.block_len,
        block_edges: repulsive.block_edges,
    }
}

/// Edge chunks per evaluation. Fixed (not the thread count): each chunk accumulates into its
/// own gradient buffer and the buffers are added in chunk order, so results are the same bits
/// on any number of threads. 16, so that 16 threads have a chunk each; each chunk costs a
/// gradient-sized buffer (16 MiB at 1M entities in 4 dimensions).
const CHUNKS: usize = 16;

/// Edges whose endpoints are read together (see [`distortion`]).
const EDGE_BATCH: usize = 16;

/// Total distortion Σ w·p(d) over all edges and its gradient (written into `grad`). Summed,
/// not averaged, so that gradient magnitudes do not shrink with the size of the graph.
/// Distances and per-chunk gradients are computed in f32 (half the memory traffic on large
/// graphs, where random access dominates); sums and the optimiser stay in f64.
fn distortion(
    edges: &Edges,
    dim: usize,
    attractive: Attractive,
    x: &[f64],
    grad: &mut [f64],
    scratch: &mut Scratch,
) -> f64 {
    scratch.x.par_chunks_mut(1 << 14).zip(x.par_chunks(1 << 14)).for_each(|(a, b)| {
        a.iter_mut().zip(b).for_each(|(a, &b)| *a = b as f32);
    });
    let xs = &scratch.x;
    let partial: Vec<f64> = scratch
        .buffers
        .par_iter_mut()
        .zip(scratch.near.par_iter_mut())
        .enumerate()
        .map(|(chunk, (g, (near, pushed)))| {
            g.iter_mut().for_each(|v| *v = 0.0);
            let mut sum = 0.0f64;
            let [attracting, repelling] = edges.chunk(chunk);
            // Attractive edges a batch at a time: every endpoint read first, then the
            // arithmetic and the pushes in edge order (the same bits as one edge at a time).
            // The reads of a far partner miss the cache; issued together they overlap instead
            // of each waiting behind the last edge's arithmetic. Touching the partner's
            // gradient row in the same pass brings it in before it is added to.
            let mut diff = [[0.0f32; 16]; EDGE_BATCH];
            let mut dist = [0.0f32; EDGE_BATCH];
            let mut start = attracting.start;
            while start < attracting.end {
                let batch = start..(start + EDGE_BATCH).min(attracting.end);
                for (b, e) in batch.clone().enumerate() {
                    let (i, j) = (edges.pairs[e].0 as usize, edges.pairs[e].1 as usize);
                    let (xi, xj) = (&xs[i * dim..(i + 1) * dim], &xs[j * dim..(j + 1) * dim]);
                    let mut d2 = 0.0f32;
                    for k in 0..dim {
                        diff[b][k] = xi[k] - xj[k];
                        d2 += diff[b][k] * diff[b][k];
                    }
                    dist[b] = d2.sqrt().max(1e-6);
                    std::hint::black_box(g[j * dim]);
                }
                for (b, e) in batch.clone().enumerate() {
                    let (i, j) = (edges.pairs[e].0 as usize, edges.pairs[e].1 as usize);
                    let w = edges.weight[e];
                    let d = dist[b];
                    let (value, slope) = match attractive {
                        Attractive::Linear => (d, 1.0),
                        Attractive::Quadratic => (d * d, 2.0 * d),
                        Attractive::Log1p => {
                            let root = d.sqrt();
                            let d15 = d * root;
                            (d15.ln_1p(), 1.5 * root / (1.0 + d15))
                        }
                    };
                    sum += (w * value) as f64;
                    let c = w * slope / d;
                    for k in 0..dim {
                        g[i * dim + k] += c * diff[b][k];
                        g[j * dim + k] -= c * diff[b][k];
                    }
                }
                start = batch.end;
            }
            // Repulsive edges a block at a time: the block's partners' rows are copied into
            // `near` (contiguous, in cache), their pushes gathered in `pushed` and added to the
            // gradient when the block's edges are done: a random read and write a partner per
            // block instead of one per edge.
            let (near, pushed) = (&mut near[..], &mut pushed[..]);
            let (from, to) = (repelling.start - edges.attractive, repelling.end - edges.attractive);
            let mut block = edges.block_edges.partition_point(|&start| start <= from).saturating_sub(1);
            while block + 1 < edges.block_edges.len() && edges.block_edges[block] < to {
                let run = from.max(edges.block_edges[block])..to.min(edges.block_edges[block + 1]);
                let first = block * edges.block_len;
                let members = &edges.partners[first..(first + edges.block_len).min(edges.partners.len())];
                block += 1;
                if run.is_empty() {
                    continue;
                }
                for (m, &j) in members.iter().enumerate() {
                    near[m * dim..(m + 1) * dim].copy_from_slice(&xs[j as usize * dim..(j as usize + 1) * dim]);
                }
                pushed[..members.len() * dim].iter_mut().for_each(|v| *v = 0.0);
                for r in run {
                    let i = edges.pairs[edges.attractive + r].0 as usize;
                    let m = edges.places[r] as usize;
                    let (xi, xj) = (&xs[i * dim..(i + 1) * dim], &near[m * dim..(m + 1) * dim]);
                    let mut delta = [0.0f32; 16];
                    let mut d2 = 0.0f32;
                    for k in 0..dim {
                        delta[k] = xi[k] - xj[k];
                        d2 += delta[k] * delta[k];
                    }
                    let d = d2.sqrt().max(1e-6);
                    // −ln(1 − e^(−d)) and its derivative −e^(−d) / (1 − e^(−d)).
                    let ed = (-d).exp();
                    sum += -fast_ln(1.0 - ed) as f64;
                    let c = -ed / (1.0 - ed) / d;
                    for k in 0..dim {
                        g[i * dim + k] += c * delta[k];
                        pushed[m * dim + k] -= c * delta[k];
                    }
                }
                for (m, &j) in members.iter().enumerate() {
                    let row = &mut g[j as usize * dim..(j as usize + 1) * dim];
                    row.iter_mut().zip(&pushed[m * dim..(m + 1) * dim]).for_each(|(v, &p)| *v += p);
                }
            }
            sum
        })
        .collect();
    let buffers = &scratch.buffers;
    // Each element adds the buffers up in chunk order, a buffer at a time over a block: the
    // same sums as element by element, without a chain of dependent additions per element.
    grad.par_chunks_mut(4096).enumerate().for_each(|(block, out)| {
        let range = block * 4096..block * 4096 + out.len();
        // −0.0, where f64's `sum` starts: a sum of zeros keeps the sign it had before.
        out.iter_mut().for_each(|v| *v = -0.0);
        for b in buffers {
            out.iter_mut().zip(&b[range.clone()]).for_each(|(v, &part)| *v += part as f64);
        }
    });
    partial.iter().sum::<f64>()
}

/// Reused memory of [`distortion`]: the f32 copy of the point, and per chunk a gradient and
/// a block's partner rows and their pushes.
struct Scratch {
    x: Vec<f32>,
    buffers: Vec<Vec<f32>>,
    near: Vec<(Vec<f32>, Vec<f32>)>,
}

impl Scratch {
    fn new(n: usize, dim: usize, block_len: usize) -> Self {
        let (len, near) = (n * dim, block_len.min(n) * dim);
        Self {
            x: vec![0.0; len],
            buffers: vec![vec![0.0; len]; CHUNKS],
            near: vec![(vec![0.0; near], vec![0.0; near]); CHUNKS],
        }
    }
}

fn centre(x: &mut [f64], dim: usize) {
    let n = x.len() / dim;
    for k in 0..dim {
        let mean = (0..n).map(|i| x[i * dim + k]).sum::<f64>() / n.max(1) as f64;
        (0..n).for_each(|i| x[i * dim + k] -= mean);
    }
}

/// Embeds `graph` into `params.dim` dimensions.
pub fn embed(graph: &Graph, params: &Valid<MdeParams>, seed: u64, progress: &dyn Progress) -> (Embedding, MdeReport) {
    embed_in_blocks(graph, params, seed, progress, NON_EDGE_BLOCK)
}

fn embed_in_blocks(
    graph: &Graph,
    params: &Valid<MdeParams>,
    seed: u64,
    progress: &dyn Progress,
    block_len: usize,
) -> (Embedding, MdeReport) {
    let dim = params.dim;
    let repulsive = sample_non_edges(graph, REPULSIVE_FRACTION, seed, block_len);
    let repulsive_edges = repulsive.pairs.len();
    let all = edges(graph, repulsive);
    let mut scratch = Scratch::new(graph.n, dim, all.block_len);
    let mut x: Vec<f64> = match params.init {
        Init::Random => {
            let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x6d64_655f_696e_6974);
            (0..graph.n * dim).map(|_| rng.sample::<f64, _>(StandardNormal)).collect()
        }
        Init::Spectral => {
            let adj = graph.adjacency();
            spectral::embedding(&adj.offsets, &adj.nbrs, &adj.wts, dim, seed)
        }
    };
    centre(&mut x, dim);

    progress.set_total(params.max_iter as u64);
    let lb = LbfgsParams { max_iter: params.max_iter, grad_rms_tol: 1e-5, ..LbfgsParams::default() };
    let report = lbfgs::minimize(
        &mut x,
        &lb,
        |x, g| distortion(&all, dim, params.attractive, x, g, &mut scratch),
        |_, value| {
            progress.advance(1);
            progress.message(&format!("distortion {:.5}", value / all.pairs.len().max(1) as f64));
        },
    );
    centre(&mut x, dim);
    let coords = x.iter().map(|&v| v as f32).collect();
    (
        Embedding { dim, coords },
        MdeReport {
            iterations: report.iterations,
            distortion: report.value / all.pairs.len().max(1) as f64,
            converged: report.converged,
            repulsive_edges,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    fn two_cliques() -> Graph {
        let mut edges = Vec::new();
        for base in [0u32, 10] {
            for i in 0..10 {
                for j in i + 1..10 {
                    edges.push((base + i, base + j));
                }
            }
        }
        edges.push((0, 10)); // one bridge
        edges.sort_unstable();
        let weights = vec![1.0; edges.len()];
        Graph { n: 20, edges, weights }
    }

    fn params(attractive: Attractive) -> Valid<MdeParams> {
        MdeParams { dim: 3, attractive, ..MdeParams::default() }.validate().unwrap()
    }

    #[test]
    fn gradient_matches_finite_differences() {
        // One block of every node, and blocks of 8 (partners copied and their pushes gathered).
        for block_len in [NON_EDGE_BLOCK, 8] {
            let g = two_cliques();
            let all = edges(&g, sample_non_edges(&g, 1.0, 1, block_len));
            let mut scratch = Scratch::new(g.n, 3, all.block_len);
            let mut rng = Pcg64Mcg::seed_from_u64(3);
            let x: Vec<f64> = (0..g.n * 3).map(|_| rng.sample::<f64, _>(StandardNormal)).collect();
            for att in [Attractive::Linear, Attractive::Log1p, Attractive::Quadratic] {
                let mut grad = vec![0.0; x.len()];
                distortion(&all, 3, att, &x, &mut grad, &mut scratch);
                let mut grad_scratch = vec![0.0; x.len()];
                for k in 0..x.len() {
                    let h = 1e-3;
                    let (mut xp, mut xm) = (x.clone(), x.clone());
                    xp[k] += h;
                    xm[k] -= h;
                    let numeric = (distortion(&all, 3, att, &xp, &mut grad_scratch, &mut scratch)
                        - distortion(&all, 3, att, &xm, &mut grad_scratch, &mut scratch))
                        / (2.0 * h);
                    // f32 arithmetic inside: agreement to about 1e-3 is what it can give.
                    assert!(
                        (numeric - grad[k]).abs() < 2e-3 * (1.0 + numeric.abs()),
                        "block {block_len}, {att:?} {k}: {numeric} vs {}",
                        grad[k]
                    );
                }
            }
        }
    }

    #[test]
    fn chunks_cover_every_edge_once_with_an_equal_share_of_each_kind() {
        let g = two_cliques();
        let all = edges(&g, sample_non_edges(&g, 1.0, 1, NON_EDGE_BLOCK));
        let repulsive = all.pairs.len() - all.attractive;
        let mut seen = vec![0; all.pairs.len()];
        for c in 0..CHUNKS {
            let [a, r] = all.chunk(c);
            assert!(a.end <= all.attractive && r.start >= all.attractive, "{c}: {a:?} {r:?}");
            assert!(a.len().abs_diff(all.attractive / CHUNKS) <= 1 && r.len().abs_diff(repulsive / CHUNKS) <= 1);
            a.chain(r).for_each(|e| seen[e] += 1);
        }
        assert!(seen.iter().all(|&s| s == 1));
    }

    #[test]
    fn cliques_end_up_apart_and_centred() {
        let g = two_cliques();
        for att in [Attractive::Linear, Attractive::Log1p] {
            let (emb, report) = embed(&g, &params(att), 7, &NoProgress);
            assert_eq!(emb.n(), 20);
            let dist = |a: usize, b: usize| {
                emb.point(a).iter().zip(emb.point(b)).map(|(x, y)| (x - y) * (x - y)).sum::<f32>().sqrt()
            };
            let within: f32 = (1..10).map(|j| dist(1, j)).sum::<f32>() / 9.0;
            let across: f32 = (11..20).map(|j| dist(1, j)).sum::<f32>() / 9.0;
            assert!(across > 1.5 * within, "{att:?}: within {within}, across {across}, {report:?}");
            let mean: f32 = (0..20).map(|i| emb.point(i)[0]).sum::<f32>() / 20.0;
            assert!(mean.abs() < 1e-4);
        }
    }

    #[test]
    fn same_seed_same_bits_different_seed_different_bits() {
        let g = two_cliques();
        let a = embed(&g, &params(Attractive::Linear), 7, &NoProgress).0;
        let b = embed(&g, &params(Attractive::Linear), 7, &NoProgress).0;
        assert_eq!(a, b);
        assert_ne!(embed(&g, &params(Attractive::Linear), 8, &NoProgress).0, a);
    }

    #[test]
    fn blocked_non_edges_are_uniform_at_each_end_and_share_partners_within_a_block() {
        // A ring of 1000 nodes, each joined to its next 5: 5000 edges, as many non-edges.
        let n = 1000u32;
        let mut edges: Vec<(u32, u32)> =
            (0..n).flat_map(|i| (1..=5).map(move |s| (i.min((i + s) % n), i.max((i + s) % n)))).collect();
        edges.sort_unstable();
        let g = Graph { n: n as usize, weights: vec![1.0; edges.len()], edges };
        let block = 64;
        let sample = sample_non_edges(&g, 1.0, 3, block);
        assert_eq!(sample.pairs.len(), g.edges.len());
        let key = |i: u32, j: u32| (i.min(j), i.max(j));
        let mut seen: Vec<(u32, u32)> = sample.pairs.iter().map(|&(i, j)| key(i, j)).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), sample.pairs.len(), "a pair twice");
        assert!(sample.pairs.iter().all(|&(i, j)| i != j && g.edges.binary_search(&key(i, j)).is_err()));
        // Blocks: each block's first ends and its partners are `block` nodes at most, no node is
        // in two blocks on either side, and the places point at the partners.
        let blocks = (n as usize).div_ceil(block);
        assert_eq!(sample.block_edges.len(), blocks + 1);
        assert_eq!(sample.block_edges[blocks], sample.pairs.len());
        let (mut first_of, mut partner_of) = (vec![usize::MAX; n as usize], vec![usize::MAX; n as usize]);
        for b in 0..blocks {
            for r in sample.block_edges[b]..sample.block_edges[b + 1] {
                let (i, j) = sample.pairs[r];
                assert_eq!(sample.partners[b * block + sample.places[r] as usize], j);
                for (owner, node) in [(&mut first_of, i), (&mut partner_of, j)] {
                    assert!(owner[node as usize] == usize::MAX || owner[node as usize] == b, "{node} in two blocks");
                    owner[node as usize] = b;
                }
            }
        }
        // Neither side's blocks are runs of indices (regions of a locality order).
        assert!((0..blocks).any(|b| {
            let firsts: Vec<u32> =
                (sample.block_edges[b]..sample.block_edges[b + 1]).map(|r| sample.pairs[r].0).collect();
            firsts.iter().max().unwrap() - firsts.iter().min().unwrap() > 4 * block as u32
        }));
        // Both ends uniform: 5 expected per node at each end, so no node far above it, and
        // each end spread evenly over runs of 100 indices.
        for end in [0, 1] {
            let mut count = vec![0u32; n as usize];
            sample.pairs.iter().for_each(|&(i, j)| count[if end == 0 { i } else { j } as usize] += 1);
            assert!(*count.iter().max().unwrap() <= 20, "end {end}: {:?}", count.iter().max());
            let per_run: Vec<u32> = count.chunks(100).map(|c| c.iter().sum()).collect();
            assert!(per_run.iter().all(|&c| (350..=650).contains(&c)), "end {end}: {per_run:?}");
        }
    }

    #[test]
    fn cliques_end_up_apart_with_non_edges_in_blocks() {
        let g = two_cliques();
        let (emb, report) = embed_in_blocks(&g, &params(Attractive::Linear), 7, &NoProgress, 8);
        let dist = |a: usize, b: usize| {
            emb.point(a).iter().zip(emb.point(b)).map(|(x, y)| (x - y) * (x - y)).sum::<f32>().sqrt()
        };
        let within: f32 = (1..10).map(|j| dist(1, j)).sum::<f32>() / 9.0;
        let across: f32 = (11..20).map(|j| dist(1, j)).sum::<f32>() / 9.0;
        assert!(across > 1.5 * within, "within {within}, across {across}, {report:?}");
    }

    #[test]
    fn tiny_graphs_do_not_fail() {
        let g = Graph { n: 2, edges: vec![(0, 1)], weights: vec![2.0] };
        let (emb, _) = embed(&g, &params(Attractive::Linear), 7, &NoProgress);
        assert!(emb.coords.iter().all(|v| v.is_finite()));
    }
}
