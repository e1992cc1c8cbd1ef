//! [`Page`]: every element of `web/index.html` the viewer uses, looked up once at start, and the
//! page's geometry measured into a [`Layout`] for the state.

use web_sys::{
    Element, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement, HtmlSelectElement,
    HtmlTextAreaElement,
};

use super::dom::{by_id, document, set_text, show};
use super::error::WebError;
use super::probe::Probe;
use crate::state::{Layout, Rect};

/// The page's elements.
pub struct Page {
    /// The map.
    pub canvas: HtmlCanvasElement,
    /// The twinkling ring over the selection.
    pub ring: HtmlElement,
    /// Holder of the names drawn on the map.
    pub labels: HtmlElement,
    /// The hover tooltip.
    pub tooltip: HtmlElement,
    /// The top bar.
    pub top: HtmlElement,
    /// The map's title.
    pub title: Element,
    /// The search box.
    pub search: HtmlInputElement,
    /// The search results list.
    pub results: HtmlElement,
    /// The zoom-in button.
    pub zoom_in: HtmlButtonElement,
    /// The zoom-out button.
    pub zoom_out: HtmlButtonElement,
    /// The reset-view button.
    pub reset_view: HtmlButtonElement,
    /// The side panel.
    pub panel: HtmlElement,
    /// The narrow-screen button that opens the side panel.
    pub panel_toggle: HtmlElement,
    /// The Layout and Compare menus (hidden for a map of one layout).
    pub layout_controls: HtmlElement,
    /// The Layout menu.
    pub layout: HtmlSelectElement,
    /// The Compare-with menu.
    pub compare: HtmlSelectElement,
    /// The rows of the layouts' quality table.
    pub layout_rows: HtmlElement,
    /// The colour-by menu.
    pub color_by: HtmlSelectElement,
    /// The note under it while comparing layouts.
    pub color_note: HtmlElement,
    /// The legend list.
    pub legend: HtmlElement,
    /// "N of M shown".
    pub shown: HtmlElement,
    /// The reset-filters button.
    pub reset_filters: HtmlButtonElement,
    /// The filter controls.
    pub filters: HtmlElement,
    /// The highlight paste box.
    pub highlight_input: HtmlTextAreaElement,
    /// The highlight button.
    pub highlight_apply: HtmlButtonElement,
    /// The clear-highlight button.
    pub highlight_clear: HtmlButtonElement,
    /// The highlight status line.
    pub highlight_status: HtmlElement,
    /// The map's description.
    pub description: Element,
    /// The renderer line in the about section.
    pub renderer: Element,
    /// The details panel.
    pub details: HtmlElement,
    /// Its close button.
    pub details_close: HtmlButtonElement,
    /// The selection's name.
    pub details_title: HtmlElement,
    /// Id and popularity.
    pub details_sub: HtmlElement,
    /// Column names and values.
    pub details_fields: HtmlElement,
    /// The neighbour list.
    pub neighbors: HtmlElement,
    /// The compare section of the details.
    pub details_compare: HtmlElement,
    /// Its heading.
    pub compare_title: HtmlElement,
    /// Its summary line.
    pub compare_sub: HtmlElement,
    /// The selection's 2D neighbours, moved or stayed.
    pub compare_neighbors: HtmlElement,
    /// The SVG over the map where compare mode draws where neighbours went.
    pub compare_marks: Element,
    /// The loading box.
    pub loading: HtmlElement,
    /// Its text.
    pub loading_text: HtmlElement,
    /// Its progress bar.
    pub progress: HtmlElement,
    /// The polite live region announcing the selection.
    pub announce: HtmlElement,
    /// The cluster names over the map (buttons).
    pub cluster_labels: HtmlElement,
    /// The lasso being drawn (SVG) and its polygon.
    pub lasso_path: Element,
    /// The polygon inside it.
    pub lasso_polygon: Element,
    /// The lasso mode button (touch screens).
    pub lasso_mode: HtmlButtonElement,
    /// The selected entity's part of the details panel.
    pub details_entity: HtmlElement,
    /// The group's part of the details panel.
    pub group: HtmlElement,
    /// Its heading.
    pub group_title: HtmlElement,
    /// Its count line.
    pub group_sub: HtmlElement,
    /// Its per-column summary.
    pub group_summary: HtmlElement,
    /// Its most popular members.
    pub group_members: HtmlElement,
    /// Its CSV export button.
    pub group_export: HtmlButtonElement,
    /// Its clear button.
    pub group_clear: HtmlButtonElement,
}

impl Page {
    /// Finds every element; a page without one of them is not the viewer's page.
    pub fn find() -> Result<Self, WebError> {
        Ok(Self {
            canvas: by_id("map")?,
            ring: by_id("ring")?,
            labels: by_id("labels")?,
            tooltip: by_id("tooltip")?,
            top: by_id("top")?,
            title: by_id("title")?,
            search: by_id("search")?,
            results: by_id("results")?,
            zoom_in: by_id("zoom-in")?,
            zoom_out: by_id("zoom-out")?,
            reset_view: by_id("reset-view")?,
            panel: by_id("panel")?,
            panel_toggle: by_id("panel-toggle")?,
            layout_controls: by_id("layout-controls")?,
            layout: by_id("layout")?,
            compare: by_id("compare")?,
            layout_rows: by_id("layout-rows")?,
            color_by: by_id("color-by")?,
            color_note: by_id("color-note")?,
            legend: by_id("legend")?,
            shown: by_id("shown")?,
            reset_filters: by_id("reset-filters")?,
            filters: by_id("filters")?,
            highlight_input: by_id("highlight-input")?,
            highlight_apply: by_id("highlight-apply")?,
            highlight_clear: by_id("highlight-clear")?,
            highlight_status: by_id("highlight-status")?,
            description: by_id("description")?,
            renderer: by_id("renderer")?,
            details: by_id("details")?,
            details_close: by_id("details-close")?,
            details_title: by_id("details-title")?,
            details_sub: by_id("details-sub")?,
            details_fields: by_id("details-fields")?,
            neighbors: by_id("neighbors")?,
            details_compare: by_id("details-compare")?,
            compare_title: by_id("compare-title")?,
            compare_sub: by_id("compare-sub")?,
            compare_neighbors: by_id("compare-neighbors")?,
            compare_marks: by_id("compare-marks")?,
            loading: by_id("loading")?,
            loading_text: by_id("loading-text")?,
            progress: by_id("progress")?,
            announce: by_id("announce")?,
            cluster_labels: by_id("cluster-labels")?,
            lasso_path: by_id("lasso-path")?,
            lasso_polygon: by_id::<Element>("lasso-path")?
                .query_selector("polygon")
                .ok()
                .flatten()
                .ok_or(WebError::MissingElement("lasso-path polygon"))?,
            lasso_mode: by_id("lasso-mode")?,
            details_entity: by_id("details-entity")?,
            group: by_id("group")?,
            group_title: by_id("group-title")?,
            group_sub: by_id("group-sub")?,
            group_summary: by_id("group-summary")?,
            group_members: by_id("group-members")?,
            group_export: by_id("group-export")?,
            group_clear: by_id("group-clear")?,
        })
    }

    /// The canvas' top left in the window (CSS px): page positions minus this are canvas
    /// positions.
    pub fn canvas_origin(&self) -> [f64; 2] {
        let r = self.canvas.get_bounding_client_rect();
        [r.left(), r.top()]
    }

    /// The canvas and the panels shown over it, canvas-relative.
    pub fn layout(&self) -> Layout {
        let c = self.canvas.get_bounding_client_rect();
        let rect = |el: &HtmlElement| {
            let r = el.get_bounding_client_rect();
            (r.width() > 0.0 && r.height() > 0.0).then(|| Rect {
                left: r.left() - c.left(),
                top: r.top() - c.top(),
                right: r.right() - c.left(),
                bottom: r.bottom() - c.top(),
            })
        };
        Layout {
            width: c.width().max(1.0),
            height: c.height().max(1.0),
            top_bar: rect(&self.top),
            side_panel: rect(&self.panel),
            details: rect(&self.details),
        }
    }
}

/// Shows a message in the page's error box (as text) and marks the page as failed. Looks the
/// boxes up itself: it also reports a page that lacks the viewer's elements.
pub fn show_error(message: &str) {
    if let Some(el) = document().get_element_by_id("error") {
        set_text(&el, message);
        show(&el, true);
    }
    if let Some(el) = document().get_element_by_id("loading") {
        show(&el, false);
    }
    Probe::State.set("error");
}
