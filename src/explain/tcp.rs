//! TCP's story: flags, sequence and acknowledgment numbers, the window and
//! the options, after RFC 9293 (and RFC 7323, 2018, 3168 for the options
//! and bits it does not define).

use super::{count, first_num, Frames, Item, Story};

/// How far back the acknowledged segment is looked for: a key press must
/// not re-dissect a whole large capture.
const LOOKBACK: u32 = 10_000;

pub(super) fn story(it: &Item, frames: Frames) -> Option<Story> {
    let name = it.name();
    if let Some(bit) = name.strip_prefix("tcp.flags.").filter(|b| *b != "str") {
        let (line, read) = flag(it, bit, it.flag())?;
        return Story::new(read, vec![line]);
    }
    match name {
        "tcp.flags" | "tcp.flags.str" => {
            let set: Vec<(String, &str)> =
                FLAGS.iter().filter(|(bit, ..)| it.is_set(&format!("tcp.flags.{bit}"))).filter_map(|(bit, ..)| flag(it, bit, true)).collect();
            let names: Vec<&str> =
                FLAGS.iter().filter(|(bit, ..)| it.is_set(&format!("tcp.flags.{bit}"))).map(|(_, short, _)| *short).collect();
            let mut lines = vec![match names.len() {
                0 => "No flag is set.".to_string(),
                _ => format!("Set: {}.", names.join(", ")),
            }];
            lines.extend(set.into_iter().map(|(l, _)| l));
            Story::new("RFC 9293, section 3.1 (header format)", lines)
        }
        "tcp.seq" | "tcp.seq_raw" | "tcp.nxtseq" | "tcp.len" => Story::new("RFC 9293, section 3.4 (sequence numbers)", sequence(it)?),
        "tcp.ack" | "tcp.ack_raw" | "tcp.analysis.acks_frame" => {
            Story::new("RFC 9293, section 3.4 (sequence numbers)", acknowledgment(it, frames)?)
        }
        "tcp.window_size_value" | "tcp.window_size" | "tcp.window_size_scalefactor" => {
            Story::new("RFC 9293, section 3.8.6 (managing the window); RFC 7323, section 2 (window scale)", window(it)?)
        }
        _ if name.starts_with("tcp.option") => option(it),
        "tcp.stream" => Story::new(
            "RFC 9293, section 2.2 (key TCP concepts: ports tell the flows apart)",
            vec![format!(
                "Stream index {}: this is connection number {} of the capture (counted from 0), numbered by Wireshark, not sent on the wire. `tcp.stream == {0}` shows all of its segments.",
                it.uint()?,
                it.uint()? + 1
            )],
        ),
        _ => None,
    }
}

/// Each flag's filter name suffix, its short name and where it is defined.
const FLAGS: &[(&str, &str, &str)] = &[
    ("res", "Reserved", "RFC 9293, section 3.1"),
    ("ae", "AE", "RFC 9293, section 3.1 (header format)"),
    ("cwr", "CWR", "RFC 3168, section 6.1"),
    ("ece", "ECE", "RFC 3168, section 6.1"),
    ("urg", "URG", "RFC 9293, section 3.8.5 (urgent information)"),
    ("ack", "ACK", "RFC 9293, section 3.4 (sequence numbers)"),
    ("push", "PSH", "RFC 9293, section 3.9.1.2 (send, and the push flag)"),
    ("reset", "RST", "RFC 9293, sections 3.5.2 and 3.5.3 (reset generation and processing)"),
    ("syn", "SYN", "RFC 9293, section 3.5 (establishing a connection)"),
    ("fin", "FIN", "RFC 9293, section 3.6 (closing a connection)"),
];

/// What flag `bit` says, set or not, and where to read about it.
fn flag(it: &Item, bit: &str, set: bool) -> Option<(String, &'static str)> {
    let (_, short, read) = FLAGS.iter().find(|(b, ..)| *b == bit)?;
    let ack = it.num("tcp.ack").unwrap_or(0);
    let nxt = it.num("tcp.nxtseq").unwrap_or(0);
    let line = match (bit, set) {
        ("syn", true) if it.is_set("tcp.flags.ack") => format!(
            "with ACK, the second step of the three-way handshake. The server accepts the connection, sends its own initial sequence number (relative 0) and acknowledges the client's SYN with {ack}. The SYN takes one sequence number, so the client's ACK will say {nxt}."
        ),
        ("syn", true) => format!(
            "the first step of the three-way handshake. The client asks to open a connection and sends its initial sequence number (relative 0). The SYN takes one sequence number, so the answer acknowledges {nxt}."
        ),
        ("syn", false) => "not set: only the first segment of each side of a connection carries SYN.".into(),
        ("ack", true) => format!(
            "the acknowledgment number is valid. This side has received every byte before {ack} of the other direction. Every segment after a connection's first SYN carries ACK."
        ),
        ("ack", false) => "not set, so the acknowledgment number means nothing: only a connection's first SYN (or a reset answering a segment without ACK) goes without it.".into(),
        ("push", true) => "the sender asks the receiver to hand the data to the application now instead of waiting for more; a sender sets it on the last segment of a write.".into(),
        ("push", false) => "not set: the receiver may hold the data until more arrives.".into(),
        ("reset", true) => "the connection is aborted at once, with no more data either way. A host sends it for a segment to a port where nothing listens (connection refused), to a segment that fits no connection, or when an application aborts.".into(),
        ("reset", false) => "not set: the connection is not being aborted.".into(),
        ("fin", true) => format!(
            "the sender has no more data to send (its application closed the socket or shut down its writing side). The FIN takes one sequence number, so the other side acknowledges it with {nxt}; the other side may still send until it sends its own FIN."
        ),
        ("fin", false) => "not set: the sender may still send data.".into(),
        ("urg", true) => format!(
            "the urgent pointer ({}) is valid and marks data the receiver should process out of band.",
            it.num("tcp.urgent_pointer").unwrap_or(0)
        ),
        ("urg", false) => "not set: the urgent pointer means nothing. Applications hardly use urgent data.".into(),
        ("ece", true) if it.is_set("tcp.flags.syn") => "in a SYN, the sender can use Explicit Congestion Notification on this connection.".into(),
        ("ece", true) => "ECN-Echo: the receiver saw a packet marked Congestion Experienced by a router and tells the sender to slow down.".into(),
        ("ece", false) => "not set: no congestion mark to report.".into(),
        ("cwr", true) => "the sender has reduced its congestion window in answer to an ECE.".into(),
        ("cwr", false) => "not set: no congestion window reduction to announce.".into(),
        ("ae", true) => "set by Accurate ECN, which counts congestion marks with AE, CWR and ECE together (this bit was the ECN nonce, NS, before).".into(),
        ("ae", false) => "not set (the bit was the ECN nonce, NS, before Accurate ECN).".into(),
        ("res", true) => "set, which a sender must not do: the bits are kept for future use and sent as zero.".into(),
        ("res", false) => "zero, as a sender must send them: the bits are kept for future use.".into(),
        _ => return None,
    };
    Some((format!("{short}: {line}"), read))
}

/// This segment's place in its direction's byte stream.
fn sequence(it: &Item) -> Option<Vec<String>> {
    let seq = it.num("tcp.seq")?;
    let len = it.num("tcp.len").unwrap_or(0);
    let nxt = it.num("tcp.nxtseq").unwrap_or(seq + len);
    let mut lines = Vec::new();
    if let Some(raw) = it.num("tcp.seq_raw") {
        let isn = (raw as u32).wrapping_sub(seq as u32);
        lines.push(format!(
            "Sequence number {seq} (relative): this segment's first byte is byte {seq} of what this side has sent on the connection. On the wire it is {raw}; Wireshark subtracts this side's initial sequence number {isn}, chosen at random for its SYN, so counting starts at 0."
        ));
    }
    let syn_fin = [("syn", "SYN"), ("fin", "FIN")].iter().filter(|(b, _)| it.is_set(&format!("tcp.flags.{b}"))).map(|(_, n)| *n).collect::<Vec<_>>();
    lines.push(match (len, syn_fin.first()) {
        (0, None) => format!("It carries no data, so the next segment from this side also starts at {seq} (pure ACKs do not use up sequence numbers)."),
        (0, Some(f)) => format!("It carries no data, but its {f} takes one sequence number: {seq} + 1 = {nxt}, the number the other side acknowledges."),
        (l, None) => format!(
            "It carries {}, numbered {seq} to {}: {seq} + {l} = {nxt} is where the next segment from this side starts, and the acknowledgment number that confirms this one.",
            count(l, "byte", "bytes"),
            seq + l - 1
        ),
        (l, Some(f)) => format!("It carries {} and a {f}, which takes one more number: {seq} + {l} + 1 = {nxt}.", count(l, "byte", "bytes")),
    });
    Some(lines)
}

fn acknowledgment(it: &Item, frames: Frames) -> Option<Vec<String>> {
    let ack = it.num("tcp.ack")?;
    if !it.is_set("tcp.flags.ack") {
        return Some(vec![format!("The ACK flag is not set, so this number ({ack}) means nothing.")]);
    }
    let mut lines = vec![format!(
        "Acknowledgment number {ack} (relative): this side has received every byte of the other direction before byte {ack}, and expects byte {ack} next."
    )];
    if let Some(raw) = it.num("tcp.ack_raw") {
        lines.push(format!("On the wire it is {raw}: the other side's initial sequence number plus {ack}."));
    }
    lines.push(acked(it, ack, frames)?);
    Some(lines)
}

/// Which earlier segment this ACK acknowledges: the latest one of the other
/// direction of the stream whose next sequence number is this ack. The
/// first pass already names it (`tcp.analysis.acks_frame`) when the ACK
/// advances over unacknowledged data; else the frames before are read.
fn acked(it: &Item, ack: u64, frames: Frames) -> Option<String> {
    let this = it.frame()?;
    let stream = it.num("tcp.stream")?;
    let port = it.num("tcp.srcport")?;
    let hint = it.num("tcp.analysis.acks_frame").map(|f| f as u32);
    let first = this.saturating_sub(LOOKBACK).max(1);
    for n in hint.into_iter().chain((first..this).rev()) {
        let Some(d) = frames(n) else { continue };
        let num = |name: &str| first_num(&d, name);
        let set = |name: &str| num(name).is_some_and(|v| v != 0);
        let (syn, fin) = (set("tcp.flags.syn"), set("tcp.flags.fin"));
        let len = num("tcp.len").unwrap_or(0);
        if num("tcp.stream") != Some(stream) || num("tcp.dstport") != Some(port) || num("tcp.nxtseq") != Some(ack) {
            continue;
        }
        if len == 0 && !syn && !fin {
            continue;
        }
        let seq = num("tcp.seq")?;
        let what = match (len, syn, fin) {
            (0, true, _) => format!("the SYN of frame {n}: {seq} + 1 = {ack} (a SYN takes one sequence number)"),
            (0, _, _) => format!("the FIN of frame {n}: {seq} + 1 = {ack} (a FIN takes one sequence number)"),
            (l, _, true) => format!("the {} and the FIN of frame {n}: {seq} + {l} + 1 = {ack}", count(l, "byte", "bytes")),
            (l, ..) => format!("the {} of frame {n}: {seq} + {l} = {ack}", count(l, "byte", "bytes")),
        };
        return Some(format!("This ACK acknowledges {what}."));
    }
    let where_ = if this - first + 1 < this { format!("in the {LOOKBACK} frames before this one") } else { "earlier in the capture".into() };
    Some(format!(
        "No segment of the other direction {where_} ends at byte {ack}: what it acknowledges was sent before the capture started."
    ))
}

fn window(it: &Item) -> Option<Vec<String>> {
    let value = it.num("tcp.window_size_value")?;
    let ack = it.num("tcp.ack").unwrap_or(0);
    let mut lines = Vec::new();
    match it.int("tcp.window_size_scalefactor") {
        _ if it.is_set("tcp.flags.syn") => lines.push(format!(
            "Window {value}: the sender can receive {value} bytes now. The window of a SYN is never scaled; the window scale option, if both SYNs carry it, applies from the next segment on."
        )),
        Some(f) if f > 0 => {
            let size = it.num("tcp.window_size").unwrap_or(value * f as u64);
            lines.push(format!(
                "The window field says {value}; the handshake's window scale option multiplies it by {f}: {value} × {f} = {size} bytes. The sender of this segment can receive {size} more bytes beyond byte {ack} it acknowledges; the other side must wait for a larger window before sending past them."
            ));
        }
        Some(-2) => lines.push(format!(
            "Window {value} bytes, unscaled (the SYNs did not both carry the window scale option): the sender of this segment can receive {value} more bytes beyond byte {ack}."
        )),
        _ => lines.push(format!(
            "The window field says {value}. The handshake was not captured, so whether it is scaled is unknown; the window is {value} times the scale factor, in bytes."
        )),
    }
    if value == 0 && !it.is_set("tcp.flags.reset") {
        lines.push("A zero window: the receiver's buffer is full; the other side stops and probes until the window opens.".into());
    }
    Some(lines)
}

fn option(it: &Item) -> Option<Story> {
    let rfc7323 = "RFC 7323";
    let (line, read) = match it.name() {
        "tcp.options" => (
            "Options follow the 20 bytes of the fixed header, up to 40 bytes, each a kind byte, most with a length byte and data. SYNs carry the ones that are agreed once (MSS, window scale, SACK permitted); timestamps and SACK blocks ride on later segments.".to_string(),
            "RFC 9293, sections 3.1 (header format) and 3.2 (specific option definitions)".to_string(),
        ),
        "tcp.options.mss" | "tcp.options.mss_val" => {
            let mss = it.num("tcp.options.mss_val")?;
            (
                format!(
                    "MSS {mss}: the sender can receive segments of at most {mss} bytes of data. It is sent only in a SYN and is usually the link's MTU minus the IP and TCP headers (40 bytes for IPv4, 60 for IPv6)."
                ),
                "RFC 9293, section 3.7.1 (maximum segment size option)".into(),
            )
        }
        "tcp.options.wscale" | "tcp.options.wscale.shift" | "tcp.options.wscale.multiplier" => {
            let shift = it.num("tcp.options.wscale.shift")?;
            (
                format!(
                    "Window scale shift {shift}: once both SYNs carry the option, the other side multiplies every later window field from this sender by 2^{shift} = {}, so windows can pass 65535 bytes.",
                    1u64 << shift.min(14)
                ),
                format!("{rfc7323}, section 2 (window scale option)"),
            )
        }
        "tcp.options.sack_perm" => (
            "SACK permitted: the sender understands selective acknowledgments, so the other side may name blocks it received beyond a gap and get only the gap resent.".into(),
            "RFC 2018, section 2 (SACK-permitted option)".into(),
        ),
        "tcp.options.sack" | "tcp.options.sack_le" | "tcp.options.sack_re" | "tcp.options.sack.count" => (
            format!(
                "A SACK block: bytes {} to {} arrived although earlier bytes (from {}) are missing; the other side needs to resend only the gap.",
                it.num("tcp.options.sack_le")?,
                it.num("tcp.options.sack_re")?,
                it.num("tcp.ack").unwrap_or(0)
            ),
            "RFC 2018, section 3 (SACK option format)".into(),
        ),
        "tcp.options.timestamp" | "tcp.options.timestamp.tsval" | "tcp.options.timestamp.tsecr" => {
            let tsval = it.num("tcp.options.timestamp.tsval")?;
            let tsecr = it.num("tcp.options.timestamp.tsecr")?;
            let echo = if tsecr == 0 {
                "TSecr 0: there is nothing to echo yet (a first SYN).".to_string()
            } else {
                format!("TSecr {tsecr} echoes the last TSval received from the other side, which can then measure the round trip time.")
            };
            (
                format!("TSval {tsval} is the sender's timestamp clock when it sent this segment (its unit is the sender's own, often a millisecond). {echo}"),
                format!("{rfc7323}, section 3 (timestamps option)"),
            )
        }
        "tcp.options.nop" => (
            "NOP: one byte of padding, so that the next option starts on a 4-byte boundary.".into(),
            "RFC 9293, section 3.2 (specific option definitions)".into(),
        ),
        "tcp.options.eol" => ("End of option list: the options end here; the rest of the header is padding.".into(), "RFC 9293, section 3.2 (specific option definitions)".into()),
        "tcp.option_kind" => {
            let kind = it.uint()?;
            let what = match kind {
                0 => "end of option list",
                1 => "no-operation (padding)",
                2 => "maximum segment size",
                3 => "window scale",
                4 => "SACK permitted",
                5 => "SACK",
                8 => "timestamps",
                _ => "an option this inspector does not decode",
            };
            (format!("Kind {kind}: {what}. The kind byte says how the bytes after it are read."), "RFC 9293, section 3.2 (specific option definitions)".into())
        }
        "tcp.option_len" => (
            format!("Length {}: the option's size in bytes, kind and length bytes included.", it.uint()?),
            "RFC 9293, section 3.2 (specific option definitions)".into(),
        ),
        _ => return None,
    };
    Story::new(read, vec![line])
}
