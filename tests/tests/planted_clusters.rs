//! End to end on planted clusters: interactions written to disk, built by the stage library
//! (typed parameters → checked → run → written, the path `starmap build` takes), the map read
//! back with the format crate's one decoder, every 2D layout judged by 10-NN cluster agreement
//! against the planted truth, and the map's own clusters by the adjusted Rand index.

use std::path::Path;

use starmap_core::input::FileSystem;
use starmap_core::knn::knn;
use starmap_core::pipeline::{self, RunOptions};
use starmap_core::progress::NoProgress;
use starmap_core::{BuildParams, InputParams, Params};
use starmap_format::read::{parse_manifest, Column, Map};
use starmap_format::{ReadError, FILE_CLUSTERS, FILE_MANIFEST, FILE_NEIGHBORS, FILE_POINTS};
use starmap_tests::metrics::adjusted_rand_index;
use starmap_tests::planted::{generate, PlantedConfig};

fn build(dir: &Path, tune: impl FnOnce(&mut BuildParams)) -> Map {
    build_with(dir, tune, RunOptions::default(), "map")
}

/// Builds the planted data (written once into `dir`) into `dir/out`, run with `options`, and
/// reads the map back.
fn build_with(dir: &Path, tune: impl FnOnce(&mut BuildParams), options: RunOptions, out: &str) -> Map {
    let inter = dir.join("planted.csv.gz");
    let meta = dir.join("clusters.csv");
    if !inter.is_file() {
        let p = generate(&PlantedConfig { clusters: 12, ..PlantedConfig::sized(2400, 60_000, 11) });
        p.write_csv(&inter).unwrap();
        p.write_metadata(&meta).unwrap();
    }
    let mut input = InputParams::new(&inter, "entity", "context");
    input.metadata = Some(meta);
    let mut params = BuildParams::new(input);
    tune(&mut params);
    let built = pipeline::run_with(&params.validate().unwrap(), &FileSystem, &NoProgress, options).unwrap();
    let out = dir.join(out);
    pipeline::write(&built, &out, &[], None).unwrap();
    let manifest = parse_manifest(&std::fs::read(out.join(FILE_MANIFEST)).unwrap()).unwrap();
    Map::decode(manifest, |name| Ok::<_, ReadError>(std::fs::read(out.join(name)).unwrap())).unwrap()
}

/// Share of each entity's 10 nearest neighbours in layout `l` in its own cluster, and the
/// chance level.
fn cluster_agreement(map: &Map, l: usize) -> (f64, f64) {
    let n = map.len();
    let xy: Vec<f32> = (0..n).flat_map(|i| map.position(l, i).map(|v| v as f32)).collect();
    let col = map.manifest.column_index("cluster").expect("cluster column");
    let Column::Categorical(cluster) = &map.columns[col] else { panic!("cluster is not categorical") };
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
fn clusters_survive_into_2d_in_every_layout() {
    let dir = tempfile::tempdir().unwrap();
    let map = build(dir.path(), |p| {
        p.layouts = ["umap", "tsne:perplexity=20"].iter().map(|s| s.parse().unwrap()).collect();
        p.quality_label = Some("cluster".into());
    });
    let m = &map.manifest;
    assert!(m.entity_count > 2000, "{}", m.entity_count);
    assert_eq!(m.layouts.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["umap", "tsne_perplexity20"]);
    for (l, layout) in m.layouts.iter().enumerate() {
        let (agree, chance) = cluster_agreement(&map, l);
        eprintln!("{}: 10-NN cluster agreement {agree:.3} (chance {chance:.3})", layout.name);
        assert!(agree > 0.7 && agree > 6.0 * chance, "{}: agreement {agree:.3}, chance {chance:.3}", layout.name);
        let q = &layout.quality;
        assert!(q.knn_recall_at_10 > 10.0 * q.knn_recall_at_10_random, "{}: {q:?}", layout.name);
        assert!(q.trustworthiness > 0.8 && q.sample_size == 1000, "{}: {q:?}", layout.name);
        // The builder's label agreement (majority of the 10 nearest) follows the share above.
        assert!(q.label_agreement.is_some_and(|a| a > 0.8), "{}: {q:?}", layout.name);
    }
    assert_eq!(m.build.quality_label.as_deref(), Some("cluster"));
    // The two layouts keep different neighbours, but not entirely different ones.
    let change = &map.layouts.change[0];
    let mean = change.iter().map(|&c| f64::from(c)).sum::<f64>() / change.len() as f64;
    assert!(mean > 0.5 && mean < 9.5, "mean neighbourhood change {mean}");
}

#[test]
fn the_default_layouts_are_structure_then_neighbors() {
    let dir = tempfile::tempdir().unwrap();
    let map = build(dir.path(), |p| {
        p.mde.dim = 3;
        p.umap.neighbors = 10;
    });
    let m = &map.manifest;
    let layouts: Vec<(&str, &str)> = m.layouts.iter().map(|l| (l.name.as_str(), l.spec.as_str())).collect();
    assert_eq!(layouts, [("structure", "tsne:exaggeration=1.5"), ("neighbors", "tsne")]);
    assert!(map.labels.ids.iter().all(|id| id.starts_with('e')));
    assert_eq!(m.id_column, "entity");
    assert_eq!(m.build.params["dim"].to_string(), "3");
    assert!(!m.build.params.contains_key("layout"), "the default set is not recorded as given");
    assert_eq!(BuildParams::from_manifest(&m.build.params).unwrap().umap.neighbors, 10);
    assert_eq!(m.layouts[0].quality.label_agreement, None, "no --quality-label");
}

#[test]
fn the_map_clusters_recover_the_planted_ones_and_are_named_after_them() {
    let dir = tempfile::tempdir().unwrap();
    let map = build(dir.path(), |p| {
        p.layouts = vec!["umap:epochs=20".parse().unwrap()];
    });
    let m = &map.manifest;
    let col = m.column_index("cluster").expect("cluster column");
    let Column::Categorical(planted) = &map.columns[col] else { panic!("cluster is not categorical") };
    let truth: Vec<u32> = planted.codes.iter().map(|&c| u32::from(c)).collect();
    let info = m.clusters.as_ref().expect("clusters by default");
    let ids = &map.clusters.as_ref().expect("clusters.bin decoded").levels;
    let counts: Vec<usize> = info.levels.iter().map(|l| l.clusters.len()).collect();
    // The level whose count is nearest the 12 planted clusters.
    let level = (0..counts.len()).min_by_key(|&l| counts[l].abs_diff(planted.categories.len())).unwrap();
    let found: Vec<u32> = ids[level].iter().map(|&c| u32::from(c)).collect();
    let ari = adjusted_rand_index(&found, &truth);
    eprintln!("cluster levels {counts:?}; level {level} against the 12 planted clusters: ARI {ari:.4}");
    assert!(ari >= 0.9, "ARI {ari:.4} at level {level} of {counts:?}");
    assert!(counts.windows(2).all(|w| w[0] < w[1]), "coarse to fine: {counts:?}");
    // A cluster that is mostly one planted cluster is named after it: the planted label is the
    // most over-represented value there is.
    for (c, cluster) in info.levels[level].clusters.iter().enumerate() {
        let mut votes = vec![0usize; planted.categories.len()];
        for (i, &k) in found.iter().enumerate() {
            if k as usize == c {
                votes[truth[i] as usize] += 1;
            }
        }
        let (best, &most) = votes.iter().enumerate().max_by_key(|v| *v.1).unwrap();
        if most * 2 > cluster.size as usize {
            assert_eq!(cluster.name, planted.categories[best], "{cluster:?}");
            assert_eq!(cluster.terms[0].column, "cluster");
        }
    }
}

#[test]
fn the_grouped_node_order_of_large_maps_changes_only_the_layouts_bits() {
    // Large maps order their nodes by rough communities before the embedding; here a small map
    // takes that path. The clusters are the same (they read the graph in entity order); the
    // layouts are as good, and the same bits at any thread count.
    let dir = tempfile::tempdir().unwrap();
    let tune = |p: &mut BuildParams| {
        p.layouts = vec!["umap:epochs=50".parse().unwrap()];
        p.quality_label = Some("cluster".into());
    };
    let grouped = RunOptions { grouped_order_from: 0, ..RunOptions::default() };
    let plain = build_with(dir.path(), tune, RunOptions::default(), "plain");
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    let a = one.install(|| build_with(dir.path(), tune, grouped, "grouped-1"));
    let b = three.install(|| build_with(dir.path(), tune, grouped, "grouped-3"));
    assert_eq!(a.manifest.clusters, plain.manifest.clusters, "the same clusters, names and all");
    assert_eq!(a.clusters.as_ref().unwrap().levels, plain.clusters.as_ref().unwrap().levels);
    let bytes = |out: &str, name: &str| std::fs::read(dir.path().join(out).join(name)).unwrap();
    for name in [FILE_POINTS, FILE_NEIGHBORS, FILE_CLUSTERS] {
        assert_eq!(bytes("grouped-1", name), bytes("grouped-3", name), "{name}: 1 and 3 threads");
    }
    assert_eq!(a.manifest.layouts[0].quality, b.manifest.layouts[0].quality);
    assert_ne!(bytes("grouped-1", FILE_POINTS), bytes("plain", FILE_POINTS), "another node order, another layout");
    let (agree_grouped, _) = cluster_agreement(&a, 0);
    let (agree_plain, chance) = cluster_agreement(&plain, 0);
    eprintln!("10-NN cluster agreement: grouped order {agree_grouped:.3}, breadth-first {agree_plain:.3}");
    assert!(agree_grouped > 0.7 && agree_grouped > 6.0 * chance && agree_grouped > agree_plain - 0.05);
}

#[test]
fn without_clusters_the_map_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let map = build(dir.path(), |p| {
        p.layouts = vec!["umap:epochs=5".parse().unwrap()];
        p.no_clusters = true;
    });
    assert!(map.manifest.clusters.is_none() && map.clusters.is_none());
    assert!(map.manifest.file(FILE_CLUSTERS).is_none());
    assert!(!dir.path().join("map").join(FILE_CLUSTERS).exists());
    assert_eq!(map.manifest.build.params["no-clusters"].to_string(), "true");
}

/// Records which stage each total and advance went to.
#[derive(Default)]
struct Recorded(std::sync::Mutex<Vec<(String, u64, u64)>>);

impl starmap_core::progress::Progress for Recorded {
    fn begin(&self, stage: &str, _unit: starmap_core::progress::Unit, total: u64) {
        self.0.lock().unwrap().push((stage.to_string(), total, 0));
    }
    fn set_total(&self, total: u64) {
        if let Some(last) = self.0.lock().unwrap().last_mut() {
            last.1 = total;
        }
    }
    fn advance(&self, done: u64) {
        if let Some(last) = self.0.lock().unwrap().last_mut() {
            last.2 += done;
        }
    }
}

/// The reading bar counts up to the interactions file's size (opening the metadata once set
/// it to the metadata's), and the metadata bar to the metadata file's.
#[test]
fn progress_totals_are_each_files_own_size() {
    let dir = tempfile::tempdir().unwrap();
    let p = generate(&PlantedConfig { clusters: 4, ..PlantedConfig::sized(300, 6000, 5) });
    let (inter, meta) = (dir.path().join("planted.csv"), dir.path().join("clusters.csv"));
    p.write_csv(&inter).unwrap();
    p.write_metadata(&meta).unwrap();
    let mut input = InputParams::new(&inter, "entity", "context");
    input.metadata = Some(meta.clone());
    let mut params = BuildParams::new(input);
    params.layouts = vec!["umap:epochs=5".parse().unwrap()];
    let recorded = Recorded::default();
    pipeline::run(&params.validate().unwrap(), &FileSystem, &recorded).unwrap();
    let stages = recorded.0.into_inner().unwrap();
    let size = |path: &Path| std::fs::metadata(path).unwrap().len();
    let reading = stages.iter().find(|s| s.0 == "reading").unwrap();
    assert_eq!(reading.1, size(&inter), "{stages:?}");
    let metadata = stages.iter().find(|s| s.0 == "metadata").unwrap();
    assert_eq!(metadata.1, size(&meta), "{stages:?}");
    // The metadata's first 64 KiB are read with its header, before its stage.
    assert!(metadata.2 <= size(&meta), "{stages:?}");
    assert!(reading.2 >= size(&inter) && reading.2 <= size(&inter) + (64 << 10), "{stages:?}");
}
