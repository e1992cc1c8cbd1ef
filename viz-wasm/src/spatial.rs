//! Hover picking: a 2D k-d tree (kiddo) over one layout's world positions answers "which point
//! is nearest the cursor" in microseconds at a million points; the caller then checks the screen
//! distance so only points within a few pixels count. Compare mode asks [`nearest_n`] for a
//! point's nearest neighbours in each layout.

use kiddo::{ImmutableKdTree, SquaredEuclidean};

/// The spatial index of all points.
pub struct PointIndex {
    tree: ImmutableKdTree<f32, 2>,
}

impl std::fmt::Debug for PointIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PointIndex").finish_non_exhaustive()
    }
}

impl PointIndex {
    /// Indexes the points; entity `i` is `points[i]`. `None` for an empty map.
    pub fn new(points: &[[f32; 2]]) -> Option<Self> {
        if points.is_empty() {
            return None;
        }
        ImmutableKdTree::new_from_slice(points).ok().map(|tree| Self { tree })
    }

    /// The entity nearest `p` and its squared distance (world units).
    pub fn nearest(&self, p: [f64; 2]) -> (u32, f64) {
        let r = self.tree.query(&[p[0] as f32, p[1] as f32]).nearest_one::<SquaredEuclidean<f32>>().execute();
        (r.item, r.distance as f64)
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
