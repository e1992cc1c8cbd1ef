//! Page geometry as plain numbers: the canvas and the panels over it, measured by the web layer
//! (CSS pixels, relative to the canvas' top left). From them the viewer decides where fitted
//! views, fly-to targets and map labels go, so none of it hides behind a panel.

/// A rectangle in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Right edge.
    pub right: f64,
    /// Bottom edge.
    pub bottom: f64,
}

impl Rect {
    /// Width (never negative).
    pub fn width(&self) -> f64 {
        (self.right - self.left).max(0.0)
    }

    /// Height (never negative).
    pub fn height(&self) -> f64 {
        (self.bottom - self.top).max(0.0)
    }

    /// Centre point.
    pub fn center(&self) -> [f64; 2] {
        [(self.left + self.right) / 2.0, (self.top + self.bottom) / 2.0]
    }

    /// Whether the two rectangles share any area.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.left < o.right && o.left < self.right && self.top < o.bottom && o.top < self.bottom
    }
}

/// The canvas and the panels that may cover it. A panel is `None` when it is not shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    /// Canvas width in CSS pixels.
    pub width: f64,
    /// Canvas height in CSS pixels.
    pub height: f64,
    /// The top bar (title, search, view buttons).
    pub top_bar: Option<Rect>,
    /// The side panel (colour-by, filters, highlight).
    pub side_panel: Option<Rect>,
    /// The details panel of the selection.
    pub details: Option<Rect>,
}

impl Layout {
    /// A canvas of this size with no panels.
    pub fn bare(width: f64, height: f64) -> Self {
        Self { width, height, top_bar: None, side_panel: None, details: None }
    }

    /// Where the side panel's right edge covers the canvas: only while it stands at the left and
    /// runs more than half the canvas down (on phones it is a drawer over the map, and the map
    /// should not shift when it opens).
    fn side_panel_edge(&self) -> Option<f64> {
        self.side_panel.filter(|p| p.left < self.width / 2.0 && p.height() > self.height / 2.0).map(|p| p.right)
    }

    /// CSS pixels the panels cover (left, top, right, bottom), for fitting the whole map.
    pub fn insets(&self) -> [f64; 4] {
        let top = self.top_bar.map(|t| t.bottom).unwrap_or(0.0);
        [self.side_panel_edge().unwrap_or(0.0), top, 0.0, 0.0]
    }

    /// The part of the canvas no panel covers: below the top bar, right of the side panel, left
    /// of the details panel (or, on phones, above it). The whole canvas when the panels leave
    /// less than a quarter of its width or a fifth of its height.
    pub fn free_area(&self) -> Rect {
        let (w, h) = (self.width, self.height);
        let [left, top, _, _] = self.insets();
        let mut area = Rect { left, top, right: w, bottom: h };
        if let Some(d) = self.details {
            if d.left > w * 0.45 {
                area.right = area.right.min(d.left);
            } else if d.top > h * 0.3 {
                area.bottom = area.bottom.min(d.top);
            }
        }
        if area.width() < w / 4.0 || area.height() < h / 5.0 {
            return Rect { left: 0.0, top: 0.0, right: w, bottom: h };
        }
        area
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(left: f64, top: f64, right: f64, bottom: f64) -> Rect {
        Rect { left, top, right, bottom }
    }

    /// The desktop page at 1200 × 800: top bar, side panel at the left, details at the right.
    fn desktop() -> Layout {
        Layout {
            width: 1200.0,
            height: 800.0,
            top_bar: Some(rect(10.0, 10.0, 1190.0, 46.0)),
            side_panel: Some(rect(10.0, 56.0, 290.0, 790.0)),
            details: Some(rect(850.0, 56.0, 1190.0, 700.0)),
        }
    }

    #[test]
    fn panels_at_the_sides_cover_the_canvas() {
        let l = desktop();
        assert_eq!(l.insets(), [290.0, 46.0, 0.0, 0.0]);
        assert_eq!(l.free_area(), rect(290.0, 46.0, 850.0, 800.0));
        assert_eq!(l.free_area().center(), [570.0, 423.0]);
    }

    #[test]
    fn a_short_or_right_hand_side_panel_covers_nothing() {
        let mut l = desktop();
        l.side_panel = Some(rect(10.0, 56.0, 290.0, 300.0));
        assert_eq!(l.insets()[0], 0.0, "shorter than half the canvas");
        l.side_panel = Some(rect(700.0, 56.0, 1190.0, 790.0));
        assert_eq!(l.insets()[0], 0.0, "starts right of the middle");
        assert_eq!(l.free_area().left, 0.0);
    }

    #[test]
    fn details_at_the_bottom_on_phones() {
        let l = Layout {
            width: 375.0,
            height: 700.0,
            top_bar: Some(rect(10.0, 10.0, 365.0, 46.0)),
            side_panel: None,
            details: Some(rect(0.0, 420.0, 375.0, 700.0)),
        };
        assert_eq!(l.free_area(), rect(0.0, 46.0, 375.0, 420.0));
    }

    #[test]
    fn panels_that_leave_too_little_are_ignored() {
        let mut l = desktop();
        l.details = Some(rect(400.0, 56.0, 1190.0, 700.0));
        // 0.45 of the width is 540: a details panel starting at 400 counts as a bottom sheet,
        // and it starts too high (56 < 240) to be one, so it covers nothing.
        assert_eq!(l.free_area(), rect(290.0, 46.0, 1200.0, 800.0));
        l.details = Some(rect(560.0, 56.0, 1190.0, 700.0));
        // 290..560 is 270 px, less than a quarter of 1200: the whole canvas.
        assert_eq!(l.free_area(), rect(0.0, 0.0, 1200.0, 800.0));
        assert_eq!(Layout::bare(300.0, 200.0).free_area(), rect(0.0, 0.0, 300.0, 200.0));
    }

    #[test]
    fn rectangles() {
        let a = rect(0.0, 0.0, 10.0, 10.0);
        assert!(a.overlaps(&rect(5.0, 5.0, 15.0, 15.0)));
        assert!(!a.overlaps(&rect(10.0, 0.0, 20.0, 10.0)), "touching edges do not overlap");
        assert_eq!(rect(5.0, 5.0, 1.0, 1.0).width(), 0.0);
    }
}
