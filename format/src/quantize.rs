//! Positions are stored as two u16 per point inside a bounding box kept in the manifest: 4 bytes
//! a point, and a resolution of 1/65535 of the map's extent, finer than any screen shows.

/// The largest quantised coordinate; `0` maps to the box minimum, this to its maximum.
pub const QUANT_MAX: u16 = u16::MAX;

/// Maps `v` in `[min, max]` to `0..=QUANT_MAX` (rounding to nearest, clamping outside values).
pub fn quantize(v: f32, min: f32, max: f32) -> u16 {
    let extent = max - min;
    if extent <= 0.0 || !extent.is_finite() {
        // A degenerate axis (one point, or all on a line): put everything in the middle.
        return QUANT_MAX / 2;
    }
    let t = ((v - min) / extent).clamp(0.0, 1.0);
    (t * QUANT_MAX as f32).round() as u16
}

/// The inverse of [`quantize`], up to half a quantisation step. The vertex shader does the same.
pub fn dequantize(q: u16, min: f32, max: f32) -> f32 {
    min + (q as f32 / QUANT_MAX as f32) * (max - min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_error_is_at_most_half_a_step() {
        let (min, max) = (-12.5f32, 40.0f32);
        let step = (max - min) / QUANT_MAX as f32;
        for i in 0..=1000 {
            let v = min + (max - min) * i as f32 / 1000.0;
            let back = dequantize(quantize(v, min, max), min, max);
            assert!((back - v).abs() <= step * 0.5 + 1e-5, "{v} -> {back}");
        }
        assert_eq!(quantize(min, min, max), 0);
        assert_eq!(quantize(max, min, max), QUANT_MAX);
        assert_eq!(quantize(max + 5.0, min, max), QUANT_MAX);
    }

    #[test]
    fn degenerate_extent_goes_to_the_middle() {
        assert_eq!(quantize(3.0, 3.0, 3.0), QUANT_MAX / 2);
        assert_eq!(quantize(f32::NAN, 0.0, f32::INFINITY), QUANT_MAX / 2);
    }
}
