//! The whole headless pipeline: a capture (a whole file, or a link type and
//! a list of packets made into a pcap) through `-2 -V -x` with statistics,
//! and the inspector's brief records checked against the dissections.
//!
//! Input: a capture file as is, or one byte choosing the link type
//! (`LINK_TYPES`) then packets, each a big-endian u16 length and its bytes
//! (the last one takes what is left).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens_fuzz::{check_briefs, is_capture, load, pcap, store, tls_keys, two_pass, LINK_TYPES};

fuzz_target!(|data: &[u8]| {
    tls_keys();
    let bytes = if is_capture(data) {
        data.to_vec()
    } else {
        let Some((&lt, mut rest)) = data.split_first() else { return };
        let mut packets = Vec::new();
        while !rest.is_empty() && packets.len() < 64 {
            let (len, body) = match rest {
                [a, b, body @ ..] => (u16::from_be_bytes([*a, *b]) as usize, body),
                _ => (rest.len(), rest),
            };
            let (p, r) = body.split_at(len.min(body.len()));
            packets.push(p);
            rest = r;
        }
        pcap(LINK_TYPES[lt as usize % LINK_TYPES.len()], packets)
    };
    let Some(store) = store(bytes) else { return };
    two_pass(&store);
    check_briefs(&mut load(&store));
});
