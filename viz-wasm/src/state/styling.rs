//! How points look: the attribute bytes (colour key, size key, flags) and everything that
//! changes them: filters, colour-by with its legend, the highlighted set, the selection.

use starmap_format::ColumnKind;

use super::command::{Changes, RangeEnd};
use super::highlight;
use super::legend::{entry_on, toggle_entry};
use super::slider;
use super::viewer::Viewer;
use crate::colors::{change_coloring, coloring, Legend};
use crate::filter::ColumnFilter;
use crate::render::{FLAG_FILTERED_OUT, FLAG_HIGHLIGHTED, FLAG_SELECTED};

impl Viewer {
    fn flags_of(&self, e: usize) -> u8 {
        let mut f = 0;
        if !self.pass.get(e).copied().unwrap_or(true) {
            f |= FLAG_FILTERED_OUT;
        }
        // The highlighted set and the group combine: a point stands out when it is in both
        // (or in the one that is there).
        let in_set = self.highlight.as_ref().is_none_or(|h| h.set[e]);
        if (self.highlight.is_some() || self.group.is_some()) && in_set && self.in_group(e as u32) {
            f |= FLAG_HIGHLIGHTED;
        }
        if self.selected == Some(e as u32) {
            f |= FLAG_SELECTED;
        }
        f
    }

    /// Recomputes every point's attribute bytes.
    pub(super) fn rebuild_attrs(&mut self, ch: &mut Changes) {
        let mut attrs = std::mem::take(&mut self.attrs);
        attrs.resize(self.map.order.len() * 4, 0);
        let sizes = self.map.points.as_ref().map(|p| p.sizes.as_slice()).unwrap_or(&[]);
        for (rank, &e) in self.map.order.iter().enumerate() {
            let e = e as usize;
            attrs[rank * 4] = self.coloring.keys.get(e).copied().unwrap_or(0);
            attrs[rank * 4 + 1] = sizes.get(e).copied().unwrap_or(0);
            attrs[rank * 4 + 2] = self.flags_of(e);
        }
        self.attrs = attrs;
        ch.attrs.all = true;
        ch.frame = true;
    }

    /// Updates one entity's flags.
    pub(super) fn touch(&mut self, e: u32, ch: &mut Changes) {
        if let Some(&rank) = self.map.rank_of.get(e as usize) {
            let rank = rank as usize;
            if rank * 4 + 2 < self.attrs.len() {
                self.attrs[rank * 4 + 2] = self.flags_of(e as usize);
                ch.attrs.ranks.push(rank);
            }
        }
        ch.frame = true;
    }

    pub(super) fn refilter(&mut self, ch: &mut Changes) {
        let (pass, shown) = self.filters.mask(self.n(), &self.map.columns);
        self.pass = pass;
        self.shown = shown;
        ch.shown = true;
        self.rebuild_attrs(ch);
        ch.filter_controls = true;
        ch.legend = true;
    }

    pub(super) fn set_color_by(&mut self, col: Option<usize>, ch: &mut Changes) {
        let m = &self.manifest;
        self.color_col = col.filter(|&c| m.columns.get(c).is_some_and(|i| i.kind != ColumnKind::Text));
        ch.color_by = true;
        self.recolor(ch);
    }

    /// Colours by cluster.
    pub(super) fn color_by_clusters(&mut self, ch: &mut Changes) {
        if self.manifest.clusters.is_none() {
            return;
        }
        self.color_clusters = true;
        self.color_col = None;
        ch.color_by = true;
        self.recolor(ch);
    }

    /// Colours the points: by neighbourhood change in compare mode, else by cluster or by the
    /// colour column.
    pub(super) fn recolor(&mut self, ch: &mut Changes) {
        self.coloring = match self.compare_change() {
            Some(change) => change_coloring(change),
            None if self.color_clusters && self.map.clusters.is_some() => self.map.cluster_coloring(&self.manifest),
            None => {
                let col = self.color_col;
                let data = col.and_then(|c| self.map.columns.get(c)).and_then(Option::as_ref);
                coloring(&self.manifest, col, data, self.n())
            }
        };
        self.rebuild_attrs(ch);
        ch.legend = true;
    }

    /// Whether each legend entry shows as on (categorical colourings; empty otherwise). By
    /// cluster: on for the chosen cluster, or all when none is.
    pub fn legend_on(&self) -> Vec<bool> {
        let Legend::Categories(entries) = &self.coloring.legend else { return Vec::new() };
        if self.color_clusters && self.compare.is_none() {
            let chosen = match self.group.as_ref().map(|g| &g.kind) {
                Some(super::group::GroupKind::Cluster { level: 0, id }) => Some(*id),
                _ => None,
            };
            return entries.iter().map(|e| chosen.is_none_or(|c| e.codes.first() == Some(&(c as u16)))).collect();
        }
        let filter = self.color_col.and_then(|c| self.filters.get(c));
        entries.iter().map(|entry| entry_on(filter, entry)).collect()
    }

    pub(super) fn toggle_legend(&mut self, k: usize, ch: &mut Changes) {
        if self.color_clusters && self.compare.is_none() {
            // A cluster's legend entry chooses the cluster, as its label on the map does.
            let Legend::Categories(entries) = &self.coloring.legend else { return };
            let Some(&id) = entries.get(k).and_then(|e| e.codes.first()) else { return };
            let id = usize::from(id);
            let again = matches!(self.group.as_ref().map(|g| &g.kind), Some(super::group::GroupKind::Cluster { level: 0, id: c }) if *c == id);
            let kind = (!again).then_some(super::group::GroupKind::Cluster { level: 0, id });
            self.set_group(kind, ch);
            return;
        }
        let (Some(col), Legend::Categories(entries)) = (self.color_col, &self.coloring.legend) else { return };
        let Some(entry) = entries.get(k).cloned() else { return };
        if toggle_entry(&mut self.filters, col, &entry) {
            self.refilter(ch);
            self.sync_url(true, ch);
        }
    }

    /// A range slider moved: that end follows it, never past the other end.
    pub(super) fn set_range(&mut self, col: usize, end: RangeEnd, pos: f64, ch: &mut Changes) {
        let Some(info) = self.manifest.columns.get(col) else { return };
        let v = slider::value_at(info.min.unwrap_or(0.0), info.max.unwrap_or(0.0), pos);
        if let Some(&ColumnFilter::Range { lo, hi }) = self.filters.get(col) {
            let (lo, hi) = match end {
                RangeEnd::Lo => (v.min(hi), hi),
                RangeEnd::Hi => (lo, v.max(lo)),
            };
            self.filters.set_range(col, lo, hi);
        }
        self.refilter(ch);
    }

    pub(super) fn set_all_categories(&mut self, col: usize, on: bool, ch: &mut Changes) {
        let count = self.manifest.columns.get(col).map(|c| c.categories.len()).unwrap_or(0);
        for code in 0..count {
            self.filters.set_category(col, Some(code), on);
        }
        self.filters.set_category(col, None, on);
        self.refilter(ch);
        self.sync_url(true, ch);
    }

    pub(super) fn set_highlight(&mut self, text: &str, ch: &mut Changes) {
        let names = self.map.labels.as_ref().zip(self.map.ids.as_ref());
        let Some(resolved) = highlight::resolve(text, self.n(), names) else { return };
        self.highlight = resolved.highlight;
        self.highlight_status = resolved.status;
        ch.highlight = true;
        self.rebuild_attrs(ch);
    }
}
