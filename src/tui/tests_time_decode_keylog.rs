//! Whole-app tests of the time format menu, Decode As… and the TLS key log
//! (with Follow TLS stream), on a `TestBackend`.

use std::sync::mpsc::Receiver;

use crossterm::event::KeyCode;

use super::app::{App, Mode};
use super::event::Event;
use super::layout::inner;
use super::tests::{app_over, ctrl, lab, press, render, screen, settle, type_str};
use super::testutil;

fn row(app: &App, n: u16) -> String {
    let y = inner(app.areas().list).y + n;
    let b = render(app);
    (0..b.area.width).map(|x| b[(x, y)].symbol()).collect()
}

/// Feeds the app its workers' events until the capture dissected again
/// (and any filter on it) has been read to the end.
fn redissected(app: &mut App, rx: &Receiver<Event>) {
    while !app.progress.done {
        match rx.recv_timeout(std::time::Duration::from_secs(20)) {
            Ok(ev) => app.update(ev),
            Err(e) => panic!("the capture was never dissected again: {e}"),
        }
    }
    settle(app, rx);
}

#[test]
fn the_time_menu_offers_every_tshark_format_and_hms() {
    let (mut app, rx) = lab(120, 40);
    assert!(row(&app, 2).starts_with("  2 0.010000 "), "{}", row(&app, 2));
    assert!(!screen(&app).contains("Time -t"));
    press(&mut app, KeyCode::Char('t'));
    let s = screen(&app);
    assert!(s.contains("Time Display Format") && s.contains("UTC Year, Day of Year, and Time of Day"), "{s}");
    assert!(s.contains("● Seconds Since First Captured Packet"), "{s}");
    // Row 8: UTC date and time; the status bar names tshark's option.
    press(&mut app, KeyCode::Char('8'));
    assert_eq!(app.mode, Mode::Normal);
    assert!(row(&app, 2).starts_with("  2 1970-01-01 00:16:40.010000 "), "{}", row(&app, 2));
    assert!(screen(&app).contains("Time -t ud"));
    // Year and day of year, UTC (row 9).
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Char('9'));
    assert!(row(&app, 2).starts_with("  2 1970/001 00:16:40.010000 "), "{}", row(&app, 2));
    // The last row switches -u hms and keeps the menu open; then the
    // relative format (row 5) shows seconds with their unit.
    press(&mut app, KeyCode::Char('t'));
    for _ in 0..12 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::TimeMenu { .. }));
    assert!(screen(&app).contains("[x] Seconds as Hours"));
    press(&mut app, KeyCode::Char('5'));
    assert!(row(&app, 2).starts_with("  2 0.010000s "), "{}", row(&app, 2));
    assert!(screen(&app).contains("Time -t r -u hms"));
    // Delta since the previous captured packet, with a filter hiding some.
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Char('6'));
    app.filter.set("tcp.flags.syn == 1 || udp");
    app.apply_filter();
    settle(&mut app, &rx);
    // Packet 5 (the UDP ping) shows 0.010000s since packet 4, though packet 2 is the row above it.
    assert!(row(&app, 3).starts_with("  5 0.010000s "), "{}", row(&app, 3));
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Char('7'));
    assert!(row(&app, 3).starts_with("  5 0.030000s "), "{}", row(&app, 3));
}

/// An NTP client request from UDP port 50000 to 5300, where no dissector
/// looks for NTP (and no other test uses that port: the Decode As table is
/// the process's).
fn ntp_on_5300() -> Vec<u8> {
    let mut q = vec![0u8; 48];
    q[0] = 0x23;
    let mut f = testutil::udp_frame(&q);
    f[36..38].copy_from_slice(&5300u16.to_be_bytes());
    f
}

#[test]
fn decode_as_dissects_the_capture_again_for_the_list_and_filters() {
    let (mut app, rx) = app_over(testutil::pcap(&[testutil::udp_frame(b"ping"), ntp_on_5300()]), 200, 40);
    press(&mut app, KeyCode::Down);
    app.update(Event::Tick);
    assert!(row(&app, 2).contains("50000 → 5300 Len=48"), "{}", row(&app, 2));
    press(&mut app, KeyCode::Char('D'));
    let s = screen(&app);
    assert!(s.contains("udp.port == 50000  (source)") && s.contains("udp.port == 5300  (destination)"), "{s}");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("udp.port == 5300 → ntp"), "{}", screen(&app));
    press(&mut app, KeyCode::Char('3'));
    redissected(&mut app, &rx);
    assert!(row(&app, 2).contains("NTP") && row(&app, 2).contains("NTP Version 4, client"), "{}", row(&app, 2));
    // The packet selected before stays selected.
    assert_eq!(app.detail.packet, Some(1));
    assert!(screen(&app).contains("Decode As udp.port==5300,ntp (D)"));
    // Filters see the new dissection.
    press(&mut app, KeyCode::Char('/'));
    type_str(&mut app, "ntp.flags.mode == 3");
    press(&mut app, KeyCode::Enter);
    settle(&mut app, &rx);
    assert_eq!(app.view.matched.as_deref(), Some(&[1u32][..]));
    // The rule is removable: Enter on it, and the applied filter runs again
    // on the capture dissected without it.
    press(&mut app, KeyCode::Char('D'));
    assert!(screen(&app).contains("udp.port==5300,ntp  (Enter removes)"));
    press(&mut app, KeyCode::Enter);
    redissected(&mut app, &rx);
    assert!(crate::dissect::decode_as::rules().is_empty());
    assert_eq!(app.view.matched.as_deref(), Some(&[][..]));
    assert!(!screen(&app).contains("Decode As udp"));
}

#[test]
fn a_key_log_picked_in_the_inspector_decrypts_and_follow_tls_shows_it() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures");
    let Ok(file) = std::fs::read(dir.join("tls-keylog.pcap")) else {
        eprintln!("sample capture tls-keylog.pcap missing: skipped");
        return;
    };
    let (mut app, rx) = app_over(file, 200, 40);
    // Packet 9: a request, encrypted until the key log is read.
    press(&mut app, KeyCode::Char(':'));
    type_str(&mut app, "9");
    press(&mut app, KeyCode::Enter);
    app.update(Event::Tick);
    assert!(!screen(&app).contains("GET /lecture.html"));
    ctrl(&mut app, 'k');
    assert!(matches!(app.mode, Mode::KeyLog(_)));
    // Tab completes the path's last name.
    type_str(&mut app, &format!("{}/tls-keylog.t", dir.display()));
    press(&mut app, KeyCode::Tab);
    let Mode::KeyLog(input) = &app.mode else { panic!("the prompt closed") };
    assert_eq!(input.text, format!("{}/tls-keylog.txt", dir.display()));
    press(&mut app, KeyCode::Enter);
    redissected(&mut app, &rx);
    assert_eq!(app.detail.packet, Some(8));
    let s = screen(&app);
    assert!(s.contains("GET /lecture.html HTTP/1.1") && s.contains("TLS keys "), "{s}");
    // Follow: the TCP stream first, then `t` for its decrypted TLS data.
    press(&mut app, KeyCode::Char('F'));
    settle(&mut app, &rx);
    press(&mut app, KeyCode::Char('t'));
    while !app.session_view.as_ref().is_some_and(|v| v.done()) {
        match rx.recv_timeout(std::time::Duration::from_secs(20)) {
            Ok(ev) => app.update(ev),
            Err(e) => panic!("the follow worker never finished: {e}"),
        }
    }
    let s = screen(&app);
    assert!(s.contains("Follow TLS") && s.contains("GET /lecture.html HTTP/1.1") && s.contains("Server: nginx"), "{s}");
}
