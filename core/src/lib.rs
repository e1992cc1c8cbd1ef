//! Starmap's stages as a library: interactions → co-occurrence → sparse k-NN graph →
//! minimum-distortion embedding → 2D layouts (one or several, [`layout`]) → the content of a map. No command line and no
//! terminal: parameters are typed structs ([`params`], [`build_params`]), progress goes through the
//! [`progress::Progress`] trait, and input comes through [`input::InputFiles`] (disk or memory).
//! [`pipeline::run`] runs every stage in order; see `ARCHITECTURE.md` for the flow.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod build_params;
pub mod cluster;
pub mod cluster_names;
pub mod cooc;
mod counting;
pub mod counts;
pub mod error;
pub mod fastmath;
pub mod graph;
pub mod graph_io;
pub mod hash;
pub mod ingest;
pub mod input;
pub mod knn;
pub mod layout;
pub mod lbfgs;
pub mod mde;
pub mod metadata;
pub mod neighbors;
pub mod output;
pub mod params;
pub mod parquet_in;
pub mod pipeline;
pub mod progress;
pub mod projection;
mod quadtree;
pub mod quality;
pub mod rows;
pub mod spectral;
pub mod table;
#[cfg(test)]
mod test_data;
pub mod tsne;
pub mod umap;

pub use build_params::{BuildParams, InputParams};
pub use error::{BuildError, Location, Result};
pub use layout::{LayoutSpec, Method};
pub use params::{ParamError, Params, Valid};
