use crate::dissect::testutil::{labels, run};
use crate::dissect::Dissection;

/// Dissects hex digits (spaces allowed) as a frame of `linktype`.
fn dissect_linktype(linktype: u32, digits: &str) -> Dissection {
    run(linktype, &crate::dissect::testutil::hex(&digits.replace(' ', "")))
}

/// An LCP Configure-Request over the PPP link type, with address and
/// control bytes: MRU 1500 and a magic number, as pppd sends it.
#[test]
fn lcp_configure_request_names_its_options() {
    let d = dissect_linktype(9, "ff03c021 0101000e 010405dc 050612345678");
    assert_eq!(d.cols.protocol, "PPP LCP");
    assert_eq!(d.cols.info, "Configuration Request");
    assert_eq!((d.cols.src.as_str(), d.cols.dst.as_str()), ("N/A", "N/A"));
    let labels = labels(&d);
    assert!(labels.contains(&"Options: (10 bytes), Maximum Receive Unit, Magic Number".to_string()), "{labels:?}");
    assert!(labels.contains(&"Magic Number: 0x12345678".to_string()));
    assert_eq!(d.protocols, "ppp:lcp");
}

#[test]
fn an_option_past_the_end_is_noted_and_ends_the_list() {
    let d = dissect_linktype(9, "ff03c021 01070008 12340000");
    let labels = labels(&d);
    assert!(labels.contains(&"Options: (4 bytes)".to_string()), "{labels:?}");
    assert!(labels.iter().any(|l| l.contains("option length = 52 bytes says option goes past end of options")));
    assert!(!d.malformed);
}

#[test]
fn a_compressed_protocol_field_is_one_byte() {
    // Protocol-field compression (RFC 1661 section 6.5): 0x21 is IPv4.
    let ip = "4500001c 00014000 40110000 0a000002 0a000001 9c400035 00080000";
    let d = dissect_linktype(9, &format!("21{ip}"));
    assert_eq!(d.protocols, "ppp:ip:udp");
    assert_eq!(d.cols.src, "10.0.0.2");
}

#[test]
fn pap_and_chap_say_who_authenticates() {
    let d = dissect_linktype(9, "ff03c023 0103000f 03 6c6162 06 736563726574");
    assert_eq!(d.cols.info, "Authenticate-Request (Peer-ID='lab', Password='secret')");
    let d = dissect_linktype(9, "ff03c223 01010018 10 00112233445566778899aabbccddeeff 6c6162");
    assert_eq!(d.cols.info, "Challenge (NAME='lab', VALUE=0x00112233445566778899aabbccddeeff)");
    let d = dissect_linktype(9, "ff03c223 03010004");
    assert_eq!(d.cols.info, "Success (MESSAGE='')");
}

#[test]
fn pppoe_discovery_shows_the_concentrator_s_name() {
    // A PADO from rp-pppoe's pppoe-server: AC-Name, Service-Name, AC-Cookie.
    let frame = "0a0000000001 0a0000000002 8863 1107 0000 0015 0102 0005 6c61626163 0101 0006 6c6162697370 0104 0000";
    let d = dissect_linktype(1, frame);
    assert_eq!(d.cols.protocol, "PPPoED");
    assert_eq!(d.cols.info, "Active Discovery Offer (PADO) AC-Name='labac'");
    assert_eq!(d.protocols, "eth:ethertype:pppoed");
}

#[test]
fn truncated_and_short_frames_are_malformed_not_panics() {
    for bytes in ["ff03", "ff03c021", "ff03c02101", "ff03c0210101ffff", "ff03c023 0101 00ff 09", "ff03c223 0101 0018 ff"] {
        let d = dissect_linktype(9, bytes);
        assert!(d.malformed || d.truncated, "{bytes}");
    }
}
