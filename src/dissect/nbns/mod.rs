//! NetBIOS Name Service (RFC 1002) over UDP port 137: DNS's message format
//! with NetBIOS names (16 bytes, the last one the name's type, spread over
//! 32 letters), NB records (flags and an address) and NBSTAT answers (a
//! node's name table and its statistics).

mod records;
#[cfg(test)]
mod tests;

use std::fmt::Write;

use crate::dissect::dns::name::read_name;
use crate::field::{Base, Field, FieldDef, FieldType, Value};

use super::{Buf, Ctx, DResult};

pub use records::FIELDS as RECORD_FIELDS;

pub static NBNS: FieldDef = FieldDef::new("nbns", "NetBIOS Name Service", FieldType::Protocol)
    .desc("NetBIOS Name Service: resolves NetBIOS names to IPv4 addresses on UDP port 137 (RFC 1002).");
pub static ID: FieldDef = FieldDef::new("nbns.id", "Transaction ID", FieldType::U16).base(Base::Hex)
    .desc("Transaction ID that matches responses to requests.");
pub static FLAGS: FieldDef = FieldDef::new("nbns.flags", "Flags", FieldType::U16).base(Base::Hex)
    .desc("Header flags: response, opcode, AA, TC, RD, RA, broadcast and reply code.");
pub static F_RESPONSE: FieldDef = FieldDef::new("nbns.flags.response", "Response", FieldType::Bool)
    .bit(16, 0x8000)
    .strings(&[(1, "Message is a response"), (0, "Message is a query")]).desc("Whether the message is a response.");
pub static F_OPCODE: FieldDef =
    FieldDef::new("nbns.flags.opcode", "Opcode", FieldType::U16).mask(0x7800).strings(OPCODES)
        .desc("Operation: query, registration, release, WACK or refresh.");
pub static F_AUTH: FieldDef = FieldDef::new("nbns.flags.authoritative", "Authoritative", FieldType::Bool)
    .bit(16, 0x0400)
    .strings(&[(1, "Server is an authority for domain"), (0, "Server is not an authority for domain")])
    .desc("Whether the responder is authoritative for the name.");
pub static F_TRUNC: FieldDef = FieldDef::new("nbns.flags.truncated", "Truncated", FieldType::Bool)
    .bit(16, 0x0200)
    .strings(&[(1, "Message is truncated"), (0, "Message is not truncated")])
    .desc("Whether the message was truncated.");
pub static F_RD: FieldDef = FieldDef::new("nbns.flags.recdesired", "Recursion desired", FieldType::Bool)
    .bit(16, 0x0100)
    .strings(&[(1, "Do query recursively"), (0, "Don't do query recursively")])
    .desc("Whether the sender asks for recursion (ask the name server rather than broadcast).");
pub static F_RA: FieldDef = FieldDef::new("nbns.flags.recavail", "Recursion available", FieldType::Bool)
    .bit(16, 0x0080)
    .strings(&[(1, "Server can do recursive queries"), (0, "Server can't do recursive queries")])
    .desc("Whether the name server offers recursion.");
pub static F_BROADCAST: FieldDef = FieldDef::new("nbns.flags.broadcast", "Broadcast", FieldType::Bool)
    .bit(16, 0x0010)
    .strings(&[(1, "Broadcast packet"), (0, "Not a broadcast packet")])
    .desc("Whether the message was sent as a broadcast.");
pub static F_RCODE: FieldDef =
    FieldDef::new("nbns.flags.rcode", "Reply code", FieldType::U16).mask(0x000f).strings(RCODES)
        .desc("Reply code: 0 success, else an error such as name not found or in conflict.");
pub static COUNT_Q: FieldDef = FieldDef::new("nbns.count.queries", "Questions", FieldType::U16)
    .desc("Number of questions.");
pub static COUNT_AN: FieldDef = FieldDef::new("nbns.count.answers", "Answer RRs", FieldType::U16)
    .desc("Number of answer records.");
pub static COUNT_NS: FieldDef = FieldDef::new("nbns.count.auth_rr", "Authority RRs", FieldType::U16)
    .desc("Number of authority records.");
pub static COUNT_AR: FieldDef = FieldDef::new("nbns.count.add_rr", "Additional RRs", FieldType::U16)
    .desc("Number of additional records.");
pub static NAME: FieldDef = FieldDef::new("nbns.name", "Name", FieldType::String)
    .desc("A NetBIOS name with its suffix type, decoded from its first-level encoding.");
pub static TYPE: FieldDef = FieldDef::new("nbns.type", "Type", FieldType::U16).strings(TYPES)
    .desc("Record type: NB (name to address) or NBSTAT (node status).");
pub static CLASS: FieldDef = FieldDef::new("nbns.class", "Class", FieldType::U16).strings(&[(1, "IN"), (2, "CS"), (3, "CH"), (4, "HS"), (254, "NONE"), (255, "ANY")])
    .desc("Record class, 1 for IN.");

pub static FIELDS: &[Field] = &[
    &NBNS, &ID, &FLAGS, &F_RESPONSE, &F_OPCODE, &F_AUTH, &F_TRUNC, &F_RD, &F_RA, &F_BROADCAST, &F_RCODE, &COUNT_Q,
    &COUNT_AN, &COUNT_NS, &COUNT_AR, &NAME, &TYPE, &CLASS,
];

static OPCODES: &[(u64, &str)] = &[
    (0, "Name query"),
    (5, "Registration"),
    (6, "Release"),
    (7, "Wait for acknowledgment"),
    (8, "Refresh"),
    (9, "Refresh (alternate opcode)"),
    (15, "Multi-homed registration"),
];

static RCODES: &[(u64, &str)] = &[
    (0, "No error"),
    (1, "Request was invalidly formatted"),
    (2, "Server failure"),
    (3, "Requested name does not exist"),
    (4, "Request is not implemented"),
    (5, "Request was refused"),
    (6, "Name is owned by another node"),
    (7, "Name is in conflict"),
];

pub(crate) const T_NB: u64 = 32;
pub(crate) const T_NBSTAT: u64 = 33;

static TYPES: &[(u64, &str)] = &[(1, "A"), (2, "NS"), (10, "NULL"), (T_NB, "NB"), (T_NBSTAT, "NBSTAT")];

pub fn is_nbns_port(port: u16) -> bool {
    port == 137
}

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("nbns", "NBNS");
    cx.tree().open(&NBNS, b.range(0, b.len()), Value::None);
    cx.uint(&ID, &b, 0)?;
    let (fid, flags) = cx.uint_open(&FLAGS, &b, 2)?;
    let response = flags & 0x8000 != 0;
    let opcode = flags >> 11 & 0xf;
    let rcode = flags & 0xf;
    let op = F_OPCODE.value_string(opcode).unwrap_or("Unknown operation");
    {
        let info = cx.out.cols.info();
        info.push_str(op);
        if response {
            info.push_str(" response");
            if rcode != 0 {
                let _ = write!(info, ", {}", F_RCODE.value_string(rcode).unwrap_or("Unknown error"));
            }
        }
    }
    flags_items(cx, &b, fid, flags);
    let counts = [cx.uint(&COUNT_Q, &b, 4)?, cx.uint(&COUNT_AN, &b, 6)?, cx.uint(&COUNT_NS, &b, 8)?, cx.uint(&COUNT_AR, &b, 10)?];
    let mut off = 12;
    if counts[0] > 0 {
        let sec = open_section(cx, b.range(off, 0), "Queries");
        for _ in 0..counts[0] {
            off = question(cx, &b, off)?;
        }
        close_section(cx, sec, &b, off);
    }
    let sections = [(counts[1], "Answers", true), (counts[2], "Authoritative nameservers", false), (counts[3], "Additional records", false)];
    for (n, title, in_info) in sections {
        if n == 0 {
            continue;
        }
        let sec = open_section(cx, b.range(off, 0), title);
        for _ in 0..n {
            off = records::record(cx, &b, off, in_info)?;
        }
        close_section(cx, sec, &b, off);
    }
    cx.tree().close();
    Ok(())
}

/// Starts the subtree of a section (`Queries`, `Answers`, ...).
fn open_section(cx: &mut Ctx, at: std::ops::Range<usize>, title: &str) -> usize {
    let sec = cx.tree().open(&crate::field::TEXT, at, Value::None);
    cx.tree().set_text(sec, title);
    sec
}

/// Ends a section's subtree, its range covering its records.
fn close_section(cx: &mut Ctx, sec: usize, b: &Buf, end: usize) {
    let start = cx.tree().nodes.get(sec).map_or(0, |n| n.range().start);
    cx.tree().set_len(sec, b.abs(end).saturating_sub(start));
    cx.tree().close();
}

/// The flags word's items and its label naming the bits that are set.
fn flags_items(cx: &mut Ctx, b: &Buf, fid: usize, flags: u64) {
    let response = flags & 0x8000 != 0;
    let mut label = format!("Flags: 0x{flags:04x}");
    if response {
        label.push_str(", Response");
    }
    let _ = write!(label, ", Opcode: {}", F_OPCODE.value_string(flags >> 11 & 0xf).unwrap_or("Unknown operation"));
    let bits: &[(u64, &str)] = &[
        (0x0400, "Authoritative"),
        (0x0200, "Truncated"),
        (0x0100, "Recursion desired"),
        (0x0080, "Recursion available"),
        (0x0010, "Broadcast"),
    ];
    for (bit, name) in bits {
        if flags & bit != 0 {
            let _ = write!(label, ", {name}");
        }
    }
    if response {
        let _ = write!(label, ", Reply code: {}", F_RCODE.value_string(flags & 0xf).unwrap_or("Unknown error"));
    }
    let r = b.range(2, 2);
    let t = cx.tree();
    t.set_text(fid, label);
    t.add(&F_RESPONSE, r.clone(), Value::Bool(response));
    t.add(&F_OPCODE, r.clone(), Value::UInt(flags >> 11 & 0xf));
    // A query shows only the bits a client may set.
    if response {
        t.add(&F_AUTH, r.clone(), Value::Bool(flags & 0x0400 != 0));
    }
    t.add(&F_TRUNC, r.clone(), Value::Bool(flags & 0x0200 != 0));
    t.add(&F_RD, r.clone(), Value::Bool(flags & 0x0100 != 0));
    if response {
        t.add(&F_RA, r.clone(), Value::Bool(flags & 0x0080 != 0));
    }
    t.add(&F_BROADCAST, r.clone(), Value::Bool(flags & 0x0010 != 0));
    if response {
        t.add(&F_RCODE, r, Value::UInt(flags & 0xf));
    }
    t.close();
}

/// A question: name, type and class; the Info column gets type and name.
fn question(cx: &mut Ctx, b: &Buf, off: usize) -> DResult<usize> {
    let name = NbName::read(b, off)?;
    let ty = b.u16(off + name.wire_len)? as u64;
    let class = b.u16(off + name.wire_len + 2)? as u64;
    let ty_name = TYPE.value_string(ty).unwrap_or("Unknown");
    let class_name = CLASS.value_string(class).unwrap_or("Unknown");
    let _ = write!(cx.out.cols.info, " {ty_name} {}", name.text);
    let end = off + name.wire_len + 4;
    let t = cx.tree();
    let q = t.open(&crate::field::TEXT, b.range(off, end - off), Value::None);
    t.set_text(q, format_args!("{}: type {ty_name}, class {class_name}", name.text));
    let n = t.add(&NAME, b.range(off, name.wire_len), Value::str(name.text.as_str()));
    t.set_text(n, format_args!("Name: {} ({})", name.text, name.kind));
    cx.uint(&TYPE, b, off + name.wire_len)?;
    cx.uint(&CLASS, b, off + name.wire_len + 2)?;
    cx.tree().close();
    Ok(end)
}

/// A NetBIOS name as Wireshark shows it: `LABHOST<00>` (trailing spaces
/// dropped, other unprintable bytes and the type byte as `<xx>`), then
/// `.scope` if the name has more labels.
pub(crate) struct NbName {
    pub text: String,
    /// What the type byte says the name is for.
    pub kind: &'static str,
    pub wire_len: usize,
}

impl NbName {
    fn read(b: &Buf, off: usize) -> DResult<NbName> {
        let wire = read_name(b, off)?;
        let (first, scope) = match wire.text.split_once('.') {
            Some((f, s)) => (f, Some(s)),
            None => (wire.text.as_str(), None),
        };
        let bytes = first.as_bytes();
        let decoded: Option<Vec<u8>> = (bytes.len() == 32)
            .then(|| bytes.chunks(2).map(|p| half(p[0]).zip(half(p[1])).map(|(h, l)| h << 4 | l)).collect())
            .flatten();
        let Some(decoded) = decoded else {
            return Ok(NbName { text: "<illegal NetBIOS name>".into(), kind: "Unknown", wire_len: wire.wire_len });
        };
        let ty = decoded[15];
        let mut text = name_text(&decoded[..15]);
        let _ = write!(text, "<{ty:02x}>");
        if let Some(scope) = scope {
            let _ = write!(text, ".{scope}");
        }
        Ok(NbName { text, kind: name_type(ty), wire_len: wire.wire_len })
    }
}

/// One letter of the first-level encoding (`A` + a nibble).
fn half(c: u8) -> Option<u8> {
    (b'A'..=b'P').contains(&c).then(|| c - b'A')
}

/// The 15 bytes of a NetBIOS name without trailing spaces, unprintable
/// bytes as `<xx>`.
pub(crate) fn name_text(raw: &[u8]) -> String {
    let end = raw.iter().rposition(|&c| c != b' ').map_or(0, |i| i + 1);
    let mut text = String::new();
    for &c in &raw[..end] {
        if c.is_ascii_graphic() || c == b' ' {
            text.push(c as char);
        } else {
            let _ = write!(text, "<{c:02x}>");
        }
    }
    text
}

/// What a NetBIOS name's type byte says the name is for.
pub(crate) fn name_type(ty: u8) -> &'static str {
    match ty {
        0x00 => "Workstation/Redirector",
        0x01 => "Browser",
        0x02 => "Workstation/Redirector",
        0x03 => "Messenger service/Main name",
        0x05 => "Forwarded name",
        0x06 => "RAS Server service",
        0x1b => "Domain Master Browser",
        0x1c => "Domain Controllers",
        0x1d => "Local Master Browser",
        0x1e => "Browser Election Service",
        0x1f => "Net DDE Service",
        0x20 => "Server service",
        0x21 => "RAS client service",
        0x22 => "Exchange Interchange (MSMail Connector)",
        0x23 => "Exchange Store",
        0x24 => "Exchange Directory",
        0x2b => "Lotus Notes Server service",
        0x30 => "Modem sharing server service",
        0x31 => "Modem sharing client service",
        0x43 => "SMS Clients Remote Control",
        0x44 => "SMS Administrators Remote Control Tool",
        0x45 => "SMS Clients Remote Chat",
        0x46 => "SMS Clients Remote Transfer",
        0x4c | 0x52 => "DEC Pathworks TCP/IP Service on Windows NT",
        0x6a => "Microsoft Exchange IMC",
        0x87 => "Microsoft Exchange MTA",
        0xbe => "Network Monitor Agent",
        0xbf => "Network Monitor Analyzer",
        _ => "Unknown",
    }
}
