//! What a build counted along the way, typed. The manifest records it as `build.counts`, one
//! whole number per key; the summary and `starmap inspect` read it back through
//! [`BuildCounts::from_manifest`] rather than by string keys.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Counts of the ingest, graph and metadata stages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildCounts {
    /// Data rows of the interactions file.
    pub interactions_read: u64,
    /// Rows skipped because their entity or context id was empty.
    #[serde(default)]
    pub rows_with_empty_id: u64,
    /// Rows repeating an earlier (context, entity) pair; their weights were added.
    pub repeated_pairs_merged: u64,
    /// Distinct entities in the file.
    pub entities_seen: u64,
    /// Distinct contexts in the file.
    pub contexts_seen: u64,
    /// Entities dropped by `--min-contexts`.
    pub entities_below_min_contexts: u64,
    /// Contexts sampled down to `--max-context-size`.
    pub contexts_capped: u64,
    /// Kept entities sharing no context with another kept entity: left off the map.
    pub entities_isolated: u64,
    /// Entities on the map.
    pub entities_placed: u64,
    /// Contexts holding at least one kept entity.
    pub contexts: u64,
    /// Edges of the relationship graph.
    pub graph_edges: u64,
    /// Metadata counts, when the build had metadata.
    #[serde(flatten)]
    pub metadata: Option<MetadataCounts>,
}

/// Counts of the metadata join.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataCounts {
    /// Data rows of the metadata file.
    pub metadata_rows: u64,
    /// Rows whose id is not on the map (ignored).
    pub metadata_ids_not_placed: u64,
    /// Rows repeating an earlier row's id (ignored: the first row wins).
    pub metadata_duplicate_ids: u64,
    /// Entities on the map without a metadata row.
    pub entities_without_metadata: u64,
}

impl BuildCounts {
    /// The counts as the manifest records them.
    pub fn to_manifest(&self) -> BTreeMap<String, u64> {
        // Every field is a u64 (flattened or not), so this is a map of numbers.
        let json = serde_json::to_value(self).unwrap_or_default();
        json.as_object()
            .map(|o| o.iter().filter_map(|(k, v)| Some((k.clone(), v.as_u64()?))).collect())
            .unwrap_or_default()
    }

    /// Reads back what [`BuildCounts::to_manifest`] wrote (earlier versions wrote the same keys).
    pub fn from_manifest(counts: &BTreeMap<String, u64>) -> Result<Self, String> {
        let object: serde_json::Map<String, serde_json::Value> =
            counts.iter().map(|(k, v)| (k.clone(), (*v).into())).collect();
        serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| format!("the recorded counts: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_round_trip_with_and_without_metadata() {
        let mut c = BuildCounts { interactions_read: 12, entities_placed: 5, ..BuildCounts::default() };
        let m = c.to_manifest();
        assert_eq!((m["interactions_read"], m.len()), (12, 11));
        assert_eq!(BuildCounts::from_manifest(&m).unwrap(), c);
        c.metadata = Some(MetadataCounts { metadata_rows: 7, ..MetadataCounts::default() });
        let m = c.to_manifest();
        assert_eq!((m["metadata_rows"], m.len()), (7, 15));
        assert_eq!(BuildCounts::from_manifest(&m).unwrap(), c);
        let mut missing = m.clone();
        missing.remove("graph_edges");
        assert!(BuildCounts::from_manifest(&missing).unwrap_err().contains("graph_edges"));
    }
}
