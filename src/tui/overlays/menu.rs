//! What the keys do in the inspector's small menus (the generators, a tree
//! item's actions): move, pick by Enter or digit, close.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

#[derive(Debug, PartialEq, Eq)]
pub enum MenuKey {
    /// Stay open with the cursor on this row.
    Stay(usize),
    Close,
    /// Row picked.
    Pick(usize),
}

/// The answer to key `k` in a menu of `len` rows with the cursor on
/// `cursor`; `opener`, the key that opened the menu, also closes it.
pub fn key(k: KeyEvent, cursor: usize, len: usize, opener: char) -> MenuKey {
    let pick = |i: usize| if i < len { MenuKey::Pick(i) } else { MenuKey::Stay(cursor) };
    match k.code {
        KeyCode::Char('j') | KeyCode::Down => MenuKey::Stay((cursor + 1).min(len.saturating_sub(1))),
        KeyCode::Char('k') | KeyCode::Up => MenuKey::Stay(cursor.saturating_sub(1)),
        KeyCode::Char(d @ '1'..='9') => pick(d as usize - '1' as usize),
        KeyCode::Enter => pick(cursor),
        KeyCode::Esc | KeyCode::Char('q') => MenuKey::Close,
        KeyCode::Char(c) if c == opener => MenuKey::Close,
        _ => MenuKey::Stay(cursor),
    }
}

/// Draws a menu in `r` titled `title`: its rows numbered, each entry's name
/// padded to `width` and its key on the right, the cursor's row reversed.
pub fn draw(f: &mut Frame, r: Rect, title: &str, entries: &[(&str, &str)], cursor: usize, width: usize) {
    let lines: Vec<Line> = entries
        .iter()
        .enumerate()
        .map(|(i, (name, key))| {
            let style = if i == cursor { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
            Line::from(vec![
                Span::styled(format!(" {} {name:<width$}", i + 1), style),
                Span::styled(format!("{key:>3} "), style.fg(Color::DarkGray)),
            ])
        })
        .collect();
    f.render_widget(Clear, r);
    let block = Block::new().borders(Borders::ALL).title(format!(" {title} "));
    f.render_widget(Paragraph::new(lines).block(block), r);
}
