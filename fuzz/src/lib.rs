//! Fuzz targets of Starmap's parsers: what reads bytes a user or a web server hands us.
//!
//! - `table`: the delimited-text reader (`starmap_core::table`) on arbitrary bytes;
//! - `metadata`: the metadata reader and column-kind inference, with a format round trip;
//! - `map_decoder`: the map reader (`starmap_format::read`) on hostile manifests and files.
//!
//! Each target is a plain function over bytes, run two ways: coverage-guided by libFuzzer
//! (`cargo fuzz run -s none TARGET --features libfuzzer`, stable Rust, see `fuzz/README.md`),
//! and by the stable [`smoke`] runner (seeded mutations of valid inputs), which CI runs briefly.
//! Both check the same three things: no panic, no hang, and no more memory held at once than
//! [`memory_bound`] of the input's length.

pub mod alloc;
pub mod map;
pub mod metadata;
pub mod mutate;
pub mod smoke;
pub mod table;

/// One fuzz target.
pub struct Target {
    /// Its name (also the cargo-fuzz binary and corpus folder).
    pub name: &'static str,
    /// Runs one input; returns normally on success or on a reported error.
    pub run: fn(&[u8]),
    /// Valid inputs to start from.
    pub seeds: fn() -> Vec<Vec<u8>>,
}

/// Every target.
pub const TARGETS: &[Target] = &[
    Target { name: "table", run: table::run, seeds: table::seeds },
    Target { name: "metadata", run: metadata::run, seeds: metadata::seeds },
    Target { name: "map_decoder", run: map::run, seeds: map::seeds },
];

/// The target called `name`.
pub fn target(name: &str) -> &'static Target {
    TARGETS.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no fuzz target {name:?}"))
}

/// The most memory one execution may hold at once for an input of `len` bytes: a fixed
/// allowance for the base data, plus a constant factor of the input.
pub fn memory_bound(len: usize) -> usize {
    (4 << 20) + 64 * len
}

/// Runs `target` on `data` and panics if it held more memory than [`memory_bound`] allows.
/// Needs the counting allocator installed (`#[global_allocator] static A: alloc::Counting`).
pub fn check(target: &Target, data: &[u8]) -> usize {
    let ((), peak) = alloc::peak_during(|| (target.run)(data));
    let bound = memory_bound(data.len());
    assert!(
        peak <= bound,
        "{}: held {peak} bytes at once for a {}-byte input (bound {bound})",
        target.name,
        data.len()
    );
    peak
}
