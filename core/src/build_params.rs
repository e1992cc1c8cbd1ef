//! The parameters of a whole build: the input files and columns ([`InputParams`]), each
//! stage's parameters, the layouts and the seed. The manifest records them as `build.params`,
//! serialised with serde under the command line's own flag names (`min-dist`, `similarity:
//! "cosine-damped"`), and [`BuildParams::from_manifest`] reads them back typed, so `starmap
//! inspect` can print a command line that rebuilds the map.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use starmap_format::ParamValue;

use crate::graph::GraphParams;
use crate::ingest::IngestParams;
use crate::layout::{default_set, is_layout_name, Layout, LayoutSpec, LeftOut, MAX_NAME_LEN};
use crate::mde::MdeParams;
use crate::params::{require, ParamError, Params, Valid};
use crate::table::Delimiter;
use crate::tsne::TsneParams;
use crate::umap::UmapParams;

/// Which files and columns to read. No defaults: a build names its input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct InputParams {
    /// The interactions file, as given (relative to where the build ran); empty with `graph`.
    #[serde(default, skip_serializing_if = "is_empty_path")]
    pub interactions: PathBuf,
    /// A co-occurrence graph folder read instead of the interactions (`--graph`, see
    /// [`crate::graph_io`]): the build starts after the co-occurrence stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph: Option<PathBuf>,
    /// Column of the entities to map (with `graph`: the name the map gives the ids).
    pub entity_col: String,
    /// Column of the contexts that group entities; empty with `graph`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub context_col: String,
    /// Column of interaction weights; without it every interaction weighs 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_col: Option<String>,
    /// The metadata file, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<PathBuf>,
    /// Id column of the metadata; `None` means the entity column's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_col: Option<String>,
    /// Metadata column shown as each entity's name; `None` lets the build choose
    /// (see [`crate::metadata::LabelChoice`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_col: Option<String>,
    /// Field delimiter of both files; `None` lets each file's extension decide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<Delimiter>,
}

impl InputParams {
    /// Reads `interactions`, with entities in `entity_col` and contexts in `context_col`.
    pub fn new(interactions: impl Into<PathBuf>, entity_col: &str, context_col: &str) -> Self {
        Self {
            interactions: interactions.into(),
            graph: None,
            entity_col: entity_col.to_string(),
            context_col: context_col.to_string(),
            weight_col: None,
            metadata: None,
            id_col: None,
            label_col: None,
            delimiter: None,
        }
    }

    /// Reads the co-occurrence graph in the folder `graph` (see [`crate::graph_io`]); the map
    /// names its ids `id`.
    pub fn graph(graph: impl Into<PathBuf>) -> Self {
        Self { graph: Some(graph.into()), ..Self::new(PathBuf::new(), GRAPH_ID_COLUMN, "") }
    }

    /// The metadata's id column: `--id-col`, else the entity column's name.
    pub fn id_col(&self) -> &str {
        self.id_col.as_deref().unwrap_or(&self.entity_col)
    }
}

/// The name of the ids of a map built from a graph, unless `--entity-col` gives another.
pub const GRAPH_ID_COLUMN: &str = "id";

fn is_empty_path(p: &std::path::Path) -> bool {
    p.as_os_str().is_empty()
}

impl Params for InputParams {
    fn check(&self) -> Result<(), ParamError> {
        if let Some(graph) = &self.graph {
            // A graph replaces the interactions and what names their columns.
            if !self.interactions.as_os_str().is_empty() {
                return Err(ParamError("--graph and --interactions cannot be used together: name one".into()));
            }
            for (flag, given) in
                [("context-col", !self.context_col.is_empty()), ("weight-col", self.weight_col.is_some())]
            {
                if given {
                    return Err(ParamError(format!(
                        "--{flag} names an interactions column: it has no use with --graph"
                    )));
                }
            }
            require(!self.entity_col.is_empty(), "entity-col", "a column name", "nothing")?;
            if graph.to_str().is_none() {
                return Err(ParamError(format!("--graph {}: the path is not valid UTF-8", graph.display())));
            }
        } else {
            for (flag, name) in [("entity-col", &self.entity_col), ("context-col", &self.context_col)] {
                require(!name.is_empty(), flag, "a column name", "nothing")?;
            }
        }
        if self.graph.is_none() && self.entity_col == self.context_col {
            return Err(ParamError(format!(
                "--entity-col and --context-col both name {:?}: they must be two different columns",
                self.entity_col
            )));
        }
        if self.metadata.is_none() {
            for (flag, given) in [("id-col", &self.id_col), ("label-col", &self.label_col)] {
                if given.is_some() {
                    return Err(ParamError(format!("--{flag} needs --metadata (it names a metadata column)")));
                }
            }
        }
        // The manifest records the paths as JSON text.
        for (flag, path) in [("interactions", Some(&self.interactions)), ("metadata", self.metadata.as_ref())] {
            if let Some(p) = path.filter(|p| p.to_str().is_none()) {
                return Err(ParamError(format!("--{flag} {}: the path is not valid UTF-8", p.display())));
            }
        }
        Ok(())
    }
}

/// Everything that decides a map's content: the input, each stage's parameters, the seed.
/// Serialised flat, one key per flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct BuildParams {
    /// Files and columns.
    #[serde(flatten)]
    pub input: InputParams,
    /// Reading and filtering.
    #[serde(flatten)]
    pub ingest: IngestParams,
    /// Co-occurrence and the relationship graph.
    #[serde(flatten)]
    pub graph: GraphParams,
    /// The minimum-distortion embedding.
    #[serde(flatten)]
    pub mde: MdeParams,
    /// The 2D layouts, the first drawn first (`--layout`, recorded as one text of specs apart by
    /// spaces). Empty: the default set ([`default_set`]).
    #[serde(rename = "layout", default, skip_serializing_if = "Vec::is_empty", with = "spec_list")]
    pub layouts: Vec<LayoutSpec>,
    /// UMAP's keys where a UMAP layout's spec does not set them.
    #[serde(flatten)]
    pub umap: UmapParams,
    /// t-SNE's keys where a t-SNE layout's spec does not set them.
    #[serde(flatten)]
    pub tsne: TsneParams,
    /// A categorical or list metadata column; each layout's quality then says how often an
    /// entity's 10 nearest 2D neighbours mostly share its value (the first, for lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_label: Option<String>,
    /// Make no clusters (`--no-clusters`): no `clusters.bin`, no names. Recorded only when set,
    /// so maps from before clusters existed read back as built with them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_clusters: bool,
    /// Seed of every random choice: the same input and seed give byte-identical files.
    pub seed: u64,
    /// Write only the map data, not the viewer beside it. The pipeline ignores it; it is here
    /// because it decides which files a build writes.
    pub data_only: bool,
}

impl BuildParams {
    /// The seed when none is given.
    pub const DEFAULT_SEED: u64 = 0;

    /// Default parameters for `input`.
    pub fn new(input: InputParams) -> Self {
        Self {
            input,
            ingest: IngestParams::default(),
            graph: GraphParams::default(),
            mde: MdeParams::default(),
            layouts: Vec::new(),
            umap: UmapParams::default(),
            tsne: TsneParams::default(),
            quality_label: None,
            no_clusters: false,
            seed: Self::DEFAULT_SEED,
            data_only: false,
        }
    }

    /// The parameters as the manifest records them: one plain value per flag name.
    pub fn to_manifest(&self) -> Result<BTreeMap<String, ParamValue>, ParamError> {
        let json = serde_json::to_value(self).map_err(|e| ParamError(format!("cannot record the parameters: {e}")))?;
        let serde_json::Value::Object(fields) = json else {
            return Err(ParamError("the parameters did not serialise to an object".into()));
        };
        Ok(fields.into_iter().filter_map(|(k, v)| Some((k, to_param_value(v)?))).collect())
    }

    /// Reads back what [`BuildParams::to_manifest`] wrote. Fails, saying why, when the map was
    /// written by a version that recorded something else (earlier ones kept every value as
    /// text and did not record the input files).
    pub fn from_manifest(params: &BTreeMap<String, ParamValue>) -> Result<Self, ParamError> {
        let object: serde_json::Map<String, serde_json::Value> =
            params.iter().map(|(k, v)| (k.clone(), from_param_value(v))).collect();
        let legacy = !params.contains_key("interactions") && params.values().all(|v| matches!(v, ParamValue::Text(_)));
        if legacy {
            return Err(ParamError(
                "the map was built by an earlier starmap, which recorded its parameters as text and not its \
                 input files; build it again to record them"
                    .into(),
            ));
        }
        let parsed: Self = serde_json::from_value(serde_json::Value::Object(object))
            .map_err(|e| ParamError(format!("the recorded parameters do not read as this starmap's: {e}")))?;
        // Anything this version would not write the same way (an unknown key, a value in another
        // form) would make a rebuild differ: refuse rather than guess.
        let again = parsed.to_manifest()?;
        if let Some(key) = params.keys().find(|k| !again.contains_key(*k)) {
            return Err(ParamError(format!("the recorded parameter {key:?} is unknown to this starmap")));
        }
        if &again != params {
            return Err(ParamError("the recorded parameters are not in the form this starmap writes".into()));
        }
        Ok(parsed)
    }
}

/// The layouts as one text, the specs apart by spaces (a spec holds none).
mod spec_list {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::layout::LayoutSpec;

    pub fn serialize<S: Serializer>(specs: &[LayoutSpec], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&specs.iter().map(LayoutSpec::to_string).collect::<Vec<_>>().join(" "))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<LayoutSpec>, D::Error> {
        let text = String::deserialize(d)?;
        text.split_whitespace().map(|s| s.parse().map_err(|e| D::Error::custom(format!("layout {s}: {e}")))).collect()
    }
}

fn to_param_value(v: serde_json::Value) -> Option<ParamValue> {
    use serde_json::Value;
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(ParamValue::Bool(b)),
        Value::Number(n) => Some(match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => ParamValue::Int(i),
            (None, Some(x)) if !n.is_u64() => ParamValue::Float(x),
            // A u64 beyond i64 (only an unchecked seed): exact as text, refused when read back.
            _ => ParamValue::Text(n.to_string()),
        }),
        Value::String(s) => Some(ParamValue::Text(s)),
        other => Some(ParamValue::Text(other.to_string())),
    }
}

fn from_param_value(v: &ParamValue) -> serde_json::Value {
    match v {
        ParamValue::Bool(b) => (*b).into(),
        ParamValue::Int(i) => (*i).into(),
        ParamValue::Float(x) => (*x).into(),
        ParamValue::Text(t) => t.clone().into(),
    }
}

impl Params for BuildParams {
    fn check(&self) -> Result<(), ParamError> {
        self.input.check()?;
        self.ingest.check()?;
        self.graph.check()?;
        self.mde.check()?;
        self.umap.check()?;
        self.tsne.check()?;
        for (i, spec) in self.layouts.iter().enumerate() {
            spec.resolve(&self.umap, &self.tsne)?;
            let name = spec.name();
            if !is_layout_name(&name) {
                return Err(ParamError(format!(
                    "--layout {spec}: its name {name:?} is longer than {MAX_NAME_LEN} characters; give it a shorter \
                     one with name="
                )));
            }
            if let Some(first) = self.layouts[..i].iter().find(|s| s.name() == name) {
                return Err(ParamError(format!(
                    "--layout {first} and --layout {spec} are both named {name:?}: layout names must be unique; \
                     name one with name=, e.g. --layout {}",
                    spec.clone().named(&format!("{name}2"))
                )));
            }
        }
        match &self.quality_label {
            Some(_) if self.input.metadata.is_none() => {
                return Err(ParamError("--quality-label needs --metadata (it names a metadata column)".into()))
            }
            Some(c) => require(!c.is_empty(), "quality-label", "a column name", "nothing")?,
            None => {}
        }
        // The manifest holds whole numbers as JSON's signed 64-bit integers.
        require(self.seed <= i64::MAX as u64, "seed", "at most 9223372036854775807", self.seed)
    }
}

impl Valid<BuildParams> {
    /// The ingest stage's part, checked with the whole.
    pub fn ingest(&self) -> Valid<IngestParams> {
        self.part(|p| p.ingest)
    }

    /// The graph stage's part.
    pub fn graph(&self) -> Valid<GraphParams> {
        self.part(|p| p.graph)
    }

    /// The embedding's part.
    pub fn mde(&self) -> Valid<MdeParams> {
        self.part(|p| p.mde)
    }

    /// The layouts to make of a map of `entities` entities: those given, else the default set,
    /// with what it left out for the map's size.
    pub fn plan_layouts(&self, entities: usize) -> Result<(Vec<Layout>, Vec<LeftOut>), ParamError> {
        let (specs, left_out) =
            if self.layouts.is_empty() { default_set(entities) } else { (self.layouts.clone(), Vec::new()) };
        let layouts = specs.iter().map(|s| s.plan(&self.umap, &self.tsne)).collect::<Result<_, _>>()?;
        Ok((layouts, left_out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cooc::Similarity;
    use crate::ingest::WeightTransform;
    use crate::mde::{Attractive, Init};
    use crate::params::{parse_choice, Choice};

    fn names_match_serde<C: Choice + Serialize>() {
        for &c in C::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.name(), "{c:?}");
            assert_eq!(parse_choice::<C>(c.name()), Ok(c));
            assert!(!c.help().is_empty() && !c.help().starts_with(' '));
        }
    }

    #[test]
    fn choices_have_one_spelling_for_flags_and_manifest() {
        names_match_serde::<Similarity>();
        names_match_serde::<WeightTransform>();
        names_match_serde::<Init>();
        names_match_serde::<Attractive>();
        names_match_serde::<crate::layout::Method>();
        assert_eq!(Similarity::CosineDamped.to_string(), "cosine-damped");
        let err = "cosinedamped".parse::<Similarity>().unwrap_err().to_string();
        assert!(err.contains("cosine, cosine-damped, count"), "{err}");
    }

    fn sample() -> BuildParams {
        let mut input = InputParams::new("data/plays.csv", "artist", "listener");
        input.weight_col = Some("plays".into());
        input.metadata = Some("data/artists.csv".into());
        input.delimiter = Some(";".parse().unwrap());
        let mut p = BuildParams::new(input);
        p.graph.similarity = Similarity::CosineDamped;
        p.umap.min_dist = 0.3;
        p.umap.epochs = Some(50);
        p.layouts = ["umap", "tsne:perplexity=50,name=t50"].iter().map(|s| s.parse().unwrap()).collect();
        p.quality_label = Some("genre".into());
        p.seed = 9;
        p
    }

    #[test]
    fn no_clusters_is_recorded_when_given() {
        let mut p = sample();
        p.no_clusters = true;
        let m = p.to_manifest().unwrap();
        assert_eq!(m["no-clusters"], ParamValue::Bool(true));
        assert_eq!(BuildParams::from_manifest(&m).unwrap(), p);
    }

    #[test]
    fn the_manifest_holds_flag_names_and_plain_values_that_read_back() {
        let p = sample();
        let m = p.to_manifest().unwrap();
        assert_eq!(m["similarity"], ParamValue::Text("cosine-damped".into()));
        assert_eq!(m["min-dist"], ParamValue::Float(0.3));
        assert_eq!(m["perplexity"], ParamValue::Float(30.0));
        assert_eq!(m["dim"], ParamValue::Int(4));
        assert_eq!(m["umap-epochs"], ParamValue::Int(50));
        assert_eq!(m["delimiter"], ParamValue::Text(";".into()));
        assert_eq!(m["interactions"], ParamValue::Text("data/plays.csv".into()));
        assert_eq!(m["data-only"], ParamValue::Bool(false));
        assert!(!m.contains_key("label-col"), "unset options are left out");
        assert!(!m.contains_key("no-clusters"), "clusters, the default, are not recorded");
        assert_eq!(m["layout"], ParamValue::Text("umap tsne:perplexity=50,name=t50".into()));
        assert_eq!(m["quality-label"], ParamValue::Text("genre".into()));
        let default_set = BuildParams::new(InputParams::new("p.csv", "a", "b")).to_manifest().unwrap();
        assert!(!default_set.contains_key("layout"), "the default layouts are not recorded as given");
        assert_eq!(BuildParams::from_manifest(&m).unwrap(), p);
    }

    #[test]
    fn earlier_and_foreign_parameters_are_refused_with_a_reason() {
        let legacy: BTreeMap<String, ParamValue> =
            [("dim", "4"), ("similarity", "cosinedamped")].map(|(k, v)| (k.into(), ParamValue::Text(v.into()))).into();
        let msg = BuildParams::from_manifest(&legacy).unwrap_err().to_string();
        assert!(msg.contains("earlier starmap"), "{msg}");

        let mut m = sample().to_manifest().unwrap();
        m.insert("warp".into(), ParamValue::Int(9));
        let msg = BuildParams::from_manifest(&m).unwrap_err().to_string();
        assert!(msg.contains("\"warp\""), "{msg}");

        let mut m = sample().to_manifest().unwrap();
        m.insert("dim".into(), ParamValue::Text("four".into()));
        assert!(BuildParams::from_manifest(&m).is_err());
    }

    #[test]
    fn checks_name_the_flag_and_the_range() {
        let mut p = sample();
        p.mde.dim = 40;
        assert_eq!(p.clone().validate().unwrap_err().to_string(), "--dim must be between 3 and 16, got 40");
        let mut p = sample();
        p.input.metadata = None;
        p.input.label_col = Some("title".into());
        assert!(p.validate().unwrap_err().to_string().contains("--label-col needs --metadata"));
        let mut p = sample();
        p.layouts = vec!["umap:min-dist=0.123456,neighbors=300,epochs=1000".parse().unwrap()];
        assert!(p.validate().unwrap_err().to_string().contains("longer than 40 characters"));
        let mut p = sample();
        p.layouts = vec!["tsne".parse().unwrap(), "umap:name=tsne".parse().unwrap()];
        let msg = p.validate().unwrap_err().to_string();
        assert!(msg.contains("both named \"tsne\"") && msg.contains("--layout umap:name=tsne2"), "{msg}");
        let mut p = sample();
        p.quality_label = Some("genre".into());
        p.input.metadata = None;
        assert!(p.validate().unwrap_err().to_string().contains("--quality-label needs --metadata"));
        let mut p = sample();
        p.seed = u64::MAX;
        assert!(p.validate().unwrap_err().to_string().contains("--seed"));
        assert!(sample().validate().is_ok());
    }
}
