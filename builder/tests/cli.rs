//! The `starmap` binary as users run it with bad input: every kind gets a message naming the
//! file (and line and column where there is one), exit code 2 whatever the subcommand, no
//! panic, and nothing at `--out`; good input builds reproducibly whatever the thread count.

mod common;

use std::io::Write;

use common::{build_output, good_rows, rows, starmap, text, Case};

#[test]
fn missing_column_names_the_header() {
    let c = Case::new();
    let p = c.file("i.csv", b"user,product\nu1,a\nu2,a\n");
    c.fails(&p, &[], &["i.csv", "line 1", "no column named \"item\"", "\"user\", \"product\""]);
}

#[test]
fn empty_file_and_header_only() {
    let c = Case::new();
    let p = c.file("empty.csv", b"");
    c.fails(&p, &[], &["empty.csv", "empty", "header"]);
    let p = c.file("header.csv", b"user,item\n");
    c.fails(&p, &[], &["header.csv", "no data rows"]);
}

#[test]
fn ragged_rows_and_unterminated_quotes() {
    let c = Case::new();
    let p = c.file("ragged.csv", b"user,item\nu1,a\nu2,a,extra\n");
    c.fails(&p, &[], &["ragged.csv", "line 3", "expected 2 fields", "found 3"]);
    let p = c.file("quote.csv", b"user,item\nu1,a\nu2,\"a\nu3,b\n");
    c.fails(&p, &[], &["quote.csv", "line 3", "column 2 (item)", "unterminated quote"]);
}

#[test]
fn non_utf8_bytes_name_the_cell() {
    let c = Case::new();
    let p = c.file("latin1.csv", b"user,item\nu1,caf\xe9\nu2,a\n");
    c.fails(&p, &[], &["latin1.csv", "line 2", "column 2 (item)", "UTF-8", "0xe9"]);
}

#[test]
fn bad_weights_name_the_cell() {
    let c = Case::new();
    for (w, why) in [("NaN", "finite"), ("-3", "zero or more"), ("lots", "expected a number")] {
        let p = c.file("w.csv", format!("user,item,plays\nu1,a,1\nu2,a,{w}\n").as_bytes());
        c.fails(&p, &["--weight-col", "plays"], &["w.csv", "line 3", "column 3 (plays)", why]);
    }
}

#[test]
fn corrupt_and_truncated_gzip() {
    let c = Case::new();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(good_rows().repeat(20).as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    let p = c.file("cut.csv.gz", &bytes[..bytes.len() / 2]);
    c.fails(&p, &[], &["cut.csv.gz", "gzip"]);
    let mut corrupt = bytes.clone();
    for b in corrupt[20..60].iter_mut() {
        *b ^= 0x5a;
    }
    let p = c.file("corrupt.csv.gz", &corrupt);
    c.fails(&p, &[], &["corrupt.csv.gz"]);
}

#[test]
fn nothing_left_after_filtering() {
    let c = Case::new();
    let p = c.file("sparse.csv", b"user,item\nu1,a\nu2,b\nu3,c\n");
    c.fails(&p, &[], &["no entity is left", "--min-contexts"]);
    let p = c.file("alone.csv", b"user,item\nu1,a\nu2,a\nu3,b\nu4,b\n");
    c.fails(&p, &[], &["no entity shares a context"]);
}

#[test]
fn flags_out_of_range_and_missing_files() {
    let c = Case::new();
    let p = c.file("i.csv", good_rows().as_bytes());
    c.fails(&p, &["--dim", "40"], &["--dim must be between 3 and 16"]);
    c.fails(&c.dir.path().join("nope.csv"), &[], &["nope.csv", "no such file"]);
}

#[test]
fn refuses_to_overwrite_a_folder_that_is_not_a_map() {
    let c = Case::new();
    let p = c.file("i.csv", good_rows().as_bytes());
    std::fs::create_dir(c.out()).unwrap();
    std::fs::write(c.out().join("thesis.tex"), b"precious").unwrap();
    let o = c.build(&p, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("not a Starmap map"));
    assert_eq!(std::fs::read(c.out().join("thesis.tex")).unwrap(), b"precious");
}

#[test]
fn metadata_duplicates_and_strangers_are_reported_not_fatal() {
    let c = Case::new();
    let p = c.file("i.csv", good_rows().as_bytes());
    let mut meta = String::from("item,name,kind\n");
    for i in 0..30 {
        meta.push_str(&format!("i{i},Item {i},{}\n", ["x", "y", "z"][i % 3]));
    }
    meta.push_str("i3,Again,x\nghost,Nobody,y\n");
    let m = c.file("m.csv", meta.as_bytes());
    let o = c.build_with_summary(&p, &["--metadata", m.to_str().unwrap()]);
    let msg = text(&o);
    assert!(o.status.success(), "{msg}");
    assert!(msg.contains("1 metadata rows repeat an earlier id and were ignored (the first row wins)"), "{msg}");
    assert!(msg.contains("\"i3\" on lines 5 and 32"), "{msg}");
    assert!(msg.contains("1 ids not on the map (ignored)"), "{msg}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(c.out().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["build"]["counts"]["metadata_duplicate_ids"], 1);
    assert_eq!(manifest["label_column"], "name");
}

#[test]
fn metadata_errors_point_at_the_metadata_file() {
    let c = Case::new();
    let p = c.file("i.csv", good_rows().as_bytes());
    let m = c.file("m.csv", b"id,name\ni1,One\n");
    c.fails(&p, &["--metadata", m.to_str().unwrap()], &["m.csv", "no column named \"item\"", "--id-col"]);
}

#[test]
fn two_entities_build_a_map() {
    let c = Case::new();
    let p = c.file("tiny.csv", b"user,item\nu1,a\nu1,b\nu2,a\nu2,b\n");
    let o = c.build(&p, &[]);
    assert!(o.status.success(), "{}", text(&o));
    let inspect = starmap(&["inspect", c.out().to_str().unwrap()]);
    assert!(inspect.status.success(), "{}", text(&inspect));
    assert!(text(&inspect).contains("2 entities"), "{}", text(&inspect));
}

#[test]
fn neighbors_and_inspect_answer_from_a_built_map() {
    let c = Case::new();
    let p = c.file("i.csv", good_rows().as_bytes());
    let csv = c.dir.path().join("coords.csv");
    let o = c.build(&p, &["--weight-col", "plays", "--export-csv", csv.to_str().unwrap(), "--dim", "3"]);
    assert!(o.status.success(), "{}", text(&o));
    let exported = std::fs::read_to_string(&csv).unwrap();
    let mut lines = exported.lines();
    // The first layout, every layout by name (the default set: UMAP alone on 30 entities), the
    // coarsest cluster and its name, then the embedding.
    assert_eq!(lines.next(), Some("id,x,y,umap_x,umap_y,cluster,cluster_name,d0,d1,d2"));
    let rows: Vec<Vec<String>> = lines.map(csv_fields).collect();
    assert_eq!(rows.len(), 30);
    assert!(rows.iter().all(|r| r.len() == 10 && r[1..3] == r[3..5]), "{rows:?}");
    // The clusters and their names are the map's coarsest level: the three groups of items.
    let map: serde_json::Value =
        serde_json::from_slice(&std::fs::read(c.out().join("manifest.json")).unwrap()).unwrap();
    let top = map["clusters"]["levels"][0]["clusters"].as_array().unwrap();
    assert_eq!(top.len(), 3, "{top:?}");
    for r in &rows {
        let c: usize = r[5].parse().unwrap();
        assert_eq!(top[c]["name"].as_str(), Some(r[6].as_str()));
        // Items i0–i9 are group 0, and so on: each group is one cluster.
        let group = r[0][1..].parse::<usize>().unwrap() / 10;
        let mate = rows.iter().find(|o| o[0][1..].parse::<usize>().unwrap() / 10 == group).unwrap();
        assert_eq!(r[5], mate[5], "{r:?} and {mate:?}");
    }
    // Without clusters: no clusters.bin, no columns.
    let o = c.build(&p, &["--export-csv", csv.to_str().unwrap(), "--dim", "3", "--no-clusters", "--data-only"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!c.out().join("clusters.bin").exists());
    let exported = std::fs::read_to_string(&csv).unwrap();
    assert!(exported.starts_with("id,x,y,umap_x,umap_y,d0,d1,d2\n"), "{exported}");
    let inspect = text(&starmap(&["inspect", c.out().to_str().unwrap()]));
    assert!(inspect.contains("clusters: none") && inspect.contains("--no-clusters"), "{inspect}");

    let o = starmap(&["neighbors", "--map", c.out().to_str().unwrap(), "-k", "5", "i0"]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    // i0 is in group 0 (items i0..i9): its neighbours should be too.
    let same_group =
        out.lines().skip(1).filter(|l| l.split_whitespace().nth(1).is_some_and(|id| id.len() == 2)).count();
    assert!(same_group >= 4, "{out}");
    let o = starmap(&["neighbors", "--map", c.out().to_str().unwrap(), "nothing-like-this"]);
    assert_eq!(o.status.code(), Some(2));
    let o = starmap(&["inspect", c.dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("holds no manifest.json"), "{}", text(&o));
}

/// The fields of a CSV line as `--export-csv` writes them (quoted when they hold a comma).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[test]
fn same_seed_gives_identical_files_at_one_and_two_threads() {
    let c = Case::new();
    // 1,200 entities: several work chunks in every parallel stage. Three layouts, made at once
    // where there are threads for it.
    let p = c.file("i.csv", rows(12_000, 60, 20).as_bytes());
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = c.dir.path().join(format!("map-{threads}"));
        let o = starmap(&[
            "build",
            "--interactions",
            p.to_str().unwrap(),
            "--entity-col",
            "item",
            "--context-col",
            "user",
            "--weight-col",
            "plays",
            "--out",
            out.to_str().unwrap(),
            "--threads",
            threads,
            "--layout",
            "umap",
            "--layout",
            "tsne:perplexity=5",
            "--layout",
            "umap:min-dist=0.1,neighbors=8,name=tight",
            "--seed",
            "42",
            "--quiet",
        ]);
        assert!(o.status.success(), "{}", text(&o));
        outputs.push(build_output(&out));
    }
    assert_eq!(outputs[0], outputs[1], "maps differ between 1 and 2 threads");
    // The clusters ran beside the embedding: their own time is apart from the stages'.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(c.dir.path().join("map-2").join("manifest.json")).unwrap()).unwrap();
    let timings = manifest["build"]["timings_secs"].as_object().unwrap();
    assert!(timings.contains_key("alongside:clusters") && timings.contains_key("mde"), "{timings:?}");
    assert!(!timings.contains_key("clusters"), "{timings:?}");
    let names: Vec<&str> = outputs[0].iter().map(|f| f.0.as_str()).collect();
    assert!(names.contains(&"layouts.bin") && names.contains(&"clusters.bin") && names.len() >= 7, "{names:?}");
}

#[test]
fn each_layout_reports_its_quality_and_the_label_must_be_categorical() {
    let c = Case::new();
    let p = c.file("i.csv", good_rows().as_bytes());
    let mut meta = String::from("item,group,size\n");
    for i in 0..30 {
        meta.push_str(&format!("i{i},g{},{}\n", i / 10, i * 3));
    }
    let m = c.file("meta.csv", meta.as_bytes());
    let out = c.out();
    let build = |extra: &[&str]| c.build_with_summary(&p, &[&["--metadata", m.to_str().unwrap()], extra].concat());
    let o = build(&["--quality-label", "group", "--layout", "umap", "--layout", "tsne:perplexity=5,name=t"]);
    let msg = text(&o);
    assert!(o.status.success(), "{msg}");
    assert!(msg.contains("group agreement among the 10 nearest"), "{msg}");
    let line = |name: &str| msg.lines().find(|l| l.trim_start().starts_with(&format!("{name} "))).unwrap_or("");
    for (name, spec) in [("umap", "umap"), ("t", "tsne:perplexity=5")] {
        let l = line(name);
        assert!(l.contains(spec) && l.contains("recall ") && l.contains("group ") && l.ends_with('s'), "{msg}");
    }
    assert!(msg.contains("neighbourhood change") && msg.contains("umap/t "), "{msg}");
    let inspect = text(&starmap(&["inspect", out.to_str().unwrap()]));
    assert!(inspect.contains(line("t").trim()), "inspect repeats the layout lines: {inspect}");

    for (extra, needles) in [
        (vec!["--quality-label", "size"], vec!["--quality-label size", "numeric", "categorical or a list", "group"]),
        (vec!["--quality-label", "colour"], vec!["no column named \"colour\"", "--quality-label"]),
        (vec!["--quality-label", "item"], vec!["--quality-label item: that is the id column"]),
        (vec!["--layout", "umap", "--layout", "umap"], vec!["both named \"umap\""]),
        (vec!["--layout", "umap:spread=2"], vec!["umap:spread=2", "min-dist, neighbors, epochs, name"]),
    ] {
        let o = build(&extra);
        let msg = text(&o);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {msg}");
        assert!(needles.iter().all(|n| msg.contains(n)), "{extra:?}: {msg}");
    }
}

#[test]
fn inspect_checks_every_file() {
    let c = Case::new();
    let p = c.file("i.csv", good_rows().as_bytes());
    let o = c.build(&p, &["--data-only"]);
    assert!(o.status.success(), "{}", text(&o));
    let ok = starmap(&["inspect", c.out().to_str().unwrap()]);
    assert!(ok.status.success() && text(&ok).contains("all sections decoded"), "{}", text(&ok));
    let points = c.out().join("points.bin");
    let bytes = std::fs::read(&points).unwrap();
    std::fs::write(&points, &bytes[..bytes.len() - 10]).unwrap();
    let bad = starmap(&["inspect", c.out().to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(text(&bad).contains("points.bin") && text(&bad).contains("truncated"), "{}", text(&bad));
}

#[test]
fn every_subcommand_exits_2_on_a_missing_or_wrong_path() {
    let c = Case::new();
    let missing = c.dir.path().join("nope");
    let file = c.file("plain.txt", b"not a map");
    let out = c.dir.path().join("out");
    let (missing, file, out) = (missing.to_str().unwrap(), file.to_str().unwrap(), out.to_str().unwrap());
    let good = c.file("i.csv", good_rows().as_bytes());
    let good = good.to_str().unwrap();
    let build = |interactions: &str, extra: &[&str]| {
        let mut args = vec!["build", "--interactions", interactions, "--entity-col", "item", "--context-col", "user"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--out", out, "--quiet"]);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let cases: Vec<Vec<String>> = vec![
        build(missing, &[]),
        build(c.dir.path().to_str().unwrap(), &[]),
        build(good, &["--metadata", missing]),
        ["inspect", missing].map(String::from).to_vec(),
        ["inspect", file].map(String::from).to_vec(),
        ["serve", missing, "--port", "0"].map(String::from).to_vec(),
        ["serve", c.dir.path().to_str().unwrap(), "--port", "0"].map(String::from).to_vec(),
        ["neighbors", "--map", missing, "x"].map(String::from).to_vec(),
        ["demo", "--no-serve", "--quiet", "--out", c.dir.path().to_str().unwrap()].map(String::from).to_vec(),
    ];
    for args in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = starmap(&args);
        let msg = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {msg}");
        assert!(msg.starts_with("error: ") && !msg.contains("panicked"), "{args:?}: {msg}");
        assert!(!std::path::Path::new(out).exists(), "{args:?} wrote --out");
    }
}

#[test]
fn flag_errors_exit_2_as_clap_does_and_help_documents_it() {
    for args in [
        vec!["build", "--interactions", "i.csv"],
        vec!["build", "--interactions", "i.csv", "--entity-col", "a", "--context-col", "b", "--out", "o", "--dim", "x"],
        vec![
            "build",
            "--interactions",
            "i.csv",
            "--entity-col",
            "a",
            "--context-col",
            "b",
            "--out",
            "o",
            "--similarity",
            "cosinedamped",
        ],
        vec!["inspect"],
        vec!["frobnicate"],
    ] {
        let o = starmap(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
    }
    let help = starmap(&["--help"]);
    assert!(help.status.success());
    assert!(text(&help).contains("Exit status:") && text(&help).contains("2  bad input, for every subcommand"));
}
