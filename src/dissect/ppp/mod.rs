//! PPP (RFC 1661): the frames of the PPP link types (with or without the
//! HDLC-like address and control bytes, RFC 1662) and of PPPoE sessions, the
//! protocol number that names what follows, and the protocols PPP itself
//! carries: the link and network control protocols (`cp.rs`) and PAP and
//! CHAP (`auth.rs`). PPPoE is in `pppoe.rs`.

pub mod auth;
pub mod cp;
pub mod pppoe;
mod protocols;
#[cfg(test)]
mod tests;

use std::fmt::Write;

use crate::field::tree::NodeId;
use crate::field::{Base, Field, FieldDef, FieldType, Value};

use crate::dissect::net::{ipv4, ipv6};
use crate::dissect::{call, dispatch, Buf, Ctx, DResult};

pub static PPP: FieldDef = FieldDef::new("ppp", "Point-to-Point Protocol", FieldType::Protocol)
    .desc("PPP (RFC 1661): carries network-layer datagrams over a point-to-point link");
pub static ADDRESS: FieldDef = FieldDef::new("ppp.address", "Address", FieldType::U8)
    .base(Base::Hex)
    .desc("HDLC address byte (RFC 1662): always 0xff, all stations");
pub static CONTROL: FieldDef = FieldDef::new("ppp.control", "Control", FieldType::U8)
    .base(Base::Hex)
    .desc("HDLC control byte (RFC 1662): always 0x03, an unnumbered information frame");
pub static PROTOCOL: FieldDef = FieldDef::new("ppp.protocol", "Protocol", FieldType::U16)
    .base(Base::Hex)
    .strings(PROTOCOLS)
    .desc("What the frame carries (RFC 1661 section 2): a network protocol, or one of PPP's own control protocols");

pub static FIELDS: &[Field] = &[&PPP, &ADDRESS, &CONTROL, &PROTOCOL];

pub use protocols::PROTOCOLS;

pub const IPV4: u16 = 0x0021;
pub const IPV6: u16 = 0x0057;
pub const LCP: u16 = 0xc021;
pub const PAP: u16 = 0xc023;
pub const CHAP: u16 = 0xc223;
pub const IPCP: u16 = 0x8021;
pub const IPV6CP: u16 = 0x8057;

const HDLC_ADDRESS: u8 = 0xff;
const HDLC_CONTROL: u8 = 0x03;

/// A frame of the PPP link types (LINKTYPE_PPP, LINKTYPE_PPP_HDLC): the
/// address and control bytes when the frame starts with them (a peer that
/// negotiated their compression leaves them out), then the protocol. The
/// link has no addresses, so the address columns say N/A, as Wireshark's.
pub fn dissect_link(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.out.cols.set_addrs("N/A", "N/A");
    let framed = b.len() >= 2 && b.u8(0)? == HDLC_ADDRESS && b.u8(1)? == HDLC_CONTROL;
    let root = start(cx, &b)?;
    let at = if framed {
        cx.uint(&ADDRESS, &b, 0)?;
        cx.uint(&CONTROL, &b, 1)?;
        2
    } else {
        0
    };
    protocol_and_payload(cx, b, root, at)
}

/// The PPP frame inside a PPPoE session: no address and control bytes.
pub fn dissect_session(cx: &mut Ctx, b: Buf) -> DResult<()> {
    let root = start(cx, &b)?;
    protocol_and_payload(cx, b, root, 0)
}

fn start(cx: &mut Ctx, b: &Buf) -> DResult<NodeId> {
    cx.enter("ppp", "PPP");
    if b.is_empty() {
        return Err(crate::dissect::DissectError::Malformed);
    }
    Ok(cx.tree().open(&PPP, b.range(0, b.len()), Value::None))
}

/// The protocol field at `at` (one byte when its low bit says the peer
/// compressed it, RFC 1661 section 6.5), then what it names.
fn protocol_and_payload(cx: &mut Ctx, b: Buf, root: NodeId, at: usize) -> DResult<()> {
    let first = b.u8(at)?;
    let (proto, width) = if first & 1 == 1 { (first as u16, 1) } else { (b.u16(at)?, 2) };
    let id = cx.tree().add(&PROTOCOL, b.range(at, width), Value::UInt(proto as u64));
    if width == 1 {
        let name = PROTOCOL.value_string(proto as u64).unwrap_or("Unknown");
        cx.tree().set_text(id, format_args!("Protocol: {name} (0x{proto:02x})"));
    }
    // The PPP item covers only its own header, as Wireshark's does.
    cx.tree().set_len(root, at + width);
    cx.tree().close();
    let payload = b.from(at + width)?;
    payload_of(cx, proto, payload);
    Ok(())
}

/// Dissects what PPP protocol number `proto` names.
pub fn payload_of(cx: &mut Ctx, proto: u16, b: Buf) {
    match proto {
        IPV4 => call(cx, b, ipv4::dissect),
        IPV6 => call(cx, b, ipv6::dissect),
        LCP => call(cx, b, cp::dissect_lcp),
        IPCP => call(cx, b, cp::dissect_ipcp),
        IPV6CP => call(cx, b, cp::dissect_ipv6cp),
        PAP => call(cx, b, auth::dissect_pap),
        CHAP => call(cx, b, auth::dissect_chap),
        _ => {
            // Wireshark names a protocol it has no dissector for by its
            // number in the Protocol column and its name in Info.
            let name = PROTOCOL.value_string(proto as u64).unwrap_or("Unknown");
            cx.out.cols.protocol = format!("0x{proto:04x}");
            let info = cx.out.cols.info();
            info.clear();
            let _ = write!(info, "PPP {name} (0x{proto:04x})");
            dispatch::data(cx, b)
        }
    }
}
