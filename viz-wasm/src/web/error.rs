//! [`WebError`]: why the viewer could not start or keep going, phrased for the page's error
//! box. Every `JsValue` error becomes one of these (with the JS message as text) where it
//! happens.

use crate::data::LoadError;

/// A failure at the JS boundary.
#[derive(Debug)]
pub enum WebError {
    /// The page lacks an element the viewer needs.
    MissingElement(&'static str),
    /// An element has another type than the viewer expects.
    WrongElement(&'static str),
    /// A browser call threw.
    Js {
        /// What the viewer was doing.
        doing: &'static str,
        /// The exception's message.
        message: String,
    },
    /// The browser gives no WebGL2 context.
    NoWebGl2,
    /// The WebGL program or buffers could not be made.
    Gl(String),
    /// A file could not be fetched or read.
    Load(LoadError),
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebError::MissingElement(id) => write!(f, "The page lacks the element #{id}."),
            WebError::WrongElement(id) => write!(f, "#{id} is not the expected kind of element."),
            WebError::Js { doing, message } => write!(f, "The browser refused {doing}: {message}"),
            WebError::NoWebGl2 => f.write_str(
                "This map needs WebGL2, which this browser or device does not provide. Try a current \
                 Chrome, Firefox, Safari or Edge, and check that hardware acceleration (or WebGL) is \
                 not turned off.",
            ),
            WebError::Gl(e) => write!(f, "The graphics could not be set up: {e}"),
            WebError::Load(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for WebError {}

impl From<LoadError> for WebError {
    fn from(e: LoadError) -> Self {
        WebError::Load(e)
    }
}

impl From<starmap_format::ReadError> for WebError {
    fn from(e: starmap_format::ReadError) -> Self {
        WebError::Load(LoadError::Read(e))
    }
}
