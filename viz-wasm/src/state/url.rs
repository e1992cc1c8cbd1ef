//! Keeping the URL and the state in step: what of a link waits for data, whether the URL may be
//! written yet, and the last hash written (so an unchanged state writes nothing). The hash
//! format itself is [`crate::urlstate`].

use starmap_format::Bounds;

use crate::camera::View;
use crate::urlstate::UrlState;

/// A link's state waiting for the files it refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// The state to apply.
    pub state: UrlState,
    /// Colour-by and filters, waiting for the metadata.
    pub metadata: bool,
    /// Selection and search text, waiting for the names.
    pub labels: bool,
    /// The layout shown and the view (relative to that layout), waiting for its positions.
    pub layout: bool,
    /// The layout compared with, waiting for the other layouts.
    pub compare: bool,
    /// The group, waiting for the clusters (a cluster) or its layout's positions (a lasso).
    pub group: bool,
    /// Whether to fly (and glide between layouts) rather than jump.
    pub animate: bool,
}

/// The URL side of the viewer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UrlSync {
    /// A link's state not fully applied yet.
    pub pending: Option<Pending>,
    /// Whether the URL follows the state (from when every file is in; never while a link is
    /// being applied).
    pub live: bool,
    /// The hash last written or read, without `#`.
    pub last_hash: String,
}

impl UrlSync {
    /// The hash to write for `hash`, or `None` when the URL is not live or already shows it.
    pub fn write(&mut self, hash: String) -> Option<String> {
        if !self.live || hash == self.last_hash {
            return None;
        }
        self.last_hash = hash.clone();
        Some(hash)
    }

    /// Whether `hash` (as the location reports it) differs from the last one seen; it becomes
    /// the last one.
    pub fn arrived(&mut self, hash: &str) -> bool {
        let hash = hash.trim_start_matches('#');
        if hash == self.last_hash {
            return false;
        }
        self.last_hash = hash.to_string();
        true
    }
}

/// The view as a link stores it: the centre in unit map coordinates (0..1 across the bounds)
/// and the zoom relative to the fitted one, so a link shows the same place on any screen.
pub fn link_from_view(view: View, bounds: &Bounds, fit_zoom: f64) -> [f64; 3] {
    let unit = |v: f64, lo: f32, hi: f32| if hi > lo { (v - lo as f64) / (hi - lo) as f64 } else { 0.5 };
    let c = view.center;
    [unit(c[0], bounds.min_x, bounds.max_x), unit(c[1], bounds.min_y, bounds.max_y), view.zoom / fit_zoom]
}

/// The view a link's `[u, v, zoom]` stands for.
pub fn view_from_link(v: [f64; 3], bounds: &Bounds, fit_zoom: f64) -> View {
    let world = |u: f64, lo: f32, hi: f32| lo as f64 + u * (hi - lo) as f64;
    View {
        center: [world(v[0], bounds.min_x, bounds.max_x), world(v[1], bounds.min_y, bounds.max_y)],
        zoom: v[2] * fit_zoom,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_store_views_in_unit_coordinates() {
        let b = Bounds { min_x: -10.0, min_y: 0.0, max_x: 10.0, max_y: 4.0 };
        let view = View { center: [5.0, 1.0], zoom: 30.0 };
        let link = link_from_view(view, &b, 10.0);
        assert_eq!(link, [0.75, 0.25, 3.0]);
        assert_eq!(view_from_link(link, &b, 10.0), view);
        // A flat map puts the centre in the middle of the degenerate axis.
        let flat = Bounds { min_x: 1.0, min_y: 1.0, max_x: 1.0, max_y: 5.0 };
        assert_eq!(link_from_view(View { center: [1.0, 3.0], zoom: 1.0 }, &flat, 1.0)[0], 0.5);
    }

    #[test]
    fn writes_only_when_live_and_changed() {
        let mut u = UrlSync::default();
        assert_eq!(u.write("s=a".into()), None, "not live yet");
        u.live = true;
        assert_eq!(u.write("s=a".into()), Some("s=a".into()));
        assert_eq!(u.write("s=a".into()), None, "unchanged");
        assert!(!u.arrived("#s=a"), "our own hash coming back");
        assert!(u.arrived("#s=b"));
        assert_eq!(u.write("s=b".into()), None);
    }
}
