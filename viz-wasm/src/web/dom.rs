//! Small DOM helpers over web-sys. Calls that fail only on a bug of ours (an invalid attribute
//! name, a node appended into itself) are not worth stopping the viewer for, but they are not
//! dropped either: each failure is written to the console with what was being done.
//! Listeners are registered through [`Listeners`], which keeps each closure so it can be removed.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, EventTarget, HtmlElement, Node, Window};

use super::error::WebError;

/// The browser window (the viewer only runs in one).
pub fn window() -> Window {
    web_sys::window().expect("the viewer runs in a browser window")
}

/// The page's document.
pub fn document() -> Document {
    window().document().expect("the window has a document")
}

/// The page's `<body>`.
pub fn body() -> HtmlElement {
    document().body().expect("the page has a body")
}

/// Milliseconds since navigation (the clock of animation frames).
pub fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

/// Readable text of a JS error value.
pub fn js_text(v: &JsValue) -> String {
    if let Some(e) = v.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    v.as_string().unwrap_or_else(|| format!("{v:?}"))
}

/// Turns a thrown JS value into a [`WebError`] naming what was being done.
pub fn js_err(doing: &'static str) -> impl Fn(JsValue) -> WebError {
    move |e| WebError::Js { doing, message: js_text(&e) }
}

/// Reports a failed DOM call on the console; the viewer goes on.
pub fn report<T>(result: Result<T, JsValue>, doing: &str) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            web_sys::console::warn_1(&format!("starmap: {doing} failed: {}", js_text(&e)).into());
            None
        }
    }
}

/// The element `#id` as a `T`. Never inlined: the page finds some sixty elements, and inlined
/// copies of this made the viewer's largest function.
#[inline(never)]
pub fn by_id<T: JsCast>(id: &'static str) -> Result<T, WebError> {
    document()
        .get_element_by_id(id)
        .ok_or(WebError::MissingElement(id))?
        .dyn_into::<T>()
        .map_err(|_| WebError::WrongElement(id))
}

/// A new element (`tag` is always one of ours, so creating it cannot fail).
pub fn create(tag: &str) -> Element {
    document().create_element(tag).expect("valid tag name")
}

/// A new element holding `text` (as text, never markup), with an optional class.
pub fn create_text(tag: &str, class: &str, text: &str) -> Element {
    let el = create(tag);
    if !class.is_empty() {
        el.set_class_name(class);
    }
    set_text(&el, text);
    el
}

/// Replaces an element's content by `text`.
pub fn set_text(el: &Node, text: &str) {
    el.set_text_content(Some(text));
}

/// Sets an attribute.
pub fn set_attr(el: &Element, name: &str, value: &str) {
    report(el.set_attribute(name, value), "setting an attribute");
}

/// Removes an attribute.
pub fn remove_attr(el: &Element, name: &str) {
    report(el.remove_attribute(name), "removing an attribute");
}

/// Sets or removes an attribute.
pub fn toggle_attr(el: &Element, name: &str, value: Option<&str>) {
    match value {
        Some(v) => set_attr(el, name, v),
        None => remove_attr(el, name),
    }
}

/// Shows or hides an element (the `hidden` attribute).
pub fn show(el: &Element, visible: bool) {
    toggle_attr(el, "hidden", (!visible).then_some(""));
}

/// `"true"` or `"false"`, for ARIA attributes.
pub fn aria_bool(on: bool) -> &'static str {
    if on {
        "true"
    } else {
        "false"
    }
}

/// Appends `child` to `parent`.
pub fn append(parent: &Node, child: &Node) {
    report(parent.append_child(child), "adding an element");
}

/// Sets one CSS property inline.
pub fn set_style(el: &HtmlElement, property: &str, value: &str) {
    report(el.style().set_property(property, value), "setting a style");
}

/// Adds or removes a class.
pub fn set_class(el: &Element, class: &str, on: bool) {
    let list = el.class_list();
    report(if on { list.add_1(class) } else { list.remove_1(class) }, "changing a class");
}

/// Moves the keyboard focus to `el`.
pub fn focus(el: &HtmlElement) {
    report(el.focus(), "moving the focus");
}

/// A `data-*` attribute of the nearest element around an event's target that matches `selector`.
pub fn closest_data(event: &Event, selector: &str, attr: &str) -> Option<String> {
    let el: Element = event.target()?.dyn_into().ok()?;
    el.closest(selector).ok()??.get_attribute(attr)
}

/// [`closest_data`] parsed as a number (indices and entities).
pub fn closest_index<T: std::str::FromStr>(event: &Event, selector: &str, attr: &str) -> Option<T> {
    closest_data(event, selector, attr)?.parse().ok()
}

/// One registered listener: where, which event, and the closure that must outlive it.
type Listener = (EventTarget, &'static str, Closure<dyn FnMut(Event)>);

/// DOM listeners, kept so they can be removed.
#[derive(Default)]
pub struct Listeners {
    items: Vec<Listener>,
}

impl Listeners {
    /// Calls `f` on every `event` at `target`.
    pub fn add(&mut self, target: &EventTarget, event: &'static str, f: impl FnMut(Event) + 'static) {
        self.register(target, event, None, f);
    }

    /// Like [`Listeners::add`], but not passive, so `f` may call `preventDefault` (wheel, touch).
    pub fn add_active(&mut self, target: &EventTarget, event: &'static str, f: impl FnMut(Event) + 'static) {
        self.register(target, event, Some(false), f);
    }

    fn register(
        &mut self,
        target: &EventTarget,
        event: &'static str,
        passive: Option<bool>,
        f: impl FnMut(Event) + 'static,
    ) {
        let closure = Closure::<dyn FnMut(Event)>::new(f);
        let cb = closure.as_ref().unchecked_ref();
        let added = match passive {
            Some(p) => {
                let opts = web_sys::AddEventListenerOptions::new();
                opts.set_passive(p);
                target.add_event_listener_with_callback_and_add_event_listener_options(event, cb, &opts)
            }
            None => target.add_event_listener_with_callback(event, cb),
        };
        if report(added, "listening to an event").is_some() {
            self.items.push((target.clone(), event, closure));
        }
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        for (target, event, closure) in self.items.drain(..) {
            report(
                target.remove_event_listener_with_callback(event, closure.as_ref().unchecked_ref()),
                "removing a listener",
            );
        }
    }
}
