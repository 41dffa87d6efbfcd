//! BSD loopback: LINKTYPE_NULL (0), whose 4-byte address family is in the
//! capturing host's byte order, and LINKTYPE_LOOP (108), in network order.

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use crate::dissect::numbers::ethertype;
use crate::dissect::{dispatch, net::ipv4, net::ipv6, Buf, Ctx, DResult};

pub static NULL: FieldDef = FieldDef::new("null", "Null/Loopback", FieldType::Protocol)
    .desc("BSD loopback header: the address family of the packet in 4 bytes.");
pub static FAMILY: FieldDef =
    FieldDef::new("null.family", "Family", FieldType::U32).strings(FAMILIES)
        .desc("Address family of the payload, such as 2 for IPv4 (byte order of the capturing host).");
pub static TYPE: FieldDef = FieldDef::new("null.type", "Type", FieldType::U16)
    .base(Base::Hex)
    .strings(super::eth::ETHERTYPES).desc("EtherType-like type of the payload in old loopback headers.");

pub static FIELDS: &[Field] = &[&NULL, &FAMILY, &TYPE];

/// BSD `AF_` values as Wireshark names them; IPv6 has three numbers
/// because the BSDs never agreed on one.
static FAMILIES: &[(u64, &str)] = &[
    (2, "IP"),
    (7, "OSI"),
    (16, "Appletalk"),
    (23, "Netware IPX/SPX"),
    (24, "IPv6"),
    (28, "IPv6"),
    (30, "IPv6"),
];

/// LINKTYPE_NULL: the family was written in the capturing host's order,
/// which the file does not record. A value with bits in the upper half
/// cannot be a family in host order, so it is byte-swapped.
pub fn dissect_null(cx: &mut Ctx, b: Buf) -> DResult<()> {
    open(cx, b);
    let raw = b.u32_le(0)?;
    let v = if raw & 0xffff_0000 != 0 { raw.swap_bytes() } else { raw };
    body(cx, b, v, true)
}

/// LINKTYPE_LOOP (OpenBSD): the family is always in network order.
pub fn dissect_loop(cx: &mut Ctx, b: Buf) -> DResult<()> {
    open(cx, b);
    let v = b.u32(0)?;
    body(cx, b, v, false)
}

fn open(cx: &mut Ctx, b: Buf) {
    cx.enter("null", "N/A");
    cx.out.cols.info().push_str("Null/Loopback");
    cx.out.cols.set_addrs("N/A", "N/A");
    cx.tree().open(&NULL, b.range(0, 4.min(b.len())), Value::None);
}

fn body(cx: &mut Ctx, b: Buf, v: u32, may_be_type: bool) -> DResult<()> {
    let payload = b.from(4)?;
    // Some systems put an EtherType in a NULL header instead of a family;
    // no family value is that large.
    if may_be_type && v > u32::from(ethertype::MAX_LENGTH) {
        cx.tree().add(&TYPE, b.range(0, 4), Value::UInt(v as u64 & 0xffff));
        cx.tree().close();
        dispatch::ethertype(cx, v as u16, payload);
        return Ok(());
    }
    cx.tree().add(&FAMILY, b.range(0, 4), Value::UInt(v as u64));
    cx.tree().close();
    match v {
        2 => crate::dissect::call(cx, payload, ipv4::dissect),
        24 | 28 | 30 => crate::dissect::call(cx, payload, ipv6::dissect),
        _ => dispatch::data(cx, payload),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::dissect::testutil::run;

    const V4: [u8; 20] = [
        0x45, 0, 0, 20, 0, 1, 0, 0, 64, 253, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
    ];

    #[test]
    fn family_in_either_byte_order() {
        for hdr in [[2u8, 0, 0, 0], [0, 0, 0, 2]] {
            let mut f = hdr.to_vec();
            f.extend_from_slice(&V4);
            let d = run(0, &f);
            assert_eq!(d.protocols, "null:ip");
            assert_eq!(crate::dissect::testutil::field(&d, &f, "null.family"), "2");
        }
        let mut f = vec![0, 0, 0, 30];
        f.extend_from_slice(&[0x60, 0, 0, 0, 0, 0, 59, 64]);
        f.extend_from_slice(&[0; 32]);
        let d = run(0, &f);
        assert_eq!(d.protocols, "null:ipv6");
    }

    #[test]
    fn loop_is_network_order() {
        let mut f = vec![0, 0, 0, 2];
        f.extend_from_slice(&V4);
        let d = run(108, &f);
        assert_eq!(d.protocols, "null:ip");
    }

    #[test]
    fn short_header_is_malformed() {
        let d = run(0, &[2, 0]);
        assert!(d.malformed);
        assert_eq!(d.protocols, "null");
    }
}
