//! The viewer's one JS boundary (wasm32 only): the only code that touches web-sys. It starts
//! the viewer, fetches the map, and turns everything the page does into commands for
//! [`crate::state::Viewer`], drawing what comes back.
//!
//! - `queue`: every event becomes a job on one [`crate::queue`], run in order and never
//!   re-entrantly, so none is lost (a `focus()` inside a command queues its `focus` event).
//! - `runtime`: runs jobs against the state and draws the `Changes`.
//! - `page` (every element), `dom` (helpers, listeners), `probe` (the `data-*` keys tests read),
//!   `error` ([`WebError`]).
//! - `load` (fetch with progress), `gl` (context, lost and restored), `frames`, `history` (URL),
//!   `canvas` (pointer, wheel, touch, keys → commands), `overlay` (ring, names, tooltip),
//!   `panels::{search, details, filters, legend, highlight}`.
//!
//! Metadata only ever reaches the page as text (`textContent`, attribute values), never markup.

mod canvas;
mod dom;
mod error;
mod frames;
mod gl;
mod history;
mod load;
mod overlay;
mod page;
mod panels;
mod probe;
mod queue;
mod runtime;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use starmap_format::read::{self as map_read, Clusters, Labels, Layouts, Points};
use starmap_format::{FILE_CLUSTERS, FILE_LABELS, FILE_LAYOUTS, FILE_METADATA, FILE_NEIGHBORS, FILE_POINTS};
use wasm_bindgen::prelude::*;

use dom::{document, set_class, set_text, show, Listeners};
pub use error::WebError;
use load::{file_url, manifest_url, query_param, Fetch, Progress, Slicer};
use page::show_error;
use page::Page;
use probe::Probe;
use queue::{Job, Sender};
use runtime::Runtime;

use crate::state::{ClusterPlaces, Command, MapData, NameIndexes, Viewer};

/// Entry point, run when the module loads.
#[wasm_bindgen(start)]
pub fn start() {
    // Load phases on <body data-t-*> (ms since navigation), for the benchmarks.
    Probe::TStart.stamp();
    std::panic::set_hook(Box::new(|info| stop(&info.to_string())));
    stop_on_trap();
    wasm_bindgen_futures::spawn_local(async {
        if let Err(e) = run().await {
            show_error(&e.to_string());
        }
    });
}

/// Stops the viewer on an internal error (a panic, a trap), logs it, and shows the first on
/// the page: the first is the cause, since a panic or a trap leaves what it held (a borrowed
/// state) behind, and later ones only echo it and would hide it.
fn stop(cause: &str) {
    let msg = format!("The viewer stopped on an internal error: {cause}");
    web_sys::console::error_1(&msg.clone().into());
    if !STOPPED.with(|s| s.replace(true)) {
        show_error(&msg);
    }
}

/// Shows a trap on the page: a `WebAssembly.RuntimeError` (a memory access out of bounds, a
/// call through a null function) is no Rust panic, so the hook never sees it, and the page
/// would wait forever with whatever the trap left borrowed. WebKitGTK 2.50 traps at random
/// while a map loads (web/README.md, "WebKit"); so does any bug of ours that reaches one.
fn stop_on_trap() {
    let on_error = |what: &'static str| {
        Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let Ok(thrown) = js_sys::Reflect::get(&ev, &what.into()) else { return };
            if thrown.is_instance_of::<js_sys::WebAssembly::RuntimeError>() {
                stop(&dom::js_text(&thrown));
            }
        })
    };
    let window = dom::window();
    // Uncaught in a listener or a timer (`error`), or in a promise's callback (its rejection).
    for (event, field) in [("error", "error"), ("unhandledrejection", "reason")] {
        let listener = on_error(field);
        if window.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref()).is_ok() {
            // For the page's lifetime.
            listener.forget();
        }
    }
}

/// Tells the viewer whether the page prefers reduced motion, now and whenever that changes.
fn reduced_motion(listeners: &mut Listeners, tx: &Sender) {
    let Ok(Some(query)) = dom::window().match_media("(prefers-reduced-motion: reduce)") else { return };
    tx.send(Command::ReducedMotion(query.matches()));
    let (t, q) = (tx.clone(), query.clone());
    listeners.add(&query, "change", move |_| t.send(Command::ReducedMotion(q.matches())));
}

thread_local! {
    /// Set by the first panic or trap: no job runs after it.
    static STOPPED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a panic or a trap stopped the viewer.
pub fn stopped() -> bool {
    STOPPED.with(|s| s.get())
}

thread_local! {
    /// Keeps the runtime and its listeners alive for the page's lifetime.
    static PAGE: RefCell<Option<(Rc<Runtime>, Listeners)>> = const { RefCell::new(None) };
}

/// Runs `f` on the state now, from a listener that must act inside the user's gesture (a
/// download); read through `Runtime::read`, so an event fired meanwhile waits its turn.
pub fn with_viewer(f: impl FnOnce(&Viewer)) {
    PAGE.with(|p| {
        if let Some((rt, _)) = &*p.borrow() {
            rt.read(f);
        }
    });
}

thread_local! {
    /// Whether an [`index_points`] task is running.
    static INDEXING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Builds the layouts' nearest-point indexes (hover, click) a part at a time, a job each, with
/// the browser free to draw and handle input between parts; not before the first frame is on
/// the screen, which must not wait for them.
fn index_points(rt: &Rc<Runtime>, tx: &Sender) {
    if INDEXING.with(|i| i.replace(true)) {
        return;
    }
    let (rt, tx) = (rt.clone(), tx.clone());
    wasm_bindgen_futures::spawn_local(async move {
        loop {
            if load::yield_to_browser().await.is_err() {
                break;
            }
            if rt.frames_painted() == 0 {
                continue;
            }
            tx.send(Command::IndexPoints);
            if !rt.read(|v| v.map().indexing_pending()) {
                break;
            }
        }
        INDEXING.with(|i| i.set(false));
    });
}

async fn run() -> Result<(), WebError> {
    let page = Rc::new(Page::find()?);
    if query_param("embed").is_some_and(|v| v != "0") {
        set_class(&dom::body(), "embed", true);
    }
    // Start the downloads first: the manifest and the positions (their names are fixed), so they
    // travel while the WebGL context starts (slow on software renderers). The other files wait
    // until the positions are in, so they do not compete with the first frame.
    let manifest_url = manifest_url()?;
    let manifest_fetch = Fetch::start(manifest_url.clone());
    let points_fetch = Fetch::start(file_url(&manifest_url, FILE_POINTS)?);

    let gfx = gl::Gfx::new(&page)?;
    let manifest = manifest_fetch.manifest().await?;
    Probe::TManifest.stamp();
    if !manifest.title.is_empty() {
        document().set_title(&manifest.title);
        set_text(&page.title, &manifest.title);
    }
    set_text(&page.description, &manifest.description);
    let progress =
        Progress::new(manifest.files.iter().map(|f| f.bytes).sum(), page.loading_text.clone(), page.progress.clone());
    panels::filters::build(&page, &manifest);
    panels::legend::build_options(&page, &manifest);
    panels::layouts::build(&page, &manifest);
    let viewer = Viewer::new(manifest, &page.layout());
    let tx = Sender::new();
    let rt = Runtime::start(viewer, page.clone(), gfx, tx.clone());
    tx.send(Job::Resize);
    let mut listeners = Listeners::default();
    reduced_motion(&mut listeners, &tx);
    tx.send(Command::ApplyUrl { hash: history::current_hash(), animate: false });
    // The controls show the filters and the layouts from the start.
    rt.read(|v| {
        panels::filters::sync(&page, v);
        panels::layouts::render(&page, v);
    });
    canvas::listen(&mut listeners, &page, &tx);
    panels::listen(&mut listeners, &page, &tx);
    PAGE.with(|p| *p.borrow_mut() = Some((rt.clone(), listeners)));

    // Files in the order drawing needs them; the rest are requested once the positions are in.
    let mut files = VecDeque::from([(FILE_POINTS, points_fetch)]);
    while let Some((name, fetch)) = files.pop_front() {
        let m = rt.read(|v| v.manifest().clone());
        let expect = m.file(name).map(|f| f.bytes).unwrap_or(0);
        let bytes = fetch.bytes(expect, &progress).await?;
        match name {
            FILE_POINTS => {
                // The clusters first (they colour the map), the other layouts last: nothing but
                // switching needs them.
                let rest = [FILE_CLUSTERS, FILE_LABELS, FILE_METADATA, FILE_NEIGHBORS, FILE_LAYOUTS];
                for f in rest.into_iter().filter(|f| m.file(f).is_some()) {
                    files.push_back((f, Fetch::start(file_url(&manifest_url, f)?)));
                }
                Probe::TPoints.stamp();
                tx.send(Command::Points(Points::decode(&m, &bytes)?));
                Probe::TInstalled.stamp();
                index_points(&rt, &tx);
            }
            FILE_LABELS => {
                let mut slicer = Slicer::new();
                let (labels, columns) = Labels::decode_paused(&m, &bytes, &mut slicer).await?;
                drop(bytes);
                // Indexed here, in slices between frames, not in a job: jobs run to their end.
                let indexes = Box::new(NameIndexes::build(&labels, &mut slicer).await);
                let search_focused = document().active_element().is_some_and(|a| a.id() == "search");
                tx.send(Command::Labels { labels, columns, indexes, search_focused });
            }
            FILE_METADATA => {
                let columns = map_read::decode_metadata_paused(&m, &bytes, &mut Slicer::new()).await?;
                tx.send(Command::Metadata(columns));
            }
            FILE_NEIGHBORS => {
                let neighbors = map_read::decode_neighbors_file_paused(&m, &bytes, &mut Slicer::new()).await?;
                tx.send(Command::Neighbors(neighbors));
            }
            FILE_CLUSTERS => {
                let levels = Clusters::decode(&m, &bytes)?.levels;
                // Colours and name places found here, between frames (see the layouts below).
                let first = rt.read(|v| v.map().placed(0).map(|p| p.world.clone()));
                let places = match first {
                    Some(first) => Some(ClusterPlaces::find(&m, &levels, &first, &mut Slicer::new()).await),
                    None => None,
                };
                tx.send(Command::Clusters(levels, places));
            }
            _ => {
                let layouts = Layouts::decode(&m, &bytes)?;
                drop(bytes);
                // Placed onto the first layout here, between frames, not in a job. The first
                // layout's positions are copied so no borrow of the state outlives a pause.
                let first = rt.read(|v| v.map().placed(0).map(|p| p.world.clone()));
                let placed = match first {
                    Some(first) => MapData::place_layouts(&m, &layouts, &first, &mut Slicer::new()).await,
                    None => Vec::new(),
                };
                tx.send(Command::Layouts(layouts, placed));
                // Their k-d trees, for picking once shown.
                index_points(&rt, &tx);
                // The frame this asked for goes out before "ready": frames painted while files
                // arrive are timed late (the thread was busy) and must not count as the
                // renderer's speed, which a layout switch plans its frames by.
                load::yield_to_browser().await?;
            }
        }
    }
    tx.send(Command::Ready { hash: history::current_hash() });
    show(&page.loading, false);
    if let Some(h) = query_param("highlight").filter(|h| !h.is_empty()) {
        panels::highlight::paste(&page, &tx, &h);
    }
    Probe::State.set("ready");
    Ok(())
}
