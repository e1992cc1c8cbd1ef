//! Words and command lines a shell accepts: quoting, and how to call this `starmap`.

use std::path::Path;

/// `s` as one shell word: as it is when that is safe, else in single quotes.
pub fn shell_quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-.,/:@%+=".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A path as one shell word.
pub fn quote_path(p: &Path) -> String {
    shell_quote(&p.to_string_lossy())
}

/// How to run this `starmap` from a shell: `starmap` when that is this binary on PATH, else its
/// full path (after `cargo run` it is not on PATH until `cargo install --path builder`).
pub fn starmap_command() -> (String, bool) {
    let Ok(exe) = std::env::current_exe().and_then(|e| e.canonicalize()) else {
        return ("starmap".into(), true);
    };
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| dir.join("starmap").canonicalize().is_ok_and(|p| p == exe))
    });
    if on_path {
        ("starmap".into(), true)
    } else {
        (quote_path(&exe), false)
    }
}

/// The hint printed once when `starmap` is not on PATH.
pub const NOT_ON_PATH: &str =
    "(this starmap is not on your PATH: `cargo install --path builder` from the repository installs it)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_the_shell_needs_it() {
        assert_eq!(shell_quote("docs/example/plays.csv"), "docs/example/plays.csv");
        assert_eq!(shell_quote("What our listeners play"), "'What our listeners play'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote(";"), "';'");
        assert_eq!(shell_quote("Films × cast"), "'Films × cast'");
    }
}
