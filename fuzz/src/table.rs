//! Target `table`: the delimited-text reader (`starmap_core::table`) on arbitrary bytes. The
//! first input byte picks the dialect (comma, tab, semicolon or pipe; quoting on or off;
//! multi-line fields allowed or not); the rest is the file, gzip included when it starts with
//! gzip's magic bytes. Every field of every row is read, as the interactions and metadata
//! readers do, and every error must carry a location.

use starmap_core::table::{Dialect, TableReader};

const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// Header, rows and the dialect byte of a few valid tables: the seeds.
pub fn seeds() -> Vec<Vec<u8>> {
    let tables: [(u8, &str); 5] = [
        (0, "user,item,plays\nana,Radiohead,120\nana,\"Björk, live\",3\nben,Portishead,40\n"),
        (1, "film\tactor\ntt001\t\"Weird Al\" Yankovic\ntt002\tAnna Karina\n"),
        (0x10, "id,title,notes\n1,Amélie,\"two\nlines\"\n2,\"quoted \"\"inner\"\"\",plain\n"),
        (2, "\u{feff}id;genre\na;rock, pop\nb;\n"),
        (0x08, "a|b\n1|2\n3\n"),
    ];
    tables.iter().map(|(head, text)| [&[*head][..], text.as_bytes()].concat()).collect()
}

/// Runs one input. Errors are fine; a panic, a hang or unbounded memory is a finding.
pub fn run(data: &[u8]) {
    let Some((&head, body)) = data.split_first() else { return };
    let delimiter = DELIMITERS[(head & 3) as usize];
    let dialect = Dialect { delimiter, quoting: head & 0x08 == 0 };
    let allow_multiline = head & 0x10 != 0;
    let mut table = match TableReader::from_reader("fuzz.csv", body, dialect, allow_multiline) {
        Ok(t) => t,
        Err(e) => return located(&e),
    };
    let width = table.headers().len();
    let mut total = 0usize;
    loop {
        match table.next_row() {
            Ok(Some(row)) => {
                for i in 0..width {
                    match row.str(i) {
                        Ok(s) => total += s.len(),
                        Err(e) => return located(&e),
                    }
                }
            }
            Ok(None) => break,
            Err(e) => return located(&e),
        }
    }
    std::hint::black_box(total);
}

/// Errors about the input name the file (and usually the line): a message without the source
/// would leave the user guessing.
fn located(e: &starmap_core::BuildError) {
    let msg = e.to_string();
    assert!(msg.starts_with("fuzz.csv"), "an error that does not say where: {msg}");
}
