//! The Barnes–Hut quadtree of t-SNE's repulsion (van der Maaten 2014): built sequentially from
//! a layout, so the same layout gives the same tree and the same sums, then read by every point
//! in parallel.

/// Points per quadtree leaf: small leaves cost more nodes, large ones more exact pairs.
const LEAF_SIZE: usize = 8;
/// Deepest level of the quadtree; points still together there (duplicates) share a leaf.
const MAX_DEPTH: usize = 48;

/// A quadtree node: its points' count and centre of mass, its cell's width, and either four
/// children (`first_child` > 0) or a range of `order` (a leaf).
#[derive(Debug, Clone, Copy)]
struct Node {
    com: [f64; 2],
    count: u32,
    width: f64,
    first_child: u32,
    start: u32,
    end: u32,
}

/// A quadtree over the layout, built sequentially (so the same layout gives the same tree).
pub struct QuadTree {
    nodes: Vec<Node>,
    /// The points, leaf by leaf: a node's points are `order[start..end]`.
    order: Vec<u32>,
    /// Their positions in the same order, so a leaf's points are read from contiguous memory.
    points: Vec<[f64; 2]>,
}

impl QuadTree {
    pub fn new(y: &[f64]) -> Self {
        let n = y.len() / 2;
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in y.chunks_exact(2) {
            for d in 0..2 {
                lo[d] = lo[d].min(p[d]);
                hi[d] = hi[d].max(p[d]);
            }
        }
        let width = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1e-12) * (1.0 + 1e-9);
        let nodes = Vec::with_capacity(2 * n / LEAF_SIZE + 1);
        let mut tree = QuadTree { nodes, order: (0..n as u32).collect(), points: Vec::new() };
        let mut scratch = vec![0u32; n];
        tree.nodes.push(Node { com: [0.0; 2], count: 0, width, first_child: 0, start: 0, end: n as u32 });
        tree.build(0, y, lo, 0, &mut scratch);
        tree.points = tree.order.iter().map(|&i| [y[2 * i as usize], y[2 * i as usize + 1]]).collect();
        tree
    }

    /// The points in tree order: nearby points together, so that computing their forces in
    /// this order walks the same nodes one after another.
    pub fn order(&self) -> &[u32] {
        &self.order
    }

    /// Fills node `at` (its range of `order` already set) and splits it while it holds more
    /// than a leaf's worth of points.
    fn build(&mut self, at: usize, y: &[f64], corner: [f64; 2], depth: usize, scratch: &mut [u32]) {
        let Node { start, end, width, .. } = self.nodes[at];
        let (start, end) = (start as usize, end as usize);
        let mut com = [0.0f64; 2];
        for &i in &self.order[start..end] {
            com[0] += y[2 * i as usize];
            com[1] += y[2 * i as usize + 1];
        }
        let count = end - start;
        if count > 0 {
            com = [com[0] / count as f64, com[1] / count as f64];
        }
        self.nodes[at].com = com;
        self.nodes[at].count = count as u32;
        if count <= LEAF_SIZE || depth >= MAX_DEPTH {
            return;
        }
        let half = width / 2.0;
        let mid = [corner[0] + half, corner[1] + half];
        let quadrant =
            |i: u32| usize::from(y[2 * i as usize] >= mid[0]) + 2 * usize::from(y[2 * i as usize + 1] >= mid[1]);
        // Stable counting sort of the node's points by quadrant.
        let mut sizes = [0usize; 4];
        for &i in &self.order[start..end] {
            sizes[quadrant(i)] += 1;
        }
        let mut fill = [start, start + sizes[0], start + sizes[0] + sizes[1], start + sizes[0] + sizes[1] + sizes[2]];
        let bounds = fill;
        for &i in &self.order[start..end] {
            let q = quadrant(i);
            scratch[fill[q]] = i;
            fill[q] += 1;
        }
        self.order[start..end].copy_from_slice(&scratch[start..end]);
        let first = self.nodes.len();
        self.nodes[at].first_child = first as u32;
        for (q, &from) in bounds.iter().enumerate() {
            let to = from + sizes[q];
            self.nodes.push(Node {
                com: [0.0; 2],
                count: 0,
                width: half,
                first_child: 0,
                start: from as u32,
                end: to as u32,
            });
        }
        for q in 0..4 {
            let c = [corner[0] + half * (q % 2) as f64, corner[1] + half * (q / 2) as f64];
            self.build(first + q, y, c, depth + 1, scratch);
        }
    }

    /// Point `i`'s unnormalised repulsion Σ_j q_ij² (y_i − y_j) and its share Σ_j q_ij of Z,
    /// with q_ij = 1 / (1 + |y_i − y_j|²), cells narrower than θ × their distance summarised.
    pub fn repulsion(&self, i: usize, y: &[f64], theta2: f64, stack: &mut Vec<u32>) -> ([f64; 2], f64) {
        let (xi, yi) = (y[2 * i], y[2 * i + 1]);
        let (mut force, mut z) = ([0.0f64; 2], 0.0f64);
        stack.clear();
        stack.push(0);
        while let Some(at) = stack.pop() {
            let node = &self.nodes[at as usize];
            if node.count == 0 {
                continue;
            }
            if node.first_child == 0 {
                let range = node.start as usize..node.end as usize;
                for (&j, p) in self.order[range.clone()].iter().zip(&self.points[range]) {
                    if j as usize == i {
                        continue;
                    }
                    let (dx, dy) = (xi - p[0], yi - p[1]);
                    let q = 1.0 / (1.0 + dx * dx + dy * dy);
                    z += q;
                    force[0] += q * q * dx;
                    force[1] += q * q * dy;
                }
                continue;
            }
            let (dx, dy) = (xi - node.com[0], yi - node.com[1]);
            let d2 = dx * dx + dy * dy;
            if node.width * node.width < theta2 * d2 {
                let q = 1.0 / (1.0 + d2);
                let m = node.count as f64;
                z += m * q;
                force[0] += m * q * q * dx;
                force[1] += m * q * q * dy;
            } else {
                // Children pushed last-first, so they are visited in quadrant order.
                for c in (0..4).rev() {
                    stack.push(node.first_child + c);
                }
            }
        }
        (force, z)
    }
}
