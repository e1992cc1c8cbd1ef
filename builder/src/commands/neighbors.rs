//! `starmap neighbors`: an entity's nearest neighbours in a built map's embedding. The query is
//! matched with the viewer's own code (`starmap_format::lookup` and `search`): an exact id, else
//! a name equal up to case and accents, else the viewer's ranked search, typo matches only when
//! nothing matches as typed. A query that fits several entities lists them with their ids
//! instead of picking one.

use starmap_core::{BuildError, Result};
use starmap_format::lookup::{entities_named, IdIndex};
use starmap_format::read::Map;
use starmap_format::search::{Hit, SearchIndex, Tier};

use super::maps::load_map;
use super::shell::{quote_path, shell_quote, starmap_command};
use crate::cli::NeighborsArgs;

/// Candidates listed when a query is ambiguous.
const CANDIDATES: usize = 10;

/// What a query found.
#[derive(Debug, PartialEq)]
enum Found {
    One(usize),
    /// Several entities, best first, and whether there are more than these.
    Several(Vec<usize>, bool),
    Nothing,
}

fn find(map: &Map, query: &str) -> Found {
    let labels = &map.labels;
    if let Some(i) = IdIndex::new(&labels.ids).find(&labels.ids, query.trim()) {
        return Found::One(i as usize);
    }
    let mut named: Vec<usize> = entities_named(labels, query.trim()).into_iter().map(|e| e as usize).collect();
    match named.len() {
        1 => return Found::One(named[0]),
        0 => {}
        _ => {
            // Most popular first, as the viewer's search ranks equal names.
            named.sort_by_key(|&i| (std::cmp::Reverse(map.labels.popularity[i]), i));
            let more = named.len() > CANDIDATES;
            named.truncate(CANDIDATES);
            return Found::Several(named, more);
        }
    }
    let mut index = SearchIndex::new(map.len(), |i| labels.name(i), &map.labels.popularity);
    let hits = as_typed_first(index.search(query, CANDIDATES + 1));
    match hits.len() {
        0 => Found::Nothing,
        1 => Found::One(hits[0]),
        n => Found::Several(hits[..n.min(CANDIDATES)].to_vec(), n > CANDIDATES),
    }
}

/// The entities of `hits`, leaving out typo matches unless nothing else matched: a lone
/// literal match is the one meant, whatever the viewer would list below it.
fn as_typed_first(mut hits: Vec<Hit>) -> Vec<usize> {
    if hits.iter().any(|h| h.tier != Tier::Fuzzy) {
        hits.retain(|h| h.tier != Tier::Fuzzy);
    }
    hits.iter().map(|h| h.entity as usize).collect()
}

/// "Name (id)" when the entity has a label, else its id.
fn display_name(map: &Map, i: usize) -> String {
    let (name, id) = (map.labels.name(i), map.labels.ids.get(i));
    if name == id {
        id.to_string()
    } else {
        format!("{name} ({id})")
    }
}

/// Runs `starmap neighbors`.
pub fn run(args: &NeighborsArgs) -> Result<()> {
    let map = load_map(&args.map)?;
    let dir = args.map.display();
    let i = match find(&map, &args.query) {
        Found::One(i) => i,
        Found::Nothing => {
            return Err(BuildError::Unusable(format!(
                "no entity in {dir} has the id {:?} or a name containing it",
                args.query
            )))
        }
        Found::Several(candidates, more) => {
            let (starmap, _) = starmap_command();
            let mut msg = format!("{:?} matches several entities in {dir}; pick one by its id:", args.query);
            for &c in &candidates {
                let (name, id) = (map.labels.name(c), map.labels.ids.get(c));
                msg.push_str(&if name == id { format!("\n  {id}") } else { format!("\n  {name}  (id {id})") });
            }
            if more {
                msg.push_str("\n  … and more: type more of the name");
            }
            msg.push_str(&format!(
                "\nfor example: {starmap} neighbors --map {} {}",
                quote_path(&args.map),
                shell_quote(map.labels.ids.get(candidates[0]))
            ));
            return Err(BuildError::Unusable(msg));
        }
    };
    let neighbors = map
        .neighbors
        .as_ref()
        .ok_or_else(|| BuildError::Unusable(format!("{dir} stores no neighbours (no neighbors.bin)")))?;
    if args.k > neighbors.k {
        return Err(BuildError::Unusable(format!(
            "-k {} asks for more neighbours than the map stores ({} per entity)",
            args.k, neighbors.k
        )));
    }
    println!("{} — seen in {} contexts", display_name(&map, i), map.labels.popularity[i]);
    for (rank, j) in neighbors.of(i).take(args.k).enumerate() {
        println!("{:>3}. {}", rank + 1, display_name(&map, j as usize));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use starmap_format::testing::sample;
    use starmap_format::{read, FILE_MANIFEST};

    fn sample_map() -> Map {
        let encoded = sample();
        let json = serde_json::to_vec(&encoded.manifest).unwrap();
        let manifest = read::parse_manifest(&json).unwrap();
        let files = encoded.files;
        Map::decode(manifest, |name| {
            files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, b)| b.clone())
                .ok_or(read::ReadError::Manifest(format!("{name} missing beside {FILE_MANIFEST}")))
        })
        .unwrap()
    }

    #[test]
    fn queries_match_as_the_viewer_searches() {
        let map = sample_map();
        let names: Vec<&str> = (0..map.len()).map(|i| map.labels.name(i)).collect();
        // An id, a name in another case and without accents, and a piece of a name.
        assert_eq!(find(&map, map.labels.ids.get(2)), Found::One(2));
        let delta = names.iter().position(|n| *n == "Délta").expect("the sample has Délta");
        assert_eq!(find(&map, "DELTA"), Found::One(delta));
        assert_eq!(find(&map, "elt"), Found::One(delta));
        assert_eq!(find(&map, "nobody at all"), Found::Nothing);
        // "ta" is in Beta and Délta: both listed, the popular one first, none picked.
        assert_eq!(find(&map, "ta"), Found::Several(vec![delta, 1], false));
        // A typo finds the name when nothing matches as typed.
        let alpha = names.iter().position(|n| *n == "Alpha").expect("the sample has Alpha");
        assert_eq!(find(&map, "alhpa"), Found::One(alpha));
    }

    #[test]
    fn typo_matches_count_only_when_nothing_matches_as_typed() {
        let names = ["Casablanca", "Casablanka Nights", "Casino"];
        let mut index = SearchIndex::new(names.len(), |i| names[i], &[1, 50, 100]);
        // The viewer lists the typo match below the exact one; the command picks the exact one.
        assert_eq!(index.search("casablanca", 5).len(), 2);
        assert_eq!(as_typed_first(index.search("casablanca", 5)), vec![0]);
        assert_eq!(as_typed_first(index.search("casablamca", 5)), vec![0, 1]);
    }
}
