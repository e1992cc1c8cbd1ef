//! End to end on planted clusters: interactions written to disk, built by the stage library
//! (typed parameters → checked → run → written, the path `starmap build` takes), the map read
//! back with the format crate, and the 2D layout judged by 10-NN cluster agreement against the
//! planted truth.

use std::path::Path;

use starmap_core::input::FileSystem;
use starmap_core::knn::knn;
use starmap_core::pipeline;
use starmap_core::progress::NoProgress;
use starmap_core::Projection;
use starmap_core::{BuildParams, InputParams, Params};
use starmap_format::{
    decode_categorical, decode_positions, decode_text, dequantize, FileReader, Manifest, SectionKind, FILE_LABELS,
    FILE_METADATA, FILE_POINTS,
};
use starmap_tests::planted::{generate, PlantedConfig};

fn build(dir: &Path, tune: impl FnOnce(&mut BuildParams)) -> Manifest {
    let p = generate(&PlantedConfig { clusters: 12, ..PlantedConfig::sized(2400, 60_000, 11) });
    let inter = dir.join("planted.csv.gz");
    let meta = dir.join("clusters.csv");
    p.write_csv(&inter).unwrap();
    p.write_metadata(&meta).unwrap();
    let mut input = InputParams::new(&inter, "entity", "context");
    input.metadata = Some(meta);
    let mut params = BuildParams::new(input);
    tune(&mut params);
    let built = pipeline::run(&params.validate().unwrap(), &FileSystem, &NoProgress).unwrap();
    pipeline::write(&built, &dir.join("map"), &[], None).unwrap().manifest
}

/// Share of each entity's 10 nearest 2D neighbours in its own cluster, and the chance level.
fn cluster_agreement(dir: &Path, m: &Manifest) -> (f64, f64) {
    let n = m.entity_count as usize;
    let points = std::fs::read(dir.join("map").join(FILE_POINTS)).unwrap();
    let points = FileReader::parse(&points, FILE_POINTS).unwrap();
    let q = decode_positions(points.find(SectionKind::Positions, Some(0)).unwrap().bytes, n).unwrap();
    let b = m.bounds();
    let xy: Vec<f32> =
        q.chunks(2).flat_map(|p| [dequantize(p[0], b.min_x, b.max_x), dequantize(p[1], b.min_y, b.max_y)]).collect();
    let col = m.column_index("cluster").expect("cluster column") as u32;
    let meta = std::fs::read(dir.join("map").join(FILE_METADATA)).unwrap();
    let meta = FileReader::parse(&meta, FILE_METADATA).unwrap();
    let cluster = decode_categorical(meta.find(SectionKind::Categorical, Some(col)).unwrap().bytes, n).unwrap();
    let nn = knn(&xy, 2, 10, &NoProgress);
    let same: usize = (0..n)
        .map(|i| nn.indices_of(i).iter().filter(|&&j| cluster.codes[j as usize] == cluster.codes[i]).count())
        .sum();
    let mut sizes = vec![0f64; cluster.categories.len()];
    for &c in &cluster.codes {
        sizes[c as usize] += 1.0;
    }
    let chance = sizes.iter().map(|s| (s / n as f64).powi(2)).sum();
    (same as f64 / (10 * n) as f64, chance)
}

#[test]
fn clusters_survive_into_2d_with_umap() {
    let dir = tempfile::tempdir().unwrap();
    let m = build(dir.path(), |_| {});
    assert!(m.entity_count > 2000, "{}", m.entity_count);
    let (agree, chance) = cluster_agreement(dir.path(), &m);
    eprintln!("UMAP: 10-NN cluster agreement {agree:.3} (chance {chance:.3})");
    assert!(agree > 0.7 && agree > 6.0 * chance, "UMAP 10-NN cluster agreement {agree:.3}, chance {chance:.3}");
    let q = &m.layouts[0].quality;
    assert!(q.knn_recall_at_10 > 10.0 * q.knn_recall_at_10_random);
}

#[test]
fn clusters_survive_into_2d_with_tsne() {
    let dir = tempfile::tempdir().unwrap();
    let m = build(dir.path(), |p| {
        p.projection = Projection::Tsne;
        p.tsne.perplexity = 20.0;
    });
    let (agree, chance) = cluster_agreement(dir.path(), &m);
    eprintln!("t-SNE: 10-NN cluster agreement {agree:.3} (chance {chance:.3})");
    assert!(agree > 0.7 && agree > 6.0 * chance, "t-SNE 10-NN cluster agreement {agree:.3}, chance {chance:.3}");
}

#[test]
fn ids_and_labels_round_trip_through_the_map() {
    let dir = tempfile::tempdir().unwrap();
    let m = build(dir.path(), |p| {
        p.mde.dim = 3;
        p.umap.neighbors = 10;
    });
    let labels = std::fs::read(dir.path().join("map").join(FILE_LABELS)).unwrap();
    let labels = FileReader::parse(&labels, FILE_LABELS).unwrap();
    let ids = decode_text(labels.find(SectionKind::Ids, None).unwrap().bytes, m.entity_count as usize).unwrap();
    assert!(ids.iter().all(|id| id.starts_with('e')));
    assert_eq!(m.id_column, "entity");
    assert_eq!(m.build.params["dim"].to_string(), "3");
    assert_eq!(BuildParams::from_manifest(&m.build.params).unwrap().umap.neighbors, 10);
}
