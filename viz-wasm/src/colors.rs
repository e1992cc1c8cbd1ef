//! Colour-by: turns a column into one colour key per entity (a byte the shader looks up in a
//! 256-entry palette texture) plus the palette and the legend. Categories get a qualitative
//! palette (the most frequent first, the tail grouped as "Other"; a tagged entity takes its
//! rarest coloured tag); numbers get a perceptual map
//! (viridis), on a log scale when they span several orders of magnitude. Only the key buffer and
//! the palette change when the colouring does: positions stay on the GPU.

use starmap_format::{ColumnKind, Manifest};

use crate::fmtval::format_number;
use starmap_format::Column;

/// Key of entities without a value.
pub const MISSING_KEY: u8 = 255;
/// Colour of points when nothing is chosen.
pub const DEFAULT_COLOR: [u8; 3] = [120, 180, 255];
/// Colour of entities without a value.
pub const MISSING_COLOR: [u8; 3] = [96, 100, 112];
/// Colour of the "Other" categories.
pub const OTHER_COLOR: [u8; 3] = [150, 150, 160];

/// A qualitative palette readable on a dark background (Tableau 10, brightened, plus two).
// Four a row, like a swatch card (rustfmt would stack them one a line).
#[rustfmt::skip]
pub const QUALITATIVE: [[u8; 3]; 12] = [
    [78, 153, 232], [255, 146, 43], [232, 80, 82], [100, 206, 196],
    [96, 190, 80], [240, 208, 60], [196, 130, 212], [255, 150, 178],
    [176, 134, 108], [250, 232, 170], [140, 110, 255], [170, 230, 90],
];

/// Viridis, a perceptually uniform colour map (polynomial fit of matplotlib's table).
pub fn viridis(t: f64) -> [u8; 3] {
    let t = t.clamp(0.0, 1.0);
    let c0 = [0.277_727_3, 0.005_407_344, 0.334_099_8];
    let c1 = [0.105_093_0, 1.404_613, 1.384_590];
    let c2 = [-0.330_861_8, 0.214_847_6, 0.095_095_16];
    let c3 = [-4.634_230, -5.799_101, -19.332_44];
    let c4 = [6.228_270, 14.179_93, 56.690_55];
    let c5 = [4.776_385, -13.745_15, -65.353_03];
    let c6 = [-5.435_456, 4.645_852, 26.312_44];
    let mut out = [0u8; 3];
    for k in 0..3 {
        let v = c0[k] + t * (c1[k] + t * (c2[k] + t * (c3[k] + t * (c4[k] + t * (c5[k] + t * c6[k])))));
        out[k] = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    }
    out
}

/// Inferno, a perceptually uniform colour map from black through red to yellow (polynomial fit
/// of matplotlib's table).
pub fn inferno(t: f64) -> [u8; 3] {
    let t = t.clamp(0.0, 1.0);
    let c0 = [0.000_218_940_4, 0.001_651_005, -0.019_480_9];
    let c1 = [0.106_513_4, 0.563_956_4, 3.932_712];
    let c2 = [11.602_49, -3.972_854, -15.942_39];
    let c3 = [-41.703_99, 17.436_40, 44.354_15];
    let c4 = [77.162_94, -33.402_36, -81.807_31];
    let c5 = [-71.319_43, 32.626_06, 73.209_52];
    let c6 = [25.131_13, -12.242_67, -23.070_33];
    let mut out = [0u8; 3];
    for k in 0..3 {
        let v = c0[k] + t * (c1[k] + t * (c2[k] + t * (c3[k] + t * (c4[k] + t * (c5[k] + t * c6[k])))));
        out[k] = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    }
    out
}

/// The colour of a neighbourhood change of `changed` of 10 neighbours (compare mode): inferno
/// from a dim violet (nothing changed: the point recedes) to bright yellow (all ten changed).
pub fn change_color(changed: u8) -> [u8; 3] {
    inferno(0.22 + 0.78 * f64::from(changed.min(10)) / 10.0)
}

/// Colours entities by how many of their 10 nearest 2D neighbours change between two layouts
/// (0–10, the key is the count), with a ramp legend from "0 of 10" to "10 of 10 neighbours
/// changed".
pub fn change_coloring(change: &[u8]) -> Coloring {
    let k = starmap_format::NEIGHBORHOOD_K as u8;
    Coloring {
        keys: change.iter().map(|&c| c.min(k)).collect(),
        palette: palette_from((0..=k).map(|c| (c as usize, change_color(c)))),
        legend: Legend::Ramp {
            min: format!("0 of {k}"),
            max: format!("{k} of {k} neighbours changed"),
            log: false,
            stops: (0..=k).map(change_color).collect(),
        },
    }
}

/// One legend line of a categorical colouring.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    /// Text shown.
    pub label: String,
    /// Its colour.
    pub color: [u8; 3],
    /// Entities counted for it.
    pub count: u64,
    /// Category codes it stands for (several for "Other", none for missing values).
    pub codes: Vec<u16>,
    /// Whether it stands for entities without a value.
    pub missing: bool,
}

/// What the legend shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Legend {
    /// No colouring chosen.
    None,
    /// A categorical column.
    Categories(Vec<LegendEntry>),
    /// A numeric column: colours from `min` to `max`.
    Ramp {
        /// Smallest value, formatted.
        min: String,
        /// Largest value, formatted.
        max: String,
        /// Whether the scale is logarithmic.
        log: bool,
        /// Colours along the ramp, for a CSS gradient.
        stops: Vec<[u8; 3]>,
    },
}

/// A complete colouring.
#[derive(Debug, Clone, PartialEq)]
pub struct Coloring {
    /// Palette key per entity.
    pub keys: Vec<u8>,
    /// RGBA for every key.
    pub palette: Vec<[u8; 4]>,
    /// The legend.
    pub legend: Legend,
}

fn palette_from(colors: impl IntoIterator<Item = (usize, [u8; 3])>) -> Vec<[u8; 4]> {
    let mut p = vec![[MISSING_COLOR[0], MISSING_COLOR[1], MISSING_COLOR[2], 255]; 256];
    for (k, c) in colors {
        p[k] = [c[0], c[1], c[2], 255];
    }
    p
}

/// Whether a numeric column is better shown on a log scale: positive and spanning three or more
/// orders of magnitude (vote counts, box office).
pub fn wants_log(min: f64, max: f64) -> bool {
    min > 0.0 && max / min >= 1000.0
}

/// Colours `n` entities by column `col` (`None`: one colour). `data` is the decoded column, if
/// it has arrived; until then everything gets the default colour.
pub fn coloring(m: &Manifest, col: Option<usize>, data: Option<&Column>, n: usize) -> Coloring {
    let plain = Coloring { keys: vec![0; n], palette: palette_from([(0, DEFAULT_COLOR)]), legend: Legend::None };
    let (Some(col), Some(data)) = (col, data) else { return plain };
    let Some(info) = m.columns.get(col) else { return plain };
    match (info.kind, data) {
        (ColumnKind::Categorical | ColumnKind::Tags, data @ (Column::Categorical(_) | Column::Tags(_))) => {
            // Most frequent categories get their own colour; the tail shares "Other".
            let mut by_count: Vec<usize> = (0..info.categories.len()).collect();
            by_count.sort_by_key(|&c| (std::cmp::Reverse(info.categories[c].count), c));
            let own = if by_count.len() > QUALITATIVE.len() { QUALITATIVE.len() - 1 } else { by_count.len() };
            let other_key = own as u8;
            let mut key_of = vec![other_key; info.categories.len()];
            for (k, &c) in by_count.iter().take(own).enumerate() {
                key_of[c] = k as u8;
            }
            // An entity with several tags takes the colour of its rarest tag that has a colour of
            // its own: "Horror, Drama" reads as horror, so smaller genres show up as regions.
            let keys = (0..n)
                .map(|i| {
                    let codes = data.codes_of(i);
                    if codes.is_empty() {
                        return MISSING_KEY;
                    }
                    codes
                        .iter()
                        .map(|&c| key_of.get(c as usize).copied().unwrap_or(other_key))
                        .filter(|&k| k != other_key)
                        .max()
                        .unwrap_or(other_key)
                })
                .collect();
            let mut entries: Vec<LegendEntry> = by_count
                .iter()
                .take(own)
                .enumerate()
                .map(|(k, &c)| LegendEntry {
                    label: info.categories[c].value.clone(),
                    color: QUALITATIVE[k],
                    count: info.categories[c].count as u64,
                    codes: vec![c as u16],
                    missing: false,
                })
                .collect();
            let mut colors: Vec<(usize, [u8; 3])> = (0..own).map(|k| (k, QUALITATIVE[k])).collect();
            if own < by_count.len() {
                let rest = &by_count[own..];
                entries.push(LegendEntry {
                    label: format!("Other ({} values)", rest.len()),
                    color: OTHER_COLOR,
                    count: rest.iter().map(|&c| info.categories[c].count as u64).sum(),
                    codes: rest.iter().map(|&c| c as u16).collect(),
                    missing: false,
                });
                colors.push((own, OTHER_COLOR));
            }
            if info.missing > 0 {
                entries.push(LegendEntry {
                    label: "(no value)".into(),
                    color: MISSING_COLOR,
                    count: info.missing as u64,
                    codes: Vec::new(),
                    missing: true,
                });
            }
            Coloring { keys, palette: palette_from(colors), legend: Legend::Categories(entries) }
        }
        (ColumnKind::Numeric, Column::Numeric(values)) => {
            let (min, max) = (info.min.unwrap_or(0.0), info.max.unwrap_or(0.0));
            let log = wants_log(min, max);
            let t = |v: f64| {
                let (v, lo, hi) = if log { (v.max(min).ln(), min.ln(), max.ln()) } else { (v, min, max) };
                if hi > lo {
                    ((v - lo) / (hi - lo)).clamp(0.0, 1.0)
                } else {
                    0.5
                }
            };
            let keys = values
                .iter()
                .map(|&v| if v.is_nan() { MISSING_KEY } else { (t(v as f64) * 254.0).round() as u8 })
                .collect();
            let palette = palette_from((0..255).map(|k| (k, viridis(k as f64 / 254.0))));
            let stops = (0..=8).map(|i| viridis(i as f64 / 8.0)).collect();
            Coloring {
                keys,
                palette,
                legend: Legend::Ramp { min: format_number(min), max: format_number(max), log, stops },
            }
        }
        _ => plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use starmap_format::{read::decode_metadata, testing::sample};

    fn column(name: &str) -> (Manifest, usize, Column) {
        let e = sample();
        let m = e.manifest.clone();
        let meta = decode_metadata(&m, &e.files.iter().find(|(n, _)| n == "metadata.bin").unwrap().1).unwrap();
        let i = m.column_index(name).unwrap();
        let c = meta.into_iter().find(|(j, _)| *j == i).unwrap().1;
        (m, i, c)
    }

    #[test]
    fn viridis_runs_dark_purple_to_yellow() {
        let lo = viridis(0.0);
        let hi = viridis(1.0);
        assert!(lo[2] > lo[1] && lo[0] < 100, "{lo:?}");
        assert!(hi[0] > 200 && hi[1] > 200 && hi[2] < 80, "{hi:?}");
        // Lightness grows monotonically (a perceptual map's defining property, roughly).
        let lum = |c: [u8; 3]| 0.2126 * c[0] as f64 + 0.7152 * c[1] as f64 + 0.0722 * c[2] as f64;
        for i in 0..20 {
            assert!(lum(viridis(i as f64 / 20.0)) < lum(viridis((i + 1) as f64 / 20.0)));
        }
    }

    #[test]
    fn change_colours_brighten_with_the_change() {
        let lum = |c: [u8; 3]| 0.2126 * c[0] as f64 + 0.7152 * c[1] as f64 + 0.0722 * c[2] as f64;
        let black = inferno(0.0);
        assert!(black.iter().all(|&v| v < 10), "{black:?}");
        let top = inferno(1.0);
        assert!(top[0] > 240 && top[1] > 240 && top[2] > 140 && top[2] < 190, "{top:?}");
        for c in 0..10 {
            assert!(lum(change_color(c)) < lum(change_color(c + 1)), "{c}");
        }
        assert!(lum(change_color(0)) > 15.0, "stable points stay visible on the dark map");
        let col = change_coloring(&[0, 3, 10, 12]);
        assert_eq!(col.keys, vec![0, 3, 10, 10]);
        assert_eq!(col.palette[3][..3], change_color(3));
        let Legend::Ramp { min, max, stops, .. } = &col.legend else { panic!("{:?}", col.legend) };
        assert_eq!((min.as_str(), max.as_str()), ("0 of 10", "10 of 10 neighbours changed"));
        assert_eq!(stops.len(), 11);
    }

    #[test]
    fn categorical_keys_follow_frequency_and_missing() {
        let (m, i, c) = column("kind");
        let col = coloring(&m, Some(i), Some(&c), 4);
        // x: 1 entity, y: 2 entities -> y gets key 0.
        assert_eq!(col.keys, vec![1, 0, 0, MISSING_KEY]);
        let Legend::Categories(entries) = &col.legend else { panic!("{:?}", col.legend) };
        assert_eq!(entries.iter().map(|e| e.label.as_str()).collect::<Vec<_>>(), vec!["y", "x", "(no value)"]);
        assert_eq!(entries[0].count, 2);
        assert!(entries[2].missing);
        assert_eq!(col.palette[0][..3], QUALITATIVE[0]);
    }

    #[test]
    fn tags_colour_by_their_rarest_coloured_tag() {
        let (m, i, c) = column("genre");
        let col = coloring(&m, Some(i), Some(&c), 4);
        // genre: [Drama, Comedy], [Comedy], [], [Drama]; counts tie at 2, so Drama (code 0) gets
        // key 0 and Comedy key 1; an entity with both takes the rarer-ranked Comedy.
        assert_eq!(col.keys, vec![1, 1, MISSING_KEY, 0]);
    }

    #[test]
    fn many_categories_share_other() {
        let e = sample();
        let mut m = e.manifest.clone();
        let kind = m.column_index("kind").unwrap();
        m.columns[kind].categories =
            (0..20).map(|c| starmap_format::CategoryInfo { value: format!("c{c}"), count: 100 - c as u32 }).collect();
        let data = Column::Categorical(starmap_format::Categorical {
            categories: (0..20).map(|c| format!("c{c}")).collect(),
            codes: vec![0, 5, 19, 11],
        });
        let col = coloring(&m, Some(kind), Some(&data), 4);
        assert_eq!(col.keys, vec![0, 5, 11, 11]);
        // A tagged entity with a coloured and an "Other" tag takes the coloured one.
        let tags = Column::Tags(starmap_format::Tags {
            categories: (0..20).map(|c| format!("c{c}")).collect(),
            offsets: vec![0, 2, 3, 3, 3],
            codes: vec![19, 3, 15],
        });
        m.columns[kind].kind = ColumnKind::Tags;
        assert_eq!(coloring(&m, Some(kind), Some(&tags), 4).keys, vec![3, 11, MISSING_KEY, MISSING_KEY]);
        let Legend::Categories(entries) = col.legend else { panic!() };
        // 11 own colours, "Other", and the sample's one missing value.
        assert_eq!(entries.len(), 13);
        assert_eq!(entries[11].codes.len(), 9);
        assert!(entries[11].label.starts_with("Other"));
    }

    #[test]
    fn numeric_keys_span_the_ramp() {
        let (m, i, c) = column("year");
        let col = coloring(&m, Some(i), Some(&c), 4);
        // 1999, NaN, 2001, 2010 over 1999..2010.
        assert_eq!(col.keys[0], 0);
        assert_eq!(col.keys[1], MISSING_KEY);
        assert_eq!(col.keys[3], 254);
        assert!(col.keys[2] > 0 && col.keys[2] < 100);
        assert!(matches!(col.legend, Legend::Ramp { log: false, .. }));
        assert!(wants_log(10.0, 1e6) && !wants_log(0.0, 1e6) && !wants_log(1.0, 100.0));
    }

    #[test]
    fn no_column_or_no_data_gives_the_default() {
        let (m, i, _) = column("year");
        for col in [coloring(&m, None, None, 3), coloring(&m, Some(i), None, 3)] {
            assert_eq!(col.keys, vec![0, 0, 0]);
            assert_eq!(col.legend, Legend::None);
            assert_eq!(col.palette[0][..3], DEFAULT_COLOR);
        }
    }
}
