//! PPPoE (RFC 2516): PPP over Ethernet. Discovery (EtherType 0x8863) finds
//! an access concentrator and opens a session with tagged messages (PADI,
//! PADO, PADR, PADS, PADT); session frames (0x8864) then carry PPP. Both
//! share a six-byte header, filed by Wireshark under `pppoe.*`.

use std::fmt::Write;

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use crate::dissect::{Buf, Ctx, DResult, DissectError};

pub static PPPOED: FieldDef = FieldDef::new("pppoed", "PPP-over-Ethernet Discovery", FieldType::Protocol)
    .desc("PPPoE discovery (RFC 2516 section 5): finds an access concentrator and opens or ends a session");
pub static PPPOES: FieldDef = FieldDef::new("pppoes", "PPP-over-Ethernet Session", FieldType::Protocol)
    .desc("A PPPoE session frame (RFC 2516 section 6): carries one PPP frame");
pub static VERSION: FieldDef = FieldDef::new("pppoe.version", "Version", FieldType::U8)
    .mask(0xf0)
    .desc("PPPoE version, 1 (RFC 2516 section 4)");
pub static TYPE: FieldDef = FieldDef::new("pppoe.type", "Type", FieldType::U8)
    .mask(0x0f)
    .desc("PPPoE type, 1 (RFC 2516 section 4)");
pub static CODE: FieldDef = FieldDef::new("pppoe.code", "Code", FieldType::U8)
    .base(Base::Hex)
    .strings(CODES)
    .desc("The discovery message (PADI, PADO, PADR, PADS, PADT), or 0 for session data");
pub static SESSION_ID: FieldDef = FieldDef::new("pppoe.session_id", "Session ID", FieldType::U16)
    .base(Base::Hex)
    .desc("The session the concentrator assigned in its PADS; 0 before there is one");
pub static PAYLOAD_LENGTH: FieldDef = FieldDef::new("pppoe.payload_length", "Payload Length", FieldType::U16)
    .desc("Bytes after the PPPoE header: the tags, or the PPP frame");
pub static TAGS: FieldDef = FieldDef::new("pppoed.tags", "PPPoE Tags", FieldType::None)
    .desc("The discovery message's tags (RFC 2516 appendix A)");
pub static SERVICE_NAME: FieldDef = FieldDef::new("pppoed.tags.service_name", "Service-Name", FieldType::String)
    .desc("The service asked for or offered; empty means any");
pub static AC_NAME: FieldDef = FieldDef::new("pppoed.tags.ac_name", "AC-Name", FieldType::String)
    .desc("The access concentrator's name");
pub static HOST_UNIQ: FieldDef = FieldDef::new("pppoed.tags.host_uniq", "Host-Uniq", FieldType::Bytes)
    .desc("A value the host chooses to match answers to its requests; echoed unchanged");
pub static AC_COOKIE: FieldDef = FieldDef::new("pppoed.tags.ac_cookie", "AC-Cookie", FieldType::Bytes)
    .desc("A value the concentrator hands out and expects back, against denial of service");
pub static VENDOR_ID: FieldDef = FieldDef::new("pppoed.tags.vendor_id", "Vendor id", FieldType::U32)
    .desc("The IANA enterprise number of a Vendor-Specific tag");
pub static VENDOR_DATA: FieldDef = FieldDef::new("pppoed.tags.vendor_unspecified", "Vendor unspecified", FieldType::Bytes)
    .desc("The vendor's own data in a Vendor-Specific tag");
pub static RELAY_SESSION_ID: FieldDef = FieldDef::new("pppoed.tags.relay_session_id", "Relay-Session-Id", FieldType::Bytes)
    .desc("Added by a relay agent to find the session again; echoed unchanged");
pub static MAX_PAYLOAD: FieldDef = FieldDef::new("pppoed.tags.max_payload", "PPP-Max-Payload", FieldType::Bytes)
    .desc("The largest PPP payload above 1492 bytes the host can take (RFC 4638)");
pub static SERVICE_NAME_ERROR: FieldDef =
    FieldDef::new("pppoed.tags.service_name_error", "Service-Name-Error", FieldType::String)
        .desc("The requested service cannot be provided");
pub static AC_SYSTEM_ERROR: FieldDef = FieldDef::new("pppoed.tags.ac_system_error", "AC-System-Error", FieldType::String)
    .desc("The concentrator failed while handling the request");
pub static GENERIC_ERROR: FieldDef = FieldDef::new("pppoed.tags.generic_error", "Generic-Error", FieldType::String)
    .desc("Another error, explained in text");
pub static UNKNOWN_DATA: FieldDef = FieldDef::new("pppoed.tag.unknown_data", "Unknown Data", FieldType::Bytes)
    .desc("The value of a tag Wireshark does not decode");

pub static FIELDS: &[Field] = &[
    &PPPOED, &PPPOES, &VERSION, &TYPE, &CODE, &SESSION_ID, &PAYLOAD_LENGTH, &TAGS, &SERVICE_NAME, &AC_NAME,
    &HOST_UNIQ, &AC_COOKIE, &VENDOR_ID, &VENDOR_DATA, &RELAY_SESSION_ID, &MAX_PAYLOAD, &SERVICE_NAME_ERROR,
    &AC_SYSTEM_ERROR, &GENERIC_ERROR, &UNKNOWN_DATA,
];

static CODES: &[(u64, &str)] = &[
    (0x00, "Session Data"),
    (0x07, "Active Discovery Offer (PADO)"),
    (0x09, "Active Discovery Initiation (PADI)"),
    (0x0a, "Active Discovery Session-Grant (PADG)"),
    (0x0b, "Active Discovery Session-Credit Resp.(PADC)"),
    (0x0c, "Active Discovery Quality (PADQ)"),
    (0x19, "Active Discovery Request (PADR)"),
    (0x65, "Active Discovery Session-confirmation (PADS)"),
    (0xa7, "Active Discovery Terminate (PADT)"),
    (0xd3, "Active Discovery Message (PADM)"),
    (0xd4, "Active Discovery Network (PADN)"),
];

const END_OF_LIST: u16 = 0x0000;

/// The six-byte header; returns the payload, as long as its length says
/// when the frame holds that much (the rest is Ethernet padding).
fn header<'a>(cx: &mut Ctx, b: &Buf<'a>) -> DResult<Buf<'a>> {
    cx.masked(&VERSION, b, 0)?;
    cx.masked(&TYPE, b, 0)?;
    cx.uint(&CODE, b, 1)?;
    cx.uint(&SESSION_ID, b, 2)?;
    let len = cx.uint(&PAYLOAD_LENGTH, b, 4)? as usize;
    match b.sub(6, len) {
        Ok(payload) => {
            cx.net_end = Some(b.abs(6 + len));
            Ok(payload)
        }
        // A length past the frame: Wireshark dissects what there is.
        Err(_) => b.from(6),
    }
}

pub fn dissect_discovery(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("pppoed", "PPPoED");
    // Ethernet's "Ethernet II" goes before anything is read.
    cx.out.cols.info();
    let code = b.u8(1)?;
    let name = CODE.value_string(code as u64).unwrap_or("Unknown");
    let info = cx.out.cols.info();
    info.clear();
    info.push_str(name);
    cx.tree().open(&PPPOED, b.range(0, b.len()), Value::None);
    let r = header(cx, &b).and_then(|tags| discovery_tags(cx, tags));
    cx.tree().close();
    r
}

fn discovery_tags(cx: &mut Ctx, b: Buf) -> DResult<()> {
    if b.is_empty() {
        // Tags the header counts but the capture cut off.
        return if b.reported_len() > 0 { Err(DissectError::Truncated) } else { Ok(()) };
    }
    cx.tree().open(&TAGS, b.range(0, b.len()), Value::None);
    let mut at = 0;
    while at + 4 <= b.len() {
        let tag = b.u16(at)?;
        if tag == END_OF_LIST {
            break;
        }
        let len = b.u16(at + 2)? as usize;
        let (v, r) = (at + 4, b.range(at + 4, len));
        match tag {
            0x0101 | 0x0102 | 0x0201 | 0x0202 | 0x0203 => {
                let f = match tag {
                    0x0101 => &SERVICE_NAME,
                    0x0102 => &AC_NAME,
                    0x0201 => &SERVICE_NAME_ERROR,
                    0x0202 => &AC_SYSTEM_ERROR,
                    _ => &GENERIC_ERROR,
                };
                let s = String::from_utf8_lossy(b.bytes(v, len)?).into_owned();
                if tag == 0x0102 {
                    let _ = write!(cx.out.cols.info, " AC-Name='{s}'");
                }
                cx.tree().add(f, r, Value::str(s));
            }
            0x0105 if len >= 4 => {
                cx.uint(&VENDOR_ID, &b, v)?;
                if len > 4 {
                    cx.bytes_item(&VENDOR_DATA, &b, v + 4, len - 4)?;
                }
            }
            _ => {
                let f = match tag {
                    0x0103 => &HOST_UNIQ,
                    0x0104 => &AC_COOKIE,
                    0x0110 => &RELAY_SESSION_ID,
                    0x0120 => &MAX_PAYLOAD,
                    _ => &UNKNOWN_DATA,
                };
                cx.bytes_item(f, &b, v, len)?;
            }
        }
        at = v + len;
    }
    cx.tree().close();
    Ok(())
}

pub fn dissect_session(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("pppoes", "PPPoES");
    cx.out.cols.info();
    let code = b.u8(1)?;
    cx.out.cols.info().push_str(CODE.value_string(code as u64).unwrap_or("Unknown"));
    cx.tree().open(&PPPOES, b.range(0, 6.min(b.len())), Value::None);
    let payload = header(cx, &b);
    cx.tree().close();
    super::dissect_session(cx, payload?)
}
