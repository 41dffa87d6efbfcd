//! The column store (`wirelens::store::columns`): columns made from the
//! revisit dissections of any packets answer filters on application fields,
//! TCP analysis and links exactly as the dissections do.
//!
//! Input: as `pipeline`'s, a capture file or a link type and packets.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::dissect::{dissect_frame, Depth, Dissection, Pass};
use wirelens::filter::Filter;
use wirelens::store::columns::{Builder, Columns, Reading};
use wirelens_fuzz::{capture_of, load, store};

/// Filters whose fields are all kept in brief records or columns.
const FILTERS: &[&str] = &[
    r#"http.request.uri contains "a""#,
    "http.response.code == 404",
    "http.time > 0",
    "http.request && !http.response_in",
    "dns.qry.name",
    r#"dns.qry.name matches "^[a-m]""#,
    "dns.response_in || dns.response_to",
    "dns.flags.rcode != 0",
    "tcp.analysis.flags",
    "tcp.analysis.retransmission || tcp.analysis.ack_rtt > 0.001",
    "tcp.len > 0 && tcp.payload[0] == 47",
    r#"smtp.req.command == "MAIL""#,
    "ftp.request.command",
    "tls.handshake.type == 1",
    "frame.time_relative > 0.2",
    "udp.port == 53 and dns.count.answers > 0",
];

fuzz_target!(|data: &[u8]| {
    let Some(bytes) = capture_of(data) else { return };
    let Some(store) = store(bytes) else { return };
    let mut loaded = load(&store);
    let filters: Vec<Filter> = FILTERS.iter().map(|f| Filter::compile(f).expect("the filters compile")).collect();
    let dissected: Vec<Dissection> = loaded
        .packets
        .iter()
        .map(|(meta, bytes)| {
            let mut d = Dissection::default();
            dissect_frame(meta, bytes, &mut loaded.session, Pass::Revisit, Depth::Tree, &mut d);
            d
        })
        .collect();
    let mut columns = Columns::default();
    for filter in &filters {
        let Some(fields) = filter.stored_fields() else { continue };
        let missing = columns.missing(fields);
        if !missing.is_empty() {
            let mut builder = Builder::new(&missing);
            for (i, (d, (_, bytes))) in dissected.iter().zip(&loaded.packets).enumerate() {
                builder.push(i, d, bytes);
            }
            builder.finish(&mut columns);
        }
        let mut reading = Reading::new(fields);
        let mut from_records = Dissection::default();
        for (i, (d, (_, bytes))) in dissected.iter().zip(&loaded.packets).enumerate() {
            from_records.clear();
            if reading.decode(&loaded.briefs, &columns, i, &mut from_records.tree) {
                let fast = filter.matches(&from_records, &[]);
                assert_eq!(fast, filter.matches(d, bytes), "{filter} on packet {}: stored vs dissected", i + 1);
            }
        }
    }
});
