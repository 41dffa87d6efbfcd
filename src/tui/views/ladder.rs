//! The ladder diagram of one conversation: the client on the left, the
//! server on the right, one arrow per packet, the time since the previous
//! one. A TCP connection's arrows carry flags, relative seq/ack and length,
//! with each endpoint's state beside them; a UDP flow's or an ICMP echo
//! exchange's carry the Info, each reply its round-trip time, and a request
//! nobody answered (a lost ping) ends in a cross with "no reply" beside it.
//! In a TCP connection of FTP, POP3, IMAP or TLS, a segment carrying a
//! command or a reply says it on its arrow, the reply with the time since
//! the command it answers (paired by `stats::command_replies`).

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, Widget};

use std::collections::HashMap;
use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::dissect::tcp::flag_list;
use crate::filter::Filter;
use crate::stats::exchange::{rtt_text, Exchange, Role};
use crate::stats::ladder::{Rung, RST};

use super::stream::Stream;
use crate::tui::workers::flows::{self, Conv, Exchanges};
use crate::tui::workers::session::{Found, Job, ViewProgress};
use crate::tui::action::Action;
use super::{address_port, move_cursor, put, scroll_to, CLIENT, SERVER};
use crate::tui::event::Event;
use crate::tui::packets::Packets;

/// What the ladder draws.
enum Body {
    /// The TCP connection of the frame the view was opened on, and what its
    /// packets say as commands and replies (by frame), read by a second worker.
    Tcp { stream: Stream, apps: Option<Job>, said: HashMap<u32, String> },
    /// Its UDP flow or ICMP echo exchange; the client is the first sender.
    Exchange { conv: Conv, job: Job, ends: Option<(String, String)>, x: Exchanges },
    /// The frame is in no conversation the ladder draws.
    Nothing,
}

pub struct LadderView {
    body: Body,
    /// The frame the view was opened on: the cursor starts on its arrow.
    frame: u32,
    placed: bool,
    cursor: usize,
    top: std::cell::Cell<usize>,
}

const STATE_W: usize = 12;

/// One row of the diagram, whatever the protocol.
struct Arrow {
    frame: u32,
    /// Since the previous arrow, in nanoseconds.
    delta: i64,
    from_client: bool,
    label: String,
    style: Style,
    /// Beside the client's and the server's lifelines.
    left: String,
    right: (String, Style),
    /// Drawn without a head: nobody answered.
    alone: bool,
}

impl LadderView {
    /// Draws the conversation of `frame`, read by a worker reporting on `tx`.
    pub fn start(frame: u32, packets: &Arc<Packets>, tx: &Sender<Event>) -> LadderView {
        let body = match flows::of_frame(packets, frame).and_then(|item| item.conv) {
            Some(conv) => {
                let job = Job::default();
                flows::spawn(packets.clone(), None, Some(conv), tx.clone(), &job);
                Body::Exchange { conv, job, ends: None, x: Exchanges::default() }
            }
            None => match Stream::start(frame, packets, tx).filter(|s| s.key.proto == "tcp") {
                Some(stream) => {
                    // Its commands and replies, paired by `stats::command_replies` in the flows worker.
                    let filter = stream.key.index.and_then(|n| Filter::compile(&format!("tcp.stream == {n}")).ok());
                    let apps = filter.map(|f| {
                        let job = Job::default();
                        flows::spawn(packets.clone(), Some(Arc::new(f)), None, tx.clone(), &job);
                        job
                    });
                    Body::Tcp { stream, apps, said: HashMap::new() }
                }
                None => Body::Nothing,
            },
        };
        LadderView { body, frame, placed: false, cursor: 0, top: Default::default() }
    }

    /// Takes in a chunk of the worker's findings.
    pub fn progress(&mut self, p: ViewProgress) {
        let taken = match &mut self.body {
            Body::Tcp { stream, apps, said } => match apps.as_mut().filter(|j| j.generation() == p.generation) {
                Some(job) => {
                    job.accept_at(p.generation, p.scanned_to, p.caught_up, p.done);
                    if let Found::Flows(items) = p.found {
                        said.extend(items.into_iter().filter(|it| !it.said.is_empty()).map(|it| (it.frame, it.said)));
                    }
                    false
                }
                None => stream.progress(p),
            },
            Body::Exchange { job, ends, x, .. } => {
                if !job.accept_at(p.generation, p.scanned_to, p.caught_up, p.done) {
                    return;
                }
                if let Found::Flows(items) = p.found {
                    for it in items {
                        ends.get_or_insert_with(|| (it.src.clone(), it.dst.clone()));
                        x.push(&it);
                    }
                }
                true
            }
            Body::Nothing => false,
        };
        if taken && !self.placed {
            if let Some(i) = (0..self.len()).position(|i| self.frame_at(i) == Some(self.frame)) {
                (self.cursor, self.placed) = (i, true);
            }
        }
    }

    /// Whether the worker has read every packet of a complete source.
    pub fn done(&self) -> bool {
        match &self.body {
            Body::Tcp { stream, apps, .. } => stream.job.done && apps.as_ref().is_none_or(|j| j.done),
            Body::Exchange { job, .. } => job.done,
            Body::Nothing => true,
        }
    }

    /// The messages of a UDP or ICMP ladder.
    pub fn exchange(&self) -> Option<&Exchange> {
        match &self.body {
            Body::Exchange { conv, x, .. } => x.get(*conv),
            _ => None,
        }
    }

    fn len(&self) -> usize {
        match &self.body {
            Body::Tcp { stream, .. } => stream.ladder.as_ref().map_or(0, |l| l.rungs.len()),
            Body::Exchange { .. } => self.exchange().map_or(0, |x| x.messages.len()),
            Body::Nothing => 0,
        }
    }

    fn frame_at(&self, i: usize) -> Option<u32> {
        match &self.body {
            Body::Tcp { stream, .. } => stream.ladder.as_ref()?.rungs.get(i).map(|r| r.seg.frame),
            Body::Exchange { .. } => self.exchange()?.messages.get(i).map(|m| m.frame),
            Body::Nothing => None,
        }
    }

    fn label(r: &Rung) -> String {
        let mut s = String::new();
        flag_list(r.seg.flags, &mut s);
        s.push_str(&format!(" Seq={}", r.rel_seq));
        if let Some(a) = r.rel_ack {
            s.push_str(&format!(" Ack={a}"));
        }
        s.push_str(&format!(" Len={}", r.seg.len));
        if r.retrans {
            s.push_str(" [retransmission]");
        }
        s
    }

    /// A segment's arrow; one carrying a command or a reply says it first,
    /// before its flags and numbers.
    fn tcp_arrow(r: &Rung, said: Option<&String>) -> Arrow {
        let mut style = if r.from_client { CLIENT } else { SERVER };
        if r.retrans {
            style = style.fg(Color::Yellow);
        }
        if r.seg.flags & RST != 0 {
            style = Style::new().fg(Color::White).bg(Color::Red);
        }
        Arrow {
            frame: r.seg.frame,
            delta: r.delta,
            from_client: r.from_client,
            label: said.map_or_else(|| Self::label(r), |s| format!("{s} · {}", Self::label(r))),
            style,
            left: r.client.name().to_string(),
            right: (r.server.name().to_string(), SERVER),
            alone: false,
        }
    }

    /// The arrows of a UDP or ICMP exchange: each reply with its round-trip
    /// time, each request left unanswered marked.
    fn exchange_arrows(x: &Exchange) -> Vec<Arrow> {
        let lost = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
        let mut prev = None;
        x.messages
            .iter()
            .map(|m| {
                let delta = prev.map_or(0, |p| m.rel - p);
                prev = Some(m.rel);
                let side = if m.from_client { CLIENT } else { SERVER };
                let (label, style, right, alone) = match m.role {
                    Role::Reply { rtt, .. } => (format!("{} · RTT {}", m.label, rtt_text(rtt)), side, String::new(), false),
                    Role::Request { reply: Some(r) } => (m.label.clone(), side, format!("reply in {}", x.messages.get(r).map_or(0, |r| r.frame)), false),
                    Role::Request { reply: None } => (m.label.clone(), lost, "✗ no reply".to_string(), true),
                };
                let right_style = if alone { lost } else { Style::new().add_modifier(Modifier::DIM) };
                Arrow { frame: m.frame, delta, from_client: m.from_client, label, style, left: String::new(), right: (right, right_style), alone }
            })
            .collect()
    }

    /// The arrow between the two lifelines, `width` columns wide.
    fn arrow(a: &Arrow, width: usize) -> String {
        let label = format!(" {} ", a.label);
        let inner = width.saturating_sub(2);
        let label: String = label.chars().take(inner).collect();
        let dashes = inner.saturating_sub(label.chars().count());
        let (l, rr) = (dashes / 2, dashes - dashes / 2);
        match (a.from_client, a.alone) {
            (true, false) => format!("{}{}{}>", "─".repeat(l + 1), label, "─".repeat(rr)),
            (false, false) => format!("<{}{}{}", "─".repeat(l), label, "─".repeat(rr + 1)),
            (true, true) => format!("{}{}{}✗", "─".repeat(l + 1), label, "─".repeat(rr)),
            (false, true) => format!("✗{}{}{}", "─".repeat(l), label, "─".repeat(rr + 1)),
        }
    }

    /// The title, the two ends and the rows, or why there are none.
    fn content(&self) -> Result<(String, String, String, Vec<Arrow>), &'static str> {
        match &self.body {
            Body::Tcp { stream, said, .. } => {
                let l = stream.ladder.as_ref().ok_or("computing…")?;
                let ends = (address_port(l.client.0, l.client.1), address_port(l.server.0, l.server.1));
                let arrows = l.rungs.iter().map(|r| Self::tcp_arrow(r, said.get(&r.seg.frame))).collect();
                Ok(("TCP ladder".into(), ends.0, ends.1, arrows))
            }
            Body::Exchange { conv, ends, .. } => {
                let (client, server) = ends.clone().ok_or("computing…")?;
                let x = self.exchange().ok_or("computing…")?;
                let lost = x.unanswered().count();
                let title = format!("{} ladder · {} unanswered", conv.name(), lost);
                Ok((title, client, server, Self::exchange_arrows(x)))
            }
            Body::Nothing => Err("No TCP, UDP or ICMP echo packet selected: select one and press L."),
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let status = match &self.body {
            Body::Tcp { stream, .. } => stream.job.status(),
            Body::Exchange { job, .. } => job.status(),
            Body::Nothing => String::new(),
        };
        let content = self.content();
        let name = content.as_ref().map_or("Ladder", |c| c.0.as_str());
        let title = format!(" {name} (Enter: select packet, Esc: close){status} ");
        let block = Block::new().borders(Borders::ALL).title(title);
        let inner = block.inner(area);
        block.render(area, buf);
        let (client, server, arrows) = match content {
            Ok((_, c, s, a)) => (c, s, a),
            Err(note) => {
                put(buf, inner, 0, 0, note, Style::new());
                return;
            }
        };
        // Columns: frame, +time, client state │ arrow │ server state.
        let gutter = 16;
        let w = inner.width as usize;
        let arrow_w = w.saturating_sub(gutter + 2 * STATE_W + 4).max(10);
        let left = gutter + STATE_W + 1;
        let right = left + 1 + arrow_w;
        let head = Style::new().add_modifier(Modifier::BOLD);
        put(buf, inner, 0, 0, "frame  +time(s)", head);
        put(buf, inner, left.saturating_sub(6) as u16, 0, &format!("client {client}"), head.patch(CLIENT));
        let sname = format!("server {server}");
        put(buf, inner, (right + 1).saturating_sub(sname.len().min(right + 1) / 2) as u16, 0, &sname, head.patch(SERVER));
        let height = (inner.height as usize).saturating_sub(1);
        let mut top = self.top.get();
        scroll_to(self.cursor, &mut top, height);
        self.top.set(top);
        for (row, (i, a)) in arrows.iter().enumerate().skip(top).take(height).enumerate() {
            let y = row as u16 + 1;
            let style = if i == self.cursor { a.style.add_modifier(Modifier::REVERSED) } else { a.style };
            let t = a.delta as f64 / 1e9;
            put(buf, inner, 0, y, &format!("{:>5} {:>+9.6}", a.frame, t), Style::new());
            put(buf, inner, gutter as u16, y, &format!("{:>STATE_W$}", a.left), CLIENT);
            put(buf, inner, left as u16, y, "│", Style::new());
            put(buf, inner, (left + 1) as u16, y, &Self::arrow(a, arrow_w), style);
            put(buf, inner, right as u16, y, "│", Style::new());
            put(buf, inner, (right + 2) as u16, y, &a.right.0, a.right.1);
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent, page: usize) -> Action {
        if let Some(c) = move_cursor(key.code, self.cursor, self.len(), page) {
            // The arrow under the cursor selects its packet in the list.
            let moved = c != self.cursor;
            self.cursor = c;
            return match self.frame_at(c) {
                Some(f) if moved => Action::Select(f),
                _ => Action::None,
            };
        }
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('L') => Action::Close,
            KeyCode::Enter => self.frame_at(self.cursor).map_or(Action::None, Action::Select),
            _ => Action::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::testutil::{rows, sample, settle};
    use crossterm::event::KeyModifiers;

    #[test]
    fn tcp_upper_lab_reads_as_a_ladder() {
        let Some(packets) = sample("tcp-upper.pcap") else { return };
        let (tx, rx) = std::sync::mpsc::channel();
        let mut v = LadderView::start(4, &packets, &tx);
        settle(&mut v, &rx, LadderView::progress, LadderView::done);
        let area = Rect::new(0, 0, 110, 14);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        let text = rows(&buf);
        let arrows: Vec<String> = text[2..12]
            .iter()
            .map(|r| {
                // The arrow between the lifelines, its dashes collapsed.
                let a: String = r.split('│').nth(2).unwrap_or_default().to_string();
                let mut out = String::new();
                for ch in a.trim().chars() {
                    if !(ch == '─' && out.ends_with('─')) {
                        out.push(ch);
                    }
                }
                out
            })
            .collect();
        assert_eq!(
            arrows,
            [
                "─ SYN Seq=0 Len=0 ─>",
                "<─ SYN, ACK Seq=0 Ack=1 Len=0 ─",
                "─ ACK Seq=1 Ack=1 Len=0 ─>",
                "─ PSH, ACK Seq=1 Ack=1 Len=15 ─>",
                "<─ ACK Seq=1 Ack=16 Len=0 ─",
                "<─ PSH, ACK Seq=1 Ack=16 Len=15 ─",
                "─ ACK Seq=16 Ack=16 Len=0 ─>",
                "─ FIN, ACK Seq=16 Ack=16 Len=0 ─>",
                "<─ FIN, ACK Seq=16 Ack=17 Len=0 ─",
                "─ ACK Seq=17 Ack=17 Len=0 ─>",
            ],
            "{text:#?}"
        );
        assert!(text[1].contains("client 127.0.0.1:") && text[1].contains("server 127.0.0.1:12000"));
        assert!(text[2].contains("SYN_SENT") && text[2].contains("LISTEN"));
        assert!(text[4].contains("ESTABLISHED"));
        assert!(text[9].contains("FIN_WAIT_1") && text[9].contains("CLOSE_WAIT"));
        assert!(text[11].contains("TIME_WAIT") && text[11].contains("CLOSED"));
        // The second connection is not drawn.
        assert_eq!(arrows.len(), 10);
        // The cursor starts on the arrow of the packet the view was opened on.
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        // Moving onto an arrow selects its packet; so does Enter.
        assert_eq!(v.handle_key(key(KeyCode::Enter), 10), Action::Select(4));
        assert_eq!(v.handle_key(key(KeyCode::Char('j')), 10), Action::Select(5));
        assert_eq!(v.handle_key(key(KeyCode::Char('j')), 10), Action::Select(6));
        assert_eq!(v.handle_key(key(KeyCode::Enter), 10), Action::Select(6));
        assert_eq!(v.handle_key(key(KeyCode::Char('g')), 10), Action::Select(1));
        assert_eq!(v.handle_key(key(KeyCode::Char('k')), 10), Action::None);
        assert_eq!(v.handle_key(key(KeyCode::Esc), 10), Action::Close);
    }

    #[test]
    fn retransmissions_and_resets_are_marked_and_long_streams_scroll() {
        use crate::stats::ladder::{ACK, PSH, RST, SYN};
        use crate::tui::testutil::{pcap, tcp_seg};
        use crate::tui::testutil::load_bytes;
        let mut frames = vec![
            tcp_seg(false, SYN, 100, 0, b""),
            tcp_seg(true, SYN | ACK, 500, 101, b""),
            tcp_seg(false, ACK, 101, 501, b""),
            tcp_seg(false, PSH | ACK, 101, 501, b"hello"),
            tcp_seg(false, PSH | ACK, 101, 501, b"hello"),
        ];
        for i in 0..10u32 {
            frames.push(tcp_seg(false, PSH | ACK, 106 + 3 * i, 501, b"abc"));
        }
        frames.push(tcp_seg(true, RST | ACK, 501, 136, b""));
        let Some(packets) = load_bytes(pcap(&frames)) else { return };
        let (tx, rx) = std::sync::mpsc::channel();
        let mut v = LadderView::start(1, &packets, &tx);
        settle(&mut v, &rx, LadderView::progress, LadderView::done);
        assert_eq!(v.len(), 16);
        // Seven rows: the border, the endpoints' line, four arrows, the border.
        let area = Rect::new(0, 0, 120, 7);
        let draw = |v: &LadderView| {
            let mut buf = Buffer::empty(area);
            v.render(area, &mut buf);
            buf
        };
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        for _ in 0..4 {
            v.handle_key(key(KeyCode::Char('j')), 4);
        }
        let buf = draw(&v);
        let text = rows(&buf);
        let retrans = text.iter().position(|r| r.contains("PSH, ACK Seq=1 Ack=1 Len=5 [retransmission]"));
        let Some(y) = retrans else { panic!("{text:#?}") };
        assert!(text[y].trim_start_matches('│').trim_start().starts_with('5'), "{text:#?}");
        let x = text[y].find("PSH").map(|b| text[y][..b].chars().count()).unwrap_or(0) as u16;
        assert_eq!(buf[(x, y as u16)].fg, Color::Yellow);
        // The first frames have scrolled away.
        assert!(!text.iter().any(|r| r.contains("SYN Seq=0")), "{text:#?}");
        assert_eq!(v.handle_key(key(KeyCode::Char('G')), 4), Action::Select(16));
        let buf = draw(&v);
        let text = rows(&buf);
        let Some(y) = text.iter().position(|r| r.contains("RST, ACK Seq=1 Ack=36 Len=0")) else { panic!("{text:#?}") };
        assert!(text[y].matches("RESET").count() == 2, "{text:#?}");
        let x = text[y].find("RST").map(|b| text[y][..b].chars().count()).unwrap_or(0) as u16;
        assert_eq!(buf[(x, y as u16)].bg, Color::Red);
    }

    /// The view on a sample capture, settled, drawn `w`×`h`.
    fn drawn(name: &str, frame: u32, w: u16, h: u16) -> Option<(LadderView, Vec<String>)> {
        let packets = sample(name)?;
        let (tx, rx) = std::sync::mpsc::channel();
        let mut v = LadderView::start(frame, &packets, &tx);
        settle(&mut v, &rx, LadderView::progress, LadderView::done);
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        Some((v, rows(&buf)))
    }

    #[test]
    fn the_pinger_reads_as_pings_and_replies_with_the_lost_ones_alone() {
        let Some((v, text)) = drawn("ping.pcap", 5, 130, 21) else { return };
        // Pings 2, 6 and 9 were dropped by the server (see the capture's README line).
        assert_eq!(v.exchange().map(|x| x.unanswered().collect::<Vec<_>>()), Some(vec![3, 10, 15]));
        assert!(text[0].contains("UDP ladder · 3 unanswered"), "{text:#?}");
        assert!(text[1].contains("client 127.0.0.1:50554") && text[1].contains("server 127.0.0.1:12000"), "{text:#?}");
        let row = |frame: u32| text.iter().find(|r| r.trim_start_matches('│').split_whitespace().next() == Some(&frame.to_string())).cloned().unwrap_or_default();
        let lost = row(3);
        assert!(lost.contains("Ping 2 ") && lost.contains("✗ no reply") && lost.contains("─✗"), "{text:#?}");
        let reply = row(5);
        assert!(reply.contains("<─") && reply.contains("PING 3 ") && reply.contains("RTT 105 µs"), "{text:#?}");
        assert!(row(4).contains("─>") && row(4).contains("reply in 5"), "{text:#?}");
        // Every answered ping's reply comes next; 17 arrows in all.
        assert_eq!(text.iter().filter(|r| r.contains("RTT ")).count(), 7, "{text:#?}");
        assert_eq!(text.iter().filter(|r| r.contains("no reply")).count(), 3, "{text:#?}");
        // The cursor starts on the packet the view was opened on.
        assert_eq!(v.frame_at(v.cursor), Some(5));
    }

    #[test]
    fn commands_and_replies_label_their_segments_with_the_time_between() {
        // (capture, frame opened on, frame, what its arrow starts with)
        let cases = [
            ("ftp.pcap", 6, 4, "220 pyftpdlib 2.2.0 ready. · PSH, ACK"),
            ("ftp.pcap", 6, 6, "USER anonymous · PSH, ACK"),
            ("ftp.pcap", 6, 8, "331 Username ok, send password. (229 µs after 6) · PSH, ACK"),
            ("pop3.pcap", 6, 8, "+OK (83 µs after 6) · PSH, ACK"),
            ("imap.pcap", 9, 9, "PPAO1 LOGIN lab \"labpass\" · PSH, ACK"),
            ("imap.pcap", 9, 11, "PPAO1 OK Logged in (20.977 ms after 9) · PSH, ACK"),
            ("tls12.pcap", 4, 6, "Server Hello, Certificate, Server Key Exchange, Server Hello Done (498 µs after 4) · PSH"),
        ];
        for (name, opened, frame, want) in cases {
            let Some((_, text)) = drawn(name, opened, 250, 60) else { return };
            let row = text.iter().find(|r| r.trim_start_matches('│').split_whitespace().next() == Some(&frame.to_string()));
            let arrow = row.and_then(|r| r.split('│').nth(2)).unwrap_or_default().trim_matches(|c| c == '─' || c == '>' || c == '<' || c == ' ');
            assert!(arrow.starts_with(want), "{name} frame {frame}: {arrow:?}");
        }
        // A segment without a command says its flags alone.
        let Some((_, text)) = drawn("ftp.pcap", 6, 250, 60) else { return };
        assert!(text.iter().any(|r| r.contains("─ SYN Seq=0 Len=0 ─")), "{text:#?}");
    }

    #[test]
    fn icmp_echo_and_dns_pair_their_requests_and_replies() {
        let Some((v, text)) = drawn("icmp.pcap", 1, 130, 8) else { return };
        assert!(text[0].contains("ICMP echo ladder · 0 unanswered"), "{text:#?}");
        assert_eq!(v.len(), 4);
        assert!(text[3].contains("Echo (ping) reply") && text[3].contains("RTT 15 µs"), "{text:#?}");
        let Some((v, text)) = drawn("dns-udp.pcap", 3, 130, 8) else { return };
        // dig asks each query from a port of its own: the query and its response.
        assert_eq!(v.len(), 2, "{text:#?}");
        assert!(text[2].contains("Standard query 0x18cd AAAA www.lab.test") && text[2].contains("reply in 4"), "{text:#?}");
        assert!(text[3].contains("Standard query response 0x18cd") && text[3].contains("RTT 107 µs"), "{text:#?}");
        let Some((_, text)) = drawn("arp.pcap", 1, 100, 6) else { return };
        assert!(text[1].contains("No TCP, UDP or ICMP echo packet selected"), "{text:#?}");
    }
}
