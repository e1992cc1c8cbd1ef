//! How values read in the detail panel and legends: numbers with thousands separators only where
//! they help (votes, dollars — not years), at most three decimals, tags joined by commas, and a
//! dash for missing values.

use starmap_format::Column;

/// Shown for a missing value.
pub const MISSING: &str = "—";

fn group_thousands(int_part: &str) -> String {
    let (sign, digits) = int_part.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", int_part));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// Formats a number for people: integers as integers (grouped from 10 000 up, so years stay
/// `1994`), others with up to three decimals, trailing zeros dropped.
pub fn format_number(v: f64) -> String {
    if v.is_nan() {
        return MISSING.into();
    }
    if !v.is_finite() {
        return if v > 0.0 { "∞".into() } else { "−∞".into() };
    }
    if v.abs() >= 1e15 {
        return format!("{v:e}");
    }
    let decimals = if v.fract() == 0.0 || v.abs() >= 1000.0 {
        0
    } else if v.abs() >= 1.0 {
        2
    } else {
        3
    };
    let s = format!("{v:.decimals$}");
    let (int_part, frac) = s.split_once('.').map(|(i, f)| (i, Some(f))).unwrap_or((s.as_str(), None));
    let int_part = if v.abs() >= 10_000.0 { group_thousands(int_part) } else { int_part.to_string() };
    match frac.map(|f| f.trim_end_matches('0')).filter(|f| !f.is_empty()) {
        Some(f) => format!("{int_part}.{f}"),
        None if int_part == "-0" => "0".into(),
        None => int_part,
    }
}

/// The value of entity `i` in a column, as text. `categories` are the column's category names.
pub fn format_value(col: &Column, i: usize) -> String {
    match col {
        Column::Numeric(v) => format_number(v[i] as f64),
        Column::Categorical(c) => c.categories.get(c.codes[i] as usize).cloned().unwrap_or_else(|| MISSING.to_string()),
        Column::Tags(t) => {
            let names: Vec<&str> =
                t.of(i).iter().filter_map(|&c| t.categories.get(c as usize).map(String::as_str)).collect();
            if names.is_empty() {
                MISSING.into()
            } else {
                names.join(", ")
            }
        }
        Column::Text(t) => {
            let s = t.get(i);
            if s.is_empty() {
                MISSING.into()
            } else {
                s.to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use starmap_format::{Categorical, Tags, TextColumn};

    #[test]
    fn numbers() {
        assert_eq!(format_number(1994.0), "1994");
        assert_eq!(format_number(2_057_000.0), "2,057,000");
        assert_eq!(format_number(-12_345.0), "-12,345");
        assert_eq!(format_number(7.8), "7.8");
        assert_eq!(format_number(7.0), "7");
        assert_eq!(format_number(0.1234), "0.123");
        assert_eq!(format_number(1234.56), "1235");
        assert_eq!(format_number(f64::NAN), MISSING);
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(f32::MAX as f64), format!("{:e}", f32::MAX as f64));
    }

    #[test]
    fn values_by_kind() {
        let num = Column::Numeric(vec![88.0, f32::NAN]);
        assert_eq!(format_value(&num, 0), "88");
        assert_eq!(format_value(&num, 1), MISSING);
        let cat = Column::Categorical(Categorical { categories: vec!["English".into()], codes: vec![0, u16::MAX] });
        assert_eq!(format_value(&cat, 0), "English");
        assert_eq!(format_value(&cat, 1), MISSING);
        let tags = Column::Tags(Tags {
            categories: vec!["Romance".into(), "Drama".into()],
            offsets: vec![0, 2, 2],
            codes: vec![0, 1],
        });
        assert_eq!(format_value(&tags, 0), "Romance, Drama");
        assert_eq!(format_value(&tags, 1), MISSING);
        let text = Column::Text(TextColumn::from_values(&["<b>x</b>", ""]));
        assert_eq!(format_value(&text, 0), "<b>x</b>");
        assert_eq!(format_value(&text, 1), MISSING);
    }
}
