//! Probes: what the viewer reports on `<body data-*>` for the browser tests
//! (`tests/browser/*.test.mjs`) and the benchmarks (`tests/browser/bench.mjs`). This list and
//! `web/README.md` are the only places they are described; the keys never change meaning.
//!
//! | key (`data-…`) | value |
//! |---|---|
//! | `state` | `loading` → `drawn` (first frame with points) → `ready` (every file in), or `error` |
//! | `t-start`, `t-context`, `t-program`, `t-manifest`, `t-points`, `t-installed` | ms since navigation when the module started, the WebGL context and the program were made, the manifest and the positions arrived, the positions were uploaded |
//! | `first-frame-ms` | ms since navigation when the first frame with points finished on the GPU |
//! | `frames` | frames painted so far (it stays put while nothing moves) |
//! | `loaded-bytes` | bytes of map files downloaded |
//! | `renderer`, `draw-mode` | the WebGL renderer's name; `points` or `instanced` |
//! | `context` | `lost` or `restored` after a WebGL context loss |
//! | `shown` | points passing the filters |
//! | `selected` | id of the selected entity (absent without a selection) |
//! | `highlighted` | entities in the highlighted set |
//! | `group` | entities in the chosen group (a cluster or a lasso), filtered or not (absent without one) |
//! | `search-ms`, `search-seq` | latency of the last keystroke's search (ranking and list), and searches so far |
//! | `layout` | name of the layout shown (during a switch, the one the points glide to) |
//! | `compare` | name of the layout compared with (absent outside compare mode) |
//! | `switching` | `1` while a layout switch runs (absent otherwise) |
//! | `switch-ms`, `switch-frames` | the last switch: ms from the command to its last frame, and frames painted for it |
//! | `frame-ms` | how long the GPU takes for a frame, as the viewer estimates it (fewer switch frames on slow renderers) |
//!
//! In JS they read as `document.body.dataset.tStart`, `.firstFrameMs`, `.searchSeq` and so on.

use super::dom::{body, now_ms, report};

/// One probe on `<body>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// `data-state`.
    State,
    /// `data-t-start`.
    TStart,
    /// `data-t-context`.
    TContext,
    /// `data-t-program`.
    TProgram,
    /// `data-t-manifest`.
    TManifest,
    /// `data-t-points`.
    TPoints,
    /// `data-t-installed`.
    TInstalled,
    /// `data-first-frame-ms`.
    FirstFrameMs,
    /// `data-frames`.
    Frames,
    /// `data-loaded-bytes`.
    LoadedBytes,
    /// `data-renderer`.
    Renderer,
    /// `data-draw-mode`.
    DrawMode,
    /// `data-context`.
    Context,
    /// `data-shown`.
    Shown,
    /// `data-selected`.
    Selected,
    /// `data-group`.
    Group,
    /// `data-highlighted`.
    Highlighted,
    /// `data-search-ms`.
    SearchMs,
    /// `data-search-seq`.
    SearchSeq,
    /// `data-layout`.
    Layout,
    /// `data-compare`.
    Compare,
    /// `data-switching`.
    Switching,
    /// `data-switch-ms`.
    SwitchMs,
    /// `data-switch-frames`.
    SwitchFrames,
    /// `data-frame-ms`.
    FrameMs,
}

impl Probe {
    /// The key as `dataset` spells it.
    pub fn key(self) -> &'static str {
        match self {
            Probe::State => "state",
            Probe::TStart => "tStart",
            Probe::TContext => "tContext",
            Probe::TProgram => "tProgram",
            Probe::TManifest => "tManifest",
            Probe::TPoints => "tPoints",
            Probe::TInstalled => "tInstalled",
            Probe::FirstFrameMs => "firstFrameMs",
            Probe::Frames => "frames",
            Probe::LoadedBytes => "loadedBytes",
            Probe::Renderer => "renderer",
            Probe::DrawMode => "drawMode",
            Probe::Context => "context",
            Probe::Shown => "shown",
            Probe::Selected => "selected",
            Probe::Group => "group",
            Probe::Highlighted => "highlighted",
            Probe::SearchMs => "searchMs",
            Probe::SearchSeq => "searchSeq",
            Probe::Layout => "layout",
            Probe::Compare => "compare",
            Probe::Switching => "switching",
            Probe::SwitchMs => "switchMs",
            Probe::SwitchFrames => "switchFrames",
            Probe::FrameMs => "frameMs",
        }
    }

    /// Sets the probe.
    pub fn set(self, value: impl std::fmt::Display) {
        report(body().dataset().set(self.key(), &value.to_string()), "setting a probe");
    }

    /// Sets the probe to the time now (ms since navigation, one decimal).
    pub fn stamp(self) {
        self.set(format_args!("{:.1}", now_ms()));
    }

    /// Removes the probe.
    pub fn clear(self) {
        body().dataset().delete(self.key());
    }

    /// The probe's value.
    pub fn get(self) -> Option<String> {
        body().dataset().get(self.key())
    }
}
