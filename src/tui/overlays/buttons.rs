//! Saved display filters, which Wireshark calls filter buttons: a label and
//! a filter, kept in `$XDG_CONFIG_HOME/wirelens/filter_buttons`, one
//! `label<TAB>filter` per line (`#` starts a comment), so that they can be
//! written by hand too. `b` opens the picker: Enter (or the row's digit)
//! applies one, `e` puts it in the filter bar to edit, `d` deletes it, `+`
//! saves the filter in the bar as a new one.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::tui::layout::centered;
use crate::tui::overlays::menu::{self, MenuKey};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    pub filter: String,
}

/// The buttons file.
pub fn file() -> Option<PathBuf> {
    crate::tui::history::config_dir().map(|d| d.join("filter_buttons"))
}

/// The buttons in `path` (none when it is absent); lines that are not
/// `label<TAB>filter` are skipped.
pub fn load(path: &Path) -> Vec<Button> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(label, filter)| Button { label: label.trim().to_string(), filter: filter.trim().to_string() })
        .filter(|b| !b.label.is_empty() && !b.filter.is_empty())
        .collect()
}

pub fn save(path: &Path, buttons: &[Button]) -> std::io::Result<()> {
    let mut text = String::from("# wirelens filter buttons: label<TAB>display filter\n");
    for b in buttons {
        // A tab or a line break in a label would split it when read back.
        let label = b.label.replace(['\t', '\n', '\r'], " ");
        text.push_str(&format!("{label}\t{}\n", b.filter.replace(['\n', '\r'], " ")));
    }
    crate::tui::history::write_atomically(path, &text)
}

/// What a key does in the picker.
#[derive(Debug, PartialEq, Eq)]
pub enum Choice {
    Stay(usize),
    Close,
    Apply(usize),
    Edit(usize),
    Delete(usize),
    /// Save the filter bar's text as a new button (asks for its label).
    Add,
}

/// The answer to key `k` in a picker of `len` buttons with the cursor on `cursor`.
pub fn key(k: KeyEvent, cursor: usize, len: usize) -> Choice {
    match k.code {
        KeyCode::Char('+') => return Choice::Add,
        KeyCode::Char('e') if cursor < len => return Choice::Edit(cursor),
        KeyCode::Char('d') | KeyCode::Delete if cursor < len => return Choice::Delete(cursor),
        _ => {}
    }
    match menu::key(k, cursor, len, 'b') {
        MenuKey::Stay(row) => Choice::Stay(row),
        MenuKey::Close => Choice::Close,
        MenuKey::Pick(i) => Choice::Apply(i),
    }
}

pub fn draw(f: &mut Frame, buttons: &[Button], cursor: usize) {
    let label_w = buttons.iter().map(|b| b.label.chars().count()).max().unwrap_or(0).min(24);
    let mut lines: Vec<Line> = buttons
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let style = if i == cursor { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
            let label: String = b.label.chars().take(label_w).collect();
            Line::from(vec![
                Span::styled(format!(" {} {label:<label_w$}  ", i + 1), style.add_modifier(Modifier::BOLD)),
                Span::styled(format!("{} ", b.filter), style),
            ])
        })
        .collect();
    if buttons.is_empty() {
        lines.push(Line::from(" No filter buttons yet."));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        " Enter applies · e edits · d deletes · + saves the filter bar's filter",
        Style::new().fg(Color::DarkGray),
    )));
    let r = centered(f.area(), 80, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).block(Block::new().borders(Borders::ALL).title(" Filter buttons ")), r);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buttons_survive_a_save_and_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wirelens/filter_buttons");
        assert!(load(&path).is_empty());
        let buttons = vec![
            Button { label: "DNS names".into(), filter: "dns.qry.name contains \"example\"".into() },
            Button { label: "odd\tlabel".into(), filter: "tcp.port == 6789".into() },
        ];
        save(&path, &buttons).unwrap();
        let back = load(&path);
        assert_eq!(back[0], buttons[0]);
        assert_eq!(back[1], Button { label: "odd label".into(), filter: "tcp.port == 6789".into() });
        // A hand-written file: comments and lines without a tab are skipped.
        std::fs::write(&path, "# mine\nWeb\thttp\nno tab here\n\tno label\n").unwrap();
        assert_eq!(load(&path), [Button { label: "Web".into(), filter: "http".into() }]);
    }
}
