//! Statistics over a whole capture, as tshark's `-z` prints them:
//! conversations (`conv,tcp` …), endpoints (`endpoints,ip` …), the
//! protocol hierarchy (`io,phs`), frames and bytes per interval
//! (`io,stat`), the expert notes (`expert`), the stats trees (`plen,tree`, `http,tree`, `dns,tree` …)
//! and the contents of one stream (`follow,tcp,ascii,N`).
//!
//! Every statistic is a tap: it sees each packet's dissection after it is
//! made and reads the registry's items (`ip.src`, `tcp.srcport`,
//! `tcp.stream`, `frame.len` …), so it follows whatever the dissectors
//! decode, and it draws its table once the capture ends.

pub mod command_replies;
pub mod conv;
pub mod endpoints;
pub mod exchange;
pub mod expert;
pub mod follow;
pub mod iostat;
pub mod ladder;
pub mod phs;
pub mod scan;
pub mod transactions;
pub mod tree;
pub mod trees;
mod size;

pub use scan::Addr;
pub use size::format_size;

use crate::dissect::{Dissection, FrameMeta};
use crate::field::Field;
use crate::filter::Filter;
use crate::dissect::session::Session;

/// One `-z` statistic.
pub trait Tap {
    fn packet(&mut self, meta: &FrameMeta, d: &Dissection, data: &[u8]);
    /// Appends the finished table to `out`; `session` holds what the
    /// dissectors tracked across packets (TCP streams).
    fn draw(&self, session: &Session, out: &mut String);
    /// The fields and protocols the tap's own filters read.
    fn filter_fields(&self) -> Vec<Field> {
        Vec::new()
    }
    /// Told every field some filter of the run reads: as in tshark, where
    /// the tree keeps only what a filter asks for, these are the fields
    /// whose values a tap can see (`io,stat`'s `SUM(tcp.len)`), and a
    /// filter on `frame` puts that layer into the hierarchy.
    fn primed(&mut self, _fields: &[Field]) {}
    /// Whether the tap reads items' labels (expert notes), which only a
    /// fully labelled tree keeps.
    fn needs_labels(&self) -> bool {
        false
    }
}

/// A statistic's own display filter (`-z conv,tcp,FILTER`): it counts
/// only the packets the filter matches, and names it in its header.
#[derive(Default)]
pub struct TapFilter {
    /// As given; None when no filter was given (`conv,tcp,` gives an empty one).
    pub text: Option<String>,
    filter: Option<Filter>,
}

impl TapFilter {
    /// The filter after a statistic's name (`arg` is all of `-z`'s text).
    pub fn parse(arg: &str, text: Option<&str>) -> Result<TapFilter, String> {
        let filter = match text.map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => Some(Filter::compile(t).map_err(|e| format!("-z {arg}: invalid filter {t:?}: {}", e.message))?),
            None => None,
        };
        Ok(TapFilter { text: text.map(String::from), filter })
    }

    pub fn passes(&self, d: &Dissection, data: &[u8]) -> bool {
        self.filter.as_ref().is_none_or(|f| f.matches(d, data))
    }

    /// The fields and protocols it reads (see `Tap::primed`).
    pub fn fields(&self) -> Vec<Field> {
        self.filter.as_ref().map_or_else(Vec::new, |f| f.fields().to_vec())
    }
}

/// Builds the tap a `-z` argument names.
pub fn parse(arg: &str) -> Result<Box<dyn Tap>, String> {
    if let Some(rest) = arg.strip_prefix("conv,") {
        return conv::ConvTap::parse(rest).map(|t| Box::new(t) as Box<dyn Tap>);
    }
    if let Some(rest) = arg.strip_prefix("endpoints,") {
        return endpoints::EndpointsTap::parse(rest).map(|t| Box::new(t) as Box<dyn Tap>);
    }
    if let Some(rest) = arg.strip_prefix("io,phs").filter(|r| r.is_empty() || r.starts_with(',')) {
        let filter = TapFilter::parse(arg, rest.strip_prefix(','))?;
        return Ok(Box::new(phs::PhsTap::filtered(filter)));
    }
    if let Some(rest) = arg.strip_prefix("io,stat,") {
        return iostat::IoStatTap::parse(arg, rest).map(|t| Box::new(t) as Box<dyn Tap>);
    }
    if let Some(tap) = trees::parse(arg) {
        return tap;
    }
    if let Some(rest) = arg.strip_prefix("expert").filter(|r| r.is_empty() || r.starts_with(',')) {
        return expert::ExpertTap::parse(arg, rest).map(|t| Box::new(t) as Box<dyn Tap>);
    }
    if let Some(rest) = arg.strip_prefix("follow,") {
        return follow::FollowTap::parse(rest).map(|t| Box::new(t) as Box<dyn Tap>);
    }
    Err(format!(
        "invalid -z argument {arg:?} (supported: conv,eth|ip|ipv6|tcp|udp[,FILTER], endpoints,eth|ip|ipv6|tcp|udp[,FILTER], io,phs[,FILTER], io,stat,INTERVAL[,FILTER…], plen|http|http_req|http_srv|dns,tree[,FILTER], expert[,error|warn|note|chat|comment][,FILTER], follow,tcp|udp|tls,ascii|hex|raw,N)"
    ))
}

/// The taps of one run, drawn as tshark draws them: the last one given first.
#[derive(Default)]
pub struct Stats {
    taps: Vec<Box<dyn Tap>>,
}

impl Stats {
    /// The taps of `args`; `display` is the run's `-Y` filter, which (like
    /// the taps' own filters) decides whether the hierarchy shows `frame`.
    pub fn new(args: &[String], display: Option<&Filter>) -> Result<Stats, String> {
        let mut taps: Vec<Box<dyn Tap>> = args.iter().map(|a| parse(a)).collect::<Result<_, _>>()?;
        let mut primed: Vec<Field> = display.map_or_else(Vec::new, |f| f.fields().to_vec());
        for t in &taps {
            primed.extend(t.filter_fields());
        }
        for t in &mut taps {
            t.primed(&primed);
        }
        Ok(Stats { taps })
    }

    pub fn is_empty(&self) -> bool {
        self.taps.is_empty()
    }

    /// Whether some tap reads labels (`Tap::needs_labels`): the packets
    /// are then dissected into a labelled tree.
    pub fn needs_labels(&self) -> bool {
        self.taps.iter().any(|t| t.needs_labels())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(args: &[&str], display: Option<&str>) -> String {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let display = display.and_then(|d| Filter::compile(d).ok());
        let stats = Stats::new(&args, display.as_ref()).unwrap_or_else(|e| panic!("{e}"));
        let mut out = String::new();
        stats.draw(&Session::new(), &mut out);
        out
    }

    #[test]
    fn a_tap_filter_is_named_in_its_header_as_tshark_names_it() {
        assert!(drawn(&["conv,tcp,tcp.port == 80"], None).contains("\nFilter:tcp.port == 80\n"));
        assert!(drawn(&["conv,udp,"], None).contains("\nFilter:\n"));
        assert!(drawn(&["conv,ip"], None).contains("\nFilter:<No Filter>\n"));
        assert!(drawn(&["io,phs,dns"], None).contains("\nFilter: dns\n\n"));
        assert!(drawn(&["io,phs"], None).contains("\nFilter: \n\n"));
        let bad = Stats::new(&["conv,tcp,no.such.field".to_string()], None).err().unwrap_or_default();
        assert!(bad.contains("-z conv,tcp,no.such.field: invalid filter"), "{bad}");
        assert!(parse("io,phsx").is_err());
    }
}
