//! Raw IP link types: LINKTYPE_RAW (101, and the old DLT values 12 and 14),
//! whose version nibble says IPv4 or IPv6, and LINKTYPE_IPV4 / IPV6
//! (228 / 229), which are one or the other without a `raw` layer.

use crate::field::{Field, FieldDef, FieldType, Value};

use crate::dissect::{call, net::ipv4, net::ipv6, Buf, Ctx, DResult};

pub static RAW: FieldDef = FieldDef::new("raw", "Raw packet data", FieldType::Protocol)
    .desc("A packet captured without link-layer header; it starts with the IP header.");

pub static FIELDS: &[Field] = &[&RAW];

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("raw", "N/A");
    cx.out.cols.info().push_str("Raw packet data");
    cx.out.cols.set_addrs("N/A", "N/A");
    cx.tree().add(&RAW, b.range(0, 0), Value::None);
    if b.is_empty() {
        return Ok(());
    }
    match b.u8(0)? >> 4 {
        4 => call(cx, b, ipv4::dissect),
        6 => call(cx, b, ipv6::dissect),
        // Wireshark's raw dissector has nothing else to try.
        _ => return Err(crate::dissect::DissectError::Malformed),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::dissect::testutil::{field, run};

    #[test]
    fn version_nibble_picks_the_protocol() {
        let v4 = [0x45u8, 0, 0, 20, 0, 1, 0, 0, 64, 253, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
        for lt in [101, 12, 14] {
            let d = run(lt, &v4);
            assert_eq!(d.protocols, "raw:ip");
            assert_eq!(field(&d, &v4, "ip.dst"), "10.0.0.2");
        }
        assert_eq!(run(228, &v4).protocols, "ip");
        let mut v6 = vec![0x60u8, 0, 0, 0, 0, 0, 59, 64];
        v6.extend_from_slice(&[0; 32]);
        assert_eq!(run(101, &v6).protocols, "raw:ipv6");
        assert_eq!(run(229, &v6).protocols, "ipv6");
        let junk = [0x12u8, 0x34];
        let d = run(101, &junk);
        assert_eq!(d.protocols, "raw");
        assert_eq!(d.cols.info, "Raw packet data[Malformed Packet]");
    }
}
