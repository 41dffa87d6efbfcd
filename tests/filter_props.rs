//! Property tests of the display filter compiler: no input makes it panic,
//! and the canonical text of a compiled filter compiles to the same filter.

use proptest::prelude::*;
use wirelens::filter::Filter;

/// Pieces of filter syntax, so that random strings often get deep into the
/// parser and checker instead of failing on the first character.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "tcp.port", "ip.src", "frame", "tcp.payload", "frame.protocols", "tcp.flags.syn", "eth.src",
            "frame.time_delta", "==", "!=", "~=", "<=", ">", "contains", "matches", "in", "not", "&&", "||",
            "^^", "!", "(", ")", "{", "}", "..", ",", "&", "len(", "lower(", "[0:2]", "[-1]", "[1-", "\"GET\"",
            "\"\\x", "'a'", "80", "0x1b", "10.0.0.0/8", "00:11:22:33:44:55", "1.5", "+", "-", "*", "/", "%",
            "ip.ttl#2", "#[1-2]", "#", "any", "all", "count(", "string(", "abs(", "max(", "min(", "${ip.ttl}", "${",
        ])
        .prop_map(str::to_string),
        "[a-z0-9:./-]{1,8}",
        "\\PC{1,3}",
    ]
}

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 1..12).prop_map(|t| t.join(" "))
}

/// Well-formed filters, so that the round trip is exercised on many shapes.
fn relation() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..65536).prop_map(|n| format!("tcp.port == {n}")),
        (0u32..256, 0u8..=32).prop_map(|(a, m)| format!("ip.addr == {a}.0.0.0/{m}")),
        "[ -~]{0,6}".prop_map(|s| format!("frame contains \"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))),
        (0u16..100, 1u16..4).prop_map(|(a, b)| format!("tcp.srcport in {{{a} {}..{}}}", a + 1, a + b + 1)),
        (-5i32..5, 1usize..4).prop_map(|(a, n)| format!("frame[{a}:{n}] == {}", vec!["00"; n].join(":"))),
        prop::sample::select(vec![
            "len(tcp.payload) > 3",
            "lower(frame.protocols) matches \"(?i)TCP\"",
            "tcp.srcport < tcp.dstport",
            "tcp.flags & 0x12",
            "tcp",
            "tcp.flags.syn == True",
            "frame.time_relative >= 0.5",
            "ip.src#2 == 10.0.0.1",
            "ip.ttl#[1-2,-1:] > 0",
            "ip.ttl + 1 == {ip.ttl#2 - -2} * 3 % 7",
            "-ip.ttl & 0xf0 == 0x30",
            "tcp.srcport - tcp.dstport > -1",
            "count(ip.src) == 2",
            "string(tcp.port) matches \"^8\"",
            "abs(frame.time_delta) < 1.5 && max(tcp.srcport, tcp.dstport, 80) > min(tcp.port)",
            "all tcp.port != 80",
            "any ip.addr == 10.0.0.0/8",
            "all ip.ttl in {60..64, 128}",
            "tcp.len == ${tcp.len}",
        ])
        .prop_map(str::to_string),
    ]
}

fn filter() -> impl Strategy<Value = String> {
    relation().prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone(), prop::sample::select(vec!["&&", "||", "^^", "and", "or", "xor"]))
                .prop_map(|(a, b, op)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("!({a})")),
            inner.prop_map(|a| format!("({a})")),
        ]
    })
}

fn round_trips(text: &str) -> Result<(), TestCaseError> {
    if let Ok(f) = Filter::compile(text) {
        let canon = f.to_string();
        let again = Filter::compile(&canon);
        prop_assert!(again.is_ok(), "{text:?} printed as {canon:?}, which does not compile: {again:?}");
        if let Ok(g) = again {
            prop_assert_eq!(g.to_string(), canon);
        }
    }
    Ok(())
}

fn fails_cleanly(s: &str) -> Result<(), TestCaseError> {
    if let Err(e) = Filter::compile(s) {
        prop_assert!(e.span.start <= e.span.end && e.span.end <= s.len(), "{e:?} for {s:?}");
        prop_assert!(!e.message.is_empty());
        let _ = e.render(s);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_string_compiles_or_fails_cleanly(s in "\\PC{0,40}") {
        fails_cleanly(&s)?;
        round_trips(&s)?;
    }

    #[test]
    fn token_soup_compiles_or_fails_cleanly(s in soup()) {
        fails_cleanly(&s)?;
        round_trips(&s)?;
    }

    #[test]
    fn well_formed_filters_compile_and_round_trip(s in filter()) {
        let f = Filter::compile(&s);
        prop_assert!(f.is_ok(), "{s:?}: {f:?}");
        round_trips(&s)?;
    }
}
