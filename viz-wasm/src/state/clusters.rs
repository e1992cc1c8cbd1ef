//! The map's clusters in the viewer: colours that tell neighbouring regions apart, where each
//! cluster's name goes (its densest part, per layout and level), which level's names show at
//! the current zoom, and their placement without overlaps.

use starmap_format::pause::Pause;
use starmap_format::Manifest;

use super::layout::Rect;
use super::viewer::Viewer;
use crate::colors::{Coloring, Legend, LegendEntry, MISSING_KEY};

/// Colours for clusters, readable on the dark background and distinct from each other; more
/// than a map's neighbouring regions need, so neighbours never share one.
#[rustfmt::skip]
pub const CLUSTER_PALETTE: [[u8; 3]; 24] = [
    [78, 153, 232], [255, 146, 43], [96, 190, 80], [232, 80, 82], [196, 130, 212], [240, 208, 60],
    [100, 206, 196], [255, 150, 178], [176, 134, 108], [140, 110, 255], [170, 230, 90], [250, 232, 170],
    [41, 128, 185], [211, 84, 0], [39, 174, 96], [192, 57, 43], [142, 68, 173], [243, 156, 18],
    [22, 160, 133], [236, 112, 160], [127, 140, 141], [94, 129, 255], [205, 220, 57], [255, 112, 67],
];

/// Colour distance beyond which two touching clusters read as different at a glance.
const GOOD_GAP: f64 = 160.0;
/// Cells per side of the grid used to find where clusters touch and where each is densest.
const GRID: usize = 64;
/// Zoom ratios (to the fitted view) from which the next finer level's names show.
const LEVEL_ZOOM: [f64; 2] = [2.5, 7.0];
/// Pixels a name's box takes per character, and its height, at the coarsest level (larger
/// type) and below; generous, as the page measures the boxes it drew too.
const CHAR_PX: [f64; 2] = [9.0, 7.8];
const LABEL_H_PX: [f64; 2] = [24.0, 20.0];
/// Clear space between two names.
const LABEL_GAP_PX: f64 = 4.0;

/// Perceptual-ish distance between two colours ("redmean" weighted RGB).
fn color_distance(a: [u8; 3], b: [u8; 3]) -> f64 {
    let rm = (f64::from(a[0]) + f64::from(b[0])) / 2.0;
    let [dr, dg, db] = [0, 1, 2].map(|k| f64::from(a[k]) - f64::from(b[k]));
    ((2.0 + rm / 256.0) * dr * dr + 4.0 * dg * dg + (2.0 + (255.0 - rm) / 256.0) * db * db).sqrt()
}

fn cell_of(p: [f32; 2], lo: [f32; 2], span: [f32; 2]) -> (usize, usize) {
    let f = |v: f32, l: f32, s: f32| (((v - l) / s.max(1e-12)) * GRID as f32).clamp(0.0, GRID as f32 - 1.0) as usize;
    (f(p[0], lo[0], span[0]), f(p[1], lo[1], span[1]))
}

fn extent(world: &[[f32; 2]]) -> ([f32; 2], [f32; 2]) {
    let mut lo = [f32::INFINITY; 2];
    let mut hi = [f32::NEG_INFINITY; 2];
    for p in world {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    (lo, [hi[0] - lo[0], hi[1] - lo[1]])
}

/// Each point's grid cell, `y · GRID + x`.
fn point_cells(world: &[[f32; 2]]) -> Vec<u16> {
    let (lo, span) = extent(world);
    world
        .iter()
        .map(|&p| {
            let (x, y) = cell_of(p, lo, span);
            (y * GRID + x) as u16
        })
        .collect()
}

/// How many points of each cluster fall in each grid cell, as (cluster, cell, count), cell by
/// cell: the points bucketed by cell (a counting sort), then each cell's clusters counted in one
/// scratch array. Linear, with no hashing or sorting: the page does this on its thread for a
/// million points when the clusters arrive.
fn tallies(cells: &[u16], ids: &[u16]) -> Vec<(u16, u16, u32)> {
    let mut start = vec![0u32; GRID * GRID + 1];
    for &c in cells {
        start[c as usize + 1] += 1;
    }
    for k in 0..GRID * GRID {
        start[k + 1] += start[k];
    }
    let mut fill = start.clone();
    let mut by_cell = vec![0u16; cells.len()];
    for (&cell, &id) in cells.iter().zip(ids) {
        by_cell[fill[cell as usize] as usize] = id;
        fill[cell as usize] += 1;
    }
    let mut scratch = vec![0u32; ids.iter().map(|&c| c as usize + 1).max().unwrap_or(0)];
    let mut seen: Vec<u16> = Vec::new();
    let mut out = Vec::new();
    for cell in 0..GRID * GRID {
        for &id in &by_cell[start[cell] as usize..start[cell + 1] as usize] {
            if scratch[id as usize] == 0 {
                seen.push(id);
            }
            scratch[id as usize] += 1;
        }
        for id in seen.drain(..) {
            out.push((id, cell as u16, std::mem::take(&mut scratch[id as usize])));
        }
    }
    out
}

/// Which clusters touch in a 2D layout: each grid cell goes to the cluster with most points in
/// it, and clusters owning side-by-side cells touch. `count` clusters, `ids` per entity.
pub fn adjacency(world: &[[f32; 2]], ids: &[u16], count: usize) -> Vec<Vec<bool>> {
    if world.is_empty() {
        return vec![vec![false; count]; count];
    }
    adjacency_of(&tallies(&point_cells(world), ids), count)
}

/// [`adjacency`] from the layout's [`tallies`].
fn adjacency_of(tallies: &[(u16, u16, u32)], count: usize) -> Vec<Vec<bool>> {
    let mut adj = vec![vec![false; count]; count];
    if count == 0 {
        return adj;
    }
    // Each cell's owner: most points, ties to the lower cluster.
    let mut best: Vec<Option<(u16, u32)>> = vec![None; GRID * GRID];
    for &(c, cell, n) in tallies {
        let slot = &mut best[cell as usize];
        if slot.is_none_or(|(b, m)| n > m || (n == m && c < b)) {
            *slot = Some((c, n));
        }
    }
    let owner: Vec<Option<u16>> = best.into_iter().map(|b| b.map(|(c, _)| c)).collect();
    for y in 0..GRID {
        for x in 0..GRID {
            let Some(a) = owner[y * GRID + x] else { continue };
            // Right, below and the two diagonals below: each touching pair is seen once.
            for (dx, dy) in [(1i32, 0i32), (0, 1), (1, 1), (-1, 1)] {
                let (nx, ny) = (x as i32 + dx, y as i32 + dy);
                if nx < 0 || ny < 0 || nx >= GRID as i32 || ny >= GRID as i32 {
                    continue;
                }
                if let Some(b) = owner[ny as usize * GRID + nx as usize] {
                    let (a, b) = (a as usize, b as usize);
                    if a != b && a < count && b < count {
                        adj[a][b] = true;
                        adj[b][a] = true;
                    }
                }
            }
        }
    }
    adj
}

/// Indices `0..n` ordered by `size` descending, ties by index: one sort shared by every
/// "biggest first" list (each sort instantiated anew costs the viewer kilobytes).
pub fn largest_first(n: usize, size: &dyn Fn(usize) -> u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| size(b).cmp(&size(a)).then(a.cmp(&b)));
    order
}

/// A palette colour per cluster, largest first: each takes the colour farthest from those of
/// the clusters it touches that already have one (then the least used, then the first), so
/// touching regions never look alike.
pub fn assign_colors(adj: &[Vec<bool>], sizes: &[u64]) -> Vec<usize> {
    let n = sizes.len();
    let order = largest_first(n, &|c| sizes[c]);
    let mut color: Vec<Option<usize>> = vec![None; n];
    let mut used = vec![0usize; CLUSTER_PALETTE.len()];
    for &c in &order {
        let near: Vec<usize> = (0..n).filter(|&d| adj[c][d]).filter_map(|d| color[d]).collect();
        let best = (0..CLUSTER_PALETTE.len())
            .map(|k| {
                let gap = near
                    .iter()
                    .map(|&j| color_distance(CLUSTER_PALETTE[k], CLUSTER_PALETTE[j]))
                    .fold(f64::INFINITY, f64::min);
                // Far enough from every neighbour is all that counts; among those, go through
                // the palette in order (its first colours differ most from each other).
                (k, gap.min(GOOD_GAP), used[k] * CLUSTER_PALETTE.len() + k)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.2.cmp(&a.2)))
            .map_or(0, |(k, _, _)| k);
        color[c] = Some(best);
        used[best] += 1;
    }
    color.into_iter().map(|c| c.unwrap_or(0)).collect()
}

/// Colours entities by their cluster: key = cluster index (clusters past 254 share the missing
/// colour), the legend lists clusters by size with their names.
pub fn cluster_coloring(ids: &[u16], names: &[String], sizes: &[u64], colors: &[usize]) -> Coloring {
    let keys =
        ids.iter().map(|&c| if (c as usize) < usize::from(MISSING_KEY) { c as u8 } else { MISSING_KEY }).collect();
    let mut palette = vec![[96, 100, 112, 255]; 256];
    for (k, &ci) in colors.iter().enumerate().take(usize::from(MISSING_KEY)) {
        let [r, g, b] = CLUSTER_PALETTE[ci % CLUSTER_PALETTE.len()];
        palette[k] = [r, g, b, 255];
    }
    let order = largest_first(names.len(), &|c| sizes.get(c).copied().unwrap_or(0));
    let entries = order
        .into_iter()
        .map(|c| LegendEntry {
            label: names[c].clone(),
            color: CLUSTER_PALETTE[colors.get(c).copied().unwrap_or(0) % CLUSTER_PALETTE.len()],
            count: sizes.get(c).copied().unwrap_or(0),
            codes: vec![c as u16],
            missing: false,
        })
        .collect();
    Coloring { keys, palette, legend: Legend::Categories(entries) }
}

/// Where each of `count` clusters' name goes in a layout: the middle of its densest grid cell
/// and the cells around it (the mean of its members there), so the name sits on the cluster's
/// core even when the cluster is long or has outliers. `None` for empty clusters.
pub fn anchors(world: &[[f32; 2]], ids: &[u16], count: usize) -> Vec<Option<[f64; 2]>> {
    if world.is_empty() {
        return vec![None; count];
    }
    let cells = point_cells(world);
    anchors_of(world, &cells, ids, &tallies(&cells, ids), count)
}

/// [`anchors`] from the layout's grid cells and [`tallies`].
fn anchors_of(
    world: &[[f32; 2]],
    cells: &[u16],
    ids: &[u16],
    tallies: &[(u16, u16, u32)],
    count: usize,
) -> Vec<Option<[f64; 2]>> {
    // Each cluster's densest cell: most points, ties to the lower cell (met first: cells come
    // in order).
    let mut densest: Vec<Option<(u16, u32)>> = vec![None; count];
    for &(c, cell, n) in tallies {
        if let Some(slot) = densest.get_mut(c as usize) {
            if slot.is_none_or(|(_, m)| n > m) {
                *slot = Some((cell, n));
            }
        }
    }
    let dense: Vec<Option<(usize, usize)>> =
        densest.into_iter().map(|d| d.map(|(cell, _)| (cell as usize % GRID, cell as usize / GRID))).collect();
    let mut sum = vec![[0f64; 3]; count];
    for ((p, &c), &cell) in world.iter().zip(ids).zip(cells) {
        let Some(Some((cx, cy))) = dense.get(c as usize) else { continue };
        let (x, y) = (cell as usize % GRID, cell as usize / GRID);
        if x.abs_diff(*cx) <= 1 && y.abs_diff(*cy) <= 1 {
            let s = &mut sum[c as usize];
            s[0] += f64::from(p[0]);
            s[1] += f64::from(p[1]);
            s[2] += 1.0;
        }
    }
    sum.iter().map(|s| (s[2] > 0.0).then(|| [s[0] / s[2], s[1] / s[2]])).collect()
}

/// What the clusters take from the first layout: the coarsest level's colours and, per level,
/// where the names go. Found apart from the state, pausing between passes over the points
/// (the page does it between frames: each pass is tens of milliseconds at a million points).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterPlaces {
    /// Palette index per coarsest-level cluster (`assign_colors`).
    pub colors: Vec<usize>,
    /// Per level, where each cluster's name goes in the first layout (`anchors`).
    pub anchors: Vec<Vec<Option<[f64; 2]>>>,
}

impl ClusterPlaces {
    /// Finds them for `levels` (each entity's cluster per level) on the first layout's world
    /// positions `first`: the same values as `adjacency`, `assign_colors` and `anchors`.
    pub async fn find(m: &Manifest, levels: &[Vec<u16>], first: &[[f32; 2]], pause: &mut impl Pause) -> Self {
        let info = m.clusters.as_ref().map_or(&[][..], |c| &c.levels[..]);
        pause.tick().await;
        let cells = point_cells(first);
        let mut places = Self { colors: Vec::new(), anchors: Vec::with_capacity(levels.len()) };
        for (k, ids) in levels.iter().enumerate() {
            let Some(level) = info.get(k) else { break };
            let count = level.clusters.len();
            pause.tick().await;
            let tallies = if first.is_empty() { Vec::new() } else { tallies(&cells, ids) };
            pause.tick().await;
            if k == 0 {
                let sizes: Vec<u64> = level.clusters.iter().map(|c| u64::from(c.size)).collect();
                places.colors = assign_colors(&adjacency_of(&tallies, count), &sizes);
            }
            places.anchors.push(anchors_of(first, &cells, ids, &tallies, count));
        }
        places
    }
}

/// The smallest cluster named at zoom ratio `zoom` on a map of `n` entities: a quarter of a
/// percent of the map when it is shown whole (a pair of films floating apart is no region),
/// less as one zooms in.
pub fn min_named_size(n: usize, zoom: f64) -> u64 {
    ((n as f64 / 400.0 / zoom.max(1.0)) as u64).max(1)
}

/// The level whose names show at zoom ratio `zoom`, of `levels`.
pub fn level_for_zoom(zoom: f64, levels: usize) -> usize {
    LEVEL_ZOOM.iter().filter(|&&z| zoom >= z).count().min(levels.saturating_sub(1))
}

/// A cluster name placed on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterLabel {
    /// Hierarchy level.
    pub level: usize,
    /// Cluster index in the level.
    pub id: usize,
    /// Centre of the name (canvas px).
    pub at: [f64; 2],
    /// The box it takes.
    pub rect: Rect,
}

/// Places names, biggest cluster first, centred on their anchors, inside `free`, skipping any
/// that would overlap one placed before. `items`: (id, anchor on screen, characters, size).
pub fn place_cluster_labels(level: usize, items: Vec<(usize, [f64; 2], usize, u64)>, free: Rect) -> Vec<ClusterLabel> {
    // Ids are unique, so id order breaks ties as largest_first does.
    let order = largest_first(items.len(), &|k| items[k].3);
    let mut placed: Vec<ClusterLabel> = Vec::new();
    for (id, [x, y], chars, _) in order.into_iter().map(|k| items[k]) {
        let k = usize::from(level > 0);
        let half_w = (chars.min(30) as f64 * CHAR_PX[k] + 14.0) / 2.0;
        let half_h = LABEL_H_PX[k] / 2.0;
        let rect = Rect { left: x - half_w, top: y - half_h, right: x + half_w, bottom: y + half_h };
        let inside =
            rect.left >= free.left && rect.right <= free.right && rect.top >= free.top && rect.bottom <= free.bottom;
        let g = LABEL_GAP_PX;
        let padded = Rect { left: rect.left - g, top: rect.top - g, right: rect.right + g, bottom: rect.bottom + g };
        if !inside || placed.iter().any(|p| p.rect.overlaps(&padded)) {
            continue;
        }
        placed.push(ClusterLabel { level, id, at: [x, y], rect });
    }
    placed
}

impl Viewer {
    /// Hierarchy levels of the map's clusters (0 without clusters).
    pub fn cluster_levels(&self) -> usize {
        self.manifest.clusters.as_ref().map_or(0, |c| c.levels.len())
    }

    /// The name of cluster `id` at `level`.
    pub fn cluster_name(&self, level: usize, id: usize) -> Option<String> {
        Some(self.manifest.clusters.as_ref()?.levels.get(level)?.clusters.get(id)?.name.clone())
    }

    /// Entities in cluster `id` of `level`.
    pub fn cluster_size(&self, level: usize, id: usize) -> u32 {
        self.manifest.clusters.as_ref().and_then(|c| c.levels.get(level)?.clusters.get(id)).map_or(0, |c| c.size)
    }

    /// The name of the cluster one level coarser that holds cluster `id` of `level`.
    pub fn cluster_parent_name(&self, level: usize, id: usize) -> Option<String> {
        let parent = self.manifest.clusters.as_ref()?.levels.get(level)?.clusters.get(id)?.parent?;
        self.cluster_name(level.checked_sub(1)?, parent as usize)
    }

    /// The cluster of entity `e` at `level`, once the clusters are in.
    pub fn cluster_of(&self, level: usize, e: u32) -> Option<usize> {
        self.map.clusters.as_ref()?.get(level)?.get(e as usize).map(|&c| c as usize)
    }

    /// Whether the points are coloured by cluster.
    pub fn colors_clusters(&self) -> bool {
        self.color_clusters
    }

    /// Cluster names to show over the map at the current zoom, placed without overlaps inside
    /// `free` (none during a layout switch, in compare mode or before the clusters arrive).
    pub fn cluster_labels(&self, free: Rect) -> Vec<ClusterLabel> {
        let levels = self.cluster_levels();
        if levels == 0 || self.morph.is_some() || self.compare.is_some() {
            return Vec::new();
        }
        let zoom = self.camera.zoom_ratio();
        let level = level_for_zoom(zoom, levels);
        let min_size = min_named_size(self.n(), zoom);
        let (Some(info), Some(anchors)) = (
            self.manifest.clusters.as_ref().and_then(|c| c.levels.get(level)),
            self.map.cluster_anchors(&self.manifest, self.shown_layout, level),
        ) else {
            return Vec::new();
        };
        let items = info
            .clusters
            .iter()
            .enumerate()
            .filter(|(_, c)| u64::from(c.size) >= min_size)
            .filter_map(|(id, c)| {
                let w = anchors.get(id).copied().flatten()?;
                Some((id, self.camera.screen_from_world(w), c.name.chars().count(), u64::from(c.size)))
            })
            .collect();
        place_cluster_labels(level, items, free)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_clusters_get_distinct_colours() {
        // Three bands side by side: 0 | 1 | 2, plus 3 far away touching nothing.
        let mut world = Vec::new();
        let mut ids = Vec::new();
        for i in 0..300 {
            let x = (i % 30) as f32;
            let y = (i / 30) as f32;
            world.push([x, y]);
            ids.push((x / 10.0) as u16);
        }
        world.push([100.0, 100.0]);
        ids.push(3);
        let adj = adjacency(&world, &ids, 4);
        assert!(adj[0][1] && adj[1][2] && !adj[0][2]);
        assert!(!adj[3].iter().any(|&a| a));
        let colors = assign_colors(&adj, &[100, 100, 100, 1]);
        assert_ne!(colors[0], colors[1]);
        assert_ne!(colors[1], colors[2]);
        assert!(color_distance(CLUSTER_PALETTE[colors[0]], CLUSTER_PALETTE[colors[1]]) >= GOOD_GAP);
    }

    /// What the page finds between frames is what the state would find at once, however
    /// often the finding pauses.
    #[test]
    fn cluster_places_found_in_slices_equal_those_found_at_once() {
        use starmap_format::pause::{self, NoPause};
        use starmap_format::testing::{sample, Pausing};
        let mut m = sample().manifest;
        let n = 3000;
        let world: Vec<[f32; 2]> =
            (0..n).map(|i| [(i % 61) as f32 * 1.7, (i / 61) as f32 + (i % 7) as f32 * 0.1]).collect();
        let fine: Vec<u16> = (0..n).map(|i| ((i % 61) / 20 + 3 * ((i / 61) / 25)) as u16).collect();
        let coarse: Vec<u16> = fine.iter().map(|&c| c / 3).collect();
        let levels = m.clusters.as_mut().unwrap();
        let fine_count = *fine.iter().max().unwrap() as usize + 1;
        let coarse_count = *coarse.iter().max().unwrap() as usize + 1;
        let template = levels.levels[1].clusters[0].clone();
        levels.levels[0].clusters = (0..coarse_count).map(|c| ClusterInfoSized::of(&template, c, &coarse)).collect();
        levels.levels[1].clusters = (0..fine_count).map(|c| ClusterInfoSized::of(&template, c, &fine)).collect();
        let ids = vec![coarse.clone(), fine.clone()];
        let mut pausing = Pausing::default();
        let sliced = pause::run(ClusterPlaces::find(&m, &ids, &world, &mut pausing));
        assert!(pausing.0 >= 5, "it paused between passes ({} ticks)", pausing.0);
        assert_eq!(sliced, pause::run(ClusterPlaces::find(&m, &ids, &world, &mut NoPause)));
        let sizes: Vec<u64> =
            m.clusters.as_ref().unwrap().levels[0].clusters.iter().map(|c| u64::from(c.size)).collect();
        assert_eq!(sliced.colors, assign_colors(&adjacency(&world, &coarse, coarse_count), &sizes));
        assert_eq!(sliced.anchors, vec![anchors(&world, &coarse, coarse_count), anchors(&world, &fine, fine_count)]);
        assert!(sliced.anchors[1].iter().all(Option::is_some));
    }

    /// A cluster of the test map sized by its members.
    struct ClusterInfoSized;

    impl ClusterInfoSized {
        fn of(template: &starmap_format::ClusterInfo, c: usize, ids: &[u16]) -> starmap_format::ClusterInfo {
            let size = ids.iter().filter(|&&k| k as usize == c).count() as u32;
            starmap_format::ClusterInfo { name: format!("c{c}"), size, parent: None, ..template.clone() }
        }
    }

    #[test]
    fn forty_clusters_all_touching_their_neighbours_differ() {
        // A ring of 40 clusters, each touching the next.
        let n = 40;
        let mut adj = vec![vec![false; n]; n];
        for c in 0..n {
            adj[c][(c + 1) % n] = true;
            adj[(c + 1) % n][c] = true;
        }
        let colors = assign_colors(&adj, &vec![10; n]);
        for c in 0..n {
            assert_ne!(colors[c], colors[(c + 1) % n], "{c}");
        }
    }

    #[test]
    fn anchors_sit_on_the_dense_core() {
        // Cluster 0: a dense blob at (10, 10) and a few outliers far off.
        let mut world: Vec<[f32; 2]> =
            (0..100).map(|i| [10.0 + (i % 10) as f32 * 0.01, 10.0 + (i / 10) as f32 * 0.01]).collect();
        world.extend([[90.0, 90.0], [95.0, 5.0], [5.0, 95.0]]);
        let ids = vec![0u16; world.len()];
        let a = anchors(&world, &ids, 2);
        let [x, y] = a[0].unwrap();
        assert!((x - 10.045).abs() < 0.1 && (y - 10.045).abs() < 0.1, "{x} {y}");
        assert_eq!(a[1], None, "an empty cluster has no anchor");
    }

    #[test]
    fn tiny_clusters_are_named_only_close_up() {
        assert_eq!(min_named_size(14_569, 1.0), 36);
        assert_eq!(min_named_size(14_569, 8.0), 4);
        assert_eq!(min_named_size(100, 1.0), 1, "small maps name every cluster");
    }

    #[test]
    fn levels_follow_zoom() {
        assert_eq!(level_for_zoom(1.0, 3), 0);
        assert_eq!(level_for_zoom(3.0, 3), 1);
        assert_eq!(level_for_zoom(10.0, 3), 2);
        assert_eq!(level_for_zoom(10.0, 2), 1);
        assert_eq!(level_for_zoom(10.0, 1), 0);
    }

    #[test]
    fn labels_never_overlap_and_bigger_clusters_win() {
        let free = Rect { left: 0.0, top: 0.0, right: 800.0, bottom: 600.0 };
        let items = vec![
            (0, [400.0, 300.0], 10, 50),
            (1, [410.0, 305.0], 10, 500),
            (2, [100.0, 100.0], 8, 5),
            (3, [5.0, 300.0], 20, 900),
        ];
        let placed = place_cluster_labels(0, items, free);
        let ids: Vec<usize> = placed.iter().map(|l| l.id).collect();
        assert_eq!(ids, vec![1, 2], "3 sticks out of the free area; 0 overlaps the bigger 1");
        for a in &placed {
            for b in &placed {
                assert!(a.id == b.id || !a.rect.overlaps(&b.rect));
            }
        }
    }
}
