//! `starmap serve`: a small static file server on 127.0.0.1 for looking at a built site. GET
//! and HEAD only, files under the served folder only (no `..`, no symlinks out), `index.html`
//! for folders, the MIME types a map needs (`.wasm` as `application/wasm`).

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use tiny_http::{Header, Method, Response, Server, StatusCode};

use starmap_core::{BuildError, Result};

/// The Content-Type for a file name.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a request URL to a file under `root`, or `None` when it would leave the folder.
pub fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    let mut out = root.to_path_buf();
    for part in Path::new(&decoded).components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::RootDir | Component::CurDir => {}
            Component::ParentDir | Component::Prefix(_) => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    // Refuse files that resolve (through links) outside the served folder.
    let real = out.canonicalize().ok()?;
    real.starts_with(root.canonicalize().ok()?).then_some(real)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn header(name: &str, value: &str) -> Header {
    // Both are ASCII constants or MIME types from the table above.
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| Header::from_bytes("X-Bad", "1").unwrap())
}

fn handle(root: &Path, request: tiny_http::Request) {
    let method = request.method().clone();
    if method != Method::Get && method != Method::Head {
        let _ = request.respond(Response::from_string("method not allowed").with_status_code(StatusCode(405)));
        return;
    }
    match resolve(root, request.url()).and_then(|p| std::fs::File::open(&p).ok().map(|f| (p, f))) {
        Some((path, file)) => {
            let response = Response::from_file(file)
                .with_header(header("Content-Type", content_type(&path)))
                .with_header(header("Cache-Control", "no-cache"));
            let _ = request.respond(response);
        }
        None => {
            let _ = request.respond(Response::from_string("not found").with_status_code(StatusCode(404)));
        }
    }
}

/// Serves `dir` on 127.0.0.1:`port` (0 picks a free port) until the process is stopped.
/// `on_ready` receives the URL once the socket is bound.
pub fn serve(dir: &Path, port: u16, on_ready: impl FnOnce(&str)) -> Result<()> {
    if !dir.join("index.html").is_file() {
        return Err(BuildError::Unusable(format!(
            "{} holds no index.html: serve a folder written by `starmap build` without --data-only",
            dir.display()
        )));
    }
    let server = Server::http(("127.0.0.1", port))
        .map_err(|e| BuildError::Unusable(format!("cannot listen on 127.0.0.1:{port}: {e} (choose another --port)")))?;
    let bound = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(port);
    on_ready(&format!("http://127.0.0.1:{bound}/"));
    let server = Arc::new(server);
    let root = Arc::new(dir.to_path_buf());
    // A worker stays busy until the browser has read its whole response, and the viewer reads
    // its files one after another: with fewer workers than files in flight (six after the
    // positions), the file it waits for could sit unserved behind the others. Enough for all.
    let workers: Vec<_> = (0..16)
        .map(|_| {
            let (server, root) = (Arc::clone(&server), Arc::clone(&root));
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    handle(&root, request);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_stay_inside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("index.html"), "x").unwrap();
        std::fs::write(dir.path().join("sub/a b.json"), "{}").unwrap();
        let root = dir.path();
        assert!(resolve(root, "/").unwrap().ends_with("index.html"));
        assert!(resolve(root, "/index.html?embed=1#v=1").is_some());
        assert!(resolve(root, "/sub/a%20b.json").unwrap().ends_with("a b.json"));
        assert!(resolve(root, "/../etc/passwd").is_none());
        assert!(resolve(root, "/sub/%2e%2e/%2e%2e/etc/passwd").is_none());
        assert!(resolve(root, "/missing.bin").is_none());
        assert_eq!(content_type(Path::new("x_bg.wasm")), "application/wasm");
        assert_eq!(content_type(Path::new("points.bin")), "application/octet-stream");
    }

    #[test]
    fn serves_files_over_http() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<p>hello</p>").unwrap();
        let root = dir.path().to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || serve(&root, 0, |url| tx.send(url.to_string()).unwrap()));
        let url = rx.recv().unwrap();
        let addr = url.trim_start_matches("http://").trim_end_matches('/');
        let get = |path: &str| {
            use std::io::{Read, Write};
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            write!(s, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
            let mut body = String::new();
            s.read_to_string(&mut body).unwrap();
            body
        };
        let ok = get("/");
        assert!(ok.starts_with("HTTP/1.") && ok.contains(" 200 ") && ok.contains("<p>hello</p>"), "{ok}");
        assert!(ok.to_ascii_lowercase().contains("content-type: text/html"), "{ok}");
        assert!(get("/../secret").contains(" 404 "));
    }
}
