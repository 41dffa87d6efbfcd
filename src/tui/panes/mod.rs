//! The three panes of the main screen, as Wireshark has them: the packet
//! list (`list`), the detail tree of the selected packet (`detail`) and its
//! bytes (`hex`). Each holds its own state and draws itself.

pub mod detail;
pub mod hex;
pub mod list;
