//! The display filter worker: sends the numbers of the packets that match,
//! in chunks, so the list fills while it runs (see `walk`). Applying a new
//! filter cancels it.

use std::sync::atomic::AtomicBool;
use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::dissect::Depth;
use crate::filter::Filter;

use super::event::{Event, FilterProgress};
use super::packets::Packets;
use super::walk;

pub fn spawn(
    filter: Arc<Filter>,
    packets: Arc<Packets>,
    generation: u64,
    tx: Sender<Event>,
    cancel: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    let reading = walk::Reading {
        depth: Depth::to_read(filter.protocols()),
        brief: filter.brief_fields().map(<[_]>::to_vec),
    };
    walk::spawn(
        packets,
        reading,
        cancel,
        move |i, d, bytes, matched: &mut Vec<u32>| {
            if filter.matches(d, bytes) {
                matched.push(i as u32);
            }
        },
        move |matched, scanned_to, done| {
            tx.send(Event::Filtered(FilterProgress { generation, matched, scanned_to, done })).is_ok()
        },
    )
}
