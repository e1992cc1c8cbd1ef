//! The co-occurrence stage's result as Parquet files: `--export-graph DIR` writes it, `--graph
//! DIR` reads it instead of computing it, so a distributed job (Spark, `distributed/spark/`)
//! can do ingest and co-occurrence on data too big for one machine and hand the rest to the
//! builder. The contract, both ways:
//!
//! - `DIR/entities/*.parquet` (or one `DIR/entities.parquet`): `id` (string), `popularity`
//!   (int64: distinct contexts the entity was kept in after filtering). Every entity kept,
//!   those without edges too.
//! - `DIR/edges/*.parquet` (or one `DIR/edges.parquet`): `source`, `target` (string ids),
//!   `weight` (float64, the similarity, e.g. cosine): each source's top-k row, directed, not
//!   symmetrised.
//!
//! Files not ending in `.parquet` (Spark's `_SUCCESS`, `.crc`) are ignored. Entities are
//! numbered by their ids sorted as strings (bytes), so the result does not depend on how the
//! job partitioned its output; each row is ordered strongest first, ties by target index.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int64Array, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use rayon::slice::ParallelSliceMut;
use rustc_hash::FxHashMap;
use starmap_format::NO_NEIGHBOR;

use crate::error::{BuildError, Location, Result};
use crate::neighbors::NeighborTable;
use crate::output;
use crate::parquet_in::{self, is_parquet, Kind, Want};

/// The entities' folder (or file stem) in a graph folder.
pub const ENTITIES: &str = "entities";
/// The edges' folder (or file stem) in a graph folder.
pub const EDGES: &str = "edges";
/// Rows per written batch.
const WRITE_BATCH: usize = 64 * 1024;

/// Every kept entity's most similar others: what the co-occurrence stage hands on.
#[derive(Debug, Clone, PartialEq)]
pub struct CoocGraph {
    /// Each entity's id; its position is its index.
    pub ids: Vec<String>,
    /// Distinct contexts each entity was kept in.
    pub popularity: Vec<u32>,
    /// Each entity's row: its most similar entities, strongest first (value: similarity).
    pub top: NeighborTable,
}

/// The Parquet files of `name` (`ENTITIES` or `EDGES`) in the graph folder `dir`, in name order.
fn part_files(dir: &Path, name: &str) -> Result<Vec<PathBuf>> {
    let folder = dir.join(name);
    let single = dir.join(format!("{name}.parquet"));
    if folder.is_dir() {
        let entries = std::fs::read_dir(&folder).map_err(|e| BuildError::read(&folder, e))?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| BuildError::read(&folder, e))?;
            let path = entry.path();
            // Spark writes `_SUCCESS` and hidden `.crc` files beside its parts.
            let hidden = entry.file_name().to_string_lossy().starts_with(['.', '_']);
            if is_parquet(&path) && !hidden && path.is_file() {
                files.push(path);
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(BuildError::input(Location::file(&folder), "no .parquet files in this folder"));
        }
        return Ok(files);
    }
    if single.is_file() {
        return Ok(vec![single]);
    }
    match std::fs::metadata(dir) {
        Err(e) => Err(BuildError::read(dir, e)),
        Ok(m) if !m.is_dir() => Err(BuildError::input(
            Location::file(dir),
            "this is a file: --graph names a folder holding entities/ and edges/ (as --export-graph writes)",
        )),
        Ok(_) => Err(BuildError::input(
            Location::file(dir),
            format!("no {name}/ folder of .parquet files and no {name}.parquet (as --export-graph writes)"),
        )),
    }
}

/// Reads the graph folder `dir` (see the module's documentation for its layout).
pub fn read(dir: &Path) -> Result<CoocGraph> {
    let entity_files = part_files(dir, ENTITIES)?;
    let edge_files = part_files(dir, EDGES)?;

    // (id, popularity, file, row), sorted by id below.
    let mut entities: Vec<(String, u32, usize, u64)> = Vec::new();
    let wants = [
        Want { name: "id", role: "the entity id", kind: Kind::Text },
        Want { name: "popularity", role: "the entity's context count", kind: Kind::Integer },
    ];
    for (f, path) in entity_files.iter().enumerate() {
        let mut table = parquet_in::open_file(path, &wants)?;
        while let Some(batch) = table.next_batch()? {
            let (ids, popularity) = (batch.text(0), batch.integers(1));
            for (i, &p) in popularity.iter().enumerate() {
                let id = match ids.get(i) {
                    Some(id) if !id.is_empty() => id.into_owned(),
                    _ => {
                        return Err(BuildError::input(
                            batch.location(i, 0),
                            "expected an id, found an empty or null one",
                        ))
                    }
                };
                let Some(p) = p.and_then(|p| u32::try_from(p).ok()) else {
                    let found = p.map_or("null".to_string(), |p| p.to_string());
                    return Err(BuildError::input(
                        batch.location(i, 1),
                        format!("expected a count from 0 to {}, found {found}", u32::MAX),
                    ));
                };
                entities.push((id, p, f, batch.row_number(i)));
            }
        }
    }
    // Sorted by id, so the numbering does not depend on the files' partitioning.
    entities.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then((a.2, a.3).cmp(&(b.2, b.3))));
    if let Some(w) = entities.windows(2).find(|w| w[0].0 == w[1].0) {
        let at = |e: &(String, u32, usize, u64)| format!("{}, row {}", entity_files[e.2].display(), e.3);
        return Err(BuildError::input(
            Location::file(&dir.join(ENTITIES)),
            format!("the id {:?} is listed twice: {} and {}", w[0].0, at(&w[0]), at(&w[1])),
        ));
    }
    if entities.is_empty() {
        return Err(BuildError::input(Location::file(&dir.join(ENTITIES)), "no entities: the files have no rows"));
    }
    let (ids, popularity): (Vec<String>, Vec<u32>) = entities.into_iter().map(|(id, p, _, _)| (id, p)).unzip();
    let edges = read_edges(&edge_files, &ids, dir)?;
    let top = table_from_edges(ids.len(), edges);
    Ok(CoocGraph { ids, popularity, top })
}

/// Every edge as (source, target, weight), in file order.
fn read_edges(files: &[PathBuf], ids: &[String], dir: &Path) -> Result<Vec<(u32, u32, f32)>> {
    let index: FxHashMap<&str, u32> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i as u32)).collect();
    let wants = [
        Want { name: "source", role: "the edge's source id", kind: Kind::Text },
        Want { name: "target", role: "the edge's target id", kind: Kind::Text },
        Want { name: "weight", role: "the edge's similarity", kind: Kind::Number },
    ];
    let mut edges = Vec::new();
    for path in files {
        let mut table = parquet_in::open_file(path, &wants)?;
        while let Some(batch) = table.next_batch()? {
            let (sources, targets, weights) = (batch.text(0), batch.text(1), batch.numbers(2));
            let entity = |column: &parquet_in::TextColumn<'_>, want: usize, i: usize| match column.get(i) {
                None => Err(BuildError::input(batch.location(i, want), "expected an id, found null")),
                Some(id) => index.get(id.as_ref()).copied().ok_or_else(|| {
                    BuildError::input(
                        batch.location(i, want),
                        format!("the id {id:?} is not among the entities in {}", dir.join(ENTITIES).display()),
                    )
                }),
            };
            for (i, &w) in weights.iter().enumerate() {
                let (s, t) = (entity(&sources, 0, i)?, entity(&targets, 1, i)?);
                let weight = match w {
                    Some(w) if w >= 0.0 && w.is_finite() && (w as f32).is_finite() => w as f32,
                    _ => {
                        let found = w.map_or("null".to_string(), |w| w.to_string());
                        return Err(BuildError::input(
                            batch.location(i, 2),
                            format!("expected a finite similarity of zero or more, found {found}"),
                        ));
                    }
                };
                if s == t {
                    return Err(BuildError::input(
                        batch.location(i, 1),
                        format!(
                            "the entity {:?} is its own neighbour: a row lists other entities only",
                            ids[s as usize]
                        ),
                    ));
                }
                edges.push((s, t, weight));
            }
        }
    }
    // A pair listed twice would count twice in the graph: refuse it.
    edges.par_sort_unstable_by_key(|&(s, t, _)| (s, t));
    if let Some(w) = edges.windows(2).find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1)) {
        return Err(BuildError::input(
            Location::file(&dir.join(EDGES)),
            format!(
                "the edge {:?} -> {:?} is listed twice: each source's row names a target once",
                ids[w[0].0 as usize], ids[w[0].1 as usize]
            ),
        ));
    }
    Ok(edges)
}

/// The rows of `n` entities from their edges (pairs distinct): strongest first, ties by target
/// index, as wide as the longest row.
fn table_from_edges(n: usize, mut edges: Vec<(u32, u32, f32)>) -> NeighborTable {
    edges.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.2.total_cmp(&a.2)).then(a.1.cmp(&b.1)));
    let mut degree = vec![0usize; n];
    for &(s, _, _) in &edges {
        degree[s as usize] += 1;
    }
    let k = degree.iter().copied().max().unwrap_or(0).max(1);
    let mut indices = vec![NO_NEIGHBOR; n * k];
    let mut values = vec![0.0f32; n * k];
    let mut start = 0;
    for (s, &d) in degree.iter().enumerate() {
        for (slot, &(_, t, w)) in edges[start..start + d].iter().enumerate() {
            indices[s * k + slot] = t;
            values[s * k + slot] = w;
        }
        start += d;
    }
    NeighborTable::from_parts(k, indices, values)
}

/// Whether `dir` may be replaced: it does not exist, is empty, or holds a graph (entities and
/// edges, as folders or files, and nothing else but Spark's markers).
fn check_graph_dir(dir: &Path) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(BuildError::write(dir, e)),
    };
    let names: Vec<String> =
        entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    let is_graph =
        |n: &str| [ENTITIES, EDGES].iter().any(|g| n == *g || n == format!("{g}.parquet")) || n.starts_with(['.', '_']);
    let has_both = [ENTITIES, EDGES].iter().all(|g| names.iter().any(|n| n.starts_with(g)));
    if names.is_empty() || (has_both && names.iter().all(|n| is_graph(n))) {
        return Ok(());
    }
    Err(BuildError::Unusable(format!(
        "refusing to replace {}: it exists and is not a graph folder (entities/ and edges/); \
         choose another --export-graph or remove it",
        dir.display()
    )))
}

/// Checks up front that `dir` can be written by [`write()`].
pub fn check_out(dir: &Path) -> Result<()> {
    check_graph_dir(dir)
}

/// Writes `graph` into the folder `dir` as `entities/part-0.parquet` and
/// `edges/part-0.parquet`, atomically; the same graph gives the same bytes. Weights are written
/// as float64 of the f32 similarities, so [`read()`] gives them back exactly.
pub fn write(dir: &Path, graph: &CoocGraph) -> Result<()> {
    check_graph_dir(dir)?;
    output::write_dir_atomic(dir, |tmp| {
        let part = |name: &str| -> Result<PathBuf> {
            let folder = tmp.join(name);
            std::fs::create_dir(&folder).map_err(|e| BuildError::write(&folder, e))?;
            Ok(folder.join("part-0.parquet"))
        };
        let path = part(ENTITIES)?;
        let schema: SchemaRef = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Utf8, false),
            Field::new("popularity", DataType::Int64, false),
        ]));
        let n = graph.ids.len();
        let batches = (0..n).step_by(WRITE_BATCH).map(|start| {
            let rows = start..(start + WRITE_BATCH).min(n);
            let ids: ArrayRef = Arc::new(StringArray::from_iter_values(graph.ids[rows.clone()].iter()));
            let pop: ArrayRef =
                Arc::new(Int64Array::from_iter_values(graph.popularity[rows].iter().map(|&p| p as i64)));
            output::record_batch(&path, &schema, vec![ids, pop])
        });
        write_file(&path, schema.clone(), batches)?;

        let path = part(EDGES)?;
        let schema: SchemaRef = Arc::new(Schema::new(vec![
            Field::new("source", DataType::Utf8, false),
            Field::new("target", DataType::Utf8, false),
            Field::new("weight", DataType::Float64, false),
        ]));
        // Batches of whole rows, about WRITE_BATCH edges each.
        let rows_per_batch = (WRITE_BATCH / graph.top.k().max(1)).max(1);
        let batches = (0..n).step_by(rows_per_batch).map(|start| {
            let (mut sources, mut targets, mut weights) = (Vec::new(), Vec::new(), Vec::new());
            for s in start..(start + rows_per_batch).min(n) {
                for (t, w) in graph.top.of(s) {
                    sources.push(graph.ids[s].as_str());
                    targets.push(graph.ids[t as usize].as_str());
                    weights.push(f64::from(w));
                }
            }
            let columns: Vec<ArrayRef> = vec![
                Arc::new(StringArray::from(sources)),
                Arc::new(StringArray::from(targets)),
                Arc::new(Float64Array::from(weights)),
            ];
            output::record_batch(&path, &schema, columns)
        });
        write_file(&path, schema.clone(), batches)
    })
}

fn write_file(
    path: &Path,
    schema: SchemaRef,
    batches: impl Iterator<Item = Result<arrow_array::RecordBatch>>,
) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| BuildError::write(path, e))?;
    output::write_parquet(std::io::BufWriter::new(file), path, schema, batches)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> CoocGraph {
        // c has no edges; a's row is the widest.
        CoocGraph {
            ids: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            popularity: vec![3, 2, 1, 5],
            top: NeighborTable::from_rows(2, &[vec![(3, 0.75), (1, 0.5)], vec![(0, 0.5)], vec![], vec![(0, 0.75)]]),
        }
    }

    #[test]
    fn a_written_graph_reads_back_the_same_and_bytes_repeat() {
        let dir = tempfile::tempdir().unwrap();
        let (g1, g2) = (dir.path().join("g1"), dir.path().join("g2"));
        write(&g1, &graph()).unwrap();
        write(&g2, &graph()).unwrap();
        assert_eq!(read(&g1).unwrap(), graph());
        for part in ["entities/part-0.parquet", "edges/part-0.parquet"] {
            assert_eq!(std::fs::read(g1.join(part)).unwrap(), std::fs::read(g2.join(part)).unwrap(), "{part}");
        }
        // Replacing a graph works; a folder of other things is refused.
        write(&g1, &graph()).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        let msg = write(dir.path(), &graph()).unwrap_err().to_string();
        assert!(msg.contains("not a graph folder"), "{msg}");
    }

    #[test]
    fn ids_are_numbered_in_sorted_order_whatever_the_file_order() {
        let dir = tempfile::tempdir().unwrap();
        let g = CoocGraph {
            ids: vec!["z".into(), "a".into()],
            popularity: vec![1, 2],
            top: NeighborTable::from_rows(1, &[vec![(1, 0.5)], vec![(0, 0.5)]]),
        };
        write(dir.path(), &g).unwrap();
        let read = read(dir.path()).unwrap();
        assert_eq!(read.ids, ["a", "z"]);
        assert_eq!(read.popularity, [2, 1]);
        assert_eq!(read.top, NeighborTable::from_rows(1, &[vec![(1, 0.5)], vec![(0, 0.5)]]));
    }

    #[test]
    fn missing_parts_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let msg = read(&dir.path().join("nope")).unwrap_err().to_string();
        assert!(msg.ends_with("nope: no such file or folder"), "{msg}");
        let msg = read(dir.path()).unwrap_err().to_string();
        assert!(msg.contains("no entities/ folder of .parquet files and no entities.parquet"), "{msg}");
        std::fs::create_dir(dir.path().join("entities")).unwrap();
        std::fs::write(dir.path().join("entities/_SUCCESS"), "").unwrap();
        let msg = read(dir.path()).unwrap_err().to_string();
        assert!(msg.contains("entities: no .parquet files in this folder"), "{msg}");
    }
}
