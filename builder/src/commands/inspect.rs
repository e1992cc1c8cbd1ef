//! `starmap inspect`: decodes and checks every file of a map, describes what it holds, and
//! prints the `starmap build` command line that rebuilds it byte for byte, from the parameters
//! the manifest records (read back typed).

use std::path::Path;

use starmap_core::counts::BuildCounts;
use starmap_core::BuildParams;
use starmap_format::{ColumnKind, Manifest, ParamValue};

use super::maps::load_map;
use super::shell::{quote_path, shell_quote, starmap_command, NOT_ON_PATH};
use super::summary;
use crate::cli::InspectArgs;
use starmap_core::Result;

/// Runs `starmap inspect`.
pub fn run(args: &InspectArgs) -> Result<()> {
    let map = load_map(&args.dir)?;
    let m = &map.manifest;
    println!(
        "{} — Starmap map, format version {}",
        if m.title.is_empty() { "(untitled)" } else { &m.title },
        m.format_version
    );
    if !m.description.is_empty() {
        println!("{}", m.description);
    }
    let labels = match &m.label_column {
        Some(c) => format!("the {c} column"),
        None => "the ids".to_string(),
    };
    println!(
        "{} entities, {} neighbours each; ids: the {} column; labels: {labels}",
        m.entity_count, m.neighbors_k, m.id_column
    );
    println!("popularity {}..{} contexts", m.popularity_range[0], m.popularity_range[1]);
    println!("layouts (the first is drawn first):");
    let width = m.layouts.iter().map(|l| l.name.chars().count()).max().unwrap_or(0);
    for l in &m.layouts {
        let b = &l.bounds;
        println!(
            "  {:<width$}  x {:.3}..{:.3}, y {:.3}..{:.3}  ({})",
            l.name, b.min_x, b.max_x, b.min_y, b.max_y, l.spec
        );
    }
    println!("columns:");
    for c in &m.columns {
        let detail = match c.kind {
            ColumnKind::Numeric => match (c.min, c.max) {
                (Some(lo), Some(hi)) => format!("{lo}..{hi}"),
                _ => "no values".to_string(),
            },
            ColumnKind::Categorical | ColumnKind::Tags => {
                let top: Vec<String> =
                    c.categories.iter().take(5).map(|x| format!("{} ({})", x.value, x.count)).collect();
                let more = if c.categories.len() > 5 { ", …" } else { "" };
                format!("{} values: {}{more}", c.categories.len(), top.join(", "))
            }
            ColumnKind::Text => String::new(),
        };
        println!("  {:<20} {:<12} {} missing  {detail}", c.name, kind_name(c.kind), c.missing);
    }
    match summary::clusters(m) {
        Some(text) => print!("{text}"),
        None => println!("clusters: none"),
    }
    println!("files (all sections decoded and checked):");
    for f in &m.files {
        println!("  {:<14} {:>10} bytes", f.name, f.bytes);
    }
    let bi = &m.build;
    println!("built by starmap {} with seed {}", bi.builder_version, bi.seed);
    match BuildCounts::from_manifest(&bi.counts) {
        Ok(counts) => {
            for line in summary::counts(&counts, m.columns.len()).lines() {
                println!("  {line}");
            }
            println!("  graph: {} edges", counts.graph_edges);
        }
        Err(why) => println!("  counts ({why}): {}", plain(bi.counts.iter())),
    }
    println!("  {}", summary::timings(&bi.timings_secs, None));
    println!("  peak memory: {}", summary::human_bytes(bi.peak_memory_bytes));
    for line in summary::layouts(m).lines() {
        println!("  {line}");
    }
    if let Some(line) = summary::neighborhood_change(m, &map.layouts.change) {
        println!("  {line}");
    }
    match BuildParams::from_manifest(&bi.params) {
        Ok(params) => {
            let (starmap, on_path) = starmap_command();
            println!("rebuild it (input paths as the build was given them, from the folder it ran in):");
            println!("  {starmap} build {}", rebuild_flags(&params, m, &args.dir));
            if !on_path {
                println!("  {NOT_ON_PATH}");
            }
        }
        Err(why) => {
            println!("parameters: {}", plain(bi.params.iter()));
            println!("no rebuild command: {why}");
        }
    }
    Ok(())
}

fn kind_name(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Numeric => "numeric",
        ColumnKind::Categorical => "categorical",
        ColumnKind::Tags => "tags",
        ColumnKind::Text => "text",
    }
}

/// `key=value, …` for what could not be read typed.
fn plain<K: std::fmt::Display, V: std::fmt::Display>(items: impl Iterator<Item = (K, V)>) -> String {
    items.map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
}

/// The key of `build.params` recording the `--layout` specs, one text.
const LAYOUT_KEY: &str = "layout";

/// The flags that give `params`, then the title and description `m` holds, then `--out`.
fn rebuild_flags(params: &BuildParams, m: &Manifest, out: &Path) -> String {
    // The inputs first, in the order the README lists them; the rest by name.
    const FIRST: [&str; 8] =
        ["interactions", "graph", "entity-col", "context-col", "weight-col", "metadata", "id-col", "label-col"];
    let recorded = params.to_manifest().unwrap_or_default();
    let mut keys: Vec<&String> = recorded.keys().collect();
    keys.sort_by_key(|k| (FIRST.iter().position(|f| f == k).unwrap_or(FIRST.len()), k.as_str()));
    let mut words = Vec::new();
    for key in keys {
        if key == LAYOUT_KEY {
            // One flag a layout, as typed.
            words.extend(params.layouts.iter().map(|l| format!("--layout {}", shell_quote(&l.to_string()))));
            continue;
        }
        match &recorded[key] {
            ParamValue::Bool(true) => words.push(format!("--{key}")),
            ParamValue::Bool(false) => {}
            value => words.push(format!("--{key} {}", shell_quote(&value.to_string()))),
        }
    }
    words.push(format!("--title {}", shell_quote(&m.title)));
    if !m.description.is_empty() {
        words.push(format!("--description {}", shell_quote(&m.description)));
    }
    words.push(format!("--out {}", quote_path(out)));
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;
    use starmap_core::InputParams;

    /// Splits what [`shell_quote`] writes: bare words, single-quoted ones, `\'` between them.
    fn shell_words(line: &str) -> Vec<String> {
        let (mut words, mut word, mut quoted, mut started) = (Vec::new(), String::new(), false, false);
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\'' => {
                    quoted = !quoted;
                    started = true;
                }
                '\\' if !quoted => word.extend(chars.next()),
                ' ' if !quoted => {
                    if started || !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                    started = false;
                }
                c => word.push(c),
            }
        }
        if started || !word.is_empty() {
            words.push(word);
        }
        words
    }

    #[test]
    fn the_rebuild_command_parses_back_to_the_same_parameters() {
        let mut input = InputParams::new("my data/plays.csv", "artist", "listener");
        input.metadata = Some("artists.csv".into());
        input.label_col = Some("name".into());
        input.delimiter = Some(";".parse().unwrap());
        let mut params = BuildParams::new(input);
        params.layouts =
            ["tsne", "umap:min-dist=0.1,name=close", "umap:neighbors=5"].iter().map(|s| s.parse().unwrap()).collect();
        params.quality_label = Some("kind".into());
        params.umap.min_dist = 0.3;
        params.tsne.perplexity = 12.5;
        params.data_only = true;
        params.no_clusters = true;
        let m: Manifest = serde_json::from_value(serde_json::json!({
            "format": "starmap", "format_version": 2, "title": "It's ours", "description": "",
            "entity_count": 0, "layouts": [], "popularity_range": [0, 0], "neighbors_k": 0,
            "id_column": "artist", "label_column": null, "columns": [], "files": [],
            "build": {"builder_version": "0", "seed": 0, "params": {}, "counts": {}, "timings_secs": {}}
        }))
        .unwrap();
        let line = format!("starmap build {}", rebuild_flags(&params, &m, Path::new("out dir")));
        assert!(line.starts_with("starmap build --interactions 'my data/plays.csv' --entity-col artist"), "{line}");
        assert!(line.contains("--data-only") && line.contains("--title 'It'\\''s ours'"), "{line}");
        assert!(line.contains(" --no-clusters "), "{line}");
        assert!(
            line.contains("--layout tsne --layout umap:min-dist=0.1,name=close --layout umap:neighbors=5 "),
            "{line}"
        );
        let Command::Build(args) = Cli::try_parse_from(shell_words(&line)).unwrap().command else { panic!("{line}") };
        assert_eq!(args.params(), params);
        assert_eq!((args.title.as_deref(), args.out.to_str()), (Some("It's ours"), Some("out dir")));
    }
}
