//! NBNS resource records: the answers, authority and additional records,
//! with NB data (name flags and an address per entry) and NBSTAT data (the
//! node's name table and its adapter statistics).

use std::fmt::Write;

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use super::{name_text, name_type, NbName, CLASS, NAME, T_NB, T_NBSTAT, TYPE};
use crate::dissect::{Buf, Ctx, DResult};

pub static TTL: FieldDef = FieldDef::new("nbns.ttl", "Time to live", FieldType::U32)
    .desc("Seconds the name registration is valid.");
pub static DATA_LENGTH: FieldDef = FieldDef::new("nbns.data_length", "Data length", FieldType::U16)
    .desc("Length in bytes of the record's data.");
pub static NB_FLAGS: FieldDef = FieldDef::new("nbns.nb_flags", "Name flags", FieldType::U16).base(Base::Hex)
    .desc("Flags of a name's address entry: group or unique, owner node type.");
pub static NB_GROUP: FieldDef =
    FieldDef::new("nbns.nb_flags.group", "Name type", FieldType::Bool).bit(16, 0x8000).strings(GROUP)
        .desc("Whether the name is a group name or a unique name.");
pub static NB_ONT: FieldDef = FieldDef::new("nbns.nb_flags.ont", "ONT", FieldType::U16).mask(0x6000).strings(ONT_UNSHIFTED)
    .desc("Owner node type: B (broadcast), P (point-to-point), M (mixed) or H (hybrid) node.");
pub static ADDR: FieldDef = FieldDef::new("nbns.addr", "Addr", FieldType::Ipv4)
    .desc("IPv4 address the name resolves to.");
pub static NUMBER_OF_NAMES: FieldDef = FieldDef::new("nbns.number_of_names", "Number of names", FieldType::U8)
    .desc("Number of names in a node status answer.");
pub static NETBIOS_NAME: FieldDef = FieldDef::new("nbns.netbios_name", "Name", FieldType::String)
    .desc("A NetBIOS name the node holds.");
pub static NAME_FLAGS: FieldDef = FieldDef::new("nbns.name_flags", "Name flags", FieldType::U16).base(Base::Hex)
    .desc("Flags of a name in a node status answer.");
pub static NAME_GROUP: FieldDef =
    FieldDef::new("nbns.name_flags.group", "Name type", FieldType::Bool).bit(16, 0x8000).strings(GROUP)
        .desc("Whether the name is a group name or a unique name.");
pub static NAME_ONT: FieldDef = FieldDef::new("nbns.name_flags.ont", "ONT", FieldType::U16).mask(0x6000).strings(NAME_ONT_UNSHIFTED)
    .desc("Owner node type of the name.");
pub static NAME_DRG: FieldDef = FieldDef::new("nbns.name_flags.drg", "Name is being deregistered", FieldType::Bool)
    .bit(16, 0x1000)
    .strings(crate::field::YES_NO).desc("The name is being deregistered.");
pub static NAME_CNF: FieldDef = FieldDef::new("nbns.name_flags.cnf", "Name is in conflict", FieldType::Bool)
    .bit(16, 0x0800)
    .strings(crate::field::YES_NO).desc("The name is in conflict with another node's.");
pub static NAME_ACT: FieldDef = FieldDef::new("nbns.name_flags.act", "Name is active", FieldType::Bool)
    .bit(16, 0x0400)
    .strings(crate::field::YES_NO).desc("The name is active.");
pub static NAME_PRM: FieldDef = FieldDef::new("nbns.name_flags.prm", "Permanent node name", FieldType::Bool)
    .bit(16, 0x0200)
    .strings(crate::field::YES_NO).desc("The name is the node's permanent name.");
pub static UNIT_ID: FieldDef = FieldDef::new("nbns.unit_id", "Unit ID", FieldType::Ether)
    .desc("Unit ID of the node: usually the MAC address of its adapter.");
pub static DATA: FieldDef = FieldDef::new("nbns.data", "Data", FieldType::Bytes)
    .desc("Bytes of the record not decoded.");

/// The adapter statistics after an NBSTAT name table, in order.
static STATISTICS: &[FieldDef] = &[
    FieldDef::new("nbns.jumpers", "Jumpers", FieldType::U8).base(Base::Hex)
        .desc("Jumper settings in the adapter statistics (RFC 1002 section 4.2.18)."),
    FieldDef::new("nbns.test_result", "Test result", FieldType::U8).base(Base::Hex)
        .desc("Result of the adapter's self test."),
    FieldDef::new("nbns.version_number", "Version number", FieldType::U16).base(Base::Hex)
        .desc("Version of the NetBIOS software."),
    FieldDef::new("nbns.period_of_statistics", "Period of statistics", FieldType::U16).base(Base::Hex)
        .desc("Period over which the statistics were collected."),
    FieldDef::new("nbns.num_crcs", "Number of CRCs", FieldType::U16).desc("Number of frames received with CRC errors."),
    FieldDef::new("nbns.num_alignment_errors", "Number of alignment errors", FieldType::U16)
        .desc("Number of frames received with alignment errors."),
    FieldDef::new("nbns.num_collisions", "Number of collisions", FieldType::U16).desc("Number of collisions."),
    FieldDef::new("nbns.num_send_aborts", "Number of send aborts", FieldType::U16).desc("Number of sends aborted."),
    FieldDef::new("nbns.num_good_sends", "Number of good sends", FieldType::U32)
        .desc("Number of frames sent successfully."),
    FieldDef::new("nbns.num_good_receives", "Number of good receives", FieldType::U32)
        .desc("Number of frames received successfully."),
    FieldDef::new("nbns.numretransmits", "Number of retransmits", FieldType::U16).desc("Number of retransmissions."),
    FieldDef::new("nbns.num_no_resource_conditions", "Number of no resource conditions", FieldType::U16)
        .desc("Number of times resources ran out."),
    FieldDef::new("nbns.numcommand_blocks", "Number of command blocks", FieldType::U16)
        .desc("Number of free command blocks."),
    FieldDef::new("nbns.numpending_sessions", "Number of pending sessions", FieldType::U16)
        .desc("Number of pending sessions."),
    FieldDef::new("nbns.max_num_pending_sessions", "Max number of pending sessions", FieldType::U16)
        .desc("Largest number of pending sessions."),
    FieldDef::new("nbns.max_total_sessions_possible", "Max total sessions possible", FieldType::U16)
        .desc("Largest number of sessions possible."),
    FieldDef::new("nbns.session_data_packet_size", "Session data packet size", FieldType::U16)
        .desc("Size of a session data packet."),
];

pub static FIELDS: [Field; 34] = [
    &TTL, &DATA_LENGTH, &NB_FLAGS, &NB_GROUP, &NB_ONT, &ADDR, &NUMBER_OF_NAMES, &NETBIOS_NAME, &NAME_FLAGS,
    &NAME_GROUP, &NAME_ONT, &NAME_DRG, &NAME_CNF, &NAME_ACT, &NAME_PRM, &UNIT_ID, &DATA, &STATISTICS[0],
    &STATISTICS[1], &STATISTICS[2], &STATISTICS[3], &STATISTICS[4], &STATISTICS[5], &STATISTICS[6],
    &STATISTICS[7], &STATISTICS[8], &STATISTICS[9], &STATISTICS[10], &STATISTICS[11], &STATISTICS[12],
    &STATISTICS[13], &STATISTICS[14], &STATISTICS[15], &STATISTICS[16],
];

static GROUP: &[(u64, &str)] = &[(1, "Group name"), (0, "Unique name")];
static ONT: &[(u64, &str)] = &[(0, "B-node"), (1, "P-node"), (2, "M-node"), (3, "H-node")];
/// The ONT fields' strings as Wireshark registers them: unshifted, so the
/// masked value (0-3) finds only B-node and the tree shows "Unknown (1)"
/// for a P-node, as tshark does; the flags' summary names all four.
static ONT_UNSHIFTED: &[(u64, &str)] = &[(0, "B-node"), (0x2000, "P-node"), (0x4000, "M-node"), (0x6000, "H-node")];
/// The name flags' ONT, whose table in Wireshark stops before H-node.
static NAME_ONT_UNSHIFTED: &[(u64, &str)] = &[(0, "B-node"), (0x2000, "P-node"), (0x4000, "M-node")];

/// One resource record at `off`; returns where the next one starts. The
/// answers (`in_info`) also name their type and addresses in Info.
pub fn record(cx: &mut Ctx, b: &Buf, off: usize, in_info: bool) -> DResult<usize> {
    let name = NbName::read(b, off)?;
    let at = off + name.wire_len;
    let ty = b.u16(at)? as u64;
    let class = b.u16(at + 2)? as u64;
    let rdlen = b.u16(at + 8)? as usize;
    let end = at + 10 + rdlen;
    let ty_name = TYPE.value_string(ty).unwrap_or("Unknown");
    let t = cx.tree();
    let rr = t.open(&crate::field::TEXT, b.range(off, end - off), Value::None);
    t.set_text(rr, format_args!("{}: type {ty_name}, class {}", name.text, CLASS.value_string(class).unwrap_or("Unknown")));
    // An NB record's name carries what its type byte means, in its value too.
    let shown = if ty == T_NB { format!("{} ({})", name.text, name.kind) } else { name.text.clone() };
    let n = t.add(&NAME, b.range(off, name.wire_len), Value::str(shown.as_str()));
    t.set_text(n, format_args!("Name: {shown}"));
    cx.uint(&TYPE, b, at)?;
    cx.uint(&CLASS, b, at + 2)?;
    let (id, ttl) = cx.uint_item(&TTL, b, at + 4)?;
    let mut words = String::new();
    crate::field::duration(ttl, &mut words);
    cx.tree().set_text(id, format_args!("Time to live: {words}"));
    cx.uint(&DATA_LENGTH, b, at + 8)?;
    if in_info {
        let _ = write!(cx.out.cols.info, " {ty_name}");
    }
    let data = b.sub(at + 10, rdlen)?;
    match ty {
        T_NB => nb_data(cx, &data, in_info)?,
        T_NBSTAT => nbstat_data(cx, &data)?,
        _ if rdlen > 0 => {
            data.bytes(0, rdlen)?;
            cx.tree().add(&DATA, data.range(0, rdlen), Value::None);
        }
        _ => {}
    }
    cx.tree().close();
    Ok(end)
}

/// NB data: a flags word and an address per entry.
fn nb_data(cx: &mut Ctx, d: &Buf, in_info: bool) -> DResult<()> {
    for off in (0..d.reported_len() / 6 * 6).step_by(6) {
        let (id, flags) = cx.uint_open(&NB_FLAGS, d, off)?;
        let group = flags & 0x8000 != 0;
        let ont = crate::field::word(ONT, flags >> 13 & 3).unwrap_or("");
        let kind = if group { "group" } else { "unique" };
        let label = format!("Name flags: 0x{flags:04x}{}, ONT: {ont} ({ont}, {kind})", if group { ", Name type" } else { "" });
        let t = cx.tree();
        t.set_text(id, label);
        t.add(&NB_GROUP, d.range(off, 2), Value::Bool(group));
        t.add(&NB_ONT, d.range(off, 2), Value::UInt(flags >> 13 & 3));
        t.close();
        let a = cx.ipv4(&ADDR, d, off + 2)?;
        if in_info {
            let _ = write!(cx.out.cols.info, " {a}");
        }
    }
    Ok(())
}

/// NBSTAT data: the node's names with their flags, then its statistics.
fn nbstat_data(cx: &mut Ctx, d: &Buf) -> DResult<()> {
    let n = cx.uint(&NUMBER_OF_NAMES, d, 0)? as usize;
    let mut off = 1;
    for _ in 0..n {
        let raw = d.bytes(off, 16)?;
        let text = name_text(&raw[..15]);
        let id = cx.tree().add(&NETBIOS_NAME, d.range(off, 16), Value::str(text.as_str()));
        cx.tree().set_text(id, format_args!("Name: {text}<{:02x}> ({})", raw[15], name_type(raw[15])));
        let (id, flags) = cx.uint_open(&NAME_FLAGS, d, off + 16)?;
        name_flags(cx, d, off + 16, id, flags);
        off += 18;
    }
    if off + 6 > d.reported_len() {
        return Ok(());
    }
    cx.ether(&UNIT_ID, d, off)?;
    off += 6;
    for f in STATISTICS {
        let width = f.ftype.hex_width() / 2;
        if off + width > d.reported_len() {
            break;
        }
        cx.uint(f, d, off)?;
        off += width;
    }
    Ok(())
}

/// The flags of a name in an NBSTAT table and its label naming the bits set.
fn name_flags(cx: &mut Ctx, d: &Buf, off: usize, id: usize, flags: u64) {
    let ont = crate::field::word(ONT, flags >> 13 & 3).unwrap_or("");
    let mut label = format!("Name flags: 0x{flags:04x}");
    if flags & 0x8000 != 0 {
        label.push_str(", Name type");
    }
    let _ = write!(label, ", ONT: {ont}");
    let bits = [(0x1000, "Name is being deregistered"), (0x0800, "Name is in conflict"), (0x0400, "Name is active"), (0x0200, "Permanent node name")];
    for (bit, name) in bits {
        if flags & bit != 0 {
            let _ = write!(label, ", {name}");
        }
    }
    let r = d.range(off, 2);
    let t = cx.tree();
    t.set_text(id, label);
    t.add(&NAME_GROUP, r.clone(), Value::Bool(flags & 0x8000 != 0));
    t.add(&NAME_ONT, r.clone(), Value::UInt(flags >> 13 & 3));
    for (f, bit) in [(&NAME_DRG, 0x1000), (&NAME_CNF, 0x0800), (&NAME_ACT, 0x0400), (&NAME_PRM, 0x0200)] {
        t.add(f, r.clone(), Value::Bool(flags & bit != 0));
    }
    t.close();
}
