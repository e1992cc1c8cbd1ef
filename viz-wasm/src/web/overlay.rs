//! What floats over the map as HTML and SVG: the ring on the selection, the names of popular
//! points, the hover tooltip, and in compare mode where the selection's neighbours went (a line
//! from each to its place in the other layout, a ring there). Positions come from the state;
//! this only moves elements.

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::dom::{append, create, document, set_attr, set_class, set_style, set_text, show};
use super::page::Page;
use crate::state::{LabelSide, Tooltip, Viewer, LABEL_GAP_PX};

/// The map's HTML overlay; label elements are reused frame to frame.
#[derive(Default)]
pub struct Overlay {
    label_pool: Vec<HtmlElement>,
    /// Cluster name buttons by (level, id): one element per cluster for the page's life, so a
    /// focused name keeps the focus while the map moves.
    cluster_buttons: std::collections::HashMap<(usize, usize), HtmlElement>,
}

impl Overlay {
    /// Moves the twinkling ring over the selection, or hides it.
    pub fn place_ring(&self, page: &Page, v: &Viewer) {
        let Some([x, y]) = v.ring_at() else {
            show(&page.ring, false);
            return;
        };
        let [left, top] = page.canvas_origin();
        // `translate`, not `transform`: the twinkle animates `scale`, which would scale a
        // translation made in `transform` too.
        set_style(&page.ring, "translate", &format!("{:.1}px {:.1}px", x + left, y + top));
        show(&page.ring, true);
    }

    /// Names the most popular points in the area no panel covers.
    pub fn place_labels(&mut self, page: &Page, v: &Viewer) {
        let free = page.layout().free_area();
        let placed = v.map_labels(free);
        while self.label_pool.len() < placed.len() {
            let Ok(el) = create("div").dyn_into::<HtmlElement>() else { break };
            el.set_class_name("map-label");
            append(&page.labels, &el);
            self.label_pool.push(el);
        }
        let [left, top] = page.canvas_origin();
        for (k, el) in self.label_pool.iter().enumerate() {
            let Some(label) = placed.get(k) else {
                show(el, false);
                continue;
            };
            let name = v.map().name(label.entity);
            if el.text_content().as_deref() != Some(name.as_str()) {
                set_text(el, &name);
            }
            let [x, y] = label.at;
            // The CSS class shifts a left-side name by its own width, which only the page knows.
            let (class, dx) = match label.side {
                LabelSide::Right => ("map-label", LABEL_GAP_PX + 1.0),
                LabelSide::Left => ("map-label left", -LABEL_GAP_PX - 1.0),
            };
            if el.class_name() != class {
                el.set_class_name(class);
            }
            set_style(el, "translate", &format!("{:.0}px {:.0}px", x + left + dx, y + top));
            show(el, true);
        }
        // The state placed estimated boxes; a font wider than the estimate could still push a
        // name past the edge, where it would be cut off: hide it instead.
        for el in self.label_pool.iter().take(placed.len()) {
            let r = el.get_bounding_client_rect();
            if r.left() < free.left + left - 0.5 || r.right() > free.right + left + 0.5 {
                show(el, false);
            }
        }
    }

    /// Places the cluster names for this frame: buttons over the map, the chosen cluster's
    /// pressed. Names that do not fit hide (a focused one stays, so keyboard users keep their
    /// place).
    pub fn place_cluster_labels(&mut self, page: &Page, v: &Viewer) {
        let placed = v.cluster_labels(page.layout().free_area());
        let chosen = match v.group().map(|g| &g.kind) {
            Some(crate::state::GroupKind::Cluster { level, id }) => Some((*level, *id)),
            _ => None,
        };
        let [left, top] = page.canvas_origin();
        let mut shown = std::collections::HashSet::new();
        for label in &placed {
            let key = (label.level, label.id);
            shown.insert(key);
            let el = match self.cluster_buttons.get(&key) {
                Some(el) => el.clone(),
                None => {
                    let Ok(el) = create("button").dyn_into::<HtmlElement>() else { continue };
                    set_attr(&el, "type", "button");
                    let class = ["coarse", "mid", "fine"][label.level.min(2)];
                    el.set_class_name(&format!("cluster-label {class}"));
                    set_attr(&el, "data-cluster", &format!("{}:{}", label.level, label.id));
                    set_text(&el, &v.cluster_name(label.level, label.id).unwrap_or_default());
                    append(&page.cluster_labels, &el);
                    self.cluster_buttons.insert(key, el.clone());
                    el
                }
            };
            let [x, y] = label.at;
            set_style(&el, "translate", &format!("{:.0}px {:.0}px", x + left, y + top));
            show(&el, true);
        }
        let active = document().active_element();
        for (key, el) in &self.cluster_buttons {
            set_attr(el, "aria-pressed", if chosen == Some(*key) { "true" } else { "false" });
            let focused = active.as_ref().is_some_and(|a| a.is_same_node(Some(el)));
            if !shown.contains(key) && !focused {
                show(el, false);
            }
        }
        // The state placed estimated boxes; fonts differ, so check the boxes as drawn, biggest
        // cluster first, and hide any name that still touches one kept before it.
        let mut kept: Vec<web_sys::DomRect> = Vec::new();
        for label in &placed {
            let Some(el) = self.cluster_buttons.get(&(label.level, label.id)) else { continue };
            let r = el.get_bounding_client_rect();
            let touches = kept
                .iter()
                .any(|k| r.left() < k.right() && k.left() < r.right() && r.top() < k.bottom() && k.top() < r.bottom());
            if touches {
                show(el, false);
            } else {
                kept.push(r);
            }
        }
    }

    /// Draws the lasso being drawn (or hides it).
    pub fn place_lasso(&self, page: &Page, v: &Viewer) {
        let Some(path) = v.lasso_path().filter(|p| p.len() > 1) else {
            show(&page.lasso_path, false);
            return;
        };
        let [left, top] = page.canvas_origin();
        let points: Vec<String> = path.iter().map(|[x, y]| format!("{:.1},{:.1}", x + left, y + top)).collect();
        set_attr(&page.lasso_polygon, "points", &points.join(" "));
        show(&page.lasso_path, true);
    }

    /// Draws compare mode's marks (or hides them).
    pub fn place_compare(&self, page: &Page, v: &Viewer) {
        const SVG: &str = "http://www.w3.org/2000/svg";
        let svg = &page.compare_marks;
        let marks = v.compare_marks();
        set_text(svg, "");
        show(svg, !marks.is_empty());
        let [left, top] = page.canvas_origin();
        let xy = |p: [f64; 2]| [format!("{:.1}", p[0] + left), format!("{:.1}", p[1] + top)];
        for m in marks {
            let class = if m.moved { "moved" } else { "stayed" };
            let (Ok(line), Ok(ring)) =
                (document().create_element_ns(Some(SVG), "line"), document().create_element_ns(Some(SVG), "circle"))
            else {
                return;
            };
            let ([x1, y1], [x2, y2]) = (xy(m.at), xy(m.went));
            for (k, value) in [("x1", &x1), ("y1", &y1), ("x2", &x2), ("y2", &y2), ("class", &class.to_string())] {
                set_attr(&line, k, value);
            }
            for (k, value) in [("cx", &x2), ("cy", &y2), ("r", &"5".to_string()), ("class", &class.to_string())] {
                set_attr(&ring, k, value);
            }
            append(svg, &line);
            append(svg, &ring);
        }
    }

    /// Shows or hides the tooltip.
    pub fn tooltip(&self, page: &Page, v: &Viewer, tooltip: Tooltip) {
        let tip = &page.tooltip;
        match tooltip {
            Tooltip::Show { entity, at } => {
                set_text(tip, &v.tooltip_text(entity));
                let [left, top] = page.canvas_origin();
                set_style(tip, "left", &format!("{:.0}px", at[0] + left));
                set_style(tip, "top", &format!("{:.0}px", at[1] + top));
                show(tip, true);
                set_class(&page.canvas, "pointing", true);
            }
            Tooltip::Hide => {
                show(tip, false);
                set_class(&page.canvas, "pointing", false);
            }
        }
    }
}
