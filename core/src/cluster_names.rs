//! Names for the clusters of every level (docs/CHOICES.md, "Cluster names").
//!
//! A cluster is named by the metadata values most over-represented in it: each value's share
//! among the cluster's members against its share among all entities (the lift). A value
//! qualifies when at least [`MIN_SUPPORT`] members and at least [`MIN_SHARE`] of them have it
//! and its lift is at least [`MIN_LIFT`]; qualifying values rank by share × ln(lift) (the
//! value's part of the divergence between the cluster and the map: common and specific beats
//! either alone). The name is the best value, then the best of another column unless the two
//! mostly come together over the map (French and France), decades last: "Western · 1950s".
//! Values come from categorical and list columns, from text columns whose values repeat (a
//! director), and from year columns as runs of one or two decades ("1940s–50s"); the label
//! column, text that is mostly unique and other numbers are left out. Without a qualifying
//! value the name is the cluster's two most popular members' labels. Names within a level are
//! unique: clusters that share one get their most popular member's label in parentheses, then
//! a number if needed.

use std::collections::{BTreeMap, BTreeSet};

use starmap_format::{ClusterInfo, ClusterLevelContent, ClusterTerm, ColumnData, ColumnValues, MISSING_CODE};

/// A value must be held by at least this many members of a cluster…
pub const MIN_SUPPORT: usize = 3;
/// …and by at least this share of them…
pub const MIN_SHARE: f64 = 0.3;
/// …and be at least this many times more common in the cluster than in the whole map.
pub const MIN_LIFT: f64 = 1.5;
/// Values a name is made of, each from its own column.
pub const NAME_TERMS: usize = 2;
/// Member labels in a name made of labels.
pub const NAME_LABELS: usize = 2;
/// Member labels in a subtitle.
pub const SUBTITLE_LABELS: usize = 3;
/// Members listed in `top`.
pub const TOP_MEMBERS: usize = 5;
/// Numbers in this range, all whole, read as years (and name clusters by decades).
pub const YEARS: std::ops::RangeInclusive<f64> = 1800.0..=2100.0;
/// Two values are redundant when, over the whole map, at least this share of the entities
/// holding one also hold the other…
pub const REDUNDANT_SHARE: f64 = 0.5;
/// …and that is at least this many times what chance gives: French films and France, Hindi
/// and India, a director and the genre of all his films (not westerns and the 1950s).
pub const REDUNDANT_LIFT: f64 = 2.0;
/// Longest run of decades a year term spans ("1940s–50s"): three ("1970s–90s") named most of
/// Hollywood alike on films.
pub const MAX_DECADES: usize = 2;
/// Text columns whose distinct values are at most this share of their values repeat enough to
/// name clusters; above it they are names or descriptions, one an entity.
pub const MAX_DISTINCT_TEXT: f64 = 0.5;

/// What naming reads: the map's metadata, ids and popularity, in entity order.
#[derive(Debug, Clone, Copy)]
pub struct Entities<'a> {
    /// Entity ids (the labels when there is no label column or the label is empty).
    pub ids: &'a [String],
    /// Contexts per entity: members are ranked by it.
    pub popularity: &'a [u32],
    /// Metadata columns.
    pub columns: &'a [ColumnData],
    /// Index in `columns` of the label column.
    pub label_column: Option<usize>,
}

impl Entities<'_> {
    fn label(&self, i: usize) -> &str {
        match self.label_column.map(|c| &self.columns[c].values) {
            Some(ColumnValues::Text(t)) if !t.get(i).is_empty() => t.get(i),
            _ => &self.ids[i],
        }
    }
}

/// Every value that can name a cluster, and which entities hold which.
struct Vocabulary {
    /// Per term: its column's name and its value.
    terms: Vec<(usize, String)>,
    column_names: Vec<String>,
    /// Entity `i` holds `held[offsets[i]..offsets[i + 1]]`.
    offsets: Vec<usize>,
    held: Vec<u32>,
    /// Entities holding each term.
    count: Vec<usize>,
    /// Whether each term is a run of decades (they go last in a name: "Western · 1950s").
    is_decade: Vec<bool>,
}

/// First year of a year's decade: 1957 → 1950.
fn decade(year: f32) -> i64 {
    (year as i64).div_euclid(10) * 10
}

/// A run of decades from `a` to `b` (first years): "1950s", "1940s–60s", "1990s–2000s".
fn decades_label(a: i64, b: i64) -> String {
    match (a == b, a.div_euclid(100) == b.div_euclid(100)) {
        (true, _) => format!("{a}s"),
        (false, true) => format!("{a}s–{:02}s", b.rem_euclid(100)),
        (false, false) => format!("{a}s–{b}s"),
    }
}

/// Whether a numeric column holds years: whole numbers, all within [`YEARS`].
fn holds_years(values: &[f32]) -> bool {
    let mut present = values.iter().filter(|v| !v.is_nan()).peekable();
    present.peek().is_some() && present.all(|&v| v.fract() == 0.0 && YEARS.contains(&f64::from(v)))
}

impl Vocabulary {
    fn new(e: &Entities<'_>) -> Self {
        let n = e.ids.len();
        let mut terms: Vec<(usize, String)> = Vec::new();
        let mut column_names = Vec::new();
        let mut is_decade = Vec::new();
        let mut per_entity: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (c, col) in e.columns.iter().enumerate() {
            if Some(c) == e.label_column {
                continue;
            }
            // Each column's values as (entity, value index) pairs, then numbered globally.
            let (values, pairs): (Vec<String>, Vec<(usize, usize)>) = match &col.values {
                ColumnValues::Categorical(cat) => (
                    cat.categories.clone(),
                    cat.codes
                        .iter()
                        .enumerate()
                        .filter(|p| *p.1 != MISSING_CODE)
                        .map(|(i, &k)| (i, k as usize))
                        .collect(),
                ),
                ColumnValues::Tags(t) => {
                    (t.categories.clone(), (0..n).flat_map(|i| t.of(i).iter().map(move |&k| (i, k as usize))).collect())
                }
                ColumnValues::Numeric(v) if holds_years(v) => {
                    // Every run of up to MAX_DECADES decades that starts and ends on one present.
                    let decades: BTreeSet<i64> = v.iter().filter(|x| !x.is_nan()).map(|&x| decade(x)).collect();
                    let last = 10 * (MAX_DECADES as i64 - 1);
                    let runs: Vec<(i64, i64)> =
                        decades.iter().flat_map(|&a| decades.range(a..=a + last).map(move |&b| (a, b))).collect();
                    let pairs = v
                        .iter()
                        .enumerate()
                        .filter(|p| !p.1.is_nan())
                        .flat_map(|(i, &x)| {
                            let d = decade(x);
                            runs.iter()
                                .enumerate()
                                .filter(move |(_, r)| (r.0..=r.1).contains(&d))
                                .map(move |(k, _)| (i, k))
                        })
                        .collect();
                    (runs.iter().map(|&(a, b)| decades_label(a, b)).collect(), pairs)
                }
                ColumnValues::Numeric(_) => continue,
                ColumnValues::Text(t) => {
                    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
                    let mut present = 0usize;
                    for s in t.iter().filter(|s| !s.is_empty()) {
                        present += 1;
                        index.entry(s).or_insert(0);
                    }
                    if index.len() as f64 > MAX_DISTINCT_TEXT * present as f64 {
                        continue;
                    }
                    for (k, slot) in index.values_mut().enumerate() {
                        *slot = k;
                    }
                    let pairs = (0..n).filter(|&i| !t.get(i).is_empty()).map(|i| (i, index[t.get(i)])).collect();
                    (index.keys().map(|s| s.to_string()).collect(), pairs)
                }
            };
            let first = terms.len() as u32;
            is_decade.extend(std::iter::repeat_n(matches!(col.values, ColumnValues::Numeric(_)), values.len()));
            column_names.push(col.name.clone());
            let column = column_names.len() - 1;
            terms.extend(values.into_iter().map(|v| (column, v)));
            for (i, k) in pairs {
                per_entity[i].push(first + k as u32);
            }
        }
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        let mut held = Vec::new();
        let mut count = vec![0usize; terms.len()];
        for list in &mut per_entity {
            list.sort_unstable();
            list.dedup();
            for &t in list.iter() {
                count[t as usize] += 1;
            }
            held.extend_from_slice(list);
            offsets.push(held.len());
        }
        Self { terms, column_names, offsets, held, count, is_decade }
    }

    fn of(&self, i: usize) -> &[u32] {
        &self.held[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Entities holding each term, ascending (an inverted index, for [`Vocabulary::redundant`]).
    fn holders(&self) -> Vec<Vec<u32>> {
        let mut out: Vec<Vec<u32>> = self.count.iter().map(|&c| Vec::with_capacity(c)).collect();
        for i in 0..self.offsets.len() - 1 {
            for &t in self.of(i) {
                out[t as usize].push(i as u32);
            }
        }
        out
    }
}

/// Whether one of two terms mostly comes with the other over the map of `n` entities, well
/// beyond chance ([`REDUNDANT_SHARE`], [`REDUNDANT_LIFT`]).
fn redundant(holders: &[Vec<u32>], n: usize, a: u32, b: u32) -> bool {
    let (x, y) = (&holders[a as usize], &holders[b as usize]);
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let (both, n) = (both as f64, n as f64);
    [(x.len() as f64, y.len() as f64), (y.len() as f64, x.len() as f64)]
        .iter()
        .any(|&(one, other)| both >= REDUNDANT_SHARE * one && both * n >= REDUNDANT_LIFT * one * other)
}

/// A qualifying term of a cluster and its score.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scored {
    term: u32,
    share: f64,
    lift: f64,
    score: f64,
}

/// The qualifying terms of the cluster `members`, best first. `tally` is zeroed scratch, one
/// slot a term.
fn ranked_terms(v: &Vocabulary, members: &[usize], n: usize, tally: &mut [usize]) -> Vec<Scored> {
    let mut touched = Vec::new();
    for &i in members {
        for &t in v.of(i) {
            if tally[t as usize] == 0 {
                touched.push(t);
            }
            tally[t as usize] += 1;
        }
    }
    let size = members.len() as f64;
    let support = MIN_SUPPORT.max((MIN_SHARE * size).ceil() as usize);
    let mut out: Vec<Scored> = touched
        .iter()
        .filter_map(|&t| {
            let held = std::mem::take(&mut tally[t as usize]);
            let share = held as f64 / size;
            let lift = share / (v.count[t as usize] as f64 / n as f64);
            (held >= support && lift >= MIN_LIFT).then(|| Scored { term: t, share, lift, score: share * lift.ln() })
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.term.cmp(&b.term)));
    out
}

/// Up to [`NAME_TERMS`] terms, best first: each column's best term, unless it is redundant with
/// one chosen (then the column says nothing new: Japanese films from Japan, and the next best
/// country, South Korea, would mislead); then decades last.
fn name_terms(v: &Vocabulary, holders: &[Vec<u32>], n: usize, ranked: &[Scored]) -> Vec<Scored> {
    let mut chosen: Vec<Scored> = Vec::new();
    let mut columns_seen = Vec::new();
    for s in ranked {
        let column = v.terms[s.term as usize].0;
        if chosen.len() == NAME_TERMS || columns_seen.contains(&column) {
            continue;
        }
        columns_seen.push(column);
        if chosen.iter().all(|c| !redundant(holders, n, c.term, s.term)) {
            chosen.push(*s);
        }
    }
    chosen.sort_by_key(|s| v.is_decade[s.term as usize]);
    chosen
}

fn round_to(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// Names every cluster of `levels` (coarsest first; each entity's cluster per level, clusters
/// numbered from 0, each level nested in the one before) and describes it for the manifest.
pub fn describe(levels: &[Vec<u32>], e: &Entities<'_>) -> Vec<ClusterLevelContent> {
    let n = e.ids.len();
    let vocabulary = Vocabulary::new(e);
    let mut tally = vec![0usize; vocabulary.terms.len()];
    let holders = vocabulary.holders();
    let mut out: Vec<ClusterLevelContent> = Vec::with_capacity(levels.len());
    for (l, ids) in levels.iter().enumerate() {
        let count = ids.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (i, &c) in ids.iter().enumerate() {
            members[c as usize].push(i);
        }
        let mut clusters: Vec<ClusterInfo> = members
            .iter_mut()
            .map(|list| {
                let parent = (l > 0).then(|| levels[l - 1][list[0]]);
                let terms = name_terms(&vocabulary, &holders, n, &ranked_terms(&vocabulary, list, n, &mut tally));
                // Most popular first, ties by index: `list` is in index order and the sort is stable.
                let size = list.len() as u32;
                list.sort_by_key(|&i| std::cmp::Reverse(e.popularity[i]));
                let labels = |k: usize| list.iter().take(k).map(|&i| e.label(i)).collect::<Vec<_>>().join(", ");
                let name = if terms.is_empty() {
                    labels(NAME_LABELS)
                } else {
                    terms.iter().map(|s| vocabulary.terms[s.term as usize].1.as_str()).collect::<Vec<_>>().join(" · ")
                };
                ClusterInfo {
                    name,
                    subtitle: labels(SUBTITLE_LABELS),
                    size,
                    parent,
                    terms: terms
                        .iter()
                        .map(|s| {
                            let (column, value) = &vocabulary.terms[s.term as usize];
                            ClusterTerm {
                                column: vocabulary.column_names[*column].clone(),
                                value: value.clone(),
                                share: round_to(s.share, 3),
                                lift: round_to(s.lift, 2),
                            }
                        })
                        .collect(),
                    top: list.iter().take(TOP_MEMBERS).map(|&i| i as u32).collect(),
                }
            })
            .collect();
        let tops: Vec<&str> = members.iter().map(|list| e.label(list[0])).collect();
        make_unique(&mut clusters, &tops);
        let ids = ids.iter().map(|&c| c as u16).collect();
        out.push(ClusterLevelContent { ids, clusters });
    }
    out
}

/// Makes the names of one level unique: clusters sharing a name get their most popular
/// member's label (`tops`) in parentheses; names still shared get " 2", " 3", … after the
/// first, in cluster order.
fn make_unique(clusters: &mut [ClusterInfo], tops: &[&str]) {
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    for c in clusters.iter() {
        *uses.entry(c.name.clone()).or_default() += 1;
    }
    for (c, top) in clusters.iter_mut().zip(tops) {
        // A name made of labels already starts with the top label.
        if uses[&c.name] > 1 && !c.name.starts_with(top) {
            c.name = format!("{} ({top})", c.name);
        }
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for c in clusters.iter_mut() {
        if !taken.insert(c.name.clone()) {
            let mut k = 2;
            while taken.contains(&format!("{} {k}", c.name)) || uses.contains_key(&format!("{} {k}", c.name)) {
                k += 1;
            }
            c.name = format!("{} {k}", c.name);
            taken.insert(c.name.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use starmap_format::{Categorical, Tags, TextColumn};

    /// 40 entities: the first 20 mostly westerns, half of the 1950s, the rest a mix; a title
    /// column (the labels), a country that splits evenly, a rating, an award two entities won,
    /// an era that says what the decade says.
    fn entities() -> (Vec<String>, Vec<u32>, Vec<ColumnData>) {
        let ids: Vec<String> = (0..40).map(|i| format!("e{i}")).collect();
        let popularity: Vec<u32> = (0..40).map(|i| 100 - i).collect();
        let titles: Vec<String> = (0..40).map(|i| format!("Film {i}")).collect();
        // Genre (a list): westerns are 4–15 and 20–21; every entity is a drama, which names
        // nothing.
        let mut offsets = vec![0u32];
        let mut codes = Vec::new();
        for i in 0..40 {
            codes.push(0);
            if (4..16).contains(&i) || (20..22).contains(&i) {
                codes.push(1);
            }
            offsets.push(codes.len() as u32);
        }
        let genre = Tags { categories: vec!["Drama".into(), "Western".into()], offsets, codes };
        // Years: 1950s for 0–9, else 1990s.
        let year: Vec<f32> = (0..40).map(|i| if i < 10 { 1951.0 + i as f32 % 9.0 } else { 1995.0 }).collect();
        let country = Categorical {
            categories: vec!["US".into(), "Italy".into()],
            codes: (0..40).map(|i| if i % 2 == 0 { 0 } else { 1 }).collect(),
        };
        let award = Categorical {
            categories: vec!["Gold".into()],
            codes: (0..40).map(|i| if (20..22).contains(&i) { 0 } else { MISSING_CODE }).collect(),
        };
        let rating: Vec<f32> = (0..40).map(|i| i as f32 / 10.0).collect();
        let era = Categorical {
            categories: vec!["late".into(), "early".into()],
            codes: (0..40).map(|i| u16::from(i < 10)).collect(),
        };
        let columns = vec![
            ColumnData { name: "title".into(), values: ColumnValues::Text(TextColumn::from_values(&titles)) },
            ColumnData { name: "genre".into(), values: ColumnValues::Tags(genre) },
            ColumnData { name: "year".into(), values: ColumnValues::Numeric(year) },
            ColumnData { name: "country".into(), values: ColumnValues::Categorical(country) },
            ColumnData { name: "rating".into(), values: ColumnValues::Numeric(rating) },
            ColumnData { name: "award".into(), values: ColumnValues::Categorical(award) },
            ColumnData { name: "era".into(), values: ColumnValues::Categorical(era) },
        ];
        (ids, popularity, columns)
    }

    #[test]
    fn names_are_the_most_over_represented_values_of_two_columns() {
        let (ids, popularity, columns) = entities();
        let e = Entities { ids: &ids, popularity: &popularity, columns: &columns, label_column: Some(0) };
        let level: Vec<u32> = (0..40).map(|i| u32::from(i >= 20)).collect();
        let out = describe(std::slice::from_ref(&level), &e);
        let first = &out[0].clusters[0];
        // 1950s: 10 of 20 against 10 of 40, lift 2, score 0.5 ln 2 = 0.35; "early" the same,
        // but it comes with the 1950s (Jaccard 1): redundant. Western: 12 of 20 against 14 of
        // 40, lift 1.71, score 0.6 ln 1.71 = 0.32, and goes first, the decade last. The country
        // splits evenly (lift 1), drama is everywhere (lift 1), the rating is no year.
        assert_eq!(first.name, "Western · 1950s");
        assert_eq!(first.terms[1], ClusterTerm { column: "year".into(), value: "1950s".into(), share: 0.5, lift: 2.0 });
        assert_eq!((first.terms[0].share, first.terms[0].lift), (0.6, 1.71));
        assert_eq!((first.size, first.parent), (20, None));
        assert_eq!(first.subtitle, "Film 0, Film 1, Film 2");
        assert_eq!(first.top, vec![0, 1, 2, 3, 4]);
        // The second: the 1990s are all of it but 3/4 of the map (lift 1.33 < 1.5); westerns
        // and the award are 2 members, under 30 % (6 members). Named by its two most popular.
        let second = &out[0].clusters[1];
        assert_eq!(second.name, "Film 20, Film 21");
        assert!(second.terms.is_empty());
        assert_eq!(out[0].ids, level.iter().map(|&c| c as u16).collect::<Vec<_>>());
    }

    #[test]
    fn support_and_lift_thresholds_hold_and_text_that_repeats_counts() {
        let (ids, popularity, mut columns) = entities();
        // A director a four entities: text, 10 distinct values of 40, so values that repeat.
        let director: Vec<String> = (0..40).map(|i| format!("D{}", i / 4)).collect();
        columns.push(ColumnData {
            name: "director".into(),
            values: ColumnValues::Text(TextColumn::from_values(&director)),
        });
        let e = Entities { ids: &ids, popularity: &popularity, columns: &columns, label_column: Some(0) };
        // Clusters of four: each one director's films.
        let level: Vec<u32> = (0..40).map(|i| i / 4).collect();
        let out = describe(std::slice::from_ref(&level), &e);
        // Entities 8–11: D2 (lift 10, score 2.30), then Western (lift 2.86), but all of D2's
        // films are westerns, 2.86 times what chance gives: redundant, and the genre column says
        // nothing more. The 1950s are two of them, under the minimum support of three.
        assert_eq!(out[0].clusters[2].name, "D2");
        // Entities 20–23: the award is half of them at lift 10, but two members, under the
        // minimum support of three; westerns are half at lift 1.43, under 1.5.
        let c = &out[0].clusters[5];
        assert_eq!(c.name, "D5", "{c:?}");
        assert_eq!(c.terms[0].column, "director");
        // The title column (the labels, all distinct) never names a cluster; without a label
        // column it is still left out, as mostly unique text.
        let e2 = Entities { label_column: None, ..e };
        let out2 = describe(std::slice::from_ref(&level), &e2);
        assert!(out2[0].clusters.iter().flat_map(|c| &c.terms).all(|t| t.column != "title"));
        assert_eq!(out2[0].clusters[9].subtitle, "e36, e37, e38", "ids label entities without a label column");
    }

    #[test]
    fn names_within_a_level_are_unique_and_levels_know_their_parents() {
        let (ids, popularity, columns) = entities();
        let e = Entities { ids: &ids, popularity: &popularity, columns: &columns, label_column: Some(0) };
        // Coarse: halves; fine: quarters.
        let coarse: Vec<u32> = (0..40).map(|i| u32::from(i >= 20)).collect();
        let fine: Vec<u32> = (0..40).map(|i| i / 10).collect();
        let out = describe(&[coarse, fine], &e);
        let names: Vec<&str> = out[1].clusters.iter().map(|c| c.name.as_str()).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert_eq!(names, ["Western · 1950s", "Western", "Film 20, Film 21", "Film 30, Film 31"]);
        let parents: Vec<Option<u32>> = out[1].clusters.iter().map(|c| c.parent).collect();
        assert_eq!(parents, [Some(0), Some(0), Some(1), Some(1)]);
        // Clusters sharing a name: each gets its top member, and a number if that still clashes.

        let mut same = vec![cluster("Drama"), cluster("Drama"), cluster("Horror"), cluster("Drama (B)")];
        make_unique(&mut same, &["A", "B", "C", "D"]);
        let names: Vec<&str> = same.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Drama (A)", "Drama (B)", "Horror", "Drama (B) 2"]);
    }

    fn cluster(name: &str) -> ClusterInfo {
        ClusterInfo {
            name: name.into(),
            subtitle: String::new(),
            size: 1,
            parent: None,
            terms: Vec::new(),
            top: Vec::new(),
        }
    }

    #[test]
    fn years_are_whole_numbers_in_range_and_bin_into_decades() {
        assert!(holds_years(&[1951.0, f32::NAN, 2020.0]));
        assert!(!holds_years(&[1951.5, 1960.0]));
        assert!(!holds_years(&[90.0, 120.0]), "minutes are not years");
        assert!(!holds_years(&[f32::NAN]));
        assert_eq!((decade(1957.0), decade(2000.0), decade(1899.0)), (1950, 2000, 1890));
        assert_eq!(decades_label(1950, 1950), "1950s");
        assert_eq!(decades_label(1940, 1960), "1940s–60s");
        assert_eq!(decades_label(1990, 2000), "1990s–2000s");
    }
}
