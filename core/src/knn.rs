//! Exact k-nearest neighbours of every point of a low-dimensional embedding, with `kiddo`'s
//! k-d tree. Feeds UMAP's fuzzy graph, t-SNE's affinities, the neighbour lists stored for the
//! viewer, and the quality figures. Queries run in parallel; each result depends only on its
//! point, so the output is the same for any thread count.

use std::num::NonZero;

use kiddo::{ImmutableKdTree, SquaredEuclidean};
use rayon::prelude::*;

use crate::neighbors::NeighborTable;
use crate::progress::Progress;

fn empty() -> NeighborTable {
    NeighborTable::from_parts(0, Vec::new(), Vec::new())
}

fn knn_fixed<const K: usize>(points: &[f32], dim: usize, k: usize, progress: &dyn Progress) -> NeighborTable {
    let n = points.len() / dim;
    // Zero padding up to K dimensions leaves every distance unchanged.
    let padded: Vec<[f32; K]> = points
        .chunks(dim)
        .map(|p| {
            let mut a = [0f32; K];
            a[..dim].copy_from_slice(p);
            a
        })
        .collect();
    let k = k.min(n.saturating_sub(1));
    let Some(ask) = NonZero::new(k + 1) else {
        return empty();
    };
    let tree: ImmutableKdTree<f32, K> = match ImmutableKdTree::new_from_slice(&padded) {
        Ok(t) => t,
        Err(_) => return brute_force(points, dim, k),
    };
    let rows: Vec<(Vec<u32>, Vec<f32>)> = (0..n)
        .into_par_iter()
        .with_min_len(256)
        .map(|i| {
            let found = tree.query(&padded[i]).nearest_n::<SquaredEuclidean<f32>>(ask).execute();
            if i % 4096 == 0 {
                progress.advance(4096.min(n - i) as u64);
            }
            let mut idx = Vec::with_capacity(k);
            let mut dist = Vec::with_capacity(k);
            for r in found.iter().filter(|r| r.item as usize != i).take(k) {
                idx.push(r.item);
                dist.push(r.distance.max(0.0).sqrt());
            }
            (idx, dist)
        })
        .collect();
    let mut indices = Vec::with_capacity(n * k);
    let mut distances = Vec::with_capacity(n * k);
    for (idx, dist) in rows {
        indices.extend(idx);
        distances.extend(dist);
    }
    NeighborTable::from_parts(k, indices, distances)
}

/// Exact search by comparing every pair; for tiny inputs and as the test oracle.
pub fn brute_force(points: &[f32], dim: usize, k: usize) -> NeighborTable {
    let n = points.len() / dim;
    let k = k.min(n.saturating_sub(1));
    let mut indices = Vec::with_capacity(n * k);
    let mut distances = Vec::with_capacity(n * k);
    for i in 0..n {
        let pi = &points[i * dim..(i + 1) * dim];
        let mut all: Vec<(f32, u32)> = (0..n)
            .filter(|&j| j != i)
            .map(|j| {
                let pj = &points[j * dim..(j + 1) * dim];
                (pi.iter().zip(pj).map(|(a, b)| (a - b) * (a - b)).sum::<f32>(), j as u32)
            })
            .collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for &(d, j) in all.iter().take(k) {
            indices.push(j);
            distances.push(d.sqrt());
        }
    }
    NeighborTable::from_parts(k, indices, distances)
}

/// The `k` nearest other points of each row-major `dim`-dimensional point (any dim; a k-d
/// tree up to 16), nearest first, as (index, Euclidean distance). Fewer than `k` when there are
/// not that many other points.
pub fn knn(points: &[f32], dim: usize, k: usize, progress: &dyn Progress) -> NeighborTable {
    progress.set_total((points.len() / dim.max(1)) as u64);
    match dim {
        0 => empty(),
        1..=2 => knn_fixed::<2>(points, dim, k, progress),
        3..=4 => knn_fixed::<4>(points, dim, k, progress),
        5..=8 => knn_fixed::<8>(points, dim, k, progress),
        9..=16 => knn_fixed::<16>(points, dim, k, progress),
        _ => brute_force(points, dim, k),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    #[test]
    fn matches_brute_force_in_every_dimension_class() {
        let mut rng = Pcg64Mcg::seed_from_u64(5);
        for dim in [2, 3, 4, 7, 12] {
            let pts: Vec<f32> = (0..300 * dim).map(|_| rng.random::<f32>()).collect();
            let fast = knn(&pts, dim, 8, &NoProgress);
            let slow = brute_force(&pts, dim, 8);
            assert_eq!(fast.k(), 8);
            for i in 0..300 {
                for (a, b) in fast.values_of(i).iter().zip(slow.values_of(i)) {
                    assert!((a - b).abs() < 1e-5, "dim {dim} point {i}");
                }
                assert!(!fast.indices_of(i).contains(&(i as u32)));
            }
        }
    }

    #[test]
    fn k_shrinks_to_the_points_available() {
        let pts = vec![0.0, 0.0, 1.0, 0.0, 0.0, 2.0];
        let r = knn(&pts, 2, 10, &NoProgress);
        assert_eq!(r.k(), 2);
        assert_eq!(r.indices_of(0), &[1, 2]);
        let one = knn(&[0.0, 0.0], 2, 5, &NoProgress);
        assert_eq!((one.k(), one.n()), (0, 0));
    }
}
