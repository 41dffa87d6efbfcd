//! ICMP (IPv4): echo with request/reply matching, errors quoting the
//! offending datagram, and the other RFC 792 messages.

use std::fmt::Write;

use crate::field::{Base, Field, FieldDef, FieldType, Timestamp, Value};
use super::echo_pairs::EchoMatch;

use super::ipv4;
use crate::dissect::{dispatch, Buf, Ctx, DResult};

pub static ICMP: FieldDef =
    FieldDef::new("icmp", "Internet Control Message Protocol", FieldType::Protocol).brief()
        .desc("Internet Control Message Protocol: error reports and echo (ping) for IPv4 (RFC 792).");
pub static TYPE: FieldDef = FieldDef::new("icmp.type", "Type", FieldType::U8).strings(TYPES).brief()
    .desc("Message type, such as 8 echo request, 0 echo reply, 3 destination unreachable, 11 time exceeded.");
pub static CODE: FieldDef = FieldDef::new("icmp.code", "Code", FieldType::U8).brief()
    .desc("Subtype of the message; for unreachable, 3 means port unreachable.");
pub static CHECKSUM: FieldDef =
    FieldDef::new("icmp.checksum", "Checksum", FieldType::U16).base(Base::Hex)
        .desc("One's complement checksum of the ICMP message.");
pub static CHECKSUM_STATUS: FieldDef =
    FieldDef::new("icmp.checksum.status", "Checksum Status", FieldType::U8).base(Base::None).strings(crate::field::CHECKSUM_STATUSES)
        .desc("Whether the checksum was verified: good, bad or unverified.");
pub static UNUSED: FieldDef = FieldDef::new("icmp.unused", "Unused", FieldType::Bytes)
    .desc("Bytes unused by this message type, zero.");
pub static IDENT: FieldDef =
    FieldDef::new("icmp.ident", "Identifier (BE)", FieldType::U16).base(Base::DecHex)
        .desc("Identifier that matches echo replies to the requests of one ping process, read big-endian.");
pub static IDENT_LE: FieldDef =
    FieldDef::new("icmp.ident_le", "Identifier (LE)", FieldType::U16).base(Base::DecHex)
        .desc("The identifier read little-endian, as some systems write it.");
pub static SEQ: FieldDef =
    FieldDef::new("icmp.seq", "Sequence Number (BE)", FieldType::U16).base(Base::DecHex)
        .desc("Sequence number of the echo request, read big-endian.");
pub static SEQ_LE: FieldDef =
    FieldDef::new("icmp.seq_le", "Sequence Number (LE)", FieldType::U16).base(Base::DecHex)
        .desc("The sequence number read little-endian, as some systems write it.");
pub static MTU: FieldDef = FieldDef::new("icmp.mtu", "MTU of next hop", FieldType::U16)
    .desc("MTU of the next hop, in a fragmentation-needed message (RFC 1191).");
pub static POINTER: FieldDef = FieldDef::new("icmp.pointer", "Pointer", FieldType::U32)
    .desc("Offset of the byte of the original header that caused a parameter problem.");
pub static REDIR_GW: FieldDef = FieldDef::new("icmp.redir_gw", "Gateway address", FieldType::Ipv4)
    .desc("Gateway a redirect tells the host to use instead.");
pub static LENGTH: FieldDef = FieldDef::new("icmp.length", "Length", FieldType::U8)
    .desc("Length of the quoted original datagram, in 32-bit words (RFC 4884).");
pub static RESP_IN: FieldDef = FieldDef::new("icmp.resp_in", "Response frame", FieldType::FrameNum)
    .desc("Frame holding the echo reply to this request.");
pub static RESP_TO: FieldDef = FieldDef::new("icmp.resp_to", "Request frame", FieldType::FrameNum)
    .desc("Frame holding the echo request this reply answers.");
pub static RESPTIME: FieldDef = FieldDef::new("icmp.resptime", "Response time", FieldType::Double)
    .desc("Milliseconds between the echo request and its reply.");
pub static NO_RESP: FieldDef = FieldDef::new("icmp.no_resp", "No response seen", FieldType::None)
    .desc("No echo reply to this request was found in the capture.");
pub static RESP_NOT_FOUND: FieldDef = FieldDef::new("icmp.resp_not_found", "Response not found", FieldType::None)
    .desc("No echo request matching this reply was found in the capture.");
pub static DATA_TIME: FieldDef =
    FieldDef::new("icmp.data_time", "Timestamp from icmp data", FieldType::AbsTime)
        .desc("Time the sender wrote at the start of the echo data (ping does).");
pub static DATA_TIME_REL: FieldDef = FieldDef::new(
    "icmp.data_time_relative",
    "Timestamp from icmp data (relative)",
    FieldType::RelTime,
).desc("Time between the timestamp in the echo data and this packet's capture.");
pub static ORIG_TS: FieldDef =
    FieldDef::new("icmp.originate_timestamp", "Originate Timestamp", FieldType::U32)
        .desc("Milliseconds since midnight UTC when the sender sent the timestamp request.");
pub static RECV_TS: FieldDef =
    FieldDef::new("icmp.receive_timestamp", "Receive Timestamp", FieldType::U32)
        .desc("Milliseconds since midnight UTC when the responder received the request.");
pub static XMIT_TS: FieldDef =
    FieldDef::new("icmp.transmit_timestamp", "Transmit Timestamp", FieldType::U32)
        .desc("Milliseconds since midnight UTC when the responder sent the reply.");
pub static ADDRESS_MASK: FieldDef =
    FieldDef::new("icmp.address_mask", "Address Mask", FieldType::Ipv4)
        .desc("The subnet mask in an address mask reply.");

pub static FIELDS: &[Field] = &[
    &ICMP, &TYPE, &CODE, &CHECKSUM, &CHECKSUM_STATUS, &UNUSED, &IDENT, &IDENT_LE, &SEQ, &SEQ_LE,
    &MTU, &POINTER, &REDIR_GW, &LENGTH, &RESP_IN, &RESP_TO, &RESPTIME, &NO_RESP, &RESP_NOT_FOUND, &DATA_TIME,
    &DATA_TIME_REL, &ORIG_TS, &RECV_TS, &XMIT_TS, &ADDRESS_MASK,
];

static TYPES: &[(u64, &str)] = &[
    (0, "Echo (ping) reply"),
    (1, "Reserved"),
    (2, "Reserved"),
    (3, "Destination unreachable"),
    (4, "Source quench (flow control)"),
    (5, "Redirect"),
    (6, "Alternate host address"),
    (8, "Echo (ping) request"),
    (9, "Router advertisement"),
    (10, "Router solicitation"),
    (11, "Time-to-live exceeded"),
    (12, "Parameter problem"),
    (13, "Timestamp request"),
    (14, "Timestamp reply"),
    (15, "Information request"),
    (16, "Information reply"),
    (17, "Address mask request"),
    (18, "Address mask reply"),
    (19, "Reserved (for security)"),
    (30, "Traceroute"),
    (31, "Datagram Conversion Error"),
    (32, "Mobile Host Redirect"),
    (33, "IPv6 Where-Are-You"),
    (34, "IPv6 I-Am-Here"),
    (35, "Mobile Registration Request"),
    (36, "Mobile Registration Reply"),
    (37, "Domain Name Request"),
    (38, "Domain Name Reply"),
    (39, "SKIP"),
    (40, "Photuris"),
    (42, "Extended Echo request"),
    (43, "Extended Echo reply"),
];

fn code_name(ty: u8, code: u8) -> Option<&'static str> {
    let table: &[&str] = match ty {
        3 => &[
            "Network unreachable",
            "Host unreachable",
            "Protocol unreachable",
            "Port unreachable",
            "Fragmentation needed",
            "Source route failed",
            "Destination network unknown",
            "Destination host unknown",
            "Source host isolated",
            "Network administratively prohibited",
            "Host administratively prohibited",
            "Network unreachable for TOS",
            "Host unreachable for TOS",
            "Communication administratively filtered",
            "Host precedence violation",
            "Precedence cutoff in effect",
        ],
        5 => &[
            "Redirect for network",
            "Redirect for host",
            "Redirect for TOS and network",
            "Redirect for TOS and host",
        ],
        11 => &["Time to live exceeded in transit", "Fragment reassembly time exceeded"],
        12 => &["Pointer indicates the error", "Required option missing", "Bad length"],
        9 => {
            return match code {
                0 => Some("Normal router advertisement"),
                16 => Some("Does not route common traffic"),
                _ => None,
            }
        }
        _ => &[],
    };
    table.get(code as usize).copied()
}

/// The Internet checksum of `data` (0 when the stored checksum is right).
pub fn inet_checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    let mut odd: Option<u8> = None;
    for part in parts {
        for &x in part.iter() {
            match odd.take() {
                Some(hi) => sum += u16::from_be_bytes([hi, x]) as u32,
                None => odd = Some(x),
            }
        }
    }
    if let Some(hi) = odd {
        sum += u16::from_be_bytes([hi, 0]) as u32;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Adds the checksum and its status: verified when the whole message was
/// captured (`covered` are the bytes it covers, pseudo-header included).
pub fn checksum_items(cx: &mut Ctx, b: Buf, f: Field, status: Field, covered: Option<&[&[u8]]>) -> DResult<()> {
    let ck = b.u16(2)?;
    let t = cx.tree();
    let id = t.add(f, b.range(2, 2), Value::UInt(ck as u64));
    let (label, st) = match covered {
        Some(parts) if inet_checksum(parts) == 0 => (format!("Checksum: 0x{ck:04x} [correct]"), 1),
        Some(parts) => {
            let want = expected(!inet_checksum(parts), ck);
            (format!("Checksum: 0x{ck:04x} incorrect, should be 0x{want:04x}"), 0)
        }
        None => (format!("Checksum: 0x{ck:04x} [unverified]"), 2),
    };
    t.set_text(id, label);
    // As Wireshark's proto_tree_add_checksum: no bytes of its own.
    t.generated(status, b.range(2, 0), Value::UInt(st));
    Ok(())
}

/// The checksum the sender should have stored, from the one's-complement
/// sum of the whole message (`sum`) and the checksum it did store.
fn expected(sum: u16, ck: u16) -> u16 {
    let mut s = sum as u32 + (!ck) as u32;
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    !(s as u16)
}

/// Wireshark's guess at a timestamp at the start of echo data: seconds and
/// microseconds in either byte order, within a day of the frame's time.
fn data_timestamp(b: Buf, off: usize, frame: Timestamp) -> Option<Timestamp> {
    let near = |s: u32, us: u32| (s as i64 - frame.secs).abs() <= 86_400 && us < 1_000_000;
    let (be_s, be_us) = (b.u32(off).ok()?, b.u32(off + 4).ok()?);
    let (le_s, le_us) = (be_s.swap_bytes(), be_us.swap_bytes());
    let (s, us) = if near(be_s, be_us) {
        (be_s, be_us)
    } else if near(le_s, le_us) {
        (le_s, le_us)
    } else {
        return None;
    };
    Some(Timestamp { secs: s as i64, nanos: us * 1000 })
}

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("icmp", "ICMP");
    let root = cx.tree().open(&ICMP, b.range(0, b.len()), Value::None);
    cx.tree().set_text(root, "Internet Control Message Protocol");
    let ty = b.u8(0)?;
    let code = b.u8(1)?;
    let type_str = TYPE.value_string(ty as u64).unwrap_or("Unknown ICMP (obsolete or malformed?)");
    let code_str = code_name(ty, code);
    let info = cx.out.cols.info();
    // Wireshark reads the identifier's bytes before it writes Info: a
    // message cut before them shows no type.
    if b.len() >= 6 || b.len() == b.reported_len() {
        let _ = write!(info, "{type_str:<20}");
        if let Some(c) = code_str {
            let _ = write!(info, " ({c})");
        }
    }
    let t = cx.tree();
    let id = t.add(&TYPE, b.range(0, 1), Value::UInt(ty as u64));
    // ICMP (not ICMPv6) puts the number first, as Wireshark does.
    t.set_text(id, format_args!("Type: {ty} ({type_str})"));
    let c = t.add(&CODE, b.range(1, 1), Value::UInt(code as u64));
    if let Some(s) = code_str {
        t.set_text(c, format_args!("Code: {code} ({s})"));
    }
    let whole = b.len() == b.reported_len();
    let all = b.tail(0);
    checksum_items(cx, b, &CHECKSUM, &CHECKSUM_STATUS, whole.then_some(&[all][..]))?;
    match ty {
        0 | 8 | 13..=18 => echo_like(cx, b, ty)?,
        3 | 4 | 5 | 11 | 12 => error(cx, b, ty, code)?,
        _ => {
            let rest = b.from(4)?;
            cx.tree().close();
            dispatch::data(cx, rest);
            return Ok(());
        }
    }
    Ok(())
}

/// Echo, timestamp, information and address mask messages: identifier and
/// sequence number in both byte orders, then the message's own body.
fn echo_like(cx: &mut Ctx, b: Buf, ty: u8) -> DResult<()> {
    let id = b.u16(4)?;
    let seq = b.u16(6)?;
    let t = cx.tree();
    t.add(&IDENT, b.range(4, 2), Value::UInt(id as u64));
    t.add(&IDENT_LE, b.range(4, 2), Value::UInt(id.swap_bytes() as u64));
    t.add(&SEQ, b.range(6, 2), Value::UInt(seq as u64));
    t.add(&SEQ_LE, b.range(6, 2), Value::UInt(seq.swap_bytes() as u64));
    let _ = write!(cx.out.cols.info, " id=0x{id:04x}, seq={seq}/{}", seq.swap_bytes());
    if let Some(ttl) = cx.hop_limit {
        let _ = write!(cx.out.cols.info, ", ttl={ttl}");
    }
    if ty == 0 || ty == 8 {
        echo_match(cx, b, ty == 8, id, seq, &ECHO_FIELDS);
    }
    let mut off = 8;
    match ty {
        13 | 14 => {
            for (i, f) in [&ORIG_TS, &RECV_TS, &XMIT_TS].into_iter().enumerate() {
                cx.uint(f, &b, 8 + 4 * i)?;
            }
            off = 20;
        }
        17 | 18 => {
            cx.ipv4(&ADDRESS_MASK, &b, 8)?;
            off = 12;
        }
        0 | 8 => {
            if let Some(ts) = data_timestamp(b, 8, cx.meta.ts) {
                let rel = cx.meta.ts.since(ts);
                let t = cx.tree();
                t.add(&DATA_TIME, b.range(8, 8), Value::AbsTime(ts));
                t.generated(&DATA_TIME_REL, b.range(8, 8), Value::RelTime(rel));
                off = 16;
            }
        }
        _ => {}
    }
    let rest = b.from(off)?;
    dispatch::data(cx, rest);
    cx.tree().close();
    Ok(())
}

/// The generated fields of a matched echo (ICMP's or ICMPv6's).
pub struct EchoFields {
    pub resp_in: Field,
    pub resp_to: Field,
    pub resptime: Field,
    pub no_resp: Field,
    pub not_found: Field,
}

const ECHO_FIELDS: EchoFields = EchoFields {
    resp_in: &RESP_IN,
    resp_to: &RESP_TO,
    resptime: &RESPTIME,
    no_resp: &NO_RESP,
    not_found: &RESP_NOT_FOUND,
};

/// Pairs an echo request or reply through the session and adds the
/// generated items and the Info note Wireshark shows for the pair.
pub fn echo_match(cx: &mut Ctx, b: Buf, request: bool, id: u16, seq: u16, f: &EchoFields) {
    let Some((src, dst)) = cx.net else { return };
    let first = cx.pass == crate::dissect::Pass::First;
    let (frame, ts) = (cx.meta.number, cx.meta.ts);
    let m = if request {
        cx.session.echo.request(first, frame, ts, (src, dst, id, seq))
    } else {
        cx.session.echo.reply(first, frame, (dst, src, id, seq))
    };
    let t = &mut cx.out.tree;
    match m {
        EchoMatch::Request { reply: Some(r) } => {
            let id = t.generated(f.resp_in, b.range(0, 0), Value::FrameNum(r));
            t.set_text(id, format_args!("[{}: {r}]", f.resp_in.display));
            let _ = write!(cx.out.cols.info, " (reply in {r})");
        }
        // Only a later pass knows that no reply ever came (Wireshark's
        // two-pass view and its packet list).
        EchoMatch::Request { reply: None } if !first => {
            let id = t.open(f.no_resp, b.range(0, 0), Value::None);
            t.set_flags(id, crate::field::tree::GENERATED);
            t.set_text(id, "[No response seen]");
            crate::dissect::expert(cx, f.not_found, "No response seen to ICMP request", "Warning", "Sequence");
            cx.tree().close();
            let _ = write!(cx.out.cols.info, " (no response found!)");
        }
        EchoMatch::Reply { request, request_ts } => {
            let id = t.generated(f.resp_to, b.range(0, 0), Value::FrameNum(request));
            t.set_text(id, format_args!("[{}: {request}]", f.resp_to.display));
            let ms = ts.since(request_ts) as f64 / 1e6;
            let id = t.generated(f.resptime, b.range(0, 0), Value::Double(ms));
            t.set_text(id, format_args!("[{}: {ms:.3} ms]", f.resptime.display));
            let _ = write!(cx.out.cols.info, " (request in {request})");
        }
        _ => {}
    }
}

/// Error messages: four type-specific bytes, then as much of the offending
/// datagram as the sender quoted. The quoted headers are dissected but,
/// as in Wireshark, leave the columns alone.
fn error(cx: &mut Ctx, b: Buf, ty: u8, code: u8) -> DResult<()> {
    match (ty, code) {
        (3, 4) => {
            cx.bytes_item(&UNUSED, &b, 4, 2)?;
            cx.uint(&MTU, &b, 6)?;
        }
        (5, _) => {
            cx.ipv4(&REDIR_GW, &b, 4)?;
        }
        (12, _) => {
            cx.uint(&POINTER, &b, 4)?;
            cx.bytes_item(&UNUSED, &b, 5, 3)?;
        }
        _ => {
            cx.bytes_item(&UNUSED, &b, 4, 4)?;
        }
    }
    let inner = b.from(8)?;
    if inner.is_empty() {
        cx.tree().close();
        return Ok(());
    }
    quoted(cx, inner, ipv4::dissect_quoted);
    Ok(())
}

/// Dissects a datagram quoted in an ICMP error without letting it change
/// the columns, the packet's network addresses or its malformed / cut
/// flags: a quoted datagram is cut short by design, and Wireshark's
/// "error packet" mode does not hold its lengths against it. Closes every
/// open tree item (the ICMP one is the only one open here).
pub fn quoted(cx: &mut Ctx, b: Buf, f: fn(&mut Ctx, Buf) -> DResult<()>) {
    let cols = cx.out.cols.clone();
    let (net, net_end, layer) = (cx.net, cx.net_end, cx.layer);
    let (malformed, truncated) = (cx.out.malformed, cx.out.truncated);
    let start = cx.out.tree.nodes.len();
    let was_quoted = std::mem::replace(&mut cx.quoted, true);
    let _ = f(cx, b);
    cx.quoted = was_quoted;
    cx.out.tree.close_all();
    let mut i = start;
    while i < cx.out.tree.nodes.len() {
        let n = &cx.out.tree.nodes[i];
        if crate::field::same(n.field, &crate::dissect::MALFORMED) || crate::field::same(n.field, &crate::dissect::TRUNCATED) {
            cx.out.tree.nodes.remove(i);
        } else {
            i += 1;
        }
    }
    cx.out.malformed = malformed;
    cx.out.truncated = truncated;
    cx.out.cols = cols;
    cx.net = net;
    cx.net_end = net_end;
    cx.layer = layer;
}

#[cfg(test)]
mod tests {
    use crate::dissect::testutil::{field, run};
    use crate::dissect::{dissect_frame, Dissection, FrameMeta, Pass};
    use crate::dissect::session::Session;

    fn ip_icmp(src: [u8; 4], dst: [u8; 4], ttl: u8, icmp: &[u8]) -> Vec<u8> {
        let mut f = vec![0x45, 0, 0, 0, 0, 1, 0, 0, ttl, 1, 0, 0];
        f[2..4].copy_from_slice(&((20 + icmp.len()) as u16).to_be_bytes());
        f.extend_from_slice(&src);
        f.extend_from_slice(&dst);
        f.extend_from_slice(icmp);
        f
    }

    fn echo(ty: u8, id: u16, seq: u16) -> Vec<u8> {
        let mut m = vec![ty, 0, 0, 0];
        m.extend_from_slice(&id.to_be_bytes());
        m.extend_from_slice(&seq.to_be_bytes());
        m.extend_from_slice(b"abcdefgh");
        let ck = super::inet_checksum(&[&m]);
        m[2..4].copy_from_slice(&ck.to_be_bytes());
        m
    }

    /// Short error messages end in a flagged packet, never in an item that
    /// points past the bytes (found by the link_fuzz property test).
    #[test]
    fn short_error_messages_stay_in_bounds() {
        for icmp in [&[3u8, 4, 0, 0, 0][..], &[12, 0, 0, 0, 7, 0][..]] {
            let a = ip_icmp([10, 0, 0, 1], [10, 0, 0, 2], 64, icmp);
            let meta = FrameMeta { number: 1, caplen: a.len() as u32, origlen: a.len() as u32, linktype: 228, ..Default::default() };
            let mut d = Dissection::default();
            dissect_frame(&meta, &a, &mut Session::new(), Pass::First, crate::dissect::Depth::Tree, &mut d);
            for n in &d.tree.nodes {
                assert!(n.source != 0 || n.range().end <= a.len(), "{} past the frame", n.field.name);
            }
            assert!(d.malformed || d.truncated);
        }
    }

    #[test]
    fn a_request_never_answered_says_so_on_a_later_pass() {
        let mut s = Session::new();
        let mut d = Dissection::default();
        let a = ip_icmp([10, 0, 0, 1], [10, 0, 0, 2], 64, &echo(8, 7, 1));
        let meta = FrameMeta { number: 1, caplen: a.len() as u32, origlen: a.len() as u32, linktype: 228, ..Default::default() };
        dissect_frame(&meta, &a, &mut s, Pass::First, crate::dissect::Depth::Tree, &mut d);
        assert!(d.cols.info.ends_with("ttl=64"), "the first pass cannot know yet: {}", d.cols.info);
        dissect_frame(&meta, &a, &mut s, Pass::Revisit, crate::dissect::Depth::Tree, &mut d);
        assert!(d.cols.info.ends_with("ttl=64 (no response found!)"), "{}", d.cols.info);
        let labels: Vec<String> = (0..d.tree.nodes.len()).map(|i| d.tree.label(i, &[])).collect();
        let at = labels.iter().position(|l| l == "[No response seen]").unwrap();
        assert_eq!(labels[at + 1], "[Expert Info (Warning/Sequence): No response seen to ICMP request]");
        assert!(d.tree.has(&super::RESP_NOT_FOUND) && d.tree.nodes[at + 1].depth == d.tree.nodes[at].depth + 1);
    }

    #[test]
    fn echo_pair_info_and_fields() {
        let mut s = Session::new();
        let mut d = Dissection::default();
        let a = ip_icmp([10, 0, 0, 1], [10, 0, 0, 2], 64, &echo(8, 0x201b, 1));
        let mut meta = FrameMeta { number: 1, caplen: a.len() as u32, origlen: a.len() as u32, linktype: 228, ..Default::default() };
        dissect_frame(&meta, &a, &mut s, Pass::First, crate::dissect::Depth::Tree, &mut d);
        assert_eq!(d.cols.info, "Echo (ping) request  id=0x201b, seq=1/256, ttl=64");
        assert_eq!(d.protocols, "ip:icmp:data");
        assert_eq!(field(&d, &a, "icmp.checksum.status"), "1");
        assert_eq!(field(&d, &a, "icmp.seq_le"), "256");
        let b = ip_icmp([10, 0, 0, 2], [10, 0, 0, 1], 63, &echo(0, 0x201b, 1));
        meta.number = 2;
        dissect_frame(&meta, &b, &mut s, Pass::First, crate::dissect::Depth::Tree, &mut d);
        assert_eq!(d.cols.info, "Echo (ping) reply    id=0x201b, seq=1/256, ttl=63 (request in 1)");
        assert_eq!(field(&d, &b, "icmp.resp_to"), "1");
        meta.number = 1;
        dissect_frame(&meta, &a, &mut s, Pass::Revisit, crate::dissect::Depth::Tree, &mut d);
        assert!(d.cols.info.ends_with("ttl=64 (reply in 2)"));
    }

    #[test]
    fn bad_checksum_is_flagged() {
        let mut m = echo(8, 1, 1);
        m[2] ^= 0xff;
        let f = ip_icmp([10, 0, 0, 1], [10, 0, 0, 2], 64, &m);
        let d = run(228, &f);
        assert_eq!(field(&d, &f, "icmp.checksum.status"), "0");
    }

    #[test]
    fn unreachable_quotes_the_datagram_and_keeps_columns() {
        let udp = [0x30, 0x39, 0x00, 0x35, 0, 8, 0, 0];
        let mut inner = ip_icmp([10, 0, 0, 2], [10, 0, 0, 9], 64, &udp);
        inner[9] = 17;
        let mut m = vec![3, 3, 0, 0, 0, 0, 0, 0];
        m.extend_from_slice(&inner);
        let f = ip_icmp([10, 0, 0, 9], [10, 0, 0, 2], 64, &m);
        let d = run(228, &f);
        assert_eq!(d.cols.info, "Destination unreachable (Port unreachable)");
        assert_eq!(d.cols.protocol, "ICMP");
        assert_eq!(d.cols.src, "10.0.0.9");
        assert_eq!(d.protocols, "ip:icmp:ip:udp");
        assert_eq!(field(&d, &f, "ip.src"), "10.0.0.9,10.0.0.2");
    }

    #[test]
    fn truncated_icmp() {
        let f = ip_icmp([10, 0, 0, 1], [10, 0, 0, 2], 64, &[8]);
        let d = run(228, &f);
        assert!(d.malformed);
        let f = ip_icmp([10, 0, 0, 1], [10, 0, 0, 2], 64, &echo(8, 1, 1));
        let d = crate::dissect::testutil::run_cut(228, &f[..23], f.len());
        assert!(d.truncated);
    }
}
