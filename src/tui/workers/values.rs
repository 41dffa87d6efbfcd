//! The values a string field has in the capture, for the filter bar's
//! completion after `field ==`: a walk over the packets (see `walk`) that
//! gathers the first distinct values, bounded in how many it keeps and how
//! many packets it reads, and sends what it has after each chunk. This is
//! the completion's one source of values, so that it can later read them
//! from a column store instead.

use std::sync::atomic::AtomicBool;
use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::dissect::Depth;
use crate::field::{format_value, Field};

use crate::tui::event::Event;
use crate::tui::packets::Packets;
use crate::tui::workers::walk;

/// Distinct values kept: a popup's worth of scrolling.
pub const MAX_VALUES: usize = 200;
/// Packets read at most: values past them are not worth the wait.
pub const MAX_PACKETS: usize = 200_000;

/// The values of field `field` found so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldValues {
    pub field: &'static str,
    /// In the order first seen.
    pub values: Vec<String>,
    /// No more will come.
    pub done: bool,
}

pub fn spawn(field: Field, packets: Arc<Packets>, tx: Sender<Event>, cancel: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    let depth = Depth::to_read([field.protocol()]);
    walk::spawn_with(
        packets,
        depth,
        cancel,
        (Vec::<String>::new(), String::new()),
        move |(values, text), _, d, bytes| {
            for (id, n) in d.tree.nodes.iter().enumerate() {
                if values.len() >= MAX_VALUES {
                    return;
                }
                // By name: a field declared by two protocols has two definitions.
                if n.field.name != field.name {
                    continue;
                }
                text.clear();
                format_value(n.field, &n.value, d.node_bytes(bytes, id), text);
                if !values.contains(text) {
                    values.push(text.clone());
                }
            }
        },
        move |(values, _), scanned, done| {
            let enough = values.len() >= MAX_VALUES || scanned >= MAX_PACKETS;
            let fv = FieldValues { field: field.name, values: values.clone(), done: done || enough };
            tx.send(Event::Values(fv)).is_ok() && !enough
        },
    )
}
