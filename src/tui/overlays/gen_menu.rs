//! The generator menu (`R`): the socket labs' traffic generators, started
//! from inside the inspector. Each runs its server and client quietly (the
//! terminal is the inspector's) on loopback, on the lab's usual port, so a
//! live capture on `lo` shows the exchange while the user watches.

use std::sync::mpsc::Sender;
use std::thread;
use std::time::Duration;

use clap::ValueEnum;
use crossterm::event::KeyEvent;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::gen::lab::{Kind, Question};

use crate::tui::event::Event;
use crate::tui::layout::centered;
use crate::tui::overlays::menu::{self, MenuKey};

/// What a key does in the menu.
#[derive(Debug, PartialEq, Eq)]
pub enum Choice {
    /// Stay open with the cursor on this row.
    Stay(usize),
    Close,
    Start(Kind),
}

/// The kinds in menu order, each with its name and the one-line help
/// `wirelens lab --help` shows for it.
fn entries() -> Vec<(Kind, String, String)> {
    Kind::value_variants()
        .iter()
        .filter_map(|k| {
            let v = k.to_possible_value()?;
            Some((*k, v.get_name().to_string(), v.get_help().map(|h| h.to_string()).unwrap_or_default()))
        })
        .collect()
}

/// The answer to key `k` with the cursor on row `cursor`.
pub fn key(k: KeyEvent, cursor: usize) -> Choice {
    let entries = entries();
    match menu::key(k, cursor, entries.len(), 'R') {
        MenuKey::Stay(row) => Choice::Stay(row),
        MenuKey::Close => Choice::Close,
        MenuKey::Pick(i) => Choice::Start(entries[i].0),
    }
}

pub fn draw(f: &mut Frame, cursor: usize) {
    let entries = entries();
    let area = f.area();
    let w = area.width.min(96);
    let h = area.height.min(entries.len() as u16 + 4);
    let r = centered(area, w, h);
    let name_w = entries.iter().map(|e| e.1.len()).max().unwrap_or(0);
    let mut lines: Vec<Line> = entries
        .iter()
        .enumerate()
        .map(|(i, (_, name, help))| {
            let style = if i == cursor { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
            Line::from(vec![
                Span::styled(format!(" {} {name:<name_w$}  ", i + 1), style.add_modifier(Modifier::BOLD)),
                Span::styled(help.clone(), style),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        " Enter or a digit runs its server and client on loopback; Esc closes.",
        Style::new().fg(Color::DarkGray),
    )));
    f.render_widget(Clear, r);
    let block = Block::new().borders(Borders::ALL).title(" Run a lab's traffic generator ");
    f.render_widget(Paragraph::new(lines).block(block), r);
}

/// Starts `kind`'s exchange on `port` (None: the lab's usual one) on a
/// thread of its own and returns its name and hint; when it ends,
/// `Event::Generated` says how.
pub fn start(kind: Kind, port: Option<u16>, tx: Sender<Event>) -> anyhow::Result<(&'static str, &'static str, Vec<Question>)> {
    let mut lab = kind.prepare(port, &[])?;
    let (name, hint, questions) = (lab.name, lab.hint, std::mem::take(&mut lab.questions));
    let run = lab.spawn_quiet(Duration::ZERO);
    thread::spawn(move || {
        let result = match run.join() {
            Ok(r) => r.map_err(|e| e.to_string()),
            Err(_) => Err("the generator thread panicked".to_string()),
        };
        let _ = tx.send(Event::Generated(name, result));
    });
    Ok((name, hint, questions))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn keys_move_pick_and_close() {
        let last = Kind::value_variants().len() - 1;
        assert_eq!(key(k(KeyCode::Char('j')), 0), Choice::Stay(1));
        assert_eq!(key(k(KeyCode::Down), last), Choice::Stay(last));
        assert_eq!(key(k(KeyCode::Up), 0), Choice::Stay(0));
        assert_eq!(key(k(KeyCode::Enter), 3), Choice::Start(Kind::value_variants()[3]));
        assert_eq!(key(k(KeyCode::Char('2')), 0), Choice::Start(Kind::UdpUpper));
        assert_eq!(key(k(KeyCode::Char('9')), 4), Choice::Stay(4));
        assert_eq!(key(k(KeyCode::Esc), 4), Choice::Close);
    }

    #[test]
    fn a_started_generator_reports_its_end() {
        let port = std::net::UdpSocket::bind("127.0.0.1:0").and_then(|s| s.local_addr()).expect("free port").port();
        let (tx, rx) = std::sync::mpsc::channel();
        let (name, hint, questions) = start(Kind::UdpUpper, Some(port), tx).expect("start");
        assert_eq!(name, "udp-upper");
        assert!(hint.contains("no handshake"), "{hint}");
        assert_eq!(questions[0].filter, format!("udp.srcport == {port}"));
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(Event::Generated(n, r)) => assert_eq!((n, r), ("udp-upper", Ok(()))),
            other => panic!("{other:?}"),
        }
        // A second one on a port already taken says why it could not run.
        let taken = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        let port = taken.local_addr().expect("addr").port();
        let (tx, rx) = std::sync::mpsc::channel();
        start(Kind::UdpUpper, Some(port), tx).expect("start");
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(Event::Generated(_, Err(e))) => assert!(e.contains("already in use"), "{e}"),
            other => panic!("{other:?}"),
        }
    }
}
