//! The interface picker: `wirelens` run in a terminal with neither a file
//! nor `-i` lists the interfaces libpcap can capture on (as `-D` prints
//! them), and Enter starts a live capture on the one chosen.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::capture::live::LiveInterface;

use crate::tui::terminal;

pub struct Picker {
    interfaces: Vec<LiveInterface>,
    cursor: usize,
}

/// What a key did to the picker.
#[derive(Debug, PartialEq, Eq)]
pub enum Picked {
    Stay,
    Interface(String),
    Cancel,
}

impl Picker {
    pub fn new(interfaces: Vec<LiveInterface>) -> Picker {
        Picker { interfaces, cursor: 0 }
    }

    pub fn key(&mut self, k: KeyEvent) -> Picked {
        let last = self.interfaces.len().saturating_sub(1);
        match k.code {
            KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => return Picked::Cancel,
            KeyCode::Esc | KeyCode::Char('q') => return Picked::Cancel,
            KeyCode::Down | KeyCode::Char('j') => self.cursor = (self.cursor + 1).min(last),
            KeyCode::Up | KeyCode::Char('k') => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Home | KeyCode::Char('g') => self.cursor = 0,
            KeyCode::End | KeyCode::Char('G') => self.cursor = last,
            KeyCode::Enter => {
                if let Some(i) = self.interfaces.get(self.cursor) {
                    return Picked::Interface(i.name.clone());
                }
            }
            _ => {}
        }
        Picked::Stay
    }

    pub fn draw(&self, f: &mut Frame) {
        let area = f.area();
        let mut lines: Vec<Line> = self
            .interfaces
            .iter()
            .enumerate()
            .map(|(i, iface)| {
                let style = if i == self.cursor { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
                Line::from(Span::styled(format!(" {}. {} ", i + 1, iface.label()), style))
            })
            .collect();
        if lines.is_empty() {
            lines.push(Line::from(" No interface to capture on (live capture needs root or CAP_NET_RAW)."));
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            " ↑/↓ choose, Enter captures on it, q quits; or run wirelens FILE to open a capture.",
            Style::new().fg(Color::DarkGray),
        )));
        let h = area.height.min(lines.len() as u16 + 2);
        let r = Rect { height: h, ..area };
        let block = Block::new().borders(Borders::ALL).title(" wirelens: capture on which interface? ");
        f.render_widget(Paragraph::new(lines).block(block), r);
    }
}

/// Shows the picker over the interfaces libpcap lists and returns the one
/// chosen (None: the user quit). It runs before the inspector exists, so it
/// reads keys itself instead of through the inspector's event channel.
pub fn pick_interface() -> anyhow::Result<Option<String>> {
    let mut picker = Picker::new(crate::capture::live::list_interfaces()?);
    let mut tui = terminal::Tui::enter()?;
    loop {
        tui.terminal.draw(|f| picker.draw(f))?;
        match crossterm::event::read()? {
            crossterm::event::Event::Key(k) if k.kind != KeyEventKind::Release => match picker.key(k) {
                Picked::Stay => {}
                Picked::Interface(name) => return Ok(Some(name)),
                Picked::Cancel => return Ok(None),
            },
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    fn iface(name: &str, description: Option<&str>, loopback: bool) -> LiveInterface {
        LiveInterface { name: name.into(), description: description.map(str::to_string), loopback, up: true }
    }

    fn screen(p: &Picker) -> String {
        let mut t = Terminal::new(TestBackend::new(90, 12)).unwrap();
        t.draw(|f| p.draw(f)).unwrap();
        let b = t.backend().buffer();
        (0..b.area.height).map(|y| (0..b.area.width).map(|x| b[(x, y)].symbol()).collect::<String>() + "\n").collect()
    }

    fn press(p: &mut Picker, code: KeyCode) -> Picked {
        p.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn lists_the_interfaces_as_dash_d_does_and_enter_chooses() {
        let mut p = Picker::new(vec![
            iface("eth0", None, false),
            iface("lo", Some("ignored for loopback"), true),
            iface("any", Some("Pseudo-device that captures on all interfaces"), false),
        ]);
        let s = screen(&p);
        assert!(s.contains("capture on which interface?"), "{s}");
        assert!(s.contains(" 1. eth0 "), "{s}");
        assert!(s.contains(" 2. lo (Loopback) "), "{s}");
        assert!(s.contains(" 3. any (Pseudo-device that captures on all interfaces) "), "{s}");
        assert_eq!(press(&mut p, KeyCode::Down), Picked::Stay);
        assert_eq!(press(&mut p, KeyCode::Enter), Picked::Interface("lo".into()));
        // The cursor stops at either end.
        for _ in 0..5 {
            press(&mut p, KeyCode::Char('j'));
        }
        assert_eq!(press(&mut p, KeyCode::Enter), Picked::Interface("any".into()));
        for _ in 0..5 {
            press(&mut p, KeyCode::Up);
        }
        assert_eq!(press(&mut p, KeyCode::Enter), Picked::Interface("eth0".into()));
        assert_eq!(press(&mut p, KeyCode::Char('q')), Picked::Cancel);
        assert_eq!(p.key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Picked::Cancel);
    }

    #[test]
    fn with_no_interface_it_says_why_and_enter_does_nothing() {
        let mut p = Picker::new(Vec::new());
        assert!(screen(&p).contains("No interface to capture on"));
        assert_eq!(press(&mut p, KeyCode::Enter), Picked::Stay);
        assert_eq!(press(&mut p, KeyCode::Down), Picked::Stay);
        assert_eq!(press(&mut p, KeyCode::Esc), Picked::Cancel);
    }
}
