//! The container every `.bin` file shares: a fixed 16-byte header, a table of sections, then the
//! section payloads, each starting on a 4-byte boundary so a reader can view them as typed arrays.
//!
//! ```text
//! header   magic "STAR" | version u16 | reserved u16 | entity count u32 | section count u32
//! table    per section: kind u16 | reserved u16 | index u32 | offset u32 | length u32
//! payload  sections at their offsets (from the file start), zero padding between them
//! ```
//! All integers are little-endian.

use crate::{FormatError, FORMAT_VERSION};

/// The first four bytes of every Starmap binary file.
pub const MAGIC: [u8; 4] = *b"STAR";
/// Size of the fixed file header in bytes.
pub const HEADER_LEN: usize = 16;
/// Size of one section-table entry in bytes.
pub const SECTION_ENTRY_LEN: usize = 16;
/// `index` value of a section that belongs to no column, layout or pair.
const NO_COLUMN: u32 = u32::MAX;

/// What a section holds. The numeric values are part of the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum SectionKind {
    /// Quantised 2D positions of one layout (the section's index): `n` × (x u16, y u16).
    Positions = 1,
    /// Per-entity popularity (number of contexts): `n` × u32.
    Popularity = 2,
    /// High-dimensional nearest neighbours: k u32, then `n` × k u32.
    Neighbors = 3,
    /// Entity ids as text (offsets + UTF-8).
    Ids = 4,
    /// A numeric metadata column: `n` × f32, NaN for missing.
    Numeric = 5,
    /// A categorical column: dictionary + `n` × u16 codes.
    Categorical = 6,
    /// A multi-valued categorical column ("Drama, Comedy"): dictionary + per-entity code lists.
    Tags = 7,
    /// A free-text column (offsets + UTF-8).
    Text = 8,
    /// Point size keys, popularity on a log scale across the manifest's `popularity_range`:
    /// `n` × u8.
    SizeKeys = 9,
    /// How a layout pair (the section's index, see `pair_index`) changes each entity's
    /// neighbourhood: `n` × u8, how many of its 10 nearest 2D neighbours in one layout are not
    /// among its 10 nearest in the other (0–10).
    NeighborhoodChange = 10,
    /// Each entity's cluster at one level of the cluster hierarchy (the section's index, 0 the
    /// coarsest): `n` × u16, an index into that level's clusters in the manifest.
    ClusterIds = 11,
}

impl SectionKind {
    fn from_u16(v: u16) -> Option<Self> {
        Some(match v {
            1 => Self::Positions,
            2 => Self::Popularity,
            3 => Self::Neighbors,
            4 => Self::Ids,
            5 => Self::Numeric,
            6 => Self::Categorical,
            7 => Self::Tags,
            8 => Self::Text,
            9 => Self::SizeKeys,
            10 => Self::NeighborhoodChange,
            11 => Self::ClusterIds,
            _ => return None,
        })
    }
}

/// One section of a parsed file, borrowing the file's bytes.
#[derive(Debug, Clone, Copy)]
pub struct Section<'a> {
    /// What the section holds.
    pub kind: SectionKind,
    /// The manifest column (metadata sections), layout (positions), layout pair
    /// (neighbourhood change) or cluster level (cluster ids) it belongs to, if any.
    pub column: Option<u32>,
    /// The payload.
    pub bytes: &'a [u8],
}

/// A parsed and bounds-checked Starmap binary file.
#[derive(Debug, Clone)]
pub struct FileReader<'a> {
    entity_count: u32,
    sections: Vec<Section<'a>>,
}

pub(crate) fn read_u16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

pub(crate) fn read_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl<'a> FileReader<'a> {
    /// Parses the header and section table and checks every section lies inside `data`.
    /// `name` (a file name) is only used in error messages.
    pub fn parse(data: &'a [u8], name: &str) -> Result<Self, FormatError> {
        if data.len() < HEADER_LEN {
            if data.len() >= 4 && data[..4] != MAGIC {
                return Err(FormatError::BadMagic { found: [data[0], data[1], data[2], data[3]] });
            }
            return Err(FormatError::Truncated {
                what: format!("{name} header"),
                needed: HEADER_LEN,
                available: data.len(),
            });
        }
        let magic = [data[0], data[1], data[2], data[3]];
        if magic != MAGIC {
            return Err(FormatError::BadMagic { found: magic });
        }
        let version = read_u16(data, 4);
        if version != FORMAT_VERSION {
            return Err(FormatError::UnsupportedVersion { found: version, supported: FORMAT_VERSION });
        }
        let entity_count = read_u32(data, 8);
        let section_count = read_u32(data, 12) as usize;
        let table_end = section_count
            .checked_mul(SECTION_ENTRY_LEN)
            .and_then(|t| t.checked_add(HEADER_LEN))
            .ok_or_else(|| FormatError::Corrupt(format!("{name}: absurd section count {section_count}")))?;
        if data.len() < table_end {
            return Err(FormatError::Truncated {
                what: format!("{name} section table"),
                needed: table_end,
                available: data.len(),
            });
        }
        let mut sections = Vec::with_capacity(section_count);
        for s in 0..section_count {
            let at = HEADER_LEN + s * SECTION_ENTRY_LEN;
            let raw_kind = read_u16(data, at);
            let column = read_u32(data, at + 4);
            let offset = read_u32(data, at + 8) as usize;
            let len = read_u32(data, at + 12) as usize;
            let end = offset
                .checked_add(len)
                .filter(|_| offset >= table_end)
                .ok_or_else(|| FormatError::Corrupt(format!("{name}: section {s} has a bad offset {offset}")))?;
            if end > data.len() {
                return Err(FormatError::Truncated {
                    what: format!("{name} section {s} (kind {raw_kind})"),
                    needed: end,
                    available: data.len(),
                });
            }
            // Kinds added by later minor revisions are skipped, so old readers keep working.
            let Some(kind) = SectionKind::from_u16(raw_kind) else { continue };
            sections.push(Section { kind, column: (column != NO_COLUMN).then_some(column), bytes: &data[offset..end] });
        }
        Ok(Self { entity_count, sections })
    }

    /// Number of entities every per-entity section in this file describes.
    pub fn entity_count(&self) -> u32 {
        self.entity_count
    }

    /// All sections in file order.
    pub fn sections(&self) -> &[Section<'a>] {
        &self.sections
    }

    /// The first section of `kind` (and `column`, where given).
    pub fn find(&self, kind: SectionKind, column: Option<u32>) -> Result<Section<'a>, FormatError> {
        self.sections.iter().find(|s| s.kind == kind && (column.is_none() || s.column == column)).copied().ok_or_else(
            || match column {
                Some(c) => FormatError::MissingSection(format!("{kind:?} for column {c}")),
                None => FormatError::MissingSection(format!("{kind:?}")),
            },
        )
    }
}

/// Collects sections and lays them out as one file.
#[derive(Debug, Default, Clone)]
pub struct FileWriter {
    entity_count: u32,
    sections: Vec<(SectionKind, u32, Vec<u8>)>,
}

impl FileWriter {
    /// A file describing `entity_count` entities.
    pub fn new(entity_count: u32) -> Self {
        Self { entity_count, sections: Vec::new() }
    }

    /// Appends a section; `column` is the manifest column, layout, layout pair or cluster level
    /// it belongs to.
    pub fn push(&mut self, kind: SectionKind, column: Option<u32>, payload: Vec<u8>) -> &mut Self {
        self.sections.push((kind, column.unwrap_or(NO_COLUMN), payload));
        self
    }

    /// The finished file. Fails only if a section would start beyond 4 GiB.
    pub fn to_bytes(&self) -> Result<Vec<u8>, FormatError> {
        let table_end = HEADER_LEN + self.sections.len() * SECTION_ENTRY_LEN;
        let total: usize = table_end + self.sections.iter().map(|(_, _, p)| p.len().next_multiple_of(4)).sum::<usize>();
        if total > u32::MAX as usize {
            return Err(FormatError::Corrupt(format!("file would be {total} bytes, over the 4 GiB limit")));
        }
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&self.entity_count.to_le_bytes());
        out.extend_from_slice(&(self.sections.len() as u32).to_le_bytes());
        debug_assert_eq!(out.len(), HEADER_LEN);
        let mut offset = table_end;
        for (kind, column, payload) in &self.sections {
            out.extend_from_slice(&(*kind as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(&column.to_le_bytes());
            out.extend_from_slice(&(offset as u32).to_le_bytes());
            out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            offset += payload.len().next_multiple_of(4);
        }
        for (_, _, payload) in &self.sections {
            out.extend_from_slice(payload);
            out.resize(out.len().next_multiple_of(4), 0);
        }
        debug_assert_eq!(out.len(), total);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut w = FileWriter::new(3);
        w.push(SectionKind::Popularity, None, vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        w.push(SectionKind::Text, Some(2), vec![9, 9, 9]);
        w.to_bytes().unwrap()
    }

    #[test]
    fn header_is_sixteen_bytes_and_sections_are_aligned() {
        let bytes = sample();
        assert_eq!(&bytes[..4], b"STAR");
        let r = FileReader::parse(&bytes, "t.bin").unwrap();
        assert_eq!(r.entity_count(), 3);
        assert_eq!(r.sections().len(), 2);
        let text = r.find(SectionKind::Text, Some(2)).unwrap();
        assert_eq!(text.bytes, &[9, 9, 9]);
        assert_eq!(text.column, Some(2));
        assert!(r.find(SectionKind::Text, Some(1)).is_err());
        assert!(r.find(SectionKind::Popularity, None).unwrap().column.is_none());
        for s in r.sections() {
            let off = s.bytes.as_ptr() as usize - bytes.as_ptr() as usize;
            assert_eq!(off % 4, 0);
        }
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let bytes = sample();
        // Only the last section's padding byte may go missing; any shorter cut loses data.
        let data_end = bytes.len() - 1;
        for cut in 0..data_end {
            assert!(FileReader::parse(&bytes[..cut], "t.bin").is_err(), "cut at {cut} accepted");
        }
        assert!(FileReader::parse(&bytes[..data_end], "t.bin").is_ok());
        assert!(matches!(FileReader::parse(&bytes[..10], "t.bin"), Err(FormatError::Truncated { .. })));
    }

    #[test]
    fn wrong_magic_and_version_are_named() {
        let mut bytes = sample();
        bytes[0] = b'X';
        assert!(matches!(FileReader::parse(&bytes, "t.bin"), Err(FormatError::BadMagic { .. })));
        let mut bytes = sample();
        bytes[4] = 7;
        let err = FileReader::parse(&bytes, "t.bin").unwrap_err();
        assert_eq!(err, FormatError::UnsupportedVersion { found: 7, supported: FORMAT_VERSION });
        let msg = err.to_string();
        assert!(msg.contains('7') && msg.contains(&FORMAT_VERSION.to_string()), "{msg}");
    }

    #[test]
    fn offsets_pointing_into_the_header_are_corrupt() {
        let mut bytes = sample();
        bytes[HEADER_LEN + 8..HEADER_LEN + 12].copy_from_slice(&4u32.to_le_bytes());
        assert!(matches!(FileReader::parse(&bytes, "t.bin"), Err(FormatError::Corrupt(_))));
    }
}
