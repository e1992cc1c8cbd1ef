//! Stage 1: read the interactions, translate ids to dense indices, merge repeated pairs, drop
//! entities seen in too few contexts, cap very large contexts, and lay the result out context by
//! context (CSR) for the co-occurrence stage. Every later stage works on indices; ids come back
//! only when the map is written.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::error::{BuildError, Location, Result};
use crate::hash::{hash_str, mix64};
use crate::params::{choice, require, ParamError, Params, Valid};
use crate::rows::{RowFields, Rows};

choice! {
    /// How interaction weights enter the co-occurrence.
    pub enum WeightTransform {
        /// ln(1 + w): play counts and the like are heavy-tailed; this keeps one huge count from
        /// drowning a context's other entities.
        Log1p = "log1p",
        /// The weight as given.
        Raw = "raw",
        /// Ignore weights: presence only.
        Binary = "binary",
    }
}

/// How the interactions are filtered and weighted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct IngestParams {
    /// Drop entities seen in fewer contexts than this. By default 2: an entity seen once
    /// relates to nothing in particular.
    pub min_contexts: u32,
    /// Contexts holding more entities than this are sampled down to it (deterministically, by
    /// the seed). By default 1000.
    pub max_context_size: usize,
    /// How weights enter the co-occurrence; without a weight column every interaction weighs
    /// the same whatever this says. By default ln(1 + w).
    pub weight_transform: WeightTransform,
}

impl Default for IngestParams {
    fn default() -> Self {
        Self { min_contexts: 2, max_context_size: 1000, weight_transform: WeightTransform::Log1p }
    }
}

impl Params for IngestParams {
    fn check(&self) -> Result<(), ParamError> {
        require(self.min_contexts >= 1, "min-contexts", "at least 1", self.min_contexts)?;
        require(self.max_context_size >= 2, "max-context-size", "at least 2", self.max_context_size)
    }
}

/// Counts seen while reading, for the summary and the manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestStats {
    /// Data rows read.
    pub rows: u64,
    /// Rows skipped because the entity or context id was empty.
    pub rows_with_empty_id: u64,
    /// Rows repeating an earlier (context, entity) pair; their weights were added.
    pub repeated_pairs: u64,
    /// Distinct entities in the file.
    pub entities_seen: u64,
    /// Entities dropped by `--min-contexts`.
    pub entities_below_min_contexts: u64,
    /// Distinct contexts in the file.
    pub contexts_seen: u64,
    /// Contexts sampled down to `--max-context-size`.
    pub contexts_capped: u64,
}

/// The interactions of the kept entities, context by context.
#[derive(Debug, Clone)]
pub struct Interactions {
    /// Id of each kept entity; its position is the entity index.
    pub entity_ids: Vec<String>,
    /// Distinct contexts each kept entity was seen in.
    pub popularity: Vec<u32>,
    /// `ctx_offsets[c]..ctx_offsets[c + 1]` indexes context `c`'s entities and weights.
    pub ctx_offsets: Vec<usize>,
    /// Entity indices, sorted within each context.
    pub ctx_entities: Vec<u32>,
    /// Transformed weights, parallel to `ctx_entities`.
    pub ctx_weights: Vec<f32>,
    /// What was read and dropped.
    pub stats: IngestStats,
}

impl Interactions {
    /// Number of kept entities.
    pub fn n_entities(&self) -> usize {
        self.entity_ids.len()
    }

    /// Number of contexts holding at least one kept entity.
    pub fn n_contexts(&self) -> usize {
        self.ctx_offsets.len() - 1
    }
}

struct Interner {
    index: FxHashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Interner {
    fn new() -> Self {
        Self { index: FxHashMap::default(), names: Vec::new() }
    }

    fn get(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.into());
        self.index.insert(name.into(), i);
        i
    }
}

fn parse_weight(raw: &str) -> std::result::Result<f32, String> {
    let w: f64 = raw.parse().map_err(|_| format!("expected a number for the weight, found {raw:?}"))?;
    if !w.is_finite() {
        return Err(format!("expected a finite weight, found {raw:?}"));
    }
    if w < 0.0 {
        return Err(format!("expected a weight of zero or more, found {raw}"));
    }
    Ok(w as f32)
}

/// The columns of the interactions, by header name.
#[derive(Debug, Clone, Copy)]
pub struct Columns<'a> {
    /// The entities to map.
    pub entity: &'a str,
    /// The contexts that group them.
    pub context: &'a str,
    /// Interaction weights, if any.
    pub weight: Option<&'a str>,
}

/// Reads and prepares the interactions from `table` (CSV or Parquet rows).
pub fn ingest(
    mut table: impl Rows,
    columns: Columns<'_>,
    params: &Valid<IngestParams>,
    seed: u64,
) -> Result<Interactions> {
    let entity_col = table.column(columns.entity, "--entity-col")?;
    let context_col = table.column(columns.context, "--context-col")?;
    let weight_col = columns.weight.map(|w| table.column(w, "--weight-col")).transpose()?;
    let path = table.path().to_path_buf();
    // Without weights every interaction weighs 1, whatever the transform would make of it.
    let transform = if weight_col.is_some() { params.weight_transform } else { WeightTransform::Binary };

    let mut entities = Interner::new();
    let mut contexts = Interner::new();
    let mut triples: Vec<(u32, u32, f32)> = Vec::new();
    let mut stats = IngestStats::default();
    while let Some(row) = table.next_row()? {
        stats.rows += 1;
        let weight = match weight_col {
            Some(col) => parse_weight(row.str(col)?)
                .map_err(|m| BuildError::input(row.location(&path, col, columns.weight.unwrap_or("")), m))?,
            None => 1.0,
        };
        let (entity, context) = (row.str(entity_col)?, row.str(context_col)?);
        if entity.is_empty() || context.is_empty() {
            stats.rows_with_empty_id += 1;
            continue;
        }
        triples.push((contexts.get(context), entities.get(entity), weight));
    }
    if stats.rows == 0 {
        return Err(BuildError::input(Location::file(&path), "the file has a header but no data rows"));
    }
    stats.entities_seen = entities.names.len() as u64;
    stats.contexts_seen = contexts.names.len() as u64;
    // Sampling keys come from the ids, not the indices, so they do not depend on row order.
    let context_hash: Vec<u64> = contexts.names.iter().map(|n| hash_str(n)).collect();
    let entity_hash: Vec<u64> = entities.names.iter().map(|n| hash_str(n)).collect();
    drop(contexts);

    // Stable sort: repeated pairs are summed in file order, so the sums are reproducible.
    triples.par_sort_by_key(|&(c, e, _)| (c, e));
    let mut merged: Vec<(u32, u32, f32)> = Vec::with_capacity(triples.len());
    for t in triples {
        match merged.last_mut() {
            Some(last) if last.0 == t.0 && last.1 == t.1 => {
                last.2 += t.2;
                stats.repeated_pairs += 1;
            }
            _ => merged.push(t),
        }
    }

    let mut contexts_per_entity = vec![0u32; entities.names.len()];
    for &(_, e, _) in &merged {
        contexts_per_entity[e as usize] += 1;
    }
    let most = contexts_per_entity.iter().copied().max().unwrap_or(0);
    let mut new_index = vec![u32::MAX; entities.names.len()];
    let mut kept_hash = Vec::new();
    let mut entity_ids = Vec::new();
    let mut popularity = Vec::new();
    for (old, &count) in contexts_per_entity.iter().enumerate() {
        if count >= params.min_contexts {
            new_index[old] = entity_ids.len() as u32;
            entity_ids.push(entities.names[old].to_string());
            kept_hash.push(entity_hash[old]);
            popularity.push(count);
        }
    }
    stats.entities_below_min_contexts = stats.entities_seen - entity_ids.len() as u64;
    if entity_ids.is_empty() {
        return Err(BuildError::Unusable(format!(
            "no entity is left: none of the {} entities in {} is seen in at least {} contexts (--min-contexts); \
             the most any entity has is {most}",
            stats.entities_seen,
            path.display(),
            params.min_contexts
        )));
    }
    drop(entities);

    let mut ctx_offsets = vec![0usize];
    let mut ctx_entities = Vec::with_capacity(merged.len());
    let mut ctx_weights = Vec::with_capacity(merged.len());
    let mut start = 0;
    let mut members: Vec<(u32, f32)> = Vec::new();
    while start < merged.len() {
        let ctx = merged[start].0;
        let mut end = start;
        members.clear();
        while end < merged.len() && merged[end].0 == ctx {
            let (_, e, w) = merged[end];
            if new_index[e as usize] != u32::MAX {
                members.push((new_index[e as usize], w));
            }
            end += 1;
        }
        start = end;
        if members.is_empty() {
            continue;
        }
        if members.len() > params.max_context_size {
            // Keep the members with the smallest seeded hashes: a uniform sample that does not
            // depend on the file's row order.
            stats.contexts_capped += 1;
            let salt = mix64(seed ^ context_hash[ctx as usize]);
            members.sort_by_key(|&(e, _)| (mix64(salt ^ kept_hash[e as usize]), e));
            members.truncate(params.max_context_size);
        }
        members.sort_by_key(|&(e, _)| e);
        for &(e, w) in &members {
            ctx_entities.push(e);
            ctx_weights.push(match transform {
                WeightTransform::Log1p => w.ln_1p(),
                WeightTransform::Raw => w,
                WeightTransform::Binary => 1.0,
            });
        }
        ctx_offsets.push(ctx_entities.len());
    }
    Ok(Interactions { entity_ids, popularity, ctx_offsets, ctx_entities, ctx_weights, stats })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Dialect, TableReader};

    fn read_with(text: &str, weight: Option<&str>, params: IngestParams) -> Result<Interactions> {
        let dialect = Dialect::for_path(std::path::Path::new("i.csv"), None);
        let table = TableReader::from_reader("i.csv", text.as_bytes(), dialect, false)?;
        ingest(table, Columns { entity: "item", context: "user", weight }, &params.validate().unwrap(), 0)
    }

    fn read(text: &str) -> Result<Interactions> {
        read_with(text, None, IngestParams::default())
    }

    #[test]
    fn ids_are_indexed_filtered_and_grouped_by_context() {
        let inter = read("user,item\nu1,a\nu1,b\nu2,a\nu2,b\nu2,c\nu3,a\nu1,a\n,b\n").unwrap();
        assert_eq!(inter.entity_ids, vec!["a", "b"]); // c is in one context only
        assert_eq!(inter.popularity, vec![3, 2]);
        assert_eq!(inter.n_contexts(), 3);
        assert_eq!(inter.ctx_entities, vec![0, 1, 0, 1, 0]);
        assert_eq!(inter.ctx_weights, vec![1.0; 5], "no weight column: every interaction weighs 1");
        assert_eq!(inter.stats.repeated_pairs, 1);
        assert_eq!(inter.stats.rows_with_empty_id, 1);
        assert_eq!(inter.stats.entities_below_min_contexts, 1);
    }

    #[test]
    fn bad_weights_name_their_cell() {
        for (w, expect) in [("abc", "expected a number"), ("NaN", "finite"), ("-1", "zero or more"), ("inf", "finite")]
        {
            let text = format!("user,item,w\nu1,a,1\nu2,a,{w}\n");
            let msg = read_with(&text, Some("w"), IngestParams::default()).unwrap_err().to_string();
            assert!(msg.contains("i.csv, line 3, column 3 (w)") && msg.contains(expect), "{msg}");
        }
    }

    #[test]
    fn weights_are_summed_then_transformed() {
        let text = "user,item,w\nu1,a,3\nu1,a,4\nu1,b,1\nu2,a,1\nu2,b,0\n";
        let log = read_with(text, Some("w"), IngestParams::default()).unwrap();
        assert_eq!(log.ctx_weights, vec![7f32.ln_1p(), 1f32.ln_1p(), 1f32.ln_1p(), 0.0]);
        let raw = IngestParams { weight_transform: WeightTransform::Raw, ..IngestParams::default() };
        assert_eq!(read_with(text, Some("w"), raw).unwrap().ctx_weights, vec![7.0, 1.0, 1.0, 0.0]);
    }

    #[test]
    fn nothing_left_and_header_only_are_clear() {
        let msg = read("user,item\nu1,a\n").unwrap_err().to_string();
        assert!(msg.contains("no entity is left") && msg.contains("--min-contexts"), "{msg}");
        let msg = read("user,item\n").unwrap_err().to_string();
        assert!(msg.contains("no data rows"), "{msg}");
    }

    #[test]
    fn large_contexts_are_capped_the_same_whatever_the_row_order() {
        let rows: Vec<String> = (0..50).map(|i| format!("u1,e{i}\nu2,e{i}")).collect();
        let mut reversed = rows.clone();
        reversed.reverse();
        let capped = |rows: &[String]| {
            let params = IngestParams { max_context_size: 10, ..IngestParams::default() };
            let inter = read_with(&format!("user,item\n{}\n", rows.join("\n")), None, params).unwrap();
            assert_eq!(inter.stats.contexts_capped, 2);
            let mut first: Vec<String> =
                inter.ctx_entities[..10].iter().map(|&e| inter.entity_ids[e as usize].clone()).collect();
            first.sort();
            first
        };
        assert_eq!(capped(&rows), capped(&reversed));
    }
}
