//! "Highlight a set": a paste box of ids or names, Highlight and Clear, and a status line.

use crate::state::{Command, Viewer};
use crate::web::dom::{set_text, Listeners};
use crate::web::page::Page;
use crate::web::probe::Probe;
use crate::web::queue::Sender;

/// Shows the status line and, while a set is highlighted, its size.
pub fn render(page: &Page, v: &Viewer) {
    set_text(&page.highlight_status, v.highlight_status());
    if let Some(found) = v.highlighted() {
        Probe::Highlighted.set(found);
    }
}

/// Highlights `text` as if pasted into the box (`?highlight=`).
pub fn paste(page: &Page, tx: &Sender, text: &str) {
    page.highlight_input.set_value(text);
    tx.send(Command::Highlight(text.to_string()));
}

/// Listens to the buttons.
pub fn listen(l: &mut Listeners, page: &Page, tx: &Sender) {
    let (t, input) = (tx.clone(), page.highlight_input.clone());
    l.add(&page.highlight_apply, "click", move |_| t.send(Command::Highlight(input.value())));
    let (t, input) = (tx.clone(), page.highlight_input.clone());
    l.add(&page.highlight_clear, "click", move |_| {
        input.set_value("");
        t.send(Command::Highlight(String::new()));
    });
}
