//! Data shared by the stages' unit tests.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use crate::mde::Embedding;

/// Two blobs of `per_blob` points in `dim` dimensions, uniform in ±1 around centres `offset`
/// apart along the first axis; points 0..per_blob are the first blob.
pub fn two_blobs(per_blob: usize, dim: usize, offset: f32, seed: u64) -> Embedding {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut coords = Vec::with_capacity(2 * per_blob * dim);
    for c in 0..2 {
        for _ in 0..per_blob {
            for d in 0..dim {
                let centre = if d == 0 { c as f32 * offset } else { 0.0 };
                coords.push(centre + rng.random_range(-1.0f32..1.0));
            }
        }
    }
    Embedding { dim, coords }
}

/// For a 2D layout of [`two_blobs`]: the distance between the blobs' centroids, and the mean
/// distance of the first blob's points to its centroid.
pub fn gap_and_spread(layout: &[f32], per_blob: usize) -> (f32, f32) {
    let centroid = |r: std::ops::Range<usize>| {
        let m = r.len() as f32;
        r.fold((0.0, 0.0), |(x, y), i| (x + layout[2 * i] / m, y + layout[2 * i + 1] / m))
    };
    let (c0, c1) = (centroid(0..per_blob), centroid(per_blob..2 * per_blob));
    let gap = ((c0.0 - c1.0).powi(2) + (c0.1 - c1.1).powi(2)).sqrt();
    let spread = (0..per_blob)
        .map(|i| ((layout[2 * i] - c0.0).powi(2) + (layout[2 * i + 1] - c0.1).powi(2)).sqrt())
        .sum::<f32>()
        / per_blob as f32;
    (gap, spread)
}
