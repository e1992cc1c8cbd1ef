//! Name search: case- and accent-insensitive, ranked prefix > word start > substring, popular
//! first among equals. All names are normalised once into one byte buffer, sorted by
//! popularity, so a query is one substring scan (`memchr::memmem`) that can stop as soon as the
//! best tier is full — under a few milliseconds at a million names.

use memchr::memmem;

/// Where in a name the query matched; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// The name starts with the query.
    Prefix = 0,
    /// A word of the name starts with the query.
    WordStart = 1,
    /// The query occurs inside a word.
    Substring = 2,
}

/// One search result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// The entity index.
    pub entity: u32,
    /// How it matched.
    pub tier: Tier,
}

/// Base letter of a Latin letter with a diacritic (U+00C0..=U+017F), already lowercase, or `None`.
fn fold_latin(c: char) -> Option<&'static str> {
    // Indexed by code point - 0xC0; "" marks characters kept as they are.
    const TABLE: [&str; 192] = [
        // C0..CF
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", //
        // D0..DF
        "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss", //
        // E0..EF
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", //
        // F0..FF
        "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y", //
        // 100..11F
        "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d", //
        "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g", //
        // 120..13F
        "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i", //
        "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l", //
        // 140..15F
        "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o", //
        "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s", //
        // 160..17F
        "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u", //
        "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s", //
    ];
    let cp = c as u32;
    if (0xC0..0x180).contains(&cp) {
        let s = TABLE[(cp - 0xC0) as usize];
        (!s.is_empty()).then_some(s)
    } else {
        None
    }
}

/// Appends the search form of `s` to `out`: lowercase, Latin diacritics removed, combining
/// marks dropped, control characters (which separate names in the index) turned into spaces.
pub fn normalize_into(s: &str, out: &mut String) {
    for c in s.chars() {
        if c.is_ascii() {
            out.push(if c.is_ascii_control() { ' ' } else { c.to_ascii_lowercase() });
        } else if let Some(base) = fold_latin(c) {
            out.push_str(base);
        } else if ('\u{300}'..='\u{36F}').contains(&c) {
            // Combining diacritical marks (decomposed input): drop them.
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// The search form of `s` (see [`normalize_into`]).
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalize_into(s, &mut out);
    out
}

/// Whether byte `b` (preceding a match) ends a word. Non-ASCII bytes count as letters, so a
/// match right after "é" in a name that kept its accent is not a word start.
fn is_separator(b: u8) -> bool {
    b.is_ascii() && !b.is_ascii_alphanumeric()
}

/// The searchable names of all entities.
#[derive(Debug, Clone)]
pub struct SearchIndex {
    /// Normalised names joined by `\n`, most popular first.
    text: Vec<u8>,
    /// Start of each name in `text`, by rank, plus the end.
    starts: Vec<u32>,
    /// Entity index by rank.
    order: Vec<u32>,
}

impl SearchIndex {
    /// Indexes `n` names given by `name(i)`, ranked by `popularity` (descending, ties by index).
    pub fn new<'a>(n: usize, name: impl Fn(usize) -> &'a str, popularity: &[u32]) -> Self {
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(popularity.get(i as usize).copied().unwrap_or(0)), i));
        let mut text = String::new();
        let mut starts = Vec::with_capacity(n + 1);
        for &e in &order {
            starts.push(text.len() as u32);
            normalize_into(name(e as usize), &mut text);
            text.push('\n');
        }
        starts.push(text.len() as u32);
        Self { text: text.into_bytes(), starts, order }
    }

    /// Number of indexed names.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no names are indexed.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The best `limit` matches of `query`: by tier, then popularity. Empty for a blank query.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let q = normalize(query.trim());
        let q = q.trim().as_bytes();
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let finder = memmem::Finder::new(q);
        let mut tiers: [Vec<u32>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        let mut from = 0usize;
        while let Some(found) = finder.find(&self.text[from..]) {
            let pos = from + found;
            // The name holding this match: the last start at or before it.
            let rank = self.starts.partition_point(|&s| s as usize <= pos) - 1;
            let (start, end) = (self.starts[rank] as usize, self.starts[rank + 1] as usize - 1);
            let tier = if pos == start {
                Tier::Prefix
            } else if is_separator(self.text[pos - 1]) {
                Tier::WordStart
            } else {
                // A later occurrence in the same name may start a word ("abracadabra cad").
                let name = &self.text[start..end];
                let mut at = pos - start + 1;
                let mut best = Tier::Substring;
                while let Some(f) = finder.find(&name[at..]) {
                    if is_separator(name[at + f - 1]) {
                        best = Tier::WordStart;
                        break;
                    }
                    at += f + 1;
                }
                best
            };
            let bucket = &mut tiers[tier as usize];
            if bucket.len() < limit {
                bucket.push(rank as u32);
            }
            // Names come in popularity order, so a full prefix tier cannot be beaten.
            if tiers[0].len() >= limit {
                break;
            }
            from = end + 1;
        }
        let mut hits = Vec::with_capacity(limit);
        for (t, tier) in [Tier::Prefix, Tier::WordStart, Tier::Substring].into_iter().enumerate() {
            for &rank in &tiers[t] {
                if hits.len() == limit {
                    return hits;
                }
                hits.push(Hit { entity: self.order[rank as usize], tier });
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(names: &[&str], pop: &[u32]) -> SearchIndex {
        SearchIndex::new(names.len(), |i| names[i], pop)
    }

    fn entities(hits: &[Hit]) -> Vec<u32> {
        hits.iter().map(|h| h.entity).collect()
    }

    #[test]
    fn normalisation_folds_case_and_accents() {
        assert_eq!(normalize("Amélie À Œuvre ÇA"), "amelie a oeuvre ca");
        assert_eq!(normalize("Smørrebrød Straße"), "smorrebrod strasse");
        // Decomposed e + combining acute.
        assert_eq!(normalize("Ame\u{301}lie"), "amelie");
        assert_eq!(normalize("東京物語"), "東京物語");
        assert_eq!(normalize("ΑΘΗΝΑ"), "αθηνα");
        assert_eq!(normalize("a\nb\tc"), "a b c");
    }

    #[test]
    fn prefix_beats_word_start_beats_substring_then_popularity() {
        let names = ["The Star Wars", "Starship", "Superstar", "Star Trek", "Lone star", "Mustard"];
        let pop = [50, 10, 100, 5, 20, 1000];
        let idx = index(&names, &pop);
        let hits = idx.search("star", 20);
        // Prefix: Starship (10) before Star Trek (5); word start: The Star Wars (50), Lone star (20);
        // substring: Superstar (100), Mustard lacks "star"? it has "star" in "Mu-star-d".
        assert_eq!(entities(&hits), vec![1, 3, 0, 4, 5, 2]);
        assert_eq!(hits[0].tier, Tier::Prefix);
        assert_eq!(hits[2].tier, Tier::WordStart);
        assert_eq!(hits[4].tier, Tier::Substring);
    }

    #[test]
    fn case_and_accent_insensitive_both_ways() {
        let names = ["Amélie", "AMELIA", "Camel"];
        let idx = index(&names, &[1, 1, 1]);
        assert_eq!(entities(&idx.search("amel", 5)), vec![0, 1, 2]);
        assert_eq!(entities(&idx.search("AMÉL", 5)), vec![0, 1, 2]);
        assert_eq!(idx.search("amél", 5)[2].tier, Tier::Substring);
    }

    #[test]
    fn a_later_word_start_in_the_same_name_counts() {
        let idx = index(&["abracadabra cad", "cadillac"], &[1, 1]);
        let hits = idx.search("cad", 5);
        assert_eq!(entities(&hits), vec![1, 0]);
        assert_eq!(hits[1].tier, Tier::WordStart);
    }

    #[test]
    fn limit_blank_and_absent_queries() {
        let names: Vec<String> = (0..100).map(|i| format!("name {i}")).collect();
        let idx = SearchIndex::new(100, |i| names[i].as_str(), &(0..100).collect::<Vec<u32>>());
        let hits = idx.search("name", 20);
        assert_eq!(hits.len(), 20);
        // Most popular (highest value) first.
        assert_eq!(hits[0].entity, 99);
        assert!(idx.search("   ", 20).is_empty());
        assert!(idx.search("zzz", 20).is_empty());
        assert!(idx.search("5\n6", 20).is_empty(), "a query cannot match across names");
        assert_eq!(idx.len(), 100);
    }

    #[test]
    fn each_name_listed_once() {
        let idx = index(&["aa aa aa", "xaa"], &[1, 2]);
        assert_eq!(entities(&idx.search("aa", 10)), vec![0, 1]);
    }

    #[test]
    fn a_million_names_search_quickly() {
        // Not a benchmark (the browser one is): a guard against an accidental quadratic scan.
        let n = 1_000_000;
        let names: Vec<String> = (0..n).map(|i| format!("Entity Numero {i} Kalovera")).collect();
        let pop: Vec<u32> = (0..n as u32).map(|i| i % 977).collect();
        let idx = SearchIndex::new(n, |i| names[i].as_str(), &pop);
        let t = std::time::Instant::now();
        for q in ["e", "entity numero 99999", "kalo", "zzzz", "9999"] {
            let hits = idx.search(q, 20);
            assert!(q == "zzzz" || !hits.is_empty(), "{q}");
        }
        assert!(t.elapsed().as_secs_f64() < 5.0);
    }
}
