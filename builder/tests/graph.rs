//! `--export-graph` and `--graph`, the contract with the Spark job: a native build's
//! co-occurrence table written as Parquet and built again from there gives the same map, a
//! graph split into Spark's part files gives the same map as one file, and bad graphs fail with
//! exit code 2, a message naming the file (row and column where it applies), and nothing written.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{Field, Schema};
use common::{build_output_without, starmap, text, Case};
use parquet::arrow::ArrowWriter;

fn films(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/films").join(name).to_str().unwrap().to_string()
}

/// The demo's cast with its rows sorted by film id. Ingest numbers entities in the order they
/// first appear and `--graph` numbers them by sorted id (so that Spark's partitioning does not
/// matter); with the rows sorted both orders agree, and since the embedding's start, the
/// clusters and the layouts are seeded per index, only then can the maps be byte-identical.
/// With the file's own order the two maps are the same map under another numbering: as
/// different as two seeds.
fn sorted_cast(c: &Case) -> PathBuf {
    let mut text = String::new();
    flate2::read::GzDecoder::new(&std::fs::read(films("film_cast.csv.gz")).unwrap()[..])
        .read_to_string(&mut text)
        .unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let mut rows: Vec<&str> = lines.collect();
    // The first field is a plain id (tt…); the sort is stable, so each film keeps its cast order.
    rows.sort_by(|a, b| a.split(',').next().cmp(&b.split(',').next()));
    c.file("cast_sorted.csv", format!("{header}\n{}\n", rows.join("\n")).as_bytes())
}

/// Flags both builds share: the metadata, a quick layout, the seed.
fn shared(out: &Path, csv: &Path) -> Vec<String> {
    [
        "--metadata",
        &films("films.csv.gz"),
        "--label-col",
        "title",
        "--layout",
        "umap:epochs=50",
        "--mde-iterations",
        "60",
        "--seed",
        "3",
        "--data-only",
        "--quiet",
        "--title",
        "films",
        "--out",
        out.to_str().unwrap(),
        "--export-csv",
        csv.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec()
}

fn run(args: &[String]) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = starmap(&args);
    assert!(o.status.success(), "{}", text(&o));
}

/// The map's files, the manifest without what names the input and counts its reading.
fn map_without_input(dir: &Path) -> Vec<(String, Vec<u8>)> {
    // What only reading the interactions counts.
    let counts = [
        "interactions_read",
        "repeated_pairs_merged",
        "contexts_seen",
        "contexts",
        "rows_with_empty_id",
        "entities_seen",
        "entities_below_min_contexts",
    ];
    build_output_without(dir, &["interactions", "graph", "context-col"], &counts)
}

#[test]
fn a_graph_exported_and_built_again_gives_the_same_map() {
    let c = Case::new();
    let cast = sorted_cast(&c);
    let p = |name: &str| c.dir.path().join(name);
    let mut native = vec!["build", "--interactions", cast.to_str().unwrap(), "--entity-col", "imdb_id"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    native.extend(["--context-col", "actor", "--export-graph", p("g").to_str().unwrap()].map(String::from));
    native.extend(shared(&p("native"), &p("native.csv")));
    run(&native);
    let mut from_graph =
        ["build", "--graph", p("g").to_str().unwrap(), "--entity-col", "imdb_id"].map(String::from).to_vec();
    from_graph.extend(["--export-graph", p("g2").to_str().unwrap()].map(String::from));
    from_graph.extend(shared(&p("graph"), &p("graph.csv")));
    run(&from_graph);

    for part in ["entities/part-0.parquet", "edges/part-0.parquet"] {
        assert!(p("g").join(part).is_file(), "{part} not written");
        assert_eq!(std::fs::read(p("g").join(part)).unwrap(), std::fs::read(p("g2").join(part)).unwrap(), "{part}");
    }
    let (a, b) = (map_without_input(&p("native")), map_without_input(&p("graph")));
    assert_eq!(a.iter().map(|f| &f.0).collect::<Vec<_>>(), b.iter().map(|f| &f.0).collect::<Vec<_>>());
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between the native build and the build from its graph");
    }
    assert_eq!(std::fs::read(p("native.csv")).unwrap(), std::fs::read(p("graph.csv")).unwrap());
}

fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>) {
    let fields: Vec<Field> = columns.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect();
    let batch =
        RecordBatch::try_new(Arc::new(Schema::new(fields)), columns.into_iter().map(|(_, a)| a).collect()).unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

fn strings(v: &[String]) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(v))
}

/// 60 entities in 3 groups, each linked to 12 others of its group (ids e00…e59).
fn small_graph() -> (Vec<String>, Vec<(String, String, f64)>) {
    let ids: Vec<String> = (0..60).map(|i| format!("e{i:02}")).collect();
    let mut edges = Vec::new();
    for i in 0..60 {
        for step in 1..=12 {
            let j = (i / 20) * 20 + (i % 20 + step) % 20;
            edges.push((ids[i].clone(), ids[j].clone(), 1.0 - step as f64 / 20.0));
        }
    }
    (ids, edges)
}

/// Writes entities (rows `ids`) and edges as `files` parts each, under `dir/entities/` and
/// `dir/edges/` with Spark's names and markers, or as single files when `files` is 0.
fn write_graph(dir: &Path, ids: &[String], edges: &[(String, String, f64)], files: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let entities = |path: &Path, rows: &[String]| {
        let pop: ArrayRef = Arc::new(Int64Array::from_iter_values(rows.iter().map(|id| id.len() as i64)));
        write_parquet(path, vec![("id", strings(rows)), ("popularity", pop)]);
    };
    let edge_file = |path: &Path, rows: &[(String, String, f64)]| {
        let s: Vec<String> = rows.iter().map(|e| e.0.clone()).collect();
        let t: Vec<String> = rows.iter().map(|e| e.1.clone()).collect();
        let w: ArrayRef = Arc::new(Float64Array::from_iter_values(rows.iter().map(|e| e.2)));
        write_parquet(path, vec![("source", strings(&s)), ("target", strings(&t)), ("weight", w)]);
    };
    if files == 0 {
        entities(&dir.join("entities.parquet"), ids);
        edge_file(&dir.join("edges.parquet"), edges);
        return;
    }
    for (name, n) in [("entities", ids.len()), ("edges", edges.len())] {
        let folder = dir.join(name);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("_SUCCESS"), "").unwrap();
        std::fs::write(folder.join(".part-00000.crc"), "not parquet").unwrap();
        // Parts in an order of their own: the last rows first.
        let size = n.div_ceil(files);
        for part in 0..files {
            let end = n - part * size;
            let rows = end.saturating_sub(size)..end;
            let path = folder.join(format!("part-{part:05}-c0ffee.snappy.parquet"));
            if name == "entities" {
                entities(&path, &ids[rows]);
            } else {
                edge_file(&path, &edges[rows]);
            }
        }
    }
}

fn graph_build(c: &Case, graph: &Path, extra: &[&str]) -> std::process::Output {
    let out = c.out();
    let mut args = vec!["build", "--graph", graph.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend_from_slice(&["--layout", "umap", "--data-only", "--quiet", "--title", "small"]);
    args.extend_from_slice(extra);
    starmap(&args)
}

#[test]
fn spark_part_files_give_the_same_map_as_one_file() {
    let (ids, edges) = small_graph();
    let c = Case::new();
    let (single, parts) = (c.dir.path().join("single"), c.dir.path().join("parts"));
    write_graph(&single, &ids, &edges, 0);
    write_graph(&parts, &ids, &edges, 3);
    let o = graph_build(&c, &single, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let first = map_without_input(&c.out());
    std::fs::remove_dir_all(c.out()).unwrap();
    let o = graph_build(&c, &parts, &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(first == map_without_input(&c.out()), "the part files made another map");
    // The map names its ids `id` unless told otherwise; narrow rows are said to be narrow.
    let manifest = std::fs::read_to_string(c.out().join("manifest.json")).unwrap();
    assert!(manifest.contains("\"id_column\": \"id\""), "{manifest}");
    let o = graph_build(&c, &parts, &["--layout", "tsne"]);
    let msg = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "{msg}");
    let o = starmap(&[
        "build",
        "--graph",
        parts.to_str().unwrap(),
        "--out",
        c.dir.path().join("t").to_str().unwrap(),
        "--layout",
        "tsne",
        "--data-only",
    ]);
    let msg = text(&o);
    assert!(o.status.success() && msg.contains("ask the graph's job for top 90"), "{msg}");
}

/// A build from `graph` fails with exit 2, every needle in its message, nothing at --out.
fn fails(c: &Case, graph: &Path, needles: &[&str]) {
    let o = graph_build(c, graph, &[]);
    let msg = text(&o);
    assert_eq!(o.status.code(), Some(2), "expected exit 2: {msg}");
    for n in needles {
        assert!(msg.contains(n), "message lacks {n:?}: {msg}");
    }
    assert!(!msg.contains("panicked"), "{msg}");
    assert_eq!(msg.trim().lines().count(), 1, "one line: {msg}");
    assert!(!c.out().exists(), "something was left at --out");
}

#[test]
fn bad_graphs_are_refused_with_the_file_row_and_column() {
    let (ids, edges) = small_graph();
    let c = Case::new();
    let dir = |name: &str| {
        let d = c.dir.path().join(name);
        write_graph(&d, &ids, &edges, 0);
        d
    };
    fails(&c, &c.dir.path().join("nowhere"), &["nowhere: no such file or folder"]);
    let empty = c.dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    fails(&c, &empty, &["no entities/ folder of .parquet files and no entities.parquet"]);

    let g = dir("renamed");
    let w: ArrayRef = Arc::new(Float64Array::from(vec![0.5]));
    let one = |s: &str| strings(&[s.to_string()]);
    write_parquet(&g.join("edges.parquet"), vec![("source", one("e00")), ("target", one("e01")), ("w", w)]);
    fails(&c, &g, &["edges.parquet: no column \"weight\"", "the columns are: source, target, w"]);

    let g = dir("typed");
    write_parquet(&g.join("entities.parquet"), vec![("id", one("e00")), ("popularity", one("3"))]);
    fails(&c, &g, &["entities.parquet: column \"popularity\"", "holds Utf8: expected integers (int64)"]);

    let g = dir("unknown");
    let mut bad = edges.clone();
    bad[1].1 = "zz".into();
    write_graph(&g, &ids, &bad, 0);
    fails(&c, &g, &["edges.parquet, row 2, column 2 (target): the id \"zz\" is not among the entities"]);

    for (name, weight, shown) in [("negative", -0.5, "-0.5"), ("nan", f64::NAN, "NaN")] {
        let g = dir(name);
        let mut bad = edges.clone();
        bad[4].2 = weight;
        write_graph(&g, &ids, &bad, 0);
        fails(
            &c,
            &g,
            &[&format!(
                "edges.parquet, row 5, column 3 (weight): expected a finite similarity of zero or more, found {shown}"
            )],
        );
    }

    let g = dir("twice");
    let mut bad = edges.clone();
    bad.push(bad[0].clone());
    write_graph(&g, &ids, &bad, 0);
    fails(&c, &g, &["the edge \"e00\" -> \"e01\" is listed twice"]);

    let g = dir("corrupt");
    std::fs::write(g.join("edges.parquet"), b"source,target,weight\ne00,e01,0.5\n").unwrap();
    fails(&c, &g, &["edges.parquet: not a readable Parquet file"]);

    // --graph replaces --interactions and its columns: both, or neither, is a flag error.
    let out = c.out();
    let g = dir("flags");
    for args in [
        vec!["build", "--graph", g.to_str().unwrap(), "--interactions", "x.csv", "--out", out.to_str().unwrap()],
        vec!["build", "--graph", g.to_str().unwrap(), "--context-col", "user", "--out", out.to_str().unwrap()],
        vec!["build", "--entity-col", "a", "--out", out.to_str().unwrap()],
    ] {
        let o = starmap(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
    }
}
