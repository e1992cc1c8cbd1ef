//! The viewer's state, apart from the page: a [`Viewer`] takes [`Command`]s (events and
//! arriving files, as plain values) and returns [`Changes`] (what to redraw, whether the URL
//! gets a new entry or is replaced, whether a frame is needed, where to move the focus). It
//! owns the camera and its flights; the web layer supplies time and element rectangles as
//! numbers. Nothing here touches the browser, so all of it is tested natively.
//!
//! Helpers that need no viewer (`layout`, `picking`, `slider`, `legend`, `input`, `search`,
//! `highlight`, `url`) are leaves; `viewer` holds the state and the command dispatch, and the
//! `Viewer` methods of each concern live in `navigation`, `selection`, `styling`, `links`,
//! `switch` (layouts: switching and comparing), `clusters` (their colours and names on the
//! map), `group` (a cluster or a lasso chosen as a whole) and `stepping` (arrow keys).

mod clusters;
mod command;
mod group;
mod highlight;
mod input;
mod layout;
mod legend;
mod links;
mod map;
mod navigation;
mod picking;
mod search;
mod selection;
mod slider;
mod stepping;
mod styling;
mod switch;
mod url;
mod viewer;

#[cfg(test)]
mod tests;

pub use clusters::{ClusterLabel, ClusterPlaces, CLUSTER_PALETTE};
pub use command::{Changes, Command, Dirty, Focus, RangeEnd, Tooltip, UrlWrite, WheelUnit};
pub use group::{GroupKind, GroupView};
pub use input::{page_key, ZOOM_STEP};
pub use layout::{Layout, Rect};
pub use legend::entry_on;
pub use map::{MapData, NameIndexes};
pub use picking::{pick_radius_px, LabelSide, PlacedLabel, LABEL_GAP_PX, PICK_RADIUS_PX};
pub use search::{Found, SearchState};
pub use selection::{DetailsView, ResultRow};
pub use slider::{position_of, value_at, SLIDER_STEPS};
pub use stepping::Direction;
pub use switch::{morph_frames, moved_flags, CompareDetails, CompareMark, CompareNeighbor, LayoutRow, Morph, MORPH_MS};
pub use viewer::Viewer;
