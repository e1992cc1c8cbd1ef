//! The range filters' sliders: integer positions `0..=SLIDER_STEPS` mapped onto a numeric
//! column's `min..=max`, on a log scale where the column wants one (see
//! [`crate::colors::wants_log`]), so skewed columns such as vote counts stay usable.

use crate::colors::wants_log;

/// Slider resolution of the range filters.
pub const SLIDER_STEPS: f64 = 1000.0;

/// The value at slider position `pos`. The ends are exactly `min` and `max`, so a slider pushed
/// to an end clears that side of the filter.
pub fn value_at(min: f64, max: f64, pos: f64) -> f64 {
    let t = (pos / SLIDER_STEPS).clamp(0.0, 1.0);
    if pos <= 0.0 {
        min
    } else if pos >= SLIDER_STEPS {
        max
    } else if wants_log(min, max) {
        (min.ln() + (max.ln() - min.ln()) * t).exp()
    } else {
        min + (max - min) * t
    }
}

/// The slider position (a whole step) that shows `v`.
pub fn position_of(min: f64, max: f64, v: f64) -> f64 {
    let t = if max <= min {
        0.0
    } else if wants_log(min, max) {
        (v.max(min).ln() - min.ln()) / (max.ln() - min.ln())
    } else {
        (v - min) / (max - min)
    };
    (t.clamp(0.0, 1.0) * SLIDER_STEPS).round()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_columns_map_evenly() {
        assert_eq!(value_at(1900.0, 2000.0, 0.0), 1900.0);
        assert_eq!(value_at(1900.0, 2000.0, 500.0), 1950.0);
        assert_eq!(value_at(1900.0, 2000.0, SLIDER_STEPS), 2000.0);
        assert_eq!(position_of(1900.0, 2000.0, 1950.0), 500.0);
        assert_eq!(position_of(1900.0, 2000.0, 1899.0), 0.0, "clamped below");
        assert_eq!(position_of(1900.0, 2000.0, 2100.0), SLIDER_STEPS, "clamped above");
    }

    #[test]
    fn skewed_columns_map_on_a_log_scale() {
        // Four orders of magnitude: each quarter of the slider is one of them.
        let (min, max) = (1.0, 10_000.0);
        assert!((value_at(min, max, 250.0) - 10.0).abs() < 1e-9);
        assert!((value_at(min, max, 500.0) - 100.0).abs() < 1e-9);
        assert!((value_at(min, max, 750.0) - 1000.0).abs() < 1e-9);
        assert_eq!(position_of(min, max, 100.0), 500.0);
        assert_eq!(position_of(min, max, 0.5), 0.0, "below min");
        // Positions round-trip through values.
        for pos in [1.0, 137.0, 500.0, 999.0] {
            assert_eq!(position_of(min, max, value_at(min, max, pos)), pos);
        }
    }

    #[test]
    fn ends_are_exact_and_out_of_range_positions_clamp() {
        let (min, max) = (0.1, 3000.0);
        assert_eq!(value_at(min, max, -5.0), min);
        assert_eq!(value_at(min, max, 5000.0), max);
        assert_eq!(value_at(min, max, SLIDER_STEPS), max, "no rounding error at the top end");
    }

    #[test]
    fn degenerate_columns_sit_at_the_start() {
        assert_eq!(position_of(5.0, 5.0, 5.0), 0.0);
        assert_eq!(value_at(5.0, 5.0, 700.0), 5.0);
    }
}
