//! Conversations, like `ss -ta` and Wireshark's Conversations dialog: one
//! row per TCP stream, UDP flow or IP pair, with packets and bytes each
//! way, start, duration and (TCP) the connection's state. `e` shows the
//! endpoints instead (Wireshark's Endpoints dialog): each address (and
//! port) with what it sent and got. Sortable by any column; Enter filters
//! the packet list to the row.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Borders, Widget};

use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::stats::conv::{ConvType, Conversation};
use crate::stats::endpoints::{endpoints, Endpoint};
use crate::stats::{format_size, Addr};

use crate::tui::workers::session::{spawn_conversations, ConvRow, Found, Job, ViewProgress, CONV_KINDS as KINDS};
use crate::tui::action::Action;
use super::{address_port, conversation_filter, footer, move_cursor, put, scroll_to};
use crate::tui::event::Event;
use crate::tui::packets::Packets;

/// Sortable columns, and their widths (0: an address's, which depends on
/// whether the kind has ports).
const COLUMNS: [&str; 9] = ["Address A", "Address B", "Pkts A→B", "Bytes A→B", "Pkts B→A", "Bytes B→A", "Start", "Duration", "State"];
const WIDTHS: [usize; 9] = [0, 0, 9, 11, 9, 11, 12, 10, 12];
const ENDPOINT_COLUMNS: [&str; 8] = ["Address", "Port", "Packets", "Bytes", "Tx Packets", "Tx Bytes", "Rx Packets", "Rx Bytes"];
const ENDPOINT_WIDTHS: [usize; 8] = [0, 6, 9, 11, 10, 11, 10, 11];

pub struct ConversationsView {
    /// Each table's rows in order of first appearance, with the TCP state.
    tables: [Vec<(Conversation, &'static str)>; 4],
    job: Job,
    pub tab: usize,
    /// Endpoints rather than conversations.
    pub endpoints: bool,
    pub sort: usize,
    pub descending: bool,
    cursor: usize,
    top: std::cell::Cell<usize>,
}

fn endpoint(kind: ConvType, a: crate::stats::Addr, p: u16) -> String {
    if kind.has_ports() {
        address_port(a, p)
    } else {
        a.to_string()
    }
}

impl ConversationsView {
    /// Opens the view and starts its worker, which reports on `tx`.
    pub fn start(packets: &Arc<Packets>, tx: &Sender<Event>) -> ConversationsView {
        let job = Job::default();
        spawn_conversations(packets.clone(), tx.clone(), &job);
        ConversationsView {
            tables: Default::default(),
            job,
            tab: 0,
            endpoints: false,
            sort: 6,
            descending: false,
            cursor: 0,
            top: Default::default(),
        }
    }

    /// Takes in a chunk of the worker's findings.
    pub fn progress(&mut self, p: ViewProgress) {
        if !self.job.accept_at(p.generation, p.scanned_to, p.caught_up, p.done) {
            return;
        }
        let Found::Conversations(rows) = p.found else { return };
        for ConvRow { table, row, conv, state } in rows {
            let Some(t) = self.tables.get_mut(table) else { continue };
            match t.get_mut(row) {
                Some(r) => *r = (conv, state),
                None => t.push((conv, state)),
            }
        }
    }

    /// Whether the worker has read every packet of a complete source.
    pub fn done(&self) -> bool {
        self.job.done
    }

    fn kind(&self) -> ConvType {
        KINDS[self.tab]
    }

    /// The rows of the current tab in display order.
    pub fn rows(&self) -> Vec<&(Conversation, &'static str)> {
        let mut v: Vec<&(Conversation, &'static str)> = self.tables[self.tab].iter().collect();
        v.sort_by(|(x, xs), (y, ys)| {
            let o = match self.sort {
                0 => (x.a, x.port_a).cmp(&(y.a, y.port_a)),
                1 => (x.b, x.port_b).cmp(&(y.b, y.port_b)),
                2 => x.frames_ab.cmp(&y.frames_ab),
                3 => x.bytes_ab.cmp(&y.bytes_ab),
                4 => x.frames_ba.cmp(&y.frames_ba),
                5 => x.bytes_ba.cmp(&y.bytes_ba),
                6 => x.start.cmp(&y.start),
                7 => x.duration().cmp(&y.duration()),
                _ => xs.cmp(ys),
            };
            if self.descending {
                o.reverse()
            } else {
                o
            }
        });
        v
    }

    /// The endpoints of the current tab in display order.
    pub fn endpoint_rows(&self) -> Vec<Endpoint> {
        let mut v = endpoints(self.tables[self.tab].iter().map(|(c, _)| c));
        v.sort_by(|x, y| {
            let o = match self.sort {
                0 => x.addr.cmp(&y.addr),
                1 => x.port.cmp(&y.port),
                2 => x.frames().cmp(&y.frames()),
                3 => x.bytes().cmp(&y.bytes()),
                4 => x.tx_frames.cmp(&y.tx_frames),
                5 => x.tx_bytes.cmp(&y.tx_bytes),
                6 => x.rx_frames.cmp(&y.rx_frames),
                _ => x.rx_bytes.cmp(&y.rx_bytes),
            };
            if self.descending {
                o.reverse()
            } else {
                o
            }
        });
        v
    }

    fn columns(&self) -> &'static [&'static str] {
        if self.endpoints {
            &ENDPOINT_COLUMNS
        } else {
            &COLUMNS
        }
    }

    /// The cells of every row in display order, and the filter each keeps.
    fn cells(&self) -> Vec<(Vec<String>, String)> {
        let kind = self.kind();
        if self.endpoints {
            let net = |a: Addr| match a {
                Addr::V6(_) => "ipv6",
                Addr::V4(_) => "ip",
                Addr::Ether(_) => "eth",
            };
            return self
                .endpoint_rows()
                .into_iter()
                .map(|e| {
                    let cells = vec![
                        e.addr.to_string(),
                        if kind.has_ports() { e.port.to_string() } else { String::new() },
                        e.frames().to_string(),
                        format_size(e.bytes()),
                        e.tx_frames.to_string(),
                        format_size(e.tx_bytes),
                        e.rx_frames.to_string(),
                        format_size(e.rx_bytes),
                    ];
                    let mut filter = format!("{}.addr eq {}", net(e.addr), e.addr);
                    if kind.has_ports() {
                        filter.push_str(&format!(" and {}.port eq {}", kind.proto(), e.port));
                    }
                    (cells, filter)
                })
                .collect();
        }
        self.rows()
            .into_iter()
            .map(|(c, state)| {
                let cells = vec![
                    endpoint(kind, c.a, c.port_a),
                    endpoint(kind, c.b, c.port_b),
                    c.frames_ab.to_string(),
                    format_size(c.bytes_ab),
                    c.frames_ba.to_string(),
                    format_size(c.bytes_ba),
                    format!("{:.6}", crate::stats::nanos_to_sec(c.start)),
                    format!("{:.4}", crate::stats::nanos_to_sec(c.duration())),
                    state.to_string(),
                ];
                let filter = if kind.has_ports() {
                    conversation_filter(kind.proto(), c.stream, (c.a, c.port_a), (c.b, c.port_b))
                } else {
                    format!("{p}.addr eq {} and {p}.addr eq {}", c.a, c.b, p = kind.proto())
                };
                (cells, filter)
            })
            .collect()
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let tabs: Vec<String> = KINDS
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let t = &self.tables[i];
                let n = if self.endpoints { endpoints(t.iter().map(|(c, _)| c)).len() } else { t.len() };
                if i == self.tab {
                    format!("[{} {n}]", k.title())
                } else {
                    format!(" {} {n} ", k.title())
                }
            })
            .collect();
        let what = if self.endpoints { "Endpoints" } else { "Conversations" };
        let title = format!(" {what} {}{} ", tabs.join(" "), self.job.status());
        let block = Block::new().borders(Borders::ALL).title(title);
        let inner = block.inner(area);
        block.render(area, buf);
        let rows = self.cells();
        // Address columns as wide as the widest address: a dotted quad's
        // at least, an IPv6 address with a port's (47) at most.
        let addresses = if self.endpoints { 1 } else { 2 };
        let aw = rows.iter().flat_map(|(c, _)| c.iter().take(addresses)).map(|a| a.chars().count()).max().unwrap_or(0);
        let aw = aw.clamp(15, 47);
        let widths: Vec<usize> = if self.endpoints { &ENDPOINT_WIDTHS[..] } else { &WIDTHS[..] }
            .iter()
            .map(|&w| if w == 0 { aw } else { w })
            .collect();
        let mut x = 0u16;
        for (i, (name, w)) in self.columns().iter().zip(&widths).enumerate() {
            let mut label = name.to_string();
            if i == self.sort {
                label.push(if self.descending { '▼' } else { '▲' });
            }
            put(buf, inner, x, 0, &label, Style::new().add_modifier(Modifier::BOLD));
            x += *w as u16 + 1;
        }
        let height = (inner.height as usize).saturating_sub(2);
        let mut top = self.top.get();
        scroll_to(self.cursor, &mut top, height);
        self.top.set(top);
        if rows.is_empty() {
            let note = if self.job.done { format!("No {} of this kind.", what.to_lowercase()) } else { "computing…".into() };
            put(buf, inner, 0, 1, &note, Style::new().add_modifier(Modifier::DIM));
        }
        for (row, (i, (cells, _))) in rows.iter().enumerate().skip(top).take(height).enumerate() {
            let style = if i == self.cursor { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
            let mut x = 0u16;
            for (cell, w) in cells.iter().zip(&widths) {
                put(buf, inner, x, row as u16 + 1, &format!("{cell:<w$} "), style);
                x += *w as u16 + 1;
            }
        }
        footer(buf, inner, "Tab kind · e endpoints/conversations · s/S sort column · r reverse · Enter filter to it · Esc close");
    }

    pub fn handle_key(&mut self, key: KeyEvent, page: usize) -> Action {
        let len = if self.endpoints { self.endpoint_rows().len() } else { self.rows().len() };
        if let Some(c) = move_cursor(key.code, self.cursor, len, page) {
            self.cursor = c;
            return Action::None;
        }
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('C') => Action::Close,
            KeyCode::Tab => {
                self.tab = (self.tab + 1) % KINDS.len();
                self.cursor = 0;
                Action::None
            }
            KeyCode::BackTab => {
                self.tab = (self.tab + KINDS.len() - 1) % KINDS.len();
                self.cursor = 0;
                Action::None
            }
            KeyCode::Char('s') => {
                self.sort = (self.sort + 1) % self.columns().len();
                Action::None
            }
            KeyCode::Char('S') => {
                let n = self.columns().len();
                self.sort = (self.sort + n - 1) % n;
                Action::None
            }
            KeyCode::Char('e') => {
                // Each table opens in tshark's order: conversations by
                // start, endpoints by packets, most first.
                self.endpoints = !self.endpoints;
                (self.sort, self.descending) = if self.endpoints { (2, true) } else { (6, false) };
                self.cursor = 0;
                Action::None
            }
            KeyCode::Char('r') => {
                self.descending = !self.descending;
                Action::None
            }
            KeyCode::Enter => match self.cells().into_iter().nth(self.cursor) {
                Some((_, filter)) => Action::Filter(filter),
                None => Action::None,
            },
            _ => Action::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Addr;
    use crate::tui::testutil::{load, rows, settle};
    use crossterm::event::KeyModifiers;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    /// The view over a sample capture, its worker run to the end.
    fn view_of(name: &str) -> Option<ConversationsView> {
        let packets = load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures").join(name))?;
        let (tx, rx) = std::sync::mpsc::channel();
        let mut v = ConversationsView::start(&packets, &tx);
        settle(&mut v, &rx, ConversationsView::progress, ConversationsView::done);
        Some(v)
    }

    #[test]
    fn tcp_upper_lab_has_two_closed_connections() {
        let Some(mut v) = view_of("tcp-upper.pcap") else { return };
        let area = Rect::new(0, 0, 150, 8);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        let text = rows(&buf);
        assert!(text[0].contains("[TCP 2]") && text[0].contains("UDP 0"), "{text:#?}");
        assert!(text[1].contains("Address A") && text[1].contains("Start▲"), "{text:#?}");
        for row in &text[2..4] {
            assert!(row.contains("127.0.0.1:12000") && row.contains("CLOSED"), "{row}");
            assert!(row.contains("419 bytes") && row.contains("287 bytes"), "{row}");
        }
        // Sort by duration, descending, then filter to the first row.
        v.sort = 7;
        v.handle_key(key(KeyCode::Char('r')), 5);
        let d: Vec<i64> = v.rows().iter().map(|(c, _)| c.duration()).collect();
        assert!(d[0] >= d[1]);
        match v.handle_key(key(KeyCode::Enter), 5) {
            Action::Filter(f) => assert!(f.contains("tcp"), "{f}"),
            a => panic!("{a:?}"),
        }
        v.handle_key(key(KeyCode::Tab), 5);
        v.handle_key(key(KeyCode::Tab), 5);
        assert_eq!(v.rows().len(), 1);
        assert_eq!(v.handle_key(key(KeyCode::Enter), 5), Action::Filter("ip.addr eq 127.0.0.1 and ip.addr eq 127.0.0.1".into()));
    }

    #[test]
    fn every_column_sorts_both_ways() {
        let Some(mut v) = view_of("dns-udp.pcap") else { return };
        v.handle_key(key(KeyCode::Tab), 5);
        assert_eq!(v.kind(), ConvType::Udp);
        assert!(v.rows().len() >= 5);
        let area = Rect::new(0, 0, 150, 16);
        for (col, name) in COLUMNS.iter().enumerate() {
            // `s` moves to the next column (from Start, where it begins).
            while v.sort != col {
                v.handle_key(key(KeyCode::Char('s')), 5);
            }
            let mut buf = Buffer::empty(area);
            v.render(area, &mut buf);
            assert!(rows(&buf)[1].contains(&format!("{name}▲")), "{:#?}", rows(&buf));
            for descending in [false, true] {
                if v.descending != descending {
                    v.handle_key(key(KeyCode::Char('r')), 5);
                }
                // One sort key per column, the others left equal.
                type Key<'s> = (Option<(Addr, u16)>, u64, i64, &'s str);
                let keys: Vec<Key> = v
                    .rows()
                    .iter()
                    .map(|(c, st)| match col {
                        0 => (Some((c.a, c.port_a)), 0, 0, ""),
                        1 => (Some((c.b, c.port_b)), 0, 0, ""),
                        2 => (None, c.frames_ab, 0, ""),
                        3 => (None, c.bytes_ab, 0, ""),
                        4 => (None, c.frames_ba, 0, ""),
                        5 => (None, c.bytes_ba, 0, ""),
                        6 => (None, 0, c.start, ""),
                        7 => (None, 0, c.duration(), ""),
                        _ => (None, 0, 0, *st),
                    })
                    .collect();
                let mut sorted = keys.clone();
                sorted.sort();
                if descending {
                    sorted.reverse();
                }
                assert_eq!(keys, sorted, "column {name} descending {descending}");
            }
            v.handle_key(key(KeyCode::Char('r')), 5);
        }
        // S goes back a column.
        v.handle_key(key(KeyCode::Char('S')), 5);
        assert_eq!(v.sort, COLUMNS.len() - 2);
    }

    #[test]
    fn endpoints_sum_each_address_and_port_and_filter_to_it() {
        let Some(mut v) = view_of("tcp-upper.pcap") else { return };
        v.handle_key(key(KeyCode::Char('e')), 5);
        let area = Rect::new(0, 0, 120, 8);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        let text = rows(&buf);
        assert!(text[0].contains("Endpoints [TCP 3]"), "{text:#?}");
        assert!(text[1].contains("Packets▼"), "{text:#?}");
        // As tshark's -z endpoints,tcp counts them: the server's port in
        // both connections, most packets first.
        let cells = |row: &str| row.trim_matches(|c| c == '│' || c == ' ').split("  ").map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect::<Vec<_>>();
        assert_eq!(cells(&text[2]), ["127.0.0.1", "12000", "20", "1412 bytes", "8", "574 bytes", "12", "838 bytes"]);
        assert_eq!(cells(&text[3])[..3], ["127.0.0.1", "44848", "10"]);
        assert_eq!(v.handle_key(key(KeyCode::Enter), 5), Action::Filter("ip.addr eq 127.0.0.1 and tcp.port eq 12000".into()));
        // Sorted by what each received, fewest first.
        while v.sort != 6 {
            v.handle_key(key(KeyCode::Char('s')), 5);
        }
        v.handle_key(key(KeyCode::Char('r')), 5);
        let rx: Vec<u64> = v.endpoint_rows().iter().map(|e| e.rx_frames).collect();
        assert_eq!(rx, [4, 4, 12]);
        // The IPv4 tab: one address, talking to itself.
        v.handle_key(key(KeyCode::Tab), 5);
        v.handle_key(key(KeyCode::Tab), 5);
        assert_eq!(v.handle_key(key(KeyCode::Enter), 5), Action::Filter("ip.addr eq 127.0.0.1".into()));
        // e goes back to the conversations, in start order.
        v.handle_key(key(KeyCode::Char('e')), 5);
        assert!(!v.endpoints && v.sort == 6 && !v.descending);
    }

    #[test]
    fn tcp_rows_show_each_connection_state_as_the_capture_shows_it() {
        use crate::stats::ladder::{ACK, FIN, RST, SYN};
        use crate::tui::testutil::{pcap, tcp_seg};
        use crate::tui::testutil::load_bytes;
        // A segment of the connection from client port `port`.
        let seg = |port: u16, from_server: bool, flags: u16, seq: u32, ack: u32| {
            let mut f = tcp_seg(from_server, flags, seq, ack, b"");
            let at = if from_server { 36 } else { 34 };
            f[at..at + 2].copy_from_slice(&port.to_be_bytes());
            f
        };
        let handshake = |p: u16| vec![seg(p, false, SYN, 0, 0), seg(p, true, SYN | ACK, 0, 1), seg(p, false, ACK, 1, 1)];
        let mut frames = vec![seg(41001, false, SYN, 0, 0)];
        frames.extend(handshake(41002));
        frames.extend([seg(41003, false, SYN, 0, 0), seg(41003, true, RST | ACK, 0, 1)]);
        frames.extend(handshake(41004));
        frames.push(seg(41004, false, FIN | ACK, 1, 1));
        frames.extend(handshake(41005));
        frames.extend([seg(41005, false, FIN | ACK, 1, 1), seg(41005, true, FIN | ACK, 1, 2), seg(41005, false, ACK, 2, 2)]);
        let Some(packets) = load_bytes(pcap(&frames)) else { return };
        let (tx, rx) = std::sync::mpsc::channel();
        let mut v = ConversationsView::start(&packets, &tx);
        settle(&mut v, &rx, ConversationsView::progress, ConversationsView::done);
        let states: Vec<(u16, &str)> = v.rows().iter().map(|(c, st)| (c.port_a, *st)).collect();
        assert_eq!(
            states,
            [(41001, "SYN_SENT"), (41002, "ESTABLISHED"), (41003, "RESET"), (41004, "FIN_WAIT"), (41005, "CLOSED")]
        );
        let area = Rect::new(0, 0, 150, 9);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        let text = rows(&buf);
        assert!(text[4].contains("127.0.0.1:41003") && text[4].trim_end_matches('│').trim_end().ends_with("RESET"), "{text:#?}");
    }
}
