//! Planted-cluster interaction data: entities belong to known clusters and have Zipf
//! popularity; each context draws its entities from one cluster (sometimes two) plus a share of
//! noise from everywhere. A good map must put each entity near its cluster mates, and the
//! cluster labels say exactly how well it does. Used by the integration tests and the builder
//! benchmark.

use std::io::Write;
use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

/// Shape of the generated data.
#[derive(Debug, Clone, Copy)]
pub struct PlantedConfig {
    /// Entities.
    pub entities: usize,
    /// Clusters (entities are spread evenly over them).
    pub clusters: usize,
    /// Target number of interactions (rows).
    pub interactions: usize,
    /// Mean entities per context.
    pub mean_context_size: usize,
    /// Zipf exponent of entity popularity.
    pub zipf: f64,
    /// Share of a context's entities drawn from anywhere.
    pub noise: f64,
    /// Share of contexts that mix two clusters.
    pub two_cluster_share: f64,
    /// Seed.
    pub seed: u64,
}

impl PlantedConfig {
    /// A configuration with the usual shape and the given size.
    pub fn sized(entities: usize, interactions: usize, seed: u64) -> Self {
        Self {
            entities,
            clusters: (entities / 200).clamp(5, 200),
            interactions,
            mean_context_size: (interactions / entities.max(1)).clamp(10, 100),
            zipf: 0.8,
            noise: 0.15,
            two_cluster_share: 0.3,
            seed,
        }
    }
}

/// Generated data.
#[derive(Debug, Clone)]
pub struct Planted {
    /// `(context, entity)` rows.
    pub rows: Vec<(u32, u32)>,
    /// Cluster of each entity.
    pub cluster_of: Vec<u32>,
}

/// Cumulative weights for sampling by binary search.
struct Sampler {
    items: Vec<u32>,
    cumulative: Vec<f64>,
}

impl Sampler {
    fn new(items: Vec<u32>, weight: impl Fn(u32) -> f64) -> Self {
        let mut total = 0.0;
        let cumulative = items
            .iter()
            .map(|&i| {
                total += weight(i);
                total
            })
            .collect();
        Self { items, cumulative }
    }

    fn draw(&self, rng: &mut Pcg64Mcg) -> u32 {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let u = rng.random::<f64>() * total;
        let at = self.cumulative.partition_point(|&c| c < u).min(self.items.len() - 1);
        self.items[at]
    }
}

/// Contexts drawn from one RNG stream. Each chunk has its own stream, seeded from the seed
/// and the chunk's index, so chunks can be drawn on any thread in any order and the data
/// stays the same for a seed.
const CHUNK_CONTEXTS: u32 = 4096;

/// What every context is drawn from: the popularity-weighted samplers.
struct Model {
    cfg: PlantedConfig,
    cluster_of: Vec<u32>,
    per_cluster: Vec<Sampler>,
    everyone: Sampler,
}

impl Model {
    fn new(cfg: &PlantedConfig) -> Self {
        let mut rng = Pcg64Mcg::seed_from_u64(cfg.seed);
        let n = cfg.entities;
        // Popularity rank is random, so popular entities are spread over all clusters.
        let mut rank: Vec<u32> = (0..n as u32).collect();
        for i in (1..n).rev() {
            rank.swap(i, rng.random_range(0..=i));
        }
        let weight = |e: u32| 1.0 / (1.0 + rank[e as usize] as f64).powf(cfg.zipf);
        let cluster_of: Vec<u32> = (0..n).map(|e| (e % cfg.clusters) as u32).collect();
        // One pass over the entities, not one per cluster (200 passes at 1M entities).
        let mut members = vec![Vec::new(); cfg.clusters];
        for (e, &c) in cluster_of.iter().enumerate() {
            members[c as usize].push(e as u32);
        }
        let per_cluster = members.into_iter().map(|m| Sampler::new(m, weight)).collect();
        let everyone = Sampler::new((0..n as u32).collect(), weight);
        Self { cfg: *cfg, cluster_of, per_cluster, everyone }
    }

    /// The `(context, entity)` rows of chunk `k`: contexts `k·CHUNK_CONTEXTS…`, members
    /// sorted within each.
    fn chunk(&self, k: u32) -> Vec<(u32, u32)> {
        let cfg = &self.cfg;
        let mut rng = Pcg64Mcg::seed_from_u64(cfg.seed ^ u64::from(k + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut rows = Vec::with_capacity(CHUNK_CONTEXTS as usize * cfg.mean_context_size);
        let mut members = Vec::new();
        for j in 0..CHUNK_CONTEXTS {
            let context = k * CHUNK_CONTEXTS + j;
            let size = rng.random_range(cfg.mean_context_size / 2..=cfg.mean_context_size * 3 / 2).max(2);
            let first = rng.random_range(0..cfg.clusters);
            let second =
                if rng.random::<f64>() < cfg.two_cluster_share { rng.random_range(0..cfg.clusters) } else { first };
            members.clear();
            for _ in 0..size {
                let e = if rng.random::<f64>() < cfg.noise {
                    self.everyone.draw(&mut rng)
                } else if rng.random::<bool>() {
                    self.per_cluster[first].draw(&mut rng)
                } else {
                    self.per_cluster[second].draw(&mut rng)
                };
                members.push(e);
            }
            members.sort_unstable();
            members.dedup();
            rows.extend(members.iter().map(|&e| (context, e)));
        }
        rows
    }

    /// Chunks in order, drawn a batch at a time in parallel, handed to `take` until it has
    /// `cfg.interactions` rows (the last chunk cut to fit).
    fn chunks<E>(&self, mut take: impl FnMut(Vec<(u32, u32)>) -> Result<(), E>) -> Result<(), E> {
        let batch = 4 * rayon::current_num_threads() as u32;
        let mut left = self.cfg.interactions;
        let mut next = 0u32;
        while left > 0 {
            let drawn: Vec<Vec<(u32, u32)>> = (next..next + batch).into_par_iter().map(|k| self.chunk(k)).collect();
            next += batch;
            for mut rows in drawn {
                rows.truncate(left);
                left -= rows.len();
                take(rows)?;
                if left == 0 {
                    break;
                }
            }
        }
        Ok(())
    }
}

/// Generates planted-cluster interactions in memory (small sizes: tests).
pub fn generate(cfg: &PlantedConfig) -> Planted {
    let model = Model::new(cfg);
    let mut rows = Vec::with_capacity(cfg.interactions);
    let _ = model.chunks(|chunk| {
        rows.extend(chunk);
        Ok::<(), ()>(())
    });
    Planted { rows, cluster_of: model.cluster_of }
}

/// Appends `v` in decimal: `write!` goes through the formatter, several times slower, and a
/// large file is a hundred million of these.
fn push_u32(out: &mut Vec<u8>, mut v: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// The CSV text of `rows`.
fn csv_rows(rows: &[(u32, u32)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows.len() * 18);
    for &(c, e) in rows {
        out.push(b'c');
        push_u32(&mut out, c);
        out.extend_from_slice(b",e");
        push_u32(&mut out, e);
        out.push(b'\n');
    }
    out
}

fn output(path: &Path) -> std::io::Result<Box<dyn Write>> {
    let file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    Ok(if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::write::GzEncoder::new(file, flate2::Compression::fast()))
    } else {
        Box::new(file)
    })
}

/// Generates planted-cluster interactions straight into `path` (CSV, gzip when the name ends
/// in `.gz`) without holding them: each batch of chunks is drawn and turned into text in
/// parallel, then written in order. The same file as `generate(cfg).write_csv(path)`, at
/// any thread count. Returns the cluster of each entity (for [`write_clusters`]).
pub fn write_planted(cfg: &PlantedConfig, path: &Path) -> std::io::Result<Vec<u32>> {
    let model = Model::new(cfg);
    let mut out = output(path)?;
    out.write_all(b"context,entity\n")?;
    let batch = 4 * rayon::current_num_threads();
    let mut pending: Vec<Vec<(u32, u32)>> = Vec::with_capacity(batch);
    let flush = |pending: &mut Vec<Vec<(u32, u32)>>, out: &mut Box<dyn Write>| -> std::io::Result<()> {
        let texts: Vec<Vec<u8>> = pending.par_iter().map(|rows| csv_rows(rows)).collect();
        pending.clear();
        texts.iter().try_for_each(|t| out.write_all(t))
    };
    model.chunks(|rows| {
        pending.push(rows);
        if pending.len() == batch {
            flush(&mut pending, &mut out)?;
        }
        Ok::<(), std::io::Error>(())
    })?;
    flush(&mut pending, &mut out)?;
    out.flush()?;
    Ok(model.cluster_of)
}

/// Writes `entity,cluster` metadata as CSV.
pub fn write_clusters(cluster_of: &[u32], path: &Path) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "entity,cluster")?;
    for (e, c) in cluster_of.iter().enumerate() {
        writeln!(out, "e{e},k{c}")?;
    }
    out.flush()
}

impl Planted {
    /// Writes `context,entity` rows as CSV (gzip when the name ends in `.gz`), ids `c…`/`e…`.
    pub fn write_csv(&self, path: &Path) -> std::io::Result<()> {
        let mut out = output(path)?;
        out.write_all(b"context,entity\n")?;
        for rows in self.rows.chunks(1 << 16) {
            out.write_all(&csv_rows(rows))?;
        }
        out.flush()
    }

    /// Writes `entity,cluster` metadata as CSV.
    pub fn write_metadata(&self, path: &Path) -> std::io::Result<()> {
        write_clusters(&self.cluster_of, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_popularity_follow_the_config() {
        let cfg = PlantedConfig::sized(1000, 20_000, 1);
        let p = generate(&cfg);
        assert_eq!(p.rows.len(), 20_000);
        let mut count = vec![0usize; 1000];
        for &(_, e) in &p.rows {
            count[e as usize] += 1;
        }
        count.sort_unstable();
        // Zipf: the most popular entity is far above the median one.
        assert!(count[999] > 5 * count[500], "{} vs {}", count[999], count[500]);
        assert_eq!(generate(&cfg).rows, p.rows, "not deterministic");
    }

    #[test]
    fn streamed_file_is_the_in_memory_one_at_any_thread_count() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = PlantedConfig::sized(3000, 200_000, 5);
        let whole = dir.path().join("whole.csv");
        generate(&cfg).write_csv(&whole).unwrap();
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let streamed = dir.path().join(format!("streamed-{threads}.csv"));
            let clusters = pool.install(|| write_planted(&cfg, &streamed)).unwrap();
            assert_eq!(clusters.len(), 3000);
            assert!(std::fs::read(&streamed).unwrap() == std::fs::read(&whole).unwrap(), "{threads} threads");
        }
        let text = std::fs::read_to_string(&whole).unwrap();
        assert_eq!(text.lines().count(), 200_001);
        assert!(text.starts_with("context,entity\nc0,e"), "{}", &text[..40]);
    }
}
