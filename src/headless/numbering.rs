//! Numbers that count over the whole capture (the registry's
//! `.capture_wide()` fields) when workers dissect its conversations apart.
//!
//! Each worker's session numbers the streams it creates from 0. A stream's
//! number in the capture is its rank among all streams of its kind in the
//! order they were created, and a stream is created at its first packet, so
//! that order is packet order (a packet creating two keeps their order on
//! its one worker). The reading thread, told how many streams each packet
//! created, hands out the capture's numbers in packet order; the worker puts
//! them in its trees, values and labels, before printing them. The printers
//! then print what one thread prints, and no printed text is searched.
//! A packet that creates a stream without printing it (a display filter
//! hides it) is counted all the same.
//!
//! `frame.time_delta_displayed` under a display filter needs the packet
//! displayed before, which another worker may have had: the reading thread,
//! told which packets the filter shows, hands out that time too.

use crate::dissect::session::Session;
use crate::dissect::{frame, quic, tcp, udp, Dissection};
use crate::field::tree::NodeId;
use crate::field::{self, Field, Timestamp, Value};

/// The kinds of numbers counted, in the order of `Counts`.
static COUNTED: [Field; 3] = [&tcp::STREAM, &udp::STREAM, &quic::fields::CONNECTION_NUMBER];

/// How many of each kind in `COUNTED`.
pub type Counts = [u32; 3];

/// Streams `session` has numbered so far, by kind.
pub fn counts(session: &Session) -> Counts {
    [session.tcp.stream_count(), session.udp.stream_count(), session.quic.connection_count()]
}

/// What a worker tells the reading thread of a packet it dissected.
#[derive(Clone, Copy)]
pub struct Note {
    /// The display filter shows it.
    pub shown: bool,
    /// Streams its dissection created, by kind.
    pub created: Counts,
    pub ts: Timestamp,
}

/// What the reading thread tells a worker before it prints a batch.
#[derive(Default)]
pub struct Numbers {
    /// The capture's numbers of the streams the batch's packets created, by
    /// kind, in the order the worker created them.
    pub created: [Vec<u32>; 3],
    /// With a display filter: for each packet shown, the time of the packet
    /// displayed before it (its own for the first).
    pub prev_shown: Vec<Timestamp>,
}

/// The reading thread's side: numbers handed out so far.
pub struct Counter {
    next: Counts,
    filtered: bool,
    prev_displayed: Option<Timestamp>,
}

impl Counter {
    pub fn new(filtered: bool) -> Counter {
        Counter { next: [0; 3], filtered, prev_displayed: None }
    }

    /// Numbers the streams a packet created on its worker, in packet order,
    /// into that worker's `numbers`.
    pub fn packet(&mut self, note: &Note, numbers: &mut Numbers) {
        for ((next, created), out) in self.next.iter_mut().zip(note.created).zip(numbers.created.iter_mut()) {
            out.extend(*next..*next + created);
            *next += created;
        }
        if self.filtered && note.shown {
            numbers.prev_shown.push(self.prev_displayed.unwrap_or(note.ts));
            self.prev_displayed = Some(note.ts);
        }
    }
}

/// A worker's side: the capture's number of each stream it created, by
/// kind, indexed by its own number.
#[derive(Default)]
pub struct Table {
    capture: [Vec<u32>; 3],
}

impl Table {
    pub fn extend(&mut self, numbers: &Numbers) {
        for (table, new) in self.capture.iter_mut().zip(&numbers.created) {
            table.extend_from_slice(new);
        }
    }

    /// Puts the capture's numbers in `d`, the tree of a packet sent at `ts`;
    /// `prev_shown`: with a display filter, the time of the packet displayed
    /// before it.
    pub fn renumber(&self, d: &mut Dissection, ts: Timestamp, prev_shown: Option<Timestamp>) {
        for id in 0..d.tree.nodes.len() {
            let n = &d.tree.nodes[id];
            if !n.field.capture_wide {
                continue;
            }
            if let Some(kind) = COUNTED.iter().position(|&f| field::same(f, n.field)) {
                let local = n.value.as_u64().and_then(|v| usize::try_from(v).ok());
                if let Some(&number) = local.and_then(|l| self.capture[kind].get(l)) {
                    set(d, id, Value::UInt(number.into()));
                }
            } else if let (true, Some(prev)) = (field::same(n.field, &frame::TIME_DELTA_DISPLAYED), prev_shown) {
                set(d, id, Value::RelTime(ts.since(prev)));
            }
        }
    }
}

/// Gives item `id` of `d` the value `v`. Its label follows: a dissector's
/// own label for these items is the default one (`[Stream index: 3]`),
/// which is dropped so that it is made anew from the value.
fn set(d: &mut Dissection, id: NodeId, v: Value) {
    let own = d.tree.nodes[id].text.take();
    if let Some(own) = own {
        if *own != *d.tree.label(id, &[]) {
            // Not the default: kept (no such label exists today).
            d.tree.nodes[id].text = Some(own);
        }
    }
    d.tree.nodes[id].value = v;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_numbered_in_packet_order_across_workers() {
        let ts = Timestamp::default();
        let note = |tcp: u32, udp: u32| Note { shown: true, created: [tcp, udp, 0], ts };
        let mut counter = Counter::new(false);
        let (mut a, mut b) = (Numbers::default(), Numbers::default());
        // Worker a's packet creates a TCP stream, b's two, then a's another
        // and a UDP flow.
        counter.packet(&note(1, 0), &mut a);
        counter.packet(&note(2, 0), &mut b);
        counter.packet(&note(0, 0), &mut a);
        counter.packet(&note(1, 1), &mut a);
        assert_eq!((a.created[0].as_slice(), a.created[1].as_slice()), (&[0, 3][..], &[0][..]));
        assert_eq!(b.created[0], [1, 2]);
    }

    #[test]
    fn a_stream_label_follows_its_new_number() {
        let mut d = Dissection::default();
        d.tree.keep_labels(crate::field::tree::Labels::All);
        d.tree.keep_items(true);
        let id = d.tree.generated(&tcp::STREAM, 0..0, Value::UInt(1));
        d.tree.set_text(id, "[Stream index: 1]");
        let other = d.tree.generated(&udp::STREAM, 0..0, Value::UInt(0));
        let mut table = Table::default();
        table.extend(&Numbers { created: [vec![4, 9], vec![7], vec![]], prev_shown: vec![] });
        table.renumber(&mut d, Timestamp::default(), None);
        assert_eq!(d.tree.label(id, &[]), "[Stream index: 9]");
        assert_eq!(d.tree.label(other, &[]), "[Stream index: 7]");
    }
}
