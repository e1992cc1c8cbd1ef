//! What floats over the map as HTML: the ring on the selection, the names of popular points
//! and the hover tooltip. Positions come from the state; this only moves elements.

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::dom::{append, create, set_class, set_style, set_text, show};
use super::page::Page;
use crate::state::{Tooltip, Viewer};

/// The map's HTML overlay; label elements are reused frame to frame.
#[derive(Default)]
pub struct Overlay {
    label_pool: Vec<HtmlElement>,
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
        let placed = v.map_labels(page.layout().free_area());
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
            set_style(el, "translate", &format!("{:.0}px {:.0}px", x + left + 7.0, y + top));
            show(el, true);
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
