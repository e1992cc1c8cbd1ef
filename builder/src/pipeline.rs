//! The whole `starmap build`: runs the stages in order, times them, and assembles the map. The
//! only place that knows the order of the stages; each stage module knows only its inputs.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use starmap_format::{
    encode_map, BuildInfo, Categorical, ColumnData, ColumnValues, Manifest, MapContent, Quality, Tags, TextColumn,
    NO_NEIGHBOR,
};

use crate::cooc::{self, Similarity};
use crate::error::Result;
use crate::graph;
use crate::ingest::{self, IngestOptions};
use crate::knn::{self, Knn};
use crate::mde::{self, MdeParams, MdeReport};
use crate::metadata::{self, Metadata, MetadataOptions};
use crate::output::{self, csv_field};
use crate::progress::Progress;
use crate::quality;
use crate::tsne::{self, TsneParams};
use crate::umap::{self, UmapParams};

/// Neighbours stored per entity for the viewer's detail panel.
pub const DETAIL_NEIGHBORS: usize = 10;
/// Entities in the trustworthiness sample.
pub const QUALITY_SAMPLE: usize = 1000;

/// The 2D projection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Projection {
    /// One continent keeping local and global structure.
    Umap,
    /// An archipelago of tight islands.
    Tsne,
}

/// Everything a build needs, validated.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    /// Interactions and filtering.
    pub ingest: IngestOptions,
    /// Optional metadata.
    pub metadata: Option<MetadataOptions>,
    /// Output folder.
    pub out: PathBuf,
    /// Optional CSV export of the coordinates.
    pub export_csv: Option<PathBuf>,
    /// Popularity correction.
    pub similarity: Similarity,
    /// Neighbours per entity in the relationship graph.
    pub neighbors: usize,
    /// The embedding.
    pub mde: MdeParams,
    /// The 2D step.
    pub projection: Projection,
    /// UMAP's neighbourhood size.
    pub umap_neighbors: usize,
    /// UMAP settings.
    pub umap: UmapParams,
    /// t-SNE settings.
    pub tsne: TsneParams,
    /// Seed of every random choice.
    pub seed: u64,
    /// Page title.
    pub title: String,
    /// Page description.
    pub description: String,
    /// Parameters as the user gave or defaulted them, for the manifest.
    pub params: BTreeMap<String, starmap_format::ParamValue>,
    /// Extra files written beside the map (the viewer site).
    pub extra_files: Vec<(String, Vec<u8>)>,
}

/// What a build produced, for the summary.
#[derive(Debug, Clone)]
pub struct BuildOutcome {
    /// The manifest written.
    pub manifest: Manifest,
    /// How the embedding went.
    pub mde: MdeReport,
    /// Seconds spent writing (not in the manifest, which is part of what is written).
    pub write_secs: f64,
    /// Things the user should know (duplicates, skipped rows…).
    pub warnings: Vec<String>,
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

fn select_rows(values: &ColumnValues, keep: &[usize]) -> ColumnValues {
    match values {
        ColumnValues::Numeric(v) => ColumnValues::Numeric(keep.iter().map(|&i| v[i]).collect()),
        ColumnValues::Categorical(c) => ColumnValues::Categorical(Categorical {
            categories: c.categories.clone(),
            codes: keep.iter().map(|&i| c.codes[i]).collect(),
        }),
        ColumnValues::Tags(t) => {
            let mut offsets = vec![0u32];
            let mut codes = Vec::new();
            for &i in keep {
                codes.extend_from_slice(t.of(i));
                offsets.push(codes.len() as u32);
            }
            ColumnValues::Tags(Tags { categories: t.categories.clone(), offsets, codes })
        }
        ColumnValues::Text(t) => {
            ColumnValues::Text(TextColumn::from_values(&keep.iter().map(|&i| t.get(i)).collect::<Vec<_>>()))
        }
    }
}

/// Keeps the rows listed in `keep` (ascending) of a neighbour table, renumbering indices.
fn select_top(top: &cooc::TopNeighbors, keep: &[usize], n_before: usize) -> cooc::TopNeighbors {
    let mut renumber = vec![NO_NEIGHBOR; n_before];
    for (new, &old) in keep.iter().enumerate() {
        renumber[old] = new as u32;
    }
    let mut indices = Vec::with_capacity(keep.len() * top.k);
    let mut scores = Vec::with_capacity(keep.len() * top.k);
    for &old in keep {
        let row = old * top.k..(old + 1) * top.k;
        indices
            .extend(top.indices[row.clone()].iter().map(|&j| if j == NO_NEIGHBOR { j } else { renumber[j as usize] }));
        scores.extend_from_slice(&top.scores[row]);
    }
    cooc::TopNeighbors { k: top.k, indices, scores }
}

fn truncate_knn(knn: &Knn, k: usize) -> Knn {
    if k >= knn.k {
        return knn.clone();
    }
    let n = knn.n();
    let mut indices = Vec::with_capacity(n * k);
    let mut distances = Vec::with_capacity(n * k);
    for i in 0..n {
        indices.extend_from_slice(&knn.indices_of(i)[..k]);
        distances.extend_from_slice(&knn.distances_of(i)[..k]);
    }
    Knn { k, indices, distances }
}

/// Runs the pipeline and writes the map.
pub fn build(cfg: &BuildConfig, progress: &Progress) -> Result<BuildOutcome> {
    output::check_out_dir(&cfg.out)?;
    let mut timings: BTreeMap<String, f64> = BTreeMap::new();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut warnings = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |name: &str, timings: &mut BTreeMap<String, f64>| {
        timings.insert(name.to_string(), clock.elapsed().as_secs_f64());
        clock = Instant::now();
    };

    let bar = progress.bytes("reading", 0);
    let inter = ingest::ingest(&cfg.ingest, &bar)?;
    bar.finish_and_clear();
    let s = &inter.stats;
    counts.insert("interactions_read".into(), s.rows);
    counts.insert("entities_seen".into(), s.entities_seen);
    counts.insert("contexts_seen".into(), s.contexts_seen);
    counts.insert("entities_below_min_contexts".into(), s.entities_below_min_contexts);
    counts.insert("contexts_capped".into(), s.contexts_capped);
    counts.insert("repeated_pairs_merged".into(), s.repeated_pairs);
    if s.rows_with_empty_id > 0 {
        counts.insert("rows_with_empty_id".into(), s.rows_with_empty_id);
        warnings.push(format!("skipped {} rows with an empty entity or context id", s.rows_with_empty_id));
    }

    let mut meta: Option<Metadata> = match &cfg.metadata {
        Some(opts) => {
            let bar = progress.bytes("metadata", 0);
            let m = metadata::read_metadata(opts, &inter.entity_ids, &bar)?;
            bar.finish_and_clear();
            Some(m)
        }
        None => None,
    };
    lap("ingest", &mut timings);

    let bar = progress.items("co-occurrence", inter.n_entities() as u64, "entities");
    let top_k = cfg.neighbors.max(quality::K);
    let mut top = cooc::top_similar(&inter, top_k, cfg.similarity, &bar);
    bar.finish_and_clear();
    // Entities that share no context with any other kept entity carry no relationship: they
    // would only drift to the edge of the map. They are left out and counted.
    let connected: Vec<usize> = (0..inter.n_entities()).filter(|&i| top.degree(i) > 0).collect();
    let isolated = inter.n_entities() - connected.len();
    counts.insert("entities_isolated".into(), isolated as u64);
    if connected.is_empty() {
        return Err(crate::error::BuildError::Unusable(format!(
            "no entity shares a context with another one ({} entities kept): there is nothing to map; \
             check --entity-col and --context-col",
            inter.n_entities()
        )));
    }
    if isolated > 0 {
        top = select_top(&top, &connected, inter.n_entities());
    }
    let entity_ids: Vec<String> = connected.iter().map(|&i| inter.entity_ids[i].clone()).collect();
    let popularity: Vec<u32> = connected.iter().map(|&i| inter.popularity[i]).collect();
    let n = entity_ids.len();
    counts.insert("entities_placed".into(), n as u64);
    counts.insert("contexts".into(), inter.n_contexts() as u64);
    drop(inter);
    lap("cooccurrence", &mut timings);

    let g = graph::knn_graph(&top, cfg.neighbors);
    counts.insert("graph_edges".into(), g.edges.len() as u64);
    // Embedding, neighbours and layout run on a breadth-first relabelling of the graph, so
    // related entities sit close in memory; results are put back in entity order below.
    let perm = g.locality_order();
    let g = g.permuted(&perm);
    lap("graph", &mut timings);

    let bar = progress.items("embedding", cfg.mde.max_iter as u64, "iterations");
    let (embedding, mde_report) = mde::embed(&g, &cfg.mde, &bar);
    bar.finish_and_clear();
    drop(g);
    lap("mde", &mut timings);

    let layout_k = match cfg.projection {
        Projection::Umap => cfg.umap_neighbors,
        Projection::Tsne => tsne::neighbors_needed(&cfg.tsne),
    };
    let bar = progress.items("neighbours", n as u64, "points");
    let high_knn = knn::knn(&embedding.coords, embedding.dim, layout_k.max(DETAIL_NEIGHBORS), &bar);
    bar.finish_and_clear();
    lap("knn", &mut timings);

    let layout = match cfg.projection {
        Projection::Umap => {
            let bar = progress.items("umap", 0, "epochs");
            let l = umap::project(&embedding, &truncate_knn(&high_knn, layout_k), &cfg.umap, &bar);
            bar.finish_and_clear();
            l
        }
        Projection::Tsne => {
            let bar = progress.items("t-sne", cfg.tsne.epochs as u64, "epochs");
            let l = tsne::project(&embedding, &truncate_knn(&high_knn, layout_k), &cfg.tsne, &bar);
            bar.finish_and_clear();
            l
        }
    };
    let embedding = mde::Embedding { dim: embedding.dim, coords: perm.to_old(&embedding.coords, embedding.dim) };
    let layout = perm.to_old(&layout, 2);
    let high_knn = Knn {
        k: high_knn.k,
        indices: perm.to_old(&high_knn.indices, high_knn.k).iter().map(|&j| perm.order[j as usize]).collect(),
        distances: perm.to_old(&high_knn.distances, high_knn.k),
    };
    lap("projection", &mut timings);

    let bar = progress.spinner("quality");
    let layout_knn = knn::knn(&layout, 2, quality::K, &indicatif::ProgressBar::hidden());
    let recall = quality::knn_recall(&top, &layout_knn);
    let (trust, sample_size) = quality::trustworthiness(&embedding, &layout_knn, QUALITY_SAMPLE, cfg.seed);
    bar.finish_and_clear();
    lap("quality", &mut timings);

    let mut neighbors = vec![NO_NEIGHBOR; n * DETAIL_NEIGHBORS];
    for i in 0..n {
        for (slot, &j) in high_knn.indices_of(i).iter().take(DETAIL_NEIGHBORS).enumerate() {
            neighbors[i * DETAIL_NEIGHBORS + slot] = j;
        }
    }
    let (columns, label_column): (Vec<ColumnData>, Option<usize>) = match meta.take() {
        Some(m) => {
            let st = &m.stats;
            counts.insert("metadata_rows".into(), st.rows);
            counts.insert("metadata_ids_not_placed".into(), st.ids_not_placed);
            counts.insert("metadata_duplicate_ids".into(), st.duplicate_ids);
            counts.insert("entities_without_metadata".into(), st.entities_without_metadata);
            if let Some((id, a, b)) = &st.first_duplicate {
                warnings.push(format!(
                    "{} metadata rows repeat an earlier id and were ignored (the first row wins), e.g. {id:?} on lines {a} and {b}",
                    st.duplicate_ids
                ));
            }
            if !st.empty_columns.is_empty() {
                warnings.push(format!("metadata columns with no values were skipped: {}", st.empty_columns.join(", ")));
            }
            let cols = m
                .columns
                .iter()
                .map(|c| ColumnData { name: c.name.clone(), values: select_rows(&c.values, &connected) })
                .collect();
            (cols, m.label_column)
        }
        None => (Vec::new(), None),
    };
    let positions: Vec<[f32; 2]> = layout.chunks(2).map(|p| [p[0], p[1]]).collect();

    let mut build = BuildInfo {
        builder_version: env!("CARGO_PKG_VERSION").to_string(),
        seed: cfg.seed,
        params: cfg.params.clone(),
        counts,
        timings_secs: timings,
        peak_memory_bytes: 0,
        quality: Quality {
            knn_recall_at_10: recall,
            knn_recall_at_10_random: quality::knn_recall_random(n),
            trustworthiness: trust,
            sample_size: sample_size as u32,
        },
    };
    build.peak_memory_bytes = peak_memory_bytes();
    let content = MapContent {
        ids: entity_ids,
        id_column: cfg.metadata.as_ref().map_or_else(|| cfg.ingest.entity_col.clone(), |m| m.id_col.clone()),
        positions,
        popularity,
        neighbors_k: DETAIL_NEIGHBORS,
        neighbors,
        columns,
        label_column,
        title: cfg.title.clone(),
        description: cfg.description.clone(),
        build,
    };
    let encoded =
        encode_map(&content).map_err(|e| crate::error::BuildError::Map { path: cfg.out.clone(), source: e })?;

    let write_start = Instant::now();
    output::write_map_dir(&cfg.out, &encoded, &cfg.extra_files)?;
    if let Some(path) = &cfg.export_csv {
        output::write_csv_atomic(path, |w| {
            write!(w, "id,x,y")?;
            for d in 0..embedding.dim {
                write!(w, ",d{d}")?;
            }
            writeln!(w)?;
            for i in 0..n {
                write!(w, "{},{},{}", csv_field(&content.ids[i]), layout[2 * i], layout[2 * i + 1])?;
                for v in embedding.point(i) {
                    write!(w, ",{v}")?;
                }
                writeln!(w)?;
            }
            Ok(())
        })?;
    }
    Ok(BuildOutcome {
        manifest: encoded.manifest,
        mde: mde_report,
        write_secs: write_start.elapsed().as_secs_f64(),
        warnings,
    })
}
