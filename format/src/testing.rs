//! A small map with every column kind, for the tests of every crate that reads maps (enable the
//! `testing` feature as a dev-dependency).

use crate::{
    encode_map, BuildInfo, Categorical, ColumnData, ColumnValues, EncodedMap, LayoutContent, MapContent, Quality, Tags,
    TextColumn,
};

/// Four entities with a text label, a categorical, a numeric and a tags column, neighbours, and
/// two layouts (`umap`, drawn first, and `tsne`).
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
    })
    .expect("the sample map is consistent")
}
