//! The index's records, packed (see `crate::store::packed`): about 9 bytes a
//! packet instead of 40. A packet's bytes usually start right after the
//! previous packet's, its lengths are equal or close, and its timestamp is
//! close to the previous one's.

use super::reader::CustomBlock;
use super::Record;
use crate::field::Timestamp;
use crate::store::packed::Pack;
use crate::store::varint::{get, get_delta, get_i64, get_u32, put, put_delta, put_i64};

impl Pack for Record {
    /// The record before, in the block.
    type Carry = Record;
    type Shared = ();
    /// Read by position only.
    type Key = ();

    fn key(&self) {}

    fn pack(&self, prev: &mut Record, _: &mut (), out: &mut Vec<u8>) {
        let after_prev = prev.offset.wrapping_add(prev.caplen as u64);
        put_i64(out, self.offset.wrapping_sub(after_prev) as i64);
        put(out, self.caplen as u64);
        put_delta(out, self.origlen, self.caplen);
        put_i64(out, self.ts.secs.wrapping_sub(prev.ts.secs));
        put_delta(out, self.ts.nanos, prev.ts.nanos);
        // The interface with flags as its low bits: its number within the
        // section differs (a later pcapng section), a custom block, no time.
        // The section's number and a custom block's number and copy flag follow.
        let local = self.section_iface != self.iface;
        put(out, (self.iface as u64) << 3 | (local as u64) << 2 | (self.custom.is_some() as u64) << 1 | self.no_ts as u64);
        if local {
            put(out, self.section_iface as u64);
        }
        if let Some(c) = self.custom {
            put(out, (c.pen as u64) << 1 | c.copy as u64);
            put(out, c.section as u64);
        }
        *prev = *self;
    }

    fn unpack(prev: &mut Record, _: &(), rd: &mut &[u8]) -> Option<Record> {
        let offset = prev.offset.wrapping_add(prev.caplen as u64).wrapping_add(get_i64(rd)? as u64);
        let caplen = get_u32(rd)?;
        let origlen = get_delta(rd, caplen)?;
        let secs = prev.ts.secs.wrapping_add(get_i64(rd)?);
        let nanos = get_delta(rd, prev.ts.nanos)?;
        let iface = get(rd)?;
        let section_iface = match iface & 4 {
            0 => u32::try_from(iface >> 3).ok()?,
            _ => u32::try_from(get(rd)?).ok()?,
        };
        let custom = match iface & 2 {
            0 => None,
            _ => {
                let c = get(rd)?;
                Some(CustomBlock { pen: u32::try_from(c >> 1).ok()?, copy: c & 1 == 1, section: get_u32(rd)? })
            }
        };
        let (no_ts, iface) = (iface & 1 == 1, u32::try_from(iface >> 3).ok()?);
        *prev = Record { offset, caplen, origlen, ts: Timestamp { secs, nanos }, iface, section_iface, no_ts, custom };
        Some(*prev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::packed::Packed;

    #[test]
    fn records_read_back_whatever_their_values() {
        let ts = |secs, nanos| Timestamp { secs, nanos };
        let recs = [
            Record { offset: 24, caplen: 74, origlen: 74, ts: ts(1_700_000_000, 999_999_999), iface: 0, section_iface: 0, no_ts: false, custom: None },
            Record { offset: 114, caplen: 66, origlen: 1514, ts: ts(1_700_000_001, 3), iface: 2, section_iface: 0, no_ts: true, custom: None },
            Record { offset: 10, caplen: 0, origlen: 0, ts: ts(-5, u32::MAX), iface: u32::MAX, section_iface: 0, no_ts: true, custom: Some(CustomBlock { pen: u32::MAX, copy: false, section: 7 }) },
            Record { offset: u64::MAX, caplen: u32::MAX, origlen: 0, ts: ts(i64::MIN, 0), iface: 1, section_iface: 1, no_ts: false, custom: None },
            Record { offset: 0, caplen: 1, origlen: u32::MAX, ts: ts(i64::MAX, 7), iface: 0, section_iface: 0, no_ts: false, custom: None },
        ];
        let mut p = Packed::default();
        for r in recs.iter().cycle().take(40) {
            p.push(r);
        }
        let back: Vec<Record> = p.iter().collect();
        assert_eq!(back, recs.iter().cycle().take(40).copied().collect::<Vec<_>>());
        // A run of back-to-back packets costs a few bytes each.
        let mut q = Packed::default();
        let mut r = Record { offset: 24, caplen: 66, origlen: 66, ts: ts(1_700_000_000, 0), iface: 0, section_iface: 0, no_ts: false, custom: None };
        for _ in 0..1000 {
            q.push(&r);
            r.offset += 16 + 66;
            r.ts.nanos += 20_000;
        }
        assert!(q.bytes_len() < 10 * 1000, "{} bytes", q.bytes_len());
    }
}
