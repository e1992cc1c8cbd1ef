//! Target `map_decoder`: the map reader (`starmap_format::read`) on hostile files. The first
//! input byte picks which file of a valid map the rest replaces — the manifest JSON or one of
//! the six binary files — and whether the manifest is told the new size (so the container
//! and section checks run, not only the size check). A decoded map is then walked entirely,
//! as the viewer and `starmap inspect` would.

use std::sync::OnceLock;

use starmap_format::read::{self, Map, ReadError};
use starmap_format::testing::sample;
use starmap_format::{
    EncodedMap, FILE_CLUSTERS, FILE_LABELS, FILE_LAYOUTS, FILE_METADATA, FILE_NEIGHBORS, FILE_POINTS,
};

const BINARY_FILES: [&str; 6] = [FILE_POINTS, FILE_LABELS, FILE_METADATA, FILE_NEIGHBORS, FILE_LAYOUTS, FILE_CLUSTERS];

/// The valid map every input starts from (built once).
pub fn base() -> &'static EncodedMap {
    static BASE: OnceLock<EncodedMap> = OnceLock::new();
    BASE.get_or_init(sample)
}

/// One valid input per file of the base map: the seeds.
pub fn seeds() -> Vec<Vec<u8>> {
    let map = base();
    let mut out = Vec::new();
    // The manifest as `starmap build` writes it.
    let json = serde_json::to_vec_pretty(&map.manifest).unwrap_or_default();
    out.push([&[0u8][..], &json].concat());
    for (k, name) in BINARY_FILES.iter().enumerate() {
        let bytes = &map.files.iter().find(|(n, _)| n == name).map(|f| f.1.clone()).unwrap_or_default();
        out.push([&[(k as u8 + 1) | 0x80][..], bytes].concat());
    }
    out
}

/// Touches every decoded value, so an inconsistency the checks let through shows as a panic.
fn walk(map: &Map) -> usize {
    let n = map.len();
    let mut total = 0usize;
    for i in 0..n {
        total += map.labels.name(i).len() + map.labels.ids.get(i).len();
        let w = map.points.world(&map.manifest, i);
        total += (w[0].is_finite() && w[1].is_finite()) as usize;
        for c in &map.columns {
            total += c.codes_of(i).len();
            if let read::Column::Text(t) = c {
                total += t.get(i).len();
            }
        }
        if let Some(nb) = &map.neighbors {
            total += nb.of(i).count();
        }
        total += map.labels.popularity[i] as usize % 7 + map.points.sizes[i] as usize;
        for l in 0..map.manifest.layouts.len() {
            let p = map.position(l, i);
            total += (p[0].is_finite() && p[1].is_finite()) as usize;
        }
        for change in &map.layouts.change {
            total += change[i] as usize;
        }
        if let (Some(c), Some(info)) = (&map.clusters, &map.manifest.clusters) {
            for (l, level) in info.levels.iter().enumerate() {
                let cluster = &level.clusters[c.of(l, i) as usize];
                total +=
                    cluster.name.len() + cluster.top.iter().map(|&e| map.labels.name(e as usize).len()).sum::<usize>();
                if let Some(p) = cluster.parent {
                    total += info.levels[l - 1].clusters[p as usize].size as usize;
                }
            }
        }
    }
    total
}

/// Runs one input. Errors are fine; a panic, a hang or unbounded memory is a finding.
pub fn run(data: &[u8]) {
    let Some((&head, body)) = data.split_first() else { return };
    let base = base();
    let which = (head & 0x7f) % (BINARY_FILES.len() as u8 + 1);
    let tell_size = head & 0x80 != 0;
    let mut replaced: Option<(&str, &[u8])> = None;
    let mut manifest = base.manifest.clone();
    if which == 0 {
        manifest = match read::parse_manifest(body) {
            Ok(m) => m,
            Err(_) => return,
        };
    } else {
        let name = BINARY_FILES[which as usize - 1];
        replaced = Some((name, body));
        if tell_size {
            if let Some(f) = manifest.files.iter_mut().find(|f| f.name == name) {
                f.bytes = body.len() as u64;
            }
        }
    }
    let decoded = Map::decode(manifest, |name| match replaced {
        Some((r, bytes)) if r == name => Ok(bytes.to_vec()),
        _ => base
            .files
            .iter()
            .find(|(n, _)| n == name)
            .map(|f| f.1.clone())
            .ok_or_else(|| ReadError::Manifest(name.into())),
    });
    if let Ok(map) = decoded {
        std::hint::black_box(walk(&map));
    }
}
