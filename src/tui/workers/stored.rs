//! Walks for views that read a few fields of every packet (the
//! conversations table) from the store instead of dissecting: on a complete
//! capture whose fields all have stored records (brief records, and
//! columns: `crate::store::columns`), each packet's items are decoded into a
//! tree the view reads as it reads a dissection. The first walk over a
//! complete capture that lacks a column dissects (keeping only the fields'
//! items, `Recording::Nodes`) and makes the missing columns from those
//! dissections, as a filter's first run does; a capture still growing is
//! walked by dissection (`walk`), since a packet may yet gain a link to a
//! later one.
//!
//! Stored items keep their order but not their depth in the tree, which
//! views read to tell a packet's own layers from a header quoted in an ICMP
//! error; `own_layers` gives it back (see there).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::dissect::{Depth, Dissection};
use crate::field::tree::{Recording, Tree};
use crate::field::{Field, FieldType};
use crate::store::columns::{Builder, Reading};

use crate::tui::packets::Packets;
use crate::tui::workers::walk;

/// How long a chunk runs before its results are sent (as `walk`'s).
const CHUNK_TIME: Duration = Duration::from_millis(50);

/// `walk::spawn_with` over `fields`' items: from stored records when they
/// are all there, else by dissection (to `depth` on a growing capture).
/// `fields` must include the protocols `own_layers` looks for.
pub fn spawn<T, V, S>(
    packets: Arc<Packets>,
    fields: Vec<Field>,
    depth: Depth,
    cancel: Arc<AtomicBool>,
    state: T,
    visit: V,
    send: S,
) -> std::thread::JoinHandle<()>
where
    T: Send + 'static,
    V: FnMut(&mut T, usize, &Dissection, &[u8]) + Send + 'static,
    S: FnMut(&mut T, usize, bool) -> bool + Send + 'static,
{
    if !packets.is_complete() {
        return walk::spawn_with(packets, depth, cancel, state, visit, send);
    }
    let missing = packets.records().missing(&fields);
    if missing.is_empty() {
        return spawn_reading(packets, fields, depth, cancel, state, visit, send);
    }
    let recorded = Depth::recorded_to_read(fields.iter().map(|f| f.protocol()));
    let recording = Recording::Nodes(crate::dissect::recorded_fields(&fields));
    spawn_building(packets, recorded, recording, &missing, cancel, state, visit, send)
}

/// `walk::spawn_recording` that also makes the columns of `missing` from
/// the same dissections, kept once the walk has read every packet (the
/// first filter on a field, the first conversations view, `prefetch`).
#[allow(clippy::too_many_arguments)]
pub fn spawn_building<T, V, S>(
    packets: Arc<Packets>,
    depth: Depth,
    recording: Recording,
    missing: &[Field],
    cancel: Arc<AtomicBool>,
    state: T,
    mut visit: V,
    mut send: S,
) -> std::thread::JoinHandle<()>
where
    T: Send + 'static,
    V: FnMut(&mut T, usize, &Dissection, &[u8]) + Send + 'static,
    S: FnMut(&mut T, usize, bool) -> bool + Send + 'static,
{
    let keep = packets.clone();
    walk::spawn_recording(
        packets,
        depth,
        recording,
        cancel,
        (Some(Builder::new(missing)), state),
        move |(builder, state), i, d, bytes| {
            if let Some(b) = builder.as_mut() {
                b.push(i, d, bytes);
            }
            visit(state, i, d, bytes)
        },
        move |(builder, state), scanned_to, done| {
            if let Some(b) = builder.take_if(|_| done) {
                b.finish(&mut keep.columns_mut());
            }
            send(state, scanned_to, done)
        },
    )
}

/// The walk over stored records; a packet without one is dissected to `depth`.
fn spawn_reading<T, V, S>(
    packets: Arc<Packets>,
    fields: Vec<Field>,
    depth: Depth,
    cancel: Arc<AtomicBool>,
    mut state: T,
    mut visit: V,
    mut send: S,
) -> std::thread::JoinHandle<()>
where
    T: Send + 'static,
    V: FnMut(&mut T, usize, &Dissection, &[u8]) + Send + 'static,
    S: FnMut(&mut T, usize, bool) -> bool + Send + 'static,
{
    std::thread::spawn(move || {
        let mut reading = Reading::new(&fields);
        let (mut d, mut bytes) = (Dissection::default(), Vec::new());
        let n = packets.len();
        let mut next = 0usize;
        loop {
            let deadline = Instant::now() + CHUNK_TIME;
            {
                let records = packets.records();
                while next < n {
                    if next % 1024 == 0 && cancel.load(Ordering::Relaxed) {
                        return;
                    }
                    if Packets::read_stored(&records, next, &mut reading, &mut d) {
                        own_layers(&mut d.tree);
                        visit(&mut state, next, &d, &[]);
                    } else if packets.dissect_to(next, depth, &mut bytes, &mut d) {
                        visit(&mut state, next, &d, &bytes);
                    }
                    next += 1;
                    if next.is_multiple_of(1024) && Instant::now() >= deadline {
                        break;
                    }
                }
            }
            let done = next >= n;
            if !send(&mut state, next, done) || done {
                return;
            }
        }
    })
}

/// Gives decoded items the depths the dissection gave them, as far as the
/// views read them: a protocol at the top, its fields under it, and a
/// header quoted in an ICMP or ICMPv6 error (every protocol after the
/// ICMP one, with its fields) one level further down, where
/// `stats::scan` does not take it for the packet's own. Items of columns
/// come after the brief ones; they are the packet's own unless it quotes.
pub fn own_layers(tree: &mut Tree) {
    let (mut icmp, mut quoted) = (false, false);
    for n in &mut tree.nodes {
        let protocol = matches!(n.field.ftype, FieldType::Protocol);
        if !n.field.brief {
            n.depth = if quoted { 2 } else { 1 };
            continue;
        }
        if protocol && icmp {
            quoted = true;
        }
        if protocol && matches!(n.field.name, "icmp" | "icmpv6") {
            icmp = true;
        }
        n.depth = u16::from(quoted) + u16::from(!protocol);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::mpsc;

    use crate::tui::event::Event;
    use crate::tui::workers::brief_tests::{captures, load};
    use crate::tui::workers::session::{self, ConvRow, Found, Job};

    /// Each table row as it stands after the last change.
    fn table(rows: impl IntoIterator<Item = ConvRow>) -> BTreeMap<(usize, usize), ConvRow> {
        rows.into_iter().map(|r| ((r.table, r.row), r)).collect()
    }

    fn from_store(packets: &std::sync::Arc<crate::tui::packets::Packets>) -> BTreeMap<(usize, usize), ConvRow> {
        let (tx, rx) = mpsc::channel();
        let job = Job::default();
        session::spawn_conversations(packets.clone(), tx, &job);
        let mut rows = Vec::new();
        for ev in rx {
            let Event::View(p) = ev else { continue };
            if let Found::Conversations(r) = p.found {
                rows.extend(r);
            }
            if p.done {
                break;
            }
        }
        table(rows)
    }

    #[test]
    fn conversations_from_the_store_are_those_of_dissection() {
        let fields = session::conv_fields();
        let mut rows = 0;
        for path in captures() {
            let Some(packets) = load(&path) else { continue };
            let want = table(session::conversations_dissected(packets.clone()));
            // The first run makes the columns, the second reads them.
            assert!(!packets.records().missing(&fields).is_empty() || packets.is_empty());
            assert_eq!(from_store(&packets), want, "{} (making the columns)", path.display());
            assert!(packets.records().missing(&fields).is_empty(), "{}", path.display());
            assert_eq!(from_store(&packets), want, "{} (from the store)", path.display());
            rows += want.len();
        }
        assert!(rows > 100, "{rows} rows compared");
    }
}
