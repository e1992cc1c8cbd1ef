//! Writes a synthetic Starmap map: clustered 2D positions, Zipf popularity, a categorical, a tags,
//! a numeric and a text-label column, and 2D nearest neighbours standing in for the
//! high-dimensional ones. It feeds the viewer's development, its browser tests and its 100k / 1M
//! point benchmarks without waiting for a real build.
//!
//! ```text
//! synth_map --points N --out DIR [--seed S] [--layouts L] [--first-label TEXT]
//! ```
//! `--layouts` (default 2, at most 4) writes that many layouts: `blobs`, then rearrangements of
//! it (`swapped`, `ring`, `spread`): the same clusters at other places, each turned, the whole
//! scaled, with a growing share of points moved to another cluster. The neighbourhood change of
//! every pair is exact (10 nearest neighbours in each layout, compared), and each layout's
//! quality figures are the recall of the first layout's neighbours and the agreement of the
//! `group` column among 2D neighbours. `--first-label` replaces the label of the most popular
//! entity (the browser tests use it to plant a hostile title). Clusters come in two levels: the
//! planted blobs, named after their group, and each blob's two halves along its long axis.

use std::path::PathBuf;
use std::process::ExitCode;

use starmap_format::{
    encode_map, BuildInfo, Categorical, ClusterInfo, ClusterLevelContent, ColumnData, ColumnValues, LayoutContent,
    MapContent, Quality, Tags, TextColumn, NEIGHBORHOOD_K, NO_NEIGHBOR,
};

/// Validated command-line options.
struct Options {
    points: usize,
    out: PathBuf,
    seed: u64,
    layouts: usize,
    first_label: Option<String>,
}

/// Names of the layouts, in order.
const LAYOUT_NAMES: [&str; 4] = ["blobs", "swapped", "ring", "spread"];

fn parse_args() -> Result<Options, String> {
    let mut points = None;
    let mut out = None;
    let mut seed = 0u64;
    let mut layouts = 2usize;
    let mut first_label = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--points" => points = Some(value()?.parse::<usize>().map_err(|e| format!("--points: {e}"))?),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--layouts" => layouts = value()?.parse().map_err(|e| format!("--layouts: {e}"))?,
            "--first-label" => first_label = Some(value()?),
            "-h" | "--help" => {
                return Err(
                    "usage: synth_map --points N --out DIR [--seed S] [--layouts L] [--first-label TEXT]".into()
                );
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    let points = points.ok_or("--points is required")?;
    if points == 0 || points > 20_000_000 {
        return Err(format!("--points must be between 1 and 20000000, got {points}"));
    }
    if !(1..=LAYOUT_NAMES.len()).contains(&layouts) {
        return Err(format!("--layouts must be between 1 and {}, got {layouts}", LAYOUT_NAMES.len()));
    }
    Ok(Options { points, out: out.ok_or("--out is required")?, seed, layouts, first_label })
}

/// SplitMix64: tiny, seedable, and good enough for test data.
struct Rng(u64);

impl Rng {
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
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }
    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

const GROUPS: [&str; 12] = [
    "Aurora", "Basalt", "Cinder", "Delta", "Ember", "Fjord", "Glacier", "Harbor", "Iris", "Juniper", "Kestrel",
    "Lagoon",
];
const MOODS: [&str; 6] = ["Calm", "Bright", "Dark", "Fast", "Odd", "Warm"];
const SYLLABLES: [&str; 24] = [
    "ka", "lo", "ve", "ran", "mi", "sto", "dre", "ul", "na", "zor", "el", "qui", "ta", "bo", "rin", "sa", "ph", "ion",
    "te", "mar", "go", "lys", "ae", "cho",
];

fn word(rng: &mut Rng) -> String {
    let len = 2 + rng.below(2);
    let mut w: String = (0..len).map(|_| SYLLABLES[rng.below(SYLLABLES.len())]).collect();
    if let Some(first) = w.get(..1) {
        let upper = first.to_uppercase();
        w.replace_range(..1, &upper);
    }
    w
}

/// The exact k nearest 2D neighbours of every point (ties by index), through a uniform grid:
/// every point looks in its own and the surrounding cells, widening the ring until the k-th
/// candidate lies within the ring, so no point outside it can be nearer.
fn grid_neighbors(pos: &[[f32; 2]], k: usize) -> Vec<u32> {
    let n = pos.len();
    let (mut lo, mut hi) = ([f32::MAX; 2], [f32::MIN; 2]);
    for p in pos {
        for d in 0..2 {
            lo[d] = lo[d].min(p[d]);
            hi[d] = hi[d].max(p[d]);
        }
    }
    let side = ((n as f64 / 4.0).sqrt().ceil() as usize).max(1);
    let extent = [(hi[0] - lo[0]).max(1e-9), (hi[1] - lo[1]).max(1e-9)];
    // Any point within ring × this of p lies in the ring's cells.
    let cell_min = (extent[0].min(extent[1]) / side as f32) as f64;
    let cell_of = |p: &[f32; 2]| -> (usize, usize) {
        let f = |d: usize| (((p[d] - lo[d]) / extent[d] * side as f32) as usize).min(side - 1);
        (f(0), f(1))
    };
    let mut cells: Vec<Vec<u32>> = vec![Vec::new(); side * side];
    for (i, p) in pos.iter().enumerate() {
        let (cx, cy) = cell_of(p);
        cells[cy * side + cx].push(i as u32);
    }
    let mut out = vec![NO_NEIGHBOR; n * k];
    let mut cand: Vec<(f32, u32)> = Vec::new();
    for (i, p) in pos.iter().enumerate() {
        let (cx, cy) = cell_of(p);
        let mut ring = 1usize;
        loop {
            cand.clear();
            let (x0, x1) = (cx.saturating_sub(ring), (cx + ring).min(side - 1));
            let (y0, y1) = (cy.saturating_sub(ring), (cy + ring).min(side - 1));
            for y in y0..=y1 {
                for x in x0..=x1 {
                    for &j in &cells[y * side + x] {
                        if j as usize != i {
                            let q = pos[j as usize];
                            cand.push(((q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2), j));
                        }
                    }
                }
            }
            let everything = x0 == 0 && y0 == 0 && x1 == side - 1 && y1 == side - 1;
            if everything {
                break;
            }
            if cand.len() >= k {
                cand.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let kth = (cand[k - 1].0 as f64).sqrt();
                if kth <= ring as f64 * cell_min {
                    break;
                }
                ring = ring.max((kth / cell_min).ceil() as usize);
            } else {
                ring *= 2;
            }
        }
        let take = k.min(cand.len());
        if take > 0 && take < cand.len() {
            cand.select_nth_unstable_by(take - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        cand[..take].sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (slot, &(_, j)) in out[i * k..i * k + take].iter_mut().zip(&cand[..take]) {
            *slot = j;
        }
    }
    out
}

/// Per entity, how many of its `k` neighbours in `a` are not among its neighbours in `b` (both
/// `n × k`, [`NO_NEIGHBOR`] padding ignored).
fn neighborhood_change_of(a: &[u32], b: &[u32], k: usize) -> Vec<u8> {
    a.chunks_exact(k.max(1))
        .zip(b.chunks_exact(k.max(1)))
        .map(|(x, y)| x.iter().filter(|&&j| j != NO_NEIGHBOR && !y.contains(&j)).count() as u8)
        .collect()
}

/// Share of entities whose `k` neighbours mostly (more than half) share their group.
fn label_agreement(nn: &[u32], k: usize, groups: &[u16]) -> f64 {
    let agree = nn
        .chunks_exact(k.max(1))
        .zip(groups)
        .filter(|(near, &g)| 2 * near.iter().filter(|&&j| j != NO_NEIGHBOR && groups[j as usize] == g).count() > k)
        .count();
    agree as f64 / groups.len().max(1) as f64
}

/// Layout `l` (≥ 1) of the points: cluster `c` of each point moves to another place (the
/// cluster centres permuted, on a ring for `ring`), is turned about its centre, and the whole is
/// scaled (so the viewer must align it); a share of the points (10% per layout) jumps to
/// another cluster, and their neighbourhoods change entirely.
fn rearranged(
    l: usize,
    positions: &[[f32; 2]],
    cluster_of: &[usize],
    centres: &[[f64; 2]],
    rng: &mut Rng,
) -> Vec<[f32; 2]> {
    let c = centres.len();
    let mut target: Vec<usize> = (0..c).collect();
    for i in (1..c).rev() {
        target.swap(i, rng.below(i + 1));
    }
    let place: Vec<[f64; 2]> = (0..c)
        .map(|k| match LAYOUT_NAMES[l] {
            "ring" => {
                let a = k as f64 / c as f64 * std::f64::consts::TAU;
                [8.0 * a.cos(), 8.0 * a.sin()]
            }
            _ => centres[target[k]],
        })
        .collect();
    let turn: Vec<f64> = (0..c).map(|_| rng.unit() * std::f64::consts::TAU).collect();
    let scale = 1.0 + 2.0 * l as f64;
    positions
        .iter()
        .zip(cluster_of)
        .map(|(p, &k0)| {
            let k = if rng.unit() < 0.1 * l as f64 { rng.below(c) } else { k0 };
            let (dx, dy) = (p[0] as f64 - centres[k0][0], p[1] as f64 - centres[k0][1]);
            let (s, co) = turn[k].sin_cos();
            let q = [place[k][0] + dx * co - dy * s, place[k][1] + dx * s + dy * co];
            [(q[0] * scale) as f32, (q[1] * scale) as f32]
        })
        .collect()
}

fn synth(opts: &Options) -> MapContent {
    let n = opts.points;
    let mut rng = Rng(opts.seed ^ 0x5EED_0F5A_u64);
    // Clusters of uneven weight and spread, so the map has dense globs and sparse halos.
    let clusters: Vec<([f64; 2], f64, f64)> = (0..GROUPS.len())
        .map(|c| {
            let angle = c as f64 / GROUPS.len() as f64 * std::f64::consts::TAU + rng.unit();
            let radius = 3.0 + 6.0 * rng.unit();
            let weight = 1.0 / (c as f64 + 1.0).powf(0.7);
            ([radius * angle.cos(), radius * angle.sin()], 0.4 + 1.4 * rng.unit(), weight)
        })
        .collect();
    let total: f64 = clusters.iter().map(|c| c.2).sum();
    let mut positions = Vec::with_capacity(n);
    let mut cluster_of = Vec::with_capacity(n);
    let mut half_of = Vec::with_capacity(n);
    let mut group_codes = Vec::with_capacity(n);
    for _ in 0..n {
        let mut r = rng.unit() * total;
        let mut c = 0;
        while c + 1 < clusters.len() && r > clusters[c].2 {
            r -= clusters[c].2;
            c += 1;
        }
        let (centre, spread, _) = clusters[c];
        // A stretched blob: strands look more like real maps than round Gaussians.
        let (a, b) = (rng.normal() * spread, rng.normal() * spread * 0.45);
        let t = c as f64 * 0.7;
        positions
            .push([(centre[0] + a * t.cos() - b * t.sin()) as f32, (centre[1] + a * t.sin() + b * t.cos()) as f32]);
        cluster_of.push(c);
        half_of.push(usize::from(a > 0.0));
        // Mostly the cluster's group, sometimes another: categories overlap on the map.
        group_codes.push(if rng.unit() < 0.85 { c as u16 } else { rng.below(GROUPS.len()) as u16 });
    }
    // Zipf popularity over a random permutation of entities.
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut popularity = vec![0u32; n];
    for (rank, &e) in order.iter().enumerate() {
        popularity[e] = (50_000.0 / (rank as f64 + 1.0).powf(0.9)).max(1.0) as u32 + 1;
    }
    let mut labels: Vec<String> = (0..n).map(|i| format!("{} {} {}", word(&mut rng), word(&mut rng), i)).collect();
    if let Some(first) = &opts.first_label {
        labels[order[0]] = first.clone();
    }
    let score: Vec<f32> = positions
        .iter()
        .map(|p| if rng.unit() < 0.03 { f32::NAN } else { (50.0 + 4.0 * p[0] as f64 + 8.0 * rng.normal()) as f32 })
        .collect();
    let mut tag_offsets = vec![0u32];
    let mut tag_codes = Vec::new();
    for _ in 0..n {
        let count = rng.below(3);
        let mut picked: Vec<u16> = (0..count).map(|_| rng.below(MOODS.len()) as u16).collect();
        picked.sort_unstable();
        picked.dedup();
        tag_codes.extend(picked);
        tag_offsets.push(tag_codes.len() as u32);
    }
    let cluster_levels = synth_clusters(&cluster_of, &half_of, &popularity);
    let k = NEIGHBORHOOD_K.min(n.saturating_sub(1));
    let neighbors = grid_neighbors(&positions, k);
    let centres: Vec<[f64; 2]> = clusters.iter().map(|c| c.0).collect();
    let mut all = vec![positions];
    for l in 1..opts.layouts {
        let mut layout_rng = Rng(opts.seed ^ (0xA11C_E000 + l as u64));
        let next = rearranged(l, &all[0], &cluster_of, &centres, &mut layout_rng);
        all.push(next);
    }
    // Each layout's 10 nearest 2D neighbours; the first layout's are `neighbors`.
    let near: Vec<Vec<u32>> =
        all.iter().enumerate().map(|(l, p)| if l == 0 { neighbors.clone() } else { grid_neighbors(p, k) }).collect();
    let mut neighborhood_change = Vec::new();
    for a in 0..all.len() {
        for b in a + 1..all.len() {
            neighborhood_change.push(neighborhood_change_of(&near[a], &near[b], k));
        }
    }
    let layouts = all
        .into_iter()
        .enumerate()
        .map(|(l, positions)| {
            let moved = neighborhood_change_of(&near[0], &near[l], k);
            let kept = 1.0 - moved.iter().map(|&c| c as f64).sum::<f64>() / (n * k.max(1)) as f64;
            LayoutContent {
                name: LAYOUT_NAMES[l].into(),
                spec: format!("synth:{}", LAYOUT_NAMES[l]),
                positions,
                quality: Quality {
                    label_agreement: Some(label_agreement(&near[l], k, &group_codes)),
                    knn_recall_at_10: kept,
                    knn_recall_at_10_random: k as f64 / n.max(1) as f64,
                    trustworthiness: 0.0,
                    sample_size: 0,
                },
            }
        })
        .collect();
    MapContent {
        ids: (0..n).map(|i| format!("s{i}")).collect(),
        id_column: "id".into(),
        layouts,
        neighborhood_change,
        popularity,
        neighbors_k: k,
        neighbors,
        columns: vec![
            ColumnData { name: "name".into(), values: ColumnValues::Text(TextColumn::from_values(&labels)) },
            ColumnData {
                name: "group".into(),
                values: ColumnValues::Categorical(Categorical {
                    categories: GROUPS.iter().map(|s| s.to_string()).collect(),
                    codes: group_codes,
                }),
            },
            ColumnData {
                name: "mood".into(),
                values: ColumnValues::Tags(Tags {
                    categories: MOODS.iter().map(|s| s.to_string()).collect(),
                    offsets: tag_offsets,
                    codes: tag_codes,
                }),
            },
            ColumnData { name: "score".into(), values: ColumnValues::Numeric(score) },
        ],
        label_column: Some(0),
        title: format!("Synthetic map, {n} points"),
        description: "Clustered synthetic points for testing and benchmarking the Starmap viewer".into(),
        build: BuildInfo {
            builder_version: "synth_map".into(),
            seed: opts.seed,
            quality_label: Some("group".into()),
            ..BuildInfo::default()
        },
        clusters: cluster_levels,
    }
}

/// Two cluster levels: the blobs (named after their group) and each blob's halves, every level
/// in size order as the builder writes them.
fn synth_clusters(blob_of: &[usize], half_of: &[usize], popularity: &[u32]) -> Vec<ClusterLevelContent> {
    let level = |raw: &[usize], count: usize, name: &dyn Fn(usize) -> String, parent: &dyn Fn(usize) -> Option<u32>| {
        let mut size = vec![0u32; count];
        for &c in raw {
            size[c] += 1;
        }
        let mut order: Vec<usize> = (0..count).filter(|&c| size[c] > 0).collect();
        order.sort_by_key(|&c| (std::cmp::Reverse(size[c]), c));
        let mut id_of = vec![u16::MAX; count];
        for (id, &c) in order.iter().enumerate() {
            id_of[c] = id as u16;
        }
        let mut top: Vec<Vec<u32>> = vec![Vec::new(); count];
        let mut by_pop: Vec<usize> = (0..raw.len()).collect();
        by_pop.sort_by_key(|&e| (std::cmp::Reverse(popularity[e]), e));
        for e in by_pop {
            if top[raw[e]].len() < 5 {
                top[raw[e]].push(e as u32);
            }
        }
        let clusters = order
            .iter()
            .map(|&c| ClusterInfo {
                name: name(c),
                subtitle: String::new(),
                size: size[c],
                parent: parent(c),
                terms: Vec::new(),
                top: top[c].clone(),
            })
            .collect();
        (ClusterLevelContent { ids: raw.iter().map(|&c| id_of[c]).collect(), clusters }, id_of)
    };
    let (coarse, blob_id) = level(blob_of, GROUPS.len(), &|c| GROUPS[c].to_string(), &|_| None);
    let halves: Vec<usize> = blob_of.iter().zip(half_of).map(|(&b, &h)| b * 2 + h).collect();
    let (fine, _) =
        level(&halves, GROUPS.len() * 2, &|c| format!("{} {}", GROUPS[c / 2], ["east", "west"][c % 2]), &|c| {
            Some(u32::from(blob_id[c / 2]))
        });
    vec![coarse, fine]
}

fn run(opts: &Options) -> Result<(), String> {
    let encoded = encode_map(&synth(opts)).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&opts.out).map_err(|e| format!("creating {}: {e}", opts.out.display()))?;
    for (name, bytes) in &encoded.files {
        let path = opts.out.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    let json = serde_json::to_string_pretty(&encoded.manifest).map_err(|e| e.to_string())?;
    let path = opts.out.join(starmap_format::FILE_MANIFEST);
    std::fs::write(&path, json).map_err(|e| format!("writing {}: {e}", path.display()))?;
    eprintln!("wrote {} points to {}", opts.points, opts.out.display());
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(|o| run(&o)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synth_map: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_neighbours_are_exact() {
        let mut rng = Rng(3);
        // Uneven density: a dense blob and a sparse halo.
        let pos: Vec<[f32; 2]> = (0..600)
            .map(|i| {
                let s = if i % 5 == 0 { 20.0 } else { 1.0 };
                [(rng.normal() * s) as f32, (rng.normal() * s * 0.3) as f32]
            })
            .collect();
        let k = 10;
        let got = grid_neighbors(&pos, k);
        for (i, p) in pos.iter().enumerate() {
            let mut all: Vec<(f32, u32)> = (0..pos.len() as u32)
                .filter(|&j| j as usize != i)
                .map(|j| {
                    let q = pos[j as usize];
                    ((q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2), j)
                })
                .collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let want: Vec<u32> = all[..k].iter().map(|x| x.1).collect();
            assert_eq!(&got[i * k..(i + 1) * k], want.as_slice(), "point {i}");
        }
    }

    #[test]
    fn change_counts_neighbours_that_left() {
        let a = [1, 2, 3, 4, 5, 6];
        let b = [3, 2, 9, 4, NO_NEIGHBOR, 7];
        assert_eq!(neighborhood_change_of(&a, &b, 3), vec![1, 2]);
        // Entity 0 of group 0 has neighbours 1 (group 0) and 2 (group 1): a tie is no majority.
        assert_eq!(label_agreement(&[1, 2, 0, 2, 0, 1], 2, &[0, 0, 1]), 0.0);
        assert!((label_agreement(&[1, 2, 3, 0], 1, &[0, 0, 1, 1]) - 0.5).abs() < 1e-12);
    }
}
