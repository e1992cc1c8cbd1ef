//! The lines a build closes with. `starmap build` prints them from the build itself;
//! `starmap inspect` prints the same counts, layout and quality lines from the manifest, read
//! back typed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use starmap_core::cluster::MIN_ENTITIES as CLUSTER_MIN_ENTITIES;
use starmap_core::counts::BuildCounts;
use starmap_core::metadata::LabelChoice;
use starmap_core::pipeline::{is_alongside_timing, Built, Written, CLUSTERS_TIMING, LAYOUT_TIMING};
use starmap_core::quality::TRUSTWORTHINESS_MIN_ENTITIES;
use starmap_format::{pair_layouts, LayoutInfo, Manifest, NEIGHBORHOOD_K};

/// 1536 → "1.5 KiB".
pub fn human_bytes(b: u64) -> String {
    match b {
        b if b >= 1 << 30 => format!("{:.2} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

/// What was read, dropped and placed; the metadata join when there was metadata.
pub fn counts(c: &BuildCounts, columns: usize) -> String {
    // A build from a graph (--graph) reads no interactions: ingest ran elsewhere.
    let mut s = if c.interactions_read == 0 {
        format!(
            "{} entities in the graph ({} without edges) -> {} placed\n",
            c.entities_seen, c.entities_isolated, c.entities_placed
        )
    } else {
        format!(
            "{} interactions, {} entities ({} below --min-contexts, {} sharing no context) -> {} placed, {} contexts\n",
            c.interactions_read,
            c.entities_seen,
            c.entities_below_min_contexts,
            c.entities_isolated,
            c.entities_placed,
            c.contexts
        )
    };
    if let Some(m) = &c.metadata {
        let _ = writeln!(
            s,
            "metadata: {} rows, {columns} columns; {} ids not on the map (ignored), {} entities without metadata",
            m.metadata_rows, m.metadata_ids_not_placed, m.entities_without_metadata
        );
    }
    s
}

/// Which column names the entities, and why.
pub fn labels(label: &LabelChoice, id_column: &str) -> String {
    match label {
        LabelChoice::Given(c) => format!("labels: the {c} column (--label-col)"),
        LabelChoice::Ids => {
            format!("labels: the ids ({id_column}), which read as names; --label-col NAME shows a metadata column instead")
        }
        LabelChoice::FirstText(c) => format!(
            "labels: the {c} column, the first text column (the ids look like codes); --label-col NAME to choose another"
        ),
        LabelChoice::IdsNoText => {
            format!("labels: the ids ({id_column}): they look like codes, but no metadata column is text")
        }
    }
}

/// Each layout's quality and time: a line saying what the figures are, then one line per layout
/// (name, spec, kNN recall@10, trustworthiness where the map is large enough to measure it, label
/// agreement with `--quality-label`, seconds).
pub fn layouts(m: &Manifest) -> String {
    let Some(first) = m.layouts.first() else { return String::new() };
    let q = &first.quality;
    let mut figures = vec![format!("kNN recall@10 (random layout {:.4})", q.knn_recall_at_10_random)];
    figures.push(if q.sample_size > 0 {
        format!("trustworthiness (sample of {})", q.sample_size)
    } else {
        format!(
            "trustworthiness not measured ({} entities; it needs at least {TRUSTWORTHINESS_MIN_ENTITIES})",
            m.entity_count
        )
    });
    if let Some(label) = &m.build.quality_label {
        figures.push(format!("{label} agreement among the 10 nearest"));
    }
    figures.push("own time".into());
    let mut s = format!("layouts (the first is drawn first): {}\n", figures.join(", "));
    let width = |f: fn(&LayoutInfo) -> &str| m.layouts.iter().map(|l| f(l).chars().count()).max().unwrap_or(0);
    let (name_width, spec_width) = (width(|l| &l.name), width(|l| &l.spec));
    for l in &m.layouts {
        let q = &l.quality;
        let mut line = format!("  {:<name_width$}  {:<spec_width$}  recall {:.3}", l.name, l.spec, q.knn_recall_at_10);
        if q.sample_size > 0 {
            let _ = write!(line, "  trust {:.3}", q.trustworthiness);
        }
        if let (Some(label), Some(a)) = (&m.build.quality_label, q.label_agreement) {
            let _ = write!(line, "  {label} {a:.3}");
        }
        if let Some(secs) = m.build.timings_secs.get(&format!("{LAYOUT_TIMING}{}", l.name)) {
            let _ = write!(line, "  {secs:.2}s");
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

/// Per pair of layouts, how many of an entity's 10 nearest 2D neighbours differ on average;
/// `None` with one layout.
pub fn neighborhood_change(m: &Manifest, change: &[Vec<u8>]) -> Option<String> {
    let k = m.layouts.len();
    let pairs: Vec<String> = change
        .iter()
        .enumerate()
        .map(|(p, c)| {
            let (a, b) = pair_layouts(p, k);
            let mean = c.iter().map(|&v| f64::from(v)).sum::<f64>() / c.len().max(1) as f64;
            format!("{}/{} {mean:.1}", m.layouts[a].name, m.layouts[b].name)
        })
        .collect();
    (!pairs.is_empty()).then(|| {
        format!(
            "neighbourhood change (of each entity's {NEIGHBORHOOD_K} nearest, how many differ, on average): {}",
            pairs.join(", ")
        )
    })
}

/// Most clusters of the coarsest level a summary lists.
pub const LISTED_CLUSTERS: usize = 40;

/// The cluster levels (their counts, coarse to fine), then the coarsest level's clusters, largest
/// first (all of them up to [`LISTED_CLUSTERS`]): name and size. `None` without clusters.
pub fn clusters(m: &Manifest) -> Option<String> {
    let levels = &m.clusters.as_ref()?.levels;
    let counts: Vec<String> = levels.iter().map(|l| l.clusters.len().to_string()).collect();
    let top = &levels.first()?.clusters;
    let mut s = format!(
        "clusters: {} level{} of {} (coarse to fine); the coarsest, largest first:\n",
        levels.len(),
        if levels.len() == 1 { "" } else { "s" },
        counts.join(", ")
    );
    let width = top.iter().take(LISTED_CLUSTERS).map(|c| c.name.chars().count()).max().unwrap_or(0);
    for c in top.iter().take(LISTED_CLUSTERS) {
        let _ = writeln!(s, "  {:<width$}  {:>6}", c.name, c.size);
    }
    if top.len() > LISTED_CLUSTERS {
        let rest = &top[LISTED_CLUSTERS..];
        let entities: u64 = rest.iter().map(|c| u64::from(c.size)).sum();
        let _ = writeln!(s, "  … and {} more, {entities} entities together", rest.len());
    }
    Some(s)
}

/// Why a build without `--no-clusters` has none.
fn no_clusters(entities: u64) -> String {
    if entities < CLUSTER_MIN_ENTITIES as u64 {
        format!("clusters: none ({entities} entities; clusters are made from {CLUSTER_MIN_ENTITIES} on)")
    } else {
        "clusters: none (the relationship graph forms a single community)".to_string()
    }
}

/// Seconds per stage and their total. Each layout's own time is on its line instead: layouts run
/// alongside each other within the `layouts` stage.
pub fn timings(stages: &BTreeMap<String, f64>, write_secs: Option<f64>) -> String {
    let clusters = stages.get(CLUSTERS_TIMING);
    let stages: Vec<(&String, f64)> =
        stages.iter().filter(|(name, _)| !is_alongside_timing(name)).map(|(n, &s)| (n, s)).collect();
    let mut parts: Vec<String> = stages
        .iter()
        .map(|(name, secs)| match clusters {
            Some(c) if name.as_str() == "mde" => format!("{name} {secs:.2}s with clusters {c:.2}s alongside"),
            _ => format!("{name} {secs:.2}s"),
        })
        .collect();
    if let Some(w) = write_secs {
        parts.push(format!("write {w:.2}s"));
    }
    let total: f64 = stages.iter().map(|(_, secs)| secs).sum::<f64>() + write_secs.unwrap_or(0.0);
    format!("time: {total:.2}s ({})", parts.join(", "))
}

/// The closing summary of `starmap build`.
pub fn build(built: &Built, written: &Written) -> String {
    let m = &written.manifest;
    let b = &m.build;
    let mut s = String::from("\n");
    s.push_str(&counts(&built.counts, m.columns.len()));
    if let Some(label) = &built.label {
        let _ = writeln!(s, "{}", labels(label, &m.id_column));
    }
    let mde = &built.mde;
    let _ = writeln!(
        s,
        "graph: {} edges; embedding: {} iterations{}, distortion {:.4}",
        built.counts.graph_edges,
        mde.iterations,
        if mde.converged { " (converged)" } else { "" },
        mde.distortion
    );
    let _ = writeln!(s, "{}", timings(&b.timings_secs, Some(written.write_secs)));
    let _ = writeln!(s, "peak memory: {}", human_bytes(b.peak_memory_bytes));
    s.push_str(&layouts(m));
    if let Some(line) = neighborhood_change(m, &built.content.neighborhood_change) {
        let _ = writeln!(s, "{line}");
    }
    match clusters(m) {
        Some(text) => s.push_str(&text),
        None if !m.build.params.contains_key("no-clusters") => {
            let _ = writeln!(s, "{}", no_clusters(u64::from(m.entity_count)));
        }
        None => {}
    }
    for left_out in &built.left_out {
        let _ = writeln!(s, "note: {left_out}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layout_has_a_line_and_an_unmeasured_figure_is_not_printed_as_one() {
        use starmap_format::testing::sample;
        let mut m = sample().manifest;
        m.entity_count = 24;
        let text = layouts(&m);
        assert!(text.contains("trustworthiness not measured (24 entities; it needs at least 32)"), "{text}");
        assert!(!text.contains("trust "), "{text}");
        for l in &mut m.layouts {
            l.quality.sample_size = 1000;
            l.quality.trustworthiness = 0.98765;
            l.quality.label_agreement = Some(0.25);
        }
        m.build.quality_label = Some("genre".into());
        m.build.timings_secs.insert(format!("{LAYOUT_TIMING}{}", m.layouts[1].name), 1.5);
        let text = layouts(&m);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + m.layouts.len(), "{text}");
        assert!(lines[0].contains("trustworthiness (sample of 1000), genre agreement among the 10 nearest"), "{text}");
        assert!(lines[2].ends_with("trust 0.988  genre 0.250  1.50s"), "{text}");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        let t: BTreeMap<String, f64> =
            [("mde".to_string(), 1.0), ("knn".to_string(), 0.5), (format!("{LAYOUT_TIMING}umap"), 0.4)].into();
        assert_eq!(timings(&t, Some(0.25)), "time: 1.75s (knn 0.50s, mde 1.00s, write 0.25s)");
        let mut t = t;
        t.insert(CLUSTERS_TIMING.to_string(), 0.3);
        assert_eq!(timings(&t, None), "time: 1.50s (knn 0.50s, mde 1.00s with clusters 0.30s alongside)");
        let change = neighborhood_change(&m, &[vec![0, 10, 5, 1]]).unwrap();
        assert!(change.ends_with(&format!("{}/{} 4.0", m.layouts[0].name, m.layouts[1].name)), "{change}");
    }

    #[test]
    fn the_coarsest_clusters_are_listed_with_their_sizes() {
        use starmap_format::testing::sample;
        let mut m = sample().manifest;
        let text = clusters(&m).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "clusters: 2 levels of 2, 3 (coarse to fine); the coarsest, largest first:");
        assert_eq!(lines[1..], ["  y           3", "  Délta       1"]);
        // Past 40, the rest are counted.
        let level = &mut m.clusters.as_mut().unwrap().levels[0];
        let one = level.clusters[1].clone();
        level.clusters.extend(std::iter::repeat_n(one, 41));
        let text = clusters(&m).unwrap();
        assert_eq!(text.lines().count(), 1 + LISTED_CLUSTERS + 1, "{text}");
        assert!(text.ends_with("  … and 3 more, 3 entities together\n"), "{text}");
        m.clusters = None;
        assert!(clusters(&m).is_none());
        assert!(no_clusters(12).contains("12 entities"));
    }
}
