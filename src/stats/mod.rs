//! Statistics over a whole capture, as tshark's `-z` prints them:
//! conversations (`conv,tcp` …), the protocol hierarchy (`io,phs`) and the
//! contents of one stream (`follow,tcp,ascii,N`).
//!
//! Every statistic is a tap: it sees each packet's dissection after it is
//! made and reads the registry's items (`ip.src`, `tcp.srcport`,
//! `tcp.stream`, `frame.len` …), so it follows whatever the dissectors
//! decode, and it draws its table once the capture ends.

pub mod conv;
pub mod follow;
pub mod ladder;
pub mod phs;
pub mod scan;
pub mod transactions;
mod size;

pub use scan::Addr;
pub use size::format_size;

use crate::dissect::{Dissection, FrameMeta};
use crate::session::Session;

/// One `-z` statistic.
pub trait Tap {
    fn packet(&mut self, meta: &FrameMeta, d: &Dissection, data: &[u8]);
    /// Appends the finished table to `out`; `session` holds what the
    /// dissectors tracked across packets (TCP streams).
    fn draw(&self, session: &Session, out: &mut String);
}

/// Builds the tap a `-z` argument names.
pub fn parse(arg: &str) -> Result<Box<dyn Tap>, String> {
    if let Some(rest) = arg.strip_prefix("conv,") {
        return conv::ConvTap::parse(rest).map(|t| Box::new(t) as Box<dyn Tap>);
    }
    if arg == "io,phs" {
        return Ok(Box::new(phs::PhsTap::default()));
    }
    if let Some(rest) = arg.strip_prefix("follow,") {
        return follow::FollowTap::parse(rest).map(|t| Box::new(t) as Box<dyn Tap>);
    }
    Err(format!(
        "invalid -z argument {arg:?} (supported: conv,eth|ip|ipv6|tcp|udp, io,phs, follow,tcp|udp,ascii|hex|raw,N)"
    ))
}

/// The taps of one run, drawn as tshark draws them: the last one given first.
#[derive(Default)]
pub struct Stats {
    taps: Vec<Box<dyn Tap>>,
}

impl Stats {
    pub fn new(args: &[String]) -> Result<Stats, String> {
        let taps = args.iter().map(|a| parse(a)).collect::<Result<_, _>>()?;
        Ok(Stats { taps })
    }

    pub fn is_empty(&self) -> bool {
        self.taps.is_empty()
    }

    pub fn packet(&mut self, meta: &FrameMeta, d: &Dissection, data: &[u8]) {
        for t in &mut self.taps {
            t.packet(meta, d, data);
        }
    }

    pub fn draw(&self, session: &Session, out: &mut String) {
        for t in self.taps.iter().rev() {
            t.draw(session, out);
        }
    }
}

/// Seconds as a C `double`, the way Wireshark's `nstime_to_sec` makes them
/// (seconds and nanoseconds converted apart), so that large values round
/// the same way in the printed digits.
pub fn nanos_to_sec(ns: i64) -> f64 {
    (ns / 1_000_000_000) as f64 + (ns % 1_000_000_000) as f64 / 1e9
}
