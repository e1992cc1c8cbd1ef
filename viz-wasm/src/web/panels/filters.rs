//! The filter controls: two sliders per numeric column, checkboxes (the most frequent
//! categories) with All / None per categorical or tags column, the "N of M shown" line and the
//! reset button. Controls are built once from the manifest and then only follow the state.

use starmap_format::{ColumnKind, Manifest};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

use crate::filter::ColumnFilter;
use crate::fmtval::format_number;
use crate::state::{position_of, Command, RangeEnd, Viewer, SLIDER_STEPS};
use crate::web::dom::{append, closest_data, create, create_text, document, set_attr, set_text, Listeners};
use crate::web::page::Page;
use crate::web::queue::Sender;

/// Most categories listed as checkboxes per column (the most frequent).
const MAX_CHECKBOXES: usize = 300;

fn set_attrs(el: &Element, attrs: &[(&str, &str)]) {
    for (k, v) in attrs {
        set_attr(el, k, v);
    }
}

/// Builds the controls of every filterable column (the values arrive later; controls work on
/// column and category indices).
pub fn build(page: &Page, m: &Manifest) {
    let root = &page.filters;
    set_text(root, "");
    for (col, info) in m.columns.iter().enumerate().filter(|(_, c)| c.kind != ColumnKind::Text) {
        let col_s = col.to_string();
        let details = create("details");
        set_attr(&details, "data-col", &col_s);
        let summary = create_text("summary", "", &info.name);
        append(&summary, &create_text("span", "active", ""));
        append(&details, &summary);
        if info.kind == ColumnKind::Numeric {
            let wrap = create("div");
            wrap.set_class_name("filter-range");
            let steps = SLIDER_STEPS.to_string();
            for (end, label, bound, value) in [("lo", "from", "minimum", "0"), ("hi", "to", "maximum", steps.as_str())]
            {
                let l = create("label");
                append(&l, &document().create_text_node(&format!("{label} ")));
                let out = create_text("span", "readout", "");
                set_attr(&out, "data-readout", &format!("{col}-{end}"));
                append(&l, &out);
                let input = create("input");
                let aria = format!("{} {bound}", info.name);
                set_attrs(
                    &input,
                    &[
                        ("type", "range"),
                        ("min", "0"),
                        ("max", &steps),
                        ("step", "1"),
                        ("value", value),
                        ("data-col", &col_s),
                        ("data-end", end),
                        ("aria-label", &aria),
                    ],
                );
                append(&l, &input);
                append(&wrap, &l);
            }
            append(&details, &wrap);
        } else {
            let buttons = create("div");
            buttons.set_class_name("filter-buttons");
            for (action, text) in [("all", "All"), ("none", "None")] {
                let b = create_text("button", "", text);
                set_attrs(&b, &[("type", "button"), ("data-col", &col_s), ("data-action", action)]);
                append(&buttons, &b);
            }
            append(&details, &buttons);
            let mut order: Vec<usize> = (0..info.categories.len()).collect();
            order.sort_by_key(|&c| (std::cmp::Reverse(info.categories[c].count), c));
            order.truncate(MAX_CHECKBOXES);
            let add = |label: &str, count: u64, attr: (&str, &str)| {
                let l = create("label");
                l.set_class_name("filter-cat");
                let input = create("input");
                set_attrs(&input, &[("type", "checkbox"), ("checked", ""), ("data-col", &col_s), attr]);
                append(&l, &input);
                append(&l, &create_text("span", "", label));
                append(&l, &create_text("span", "count", &format_number(count as f64)));
                append(&details, &l);
            };
            for &c in &order {
                let cat = &info.categories[c];
                add(&cat.value, cat.count as u64, ("data-code", &c.to_string()));
            }
            if info.missing > 0 {
                add("(no value)", info.missing as u64, ("data-missing", "1"));
            }
            if info.categories.len() > MAX_CHECKBOXES {
                let note = format!("The {MAX_CHECKBOXES} most common of {} values", info.categories.len());
                append(&details, &create_text("p", "hint", &note));
            }
        }
        append(root, &details);
    }
}

fn col_of(el: &Element) -> Option<usize> {
    el.get_attribute("data-col")?.parse().ok()
}

/// Makes every control show the filters: slider positions and readouts, checkboxes, and the
/// "filtered" mark of each active column.
pub fn sync(page: &Page, v: &Viewer) {
    let m = v.manifest();
    let root = &page.filters;
    let Ok(inputs) = root.query_selector_all("input[data-col]") else { return };
    for i in 0..inputs.length() {
        let Some(input) = inputs.item(i).and_then(|n| n.dyn_into::<HtmlInputElement>().ok()) else { continue };
        let Some(col) = col_of(&input) else { continue };
        match v.filters().get(col) {
            Some(&ColumnFilter::Range { lo, hi }) => {
                let Some(info) = m.columns.get(col) else { continue };
                let end = input.get_attribute("data-end");
                let (value, end) = if end.as_deref() == Some("lo") { (lo, "lo") } else { (hi, "hi") };
                let pos = position_of(info.min.unwrap_or(0.0), info.max.unwrap_or(0.0), value);
                input.set_value(&pos.to_string());
                if let Ok(Some(out)) = root.query_selector(&format!("[data-readout=\"{col}-{end}\"]")) {
                    set_text(&out, &format_number(value));
                }
            }
            Some(ColumnFilter::Categories { enabled, missing }) => {
                let on = match input.get_attribute("data-code").and_then(|c| c.parse::<usize>().ok()) {
                    Some(code) => enabled.get(code).copied().unwrap_or(true),
                    None => *missing,
                };
                input.set_checked(on);
            }
            None => {}
        }
    }
    let Ok(all) = root.query_selector_all("details[data-col]") else { return };
    for i in 0..all.length() {
        let Some(d) = all.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
        let Some(col) = col_of(&d) else { continue };
        if let Ok(Some(mark)) = d.query_selector("summary .active") {
            set_text(&mark, if v.filters().is_active(col) { "filtered" } else { "" });
        }
    }
}

/// "N of M shown".
pub fn render_shown(page: &Page, v: &Viewer) {
    let text = format!("{} of {} shown", format_number(v.shown() as f64), format_number(v.n() as f64));
    set_text(&page.shown, &text);
}

/// The command a filter input stands for.
fn input_command(input: &HtmlInputElement) -> Option<Command> {
    let col = col_of(input)?;
    match input.type_().as_str() {
        "range" => {
            let end =
                if input.get_attribute("data-end").as_deref() == Some("lo") { RangeEnd::Lo } else { RangeEnd::Hi };
            Some(Command::SetRange { col, end, pos: input.value().parse().unwrap_or(0.0) })
        }
        "checkbox" => {
            let code = input.get_attribute("data-code").and_then(|c| c.parse().ok());
            Some(Command::SetCategory { col, code, on: input.checked() })
        }
        _ => None,
    }
}

/// Listens to the controls (delegated: one listener per event on the container).
pub fn listen(l: &mut Listeners, page: &Page, tx: &Sender) {
    let t = tx.clone();
    l.add(&page.filters, "input", move |ev| {
        let input = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
        if let Some(command) = input.as_ref().and_then(input_command) {
            t.send(command);
        }
    });
    // A slider let go or a box ticked: one history entry, not one per step.
    let t = tx.clone();
    l.add(&page.filters, "change", move |_| t.send(Command::FiltersCommitted));
    let t = tx.clone();
    l.add(&page.filters, "click", move |ev| {
        let Some(action) = closest_data(&ev, "[data-action]", "data-action") else { return };
        let Some(col) = closest_data(&ev, "[data-action]", "data-col").and_then(|c| c.parse().ok()) else { return };
        t.send(Command::SetAllCategories { col, on: action == "all" });
    });
    let t = tx.clone();
    l.add(&page.reset_filters, "click", move |_| t.send(Command::ResetFilters));
}
