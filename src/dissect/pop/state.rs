//! POP conversation state: whether the server's next reply starts a
//! message (after RETR or TOP), its announced size, and the pieces of a
//! message that comes in segments of its own.

use crate::dissect::conv::HashMap;

#[derive(Default)]
pub struct PopStream {
    /// RETR or TOP sent: the next reply says how many octets follow.
    pub msg_request: bool,
    /// STLS sent: a `+OK` makes what follows TLS.
    pub stls: bool,
    /// Octets announced by the `+OK n` reply, and read since in segments of
    /// their own (Wireshark counts only those).
    pub total: u32,
    pub read: u32,
    /// The message's pieces so far: their bytes, and (frame, length).
    pub pending: Vec<u8>,
    pub fragments: Vec<(u32, usize)>,
}

#[derive(Default)]
pub struct PopState {
    pub streams: HashMap<u32, PopStream>,
    /// Data segments on the first pass: whether more were expected, and the
    /// message they completed (its bytes and pieces), for later passes.
    pub frames: HashMap<u32, (bool, Option<(Vec<u8>, Vec<(u32, usize)>)>)>,
}
