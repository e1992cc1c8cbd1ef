//! The map's layouts in one frame. A layout's quantised positions become world positions
//! through an affine map per layout: the first layout's is its bounding box; every other one is
//! also turned (rotated, or mirrored), scaled and moved onto the first by the 2D similarity that
//! best lays its points onto the first layout's, point for point (orthogonal Procrustes, with
//! the scale that matches the two spreads). A rotation or mirror image of a 2D layout means
//! nothing, so aligning loses nothing, and then a switch moves only what really moved, the
//! camera keeps its place, and compare mode can draw where a point's neighbours went.
//!
//! The GPU keeps the quantised positions; the painter gets each layout's map (folded with the
//! camera) as a uniform, so aligning costs nothing per frame.

use starmap_format::pause::Pause;
use starmap_format::{Bounds, QUANT_MAX};

/// Points handled between two pauses: a few milliseconds of work in the browser.
const CHUNK: usize = 1 << 16;

/// An affine map of the plane: `p ↦ m · p + t` (`m` by rows).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Affine {
    /// The linear part, by rows.
    pub m: [[f64; 2]; 2],
    /// The translation.
    pub t: [f64; 2],
}

impl Affine {
    /// The identity.
    pub const IDENTITY: Affine = Affine { m: [[1.0, 0.0], [0.0, 1.0]], t: [0.0, 0.0] };

    /// Where `p` goes.
    pub fn apply(&self, p: [f64; 2]) -> [f64; 2] {
        let m = &self.m;
        [m[0][0] * p[0] + m[0][1] * p[1] + self.t[0], m[1][0] * p[0] + m[1][1] * p[1] + self.t[1]]
    }

    /// `self` after `first`: `p ↦ self(first(p))`.
    pub fn after(&self, first: &Affine) -> Affine {
        let (a, b) = (&self.m, &first.m);
        let m = [
            [a[0][0] * b[0][0] + a[0][1] * b[1][0], a[0][0] * b[0][1] + a[0][1] * b[1][1]],
            [a[1][0] * b[0][0] + a[1][1] * b[1][0], a[1][0] * b[0][1] + a[1][1] * b[1][1]],
        ];
        Affine { m, t: self.apply(first.t) }
    }

    /// From normalised quantised positions (`q / 65535`, 0..1 as the GPU reads a u16) to the
    /// layout's own coordinates inside `bounds`.
    pub fn unit_to_bounds(b: &Bounds) -> Affine {
        Affine {
            m: [[(b.max_x - b.min_x) as f64, 0.0], [0.0, (b.max_y - b.min_y) as f64]],
            t: [b.min_x as f64, b.min_y as f64],
        }
    }
}

/// The similarity (rotation or mirror image, one scale, translation) that lays `moving` onto
/// `fixed`, point `i` onto point `i`: the rotation of orthogonal Procrustes, the scale that
/// makes both spreads equal (least squares would shrink a layout that agrees little), and the
/// translation between the centroids. The identity for empty or degenerate input.
pub fn align(fixed: &[[f32; 2]], moving: &[[f32; 2]]) -> Affine {
    let n = fixed.len().min(moving.len());
    if n == 0 {
        return Affine::IDENTITY;
    }
    let (fixed, moving) = (&fixed[..n], &moving[..n]);
    let mut s = [0.0f64; 4];
    add_sums(&mut s, fixed, moving);
    let (mx, my) = ([s[0] / n as f64, s[1] / n as f64], [s[2] / n as f64, s[3] / n as f64]);
    let mut c = [0.0f64; 6];
    add_centred_products(&mut c, fixed, moving, mx, my);
    similarity_from(c, mx, my)
}

/// [`align`], pausing every `CHUNK` (65,536) points (the sums are taken in the same order).
pub async fn align_paused(fixed: &[[f32; 2]], moving: &[[f32; 2]], pause: &mut impl Pause) -> Affine {
    let n = fixed.len().min(moving.len());
    if n == 0 {
        return Affine::IDENTITY;
    }
    let (fixed, moving) = (&fixed[..n], &moving[..n]);
    let mut s = [0.0f64; 4];
    for (xs, ys) in fixed.chunks(CHUNK).zip(moving.chunks(CHUNK)) {
        pause.tick().await;
        add_sums(&mut s, xs, ys);
    }
    let (mx, my) = ([s[0] / n as f64, s[1] / n as f64], [s[2] / n as f64, s[3] / n as f64]);
    // Sums over the centred points x (fixed) and y (moving): for a rotation R(θ) of y,
    // Σ x·R y = cos θ · dot + sin θ · cross; mirroring y's second axis first gives dot_m, cross_m.
    let mut c = [0.0f64; 6];
    for (xs, ys) in fixed.chunks(CHUNK).zip(moving.chunks(CHUNK)) {
        pause.tick().await;
        add_centred_products(&mut c, xs, ys, mx, my);
    }
    similarity_from(c, mx, my)
}

/// The similarity [`align`] finds from the products of the centred points (`c`, see
/// [`add_centred_products`]) and the two centroids.
fn similarity_from(c: [f64; 6], mx: [f64; 2], my: [f64; 2]) -> Affine {
    let [dot, cross, dot_m, cross_m, xx, yy] = c;
    // The best rotation turns by θ with (cos θ, sin θ) = (a, b) / |(a, b)|: no trigonometry
    // needed (which would cost the bundle ~8 KB).
    let (norm, norm_m) = ((dot * dot + cross * cross).sqrt(), (dot_m * dot_m + cross_m * cross_m).sqrt());
    let mirror = norm_m > norm * (1.0 + 1e-12);
    let (a, b, norm) = if mirror { (dot_m, cross_m, norm_m) } else { (dot, cross, norm) };
    let (cos, sin) = if norm > 0.0 { (a / norm, b / norm) } else { (1.0, 0.0) };
    let scale = if yy > 0.0 && xx > 0.0 { (xx / yy).sqrt() } else { 1.0 };
    let (c, s) = (cos * scale, sin * scale);
    // R · F, where F mirrors the second axis when `mirror`.
    let f = if mirror { -1.0 } else { 1.0 };
    let m = [[c, -s * f], [s, c * f]];
    let linear = Affine { m, t: [0.0, 0.0] };
    let moved = linear.apply(my);
    let align = Affine { m, t: [mx[0] - moved[0], mx[1] - moved[1]] };
    if align.m.iter().flatten().chain(&align.t).all(|v| v.is_finite()) {
        align
    } else {
        Affine::IDENTITY
    }
}

/// Adds the coordinates of `xs` and `ys` to `s` (x₀, x₁, y₀, y₁), point by point. The bodies
/// of [`align_paused`]'s passes are functions of their own, so its instances share them.
fn add_sums(s: &mut [f64; 4], xs: &[[f32; 2]], ys: &[[f32; 2]]) {
    for (x, y) in xs.iter().zip(ys) {
        *s = [s[0] + x[0] as f64, s[1] + x[1] as f64, s[2] + y[0] as f64, s[3] + y[1] as f64];
    }
}

/// Adds [`align`]'s products of the centred points to `c` (dot, cross, their mirrored pair,
/// x·x, y·y), point by point.
fn add_centred_products(c: &mut [f64; 6], xs: &[[f32; 2]], ys: &[[f32; 2]], mx: [f64; 2], my: [f64; 2]) {
    for (x, y) in xs.iter().zip(ys) {
        let (x0, x1) = (x[0] as f64 - mx[0], x[1] as f64 - mx[1]);
        let (y0, y1) = (y[0] as f64 - my[0], y[1] as f64 - my[1]);
        c[0] += x0 * y0 + x1 * y1;
        c[1] += x1 * y0 - x0 * y1;
        c[2] += x0 * y0 - x1 * y1;
        c[3] += x1 * y0 + x0 * y1;
        c[4] += x0 * x0 + x1 * x1;
        c[5] += y0 * y0 + y1 * y1;
    }
}

/// Appends the world positions of quantised `xy` under `to_world` to `out`.
fn push_world(out: &mut Vec<[f32; 2]>, xy: &[u16], to_world: &Affine) {
    let q = QUANT_MAX as f64;
    out.extend(xy.chunks_exact(2).map(|p| {
        let w = to_world.apply([p[0] as f64 / q, p[1] as f64 / q]);
        [w[0] as f32, w[1] as f32]
    }));
}

/// World positions of quantised positions `xy` (`x, y` per entity) under `to_world`.
pub fn world_positions(xy: &[u16], to_world: &Affine) -> Vec<[f32; 2]> {
    let mut out = Vec::with_capacity(xy.len() / 2);
    push_world(&mut out, xy, to_world);
    out
}

/// [`world_positions`], pausing every `CHUNK` (65,536) points.
async fn world_positions_paused(xy: &[u16], to_world: &Affine, pause: &mut impl Pause) -> Vec<[f32; 2]> {
    let mut out = Vec::with_capacity(xy.len() / 2);
    for part in xy.chunks(2 * CHUNK) {
        pause.tick().await;
        push_world(&mut out, part, to_world);
    }
    out
}

/// The bounding box of `points` (a zero box at the origin for none).
pub fn bounds_of(points: &[[f32; 2]]) -> Bounds {
    if points.is_empty() {
        return Bounds { min_x: 0.0, min_y: 0.0, max_x: 0.0, max_y: 0.0 };
    }
    points.iter().fold(Bounds { min_x: f32::MAX, min_y: f32::MAX, max_x: f32::MIN, max_y: f32::MIN }, |b, p| Bounds {
        min_x: b.min_x.min(p[0]),
        min_y: b.min_y.min(p[1]),
        max_x: b.max_x.max(p[0]),
        max_y: b.max_y.max(p[1]),
    })
}

/// One layout placed in the shared frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// From normalised quantised positions to world positions.
    pub to_world: Affine,
    /// World position per entity.
    pub world: Vec<[f32; 2]>,
    /// Their bounding box (fitting, zoom limits and the view in links are relative to it).
    pub bounds: Bounds,
}

/// Places the first layout: its own coordinates are the world.
pub fn place_first(xy: &[u16], bounds: &Bounds) -> Placed {
    let to_world = Affine::unit_to_bounds(bounds);
    Placed { world: world_positions(xy, &to_world), to_world, bounds: *bounds }
}

/// Places another layout (quantised `xy` spanning `bounds`) onto the first layout's world
/// positions `first`.
pub fn place_aligned(xy: &[u16], bounds: &Bounds, first: &[[f32; 2]]) -> Placed {
    let own = Affine::unit_to_bounds(bounds);
    let to_world = align(first, &world_positions(xy, &own)).after(&own);
    let world = world_positions(xy, &to_world);
    Placed { bounds: bounds_of(&world), world, to_world }
}

/// [`place_aligned`], pausing every `CHUNK` (65,536) points of each pass: the viewer places a
/// million-point layout between frames.
pub async fn place_aligned_paused(xy: &[u16], bounds: &Bounds, first: &[[f32; 2]], pause: &mut impl Pause) -> Placed {
    let own = Affine::unit_to_bounds(bounds);
    let raw = world_positions_paused(xy, &own, pause).await;
    let to_world = align_paused(first, &raw, pause).await.after(&own);
    drop(raw);
    let world = world_positions_paused(xy, &to_world, pause).await;
    pause.tick().await;
    Placed { bounds: bounds_of(&world), world, to_world }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: [f64; 2], b: [f64; 2], eps: f64) -> bool {
        (a[0] - b[0]).abs() < eps && (a[1] - b[1]).abs() < eps
    }

    /// A lopsided cloud, so no rotation or mirror image of it matches itself.
    fn cloud() -> Vec<[f32; 2]> {
        (0..500)
            .map(|i| {
                let t = i as f32 * 0.37;
                [t.sin() * (1.0 + i as f32 * 0.01) + 0.3 * (i % 7) as f32, 0.5 * t.cos() + (i % 11) as f32 * 0.2]
            })
            .collect()
    }

    fn similarity(angle: f64, scale: f64, mirror: bool, t: [f64; 2]) -> Affine {
        let (c, s) = (angle.cos() * scale, angle.sin() * scale);
        let f = if mirror { -1.0 } else { 1.0 };
        Affine { m: [[c, -s * f], [s, c * f]], t }
    }

    /// Placing a layout a chunk at a time, paused between chunks, gives the same bits.
    #[test]
    fn a_layout_placed_in_slices_is_placed_the_same() {
        use starmap_format::{pause, testing::Pausing};
        let n = 2 * CHUNK + 123;
        let first: Vec<[f32; 2]> =
            (0..n).map(|i| [(i as f32 * 0.37).sin() * i as f32 * 1e-3, (i % 101) as f32]).collect();
        let xy: Vec<u16> = (0..2 * n).map(|i| ((i * 7919) % 65536) as u16).collect();
        let bounds = Bounds { min_x: -3.0, min_y: 2.0, max_x: 9.0, max_y: 4.5 };
        let mut pausing = Pausing::default();
        let sliced = pause::run(place_aligned_paused(&xy, &bounds, &first, &mut pausing));
        assert!(pausing.0 >= 9, "three passes of three chunks each paused ({} ticks)", pausing.0);
        assert_eq!(sliced, place_aligned(&xy, &bounds, &first));
        assert_eq!(sliced.world.len(), n);
        assert!(sliced.world.iter().all(|p| p[0].is_finite() && p[1].is_finite()));
    }

    #[test]
    fn affine_maps_compose() {
        let a = similarity(0.3, 2.0, false, [1.0, -2.0]);
        let b = Affine { m: [[1.5, 0.2], [-0.4, 0.7]], t: [3.0, 4.0] };
        let p = [0.25, -1.5];
        assert!(close(a.after(&b).apply(p), a.apply(b.apply(p)), 1e-12));
        assert_eq!(Affine::IDENTITY.apply(p), p);
        let unit = Affine::unit_to_bounds(&Bounds { min_x: -2.0, min_y: 1.0, max_x: 6.0, max_y: 3.0 });
        assert_eq!(unit.apply([0.0, 0.0]), [-2.0, 1.0]);
        assert_eq!(unit.apply([1.0, 1.0]), [6.0, 3.0]);
    }

    #[test]
    fn alignment_undoes_a_similarity_with_or_without_mirror() {
        let fixed = cloud();
        for mirror in [false, true] {
            let to_moving = similarity(2.1, 7.5, mirror, [40.0, -3.0]);
            let moving: Vec<[f32; 2]> = fixed
                .iter()
                .map(|p| {
                    let q = to_moving.apply([p[0] as f64, p[1] as f64]);
                    [q[0] as f32, q[1] as f32]
                })
                .collect();
            let back = align(&fixed, &moving);
            for (x, y) in fixed.iter().zip(&moving) {
                let got = back.apply([y[0] as f64, y[1] as f64]);
                assert!(close(got, [x[0] as f64, x[1] as f64], 1e-3), "mirror {mirror}: {got:?} vs {x:?}");
            }
        }
    }

    #[test]
    fn alignment_keeps_the_spread_of_an_unrelated_layout() {
        let fixed = cloud();
        // The same points in another order: nothing agrees, yet the spreads match.
        let mut moving: Vec<[f32; 2]> = fixed.iter().map(|p| [p[0] * 10.0, p[1] * 10.0]).collect();
        moving.reverse();
        let a = align(&fixed, &moving);
        let spread = |pts: &[[f64; 2]]| {
            let n = pts.len() as f64;
            let m = pts.iter().fold([0.0; 2], |s, p| [s[0] + p[0] / n, s[1] + p[1] / n]);
            pts.iter().map(|p| (p[0] - m[0]).powi(2) + (p[1] - m[1]).powi(2)).sum::<f64>()
        };
        let f: Vec<[f64; 2]> = fixed.iter().map(|p| [p[0] as f64, p[1] as f64]).collect();
        let g: Vec<[f64; 2]> = moving.iter().map(|p| a.apply([p[0] as f64, p[1] as f64])).collect();
        assert!((spread(&f) / spread(&g) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn degenerate_input_gives_finite_maps() {
        assert_eq!(align(&[], &[]), Affine::IDENTITY);
        let one = align(&[[1.0, 2.0]], &[[5.0, 5.0]]);
        assert!(close(one.apply([5.0, 5.0]), [1.0, 2.0], 1e-9), "centroids meet");
        let flat = align(&[[0.0, 0.0], [1.0, 0.0]], &[[3.0, 3.0], [3.0, 3.0]]);
        assert!(flat.m.iter().flatten().all(|v| v.is_finite()));
    }

    #[test]
    fn placing_aligns_the_second_layout_onto_the_first() {
        let b0 = Bounds { min_x: -1.0, min_y: 0.0, max_x: 1.0, max_y: 2.0 };
        // Layout 1 is layout 0 turned a quarter and blown up ten times.
        let xy0: Vec<u16> = vec![0, 0, 65535, 0, 0, 65535, 32768, 16384, 65535, 65535];
        let first = place_first(&xy0, &b0);
        assert_eq!(first.bounds, b0);
        assert_eq!(first.world[1], [1.0, 0.0]);
        let turned: Vec<[f32; 2]> = first.world.iter().map(|p| [-10.0 * p[1], 10.0 * p[0]]).collect();
        let b1 = bounds_of(&turned);
        let xy1: Vec<u16> = turned
            .iter()
            .flat_map(|p| {
                [starmap_format::quantize(p[0], b1.min_x, b1.max_x), starmap_format::quantize(p[1], b1.min_y, b1.max_y)]
            })
            .collect();
        let second = place_aligned(&xy1, &b1, &first.world);
        for (a, b) in first.world.iter().zip(&second.world) {
            assert!((a[0] - b[0]).abs() < 1e-3 && (a[1] - b[1]).abs() < 1e-3, "{a:?} {b:?}");
        }
        assert!((second.bounds.max_x - 1.0).abs() < 1e-3 && (second.bounds.min_y - 0.0).abs() < 1e-3);
    }
}
