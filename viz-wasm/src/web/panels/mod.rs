//! The panels around the map. Each renders from the state (`render…`) and turns its controls'
//! events into commands (`listen`); none keeps state of its own.

pub mod details;
pub mod filters;
pub mod group;
pub mod highlight;
pub mod layouts;
pub mod legend;
pub mod search;

use super::dom::{aria_bool, report, set_attr, Listeners};
use super::page::Page;
use super::queue::Sender;

/// Listens to every panel, and to the narrow-screen button that opens the side panel (page
/// only: the state does not care whether the drawer is open).
pub fn listen(l: &mut Listeners, page: &Page, tx: &Sender) {
    search::listen(l, page, tx);
    details::listen(l, page, tx);
    filters::listen(l, page, tx);
    group::listen(l, page, tx);
    legend::listen(l, page, tx);
    highlight::listen(l, page, tx);
    layouts::listen(l, page, tx);
    let (panel, toggle) = (page.panel.clone(), page.panel_toggle.clone());
    l.add(&page.panel_toggle, "click", move |_| {
        let open = report(panel.class_list().toggle("open"), "opening the panel").unwrap_or(false);
        set_attr(&toggle, "aria-expanded", aria_bool(open));
    });
}
