//! The layouts section: the Layout menu (layouts whose positions are still loading are listed,
//! disabled), the Compare-with menu, and every layout's quality figures from the manifest. While
//! comparing, the colour-by menu gives way (its choice comes back after).

use starmap_format::Manifest;

use crate::state::{Command, Viewer};
use crate::web::dom::{append, create, create_text, set_attr, set_text, show, toggle_attr, Listeners};
use crate::web::page::Page;
use crate::web::probe::Probe;
use crate::web::queue::Sender;

/// Lists the layouts in both menus; the menus show only for a map of several layouts.
pub fn build(page: &Page, m: &Manifest) {
    for (l, info) in m.layouts.iter().enumerate() {
        for menu in [&page.layout, &page.compare] {
            let opt = create_text("option", "", &info.name);
            set_attr(&opt, "value", &l.to_string());
            append(menu, &opt);
        }
    }
    show(&page.layout_controls, m.layouts.len() > 1);
}

/// Shows the layout shown, the one compared with, which can be chosen, and the figures.
pub fn render(page: &Page, v: &Viewer) {
    let rows = v.layout_rows();
    let (shown, compare) = (v.shown_layout(), v.compare());
    for (l, row) in rows.iter().enumerate() {
        let option =
            |menu: &web_sys::HtmlSelectElement| menu.query_selector(&format!("option[value=\"{l}\"]")).ok().flatten();
        if let Some(opt) = option(&page.layout) {
            let text = if row.loaded { row.name.clone() } else { format!("{} (loading…)", row.name) };
            set_text(&opt, &text);
            toggle_attr(&opt, "disabled", (!row.loaded).then_some(""));
        }
        if let Some(opt) = option(&page.compare) {
            toggle_attr(&opt, "disabled", (!row.loaded || l == shown).then_some(""));
        }
    }
    page.layout.set_value(&shown.to_string());
    page.compare.set_value(&compare.map(|c| c.to_string()).unwrap_or_default());
    let body = &page.layout_rows;
    set_text(body, "");
    for (l, row) in rows.iter().enumerate() {
        let tr = create("tr");
        if l == shown {
            set_attr(&tr, "aria-current", "true");
        }
        let name = create_text("td", "", &row.name);
        set_attr(&name, "title", &row.spec);
        append(&tr, &name);
        let recall = create_text("td", "", &row.recall);
        set_attr(&recall, "title", &format!("A random layout: {}", row.recall_random));
        append(&tr, &recall);
        for figure in [&row.trust, &row.agreement] {
            append(&tr, &create_text("td", "", figure));
        }
        append(body, &tr);
    }
    page.color_by.set_disabled(compare.is_some());
    show(&page.color_note, compare.is_some());
    let m = v.manifest();
    if let Some(info) = m.layouts.get(shown) {
        Probe::Layout.set(&info.name);
    }
    match compare.and_then(|c| m.layouts.get(c)) {
        Some(info) => Probe::Compare.set(&info.name),
        None => Probe::Compare.clear(),
    }
}

/// Listens to both menus.
pub fn listen(l: &mut Listeners, page: &Page, tx: &Sender) {
    let (t, menu) = (tx.clone(), page.layout.clone());
    l.add(&page.layout, "change", move |_| {
        if let Ok(layout) = menu.value().parse() {
            t.send(Command::SetLayout(layout));
        }
    });
    let (t, menu) = (tx.clone(), page.compare.clone());
    l.add(&page.compare, "change", move |_| t.send(Command::SetCompare(menu.value().parse().ok())));
}
