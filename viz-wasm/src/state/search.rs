//! The search box's state: its text, the ranked hits (entities and clusters, a cluster listed
//! after the entities that match it as well or better), the active row and whether the list is
//! open. Ranking itself is
//! `starmap_format::search::SearchIndex`, over the names and, separately, the cluster names.

use starmap_format::search::SearchIndex;

/// Search results shown.
pub const SEARCH_LIMIT: usize = 20;
/// Clusters listed above them, at most.
pub const CLUSTER_LIMIT: usize = 3;

/// A row of the results list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A cluster: level and index in it.
    Cluster(usize, usize),
    /// An entity.
    Entity(u32),
}

/// The cluster names, searchable like the entity names: one index over every level's
/// clusters, each ranked by its size.
#[derive(Debug)]
pub struct ClusterSearch {
    index: SearchIndex,
    /// (level, id) of each indexed name.
    keys: Vec<(usize, usize)>,
}

impl ClusterSearch {
    /// Indexes `names`: (level, id, name, size).
    pub fn new(names: &[(usize, usize, String, u32)]) -> Self {
        let sizes: Vec<u32> = names.iter().map(|n| n.3).collect();
        let index = SearchIndex::new(names.len(), |i| names[i].2.as_str(), &sizes);
        Self { index, keys: names.iter().map(|n| (n.0, n.1)).collect() }
    }
}

/// What the search box shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchState {
    /// The text in the box.
    pub text: String,
    /// Matching entities, best first.
    pub hits: Vec<u32>,
    /// Matching clusters (level, id), best first.
    pub clusters: Vec<(usize, usize)>,
    /// The list: entities and clusters merged by how well they match.
    pub list: Vec<Found>,
    /// The row Enter opens.
    pub active: Option<usize>,
    /// Whether the list is shown.
    pub open: bool,
    /// Searches run so far (a probe for the benchmarks).
    pub runs: u64,
}

impl SearchState {
    /// Ranks the names against the text; the list opens unless the text is blank.
    pub fn run(&mut self, index: &mut SearchIndex, clusters: Option<&mut ClusterSearch>) {
        let hits = index.search(&self.text, SEARCH_LIMIT);
        let cluster_hits = match clusters {
            Some(c) => c
                .index
                .search(&self.text, CLUSTER_LIMIT)
                .into_iter()
                .filter_map(|h| c.keys.get(h.entity as usize).map(|&k| (k, h.tier)))
                .collect(),
            None => Vec::new(),
        };
        self.hits = hits.iter().map(|h| h.entity).collect();
        self.clusters = cluster_hits.iter().map(|&(k, _)| k).collect::<Vec<_>>();
        // A cluster goes after every entity that matches at least as well: typing a film's
        // name opens the film, and a region's name (a genre, a decade) finds the region.
        self.list.clear();
        let mut pending = cluster_hits.iter().peekable();
        for h in &hits {
            while let Some(&&((level, id), tier)) = pending.peek() {
                if tier >= h.tier {
                    break;
                }
                self.list.push(Found::Cluster(level, id));
                pending.next();
            }
            self.list.push(Found::Entity(h.entity));
        }
        self.list.extend(pending.map(|&((level, id), _)| Found::Cluster(level, id)));
        self.active = if self.rows() == 0 { None } else { Some(0) };
        self.open = !self.text.trim().is_empty();
        self.runs += 1;
    }

    /// Whether focusing the box should search again: there is text but no hits (the list was
    /// closed, or the text came from a link).
    pub fn wants_rerun(&self) -> bool {
        !self.text.trim().is_empty() && self.rows() == 0
    }

    /// Rows in the list.
    pub fn rows(&self) -> usize {
        self.list.len()
    }

    /// Row `k` of the list.
    pub fn row(&self, k: usize) -> Option<Found> {
        self.list.get(k).copied()
    }

    /// Moves the active row by `delta`, wrapping around; `false` when there are no hits.
    pub fn move_active(&mut self, delta: i32) -> bool {
        if self.rows() == 0 {
            return false;
        }
        let n = self.rows() as i32;
        self.active = Some(match self.active {
            Some(k) => (k as i32 + delta).rem_euclid(n) as usize,
            None => 0,
        });
        true
    }

    /// The row Enter opens: the active row, else the first.
    pub fn chosen(&self) -> Option<Found> {
        self.row(self.active.unwrap_or(0))
    }

    /// Whether Escape has a list to close.
    pub fn is_open(&self) -> bool {
        self.open || self.rows() > 0
    }

    /// Closes the list, keeping the text.
    pub fn close(&mut self) {
        self.hits.clear();
        self.clusters.clear();
        self.list.clear();
        self.active = None;
        self.open = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> SearchIndex {
        let names = ["Casablanca", "Casino", "Cabaret", "Alien"];
        SearchIndex::new(names.len(), |i| names[i], &[10, 5, 3, 1])
    }

    #[test]
    fn typing_lists_matches_and_blank_text_closes() {
        let mut s = SearchState { text: "cas".into(), ..Default::default() };
        let mut idx = index();
        s.run(&mut idx, None);
        assert!(s.open);
        assert_eq!(s.hits.first(), Some(&0));
        assert!(s.hits.contains(&1) && !s.hits.contains(&3));
        assert_eq!((s.active, s.chosen()), (Some(0), Some(Found::Entity(0))));
        s.text = "  ".into();
        s.run(&mut idx, None);
        assert!(!s.open);
        assert_eq!(s.runs, 2);
    }

    #[test]
    fn the_active_row_wraps() {
        let mut s = SearchState { text: "ca".into(), ..Default::default() };
        s.run(&mut index(), None);
        let n = s.hits.len();
        assert!(n >= 2);
        assert!(s.move_active(-1));
        assert_eq!(s.active, Some(n - 1));
        assert!(s.move_active(1));
        assert_eq!(s.active, Some(0));
        assert_eq!(s.chosen(), s.hits.first().map(|&e| Found::Entity(e)));
    }

    #[test]
    fn cluster_names_are_listed_first() {
        let mut clusters = ClusterSearch::new(&[
            (0, 0, "Western · 1950s".into(), 400),
            (0, 1, "Casablanca, Casino".into(), 300),
            (1, 4, "Spaghetti westerns".into(), 40),
            (1, 5, "Alien films".into(), 40),
        ]);
        let mut s = SearchState { text: "western".into(), ..Default::default() };
        s.run(&mut index(), Some(&mut clusters));
        assert_eq!(s.clusters, vec![(0, 0), (1, 4)]);
        assert_eq!(s.chosen(), Some(Found::Cluster(0, 0)), "no entity matches: the clusters are the list");
        // A cluster matching as well as an entity comes after it: the film opens on Enter.
        s.text = "casa".into();
        s.run(&mut index(), Some(&mut clusters));
        assert_eq!(s.row(0), Some(Found::Entity(0)));
        assert_eq!(s.row(1), Some(Found::Cluster(0, 1)));
        // Words only a cluster has list the cluster.
        s.text = "alien f".into();
        s.run(&mut index(), Some(&mut clusters));
        assert_eq!(s.row(0), Some(Found::Cluster(1, 5)));
    }

    #[test]
    fn closing_keeps_the_text_and_focus_searches_again() {
        let mut s = SearchState { text: "alien".into(), ..Default::default() };
        assert!(s.wants_rerun());
        s.run(&mut index(), None);
        assert!(!s.wants_rerun() && s.is_open());
        s.close();
        assert!(!s.is_open() && !s.move_active(1) && s.chosen().is_none());
        assert_eq!(s.text, "alien");
        assert!(s.wants_rerun());
    }
}
