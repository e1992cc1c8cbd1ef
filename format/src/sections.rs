//! Encoders and validating decoders for each section kind. Decoders never trust a count or an
//! offset: every one is checked against the bytes present and the entity count, so a corrupt
//! file becomes a [`FormatError`] instead of a panic or an out-of-bounds read.

use crate::container::{read_u16, read_u32};
use crate::pause::{self, NoPause, Pause};
use crate::FormatError;

/// Code of a missing value in categorical columns.
pub const MISSING_CODE: u16 = u16::MAX;
/// Padding value in a neighbour list shorter than k.
pub const NO_NEIGHBOR: u32 = u32::MAX;

fn need(what: &str, bytes: &[u8], needed: usize) -> Result<(), FormatError> {
    if bytes.len() < needed {
        Err(FormatError::Truncated { what: what.to_string(), needed, available: bytes.len() })
    } else {
        Ok(())
    }
}

/// `start + count × each` bytes, or an error when that overflows `usize` (a corrupt count on a
/// 32-bit target such as wasm32, where it would otherwise wrap and pass the length check).
fn span(what: &str, start: usize, count: usize, each: usize) -> Result<usize, FormatError> {
    count
        .checked_mul(each)
        .and_then(|b| b.checked_add(start))
        .ok_or_else(|| FormatError::Corrupt(format!("{what}: {count} items of {each} bytes cannot fit in memory")))
}

fn u32s(bytes: &[u8], at: usize, count: usize) -> Vec<u32> {
    (0..count).map(|i| read_u32(bytes, at + 4 * i)).collect()
}

fn u16s(bytes: &[u8], at: usize, count: usize) -> Vec<u16> {
    (0..count).map(|i| read_u16(bytes, at + 2 * i)).collect()
}

fn pad4(out: &mut Vec<u8>) {
    out.resize(out.len().next_multiple_of(4), 0);
}

/// Quantised positions, interleaved `x0, y0, x1, y1, …`.
pub fn encode_positions(xy: &[u16]) -> Vec<u8> {
    xy.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Decodes `n` interleaved quantised positions.
pub fn decode_positions(bytes: &[u8], n: usize) -> Result<Vec<u16>, FormatError> {
    need("positions", bytes, span("positions", 0, n, 4)?)?;
    Ok(u16s(bytes, 0, 2 * n))
}

/// Per-entity popularity counts.
pub fn encode_popularity(pop: &[u32]) -> Vec<u8> {
    pop.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Decodes `n` popularity counts.
pub fn decode_popularity(bytes: &[u8], n: usize) -> Result<Vec<u32>, FormatError> {
    need("popularity", bytes, span("popularity", 0, n, 4)?)?;
    Ok(u32s(bytes, 0, n))
}

/// One byte per entity (size keys, neighbourhood change).
pub fn encode_bytes(values: &[u8]) -> Vec<u8> {
    values.to_vec()
}

/// Decodes `n` bytes, each at most `max`.
pub fn decode_bytes(bytes: &[u8], n: usize, max: u8, what: &str) -> Result<Vec<u8>, FormatError> {
    need(what, bytes, n)?;
    let values = bytes[..n].to_vec();
    match values.iter().find(|&&v| v > max) {
        Some(bad) => Err(FormatError::Corrupt(format!("{what}: value {bad} is over {max}"))),
        None => Ok(values),
    }
}

/// Each entity's cluster at one level.
pub fn encode_cluster_ids(ids: &[u16]) -> Vec<u8> {
    ids.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Decodes `n` cluster ids, each below `count` (the level's clusters).
pub fn decode_cluster_ids(bytes: &[u8], n: usize, count: usize) -> Result<Vec<u16>, FormatError> {
    need("cluster ids", bytes, span("cluster ids", 0, n, 2)?)?;
    let ids = u16s(bytes, 0, n);
    match ids.iter().find(|&&c| c as usize >= count) {
        Some(bad) => Err(FormatError::Corrupt(format!("cluster ids: id {bad} but the level has {count} clusters"))),
        None => Ok(ids),
    }
}

/// A numeric column; NaN marks a missing value.
pub fn encode_numeric(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Decodes `n` numeric values.
pub fn decode_numeric(bytes: &[u8], n: usize) -> Result<Vec<f32>, FormatError> {
    need("numeric column", bytes, span("numeric column", 0, n, 4)?)?;
    Ok((0..n).map(|i| f32::from_bits(read_u32(bytes, 4 * i))).collect())
}

/// Each entity's nearest neighbours in the high-dimensional embedding, nearest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbors {
    /// Neighbours stored per entity.
    pub k: usize,
    /// `n × k` entity indices, [`NO_NEIGHBOR`] padding short lists.
    pub indices: Vec<u32>,
}

impl Neighbors {
    /// Number of entities (rows).
    pub fn n(&self) -> usize {
        self.indices.len().checked_div(self.k).unwrap_or(0)
    }

    /// Entity `i`'s row of `k` indices, padding included.
    pub fn row(&self, i: usize) -> &[u32] {
        &self.indices[i * self.k..(i + 1) * self.k]
    }

    /// The neighbours of entity `i`, nearest first, without padding.
    pub fn of(&self, i: usize) -> impl Iterator<Item = u32> + '_ {
        self.row(i).iter().copied().take_while(|&j| j != NO_NEIGHBOR)
    }
}

/// Encodes neighbour lists (`indices.len()` must be `n × k`).
pub fn encode_neighbors(k: usize, indices: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + indices.len() * 4);
    out.extend_from_slice(&(k as u32).to_le_bytes());
    out.extend(indices.iter().flat_map(|v| v.to_le_bytes()));
    out
}

/// Decodes neighbour lists for `n` entities, checking every index is below `n`.
pub fn decode_neighbors(bytes: &[u8], n: usize) -> Result<Neighbors, FormatError> {
    pause::run(decode_neighbors_paused(bytes, n, &mut NoPause))
}

/// [`decode_neighbors`], pausing at `pause` every few thousand entities (ten million indices
/// at a million entities: the viewer decodes them between frames).
pub async fn decode_neighbors_paused(bytes: &[u8], n: usize, pause: &mut impl Pause) -> Result<Neighbors, FormatError> {
    need("neighbours header", bytes, 4)?;
    let k = read_u32(bytes, 0) as usize;
    if k > 4096 {
        return Err(FormatError::Corrupt(format!("neighbour count {k} is implausible")));
    }
    need("neighbour lists", bytes, span("neighbour lists", 4, n, k * 4)?)?;
    let mut indices = Vec::with_capacity(n * k);
    for i in 0..n {
        pause::at(pause, i).await;
        let row = &bytes[4 + i * k * 4..4 + (i + 1) * k * 4];
        for b in row.chunks_exact(4) {
            let j = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            if j != NO_NEIGHBOR && j as usize >= n {
                return Err(FormatError::Corrupt(format!("neighbour index {j} is not below the entity count {n}")));
            }
            indices.push(j);
        }
    }
    Ok(Neighbors { k, indices })
}

/// A text column: entity `i`'s value is `text[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextColumn {
    offsets: Vec<u32>,
    text: String,
}

impl TextColumn {
    /// Builds a column from values, in entity order.
    pub fn from_values<S: AsRef<str>>(values: &[S]) -> Self {
        let mut offsets = Vec::with_capacity(values.len() + 1);
        let mut text = String::new();
        offsets.push(0);
        for v in values {
            text.push_str(v.as_ref());
            offsets.push(text.len() as u32);
        }
        Self { offsets, text }
    }

    /// The value of entity `i` (empty for a missing value).
    pub fn get(&self, i: usize) -> &str {
        &self.text[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether the column has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Iterates the values in entity order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

fn encode_strings(out: &mut Vec<u8>, col: &TextColumn) {
    out.extend(col.offsets.iter().flat_map(|v| v.to_le_bytes()));
    out.extend_from_slice(col.text.as_bytes());
    pad4(out);
}

/// Reads the `count + 1` offsets at `at` that split a concatenation into `count` items;
/// returns them and where they end. They must start at 0 and never decrease.
fn read_offsets(bytes: &[u8], at: usize, count: usize, what: &str) -> Result<(Vec<u32>, usize), FormatError> {
    // `at` lies inside `bytes`, so `at + 4` cannot overflow.
    let end = span(what, at + 4, count, 4)?;
    need(what, bytes, end)?;
    let offsets = u32s(bytes, at, count + 1);
    if offsets[0] != 0 || offsets.windows(2).any(|w| w[0] > w[1]) {
        return Err(FormatError::Corrupt(format!("{what}: offsets are not increasing")));
    }
    Ok((offsets, end))
}

/// Reads `count` strings stored as offsets + UTF-8 at `at`; returns the column and the aligned
/// end position.
fn decode_strings(bytes: &[u8], at: usize, count: usize, what: &str) -> Result<(TextColumn, usize), FormatError> {
    let (offsets, offsets_end) = read_offsets(bytes, at, count, what)?;
    let text_len = offsets[count] as usize;
    need(what, bytes, span(what, offsets_end, text_len, 1)?)?;
    let mut text = String::with_capacity(text_len);
    push_run(&mut text, &bytes[offsets_end..offsets_end + text_len], &offsets, what)?;
    let end = (offsets_end + text_len).next_multiple_of(4);
    Ok((TextColumn { offsets, text }, end))
}

/// [`decode_strings`], pausing every [`pause::EVERY`] strings. The text is checked a run of
/// strings at a time: each run valid UTF-8 on its own, and every offset inside it on a character
/// boundary, is the same as the whole text valid with every offset on a boundary. (The viewer
/// builds only this one for its names; the one above, for short dictionaries, is not generic.)
async fn decode_strings_paused(
    bytes: &[u8],
    at: usize,
    count: usize,
    what: &str,
    pause: &mut impl Pause,
) -> Result<(TextColumn, usize), FormatError> {
    let (offsets, offsets_end) = read_offsets(bytes, at, count, what)?;
    let text_len = offsets[count] as usize;
    need(what, bytes, span(what, offsets_end, text_len, 1)?)?;
    let raw = &bytes[offsets_end..offsets_end + text_len];
    let mut text = String::with_capacity(text_len);
    for first in (0..count.max(1)).step_by(pause::EVERY) {
        pause.tick().await;
        push_run(&mut text, raw, &offsets[first..=(first + pause::EVERY).min(count)], what)?;
    }
    let end = (offsets_end + text_len).next_multiple_of(4);
    Ok((TextColumn { offsets, text }, end))
}

/// Checks the strings between `offsets` (first to last) of `raw` and appends them to `text`.
/// Not generic, so the paused decoder's instances share it.
fn push_run(text: &mut String, raw: &[u8], offsets: &[u32], what: &str) -> Result<(), FormatError> {
    let (lo, hi) = (offsets[0] as usize, offsets[offsets.len() - 1] as usize);
    let run = std::str::from_utf8(&raw[lo..hi])
        .map_err(|e| FormatError::Corrupt(format!("{what}: invalid UTF-8 or an offset splitting a character ({e})")))?;
    if let Some(bad) = offsets.iter().find(|&&o| !run.is_char_boundary(o as usize - lo)) {
        return Err(FormatError::Corrupt(format!("{what}: offset {bad} splits a character")));
    }
    text.push_str(run);
    Ok(())
}

/// Encodes a text column (also used for ids).
pub fn encode_text(col: &TextColumn) -> Vec<u8> {
    let mut out = Vec::with_capacity((col.len() + 1) * 4 + col.text.len() + 3);
    encode_strings(&mut out, col);
    out
}

/// Decodes a text column of `n` values.
pub fn decode_text(bytes: &[u8], n: usize) -> Result<TextColumn, FormatError> {
    Ok(decode_strings(bytes, 0, n, "text column")?.0)
}

/// [`decode_text`], pausing every [`pause::EVERY`] values.
pub async fn decode_text_paused(bytes: &[u8], n: usize, pause: &mut impl Pause) -> Result<TextColumn, FormatError> {
    Ok(decode_strings_paused(bytes, 0, n, "text column", pause).await?.0)
}

/// A single-valued categorical column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Categorical {
    /// The distinct values; a code is an index into this list.
    pub categories: Vec<String>,
    /// One code per entity, [`MISSING_CODE`] for missing.
    pub codes: Vec<u16>,
}

fn encode_dictionary(out: &mut Vec<u8>, categories: &[String]) {
    out.extend_from_slice(&(categories.len() as u32).to_le_bytes());
    encode_strings(out, &TextColumn::from_values(categories));
}

fn decode_dictionary(bytes: &[u8], what: &str) -> Result<(Vec<String>, usize), FormatError> {
    need(what, bytes, 4)?;
    let count = read_u32(bytes, 0) as usize;
    if count >= MISSING_CODE as usize {
        return Err(FormatError::Corrupt(format!("{what}: {count} categories exceed the u16 code space")));
    }
    let (dict, end) = decode_strings(bytes, 4, count, what)?;
    Ok((dict.iter().map(str::to_string).collect(), end))
}

fn check_codes(codes: &[u16], count: usize, what: &str) -> Result<(), FormatError> {
    match codes.iter().find(|&&c| c != MISSING_CODE && c as usize >= count) {
        Some(bad) => Err(FormatError::Corrupt(format!("{what}: code {bad} but only {count} categories"))),
        None => Ok(()),
    }
}

/// Encodes a categorical column.
pub fn encode_categorical(col: &Categorical) -> Vec<u8> {
    let mut out = Vec::new();
    encode_dictionary(&mut out, &col.categories);
    out.extend(col.codes.iter().flat_map(|v| v.to_le_bytes()));
    out
}

/// Decodes a categorical column of `n` values.
pub fn decode_categorical(bytes: &[u8], n: usize) -> Result<Categorical, FormatError> {
    let what = "categorical column";
    let (categories, at) = decode_dictionary(bytes, what)?;
    need(what, bytes, span(what, at, n, 2)?)?;
    let codes = u16s(bytes, at, n);
    check_codes(&codes, categories.len(), what)?;
    Ok(Categorical { categories, codes })
}

/// A multi-valued categorical column: entity `i` holds `codes[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tags {
    /// The distinct values.
    pub categories: Vec<String>,
    /// `n + 1` offsets into `codes`.
    pub offsets: Vec<u32>,
    /// Codes of all entities, concatenated in entity order.
    pub codes: Vec<u16>,
}

impl Tags {
    /// The codes of entity `i`, in the order the data listed them.
    pub fn of(&self, i: usize) -> &[u16] {
        &self.codes[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// Encodes a multi-valued categorical column.
pub fn encode_tags(col: &Tags) -> Vec<u8> {
    let mut out = Vec::new();
    encode_dictionary(&mut out, &col.categories);
    out.extend(col.offsets.iter().flat_map(|v| v.to_le_bytes()));
    out.extend(col.codes.iter().flat_map(|v| v.to_le_bytes()));
    out
}

/// Decodes a multi-valued categorical column of `n` entities.
pub fn decode_tags(bytes: &[u8], n: usize) -> Result<Tags, FormatError> {
    let what = "tags column";
    let (categories, at) = decode_dictionary(bytes, what)?;
    let (offsets, codes_at) = read_offsets(bytes, at, n, what)?;
    let m = offsets[n] as usize;
    need(what, bytes, span(what, codes_at, m, 2)?)?;
    let codes = u16s(bytes, codes_at, m);
    check_codes(&codes, categories.len(), what)?;
    Ok(Tags { categories, offsets, codes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips_with_unicode_and_empty_values() {
        let col = TextColumn::from_values(&["Amélie", "", "東京物語", "<img src=x onerror=alert(1)>"]);
        let bytes = encode_text(&col);
        assert_eq!(bytes.len() % 4, 0);
        let back = decode_text(&bytes, 4).unwrap();
        assert_eq!(back, col);
        assert_eq!(back.get(2), "東京物語");
        assert_eq!(back.iter().count(), 4);
    }

    #[test]
    fn text_rejects_split_characters_and_bad_offsets() {
        let col = TextColumn::from_values(&["é", "x"]);
        let mut bytes = encode_text(&col);
        bytes[4..8].copy_from_slice(&1u32.to_le_bytes()); // inside "é"
        assert!(matches!(decode_text(&bytes, 2), Err(FormatError::Corrupt(_))));
        let mut bytes = encode_text(&col);
        bytes[4..8].copy_from_slice(&9u32.to_le_bytes()); // beyond the next offset
        assert!(decode_text(&bytes, 2).is_err());
    }

    /// Strings are checked a run of `EVERY` at a time: a character split inside a run, at the
    /// start of one, or bad UTF-8 in a later run is still refused, and a column longer than a
    /// run decodes whole.
    #[test]
    fn long_text_is_checked_across_runs() {
        let values: Vec<String> = (0..3 * pause::EVERY + 5).map(|i| format!("é{i}")).collect();
        let col = TextColumn::from_values(&values);
        let bytes = encode_text(&col);
        assert_eq!(decode_text(&bytes, values.len()).unwrap(), col);
        let offset_at = |i: usize| 4 * i;
        for i in [1, pause::EVERY, pause::EVERY + 1, 2 * pause::EVERY] {
            let mut bad = bytes.clone();
            let o = col.offsets[i] + 1; // inside the "é" the value starts with
            bad[offset_at(i)..offset_at(i) + 4].copy_from_slice(&o.to_le_bytes());
            let err = decode_text(&bad, values.len()).unwrap_err();
            assert!(matches!(err, FormatError::Corrupt(_)), "offset {i}: {err:?}");
        }
        let text_at = 4 * (values.len() + 1);
        let mut bad = bytes.clone();
        let last_run = text_at + col.offsets[3 * pause::EVERY] as usize;
        bad[last_run] = 0xff;
        assert!(decode_text(&bad, values.len()).is_err());
    }

    #[test]
    fn categorical_and_tags_round_trip() {
        let cat = Categorical { categories: vec!["a".into(), "bb".into()], codes: vec![1, 0, MISSING_CODE] };
        assert_eq!(decode_categorical(&encode_categorical(&cat), 3).unwrap(), cat);
        let tags =
            Tags { categories: vec!["Drama".into(), "Comedy".into()], offsets: vec![0, 2, 2, 3], codes: vec![0, 1, 1] };
        let back = decode_tags(&encode_tags(&tags), 3).unwrap();
        assert_eq!(back, tags);
        assert_eq!(back.of(0), &[0, 1]);
        assert!(back.of(1).is_empty());
    }

    #[test]
    fn out_of_range_codes_and_neighbours_are_corrupt() {
        let cat = Categorical { categories: vec!["a".into()], codes: vec![3] };
        assert!(matches!(decode_categorical(&encode_categorical(&cat), 1), Err(FormatError::Corrupt(_))));
        let bytes = encode_neighbors(2, &[1, NO_NEIGHBOR, 5, 0]);
        assert!(matches!(decode_neighbors(&bytes, 2), Err(FormatError::Corrupt(_))));
        let ok = decode_neighbors(&encode_neighbors(2, &[1, NO_NEIGHBOR, 0, 1]), 2).unwrap();
        assert_eq!(ok.of(0).collect::<Vec<_>>(), vec![1]);
        assert_eq!(ok.of(1).collect::<Vec<_>>(), vec![0, 1]);
    }

    #[test]
    fn cluster_ids_round_trip_and_stay_below_the_count() {
        let ids = [2u16, 0, 1, 2, 0];
        let bytes = encode_cluster_ids(&ids);
        assert_eq!(decode_cluster_ids(&bytes, 5, 3).unwrap(), ids);
        assert!(matches!(decode_cluster_ids(&bytes, 5, 2), Err(FormatError::Corrupt(_))));
        assert!(matches!(decode_cluster_ids(&bytes[..9], 5, 3), Err(FormatError::Truncated { .. })));
    }

    #[test]
    fn sizes_that_overflow_are_corrupt_not_wrapped() {
        // On wasm32 a u32 count times 4 overflows usize; the check must refuse, not wrap.
        assert!(matches!(span("x", 8, usize::MAX / 2, 4), Err(FormatError::Corrupt(_))));
        assert!(matches!(span("x", usize::MAX, 1, 1), Err(FormatError::Corrupt(_))));
        assert_eq!(span("x", 8, 3, 4), Ok(20));
    }

    #[test]
    fn every_decoder_reports_truncation() {
        let pos = encode_positions(&[1, 2, 3, 4]);
        assert_eq!(decode_positions(&pos, 2).unwrap(), vec![1, 2, 3, 4]);
        assert!(decode_positions(&pos[..7], 2).is_err());
        let num = encode_numeric(&[1.5, f32::NAN]);
        let back = decode_numeric(&num, 2).unwrap();
        assert_eq!(back[0], 1.5);
        assert!(back[1].is_nan());
        assert!(decode_numeric(&num[..7], 2).is_err());
        assert!(decode_popularity(&encode_popularity(&[1, 2]), 3).is_err());
        let cat = encode_categorical(&Categorical { categories: vec!["a".into()], codes: vec![0, 0] });
        for cut in 0..cat.len() {
            assert!(decode_categorical(&cat[..cut], 2).is_err(), "cut {cut}");
        }
        let tags = encode_tags(&Tags { categories: vec!["a".into()], offsets: vec![0, 1, 2], codes: vec![0, 0] });
        for cut in 0..tags.len() {
            assert!(decode_tags(&tags[..cut], 2).is_err(), "cut {cut}");
        }
    }
}
