//! Input on the map and the window, translated into commands: pointers (drag, pinch, click,
//! hover), the wheel, double clicks, keys, resizing, back and forward, and WebGL context loss.
//! Listeners read the event into plain numbers and send; they never touch the state.

use wasm_bindgen::JsCast;
use web_sys::{Element, EventTarget, HtmlButtonElement, KeyboardEvent, MouseEvent, PointerEvent, WheelEvent};

use super::dom::{report, window, Listeners};
use super::history::current_hash;
use super::page::Page;
use super::queue::{Job, Sender};
use crate::state::{page_key, Command, Direction, WheelUnit, ZOOM_STEP};

/// The position of a mouse or pointer event on the canvas (CSS px).
fn canvas_pos(page: &Page, e: &MouseEvent) -> [f64; 2] {
    let [left, top] = page.canvas_origin();
    [e.client_x() as f64 - left, e.client_y() as f64 - top]
}

/// Whether a key event comes from a field that takes typing (where only Escape is ours).
fn in_text_field(target: Option<EventTarget>) -> bool {
    target.and_then(|t| t.dyn_into::<Element>().ok()).is_some_and(|el| {
        let tag = el.tag_name().to_ascii_lowercase();
        let kind = el.get_attribute("type");
        tag == "textarea"
            || tag == "select"
            || (tag == "input" && !matches!(kind.as_deref(), Some("checkbox") | Some("range")))
    })
}

/// Makes the command of a button's click.
type ButtonCommand = fn() -> Command;

/// Listens to the map, the keyboard and the window.
pub fn listen(l: &mut Listeners, page: &std::rc::Rc<Page>, tx: &Sender) {
    listen_pointer(l, page, tx);
    let canvas: &EventTarget = &page.canvas;
    let win: EventTarget = window().into();

    // Keyboard: / focuses search, Esc closes, + − 0 move the camera; on the focused map the
    // arrows step the selection and Enter opens its details (shift+arrows pan); elsewhere the
    // arrows pan.
    let (t, p) = (tx.clone(), page.clone());
    l.add(&win, "keydown", move |ev| {
        let Some(ev) = ev.dyn_ref::<KeyboardEvent>() else { return };
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let key = ev.key();
        let on_map = ev.target().is_some_and(|t| t.loose_eq(&p.canvas));
        if key == "Escape" {
            t.send(Command::Escape);
        } else if let Some(dir) = Direction::of_key(&key).filter(|_| on_map && !ev.shift_key()) {
            ev.prevent_default();
            t.send(Command::Step { dir, free: p.layout().free_area() });
        } else if key == "Enter" && on_map {
            ev.prevent_default();
            t.send(Command::OpenDetails);
        } else if let Some(command) = page_key(&key).filter(|_| !in_text_field(ev.target())) {
            // At once, not when the command runs: the browser acts on the key when this returns.
            ev.prevent_default();
            t.send(command);
        }
    });

    // The view buttons in the top bar do what + − and 0 do.
    let buttons: [(&HtmlButtonElement, ButtonCommand); 4] = [
        (&page.zoom_in, || Command::ZoomBy(ZOOM_STEP)),
        (&page.zoom_out, || Command::ZoomBy(1.0 / ZOOM_STEP)),
        (&page.reset_view, || Command::ResetView),
        (&page.lasso_mode, || Command::ToggleLassoMode),
    ];
    for (button, command) in buttons {
        let t = tx.clone();
        l.add(button, "click", move |_| t.send(command()));
    }

    let t = tx.clone();
    l.add(&win, "resize", move |_| t.send(Job::Resize));
    for event in ["popstate", "hashchange"] {
        let t = tx.clone();
        l.add(&win, event, move |_| t.send(Command::HashChanged(current_hash())));
    }
    let t = tx.clone();
    l.add(canvas, "webglcontextlost", move |ev| {
        // Without preventDefault the browser never restores the context.
        ev.prevent_default();
        t.send(Job::ContextLost);
    });
    let t = tx.clone();
    l.add(canvas, "webglcontextrestored", move |_| t.send(Job::ContextRestored));
}

/// Pointer: drag to pan, two fingers to pinch, click to select, hover for a name; the wheel
/// zooms at the cursor, a double click zooms in (shift: out).
fn listen_pointer(l: &mut Listeners, page: &std::rc::Rc<Page>, tx: &Sender) {
    let canvas: &EventTarget = &page.canvas;
    let (t, p) = (tx.clone(), page.clone());
    l.add(canvas, "pointerdown", move |ev| {
        let Some(ev) = ev.dyn_ref::<PointerEvent>() else { return };
        // Keep receiving this pointer's moves when it leaves the canvas mid-drag.
        report(p.canvas.set_pointer_capture(ev.pointer_id()), "capturing the pointer");
        t.send(Command::PointerDown { id: ev.pointer_id(), at: canvas_pos(&p, ev), lasso: ev.shift_key() });
    });
    let (t, p) = (tx.clone(), page.clone());
    l.add(canvas, "pointermove", move |ev| {
        let Some(ev) = ev.dyn_ref::<PointerEvent>() else { return };
        let hover = ev.pointer_type() == "mouse";
        t.send(Command::PointerMove { id: ev.pointer_id(), at: canvas_pos(&p, ev), hover });
    });
    for event in ["pointerup", "pointercancel"] {
        let (t, p) = (tx.clone(), page.clone());
        l.add(canvas, event, move |ev| {
            let Some(ev) = ev.dyn_ref::<PointerEvent>() else { return };
            let cancelled = ev.type_() != "pointerup";
            t.send(Command::PointerUp { id: ev.pointer_id(), at: canvas_pos(&p, ev), cancelled });
        });
    }
    let t = tx.clone();
    l.add(canvas, "pointerleave", move |_| t.send(Command::PointerLeave));
    let (t, p) = (tx.clone(), page.clone());
    l.add_active(canvas, "wheel", move |ev| {
        let Some(ev) = ev.dyn_ref::<WheelEvent>() else { return };
        ev.prevent_default();
        let unit = match ev.delta_mode() {
            WheelEvent::DOM_DELTA_LINE => WheelUnit::Line,
            WheelEvent::DOM_DELTA_PAGE => WheelUnit::Page,
            _ => WheelUnit::Pixel,
        };
        t.send(Command::Wheel { at: canvas_pos(&p, ev), delta_y: ev.delta_y(), unit, pinch: ev.ctrl_key() });
    });
    let (t, p) = (tx.clone(), page.clone());
    l.add(canvas, "dblclick", move |ev| {
        let Some(ev) = ev.dyn_ref::<MouseEvent>() else { return };
        ev.prevent_default();
        t.send(Command::DoubleClick { at: canvas_pos(&p, ev), out: ev.shift_key() });
    });
}
