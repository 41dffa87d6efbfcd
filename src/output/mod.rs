//! Text output in tshark's formats: the one-line summary, `-T fields`,
//! the `-V` tree, the `-x` hex dump, and the structured formats (`-T json`,
//! `ek`, `pdml`, `psml`).

mod fields;
mod hexdump;
pub mod ek;
pub mod export_objects;
pub mod glossary;
pub mod json;
pub mod pdml;
pub mod psml;
mod summary;
pub mod timefmt;
mod verbose;

pub use fields::{Column, FieldList, FieldOptions, Occurrence, Row, UnknownField};
pub use hexdump::hexdump;
pub use summary::{summary_columns, summary_line, summary_line_timed, time_digits};
pub use verbose::verbose_tree;
