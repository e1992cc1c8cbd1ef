//! The viewer driven through commands on the sample map (four entities, every column kind),
//! as the web layer drives it.

use starmap_format::read::{decode_metadata, decode_neighbors_file, Labels, Points};
use starmap_format::testing::sample;
use starmap_format::{EncodedMap, FILE_LABELS, FILE_METADATA, FILE_NEIGHBORS, FILE_POINTS};

use super::*;
use crate::render::{FLAG_FILTERED_OUT, FLAG_HIGHLIGHTED, FLAG_SELECTED};

const W: f64 = 800.0;
const H: f64 = 600.0;

fn file<'a>(e: &'a EncodedMap, name: &str) -> &'a [u8] {
    &e.files.iter().find(|(n, _)| n == name).unwrap().1
}

/// A viewer that has been sent `hash` on start, with nothing loaded.
fn started(hash: &str) -> (Viewer, EncodedMap) {
    let e = sample();
    let mut v = Viewer::new(e.manifest.clone(), &Layout::bare(W, H));
    v.apply(Command::ApplyUrl { hash: hash.into(), animate: false }, 0.0);
    (v, e)
}

fn send_points(v: &mut Viewer, e: &EncodedMap) -> Changes {
    let points = Points::decode(&e.manifest, file(e, FILE_POINTS)).unwrap();
    let ch = v.apply(Command::Points(points), 0.0);
    v.apply(Command::IndexPoints, 0.0);
    ch
}

fn send_labels(v: &mut Viewer, e: &EncodedMap, search_focused: bool) -> Changes {
    let (labels, columns) = Labels::decode(&e.manifest, file(e, FILE_LABELS)).unwrap();
    v.apply(Command::Labels { labels, columns, search_focused }, 0.0)
}

fn send_rest(v: &mut Viewer, e: &EncodedMap) {
    let cols = decode_metadata(&e.manifest, file(e, FILE_METADATA)).unwrap();
    v.apply(Command::Metadata(cols), 0.0);
    let nb = decode_neighbors_file(&e.manifest, file(e, FILE_NEIGHBORS)).unwrap();
    v.apply(Command::Neighbors(nb), 0.0);
}

/// A viewer with every file loaded and the URL live.
fn loaded(hash: &str) -> Viewer {
    let (mut v, e) = started(hash);
    send_points(&mut v, &e);
    send_labels(&mut v, &e, false);
    send_rest(&mut v, &e);
    v.apply(Command::Ready { hash: hash.into() }, 0.0);
    v
}

fn flags(v: &Viewer, e: u32) -> u8 {
    v.attrs()[v.map().rank_of[e as usize] as usize * 4 + 2]
}

fn screen_of(v: &Viewer, e: u32) -> [f64; 2] {
    v.camera().screen_from_world(v.map().world_of(e))
}

fn col(v: &Viewer, name: &str) -> usize {
    v.manifest().column_index(name).unwrap()
}

#[test]
fn files_install_as_they_arrive() {
    let (mut v, e) = started("");
    let ch = send_points(&mut v, &e);
    assert!(ch.positions && ch.attrs.all && ch.frame);
    assert_eq!(v.attrs().len(), 16);
    assert_eq!(v.map().order, vec![3, 0, 2, 1], "most popular drawn first");
    let ch = send_labels(&mut v, &e, false);
    assert!(ch.search_ready && !ch.searched);
    assert_eq!(v.map().name(0), "Alpha");
    send_rest(&mut v, &e);
    assert_eq!(v.shown(), 4);
}

#[test]
fn a_link_waits_for_the_files_it_names() {
    let (mut v, e) = started("s=b&c=kind&f=kind=x&q=be");
    send_points(&mut v, &e);
    assert_eq!(v.selected(), None);
    let ch = send_labels(&mut v, &e, false);
    assert_eq!(v.selected(), Some(1));
    assert_eq!(ch.fly_to, Some(1), "a link without a view flies to its selection");
    assert!(ch.search_text && ch.details);
    assert_eq!(v.search().text, "be");
    assert_eq!(ch.url, None, "nothing is written before every file is in");
    assert_eq!(v.color_col(), None);
    send_rest(&mut v, &e);
    assert_eq!(v.color_col(), Some(col(&v, "kind")));
    assert_eq!(v.shown(), 1);
    assert_eq!(flags(&v, 1), FLAG_SELECTED | FLAG_FILTERED_OUT);
}

#[test]
fn selecting_pushes_history_and_touches_two_points() {
    let mut v = loaded("");
    let ch = v.apply(Command::Select { entity: Some(2), fly: false }, 0.0);
    assert!(matches!(&ch.url, Some(UrlWrite::Push(h)) if h.contains("s=c")), "{:?}", ch.url);
    assert!(ch.details && ch.selection && !ch.attrs.all);
    assert_eq!(ch.attrs.ranks, vec![v.map().rank_of[2] as usize]);
    let ch = v.apply(Command::Select { entity: Some(0), fly: true }, 0.0);
    assert_eq!(ch.attrs.ranks.len(), 2, "the old and the new selection");
    assert_eq!(ch.fly_to, Some(0));
    assert_eq!((flags(&v, 0), flags(&v, 2)), (FLAG_SELECTED, 0));
    // Out of range selects nothing.
    v.apply(Command::Select { entity: Some(99), fly: false }, 0.0);
    assert_eq!(v.selected(), None);
}

#[test]
fn the_details_show_every_column_and_the_neighbours() {
    let mut v = loaded("");
    assert!(v.details().is_none());
    v.apply(Command::Select { entity: Some(0), fly: false }, 0.0);
    let d = v.details().unwrap();
    assert_eq!(d.title, "Alpha");
    assert_eq!(d.subtitle, "id a · popularity 3");
    let names: Vec<&str> = d.fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["title", "kind", "year", "genre"]);
    assert_eq!(d.fields[1].1, "x");
    assert_eq!(d.neighbors, Some(vec![(1, "Beta".into()), (2, "c".into())]));
}

#[test]
fn fly_to_lands_the_entity_in_the_free_area() {
    let mut v = loaded("");
    let free = Rect { left: 300.0, top: 50.0, right: W, bottom: H };
    let ch = v.apply(Command::FlyToEntity { entity: 1, free }, 1000.0);
    assert!(ch.frame);
    // Frames before the end keep asking for frames; the last one settles the URL.
    let ch = v.apply(Command::Frame { t_ms: 1100.0 }, 1100.0);
    assert!(ch.paint && ch.frame && !ch.settle);
    let ch = v.apply(Command::Frame { t_ms: 10_000.0 }, 10_000.0);
    assert!(ch.paint && !ch.frame && ch.settle);
    let [x, y] = screen_of(&v, 1);
    assert!((x - 550.0).abs() < 1e-6 && (y - 325.0).abs() < 1e-6, "{x} {y}");
    assert!(v.camera().zoom_ratio() >= 6.0 - 1e-9);
    assert!(matches!(v.apply(Command::ViewSettled, 0.0).url, Some(UrlWrite::Replace(_))));
}

#[test]
fn search_escape_and_focus_again() {
    let mut v = loaded("");
    let ch = v.apply(Command::Search("alp".into()), 0.0);
    assert!(ch.results && ch.searched && ch.settle);
    let rows = v.result_rows().unwrap();
    assert_eq!(rows[0].name, "Alpha");
    assert_eq!(rows[0].detail, "x", "the first non-label column with a value");
    let ch = v.apply(Command::Escape, 0.0);
    assert!(ch.results && v.result_rows().is_none());
    // Focusing the box again (the "/" key) lists the same text's matches.
    let ch = v.apply(Command::SearchFocused, 0.0);
    assert!(ch.results && ch.searched);
    assert_eq!(v.result_rows().unwrap().len(), rows.len());
    // Focusing with the list open does not search again.
    assert!(!v.apply(Command::SearchFocused, 0.0).searched);
    let ch = v.apply(Command::SearchEnter, 0.0);
    assert_eq!(v.selected(), Some(0));
    assert_eq!(ch.fly_to, Some(0));
    assert!(v.result_rows().is_none());
    assert!(matches!(&ch.url, Some(UrlWrite::Push(h)) if h.contains("s=a") && h.contains("q=alp")));
    // Escape now closes the details and hands the focus to the map.
    let ch = v.apply(Command::Escape, 0.0);
    assert_eq!((v.selected(), ch.focus), (None, Some(Focus::Map)));
}

#[test]
fn linked_search_text_is_searched_when_the_names_arrive_if_focused() {
    let (mut v, e) = started("q=bet");
    send_points(&mut v, &e);
    let ch = send_labels(&mut v, &e, true);
    assert!(ch.search_text && ch.searched);
    assert_eq!(v.result_rows().unwrap()[0].entity, 1);
    let (mut v, e) = started("q=bet");
    send_points(&mut v, &e);
    let ch = send_labels(&mut v, &e, false);
    assert!(ch.search_text && !ch.searched, "shown, not searched, in a box without focus");
}

#[test]
fn the_active_result_moves_and_scrolls() {
    let mut v = loaded("");
    v.apply(Command::Search("a".into()), 0.0);
    let n = v.search().hits.len();
    assert!(n >= 2, "{n}");
    let ch = v.apply(Command::MoveActive(1), 0.0);
    assert!(ch.results && ch.scroll_to_active);
    assert_eq!(v.search().active, Some(1));
    v.apply(Command::Escape, 0.0);
    assert!(!v.apply(Command::MoveActive(1), 0.0).results, "nothing to move in a closed list");
}

#[test]
fn filters_dim_points_and_commit_to_history() {
    let mut v = loaded("");
    let kind = col(&v, "kind");
    let ch = v.apply(Command::SetCategory { col: kind, code: Some(1), on: false }, 0.0);
    assert!(ch.shown && ch.filter_controls && ch.legend && ch.attrs.all);
    assert_eq!(ch.url, None, "history waits for the control to be let go");
    assert_eq!(v.shown(), 2);
    assert_eq!(flags(&v, 1), FLAG_FILTERED_OUT);
    let ch = v.apply(Command::FiltersCommitted, 0.0);
    assert!(matches!(&ch.url, Some(UrlWrite::Push(h)) if h.contains("f=kind=x|-")), "{:?}", ch.url);
    v.apply(Command::SetAllCategories { col: kind, on: false }, 0.0);
    assert_eq!(v.shown(), 0);
    let ch = v.apply(Command::ResetFilters, 0.0);
    assert_eq!(v.shown(), 4);
    assert!(matches!(ch.url, Some(UrlWrite::Push(_))));
}

#[test]
fn range_sliders_never_cross() {
    let mut v = loaded("");
    let year = col(&v, "year");
    v.apply(Command::SetRange { col: year, end: RangeEnd::Lo, pos: 500.0 }, 0.0);
    // years 1999, –, 2001, 2010 over 1999..2010: from 2004.5 keeps only 2010.
    assert_eq!(v.shown(), 1);
    v.apply(Command::SetRange { col: year, end: RangeEnd::Hi, pos: 100.0 }, 0.0);
    let Some(crate::filter::ColumnFilter::Range { lo, hi }) = v.filters().get(year) else { panic!() };
    assert_eq!(lo, hi, "the upper end stops at the lower one");
}

#[test]
fn the_legend_filters_its_colour_column() {
    let mut v = loaded("");
    let kind = col(&v, "kind");
    v.apply(Command::SetColorBy(Some(kind)), 0.0);
    assert_eq!(v.legend_on(), vec![true, true, true]);
    let ch = v.apply(Command::ToggleLegend(0), 0.0);
    assert!(ch.legend && matches!(ch.url, Some(UrlWrite::Push(_))));
    assert!(!v.legend_on()[0]);
    assert!(v.shown() < 4);
    // Text columns cannot colour.
    v.apply(Command::SetColorBy(Some(col(&v, "title"))), 0.0);
    assert_eq!(v.color_col(), None);
    assert!(v.legend_on().is_empty());
}

#[test]
fn a_click_picks_the_point_under_it_and_a_drag_does_not() {
    let mut v = loaded("");
    let at = screen_of(&v, 1);
    v.apply(Command::PointerDown { id: 1, at }, 0.0);
    let ch = v.apply(Command::PointerUp { id: 1, at: [at[0] + 2.0, at[1]], cancelled: false }, 0.0);
    assert_eq!(v.selected(), Some(1));
    assert!(ch.settle && ch.dragging == Some(false));
    // Far from every point: a click there deselects.
    v.apply(Command::PointerDown { id: 1, at: [1.0, 1.0] }, 0.0);
    v.apply(Command::PointerUp { id: 1, at: [1.0, 1.0], cancelled: false }, 0.0);
    assert_eq!(v.selected(), None);
    // A drag pans and selects nothing.
    let before = v.camera().view;
    v.apply(Command::PointerDown { id: 1, at }, 0.0);
    let ch = v.apply(Command::PointerMove { id: 1, at: [at[0] + 30.0, at[1]], hover: true }, 0.0);
    assert_eq!(ch.dragging, Some(true));
    v.apply(Command::PointerUp { id: 1, at: [at[0] + 30.0, at[1]], cancelled: false }, 0.0);
    assert_eq!(v.selected(), None);
    assert!(v.camera().view.center[0] < before.center[0]);
    // Hovering a point names it.
    let at = screen_of(&v, 3);
    let ch = v.apply(Command::PointerMove { id: 7, at, hover: true }, 0.0);
    assert_eq!(ch.tooltip, Some(Tooltip::Show { entity: 3, at }));
    assert_eq!(v.tooltip_text(3), "Délta · 2010");
}

#[test]
fn highlight_fades_the_rest() {
    let mut v = loaded("");
    let ch = v.apply(Command::Highlight("a, Beta, nope".into()), 0.0);
    assert!(ch.highlight && ch.attrs.all);
    assert_eq!(v.highlighted(), Some(2));
    assert_eq!(v.highlight_status(), "2 of 3 found; not found: nope");
    assert_eq!(flags(&v, 0), FLAG_HIGHLIGHTED);
    assert!(v.frame_params([800, 600], 2.0).highlight);
    v.apply(Command::Highlight(String::new()), 0.0);
    assert_eq!((v.highlighted(), v.highlight_status()), (None, ""));
}

#[test]
fn back_and_forward_apply_without_writing() {
    let mut v = loaded("");
    v.apply(Command::Select { entity: Some(0), fly: false }, 0.0);
    let ch = v.apply(Command::HashChanged("#s=b".into()), 500.0);
    assert_eq!(v.selected(), Some(1));
    assert_eq!(ch.url, None);
    assert_eq!(ch.fly_to, Some(1));
    // The same hash again (our own write coming back) changes nothing.
    assert_eq!(v.apply(Command::HashChanged("s=b".into()), 600.0), Changes::default());
    // After that, writing resumes.
    assert!(v.apply(Command::Select { entity: Some(2), fly: false }, 0.0).url.is_some());
}

#[test]
fn keys_and_wheel_move_the_camera() {
    let mut v = loaded("");
    let fit = v.camera().view;
    let ch = v.apply(page_key("ArrowLeft").unwrap(), 0.0);
    assert!(ch.frame && ch.settle);
    assert!(v.camera().view.center[0] < fit.center[0], "content follows the arrow");
    v.apply(page_key("+").unwrap(), 0.0);
    v.apply(Command::Frame { t_ms: 1e6 }, 1e6);
    assert!((v.camera().zoom_ratio() - 1.6).abs() < 1e-9);
    v.apply(Command::ResetView, 1e6);
    v.apply(Command::Frame { t_ms: 2e6 }, 2e6);
    assert_eq!(v.camera().view, fit);
    v.apply(Command::Wheel { at: [400.0, 300.0], delta_y: -100.0, unit: WheelUnit::Pixel, pinch: false }, 0.0);
    assert!(v.camera().zoom_ratio() > 1.0);
}

#[test]
fn the_ring_follows_the_selection_and_labels_avoid_panels() {
    let mut v = loaded("");
    assert_eq!(v.ring_at(), None);
    v.apply(Command::Select { entity: Some(3), fly: false }, 0.0);
    assert_eq!(v.ring_at(), Some(screen_of(&v, 3)));
    let all = v.map_labels(Rect { left: 0.0, top: 0.0, right: W, bottom: H });
    assert!(!all.is_empty());
    assert_eq!(all[0].entity, 3, "the most popular point is named first");
    let x3 = screen_of(&v, 3)[0];
    let right_of_3 = v.map_labels(Rect { left: x3 + 1.0, top: 0.0, right: W, bottom: H });
    assert!(right_of_3.iter().all(|l| l.entity != 3));
    // Filtered-out points get no name.
    v.apply(Command::SetCategory { col: col(&v, "kind"), code: None, on: false }, 0.0);
    assert!(v.map_labels(Rect { left: 0.0, top: 0.0, right: W, bottom: H }).iter().all(|l| l.entity != 3));
}

#[test]
fn resizing_refits_around_the_panels() {
    let mut v = loaded("");
    let layout = Layout {
        width: 1000.0,
        height: 600.0,
        top_bar: Some(Rect { left: 0.0, top: 0.0, right: 1000.0, bottom: 50.0 }),
        side_panel: Some(Rect { left: 0.0, top: 50.0, right: 300.0, bottom: 600.0 }),
        details: None,
    };
    assert!(v.apply(Command::Resize(layout), 0.0).frame);
    assert_eq!(v.camera().width_px, 1000.0);
    v.apply(Command::ResetView, 0.0);
    v.apply(Command::Frame { t_ms: 1e6 }, 1e6);
    let c = v.camera().screen_from_world(v.camera().world_from_screen([650.0, 325.0]));
    assert!((c[0] - 650.0).abs() < 1e-9);
    for e in 0..4 {
        let [x, y] = screen_of(&v, e);
        assert!(x >= 300.0 && y >= 50.0, "entity {e} at {x},{y} is under a panel");
    }
}
