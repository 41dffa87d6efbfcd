//! UDP's story: the length and the checksum, after RFC 768.

use super::{count, Item, Story};

const RFC768: &str = "RFC 768 (User Datagram Protocol: fields)";

pub(super) fn story(it: &Item) -> Option<Story> {
    match it.name() {
        "udp.length" => {
            let len = it.uint()?;
            let line = match len.checked_sub(8) {
                Some(data) => format!(
                    "Length {len} = 8 bytes of UDP header (source port, destination port, length, checksum) + {} of data. Each datagram is one message: the receiver gets these {data} bytes in one read, or nothing if it was lost.",
                    count(data, "byte", "bytes")
                ),
                None => format!("Length {len} is less than the 8 bytes of the header itself: the datagram is malformed."),
            };
            Story::new(RFC768, vec![line])
        }
        "udp.checksum" => {
            let line = match it.uint()? {
                0 => "Checksum 0: the sender computed none, which IPv4 allows (IPv6 does not).".to_string(),
                c => format!("Checksum 0x{c:04x}: the one's complement sum of a pseudo-header (addresses, protocol, length), the header and the data; a receiver drops a datagram whose sum does not check. Captures of outgoing packets often show a wrong checksum that the network card fills in later."),
            };
            Story::new(RFC768, vec![line])
        }
        _ => None,
    }
}
