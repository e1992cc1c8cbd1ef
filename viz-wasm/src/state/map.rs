//! The map's data as it arrives, file by file, and what the viewer derives from it once: the
//! draw order, each layout placed in the shared world frame (see [`crate::layouts`]) with its
//! k-d tree, the search index and the id index.

use starmap_format::lookup::IdIndex;
use starmap_format::pause::Pause;
use starmap_format::read::{Column, Labels, Layouts, Points};
use starmap_format::search::SearchIndex;
use starmap_format::{pair_index, Manifest, Neighbors, FILE_METADATA, NEIGHBORHOOD_K};

use super::clusters::{self, ClusterPlaces};
use super::search::ClusterSearch;
use crate::colors::Coloring;
use crate::data;
use crate::fmtval::{format_value, MISSING};
use crate::layouts::{place_aligned, place_aligned_paused, place_first, Placed};
use crate::spatial::{nearest_n, PointIndex};

/// The indexes of the names and ids: built apart from the state (the page builds them in
/// slices, between frames: a second or more at a million names), then installed with them.
#[derive(Debug)]
pub struct NameIndexes {
    /// Name search.
    pub search: SearchIndex,
    /// Id lookup.
    pub ids: IdIndex,
}

impl NameIndexes {
    /// Builds both at once.
    pub fn new(labels: &Labels) -> Self {
        starmap_format::pause::run(Self::build(labels, &mut starmap_format::pause::NoPause))
    }

    /// Builds both, pausing at `pause` every few thousand names.
    pub async fn build(labels: &Labels, pause: &mut impl Pause) -> Self {
        let n = labels.ids.len();
        let search = SearchIndex::build(n, |i| labels.name(i), &labels.popularity, pause).await;
        let ids = IdIndex::build(&labels.ids, pause).await;
        Self { search, ids }
    }
}

/// Where each cluster's name goes (world coordinates; `None` for a cluster not in the layout).
pub type Anchors = Vec<Option<[f64; 2]>>;

/// Everything loaded so far; each part is empty until its file arrives.
#[derive(Debug, Default)]
pub struct MapData {
    /// The first layout's positions and the size keys.
    pub points: Option<Points>,
    /// Entities in draw order (most popular first).
    pub order: Vec<u32>,
    /// Each entity's place in `order`.
    pub rank_of: Vec<u32>,
    /// Quantised positions of the layouts after the first (`layouts.bin`).
    pub other_xy: Vec<Vec<u16>>,
    /// Each layout in the world frame, once its positions are in.
    pub placed: Vec<Option<Placed>>,
    /// Nearest-point index per layout, built after the frame that first shows it could.
    pub spatial: Vec<Option<PointIndex>>,
    /// The index being built, a part at a time, and its layout.
    pub spatial_building: Option<(usize, PointIndex)>,
    /// Per layout pair (`starmap_format::pair_index`), how many of each entity's 10 nearest 2D
    /// neighbours change; empty until `layouts.bin` arrives.
    pub change: Vec<Vec<u8>>,
    /// Ids and names.
    pub labels: Option<Labels>,
    /// Id lookup.
    pub ids: Option<IdIndex>,
    /// Decoded columns by manifest index.
    pub columns: Vec<Option<Column>>,
    /// Neighbour lists.
    pub neighbors: Option<Neighbors>,
    /// Name search.
    pub search: Option<SearchIndex>,
    /// Cluster name search (maps with clusters).
    pub cluster_search: Option<ClusterSearch>,
    /// Each entity's cluster per level (coarsest first), once `clusters.bin` is in.
    pub clusters: Option<Vec<Vec<u16>>>,
    /// Per (layout, level): where each cluster's name goes, in world coordinates; found the
    /// first time that layout shows that level's names: a pass over every point, which a layout
    /// or a level never shown does not cost a million-point map.
    pub cluster_anchors: std::collections::HashMap<(usize, usize), std::cell::OnceCell<Anchors>>,
    /// Palette index per coarsest-level cluster (touching clusters differ), from the first
    /// layout.
    pub cluster_colors: Vec<usize>,
}

impl MapData {
    /// Nothing loaded yet, for a map with `columns` columns and `layouts` layouts.
    pub fn new(columns: usize, layouts: usize) -> Self {
        Self {
            columns: vec![None; columns],
            placed: vec![None; layouts.max(1)],
            spatial: (0..layouts.max(1)).map(|_| None).collect(),
            ..Self::default()
        }
    }

    /// Takes the first layout and the sizes, and derives the draw order.
    pub fn install_points(&mut self, m: &Manifest, points: Points) {
        self.order = data::draw_order(&points);
        self.rank_of = vec![0; points.len()];
        for (rank, &e) in self.order.iter().enumerate() {
            self.rank_of[e as usize] = rank as u32;
        }
        self.placed[0] = Some(place_first(&points.xy, &m.bounds()));
        self.points = Some(points);
        self.place_others(m);
        self.place_clusters(m);
    }

    /// Takes each entity's cluster per level, and what [`ClusterPlaces::find`] found for them
    /// in the first layout, if it ran.
    pub fn install_clusters(&mut self, m: &Manifest, levels: Vec<Vec<u16>>, places: Option<ClusterPlaces>) {
        self.clusters = Some(levels);
        if let Some(places) = places.filter(|_| self.placed(0).is_some()) {
            self.cluster_colors = places.colors;
            for (k, anchors) in places.anchors.into_iter().enumerate() {
                self.cluster_anchors.insert((0, k), std::cell::OnceCell::from(anchors));
            }
        }
        self.place_clusters(m);
    }

    /// Makes room for where cluster names go in every placed layout (found when first asked,
    /// [`MapData::cluster_anchors`]), and colours the coarsest level's clusters (once the first
    /// layout and the clusters are in).
    fn place_clusters(&mut self, m: &Manifest) {
        let (Some(levels), Some(info)) = (&self.clusters, &m.clusters) else { return };
        for (l, placed) in self.placed.iter().enumerate() {
            if placed.is_some() {
                for k in 0..levels.len() {
                    self.cluster_anchors.entry((l, k)).or_default();
                }
            }
        }
        if self.cluster_colors.is_empty() {
            if let (Some(first), Some(ids), Some(level)) = (self.placed(0), levels.first(), info.levels.first()) {
                let sizes: Vec<u64> = level.clusters.iter().map(|c| u64::from(c.size)).collect();
                let adj = clusters::adjacency(&first.world, ids, sizes.len());
                self.cluster_colors = clusters::assign_colors(&adj, &sizes);
            }
        }
    }

    /// Where the names of level `level`'s clusters go in layout `layout` (world coordinates),
    /// found now if not yet.
    pub fn cluster_anchors(&self, m: &Manifest, layout: usize, level: usize) -> Option<&[Option<[f64; 2]>]> {
        let cell = self.cluster_anchors.get(&(layout, level))?;
        let (p, ids) = (self.placed(layout)?, self.clusters.as_ref()?.get(level)?);
        let count = m.clusters.as_ref()?.levels.get(level).map_or(0, |lv| lv.clusters.len());
        Some(cell.get_or_init(|| clusters::anchors(&p.world, ids, count)))
    }

    /// Colours entities by their coarsest-level cluster.
    pub fn cluster_coloring(&self, m: &Manifest) -> Coloring {
        let (Some(ids), Some(level)) =
            (self.clusters.as_ref().and_then(|c| c.first()), m.clusters.as_ref().and_then(|c| c.levels.first()))
        else {
            return crate::colors::coloring(m, None, None, m.entity_count as usize);
        };
        let names: Vec<String> = level.clusters.iter().map(|c| c.name.clone()).collect();
        let sizes: Vec<u64> = level.clusters.iter().map(|c| u64::from(c.size)).collect();
        clusters::cluster_coloring(ids, &names, &sizes, &self.cluster_colors)
    }

    /// Takes the other layouts and the neighbourhood changes, and `placed`: those layouts
    /// already placed onto the first (by [`MapData::place_layouts`], index 0 the second layout).
    pub fn install_layouts(&mut self, m: &Manifest, layouts: Layouts, placed: Vec<Option<Placed>>) {
        self.other_xy = layouts.xy;
        self.change = layouts.change;
        if self.placed.first().is_some_and(Option::is_some) {
            for (k, p) in placed.into_iter().enumerate() {
                if let Some(slot @ None) = self.placed.get_mut(k + 1) {
                    *slot = p;
                }
            }
        }
        self.place_others(m);
    }

    /// Places every other layout of `layouts` onto the first layout's world positions `first`,
    /// pausing as it goes (a million points take the browser tens of milliseconds a pass).
    pub async fn place_layouts(
        m: &Manifest,
        layouts: &Layouts,
        first: &[[f32; 2]],
        pause: &mut impl Pause,
    ) -> Vec<Option<Placed>> {
        let mut out = Vec::with_capacity(layouts.xy.len());
        for (k, xy) in layouts.xy.iter().enumerate() {
            out.push(match m.layouts.get(k + 1) {
                Some(info) => Some(place_aligned_paused(xy, &info.bounds, first, pause).await),
                None => None,
            });
        }
        out
    }

    /// Places every other layout whose positions are in onto the first, once that is in.
    fn place_others(&mut self, m: &Manifest) {
        let Some(first) = self.placed.first().and_then(Option::as_ref) else { return };
        let placed: Vec<(usize, Placed)> = self
            .other_xy
            .iter()
            .enumerate()
            .filter_map(|(k, xy)| {
                let l = k + 1;
                let info = m.layouts.get(l)?;
                self.placed
                    .get(l)
                    .is_some_and(Option::is_none)
                    .then(|| (l, place_aligned(xy, &info.bounds, &first.world)))
            })
            .collect();
        for (l, p) in placed {
            self.placed[l] = Some(p);
        }
        self.place_clusters(m);
    }

    /// Builds about [`PointIndex::PART`] points' worth of the nearest-point indexes the placed
    /// layouts lack (a few hundred milliseconds a layout at a million points, in parts of
    /// tens); whether more remains.
    pub fn index_layouts(&mut self) -> bool {
        let mut budget = PointIndex::PART;
        while budget > 0 {
            let building = self.spatial_building.take().or_else(|| {
                let l = (0..self.placed.len()).find(|&l| {
                    self.spatial[l].is_none() && self.placed[l].as_ref().is_some_and(|p| !p.world.is_empty())
                })?;
                Some((l, PointIndex::start()))
            });
            let Some((l, mut index)) = building else { break };
            let Some(p) = &self.placed[l] else { break };
            budget = budget.saturating_sub((p.world.len() - index.len()).min(PointIndex::PART));
            if index.extend(&p.world) {
                self.spatial[l] = Some(index);
            } else {
                self.spatial_building = Some((l, index));
            }
        }
        self.indexing_pending()
    }

    /// Whether a placed layout still lacks its nearest-point index.
    pub fn indexing_pending(&self) -> bool {
        self.spatial_building.is_some()
            || (0..self.placed.len())
                .any(|l| self.spatial[l].is_none() && self.placed[l].as_ref().is_some_and(|p| !p.world.is_empty()))
    }

    /// Whether layout `l`'s positions are in.
    pub fn has_layout(&self, l: usize) -> bool {
        self.placed.get(l).is_some_and(Option::is_some)
    }

    /// Layout `l` in the world frame, once its positions are in.
    pub fn placed(&self, l: usize) -> Option<&Placed> {
        self.placed.get(l).and_then(Option::as_ref)
    }

    /// Layout `l`'s quantised positions in draw order, as the GPU takes them.
    pub fn xy_draw(&self, l: usize) -> Option<Vec<u16>> {
        let xy = if l == 0 { &self.points.as_ref()?.xy } else { self.other_xy.get(l - 1)? };
        Some(data::in_draw_order(xy, &self.order))
    }

    /// The size key of entity `e` (0 before the points arrive).
    pub fn size_key(&self, e: u32) -> u8 {
        self.points.as_ref().and_then(|p| p.sizes.get(e as usize)).copied().unwrap_or(0)
    }

    /// Per entity, how many of its 10 nearest 2D neighbours differ between layouts `a` and `b`.
    pub fn change_between(&self, a: usize, b: usize, layouts: usize) -> Option<&[u8]> {
        if a == b || a >= layouts || b >= layouts {
            return None;
        }
        self.change.get(pair_index(a, b, layouts)).map(Vec::as_slice)
    }

    /// The [`NEIGHBORHOOD_K`] entities nearest `e` in layout `l` (itself left out), nearest
    /// first; empty until that layout's positions are in.
    pub fn nearest_2d(&self, l: usize, e: u32) -> Vec<u32> {
        let Some(p) = self.placed(l) else { return Vec::new() };
        let Some(&at) = p.world.get(e as usize) else { return Vec::new() };
        nearest_n(&p.world, at, NEIGHBORHOOD_K + 1)
            .into_iter()
            .map(|(j, _)| j)
            .filter(|&j| j != e)
            .take(NEIGHBORHOOD_K)
            .collect()
    }

    /// Takes the ids and names of `n` entities and builds the search and id indexes.
    pub fn install_labels(
        &mut self,
        m: &Manifest,
        labels: Labels,
        columns: Vec<(usize, Column)>,
        indexes: NameIndexes,
    ) {
        self.install_columns(columns);
        if let Some(c) = &m.clusters {
            let names: Vec<(usize, usize, String, u32)> = c
                .levels
                .iter()
                .enumerate()
                .flat_map(|(l, level)| {
                    level.clusters.iter().enumerate().map(move |(i, c)| (l, i, c.name.clone(), c.size))
                })
                .collect();
            self.cluster_search = Some(ClusterSearch::new(&names));
        }
        self.search = Some(indexes.search);
        self.ids = Some(indexes.ids);
        self.labels = Some(labels);
    }

    /// Takes decoded columns, by manifest index.
    pub fn install_columns(&mut self, columns: Vec<(usize, Column)>) {
        for (i, c) in columns {
            if let Some(slot) = self.columns.get_mut(i) {
                *slot = Some(c);
            }
        }
    }

    /// Whether every column stored in the metadata file has arrived (colour-by and filters
    /// from a link wait for them).
    pub fn metadata_loaded(&self, m: &Manifest) -> bool {
        self.columns.iter().zip(&m.columns).all(|(c, info)| c.is_some() || info.file != FILE_METADATA)
    }

    /// Display name of entity `e` (`#e` until the names arrive).
    pub fn name(&self, e: u32) -> String {
        match &self.labels {
            Some(l) => l.name(e as usize).to_string(),
            None => format!("#{e}"),
        }
    }

    /// Id of entity `e`, once the labels are in.
    pub fn id(&self, e: u32) -> Option<String> {
        self.labels.as_ref().map(|l| l.ids.get(e as usize).to_string())
    }

    /// The entity with this id.
    pub fn find_id(&self, id: &str) -> Option<u32> {
        match (&self.labels, &self.ids) {
            (Some(labels), Some(ids)) => ids.find(&labels.ids, id),
            _ => None,
        }
    }

    /// A short second line for an entity: the first loaded non-label column with a value.
    pub fn secondary(&self, m: &Manifest, e: u32) -> String {
        let label = m.label_column.as_ref().and_then(|l| m.column_index(l));
        for (i, c) in self.columns.iter().enumerate() {
            if Some(i) == label {
                continue;
            }
            if let Some(c) = c {
                let v = format_value(c, e as usize);
                if v != MISSING {
                    return v;
                }
            }
        }
        String::new()
    }

    /// World position of entity `e` in layout `l` (`None` before its positions arrive).
    pub fn world_in(&self, l: usize, e: u32) -> Option<[f64; 2]> {
        let w = self.placed(l)?.world.get(e as usize)?;
        Some([w[0] as f64, w[1] as f64])
    }

    /// Exact popularity of entity `e`, once the names are in.
    pub fn popularity(&self, e: u32) -> Option<u32> {
        self.labels.as_ref()?.popularity.get(e as usize).copied()
    }
}
