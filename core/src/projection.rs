//! Stage 5: the 2D layouts, and how they differ. Every layout reads the same [`LayoutInput`]
//! (the embedding, its k-NN, the co-occurrence stage's most similar entities, the relationship
//! graph, the seed), so the stages before run once for all of them. The layouts run at once on
//! rayon's pool, each with its own progress ([`Progress::task`]), and are collected in the order
//! given. Each one's result depends only on its input, parameters and seed — UMAP's SGD works on
//! fixed node ranges, t-SNE sums its forces in index order — so which threads run them changes
//! no bit. Then, per pair of
//! layouts, how many of each entity's 10 nearest 2D neighbours differ ([`neighborhood_changes`]),
//! which the map stores for the viewer's comparison.
//!
//! A new method is one arm of the match in [`make`]; a method that reads something else (the
//! graph rather than the embedding, say) finds it in [`LayoutInput`].

use std::time::Instant;

use rayon::prelude::*;
use starmap_format::{pair_index, NEIGHBORHOOD_K};

use crate::graph::Graph;
use crate::layout::{Checked, Layout};
use crate::mde::Embedding;
use crate::neighbors::NeighborTable;
use crate::params::Valid;
use crate::progress::{Progress, Unit};
use crate::tsne::{self, TsneParams};
use crate::umap;

// The quality figures' 10 nearest 2D neighbours are the ones the neighbourhood change compares.
const _: () = assert!(crate::quality::K == NEIGHBORHOOD_K);

/// What every layout may read, in the embedding's (locality) order.
#[derive(Debug, Clone, Copy)]
pub struct LayoutInput<'a> {
    /// The high-dimensional embedding.
    pub embedding: &'a Embedding,
    /// Its exact nearest neighbours, at least [`neighbors_needed`] of them per point (fewer
    /// only when there are not that many points).
    pub knn: &'a NeighborTable,
    /// The co-occurrence stage's most similar entities (cosine similarity, most similar first),
    /// at least [`similar_needed`] per entity where there are that many.
    pub similar: &'a NeighborTable,
    /// The relationship graph the embedding was made from.
    pub graph: &'a Graph,
    /// The build's seed.
    pub seed: u64,
}

/// One layout made.
#[derive(Debug, Clone, PartialEq)]
pub struct Made {
    /// Row-major n × 2 positions, in the input's order.
    pub positions: Vec<f32>,
    /// Wall-clock seconds it took (alongside the others); for t-SNE layouts made together
    /// ([`make_all`]), the time of the group.
    pub secs: f64,
}

/// Neighbours per point in the embedding's k-NN that `layouts` read.
pub fn neighbors_needed(layouts: &[Layout]) -> usize {
    layouts.iter().map(|l| l.params.neighbors_needed()).max().unwrap_or(0)
}

/// Most similar entities per entity, from the co-occurrence stage, that `layouts` read.
pub fn similar_needed(layouts: &[Layout]) -> usize {
    layouts.iter().map(|l| l.params.similar_needed()).max().unwrap_or(0)
}

/// Makes one layout, reporting to `progress`.
pub fn make(layout: &Layout, input: &LayoutInput<'_>, progress: &dyn Progress) -> Vec<f32> {
    match layout.params.checked() {
        Checked::Umap(p) => {
            // The fuzzy graph reads every neighbour it is given.
            let fewer;
            let knn = if input.knn.k() > p.neighbors {
                fewer = input.knn.truncated(p.neighbors);
                &fewer
            } else {
                input.knn
            };
            umap::project(input.embedding, knn, &p, input.seed, progress)
        }
        // The embedding only places t-SNE's start; its affinities come from co-occurrence.
        Checked::Tsne(p) => tsne::layout_from_cosine(input.similar, input.embedding, &p, progress),
    }
}

/// Makes every layout, at once where there are threads for it, each with a progress task of its
/// own named after it; results in the order of `layouts`. t-SNE layouts of one perplexity
/// share their affinities and early phase ([`tsne::layouts_from_cosine`]): the default set's
/// two cost one and two thirds of one, with the same bits as made alone.
pub fn make_all(layouts: &[Layout], input: &LayoutInput<'_>, progress: &dyn Progress) -> Vec<Made> {
    let tasks: Vec<Box<dyn Progress + '_>> =
        layouts.iter().map(|l| progress.task(&l.name, Unit::Items("epochs"))).collect();
    // Jobs: each t-SNE perplexity's layouts together (with their parameters), every other
    // layout alone.
    let mut jobs: Vec<(Vec<usize>, Vec<Valid<TsneParams>>)> = Vec::new();
    for (i, layout) in layouts.iter().enumerate() {
        match layout.params.checked() {
            Checked::Tsne(p) => {
                match jobs.iter_mut().find(|(_, ps)| ps.first().is_some_and(|q| q.perplexity == p.perplexity)) {
                    Some((members, ps)) => {
                        members.push(i);
                        ps.push(p);
                    }
                    None => jobs.push((vec![i], vec![p])),
                }
            }
            Checked::Umap(_) => jobs.push((vec![i], Vec::new())),
        }
    }
    let mut made: Vec<(usize, Made)> = jobs
        .par_iter()
        .flat_map_iter(|(members, tsne_params)| {
            let start = Instant::now();
            let positions = if tsne_params.len() > 1 {
                let progress: Vec<&dyn Progress> = members.iter().map(|&i| tasks[i].as_ref()).collect();
                tsne::layouts_from_cosine(input.similar, input.embedding, tsne_params, &progress)
            } else {
                members.iter().map(|&i| make(&layouts[i], input, tasks[i].as_ref())).collect()
            };
            let secs = start.elapsed().as_secs_f64();
            members.iter().for_each(|&i| tasks[i].end());
            members.iter().zip(positions).map(move |(&i, positions)| (i, Made { positions, secs })).collect::<Vec<_>>()
        })
        .collect();
    made.sort_by_key(|(i, _)| *i);
    made.into_iter().map(|(_, m)| m).collect()
}

/// Of entity `i`'s nearest 2D neighbours in `a`, how many are not among its nearest in `b` (at
/// most [`NEIGHBORHOOD_K`] of each).
fn changed(a: &NeighborTable, b: &NeighborTable, i: usize) -> u8 {
    let near_b = &b.indices_of(i)[..b.k().min(NEIGHBORHOOD_K)];
    a.indices_of(i)[..a.k().min(NEIGHBORHOOD_K)].iter().filter(|j| !near_b.contains(j)).count() as u8
}

/// For every pair of layouts, in [`pair_index`] order, each entity's neighbourhood change: of
/// its [`NEIGHBORHOOD_K`] nearest 2D neighbours in one layout, how many are not among its nearest
/// in the other. `near[l]` holds layout `l`'s nearest 2D neighbours (at least
/// [`NEIGHBORHOOD_K`] a row, fewer only on maps of fewer entities).
pub fn neighborhood_changes(near: &[NeighborTable]) -> Vec<Vec<u8>> {
    let k = near.len();
    let mut changes = Vec::with_capacity(k * k.saturating_sub(1) / 2);
    for a in 0..k {
        for b in a + 1..k {
            debug_assert_eq!(pair_index(a, b, k), changes.len());
            let n = near[a].n();
            changes.push((0..n).into_par_iter().with_min_len(1024).map(|i| changed(&near[a], &near[b], i)).collect());
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knn::brute_force;
    use crate::layout::LayoutSpec;
    use crate::params::Params;
    use crate::progress::NoProgress;
    use crate::test_data::two_blobs;
    use crate::tsne::TsneParams;
    use crate::umap::UmapParams;

    #[test]
    fn neighbourhood_change_counts_the_neighbours_not_shared_both_ways() {
        // A line, the same line reversed (same neighbourhoods), and a shuffle.
        let line: Vec<f32> = (0..30).flat_map(|i| [i as f32, 0.0]).collect();
        let reversed: Vec<f32> = (0..30).flat_map(|i| [-(i as f32) * 2.0, 1.0]).collect();
        let shuffled: Vec<f32> = (0..30).flat_map(|i| [((i * 7) % 30) as f32, 0.0]).collect();
        let near: Vec<NeighborTable> =
            [&line, &reversed, &shuffled].iter().map(|p| brute_force(p, 2, NEIGHBORHOOD_K)).collect();
        let changes = neighborhood_changes(&near);
        assert_eq!(changes.len(), 3);
        assert!(changes[pair_index(0, 1, 3)].iter().all(|&c| c == 0));
        let moved = &changes[pair_index(0, 2, 3)];
        assert!(moved.iter().all(|&c| c as usize <= NEIGHBORHOOD_K) && moved.iter().any(|&c| c > 5));
        // The count is the same either way round.
        let back = neighborhood_changes(&[near[2].clone(), near[0].clone()]);
        assert_eq!(&back[0], moved);
    }

    #[test]
    fn layouts_made_together_equal_layouts_made_alone() {
        let emb = two_blobs(60, 4, 8.0, 3);
        let knn = brute_force(&emb.coords, 4, 30);
        let graph = Graph { n: 0, edges: Vec::new(), weights: Vec::new() };
        let similar = NeighborTable::from_parts(
            knn.k(),
            knn.indices().to_vec(),
            knn.values().iter().map(|d| 1.0 / (1.0 + d)).collect(),
        );
        let input = LayoutInput { embedding: &emb, knn: &knn, similar: &similar, graph: &graph, seed: 5 };
        let umap = UmapParams { epochs: Some(30), ..UmapParams::default() };
        let tsne = TsneParams { perplexity: 8.0, ..TsneParams::default() };
        let layouts: Vec<Layout> = ["umap", "tsne", "umap:neighbors=5,name=few", "tsne:exaggeration=2"]
            .iter()
            .map(|s| s.parse::<LayoutSpec>().unwrap().plan(&umap, &tsne).unwrap())
            .collect();
        assert!(umap.validate().is_ok());
        let made = make_all(&layouts, &input, &NoProgress);
        assert_eq!(made.len(), 4);
        for (layout, m) in layouts.iter().zip(&made) {
            assert_eq!(m.positions, make(layout, &input, &NoProgress), "{}", layout.name);
        }
        assert_ne!(made[0].positions, made[2].positions, "the key changed the layout");
        assert_ne!(made[1].positions, made[3].positions, "the key changed the layout");
    }
}
