//! Stable hashes for seeded, order-independent choices (which members of a huge context to
//! keep, which generator a UMAP part uses). Written out rather than taken from std, whose
//! hasher may change between Rust releases and would change the maps.

/// SplitMix64 finaliser: a well-mixed hash of small integers, for seeded deterministic sampling.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a: a stable hash of an id (std's hasher may change between Rust releases).
pub fn hash_str(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}
