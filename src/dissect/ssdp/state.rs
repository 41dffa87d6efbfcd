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

#[derive(Default)]
pub struct SsdpState {
    /// Requests and responses of each conversation.
    counts: HashMap<(Option<ConvKey>, bool), Count>,
    /// Each message's number and the previous message's frame.
    by_frame: HashMap<u32, (u32, u32)>,
}

impl SsdpState {
    /// Numbers a message on the first pass.
    pub fn first_pass(&mut self, conv: Option<ConvKey>, response: bool, frame: u32) -> Links {
        let c = self.counts.entry((conv, response)).or_default();
        let prev = c.last;
        c.number += 1;
        c.last = frame;
        self.by_frame.insert(frame, (c.number, prev));
        Links { number: c.number, prev, ..Links::default() }
    }

    /// The number of a message already seen.
    pub fn revisit(&self, frame: u32) -> Links {
        let (number, prev) = self.by_frame.get(&frame).copied().unwrap_or_default();
        Links { number, prev, ..Links::default() }
    }
}
