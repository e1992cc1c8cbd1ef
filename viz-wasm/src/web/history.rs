//! The browser's URL and history: hashes written as new entries or in place, the short wait
//! after which a moving view is recorded, and the hash read back. The timer only sends a
//! command; the state decides what to write.

use std::cell::Cell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::dom::{report, window};
use super::queue::Sender;
use crate::state::{Command, UrlWrite};

/// How long the view must rest before it is recorded in the URL.
const SETTLE_MS: i32 = 300;

/// The page's location hash, without `#`.
pub fn current_hash() -> String {
    window().location().hash().unwrap_or_default().trim_start_matches('#').to_string()
}

/// Writes the hash, as a new history entry or in place.
pub fn write(url: &UrlWrite) {
    let (hash, push) = match url {
        UrlWrite::Push(h) => (h, true),
        UrlWrite::Replace(h) => (h, false),
    };
    let loc = window().location();
    let address = format!("{}{}#{}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default(), hash);
    let Some(history) = report(window().history(), "reaching the history") else { return };
    let written = if push {
        history.push_state_with_url(&JsValue::NULL, "", Some(&address))
    } else {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&address))
    };
    report(written, "writing the URL");
}

/// The wait after which the view is recorded; each change restarts it.
pub struct Settle {
    timer: Cell<Option<i32>>,
    callback: Closure<dyn FnMut()>,
}

impl Settle {
    /// A timer that sends [`Command::ViewSettled`] through `tx`.
    pub fn new(tx: Sender) -> Self {
        Self { timer: Cell::new(None), callback: Closure::new(move || tx.send(Command::ViewSettled)) }
    }

    /// (Re)starts the wait.
    pub fn restart(&self) {
        if let Some(t) = self.timer.take() {
            window().clear_timeout_with_handle(t);
        }
        let cb = self.callback.as_ref().unchecked_ref();
        let started = window().set_timeout_with_callback_and_timeout_and_arguments_0(cb, SETTLE_MS);
        self.timer.set(report(started, "starting a timer"));
    }
}
