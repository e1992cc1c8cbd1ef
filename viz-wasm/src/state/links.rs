//! The URL as the viewer's memory: state out to the hash (pushed for selection, colour,
//! filters, layout and compare mode; replaced for the view and search text), and a link's state
//! in, applied as far as the loaded files allow, the rest once they arrive.

use super::command::{Changes, UrlWrite};
use super::url::{link_from_view, view_from_link, Pending};
use super::viewer::Viewer;
use crate::filter::Filters;
use crate::urlstate::{ColorSpec, UrlState};

impl Viewer {
    /// The state a link would restore.
    pub fn url_state(&self) -> UrlState {
        let m = &self.manifest;
        // Where a flight or a layout switch is going: a link should show where it ends.
        let view = match (self.flight, self.morph.and_then(|m| m.views)) {
            (Some((f, _)), _) => f.target(),
            (None, Some((_, to, _))) => to,
            _ => self.camera.view,
        };
        let name = |l: usize| m.layouts.get(l).map(|info| info.name.clone());
        UrlState {
            view: Some(link_from_view(view, &self.camera.bounds(), self.camera.fit_zoom())),
            layout: if self.shown_layout == 0 { None } else { name(self.shown_layout) },
            compare: self.compare.and_then(name),
            selected: self.selected_id(),
            search: self.search.text.clone(),
            color_by: self.color_spec(),
            filters: self.filters.to_specs(m),
            group: self.group_spec(),
        }
    }

    /// The colouring as a link writes it: `None` when it is the map's default.
    fn color_spec(&self) -> Option<ColorSpec> {
        let default_clusters = self.manifest.clusters.is_some();
        match (self.color_clusters, self.color_col.and_then(|c| self.manifest.columns.get(c))) {
            (true, _) if default_clusters => None,
            (true, _) => Some(ColorSpec::Clusters),
            (false, Some(c)) => Some(ColorSpec::Column(c.name.clone())),
            (false, None) if default_clusters => Some(ColorSpec::Nothing),
            (false, None) => None,
        }
    }

    /// Writes the state into the URL: a new history entry (`push`) or in place.
    pub(super) fn sync_url(&mut self, push: bool, ch: &mut Changes) {
        let hash = self.url_state().to_hash();
        if let Some(hash) = self.url.write(hash) {
            let push = push || matches!(ch.url, Some(UrlWrite::Push(_)));
            ch.url = Some(if push { UrlWrite::Push(hash) } else { UrlWrite::Replace(hash) });
        }
    }

    /// Applies what of `st` the loaded data allows; the rest waits for its files.
    pub(super) fn apply_url(&mut self, st: UrlState, animate: bool, ch: &mut Changes) {
        let pending =
            Pending { state: st, metadata: true, labels: true, layout: true, compare: true, group: true, animate };
        self.url.pending = Some(pending);
        self.apply_pending(ch);
    }

    pub(super) fn apply_pending(&mut self, ch: &mut Changes) {
        let Some(mut p) = self.url.pending.take() else { return };
        let st = &p.state;
        let m = &self.manifest;
        // Unknown layout names count as none: the first layout, no comparison.
        let layout = st.layout.as_deref().and_then(|n| m.layout_index(n)).unwrap_or(0);
        let compare = st.compare.as_deref().and_then(|n| m.layout_index(n));
        if p.layout && (layout == 0 || self.map.has_layout(layout)) {
            p.layout = false;
            let view = st.view.map(|v| {
                let mut cam = self.camera.clone();
                let bounds = self.map.placed(layout).map_or(m.bounds(), |pl| pl.bounds);
                cam.set_bounds(bounds);
                view_from_link(v, &bounds, cam.fit_zoom())
            });
            if layout == self.shown_layout && self.morph.is_none_or(|m| m.to == layout) {
                match view {
                    Some(to) if p.animate => self.fly_to(to, self.now_ms, ch),
                    Some(to) => {
                        self.camera.set_view(to);
                        ch.frame = true;
                    }
                    None => {}
                }
            } else {
                self.set_layout(layout, view, p.animate, self.now_ms, ch);
            }
        }
        if p.compare && !p.layout && compare.is_none_or(|c| self.map.has_layout(c) && !self.map.change.is_empty()) {
            p.compare = false;
            if compare != self.compare {
                self.set_compare(compare, ch);
            }
        }
        let st = &p.state;
        if p.metadata && self.map.metadata_loaded(&self.manifest) {
            p.metadata = false;
            let clusters = self.manifest.clusters.is_some();
            let (want_clusters, col) = match &st.color_by {
                None => (clusters, None),
                Some(ColorSpec::Nothing) => (false, None),
                Some(ColorSpec::Clusters) => (clusters, None),
                Some(ColorSpec::Column(c)) => (false, self.manifest.column_index(c)),
            };
            if want_clusters && !self.color_clusters {
                self.color_by_clusters(ch);
            } else if !want_clusters && (self.color_clusters || col != self.color_col) {
                self.color_clusters = false;
                self.set_color_by(col, ch);
            }
            let filters = Filters::from_specs(&self.manifest, &st.filters);
            if filters != self.filters {
                self.filters = filters;
                self.refilter(ch);
            }
        }
        if p.labels && self.map.labels.is_some() {
            p.labels = false;
            let sel = st.selected.as_deref().and_then(|id| self.map.find_id(id));
            if self.search.text != st.search {
                self.search.text = st.search.clone();
                ch.search_text = true;
            }
            if sel != self.selected {
                // Without a view in the link, fly to the selection.
                let fly = sel.is_some() && (p.animate || st.view.is_none());
                self.select(sel, fly, ch);
            }
        }
        if p.group && !p.layout {
            let st = &p.state;
            let kind = st.group.as_ref().map(|spec| (spec, self.group_from_spec(spec)));
            let ready = match &kind {
                None => true,
                Some((crate::urlstate::GroupSpec::Cluster { .. }, _)) => self.map.clusters.is_some(),
                Some((_, k)) => k.is_some(),
            };
            if ready {
                p.group = false;
                let kind = kind.and_then(|(_, k)| k);
                if kind != self.group.as_ref().map(|g| g.kind.clone()) {
                    self.set_group(kind, ch);
                }
            }
        }
        if p.metadata || p.labels || p.layout || p.compare || p.group {
            self.url.pending = Some(p);
        }
    }

    /// Back, forward or an edited URL: apply the new hash (animated) without writing it back.
    pub(super) fn hash_changed(&mut self, hash: &str, ch: &mut Changes) {
        if !self.url.arrived(hash) {
            return;
        }
        let live = std::mem::replace(&mut self.url.live, false);
        self.apply_url(UrlState::parse(hash), true, ch);
        self.url.live = live;
    }

    /// Every file is in: apply the rest of the link, and from now on keep the URL in step.
    pub(super) fn ready(&mut self, hash: &str, ch: &mut Changes) {
        self.apply_pending(ch);
        self.url.live = true;
        self.url.last_hash = hash.trim_start_matches('#').to_string();
    }
}
