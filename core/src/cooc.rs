//! Stage 2: co-occurrence and popularity correction, fused with the top-k selection of stage 3.
//!
//! Entity i's row of the co-occurrence matrix is built from i's contexts alone (a dense
//! accumulator per worker, or on large maps a small one per bucket of partner ids), scored,
//! and cut to its strongest `k` entries at once. For cosine, each partner's weights come
//! divided by its norm beforehand, so scoring a row reads only its own norm. The n × n
//! matrix never exists, not even sparsely: memory is O(n·k), time is Σ over contexts of
//! |context|². Rows are independent, so they run in parallel and the result does not depend on
//! the thread count.

use std::borrow::Cow;
use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::Relaxed;

use rayon::prelude::*;

use crate::counting;
use crate::ingest::Interactions;
use crate::neighbors::NeighborTable;
use crate::params::choice;
use crate::progress::Progress;

choice! {
    /// How co-occurrence counts are turned into similarities.
    pub enum Similarity {
        /// Cosine of the entities' weighted context vectors: co-occurrence / √(popularity_i ·
        /// popularity_j). Removes the popularity bias of raw counts.
        Cosine = "cosine",
        /// Cosine with each context down-weighted by ln(e + its size), so that a context holding
        /// hundreds of entities says less about each pair than a small one.
        CosineDamped = "cosine-damped",
        /// Raw weighted co-occurrence counts: popular entities dominate every row. For comparison.
        Count = "count",
    }
}

/// Entity-major view of the interactions (entity → its contexts, in context order).
struct ByEntity {
    offsets: Vec<usize>,
    contexts: Vec<u32>,
    /// The interactions' weights; [`top_similar_with`] then folds in their contexts' weights.
    weights: Vec<f32>,
}

/// A stable counting sort of the interactions by entity, in parallel (see [`counting`]; on one
/// thread it was a sequential 3 % of the stage). The contexts are cut into parts of about equal
/// entries; each part counts its entities; the counts give each part its first slot for each
/// entity, after the earlier parts' slots; then every part places its entries at once. The
/// slots are disjoint but interleaved, so they are written as relaxed atomics (plain stores on
/// x86). The result does not depend on the number of parts.
fn by_entity(inter: &Interactions, parts: usize) -> ByEntity {
    let n = inter.n_entities();
    let entries = inter.ctx_entities.len();
    let ctx = &inter.ctx_offsets;
    let mut bounds: Vec<usize> = (0..=parts).map(|p| ctx.partition_point(|&o| o < p * entries / parts)).collect();
    bounds[parts] = inter.n_contexts();
    let counts: Vec<Vec<usize>> = (0..parts)
        .into_par_iter()
        .map(|p| {
            let mut count = vec![0usize; n];
            for &e in &inter.ctx_entities[ctx[bounds[p]]..ctx[bounds[p + 1]]] {
                count[e as usize] += 1;
            }
            count
        })
        .collect();
    let mut starts = counts;
    let offsets = counting::first_slots(&mut starts, n);
    let contexts: Vec<AtomicU32> = (0..entries).into_par_iter().map(|_| AtomicU32::new(0)).collect();
    let weights: Vec<AtomicU32> = (0..entries).into_par_iter().map(|_| AtomicU32::new(0)).collect();
    starts.into_par_iter().enumerate().for_each(|(p, mut fill)| {
        for c in bounds[p]..bounds[p + 1] {
            for q in ctx[c]..ctx[c + 1] {
                let slot = &mut fill[inter.ctx_entities[q] as usize];
                contexts[*slot].store(c as u32, Relaxed);
                weights[*slot].store(inter.ctx_weights[q].to_bits(), Relaxed);
                *slot += 1;
            }
        }
    });
    // Same layout, so these collect in place.
    let contexts = contexts.into_iter().map(AtomicU32::into_inner).collect();
    let weights = weights.into_iter().map(|w| f32::from_bits(w.into_inner())).collect();
    ByEntity { offsets, contexts, weights }
}

/// Partners are summed a bucket of `1 << BUCKET_BITS` consecutive ids at a time, in an
/// accumulator that stays in L1 (4 KiB).
const BUCKET_BITS: u32 = 10;
const BUCKET: usize = 1 << BUCKET_BITS;
/// From this many entities on, rows are summed by bucket. Below it the dense accumulator (8
/// bytes an entity, 4 MiB at this size) is as fast or faster: measured at 200k and 400k
/// entities; at 1M bucketing took a fifth off the stage (docs/SCALE.md).
const BUCKETED_FROM: usize = 1 << 19;
/// Rows with more partner entries than this are summed in the dense accumulator instead, so
/// that a hub's row does not hold its entries twice over (2 × 16 MiB at this bound).
const MAX_BUCKETED: usize = 1 << 21;

/// Per-worker scratch: a row's entries gathered and then grouped by bucket, a bucket's
/// accumulator, the dense accumulator for the rows not worth bucketing, and the row itself.
struct Scratch {
    gathered: Vec<(u32, f32)>,
    grouped: Vec<(u32, f32)>,
    /// Per bucket: its entry count, then its first slot, then its end.
    heads: Vec<usize>,
    /// Sums in f64: added in f32, a pair's sum drifts by up to a rounding a term (5e-7 on the
    /// films demo against the Spark job's f64, whose test allows 1e-6).
    small: Vec<f64>,
    acc: Vec<f64>,
    touched: Vec<u32>,
    row: Vec<(u32, f32)>,
}

/// Finds every entity's `k` most similar entities, strongest first (value: the similarity).
pub fn top_similar(inter: &Interactions, k: usize, similarity: Similarity, progress: &dyn Progress) -> NeighborTable {
    // A row of one entry a bucket still gains: its partners' adds would each miss the cache in
    // the dense accumulator (1M probe: 0.88× the stage's rows against four entries a bucket).
    let min_per_bucket = if inter.n_entities() >= BUCKETED_FROM { 1 } else { usize::MAX };
    top_similar_with(inter, k, similarity, progress, min_per_bucket)
}

/// [`top_similar`], bucketing the rows with at least `min_per_bucket` entries per bucket of ids
/// (and at most `MAX_BUCKETED`); the others use the dense accumulator. The table is the same
/// bits either way, as the tests check.
fn top_similar_with(
    inter: &Interactions,
    k: usize,
    similarity: Similarity,
    progress: &dyn Progress,
    min_per_bucket: usize,
) -> NeighborTable {
    let n = inter.n_entities();
    let buckets = n.div_ceil(BUCKET);
    let mut ent = by_entity(inter, counting::parts(inter.ctx_entities.len()));
    let context_weight: Vec<f32> = (0..inter.n_contexts())
        .map(|c| match similarity {
            Similarity::CosineDamped => {
                1.0 / (std::f32::consts::E + (inter.ctx_offsets[c + 1] - inter.ctx_offsets[c]) as f32).ln()
            }
            _ => 1.0,
        })
        .collect();
    let norms: Vec<f32> = (0..n)
        .into_par_iter()
        .map(|i| {
            let range = ent.offsets[i]..ent.offsets[i + 1];
            let sq: f64 = ent.contexts[range.clone()]
                .iter()
                .zip(&ent.weights[range])
                .map(|(&c, &w)| (w as f64) * (w as f64) * context_weight[c as usize] as f64)
                .sum();
            sq.sqrt() as f32
        })
        .collect();
    // The row's own weights carry their context's weight, so a row never reads it.
    ent.weights.par_iter_mut().zip(&ent.contexts).for_each(|(w, &c)| *w *= context_weight[c as usize]);
    // Each partner's weights come divided by its norm, so a row's scores need only its own norm.
    // Reading each partner's norm instead was a random read per partner per row: a third of the
    // stage at 1M (a profile of the row loop).
    let partner_weights: Cow<'_, [f32]> = match similarity {
        Similarity::Count => Cow::Borrowed(&inter.ctx_weights),
        _ => Cow::Owned(
            inter
                .ctx_entities
                .par_iter()
                .zip(&inter.ctx_weights)
                .map(|(&j, &w)| match norms[j as usize] {
                    // Only zero weights give a zero norm; they stay zero (floored like any other).
                    0.0 => 0.0,
                    norm => w / norm,
                })
                .collect(),
        ),
    };
    progress.set_total(n as u64);

    let rows: Vec<Vec<(u32, f32)>> = (0..n)
        .into_par_iter()
        .with_min_len(64)
        .map_init(
            || Scratch {
                gathered: Vec::new(),
                grouped: Vec::new(),
                heads: vec![0; buckets + 1],
                small: vec![0.0; BUCKET],
                acc: vec![0.0; n],
                touched: Vec::new(),
                row: Vec::new(),
            },
            |s, i| {
                let contexts = ent.offsets[i]..ent.offsets[i + 1];
                // Room for every partner the row can have, so a partner is noted without a
                // branch on the accumulator just read: whether it was zero is unpredictable, and
                // a mispredicted branch there waits on the cache miss behind it.
                let bound: usize = ent.contexts[contexts.clone()]
                    .iter()
                    .map(|&c| inter.ctx_offsets[c as usize + 1] - inter.ctx_offsets[c as usize])
                    .sum();
                if s.touched.len() < bound {
                    s.touched.resize(bound, 0);
                }
                s.row.clear();
                let score = |raw: f64| match similarity {
                    Similarity::Count => raw as f32,
                    // An entity whose weights are all zero is similar to nothing.
                    _ if norms[i] == 0.0 => 0.0,
                    _ => (raw / f64::from(norms[i])) as f32,
                };
                if bound >= min_per_bucket.saturating_mul(buckets) && bound <= MAX_BUCKETED {
                    // The dense accumulator (8 MB at 1M entities) misses the cache on nearly
                    // every add once other work shares it; grouping the entries by bucket
                    // first (a stable counting sort, in cache) keeps every add in L1. Each
                    // partner's weights are still added in the same order: the same sums.
                    s.gathered.clear();
                    s.heads.iter_mut().for_each(|h| *h = 0);
                    let (heads, gathered) = (&mut s.heads, &mut s.gathered);
                    for_each_entry(inter, &ent, &partner_weights, i, |j, w| {
                        heads[(j >> BUCKET_BITS) as usize + 1] += 1;
                        gathered.push((j, w));
                    });
                    for b in 1..=buckets {
                        s.heads[b] += s.heads[b - 1];
                    }
                    s.grouped.resize(s.gathered.len(), (0, 0.0));
                    for &(j, w) in &s.gathered {
                        let slot = &mut s.heads[(j >> BUCKET_BITS) as usize];
                        s.grouped[*slot] = (j, w);
                        *slot += 1;
                    }
                    // Now heads[b] is where bucket b ends.
                    let mut start = 0;
                    for b in 0..buckets {
                        let end = s.heads[b];
                        let mut touched = 0;
                        for &(j, w) in &s.grouped[start..end] {
                            let slot = &mut s.small[j as usize & (BUCKET - 1)];
                            s.touched[touched] = j;
                            touched += usize::from(*slot == 0.0);
                            *slot += f64::from(w);
                        }
                        for &j in &s.touched[..touched] {
                            let raw = std::mem::take(&mut s.small[j as usize & (BUCKET - 1)]);
                            s.row.push((j, score(raw)));
                        }
                        start = end;
                    }
                } else {
                    let mut touched = 0;
                    let (acc, noted) = (&mut s.acc, &mut s.touched);
                    for_each_entry(inter, &ent, &partner_weights, i, |j, w| {
                        let slot = &mut acc[j as usize];
                        noted[touched] = j;
                        touched += usize::from(*slot == 0.0);
                        *slot += f64::from(w);
                    });
                    for &j in &s.touched[..touched] {
                        let raw = std::mem::take(&mut s.acc[j as usize]);
                        s.row.push((j, score(raw)));
                    }
                }
                // Strongest first; ties by index, so the order the partners came in does not
                // matter.
                let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
                if s.row.len() > k {
                    s.row.select_nth_unstable_by(k - 1, order);
                    s.row.truncate(k);
                }
                s.row.sort_unstable_by(order);
                if i % 1024 == 0 {
                    progress.advance(1024.min(n - i) as u64);
                }
                s.row.clone()
            },
        )
        .collect();
    NeighborTable::from_rows(k, &rows)
}

/// Calls `add(j, w)` for every entry of row `i` (its contexts in order, each context's
/// members in order; itself left out): the order in which a partner's weights are summed.
/// Each weight is floored so that a zero-weight pair still marks its partner as touched.
#[inline(always)]
fn for_each_entry(
    inter: &Interactions,
    ent: &ByEntity,
    partner_weights: &[f32],
    i: usize,
    mut add: impl FnMut(u32, f32),
) {
    for p in ent.offsets[i]..ent.offsets[i + 1] {
        let c = ent.contexts[p] as usize;
        let wi = ent.weights[p];
        let members = inter.ctx_offsets[c]..inter.ctx_offsets[c + 1];
        for (&j, &w) in inter.ctx_entities[members.clone()].iter().zip(&partner_weights[members]) {
            if j as usize != i {
                add(j, (wi * w).max(f32::MIN_POSITIVE));
            }
        }
    }
}

/// The first `k` entries of each row of a cosine table ([`top_similar`]) as distances 1 − s,
/// nearest first, padding kept: how UMAP and t-SNE read similarities (umap-learn's and
/// openTSNE's `metric="cosine"`).
pub fn cosine_distances(top: &NeighborTable, k: usize) -> NeighborTable {
    let t = top.truncated(k);
    let values = t.values().iter().map(|&s| (1.0 - s).max(0.0)).collect();
    NeighborTable::from_parts(t.k(), t.indices().to_vec(), values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestStats;
    use crate::progress::NoProgress;

    /// Contexts given as lists of (entity, weight).
    fn interactions(n: usize, contexts: &[&[(u32, f32)]]) -> Interactions {
        let mut ctx_offsets = vec![0];
        let (mut ctx_entities, mut ctx_weights) = (Vec::new(), Vec::new());
        for c in contexts {
            for &(e, w) in *c {
                ctx_entities.push(e);
                ctx_weights.push(w);
            }
            ctx_offsets.push(ctx_entities.len());
        }
        Interactions {
            entity_ids: (0..n).map(|i| i.to_string()).collect(),
            popularity: vec![1; n],
            ctx_offsets,
            ctx_entities,
            ctx_weights,
            stats: IngestStats::default(),
        }
    }

    #[test]
    fn cosine_matches_a_hand_computation() {
        // Entity 0 is in contexts A, B; 1 in A, B; 2 in A, C, D.
        let inter =
            interactions(3, &[&[(0, 1.0), (1, 1.0), (2, 1.0)], &[(0, 1.0), (1, 1.0)], &[(2, 1.0)], &[(2, 1.0)]]);
        let top = top_similar(&inter, 5, Similarity::Cosine, &NoProgress);
        let row0: Vec<(u32, f32)> = top.of(0).collect();
        assert_eq!(row0[0].0, 1);
        assert!((row0[0].1 - 1.0).abs() < 1e-6); // identical context sets
        assert!((row0[1].1 - 1.0 / (2.0f32 * 3.0).sqrt()).abs() < 1e-6);
        assert_eq!(top.degree(2), 2);
    }

    #[test]
    fn an_entity_whose_weights_are_all_zero_is_similar_to_nothing() {
        // 2 shares both contexts with 0 and 1, always with weight zero. Its pairs stay edges, of
        // weight about zero; dividing by a zero norm once made them score their count (2).
        let inter = interactions(3, &[&[(0, 1.0), (1, 1.0), (2, 0.0)], &[(0, 1.0), (1, 2.0), (2, 0.0)]]);
        let top = top_similar(&inter, 2, Similarity::Cosine, &NoProgress);
        assert_eq!(top.of(2).collect::<Vec<_>>(), vec![(0, 0.0), (1, 0.0)]);
        let row0: Vec<(u32, f32)> = top.of(0).collect();
        assert_eq!(row0[0].0, 1);
        assert!((row0[0].1 - 3.0 / 10f32.sqrt()).abs() < 1e-6);
        assert_eq!(row0[1].0, 2);
        assert!(row0[1].1 < 1e-30, "{}", row0[1].1);
    }

    #[test]
    fn cosine_removes_the_popularity_bias_that_counts_have() {
        // Entity 0 is everywhere; 1 and 2 always appear together in small contexts.
        let mut contexts: Vec<Vec<(u32, f32)>> = (0..20).map(|c| vec![(0, 1.0), (3 + c as u32, 1.0)]).collect();
        contexts.push(vec![(0, 1.0), (1, 1.0), (2, 1.0)]);
        contexts.push(vec![(0, 1.0), (1, 1.0), (2, 1.0)]);
        contexts.push(vec![(0, 1.0), (1, 1.0), (2, 1.0)]);
        let refs: Vec<&[(u32, f32)]> = contexts.iter().map(|c| c.as_slice()).collect();
        let inter = interactions(23, &refs);
        let count = top_similar(&inter, 1, Similarity::Count, &NoProgress);
        let cosine = top_similar(&inter, 1, Similarity::Cosine, &NoProgress);
        // By raw counts 1's best partner ties between 0 and 2; cosine clearly prefers 2.
        assert_eq!(cosine.of(1).next().unwrap().0, 2);
        assert!(count.of(1).next().unwrap().1 <= 3.0);
    }

    #[test]
    fn the_entity_major_view_is_the_same_for_any_number_of_parts() {
        // 300 contexts of 1 to 12 members over 50 entities, some entities in none.
        let contexts: Vec<Vec<(u32, f32)>> = (0..300u32)
            .map(|c| {
                let mut m: Vec<u32> = (0..1 + c % 12).map(|i| (c * 7 + i * 13) % 47).collect();
                m.sort_unstable();
                m.dedup();
                m.into_iter().map(|e| (e, (c + e) as f32 * 0.5)).collect()
            })
            .collect();
        let refs: Vec<&[(u32, f32)]> = contexts.iter().map(|c| c.as_slice()).collect();
        let inter = interactions(50, &refs);
        let one = by_entity(&inter, 1);
        // The plain definition: each entity's contexts in order, with their weights.
        for e in 0..50u32 {
            let want: Vec<(u32, f32)> = contexts
                .iter()
                .enumerate()
                .flat_map(|(c, m)| m.iter().filter(|x| x.0 == e).map(move |x| (c as u32, x.1)))
                .collect();
            let range = one.offsets[e as usize]..one.offsets[e as usize + 1];
            let got: Vec<(u32, f32)> =
                one.contexts[range.clone()].iter().copied().zip(one.weights[range].iter().copied()).collect();
            assert_eq!(got, want, "entity {e}");
        }
        for parts in [2, 3, 7, 64] {
            let many = by_entity(&inter, parts);
            assert_eq!(many.offsets, one.offsets, "{parts} parts");
            assert_eq!(many.contexts, one.contexts, "{parts} parts");
            assert_eq!(many.weights, one.weights, "{parts} parts");
        }
    }

    #[test]
    fn bucketed_rows_are_the_dense_rows_bit_for_bit() {
        // 5,000 entities (five buckets) in 3,000 contexts of 1 to 60 members with varied weights,
        // zeros among them; entity 4,999 in none.
        let n = 5000u32;
        let contexts: Vec<Vec<(u32, f32)>> = (0..3000u64)
            .map(|c| {
                let h = crate::hash::mix64(c);
                let mut m: Vec<u32> =
                    (0..1 + h % 60).map(|t| (crate::hash::mix64(h ^ t) % u64::from(n - 1)) as u32).collect();
                m.sort_unstable();
                m.dedup();
                m.into_iter().map(|e| (e, ((c + u64::from(e)) % 7) as f32 * 0.37)).collect()
            })
            .collect();
        let refs: Vec<&[(u32, f32)]> = contexts.iter().map(|c| c.as_slice()).collect();
        let inter = interactions(n as usize, &refs);
        let bits = |t: &NeighborTable| -> Vec<Vec<(u32, u32)>> {
            (0..t.n()).map(|i| t.of(i).map(|(j, v)| (j, v.to_bits())).collect()).collect()
        };
        for similarity in [Similarity::Cosine, Similarity::CosineDamped, Similarity::Count] {
            let dense = bits(&top_similar_with(&inter, 7, similarity, &NoProgress, usize::MAX));
            assert!(dense.iter().filter(|r| r.len() == 7).count() > 4000, "most rows are full");
            for threads in [1, 3] {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                for min_per_bucket in [0, 1, 4, 40] {
                    let got = pool.install(|| top_similar_with(&inter, 7, similarity, &NoProgress, min_per_bucket));
                    assert_eq!(bits(&got), dense, "{similarity}, {threads} threads, {min_per_bucket} per bucket");
                }
            }
        }
    }

    #[test]
    fn rows_are_cut_to_k_strongest_first_and_padded() {
        let inter = interactions(4, &[&[(0, 1.0), (1, 1.0), (2, 1.0)], &[(0, 1.0), (1, 1.0)]]);
        let top = top_similar(&inter, 2, Similarity::Count, &NoProgress);
        assert_eq!(top.of(0).map(|x| x.0).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(top.degree(3), 0);
        assert_eq!(top.n(), 4);
    }
}
