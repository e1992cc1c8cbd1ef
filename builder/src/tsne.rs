//! Stage 5b: t-SNE from the high-dimensional embedding to 2D with the `bhtsne` crate
//! (Barnes–Hut, θ = 0.5), fed our own exact neighbours (3 × perplexity per point) and started
//! from the embedding's principal components scaled to a small spread (PCA initialisation keeps
//! the global arrangement that random starts lose).
//!
//! `bhtsne` sums floats with rayon's parallel reductions, whose grouping depends on the thread
//! count and on work stealing; to keep `--seed` reproducible it runs in a one-thread pool.

use bhtsne::{tSNE, Neighbor};
use indicatif::ProgressBar;

use crate::knn::Knn;
use crate::mde::Embedding;
use crate::spectral;

/// t-SNE parameters.
#[derive(Debug, Clone, Copy)]
pub struct TsneParams {
    /// Effective number of neighbours.
    pub perplexity: f32,
    /// Gradient-descent epochs.
    pub epochs: usize,
    /// Early exaggeration (first 250 epochs).
    pub early_exaggeration: f32,
}

impl Default for TsneParams {
    fn default() -> Self {
        Self { perplexity: 35.0, epochs: 1000, early_exaggeration: 4.0 }
    }
}

/// Neighbours t-SNE needs per point.
pub fn neighbors_needed(params: &TsneParams) -> usize {
    (3.0 * params.perplexity).ceil() as usize
}

/// t-SNE layout of `embedding` (row-major n × 2). `knn` must hold at least
/// [`neighbors_needed`] neighbours per point (fewer only when there are not that many points).
pub fn project(embedding: &Embedding, knn: &Knn, params: &TsneParams, bar: &ProgressBar) -> Vec<f32> {
    let n = embedding.n();
    let k = neighbors_needed(params).min(knn.k);
    if n < 4 || k == 0 {
        // Too few points for t-SNE's perplexity search: fall back to the principal components.
        return spectral::pca(&embedding.coords, embedding.dim, 2).iter().map(|&v| v as f32).collect();
    }
    // The perplexity cannot exceed what the available neighbours can express.
    let perplexity = params.perplexity.min((k as f32 - 1.0) / 3.0).max(1.0);
    let neighbors: Vec<Vec<Neighbor<f32>>> = (0..n)
        .map(|i| {
            knn.indices_of(i)[..k]
                .iter()
                .zip(&knn.distances_of(i)[..k])
                .map(|(&j, &d)| Neighbor { index: j as usize, distance: d })
                .collect()
        })
        .collect();
    let start = spectral::pca(&embedding.coords, embedding.dim, 2);
    let sd = (start.iter().map(|v| v * v).sum::<f64>() / start.len().max(1) as f64).sqrt();
    let init: Vec<f32> = start.iter().map(|&v| (v / sd.max(1e-12) * 1e-4) as f32).collect();
    let rows: Vec<usize> = (0..n).collect();
    bar.set_length(params.epochs as u64);
    let run = || {
        let mut tsne: tSNE<f32, usize, 2> = tSNE::new(&rows);
        tsne.perplexity(perplexity)
            .epochs(params.epochs)
            .early_exaggeration(params.early_exaggeration)
            .initial_embedding(init.clone())
            .epoch_callback(|_, _| bar.inc(1))
            .barnes_hut_with_neighbors(0.5, &neighbors);
        tsne.embedding()
    };
    match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knn::brute_force;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    #[test]
    fn separates_two_blobs_reproducibly() {
        let mut rng = Pcg64Mcg::seed_from_u64(2);
        let mut pts = Vec::new();
        for c in 0..2 {
            for _ in 0..80 {
                for d in 0..3 {
                    pts.push(if d == 0 { c as f32 * 8.0 } else { 0.0 } + rng.random_range(-1.0f32..1.0));
                }
            }
        }
        let emb = Embedding { dim: 3, coords: pts };
        let params = TsneParams { perplexity: 10.0, epochs: 300, ..Default::default() };
        let knn = brute_force(&emb.coords, 3, neighbors_needed(&params));
        let y = project(&emb, &knn, &params, &ProgressBar::hidden());
        assert_eq!(y.len(), 320);
        let mean_x = |r: std::ops::Range<usize>| r.clone().map(|i| y[2 * i]).sum::<f32>() / r.len() as f32;
        let mean_y = |r: std::ops::Range<usize>| r.clone().map(|i| y[2 * i + 1]).sum::<f32>() / r.len() as f32;
        let gap = ((mean_x(0..80) - mean_x(80..160)).powi(2) + (mean_y(0..80) - mean_y(80..160)).powi(2)).sqrt();
        let spread = (0..80).map(|i| (y[2 * i] - mean_x(0..80)).abs()).sum::<f32>() / 80.0;
        assert!(gap > 2.0 * spread, "gap {gap}, spread {spread}");
        assert_eq!(y, project(&emb, &knn, &params, &ProgressBar::hidden()));
    }
}
