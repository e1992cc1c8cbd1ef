//! The map's data as it arrives, file by file, and what the viewer derives from it once: the
//! draw order, quantised positions in that order, size keys, world positions with their k-d
//! tree, the search index and the id index.

use starmap_format::lookup::IdIndex;
use starmap_format::read::{Column, Labels, Points};
use starmap_format::search::SearchIndex;
use starmap_format::{Manifest, Neighbors, FILE_METADATA};

use crate::data;
use crate::fmtval::{format_value, MISSING};
use crate::spatial::PointIndex;

/// Everything loaded so far; each part is empty until its file arrives.
#[derive(Debug, Default)]
pub struct MapData {
    /// Positions and popularity.
    pub points: Option<Points>,
    /// Entities in draw order (most popular first).
    pub order: Vec<u32>,
    /// Each entity's place in `order`.
    pub rank_of: Vec<u32>,
    /// Quantised positions in draw order, as the GPU takes them.
    pub xy_draw: Vec<u16>,
    /// Size key per entity.
    pub size_keys: Vec<u8>,
    /// World position per entity.
    pub world: Vec<[f32; 2]>,
    /// Nearest-point index over `world`, built after the first frame.
    pub spatial: Option<PointIndex>,
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
}

impl MapData {
    /// Nothing loaded yet, for a map with `columns` columns.
    pub fn new(columns: usize) -> Self {
        Self { columns: vec![None; columns], ..Self::default() }
    }

    /// Takes the positions and derives the draw order and everything kept in it.
    pub fn install_points(&mut self, m: &Manifest, points: Points) {
        self.order = data::draw_order(&points);
        self.rank_of = vec![0; points.len()];
        for (rank, &e) in self.order.iter().enumerate() {
            self.rank_of[e as usize] = rank as u32;
        }
        self.xy_draw =
            self.order.iter().flat_map(|&e| [points.xy[2 * e as usize], points.xy[2 * e as usize + 1]]).collect();
        self.size_keys = data::size_keys(&points, m);
        self.world = (0..points.len())
            .map(|i| {
                let w = points.world(m, i);
                [w[0] as f32, w[1] as f32]
            })
            .collect();
        self.points = Some(points);
    }

    /// Builds the nearest-point index (tens of milliseconds at a million points).
    pub fn index_points(&mut self) {
        self.spatial = PointIndex::new(&self.world);
    }

    /// Takes the ids and names of `n` entities and builds the search and id indexes.
    pub fn install_labels(&mut self, n: usize, labels: Labels, columns: Vec<(usize, Column)>) {
        self.install_columns(columns);
        let popularity = self.points.as_ref().map(|p| p.popularity.as_slice()).unwrap_or(&[]);
        self.search = Some(SearchIndex::new(n, |i| labels.name(i), popularity));
        self.ids = Some(IdIndex::new(&labels.ids));
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

    /// World position of entity `e` (which must have a position).
    pub fn world_of(&self, e: u32) -> [f64; 2] {
        let w = self.world[e as usize];
        [w[0] as f64, w[1] as f64]
    }

    /// Whether entity `e` has a position yet.
    pub fn has_position(&self, e: u32) -> bool {
        (e as usize) < self.world.len()
    }
}
