//! The Starmap viewer: draws a map written by `starmap build` with WebGL2 in the browser.
//!
//! Two halves. [`state`] is the viewer apart from the page: a `Viewer` holding the data,
//! camera, selection, filters, colouring, search and highlight, changed only by `Command`s and
//! answering each with the `Changes` to draw. It and the other pure modules (camera, decoding,
//! filters, colour-by, URL state, value formatting, hover picking, the painter over `glow`)
//! build natively, so `cargo test -p starmap-viz` covers them. `web` (wasm32 only) is the one
//! JS boundary: it turns page events into commands through [`queue`], which never drops one,
//! and draws the changes.
//!
//! Data flow: `web` fetches the manifest and files → [`data`] decodes them → [`state`] takes
//! them, and with [`colors`] and [`filter`] keeps one 4-byte attribute per point → [`render`]
//! uploads positions once and attributes on change, and draws every point in one call per frame.
#![deny(missing_docs)]

pub mod camera;
pub mod colors;
pub mod data;
pub mod filter;
pub mod fmtval;
pub mod layouts;
pub mod queue;
pub mod render;
pub mod spatial;
pub mod state;
pub mod urlstate;

#[cfg(target_arch = "wasm32")]
pub mod web;
