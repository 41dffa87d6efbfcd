//! Follow stream: what the client and the server said, in order, in two
//! colours, as ASCII, hex or raw; one direction or both; search; save the
//! bytes to a file; Enter selects the packet that carried the line; `t`
//! switches between the TCP payloads and the decrypted TLS data (Follow TLS
//! stream, which needs a key log). It reads new packets on every refresh, so
//! it grows while a capture runs.

use std::sync::mpsc::Sender;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Borders, Widget};

use crate::stats::follow::{ascii_text, hex_lines, raw_hex, Chunk, Mode};

use super::stream::Stream;
use crate::tui::workers::session::ViewProgress;
use crate::tui::action::Action;
use super::{address_port, conversation_filter, footer, move_cursor, put, scroll_to, CLIENT, SERVER};
use crate::tui::event::Event;
use crate::tui::packets::Packets;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Both,
    Client,
    Server,
}

pub struct FollowView {
    frame: u32,
    /// None when the selected packet is in no TCP stream or UDP flow.
    stream: Option<Stream>,
    pub mode: Mode,
    pub direction: Direction,
    /// The text of the chunks read so far in this mode and direction: it
    /// grows with the stream, and is redone only when those change.
    lines: Vec<Line>,
    /// Chunks turned into lines, and each direction's byte count so far
    /// (the hex dump's offsets).
    lined: usize,
    pos: [usize; 2],
    cursor: usize,
    top: std::cell::Cell<usize>,
    /// What is being typed at the bottom line, if anything.
    prompt: Option<Prompt>,
    /// The last search.
    needle: String,
    /// What the view reads, to read it again after `t`.
    packets: Arc<Packets>,
    tx: Sender<Event>,
}

enum Prompt {
    Search(String),
    /// The file to save the shown bytes to.
    Save(String),
}

/// One displayed line and the frame that carried it.
pub struct Line {
    pub text: String,
    pub from_client: bool,
    pub frame: u32,
}

impl FollowView {
    /// Follows the stream of `frame` (its decrypted TLS data when `tls`),
    /// read by a worker reporting on `tx`.
    pub fn start(frame: u32, packets: &Arc<Packets>, tx: &Sender<Event>, tls: bool) -> FollowView {
        FollowView {
            frame,
            stream: FollowView::stream(frame, packets, tx, tls),
            mode: Mode::Ascii,
            direction: Direction::Both,
            lines: Vec::new(),
            lined: 0,
            pos: [0, 0],
            cursor: 0,
            top: Default::default(),
            prompt: None,
            needle: String::new(),
            packets: packets.clone(),
            tx: tx.clone(),
        }
    }

    fn stream(frame: u32, packets: &Arc<Packets>, tx: &Sender<Event>, tls: bool) -> Option<Stream> {
        if tls {
            Stream::start_decrypted(frame, packets, tx)
        } else {
            Stream::start(frame, packets, tx)
        }
    }

    /// Whether the view shows decrypted TLS data.
    pub fn is_tls(&self) -> bool {
        self.stream.as_ref().is_some_and(|s| s.decrypted)
    }

    /// Takes in a chunk of the worker's findings.
    pub fn progress(&mut self, p: ViewProgress) {
        if self.stream.as_mut().is_some_and(|s| s.progress(p)) {
            self.extend_lines();
        }
    }

    /// Whether the worker has read every packet of a complete source.
    pub fn done(&self) -> bool {
        self.stream.as_ref().is_none_or(|s| s.job.done)
    }

    fn shown(&self, c: &Chunk) -> bool {
        match self.direction {
            Direction::Both => true,
            Direction::Client => c.from_client,
            Direction::Server => !c.from_client,
        }
    }

    /// Turns the chunks not yet shown into lines.
    fn extend_lines(&mut self) {
        let Some(s) = self.stream.as_ref() else { return };
        for c in s.chunks.get(self.lined..).unwrap_or_default() {
            let dir = usize::from(!c.from_client);
            let at = self.pos[dir];
            self.pos[dir] += c.bytes.len();
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
                self.lines.push(Line { text: l.trim_end_matches('\r').to_string(), from_client: c.from_client, frame: c.frame });
            }
        }
        self.lined = s.chunks.len();
    }

    /// Redoes the lines after the mode or the direction changed.
    fn relines(&mut self) {
        self.lines.clear();
        (self.lined, self.pos, self.cursor) = (0, [0, 0], 0);
        self.top.set(0);
        self.extend_lines();
    }

    /// The lines of the current mode and direction.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// The bytes shown (the chosen direction), for saving.
    pub fn bytes(&self) -> Vec<u8> {
        let Some(s) = &self.stream else { return Vec::new() };
        s.chunks.iter().filter(|c| self.shown(c)).flat_map(|c| c.bytes.iter().copied()).collect()
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let title = match &self.stream {
            Some(s) => format!(
                " Follow {} {} ⇄ {} [{} · {:?}]{} ",
                if s.decrypted { "TLS".to_string() } else { s.key.proto.to_uppercase() },
                address_port(s.client.0, s.client.1),
                address_port(s.server.0, s.server.1),
                self.mode.name(),
                self.direction,
                s.job.status(),
            ),
            None => " Follow stream ".to_string(),
        };
        let block = Block::new().borders(Borders::ALL).title(title);
        let inner = block.inner(area);
        block.render(area, buf);
        let Some(s) = &self.stream else {
            put(buf, inner, 0, 0, "Not a TCP or UDP packet: select one and press F.", Style::new());
            return;
        };
        if self.lines.is_empty() {
            // A live capture's worker is never done: once it has read what
            // there is, the stream simply has no payload yet.
            let note = match (s.job.caught_up, s.decrypted) {
                (false, _) => "computing…",
                (true, false) => "No payload in this stream yet.",
                (true, true) => "No decrypted TLS data in this stream: Ctrl-k reads a key log; t shows TCP.",
            };
            put(buf, inner, 0, 0, note, Style::new().add_modifier(Modifier::DIM));
        }
        let height = (inner.height as usize).saturating_sub(1);
        let mut top = self.top.get();
        scroll_to(self.cursor, &mut top, height);
        self.top.set(top);
        for (row, (i, l)) in self.lines.iter().enumerate().skip(top).take(height).enumerate() {
            let mut style = if l.from_client { CLIENT } else { SERVER };
            if i == self.cursor {
                style = style.add_modifier(Modifier::REVERSED);
            }
            put(buf, inner, 0, row as u16, &l.text, style);
        }
        let help = match &self.prompt {
            Some(Prompt::Search(t)) => format!("search: {t}▏"),
            Some(Prompt::Save(t)) => format!("save the shown bytes to: {t}▏"),
            None => "m mode · d direction · t TCP/TLS · / search · n next · w save · Enter select packet · Esc close".to_string(),
        };
        footer(buf, inner, &help);
    }

    fn find_next(&mut self) -> Action {
        if self.needle.is_empty() {
            return Action::None;
        }
        let n = self.lines.len();
        for k in 1..=n {
            let i = (self.cursor + k) % n;
            if self.lines[i].text.contains(&self.needle) {
                self.cursor = i;
                return Action::None;
            }
        }
        Action::Message(format!("{:?} not found in the stream", self.needle))
    }

    pub fn handle_key(&mut self, key: KeyEvent, page: usize) -> Action {
        if let Some(p) = self.prompt.as_mut() {
            let (Prompt::Search(t) | Prompt::Save(t)) = p;
            match key.code {
                KeyCode::Char(c) => t.push(c),
                KeyCode::Backspace => {
                    t.pop();
                }
                KeyCode::Enter => match self.prompt.take() {
                    Some(Prompt::Search(t)) => {
                        self.needle = t;
                        return self.find_next();
                    }
                    Some(Prompt::Save(t)) => return self.save(t.trim()),
                    None => {}
                },
                KeyCode::Esc => self.prompt = None,
                _ => {}
            }
            return Action::None;
        }
        if let Some(c) = move_cursor(key.code, self.cursor, self.lines.len(), page) {
            // The packet that carried the line under the cursor is selected
            // in the list (seen once the view closes).
            let was = self.lines.get(self.cursor).map(|l| l.frame);
            self.cursor = c;
            return match self.lines.get(c).map(|l| l.frame) {
                Some(f) if Some(f) != was => Action::Select(f),
                _ => Action::None,
            };
        }
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('F') => Action::Close,
            KeyCode::Char('m') => {
                self.mode = match self.mode {
                    Mode::Ascii => Mode::Hex,
                    Mode::Hex => Mode::Raw,
                    Mode::Raw => Mode::Ascii,
                };
                self.relines();
                Action::None
            }
            KeyCode::Char('d') => {
                self.direction = match self.direction {
                    Direction::Both => Direction::Client,
                    Direction::Client => Direction::Server,
                    Direction::Server => Direction::Both,
                };
                self.relines();
                Action::None
            }
            KeyCode::Char('t') => {
                let tls = !self.is_tls();
                self.stream = FollowView::stream(self.frame, &self.packets, &self.tx, tls);
                self.relines();
                Action::None
            }
            KeyCode::Char('/') => {
                self.prompt = Some(Prompt::Search(String::new()));
                Action::None
            }
            KeyCode::Char('n') => self.find_next(),
            KeyCode::Char('w') => {
                let Some(s) = &self.stream else { return Action::None };
                let index = s.key.index.map(|i| i.to_string()).unwrap_or_else(|| self.frame.to_string());
                let proto = if s.decrypted { "tls" } else { s.key.proto };
                self.prompt = Some(Prompt::Save(format!("wirelens-{proto}-stream-{index}.bin")));
                Action::None
            }
            KeyCode::Enter => match self.lines.get(self.cursor) {
                Some(l) => Action::Select(l.frame),
                None => Action::None,
            },
            _ => Action::None,
        }
    }

    /// The display filter Wireshark applies when following.
    pub fn filter(&self) -> Option<String> {
        let k = &self.stream.as_ref()?.key;
        Some(conversation_filter(k.proto, k.index, k.ends[0], k.ends[1]))
    }

    fn save(&self, name: &str) -> Action {
        if name.is_empty() {
            return Action::Message("not saved: no file name".into());
        }
        let bytes = self.bytes();
        match std::fs::write(name, &bytes) {
            Ok(()) => Action::Message(format!("saved {} bytes to {name}", bytes.len())),
            Err(e) => Action::Message(format!("cannot save {name}: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::{channel, Receiver};

    use super::*;
    use crate::tui::testutil::{pcap, tcp_frame, udp_frame};
    use crate::tui::testutil::{load, load_bytes, rows, settle};
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

    /// The view on `frame`, its worker run to the end.
    fn follow(packets: &Arc<Packets>, frame: u32) -> (FollowView, Receiver<Event>) {
        let (tx, rx) = channel();
        let mut v = FollowView::start(frame, packets, &tx, false);
        settle(&mut v, &rx, FollowView::progress, FollowView::done);
        (v, rx)
    }

    fn texts(v: &FollowView) -> Vec<&str> {
        v.lines().iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn tcp_upper_lab_shows_both_sides_in_order() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures/tcp-upper.pcap");
        let Some(packets) = load(&path) else { return };
        let (mut v, _rx) = follow(&packets, 1);
        let area = Rect::new(0, 0, 80, 8);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        let text = rows(&buf);
        assert!(text[0].contains("Follow TCP") && text[0].contains(":12000"), "{text:#?}");
        assert!(!text[0].contains("packets read…"), "{text:#?}");
        assert!(text[1].starts_with("│hello wirelens"), "{text:#?}");
        assert!(text[2].starts_with("│HELLO WIRELENS"), "{text:#?}");
        assert_eq!(buf[(1, 1)].fg, CLIENT.fg.unwrap_or_default());
        assert_eq!(buf[(1, 2)].fg, SERVER.fg.unwrap_or_default());
        assert_eq!(v.filter().as_deref(), Some("tcp.stream eq 0"));
        // The reply line was carried by frame 6: moving onto it selects it,
        // and so does Enter.
        assert_eq!(v.handle_key(key(KeyCode::Char('j')), 5), Action::Select(6));
        assert_eq!(v.handle_key(key(KeyCode::Char('j')), 5), Action::None);
        assert_eq!(v.handle_key(key(KeyCode::Enter), 5), Action::Select(6));
        // Server side only, as hex.
        v.handle_key(key(KeyCode::Char('d')), 5);
        assert_eq!(texts(&v), ["hello wirelens"]);
        v.handle_key(key(KeyCode::Char('d')), 5);
        v.handle_key(key(KeyCode::Char('m')), 5);
        let lines = v.lines();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].text.starts_with("00000000  48 45 4c 4c 4f 20 57 49  52 45 4c 45 4e 53 0a"), "{}", lines[0].text);
        assert_eq!(v.bytes(), b"HELLO WIRELENS\n");
        // The second connection of the lab is stream 1: opened on its
        // last packet, the view shows it, not the first.
        let (v, _rx) = follow(&packets, packets.len() as u32);
        assert_eq!(v.filter().as_deref(), Some("tcp.stream eq 1"));
        assert_eq!(texts(&v).len(), 2);
    }

    #[test]
    fn udp_lab_and_ipv6_tcp_lab_follow_by_stream() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures");
        let Some(packets) = load(&dir.join("udp-upper.pcap")) else { return };
        // Opened on the server's first reply: the flow's client is still
        // the first sender, as in tshark's "Node 0".
        let (v, _rx) = follow(&packets, 2);
        assert_eq!(texts(&v), ["hello wirelens", "HELLO WIRELENS", "second datagram", "SECOND DATAGRAM"]);
        assert_eq!(v.lines().iter().map(|l| l.from_client).collect::<Vec<_>>(), [true, false, true, false]);
        assert_eq!(v.filter().as_deref(), Some("udp.stream eq 0"));
        let Some(packets) = load(&dir.join("tcp-upper-ipv6.pcap")) else { return };
        let (v, _rx) = follow(&packets, 4);
        let area = Rect::new(0, 0, 80, 6);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        let text = rows(&buf);
        assert!(text[0].contains("Follow TCP [::1]:36146 ⇄ [::1]:12000"), "{text:#?}");
        assert_eq!(texts(&v).len(), 2);
    }

    #[test]
    fn search_moves_to_the_match_and_w_saves_the_bytes() {
        let frames = vec![udp_frame(b"alpha"), udp_frame(b"beta"), udp_frame(b"gamma")];
        let Some(packets) = load_bytes(pcap(&frames)) else { return };
        let (mut v, _rx) = follow(&packets, 1);
        assert_eq!(texts(&v), ["alpha", "beta", "gamma"]);
        v.handle_key(key(KeyCode::Char('/')), 5);
        for c in "gam".chars() {
            v.handle_key(key(KeyCode::Char(c)), 5);
        }
        v.handle_key(key(KeyCode::Enter), 5);
        assert_eq!(v.handle_key(key(KeyCode::Enter), 5), Action::Select(3));
        v.handle_key(key(KeyCode::Char('/')), 5);
        v.handle_key(key(KeyCode::Char('z')), 5);
        assert!(matches!(v.handle_key(key(KeyCode::Enter), 5), Action::Message(_)));
        // w offers a name in the current directory; the user types another.
        v.handle_key(key(KeyCode::Char('w')), 5);
        assert!(matches!(&v.prompt, Some(Prompt::Save(n)) if n == "wirelens-udp-stream-0.bin"));
        let path = std::env::temp_dir().join(format!("wirelens-follow-save-{}.bin", std::process::id()));
        if let Some(Prompt::Save(n)) = v.prompt.as_mut() {
            n.clear();
        }
        for c in path.to_string_lossy().chars() {
            v.handle_key(key(KeyCode::Char(c)), 5);
        }
        let saved = v.handle_key(key(KeyCode::Enter), 5);
        assert_eq!(saved, Action::Message(format!("saved 14 bytes to {}", path.display())));
        assert_eq!(std::fs::read(&path).ok().as_deref(), Some(&b"alphabetagamma"[..]));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn a_packet_outside_tcp_and_udp_has_no_stream() {
        let Some(packets) = load_bytes(pcap(&[udp_frame(b"x")])) else { return };
        let (tx, _rx) = channel();
        let v = FollowView::start(7, &packets, &tx, false);
        assert!(v.done() && v.filter().is_none());
        let area = Rect::new(0, 0, 60, 4);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        assert!(rows(&buf)[1].contains("Not a TCP or UDP packet"));
    }

    #[test]
    fn grows_as_packets_arrive_during_a_capture() {
        // A live capture feeds the store while the worker reads it: the
        // view shows what came after it opened.
        use crate::capture::{Interface, LiveEvent, Record, StoreSource};
        let packets = Arc::new(Packets::new(StoreSource::Memory(Vec::new()), false));
        let (ev_tx, ev_rx) = channel();
        let (tx, rx) = channel();
        let iface = Interface { linktype: 1, snaplen: 65535, ticks_per_sec: 1_000_000_000, ts_digits: 9, name: None, description: None, section: 0 };
        crate::tui::workers::loader::spawn_live(ev_rx, iface, packets.clone(), tx.clone());
        let send = |data: Vec<u8>| {
            let len = data.len() as u32;
            let record = Record { caplen: len, origlen: len, ..Default::default() };
            let _ = ev_tx.send(LiveEvent::Packet { record, linktype: 1, data, comments: Vec::new() });
        };
        // Waits for the view's lines to be `want`, taking in what comes.
        let wait = |v: &mut FollowView, want: &[&str]| {
            while texts(v) != want {
                match rx.recv_timeout(std::time::Duration::from_secs(20)) {
                    Ok(Event::View(p)) => v.progress(p),
                    Ok(_) => {}
                    Err(e) => panic!("view stuck at {:?}: {e}", texts(v)),
                }
            }
        };
        send(seg(0x002, 0, b""));
        while packets.is_empty() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let mut v = FollowView::start(1, &packets, &tx, false);
        // Once the worker has read the handshake, the view says so rather
        // than "computing…".
        while !v.stream.as_ref().is_some_and(|s| s.job.caught_up) {
            match rx.recv_timeout(std::time::Duration::from_secs(20)) {
                Ok(Event::View(p)) => v.progress(p),
                Ok(_) => {}
                Err(e) => panic!("the worker never caught up: {e}"),
            }
        }
        let area = Rect::new(0, 0, 60, 4);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        assert!(rows(&buf)[1].contains("No payload in this stream yet."), "{:#?}", rows(&buf));
        send(seg(0x018, 1, b"one\n"));
        wait(&mut v, &["one"]);
        assert!(!v.done(), "a running capture is never all read");
        send(seg(0x018, 5, b"two\n"));
        send(seg(0x018, 5, b"two\n"));
        send(seg(0x018, 9, b"three\n"));
        // The retransmitted "two" is shown once.
        wait(&mut v, &["one", "two", "three"]);
        drop(ev_tx);
        settle(&mut v, &rx, FollowView::progress, FollowView::done);
        assert_eq!(texts(&v), ["one", "two", "three"]);
    }
}
