//! Finding entities by what people type or paste: an exact id (bisection over sorted ids), or
//! a display name matched the way the viewer's search matches (case and accents ignored).
//! Shared by the viewer's "highlight a set" box and `starmap neighbors`.

use crate::search::{normalize, normalize_into};
use crate::{Labels, TextColumn};

/// Entity lookup by id: indices sorted by id, searched by bisection (4 bytes an entity, where a
/// hash map of a million ids would take tens of megabytes).
#[derive(Debug, Clone, PartialEq)]
pub struct IdIndex {
    sorted: Vec<u32>,
}

impl IdIndex {
    /// Indexes the ids.
    pub fn new(ids: &TextColumn) -> Self {
        let mut sorted: Vec<u32> = (0..ids.len() as u32).collect();
        sorted.sort_by(|&a, &b| ids.get(a as usize).cmp(ids.get(b as usize)));
        Self { sorted }
    }

    /// The entity with id `id` (the first, should ids repeat).
    pub fn find(&self, ids: &TextColumn, id: &str) -> Option<u32> {
        let at = self.sorted.partition_point(|&i| ids.get(i as usize) < id);
        self.sorted.get(at).copied().filter(|&i| ids.get(i as usize) == id)
    }
}

/// Splits a pasted list of ids or names (commas, semicolons, tabs, new lines) into tokens.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', ';', '\n', '\r', '\t']).map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect()
}

/// Every entity whose display name equals `name` once both are normalised for search, in
/// entity order.
pub fn entities_named(labels: &Labels, name: &str) -> Vec<u32> {
    let want = normalize(name);
    let mut buf = String::new();
    (0..labels.ids.len())
        .filter(|&e| {
            buf.clear();
            normalize_into(labels.name(e), &mut buf);
            buf == want
        })
        .map(|e| e as u32)
        .collect()
}

/// Resolves tokens to entities: by exact id first, then by display name ignoring case and
/// accents. Returns the entities found (sorted, unique) and the tokens that matched nothing.
pub fn resolve_tokens(tokens: &[String], labels: &Labels, ids: &IdIndex) -> (Vec<u32>, Vec<String>) {
    let mut found = Vec::new();
    let mut by_name: Vec<(String, usize)> = Vec::new();
    let mut matched = vec![false; tokens.len()];
    for (t, token) in tokens.iter().enumerate() {
        match ids.find(&labels.ids, token) {
            Some(e) => {
                found.push(e);
                matched[t] = true;
            }
            None => by_name.push((normalize(token), t)),
        }
    }
    if !by_name.is_empty() {
        by_name.sort();
        let mut buf = String::new();
        for e in 0..labels.ids.len() {
            buf.clear();
            normalize_into(labels.name(e), &mut buf);
            let at = by_name.partition_point(|(n, _)| n.as_str() < buf.as_str());
            for (n, t) in &by_name[at..] {
                if n != &buf {
                    break;
                }
                found.push(e as u32);
                matched[*t] = true;
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    let missing = tokens.iter().zip(&matched).filter(|(_, &m)| !m).map(|(t, _)| t.clone()).collect();
    (found, missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::sample;
    use crate::FILE_LABELS;

    #[test]
    fn ids_and_pasted_lists_resolve() {
        let e = sample();
        let bytes = &e.files.iter().find(|(n, _)| n == FILE_LABELS).unwrap().1;
        let (labels, _) = Labels::decode(&e.manifest, bytes).unwrap();
        let idx = IdIndex::new(&labels.ids);
        assert_eq!(idx.find(&labels.ids, "c"), Some(2));
        assert_eq!(idx.find(&labels.ids, "zz"), None);
        assert_eq!(idx.find(&labels.ids, ""), None);
        let tokens = split_list(" a, DELTA\nnobody;;\tbeta \r\n");
        assert_eq!(tokens, vec!["a", "DELTA", "nobody", "beta"]);
        let (found, missing) = resolve_tokens(&tokens, &labels, &idx);
        // "a" by id, "DELTA" -> "Délta" by name, "beta" -> "Beta".
        assert_eq!(found, vec![0, 1, 3]);
        assert_eq!(missing, vec!["nobody"]);
        assert_eq!(entities_named(&labels, "delta"), vec![3]);
        assert_eq!(entities_named(&labels, "C"), vec![2], "an unlabelled entity is named by its id");
        assert!(entities_named(&labels, "gamma").is_empty());
    }
}
