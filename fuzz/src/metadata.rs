//! Target `metadata`: the metadata reader and its column-kind inference
//! (`starmap_core::metadata`) on arbitrary CSV. The ids of the first column become the
//! entities, so rows really join; every inferred column must then be well-formed and survive
//! the map format's encode → decode round trip unchanged.

use starmap_core::metadata::MetadataReader;
use starmap_core::table::{Dialect, TableReader};
use starmap_format::{
    decode_categorical, decode_numeric, decode_tags, decode_text, encode_categorical, encode_numeric, encode_tags,
    encode_text, ColumnValues, MISSING_CODE,
};

/// Most entities taken from an input (keeps one execution short).
const MAX_IDS: usize = 4096;

/// A few small metadata files, one per column kind and label rule: the seeds.
pub fn seeds() -> Vec<Vec<u8>> {
    [
        "artist,country,formed,genre\nRadiohead,UK,1985,\"rock, alternative\"\nBjörk,Iceland,1977,\"electronic, pop\"\nPortishead,UK,1991,trip-hop\nBlur,UK,1988,\"rock, britpop\"\nSigur Rós,Iceland,1994,post-rock\n",
        "imdb_id,title,year,genres\ntt001,Casablanca,1942,\"Drama, Romance\"\ntt002,Vertigo,1958,\"Mystery; Thriller\"\ntt003,,,\ntt001,Duplicate,1,x\n",
        "id,score,kind\n1,0.5,a\n2,,b\n3,1e3,a\n4,-2,c\n5,NaN,a\n",
        "id|tags\n1|a|b\n",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

fn dialect() -> Dialect {
    Dialect { delimiter: b',', quoting: true }
}

/// Runs one input. Errors are fine; a panic, a hang, unbounded memory or a column that does not
/// round-trip is a finding.
pub fn run(data: &[u8]) {
    // First pass: the ids, as the interactions would provide them.
    let Ok(mut table) = TableReader::from_reader("ids.csv", data, dialect(), true) else { return };
    let mut ids: Vec<String> = Vec::new();
    while let Ok(Some(row)) = table.next_row() {
        if let Ok(id) = row.str(0) {
            if !id.is_empty() && ids.len() < MAX_IDS {
                ids.push(id.to_string());
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    // Second pass: the reader proper.
    let Ok(table) = TableReader::from_reader("meta.csv", data, dialect(), true) else { return };
    let Some(id_col) = table.headers().first().cloned() else { return };
    let Ok(reader) = MetadataReader::new(table, &id_col, None) else { return };
    let Ok(meta) = reader.read(&ids) else { return };
    let n = ids.len();
    if let Some(l) = meta.label_column {
        assert!(matches!(meta.columns[l].values, ColumnValues::Text(_)), "the label column is not text");
    }
    for col in &meta.columns {
        round_trip(&col.name, &col.values, n);
    }
}

/// Checks a column's shape and that the format stores and returns it exactly.
fn round_trip(name: &str, values: &ColumnValues, n: usize) {
    match values {
        ColumnValues::Numeric(v) => {
            assert_eq!(v.len(), n, "{name}: numeric length");
            let back = decode_numeric(&encode_numeric(v), n).expect("numeric round trip");
            assert!(back.iter().zip(v).all(|(a, b)| a.to_bits() == b.to_bits()), "{name}: numeric values changed");
        }
        ColumnValues::Categorical(c) => {
            assert_eq!(c.codes.len(), n, "{name}: categorical length");
            assert!(
                c.codes.iter().all(|&k| k == MISSING_CODE || (k as usize) < c.categories.len()),
                "{name}: a code outside the dictionary"
            );
            assert_eq!(&decode_categorical(&encode_categorical(c), n).expect("categorical round trip"), c);
        }
        ColumnValues::Tags(t) => {
            assert_eq!(t.offsets.len(), n + 1, "{name}: tags offsets");
            assert!(t.codes.iter().all(|&k| (k as usize) < t.categories.len()), "{name}: a tag outside the dictionary");
            assert_eq!(&decode_tags(&encode_tags(t), n).expect("tags round trip"), t);
        }
        ColumnValues::Text(t) => {
            assert_eq!(t.len(), n, "{name}: text length");
            assert_eq!(&decode_text(&encode_text(t), n).expect("text round trip"), t);
        }
    }
}
