//! The web server lab: HTTP/1.1 over one TCP connection, 200 for files under
//! the root, 404 (with an HTML body) for the rest, keep-alive or
//! `Connection: close`, and a client that can pipeline its requests.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::common::{self, Budget, Common, Log, Stop};

pub const PORT: u16 = 6789;
/// Largest request head accepted; beyond it the server answers 431.
const MAX_HEAD: usize = 16 * 1024;
/// A keep-alive connection idle this long is closed by the server.
const IDLE: Duration = Duration::from_secs(15);

/// HTTP/1.1 web server and client (port 6789) serving --root or a bundled page.
/// Watch GET requests paired with 200 and 404 replies, keep-alive and pipelining.
#[derive(clap::Args, Debug, Clone)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// Directory to serve (default: the bundled lab page).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Paths the client fetches, in order.
    #[arg(value_name = "PATH", default_values = ["/", "/missing.html"])]
    pub paths: Vec<String>,
    /// Send all requests before reading any reply (HTTP pipelining).
    #[arg(long)]
    pub pipeline: bool,
    /// One connection per request, each with `Connection: close`.
    #[arg(long, conflicts_with = "pipeline")]
    pub close: bool,
}

/// What the server serves: a directory, or the page compiled into the binary
/// (so that `wirelens gen web` works from any directory).
#[derive(Debug, Clone)]
pub enum Site {
    Dir(PathBuf),
    Bundled,
}

const BUNDLED: &[(&str, &[u8])] = &[
    ("index.html", include_bytes!("../../assets/web/index.html")),
    ("style.css", include_bytes!("../../assets/web/style.css")),
];

#[derive(Debug, PartialEq)]
pub enum Resolved {
    File { body: Vec<u8>, mime: &'static str },
    NotFound,
    BadRequest,
}

impl Site {
    pub fn new(root: Option<&Path>) -> anyhow::Result<Site> {
        match root {
            None => Ok(Site::Bundled),
            Some(dir) => {
                let canon = dir
                    .canonicalize()
                    .map_err(|e| anyhow::anyhow!("cannot serve {}: {e}", dir.display()))?;
                anyhow::ensure!(canon.is_dir(), "cannot serve {}: not a directory", dir.display());
                Ok(Site::Dir(canon))
            }
        }
    }

    /// Maps a request target to a file, refusing anything outside the root:
    /// `..` segments (raw or percent-encoded) are a bad request, and a path
    /// that resolves (through symlinks) outside the root is not found.
    pub fn resolve(&self, target: &str) -> Resolved {
        let path = target.split(['?', '#']).next().unwrap_or_default();
        if !path.starts_with('/') {
            return Resolved::BadRequest;
        }
        let Some(decoded) = percent_decode(path) else { return Resolved::BadRequest };
        if decoded.contains(&0) || decoded.contains(&b'\\') {
            return Resolved::BadRequest;
        }
        let mut segments = Vec::new();
        for seg in decoded.split(|&b| b == b'/') {
            match seg {
                b"" | b"." => {}
                b".." => return Resolved::BadRequest,
                s => segments.push(s),
            }
        }
        match self {
            Site::Bundled => {
                let name = match segments.as_slice() {
                    [] => b"index.html".as_slice(),
                    [one] => one,
                    _ => return Resolved::NotFound,
                };
                BUNDLED
                    .iter()
                    .find(|(n, _)| n.as_bytes() == name)
                    .map_or(Resolved::NotFound, |(n, body)| Resolved::File { body: body.to_vec(), mime: mime(n) })
            }
            Site::Dir(root) => {
                let mut file = root.clone();
                for s in &segments {
                    file.push(std::ffi::OsStr::from_bytes(s));
                }
                let inside = |p: &Path| p.canonicalize().ok().filter(|c| c.starts_with(root));
                let Some(mut found) = inside(&file) else { return Resolved::NotFound };
                if found.is_dir() {
                    match inside(&found.join("index.html")) {
                        Some(index) => found = index,
                        None => return Resolved::NotFound,
                    }
                }
                match std::fs::read(&found) {
                    Ok(body) => Resolved::File { body, mime: mime(&found.to_string_lossy()) },
                    Err(_) => Resolved::NotFound,
                }
            }
        }
    }
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    Some(out)
}

fn mime(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

pub fn run(args: &Args, log: &Log) -> anyhow::Result<()> {
    let c = &args.common;
    let (listener, target) = common::listen(c, PORT, common::bind_tcp, TcpListener::local_addr)?;
    let site = Arc::new(Site::new(args.root.as_deref())?);
    if listener.is_some() {
        let what = match site.as_ref() {
            Site::Dir(d) => d.display().to_string(),
            Site::Bundled => "the bundled lab page".to_string(),
        };
        log.line(format!("web server on http://{target}/ serving {what}"));
    }
    let budget = Budget::new(if c.runs_client() { None } else { c.count });
    let server_log = log.clone();
    let server = listener.map(|l| move |stop: Stop| serve(l, site, &stop, &budget, &server_log));
    common::run_roles(c, c.stop(), server, |_| {
        let mut paths = args.paths.clone();
        if let Some(n) = c.count {
            paths.truncate(n.try_into().unwrap_or(usize::MAX));
        }
        let mode = if args.pipeline {
            Mode::Pipeline
        } else if args.close {
            Mode::Close
        } else {
            Mode::KeepAlive
        };
        fetch(target, &paths, mode, log).map(|_| ())
    })
}

pub fn serve(listener: TcpListener, site: Arc<Site>, stop: &Stop, budget: &Budget, log: &Log) {
    let conn_log = log.clone();
    common::accept_loop(listener, stop, budget, log, move |stream, peer, stop| {
        serve_connection(stream, peer, &site, &stop, &conn_log)
    });
}

fn serve_connection(mut stream: TcpStream, peer: SocketAddr, site: &Site, stop: &Stop, log: &Log) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 4096];
    let mut last_activity = Instant::now();
    loop {
        // Answer every complete request already buffered (pipelining), then read more.
        while let Some(req) = parse_request(&mut buf) {
            let (status, reason, body, mime, close, head_only) = match req {
                Parsed::Request { method, target, close } => {
                    let (status, reason, body, mime) = answer(site, &method, &target);
                    log.line(format!("{peer} {method} {target} -> {status}"));
                    (status, reason, body, mime, close, method == "HEAD")
                }
                Parsed::Bad(status, reason) => {
                    log.line(format!("{peer} bad request -> {status}"));
                    (status, reason, error_page(status, reason), "text/html; charset=utf-8", true, false)
                }
            };
            let body_len = body.len();
            let mut head = format!(
                "HTTP/1.1 {status} {reason}\r\nServer: wirelens-lab\r\nContent-Type: {mime}\r\nContent-Length: {body_len}\r\n"
            );
            if close {
                head.push_str("Connection: close\r\n");
            }
            head.push_str("\r\n");
            let mut out = head.into_bytes();
            if !head_only {
                out.extend_from_slice(&body);
            }
            stream.write_all(&out)?;
            if close {
                return Ok(());
            }
        }
        if stop.stopped() || last_activity.elapsed() > IDLE {
            return Ok(());
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
                last_activity = Instant::now();
            }
            Err(e) if common::is_timeout(&e) || e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

enum Parsed {
    Request { method: String, target: String, close: bool },
    Bad(u16, &'static str),
}

/// Takes one complete request off the front of `buf`, or None when more bytes are needed.
fn parse_request(buf: &mut Vec<u8>) -> Option<Parsed> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut headers);
    let head_len = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD => {
            buf.clear();
            return Some(Parsed::Bad(431, "Request Header Fields Too Large"));
        }
        Ok(httparse::Status::Partial) => return None,
        Err(httparse::Error::TooManyHeaders) => {
            buf.clear();
            return Some(Parsed::Bad(431, "Request Header Fields Too Large"));
        }
        Err(_) => {
            buf.clear();
            return Some(Parsed::Bad(400, "Bad Request"));
        }
    };
    let header = |name: &str| {
        req.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_ascii_lowercase())
    };
    let connection = header("connection").unwrap_or_default();
    let close = match req.version {
        Some(0) => !connection.contains("keep-alive"),
        _ => connection.contains("close"),
    };
    let Ok(body_len) = header("content-length").map_or(Ok(0usize), |v| v.parse::<usize>()) else {
        buf.clear();
        return Some(Parsed::Bad(400, "Bad Request"));
    };
    if header("transfer-encoding").is_some() {
        buf.clear();
        return Some(Parsed::Bad(501, "Not Implemented"));
    }
    let total = head_len.saturating_add(body_len);
    if buf.len() < total {
        return if body_len > MAX_HEAD { Some(Parsed::Bad(413, "Content Too Large")) } else { None };
    }
    let parsed = Parsed::Request {
        method: req.method.unwrap_or_default().to_string(),
        target: req.path.unwrap_or_default().to_string(),
        close,
    };
    buf.drain(..total);
    Some(parsed)
}

fn answer(site: &Site, method: &str, target: &str) -> (u16, &'static str, Vec<u8>, &'static str) {
    const HTML: &str = "text/html; charset=utf-8";
    if method != "GET" && method != "HEAD" {
        return (405, "Method Not Allowed", error_page(405, "Method Not Allowed"), HTML);
    }
    match site.resolve(target) {
        Resolved::File { body, mime } => (200, "OK", body, mime),
        Resolved::NotFound => (404, "Not Found", error_page(404, "Not Found"), HTML),
        Resolved::BadRequest => (400, "Bad Request", error_page(400, "Bad Request"), HTML),
    }
}

fn error_page(status: u16, reason: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>\n\
         <body><h1>{status} {reason}</h1><p>wirelens web lab</p></body></html>\n"
    )
    .into_bytes()
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    /// One connection, each request sent after the previous reply; the last says close.
    KeepAlive,
    /// One connection, all requests sent at once.
    Pipeline,
    /// A connection per request.
    Close,
}

/// Fetches `paths` and prints one line per reply; returns (status, body) pairs.
pub fn fetch(target: SocketAddr, paths: &[String], mode: Mode, log: &Log) -> anyhow::Result<Vec<(u16, Vec<u8>)>> {
    let connect = || -> anyhow::Result<TcpStream> {
        let s = TcpStream::connect(target).map_err(|e| anyhow::anyhow!("cannot connect to {target}: {e}"))?;
        s.set_read_timeout(Some(Duration::from_secs(5)))?;
        Ok(s)
    };
    let request = |path: &str, close: bool| {
        let conn = if close { "close" } else { "keep-alive" };
        format!("GET {path} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: wirelens-lab\r\nConnection: {conn}\r\n\r\n")
    };
    let mut replies = Vec::new();
    let mut report = |path: &str, reply: (u16, Vec<u8>)| {
        log.line(format!("GET {path} -> {} ({} bytes)", reply.0, reply.1.len()));
        replies.push(reply);
    };
    match mode {
        Mode::Close => {
            for p in paths {
                let mut s = connect()?;
                s.write_all(request(p, true).as_bytes())?;
                let mut buf = Vec::new();
                report(p, read_response(&mut s, &mut buf)?);
            }
        }
        Mode::KeepAlive | Mode::Pipeline => {
            if paths.is_empty() {
                return Ok(replies);
            }
            let mut s = connect()?;
            let last = paths.len() - 1;
            if mode == Mode::Pipeline {
                let all: String = paths.iter().enumerate().map(|(i, p)| request(p, i == last)).collect();
                s.write_all(all.as_bytes())?;
            }
            let mut buf = Vec::new();
            for (i, p) in paths.iter().enumerate() {
                if mode == Mode::KeepAlive {
                    s.write_all(request(p, i == last).as_bytes())?;
                }
                report(p, read_response(&mut s, &mut buf)?);
            }
        }
    }
    Ok(replies)
}

fn read_response(s: &mut TcpStream, buf: &mut Vec<u8>) -> anyhow::Result<(u16, Vec<u8>)> {
    let mut chunk = [0u8; 4096];
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut resp = httparse::Response::new(&mut headers);
        if let httparse::Status::Complete(head) = resp.parse(buf)? {
            let len = resp
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse::<usize>().ok())
                .unwrap_or(0);
            let status = resp.code.unwrap_or(0);
            if buf.len() >= head + len {
                let body = buf.get(head..head + len).unwrap_or_default().to_vec();
                buf.drain(..head + len);
                return Ok((status, body));
            }
        }
        let n = s.read(&mut chunk)?;
        anyhow::ensure!(n > 0, "the server closed the connection before replying");
        buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    fn start(site: Site) -> (SocketAddr, Stop, thread::JoinHandle<()>) {
        let l = common::bind_tcp("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = l.local_addr().unwrap();
        let stop = Stop::never();
        let s = stop.clone();
        let (log, _) = Log::memory();
        let h = thread::spawn(move || serve(l, Arc::new(site), &s, &Budget::new(None), &log));
        (addr, stop, h)
    }

    fn paths(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn serves_200_and_404_in_every_mode() {
        let (addr, stop, h) = start(Site::Bundled);
        let (log, _) = Log::memory();
        for mode in [Mode::KeepAlive, Mode::Pipeline, Mode::Close] {
            let r = fetch(addr, &paths(&["/", "/style.css", "/nope"]), mode, &log).unwrap();
            let codes: Vec<u16> = r.iter().map(|x| x.0).collect();
            assert_eq!(codes, [200, 200, 404], "{mode:?}");
            assert!(String::from_utf8_lossy(&r[0].1).contains("wirelens web lab"));
            assert!(String::from_utf8_lossy(&r[2].1).contains("<h1>404 Not Found</h1>"));
        }
        stop.stop();
        h.join().unwrap();
    }

    #[test]
    fn never_serves_outside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("www");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("index.html"), "inside").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "outside").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        let site = Site::new(Some(&root)).unwrap();
        assert!(matches!(site.resolve("/"), Resolved::File { .. }));
        assert!(matches!(site.resolve("/index.html?x=1"), Resolved::File { .. }));
        for evil in [
            "/../secret.txt",
            "/../../etc/passwd",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/a/..%2f..%2fsecret.txt",
            "/link.txt",
            "/up/secret.txt",
            "/%00",
            "/..\\secret.txt",
            "//etc/passwd",
            "/%zz",
            "http://x/../secret.txt",
        ] {
            let r = site.resolve(evil);
            assert!(matches!(r, Resolved::NotFound | Resolved::BadRequest), "{evil} gave {r:?}");
        }
        // And over the wire, where the request line itself carries the traversal.
        let (addr, stop, h) = start(site);
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 400") || reply.starts_with("HTTP/1.1 404"), "{reply}");
        assert!(!reply.contains("root:"));
        stop.stop();
        h.join().unwrap();
    }

    #[test]
    fn garbage_and_odd_requests_get_errors_not_panics() {
        let (addr, stop, h) = start(Site::Bundled);
        for raw in [
            &b"\x00\x01\x02 garbage\r\n\r\n"[..],
            b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
            b"GET / HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
            b"HEAD / HTTP/1.0\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n",
        ] {
            let mut s = TcpStream::connect(addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            s.write_all(raw).unwrap();
            s.shutdown(std::net::Shutdown::Write).unwrap();
            let mut reply = String::new();
            s.read_to_string(&mut reply).unwrap();
            assert!(reply.starts_with("HTTP/1.1 "), "{reply:?}");
        }
        stop.stop();
        h.join().unwrap();
    }
}
