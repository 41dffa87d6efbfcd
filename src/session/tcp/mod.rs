//! TCP streams: the table of connections seen so far.

use std::collections::HashMap;
use std::net::IpAddr;

use super::ConvKey;

#[derive(Default)]
pub struct TcpTable {
    by_conv: HashMap<ConvKey, u32>,
    /// The client (first sender) of each stream.
    clients: Vec<(IpAddr, u16)>,
}

impl TcpTable {
    /// `tcp.stream` of a segment and whether its sender is the client.
    pub fn stream_of(&mut self, src: IpAddr, sport: u16, dst: IpAddr, dport: u16) -> (u32, bool) {
        let key = ConvKey::new(src, sport, dst, dport);
        let next = self.clients.len() as u32;
        let s = *self.by_conv.entry(key).or_insert(next);
        if s == next {
            self.clients.push((src, sport));
        }
        (s, self.clients.get(s as usize) == Some(&(src, sport)))
    }
}
