//! Text output in tshark's formats: the one-line summary, `-T fields`,
//! the `-V` tree and the `-x` hex dump.

mod fields;
mod hexdump;
mod summary;
mod verbose;

pub use fields::{FieldList, UnknownField};
pub use hexdump::hexdump;
pub use summary::{summary_line, time_digits};
pub use verbose::verbose_tree;
