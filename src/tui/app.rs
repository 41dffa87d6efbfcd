//! The application state and `update`: every event changes the state here,
//! and nothing else does. Drawing (in `draw`) only reads it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use crate::field::Timestamp;
use crate::filter::{Filter, FilterError};
use crate::gen::lab::Kind;
use crate::field::tree::FRAME;

use crate::tui::panes::detail::Detail;
use super::event::{Event, FilterProgress, Progress};
use crate::tui::workers::filtering;
use crate::tui::overlays::gen_menu::{self, Choice};
use crate::tui::overlays::tree_menu;
use crate::tui::panes::hex::{self, Hex};
use crate::tui::line_editor::{Edit, LineInput};
use super::layout::{areas, inner, Areas, Pane};
use crate::tui::panes::list::PacketList;
use super::packets::Packets;
use crate::tui::workers::search::{Needle, Scan, Step};
use super::time_format::TimeFormat;
use crate::tui::displayed::View;
use super::views::transactions::TransactionsView;
use super::views::{Action, SessionView};

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

/// Time a search scans between two events.
const SEARCH_STEP: Duration = Duration::from_millis(30);

pub struct App {
    pub packets: Arc<Packets>,
    /// Where workers started by the UI (filters) send their results.
    tx: Sender<Event>,
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
    pub paused: bool,
    /// Filter matches that arrived while paused.
    held: Vec<u32>,
    pub size: Rect,
    /// A one-off note for the status bar, cleared by the next key.
    pub message: Option<String>,
    /// What to look for in a lab, on a line of its own above the status bar
    /// until Esc hides it: it is worth reading while the packets come in.
    pub hint: Option<String>,
    /// Follow stream, conversations or the ladder, drawn over the panes.
    pub session_view: Option<SessionView>,
    /// The transactions view hidden by a jump to a packet; `T` shows it again.
    parked: Option<SessionView>,
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
            check: None,
            applied: None,
            generation: 0,
            search_input: LineInput::default(),
            needle: None,
            scan: None,
            first_ts: Timestamp::default(),
            live: None,
            hint: None,
            paused: false,
            held: Vec::new(),
            size,
            message: None,
            session_view: None,
            parked: None,
            quit: false,
        }
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
                self.progress = p;
                self.follow(following);
            }
            Event::Saved(r) => {
                self.message = Some(match r {
                    Ok((n, path)) => format!("saved {n} packet{} to {path}", if n == 1 { "" } else { "s" }),
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
        }
        self.step_search();
        self.sync();
    }

    fn toggle_pause(&mut self) {
        self.paused = !self.paused;
        if !self.paused {
            self.view.loaded = self.progress.packets;
            if let Some(m) = self.view.matched.as_mut() {
                m.append(&mut self.held);
            }
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
        let Some(id) = self.detail.selected() else { return };
        let n = &self.detail.d.tree.nodes[id];
        let range = n.range();
        self.hex.cursor = range.start;
        self.hex.reveal(range, self.size.width, hex_height);
    }

    /// The data source the hex pane shows and the highlighted range in it.
    pub fn hex_view(&self) -> (&[u8], std::ops::Range<usize>) {
        match self.detail.selected() {
            Some(id) => {
                let n = &self.detail.d.tree.nodes[id];
                (self.detail.d.source_bytes(&self.detail.bytes, n.source), n.range())
            }
            None => (&self.detail.bytes, 0..0),
        }
    }

    /// Moves the hex cursor and selects the tree item owning that byte.
    fn hex_move(&mut self, delta: isize) {
        let (dh, hh) = (self.heights().1, self.heights().2);
        let (bytes, _) = self.hex_view();
        let len = bytes.len();
        self.hex.step(delta, len);
        self.hex_select(dh, hh);
    }

    fn hex_select(&mut self, dh: usize, hh: usize) {
        let src = self.detail.selected().map(|id| self.detail.d.tree.nodes[id].source).unwrap_or(FRAME);
        if let Some(id) = self.detail.node_at_byte(src, self.hex.cursor) {
            self.detail.select_node(id, dh);
        }
        self.hex.reveal(self.hex.cursor..self.hex.cursor + 1, self.size.width, hh);
    }

    fn select_row(&mut self, row: usize) {
        let lh = self.heights().0;
        self.list.select(row, self.view.len(), lh);
    }

    fn key(&mut self, k: KeyEvent) {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && k.code == KeyCode::Char('c') {
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
                    KeyCode::Char('j') | KeyCode::Down => Mode::Help { scroll: (scroll + 1).min(crate::tui::overlays::help::KEYS.len() - 1) },
                    KeyCode::Char('k') | KeyCode::Up => Mode::Help { scroll: scroll.saturating_sub(1) },
                    KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?') => Mode::Normal,
                    _ => Mode::Help { scroll },
                }
            }
            Mode::Filter => self.filter_key(k),
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

    fn filter_key(&mut self, k: KeyEvent) {
        match self.filter.handle(k) {
            Edit::Submit => self.apply_filter(),
            Edit::Cancel => {
                self.filter.clear();
                self.check = None;
                if self.applied.is_some() {
                    self.apply_filter();
                }
            }
            Edit::Changed => {
                self.check_filter();
                self.mode = Mode::Filter;
            }
            _ => self.mode = Mode::Filter,
        }
    }

    fn check_filter(&mut self) {
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
            self.view.matched = None;
            if let Some(p) = keep {
                self.select_row(p);
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
        self.generation += 1;
        let cancel = Arc::new(AtomicBool::new(false));
        filtering::spawn(Arc::new(filter), self.packets.clone(), self.generation, self.tx.clone(), cancel.clone());
        self.applied = Some(Applied { text, generation: self.generation, cancel, scanned: 0, done: false, want: keep });
        self.view.matched = Some(Vec::new());
        self.list.sel = 0;
        self.list.top = 0;
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
        let base = matched.len();
        matched.extend_from_slice(&fp.matched);
        if let Some(p) = want {
            if let Some(i) = fp.matched.iter().position(|&m| m as usize == p) {
                if let Some(a) = self.applied.as_mut() {
                    a.want = None;
                }
                self.select_row(base + i);
            } else if fp.matched.iter().any(|&m| m as usize > p) || fp.done {
                // It didn't match; stay where the user is.
                if let Some(a) = self.applied.as_mut() {
                    a.want = None;
                }
            }
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
            Ok((name, hint)) => {
                let iface = self.live.as_deref().unwrap_or("");
                self.message = Some(if matches!(iface, "lo" | "any") {
                    format!("{name}: server and client started on loopback")
                } else {
                    format!("{name}: started on loopback, which this capture on {iface} does not see")
                });
                self.hint = Some(format!("{name}: {hint}"));
            }
            Err(e) => self.message = Some(format!("{e}")),
        }
    }

    /// Opens a session view (`F`, `C`, `L`, `T`) on the selected packet.
    fn open_view(&mut self, key: char) {
        if key == 'T' {
            let v = self.parked.take().unwrap_or_else(|| {
                SessionView::Transactions(TransactionsView::start(self.packets.clone(), self.tx.clone()))
            });
            self.session_view = Some(v);
            return;
        }
        let frame = self.view.packet(self.list.sel).map(|p| p as u32 + 1).unwrap_or(0);
        self.session_view = SessionView::open(key, frame, &self.packets, &self.tx);
        if let Some(f) = self.session_view.as_ref().and_then(SessionView::filter) {
            self.filter.set(&f);
            self.apply_filter();
        }
    }

    fn view_key(&mut self, k: KeyEvent) {
        let page = self.heights().0;
        let Some(v) = self.session_view.as_mut() else { return };
        match v.handle_key(k, page) {
            Action::None => {}
            Action::Close => self.session_view = None,
            Action::Select(n) => self.go_to(&n.to_string()),
            Action::Jump(n) => {
                self.parked = self.session_view.take();
                self.go_to(&n.to_string());
                self.message.get_or_insert_with(|| format!("packet {n} · Esc or T: back to the transactions"));
            }
            Action::Filter(f) => {
                self.session_view = None;
                self.filter.set(&f);
                self.apply_filter();
            }
            Action::Message(m) => self.message = Some(m),
        }
    }

    fn normal_key(&mut self, k: KeyEvent) {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Char(c @ ('F' | 'C' | 'L' | 'T')) => self.open_view(c),
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('?') => self.mode = Mode::Help { scroll: 0 },
            KeyCode::Tab => self.focus = self.focus.next(),
            KeyCode::BackTab => self.focus = self.focus.prev(),
            KeyCode::Char('z') => self.zoom = !self.zoom,
            KeyCode::Char('t') => {
                self.time = self.time.next();
                self.message = Some(format!("time: {}", self.time.name()));
            }
            KeyCode::Char('/') | KeyCode::Char('f') if !ctrl => self.mode = Mode::Filter,
            KeyCode::Char(':') => self.mode = Mode::GoTo(LineInput::default()),
            KeyCode::Char('g') if ctrl => self.mode = Mode::GoTo(LineInput::default()),
            KeyCode::Char('s') if ctrl => {
                let displayed = self.view.matched.is_some();
                self.mode = Mode::Save { input: LineInput::default(), displayed }
            }
            KeyCode::Char('s') | KeyCode::Char('f') => {
                let mut input = self.search_input.clone();
                input.clear();
                self.mode = Mode::Search(input);
            }
            KeyCode::Esc if self.parked.is_some() => self.session_view = self.parked.take(),
            KeyCode::Esc if self.hint.is_some() => self.hint = None,
            KeyCode::Char('R') if self.live.is_some() => self.mode = Mode::Generators { cursor: 0 },
            KeyCode::Char('R') => {
                self.message = Some("generators are for live captures: watch them with wirelens -i lo".into())
            }
            KeyCode::Char(' ') if self.live.is_some() => self.toggle_pause(),
            KeyCode::Char('n') => self.start_search(true),
            KeyCode::Char('N') => self.start_search(false),
            _ => match self.focus {
                Pane::List => self.list_key(k),
                Pane::Detail => self.detail_key(k),
                Pane::Hex => self.hex_key(k),
            },
        }
    }

    /// Up/down/page movement shared by the panes: the new position from
    /// `cur` among `len` rows with `height` on screen, or None if the key
    /// isn't a movement.
    fn movement(k: KeyEvent, cur: usize, len: usize, height: usize) -> Option<usize> {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let last = len.saturating_sub(1);
        let page = height.max(1);
        Some(match k.code {
            KeyCode::Char('j') | KeyCode::Down => (cur + 1).min(last),
            KeyCode::Char('k') | KeyCode::Up => cur.saturating_sub(1),
            KeyCode::Char('g') | KeyCode::Home if !ctrl => 0,
            KeyCode::Char('G') | KeyCode::End => last,
            KeyCode::PageDown => (cur + page).min(last),
            KeyCode::PageUp => cur.saturating_sub(page),
            KeyCode::Char('d') if ctrl => (cur + page / 2).min(last),
            KeyCode::Char('u') if ctrl => cur.saturating_sub(page / 2),
            _ => return None,
        })
    }

    fn list_key(&mut self, k: KeyEvent) {
        let lh = self.heights().0;
        if let Some(row) = Self::movement(k, self.list.sel, self.view.len(), lh) {
            self.select_row(row);
        } else if k.code == KeyCode::Enter {
            self.focus = Pane::Detail;
        }
    }

    fn detail_key(&mut self, k: KeyEvent) {
        let (_, dh, hh) = self.heights();
        if let Some(row) = Self::movement(k, self.detail.cursor, self.detail.rows.len(), dh) {
            self.detail.set_cursor(row, dh);
        } else {
            match k.code {
                KeyCode::Enter | KeyCode::Char(' ') => self.detail.toggle(),
                KeyCode::Right | KeyCode::Char('l') => self.detail.expand(dh),
                KeyCode::Left | KeyCode::Char('h') => self.detail.collapse(dh),
                KeyCode::Char('e') => self.detail.set_all(true),
                KeyCode::Char('c') => self.detail.set_all(false),
                KeyCode::Char('a') => self.field_filter(true),
                KeyCode::Char('A') => self.field_filter(false),
                KeyCode::Char('m') => self.mode = Mode::TreeMenu { cursor: 0 },
                _ => return,
            }
            self.detail.scroll_into_view(dh);
        }
        self.follow_tree(hh);
    }

    /// Does what the tree's context menu entry says.
    fn tree_action(&mut self, action: tree_menu::Action) {
        match action {
            tree_menu::Action::ApplyFilter => self.field_filter(true),
            tree_menu::Action::PrepareFilter => self.field_filter(false),
            tree_menu::Action::View(key) => self.open_view(key),
        }
    }

    /// "Apply as Filter" (`apply`) or "Prepare as Filter" on the selected field.
    fn field_filter(&mut self, apply: bool) {
        match self.detail.filter_expr() {
            Some(expr) => {
                self.filter.set(&expr);
                if apply {
                    self.apply_filter();
                } else {
                    self.check_filter();
                    self.mode = Mode::Filter;
                }
            }
            None => self.message = Some("this item has no value to filter on".into()),
        }
    }

    fn hex_key(&mut self, k: KeyEvent) {
        let (_, _, hh) = self.heights();
        let pl = hex::per_line(self.size.width) as isize;
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let page = pl * hh.max(1) as isize;
        let delta = match k.code {
            KeyCode::Char('l') | KeyCode::Right => 1,
            KeyCode::Char('h') | KeyCode::Left => -1,
            KeyCode::Char('j') | KeyCode::Down => pl,
            KeyCode::Char('k') | KeyCode::Up => -pl,
            KeyCode::PageDown => page,
            KeyCode::PageUp => -page,
            KeyCode::Char('d') if ctrl => page / 2,
            KeyCode::Char('u') if ctrl => -page / 2,
            KeyCode::Char('g') | KeyCode::Home => -(self.hex.cursor as isize),
            KeyCode::Char('G') | KeyCode::End => isize::MAX / 2,
            _ => return,
        };
        self.hex_move(delta);
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
                    Pane::List => {}
                    Pane::Detail => {
                        let row = self.detail.top + line;
                        if row < self.detail.rows.len() {
                            let again = row == self.detail.cursor;
                            self.detail.set_cursor(row, dh);
                            if button == MouseButton::Right {
                                self.mode = Mode::TreeMenu { cursor: 0 };
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
