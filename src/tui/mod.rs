//! The inspector: a full-screen terminal UI with Wireshark's three panes
//! (packet list, detail tree, bytes), a filter bar and a status bar.
//!
//! One `App` holds all state. Terminal input, ticks and worker messages
//! arrive as `Event`s on one channel; `App::update` applies each one and
//! `App::draw` renders the state. Loading runs on a worker thread
//! (`workers::loader`) that fills the shared `Packets`, so the first screen
//! shows at once and the keys keep working while a large file loads.
//!
//! Where things are: `app` (state and `update`), `draw`, `panes/` (list,
//! detail tree, hex), `overlays/` (help, menus, save prompt, interface
//! picker), `views/` (follow, conversations, ladder, transactions),
//! `workers/` (loader, filter, search, the views' readers), `displayed`
//! (which packets the list shows), `line_editor` (the filter, go-to,
//! search and save prompts' text editing), `filter_edit` (the filter bar's
//! keys: completion, history), `history` (what is kept across runs),
//! `clipboard` (copying through the terminal).

mod action;
mod app;
mod clipboard;
mod colors;
mod displayed;
mod draw;
mod event;
mod filter_edit;
mod history;
mod keymap;
mod layout;
mod line_editor;
mod overlays;
mod packets;
mod panes;
mod terminal;
mod time_format;
pub mod views;
pub(crate) mod workers;

#[cfg(test)]
mod testutil;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_links_filters_copy;
#[cfg(test)]
mod tests_sort;
#[cfg(test)]
mod tests_time_decode_keylog;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use ratatui::layout::Rect;

pub use app::App;
pub use event::{Event, FilterProgress, Progress};
pub use packets::Packets;
pub use overlays::picker::pick_interface;
pub use time_format::TimeFormat as TimeColumn;

use crate::capture::{LiveCapture, LiveOptions, StoreSource};
use crate::gen::lab::Question;
use overlays::checklist::Checklist;

/// How often the UI wakes up without input (to step a running search).
const TICK: Duration = Duration::from_millis(100);

/// Test hook: with this set (to anything) the event loop panics on the first
/// key, so that the end-to-end tests can check that a panic gives the
/// terminal back. An environment variable, not a key or flag, so that no
/// user reaches it by accident.
const TEST_PANIC_VAR: &str = "WIRELENS_TEST_PANIC";

/// Opens `path` (`-` for standard input) in the inspector, with `filter`
/// applied if given and the time column in format `time`, and runs until
/// the user quits.
pub fn run(path: &str, filter: Option<&str>, time: TimeColumn) -> anyhow::Result<()> {
    // Open the file before touching the terminal, so that "no such file"
    // prints as a plain error.
    let name = match path {
        "-" => "<stdin>".to_string(),
        p => std::path::Path::new(p).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.to_string()),
    };
    let (source, reader, total) = crate::capture::open_source(path)?;
    let packets = Arc::new(Packets::new(source, reader.is_pcapng()));
    let (tx, rx) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let loader = workers::loader::spawn(reader, total, packets.clone(), tx.clone(), stop.clone());
    let result = run_app(packets, tx, &rx, &stop, Start { name, filter, live: None, stream: false, lab: None, time });
    stop.store(true, Ordering::Relaxed);
    // The loader stops after its current batch: `stop` is set, and its
    // sends fail once the channel is gone.
    drop(rx);
    let _ = loader.join();
    result
}

/// Captures live as `opts` say and shows the packets as they arrive, with
/// `filter` applied if given and times in format `time`, until the user quits.
pub fn run_live(opts: &LiveOptions, filter: Option<&str>, time: TimeColumn) -> anyhow::Result<()> {
    live(opts, filter, None, time)
}

/// `run_live` for a socket lab: the lab's display filter applied, its
/// hint (what to look for) on a line above the status bar and its
/// questions in a checklist over the list.
pub fn run_lab(opts: &LiveOptions, filter: &str, hint: &str, questions: &[Question]) -> anyhow::Result<()> {
    live(opts, Some(filter), Some((hint, questions)), TimeColumn::default())
}

fn live(opts: &LiveOptions, filter: Option<&str>, lab: Option<(&str, &[Question])>, time: TimeColumn) -> anyhow::Result<()> {
    let (capture, events) = LiveCapture::start(opts)?;
    let mut name = opts.iface.clone();
    if let Some(f) = &opts.filter {
        name.push_str(&format!(" ({f})"));
    }
    let packets = Arc::new(Packets::new(StoreSource::Memory(Vec::new()), false));
    let (tx, rx) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let feeder = workers::loader::spawn_live(events, capture.interface().clone(), packets.clone(), tx.clone());
    let start = Start { name, filter, live: Some(opts.iface.clone()), stream: capture.is_stream(), lab, time };
    let result = run_app(packets, tx, &rx, &stop, start);
    // Stopping the capture closes its channel, which ends the feeder.
    capture.stop();
    drop(rx);
    let _ = feeder.join();
    result
}

/// How the inspector opens.
struct Start<'a> {
    /// The file name or interface the status bar shows.
    name: String,
    /// The display filter applied at once.
    filter: Option<&'a str>,
    /// The interface of a live capture.
    live: Option<String>,
    /// The live capture reads a stream.
    stream: bool,
    /// A lab's hint line and questions.
    lab: Option<(&'a str, &'a [Question])>,
    /// The time column's format.
    time: TimeColumn,
}

/// The terminal part: sets it up, runs the event loop, gives it back.
fn run_app(
    packets: Arc<Packets>,
    tx: mpsc::Sender<Event>,
    rx: &Receiver<Event>,
    stop: &Arc<AtomicBool>,
    start: Start,
) -> anyhow::Result<()> {
    let mut tui = terminal::Tui::enter()?;
    let input = event::spawn_input(tx.clone(), stop.clone());
    let size = tui.terminal.size()?;
    let mut app = App::new(packets, tx, start.name, Rect::new(0, 0, size.width, size.height));
    app.live = start.live;
    app.time = start.time;
    app.stream = start.stream;
    if let Some((hint, questions)) = start.lab {
        app.hint = Some(hint.to_string());
        app.checklist = Some(Checklist::new(questions));
    }
    app.persist(history::history_file(), overlays::buttons::file());
    if let Some(f) = start.filter {
        app.filter.set(f);
        app.apply_filter();
    }
    let r = event_loop(&mut tui, &mut app, rx);
    stop.store(true, Ordering::Relaxed);
    drop(tui);
    let _ = input.join();
    r
}

/// Draws with the size ratatui has just read from the terminal, which can be newer than the last
/// `Event::Resize` still in the queue: laying out with the older, larger size would write outside the
/// buffer and panic (seen under load when the window shrank).
fn draw_frame(app: &mut App, f: &mut ratatui::Frame) {
    app.update(Event::Resize(f.area().width, f.area().height));
    app.draw(f);
}

fn event_loop(tui: &mut terminal::Tui, app: &mut App, rx: &Receiver<Event>) -> anyhow::Result<()> {
    let panic_on_key = std::env::var_os(TEST_PANIC_VAR).is_some();
    tui.terminal.draw(|f| draw_frame(app, f))?;
    loop {
        let ev = match rx.recv_timeout(TICK) {
            Ok(ev) => ev,
            Err(RecvTimeoutError::Timeout) => Event::Tick,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        if terminal::panicked() {
            anyhow::bail!("internal error: a thread panicked (message above)");
        }
        if panic_on_key && matches!(ev, Event::Key(_)) {
            panic!("{TEST_PANIC_VAR} is set: panicking on the first key, as asked");
        }
        app.update(ev);
        // Apply whatever else is waiting before drawing once.
        while !app.quit {
            match rx.try_recv() {
                Ok(ev) => app.update(ev),
                Err(_) => break,
            }
        }
        if app.quit {
            return Ok(());
        }
        tui.terminal.draw(|f| draw_frame(app, f))?;
    }
}
