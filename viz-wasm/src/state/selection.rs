//! Selecting an entity, what the details panel and the search list show, and the search box's
//! commands.

use super::command::{Changes, Focus};
use super::search::Found;
use super::viewer::Viewer;
use crate::fmtval::{format_number, format_value};

/// What the details panel shows for the selection. Every string is shown as text.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailsView {
    /// The name.
    pub title: String,
    /// "id-column id · popularity N".
    pub subtitle: String,
    /// Every column's name and formatted value ("…" until its file arrives).
    pub fields: Vec<(String, String)>,
    /// Nearest neighbours (entity, name); `None` until their file arrives.
    pub neighbors: Option<Vec<(u32, String)>>,
}

/// One row of the search list.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    /// The entity or cluster.
    pub found: Found,
    /// Its name.
    pub name: String,
    /// A second detail, possibly empty.
    pub detail: String,
}

impl Viewer {
    /// Selects `e` (or nothing). Flying waits for the details panel to be drawn, as it changes
    /// where the entity should land ([`Changes::fly_to`]).
    pub(super) fn select(&mut self, e: Option<u32>, fly: bool, ch: &mut Changes) {
        let e = e.filter(|&e| (e as usize) < self.n());
        let before = self.selected;
        self.selected = e;
        for changed in [before, e].into_iter().flatten() {
            self.touch(changed, ch);
        }
        ch.details = true;
        ch.selection = true;
        if fly {
            ch.fly_to = e;
        }
        if before != e {
            self.sync_url(true, ch);
        }
    }

    /// Escape: closes the search list if open, else the details, else lets the group go (the
    /// map takes the focus).
    pub(super) fn escape(&mut self, ch: &mut Changes) {
        if self.search.is_open() {
            self.close_results(ch);
        } else if self.selected.is_some() {
            self.select(None, false, ch);
            ch.focus = Some(Focus::Map);
        } else if self.group.is_some() {
            self.set_group(None, ch);
            ch.focus = Some(Focus::Map);
        }
    }

    /// What a screen reader hears when the selection changes: the name, its cluster and how
    /// many neighbours the details list (empty without a selection).
    pub fn announcement(&self) -> String {
        let Some(e) = self.selected else { return String::new() };
        let mut text = self.map.name(e);
        let levels = self.cluster_levels();
        if let Some(name) =
            levels.checked_sub(1).and_then(|l| self.cluster_of(l, e).and_then(|c| self.cluster_name(l, c)))
        {
            text.push_str(&format!(", in {name}"));
        }
        if let Some(nb) = &self.map.neighbors {
            let k = nb.of(e as usize).count();
            text.push_str(&format!(", {k} neighbour{}", if k == 1 { "" } else { "s" }));
        }
        text.push_str(". Enter for details.");
        text
    }

    pub(super) fn run_search(&mut self, ch: &mut Changes) {
        let Some(index) = self.map.search.as_mut() else { return };
        self.search.run(index, self.map.cluster_search.as_mut());
        ch.results = true;
        ch.searched = true;
        // The text goes into the URL once typing pauses (in place, not as history).
        ch.settle = true;
    }

    pub(super) fn close_results(&mut self, ch: &mut Changes) {
        self.search.close();
        ch.results = true;
    }

    pub(super) fn move_active(&mut self, delta: i32, ch: &mut Changes) {
        if self.search.move_active(delta) {
            ch.results = true;
            ch.scroll_to_active = true;
        }
    }

    pub(super) fn search_enter(&mut self, ch: &mut Changes) {
        if self.search.rows() == 0 {
            self.run_search(ch);
        }
        match self.search.chosen() {
            Some(Found::Entity(e)) => self.open_result(e, ch),
            Some(Found::Cluster(level, id)) => self.open_cluster(level, id, ch),
            None => {}
        }
    }

    /// A cluster was chosen in the results: it becomes the group, and the view fits it.
    pub(super) fn open_cluster(&mut self, level: usize, id: usize, ch: &mut Changes) {
        self.close_results(ch);
        self.set_group(Some(super::group::GroupKind::Cluster { level, id }), ch);
        ch.focus = Some(Focus::Group);
    }

    pub(super) fn open_result(&mut self, e: u32, ch: &mut Changes) {
        self.close_results(ch);
        self.select(Some(e), true, ch);
        self.sync_url(true, ch);
    }

    /// The search list's rows, while it is open (an empty list reads "No match").
    pub fn result_rows(&self) -> Option<Vec<ResultRow>> {
        self.search.open.then(|| {
            (0..self.search.rows())
                .filter_map(|k| self.search.row(k))
                .map(|found| match found {
                    Found::Entity(e) => {
                        ResultRow { found, name: self.map.name(e), detail: self.map.secondary(&self.manifest, e) }
                    }
                    Found::Cluster(level, id) => ResultRow {
                        found,
                        name: self.cluster_name(level, id).unwrap_or_default(),
                        detail: format!("cluster · {}", format_number(self.cluster_size(level, id) as f64)),
                    },
                })
                .collect()
        })
    }

    /// The details of the selection.
    pub fn details(&self) -> Option<DetailsView> {
        let e = self.selected?;
        let m = &self.manifest;
        let popularity = self.map.popularity(e).unwrap_or(0);
        let id = self.map.id(e).unwrap_or_default();
        let fields = m
            .columns
            .iter()
            .zip(&self.map.columns)
            .map(|(info, column)| {
                let value = column.as_ref().map(|c| format_value(c, e as usize)).unwrap_or_else(|| "…".into());
                (info.name.clone(), value)
            })
            .collect();
        let neighbors =
            self.map.neighbors.as_ref().map(|nb| nb.of(e as usize).map(|j| (j, self.map.name(j))).collect());
        Some(DetailsView {
            title: self.map.name(e),
            subtitle: format!("{} {} · popularity {}", m.id_column, id, format_number(popularity as f64)),
            fields,
            neighbors,
        })
    }
}
