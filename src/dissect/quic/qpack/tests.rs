//! RFC 9204 Appendix B's encoding examples, fed in order as one connection
//! would, and RFC 7541 C.4's Huffman strings.

use super::*;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

fn fields(s: &Section) -> Vec<(String, String)> {
    let Section::Fields(lines) = s else { panic!("not decoded: {s:?}") };
    lines.iter().map(|l| (String::from_utf8_lossy(&l.name).into(), String::from_utf8_lossy(&l.value).into())).collect()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
}

#[test]
fn huffman_strings_of_rfc_7541_c4() {
    for (code, text) in [
        ("f1e3 c2e5 f23a 6ba0 ab90 f4ff", "www.example.com"),
        ("a8eb 1064 9cbf", "no-cache"),
        ("25a8 49e9 5ba9 7d7f", "custom-key"),
        ("25a8 49e9 5bb8 e8b4 bf", "custom-value"),
    ] {
        assert_eq!(huffman::decode(&hex(code)).as_deref(), Some(text.as_bytes()));
    }
    // Padding of eight bits, and padding that is not all ones, are errors.
    assert_eq!(huffman::decode(&hex("a8eb 1064 9cbf ff")), None);
    assert_eq!(huffman::decode(&hex("a8eb 1064 9cbe")), None);
}

#[test]
fn prefixed_integers_of_rfc_7541_c1() {
    assert_eq!(int(&[0x0a], 0, 5), Ok((10, 1)));
    assert_eq!(int(&[0x1f, 0x9a, 0x0a], 0, 5), Ok((1337, 3)));
    assert_eq!(int(&[0x2a], 0, 8), Ok((42, 1)));
    assert_eq!(int(&[0x1f, 0x9a], 0, 5), Err(Error::Short));
    assert!(matches!(int(&[0xff; 12], 0, 8), Err(Error::Bad(_))));
}

#[test]
fn the_examples_of_rfc_9204_appendix_b() {
    let mut t = Table { max_capacity: Some(220), ..Table::default() };
    // B.1: a literal with a static name reference, no dynamic table.
    assert_eq!(fields(&decode(&hex("0000 510b 2f69 6e64 6578 2e68 746d 6c"), &t)), pairs(&[(":path", "/index.html")]));

    // B.2: the encoder stream sets the capacity and inserts two entries; the
    // section refers to them with post-base indices. Before the inserts
    // arrive the section is blocked.
    let section = hex("0381 10 11");
    assert_eq!(decode(&section, &t), Section::Blocked { required: 2, inserted: 0 });
    let stream = hex("3fbd01 c00f7777772e6578616d706c652e636f6d c10c2f73616d706c652f70617468");
    // Split inside the second instruction: the first applies at once.
    let fed = t.feed(0, &stream[..10]);
    assert_eq!((fed.inserted, fed.total, fed.error), (0, 0, None));
    let fed = t.feed(10, &stream[10..]);
    assert_eq!((fed.inserted, fed.total), (2, 2));
    assert_eq!(t.size, 106);
    let want = pairs(&[(":authority", "www.example.com"), (":path", "/sample/path")]);
    assert_eq!(fields(&decode(&section, &t)), want);
    // A retransmission of bytes already read changes nothing.
    assert_eq!(t.feed(0, &stream).inserted, 0);

    // B.3: an insert with a literal name.
    let at = stream.len() as u64;
    let ins = hex("4a637573746f6d2d6b65790c637573746f6d2d76616c7565");
    assert_eq!(t.feed(at, &ins).total, 3);
    assert_eq!(t.size, 160);

    // B.4: a duplicate, then a section with relative and static indices.
    let at = at + ins.len() as u64;
    assert_eq!(t.feed(at, &hex("02")).total, 4);
    assert_eq!(t.size, 217);
    let want = pairs(&[(":authority", "www.example.com"), (":path", "/"), ("custom-key", "custom-value")]);
    assert_eq!(fields(&decode(&hex("0500 80 c1 81"), &t)), want);

    // B.5: an insert with a dynamic name reference evicts the oldest entry.
    let fed = t.feed(at + 1, &hex("810d637573746f6d2d76616c756532"));
    assert_eq!((fed.total, fed.error), (5, None));
    assert_eq!(t.size, 215);
    assert_eq!(t.entries.len(), 4);
    assert_eq!(t.get(4).map(|e| e.value), Ok(b"custom-value2".to_vec()));
    assert!(t.get(0).is_err(), "entry 0 was evicted");
}

#[test]
fn errors_are_failures_not_garbage() {
    let t = Table::default();
    assert_eq!(decode(&hex("0000 51"), &t), Section::Failed("field section cut short"));
    assert_eq!(decode(&hex("0000 ff7f"), &t), Section::Failed("static index out of range"));
    assert!(matches!(decode(&hex("0000 80"), &t), Section::Failed(_)));
    let mut t = Table { max_capacity: Some(100), ..Table::default() };
    assert_eq!(t.feed(0, &hex("3fbd01")).error, Some("capacity above the decoder's maximum"));
    // A gap in the stream stops the table.
    let mut u = Table::default();
    assert_eq!(u.feed(5, &hex("3fbd01")).error, Some("encoder stream bytes missing"));
    assert!(t.feed(3, &hex("02")).error.is_some());
}
