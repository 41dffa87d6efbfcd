//! wirelens: a terminal packet and session inspector.
//!
//! The library holds everything but argument parsing: capture sources,
//! the packet store, dissection, session tracking, filtering, output
//! formats, the TUI and the traffic generators.

pub mod capture;
pub mod cli;
pub mod dissect;
pub mod explain;
pub mod field;
pub mod filter;
pub mod gen;
pub mod headless;
pub mod lab;
pub mod names;
pub mod outcome;
pub mod prefs;
pub mod output;
pub mod stats;
pub mod store;
pub mod tui;
