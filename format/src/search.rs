//! Name search, shared by the viewer and `starmap neighbors`: case- and accent-insensitive,
//! ranked, forgiving typos.
//!
//! Ranking, best first: the tier; within a tier, the names the query covers more of (fewer
//! words, a leading article not counted: for "star", Star Trek before Star Wars: Episode IV –
//! A New Hope, however popular); then popularity; then entity index.
//!
//! - [`Tier::Exact`]: the name is the query, either of them without a leading English article
//!   ("the ", "a ", "an "): "godfather" is exactly "The Godfather";
//! - [`Tier::Prefix`]: the name starts with the query, or does once its article is dropped;
//! - [`Tier::WordStart`]: a word of the name starts with it; [`Tier::Substring`]: anywhere;
//! - [`Tier::Fuzzy`], looked for only while the tiers above leave fewer hits than asked for,
//!   so it is below every literal match: every query word, in any order, is within a few
//!   edits (insertion, deletion, substitution, adjacent transposition; [`typo_budget`] says how
//!   many) of some word of the name, the last query word of some word's beginning, as it may
//!   still be being typed. Fewest edits in all first, then as above. "Casablnca" finds
//!   Casablanca, "sar wars" Star Wars and its episodes. Queries of more than eight words (or a
//!   word of more than 64 letters) are not typo-searched.
//!
//! How: names are normalised once into one byte buffer, in rank order (word count, then
//! popularity), so hits found in buffer order need no sort. Word starts are bucketed by their
//! first two bytes, so prefix and word-start matches come without a scan; otherwise one
//! substring scan (`memchr::memmem`) runs, stopping as soon as the list is settled, and the
//! next keystroke rescans only the names it matched. Exact matches are among the names of as
//! many words as the query that hold its rarest word. The fuzzy tier walks a sorted vocabulary
//! of the names' words (`fuzzy.rs`), so a query whose list fills costs what it did before.
//!
//! Any list of strings can be searched the same way, e.g. a map's cluster names:
//! `SearchIndex::new(names.len(), |i| names[i].as_str(), &[])` (without popularity, the
//! list's order breaks ties).

mod fuzzy;

use memchr::memmem;

use crate::pause::{self, NoPause, Pause};

pub use fuzzy::budget as typo_budget;

/// Where in a name the query matched; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// The name is the query, either of them without a leading article.
    Exact = 0,
    /// The name, or the name without its leading article, starts with the query.
    Prefix = 1,
    /// A word of the name starts with the query.
    WordStart = 2,
    /// The query occurs inside a word.
    Substring = 3,
    /// Every query word is a few edits from a word of the name (see the module doc).
    Fuzzy = 4,
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
    // Most names are plain ASCII: copy and lowercase in place (an index of a million names
    // normalises each twice).
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_control()) {
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
        return;
    }
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

/// Length of the leading English article of a normalised name or query ("the ", "a ", "an "),
/// 0 when there is none or nothing follows it: "the" alone is a title, not an article.
fn article_len(name: &[u8]) -> usize {
    for article in [&b"the "[..], b"an ", b"a "] {
        if name.starts_with(article) && name.get(article.len()).is_some_and(|&b| !is_separator(b)) {
            return article.len();
        }
    }
    0
}

/// Number of words of a normalised name (its article not counted), at most 255: the coverage
/// key, fewer first.
fn word_count(name: &[u8]) -> u8 {
    count_words(&name[article_len(name)..])
}

/// Number of words of `text`, at most 255.
fn count_words(text: &[u8]) -> u8 {
    let mut words = 0u32;
    fuzzy::for_each_word(text, |_, _| words += 1);
    words.min(255) as u8
}

/// The searchable names of all entities.
#[derive(Debug, Clone)]
pub struct SearchIndex {
    /// Normalised names joined by `\n`, in rank order: fewer words first, then most popular.
    text: Vec<u8>,
    /// Start of each name in `text`, by rank, plus the end.
    starts: Vec<u32>,
    /// Entity index by rank.
    order: Vec<u32>,
    /// Byte positions of every word start in `text`, bucketed by their first two bytes and
    /// increasing (so in rank order) within a bucket: prefix and word-start matches of a query
    /// of two or more bytes are found without scanning every name.
    word_starts: Vec<u32>,
    /// The four bytes after the first two of each word start (little-endian, `\n`-padded):
    /// most candidates are rejected here without touching `text` (a cache miss each at 1M names).
    word_next: Vec<u32>,
    /// The first two bytes of each non-empty bucket, increasing (only those: a short list of
    /// cluster names should not carry a 64K-entry table).
    bucket_keys: Vec<u16>,
    /// `word_starts[bucket_off[k]..bucket_off[k + 1]]` is the bucket of `bucket_keys[k]`.
    bucket_off: Vec<u32>,
    /// `bands[w]..bands[w + 1]`: the ranks of the names of `w` words (255: or more), where
    /// a query of `w` words finds its exact matches.
    bands: Vec<u32>,
    /// The names' distinct words, for the fuzzy tier.
    vocab: fuzzy::Vocab,
    /// The last full scan: its query and every rank it matched, so a query that extends it
    /// (the next keystroke) only rescans those names.
    last_scan: Option<(Vec<u8>, Vec<u32>)>,
    /// The fuzzy tier's bitsets, kept between searches.
    scratch: Vec<u64>,
}

fn bucket_key(a: u8, b: u8) -> u16 {
    (a as u16) << 8 | b as u16
}

/// Collects hits of the literal tiers (all but fuzzy), in rank order, at most `limit` per tier.
struct Tiers {
    tiers: [Vec<u32>; 4],
    limit: usize,
}

impl Tiers {
    fn new(limit: usize, exact: Vec<u32>) -> Self {
        Self { tiers: [exact, Vec::new(), Vec::new(), Vec::new()], limit }
    }
    fn push(&mut self, rank: u32, tier: Tier) {
        let bucket = &mut self.tiers[tier as usize];
        if bucket.len() < self.limit {
            bucket.push(rank);
        }
    }
    /// Names come in rank order and every exact match is known from the start, so once exact
    /// and prefix hits fill the list nothing later can enter it.
    fn top_full(&self) -> bool {
        self.tiers[0].len() + self.tiers[1].len() >= self.limit
    }
    /// Whether the hits fill the list.
    fn full(&self) -> bool {
        self.tiers.iter().map(Vec::len).sum::<usize>() >= self.limit
    }
    /// Whether the exact, prefix and word-start hits fill the list.
    fn words_full(&self) -> bool {
        self.tiers[0].len() + self.tiers[1].len() + self.tiers[2].len() >= self.limit
    }
    /// The best `limit` hits as (rank, tier).
    fn ranked(self) -> Vec<(u32, Tier)> {
        let mut hits = Vec::with_capacity(self.limit);
        let tiers = [Tier::Exact, Tier::Prefix, Tier::WordStart, Tier::Substring];
        for (ranks, tier) in self.tiers.into_iter().zip(tiers) {
            for rank in ranks {
                if hits.len() == self.limit {
                    return hits;
                }
                hits.push((rank, tier));
            }
        }
        hits
    }
}

impl SearchIndex {
    /// Indexes `n` names given by `name(i)`, ranked by their word count (fewer first) and then
    /// `popularity` (descending; missing entries count as 0), ties by index.
    pub fn new<'a>(n: usize, name: impl Fn(usize) -> &'a str, popularity: &[u32]) -> Self {
        pause::run(Self::build(n, name, popularity, &mut NoPause))
    }

    /// [`SearchIndex::new`], pausing at `pause` every few thousand names (the viewer builds it
    /// on the page's main thread, a million names taking a second or more).
    pub async fn build<'a>(
        n: usize,
        name: impl Fn(usize) -> &'a str,
        popularity: &[u32],
        pause: &mut impl Pause,
    ) -> Self {
        // Normalised once, in entity order, then copied into rank order.
        let mut normalised = String::new();
        let mut offsets = Vec::with_capacity(n + 1);
        for i in 0..n {
            pause::at(pause, i).await;
            offsets.push(normalised.len());
            normalize_into(name(i), &mut normalised);
        }
        offsets.push(normalised.len());
        let normalised = normalised.into_bytes();
        // Rank keys (word count, then popularity descending) with the index, which breaks ties
        // and makes the unstable sort deterministic.
        let mut keyed: Vec<(u64, u32)> = Vec::with_capacity(n);
        for i in 0..n {
            pause::at(pause, i).await;
            let words = word_count(&normalised[offsets[i]..offsets[i + 1]]) as u64;
            let pop = popularity.get(i).copied().unwrap_or(0);
            keyed.push((words << 32 | (u32::MAX - pop) as u64, i as u32));
        }
        let keyed = pause::sort_keyed(keyed, pause).await;
        let bands: Vec<u32> = (0..=256u64).map(|w| keyed.partition_point(|&(k, _)| k >> 32 < w) as u32).collect();
        let order: Vec<u32> = keyed.into_iter().map(|(_, i)| i).collect();
        let mut text = Vec::with_capacity(normalised.len() + n);
        let mut starts = Vec::with_capacity(n + 1);
        for (r, &e) in order.iter().enumerate() {
            pause::at(pause, r).await;
            starts.push(text.len() as u32);
            text.extend_from_slice(&normalised[offsets[e as usize]..offsets[e as usize + 1]]);
            text.push(b'\n');
        }
        starts.push(text.len() as u32);
        drop((normalised, offsets));
        // Counting sort of word starts by their first two bytes: two linear passes.
        let is_word_start =
            |p: usize| text[p] != b'\n' && !is_separator(text[p]) && (p == 0 || is_separator(text[p - 1]));
        let key_at = |p: usize| bucket_key(text[p], text.get(p + 1).copied().unwrap_or(b'\n')) as usize;
        let mut counts = vec![0u32; 65536 + 1];
        for p in 0..text.len() {
            if p.is_multiple_of(16 * pause::EVERY) {
                pause.tick().await;
            }
            if is_word_start(p) {
                counts[key_at(p) + 1] += 1;
            }
        }
        let bucket_keys: Vec<u16> = (0..65536).filter(|&k| counts[k + 1] > 0).map(|k| k as u16).collect();
        for k in 1..counts.len() {
            counts[k] += counts[k - 1];
        }
        let mut bucket_off: Vec<u32> = bucket_keys.iter().map(|&k| counts[k as usize]).collect();
        bucket_off.push(counts[65536]);
        let mut fill = counts;
        let mut word_starts = vec![0u32; fill[65536] as usize];
        let mut word_next = vec![0u32; fill[65536] as usize];
        let next4 =
            |p: usize| u32::from_le_bytes(std::array::from_fn(|i| text.get(p + 2 + i).copied().unwrap_or(b'\n')));
        for p in 0..text.len() {
            if p.is_multiple_of(16 * pause::EVERY) {
                pause.tick().await;
            }
            if is_word_start(p) {
                let k = key_at(p);
                word_starts[fill[k] as usize] = p as u32;
                word_next[fill[k] as usize] = next4(p);
                fill[k] += 1;
            }
        }
        drop(fill);
        let vocab = fuzzy::Vocab::build(&text, &starts, pause).await;
        Self {
            text,
            starts,
            order,
            word_starts,
            word_next,
            bucket_keys,
            bucket_off,
            bands,
            vocab,
            last_scan: None,
            scratch: Vec::new(),
        }
    }

    /// Number of indexed names.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no names are indexed.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Bytes the index holds on the heap, scratch included (the benchmark reports it a name).
    pub fn heap_bytes(&self) -> usize {
        let last_scan = self.last_scan.as_ref().map_or(0, |(q, r)| q.capacity() + 4 * r.capacity());
        self.text.capacity()
            + 4 * (self.starts.capacity()
                + self.order.capacity()
                + self.word_starts.capacity()
                + self.word_next.capacity()
                + self.bucket_off.capacity())
            + 2 * self.bucket_keys.capacity()
            + 4 * self.bands.capacity()
            + 8 * self.scratch.capacity()
            + self.vocab.heap_bytes()
            + last_scan
    }

    /// The normalised name of rank `rank`, without its `\n`.
    fn name(&self, rank: usize) -> &[u8] {
        &self.text[self.starts[rank] as usize..self.starts[rank + 1] as usize - 1]
    }

    /// Whether the name of rank `rank`, without its article, is `body`.
    fn is_exact(&self, rank: usize, body: &[u8]) -> bool {
        let name = self.name(rank);
        &name[article_len(name)..] == body
    }

    /// Every name that is `body` once both drop their article, in rank order, at most `limit`:
    /// among the names of as many words, those holding the query's rarest word.
    fn exact_ranks(&self, body: &[u8], limit: usize) -> Vec<u32> {
        let words = count_words(body) as usize;
        let band = self.bands[words]..self.bands[words + 1];
        let mut rarest: Option<&[u32]> = None;
        let mut missing = false;
        fuzzy::for_each_word(body, |s, e| match self.vocab.postings_of(&body[s..e]) {
            Some(p) if rarest.is_none_or(|r| p.len() < r.len()) => rarest = Some(p),
            Some(_) => {}
            None => missing = true,
        });
        let exact = |&r: &u32| self.is_exact(r as usize, body);
        match rarest {
            _ if missing => Vec::new(),
            // Postings are in rank order: the band is one slice of them.
            Some(p) => {
                let from = p.partition_point(|&r| r < band.start);
                let to = p.partition_point(|&r| r < band.end);
                p[from..to].iter().copied().filter(exact).take(limit).collect()
            }
            None => band.filter(exact).take(limit).collect(),
        }
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

    /// Whether a match at `pos` starts the name of rank `rank`, or the name after its article.
    fn starts_name(&self, rank: usize, pos: usize) -> bool {
        let start = self.starts[rank] as usize;
        pos == start || pos == start + article_len(self.name(rank))
    }

    /// The tier of a match at `pos` (the first occurrence) in the name of rank `rank`, looking
    /// further into the name for a better one ("abracadabra cad", "the hen" for "he").
    fn tier_of(&self, finder: &memmem::Finder<'_>, rank: usize, pos: usize) -> Tier {
        let start = self.starts[rank] as usize;
        let name = self.name(rank);
        let mut best = Tier::Substring;
        let mut at = pos - start;
        loop {
            if self.starts_name(rank, start + at) {
                return Tier::Prefix;
            }
            if at > 0 && is_separator(name[at - 1]) {
                best = Tier::WordStart;
            }
            match finder.find(&name[at + 1..]) {
                Some(f) => at += f + 1,
                None => return best,
            }
        }
    }

    /// The best `limit` matches of `query`: by tier, then fewer words, then popularity. Empty
    /// for a blank query.
    pub fn search(&mut self, query: &str, limit: usize) -> Vec<Hit> {
        let q = normalize(query.trim());
        let q = q.trim().as_bytes().to_vec();
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut hits = self.literal(&q, limit);
        if hits.len() < limit {
            // Only now, with the list short, are typos looked for.
            let mut listed: Vec<u32> = hits.iter().map(|&(r, _)| r).collect();
            listed.sort_unstable();
            let need = limit - hits.len();
            let (text, starts) = (&self.text, &self.starts);
            let name = |r: u32| &text[starts[r as usize] as usize..starts[r as usize + 1] as usize - 1];
            let fuzzy = fuzzy::search(&self.vocab, self.len(), name, &q, need, &listed, &mut self.scratch);
            hits.extend(fuzzy.into_iter().map(|r| (r, Tier::Fuzzy)));
        }
        hits.into_iter().map(|(rank, tier)| Hit { entity: self.order[rank as usize], tier }).collect()
    }

    /// The exact, prefix, word-start and substring tiers (every hit when fewer than `limit`).
    fn literal(&mut self, q: &[u8], limit: usize) -> Vec<(u32, Tier)> {
        let body = &q[article_len(q)..];
        let mut tiers = Tiers::new(limit, self.exact_ranks(body, limit));
        if tiers.top_full() {
            return tiers.ranked();
        }
        // Fast path: prefix and word-start matches from the word-start buckets (which hold
        // word starts only, so a query starting with a separator cannot use them).
        if is_separator(q[0]) {
            return self.scan(q, body, tiers, false);
        }
        if q.len() >= 2 {
            if let Ok(k) = self.bucket_keys.binary_search(&bucket_key(q[0], q[1])) {
                // Bytes 2..6 of the query, and a mask of those present.
                let (mut want, mut mask) = (0u32, 0u32);
                for (i, &b) in q.iter().skip(2).take(4).enumerate() {
                    want |= (b as u32) << (8 * i);
                    mask |= 0xFF << (8 * i);
                }
                self.bucket_words(k, q, body, (want, mask), &mut tiers);
            }
        } else {
            // One letter: every bucket starting with it, each in rank order; merged.
            let first = bucket_key(q[0], 0);
            let from = self.bucket_keys.partition_point(|&k| k < first);
            let to = self.bucket_keys.partition_point(|&k| k <= first | 0xFF);
            let (mut prefix, mut word) = (Vec::new(), Vec::new());
            for k in from..to {
                let mut t = Tiers::new(limit, tiers.tiers[0].clone());
                self.bucket_words(k, q, body, (0, 0), &mut t);
                prefix.append(&mut t.tiers[1]);
                word.append(&mut t.tiers[2]);
            }
            prefix.sort_unstable();
            prefix.dedup();
            // A name listed as a word start by one bucket and a prefix by another is a prefix
            // match; one whose prefix match a bucket cut off is never shown (that bucket alone
            // filled the list with better prefix matches).
            word.sort_unstable();
            word.dedup();
            word.retain(|r| prefix.binary_search(r).is_err());
            prefix.truncate(limit);
            word.truncate(limit);
            tiers.tiers[1] = prefix;
            tiers.tiers[2] = word;
        }
        if tiers.words_full() {
            return tiers.ranked();
        }
        // Every prefix and word-start match is known, so the scan only looks for the rest.
        self.scan(q, body, tiers, true)
    }

    /// Adds the prefix and word-start matches in bucket `k` to `tiers`: the word starts whose
    /// bytes 2..6 masked by `mask` are `want` and which start `q`. Stops once exact and prefix
    /// matches fill the list.
    fn bucket_words(&self, k: usize, q: &[u8], body: &[u8], (want, mask): (u32, u32), tiers: &mut Tiers) {
        let mut last_rank = usize::MAX;
        let mut rank = 0;
        let range = self.bucket_off[k] as usize..self.bucket_off[k + 1] as usize;
        for (&p, &next) in self.word_starts[range.clone()].iter().zip(&self.word_next[range]) {
            if next & mask != want {
                continue;
            }
            let p = p as usize;
            if q.len() > 6 && !self.text[p..].starts_with(q) {
                continue;
            }
            rank = self.rank_at(p, rank);
            if rank == last_rank {
                continue;
            }
            last_rank = rank;
            if !self.starts_name(rank, p) {
                tiers.push(rank as u32, Tier::WordStart);
            } else if !self.is_exact(rank, body) {
                tiers.push(rank as u32, Tier::Prefix);
                if tiers.top_full() {
                    break;
                }
            }
        }
    }

    /// The substring scan, over every name or, when `q` extends the last scanned query, over
    /// the names that matched it. `tiers` holds the exact matches and, with `words_known`, every
    /// prefix and word-start match too: then the scan stops as soon as substring matches fill
    /// the list, else once exact and prefix matches do.
    fn scan(&mut self, q: &[u8], body: &[u8], mut tiers: Tiers, words_known: bool) -> Vec<(u32, Tier)> {
        if !words_known {
            tiers.tiers[1..].iter_mut().for_each(Vec::clear);
        }
        let finder = memmem::Finder::new(q);
        let mut matched = Vec::new();
        let mut complete = true;
        let mut found = |this: &Self, rank: usize, pos: usize, tiers: &mut Tiers| {
            matched.push(rank as u32);
            let tier = this.tier_of(&finder, rank, pos);
            if words_known {
                if tier == Tier::Substring {
                    tiers.push(rank as u32, tier);
                }
                tiers.full()
            } else {
                if tier != Tier::Prefix || !this.is_exact(rank, body) {
                    tiers.push(rank as u32, tier);
                }
                tiers.top_full()
            }
        };
        match self.last_scan.take() {
            Some((prev, ranks)) if q.starts_with(&prev) => {
                for &rank in &ranks {
                    let r = rank as usize;
                    let start = self.starts[r] as usize;
                    if let Some(f) = finder.find(self.name(r)) {
                        if found(self, r, start + f, &mut tiers) {
                            complete = false;
                            break;
                        }
                    }
                }
            }
            _ => {
                let mut from = 0usize;
                let mut rank = 0usize;
                while let Some(f) = finder.find(&self.text[from..]) {
                    let pos = from + f;
                    rank = self.rank_at(pos, rank);
                    if found(self, rank, pos, &mut tiers) {
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
        tiers.ranked()
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
    fn prefix_beats_word_start_beats_substring_then_fewer_words_then_popularity() {
        let names = ["The Star Wars", "Starship", "Superstar", "Star Trek", "Lone star", "Mustard"];
        let pop = [50, 10, 100, 5, 20, 1000];
        let mut idx = index(&names, &pop);
        let hits = idx.search("star", 20);
        // Prefix: Starship (one word), then The Star Wars (its article dropped; 50) before Star
        // Trek (5); word start: Lone star; substring: Mustard (1000) before Superstar (100).
        assert_eq!(entities(&hits), vec![1, 0, 3, 4, 5, 2]);
        let tiers: Vec<Tier> = hits.iter().map(|h| h.tier).collect();
        use Tier::*;
        assert_eq!(tiers, vec![Prefix, Prefix, Prefix, WordStart, Substring, Substring]);
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

    /// Optimal string alignment distance (edits: insertion, deletion, substitution, adjacent
    /// transposition), the textbook table; with `prefix`, to the closest prefix of `b`.
    fn osa(a: &[char], b: &[char], prefix: bool) -> usize {
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let mut v =
                    (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]));
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        if prefix {
            (0..=b.len()).map(|j| d[a.len()][j]).min().unwrap_or(a.len())
        } else {
            d[a.len()][b.len()]
        }
    }

    fn words_of(s: &str) -> Vec<Vec<char>> {
        s.split(|c: char| c.is_ascii() && !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| w.chars().collect())
            .collect()
    }

    fn without_article(s: &str) -> &str {
        for a in ["the ", "an ", "a "] {
            if let Some(rest) = s.strip_prefix(a) {
                if rest.bytes().next().is_some_and(|b| !is_separator(b)) {
                    return rest;
                }
            }
        }
        s
    }

    /// The obvious implementation of the ranking in the module doc, to check the indexed one
    /// against: every name classified on its own, then sorted.
    fn reference(names: &[String], pop: &[u32], query: &str, limit: usize) -> Vec<Hit> {
        let normalised: Vec<String> = names.iter().map(|n| normalize(n)).collect();
        let mut hits = reference_all(&normalised, pop, query);
        hits.truncate(limit);
        hits
    }

    /// Every hit of [`reference`], best first, over names already normalised.
    fn reference_all(names: &[String], pop: &[u32], query: &str) -> Vec<Hit> {
        let q = normalize(query.trim());
        let q = q.trim();
        if q.is_empty() {
            return Vec::new();
        }
        let qwords = words_of(q);
        let mut hits: Vec<(Tier, usize, usize, std::cmp::Reverse<u32>, u32)> = Vec::new();
        for (i, n) in names.iter().enumerate() {
            let body = without_article(n);
            let mut best = None;
            if without_article(q) == body {
                best = Some(Tier::Exact);
            }
            for (pos, _) in n.match_indices(q) {
                let tier = if pos == 0 || pos == n.len() - body.len() {
                    Tier::Prefix
                } else if is_separator(n.as_bytes()[pos - 1]) {
                    Tier::WordStart
                } else {
                    Tier::Substring
                };
                best = Some(best.map_or(tier, |b: Tier| b.min(tier)));
            }
            let mut edits = 0usize;
            if best.is_none() && !qwords.is_empty() && qwords.len() <= fuzzy::MAX_WORDS {
                let nwords = words_of(n);
                let mut all = true;
                for (k, w) in qwords.iter().enumerate() {
                    let last = k + 1 == qwords.len();
                    let d = nwords.iter().map(|nw| osa(w, nw, last)).min().unwrap_or(usize::MAX);
                    all &= d <= typo_budget(w) as usize;
                    edits = edits.saturating_add(d);
                }
                if all {
                    best = Some(Tier::Fuzzy);
                }
            }
            if let Some(t) = best {
                let words = words_of(body).len().min(255);
                hits.push((t, if t == Tier::Fuzzy { edits } else { 0 }, words, std::cmp::Reverse(pop[i]), i as u32));
            }
        }
        hits.sort();
        hits.into_iter().map(|(tier, _, _, _, entity)| Hit { entity, tier }).collect()
    }

    #[test]
    fn indexed_search_agrees_with_the_obvious_one() {
        let syll = ["ka", "lo", "ve", "ran", "mi", "é", "a", "b", "ab", " ", "-", "x", "the ", "an ", "7", "kalo"];
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
        // Typos too ("lovkea", "rnami ve") and articles ("the kalo", "an a").
        for word in
            ["ranmi", "ab ab", "loveka", "xx", "a-b", "kaé", "lovkea", "rnami ve", "the kalo", "an a", "kalox 7"]
        {
            for end in 1..=word.len() {
                if word.is_char_boundary(end) {
                    queries.push(word[..end].to_string());
                }
            }
        }
        let normalised: Vec<String> = names.iter().map(|n| normalize(n)).collect();
        let mut seen = [0usize; 5];
        for q in &queries {
            let all = reference_all(&normalised, &pop, q);
            for limit in [3, 20] {
                let got = idx.search(q, limit);
                assert_eq!(got, all[..limit.min(all.len())], "query {q:?} limit {limit}");
                got.iter().for_each(|h| seen[h.tier as usize] += 1);
            }
        }
        assert!(seen.iter().all(|&n| n > 50), "every tier is exercised: {seen:?}");
    }

    /// Films as a map labels them, with popularity (times seen) that alone would list sequels
    /// and other films first.
    const FILMS: [(&str, u32); 16] = [
        ("Casablanca", 900),
        ("A Night in Casablanca", 950),
        ("Star Wars", 5000),
        ("Star Wars: Episode V – The Empire Strikes Back", 7000),
        ("Star Wars: Episode VI – Return of the Jedi", 6000),
        ("Star Trek", 8000),
        ("Scarface", 3000),
        ("The Godfather", 4000),
        ("The Godfather Part II", 4500),
        ("The Godfather Part III", 4200),
        ("3 Godfathers", 5000),
        ("Disco Godfather", 6000),
        ("Amélie", 2000),
        ("At Close Range", 100),
        ("2010: The Year We Make Contact", 300),
        ("Bat*21", 50),
    ];

    fn films() -> (Vec<String>, Vec<u32>, SearchIndex) {
        let names: Vec<String> = FILMS.iter().map(|(n, _)| n.to_string()).collect();
        let pop: Vec<u32> = FILMS.iter().map(|&(_, p)| p).collect();
        let idx = SearchIndex::new(names.len(), |i| names[i].as_str(), &pop);
        (names, pop, idx)
    }

    fn titles(names: &[String], hits: &[Hit]) -> Vec<String> {
        hits.iter().map(|h| names[h.entity as usize].clone()).collect()
    }

    #[test]
    fn typos_are_found_below_every_literal_match() {
        let (names, _, mut idx) = films();
        // A deletion, a transposition, a substitution: Casablanca, then the longer title.
        for q in ["Casablnca", "casalbanca", "Casablamca"] {
            let hits = idx.search(q, 20);
            assert_eq!(titles(&names, &hits), ["Casablanca", "A Night in Casablanca"], "{q}");
            assert!(hits.iter().all(|h| h.tier == Tier::Fuzzy));
        }
        // One letter missing from a three-letter word: Star Wars, then its episodes (more words),
        // not Star Trek nor Scarface.
        let hits = idx.search("Sar Wars", 20);
        assert_eq!(
            titles(&names, &hits),
            [
                "Star Wars",
                "Star Wars: Episode V – The Empire Strikes Back",
                "Star Wars: Episode VI – Return of the Jedi"
            ]
        );
        // Words in another order, the last one still being typed.
        assert_eq!(titles(&names, &idx.search("wars sta", 1)), ["Star Wars"]);
        // Two edits in a word of eight letters or more, none beyond.
        assert_eq!(titles(&names, &idx.search("godfahtr part", 20))[0], "The Godfather Part II");
        assert!(idx.search("gotfahtr part", 20).is_empty());
        // A literal match first, typo matches after it.
        let hits = idx.search("star trek", 20);
        assert_eq!(hits[0].tier, Tier::Exact);
        assert!(hits.iter().skip(1).all(|h| h.tier == Tier::Fuzzy));
    }

    #[test]
    fn godfather_lists_the_film_before_its_sequels_whatever_their_popularity() {
        let (names, _, mut idx) = films();
        for q in ["godfather", "GODFATHER "] {
            let hits = idx.search(q, 20);
            assert_eq!(
                titles(&names, &hits),
                ["The Godfather", "The Godfather Part II", "The Godfather Part III", "Disco Godfather", "3 Godfathers"],
                "{q}"
            );
            use Tier::*;
            assert_eq!(hits.iter().map(|h| h.tier).collect::<Vec<_>>(), [Exact, Prefix, Prefix, WordStart, WordStart]);
        }
        // With its article the query is no longer in Disco Godfather.
        assert_eq!(titles(&names, &idx.search("The Godfather", 20)).len(), 3);
        // The article counts for neither side: "the casablanca" is Casablanca exactly.
        assert_eq!(idx.search("the casablanca", 1), [Hit { entity: 0, tier: Tier::Exact }]);
        // The article alone is a word like any other.
        assert!(idx.search("the", 20).iter().all(|h| h.tier != Tier::Exact));
    }

    #[test]
    fn short_words_and_numbers_are_never_misspelt() {
        let (names, _, mut idx) = films();
        // "it" is not "at", "cat" is not "bat" when the word must be whole, digits must match.
        assert!(idx.search("it", 20).is_empty());
        assert!(idx.search("it close", 20).is_empty());
        assert!(idx.search("2011", 20).is_empty());
        assert!(idx.search("2011 year", 20).is_empty());
        assert_eq!(titles(&names, &idx.search("2010 yaer", 20)), ["2010: The Year We Make Contact"]);
        // Three letters allow one edit: "bta" is "bat" transposed.
        assert_eq!(titles(&names, &idx.search("bta 21", 20)), ["Bat*21"]);
        assert_eq!(typo_budget(&['i', 't']), 0);
        assert_eq!(typo_budget(&['s', 'a', 'r']), 1);
        assert_eq!(typo_budget(&"godfathr".chars().collect::<Vec<_>>()), 2);
        assert_eq!(typo_budget(&"2001ab".chars().collect::<Vec<_>>()), 0);
    }

    #[test]
    fn accents_are_ignored_in_typos_too() {
        let (names, _, mut idx) = films();
        assert_eq!(idx.search("amelie", 1)[0].tier, Tier::Exact);
        for q in ["Amelei", "amélei", "Ame\u{301}lei"] {
            assert_eq!(titles(&names, &idx.search(q, 20)), ["Amélie"], "{q}");
        }
        let names = ["Smørrebrød", "Ærø", "Крокодил"];
        let mut idx = index(&names, &[1, 1, 1]);
        assert_eq!(entities(&idx.search("smorebrod", 5)), [0]);
        assert_eq!(entities(&idx.search("smörrebröd", 5)), [0]);
        // Letters, not bytes: one Cyrillic letter substituted is one edit.
        assert_eq!(entities(&idx.search("Крокадил", 5)), [2]);
    }

    #[test]
    fn typing_reuses_matches_and_agrees_with_a_fresh_search() {
        let (names, pop, mut typed) = films();
        for q in ["casablnca", "sar wars", "the godfater part", "a night in casa", "zzqx", "star wars: ep"] {
            let chars: Vec<char> = q.chars().collect();
            for k in 1..=chars.len() {
                let prefix: String = chars[..k].iter().collect();
                let mut fresh = SearchIndex::new(names.len(), |i| names[i].as_str(), &pop);
                for limit in [2, 20] {
                    assert_eq!(typed.search(&prefix, limit), fresh.search(&prefix, limit), "{prefix:?} {limit}");
                    assert_eq!(typed.search(&prefix, limit), reference(&names, &pop, &prefix, limit), "{prefix:?}");
                }
            }
        }
    }

    #[test]
    fn a_short_list_of_cluster_names_searches_the_same_way() {
        // No popularity: the list's order breaks ties.
        let clusters: Vec<String> = ["Film noir", "The Westerns", "Nordic noir", "Anime", "Animal docs"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut idx = SearchIndex::new(clusters.len(), |i| clusters[i].as_str(), &[]);
        assert_eq!(entities(&idx.search("noir", 5)), [0, 2]);
        assert_eq!(entities(&idx.search("western", 5)), [1]);
        assert_eq!(entities(&idx.search("anim", 5)), [3, 4]);
        assert_eq!(idx.search("westrens", 5), [Hit { entity: 1, tier: Tier::Fuzzy }]);
        assert!(idx.heap_bytes() < 4096, "a short list stays small: {} bytes", idx.heap_bytes());
        let mut none = SearchIndex::new(0, |_| "", &[]);
        assert!(none.is_empty() && none.search("noir", 5).is_empty() && none.search("x", 5).is_empty());
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
