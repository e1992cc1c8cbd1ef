//! Parquet input and output: interactions read from Parquet make the same map as from CSV;
//! ids stored as integers or dictionaries read as text; bad Parquet files fail as bad CSV does
//! (exit 2, the file, the column and the row, nothing written).

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, DictionaryArray, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{Field, Schema};
use common::{build_output_without, good_rows, starmap, text, Case};
use parquet::arrow::ArrowWriter;

fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>) {
    let fields: Vec<Field> = columns.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect();
    let batch =
        RecordBatch::try_new(Arc::new(Schema::new(fields)), columns.into_iter().map(|(_, a)| a).collect()).unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

/// Splits simple CSV text (no quoted commas) into columns.
fn columns_of(csv: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = csv.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let mut cols = vec![Vec::new(); header.len()];
    for line in lines {
        for (c, field) in line.split(',').enumerate() {
            cols[c].push(field.to_string());
        }
    }
    (header, cols)
}

fn strings(v: &[String]) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(v))
}

/// `good_rows` as Parquet: user as a dictionary, item as strings, plays as int64.
fn good_parquet(c: &Case, name: &str) -> PathBuf {
    let (_, cols) = columns_of(&good_rows());
    let users: DictionaryArray<Int32Type> = cols[0].iter().map(String::as_str).collect();
    let plays: ArrayRef = Arc::new(Int64Array::from_iter_values(cols[2].iter().map(|p| p.parse::<i64>().unwrap())));
    let path = c.dir.path().join(name);
    write_parquet(&path, vec![("user", Arc::new(users)), ("item", strings(&cols[1])), ("plays", plays)]);
    path
}

/// The map's files, without the manifest's input path.
fn map_without_path(dir: &Path) -> Vec<(String, Vec<u8>)> {
    build_output_without(dir, &["interactions"], &[])
}

#[test]
fn parquet_interactions_make_the_map_csv_makes() {
    let c = Case::new();
    let csv = c.file("plays.csv", good_rows().as_bytes());
    let pq = good_parquet(&c, "plays.parquet");
    let flags = ["--weight-col", "plays", "--layout", "umap", "--title", "t"];
    let o = c.build(&csv, &flags);
    assert!(o.status.success(), "{}", text(&o));
    let from_csv = map_without_path(&c.out());
    std::fs::remove_dir_all(c.out()).unwrap();
    let o = c.build(&pq, &flags);
    assert!(o.status.success(), "{}", text(&o));
    assert!(from_csv == map_without_path(&c.out()), "the Parquet file made another map");
}

#[test]
fn integer_ids_read_as_their_decimal_text() {
    let c = Case::new();
    let (_, cols) = columns_of(&good_rows());
    let num = |v: &[String]| v.iter().map(|s| s[1..].parse::<i32>().unwrap() + 1000).collect::<Vec<i32>>();
    let path = c.dir.path().join("ints.parquet");
    let users: ArrayRef = Arc::new(Int32Array::from(num(&cols[0])));
    let items: ArrayRef = Arc::new(Int64Array::from_iter_values(num(&cols[1]).into_iter().map(i64::from)));
    write_parquet(&path, vec![("user", users), ("item", items)]);
    let o = c.build(&path, &["--layout", "umap"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = starmap(&["neighbors", "--map", c.out().to_str().unwrap(), "-k", "2", "1003"]);
    assert!(o.status.success() && text(&o).starts_with("1003"), "{}", text(&o));
}

#[test]
fn bad_parquet_interactions_are_explained() {
    let c = Case::new();
    let pq = good_parquet(&c, "plays.parquet");
    c.fails(
        &pq,
        &["--weight-col", "count"],
        &["plays.parquet: no column named \"count\" (given by --weight-col)", "\"user\", \"item\", \"plays\""],
    );

    let (_, cols) = columns_of(&good_rows());
    let path = c.dir.path().join("float_ids.parquet");
    let items: ArrayRef =
        Arc::new(Float64Array::from_iter_values(cols[1].iter().map(|s| s[1..].parse::<f64>().unwrap())));
    write_parquet(&path, vec![("user", strings(&cols[0])), ("item", items)]);
    c.fails(&path, &[], &["float_ids.parquet: column \"item\" (--entity-col) holds Float64: expected strings"]);

    let path = c.dir.path().join("neg.parquet");
    let mut w: Vec<f64> = vec![1.0; cols[0].len()];
    w[6] = -2.0;
    let w: ArrayRef = Arc::new(Float64Array::from(w));
    write_parquet(&path, vec![("user", strings(&cols[0])), ("item", strings(&cols[1])), ("w", w)]);
    c.fails(
        &path,
        &["--weight-col", "w"],
        &["neg.parquet, row 7, column 3 (w): expected a weight of zero or more, found -2"],
    );

    let path = c.dir.path().join("text_weights.parquet");
    write_parquet(&path, vec![("user", strings(&cols[0])), ("item", strings(&cols[1])), ("w", strings(&cols[0]))]);
    c.fails(&path, &["--weight-col", "w"], &["column \"w\" (--weight-col) holds Utf8: expected numbers"]);

    let fake = c.file("plays_csv.parquet", good_rows().as_bytes());
    c.fails(&fake, &[], &["plays_csv.parquet: not a readable Parquet file"]);
    let mut cut = std::fs::read(&pq).unwrap();
    cut.truncate(cut.len() / 2);
    let cut = c.file("cut.parquet", &cut);
    c.fails(&cut, &[], &["cut.parquet: not a readable Parquet file"]);
}

/// Times reading the films' cast as CSV.gz and as Parquet (printed with --nocapture).
#[test]
fn films_cast_from_parquet() {
    let c = Case::new();
    let mut csv = String::new();
    let gz = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/films/film_cast.csv.gz")).unwrap();
    flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut csv).unwrap();
    let mut ids = Vec::new();
    let mut actors = Vec::new();
    let mut reader = csv.lines();
    reader.next();
    for line in reader {
        let (id, actor) = line.split_once(',').unwrap();
        ids.push(id.to_string());
        // Unquoted as a CSV reader would (the cast's quotes are doubled inside quoted fields).
        let actor = actor
            .strip_prefix('"')
            .and_then(|a| a.strip_suffix('"'))
            .map_or(actor.to_string(), |a| a.replace("\"\"", "\""));
        actors.push(actor);
    }
    let pq = c.dir.path().join("film_cast.parquet");
    write_parquet(&pq, vec![("imdb_id", strings(&ids)), ("actor", strings(&actors))]);
    let gz_path = c.file("film_cast.csv.gz", &gz);
    let mut secs = Vec::new();
    for (input, out) in [(&gz_path, "m_csv"), (&pq, "m_parquet")] {
        let out = c.dir.path().join(out);
        let o = starmap(&[
            "build",
            "--interactions",
            input.to_str().unwrap(),
            "--entity-col",
            "imdb_id",
            "--context-col",
            "actor",
            "--layout",
            "umap:epochs=10",
            "--mde-iterations",
            "10",
            "--data-only",
            "--quiet",
            "--title",
            "f",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o));
        let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        secs.push(m["build"]["timings_secs"]["ingest"].as_f64().unwrap());
    }
    eprintln!(
        "films cast ingest: csv.gz {:.3}s ({} bytes), parquet {:.3}s ({} bytes)",
        secs[0],
        gz.len(),
        secs[1],
        std::fs::metadata(&pq).unwrap().len()
    );
    let strip = |d: &str| map_without_path(&c.dir.path().join(d));
    assert!(strip("m_csv") == strip("m_parquet"), "the Parquet cast made another map");
}

#[test]
fn export_parquet_holds_the_export_csv_columns_typed() {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float32Type, UInt32Type};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let c = Case::new();
    let csv = c.file("plays.csv", good_rows().as_bytes());
    let (ecsv, epq) = (c.dir.path().join("e.csv"), c.dir.path().join("e.parquet"));
    let flags = ["--layout", "umap", "--export-csv", ecsv.to_str().unwrap(), "--export-parquet", epq.to_str().unwrap()];
    let o = c.build(&csv, &flags);
    assert!(o.status.success(), "{}", text(&o));
    let first = std::fs::read(&epq).unwrap();
    let o = c.build(&csv, &flags);
    assert!(o.status.success(), "{}", text(&o));
    assert!(first == std::fs::read(&epq).unwrap(), "the same build wrote other bytes");

    let (header, cols) = quoted_columns(&std::fs::read_to_string(&ecsv).unwrap());
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&epq).unwrap()).unwrap().build().unwrap();
    let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
    assert_eq!(batches.len(), 1, "a small file is one batch");
    let batch = &batches[0];
    let names: Vec<String> = batch.schema().fields().iter().map(|f| f.name().clone()).collect();
    assert_eq!(names, header);
    assert_eq!(batch.num_rows(), cols[0].len());
    for (c, name) in header.iter().enumerate() {
        let column = batch.column(c);
        let shown: Vec<String> = match name.as_str() {
            "id" | "cluster_name" => column.as_string::<i32>().iter().map(|v| v.unwrap().to_string()).collect(),
            "cluster" => column.as_primitive::<UInt32Type>().values().iter().map(|v| v.to_string()).collect(),
            _ => column.as_primitive::<Float32Type>().values().iter().map(|v| v.to_string()).collect(),
        };
        assert_eq!(shown, cols[c], "column {name}");
    }
}

/// Columns of CSV text whose fields may be quoted (RFC 4180, no line breaks inside).
fn quoted_columns(csv: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let split = |line: &str| {
        let (mut fields, mut field, mut quoted, mut chars) =
            (Vec::new(), String::new(), false, line.chars().peekable());
        while let Some(ch) = chars.next() {
            match ch {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = !quoted,
                ',' if !quoted => fields.push(std::mem::take(&mut field)),
                ch => field.push(ch),
            }
        }
        fields.push(field);
        fields
    };
    let mut lines = csv.lines();
    let header = split(lines.next().unwrap());
    let mut cols = vec![Vec::new(); header.len()];
    for line in lines {
        for (c, field) in split(line).into_iter().enumerate() {
            cols[c].push(field);
        }
    }
    (header, cols)
}

#[test]
fn parquet_metadata_makes_the_map_csv_metadata_makes() {
    use arrow_array::BooleanArray;

    let c = Case::new();
    let csv = c.file("plays.csv", good_rows().as_bytes());
    let n = 30;
    let mut meta = String::from("item,title,group,score,flagged\n");
    for i in 0..n {
        meta.push_str(&format!("i{i},Item number {i},{},{},{}\n", i / 10, i as f64 / 4.0, i % 3 == 0));
    }
    let meta_csv = c.file("items.csv", meta.as_bytes());
    let meta_pq = c.dir.path().join("items.parquet");
    let (_, cols) = columns_of(&meta);
    let ints: ArrayRef = Arc::new(Int64Array::from_iter_values((0..n).map(|i| i64::from(i / 10))));
    let floats: ArrayRef = Arc::new(Float64Array::from_iter_values((0..n).map(|i| f64::from(i) / 4.0)));
    let bools: ArrayRef = Arc::new(BooleanArray::from((0..n).map(|i| i % 3 == 0).collect::<Vec<bool>>()));
    write_parquet(
        &meta_pq,
        vec![
            ("item", strings(&cols[0])),
            ("title", strings(&cols[1])),
            ("group", ints),
            ("score", floats),
            ("flagged", bools),
        ],
    );
    let strip = |dir: &Path| build_output_without(dir, &["metadata"], &[]);
    let flags = |m: &Path| {
        ["--metadata", m.to_str().unwrap(), "--label-col", "title", "--layout", "umap", "--title", "t"]
            .map(String::from)
            .to_vec()
    };
    let run = |m: &Path| {
        let f = flags(m);
        let o = c.build(&csv, &f.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(o.status.success(), "{}", text(&o));
        let files = strip(&c.out());
        std::fs::remove_dir_all(c.out()).unwrap();
        files
    };
    assert!(run(&meta_csv) == run(&meta_pq), "Parquet metadata made another map");
    let manifest = {
        let f = flags(&meta_pq);
        let o = c.build(&csv, &f.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(o.status.success(), "{}", text(&o));
        std::fs::read_to_string(c.out().join("manifest.json")).unwrap()
    };
    assert!(manifest.contains("\"numeric\"") && manifest.contains("\"categorical\""), "{manifest}");
    std::fs::remove_dir_all(c.out()).unwrap();

    // A missing --id-col is named with the columns there are.
    c.fails(
        &csv,
        &["--metadata", meta_pq.to_str().unwrap(), "--id-col", "film"],
        &["items.parquet: no column named \"film\" (given by --id-col)", "\"item\", \"title\""],
    );
}
