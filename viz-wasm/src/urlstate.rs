//! What the URL hash remembers: the view, the layout shown and the one compared with, the
//! selected entity, the search text, the colour-by choice, the filters and the chosen group (a
//! cluster or a lasso). Opening a link restores them; the browser's back and forward move
//! between them.
//!
//! ```text
//! #v=0.41230,0.55810,3.2&l=tsne&cmp=umap&s=tt0111161&q=star&c=genre&f=year:1950~1999;genre=Drama|-&g=c~0~4
//! ```
//! `c=` is left out for the map's default colouring (its clusters, when it has them); `c=-`
//! is no colouring, `c=~clusters` the clusters. `g=c~LEVEL~ID` is a cluster; `g=a~LAYOUT~X,Y,…`
//! a lasso polygon drawn on that layout, each vertex in ten-thousandths of the layout's
//! bounding box (outside 0..10000 where it went past the data).
//! The view centre is in unit map coordinates (0..1 across the shown layout's bounding box) and
//! the zoom is relative to the fitted view, so a link shows the same place on any screen. The
//! first layout is the default and is not written. Names and values
//! are percent-encoded, leaving only letters, digits, `_` and `.` raw, so the separators
//! `& = : ; | ~ , -` never occur inside them; `-` alone stands for "missing value".

/// A column filter as written in the URL.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterSpec {
    /// Keep values in `lo..=hi`.
    Range(f64, f64),
    /// Keep these categories (`None` = entities without a value).
    Categories(Vec<Option<String>>),
}

/// The colouring a link asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum ColorSpec {
    /// One colour.
    Nothing,
    /// The clusters.
    Clusters,
    /// A column, by name.
    Column(String),
}

/// The group a link chooses.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupSpec {
    /// A cluster: hierarchy level (0: coarsest) and index within it.
    Cluster {
        /// Level.
        level: usize,
        /// Index.
        id: usize,
    },
    /// A lasso on a layout (by name), vertices in unit coordinates of its bounding box.
    Lasso {
        /// The layout's name.
        layout: String,
        /// The vertices.
        polygon: Vec<[f64; 2]>,
    },
}

/// Ten-thousandths of the bounding box: a lasso vertex within a pixel on a 10,000 px map.
pub const LASSO_UNIT: f64 = 10_000.0;

/// Everything the URL hash can hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UrlState {
    /// Centre in unit map coordinates and zoom relative to the fitted view.
    pub view: Option<[f64; 3]>,
    /// Name of the layout shown (`None`: the first).
    pub layout: Option<String>,
    /// Name of the layout compared with (compare mode).
    pub compare: Option<String>,
    /// Id of the selected entity.
    pub selected: Option<String>,
    /// Search box text.
    pub search: String,
    /// The colouring (`None`: the map's default).
    pub color_by: Option<ColorSpec>,
    /// Active filters by column name.
    pub filters: Vec<(String, FilterSpec)>,
    /// The chosen group.
    pub group: Option<GroupSpec>,
}

/// Percent-encodes everything but ASCII letters, digits, `_` and `.`.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes percent escapes; invalid escapes are kept literally, invalid UTF-8 replaced.
pub fn decode_component(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Shortest text that reads back as the same number.
fn num(v: f64) -> String {
    format!("{v}")
}

impl UrlState {
    /// The hash (without `#`) describing this state. Empty parts are left out.
    pub fn to_hash(&self) -> String {
        let mut parts = Vec::new();
        if let Some([u, v, z]) = self.view {
            // Enough decimals to place the centre within about a pixel at this zoom.
            let decimals = (z.max(1.0).log10().ceil() as usize + 4).min(9);
            parts.push(format!("v={u:.decimals$},{v:.decimals$},{}", num((z * 1000.0).round() / 1000.0)));
        }
        if let Some(l) = &self.layout {
            parts.push(format!("l={}", encode_component(l)));
        }
        if let Some(l) = &self.compare {
            parts.push(format!("cmp={}", encode_component(l)));
        }
        if let Some(s) = &self.selected {
            parts.push(format!("s={}", encode_component(s)));
        }
        if !self.search.is_empty() {
            parts.push(format!("q={}", encode_component(&self.search)));
        }
        match &self.color_by {
            Some(ColorSpec::Column(c)) => parts.push(format!("c={}", encode_component(c))),
            Some(ColorSpec::Nothing) => parts.push("c=-".into()),
            Some(ColorSpec::Clusters) => parts.push("c=~clusters".into()),
            None => {}
        }
        if !self.filters.is_empty() {
            let items: Vec<String> = self
                .filters
                .iter()
                .map(|(name, spec)| match spec {
                    FilterSpec::Range(lo, hi) => format!("{}:{}~{}", encode_component(name), num(*lo), num(*hi)),
                    FilterSpec::Categories(values) => {
                        let vals: Vec<String> = values
                            .iter()
                            .map(|v| v.as_deref().map(encode_component).unwrap_or_else(|| "-".into()))
                            .collect();
                        format!("{}={}", encode_component(name), vals.join("|"))
                    }
                })
                .collect();
            parts.push(format!("f={}", items.join(";")));
        }
        match &self.group {
            Some(GroupSpec::Cluster { level, id }) => parts.push(format!("g=c~{level}~{id}")),
            Some(GroupSpec::Lasso { layout, polygon }) => {
                let xy: Vec<String> =
                    polygon.iter().flat_map(|p| p.map(|v| format!("{}", (v * LASSO_UNIT).round() as i64))).collect();
                parts.push(format!("g=a~{}~{}", encode_component(layout), xy.join(",")));
            }
            None => {}
        }
        parts.join("&")
    }

    /// Reads a hash (with or without the leading `#`). Malformed parts are ignored, so a
    /// damaged link still opens the map.
    pub fn parse(hash: &str) -> Self {
        let mut st = Self::default();
        for part in hash.trim_start_matches('#').split('&') {
            let Some((key, value)) = part.split_once('=') else { continue };
            match key {
                "v" => {
                    let nums: Vec<f64> = value.split(',').filter_map(|x| x.parse().ok()).collect();
                    if let [u, v, z] = nums[..] {
                        if u.is_finite() && v.is_finite() && z.is_finite() && z > 0.0 {
                            st.view = Some([u, v, z]);
                        }
                    }
                }
                "l" if !value.is_empty() => st.layout = Some(decode_component(value)),
                "cmp" if !value.is_empty() => st.compare = Some(decode_component(value)),
                "s" if !value.is_empty() => st.selected = Some(decode_component(value)),
                "q" => st.search = decode_component(value),
                "c" if !value.is_empty() => {
                    st.color_by = Some(match value {
                        "-" => ColorSpec::Nothing,
                        "~clusters" => ColorSpec::Clusters,
                        _ => ColorSpec::Column(decode_component(value)),
                    })
                }
                "g" => st.group = parse_group(value),
                "f" => {
                    for item in value.split(';') {
                        if let Some((name, range)) = item.split_once(':') {
                            let ends: Vec<f64> = range.split('~').filter_map(|x| x.parse().ok()).collect();
                            if let [lo, hi] = ends[..] {
                                if lo.is_finite() && hi.is_finite() {
                                    st.filters.push((decode_component(name), FilterSpec::Range(lo, hi)));
                                }
                            }
                        } else if let Some((name, vals)) = item.split_once('=') {
                            let values = if vals.is_empty() {
                                Vec::new()
                            } else {
                                vals.split('|').map(|v| (v != "-").then(|| decode_component(v))).collect()
                            };
                            st.filters.push((decode_component(name), FilterSpec::Categories(values)));
                        }
                    }
                }
                _ => {}
            }
        }
        st
    }
}

/// Reads `g=`; `None` when malformed.
fn parse_group(value: &str) -> Option<GroupSpec> {
    let mut parts = value.split('~');
    let (kind, a, b) = (parts.next()?, parts.next()?, parts.next()?);
    match kind {
        "c" => Some(GroupSpec::Cluster { level: a.parse().ok()?, id: b.parse().ok()? }),
        "a" => {
            let nums = b.split(',').map(|x| x.parse::<i64>().ok()).collect::<Option<Vec<_>>>()?;
            if nums.len() < 6 || nums.len() % 2 != 0 || a.is_empty() {
                return None;
            }
            let polygon = nums.chunks(2).map(|c| [c[0] as f64 / LASSO_UNIT, c[1] as f64 / LASSO_UNIT]).collect();
            Some(GroupSpec::Lasso { layout: decode_component(a), polygon })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_state_round_trips() {
        let st = UrlState {
            view: Some([0.25, 0.75, 3.5]),
            layout: Some("t-SNE (30)".into()),
            compare: Some("umap".into()),
            selected: Some("tt0111161".into()),
            search: "Amélie & co = 100%".into(),
            color_by: Some(ColorSpec::Column("genre".into())),
            filters: vec![
                ("year".into(), FilterSpec::Range(1950.0, 1999.5)),
                ("genre".into(), FilterSpec::Categories(vec![Some("Drama".into()), Some("Sci-Fi|x;y".into()), None])),
                ("lang".into(), FilterSpec::Categories(vec![])),
                ("a b:c".into(), FilterSpec::Range(-1e-3, 2.5e9)),
            ],
            group: Some(GroupSpec::Lasso {
                layout: "t-SNE (30)".into(),
                polygon: vec![[0.1, 0.2], [0.9, 0.2], [0.5, -0.05]],
            }),
        };
        let h = st.to_hash();
        assert!(!h.contains(' ') && !h.contains('é'), "{h}");
        assert_eq!(UrlState::parse(&h), st);
        assert_eq!(UrlState::parse(&format!("#{h}")), st);
    }

    #[test]
    fn layouts_come_after_the_view() {
        let st = UrlState {
            view: Some([0.5, 0.5, 2.0]),
            layout: Some("tsne".into()),
            compare: Some("umap".into()),
            ..Default::default()
        };
        assert_eq!(st.to_hash(), "v=0.50000,0.50000,2&l=tsne&cmp=umap");
    }

    #[test]
    fn empty_state_is_an_empty_hash() {
        assert_eq!(UrlState::default().to_hash(), "");
        assert_eq!(UrlState::parse(""), UrlState::default());
        assert_eq!(UrlState::parse("#"), UrlState::default());
    }

    #[test]
    fn view_precision_follows_zoom() {
        let st = UrlState { view: Some([0.123456789123, 0.5, 1000.0]), ..Default::default() };
        let back = UrlState::parse(&st.to_hash()).view.unwrap();
        assert!((back[0] - 0.123456789123).abs() < 1e-6, "{back:?}");
        let coarse = UrlState { view: Some([0.123456789, 0.5, 1.0]), ..Default::default() }.to_hash();
        assert_eq!(coarse, "v=0.1235,0.5000,1");
    }

    #[test]
    fn malformed_parts_are_ignored() {
        let st = UrlState::parse("v=1,2&v2=x&s=&c=&l=&cmp=&f=year:1~;:;genre=%ZZ|-&q=%E2%82%AC%");
        assert_eq!(st.view, None);
        assert_eq!((st.layout, st.compare), (None, None));
        assert_eq!(st.selected, None);
        assert_eq!(st.color_by, None);
        assert_eq!(st.search, "€%");
        assert_eq!(st.filters, vec![("genre".into(), FilterSpec::Categories(vec![Some("%ZZ".into()), None]))]);
        assert_eq!(UrlState::parse("v=0.5,0.5,-2").view, None);
        assert_eq!(UrlState::parse("v=NaN,0.5,2").view, None);
    }

    #[test]
    fn colourings_and_groups_round_trip() {
        for color_by in [ColorSpec::Nothing, ColorSpec::Clusters, ColorSpec::Column("-".into())] {
            let st = UrlState { color_by: Some(color_by), ..Default::default() };
            assert_eq!(UrlState::parse(&st.to_hash()), st);
        }
        let st = UrlState { group: Some(GroupSpec::Cluster { level: 1, id: 17 }), ..Default::default() };
        assert_eq!(st.to_hash(), "g=c~1~17");
        assert_eq!(UrlState::parse(&st.to_hash()), st);
        for bad in ["g=c~1", "g=c~x~1", "g=a~umap~1,2,3,4", "g=a~umap~1,2,3,4,5", "g=z~1~2", "g=a~~1,2,3,4,5,6"] {
            assert_eq!(UrlState::parse(bad).group, None, "{bad}");
        }
    }

    #[test]
    fn percent_coding() {
        assert_eq!(encode_component("a b-c_d.e/é"), "a%20b%2Dc_d.e%2F%C3%A9");
        assert_eq!(decode_component("a%20b%2Dc_d.e%2F%C3%A9"), "a b-c_d.e/é");
        assert_eq!(decode_component("%"), "%");
        assert_eq!(decode_component("%4"), "%4");
        assert_eq!(decode_component("%FF"), "\u{FFFD}");
    }
}
