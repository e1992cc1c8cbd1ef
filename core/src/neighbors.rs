//! One table type for "each entity's k best others": the co-occurrence stage's strongest
//! partners (value = similarity) and the k-NN stage's nearest points (value = distance). Rows are
//! row-major `n × k`; a row with fewer than `k` entries is padded with [`NO_NEIGHBOR`]. The
//! indices are the map format's own [`Neighbors`] rows (what the map stores), with a value
//! beside each.

use starmap_format::{Neighbors, NO_NEIGHBOR};

/// `n` rows of up to `k` (index, value) pairs, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct NeighborTable {
    ids: Neighbors,
    values: Vec<f32>,
}

impl NeighborTable {
    /// A table from row-major `indices` and `values` (both `n × k`).
    ///
    /// # Panics
    /// When the lengths are not the same multiple of `k` (a bug in the caller, not bad input).
    pub fn from_parts(k: usize, indices: Vec<u32>, values: Vec<f32>) -> Self {
        assert_eq!(indices.len(), values.len(), "indices and values differ in length");
        assert!(indices.len().is_multiple_of(k.max(1)), "not a whole number of rows");
        Self { ids: Neighbors { k, indices }, values }
    }

    /// A table from rows of at most `k` pairs each, padding short rows.
    pub fn from_rows<R: AsRef<[(u32, f32)]>>(k: usize, rows: &[R]) -> Self {
        let mut indices = vec![NO_NEIGHBOR; rows.len() * k];
        let mut values = vec![0.0f32; rows.len() * k];
        for (i, row) in rows.iter().enumerate() {
            for (slot, &(j, v)) in row.as_ref().iter().take(k).enumerate() {
                indices[i * k + slot] = j;
                values[i * k + slot] = v;
            }
        }
        Self::from_parts(k, indices, values)
    }

    /// Entries per row.
    pub fn k(&self) -> usize {
        self.ids.k
    }

    /// Number of rows.
    pub fn n(&self) -> usize {
        self.ids.n()
    }

    /// Row `i`'s indices, padding included.
    pub fn indices_of(&self, i: usize) -> &[u32] {
        self.ids.row(i)
    }

    /// Row `i`'s values, padding included.
    pub fn values_of(&self, i: usize) -> &[f32] {
        let k = self.ids.k;
        &self.values[i * k..(i + 1) * k]
    }

    /// Every row's indices, row-major.
    pub fn indices(&self) -> &[u32] {
        &self.ids.indices
    }

    /// Every row's values, row-major.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// Row `i`'s entries, best first, without padding.
    pub fn of(&self, i: usize) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.indices_of(i).iter().copied().zip(self.values_of(i).iter().copied()).take_while(|&(j, _)| j != NO_NEIGHBOR)
    }

    /// Number of entries of row `i`.
    pub fn degree(&self, i: usize) -> usize {
        self.of(i).count()
    }

    /// The first `k` entries of every row (the table itself when it holds no more).
    pub fn truncated(&self, k: usize) -> Self {
        if k >= self.k() {
            return self.clone();
        }
        let n = self.n();
        let mut indices = Vec::with_capacity(n * k);
        let mut values = Vec::with_capacity(n * k);
        for i in 0..n {
            indices.extend_from_slice(&self.indices_of(i)[..k]);
            values.extend_from_slice(&self.values_of(i)[..k]);
        }
        Self::from_parts(k, indices, values)
    }

    /// Keeps the rows listed in `keep` (ascending) and renumbers the indices to match; an index
    /// to a dropped row must not occur (rows are kept because their entries are).
    pub fn select_rows(&self, keep: &[usize]) -> Self {
        let mut renumber = vec![NO_NEIGHBOR; self.n()];
        for (new, &old) in keep.iter().enumerate() {
            renumber[old] = new as u32;
        }
        let mut indices = Vec::with_capacity(keep.len() * self.k());
        let mut values = Vec::with_capacity(keep.len() * self.k());
        for &old in keep {
            indices
                .extend(self.indices_of(old).iter().map(|&j| if j == NO_NEIGHBOR { j } else { renumber[j as usize] }));
            values.extend_from_slice(self.values_of(old));
        }
        Self::from_parts(self.k(), indices, values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_pad_truncate_and_renumber() {
        let t = NeighborTable::from_rows(3, &[vec![(2, 0.9), (1, 0.5)], vec![(0, 0.7)], vec![(0, 0.9), (1, 0.1)]]);
        assert_eq!((t.n(), t.k()), (3, 3));
        assert_eq!(t.indices_of(1), &[0, NO_NEIGHBOR, NO_NEIGHBOR]);
        assert_eq!(t.of(0).collect::<Vec<_>>(), vec![(2, 0.9), (1, 0.5)]);
        assert_eq!(t.degree(1), 1);
        let first = t.truncated(1);
        assert_eq!(first.indices(), &[2, 0, 0]);
        assert_eq!(first.values(), &[0.9, 0.7, 0.9]);
        // Row 1 of this table shares nothing: dropping it renumbers row 2 to 1.
        let t = NeighborTable::from_rows(2, &[vec![(2, 0.9)], vec![], vec![(0, 0.9)]]);
        let kept = t.select_rows(&[0, 2]);
        assert_eq!(kept.indices(), &[1, NO_NEIGHBOR, 0, NO_NEIGHBOR]);
        assert_eq!(kept.values_of(1), &[0.9, 0.0]);
        assert_eq!(NeighborTable::from_parts(0, Vec::new(), Vec::new()).n(), 0);
    }
}
