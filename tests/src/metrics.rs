//! Agreement between two partitions of the same items, for judging clusters against the planted
//! truth.

use std::collections::BTreeMap;

fn pairs(k: u64) -> f64 {
    (k * k.saturating_sub(1)) as f64 / 2.0
}

/// The adjusted Rand index of two labelings of the same items (Hubert & Arabie 1985): 1 for
/// the same partition (whatever the label names), about 0 for independent ones, negative when
/// worse than chance. Items are counted in pairs: how many pairs both put together, against what
/// the two partitions' cluster sizes give by chance.
pub fn adjusted_rand_index(a: &[u32], b: &[u32]) -> f64 {
    assert_eq!(a.len(), b.len(), "two labelings of the same items");
    let mut both: BTreeMap<(u32, u32), u64> = BTreeMap::new();
    let (mut rows, mut cols): (BTreeMap<u32, u64>, BTreeMap<u32, u64>) = (BTreeMap::new(), BTreeMap::new());
    for (&x, &y) in a.iter().zip(b) {
        *both.entry((x, y)).or_default() += 1;
        *rows.entry(x).or_default() += 1;
        *cols.entry(y).or_default() += 1;
    }
    let index: f64 = both.values().map(|&k| pairs(k)).sum();
    let (sa, sb): (f64, f64) = (rows.values().map(|&k| pairs(k)).sum(), cols.values().map(|&k| pairs(k)).sum());
    let expected = sa * sb / pairs(a.len() as u64).max(1.0);
    let max = 0.5 * (sa + sb);
    if max == expected {
        // Both partitions are trivial (one cluster, or all singletons): they agree exactly.
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_partitions_score_one_whatever_the_names() {
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1, 2], &[7, 7, 3, 3, 9]), 1.0);
    }

    #[test]
    fn a_worked_example_and_chance() {
        // Contingency [[2, 1], [0, 3]]: index 1 + 3 = 4, rows 3 + 3 = 6 pairs, columns 1 + 6 = 7,
        // expected 6 × 7 / 15 = 2.8, max 6.5: (4 − 2.8) / (6.5 − 2.8) = 0.3243…
        let ari = adjusted_rand_index(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 1, 1]);
        assert!((ari - 1.2 / 3.7).abs() < 1e-12, "{ari}");
        // Splitting every cluster of one in two by a rule unrelated to it: near zero.
        let a: Vec<u32> = (0..1000).map(|i| i % 10).collect();
        let b: Vec<u32> = (0..1000).map(|i| (i / 100) % 10).collect();
        assert!(adjusted_rand_index(&a, &b).abs() < 0.01);
    }
}
