//! MAC name resolution against tshark's defaults (no `-n`): the summary
//! columns of frames without IP (ARP: `Broadcast`), the tree's address
//! labels (`Destination: Broadcast (ff:ff:ff:ff:ff:ff)`), and `-n` / `-N`
//! turning it off and on.

mod common;

use common::{run_tshark, sample, tshark_available, wirelens};

fn both(file: &str, args: &[&str]) -> (String, String) {
    let path = sample(file).to_string_lossy().to_string();
    let mut all = vec!["-r", path.as_str()];
    all.extend_from_slice(args);
    (wirelens(&all), run_tshark(&all))
}

#[test]
fn names_are_resolved_by_default_as_tshark_resolves_them() {
    if !tshark_available() {
        eprintln!("tshark not installed: skipped");
        return;
    }
    // arp.pcap and vlan.pcap: a broadcast ARP request between locally
    // administered addresses; ssdp.pcap and igmp.pcap: IPv4 multicast.
    for file in ["arp.pcap", "vlan.pcap", "ssdp.pcap", "igmp.pcap"] {
        let (ours, theirs) = both(file, &["-P"]);
        assert_eq!(ours, theirs, "{file} -P");
    }
    let (ours, theirs) = both("arp.pcap", &["-P"]);
    assert!(ours.contains("→ Broadcast "), "{ours}");
    assert_eq!(ours, theirs);
    // The tree's Ethernet and ARP address labels.
    let (ours, theirs) = both("arp.pcap", &["-V", "-c", "2"]);
    let pick = |s: &str| -> Vec<String> {
        s.lines().filter(|l| l.contains("Src:") || l.contains("Address") || l.contains("MAC address")).map(String::from).collect()
    };
    assert_eq!(pick(&ours), pick(&theirs));
    assert!(ours.contains("Destination: Broadcast (ff:ff:ff:ff:ff:ff)"), "{ours}");
}

#[test]
fn minus_n_and_minus_capital_n_choose_as_tshark() {
    if !tshark_available() {
        eprintln!("tshark not installed: skipped");
        return;
    }
    for args in [&["-n", "-P"][..], &["-N", "m", "-P"], &["-N", "nt", "-P"]] {
        let (ours, theirs) = both("arp.pcap", args);
        assert_eq!(ours, theirs, "{args:?}");
    }
    let (off, _) = both("arp.pcap", &["-N", "n", "-P"]);
    assert!(off.contains("→ ff:ff:ff:ff:ff:ff "), "{off}");
}
