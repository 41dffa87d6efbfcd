//! Sends bounded bursts of small UDP datagrams to a port on 127.0.0.1, with
//! a receiver in the same process draining that port, for the live-capture
//! benchmark (`benches/live_capture.sh`): tcpdump and wirelens capture the
//! same bursts and the script compares what each kept.
//!
//!     cargo run --release --example udp_burst -- PORT COUNT RATE [BURST] [PAYLOAD]
//!
//! Sends COUNT datagrams (at most 10 million) of PAYLOAD bytes (default 22:
//! a 64-byte frame on `lo`, with its 14-byte Ethernet header and the IPv4 and
//! UDP headers) at RATE per second, BURST (default 500) at a time, and stops
//! after 60 seconds whatever happens.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).map(|a| a.parse().expect("numbers only")).collect();
    let [port, count, rate, ..] = args[..] else {
        eprintln!("usage: udp_burst PORT COUNT RATE [BURST] [PAYLOAD]");
        std::process::exit(2);
    };
    let burst = args.get(3).copied().unwrap_or(500).max(1);
    let payload = vec![b'x'; args.get(4).copied().unwrap_or(22) as usize];
    let count = count.min(10_000_000);
    let port = u16::try_from(port).expect("a port");

    let rx = UdpSocket::bind(("127.0.0.1", port)).expect("bind the receiver");
    rx.set_read_timeout(Some(Duration::from_millis(200))).ok();
    let drain = std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        let mut got = 0u64;
        let mut quiet = 0;
        while quiet < 10 {
            match rx.recv(&mut buf) {
                Ok(_) => {
                    got += 1;
                    quiet = 0;
                }
                Err(_) => quiet += 1,
            }
        }
        got
    });
    let tx = UdpSocket::bind("127.0.0.1:0").expect("bind the sender");
    tx.connect(("127.0.0.1", port)).expect("connect");
    let start = Instant::now();
    let deadline = start + Duration::from_secs(60);
    let mut sent = 0u64;
    while sent < count && Instant::now() < deadline {
        for _ in 0..burst.min(count - sent) {
            if tx.send(&payload).is_ok() {
                sent += 1;
            }
        }
        // Keep to RATE on average: sleep until this many datagrams are due.
        let due = start + Duration::from_secs_f64(sent as f64 / rate.max(1) as f64);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let got = drain.join().unwrap_or(0);
    println!("sent {sent} in {secs:.2} s ({:.0}/s), received {got}", sent as f64 / secs);
}
