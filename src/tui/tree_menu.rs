//! The tree's context menu (right-click or `m` on a tree item), as in
//! Wireshark: apply or prepare the item as a filter, or open the packet's
//! session views.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// What an entry does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    ApplyFilter,
    PrepareFilter,
    /// Opens the session view of this key (`F`, `L`, `C`).
    View(char),
}

const ENTRIES: &[(Action, &str, &str)] = &[
    (Action::ApplyFilter, "Apply as Filter", "a"),
    (Action::PrepareFilter, "Prepare as Filter", "A"),
    (Action::View('F'), "Follow Stream", "F"),
    (Action::View('L'), "TCP Ladder Diagram", "L"),
    (Action::View('C'), "Conversations", "C"),
];

/// What a key does in the menu.
#[derive(Debug, PartialEq, Eq)]
pub enum Choice {
    Stay(usize),
    Close,
    Do(Action),
}

/// The answer to key `k` with the cursor on row `cursor`.
pub fn key(k: KeyEvent, cursor: usize) -> Choice {
    let pick = |i: usize| ENTRIES.get(i).map_or(Choice::Stay(cursor), |e| Choice::Do(e.0));
    match k.code {
        KeyCode::Char('j') | KeyCode::Down => Choice::Stay((cursor + 1).min(ENTRIES.len() - 1)),
        KeyCode::Char('k') | KeyCode::Up => Choice::Stay(cursor.saturating_sub(1)),
        KeyCode::Char(d @ '1'..='9') => pick(d as usize - '1' as usize),
        KeyCode::Enter => pick(cursor),
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('m') => Choice::Close,
        _ => Choice::Stay(cursor),
    }
}

/// The entry on screen row `row` of a menu drawn for `area` (a click).
pub fn entry_at(area: Rect, column: u16, row: u16) -> Option<Action> {
    let r = rect(area);
    let inside = column > r.x && column < r.x + r.width - 1 && row > r.y && row < r.y + r.height - 1;
    inside.then(|| ENTRIES.get((row - r.y - 1) as usize).map(|e| e.0)).flatten()
}

fn rect(area: Rect) -> Rect {
    let w = area.width.min(36);
    let h = area.height.min(ENTRIES.len() as u16 + 2);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

pub fn draw(f: &mut Frame, cursor: usize, field: &str) {
    let r = rect(f.area());
    let lines: Vec<Line> = ENTRIES
        .iter()
        .enumerate()
        .map(|(i, (_, name, key))| {
            let style = if i == cursor { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
            Line::from(vec![
                Span::styled(format!(" {} {name:<20}", i + 1), style),
                Span::styled(format!("{key:>3} "), style.fg(Color::DarkGray)),
            ])
        })
        .collect();
    f.render_widget(Clear, r);
    let block = Block::new().borders(Borders::ALL).title(format!(" {field} "));
    f.render_widget(Paragraph::new(lines).block(block), r);
}
