//! The TCP ladder diagram: the client on the left, the server on the
//! right, one arrow per segment with its flags, relative seq/ack and
//! length, the time since the previous segment, and each endpoint's state
//! beside the arrows.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, Widget};

use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::dissect::tcp::flag_list;
use crate::stats::ladder::{Ladder, Rung, RST};

use super::stream::Stream;
use crate::tui::workers::session::ViewProgress;
use crate::tui::action::Action;
use super::{address_port, move_cursor, put, scroll_to, CLIENT, SERVER};
use crate::tui::event::Event;
use crate::tui::packets::Packets;

pub struct LadderView {
    /// The connection of the frame the view was opened on (None when that
    /// frame is not TCP).
    stream: Option<Stream>,
    /// The frame the view was opened on: the cursor starts on its arrow.
    frame: u32,
    placed: bool,
    cursor: usize,
    top: std::cell::Cell<usize>,
}

const STATE_W: usize = 12;

impl LadderView {
    /// Draws the connection of `frame`, read by a worker reporting on `tx`.
    pub fn start(frame: u32, packets: &Arc<Packets>, tx: &Sender<Event>) -> LadderView {
        let stream = Stream::start(frame, packets, tx).filter(|s| s.key.proto == "tcp");
        LadderView { stream, frame, placed: false, cursor: 0, top: Default::default() }
    }

    /// Takes in a chunk of the worker's findings.
    pub fn progress(&mut self, p: ViewProgress) {
        let Some(s) = self.stream.as_mut() else { return };
        if s.progress(p) && !self.placed {
            if let Some(i) = s.ladder.as_ref().and_then(|l| l.rungs.iter().position(|r| r.seg.frame == self.frame)) {
                (self.cursor, self.placed) = (i, true);
            }
        }
    }

    /// Whether the worker has read every packet of a complete source.
    pub fn done(&self) -> bool {
        self.stream.as_ref().is_none_or(|s| s.job.done)
    }

    pub fn ladder(&self) -> Option<&Ladder> {
        self.stream.as_ref()?.ladder.as_ref()
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

    /// The arrow between the two lifelines, `width` columns wide.
    fn arrow(r: &Rung, width: usize) -> String {
        let label = format!(" {} ", Self::label(r));
        let inner = width.saturating_sub(2);
        let label: String = label.chars().take(inner).collect();
        let dashes = inner.saturating_sub(label.chars().count());
        let (l, rr) = (dashes / 2, dashes - dashes / 2);
        if r.from_client {
            format!("{}{}{}>", "─".repeat(l + 1), label, "─".repeat(rr))
        } else {
            format!("<{}{}{}", "─".repeat(l), label, "─".repeat(rr + 1))
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let status = self.stream.as_ref().map(|s| s.job.status()).unwrap_or_default();
        let title = format!(" TCP ladder (Enter: select packet, Esc: close){status} ");
        let block = Block::new().borders(Borders::ALL).title(title);
        let inner = block.inner(area);
        block.render(area, buf);
        let Some(l) = self.ladder() else {
            let note = match &self.stream {
                None => "No TCP segment selected: select a TCP packet and press L.",
                Some(_) => "computing…",
            };
            put(buf, inner, 0, 0, note, Style::new());
            return;
        };
        // Columns: frame, +time, client state │ arrow │ server state.
        let gutter = 16;
        let w = inner.width as usize;
        let arrow_w = w.saturating_sub(gutter + 2 * STATE_W + 4).max(10);
        let left = gutter + STATE_W + 1;
        let right = left + 1 + arrow_w;
        let head = Style::new().add_modifier(Modifier::BOLD);
        put(buf, inner, 0, 0, "frame  +time(s)", head);
        put(buf, inner, left.saturating_sub(6) as u16, 0, &format!("client {}", address_port(l.client.0, l.client.1)), head.patch(CLIENT));
        let sname = format!("server {}", address_port(l.server.0, l.server.1));
        put(buf, inner, (right + 1).saturating_sub(sname.len().min(right + 1) / 2) as u16, 0, &sname, head.patch(SERVER));
        let height = (inner.height as usize).saturating_sub(1);
        let mut top = self.top.get();
        scroll_to(self.cursor, &mut top, height);
        self.top.set(top);
        for (row, (i, r)) in l.rungs.iter().enumerate().skip(top).take(height).enumerate() {
            let y = row as u16 + 1;
            let mut style = if r.from_client { CLIENT } else { SERVER };
            if r.retrans {
                style = style.fg(Color::Yellow);
            }
            if r.seg.flags & RST != 0 {
                style = Style::new().fg(Color::White).bg(Color::Red);
            }
            if i == self.cursor {
                style = style.add_modifier(Modifier::REVERSED);
            }
            let t = r.delta as f64 / 1e9;
            put(buf, inner, 0, y, &format!("{:>5} {:>+9.6}", r.seg.frame, t), Style::new());
            put(buf, inner, gutter as u16, y, &format!("{:>STATE_W$}", r.client.name()), CLIENT);
            put(buf, inner, left as u16, y, "│", Style::new());
            put(buf, inner, (left + 1) as u16, y, &Self::arrow(r, arrow_w), style);
            put(buf, inner, right as u16, y, "│", Style::new());
            put(buf, inner, (right + 2) as u16, y, r.server.name(), SERVER);
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent, page: usize) -> Action {
        let len = self.ladder().map(|l| l.rungs.len()).unwrap_or(0);
        if let Some(c) = move_cursor(key.code, self.cursor, len, page) {
            // The arrow under the cursor selects its packet in the list.
            let moved = c != self.cursor;
            self.cursor = c;
            return match self.ladder().and_then(|l| l.rungs.get(c)) {
                Some(r) if moved => Action::Select(r.seg.frame),
                _ => Action::None,
            };
        }
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('L') => Action::Close,
            KeyCode::Enter => match self.ladder().and_then(|l| l.rungs.get(self.cursor)) {
                Some(r) => Action::Select(r.seg.frame),
                None => Action::None,
            },
            _ => Action::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::testutil::{load, rows, settle};
    use crossterm::event::KeyModifiers;

    #[test]
    fn tcp_upper_lab_reads_as_a_ladder() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures/tcp-upper.pcap");
        let Some(packets) = load(&path) else {
            eprintln!("sample capture missing: skipped");
            return;
        };
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
        assert_eq!(v.ladder().map(|l| l.rungs.len()), Some(16));
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
}
