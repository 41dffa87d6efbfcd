//! What opens over the panes for a moment and takes the keys until it
//! closes: the help (`?`), the tree item's menu (`m`), a field's explanation
//! (`i`), the generators' menu (`R`), the save prompt (Ctrl-s), the filter
//! bar's completion popup (Tab), the filter buttons (`b`), the copy menu
//! (`y`), the time format menu (`t`), Decode As (`D`), the TLS key log
//! prompt (Ctrl-k), and the interface picker shown before the inspector starts. `menu`
//! holds the keys the small menus share. A lab's `checklist` stays over the
//! list without taking keys.

pub mod buttons;
pub mod checklist;
pub mod completion;
pub mod copy_menu;
pub mod decode_as;
pub mod explain;
pub mod gen_menu;
pub mod help;
pub mod keylog;
pub mod menu;
pub mod picker;
pub mod save;
pub mod time_menu;
pub mod tree_menu;
