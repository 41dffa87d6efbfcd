//! TCP application reassembly: the fuzzer's bytes are the segments of one
//! HTTP, SMTP, DNS-over-TCP, FTP, TLS, SSH, POP or IMAP conversation on the protocol's port, with
//! correct sequence numbers, in Ethernet/IPv4/TCP, both directions,
//! dissected in order in two passes (and loaded as the inspector loads).
//!
//! Input: one byte choosing the application (0 HTTP, 1 SMTP, 2 DNS, 3 FTP,
//! 4 TLS, 5 SSH, 6 POP, 7 IMAP), then
//! segments, each a byte whose low bit is the direction (1: from the
//! server), a big-endian u16 length and the payload (the last one takes
//! what is left).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens_fuzz::{check_briefs, load, pcap, store, tls_keys, two_pass};

const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const PSH: u8 = 0x08;
const FIN: u8 = 0x01;

struct Conv {
    ports: [u16; 2],
    seq: [u32; 2],
    frames: Vec<Vec<u8>>,
}

impl Conv {
    /// A segment from side `dir` (0 client, 1 server).
    fn send(&mut self, dir: usize, flags: u8, payload: &[u8]) {
        let (src, dst) = ([10, 0, 0, 1 + dir as u8], [10, 0, 0, 2 - dir as u8]);
        let mut f = vec![0, 0, 0, 0, 0, 2 - dir as u8, 0, 0, 0, 0, 0, 1 + dir as u8, 0x08, 0x00];
        let total = (20 + 20 + payload.len()) as u16;
        f.extend([0x45, 0, 0, 0]);
        f[16..18].copy_from_slice(&total.to_be_bytes());
        f.extend([0, 1, 0x40, 0, 64, 6, 0, 0]);
        f.extend(src);
        f.extend(dst);
        f.extend(self.ports[dir].to_be_bytes());
        f.extend(self.ports[1 - dir].to_be_bytes());
        f.extend(self.seq[dir].to_be_bytes());
        let ack = if flags & ACK != 0 { self.seq[1 - dir] } else { 0 };
        f.extend(ack.to_be_bytes());
        f.extend([0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        f.extend_from_slice(payload);
        let used = payload.len() as u32 + u32::from(flags & (SYN | FIN) != 0);
        self.seq[dir] = self.seq[dir].wrapping_add(used);
        self.frames.push(f);
    }
}

fuzz_target!(|data: &[u8]| {
    tls_keys();
    let Some((&app, mut rest)) = data.split_first() else { return };
    let port = [80, 25, 53, 21, 443, 22, 110, 143][app as usize % 8];
    let mut c = Conv { ports: [40_000, port], seq: [1_000, 0xffff_ff00], frames: Vec::new() };
    c.send(0, SYN, &[]);
    c.send(1, SYN | ACK, &[]);
    c.send(0, ACK, &[]);
    while !rest.is_empty() && c.frames.len() < 200 {
        let (dir, len, body) = match rest {
            [d, a, b, body @ ..] => ((d & 1) as usize, u16::from_be_bytes([*a, *b]) as usize, body),
            _ => (0, rest.len(), rest),
        };
        let (p, r) = body.split_at(len.min(body.len()).min(1460 * 8));
        c.send(dir, PSH | ACK, p);
        rest = r;
    }
    c.send(0, FIN | ACK, &[]);
    c.send(1, FIN | ACK, &[]);
    c.send(0, ACK, &[]);
    let Some(store) = store(pcap(1, c.frames.iter().map(|f| &f[..]))) else { return };
    two_pass(&store);
    check_briefs(&mut load(&store));
});
