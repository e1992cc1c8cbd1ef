//! The legend of a categorical colouring doubles as a filter: each entry shows whether its
//! categories pass the colour column's filter, and clicking it flips them.

use crate::colors::LegendEntry;
use crate::filter::{ColumnFilter, Filters};

/// Whether a legend entry shows as "on": some category it stands for passes `filter` (for the
/// missing-value entry: missing values pass). Without a category filter every entry is on.
pub fn entry_on(filter: Option<&ColumnFilter>, entry: &LegendEntry) -> bool {
    match filter {
        Some(ColumnFilter::Categories { enabled, missing }) => {
            if entry.missing {
                *missing
            } else {
                entry.codes.iter().any(|&c| enabled.get(c as usize).copied().unwrap_or(true))
            }
        }
        _ => true,
    }
}

/// Flips every category behind `entry` in column `col`'s filter: all off when the entry is on,
/// all on otherwise. Returns whether anything could change (the column has a category filter).
pub fn toggle_entry(filters: &mut Filters, col: usize, entry: &LegendEntry) -> bool {
    let on = match filters.get(col) {
        filter @ Some(ColumnFilter::Categories { .. }) => entry_on(filter, entry),
        _ => return false,
    };
    if entry.missing {
        filters.set_category(col, None, !on);
    }
    for &c in &entry.codes {
        filters.set_category(col, Some(c as usize), !on);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(codes: &[u16], missing: bool) -> LegendEntry {
        LegendEntry { label: "x".into(), color: [0, 0, 0], count: 1, codes: codes.to_vec(), missing }
    }

    fn cats(enabled: &[bool], missing: bool) -> ColumnFilter {
        ColumnFilter::Categories { enabled: enabled.to_vec(), missing }
    }

    #[test]
    fn an_entry_is_on_while_any_of_its_categories_passes() {
        let f = cats(&[true, false, false], true);
        assert!(entry_on(Some(&f), &entry(&[0], false)));
        assert!(!entry_on(Some(&f), &entry(&[1], false)));
        // "Other" stands for several categories: on while one of them passes.
        assert!(entry_on(Some(&f), &entry(&[1, 2, 0], false)));
        assert!(!entry_on(Some(&f), &entry(&[1, 2], false)));
    }

    #[test]
    fn the_missing_entry_follows_the_missing_flag() {
        assert!(entry_on(Some(&cats(&[false], true)), &entry(&[], true)));
        assert!(!entry_on(Some(&cats(&[true], false)), &entry(&[], true)));
    }

    #[test]
    fn without_a_category_filter_every_entry_is_on() {
        assert!(entry_on(None, &entry(&[0], false)));
        assert!(entry_on(Some(&ColumnFilter::Range { lo: 0.0, hi: 1.0 }), &entry(&[0], false)));
        // Codes beyond the filter's list (a newer legend) count as passing.
        assert!(entry_on(Some(&cats(&[false], true)), &entry(&[7], false)));
    }

    #[test]
    fn toggling_flips_the_entry_and_only_category_filters() {
        let e = starmap_format::testing::sample();
        let m = e.manifest;
        let kind = m.column_index("kind").unwrap();
        let mut f = Filters::new(&m);
        let x = entry(&[0], false);
        assert!(toggle_entry(&mut f, kind, &x));
        assert!(!entry_on(f.get(kind), &x));
        assert!(entry_on(f.get(kind), &entry(&[1], false)), "other entries stay on");
        assert!(toggle_entry(&mut f, kind, &x));
        assert!(entry_on(f.get(kind), &x));
        assert!(!f.is_active(kind));
        let missing = entry(&[], true);
        toggle_entry(&mut f, kind, &missing);
        assert!(!entry_on(f.get(kind), &missing) && f.is_active(kind));
        let year = m.column_index("year").unwrap();
        assert!(!toggle_entry(&mut f, year, &x), "a range filter has no categories to flip");
    }
}
