//! Stage 3: the sparse relationship graph. Each entity keeps its strongest few neighbours
//! (`--neighbors`), the edges are symmetrised, and an edge found from both ends (mutual
//! neighbours) weighs 2, from one end 1 — as PyMDE's `preserve_neighbors` does. Keeping only a
//! few edges per entity is what gives the map structure instead of a featureless galaxy with the
//! popular entities in the middle.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cooc::Similarity;
use crate::neighbors::NeighborTable;
use crate::params::{require, ParamError, Params};
use starmap_format::NO_NEIGHBOR;

/// How the relationship graph is made.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct GraphParams {
    /// Popularity correction of the co-occurrence. By default cosine: it beat the damped
    /// variant and raw counts on films × cast (docs/CHOICES.md).
    pub similarity: Similarity,
    /// Neighbours kept per entity. By default 10: sparser graphs keep neighbours together in 2D,
    /// 5 breaks the map into dust (docs/CHOICES.md).
    pub neighbors: usize,
}

impl Default for GraphParams {
    fn default() -> Self {
        Self { similarity: Similarity::Cosine, neighbors: 10 }
    }
}

impl Params for GraphParams {
    fn check(&self) -> Result<(), ParamError> {
        require((1..=200).contains(&self.neighbors), "neighbors", "between 1 and 200", self.neighbors)
    }
}

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

    /// The graph's [`Adjacency`], built in parallel with the same result at any thread count:
    /// the nodes are cut into one range a thread, and each range passes over every edge in
    /// order, placing the entries of its own nodes as one sequential pass would place them all.
    pub fn adjacency(&self) -> Adjacency {
        let n = self.n;
        let parts = rayon::current_num_threads().clamp(1, n.max(1));
        let bounds: Vec<usize> = (0..=parts).map(|p| p * n / parts).collect();
        let degrees: Vec<Vec<usize>> = (0..parts)
            .into_par_iter()
            .map(|p| {
                let nodes = bounds[p]..bounds[p + 1];
                let mut deg = vec![0usize; nodes.len()];
                for_entries_in(self, nodes, |a, _, _| deg[a] += 1);
                deg
            })
            .collect();
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        for d in degrees.iter().flatten() {
            offsets.push(offsets[offsets.len() - 1] + d);
        }
        let mut nbrs = vec![0u32; offsets[n]];
        let mut wts = vec![0f32; offsets[n]];
        // Each range's entries are one slice of the arrays; the ranges fill theirs at once.
        let mut slices = Vec::with_capacity(parts);
        let (mut nbrs_left, mut wts_left) = (&mut nbrs[..], &mut wts[..]);
        for p in 0..parts {
            let len = offsets[bounds[p + 1]] - offsets[bounds[p]];
            let (nb, nb_rest) = nbrs_left.split_at_mut(len);
            let (wt, wt_rest) = wts_left.split_at_mut(len);
            slices.push((p, nb, wt));
            (nbrs_left, wts_left) = (nb_rest, wt_rest);
        }
        slices.into_par_iter().for_each(|(p, nb, wt)| {
            let nodes = bounds[p]..bounds[p + 1];
            let base = offsets[nodes.start];
            let mut fill: Vec<usize> = offsets[nodes.clone()].iter().map(|&o| o - base).collect();
            for_entries_in(self, nodes, |a, b, w| {
                let slot = &mut fill[a];
                nb[*slot] = b;
                wt[*slot] = w;
                *slot += 1;
            });
        });
        Adjacency { offsets, nbrs, wts }
    }
}

/// Passes over every edge of `g` in order, handing each entry (node − `nodes.start`, other end,
/// weight) whose node lies in `nodes` to `take`.
fn for_entries_in(g: &Graph, nodes: std::ops::Range<usize>, mut take: impl FnMut(usize, u32, f32)) {
    for (&(i, j), &w) in g.edges.iter().zip(&g.weights) {
        if nodes.contains(&(i as usize)) {
            take(i as usize - nodes.start, j, w);
        }
        if nodes.contains(&(j as usize)) {
            take(j as usize - nodes.start, i, w);
        }
    }
}

/// A graph's symmetric adjacency in CSR form: node `i`'s neighbours are
/// `nbrs[offsets[i]..offsets[i + 1]]` (in index order, since the edges are sorted), each edge's
/// weight beside it in `wts`.
/// Built once ([`Graph::adjacency`]) for the node order, and then handed to the clusters.
#[derive(Debug, Clone, PartialEq)]
pub struct Adjacency {
    /// Where each node's entries start (`n + 1` of them).
    pub offsets: Vec<usize>,
    /// Neighbours, node after node.
    pub nbrs: Vec<u32>,
    /// Edge weights, parallel to `nbrs`.
    pub wts: Vec<f32>,
}

impl Adjacency {
    /// Number of nodes.
    pub fn n(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Node `i`'s neighbours, in index order.
    pub fn neighbours(&self, i: usize) -> &[u32] {
        &self.nbrs[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Rough communities, to order the nodes by: `rounds` rounds of label propagation. Every
    /// node starts with its own index as label and each round takes the label of greatest
    /// weight among its neighbours and itself (weight 1; ties go to the smaller label). A round
    /// reads only the labels of the round before, so nodes are independent: they run in
    /// parallel, with the same result at any thread count (the weights, 1 and 2, add exactly).
    /// Rounds stop early once none changes a label, since every later one would repeat it.
    pub fn propagated_labels(&self, rounds: usize) -> Vec<u32> {
        let n = self.n();
        let mut labels: Vec<u32> = (0..n as u32).collect();
        for _ in 0..rounds {
            let next: Vec<u32> = (0..n)
                .into_par_iter()
                .map_init(Vec::new, |tally: &mut Vec<(u32, f32)>, i| {
                    let span = self.offsets[i]..self.offsets[i + 1];
                    let own = labels[i];
                    // Most nodes of a settled community agree with all their neighbours already.
                    if self.nbrs[span.clone()].iter().all(|&j| labels[j as usize] == own) {
                        return own;
                    }
                    tally.clear();
                    tally.push((own, 1.0));
                    tally.extend(
                        self.nbrs[span.clone()].iter().zip(&self.wts[span]).map(|(&j, &w)| (labels[j as usize], w)),
                    );
                    tally.sort_unstable_by_key(|t| t.0);
                    // Runs of one label, in label order: a later run must weigh strictly more.
                    let mut best = (tally[0].0, 0.0f32);
                    let mut run = best;
                    for &(label, w) in tally.iter() {
                        if label != run.0 {
                            if run.1 > best.1 {
                                best = run;
                            }
                            run = (label, 0.0);
                        }
                        run.1 += w;
                    }
                    if run.1 > best.1 {
                        best = run;
                    }
                    best.0
                })
                .collect();
            let settled = next == labels;
            labels = next;
            if settled {
                break;
            }
        }
        labels
    }

    /// A breadth-first order of the nodes (each component from its lowest index, neighbours in
    /// index order): graph neighbours get nearby indices, so the stages that walk edges touch
    /// nearby memory. Deterministic.
    pub fn breadth_first_order(&self) -> Permutation {
        let n = self.n();
        let mut rank = vec![u32::MAX; n];
        let mut order = Vec::with_capacity(n);
        let mut queue = std::collections::VecDeque::new();
        for start in 0..n {
            if rank[start] != u32::MAX {
                continue;
            }
            rank[start] = order.len() as u32;
            order.push(start as u32);
            queue.push_back(start);
            while let Some(u) = queue.pop_front() {
                for &v in self.neighbours(u) {
                    if rank[v as usize] == u32::MAX {
                        rank[v as usize] = order.len() as u32;
                        order.push(v);
                        queue.push_back(v as usize);
                    }
                }
            }
        }
        Permutation { order, rank }
    }
}

/// A relabelling of nodes: `order[new] = old`, `rank[old] = new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permutation {
    /// Old index of each new position.
    pub order: Vec<u32>,
    /// New position of each old index.
    pub rank: Vec<u32>,
}

impl Permutation {
    /// Moves row-major rows of `width` values from old to new order.
    pub fn to_new<T: Copy>(&self, rows: &[T], width: usize) -> Vec<T> {
        self.order
            .iter()
            .flat_map(|&old| rows[old as usize * width..(old as usize + 1) * width].iter().copied())
            .collect()
    }

    /// Moves row-major rows of `width` values from new back to old order.
    pub fn to_old<T: Copy>(&self, rows: &[T], width: usize) -> Vec<T> {
        self.rank
            .iter()
            .flat_map(|&new| rows[new as usize * width..(new as usize + 1) * width].iter().copied())
            .collect()
    }

    /// This order with the nodes grouped by cluster: `levels` (coarse to fine, each a cluster
    /// per old index, nested) sort the nodes, level by level, and this order breaks the ties. So
    /// every cluster at every level is a run of indices, a cluster's neighbours in the next
    /// coarser level lie near it, and inside a cluster the nodes keep this order.
    pub fn grouped_by(&self, levels: &[Vec<u32>]) -> Permutation {
        let mut order = self.order.clone();
        // The ranks break every tie, so the parallel sort is deterministic.
        order.par_sort_unstable_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            levels.iter().map(|l| l[a].cmp(&l[b])).find(|o| o.is_ne()).unwrap_or(self.rank[a].cmp(&self.rank[b]))
        });
        let mut rank = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            rank[old as usize] = new as u32;
        }
        Permutation { order, rank }
    }

    /// Moves a neighbour table of old indices to new order, rows and entries alike.
    pub fn table_to_new(&self, table: &NeighborTable) -> NeighborTable {
        let k = table.k();
        let indices = self
            .to_new(table.indices(), k)
            .iter()
            .map(|&j| if j == NO_NEIGHBOR { j } else { self.rank[j as usize] })
            .collect();
        NeighborTable::from_parts(k, indices, self.to_new(table.values(), k))
    }

    /// Moves a neighbour table of new indices back to old order, rows and entries alike.
    pub fn table_to_old(&self, table: &NeighborTable) -> NeighborTable {
        let k = table.k();
        let indices = self
            .to_old(table.indices(), k)
            .iter()
            .map(|&j| if j == NO_NEIGHBOR { j } else { self.order[j as usize] })
            .collect();
        NeighborTable::from_parts(k, indices, self.to_old(table.values(), k))
    }
}

impl Graph {
    /// The same graph with nodes renamed by `perm`.
    pub fn permuted(&self, perm: &Permutation) -> Graph {
        let mut pairs: Vec<((u32, u32), f32)> = self
            .edges
            .iter()
            .zip(&self.weights)
            .map(|(&(i, j), &w)| {
                let (a, b) = (perm.rank[i as usize], perm.rank[j as usize]);
                ((a.min(b), a.max(b)), w)
            })
            .collect();
        // Edges are distinct, so no two keys tie and the parallel sort is deterministic.
        pairs.par_sort_unstable_by_key(|p| p.0);
        Graph { n: self.n, edges: pairs.iter().map(|p| p.0).collect(), weights: pairs.iter().map(|p| p.1).collect() }
    }
}

/// The symmetrised k-nearest-neighbour graph from each entity's first `k` top neighbours.
pub fn knn_graph(top: &NeighborTable, k: usize) -> Graph {
    let n = top.n();
    let mut directed: Vec<(u32, u32)> = (0..n)
        .into_par_iter()
        .flat_map_iter(|i| {
            top.of(i).take(k).map(move |(j, _)| if (i as u32) < j { (i as u32, j) } else { (j, i as u32) })
        })
        .collect();
    // Equal pairs are identical, so the parallel sort's result does not depend on the threads.
    directed.par_sort_unstable();
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

    #[test]
    fn mutual_edges_weigh_two_and_one_sided_edges_one() {
        // 0 -> 1, 1 -> 0 (mutual); 2 -> 0 (one-sided); 3 has none.
        let top = NeighborTable::from_rows(2, &[vec![(1, 1.0)], vec![(0, 1.0), (2, 0.5)], vec![(0, 0.9)], vec![]]);
        let g = knn_graph(&top, 2);
        assert_eq!(g.edges, vec![(0, 1), (0, 2), (1, 2)]);
        assert_eq!(g.weights, vec![2.0, 1.0, 1.0]);
        assert_eq!(g.degrees(), vec![2, 2, 2, 0]);
        let adj = g.adjacency();
        assert_eq!(adj.neighbours(0), &[1, 2]);
        assert!(adj.neighbours(3).is_empty());
        // k = 1 keeps only each row's strongest.
        assert_eq!(knn_graph(&top, 1).edges, vec![(0, 1), (0, 2)]);
    }

    #[test]
    fn the_parallel_adjacency_is_the_sequential_one_at_any_thread_count() {
        // A pseudo-random graph with hubs, isolated nodes and mutual edges.
        let n = 300u32;
        let mut edges: Vec<(u32, u32)> = (0..2000u64)
            .map(|t| {
                let h = crate::hash::mix64(t);
                let (a, b) = ((h % 97) as u32 * 3 % n, (h >> 32) as u32 % n);
                (a.min(b), a.max(b))
            })
            .filter(|&(a, b)| a != b && a != 0)
            .collect();
        edges.sort_unstable();
        edges.dedup();
        let weights = edges.iter().map(|&(a, b)| if (a + b) % 3 == 0 { 2.0 } else { 1.0 }).collect();
        let g = Graph { n: n as usize, edges, weights };
        // The sequential construction: one pass over the edges, in order.
        let deg = g.degrees();
        let mut offsets = vec![0usize];
        for d in &deg {
            offsets.push(offsets[offsets.len() - 1] + *d as usize);
        }
        let mut fill = offsets.clone();
        let (mut nbrs, mut wts) = (vec![0u32; offsets[g.n]], vec![0f32; offsets[g.n]]);
        for (&(i, j), &w) in g.edges.iter().zip(&g.weights) {
            for (a, b) in [(i, j), (j, i)] {
                nbrs[fill[a as usize]] = b;
                wts[fill[a as usize]] = w;
                fill[a as usize] += 1;
            }
        }
        let expected = Adjacency { offsets, nbrs, wts };
        assert!(expected.neighbours(0).is_empty(), "node 0 is isolated, as the graph meant");
        for threads in [1, 2, 3, 7] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            assert_eq!(pool.install(|| g.adjacency()), expected, "{threads} threads");
        }
        for i in 0..g.n {
            assert!(expected.neighbours(i).windows(2).all(|w| w[0] < w[1]), "index order");
        }
        assert_eq!(Graph { n: 0, edges: Vec::new(), weights: Vec::new() }.adjacency().n(), 0);
    }

    #[test]
    fn locality_order_is_a_permutation_that_round_trips() {
        // Two paths interleaved by index: 0-2-4 and 1-3-5.
        let g = Graph { n: 6, edges: vec![(0, 2), (1, 3), (2, 4), (3, 5)], weights: vec![1.0; 4] };
        let p = g.adjacency().breadth_first_order();
        assert_eq!(p.order, vec![0, 2, 4, 1, 3, 5]);
        for (new, &old) in p.order.iter().enumerate() {
            assert_eq!(p.rank[old as usize] as usize, new);
        }
        let h = g.permuted(&p);
        assert_eq!(h.edges, vec![(0, 1), (1, 2), (3, 4), (4, 5)]);
        let rows: Vec<u32> = (0..12).collect();
        assert_eq!(p.to_old(&p.to_new(&rows, 2), 2), rows);
        // New nodes 0 and 1 (old 0 and 2) are each other's neighbour; the rest have none.
        let t = NeighborTable::from_rows(1, &[vec![(1, 0.5)], vec![(0, 0.5)], vec![], vec![], vec![], vec![]]);
        let back = p.table_to_old(&t);
        assert_eq!(&back.indices()[..3], &[2, NO_NEIGHBOR, 0]);
    }

    #[test]
    fn label_propagation_finds_two_cliques_joined_by_an_edge_at_any_thread_count() {
        // Cliques {0, 2, 4, 6, 8} and {1, 3, 5, 7, 9} (interleaved indices), bridged by 8-9.
        let mut edges = Vec::new();
        for parity in 0..2u32 {
            let members: Vec<u32> = (0..5).map(|k| 2 * k + parity).collect();
            for (a, &i) in members.iter().enumerate() {
                edges.extend(members[a + 1..].iter().map(|&j| (i, j)));
            }
        }
        edges.push((8, 9));
        edges.sort_unstable();
        let g = Graph { n: 10, weights: vec![1.0; edges.len()], edges };
        let labels = g.adjacency().propagated_labels(4);
        assert_eq!(labels, vec![0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
        let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
        assert_eq!(three.install(|| g.adjacency().propagated_labels(4)), labels);
        // Grouped by them, each clique is a run of indices, in breadth-first order (from 0, the
        // bridge reaches 9 first).
        let p = g.adjacency().breadth_first_order().grouped_by(&[labels]);
        assert_eq!(p.order, vec![0, 2, 4, 6, 8, 9, 1, 3, 5, 7]);
        // No rounds: every node its own label.
        assert_eq!(g.adjacency().propagated_labels(0), (0..10).collect::<Vec<u32>>());
    }

    #[test]
    fn grouping_by_clusters_makes_each_cluster_a_run_in_the_old_order() {
        // A path 0-1-…-7: its breadth-first order is the identity. Two regions, {0,1,4,5} and
        // {2,3,6,7}, each of two clusters.
        let g = Graph { n: 8, edges: (0..7).map(|i| (i, i + 1)).collect(), weights: vec![1.0; 7] };
        let bfs = g.adjacency().breadth_first_order();
        assert_eq!(bfs.order, (0..8).collect::<Vec<u32>>());
        let coarse = vec![1, 1, 0, 0, 1, 1, 0, 0];
        let fine = vec![3, 2, 0, 1, 2, 3, 1, 0];
        let p = bfs.grouped_by(&[coarse, fine]);
        // Region 0: cluster 0 (2 then 7, in the old order), cluster 1 (3, 6); region 1: cluster 2
        // (1, 4), cluster 3 (0, 5).
        assert_eq!(p.order, vec![2, 7, 3, 6, 1, 4, 0, 5]);
        for (new, &old) in p.order.iter().enumerate() {
            assert_eq!(p.rank[old as usize] as usize, new);
        }
        let rows: Vec<u32> = (0..16).collect();
        assert_eq!(p.to_old(&p.to_new(&rows, 2), 2), rows);
        // No levels: the order itself.
        assert_eq!(bfs.grouped_by(&[]), bfs);
    }
}
