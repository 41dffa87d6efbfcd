//! The whole headless pipeline: a capture (a whole file, or a link type and
//! a list of packets made into a pcap) through `-2 -V -x` with statistics,
//! and the inspector's brief records checked against the dissections.
//!
//! Input: a capture file as is, or one byte choosing the link type
//! (`LINK_TYPES`) then packets, each a big-endian u16 length and its bytes
//! (the last one takes what is left).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens_fuzz::{capture_of, check_briefs, load, store, tls_keys, two_pass};

fuzz_target!(|data: &[u8]| {
    tls_keys();
    let Some(bytes) = capture_of(data) else { return };
    let Some(store) = store(bytes) else { return };
    two_pass(&store);
    check_briefs(&mut load(&store));
});
