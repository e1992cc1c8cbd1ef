//! Cross-crate test helpers.
#![forbid(unsafe_code)]

pub mod metrics;
pub mod planted;
