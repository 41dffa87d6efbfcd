//! What a WebSocket connection keeps from frame to frame: whether
//! permessage-deflate was negotiated, each direction's inflater (its
//! window carries over between messages unless the handshake said
//! `*_no_context_takeover`), each direction's message in progress when sent
//! in fragments, and what the first pass inflated and reassembled, for
//! later passes.

use flate2::{Decompress, FlushDecompress, Status};

use crate::dissect::conv::HashMap;

/// A message may not inflate past this (a few compressed bytes can claim gigabytes).
const MAX_INFLATED: usize = 16 << 20;

#[derive(Default)]
pub struct WsState {
    /// By `tcp.stream`: connections HTTP upgraded, with what they negotiated.
    pub streams: HashMap<u32, WsStream>,
    /// By frame and payload (`conv::call_key`): each compressed payload's
    /// inflated bytes, `None` where inflating failed.
    pub inflated: HashMap<(u32, u64), Option<Vec<u8>>>,
    /// By the last fragment's frame and bytes: the message it completed.
    pub reassembled: HashMap<(u32, u64), Message>,
}

/// A message sent in fragments, put together.
#[derive(Clone, Debug, Default)]
pub struct Message {
    /// The opcode of its first fragment.
    pub opcode: u8,
    /// Its first fragment said it is deflated.
    pub compressed: bool,
    /// Each fragment's frame and payload length.
    pub parts: Vec<(u32, u32)>,
    pub bytes: Vec<u8>,
}

#[derive(Default)]
pub struct WsStream {
    /// permessage-deflate, when the server's 101 accepted it.
    pub deflate: Option<Deflate>,
    /// Client to server, server to client: the message in progress, when sent in fragments.
    pub fragments: [Option<Message>; 2],
}

/// Each direction's inflater; `None` where every message starts afresh.
pub struct Deflate {
    pub contexts: [Option<Decompress>; 2],
}

impl WsStream {
    /// The state an upgrade's `Sec-WebSocket-Extensions` header (from the
    /// server's 101) sets up; `x-webkit-deflate-frame` is Safari's old name
    /// for the same compression.
    pub fn negotiated(extensions: &str) -> WsStream {
        let ext = extensions.to_ascii_lowercase();
        if !ext.contains("permessage-deflate") && !ext.contains("x-webkit-deflate-frame") {
            return WsStream::default();
        }
        let context = |no_takeover: &str| (!ext.contains(no_takeover)).then(|| Decompress::new(false));
        let contexts = [context("server_no_context_takeover"), context("client_no_context_takeover")];
        WsStream { deflate: Some(Deflate { contexts }), ..WsStream::default() }
    }
}

impl Deflate {
    /// Inflates one message's payload sent in direction `dir` (RFC 7692
    /// section 7.2.2: the sender removed the empty block's `00 00 ff ff`
    /// tail, put back here).
    pub fn inflate(&mut self, dir: usize, payload: &[u8]) -> Option<Vec<u8>> {
        let mut fresh;
        let z = match self.contexts.get_mut(dir) {
            Some(Some(z)) => z,
            _ => {
                fresh = Decompress::new(false);
                &mut fresh
            }
        };
        inflate(z, payload)
    }
}

/// `payload` and the sync-flush tail through `z`; `None` on corrupt data.
pub fn inflate(z: &mut Decompress, payload: &[u8]) -> Option<Vec<u8>> {
    let input: Vec<u8> = payload.iter().copied().chain([0, 0, 0xff, 0xff]).collect();
    let mut out = Vec::with_capacity(payload.len() * 2 + 64);
    let mut consumed = 0;
    loop {
        if out.len() == out.capacity() {
            if out.len() >= MAX_INFLATED {
                return None;
            }
            out.reserve(out.len().max(64));
        }
        let before = (z.total_in(), z.total_out());
        let status = z.decompress_vec(&input[consumed..], &mut out, FlushDecompress::Sync).ok()?;
        consumed += (z.total_in() - before.0) as usize;
        let progressed = z.total_in() != before.0 || z.total_out() != before.1;
        match status {
            Status::StreamEnd => return Some(out),
            _ if consumed >= input.len() && out.len() < out.capacity() => return Some(out),
            _ if !progressed => return Some(out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compress, Compression, FlushCompress};

    /// Compresses as a permessage-deflate sender does: a sync flush, its tail dropped.
    fn deflate(c: &mut Compress, text: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 64);
        c.compress_vec(text, &mut out, FlushCompress::Sync).unwrap();
        assert!(out.ends_with(&[0, 0, 0xff, 0xff]));
        out.truncate(out.len() - 4);
        out
    }

    #[test]
    fn the_window_carries_over_unless_the_handshake_says_no() {
        let mut c = Compress::new(Compression::default(), false);
        let first = deflate(&mut c, b"hello websocket");
        let second = deflate(&mut c, b"hello websocket");
        // The second message refers back into the first one's window.
        assert!(second.len() < first.len());
        let mut ws = WsStream::negotiated("permessage-deflate; client_max_window_bits");
        let d = ws.deflate.as_mut().unwrap();
        assert_eq!(d.inflate(0, &first).as_deref(), Some(&b"hello websocket"[..]));
        assert_eq!(d.inflate(0, &second).as_deref(), Some(&b"hello websocket"[..]));
        // Without the window the second cannot be read.
        let mut ws = WsStream::negotiated("permessage-deflate; client_no_context_takeover; server_no_context_takeover");
        let d = ws.deflate.as_mut().unwrap();
        assert_eq!(d.inflate(0, &first).as_deref(), Some(&b"hello websocket"[..]));
        assert_ne!(d.inflate(0, &second).as_deref(), Some(&b"hello websocket"[..]));
        assert!(WsStream::negotiated("").deflate.is_none());
    }

    #[test]
    fn garbage_does_not_inflate_and_a_bomb_stops_at_the_limit() {
        assert_eq!(inflate(&mut Decompress::new(false), &[0xff; 8]), None);
        let mut c = Compress::new(Compression::best(), false);
        let bomb = deflate(&mut c, &vec![0; MAX_INFLATED * 2]);
        assert_eq!(inflate(&mut Decompress::new(false), &bomb), None);
    }
}
