//! Animation frames on demand: at most one requested at a time, none while nothing changes
//! (an idle map paints nothing). The callback only sends [`Command::Frame`]. Apart from those,
//! frames that only look at the GPU ([`Job::GpuPoll`]) after the last paint, until it is done.

use std::cell::Cell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::dom::{report, window};
use super::queue::{Job, Sender};
use crate::state::Command;

/// Requests animation frames.
pub struct Frames {
    requested: Cell<bool>,
    callback: Closure<dyn FnMut(f64)>,
    polling: Cell<bool>,
    poll: Closure<dyn FnMut(f64)>,
}

impl Frames {
    /// Frames that arrive as [`Command::Frame`] (or [`Job::GpuPoll`]) through `tx`.
    pub fn new(tx: Sender) -> Self {
        let t = tx.clone();
        Self {
            requested: Cell::new(false),
            callback: Closure::new(move |t_ms| t.send(Command::Frame { t_ms })),
            polling: Cell::new(false),
            poll: Closure::new(move |_| tx.send(Job::GpuPoll)),
        }
    }

    /// Asks for a frame to look at the GPU, unless one is already coming.
    pub fn request_poll(&self) {
        if self.polling.get() {
            return;
        }
        let asked = window().request_animation_frame(self.poll.as_ref().unchecked_ref());
        self.polling.set(report(asked, "requesting a frame").is_some());
    }

    /// The poll frame came.
    pub fn polled(&self) {
        self.polling.set(false);
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
