//! The 2D camera: which part of the map the canvas shows, the transforms between world (layout)
//! units and screen (CSS pixel) units, and smooth fly-to. World y grows upwards, screen y
//! downwards. The painter gets its clip-space transform from here; input handlers call
//! [`Camera::pan_by`] and [`Camera::zoom_at`].

use starmap_format::Bounds;

/// Share of the canvas left empty around the data when fitting.
const FIT_MARGIN: f64 = 0.06;
/// How far out (relative to the fitted zoom) the user may zoom.
const MIN_ZOOM_RATIO: f64 = 0.25;
/// How far in (relative to the fitted zoom) the user may zoom; beyond this a quantisation step
/// of the positions becomes visible.
const MAX_ZOOM_RATIO: f64 = 4096.0;

/// A view of the map: centre in world units and scale in CSS pixels per world unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// World point at the canvas centre.
    pub center: [f64; 2],
    /// CSS pixels per world unit.
    pub zoom: f64,
}

impl View {
    /// The view a share `e` (0..1) of the way from `a` to `b`: the centre moves evenly, the
    /// zoom geometrically (equal steps look equal).
    pub fn lerp(a: View, b: View, e: f64) -> View {
        let zoom = if a.zoom > 0.0 && b.zoom > 0.0 { a.zoom * (b.zoom / a.zoom).powf(e) } else { b.zoom };
        View {
            center: [a.center[0] + (b.center[0] - a.center[0]) * e, a.center[1] + (b.center[1] - a.center[1]) * e],
            zoom,
        }
    }
}

/// Ease in and out (smoothstep) of progress `x` in 0..1: starts and stops gently, and
/// `ease(1 − x) = 1 − ease(x)`, so an animation can turn back from where it is.
pub fn ease(x: f64) -> f64 {
    let x = if x.is_nan() { 1.0 } else { x.clamp(0.0, 1.0) };
    x * x * (3.0 - 2.0 * x)
}

/// The camera over a canvas of a given size.
#[derive(Debug, Clone, PartialEq)]
pub struct Camera {
    /// The current view.
    pub view: View,
    /// Canvas width in CSS pixels.
    pub width_px: f64,
    /// Canvas height in CSS pixels.
    pub height_px: f64,
    /// The data's bounding box, for fitting and zoom limits.
    bounds: Bounds,
    /// CSS pixels covered by panels (left, top, right, bottom): fitting keeps the data clear of them.
    insets: [f64; 4],
}

impl Camera {
    /// A camera fitted to `bounds` on a `width_px` × `height_px` canvas.
    pub fn new(bounds: Bounds, width_px: f64, height_px: f64) -> Self {
        let mut cam = Self {
            view: View { center: [0.0, 0.0], zoom: 1.0 },
            width_px: width_px.max(1.0),
            height_px: height_px.max(1.0),
            bounds,
            insets: [0.0; 4],
        };
        cam.view = cam.fit_view();
        cam
    }

    /// The view that shows all the data with a small margin.
    pub fn fit_view(&self) -> View {
        let b = &self.bounds;
        let (w, h) = ((b.max_x - b.min_x) as f64, (b.max_y - b.min_y) as f64);
        let usable = 1.0 - 2.0 * FIT_MARGIN;
        let [left, top, right, bottom] = self.insets;
        let (avail_w, avail_h) = ((self.width_px - left - right).max(1.0), (self.height_px - top - bottom).max(1.0));
        // A degenerate box (one point, or a line) still gets a finite zoom.
        let extent_x = w.max(1e-6 * h.max(1.0));
        let extent_y = h.max(1e-6 * w.max(1.0));
        let zoom = (avail_w * usable / extent_x).min(avail_h * usable / extent_y);
        // Centre the data in the free area, not the whole canvas.
        let (dx, dy) = ((left - right) / 2.0, (top - bottom) / 2.0);
        View {
            center: [
                (b.min_x as f64 + b.max_x as f64) / 2.0 - dx / zoom,
                (b.min_y as f64 + b.max_y as f64) / 2.0 + dy / zoom,
            ],
            zoom,
        }
    }

    /// The data's bounding box (the shown layout's).
    pub fn bounds(&self) -> Bounds {
        self.bounds
    }

    /// Sets the data's bounding box (another layout is shown), keeping the view.
    pub fn set_bounds(&mut self, bounds: Bounds) {
        self.bounds = bounds;
    }

    /// Sets the CSS pixels covered by panels (left, top, right, bottom); negative values count as 0
    /// and insets that would leave less than a third of the canvas are ignored.
    pub fn set_insets(&mut self, insets: [f64; 4]) {
        let i = insets.map(|v| if v.is_finite() { v.max(0.0) } else { 0.0 });
        let ok =
            self.width_px - i[0] - i[2] >= self.width_px / 3.0 && self.height_px - i[1] - i[3] >= self.height_px / 3.0;
        self.insets = if ok { i } else { [0.0; 4] };
    }

    /// Zoom of the fitted view: the unit in which deep links store zoom, so a link shows the
    /// same part of the map on any screen size.
    pub fn fit_zoom(&self) -> f64 {
        self.fit_view().zoom
    }

    /// The current zoom relative to the fitted one.
    pub fn zoom_ratio(&self) -> f64 {
        self.view.zoom / self.fit_zoom()
    }

    /// Sets the canvas size, keeping the centre and scale.
    pub fn set_viewport(&mut self, width_px: f64, height_px: f64) {
        self.width_px = width_px.max(1.0);
        self.height_px = height_px.max(1.0);
    }

    /// Clamps a zoom to the allowed range.
    pub fn clamp_zoom(&self, zoom: f64) -> f64 {
        let fit = self.fit_zoom();
        if !zoom.is_finite() {
            return fit;
        }
        zoom.clamp(fit * MIN_ZOOM_RATIO, fit * MAX_ZOOM_RATIO)
    }

    /// Screen position (CSS px from the canvas' top left) of a world point.
    pub fn screen_from_world(&self, p: [f64; 2]) -> [f64; 2] {
        [
            (p[0] - self.view.center[0]) * self.view.zoom + self.width_px / 2.0,
            self.height_px / 2.0 - (p[1] - self.view.center[1]) * self.view.zoom,
        ]
    }

    /// World point under a screen position.
    pub fn world_from_screen(&self, s: [f64; 2]) -> [f64; 2] {
        [
            (s[0] - self.width_px / 2.0) / self.view.zoom + self.view.center[0],
            (self.height_px / 2.0 - s[1]) / self.view.zoom + self.view.center[1],
        ]
    }

    /// Moves the view so the content follows a drag of (`dx`, `dy`) CSS pixels.
    pub fn pan_by(&mut self, dx: f64, dy: f64) {
        self.view.center[0] -= dx / self.view.zoom;
        self.view.center[1] += dy / self.view.zoom;
    }

    /// Multiplies the zoom by `factor`, keeping the world point under `anchor` (CSS px) fixed.
    pub fn zoom_at(&mut self, factor: f64, anchor: [f64; 2]) {
        let before = self.world_from_screen(anchor);
        self.view.zoom = self.clamp_zoom(self.view.zoom * factor);
        let after = self.world_from_screen(anchor);
        self.view.center[0] += before[0] - after[0];
        self.view.center[1] += before[1] - after[1];
    }

    /// Sets a view, clamping its zoom and replacing non-finite values by the fitted view.
    pub fn set_view(&mut self, view: View) {
        if view.center.iter().all(|c| c.is_finite()) && view.zoom.is_finite() && view.zoom > 0.0 {
            self.view = View { center: view.center, zoom: self.clamp_zoom(view.zoom) };
        } else {
            self.view = self.fit_view();
        }
    }

    /// The transform from world units to clip space, per axis: `clip = world · scale + offset`,
    /// with the offset given as the view centre it subtracts (`offset = −centre · scale`), so a
    /// caller folding it into another map can subtract before scaling and keep precision.
    pub fn clip_from_world(&self) -> ([f64; 2], [f64; 2]) {
        ([2.0 * self.view.zoom / self.width_px, 2.0 * self.view.zoom / self.height_px], self.view.center)
    }
}

/// A smooth camera flight between two views (van Wijk & Nuij, "Smooth and efficient zooming
/// and panning", 2003): zooms out, pans, zooms in, at a perceptually constant speed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flight {
    from: View,
    to: View,
    /// Path parameters, precomputed.
    u1: f64,
    r0: f64,
    rho: f64,
    w0: f64,
    s_total: f64,
    /// Wall time of the whole flight in milliseconds.
    pub duration_ms: f64,
}

impl Flight {
    /// Plans a flight between two views on a canvas `width_px` wide.
    pub fn new(from: View, to: View, width_px: f64) -> Self {
        let rho: f64 = 1.414;
        // Width of the visible world (in world units) at each end.
        let w0 = width_px / from.zoom;
        let w1 = width_px / to.zoom;
        let dx = [to.center[0] - from.center[0], to.center[1] - from.center[1]];
        let u1 = (dx[0] * dx[0] + dx[1] * dx[1]).sqrt();
        let (r0, s_total) = if u1 < 1e-9 * w0.max(w1) {
            (0.0, (w1 / w0).ln().abs() / rho)
        } else {
            let b = |w: f64, sign: f64| (w1 * w1 - w0 * w0 + sign * rho.powi(4) * u1 * u1) / (2.0 * w * rho * rho * u1);
            let r = |b: f64| (-b + (b * b + 1.0).sqrt()).ln();
            let r0 = r(b(w0, 1.0));
            let r1 = r(b(w1, -1.0));
            (r0, (r1 - r0) / rho)
        };
        // ~1 s for a long flight, shorter for short hops, never instant.
        let duration_ms = (s_total.abs() * 280.0).clamp(250.0, 1600.0);
        Self { from, to, u1, r0, rho, w0, s_total, duration_ms }
    }

    /// Where the flight ends.
    pub fn target(&self) -> View {
        self.to
    }

    /// The view at time `t_ms` after the start; the target view once the flight is over.
    pub fn at(&self, t_ms: f64) -> View {
        if t_ms.is_nan() || t_ms >= self.duration_ms {
            return self.to;
        }
        // Ease in and out so the flight neither jerks off nor stops abruptly.
        let e = ease(t_ms / self.duration_ms);
        let s = e * self.s_total;
        let (from, to, rho, w0) = (self.from, self.to, self.rho, self.w0);
        if self.u1 < 1e-9 * w0 {
            // Pure zoom: interpolate the scale geometrically.
            let zoom = from.zoom * (to.zoom / from.zoom).powf(e);
            let c = [
                from.center[0] + (to.center[0] - from.center[0]) * e,
                from.center[1] + (to.center[1] - from.center[1]) * e,
            ];
            return View { center: c, zoom };
        }
        let r0 = self.r0;
        let u = w0 / (rho * rho) * (r0.cosh() * (rho * s + r0).tanh() - r0.sinh());
        let w = w0 * r0.cosh() / (rho * s + r0).cosh();
        let f = (u / self.u1).clamp(0.0, 1.0);
        let width_px = w0 * from.zoom;
        View {
            center: [
                from.center[0] + (to.center[0] - from.center[0]) * f,
                from.center[1] + (to.center[1] - from.center[1]) * f,
            ],
            zoom: width_px / w,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds() -> Bounds {
        Bounds { min_x: -10.0, min_y: -5.0, max_x: 10.0, max_y: 5.0 }
    }

    fn close(a: [f64; 2], b: [f64; 2]) -> bool {
        (a[0] - b[0]).abs() < 1e-6 && (a[1] - b[1]).abs() < 1e-6
    }

    #[test]
    fn fit_shows_the_whole_box_centred() {
        let cam = Camera::new(bounds(), 800.0, 600.0);
        assert!(close(cam.view.center, [0.0, 0.0]));
        let tl = cam.screen_from_world([-10.0, 5.0]);
        let br = cam.screen_from_world([10.0, -5.0]);
        assert!(tl[0] >= 0.0 && tl[1] >= 0.0 && br[0] <= 800.0 && br[1] <= 600.0, "{tl:?} {br:?}");
        // The limiting axis (x here) uses the width minus the margins.
        assert!((br[0] - tl[0] - 800.0 * (1.0 - 2.0 * FIT_MARGIN)).abs() < 1e-6);
        assert!((cam.zoom_ratio() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn screen_and_world_are_inverse_and_y_points_up() {
        let mut cam = Camera::new(bounds(), 640.0, 480.0);
        cam.pan_by(13.0, -7.0);
        cam.zoom_at(3.7, [100.0, 50.0]);
        for p in [[0.0, 0.0], [3.5, -2.0], [-9.0, 4.9]] {
            assert!(close(cam.world_from_screen(cam.screen_from_world(p)), p));
        }
        let up = cam.screen_from_world([0.0, 1.0]);
        let origin = cam.screen_from_world([0.0, 0.0]);
        assert!(up[1] < origin[1]);
    }

    #[test]
    fn zoom_keeps_the_anchor_fixed_and_is_clamped() {
        let mut cam = Camera::new(bounds(), 800.0, 600.0);
        let anchor = [123.0, 456.0];
        let w = cam.world_from_screen(anchor);
        cam.zoom_at(2.5, anchor);
        assert!(close(cam.world_from_screen(anchor), w));
        cam.zoom_at(1e9, anchor);
        assert!((cam.zoom_ratio() - MAX_ZOOM_RATIO).abs() < 1e-6);
        assert!(close(cam.world_from_screen(anchor), w), "clamped zoom still anchors");
        cam.zoom_at(1e-12, anchor);
        assert!((cam.zoom_ratio() - MIN_ZOOM_RATIO).abs() < 1e-9);
    }

    #[test]
    fn pan_moves_content_with_the_pointer() {
        let mut cam = Camera::new(bounds(), 800.0, 600.0);
        let p = [2.0, 1.0];
        let before = cam.screen_from_world(p);
        cam.pan_by(30.0, 20.0);
        let after = cam.screen_from_world(p);
        assert!(close([after[0] - before[0], after[1] - before[1]], [30.0, 20.0]));
    }

    #[test]
    fn clip_transform_matches_screen_transform() {
        let mut cam = Camera::new(bounds(), 800.0, 600.0);
        cam.zoom_at(5.0, [200.0, 300.0]);
        let (scale, centre) = cam.clip_from_world();
        for world in [[-10.0, -5.0], [-5.0, 2.5], [10.0, 5.0]] {
            let s = cam.screen_from_world(world);
            let clip = [(world[0] - centre[0]) * scale[0], (world[1] - centre[1]) * scale[1]];
            let expect = [s[0] / 400.0 - 1.0, 1.0 - s[1] / 300.0];
            assert!((clip[0] - expect[0]).abs() < 1e-9 && (clip[1] - expect[1]).abs() < 1e-9);
        }
    }

    #[test]
    fn views_mix_evenly_and_zoom_geometrically() {
        let a = View { center: [0.0, 0.0], zoom: 10.0 };
        let b = View { center: [4.0, -2.0], zoom: 40.0 };
        assert_eq!((View::lerp(a, b, 0.0), View::lerp(a, b, 1.0)), (a, b));
        let mid = View::lerp(a, b, 0.5);
        assert!(close(mid.center, [2.0, -1.0]) && (mid.zoom - 20.0).abs() < 1e-9, "{mid:?}");
        assert!((ease(0.25) + ease(0.75) - 1.0).abs() < 1e-12, "symmetric");
        assert_eq!((ease(-1.0), ease(2.0), ease(f64::NAN)), (0.0, 1.0, 1.0));
        let mut cam = Camera::new(bounds(), 800.0, 600.0);
        let other = Bounds { min_x: 0.0, min_y: 0.0, max_x: 100.0, max_y: 100.0 };
        cam.set_bounds(other);
        assert_eq!(cam.bounds(), other);
        assert!(close(cam.fit_view().center, [50.0, 50.0]));
    }

    #[test]
    fn fit_keeps_the_data_clear_of_panels() {
        let mut cam = Camera::new(bounds(), 1000.0, 600.0);
        cam.set_insets([300.0, 50.0, 0.0, 0.0]);
        cam.view = cam.fit_view();
        let tl = cam.screen_from_world([-10.0, 5.0]);
        let br = cam.screen_from_world([10.0, -5.0]);
        assert!(tl[0] >= 300.0 && tl[1] >= 50.0 && br[0] <= 1000.0 && br[1] <= 600.0, "{tl:?} {br:?}");
        assert!(((tl[0] + br[0]) / 2.0 - 650.0).abs() < 1e-6, "centred in the free area");
        // Insets that leave too little room are ignored.
        cam.set_insets([900.0, 0.0, 0.0, 0.0]);
        assert_eq!(cam.fit_view(), Camera::new(bounds(), 1000.0, 600.0).fit_view());
    }

    #[test]
    fn degenerate_and_bad_views_stay_finite() {
        let b = Bounds { min_x: 1.0, min_y: 1.0, max_x: 1.0, max_y: 1.0 };
        let mut cam = Camera::new(b, 300.0, 200.0);
        assert!(cam.view.zoom.is_finite() && cam.view.zoom > 0.0);
        cam.set_view(View { center: [f64::NAN, 0.0], zoom: 2.0 });
        assert_eq!(cam.view, cam.fit_view());
    }

    #[test]
    fn flight_starts_and_ends_at_its_views_and_zooms_out_on_the_way() {
        let a = View { center: [0.0, 0.0], zoom: 100.0 };
        let b = View { center: [50.0, 10.0], zoom: 120.0 };
        let f = Flight::new(a, b, 800.0);
        let start = f.at(0.0);
        assert!(close(start.center, a.center) && (start.zoom - a.zoom).abs() < 1e-6);
        assert_eq!(f.at(f.duration_ms + 1.0), b);
        let mid = f.at(f.duration_ms / 2.0);
        assert!(mid.zoom < a.zoom && mid.zoom < b.zoom, "zoomed out mid-flight: {mid:?}");
        // Monotone progress along the way.
        let mut last = -1.0;
        for i in 0..=20 {
            let v = f.at(f.duration_ms * i as f64 / 20.0);
            assert!(v.center[0] >= last - 1e-9);
            last = v.center[0];
        }
        // A pure zoom works too.
        let z = Flight::new(a, View { center: a.center, zoom: 400.0 }, 800.0);
        assert!((z.at(z.duration_ms).zoom - 400.0).abs() < 1e-9);
        assert!(z.at(z.duration_ms / 2.0).zoom > 100.0);
    }
}
