#![no_main]
//! Coverage-guided: the map reader on hostile manifests and files (see `starmap_fuzz::map`).

use libfuzzer_sys::fuzz_target;
use starmap_fuzz::{alloc::Counting, check, target};

#[global_allocator]
static ALLOC: Counting = Counting;

fuzz_target!(|data: &[u8]| {
    check(target("map_decoder"), data);
});
