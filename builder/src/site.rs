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

/// Standard base64 (RFC 4648, padded): how the single-file page carries binary files, as
/// `data:` URLs the browser decodes itself.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The name the glue exports as default (its init function): `export { x as default }` or
/// `export default x;`.
fn default_export(glue: &str) -> Option<String> {
    let ident = |s: &str| s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$') && !s.is_empty();
    glue.lines().find_map(|line| {
        let line = line.trim();
        if let Some(name) = line.strip_prefix("export default ") {
            let name = name.trim_end_matches(';').trim();
            return ident(name).then(|| name.to_string());
        }
        let inner = line.strip_prefix("export {")?.trim_end_matches(';').trim().strip_suffix('}')?;
        inner.split(',').find_map(|item| {
            let name = item.trim().strip_suffix(" as default")?.trim();
            ident(name).then(|| name.to_string())
        })
    })
}

/// The part of `page` from `start` through the next `end`, if both are there.
fn span(page: &str, start: &str, end: &str) -> Option<(usize, usize)> {
    let a = page.find(start)?;
    let b = a + page[a..].find(end)? + end.len();
    Some((a, b))
}

/// One self-contained page: the viewer (its script, its WebAssembly as a `data:` URL, its
/// styles) and every file of the map (`map_files`, as base64 in `<script
/// type="application/octet-stream" data-starmap-file=NAME>` elements the viewer reads instead
/// of fetching). It opens from disk, as an attachment or from a host that takes one file.
pub fn single_file_html(title: &str, description: &str, map_files: &[(String, Vec<u8>)]) -> Result<String> {
    let files = viewer_files(title, description)?;
    let find = |suffix: &str| files.iter().find(|(n, _)| n.ends_with(suffix)).map(|(_, b)| b);
    let unusable = |what: &str| {
        BuildError::Unusable(format!("the viewer bundle in this binary {what}: rebuild it with `bash web/release.sh`"))
    };
    let (Some(page), Some(glue), Some(wasm), Some(css)) =
        (find("index.html"), find(".js"), find("_bg.wasm"), find(".css"))
    else {
        return Err(unusable("lacks a file"));
    };
    let mut page = String::from_utf8_lossy(page).into_owned();
    let glue = String::from_utf8_lossy(glue);
    let css = String::from_utf8_lossy(css);
    // Inline text must not close its element early.
    if glue.to_ascii_lowercase().contains("</script") || css.to_ascii_lowercase().contains("</style") {
        return Err(unusable("cannot be inlined"));
    }
    let init = default_export(&glue).ok_or_else(|| unusable("has no init function"))?;
    // The module script trunk writes imports the glue and fetches the wasm: the glue goes inline,
    // the wasm comes from a data: URL (compiled as it streams in).
    let (a, b) = span(&page, "<script type=\"module\">", "</script>").ok_or_else(|| unusable("has no start script"))?;
    let script = format!(
        "<script type=\"module\">\n{glue}\nawait {init}({{ module_or_path: \"data:application/wasm;base64,{}\" }});\n</script>",
        base64(wasm)
    );
    page.replace_range(a..b, &script);
    // Styles inline; the stylesheet and preload links (their integrity hashes and URLs) go.
    let (a, b) = span(&page, "<link rel=\"stylesheet\"", ">").ok_or_else(|| unusable("has no stylesheet link"))?;
    page.replace_range(a..b, &format!("<style>\n{css}\n</style>"));
    while let Some((a, b)) =
        span(&page, "<link rel=\"modulepreload\"", ">").or_else(|| span(&page, "<link rel=\"preload\"", ">"))
    {
        page.replace_range(a..b, "");
    }
    let mut data = String::new();
    for (name, bytes) in map_files {
        data.push_str(&format!(
            "<script type=\"application/octet-stream\" data-starmap-file=\"{}\">{}</script>\n",
            html_escape(name),
            base64(bytes)
        ));
    }
    let head_end = page.find("</head>").ok_or_else(|| unusable("has no head"))?;
    page.insert_str(head_end, &data);
    Ok(page)
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
    fn viewer_bundle_stays_under_305_kb_gzipped() {
        // The budget of the whole viewer (wasm, JS glue, CSS, page) as served compressed: it is
        // what a reader of a blog post waits for before the first point appears. Clusters,
        // groups and the lasso, keyboard stepping, typo search and the single-file loader took
        // it from 205 to about 290 KB; loading a million points without freezing the page
        // (decoders and sorts that pause, layouts and cluster colours placed between frames)
        // to about 302 KB. opt-level "z" would save 25 KB but makes preparing the first frame
        // 3x slower (see the workspace Cargo.toml); per-package "z" saves nothing under LTO.
        const BUDGET: usize = 305 * 1000;
        assert!(has_viewer(), "web/release holds no viewer bundle: run bash web/release.sh");
        let total = bundle_gzip_bytes();
        assert!(total <= BUDGET, "the viewer bundle is {total} bytes gzipped, over the {BUDGET}-byte budget");
    }

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xFF, 0xFE, 0x00]), "//4A");
    }

    #[test]
    fn the_glue_names_its_init_function() {
        assert_eq!(default_export("x;\nexport { initSync, __wbg_init as default };\n").as_deref(), Some("__wbg_init"));
        assert_eq!(default_export("export default init;").as_deref(), Some("init"));
        assert_eq!(default_export("export { a, b };"), None);
    }

    #[test]
    fn a_single_file_holds_the_viewer_and_the_map() {
        let map = vec![("manifest.json".to_string(), b"{}".to_vec()), ("points.bin".to_string(), vec![1, 2, 3])];
        let page = single_file_html("Films <1940>", "Who played with whom", &map).unwrap();
        assert!(page.contains("<title>Films &lt;1940&gt;</title>"));
        assert!(page.contains("data-starmap-file=\"manifest.json\">e30=</script>"));
        assert!(page.contains("data-starmap-file=\"points.bin\">AQID</script>"));
        assert!(page.contains("data:application/wasm;base64,AGFzbQ"), "the wasm, magic first");
        assert!(page.contains("<style>"));
        // Nothing left that a page opened from disk would have to fetch.
        for gone in ["<link rel=\"stylesheet\"", "modulepreload", "rel=\"preload\"", "import init", "href=\"./"] {
            assert!(!page.contains(gone), "{gone} is still in the page");
        }
    }

    #[test]
    fn snippet_is_an_embed_iframe() {
        let s = iframe_snippet("/maps/films/", "Films");
        assert!(s.starts_with("<iframe src=\"/maps/films/?embed=1\""), "{s}");
        assert_eq!(example_url(Path::new("out/films-map")), "/maps/films-map/");
    }
}
