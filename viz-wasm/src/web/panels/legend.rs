//! Colour-by: the column menu and the legend. A categorical legend's entries are buttons that
//! show (`aria-pressed`) and flip whether their categories pass the filter; a numeric one is a
//! ramp between the column's extremes.

use starmap_format::{ColumnKind, Manifest};

use crate::colors::Legend;
use crate::fmtval::format_number;
use crate::state::{Command, Viewer};
use crate::web::dom::{append, aria_bool, closest_index, create, create_text, set_attr, set_text, Listeners};
use crate::web::page::Page;
use crate::web::queue::Sender;

/// Menu value of colouring by cluster (columns are numbered).
const CLUSTERS: &str = "clusters";

/// Lists the columns that can colour (all but text) in the menu, after the clusters when the
/// map has them.
pub fn build_options(page: &Page, m: &Manifest) {
    if m.clusters.is_some() {
        let opt = create_text("option", "", "Cluster");
        set_attr(&opt, "value", CLUSTERS);
        append(&page.color_by, &opt);
    }
    for (i, c) in m.columns.iter().enumerate().filter(|(_, c)| c.kind != ColumnKind::Text) {
        let opt = create_text("option", "", &c.name);
        set_attr(&opt, "value", &i.to_string());
        append(&page.color_by, &opt);
    }
}

/// Shows the colour column in the menu.
pub fn render_menu(page: &Page, v: &Viewer) {
    let value = if v.colors_clusters() {
        CLUSTERS.to_string()
    } else {
        v.color_col().map(|c| c.to_string()).unwrap_or_default()
    };
    page.color_by.set_value(&value);
}

/// Redraws the legend.
pub fn render(page: &Page, v: &Viewer) {
    let list = &page.legend;
    set_text(list, "");
    match &v.coloring().legend {
        Legend::None => {}
        Legend::Categories(entries) => {
            for (k, (entry, on)) in entries.iter().zip(v.legend_on()).enumerate() {
                let li = create("li");
                let b = create("button");
                set_attr(&b, "type", "button");
                set_attr(&b, "data-legend", &k.to_string());
                set_attr(&b, "aria-pressed", aria_bool(on));
                set_attr(&b, "title", "Show or dim this category");
                let swatch = create("span");
                swatch.set_class_name("swatch");
                let [r, g, bl] = entry.color;
                set_attr(&swatch, "style", &format!("background: rgb({r}, {g}, {bl})"));
                append(&b, &swatch);
                append(&b, &create_text("span", "label", &entry.label));
                append(&b, &create_text("span", "count", &format_number(entry.count as f64)));
                append(&li, &b);
                append(list, &li);
            }
        }
        Legend::Ramp { min, max, log, stops } => {
            let li = create("li");
            let ramp = create("div");
            ramp.set_class_name("ramp");
            let stops: Vec<String> = stops.iter().map(|[r, g, b]| format!("rgb({r}, {g}, {b})")).collect();
            set_attr(&ramp, "style", &format!("background: linear-gradient(to right, {})", stops.join(", ")));
            let labels = create("div");
            labels.set_class_name("ramp-labels");
            append(&labels, &create_text("span", "", min));
            if *log {
                append(&labels, &create_text("span", "", "log scale"));
            }
            append(&labels, &create_text("span", "", max));
            append(&li, &ramp);
            append(&li, &labels);
            append(list, &li);
        }
    }
}

/// Listens to the menu and the legend's entries.
pub fn listen(l: &mut Listeners, page: &Page, tx: &Sender) {
    let (t, menu) = (tx.clone(), page.color_by.clone());
    l.add(&page.color_by, "change", move |_| {
        let value = menu.value();
        t.send(if value == CLUSTERS { Command::ColorByClusters } else { Command::SetColorBy(value.parse().ok()) });
    });
    let t = tx.clone();
    l.add(&page.legend, "click", move |ev| {
        if let Some(k) = closest_index(&ev, "[data-legend]", "data-legend") {
            t.send(Command::ToggleLegend(k));
        }
    });
}
