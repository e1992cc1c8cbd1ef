//! The search box and its results list (an ARIA combobox): type to list, ↑ ↓ to move, Enter or
//! a click to open.

use wasm_bindgen::JsCast;
use web_sys::{Event, KeyboardEvent};

use crate::state::{Command, Found, Viewer};
use crate::web::dom::{
    append, aria_bool, closest_data, closest_index, create, create_text, document, set_attr, show, toggle_attr,
    Listeners,
};
use crate::web::page::Page;
use crate::web::queue::Sender;

/// Redraws the results list and the box's ARIA state.
pub fn render(page: &Page, v: &Viewer) {
    let (list, input) = (&page.results, &page.search);
    list.set_text_content(Some(""));
    let Some(rows) = v.result_rows() else {
        show(list, false);
        set_attr(input, "aria-expanded", "false");
        toggle_attr(input, "aria-activedescendant", None);
        return;
    };
    if rows.is_empty() {
        let li = create_text("li", "empty", "No match");
        set_attr(&li, "role", "option");
        set_attr(&li, "aria-disabled", "true");
        append(list, &li);
    }
    let active = v.search().active;
    for (k, row) in rows.iter().enumerate() {
        let li = create("li");
        set_attr(&li, "role", "option");
        set_attr(&li, "id", &format!("result-{k}"));
        match row.found {
            Found::Entity(e) => set_attr(&li, "data-entity", &e.to_string()),
            Found::Cluster(level, id) => {
                set_attr(&li, "data-cluster", &format!("{level}:{id}"));
                li.set_class_name("cluster");
            }
        }
        set_attr(&li, "aria-selected", aria_bool(Some(k) == active));
        append(&li, &create_text("span", "name", &row.name));
        if !row.detail.is_empty() {
            append(&li, &create_text("span", "meta", &row.detail));
        }
        append(list, &li);
    }
    show(list, true);
    set_attr(input, "aria-expanded", "true");
    toggle_attr(input, "aria-activedescendant", active.map(|k| format!("result-{k}")).as_deref());
}

/// Scrolls the active row into view (after the state is released: scrolling fires events).
pub fn scroll_to_active(active: Option<usize>) {
    let Some(k) = active else { return };
    if let Some(li) = document().get_element_by_id(&format!("result-{k}")) {
        li.scroll_into_view_with_bool(false);
    }
}

/// Listens to the box and the list.
pub fn listen(l: &mut Listeners, page: &Page, tx: &Sender) {
    let (t, input) = (tx.clone(), page.search.clone());
    l.add(&page.search, "input", move |_| t.send(Command::Search(input.value())));
    let t = tx.clone();
    l.add(&page.search, "focus", move |_| t.send(Command::SearchFocused));
    let t = tx.clone();
    l.add(&page.search, "keydown", move |ev| {
        let Some(ev) = ev.dyn_ref::<KeyboardEvent>() else { return };
        let command = match ev.key().as_str() {
            "ArrowDown" => Command::MoveActive(1),
            "ArrowUp" => Command::MoveActive(-1),
            "Enter" => Command::SearchEnter,
            _ => return,
        };
        ev.prevent_default();
        t.send(command);
    });
    let t = tx.clone();
    // mousedown (not click) so the choice lands before the box loses focus.
    l.add(&page.results, "mousedown", move |ev: Event| {
        ev.prevent_default();
        if let Some(e) = closest_index(&ev, "[data-entity]", "data-entity") {
            t.send(Command::OpenResult(e));
        } else if let Some((level, id)) = closest_data(&ev, "[data-cluster]", "data-cluster")
            .and_then(|k| k.split_once(':').and_then(|(l, i)| Some((l.parse().ok()?, i.parse().ok()?))))
        {
            t.send(Command::OpenCluster { level, id });
        }
    });
}
