//! Planted-cluster interaction data: entities belong to known clusters and have Zipf
//! popularity; each context draws its entities from one cluster (sometimes two) plus a share of
//! noise from everywhere. A good map must put each entity near its cluster mates, and the
//! cluster labels say exactly how well it does. Used by the integration tests and the builder
//! benchmark.

use std::io::Write;
use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

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

/// Generates planted-cluster interactions.
pub fn generate(cfg: &PlantedConfig) -> Planted {
    let mut rng = Pcg64Mcg::seed_from_u64(cfg.seed);
    let n = cfg.entities;
    // Popularity rank is random, so popular entities are spread over all clusters.
    let mut rank: Vec<u32> = (0..n as u32).collect();
    for i in (1..n).rev() {
        rank.swap(i, rng.random_range(0..=i));
    }
    let weight = |e: u32| 1.0 / (1.0 + rank[e as usize] as f64).powf(cfg.zipf);
    let cluster_of: Vec<u32> = (0..n).map(|e| (e % cfg.clusters) as u32).collect();
    let per_cluster: Vec<Sampler> = (0..cfg.clusters)
        .map(|c| Sampler::new((0..n as u32).filter(|&e| cluster_of[e as usize] == c as u32).collect(), weight))
        .collect();
    let everyone = Sampler::new((0..n as u32).collect(), weight);

    let mut rows = Vec::with_capacity(cfg.interactions);
    let mut context = 0u32;
    let mut members = Vec::new();
    while rows.len() < cfg.interactions {
        let size = rng.random_range(cfg.mean_context_size / 2..=cfg.mean_context_size * 3 / 2).max(2);
        let first = rng.random_range(0..cfg.clusters);
        let second =
            if rng.random::<f64>() < cfg.two_cluster_share { rng.random_range(0..cfg.clusters) } else { first };
        members.clear();
        for _ in 0..size {
            let e = if rng.random::<f64>() < cfg.noise {
                everyone.draw(&mut rng)
            } else if rng.random::<bool>() {
                per_cluster[first].draw(&mut rng)
            } else {
                per_cluster[second].draw(&mut rng)
            };
            members.push(e);
        }
        members.sort_unstable();
        members.dedup();
        for &e in &members {
            rows.push((context, e));
        }
        context += 1;
    }
    rows.truncate(cfg.interactions);
    Planted { rows, cluster_of }
}

impl Planted {
    /// Writes `context,entity` rows as CSV (gzip when the name ends in `.gz`), ids `c…`/`e…`.
    pub fn write_csv(&self, path: &Path) -> std::io::Result<()> {
        let file = std::io::BufWriter::new(std::fs::File::create(path)?);
        let mut out: Box<dyn Write> = if path.extension().is_some_and(|e| e == "gz") {
            Box::new(flate2::write::GzEncoder::new(file, flate2::Compression::fast()))
        } else {
            Box::new(file)
        };
        writeln!(out, "context,entity")?;
        for &(c, e) in &self.rows {
            writeln!(out, "c{c},e{e}")?;
        }
        out.flush()
    }

    /// Writes `entity,cluster` metadata as CSV.
    pub fn write_metadata(&self, path: &Path) -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        writeln!(out, "entity,cluster")?;
        for (e, c) in self.cluster_of.iter().enumerate() {
            writeln!(out, "e{e},k{c}")?;
        }
        out.flush()
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
}
