//! The headless path: read a capture in one pass, dissect, print in tshark's
//! formats. Used by `-P`, `-T fields`, `-V`, `-x` and whenever standard
//! output is not a terminal.

use std::io::Write;

use crate::capture;
use crate::dissect::{dissect_frame, Dissection, FrameMeta, Pass};
use crate::field::Timestamp;
use crate::filter::Filter;
use crate::output::{hexdump, summary_line, verbose_tree, FieldList};
use crate::session::Session;

pub enum Format {
    Summary,
    Fields(FieldList),
}

pub struct Options {
    pub path: String,
    pub format: Format,
    pub verbose: bool,
    pub hex: bool,
    pub count: Option<u64>,
    /// `-Y`: every packet is dissected (later packets depend on the state it
    /// builds) but only matching ones are printed.
    pub filter: Option<Filter>,
}

/// What a run ended with: a clean end of file, or damage after some packets
/// (already printed).
pub fn run(opts: &Options, out: &mut impl Write) -> anyhow::Result<Result<(), String>> {
    let mut reader = capture::open_stream(&opts.path)?;
    let mut session = Session::new();
    let mut d = Dissection::default();
    let mut line = String::with_capacity(512);
    let mut first_ts: Option<Timestamp> = None;
    let mut prev_ts = Timestamp::default();
    let mut number = 0u32;
    let pcapng = reader.is_pcapng();
    let need_tree = opts.verbose || matches!(opts.format, Format::Fields(_)) || opts.filter.is_some();
    loop {
        if opts.count.is_some_and(|c| number as u64 >= c) {
            break;
        }
        let (rec, iface, data) = match reader.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                out.flush()?;
                return Ok(Err(format!("{}: {e}", opts.path)));
            }
        };
        number += 1;
        let first = *first_ts.get_or_insert(rec.ts);
        let prev = if number == 1 { rec.ts } else { prev_ts };
        let meta = FrameMeta::of(number, &rec, iface, pcapng, first, prev);
        prev_ts = rec.ts;
        dissect_frame(&meta, data, &mut session, Pass::First, need_tree, &mut d);
        if opts.filter.as_ref().is_some_and(|f| !f.matches(&d, data)) {
            continue;
        }
        line.clear();
        if opts.verbose {
            verbose_tree(&d, data, &mut line);
        } else {
            match &opts.format {
                Format::Summary => summary_line(&meta, &d, &mut line),
                Format::Fields(fl) => fl.line(&d, data, &mut line),
            }
            line.push('\n');
        }
        if opts.hex {
            if !opts.verbose {
                line.push('\n');
            }
            hexdump(data, &mut line);
            for s in &d.sources {
                line.push_str(&format!("{} ({} bytes):\n", s.name, s.bytes.len()));
                hexdump(&s.bytes, &mut line);
            }
        }
        if opts.verbose || opts.hex {
            line.push('\n');
        }
        out.write_all(line.as_bytes())?;
    }
    out.flush()?;
    Ok(Ok(()))
}
