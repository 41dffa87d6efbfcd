use super::*;
use crate::dissect::session::Session;
use crate::dissect::testutil::{hex, labels, run_with, values};
use crate::dissect::{Dissection, Pass};

/// nmblookup's query for LABHOST<00> and nmbd's answer (frames 1 and 2 of
/// sample-captures/nbns.pcap).
const QUERY: &str = "07d90100000100000000000020454d4542454345494550464446454341434143414341434143414341434141410000200001";
const ANSWER: &str =
    "07d98580000000010000000020454d45424543454945504644464543414341434143414341434143414341414100002000010003f480000600000a630002";


fn run(bytes: &[u8]) -> Dissection {
    run_with(&mut Session::new(), bytes, 1, 0, Pass::First, |cx, b| {
        if let Err(e) = dissect(cx, b) {
            crate::dissect::note_error(cx, e);
        }
    })
    .0
}

#[test]
fn name_query_and_answer() {
    let d = run(&hex(QUERY));
    assert_eq!(d.cols.info, "Name query NB LABHOST<00>");
    assert_eq!(values(&d, &NAME), ["LABHOST<00>"]);
    // A query has no authoritative, recursion-available or reply-code items.
    assert!(values(&d, &F_RCODE).is_empty());
    assert!(labels(&d).contains(&"Name: LABHOST<00> (Workstation/Redirector)".to_string()));
    let d = run(&hex(ANSWER));
    assert_eq!(d.cols.info, "Name query response NB 10.99.0.2");
    // An NB record's name value carries the type's meaning, as in tshark.
    assert_eq!(values(&d, &NAME), ["LABHOST<00> (Workstation/Redirector)"]);
    assert_eq!(values(&d, &records::TTL), ["259200"]);
    let l = labels(&d);
    assert!(l.contains(&"Time to live: 3 days".to_string()), "{l:?}");
    assert!(l.contains(&"Name flags: 0x0000, ONT: B-node (B-node, unique)".to_string()));
    assert!(l.contains(&"Flags: 0x8580, Response, Opcode: Name query, Authoritative, Recursion desired, Recursion available, Reply code: No error".to_string()));
}

#[test]
fn odd_names_and_cut_records() {
    assert_eq!(name_text(b"*\0\0\0\0\0\0\0\0\0\0\0\0\0\0"), "*<00><00><00><00><00><00><00><00><00><00><00><00><00><00>");
    assert_eq!(name_text(b"LAB            "), "LAB");
    let mut bad = hex(QUERY);
    bad[13] = b'Z';
    assert_eq!(run(&bad).cols.info, "Name query NB <illegal NetBIOS name>");
    let a = hex(ANSWER);
    let d = run(&a[..a.len() - 3]);
    assert!(d.malformed);
    assert!(d.cols.info.starts_with("Name query response NB"), "{}", d.cols.info);
}
