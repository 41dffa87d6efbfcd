//! Following one stream: `-z follow,tcp|udp|tls,ascii|hex|raw,N[,range]`,
//! and the text forms the TUI's follow view shows. TLS's stream is the
//! application data decrypted with a key log, record by record.

use std::fmt::Write;

use std::collections::HashMap;

use super::ladder::{Rung, SYN};
use super::scan::{Addr, TransportFields};
use super::Tap;
use crate::dissect::{Dissection, FrameMeta};
use crate::dissect::session::Session;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    Tcp,
    Udp,
    Tls,
}

impl Proto {
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::Tls => "tls",
        }
    }

    /// The stream index's protocol (TLS's streams are TCP's).
    fn transport(self) -> Proto {
        match self {
            Proto::Tls => Proto::Tcp,
            p => p,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Ascii,
    Hex,
    Raw,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Ascii => "ascii",
            Mode::Hex => "hex",
            Mode::Raw => "raw",
        }
    }
}

/// Bytes one side sent, from one frame, in stream order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub from_client: bool,
    pub frame: u32,
    pub bytes: Vec<u8>,
}

/// A whole stream: who spoke first and what each side said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Followed {
    pub client: Option<(Addr, u16)>,
    pub server: Option<(Addr, u16)>,
    pub chunks: Vec<Chunk>,
}

/// ASCII as tshark shows it: printable bytes, CR and LF kept, the rest `.`.
pub fn ascii_text(bytes: &[u8], out: &mut String) {
    out.extend(bytes.iter().map(|&b| match b {
        b'\r' | b'\n' => b as char,
        0x20..=0x7e => b as char,
        _ => '.',
    }));
}

/// A hex dump whose offsets continue from `offset` (each direction counts
/// its own bytes), 16 bytes a line with a gap after eight.
pub fn hex_lines(offset: usize, bytes: &[u8], prefix: &str, out: &mut String) {
    for (i, line) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{prefix}{:08X}  ", offset + i * 16);
        for k in 0..16 {
            match line.get(k) {
                Some(b) => {
                    let _ = write!(out, "{b:02x} ");
                }
                None => out.push_str("   "),
            }
            if k == 7 {
                out.push(' ');
            }
        }
        out.push(' ');
        for (k, &b) in line.iter().enumerate() {
            out.push(if (0x20..0x7f).contains(&b) { b as char } else { '.' });
            if k == 7 {
                out.push(' ');
            }
        }
        // tshark drops one trailing space (the gap, or a space byte).
        if out.ends_with(' ') {
            out.pop();
        }
        out.push('\n');
    }
}

pub fn raw_hex(bytes: &[u8], out: &mut String) {
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
}

fn node(ep: Option<(Addr, u16)>) -> String {
    match ep {
        Some((a @ Addr::V6(_), p)) => format!("[{a}]:{p}"),
        Some((a, p)) => format!("{a}:{p}"),
        None => ":0".to_string(),
    }
}

impl Followed {
    /// tshark's `-z follow` block, for chunks `first..=last` (1-based).
    pub fn draw(&self, proto: Proto, mode: Mode, stream: u32, range: (u32, u32), out: &mut String) {
        const RULE: &str = "===================================================================\n";
        out.push('\n');
        out.push_str(RULE);
        let _ = writeln!(out, "Follow: {},{}", proto.name(), mode.name());
        let _ = writeln!(out, "Filter: {}.stream eq {stream}", proto.transport().name());
        let _ = writeln!(out, "Node 0: {}", node(self.client));
        let _ = writeln!(out, "Node 1: {}", node(self.server));
        let mut pos = [0usize; 2];
        for (n, c) in self.chunks.iter().enumerate() {
            let n = n as u32 + 1;
            let dir = usize::from(!c.from_client);
            let at = pos[dir];
            pos[dir] += c.bytes.len();
            if n < range.0 || n > range.1 {
                continue;
            }
            let tab = if c.from_client { "" } else { "\t" };
            match mode {
                Mode::Ascii => {
                    let _ = writeln!(out, "{tab}{}", c.bytes.len());
                    ascii_text(&c.bytes, out);
                    out.push('\n');
                }
                Mode::Hex => hex_lines(at, &c.bytes, tab, out),
                Mode::Raw => {
                    out.push_str(tab);
                    raw_hex(&c.bytes, out);
                    out.push('\n');
                }
            }
        }
        out.push_str(RULE);
    }
}

/// Reads a connection's payloads in order, each byte once (retransmitted
/// bytes skipped), one segment at a time, so a view that grows with a
/// capture does not go over the segments it has read.
#[derive(Clone, Debug, Default)]
pub struct TcpFollower {
    /// The next sequence number each side has not sent yet.
    next: [Option<u32>; 2],
}

impl TcpFollower {
    /// The bytes of `r` not seen before, if any.
    pub fn push(&mut self, r: &Rung) -> Option<Chunk> {
        let next = &mut self.next;
        let dir = usize::from(!r.from_client);
        let p = &r.seg.payload;
        if r.seg.flags & SYN != 0 {
            next[dir] = Some(r.seg.seq.wrapping_add(1));
        }
        if p.is_empty() {
            return None;
        }
        let skip = next[dir].map(|n| (n.wrapping_sub(r.seg.seq) as i32).clamp(0, p.len() as i32) as usize).unwrap_or(0);
        let end = r.seg.seq.wrapping_add(p.len() as u32);
        if next[dir].is_none_or(|n| (end.wrapping_sub(n) as i32) > 0) {
            next[dir] = Some(end);
        }
        (skip < p.len()).then(|| Chunk { from_client: r.from_client, frame: r.seg.frame, bytes: p[skip..].to_vec() })
    }
}

/// Parses `tcp,ascii,3` or `udp,hex,0,2-5` (what follows `follow,`).
fn parse_spec(arg: &str) -> Result<(Proto, Mode, u32, (u32, u32)), String> {
    let bad = |why: &str| format!("-z follow,{arg}: {why}");
    let mut parts = arg.split(',');
    let proto = match parts.next() {
        Some("tcp") => Proto::Tcp,
        Some("udp") => Proto::Udp,
        Some("tls") => Proto::Tls,
        _ => return Err(bad("follows tcp, udp or tls")),
    };
    let mode = match parts.next() {
        Some("ascii") => Mode::Ascii,
        Some("hex") => Mode::Hex,
        Some("raw") => Mode::Raw,
        _ => return Err(bad("invalid display mode (ascii, hex or raw)")),
    };
    let stream = parts
        .next()
        .and_then(|s| s.parse::<u32>().ok())
        .ok_or_else(|| bad("give the stream index (tcp.stream / udp.stream)"))?;
    let range = match parts.next() {
        None => (1, u32::MAX),
        Some(r) => {
            let (a, b) = match r.split_once('-') {
                Some((a, b)) => (a.parse::<u32>().ok(), b.parse::<u32>().ok()),
                None => (r.parse::<u32>().ok(), r.parse::<u32>().ok()),
            };
            match (a, b) {
                (Some(a), Some(b)) if a >= 1 && a <= b => (a, b),
                _ => return Err(bad("invalid chunk range")),
            }
        }
    };
    if parts.next().is_some() {
        return Err(bad("invalid parameter"));
    }
    Ok((proto, mode, stream, range))
}

pub struct FollowTap {
    proto: Proto,
    mode: Mode,
    stream: u32,
    range: (u32, u32),
    fields: TransportFields,
    data: Followed,
    /// TCP: the frames of the stream (the session's stream table says
    /// which of their bytes to show, in order) and its first sender.
    frames: HashMap<u32, Vec<u8>>,
    first: Option<(Addr, u16)>,
}

impl FollowTap {
    pub fn parse(arg: &str) -> Result<FollowTap, String> {
        let (proto, mode, stream, range) = parse_spec(arg)?;
        Ok(FollowTap {
            proto,
            mode,
            stream,
            range,
            fields: TransportFields::new(proto.transport().name()),
            data: Followed::default(),
            frames: HashMap::new(),
            first: None,
        })
    }
}

impl Tap for FollowTap {
    fn packet(&mut self, meta: &FrameMeta, d: &Dissection, data: &[u8]) {
        let Some(t) = self.fields.read(d) else { return };
        if self.proto == Proto::Tcp {
            if t.stream == Some(self.stream) {
                self.first.get_or_insert((t.src, t.sport));
                self.frames.insert(meta.number, data.to_vec());
            }
            return;
        }
        if t.stream != Some(self.stream) {
            return;
        }
        if self.proto == Proto::Tls {
            // tshark's TLS follow names only the sender of the first frame
            // with a decrypted record, handshake or not (the server, in TLS
            // 1.3); its Node 1 stays ":0".
            if d.sources.iter().any(|s| s.name == "Decrypted TLS") {
                self.data.client.get_or_insert((t.src, t.sport));
            }
            let from_client = self.data.client == Some((t.src, t.sport));
            for bytes in decrypted_app_data(d) {
                self.data.chunks.push(Chunk { from_client, frame: meta.number, bytes: bytes.to_vec() });
            }
            return;
        }
        // tshark's UDP follow tap sees only datagrams with a payload: the
        // first of those names the client.
        let bytes = t.payload.map(|id| d.node_bytes(data, id)).unwrap_or(&[]);
        if bytes.is_empty() {
            return;
        }
        let f = &mut self.data;
        if f.client.is_none() {
            f.client = Some((t.src, t.sport));
            f.server = Some((t.dst, t.dport));
        }
        let from_client = f.client == Some((t.src, t.sport));
        f.chunks.push(Chunk { from_client, frame: meta.number, bytes: bytes.to_vec() });
    }

    fn draw(&self, session: &Session, out: &mut String) {
        match self.proto {
            Proto::Udp | Proto::Tls => self.data.draw(self.proto, self.mode, self.stream, self.range, out),
            Proto::Tcp => {
                // tshark's Node 0 is the sender of the first segment its tap
                // saw, even when that is the server's SYN-ACK.
                let ep = |(a, p): (std::net::IpAddr, u16)| {
                    (match a {
                        std::net::IpAddr::V4(v) => Addr::V4(v),
                        std::net::IpAddr::V6(v) => Addr::V6(v),
                    }, p)
                };
                let f = match (session.tcp.endpoints(self.stream), self.first) {
                    (Some((c, s)), Some(first)) => {
                        let swap = ep(c) != first;
                        let chunks = session
                            .tcp
                            .follow(self.stream, |n| self.frames.get(&n).cloned())
                            .into_iter()
                            .map(|c| Chunk { from_client: c.from_client != swap, frame: c.frame, bytes: c.bytes })
                            .collect();
                        let (c, s) = if swap { (ep(s), ep(c)) } else { (ep(c), ep(s)) };
                        Followed { client: Some(c), server: Some(s), chunks }
                    }
                    _ => Followed::default(),
                };
                f.draw(self.proto, self.mode, self.stream, self.range, out);
            }
        }
    }
}

/// A frame's decrypted TLS application data, record by record: the
/// "Decrypted TLS" data sources that hold no handshake message or alert.
pub fn decrypted_app_data(d: &Dissection) -> impl Iterator<Item = &[u8]> + '_ {
    d.sources.iter().enumerate().filter_map(move |(i, s)| {
        let id = i as u16 + 1;
        let tls_items = d.tree.nodes.iter().any(|n| {
            n.source == id && ["tls.handshake", "tls.alert_message"].iter().any(|p| n.field.name.starts_with(p))
        });
        (s.name == "Decrypted TLS" && !tls_items).then_some(s.bytes.as_slice())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_dump_matches_tshark_layout() {
        let mut s = String::new();
        hex_lines(0, b"GET /evil%2527sqli HTTP/1.1\r\n", "", &mut s);
        assert_eq!(
            s,
            "00000000  47 45 54 20 2f 65 76 69  6c 25 32 35 32 37 73 71  GET /evi l%2527sq\n\
             00000010  6c 69 20 48 54 54 50 2f  31 2e 31 0d 0a           li HTTP/ 1.1..\n"
        );
        let mut s = String::new();
        hex_lines(0, b"PUBLIC  ABCDEFGH ", "", &mut s);
        assert_eq!(
            s,
            "00000000  50 55 42 4c 49 43 20 20  41 42 43 44 45 46 47 48  PUBLIC   ABCDEFGH\n\
             00000010  20                                                \n"
        );
        let mut s = String::new();
        hex_lines(0x50, b"*\r\n\r\n", "\t", &mut s);
        assert_eq!(s, "\t00000050  2a 0d 0a 0d 0a                                    *....\n");
    }

    #[test]
    fn ascii_keeps_line_ends_only() {
        let mut s = String::new();
        ascii_text(b"a\tb\r\n\x80z", &mut s);
        assert_eq!(s, "a.b\r\n.z");
    }

    #[test]
    fn spec_parsing() {
        assert_eq!(parse_spec("udp,raw,3"), Ok((Proto::Udp, Mode::Raw, 3, (1, u32::MAX))));
        assert_eq!(parse_spec("udp,hex,0,2-4"), Ok((Proto::Udp, Mode::Hex, 0, (2, 4))));
        assert!(parse_spec("udp,ebcdic,0").is_err());
        assert!(parse_spec("udp,ascii,0,3-1").is_err());
        assert!(parse_spec("sctp,ascii,0").is_err());
    }
}
