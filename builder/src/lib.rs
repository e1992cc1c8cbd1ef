//! The Starmap builder: interactions → co-occurrence → sparse k-NN graph → minimum-distortion
//! embedding → 2D projection → a compact binary map. Each stage is a module with one job; the
//! `starmap` binary is a thin shell over [`commands::run`]. See `ARCHITECTURE.md` for the flow.
#![deny(missing_docs)]

pub mod cli;
pub mod commands;
pub mod cooc;
pub mod error;
pub mod graph;
pub mod ingest;
pub mod knn;
pub mod lbfgs;
pub mod mde;
pub mod metadata;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod quality;
pub mod serve;
pub mod site;
pub mod spectral;
pub mod table;
pub mod tsne;
pub mod umap;
