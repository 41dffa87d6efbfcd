//! Sorting the packet list (`o`, `O`, a click on a column header): whole-app
//! tests on a `TestBackend`.

use std::sync::mpsc::Receiver;

use crossterm::event::{KeyCode, MouseButton};

use super::app::App;
use super::event::Event;
use super::layout::inner;
use super::testutil;
use super::tests::{app_over, click, lab, press, screen, settle, type_str};

/// Packet numbers in row order.
fn numbers(app: &App) -> Vec<usize> {
    (0..app.view.len()).map(|r| app.view.packet(r).unwrap() + 1).collect()
}

fn selected(app: &App) -> Option<usize> {
    app.view.packet(app.list.sel).map(|p| p + 1)
}

/// The list's header line as drawn.
fn header(app: &App) -> String {
    let y = inner(app.areas().list).y as usize;
    screen(app).lines().nth(y).unwrap_or_default().to_string()
}

/// Feeds the app worker results until the labels' worker has read every
/// packet and the sort has been done again with them.
fn settle_labels(app: &mut App, rx: &Receiver<Event>) {
    loop {
        let ev = rx.recv_timeout(std::time::Duration::from_secs(20)).expect("the labels' worker never finished");
        let last = matches!(ev, Event::Labelled) && app.packets.labels().is_sealed();
        app.update(ev);
        if last {
            return;
        }
    }
}

#[test]
fn o_cycles_the_sort_column_and_capital_o_reverses_keeping_the_selected_packet() {
    let (mut app, rx) = lab(120, 30);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(selected(&app), Some(4));
    for _ in 0..5 {
        press(&mut app, KeyCode::Char('o'));
    }
    settle_labels(&mut app, &rx);
    // Lengths: 54 for the bare TCP segments, 72 for the GET, 48 for the UDP ping.
    assert!(header(&app).contains("Length▲"), "{}", header(&app));
    assert_eq!(numbers(&app), [5, 1, 2, 3, 6, 4], "by length, equal lengths in packet order");
    assert_eq!(selected(&app), Some(4), "the selected packet stays selected");
    press(&mut app, KeyCode::Char('O'));
    assert!(header(&app).contains("Length▼"));
    assert_eq!(numbers(&app), [4, 6, 3, 2, 1, 5]);
    assert_eq!(selected(&app), Some(4));
    assert_eq!(app.list.sel, 0);
    // Info, then back to packet order.
    press(&mut app, KeyCode::Char('o'));
    assert!(header(&app).contains("Info▲"));
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(numbers(&app), [1, 2, 3, 4, 5, 6]);
    assert!(!header(&app).contains('▲') && !header(&app).contains('▼'));
    assert_eq!(selected(&app), Some(4));
}

#[test]
fn time_sorts_by_timestamp() {
    let mut file = testutil::pcap(&testutil::lab_frames());
    // The third packet's seconds (its record after the 24-byte file header
    // and two 16-byte record headers with their frames) go back to 999.
    let frames = testutil::lab_frames();
    let third = 24 + 16 + frames[0].len() + 16 + frames[1].len();
    file[third..third + 4].copy_from_slice(&999u32.to_le_bytes());
    let (mut app, _rx) = app_over(file, 120, 30);
    press(&mut app, KeyCode::Char('o'));
    assert!(header(&app).contains("Time▲"));
    assert_eq!(numbers(&app), [3, 1, 2, 4, 5, 6]);
}

#[test]
fn a_sort_by_info_survives_a_new_filter_and_its_removal() {
    let (mut app, rx) = lab(120, 30);
    for _ in 0..6 {
        press(&mut app, KeyCode::Char('o'));
    }
    settle_labels(&mut app, &rx);
    let infos = |app: &App| -> Vec<String> {
        numbers(app)
            .iter()
            .map(|&n| {
                let (mut bytes, mut d) = (Vec::new(), crate::dissect::Dissection::default());
                assert!(app.packets.dissect(n - 1, &mut bytes, &mut d));
                d.cols.info.clone()
            })
            .collect()
    };
    let sorted = |v: &[String]| v.windows(2).all(|w| w[0] <= w[1]);
    let all = infos(&app);
    assert_eq!(all.len(), 6);
    assert!(sorted(&all), "{all:?}");
    assert_ne!(numbers(&app), [1, 2, 3, 4, 5, 6], "the lab's Info texts are not in packet order");
    press(&mut app, KeyCode::Char('/'));
    type_str(&mut app, "tcp");
    press(&mut app, KeyCode::Enter);
    settle(&mut app, &rx);
    let tcp = infos(&app);
    assert_eq!(tcp.len(), 5);
    assert!(sorted(&tcp), "{tcp:?}");
    assert!(header(&app).contains("Info▲"));
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(infos(&app), all, "the filter removed, every packet in Info order again");
}

#[test]
fn a_click_on_a_header_sorts_by_its_column_and_a_second_click_reverses() {
    let (mut app, rx) = lab(120, 30);
    let y = inner(app.areas().list).y;
    let x = header(&app).find("Protocol").unwrap();
    let x = header(&app)[..x].chars().count() as u16;
    click(&mut app, MouseButton::Left, x, y);
    settle_labels(&mut app, &rx);
    assert!(header(&app).contains("Protocol▲"), "{}", header(&app));
    // HTTP's request, then the TCP segments, then UDP.
    assert_eq!(numbers(&app), [4, 1, 2, 3, 6, 5]);
    click(&mut app, MouseButton::Left, x, y);
    assert!(header(&app).contains("Protocol▼"));
    assert_eq!(numbers(&app), [5, 6, 3, 2, 1, 4]);
    click(&mut app, MouseButton::Left, 1, y);
    assert_eq!(numbers(&app), [1, 2, 3, 4, 5, 6], "a click on No.: packet order");
    assert!(!header(&app).contains('▲') && !header(&app).contains('▼'));
    click(&mut app, MouseButton::Left, 1, y);
    assert!(header(&app).contains("No.▼"), "{}", header(&app));
    assert_eq!(numbers(&app), [6, 5, 4, 3, 2, 1]);
}

#[test]
fn packets_arriving_while_sorted_go_into_place() {
    let packets = testutil::load_bytes(testutil::pcap(&testutil::lab_frames())).unwrap();
    let (tx, _rx) = std::sync::mpsc::channel();
    let mut app = App::new(packets, tx, "lo".into(), ratatui::layout::Rect::new(0, 0, 120, 30));
    app.live = Some("lo".into());
    let arrived = |n| Event::Packets(super::event::Progress { packets: n, ..Default::default() });
    app.update(arrived(4));
    let y = inner(app.areas().list).y;
    let x = header(&app).find("Length").unwrap() as u16;
    click(&mut app, MouseButton::Left, x, y);
    assert_eq!(numbers(&app), [1, 2, 3, 4]);
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(selected(&app), Some(2));
    app.update(arrived(6));
    assert_eq!(numbers(&app), [5, 1, 2, 3, 6, 4], "the UDP ping (48 bytes) first, the reset among the 54-byte segments");
    assert_eq!(selected(&app), Some(2), "the selected packet stays selected");
}
