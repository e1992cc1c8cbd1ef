//! Maps as users build and read them: the README's worked example, `starmap neighbors`
//! matching names as the viewer does, and `starmap inspect` printing a command that rebuilds a
//! map byte for byte (and saying why not for maps of earlier versions).

mod common;

use std::path::Path;
use std::process::Command;

use common::{build_output, good_rows, starmap, text, Case};

/// `docs/example`, as the README uses it.
fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/example").join(name).to_str().unwrap().to_string()
}

fn read_map(dir: &Path) -> starmap_format::read::Map {
    let manifest = starmap_format::read::parse_manifest(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    starmap_format::read::Map::decode(manifest, |name| {
        Ok::<_, starmap_format::ReadError>(std::fs::read(dir.join(name)).unwrap())
    })
    .unwrap()
}

#[test]
fn the_readme_example_is_labelled_by_artist_with_every_column_kind() {
    let c = Case::new();
    let (plays, artists) = (example("plays.csv"), example("artists.csv"));
    let out = c.out();
    let o = starmap(&[
        "build",
        "--interactions",
        &plays,
        "--entity-col",
        "artist",
        "--context-col",
        "listener",
        "--weight-col",
        "plays",
        "--metadata",
        &artists,
        "--id-col",
        "artist",
        "--out",
        out.to_str().unwrap(),
        "--title",
        "What our listeners play",
    ]);
    let msg = text(&o);
    assert!(o.status.success(), "{msg}");
    assert!(msg.contains("labels: the ids (artist), which read as names"), "{msg}");
    assert!(!msg.contains("sample of 0"), "{msg}");
    let map = read_map(&out);
    let m = &map.manifest;
    let kind = |name: &str| m.columns[m.column_index(name).unwrap_or_else(|| panic!("no {name}"))].kind;
    use starmap_format::ColumnKind;
    assert_eq!(
        (kind("country"), kind("genre"), kind("formed")),
        (ColumnKind::Categorical, ColumnKind::Tags, ColumnKind::Numeric)
    );
    assert_eq!(m.label_column, None, "the ids are the labels");
    let artist_names: Vec<String> = std::fs::read_to_string(&artists)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(map.len(), artist_names.len());
    for i in 0..map.len() {
        assert!(
            artist_names.iter().any(|a| a == map.labels.name(i)),
            "label {:?} is not an artist",
            map.labels.name(i)
        );
    }

    // Names are found as the viewer's search finds them; several matches are listed, not picked.
    let o = starmap(&["neighbors", "--map", out.to_str().unwrap(), "-k", "3", "bjork"]);
    assert!(o.status.success() && text(&o).starts_with("Björk — seen in 4 contexts"), "{}", text(&o));
    let o = starmap(&["neighbors", "--map", out.to_str().unwrap(), "ai"]);
    let msg = text(&o);
    assert_eq!(o.status.code(), Some(2), "{msg}");
    assert!(
        msg.contains("\"ai\" matches several entities") && msg.contains("\n  Air\n") && msg.contains("\n  Mogwai"),
        "{msg}"
    );
}

/// Builds in `dir` (the working folder, so paths stay relative as users type them), runs
/// `starmap inspect`, runs the command it prints into another folder and compares every file.
fn rebuild_round_trip(dir: &Path, build_args: &[&str]) {
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_starmap")).args(args).current_dir(dir).output().unwrap();
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        o
    };
    let mut args = vec!["build"];
    args.extend_from_slice(build_args);
    args.extend_from_slice(&["--out", "map", "--quiet"]);
    run(&args);
    let inspect = String::from_utf8(run(&["inspect", "map"]).stdout).unwrap();
    let mut lines = inspect.lines().skip_while(|l| !l.starts_with("rebuild it"));
    let command = lines.nth(1).unwrap_or_else(|| panic!("no rebuild command: {inspect}")).trim();
    let command = command.strip_suffix(" --out map").unwrap_or_else(|| panic!("--out last: {command}"));
    let o =
        Command::new("sh").arg("-c").arg(format!("{command} --out rebuilt --quiet")).current_dir(dir).output().unwrap();
    assert!(o.status.success(), "{command}: {}", text(&o));
    let (first, again) = (build_output(&dir.join("map")), build_output(&dir.join("rebuilt")));
    assert_eq!(first.iter().map(|f| &f.0).collect::<Vec<_>>(), again.iter().map(|f| &f.0).collect::<Vec<_>>());
    for ((name, a), (_, b)) in first.iter().zip(&again) {
        assert!(a == b, "{name} differs after rebuilding with: {command}");
    }
}

#[test]
fn inspect_prints_a_command_that_rebuilds_the_map_byte_for_byte() {
    let c = Case::new();
    std::fs::copy(example("plays.csv"), c.dir.path().join("plays.csv")).unwrap();
    std::fs::copy(example("artists.csv"), c.dir.path().join("artists.csv")).unwrap();
    rebuild_round_trip(
        c.dir.path(),
        &[
            "--interactions",
            "plays.csv",
            "--entity-col",
            "artist",
            "--context-col",
            "listener",
            "--weight-col",
            "plays",
            "--metadata",
            "artists.csv",
            "--title",
            "What our listeners play",
        ],
    );

    // Every other kind of flag: a delimiter, several layouts with keys and names, a quality label,
    // non-default choices, text that needs quoting.
    c.file("my plays.txt", good_rows().replace(',', ";").as_bytes());
    let mut meta = String::from("item;name;kind\n");
    for i in 0..30 {
        meta.push_str(&format!("i{i};Item {i};{}\n", ["x", "y", "z"][i % 3]));
    }
    c.file("items.txt", meta.as_bytes());
    rebuild_round_trip(
        c.dir.path(),
        &[
            "--interactions",
            "my plays.txt",
            "--entity-col",
            "item",
            "--context-col",
            "user",
            "--weight-col",
            "plays",
            "--metadata",
            "items.txt",
            "--label-col",
            "name",
            "--quality-label",
            "kind",
            "--delimiter",
            ";",
            "--layout",
            "tsne",
            "--layout",
            "umap:min-dist=0.05,neighbors=8,name=tight",
            "--layout",
            "umap:epochs=30",
            "--perplexity",
            "5.5",
            "--similarity",
            "cosine-damped",
            "--weight-transform",
            "raw",
            "--init",
            "spectral",
            "--dim",
            "5",
            "--min-dist",
            "0.3",
            "--umap-epochs",
            "50",
            "--seed",
            "7",
            "--data-only",
            "--title",
            "It's \"ours\"",
            "--description",
            "Who plays what; from the survey",
        ],
    );
    assert!(c.dir.path().join("rebuilt").join("clusters.bin").is_file(), "30 entities have clusters");
    rebuild_round_trip(
        c.dir.path(),
        &[
            "--interactions",
            "my plays.txt",
            "--entity-col",
            "item",
            "--context-col",
            "user",
            "--delimiter",
            ";",
            "--no-clusters",
        ],
    );
    assert!(!c.dir.path().join("rebuilt").join("clusters.bin").exists());
}

#[test]
fn inspect_reads_maps_of_earlier_versions_and_says_why_it_cannot_rebuild_them() {
    let c = Case::new();
    let p = c.file("i.csv", good_rows().as_bytes());
    let o = c.build(&p, &["--data-only"]);
    assert!(o.status.success(), "{}", text(&o));
    // Earlier versions kept every parameter as text and did not record the input files.
    let manifest_path = c.out().join("manifest.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    v["build"]["params"] = serde_json::json!({ "dim": "4", "similarity": "cosinedamped", "seed": "0" });
    std::fs::write(&manifest_path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    let o = starmap(&["inspect", c.out().to_str().unwrap()]);
    let msg = text(&o);
    assert!(o.status.success(), "{msg}");
    assert!(msg.contains("parameters: dim=4, seed=0, similarity=cosinedamped"), "{msg}");
    assert!(msg.contains("no rebuild command: the map was built by an earlier starmap"), "{msg}");
    assert!(!msg.contains("Some(") && !msg.contains("--similarity cosinedamped"), "{msg}");
}

#[test]
fn maps_of_the_first_format_are_refused_naming_both_versions() {
    let c = Case::new();
    let p = c.file("i.csv", good_rows().as_bytes());
    assert!(c.build(&p, &["--data-only"]).status.success());
    // A version 1 manifest: one bounding box, no layouts.
    let manifest_path = c.out().join("manifest.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    v["format_version"] = 1.into();
    v["bounds"] = v["layouts"][0]["bounds"].clone();
    v.as_object_mut().unwrap().remove("layouts");
    std::fs::write(&manifest_path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    for args in
        [vec!["inspect", c.out().to_str().unwrap()], vec!["neighbors", "--map", c.out().to_str().unwrap(), "i0"]]
    {
        let o = starmap(&args);
        let msg = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {msg}");
        assert!(msg.contains("version 1") && msg.contains("version 2") && msg.contains("rebuild"), "{args:?}: {msg}");
    }
}

#[test]
fn a_single_file_is_the_folder_packed_and_broken_folders_are_refused() {
    let c = Case::new();
    let (plays, artists) = (example("plays.csv"), example("artists.csv"));
    let out = c.out();
    let single = c.dir.path().join("map.html");
    let o = starmap(&[
        "build",
        "--interactions",
        &plays,
        "--entity-col",
        "artist",
        "--context-col",
        "listener",
        "--metadata",
        &artists,
        "--id-col",
        "artist",
        "--out",
        out.to_str().unwrap(),
        "--single-file",
        single.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let built = std::fs::read_to_string(&single).unwrap();
    // Every file of the folder is inside, base64 in its own element.
    for name in ["manifest.json", "points.bin", "labels.bin", "metadata.bin", "neighbors.bin"] {
        assert!(built.contains(&format!("data-starmap-file=\"{name}\"")), "{name}");
    }
    assert!(built.contains("data:application/wasm;base64,"));
    // Packing the folder afterwards gives the same bytes.
    let packed = c.dir.path().join("packed.html");
    let o = starmap(&["pack", out.to_str().unwrap(), "--out", packed.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&packed).unwrap(), built);
    // A truncated file is refused with exit 2, and nothing is written.
    let points = out.join("points.bin");
    let bytes = std::fs::read(&points).unwrap();
    std::fs::write(&points, &bytes[..bytes.len() / 2]).unwrap();
    let broken = c.dir.path().join("broken.html");
    let o = starmap(&["pack", out.to_str().unwrap(), "--out", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("points.bin"), "{}", text(&o));
    assert!(!broken.exists());
}
