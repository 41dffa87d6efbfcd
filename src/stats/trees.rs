//! The statistics tshark draws as stats trees (see `tree`): packet lengths
//! (`plen,tree`), HTTP (`http,tree`, `http_req,tree`, `http_srv,tree`) and
//! DNS (`dns,tree`), each with an optional `,FILTER`.
//!
//! Wireshark's HTTP and DNS taps fire once per message, so a frame with two
//! HTTP responses counts twice; here a message is one top-level `http` or
//! `dns` item and its subtree.

use super::scan::AddrFields;
use super::tree::{NodeId, StatsTree};
use super::{Tap, TapFilter};
use crate::dissect::dns::numbers::{CLASSES, OPCODES, RCODES, TYPE_STRINGS};
use crate::dissect::session::Session;
use crate::dissect::{Dissection, FrameMeta};
use crate::field::Value;

/// One stats tree: what it counts of a message.
trait Counter {
    /// The tree with the nodes Wireshark makes before any packet.
    fn start(tree: &mut StatsTree) -> Self;
    /// Counts every message of the packet; `rel_ns` is its time since the
    /// capture's first packet (`tree.packet` takes it once per message the
    /// tap sees, whether the tree counts it or not).
    fn packet(&mut self, tree: &mut StatsTree, rel_ns: i64, d: &Dissection);
}

/// A stats tree as a `-z` tap.
struct TreeTap<C> {
    counter: C,
    tree: StatsTree,
    filter: TapFilter,
}

impl<C: Counter> Tap for TreeTap<C> {
    fn packet(&mut self, meta: &FrameMeta, d: &Dissection, data: &[u8]) {
        if self.filter.passes(d, data) {
            self.counter.packet(&mut self.tree, meta.ts.since(meta.first_ts), d);
        }
    }

    fn draw(&self, _session: &Session, out: &mut String) {
        self.tree.draw(out);
    }

    fn filter_fields(&self) -> Vec<crate::field::Field> {
        self.filter.fields()
    }
}

fn tap<C: Counter + 'static>(title: &'static str, arg: &str, filter: Option<&str>) -> Result<Box<dyn Tap>, String> {
    let filter = TapFilter::parse(arg, filter)?;
    let mut tree = StatsTree::new(title);
    let counter = C::start(&mut tree);
    Ok(Box::new(TreeTap { counter, tree, filter }))
}

/// The tap a `-z NAME,tree[,FILTER]` argument names, if it is a stats tree.
pub fn parse(arg: &str) -> Option<Result<Box<dyn Tap>, String>> {
    let (name, rest) = arg.split_once(",tree")?;
    let filter = match rest {
        "" => None,
        r => Some(r.strip_prefix(',')?),
    };
    Some(match name {
        "plen" => tap::<Lengths>("Packet Lengths", arg, filter),
        "http" => tap::<HttpPackets>("HTTP/Packet Counter", arg, filter),
        "http_req" => tap::<HttpRequests>("HTTP/Requests", arg, filter),
        "http_srv" => tap::<HttpServers>("HTTP/Load Distribution", arg, filter),
        "dns" => tap::<Dns>("DNS", arg, filter),
        _ => return None,
    })
}

/// The subtrees of every top-level item of `proto`: (first, end) item indexes.
fn messages<'d>(d: &'d Dissection, proto: &'static str) -> impl Iterator<Item = (usize, usize)> + 'd {
    let nodes = &d.tree.nodes;
    (0..nodes.len())
        .filter(move |&i| nodes[i].depth == 0 && nodes[i].field.name == proto)
        .map(|i| (i, d.tree.subtree_end(i)))
        // The HTTP layer over a CONNECT tunnel's bytes is no message: Wireshark's tap does not see it.
        .filter(|&m| value(d, m, "http.proxy_connect_host").is_none())
}

/// The value of the first item named `name` in a message.
fn value<'d>(d: &'d Dissection, (from, to): (usize, usize), name: &str) -> Option<&'d Value> {
    d.tree.nodes[from..to].iter().find(|n| n.field.name == name).map(|n| &n.value)
}

fn text<'d>(d: &'d Dissection, msg: (usize, usize), name: &str) -> Option<&'d str> {
    match value(d, msg, name)? {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

fn uint(d: &Dissection, msg: (usize, usize), name: &str) -> Option<u64> {
    value(d, msg, name)?.as_u64()
}

/// `plen,tree`: frame lengths in ranges that double.
struct Lengths {
    root: NodeId,
}

const LENGTH_RANGES: [(&str, i64, i64); 10] = [
    ("0-19", 0, 19),
    ("20-39", 20, 39),
    ("40-79", 40, 79),
    ("80-159", 80, 159),
    ("160-319", 160, 319),
    ("320-639", 320, 639),
    ("640-1279", 640, 1279),
    ("1280-2559", 1280, 2559),
    ("2560-5119", 2560, 5119),
    ("5120 and greater", 5120, i64::MAX),
];

impl Counter for Lengths {
    fn start(tree: &mut StatsTree) -> Self {
        Lengths { root: tree.ranges(None, "Packet Lengths", &LENGTH_RANGES) }
    }

    fn packet(&mut self, tree: &mut StatsTree, rel_ns: i64, d: &Dissection) {
        let Some(len) = d.tree.nodes.iter().find(|n| n.field.name == "frame.len").and_then(|n| n.value.as_u64()) else {
            return;
        };
        tree.packet(rel_ns);
        let len = i32::try_from(len).unwrap_or(i32::MAX);
        tree.tick_range(self.root, len);
        tree.add_int(self.root, len);
    }
}

/// `http,tree`: messages by request method and response status.
struct HttpPackets {
    total: NodeId,
    requests: NodeId,
    responses: NodeId,
    /// The status classes: broken (below 100 or from 600), 1xx … 5xx.
    classes: [NodeId; 6],
    other: NodeId,
}

impl Counter for HttpPackets {
    fn start(tree: &mut StatsTree) -> Self {
        let total = tree.node(None, "Total HTTP Packets");
        let requests = tree.node(Some(total), "HTTP Request Packets");
        let responses = tree.node(Some(total), "HTTP Response Packets");
        let classes = [
            "???: broken",
            "1xx: Informational",
            "2xx: Success",
            "3xx: Redirection",
            "4xx: Client Error",
            "5xx: Server Error",
        ]
        .map(|c| tree.node(Some(responses), c));
        let other = tree.node(Some(total), "Other HTTP Packets");
        HttpPackets { total, requests, responses, classes, other }
    }

    fn packet(&mut self, tree: &mut StatsTree, rel_ns: i64, d: &Dissection) {
        for m in messages(d, "http") {
            tree.packet(rel_ns);
            tree.tick(self.total);
            if let Some(code) = uint(d, m, "http.response.code").filter(|&c| c != 0) {
                tree.tick(self.responses);
                let class = if (100..600).contains(&code) { (code / 100) as usize } else { 0 };
                tree.tick(self.classes[class]);
                let text = crate::dissect::http::status_text(code as u16).map_or_else(|| format!("Unknown ({code})"), String::from);
                tree.tick_at(Some(self.classes[class]), &format!("{code} {text}"));
            } else if let Some(method) = text(d, m, "http.request.method") {
                tree.tick(self.requests);
                tree.tick_at(Some(self.requests), method);
            } else {
                tree.tick(self.other);
            }
        }
    }
}

/// `http_req,tree`: requests by host and URI.
struct HttpRequests {
    by_host: NodeId,
}

impl Counter for HttpRequests {
    fn start(tree: &mut StatsTree) -> Self {
        HttpRequests { by_host: tree.node(None, "HTTP Requests by HTTP Host") }
    }

    fn packet(&mut self, tree: &mut StatsTree, rel_ns: i64, d: &Dissection) {
        for m in messages(d, "http") {
            // Every message moves the tree's clock, counted or not.
            tree.packet(rel_ns);
            if text(d, m, "http.request.method").is_none() {
                continue;
            }
            tree.tick(self.by_host);
            if let Some(host) = text(d, m, "http.host") {
                let h = tree.tick_at(Some(self.by_host), host);
                if let Some(uri) = text(d, m, "http.request.uri") {
                    tree.tick_at(Some(h), uri);
                }
            }
        }
    }
}

/// `http_srv,tree`: requests by server address and host, responses by
/// server address and outcome.
struct HttpServers {
    requests: NodeId,
    by_addr: NodeId,
    by_host: NodeId,
    responses: NodeId,
    nets: [AddrFields; 2],
}

impl Counter for HttpServers {
    fn start(tree: &mut StatsTree) -> Self {
        let requests = tree.node(None, "HTTP Requests by Server");
        let by_addr = tree.node(Some(requests), "HTTP Requests by Server Address");
        let by_host = tree.node(Some(requests), "HTTP Requests by HTTP Host");
        let responses = tree.node(None, "HTTP Responses by Server Address");
        let nets = [AddrFields::named("ip.src", "ip.dst"), AddrFields::named("ipv6.src", "ipv6.dst")];
        HttpServers { requests, by_addr, by_host, responses, nets }
    }

    fn packet(&mut self, tree: &mut StatsTree, rel_ns: i64, d: &Dissection) {
        // The packet's innermost network addresses (Wireshark's pinfo->src, dst).
        let pair = self.nets.iter().flat_map(|n| n.pairs(d)).last();
        for m in messages(d, "http") {
            tree.packet(rel_ns);
            let Some((src, dst)) = pair else { return };
            if text(d, m, "http.request.method").is_some() {
                let server = dst.to_string();
                tree.tick(self.requests);
                tree.tick(self.by_addr);
                tree.tick(self.by_host);
                let addr = tree.tick_at(Some(self.by_addr), &server);
                if let Some(host) = text(d, m, "http.host") {
                    let h = tree.tick_at(Some(self.by_host), host);
                    tree.tick_at(Some(h), &server);
                    tree.tick_at(Some(addr), host);
                }
            } else if let Some(code) = uint(d, m, "http.response.code").filter(|&c| c != 0) {
                tree.tick(self.responses);
                let addr = tree.tick_at(Some(self.responses), &src.to_string());
                // As Wireshark: codes 101 to 399 are "OK" (100 is not).
                tree.tick_at(Some(addr), if (101..400).contains(&code) { "OK" } else { "KO" });
            }
        }
    }
}

/// `dns,tree`: messages by flags and types, sizes, and the time each
/// response took.
struct Dns {
    packets: NodeId,
    rcodes: NodeId,
    opcodes: NodeId,
    qr: NodeId,
    qtypes: NodeId,
    classes: NodeId,
    payload: NodeId,
    qname_len: NodeId,
    /// 1st, 2nd, 3rd, 4th or more level names.
    levels: [NodeId; 4],
    questions: NodeId,
    answers: NodeId,
    authorities: NodeId,
    additionals: NodeId,
    unsolicited: NodeId,
    retransmissions: NodeId,
    rrt: NodeId,
}

impl Counter for Dns {
    fn start(tree: &mut StatsTree) -> Self {
        let packets = tree.node(None, "Total Packets");
        let [rcodes, opcodes, qr, qtypes, classes] =
            ["rcode", "opcodes", "Query/Response", "Query Type", "Class"].map(|n| tree.node(Some(packets), n));
        let payload = tree.node(None, "Payload size");
        let query = tree.node(None, "Query Stats");
        let qname_len = tree.node(Some(query), "Qname Len");
        let labels = tree.node(Some(query), "Label Stats");
        let levels = ["1st Level", "2nd Level", "3rd Level", "4th Level or more"].map(|n| tree.node(Some(labels), n));
        let response = tree.node(None, "Response Stats");
        let [questions, answers, authorities, additionals] =
            ["no. of questions", "no. of answers", "no. of authorities", "no. of additionals"].map(|n| tree.node(Some(response), n));
        let service = tree.node(None, "Service Stats");
        let [unsolicited, retransmissions, rrt] =
            ["no. of unsolicited responses", "no. of retransmissions", "request-response time (msec)"]
                .map(|n| tree.node(Some(service), n));
        Dns {
            packets,
            rcodes,
            opcodes,
            qr,
            qtypes,
            classes,
            payload,
            qname_len,
            levels,
            questions,
            answers,
            authorities,
            additionals,
            unsolicited,
            retransmissions,
            rrt,
        }
    }

    fn packet(&mut self, tree: &mut StatsTree, rel_ns: i64, d: &Dissection) {
        let named = |table: &[(u64, &str)], v: u64, unknown: &str| {
            table.iter().find(|e| e.0 == v).map_or_else(|| format!("Unknown {unknown} ({v})"), |e| e.1.to_string())
        };
        let int = |v: Option<u64>| i32::try_from(v.unwrap_or(0)).unwrap_or(i32::MAX);
        for m in messages(d, "dns") {
            tree.packet(rel_ns);
            tree.tick(self.packets);
            let response = uint(d, m, "dns.flags.response").unwrap_or(0);
            let pivot = |tree: &mut StatsTree, node: NodeId, name: &str| {
                tree.tick(node);
                tree.tick_at(Some(node), name);
            };
            pivot(tree, self.qr, if response == 0 { "Query" } else { "Response" });
            pivot(tree, self.qtypes, &named(&TYPE_STRINGS, uint(d, m, "dns.qry.type").unwrap_or(0), "packet type"));
            pivot(tree, self.classes, &named(CLASSES, uint(d, m, "dns.qry.class").unwrap_or(0), "class"));
            pivot(tree, self.rcodes, &named(RCODES, uint(d, m, "dns.flags.rcode").unwrap_or(0), "rcode"));
            pivot(tree, self.opcodes, &named(OPCODES, uint(d, m, "dns.flags.opcode").unwrap_or(0), "opcode"));
            tree.add_int(self.payload, int(Some(d.tree.nodes[m.0].len as u64)));
            if response == 0 {
                tree.add_int(self.qname_len, int(uint(d, m, "dns.qry.name.len")));
                let labels = uint(d, m, "dns.count.labels").unwrap_or(0);
                tree.tick(self.levels[match labels {
                    1 => 0,
                    2 => 1,
                    3 => 2,
                    _ => 3,
                }]);
                continue;
            }
            // tshark 4.0 counts each response's four counts twice (measured:
            // "no. of questions" is twice the responses, with the same average).
            for _ in 0..2 {
                tree.add_int(self.questions, int(uint(d, m, "dns.count.queries")));
                tree.add_int(self.answers, int(uint(d, m, "dns.count.answers")));
                tree.add_int(self.authorities, int(uint(d, m, "dns.count.auth_rr")));
                tree.add_int(self.additionals, int(uint(d, m, "dns.count.add_rr")));
            }
            if value(d, m, "dns.unsolicited").is_some() {
                tree.tick(self.unsolicited);
            } else if value(d, m, "dns.retransmission").is_some() {
                tree.tick(self.retransmissions);
            } else {
                let ns = match value(d, m, "dns.time") {
                    Some(Value::RelTime(ns)) => *ns,
                    _ => 0,
                };
                // Wireshark's float: milliseconds from seconds and nanoseconds apart.
                let ms = (ns / 1_000_000_000) as f64 * 1000.0 + (ns % 1_000_000_000) as f64 / 1_000_000.0;
                tree.add_float(self.rrt, ms as f32);
            }
        }
    }
}
