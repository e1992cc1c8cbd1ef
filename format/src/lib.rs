//! The Starmap map format: the binary files and the manifest that `starmap build` writes and the
//! viewer reads. One definition serves both sides, so a round trip is tested here and a change
//! to the layout cannot reach only one of them. Pure Rust, no I/O: builds for wasm32 too.
//!
//! - writing: [`encode_map`] lays out a [`MapContent`] as a manifest and binary files;
//! - reading: [`read`] is the one decoder (the viewer, `starmap inspect` and `starmap
//!   neighbors` all use it), with every check a reader needs;
//! - finding entities: [`search`] (ranked name search) and [`lookup`] (ids, pasted lists), so
//!   the command line matches names the way the viewer does.
//!
//! The layout is specified in `docs/FORMAT.md`; this crate is its executable form.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod container;
mod error;
pub mod lookup;
mod manifest;
mod map;
pub mod pause;
mod quantize;
pub mod read;
pub mod search;
mod sections;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use container::{FileReader, FileWriter, Section, SectionKind, HEADER_LEN, MAGIC, SECTION_ENTRY_LEN};
pub use error::FormatError;
pub use manifest::{
    pair_index, pair_layouts, Bounds, BuildInfo, CategoryInfo, ClusterInfo, ClusterLevel, ClusterTerm, ClustersInfo,
    ColumnInfo, ColumnKind, FileRef, LayoutInfo, Manifest, ParamValue, Quality, FILE_CLUSTERS, FILE_LABELS,
    FILE_LAYOUTS, FILE_MANIFEST, FILE_METADATA, FILE_NEIGHBORS, FILE_POINTS, MAX_CLUSTERS,
};
pub use map::{
    encode_map, size_key, ClusterLevelContent, ColumnData, ColumnValues, EncodedMap, LayoutContent, MapContent,
};
pub use quantize::{dequantize, quantize, QUANT_MAX};
pub use read::{Clusters, Column, Labels, Map, Points, ReadError};
pub use sections::{
    decode_bytes, decode_categorical, decode_cluster_ids, decode_neighbors, decode_neighbors_paused, decode_numeric,
    decode_popularity, decode_positions, decode_tags, decode_text, decode_text_paused, encode_bytes,
    encode_categorical, encode_cluster_ids, encode_neighbors, encode_numeric, encode_popularity, encode_positions,
    encode_tags, encode_text, Categorical, Neighbors, Tags, TextColumn, MISSING_CODE, NO_NEIGHBOR,
};

/// The format version this crate reads and writes. A reader refuses any other version with
/// [`FormatError::UnsupportedVersion`], naming both. Version 2 added several layouts per map
/// and moved exact popularity next to the names (points carry 1-byte size keys).
pub const FORMAT_VERSION: u16 = 2;

/// Neighbours compared by the neighbourhood-change sections: an entity's 10 nearest in 2D.
pub const NEIGHBORHOOD_K: usize = 10;
