//! Typo-tolerant word matching, the search's last tier. Every distinct word of the normalised
//! names is kept once, sorted, with the ranks of the names holding it (its postings). A query
//! word is matched against that vocabulary by walking it as a trie (consecutive sorted words
//! share their prefixes) while computing the optimal-string-alignment distance row by row,
//! pruning a branch as soon as its row's minimum exceeds the word's budget: so only words
//! within reach are visited, never the whole vocabulary. The names holding each query word's
//! matches are marked in one bitset per (query word, distance), and a name qualifies when every
//! query word marked it; names come out in rank order, so ties need no sort.

use super::is_separator;
use crate::pause::{self, Pause};

/// Query words the fuzzy tier considers: longer queries are not typo-searched (they would need
/// a bitset per word and distance, and nobody types eight words of a title to find it).
pub const MAX_WORDS: usize = 8;
/// Longest query word (in characters) the fuzzy tier considers; the trie walk's depth and rows
/// grow with it.
pub const MAX_WORD_CHARS: usize = 64;

/// Edits a query word may be away from a name word: none for words of one or two letters (or
/// "it" would find "at") or holding a digit (a year or a sequel number is not misspelt the way
/// a word is: "2001" must not find "2010"), one from three to seven letters, two from eight.
pub fn budget(word: &[char]) -> u8 {
    if word.len() <= 2 || word.iter().any(char::is_ascii_digit) {
        0
    } else if word.len() < 8 {
        1
    } else {
        2
    }
}

/// A hash of `bytes` for the vocabulary's table: FxHash's loop (rustc's: fast, deterministic),
/// the length mixed in, then MurmurHash3's finaliser so that low and high bits are both good
/// (the low ones pick the slot, the high ones tag it).
fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = 0u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let word = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
    }
    h = (h.rotate_left(5) ^ bytes.len() as u64).wrapping_mul(K);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Calls `f(start, end)` for each word (maximal run of non-separator bytes) of `name`.
pub fn for_each_word(name: &[u8], mut f: impl FnMut(usize, usize)) {
    let mut start = None;
    for (i, &b) in name.iter().enumerate() {
        match (is_separator(b), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                f(s, i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        f(s, name.len());
    }
}

/// Distinct words by first sight: an open-addressing table probed by hash, the words
/// themselves copied once into one buffer (compact, so probes stay in cache).
#[derive(Default)]
struct WordTable {
    /// Each slot: the high half of its word's hash and `id + 1` (0: empty), so most probes
    /// are settled without reading the word. A power of two long, at most half full.
    slots: Vec<u64>,
    /// Words so far.
    count: u32,
    off: Vec<u32>,
    text: Vec<u8>,
}

impl WordTable {
    fn word(&self, id: u32) -> &[u8] {
        &self.text[self.off[id as usize] as usize..self.off[id as usize + 1] as usize]
    }

    /// The id of `word`, a new one (the next integer) if unseen.
    fn id(&mut self, word: &[u8]) -> u32 {
        if self.off.is_empty() {
            self.off.push(0);
        }
        if 2 * (self.count as usize + 1) > self.slots.len() {
            self.grow();
        }
        let h = hash_bytes(word);
        let tag = h >> 32 << 32;
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                let id = self.count;
                self.count += 1;
                self.slots[i] = tag | (id as u64 + 1);
                self.text.extend_from_slice(word);
                self.off.push(self.text.len() as u32);
                return id;
            }
            let id = (slot as u32).wrapping_sub(1);
            // Byte by byte: most words are short, and memcmp is a call.
            if slot >> 32 << 32 == tag && self.word(id).len() == word.len() && self.word(id).iter().eq(word) {
                return id;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = (2 * self.slots.len()).max(1024);
        let mut slots = vec![0u64; size];
        for id in 0..self.count {
            let h = hash_bytes(self.word(id));
            let mut i = h as usize & (size - 1);
            while slots[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            slots[i] = h >> 32 << 32 | (id as u64 + 1);
        }
        self.slots = slots;
    }
}

/// The distinct words of all names and the names holding each.
#[derive(Debug, Clone)]
pub struct Vocab {
    /// The words, sorted bytewise (so by code point), concatenated.
    text: Vec<u8>,
    /// `text[off[i]..off[i + 1]]` is word `i`.
    off: Vec<u32>,
    /// `postings[post_off[i]..post_off[i + 1]]`: the ranks of the names holding word `i`,
    /// increasing, each once. Consecutive words' lists are adjacent, so a run of words (all
    /// words with a prefix) is one slice.
    post_off: Vec<u32>,
    postings: Vec<u32>,
    /// Bytes word `i` shares with word `i + 1` (at most 255).
    lcp: Vec<u8>,
    /// The trie's first two levels, where nodes have the most children and finding where each
    /// child's words end would cost a walk most of its time: `kids[root.0..root.1]` are the
    /// first characters, each with its own children's range.
    kids: Vec<Kid>,
    root: (u32, u32),
}

/// A node of the trie's first two levels: the words `lo..hi`, which continue the parent's
/// prefix with `c` (`len` bytes), and for a first character its children in `Vocab::kids`.
#[derive(Debug, Clone, Copy)]
struct Kid {
    lo: u32,
    hi: u32,
    c: char,
    len: u8,
    kids: (u32, u32),
}

impl Vocab {
    /// Indexes the words of the names `text[starts[r]..starts[r + 1] - 1]` (each name is
    /// followed by one `\n`).
    pub async fn build(text: &[u8], starts: &[u32], pause: &mut impl Pause) -> Self {
        let names = starts.len().saturating_sub(1);
        // Pass 1: a provisional id per distinct word (first seen), through an open-addressing
        // table over a compact copy of the distinct words (the names' text is too large to
        // probe without a cache miss a word); the id of every occurrence, `u32::MAX` closing
        // each name; how many names hold each word.
        let mut table = WordTable::default();
        let mut occurrences: Vec<u32> = Vec::new();
        // Per word: how many names hold it, and the last name counted.
        let mut counts: Vec<(u32, u32)> = Vec::new();
        for r in 0..names {
            pause::at(pause, r).await;
            let name = &text[starts[r] as usize..starts[r + 1] as usize - 1];
            for_each_word(name, |s, e| {
                let id = table.id(&name[s..e]);
                if id as usize == counts.len() {
                    counts.push((0, u32::MAX));
                }
                occurrences.push(id);
                // Count a name once however often it repeats the word.
                let (count, last) = &mut counts[id as usize];
                if *last != r as u32 {
                    *last = r as u32;
                    *count += 1;
                }
            });
            occurrences.push(u32::MAX);
        }
        let v = counts.len();
        // Sorted by their first eight bytes (big-endian, zero-padded: a shorter word sorts
        // first), whole words compared only on ties.
        let head = |id: u32| {
            let w = table.word(id);
            u64::from_be_bytes(std::array::from_fn(|i| w.get(i).copied().unwrap_or(0)))
        };
        let mut by_word: Vec<(u64, u32)> = (0..v as u32).map(|id| (head(id), id)).collect();
        pause.tick().await;
        by_word.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| table.word(a.1).cmp(table.word(b.1))));
        pause.tick().await;
        let by_word: Vec<u32> = by_word.into_iter().map(|(_, id)| id).collect();
        let mut sorted_id = vec![0u32; v];
        let mut vocab = Vocab {
            text: Vec::with_capacity(table.text.len()),
            off: Vec::with_capacity(v + 1),
            post_off: Vec::with_capacity(v + 1),
            postings: Vec::new(),
            lcp: Vec::new(),
            kids: Vec::new(),
            root: (0, 0),
        };
        let mut total = 0u32;
        for (i, &id) in by_word.iter().enumerate() {
            pause::at(pause, i).await;
            sorted_id[id as usize] = i as u32;
            vocab.off.push(vocab.text.len() as u32);
            vocab.text.extend_from_slice(table.word(id));
            vocab.post_off.push(total);
            total += counts[id as usize].0;
        }
        vocab.off.push(vocab.text.len() as u32);
        vocab.post_off.push(total);
        vocab.lcp = (0..v)
            .map(|i| match i + 1 < v {
                true => vocab.word(i).iter().zip(vocab.word(i + 1)).take_while(|(a, b)| a == b).count().min(255) as u8,
                false => 0,
            })
            .collect();
        drop((table, by_word, counts));
        vocab.root = vocab.push_kids(0, v, 0);
        for k in vocab.root.0..vocab.root.1 {
            let kid = vocab.kids[k as usize];
            vocab.kids[k as usize].kids = vocab.push_kids(kid.lo as usize, kid.hi as usize, kid.len as usize);
        }
        // Pass 2: each word's names into its list, in rank order.
        let mut fill: Vec<u32> = vocab.post_off[..v].to_vec();
        vocab.postings = vec![0; total as usize];
        let mut r = 0u32;
        for (i, &occ) in occurrences.iter().enumerate() {
            pause::at(pause, i).await;
            if occ == u32::MAX {
                r += 1;
                continue;
            }
            let id = sorted_id[occ as usize] as usize;
            let at = fill[id] as usize;
            // A repeat within the name was not counted.
            if at == vocab.post_off[id] as usize || vocab.postings[at - 1] != r {
                vocab.postings[at] = r;
                fill[id] += 1;
            }
        }
        vocab
    }

    /// Appends the children of the node of words `lo..hi` sharing `off` bytes; their range.
    fn push_kids(&mut self, mut lo: usize, hi: usize, off: usize) -> (u32, u32) {
        let from = self.kids.len() as u32;
        if lo < hi && self.word(lo).len() == off {
            lo += 1;
        }
        while lo < hi {
            let (c, len) = first_char(&self.word(lo)[off..]);
            let end = self.run_end(lo, hi, off, &self.word(lo)[off..off + len]);
            self.kids.push(Kid { lo: lo as u32, hi: end as u32, c, len: len as u8, kids: (0, 0) });
            lo = end;
        }
        (from, self.kids.len() as u32)
    }

    /// Number of distinct words.
    pub fn len(&self) -> usize {
        self.off.len().saturating_sub(1)
    }

    fn word(&self, i: usize) -> &[u8] {
        &self.text[self.off[i] as usize..self.off[i + 1] as usize]
    }

    /// The end of the run of words from `lo` (below `hi`) that have `bytes` at `off` (`lo`
    /// has them; within a range sharing a prefix, the words continuing with the same
    /// character are consecutive). Most runs deep in the walk are a few words long: the first
    /// sixteen are read from `lcp` (one cache line), longer runs galloped then bisected.
    fn run_end(&self, lo: usize, hi: usize, off: usize, bytes: &[u8]) -> usize {
        let shared = off + bytes.len();
        let mut a = lo;
        if shared < 255 {
            let near = &self.lcp[lo..(lo + 16).min(hi - 1)];
            if let Some(k) = near.iter().position(|&l| (l as usize) < shared) {
                return lo + k + 1;
            }
            a = lo + near.len();
        }
        // Byte by byte: a slice comparison would call memcmp for one or two bytes.
        let same = |w: &[u8]| w.len() >= shared && bytes.iter().zip(&w[off..]).all(|(x, y)| x == y);
        // `a` is in the run; find `b` beyond it, then bisect between them.
        let mut step = 16;
        let mut b = a + step;
        while b < hi && same(self.word(b)) {
            a = b;
            step *= 2;
            b = a + step;
        }
        let (mut a, mut b) = (a + 1, b.min(hi));
        while a < b {
            let mid = a + (b - a) / 2;
            if same(self.word(mid)) {
                a = mid + 1;
            } else {
                b = mid;
            }
        }
        a
    }

    /// The ranks of the names holding any of the words `lo..hi` (a rank may repeat).
    pub fn postings(&self, lo: usize, hi: usize) -> &[u32] {
        &self.postings[self.post_off[lo] as usize..self.post_off[hi] as usize]
    }

    /// The ranks of the names holding `word`, if any does.
    pub fn postings_of(&self, word: &[u8]) -> Option<&[u32]> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.word(mid) < word {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo < self.len() && self.word(lo) == word).then(|| self.postings(lo, lo + 1))
    }

    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.lcp.capacity()
            + size_of::<Kid>() * self.kids.capacity()
            + 4 * (self.off.capacity() + self.post_off.capacity() + self.postings.capacity())
    }

    /// Every run of words within `budget` edits of `query` (with `prefix`: having a prefix
    /// within `budget` edits of it, as the word being typed) as `(lo, hi, distance)`. A word may
    /// appear in several runs at different distances; the smallest is its distance.
    pub fn matches(&self, query: &[char], budget: u8, prefix: bool, out: &mut Vec<(u32, u32, u8)>) {
        let m = query.len();
        // Rows for every depth the walk can reach: beyond m + budget letters every entry
        // exceeds the budget.
        let mut walk = Walk {
            vocab: self,
            query,
            prefix,
            rows: vec![0u8; (m + budget as usize + 2) * (m + 1)],
            chars: vec!['\0'; m + budget as usize + 2],
            out,
        };
        for (i, d) in walk.rows[..=m].iter_mut().enumerate() {
            *d = i as u8;
        }
        walk.node(0, self.len(), 0, 0, budget, Some(self.root));
    }
}

/// The trie walk's state: row `j` of `rows` (`m + 1` entries) holds the distances between the
/// current path's first `j` characters (`chars[..j]`) and every prefix of the query.
struct Walk<'a> {
    vocab: &'a Vocab,
    query: &'a [char],
    prefix: bool,
    rows: Vec<u8>,
    chars: Vec<char>,
    out: &'a mut Vec<(u32, u32, u8)>,
}

/// The character starting `bytes` (valid UTF-8: the words come from a `String`) and its length.
fn first_char(bytes: &[u8]) -> (char, usize) {
    let len = match bytes[0] {
        b if b < 0x80 => 1,
        b if b < 0xE0 => 2,
        b if b < 0xF0 => 3,
        _ => 4,
    };
    let len = len.min(bytes.len());
    let c = std::str::from_utf8(&bytes[..len]).ok().and_then(|s| s.chars().next()).unwrap_or('\u{FFFD}');
    (c, len)
}

impl Walk<'_> {
    /// Visits the words `lo..hi`, which share their first `off` bytes (`depth` characters,
    /// whose row is filled), looking for matches within `budget`.
    /// `kids`: the node's children in `Vocab::kids`, known for the two widest levels.
    fn node(&mut self, mut lo: usize, hi: usize, off: usize, depth: usize, budget: u8, kids: Option<(u32, u32)>) {
        let m = self.query.len();
        let stride = m + 1;
        let at_end = self.rows[depth * stride + m];
        let mut budget = budget;
        if self.prefix {
            if at_end <= budget {
                self.out.push((lo as u32, hi as u32, at_end));
                if at_end == 0 {
                    return;
                }
                // Below, only strictly closer words are worth reporting.
                budget = at_end - 1;
            }
        } else if lo < hi && self.vocab.word(lo).len() == off && at_end <= budget {
            self.out.push((lo as u32, lo as u32 + 1, at_end));
        }
        if lo < hi && self.vocab.word(lo).len() == off {
            // The word that ends here sorts first; its children are the longer words.
            lo += 1;
        }
        if depth + 1 >= self.chars.len() {
            return;
        }
        let vocab = self.vocab;
        if let Some(kids) = kids {
            for kid in &vocab.kids[kids.0 as usize..kids.1 as usize] {
                if self.fill_row(depth + 1, kid.c) <= budget {
                    let next = (depth == 0).then_some(kid.kids);
                    self.node(kid.lo as usize, kid.hi as usize, off + kid.len as usize, depth + 1, budget, next);
                }
            }
            return;
        }
        while lo < hi {
            let (c, len) = first_char(&vocab.word(lo)[off..]);
            let end = vocab.run_end(lo, hi, off, &vocab.word(lo)[off..off + len]);
            if self.fill_row(depth + 1, c) <= budget {
                self.node(lo, end, off + len, depth + 1, budget, None);
            }
            lo = end;
        }
    }

    /// Fills row `j` for the path extended by `c`; returns its minimum.
    fn fill_row(&mut self, j: usize, c: char) -> u8 {
        let m = self.query.len();
        let stride = m + 1;
        self.chars[j - 1] = c;
        let (before, rest) = self.rows.split_at_mut(j * stride);
        let prev = &before[(j - 1) * stride..];
        let prev2 = (j >= 2).then(|| &before[(j - 2) * stride..(j - 1) * stride]);
        let row = &mut rest[..stride];
        row[0] = j as u8;
        let mut min = row[0];
        for i in 1..=m {
            let q = self.query[i - 1];
            let mut d = (prev[i] + 1).min(row[i - 1] + 1).min(prev[i - 1] + u8::from(q != c));
            // An adjacent transposition: the path's last two characters are the query's swapped.
            if let Some(p2) = prev2 {
                if i >= 2 && q == self.chars[j - 2] && self.query[i - 2] == c {
                    d = d.min(p2[i - 2] + 1);
                }
            }
            row[i] = d;
            min = min.min(d);
        }
        min
    }
}

/// A query word, its edit budget and the vocabulary runs within it.
struct QueryWord {
    chars: Vec<char>,
    budget: usize,
    /// The last word of the query: matched against the beginnings of name words.
    prefix: bool,
    runs: Vec<(u32, u32, u8)>,
    /// Postings in its runs: the work of marking its names.
    postings: usize,
}

/// Marking a query word's names costs a few nanoseconds a posting, checking one name's words
/// against it by hand a microsecond or so: words with this many times the postings of the
/// rarest word (and at least [`CHECK_FLOOR`]) are checked on the rarest word's names instead.
const CHECK_RATIO: usize = 32;
/// Tiny in tests, so that small fixtures take both paths (they must agree).
const CHECK_FLOOR: usize = if cfg!(test) { 4 } else { 1 << 14 };

/// The optimal-string-alignment distance from `q` to `w` (with `prefix`, to its closest
/// prefix), if at most `budget`. `rows` is scratch.
fn distance(q: &[char], w: &[char], prefix: bool, budget: usize, rows: &mut Vec<usize>) -> Option<usize> {
    let m = q.len();
    let stride = m + 1;
    rows.clear();
    rows.extend(0..=m);
    let mut best = if prefix { m } else { usize::MAX };
    for (j, &c) in w.iter().enumerate() {
        let j = j + 1;
        rows.extend(std::iter::repeat_n(0, stride));
        let (before, row) = rows.split_at_mut(j * stride);
        let prev = &before[(j - 1) * stride..];
        row[0] = j;
        let mut min = j;
        for i in 1..=m {
            let mut d = (prev[i] + 1).min(row[i - 1] + 1).min(prev[i - 1] + usize::from(q[i - 1] != c));
            if i >= 2 && j >= 2 && q[i - 1] == w[j - 2] && q[i - 2] == c {
                d = d.min(before[(j - 2) * stride + i - 2] + 1);
            }
            row[i] = d;
            min = min.min(d);
        }
        if prefix {
            best = best.min(row[m]);
        }
        if min > budget {
            break;
        }
        if j == w.len() && !prefix {
            best = row[m];
        }
    }
    if w.is_empty() && !prefix {
        best = m;
    }
    (best <= budget).then_some(best)
}

/// The fewest edits from `word` to a word of `name`, if within its budget.
fn distance_in(name: &[u8], word: &QueryWord, chars: &mut Vec<char>, rows: &mut Vec<usize>) -> Option<usize> {
    let mut best: Option<usize> = None;
    for_each_word(name, |s, e| {
        if best == Some(0) {
            return;
        }
        chars.clear();
        chars.extend(String::from_utf8_lossy(&name[s..e]).chars());
        if let Some(d) = distance(&word.chars, chars, word.prefix, word.budget, rows) {
            best = Some(best.map_or(d, |b| b.min(d)));
        }
    });
    best
}

/// The best `need` names (ranks) that every word of `query` matches (some word of the name
/// within the query word's [`budget`], the query's last word as a prefix), leaving out the
/// ranks in `exclude` (sorted): fewest edits in all first, then by rank. `name(rank)` is a
/// normalised name; `bits` is scratch.
pub fn search<'a>(
    vocab: &Vocab,
    names: usize,
    name: impl Fn(u32) -> &'a [u8],
    query: &[u8],
    need: usize,
    exclude: &[u32],
    bits: &mut Vec<u64>,
) -> Vec<u32> {
    let mut words: Vec<QueryWord> = Vec::new();
    for_each_word(query, |s, e| {
        let chars: Vec<char> = String::from_utf8_lossy(&query[s..e]).chars().collect();
        words.push(QueryWord { budget: budget(&chars) as usize, chars, prefix: false, runs: Vec::new(), postings: 0 });
    });
    if need == 0
        || names == 0
        || words.is_empty()
        || words.len() > MAX_WORDS
        || words.iter().any(|w| w.chars.len() > MAX_WORD_CHARS)
    {
        return Vec::new();
    }
    if let Some(last) = words.last_mut() {
        last.prefix = true;
    }
    for w in &mut words {
        vocab.matches(&w.chars, w.budget as u8, w.prefix, &mut w.runs);
        if w.runs.is_empty() {
            return Vec::new();
        }
        w.postings = w.runs.iter().map(|&(lo, hi, _)| vocab.postings(lo as usize, hi as usize).len()).sum();
    }
    // Common words ("the", or "sa" being typed) are checked by hand on the names the rarer
    // words leave, rather than marking hundreds of thousands of names.
    let fewest = words.iter().map(|w| w.postings).min().unwrap_or(0);
    let limit = (CHECK_RATIO * fewest).max(CHECK_FLOOR);
    let (marked, checked): (Vec<QueryWord>, Vec<QueryWord>) = words.into_iter().partition(|w| w.postings <= limit);
    let blocks = names.div_ceil(64);
    // Bitset `first[i] + d` marks the names holding a word `d` edits from marked word `i`.
    let mut first = Vec::with_capacity(marked.len());
    let mut slots = 0;
    for w in &marked {
        first.push(slots);
        slots += w.budget + 1;
    }
    bits.clear();
    bits.resize(slots * blocks, 0);
    for (i, w) in marked.iter().enumerate() {
        for &(lo, hi, d) in &w.runs {
            let set = &mut bits[(first[i] + d as usize) * blocks..][..blocks];
            for &r in vocab.postings(lo as usize, hi as usize) {
                set[r as usize / 64] |= 1 << (r % 64);
            }
        }
    }
    // Hits by total edits, each list in rank order and at most `need` long.
    let total_budget: usize = marked.iter().chain(&checked).map(|w| w.budget).sum();
    let mut by_edits: Vec<Vec<u32>> = vec![Vec::new(); total_budget + 1];
    let word_bits = |i: usize, d: usize, block: usize| bits[(first[i] + d) * blocks + block];
    let (mut chars, mut rows) = (Vec::new(), Vec::new());
    for block in 0..blocks {
        let mut all = !0u64;
        for (i, w) in marked.iter().enumerate() {
            all &= (0..=w.budget).fold(0, |any, d| any | word_bits(i, d, block));
            if all == 0 {
                break;
            }
        }
        while all != 0 {
            let bit = all.trailing_zeros() as usize;
            all &= all - 1;
            let rank = (block * 64 + bit) as u32;
            if exclude.binary_search(&rank).is_ok() {
                continue;
            }
            let mut edits: usize = marked
                .iter()
                .enumerate()
                .map(|(i, w)| (0..=w.budget).find(|&d| word_bits(i, d, block) >> bit & 1 == 1).unwrap_or(w.budget))
                .sum();
            let mut all_found = true;
            for w in &checked {
                match distance_in(name(rank), w, &mut chars, &mut rows) {
                    Some(d) => edits += d,
                    None => {
                        all_found = false;
                        break;
                    }
                }
            }
            if all_found && by_edits[edits].len() < need {
                by_edits[edits].push(rank);
            }
        }
        // Nothing later can beat a full list of names matched without an edit.
        if by_edits[0].len() >= need {
            break;
        }
    }
    by_edits.into_iter().flatten().take(need).collect()
}
