//! What the session tables key on: the conversation key of a transport flow,
//! the map type every table uses, and the per-call state of TCP applications. Below every protocol's state, so the
//! tables and the headless router share them without depending on `Session`.

use std::net::IpAddr;

/// The session tables' map: keys are addresses, ports and frame numbers,
/// hashed for every packet, where SipHash's strength costs more than it
/// buys (foldhash is seeded per process, so crafted captures cannot
/// predict collisions).
pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Both directions of a transport conversation map to one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConvKey {
    pub a: (IpAddr, u16),
    pub b: (IpAddr, u16),
}

impl ConvKey {
    pub fn new(src: IpAddr, sport: u16, dst: IpAddr, dport: u16) -> ConvKey {
        let (x, y) = ((src, sport), (dst, dport));
        if x <= y {
            ConvKey { a: x, b: y }
        } else {
            ConvKey { a: y, b: x }
        }
    }
}

/// The key of one call of a TCP application in a frame: TCP may call it
/// more than once in a frame (its own bytes, then a held segment they
/// complete), each call starting from its own state.
pub fn call_key(frame: u32, bytes: &[u8]) -> (u32, u64) {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    (frame, h.finish())
}

/// A TCP application's state per stream, and the state each call started
/// from, so that a later pass replays a call from where the first pass
/// stood (Wireshark keeps such state per frame). States are boxed: a TLS
/// stream's keys make it kilobytes, which a growing table would copy.
pub struct CallStates<S> {
    streams: HashMap<u32, Box<S>>,
    frames: HashMap<(u32, u64), Box<S>>,
    /// Whether a later pass will replay calls (off for one headless pass:
    /// then no call's starting state is copied and kept).
    pub keep_frames: bool,
}

impl<S> Default for CallStates<S> {
    fn default() -> Self {
        CallStates { streams: HashMap::default(), frames: HashMap::default(), keep_frames: true }
    }
}

impl<S: Clone + Default> CallStates<S> {
    /// The state a call of `stream` on `bytes` in `frame` starts from, and
    /// whether it is the first pass's (whose result `end` keeps). A quoted
    /// segment (inside an ICMP error) changes nothing. On a later pass
    /// `settle` gives the saved state what the whole conversation settled
    /// on (Wireshark's second pass sees its conversation's final state).
    pub fn begin(&mut self, frame: u32, bytes: &[u8], cx: (u32, crate::dissect::Pass, bool), settle: impl FnOnce(&mut S, &S)) -> (Box<S>, bool) {
        let (stream, pass, quoted) = cx;
        let saved = match pass {
            crate::dissect::Pass::Revisit => self.frames.get(&call_key(frame, bytes)).cloned(),
            crate::dissect::Pass::First => None,
        };
        let first_pass = saved.is_none() && !quoted;
        if first_pass {
            // The first pass moves the stream's state out; `end` puts it back.
            let st = self.streams.remove(&stream).unwrap_or_default();
            if self.keep_frames {
                self.frames.insert(call_key(frame, bytes), st.clone());
            }
            return (st, true);
        }
        let mut st = saved.unwrap_or_else(|| self.streams.get(&stream).cloned().unwrap_or_default());
        if let Some(fin) = self.streams.get(&stream) {
            settle(&mut st, fin);
        }
        (st, false)
    }

    /// Keeps the state after a first-pass call.
    pub fn end(&mut self, stream: u32, st: Box<S>, first_pass: bool) {
        if first_pass {
            self.streams.insert(stream, st);
        }
    }
}
