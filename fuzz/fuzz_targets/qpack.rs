//! QPACK's decoder (RFC 9204) on any bytes: the first byte says where the
//! encoder stream's bytes end and a field section begins; the stream is fed
//! in two pieces (an instruction may be split across STREAM frames), its
//! instructions are also read one by one as the tree shows them, and the
//! section is decoded against the table it filled. The pipeline target
//! cannot reach QPACK: only a key log opens the 1-RTT packets that carry it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::dissect::quic::qpack::{decode, instruction, Table};

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else { return };
    let cut = usize::from(split) * rest.len() / 255;
    let (stream, section) = rest.split_at(cut);
    let mut t = Table::default();
    t.max_capacity = Some(u64::from(split) * 64);
    let half = stream.len() / 2;
    t.feed(0, &stream[..half]);
    let fed = t.feed(half as u64, &stream[half..]);
    assert!(fed.total >= fed.inserted);
    let mut at = 0;
    while let Ok(i) = instruction(stream, at) {
        assert!(i.range.start == at && i.range.end > at && i.range.end <= stream.len());
        at = i.range.end;
    }
    let _ = decode(section, &t);
});
