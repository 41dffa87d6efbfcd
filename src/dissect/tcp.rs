//! TCP. (Stream tracking, options and analysis are added by the session layer.)

use std::fmt::Write;

use crate::field::{Base, Field, FieldDef, FieldType, Value, SET_NOTSET};

use super::{dispatch, Buf, Ctx, DResult, DissectError};

pub static TCP: FieldDef = FieldDef::new("tcp", "Transmission Control Protocol", FieldType::Protocol);
pub static SRCPORT: FieldDef = FieldDef::new("tcp.srcport", "Source Port", FieldType::U16);
pub static DSTPORT: FieldDef = FieldDef::new("tcp.dstport", "Destination Port", FieldType::U16);
pub static PORT: FieldDef = FieldDef::new("tcp.port", "Source or Destination Port", FieldType::U16);
pub static SEQ_RAW: FieldDef = FieldDef::new("tcp.seq_raw", "Sequence Number (raw)", FieldType::U32);
pub static ACK_RAW: FieldDef = FieldDef::new("tcp.ack_raw", "Acknowledgment number (raw)", FieldType::U32);
pub static HDR_LEN: FieldDef = FieldDef::new("tcp.hdr_len", "Header Length", FieldType::U8);
pub static FLAGS: FieldDef =
    FieldDef::new("tcp.flags", "Flags", FieldType::U16).base(Base::Hex).mask(0xfff);
pub static FLAG_FIN: FieldDef = FieldDef::new("tcp.flags.fin", "Fin", FieldType::Bool).bit(12, 0x001).strings(SET_NOTSET);
pub static FLAG_SYN: FieldDef = FieldDef::new("tcp.flags.syn", "Syn", FieldType::Bool).bit(12, 0x002).strings(SET_NOTSET);
pub static FLAG_RST: FieldDef = FieldDef::new("tcp.flags.reset", "Reset", FieldType::Bool).bit(12, 0x004).strings(SET_NOTSET);
pub static FLAG_PUSH: FieldDef = FieldDef::new("tcp.flags.push", "Push", FieldType::Bool).bit(12, 0x008).strings(SET_NOTSET);
pub static FLAG_ACK: FieldDef = FieldDef::new("tcp.flags.ack", "Acknowledgment", FieldType::Bool).bit(12, 0x010).strings(SET_NOTSET);
pub static FLAG_URG: FieldDef = FieldDef::new("tcp.flags.urg", "Urgent", FieldType::Bool).bit(12, 0x020).strings(SET_NOTSET);
pub static FLAG_ECE: FieldDef = FieldDef::new("tcp.flags.ece", "ECN-Echo", FieldType::Bool).bit(12, 0x040).strings(SET_NOTSET);
pub static FLAG_CWR: FieldDef = FieldDef::new("tcp.flags.cwr", "Congestion Window Reduced", FieldType::Bool).bit(12, 0x080).strings(SET_NOTSET);
pub static FLAG_AE: FieldDef = FieldDef::new("tcp.flags.ae", "Accurate ECN", FieldType::Bool).bit(12, 0x100).strings(SET_NOTSET);
pub static FLAG_RES: FieldDef = FieldDef::new("tcp.flags.res", "Reserved", FieldType::Bool).bit(12, 0xe00).strings(SET_NOTSET);
pub static FLAGS_STR: FieldDef = FieldDef::new("tcp.flags.str", "TCP Flags", FieldType::String);
pub static WINDOW: FieldDef = FieldDef::new("tcp.window_size_value", "Window", FieldType::U16);
pub static CHECKSUM: FieldDef = FieldDef::new("tcp.checksum", "Checksum", FieldType::U16).base(Base::Hex);
pub static URGENT: FieldDef = FieldDef::new("tcp.urgent_pointer", "Urgent Pointer", FieldType::U16);
pub static OPTIONS: FieldDef = FieldDef::new("tcp.options", "TCP Options", FieldType::Bytes);
pub static PAYLOAD: FieldDef = FieldDef::new("tcp.payload", "TCP payload", FieldType::Bytes);
pub static LEN: FieldDef = FieldDef::new("tcp.len", "TCP Segment Len", FieldType::U32);

pub static FIELDS: &[Field] = &[
    &TCP, &SRCPORT, &DSTPORT, &PORT, &LEN, &SEQ_RAW, &ACK_RAW, &HDR_LEN, &FLAGS, &FLAG_RES,
    &FLAG_AE, &FLAG_CWR, &FLAG_ECE, &FLAG_URG, &FLAG_ACK, &FLAG_PUSH, &FLAG_RST, &FLAG_SYN,
    &FLAG_FIN, &FLAGS_STR, &WINDOW, &CHECKSUM, &URGENT, &OPTIONS, &PAYLOAD,
];

const FLAG_NAMES: [(u16, &str); 9] = [
    (0x001, "FIN"),
    (0x002, "SYN"),
    (0x004, "RST"),
    (0x008, "PSH"),
    (0x010, "ACK"),
    (0x020, "URG"),
    (0x040, "ECE"),
    (0x080, "CWR"),
    (0x100, "AE"),
];

/// `SYN, ACK` as Wireshark lists set flags.
pub fn flag_list(flags: u16) -> String {
    let mut s = String::new();
    for (bit, name) in FLAG_NAMES {
        if flags & bit != 0 {
            if !s.is_empty() {
                s.push_str(", ");
            }
            s.push_str(name);
        }
    }
    if flags & 0xe00 != 0 {
        if !s.is_empty() {
            s.push_str(", ");
        }
        s.push_str("Reserved");
    }
    s
}

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("tcp", "TCP");
    let root = cx.tree().open(&TCP, b.range(0, 20.min(b.len())), Value::None);
    let sport = b.u16(0)?;
    let dport = b.u16(2)?;
    let t = cx.tree();
    t.add(&SRCPORT, b.range(0, 2), Value::UInt(sport as u64));
    t.add(&DSTPORT, b.range(2, 2), Value::UInt(dport as u64));
    t.hidden(&PORT, b.range(0, 2), Value::UInt(sport as u64));
    t.hidden(&PORT, b.range(2, 2), Value::UInt(dport as u64));
    let seq = b.u32(4)?;
    let ack = b.u32(8)?;
    let off_flags = b.u16(12)?;
    let hlen = ((off_flags >> 12) as usize) * 4;
    let flags = off_flags & 0x0fff;
    let t = cx.tree();
    t.add(&SEQ_RAW, b.range(4, 4), Value::UInt(seq as u64));
    t.add(&ACK_RAW, b.range(8, 4), Value::UInt(ack as u64));
    let h = t.add(&HDR_LEN, b.range(12, 1), Value::UInt(hlen as u64));
    t.set_text(h, format!("{:04b} .... = Header Length: {} bytes ({})", off_flags >> 12, hlen, off_flags >> 12));
    let f = t.open(&FLAGS, b.range(12, 2), Value::UInt(flags as u64));
    t.set_text(f, format!("Flags: 0x{flags:03x} ({})", flag_list(flags)));
    for (fd, bit) in [
        (&FLAG_RES, 0xe00u16),
        (&FLAG_AE, 0x100),
        (&FLAG_CWR, 0x080),
        (&FLAG_ECE, 0x040),
        (&FLAG_URG, 0x020),
        (&FLAG_ACK, 0x010),
        (&FLAG_PUSH, 0x008),
        (&FLAG_RST, 0x004),
        (&FLAG_SYN, 0x002),
        (&FLAG_FIN, 0x001),
    ] {
        t.add(fd, b.range(12, 2), Value::Bool(flags & bit != 0));
    }
    t.close();
    let info = cx.out.cols.info();
    let _ = write!(info, "{sport} → {dport} [{}] Seq={seq}", flag_list(flags));
    if hlen < 20 {
        cx.tree().close();
        return Err(DissectError::Malformed);
    }
    cx.tree().set_len(root, hlen);
    let win = b.u16(14)?;
    let ck = b.u16(16)?;
    let urg = b.u16(18)?;
    let t = cx.tree();
    t.add(&WINDOW, b.range(14, 2), Value::UInt(win as u64));
    t.add(&CHECKSUM, b.range(16, 2), Value::UInt(ck as u64));
    t.add(&URGENT, b.range(18, 2), Value::UInt(urg as u64));
    if hlen > 20 {
        b.bytes(20, hlen - 20)?;
        cx.tree().add(&OPTIONS, b.range(20, hlen - 20), Value::None);
    }
    let payload = b.from(hlen)?;
    let plen = payload.reported_len();
    cx.tree().generated(&LEN, b.range(0, 0), Value::UInt(plen as u64));
    if plen > 0 {
        cx.tree().add(&PAYLOAD, payload.range(0, payload.len()), Value::None);
    }
    cx.tree().close();
    let _ = write!(cx.out.cols.info, " Win={win} Len={plen}");
    let (stream, from_client) = match cx.net {
        Some((src, dst)) => cx.session.tcp.stream_of(src, sport, dst, dport),
        None => (0, true),
    };
    let seg = dispatch::TcpSeg { stream, from_client, sport, dport };
    let app = dispatch::tcp_app(sport, dport, payload.tail(0));
    dispatch::tcp_port(cx, app, &seg, payload);
    Ok(())
}
