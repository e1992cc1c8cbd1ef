//! Keyboard stepping between points: with the map focused, an arrow key moves the selection to
//! the nearest shown point in that direction (on the screen), or, with nothing selected in view,
//! selects the point nearest the middle of the free area. Enter then opens its details.

use super::command::{Changes, Focus};
use super::layout::Rect;
use super::viewer::Viewer;

/// A direction on the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Towards the left edge.
    Left,
    /// Towards the right edge.
    Right,
    /// Towards the top edge.
    Up,
    /// Towards the bottom edge.
    Down,
}

impl Direction {
    /// The arrow key's direction, if `key` is one.
    pub fn of_key(key: &str) -> Option<Self> {
        Some(match key {
            "ArrowLeft" => Self::Left,
            "ArrowRight" => Self::Right,
            "ArrowUp" => Self::Up,
            "ArrowDown" => Self::Down,
            _ => return None,
        })
    }

    /// Unit vector in screen pixels (y grows downwards).
    fn unit(self) -> [f64; 2] {
        match self {
            Self::Left => [-1.0, 0.0],
            Self::Right => [1.0, 0.0],
            Self::Up => [0.0, -1.0],
            Self::Down => [0.0, 1.0],
        }
    }
}

/// Weight of the sideways offset against the distance along the direction: a point straight
/// ahead wins over a nearer one far off to the side, which is what the eye expects.
const SIDEWAYS_WEIGHT: f64 = 2.0;

/// The candidate to step to from `from` in `dir`: among points within 45° of the direction
/// (and at least half a pixel ahead), the one with the least `along + 2·sideways`; ties go to
/// the earlier candidate (the more popular, in draw order).
pub fn step_target(
    candidates: impl IntoIterator<Item = (u32, [f64; 2])>,
    from: [f64; 2],
    dir: Direction,
) -> Option<u32> {
    let [ux, uy] = dir.unit();
    let mut best: Option<(f64, u32)> = None;
    for (e, [x, y]) in candidates {
        let (dx, dy) = (x - from[0], y - from[1]);
        let along = dx * ux + dy * uy;
        let sideways = (dx * uy - dy * ux).abs();
        if along < 0.5 || sideways > along {
            continue;
        }
        let cost = along + SIDEWAYS_WEIGHT * sideways;
        if best.is_none_or(|(c, _)| cost < c) {
            best = Some((cost, e));
        }
    }
    best.map(|(_, e)| e)
}

/// The candidate nearest `at` (ties: the earlier).
pub fn nearest_to(candidates: impl IntoIterator<Item = (u32, [f64; 2])>, at: [f64; 2]) -> Option<u32> {
    let mut best: Option<(f64, u32)> = None;
    for (e, [x, y]) in candidates {
        let d = (x - at[0]).powi(2) + (y - at[1]).powi(2);
        if best.is_none_or(|(b, _)| d < b) {
            best = Some((d, e));
        }
    }
    best.map(|(_, e)| e)
}

fn inside(r: &Rect, [x, y]: [f64; 2]) -> bool {
    x >= r.left && x <= r.right && y >= r.top && y <= r.bottom
}

impl Viewer {
    /// Shown points (passing the filters, and in the group when one is chosen) with their screen
    /// positions in the layout shown, in draw order.
    fn shown_on_screen(&self) -> Vec<(u32, [f64; 2])> {
        let Some(placed) = self.map.placed(self.shown_layout) else { return Vec::new() };
        self.map
            .order
            .iter()
            .filter(|&&e| self.is_shown(e))
            .map(|&e| {
                let w = placed.world[e as usize];
                (e, self.camera.screen_from_world([f64::from(w[0]), f64::from(w[1])]))
            })
            .collect()
    }

    /// An arrow key on the map: step the selection (see the module), keeping it in view.
    pub(super) fn step(&mut self, dir: Direction, free: Rect, ch: &mut Changes) {
        if self.morph.is_some() {
            return;
        }
        let points = self.shown_on_screen();
        let from = self.selected.and_then(|e| self.screen_of(e)).filter(|&p| inside(&free, p));
        let target = match from {
            Some(at) => step_target(points.iter().copied(), at, dir),
            None => {
                let visible = points.iter().copied().filter(|&(_, p)| inside(&free, p));
                nearest_to(visible, free.center())
            }
        };
        let Some(e) = target else { return };
        let off_screen = self.screen_of(e).is_none_or(|p| !inside(&free, p));
        self.select(Some(e), false, ch);
        if off_screen {
            // Step past the edge: bring the point in without changing the zoom.
            if let Some([wx, wy]) = self.map.world_in(self.shown_layout, e) {
                let [fx, fy] = free.center();
                let [sx, sy] = self.camera.screen_from_world([wx, wy]);
                self.stop_camera();
                self.camera.pan_by(fx - sx, fy - sy);
                ch.frame = true;
                ch.settle = true;
            }
        }
    }

    /// Enter on the map: the details of the selection take the focus.
    pub(super) fn open_details(&mut self, ch: &mut Changes) {
        if self.selected.is_some() {
            ch.details = true;
            ch.focus = Some(Focus::Details);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_to_the_nearest_point_ahead_preferring_straight_lines() {
        let pts = [
            (1, [100.0, 100.0]), // the start itself: not ahead
            (2, [130.0, 100.0]), // straight right, 30 px
            (3, [120.0, 115.0]), // nearer but 15 px off: 20 + 30 = 50 > 30
            (4, [60.0, 100.0]),  // behind
            (5, [105.0, 140.0]), // below, outside the right cone
        ];
        assert_eq!(step_target(pts, [100.0, 100.0], Direction::Right), Some(2));
        assert_eq!(step_target(pts, [100.0, 100.0], Direction::Left), Some(4));
        assert_eq!(step_target(pts, [100.0, 100.0], Direction::Down), Some(5));
        assert_eq!(step_target(pts, [100.0, 100.0], Direction::Up), None, "nothing above");
    }

    #[test]
    fn first_step_takes_the_point_nearest_the_middle() {
        let pts = [(7, [10.0, 10.0]), (8, [48.0, 52.0]), (9, [90.0, 90.0])];
        assert_eq!(nearest_to(pts, [50.0, 50.0]), Some(8));
        assert_eq!(nearest_to([], [50.0, 50.0]), None);
    }

    #[test]
    fn arrow_keys_have_directions() {
        assert_eq!(Direction::of_key("ArrowUp"), Some(Direction::Up));
        assert_eq!(Direction::of_key("a"), None);
    }
}
