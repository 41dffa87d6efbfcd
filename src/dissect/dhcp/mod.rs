//! DHCP and BOOTP (RFC 951, RFC 2131) over UDP ports 67 and 68: the fixed
//! BOOTP header, then, after the magic cookie, the DHCP options
//! (`options.rs`). Wireshark calls the layer BOOTP until option 53 names a
//! DHCP message, and so does the Protocol column here.

mod options;
#[cfg(test)]
mod tests;

use std::fmt::Write;

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use super::{Buf, Ctx, DResult};

pub use options::FIELDS as OPTION_FIELDS;

pub static DHCP: FieldDef = FieldDef::new("dhcp", "Dynamic Host Configuration Protocol", FieldType::Protocol)
    .desc("Dynamic Host Configuration Protocol: gives hosts their IPv4 address and settings, on UDP ports 67 and 68 (RFC 2131).");
pub static TYPE: FieldDef =
    FieldDef::new("dhcp.type", "Message type", FieldType::U8).strings(&[(1, "Boot Request"), (2, "Boot Reply")])
        .desc("BOOTP operation: 1 request from the client, 2 reply from the server.");
pub static HW_TYPE: FieldDef =
    FieldDef::new("dhcp.hw.type", "Hardware type", FieldType::U8).base(Base::Hex).strings(crate::dissect::net::arp::HW_TYPES)
        .desc("Hardware type of the client, 1 for Ethernet.");
pub static HW_LEN: FieldDef = FieldDef::new("dhcp.hw.len", "Hardware address length", FieldType::U8)
    .desc("Length of the client's hardware address, 6 for Ethernet.");
pub static HOPS: FieldDef = FieldDef::new("dhcp.hops", "Hops", FieldType::U8)
    .desc("Number of relay agents the message passed.");
pub static ID: FieldDef = FieldDef::new("dhcp.id", "Transaction ID", FieldType::U32).base(Base::Hex)
    .desc("Transaction ID the client picks at random to match replies to its requests.");
pub static SECS: FieldDef = FieldDef::new("dhcp.secs", "Seconds elapsed", FieldType::U16)
    .desc("Seconds since the client began acquiring or renewing an address.");
pub static FLAGS: FieldDef = FieldDef::new("dhcp.flags", "Bootp flags", FieldType::U16).base(Base::Hex)
    .desc("BOOTP flags: only the broadcast bit is defined.");
pub static FLAGS_BC: FieldDef = FieldDef::new("dhcp.flags.bc", "Broadcast flag", FieldType::Bool)
    .bit(16, 0x8000)
    .strings(&[(1, "Broadcast"), (0, "Unicast")])
    .desc("Broadcast: the client cannot receive unicast before it has an address, so replies are broadcast.");
pub static FLAGS_RESERVED: FieldDef =
    FieldDef::new("dhcp.flags.reserved", "Reserved flags", FieldType::U16).base(Base::Hex).mask(0x7fff)
        .desc("Reserved flag bits, zero.");
pub static IP_CLIENT: FieldDef = FieldDef::new("dhcp.ip.client", "Client IP address", FieldType::Ipv4)
    .desc("The client's current address, when it already has one (renewing).");
pub static IP_YOUR: FieldDef = FieldDef::new("dhcp.ip.your", "Your (client) IP address", FieldType::Ipv4)
    .desc("The address the server offers or assigns to the client.");
pub static IP_SERVER: FieldDef = FieldDef::new("dhcp.ip.server", "Next server IP address", FieldType::Ipv4)
    .desc("Address of the next server in the boot process (TFTP).");
pub static IP_RELAY: FieldDef = FieldDef::new("dhcp.ip.relay", "Relay agent IP address", FieldType::Ipv4)
    .desc("Address of the relay agent that forwarded the message (0.0.0.0 without relay).");
pub static HW_ADDR: FieldDef = FieldDef::new("dhcp.hw.addr", "Client hardware address", FieldType::Bytes)
    .desc("The client's hardware address.");
pub static HW_ADDR_PADDING: FieldDef =
    FieldDef::new("dhcp.hw.addr_padding", "Client hardware address padding", FieldType::Bytes)
        .desc("Padding of the 16-byte hardware address field after the address.");
pub static HW_MAC_ADDR: FieldDef = FieldDef::new("dhcp.hw.mac_addr", "Client MAC address", FieldType::Ether)
    .desc("The client's MAC address.");
pub static SERVER: FieldDef = FieldDef::new("dhcp.server", "Server host name", FieldType::String)
    .desc("Optional server host name (BOOTP sname field).");
pub static FILE: FieldDef = FieldDef::new("dhcp.file", "Boot file name", FieldType::String)
    .desc("Boot file name (BOOTP file field).");
pub static COOKIE: FieldDef = FieldDef::new("dhcp.cookie", "Magic cookie", FieldType::Ipv4)
    .desc("Magic cookie 99.130.83.99: DHCP options follow (RFC 2131 section 3).");

pub static FIELDS: &[Field] = &[
    &DHCP, &TYPE, &HW_TYPE, &HW_LEN, &HOPS, &ID, &SECS, &FLAGS, &FLAGS_BC, &FLAGS_RESERVED, &IP_CLIENT, &IP_YOUR,
    &IP_SERVER, &IP_RELAY, &HW_ADDR, &HW_ADDR_PADDING, &HW_MAC_ADDR, &SERVER, &FILE, &COOKIE,
];

/// The DHCP magic cookie (99.130.83.99) that starts the options.
const MAGIC: u32 = 0x6382_5363;
/// Where the client hardware address, the server name, the file name and
/// the cookie start.
const CHADDR: usize = 28;
const SNAME: usize = 44;
const FILE_AT: usize = 108;
const COOKIE_AT: usize = 236;

/// The protocol's short name in Wireshark, as its notes on a cut or
/// malformed packet say it.
const LAYER: &str = "DHCP/BOOTP";

/// UDP ports Wireshark gives to DHCP/BOOTP (server and client).
pub fn is_dhcp_port(port: u16) -> bool {
    matches!(port, 67 | 68)
}

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("dhcp", "BOOTP");
    // Wireshark's notes name the protocol by its short name, whatever the
    // Protocol column says.
    cx.layer = LAYER;
    let root = cx.tree().open(&DHCP, b.range(0, b.len()), Value::None);
    let op = b.u8(0)?;
    let htype = b.u8(1)?;
    let hlen = b.u8(2)?;
    // The Info column is written before the fields are read, as Wireshark
    // does, so a packet cut short still says what it is; a request's names
    // its client's address, which must be there.
    match op {
        1 if htype == 1 && hlen == 6 => {
            let mut mac = String::new();
            crate::field::ether(&b.array::<6>(CHADDR)?, &mut mac);
            let _ = write!(cx.out.cols.info(), "Boot Request from {mac} ({mac})");
        }
        1 => cx.out.cols.info().push_str("Boot Request"),
        2 => cx.out.cols.info().push_str("Boot Reply"),
        _ => cx.out.cols.info().push_str("Unknown BOOTP message type"),
    }
    cx.uint(&TYPE, &b, 0)?;
    cx.uint(&HW_TYPE, &b, 1)?;
    cx.uint(&HW_LEN, &b, 2)?;
    cx.uint(&HOPS, &b, 3)?;
    let xid = cx.uint(&ID, &b, 4)?;
    cx.uint(&SECS, &b, 8)?;
    let (fid, flags) = cx.uint_open(&FLAGS, &b, 10)?;
    let t = cx.tree();
    let bc = if flags & 0x8000 != 0 { "Broadcast" } else { "Unicast" };
    t.set_text(fid, format_args!("Bootp flags: 0x{flags:04x} ({bc})"));
    t.add(&FLAGS_BC, b.range(10, 2), Value::Bool(flags & 0x8000 != 0));
    t.add(&FLAGS_RESERVED, b.range(10, 2), Value::UInt(flags & 0x7fff));
    t.close();
    cx.ipv4(&IP_CLIENT, &b, 12)?;
    cx.ipv4(&IP_YOUR, &b, 16)?;
    cx.ipv4(&IP_SERVER, &b, 20)?;
    cx.ipv4(&IP_RELAY, &b, 24)?;
    hardware_address(cx, &b, htype, hlen)?;
    name_field(cx, &b, &SERVER, SNAME, 64, "Server host name not given")?;
    name_field(cx, &b, &FILE, FILE_AT, 128, "Boot file name not given")?;
    let cookie = b.array::<4>(COOKIE_AT)?;
    let id = cx.tree().add(&COOKIE, b.range(COOKIE_AT, 4), Value::Ipv4(cookie.into()));
    if u32::from_be_bytes(cookie) == MAGIC {
        cx.tree().set_text(id, "Magic cookie: DHCP");
        if let Some(kind) = options::dissect(cx, &b, COOKIE_AT + 4)? {
            cx.enter_again("DHCP");
            cx.layer = LAYER;
            let _ = write!(cx.out.cols.info(), "DHCP {kind:<8} - Transaction ID 0x{xid:x}");
            cx.tree().set_text(root, format_args!("Dynamic Host Configuration Protocol ({kind})"));
        }
    }
    cx.tree().close();
    Ok(())
}

/// The client hardware address: an Ethernet address when the header says
/// so, else its bytes; the rest of the 16-byte field is padding.
fn hardware_address(cx: &mut Ctx, b: &Buf, htype: u8, hlen: u8) -> DResult<()> {
    let hlen = (hlen as usize).min(16);
    if htype == 1 && hlen == 6 {
        cx.ether(&HW_MAC_ADDR, b, CHADDR)?;
    } else if hlen > 0 {
        b.bytes(CHADDR, hlen)?;
        cx.tree().add(&HW_ADDR, b.range(CHADDR, hlen), Value::None);
    }
    if hlen < 16 {
        b.bytes(CHADDR + hlen, 16 - hlen)?;
        cx.tree().add(&HW_ADDR_PADDING, b.range(CHADDR + hlen, 16 - hlen), Value::None);
    }
    Ok(())
}

/// The server name and file name: NUL-terminated text in a fixed field,
/// or Wireshark's "not given" when it starts with a NUL.
fn name_field(cx: &mut Ctx, b: &Buf, f: Field, off: usize, len: usize, none: &str) -> DResult<()> {
    let raw = b.bytes(off, len)?;
    let text = raw.split(|&c| c == 0).next().unwrap_or_default();
    let text = String::from_utf8_lossy(text);
    let id = cx.tree().add(f, b.range(off, len), Value::str(text.as_ref()));
    if text.is_empty() {
        cx.tree().set_text(id, none);
    }
    Ok(())
}
