//! The 2D layouts a build makes, as `--layout` names them: a method and some of its keys,
//! `umap:min-dist=0.05,neighbors=30,name=close`. [`LayoutSpec`] is such a spec, parsed and checked
//! ([`FromStr`]) and written back one canonical way ([`fmt::Display`]: keys in the method's
//! order, `name` last). A key left out takes the value of the build's own flag (`--min-dist`,
//! `--umap-neighbors`, `--umap-epochs`, `--perplexity`, `--exaggeration`), so [`LayoutSpec::resolve`] turns a spec
//! and those flags into one method's checked parameters, [`LayoutParams`].
//!
//! Keys are the parameters' serde names (the flags) without the method's prefix; values go
//! through serde, so a key is one line in [`Method::keys`]. Adding a method: a [`Method`]
//! variant, a [`LayoutParams`] variant with its parameter struct, its keys, and its run in
//! `projection.rs`.

use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::params::{choice, Choice, ParamError, Params, Valid};
use crate::tsne::{self, TsneParams};
use crate::umap::UmapParams;

choice! {
    /// A 2D layout method.
    pub enum Method {
        /// UMAP: one continent keeping local and global structure.
        Umap = "umap",
        /// t-SNE: an archipelago of tight islands.
        Tsne = "tsne",
    }
}

/// A key of a spec: its name there, the flag it defaults to (the parameter's serde name), and
/// what its value must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// Name in the spec (`neighbors`).
    pub name: &'static str,
    /// The `starmap build` flag giving its default (`umap-neighbors`).
    pub flag: &'static str,
    /// What a value is, for messages ("a whole number").
    pub what: &'static str,
}

const WHOLE: &str = "a whole number";
const NUMBER: &str = "a number";

impl Method {
    /// The keys of the method's specs, in the order specs are written.
    pub fn keys(self) -> &'static [Key] {
        match self {
            Method::Umap => &[
                Key { name: "min-dist", flag: "min-dist", what: NUMBER },
                Key { name: "neighbors", flag: "umap-neighbors", what: WHOLE },
                Key { name: "epochs", flag: "umap-epochs", what: WHOLE },
            ],
            Method::Tsne => &[
                Key { name: "perplexity", flag: "perplexity", what: NUMBER },
                Key { name: "exaggeration", flag: "exaggeration", what: NUMBER },
            ],
        }
    }

    fn key_list(self) -> String {
        let mut names: Vec<&str> = self.keys().iter().map(|k| k.name).collect();
        names.push(NAME_KEY);
        names.join(", ")
    }
}

/// The key naming a layout, allowed in every spec.
pub const NAME_KEY: &str = "name";
/// Longest layout name (the viewer shows it in a menu and puts it in links).
pub const MAX_NAME_LEN: usize = 40;

/// Whether `name` can name a layout: 1 to [`MAX_NAME_LEN`] ASCII letters, digits, `_`, `-` or
/// `.`, characters that stand for themselves in a URL.
pub fn is_layout_name(name: &str) -> bool {
    (1..=MAX_NAME_LEN).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// One method's parameters: what a layout is made with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LayoutParams {
    /// UMAP.
    Umap(UmapParams),
    /// t-SNE.
    Tsne(TsneParams),
}

/// `p` with its serde field `flag` set to `value`; the serde error when `value` does not fit.
fn set_field<P: Serialize + DeserializeOwned>(p: &P, flag: &str, value: Value) -> Result<P, String> {
    let mut json = serde_json::to_value(p).map_err(|e| e.to_string())?;
    let Value::Object(fields) = &mut json else { return Err("parameters are not an object".into()) };
    fields.insert(flag.to_string(), value);
    serde_json::from_value(json).map_err(|e| e.to_string())
}

fn get_field<P: Serialize>(p: &P, flag: &str) -> Option<Value> {
    serde_json::to_value(p).ok()?.get(flag).cloned()
}

impl LayoutParams {
    /// `method`'s parameters as the build's flags set them.
    pub fn base(method: Method, umap: &UmapParams, tsne: &TsneParams) -> Self {
        match method {
            Method::Umap => Self::Umap(*umap),
            Method::Tsne => Self::Tsne(*tsne),
        }
    }

    /// The method.
    pub fn method(&self) -> Method {
        match self {
            Self::Umap(_) => Method::Umap,
            Self::Tsne(_) => Method::Tsne,
        }
    }

    /// Neighbours per point the layout reads from the embedding's k-NN.
    pub fn neighbors_needed(&self) -> usize {
        match self {
            Self::Umap(p) => p.neighbors,
            Self::Tsne(_) => 0,
        }
    }

    /// Most similar entities per entity the layout reads from the co-occurrence stage's cosine
    /// table (t-SNE's affinities come from there: the 4-D embedding cannot keep a
    /// 90-neighbour structure, docs/CHOICES.md).
    pub fn similar_needed(&self) -> usize {
        match self {
            Self::Umap(_) => 0,
            Self::Tsne(p) => tsne::neighbors_needed(p),
        }
    }

    fn set(&self, key: Key, value: Value) -> Result<Self, String> {
        Ok(match self {
            Self::Umap(p) => Self::Umap(set_field(p, key.flag, value)?),
            Self::Tsne(p) => Self::Tsne(set_field(p, key.flag, value)?),
        })
    }

    fn get(&self, key: Key) -> Option<Value> {
        match self {
            Self::Umap(p) => get_field(p, key.flag),
            Self::Tsne(p) => get_field(p, key.flag),
        }
    }
}

impl Params for LayoutParams {
    fn check(&self) -> Result<(), ParamError> {
        match self {
            Self::Umap(p) => p.check(),
            Self::Tsne(p) => p.check(),
        }
    }
}

/// A layout's checked parameters, by method: what `projection.rs` matches on to run it.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked {
    /// UMAP.
    Umap(Valid<UmapParams>),
    /// t-SNE.
    Tsne(Valid<TsneParams>),
}

impl Valid<LayoutParams> {
    /// The method's own parameters, checked with the whole.
    pub fn checked(&self) -> Checked {
        match **self {
            LayoutParams::Umap(p) => Checked::Umap(self.part(|_| p)),
            LayoutParams::Tsne(p) => Checked::Tsne(self.part(|_| p)),
        }
    }
}

/// A layout to make: its name, its spec, its checked parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Unique among the build's layouts.
    pub name: String,
    /// How it is made, without the name ([`LayoutSpec::spec`]).
    pub spec: String,
    /// What it is made with.
    pub params: Valid<LayoutParams>,
}

/// A layout as `--layout` gives it: a method, the keys set (checked), and maybe a name.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutSpec {
    method: Method,
    /// The keys set, in the method's key order, each value as the parameters write it back.
    settings: Vec<(Key, Value)>,
    name: Option<String>,
}

impl LayoutSpec {
    /// `method` with every key from the build's flags, named after the method.
    pub fn new(method: Method) -> Self {
        Self { method, settings: Vec::new(), name: None }
    }

    /// The same spec named `name` (checked when the build's parameters are).
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// How the layout is made, without its name: `umap:min-dist=0.05,neighbors=30`. The
    /// manifest records it as the layout's `spec`.
    pub fn spec(&self) -> String {
        let mut s = self.method.name().to_string();
        for (i, (key, value)) in self.settings.iter().enumerate() {
            s.push(if i == 0 { ':' } else { ',' });
            s.push_str(&format!("{}={}", key.name, spelled(value)));
        }
        s
    }

    /// The layout's name: `name=` when given, else derived from [`LayoutSpec::spec`], `:` and
    /// `,` as `_`, keys without their `-` and `=` (`umap_mindist0.05_neighbors30`), so it
    /// stands for itself in a link.
    pub fn name(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        let mut s = self.method.name().to_string();
        for (key, value) in &self.settings {
            s.push('_');
            s.push_str(&key.name.replace('-', ""));
            s.push_str(&spelled(value));
        }
        s
    }

    /// The parameters it is made with: the build's flags, then the keys it sets.
    pub fn resolve(&self, umap: &UmapParams, tsne: &TsneParams) -> Result<Valid<LayoutParams>, ParamError> {
        let mut params = LayoutParams::base(self.method, umap, tsne);
        for (key, value) in &self.settings {
            params = params.set(*key, value.clone()).map_err(|e| self.error(&e))?;
        }
        params.validate().map_err(|e| self.error(&e.0))
    }

    /// The layout this spec asks for, given the build's flags.
    pub fn plan(&self, umap: &UmapParams, tsne: &TsneParams) -> Result<Layout, ParamError> {
        Ok(Layout { name: self.name(), spec: self.spec(), params: self.resolve(umap, tsne)? })
    }

    fn error(&self, why: &str) -> ParamError {
        ParamError(format!("--layout {self}: {why}"))
    }
}

impl fmt::Display for LayoutSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.spec())?;
        if let Some(name) = &self.name {
            write!(f, "{}{NAME_KEY}={name}", if self.settings.is_empty() { ':' } else { ',' })?;
        }
        Ok(())
    }
}

/// A value as a spec spells it: numbers as Rust writes them (`50`, `0.05`), text as it is.
fn spelled(value: &Value) -> String {
    match value {
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(x)) => x.to_string(),
            (None, None) => n.to_string(),
        },
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value as written in a spec: a whole number, a finite number or a switch when it reads as
/// one, else text (which the parameter's type then refuses or takes).
fn spec_value(text: &str) -> Value {
    if let Ok(i) = text.parse::<i64>() {
        return i.into();
    }
    if let Some(x) = text.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
        return Value::Number(x);
    }
    match text {
        "true" | "false" => Value::Bool(text == "true"),
        _ => Value::String(text.to_string()),
    }
}

impl FromStr for LayoutSpec {
    type Err = ParamError;

    /// `METHOD[:KEY=VALUE[,KEY=VALUE]…]`. Messages say what is wrong and list what is allowed;
    /// the command line shows them after the spec.
    fn from_str(s: &str) -> Result<Self, ParamError> {
        let (method_text, rest) = match s.split_once(':') {
            Some((m, rest)) => (m, Some(rest)),
            None => (s, None),
        };
        let method: Method = method_text.parse().map_err(|_| {
            let all: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
            ParamError(format!("unknown layout method {method_text:?}: expected {}", all.join(" or ")))
        })?;
        let mut spec = Self::new(method);
        let Some(rest) = rest else { return Ok(spec) };
        let keys = method.keys();
        // Each key is checked alone on the method's defaults, so a message names the key at fault.
        let defaults = LayoutParams::base(method, &UmapParams::default(), &TsneParams::default());
        for item in rest.split(',') {
            let Some((name, text)) = item.split_once('=') else {
                return Err(ParamError(format!(
                    "expected KEY=VALUE after {method}: and between commas, got {item:?}; keys of {method}: {}",
                    method.key_list()
                )));
            };
            let repeated =
                spec.settings.iter().any(|(k, _)| k.name == name) || (name == NAME_KEY && spec.name.is_some());
            if repeated {
                return Err(ParamError(format!("the key {name} is given twice")));
            }
            if name == NAME_KEY {
                if !is_layout_name(text) {
                    return Err(ParamError(format!(
                        "name {text:?} must be 1 to {MAX_NAME_LEN} letters, digits, '_', '-' or '.' (it goes \
                         into the viewer's links)"
                    )));
                }
                spec.name = Some(text.to_string());
                continue;
            }
            let Some(&key) = keys.iter().find(|k| k.name == name) else {
                return Err(ParamError(format!("{method} has no key {name:?}; its keys: {}", method.key_list())));
            };
            let set = defaults
                .set(key, spec_value(text))
                .map_err(|_| ParamError(format!("{} must be {}, got {text:?}", key.name, key.what)))?;
            set.check().map_err(|e| e.for_key(key.flag, key.name))?;
            // The value as the parameters write it back: `0.050` is recorded as `0.05`.
            let value = set.get(key).unwrap_or_else(|| spec_value(text));
            spec.settings.push((key, value));
        }
        spec.settings.sort_by_key(|(k, _)| keys.iter().position(|o| o == k));
        Ok(spec)
    }
}

/// The layouts of a build that names none. On maps of at most [`TSNE_DEFAULT_MAX_ENTITIES`]
/// entities two t-SNE layouts, each leading in what it is for on every data set measured
/// (docs/CHOICES.md, "Layouts"): [`STRUCTURE_SPEC`] for the large-scale arrangement (ahead of
/// UMAP on all three figures on films and Last.fm), drawn first as it shows strands and globs
/// where plain t-SNE shows an even ball of islands; then [`NEIGHBORS_SPEC`] for
/// neighbourhoods. Past that size UMAP alone: t-SNE would take many times the rest of the build;
/// below [`TSNE_DEFAULT_MIN_ENTITIES`] too.
pub fn default_set(entities: usize) -> (Vec<LayoutSpec>, Vec<LeftOut>) {
    let why = if entities > TSNE_DEFAULT_MAX_ENTITIES {
        Some(Why::Large { limit: TSNE_DEFAULT_MAX_ENTITIES })
    } else if entities < TSNE_DEFAULT_MIN_ENTITIES {
        Some(Why::Small { least: TSNE_DEFAULT_MIN_ENTITIES })
    } else {
        None
    };
    match why {
        None => {
            let specs = [STRUCTURE_SPEC, NEIGHBORS_SPEC].map(|s| s.parse().expect("a valid spec (tested)"));
            (specs.to_vec(), Vec::new())
        }
        Some(why) => (vec![LayoutSpec::new(Method::Umap)], vec![LeftOut { method: Method::Tsne, entities, why }]),
    }
}

/// The default set's structure layout: t-SNE with its attraction × 1.5 after the early phase.
pub const STRUCTURE_SPEC: &str = "tsne:exaggeration=1.5,name=structure";
/// The default set's neighbourhood layout: plain t-SNE.
pub const NEIGHBORS_SPEC: &str = "tsne:name=neighbors";

/// Smallest map the default set makes t-SNE layouts of: its default perplexity (30) reads 90
/// neighbours a point; on fewer entities it is lowered to what there is, and t-SNE piles
/// entities of the same contexts on one spot (the 22-artist example in README).
pub const TSNE_DEFAULT_MIN_ENTITIES: usize = 91;

/// Largest map the default set makes a t-SNE layout of: past it, t-SNE takes many times
/// UMAP's time (README, "Performance").
pub const TSNE_DEFAULT_MAX_ENTITIES: usize = 100_000;

/// A layout of the default set left out for the map's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeftOut {
    /// Its method.
    pub method: Method,
    /// Entities on the map.
    pub entities: usize,
    /// Too many entities, or too few.
    pub why: Why,
}

/// Why a layout of the default set was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// More entities than `limit`: it would take many times the rest of the build.
    Large {
        /// Most entities the default set makes it for.
        limit: usize,
    },
    /// Fewer than `least`: too few neighbours for its defaults.
    Small {
        /// Fewest entities the default set makes it for.
        least: usize,
    },
}

impl fmt::Display for LeftOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (method, entities) = (self.method, self.entities);
        match self.why {
            Why::Large { limit } => write!(
                f,
                "{method} left out of the default layouts: {entities} entities, more than its limit of {limit} (it \
                 would take many times the rest of the build); --layout {method} --layout umap makes both anyway"
            ),
            Why::Small { least } => write!(
                f,
                "{method} left out of the default layouts: {entities} entities, fewer than the {least} its defaults \
                 read (it would pile similar entities on one spot); --layout {method} --layout umap makes both anyway"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(s: &str) -> LayoutSpec {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn err(s: &str) -> String {
        s.parse::<LayoutSpec>().unwrap_err().to_string()
    }

    #[test]
    fn specs_round_trip_in_one_canonical_spelling() {
        for (given, canonical, name) in [
            ("umap", "umap", "umap"),
            ("tsne", "tsne", "tsne"),
            ("umap:neighbors=30,min-dist=0.050", "umap:min-dist=0.05,neighbors=30", "umap_mindist0.05_neighbors30"),
            ("tsne:perplexity=50", "tsne:perplexity=50", "tsne_perplexity50"),
            ("umap:name=close,epochs=50", "umap:epochs=50,name=close", "close"),
            ("tsne:name=t", "tsne:name=t", "t"),
        ] {
            let s = spec(given);
            assert_eq!(s.to_string(), canonical);
            assert_eq!(spec(canonical), s, "{canonical}");
            assert_eq!(s.name(), name);
            assert!(is_layout_name(&s.name()), "{name}");
            assert!(!s.spec().contains("name="));
        }
        assert_eq!(LayoutSpec::new(Method::Umap).named("u").to_string(), "umap:name=u");
    }

    #[test]
    fn keys_override_the_flags_and_the_rest_follow_them() {
        let flags = UmapParams { neighbors: 40, min_dist: 0.1, epochs: Some(20) };
        let p = spec("umap:min-dist=0.5").resolve(&flags, &TsneParams::default()).unwrap();
        assert_eq!(*p, LayoutParams::Umap(UmapParams { min_dist: 0.5, ..flags }));
        assert_eq!(p.neighbors_needed(), 40);
        let t = spec("tsne:perplexity=12.5").resolve(&flags, &TsneParams::default()).unwrap();
        assert!(matches!(t.checked(), Checked::Tsne(t) if t.perplexity == 12.5));
        assert_eq!((t.neighbors_needed(), t.similar_needed()), (0, 38));
        let x = spec("tsne:exaggeration=1.5").resolve(&flags, &TsneParams::default()).unwrap();
        assert!(matches!(x.checked(), Checked::Tsne(t) if t.exaggeration == 1.5 && t.perplexity == 30.0));
        assert_eq!(err("tsne:exaggeration=5"), "exaggeration must be between 1 and 4, got 5");
    }

    #[test]
    fn mistakes_are_named_with_what_is_allowed() {
        assert_eq!(err("pca"), "unknown layout method \"pca\": expected umap or tsne");
        let e = err("umap:perplexity=30");
        assert!(e.contains("umap has no key \"perplexity\"") && e.contains("min-dist, neighbors, epochs, name"), "{e}");
        assert!(err("tsne:perplexity").contains("expected KEY=VALUE"));
        assert!(err("umap:").contains("expected KEY=VALUE"));
        assert_eq!(err("umap:neighbors=1"), "neighbors must be between 2 and 500, got 1");
        assert_eq!(err("umap:min-dist=2"), "min-dist must be in (0, 1], got 2");
        assert_eq!(err("umap:neighbors=lots"), "neighbors must be a whole number, got \"lots\"");
        assert_eq!(err("umap:neighbors=1.5"), "neighbors must be a whole number, got \"1.5\"");
        assert_eq!(err("tsne:perplexity=nan"), "perplexity must be a number, got \"nan\"");
        assert!(err("umap:neighbors=20,neighbors=30").contains("given twice"));
        assert!(err("umap:name=a b").contains("letters, digits"));
        assert!(err("umap:name=").contains("letters, digits"));
        assert!(err(&format!("umap:name={}", "x".repeat(41))).contains("1 to 40"));
    }

    #[test]
    fn the_default_set_leaves_tsne_out_of_tiny_and_large_maps() {
        let (tiny, too_few) = default_set(TSNE_DEFAULT_MIN_ENTITIES - 1);
        assert_eq!(tiny.iter().map(|s| s.name()).collect::<Vec<_>>(), ["umap"]);
        assert!(too_few[0].to_string().contains("fewer than the 91"), "{}", too_few[0]);
        assert_eq!(default_set(TSNE_DEFAULT_MIN_ENTITIES).0.len(), 2);
        let (small, none) = default_set(TSNE_DEFAULT_MAX_ENTITIES);
        assert_eq!(small.iter().map(|s| s.name()).collect::<Vec<_>>(), ["structure", "neighbors"]);
        assert_eq!(small[0].spec(), "tsne:exaggeration=1.5");
        assert!(none.is_empty());
        let (large, left_out) = default_set(TSNE_DEFAULT_MAX_ENTITIES + 1);
        assert_eq!(large.iter().map(|s| s.name()).collect::<Vec<_>>(), ["umap"]);
        assert!(left_out[0].to_string().starts_with("tsne left out of the default layouts"), "{}", left_out[0]);
    }
}
