//! Requests and replies in a conversation without sequence numbers (a UDP
//! flow, an ICMP echo exchange): a message answers the one just before it
//! when that came from the other side and is still unanswered. That is how
//! the pinger lab, DNS over UDP and ping pair up, and it needs nothing from
//! the payload: a ping the server dropped is a request followed by the
//! client's next one, so it stays alone.

/// One message of the exchange, in capture order.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// 1-based frame number.
    pub frame: u32,
    /// Time since the capture's first packet, in nanoseconds.
    pub rel: i64,
    pub from_client: bool,
    pub label: String,
    pub role: Role,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A message waiting for its answer, or answered by message `reply`.
    Request { reply: Option<usize> },
    /// The answer to message `request`, `rtt` nanoseconds after it.
    Reply { request: usize, rtt: i64 },
}

/// A conversation's messages, paired as they come.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Exchange {
    pub messages: Vec<Message>,
}

impl Exchange {
    /// Adds the next message of the conversation and pairs it.
    pub fn push(&mut self, frame: u32, rel: i64, from_client: bool, label: String) {
        let i = self.messages.len();
        let role = match self.messages.last_mut() {
            Some(prev) if prev.from_client != from_client && prev.role == (Role::Request { reply: None }) => {
                prev.role = Role::Request { reply: Some(i) };
                Role::Reply { request: i - 1, rtt: rel - prev.rel }
            }
            _ => Role::Request { reply: None },
        };
        self.messages.push(Message { frame, rel, from_client, label, role });
    }

    /// The frames of the client's messages nobody answered (the lost pings).
    pub fn unanswered(&self) -> impl Iterator<Item = u32> + '_ {
        self.messages.iter().filter(|m| m.from_client && m.role == Role::Request { reply: None }).map(|m| m.frame)
    }

    /// Whether the conversation's last message is a client request that
    /// may still get its reply: the capture goes on (`now`, its latest
    /// time, is Some) and the client's `timeout` (None: unknown, so no
    /// limit) has not passed since the request by `now`. Any earlier
    /// unanswered request is lost for good: a reply pairs only with the
    /// message just before it.
    pub fn waiting(&self, now: Option<i64>, timeout: Option<i64>) -> bool {
        self.messages.last().is_some_and(|m| {
            m.from_client
                && m.role == (Role::Request { reply: None })
                && now.is_some_and(|now| timeout.is_none_or(|t| now - m.rel <= t))
        })
    }

    /// The frames of the client's requests that can no longer be answered
    /// (`unanswered` less a request still `waiting`).
    pub fn lost(&self, now: Option<i64>, timeout: Option<i64>) -> Vec<u32> {
        let mut lost: Vec<u32> = self.unanswered().collect();
        if self.waiting(now, timeout) {
            lost.pop();
        }
        lost
    }
}

/// A round-trip time for a label: `1.234 ms`, `56 µs`, `1.500 s`.
pub fn rtt_text(ns: i64) -> String {
    let ns = ns.max(0) as f64;
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else {
        format!("{:.0} µs", ns / 1e3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_pairs_with_the_unanswered_message_just_before_it() {
        let mut x = Exchange::default();
        // ping 1 lost, ping 2 answered, ping 3 lost, ping 4 answered.
        x.push(1, 0, true, "Ping 1".into());
        x.push(2, 1_000_000_000, true, "Ping 2".into());
        x.push(3, 1_000_250_000, false, "PING 2".into());
        x.push(4, 2_000_000_000, true, "Ping 3".into());
        x.push(5, 3_000_000_000, true, "Ping 4".into());
        x.push(6, 3_002_000_000, false, "PING 4".into());
        let roles: Vec<Role> = x.messages.iter().map(|m| m.role).collect();
        assert_eq!(
            roles,
            [
                Role::Request { reply: None },
                Role::Request { reply: Some(2) },
                Role::Reply { request: 1, rtt: 250_000 },
                Role::Request { reply: None },
                Role::Request { reply: Some(5) },
                Role::Reply { request: 4, rtt: 2_000_000 },
            ]
        );
        assert_eq!(x.unanswered().collect::<Vec<_>>(), [1, 4]);
        // A second message from the server answers nothing.
        x.push(7, 3_100_000_000, false, "late".into());
        assert_eq!(x.messages[6].role, Role::Request { reply: None });
        assert_eq!(x.unanswered().collect::<Vec<_>>(), [1, 4]);
    }

    #[test]
    fn the_last_request_waits_until_its_timeout_has_passed_or_the_capture_ended() {
        let mut x = Exchange::default();
        x.push(1, 0, true, "Ping 1".into());
        // Still within the second the client waits: not lost yet.
        assert!(x.waiting(Some(400_000_000), Some(1_000_000_000)));
        assert!(x.lost(Some(400_000_000), Some(1_000_000_000)).is_empty());
        assert_eq!(x.lost(Some(1_000_000_001), Some(1_000_000_000)), [1]);
        assert_eq!(x.lost(None, Some(1_000_000_000)), [1]);
        // Without a known timeout only the capture's end settles it.
        assert!(x.lost(Some(9_000_000_000), None).is_empty());
        // The next ping settles the first: a reply would now pair with ping 2.
        x.push(2, 1_000_000_000, true, "Ping 2".into());
        assert_eq!(x.lost(Some(1_000_000_000), None), [1]);
        x.push(3, 1_000_100_000, false, "PING 2".into());
        assert!(!x.waiting(Some(1_000_100_000), None));
        assert_eq!(x.lost(Some(1_000_100_000), None), [1]);
    }

    #[test]
    fn rtt_reads_in_the_unit_that_suits_it() {
        assert_eq!(rtt_text(56_400), "56 µs");
        assert_eq!(rtt_text(1_234_567), "1.235 ms");
        assert_eq!(rtt_text(1_500_000_000), "1.500 s");
    }
}
