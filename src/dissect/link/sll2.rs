//! Linux "cooked" captures, v2 (LINKTYPE_LINUX_SLL2, 276): the protocol
//! comes first and the interface index is added. Fields are `sll.`'s.
//!
//! ```text
//! 0 protocol(2)  2 reserved(2)  4 ifindex(4)  8 ARPHRD type(2)
//! 10 packet type(1)  11 addr len(1)  12 addr(8)
//! ```

use crate::field::Value;

use super::sll::{self, HALEN, HATYPE, IFINDEX, PKTTYPE, SLL};
use crate::dissect::{Buf, Ctx, DResult};

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("sll", "SLL");
    let root = cx.tree().open(&SLL, b.range(0, 20.min(b.len())), Value::None);
    cx.tree().set_text(root, "Linux cooked capture v2");
    let hatype = b.u16(8)?;
    let proto = sll::protocol_item(cx, b, 0, hatype)?;
    cx.uint(&IFINDEX, &b, 4)?;
    cx.uint(&HATYPE, &b, 8)?;
    // v1's fields, whose type says two bytes, in one byte each here.
    let pkttype = b.u8(10)?;
    cx.tree().add(&PKTTYPE, b.range(10, 1), Value::UInt(pkttype as u64));
    let halen = b.u8(11)?;
    cx.tree().add(&HALEN, b.range(11, 1), Value::UInt(halen as u64));
    cx.out.cols.info().push_str(&sll::pkttype_name(pkttype as u16));
    sll::address(cx, b, 12, halen as usize)?;
    let body = b.from(20)?;
    sll::payload(cx, b, hatype, proto, body);
    Ok(())
}
#[cfg(test)]
mod tests {
    use crate::dissect::testutil::{field, run};

    #[test]
    fn fields_of_v2() {
        let mut f = vec![8, 0, 0, 0, 0, 0, 0, 3, 0, 1, 4, 6, 1, 2, 3, 4, 5, 6, 0, 0];
        f.extend_from_slice(&[0x45, 0, 0, 20, 0, 1, 0, 0, 64, 253, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        let d = run(276, &f);
        assert_eq!(d.protocols, "sll:ethertype:ip");
        assert_eq!(field(&d, &f, "sll.ifindex"), "3");
        assert_eq!(field(&d, &f, "sll.pkttype"), "4");
        assert_eq!(field(&d, &f, "sll.hatype"), "1");
        assert_eq!(field(&d, &f, "sll.halen"), "6");
        assert_eq!(field(&d, &f, "sll.src.eth"), "01:02:03:04:05:06");
        assert_eq!(field(&d, &f, "sll.etype"), "0x0800");
        assert_eq!(run(276, &f[..7]).protocols, "sll");
    }
}
