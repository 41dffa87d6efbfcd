//! The flow graph (`W`), as Wireshark's Statistics › Flow Graph: every
//! displayed packet over time as an arrow between the columns of its two
//! ends, labelled with its Info. The ends are `address:port` for TCP and
//! UDP: a loopback lab has one host, and its programs are its ports.
//!
//! As Wireshark's "limit to display filter", the graph draws the packets
//! the applied display filter keeps and draws again when it changes (`/`
//! here edits it), during a live capture too. A request of a UDP flow or an
//! ICMP echo exchange that can no longer get its reply (paired as the
//! ladder pairs them) ends in a cross.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, Widget};

use std::cell::Cell;
use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::filter::Filter;
use crate::tui::action::Action;
use crate::tui::event::Event;
use crate::tui::packets::Packets;
use crate::tui::workers::flows::{self, Exchanges, FlowItem};
use crate::tui::workers::session::{Found, Job, ViewProgress};

use super::{footer, move_cursor, put, scroll_to};

/// Columns per end: room for `[::1]:12000` and a label between two ends.
const COL_W: usize = 26;
/// Frame number and time before the first column.
const GUTTER: usize = 18;
/// Packets drawn at most: each keeps its ends and Info in memory, and a
/// graph of more is read by filtering first.
const MAX_ITEMS: usize = 200_000;

pub struct FlowGraphView {
    /// The display filter the packets were chosen by, if any.
    filter: Option<String>,
    job: Job,
    items: Vec<FlowItem>,
    /// The requests and replies among the items, and the frames (ascending)
    /// of the requests nobody can answer any more.
    exchanges: Exchanges,
    lost: Vec<u32>,
    /// The ends, in order of first appearance.
    ends: Vec<String>,
    cursor: usize,
    top: Cell<usize>,
    /// The first end shown (the graph scrolls sideways when they don't fit).
    left: usize,
    /// The frame the cursor goes to when it comes (it was there before the filter changed).
    want: Option<u32>,
}

/// Arrow colours, one per conversation-ish pair of ends, cycling.
const COLOURS: [Color; 6] = [Color::Cyan, Color::Green, Color::Yellow, Color::Magenta, Color::Blue, Color::Red];

impl FlowGraphView {
    /// Reads the packets `filter` keeps (all without one) with a worker
    /// reporting on `tx`; it follows a capture still running.
    pub fn start(packets: &Arc<Packets>, filter: Option<(String, Arc<Filter>)>, tx: &Sender<Event>) -> FlowGraphView {
        let job = Job::default();
        let (text, filter) = filter.unzip();
        flows::spawn(packets.clone(), filter, None, tx.clone(), &job);
        FlowGraphView {
            filter: text,
            job,
            items: Vec::new(),
            exchanges: Exchanges::default(),
            lost: Vec::new(),
            ends: Vec::new(),
            cursor: 0,
            top: Cell::new(0),
            left: 0,
            want: None,
        }
    }

    /// The display filter changed: draws the packets it keeps instead,
    /// keeping the cursor on the same frame when it is still drawn.
    pub fn refilter(&mut self, packets: &Arc<Packets>, filter: Option<(String, Arc<Filter>)>, tx: &Sender<Event>) {
        let (frame, left) = (self.items.get(self.cursor).map(|it| it.frame), self.left);
        // The old worker stops as its job is dropped.
        *self = FlowGraphView::start(packets, filter, tx);
        (self.left, self.want) = (left, frame);
    }

    pub fn progress(&mut self, p: ViewProgress) {
        if !self.job.accept_at(p.generation, p.scanned_to, p.caught_up, p.done) {
            return;
        }
        let Found::Flows(items) = p.found else { return };
        for it in items {
            if self.items.len() >= MAX_ITEMS {
                // Enough: the worker stops.
                self.job.cancel_flag().store(true, std::sync::atomic::Ordering::Relaxed);
                break;
            }
            for end in [&it.src, &it.dst] {
                if !self.ends.contains(end) {
                    self.ends.push(end.clone());
                }
            }
            if self.want == Some(it.frame) {
                (self.cursor, self.want) = (self.items.len(), None);
            }
            self.exchanges.push(&it);
            self.items.push(it);
        }
        // No client's timeout is known here: the last request of a
        // conversation still waits while the capture (or the worker) goes on.
        let now = if self.done() { None } else { Some(self.items.last().map_or(0, |it| it.rel)) };
        self.lost = self.exchanges.lost(now, None);
    }

    fn is_lost(&self, it: &FlowItem) -> bool {
        self.lost.binary_search(&it.frame).is_ok()
    }

    pub fn done(&self) -> bool {
        self.job.done || self.full()
    }

    fn full(&self) -> bool {
        self.items.len() >= MAX_ITEMS
    }

    fn column(&self, end: &str) -> Option<usize> {
        self.ends.iter().position(|e| e == end)
    }

    /// Where the arrow of `it` from shown column `a` to shown column `b`
    /// starts (negative when left of the window) and its text; a `lost`
    /// request's ends in a cross instead of a head.
    fn arrow(it: &FlowItem, a: isize, b: isize, lost: bool) -> (isize, String) {
        let centre = |c: isize| GUTTER as isize + c * COL_W as isize + COL_W as isize / 2;
        if a == b {
            // Both ends in one column (a host talking to itself): a loop.
            return (centre(a), format!("⟲ {}", it.info));
        }
        let (from, to) = (centre(a), centre(b));
        let (lo, hi) = (from.min(to), from.max(to));
        let span = (hi - lo - 1) as usize;
        let label: String = format!(" {} ", it.info).chars().take(span.saturating_sub(2)).collect();
        let dashes = span - 1 - label.chars().count();
        let (l, r) = (dashes / 2, dashes - dashes / 2);
        let body = format!("{}{}{}", "─".repeat(l), label, "─".repeat(r));
        let (right, left) = if lost { ("✗", "✗") } else { (">", "<") };
        (lo + 1, if to > from { format!("{body}{right}") } else { format!("{left}{body}") })
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let which = self.filter.as_deref().map(|f| format!(" · {f}")).unwrap_or_default();
        let status = if self.full() { format!(" · the first {MAX_ITEMS}: filter to see others") } else { self.job.status() };
        let lost = if self.lost.is_empty() { String::new() } else { format!(", {} unanswered", self.lost.len()) };
        let title = format!(" Flow graph: {} packets, {} ends{lost}{which}{status} ", self.items.len(), self.ends.len());
        let block = Block::new().borders(Borders::ALL).title(title);
        let inner = block.inner(area);
        block.render(area, buf);
        if self.items.is_empty() {
            put(buf, inner, 0, 0, if self.job.done { "No packets to draw." } else { "computing…" }, Style::new());
            return;
        }
        let shown = ((inner.width as usize).saturating_sub(GUTTER) / COL_W).max(1);
        let head = Style::new().add_modifier(Modifier::BOLD);
        put(buf, inner, 0, 0, "frame   time(s)", head);
        for (c, end) in self.ends.iter().enumerate().skip(self.left).take(shown) {
            let x = GUTTER + (c - self.left) * COL_W + (COL_W / 2).saturating_sub(end.chars().count() / 2);
            put(buf, inner, x as u16, 0, end, head);
        }
        // Rows: the header, the arrows, the Info of the row under the cursor and the keys.
        let height = (inner.height as usize).saturating_sub(3);
        let mut top = self.top.get();
        scroll_to(self.cursor, &mut top, height);
        self.top.set(top);
        let lifeline = Style::new().fg(Color::DarkGray);
        for (row, (i, it)) in self.items.iter().enumerate().skip(top).take(height).enumerate() {
            let y = row as u16 + 1;
            put(buf, inner, 0, y, &format!("{:>5} {:>10.6}", it.frame, it.rel as f64 / 1e9), Style::new());
            for c in 0..shown.min(self.ends.len().saturating_sub(self.left)) {
                put(buf, inner, (GUTTER + c * COL_W + COL_W / 2) as u16, y, "│", lifeline);
            }
            let (Some(a), Some(b)) = (self.column(&it.src), self.column(&it.dst)) else { continue };
            let (a, b) = (a as isize - self.left as isize, b as isize - self.left as isize);
            let lost = self.is_lost(it);
            let (x, text) = Self::arrow(it, a, b, lost);
            let pair = if a <= b { (a, b) } else { (b, a) };
            let colour = COLOURS[(pair.0 * 7 + pair.1).rem_euclid(COLOURS.len() as isize) as usize];
            let mut style = if lost { Style::new().fg(Color::Red).add_modifier(Modifier::BOLD) } else { Style::new().fg(colour) };
            if i == self.cursor {
                style = style.add_modifier(Modifier::REVERSED);
            }
            // An arrow starting left of the window shows its visible part.
            let skip = (GUTTER as isize - x).max(0) as usize;
            let visible: String = text.chars().skip(skip).collect();
            put(buf, inner, x.max(GUTTER as isize) as u16, y, &visible, style);
        }
        if let Some(it) = self.items.get(self.cursor) {
            let mark = if self.is_lost(it) { "  ✗ no reply" } else { "" };
            let line = format!("{} → {}  {}  {}{mark}", it.src, it.dst, it.protocol, it.info);
            put(buf, inner, 0, inner.height.saturating_sub(2), &line, Style::new().add_modifier(Modifier::BOLD));
        }
        footer(buf, inner, "j k: move (selects the packet) · h l: scroll the ends · Enter: select · /: display filter · Esc: close");
    }

    pub fn handle_key(&mut self, key: KeyEvent, page: usize) -> Action {
        if let Some(c) = move_cursor(key.code, self.cursor, self.items.len(), page) {
            let moved = c != self.cursor;
            self.cursor = c;
            return match self.items.get(c) {
                Some(it) if moved => Action::Select(it.frame),
                _ => Action::None,
            };
        }
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('W') => Action::Close,
            KeyCode::Enter => self.items.get(self.cursor).map_or(Action::None, |it| Action::Select(it.frame)),
            KeyCode::Char('/') => Action::PrepareFilter(self.filter.clone().unwrap_or_default()),
            KeyCode::Char('h') | KeyCode::Left => {
                self.left = self.left.saturating_sub(1);
                Action::None
            }
            KeyCode::Char('l') | KeyCode::Right => {
                self.left = (self.left + 1).min(self.ends.len().saturating_sub(1));
                Action::None
            }
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
    fn a_dns_lab_reads_as_arrows_between_the_resolver_ports_and_the_server() {
        let Some(packets) = sample("dns-udp.pcap") else { return };
        let (tx, rx) = std::sync::mpsc::channel();
        let filter = Filter::compile("dns.flags.response == 0 || frame.number <= 2").ok().map(|f| ("dns".to_string(), Arc::new(f)));
        let mut v = FlowGraphView::start(&packets, filter, &tx);
        settle(&mut v, &rx, FlowGraphView::progress, FlowGraphView::done);
        let area = Rect::new(0, 0, 100, 12);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        let text = rows(&buf);
        // Frames 1 and 2 (a query and its response), then the other queries.
        assert_eq!(v.items.first().map(|i| (i.frame, i.src.as_str(), i.dst.as_str())), Some((1, "127.0.0.1:35612", "127.0.0.1:53")));
        assert_eq!(v.items.get(1).map(|i| i.frame), Some(2));
        assert!(v.items.iter().skip(2).all(|i| i.info.starts_with("Standard query 0x")), "{text:#?}");
        assert!(text[0].contains("Flow graph:") && text[0].contains("· dns"), "{text:#?}");
        assert!(text[1].contains("127.0.0.1:35612") && text[1].contains("127.0.0.1:53"), "{text:#?}");
        // The query goes right, towards the server's column; the response comes back.
        assert!(text[2].contains("│ Standard query 0x295a ─>│"), "{text:#?}");
        assert!(text[3].contains("│< Standard query respons─│"), "{text:#?}");
        // Each later query starts from a new port: a new column, off the right edge after three.
        assert_eq!((v.items.len(), v.ends.len()), (11, 11));
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(v.handle_key(key(KeyCode::Char('j')), 5), Action::Select(2));
        assert_eq!(v.handle_key(key(KeyCode::Enter), 5), Action::Select(2));
        v.handle_key(key(KeyCode::Char('l')), 5);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        let text = rows(&buf);
        assert!(!text[1].contains("127.0.0.1:35612") && text[1].contains("127.0.0.1:53"), "{text:#?}");
        assert!(text[9].contains("127.0.0.1:53 → 127.0.0.1:35612  DNS  Standard query response 0x295a"), "{text:#?}");
        assert_eq!(v.handle_key(key(KeyCode::Esc), 5), Action::Close);
    }

    #[test]
    fn lost_pings_end_in_a_cross_as_on_the_ladder() {
        let Some(packets) = sample("ping.pcap") else { return };
        let (tx, rx) = std::sync::mpsc::channel();
        let mut v = FlowGraphView::start(&packets, None, &tx);
        settle(&mut v, &rx, FlowGraphView::progress, FlowGraphView::done);
        // The ladder's three: pings 2, 6 and 9 in frames 3, 10 and 15.
        assert_eq!(v.lost, [3, 10, 15]);
        let area = Rect::new(0, 0, 100, 24);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        let text = rows(&buf);
        assert!(text[0].contains("Flow graph: 17 packets, 2 ends, 3 unanswered"), "{text:#?}");
        let row = |frame: &str| text.iter().find(|r| r.trim_start_matches('│').split_whitespace().next() == Some(frame)).cloned().unwrap_or_default();
        assert!(row("3").contains("Ping 2 ") && row("3").contains("─✗│") && !row("3").contains('>'), "{text:#?}");
        assert!(row("4").contains("─>│") && row("5").contains("│< PING 3 "), "{text:#?}");
        v.cursor = 2;
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        let info = rows(&buf)[21].trim_end_matches('│').trim_end().to_string();
        assert!(info.contains("Ping 2 ") && info.ends_with("✗ no reply"), "{info}");
    }

    /// Feeds the app until its flow graph and filter have read every packet.
    fn until_drawn(app: &mut crate::tui::app::App, rx: &std::sync::mpsc::Receiver<Event>) {
        let drawn = |app: &crate::tui::app::App| match &app.session_view {
            Some(crate::tui::views::SessionView::FlowGraph(v)) => v.done() && app.applied.as_ref().is_none_or(|a| a.done),
            _ => panic!("the flow graph closed"),
        };
        while !drawn(app) {
            app.update(rx.recv_timeout(std::time::Duration::from_secs(10)).expect("the flow graph never finished"));
        }
    }

    #[test]
    fn the_graph_follows_the_display_filter_as_wiresharks_limit_to_display_filter() {
        use crate::tui::tests::{app_over, press, screen, type_str};
        let Ok(file) = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/sample-captures/ping.pcap")) else { return };
        let (mut app, rx) = app_over(file, 120, 40);
        press(&mut app, KeyCode::Char('W'));
        until_drawn(&mut app, &rx);
        assert!(screen(&app).contains("Flow graph: 17 packets, 2 ends, 3 unanswered "), "{}", screen(&app));
        // `/` in the graph edits the display filter; the graph draws what it keeps.
        press(&mut app, KeyCode::Char('/'));
        type_str(&mut app, "frame.number <= 4");
        press(&mut app, KeyCode::Enter);
        until_drawn(&mut app, &rx);
        let s = screen(&app);
        // Ping 3 (frame 4) has its reply in frame 5, which is not displayed.
        assert!(s.contains("Flow graph: 4 packets, 2 ends, 2 unanswered · frame.number <= 4 "), "{s}");
        assert!(s.contains("Displayed: 4"), "{s}");
        // Cleared, every packet again.
        press(&mut app, KeyCode::Char('/'));
        crate::tui::tests::ctrl(&mut app, 'u');
        press(&mut app, KeyCode::Enter);
        until_drawn(&mut app, &rx);
        assert!(screen(&app).contains("Flow graph: 17 packets, 2 ends, 3 unanswered "), "{}", screen(&app));
    }

    #[test]
    fn ftp_replies_and_a_server_hello_name_what_they_answer_and_when() {
        for (name, frame, want) in [
            ("ftp.pcap", 8, "Response: 331 Username ok, send password.  [reply to 6, 0.000229 s]"),
            ("imap.pcap", 11, "Response: PPAO1 OK Logged in  [reply to 9, 0.020977 s]"),
            ("tls12.pcap", 6, "[reply to 4, "),
        ] {
            let Some(packets) = sample(name) else { return };
            let (tx, rx) = std::sync::mpsc::channel();
            let mut v = FlowGraphView::start(&packets, None, &tx);
            settle(&mut v, &rx, FlowGraphView::progress, FlowGraphView::done);
            let info = v.items.iter().find(|i| i.frame == frame).map(|i| i.info.clone()).unwrap_or_default();
            assert!(info.contains(want), "{name} frame {frame}: {info}");
        }
    }
}
