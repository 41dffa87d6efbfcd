//! Everything the UI reacts to arrives as one `Event` on one channel: input
//! from the terminal, ticks, and messages from worker threads.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyEvent, MouseEvent};

#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Time passes: incremental work (a search) takes its next step.
    Tick,
    /// More packets are in the shared store (from the file loader or a
    /// capture thread).
    Packets(Progress),
    /// A display filter worker's results.
    Filtered(FilterProgress),
    /// A chunk of the transactions view's worker results.
    Transactions(TransactionsProgress),
    /// A chunk of the follow, conversations or ladder view's worker results.
    View(crate::tui::workers::session::ViewProgress),
    /// A generator started from the menu ended: its name and how.
    Generated(&'static str, Result<(), String>),
    /// Values of a string field seen in the capture, for completion.
    Values(crate::tui::workers::values::FieldValues),
    /// The list's labels (for sorting by a text column) cover more packets.
    Labelled,
    /// A save finished: packets written and the file, or what went wrong.
    Saved(Result<(usize, String), String>),
}

/// How far a packet source has come.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// Packets in the store, first pass done.
    pub packets: usize,
    /// Bytes of the source read so far, and its size (0 when unknown).
    pub bytes: u64,
    pub total: u64,
    /// The source has ended (end of file, or a capture stopped).
    pub done: bool,
    /// Why it ended early: damage after the packets already loaded.
    pub error: Option<String>,
    /// Packets the kernel dropped (live capture only).
    pub dropped: Option<u64>,
}

/// A chunk of a display filter's results: which of the packets in
/// `scanned_from..scanned_to` matched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterProgress {
    /// Which filter run this belongs to; stale runs are ignored.
    pub generation: u64,
    pub matched: Vec<u32>,
    pub scanned_to: usize,
    pub done: bool,
}

/// The transaction items found in packets `..scanned_to` since the last chunk.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TransactionsProgress {
    /// Which worker this comes from; a closed view's worker is ignored.
    pub generation: u64,
    pub items: Vec<crate::stats::transactions::Item>,
    pub scanned_to: usize,
    pub done: bool,
}

/// Reads terminal input on its own thread until `stop` is set. Polling with
/// a timeout (instead of a blocking read) lets the thread notice `stop`.
pub fn spawn_input(tx: Sender<Event>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        use crossterm::event::{self as ct, Event as CtEvent};
        while !stop.load(Ordering::Relaxed) {
            match ct::poll(Duration::from_millis(50)) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(_) => break,
            }
            let ev = match ct::read() {
                Ok(CtEvent::Key(k)) => Event::Key(k),
                Ok(CtEvent::Mouse(m)) => Event::Mouse(m),
                Ok(CtEvent::Resize(w, h)) => Event::Resize(w, h),
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.send(ev).is_err() {
                break;
            }
        }
    })
}
