//! The map as the viewer prepares it for drawing. Decoding and every check of the fetched files
//! live in `starmap_format::read`, the one decoder; this adds what only a viewer needs (the draw
//! order, positions in it) and the one error a file reader cannot have: a failed download.

use starmap_format::{Points, ReadError, QUANT_MAX};

/// Why a map could not be loaded, phrased for the person looking at the page.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// A file could not be fetched.
    Network {
        /// The URL requested.
        url: String,
        /// What went wrong (HTTP status or browser error).
        reason: String,
    },
    /// A file arrived but is not what the manifest describes.
    Read(ReadError),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Network { url, reason } => write!(f, "Could not load {url}: {reason}"),
            LoadError::Read(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for LoadError {}

impl From<ReadError> for LoadError {
    fn from(e: ReadError) -> Self {
        LoadError::Read(e)
    }
}

/// Draw order: most popular first (largest size key, which grows with popularity), so popular
/// points lie beneath rare ones. Known from `points.bin` alone, before the exact popularity.
/// Entities of one key keep their index order. A counting sort over the 256 keys: a comparison
/// sort of a million entities held the page for a tenth of a second before the first frame.
pub fn draw_order(points: &Points) -> Vec<u32> {
    let mut next = [0usize; 256];
    for &s in &points.sizes {
        next[usize::from(u8::MAX - s)] += 1;
    }
    let mut total = 0;
    for slot in &mut next {
        total += std::mem::replace(slot, total);
    }
    let mut order = vec![0u32; points.sizes.len()];
    for (i, &s) in points.sizes.iter().enumerate() {
        let slot = &mut next[usize::from(u8::MAX - s)];
        order[*slot] = i as u32;
        *slot += 1;
    }
    order
}

/// Quantised positions `xy` (`x, y` per entity) rearranged into draw order, as the GPU takes them.
pub fn in_draw_order(xy: &[u16], order: &[u32]) -> Vec<u16> {
    order.iter().flat_map(|&e| [xy[2 * e as usize], xy[2 * e as usize + 1]]).collect()
}

/// Dequantises one coordinate exactly as the vertex shader does (`q / 65535` scaled into the
/// bounds), for tests that compare with the format crate.
pub fn unit_from_quantized(q: u16) -> f32 {
    q as f32 / QUANT_MAX as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use starmap_format::testing::sample;
    use starmap_format::{dequantize, FILE_POINTS};

    #[test]
    fn popular_points_draw_first_and_largest() {
        let e = sample();
        let bytes = &e.files.iter().find(|(n, _)| n == FILE_POINTS).unwrap().1;
        let p = Points::decode(&e.manifest, bytes).unwrap();
        let order = draw_order(&p);
        assert_eq!(order, vec![3, 0, 2, 1]);
        assert_eq!((p.sizes[1], p.sizes[3]), (0, 255));
        let xy = in_draw_order(&p.xy, &order);
        assert_eq!(&xy[..2], &p.xy[6..8], "the most popular entity's position comes first");
    }

    #[test]
    fn draw_order_is_by_size_key_descending_then_index() {
        let sizes: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 % 7 * 37).collect();
        let p = Points { xy: vec![0; 2 * sizes.len()], sizes };
        let mut want: Vec<u32> = (0..p.sizes.len() as u32).collect();
        want.sort_by_key(|&i| (std::cmp::Reverse(p.sizes[i as usize]), i));
        assert_eq!(draw_order(&p), want);
    }

    #[test]
    fn shader_dequantisation_matches_the_format() {
        let b = (-3.5f32, 12.25f32);
        for q in [0u16, 1, 999, 32768, 65534, 65535] {
            let shader = b.0 + unit_from_quantized(q) * (b.1 - b.0);
            assert!((shader - dequantize(q, b.0, b.1)).abs() < 1e-5);
        }
    }

    #[test]
    fn errors_read_as_sentences() {
        let net = LoadError::Network { url: "https://x/points.bin".into(), reason: "HTTP 404 Not Found".into() };
        assert_eq!(net.to_string(), "Could not load https://x/points.bin: HTTP 404 Not Found");
        let cut = LoadError::from(ReadError::Truncated { file: "points.bin".into(), expected: 10, got: 4 });
        assert!(cut.to_string().starts_with("points.bin is truncated"));
    }
}
