//! `-d LAYER==SELECTOR,PROTOCOL` (Decode As) and the DNS heuristic on UDP,
//! compared with tshark on `sample-captures/dns-5300.pcap` (dnsmasq on
//! port 5300, asked by dig over UDP and TCP): tshark 4.0 finds the UDP
//! exchange by its heuristic and the TCP one only when told.

mod common;

use std::process::Command;

use common::{bin, run_tshark, sample, tshark_available};

/// tshark's and wirelens's output for the same arguments after `-r FILE`.
fn both(file: &str, args: &[&str]) -> (String, String) {
    let path = sample(file).to_string_lossy().to_string();
    let mut all = vec!["-n", "-r", path.as_str()];
    all.extend_from_slice(args);
    (common::wirelens(&all), run_tshark(&all))
}

#[test]
fn summaries_filters_fields_and_statistics_follow_the_rules_as_tshark() {
    if !tshark_available() {
        eprintln!("tshark not installed: skipped");
        return;
    }
    let runs: &[&[&str]] = &[
        &[],
        &["-d", "tcp.port==5300,dns"],
        &["-d", "tcp.port==5290-5310,dns", "-Y", "dns.qry.name == \"lab.test\""],
        &["-d", "tcp.port==5300:1,dns", "-T", "fields", "-e", "frame.number", "-e", "dns.a", "-e", "dns.qry.name"],
        &["-d", "tcp.port==5300,dns", "-q", "-z", "dns,tree"],
    ];
    for args in runs {
        let (ours, theirs) = both("dns-5300.pcap", args);
        assert!(!theirs.is_empty(), "tshark printed nothing for {args:?}");
        assert_eq!(ours, theirs, "-r dns-5300.pcap {args:?}");
    }
    // The heuristic finds the UDP exchange without a rule; the TCP one is data.
    let (ours, _) = both("dns-5300.pcap", &[]);
    assert_eq!(ours.lines().filter(|l| l.contains(" DNS ")).count(), 2, "{ours}");
}

#[test]
fn a_rule_moves_a_port_to_another_protocol() {
    if !tshark_available() {
        eprintln!("tshark not installed: skipped");
        return;
    }
    // web.pcap's HTTP on port 6789 read as SMTP by both.
    let (ours, theirs) = both("web.pcap", &["-d", "tcp.port==6789,smtp"]);
    assert_eq!(ours, theirs);
    assert!(ours.contains(" SMTP "), "{ours}");
}

#[test]
fn bad_rules_are_refused_with_tshark_words() {
    let run = |rule: &str| {
        let out = Command::new(bin()).args(["-r", "x.pcap", "-d", rule]).output().expect("run wirelens");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    for (rule, words) in [
        ("tcp.port==8888", "doesn't follow the template \"<layer_type>==<selector>,<decode_as_protocol>\""),
        ("ip.proto==6,http", "Unknown layer type -- ip.proto"),
        ("tcp.port==x,http", "Invalid selector number \"x\""),
        ("tcp.port==8888,nosuch", "Unknown protocol -- \"nosuch\""),
        ("udp.port==53,http", "Protocol \"http\" isn't valid for layer type \"udp.port\""),
    ] {
        let (code, err) = run(rule);
        assert_eq!(code, Some(2), "{rule}: {err}");
        assert!(err.contains(words), "{rule}: {err}");
    }
}
