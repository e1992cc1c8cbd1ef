//! The viewer driven through commands on the sample map (four entities, every column kind),
//! as the web layer drives it.

use starmap_format::read::{decode_metadata, decode_neighbors_file, Labels, Layouts, Points};
use starmap_format::testing::sample;
use starmap_format::{EncodedMap, FILE_LABELS, FILE_LAYOUTS, FILE_METADATA, FILE_NEIGHBORS, FILE_POINTS, QUANT_MAX};

use super::*;
use crate::render::{FLAG_FILTERED_OUT, FLAG_HIGHLIGHTED, FLAG_SELECTED};
use crate::state::MORPH_MS;

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
    let indexes = Box::new(NameIndexes::new(&labels));
    v.apply(Command::Labels { labels, columns, indexes, search_focused }, 0.0)
}

fn send_rest(v: &mut Viewer, e: &EncodedMap) {
    let cols = decode_metadata(&e.manifest, file(e, FILE_METADATA)).unwrap();
    v.apply(Command::Metadata(cols), 0.0);
    let nb = decode_neighbors_file(&e.manifest, file(e, FILE_NEIGHBORS)).unwrap();
    v.apply(Command::Neighbors(nb), 0.0);
}

fn send_clusters(v: &mut Viewer, e: &EncodedMap) -> Changes {
    let c = starmap_format::read::Clusters::decode(&e.manifest, file(e, starmap_format::FILE_CLUSTERS)).unwrap();
    v.apply(Command::Clusters(c.levels, None), 0.0)
}

fn send_layouts(v: &mut Viewer, e: &EncodedMap) -> Changes {
    let layouts = Layouts::decode(&e.manifest, file(e, FILE_LAYOUTS)).unwrap();
    let ch = v.apply(Command::Layouts(layouts, Vec::new()), 0.0);
    v.apply(Command::IndexPoints, 0.0);
    ch
}

/// A viewer with every file loaded and the URL live.
fn loaded(hash: &str) -> Viewer {
    let (mut v, e) = started(hash);
    send_points(&mut v, &e);
    send_labels(&mut v, &e, false);
    send_rest(&mut v, &e);
    send_clusters(&mut v, &e);
    send_layouts(&mut v, &e);
    v.apply(Command::Ready { hash: hash.into() }, 0.0);
    v
}

/// Runs frames until the switch under way ends; returns the changes of the last one.
fn finish_switch(v: &mut Viewer, from_ms: f64) -> Changes {
    let mut t = from_ms;
    loop {
        t += 16.0;
        let ch = v.apply(Command::Frame { t_ms: t }, t);
        if v.morph().is_none() {
            return ch;
        }
        assert!(t < from_ms + 5000.0, "the switch never ends");
    }
}

fn flags(v: &Viewer, e: u32) -> u8 {
    v.attrs()[v.map().rank_of[e as usize] as usize * 4 + 2]
}

fn screen_of(v: &Viewer, e: u32) -> [f64; 2] {
    v.screen_of(e).unwrap()
}

fn col(v: &Viewer, name: &str) -> usize {
    v.manifest().column_index(name).unwrap()
}

#[test]
fn files_install_as_they_arrive() {
    let (mut v, e) = started("");
    let ch = send_points(&mut v, &e);
    assert!(ch.positions == vec![0] && ch.attrs.all && ch.frame);
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
    assert_eq!(v.result_rows().unwrap()[0].found, Found::Entity(1));
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
    v.apply(Command::PointerDown { id: 1, at, lasso: false }, 0.0);
    let ch = v.apply(Command::PointerUp { id: 1, at: [at[0] + 2.0, at[1]], cancelled: false }, 0.0);
    assert_eq!(v.selected(), Some(1));
    assert!(ch.settle && ch.dragging == Some(false));
    // Far from every point: a click there deselects.
    v.apply(Command::PointerDown { id: 1, at: [1.0, 1.0], lasso: false }, 0.0);
    v.apply(Command::PointerUp { id: 1, at: [1.0, 1.0], cancelled: false }, 0.0);
    assert_eq!(v.selected(), None);
    // A drag pans and selects nothing.
    let before = v.camera().view;
    v.apply(Command::PointerDown { id: 1, at, lasso: false }, 0.0);
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
    let full = Rect { left: 0.0, top: 0.0, right: W, bottom: H };
    let all = v.map_labels(full);
    assert!(!all.is_empty());
    let ranks: Vec<u32> = all.iter().map(|l| v.map().rank_of[l.entity as usize]).collect();
    assert!(ranks.windows(2).all(|w| w[0] < w[1]), "the most popular points are named first");
    // Cluster names come first, and point names keep clear of them.
    let clusters = v.cluster_labels(full);
    assert!(!clusters.is_empty());
    for l in &all {
        let [x, y] = l.at;
        let name = Rect { left: x + 6.0, top: y - 9.0, right: x + 20.0, bottom: y + 9.0 };
        assert!(clusters.iter().all(|c| !c.rect.overlaps(&name)));
    }
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

#[test]
fn the_other_layouts_arrive_last_and_are_placed_onto_the_first() {
    let (mut v, e) = started("");
    send_points(&mut v, &e);
    assert!(!v.map().has_layout(1));
    // Asking for a layout that is not in yet does nothing.
    assert_eq!(v.apply(Command::SetLayout(1), 0.0), Changes::default());
    let ch = send_layouts(&mut v, &e);
    assert_eq!(ch.positions, vec![1]);
    assert!(ch.layout_controls);
    assert!(v.map().has_layout(1) && v.map().spatial[1].is_some());
    // tsne is the sample's umap mirrored and scaled up, more or less: aligned, it lands near.
    let spread = |l: usize| {
        let b = v.map().placed(l).unwrap().bounds;
        (b.max_x - b.min_x).max(b.max_y - b.min_y)
    };
    assert!(spread(1) < 4.0 * spread(0), "scaled onto the first layout: {} vs {}", spread(1), spread(0));
}

#[test]
fn the_painter_places_each_layout_where_the_camera_sees_it() {
    let mut v = loaded("");
    v.apply(Command::Wheel { at: [300.0, 200.0], delta_y: -300.0, unit: WheelUnit::Pixel, pinch: false }, 0.0);
    for l in [0usize, 1] {
        if l == 1 {
            v.apply(Command::ReducedMotion(true), 0.0);
            v.apply(Command::SetLayout(1), 0.0);
            finish_switch(&mut v, 0.0);
        }
        let f = v.frame_params([800, 600], 1.0);
        assert_eq!((f.to.layout, f.mix), (l, 1.0));
        let xy = v.map().xy_draw(l).unwrap();
        for (rank, &entity) in v.map().order.iter().enumerate() {
            let u = [xy[2 * rank] as f32 / QUANT_MAX as f32, xy[2 * rank + 1] as f32 / QUANT_MAX as f32];
            let m = f.to.matrix;
            let clip = [m[0] * u[0] + m[2] * u[1] + f.to.offset[0], m[1] * u[0] + m[3] * u[1] + f.to.offset[1]];
            let [x, y] = screen_of(&v, entity);
            let expect = [x / W * 2.0 - 1.0, 1.0 - y / H * 2.0];
            assert!(
                (clip[0] as f64 - expect[0]).abs() < 1e-3 && (clip[1] as f64 - expect[1]).abs() < 1e-3,
                "layout {l} entity {entity}: {clip:?} vs {expect:?}"
            );
        }
    }
}

#[test]
fn a_switch_glides_the_points_and_keeps_everything_else() {
    let mut v = loaded("");
    let kind = col(&v, "kind");
    v.apply(Command::SetColorBy(Some(kind)), 0.0);
    v.apply(Command::SetCategory { col: kind, code: Some(0), on: false }, 0.0);
    v.apply(Command::Search("be".into()), 0.0);
    v.apply(Command::Select { entity: Some(1), fly: false }, 0.0);
    let (shown, hits, attrs) = (v.shown(), v.search().hits.clone(), v.attrs().to_vec());
    let before = screen_of(&v, 1);
    let ch = v.apply(Command::SetLayout(1), 1000.0);
    assert!(ch.switch_started && ch.frame && ch.layout_controls && ch.selection);
    assert!(matches!(&ch.url, Some(UrlWrite::Push(h)) if h.contains("l=tsne")), "{:?}", ch.url);
    assert_eq!(v.shown_layout(), 1);
    // Halfway: the points (and the ring) are between the layouts; nothing can be picked.
    let ch = v.apply(Command::Frame { t_ms: 1400.0 }, 1400.0);
    assert!(ch.frame && ch.paint && !ch.switch_ended);
    let f = v.frame_params([800, 600], 1.0);
    assert_eq!((f.from.layout, f.to.layout), (0, 1));
    assert!((f.mix - 0.5).abs() < 1e-6);
    assert_eq!(v.ring_at(), Some(screen_of(&v, 1)));
    assert_eq!(v.pick(screen_of(&v, 1)), None);
    assert!(v.map_labels(Rect { left: 0.0, top: 0.0, right: W, bottom: H }).is_empty());
    let ch = finish_switch(&mut v, 1400.0);
    assert!(ch.switch_ended && ch.settle && ch.paint && !ch.frame);
    let f = v.frame_params([800, 600], 1.0);
    assert_eq!((f.to.layout, f.mix), (1, 1.0));
    // Selection, filters, colour-by and search came through, untouched.
    assert_eq!((v.selected(), v.shown(), v.color_col()), (Some(1), shown, Some(kind)));
    assert_eq!((v.search().hits.clone(), v.attrs().to_vec()), (hits, attrs));
    // The map was shown whole, so the new layout is fitted; picking works in it.
    assert!((v.camera().zoom_ratio() - 1.0).abs() < 1e-9);
    assert_ne!(screen_of(&v, 1), before);
    assert_eq!(v.pick(screen_of(&v, 3)), Some(3));
    // The link pushed at the start already named where the switch ends.
    assert_eq!(v.apply(Command::ViewSettled, 0.0).url, None);
    assert!(v.url_state().to_hash().contains("l=tsne"));
}

#[test]
fn a_closer_view_keeps_the_selection_in_place() {
    let mut v = loaded("");
    v.apply(Command::Select { entity: Some(0), fly: false }, 0.0);
    let at = screen_of(&v, 0);
    v.apply(Command::Wheel { at, delta_y: -500.0, unit: WheelUnit::Pixel, pinch: false }, 0.0);
    let zoom = v.camera().view.zoom;
    let at = screen_of(&v, 0);
    v.apply(Command::SetLayout(1), 0.0);
    finish_switch(&mut v, 0.0);
    let now = screen_of(&v, 0);
    assert!((now[0] - at[0]).abs() < 1e-6 && (now[1] - at[1]).abs() < 1e-6, "{at:?} -> {now:?}");
    assert!((v.camera().view.zoom - zoom).abs() < 1e-9 * zoom);
}

#[test]
fn turning_back_mid_switch_starts_from_where_the_points_are() {
    let mut v = loaded("");
    v.apply(Command::SetLayout(1), 0.0);
    v.apply(Command::Frame { t_ms: 200.0 }, 200.0);
    let mid = screen_of(&v, 3);
    let ch = v.apply(Command::SetLayout(0), 200.0);
    assert!(ch.switch_started);
    let m = *v.morph().unwrap();
    assert_eq!((m.from, m.to), (1, 0));
    let again = screen_of(&v, 3);
    assert!((mid[0] - again[0]).abs() < 1e-6 && (mid[1] - again[1]).abs() < 1e-6, "{mid:?} vs {again:?}");
    // It ends as early as the way back is long: a quarter of the switch.
    let ch = v.apply(Command::Frame { t_ms: 200.0 + MORPH_MS * 0.25 + 1.0 }, 0.0);
    assert!(ch.switch_ended);
    assert_eq!(v.shown_layout(), 0);
    // Asking for the layout already shown does nothing.
    assert!(!v.apply(Command::SetLayout(0), 0.0).switch_started);
}

#[test]
fn reduced_motion_switches_on_the_next_frame() {
    let mut v = loaded("");
    v.apply(Command::ReducedMotion(true), 0.0);
    let ch = v.apply(Command::SetLayout(1), 100.0);
    assert!(ch.switch_started && ch.frame);
    let ch = v.apply(Command::Frame { t_ms: 116.0 }, 116.0);
    assert!(ch.switch_ended && !ch.frame);
    assert_eq!(v.frame_params([800, 600], 1.0).mix, 1.0);
    // The l key cycles through the layouts.
    v.apply(page_key("l").unwrap(), 200.0);
    assert_eq!(v.shown_layout(), 0);
}

#[test]
fn a_link_names_the_layout_and_its_view() {
    let (mut v, e) = started("v=0.25,0.75,2&l=tsne&cmp=umap&s=b");
    send_points(&mut v, &e);
    send_labels(&mut v, &e, false);
    send_rest(&mut v, &e);
    assert_eq!(v.shown_layout(), 0, "tsne's positions are not in yet");
    send_layouts(&mut v, &e);
    finish_switch(&mut v, 0.0);
    assert_eq!((v.shown_layout(), v.compare(), v.selected()), (1, Some(0), Some(1)));
    v.apply(Command::Ready { hash: "v=0.25,0.75,2&l=tsne&cmp=umap&s=b".into() }, 0.0);
    let st = v.url_state();
    let [x, y, z] = st.view.unwrap();
    assert!((x - 0.25).abs() < 1e-9 && (y - 0.75).abs() < 1e-9 && (z - 2.0).abs() < 1e-9, "{:?}", st.view);
    assert_eq!((st.layout.as_deref(), st.compare.as_deref()), (Some("tsne"), Some("umap")));
    // Back to a hash without a layout: the first one, gliding.
    let ch = v.apply(Command::HashChanged("s=b".into()), 1000.0);
    assert!(ch.switch_started && ch.url.is_none());
    assert_eq!((v.shown_layout(), v.compare()), (0, None));
    // Unknown names are ignored: the first layout, no comparison.
    let (mut v, e) = started("l=nope&cmp=what");
    send_points(&mut v, &e);
    send_layouts(&mut v, &e);
    assert_eq!((v.shown_layout(), v.compare()), (0, None));
}

#[test]
fn compare_mode_colours_by_neighbourhood_change_and_shows_where_neighbours_went() {
    let mut v = loaded("");
    let kind = col(&v, "kind");
    v.apply(Command::SetColorBy(Some(kind)), 0.0);
    v.apply(Command::Select { entity: Some(2), fly: false }, 0.0);
    assert!(v.compare_details().is_none() && v.compare_marks().is_empty());
    let ch = v.apply(Command::SetCompare(Some(1)), 0.0);
    assert!(ch.attrs.all && ch.legend && ch.details && ch.layout_controls);
    assert!(matches!(&ch.url, Some(UrlWrite::Push(h)) if h.contains("cmp=tsne")), "{:?}", ch.url);
    // The sample's stored change, entity by entity.
    assert_eq!(v.coloring().keys, vec![0, 3, 10, 1]);
    assert!(
        matches!(&v.coloring().legend, crate::colors::Legend::Ramp { max, .. } if max.contains("neighbours changed"))
    );
    let d = v.compare_details().unwrap();
    assert_eq!((d.shown.as_str(), d.other.as_str(), d.changed), ("umap", "tsne", 10));
    assert_eq!(d.neighbors.len(), 3, "all the other entities of a 4-entity map");
    let marks = v.compare_marks();
    assert_eq!(marks.len(), 3);
    for m in &marks {
        assert_eq!(m.at, screen_of(&v, m.entity));
    }
    // Where a neighbour went is placed relative to the selection, in the aligned frame.
    let sel = v.map().world_in(0, 2).unwrap();
    let (a, b) = (v.map().world_in(1, 2).unwrap(), v.map().world_in(1, marks[0].entity).unwrap());
    let went = v.camera().screen_from_world([sel[0] + b[0] - a[0], sel[1] + b[1] - a[1]]);
    assert!((went[0] - marks[0].went[0]).abs() < 1e-6 && (went[1] - marks[0].went[1]).abs() < 1e-6);
    // Showing the compared layout turns the comparison around; colour-by comes back after.
    v.apply(Command::SetLayout(1), 0.0);
    assert_eq!(v.compare(), Some(0));
    assert_eq!(v.coloring().keys, vec![0, 3, 10, 1], "the count is the same both ways");
    finish_switch(&mut v, 0.0);
    let ch = v.apply(Command::SetCompare(None), 0.0);
    assert!(matches!(&ch.url, Some(UrlWrite::Push(h)) if !h.contains("cmp=")));
    assert_eq!(v.color_col(), Some(kind));
    assert!(matches!(v.coloring().legend, crate::colors::Legend::Categories(_)));
    // Comparing a layout with itself is no comparison.
    v.apply(Command::SetCompare(Some(1)), 0.0);
    assert_eq!(v.compare(), None);
}

#[test]
fn the_quality_table_lists_every_layout() {
    let (mut v, e) = started("");
    send_points(&mut v, &e);
    let rows = v.layout_rows();
    assert_eq!(rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), vec!["umap", "tsne"]);
    assert_eq!((rows[0].recall.as_str(), rows[0].recall_random.as_str()), ("0.40", "0.00"));
    assert_eq!((rows[1].spec.as_str(), rows[1].recall.as_str()), ("tsne:perplexity=30", "0.60"));
    assert_eq!((rows[0].trust.as_str(), rows[0].agreement.as_str()), ("–", "–"), "not measured");
    assert_eq!((rows[0].loaded, rows[1].loaded), (true, false));
    send_layouts(&mut v, &e);
    assert!(v.layout_rows()[1].loaded);
}

#[test]
fn on_a_slow_renderer_a_switch_is_two_frames_or_one() {
    let (mut v, e) = started("");
    send_points(&mut v, &e);
    v.apply(Command::FrameCost(5000.0), 0.0);
    assert_eq!(v.frame_cost_ms(), 0.0, "measured while files arrive: too late to count");
    send_layouts(&mut v, &e);
    v.apply(Command::Ready { hash: String::new() }, 0.0);
    v.apply(Command::FrameCost(600.0), 0.0);
    v.apply(Command::SetLayout(1), 1000.0);
    // The first frame comes soon after, yet shows the points halfway.
    let ch = v.apply(Command::Frame { t_ms: 1010.0 }, 1010.0);
    assert!(ch.frame && !ch.switch_ended);
    assert_eq!(v.frame_params([800, 600], 1.0).mix, 0.5);
    let ch = v.apply(Command::Frame { t_ms: 1020.0 }, 1020.0);
    assert!(ch.switch_ended && !ch.frame);
    assert_eq!(v.frame_params([800, 600], 1.0).mix, 1.0);
    // A second a frame: the switch is the next frame.
    v.apply(Command::FrameCost(1200.0), 0.0);
    v.apply(Command::FrameCost(1200.0), 0.0);
    v.apply(Command::SetLayout(0), 2000.0);
    let ch = v.apply(Command::Frame { t_ms: 2010.0 }, 2010.0);
    assert!(ch.switch_ended && !ch.frame);
}

#[test]
fn the_camera_glides_with_the_points_until_the_user_takes_it() {
    let mut v = loaded("");
    v.apply(Command::Select { entity: Some(0), fly: false }, 0.0);
    let at = screen_of(&v, 0);
    v.apply(Command::Wheel { at, delta_y: -500.0, unit: WheelUnit::Pixel, pinch: false }, 0.0);
    let start = v.camera().view;
    v.apply(Command::SetLayout(1), 0.0);
    v.apply(Command::Frame { t_ms: 400.0 }, 400.0);
    let mid = v.camera().view;
    assert_ne!(mid, start, "the camera moves with the points");
    // Turning back keeps the camera where it is.
    v.apply(Command::SetLayout(0), 400.0);
    v.apply(Command::Frame { t_ms: 400.0 }, 400.0);
    let c = v.camera().view;
    assert!((c.center[0] - mid.center[0]).abs() < 1e-9 && (c.zoom - mid.zoom).abs() < 1e-9 * mid.zoom);
    // A drag takes the camera: it stays put while the points glide on.
    v.apply(Command::PointerDown { id: 1, at: [10.0, 10.0], lasso: false }, 450.0);
    let held = v.camera().view;
    v.apply(Command::Frame { t_ms: 500.0 }, 500.0);
    assert_eq!(v.camera().view, held);
    assert!(v.morph().is_some());
    finish_switch(&mut v, 500.0);
    assert_eq!(v.camera().view, held);
}

#[test]
fn maps_with_clusters_open_coloured_by_cluster() {
    let v = loaded("");
    assert!(v.colors_clusters());
    let keys: Vec<u8> = (0..4).map(|e| v.coloring().keys[e]).collect();
    assert_eq!(keys, vec![0, 0, 0, 1], "the coarsest level's ids");
    let crate::colors::Legend::Categories(entries) = &v.coloring().legend else { panic!("a legend") };
    let legend: Vec<(&str, u64)> = entries.iter().map(|e| (e.label.as_str(), e.count)).collect();
    assert_eq!(legend, vec![("y", 3), ("Délta", 1)]);
    assert_ne!(v.coloring().palette[0], v.coloring().palette[1], "touching clusters differ");
    assert_eq!(v.url_state().color_by, None, "the default is not written");
    // Choosing no colour is written, and a link restores it.
    let mut v = loaded("");
    v.apply(Command::SetColorBy(None), 0.0);
    assert!(!v.colors_clusters());
    assert!(v.url_state().to_hash().contains("c=-"));
    let v = loaded("c=-");
    assert!(!v.colors_clusters() && v.color_col().is_none());
    let v = loaded("c=kind");
    assert!(!v.colors_clusters() && v.color_col() == Some(col(&v, "kind")));
}

#[test]
fn a_cluster_chosen_dims_the_rest_and_is_linked() {
    let mut v = loaded("");
    let ch = v.apply(Command::SelectCluster { level: 1, id: 0 }, 0.0);
    assert!(ch.group && ch.details && matches!(ch.url, Some(UrlWrite::Push(ref h)) if h.contains("g=c~1~0")));
    assert_eq!(ch.focus, Some(Focus::Group));
    let members: Vec<bool> = (0..4).map(|e| flags(&v, e) & FLAG_HIGHLIGHTED != 0).collect();
    assert_eq!(members, vec![true, true, false, false]);
    assert!(v.frame_params([800, 600], 1.0).highlight, "the rest fades");
    let g = v.group_view().unwrap();
    assert_eq!(g.title, "Alpha, Beta");
    assert!(g.subtitle.starts_with("2 points") && g.subtitle.ends_with("in y"), "{}", g.subtitle);
    assert_eq!(g.members.iter().map(|m| m.0).collect::<Vec<_>>(), vec![0, 1], "most popular first");
    assert!(g.summary.iter().any(|(c, t)| c == "kind" && t == "x 50%, y 50%"), "{:?}", g.summary);
    // The CSV lists the members passing the filters, with a header.
    let csv = v.group_csv();
    assert_eq!(csv.lines().next(), Some("id,title,cluster_name,kind,year,genre"));
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.contains("a,Alpha,y,x,1999,\"Drama, Comedy\""), "{csv}");
    v.apply(Command::SetCategory { col: col(&v, "kind"), code: Some(0), on: false }, 0.0);
    assert_eq!(v.group_csv().lines().count(), 2, "filters and the group combine");
    assert!(v.group_view().unwrap().subtitle.contains("1 more hidden by filters"));
    // Again: let it go. A link restores it.
    v.apply(Command::SelectCluster { level: 1, id: 0 }, 0.0);
    assert!(v.group().is_none());
    let v = loaded("g=c~0~1");
    assert_eq!(v.group_members(), vec![3]);
    assert_eq!(v.group_file_name(), "délta.csv", "letters kept, lowercase");
}

#[test]
fn a_lasso_chooses_the_points_inside_and_survives_a_link() {
    let mut v = loaded("");
    // A box around entities 0 and 3 (drawn in screen space).
    let (p0, p3) = (screen_of(&v, 0), screen_of(&v, 3));
    let (x0, x1) = (p0[0].min(p3[0]) - 10.0, p0[0].max(p3[0]) + 10.0);
    let (y0, y1) = (p0[1].min(p3[1]) - 10.0, p0[1].max(p3[1]) + 10.0);
    let path = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
    v.apply(Command::PointerDown { id: 1, at: path[0], lasso: true }, 0.0);
    for &at in &path[1..] {
        let ch = v.apply(Command::PointerMove { id: 1, at, hover: false }, 0.0);
        assert!(ch.lasso_path);
    }
    assert_eq!(v.lasso_path().map(<[_]>::len), Some(4));
    let view = v.camera().view;
    let ch = v.apply(Command::PointerUp { id: 1, at: path[3], cancelled: false }, 0.0);
    assert_eq!(v.camera().view, view, "a lasso never pans");
    assert!(ch.group && v.lasso_path().is_none());
    let inside: Vec<u32> = (0..4).filter(|&e| v.in_group(e)).collect();
    let mut expect = vec![0, 3];
    for e in [1u32, 2] {
        let p = screen_of(&v, e);
        if p[0] > x0 && p[0] < x1 && p[1] > y0 && p[1] < y1 {
            expect.push(e);
        }
    }
    expect.sort();
    assert_eq!(inside, expect);
    assert_eq!(v.group_view().unwrap().title, "Selected area");
    let hash = v.url_state().to_hash();
    assert!(hash.contains("g=a~umap~"), "{hash}");
    let w = loaded(&hash);
    assert_eq!((0..4).filter(|&e| w.in_group(e)).collect::<Vec<_>>(), expect, "the link restores it");
    // Escape lets it go.
    v.apply(Command::Escape, 0.0);
    assert!(v.group().is_none());
}

#[test]
fn arrow_keys_step_between_points_and_enter_opens_details() {
    let mut v = loaded("");
    let free = Rect { left: 0.0, top: 0.0, right: W, bottom: H };
    // Nothing selected: the point nearest the middle.
    v.apply(Command::Step { dir: Direction::Right, free }, 0.0);
    let first = v.selected().unwrap();
    let mid = free.center();
    let d = |e: u32| {
        let p = screen_of(&v, e);
        (p[0] - mid[0]).hypot(p[1] - mid[1])
    };
    assert!((0..4).all(|e| d(first) <= d(e)));
    // Then a step right lands on a point to the right (or nowhere).
    let from = screen_of(&v, first);
    v.apply(Command::Step { dir: Direction::Right, free }, 0.0);
    let next = v.selected().unwrap();
    if next != first {
        assert!(screen_of(&v, next)[0] > from[0]);
    }
    let ch = v.apply(Command::OpenDetails, 0.0);
    assert_eq!(ch.focus, Some(Focus::Details));
    assert!(v.announcement().starts_with(&v.map().name(next)), "{}", v.announcement());
    assert!(v.announcement().contains("neighbour"));
    v.apply(Command::Escape, 0.0);
    assert_eq!(v.selected(), None);
    assert_eq!(v.announcement(), "");
}

/// The page places the clusters and the other layouts between frames and sends them along;
/// the viewer must end up as it does when it places them on arrival.
#[test]
fn clusters_and_layouts_placed_by_the_page_install_as_if_placed_on_arrival() {
    use starmap_format::pause::{self, NoPause};
    let plain = loaded("");
    let (mut v, e) = started("");
    send_points(&mut v, &e);
    send_labels(&mut v, &e, false);
    send_rest(&mut v, &e);
    let m = e.manifest.clone();
    let first = v.map().placed(0).unwrap().world.clone();
    let levels = starmap_format::read::Clusters::decode(&m, file(&e, starmap_format::FILE_CLUSTERS)).unwrap().levels;
    let places = pause::run(ClusterPlaces::find(&m, &levels, &first, &mut NoPause));
    assert_eq!(places.anchors.len(), levels.len());
    v.apply(Command::Clusters(levels, Some(places)), 0.0);
    let layouts = Layouts::decode(&m, file(&e, FILE_LAYOUTS)).unwrap();
    let placed = pause::run(MapData::place_layouts(&m, &layouts, &first, &mut NoPause));
    assert!(placed.iter().all(Option::is_some));
    v.apply(Command::Layouts(layouts, placed), 0.0);
    v.apply(Command::IndexPoints, 0.0);
    v.apply(Command::Ready { hash: String::new() }, 0.0);
    assert_eq!(v.coloring(), plain.coloring());
    assert_eq!(v.attrs(), plain.attrs());
    assert_eq!(v.map().cluster_colors, plain.map().cluster_colors);
    for l in 0..m.layouts.len() {
        assert_eq!(v.map().placed(l), plain.map().placed(l), "layout {l}");
        for k in 0..v.cluster_levels() {
            assert_eq!(
                v.map().cluster_anchors(&m, l, k),
                plain.map().cluster_anchors(&m, l, k),
                "layout {l} level {k}"
            );
        }
    }
}
