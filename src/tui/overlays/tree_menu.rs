//! The tree's context menu (right-click or `m` on a tree item), as in
//! Wireshark: apply or prepare the item as a filter, open the packet's
//! session views, Decode As… or read a TLS key log.

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use crate::tui::layout::centered;
use crate::tui::overlays::menu::{self, MenuKey};
use crate::tui::views::ViewKind;

/// What an entry does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    ApplyFilter,
    PrepareFilter,
    /// Opens this session view.
    View(ViewKind),
    DecodeAs,
    KeyLog,
}

const ENTRIES: &[(Action, &str, &str)] = &[
    (Action::ApplyFilter, "Apply as Filter", "a"),
    (Action::PrepareFilter, "Prepare as Filter", "A"),
    (Action::View(ViewKind::Follow), "Follow Stream", "F"),
    (Action::View(ViewKind::FollowTls), "Follow TLS Stream", "F t"),
    (Action::View(ViewKind::Ladder), "Ladder Diagram", "L"),
    (Action::View(ViewKind::Conversations), "Conversations", "C"),
    (Action::DecodeAs, "Decode As…", "D"),
    (Action::KeyLog, "TLS Key Log File…", "^k"),
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
    match menu::key(k, cursor, ENTRIES.len(), 'm') {
        MenuKey::Stay(row) => Choice::Stay(row),
        MenuKey::Close => Choice::Close,
        MenuKey::Pick(i) => Choice::Do(ENTRIES[i].0),
    }
}

/// The entry on screen row `row` of a menu drawn for `area` (a click).
pub fn entry_at(area: Rect, column: u16, row: u16) -> Option<Action> {
    let r = rect(area);
    let inside = column > r.x && column < r.x + r.width - 1 && row > r.y && row < r.y + r.height - 1;
    inside.then(|| ENTRIES.get((row - r.y - 1) as usize).map(|e| e.0)).flatten()
}

fn rect(area: Rect) -> Rect {
    centered(area, 36, ENTRIES.len() as u16 + 2)
}

pub fn draw(f: &mut Frame, cursor: usize, field: &str) {
    let entries: Vec<(&str, &str)> = ENTRIES.iter().map(|(_, name, key)| (*name, *key)).collect();
    menu::draw(f, rect(f.area()), field, &entries, cursor, 20);
}
