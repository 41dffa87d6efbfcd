//! IMAP request/response matching: each tagged request line, and the
//! frame of the last tagged line that answered it (Wireshark keys them by
//! conversation and tag in lower case).

use std::collections::BTreeMap;

use crate::dissect::conv::HashMap;
use crate::field::Timestamp;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    pub frame: u32,
    pub ts: Timestamp,
    /// The frame of the last line with this tag after the request (0: none yet).
    pub response: u32,
}

#[derive(Default)]
pub struct ImapState {
    /// (`tcp.stream`, tag) to the requests with that tag, by frame.
    pub requests: HashMap<(u32, String), BTreeMap<u32, Request>>,
    /// Streams whose STARTTLS waits for its answer.
    pub starttls: std::collections::HashSet<u32>,
}
