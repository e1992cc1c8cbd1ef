//! The Starmap viewer: draws a map written by `starmap build` with WebGL2 in the browser.
//!
//! Pure logic (camera, decoding, search, filters, colour-by, URL state, value formatting, hover
//! picking, the painter over `glow`) builds natively so `cargo test -p starmap-viz` covers it;
//! only `web` (the one JS boundary: DOM, events, fetch) is wasm32-only.
//!
//! Data flow: `web` fetches the manifest and files → [`data`] decodes them → [`colors`],
//! [`filter`] and the selection produce one 4-byte attribute per point → [`render`] uploads
//! positions once and attributes on change, and draws every point in one call per frame.
#![deny(missing_docs)]

pub mod camera;
pub mod colors;
pub mod data;
pub mod filter;
pub mod fmtval;
pub mod render;
pub mod spatial;
pub mod urlstate;

#[cfg(target_arch = "wasm32")]
pub mod web;
