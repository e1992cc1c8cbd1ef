//! How raw input becomes camera motion and commands: the key map, wheel zoom and the pointer
//! gesture (drag to pan, two pointers to pinch, a press that barely moves is a click).

use super::command::{Command, Focus, WheelUnit};

/// Pixels a pointer may move between down and up and still count as a click.
pub const CLICK_SLOP_PX: f64 = 5.0;
/// Zoom factor of the + and − keys and buttons.
pub const ZOOM_STEP: f64 = 1.6;
/// Share of the canvas an arrow key pans.
const PAN_STEP: f64 = 0.15;
/// CSS pixels per wheel line.
const WHEEL_LINE_PX: f64 = 16.0;

/// What a key pressed outside a text field does (`None`: nothing, let the page have it).
/// Escape is not here: it is [`Command::Escape`], and works inside fields too.
pub fn page_key(key: &str) -> Option<Command> {
    Some(match key {
        "/" => Command::Focus(Focus::Search),
        "+" | "=" => Command::ZoomBy(ZOOM_STEP),
        "-" | "_" => Command::ZoomBy(1.0 / ZOOM_STEP),
        "0" => Command::ResetView,
        "l" | "L" => Command::NextLayout,
        // The content follows the arrow, as if dragged.
        "ArrowLeft" => Command::PanBy { x: PAN_STEP, y: 0.0 },
        "ArrowRight" => Command::PanBy { x: -PAN_STEP, y: 0.0 },
        "ArrowUp" => Command::PanBy { x: 0.0, y: PAN_STEP },
        "ArrowDown" => Command::PanBy { x: 0.0, y: -PAN_STEP },
        _ => return None,
    })
}

/// Zoom factor of one wheel event on a canvas `height_px` tall. Trackpad pinches arrive as
/// wheel events with ctrl held and small deltas, so they zoom faster per unit; one event never
/// zooms by more than e.
pub fn wheel_factor(delta_y: f64, unit: WheelUnit, pinch: bool, height_px: f64) -> f64 {
    let px = match unit {
        WheelUnit::Pixel => 1.0,
        WheelUnit::Line => WHEEL_LINE_PX,
        WheelUnit::Page => height_px,
    };
    let k = if pinch { 0.01 } else { 0.002 };
    (-delta_y * px * k).clamp(-1.0, 1.0).exp()
}

/// Distance between two screen points.
pub fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

fn mid(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]
}

/// Camera motion of one pointer move: zoom `factor` about `anchor`, then pan by `pan`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Motion {
    /// Zoom factor (1: none).
    pub factor: f64,
    /// Where the zoom is anchored.
    pub anchor: [f64; 2],
    /// Pan in CSS pixels.
    pub pan: [f64; 2],
}

/// The pointers down on the map and whether the press can still be a click.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gesture {
    /// Active pointers: id and last position (CSS px, canvas-relative).
    pointers: Vec<(i32, [f64; 2])>,
    /// Where the single pointer went down, while the gesture can still be a click.
    click_from: Option<[f64; 2]>,
    /// The lasso being drawn (canvas px), while a lasso press is down.
    lasso: Option<Vec<[f64; 2]>>,
}

impl Gesture {
    /// A pointer went down; with `lasso`, a single pointer draws a lasso instead of panning (a
    /// second pointer ends the lasso and pinches as usual).
    pub fn down(&mut self, id: i32, at: [f64; 2], lasso: bool) {
        self.pointers.retain(|(i, _)| *i != id);
        self.pointers.push((id, at));
        self.click_from = if self.pointers.len() == 1 { Some(at) } else { None };
        self.lasso = (lasso && self.pointers.len() == 1).then(|| vec![at]);
    }

    /// The lasso being drawn, while one is.
    pub fn lasso(&self) -> Option<&[[f64; 2]]> {
        self.lasso.as_deref()
    }

    /// A lasso press moved: the path grows by a vertex once the pointer went far enough.
    /// Returns whether it grew; `None` when no lasso is being drawn by `id`.
    pub fn lasso_moved(&mut self, id: i32, at: [f64; 2]) -> Option<bool> {
        let path = self.lasso.as_mut().filter(|_| self.pointers.len() == 1 && self.pointers[0].0 == id)?;
        self.pointers[0].1 = at;
        if self.click_from.is_some_and(|f| dist(f, at) > CLICK_SLOP_PX) {
            self.click_from = None;
        }
        let grew = path.last().is_none_or(|&p| dist(p, at) >= super::group::LASSO_STEP_PX);
        if grew {
            path.push(at);
        }
        Some(grew)
    }

    /// Takes the finished lasso, after [`Gesture::up`] (`None` if none was drawn, it never
    /// left the click slop or it was cancelled).
    pub fn take_lasso(&mut self) -> Option<Vec<[f64; 2]>> {
        self.lasso.take()
    }

    /// Whether pointer `id` is down.
    pub fn tracks(&self, id: i32) -> bool {
        self.pointers.iter().any(|(i, _)| *i == id)
    }

    /// A tracked pointer moved: the camera motion it makes and whether it just became a drag
    /// (moved past the click slop). One pointer pans; with two, the pair's spread zooms about
    /// their old midpoint and the midpoint's move pans.
    pub fn moved(&mut self, id: i32, at: [f64; 2]) -> Option<(Motion, bool)> {
        let k = self.pointers.iter().position(|(i, _)| *i == id)?;
        let prev = self.pointers[k].1;
        self.pointers[k].1 = at;
        if self.pointers.len() >= 2 {
            let other = self.pointers[1 - k.min(1)].1;
            let (d0, d1) = (dist(prev, other), dist(at, other));
            let (m0, m1) = (mid(prev, other), mid(at, other));
            let factor = if d0 > 1.0 { d1 / d0 } else { 1.0 };
            return Some((Motion { factor, anchor: m0, pan: [m1[0] - m0[0], m1[1] - m0[1]] }, false));
        }
        let started_drag = self.click_from.is_some_and(|f| dist(f, at) > CLICK_SLOP_PX);
        if started_drag {
            self.click_from = None;
        }
        Some((Motion { factor: 1.0, anchor: at, pan: [at[0] - prev[0], at[1] - prev[1]] }, started_drag))
    }

    /// A pointer went up (or was cancelled): whether that ends a click.
    pub fn up(&mut self, id: i32, cancelled: bool) -> bool {
        let click = !cancelled && self.pointers.len() == 1 && self.tracks(id) && self.click_from.is_some();
        self.pointers.retain(|(i, _)| *i != id);
        self.click_from = None;
        if click || cancelled {
            self.lasso = None;
        }
        click
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_commands() {
        assert!(matches!(page_key("/"), Some(Command::Focus(Focus::Search))));
        assert!(matches!(page_key("l"), Some(Command::NextLayout)));
        assert!(matches!(page_key("="), Some(Command::ZoomBy(f)) if f == ZOOM_STEP));
        assert!(matches!(page_key("-"), Some(Command::ZoomBy(f)) if f < 1.0));
        assert!(matches!(page_key("0"), Some(Command::ResetView)));
        assert!(matches!(page_key("ArrowLeft"), Some(Command::PanBy { x, y }) if x > 0.0 && y == 0.0));
        assert!(page_key("a").is_none() && page_key("Escape").is_none());
    }

    #[test]
    fn wheel_zooms_in_on_negative_deltas_and_is_bounded() {
        assert!(wheel_factor(-100.0, WheelUnit::Pixel, false, 800.0) > 1.0);
        assert!(wheel_factor(100.0, WheelUnit::Pixel, false, 800.0) < 1.0);
        assert_eq!(
            wheel_factor(-3.0, WheelUnit::Line, false, 800.0),
            wheel_factor(-48.0, WheelUnit::Pixel, false, 800.0)
        );
        assert!(
            wheel_factor(-10.0, WheelUnit::Pixel, true, 800.0) > wheel_factor(-10.0, WheelUnit::Pixel, false, 800.0)
        );
        assert_eq!(wheel_factor(-1.0, WheelUnit::Page, false, 800.0), 1f64.exp(), "at most e per event");
    }

    #[test]
    fn a_press_that_barely_moves_is_a_click() {
        let mut g = Gesture::default();
        g.down(1, [100.0, 100.0], false);
        assert_eq!(g.moved(1, [103.0, 101.0]).map(|m| m.1), Some(false));
        assert!(g.up(1, false));
        g.down(1, [100.0, 100.0], false);
        assert_eq!(g.moved(1, [110.0, 100.0]).map(|m| m.1), Some(true), "past the slop: a drag");
        assert_eq!(g.moved(1, [120.0, 100.0]).map(|m| m.1), Some(false), "reported once");
        assert!(!g.up(1, false));
        g.down(1, [0.0, 0.0], false);
        assert!(!g.up(1, true), "a cancelled press is no click");
        assert!(g.moved(1, [5.0, 5.0]).is_none(), "untracked pointers move nothing");
    }

    #[test]
    fn a_lasso_press_collects_a_path_instead_of_panning() {
        let mut g = Gesture::default();
        g.down(1, [0.0, 0.0], true);
        assert_eq!(g.lasso_moved(1, [1.0, 0.0]), Some(false), "closer than a step: no vertex");
        assert_eq!(g.lasso_moved(1, [10.0, 0.0]), Some(true));
        assert_eq!(g.lasso_moved(1, [10.0, 10.0]), Some(true));
        assert_eq!(g.lasso().map(<[_]>::len), Some(3));
        assert!(!g.up(1, false), "a drawn lasso is no click");
        // `up` leaves the path for the viewer to take.
        assert_eq!(g.take_lasso().map(|p| p.len()), Some(3));
        g.down(1, [0.0, 0.0], true);
        assert_eq!(g.lasso_moved(1, [2.0, 0.0]), Some(false));
        assert!(g.up(1, false), "within the slop it is a click");
        assert_eq!(g.take_lasso(), None);
        g.down(1, [0.0, 0.0], false);
        assert_eq!(g.lasso_moved(1, [20.0, 0.0]), None, "a plain press pans");
    }

    #[test]
    fn one_pointer_pans_two_pinch() {
        let mut g = Gesture::default();
        g.down(1, [100.0, 100.0], false);
        let (m, _) = g.moved(1, [130.0, 90.0]).unwrap();
        assert_eq!((m.factor, m.pan), (1.0, [30.0, -10.0]));
        g.down(2, [230.0, 90.0], false);
        // The second finger moves away: spread 100 -> 200 doubles the zoom about the midpoint.
        let (m, _) = g.moved(2, [330.0, 90.0]).unwrap();
        assert_eq!(m.factor, 2.0);
        assert_eq!(m.anchor, [180.0, 90.0]);
        assert_eq!(m.pan, [50.0, 0.0]);
        assert!(!g.up(1, false), "lifting one of two fingers is no click");
        assert!(!g.up(2, false));
    }
}
