//! Name search benchmark: the viewer's ranked search (`starmap_format::search`) over synthetic
//! names, natively, with fixed seeds and a size sweep. Names are 1–5 words drawn from a
//! vocabulary by a Zipf law (a few words very common, most rare), an eighth of them with a
//! leading "The"; popularity is heavy-tailed. Queries are drawn from the names themselves:
//!
//! - `exact`: a whole name; `prefix`: its first 2–6 letters;
//! - `typo`: one word of five or more letters with one edit (substitution, insertion, deletion
//!   or adjacent transposition); `multi-typo`: two or three consecutive words, one edit in each
//!   word of four or more letters;
//! - `no-match`: letters no name has (`q`, `x`, `z` mixed);
//! - `keystroke`: typo and exact queries typed one character at a time into the same index, as
//!   the viewer runs them (each keystroke may reuse the previous one's matches).
//!
//! ```text
//! cargo bench -p starmap-format --bench search -- [--sizes 10000,100000,1000000] [--queries 200]
//!     [--limit 20] [--rounds 3] [--kinds exact,prefix,typo,multi-typo,no-match,keystroke]
//! ```
//! Prints one Markdown row per size and query kind: median and p95 milliseconds a search (each
//! query's fastest of `--rounds`), and the index build time and heap bytes per name, as built
//! and after the queries; on stderr, the three slowest queries of each kind.

use std::time::Instant;

use starmap_format::search::SearchIndex;

/// SplitMix64: a fixed-seed generator, so every run draws the same names and queries.
struct Rng(u64);

impl Rng {
    fn seed(seed: u64) -> Self {
        Self(seed)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

const SYLLABLES: [&str; 40] = [
    "ka", "lo", "ve", "ran", "mi", "sto", "dre", "ul", "na", "zor", "el", "qui", "ta", "bo", "rin", "sa", "ph", "ion",
    "te", "mar", "go", "lys", "ae", "cho", "ber", "den", "fa", "gra", "hol", "ist", "jun", "kor", "len", "mos", "nel",
    "ost", "pra", "ren", "sel", "tur",
];
/// Short words every title language has, at the head of the Zipf law.
const COMMON: [&str; 12] = ["of", "the", "and", "in", "a", "to", "my", "part", "ii", "night", "love", "man"];

/// Deterministic names, popularity and vocabulary for one size.
struct Corpus {
    names: Vec<String>,
    popularity: Vec<u32>,
}

fn vocabulary(rng: &mut Rng, size: usize) -> Vec<String> {
    let mut words: Vec<String> = COMMON.iter().map(|w| w.to_string()).collect();
    let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
    while words.len() < size {
        let syllables = 1 + rng.below(4);
        let w: String = (0..syllables).map(|_| SYLLABLES[rng.below(SYLLABLES.len())]).collect();
        if seen.insert(w.clone()) {
            words.push(w);
        }
    }
    words
}

fn corpus(n: usize, seed: u64) -> Corpus {
    let mut rng = Rng::seed(seed);
    // A vocabulary that grows with the names, as real titles' does (Heaps' law, roughly).
    let vocab = vocabulary(&mut rng, (60.0 * (n as f64).powf(0.6)) as usize);
    // Zipf with exponent 1: cumulative weights, sampled by bisection.
    let mut cumulative = Vec::with_capacity(vocab.len());
    let mut total = 0.0;
    for r in 0..vocab.len() {
        total += 1.0 / (r as f64 + 1.0);
        cumulative.push(total);
    }
    let mut names = Vec::with_capacity(n);
    for _ in 0..n {
        let words = 1 + rng.below(5);
        let mut name = String::new();
        if rng.below(8) == 0 {
            name.push_str("The ");
        }
        for k in 0..words {
            let u = rng.unit() * total;
            let w = &vocab[cumulative.partition_point(|&c| c < u).min(vocab.len() - 1)];
            if k > 0 {
                name.push(' ');
            }
            let mut chars = w.chars();
            if let Some(first) = chars.next() {
                name.extend(first.to_uppercase());
                name.push_str(chars.as_str());
            }
        }
        names.push(name);
    }
    // Heavy-tailed popularity (Pareto-like): most names seen a few times, some thousands.
    let popularity = (0..n).map(|_| (1.0 / rng.unit().max(1e-6)).powf(1.2) as u32).collect();
    Corpus { names, popularity }
}

/// One random edit of `word` (at least two letters): substitution, insertion, deletion or
/// adjacent transposition, never leaving it unchanged.
fn typo(rng: &mut Rng, word: &str) -> String {
    let mut c: Vec<char> = word.chars().collect();
    let letters: Vec<char> = "abcdefghijklmnoprstuvy".chars().collect();
    loop {
        let mut t = c.clone();
        let at = rng.below(t.len());
        match rng.below(4) {
            0 => t[at] = letters[rng.below(letters.len())],
            1 => t.insert(at, letters[rng.below(letters.len())]),
            2 => {
                t.remove(at);
            }
            _ if at + 1 < t.len() => t.swap(at, at + 1),
            _ => continue,
        }
        if t != c {
            c = t;
            break;
        }
    }
    c.into_iter().collect()
}

fn queries(corpus: &Corpus, count: usize, seed: u64) -> Vec<(&'static str, Vec<String>)> {
    let mut rng = Rng::seed(seed);
    let n = corpus.names.len();
    let pick = |rng: &mut Rng| corpus.names[rng.below(n)].clone();
    let (mut exact, mut prefix, mut typos, mut multi, mut none) = (vec![], vec![], vec![], vec![], vec![]);
    while exact.len() < count {
        exact.push(pick(&mut rng));
    }
    while prefix.len() < count {
        let name = pick(&mut rng).to_lowercase();
        let len = 2 + rng.below(5);
        prefix.push(name.chars().take(len).collect::<String>());
    }
    while typos.len() < count {
        let name = pick(&mut rng);
        let long: Vec<&str> = name.split(' ').filter(|w| w.chars().count() >= 5).collect();
        if !long.is_empty() {
            let w = long[rng.below(long.len())].to_lowercase();
            typos.push(typo(&mut rng, &w));
        }
    }
    while multi.len() < count {
        let name = pick(&mut rng);
        let words: Vec<&str> = name.split(' ').collect();
        if words.len() < 2 {
            continue;
        }
        let len = 2 + rng.below(2).min(words.len() - 2);
        let at = rng.below(words.len() - len + 1);
        let part = &words[at..at + len];
        if !part.iter().any(|w| w.chars().count() >= 4) {
            continue;
        }
        let edited: Vec<String> = part
            .iter()
            .map(|w| if w.chars().count() >= 4 { typo(&mut rng, &w.to_lowercase()) } else { w.to_lowercase() })
            .collect();
        multi.push(edited.join(" "));
    }
    while none.len() < count {
        let len = 4 + rng.below(5);
        none.push((0..len).map(|_| ['q', 'x', 'z'][rng.below(3)]).collect::<String>());
    }
    vec![("exact", exact), ("prefix", prefix), ("typo", typos), ("multi-typo", multi), ("no-match", none)]
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn arg(args: &[String], flag: &str) -> Option<String> {
    args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1).cloned())
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sizes: Vec<usize> = arg(&args, "--sizes")
        .unwrap_or_else(|| "10000,100000,1000000".into())
        .split(',')
        .map(|s| s.trim().parse().map_err(|e| format!("--sizes: {s:?}: {e}")))
        .collect::<Result<_, _>>()?;
    let count: usize = arg(&args, "--queries").map_or(Ok(200), |s| s.parse()).map_err(|e| format!("--queries: {e}"))?;
    let limit: usize = arg(&args, "--limit").map_or(Ok(20), |s| s.parse()).map_err(|e| format!("--limit: {e}"))?;
    let rounds: usize = arg(&args, "--rounds").map_or(Ok(3), |s| s.parse()).map_err(|e| format!("--rounds: {e}"))?;
    let only = arg(&args, "--kinds");
    println!("| names | query kind | searches | median ms | p95 ms | max ms | mean hits |");
    println!("|---:|---|---:|---:|---:|---:|---:|");
    let mut builds = Vec::new();
    for &n in &sizes {
        let corpus = corpus(n, 1);
        let t = Instant::now();
        let mut index = SearchIndex::new(n, |i| corpus.names[i].as_str(), &corpus.popularity);
        let build_ms = t.elapsed().as_secs_f64() * 1e3;
        let built_bytes = index.heap_bytes() as f64 / n as f64;
        let mut kinds = queries(&corpus, count, 2);
        // Typed one character at a time: a fifth of the typo, multi-word typo and exact queries.
        let mut typed = Vec::new();
        for (kind, qs) in &kinds {
            if matches!(*kind, "typo" | "multi-typo" | "exact") {
                for q in qs.iter().take(count / 5) {
                    let chars: Vec<char> = q.chars().collect();
                    typed.extend((1..=chars.len()).map(|k| chars[..k].iter().collect::<String>()));
                }
            }
        }
        kinds.push(("keystroke", typed));
        for (kind, qs) in &kinds {
            if only.as_ref().is_some_and(|o| !o.split(',').any(|k| k == *kind)) {
                continue;
            }
            // Each query's time is its fastest of a few rounds, to damp other processes' noise
            // on a shared machine; rounds replay the whole list in order, so a keystroke still
            // follows the one before it.
            let mut times = vec![f64::INFINITY; qs.len()];
            let mut hits = 0usize;
            for _ in 0..rounds {
                hits = 0;
                for (q, time) in qs.iter().zip(&mut times) {
                    let t = Instant::now();
                    let found = index.search(q, limit);
                    *time = time.min(t.elapsed().as_secs_f64() * 1e3);
                    hits += found.len();
                }
            }
            let mut slowest: Vec<(f64, &String)> = times.iter().copied().zip(qs).collect();
            slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
            let worst: Vec<String> = slowest.iter().take(3).map(|(t, q)| format!("{q:?} {t:.2} ms")).collect();
            eprintln!("{n} {kind}: slowest {}", worst.join(", "));
            times.sort_by(f64::total_cmp);
            println!(
                "| {n} | {kind} | {} | {:.3} | {:.3} | {:.3} | {:.1} |",
                times.len(),
                percentile(&times, 0.5),
                percentile(&times, 0.95),
                times[times.len() - 1],
                hits as f64 / qs.len() as f64
            );
        }
        // After the queries the index also holds the typo tier's bitsets and the last scan.
        builds.push((n, build_ms, built_bytes, index.heap_bytes() as f64 / n as f64));
    }
    println!();
    println!("| names | index build ms | index bytes/name | after the queries |");
    println!("|---:|---:|---:|---:|");
    for (n, ms, built, after) in builds {
        println!("| {n} | {ms:.0} | {built:.1} | {after:.1} |");
    }
    Ok(())
}
