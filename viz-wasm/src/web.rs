//! The one JS boundary of the viewer (wasm32 only): start-up, fetching the map with progress,
//! the WebGL2 context, DOM updates and every event listener. Everything it decides is delegated
//! to the pure modules; every `JsValue` error is turned into text here.
//!
//! Listeners are kept as `Closure`s in `Listeners` so they can be removed; lists that change
//! (search results, legend, filters, neighbours) use one delegated listener on their container.
//! Metadata only ever reaches the page through `textContent`, never as markup.

use std::cell::RefCell;
use std::rc::Rc;

use glow::HasContext;
use starmap_format::{
    ColumnKind, Manifest, Neighbors, FILE_LABELS, FILE_MANIFEST, FILE_METADATA, FILE_NEIGHBORS, FILE_POINTS,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Document, Element, Event, EventTarget, HtmlCanvasElement, HtmlElement, HtmlInputElement, HtmlSelectElement,
    HtmlTextAreaElement, KeyboardEvent, PointerEvent, WebGl2RenderingContext, WheelEvent, Window,
};

use crate::camera::{Camera, Flight, View};
use crate::colors::{coloring, wants_log, Coloring, Legend};
use crate::data::{self, LoadError};
use crate::filter::{ColumnFilter, Filters};
use crate::fmtval::{format_number, format_value};
use crate::render::{self, DrawMode, FrameParams, Painter};
use crate::spatial::PointIndex;
use crate::urlstate::UrlState;
use starmap_format::lookup::{self, IdIndex};
use starmap_format::read::{self as map_read, Column, Labels, Points};
use starmap_format::search::SearchIndex;

/// Background colour (matches the page's CSS).
const CLEAR: [f32; 3] = [0.043, 0.059, 0.102];
/// Pixels a pointer may move between down and up and still count as a click.
const CLICK_SLOP_PX: f64 = 5.0;
/// Hover/click picks points within this many CSS pixels (or the point's radius, if larger).
const PICK_RADIUS_PX: f64 = 7.0;
/// Most categories listed as checkboxes per column (the most frequent).
const MAX_CHECKBOXES: usize = 300;
/// Slider resolution of the range filters.
const SLIDER_STEPS: f64 = 1000.0;
/// Search results shown.
const SEARCH_LIMIT: usize = 20;

type Shared = Rc<RefCell<App>>;

fn window() -> Window {
    web_sys::window().expect("the viewer runs in a browser window")
}

fn document() -> Document {
    window().document().expect("the window has a document")
}

/// Readable text of a JS error value.
fn js_text(v: &JsValue) -> String {
    if let Some(e) = v.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    v.as_string().unwrap_or_else(|| format!("{v:?}"))
}

fn by_id<T: JsCast>(id: &str) -> Result<T, String> {
    document()
        .get_element_by_id(id)
        .ok_or_else(|| format!("the page lacks the element #{id}"))?
        .dyn_into::<T>()
        .map_err(|_| format!("#{id} is not the expected kind of element"))
}

fn set_text(el: &Element, text: &str) {
    el.set_text_content(Some(text));
}

fn body() -> HtmlElement {
    document().body().expect("the page has a body")
}

fn set_body_data(key: &str, value: &str) {
    let _ = body().dataset().set(key, value);
}

/// Shows a message in the page's error box (as text) and marks the page as failed.
fn show_error(message: &str) {
    if let Some(el) = document().get_element_by_id("error") {
        set_text(&el, message);
        let _ = el.remove_attribute("hidden");
    }
    if let Some(el) = document().get_element_by_id("loading") {
        let _ = el.set_attribute("hidden", "");
    }
    set_body_data("state", "error");
}

fn create(tag: &str) -> Element {
    document().create_element(tag).expect("valid tag name")
}

fn create_text(tag: &str, class: &str, text: &str) -> Element {
    let el = create(tag);
    if !class.is_empty() {
        el.set_class_name(class);
    }
    set_text(&el, text);
    el
}

fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

/// One registered listener: where, which event, and the closure that must outlive it.
type Listener = (EventTarget, &'static str, Closure<dyn FnMut(Event)>);

/// DOM listeners, kept so they can be removed.
#[derive(Default)]
struct Listeners {
    items: Vec<Listener>,
}

impl Listeners {
    fn add(&mut self, target: &EventTarget, event: &'static str, f: impl FnMut(Event) + 'static) {
        self.add_with(target, event, None, f);
    }

    /// `passive: Some(false)` lets a wheel or touch handler call `preventDefault`.
    fn add_with(
        &mut self,
        target: &EventTarget,
        event: &'static str,
        passive: Option<bool>,
        f: impl FnMut(Event) + 'static,
    ) {
        let closure = Closure::<dyn FnMut(Event)>::new(f);
        let cb = closure.as_ref().unchecked_ref();
        let added = match passive {
            Some(p) => {
                let opts = web_sys::AddEventListenerOptions::new();
                opts.set_passive(p);
                target.add_event_listener_with_callback_and_add_event_listener_options(event, cb, &opts)
            }
            None => target.add_event_listener_with_callback(event, cb),
        };
        if added.is_ok() {
            self.items.push((target.clone(), event, closure));
        }
    }

    fn remove_all(&mut self) {
        for (target, event, closure) in self.items.drain(..) {
            let _ = target.remove_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        }
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        self.remove_all();
    }
}

/// The page's fixed elements.
struct Ui {
    canvas: HtmlCanvasElement,
    ring: HtmlElement,
    labels: HtmlElement,
    tooltip: HtmlElement,
    search: HtmlInputElement,
    results: HtmlElement,
    panel: HtmlElement,
    panel_toggle: HtmlElement,
    color_by: HtmlSelectElement,
    legend: HtmlElement,
    filters: HtmlElement,
    shown: HtmlElement,
    highlight_input: HtmlTextAreaElement,
    highlight_status: HtmlElement,
    details: HtmlElement,
    details_title: HtmlElement,
    details_sub: HtmlElement,
    details_fields: HtmlElement,
    neighbors: HtmlElement,
    loading: HtmlElement,
    loading_text: HtmlElement,
    progress: HtmlElement,
}

impl Ui {
    fn find() -> Result<Self, String> {
        Ok(Self {
            canvas: by_id("map")?,
            ring: by_id("ring")?,
            labels: by_id("labels")?,
            tooltip: by_id("tooltip")?,
            search: by_id("search")?,
            results: by_id("results")?,
            panel: by_id("panel")?,
            panel_toggle: by_id("panel-toggle")?,
            color_by: by_id("color-by")?,
            legend: by_id("legend")?,
            filters: by_id("filters")?,
            shown: by_id("shown")?,
            highlight_input: by_id("highlight-input")?,
            highlight_status: by_id("highlight-status")?,
            details: by_id("details")?,
            details_title: by_id("details-title")?,
            details_sub: by_id("details-sub")?,
            details_fields: by_id("details-fields")?,
            neighbors: by_id("neighbors")?,
            loading: by_id("loading")?,
            loading_text: by_id("loading-text")?,
            progress: by_id("progress")?,
        })
    }
}

/// GL state that a lost context takes away.
struct Gl {
    gl: glow::Context,
    painter: Painter<glow::Context>,
}

/// Pointer gesture in progress.
#[derive(Debug, Clone, Default)]
struct Gesture {
    /// Active pointers: id and last position (CSS px, canvas-relative).
    pointers: Vec<(i32, [f64; 2])>,
    /// Where the single pointer went down, if the gesture can still be a click.
    click_from: Option<[f64; 2]>,
}

/// Which attribute bytes changed since the last upload.
#[derive(Debug, Default)]
struct Dirty {
    all: bool,
    ranks: Vec<usize>,
}

/// The viewer's whole state.
struct App {
    ui: Ui,
    raw: WebGl2RenderingContext,
    gl: Option<Gl>,
    mode: DrawMode,
    manifest: Manifest,
    camera: Camera,
    dpr: f64,
    points: Option<Points>,
    /// Entities in draw order, and each entity's place in it.
    order: Vec<u32>,
    rank_of: Vec<u32>,
    xy_draw: Vec<u16>,
    size_keys: Vec<u8>,
    world: Vec<[f32; 2]>,
    spatial: Option<PointIndex>,
    labels: Option<Labels>,
    ids: Option<IdIndex>,
    columns: Vec<Option<Column>>,
    neighbors: Option<Neighbors>,
    search: Option<SearchIndex>,
    results: Vec<u32>,
    active_result: Option<usize>,
    filters: Filters,
    pass: Vec<bool>,
    shown: usize,
    color_col: Option<usize>,
    coloring: Coloring,
    highlight: Option<Vec<bool>>,
    selected: Option<u32>,
    attrs: Vec<u8>,
    dirty: Dirty,
    flight: Option<(Flight, f64)>,
    gesture: Gesture,
    frame_pending: bool,
    raf: Option<Closure<dyn FnMut(f64)>>,
    view_timer: Option<i32>,
    view_cb: Option<Closure<dyn FnMut()>>,
    frames: u64,
    searches: u64,
    first_frame: bool,
    /// URL state waiting for the data it refers to.
    pending: Option<Pending>,
    /// Whether every file has arrived and the URL state is applied; until then the URL is left alone.
    url_live: bool,
    last_hash: String,
    /// Map label elements, reused frame to frame.
    label_pool: Vec<HtmlElement>,
}

impl App {
    fn n(&self) -> usize {
        self.manifest.entity_count as usize
    }

    fn name(&self, e: u32) -> String {
        match &self.labels {
            Some(l) => l.name(e as usize).to_string(),
            None => format!("#{e}"),
        }
    }

    /// A short second line for an entity: the first loaded non-label column with a value.
    fn secondary(&self, e: u32) -> String {
        let label = self.manifest.label_column.as_ref().and_then(|l| self.manifest.column_index(l));
        for (i, c) in self.columns.iter().enumerate() {
            if Some(i) == label {
                continue;
            }
            if let Some(c) = c {
                let v = format_value(c, e as usize);
                if v != crate::fmtval::MISSING {
                    return v;
                }
            }
        }
        String::new()
    }

    fn world_of(&self, e: u32) -> [f64; 2] {
        let w = self.world[e as usize];
        [w[0] as f64, w[1] as f64]
    }

    // ---- drawing -------------------------------------------------------------------------

    fn request_frame(&mut self) {
        if self.frame_pending {
            return;
        }
        if let Some(raf) = &self.raf {
            if window().request_animation_frame(raf.as_ref().unchecked_ref()).is_ok() {
                self.frame_pending = true;
            }
        }
    }

    fn flags_of(&self, e: usize) -> u8 {
        let mut f = 0;
        if !self.pass.get(e).copied().unwrap_or(true) {
            f |= render::FLAG_FILTERED_OUT;
        }
        if self.highlight.as_ref().is_some_and(|h| h[e]) {
            f |= render::FLAG_HIGHLIGHTED;
        }
        if self.selected == Some(e as u32) {
            f |= render::FLAG_SELECTED;
        }
        f
    }

    /// Recomputes every point's attribute bytes (colour, size, flags).
    fn rebuild_attrs(&mut self) {
        let n = self.order.len();
        let mut attrs = std::mem::take(&mut self.attrs);
        attrs.resize(n * 4, 0);
        for (rank, &e) in self.order.iter().enumerate() {
            let e = e as usize;
            attrs[rank * 4] = self.coloring.keys.get(e).copied().unwrap_or(0);
            attrs[rank * 4 + 1] = self.size_keys[e];
            attrs[rank * 4 + 2] = self.flags_of(e);
        }
        self.attrs = attrs;
        self.dirty.all = true;
        self.request_frame();
    }

    /// Updates one entity's flags.
    fn touch(&mut self, e: u32) {
        let Some(&rank) = self.rank_of.get(e as usize) else { return };
        let rank = rank as usize;
        if rank * 4 + 2 < self.attrs.len() {
            self.attrs[rank * 4 + 2] = self.flags_of(e as usize);
            self.dirty.ranks.push(rank);
        }
        self.request_frame();
    }

    fn upload_all(&mut self) {
        let Some(g) = &mut self.gl else { return };
        unsafe {
            g.painter.upload_positions(&g.gl, &self.xy_draw);
            g.painter.upload_attrs(&g.gl, &self.attrs);
            g.painter.upload_palette(&g.gl, &self.coloring.palette);
        }
        self.dirty = Dirty::default();
    }

    fn frame(&mut self, t: f64) {
        self.frame_pending = false;
        if let Some((flight, start)) = self.flight {
            let view = flight.at(t - start);
            self.camera.set_view(view);
            if t - start >= flight.duration_ms {
                self.flight = None;
                self.schedule_view_sync();
            } else {
                self.request_frame();
            }
        }
        self.paint();
        self.place_ring();
        self.place_labels();
    }

    fn paint(&mut self) {
        if self.raw.is_context_lost() {
            return;
        }
        let n = self.n();
        let Some(g) = &mut self.gl else { return };
        unsafe {
            if self.dirty.all {
                g.painter.upload_attrs(&g.gl, &self.attrs);
                g.painter.upload_palette(&g.gl, &self.coloring.palette);
            } else {
                for &rank in &self.dirty.ranks {
                    g.painter.update_attrs(&g.gl, rank, &self.attrs[rank * 4..rank * 4 + 4]);
                }
            }
        }
        self.dirty = Dirty::default();
        let (scale, offset) = self.camera.clip_from_unit();
        let canvas = &self.ui.canvas;
        let sizes = render::size_range_css(n, self.camera.zoom_ratio());
        let params = FrameParams {
            scale,
            offset,
            viewport: [canvas.width() as i32, canvas.height() as i32],
            size_range: [sizes[0] * self.dpr as f32, sizes[1] * self.dpr as f32],
            alpha: render::base_alpha(n),
            highlight: self.highlight.is_some(),
            clear: CLEAR,
        };
        unsafe { g.painter.paint(&g.gl, &params) };
        self.frames += 1;
        set_body_data("frames", &self.frames.to_string());
        if self.first_frame && g.painter.count() > 0 {
            self.first_frame = false;
            // Reading one pixel waits for the GPU, so the time is that of a finished frame.
            let mut px = [0u8; 4];
            unsafe {
                g.gl.read_pixels(
                    0,
                    0,
                    1,
                    1,
                    glow::RGBA,
                    glow::UNSIGNED_BYTE,
                    glow::PixelPackData::Slice(Some(&mut px)),
                );
            }
            set_body_data("firstFrameMs", &format!("{:.1}", now_ms()));
            if body().dataset().get("state").as_deref() == Some("loading") {
                set_body_data("state", "drawn");
            }
        }
    }

    /// Moves the twinkling ring over the selected point.
    fn place_ring(&self) {
        let ring = &self.ui.ring;
        let Some(e) = self.selected.filter(|&e| (e as usize) < self.world.len()) else {
            let _ = ring.set_attribute("hidden", "");
            return;
        };
        let s = self.camera.screen_from_world(self.world_of(e));
        let inside = s[0] >= -20.0
            && s[1] >= -20.0
            && s[0] <= self.camera.width_px + 20.0
            && s[1] <= self.camera.height_px + 20.0;
        if inside {
            let rect = self.ui.canvas.get_bounding_client_rect();
            let _ = ring.style().set_property(
                // `translate`, not `transform`: the twinkle animates `scale`, which would scale a
                // translation made in `transform` too.
                "translate",
                &format!("{:.1}px {:.1}px", s[0] + rect.left(), s[1] + rect.top()),
            );
            let _ = ring.remove_attribute("hidden");
        } else {
            let _ = ring.set_attribute("hidden", "");
        }
    }

    /// Names of the most popular points in view, as many as fit without overlapping: zooming in
    /// frees room, so more (and less popular) names appear. Dimmed and faded points get none.
    fn place_labels(&mut self) {
        const MAX_LABELS: usize = 40;
        const SCAN_LIMIT: usize = 200_000;
        let mut placed: Vec<[f64; 4]> = Vec::new();
        let mut chosen: Vec<(u32, f64, f64)> = Vec::new();
        if self.labels.is_some() && !self.world.is_empty() {
            let [x0, y0, x1, y1] = self.free_area();
            // Fewer labels while a dense map is shown whole; more as one zooms in.
            let budget = ((6.0 * self.camera.zoom_ratio().max(1.0)) as usize).clamp(6, MAX_LABELS);
            for &e in self.order.iter().take(SCAN_LIMIT) {
                if chosen.len() >= budget {
                    break;
                }
                let i = e as usize;
                if !self.pass[i] || self.highlight.as_ref().is_some_and(|h| !h[i]) {
                    continue;
                }
                let [x, y] = self.camera.screen_from_world(self.world_of(e));
                if x < x0 || y < y0 + 8.0 || x > x1 - 40.0 || y > y1 - 8.0 {
                    continue;
                }
                let chars = self.labels.as_ref().map(|l| l.name(i).chars().count().min(28)).unwrap_or(0);
                let rect = [x + 6.0, y - 9.0, x + 10.0 + 6.5 * chars as f64, y + 9.0];
                if placed.iter().any(|r| rect[0] < r[2] && r[0] < rect[2] && rect[1] < r[3] && r[1] < rect[3]) {
                    continue;
                }
                placed.push(rect);
                chosen.push((e, x, y));
            }
        }
        let c = self.ui.canvas.get_bounding_client_rect();
        while self.label_pool.len() < chosen.len() {
            let Ok(el) = create("div").dyn_into::<HtmlElement>() else { break };
            el.set_class_name("map-label");
            let _ = self.ui.labels.append_child(&el);
            self.label_pool.push(el);
        }
        for (k, el) in self.label_pool.iter().enumerate() {
            match chosen.get(k) {
                Some(&(e, x, y)) => {
                    let name = self.name(e);
                    if el.text_content().as_deref() != Some(name.as_str()) {
                        set_text(el, &name);
                    }
                    let _ = el
                        .style()
                        .set_property("translate", &format!("{:.0}px {:.0}px", x + c.left() + 7.0, y + c.top()));
                    let _ = el.remove_attribute("hidden");
                }
                None => {
                    let _ = el.set_attribute("hidden", "");
                }
            }
        }
    }

    fn resize(&mut self) {
        let canvas = &self.ui.canvas;
        let rect = canvas.get_bounding_client_rect();
        let (w, h) = (rect.width().max(1.0), rect.height().max(1.0));
        self.dpr = window().device_pixel_ratio().clamp(0.5, 4.0);
        canvas.set_width((w * self.dpr).round() as u32);
        canvas.set_height((h * self.dpr).round() as u32);
        self.camera.set_viewport(w, h);
        // Keep fitted views clear of the side panel and the top bar where they are shown.
        let cover = |el: &HtmlElement| {
            let r = el.get_bounding_client_rect();
            (r.width() > 0.0 && r.height() > 0.0).then_some(r)
        };
        let top = by_id::<HtmlElement>("top").ok().and_then(|t| cover(&t)).map(|r| r.bottom()).unwrap_or(0.0);
        let left = cover(&self.ui.panel)
            .filter(|r| r.left() < w / 2.0 && r.height() > h / 2.0)
            .map(|r| r.right())
            .unwrap_or(0.0);
        self.camera.set_insets([left, top, 0.0, 0.0]);
        self.request_frame();
    }

    // ---- camera --------------------------------------------------------------------------

    fn fly_to(&mut self, to: View) {
        let flight = Flight::new(self.camera.view, to, self.camera.width_px);
        self.flight = Some((flight, now_ms()));
        self.request_frame();
    }

    fn stop_flight(&mut self) {
        self.flight = None;
    }

    fn zoom_by(&mut self, factor: f64) {
        let to = View { center: self.camera.view.center, zoom: self.camera.clamp_zoom(self.camera.view.zoom * factor) };
        self.fly_to(to);
    }

    fn pan_keys(&mut self, fx: f64, fy: f64) {
        self.stop_flight();
        self.camera.pan_by(fx * self.camera.width_px, fy * self.camera.height_px);
        self.request_frame();
        self.schedule_view_sync();
    }

    /// The part of the canvas no panel covers (CSS px, canvas-relative: left, top, right,
    /// bottom): the side panel and top bar where shown, the details panel at the right or, on
    /// phones, at the bottom. The whole canvas when panels leave too little.
    fn free_area(&self) -> [f64; 4] {
        let (w, h) = (self.camera.width_px, self.camera.height_px);
        let c = self.ui.canvas.get_bounding_client_rect();
        let rect = |el: &HtmlElement| {
            let r = el.get_bounding_client_rect();
            (r.width() > 0.0 && r.height() > 0.0)
                .then(|| [r.left() - c.left(), r.top() - c.top(), r.right() - c.left(), r.bottom() - c.top()])
        };
        let mut area = [0.0, 0.0, w, h];
        if let Some(top) = by_id::<HtmlElement>("top").ok().and_then(|t| rect(&t)) {
            area[1] = top[3];
        }
        if let Some(p) = rect(&self.ui.panel).filter(|p| p[0] < w / 2.0 && p[3] - p[1] > h / 2.0) {
            area[0] = p[2];
        }
        if let Some(d) = rect(&self.ui.details) {
            if d[0] > w * 0.45 {
                area[2] = area[2].min(d[0]);
            } else if d[1] > h * 0.3 {
                area[3] = area[3].min(d[1]);
            }
        }
        if area[2] - area[0] < w / 4.0 || area[3] - area[1] < h / 5.0 {
            return [0.0, 0.0, w, h];
        }
        area
    }

    /// Flies to an entity, zooming in unless already close, so it lands in the free area.
    fn fly_to_entity(&mut self, e: u32) {
        if (e as usize) >= self.world.len() {
            return;
        }
        let fit = self.camera.fit_zoom();
        let zoom = self.camera.clamp_zoom(self.camera.view.zoom.max(fit * 6.0));
        let area = self.free_area();
        let [fx, fy] = [(area[0] + area[2]) / 2.0, (area[1] + area[3]) / 2.0];
        let (dx, dy) = (fx - self.camera.width_px / 2.0, fy - self.camera.height_px / 2.0);
        let [wx, wy] = self.world_of(e);
        self.fly_to(View { center: [wx - dx / zoom, wy + dy / zoom], zoom });
    }

    /// The entity drawn under a canvas position, if any is within picking distance.
    fn pick(&self, s: [f64; 2]) -> Option<u32> {
        let index = self.spatial.as_ref()?;
        let (e, _) = index.nearest(self.camera.world_from_screen(s));
        let p = self.camera.screen_from_world(self.world_of(e));
        let d = ((p[0] - s[0]).powi(2) + (p[1] - s[1]).powi(2)).sqrt();
        let sizes = render::size_range_css(self.n(), self.camera.zoom_ratio());
        let key = self.size_keys[e as usize] as f64 / 255.0;
        let radius = (sizes[0] as f64 + (sizes[1] - sizes[0]) as f64 * key) / 2.0;
        (d <= PICK_RADIUS_PX.max(radius)).then_some(e)
    }

    // ---- selection and details -----------------------------------------------------------

    fn select(&mut self, e: Option<u32>, fly: bool) {
        let e = e.filter(|&e| (e as usize) < self.n());
        let before = self.selected;
        self.selected = e;
        if let Some(b) = before {
            self.touch(b);
        }
        if let Some(e) = e {
            self.touch(e);
        }
        // Details first: the fly-to aims at the area they leave free.
        self.render_details();
        if let Some(e) = e.filter(|_| fly) {
            self.fly_to_entity(e);
        }
        self.place_ring();
        match e.and_then(|e| self.labels.as_ref().map(|l| l.ids.get(e as usize).to_string())) {
            Some(id) => set_body_data("selected", &id),
            None => {
                body().dataset().delete("selected");
            }
        }
        if before != e {
            self.sync_url(true);
        }
    }

    fn render_details(&self) {
        let ui = &self.ui;
        let Some(e) = self.selected else {
            let _ = ui.details.set_attribute("hidden", "");
            return;
        };
        let _ = ui.details.remove_attribute("hidden");
        set_text(&ui.details_title, &self.name(e));
        let pop = self.points.as_ref().map(|p| p.popularity[e as usize]).unwrap_or(0);
        let id = self.labels.as_ref().map(|l| l.ids.get(e as usize).to_string()).unwrap_or_default();
        set_text(
            &ui.details_sub,
            &format!("{} {} · popularity {}", self.manifest.id_column, id, format_number(pop as f64)),
        );
        let fields = &ui.details_fields;
        set_text(fields, "");
        for (i, info) in self.manifest.columns.iter().enumerate() {
            let value = match &self.columns[i] {
                Some(c) => format_value(c, e as usize),
                None => "…".to_string(),
            };
            let _ = fields.append_child(&create_text("dt", "", &info.name));
            let _ = fields.append_child(&create_text("dd", "", &value));
        }
        let list = &ui.neighbors;
        set_text(list, "");
        match &self.neighbors {
            Some(nb) => {
                let mut any = false;
                for j in nb.of(e as usize) {
                    let li = create("li");
                    let b = create_text("button", "", &self.name(j));
                    let _ = b.set_attribute("type", "button");
                    let _ = b.set_attribute("data-entity", &j.to_string());
                    let _ = li.append_child(&b);
                    let _ = list.append_child(&li);
                    any = true;
                }
                if !any {
                    let _ = list.append_child(&create_text("li", "hint", "None recorded"));
                }
            }
            None => {
                let _ = list.append_child(&create_text("li", "hint", "Loading…"));
            }
        }
    }

    fn show_tooltip(&self, e: Option<u32>, s: [f64; 2]) {
        let tip = &self.ui.tooltip;
        match e {
            Some(e) => {
                let sec = self.secondary(e);
                let name = self.name(e);
                set_text(tip, &if sec.is_empty() { name } else { format!("{name} · {sec}") });
                let rect = self.ui.canvas.get_bounding_client_rect();
                let style = tip.style();
                let _ = style.set_property("left", &format!("{:.0}px", s[0] + rect.left()));
                let _ = style.set_property("top", &format!("{:.0}px", s[1] + rect.top()));
                let _ = tip.remove_attribute("hidden");
                let _ = self.ui.canvas.class_list().add_1("pointing");
            }
            None => {
                let _ = tip.set_attribute("hidden", "");
                let _ = self.ui.canvas.class_list().remove_1("pointing");
            }
        }
    }

    // ---- search --------------------------------------------------------------------------

    fn run_search(&mut self) {
        let query = self.ui.search.value();
        let Some(index) = &mut self.search else { return };
        let t0 = now_ms();
        self.results = index.search(&query, SEARCH_LIMIT).into_iter().map(|h| h.entity).collect();
        self.active_result = if self.results.is_empty() { None } else { Some(0) };
        self.render_results(query.trim().is_empty());
        // Keystroke latency (ranking and the list), for the benchmark.
        self.searches += 1;
        set_body_data("searchMs", &format!("{:.2}", now_ms() - t0));
        set_body_data("searchSeq", &self.searches.to_string());
        // The search text goes into the URL once typing pauses (in place, not as history).
        self.schedule_view_sync();
    }

    fn render_results(&self, blank: bool) {
        let list = &self.ui.results;
        set_text(list, "");
        let input = &self.ui.search;
        if blank {
            let _ = list.set_attribute("hidden", "");
            let _ = input.set_attribute("aria-expanded", "false");
            let _ = input.remove_attribute("aria-activedescendant");
            return;
        }
        if self.results.is_empty() {
            let li = create_text("li", "empty", "No match");
            let _ = li.set_attribute("role", "option");
            let _ = li.set_attribute("aria-disabled", "true");
            let _ = list.append_child(&li);
        }
        for (k, &e) in self.results.iter().enumerate() {
            let li = create("li");
            let _ = li.set_attribute("role", "option");
            let _ = li.set_attribute("id", &format!("result-{k}"));
            let _ = li.set_attribute("data-entity", &e.to_string());
            let _ = li.set_attribute("aria-selected", if Some(k) == self.active_result { "true" } else { "false" });
            let _ = li.append_child(&create_text("span", "name", &self.name(e)));
            let sec = self.secondary(e);
            if !sec.is_empty() {
                let _ = li.append_child(&create_text("span", "meta", &sec));
            }
            let _ = list.append_child(&li);
        }
        let _ = list.remove_attribute("hidden");
        let _ = input.set_attribute("aria-expanded", "true");
        match self.active_result {
            Some(k) => {
                let _ = input.set_attribute("aria-activedescendant", &format!("result-{k}"));
            }
            None => {
                let _ = input.remove_attribute("aria-activedescendant");
            }
        }
    }

    fn move_active(&mut self, delta: i32) {
        if self.results.is_empty() {
            return;
        }
        let n = self.results.len() as i32;
        let k = match self.active_result {
            Some(k) => (k as i32 + delta).rem_euclid(n),
            None => 0,
        } as usize;
        self.active_result = Some(k);
        self.render_results(false);
        if let Some(li) = document().get_element_by_id(&format!("result-{k}")) {
            li.scroll_into_view_with_bool(false);
        }
    }

    fn close_results(&mut self) {
        self.results.clear();
        self.active_result = None;
        self.render_results(true);
    }

    fn commit_result(&mut self, e: u32) {
        self.close_results();
        self.select(Some(e), true);
        self.sync_url(true);
    }

    // ---- filters, colour-by, highlight ---------------------------------------------------

    fn refilter(&mut self) {
        let (pass, shown) = self.filters.mask(self.n(), &self.columns);
        self.pass = pass;
        self.shown = shown;
        set_text(
            &self.ui.shown,
            &format!("{} of {} shown", format_number(shown as f64), format_number(self.n() as f64)),
        );
        set_body_data("shown", &shown.to_string());
        self.rebuild_attrs();
        self.sync_filter_controls();
        self.render_legend();
    }

    fn set_color_by(&mut self, col: Option<usize>) {
        let col = col.filter(|&c| self.manifest.columns.get(c).is_some_and(|i| i.kind != ColumnKind::Text));
        self.color_col = col;
        self.coloring = coloring(&self.manifest, col, col.and_then(|c| self.columns[c].as_ref()), self.n());
        self.ui.color_by.set_value(&col.map(|c| c.to_string()).unwrap_or_default());
        self.rebuild_attrs();
        self.render_legend();
    }

    fn render_legend(&self) {
        let list = &self.ui.legend;
        set_text(list, "");
        match &self.coloring.legend {
            Legend::None => {}
            Legend::Categories(entries) => {
                let filter = self.color_col.and_then(|c| self.filters.get(c));
                for (k, entry) in entries.iter().enumerate() {
                    let on = match filter {
                        Some(ColumnFilter::Categories { enabled, missing }) => {
                            if entry.missing {
                                *missing
                            } else {
                                entry.codes.iter().any(|&c| enabled.get(c as usize).copied().unwrap_or(true))
                            }
                        }
                        _ => true,
                    };
                    let li = create("li");
                    let b = create("button");
                    let _ = b.set_attribute("type", "button");
                    let _ = b.set_attribute("data-legend", &k.to_string());
                    let _ = b.set_attribute("aria-pressed", if on { "true" } else { "false" });
                    let _ = b.set_attribute("title", "Show or dim this category");
                    let sw = create("span");
                    sw.set_class_name("swatch");
                    let [r, g, bl] = entry.color;
                    let _ = sw.set_attribute("style", &format!("background: rgb({r}, {g}, {bl})"));
                    let _ = b.append_child(&sw);
                    let _ = b.append_child(&create_text("span", "label", &entry.label));
                    let _ = b.append_child(&create_text("span", "count", &format_number(entry.count as f64)));
                    let _ = li.append_child(&b);
                    let _ = list.append_child(&li);
                }
            }
            Legend::Ramp { min, max, log, stops } => {
                let li = create("li");
                let ramp = create("div");
                ramp.set_class_name("ramp");
                let stops: Vec<String> = stops.iter().map(|[r, g, b]| format!("rgb({r}, {g}, {b})")).collect();
                let _ = ramp
                    .set_attribute("style", &format!("background: linear-gradient(to right, {})", stops.join(", ")));
                let labels = create("div");
                labels.set_class_name("ramp-labels");
                let _ = labels.append_child(&create_text("span", "", min));
                if *log {
                    let _ = labels.append_child(&create_text("span", "", "log scale"));
                }
                let _ = labels.append_child(&create_text("span", "", max));
                let _ = li.append_child(&ramp);
                let _ = li.append_child(&labels);
                let _ = list.append_child(&li);
            }
        }
    }

    /// Toggles the categories behind legend entry `k` in the colour column's filter.
    fn toggle_legend(&mut self, k: usize) {
        let (Some(col), Legend::Categories(entries)) = (self.color_col, &self.coloring.legend) else { return };
        let Some(entry) = entries.get(k).cloned() else { return };
        let on = match self.filters.get(col) {
            Some(ColumnFilter::Categories { enabled, missing }) => {
                if entry.missing {
                    *missing
                } else {
                    entry.codes.iter().any(|&c| enabled.get(c as usize).copied().unwrap_or(true))
                }
            }
            _ => return,
        };
        if entry.missing {
            self.filters.set_category(col, None, !on);
        }
        for &c in &entry.codes {
            self.filters.set_category(col, Some(c as usize), !on);
        }
        self.refilter();
        self.sync_url(true);
    }

    /// Slider position (0..SLIDER_STEPS) to value, on a log scale for skewed columns.
    fn slider_value(&self, col: usize, pos: f64) -> f64 {
        let info = &self.manifest.columns[col];
        let (min, max) = (info.min.unwrap_or(0.0), info.max.unwrap_or(0.0));
        let t = (pos / SLIDER_STEPS).clamp(0.0, 1.0);
        if pos <= 0.0 {
            min
        } else if pos >= SLIDER_STEPS {
            max
        } else if wants_log(min, max) {
            (min.ln() + (max.ln() - min.ln()) * t).exp()
        } else {
            min + (max - min) * t
        }
    }

    fn slider_pos(&self, col: usize, v: f64) -> f64 {
        let info = &self.manifest.columns[col];
        let (min, max) = (info.min.unwrap_or(0.0), info.max.unwrap_or(0.0));
        let t = if max <= min {
            0.0
        } else if wants_log(min, max) {
            (v.max(min).ln() - min.ln()) / (max.ln() - min.ln())
        } else {
            (v - min) / (max - min)
        };
        (t.clamp(0.0, 1.0) * SLIDER_STEPS).round()
    }

    /// Builds the filter controls from the manifest (values come later; controls work on names).
    fn build_filters(&mut self) {
        let root = &self.ui.filters;
        set_text(root, "");
        for (col, info) in self.manifest.columns.iter().enumerate() {
            if info.kind == ColumnKind::Text {
                continue;
            }
            let details = create("details");
            let _ = details.set_attribute("data-col", &col.to_string());
            let summary = create_text("summary", "", &info.name);
            let _ = summary.append_child(&create_text("span", "active", ""));
            let _ = details.append_child(&summary);
            match info.kind {
                ColumnKind::Numeric => {
                    let wrap = create("div");
                    wrap.set_class_name("filter-range");
                    for (end, label) in [("lo", "from"), ("hi", "to")] {
                        let l = create("label");
                        let _ = l.append_child(&document().create_text_node(&format!("{label} ")));
                        let out = create_text("span", "readout", "");
                        let _ = out.set_attribute("data-readout", &format!("{col}-{end}"));
                        let _ = l.append_child(&out);
                        let input = create("input");
                        let steps = SLIDER_STEPS.to_string();
                        for (k, v) in [
                            ("type", "range"),
                            ("min", "0"),
                            ("max", &steps),
                            ("step", "1"),
                            ("value", if end == "lo" { "0" } else { &steps }),
                            ("data-col", &col.to_string()),
                            ("data-end", end),
                            (
                                "aria-label",
                                &format!("{} {}", info.name, if end == "lo" { "minimum" } else { "maximum" }),
                            ),
                        ] {
                            let _ = input.set_attribute(k, v);
                        }
                        let _ = l.append_child(&input);
                        let _ = wrap.append_child(&l);
                    }
                    let _ = details.append_child(&wrap);
                }
                _ => {
                    let buttons = create("div");
                    buttons.set_class_name("filter-buttons");
                    for (action, text) in [("all", "All"), ("none", "None")] {
                        let b = create_text("button", "", text);
                        let _ = b.set_attribute("type", "button");
                        let _ = b.set_attribute("data-col", &col.to_string());
                        let _ = b.set_attribute("data-action", action);
                        let _ = buttons.append_child(&b);
                    }
                    let _ = details.append_child(&buttons);
                    let mut order: Vec<usize> = (0..info.categories.len()).collect();
                    order.sort_by_key(|&c| (std::cmp::Reverse(info.categories[c].count), c));
                    order.truncate(MAX_CHECKBOXES);
                    let add = |label: &str, count: u64, attr: (&str, String)| {
                        let l = create("label");
                        l.set_class_name("filter-cat");
                        let input = create("input");
                        let _ = input.set_attribute("type", "checkbox");
                        let _ = input.set_attribute("checked", "");
                        let _ = input.set_attribute("data-col", &col.to_string());
                        let _ = input.set_attribute(attr.0, &attr.1);
                        let _ = l.append_child(&input);
                        let _ = l.append_child(&create_text("span", "", label));
                        let _ = l.append_child(&create_text("span", "count", &format_number(count as f64)));
                        let _ = details.append_child(&l);
                    };
                    for &c in &order {
                        add(&info.categories[c].value, info.categories[c].count as u64, ("data-code", c.to_string()));
                    }
                    if info.missing > 0 {
                        add("(no value)", info.missing as u64, ("data-missing", "1".into()));
                    }
                    if info.categories.len() > MAX_CHECKBOXES {
                        let note = format!("The {MAX_CHECKBOXES} most common of {} values", info.categories.len());
                        let _ = details.append_child(&create_text("p", "hint", &note));
                    }
                }
            }
            let _ = root.append_child(&details);
        }
        self.sync_filter_controls();
    }

    /// Makes every filter control show the filter state.
    fn sync_filter_controls(&self) {
        let Ok(inputs) = self.ui.filters.query_selector_all("input[data-col]") else { return };
        for i in 0..inputs.length() {
            let Some(input) = inputs.item(i).and_then(|n| n.dyn_into::<HtmlInputElement>().ok()) else { continue };
            let Some(col) = input.get_attribute("data-col").and_then(|c| c.parse::<usize>().ok()) else { continue };
            match self.filters.get(col) {
                Some(ColumnFilter::Range { lo, hi }) => {
                    let (v, end) = if input.get_attribute("data-end").as_deref() == Some("lo") {
                        (*lo, "lo")
                    } else {
                        (*hi, "hi")
                    };
                    input.set_value(&self.slider_pos(col, v).to_string());
                    if let Ok(Some(out)) = self.ui.filters.query_selector(&format!("[data-readout=\"{col}-{end}\"]")) {
                        set_text(&out, &format_number(v));
                    }
                }
                Some(ColumnFilter::Categories { enabled, missing }) => {
                    let on = match input.get_attribute("data-code").and_then(|c| c.parse::<usize>().ok()) {
                        Some(code) => enabled.get(code).copied().unwrap_or(true),
                        None => *missing,
                    };
                    input.set_checked(on);
                }
                None => {}
            }
        }
        if let Ok(all) = self.ui.filters.query_selector_all("details[data-col]") {
            for i in 0..all.length() {
                let Some(d) = all.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
                let Some(col) = d.get_attribute("data-col").and_then(|c| c.parse::<usize>().ok()) else { continue };
                if let Ok(Some(mark)) = d.query_selector("summary .active") {
                    set_text(&mark, if self.filters.is_active(col) { "filtered" } else { "" });
                }
            }
        }
    }

    fn apply_highlight_text(&mut self, text: &str) {
        let tokens = lookup::split_list(text);
        if tokens.is_empty() {
            self.highlight = None;
            set_text(&self.ui.highlight_status, "");
            self.rebuild_attrs();
            return;
        }
        let (Some(labels), Some(ids)) = (&self.labels, &self.ids) else { return };
        let (found, missing) = lookup::resolve_tokens(&tokens, labels, ids);
        let mut set = vec![false; self.n()];
        for &e in &found {
            set[e as usize] = true;
        }
        let mut status = format!("{} of {} found", tokens.len() - missing.len(), tokens.len());
        if !missing.is_empty() {
            let shown: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
            status.push_str(&format!("; not found: {}", shown.join(", ")));
            if missing.len() > 5 {
                status.push('…');
            }
        }
        set_text(&self.ui.highlight_status, &status);
        set_body_data("highlighted", &found.len().to_string());
        self.highlight = Some(set);
        self.rebuild_attrs();
    }

    // ---- URL state -----------------------------------------------------------------------

    fn url_state(&self) -> UrlState {
        let b = &self.manifest.bounds;
        let unit = |v: f64, lo: f32, hi: f32| if hi > lo { (v - lo as f64) / (hi - lo) as f64 } else { 0.5 };
        let c = self.camera.view.center;
        UrlState {
            view: Some([unit(c[0], b.min_x, b.max_x), unit(c[1], b.min_y, b.max_y), self.camera.zoom_ratio()]),
            selected: self.selected.and_then(|e| self.labels.as_ref().map(|l| l.ids.get(e as usize).to_string())),
            search: self.ui.search.value(),
            color_by: self.color_col.map(|c| self.manifest.columns[c].name.clone()),
            filters: self.filters.to_specs(&self.manifest),
        }
    }

    fn view_from_url(&self, v: [f64; 3]) -> View {
        let b = &self.manifest.bounds;
        let world = |u: f64, lo: f32, hi: f32| lo as f64 + u * (hi - lo) as f64;
        View {
            center: [world(v[0], b.min_x, b.max_x), world(v[1], b.min_y, b.max_y)],
            zoom: v[2] * self.camera.fit_zoom(),
        }
    }

    /// Writes the state into the URL: a new history entry (`push`) or in place (view changes).
    fn sync_url(&mut self, push: bool) {
        if !self.url_live {
            return;
        }
        let hash = self.url_state().to_hash();
        if hash == self.last_hash {
            return;
        }
        self.last_hash = hash.clone();
        let loc = window().location();
        let url = format!("{}{}#{}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default(), hash);
        if let Ok(history) = window().history() {
            let _ = if push {
                history.push_state_with_url(&JsValue::NULL, "", Some(&url))
            } else {
                history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
            };
        }
    }

    /// Records the view in the URL shortly after it stops changing.
    fn schedule_view_sync(&mut self) {
        if let Some(t) = self.view_timer.take() {
            window().clear_timeout_with_handle(t);
        }
        if let Some(cb) = &self.view_cb {
            self.view_timer =
                window().set_timeout_with_callback_and_timeout_and_arguments_0(cb.as_ref().unchecked_ref(), 300).ok();
        }
    }

    /// Applies what of `st` the loaded data allows; the rest stays pending until it arrives.
    fn apply_url(&mut self, st: UrlState, animate: bool) {
        if let Some(v) = st.view {
            let to = self.view_from_url(v);
            if animate {
                self.fly_to(to);
            } else {
                self.camera.set_view(to);
                self.request_frame();
            }
        }
        self.pending = Some(Pending { state: st, metadata: true, labels: true, animate });
        self.apply_pending();
    }

    fn apply_pending(&mut self) {
        let Some(mut p) = self.pending.take() else { return };
        let st = p.state.clone();
        // Colour-by and filters need the metadata.
        let metadata_loaded =
            self.columns.iter().zip(&self.manifest.columns).all(|(c, i)| c.is_some() || i.file != FILE_METADATA);
        if p.metadata && metadata_loaded {
            p.metadata = false;
            let col = st.color_by.as_ref().and_then(|c| self.manifest.column_index(c));
            if col != self.color_col {
                self.set_color_by(col);
            }
            let filters = Filters::from_specs(&self.manifest, &st.filters);
            if filters != self.filters {
                self.filters = filters;
                self.refilter();
            }
        }
        // Selection and search need the labels.
        if p.labels && self.labels.is_some() {
            p.labels = false;
            let sel = match (&self.labels, &self.ids, &st.selected) {
                (Some(labels), Some(ids), Some(id)) => ids.find(&labels.ids, id),
                _ => None,
            };
            if self.ui.search.value() != st.search {
                self.ui.search.set_value(&st.search);
            }
            if sel != self.selected {
                // Without a view in the link, fly to the selection.
                let fly = sel.is_some() && (p.animate || st.view.is_none());
                self.select(sel, fly);
            }
        }
        if p.metadata || p.labels {
            self.pending = Some(p);
        }
    }
}

/// URL state waiting for the data it needs.
struct Pending {
    state: UrlState,
    /// Colour-by and filters not applied yet.
    metadata: bool,
    /// Selection and search not applied yet.
    labels: bool,
    /// Whether to animate the camera when applying.
    animate: bool,
}

// ---- loading ---------------------------------------------------------------------------------

/// Bytes loaded so far, shown in the page.
struct Progress {
    loaded: u64,
    total: u64,
    text: HtmlElement,
    bar: HtmlElement,
}

impl Progress {
    fn add(&mut self, bytes: u64) {
        self.loaded += bytes;
        let mb = |b: u64| b as f64 / 1e6;
        set_text(
            &self.text,
            &format!("Loading map… {:.1} of {:.1} MB", mb(self.loaded), mb(self.total.max(self.loaded))),
        );
        let _ = self.bar.set_attribute("value", &(self.loaded as f64 / self.total.max(1) as f64).min(1.0).to_string());
        set_body_data("loadedBytes", &self.loaded.to_string());
    }
}

/// The response of a started fetch, or why there is none.
async fn fetch_response(url: &str, request: js_sys::Promise) -> Result<web_sys::Response, LoadError> {
    let net = |reason: String| LoadError::Network { url: url.to_string(), reason };
    let resp = JsFuture::from(request).await.map_err(|e| net(js_text(&e)))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| net("not a response".into()))?;
    if !resp.ok() {
        return Err(net(format!("HTTP {} {}", resp.status(), resp.status_text())));
    }
    Ok(resp)
}

/// Reads a response body chunk by chunk, reporting progress.
async fn read_body(
    url: &str,
    resp: web_sys::Response,
    expect: u64,
    progress: &RefCell<Progress>,
) -> Result<Vec<u8>, LoadError> {
    let net = |reason: String| LoadError::Network { url: url.to_string(), reason };
    let Some(stream) = resp.body() else {
        let buf =
            JsFuture::from(resp.array_buffer().map_err(|e| net(js_text(&e)))?).await.map_err(|e| net(js_text(&e)))?;
        let bytes = js_sys::Uint8Array::new(&buf).to_vec();
        progress.borrow_mut().add(bytes.len() as u64);
        return Ok(bytes);
    };
    let reader: web_sys::ReadableStreamDefaultReader =
        stream.get_reader().dyn_into().map_err(|_| net("unreadable body".into()))?;
    let mut out = Vec::with_capacity(expect.min(1 << 30) as usize);
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|e| net(js_text(&e)))?;
        let done = js_sys::Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true);
        if done {
            break;
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(|e| net(js_text(&e)))?;
        let array: js_sys::Uint8Array = value.dyn_into().map_err(|_| net("body chunk is not bytes".into()))?;
        let start = out.len();
        out.resize(start + array.length() as usize, 0);
        array.copy_to(&mut out[start..]);
        progress.borrow_mut().add(array.length() as u64);
    }
    Ok(out)
}

/// Where the map lives: `?data=URL` (a folder or a manifest), else the page's own folder.
fn manifest_url() -> Result<String, String> {
    let href = window().location().href().map_err(|e| js_text(&e))?;
    let page = web_sys::Url::new(&href).map_err(|e| js_text(&e))?;
    let data = page.search_params().get("data").filter(|d| !d.is_empty());
    let url = match data {
        Some(d) if d.ends_with(".json") => web_sys::Url::new_with_base(&d, &href),
        Some(d) => {
            let dir = if d.ends_with('/') { d } else { format!("{d}/") };
            web_sys::Url::new_with_base(
                FILE_MANIFEST,
                &web_sys::Url::new_with_base(&dir, &href).map_err(|e| js_text(&e))?.href(),
            )
        }
        None => web_sys::Url::new_with_base(FILE_MANIFEST, &href),
    }
    .map_err(|e| format!("bad data URL: {}", js_text(&e)))?;
    Ok(url.href())
}

fn query_param(name: &str) -> Option<String> {
    let href = window().location().href().ok()?;
    web_sys::Url::new(&href).ok()?.search_params().get(name)
}

/// The renderer's name, unmasked where the browser allows it.
fn renderer_name(gl: &WebGl2RenderingContext) -> String {
    const UNMASKED_RENDERER_WEBGL: u32 = 0x9246;
    let unmasked = gl
        .get_extension("WEBGL_debug_renderer_info")
        .ok()
        .flatten()
        .and_then(|_| gl.get_parameter(UNMASKED_RENDERER_WEBGL).ok())
        .and_then(|v| v.as_string());
    unmasked
        .or_else(|| gl.get_parameter(WebGl2RenderingContext::RENDERER).ok().and_then(|v| v.as_string()))
        .unwrap_or_default()
}

fn create_gl(raw: &WebGl2RenderingContext, mode: DrawMode) -> Result<Gl, String> {
    let gl = glow::Context::from_webgl2_context(raw.clone());
    let painter = unsafe { Painter::new(&gl, mode)? };
    Ok(Gl { gl, painter })
}

/// Entry point, run when the module loads.
#[wasm_bindgen(start)]
pub fn start() {
    // Load phases on <body data-t-*> (ms since navigation), for the benchmarks.
    set_body_data("tStart", &format!("{:.1}", now_ms()));
    std::panic::set_hook(Box::new(|info| {
        let msg = format!("The viewer stopped on an internal error: {info}");
        web_sys::console::error_1(&msg.clone().into());
        show_error(&msg);
    }));
    wasm_bindgen_futures::spawn_local(async {
        if let Err(e) = run().await {
            show_error(&e);
        }
    });
}

thread_local! {
    /// Keeps the app and its listeners alive for the page's lifetime.
    static PAGE: RefCell<Option<(Shared, Listeners)>> = const { RefCell::new(None) };
}

async fn run() -> Result<(), String> {
    let ui = Ui::find()?;
    if query_param("embed").is_some_and(|v| v != "0") {
        let _ = body().class_list().add_1("embed");
    }
    // Start the downloads first: the manifest and the positions (their names are fixed), so they
    // travel while the WebGL context starts (slow on software renderers). The other files wait
    // until the positions are in, so they do not compete with the first frame.
    let manifest_url = manifest_url()?;
    let file_url = |name: &str| -> Result<String, String> {
        web_sys::Url::new_with_base(name, &manifest_url).map(|u| u.href()).map_err(|e| js_text(&e))
    };
    let manifest_req = window().fetch_with_str(&manifest_url);
    let points_url = file_url(FILE_POINTS)?;
    let points_req = window().fetch_with_str(&points_url);

    let attrs = web_sys::WebGlContextAttributes::new();
    attrs.set_antialias(false);
    attrs.set_alpha(false);
    attrs.set_premultiplied_alpha(true);
    attrs.set_depth(false);
    let raw = ui
        .canvas
        .get_context_with_context_options("webgl2", &attrs)
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<WebGl2RenderingContext>().ok())
        .ok_or_else(|| {
            "This map needs WebGL2, which this browser or device does not provide. \
             Try a current Chrome, Firefox, Safari or Edge, and check that hardware acceleration \
             (or WebGL) is not turned off."
                .to_string()
        })?;
    let renderer = renderer_name(&raw);
    let software = render::is_software_renderer(&renderer);
    let mode = match query_param("render").as_deref() {
        Some("instanced") => DrawMode::Instanced,
        Some("points") => DrawMode::Points,
        _ if software => DrawMode::Points,
        _ => DrawMode::Instanced,
    };
    set_body_data("renderer", &renderer);
    set_body_data("drawMode", if mode == DrawMode::Points { "points" } else { "instanced" });
    if let Ok(el) = by_id::<Element>("renderer") {
        let how = if mode == DrawMode::Points { "one draw call of points" } else { "one instanced draw call" };
        let soft = if software { " (software renderer)" } else { "" };
        set_text(&el, &format!("Drawn by {renderer}{soft}, {how}."));
    }
    set_body_data("tContext", &format!("{:.1}", now_ms()));
    let gl = create_gl(&raw, mode)?;
    set_body_data("tProgram", &format!("{:.1}", now_ms()));

    let manifest = load_manifest(&manifest_url, manifest_req).await.map_err(|e| e.to_string())?;
    set_body_data("tManifest", &format!("{:.1}", now_ms()));

    if !manifest.title.is_empty() {
        document().set_title(&manifest.title);
        if let Ok(h) = by_id::<Element>("title") {
            set_text(&h, &manifest.title);
        }
    }
    if let Ok(p) = by_id::<Element>("description") {
        set_text(&p, &manifest.description);
    }
    let rect = ui.canvas.get_bounding_client_rect();
    let camera = Camera::new(manifest.bounds, rect.width(), rect.height());
    let n = manifest.entity_count as usize;
    let progress = RefCell::new(Progress {
        loaded: 0,
        total: manifest.files.iter().map(|f| f.bytes).sum(),
        text: ui.loading_text.clone(),
        bar: ui.progress.clone(),
    });
    let app = Rc::new(RefCell::new(App {
        filters: Filters::new(&manifest),
        coloring: coloring(&manifest, None, None, n),
        columns: vec![None; manifest.columns.len()],
        ui,
        raw: raw.clone(),
        gl: Some(gl),
        mode,
        manifest,
        camera,
        dpr: 1.0,
        points: None,
        order: Vec::new(),
        rank_of: Vec::new(),
        xy_draw: Vec::new(),
        size_keys: Vec::new(),
        world: Vec::new(),
        spatial: None,
        labels: None,
        ids: None,
        neighbors: None,
        search: None,
        results: Vec::new(),
        active_result: None,
        pass: vec![true; n],
        shown: n,
        color_col: None,
        highlight: None,
        selected: None,
        attrs: Vec::new(),
        dirty: Dirty::default(),
        flight: None,
        gesture: Gesture::default(),
        frame_pending: false,
        raf: None,
        view_timer: None,
        view_cb: None,
        frames: 0,
        searches: 0,
        first_frame: true,
        pending: None,
        url_live: false,
        last_hash: String::new(),
        label_pool: Vec::new(),
    }));
    {
        let a = app.clone();
        let raf = Closure::<dyn FnMut(f64)>::new(move |t: f64| {
            if let Ok(mut app) = a.try_borrow_mut() {
                app.frame(t);
            }
        });
        let a = app.clone();
        let view_cb = Closure::<dyn FnMut()>::new(move || {
            if let Ok(mut app) = a.try_borrow_mut() {
                app.view_timer = None;
                app.sync_url(false);
            }
        });
        let mut a = app.borrow_mut();
        a.raf = Some(raf);
        a.view_cb = Some(view_cb);
        a.resize();
        a.camera.view = a.camera.fit_view();
        a.build_filters();
        build_color_options(&a);
        let st = UrlState::parse(&window().location().hash().unwrap_or_default());
        a.apply_url(st, false);
    }
    let listeners = install_listeners(&app);
    PAGE.with(|p| *p.borrow_mut() = Some((app.clone(), listeners)));

    // Files in the order drawing needs them; the rest are requested once the positions are in.
    let mut files = std::collections::VecDeque::from([(FILE_POINTS.to_string(), points_url, points_req)]);
    while let Some((name, url, promise)) = files.pop_front() {
        let expect = app.borrow().manifest.file(&name).map(|f| f.bytes).unwrap_or(0);
        let resp = fetch_response(&url, promise).await.map_err(|e| e.to_string())?;
        let bytes = read_body(&url, resp, expect, &progress).await.map_err(|e| e.to_string())?;
        if name == FILE_POINTS {
            let listed: Vec<&str> = [FILE_LABELS, FILE_METADATA, FILE_NEIGHBORS]
                .into_iter()
                .filter(|f| app.borrow().manifest.file(f).is_some())
                .collect();
            for f in listed {
                let url = file_url(f)?;
                let req = window().fetch_with_str(&url);
                files.push_back((f.to_string(), url, req));
            }
        }
        {
            let mut a = app.borrow_mut();
            let m = a.manifest.clone();
            match name.as_str() {
                FILE_POINTS => {
                    set_body_data("tPoints", &format!("{:.1}", now_ms()));
                    let points = Points::decode(&m, &bytes).map_err(|e| LoadError::from(e).to_string())?;
                    a.install_points(points);
                    set_body_data("tInstalled", &format!("{:.1}", now_ms()));
                }
                FILE_LABELS => {
                    let (labels, cols) = Labels::decode(&m, &bytes).map_err(|e| e.to_string())?;
                    for (i, c) in cols {
                        a.columns[i] = Some(c);
                    }
                    a.install_labels(labels);
                }
                FILE_METADATA => {
                    let cols = map_read::decode_metadata(&m, &bytes).map_err(|e| e.to_string())?;
                    for (i, c) in cols {
                        a.columns[i] = Some(c);
                    }
                    a.refilter();
                    let col = a.color_col;
                    a.set_color_by(col);
                    a.apply_pending();
                    a.render_details();
                }
                _ => {
                    a.neighbors = Some(map_read::decode_neighbors_file(&m, &bytes).map_err(|e| e.to_string())?);
                    a.render_details();
                }
            }
        }
        if name == FILE_POINTS {
            // Let the first frame reach the screen before the slower indexing work.
            yield_to_browser().await;
            let mut a = app.borrow_mut();
            let world = a.world.clone();
            a.spatial = PointIndex::new(&world);
        }
    }
    let mut a = app.borrow_mut();
    a.apply_pending();
    a.url_live = true;
    a.last_hash = window().location().hash().unwrap_or_default().trim_start_matches('#').to_string();
    let _ = a.ui.loading.set_attribute("hidden", "");
    if let Some(h) = query_param("highlight").filter(|h| !h.is_empty()) {
        a.ui.highlight_input.set_value(&h);
        a.apply_highlight_text(&h);
    }
    set_body_data("state", "ready");
    Ok(())
}

/// Resolves after the browser has had a chance to render (a zero-delay timeout).
async fn yield_to_browser() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = JsFuture::from(p).await;
}

async fn load_manifest(url: &str, request: js_sys::Promise) -> Result<Manifest, LoadError> {
    let resp = fetch_response(url, request).await?;
    let net = |reason: String| LoadError::Network { url: url.to_string(), reason };
    let text = JsFuture::from(resp.text().map_err(|e| net(js_text(&e)))?).await.map_err(|e| net(js_text(&e)))?;
    let text = text.as_string().unwrap_or_default();
    let bad = |reason: String| LoadError::Read(starmap_format::ReadError::Manifest(reason));
    let value = js_sys::JSON::parse(&text).map_err(|e| bad(js_text(&e)))?;
    let manifest: Manifest = serde_wasm_bindgen::from_value(value).map_err(|e| bad(e.to_string()))?;
    map_read::check_manifest(&manifest)?;
    Ok(manifest)
}

impl App {
    fn install_points(&mut self, points: Points) {
        let m = &self.manifest;
        self.order = data::draw_order(&points);
        self.rank_of = vec![0; points.len()];
        for (rank, &e) in self.order.iter().enumerate() {
            self.rank_of[e as usize] = rank as u32;
        }
        self.xy_draw =
            self.order.iter().flat_map(|&e| [points.xy[2 * e as usize], points.xy[2 * e as usize + 1]]).collect();
        self.size_keys = data::size_keys(&points, m);
        self.world = (0..points.len())
            .map(|i| {
                let w = points.world(m, i);
                [w[0] as f32, w[1] as f32]
            })
            .collect();
        self.points = Some(points);
        self.rebuild_attrs();
        self.upload_all();
        self.request_frame();
    }

    fn install_labels(&mut self, labels: Labels) {
        let n = self.n();
        let pop = self.points.as_ref().map(|p| p.popularity.clone()).unwrap_or_default();
        self.search = Some(SearchIndex::new(n, |i| labels.name(i), &pop));
        self.ids = Some(IdIndex::new(&labels.ids));
        self.labels = Some(labels);
        self.ui.search.set_disabled(false);
        self.apply_pending();
        if !self.ui.search.value().is_empty() && document().active_element().is_some_and(|a| a.id() == "search") {
            self.run_search();
        }
    }
}

fn build_color_options(app: &App) {
    let select = &app.ui.color_by;
    for (i, c) in app.manifest.columns.iter().enumerate() {
        if c.kind == ColumnKind::Text {
            continue;
        }
        let opt = create_text("option", "", &c.name);
        let _ = opt.set_attribute("value", &i.to_string());
        let _ = select.append_child(&opt);
    }
}

// ---- events ----------------------------------------------------------------------------------

fn canvas_pos(app: &App, e: &web_sys::MouseEvent) -> [f64; 2] {
    let r = app.ui.canvas.get_bounding_client_rect();
    [e.client_x() as f64 - r.left(), e.client_y() as f64 - r.top()]
}

fn data_attr(target: Option<EventTarget>, selector: &str, attr: &str) -> Option<String> {
    let el: Element = target?.dyn_into().ok()?;
    el.closest(selector).ok()??.get_attribute(attr)
}

fn is_text_field(target: Option<EventTarget>) -> bool {
    target.and_then(|t| t.dyn_into::<Element>().ok()).is_some_and(|el| {
        let tag = el.tag_name().to_ascii_lowercase();
        tag == "textarea"
            || tag == "select"
            || (tag == "input"
                && el.get_attribute("type").as_deref() != Some("checkbox")
                && el.get_attribute("type").as_deref() != Some("range"))
    })
}

/// Runs `f` on the app unless it is busy (an event fired while it was already borrowed).
fn with(app: &Shared, f: impl FnOnce(&mut App)) {
    if let Ok(mut a) = app.try_borrow_mut() {
        f(&mut a);
    }
}

fn install_listeners(app: &Shared) -> Listeners {
    let mut l = Listeners::default();
    let (canvas, search, results, legend, filters, neighbors, color_by) = {
        let a = app.borrow();
        (
            a.ui.canvas.clone(),
            a.ui.search.clone(),
            a.ui.results.clone(),
            a.ui.legend.clone(),
            a.ui.filters.clone(),
            a.ui.neighbors.clone(),
            a.ui.color_by.clone(),
        )
    };
    let win: EventTarget = window().into();

    // Pointer: drag to pan, two fingers to pinch, click to select, hover for a label.
    let a = app.clone();
    l.add(&canvas, "pointerdown", move |ev| {
        let Some(ev) = ev.dyn_ref::<PointerEvent>() else { return };
        with(&a, |app| {
            let p = canvas_pos(app, ev);
            let _ = app.ui.canvas.set_pointer_capture(ev.pointer_id());
            app.gesture.pointers.retain(|(id, _)| *id != ev.pointer_id());
            app.gesture.pointers.push((ev.pointer_id(), p));
            app.gesture.click_from = if app.gesture.pointers.len() == 1 { Some(p) } else { None };
            app.stop_flight();
            app.show_tooltip(None, p);
        });
    });
    let a = app.clone();
    l.add(&canvas, "pointermove", move |ev| {
        let Some(ev) = ev.dyn_ref::<PointerEvent>() else { return };
        with(&a, |app| {
            let p = canvas_pos(app, ev);
            let id = ev.pointer_id();
            let Some(k) = app.gesture.pointers.iter().position(|(i, _)| *i == id) else {
                if ev.pointer_type() == "mouse" {
                    let hit = app.pick(p);
                    app.show_tooltip(hit, p);
                }
                return;
            };
            let prev = app.gesture.pointers[k].1;
            if app.gesture.pointers.len() >= 2 {
                let other = app.gesture.pointers[1 - k.min(1)].1;
                let (d0, d1) = (dist(prev, other), dist(p, other));
                let (m0, m1) = (mid(prev, other), mid(p, other));
                if d0 > 1.0 {
                    app.camera.zoom_at(d1 / d0, m0);
                }
                app.camera.pan_by(m1[0] - m0[0], m1[1] - m0[1]);
            } else {
                app.camera.pan_by(p[0] - prev[0], p[1] - prev[1]);
                if app.gesture.click_from.is_some_and(|f| dist(f, p) > CLICK_SLOP_PX) {
                    app.gesture.click_from = None;
                    let _ = app.ui.canvas.class_list().add_1("dragging");
                }
            }
            app.gesture.pointers[k].1 = p;
            app.request_frame();
        });
    });
    for event in ["pointerup", "pointercancel"] {
        let a = app.clone();
        l.add(&canvas, event, move |ev| {
            let Some(ev) = ev.dyn_ref::<PointerEvent>() else { return };
            with(&a, |app| {
                let p = canvas_pos(app, ev);
                let was_click =
                    ev.type_() == "pointerup" && app.gesture.pointers.len() == 1 && app.gesture.click_from.is_some();
                app.gesture.pointers.retain(|(id, _)| *id != ev.pointer_id());
                app.gesture.click_from = None;
                let _ = app.ui.canvas.class_list().remove_1("dragging");
                if was_click {
                    let hit = app.pick(p);
                    app.select(hit, false);
                }
                app.schedule_view_sync();
            });
        });
    }
    let a = app.clone();
    l.add(&canvas, "pointerleave", move |_| with(&a, |app| app.show_tooltip(None, [0.0, 0.0])));
    let a = app.clone();
    l.add_with(&canvas, "wheel", Some(false), move |ev| {
        let Some(ev) = ev.dyn_ref::<WheelEvent>() else { return };
        ev.prevent_default();
        with(&a, |app| {
            let unit = match ev.delta_mode() {
                WheelEvent::DOM_DELTA_LINE => 16.0,
                WheelEvent::DOM_DELTA_PAGE => app.camera.height_px,
                _ => 1.0,
            };
            // Trackpad pinches arrive as wheel events with ctrlKey: zoom faster.
            let k = if ev.ctrl_key() { 0.01 } else { 0.002 };
            let factor = (-ev.delta_y() * unit * k).clamp(-1.0, 1.0).exp();
            let p = canvas_pos(app, ev);
            app.stop_flight();
            app.camera.zoom_at(factor, p);
            app.request_frame();
            app.schedule_view_sync();
        });
    });
    let a = app.clone();
    l.add(&canvas, "dblclick", move |ev| {
        let Some(ev) = ev.dyn_ref::<web_sys::MouseEvent>() else { return };
        ev.prevent_default();
        with(&a, |app| {
            let p = canvas_pos(app, ev);
            let factor = if ev.shift_key() { 0.5 } else { 2.5 };
            let mut target = app.camera.clone();
            target.zoom_at(factor, p);
            app.fly_to(target.view);
        });
    });

    // Keyboard: / focuses search, Esc closes, + − arrows 0 move the camera.
    let a = app.clone();
    l.add(&win, "keydown", move |ev| {
        let Some(ev) = ev.dyn_ref::<KeyboardEvent>() else { return };
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let key = ev.key();
        let in_field = is_text_field(ev.target());
        with(&a, |app| {
            if key == "Escape" {
                if !app.results.is_empty() || app.ui.results.get_attribute("hidden").is_none() {
                    app.close_results();
                } else if app.selected.is_some() {
                    app.select(None, false);
                    let _ = app.ui.canvas.focus();
                }
                return;
            }
            if in_field {
                return;
            }
            let handled = match key.as_str() {
                "/" => {
                    let _ = app.ui.search.focus();
                    true
                }
                "+" | "=" => {
                    app.zoom_by(1.6);
                    true
                }
                "-" | "_" => {
                    app.zoom_by(1.0 / 1.6);
                    true
                }
                "0" => {
                    let v = app.camera.fit_view();
                    app.fly_to(v);
                    true
                }
                "ArrowLeft" => {
                    app.pan_keys(0.15, 0.0);
                    true
                }
                "ArrowRight" => {
                    app.pan_keys(-0.15, 0.0);
                    true
                }
                "ArrowUp" => {
                    app.pan_keys(0.0, 0.15);
                    true
                }
                "ArrowDown" => {
                    app.pan_keys(0.0, -0.15);
                    true
                }
                _ => false,
            };
            if handled {
                ev.prevent_default();
            }
        });
    });

    // Search box: type to list, ↑ ↓ to move, Enter to open.
    let a = app.clone();
    l.add(&search, "input", move |_| with(&a, |app| app.run_search()));
    let a = app.clone();
    l.add(&search, "focus", move |_| {
        with(&a, |app| {
            if !app.ui.search.value().trim().is_empty() && app.results.is_empty() {
                app.run_search();
            }
        })
    });
    let a = app.clone();
    l.add(&search, "keydown", move |ev| {
        let Some(ev) = ev.dyn_ref::<KeyboardEvent>() else { return };
        with(&a, |app| match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                app.move_active(1);
            }
            "ArrowUp" => {
                ev.prevent_default();
                app.move_active(-1);
            }
            "Enter" => {
                ev.prevent_default();
                if app.results.is_empty() {
                    app.run_search();
                }
                if let Some(&e) = app.results.get(app.active_result.unwrap_or(0)) {
                    app.commit_result(e);
                }
            }
            _ => {}
        });
    });
    let a = app.clone();
    // mousedown (not click) so the choice lands before the input loses focus.
    l.add(&results, "mousedown", move |ev| {
        ev.prevent_default();
        let Some(e) = data_attr(ev.target(), "[data-entity]", "data-entity").and_then(|v| v.parse::<u32>().ok()) else {
            return;
        };
        with(&a, |app| app.commit_result(e));
    });

    // Details: close button, neighbour links.
    let a = app.clone();
    if let Ok(close) = by_id::<EventTarget>("details-close") {
        l.add(&close, "click", move |_| {
            with(&a, |app| {
                app.select(None, false);
                let _ = app.ui.canvas.focus();
            })
        });
    }
    let a = app.clone();
    l.add(&neighbors, "click", move |ev| {
        let Some(e) = data_attr(ev.target(), "[data-entity]", "data-entity").and_then(|v| v.parse::<u32>().ok()) else {
            return;
        };
        with(&a, |app| {
            app.select(Some(e), true);
            // Keep keyboard users in the list they were walking.
            if let Ok(Some(first)) = app.ui.neighbors.query_selector("button") {
                if let Ok(first) = first.dyn_into::<HtmlElement>() {
                    let _ = first.focus();
                }
            }
        });
    });

    // Colour-by, legend, filters.
    let a = app.clone();
    l.add(&color_by, "change", move |_| {
        with(&a, |app| {
            let col = app.ui.color_by.value().parse::<usize>().ok();
            app.set_color_by(col);
            app.sync_url(true);
        })
    });
    let a = app.clone();
    l.add(&legend, "click", move |ev| {
        let Some(k) = data_attr(ev.target(), "[data-legend]", "data-legend").and_then(|v| v.parse::<usize>().ok())
        else {
            return;
        };
        with(&a, |app| app.toggle_legend(k));
    });
    let a = app.clone();
    l.add(&filters, "input", move |ev| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let Some(col) = input.get_attribute("data-col").and_then(|c| c.parse::<usize>().ok()) else { return };
        with(&a, |app| {
            if input.type_() == "range" {
                let pos = input.value().parse::<f64>().unwrap_or(0.0);
                let v = app.slider_value(col, pos);
                if let Some(ColumnFilter::Range { lo, hi }) = app.filters.get(col).cloned() {
                    let (mut lo, mut hi) = (lo, hi);
                    if input.get_attribute("data-end").as_deref() == Some("lo") {
                        lo = v.min(hi);
                    } else {
                        hi = v.max(lo);
                    }
                    app.filters.set_range(col, lo, hi);
                }
            } else if input.type_() == "checkbox" {
                let code = input.get_attribute("data-code").and_then(|c| c.parse::<usize>().ok());
                app.filters.set_category(col, code, input.checked());
            } else {
                return;
            }
            app.refilter();
        });
    });
    let a = app.clone();
    l.add(&filters, "change", move |_| with(&a, |app| app.sync_url(true)));
    let a = app.clone();
    l.add(&filters, "click", move |ev| {
        let Some(action) = data_attr(ev.target(), "[data-action]", "data-action") else { return };
        let Some(col) = data_attr(ev.target(), "[data-action]", "data-col").and_then(|c| c.parse::<usize>().ok())
        else {
            return;
        };
        with(&a, |app| {
            let count = app.manifest.columns.get(col).map(|c| c.categories.len()).unwrap_or(0);
            let on = action == "all";
            for code in 0..count {
                app.filters.set_category(col, Some(code), on);
            }
            app.filters.set_category(col, None, on);
            app.refilter();
            app.sync_url(true);
        });
    });
    let a = app.clone();
    if let Ok(reset) = by_id::<EventTarget>("reset-filters") {
        l.add(&reset, "click", move |_| {
            with(&a, |app| {
                app.filters.reset();
                app.refilter();
                app.sync_url(true);
            })
        });
    }

    // Highlight a set.
    let a = app.clone();
    if let Ok(b) = by_id::<EventTarget>("highlight-apply") {
        l.add(&b, "click", move |_| {
            with(&a, |app| {
                let text = app.ui.highlight_input.value();
                app.apply_highlight_text(&text);
            })
        });
    }
    let a = app.clone();
    if let Ok(b) = by_id::<EventTarget>("highlight-clear") {
        l.add(&b, "click", move |_| {
            with(&a, |app| {
                app.ui.highlight_input.set_value("");
                app.apply_highlight_text("");
            })
        });
    }

    // View buttons and the narrow-screen panel toggle.
    for (id, factor) in [("zoom-in", 1.6), ("zoom-out", 1.0 / 1.6)] {
        let a = app.clone();
        if let Ok(b) = by_id::<EventTarget>(id) {
            l.add(&b, "click", move |_| with(&a, |app| app.zoom_by(factor)));
        }
    }
    let a = app.clone();
    if let Ok(b) = by_id::<EventTarget>("reset-view") {
        l.add(&b, "click", move |_| {
            with(&a, |app| {
                let v = app.camera.fit_view();
                app.fly_to(v);
            })
        });
    }
    let a = app.clone();
    let toggle: EventTarget = app.borrow().ui.panel_toggle.clone().into();
    l.add(&toggle, "click", move |_| {
        with(&a, |app| {
            let open = app.ui.panel.class_list().toggle("open").unwrap_or(false);
            let _ = app.ui.panel_toggle.set_attribute("aria-expanded", if open { "true" } else { "false" });
        })
    });

    // Window: resize, history, context loss.
    let a = app.clone();
    l.add(&win, "resize", move |_| with(&a, |app| app.resize()));
    for event in ["popstate", "hashchange"] {
        let a = app.clone();
        l.add(&win, event, move |_| {
            with(&a, |app| {
                let hash = window().location().hash().unwrap_or_default().trim_start_matches('#').to_string();
                if hash == app.last_hash {
                    return;
                }
                app.last_hash = hash.clone();
                let live = std::mem::replace(&mut app.url_live, false);
                app.apply_url(UrlState::parse(&hash), true);
                app.url_live = live;
            })
        });
    }
    let a = app.clone();
    l.add(&canvas, "webglcontextlost", move |ev| {
        // Without preventDefault the browser never restores the context.
        ev.prevent_default();
        with(&a, |app| {
            app.gl = None;
            set_body_data("context", "lost");
        });
    });
    let a = app.clone();
    l.add(&canvas, "webglcontextrestored", move |_| {
        with(&a, |app| match create_gl(&app.raw, app.mode) {
            Ok(gl) => {
                app.gl = Some(gl);
                app.upload_all();
                app.request_frame();
                set_body_data("context", "restored");
            }
            Err(e) => show_error(&format!("The graphics context could not be restored: {e}")),
        });
    });
    l
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

fn mid(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]
}
