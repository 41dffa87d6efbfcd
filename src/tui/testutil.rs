//! Synthetic captures for the TUI's unit tests: loopback-lab-like
//! Ethernet/IPv4 TCP and UDP frames, and pcap files made of them; loading
//! them as the inspector does, and reading back what a view renders.

use std::sync::Arc;

use crate::capture::StoreSource;
use crate::dissect::{dissect_frame, Dissection, FrameMeta, Pass};
use crate::dissect::session::Session;
use crate::tui::packets::Packets;

fn checksum(b: &[u8]) -> u16 {
    let mut sum = 0u32;
    for c in b.chunks(2) {
        sum += u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]) as u32;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn ip_frame(proto: u8, l4: &[u8]) -> Vec<u8> {
    let mut f = vec![0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00];
    let total = (20 + l4.len()) as u16;
    let mut ip = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, proto, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1];
    ip[2..4].copy_from_slice(&total.to_be_bytes());
    let ck = checksum(&ip);
    ip[10..12].copy_from_slice(&ck.to_be_bytes());
    f.extend_from_slice(&ip);
    f.extend_from_slice(l4);
    f
}

/// A TCP segment from 127.0.0.1:40000 to 127.0.0.1:6789 with `flags`.
pub fn tcp_frame(flags: u16, payload: &[u8]) -> Vec<u8> {
    tcp_seg(false, flags, 1, 0, payload)
}

/// A TCP segment of the 40000 ↔ 6789 connection, from the server side when
/// `from_server`, with its sequence and acknowledgment numbers.
pub fn tcp_seg(from_server: bool, flags: u16, seq: u32, ack: u32, payload: &[u8]) -> Vec<u8> {
    let mut t = vec![0x9c, 0x40, 0x1a, 0x85, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0, 0xff, 0xff, 0, 0, 0, 0];
    if from_server {
        t.swap(0, 2);
        t.swap(1, 3);
    }
    t[4..8].copy_from_slice(&seq.to_be_bytes());
    t[8..12].copy_from_slice(&ack.to_be_bytes());
    t[12..14].copy_from_slice(&((5u16 << 12) | flags).to_be_bytes());
    t.extend_from_slice(payload);
    ip_frame(6, &t)
}

/// A UDP datagram from 127.0.0.1:50000 to 127.0.0.1:12000.
pub fn udp_frame(payload: &[u8]) -> Vec<u8> {
    let mut u = vec![0xc3, 0x50, 0x2e, 0xe0, 0, 0, 0, 0];
    u[4..6].copy_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    u.extend_from_slice(payload);
    ip_frame(17, &u)
}

pub fn dissect(frame: &[u8]) -> Dissection {
    let meta = FrameMeta {
        number: 1,
        caplen: frame.len() as u32,
        origlen: frame.len() as u32,
        linktype: 1,
        ts_digits: 6,
        ..FrameMeta::default()
    };
    let mut d = Dissection::default();
    dissect_frame(&meta, frame, &mut Session::new(), Pass::First, crate::dissect::Depth::Tree, &mut d);
    d
}

/// A microsecond pcap of Ethernet `frames`, 10 ms apart from t = 1000 s.
pub fn pcap(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut v = Vec::new();
    for x in [0xa1b2c3d4u32, 0x0004_0002, 0, 0, 65535, 1] {
        v.extend_from_slice(&x.to_le_bytes());
    }
    for (i, f) in frames.iter().enumerate() {
        let usecs = i as u32 * 10_000;
        for x in [1_000 + usecs / 1_000_000, usecs % 1_000_000, f.len() as u32, f.len() as u32] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(f);
    }
    v
}

/// A small lab exchange: a TCP handshake, a request, a UDP ping, a reset.
pub fn lab_frames() -> Vec<Vec<u8>> {
    vec![
        tcp_seg(false, 0x002, 100, 0, b""),
        tcp_seg(true, 0x012, 500, 101, b""),
        tcp_seg(false, 0x010, 101, 501, b""),
        tcp_seg(false, 0x018, 101, 501, b"GET / HTTP/1.1\r\n\r\n"),
        udp_frame(b"ping 1"),
        tcp_seg(true, 0x014, 501, 119, b""),
    ]
}

/// Loads a capture file into a store as the TUI's loader would.
pub fn load(path: &std::path::Path) -> Option<Arc<Packets>> {
    let bytes = std::fs::read(path).ok()?;
    load_bytes(bytes)
}

/// Loads `sample-captures/NAME`, or says it is missing (the test then skips).
pub fn sample(name: &str) -> Option<Arc<Packets>> {
    let packets = load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures").join(name));
    if packets.is_none() {
        eprintln!("sample capture {name} missing: skipped");
    }
    packets
}

pub fn load_bytes(bytes: Vec<u8>) -> Option<Arc<Packets>> {
    let reader = crate::capture::Reader::new(Box::new(std::io::Cursor::new(bytes.clone())) as Box<dyn std::io::Read + Send>).ok()?;
    let packets = Arc::new(Packets::new(StoreSource::Memory(bytes), reader.is_pcapng()));
    let (tx, rx) = std::sync::mpsc::channel();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    crate::tui::workers::loader::spawn(reader, 0, packets.clone(), tx, stop).join().ok()?;
    drop(rx);
    Some(packets)
}

/// Feeds a view its worker's chunks from `rx` until it has them all.
pub fn settle<V>(
    v: &mut V,
    rx: &std::sync::mpsc::Receiver<crate::tui::Event>,
    progress: fn(&mut V, crate::tui::workers::session::ViewProgress),
    done: fn(&V) -> bool,
) {
    while !done(v) {
        match rx.recv_timeout(std::time::Duration::from_secs(20)) {
            Ok(crate::tui::Event::View(p)) => progress(v, p),
            Ok(_) => {}
            Err(e) => panic!("the view's worker never finished: {e}"),
        }
    }
}

/// The text of a rendered buffer, one string per row.
pub fn rows(buf: &ratatui::buffer::Buffer) -> Vec<String> {
    let a = buf.area;
    (0..a.height)
        .map(|y| (0..a.width).map(|x| buf[(a.x + x, a.y + y)].symbol().to_string()).collect::<String>())
        .collect()
}
