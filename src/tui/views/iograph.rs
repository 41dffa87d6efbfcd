//! The I/O graph (`I`), as Wireshark's Statistics › I/O Graphs: packets
//! per second (or bytes per second, `b`) over time in intervals of 1 ms to
//! 10 min (`+`/`-`), for the whole capture and for up to three display
//! filters typed in the view (`1`, `2`, `3`). Each line is a display
//! filter run by the filtering worker (the capture's own is `frame`, which
//! every packet matches and which reads brief records only), so a live
//! capture's graph grows as packets arrive.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Widget};

use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::capture::Record;
use crate::field::Timestamp;
use crate::filter::Filter;
use crate::store::packed::Packed;
use crate::tui::action::Action;
use crate::tui::event::Event;
use crate::tui::line_editor::{Edit, LineInput};
use crate::tui::packets::Packets;
use crate::tui::workers::filtering;
use crate::tui::workers::session::{Found, Job, ViewProgress};

use super::{footer, put};

/// The intervals `+` and `-` step through, in nanoseconds.
const INTERVALS: [i64; 7] = [1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000, 60_000_000_000, 600_000_000_000];
/// More intervals than this on the time axis would be drawn as a smear:
/// the interval is then too small for the capture.
const MAX_BUCKETS: i64 = 20_000;
/// The lines' colours: the capture, then the three filters.
const COLOURS: [Color; 4] = [Color::White, Color::Green, Color::Red, Color::Cyan];

/// One line of the graph: the packets a filter matched, as (time since the
/// first packet in ns, length in bytes).
struct Line {
    text: String,
    job: Job,
    points: Vec<(i64, u32)>,
}

pub struct IoGraphView {
    packets: Arc<Packets>,
    tx: Sender<Event>,
    /// The capture's line, then filters 1 to 3.
    lines: [Option<Line>; 4],
    interval: usize,
    bytes: bool,
    /// The filter being typed and its slot (1 to 3).
    editing: Option<(usize, LineInput)>,
    note: Option<String>,
}

/// Forwards a filtering worker's matches as this view's chunks: the worker
/// reports as the display filter does, on a channel of its own here.
fn run_filter(filter: Filter, packets: &Arc<Packets>, tx: &Sender<Event>, job: &Job) {
    let (ftx, frx) = std::sync::mpsc::channel();
    let generation = job.generation();
    // The worker stops on the job's flag; its own cancel flag is never set.
    filtering::spawn(Arc::new(filter), packets.clone(), 0, ftx, job.cancel_flag());
    let (tx, store) = (tx.clone(), packets.clone());
    std::thread::spawn(move || {
        for ev in frx {
            let Event::Filtered(fp) = ev else { continue };
            let caught_up = fp.scanned_to >= store.len();
            let p = ViewProgress { generation, found: Found::Matched(fp.matched), scanned_to: fp.scanned_to, caught_up, done: fp.done };
            if tx.send(Event::View(p)).is_err() {
                return;
            }
        }
    });
}

/// Matches this far apart or more start a new run of the index: reading
/// across the gap would decode blocks no match is in.
const RUN_GAP: usize = 64;

/// Appends the time since `first` and the length of packets `matched`
/// (positions, ascending), reading the index in runs of nearby matches, each
/// block once: read one packet at a time it decodes a block per packet.
fn read_points(records: &Packed<Record>, matched: &[u32], first: Timestamp, out: &mut Vec<(i64, u32)>) {
    let mut rest = matched;
    while let Some(&start) = rest.first() {
        let before = rest.len();
        for (pos, r) in (start as usize..).zip(records.iter_from(start as usize)) {
            match rest.first() {
                Some(&m) if m as usize == pos => {
                    out.push((r.ts.since(first), r.origlen));
                    rest = &rest[1..];
                }
                Some(&m) if m as usize > pos + RUN_GAP => break,
                Some(_) => {}
                None => break,
            }
        }
        if rest.len() == before {
            // Past the index's end: nothing more to read.
            break;
        }
    }
}

impl IoGraphView {
    /// Starts with the capture's line; `filter` (the displayed packets'
    /// filter, if any) becomes line 1.
    pub fn start(packets: &Arc<Packets>, filter: Option<&str>, tx: &Sender<Event>) -> IoGraphView {
        let mut v = IoGraphView {
            packets: packets.clone(),
            tx: tx.clone(),
            lines: Default::default(),
            interval: 3,
            bytes: false,
            editing: None,
            note: None,
        };
        v.set_line(0, "frame");
        if let Some(f) = filter {
            v.set_line(1, f);
        }
        v
    }

    /// Draws line `slot` for filter `text` (none when empty); false with a
    /// note when the filter does not compile.
    fn set_line(&mut self, slot: usize, text: &str) -> bool {
        let text = text.trim();
        if text.is_empty() {
            self.lines[slot] = None;
            return true;
        }
        match Filter::compile(text) {
            Ok(f) => {
                let job = Job::default();
                run_filter(f, &self.packets, &self.tx, &job);
                self.lines[slot] = Some(Line { text: text.to_string(), job, points: Vec::new() });
                true
            }
            Err(e) => {
                self.note = Some(format!("invalid filter: {}", e.message));
                false
            }
        }
    }

    pub fn progress(&mut self, p: ViewProgress) {
        let Some(line) = self.lines.iter_mut().flatten().find(|l| l.job.generation() == p.generation) else { return };
        line.job.accept_at(p.generation, p.scanned_to, p.caught_up, p.done);
        let Found::Matched(matched) = p.found else { return };
        let store = self.packets.store();
        let Some(first) = store.records.get(0) else { return };
        read_points(&store.records, &matched, first.ts, &mut line.points);
    }

    /// Whether every line's worker has read a complete source.
    pub fn done(&self) -> bool {
        self.lines.iter().flatten().all(|l| l.job.done)
    }

    /// Each line's rate per interval, as (seconds, per second) points.
    fn series(&self) -> Result<Vec<(usize, Vec<(f64, f64)>)>, String> {
        let step = INTERVALS[self.interval];
        let end = self.lines.iter().flatten().flat_map(|l| l.points.last()).map(|p| p.0).max().unwrap_or(0);
        let n = end / step + 1;
        if n > MAX_BUCKETS {
            return Err(format!("{} intervals: press + for a longer one", n));
        }
        let per_second = 1e9 / step as f64;
        Ok(self
            .lines
            .iter()
            .enumerate()
            .filter_map(|(slot, l)| Some((slot, l.as_ref()?)))
            .map(|(slot, l)| {
                let mut buckets = vec![0u64; n as usize];
                for &(t, len) in &l.points {
                    if let Some(b) = buckets.get_mut((t.max(0) / step) as usize) {
                        *b += if self.bytes { len as u64 } else { 1 };
                    }
                }
                let pts = buckets.iter().enumerate().map(|(i, &c)| ((i as i64 * step) as f64 / 1e9, c as f64 * per_second)).collect();
                (slot, pts)
            })
            .collect())
    }

    fn interval_text(&self) -> String {
        match INTERVALS[self.interval] {
            ns if ns < 1_000_000_000 => format!("{} ms", ns / 1_000_000),
            ns if ns < 60_000_000_000 => format!("{} s", ns / 1_000_000_000),
            ns => format!("{} min", ns / 60_000_000_000),
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let unit = if self.bytes { "bytes/s" } else { "packets/s" };
        let running = self.lines.iter().flatten().map(|l| l.job.status()).find(|s| !s.is_empty()).unwrap_or_default();
        let title = format!(" I/O graph: {unit}, interval {}{running} ", self.interval_text());
        let block = Block::new().borders(Borders::ALL).title(title);
        let inner = block.inner(area);
        block.render(area, buf);
        // Below the chart: the lines' filters, then the keys (or the filter being typed).
        let legend_h = 4u16.min(inner.height);
        let chart_area = Rect { height: inner.height - legend_h, ..inner };
        let legend = Rect { y: inner.y + chart_area.height, height: legend_h, ..inner };
        for slot in 0..4 {
            let (name, style) = match &self.lines[slot] {
                Some(l) => (l.text.clone(), Style::new().fg(COLOURS[slot])),
                None => ("(none)".to_string(), Style::new().add_modifier(Modifier::DIM)),
            };
            let label = if slot == 0 { "all:".to_string() } else { format!("{slot}:") };
            if slot > 0 {
                put(buf, legend, ((slot - 1) * (legend.width as usize / 3)) as u16, 1, &format!("{label} {name}"), style);
            } else {
                put(buf, legend, 0, 0, &format!("{label} {name} ({} packets)", self.lines[0].as_ref().map_or(0, |l| l.points.len())), style);
            }
        }
        if let Some((slot, input)) = &self.editing {
            let prompt = format!("filter {slot}: {}▏ (Enter draws it, empty removes the line, Esc cancels)", input.text);
            put(buf, legend, 0, 2, &prompt, Style::new().fg(Color::Yellow));
        }
        match &self.note {
            Some(n) => put(buf, legend, 0, legend.height.saturating_sub(1), n, Style::new().fg(Color::Red)),
            None => footer(buf, legend, "1 2 3: set a filter line · b: packets/bytes · + -: interval · Esc: close"),
        }
        let series = match self.series() {
            Ok(s) => s,
            Err(note) => {
                put(buf, chart_area, 0, 0, &note, Style::new());
                return;
            }
        };
        let x_max = series.iter().flat_map(|(_, p)| p.last()).map(|p| p.0).fold(0.0, f64::max).max(INTERVALS[self.interval] as f64 / 1e9);
        let y_max = series.iter().flat_map(|(_, p)| p.iter().map(|q| q.1)).fold(0.0, f64::max).max(1.0);
        let datasets: Vec<Dataset> = series
            .iter()
            .map(|(slot, pts)| {
                Dataset::default().marker(Marker::Braille).graph_type(GraphType::Line).style(Style::new().fg(COLOURS[*slot])).data(pts)
            })
            .collect();
        let axis_labels = |max: f64, digits: usize| {
            [0.0, max / 2.0, max].into_iter().map(|v| Span::raw(format!("{v:.digits$}"))).collect::<Vec<_>>()
        };
        Chart::new(datasets)
            .x_axis(Axis::default().title("s").bounds([0.0, x_max]).labels(axis_labels(x_max, 1)))
            .y_axis(Axis::default().title(unit).bounds([0.0, y_max * 1.1]).labels(axis_labels(y_max * 1.1, 0)))
            .render(chart_area, buf);
    }

    pub fn handle_key(&mut self, key: KeyEvent, _page: usize) -> Action {
        if let Some((slot, mut input)) = self.editing.take() {
            match input.handle(key) {
                Edit::Submit => {
                    if !self.set_line(slot, &input.text) {
                        self.editing = Some((slot, input));
                    }
                }
                Edit::Cancel => {}
                _ => self.editing = Some((slot, input)),
            }
            return Action::None;
        }
        self.note = None;
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('I') => return Action::Close,
            KeyCode::Char(c @ '1'..='3') => {
                let slot = c as usize - '0' as usize;
                let mut input = LineInput::default();
                input.set(self.lines[slot].as_ref().map_or("", |l| l.text.as_str()));
                self.editing = Some((slot, input));
            }
            KeyCode::Char('b') => self.bytes = !self.bytes,
            KeyCode::Char('+') => self.interval = (self.interval + 1).min(INTERVALS.len() - 1),
            KeyCode::Char('-') => self.interval = self.interval.saturating_sub(1),
            _ => {}
        }
        Action::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::testutil::{rows, sample, settle};
    use crossterm::event::KeyModifiers;

    #[test]
    fn points_read_in_runs_are_the_packets_read_one_by_one() {
        let Some(packets) = sample("tls-keylog.pcap") else { return };
        let store = packets.store();
        let Some(first) = store.records.get(0) else { panic!("an empty capture") };
        let n = store.len() as u32;
        // Every packet; a sparse few across gaps; one past the end (ignored).
        for matched in [(0..n).collect::<Vec<u32>>(), vec![1, 2, 70, 71, 72, n - 1], vec![0, n - 1, n + 5]] {
            let mut got = Vec::new();
            read_points(&store.records, &matched, first.ts, &mut got);
            let want: Vec<(i64, u32)> =
                matched.iter().filter_map(|&i| store.records.get(i as usize)).map(|r| (r.ts.since(first.ts), r.origlen)).collect();
            assert_eq!(got, want, "{matched:?}");
        }
    }

    fn draw(v: &IoGraphView) -> Vec<String> {
        let area = Rect::new(0, 0, 100, 24);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        rows(&buf)
    }

    /// Each line's (seconds, rate) points.
    fn points(v: &IoGraphView) -> Vec<Vec<(f64, f64)>> {
        v.series().map(|s| s.into_iter().map(|(_, p)| p).collect()).unwrap_or_default()
    }

    #[test]
    fn the_pinger_per_second_for_the_capture_and_for_a_filter_typed_in_the_view() {
        let Some(packets) = sample("ping.pcap") else { return };
        let (tx, rx) = std::sync::mpsc::channel();
        let mut v = IoGraphView::start(&packets, None, &tx);
        settle(&mut v, &rx, IoGraphView::progress, IoGraphView::done);
        // A ping a second: frames 1-3 in the first second, 4-10, 11-15, 16-17.
        assert_eq!(points(&v), [vec![(0.0, 3.0), (1.0, 7.0), (2.0, 5.0), (3.0, 2.0)]]);
        let text = draw(&v);
        assert!(text[0].contains("I/O graph: packets/s, interval 1 s"), "{text:#?}");
        assert!(text.iter().any(|r| r.contains("all: frame (17 packets)")), "{text:#?}");
        assert!(text.iter().any(|r| r.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c))), "no line drawn: {text:#?}");
        // Line 1: the server's replies, typed in the view.
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        v.handle_key(key(KeyCode::Char('1')), 10);
        for c in "udp.srcport == 12000".chars() {
            v.handle_key(key(KeyCode::Char(c)), 10);
        }
        assert!(draw(&v).iter().any(|r| r.contains("filter 1: udp.srcport == 12000")));
        v.handle_key(key(KeyCode::Enter), 10);
        settle(&mut v, &rx, IoGraphView::progress, IoGraphView::done);
        assert_eq!(points(&v)[1], [(0.0, 1.0), (1.0, 3.0), (2.0, 2.0), (3.0, 1.0)]);
        assert!(draw(&v).iter().any(|r| r.contains("1: udp.srcport == 12000")));
        // Bytes per second, then a 10 s interval: one bucket of all 17 packets (66 bytes, 67 the last two).
        v.handle_key(key(KeyCode::Char('b')), 10);
        v.handle_key(key(KeyCode::Char('+')), 10);
        assert_eq!(points(&v)[0], [(0.0, (15 * 66 + 2 * 67) as f64 / 10.0)]);
        assert!(draw(&v)[0].contains("I/O graph: bytes/s, interval 10 s"));
        // A filter that does not compile stays in the prompt with its error.
        v.handle_key(key(KeyCode::Char('2')), 10);
        for c in "udp.nosuch".chars() {
            v.handle_key(key(KeyCode::Char(c)), 10);
        }
        v.handle_key(key(KeyCode::Enter), 10);
        assert!(v.editing.is_some() && v.note.as_deref().is_some_and(|n| n.starts_with("invalid filter")));
        v.handle_key(key(KeyCode::Esc), 10);
        assert!(v.editing.is_none() && v.lines[2].is_none());
        assert_eq!(v.handle_key(key(KeyCode::Esc), 10), Action::Close);
    }

    #[test]
    fn a_live_capture_s_graph_grows_as_packets_arrive() {
        use crate::capture::{Interface, LiveEvent, Record, StoreSource};
        use crate::field::Timestamp;
        let packets = Arc::new(Packets::new(StoreSource::Memory(Vec::new()), false));
        let (ev_tx, ev_rx) = std::sync::mpsc::channel();
        let (tx, rx) = std::sync::mpsc::channel();
        let iface = Interface { linktype: 1, snaplen: 65535, ticks_per_sec: 1_000_000_000, ts_digits: 9, name: None, description: None, section: 0 };
        crate::tui::workers::loader::spawn_live(ev_rx, iface, packets.clone(), tx.clone());
        let send = |secs: i64| {
            let data = crate::tui::testutil::udp_frame(b"ping");
            let len = data.len() as u32;
            let record = Record { caplen: len, origlen: len, ts: Timestamp { secs, nanos: 0 }, ..Default::default() };
            let _ = ev_tx.send(LiveEvent::Packet { record, linktype: 1, data, comments: Vec::new() });
        };
        let mut v = IoGraphView::start(&packets, Some("udp.dstport == 12000"), &tx);
        // Waits until the graph's lines are `want`, taking in what comes.
        let wait = |v: &mut IoGraphView, want: &[Vec<(f64, f64)>]| {
            while points(v) != want {
                match rx.recv_timeout(std::time::Duration::from_secs(20)) {
                    Ok(Event::View(p)) => v.progress(p),
                    Ok(_) => {}
                    Err(e) => panic!("graph stuck at {:?}: {e}", points(v)),
                }
            }
        };
        send(10);
        wait(&mut v, &[vec![(0.0, 1.0)], vec![(0.0, 1.0)]]);
        send(10);
        send(12);
        let two_seconds = vec![(0.0, 2.0), (1.0, 0.0), (2.0, 1.0)];
        wait(&mut v, &[two_seconds.clone(), two_seconds]);
        assert!(!v.done(), "a running capture is never all read");
    }
}
