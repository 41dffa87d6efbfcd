//! The three panes of the main screen, as Wireshark has them: the packet
//! list (`list`), the detail tree of the selected packet (`detail`) and its
//! bytes (`hex`), with the filter and status bars around them (`bars`).
//! Each pane holds its own state, draws itself and answers a
//! key with `handle_key(key, …) -> Action`: it looks the key up in
//! `keymap`, changes its own state and leaves anything beyond it (another
//! pane, the filter bar, a menu) to the app as an `Action`.

pub mod bars;
pub mod detail;
pub mod hex;
pub mod list;

use super::keymap::Command;

/// Up/down/page movement shared by the list and the tree: the new position
/// from `cur` among `len` rows with `height` on screen, or None if the
/// command isn't a movement.
pub fn movement(cmd: Command, cur: usize, len: usize, height: usize) -> Option<usize> {
    let last = len.saturating_sub(1);
    let page = height.max(1);
    Some(match cmd {
        Command::Down => (cur + 1).min(last),
        Command::Up => cur.saturating_sub(1),
        Command::First => 0,
        Command::Last => last,
        Command::PageDown => (cur + page).min(last),
        Command::PageUp => cur.saturating_sub(page),
        Command::HalfDown => (cur + page / 2).min(last),
        Command::HalfUp => cur.saturating_sub(page / 2),
        _ => return None,
    })
}
