//! NTP's story: modes, stratum and the four timestamps, after RFC 5905.

use super::{Item, Story};

const FIELDS: &str = "RFC 5905, section 7.3 (packet header variables)";

pub(super) fn story(it: &Item) -> Option<Story> {
    match it.name() {
        "ntp.flags.mode" => {
            let what = match it.uint()? {
                1 => "symmetric active: a peer offers to synchronise with another, each may set the other's clock",
                2 => "symmetric passive: the answer of a peer to a symmetric active one",
                3 => "client: a client asks a server for the time",
                4 => "server: the answer to a client, with the server's timestamps",
                5 => "broadcast: a server announces the time to a whole network",
                6 => "control message (ntpq's queries)",
                7 => "private use (ntpdc's queries)",
                _ => "reserved",
            };
            Story::new(FIELDS, vec![format!("Mode {}: {what}.", it.uint()?)])
        }
        "ntp.stratum" => {
            let s = it.uint()?;
            let what = match s {
                0 => "unspecified or invalid (a kiss-of-death message: the Reference ID then holds a code such as RATE)".to_string(),
                1 => "a primary server, set directly by a reference clock (GPS, atomic clock, radio)".to_string(),
                2..=15 => format!("{} hop(s) away from a reference clock: this server synchronises to a stratum-{} server", s - 1, s - 1),
                _ => "unsynchronised".to_string(),
            };
            Story::new(FIELDS, vec![format!("Stratum {s}: {what}.")])
        }
        "ntp.org" | "ntp.rec" | "ntp.xmt" | "ntp.reftime" => Story::new(
            "RFC 5905, section 8 (on-wire protocol)",
            vec![
                "The four timestamps: the client sends its transmit time T1; the server's reply carries it back as the origin timestamp, with T2 (when the request was received) and T3 (when the reply was transmitted); the client notes T4 when the reply arrives.".into(),
                "Offset = ((T2 − T1) + (T3 − T4)) / 2 and round-trip delay = (T4 − T1) − (T3 − T2): how far the client's clock is off, and how long the network took. The reference timestamp is when the server's own clock was last set.".into(),
            ],
        ),
        _ => None,
    }
}
