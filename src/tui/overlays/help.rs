//! The help overlay: every key and mouse action, drawn from `keymap`'s table.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::tui::keymap::KEYS;

pub fn draw(f: &mut Frame, area: Rect, scroll: usize) {
    let r = crate::tui::layout::centered(area, 100, KEYS.len() as u16 + 4);
    let key_w = KEYS.iter().map(|row| row.keys.chars().count()).max().unwrap_or(0) + 2;
    let mut lines: Vec<Line> = KEYS
        .iter()
        .skip(scroll)
        .map(|row| {
            Line::from(vec![
                Span::styled(format!(" {:<key_w$}", row.keys), Style::new().add_modifier(Modifier::BOLD)),
                Span::raw(row.help),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(" Esc, q or ? closes this help; j / k scroll it."));
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).block(Block::new().borders(Borders::ALL).title(" Keys ")), r);
}
