//! [`Viewer`]: the whole state of the viewer, and [`Viewer::apply`], the one way to change it.
//! Its methods live beside their concern (`navigation`, `selection`, `styling`, `links`,
//! `switch`); this file holds the state, the command dispatch and what the page reads to draw it.

use starmap_format::read::{Column, Labels, Layouts, Points};
use starmap_format::Manifest;

use super::clusters::ClusterPlaces;
use super::command::{Changes, Command, Tooltip};
use super::highlight::Highlight;
use super::input::Gesture;
use super::layout::Layout;
use super::map::{MapData, NameIndexes};
use super::search::SearchState;
use super::switch::{CompareNear, Morph};
use super::url::UrlSync;
use crate::camera::{Camera, Flight};
use crate::colors::{coloring, Coloring};
use crate::filter::Filters;
use crate::layouts::Placed;
use crate::urlstate::UrlState;

/// The viewer's state: the map, camera, layout shown, selection, search, filters, colouring,
/// compare mode and highlight.
/// Pure: it never touches the page; the web layer feeds it [`Command`]s and draws the
/// [`Changes`] it returns.
#[derive(Debug)]
pub struct Viewer {
    pub(super) manifest: Manifest,
    pub(super) map: MapData,
    pub(super) camera: Camera,
    /// The camera flight under way and when it started (ms, the page's clock).
    pub(super) flight: Option<(Flight, f64)>,
    /// The layout shown (during a switch, the one the points are gliding to).
    pub(super) shown_layout: usize,
    /// The layout switch under way.
    pub(super) morph: Option<Morph>,
    /// The time of the last frame (ms, the page's clock): where a switch stands.
    pub(super) clock_ms: f64,
    /// The time of the command being applied (ms, the page's clock).
    pub(super) now_ms: f64,
    /// Switch layouts at once (the page prefers reduced motion).
    pub(super) reduced_motion: bool,
    /// How long the GPU takes for a frame (ms; 0 until measured): slow renderers get switches
    /// of fewer frames.
    pub(super) frame_cost_ms: f64,
    /// The layout compared with the shown one (compare mode).
    pub(super) compare: Option<usize>,
    /// For (selection, shown layout, compared layout): the selection's 10 nearest neighbours in
    /// the shown layout, and whether each moved away in the other.
    pub(super) compare_near: Option<CompareNear>,
    pub(super) gesture: Gesture,
    pub(super) search: SearchState,
    pub(super) filters: Filters,
    /// Whether each entity passes the filters.
    pub(super) pass: Vec<bool>,
    pub(super) shown: usize,
    pub(super) color_col: Option<usize>,
    /// Colour by cluster (then `color_col` is `None`).
    pub(super) color_clusters: bool,
    /// The group chosen (a cluster or a lasso): the rest of the map dims.
    pub(super) group: Option<super::group::Group>,
    /// Every drag draws a lasso (touch screens have no shift key).
    pub(super) lasso_mode: bool,
    pub(super) coloring: Coloring,
    pub(super) highlight: Option<Highlight>,
    pub(super) highlight_status: String,
    pub(super) selected: Option<u32>,
    /// Four attribute bytes per point, in draw order (colour key, size key, flags, spare).
    pub(super) attrs: Vec<u8>,
    pub(super) url: UrlSync,
}

impl Viewer {
    /// A viewer of the map `manifest` describes, nothing loaded yet, fitted to `layout`.
    pub fn new(manifest: Manifest, layout: &Layout) -> Self {
        let n = manifest.entity_count as usize;
        let mut camera = Camera::new(manifest.bounds(), layout.width, layout.height);
        camera.set_insets(layout.insets());
        camera.view = camera.fit_view();
        Self {
            map: MapData::new(manifest.columns.len(), manifest.layouts.len()),
            filters: Filters::new(&manifest),
            coloring: coloring(&manifest, None, None, n),
            camera,
            flight: None,
            shown_layout: 0,
            morph: None,
            clock_ms: 0.0,
            now_ms: 0.0,
            reduced_motion: false,
            frame_cost_ms: 0.0,
            compare: None,
            compare_near: None,
            gesture: Gesture::default(),
            search: SearchState::default(),
            pass: vec![true; n],
            shown: n,
            color_col: None,
            color_clusters: manifest.clusters.is_some(),
            group: None,
            lasso_mode: false,
            highlight: None,
            highlight_status: String::new(),
            selected: None,
            attrs: Vec::new(),
            url: UrlSync::default(),
            manifest,
        }
    }

    /// Applies one command at `now_ms` (the page's clock, for animations) and says what changed.
    pub fn apply(&mut self, command: Command, now_ms: f64) -> Changes {
        self.now_ms = now_ms;
        let mut ch = Changes::default();
        let c = &mut ch;
        match command {
            Command::Points(points) => self.install_points(points, c),
            Command::IndexPoints => {
                // The page sends it again, after a frame, while more remains.
                self.map.index_layouts();
            }
            Command::Layouts(layouts, placed) => self.install_layouts(layouts, placed, c),
            Command::Labels { labels, columns, indexes, search_focused } => {
                self.install_labels(labels, columns, indexes, search_focused, c)
            }
            Command::Metadata(columns) => self.install_metadata(columns, c),
            Command::Neighbors(neighbors) => {
                self.map.neighbors = Some(neighbors);
                c.details = true;
            }
            Command::Clusters(levels, places) => self.install_clusters(levels, places, c),
            Command::Ready { hash } => self.ready(&hash, c),
            Command::Resize(layout) => self.resize(&layout, c),
            Command::Frame { t_ms } => self.frame(t_ms, c),
            Command::ViewSettled => self.sync_url(false, c),
            Command::PointerDown { id, at, lasso } => self.pointer_down(id, at, lasso, c),
            Command::PointerMove { id, at, hover } => self.pointer_move(id, at, hover, c),
            Command::PointerUp { id, at, cancelled } => self.pointer_up(id, at, cancelled, c),
            Command::PointerLeave => c.tooltip = Some(Tooltip::Hide),
            Command::Wheel { at, delta_y, unit, pinch } => self.wheel(at, delta_y, unit, pinch, c),
            Command::DoubleClick { at, out } => self.double_click(at, out, now_ms, c),
            Command::ZoomBy(factor) => self.zoom_by(factor, now_ms, c),
            Command::PanBy { x, y } => self.pan_by_share(x, y, c),
            Command::ResetView => self.fly_to(self.camera.fit_view(), now_ms, c),
            Command::Step { dir, free } => self.step(dir, free, c),
            Command::OpenDetails => self.open_details(c),
            Command::Escape => self.escape(c),
            Command::Focus(target) => c.focus = Some(target),
            Command::Search(text) => {
                self.search.text = text;
                self.run_search(c);
            }
            Command::SearchFocused => {
                if self.search.wants_rerun() {
                    self.run_search(c);
                }
            }
            Command::MoveActive(delta) => self.move_active(delta, c),
            Command::SearchEnter => self.search_enter(c),
            Command::OpenResult(e) => self.open_result(e, c),
            Command::OpenCluster { level, id } => self.open_cluster(level, id, c),
            Command::Select { entity, fly } => self.select(entity, fly, c),
            Command::FlyToEntity { entity, free } => self.fly_to_entity(entity, free, now_ms, c),
            Command::SetColorBy(col) => {
                self.color_clusters = false;
                self.set_color_by(col, c);
                self.sync_url(true, c);
            }
            Command::ColorByClusters => {
                self.color_by_clusters(c);
                self.sync_url(true, c);
            }
            Command::SelectCluster { level, id } => {
                let again =
                    self.group.as_ref().is_some_and(|g| g.kind == super::group::GroupKind::Cluster { level, id });
                self.set_group((!again).then_some(super::group::GroupKind::Cluster { level, id }), c);
                if !again {
                    c.focus = Some(super::command::Focus::Group);
                }
            }
            Command::ClearGroup => self.set_group(None, c),
            Command::CloseDetails if self.selected.is_some() => self.select(None, false, c),
            Command::CloseDetails => self.set_group(None, c),
            Command::ToggleLassoMode => {
                self.lasso_mode = !self.lasso_mode;
                c.lasso_mode = true;
            }
            Command::ToggleLegend(k) => self.toggle_legend(k, c),
            Command::SetLayout(l) => self.set_layout(l, None, true, now_ms, c),
            Command::NextLayout => self.next_layout(now_ms, c),
            Command::SetCompare(other) => self.set_compare(other, c),
            Command::ReducedMotion(reduce) => self.reduced_motion = reduce,
            // While files arrive, decoding holds the main thread and every measurement is late.
            Command::FrameCost(ms) if self.url.live => {
                self.frame_cost_ms = super::switch::frame_cost(self.frame_cost_ms, ms);
            }
            Command::FrameCost(_) => {}
            Command::SetRange { col, end, pos } => self.set_range(col, end, pos, c),
            Command::SetCategory { col, code, on } => {
                self.filters.set_category(col, code, on);
                self.refilter(c);
            }
            Command::SetAllCategories { col, on } => self.set_all_categories(col, on, c),
            Command::ResetFilters => {
                self.filters.reset();
                self.refilter(c);
                self.sync_url(true, c);
            }
            Command::FiltersCommitted => self.sync_url(true, c),
            Command::Highlight(text) => self.set_highlight(&text, c),
            Command::ApplyUrl { hash, animate } => self.apply_url(UrlState::parse(&hash), animate, c),
            Command::HashChanged(hash) => self.hash_changed(&hash, c),
        }
        self.refresh_compare();
        ch
    }

    fn install_points(&mut self, points: Points, ch: &mut Changes) {
        self.map.install_points(&self.manifest, points);
        self.rebuild_attrs(ch);
        ch.positions.push(0);
    }

    fn install_labels(
        &mut self,
        labels: Labels,
        columns: Vec<(usize, Column)>,
        indexes: Box<NameIndexes>,
        focused: bool,
        ch: &mut Changes,
    ) {
        self.map.install_labels(&self.manifest, labels, columns, *indexes);
        ch.search_ready = true;
        self.apply_pending(ch);
        // Text typed (or linked) before the names arrived is searched once they are in.
        if focused && !self.search.text.is_empty() {
            self.run_search(ch);
        }
    }

    fn install_metadata(&mut self, columns: Vec<(usize, Column)>, ch: &mut Changes) {
        self.map.install_columns(columns);
        self.refilter(ch);
        self.recolor(ch);
        ch.color_by = true;
        self.apply_pending(ch);
        ch.details = true;
    }

    fn install_clusters(&mut self, levels: Vec<Vec<u16>>, places: Option<ClusterPlaces>, ch: &mut Changes) {
        self.map.install_clusters(&self.manifest, levels, places);
        if self.color_clusters {
            self.recolor(ch);
        }
        ch.group = true;
        ch.frame = true;
        self.apply_pending(ch);
    }

    fn install_layouts(&mut self, layouts: Layouts, placed: Vec<Option<Placed>>, ch: &mut Changes) {
        self.map.install_layouts(&self.manifest, layouts, placed);
        ch.positions.extend((1..self.manifest.layouts.len()).filter(|&l| self.map.has_layout(l)));
        ch.layout_controls = true;
        self.apply_pending(ch);
    }

    /// Whether entity `e` is shown in full: it passes the filters and, when a group is
    /// chosen, belongs to it.
    pub fn is_shown(&self, e: u32) -> bool {
        self.pass.get(e as usize).copied().unwrap_or(true) && self.in_group(e)
    }

    /// Whether lasso mode is on.
    pub fn lasso_mode(&self) -> bool {
        self.lasso_mode
    }

    /// Number of entities.
    pub fn n(&self) -> usize {
        self.manifest.entity_count as usize
    }

    /// The map's manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The data loaded so far.
    pub fn map(&self) -> &MapData {
        &self.map
    }

    /// The camera.
    pub fn camera(&self) -> &Camera {
        &self.camera
    }

    /// The selected entity.
    pub fn selected(&self) -> Option<u32> {
        self.selected
    }

    /// The selected entity's id, once the names are in.
    pub fn selected_id(&self) -> Option<String> {
        self.selected.and_then(|e| self.map.id(e))
    }

    /// The search box's state.
    pub fn search(&self) -> &SearchState {
        &self.search
    }

    /// The filters.
    pub fn filters(&self) -> &Filters {
        &self.filters
    }

    /// Entities passing the filters.
    pub fn shown(&self) -> usize {
        self.shown
    }

    /// The colour-by column.
    pub fn color_col(&self) -> Option<usize> {
        self.color_col
    }

    /// The layout shown (during a switch, the one the points glide to).
    pub fn shown_layout(&self) -> usize {
        self.shown_layout
    }

    /// The layout switch under way.
    pub fn morph(&self) -> Option<&Morph> {
        self.morph.as_ref()
    }

    /// How long the GPU takes for a frame, as measured so far (ms; 0: not yet).
    pub fn frame_cost_ms(&self) -> f64 {
        self.frame_cost_ms
    }

    /// The layout compared with the shown one, in compare mode.
    pub fn compare(&self) -> Option<usize> {
        self.compare
    }

    /// The current colouring (keys, palette, legend).
    pub fn coloring(&self) -> &Coloring {
        &self.coloring
    }

    /// The attribute bytes of every point, in draw order.
    pub fn attrs(&self) -> &[u8] {
        &self.attrs
    }

    /// The highlight's status line ("2 of 3 found…"), empty without a highlight.
    pub fn highlight_status(&self) -> &str {
        &self.highlight_status
    }

    /// How many entities are highlighted, while a highlight is shown.
    pub fn highlighted(&self) -> Option<usize> {
        self.highlight.as_ref().map(|h| h.found)
    }

    /// The text of the hover tooltip for `e`: its name and a second detail.
    pub fn tooltip_text(&self, e: u32) -> String {
        let name = self.map.name(e);
        let sec = self.map.secondary(&self.manifest, e);
        if sec.is_empty() {
            name
        } else {
            format!("{name} · {sec}")
        }
    }
}
