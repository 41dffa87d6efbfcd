//! What QUIC remembers across packets. Connections are found by their
//! connection IDs, as Wireshark tracks them (the IDs each side chose, those
//! NEW_CONNECTION_ID frames announce later, and the client's original
//! Destination Connection ID), else by their UDP conversation; each keeps
//! its packet protection keys, the largest packet number of each number
//! space (truncated numbers decode against it), the CRYPTO streams being
//! reassembled and the TLS handshake state they feed.
//!
//! The first pass records what it learned about each datagram (`Memo`);
//! later passes show the datagram from that record alone.

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::crypto::{Keys, Opened};
use super::http3::Chunk;
use super::qpack::Table;
use crate::dissect::conv::{ConvKey, HashMap};
use crate::dissect::tls::keylog;
use crate::dissect::tls::state::TlsStream;

/// Encryption levels, which are also the packet number spaces (0-RTT and
/// 1-RTT share the application space).
pub const INITIAL: usize = 0;
pub const HANDSHAKE: usize = 1;
pub const APPLICATION: usize = 2;

#[derive(Default)]
pub struct QuicState {
    conns: Vec<Conn>,
    /// Every connection ID seen, and its connection.
    cids: HashMap<Vec<u8>, usize>,
    /// The lengths of those IDs: a short header does not say its own.
    cid_lens: Vec<usize>,
    /// The UDP conversations QUIC was found on.
    convs: HashMap<ConvKey, usize>,
    memos: HashMap<u32, Memo>,
}

#[derive(Clone, Debug, Default)]
pub struct Conn {
    pub number: u32,
    /// The endpoint that sent the first Initial.
    pub client: Option<(IpAddr, u16)>,
    pub version: u32,
    /// The Destination Connection ID of the client's first Initial (Retry
    /// tags cover it), and the one its Initial keys come from (after a
    /// Retry, the ID the Retry gave).
    pub odcid: Vec<u8>,
    pub initial: Option<[Keys; 2]>,
    /// Handshake and 1-RTT keys of each direction (client first), from the key log.
    pub keys: [[Option<Keys>; 2]; 2],
    /// The largest packet number of each direction's number spaces.
    pub largest: [[Option<u64>; 3]; 2],
    /// Each direction's CRYPTO stream at each level.
    pub crypto: [[Reassembly; 3]; 2],
    pub tls: TlsStream,
    /// 1-RTT keys were looked for and missing (Wireshark says so once).
    pub app_keys_missing: bool,
    /// Connection IDs announced by NEW_CONNECTION_ID frames, to register.
    pub new_cids: Vec<Vec<u8>>,
    /// The connection IDs each side (client first) chose: a short header's
    /// Destination Connection ID is one its receiver chose.
    pub side_cids: [Vec<Vec<u8>>; 2],
    /// The HTTP/3 type of each unidirectional stream begun.
    pub h3_uni: BTreeMap<u64, u64>,
    /// Where the next HTTP/3 frame starts in each stream and direction.
    pub h3_next: BTreeMap<(u64, usize), u64>,
    /// Each direction's 1-RTT keys of the generation before the current one
    /// (packets sent before a key update may arrive after it).
    pub prev_app: [Option<Keys>; 2],
    /// The QPACK dynamic table each side's encoder stream fills (client's first).
    pub qpack: [Table; 2],
}

/// One CRYPTO stream: the bytes up to `next` were handed on; `pending`
/// holds those after the last complete handshake message, `early` the
/// frames that arrived before the bytes preceding them.
#[derive(Clone, Debug, Default)]
pub struct Reassembly {
    next: u64,
    pending: Vec<u8>,
    early: BTreeMap<u64, Vec<u8>>,
}

/// What a CRYPTO frame did to its stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Crypto {
    /// Its bytes were there already.
    Reused,
    /// It completed no handshake message.
    Held,
    /// It completed these handshake messages; `own`: they are the frame's
    /// own bytes, from its start.
    Messages { bytes: Vec<u8>, own: bool, tls: Box<TlsStream> },
}

impl Reassembly {
    /// Adds a frame's bytes at `offset`; returns the complete handshake
    /// messages it makes available, and whether they are exactly the frame's
    /// leading bytes.
    pub fn add(&mut self, offset: u64, data: &[u8]) -> Option<(Vec<u8>, bool)> {
        let end = offset.checked_add(data.len() as u64)?;
        if end <= self.next {
            return None;
        }
        if offset > self.next {
            self.early.insert(offset, data.to_vec());
            return Some((Vec::new(), false));
        }
        let own = offset == self.next && self.pending.is_empty();
        let skip = (self.next - offset) as usize;
        self.pending.extend_from_slice(&data[skip..]);
        self.next = end;
        while let Some(entry) = self.early.first_entry() {
            let at = *entry.key();
            if at > self.next {
                break;
            }
            let bytes = entry.remove();
            let stop = at + bytes.len() as u64;
            if stop > self.next {
                self.pending.extend_from_slice(&bytes[(self.next - at) as usize..]);
                self.next = stop;
            }
        }
        let complete = complete_messages(&self.pending);
        let done: Vec<u8> = self.pending.drain(..complete).collect();
        Some((done, own && complete > 0 && complete <= data.len()))
    }
}

/// How many leading bytes of `b` are whole handshake messages (type, 24-bit length, body).
fn complete_messages(b: &[u8]) -> usize {
    let mut p = 0;
    while let Some(l) = b.get(p + 1..p + 4) {
        let next = p + 4 + u32::from_be_bytes([0, l[0], l[1], l[2]]) as usize;
        if next > b.len() {
            break;
        }
        p = next;
    }
    p
}

/// What the first pass learned about one datagram.
#[derive(Clone, Debug, Default)]
pub struct Memo {
    pub conn: Option<u32>,
    pub from_server: bool,
    pub packets: Vec<PacketMemo>,
}

#[derive(Clone, Debug, Default)]
pub struct PacketMemo {
    pub opened: Option<Opened>,
    /// Why it was not decrypted, when Wireshark says so.
    pub failure: Option<&'static str>,
    /// One entry per CRYPTO frame, in order.
    pub crypto: Vec<Crypto>,
    /// A Retry's integrity tag checked out.
    pub retry_ok: bool,
    /// A short header's Destination Connection ID length.
    pub dcid_len: usize,
    /// One entry per STREAM frame: where its data lies in an HTTP/3 stream
    /// (None: not HTTP/3's).
    pub streams: Vec<Option<Chunk>>,
}

impl Conn {
    pub fn add_side_cid(&mut self, side: usize, cid: &[u8]) {
        if !cid.is_empty() && !self.side_cids[side].iter().any(|c| c == cid) {
            self.side_cids[side].push(cid.to_vec());
        }
    }

    /// The length of the ID `side` chose that starts `bytes` (0: none).
    pub fn cid_len(&self, side: usize, bytes: &[u8]) -> usize {
        self.side_cids[side].iter().find(|c| bytes.starts_with(c)).map_or(0, Vec::len)
    }

    /// The keys protecting `level` in direction `d` (0: from the client).
    pub fn keys(&mut self, level: usize, d: usize) -> Option<&Keys> {
        if level == INITIAL {
            return self.initial.as_ref().map(|k| &k[d]);
        }
        let slot = level - 1;
        if self.keys[slot][d].is_none() {
            self.keys[slot][d] = self.from_key_log(slot, d);
        }
        self.keys[slot][d].as_ref()
    }

    /// Keys from the key log's traffic secrets, once the ServerHello named the suite.
    fn from_key_log(&self, slot: usize, d: usize) -> Option<Keys> {
        let (random, suite) = (self.tls.randoms[0]?, self.tls.cipher?);
        let secrets = keylog::lookup(&random)?;
        let secret = if slot == 0 { &secrets.handshake[d] } else { &secrets.traffic[d] };
        Keys::from_secret(suite, secret.as_deref()?, self.version)
    }
}

impl QuicState {
    /// Connections numbered so far (`quic.connection.number` counts from 0).
    pub fn connection_count(&self) -> u32 {
        self.conns.len() as u32
    }

    /// Whether QUIC was found on this UDP conversation before.
    pub fn knows(&self, conv: &ConvKey) -> bool {
        self.convs.contains_key(conv)
    }

    /// Whether a short header's Destination Connection ID (its first bytes
    /// after the first byte) is one of a known connection.
    pub fn knows_short(&self, after_first: &[u8]) -> bool {
        self.cid_lens.iter().any(|&n| after_first.get(..n).is_some_and(|c| self.cids.contains_key(c)))
    }

    pub fn memo(&self, frame: u32) -> Option<&Memo> {
        self.memos.get(&frame)
    }

    pub fn keep(&mut self, frame: u32, memo: Memo) {
        self.memos.insert(frame, memo);
    }

    /// The connection of a datagram whose first packet has these IDs
    /// (`scid` None: a short header, whose DCID length is unknown), a new
    /// one for an Initial that matches none.
    pub fn find(&mut self, conv: Option<ConvKey>, dcid: &[u8], scid: Option<&[u8]>, new: Option<u32>) -> Option<usize> {
        let by_cid = match scid {
            Some(_) => self.cids.get(dcid).copied(),
            None => self.cid_lens.iter().find_map(|&n| dcid.get(..n).and_then(|c| self.cids.get(c)).copied()),
        };
        let found = by_cid.filter(|_| !dcid.is_empty()).or_else(|| conv.and_then(|c| self.convs.get(&c).copied()));
        let i = match (found, new) {
            (Some(i), _) => i,
            (None, Some(version)) => {
                let number = self.conns.len() as u32;
                self.conns.push(Conn { number, version, odcid: dcid.to_vec(), ..Conn::default() });
                number as usize
            }
            (None, None) => return None,
        };
        if let Some(c) = conv {
            self.convs.entry(c).or_insert(i);
        }
        Some(i)
    }

    /// Remembers a connection ID as one of connection `i`'s.
    pub fn add_cid(&mut self, i: usize, cid: &[u8]) {
        if cid.is_empty() {
            return;
        }
        self.cids.entry(cid.to_vec()).or_insert(i);
        if !self.cid_lens.contains(&cid.len()) {
            self.cid_lens.push(cid.len());
        }
    }

    pub fn take(&mut self, i: usize) -> Option<Conn> {
        self.conns.get_mut(i).map(std::mem::take)
    }

    /// Puts a connection back after a datagram, with the IDs it announced.
    pub fn put(&mut self, i: usize, mut conn: Conn) {
        for cid in std::mem::take(&mut conn.new_cids) {
            self.add_cid(i, &cid);
        }
        if let Some(slot) = self.conns.get_mut(i) {
            *slot = conn;
        }
    }
}
