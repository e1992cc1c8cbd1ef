//! Name search: case- and accent-insensitive, ranked prefix > word start > substring, popular
//! first among equals. All names are normalised once into one byte buffer, sorted by
//! popularity. Word starts are bucketed by their first two bytes, so prefix and word-start
//! matches come without a scan; otherwise one substring scan (`memchr::memmem`) runs, stopping as
//! soon as the best tier is full, and the next keystroke rescans only the names it matched.

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
    /// Byte positions of every word start in `text`, bucketed by their first two bytes and
    /// increasing (so in popularity order) within a bucket: prefix and word-start matches of a
    /// query of two or more bytes are found without scanning every name.
    word_starts: Vec<u32>,
    /// The four bytes after the first two of each word start (little-endian, `\n`-padded):
    /// most candidates are rejected here without touching `text` (a cache miss each at 1M names).
    word_next: Vec<u32>,
    /// `word_starts[bucket_off[k]..bucket_off[k + 1]]` is bucket `k`.
    bucket_off: Vec<u32>,
    /// The last full scan: its query and every rank it matched, so a query that extends it
    /// (the next keystroke) only rescans those names.
    last_scan: Option<(Vec<u8>, Vec<u32>)>,
}

fn bucket_key(a: u8, b: u8) -> usize {
    (a as usize) << 8 | b as usize
}

/// Collects hits per tier, in rank order, at most `limit` per tier.
struct Tiers {
    tiers: [Vec<u32>; 3],
    limit: usize,
}

impl Tiers {
    fn new(limit: usize) -> Self {
        Self { tiers: [Vec::new(), Vec::new(), Vec::new()], limit }
    }
    fn push(&mut self, rank: u32, tier: Tier) {
        let bucket = &mut self.tiers[tier as usize];
        if bucket.len() < self.limit {
            bucket.push(rank);
        }
    }
    /// Names come in popularity order, so a full prefix tier cannot be beaten.
    fn prefix_full(&self) -> bool {
        self.tiers[0].len() >= self.limit
    }
    fn hits(&self, order: &[u32]) -> Vec<Hit> {
        let mut hits = Vec::with_capacity(self.limit);
        for (t, tier) in [Tier::Prefix, Tier::WordStart, Tier::Substring].into_iter().enumerate() {
            for &rank in &self.tiers[t] {
                if hits.len() == self.limit {
                    return hits;
                }
                hits.push(Hit { entity: order[rank as usize], tier });
            }
        }
        hits
    }
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
        let text = text.into_bytes();
        // Counting sort of word starts by their first two bytes: two linear passes.
        let is_word_start =
            |p: usize| text[p] != b'\n' && !is_separator(text[p]) && (p == 0 || is_separator(text[p - 1]));
        let mut counts = vec![0u32; 65536 + 1];
        for p in 0..text.len() {
            if is_word_start(p) {
                counts[bucket_key(text[p], text.get(p + 1).copied().unwrap_or(b'\n')) + 1] += 1;
            }
        }
        for k in 1..counts.len() {
            counts[k] += counts[k - 1];
        }
        let bucket_off = counts.clone();
        let mut fill = counts;
        let mut word_starts = vec![0u32; bucket_off[65536] as usize];
        let mut word_next = vec![0u32; bucket_off[65536] as usize];
        let next4 =
            |p: usize| u32::from_le_bytes(std::array::from_fn(|i| text.get(p + 2 + i).copied().unwrap_or(b'\n')));
        for p in 0..text.len() {
            if is_word_start(p) {
                let k = bucket_key(text[p], text.get(p + 1).copied().unwrap_or(b'\n'));
                word_starts[fill[k] as usize] = p as u32;
                word_next[fill[k] as usize] = next4(p);
                fill[k] += 1;
            }
        }
        Self { text, starts, order, word_starts, word_next, bucket_off, last_scan: None }
    }

    /// Number of indexed names.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no names are indexed.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The rank of the name holding byte `pos`, searching forward from rank `from` (hits come
    /// in increasing positions, so galloping from the last rank beats a fresh bisection).
    fn rank_at(&self, pos: usize, from: usize) -> usize {
        let mut lo = from;
        let mut step = 1;
        let mut hi = from + 1;
        while hi < self.starts.len() && self.starts[hi] as usize <= pos {
            lo = hi;
            hi += step;
            step *= 2;
        }
        let hi = hi.min(self.starts.len());
        lo + self.starts[lo..hi].partition_point(|&s| s as usize <= pos) - 1
    }

    /// The tier of a match at `pos` in the name of rank `rank`, looking further into the name
    /// for a word start when the first occurrence is inside a word ("abracadabra cad").
    fn tier_of(&self, finder: &memmem::Finder<'_>, rank: usize, pos: usize) -> Tier {
        let (start, end) = (self.starts[rank] as usize, self.starts[rank + 1] as usize - 1);
        if pos == start {
            return Tier::Prefix;
        }
        if is_separator(self.text[pos - 1]) {
            return Tier::WordStart;
        }
        let name = &self.text[start..end];
        let mut at = pos - start + 1;
        while let Some(f) = finder.find(&name[at..]) {
            if is_separator(name[at + f - 1]) {
                return Tier::WordStart;
            }
            at += f + 1;
        }
        Tier::Substring
    }

    /// The best `limit` matches of `query`: by tier, then popularity. Empty for a blank query.
    pub fn search(&mut self, query: &str, limit: usize) -> Vec<Hit> {
        let q = normalize(query.trim());
        let q = q.trim().as_bytes().to_vec();
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        // Fast path: prefix and word-start matches from the word-start buckets.
        if q.len() >= 2 {
            let k = bucket_key(q[0], q[1]);
            // Bytes 2..6 of the query, and a mask of those present.
            let (mut want, mut mask) = (0u32, 0u32);
            for (i, &b) in q.iter().skip(2).take(4).enumerate() {
                want |= (b as u32) << (8 * i);
                mask |= 0xFF << (8 * i);
            }
            let mut tiers = Tiers::new(limit);
            let mut last_rank = usize::MAX;
            let mut rank = 0;
            let range = self.bucket_off[k] as usize..self.bucket_off[k + 1] as usize;
            for (&p, &next) in self.word_starts[range.clone()].iter().zip(&self.word_next[range]) {
                if next & mask != want {
                    continue;
                }
                let p = p as usize;
                if q.len() > 6 && !self.text[p..].starts_with(&q) {
                    continue;
                }
                rank = self.rank_at(p, rank);
                if rank == last_rank {
                    continue;
                }
                last_rank = rank;
                tiers.push(rank as u32, if p == self.starts[rank] as usize { Tier::Prefix } else { Tier::WordStart });
                if tiers.prefix_full() {
                    break;
                }
            }
            if tiers.tiers[0].len() + tiers.tiers[1].len() >= limit {
                return tiers.hits(&self.order);
            }
        }
        self.scan(&q, limit)
    }

    /// The full substring scan, over every name or, when `q` extends the last scanned query,
    /// over the names that matched it.
    fn scan(&mut self, q: &[u8], limit: usize) -> Vec<Hit> {
        let finder = memmem::Finder::new(q);
        let mut tiers = Tiers::new(limit);
        let mut matched = Vec::new();
        let mut complete = true;
        match self.last_scan.take() {
            Some((prev, ranks)) if q.starts_with(&prev) => {
                for &rank in &ranks {
                    let r = rank as usize;
                    let (start, end) = (self.starts[r] as usize, self.starts[r + 1] as usize - 1);
                    if let Some(f) = finder.find(&self.text[start..end]) {
                        matched.push(rank);
                        tiers.push(rank, self.tier_of(&finder, r, start + f));
                        if tiers.prefix_full() {
                            complete = false;
                            break;
                        }
                    }
                }
            }
            _ => {
                let mut from = 0usize;
                let mut rank = 0usize;
                while let Some(found) = finder.find(&self.text[from..]) {
                    let pos = from + found;
                    rank = self.rank_at(pos, rank);
                    matched.push(rank as u32);
                    tiers.push(rank as u32, self.tier_of(&finder, rank, pos));
                    if tiers.prefix_full() {
                        complete = false;
                        break;
                    }
                    from = self.starts[rank + 1] as usize;
                }
            }
        }
        // Remember a complete scan for the next keystroke, unless it matched most names anyway.
        if complete && matched.len() <= self.order.len() / 4 {
            self.last_scan = Some((q.to_vec(), matched));
        }
        tiers.hits(&self.order)
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
        let mut idx = index(&names, &pop);
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
        let mut idx = index(&names, &[1, 1, 1]);
        assert_eq!(entities(&idx.search("amel", 5)), vec![0, 1, 2]);
        assert_eq!(entities(&idx.search("AMÉL", 5)), vec![0, 1, 2]);
        assert_eq!(idx.search("amél", 5)[2].tier, Tier::Substring);
    }

    #[test]
    fn a_later_word_start_in_the_same_name_counts() {
        let mut idx = index(&["abracadabra cad", "cadillac"], &[1, 1]);
        let hits = idx.search("cad", 5);
        assert_eq!(entities(&hits), vec![1, 0]);
        assert_eq!(hits[1].tier, Tier::WordStart);
    }

    #[test]
    fn limit_blank_and_absent_queries() {
        let names: Vec<String> = (0..100).map(|i| format!("name {i}")).collect();
        let mut idx = SearchIndex::new(100, |i| names[i].as_str(), &(0..100).collect::<Vec<u32>>());
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
        let mut idx = index(&["aa aa aa", "xaa"], &[1, 2]);
        assert_eq!(entities(&idx.search("aa", 10)), vec![0, 1]);
    }

    /// The obvious implementation, to check the indexed one against.
    fn reference(names: &[String], pop: &[u32], query: &str, limit: usize) -> Vec<Hit> {
        let q = normalize(query.trim());
        let q = q.trim();
        if q.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(Tier, std::cmp::Reverse<u32>, u32)> = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let n = normalize(name);
            let mut best = None;
            for (pos, _) in n.match_indices(q) {
                let tier = if pos == 0 {
                    Tier::Prefix
                } else if is_separator(n.as_bytes()[pos - 1]) {
                    Tier::WordStart
                } else {
                    Tier::Substring
                };
                best = Some(best.map_or(tier, |b: Tier| b.min(tier)));
            }
            if let Some(t) = best {
                hits.push((t, std::cmp::Reverse(pop[i]), i as u32));
            }
        }
        hits.sort();
        hits.into_iter().take(limit).map(|(tier, _, entity)| Hit { entity, tier }).collect()
    }

    #[test]
    fn indexed_search_agrees_with_the_obvious_one() {
        let syll = ["ka", "lo", "ve", "ran", "mi", "é", "a", "b", "ab", " ", "-", "x"];
        let mut seed = 7u64;
        let mut next = |m: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % m
        };
        let names: Vec<String> =
            (0..3000).map(|_| (0..1 + next(6)).map(|_| syll[next(syll.len())]).collect::<String>()).collect();
        let pop: Vec<u32> = (0..3000).map(|_| next(50) as u32).collect();
        let mut idx = SearchIndex::new(names.len(), |i| names[i].as_str(), &pop);
        let mut queries: Vec<String> = Vec::new();
        for _ in 0..300 {
            queries.push((0..1 + next(3)).map(|_| syll[next(syll.len())]).collect());
        }
        // Typing sequences exercise the rescan of the previous matches.
        for word in ["ranmi", "ab ab", "loveka", "xx", "a-b", "kaé"] {
            for end in 1..=word.len() {
                if word.is_char_boundary(end) {
                    queries.push(word[..end].to_string());
                }
            }
        }
        for q in &queries {
            for limit in [3, 20] {
                let got = idx.search(q, limit);
                let want = reference(&names, &pop, q, limit);
                assert_eq!(got, want, "query {q:?} limit {limit}");
            }
        }
    }

    #[test]
    fn many_similar_names_rank_exact_prefixes_first() {
        // Speed is measured by the browser benchmark; this checks the answers at a size where
        // the word-start buckets hold thousands of names each.
        let n = 200_000;
        let names: Vec<String> = (0..n).map(|i| format!("Entity Numero {i} Kalovera")).collect();
        let pop: Vec<u32> = (0..n as u32).map(|i| i % 977).collect();
        let mut idx = SearchIndex::new(n, |i| names[i].as_str(), &pop);
        let hits = idx.search("entity numero 99999", 20);
        assert_eq!(hits[0], Hit { entity: 99999, tier: Tier::Prefix });
        assert!(hits.iter().all(|h| names[h.entity as usize].contains("Numero 99999")));
        let hits = idx.search("kalo", 20);
        assert_eq!(hits.len(), 20);
        assert!(hits.iter().all(|h| h.tier == Tier::WordStart && pop[h.entity as usize] == 976));
        assert!(idx.search("zzzz", 20).is_empty());
    }
}
