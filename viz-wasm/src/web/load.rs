//! Fetching the map: where it lives (`?data=`), the requests, bodies read chunk by chunk with
//! the progress shown on the page, and the manifest parsed and checked.

use std::cell::Cell;
use std::future::Future;

use starmap_format::pause::Pause;
use starmap_format::{Manifest, FILE_MANIFEST};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlElement, Response, Url};

use super::dom::{js_err, js_text, now_ms, set_attr, set_text, window};
use super::error::WebError;
use super::probe::Probe;
use crate::data::LoadError;

/// A query parameter of the page's URL.
pub fn query_param(name: &str) -> Option<String> {
    let href = window().location().href().ok()?;
    Url::new(&href).ok()?.search_params().get(name)
}

/// A map file carried inside the page (`starmap build --single-file`), as a `data:` URL the
/// browser decodes and fetches like any other: base64 in a `<script type="application/octet-stream"
/// data-starmap-file=NAME>` element.
fn embedded(name: &str) -> Option<String> {
    let el = super::dom::document().query_selector(&format!("script[data-starmap-file=\"{name}\"]")).ok()??;
    let text = el.text_content()?;
    Some(format!("data:application/octet-stream;base64,{}", text.trim()))
}

/// Where the map lives: inside the page (a single-file map), `?data=URL` (a folder or a
/// manifest), else the page's own folder.
pub fn manifest_url() -> Result<String, WebError> {
    if let Some(url) = embedded(FILE_MANIFEST) {
        return Ok(url);
    }
    let href = window().location().href().map_err(js_err("reading the page's address"))?;
    let page = Url::new(&href).map_err(js_err("reading the page's address"))?;
    let bad = js_err("resolving the data URL");
    let url = match page.search_params().get("data").filter(|d| !d.is_empty()) {
        Some(d) if d.ends_with(".json") => Url::new_with_base(&d, &href).map_err(bad)?,
        Some(d) => {
            let dir = if d.ends_with('/') { d } else { format!("{d}/") };
            let dir = Url::new_with_base(&dir, &href).map_err(&bad)?;
            Url::new_with_base(FILE_MANIFEST, &dir.href()).map_err(bad)?
        }
        None => Url::new_with_base(FILE_MANIFEST, &href).map_err(bad)?,
    };
    Ok(url.href())
}

/// The URL of a map file next to the manifest (or inside the page).
pub fn file_url(manifest_url: &str, name: &str) -> Result<String, WebError> {
    if let Some(url) = embedded(name) {
        return Ok(url);
    }
    Url::new_with_base(name, manifest_url).map(|u| u.href()).map_err(js_err("resolving a map file's URL"))
}

/// A request under way.
pub struct Fetch {
    /// The URL requested.
    pub url: String,
    request: js_sys::Promise,
}

impl Fetch {
    /// Starts fetching `url`.
    pub fn start(url: String) -> Self {
        let request = window().fetch_with_str(&url);
        Self { url, request }
    }

    fn network(&self, reason: String) -> LoadError {
        // A file inside the page is named as such, not by its (long) data: URL.
        let url = if self.url.starts_with("data:") { "a map file inside this page".into() } else { self.url.clone() };
        LoadError::Network { url, reason }
    }

    /// The response, or why there is none.
    async fn response(&self) -> Result<Response, LoadError> {
        let resp = JsFuture::from(self.request.clone()).await.map_err(|e| self.network(js_text(&e)))?;
        let resp: Response = resp.dyn_into().map_err(|_| self.network("not a response".into()))?;
        if !resp.ok() {
            return Err(self.network(format!("HTTP {} {}", resp.status(), resp.status_text())));
        }
        Ok(resp)
    }

    /// The body, read chunk by chunk into `progress`; `expect` bytes reserve the buffer.
    pub async fn bytes(&self, expect: u64, progress: &Progress) -> Result<Vec<u8>, LoadError> {
        let resp = self.response().await?;
        let net = |e: wasm_bindgen::JsValue| self.network(js_text(&e));
        let Some(stream) = resp.body() else {
            let buf = JsFuture::from(resp.array_buffer().map_err(net)?).await.map_err(net)?;
            let bytes = js_sys::Uint8Array::new(&buf).to_vec();
            progress.add(bytes.len() as u64);
            return Ok(bytes);
        };
        let reader: web_sys::ReadableStreamDefaultReader =
            stream.get_reader().dyn_into().map_err(|_| self.network("unreadable body".into()))?;
        let mut out = Vec::with_capacity(expect.min(1 << 30) as usize);
        loop {
            let chunk = JsFuture::from(reader.read()).await.map_err(net)?;
            let done = js_sys::Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true);
            if done {
                break;
            }
            let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(net)?;
            let array: js_sys::Uint8Array =
                value.dyn_into().map_err(|_| self.network("body chunk is not bytes".into()))?;
            let start = out.len();
            out.resize(start + array.length() as usize, 0);
            array.copy_to(&mut out[start..]);
            progress.add(array.length() as u64);
        }
        Ok(out)
    }

    /// The body as a manifest, parsed and checked.
    pub async fn manifest(&self) -> Result<Manifest, LoadError> {
        let resp = self.response().await?;
        let net = |e: wasm_bindgen::JsValue| self.network(js_text(&e));
        let text = JsFuture::from(resp.text().map_err(net)?).await.map_err(net)?;
        let text = text.as_string().unwrap_or_default();
        let bad = |reason: String| LoadError::Read(starmap_format::ReadError::Manifest(reason));
        let value = js_sys::JSON::parse(&text).map_err(|e| bad(js_text(&e)))?;
        let manifest: Manifest = serde_wasm_bindgen::from_value(value).map_err(|e| bad(e.to_string()))?;
        starmap_format::read::check_manifest(&manifest)?;
        Ok(manifest)
    }
}

/// Bytes loaded so far, shown in the page.
pub struct Progress {
    loaded: Cell<u64>,
    total: u64,
    text: HtmlElement,
    bar: HtmlElement,
}

impl Progress {
    /// Progress towards `total` bytes, shown in `text` and `bar`.
    pub fn new(total: u64, text: HtmlElement, bar: HtmlElement) -> Self {
        Self { loaded: Cell::new(0), total, text, bar }
    }

    fn add(&self, bytes: u64) {
        let loaded = self.loaded.get() + bytes;
        self.loaded.set(loaded);
        let mb = |b: u64| b as f64 / 1e6;
        set_text(&self.text, &format!("Loading map… {:.1} of {:.1} MB", mb(loaded), mb(self.total.max(loaded))));
        set_attr(&self.bar, "value", &(loaded as f64 / self.total.max(1) as f64).min(1.0).to_string());
        Probe::LoadedBytes.set(loaded);
    }
}

/// Resolves after the browser has had a chance to render (a zero-delay timeout).
pub async fn yield_to_browser() -> Result<(), WebError> {
    let mut failed = None;
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Err(e) = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0) {
            failed = Some(e);
        }
    });
    if let Some(e) = failed {
        return Err(js_err("waiting for the first frame")(e));
    }
    JsFuture::from(p).await.map_err(js_err("waiting for the first frame"))?;
    Ok(())
}

/// Milliseconds a long build runs before it lets the browser draw and handle input.
const SLICE_MS: f64 = 25.0;

/// The viewer's [`Pause`]: yields to the browser once a build has held the thread for
/// [`SLICE_MS`], so indexing a million names never freezes the page.
pub struct Slicer {
    since: f64,
}

impl Slicer {
    /// Starts the first slice now.
    pub fn new() -> Self {
        Self { since: now_ms() }
    }
}

impl Pause for Slicer {
    fn tick(&mut self) -> impl Future<Output = ()> {
        let due = now_ms() - self.since > SLICE_MS;
        async move {
            if due {
                // Without a timer the build just goes on: slower to paint, never wrong.
                let _ = yield_to_browser().await;
                self.since = now_ms();
            }
        }
    }
}
