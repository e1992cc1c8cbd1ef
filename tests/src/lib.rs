//! Cross-crate test helpers.
#![forbid(unsafe_code)]

pub mod planted;
