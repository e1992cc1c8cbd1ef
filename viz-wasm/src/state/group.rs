//! A group of entities chosen together: a cluster (its label, or a link) or the points inside a
//! lasso drawn on the map. The rest of the map dims; filters still apply inside the group. The
//! panel summarises it (count, top values of each column, most popular members) and exports
//! it as CSV; the URL records it (`g=`).

use starmap_format::{Column, ColumnKind};

use super::command::{Changes, Focus};
use super::viewer::Viewer;
use crate::fmtval::{format_number, format_value, MISSING};
use crate::urlstate::{GroupSpec, LASSO_UNIT};

/// Most vertices a lasso keeps (it is simplified to this many, and links carry them).
pub const LASSO_MAX_POINTS: usize = 64;
/// CSS pixels a lasso's pointer must move before another vertex is taken.
pub const LASSO_STEP_PX: f64 = 4.0;
/// Values listed per column in the group's summary.
const TOP_VALUES: usize = 3;
/// Members listed in the panel.
const TOP_MEMBERS: usize = 10;

/// What the group is.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupKind {
    /// Cluster `id` of hierarchy level `level` (0: the coarsest).
    Cluster {
        /// Level.
        level: usize,
        /// Cluster index within the level.
        id: usize,
    },
    /// The points of layout `layout` inside a polygon (world coordinates).
    Lasso {
        /// The layout it was drawn on.
        layout: usize,
        /// The polygon, closed implicitly.
        polygon: Vec<[f64; 2]>,
    },
}

/// The chosen group: what it is and who is in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// What it is.
    pub kind: GroupKind,
    /// Membership per entity.
    pub member: Vec<bool>,
}

/// What the group panel shows. Every string is shown as text.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupView {
    /// "Western · 1950s", or "Lasso selection".
    pub title: String,
    /// "412 points · 12 hidden by filters".
    pub subtitle: String,
    /// Per column: its name and its top values (or range).
    pub summary: Vec<(String, String)>,
    /// The most popular members passing the filters (entity, name).
    pub members: Vec<(u32, String)>,
}

/// Whether `p` lies inside `polygon` (even–odd rule; the polygon closes itself).
pub fn point_in_polygon(p: [f64; 2], polygon: &[[f64; 2]]) -> bool {
    let mut inside = false;
    let n = polygon.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let ([xi, yi], [xj, yj]) = (polygon[i], polygon[j]);
        if (yi > p[1]) != (yj > p[1]) && p[0] < (xj - xi) * (p[1] - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Twice the polygon's signed area (shoelace).
fn area2(polygon: &[[f64; 2]]) -> f64 {
    let n = polygon.len();
    (0..n)
        .map(|i| {
            let ([x0, y0], [x1, y1]) = (polygon[i], polygon[(i + 1) % n]);
            x0 * y1 - x1 * y0
        })
        .sum()
}

/// Keeps at most `max` vertices of a drawn path, evenly spread along it (links stay short and
/// membership tests cheap; a hand-drawn lasso loses nothing visible).
pub fn simplify(path: &[[f64; 2]], max: usize) -> Vec<[f64; 2]> {
    if path.len() <= max {
        return path.to_vec();
    }
    (0..max).map(|k| path[k * path.len() / max]).collect()
}

/// A column's summary over the entities `members` picks: the top categories with counts, or a
/// numeric range with the median.
fn summarize(column: &Column, members: &[u32]) -> String {
    match column {
        Column::Numeric(values) => {
            let mut v: Vec<f32> =
                members.iter().filter_map(|&e| values.get(e as usize).copied()).filter(|x| !x.is_nan()).collect();
            if v.is_empty() {
                return MISSING.into();
            }
            v.sort_unstable_by(f32::total_cmp);
            let (lo, hi, mid) = (v[0], v[v.len() - 1], v[v.len() / 2]);
            format!(
                "{} – {} (median {})",
                format_number(f64::from(lo)),
                format_number(f64::from(hi)),
                format_number(f64::from(mid))
            )
        }
        Column::Categorical(c) => top_values(column, &c.categories, members),
        Column::Tags(t) => top_values(column, &t.categories, members),
        Column::Text(_) => String::new(),
    }
}

fn top_values(column: &Column, dict: &[String], members: &[u32]) -> String {
    let mut counts = vec![0usize; dict.len()];
    for &e in members {
        for &c in column.codes_of(e as usize) {
            if let Some(slot) = counts.get_mut(c as usize) {
                *slot += 1;
            }
        }
    }
    let total = members.len();
    // Most frequent first; ties in dictionary order, so the summary is stable.
    let order: Vec<usize> = super::clusters::largest_first(counts.len(), &|k| counts[k] as u64)
        .into_iter()
        .filter(|&k| counts[k] > 0)
        .collect();
    if order.is_empty() {
        return MISSING.into();
    }
    order
        .iter()
        .take(TOP_VALUES)
        .map(|&k| format!("{} {}%", dict[k], (100.0 * counts[k] as f64 / total.max(1) as f64).round()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One CSV field, quoted when it holds a separator, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl Viewer {
    /// The chosen group.
    pub fn group(&self) -> Option<&Group> {
        self.group.as_ref()
    }

    /// Whether entity `e` belongs to the chosen group (every entity does without one).
    pub fn in_group(&self, e: u32) -> bool {
        self.group.as_ref().is_none_or(|g| g.member.get(e as usize).copied().unwrap_or(false))
    }

    /// Members of the group passing the filters, most popular first (draw order).
    pub fn group_members(&self) -> Vec<u32> {
        let Some(g) = &self.group else { return Vec::new() };
        self.map.order.iter().copied().filter(|&e| g.member[e as usize] && self.is_shown(e)).collect()
    }

    /// Chooses `kind` as the group (or none), selecting its members.
    pub(super) fn set_group(&mut self, kind: Option<GroupKind>, ch: &mut Changes) {
        let group = kind.and_then(|kind| {
            let member = self.members_of(&kind)?;
            Some(Group { kind, member })
        });
        if group == self.group {
            return;
        }
        self.group = group;
        ch.group = true;
        ch.details = true;
        ch.shown = true;
        self.rebuild_attrs(ch);
        self.sync_url(true, ch);
    }

    /// Who is in `kind`; `None` while its data has not arrived or when it names nothing.
    fn members_of(&self, kind: &GroupKind) -> Option<Vec<bool>> {
        match kind {
            GroupKind::Cluster { level, id } => {
                let ids = self.map.clusters.as_ref()?.get(*level)?;
                let id = u16::try_from(*id).ok()?;
                Some(ids.iter().map(|&c| c == id).collect())
            }
            GroupKind::Lasso { layout, polygon } => {
                let placed = self.map.placed(*layout)?;
                let member: Vec<bool> = placed
                    .world
                    .iter()
                    .map(|w| point_in_polygon([f64::from(w[0]), f64::from(w[1])], polygon))
                    .collect();
                member.contains(&true).then_some(member)
            }
        }
    }

    /// A lasso was drawn (canvas px): its points become the group; one too small to hold any
    /// area is ignored.
    pub(super) fn finish_lasso(&mut self, path: &[[f64; 2]], ch: &mut Changes) {
        ch.lasso_path = true;
        let world: Vec<[f64; 2]> =
            simplify(path, LASSO_MAX_POINTS).iter().map(|&p| self.camera.world_from_screen(p)).collect();
        let px_area = area2(path).abs() / 2.0;
        if world.len() < 3 || px_area < 100.0 {
            return;
        }
        // Through the link's own rounding, so a link to it holds exactly these points.
        let spec = self.lasso_spec(self.shown_layout, &world);
        let Some(kind) = spec.and_then(|s| self.group_from_spec(&s)) else { return };
        if self.members_of(&kind).is_none() {
            // Nothing inside: say so by clearing any group rather than keeping an old one.
            self.set_group(None, ch);
            return;
        }
        self.set_group(Some(kind), ch);
        ch.focus = Some(Focus::Group);
    }

    /// The lasso being drawn (canvas px), while one is.
    pub fn lasso_path(&self) -> Option<&[[f64; 2]]> {
        self.gesture.lasso()
    }

    /// The group panel's content.
    pub fn group_view(&self) -> Option<GroupView> {
        let g = self.group.as_ref()?;
        let members = self.group_members();
        let total = g.member.iter().filter(|&&m| m).count();
        let title = match &g.kind {
            GroupKind::Cluster { level, id } => self.cluster_name(*level, *id).unwrap_or_else(|| "Cluster".into()),
            GroupKind::Lasso { .. } => "Selected area".into(),
        };
        let mut subtitle = format!("{} points", format_number(members.len() as f64));
        if members.len() < total {
            subtitle.push_str(&format!(" · {} more hidden by filters", format_number((total - members.len()) as f64)));
        }
        if let GroupKind::Cluster { level, id } = &g.kind {
            if let Some(parent) = self.cluster_parent_name(*level, *id) {
                subtitle.push_str(&format!(" · in {parent}"));
            }
        }
        let summary = self
            .manifest
            .columns
            .iter()
            .zip(&self.map.columns)
            .filter(|(info, _)| info.kind != ColumnKind::Text)
            .filter_map(|(info, col)| {
                let text = col.as_ref().map(|c| summarize(c, &members)).unwrap_or_else(|| "…".into());
                (!text.is_empty()).then(|| (info.name.clone(), text))
            })
            .collect();
        let top = members.iter().take(TOP_MEMBERS).map(|&e| (e, self.map.name(e))).collect();
        Some(GroupView { title, subtitle, summary, members: top })
    }

    /// The group's members passing the filters as CSV: id, name (when the map has a label
    /// column), cluster (when it has clusters), then every other column.
    pub fn group_csv(&self) -> String {
        let m = &self.manifest;
        let mut out = String::new();
        let mut header = vec![csv_field(&m.id_column)];
        let label_col = m.label_column.as_ref().and_then(|l| m.column_index(l));
        if let Some(l) = label_col {
            header.push(csv_field(&m.columns[l].name));
        }
        let clusters = self.map.clusters.as_ref().is_some_and(|c| !c.is_empty());
        if clusters {
            header.push("cluster_name".into());
        }
        let others: Vec<usize> = (0..m.columns.len()).filter(|&c| Some(c) != label_col).collect();
        header.extend(others.iter().map(|&c| csv_field(&m.columns[c].name)));
        out.push_str(&header.join(","));
        out.push('\n');
        for e in self.group_members() {
            let mut row = vec![csv_field(&self.map.id(e).unwrap_or_default())];
            if label_col.is_some() {
                row.push(csv_field(&self.map.name(e)));
            }
            if clusters {
                row.push(csv_field(&self.cluster_of(0, e).and_then(|id| self.cluster_name(0, id)).unwrap_or_default()));
            }
            for &c in &others {
                let v = self.map.columns[c].as_ref().map(|col| format_value(col, e as usize)).unwrap_or_default();
                row.push(csv_field(if v == MISSING { "" } else { &v }));
            }
            out.push_str(&row.join(","));
            out.push('\n');
        }
        out
    }

    /// The file name an export gets: the group's name, made safe.
    pub fn group_file_name(&self) -> String {
        let title = self.group_view().map(|g| g.title).unwrap_or_default();
        let stem: String = title
            .chars()
            .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        format!("{}.csv", if stem.is_empty() { "selection".into() } else { stem })
    }

    /// The group as a link writes it.
    pub(super) fn group_spec(&self) -> Option<GroupSpec> {
        let g = self.group.as_ref()?;
        Some(match &g.kind {
            GroupKind::Cluster { level, id } => GroupSpec::Cluster { level: *level, id: *id },
            GroupKind::Lasso { layout, polygon } => self.lasso_spec(*layout, polygon)?,
        })
    }

    /// A lasso on `layout` as a link writes it: vertices in units of the layout's box, rounded
    /// as the link rounds them.
    fn lasso_spec(&self, layout: usize, polygon: &[[f64; 2]]) -> Option<GroupSpec> {
        let name = self.manifest.layouts.get(layout)?.name.clone();
        let bounds = self.map.placed(layout)?.bounds;
        let (w, h) = (f64::from(bounds.max_x - bounds.min_x), f64::from(bounds.max_y - bounds.min_y));
        let round = |v: f64| (v * LASSO_UNIT).round() / LASSO_UNIT;
        let unit = polygon
            .iter()
            .map(|&[x, y]| {
                [
                    round((x - f64::from(bounds.min_x)) / w.max(1e-12)),
                    round((y - f64::from(bounds.min_y)) / h.max(1e-12)),
                ]
            })
            .collect();
        Some(GroupSpec::Lasso { layout: name, polygon: unit })
    }

    /// The group a link names, once its data is in (`None` when it names nothing known).
    pub(super) fn group_from_spec(&self, spec: &GroupSpec) -> Option<GroupKind> {
        Some(match spec {
            GroupSpec::Cluster { level, id } => GroupKind::Cluster { level: *level, id: *id },
            GroupSpec::Lasso { layout, polygon } => {
                let l = self.manifest.layout_index(layout)?;
                let bounds = self.map.placed(l)?.bounds;
                let (w, h) = (f64::from(bounds.max_x - bounds.min_x), f64::from(bounds.max_y - bounds.min_y));
                let polygon = polygon
                    .iter()
                    .map(|&[u, v]| [f64::from(bounds.min_x) + u * w, f64::from(bounds.min_y) + v * h])
                    .collect();
                GroupKind::Lasso { layout: l, polygon }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_inside_a_polygon() {
        let square = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
        assert!(point_in_polygon([5.0, 5.0], &square));
        assert!(!point_in_polygon([15.0, 5.0], &square));
        assert!(!point_in_polygon([5.0, -1.0], &square));
        // A concave "C": the notch is outside.
        let c = [[0.0, 0.0], [10.0, 0.0], [10.0, 3.0], [3.0, 3.0], [3.0, 7.0], [10.0, 7.0], [10.0, 10.0], [0.0, 10.0]];
        assert!(point_in_polygon([1.0, 5.0], &c));
        assert!(!point_in_polygon([6.0, 5.0], &c));
        assert!(!point_in_polygon([1.0, 1.0], &square[..2]), "two points hold no area");
    }

    #[test]
    fn simplify_keeps_at_most_max_points_in_order() {
        let path: Vec<[f64; 2]> = (0..1000).map(|i| [i as f64, 0.0]).collect();
        let s = simplify(&path, 64);
        assert_eq!(s.len(), 64);
        assert!(s.windows(2).all(|w| w[0][0] < w[1][0]));
        assert_eq!(simplify(&path[..10], 64).len(), 10);
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn summaries_list_top_values_and_ranges() {
        let col = Column::Numeric(vec![1.0, 5.0, f32::NAN, 3.0]);
        assert_eq!(summarize(&col, &[0, 1, 2, 3]), "1 – 5 (median 3)");
        let col = Column::Categorical(starmap_format::Categorical {
            categories: vec!["a".into(), "b".into()],
            codes: vec![0, 1, 1, 0xFFFF],
        });
        assert_eq!(summarize(&col, &[0, 1, 2, 3]), "b 50%, a 25%");
    }
}
