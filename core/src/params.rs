//! Parameter machinery shared by the stages. Each stage owns a small parameter struct with one
//! `Default` (the documented defaults) and its range checks ([`Params`]); as in linfa, they
//! are checked once, turning them into [`Valid`] parameters, and the stages accept only those.
//! Choices among named variants ([`Choice`]) have one spelling for the command line, serde and
//! the manifest. The `build_params` module gathers the stages' structs into a whole build.

use std::fmt;

/// A parameter out of range or a combination that cannot work; the message names the flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParamError(pub String);

impl ParamError {
    /// The same complaint about a key of a `--layout` spec that sets what `--flag` sets: "--min-dist
    /// must be in (0, 1]" becomes "min-dist must be in (0, 1]" (see [`require`]).
    pub(crate) fn for_key(self, flag: &str, key: &str) -> Self {
        match self.0.strip_prefix(&format!("--{flag} ")) {
            Some(rest) => Self(format!("{key} {rest}")),
            None => self,
        }
    }
}

/// Parameters that passed [`Params::check`]. Only [`Params::validate`] makes one (and, inside
/// this crate, the parts of a valid whole).
#[derive(Debug, Clone, PartialEq)]
pub struct Valid<P>(P);

impl<P> Valid<P> {
    /// Gives the parameters back, to change them (and check them again).
    pub fn into_inner(self) -> P {
        self.0
    }

    /// A part of valid parameters: valid too, as checking a whole checks its parts.
    pub(crate) fn part<Q>(&self, part: impl FnOnce(&P) -> Q) -> Valid<Q> {
        Valid(part(&self.0))
    }
}

impl<P> std::ops::Deref for Valid<P> {
    type Target = P;

    fn deref(&self) -> &P {
        &self.0
    }
}

/// Parameters with range checks.
pub trait Params: Sized {
    /// Checks every value and combination.
    fn check(&self) -> Result<(), ParamError>;

    /// The parameters, checked.
    fn validate(self) -> Result<Valid<Self>, ParamError> {
        self.check()?;
        Ok(Valid(self))
    }
}

/// `Err` naming `flag`, the allowed range and the value, unless `ok`.
pub(crate) fn require(ok: bool, flag: &str, range: &str, got: impl fmt::Display) -> Result<(), ParamError> {
    if ok {
        Ok(())
    } else {
        Err(ParamError(format!("--{flag} must be {range}, got {got}")))
    }
}

/// A choice among named variants (`--similarity cosine-damped`). The command line offers
/// [`Choice::ALL`] by [`Choice::name`]; serde uses the same names (a test checks it).
pub trait Choice: Copy + PartialEq + fmt::Debug + 'static {
    /// Every variant, in the order help lists them.
    const ALL: &'static [Self];
    /// The name on the command line and in the manifest.
    fn name(self) -> &'static str;
    /// One line of help.
    fn help(self) -> &'static str;
}

/// Parses a choice by name; the error lists the names there are.
pub fn parse_choice<C: Choice>(s: &str) -> Result<C, ParamError> {
    C::ALL.iter().copied().find(|c| c.name() == s).ok_or_else(|| {
        ParamError(format!(
            "unknown value {s:?}: expected one of {}",
            C::ALL.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
        ))
    })
}

/// Declares a [`Choice`] enum: variants with their names and help, serde under the same names.
macro_rules! choice {
    ($(#[doc = $doc:literal])* pub enum $name:ident {
        $($(#[doc = $vdoc:literal])+ $variant:ident = $text:literal,)+
    }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[doc = $vdoc])+ #[serde(rename = $text)] $variant,)+
        }

        impl $crate::params::Choice for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn name(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
            fn help(self) -> &'static str {
                match self { $(Self::$variant => concat!($($vdoc),+).trim_ascii()),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::params::Choice::name(*self))
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::params::ParamError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::params::parse_choice(s)
            }
        }
    };
}
pub(crate) use choice;

/// Serialises an `f32` as the shortest decimal that reads back as it: `0.3f32 as f64` is
/// 0.30000001192092896, and the manifest should say 0.3, as typed.
pub(crate) fn shortest_f32<S: serde::Serializer>(v: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(v.to_string().parse().unwrap_or(f64::from(*v)))
}
