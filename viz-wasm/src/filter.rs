//! Filters: a range per numeric column, a set of enabled categories per categorical or tags
//! column. A point that fails any active filter is dimmed (never removed). The state converts to
//! and from the URL's [`FilterSpec`]s by column and category *name*, so links survive a rebuild
//! that renumbers categories.

use starmap_format::{ColumnKind, Manifest};

use crate::urlstate::FilterSpec;
use starmap_format::Column;

/// The filter on one column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnFilter {
    /// Keep values in `lo..=hi`. Missing values pass only while the range is the full one.
    Range {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
    },
    /// Keep entities having any enabled category (categorical or tags columns).
    Categories {
        /// Enabled flag by category code.
        enabled: Vec<bool>,
        /// Whether entities without a value pass.
        missing: bool,
    },
}

/// Every column's filter, indexed like `manifest.columns` (`None` for text columns).
#[derive(Debug, Clone, PartialEq)]
pub struct Filters {
    columns: Vec<Option<ColumnFilter>>,
    /// Each numeric column's full range, for telling an active range from the full one.
    full: Vec<(f64, f64)>,
}

impl Filters {
    /// Filters that let everything through.
    pub fn new(m: &Manifest) -> Self {
        let mut full = Vec::with_capacity(m.columns.len());
        let columns = m
            .columns
            .iter()
            .map(|c| {
                let range = (c.min.unwrap_or(0.0), c.max.unwrap_or(0.0));
                full.push(range);
                match c.kind {
                    ColumnKind::Numeric => Some(ColumnFilter::Range { lo: range.0, hi: range.1 }),
                    ColumnKind::Categorical | ColumnKind::Tags => {
                        Some(ColumnFilter::Categories { enabled: vec![true; c.categories.len()], missing: true })
                    }
                    ColumnKind::Text => None,
                }
            })
            .collect();
        Self { columns, full }
    }

    /// The filter of column `col`.
    pub fn get(&self, col: usize) -> Option<&ColumnFilter> {
        self.columns.get(col).and_then(|c| c.as_ref())
    }

    /// Sets a numeric column's range (ends swapped if reversed, clamped to the full range).
    pub fn set_range(&mut self, col: usize, lo: f64, hi: f64) {
        let (min, max) = self.full.get(col).copied().unwrap_or((lo, hi));
        let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        if let Some(Some(ColumnFilter::Range { lo: l, hi: h })) = self.columns.get_mut(col) {
            *l = lo.clamp(min, max);
            *h = hi.clamp(min, max);
        }
    }

    /// Enables or disables category `code` of column `col`; `None` is the missing value.
    pub fn set_category(&mut self, col: usize, code: Option<usize>, on: bool) {
        if let Some(Some(ColumnFilter::Categories { enabled, missing })) = self.columns.get_mut(col) {
            match code {
                Some(c) if c < enabled.len() => enabled[c] = on,
                Some(_) => {}
                None => *missing = on,
            }
        }
    }

    /// Lets everything of column `col` through again.
    pub fn reset_column(&mut self, col: usize) {
        let full = self.full.get(col).copied();
        match self.columns.get_mut(col) {
            Some(Some(ColumnFilter::Range { lo, hi })) => {
                if let Some((min, max)) = full {
                    (*lo, *hi) = (min, max);
                }
            }
            Some(Some(ColumnFilter::Categories { enabled, missing })) => {
                enabled.iter_mut().for_each(|e| *e = true);
                *missing = true;
            }
            _ => {}
        }
    }

    /// Lets everything through.
    pub fn reset(&mut self) {
        for col in 0..self.columns.len() {
            self.reset_column(col);
        }
    }

    /// Whether column `col` restricts anything.
    pub fn is_active(&self, col: usize) -> bool {
        match self.get(col) {
            Some(ColumnFilter::Range { lo, hi }) => {
                let (min, max) = self.full[col];
                *lo > min || *hi < max
            }
            Some(ColumnFilter::Categories { enabled, missing }) => !*missing || enabled.iter().any(|e| !e),
            None => false,
        }
    }

    /// Whether any column restricts anything.
    pub fn any_active(&self) -> bool {
        (0..self.columns.len()).any(|c| self.is_active(c))
    }

    /// Which entities pass every active filter, and how many. `columns` holds the decoded
    /// columns by manifest index; columns not loaded yet do not filter.
    pub fn mask(&self, n: usize, columns: &[Option<Column>]) -> (Vec<bool>, usize) {
        let mut pass = vec![true; n];
        for (col, filter) in self.columns.iter().enumerate() {
            if !self.is_active(col) {
                continue;
            }
            let (Some(filter), Some(Some(data))) = (filter, columns.get(col)) else { continue };
            match (filter, data) {
                (ColumnFilter::Range { lo, hi }, Column::Numeric(values)) => {
                    for (p, &v) in pass.iter_mut().zip(values) {
                        // NaN (missing) fails the comparison, so it is dimmed by an active range.
                        *p &= (v as f64) >= *lo && (v as f64) <= *hi;
                    }
                }
                (ColumnFilter::Categories { enabled, missing }, data @ (Column::Categorical(_) | Column::Tags(_))) => {
                    for (i, p) in pass.iter_mut().enumerate() {
                        if *p {
                            let codes = data.codes_of(i);
                            *p = if codes.is_empty() {
                                *missing
                            } else {
                                codes.iter().any(|&c| enabled.get(c as usize).copied().unwrap_or(false))
                            };
                        }
                    }
                }
                _ => {}
            }
        }
        let count = pass.iter().filter(|&&p| p).count();
        (pass, count)
    }

    /// The active filters as URL specs, by column and category name.
    pub fn to_specs(&self, m: &Manifest) -> Vec<(String, FilterSpec)> {
        let mut out = Vec::new();
        for (col, info) in m.columns.iter().enumerate() {
            if !self.is_active(col) {
                continue;
            }
            match self.get(col) {
                Some(ColumnFilter::Range { lo, hi }) => out.push((info.name.clone(), FilterSpec::Range(*lo, *hi))),
                Some(ColumnFilter::Categories { enabled, missing }) => {
                    let mut values: Vec<Option<String>> = info
                        .categories
                        .iter()
                        .zip(enabled)
                        .filter(|(_, &on)| on)
                        .map(|(c, _)| Some(c.value.clone()))
                        .collect();
                    if *missing {
                        values.push(None);
                    }
                    out.push((info.name.clone(), FilterSpec::Categories(values)));
                }
                None => {}
            }
        }
        out
    }

    /// Filters from URL specs; unknown columns and categories are ignored.
    pub fn from_specs(m: &Manifest, specs: &[(String, FilterSpec)]) -> Self {
        let mut f = Self::new(m);
        for (name, spec) in specs {
            let Some(col) = m.column_index(name) else { continue };
            match (spec, &m.columns[col].kind) {
                (FilterSpec::Range(lo, hi), ColumnKind::Numeric) => f.set_range(col, *lo, *hi),
                (FilterSpec::Categories(values), ColumnKind::Categorical | ColumnKind::Tags) => {
                    let cats = &m.columns[col].categories;
                    for code in 0..cats.len() {
                        f.set_category(col, Some(code), false);
                    }
                    f.set_category(col, None, false);
                    for v in values {
                        match v {
                            Some(v) => {
                                if let Some(code) = cats.iter().position(|c| &c.value == v) {
                                    f.set_category(col, Some(code), true);
                                }
                            }
                            None => f.set_category(col, None, true),
                        }
                    }
                }
                _ => {}
            }
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use starmap_format::{read::decode_metadata, testing::sample};

    fn setup() -> (Manifest, Vec<Option<Column>>) {
        let e = sample();
        let m = e.manifest.clone();
        let meta = decode_metadata(&m, &e.files.iter().find(|(n, _)| n == "metadata.bin").unwrap().1).unwrap();
        let mut cols = vec![None; m.columns.len()];
        for (i, c) in meta {
            cols[i] = Some(c);
        }
        (m, cols)
    }

    #[test]
    fn nothing_filtered_by_default() {
        let (m, cols) = setup();
        let f = Filters::new(&m);
        assert!(!f.any_active());
        assert_eq!(f.mask(4, &cols), (vec![true; 4], 4));
        assert!(f.to_specs(&m).is_empty());
    }

    #[test]
    fn range_filter_dims_outside_and_missing() {
        let (m, cols) = setup();
        let year = m.column_index("year").unwrap();
        let mut f = Filters::new(&m);
        f.set_range(year, 2005.0, 1995.0); // reversed ends are swapped
        assert!(f.is_active(year));
        // years: 1999, NaN, 2001, 2010
        assert_eq!(f.mask(4, &cols), (vec![true, false, true, false], 2));
        f.set_range(year, -1e9, 1e9); // clamped to the full range: inactive again
        assert!(!f.is_active(year));
        assert_eq!(f.mask(4, &cols).1, 4, "missing values pass a full range");
    }

    #[test]
    fn category_and_tags_filters() {
        let (m, cols) = setup();
        let kind = m.column_index("kind").unwrap();
        let genre = m.column_index("genre").unwrap();
        let mut f = Filters::new(&m);
        // kind: x, y, y, missing
        f.set_category(kind, Some(1), false);
        assert_eq!(f.mask(4, &cols).0, vec![true, false, false, true]);
        f.set_category(kind, None, false);
        assert_eq!(f.mask(4, &cols).0, vec![true, false, false, false]);
        f.reset_column(kind);
        // genre: [Drama, Comedy], [Comedy], [], [Drama]; disabling Drama keeps any-Comedy.
        f.set_category(genre, Some(0), false);
        assert_eq!(f.mask(4, &cols).0, vec![true, true, true, false]);
        f.set_category(genre, None, false);
        assert_eq!(f.mask(4, &cols).0, vec![true, true, false, false]);
        // Filters combine with AND.
        let year = m.column_index("year").unwrap();
        f.set_range(year, 2000.0, 2010.0);
        assert_eq!(f.mask(4, &cols), (vec![false, false, false, false], 0));
        f.reset();
        assert!(!f.any_active());
    }

    #[test]
    fn unloaded_columns_do_not_filter() {
        let (m, _) = setup();
        let mut f = Filters::new(&m);
        f.set_category(m.column_index("kind").unwrap(), Some(0), false);
        assert_eq!(f.mask(4, &vec![None; m.columns.len()]).1, 4);
    }

    #[test]
    fn specs_round_trip_by_name() {
        let (m, cols) = setup();
        let mut f = Filters::new(&m);
        f.set_range(m.column_index("year").unwrap(), 2000.0, 2005.0);
        f.set_category(m.column_index("genre").unwrap(), Some(1), false);
        let specs = f.to_specs(&m);
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[1], ("genre".into(), FilterSpec::Categories(vec![Some("Drama".into()), None])));
        let back = Filters::from_specs(&m, &specs);
        assert_eq!(back, f);
        assert_eq!(back.mask(4, &cols), f.mask(4, &cols));
        // Unknown names are ignored.
        let odd = Filters::from_specs(&m, &[("nope".into(), FilterSpec::Range(0.0, 1.0))]);
        assert!(!odd.any_active());
    }
}
