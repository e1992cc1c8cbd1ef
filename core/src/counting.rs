//! The shared steps of a stable counting sort run in parallel parts (ingest groups its rows by
//! context with it, co-occurrence its interactions by entity). Each part, a run of the items,
//! counts its keys; the counts give each part its first slot for each key, after the earlier
//! parts'; then every part places its items at once. The result does not depend on the parts.

/// Parts to cut `items` into: up to one a thread, at most 8 (each holds a counter per key),
/// none under 64k items.
pub(crate) fn parts(items: usize) -> usize {
    rayon::current_num_threads().min(8).min(items >> 16).max(1)
}

/// Turns `counts[p][k]`, part p's count of key k, into part p's first slot for key k (a key's
/// slots in part order, the keys one after another), and returns the keys' offsets
/// (`keys + 1` of them: key k's items go to `offsets[k]..offsets[k + 1]`).
pub(crate) fn first_slots(counts: &mut [Vec<usize>], keys: usize) -> Vec<usize> {
    let mut offsets = vec![0usize; keys + 1];
    let mut next = 0;
    for (k, offset) in offsets[..keys].iter_mut().enumerate() {
        *offset = next;
        for part in counts.iter_mut() {
            let count = part[k];
            part[k] = next;
            next += count;
        }
    }
    offsets[keys] = next;
    offsets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_keys_then_parts() {
        // Two parts, three keys: part 0 has 2, 0, 1 of them, part 1 has 1, 2, 0.
        let mut counts = vec![vec![2, 0, 1], vec![1, 2, 0]];
        let offsets = first_slots(&mut counts, 3);
        assert_eq!(offsets, [0, 3, 5, 6]);
        assert_eq!(counts, [vec![0, 3, 5], vec![2, 3, 6]]);
    }
}
