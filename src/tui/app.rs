//! The application state and `update`: every event changes the state here,
//! and nothing else does. Drawing (in `draw`) only reads it.
//!
//! A key goes to whatever has it: an overlay (`mode`), the open session
//! view, or the main screen, where `keymap` gives its command and the
//! focused pane gets the keys the main screen doesn't use. Panes and views
//! answer with an `Action`, which `act` carries out.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use crate::field::Timestamp;
use crate::filter::{Filter, FilterError};
use crate::gen::lab::Kind;

use crate::tui::panes::detail::Detail;
use super::action::Action;
use super::event::{Event, FilterProgress, Progress};
use super::keymap::{self, Command, Ctx};
use crate::tui::workers::filtering;
use crate::tui::workers::session::Job;
use crate::tui::filter_edit::Gathered;
use crate::tui::overlays::buttons::{self, Button};
use crate::tui::overlays::completion::Completion;
use crate::tui::overlays::copy_menu::{self, Copy};
use crate::tui::overlays::decode_as::{self, DecodeAs};
use crate::tui::overlays::{keylog, time_menu};
use crate::tui::overlays::gen_menu::{self, Choice};
use crate::tui::overlays::tree_menu;
use crate::tui::overlays::checklist::Checklist;
use crate::tui::panes::hex::{self, Hex};
use crate::tui::line_editor::{Edit, LineInput};
use super::layout::{areas, inner, Areas, Pane};
use crate::tui::panes::list::PacketList;
use super::packets::Packets;
use crate::tui::workers::search::{Needle, Scan, Step};
use super::time_format::TimeFormat;
use crate::tui::displayed::{SortColumn, Sorted, View};
use crate::tui::workers::sorting::{self, Keys};
use super::views::transactions::TransactionsView;
use super::views::{SessionView, ViewKind};
use crate::field::plural;

/// What has the keyboard besides the panes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Help { scroll: usize },
    /// Typing in the filter bar.
    Filter,
    GoTo(LineInput),
    Search(LineInput),
    /// Asking where to save, and whether only the displayed packets.
    Save { input: LineInput, displayed: bool },
    /// The generator menu, its cursor on a row.
    Generators { cursor: usize },
    /// The tree item's context menu, its cursor on a row.
    TreeMenu { cursor: usize },
    /// The copy menu.
    CopyMenu { cursor: usize },
    /// The filter buttons' picker.
    Buttons { cursor: usize },
    /// Asking the label of the filter bar's filter, to save it as a button.
    NameButton(LineInput),
    /// The selected tree item explained (`i`), scrolled down this many rows.
    Explain { text: crate::explain::Explanation, scroll: usize },
    /// The time format menu (`t`), its cursor on a row.
    TimeMenu { cursor: usize },
    /// Decode As… on the selected packet's ports.
    DecodeAs(DecodeAs),
    /// Asking for the TLS key log file.
    KeyLog(LineInput),
}

/// The applied display filter and how far its worker has come.
#[derive(Debug)]
pub struct Applied {
    pub text: String,
    generation: u64,
    cancel: Arc<AtomicBool>,
    /// Packets tested so far.
    pub scanned: usize,
    pub done: bool,
    /// The packet selected before applying, selected again once it matches.
    want: Option<usize>,
}

impl Drop for Applied {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// What the status bar says once the list is sorted.
fn sorted_message(s: &Sorted) -> String {
    format!("sorted by {}{}", s.column.lower_name(), if s.reverse { ", reversed" } else { "" })
}

/// Time a search scans between two events.
const SEARCH_STEP: Duration = Duration::from_millis(30);
/// Links followed that Backspace can go back through.
const MAX_JUMPS: usize = 100;

pub struct App {
    pub packets: Arc<Packets>,
    /// Where workers started by the UI (filters) send their results.
    pub(super) tx: Sender<Event>,
    /// The file name (or interface) shown in the status bar.
    pub source: String,
    pub progress: Progress,
    pub view: View,
    pub list: PacketList,
    pub detail: Detail,
    pub hex: Hex,
    pub focus: Pane,
    pub zoom: bool,
    pub time: TimeFormat,
    pub mode: Mode,
    pub filter: LineInput,
    /// The filter bar's completion popup (Tab).
    pub completion: Option<Completion>,
    /// String fields' values gathered for completion, by field name.
    pub(super) values: HashMap<&'static str, Gathered>,
    /// Where applied filters are kept across runs (none in tests unless set).
    pub history_file: Option<PathBuf>,
    /// The saved filters (`b`) and their file.
    pub buttons: Vec<Button>,
    pub buttons_file: Option<PathBuf>,
    /// Packets the links followed left from, the last one last (Backspace).
    pub jumps: Vec<usize>,
    /// Where `y` writes its OSC 52 escape: the terminal.
    pub clipboard: Box<dyn Write>,
    /// Whether the filter bar's text compiles (None when empty).
    pub check: Option<Result<(), FilterError>>,
    pub applied: Option<Applied>,
    generation: u64,
    pub search_input: LineInput,
    pub needle: Option<Needle>,
    pub scan: Option<Scan>,
    pub first_ts: Timestamp,
    /// The interface of a live capture: the list follows new packets while
    /// the last row is selected, and Space pauses the display.
    pub live: Option<String>,
    /// The live source is a stream (a pipe, a FIFO, ssh): its end is its
    /// writer's, shown as the end of the stream.
    pub stream: bool,
    pub paused: bool,
    /// Filter matches that arrived while paused.
    held: Vec<u32>,
    pub size: Rect,
    /// A one-off note for the status bar, cleared by the next key.
    pub message: Option<String>,
    /// What to look for in a lab, on a line of its own above the status bar
    /// until Esc hides it: it is worth reading while the packets come in.
    pub hint: Option<String>,
    /// A lab's questions, ticked as the student finds the answers.
    pub checklist: Option<Checklist>,
    /// Follow stream, conversations or the ladder, drawn over the panes.
    pub session_view: Option<SessionView>,
    /// The transactions view hidden by a jump to a packet; `T` shows it again.
    parked: Option<SessionView>,
    /// The worker reading the list's labels, once a sort by a text column
    /// has needed them; it follows the capture and keeps them.
    labelling: Option<Arc<AtomicBool>>,
    /// The sorted column's keys, kept while it stays sorted by it.
    sort_keys: Option<Keys>,
    /// When the last sort with labels still coming began, and how long it took.
    resorted: Option<(Instant, Duration)>,
    /// The worker dissecting the capture again (Decode As, a key log).
    redissecting: Option<Arc<AtomicBool>>,
    /// The packet to select again once the capture dissected again has it.
    reselect: Option<usize>,
    /// The names of the key log files read in the inspector, for the status bar.
    pub keylogs: Vec<String>,
    /// The worker making the common columns of a loaded file, and its packets.
    prefetch: Option<(Arc<Packets>, Job)>,
    pub quit: bool,
}

impl App {
    pub fn new(packets: Arc<Packets>, tx: Sender<Event>, source: String, size: Rect) -> App {
        App {
            packets,
            tx,
            source,
            progress: Progress::default(),
            view: View::default(),
            list: PacketList::default(),
            detail: Detail::default(),
            hex: Hex::default(),
            focus: Pane::List,
            zoom: false,
            time: TimeFormat::default(),
            mode: Mode::Normal,
            filter: LineInput::default(),
            completion: None,
            values: HashMap::new(),
            history_file: None,
            buttons: Vec::new(),
            buttons_file: None,
            jumps: Vec::new(),
            clipboard: Box::new(std::io::stdout()),
            check: None,
            applied: None,
            generation: 0,
            search_input: LineInput::default(),
            needle: None,
            scan: None,
            first_ts: Timestamp::default(),
            live: None,
            stream: false,
            hint: None,
            checklist: None,
            paused: false,
            held: Vec::new(),
            size,
            message: None,
            session_view: None,
            parked: None,
            labelling: None,
            resorted: None,
            sort_keys: None,
            redissecting: None,
            reselect: None,
            keylogs: Vec::new(),
            prefetch: None,
            quit: false,
        }
    }

    /// Keeps the filter history in `history` and the filter buttons in
    /// `buttons`, loading what earlier runs left there.
    pub fn persist(&mut self, history: Option<PathBuf>, buttons: Option<PathBuf>) {
        if let Some(p) = &history {
            self.filter.set_history(crate::tui::history::load(p));
        }
        if let Some(p) = &buttons {
            self.buttons = buttons::load(p);
        }
        self.history_file = history;
        self.buttons_file = buttons;
    }

    pub fn areas(&self) -> Areas {
        areas(self.size, self.zoom.then_some(self.focus), self.hint.is_some())
    }

    /// Rows of content each pane shows (the list's header excluded).
    fn heights(&self) -> (usize, usize, usize) {
        let a = self.areas();
        let h = |r: Rect| inner(r).height as usize;
        (h(a.list).saturating_sub(1), h(a.detail), h(a.hex))
    }

    pub fn update(&mut self, ev: Event) {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                self.message = None;
                self.key(k);
            }
            Event::Key(_) => {}
            Event::Mouse(m) => self.mouse(m),
            Event::Resize(w, h) => self.size = Rect::new(0, 0, w, h),
            Event::Tick => {}
            Event::Packets(p) => {
                let following = self.following();
                if self.progress.packets == 0 && p.packets > 0 {
                    self.first_ts = self.packets.store().records.get(0).map(|r| r.ts).unwrap_or_default();
                }
                if !self.paused {
                    self.view.loaded = p.packets;
                }
                let done = p.done;
                self.progress = p;
                self.arrange(false);
                self.follow(following);
                self.select_again();
                if done {
                    self.prefetch();
                }
            }
            Event::Saved(r) => {
                self.message = Some(match r {
                    Ok((n, path)) => format!("saved {n} packet{} to {path}", plural(n)),
                    Err(e) => format!("not saved: {e}"),
                })
            }
            Event::Generated(name, r) => {
                self.message = Some(match r {
                    Ok(()) => format!("{name}: the exchange is over"),
                    Err(e) => format!("{name}: {e}"),
                })
            }
            Event::View(p) => {
                if let Some(v) = self.session_view.as_mut() {
                    v.progress(p);
                }
            }
            Event::Transactions(p) => {
                if let Some(SessionView::Transactions(v)) = self.session_view.as_mut().or(self.parked.as_mut()) {
                    v.progress(p);
                }
            }
            Event::Filtered(fp) => {
                let following = self.following();
                self.filtered(fp);
                self.follow(following);
            }
            Event::Values(v) => self.values_arrived(v),
            Event::Labelled => self.labelled(),
        }
        self.step_search();
        self.sync();
    }

    /// Starts making the common columns once a file (not a live capture) is loaded.
    fn prefetch(&mut self) {
        if self.live.is_some() || self.prefetch.as_ref().is_some_and(|(p, _)| Arc::ptr_eq(p, &self.packets)) {
            return;
        }
        let job = Job::default();
        crate::tui::workers::prefetch::spawn(self.packets.clone(), &job);
        self.prefetch = Some((self.packets.clone(), job));
    }

    fn toggle_pause(&mut self) {
        self.paused = !self.paused;
        if !self.paused {
            self.view.loaded = self.progress.packets;
            if let Some(m) = self.view.matched.as_mut() {
                m.append(&mut self.held);
            }
            self.arrange(false);
            self.follow(true);
        }
    }

    /// Whether the list should stay on the newest packet as more arrive.
    fn following(&self) -> bool {
        self.live.is_some() && !self.paused && self.list.sel + 1 >= self.view.len()
    }

    fn follow(&mut self, following: bool) {
        if following && !self.view.is_empty() {
            self.select_row(self.view.len() - 1);
        }
    }

    /// Brings the derived state up to date: the selection within bounds, the
    /// selected packet's tree, the list rows on screen.
    fn sync(&mut self) {
        let (lh, dh, hh) = self.heights();
        let rows = self.view.len();
        if self.list.sel >= rows && rows > 0 {
            self.list.select(rows - 1, rows, lh);
        }
        let selected = self.view.packet(self.list.sel);
        if selected != self.detail.packet {
            match selected {
                Some(p) => {
                    self.detail.load(&self.packets, p);
                    if let Some(c) = self.checklist.as_mut() {
                        c.selected(&self.detail.d, &self.detail.bytes);
                    }
                    self.detail.scroll_into_view(dh);
                    self.hex = Hex::default();
                    self.follow_tree(hh);
                }
                None => self.detail.clear(),
            }
        }
        self.list.fill(&self.packets, &self.view, lh);
    }

    /// Puts the hex cursor on the selected tree item's first byte.
    fn follow_tree(&mut self, hex_height: usize) {
        let Some(range) = self.detail.selected_range() else { return };
        self.hex.cursor = range.start;
        self.hex.reveal(range, self.size.width, hex_height);
    }

    /// The data source the hex pane shows and the highlighted range in it.
    pub fn hex_view(&self) -> (&[u8], std::ops::Range<usize>) {
        self.detail.shown_bytes()
    }

    /// Selects the tree item owning the byte under the hex cursor.
    fn hex_select(&mut self, dh: usize, hh: usize) {
        self.detail.select_at_byte(self.hex.cursor, dh);
        self.hex.reveal(self.hex.cursor..self.hex.cursor + 1, self.size.width, hh);
    }

    fn select_row(&mut self, row: usize) {
        let lh = self.heights().0;
        self.list.select(row, self.view.len(), lh);
    }

    fn key(&mut self, k: KeyEvent) {
        if keymap::command(Ctx::Anywhere, k) == Some(Command::Quit) {
            self.quit = true;
            return;
        }
        if self.session_view.is_some() && self.mode == Mode::Normal {
            self.view_key(k);
            return;
        }
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Normal => self.normal_key(k),
            Mode::Help { scroll } => {
                self.mode = match k.code {
                    KeyCode::Char('j') | KeyCode::Down => Mode::Help { scroll: (scroll + 1).min(keymap::KEYS.len() - 1) },
                    KeyCode::Char('k') | KeyCode::Up => Mode::Help { scroll: scroll.saturating_sub(1) },
                    KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?') => Mode::Normal,
                    _ => Mode::Help { scroll },
                }
            }
            Mode::Filter => self.filter_key(k),
            Mode::Explain { text, scroll } => {
                if let Some(scroll) = crate::tui::overlays::explain::key(k, scroll) {
                    self.mode = Mode::Explain { text, scroll };
                }
            }
            Mode::GoTo(mut input) => match input.handle(k) {
                Edit::Submit => self.go_to(&input.text),
                Edit::Cancel => {}
                _ => self.mode = Mode::GoTo(input),
            },
            Mode::Save { mut input, displayed } => match (k.code, input.handle(k)) {
                (_, Edit::Submit) if !input.text.trim().is_empty() => {
                    let which = if displayed { self.view.matched.clone() } else { None };
                    let path = std::path::PathBuf::from(input.text.trim());
                    crate::tui::overlays::save::spawn(self.packets.clone(), which, path, self.tx.clone());
                    self.message = Some("saving…".into());
                }
                (_, Edit::Cancel) => {}
                (KeyCode::Tab, _) => self.mode = Mode::Save { input, displayed: !displayed },
                _ => self.mode = Mode::Save { input, displayed },
            },
            Mode::TreeMenu { cursor } => match tree_menu::key(k, cursor) {
                tree_menu::Choice::Stay(cursor) => self.mode = Mode::TreeMenu { cursor },
                tree_menu::Choice::Close => {}
                tree_menu::Choice::Do(action) => self.tree_action(action),
            },
            Mode::CopyMenu { cursor } => match copy_menu::key(k, cursor) {
                copy_menu::Choice::Stay(cursor) => self.mode = Mode::CopyMenu { cursor },
                copy_menu::Choice::Close => {}
                copy_menu::Choice::Do(what) => self.copy(what),
            },
            Mode::Buttons { cursor } => self.buttons_key(k, cursor),
            Mode::NameButton(mut input) => match input.handle(k) {
                Edit::Submit if !input.text.trim().is_empty() => {
                    let filter = self.filter.text.trim().to_string();
                    self.buttons.push(Button { label: input.text.trim().to_string(), filter });
                    self.save_buttons();
                    self.mode = Mode::Buttons { cursor: self.buttons.len() - 1 };
                }
                Edit::Cancel => self.mode = Mode::Buttons { cursor: 0 },
                _ => self.mode = Mode::NameButton(input),
            },
            Mode::TimeMenu { cursor } => match time_menu::key(k, cursor, self.time) {
                time_menu::Choice::Stay(cursor) => self.mode = Mode::TimeMenu { cursor },
                time_menu::Choice::Close => {}
                time_menu::Choice::Set(t) => self.time = t,
                time_menu::Choice::Switch(t, cursor) => {
                    self.time = t;
                    self.mode = Mode::TimeMenu { cursor };
                }
            },
            Mode::DecodeAs(mut dlg) => match dlg.key(k) {
                decode_as::Choice::Stay => self.mode = Mode::DecodeAs(dlg),
                decode_as::Choice::Close => {}
                decode_as::Choice::Apply(_) if self.loading() => {}
                decode_as::Choice::Apply(rules) => {
                    let why = if rules.is_empty() { "no Decode As rule left" } else { "Decode As changed" };
                    crate::dissect::decode_as::set(rules);
                    self.redissect(why);
                }
            },
            Mode::KeyLog(mut input) => match (k.code, input.handle(k)) {
                (KeyCode::Tab, _) => {
                    if let Some(t) = keylog::complete(&input.text) {
                        input.set(&t);
                    }
                    self.mode = Mode::KeyLog(input);
                }
                (_, Edit::Submit) if self.loading() => {}
                (_, Edit::Submit) if !input.text.trim().is_empty() => self.read_keylog(input.text.trim()),
                (_, Edit::Cancel) => {}
                _ => self.mode = Mode::KeyLog(input),
            },
            Mode::Generators { cursor } => match gen_menu::key(k, cursor) {
                Choice::Stay(cursor) => self.mode = Mode::Generators { cursor },
                Choice::Close => {}
                Choice::Start(kind) => self.start_generator(kind),
            },
            Mode::Search(mut input) => {
                self.search_input = input.clone();
                match input.handle(k) {
                    Edit::Submit => {
                        self.search_input.remember(&input.text);
                        self.search_input.clear();
                        match Needle::parse(&input.text) {
                            Ok(n) => {
                                self.needle = Some(n);
                                self.start_search(true);
                            }
                            Err(e) => self.message = Some(e),
                        }
                    }
                    Edit::Cancel => {}
                    _ => self.mode = Mode::Search(input),
                }
            }
        }
    }

    pub(super) fn check_filter(&mut self) {
        let t = self.filter.text.trim();
        self.check = (!t.is_empty()).then(|| Filter::compile(t).map(|_| ()));
    }

    /// Applies the filter bar's text (none when empty): starts a worker that
    /// sends the matching packets, cancelling one still running.
    pub fn apply_filter(&mut self) {
        let text = self.filter.text.trim().to_string();
        let keep = self.view.packet(self.list.sel).or(self.applied.as_ref().and_then(|a| a.want));
        self.applied = None;
        self.held.clear();
        self.check_filter();
        if text.is_empty() {
            self.refilter_views(None);
            self.view.matched = None;
            self.view.restart_order();
            self.arrange(false);
            if let Some(Ok(row)) = keep.map(|p| self.view.row_of(p)) {
                self.select_row(row);
            }
            return;
        }
        let filter = match Filter::compile(&text) {
            Ok(f) => f,
            Err(e) => {
                self.message = Some(format!("invalid filter: {}", e.message));
                self.mode = Mode::Filter;
                return;
            }
        };
        self.filter.remember(&text);
        self.save_history(&text);
        let filter = Arc::new(filter);
        self.refilter_views(Some((text.clone(), filter.clone())));
        self.generation += 1;
        let cancel = Arc::new(AtomicBool::new(false));
        filtering::spawn(filter, self.packets.clone(), self.generation, self.tx.clone(), cancel.clone());
        self.applied = Some(Applied { text, generation: self.generation, cancel, scanned: 0, done: false, want: keep });
        self.view.matched = Some(Vec::new());
        self.view.restart_order();
        self.list.sel = 0;
        self.list.top = 0;
    }

    /// The display filter changed: the flow graph, limited to the displayed
    /// packets as Wireshark's, draws the ones it keeps now.
    fn refilter_views(&mut self, filter: Option<(String, Arc<Filter>)>) {
        if let Some(SessionView::FlowGraph(v)) = self.session_view.as_mut() {
            v.refilter(&self.packets, filter, &self.tx);
        }
    }

    fn filtered(&mut self, fp: FilterProgress) {
        let Some(a) = self.applied.as_mut().filter(|a| a.generation == fp.generation) else { return };
        a.scanned = fp.scanned_to;
        a.done = fp.done;
        if self.paused {
            self.held.extend_from_slice(&fp.matched);
            return;
        }
        let want = a.want;
        let matched = self.view.matched.get_or_insert_with(Vec::new);
        matched.extend_from_slice(&fp.matched);
        // A live capture's filter is never done: it has caught up.
        if let Some(c) = self.checklist.as_mut().filter(|_| fp.done || fp.scanned_to >= self.packets.len()) {
            c.displayed(&self.packets, matched);
        }
        self.arrange(false);
        if let Some(p) = want {
            if let Some(Ok(row)) = fp.matched.contains(&(p as u32)).then(|| self.view.row_of(p)) {
                if let Some(a) = self.applied.as_mut() {
                    a.want = None;
                }
                self.select_row(row);
            } else if fp.matched.iter().any(|&m| m as usize > p) || fp.done {
                // It didn't match; stay where the user is.
                if let Some(a) = self.applied.as_mut() {
                    a.want = None;
                }
            }
        }
    }

    /// Sorts the list by `column` (packet order: No. ascending), keeping the
    /// selected packet selected.
    fn sort_by(&mut self, column: SortColumn, reverse: bool) {
        let keep = self.view.packet(self.list.sel);
        self.view.sorted = (column != SortColumn::Number || reverse).then(|| Sorted::new(column, reverse));
        self.sort_keys = None;
        self.arrange(true);
        if let Some(Ok(row)) = keep.map(|p| self.view.row_of(p)) {
            self.select_row(row);
        }
        let waiting = column.text().is_some() && !self.packets.labels().is_sealed();
        self.message = Some(match (&self.view.sorted, waiting) {
            (Some(_), true) => format!("sorting by {}: reading every packet's labels…", column.lower_name()),
            (Some(s), false) => sorted_message(s),
            (None, _) => "packet order".into(),
        });
    }

    /// A click on the list's header: sorts by that column, or reverses the
    /// order when it is the sorted one already.
    fn header_click(&mut self, area: Rect, x: u16) {
        let list = crate::tui::panes::list::ListView {
            list: &self.list,
            view: &self.view,
            time: self.time,
            first_ts: self.first_ts,
            focused: true,
        };
        let Some(column) = list.column_at(area, x) else { return };
        match &self.view.sorted {
            Some(s) if s.column == column => self.sort_by(column, !s.reverse),
            None if column == SortColumn::Number => self.sort_by(column, true),
            _ => self.sort_by(column, false),
        }
    }

    /// Puts the shown packets in the sorted order: all again (`fresh`), or
    /// those shown since the last time into place. The selected packet stays
    /// selected if it was in order already. A text column's first sort
    /// starts the worker that reads every packet's labels.
    fn arrange(&mut self, fresh: bool) {
        let Some(column) = self.view.sorted.as_ref().map(|s| s.column) else { return };
        let (keys, known) = match self.sort_keys.take() {
            Some(mut keys) => {
                let known = keys.update(column, &self.packets);
                (keys, known)
            }
            None => Keys::of(column, &self.packets),
        };
        if column.text().is_some() && self.labelling.is_none() {
            let cancel = Arc::new(AtomicBool::new(false));
            sorting::spawn(self.packets.clone(), self.tx.clone(), cancel.clone());
            self.labelling = Some(cancel);
        }
        let placed = self.view.sorted.as_ref().map_or(0, |s| s.placed());
        let keep = (self.list.sel < placed).then(|| self.view.packet(self.list.sel)).flatten();
        self.view.arrange(known, |p| keys.key(p), fresh);
        self.sort_keys = Some(keys);
        if let Some(Ok(row)) = keep.map(|p| self.view.row_of(p)) {
            self.select_row(row);
        }
    }

    /// More labels were read: a sort by a text column is done again (on a
    /// complete capture only once all are read, sorting being the long part;
    /// on a growing one at most a tenth of the time, so the keys stay free).
    fn labelled(&mut self) {
        if !self.view.sorted.as_ref().is_some_and(|s| s.column.text().is_some()) {
            return;
        }
        let (read, sealed) = {
            let labels = self.packets.labels();
            (labels.len(), labels.is_sealed())
        };
        if sealed {
            self.arrange(true);
            self.message = self.view.sorted.as_ref().map(sorted_message);
        } else if !self.packets.is_complete() {
            if self.resorted.is_some_and(|(at, took)| at.elapsed() < took * 10) {
                return;
            }
            let at = Instant::now();
            self.arrange(true);
            self.resorted = Some((at, at.elapsed()));
        } else {
            self.message = Some(format!("sorting: read the labels of {read} of {} packets…", self.view.loaded));
        }
    }

    fn go_to(&mut self, text: &str) {
        let n: usize = match text.trim().parse() {
            Ok(n) if n > 0 => n,
            _ => {
                self.message = Some(format!("{:?} isn't a packet number", text.trim()));
                return;
            }
        };
        if n > self.view.loaded {
            self.message = Some(format!("there is no packet {n} (packets: {})", self.view.loaded));
            return;
        }
        match self.view.row_of(n - 1) {
            Ok(row) => self.select_row(row),
            Err(row) if row < self.view.len() => {
                self.message = Some(format!("packet {n} isn't displayed; went to the next displayed packet"));
                self.select_row(row);
            }
            Err(_) => self.message = Some(format!("packet {n} isn't displayed")),
        }
        self.focus = Pane::List;
    }

    /// Follows a link in the tree to frame `n`, remembering where from.
    fn follow_link(&mut self, n: u32) {
        let target = n as usize - 1;
        if target >= self.view.loaded {
            self.message = Some(format!("packet {n} isn't loaded"));
            return;
        }
        match self.view.row_of(target) {
            Ok(row) => {
                if let Some(from) = self.view.packet(self.list.sel) {
                    if self.jumps.len() == MAX_JUMPS {
                        self.jumps.remove(0);
                    }
                    self.jumps.push(from);
                    self.message = Some(format!("packet {n} · Backspace: back to packet {}", from + 1));
                }
                self.select_row(row);
            }
            // As Wireshark says when a link leads to a filtered-out frame.
            Err(_) => self.message = Some(format!("packet {n} isn't displayed: the display filter hides it")),
        }
    }

    /// Backspace: back to the packet the last link was followed from.
    fn jump_back(&mut self) {
        let Some(p) = self.jumps.pop() else {
            self.message = Some("no link followed to go back from".into());
            return;
        };
        match self.view.row_of(p) {
            Ok(row) => self.select_row(row),
            Err(_) => self.message = Some(format!("packet {} isn't displayed any more", p + 1)),
        }
    }

    /// Copies what the copy menu's entry says, through the terminal.
    fn copy(&mut self, what: Copy) {
        let text = match what {
            Copy::Value => self.detail.value_text(),
            Copy::Filter => self.detail.filter_expr(),
            Copy::Summary => self.summary_line(),
            Copy::Hex => self.detail.selected_hex(),
        };
        let Some(text) = text else {
            self.message = Some("nothing to copy there: select a tree item with a value".into());
            return;
        };
        self.message = Some(match crate::tui::clipboard::copy(&mut *self.clipboard, &text) {
            Ok(()) => {
                let shown: String = text.chars().take(60).collect();
                format!("copied: {shown}{}", if shown.len() < text.len() { "…" } else { "" })
            }
            Err(e) => format!("not copied: {e}"),
        });
    }

    /// The selected packet's line as `tshark -r` prints it.
    fn summary_line(&self) -> Option<String> {
        let p = self.detail.packet?;
        let meta = crate::dissect::FrameMeta::stored(&self.packets.store(), p)?;
        let mut line = String::new();
        crate::output::summary_line(&meta, &self.detail.d, &mut line);
        Some(line.trim_start().to_string())
    }

    fn buttons_key(&mut self, k: KeyEvent, cursor: usize) {
        match buttons::key(k, cursor, self.buttons.len()) {
            buttons::Choice::Stay(cursor) => self.mode = Mode::Buttons { cursor },
            buttons::Choice::Close => {}
            buttons::Choice::Apply(i) => self.act(Action::Filter(self.buttons[i].filter.clone())),
            buttons::Choice::Edit(i) => self.act(Action::PrepareFilter(self.buttons[i].filter.clone())),
            buttons::Choice::Delete(i) => {
                self.buttons.remove(i);
                self.save_buttons();
                self.mode = Mode::Buttons { cursor: i.min(self.buttons.len().saturating_sub(1)) };
            }
            buttons::Choice::Add if self.filter.text.trim().is_empty() => {
                self.message = Some("the filter bar is empty: type a filter (/) first, then b +".into());
            }
            buttons::Choice::Add => self.mode = Mode::NameButton(LineInput::default()),
        }
    }

    fn save_buttons(&mut self) {
        if let Some(path) = &self.buttons_file {
            if let Err(e) = buttons::save(path, &self.buttons) {
                self.message = Some(format!("filter buttons not saved in {}: {e}", path.display()));
            }
        }
    }

    fn start_search(&mut self, forward: bool) {
        let Some(needle) = self.needle.clone() else {
            self.message = Some("no search yet: press s to search".into());
            return;
        };
        self.scan = Some(Scan::new(needle, forward, self.list.sel, self.view.len()));
    }

    fn step_search(&mut self) {
        let Some(scan) = self.scan.as_mut() else { return };
        match scan.step(&self.packets, &self.view, SEARCH_STEP) {
            Step::Found(row) => {
                self.scan = None;
                self.select_row(row);
            }
            Step::NotFound => {
                let what = scan.needle.describe();
                self.scan = None;
                self.message = Some(format!("no packet with those {what}"));
            }
            Step::Continue => {}
        }
    }

    /// Runs a lab's generator behind the inspector; its hint says what to
    /// look for in the packets it makes.
    fn start_generator(&mut self, kind: Kind) {
        match gen_menu::start(kind, None, self.tx.clone()) {
            Ok((name, hint, questions)) => {
                let iface = self.live.as_deref().unwrap_or("");
                self.message = Some(if matches!(iface, "lo" | "any") {
                    format!("{name}: server and client started on loopback")
                } else {
                    format!("{name}: started on loopback, which this capture on {iface} does not see")
                });
                self.hint = Some(format!("{name}: {hint}"));
                self.checklist = Some(Checklist::new(&questions));
            }
            Err(e) => self.message = Some(format!("{e}")),
        }
    }

    /// Opens a session view on the selected packet.
    fn open_view(&mut self, kind: ViewKind) {
        if kind == ViewKind::Transactions {
            let v = self.parked.take().unwrap_or_else(|| {
                SessionView::Transactions(TransactionsView::start(self.packets.clone(), self.tx.clone()))
            });
            self.session_view = Some(v);
            return;
        }
        let frame = self.view.packet(self.list.sel).map(|p| p as u32 + 1).unwrap_or(0);
        let shown = self.applied.as_ref().map(|a| a.text.as_str());
        self.session_view = SessionView::open(kind, frame, shown, &self.packets, &self.tx);
        if let Some(f) = self.session_view.as_ref().and_then(SessionView::filter) {
            self.filter.set(&f);
            self.apply_filter();
        }
    }

    fn view_key(&mut self, k: KeyEvent) {
        let page = self.heights().0;
        let Some(v) = self.session_view.as_mut() else { return };
        match v.handle_key(k, page) {
            Action::Close => self.session_view = None,
            Action::Jump(n) => {
                self.parked = self.session_view.take();
                self.go_to(&n.to_string());
                self.message.get_or_insert_with(|| format!("packet {n} · Esc or T: back to the transactions"));
            }
            Action::Filter(f) => {
                self.session_view = None;
                self.act(Action::Filter(f));
            }
            a => self.act(a),
        }
    }

    /// Does what a pane or view asks for.
    fn act(&mut self, action: Action) {
        match action {
            Action::None | Action::Moved => {}
            Action::Close => self.session_view = None,
            Action::Select(n) => self.go_to(&n.to_string()),
            Action::Jump(n) => self.go_to(&n.to_string()),
            Action::Link(n) => self.follow_link(n),
            Action::Filter(f) => {
                self.filter.set(&f);
                self.apply_filter();
            }
            Action::PrepareFilter(f) => {
                self.filter.set(&f);
                self.check_filter();
                self.mode = Mode::Filter;
            }
            Action::Message(m) => self.message = Some(m),
            Action::Focus(p) => self.focus = p,
            Action::ItemMenu => self.mode = Mode::TreeMenu { cursor: 0 },
            Action::Explain => self.explain(),
        }
    }

    /// A key on the main screen: its command if the main screen has one
    /// now, else the focused pane's.
    fn normal_key(&mut self, k: KeyEvent) {
        if let Some(cmd) = keymap::command(Ctx::Main, k) {
            if self.command(cmd) {
                return;
            }
        }
        let (lh, dh, hh) = self.heights();
        match self.focus {
            Pane::List => {
                let a = self.list.handle_key(k, self.view.len(), lh);
                self.act(a);
            }
            Pane::Detail => {
                let a = self.detail.handle_key(k, dh);
                if a != Action::None {
                    self.act(a);
                    self.follow_tree(hh);
                }
            }
            Pane::Hex => {
                let len = self.hex_view().0.len();
                if self.hex.handle_key(k, len, self.size.width, hh) == Action::Moved {
                    self.hex_select(dh, hh);
                }
            }
        }
    }

    /// Carries out a main-screen command; false if it does nothing now (Esc
    /// with nothing to go back to, Space when not capturing), so that the
    /// focused pane gets the key.
    fn command(&mut self, cmd: Command) -> bool {
        match cmd {
            Command::Open(kind) => self.open_view(kind),
            Command::Quit => self.quit = true,
            Command::Help => self.mode = Mode::Help { scroll: 0 },
            Command::NextPane => self.focus = self.focus.next(),
            Command::PrevPane => self.focus = self.focus.prev(),
            Command::Zoom => self.zoom = !self.zoom,
            Command::TimeFormat => self.mode = Mode::TimeMenu { cursor: time_menu::cursor_of(self.time) },
            Command::DecodeAs => self.open_decode_as(),
            Command::KeyLog => self.mode = Mode::KeyLog(LineInput::default()),
            Command::EditFilter => self.mode = Mode::Filter,
            Command::GoTo => self.mode = Mode::GoTo(LineInput::default()),
            Command::Save => {
                let displayed = self.view.matched.is_some();
                self.mode = Mode::Save { input: LineInput::default(), displayed }
            }
            Command::Search => {
                let mut input = self.search_input.clone();
                input.clear();
                self.mode = Mode::Search(input);
            }
            Command::Back if self.parked.is_some() => self.session_view = self.parked.take(),
            Command::Back if self.hint.is_some() => self.hint = None,
            Command::Generators if self.live.is_some() => self.mode = Mode::Generators { cursor: 0 },
            Command::Generators => {
                self.message = Some("generators are for live captures: watch them with wirelens -i lo".into())
            }
            Command::Pause if self.live.is_some() => self.toggle_pause(),
            Command::Checklist => match self.checklist.as_mut() {
                Some(c) => c.shown = !c.shown,
                None => self.message = Some("no lab questions: wirelens lab KIND (or R in a live capture) asks them".into()),
            },
            Command::JumpBack => self.jump_back(),
            Command::Copy => self.mode = Mode::CopyMenu { cursor: 0 },
            Command::Buttons => self.mode = Mode::Buttons { cursor: 0 },
            Command::SortNext => {
                let column = self.view.sorted.as_ref().map_or(SortColumn::Number, |s| s.column).next();
                self.sort_by(column, false);
            }
            Command::SortReverse => {
                let (column, reverse) = self.view.sorted.as_ref().map_or((SortColumn::Number, false), |s| (s.column, s.reverse));
                self.sort_by(column, !reverse);
            }
            Command::SearchNext => self.start_search(true),
            Command::SearchPrev => self.start_search(false),
            _ => return false,
        }
        true
    }

    /// Opens the selected tree item's explanation; other packets it needs
    /// (the segment an ACK acknowledges) are dissected for their values.
    fn explain(&mut self) {
        let Some(id) = self.detail.selected() else { return };
        let packets = self.packets.clone();
        let mut frames = |n: u32| {
            let (mut bytes, mut d) = (Vec::new(), crate::dissect::Dissection::default());
            let i = (n as usize).checked_sub(1)?;
            packets.dissect_to(i, crate::dissect::Depth::Fields, &mut bytes, &mut d).then_some(d)
        };
        if let Some(text) = crate::explain::explain(&self.detail.d, &self.detail.bytes, id, &mut frames) {
            self.mode = Mode::Explain { text, scroll: 0 };
        }
    }

    /// Does what the tree's context menu entry says.
    fn tree_action(&mut self, action: tree_menu::Action) {
        match action {
            tree_menu::Action::ApplyFilter => self.act(self.detail.field_filter(true)),
            tree_menu::Action::PrepareFilter => self.act(self.detail.field_filter(false)),
            tree_menu::Action::View(kind) => self.open_view(kind),
            tree_menu::Action::DecodeAs => self.open_decode_as(),
            tree_menu::Action::KeyLog => self.mode = Mode::KeyLog(LineInput::default()),
        }
    }

    /// Opens Decode As… on the selected packet's ports.
    fn open_decode_as(&mut self) {
        self.mode = Mode::DecodeAs(DecodeAs::new(&self.detail.d, crate::dissect::decode_as::rules()));
    }

    /// Reads a key log file into the TLS secrets and dissects the capture
    /// again to decrypt with them.
    fn read_keylog(&mut self, path: &str) {
        match crate::dissect::tls::keylog::load_file(std::path::Path::new(path)) {
            Ok(0) => self.message = Some(format!("{path}: no TLS secret in it (SSLKEYLOGFILE lines: CLIENT_RANDOM …)")),
            Ok(n) => {
                let name = std::path::Path::new(path).file_name().map_or(path.into(), |n| n.to_string_lossy().into_owned());
                let why = format!("{n} secrets from {name}");
                self.keylogs.retain(|k| *k != name);
                self.keylogs.push(name);
                self.redissect(&why);
            }
            Err(e) => self.message = Some(format!("key log not read: {e}")),
        }
    }

    /// Dissects every packet again (the Decode As table or the key log
    /// changed), on a worker filling a new store as the loader did; the
    /// applied filter runs again on it and the selected packet stays
    /// selected. `why` goes to the status bar.
    fn redissect(&mut self, why: &str) {
        if self.live.is_some() {
            self.message = Some(format!("{why}; packets captured from now on use it (save and open the file to apply it to all)"));
            return;
        }
        let (fresh, copy) = match self.packets.again() {
            Ok((p, copy)) => (Arc::new(p), copy),
            Err(e) => {
                self.message = Some(format!("{why}; cannot read the capture again: {e}"));
                return;
            }
        };
        let stop = Arc::new(AtomicBool::new(false));
        if let Some(old) = self.redissecting.replace(stop.clone()) {
            old.store(true, Ordering::Relaxed);
        }
        crate::tui::workers::loader::spawn_again(self.packets.clone(), fresh.clone(), copy, self.tx.clone(), stop);
        let keep = self.view.packet(self.list.sel);
        self.reselect = keep;
        self.packets = fresh;
        self.progress = Progress::default();
        self.view.loaded = 0;
        self.list.invalidate();
        (self.list.sel, self.list.top) = (0, 0);
        self.detail.clear();
        self.hex = Hex::default();
        // What was read from the old dissection goes with it.
        self.session_view = None;
        self.parked = None;
        if let Some(l) = self.labelling.take() {
            l.store(true, Ordering::Relaxed);
        }
        self.sort_keys = None;
        self.values.clear();
        self.scan = None;
        if let Some(s) = self.view.sorted.take() {
            self.view.sorted = Some(Sorted::new(s.column, s.reverse));
        }
        if let Some(a) = self.applied.take() {
            self.filter.set(&a.text);
            self.apply_filter();
            if let Some(a) = self.applied.as_mut() {
                a.want = keep;
            }
            self.reselect = None;
        }
        self.message = Some(format!("{why}: dissecting again…"));
    }

    /// Whether a file is still loading (or being dissected again): Decode
    /// As and a key log wait for it, says the status bar.
    fn loading(&mut self) -> bool {
        let loading = self.live.is_none() && !self.progress.done;
        if loading {
            self.message = Some("the capture is still loading: try again once it has loaded".into());
        }
        loading
    }

    /// Selects the packet selected before dissecting again, once it is back.
    fn select_again(&mut self) {
        let Some(p) = self.reselect.filter(|&p| p < self.view.loaded) else { return };
        self.reselect = None;
        if let Ok(row) = self.view.row_of(p) {
            self.select_row(row);
        }
    }

    fn mouse(&mut self, m: MouseEvent) {
        if let Mode::TreeMenu { .. } = self.mode {
            // A click on an entry does it; anywhere else closes the menu.
            if let MouseEventKind::Down(_) = m.kind {
                self.mode = Mode::Normal;
                if let Some(action) = tree_menu::entry_at(self.size, m.column, m.row) {
                    self.tree_action(action);
                }
            }
            return;
        }
        let a = self.areas();
        let Some(pane) = a.pane_at(m.column, m.row) else { return };
        let area = inner(a.pane(pane));
        let (lh, dh, hh) = self.heights();
        match m.kind {
            MouseEventKind::Down(button) => {
                self.focus = pane;
                if m.row < area.y {
                    return;
                }
                let line = (m.row - area.y) as usize;
                match pane {
                    Pane::List if line >= 1 => self.select_row(self.list.top + line - 1),
                    Pane::List => self.header_click(area, m.column),
                    Pane::Detail => {
                        let row = self.detail.top + line;
                        if row < self.detail.rows.len() {
                            let again = row == self.detail.cursor;
                            self.detail.set_cursor(row, dh);
                            if button == MouseButton::Right {
                                self.mode = Mode::TreeMenu { cursor: 0 };
                            } else if let (true, Some(n)) = (again, self.detail.link()) {
                                self.follow_link(n);
                            } else if again {
                                self.detail.toggle();
                            }
                            self.follow_tree(hh);
                        }
                    }
                    Pane::Hex => {
                        let len = self.hex_view().0.len();
                        if let Some(b) = self.hex.byte_at(m.column - area.x, line as u16, area.width, len) {
                            self.hex.cursor = b;
                            self.hex_select(dh, hh);
                        }
                    }
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let d: isize = if m.kind == MouseEventKind::ScrollDown { 3 } else { -3 };
                match pane {
                    Pane::List => self.list.scroll(d, self.view.len(), lh),
                    Pane::Detail => {
                        let max = self.detail.rows.len().saturating_sub(dh);
                        self.detail.top = (self.detail.top as isize + d).clamp(0, max as isize) as usize;
                    }
                    Pane::Hex => {
                        let lines = self.hex_view().0.len().div_ceil(hex::per_line(area.width));
                        let max = lines.saturating_sub(hh);
                        self.hex.top = (self.hex.top as isize + d).clamp(0, max as isize) as usize;
                    }
                }
            }
            _ => {}
        }
    }
}
