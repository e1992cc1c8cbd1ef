//! Communities of the relationship graph, as a hierarchy of nested levels (coarse regions made
//! of finer clusters), for naming parts of the map.
//!
//! [`leiden`] is the Leiden algorithm (Traag, Waltman & van Eck 2019) for modularity with a
//! resolution γ: nodes move to the neighbouring community that gains most (a queue revisits
//! only the neighbours of moved nodes), each community is then refined by merging its
//! singletons into well-connected sub-communities, the graph is aggregated by the refined
//! communities (starting from the unrefined ones) and the whole repeats until no node moves.
//! The refinement is what makes every community connected; a last pass splits any community
//! that is not, so that holds whatever happens. Written here (ARCHITECTURE.md, "Written by
//! hand"): seeded, thread-count-independent results on our own graph are most of the code.
//!
//! [`hierarchy`] makes the levels (docs/CHOICES.md). The graph's own communities (Leiden at
//! resolution 1) are one level. When they are many, coarser levels come from clustering the
//! graph of those communities (each a node, edges summed), the resolution found by bisection so
//! that the coarsest has about [`TOP_TARGET`] clusters; when they are few, a finer level splits
//! each of them (Leiden on the edges inside them, at a higher resolution found the same way).
//! Either way the levels nest by construction.
//!
//! Everything runs on one thread with seeded generators: the same graph and seed give the same
//! clusters at any `--threads`. Films (14,569 entities) take about half a second.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use starmap_format::MAX_CLUSTERS;

use crate::graph::{Adjacency, Graph};
use crate::hash::mix64;

/// Maps with fewer entities get no clusters: a handful of entities a cluster names little the
/// labels do not already say.
pub const MIN_ENTITIES: usize = 30;
/// The coarsest level aims at this many clusters: a number of regions one can read at a glance.
pub const TOP_TARGET: usize = 20;
/// A finest level of at most this many clusters is the only level: it is readable as it is.
pub const TOP_MAX: usize = 40;
/// A middle level is made when the finest level has at least this many times the coarsest
/// level's clusters, at their geometric mean: each step then splits a cluster in about 2.5 or
/// more.
pub const MIDDLE_RATIO: usize = 6;
/// Randomness of the refinement (θ of the paper, β of igraph): a singleton joins a community
/// with probability ∝ exp(gain / θ), gains in edge weights. 0.01 nearly always takes the best.
const THETA: f64 = 0.01;
/// Passes of the whole algorithm, each starting from the last one's communities (igraph's and
/// leidenalg's default).
const ITERATIONS: usize = 2;
/// Resolutions tried when looking for a level of a given size…
const BISECTION_STEPS: usize = 16;
/// …unless one comes this close to it (a share of the target).
const CLOSE_ENOUGH: f64 = 0.05;
/// A finer level under a coarsest one of at most [`TOP_MAX`] clusters aims at this many
/// times its clusters…
pub const FINE_RATIO: usize = 5;
/// …but no more than clusters of this many entities on average.
pub const FINE_MEAN_SIZE: usize = 25;

/// An undirected weighted graph without self-loops, in CSR form, with each node's strength
/// (the weight of its edges, plus, for a node standing for a community, twice the weight inside).
#[derive(Debug, Clone)]
pub struct Net {
    offsets: Vec<usize>,
    nbrs: Vec<u32>,
    wts: Vec<f64>,
    strength: Vec<f64>,
    /// Sum of the strengths: twice the total edge weight.
    total: f64,
}

impl Net {
    /// The relationship graph as a weighted network (mutual edges weigh 2).
    pub fn from_graph(g: &Graph) -> Self {
        Self::from_adjacency(g.adjacency())
    }

    /// The network of an adjacency already built (the pipeline builds it once, for the node
    /// order too).
    pub fn from_adjacency(adj: Adjacency) -> Self {
        let Adjacency { offsets, nbrs, wts } = adj;
        let wts: Vec<f64> = wts.iter().map(|&w| f64::from(w)).collect();
        let strength: Vec<f64> = (0..offsets.len() - 1).map(|i| wts[offsets[i]..offsets[i + 1]].iter().sum()).collect();
        let total = strength.iter().sum();
        Self { offsets, nbrs, wts, strength, total }
    }

    /// Number of nodes.
    pub fn n(&self) -> usize {
        self.strength.len()
    }

    fn edges(&self, v: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.offsets[v]..self.offsets[v + 1];
        self.nbrs[r.clone()].iter().map(|&u| u as usize).zip(self.wts[r].iter().copied())
    }

    /// The network of the communities `part` (ids `0..count`): a node each, edges between two
    /// communities summed, strengths summed (the weight inside a community stays in its strength).
    pub fn aggregate(&self, part: &[u32], count: usize) -> Net {
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); count];
        for (v, &c) in part.iter().enumerate() {
            members[c as usize].push(v as u32);
        }
        let mut offsets = Vec::with_capacity(count + 1);
        offsets.push(0);
        let (mut nbrs, mut wts) = (Vec::new(), Vec::new());
        let mut acc = vec![0.0f64; count];
        let mut touched: Vec<u32> = Vec::new();
        let mut strength = vec![0.0; count];
        for (c, list) in members.iter().enumerate() {
            for &v in list {
                strength[c] += self.strength[v as usize];
                for (u, w) in self.edges(v as usize) {
                    let d = part[u];
                    if d as usize == c {
                        continue;
                    }
                    if acc[d as usize] == 0.0 {
                        touched.push(d);
                    }
                    acc[d as usize] += w;
                }
            }
            touched.sort_unstable();
            for &d in &touched {
                nbrs.push(d);
                wts.push(acc[d as usize]);
                acc[d as usize] = 0.0;
            }
            touched.clear();
            offsets.push(nbrs.len());
        }
        Net { offsets, nbrs, wts, strength, total: self.total }
    }

    /// The same nodes with only the edges inside the communities of `part`, strengths of those.
    pub fn within(&self, part: &[u32]) -> Net {
        let mut offsets = Vec::with_capacity(self.n() + 1);
        offsets.push(0);
        let (mut nbrs, mut wts) = (Vec::new(), Vec::new());
        for v in 0..self.n() {
            for (u, w) in self.edges(v).filter(|&(u, _)| part[u] == part[v]) {
                nbrs.push(u as u32);
                wts.push(w);
            }
            offsets.push(nbrs.len());
        }
        let strength: Vec<f64> = (0..self.n()).map(|v| wts[offsets[v]..offsets[v + 1]].iter().sum()).collect();
        let total = strength.iter().sum();
        Net { offsets, nbrs, wts, strength, total }
    }

    /// Modularity of the partition `part` at resolution `gamma`.
    pub fn modularity(&self, part: &[u32], gamma: f64) -> f64 {
        let count = part.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
        let (mut inside, mut strength) = (vec![0.0; count], vec![0.0; count]);
        for v in 0..self.n() {
            let c = part[v] as usize;
            strength[c] += self.strength[v];
            // What a node's strength holds beyond its edges is weight inside it, counted twice.
            let edges: f64 = self.edges(v).map(|(_, w)| w).sum();
            inside[c] += self.strength[v] - edges;
            inside[c] += self.edges(v).filter(|&(u, _)| part[u] as usize == c).map(|(_, w)| w).sum::<f64>();
        }
        let m2 = self.total.max(f64::MIN_POSITIVE);
        (0..count).map(|c| inside[c] / m2 - gamma * (strength[c] / m2).powi(2)).sum()
    }
}

/// Scratch for summing a node's edge weight to each neighbouring community.
struct Tally {
    weight: Vec<f64>,
    seen: Vec<bool>,
    touched: Vec<usize>,
}

impl Tally {
    fn new(n: usize) -> Self {
        Self { weight: vec![0.0; n], seen: vec![false; n], touched: Vec::new() }
    }

    fn add(&mut self, c: usize, w: f64) {
        if !self.seen[c] {
            self.seen[c] = true;
            self.touched.push(c);
        }
        self.weight[c] += w;
    }

    fn clear(&mut self) {
        for &c in &self.touched {
            self.weight[c] = 0.0;
            self.seen[c] = false;
        }
        self.touched.clear();
    }
}

fn shuffled(n: usize, rng: &mut Pcg64Mcg) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    order
}

/// Renumbers community ids to `0..count` in order of first appearance; returns the count.
fn compact(part: &mut [u32]) -> usize {
    let mut new_id = vec![u32::MAX; part.len().max(1)];
    let mut count = 0u32;
    for c in part.iter_mut() {
        if new_id[*c as usize] == u32::MAX {
            new_id[*c as usize] = count;
            count += 1;
        }
        *c = new_id[*c as usize];
    }
    count as usize
}

/// Leiden's fast local moving: nodes in a random order, each to the neighbouring community (or
/// an empty one) that gains most; the neighbours of a moved node outside its new community are
/// queued again. `part` holds ids below `n`.
fn move_nodes(net: &Net, part: &mut [u32], gamma: f64, rng: &mut Pcg64Mcg) {
    let n = net.n();
    let scale = gamma / net.total.max(f64::MIN_POSITIVE);
    let mut comm_strength = vec![0.0; n];
    let mut comm_nodes = vec![0u32; n];
    for v in 0..n {
        comm_strength[part[v] as usize] += net.strength[v];
        comm_nodes[part[v] as usize] += 1;
    }
    // Empty ids, the lowest on top.
    let mut empty: Vec<u32> = (0..n as u32).rev().filter(|&c| comm_nodes[c as usize] == 0).collect();
    let mut queue: std::collections::VecDeque<usize> = shuffled(n, rng).into();
    let mut queued = vec![true; n];
    let mut tally = Tally::new(n);
    while let Some(v) = queue.pop_front() {
        queued[v] = false;
        let old = part[v] as usize;
        let kv = net.strength[v];
        for (u, w) in net.edges(v) {
            tally.add(part[u] as usize, w);
        }
        comm_strength[old] -= kv;
        comm_nodes[old] -= 1;
        let gain = |c: usize, tally: &Tally| tally.weight[c] - kv * comm_strength[c] * scale;
        let (mut best, mut best_gain) = (old, gain(old, &tally));
        for &c in &tally.touched {
            let g = gain(c, &tally);
            if g > best_gain {
                (best, best_gain) = (c, g);
            }
        }
        // Alone, a node gains nothing: better than a community it weighs down.
        if best_gain < 0.0 && comm_nodes[old] > 0 {
            if let Some(e) = empty.pop() {
                best = e as usize;
            }
        }
        tally.clear();
        comm_strength[best] += kv;
        comm_nodes[best] += 1;
        if best != old {
            part[v] = best as u32;
            if comm_nodes[old] == 0 {
                empty.push(old as u32);
            }
            for (u, _) in net.edges(v) {
                if !queued[u] && part[u] as usize != best {
                    queued[u] = true;
                    queue.push_back(u);
                }
            }
        }
    }
}

/// Leiden's refinement: within each community of `part`, every node starts alone; in a random
/// order, each node still alone and well connected to the rest of its community joins a well
/// connected sub-community it is linked to (or stays alone), chosen with probability
/// ∝ exp(gain / θ) among those that gain at least nothing. Sub-communities are connected by
/// construction. Returns the sub-communities, ids `0..count`, and the count.
fn refine(net: &Net, part: &[u32], gamma: f64, rng: &mut Pcg64Mcg) -> (Vec<u32>, usize) {
    let n = net.n();
    let scale = gamma / net.total.max(f64::MIN_POSITIVE);
    let mut community_strength = vec![0.0; n];
    for v in 0..n {
        community_strength[part[v] as usize] += net.strength[v];
    }
    let mut refined: Vec<u32> = (0..n as u32).collect();
    let mut r_strength = net.strength.clone();
    let mut r_nodes = vec![1u32; n];
    // Weight from each sub-community to the rest of its community.
    let mut r_ext: Vec<f64> =
        (0..n).map(|v| net.edges(v).filter(|&(u, _)| part[u] == part[v]).map(|(_, w)| w).sum()).collect();
    let mut tally = Tally::new(n);
    let mut candidates: Vec<(usize, f64)> = Vec::new();
    for v in shuffled(n, rng) {
        if r_nodes[v] != 1 || refined[v] as usize != v {
            continue;
        }
        let kv = net.strength[v];
        let ks = community_strength[part[v] as usize];
        let well_connected = |ext: f64, k: f64| ext >= k * (ks - k) * scale;
        if !well_connected(r_ext[v], kv) {
            continue;
        }
        for (u, w) in net.edges(v) {
            if part[u] == part[v] {
                tally.add(refined[u] as usize, w);
            }
        }
        candidates.clear();
        candidates.push((v, 0.0));
        for &c in &tally.touched {
            let gain = tally.weight[c] - kv * r_strength[c] * scale;
            if c != v && gain >= 0.0 && well_connected(r_ext[c], r_strength[c]) {
                candidates.push((c, gain));
            }
        }
        let best = candidates.iter().map(|c| c.1).fold(0.0, f64::max);
        let odds: Vec<f64> = candidates.iter().map(|c| ((c.1 - best) / THETA).exp()).collect();
        let mut pick = rng.random::<f64>() * odds.iter().sum::<f64>();
        let mut chosen = candidates[candidates.len() - 1].0;
        for (c, p) in candidates.iter().zip(&odds) {
            if pick < *p {
                chosen = c.0;
                break;
            }
            pick -= p;
        }
        if chosen != v {
            let to = tally.weight[chosen];
            refined[v] = chosen as u32;
            r_strength[chosen] += kv;
            r_nodes[chosen] += 1;
            r_nodes[v] = 0;
            // The edges between v and the community are inside it now.
            r_ext[chosen] += r_ext[v] - 2.0 * to;
        }
        tally.clear();
    }
    let count = compact(&mut refined);
    (refined, count)
}

/// Splits every community of `part` that is not connected in `net` into its connected parts;
/// ids `0..count` in order of each part's lowest node. Returns the count.
fn split_disconnected(net: &Net, part: &mut [u32]) -> usize {
    let n = net.n();
    let mut out = vec![u32::MAX; n];
    let mut count = 0u32;
    let mut stack = Vec::new();
    for start in 0..n {
        if out[start] != u32::MAX {
            continue;
        }
        out[start] = count;
        stack.push(start);
        while let Some(v) = stack.pop() {
            for (u, _) in net.edges(v) {
                if out[u] == u32::MAX && part[u] == part[start] {
                    out[u] = count;
                    stack.push(u);
                }
            }
        }
        count += 1;
    }
    part.copy_from_slice(&out);
    count as usize
}

/// Communities of `net` by the Leiden algorithm for modularity at resolution `gamma`: ids
/// `0..count` (in order of each community's lowest node), and the count. Every community is
/// connected.
pub fn leiden(net: &Net, gamma: f64, seed: u64) -> (Vec<u32>, usize) {
    let n = net.n();
    let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x6c65_6964_656e);
    let mut membership: Vec<u32> = (0..n as u32).collect();
    for _ in 0..ITERATIONS {
        // Each base node's node in the current network, and that network's partition.
        let mut node_of: Vec<u32> = (0..n as u32).collect();
        let mut part = membership.clone();
        let mut current: Option<Net> = None;
        // Every round aggregates at least two nodes into one, so n rounds always suffice.
        for _ in 0..=n {
            let g = current.as_ref().unwrap_or(net);
            move_nodes(g, &mut part, gamma, &mut rng);
            let count = compact(&mut part);
            if count == g.n() {
                break;
            }
            let (mut refined, mut refined_count) = refine(g, &part, gamma, &mut rng);
            if refined_count == g.n() {
                // Nothing merged (no node was well connected): aggregate by the communities
                // themselves, as leidenalg does, so the rounds still progress.
                refined.copy_from_slice(&part);
                refined_count = count;
            }
            let next = g.aggregate(&refined, refined_count);
            let mut next_part = vec![0u32; refined_count];
            for v in 0..g.n() {
                next_part[refined[v] as usize] = part[v];
            }
            for a in node_of.iter_mut() {
                *a = refined[*a as usize];
            }
            part = next_part;
            current = Some(next);
        }
        membership = node_of.iter().map(|&a| part[a as usize]).collect();
    }
    let count = split_disconnected(net, &mut membership);
    (membership, count)
}

/// The communities of `net` at the resolution between `lo` and `hi` (by bisection of its
/// logarithm) whose count is nearest `target`, among those `acceptable` (ids, count): ids and
/// count. Lower resolutions merge more. Stops early within [`CLOSE_ENOUGH`] of the target.
fn nearest_count(
    net: &Net,
    (lo, hi): (f64, f64),
    target: usize,
    seed: u64,
    acceptable: impl Fn(&[u32], usize) -> bool,
) -> Option<(Vec<u32>, usize)> {
    let (mut lo, mut hi) = (lo.ln(), hi.ln());
    let mut best: Option<(Vec<u32>, usize)> = None;
    for step in 0..BISECTION_STEPS {
        let mid = 0.5 * (lo + hi);
        let (part, count) = leiden(net, mid.exp(), mix64(seed ^ step as u64));
        if count > target {
            hi = mid;
        } else {
            lo = mid;
        }
        let close = (count.abs_diff(target) as f64) <= CLOSE_ENOUGH * target as f64;
        if acceptable(&part, count) && best.as_ref().is_none_or(|b| count.abs_diff(target) < b.1.abs_diff(target)) {
            best = Some((part, count));
            if close {
                break;
            }
        }
    }
    best
}

/// The cluster hierarchy of the graph `g`: levels coarsest first, each entity's cluster per
/// level; clusters numbered by size, largest first, ties by smallest member. Empty when the
/// graph has fewer than [`MIN_ENTITIES`] nodes or forms a single community.
///
/// The graph's own communities (Leiden at resolution 1) are one level. Above [`TOP_MAX`] of
/// them, levels above are made by clustering them: a coarsest of about [`TOP_TARGET`], and a
/// middle one at the geometric mean when there are [`MIDDLE_RATIO`] times more; a level is kept
/// only when its count is within a factor of about 2 of its target and it groups the one below
/// (no cluster holding more than half of it). Otherwise they
/// are the coarsest level, and a finer one splits each of them (Leiden on the edges inside
/// them, the resolution found for about [`FINE_RATIO`] times as many clusters of at least
/// [`FINE_MEAN_SIZE`] entities on average), so that a reader can go from regions to
/// neighbourhoods.
pub fn hierarchy(adj: Adjacency, seed: u64) -> Vec<Vec<u32>> {
    let n = adj.n();
    if n < MIN_ENTITIES {
        return Vec::new();
    }
    let base = Net::from_adjacency(adj);
    let (natural, natural_count) = leiden(&base, 1.0, seed);
    if natural_count < 2 {
        return Vec::new();
    }
    // Finest first while building; each coarser level maps the clusters of the one before.
    let mut levels = vec![natural];
    let mut counts = vec![natural_count];
    if natural_count > TOP_MAX {
        let mut net = base.aggregate(&levels[0], natural_count);
        let mut targets = Vec::new();
        if natural_count >= MIDDLE_RATIO * TOP_TARGET {
            targets.push(((natural_count * TOP_TARGET) as f64).sqrt().round() as usize);
        }
        targets.push(TOP_TARGET);
        for (k, target) in targets.into_iter().enumerate() {
            let below = counts[counts.len() - 1];
            // A level must come near its count (the coarsest one must be readable), and group
            // the one below: one cluster swallowing half of it is no grouping, and communities
            // with nothing above them (mixed evenly, as planted ones) make such a blob at every
            // resolution that merges them.
            let acceptable = |map: &[u32], count: usize| near(count, target) && groups(map, count, below);
            let seed = mix64(seed ^ (k as u64 + 1));
            let Some((map, count)) = nearest_count(&net, (1e-3, 1.0), target, seed, acceptable) else { continue };
            let finer = &levels[levels.len() - 1];
            levels.push(finer.iter().map(|&c| map[c as usize]).collect());
            counts.push(count);
            net = net.aggregate(&map, count);
        }
    } else {
        let target = (FINE_RATIO * natural_count).min(n / FINE_MEAN_SIZE);
        if target >= 2 * natural_count {
            // Communities of the edges inside each cluster lie inside it: the levels nest.
            let inside = base.within(&levels[0]);
            let finer = |_: &[u32], count: usize| count > natural_count;
            if let Some((fine, count)) = nearest_count(&inside, (1.0, 1e3), target, mix64(seed ^ 0x66696e65), finer) {
                levels.insert(0, fine);
                counts.insert(0, count);
            }
        }
    }
    // Ids are u16 in the map: a level of more clusters (only on graphs of countless tiny
    // components) is left out; the others still nest.
    let keep: Vec<bool> = counts.iter().map(|&c| c <= MAX_CLUSTERS).collect();
    let mut k = keep.iter();
    levels.retain(|_| *k.next().unwrap_or(&false));
    counts.retain(|&c| c <= MAX_CLUSTERS);
    levels.reverse();
    counts.reverse();
    levels.iter().zip(&counts).map(|(ids, &count)| by_size(ids, count)).collect()
}

/// Whether a level of `count` clusters is near enough its `target`: from 2/5 of it to twice it
/// (for the coarsest level, 8 to 40 regions).
fn near(count: usize, target: usize) -> bool {
    5 * count >= 2 * target && count <= 2 * target
}

/// Whether `map`, `count` clusters of the `below` clusters of a finer level, groups them: at
/// least two, fewer than `below`, none holding more than half of them.
fn groups(map: &[u32], count: usize, below: usize) -> bool {
    let mut sizes = vec![0usize; count];
    for &c in map {
        sizes[c as usize] += 1;
    }
    (2..below).contains(&count) && sizes.iter().all(|&s| 2 * s <= below)
}

/// Renumbers clusters by size, largest first, ties by smallest member.
fn by_size(ids: &[u32], count: usize) -> Vec<u32> {
    let mut size = vec![0usize; count];
    let mut first = vec![usize::MAX; count];
    for (i, &c) in ids.iter().enumerate() {
        size[c as usize] += 1;
        first[c as usize] = first[c as usize].min(i);
    }
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(size[c]), first[c]));
    let mut rank = vec![0u32; count];
    for (r, &c) in order.iter().enumerate() {
        rank[c] = r as u32;
    }
    ids.iter().map(|&c| rank[c as usize]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A graph from `(i, j)` edges of weight 1.
    fn graph(n: usize, edges: &[(u32, u32)]) -> Graph {
        let mut e: Vec<(u32, u32)> = edges.iter().map(|&(i, j)| (i.min(j), i.max(j))).collect();
        e.sort_unstable();
        e.dedup();
        let weights = vec![1.0; e.len()];
        Graph { n, edges: e, weights }
    }

    fn clique_edges(from: u32, size: u32) -> Vec<(u32, u32)> {
        (from..from + size).flat_map(|i| (i + 1..from + size).map(move |j| (i, j))).collect()
    }

    /// `cliques` cliques of `size` nodes in a ring, each joined to the next by one edge.
    fn ring_of_cliques(cliques: u32, size: u32) -> Graph {
        let mut edges = Vec::new();
        for c in 0..cliques {
            edges.extend(clique_edges(c * size, size));
            edges.push((c * size, ((c + 1) % cliques) * size + 1));
        }
        graph((cliques * size) as usize, &edges)
    }

    fn connected(net: &Net, part: &[u32], c: u32) -> bool {
        let mut tmp: Vec<u32> = part.to_vec();
        let members = part.iter().filter(|&&p| p == c).count();
        let first = part.iter().position(|&p| p == c).unwrap();
        split_disconnected(net, &mut tmp);
        tmp.iter().zip(part).filter(|(t, &p)| p == c && **t == tmp[first]).count() == members
    }

    #[test]
    fn two_cliques_joined_by_an_edge_are_two_clusters() {
        let mut edges = clique_edges(0, 6);
        edges.extend(clique_edges(6, 6));
        edges.push((5, 6));
        let net = Net::from_graph(&graph(12, &edges));
        let (part, count) = leiden(&net, 1.0, 0);
        assert_eq!(count, 2);
        assert!(part[..6].iter().all(|&c| c == part[0]) && part[6..].iter().all(|&c| c == part[6]));
        assert_ne!(part[0], part[6]);
        // The known optimum: 2 × (30/62 − (31/62)²) = 0.4677…
        assert!((net.modularity(&part, 1.0) - 0.467_741_9).abs() < 1e-6);
    }

    #[test]
    fn a_ring_of_cliques_splits_at_its_cliques_and_resolution_merges_them() {
        let g = ring_of_cliques(12, 5);
        let net = Net::from_graph(&g);
        let (part, count) = leiden(&net, 1.0, 3);
        assert_eq!(count, 12, "{part:?}");
        for c in 0..12u32 {
            let members: Vec<usize> = (0..60).filter(|&i| part[i] == part[(c * 5) as usize]).collect();
            assert_eq!(members, ((c * 5) as usize..(c * 5 + 5) as usize).collect::<Vec<_>>());
        }
        // A low resolution merges neighbouring cliques; a community never skips one.
        let (coarse, fewer) = leiden(&net, 0.05, 3);
        assert!(fewer < 12, "{fewer}");
        for c in 0..fewer as u32 {
            assert!(connected(&net, &coarse, c));
        }
    }

    #[test]
    fn communities_are_connected_and_the_same_for_a_seed() {
        // A sparse random graph: many weakly held nodes, the case where plain Louvain can leave
        // a community in pieces.
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        let n = 400u32;
        let edges: Vec<(u32, u32)> =
            (0..900).map(|_| (rng.random_range(0..n), rng.random_range(0..n))).filter(|(i, j)| i != j).collect();
        let g = graph(n as usize, &edges);
        let net = Net::from_graph(&g);
        let (part, count) = leiden(&net, 1.0, 11);
        for c in 0..count as u32 {
            assert!(connected(&net, &part, c), "community {c} is in pieces");
        }
        // About the best a random graph of mean degree 4.5 allows (≈ 0.46 in theory).
        assert!(net.modularity(&part, 1.0) > 0.45, "{}", net.modularity(&part, 1.0));
        assert_eq!(leiden(&net, 1.0, 11), (part.clone(), count));
        // Aggregating keeps the total weight and the modularity of the partition.
        let agg = net.aggregate(&part, count);
        let whole: Vec<u32> = (0..count as u32).collect();
        assert!((agg.modularity(&whole, 1.0) - net.modularity(&part, 1.0)).abs() < 1e-9);
        assert_eq!(agg.total, net.total);
    }

    #[test]
    fn hierarchy_levels_nest_coarse_to_fine_and_are_numbered_by_size() {
        // 150 cliques of 15 in a ring (large enough that modularity does not merge them): the
        // finest level finds the cliques, then about 20 arcs of the ring, with a middle level
        // between (150 ≥ 6 × 20).
        let g = ring_of_cliques(150, 15);
        let levels = hierarchy(g.adjacency(), 5);
        assert_eq!(levels.len(), 3);
        let counts: Vec<usize> = levels.iter().map(|l| *l.iter().max().unwrap() as usize + 1).collect();
        assert_eq!(counts[2], 150, "{counts:?}");
        assert!((TOP_TARGET - 3..=TOP_TARGET + 3).contains(&counts[0]), "{counts:?}");
        assert!(counts[0] < counts[1] && counts[1] < counts[2], "{counts:?}");
        for l in 1..levels.len() {
            // Each fine cluster lies inside one coarse cluster.
            let mut parent = vec![u32::MAX; counts[l]];
            for (i, &c) in levels[l].iter().enumerate() {
                let p = levels[l - 1][i];
                assert!(parent[c as usize] == u32::MAX || parent[c as usize] == p, "level {l} does not nest");
                parent[c as usize] = p;
            }
        }
        for (level, &count) in levels.iter().zip(&counts) {
            let mut sizes = vec![0usize; count];
            for &c in level {
                sizes[c as usize] += 1;
            }
            assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
        }
        assert_eq!(hierarchy(g.adjacency(), 5), levels, "the same for a seed");
        // Small maps, and maps with a single cluster, get none.
        assert!(hierarchy(ring_of_cliques(4, 6).adjacency(), 0).is_empty());
        assert!(hierarchy(graph(40, &clique_edges(0, 40)).adjacency(), 0).is_empty());
        // Few clusters of few entities make one level.
        assert_eq!(hierarchy(ring_of_cliques(8, 6).adjacency(), 0).len(), 1);
    }

    #[test]
    fn communities_with_nothing_above_them_get_no_coarser_level() {
        // 60 cliques of 8, every two joined by one edge: 60 communities, and a lower resolution
        // merges them all at once.
        let mut edges = Vec::new();
        for a in 0..60u32 {
            edges.extend(clique_edges(a * 8, 8));
            edges.extend((a + 1..60).map(|b| (a * 8 + b % 8, b * 8 + a % 8)));
        }
        let levels = hierarchy(graph(480, &edges).adjacency(), 2);
        assert_eq!(levels.len(), 1);
        assert_eq!(levels[0].iter().max(), Some(&59));
    }

    #[test]
    fn a_coarser_level_must_come_near_its_count_and_group_the_finer_one() {
        assert!(near(8, TOP_TARGET) && near(40, TOP_TARGET) && !near(7, TOP_TARGET) && !near(41, TOP_TARGET));
        // 10 clusters below: a blob of 6 and 4 alone is refused, 5 pairs are fine.
        assert!(!groups(&[0, 0, 0, 0, 0, 0, 1, 2, 3, 4], 5, 10));
        assert!(groups(&[0, 0, 1, 1, 2, 2, 3, 3, 4, 4], 5, 10));
        assert!(groups(&[0, 0, 0, 0, 0, 1, 1, 1, 1, 1], 2, 10), "two halves");
        assert!(!groups(&[0; 10], 1, 10) && !groups(&(0..10).collect::<Vec<_>>(), 10, 10));
    }

    #[test]
    fn few_large_communities_get_a_finer_level_inside_them() {
        // 8 groups in a ring, each a chain of 5 cliques of 20, consecutive ones joined by 100
        // edges: at resolution 1 the groups are the communities; inside them, the cliques.
        let mut edges = Vec::new();
        for group in 0..8u32 {
            for k in 0..5u32 {
                let first = (group * 5 + k) * 20;
                edges.extend(clique_edges(first, 20));
                if k < 4 {
                    edges.extend((0..100).map(|e| (first + e % 20, first + 20 + (e % 20 + e / 20 * 4) % 20)));
                }
            }
            edges.push((group * 100, (group + 1) % 8 * 100 + 50));
        }
        let g = graph(800, &edges);
        let levels = hierarchy(g.adjacency(), 1);
        assert_eq!(levels.len(), 2);
        let counts: Vec<usize> = levels.iter().map(|l| *l.iter().max().unwrap() as usize + 1).collect();
        // The groups, then about 800 / 25 = 32 (a level can only split groups into runs of
        // whole cliques).
        assert_eq!(counts[0], 8);
        assert!((24..=40).contains(&counts[1]), "{counts:?}");
        let net = Net::from_graph(&g);
        for (l, level) in levels.iter().enumerate() {
            for c in 0..counts[l] as u32 {
                assert!(connected(&net, level, c), "level {l} cluster {c}");
            }
        }
        let mut parent = vec![u32::MAX; counts[1]];
        for (&c, &p) in levels[1].iter().zip(&levels[0]) {
            assert!(parent[c as usize] == u32::MAX || parent[c as usize] == p, "the levels do not nest");
            parent[c as usize] = p;
        }
    }

    #[test]
    fn by_size_orders_largest_first_then_by_first_member() {
        // Clusters 0 and 2 hold three each, 2 from entity 0 and 0 from entity 1; cluster 1 two.
        assert_eq!(by_size(&[2, 0, 0, 1, 2, 2, 1, 0], 3), vec![0, 1, 1, 2, 0, 0, 2, 1]);
    }
}
