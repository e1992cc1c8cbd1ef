//! The search box's state: its text, the ranked hits, the active row and whether the list is
//! open. Ranking itself is `starmap_format::search::SearchIndex`.

use starmap_format::search::SearchIndex;

/// Search results shown.
pub const SEARCH_LIMIT: usize = 20;

/// What the search box shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchState {
    /// The text in the box.
    pub text: String,
    /// Matching entities, best first.
    pub hits: Vec<u32>,
    /// The row Enter opens.
    pub active: Option<usize>,
    /// Whether the list is shown.
    pub open: bool,
    /// Searches run so far (a probe for the benchmarks).
    pub runs: u64,
}

impl SearchState {
    /// Ranks the names against the text; the list opens unless the text is blank.
    pub fn run(&mut self, index: &mut SearchIndex) {
        self.hits = index.search(&self.text, SEARCH_LIMIT).into_iter().map(|h| h.entity).collect();
        self.active = if self.hits.is_empty() { None } else { Some(0) };
        self.open = !self.text.trim().is_empty();
        self.runs += 1;
    }

    /// Whether focusing the box should search again: there is text but no hits (the list was
    /// closed, or the text came from a link).
    pub fn wants_rerun(&self) -> bool {
        !self.text.trim().is_empty() && self.hits.is_empty()
    }

    /// Moves the active row by `delta`, wrapping around; `false` when there are no hits.
    pub fn move_active(&mut self, delta: i32) -> bool {
        if self.hits.is_empty() {
            return false;
        }
        let n = self.hits.len() as i32;
        self.active = Some(match self.active {
            Some(k) => (k as i32 + delta).rem_euclid(n) as usize,
            None => 0,
        });
        true
    }

    /// The hit Enter opens: the active row, else the first.
    pub fn chosen(&self) -> Option<u32> {
        self.hits.get(self.active.unwrap_or(0)).copied()
    }

    /// Whether Escape has a list to close.
    pub fn is_open(&self) -> bool {
        self.open || !self.hits.is_empty()
    }

    /// Closes the list, keeping the text.
    pub fn close(&mut self) {
        self.hits.clear();
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
        s.run(&mut idx);
        assert!(s.open);
        assert_eq!(s.hits.first(), Some(&0));
        assert!(s.hits.contains(&1) && !s.hits.contains(&3));
        assert_eq!((s.active, s.chosen()), (Some(0), Some(0)));
        s.text = "  ".into();
        s.run(&mut idx);
        assert!(!s.open);
        assert_eq!(s.runs, 2);
    }

    #[test]
    fn the_active_row_wraps() {
        let mut s = SearchState { text: "ca".into(), ..Default::default() };
        s.run(&mut index());
        let n = s.hits.len();
        assert!(n >= 2);
        assert!(s.move_active(-1));
        assert_eq!(s.active, Some(n - 1));
        assert!(s.move_active(1));
        assert_eq!(s.active, Some(0));
        assert_eq!(s.chosen(), s.hits.first().copied());
    }

    #[test]
    fn closing_keeps_the_text_and_focus_searches_again() {
        let mut s = SearchState { text: "alien".into(), ..Default::default() };
        assert!(s.wants_rerun());
        s.run(&mut index());
        assert!(!s.wants_rerun() && s.is_open());
        s.close();
        assert!(!s.is_open() && !s.move_active(1) && s.chosen().is_none());
        assert_eq!(s.text, "alien");
        assert!(s.wants_rerun());
    }
}
