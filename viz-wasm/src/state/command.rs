//! What goes into the viewer and what comes out. The web layer turns page events and arriving
//! files into [`Command`]s; [`crate::state::Viewer::apply`] returns [`Changes`], which name
//! exactly what to redraw and which side effects (URL, focus, animation frame) to perform.

use starmap_format::read::{Column, Labels, Layouts, Points};
use starmap_format::Neighbors;

use super::clusters::ClusterPlaces;
use super::layout::{Layout, Rect};
use super::map::NameIndexes;
use crate::layouts::Placed;

/// Which end of a range filter a slider sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeEnd {
    /// The lower end.
    Lo,
    /// The upper end.
    Hi,
}

/// What a wheel event's delta counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WheelUnit {
    /// CSS pixels.
    Pixel,
    /// Lines of text.
    Line,
    /// Pages (a canvas height).
    Page,
}

/// What may be asked to take the keyboard focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The search box.
    Search,
    /// The map canvas.
    Map,
    /// The first neighbour in the details panel (after following a neighbour link).
    FirstNeighbor,
    /// The details panel's heading (Enter on the map).
    Details,
    /// The group panel's heading (a group was just chosen).
    Group,
}

/// Everything that can happen to the viewer.
#[derive(Debug)]
pub enum Command {
    /// The first layout's positions and the point sizes arrived.
    Points(Points),
    /// Build the hover index of every layout in so far (after the frame that first shows them,
    /// which must not wait for it).
    IndexPoints,
    /// The other layouts and the neighbourhood changes arrived (`layouts.bin`), with those
    /// already placed onto the first ([`super::map::MapData::place_layouts`], which the page runs between
    /// frames); the rest are placed on arrival.
    Layouts(Layouts, Vec<Option<Placed>>),
    /// Ids and names arrived, with the columns stored beside them.
    Labels {
        /// Ids and names.
        labels: Labels,
        /// Columns stored in the labels file, by manifest index.
        columns: Vec<(usize, Column)>,
        /// Their search and id indexes.
        indexes: Box<NameIndexes>,
        /// Whether the search box has the focus (typed text is searched at once).
        search_focused: bool,
    },
    /// The metadata columns arrived, by manifest index.
    Metadata(Vec<(usize, Column)>),
    /// The neighbour lists arrived.
    Neighbors(Neighbors),
    /// Each entity's cluster per level arrived (`clusters.bin`), coarsest level first, with
    /// their colours and name places in the first layout when the page found them already
    /// ([`ClusterPlaces::find`], between frames); otherwise they are found on arrival.
    Clusters(Vec<Vec<u16>>, Option<ClusterPlaces>),
    /// Every file is in: from now on the URL follows the state. `hash` is the page's hash now.
    Ready {
        /// The location's hash.
        hash: String,
    },
    /// The canvas or the panels over it changed size.
    Resize(Layout),
    /// An animation frame at `t_ms` (the page's clock).
    Frame {
        /// Time of the frame.
        t_ms: f64,
    },
    /// The view stopped changing a moment ago: time to record it in the URL.
    ViewSettled,
    /// A pointer went down on the map (CSS px, canvas-relative).
    PointerDown {
        /// Pointer id.
        id: i32,
        /// Position.
        at: [f64; 2],
        /// Shift held: this press draws a lasso (as every press does in lasso mode).
        lasso: bool,
    },
    /// A pointer moved over the map.
    PointerMove {
        /// Pointer id.
        id: i32,
        /// Position.
        at: [f64; 2],
        /// Whether a pointer that is not down may show a tooltip (a mouse, not a finger).
        hover: bool,
    },
    /// A pointer went up, or the browser took it over (`cancelled`).
    PointerUp {
        /// Pointer id.
        id: i32,
        /// Position.
        at: [f64; 2],
        /// `pointercancel`: never a click.
        cancelled: bool,
    },
    /// The pointer left the map.
    PointerLeave,
    /// The wheel turned over the map.
    Wheel {
        /// Pointer position.
        at: [f64; 2],
        /// Vertical delta, in `unit`s; negative zooms in.
        delta_y: f64,
        /// What the delta counts.
        unit: WheelUnit,
        /// Ctrl held: a trackpad pinch, which zooms faster.
        pinch: bool,
    },
    /// A double click on the map: zoom in there (out with shift).
    DoubleClick {
        /// Position.
        at: [f64; 2],
        /// Zoom out instead.
        out: bool,
    },
    /// Zoom about the centre by a factor, animated.
    ZoomBy(f64),
    /// Pan by a share of the canvas (keyboard).
    PanBy {
        /// Share of the width.
        x: f64,
        /// Share of the height.
        y: f64,
    },
    /// Fly back to the whole map.
    ResetView,
    /// An arrow key on the focused map: step the selection that way (see
    /// [`crate::state::Direction`]) within `free`, the canvas area no panel covers.
    Step {
        /// Which way.
        dir: super::stepping::Direction,
        /// The canvas area no panel covers.
        free: Rect,
    },
    /// Enter on the focused map: the selection's details take the focus.
    OpenDetails,
    /// Escape: close the results, else the details.
    Escape,
    /// Move the keyboard focus.
    Focus(Focus),
    /// The search text changed.
    Search(String),
    /// The search box got the focus.
    SearchFocused,
    /// Move the active result by this many rows (wraps).
    MoveActive(i32),
    /// Enter in the search box: open the active result.
    SearchEnter,
    /// A result was chosen.
    OpenResult(u32),
    /// A cluster was chosen in the results.
    OpenCluster {
        /// Level.
        level: usize,
        /// Index in the level.
        id: usize,
    },
    /// Select an entity (or nothing), flying to it if `fly`.
    Select {
        /// The entity.
        entity: Option<u32>,
        /// Whether to fly the camera to it.
        fly: bool,
    },
    /// Fly to an entity so it lands in the middle of `free` (the free area after the details
    /// panel was drawn, see [`Changes::fly_to`]).
    FlyToEntity {
        /// The entity.
        entity: u32,
        /// The canvas area no panel covers.
        free: Rect,
    },
    /// Colour by a column (`None`: one colour).
    SetColorBy(Option<usize>),
    /// Colour by cluster.
    ColorByClusters,
    /// Choose cluster `id` of `level` as the group (again: let it go).
    SelectCluster {
        /// Hierarchy level, 0 the coarsest.
        level: usize,
        /// Cluster index in the level.
        id: usize,
    },
    /// Let the group (cluster or lasso) go.
    ClearGroup,
    /// The details panel's close button: the selection goes, else the group.
    CloseDetails,
    /// Turn lasso mode on or off (touch screens: every drag then draws a lasso).
    ToggleLassoMode,
    /// Show layout `l` (by manifest index), the points gliding there from the layout shown.
    SetLayout(usize),
    /// Show the next layout whose positions are in (the `l` key).
    NextLayout,
    /// Compare the shown layout with another (`None`: stop comparing).
    SetCompare(Option<usize>),
    /// Whether the page asks for reduced motion: layout switches then happen at once.
    ReducedMotion(bool),
    /// How long the GPU took for a recent frame (ms): a switch on a slow renderer takes fewer
    /// frames (see [`crate::state::morph_frames`]). Ignored until every file is in (decoding
    /// them delays every measurement).
    FrameCost(f64),
    /// A legend entry was clicked: flip its categories.
    ToggleLegend(usize),
    /// A range slider moved.
    SetRange {
        /// Column.
        col: usize,
        /// Which end.
        end: RangeEnd,
        /// Slider position, `0..=SLIDER_STEPS`.
        pos: f64,
    },
    /// A category checkbox changed (`code` `None`: the missing value).
    SetCategory {
        /// Column.
        col: usize,
        /// Category code.
        code: Option<usize>,
        /// Whether it passes.
        on: bool,
    },
    /// All or none of a column's categories.
    SetAllCategories {
        /// Column.
        col: usize,
        /// All (`true`) or none.
        on: bool,
    },
    /// Reset every filter.
    ResetFilters,
    /// A filter control was let go: record the filters in the history.
    FiltersCommitted,
    /// Highlight the entities named in a pasted list (empty: clear).
    Highlight(String),
    /// Apply a URL hash: on start (`animate` false) or from back and forward.
    ApplyUrl {
        /// The hash, with or without `#`.
        hash: String,
        /// Fly rather than jump.
        animate: bool,
    },
    /// The hash changed under the viewer (back, forward, an edited URL).
    HashChanged(String),
}

/// Which attribute bytes changed and must reach the GPU.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dirty {
    /// Every point (and the palette).
    pub all: bool,
    /// Single points, by draw rank.
    pub ranks: Vec<usize>,
}

impl Dirty {
    /// Adds `other`'s changes.
    pub fn merge(&mut self, other: &Dirty) {
        if self.all || other.all {
            self.all = true;
            self.ranks.clear();
        } else {
            self.ranks.extend_from_slice(&other.ranks);
        }
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        !self.all && self.ranks.is_empty()
    }
}

/// How to write the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlWrite {
    /// A new history entry (selection, colour, filters).
    Push(String),
    /// In place (the view, the search text).
    Replace(String),
}

/// The tooltip over the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tooltip {
    /// Hidden.
    Hide,
    /// Naming `entity`, at a canvas position.
    Show {
        /// The entity under the pointer.
        entity: u32,
        /// Pointer position.
        at: [f64; 2],
    },
}

/// What a command changed. Every field defaults to "nothing".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// Request an animation frame.
    pub frame: bool,
    /// This is the frame: paint the map and place the ring and labels.
    pub paint: bool,
    /// Upload the positions of these layouts (they just arrived).
    pub positions: Vec<usize>,
    /// Attribute bytes to upload at the next paint.
    pub attrs: Dirty,
    /// The selection changed: its probe, the ring.
    pub selection: bool,
    /// Redraw the details panel.
    pub details: bool,
    /// The group changed: its panel, the labels' pressed state, the legend.
    pub group: bool,
    /// Redraw the lasso being drawn (or hide it).
    pub lasso_path: bool,
    /// Lasso mode was turned on or off.
    pub lasso_mode: bool,
    /// Redraw the search results.
    pub results: bool,
    /// Scroll the active result into view.
    pub scroll_to_active: bool,
    /// A search ran (its latency is measured around the command).
    pub searched: bool,
    /// Show the viewer's search text in the box (it came from a link).
    pub search_text: bool,
    /// The search box can be used (the names arrived).
    pub search_ready: bool,
    /// Redraw the legend.
    pub legend: bool,
    /// Redraw the Layout and Compare controls and the quality figures.
    pub layout_controls: bool,
    /// A layout switch started (it ends on a later frame, or the next one with reduced motion).
    pub switch_started: bool,
    /// This frame ends a layout switch.
    pub switch_ended: bool,
    /// Make the filter controls show the filters.
    pub filter_controls: bool,
    /// The count of points shown.
    pub shown: bool,
    /// Show the colour column in its menu.
    pub color_by: bool,
    /// The highlight status line (and count).
    pub highlight: bool,
    /// The tooltip, when it changes.
    pub tooltip: Option<Tooltip>,
    /// Whether the map is being dragged, when that changes.
    pub dragging: Option<bool>,
    /// Move the keyboard focus.
    pub focus: Option<Focus>,
    /// Fly to this entity once the details panel is drawn (it changes the free area).
    pub fly_to: Option<u32>,
    /// Write the URL.
    pub url: Option<UrlWrite>,
    /// (Re)start the short wait after which the view is recorded ([`Command::ViewSettled`]).
    pub settle: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirty_merges_ranks_until_everything_changes() {
        let mut d = Dirty::default();
        assert!(d.is_empty());
        d.merge(&Dirty { all: false, ranks: vec![3] });
        d.merge(&Dirty { all: false, ranks: vec![5] });
        assert_eq!(d.ranks, vec![3, 5]);
        d.merge(&Dirty { all: true, ranks: vec![] });
        assert_eq!(d, Dirty { all: true, ranks: vec![] });
        d.merge(&Dirty { all: false, ranks: vec![1] });
        assert_eq!(d, Dirty { all: true, ranks: vec![] }, "single ranks add nothing to a full upload");
    }
}
