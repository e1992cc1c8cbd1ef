//! Screen-space decisions about points: how close the pointer must come to pick one, and which
//! names the map shows without their boxes overlapping.

use super::layout::Rect;
use crate::render::size_range_css;

/// Hover and click pick points within this many CSS pixels (or the point's radius, if larger).
pub const PICK_RADIUS_PX: f64 = 7.0;
/// Most names shown on the map at once.
pub const MAX_LABELS: usize = 40;
/// Points looked at for names, most popular first; enough for any zoom on a million points.
pub const LABEL_SCAN_LIMIT: usize = 200_000;
/// Characters of a name counted for its box (longer names are cut off by the page's CSS).
const LABEL_CHARS: usize = 28;

/// How far (CSS px) from a point's centre the pointer picks it, for a map of `n` points at zoom
/// ratio `zoom` and the point's size key (0..=255, from its popularity).
pub fn pick_radius_px(n: usize, zoom: f64, size_key: u8) -> f64 {
    let [lo, hi] = size_range_css(n, zoom).map(f64::from);
    let radius = (lo + (hi - lo) * f64::from(size_key) / 255.0) / 2.0;
    PICK_RADIUS_PX.max(radius)
}

/// How many names to show at zoom ratio `zoom`: few while a dense map is shown whole, more as
/// one zooms in.
pub fn label_budget(zoom: f64) -> usize {
    ((6.0 * zoom.max(1.0)) as usize).clamp(6, MAX_LABELS)
}

/// A name placed on the map: the entity and the screen position of its point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedLabel {
    /// The entity named.
    pub entity: u32,
    /// Its point on the screen (CSS px, canvas-relative); the name starts just right of it.
    pub at: [f64; 2],
}

/// Picks names to show from `candidates` (entity, screen position), taken in order (most
/// popular first), up to `budget`: only points inside `free` with room for the name, and only
/// names whose boxes overlap none placed before and none of `avoid` (the cluster names).
/// `chars` counts a name's characters; it is asked only for points in view, as names are the
/// costly part.
pub fn place_labels(
    candidates: impl IntoIterator<Item = (u32, [f64; 2])>,
    chars: impl Fn(u32) -> usize,
    free: Rect,
    budget: usize,
    avoid: &[Rect],
) -> Vec<PlacedLabel> {
    let mut boxes: Vec<Rect> = avoid.to_vec();
    let mut placed = Vec::new();
    for (entity, [x, y]) in candidates {
        if placed.len() >= budget {
            break;
        }
        if x < free.left || y < free.top + 8.0 || x > free.right - 40.0 || y > free.bottom - 8.0 {
            continue;
        }
        let chars = chars(entity).min(LABEL_CHARS) as f64;
        let b = Rect { left: x + 6.0, top: y - 9.0, right: x + 10.0 + 6.5 * chars, bottom: y + 9.0 };
        if boxes.iter().any(|p| p.overlaps(&b)) {
            continue;
        }
        boxes.push(b);
        placed.push(PlacedLabel { entity, at: [x, y] });
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_points_are_picked_within_the_minimum_radius() {
        // A dense map at the fitted zoom: points are a few pixels wide.
        assert_eq!(pick_radius_px(1_000_000, 1.0, 0), PICK_RADIUS_PX);
        assert_eq!(pick_radius_px(1_000_000, 1.0, 255), PICK_RADIUS_PX);
    }

    #[test]
    fn large_points_are_picked_anywhere_on_their_disc() {
        // Zoomed far into a small map, the most popular points are wider than 14 px.
        let [lo, hi] = size_range_css(100, 1000.0);
        assert!(hi / 2.0 > PICK_RADIUS_PX as f32);
        assert_eq!(pick_radius_px(100, 1000.0, 255), f64::from(hi) / 2.0);
        let mid = pick_radius_px(100, 1000.0, 128);
        assert!(mid > f64::from(lo) / 2.0 && mid < f64::from(hi) / 2.0, "{mid}");
        // Bigger keys never pick less.
        assert!(pick_radius_px(100, 1000.0, 200) >= mid);
    }

    #[test]
    fn budget_grows_with_zoom() {
        assert_eq!(label_budget(0.5), 6);
        assert_eq!(label_budget(1.0), 6);
        assert_eq!(label_budget(3.0), 18);
        assert_eq!(label_budget(1e6), MAX_LABELS);
    }

    #[test]
    fn labels_skip_overlaps_and_covered_points() {
        let free = Rect { left: 100.0, top: 50.0, right: 800.0, bottom: 600.0 };
        let chars = |e: u32| match e {
            1 => 10,
            6 => 100,
            _ => 5,
        };
        let placed = place_labels(
            [
                (1, [200.0, 200.0]),
                (2, [210.0, 205.0]), // its box overlaps the first one's
                (3, [50.0, 200.0]),  // under the side panel
                (4, [200.0, 55.0]),  // too close to the top bar
                (5, [790.0, 300.0]), // no room for the name at the right
                (6, [200.0, 230.0]), // a long name, cut to 28 characters
                (7, [400.0, 400.0]),
            ],
            chars,
            free,
            10,
            &[],
        );
        let ids: Vec<u32> = placed.iter().map(|p| p.entity).collect();
        assert_eq!(ids, vec![1, 6, 7]);
        assert_eq!(placed[0].at, [200.0, 200.0]);
    }

    #[test]
    fn labels_stop_at_the_budget() {
        let free = Rect { left: 0.0, top: 0.0, right: 1000.0, bottom: 1000.0 };
        let grid = (0..50u32).map(|i| (i, [20.0 + 190.0 * (i % 5) as f64, 20.0 + 40.0 * (i / 5) as f64]));
        assert_eq!(place_labels(grid, |_| 4, free, 7, &[]).len(), 7);
    }
}
