//! The details panel: the selection's name, id, popularity, every column and its nearest
//! neighbours (buttons that select them); in compare mode also its nearest 2D neighbours in the
//! shown layout, each marked as moved away or stayed in the other.

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use crate::state::{Command, Focus, Viewer};
use crate::web::dom::{append, closest_index, create, create_text, focus, set_attr, set_text, show, Listeners};
use crate::web::page::Page;
use crate::web::queue::Sender;

/// Redraws the panel: the selection's details and the group's summary (hidden without either).
pub fn render(page: &Page, v: &Viewer) {
    super::group::render(page, v);
    let d = v.details();
    show(&page.details, d.is_some() || v.group().is_some());
    show(&page.details_entity, d.is_some());
    let Some(d) = d else { return };
    set_text(&page.details_title, &d.title);
    set_text(&page.details_sub, &d.subtitle);
    let fields = &page.details_fields;
    set_text(fields, "");
    for (name, value) in &d.fields {
        append(fields, &create_text("dt", "", name));
        append(fields, &create_text("dd", "", value));
    }
    render_compare(page, v);
    let list = &page.neighbors;
    set_text(list, "");
    match d.neighbors {
        None => append(list, &create_text("li", "hint", "Loading…")),
        Some(nb) if nb.is_empty() => append(list, &create_text("li", "hint", "None recorded")),
        Some(nb) => {
            for (j, name) in nb {
                let li = create("li");
                let b = create_text("button", "", &name);
                set_attr(&b, "type", "button");
                set_attr(&b, "data-entity", &j.to_string());
                append(&li, &b);
                append(list, &li);
            }
        }
    }
}

/// The compare section (hidden outside compare mode).
fn render_compare(page: &Page, v: &Viewer) {
    let Some(c) = v.compare_details() else {
        show(&page.details_compare, false);
        return;
    };
    show(&page.details_compare, true);
    set_text(&page.compare_title, &format!("Neighbours in {} → {}", c.shown, c.other));
    let k = starmap_format::NEIGHBORHOOD_K;
    set_text(
        &page.compare_sub,
        &format!("{} of its {k} nearest in {} are not among its {k} nearest in {}.", c.changed, c.shown, c.other),
    );
    let list = &page.compare_neighbors;
    set_text(list, "");
    if c.neighbors.is_empty() {
        append(list, &create_text("li", "hint", "Loading…"));
    }
    for n in c.neighbors {
        let li = create("li");
        let b = create_text("button", "", &n.name);
        set_attr(&b, "type", "button");
        set_attr(&b, "data-entity", &n.entity.to_string());
        append(&li, &b);
        let (class, text) = if n.moved { ("moved", "moved") } else { ("stayed", "stayed") };
        append(&li, &create_text("span", class, text));
        append(list, &li);
    }
}

/// Focuses the first neighbour, keeping keyboard users in the list they were walking.
pub fn focus_first_neighbor(page: &Page) {
    if let Ok(Some(first)) = page.neighbors.query_selector("button") {
        if let Ok(first) = first.dyn_into::<HtmlElement>() {
            focus(&first);
        }
    }
}

/// Listens to the close button and the neighbour links.
pub fn listen(l: &mut Listeners, page: &Page, tx: &Sender) {
    let t = tx.clone();
    l.add(&page.details_close, "click", move |_| {
        t.send(Command::CloseDetails);
        t.send(Command::Focus(Focus::Map));
    });
    let t = tx.clone();
    l.add(&page.neighbors, "click", move |ev| {
        if let Some(e) = closest_index(&ev, "[data-entity]", "data-entity") {
            t.send(Command::Select { entity: Some(e), fly: true });
            t.send(Command::Focus(Focus::FirstNeighbor));
        }
    });
    let t = tx.clone();
    l.add(&page.compare_neighbors, "click", move |ev| {
        if let Some(e) = closest_index(&ev, "[data-entity]", "data-entity") {
            t.send(Command::Select { entity: Some(e), fly: true });
        }
    });
}
