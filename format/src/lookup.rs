//! Finding entities by what people type or paste: an exact id (bisection over sorted ids), or
//! a display name matched the way the viewer's search matches (case and accents ignored).
//! Shared by the viewer's "highlight a set" box and `starmap neighbors`.

use crate::pause::{self, NoPause, Pause};
use crate::search::{normalize, normalize_into};
use crate::{Labels, TextColumn};

/// Entity lookup by id: indices sorted by a hash of their id (then by index), searched by
/// bisection on the hash: 4 bytes an entity, where a hash map of a million ids would take tens
/// of megabytes. Hashes rather than the ids themselves: sorting a million integers is several
/// times faster than sorting a million strings, and the viewer does it on the page's thread.
#[derive(Debug, Clone, PartialEq)]
pub struct IdIndex {
    sorted: Vec<u32>,
}

/// FNV-1a: a stable hash of an id.
fn id_hash(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

impl IdIndex {
    /// Indexes the ids.
    pub fn new(ids: &TextColumn) -> Self {
        pause::run(Self::build(ids, &mut NoPause))
    }

    /// [`IdIndex::new`], pausing at `pause` every few thousand ids.
    pub async fn build(ids: &TextColumn, pause: &mut impl Pause) -> Self {
        let mut keyed = Vec::with_capacity(ids.len());
        for i in 0..ids.len() {
            pause::at(pause, i).await;
            keyed.push((id_hash(ids.get(i)), i as u32));
        }
        let keyed = pause::sort_keyed(keyed, pause).await;
        Self { sorted: keyed.into_iter().map(|(_, i)| i).collect() }
    }

    /// The entity with id `id` (the first, should ids repeat).
    pub fn find(&self, ids: &TextColumn, id: &str) -> Option<u32> {
        let h = id_hash(id);
        let at = self.sorted.partition_point(|&i| id_hash(ids.get(i as usize)) < h);
        // Equal hashes are in index order, so the first equal id is the first entity with it.
        self.sorted[at..]
            .iter()
            .take_while(|&&i| id_hash(ids.get(i as usize)) == h)
            .find(|&&i| ids.get(i as usize) == id)
            .copied()
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

    #[test]
    fn every_id_is_found_and_a_repeated_id_finds_its_first_entity() {
        let mut names: Vec<String> = (0..5000).map(|i| format!("id{}", i * 7 % 5000)).collect();
        names.push("id42".into());
        let ids = TextColumn::from_values(&names);
        let idx = IdIndex::new(&ids);
        for (i, id) in names.iter().enumerate().take(5000) {
            assert_eq!(idx.find(&ids, id), Some(i as u32), "{id}");
        }
        assert_eq!(idx.find(&ids, "id42"), Some((0..5000).find(|i| i * 7 % 5000 == 42).unwrap() as u32));
        assert_eq!(idx.find(&ids, "id5000"), None);
    }
}
