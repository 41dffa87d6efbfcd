//! The application bytes of a TCP segment quoted inside an ICMP error.
//!
//! Wireshark hands them to the stream's application dissector as they are,
//! without reassembly (its `can_desegment` is off inside an error packet),
//! and that dissector may even count them in its own state: tshark's SMTP
//! adds a quoted DATA piece to the message it reassembles. We do the same,
//! so the tree, the fields and the message match.

use super::stream::{AppSlot, SegOut};
use crate::field::tree::NodeId;

use crate::dissect::dispatch::{self, Pdu, TcpSeg};
use crate::dissect::{note_error, Buf, Ctx};

/// Closes the quoted TCP header's item at `root` and dissects the payload
/// `p` with the application of the stream `o` names (or of its ports).
pub fn payload(cx: &mut Ctx, root: NodeId, p: Buf, sport: u16, dport: u16, o: &SegOut) {
    cx.tree().close_to(root);
    if p.is_empty() {
        return;
    }
    let seg = TcpSeg { stream: o.stream, from_client: o.from_client, sport, dport, fin: false, can_desegment: true };
    let d = (!o.from_client) as usize;
    let slot = match cx.session.tcp.stream_mut(o.stream).map(|st| st.apps[d]) {
        Some(AppSlot::Some(app)) => AppSlot::Some(app),
        _ => dispatch::tcp_app(sport, dport, p.tail(0)),
    };
    let AppSlot::Some(app) = slot else {
        dispatch::data(cx, p);
        return;
    };
    match dispatch::tcp_dissector(app)(cx, p, &seg) {
        Ok(Pdu::Done(_)) => {}
        Ok(_) => dispatch::data(cx, p),
        Err(e) => note_error(cx, e),
    }
}
