//! What opens over the panes for a moment and takes the keys until it
//! closes: the help (`?`), the tree item's menu (`m`), a field's explanation
//! (`i`), the generators' menu
//! (`R`), the save prompt (Ctrl-s), and the interface picker shown before
//! the inspector starts. `menu` holds the keys the small menus share.

pub mod explain;
pub mod gen_menu;
pub mod help;
pub mod menu;
pub mod picker;
pub mod save;
pub mod tree_menu;
