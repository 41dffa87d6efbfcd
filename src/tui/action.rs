//! What a pane or a session view asks the app to do after a key. Panes and
//! views change only their own state; whatever touches another part (the
//! filter bar, the selection, another pane, the status bar) comes back to
//! the app as an `Action`, which `App::act` carries out.

use super::layout::Pane;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The key was not for this pane or view.
    None,
    Close,
    /// Select this frame (1-based) in the packet list.
    Select(u32),
    /// Select this frame and show the list, keeping the view to come back to.
    Jump(u32),
    /// Follow a link in the tree to this frame (1-based), remembering the
    /// packet it was followed from.
    Link(u32),
    /// Apply this display filter.
    Filter(String),
    /// Put this display filter in the filter bar to edit.
    PrepareFilter(String),
    /// Show a note in the status bar.
    Message(String),
    /// The pane's cursor moved: the other panes follow it.
    Moved,
    /// Give the keys to this pane.
    Focus(Pane),
    /// Open the tree item's menu.
    ItemMenu,
    /// Explain the selected tree item.
    Explain,
}
