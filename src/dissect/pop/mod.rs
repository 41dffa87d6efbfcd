//! POP3 (RFC 1939) on TCP port 110, as Wireshark's `pop` dissector: each
//! segment on its own, its first line a command (`C: RETR 1`) or a status
//! (`S: +OK 218 octets`) split into its first word and the rest, the other
//! lines as data. A server segment that starts with neither `+OK` nor
//! `-ERR` is a piece of a message (RETR, TOP); the pieces are put together
//! until the announced size is read and shown as an Internet Message.

pub mod state;
#[cfg(test)]
mod tests;

use std::fmt::Write;

use crate::dissect::ftp::line;
use crate::dissect::http::show;
use crate::dissect::smtp::imf;
use crate::field::{Field, FieldDef, FieldType, Value};

use super::{Buf, Ctx, DResult, Pass, Pdu, TcpSeg};
use crate::field::plural;

pub static POP: FieldDef = FieldDef::new("pop", "Post Office Protocol", FieldType::Protocol)
    .desc("The Post Office Protocol (POP3) a mail client reads its mailbox with");
pub static REQUEST: FieldDef = FieldDef::new("pop.request", "Request", FieldType::String)
    .desc("A client's command line (its value is empty, as in Wireshark)");
pub static REQUEST_COMMAND: FieldDef = FieldDef::new("pop.request.command", "Request command", FieldType::String)
    .desc("The command word of a client's line (USER, RETR, ...)");
pub static REQUEST_PARAMETER: FieldDef = FieldDef::new("pop.request.parameter", "Request parameter", FieldType::String)
    .desc("What follows the command word");
pub static REQUEST_DATA: FieldDef = FieldDef::new("pop.request.data", "Data", FieldType::String)
    .desc("A further line of a client's segment (its value is empty)");
pub static RESPONSE: FieldDef = FieldDef::new("pop.response", "Response", FieldType::String)
    .desc("A server's status line (its value is empty, as in Wireshark)");
pub static RESPONSE_INDICATOR: FieldDef = FieldDef::new("pop.response.indicator", "Response indicator", FieldType::String)
    .desc("+OK or -ERR");
pub static RESPONSE_DESCRIPTION: FieldDef =
    FieldDef::new("pop.response.description", "Response description", FieldType::String)
        .desc("What follows the status indicator");
pub static RESPONSE_DATA: FieldDef = FieldDef::new("pop.response.data", "Data", FieldType::String)
    .desc("A further line of a server's segment: a listing's or a message's line (its value is empty)");
pub static FRAGMENT: FieldDef = FieldDef::new("pop.data.fragment", "DATA fragment", FieldType::FrameNum)
    .desc("A frame that carried a piece of the reassembled message");
pub static FRAGMENT_COUNT: FieldDef = FieldDef::new("pop.data.fragment.count", "DATA fragment count", FieldType::U32)
    .desc("How many frames carried the message");
pub static REASSEMBLED_LENGTH: FieldDef =
    FieldDef::new("pop.data.reassembled.length", "Reassembled DATA length", FieldType::U32)
        .desc("The length of the reassembled message");

pub static FIELDS: &[Field] = &[
    &POP, &REQUEST, &REQUEST_COMMAND, &REQUEST_PARAMETER, &REQUEST_DATA, &RESPONSE, &RESPONSE_INDICATOR,
    &RESPONSE_DESCRIPTION, &RESPONSE_DATA, &FRAGMENT, &FRAGMENT_COUNT, &REASSEMBLED_LENGTH,
];

pub const POP_PORT: u16 = 110;

pub fn is_pop_port(port: u16) -> bool {
    port == POP_PORT
}

/// One segment of a POP conversation.
pub fn dissect_tcp(cx: &mut Ctx, b: Buf, seg: &TcpSeg) -> DResult<Pdu> {
    let data = b.tail(0);
    let request = seg.dport == POP_PORT;
    cx.enter("pop", "POP");
    let (first, first_end) = line(data, 0);
    let status = first.starts_with(b"+OK") || first.starts_with(b"-ERR");
    cx.tree().open(&POP, b.range(0, data.len()), Value::None);
    if !request && !status {
        piece(cx, &b, seg.stream);
        return Ok(Pdu::Done(data.len()));
    }
    let _ = write!(cx.out.cols.info(), "{}: {}", if request { "C" } else { "S" }, show(first));
    if cx.pass == Pass::First && !cx.quoted {
        note(cx, seg.stream, request, first);
    }
    let t = cx.tree();
    let id = t.open(if request { &REQUEST } else { &RESPONSE }, b.range(0, first_end), Value::str(""));
    t.set_text(id, show(&data[..first_end]));
    // The first word (up to a space), then the rest of the line.
    let word = first.iter().position(|&c| c == b' ').unwrap_or(first.len());
    if word > 0 {
        let f = if request { &REQUEST_COMMAND } else { &RESPONSE_INDICATOR };
        t.add(f, b.range(0, word), Value::str(show(&first[..word])));
    }
    let rest_at = (word + 1).min(first.len());
    let rest = &first[rest_at..];
    if !rest.is_empty() {
        let f = if request { &REQUEST_PARAMETER } else { &RESPONSE_DESCRIPTION };
        t.add(f, b.range(rest_at, rest.len()), Value::str(show(rest)));
    }
    t.close();
    let mut off = first_end;
    while off < data.len() {
        let (_, next) = line(data, off);
        let id = t.add(if request { &REQUEST_DATA } else { &RESPONSE_DATA }, b.range(off, next - off), Value::str(""));
        t.set_text(id, show(&data[off..next]));
        off = next;
    }
    t.close();
    Ok(Pdu::Done(data.len()))
}

/// The first pass's record of a command or status line: RETR and TOP make
/// the next reply announce a message, whose `+OK n` gives its size; after
/// STLS (RFC 2595) and its `+OK` the stream continues as TLS, as Wireshark
/// hands it over.
fn note(cx: &mut Ctx, stream: u32, request: bool, first: &[u8]) {
    let st = cx.session.pop.streams.entry(stream).or_default();
    let starts = |w: &[u8]| first.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w));
    if request {
        if starts(b"RETR") || starts(b"TOP") {
            st.msg_request = true;
        }
        st.stls = starts(b"STLS");
        return;
    }
    if std::mem::take(&mut st.stls) && starts(b"+OK") {
        crate::dissect::hand_over(cx, stream, crate::dissect::tcp::stream::App::Tls);
        return;
    }
    if st.msg_request {
        if starts(b"+OK ") {
            st.read = 0;
            st.total = leading_number(&first[4..]);
        }
        st.msg_request = false;
    }
}

/// C's `atoi`: the decimal number at the start (after blanks), 0 if none.
fn leading_number(s: &[u8]) -> u32 {
    let s = &s[s.iter().take_while(|c| c.is_ascii_whitespace()).count()..];
    s.iter().take_while(|c| c.is_ascii_digit()).fold(0u32, |n, d| n.wrapping_mul(10).wrapping_add((d - b'0') as u32))
}

/// A server segment that is a piece of a message: counted against the
/// announced size; the piece that reaches it completes the message, shown
/// as an Internet Message (Wireshark's reassembly of POP DATA).
fn piece(cx: &mut Ctx, b: &Buf, stream: u32) {
    let data = b.tail(0);
    let frame = cx.meta.number;
    let len = b.reported_len();
    let _ = write!(cx.out.cols.info(), "S: DATA fragment, {len} byte{}", plural(len));
    let recorded = cx.session.pop.frames.get(&frame).cloned();
    let (more, message) = match recorded {
        Some(r) => r,
        None if cx.pass == Pass::First && !cx.quoted => {
            let st = cx.session.pop.streams.entry(stream).or_default();
            st.read = st.read.wrapping_add(len as u32);
            let more = st.read < st.total;
            st.pending.extend_from_slice(data);
            st.fragments.push((frame, data.len()));
            let message = (!more).then(|| {
                st.read = 0;
                st.total = 0;
                (std::mem::take(&mut st.pending), std::mem::take(&mut st.fragments))
            });
            cx.session.pop.frames.insert(frame, (more, message.clone()));
            (more, message)
        }
        None => (true, None),
    };
    let Some((message, fragments)) = message.filter(|_| !more) else {
        cx.tree().close();
        return;
    };
    if let [(f, _)] = fragments[..] {
        if f == frame {
            // One piece, in this very frame: Wireshark lists no pieces.
            cx.tree().close();
            imf::dissect(cx, *b);
            return;
        }
    }
    let fields = imf::Fragments { fragment: &FRAGMENT, count: &FRAGMENT_COUNT, length: &REASSEMBLED_LENGTH, source: "Reassembled DATA" };
    imf::reassembled(cx, b, message, &fragments, &fields);
}
