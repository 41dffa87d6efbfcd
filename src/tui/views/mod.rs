//! Session views opened over the packet list: follow stream (`F`),
//! conversations (`C`), the ladder diagram (`L`), transactions (`T`), the
//! flow graph (`W`) and the I/O graph (`I`).
//!
//! Each view is a self-contained component: its own state, filled by a
//! worker thread of its own (`workers::session`, `transactions`) whose chunks arrive
//! as events and go to `progress` (the worker follows a capture still
//! running, so the view updates live), `render(&self, area, buf)` and
//! `handle_key`, which answers with an `Action` for the app (select a
//! packet, apply a filter, close).

pub mod conversations;
pub mod flowgraph;
pub mod follow;
pub mod iograph;
pub mod ladder;
mod stream;
pub mod transactions;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::field;
use crate::stats::Addr;

use super::action::Action;
use super::event::Event;
use super::packets::Packets;

/// The two sides' colours, as Wireshark's follow dialog uses them.
pub const CLIENT: Style = Style::new().fg(Color::Red);
pub const SERVER: Style = Style::new().fg(Color::Blue);

/// The display filter that keeps one TCP or UDP conversation: by stream
/// index when the dissector numbers streams, else by its two endpoints.
pub fn conversation_filter(proto: &str, stream: Option<u32>, a: (Addr, u16), b: (Addr, u16)) -> String {
    let stream_field = format!("{proto}.stream");
    if let (Some(s), Some(_)) = (stream, field::lookup(&stream_field)) {
        return format!("{stream_field} eq {s}");
    }
    let net = |x: Addr| if matches!(x, Addr::V6(_)) { "ipv6" } else { "ip" };
    if a.0 == b.0 {
        format!("{}.addr eq {} and {proto}.port eq {} and {proto}.port eq {}", net(a.0), a.0, a.1, b.1)
    } else {
        format!(
            "{}.addr eq {} and {}.addr eq {} and {proto}.port eq {} and {proto}.port eq {}",
            net(a.0),
            a.0,
            net(b.0),
            b.0,
            a.1,
            b.1
        )
    }
}

/// `address:port`, an IPv6 address in brackets (`[::1]:12000`) so that
/// the port stands apart from it.
pub fn address_port(a: Addr, port: u16) -> String {
    match a {
        Addr::V6(_) => format!("[{a}]:{port}"),
        _ => format!("{a}:{port}"),
    }
}

/// Writes `text` at (x, y) clipped to `area`.
pub fn put(buf: &mut Buffer, area: Rect, x: u16, y: u16, text: &str, style: Style) {
    if y >= area.height || x >= area.width {
        return;
    }
    let w = (area.width - x) as usize;
    buf.set_stringn(area.x + x, area.y + y, text, w, style);
}

/// The dim line of keys at the bottom of a view.
pub fn footer(buf: &mut Buffer, area: Rect, keys: &str) {
    put(buf, area, 0, area.height.saturating_sub(1), keys, Style::new().add_modifier(ratatui::style::Modifier::DIM));
}

/// Keeps `cursor` within `top..top+height` by moving `top`.
pub fn scroll_to(cursor: usize, top: &mut usize, height: usize) {
    if height == 0 {
        return;
    }
    if cursor < *top {
        *top = cursor;
    } else if cursor >= *top + height {
        *top = cursor + 1 - height;
    }
}

/// The new cursor after a movement key, or None if the key is not one.
pub fn move_cursor(code: crossterm::event::KeyCode, cursor: usize, len: usize, page: usize) -> Option<usize> {
    use crossterm::event::KeyCode::*;
    let last = len.saturating_sub(1);
    Some(match code {
        Char('j') | Down => (cursor + 1).min(last),
        Char('k') | Up => cursor.saturating_sub(1),
        PageDown => (cursor + page.max(1)).min(last),
        PageUp => cursor.saturating_sub(page.max(1)),
        Char('g') | Home => 0,
        Char('G') | End => last,
        _ => return None,
    })
}

/// The session views, by what they show (not by the key that opens them:
/// `keymap` says that).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewKind {
    Follow,
    /// Follow the TCP stream's decrypted TLS data.
    FollowTls,
    Conversations,
    Ladder,
    Transactions,
    FlowGraph,
    IoGraph,
}

/// The session view open over the panes, if any.
pub enum SessionView {
    Follow(follow::FollowView),
    Conversations(conversations::ConversationsView),
    Ladder(ladder::LadderView),
    Transactions(transactions::TransactionsView),
    FlowGraph(flowgraph::FlowGraphView),
    IoGraph(iograph::IoGraphView),
}

impl SessionView {
    /// Opens the follow, conversations or ladder view on the selected
    /// frame, the flow or I/O graph on the packets the applied display
    /// filter `shown` keeps; its worker reports on `tx`. The app keeps the
    /// transactions view itself (it parks it while the list shows a packet of it).
    pub fn open(kind: ViewKind, frame: u32, shown: Option<&str>, packets: &Arc<Packets>, tx: &Sender<Event>) -> Option<SessionView> {
        Some(match kind {
            ViewKind::Follow => SessionView::Follow(follow::FollowView::start(frame, packets, tx, false)),
            ViewKind::FollowTls => SessionView::Follow(follow::FollowView::start(frame, packets, tx, true)),
            ViewKind::Conversations => SessionView::Conversations(conversations::ConversationsView::start(packets, tx)),
            ViewKind::Ladder => SessionView::Ladder(ladder::LadderView::start(frame, packets, tx)),
            ViewKind::Transactions => return None,
            ViewKind::FlowGraph => {
                let filter = shown.and_then(|t| Some((t.to_string(), Arc::new(crate::filter::Filter::compile(t).ok()?))));
                SessionView::FlowGraph(flowgraph::FlowGraphView::start(packets, filter, tx))
            }
            ViewKind::IoGraph => SessionView::IoGraph(iograph::IoGraphView::start(packets, shown, tx)),
        })
    }

    /// Hands a worker's chunk to the view (which ignores another's).
    pub fn progress(&mut self, p: crate::tui::workers::session::ViewProgress) {
        match self {
            SessionView::Follow(v) => v.progress(p),
            SessionView::Conversations(v) => v.progress(p),
            SessionView::Ladder(v) => v.progress(p),
            SessionView::FlowGraph(v) => v.progress(p),
            SessionView::IoGraph(v) => v.progress(p),
            SessionView::Transactions(_) => {}
        }
    }

    /// Whether the view's worker has read every packet of a complete source.
    pub fn done(&self) -> bool {
        match self {
            SessionView::Follow(v) => v.done(),
            SessionView::Conversations(v) => v.done(),
            SessionView::Ladder(v) => v.done(),
            SessionView::Transactions(v) => v.done(),
            SessionView::FlowGraph(v) => v.done(),
            SessionView::IoGraph(v) => v.done(),
        }
    }

    /// Where the view goes: over all the panes, or over the packet list
    /// only for transactions (when that leaves it room), so that the tree
    /// and bytes below show the packet of the row under the cursor.
    pub fn area(&self, list: Rect, panes: Rect) -> Rect {
        match self {
            SessionView::Transactions(_) if list.height >= 8 => list,
            _ => panes,
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        match self {
            SessionView::Follow(v) => v.render(area, buf),
            SessionView::Conversations(v) => v.render(area, buf),
            SessionView::Ladder(v) => v.render(area, buf),
            SessionView::Transactions(v) => v.render(area, buf),
            SessionView::FlowGraph(v) => v.render(area, buf),
            SessionView::IoGraph(v) => v.render(area, buf),
        }
    }

    pub fn handle_key(&mut self, key: crossterm::event::KeyEvent, page: usize) -> Action {
        match self {
            SessionView::Follow(v) => v.handle_key(key, page),
            SessionView::Conversations(v) => v.handle_key(key, page),
            SessionView::Ladder(v) => v.handle_key(key, page),
            SessionView::Transactions(v) => v.handle_key(key, page),
            SessionView::FlowGraph(v) => v.handle_key(key, page),
            SessionView::IoGraph(v) => v.handle_key(key, page),
        }
    }

    /// The display filter opening the view applies (following a stream
    /// filters the list to it, as Wireshark does).
    pub fn filter(&self) -> Option<String> {
        match self {
            SessionView::Follow(v) => v.filter(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    use crate::capture::{Reader, StoreSource};
    use crate::tui::workers::loader;
    use crate::tui::{testutil, App, Event, Packets};

    fn screen(app: &App) -> String {
        let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).expect("terminal");
        t.draw(|f| app.draw(f)).expect("draw");
        testutil::rows(t.backend().buffer()).join("\n")
    }

    fn press(app: &mut App, code: KeyCode) {
        app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    #[test]
    fn keys_open_and_close_each_view_over_the_panes() {
        let file = testutil::pcap(&testutil::lab_frames());
        let Ok(reader) = Reader::new(std::io::Cursor::new(file.clone())) else { panic!("lab pcap") };
        let packets = Arc::new(Packets::new(StoreSource::Memory(file.clone()), false));
        let (tx, rx) = std::sync::mpsc::channel();
        let handle = loader::spawn(reader, file.len() as u64, packets.clone(), tx, Arc::new(AtomicBool::new(false)));
        let (app_tx, app_rx) = std::sync::mpsc::channel();
        let mut app = App::new(packets, app_tx, "lab.pcap".into(), ratatui::layout::Rect::new(0, 0, 120, 30));
        for ev in rx.iter() {
            app.update(ev);
        }
        let _ = handle.join();
        // Feeds the app its workers' events until the open view has read all.
        let settle = |app: &mut App| {
            while app.session_view.as_ref().is_some_and(|v| !v.done()) || app.applied.as_ref().is_some_and(|a| !a.done) {
                match app_rx.recv_timeout(std::time::Duration::from_secs(20)) {
                    Ok(ev) => app.update(ev),
                    Err(e) => panic!("a worker never finished: {e}"),
                }
            }
        };
        press(&mut app, KeyCode::Char('L'));
        settle(&mut app);
        let s = screen(&app);
        assert!(s.contains("TCP ladder") && s.contains("SYN Seq=0 Len=0"), "{s}");
        press(&mut app, KeyCode::Esc);
        assert!(app.session_view.is_none());
        // The flow graph: the six packets between their ends.
        press(&mut app, KeyCode::Char('W'));
        settle(&mut app);
        let s = screen(&app);
        assert!(s.contains("Flow graph: 6 packets, 4 ends") && s.contains("GET / HTTP/1.1"), "{s}");
        press(&mut app, KeyCode::Char('W'));
        assert!(app.session_view.is_none());
        press(&mut app, KeyCode::Char('I'));
        settle(&mut app);
        let s = screen(&app);
        assert!(s.contains("I/O graph: packets/s, interval 1 s") && s.contains("all: frame (6 packets)"), "{s}");
        press(&mut app, KeyCode::Esc);
        assert!(app.session_view.is_none());
        press(&mut app, KeyCode::Char('C'));
        settle(&mut app);
        assert!(screen(&app).contains("Conversations [TCP 1]"));
        press(&mut app, KeyCode::Enter);
        assert!(app.session_view.is_none());
        assert!(app.filter.text.contains("tcp"), "{}", app.filter.text);
        settle(&mut app);
        press(&mut app, KeyCode::Char('F'));
        settle(&mut app);
        let s = screen(&app);
        assert!(s.contains("Follow TCP") && s.contains(" / HTTP/1.1"), "{s}");
        press(&mut app, KeyCode::Char('q'));
        assert!(app.session_view.is_none() && !app.quit);
    }
}
