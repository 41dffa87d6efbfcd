//! Decode As: the user's additions to the port tables (tshark's
//! `-d tcp.port==8888,http`, the inspector's "Decode As…"), which take a
//! port's place in `dispatch`'s tables for the whole capture, as
//! Wireshark's `dissector_change_uint` does.
//!
//! The table is one per process: it is the user's choice for every packet
//! of the run (each worker thread dissects with the same table), set before
//! dissecting and changed only by the inspector, which then dissects the
//! whole capture again. A lock read per port lookup is a few nanoseconds.

use std::sync::RwLock;

use super::tcp::stream::App;

/// The application protocols a port can be given to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    Tcp(App),
    Udp(UdpApp),
}

/// The application protocols found on UDP, by port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UdpApp {
    /// DNS, mDNS and LLMNR (their own port order: `dns::is_udp`).
    Dns,
    Dhcp,
    Ntp,
    Nbns,
    Ssdp,
    Quic,
    /// IEEE 802.2 LLC, which Wireshark's port table gives UDP ports
    /// 12000-12004; here only by Decode As (see `link::llc`).
    Llc,
}

/// Protocols by their Wireshark names, and which layer each runs on.
const PROTOCOLS: &[(&str, Proto)] = &[
    ("http", Proto::Tcp(App::Http)),
    ("dns", Proto::Tcp(App::Dns)),
    ("smtp", Proto::Tcp(App::Smtp)),
    ("ftp", Proto::Tcp(App::Ftp)),
    ("tls", Proto::Tcp(App::Tls)),
    ("ssh", Proto::Tcp(App::Ssh)),
    ("websocket", Proto::Tcp(App::WebSocket)),
    ("dns", Proto::Udp(UdpApp::Dns)),
    ("dhcp", Proto::Udp(UdpApp::Dhcp)),
    ("ntp", Proto::Udp(UdpApp::Ntp)),
    ("nbns", Proto::Udp(UdpApp::Nbns)),
    ("ssdp", Proto::Udp(UdpApp::Ssdp)),
    ("quic", Proto::Udp(UdpApp::Quic)),
    ("llc", Proto::Udp(UdpApp::Llc)),
];

/// The layers a rule can name (tshark's "layer types").
pub const LAYERS: [&str; 2] = ["tcp.port", "udp.port"];

/// One rule: ports `first..=last` of a layer decoded as `proto`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub first: u16,
    pub last: u16,
    pub proto: Proto,
    /// As tshark would print it back: `tcp.port==8888,http`.
    pub text: String,
}

static TABLE: RwLock<Vec<Rule>> = RwLock::new(Vec::new());

/// Replaces the table (later rules win over earlier ones for a port).
pub fn set(rules: Vec<Rule>) {
    if let Ok(mut t) = TABLE.write() {
        *t = rules;
    }
}

/// The rules in force.
pub fn rules() -> Vec<Rule> {
    TABLE.read().map(|t| t.clone()).unwrap_or_default()
}

fn find(port: u16, pick: impl Fn(Proto) -> Option<Proto>) -> Option<Proto> {
    let t = TABLE.read().ok()?;
    t.iter().rev().filter(|r| (r.first..=r.last).contains(&port)).find_map(|r| pick(r.proto))
}

/// The application a TCP port is decoded as, if a rule says.
pub fn tcp(port: u16) -> Option<App> {
    match find(port, |p| matches!(p, Proto::Tcp(_)).then_some(p))? {
        Proto::Tcp(a) => Some(a),
        Proto::Udp(_) => None,
    }
}

/// The application a UDP port is decoded as, if a rule says.
pub fn udp(port: u16) -> Option<UdpApp> {
    match find(port, |p| matches!(p, Proto::Udp(_)).then_some(p))? {
        Proto::Udp(a) => Some(a),
        Proto::Tcp(_) => None,
    }
}

/// The protocols a layer can be decoded as, by name (the inspector's menu).
pub fn protocols_of(layer: &str) -> Vec<&'static str> {
    let tcp = layer == "tcp.port";
    PROTOCOLS.iter().filter(|(_, p)| matches!(p, Proto::Tcp(_)) == tcp).map(|(n, _)| *n).collect()
}

/// A rule from tshark's `-d` syntax: `LAYER==SELECTOR,PROTOCOL`, the
/// selector a port, a range `8000-8010` or a start and count `8000:3`.
/// Errors are worded as tshark's.
pub fn parse(text: &str) -> Result<Rule, String> {
    let template = || {
        format!("Parameter \"{text}\" doesn't follow the template \"<layer_type>==<selector>,<decode_as_protocol>\"")
    };
    let (lhs, proto_name) = text.rsplit_once(',').ok_or_else(template)?;
    let (layer, selector) = match lhs.split_once("==") {
        Some(p) => p,
        // tshark warns and carries on with a single "=".
        None => lhs.split_once('=').ok_or_else(template)?,
    };
    let (layer, selector, proto_name) = (layer.trim(), selector.trim(), proto_name.trim());
    if !LAYERS.contains(&layer) {
        return Err(format!("Unknown layer type -- {layer}"));
    }
    let number = |s: &str| s.trim().parse::<u16>().map_err(|_| format!("Invalid selector number \"{s}\""));
    let (first, last) = if let Some((a, b)) = selector.split_once('-') {
        (number(a)?, number(b)?)
    } else if let Some((a, n)) = selector.split_once(':') {
        let (a, n) = (number(a)?, number(n)?);
        (a, a.saturating_add(n.saturating_sub(1)))
    } else {
        let p = number(selector)?;
        (p, p)
    };
    let (first, last) = (first.min(last), first.max(last));
    let tcp = layer == "tcp.port";
    let proto = PROTOCOLS.iter().find(|(n, p)| *n == proto_name && matches!(p, Proto::Tcp(_)) == tcp);
    match proto {
        Some(&(_, proto)) => Ok(Rule { first, last, proto, text: format!("{layer}=={selector},{proto_name}") }),
        None if crate::field::lookup(proto_name).is_some_and(|f| f.ftype == crate::field::FieldType::Protocol) => {
            Err(format!("Protocol \"{proto_name}\" isn't valid for layer type \"{layer}\""))
        }
        None => Err(format!("Unknown protocol -- \"{proto_name}\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_as_tshark_reads_them() {
        let r = parse("tcp.port==8888,http").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.first, r.last, r.proto), (8888, 8888, Proto::Tcp(App::Http)));
        let r = parse("tcp.port==8000-8010,http").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.first, r.last), (8000, 8010));
        let r = parse("udp.port==5300:3,dns").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.first, r.last, r.proto), (5300, 5302, Proto::Udp(UdpApp::Dns)));
        assert_eq!(parse("udp.port=5300,dns").map(|r| r.text), Ok("udp.port==5300,dns".to_string()));
    }

    #[test]
    fn bad_rules_are_refused_in_tshark_words() {
        let err = |t: &str| parse(t).err().unwrap_or_default();
        assert!(err("tcp.port==8888").contains("doesn't follow the template"));
        assert_eq!(err("nosuch.port==1,http"), "Unknown layer type -- nosuch.port");
        assert_eq!(err("tcp.port==abc,http"), "Invalid selector number \"abc\"");
        assert_eq!(err("tcp.port==8888,nosuch"), "Unknown protocol -- \"nosuch\"");
        assert_eq!(err("udp.port==53,http"), "Protocol \"http\" isn't valid for layer type \"udp.port\"");
    }
}
