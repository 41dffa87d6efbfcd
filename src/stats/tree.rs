//! Wireshark's "stats trees": counters in a tree of named nodes, drawn as
//! tshark draws them (`-z plen,tree`, `http,tree`, `dns,tree` …): each
//! node's count, average, minimum and maximum of the values it was given,
//! rate per millisecond, share of its parent, and its busiest 100 ms
//! ("burst").
//!
//! A statistic ticks nodes as its tap sees packets; the tree keeps the
//! order nodes were made in, and `draw` sorts each level below the top
//! one as tshark's defaults do (count descending, then name descending;
//! ranges by their lower bound).

use std::cmp::Ordering;
use std::collections::VecDeque;
use std::fmt::Write;

/// Wireshark's default burst window and bucket size (`statistics.st_burst_windowlen`,
/// `st_burst_resolution`), in milliseconds.
const BURST_WINDOW: f64 = 100.0;
const BURST_RESOLUTION: f64 = 5.0;

/// The columns after the name; each is 14 characters wide but the last,
/// which tshark pads to 13.
const COLUMNS: [&str; 8] =
    ["Count", "Average", "Min Val", "Max Val", "Rate (ms)", "Percent", "Burst Rate", "Burst Start"];

/// What a node sums of the values it is given (none: a plain counter).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Sum {
    None,
    Int { total: i64, min: i32, max: i32 },
    Float { total: f64, min: f32, max: f32 },
}

/// The packets of one 5 ms bucket of a node's burst window.
struct Bucket {
    no: f64,
    count: u32,
    /// The time of the bucket's first packet (ms since the first packet).
    start: f64,
}

struct Node {
    name: String,
    parent: Option<usize>,
    children: Vec<usize>,
    counter: u32,
    sum: Sum,
    /// A range node's bounds (inclusive), which also order it among its siblings.
    range: Option<(i64, i64)>,
    /// The buckets within the burst window, oldest first; Wireshark starts
    /// each node with an empty bucket 0.
    buckets: VecDeque<Bucket>,
    in_window: u32,
    max_burst: u32,
    burst_start: f64,
}

pub type NodeId = usize;

pub struct StatsTree {
    title: &'static str,
    nodes: Vec<Node>,
    roots: Vec<NodeId>,
    /// Milliseconds since the capture's first packet: of the first packet
    /// the tap saw, and of the current one.
    start: Option<f64>,
    now: f64,
}

impl StatsTree {
    pub fn new(title: &'static str) -> StatsTree {
        StatsTree { title, nodes: Vec::new(), roots: Vec::new(), start: None, now: 0.0 }
    }

    /// Starts counting a tap call for a packet `rel_ns` after the capture's first.
    pub fn packet(&mut self, rel_ns: i64) {
        // nstime_to_msec: seconds and nanoseconds apart, as a double.
        self.now = (rel_ns / 1_000_000_000) as f64 * 1000.0 + (rel_ns % 1_000_000_000) as f64 / 1_000_000.0;
        self.start.get_or_insert(self.now);
    }

    fn elapsed(&self) -> f64 {
        self.start.map_or(0.0, |s| self.now - s)
    }

    /// The child of `parent` (a top-level node for None) named `name`, made
    /// if it does not exist yet.
    pub fn node(&mut self, parent: Option<NodeId>, name: &str) -> NodeId {
        let list = parent.map_or(&self.roots, |p| &self.nodes[p].children);
        if let Some(&i) = list.iter().find(|&&i| self.nodes[i].name == name) {
            return i;
        }
        self.nodes.push(Node {
            name: name.to_string(),
            parent,
            children: Vec::new(),
            counter: 0,
            sum: Sum::None,
            range: None,
            buckets: VecDeque::from([Bucket { no: 0.0, count: 0, start: 0.0 }]),
            in_window: 0,
            max_burst: 0,
            burst_start: -1.0,
        });
        let i = self.nodes.len() - 1;
        match parent {
            Some(p) => self.nodes[p].children.push(i),
            None => self.roots.push(i),
        }
        i
    }

    /// Counts one more at `id`.
    pub fn tick(&mut self, id: NodeId) {
        self.nodes[id].counter += 1;
        self.burst(id);
    }

    /// Counts one more at the child `name` of `parent` (made if needed).
    pub fn tick_at(&mut self, parent: Option<NodeId>, name: &str) -> NodeId {
        let id = self.node(parent, name);
        self.tick(id);
        id
    }

    /// Counts one more at `id` and adds `v` to its average, minimum and maximum.
    pub fn add_int(&mut self, id: NodeId, v: i32) {
        let n = &mut self.nodes[id];
        n.sum = match n.sum {
            Sum::Int { total, min, max } if n.counter > 0 => Sum::Int { total: total + v as i64, min: min.min(v), max: max.max(v) },
            _ => Sum::Int { total: v as i64, min: v, max: v },
        };
        self.tick(id);
    }

    /// `add_int` for a value with a fraction (Wireshark keeps it as a C float).
    pub fn add_float(&mut self, id: NodeId, v: f32) {
        let n = &mut self.nodes[id];
        n.sum = match n.sum {
            Sum::Float { total, min, max } if n.counter > 0 => Sum::Float { total: total + v as f64, min: min.min(v), max: max.max(v) },
            _ => Sum::Float { total: v as f64, min: v, max: v },
        };
        self.tick(id);
    }

    /// A node whose children are the `ranges` (name, lowest, highest), which
    /// `tick_range` counts values into.
    pub fn ranges(&mut self, parent: Option<NodeId>, name: &str, ranges: &[(&str, i64, i64)]) -> NodeId {
        let id = self.node(parent, name);
        for &(label, lo, hi) in ranges {
            let r = self.node(Some(id), label);
            self.nodes[r].range = Some((lo, hi));
            self.nodes[r].sum = Sum::Int { total: 0, min: 0, max: 0 };
        }
        id
    }

    /// Counts `v` in the range of `id` that holds it (none: not counted).
    pub fn tick_range(&mut self, id: NodeId, v: i32) {
        let hit = self.nodes[id].children.iter().copied().find(|&c| {
            self.nodes[c].range.is_some_and(|(lo, hi)| (lo..=hi).contains(&(v as i64)))
        });
        if let Some(c) = hit {
            self.add_int(c, v);
        }
    }

    /// Wireshark's burst count: packets in the last 100 ms of 5 ms buckets,
    /// and its record with the start of the window that set it.
    fn burst(&mut self, id: NodeId) {
        let now = self.now;
        let bucket = (now / BURST_RESOLUTION).floor();
        let window = BURST_WINDOW / BURST_RESOLUTION;
        let n = &mut self.nodes[id];
        let (Some(head), Some(tail)) = (n.buckets.front().map(|b| b.no), n.buckets.back().map(|b| b.no)) else {
            return;
        };
        if bucket > tail {
            n.buckets.push_back(Bucket { no: bucket, count: 1, start: now });
            while n.buckets.front().is_some_and(|b| bucket - b.no >= window) {
                if let Some(old) = n.buckets.pop_front() {
                    n.in_window -= old.count;
                }
            }
        } else if bucket >= head {
            // A packet earlier than the newest bucket (out of order).
            let at = n.buckets.iter().position(|b| b.no >= bucket).unwrap_or(n.buckets.len());
            match n.buckets.get_mut(at) {
                Some(b) if b.no == bucket => b.count += 1,
                _ => n.buckets.insert(at, Bucket { no: bucket, count: 1, start: now }),
            }
        } else {
            return;
        }
        n.in_window += 1;
        if n.in_window > n.max_burst {
            n.max_burst = n.in_window;
            n.burst_start = n.buckets.front().map_or(0.0, |b| b.start);
        }
    }

    /// Appends the table as tshark prints it.
    pub fn draw(&self, out: &mut String) {
        let names = self.roots.iter().map(|&r| self.widest(r, 0)).max().unwrap_or(0);
        let name_w = names.max("Topic / Item".len()) + 2;
        let width = name_w + 14 * (COLUMNS.len() - 1) + 13;
        out.push('\n');
        push_rule(out, '=', width);
        let _ = writeln!(out, "{}:", self.title);
        let mut header = format!("{:<name_w$}", "Topic / Item");
        for (i, c) in COLUMNS.iter().enumerate() {
            let w = if i + 1 == COLUMNS.len() { 13 } else { 14 };
            let _ = write!(header, "{c:<w$}");
        }
        out.push_str(&header);
        out.push('\n');
        push_rule(out, '-', width);
        for &r in &self.roots {
            self.draw_node(r, 0, name_w, out);
        }
        out.push('\n');
        push_rule(out, '-', width);
    }

    fn widest(&self, id: NodeId, indent: usize) -> usize {
        let n = &self.nodes[id];
        n.children.iter().map(|&c| self.widest(c, indent + 1)).fold(indent + n.name.len(), usize::max)
    }

    fn draw_node(&self, id: NodeId, indent: usize, name_w: usize, out: &mut String) {
        let n = &self.nodes[id];
        let mut cells = vec![n.counter.to_string()];
        match n.sum {
            Sum::None => cells.extend([String::new(), String::new(), String::new()]),
            _ if n.counter == 0 => cells.extend(["-".to_string(), "-".to_string(), "-".to_string()]),
            Sum::Int { total, min, max } => {
                cells.extend([format!("{:.2}", (total as f32 / n.counter as f32) as f64), min.to_string(), max.to_string()])
            }
            Sum::Float { total, min, max } => cells.extend([
                format!("{:.2}", total / n.counter as f64),
                format!("{:.6}", min as f64),
                format!("{:.6}", max as f64),
            ]),
        }
        let elapsed = self.elapsed();
        cells.push(if elapsed != 0.0 { format!("{:.4}", n.counter as f32 as f64 / elapsed) } else { String::new() });
        let parent = n.parent.map_or(0, |p| self.nodes[p].counter);
        cells.push(match n.parent {
            _ if parent > 0 => format!("{:.2}%", n.counter as f64 * 100.0 / parent as f64),
            None => "100%".to_string(),
            Some(_) => String::new(),
        });
        if n.max_burst > 0 {
            cells.push(format!("{:.4}", n.max_burst as f64 / BURST_WINDOW));
            cells.push(format!("{:.3}", n.burst_start / 1000.0));
        } else {
            cells.extend(["-".to_string(), "-".to_string()]);
        }
        let mut line = format!("{:indent$}{}", "", n.name);
        line = format!("{line:<name_w$}");
        for (i, c) in cells.iter().enumerate() {
            let w = if i + 1 == cells.len() { 13 } else { 14 };
            let _ = write!(line, "{c:<w$}");
        }
        out.push_str(&line);
        out.push('\n');
        let mut children = n.children.clone();
        children.sort_by(|&a, &b| self.order(a, b));
        for c in children {
            self.draw_node(c, indent + 1, name_w, out);
        }
    }

    /// tshark's default order of siblings: ranges by their lower bound,
    /// others by count then name (byte order), both descending.
    fn order(&self, a: NodeId, b: NodeId) -> Ordering {
        let (x, y) = (&self.nodes[a], &self.nodes[b]);
        if let (Some(rx), Some(ry)) = (x.range, y.range) {
            return rx.0.cmp(&ry.0);
        }
        y.counter.cmp(&x.counter).then_with(|| y.name.as_bytes().cmp(x.name.as_bytes()))
    }
}

fn push_rule(out: &mut String, c: char, n: usize) {
    out.extend(std::iter::repeat_n(c, n));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siblings_are_sorted_by_count_then_name_descending_below_the_top() {
        let mut t = StatsTree::new("T");
        t.packet(0);
        let top = t.tick_at(None, "Top");
        for name in ["b", "a", "c", "a"] {
            t.tick_at(Some(top), name);
        }
        t.node(None, "Second");
        let mut s = String::new();
        t.draw(&mut s);
        let names: Vec<&str> =
            s.lines().skip(5).take_while(|l| !l.is_empty()).filter_map(|l| l.split("  ").next()).collect();
        assert_eq!(names, ["Top", " a", " c", " b", "Second"]);
    }

    #[test]
    fn a_burst_counts_the_packets_of_the_busiest_100_ms() {
        let mut t = StatsTree::new("T");
        let n = t.node(None, "n");
        // Three packets within 100 ms, then two more 200 ms later.
        for ms in [0, 10, 90, 300, 301] {
            t.packet(ms * 1_000_000);
            t.tick(n);
        }
        assert_eq!(t.nodes[n].max_burst, 3);
        assert_eq!(t.nodes[n].burst_start, 0.0);
        let mut s = String::new();
        t.draw(&mut s);
        let row = s.lines().find(|l| l.starts_with("n ")).unwrap_or_default();
        // Rate: 5 packets in 301 ms; burst rate 3 per 100 ms.
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells, ["n", "5", "0.0166", "100%", "0.0300", "0.000"]);
    }

    #[test]
    fn ranges_count_values_with_their_averages_and_keep_their_order() {
        let mut t = StatsTree::new("Lengths");
        t.packet(0);
        let root = t.ranges(None, "L", &[("0-9", 0, 9), ("10-19", 10, 19), ("20 and greater", 20, i64::MAX)]);
        for v in [12, 15, 3, 400] {
            t.tick_range(root, v);
            t.add_int(root, v);
        }
        let mut s = String::new();
        t.draw(&mut s);
        let rows: Vec<Vec<&str>> = s.lines().skip(5).take(4).map(|l| l.split_whitespace().collect()).collect();
        assert_eq!(rows[0][..5], ["L", "4", "107.50", "3", "400"]);
        assert_eq!(rows[1][..5], ["0-9", "1", "3.00", "3", "3"]);
        assert_eq!(rows[2][..5], ["10-19", "2", "13.50", "12", "15"]);
        assert_eq!(rows[3][..6], ["20", "and", "greater", "1", "400.00", "400"]);
    }
}
