//! NTP request/response pairing (`ntp.response_in`, `ntp.request_in`,
//! `ntp.delta_time`): a server's response repeats the transmit timestamp
//! of the client's request as its origin timestamp, within one UDP
//! conversation.

use crate::dissect::conv::{ConvKey, HashMap};
use crate::field::Timestamp;

/// What one frame's NTP message is linked to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Links {
    /// For a request: the frame of its response (known on a later pass).
    pub response_in: u32,
    /// For a response: the frame of its request.
    pub request_in: u32,
    /// For a response: nanoseconds since its request.
    pub time: Option<i64>,
}

#[derive(Clone, Copy, Debug)]
struct Exchange {
    req_frame: u32,
    req_ts: Timestamp,
    rep_frame: u32,
}

#[derive(Default)]
pub struct NtpState {
    exchanges: Vec<Exchange>,
    /// Each request by conversation and transmit timestamp.
    open: HashMap<(Option<ConvKey>, u64), usize>,
    /// The exchange each frame took part in, for later passes.
    by_frame: HashMap<u32, usize>,
}

impl NtpState {
    /// Records a request (keyed by its transmit timestamp) or a response
    /// (by its origin timestamp) on the first pass. Wireshark shows the
    /// links only on later passes, the response's too.
    pub fn first_pass(&mut self, conv: Option<ConvKey>, key: u64, response: bool, frame: u32, ts: Timestamp) {
        if !response {
            let e = self.exchanges.len();
            self.exchanges.push(Exchange { req_frame: frame, req_ts: ts, rep_frame: 0 });
            self.open.insert((conv, key), e);
            self.by_frame.insert(frame, e);
            return;
        }
        let Some(&e) = self.open.get(&(conv, key)) else { return };
        self.by_frame.insert(frame, e);
        if let Some(x) = self.exchanges.get_mut(e).filter(|x| x.rep_frame == 0) {
            x.rep_frame = frame;
        }
    }

    /// The links of a frame already seen, in both directions.
    pub fn revisit(&self, frame: u32, response: bool, ts: Timestamp) -> Links {
        let Some(x) = self.by_frame.get(&frame).and_then(|&e| self.exchanges.get(e)) else {
            return Links::default();
        };
        if response {
            Links { request_in: x.req_frame, time: Some(ts.since(x.req_ts)), ..Links::default() }
        } else {
            Links { response_in: x.rep_frame, ..Links::default() }
        }
    }
}
