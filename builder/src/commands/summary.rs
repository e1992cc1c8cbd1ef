//! The lines a build closes with. `starmap build` prints them from the build itself;
//! `starmap inspect` prints the same counts and quality lines from the manifest, read back typed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use starmap_core::counts::BuildCounts;
use starmap_core::metadata::LabelChoice;
use starmap_core::pipeline::{Built, Written};
use starmap_core::quality::TRUSTWORTHINESS_MIN_ENTITIES;
use starmap_format::Quality;

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
    let mut s = format!(
        "{} interactions, {} entities ({} below --min-contexts, {} sharing no context) -> {} placed, {} contexts\n",
        c.interactions_read,
        c.entities_seen,
        c.entities_below_min_contexts,
        c.entities_isolated,
        c.entities_placed,
        c.contexts
    );
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

/// kNN recall, and trustworthiness where the map is large enough to measure it.
pub fn quality(q: &Quality, entities: u64) -> String {
    let trust = if q.sample_size > 0 {
        format!("trustworthiness {:.3} (sample of {})", q.trustworthiness, q.sample_size)
    } else {
        format!("trustworthiness not measured ({entities} entities; it needs at least {TRUSTWORTHINESS_MIN_ENTITIES})")
    };
    format!(
        "quality: kNN recall@10 {:.3} (random layout {:.4}), {trust}",
        q.knn_recall_at_10, q.knn_recall_at_10_random
    )
}

/// Seconds per stage and their total.
pub fn timings(stages: &BTreeMap<String, f64>, write_secs: Option<f64>) -> String {
    let mut parts: Vec<String> = stages.iter().map(|(name, secs)| format!("{name} {secs:.2}s")).collect();
    if let Some(w) = write_secs {
        parts.push(format!("write {w:.2}s"));
    }
    let total: f64 = stages.values().sum::<f64>() + write_secs.unwrap_or(0.0);
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
    let _ = writeln!(s, "{}", quality(&m.layouts[0].quality, u64::from(m.entity_count)));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unmeasured_figure_is_not_printed_as_one() {
        let q = Quality {
            label_agreement: None,
            knn_recall_at_10: 0.5,
            knn_recall_at_10_random: 0.4,
            trustworthiness: 0.0,
            sample_size: 0,
        };
        let line = quality(&q, 24);
        assert!(line.contains("trustworthiness not measured (24 entities; it needs at least 32)"), "{line}");
        let q = Quality { trustworthiness: 0.98765, sample_size: 1000, ..q };
        assert!(quality(&q, 5000).ends_with("trustworthiness 0.988 (sample of 1000)"));
        assert_eq!(human_bytes(1536), "1.5 KiB");
        let t: BTreeMap<String, f64> = [("mde".to_string(), 1.0), ("knn".to_string(), 0.5)].into();
        assert_eq!(timings(&t, Some(0.25)), "time: 1.75s (knn 0.50s, mde 1.00s, write 0.25s)");
    }
}
