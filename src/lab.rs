//! `wirelens lab KIND`: runs a socket lab: a live capture on `lo` filtered
//! to the lab's port, the lab's generator (from `gen::lab`, which describes
//! each lab), and the packets with the lab's display filter, printed as `-P`
//! does with `--headless`, else in the inspector. It sits above `gen`,
//! `capture`, `headless` and `tui`, which it ties together, so that the
//! generators depend on none of them.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use crate::capture::{LiveCapture, LiveOptions};
use crate::filter::Filter;
use crate::gen::common::{self, Log};
use crate::gen::lab::{Args, Prepared};
use crate::gen::Gen;
use crate::headless::{self, Format, Printer};

pub fn run(args: &Args) -> anyhow::Result<()> {
    common::catch_ctrl_c();
    let lab = args.kind.prepare(args.port, &args.gen_args)?;
    let display = lab.display_filter.clone();
    let filter = Filter::compile(&display).map_err(|e| anyhow::anyhow!("display filter {display:?}: {e:?}"))?;
    let opts = LiveOptions {
        iface: "lo".into(),
        filter: Some(lab.capture_filter.clone()),
        snaplen: 0,
        write_to: None,
        ..LiveOptions::default()
    };
    eprintln!("lab {}: capturing on lo ({}), display filter {display}", lab.name, lab.capture_filter);
    if args.headless {
        eprintln!("Look for: {}", lab.hint);
        // The inspector ticks these; here they are a reminder of what to find.
        for q in &lab.questions {
            eprintln!("[ ] {} (answered by: {})", q.text, q.filter);
        }
        headless_lab(&opts, lab.gen, &filter)
    } else {
        inspector_lab(&opts, lab)
    }
}

/// Prints the lab's packets as -P does until the generator is done.
fn headless_lab(opts: &LiveOptions, gen: Gen, filter: &Filter) -> anyhow::Result<()> {
    let (cap, rx) = LiveCapture::start(opts)?;
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    // The generator's own output would mix with the packets: it goes to
    // stderr, a whole line per write (`Log::line`), and the packets leave
    // stdout whole lines at a time, so on one terminal the two interleave
    // by lines, never within one.
    let worker = thread::spawn(move || {
        let result = crate::gen::run_with(&gen, &Log::stderr());
        // Let the last packets (the final ACK) reach the capture.
        thread::sleep(Duration::from_millis(300));
        flag.store(true, Ordering::SeqCst);
        result
    });
    let printer = Printer::new(&Format::Summary, false, false, Some(filter), false);
    let stdout = std::io::stdout();
    let mut out = std::io::LineWriter::with_capacity(1 << 16, stdout.lock());
    let end = headless::run_live(cap, rx, Some(printer), &done, false, &mut out)?;
    out.flush()?;
    let generated = worker.join().map_err(|_| anyhow::anyhow!("the generator thread panicked"))?;
    eprintln!("{} packets captured, {} dropped", end.stats.captured, end.stats.dropped);
    if let Some(e) = end.error {
        anyhow::bail!("capture stopped: {e}");
    }
    generated
}

/// Opens the live inspector, with the lab's hint above its status bar, and
/// runs the generator behind it, so the packets appear while the user
/// watches; quitting stops the generator.
fn inspector_lab(opts: &LiveOptions, lab: Prepared) -> anyhow::Result<()> {
    let (display, hint, questions) = (lab.display_filter.clone(), lab.hint, lab.questions.clone());
    // The inspector starts its capture before it draws: give it that moment.
    // The terminal belongs to the inspector: the generator's lines are not shown.
    let worker = lab.spawn_quiet(Duration::from_millis(500));
    let shown = crate::tui::run_lab(opts, &display, hint, &questions);
    common::interrupt();
    let generated = worker.join().map_err(|_| anyhow::anyhow!("the generator thread panicked"))?;
    shown?;
    generated
}

