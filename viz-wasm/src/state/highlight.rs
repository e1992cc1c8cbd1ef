//! Highlighting a pasted set: ids or names, separated by commas or lines, resolved through the
//! id index and the names; the rest of the map fades.

use starmap_format::lookup::{resolve_tokens, split_list, IdIndex};
use starmap_format::read::Labels;

/// Missing tokens named in the status line.
const MISSING_SHOWN: usize = 5;

/// The highlighted set.
#[derive(Debug, Clone, PartialEq)]
pub struct Highlight {
    /// Membership per entity.
    pub set: Vec<bool>,
    /// Entities in the set.
    pub found: usize,
}

/// The outcome of a pasted list: the set (`None`: nothing highlighted) and a status line.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The set, `None` for an empty list.
    pub highlight: Option<Highlight>,
    /// "2 of 3 found; not found: x".
    pub status: String,
}

/// Resolves `text` against the `n` entities' ids and names. `None` while the names have not
/// arrived (a non-empty list cannot be resolved yet).
pub fn resolve(text: &str, n: usize, names: Option<(&Labels, &IdIndex)>) -> Option<Resolved> {
    let tokens = split_list(text);
    if tokens.is_empty() {
        return Some(Resolved { highlight: None, status: String::new() });
    }
    let (labels, ids) = names?;
    let (found, missing) = resolve_tokens(&tokens, labels, ids);
    let mut set = vec![false; n];
    for &e in &found {
        if let Some(s) = set.get_mut(e as usize) {
            *s = true;
        }
    }
    let mut status = format!("{} of {} found", tokens.len() - missing.len(), tokens.len());
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(MISSING_SHOWN).map(String::as_str).collect();
        status.push_str(&format!("; not found: {}", shown.join(", ")));
        if missing.len() > MISSING_SHOWN {
            status.push('…');
        }
    }
    Some(Resolved { highlight: Some(Highlight { set, found: found.len() }), status })
}

#[cfg(test)]
mod tests {
    use super::*;
    use starmap_format::testing::sample;
    use starmap_format::FILE_LABELS;

    fn labels() -> (Labels, IdIndex) {
        let e = sample();
        let bytes = &e.files.iter().find(|(n, _)| n == FILE_LABELS).unwrap().1;
        let (labels, _) = Labels::decode(&e.manifest, bytes).unwrap();
        let ids = IdIndex::new(&labels.ids);
        (labels, ids)
    }

    #[test]
    fn ids_and_names_resolve_and_the_rest_is_reported() {
        let (l, ids) = labels();
        let r = resolve("a, Beta\nzz, yy,x1,x2,x3,x4", 4, Some((&l, &ids))).unwrap();
        let h = r.highlight.unwrap();
        assert_eq!(h.set, vec![true, true, false, false]);
        assert_eq!(h.found, 2);
        assert_eq!(r.status, "2 of 8 found; not found: zz, yy, x1, x2, x3…");
    }

    #[test]
    fn an_empty_list_clears_even_before_the_names_arrive() {
        assert_eq!(resolve(" \n, ", 4, None), Some(Resolved { highlight: None, status: String::new() }));
        assert_eq!(resolve("a", 4, None), None);
    }
}
