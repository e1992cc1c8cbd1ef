//! Animation frames on demand: at most one requested at a time, none while nothing changes
//! (an idle map paints nothing). The callback only sends [`Command::Frame`].

use std::cell::Cell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::dom::{report, window};
use super::queue::Sender;
use crate::state::Command;

/// Requests animation frames.
pub struct Frames {
    requested: Cell<bool>,
    callback: Closure<dyn FnMut(f64)>,
}

impl Frames {
    /// Frames that arrive as [`Command::Frame`] through `tx`.
    pub fn new(tx: Sender) -> Self {
        Self { requested: Cell::new(false), callback: Closure::new(move |t_ms| tx.send(Command::Frame { t_ms })) }
    }

    /// Asks for a frame unless one is already coming.
    pub fn request(&self) {
        if self.requested.get() {
            return;
        }
        let asked = window().request_animation_frame(self.callback.as_ref().unchecked_ref());
        self.requested.set(report(asked, "requesting a frame").is_some());
    }

    /// The requested frame is being drawn; the next change asks for another.
    pub fn arrived(&self) {
        self.requested.set(false);
    }
}
