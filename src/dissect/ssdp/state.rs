//! SSDP message numbering: the requests and the responses of each UDP
//! conversation are numbered apart (`http.request_number`,
//! `http.prev_request_in`, and the same for responses). A search goes to a
//! multicast address and its answers come from each device's own address,
//! so no response is paired with a request.

use crate::dissect::http::state::Links;
use crate::dissect::conv::{ConvKey, HashMap};

#[derive(Default, Clone, Copy)]
struct Count {
    /// Messages so far and the frame of the last one.
    number: u32,
    last: u32,
}

/// What the first pass learnt of one message.
#[derive(Default, Clone, Copy)]
struct Seen {
    number: u32,
    /// The previous and the next message of its kind (0: none).
    prev: u32,
    next: u32,
    response: bool,
}

#[derive(Default)]
pub struct SsdpState {
    /// Requests and responses of each conversation.
    counts: HashMap<(Option<ConvKey>, bool), Count>,
    by_frame: HashMap<u32, Seen>,
}

impl SsdpState {
    /// Numbers a message on the first pass.
    pub fn first_pass(&mut self, conv: Option<ConvKey>, response: bool, frame: u32) -> Links {
        let c = self.counts.entry((conv, response)).or_default();
        let prev = c.last;
        c.number += 1;
        c.last = frame;
        let seen = Seen { number: c.number, prev, next: 0, response };
        if let Some(p) = self.by_frame.get_mut(&prev).filter(|_| prev != 0) {
            p.next = frame;
        }
        self.by_frame.insert(frame, seen);
        links(seen)
    }

    /// The links of a message already seen, the next one's included.
    pub fn revisit(&self, frame: u32) -> Links {
        links(self.by_frame.get(&frame).copied().unwrap_or_default())
    }
}

/// A message's number and the messages of its kind around it.
fn links(s: Seen) -> Links {
    if s.response {
        Links { number: s.number, prev_response: s.prev, next_response: s.next, ..Links::default() }
    } else {
        Links { number: s.number, prev_request: s.prev, next_request: s.next, ..Links::default() }
    }
}
