//! Columns made ahead of need: once a file is loaded, a worker at a lower
//! priority than the UI and the user's filters (nice 10: it takes the core
//! the loader leaves idle) dissects every packet once, keeping only the
//! items of the fields filters most often read and the conversations
//! table reads, and makes their columns (`crate::store::columns`), so that a
//! first filter on one of them, or the conversations view, reads the store
//! as a re-applied filter does. It stops when the app drops its `Job`.

use std::sync::Arc;

use crate::dissect::Depth;
use crate::field::tree::Recording;
use crate::field::{self, Field};

use crate::tui::packets::Packets;
use crate::tui::workers::session::{self, Job};
use crate::tui::workers::stored;

/// The fields filters read most often that brief records do not hold. Each
/// is kept only where present: one item per HTTP message or DNS record.
const COMMON: [&str; 17] = [
    "http.request.method",
    "http.request.uri",
    "http.host",
    "http.user_agent",
    "http.response.code",
    "http.content_type",
    "http.response_in",
    "http.request_in",
    "http.time",
    "dns.qry.name",
    "dns.qry.type",
    "dns.a",
    "dns.flags.response",
    "dns.response_in",
    "tcp.analysis.flags",
    "tcp.analysis.retransmission",
    "tls.handshake.extensions_server_name",
];

/// The fields `spawn` makes columns of.
pub fn fields() -> Vec<Field> {
    let mut out: Vec<Field> = COMMON.iter().filter_map(|name| field::lookup(name)).collect();
    for f in session::conv_fields() {
        if !out.iter().any(|g| field::same(f, g)) {
            out.push(f);
        }
    }
    out
}

/// Starts making the columns of `fields()` that `packets`, a complete
/// capture, lacks; none when it lacks none.
pub fn spawn(packets: Arc<Packets>, job: &Job) -> Option<std::thread::JoinHandle<()>> {
    let wanted = fields();
    let missing = packets.records().missing(&wanted);
    if missing.is_empty() || !packets.is_complete() {
        return None;
    }
    let depth = Depth::recorded_to_read(missing.iter().map(|f| f.protocol()));
    let recording = Recording::Nodes(crate::dissect::recorded_fields(&missing));
    Some(stored::spawn_building(
        packets,
        depth,
        recording,
        &missing,
        job.cancel_flag(),
        false,
        |niced: &mut bool, _, _, _| {
            if !*niced {
                // Linux's nice value is a thread's own: this worker only.
                unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
                *niced = true;
            }
        },
        |_, _, _| true,
    ))
}
