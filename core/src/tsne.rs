//! Stage 5b: t-SNE from the high-dimensional embedding to 2D with the `bhtsne` crate
//! (Barnes–Hut, θ = 0.5), fed our own exact neighbours (3 × perplexity per point) and started
//! from the embedding's principal components scaled to a small spread (PCA initialisation keeps
//! the global arrangement that random starts lose).
//!
//! `bhtsne` sums floats with rayon's parallel reductions, whose grouping depends on the thread
//! count and on work stealing; to keep `--seed` reproducible it runs in a one-thread pool.

use bhtsne::{tSNE, Neighbor};
use serde::{Deserialize, Serialize};

use crate::mde::Embedding;
use crate::neighbors::NeighborTable;
use crate::params::{require, shortest_f32, ParamError, Params, Valid};
use crate::progress::Progress;
use crate::spectral;

/// Gradient-descent epochs.
pub const EPOCHS: usize = 1000;
/// Early exaggeration (first 250 epochs).
const EARLY_EXAGGERATION: f32 = 4.0;

/// t-SNE parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TsneParams {
    /// Effective number of neighbours, 2 to 200. By default 35.
    #[serde(serialize_with = "shortest_f32")]
    pub perplexity: f32,
}

impl Default for TsneParams {
    fn default() -> Self {
        Self { perplexity: 35.0 }
    }
}

impl Params for TsneParams {
    fn check(&self) -> Result<(), ParamError> {
        require((2.0..=200.0).contains(&self.perplexity), "perplexity", "between 2 and 200", self.perplexity)
    }
}

/// Neighbours t-SNE needs per point.
pub fn neighbors_needed(params: &TsneParams) -> usize {
    (3.0 * params.perplexity).ceil() as usize
}

/// t-SNE layout of `embedding` (row-major n × 2). `knn` must hold at least
/// [`neighbors_needed`] neighbours per point (fewer only when there are not that many points).
pub fn project(
    embedding: &Embedding,
    knn: &NeighborTable,
    params: &Valid<TsneParams>,
    progress: &dyn Progress,
) -> Vec<f32> {
    let n = embedding.n();
    let k = neighbors_needed(params).min(knn.k());
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
                .zip(&knn.values_of(i)[..k])
                .map(|(&j, &d)| Neighbor { index: j as usize, distance: d })
                .collect()
        })
        .collect();
    let start = spectral::pca(&embedding.coords, embedding.dim, 2);
    let sd = (start.iter().map(|v| v * v).sum::<f64>() / start.len().max(1) as f64).sqrt();
    let init: Vec<f32> = start.iter().map(|&v| (v / sd.max(1e-12) * 1e-4) as f32).collect();
    let rows: Vec<usize> = (0..n).collect();
    progress.set_total(EPOCHS as u64);
    let run = || {
        let mut tsne: tSNE<'_, f32, usize, 2> = tSNE::new(&rows);
        tsne.perplexity(perplexity)
            .epochs(EPOCHS)
            .early_exaggeration(EARLY_EXAGGERATION)
            .initial_embedding(init.clone())
            .epoch_callback(|_, _| progress.advance(1))
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
    use crate::progress::NoProgress;
    use crate::test_data::{gap_and_spread, two_blobs};

    #[test]
    fn separates_two_blobs_reproducibly() {
        let emb = two_blobs(80, 3, 8.0, 2);
        let params = TsneParams { perplexity: 10.0 }.validate().unwrap();
        let knn = brute_force(&emb.coords, 3, neighbors_needed(&params));
        let y = project(&emb, &knn, &params, &NoProgress);
        assert_eq!(y.len(), 320);
        let (gap, spread) = gap_and_spread(&y, 80);
        assert!(gap > 2.0 * spread, "gap {gap}, spread {spread}");
        assert_eq!(y, project(&emb, &knn, &params, &NoProgress));
    }
}
