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
/// Estimated width (CSS px) of one character of a name at the page's 12 px; the page checks the
/// drawn boxes and hides a name the estimate let past the edge.
const LABEL_CHAR_PX: f64 = 6.5;
/// Width (CSS px) a name's box takes beyond its characters.
const LABEL_PAD_PX: f64 = 4.0;
/// Gap (CSS px) between a point's centre and the near end of its name.
pub const LABEL_GAP_PX: f64 = 6.0;

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

/// Which side of its point a name is written on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelSide {
    /// The name starts just right of the point (the usual place).
    Right,
    /// The name ends just left of the point: for points near the right edge, or where the
    /// right side is taken.
    Left,
}

/// A name placed on the map: the entity, the screen position of its point and the side of it
/// the name is written on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedLabel {
    /// The entity named.
    pub entity: u32,
    /// Its point on the screen (CSS px, canvas-relative).
    pub at: [f64; 2],
    /// The side of the point the name goes.
    pub side: LabelSide,
}

/// Picks names to show from `candidates` (entity, screen position), taken in order (most
/// popular first), up to `budget`: only points inside `free`, and only names whose boxes lie
/// inside `free` and overlap none placed before and none of `avoid` (the cluster names). A name
/// goes right of its point where it fits there, else left of it, so points near the right edge
/// are named in full rather than cut off. `chars` counts a name's characters; it is asked only
/// for points in view, as names are the costly part.
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
        if x < free.left || y < free.top + 8.0 || x > free.right || y > free.bottom - 8.0 {
            continue;
        }
        let width = LABEL_PAD_PX + LABEL_CHAR_PX * chars(entity).min(LABEL_CHARS) as f64;
        let right = Rect { left: x + LABEL_GAP_PX, top: y - 9.0, right: x + LABEL_GAP_PX + width, bottom: y + 9.0 };
        let left = Rect { left: x - LABEL_GAP_PX - width, top: y - 9.0, right: x - LABEL_GAP_PX, bottom: y + 9.0 };
        let fits = |b: &Rect| b.left >= free.left && b.right <= free.right && !boxes.iter().any(|p| p.overlaps(b));
        let (side, b) = if fits(&right) {
            (LabelSide::Right, right)
        } else if fits(&left) {
            (LabelSide::Left, left)
        } else {
            continue;
        };
        boxes.push(b);
        placed.push(PlacedLabel { entity, at: [x, y], side });
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
                (2, [210.0, 205.0]), // its right side overlaps the first name: left
                (3, [50.0, 200.0]),  // under the side panel
                (4, [200.0, 55.0]),  // too close to the top bar
                (5, [790.0, 300.0]), // no room for the name at the right: it goes left
                (6, [200.0, 230.0]), // a long name, cut to 28 characters
                (7, [400.0, 400.0]),
                (8, [105.0, 500.0]), // the name fits right only
                (9, [212.0, 203.0]), // 1 takes its right side, 2 its left
            ],
            chars,
            free,
            10,
            &[],
        );
        let got: Vec<(u32, LabelSide)> = placed.iter().map(|p| (p.entity, p.side)).collect();
        use LabelSide::{Left, Right};
        assert_eq!(got, vec![(1, Right), (2, Left), (5, Left), (6, Right), (7, Right), (8, Right)]);
        assert_eq!(placed[0].at, [200.0, 200.0]);
    }

    #[test]
    fn every_name_box_lies_inside_the_free_area() {
        // Points along the right edge (the first view of a map puts its outermost points there):
        // each name is whole inside the free area, written left of its point where the right
        // side has no room.
        let free = Rect { left: 0.0, top: 0.0, right: 500.0, bottom: 500.0 };
        let chars = |e: u32| 3 + e as usize;
        let points = (0..20u32).map(|i| (i, [300.0 + 10.0 * i as f64, 20.0 + 24.0 * i as f64]));
        let placed = place_labels(points, chars, free, 40, &[]);
        assert_eq!(placed.len(), 20);
        for p in &placed {
            let width = LABEL_PAD_PX + LABEL_CHAR_PX * chars(p.entity) as f64;
            let [x, _] = p.at;
            let (lo, hi) = match p.side {
                LabelSide::Right => (x + LABEL_GAP_PX, x + LABEL_GAP_PX + width),
                LabelSide::Left => (x - LABEL_GAP_PX - width, x - LABEL_GAP_PX),
            };
            assert!(lo >= free.left && hi <= free.right, "{p:?}: {lo}..{hi}");
        }
        // The right side is kept wherever it fits.
        assert_eq!(placed[0].side, LabelSide::Right);
        assert_eq!(placed[19].side, LabelSide::Left);
    }

    #[test]
    fn a_name_whose_right_side_is_taken_goes_left() {
        let free = Rect { left: 0.0, top: 0.0, right: 1000.0, bottom: 1000.0 };
        // The second point sits just left of the first, on the same line: its right side runs
        // into the first name.
        let placed = place_labels([(1, [500.0, 500.0]), (2, [480.0, 500.0])], |_| 6, free, 10, &[]);
        let got: Vec<(u32, LabelSide)> = placed.iter().map(|p| (p.entity, p.side)).collect();
        assert_eq!(got, vec![(1, LabelSide::Right), (2, LabelSide::Left)]);
    }

    #[test]
    fn labels_stop_at_the_budget() {
        let free = Rect { left: 0.0, top: 0.0, right: 1000.0, bottom: 1000.0 };
        let grid = (0..50u32).map(|i| (i, [20.0 + 190.0 * (i % 5) as f64, 20.0 + 40.0 * (i / 5) as f64]));
        assert_eq!(place_labels(grid, |_| 4, free, 7, &[]).len(), 7);
    }
}
