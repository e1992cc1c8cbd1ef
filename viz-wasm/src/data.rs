//! The map as the viewer prepares it for drawing. Decoding and every check of the fetched files
//! live in `starmap_format::read`, the one decoder; this adds what only a viewer needs (draw
//! order, point sizes) and the one error a file reader cannot have: a failed download.

use starmap_format::{Manifest, Points, ReadError, QUANT_MAX};

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

/// Draw order: most popular first, so popular points lie beneath rare ones.
pub fn draw_order(points: &Points) -> Vec<u32> {
    let mut order: Vec<u32> = (0..points.len() as u32).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(points.popularity[i as usize]), i));
    order
}

/// Size key per entity, 0..=255: popularity on a log scale between the map's extremes.
pub fn size_keys(points: &Points, m: &Manifest) -> Vec<u8> {
    let lo = (m.popularity_range[0].max(1) as f64).ln();
    let hi = (m.popularity_range[1].max(1) as f64).ln();
    let span = (hi - lo).max(1e-9);
    points
        .popularity
        .iter()
        .map(|&p| (((p.max(1) as f64).ln() - lo) / span * 255.0).round().clamp(0.0, 255.0) as u8)
        .collect()
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
        assert_eq!(draw_order(&p), vec![3, 0, 2, 1]);
        let sizes = size_keys(&p, &e.manifest);
        assert_eq!((sizes[1], sizes[3]), (0, 255));
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
