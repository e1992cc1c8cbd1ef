//! Spectral coordinates of a graph: the leading non-trivial eigenvectors of its normalised
//! adjacency D^(−1/2) A D^(−1/2), by seeded block subspace iteration with Rayleigh–Ritz
//! (dense QR and eigen-decomposition of the small block by `faer`). Used by `--init spectral`
//! for the MDE and available to the 2D step. Also hosts the small PCA the projections start from.

use faer::{Mat, Side};
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

const OVERSAMPLE: usize = 4;
const MAX_ITER: usize = 300;

/// y = ½ (I + D^(−1/2) A D^(−1/2)) x for a block of `b` columns stored column-major. The shift
/// maps the spectrum into [0, 1], so the wanted eigenvalues are the largest in magnitude.
fn apply(offsets: &[usize], nbrs: &[u32], wts: &[f32], inv_sqrt_deg: &[f64], x: &Mat<f64>) -> Mat<f64> {
    let (n, b) = (x.nrows(), x.ncols());
    let cols: Vec<Vec<f64>> = (0..b)
        .into_par_iter()
        .map(|c| {
            (0..n)
                .map(|i| {
                    let mut s = 0.0;
                    for p in offsets[i]..offsets[i + 1] {
                        let j = nbrs[p] as usize;
                        s += wts[p] as f64 * inv_sqrt_deg[j] * x[(j, c)];
                    }
                    0.5 * (x[(i, c)] + inv_sqrt_deg[i] * s)
                })
                .collect()
        })
        .collect();
    Mat::from_fn(n, b, |i, c| cols[c][i])
}

/// `dim` spectral coordinates per node (row-major `n × dim`), scaled to unit standard deviation
/// overall. `offsets/nbrs/wts` is a symmetric weighted adjacency in CSR form.
pub fn embedding(offsets: &[usize], nbrs: &[u32], wts: &[f32], dim: usize, seed: u64) -> Vec<f64> {
    let n = offsets.len() - 1;
    let b = (dim + 1 + OVERSAMPLE).min(n);
    let inv_sqrt_deg: Vec<f64> = (0..n)
        .map(|i| {
            let d: f64 = wts[offsets[i]..offsets[i + 1]].iter().map(|&w| w as f64).sum();
            if d > 0.0 {
                1.0 / d.sqrt()
            } else {
                0.0
            }
        })
        .collect();
    let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x7370_6563);
    let start = Mat::from_fn(n, b, |_, _| rng.sample::<f64, _>(StandardNormal));
    let mut q = start.qr().compute_thin_Q();
    for _ in 0..MAX_ITER {
        q = apply(offsets, nbrs, wts, &inv_sqrt_deg, &q).qr().compute_thin_Q();
    }
    // Rayleigh–Ritz: the best eigenvector estimates inside the converged subspace.
    let mq = apply(offsets, nbrs, wts, &inv_sqrt_deg, &q);
    let h = q.transpose() * &mq;
    let h = Mat::from_fn(b, b, |i, j| 0.5 * (h[(i, j)] + h[(j, i)]));
    let mut out = vec![0.0; n * dim];
    let Ok(eig) = h.self_adjoint_eigen(Side::Lower) else {
        // Not expected for a symmetric block; the random block is still a usable start.
        for i in 0..n {
            for k in 0..dim {
                out[i * dim + k] = q[(i, (k + 1) % b)];
            }
        }
        return out;
    };
    let vecs = q * eig.U();
    // Eigenvalues come in ascending order: the last is the trivial one, skip it.
    let available = b.saturating_sub(1).min(dim);
    for k in 0..available {
        let col = b - 2 - k;
        for i in 0..n {
            out[i * dim + k] = vecs[(i, col)];
        }
    }
    let var = out.iter().map(|v| v * v).sum::<f64>() / out.len().max(1) as f64;
    let scale = if var > 0.0 { 1.0 / var.sqrt() } else { 1.0 };
    out.iter_mut().for_each(|v| *v *= scale);
    out
}

/// The first `out_dim` principal components of row-major `n × dim` points, as row-major
/// `n × out_dim` scores. Sign-normalised (each component's largest loading is positive) so the
/// result is reproducible.
pub fn pca(points: &[f32], dim: usize, out_dim: usize) -> Vec<f64> {
    let n = points.len() / dim;
    let mut mean = vec![0.0f64; dim];
    for p in points.chunks(dim) {
        mean.iter_mut().zip(p).for_each(|(m, &v)| *m += v as f64);
    }
    mean.iter_mut().for_each(|m| *m /= n.max(1) as f64);
    let mut cov = Mat::<f64>::zeros(dim, dim);
    for p in points.chunks(dim) {
        for a in 0..dim {
            for b in 0..dim {
                cov[(a, b)] += (p[a] as f64 - mean[a]) * (p[b] as f64 - mean[b]);
            }
        }
    }
    let mut out = vec![0.0; n * out_dim];
    let Ok(eig) = cov.self_adjoint_eigen(Side::Lower) else {
        return out;
    };
    let u = eig.U();
    for k in 0..out_dim.min(dim) {
        let col = dim - 1 - k; // ascending eigenvalues: largest last
        let flip = (0..dim).map(|a| u[(a, col)]).fold(0.0f64, |m, v| if v.abs() > m.abs() { v } else { m });
        let sign = if flip < 0.0 { -1.0 } else { 1.0 };
        for (i, p) in points.chunks(dim).enumerate() {
            out[i * out_dim + k] = sign * (0..dim).map(|a| (p[a] as f64 - mean[a]) * u[(a, col)]).sum::<f64>();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Graph;

    #[test]
    fn first_spectral_coordinate_separates_two_communities() {
        let mut edges = Vec::new();
        for base in [0u32, 8] {
            for i in 0..8 {
                for j in i + 1..8 {
                    edges.push((base + i, base + j));
                }
            }
        }
        edges.push((0, 8));
        let g = Graph { n: 16, weights: vec![1.0; edges.len()], edges };
        let adj = g.adjacency();
        let x = embedding(&adj.offsets, &adj.nbrs, &adj.wts, 2, 1);
        let first: Vec<f64> = (0..16).map(|i| x[i * 2]).collect();
        let a = first[..8].iter().all(|&v| v > 0.0) && first[8..].iter().all(|&v| v < 0.0);
        let b = first[..8].iter().all(|&v| v < 0.0) && first[8..].iter().all(|&v| v > 0.0);
        assert!(a || b, "{first:?}");
    }

    #[test]
    fn pca_finds_the_long_axis() {
        // Points along (1, 1, 0) with small noise in z.
        let pts: Vec<f32> = (0..50).flat_map(|i| [i as f32, i as f32, (i % 3) as f32 * 0.01]).collect();
        let s = pca(&pts, 3, 2);
        let first: Vec<f64> = (0..50).map(|i| s[i * 2]).collect();
        assert!(first.windows(2).all(|w| w[1] > w[0]));
        let second_spread = (0..50).map(|i| s[i * 2 + 1].abs()).fold(0.0, f64::max);
        assert!(second_spread < 0.1);
    }
}
