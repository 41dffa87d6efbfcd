//! Packets cut by the snap length, against tshark: every frame of several
//! sample captures is cut at each even length from 14 to 100 bytes (the
//! Ethernet header to well into the payload), as `tcpdump -s N` would have
//! captured it, and both tools' summary lines are compared. The cut lands
//! inside each header in turn (Ethernet, VLAN, IPv4 and its options, IPv6,
//! TCP and its options, UDP, ICMP, ARP, IGMP, DNS, NBNS, DHCP), which is
//! where Wireshark's order of reading decides the columns.
//!
//! Each remaining difference is listed with its reason in
//! `tests/snaplen-known-differences.tsv` (capture, snap length, frames,
//! reason); a listed one that no longer occurs fails too.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{known_rows, parallel_map, sample, tshark_available, tshark_output, wirelens};

const KNOWN: &str = "tests/snaplen-known-differences.tsv";

const CAPTURES: &[&str] = &[
    "tcp-upper.pcap",
    "tcp-upper-ipv6.pcap",
    "dns-udp.pcap",
    "ntp.pcap",
    "icmp.pcap",
    "arp.pcap",
    "vlan.pcap",
    "igmp.pcap",
    "nbns.pcap",
    "dhcp.pcap",
];

/// A classic pcap file with every record cut to `snap` bytes; the original
/// lengths stay, as a capture tool writes them.
fn cut(data: &[u8], snap: u32) -> Option<Vec<u8>> {
    let magic = data.get(..4)?;
    let le = match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1] => true,
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d] => false,
        _ => return None,
    };
    let u32_at = |b: &[u8], at: usize| -> Option<u32> {
        let w: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(if le { u32::from_le_bytes(w) } else { u32::from_be_bytes(w) })
    };
    let put = |v: u32| if le { v.to_le_bytes() } else { v.to_be_bytes() };
    let mut out = data.get(..24)?.to_vec();
    out[16..20].copy_from_slice(&put(snap));
    let mut off = 24;
    while off + 16 <= data.len() {
        let incl = u32_at(data, off + 8)? as usize;
        let kept = incl.min(snap as usize);
        out.extend_from_slice(&data[off..off + 8]);
        out.extend_from_slice(&put(kept as u32));
        out.extend_from_slice(&data[off + 12..off + 16]);
        out.extend_from_slice(data.get(off + 16..off + 16 + kept)?);
        off += 16 + incl;
    }
    Some(out)
}

/// The frames whose summary lines differ, per (capture, snap length).
fn compare(path: &Path) -> Vec<((String, u32), Vec<usize>)> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let Ok(data) = std::fs::read(path) else { return Vec::new() };
    let dir = PathBuf::from("target/snaplen");
    let _ = std::fs::create_dir_all(&dir);
    let mut found = Vec::new();
    for snap in (14..=100).step_by(2) {
        let Some(bytes) = cut(&data, snap) else { continue };
        let file = dir.join(format!("{snap}-{name}"));
        if std::fs::write(&file, bytes).is_err() {
            continue;
        }
        let f = file.to_string_lossy().into_owned();
        let Some(theirs) = tshark_output(&["-r", &f]) else { continue };
        let ours = wirelens(&["-r", &f]);
        let ours: Vec<&str> = ours.lines().collect();
        let frames: Vec<usize> =
            theirs.lines().enumerate().filter(|(i, t)| ours.get(*i) != Some(t)).map(|(i, _)| i + 1).collect();
        if !frames.is_empty() {
            found.push(((name.clone(), snap), frames));
        }
    }
    found
}

#[test]
fn cut_packets_read_as_tshark_reads_them() {
    if !tshark_available() {
        eprintln!("tshark is not installed: skipped");
        return;
    }
    let files: Vec<PathBuf> = CAPTURES.iter().map(|c| sample(c)).collect();
    let found: BTreeMap<(String, u32), Vec<usize>> = parallel_map(&files, |p| compare(p)).into_iter().flatten().collect();
    let known: BTreeMap<(String, u32), String> = known_rows(KNOWN)
        .into_iter()
        .filter_map(|r| Some(((r[0].clone(), r[1].parse().ok()?), r[2].clone())))
        .collect();
    let new: Vec<String> = found
        .iter()
        .filter(|(k, _)| !known.contains_key(*k))
        .map(|((c, s), f)| format!("{c}\t{s}\t{}", common::frame_list(f)))
        .collect();
    let stale: Vec<String> =
        known.keys().filter(|k| !found.contains_key(*k)).map(|(c, s)| format!("{c}\t{s}")).collect();
    eprintln!("{} capture and snap length pairs differ, all listed: {}", found.len(), new.is_empty());
    assert!(new.is_empty(), "new differences (fix, or list in {KNOWN} with a reason):\n{}", new.join("\n"));
    assert!(stale.is_empty(), "listed differences that no longer occur (drop them from {KNOWN}):\n{}", stale.join("\n"));
}
