//! Hover picking: a 2D k-d tree (kiddo) over one layout's world positions answers "which point
//! is nearest the cursor" in microseconds at a million points; the caller then checks the screen
//! distance so only points within a few pixels count. Compare mode asks [`nearest_n`] for a
//! point's nearest neighbours in each layout.

use kiddo::{ImmutableKdTree, SquaredEuclidean};

/// The spatial index of all points: a k-d tree per part of [`PointIndex::PART`] points, so
/// the index of a million points is built a part at a time, between frames, never holding the
/// page's thread for long. A query asks every part (a few microseconds each).
pub struct PointIndex {
    /// Each part's first entity and its tree.
    parts: Vec<(u32, ImmutableKdTree<f32, 2>)>,
    /// Points indexed so far.
    indexed: usize,
}

impl std::fmt::Debug for PointIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PointIndex").field("parts", &self.parts.len()).field("indexed", &self.indexed).finish()
    }
}

impl PointIndex {
    /// Points a part holds: its tree takes some tens of milliseconds to build in the browser.
    pub const PART: usize = 65_536;

    /// Indexes all the points at once; entity `i` is `points[i]`. `None` for an empty map.
    pub fn new(points: &[[f32; 2]]) -> Option<Self> {
        if points.is_empty() {
            return None;
        }
        let mut index = Self::start();
        while !index.extend(points) {}
        Some(index)
    }

    /// An index of no points yet, to [`extend`](Self::extend) a part at a time.
    pub fn start() -> Self {
        Self { parts: Vec::new(), indexed: 0 }
    }

    /// Indexes the next part of `points` (the same slice each call); whether all are in.
    pub fn extend(&mut self, points: &[[f32; 2]]) -> bool {
        let from = self.indexed.min(points.len());
        let to = (from + Self::PART).min(points.len());
        if from < to {
            if let Ok(tree) = ImmutableKdTree::new_from_slice(&points[from..to]) {
                self.parts.push((from as u32, tree));
            }
            self.indexed = to;
        }
        to == points.len()
    }

    /// Points indexed so far.
    pub fn len(&self) -> usize {
        self.indexed
    }

    /// Whether no point is indexed yet.
    pub fn is_empty(&self) -> bool {
        self.indexed == 0
    }

    /// The entity nearest `p` and its squared distance (world units); ties go to the lower
    /// entity. `(0, ∞)` for an index of no points.
    pub fn nearest(&self, p: [f64; 2]) -> (u32, f64) {
        let q = [p[0] as f32, p[1] as f32];
        let mut best = (0u32, f64::INFINITY);
        for (first, tree) in &self.parts {
            let r = tree.query(&q).nearest_one::<SquaredEuclidean<f32>>().execute();
            let found = (first + r.item, r.distance as f64);
            if found.1 < best.1 || (found.1 == best.1 && found.0 < best.0) {
                best = found;
            }
        }
        best
    }
}

/// The `k` points of `points` nearest `p` (entity `i` is `points[i]`), nearest first, ties by
/// entity: one pass that keeps the best `k` so far. A few milliseconds at a million points, and
/// asked only when the selection or the layouts compared change; kiddo's k-nearest query
/// would cost the bundle ~20 KB.
pub fn nearest_n(points: &[[f32; 2]], p: [f32; 2], k: usize) -> Vec<(u32, f32)> {
    let mut best: Vec<(f32, u32)> = Vec::with_capacity(k + 1);
    for (i, q) in points.iter().enumerate() {
        let d = (q[0] - p[0]) * (q[0] - p[0]) + (q[1] - p[1]) * (q[1] - p[1]);
        if best.len() == k && best.last().is_none_or(|w| d >= w.0) {
            continue;
        }
        let at = best.partition_point(|b| b.0 <= d);
        best.insert(at, (d, i as u32));
        best.truncate(k);
    }
    best.into_iter().map(|(d, i)| (i, d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_point() {
        let pts: Vec<[f32; 2]> = (0..1000).map(|i| [(i % 40) as f32, (i / 40) as f32]).collect();
        let idx = PointIndex::new(&pts).unwrap();
        let (i, d) = idx.nearest([7.2, 3.9]);
        assert_eq!(pts[i as usize], [7.0, 4.0]);
        assert!((d - (0.04 + 0.01)).abs() < 1e-4);
        assert!(PointIndex::new(&[]).is_none());
        // Built a part at a time, it finds the same points as a brute-force search.
        let many: Vec<[f32; 2]> =
            (0..PointIndex::PART * 2 + 77).map(|i| [(i * 7919 % 1000) as f32, (i * 104_729 % 997) as f32]).collect();
        let mut parts = PointIndex::start();
        let mut calls = 1;
        while !parts.extend(&many) {
            calls += 1;
        }
        assert_eq!(calls, 3);
        for q in [[3.3, 4.4], [999.0, 0.5], [500.5, 500.5]] {
            let (e, d) = parts.nearest(q);
            let brute = nearest_n(&many, [q[0] as f32, q[1] as f32], 1)[0];
            assert_eq!((e, d as f32), brute);
        }
        // Duplicates are fine.
        let dup = PointIndex::new(&[[1.0, 1.0], [1.0, 1.0], [5.0, 5.0]]).unwrap();
        assert!(dup.nearest([1.1, 1.0]).0 < 2);
    }

    #[test]
    fn lists_the_nearest_in_order() {
        let pts: Vec<[f32; 2]> = (0..100).map(|i| [i as f32, 0.0]).collect();
        let near: Vec<u32> = nearest_n(&pts, [10.2, 0.0], 4).into_iter().map(|(e, _)| e).collect();
        assert_eq!(near, vec![10, 11, 9, 12]);
        assert!(nearest_n(&pts, [0.0, 0.0], 0).is_empty());
        assert_eq!(nearest_n(&pts, [0.0, 0.0], 500).len(), 100, "no more than there are");
        // Ties go to the lower entity.
        let dup = [[1.0, 0.0], [0.0, 0.0], [1.0, 0.0], [-1.0, 0.0]];
        assert_eq!(nearest_n(&dup, [0.0, 0.0], 3), vec![(1, 0.0), (0, 1.0), (2, 1.0)]);
    }
}
