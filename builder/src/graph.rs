//! Stage 3: the sparse relationship graph. Each entity keeps its strongest few neighbours
//! (`--neighbors`), the edges are symmetrised, and an edge found from both ends (mutual
//! neighbours) weighs 2, from one end 1 — as PyMDE's `preserve_neighbors` does. Keeping only a
//! few edges per entity is what gives the map structure instead of a featureless galaxy with the
//! popular entities in the middle.

use crate::cooc::TopNeighbors;

/// An undirected graph as a list of unique edges `i < j`, sorted.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// Number of nodes.
    pub n: usize,
    /// Edges `(i, j)` with `i < j`, sorted.
    pub edges: Vec<(u32, u32)>,
    /// 1 (one-sided) or 2 (mutual), parallel to `edges`.
    pub weights: Vec<f32>,
}

impl Graph {
    /// Each node's degree.
    pub fn degrees(&self) -> Vec<u32> {
        let mut d = vec![0u32; self.n];
        for &(i, j) in &self.edges {
            d[i as usize] += 1;
            d[j as usize] += 1;
        }
        d
    }

    /// Symmetric adjacency in CSR form: `(offsets, neighbours, weights)`.
    pub fn adjacency(&self) -> (Vec<usize>, Vec<u32>, Vec<f32>) {
        let deg = self.degrees();
        let mut offsets = vec![0usize; self.n + 1];
        for i in 0..self.n {
            offsets[i + 1] = offsets[i] + deg[i] as usize;
        }
        let mut fill = offsets.clone();
        let mut nbrs = vec![0u32; offsets[self.n]];
        let mut wts = vec![0f32; offsets[self.n]];
        for (&(i, j), &w) in self.edges.iter().zip(&self.weights) {
            for (a, b) in [(i, j), (j, i)] {
                nbrs[fill[a as usize]] = b;
                wts[fill[a as usize]] = w;
                fill[a as usize] += 1;
            }
        }
        (offsets, nbrs, wts)
    }
}

/// The symmetrised k-nearest-neighbour graph from each entity's first `k` top neighbours.
pub fn knn_graph(top: &TopNeighbors, k: usize) -> Graph {
    let n = top.n();
    let mut directed: Vec<(u32, u32)> = Vec::with_capacity(n * k);
    for i in 0..n {
        for (j, _) in top.of(i).take(k) {
            let (a, b) = if (i as u32) < j { (i as u32, j) } else { (j, i as u32) };
            directed.push((a, b));
        }
    }
    directed.sort_unstable();
    let mut edges = Vec::with_capacity(directed.len());
    let mut weights: Vec<f32> = Vec::with_capacity(directed.len());
    for e in directed {
        if edges.last() == Some(&e) {
            if let Some(w) = weights.last_mut() {
                *w = 2.0;
            }
        } else {
            edges.push(e);
            weights.push(1.0);
        }
    }
    Graph { n, edges, weights }
}

#[cfg(test)]
mod tests {
    use super::*;
    use starmap_format::NO_NEIGHBOR;

    #[test]
    fn mutual_edges_weigh_two_and_one_sided_edges_one() {
        // 0 -> 1, 1 -> 0 (mutual); 2 -> 0 (one-sided); 3 has none.
        let top = TopNeighbors {
            k: 2,
            indices: vec![1, NO_NEIGHBOR, 0, 2, 0, NO_NEIGHBOR, NO_NEIGHBOR, NO_NEIGHBOR],
            scores: vec![1.0, 0.0, 1.0, 0.5, 0.9, 0.0, 0.0, 0.0],
        };
        let g = knn_graph(&top, 2);
        assert_eq!(g.edges, vec![(0, 1), (0, 2), (1, 2)]);
        assert_eq!(g.weights, vec![2.0, 1.0, 1.0]);
        assert_eq!(g.degrees(), vec![2, 2, 2, 0]);
        let (off, nb, _) = g.adjacency();
        assert_eq!(&nb[off[0]..off[1]], &[1, 2]);
        assert_eq!(off[4] - off[3], 0);
        // k = 1 keeps only each row's strongest.
        assert_eq!(knn_graph(&top, 1).edges, vec![(0, 1), (0, 2)]);
    }
}
