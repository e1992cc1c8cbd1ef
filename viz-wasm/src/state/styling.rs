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
        if self.highlight.as_ref().is_some_and(|h| h.set[e]) {
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

    /// Colours the points: by neighbourhood change in compare mode, else by the colour column.
    pub(super) fn recolor(&mut self, ch: &mut Changes) {
        self.coloring = match self.compare_change() {
            Some(change) => change_coloring(change),
            None => {
                let col = self.color_col;
                let data = col.and_then(|c| self.map.columns.get(c)).and_then(Option::as_ref);
                coloring(&self.manifest, col, data, self.n())
            }
        };
        self.rebuild_attrs(ch);
        ch.legend = true;
    }

    /// Whether each legend entry shows as on (categorical colourings; empty otherwise).
    pub fn legend_on(&self) -> Vec<bool> {
        let Legend::Categories(entries) = &self.coloring.legend else { return Vec::new() };
        let filter = self.color_col.and_then(|c| self.filters.get(c));
        entries.iter().map(|entry| entry_on(filter, entry)).collect()
    }

    pub(super) fn toggle_legend(&mut self, k: usize, ch: &mut Changes) {
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
