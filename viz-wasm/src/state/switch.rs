//! Layouts: switching between them and comparing two. A switch glides every point from its
//! place in one layout to its place in the other ([`Morph`]: the painter mixes the two position
//! sets on the GPU by the eased progress) while the camera glides to a view that keeps what was
//! looked at in place; with reduced motion it happens on the next frame. Compare mode colours
//! points by how many of their 10 nearest 2D neighbours change between the shown layout and
//! another, and shows where the selection's neighbours went. The layouts' quality figures are
//! listed from the manifest.

use super::command::{Changes, Tooltip};
use super::viewer::Viewer;
use crate::camera::{ease, View};

/// How long a layout switch takes.
pub const MORPH_MS: f64 = 800.0;
/// Views zoomed out further than this (relative to the fitted view) count as "the whole map":
/// a switch then fits the new layout.
const WHOLE_MAP_ZOOM: f64 = 1.05;

/// A layout switch under way: points glide from layout `from` to layout `to`.
///
/// It takes [`MORPH_MS`]; on a renderer too slow for that it takes at most `max_frames`, each
/// at least `1 / max_frames` further than the last (see [`morph_frames`]): software rendering
/// of a million points takes about a second a frame, and there a switch is one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Morph {
    /// The layout the points leave.
    pub from: usize,
    /// The layout they glide to (the one shown).
    pub to: usize,
    /// When it started (ms, the page's clock).
    pub start_ms: f64,
    /// How long it takes (0: at once).
    pub duration_ms: f64,
    /// Frames drawn for it so far.
    pub frames: u32,
    /// The most frames it may take.
    pub max_frames: u32,
    /// The camera's glide, in step with the points: from a view to a view, starting at a mix
    /// (a switch turned back midway starts past 0). `None` once the user moves the camera.
    pub views: Option<(View, View, f64)>,
}

/// The most frames a switch may take when a frame takes `frame_ms` (0: not known). No limit (the
/// clock decides) while two frames fit in [`MORPH_MS`]; then two (halfway, there) while one
/// does; on a renderer slower still, one: an animation of one frame a second is no animation,
/// and the switch costs it no more than an ordinary frame.
pub fn morph_frames(frame_ms: f64) -> u32 {
    if !frame_ms.is_finite() || frame_ms <= MORPH_MS / 2.0 {
        u32::MAX
    } else if frame_ms <= MORPH_MS {
        2
    } else {
        1
    }
}

/// How long a frame takes, from the estimate so far (`0`: none) and a new measurement. A
/// measurement can only be too long (it waits for the main thread, busy decoding files while a
/// map loads), so a shorter one is taken at once and a longer one moves the estimate a quarter
/// of the way.
pub fn frame_cost(estimate_ms: f64, measured_ms: f64) -> f64 {
    if !measured_ms.is_finite() || measured_ms <= 0.0 {
        return estimate_ms;
    }
    if estimate_ms <= 0.0 || measured_ms < estimate_ms {
        measured_ms
    } else {
        estimate_ms + (measured_ms - estimate_ms) / 4.0
    }
}

impl Morph {
    /// How far it is at `t_ms`, 0..1: the share of its time elapsed, or of its frames drawn if
    /// that is more.
    pub fn progress(&self, t_ms: f64) -> f64 {
        if self.duration_ms <= 0.0 {
            return 1.0;
        }
        let time = (t_ms - self.start_ms) / self.duration_ms;
        let frames = f64::from(self.frames) / f64::from(self.max_frames.max(1));
        time.max(frames).clamp(0.0, 1.0)
    }

    /// How far the points are from `from` (0) to `to` (1) at `t_ms`: eased progress.
    pub fn mix(&self, t_ms: f64) -> f64 {
        ease(self.progress(t_ms))
    }
}

/// The selection's neighbours in compare mode, for (selection, shown layout, compared layout):
/// each with whether it moved away.
pub type CompareNear = ((u32, usize, usize), Vec<(u32, bool)>);

/// One neighbour of the selection in compare mode.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareNeighbor {
    /// The entity.
    pub entity: u32,
    /// Its name.
    pub name: String,
    /// Whether it is not among the selection's 10 nearest in the other layout.
    pub moved: bool,
}

/// What the details panel shows of the selection in compare mode.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareDetails {
    /// The layout shown.
    pub shown: String,
    /// The layout compared with.
    pub other: String,
    /// Of its 10 nearest 2D neighbours, how many the other layout does not keep (the map's
    /// stored figure, which the colour shows).
    pub changed: u8,
    /// Its 10 nearest neighbours in the shown layout, nearest first; empty until indexed.
    pub neighbors: Vec<CompareNeighbor>,
}

/// A mark of compare mode over the map: a neighbour of the selection, where it is, and where it
/// went in the other layout (placed relative to the selection, which stays put).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompareMark {
    /// The neighbour.
    pub entity: u32,
    /// Its point on the screen (CSS px).
    pub at: [f64; 2],
    /// Where the other layout puts it, relative to the selection (CSS px).
    pub went: [f64; 2],
    /// Whether it left the selection's 10 nearest.
    pub moved: bool,
}

/// One row of the layouts' quality table; every figure formatted.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutRow {
    /// The layout's name.
    pub name: String,
    /// How it was made (`--layout`).
    pub spec: String,
    /// kNN recall@10.
    pub recall: String,
    /// The same for a random layout: the floor.
    pub recall_random: String,
    /// Trustworthiness ("–" when not measured).
    pub trust: String,
    /// Label agreement ("–" without a quality label).
    pub agreement: String,
    /// Whether its positions are in.
    pub loaded: bool,
}

/// For each of `near` (an entity's nearest in one layout), whether it is missing from
/// `near_other` (its nearest in another): the neighbours that moved away.
pub fn moved_flags(near: &[u32], near_other: &[u32]) -> Vec<bool> {
    near.iter().map(|j| !near_other.contains(j)).collect()
}

/// A share 0..1 with two decimals ("–" when not a number).
fn figure(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.2}")
    } else {
        "–".into()
    }
}

/// A share that may be tiny (the random floor of recall, ~k/n): four decimals below 0.01.
fn small_figure(v: f64) -> String {
    if v.is_finite() && v > 0.0 && v < 0.01 {
        format!("{v:.4}")
    } else {
        figure(v)
    }
}

impl Viewer {
    /// Shows layout `l`: the points glide there (on the next frame when not `animate` or with
    /// reduced motion) and the camera goes to `view`, or to [`Viewer::switch_view`]'s choice.
    /// Ignored until `l`'s positions are in.
    pub(super) fn set_layout(&mut self, l: usize, view: Option<View>, animate: bool, now_ms: f64, ch: &mut Changes) {
        if !self.map.has_layout(l) {
            return;
        }
        let (from, start_ms) = match self.morph {
            // Turning back: from where the points are now, as far from the end as they came.
            Some(m) if m.from == l && m.to != l => (m.to, now_ms - (1.0 - m.progress(now_ms)) * m.duration_ms),
            // Elsewhere: from whichever end the points are nearer.
            Some(m) if m.to != l => (if m.mix(now_ms) < 0.5 { m.from } else { m.to }, now_ms),
            // Already shown, or on the way there: only the view may change.
            _ if l == self.shown_layout => {
                match view {
                    Some(view) if animate => self.fly_to(view, now_ms, ch),
                    Some(view) => {
                        self.flight = None;
                        self.camera.set_view(view);
                        ch.frame = true;
                    }
                    None => {}
                }
                return;
            }
            _ => (self.shown_layout, now_ms),
        };
        let view = view.unwrap_or_else(|| self.switch_view(l));
        let duration_ms = if animate && !self.reduced_motion { MORPH_MS } else { 0.0 };
        let max_frames = morph_frames(self.frame_cost_ms);
        let mut morph = Morph { from, to: l, start_ms, duration_ms, frames: 0, max_frames, views: None };
        self.flight = None;
        self.shown_layout = l;
        if let Some(p) = self.map.placed(l) {
            self.camera.set_bounds(p.bounds);
        }
        let mix = morph.mix(now_ms);
        if mix < 1.0 {
            morph.views = Some((self.camera.view, view, mix));
        } else {
            self.camera.set_view(view);
        }
        self.morph = Some(morph);
        // Comparing with the layout now shown turns the comparison around.
        if self.compare == Some(l) {
            self.compare = Some(from);
        }
        if self.compare.is_some() {
            self.recolor(ch);
        }
        ch.switch_started = true;
        ch.layout_controls = true;
        ch.selection = true;
        ch.details = true;
        ch.frame = true;
        ch.tooltip = Some(Tooltip::Hide);
        self.sync_url(true, ch);
    }

    /// The `l` key: the next layout whose positions are in.
    pub(super) fn next_layout(&mut self, now_ms: f64, ch: &mut Changes) {
        let k = self.manifest.layouts.len();
        let next = (1..k).map(|d| (self.shown_layout + d) % k).find(|&l| self.map.has_layout(l));
        if let Some(l) = next {
            self.set_layout(l, None, true, now_ms, ch);
        }
    }

    /// Where the camera goes when layout `to` is shown: the whole map stays the whole map (the
    /// new layout fitted); a closer view keeps its centre and zoom, and the selection, if on
    /// screen, stays where it is on screen while its surroundings rearrange.
    pub fn switch_view(&self, to: usize) -> View {
        let mut cam = self.camera.clone();
        if let Some(p) = self.map.placed(to) {
            cam.set_bounds(p.bounds);
        }
        if self.camera.zoom_ratio() <= WHOLE_MAP_ZOOM {
            return cam.fit_view();
        }
        let zoom = cam.clamp_zoom(self.camera.view.zoom);
        let keep = self.selected.and_then(|e| Some((self.screen_of(e)?, self.map.world_in(to, e)?)));
        match keep {
            Some(([x, y], w)) if x >= 0.0 && y >= 0.0 && x <= cam.width_px && y <= cam.height_px => {
                View { center: [w[0] - (x - cam.width_px / 2.0) / zoom, w[1] + (y - cam.height_px / 2.0) / zoom], zoom }
            }
            _ => View { center: self.camera.view.center, zoom },
        }
    }

    /// Advances a layout switch, points and camera, to the frame's time; `true` while it goes
    /// on.
    pub(super) fn step_morph(&mut self, t_ms: f64, ch: &mut Changes) -> bool {
        self.clock_ms = t_ms;
        let Some(m) = self.morph.as_mut() else { return false };
        m.frames += 1;
        let mix = m.mix(t_ms);
        if let Some((from, to, mix0)) = m.views {
            let e = if mix0 < 1.0 { ((mix - mix0) / (1.0 - mix0)).clamp(0.0, 1.0) } else { 1.0 };
            self.camera.set_view(View::lerp(from, to, e));
        }
        if mix < 1.0 {
            return true;
        }
        self.morph = None;
        ch.switch_ended = true;
        ch.details = self.compare.is_some();
        ch.settle = true;
        false
    }

    /// The eased share of the way the points have gone, while a switch runs.
    pub fn morph_mix(&self) -> Option<(Morph, f64)> {
        self.morph.map(|m| (m, m.mix(self.clock_ms)))
    }

    /// Where entity `e` is drawn now (CSS px): in the shown layout, or between two while a switch
    /// runs. `None` before its layout's positions arrive.
    pub fn screen_of(&self, e: u32) -> Option<[f64; 2]> {
        let to = self.camera.screen_from_world(self.map.world_in(self.shown_layout, e)?);
        let Some((m, t)) = self.morph_mix() else { return Some(to) };
        let from = self.camera.screen_from_world(self.map.world_in(m.from, e)?);
        Some([from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t])
    }

    /// Compares the shown layout with `other` (`None`, the shown one or an unknown one: stop).
    pub(super) fn set_compare(&mut self, other: Option<usize>, ch: &mut Changes) {
        let k = self.manifest.layouts.len();
        let other = other.filter(|&o| o < k && o != self.shown_layout && self.map.has_layout(o));
        if other == self.compare {
            return;
        }
        self.compare = other;
        self.recolor(ch);
        ch.layout_controls = true;
        ch.details = true;
        ch.selection = true;
        ch.frame = true;
        self.sync_url(true, ch);
    }

    /// The neighbourhood change between the shown layout and the compared one, in compare mode.
    pub fn compare_change(&self) -> Option<&[u8]> {
        self.map.change_between(self.shown_layout, self.compare?, self.manifest.layouts.len())
    }

    /// Finds the selection's 10 nearest neighbours in the shown layout, and whether each left
    /// its 10 nearest in the compared one, when the selection or the layouts changed (a pass
    /// over the points of both layouts: done once, not every frame).
    pub(super) fn refresh_compare(&mut self) {
        let key = match (self.selected, self.compare) {
            (Some(e), Some(other)) if self.map.has_layout(other) && self.map.has_layout(self.shown_layout) => {
                Some((e, self.shown_layout, other))
            }
            _ => None,
        };
        if key == self.compare_near.as_ref().map(|c| c.0) {
            return;
        }
        self.compare_near = key.map(|(e, shown, other)| {
            let near = self.map.nearest_2d(shown, e);
            let moved = moved_flags(&near, &self.map.nearest_2d(other, e));
            ((e, shown, other), near.into_iter().zip(moved).collect())
        });
    }

    /// The selection's 10 nearest neighbours in the shown layout and whether each moved away in
    /// the compared one (found by [`Viewer::refresh_compare`]).
    fn compare_neighbors(&self, e: u32, other: usize) -> Vec<(u32, bool)> {
        match &self.compare_near {
            Some((key, near)) if *key == (e, self.shown_layout, other) => near.clone(),
            _ => Vec::new(),
        }
    }

    /// The compare section of the details panel.
    pub fn compare_details(&self) -> Option<CompareDetails> {
        let (e, other) = (self.selected?, self.compare?);
        let changed = *self.compare_change()?.get(e as usize)?;
        let neighbors = self
            .compare_neighbors(e, other)
            .into_iter()
            .map(|(j, moved)| CompareNeighbor { entity: j, name: self.map.name(j), moved })
            .collect();
        Some(CompareDetails {
            shown: self.manifest.layouts[self.shown_layout].name.clone(),
            other: self.manifest.layouts[other].name.clone(),
            changed,
            neighbors,
        })
    }

    /// Compare mode's marks over the map: the selection's neighbours and where they went. None
    /// while a switch runs.
    pub fn compare_marks(&self) -> Vec<CompareMark> {
        let (Some(e), Some(other), None) = (self.selected, self.compare, self.morph) else { return Vec::new() };
        let (Some(here), Some(there)) = (self.map.world_in(self.shown_layout, e), self.map.world_in(other, e)) else {
            return Vec::new();
        };
        self.compare_neighbors(e, other)
            .into_iter()
            .filter_map(|(j, moved)| {
                let a = self.map.world_in(self.shown_layout, j)?;
                let b = self.map.world_in(other, j)?;
                let went = [here[0] + b[0] - there[0], here[1] + b[1] - there[1]];
                Some(CompareMark {
                    entity: j,
                    at: self.camera.screen_from_world(a),
                    went: self.camera.screen_from_world(went),
                    moved,
                })
            })
            .collect()
    }

    /// The quality figures of every layout, from the manifest.
    pub fn layout_rows(&self) -> Vec<LayoutRow> {
        self.manifest
            .layouts
            .iter()
            .enumerate()
            .map(|(l, info)| {
                let q = &info.quality;
                LayoutRow {
                    name: info.name.clone(),
                    spec: info.spec.clone(),
                    recall: figure(q.knn_recall_at_10),
                    recall_random: small_figure(q.knn_recall_at_10_random),
                    trust: if q.sample_size > 0 { figure(q.trustworthiness) } else { "–".into() },
                    agreement: q.label_agreement.map(figure).unwrap_or_else(|| "–".into()),
                    loaded: self.map.has_layout(l),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_morph_eases_from_start_to_end() {
        let m = Morph {
            from: 0,
            to: 1,
            start_ms: 1000.0,
            duration_ms: 800.0,
            frames: 0,
            max_frames: u32::MAX,
            views: None,
        };
        assert_eq!((m.mix(900.0), m.mix(1000.0), m.mix(1400.0), m.mix(1800.0), m.mix(9e9)), (0.0, 0.0, 0.5, 1.0, 1.0));
        assert!(m.mix(1100.0) < 0.125, "starts gently");
        let now = Morph { duration_ms: 0.0, ..m };
        assert_eq!(now.mix(0.0), 1.0, "at once");
    }

    #[test]
    fn the_frame_cost_follows_the_measurements() {
        assert_eq!(frame_cost(0.0, 400.0), 400.0);
        assert_eq!(frame_cost(400.0, 100.0), 100.0, "shorter: at once");
        assert_eq!(frame_cost(100.0, 500.0), 200.0, "longer: a quarter of the way");
        assert_eq!(frame_cost(250.0, f64::NAN), 250.0);
        assert_eq!(frame_cost(250.0, 0.0), 250.0);
    }

    #[test]
    fn a_slow_renderer_gets_a_switch_of_few_frames() {
        assert_eq!(morph_frames(0.0), u32::MAX, "unknown: by time alone");
        assert_eq!(morph_frames(16.7), u32::MAX);
        assert_eq!(morph_frames(250.0), u32::MAX, "three frames fit");
        assert_eq!(morph_frames(400.0), u32::MAX);
        assert_eq!(morph_frames(500.0), 2, "halfway, then there");
        assert_eq!(morph_frames(1200.0), 1, "a second a frame: at once");
        // The first frame of a two-frame switch is halfway, whatever the clock says.
        let m = Morph { from: 0, to: 1, start_ms: 0.0, duration_ms: 800.0, frames: 1, max_frames: 2, views: None };
        assert_eq!(m.mix(0.0), 0.5);
        assert_eq!(Morph { frames: 2, ..m }.progress(0.0), 1.0);
    }

    #[test]
    fn figures_keep_small_shares_readable() {
        assert_eq!((figure(0.954), figure(f64::NAN)), ("0.95".to_string(), "–".to_string()));
        assert_eq!(
            (small_figure(0.00068), small_figure(0.0), small_figure(0.2)),
            ("0.0007".into(), "0.00".into(), "0.20".into())
        );
    }

    #[test]
    fn neighbours_missing_from_the_other_list_moved() {
        assert_eq!(moved_flags(&[4, 7, 9], &[9, 1, 4]), vec![false, true, false]);
        assert!(moved_flags(&[], &[1]).is_empty());
    }
}
