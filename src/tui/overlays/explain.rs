//! The `i` panel on a tree item: what the field is, this packet's value in
//! the protocol's story and the RFC section to read, from `crate::explain`.
//! It only lays the text out; the words are `explain`'s.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::explain::Explanation;

/// What a key does to the open panel: its new scroll, or closing it.
pub fn key(k: KeyEvent, scroll: usize) -> Option<usize> {
    match k.code {
        KeyCode::Char('j') | KeyCode::Down => Some(scroll + 1),
        KeyCode::Char('k') | KeyCode::Up => Some(scroll.saturating_sub(1)),
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('i') | KeyCode::Enter => None,
        _ => Some(scroll),
    }
}

pub fn draw(f: &mut Frame, area: Rect, e: &Explanation, scroll: usize) {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(Span::raw(e.about.clone())), Line::from("")];
    if !e.story.is_empty() {
        lines.push(Line::from(Span::styled("In this packet", bold)));
        for s in &e.story {
            lines.push(Line::from(s.clone()));
        }
        lines.push(Line::from(""));
    }
    if let Some(r) = &e.read {
        lines.push(Line::from(vec![Span::styled("Read: ", bold), Span::raw(r.clone())]));
    }
    lines.push(Line::from(Span::styled("Esc, q or i closes; j / k scroll.", Style::new().fg(Color::DarkGray))));
    let w = area.width.min(90);
    let inner = w.saturating_sub(2).max(1) as usize;
    let rows: usize = lines.iter().map(|l| wrapped_rows(&l.to_string(), inner)).sum();
    let r = crate::tui::layout::centered(area, w, rows as u16 + 2);
    let title = format!(" {} ", e.title);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll as u16, 0)).block(Block::new().borders(Borders::ALL).title(title)),
        r,
    );
}

/// The rows `text` takes when wrapped at word boundaries to `width` columns.
fn wrapped_rows(text: &str, width: usize) -> usize {
    let mut rows = 1;
    let mut col = 0;
    for word in text.split(' ') {
        let w = word.chars().count();
        if col > 0 && col + 1 + w > width {
            rows += 1;
            col = 0;
        }
        col += if col > 0 { 1 + w } else { w };
        // A word longer than the line is cut across rows.
        while col > width {
            rows += 1;
            col -= width;
        }
    }
    rows
}
