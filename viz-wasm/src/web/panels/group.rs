//! The group's part of the details panel (a cluster or a lasso chosen as a whole): its name,
//! count, the top values of each column, its most popular members (buttons that select them),
//! and "Export CSV", which downloads its members passing the filters.

use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

use crate::state::{Command, Viewer};
use crate::web::dom::{
    append, body, closest_data, closest_index, create, create_text, report, set_attr, set_text, show, Listeners,
};
use crate::web::page::Page;
use crate::web::queue::Sender;
use crate::web::with_viewer;

/// Redraws the group's part (hidden without a group).
pub fn render(page: &Page, v: &Viewer) {
    let Some(g) = v.group_view() else {
        show(&page.group, false);
        return;
    };
    show(&page.group, true);
    set_text(&page.group_title, &g.title);
    set_text(&page.group_sub, &g.subtitle);
    let summary = &page.group_summary;
    set_text(summary, "");
    for (name, text) in &g.summary {
        append(summary, &create_text("dt", "", name));
        append(summary, &create_text("dd", "", text));
    }
    let list = &page.group_members;
    set_text(list, "");
    if g.members.is_empty() {
        append(list, &create_text("li", "hint", "None passes the filters"));
    }
    for (e, name) in g.members {
        let li = create("li");
        let b = create_text("button", "", &name);
        set_attr(&b, "type", "button");
        set_attr(&b, "data-entity", &e.to_string());
        append(&li, &b);
        append(list, &li);
    }
}

/// Offers `text` as a download named `name` (a CSV file).
fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let Some(blob) = report(Blob::new_with_str_sequence_and_options(&parts, &options), "making the CSV") else {
        return;
    };
    let Some(url) = report(Url::create_object_url_with_blob(&blob), "making the CSV's address") else { return };
    if let Ok(a) = create("a").dyn_into::<HtmlAnchorElement>() {
        a.set_href(&url);
        a.set_download(name);
        append(&body(), &a);
        a.click();
        a.remove();
    }
    // The browser has taken the file once the click returns.
    report(Url::revoke_object_url(&url), "releasing the CSV");
}

/// Listens to the export and clear buttons and the member links.
pub fn listen(l: &mut Listeners, page: &Page, tx: &Sender) {
    l.add(&page.group_export, "click", move |_| {
        // Read at the click, not queued: the download must start inside the user's gesture.
        with_viewer(|v| download(&v.group_file_name(), &v.group_csv()));
    });
    let t = tx.clone();
    l.add(&page.group_clear, "click", move |_| t.send(Command::ClearGroup));
    let t = tx.clone();
    l.add(&page.cluster_labels, "click", move |ev| {
        let Some(key) = closest_data(&ev, "[data-cluster]", "data-cluster") else { return };
        let Some((level, id)) = key.split_once(':') else { return };
        if let (Ok(level), Ok(id)) = (level.parse(), id.parse()) {
            t.send(Command::SelectCluster { level, id });
        }
    });
    let t = tx.clone();
    l.add(&page.group_members, "click", move |ev| {
        if let Some(e) = closest_index(&ev, "[data-entity]", "data-entity") {
            t.send(Command::Select { entity: Some(e), fly: true });
        }
    });
}
