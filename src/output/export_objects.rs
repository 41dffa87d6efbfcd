//! `--export-objects PROTO,DIR` (tshark's): the HTTP bodies and the mails
//! (IMF, over SMTP, IMAP or POP) of a capture written as files into DIR,
//! with the names tshark 4.0 gives them.
//!
//! The objects are read from each packet's finished tree, as tshark's taps
//! read what its dissectors hand them: an HTTP body is the bytes of its
//! `http.file_data` item (de-chunked and decompressed, in whatever data
//! source the dissector made), a mail the bytes of its `imf` item. Naming
//! follows tshark: an HTTP object is named by the last path part of the
//! latest request URI seen on its TCP connection (a response is named by
//! the request the connection sent last, pipelined or not), a mail by its
//! Subject and `.eml`; characters Windows refuses become `%xx`, and a name
//! already taken in DIR gets `(1)`, `(2)`, ... before its extension.
//!
//! A name never holds a `/` (it is escaped), and files are created new
//! (`O_EXCL`, which follows no symbolic link): nothing is written outside
//! DIR, whatever a URI says.

use std::collections::HashMap;
use std::io::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::dissect::{Dissection, FrameMeta};
use crate::field::tree::Node;

/// tshark's `EXPORT_OBJECT_MAXFILELEN`: names are cut to this many bytes.
const MAX_NAME: usize = 255;
/// tshark's default `gui.max_export_objects`: the most `(n)` tried for one
/// name.
const MAX_TRIES: usize = 1000;

/// The object kinds wirelens exports, by tshark's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Http,
    Imf,
}

/// One `--export-objects` argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportTo {
    pub kind: Kind,
    pub dir: PathBuf,
}

/// Parses the `--export-objects` arguments (`PROTO,DIR`), refusing an
/// unknown protocol or one given twice in tshark's words.
pub fn parse(args: &[String]) -> Result<Vec<ExportTo>, String> {
    let mut out: Vec<ExportTo> = Vec::new();
    for a in args {
        let parsed = a.split_once(',').and_then(|(proto, dir)| {
            let kind = match proto {
                "http" => Kind::Http,
                "imf" => Kind::Imf,
                _ => return None,
            };
            Some((proto, ExportTo { kind, dir: PathBuf::from(dir) }))
        });
        let Some((proto, to)) = parsed else {
            return Err("\"--export-objects\" are specified as: <protocol>,<destdir>\n\
                        The available export object types for the \"--export-objects\" option are:\n     http\n     imf"
                .into());
        };
        if out.iter().any(|o| o.kind == to.kind) {
            return Err(format!("\"--export-objects\" already specified protocol '{proto}'"));
        }
        out.push(to);
    }
    Ok(out)
}

/// An object found: its name as the protocol gives it (None: named after
/// its frame and content type), and its bytes.
struct Object {
    name: Option<Vec<u8>>,
    frame: u32,
    content_type: Option<Vec<u8>>,
    bytes: Vec<u8>,
}

/// Collects the objects of a run, then writes them (`finish`).
pub struct Exporter {
    targets: Vec<ExportTo>,
    http: Vec<Object>,
    imf: Vec<Object>,
    /// The latest request URI of each TCP connection (`tcp.stream`).
    uris: HashMap<u64, Vec<u8>>,
}

impl Exporter {
    pub fn new(targets: Vec<ExportTo>) -> Exporter {
        Exporter { targets, http: Vec::new(), imf: Vec::new(), uris: HashMap::new() }
    }

    fn wants(&self, kind: Kind) -> bool {
        self.targets.iter().any(|t| t.kind == kind)
    }

    /// Reads one dissected packet's objects.
    pub fn packet(&mut self, meta: &FrameMeta, d: &Dissection, frame: &[u8]) {
        let bytes = |n: &Node| d.source_bytes(frame, n.source).get(n.range()).unwrap_or_default();
        let (http, imf) = (self.wants(Kind::Http), self.wants(Kind::Imf));
        let mut stream = None;
        // The HTTP message being read: its media type, and whether its body
        // failed to decompress (tshark then stores nothing). Bytes that
        // continue an earlier message are an object too, as in tshark.
        let mut content_type = None;
        let mut failed = false;
        for n in &d.tree.nodes {
            match n.field.name {
                "tcp.stream" => stream = n.value.as_u64(),
                "http" => (content_type, failed) = (None, false),
                "http.decompression_failed" => failed = true,
                "http.request.uri" if http => {
                    if let Some(s) = stream {
                        self.uris.insert(s, bytes(n).to_vec());
                    }
                }
                "http.content_type" => content_type = Some(media_type(header_value(bytes(n)))),
                "http.file_data" if http && !failed => {
                    let uri = stream.and_then(|s| self.uris.get(&s));
                    self.http.push(Object {
                        name: uri.map(|u| basename(&ascii(u))),
                        frame: meta.number,
                        content_type: content_type.clone(),
                        bytes: bytes(n).to_vec(),
                    });
                }
                "imf" if imf => {
                    self.imf.push(Object { name: None, frame: meta.number, content_type: None, bytes: bytes(n).to_vec() });
                }
                // The last Subject names the mail; none leaves ".eml".
                "imf.subject" => {
                    if let Some(o) = self.imf.last_mut().filter(|o| o.frame == meta.number) {
                        o.name = Some(ascii(header_value(bytes(n))));
                    }
                }
                _ => {}
            }
        }
        for o in self.imf.iter_mut().rev().take_while(|o| o.frame == meta.number) {
            let mut name = o.name.take().unwrap_or_default();
            name.extend_from_slice(b".eml");
            o.name = Some(name);
        }
    }

    /// Writes every object into its directory (made if missing). A file
    /// that cannot be written is reported and the others are still
    /// written; the first error is returned.
    pub fn finish(&self) -> anyhow::Result<()> {
        let mut first_err = None;
        for t in &self.targets {
            let objects = match t.kind {
                Kind::Http => &self.http,
                Kind::Imf => &self.imf,
            };
            if let Err(e) = std::fs::create_dir_all(&t.dir) {
                let msg = format!("Failed to create export objects output directory \"{}\": {e}", t.dir.display());
                first_err.get_or_insert(anyhow::anyhow!(msg));
                continue;
            }
            for o in objects {
                if let Err(e) = save(&t.dir, o) {
                    eprintln!("wirelens: {e:#}");
                    first_err.get_or_insert(e);
                }
            }
        }
        first_err.map_or(Ok(()), Err)
    }
}

/// Writes `o` into `dir` under the first free name.
fn save(dir: &Path, o: &Object) -> anyhow::Result<()> {
    let wanted = match &o.name {
        Some(n) => n.clone(),
        None => {
            let mut n = format!("object{}", o.frame).into_bytes();
            if let Some(ct) = &o.content_type {
                n.push(b'.');
                n.extend_from_slice(ct);
            }
            n
        }
    };
    for dup in 0..MAX_TRIES {
        let name = massage(&wanted, dup);
        // "." and ".." are directories (taken): the next try renames them.
        let path = dir.join(std::ffi::OsStr::from_bytes(&name));
        if name == b"." || name == b".." || path.symlink_metadata().is_ok() {
            continue;
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        return f.write_all(&o.bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()));
    }
    anyhow::bail!("{}: no free name for {:?} (tried {MAX_TRIES})", dir.display(), String::from_utf8_lossy(&wanted))
}

/// A string as tshark reads an ASCII one from the packet: a byte past
/// ASCII becomes U+FFFD, and a NUL ends it (C strings).
fn ascii(b: &[u8]) -> Vec<u8> {
    let b = b.split(|&c| c == 0).next().unwrap_or_default();
    let mut out = Vec::with_capacity(b.len());
    for &c in b {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.extend_from_slice("\u{FFFD}".as_bytes());
        }
    }
    out
}

/// The value of a header line (`Name: value CRLF`, the range of a header's
/// item) as tshark's IMF dissector takes it: after the colon and any white space (all of it
/// when there is nothing else), without the final line end; a folded
/// value keeps its inner line ends.
fn header_value(line: &[u8]) -> &[u8] {
    let value = line.iter().position(|&c| c == b':').map_or(line, |i| &line[i + 1..]);
    let value = value.strip_suffix(b"\r\n").or_else(|| value.strip_suffix(b"\n")).unwrap_or(value);
    match value.iter().position(|c| !c.is_ascii_whitespace()) {
        Some(start) => &value[start..],
        None => value,
    }
}

/// The media type of a Content-Type value, as tshark keeps it: before any
/// parameter, trimmed, in lower case.
fn media_type(v: &[u8]) -> Vec<u8> {
    let t = v.split(|&c| c == b';').next().unwrap_or_default();
    t.trim_ascii().to_ascii_lowercase()
}

/// GLib's `g_path_get_basename`: the last part after a `/`, trailing
/// slashes ignored; `/` for slashes only and `.` for nothing.
fn basename(p: &[u8]) -> Vec<u8> {
    if p.is_empty() {
        return b".".to_vec();
    }
    let trimmed = match p.iter().rposition(|&c| c != b'/') {
        Some(end) => &p[..=end],
        None => return b"/".to_vec(),
    };
    let start = trimmed.iter().rposition(|&c| c == b'/').map_or(0, |i| i + 1);
    trimmed[start..].to_vec()
}

/// tshark's `eo_massage_str`: characters Windows refuses in file names
/// (`<>:"/\|?*` and controls) as `%xx`, then the `(dup)` mark and the cut
/// to `MAX_NAME` bytes, keeping the extension when it fits.
fn massage(name: &[u8], dup: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len() + 8);
    for &c in name {
        if b"<>:\"/\\|?*".contains(&c) || (1..0x20).contains(&c) {
            out.extend_from_slice(format!("%{c:02x}").as_bytes());
        } else {
            out.push(c);
        }
    }
    if dup == 0 && out.len() <= MAX_NAME {
        return out;
    }
    let mark = if dup == 0 { Vec::new() } else { format!("({dup})").into_bytes() };
    match out.iter().rposition(|&c| c == b'.').filter(|&dot| out.len() - dot + mark.len() < MAX_NAME) {
        Some(dot) => {
            let ext = out.split_off(dot);
            out.truncate(MAX_NAME - (mark.len() + ext.len()));
            out.extend_from_slice(&mark);
            out.extend_from_slice(&ext);
        }
        None => {
            out.truncate(MAX_NAME - mark.len());
            out.extend_from_slice(&mark);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_and_numbered_before_the_extension_as_in_tshark() {
        assert_eq!(massage(b"/", 0), b"%2f");
        assert_eq!(massage(b"Re: Bro?.eml", 0), b"Re%3a Bro%3f.eml");
        assert_eq!(massage(b"a\x07b\\c", 0), b"a%07b%5cc");
        assert_eq!(massage(b"style.css", 1), b"style(1).css");
        assert_eq!(massage(b"README", 12), b"README(12)");
        assert_eq!(massage(b".", 1), b"(1).");
        let long = vec![b'x'; 300];
        assert_eq!(massage(&long, 0).len(), MAX_NAME);
        let mut with_ext = vec![b'y'; 300];
        with_ext.extend_from_slice(b".html");
        let m = massage(&with_ext, 2);
        assert_eq!(m.len(), MAX_NAME);
        assert!(m.ends_with(b"y(2).html"));
    }

    #[test]
    fn the_last_path_part_names_the_object_as_glib_does() {
        assert_eq!(basename(b"/a/b/index.html"), b"index.html");
        assert_eq!(basename(b"/"), b"/");
        assert_eq!(basename(b"/dir/"), b"dir");
        assert_eq!(basename(b""), b".");
        assert_eq!(basename(b"HTTP/1.1"), b"1.1");
        assert_eq!(basename(b"/x?y=/z"), b"z");
        assert_eq!(ascii(b"a\xffb\0c"), "a\u{FFFD}b".as_bytes());
        assert_eq!(media_type(b" Text/HTML; charset=utf-8"), b"text/html");
        assert_eq!(header_value(b"Subject: Re: lab\r\n"), b"Re: lab");
        assert_eq!(header_value(b"Subject: two\r\n lines\r\n"), b"two\r\n lines");
        assert_eq!(header_value(b"Subject:  \r\n"), b"  ");
    }

    #[test]
    fn arguments_are_checked_with_tsharks_words() {
        let ok = parse(&["http,out/h".into(), "imf,out/i".into()]).unwrap_or_default();
        assert_eq!(ok, [ExportTo { kind: Kind::Http, dir: "out/h".into() }, ExportTo { kind: Kind::Imf, dir: "out/i".into() }]);
        assert!(parse(&["smb,x".into()]).is_err());
        assert!(parse(&["http".into()]).is_err());
        let twice = parse(&["http,a".into(), "http,b".into()]).err().unwrap_or_default();
        assert_eq!(twice, "\"--export-objects\" already specified protocol 'http'");
    }

    #[test]
    fn names_that_escape_or_are_taken_stay_inside_the_directory() {
        let dir = std::env::temp_dir().join(format!("wirelens-eo-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let object = |name: &[u8]| Object { name: Some(name.to_vec()), frame: 1, content_type: None, bytes: b"x".to_vec() };
        let e = Exporter {
            targets: vec![ExportTo { kind: Kind::Http, dir: dir.clone() }],
            http: vec![object(b".."), object(b"."), object(b"..%2f..%2fetc"), object(b"a"), object(b"a")],
            imf: Vec::new(),
            uris: HashMap::new(),
        };
        assert!(e.finish().is_ok());
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        assert_eq!(names, ["(1).", ".(1).", "..%2f..%2fetc", "a", "a(1)"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
