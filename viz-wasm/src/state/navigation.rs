//! Moving the camera: gestures, wheel and keys, animated flights, the frame clock, and what
//! each frame draws (painter inputs, the selection ring, names on the map, picking), always in
//! the layout shown (between two while a switch runs).

use super::command::{Changes, Tooltip, WheelUnit};
use super::input::wheel_factor;
use super::layout::{Layout, Rect};
use super::picking::{label_budget, pick_radius_px, place_labels, PlacedLabel, LABEL_SCAN_LIMIT};
use super::viewer::Viewer;
use crate::camera::{Flight, View};
use crate::layouts::Affine;
use crate::render::{self, FrameParams, Placement};

/// How far in a fly-to zooms (relative to the fitted view) unless already closer.
const FLY_TO_ZOOM: f64 = 6.0;
/// CSS pixels outside the canvas where the selection ring still shows (it is that large).
const RING_MARGIN_PX: f64 = 20.0;

impl Viewer {
    pub(super) fn resize(&mut self, layout: &Layout, ch: &mut Changes) {
        self.camera.set_viewport(layout.width, layout.height);
        self.camera.set_insets(layout.insets());
        ch.frame = true;
    }

    /// Starts a flight from the current view to `to`.
    pub(super) fn fly_to(&mut self, to: View, now_ms: f64, ch: &mut Changes) {
        self.stop_camera();
        self.flight = Some((Flight::new(self.camera.view, to, self.camera.width_px), now_ms));
        ch.frame = true;
    }

    /// Stops the camera where it is: a flight, or the glide of a layout switch (the points go
    /// on gliding).
    pub(super) fn stop_camera(&mut self) {
        self.flight = None;
        if let Some(m) = self.morph.as_mut() {
            m.views = None;
        }
    }

    pub(super) fn zoom_by(&mut self, factor: f64, now_ms: f64, ch: &mut Changes) {
        let view = self.camera.view;
        let to = View { center: view.center, zoom: self.camera.clamp_zoom(view.zoom * factor) };
        self.fly_to(to, now_ms, ch);
    }

    /// Pans by a share of the canvas at once (keys: each press is a step, not a flight).
    pub(super) fn pan_by_share(&mut self, x: f64, y: f64, ch: &mut Changes) {
        self.stop_camera();
        self.camera.pan_by(x * self.camera.width_px, y * self.camera.height_px);
        ch.frame = true;
        ch.settle = true;
    }

    /// Flies to an entity, zooming in unless already close, so it lands mid-`free`.
    pub(super) fn fly_to_entity(&mut self, e: u32, free: Rect, now_ms: f64, ch: &mut Changes) {
        let Some([wx, wy]) = self.map.world_in(self.shown_layout, e) else { return };
        let fit = self.camera.fit_zoom();
        let zoom = self.camera.clamp_zoom(self.camera.view.zoom.max(fit * FLY_TO_ZOOM));
        let [fx, fy] = free.center();
        let (dx, dy) = (fx - self.camera.width_px / 2.0, fy - self.camera.height_px / 2.0);
        self.fly_to(View { center: [wx - dx / zoom, wy + dy / zoom], zoom }, now_ms, ch);
    }

    pub(super) fn pointer_down(&mut self, id: i32, at: [f64; 2], lasso: bool, ch: &mut Changes) {
        self.gesture.down(id, at, lasso || self.lasso_mode);
        if self.gesture.lasso().is_some() {
            ch.lasso_path = true;
        }
        self.stop_camera();
        ch.tooltip = Some(Tooltip::Hide);
    }

    pub(super) fn pointer_move(&mut self, id: i32, at: [f64; 2], hover: bool, ch: &mut Changes) {
        if let Some(grew) = self.gesture.lasso_moved(id, at) {
            ch.lasso_path = grew;
            return;
        }
        let Some((motion, started_drag)) = self.gesture.moved(id, at) else {
            if hover {
                ch.tooltip = Some(match self.pick(at) {
                    Some(entity) => Tooltip::Show { entity, at },
                    None => Tooltip::Hide,
                });
            }
            return;
        };
        if motion.factor != 1.0 {
            self.camera.zoom_at(motion.factor, motion.anchor);
        }
        self.camera.pan_by(motion.pan[0], motion.pan[1]);
        if started_drag {
            ch.dragging = Some(true);
        }
        ch.frame = true;
    }

    pub(super) fn pointer_up(&mut self, id: i32, at: [f64; 2], cancelled: bool, ch: &mut Changes) {
        let click = self.gesture.up(id, cancelled);
        ch.dragging = Some(false);
        if click {
            let hit = self.pick(at);
            self.select(hit, false, ch);
        }
        ch.lasso_path = true;
        if let Some(path) = self.gesture.take_lasso() {
            self.finish_lasso(&path, ch);
        }
        ch.settle = true;
    }

    pub(super) fn wheel(&mut self, at: [f64; 2], delta_y: f64, unit: WheelUnit, pinch: bool, ch: &mut Changes) {
        let factor = wheel_factor(delta_y, unit, pinch, self.camera.height_px);
        self.stop_camera();
        self.camera.zoom_at(factor, at);
        ch.frame = true;
        ch.settle = true;
    }

    pub(super) fn double_click(&mut self, at: [f64; 2], out: bool, now_ms: f64, ch: &mut Changes) {
        let mut target = self.camera.clone();
        target.zoom_at(if out { 0.5 } else { 2.5 }, at);
        self.fly_to(target.view, now_ms, ch);
    }

    /// Advances a layout switch and a flight to the frame's time; the frame then paints.
    pub(super) fn frame(&mut self, t_ms: f64, ch: &mut Changes) {
        ch.paint = true;
        if self.step_morph(t_ms, ch) {
            ch.frame = true;
        }
        let Some((flight, start)) = self.flight else { return };
        self.camera.set_view(flight.at(t_ms - start));
        if t_ms - start >= flight.duration_ms {
            self.flight = None;
            ch.settle = true;
        } else {
            ch.frame = true;
        }
    }

    /// The entity drawn under a canvas position, if one is within picking distance (none while
    /// a layout switch runs).
    pub fn pick(&self, at: [f64; 2]) -> Option<u32> {
        if self.morph.is_some() {
            return None;
        }
        let index = self.map.spatial.get(self.shown_layout)?.as_ref()?;
        let (e, _) = index.nearest(self.camera.world_from_screen(at));
        let p = self.camera.screen_from_world(self.map.world_in(self.shown_layout, e)?);
        let d = ((p[0] - at[0]).powi(2) + (p[1] - at[1]).powi(2)).sqrt();
        (d <= pick_radius_px(self.n(), self.camera.zoom_ratio(), self.map.size_key(e))).then_some(e)
    }

    /// How layout `l`'s quantised positions reach clip space under the camera: its map to the
    /// world folded with the camera's.
    fn placement(&self, l: usize) -> Placement {
        let to_world = match self.map.placed(l) {
            Some(p) => p.to_world,
            None => Affine::unit_to_bounds(&self.manifest.bounds()),
        };
        let (scale, centre) = self.camera.clip_from_world();
        let m = to_world.m;
        Placement {
            layout: l,
            // Column-major, as GLSL reads a mat2.
            matrix: [m[0][0] * scale[0], m[1][0] * scale[1], m[0][1] * scale[0], m[1][1] * scale[1]].map(|v| v as f32),
            // Subtract before scaling: the two are close when zoomed far in.
            offset: [(to_world.t[0] - centre[0]) * scale[0], (to_world.t[1] - centre[1]) * scale[1]].map(|v| v as f32),
        }
    }

    /// The painter's inputs for a drawing buffer of `viewport` device pixels.
    pub fn frame_params(&self, viewport: [i32; 2], device_pixel_ratio: f64) -> FrameParams {
        let n = self.n();
        let to = self.placement(self.shown_layout);
        let (from, mix) = match self.morph_mix() {
            Some((m, t)) if t < 1.0 => (self.placement(m.from), t as f32),
            _ => (to, 1.0),
        };
        let sizes = render::size_range_css(n, self.camera.zoom_ratio());
        let dpr = device_pixel_ratio as f32;
        FrameParams {
            from,
            to,
            mix,
            viewport,
            size_range: [sizes[0] * dpr, sizes[1] * dpr],
            alpha: render::base_alpha(n),
            highlight: self.highlight.is_some() || self.group.is_some(),
            clear: render::BACKGROUND,
        }
    }

    /// Where the selection ring goes (canvas px), or `None` to hide it. It follows the point
    /// through a layout switch.
    pub fn ring_at(&self) -> Option<[f64; 2]> {
        let [x, y] = self.screen_of(self.selected?)?;
        let m = RING_MARGIN_PX;
        let inside = x >= -m && y >= -m && x <= self.camera.width_px + m && y <= self.camera.height_px + m;
        inside.then_some([x, y])
    }

    /// Names of the most popular points in view, as many as fit without overlapping inside
    /// `free`: zooming in frees room, so more (and less popular) names appear. Dimmed and faded
    /// points get none, and while a layout switch runs no point does.
    pub fn map_labels(&self, free: Rect) -> Vec<PlacedLabel> {
        let (Some(labels), Some(placed), None) = (&self.map.labels, self.map.placed(self.shown_layout), self.morph)
        else {
            return Vec::new();
        };
        let candidates = self
            .map
            .order
            .iter()
            .take(LABEL_SCAN_LIMIT)
            .filter(|&&e| {
                let i = e as usize;
                self.is_shown(e) && self.highlight.as_ref().is_none_or(|h| h.set[i])
            })
            .map(|&e| {
                let w = placed.world[e as usize];
                (e, self.camera.screen_from_world([w[0] as f64, w[1] as f64]))
            });
        let chars = |e: u32| labels.name(e as usize).chars().count();
        let avoid: Vec<Rect> = self.cluster_labels(free).iter().map(|l| l.rect).collect();
        // Fewer point names while cluster names are up: the regions' names come first.
        let budget = if avoid.is_empty() {
            label_budget(self.camera.zoom_ratio())
        } else {
            label_budget(self.camera.zoom_ratio()) / 2
        };
        place_labels(candidates, chars, free, budget, &avoid)
    }
}
