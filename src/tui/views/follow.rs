//! Follow stream: what the client and the server said, in order, in two
//! colours, as ASCII, hex or raw; one direction or both; search; save the
//! bytes to a file; Enter selects the packet that carried the line. It
//! reads new packets on every refresh, so it grows while a capture runs.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Borders, Widget};

use crate::stats::follow::{ascii_text, hex_lines, raw_hex, tcp_chunks, Chunk, Mode};
use crate::stats::ladder::Connections;
use crate::stats::scan::TransportFields;
use crate::stats::Addr;

use super::{conversation_filter, footer, move_cursor, put, scroll_to, Action, Feed, CLIENT, SERVER};
use crate::tui::packets::Packets;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Both,
    Client,
    Server,
}

type Endpoint = (Addr, u16);

/// A UDP datagram with a payload.
struct Datagram {
    src: Endpoint,
    dst: Endpoint,
    stream: Option<u32>,
    frame: u32,
    bytes: Vec<u8>,
}

pub struct FollowView {
    frame: u32,
    conns: Connections,
    udp: TransportFields,
    datagrams: Vec<Datagram>,
    feed: Feed,
    pub mode: Mode,
    pub direction: Direction,
    cursor: usize,
    top: std::cell::Cell<usize>,
    /// The search being typed, if any, and the last one.
    typing: Option<String>,
    needle: String,
}

/// One displayed line and the frame that carried it.
pub struct Line {
    pub text: String,
    pub from_client: bool,
    pub frame: u32,
}

/// The followed stream: protocol, endpoints (client first), stream index.
pub struct Stream {
    pub proto: &'static str,
    pub client: Endpoint,
    pub server: Endpoint,
    pub index: Option<u32>,
    pub chunks: Vec<Chunk>,
}

impl FollowView {
    pub fn new(frame: u32) -> FollowView {
        FollowView {
            frame,
            conns: Connections::default(),
            udp: TransportFields::new("udp"),
            datagrams: Vec::new(),
            feed: Feed::default(),
            mode: Mode::Ascii,
            direction: Direction::Both,
            cursor: 0,
            top: Default::default(),
            typing: None,
            needle: String::new(),
        }
    }

    pub fn refresh(&mut self, packets: &Packets) -> bool {
        let (conns, udp, datagrams, frame) = (&mut self.conns, &self.udp, &mut self.datagrams, self.frame);
        self.feed.pull(packets, |n, rel, d, bytes| {
            conns.packet(d, bytes, n, rel);
            if let Some(t) = udp.read(d) {
                let b = t.payload.map(|id| d.node_bytes(bytes, id)).unwrap_or(&[]);
                // A datagram without payload still names the flow when it
                // is the one selected.
                if !b.is_empty() || n == frame {
                    datagrams.push(Datagram {
                        src: (t.src, t.sport),
                        dst: (t.dst, t.dport),
                        stream: t.stream,
                        frame: n,
                        bytes: b.to_vec(),
                    });
                }
            }
        })
    }

    /// The stream of the frame the view was opened on.
    pub fn stream(&self) -> Option<Stream> {
        if let Some((index, l)) = self.conns.list.iter().find(|(_, l)| l.rungs.iter().any(|r| r.seg.frame == self.frame)) {
            return Some(Stream {
                proto: "tcp",
                client: l.client,
                server: l.server,
                index: Some(*index),
                chunks: tcp_chunks(l),
            });
        }
        let sel = self.datagrams.iter().find(|g| g.frame == self.frame)?;
        let same = |g: &&Datagram| (g.src == sel.src && g.dst == sel.dst) || (g.src == sel.dst && g.dst == sel.src);
        let first = self.datagrams.iter().find(same)?;
        let (client, server) = (first.src, first.dst);
        let chunks = self
            .datagrams
            .iter()
            .filter(same)
            .filter(|g| !g.bytes.is_empty())
            .map(|g| Chunk { from_client: g.src == client, frame: g.frame, bytes: g.bytes.clone() })
            .collect();
        Some(Stream { proto: "udp", client, server, index: sel.stream, chunks })
    }

    fn shown(&self, c: &Chunk) -> bool {
        match self.direction {
            Direction::Both => true,
            Direction::Client => c.from_client,
            Direction::Server => !c.from_client,
        }
    }

    /// The lines of the current mode and direction.
    pub fn lines(&self) -> Vec<Line> {
        let Some(s) = self.stream() else { return Vec::new() };
        let mut out = Vec::new();
        let mut pos = [0usize; 2];
        for c in &s.chunks {
            let dir = usize::from(!c.from_client);
            let at = pos[dir];
            pos[dir] += c.bytes.len();
            if !self.shown(c) {
                continue;
            }
            let mut text = String::new();
            match self.mode {
                Mode::Ascii => ascii_text(&c.bytes, &mut text),
                Mode::Hex => hex_lines(at, &c.bytes, "", &mut text),
                Mode::Raw => raw_hex(&c.bytes, &mut text),
            }
            for l in text.trim_end_matches('\n').split('\n') {
                out.push(Line { text: l.trim_end_matches('\r').to_string(), from_client: c.from_client, frame: c.frame });
            }
        }
        out
    }

    /// The bytes shown (the chosen direction), for saving.
    pub fn bytes(&self) -> Vec<u8> {
        let Some(s) = self.stream() else { return Vec::new() };
        s.chunks.iter().filter(|c| self.shown(c)).flat_map(|c| c.bytes.iter().copied()).collect()
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let s = self.stream();
        let title = match &s {
            Some(s) => format!(
                " Follow {} {}:{} ⇄ {}:{} [{} · {:?}] ",
                s.proto.to_uppercase(),
                s.client.0,
                s.client.1,
                s.server.0,
                s.server.1,
                self.mode.name(),
                self.direction
            ),
            None => " Follow stream ".to_string(),
        };
        let block = Block::new().borders(Borders::ALL).title(title);
        let inner = block.inner(area);
        block.render(area, buf);
        if s.is_none() {
            put(buf, inner, 0, 0, "Not a TCP or UDP packet: select one and press F.", Style::new());
            return;
        }
        let lines = self.lines();
        let height = (inner.height as usize).saturating_sub(1);
        let mut top = self.top.get();
        scroll_to(self.cursor, &mut top, height);
        self.top.set(top);
        for (row, (i, l)) in lines.iter().enumerate().skip(top).take(height).enumerate() {
            let mut style = if l.from_client { CLIENT } else { SERVER };
            if i == self.cursor {
                style = style.add_modifier(Modifier::REVERSED);
            }
            put(buf, inner, 0, row as u16, &l.text, style);
        }
        let help = match &self.typing {
            Some(t) => format!("search: {t}▏"),
            None => "m mode · d direction · / search · n next · w save · Enter select packet · Esc close".to_string(),
        };
        footer(buf, inner, &help);
    }

    fn find_next(&mut self) -> Action {
        if self.needle.is_empty() {
            return Action::None;
        }
        let lines = self.lines();
        let n = lines.len();
        for k in 1..=n {
            let i = (self.cursor + k) % n;
            if lines[i].text.contains(&self.needle) {
                self.cursor = i;
                return Action::None;
            }
        }
        Action::Message(format!("{:?} not found in the stream", self.needle))
    }

    pub fn handle_key(&mut self, key: KeyEvent, page: usize) -> Action {
        if let Some(t) = self.typing.as_mut() {
            match key.code {
                KeyCode::Char(c) => t.push(c),
                KeyCode::Backspace => {
                    t.pop();
                }
                KeyCode::Enter => {
                    self.needle = self.typing.take().unwrap_or_default();
                    return self.find_next();
                }
                KeyCode::Esc => self.typing = None,
                _ => {}
            }
            return Action::None;
        }
        let len = self.lines().len();
        if let Some(c) = move_cursor(key.code, self.cursor, len, page) {
            self.cursor = c;
            return Action::None;
        }
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('F') => Action::Close,
            KeyCode::Char('m') => {
                self.mode = match self.mode {
                    Mode::Ascii => Mode::Hex,
                    Mode::Hex => Mode::Raw,
                    Mode::Raw => Mode::Ascii,
                };
                self.cursor = 0;
                Action::None
            }
            KeyCode::Char('d') => {
                self.direction = match self.direction {
                    Direction::Both => Direction::Client,
                    Direction::Client => Direction::Server,
                    Direction::Server => Direction::Both,
                };
                self.cursor = 0;
                Action::None
            }
            KeyCode::Char('/') => {
                self.typing = Some(String::new());
                Action::None
            }
            KeyCode::Char('n') => self.find_next(),
            KeyCode::Char('w') => self.save(),
            KeyCode::Enter => match self.lines().get(self.cursor) {
                Some(l) => Action::Select(l.frame),
                None => Action::None,
            },
            _ => Action::None,
        }
    }

    /// The display filter Wireshark applies when following.
    pub fn filter(&self) -> Option<String> {
        let s = self.stream()?;
        Some(conversation_filter(s.proto, s.index, s.client, s.server))
    }

    fn save(&self) -> Action {
        let Some(s) = self.stream() else { return Action::None };
        let name = format!("wirelens-{}-stream-{}.bin", s.proto, s.index.map(|i| i.to_string()).unwrap_or_else(|| self.frame.to_string()));
        match std::fs::write(&name, self.bytes()) {
            Ok(()) => Action::Message(format!("saved {} bytes to {name}", self.bytes().len())),
            Err(e) => Action::Message(format!("cannot save {name}: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::testutil::{pcap, tcp_frame, udp_frame};
    use crate::tui::views::testing::{load, load_bytes, rows};
    use crossterm::event::KeyModifiers;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    /// A client segment with sequence number `seq`.
    fn seg(flags: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
        let mut f = tcp_frame(flags, payload);
        f[38..42].copy_from_slice(&seq.to_be_bytes());
        f
    }

    #[test]
    fn tcp_upper_lab_shows_both_sides_in_order() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures/tcp-upper.pcap");
        let Some(packets) = load(&path) else { return };
        let mut v = FollowView::new(1);
        v.refresh(&packets);
        let area = Rect::new(0, 0, 80, 8);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        let text = rows(&buf);
        assert!(text[0].contains("Follow TCP") && text[0].contains(":12000"), "{text:#?}");
        assert!(text[1].starts_with("│hello wirelens"), "{text:#?}");
        assert!(text[2].starts_with("│HELLO WIRELENS"), "{text:#?}");
        assert_eq!(buf[(1, 1)].fg, CLIENT.fg.unwrap_or_default());
        assert_eq!(buf[(1, 2)].fg, SERVER.fg.unwrap_or_default());
        assert_eq!(v.filter().as_deref().map(|f| f.contains("12000") || f.starts_with("tcp.stream eq 0")), Some(true));
        // The reply line was carried by frame 6; Enter selects it.
        v.handle_key(key(KeyCode::Char('j')), 5);
        assert_eq!(v.handle_key(key(KeyCode::Enter), 5), Action::Select(6));
        // Server side only, as hex.
        v.handle_key(key(KeyCode::Char('d')), 5);
        v.handle_key(key(KeyCode::Char('d')), 5);
        v.handle_key(key(KeyCode::Char('m')), 5);
        let lines = v.lines();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].text.starts_with("00000000  48 45 4c 4c 4f 20 57 49  52 45 4c 45 4e 53 0a"), "{}", lines[0].text);
        assert_eq!(v.bytes(), b"HELLO WIRELENS\n");
    }

    #[test]
    fn search_moves_to_the_match() {
        let frames = vec![udp_frame(b"alpha"), udp_frame(b"beta"), udp_frame(b"gamma")];
        let Some(packets) = load_bytes(pcap(&frames)) else { return };
        let mut v = FollowView::new(1);
        v.refresh(&packets);
        assert_eq!(v.lines().len(), 3);
        v.handle_key(key(KeyCode::Char('/')), 5);
        for c in "gam".chars() {
            v.handle_key(key(KeyCode::Char(c)), 5);
        }
        v.handle_key(key(KeyCode::Enter), 5);
        assert_eq!(v.handle_key(key(KeyCode::Enter), 5), Action::Select(3));
        v.handle_key(key(KeyCode::Char('/')), 5);
        v.handle_key(key(KeyCode::Char('z')), 5);
        assert!(matches!(v.handle_key(key(KeyCode::Enter), 5), Action::Message(_)));
    }

    #[test]
    fn grows_as_packets_arrive() {
        // A live capture appends to the store; each refresh reads the rest.
        let first = vec![seg(0x002, 0, b""), seg(0x018, 1, b"one\n")];
        let Some(packets) = load_bytes(pcap(&first)) else { return };
        let mut v = FollowView::new(1);
        v.refresh(&packets);
        assert_eq!(v.lines().len(), 1);
        let all = vec![seg(0x002, 0, b""), seg(0x018, 1, b"one\n"), seg(0x018, 5, b"two\n"), seg(0x018, 5, b"two\n")];
        let Some(more) = load_bytes(pcap(&all)) else { return };
        assert!(v.refresh(&more));
        // The retransmitted "two" is shown once.
        assert_eq!(v.lines().iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["one", "two"]);
        assert!(!v.refresh(&more));
    }
}
