//! Decrypted application data handed to the protocol it carries: the one
//! the ALPN names, else the one of the port (HTTPS, SMTPS, IMAPS, POP3S, and
//! the mail ports where STARTTLS turns a conversation into TLS), dissected
//! from the plaintext as if it came straight over TCP.
//! A message longer than a record waits for the next records (Wireshark's
//! TLS reassembly), which complete it in a "Reassembled TLS" data source.

use super::state::TlsStream;
use crate::dissect::dispatch::{self, Pdu, TcpSeg};
use crate::dissect::tcp::stream::App;
use crate::dissect::{Buf, Ctx};

/// Dissects one record's plaintext (after what earlier records left).
pub fn hand_on(cx: &mut Ctx, plain: Vec<u8>, seg: &TcpSeg, st: &mut TlsStream) {
    let d = usize::from(!seg.from_client);
    let Some((_, Some(app))) = carried(st, seg) else {
        super::info(cx, "Application Data");
        return;
    };
    let mut bytes = std::mem::take(&mut st.pending[d]);
    let name = if bytes.is_empty() { "Decrypted TLS" } else { "Reassembled TLS" };
    bytes.extend_from_slice(&plain);
    let prev = cx.out.tree.source();
    let src = cx.out.add_source(name, Vec::new());
    cx.out.tree.set_source(src);
    let res = dispatch::tcp_port(cx, Some(app), seg, Buf::new(&bytes, bytes.len()));
    cx.out.tree.set_source(prev);
    if let Pdu::NeedMore { offset, .. } = res {
        if offset == 0 {
            super::info(cx, "[TLS segment of a reassembled PDU]");
        }
        st.pending[d] = bytes.get(offset..).unwrap_or_default().to_vec();
    }
    if let Some(s) = cx.out.sources.get_mut(src as usize - 1) {
        s.bytes = bytes;
    }
}

/// The protocol application data carries, as Wireshark names it, and our
/// dissector of it (none for HTTP/2), if the ALPN or the ports tell.
pub fn carried(st: &TlsStream, seg: &TcpSeg) -> Option<(&'static str, Option<App>)> {
    const HTTP: (&str, Option<App>) = ("Hypertext Transfer Protocol", Some(App::Http));
    match st.alpn.as_deref() {
        Some("http/1.1" | "http/1.0") => return Some(HTTP),
        Some("h2") => return Some(("HyperText Transfer Protocol 2", None)),
        _ => {}
    }
    [seg.sport.min(seg.dport), seg.sport.max(seg.dport)].into_iter().find_map(|p| match p {
        443 => Some(HTTP),
        25 | 465 | 587 => Some(("Simple Mail Transfer Protocol", Some(App::Smtp))),
        143 | 993 => Some(("Internet Message Access Protocol", Some(App::Imap))),
        110 | 995 => Some(("Post Office Protocol", Some(App::Pop))),
        _ => None,
    })
}
