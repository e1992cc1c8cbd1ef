#![no_main]
//! Coverage-guided: the delimited-text reader on arbitrary bytes (see `starmap_fuzz::table`).

use libfuzzer_sys::fuzz_target;
use starmap_fuzz::{alloc::Counting, check, target};

#[global_allocator]
static ALLOC: Counting = Counting;

fuzz_target!(|data: &[u8]| {
    check(target("table"), data);
});
