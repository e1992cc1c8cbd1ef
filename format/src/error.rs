//! The one error type of the format: what a reader found wrong, phrased for the person who has
//! to fix it (rebuild the map, re-upload a truncated file, update the viewer).

/// What can be wrong with a map file or manifest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The first four bytes are not the Starmap magic.
    #[error("not a Starmap file: expected the magic bytes \"STAR\", found {found:?}")]
    BadMagic {
        /// The four bytes found at the start of the file.
        found: [u8; 4],
    },
    /// The file or manifest was written by a format version this reader does not know.
    #[error(
        "unsupported map format version {found}: this reader understands version {supported}; \
         rebuild the map with a matching `starmap` or use a matching viewer"
    )]
    UnsupportedVersion {
        /// The version the file declares.
        found: u16,
        /// The version this reader understands.
        supported: u16,
    },
    /// The file ends before the data it declares.
    #[error("truncated file: {what} needs {needed} bytes but only {available} are present")]
    Truncated {
        /// Which part of the file was cut short.
        what: String,
        /// Bytes the declared layout needs.
        needed: usize,
        /// Bytes actually present.
        available: usize,
    },
    /// The bytes are present but inconsistent (bad offsets, invalid UTF-8, wrong counts).
    #[error("corrupt map data: {0}")]
    Corrupt(String),
    /// A section that the manifest or reader expects is not in the file.
    #[error("missing section: {0}")]
    MissingSection(String),
}
