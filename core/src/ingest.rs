//! Stage 1: read the interactions, translate ids to dense indices, merge repeated pairs, drop
//! entities seen in too few contexts, cap very large contexts, and lay the result out context by
//! context (CSR) for the co-occurrence stage. Every later stage works on indices; ids come back
//! only when the map is written.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::counting;
use crate::error::{BuildError, Location, Result};
use crate::hash::{hash_str, mix64};
use crate::params::{choice, require, ParamError, Params, Valid};
use crate::rows::{AnyRows, RowFields, Rows};
use crate::table::{BlockRows, BlockShape, Blocks, Defer};

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

/// Ids → dense indices in order of first appearance, the names in one buffer. Looked up by a
/// 64-bit hash (one integer compare, no allocation per name); two names with the same hash
/// are told apart by a second table.
struct Interner {
    index: FxHashMap<u64, u32>,
    /// Names whose hash an earlier, different name has.
    clashes: FxHashMap<Box<str>, u32>,
    text: String,
    /// `text[ends[i - 1]..ends[i]]` is name `i`.
    ends: Vec<usize>,
    hashes: Vec<u64>,
}

/// A well-mixed hash of a name, eight bytes at a time: ids are short and there is one per
/// field read.
fn name_hash(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(w);
        h = (h ^ u64::from_le_bytes(word)).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    mix64(h ^ u64::from_le_bytes(last))
}

impl Interner {
    fn new() -> Self {
        Self {
            index: FxHashMap::default(),
            clashes: FxHashMap::default(),
            text: String::new(),
            ends: Vec::new(),
            hashes: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn name(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    fn get(&mut self, name: &str) -> u32 {
        self.get_hashed(name, name_hash(name))
    }

    /// The index of `name`, whose hash is `hash`, if it has one.
    fn find(&self, name: &str, hash: u64) -> Option<u32> {
        let &first = self.index.get(&hash)?;
        if self.name(first as usize) == name {
            return Some(first);
        }
        self.clashes.get(name).copied()
    }

    /// The index of `name`, whose hash is `hash`.
    fn get_hashed(&mut self, name: &str, hash: u64) -> u32 {
        let next = self.ends.len() as u32;
        let first = *self.index.entry(hash).or_insert(next);
        if first != next {
            if self.name(first as usize) == name {
                return first;
            }
            if let Some(&i) = self.clashes.get(name) {
                return i;
            }
            self.clashes.insert(name.into(), next);
        }
        self.text.push_str(name);
        self.ends.push(self.text.len());
        self.hashes.push(hash);
        next
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

/// Bytes in a block of rows parsed in one go: large, so that a block's distinct ids (merged
/// one by one on the reading thread) are few next to its rows.
const BLOCK_BYTES: usize = 16 << 20;

/// What has been read so far: ids in order of first appearance (their indices), and one
/// `(context, entity, weight)` per row.
struct Read {
    entities: Interner,
    contexts: Interner,
    triples: Vec<(u32, u32, f32)>,
    stats: IngestStats,
}

/// Where the needed fields are in a row.
#[derive(Clone, Copy)]
struct Fields {
    entity: usize,
    context: usize,
    weight: Option<usize>,
}

/// One block's rows with ids interned locally, in order of first appearance in the block.
struct LocalBlock {
    entities: Interner,
    contexts: Interner,
    triples: Vec<(u32, u32, f32)>,
    rows: u64,
    rows_with_empty_id: u64,
}

/// A parsed block: its bytes (kept in case the sequential reader must read them again), its
/// line feeds, and its rows, or `Defer` when it holds an error or may.
struct Parsed {
    block: Vec<u8>,
    lines: u64,
    rows: std::result::Result<LocalBlock, Defer>,
}

fn parse_block(block: &[u8], shape: BlockShape, fields: Fields) -> std::result::Result<LocalBlock, Defer> {
    let mut rows = BlockRows::with_shape(block, shape);
    let mut local = LocalBlock {
        entities: Interner::new(),
        contexts: Interner::new(),
        triples: Vec::new(),
        rows: 0,
        rows_with_empty_id: 0,
    };
    while rows.advance()? {
        local.rows += 1;
        let weight = match fields.weight {
            Some(col) => parse_weight(rows.str(col)?).map_err(|_| Defer)?,
            None => 1.0,
        };
        let (entity, context) = (rows.str(fields.entity)?, rows.str(fields.context)?);
        if entity.is_empty() || context.is_empty() {
            local.rows_with_empty_id += 1;
            continue;
        }
        local.triples.push((local.contexts.get(context), local.entities.get(entity), weight));
    }
    Ok(local)
}

impl Read {
    /// Adds a block's rows, its new ids taking the next indices in their order in the block:
    /// blocks merged in file order give every id the index a row-by-row read gives it.
    ///
    /// A block holds most of a large file's entities, each a lookup in the global names (a
    /// cache miss or two), so looking them up one by one on the merging thread was most of
    /// the read (1M entities: 14 of 22 s). They are looked up in parallel (the names only
    /// read); then the names not found take their indices in block order, one thread.
    fn merge(&mut self, local: LocalBlock) {
        let global = |all: &mut Interner, local: &Interner| -> Vec<u32> {
            let found: Vec<Option<u32>> = (0..local.len())
                .into_par_iter()
                .with_min_len(1 << 12)
                .map(|i| all.find(local.name(i), local.hashes[i]))
                .collect();
            let new = |(i, found): (usize, Option<u32>)| {
                found.unwrap_or_else(|| all.get_hashed(local.name(i), local.hashes[i]))
            };
            found.into_iter().enumerate().map(new).collect()
        };
        let entity = global(&mut self.entities, &local.entities);
        let context = global(&mut self.contexts, &local.contexts);
        let global_row = |&(c, e, w): &(u32, u32, f32)| (context[c as usize], entity[e as usize], w);
        self.triples.par_extend(local.triples.par_iter().with_min_len(1 << 14).map(global_row));
        self.stats.rows += local.rows;
        self.stats.rows_with_empty_id += local.rows_with_empty_id;
    }

    /// Reads the rest of `table` row by row.
    fn sequential(&mut self, mut table: impl Rows, fields: Fields, weight_name: &str) -> Result<()> {
        let path = table.path().to_path_buf();
        while let Some(row) = table.next_row()? {
            self.stats.rows += 1;
            let weight = match fields.weight {
                Some(col) => parse_weight(row.str(col)?)
                    .map_err(|m| BuildError::input(row.location(&path, col, weight_name), m))?,
                None => 1.0,
            };
            let (entity, context) = (row.str(fields.entity)?, row.str(fields.context)?);
            if entity.is_empty() || context.is_empty() {
                self.stats.rows_with_empty_id += 1;
                continue;
            }
            self.triples.push((self.contexts.get(context), self.entities.get(entity), weight));
        }
        Ok(())
    }

    /// Reads `blocks` on every thread: this one reads (and decompresses) blocks while the pool
    /// parses them, and merges them in file order. A block that defers, and everything after
    /// it, is read again row by row, so errors are reported as the row-by-row read reports
    /// them.
    fn parallel(
        &mut self,
        mut blocks: Blocks<'_>,
        block_bytes: usize,
        fields: Fields,
        weight_name: &str,
    ) -> Result<()> {
        let shape = blocks.shape();
        // Enough blocks in flight to keep every thread busy, few enough to bound memory.
        let window = 2 * rayon::current_num_threads() + 1;
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Parsed)>();
        let mut ready = std::collections::BTreeMap::new();
        let (mut sent, mut merged, mut lines_before) = (0usize, 0usize, 0u64);
        let mut unread: Option<Vec<Vec<u8>>> = None;
        rayon::in_place_scope(|scope| {
            loop {
                while unread.is_none() && sent - merged < window {
                    let Some(block) = blocks.next_block(block_bytes) else { break };
                    let tx = tx.clone();
                    let index = sent;
                    scope.spawn(move |_| {
                        let rows = parse_block(&block, shape, fields);
                        let lines = block.iter().filter(|&&b| b == b'\n').count() as u64;
                        // The receiver outlives the scope.
                        let _ = tx.send((index, Parsed { block, lines, rows }));
                    });
                    sent += 1;
                }
                if merged == sent {
                    break;
                }
                let parsed = loop {
                    if let Some(p) = ready.remove(&merged) {
                        break p;
                    }
                    let (i, p) = receive(&rx);
                    ready.insert(i, p);
                };
                merged += 1;
                match (&mut unread, parsed.rows) {
                    (Some(unread), _) => unread.push(parsed.block),
                    (None, Ok(local)) => {
                        self.merge(local);
                        lines_before += parsed.lines;
                    }
                    (None, Err(Defer)) => unread = Some(vec![parsed.block]),
                }
            }
        });
        let unread = unread.unwrap_or_default();
        if unread.is_empty() && !blocks.failed() {
            return Ok(());
        }
        let table = blocks.resume(unread, lines_before)?;
        self.sequential(table, fields, weight_name)
    }
}

/// The next parsed block. On a pool thread, runs pool work while waiting (it may be the
/// very block awaited); elsewhere, blocks.
fn receive(rx: &std::sync::mpsc::Receiver<(usize, Parsed)>) -> (usize, Parsed) {
    loop {
        if let Ok(m) = rx.try_recv() {
            return m;
        }
        if rayon::yield_now() != Some(rayon::Yield::Executed) {
            // Every sender is a spawned task that sends before it ends, and this thread holds
            // one sender, so the channel cannot close while a block is awaited.
            if let Ok(m) = rx.recv() {
                return m;
            }
        }
    }
}

/// A context's member: its entity in the high 32 bits, its weight's bits in the low ones (one
/// word, so that the parallel counting sort can place it with one atomic store).
fn pack(entity: u32, weight: f32) -> u64 {
    (entity as u64) << 32 | weight.to_bits() as u64
}

fn entity_of(member: u64) -> u32 {
    (member >> 32) as u32
}

fn weight_of(member: u64) -> f32 {
    f32::from_bits(member as u32)
}

/// `(context, entity, weight)` rows as each context's members in file order:
/// `grouped[offsets[c]..offsets[c + 1]]`, a stable counting sort in `parts` parts at once (see
/// [`counting`]). The slots are disjoint but interleaved, so they are written as relaxed
/// atomics (plain stores on x86).
fn group_by_context(triples: &[(u32, u32, f32)], contexts: usize, parts: usize) -> (Vec<usize>, Vec<u64>) {
    let bounds: Vec<usize> = (0..=parts).map(|p| p * triples.len() / parts).collect();
    let mut starts: Vec<Vec<usize>> = (0..parts)
        .into_par_iter()
        .map(|p| {
            let mut count = vec![0usize; contexts];
            for &(c, _, _) in &triples[bounds[p]..bounds[p + 1]] {
                count[c as usize] += 1;
            }
            count
        })
        .collect();
    let offsets = counting::first_slots(&mut starts, contexts);
    let grouped: Vec<AtomicU64> = (0..triples.len()).into_par_iter().map(|_| AtomicU64::new(0)).collect();
    starts.into_par_iter().enumerate().for_each(|(p, mut fill)| {
        for &(c, e, w) in &triples[bounds[p]..bounds[p + 1]] {
            let slot = &mut fill[c as usize];
            grouped[*slot].store(pack(e, w), Relaxed);
            *slot += 1;
        }
    });
    // Same layout, so this collects in place.
    (offsets, grouped.into_iter().map(AtomicU64::into_inner).collect())
}

/// Contexts a task of [`context_rows`] lays out.
const CONTEXTS_PER_TASK: usize = 4096;

/// The kept entities' part of every context (`members[offsets[c]..offsets[c] + lens[c]]`:
/// merged, sorted by entity, in old indices), capped at `max` by the seeded hashes and
/// weighted by `transform`, laid out one context after another, empty ones left out. Contexts
/// run in parallel, `per_task` at a time, each written to its own place: the same arrays
/// whatever the threads. Returns the offsets, entities, weights and how many were capped.
#[allow(clippy::too_many_arguments)]
fn context_rows(
    members: &[u64],
    offsets: &[usize],
    lens: &[usize],
    new_index: &[u32],
    kept_hash: &[u64],
    context_hash: &[u64],
    (max, seed, transform): (usize, u64, WeightTransform),
    per_task: usize,
) -> (Vec<usize>, Vec<u32>, Vec<f32>, u64) {
    let contexts = lens.len();
    // Each context's kept entities, then as many as it keeps under the cap.
    let mut kept: Vec<usize> = (0..contexts)
        .into_par_iter()
        .map(|c| {
            let all = &members[offsets[c]..offsets[c] + lens[c]];
            all.iter().filter(|&&m| new_index[entity_of(m) as usize] != u32::MAX).count()
        })
        .collect();
    let capped = kept.iter().filter(|&&k| k > max).count() as u64;
    kept.iter_mut().for_each(|k| *k = (*k).min(max));
    let mut starts = Vec::with_capacity(contexts + 1);
    starts.push(0usize);
    for &k in &kept {
        starts.push(starts[starts.len() - 1] + k);
    }
    let total = starts[contexts];
    let (mut entities, mut weights) = (vec![0u32; total], vec![0f32; total]);
    // Each task's contexts and the part of the output they fill.
    let mut tasks = Vec::with_capacity(contexts.div_ceil(per_task.max(1)));
    let (mut rest_e, mut rest_w) = (entities.as_mut_slice(), weights.as_mut_slice());
    for first in (0..contexts).step_by(per_task.max(1)) {
        let last = (first + per_task.max(1)).min(contexts);
        let len = starts[last] - starts[first];
        let (e, tail_e) = std::mem::take(&mut rest_e).split_at_mut(len);
        let (w, tail_w) = std::mem::take(&mut rest_w).split_at_mut(len);
        (rest_e, rest_w) = (tail_e, tail_w);
        tasks.push((first..last, e, w));
    }
    tasks.into_par_iter().for_each(|(range, out_e, out_w)| {
        let mut row: Vec<(u32, f32)> = Vec::new();
        let mut at = 0;
        for c in range {
            row.clear();
            for &m in &members[offsets[c]..offsets[c] + lens[c]] {
                let e = new_index[entity_of(m) as usize];
                if e != u32::MAX {
                    row.push((e, weight_of(m)));
                }
            }
            if row.len() > max {
                // Keep the members with the smallest seeded hashes: a uniform sample that does
                // not depend on the file's row order.
                let salt = mix64(seed ^ context_hash[c]);
                row.sort_by_key(|&(e, _)| (mix64(salt ^ kept_hash[e as usize]), e));
                row.truncate(max);
                row.sort_by_key(|&(e, _)| e);
            }
            for &(e, w) in &row {
                out_e[at] = e;
                out_w[at] = match transform {
                    WeightTransform::Log1p => w.ln_1p(),
                    WeightTransform::Raw => w,
                    WeightTransform::Binary => 1.0,
                };
                at += 1;
            }
        }
    });
    let mut ctx_offsets = vec![0usize];
    ctx_offsets.extend(starts[1..].iter().zip(&kept).filter(|&(_, &k)| k > 0).map(|(&end, _)| end));
    (ctx_offsets, entities, weights, capped)
}

/// Reads and prepares the interactions from `table`: CSV in parallel blocks when its fields
/// may not span lines (the interactions' case), else (and Parquet) row by row. Either way the
/// result, and any error, is the same.
pub fn ingest(
    table: AnyRows<'_>,
    columns: Columns<'_>,
    params: &Valid<IngestParams>,
    seed: u64,
) -> Result<Interactions> {
    ingest_with(table, columns, params, seed, Some(BLOCK_BYTES))
}

/// [`ingest`] with blocks of `block_bytes` (`None`: row by row), for the tests.
fn ingest_with(
    mut table: AnyRows<'_>,
    columns: Columns<'_>,
    params: &Valid<IngestParams>,
    seed: u64,
    block_bytes: Option<usize>,
) -> Result<Interactions> {
    let entity_col = table.column(columns.entity, "--entity-col")?;
    let context_col = table.column(columns.context, "--context-col")?;
    let weight_col = columns.weight.map(|w| table.column(w, "--weight-col")).transpose()?;
    let path = table.path().to_path_buf();
    // Without weights every interaction weighs 1, whatever the transform would make of it.
    let transform = if weight_col.is_some() { params.weight_transform } else { WeightTransform::Binary };

    let fields = Fields { entity: entity_col, context: context_col, weight: weight_col };
    let weight_name = columns.weight.unwrap_or("");
    let mut read = Read {
        entities: Interner::new(),
        contexts: Interner::new(),
        triples: Vec::new(),
        stats: IngestStats::default(),
    };
    match (block_bytes, table) {
        (Some(size), AnyRows::Csv(csv)) => match csv.into_blocks() {
            Ok(blocks) => read.parallel(blocks, size, fields, weight_name)?,
            Err(csv) => read.sequential(*csv, fields, weight_name)?,
        },
        (_, table) => read.sequential(table, fields, weight_name)?,
    }
    let Read { entities, contexts, triples, mut stats } = read;
    if stats.rows == 0 {
        return Err(BuildError::input(Location::file(&path), "the file has a header but no data rows"));
    }
    stats.entities_seen = entities.len() as u64;
    stats.contexts_seen = contexts.len() as u64;
    // Sampling keys come from the ids, not the indices, so they do not depend on row order.
    let context_hash: Vec<u64> = (0..contexts.len()).map(|i| hash_str(contexts.name(i))).collect();
    let entity_hash: Vec<u64> = (0..entities.len()).map(|i| hash_str(entities.name(i))).collect();
    drop(contexts);

    // Rows grouped by context (a counting sort, file order kept within a context), then each
    // context's members sorted by entity, stably: the order of a stable sort by (context,
    // entity), in linear time. Repeated pairs are then merged in place, their weights summed in
    // file order (reproducible sums). Contexts run in parallel.
    let (offsets, mut grouped) =
        group_by_context(&triples, stats.contexts_seen as usize, counting::parts(triples.len()));
    drop(triples);
    let mut slices = Vec::with_capacity(offsets.len());
    let mut rest = grouped.as_mut_slice();
    for w in offsets.windows(2) {
        let (head, tail) = rest.split_at_mut(w[1] - w[0]);
        slices.push(head);
        rest = tail;
    }
    // Each context's members after merging (`grouped[offsets[c]..offsets[c] + lens[c]]`).
    let lens: Vec<usize> = slices
        .par_iter_mut()
        .map(|members| {
            members.sort_by_key(|&m| entity_of(m));
            let mut kept = 0;
            for i in 0..members.len() {
                let m = members[i];
                if kept > 0 && entity_of(members[kept - 1]) == entity_of(m) {
                    members[kept - 1] = pack(entity_of(m), weight_of(members[kept - 1]) + weight_of(m));
                } else {
                    members[kept] = m;
                    kept += 1;
                }
            }
            kept
        })
        .collect();
    drop(slices);
    stats.repeated_pairs = grouped.len() as u64 - lens.iter().sum::<usize>() as u64;

    // Contexts per entity: a count per part of the contexts, added up (exact integers).
    let parts = counting::parts(grouped.len());
    let contexts_per_entity = (0..parts)
        .into_par_iter()
        .map(|p| {
            let mut count = vec![0u32; entities.len()];
            for c in p * lens.len() / parts..(p + 1) * lens.len() / parts {
                for &m in &grouped[offsets[c]..offsets[c] + lens[c]] {
                    count[entity_of(m) as usize] += 1;
                }
            }
            count
        })
        .reduce_with(|mut a, b| {
            a.iter_mut().zip(&b).for_each(|(a, &b)| *a += b);
            a
        })
        .unwrap_or_else(|| vec![0; entities.len()]);
    let most = contexts_per_entity.iter().copied().max().unwrap_or(0);
    let mut new_index = vec![u32::MAX; entities.len()];
    let mut kept_hash = Vec::new();
    let mut entity_ids = Vec::new();
    let mut popularity = Vec::new();
    for (old, &count) in contexts_per_entity.iter().enumerate() {
        if count >= params.min_contexts {
            new_index[old] = entity_ids.len() as u32;
            entity_ids.push(entities.name(old).to_string());
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

    let (ctx_offsets, ctx_entities, ctx_weights, capped) = context_rows(
        &grouped,
        &offsets,
        &lens,
        &new_index,
        &kept_hash,
        &context_hash,
        (params.max_context_size, seed, transform),
        CONTEXTS_PER_TASK,
    );
    stats.contexts_capped = capped;
    Ok(Interactions { entity_ids, popularity, ctx_offsets, ctx_entities, ctx_weights, stats })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Dialect, TableReader};

    fn read_with(text: &str, weight: Option<&str>, params: IngestParams) -> Result<Interactions> {
        let dialect = Dialect::for_path(std::path::Path::new("i.csv"), None);
        let table = TableReader::from_reader("i.csv", text.as_bytes(), dialect, false)?;
        ingest(AnyRows::Csv(table), Columns { entity: "item", context: "user", weight }, &params.validate().unwrap(), 0)
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

    /// Everything ingest returns, as text, or the error message.
    fn outcome(bytes: &[u8], weight: Option<&str>, block_bytes: Option<usize>) -> String {
        let dialect = Dialect::for_path(std::path::Path::new("i.csv"), None);
        let params = IngestParams { min_contexts: 1, max_context_size: 3, ..IngestParams::default() };
        let read = TableReader::from_reader("i.csv", bytes, dialect, false).and_then(|table| {
            let columns = Columns { entity: "item", context: "user", weight };
            ingest_with(AnyRows::Csv(table), columns, &params.validate().unwrap(), 7, block_bytes)
        });
        match read {
            Ok(i) => format!(
                "{:?} {:?} {:?} {:?} {:?} {:?}",
                i.entity_ids, i.popularity, i.ctx_offsets, i.ctx_entities, i.ctx_weights, i.stats
            ),
            Err(e) => e.to_string(),
        }
    }

    /// A file of `rows` rows with quoting, CRLF, blank lines, empty ids and repeats, from `seed`.
    fn messy(rows: usize, seed: u64) -> Vec<u8> {
        let mut x = seed;
        let mut next = move |n: u64| {
            x = mix64(x.wrapping_add(0x9e37_79b9_7f4a_7c15));
            x % n
        };
        let mut out = b"user,item,w\r\n".to_vec();
        for _ in 0..rows {
            let (u, i, w) = (next(40), next(60), next(5));
            let line = match next(12) {
                0 => format!("\"u{u}\",\" i,{i}\",{w}\r\n"),
                1 => format!("u{u},,{w}\n"),
                2 => format!("\n u{u} , i{i} ,{w}.5\n"),
                3 => format!("\"u\"\"{u}\",i{i},{w}\n"),
                _ => format!("u{u},i{i},{w}\n"),
            };
            out.extend_from_slice(line.as_bytes());
        }
        out
    }

    #[test]
    fn blocks_give_what_rows_give_at_any_block_size_and_thread_count() {
        for seed in 0..4 {
            let file = messy(300, seed);
            let expected = outcome(&file, Some("w"), None);
            assert!(expected.starts_with('['), "{expected}");
            for size in [1, 2, 17, 100, 1 << 20] {
                for threads in [1, 2] {
                    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                    let got = pool.install(|| outcome(&file, Some("w"), Some(size)));
                    assert_eq!(got, expected, "seed {seed}, blocks of {size}, {threads} threads");
                    // From a thread outside the pool too (the builder's main thread).
                    assert_eq!(outcome(&file, Some("w"), Some(size)), expected);
                }
            }
        }
    }

    #[test]
    fn blocks_report_the_first_error_as_rows_do() {
        let bad: [&[u8]; 8] = [
            b"u1,i1\n",
            b"u1,i1,2,3\n",
            b"u1,i\xff,1\n",
            b"u1,i1,x\n",
            b"u1,\"i\n1\",1\n",
            b"u1,\"i1,1\n",
            b"u1,i1,-2\r\n",
            b"\xef\xbb\xbfu1,i1,1\n",
        ];
        for (k, row) in bad.iter().enumerate() {
            for at in [0, 1, 150, 299] {
                let file = messy(300, k as u64);
                // Insert at the start of a line.
                let mut lines = 0;
                let mut cut = file.len();
                for (i, &b) in file.iter().enumerate() {
                    if b == b'\n' {
                        lines += 1;
                        if lines == at + 1 {
                            cut = i + 1;
                            break;
                        }
                    }
                }
                let mut broken = file[..cut].to_vec();
                broken.extend_from_slice(row);
                broken.extend_from_slice(&file[cut..]);
                broken.extend_from_slice(row);
                let expected = outcome(&broken, Some("w"), None);
                for size in [1, 33, 1 << 20] {
                    assert_eq!(outcome(&broken, Some("w"), Some(size)), expected, "row {k} at {at}, blocks of {size}");
                }
            }
        }
    }

    #[test]
    fn blocks_report_a_truncated_gzip_as_rows_do() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&messy(5000, 3)).unwrap();
        let bytes = gz.finish().unwrap();
        let cut = &bytes[..bytes.len() * 2 / 3];
        let expected = outcome(cut, Some("w"), None);
        assert!(expected.contains("gzip"), "{expected}");
        for size in [64, 4096, 1 << 20] {
            assert_eq!(outcome(cut, Some("w"), Some(size)), expected, "blocks of {size}");
        }
        assert_eq!(outcome(&bytes, Some("w"), Some(1000)), outcome(&bytes, Some("w"), None));
    }

    #[test]
    fn names_sharing_a_hash_stay_apart() {
        let mut names = Interner::new();
        assert_eq!((names.get_hashed("a", 1), names.get_hashed("b", 1), names.get_hashed("c", 2)), (0, 1, 2));
        assert_eq!((names.get_hashed("b", 1), names.get_hashed("a", 1), names.get("d")), (1, 0, 3));
        assert_eq!((0..4).map(|i| names.name(i)).collect::<Vec<_>>(), ["a", "b", "c", "d"]);
    }

    #[test]
    fn grouping_in_parts_is_a_stable_sort_by_context() {
        let mut x = 11u64;
        let triples: Vec<(u32, u32, f32)> = (0..5000)
            .map(|i| {
                x = mix64(x.wrapping_add(i));
                ((x % 97) as u32, (x >> 20) as u32 % 300, (x >> 40) as f32)
            })
            .collect();
        let mut expected: Vec<(u32, u32, f32)> = triples.clone();
        expected.sort_by_key(|&(c, _, _)| c);
        for parts in [1, 2, 3, 7, 64] {
            let (offsets, grouped) = group_by_context(&triples, 100, parts);
            let got: Vec<(u32, u32, f32)> = (0..100)
                .flat_map(|c| {
                    grouped[offsets[c]..offsets[c + 1]].iter().map(move |&m| (c as u32, entity_of(m), weight_of(m)))
                })
                .collect();
            assert_eq!(got, expected, "{parts} parts");
            assert_eq!(offsets[97..], [5000; 4], "{parts} parts: contexts 97.. are empty");
        }
    }

    #[test]
    fn context_rows_are_the_same_in_any_tasks_and_threads() {
        // 40 contexts of up to 30 members (sorted, distinct), entity 5 dropped, capped at 12.
        let mut x = 5u64;
        let (mut members, mut offsets, mut lens) = (Vec::new(), vec![], vec![]);
        for c in 0..40u64 {
            offsets.push(members.len());
            let mut row: Vec<u32> = (0..(c * 7 % 31))
                .map(|_| {
                    x = mix64(x ^ c);
                    (x % 50) as u32
                })
                .collect();
            row.sort();
            row.dedup();
            lens.push(row.len());
            members.extend(row.iter().map(|&e| pack(e, e as f32 + 0.5)));
            members.push(pack(0, 9.0)); // past the context's merged members: never read
        }
        let new_index: Vec<u32> = (0..50).map(|e| if e == 5 { u32::MAX } else { e - (e > 5) as u32 }).collect();
        let kept_hash: Vec<u64> = (0..49).map(|e| mix64(e * 3)).collect();
        let context_hash: Vec<u64> = (0..40).map(|c| mix64(c + 100)).collect();
        let rows = |per_task| {
            let how = (12, 3, WeightTransform::Raw);
            context_rows(&members, &offsets, &lens, &new_index, &kept_hash, &context_hash, how, per_task)
        };
        let one = rows(1);
        let (ctx_offsets, entities, weights, capped) = &one;
        assert!(*capped > 0 && ctx_offsets.len() < 41, "some capped ({capped}), the empty context left out");
        for w in ctx_offsets.windows(2) {
            assert!(w[1] - w[0] >= 1 && w[1] - w[0] <= 12);
            assert!(entities[w[0]..w[1]].windows(2).all(|p| p[0] < p[1]), "sorted by entity");
        }
        assert!(entities.iter().zip(weights).all(|(&e, &w)| w == (e + (e >= 5) as u32) as f32 + 0.5));
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            for per_task in [2, 7, 4096] {
                assert_eq!(pool.install(|| rows(per_task)), one, "{threads} threads, {per_task} a task");
            }
        }
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
