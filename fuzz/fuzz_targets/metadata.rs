#![no_main]
//! Coverage-guided: the metadata reader and kind inference, with a format round trip (see `starmap_fuzz::metadata`).

use libfuzzer_sys::fuzz_target;
use starmap_fuzz::{alloc::Counting, check, target};

#[global_allocator]
static ALLOC: Counting = Counting;

fuzz_target!(|data: &[u8]| {
    check(target("metadata"), data);
});
