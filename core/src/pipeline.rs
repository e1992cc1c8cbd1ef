//! The whole build: runs the stages in order, times and counts them, and assembles the map
//! ([`run()`]); then writes it ([`write()`]). The only place that knows the order of the stages;
//! each stage module knows only its inputs. Title, description and the files written beside the
//! map (the viewer) are the caller's: they are set between the two steps.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use starmap_format::{
    encode_map, BuildInfo, ColumnData, ColumnValues, LayoutContent, Manifest, MapContent, NO_NEIGHBOR,
};

use crate::build_params::BuildParams;
use crate::cluster;
use crate::cluster_names::{self, Entities};
use crate::cooc::{self, Similarity};
use crate::counts::{BuildCounts, MetadataCounts};
use crate::error::{BuildError, Result};
use crate::graph;
use crate::graph_io::{self, CoocGraph};
use crate::ingest;
use crate::input::InputFiles;
use crate::knn;
use crate::layout::LeftOut;
use crate::mde::{self, Embedding, MdeReport};
use crate::metadata::{self, LabelChoice, Metadata, MetadataReader};
use crate::neighbors::NeighborTable;
use crate::output::{self, csv_field};
use crate::params::Valid;
use crate::progress::{stage, Progress, Unit};
use crate::projection::{self, LayoutInput};
use crate::quality;
use crate::rows::AnyRows;
use crate::table::Dialect;

/// Neighbours stored per entity for the viewer's detail panel.
pub const DETAIL_NEIGHBORS: usize = 10;
/// Entities in the trustworthiness sample.
pub const QUALITY_SAMPLE: usize = 1000;

/// A map computed but not yet written.
#[derive(Debug, Clone)]
pub struct Built {
    /// Everything the map files hold. `title` and `description` are empty: the caller's to set.
    pub content: MapContent,
    /// The high-dimensional embedding, in entity order (for `--export-csv`).
    pub embedding: Embedding,
    /// How the embedding went.
    pub mde: MdeReport,
    /// What was counted (also in `content.build.counts`).
    pub counts: BuildCounts,
    /// How the labels were chosen, when there was metadata.
    pub label: Option<LabelChoice>,
    /// Layouts of the default set left out for the map's size.
    pub left_out: Vec<LeftOut>,
    /// Things the user should know (duplicates, skipped rows…).
    pub warnings: Vec<String>,
    /// The co-occurrence table before isolated entities were dropped, when
    /// [`RunOptions::keep_graph`] asked for it (for [`crate::graph_io::write`]).
    pub graph: Option<CoocGraph>,
}

/// What writing produced.
#[derive(Debug, Clone)]
pub struct Written {
    /// The manifest written.
    pub manifest: Manifest,
    /// Seconds spent encoding and writing (not in the manifest, which is part of what is written).
    pub write_secs: f64,
}

/// Peak resident memory of this process in bytes (Linux; 0 elsewhere).
pub fn peak_memory_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()))
        })
        .map_or(0, |kb| kb * 1024)
}

/// Wall-clock seconds per stage.
struct Laps {
    clock: Instant,
    secs: BTreeMap<String, f64>,
}

impl Laps {
    fn lap(&mut self, name: &str) {
        self.secs.insert(name.to_string(), self.clock.elapsed().as_secs_f64());
        self.clock = Instant::now();
    }
}

/// What a caller wants kept beyond the map, and from what size the nodes are grouped.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Keep the co-occurrence stage's table, before isolated entities are dropped, in
    /// [`Built::graph`] (for `--export-graph`; it costs the table's memory until written).
    pub keep_graph: bool,
    /// Maps of this many entities or more order their nodes by rough communities as well
    /// ([`GROUPED_ORDER_MIN_ENTITIES`]; tests set it low to take that path on a small map).
    pub grouped_order_from: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self { keep_graph: false, grouped_order_from: GROUPED_ORDER_MIN_ENTITIES }
    }
}

/// Maps of this many entities or more group their nodes by rough communities before the
/// embedding: about where the embedding (16 floats a node) outgrows a core's caches. Smaller
/// maps keep the breadth-first order alone (and their bits).
pub const GROUPED_ORDER_MIN_ENTITIES: usize = 1 << 16;

/// Rounds of label propagation for the grouped order: on a planted million, 5 rounds left
/// 24,731 groups of its 200 clusters, 12 left 162 and 25 left 154, at about 0.4 s a round.
const LABEL_ROUNDS: usize = 12;

/// Runs every stage on the input `params` names, read through `files`.
pub fn run(params: &Valid<BuildParams>, files: &dyn InputFiles, progress: &dyn Progress) -> Result<Built> {
    run_with(params, files, progress, RunOptions::default())
}

/// What the front of the pipeline hands to the back: the co-occurrence table (computed from the
/// interactions, or read from a graph folder), the metadata joined to its entities, and what was
/// counted and timed so far.
struct Front {
    cooc: CoocGraph,
    meta: Option<Metadata>,
    label_codes: Option<Vec<u16>>,
    counts: BuildCounts,
    warnings: Vec<String>,
    laps: Laps,
}

/// [`run`], keeping what `options` asks for.
pub fn run_with(
    params: &Valid<BuildParams>,
    files: &dyn InputFiles,
    progress: &dyn Progress,
    options: RunOptions,
) -> Result<Built> {
    let front = front(params, files, progress)?;
    back(params, front, progress, options)
}

/// The front: interactions → ingest → co-occurrence top k (or a graph folder read instead),
/// and the metadata read for the entities kept.
fn front(params: &Valid<BuildParams>, files: &dyn InputFiles, progress: &dyn Progress) -> Result<Front> {
    let input = &params.input;
    let mut laps = Laps { clock: Instant::now(), secs: BTreeMap::new() };
    let mut warnings = Vec::new();
    let mut counts = BuildCounts::default();

    // Both files are opened (and the metadata's header checked) before the long work starts.
    // Parquet is chosen by the file's extension, as CSV and TSV are.
    let open = |path: &Path, multiline: bool| {
        AnyRows::open(files, path, Dialect::for_path(path, input.delimiter), multiline, progress)
    };
    progress.begin("reading", Unit::Bytes, 0);
    let source = match &input.graph {
        None => Source::Interactions(Box::new(open(&input.interactions, false)?)),
        Some(dir) => Source::Graph(dir),
    };
    let meta_reader = match &input.metadata {
        Some(path) => {
            let mut reader = MetadataReader::new(open(path, true)?, input.id_col(), input.label_col.as_deref())?;
            if let Some(column) = &params.quality_label {
                reader.check_column(column, "--quality-label")?;
            }
            Some(reader)
        }
        None => None,
    };
    // The bar counts the interactions' bytes, whose total opening the metadata overwrote.
    if let Source::Interactions(table) = &source {
        if let Some(len) = table.byte_len() {
            progress.set_total(len);
        }
    }
    // Ingest (or the graph's entities), then the metadata for them.
    let read = match source {
        Source::Interactions(table) => {
            let columns = ingest::Columns {
                entity: &input.entity_col,
                context: &input.context_col,
                weight: input.weight_col.as_deref(),
            };
            let inter = ingest::ingest(*table, columns, &params.ingest(), params.seed)?;
            let s = &inter.stats;
            counts.interactions_read = s.rows;
            counts.rows_with_empty_id = s.rows_with_empty_id;
            counts.repeated_pairs_merged = s.repeated_pairs;
            counts.entities_seen = s.entities_seen;
            counts.contexts_seen = s.contexts_seen;
            counts.entities_below_min_contexts = s.entities_below_min_contexts;
            counts.contexts_capped = s.contexts_capped;
            if s.rows_with_empty_id > 0 {
                warnings.push(format!("skipped {} rows with an empty entity or context id", s.rows_with_empty_id));
            }
            counts.contexts = inter.n_contexts() as u64;
            Read::Interactions(inter)
        }
        Source::Graph(dir) => {
            let graph = graph_io::read(dir)?;
            counts.entities_seen = graph.ids.len() as u64;
            Read::Graph(graph)
        }
    };
    progress.end();
    let entity_ids = match &read {
        Read::Interactions(inter) => &inter.entity_ids,
        Read::Graph(graph) => &graph.ids,
    };
    let meta = match meta_reader {
        Some(reader) => {
            let total = reader.byte_len().unwrap_or(0);
            Some(stage(progress, "metadata", Unit::Bytes, total, || reader.read(entity_ids))?)
        }
        None => None,
    };
    let label_codes = match (&params.quality_label, &meta) {
        (Some(column), Some(m)) => Some(quality_label_codes(m, column)?),
        _ => None,
    };
    laps.lap("ingest");

    // The layouts are planned on the entities kept so far (a few may turn out isolated below):
    // t-SNE reads this stage's most similar entities, 3 × perplexity of them, so the table is
    // as wide as the neediest layout asks.
    let graph_params = params.graph();
    let n_entities = entity_ids.len();
    let (layouts, _) = params.plan_layouts(n_entities)?;
    let top_k = graph_params.neighbors.max(quality::K).max(projection::similar_needed(&layouts));
    let cooc = match read {
        Read::Interactions(inter) => {
            let top = stage(progress, "co-occurrence", Unit::Items("entities"), n_entities as u64, || {
                cooc::top_similar(&inter, top_k, graph_params.similarity, progress)
            });
            CoocGraph { ids: inter.entity_ids, popularity: inter.popularity, top }
        }
        Read::Graph(mut graph) => {
            let k = graph.top.k();
            if k < top_k {
                warnings.push(format!(
                    "the graph's rows hold at most {k} entities, and this build reads {top_k} (the largest of \
                     --neighbors {}, {} for the quality figures, 3 × --perplexity for t-SNE): ask the graph's job \
                     for top {top_k} (or build with a lower --perplexity or --layout umap); until then t-SNE \
                     lowers its perplexity to what a row holds",
                    graph_params.neighbors,
                    quality::K
                ));
            }
            // As wide as the co-occurrence stage would have cut it, so a wider graph makes the
            // same map as the stage's own table.
            graph.top = graph.top.truncated(top_k);
            graph
        }
    };
    Ok(Front { cooc, meta, label_codes, counts, warnings, laps })
}

/// Where the front starts: an interactions file opened, or a graph folder.
enum Source<'a> {
    Interactions(Box<AnyRows<'a>>),
    Graph(&'a Path),
}

/// The front's first step: the interactions ingested, or a graph read.
enum Read {
    Interactions(ingest::Interactions),
    Graph(CoocGraph),
}

/// The back: the co-occurrence table → isolated entities dropped → graph → clusters → embedding
/// → neighbours → layouts → quality → the map's content.
fn back(params: &Valid<BuildParams>, front: Front, progress: &dyn Progress, options: RunOptions) -> Result<Built> {
    let Front { cooc, meta, label_codes, mut counts, mut warnings, mut laps } = front;
    let input = &params.input;
    let graph_params = params.graph();
    let n_entities = cooc.ids.len();
    let (layouts, left_out) = params.plan_layouts(n_entities)?;
    // Entities that share no context with any other kept entity carry no relationship: they
    // would only drift to the edge of the map. They are left out and counted.
    let top = &cooc.top;
    let connected: Vec<usize> = (0..n_entities).filter(|&i| top.degree(i) > 0).collect();
    counts.entities_isolated = (n_entities - connected.len()) as u64;
    if connected.is_empty() {
        let check =
            if input.graph.is_some() { "check the graph's edges" } else { "check --entity-col and --context-col" };
        return Err(BuildError::Unusable(format!(
            "no entity shares a context with another one ({n_entities} entities kept): there is nothing to map; {check}"
        )));
    }
    let kept_graph = options.keep_graph.then(|| cooc.clone());
    let top = if connected.len() < n_entities { top.select_rows(&connected) } else { cooc.top };
    let entity_ids: Vec<String> = connected.iter().map(|&i| cooc.ids[i].clone()).collect();
    let popularity: Vec<u32> = connected.iter().map(|&i| cooc.popularity[i]).collect();
    let label_codes: Option<Vec<u16>> = label_codes.map(|codes| connected.iter().map(|&i| codes[i]).collect());
    let n = entity_ids.len();
    counts.entities_placed = n as u64;
    let (columns, label_column, label) = match meta {
        Some(m) => {
            let (columns, label_column) = metadata_part(&m, &connected, &mut counts, &mut warnings);
            (columns, label_column, Some(m.label))
        }
        None => (Vec::new(), None, None),
    };
    laps.lap("cooccurrence");

    let g = graph::knn_graph(&top, graph_params.neighbors);
    counts.graph_edges = g.edges.len() as u64;
    // Embedding, neighbours and layout run on a breadth-first relabelling of the graph, so
    // related entities sit close in memory; results are put back in entity order below. Once
    // its frontier spans the graph, breadth-first order interleaves communities, so on large
    // maps the nodes are grouped by rough communities too (label propagation, in parallel),
    // each group in breadth-first order and the groups in that of their labels' nodes: the
    // edges UMAP and the neighbour search walk then stay in cache (a fifth off UMAP on a
    // planted million).
    let adjacency = g.adjacency();
    let breadth_first = adjacency.breadth_first_order();
    let perm = if n >= options.grouped_order_from {
        let labels = adjacency.propagated_labels(LABEL_ROUNDS);
        let keys: Vec<u32> = labels.iter().map(|&l| breadth_first.rank[l as usize]).collect();
        breadth_first.grouped_by(&[keys])
    } else {
        breadth_first
    };
    let local = g.permuted(&perm);
    laps.lap("graph");

    // Clusters (Leiden) run on one thread: local moving is sequential by nature. They run beside
    // the embedding, which takes every other thread meanwhile, so the build does not wait for
    // them. Neither reads what the other writes, so the bits are those of running them in turn.
    // Clusters read the graph in entity order (the adjacency the node order was found from), so
    // ties in their numbering go by entity index.
    drop(g);
    let g = local;
    let mde_params = params.mde();
    let entities = Entities { ids: &entity_ids, popularity: &popularity, columns: &columns, label_column };
    let (clusters, (embedding, mde_report)) = rayon::join(
        || {
            if params.no_clusters {
                return (Vec::new(), None);
            }
            let clock = Instant::now();
            let task = progress.task("clusters", Unit::Unmeasured);
            let levels = cluster::hierarchy(adjacency, params.seed);
            let clusters = cluster_names::describe(&levels, &entities);
            task.end();
            (clusters, Some(clock.elapsed().as_secs_f64()))
        },
        || {
            stage(progress, "embedding", Unit::Items("iterations"), mde_params.max_iter as u64, || {
                mde::embed(&g, &mde_params, params.seed, progress)
            })
        },
    );
    let (clusters, clusters_secs) = clusters;
    laps.lap("mde");
    if let Some(secs) = clusters_secs {
        laps.secs.insert(CLUSTERS_TIMING.to_string(), secs);
    }

    // Every layout reads the embedding's neighbours: they are found once, as many as the most
    // demanding layout (or the detail panel) needs.
    let high_knn = stage(progress, "neighbours", Unit::Items("points"), n as u64, || {
        let k = projection::neighbors_needed(&layouts).max(DETAIL_NEIGHBORS);
        knn::knn(&embedding.coords, embedding.dim, k, progress)
    });
    laps.lap("knn");

    let similar =
        perm.table_to_new(&layout_similarities(&top, projection::similar_needed(&layouts), graph_params.similarity));
    let shared = LayoutInput { embedding: &embedding, knn: &high_knn, similar: &similar, graph: &g, seed: params.seed };
    let made = stage(progress, "layouts", Unit::Unmeasured, 0, || projection::make_all(&layouts, &shared, progress));
    drop((g, similar));
    let embedding = Embedding { dim: embedding.dim, coords: perm.to_old(&embedding.coords, embedding.dim) };
    let positions: Vec<Vec<f32>> = made.iter().map(|m| perm.to_old(&m.positions, 2)).collect();
    let high_knn = perm.table_to_old(&high_knn);
    laps.lap("layouts");

    let (qualities, near): (Vec<_>, Vec<_>) =
        stage(progress, "quality", Unit::Items("layouts"), layouts.len() as u64, || {
            positions
                .iter()
                .map(|p| {
                    let judged =
                        quality::judge(p, &top, &embedding, label_codes.as_deref(), QUALITY_SAMPLE, params.seed);
                    progress.advance(1);
                    judged
                })
                .unzip()
        });
    let neighborhood_change = projection::neighborhood_changes(&near);
    drop(near);
    laps.lap("quality");
    for (layout, m) in layouts.iter().zip(&made) {
        laps.secs.insert(format!("{LAYOUT_TIMING}{}", layout.name), m.secs);
    }

    let mut neighbors = vec![NO_NEIGHBOR; n * DETAIL_NEIGHBORS];
    for i in 0..n {
        for (slot, &j) in high_knn.indices_of(i).iter().take(DETAIL_NEIGHBORS).enumerate() {
            neighbors[i * DETAIL_NEIGHBORS + slot] = j;
        }
    }
    let build = BuildInfo {
        builder_version: env!("CARGO_PKG_VERSION").to_string(),
        seed: params.seed,
        params: params.to_manifest()?,
        counts: counts.to_manifest(),
        timings_secs: laps.secs,
        peak_memory_bytes: peak_memory_bytes(),
        quality_label: params.quality_label.clone(),
    };
    let layouts = layouts
        .into_iter()
        .zip(positions)
        .zip(qualities)
        .map(|((layout, xy), quality)| LayoutContent {
            name: layout.name,
            spec: layout.spec,
            positions: xy.chunks(2).map(|p| [p[0], p[1]]).collect(),
            quality,
        })
        .collect();
    let content = MapContent {
        ids: entity_ids,
        id_column: if input.metadata.is_some() { input.id_col() } else { &input.entity_col }.to_string(),
        layouts,
        neighborhood_change,
        popularity,
        neighbors_k: DETAIL_NEIGHBORS,
        neighbors,
        columns,
        label_column,
        title: String::new(),
        description: String::new(),
        build,
        clusters,
    };
    Ok(Built { content, embedding, mde: mde_report, counts, label, left_out, warnings, graph: kept_graph })
}

/// Prefix of the per-layout entries of `build.timings_secs` (`layout:umap`): each layout's own
/// time, spent alongside the others within the `layouts` stage.
pub const LAYOUT_TIMING: &str = "layout:";
/// The entry of `build.timings_secs` for the clusters' own time, spent alongside the embedding
/// within the `mde` stage (before, builds timed them as a stage of their own, `clusters`).
pub const CLUSTERS_TIMING: &str = "alongside:clusters";

/// Whether a `build.timings_secs` entry is the own time of work run alongside other stages (a
/// layout, the clusters), and so already inside a stage's time: not to be added to the total.
pub fn is_alongside_timing(name: &str) -> bool {
    name.starts_with(LAYOUT_TIMING) || name == CLUSTERS_TIMING
}

/// Each entity's label for `--quality-label`: the column must be categorical or a list.
/// The first `k` entries of each row of the co-occurrence table, as similarities in [0, 1] the
/// layouts can read as 1 − distance: cosines already are; raw counts are scaled by each row's
/// strongest.
fn layout_similarities(top: &NeighborTable, k: usize, similarity: Similarity) -> NeighborTable {
    let table = top.truncated(k);
    if similarity != Similarity::Count {
        return table;
    }
    let k = table.k();
    let values = table
        .values()
        .chunks(k.max(1))
        .flat_map(|row| {
            let strongest = row.iter().copied().fold(0.0f32, f32::max).max(f32::MIN_POSITIVE);
            row.iter().map(move |&v| v / strongest)
        })
        .collect();
    NeighborTable::from_parts(k, table.indices().to_vec(), values)
}

fn quality_label_codes(meta: &Metadata, column: &str) -> Result<Vec<u16>> {
    let Some(c) = meta.columns.iter().find(|c| c.name == column) else {
        // The header has it (checked before reading): it is empty or the id column.
        let why = if meta.stats.empty_columns.iter().any(|e| e == column) {
            "no entity on the map has a value in that column"
        } else {
            "that is the id column; name a categorical or list column"
        };
        return Err(BuildError::Unusable(format!("--quality-label {column}: {why}")));
    };
    quality::label_codes(&c.values).ok_or_else(|| {
        let kind = match c.values {
            ColumnValues::Numeric(_) => "numeric",
            _ if Some(column) == meta.label.column() => "the labels (text)",
            _ => "text",
        };
        let fit: Vec<&str> = meta
            .columns
            .iter()
            .filter(|c| quality::label_codes(&c.values).is_some())
            .map(|c| c.name.as_str())
            .collect();
        let fit = if fit.is_empty() {
            "this metadata has none".to_string()
        } else {
            format!("this metadata's are {}", fit.join(", "))
        };
        BuildError::Unusable(format!(
            "--quality-label {column}: the column is {kind}; it must be categorical or a list ({fit})"
        ))
    })
}

/// The metadata's columns for the entities placed (`connected`, ascending), its counts and
/// warnings.
fn metadata_part(
    m: &Metadata,
    connected: &[usize],
    counts: &mut BuildCounts,
    warnings: &mut Vec<String>,
) -> (Vec<ColumnData>, Option<usize>) {
    let st = &m.stats;
    counts.metadata = Some(MetadataCounts {
        metadata_rows: st.rows,
        metadata_ids_not_placed: st.ids_not_placed,
        metadata_duplicate_ids: st.duplicate_ids,
        entities_without_metadata: st.entities_without_metadata,
    });
    if let Some((id, a, b)) = &st.first_duplicate {
        warnings.push(format!(
            "{} metadata rows repeat an earlier id and were ignored (the first row wins), e.g. {id:?} on lines {a} and {b}",
            st.duplicate_ids
        ));
    }
    if !st.empty_columns.is_empty() {
        warnings.push(format!("metadata columns with no values were skipped: {}", st.empty_columns.join(", ")));
    }
    let columns = m
        .columns
        .iter()
        .map(|c| ColumnData { name: c.name.clone(), values: metadata::select_rows(&c.values, connected) })
        .collect();
    (columns, m.label_column)
}

/// Writes `built` into the folder `out` with `extra` files beside it (the viewer), all or
/// nothing, and the coordinates to `export_csv` when given.
pub fn write(built: &Built, out: &Path, extra: &[(String, Vec<u8>)], export_csv: Option<&Path>) -> Result<Written> {
    let start = Instant::now();
    let content = &built.content;
    let encoded = encode_map(content).map_err(|e| BuildError::Map { path: out.to_path_buf(), source: e })?;
    output::write_map_dir(out, &encoded, extra)?;
    if let Some(path) = export_csv {
        let embedding = &built.embedding;
        output::write_csv_atomic(path, |w| {
            // The coarsest clusters after the layouts, as columns to colour or group by.
            let clusters = content.clusters.first();
            write!(w, "id,x,y")?;
            for layout in &content.layouts {
                write!(w, ",{0}_x,{0}_y", layout.name)?;
            }
            if clusters.is_some() {
                write!(w, ",cluster,cluster_name")?;
            }
            for d in 0..embedding.dim {
                write!(w, ",d{d}")?;
            }
            writeln!(w)?;
            for (i, id) in content.ids.iter().enumerate() {
                let [x, y] = content.layouts[0].positions[i];
                write!(w, "{},{x},{y}", csv_field(id))?;
                for layout in &content.layouts {
                    let [x, y] = layout.positions[i];
                    write!(w, ",{x},{y}")?;
                }
                if let Some(level) = clusters {
                    let c = level.ids[i];
                    write!(w, ",{c},{}", csv_field(&level.clusters[c as usize].name))?;
                }
                for v in embedding.point(i) {
                    write!(w, ",{v}")?;
                }
                writeln!(w)?;
            }
            Ok(())
        })?;
    }
    Ok(Written { manifest: encoded.manifest, write_secs: start.elapsed().as_secs_f64() })
}

/// Writes the coordinates `--export-csv` writes, as typed Parquet columns, to `path`
/// atomically: `id` (string), `x`, `y` and `NAME_x`, `NAME_y` per layout (float32), `cluster`
/// (uint32) and `cluster_name` (string) with clusters, `d0`, `d1`, … (float32).
pub fn write_parquet_export(built: &Built, path: &Path) -> Result<()> {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Float32Array, StringArray, UInt32Array};
    use arrow_schema::{DataType, Field, Schema};

    let content = &built.content;
    let embedding = &built.embedding;
    let clusters = content.clusters.first();
    let mut fields = vec![Field::new("id", DataType::Utf8, false)];
    let mut columns: Vec<ArrayRef> = vec![Arc::new(StringArray::from_iter_values(content.ids.iter()))];
    let mut floats = |name: String, values: Vec<f32>| {
        fields.push(Field::new(name, DataType::Float32, false));
        columns.push(Arc::new(Float32Array::from(values)));
    };
    let axis = |l: usize, a: usize| content.layouts[l].positions.iter().map(|p| p[a]).collect::<Vec<f32>>();
    floats("x".into(), axis(0, 0));
    floats("y".into(), axis(0, 1));
    for (l, layout) in content.layouts.iter().enumerate() {
        floats(format!("{}_x", layout.name), axis(l, 0));
        floats(format!("{}_y", layout.name), axis(l, 1));
    }
    let dims: Vec<Vec<f32>> =
        (0..embedding.dim).map(|d| (0..content.ids.len()).map(|i| embedding.point(i)[d]).collect()).collect();
    if let Some(level) = clusters {
        fields.push(Field::new("cluster", DataType::UInt32, false));
        columns.push(Arc::new(UInt32Array::from_iter_values(level.ids.iter().map(|&c| u32::from(c)))));
        fields.push(Field::new("cluster_name", DataType::Utf8, false));
        columns.push(Arc::new(StringArray::from_iter_values(
            level.ids.iter().map(|&c| level.clusters[c as usize].name.as_str()),
        )));
    }
    for (d, values) in dims.into_iter().enumerate() {
        fields.push(Field::new(format!("d{d}"), DataType::Float32, false));
        columns.push(Arc::new(Float32Array::from(values)));
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = output::record_batch(path, &schema, columns);
    output::write_parquet_atomic(path, schema, [batch])
}
