//! How well a 2D layout keeps what it was built from: kNN recall@10 of each entity's strongest
//! co-occurrence neighbours among its 10 nearest 2D points, trustworthiness (sklearn's
//! definition) of the 2D neighbourhoods against the high-dimensional embedding, on a seeded
//! sample, and with a label column how often an entity's 10 nearest 2D points mostly share its
//! label (`../shared/bench/eval_layout.py`'s figures). Reported per layout in the summary and the
//! manifest ([`judge`]).

use rand::seq::index::sample;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use starmap_format::{ColumnValues, Quality, MISSING_CODE};

use crate::knn::knn;
use crate::mde::Embedding;
use crate::neighbors::NeighborTable;
use crate::progress::NoProgress;

/// Neighbours compared by both figures.
pub const K: usize = 10;

/// Mean over entities with at least one co-occurrence neighbour of
/// |top-10 similar ∩ 10 nearest in 2D| / min(10, neighbours available).
pub fn knn_recall(top: &NeighborTable, layout_knn: &NeighborTable) -> f64 {
    // Collected in order, then summed sequentially: the same bits whatever the thread count.
    let per_entity: Vec<(f64, usize)> = (0..top.n())
        .into_par_iter()
        .map(|i| {
            let truth: Vec<u32> = top.of(i).take(K).map(|(j, _)| j).collect();
            if truth.is_empty() || layout_knn.k() == 0 {
                return (0.0, 0usize);
            }
            let near = &layout_knn.indices_of(i)[..K.min(layout_knn.k())];
            let hits = truth.iter().filter(|j| near.contains(j)).count();
            (hits as f64 / truth.len() as f64, 1)
        })
        .collect();
    let (sum, count) = per_entity.iter().fold((0.0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    if count == 0 {
        0.0
    } else {
        sum / count as f64
    }
}

/// Expected recall of a uniformly random layout: each of the 10 nearest points is a given
/// neighbour with probability 1 / (n − 1).
pub fn knn_recall_random(n: usize) -> f64 {
    if n <= 1 {
        0.0
    } else {
        (K as f64 / (n - 1) as f64).min(1.0)
    }
}

fn sq_dist(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Fewest entities trustworthiness is measured on: below 3k + 2 its normalisation is not
/// defined.
pub const TRUSTWORTHINESS_MIN_ENTITIES: usize = 3 * K + 2;

/// Trustworthiness at k = 10 on up to `sample_size` entities: 1 − 2 / (s·k·(2n − 3k − 1)) ·
/// Σ over 2D neighbours that are not high-dimensional neighbours of (rank − k). 1 is perfect.
/// Returns the figure and the sample size used, or `None` for maps of fewer than
/// [`TRUSTWORTHINESS_MIN_ENTITIES`] entities.
pub fn trustworthiness(
    high: &Embedding,
    layout_knn: &NeighborTable,
    sample_size: usize,
    seed: u64,
) -> Option<(f64, usize)> {
    let n = high.n();
    let k = K.min(layout_knn.k());
    if n < TRUSTWORTHINESS_MIN_ENTITIES || k < K || sample_size == 0 {
        return None;
    }
    let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0x0074_7275_7374);
    let mut chosen = sample(&mut rng, n, sample_size.min(n)).into_vec();
    chosen.sort_unstable();
    let per_point: Vec<f64> = chosen
        .par_iter()
        .map(|&i| {
            let hi = high.point(i);
            // Rank of j = number of points strictly closer to i than j in the embedding, + 1.
            let dist: Vec<f32> =
                (0..n).map(|j| if j == i { f32::INFINITY } else { sq_dist(hi, high.point(j)) }).collect();
            layout_knn.indices_of(i)[..k]
                .iter()
                .map(|&j| {
                    let dj = dist[j as usize];
                    let rank = dist.iter().filter(|&&d| d < dj).count() + 1;
                    rank.saturating_sub(k) as f64
                })
                .sum::<f64>()
        })
        .collect();
    let penalty: f64 = per_point.iter().sum();
    let s = chosen.len() as f64;
    let (nf, kf) = (n as f64, k as f64);
    Some((1.0 - 2.0 / (s * kf * (2.0 * nf - 3.0 * kf - 1.0)) * penalty, chosen.len()))
}

/// Each entity's label for [`label_agreement`]: its category in a categorical column, the first
/// of its list in a list column, [`MISSING_CODE`] without one. `None` for numeric and text
/// columns, which have no labels to agree on.
pub fn label_codes(values: &ColumnValues) -> Option<Vec<u16>> {
    match values {
        ColumnValues::Categorical(c) => Some(c.codes.clone()),
        ColumnValues::Tags(t) => Some(
            t.offsets
                .windows(2)
                .map(|w| {
                    t.codes.get(w[0] as usize..w[1] as usize).and_then(|l| l.first().copied()).unwrap_or(MISSING_CODE)
                })
                .collect(),
        ),
        ColumnValues::Numeric(_) | ColumnValues::Text(_) => None,
    }
}

/// Share of the entities with a label whose 10 nearest 2D points mostly share it: the label most
/// frequent among those of them that have one is the entity's own (a tie goes to the label met
/// first, nearest first, as `eval_layout.py` counts). `None` when no entity has a label.
pub fn label_agreement(labels: &[u16], layout_knn: &NeighborTable) -> Option<f64> {
    let agree: Vec<Option<bool>> = (0..labels.len())
        .into_par_iter()
        .map(|i| {
            let own = labels[i];
            if own == MISSING_CODE {
                return None;
            }
            let mut votes: Vec<(u16, usize)> = Vec::with_capacity(K);
            for &j in layout_knn.indices_of(i).iter().take(K) {
                let label = labels.get(j as usize).copied().unwrap_or(MISSING_CODE);
                if label == MISSING_CODE {
                    continue;
                }
                match votes.iter_mut().find(|(l, _)| *l == label) {
                    Some((_, n)) => *n += 1,
                    None => votes.push((label, 1)),
                }
            }
            // The first of the most voted, in the order met.
            let best = votes.iter().fold(None, |best: Option<(u16, usize)>, &(l, n)| match best {
                Some((_, m)) if m >= n => best,
                _ => Some((l, n)),
            });
            Some(best.is_some_and(|(l, _)| l == own))
        })
        .collect();
    let judged = agree.iter().flatten().count();
    (judged > 0).then(|| agree.iter().flatten().filter(|&&a| a).count() as f64 / judged as f64)
}

/// Every figure of one layout (row-major n × 2 `positions`, in the order of `top` and
/// `embedding`), and its 10 nearest 2D neighbours, which the neighbourhood change compares.
pub fn judge(
    positions: &[f32],
    top: &NeighborTable,
    embedding: &Embedding,
    labels: Option<&[u16]>,
    sample_size: usize,
    seed: u64,
) -> (Quality, NeighborTable) {
    let near = knn(positions, 2, K, &NoProgress);
    let trust = trustworthiness(embedding, &near, sample_size, seed);
    let quality = Quality {
        label_agreement: labels.and_then(|l| label_agreement(l, &near)),
        knn_recall_at_10: knn_recall(top, &near),
        knn_recall_at_10_random: knn_recall_random(positions.len() / 2),
        // Too few entities to measure: recorded as 0 with a sample of 0.
        trustworthiness: trust.map_or(0.0, |t| t.0),
        sample_size: trust.map_or(0, |t| t.1 as u32),
    };
    (quality, near)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knn::brute_force;

    #[test]
    fn a_layout_equal_to_the_embedding_is_perfectly_trustworthy() {
        let pts: Vec<f32> = (0..200).flat_map(|i| [(i % 20) as f32 + (i as f32) * 1e-3, (i / 20) as f32]).collect();
        let high = Embedding { dim: 2, coords: pts.clone() };
        let knn2 = brute_force(&pts, 2, 10);
        let (t, s) = trustworthiness(&high, &knn2, 50, 1).unwrap();
        assert!((t - 1.0).abs() < 1e-9, "{t}");
        assert_eq!(s, 50);
        // Shuffling the layout ruins it.
        let shuffled: Vec<f32> = (0..200)
            .flat_map(|i| {
                let j = (i * 37) % 200;
                [pts[2 * j], pts[2 * j + 1]]
            })
            .collect();
        let knn_s = brute_force(&shuffled, 2, 10);
        let (t2, _) = trustworthiness(&high, &knn_s, 50, 1).unwrap();
        assert!(t2 < 0.8, "{t2}");
        // Too few entities for the figure to mean anything: none.
        let few = Embedding { dim: 2, coords: pts[..2 * 20].to_vec() };
        assert_eq!(trustworthiness(&few, &brute_force(&few.coords, 2, 10), 50, 1), None);
    }

    #[test]
    fn recall_counts_hits_against_available_neighbours() {
        // Entity 0's truth is {1, 2}; its 2D neighbours are {1, 3}: recall 0.5. Entity 3 has no truth.
        let top = NeighborTable::from_rows(2, &[vec![(1, 1.0), (2, 1.0)], vec![(0, 1.0)], vec![(0, 1.0)], vec![]]);
        let layout = NeighborTable::from_parts(2, vec![1, 3, 0, 2, 0, 1, 0, 1], vec![1.0; 8]);
        let r = knn_recall(&top, &layout);
        assert!((r - (0.5 + 1.0 + 1.0) / 3.0).abs() < 1e-12, "{r}");
        assert!((knn_recall_random(11) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn labels_agree_by_majority_of_the_labelled_neighbours() {
        const M: u16 = MISSING_CODE;
        // 12 points on a line; 2D neighbours by position.
        let pts: Vec<f32> = (0..12).flat_map(|i| [i as f32, 0.0]).collect();
        let near = brute_force(&pts, 2, K);
        let same = vec![3u16; 12];
        assert_eq!(label_agreement(&same, &near), Some(1.0));
        // Point 0 is the only 0; its neighbours are all 1: it disagrees, the rest agree.
        let mut one_off = vec![1u16; 12];
        one_off[0] = 0;
        assert_eq!(label_agreement(&one_off, &near), Some(11.0 / 12.0));
        // Unlabelled entities are skipped, as entities and as voters.
        let mut sparse = vec![M; 12];
        sparse[0] = 5;
        sparse[5] = 5;
        assert_eq!(label_agreement(&sparse, &near), Some(1.0));
        // A lone labelled entity has no labelled neighbour to agree with.
        sparse[5] = M;
        assert_eq!(label_agreement(&sparse, &near), Some(0.0));
        assert_eq!(label_agreement(&[M; 12], &near), None);
        // A tie goes to the label met first, nearest first: entity 0 (label 0) between a 1 and a 0.
        let labels = [0u16, 1, 0];
        let first_other = NeighborTable::from_parts(2, vec![1, 2, 0, 2, 0, 1], vec![1.0; 6]);
        let first_own = NeighborTable::from_parts(2, vec![2, 1, 0, 2, 0, 1], vec![1.0; 6]);
        assert_eq!(label_agreement(&labels, &first_other), Some(1.0 / 3.0));
        assert_eq!(label_agreement(&labels, &first_own), Some(2.0 / 3.0));
    }

    #[test]
    fn lists_are_labelled_by_their_first_item() {
        use starmap_format::{Categorical, Tags};
        let tags = ColumnValues::Tags(Tags {
            categories: vec!["a".into(), "b".into()],
            offsets: vec![0, 2, 2, 3],
            codes: vec![1, 0, 0],
        });
        assert_eq!(label_codes(&tags), Some(vec![1, MISSING_CODE, 0]));
        let cat = ColumnValues::Categorical(Categorical { categories: vec!["x".into()], codes: vec![0, MISSING_CODE] });
        assert_eq!(label_codes(&cat), Some(vec![0, MISSING_CODE]));
        assert_eq!(label_codes(&ColumnValues::Numeric(vec![1.0])), None);
    }
}
