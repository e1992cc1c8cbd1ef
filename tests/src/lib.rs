//! Cross-crate test helpers.

pub mod planted;
