//! The filter language: any string is compiled (or rejected with an error
//! that renders), run on dissected sample packets, and for filters the
//! brief records can answer, the brief and the full evaluations agree.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wirelens::dissect::{dissect_frame, Depth, Dissection, Pass};
use wirelens::filter::Filter;
use wirelens::store::brief::{BriefStore, Plan};
use wirelens_fuzz::{load, store};

const SAMPLES: &[&[u8]] = &[
    include_bytes!("../../sample-captures/web.pcap"),
    include_bytes!("../../sample-captures/dns-tcp.pcap"),
    include_bytes!("../../sample-captures/smtp.pcap"),
    include_bytes!("../../sample-captures/vlan.pcap"),
    include_bytes!("../../sample-captures/icmp.pcap"),
    include_bytes!("../../sample-captures/icmpv6.pcap"),
    include_bytes!("../../sample-captures/arp.pcap"),
    include_bytes!("../../sample-captures/sll-v2.pcap"),
    include_bytes!("../../sample-captures/two-interfaces.pcapng"),
];

/// One sample capture: its brief records and each packet's full dissection.
struct Sample {
    briefs: BriefStore,
    packets: Vec<(Dissection, Vec<u8>)>,
}

fn samples() -> &'static [Sample] {
    static S: OnceLock<Vec<Sample>> = OnceLock::new();
    S.get_or_init(|| {
        SAMPLES
            .iter()
            .map(|bytes| {
                let mut loaded = load(&store(bytes.to_vec()).expect("a sample capture reads"));
                let packets = loaded
                    .packets
                    .drain(..)
                    .map(|(meta, bytes)| {
                        let mut d = Dissection::default();
                        dissect_frame(&meta, &bytes, &mut loaded.session, Pass::Revisit, Depth::Tree, &mut d);
                        (d, bytes)
                    })
                    .collect();
                Sample { briefs: loaded.briefs, packets }
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let filter = match Filter::compile(text) {
        Ok(f) => f,
        Err(e) => {
            let _ = e.render(text);
            return;
        }
    };
    let _ = (filter.to_string(), filter.protocols(), filter.fields().len());
    let brief = filter.brief_fields().map(Plan::new);
    let mut from_record = Dissection::default();
    for (s, sample) in samples().iter().enumerate() {
        let mut plan = brief.clone();
        for (i, (d, bytes)) in sample.packets.iter().enumerate() {
            let full = filter.matches(d, bytes);
            let Some(plan) = plan.as_mut() else { continue };
            from_record.clear();
            if sample.briefs.decode(i, plan, &mut from_record.tree) {
                let by_record = filter.matches(&from_record, &[]);
                assert_eq!(by_record, full, "{text:?} on sample {s} packet {}: brief vs full", i + 1);
            }
        }
    }
});
