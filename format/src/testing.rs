//! A small map with every column kind, for the tests of every crate that reads maps (enable the
//! `testing` feature as a dev-dependency).

use crate::{
    encode_map, BuildInfo, Categorical, ClusterInfo, ClusterLevelContent, ClusterTerm, ColumnData, ColumnValues,
    EncodedMap, LayoutContent, MapContent, Quality, Tags, TextColumn,
};

fn cluster(name: &str, size: u32, parent: Option<u32>, top: &[u32]) -> ClusterInfo {
    ClusterInfo { name: name.into(), subtitle: name.into(), size, parent, terms: Vec::new(), top: top.to_vec() }
}

/// Four entities with a text label, a categorical, a numeric and a tags column, neighbours,
/// two layouts (`umap`, drawn first, and `tsne`) and two cluster levels: {a, b, c}, {d}, then
/// {a, b}, {c}, {d}.
pub fn sample() -> EncodedMap {
    encode_map(&MapContent {
        ids: vec!["a".into(), "b".into(), "c".into(), "d".into()],
        id_column: "id".into(),
        layouts: vec![
            LayoutContent {
                name: "umap".into(),
                spec: "umap".into(),
                positions: vec![[0.0, 0.0], [1.0, 2.0], [-1.0, 0.5], [0.5, 0.5]],
                quality: Quality { knn_recall_at_10: 0.4, trustworthiness: 0.9, ..Quality::default() },
            },
            LayoutContent {
                name: "tsne".into(),
                spec: "tsne:perplexity=30".into(),
                positions: vec![[10.0, -10.0], [-10.0, 10.0], [0.0, 0.0], [10.0, 10.0]],
                quality: Quality { knn_recall_at_10: 0.6, trustworthiness: 0.8, ..Quality::default() },
            },
        ],
        neighborhood_change: vec![vec![0, 3, 10, 1]],
        popularity: vec![3, 1, 2, 100],
        neighbors_k: 2,
        neighbors: vec![1, 2, 0, 2, 0, 1, 0, u32::MAX],
        columns: vec![
            ColumnData {
                name: "title".into(),
                values: ColumnValues::Text(TextColumn::from_values(&["Alpha", "Beta", "", "Délta"])),
            },
            ColumnData {
                name: "kind".into(),
                values: ColumnValues::Categorical(Categorical {
                    categories: vec!["x".into(), "y".into()],
                    codes: vec![0, 1, 1, u16::MAX],
                }),
            },
            ColumnData { name: "year".into(), values: ColumnValues::Numeric(vec![1999.0, f32::NAN, 2001.0, 2010.0]) },
            ColumnData {
                name: "genre".into(),
                values: ColumnValues::Tags(Tags {
                    categories: vec!["Drama".into(), "Comedy".into()],
                    offsets: vec![0, 2, 3, 3, 4],
                    codes: vec![0, 1, 1, 0],
                }),
            },
        ],
        label_column: Some(0),
        title: "Sample".into(),
        description: String::new(),
        build: BuildInfo::default(),
        clusters: vec![
            ClusterLevelContent {
                ids: vec![0, 0, 0, 1],
                clusters: vec![
                    ClusterInfo {
                        terms: vec![ClusterTerm { column: "kind".into(), value: "y".into(), share: 0.667, lift: 1.33 }],
                        ..cluster("y", 3, None, &[0, 2, 1])
                    },
                    cluster("Délta", 1, None, &[3]),
                ],
            },
            ClusterLevelContent {
                ids: vec![0, 0, 1, 2],
                clusters: vec![
                    cluster("Alpha, Beta", 2, Some(0), &[0, 1]),
                    cluster("c", 1, Some(0), &[2]),
                    cluster("Délta", 1, Some(1), &[3]),
                ],
            },
        ],
    })
    .expect("the sample map is consistent")
}

/// A [`Pause`](crate::pause::Pause) that is pending once at every tick and counts its ticks:
/// a build paused by it must come out as one run straight through.
#[derive(Debug, Default)]
pub struct Pausing(pub usize);

impl crate::pause::Pause for Pausing {
    fn tick(&mut self) -> impl std::future::Future<Output = ()> {
        self.0 += 1;
        let mut pending = true;
        std::future::poll_fn(move |_| {
            if std::mem::take(&mut pending) {
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
    }
}
