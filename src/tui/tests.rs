//! Whole-app tests: events in, screens out, on a `TestBackend`.

use std::sync::atomic::AtomicBool;
use std::sync::mpsc::Receiver;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;

use super::app::{App, Mode};
use super::event::Event;
use super::layout::{inner, Pane};
use super::keymap;
use super::workers::loader;
use super::{testutil, Packets};
use crate::capture::{Reader, StoreSource};

/// An app over `file` (pcap bytes) with everything loaded, and the channel
/// its workers answer on.
pub(super) fn app_over(file: Vec<u8>, w: u16, h: u16) -> (App, Receiver<Event>) {
    let reader = Reader::new(std::io::Cursor::new(file.clone())).unwrap();
    let packets = Arc::new(Packets::new(StoreSource::Memory(file.clone()), reader.is_pcapng()));
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = loader::spawn(reader, file.len() as u64, packets.clone(), tx, Arc::new(AtomicBool::new(false)));
    let (app_tx, app_rx) = std::sync::mpsc::channel();
    let mut app = App::new(packets, app_tx, "lab.pcap".into(), Rect::new(0, 0, w, h));
    for ev in rx.iter() {
        app.update(ev);
    }
    handle.join().unwrap();
    (app, app_rx)
}

/// Feeds worker results to the app until the filter has run to the end.
pub(super) fn settle(app: &mut App, rx: &Receiver<Event>) {
    while app.applied.as_ref().is_some_and(|a| !a.done) {
        match rx.recv_timeout(std::time::Duration::from_secs(20)) {
            Ok(ev) => app.update(ev),
            Err(e) => panic!("filter never finished: {e}"),
        }
    }
}

pub(super) fn lab(w: u16, h: u16) -> (App, Receiver<Event>) {
    app_over(testutil::pcap(&testutil::lab_frames()), w, h)
}

pub(super) fn render(app: &App) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    t.backend().buffer().clone()
}

fn lines(b: &Buffer) -> Vec<String> {
    (0..b.area.height)
        .map(|y| (0..b.area.width).map(|x| b[(x, y)].symbol()).collect::<String>())
        .collect()
}

pub(super) fn screen(app: &App) -> String {
    lines(&render(app)).join("\n")
}

pub(super) fn press(app: &mut App, code: KeyCode) {
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

pub(super) fn ctrl(app: &mut App, c: char) {
    app.update(Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
}

pub(super) fn type_str(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

pub(super) fn click(app: &mut App, button: MouseButton, x: u16, y: u16) {
    app.update(Event::Mouse(MouseEvent { kind: MouseEventKind::Down(button), column: x, row: y, modifiers: KeyModifiers::NONE }));
}

pub(super) fn selected_label(app: &App) -> String {
    app.detail.selected().map(|id| app.detail.label(id).to_string()).unwrap_or_default()
}

/// Moves the tree cursor to the first row whose label starts with `prefix`.
pub(super) fn tree_to(app: &mut App, prefix: &str) {
    app.focus = Pane::Detail;
    press(app, KeyCode::Char('g'));
    for _ in 0..app.detail.rows.len() {
        if selected_label(app).starts_with(prefix) {
            return;
        }
        press(app, KeyCode::Char('j'));
    }
    panic!("no tree row {prefix:?}");
}

#[test]
fn three_panes_show_list_tree_and_bytes() {
    let (app, _rx) = lab(120, 40);
    let s = screen(&app);
    assert!(s.contains(" Packets "), "{s}");
    assert!(s.contains("No. Time"), "{s}");
    assert!(s.contains("40000 → 6789 [SYN]"), "{s}");
    assert!(s.contains("UDP"), "{s}");
    assert!(s.contains("Frame 1: 54 bytes on wire"), "{s}");
    assert!(s.contains("Internet Protocol Version 4, Src: 127.0.0.1"), "{s}");
    assert!(s.contains("0000  00 00 00 00 00 02 00 00  00 00 00 01 08 00 45 00"), "{s}");
    assert!(s.contains("Packets: 6"), "{s}");
    assert!(!s.contains("Loading"), "{s}");
}

#[test]
fn moving_in_the_list_shows_that_packet() {
    let (mut app, _rx) = lab(120, 40);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Down);
    assert_eq!(app.list.sel, 2);
    assert!(screen(&app).contains("Frame 3:"));
    press(&mut app, KeyCode::Char('G'));
    assert!(screen(&app).contains("Frame 6:"));
    press(&mut app, KeyCode::Char('g'));
    assert!(screen(&app).contains("Frame 1:"));
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.list.sel, 5);
    ctrl(&mut app, 'u');
    assert!(app.list.sel < 5);
}

#[test]
fn selected_row_is_reversed_and_rows_carry_wireshark_colors() {
    let (app, _rx) = lab(120, 40);
    let b = render(&app);
    let list = inner(app.areas().list);
    let first = list.y + 1;
    assert!(b[(0, first)].modifier.contains(Modifier::REVERSED));
    assert!(!b[(0, first + 1)].modifier.contains(Modifier::REVERSED));
    // SYN and SYN/ACK gray, ACK lavender (TCP), UDP blue, RST dark red.
    assert_eq!(b[(0, first + 1)].bg, Color::Rgb(0xa0, 0xa0, 0xa0));
    assert_eq!(b[(0, first + 2)].bg, Color::Rgb(0xe7, 0xe6, 0xff));
    assert_eq!(b[(0, first + 4)].bg, Color::Rgb(0xda, 0xee, 0xff));
    assert_eq!(b[(0, first + 5)].bg, Color::Rgb(0xa4, 0, 0));
}

/// Every row of the tree pane, scrolled or not.
fn tree_text(app: &App) -> String {
    app.detail.rows.iter().map(|&id| app.detail.label(id)).collect::<Vec<_>>().join("\n")
}

#[test]
fn tree_expands_and_collapses() {
    let (mut app, _rx) = lab(120, 40);
    tree_to(&mut app, "Internet Protocol Version 4");
    assert!(!tree_text(&app).contains("Time to Live"));
    press(&mut app, KeyCode::Enter);
    assert!(tree_text(&app).contains("Time to Live: 64"));
    press(&mut app, KeyCode::Char('h'));
    assert!(!tree_text(&app).contains("Time to Live"));
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('l'));
    assert!(selected_label(&app).contains("Version: 4"), "{}", selected_label(&app));
    press(&mut app, KeyCode::Char('h'));
    assert!(selected_label(&app).starts_with("Internet Protocol"));
    press(&mut app, KeyCode::Char('e'));
    let s = tree_text(&app);
    assert!(s.contains(".... ..1. = Syn: Set") || s.contains("Don't fragment: Set"), "{s}");
    press(&mut app, KeyCode::Char('c'));
    assert!(!tree_text(&app).contains("Time to Live"));
    assert!(selected_label(&app).starts_with("Internet Protocol"));
    // Expansion is remembered for the next packet.
    press(&mut app, KeyCode::Enter);
    app.focus = Pane::List;
    press(&mut app, KeyCode::Char('j'));
    let s = tree_text(&app);
    assert!(s.contains("Frame 2:") && s.contains("Time to Live: 64"), "{s}");
    assert!(screen(&app).contains("Internet Protocol"));
    assert!(selected_label(&app).starts_with("Internet Protocol"), "selection kept: {}", selected_label(&app));
}

/// Reversed cells on the hex pane's first lines, as byte offsets.
fn highlighted(app: &App) -> Vec<usize> {
    let b = render(app);
    let hex = inner(app.areas().hex);
    let mut out = Vec::new();
    for line in 0..hex.height.min(4) {
        for i in 0..16u16 {
            let x = hex.x + 6 + i * 3 + (i >= 8) as u16;
            if b[(x, hex.y + line)].modifier.contains(Modifier::REVERSED) {
                out.push((app.hex.top + line as usize) * 16 + i as usize);
            }
        }
    }
    out
}

#[test]
fn tree_selection_highlights_its_bytes() {
    let (mut app, _rx) = lab(120, 40);
    tree_to(&mut app, "Internet Protocol Version 4");
    press(&mut app, KeyCode::Enter);
    tree_to(&mut app, "Source Address: 127.0.0.1");
    assert_eq!(highlighted(&app), vec![26, 27, 28, 29]);
    tree_to(&mut app, "Ethernet II");
    assert_eq!(highlighted(&app), (0..14).collect::<Vec<_>>());
}

#[test]
fn hex_cursor_selects_the_owning_tree_item() {
    let (mut app, _rx) = lab(120, 40);
    app.focus = Pane::Hex;
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    for _ in 0..2 {
        press(&mut app, KeyCode::Char('l'));
    }
    // Byte 34: the TCP source port.
    assert_eq!(app.hex.cursor, 34);
    assert_eq!(selected_label(&app), "Source Port: 40000");
    assert!(screen(&app).contains("Source Port: 40000"));
    assert_eq!(highlighted(&app), vec![34, 35]);
    // A click on byte 23 (IP protocol) selects it too.
    let hex = inner(app.areas().hex);
    click(&mut app, MouseButton::Left, hex.x + 6 + 7 * 3 + 1, hex.y + 1);
    assert_eq!(app.hex.cursor, 23);
    assert!(selected_label(&app).starts_with("Protocol: TCP"), "{}", selected_label(&app));
}

#[test]
fn go_to_packet() {
    let (mut app, _rx) = lab(120, 40);
    press(&mut app, KeyCode::Char(':'));
    type_str(&mut app, "5");
    assert!(screen(&app).contains("Go to packet"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.list.sel, 4);
    assert!(screen(&app).contains("Frame 5:"));
    ctrl(&mut app, 'g');
    type_str(&mut app, "99");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.list.sel, 4);
    assert!(screen(&app).contains("there is no packet 99"));
    press(&mut app, KeyCode::Char(':'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn search_finds_text_and_bytes() {
    let (mut app, _rx) = lab(120, 40);
    press(&mut app, KeyCode::Char('s'));
    type_str(&mut app, "GET /");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.list.sel, 3);
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.list.sel, 3, "only one match, found again after wrapping");
    press(&mut app, KeyCode::Char('s'));
    type_str(&mut app, "70:69:6e:67");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.list.sel, 4, "\"ping\" as bytes");
    press(&mut app, KeyCode::Char('s'));
    type_str(&mut app, "nowhere");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.list.sel, 4);
    assert!(screen(&app).contains("no packet with those text"));
}

#[test]
fn filter_bar_edits_and_clears() {
    let (mut app, _rx) = lab(120, 40);
    assert!(screen(&app).contains("press / to enter a display filter"));
    press(&mut app, KeyCode::Char('/'));
    type_str(&mut app, "tcp");
    assert_eq!(app.mode, Mode::Filter);
    assert!(lines(&render(&app))[0].starts_with("Filter: tcp"));
    // `q` is text while typing a filter, not quit.
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.quit);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.filter.text.is_empty());
}

#[test]
fn filter_bar_is_green_when_valid_and_red_with_the_error_when_not() {
    let (mut app, _rx) = lab(120, 40);
    press(&mut app, KeyCode::Char('f'));
    type_str(&mut app, "tcp.port == 6789");
    let b = render(&app);
    assert_eq!(b[(8, 0)].bg, Color::Rgb(0xaf, 0xff, 0xaf));
    assert_eq!(b[(8 + 15, 0)].bg, Color::Rgb(0xaf, 0xff, 0xaf));
    for _ in 0.."port == 6789".len() {
        press(&mut app, KeyCode::Backspace);
    }
    type_str(&mut app, "prot == 80");
    let b = render(&app);
    let top = &lines(&b)[0];
    assert!(top.starts_with("Filter: tcp.prot == 80  "), "{top}");
    assert!(top.contains("tcp.prot") && top.contains("not a valid"), "{top}");
    assert_eq!(b[(8, 0)].bg, Color::Rgb(0xff, 0xaf, 0xaf));
    // The unknown field is underlined, the rest is not.
    assert!(b[(8, 0)].modifier.contains(Modifier::UNDERLINED));
    assert!(b[(15, 0)].modifier.contains(Modifier::UNDERLINED));
    assert!(!b[(17, 0)].modifier.contains(Modifier::UNDERLINED));
    // Enter on an invalid filter keeps the bar open and applies nothing.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Filter);
    assert!(app.applied.is_none());
    assert_eq!(app.view.len(), 6);
}

#[test]
fn applying_a_filter_shows_the_matching_packets() {
    let (mut app, rx) = lab(120, 40);
    press(&mut app, KeyCode::Char('G'));
    press(&mut app, KeyCode::Char('/'));
    type_str(&mut app, "tcp");
    press(&mut app, KeyCode::Enter);
    settle(&mut app, &rx);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.view.len(), 5);
    // The selected packet (6, a TCP reset) stays selected.
    assert_eq!(app.view.packet(app.list.sel), Some(5));
    let s = screen(&app);
    assert!(s.contains("Packets: 6 · Displayed: 5 (83.3%)"), "{s}");
    assert!(!s.contains("ping 1") && !s.contains(" UDP "), "{s}");
    // A new filter replaces it; stale results of the old one are ignored.
    press(&mut app, KeyCode::Char('/'));
    app.filter.clear();
    type_str(&mut app, "tcp.flags.syn == 1");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('/'));
    app.filter.clear();
    type_str(&mut app, "udp");
    press(&mut app, KeyCode::Enter);
    settle(&mut app, &rx);
    while let Ok(ev) = rx.recv_timeout(std::time::Duration::from_millis(200)) {
        app.update(ev);
    }
    assert_eq!(app.view.matched, Some(vec![4]));
    assert!(screen(&app).contains("Displayed: 1 (16.7%)"));
    assert!(screen(&app).contains("Frame 5:"));
    // History brings back the earlier filters; Esc clears and shows all.
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Up);
    assert_eq!(app.filter.text, "udp");
    press(&mut app, KeyCode::Up);
    assert_eq!(app.filter.text, "tcp.flags.syn == 1");
    press(&mut app, KeyCode::Esc);
    assert!(app.applied.is_none());
    assert_eq!(app.view.len(), 6);
    assert_eq!(app.view.packet(app.list.sel), Some(4), "selection kept when the filter goes");
    assert!(screen(&app).contains("Packets: 6 │"));
}

#[test]
fn apply_as_filter_on_a_tree_item() {
    let (mut app, rx) = lab(120, 40);
    app.list.select(4, 6, 10);
    app.update(Event::Tick);
    tree_to(&mut app, "User Datagram Protocol");
    press(&mut app, KeyCode::Enter);
    tree_to(&mut app, "Destination Port: 12000");
    press(&mut app, KeyCode::Char('a'));
    settle(&mut app, &rx);
    assert_eq!(app.filter.text, "udp.dstport == 12000");
    assert_eq!(app.view.matched, Some(vec![4]));
    assert_eq!(app.mode, Mode::Normal);
    assert!(screen(&app).contains("Displayed: 1 (16.7%)"));
}

#[test]
fn search_by_filter() {
    let (mut app, _rx) = lab(120, 40);
    press(&mut app, KeyCode::Char('s'));
    type_str(&mut app, "tcp.flags.reset == 1");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.list.sel, 5);
    press(&mut app, KeyCode::Char('N'));
    assert_eq!(app.list.sel, 5);
}

/// The lab capture's first packet, its TCP tree expanded and the
/// destination port item selected.
fn at_tcp_dst_port() -> (App, Receiver<Event>) {
    let (mut app, rx) = lab(120, 40);
    tree_to(&mut app, "Transmission Control Protocol");
    press(&mut app, KeyCode::Enter);
    tree_to(&mut app, "Destination Port: 6789");
    (app, rx)
}

#[test]
fn apply_as_filter_builds_the_expression() {
    let (mut app, _rx) = at_tcp_dst_port();
    press(&mut app, KeyCode::Char('A'));
    assert_eq!(app.mode, Mode::Filter);
    assert_eq!(app.filter.text, "tcp.dstport == 6789");
    press(&mut app, KeyCode::Esc);
    // Right-click opens the item's menu; its second entry prepares the
    // filter for the clicked item.
    let d = inner(app.areas().detail);
    let row = app.detail.rows.iter().position(|&id| app.detail.label(id).starts_with("Transmission")).unwrap();
    app.detail.top = 0;
    click(&mut app, MouseButton::Right, d.x + 4, d.y + row as u16);
    assert_eq!(app.mode, Mode::TreeMenu { cursor: 0 });
    let s = screen(&app);
    assert!(s.contains(" tcp ") && s.contains("Prepare as Filter") && s.contains("Follow Stream"), "{s}");
    press(&mut app, KeyCode::Char('2'));
    assert_eq!((&app.mode, app.filter.text.as_str()), (&Mode::Filter, "tcp"));
}

#[test]
fn the_tree_menu_applies_filters_and_opens_session_views() {
    let (mut app, _rx) = at_tcp_dst_port();
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.applied.as_ref().map(|a| a.text.as_str()), Some("tcp.dstport == 6789"));
    // Clicking an entry does it: the third follows the stream.
    press(&mut app, KeyCode::Char('m'));
    // The menu (five entries in a border) sits in the middle of the screen.
    let area = app.size;
    let top = area.y + (area.height - 7) / 2;
    click(&mut app, MouseButton::Left, area.x + area.width / 2, top + 1 + 2);
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.session_view.is_some(), "the follow view is open");
    assert!(screen(&app).contains("Follow"), "{}", screen(&app));
    // Esc closes the menu without doing anything.
    app.session_view = None;
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.mode, Mode::TreeMenu { cursor: 1 });
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn help_lists_every_key() {
    let (mut app, _rx) = lab(120, 40);
    press(&mut app, KeyCode::Char('?'));
    let s = screen(&app);
    for row in keymap::KEYS {
        let (keys, what) = (row.keys, row.help);
        assert!(s.contains(keys) && s.contains(what), "help lacks {keys}: {what}\n{s}");
    }
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
    assert!(!screen(&app).contains(" Keys "));
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn eighty_by_twenty_four_shows_everything() {
    let (mut app, _rx) = lab(120, 40);
    app.update(Event::Resize(80, 24));
    let s = lines(&render(&app));
    assert_eq!(s.len(), 24);
    assert!(s[0].starts_with("Filter:"));
    let all = s.join("\n");
    assert!(all.contains(" Packets ") && all.contains(" Details ") && all.contains(" Bytes "), "{all}");
    assert!(all.contains("40000 → 6789"), "{all}");
    assert!(all.contains("Frame 1:"), "{all}");
    assert!(all.contains("0000  00 00"), "{all}");
    assert!(s[23].contains("Packets: 6") && s[23].ends_with("? help"), "{}", s[23]);
}

#[test]
fn a_terminal_smaller_than_the_last_resize_event_draws_without_panicking() {
    // The window shrank but its Resize event is still queued: the frame's size must win.
    let (mut app, _rx) = lab(120, 40);
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| super::draw_frame(&mut app, f)).unwrap();
    assert_eq!(app.size, Rect::new(0, 0, 80, 24));
    assert!(lines(t.backend().buffer())[23].ends_with("? help"));
}

#[test]
fn zoom_and_focus() {
    let (mut app, _rx) = lab(80, 24);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::Detail);
    press(&mut app, KeyCode::Char('z'));
    let s = screen(&app);
    assert!(s.contains(" Details ") && !s.contains(" Packets ") && !s.contains(" Bytes "), "{s}");
    press(&mut app, KeyCode::Char('z'));
    app.update(Event::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)));
    assert_eq!(app.focus, Pane::List);
    // Clicking in a pane focuses it.
    let hex = app.areas().hex;
    click(&mut app, MouseButton::Left, 0, hex.y + 1);
    assert_eq!(app.focus, Pane::Hex);
    let list = inner(app.areas().list);
    click(&mut app, MouseButton::Left, 3, list.y + 3);
    assert_eq!((app.focus, app.list.sel), (Pane::List, 2));
}

#[test]
fn a_long_capture_scrolls_and_builds_only_visible_rows() {
    let frames: Vec<Vec<u8>> = (0..5000).map(|i| testutil::udp_frame(format!("n{i}").as_bytes())).collect();
    let (mut app, _rx) = app_over(testutil::pcap(&frames), 100, 30);
    press(&mut app, KeyCode::Char('G'));
    let s = screen(&app);
    assert!(s.contains(" 5000 ") && s.contains("Frame 5000:"), "{s}");
    assert!(s.contains('█'), "scroll bar thumb");
    ctrl(&mut app, 'd');
    app.update(Event::Mouse(MouseEvent { kind: MouseEventKind::ScrollUp, column: 1, row: 5, modifiers: KeyModifiers::NONE }));
    assert_eq!(app.list.sel, 4999);
    press(&mut app, KeyCode::Char(':'));
    type_str(&mut app, "2500");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("Frame 2500:"));
}

/// A capture from the shared corpus, when present.
fn corpus(name: &str) -> Option<Vec<u8>> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/captures").join(name);
    match std::fs::read(&p) {
        Ok(v) => Some(v),
        Err(_) => {
            eprintln!("skipping: {} is absent", p.display());
            None
        }
    }
}

#[test]
fn a_real_http_capture() {
    let Some(file) = corpus("suricata-verify__http-protocol-nodup--input.pcap") else { return };
    let (mut app, _rx) = app_over(file, 120, 40);
    let s = screen(&app);
    assert!(s.contains("223.72.39.14") && s.contains("2545 → 80 [SYN]"), "{s}");
    press(&mut app, KeyCode::Char('s'));
    type_str(&mut app, "GET /postinfo");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("Frame 4:"));
}

/// A live app fed by a fake capture: returns the app, the capture's event
/// sender and the app's own channel (where the feeder reports).
fn live_app() -> (App, std::sync::mpsc::Sender<crate::capture::LiveEvent>, Receiver<Event>) {
    let packets = Arc::new(Packets::new(StoreSource::Memory(Vec::new()), false));
    let (ev_tx, ev_rx) = std::sync::mpsc::channel();
    let (tx, rx) = std::sync::mpsc::channel();
    let iface = crate::capture::Interface { linktype: 1, snaplen: 65535, ticks_per_sec: 1_000_000_000, ts_digits: 9, name: None, description: None, section: 0 };
    loader::spawn_live(ev_rx, iface, packets.clone(), tx.clone());
    let mut app = App::new(packets, tx, "lo".into(), Rect::new(0, 0, 120, 40));
    app.live = Some("lo".into());
    (app, ev_tx, rx)
}

/// Captures `n` more UDP packets and waits until the app has heard of them.
fn capture(app: &mut App, ev_tx: &std::sync::mpsc::Sender<crate::capture::LiveEvent>, rx: &Receiver<Event>, n: usize) {
    let first = app.progress.packets;
    let frames = (first..first + n).map(|i| {
        let data = testutil::udp_frame(format!("live {i}").as_bytes());
        let len = data.len() as u32;
        (crate::capture::Record { caplen: len, origlen: len, ..Default::default() }, 1, data)
    });
    feed(app, ev_tx, rx, frames.collect());
}

/// Captures `frames` (record, link type, bytes) and waits until the app has heard of them.
fn feed(
    app: &mut App,
    ev_tx: &std::sync::mpsc::Sender<crate::capture::LiveEvent>,
    rx: &Receiver<Event>,
    frames: Vec<(crate::capture::Record, u32, Vec<u8>)>,
) {
    let want = app.progress.packets + frames.len();
    for (record, linktype, data) in frames {
        ev_tx.send(crate::capture::LiveEvent::Packet { record, linktype, data, comments: Vec::new() }).unwrap();
    }
    while app.progress.packets < want {
        app.update(rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap());
    }
}

/// The packets of `sample-captures/NAME` as a live capture delivers them.
fn sample_frames(name: &str) -> Option<Vec<(crate::capture::Record, u32, Vec<u8>)>> {
    let file = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures").join(name)).ok()?;
    let mut reader = Reader::new(std::io::Cursor::new(file)).ok()?;
    let mut out = Vec::new();
    while let Ok(Some((record, iface, data))) = reader.next_packet() {
        out.push((crate::capture::Record { offset: 0, iface: 0, ..record }, iface.linktype, data.to_vec()));
    }
    Some(out)
}

/// Feeds the app until the lab checklist's score is `want`, or fails after 10 s without events.
fn until_score(app: &mut App, rx: &Receiver<Event>, want: (usize, usize)) {
    while app.checklist.as_ref().map(|c| c.score()) != Some(want) {
        let ev = rx.recv_timeout(std::time::Duration::from_secs(10));
        app.update(ev.unwrap_or_else(|e| panic!("the checklist never scored {want:?}: {e}")));
    }
}

#[test]
fn a_live_ping_lab_counts_a_ping_lost_only_once_it_cannot_be_answered() {
    let Some(frames) = sample_frames("ping.pcap") else { return };
    let lab = crate::gen::lab::Kind::Ping.prepare(None, &[]).expect("ping lab");
    let (mut app, ev_tx, rx) = live_app();
    app.checklist = Some(super::overlays::checklist::Checklist::new(&lab.questions));
    // Ping 1 is captured, its reply not yet: the lab's filter pass ends with
    // exactly that ping displayed, which must not read as "ping 1 was lost".
    feed(&mut app, &ev_tx, &rx, frames[..1].to_vec());
    press(&mut app, KeyCode::Char('/'));
    type_str(&mut app, &lab.display_filter);
    press(&mut app, KeyCode::Enter);
    while app.applied.as_ref().is_some_and(|a| a.scanned < 1) {
        app.update(rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap());
    }
    assert_eq!(app.view.len(), 1);
    assert_eq!(app.checklist.as_ref().map(|c| c.score()), Some((0, 2)));
    // Frame 3 (ping 2) is lost once ping 3 (frame 4) leaves a second later;
    // ping 3 itself still waits for its reply, so nothing ticks yet.
    press(&mut app, KeyCode::Char('/'));
    ctrl(&mut app, 'u');
    type_str(&mut app, "frame.number == 3");
    press(&mut app, KeyCode::Enter);
    feed(&mut app, &ev_tx, &rx, frames[1..4].to_vec());
    while app.applied.as_ref().is_some_and(|a| a.scanned < 4) {
        app.update(rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap());
    }
    assert_eq!(app.view.len(), 1);
    assert_eq!(app.checklist.as_ref().map(|c| c.score()), Some((0, 2)));
    // Its reply arrives: only ping 2 was lost, and that is what is displayed.
    feed(&mut app, &ev_tx, &rx, frames[4..5].to_vec());
    until_score(&mut app, &rx, (1, 2));
    assert!(screen(&app).contains("[✓] which pings were lost? display exactly them"), "{}", screen(&app));
}

#[test]
fn live_list_follows_new_packets_until_the_user_moves_up() {
    let (mut app, ev_tx, rx) = live_app();
    capture(&mut app, &ev_tx, &rx, 3);
    assert_eq!(app.list.sel, 2, "follows the newest packet");
    assert!(screen(&app).contains("● Capturing"));
    press(&mut app, KeyCode::Char('k'));
    capture(&mut app, &ev_tx, &rx, 2);
    assert_eq!((app.list.sel, app.view.len()), (1, 5), "stopped following");
    press(&mut app, KeyCode::Char('G'));
    capture(&mut app, &ev_tx, &rx, 1);
    assert_eq!(app.list.sel, 5, "follows again from the last row");
    // Space pauses the display; the capture goes on.
    press(&mut app, KeyCode::Char(' '));
    capture(&mut app, &ev_tx, &rx, 2);
    assert_eq!(app.view.len(), 6);
    assert!(screen(&app).contains("Paused, 2 new"), "{}", screen(&app));
    press(&mut app, KeyCode::Char(' '));
    assert_eq!((app.view.len(), app.list.sel), (8, 7));
    assert!(screen(&app).contains("Frame 8:"));
    ev_tx.send(crate::capture::LiveEvent::Stats(crate::capture::LiveStats { dropped: 4, ..Default::default() })).unwrap();
    drop(ev_tx);
    while !app.progress.done {
        app.update(rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap());
    }
    let s = screen(&app);
    assert!(s.contains("Dropped: 4") && s.contains("Capture stopped"), "{s}");
}

#[test]
fn whole_screen_at_80_by_24() {
    let (mut app, _rx) = lab(80, 24);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('G'));
    let got = lines(&render(&app)).join("\n");
    // The labels come from the dissectors: when they change, check the new
    // screen printed here and paste it below.
    assert_eq!(got, SNAPSHOT_80X24, "screen now:\n{got}");
}

const SNAPSHOT_80X24: &str = concat!(
    "Filter: press / to enter a display filter                                       \n",
    " Packets ───────────────────────────────────────────────────────────────────────\n",
    "No. Time     Source    Destination Protocol Length Info                         \n",
    "  1 0.000000 127.0.0.1 127.0.0.1   TCP          54 40000 → 6789 [SYN] Seq=0 Win…\n",
    "  2 0.010000 127.0.0.1 127.0.0.1   TCP          54 6789 → 40000 [SYN, ACK] Seq=…\n",
    "  3 0.020000 127.0.0.1 127.0.0.1   TCP          54 40000 → 6789 [ACK] Seq=1 Ack…\n",
    "  4 0.030000 127.0.0.1 127.0.0.1   HTTP         72 GET / HTTP/1.1               \n",
    "  5 0.040000 127.0.0.1 127.0.0.1   UDP          48 50000 → 12000 Len=6          \n",
    "  6 0.050000 127.0.0.1 127.0.0.1   TCP          54 6789 → 40000 [RST, ACK] Seq=…\n",
    "                                                                                \n",
    " Details ───────────────────────────────────────────────────────────────────────\n",
    "▸ Frame 2: 54 bytes on wire (432 bits), 54 bytes captured (432 bits)            \n",
    "▸ Ethernet II, Src: 00:00:00_00:00:01 (00:00:00:00:00:01), Dst: 00:00:00_00:00:0\n",
    "▸ Internet Protocol Version 4, Src: 127.0.0.1, Dst: 127.0.0.1                   \n",
    "▸ Transmission Control Protocol, Src Port: 6789, Dst Port: 40000, Seq: 0, Ack: 1\n",
    "                                                                                \n",
    " Bytes ─────────────────────────────────────────────────────────────────────────\n",
    "0000  00 00 00 00 00 02 00 00  00 00 00 01 08 00 45 00  ..............E.        \n",
    "0010  00 28 00 01 40 00 40 06  3c cd 7f 00 00 01 7f 00  .(..@.@.<.......        \n",
    "0020  00 01 1a 85 9c 40 00 00  01 f4 00 00 00 65 50 12  .....@.......eP.        \n",
    "0030  ff ff 00 00 00 00                                 ......                  \n",
    "                                                                                \n",
    "                                                                                \n",
    "Transmission Control Protocol (tcp), 20 bytes │ Packets: 6 │ lab.pcap     ? help",
);

#[test]
fn ctrl_s_saves_all_or_the_displayed_packets() {
    let (mut app, rx) = lab(120, 40);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("all.pcap");
    ctrl(&mut app, 's');
    assert!(screen(&app).contains("saves all packets"));
    type_str(&mut app, &out.display().to_string());
    press(&mut app, KeyCode::Enter);
    app.update(rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap());
    assert!(screen(&app).contains("saved 6 packets to"), "{}", screen(&app));
    assert_eq!(std::fs::read(&out).unwrap().len(), testutil::pcap(&testutil::lab_frames()).len());
    // With a filter applied, the displayed packets are the default.
    press(&mut app, KeyCode::Char('/'));
    type_str(&mut app, "udp");
    press(&mut app, KeyCode::Enter);
    settle(&mut app, &rx);
    let out = dir.path().join("udp.pcap");
    ctrl(&mut app, 's');
    assert!(screen(&app).contains("saves the displayed packets"));
    press(&mut app, KeyCode::Tab);
    assert!(screen(&app).contains("saves all packets"));
    press(&mut app, KeyCode::Tab);
    type_str(&mut app, &out.display().to_string());
    press(&mut app, KeyCode::Enter);
    app.update(rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap());
    assert!(screen(&app).contains("saved 1 packet to"), "{}", screen(&app));
}

#[test]
fn a_labs_hint_stays_above_the_status_bar_until_esc() {
    let (mut app, _rx) = lab(120, 30);
    let hint = crate::gen::lab::Kind::Web.prepare(None, &[]).unwrap().hint;
    app.hint = Some(hint.to_string());
    let s = lines(&render(&app));
    assert!(s[28].starts_with(" Look for: GET / answered 200 OK, GET /missing.html answered 404 Not Found"), "{s:#?}");
    assert!(s[28].ends_with("keep-alive connection.     Esc hides "), "{}", s[28]);
    assert!(s[29].starts_with("Packets: 6") && s[29].ends_with("? help"), "{}", s[29]);
    // Keys leave it be; Esc hides it and the panes take the line back.
    press(&mut app, KeyCode::Char('j'));
    assert!(lines(&render(&app))[28].contains("Look for:"));
    let bytes_bottom = |app: &App| app.areas().hex.y + app.areas().hex.height;
    assert_eq!(bytes_bottom(&app), 28);
    press(&mut app, KeyCode::Esc);
    assert!(app.hint.is_none());
    let s = lines(&render(&app));
    assert!(!s.join("\n").contains("Look for"), "{s:#?}");
    assert_eq!(bytes_bottom(&app), 29);
}

#[test]
fn generator_menu_lists_the_labs_during_a_live_capture() {
    let (mut app, _rx) = lab(120, 40);
    press(&mut app, KeyCode::Char('R'));
    assert_eq!(app.mode, Mode::Normal);
    assert!(screen(&app).contains("generators are for live captures: watch them with wirelens -i lo"));
    app.live = Some("lo".into());
    press(&mut app, KeyCode::Char('R'));
    let s = lines(&render(&app));
    let all = s.join("\n");
    assert!(all.contains(" Run a lab's traffic generator "), "{all}");
    for (name, help) in [
        ("tcp-upper", "TCP uppercase on 12000: handshake, data, teardown per message"),
        ("web", "HTTP/1.1 on 6789: a 200 and a 404 on one keep-alive connection"),
        ("smtp", "SMTP on 25 (2525 unless root): one mail from EHLO to QUIT"),
    ] {
        assert!(s.iter().any(|l| l.contains(&format!(" {name}")) && l.contains(help)), "{name} missing:\n{all}");
    }
    // The cursor row is reversed; j moves it, Esc closes the menu.
    let reversed_row = |app: &App| {
        let b = render(app);
        (0..b.area.height).find(|&y| {
            let text: String = (0..b.area.width).map(|x| b[(x, y)].symbol()).collect();
            text.contains("UDP uppercase") && b[(b.area.width / 2, y)].modifier.contains(Modifier::REVERSED)
        })
    };
    assert!(reversed_row(&app).is_none());
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.mode, Mode::Generators { cursor: 1 });
    assert!(reversed_row(&app).is_some(), "{}", screen(&app));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
    assert!(!screen(&app).contains("Run a lab's traffic generator"));
}

#[test]
fn ctrl_s_saves_pcapng_when_the_name_says_so() {
    let (mut app, rx) = lab(100, 30);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.pcapng");
    ctrl(&mut app, 's');
    type_str(&mut app, "lab.pcap");
    assert!(screen(&app).contains(" Save as pcap "), "{}", screen(&app));
    app.mode = Mode::Normal;
    ctrl(&mut app, 's');
    type_str(&mut app, &path.display().to_string());
    assert!(screen(&app).contains(" Save as pcapng "), "{}", screen(&app));
    press(&mut app, KeyCode::Enter);
    let saved = rx.recv_timeout(std::time::Duration::from_secs(20)).unwrap();
    app.update(saved);
    assert!(screen(&app).contains(&format!("saved 6 packets to {}", path.display())), "{}", screen(&app));
    let mut r = Reader::new(std::fs::File::open(&path).unwrap()).unwrap();
    assert!(r.is_pcapng());
    let mut n = 0;
    while r.next_packet().unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, 6);
}

/// An app over a sample capture, its tree fully expanded and focused.
fn sample_tree(name: &str) -> (App, Receiver<Event>) {
    let file = std::fs::read(format!("{}/sample-captures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let (mut app, rx) = app_over(file, 120, 40);
    app.focus = Pane::Detail;
    press(&mut app, KeyCode::Char('e'));
    (app, rx)
}

fn status_line(app: &App) -> String {
    lines(&render(app)).pop().unwrap()
}

#[test]
fn the_status_bar_names_the_selected_item_as_wireshark_does() {
    let (mut app, _rx) = sample_tree("dns-udp.pcap");
    tree_to(&mut app, "Transaction ID: 0x295a");
    assert!(status_line(&app).starts_with("Transaction ID (dns.id), 2 bytes │ Packets: 20 │"), "{}", status_line(&app));
    tree_to(&mut app, "Domain Name System");
    assert!(status_line(&app).starts_with("Domain Name System (dns), 30 bytes │"), "{}", status_line(&app));
    tree_to(&mut app, "[Stream index: 0]");
    assert!(status_line(&app).starts_with("Stream index (udp.stream) │"), "{}", status_line(&app));
    tree_to(&mut app, "Queries");
    assert!(status_line(&app).starts_with("Text item (text), 18 bytes │"), "{}", status_line(&app));
    tree_to(&mut app, "Time to Live: 64");
    assert!(status_line(&app).starts_with("Time to Live (ip.ttl), 1 byte │"), "{}", status_line(&app));
    // In the packet list the tree's cursor is not what the user looks at.
    app.focus = Pane::List;
    assert!(status_line(&app).starts_with("Packets: 20 │"), "{}", status_line(&app));
}

#[test]
fn i_explains_the_selected_item_in_this_packet() {
    let (mut app, _rx) = sample_tree("dns-udp.pcap");
    tree_to(&mut app, "Transaction ID: 0x295a");
    press(&mut app, KeyCode::Char('i'));
    assert!(matches!(app.mode, Mode::Explain { .. }), "{:?}", app.mode);
    let s = screen(&app);
    assert!(s.contains(" Transaction ID (dns.id), 2 bytes "), "{s}");
    assert!(s.contains("In this packet") && s.contains("Transaction ID 0x295a"), "{s}");
    assert!(s.contains("Its response is frame 2."), "{s}");
    assert!(s.contains("Read: RFC 1035, section 4.1.1 (header section format)"), "{s}");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
    assert!(!screen(&app).contains("In this packet"));
}

#[test]
fn i_on_an_ack_names_the_frame_and_bytes_it_acknowledges() {
    // The lab's reset (frame 6) acknowledges the 18-byte request of frame 4,
    // which the panel finds among the loaded packets.
    let (mut app, _rx) = lab(120, 40);
    app.list.select(5, 6, 10);
    app.update(Event::Tick);
    app.focus = Pane::Detail;
    press(&mut app, KeyCode::Char('e'));
    tree_to(&mut app, "Acknowledgment Number: 19");
    press(&mut app, KeyCode::Char('i'));
    let s = screen(&app);
    assert!(s.contains("This ACK acknowledges the 18 bytes of frame 4: 1 + 18 = 19."), "{s}");
    assert!(s.contains("Read: RFC 9293, section 3.4 (sequence numbers)"), "{s}");
    press(&mut app, KeyCode::Char('i'));
    assert_eq!(app.mode, Mode::Normal);
}
