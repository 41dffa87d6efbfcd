//! The `frame` pseudo-protocol: what the capture file says about a packet.

use crate::field::{Field, FieldDef, FieldType, Value};

use crate::field::tree::{NodeId, Tree, NO_NODE};

use super::{dispatch, Buf, Ctx, FrameMeta};

pub static FRAME: FieldDef = FieldDef::new("frame", "Frame", FieldType::Protocol).brief()
    .desc("Capture metadata of one packet: when it arrived, how long it was and what it carries.");
pub static INTERFACE_ID: FieldDef = FieldDef::new("frame.interface_id", "Interface id", FieldType::U32)
    .desc("Index of the capture interface (pcapng Interface Description Block) the packet was captured on.");
pub static SECTION: FieldDef = FieldDef::new("frame.section_number", "Section number", FieldType::U32)
    .desc("The number of the file section this frame is in (pcapng Section Header Block), counted from 1.");
pub static INTERFACE_NAME: FieldDef = FieldDef::new("frame.interface_name", "Interface name", FieldType::String)
    .desc("The friendly name for this interface (pcapng if_name, else its description, else \"unknown\").");
pub static INTERFACE_DESCRIPTION: FieldDef =
    FieldDef::new("frame.interface_description", "Interface description", FieldType::String)
        .desc("The description for this interface (pcapng if_description).");
pub static ENCAP: FieldDef = FieldDef::new("frame.encap_type", "Encapsulation type", FieldType::I32)
    .desc("Link-layer encapsulation of the packet, as Wireshark numbers it (1 is Ethernet).");
pub static TIME: FieldDef = FieldDef::new("frame.time", "Arrival Time", FieldType::AbsTime)
    .desc("Absolute time the packet was captured, from the capture file's timestamp.");
pub static TIME_EPOCH: FieldDef = FieldDef::new("frame.time_epoch", "Epoch Time", FieldType::AbsTime)
    .desc("Capture time as seconds since 1970-01-01 00:00:00 UTC.");
pub static TIME_DELTA: FieldDef = FieldDef::new(
    "frame.time_delta",
    "Time delta from previous captured frame",
    FieldType::RelTime,
).desc("Seconds between this packet and the one captured before it.");
pub static OFFSET_SHIFT: FieldDef =
    FieldDef::new("frame.offset_shift", "Time shift for this packet", FieldType::RelTime)
        .desc("Time offset applied to this packet's timestamp (zero unless times were shifted).");
/// Depends on which packets a filter displayed, so on the whole capture.
pub static TIME_DELTA_DISPLAYED: FieldDef =
    FieldDef::new("frame.time_delta_displayed", "Time delta from previous displayed frame", FieldType::RelTime)
        .capture_wide().desc("Seconds between this packet and the previous one the display filter shows.");
pub static MARKED: FieldDef = FieldDef::new("frame.marked", "Frame is marked", FieldType::Bool)
    .desc("Whether the user marked this packet in the interface.");
pub static IGNORED: FieldDef = FieldDef::new("frame.ignored", "Frame is ignored", FieldType::Bool)
    .desc("Whether the packet is ignored and left undissected.");
pub static TIME_RELATIVE: FieldDef = FieldDef::new(
    "frame.time_relative",
    "Time since reference or first frame",
    FieldType::RelTime,
).desc("Seconds since the first packet of the capture (or the time reference).");
pub static NUMBER: FieldDef = FieldDef::new("frame.number", "Frame Number", FieldType::U32).brief()
    .desc("Position of the packet in the capture, counted from 1.");
pub static LEN: FieldDef = FieldDef::new("frame.len", "Frame Length", FieldType::U32).brief()
    .desc("Length of the packet on the wire in bytes.");
pub static CAP_LEN: FieldDef = FieldDef::new("frame.cap_len", "Capture Length", FieldType::U32)
    .desc("Bytes of the packet actually saved in the capture (less than the frame length when the snap length cut it).");
pub static PROTOCOLS: FieldDef =
    FieldDef::new("frame.protocols", "Protocols in frame", FieldType::String)
        .desc("The protocols found in the packet, outermost first, joined by colons.");

/// The file's comments on the packet (pcapng `opt_comment`), which
/// Wireshark shows before the frame, each as its own text.
pub static PKT_COMMENT: FieldDef = FieldDef::new("pkt_comment", "Packet comments", FieldType::Protocol)
    .desc("Comments attached to this packet in a pcapng file.");
pub static COMMENT: FieldDef = FieldDef::new("frame.comment", "Comment", FieldType::String)
    .desc("One comment text stored with the packet (pcapng option).");
pub static COMMENT_EXPERT: FieldDef = FieldDef::new("frame.comment.expert", "Formatted comment", FieldType::None)
    .desc("A packet comment as an expert note of the Comment severity, so that expert summaries (-z expert) list it.");

pub static FIELDS: &[Field] = &[
    &PKT_COMMENT,
    &COMMENT,
    &COMMENT_EXPERT,
    &FRAME,
    &SECTION,
    &INTERFACE_ID,
    &INTERFACE_NAME,
    &INTERFACE_DESCRIPTION,
    &ENCAP,
    &TIME,
    &TIME_EPOCH,
    &OFFSET_SHIFT,
    &TIME_DELTA,
    &TIME_DELTA_DISPLAYED,
    &TIME_RELATIVE,
    &NUMBER,
    &LEN,
    &CAP_LEN,
    &MARKED,
    &IGNORED,
    &PROTOCOLS,
];

pub fn dissect(cx: &mut Ctx, b: Buf) {
    let m = *cx.meta;
    if let Some(cb) = m.custom {
        return super::custom_block::dissect(cx, b, cb);
    }
    let all = 0..b.len();
    if !cx.out.comments.is_empty() && !cx.out.tree.idle_for("frame") {
        let out = &mut *cx.out;
        out.tree.open(&PKT_COMMENT, 0..0, Value::None);
        for c in &out.comments {
            let id = out.tree.open(&COMMENT, 0..0, Value::Str(c.as_str().into()));
            out.tree.set_text(id, c.as_str());
            // Wireshark makes each comment an expert note too.
            super::expert_in(&mut out.tree, &COMMENT_EXPERT, c, "Comment", "Comment");
            out.tree.close();
        }
        out.tree.close();
    }
    let t = cx.tree();
    let root = t.open(&FRAME, all.clone(), Value::None);
    // A columns-only pass keeps none of these items.
    let protos = if t.idle_for("frame") { NO_NODE } else { items(t, root, &m) };
    t.close();
    dispatch::link(cx, m.linktype, b);
    let out = &mut *cx.out;
    if let Some(n) = out.tree.nodes.get_mut(protos) {
        n.value = Value::Str(out.protocols.as_str().into());
    }
}

fn time_items(t: &mut Tree, m: &FrameMeta) {
    t.add(&TIME, 0..0, Value::AbsTime(m.ts));
    // Nothing shifts times, marks or ignores packets here; tshark still
    // shows that so.
    t.generated(&OFFSET_SHIFT, 0..0, Value::RelTime(0));
    // Shown as seconds since the epoch; held as nanoseconds so that the
    // fields output and comparisons need no calendar.
    let epoch_ns = m.ts.as_nanos().clamp(i64::MIN as i128, i64::MAX as i128) as i64;
    let epoch = t.add(&TIME_EPOCH, 0..0, Value::RelTime(epoch_ns));
    t.set_text(epoch, format_args!("Epoch Time: {}.{:09} seconds", m.ts.secs, m.ts.nanos));
    t.generated(&TIME_DELTA, 0..0, Value::RelTime(m.ts.since(m.prev_ts)));
    t.generated(&TIME_DELTA_DISPLAYED, 0..0, Value::RelTime(m.ts.since(m.prev_shown.unwrap_or(m.prev_ts))));
    t.generated(&TIME_RELATIVE, 0..0, Value::RelTime(m.ts.since(m.first_ts)));
}

/// The frame's items; returns the id of `frame.protocols`, whose value is
/// known once the layers are dissected.
fn items(t: &mut Tree, root: NodeId, m: &FrameMeta) -> NodeId {
    let (n, on, bits) = (m.number, m.origlen, m.origlen as u64 * 8);
    let (cap, cap_bits) = (m.caplen, m.caplen as u64 * 8);
    if m.has_iface {
        // The name field's value is escaped, as a string field's is in
        // Wireshark; the labels keep the name as it is, as Wireshark's do.
        let name = crate::dissect::http::format_text(m.iface_name.as_bytes());
        t.set_text(
            root,
            format_args!(
                "Frame {n}: {on} bytes on wire ({bits} bits), {cap} bytes captured ({cap_bits} bits) on interface {}, id {}",
                m.iface_name, m.iface
            ),
        );
        t.add(&SECTION, 0..0, Value::UInt(m.section as u64 + 1));
        let id = t.open(&INTERFACE_ID, 0..0, Value::UInt(m.iface as u64));
        t.set_text(id, format_args!("Interface id: {} ({})", m.iface, m.iface_name));
        t.add(&INTERFACE_NAME, 0..0, Value::Str(name.as_str().into()));
        if let Some(d) = m.iface_description {
            t.add(&INTERFACE_DESCRIPTION, 0..0, Value::Str(crate::dissect::http::format_text(d.as_bytes()).into()));
        }
        t.close();
    } else {
        t.set_text(root, format_args!("Frame {n}: {on} bytes on wire ({bits} bits), {cap} bytes captured ({cap_bits} bits)"));
    }
    let encap = t.add(&ENCAP, 0..0, Value::Int(dispatch::wtap_encap(m.linktype) as i64));
    t.set_text(encap, format_args!("Encapsulation type: {} ({})", dispatch::link_name(m.linktype), dispatch::wtap_encap(m.linktype)));
    // A packet the file gives no time (a pcapng Simple Packet Block) has
    // no time items in tshark's tree.
    if !m.no_ts {
        time_items(t, m);
    }
    counts(t, m);
    protocols(t)
}

/// The frame's number, lengths and flags.
pub(super) fn counts(t: &mut Tree, m: &FrameMeta) {
    t.add(&NUMBER, 0..0, Value::UInt(m.number as u64));
    let l = t.add(&LEN, 0..0, Value::UInt(m.origlen as u64));
    t.set_text(l, format_args!("Frame Length: {} bytes ({} bits)", m.origlen, m.origlen as u64 * 8));
    let c = t.add(&CAP_LEN, 0..0, Value::UInt(m.caplen as u64));
    t.set_text(c, format_args!("Capture Length: {} bytes ({} bits)", m.caplen, m.caplen as u64 * 8));
    for f in [&MARKED, &IGNORED] {
        let id = t.generated(f, 0..0, Value::Bool(false));
        t.set_text(id, format_args!("[{}: False]", f.display));
    }
}

/// `frame.protocols`, last of the frame's items; returns its id, as its
/// value is known once the layers are dissected.
pub(super) fn protocols(t: &mut Tree) -> NodeId {
    t.generated(&PROTOCOLS, 0..0, Value::None)
}
