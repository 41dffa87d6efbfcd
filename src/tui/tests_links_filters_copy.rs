//! Whole-app tests of following links in the tree (Enter, Backspace), the
//! filter bar's completion, history and buttons, and copying (`y`).

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;
use std::sync::mpsc::Receiver;

use crossterm::event::{KeyCode, MouseButton};

use super::app::{App, Mode};
use super::event::Event;
use super::layout::{inner, Pane};
use super::tests::{app_over, click, lab, press, screen, selected_label, settle, tree_to, type_str};

fn dns_udp() -> (App, Receiver<Event>) {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures/dns-udp.pcap");
    app_over(std::fs::read(file).expect("sample-captures/dns-udp.pcap"), 120, 40)
}

/// The packet shown in the tree, 1-based.
fn frame(app: &App) -> usize {
    app.detail.packet.map_or(0, |p| p + 1)
}

/// Expands the whole tree and selects the row starting with `prefix`.
fn open_tree_at(app: &mut App, prefix: &str) {
    app.focus = Pane::Detail;
    press(app, KeyCode::Char('e'));
    tree_to(app, prefix);
}

#[test]
fn enter_on_a_frame_link_goes_there_and_backspace_comes_back() {
    let (mut app, _rx) = dns_udp();
    open_tree_at(&mut app, "[Response In: 2]");
    press(&mut app, KeyCode::Enter);
    assert_eq!((frame(&app), app.list.sel), (2, 1));
    assert!(screen(&app).contains("Frame 2: 88 bytes on wire"), "{}", screen(&app));
    assert_eq!(app.message.as_deref(), Some("packet 2 · Backspace: back to packet 1"));
    // The keys stay in the tree: the response links back to its query.
    assert_eq!(app.focus, Pane::Detail);
    tree_to(&mut app, "[Request In: 1]");
    press(&mut app, KeyCode::Enter);
    assert_eq!(frame(&app), 1);
    press(&mut app, KeyCode::Backspace);
    assert_eq!(frame(&app), 2);
    press(&mut app, KeyCode::Backspace);
    assert_eq!(frame(&app), 1);
    press(&mut app, KeyCode::Backspace);
    assert_eq!((frame(&app), app.message.as_deref()), (1, Some("no link followed to go back from")));
    // A click on the selected link follows it too (a double-click in Wireshark).
    tree_to(&mut app, "[Response In: 2]");
    let area = inner(app.areas().detail);
    let y = area.y + (app.detail.cursor - app.detail.top) as u16;
    click(&mut app, MouseButton::Left, area.x + 4, y);
    assert_eq!(frame(&app), 2);
    press(&mut app, KeyCode::Backspace);
    // Enter on an item that is no link still opens and closes it.
    tree_to(&mut app, "Domain Name System (query)");
    let rows = app.detail.rows.len();
    press(&mut app, KeyCode::Enter);
    assert!(app.detail.rows.len() < rows);
    assert_eq!(selected_label(&app), "Domain Name System (query)");
}

#[test]
fn a_link_to_a_packet_the_filter_hides_says_so() {
    let (mut app, rx) = dns_udp();
    app.filter.set("dns.flags.response == 0");
    app.apply_filter();
    settle(&mut app, &rx);
    assert_eq!(app.view.len(), 10);
    open_tree_at(&mut app, "[Response In: 2]");
    press(&mut app, KeyCode::Enter);
    assert_eq!(frame(&app), 1);
    assert_eq!(app.message.as_deref(), Some("packet 2 isn't displayed: the display filter hides it"));
    assert!(app.jumps.is_empty());
}

#[test]
fn tab_completes_a_field_name_with_a_popup_of_descriptions() {
    let (mut app, _rx) = lab(120, 40);
    press(&mut app, KeyCode::Char('/'));
    type_str(&mut app, "dns.qry.na");
    press(&mut app, KeyCode::Tab);
    // Filled in up to what both candidates share, both listed.
    assert_eq!(app.filter.text, "dns.qry.name");
    let s = screen(&app);
    assert!(s.contains("│ dns.qry.name      Name "), "{s}");
    assert!(s.contains("│ dns.qry.name.len  Name Length "), "{s}");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    assert_eq!((app.filter.text.as_str(), app.mode.clone()), ("dns.qry.name.len", Mode::Filter));
    assert!(app.completion.is_none());
    // Typing on with the popup open narrows it; Esc closes it, not the bar.
    type_str(&mut app, " > 3 && ip.sr");
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.filter.text, "dns.qry.name.len > 3 && ip.src");
    assert_eq!(app.completion.as_ref().map(|c| c.items.len()), Some(3));
    type_str(&mut app, "_");
    assert_eq!(app.completion.as_ref().map(|c| c.items[0].name.as_str()), Some("ip.src_host"));
    press(&mut app, KeyCode::Esc);
    assert_eq!((app.completion.is_none(), app.mode.clone()), (true, Mode::Filter));
    // A lone candidate is taken at once; nothing to take says why.
    app.filter.set("tcp.flags.sy");
    press(&mut app, KeyCode::Tab);
    assert_eq!((app.filter.text.as_str(), app.completion.is_none()), ("tcp.flags.syn", true));
    app.filter.set("tcp.prot");
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.message.as_deref(), Some("no field name starts with \"tcp.prot\"; did you mean tcp.port?"));
}

#[test]
fn tab_after_an_operator_completes_the_values_seen() {
    let (mut app, rx) = dns_udp();
    press(&mut app, KeyCode::Char('/'));
    type_str(&mut app, "dns.qry.name == ");
    press(&mut app, KeyCode::Tab);
    // The values are gathered by a worker; the popup fills when they come.
    assert!(app.completion.as_ref().is_some_and(|c| c.pending));
    assert!(screen(&app).contains("gathering values"));
    while app.completion.as_ref().is_some_and(|c| c.pending) {
        match rx.recv_timeout(std::time::Duration::from_secs(20)) {
            Ok(ev) => app.update(ev),
            Err(e) => panic!("the values never came: {e}"),
        }
    }
    let names = |app: &App| app.completion.as_ref().map(|c| c.items.iter().map(|i| i.name.clone()).collect::<Vec<_>>());
    let all = ["info.lab.test", "lab.test", "nothere.lab.test", "web.lab.test", "www.lab.test"];
    assert_eq!(names(&app), Some(all.map(String::from).to_vec()));
    assert!(screen(&app).contains("dns.qry.name values seen"));
    type_str(&mut app, "w");
    assert_eq!(names(&app), Some(vec!["web.lab.test".to_string(), "www.lab.test".to_string()]));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.filter.text, "dns.qry.name == \"www.lab.test\"");
    assert_eq!(app.check, Some(Ok(())));
    press(&mut app, KeyCode::Enter);
    settle(&mut app, &rx);
    assert_eq!(app.view.len(), 6);
    // A second time the values are known at once.
    press(&mut app, KeyCode::Char('/'));
    type_str(&mut app, " || dns.qry.name contains \"l");
    press(&mut app, KeyCode::Tab);
    assert!(app.completion.is_none());
    assert_eq!(app.filter.text, "dns.qry.name == \"www.lab.test\" || dns.qry.name contains \"lab.test\"");
}

#[test]
fn the_filter_history_outlives_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("state/wirelens/filter_history");
    let (mut app, rx) = lab(120, 40);
    app.persist(Some(history.clone()), None);
    for f in ["udp", "tcp", "udp"] {
        press(&mut app, KeyCode::Char('/'));
        crate::tui::tests::ctrl(&mut app, 'u');
        type_str(&mut app, f);
        press(&mut app, KeyCode::Enter);
        settle(&mut app, &rx);
    }
    assert_eq!(std::fs::read_to_string(&history).unwrap(), "tcp\nudp\n");
    drop(app);
    let (mut again, _rx) = lab(120, 40);
    again.persist(Some(history), None);
    press(&mut again, KeyCode::Char('/'));
    press(&mut again, KeyCode::Up);
    assert_eq!(again.filter.text, "udp");
    press(&mut again, KeyCode::Up);
    assert_eq!(again.filter.text, "tcp");
}

#[test]
fn filter_buttons_save_the_filter_and_apply_it_later() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config/wirelens/filter_buttons");
    let (mut app, rx) = lab(120, 40);
    app.persist(None, Some(file.clone()));
    press(&mut app, KeyCode::Char('b'));
    assert!(screen(&app).contains("No filter buttons yet."));
    press(&mut app, KeyCode::Char('+'));
    assert_eq!(app.message.as_deref(), Some("the filter bar is empty: type a filter (/) first, then b +"));
    press(&mut app, KeyCode::Char('/'));
    type_str(&mut app, "udp");
    press(&mut app, KeyCode::Enter);
    settle(&mut app, &rx);
    press(&mut app, KeyCode::Char('b'));
    press(&mut app, KeyCode::Char('+'));
    assert!(screen(&app).contains("Save as a filter button"));
    type_str(&mut app, "Pings");
    press(&mut app, KeyCode::Enter);
    assert!(std::fs::read_to_string(&file).unwrap().ends_with("Pings\tudp\n"));
    assert!(screen(&app).contains(" 1 Pings  udp"), "{}", screen(&app));
    press(&mut app, KeyCode::Esc);
    // Another run finds it; Enter applies it.
    let (mut again, rx) = lab(120, 40);
    again.persist(None, Some(file.clone()));
    press(&mut again, KeyCode::Char('b'));
    press(&mut again, KeyCode::Enter);
    settle(&mut again, &rx);
    assert_eq!((again.applied.as_ref().map(|a| a.text.as_str()), again.view.len()), (Some("udp"), 1));
    press(&mut again, KeyCode::Char('b'));
    press(&mut again, KeyCode::Char('d'));
    assert!(again.buttons.is_empty());
    assert!(!std::fs::read_to_string(&file).unwrap().contains("Pings"));
}

/// A clipboard that keeps what the app writes to the terminal.
#[derive(Clone, Default)]
struct Written(Rc<RefCell<Vec<u8>>>);

impl Write for Written {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Written {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.borrow_mut())
    }
}

#[test]
fn y_copies_value_filter_summary_or_bytes_through_osc_52() {
    let (mut app, _rx) = lab(120, 40);
    let out = Written::default();
    app.clipboard = Box::new(out.clone());
    open_tree_at(&mut app, "Source Address: 127.0.0.1");
    press(&mut app, KeyCode::Char('y'));
    assert!(screen(&app).contains("Summary as Text"));
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(out.take(), b"\x1b]52;c;MTI3LjAuMC4x\x07");
    assert_eq!(app.message.as_deref(), Some("copied: 127.0.0.1"));
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('f'));
    assert_eq!(out.take(), crate::tui::clipboard::osc52("ip.src == 127.0.0.1"));
    // From the menu by its cursor: the third row, the summary line as
    // `tshark -r` prints it.
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let summary = "1   0.000000    127.0.0.1 → 127.0.0.1    TCP 54 40000 → 6789 [SYN] Seq=0 Win=65535 Len=0";
    assert_eq!(out.take(), crate::tui::clipboard::osc52(summary));
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(out.take(), b"\x1b]52;c;N2YwMDAwMDE=\x07");
    // Esc closes the menu without copying.
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Esc);
    assert_eq!((out.take(), app.mode.clone()), (Vec::new(), Mode::Normal));
}
