//! Hover picking: a 2D k-d tree (kiddo) over the dequantised positions answers "which point is
//! nearest the cursor" in microseconds at a million points; the caller then checks the screen
//! distance so only points within a few pixels count.

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
}
