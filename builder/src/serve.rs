//! `starmap serve`: a small static file server on 127.0.0.1 for looking at a built site. GET
//! and HEAD only, files under the served folder only (no `..`, no symlinks out), `index.html`
//! for folders, the MIME types a map needs (`.wasm` as `application/wasm`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

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

/// A request head larger than this is refused: a map's URLs are short.
const MAX_HEAD: usize = 16 * 1024;
/// A kept-alive connection that sends nothing for this long is closed.
const IDLE: Duration = Duration::from_secs(60);

/// One parsed request line and the headers that matter here.
struct Head {
    method: String,
    target: String,
    keep_alive: bool,
    has_body: bool,
}

/// Reads one request head; `Ok(None)` when the client closed the connection between requests.
fn read_head(reader: &mut impl BufRead) -> std::io::Result<Option<Head>> {
    let mut lines = Vec::new();
    let mut size = 0;
    loop {
        let mut line = Vec::new();
        let n = reader.by_ref().take((MAX_HEAD - size + 1) as u64).read_until(b'\n', &mut line)?;
        if n == 0 {
            return if lines.is_empty() { Ok(None) } else { Err(std::io::ErrorKind::UnexpectedEof.into()) };
        }
        size += n;
        if size > MAX_HEAD {
            return Err(std::io::ErrorKind::InvalidData.into());
        }
        let text = String::from_utf8_lossy(&line).trim_end_matches(['\r', '\n']).to_string();
        if text.is_empty() {
            // Blank lines before a request line are allowed (RFC 9112 2.2).
            if lines.is_empty() {
                continue;
            }
            break;
        }
        lines.push(text);
    }
    let mut parts = lines[0].split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(std::io::ErrorKind::InvalidData.into());
    };
    let mut head = Head {
        method: method.to_string(),
        target: target.to_string(),
        keep_alive: version == "HTTP/1.1",
        has_body: false,
    };
    for line in &lines[1..] {
        let Some((name, value)) = line.split_once(':') else { continue };
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_ascii_lowercase());
        match name.as_str() {
            "connection" if value.contains("close") => head.keep_alive = false,
            "connection" if value.contains("keep-alive") => head.keep_alive = true,
            "content-length" => head.has_body |= value != "0",
            "transfer-encoding" => head.has_body = true,
            _ => {}
        }
    }
    Ok(Some(head))
}

fn respond_text(out: &mut TcpStream, status: &str, text: &str, keep_alive: bool) -> std::io::Result<()> {
    let connection = if keep_alive { "keep-alive" } else { "close" };
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: {connection}\r\n\r\n{text}",
        text.len()
    )?;
    out.flush()
}

/// Serves the requests of one connection in order until it closes, idles or errs.
fn connection(root: &Path, stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(IDLE))?;
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let head = match read_head(&mut reader) {
            Ok(Some(head)) => head,
            Ok(None) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return respond_text(&mut out, "400 Bad Request", "bad request", false);
            }
            Err(e) => return Err(e),
        };
        let is_get = head.method == "GET";
        if !is_get && head.method != "HEAD" {
            // Its body, if any, is not read, so the connection cannot be reused.
            return respond_text(&mut out, "405 Method Not Allowed", "method not allowed", false);
        }
        if head.has_body {
            return respond_text(&mut out, "400 Bad Request", "a GET has no body", false);
        }
        let found = resolve(root, &head.target)
            .and_then(|p| std::fs::File::open(&p).ok().and_then(|f| Some((f.metadata().ok()?.len(), p, f))));
        let Some((len, path, mut file)) = found else {
            respond_text(&mut out, "404 Not Found", "not found", head.keep_alive)?;
            if head.keep_alive {
                continue;
            }
            return Ok(());
        };
        let connection = if head.keep_alive { "keep-alive" } else { "close" };
        write!(
            out,
            "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {len}\r\nCache-Control: no-cache\r\nConnection: {connection}\r\n\r\n",
            content_type(&path)
        )?;
        if is_get {
            // A file that shrank while being sent would desynchronise the connection: send
            // exactly `len` bytes or close.
            let sent = std::io::copy(&mut Read::by_ref(&mut file).take(len), &mut out)?;
            if sent != len {
                return Ok(());
            }
        }
        out.flush()?;
        if !head.keep_alive {
            return Ok(());
        }
    }
}

/// Serves `dir` on 127.0.0.1:`port` (0 picks a free port) until the process is stopped.
/// `on_ready` receives the URL once the socket is bound.
///
/// One thread per connection, for as long as the connection lives: a browser keeps its
/// connections open and reads its responses in whatever order its page asks for them, so a
/// shared pool of workers (or of connection readers) can leave a request unserved behind idle
/// or unread connections. That is how the `tiny_http` server used before hung a test run now
/// and then. Connections here are few (a browser opens at most six to a host).
pub fn serve(dir: &Path, port: u16, on_ready: impl FnOnce(&str)) -> Result<()> {
    if !dir.join("index.html").is_file() {
        return Err(BuildError::Unusable(format!(
            "{} holds no index.html: serve a folder written by `starmap build` without --data-only",
            dir.display()
        )));
    }
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| BuildError::Unusable(format!("cannot listen on 127.0.0.1:{port}: {e} (choose another --port)")))?;
    let bound = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    on_ready(&format!("http://127.0.0.1:{bound}/"));
    let root = Arc::new(dir.to_path_buf());
    for stream in listener.incoming() {
        // A failed accept (the client gave up, too many open files) concerns that client only.
        let Ok(stream) = stream else { continue };
        let root = Arc::clone(&root);
        std::thread::spawn(move || {
            // Errors are the client's going away; there is nobody to tell.
            let _ = connection(&root, stream);
        });
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
            let mut s = TcpStream::connect(addr).unwrap();
            write!(s, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
            let mut body = String::new();
            s.read_to_string(&mut body).unwrap();
            body
        };
        let ok = get("/");
        assert!(ok.starts_with("HTTP/1.") && ok.contains(" 200 ") && ok.contains("<p>hello</p>"), "{ok}");
        assert!(ok.to_ascii_lowercase().contains("content-type: text/html"), "{ok}");
        assert!(get("/../secret").contains(" 404 "));
        assert!(get("/missing.js").starts_with("HTTP/1.1 404 "));
    }

    fn start(files: &[(&str, &[u8])]) -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        for (name, body) in files {
            std::fs::write(dir.path().join(name), body).unwrap();
        }
        let root = dir.path().to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || serve(&root, 0, |url| tx.send(url.to_string()).unwrap()));
        let url = rx.recv().unwrap();
        (dir, url.trim_start_matches("http://").trim_end_matches('/').to_string())
    }

    /// Reads one response (head and a Content-Length body) off a kept-alive connection.
    fn read_response(reader: &mut BufReader<TcpStream>) -> (String, Vec<u8>) {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let len: usize =
            head.lines().find_map(|l| l.strip_prefix("Content-Length: ")).map(|v| v.trim().parse().unwrap()).unwrap();
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        (head, body)
    }

    #[test]
    fn keeps_connections_alive_and_answers_head() {
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let (_dir, addr) = start(&[("index.html", b"<p>hi</p>"), ("points.bin", &big)]);
        let mut s = TcpStream::connect(&addr).unwrap();
        let mut reader = BufReader::new(s.try_clone().unwrap());
        write!(s, "GET /points.bin HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let (head, body) = read_response(&mut reader);
        assert!(head.starts_with("HTTP/1.1 200 ") && head.contains("Connection: keep-alive"), "{head}");
        assert_eq!(body, big);
        let (_, body) = read_response(&mut reader);
        assert_eq!(body, b"<p>hi</p>");
        write!(s, "HEAD /points.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut rest = String::new();
        reader.read_to_string(&mut rest).unwrap();
        assert!(rest.contains("Content-Length: 300000") && rest.ends_with("\r\n\r\n"), "{rest}");
        let mut post = TcpStream::connect(&addr).unwrap();
        write!(post, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi").unwrap();
        let mut answer = String::new();
        post.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 405 "), "{answer}");
    }

    /// Idle connections and unread responses never hold up another connection's request (the
    /// browser's pattern that hung the pooled server).
    #[test]
    fn idle_and_unread_connections_do_not_block_others() {
        let big = vec![7u8; 8 << 20];
        let (_dir, addr) = start(&[("index.html", b"<p>hi</p>"), ("big.bin", &big)]);
        let mut held = Vec::new();
        for i in 0..24 {
            let mut s = TcpStream::connect(&addr).unwrap();
            // Half ask for a large file and never read it; half say nothing.
            if i % 2 == 0 {
                write!(s, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            }
            held.push(s);
        }
        let mut s = TcpStream::connect(&addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let (head, body) = read_response(&mut BufReader::new(s));
        assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
        assert_eq!(body, b"<p>hi</p>");
        drop(held);
    }
}
