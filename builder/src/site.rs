//! The static site around a map: the viewer bundle released into `web/release/` is embedded in
//! the binary at compile time (see `build.rs`) and written beside the map files, with the page
//! title and social-card description filled in. Also the `<iframe>` snippet for embedding.

use std::path::Path;

use starmap_core::{BuildError, Result};

include!(concat!(env!("OUT_DIR"), "/viewer_bundle.rs"));

/// Placeholders in `web/index.html` that a build fills in.
const TITLE: &str = "__STARMAP_TITLE__";
const DESCRIPTION: &str = "__STARMAP_DESCRIPTION__";

/// Escapes text for an HTML attribute or element body.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether this binary carries the viewer.
pub fn has_viewer() -> bool {
    VIEWER_FILES.iter().any(|(name, _)| *name == "index.html")
}

/// What to do about a binary built without the viewer.
pub fn no_viewer_error() -> BuildError {
    BuildError::Unusable(
        "this starmap binary was built without the viewer bundle (web/release is missing): \
         run `bash web/release.sh` and rebuild, or pass --data-only"
            .into(),
    )
}

/// The viewer's files, `index.html` filled in with `title` and `description`.
pub fn viewer_files(title: &str, description: &str) -> Result<Vec<(String, Vec<u8>)>> {
    if !has_viewer() {
        return Err(no_viewer_error());
    }
    Ok(VIEWER_FILES
        .iter()
        .map(|(name, bytes)| {
            if *name == "index.html" {
                let page = String::from_utf8_lossy(bytes)
                    .replace(TITLE, &html_escape(title))
                    .replace(DESCRIPTION, &html_escape(description));
                (name.to_string(), page.into_bytes())
            } else {
                (name.to_string(), bytes.to_vec())
            }
        })
        .collect())
}

/// A ready `<iframe>` for a blog post; `url` is where the site will be hosted.
pub fn iframe_snippet(url: &str, title: &str) -> String {
    format!(
        "<iframe src=\"{}?embed=1\" title=\"{}\" width=\"100%\" height=\"480\" style=\"border:0\" loading=\"lazy\" allowfullscreen></iframe>",
        html_escape(url),
        html_escape(title)
    )
}

/// A placeholder hosting URL for the snippet: the folder name under a site root.
pub fn example_url(out: &Path) -> String {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "map".into());
    format!("/maps/{name}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_escaped_into_the_page() {
        assert_eq!(html_escape("<b>\"Tom & Jerry's\"</b>"), "&lt;b&gt;&quot;Tom &amp; Jerry&#39;s&quot;&lt;/b&gt;");
        assert!(has_viewer(), "web/release holds no viewer bundle: run bash web/release.sh");
        let files = viewer_files("Films <1940>", "Who played with whom").unwrap();
        let index = files.iter().find(|(n, _)| n == "index.html").unwrap();
        let page = String::from_utf8_lossy(&index.1);
        assert!(page.contains("<title>Films &lt;1940&gt;</title>"), "{page}");
        assert!(page.contains("content=\"Who played with whom\""));
        assert!(!page.contains(TITLE) && !page.contains(DESCRIPTION));
        assert!(files.iter().any(|(n, _)| n.ends_with(".wasm")));
    }

    /// What a browser downloads for the viewer, gzip-compressed as servers send it.
    fn bundle_gzip_bytes() -> usize {
        use std::io::Write;
        VIEWER_FILES
            .iter()
            .map(|(_, bytes)| {
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                gz.write_all(bytes).and_then(|_| gz.finish()).map(|z| z.len()).unwrap_or(usize::MAX)
            })
            .sum()
    }

    #[test]
    fn viewer_bundle_stays_under_250_kb_gzipped() {
        // The budget of the whole viewer (wasm, JS glue, CSS, page) as served compressed: it is
        // what a reader of a blog post waits for before the first point appears.
        const BUDGET: usize = 250 * 1000;
        assert!(has_viewer(), "web/release holds no viewer bundle: run bash web/release.sh");
        let total = bundle_gzip_bytes();
        assert!(total <= BUDGET, "the viewer bundle is {total} bytes gzipped, over the {BUDGET}-byte budget");
    }

    #[test]
    fn snippet_is_an_embed_iframe() {
        let s = iframe_snippet("/maps/films/", "Films");
        assert!(s.starts_with("<iframe src=\"/maps/films/?embed=1\""), "{s}");
        assert_eq!(example_url(Path::new("out/films-map")), "/maps/films-map/");
    }
}
