//! The first-pass records of a capture's TCP segments, packed (see
//! `store::packed`): about 20 bytes a segment instead of 80. Only the
//! newest record is still changed after it is made (its application calls,
//! while its frame is dissected), so it stays unpacked until the next comes;
//! `reassembled_in`, which a later frame sets, is kept aside.

use super::frame_rec::FrameRec;
use super::{App, AppCall, Calls};
use crate::store::packed::{Pack, Packed};
use crate::dissect::conv::HashMap;
use crate::store::varint::{get, get_delta, get_i64, get_u32, put, put_delta, put_i64, unzigzag, zigzag};

#[derive(Default)]
pub struct FrameStore {
    packed: Packed<FrameRec>,
    /// The newest record, not yet packed.
    last: Option<FrameRec>,
    reassembled_in: HashMap<u32, u32>,
}

impl FrameStore {
    pub fn push(&mut self, rec: FrameRec) {
        if let Some(old) = self.last.replace(rec) {
            self.packed.push(&old);
        }
    }

    /// The record being made: the newest one.
    pub fn current(&mut self) -> Option<&mut FrameRec> {
        self.last.as_mut()
    }

    pub fn set_reassembled_in(&mut self, frame: u32, in_frame: u32) {
        if self.get(frame).is_some() {
            self.reassembled_in.insert(frame, in_frame);
        }
    }

    /// The record of `frame`, if it has one.
    pub fn get(&self, frame: u32) -> Option<FrameRec> {
        let mut rec = match &self.last {
            Some(r) if r.frame == frame => r.clone(),
            _ => self.packed.find(&frame)?.1,
        };
        rec.reassembled_in = self.reassembled_in.get(&frame).copied().unwrap_or(0);
        Some(rec)
    }
}

/// What a record is packed against: the one before it in its block.
#[derive(Clone, Copy, Default)]
pub struct Prev {
    frame: u32,
    stream: u32,
}

/// The calls of the rare frames that made more than one.
#[derive(Default)]
pub struct Tables {
    many: Vec<Vec<AppCall>>,
}

/// `FrameRec::bits` leaves this bit free; the packing keeps `partial` in it.
const PARTIAL: u8 = 0x80;

impl Pack for FrameRec {
    type Carry = Prev;
    type Shared = Tables;
    type Key = u32;

    fn key(&self) -> u32 {
        self.frame
    }

    fn pack(&self, prev: &mut Prev, t: &mut Tables, out: &mut Vec<u8>) {
        let r = self;
        // Frames only grow, but a damaged order must not panic: it wraps.
        put(out, r.frame.wrapping_sub(prev.frame) as u64);
        put_delta(out, r.stream, prev.stream);
        put_i64(out, r.time_delta);
        put(out, r.analysis as u64);
        put(out, if r.acks_frame == 0 { 0 } else { zigzag(r.frame as i64 - r.acks_frame as i64) + 1 });
        put_i64(out, r.ack_rtt);
        put(out, r.bytes_in_flight as u64);
        put(out, r.push_bytes as u64);
        put(out, r.rare as u64);
        out.push(r.shift as u8);
        out.push(r.bits | if r.partial { PARTIAL } else { 0 });
        put(out, r.app.map_or(0, App::packed));
        match &r.calls {
            Calls::None => put(out, 0),
            Calls::One(AppCall::Data) => put(out, 1),
            Calls::One(AppCall::Payload { off, len }) => {
                put(out, 2);
                put(out, *off as u64);
                put(out, *len as u64);
            }
            Calls::One(AppCall::Reassembled(id)) => {
                put(out, 3);
                put(out, *id as u64);
            }
            Calls::Many(calls) => {
                put(out, 4);
                put(out, t.many.len() as u64);
                t.many.push(calls.to_vec());
            }
        }
        *prev = Prev { frame: r.frame, stream: r.stream };
    }

    fn unpack(prev: &mut Prev, t: &Tables, rd: &mut &[u8]) -> Option<FrameRec> {
        let frame = prev.frame.wrapping_add(get_u32(rd)?);
        let stream = get_delta(rd, prev.stream)?;
        let time_delta = get_i64(rd)?;
        let analysis = get_u32(rd)?;
        let acks_frame = match get(rd)? {
            0 => 0,
            d => u32::try_from(frame as i64 - unzigzag(d - 1)).ok()?,
        };
        let ack_rtt = get_i64(rd)?;
        let bytes_in_flight = get_u32(rd)?;
        let push_bytes = get_u32(rd)?;
        let rare = get_u32(rd)?;
        let (&shift, rest) = rd.split_first()?;
        let (&bits, rest) = rest.split_first()?;
        *rd = rest;
        let app = match get(rd)? {
            0 => None,
            n => Some(App::unpacked(n)?),
        };
        let calls = match get(rd)? {
            0 => Calls::None,
            1 => Calls::One(AppCall::Data),
            2 => Calls::One(AppCall::Payload { off: get_u32(rd)?, len: get_u32(rd)? }),
            3 => Calls::One(AppCall::Reassembled(get_u32(rd)?)),
            _ => Calls::Many(Box::new(t.many.get(get_u32(rd)? as usize)?.clone())),
        };
        *prev = Prev { frame, stream };
        Some(FrameRec {
            frame,
            stream,
            time_delta,
            analysis,
            acks_frame,
            ack_rtt,
            bytes_in_flight,
            push_bytes,
            rare,
            reassembled_in: 0,
            shift: shift as i8,
            bits: bits & !PARTIAL,
            partial: bits & PARTIAL != 0,
            app,
            calls,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(i: u32, x: &mut u64) -> FrameRec {
        let mut next = || {
            *x ^= *x << 13;
            *x ^= *x >> 7;
            *x ^= *x << 17;
            *x
        };
        let calls = match next() % 5 {
            0 => Calls::None,
            1 => Calls::One(AppCall::Data),
            2 => Calls::One(AppCall::Payload { off: next() as u32, len: 7 }),
            3 => Calls::One(AppCall::Reassembled(next() as u32 % 100)),
            _ => Calls::Many(Box::new(vec![AppCall::Data, AppCall::Reassembled(3)])),
        };
        FrameRec {
            frame: 3 * i + (next() % 3) as u32 + 1,
            stream: (next() % 40) as u32,
            time_delta: next() as i64,
            analysis: next() as u32 & 0x1234,
            acks_frame: if i.is_multiple_of(3) { 0 } else { (next() % 5000) as u32 },
            ack_rtt: -(next() as i64 % 1000),
            bytes_in_flight: next() as u32,
            push_bytes: (next() % 100) as u32,
            rare: (next() % 3) as u32,
            reassembled_in: 0,
            shift: (next() % 20) as i8 - 5,
            bits: (next() % 32) as u8,
            partial: next() % 2 == 0,
            app: [None, Some(App::Dns), Some(App::Http)][(next() % 3) as usize],
            calls,
        }
    }

    #[test]
    fn every_record_reads_back_as_it_was_made() {
        let mut x = 0x9e37_79b9_7f4a_7c15;
        let recs: Vec<FrameRec> = (0..200).map(|i| rec(i, &mut x)).collect();
        let mut store = FrameStore::default();
        for r in &recs {
            store.push(r.clone());
        }
        assert_eq!(store.packed.len(), 199, "the newest stays unpacked");
        for r in &recs {
            assert_eq!(format!("{:?}", store.get(r.frame).unwrap()), format!("{r:?}"));
        }
        let frames: Vec<u32> = recs.iter().map(|r| r.frame).collect();
        for f in 0..700 {
            assert_eq!(store.get(f).is_some(), frames.contains(&f), "frame {f}");
        }
    }

    #[test]
    fn the_newest_record_changes_and_later_frames_mark_earlier_ones() {
        let mut x = 7;
        let mut store = FrameStore::default();
        let (a, b) = (rec(0, &mut x), rec(1, &mut x));
        store.push(a.clone());
        store.current().unwrap().partial = !a.partial;
        store.push(b.clone());
        store.set_reassembled_in(a.frame, b.frame);
        store.set_reassembled_in(b.frame + 1, b.frame);
        let got = store.get(a.frame).unwrap();
        assert_eq!((got.partial, got.reassembled_in), (!a.partial, b.frame));
        assert_eq!(store.get(b.frame).unwrap().reassembled_in, 0);
        assert_eq!(store.reassembled_in.len(), 1, "a frame without a record gets none");
    }
}
