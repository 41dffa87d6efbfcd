//! Every key of the main screen, in one table: which key, where it works
//! (anywhere, on the main screen, or in one pane), what it does (a
//! `Command`) and the help line that lists it. The app and the panes look
//! keys up here, and the help overlay (`?`) draws this table, so a key is
//! bound and documented in one place.
//!
//! The session views (`views/`) and the overlays (`overlays/`) read their
//! own few keys while they are open; the help lines of `F`, `C`, `L` and
//! `T` name them.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::views::ViewKind;

/// Where a binding works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ctx {
    /// Whatever has the keys (Ctrl-c).
    Anywhere,
    /// The main screen, before the focused pane is asked.
    Main,
    List,
    Detail,
    Hex,
}

/// What Ctrl must be for a binding to match; other modifiers don't count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ctrl {
    Any,
    With,
    Without,
}

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    NextPane,
    PrevPane,
    Zoom,
    TimeFormat,
    EditFilter,
    GoTo,
    Save,
    Search,
    SearchNext,
    SearchPrev,
    /// Esc: back to the parked transactions, else hide the lab's hint.
    Back,
    Generators,
    /// `D`: Decode As… on the selected packet's ports.
    DecodeAs,
    /// Ctrl-k: the TLS key log file to decrypt with.
    KeyLog,
    Pause,
    /// Show or hide a lab's questions.
    Checklist,
    Open(ViewKind),
    // Moving in a pane.
    Down,
    Up,
    First,
    Last,
    PageDown,
    PageUp,
    HalfDown,
    HalfUp,
    /// List: open the tree (Enter).
    OpenTree,
    /// Backspace: back to the packet before the last link followed.
    JumpBack,
    /// `y`: the copy menu.
    Copy,
    /// `b`: the filter buttons.
    Buttons,
    /// `o`: sort the list by the next column; `O`: reverse the order.
    SortNext,
    SortReverse,
    // The tree.
    /// Enter: follow a link to a frame, else expand / collapse.
    Activate,
    Toggle,
    Expand,
    Collapse,
    ExpandAll,
    CollapseAll,
    ApplyField,
    PrepareField,
    ItemMenu,
    /// The tree item's explanation (`i`).
    Explain,
    // The bytes.
    NextByte,
    PrevByte,
}

/// One key bound to a command in some contexts.
pub struct Bind(pub &'static [Ctx], pub KeyCode, pub Ctrl, pub Command);

/// A help line and the bindings it describes.
pub struct Row {
    pub keys: &'static str,
    pub help: &'static str,
    pub binds: &'static [Bind],
}

use Command as C;
use Ctrl::{Any, With, Without};
use Ctx::{Anywhere, Detail, Hex, List, Main};
use KeyCode::{BackTab, Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up};

/// The three panes.
const PANES: &[Ctx] = &[List, Detail, Hex];
/// The panes of rows (the list and the tree); `g` and Home there ignore Ctrl.
const ROWS: &[Ctx] = &[List, Detail];

/// The table, in the help's order. Within a context the first match wins.
pub const KEYS: &[Row] = &[
    Row {
        keys: "Tab  Shift-Tab",
        help: "next / previous pane",
        binds: &[Bind(&[Main], Tab, Any, C::NextPane), Bind(&[Main], BackTab, Any, C::PrevPane)],
    },
    Row {
        keys: "j k  ↓ ↑",
        help: "move down / up",
        binds: &[
            Bind(PANES, Char('j'), Any, C::Down),
            Bind(PANES, Down, Any, C::Down),
            Bind(PANES, Char('k'), Any, C::Up),
            Bind(PANES, Up, Any, C::Up),
        ],
    },
    Row {
        keys: "g G  Home End",
        help: "first / last row",
        binds: &[
            Bind(ROWS, Char('g'), Without, C::First),
            Bind(ROWS, Home, Without, C::First),
            Bind(PANES, Char('G'), Any, C::Last),
            Bind(PANES, End, Any, C::Last),
            Bind(&[Hex], Char('g'), Any, C::First),
            Bind(&[Hex], Home, Any, C::First),
        ],
    },
    Row {
        keys: "PgDn PgUp",
        help: "page down / up",
        binds: &[Bind(PANES, PageDown, Any, C::PageDown), Bind(PANES, PageUp, Any, C::PageUp)],
    },
    Row {
        keys: "Ctrl-d Ctrl-u",
        help: "half a page down / up",
        binds: &[Bind(PANES, Char('d'), With, C::HalfDown), Bind(PANES, Char('u'), With, C::HalfUp)],
    },
    Row {
        keys: "Enter",
        help: "list: open the tree; tree: go to the frame a link names, else expand / collapse",
        binds: &[
            Bind(&[List], Enter, Any, C::OpenTree),
            Bind(&[Detail], Enter, Any, C::Activate),
            Bind(&[Detail], Char(' '), Any, C::Toggle),
        ],
    },
    Row {
        keys: "Backspace",
        help: "back to where the last link was followed from",
        binds: &[Bind(&[Main], KeyCode::Backspace, Any, C::JumpBack)],
    },
    Row {
        keys: "l h  → ←",
        help: "tree: expand / collapse (or child / parent); bytes: next / previous byte",
        binds: &[
            Bind(&[Detail], Right, Any, C::Expand),
            Bind(&[Detail], Char('l'), Any, C::Expand),
            Bind(&[Detail], Left, Any, C::Collapse),
            Bind(&[Detail], Char('h'), Any, C::Collapse),
            Bind(&[Hex], Char('l'), Any, C::NextByte),
            Bind(&[Hex], Right, Any, C::NextByte),
            Bind(&[Hex], Char('h'), Any, C::PrevByte),
            Bind(&[Hex], Left, Any, C::PrevByte),
        ],
    },
    Row {
        keys: "e c",
        help: "tree: expand all / collapse all",
        binds: &[Bind(&[Detail], Char('e'), Any, C::ExpandAll), Bind(&[Detail], Char('c'), Any, C::CollapseAll)],
    },
    Row {
        keys: "a",
        help: "tree: apply the selected field as the display filter",
        binds: &[Bind(&[Detail], Char('a'), Any, C::ApplyField)],
    },
    Row {
        keys: "A",
        help: "tree: prepare a filter from the field (edit, then Enter)",
        binds: &[Bind(&[Detail], Char('A'), Any, C::PrepareField)],
    },
    Row {
        keys: "m  right-click",
        help: "tree: the item's menu (apply / prepare as filter, follow, ladder, conversations)",
        binds: &[Bind(&[Detail], Char('m'), Any, C::ItemMenu)],
    },
    Row {
        keys: "i",
        help: "tree: explain the item: what the field is, this packet's value, the RFC to read",
        binds: &[Bind(&[Detail], Char('i'), Any, C::Explain)],
    },
    Row {
        keys: "/ f",
        help: "edit the display filter: Enter applies, Esc clears, ↑ ↓ history, Tab completes",
        binds: &[Bind(&[Main], Char('/'), Without, C::EditFilter), Bind(&[Main], Char('f'), Without, C::EditFilter)],
    },
    Row {
        keys: "b",
        help: "saved filters, Wireshark's filter buttons (Enter applies, + saves, d deletes)",
        binds: &[Bind(&[Main], Char('b'), Any, C::Buttons)],
    },
    Row {
        keys: "y",
        help: "copy the item's value or filter, the packet's summary line or the item's bytes",
        binds: &[Bind(&[Main], Char('y'), Any, C::Copy)],
    },
    Row {
        keys: ": Ctrl-g",
        help: "go to packet number",
        binds: &[Bind(&[Main], Char(':'), Any, C::GoTo), Bind(&[Main], Char('g'), With, C::GoTo)],
    },
    Row {
        keys: "s Ctrl-f",
        help: "search: \"text\", hex bytes (de:ad:be:ef or 0xdeadbeef) or a filter",
        binds: &[Bind(&[Main], Char('s'), Without, C::Search), Bind(&[Main], Char('f'), With, C::Search)],
    },
    Row {
        keys: "n N",
        help: "next / previous search match",
        binds: &[Bind(&[Main], Char('n'), Any, C::SearchNext), Bind(&[Main], Char('N'), Any, C::SearchPrev)],
    },
    Row {
        keys: "o O",
        help: "sort by the next column: No., Time, … Info (or click its header) / reverse",
        binds: &[Bind(&[Main], Char('o'), Any, C::SortNext), Bind(&[Main], Char('O'), Any, C::SortReverse)],
    },
    Row {
        keys: "Ctrl-s",
        help: "save all or the displayed packets (pcap; pcapng for a .pcapng name)",
        binds: &[Bind(&[Main], Char('s'), With, C::Save)],
    },
    Row {
        keys: "Space",
        help: "live capture: pause / resume the display (capture goes on)",
        binds: &[Bind(&[Main], Char(' '), Any, C::Pause)],
    },
    Row {
        keys: "R",
        help: "live capture: run a lab's traffic generator (server and client on loopback)",
        binds: &[Bind(&[Main], Char('R'), Any, C::Generators)],
    },
    Row {
        keys: "K",
        help: "show / hide a lab's questions (they tick as you find the answers)",
        binds: &[Bind(&[Main], Char('K'), Any, C::Checklist)],
    },
    Row {
        keys: "t",
        help: "time display format: tshark's -t choices (date, UTC, delta, epoch…) and -u hms",
        binds: &[Bind(&[Main], Char('t'), Any, C::TimeFormat)],
    },
    Row {
        keys: "D",
        help: "Decode As…: decode a port of this packet as another protocol, or remove a rule",
        binds: &[Bind(&[Main], Char('D'), Any, C::DecodeAs)],
    },
    Row {
        keys: "Ctrl-k",
        help: "TLS key log file (SSLKEYLOGFILE; Tab completes) to decrypt; F then t: follow TLS",
        binds: &[Bind(&[Main], Char('k'), With, C::KeyLog)],
    },
    Row { keys: "z", help: "maximise / restore the focused pane", binds: &[Bind(&[Main], Char('z'), Any, C::Zoom)] },
    Row {
        keys: "F",
        help: "follow the TCP/UDP stream (m mode, d side, / search, w save)",
        binds: &[Bind(&[Main], Char('F'), Any, C::Open(ViewKind::Follow))],
    },
    Row {
        keys: "C",
        help: "conversations (Tab kind, e endpoints, s sort, r reverse, Enter filters)",
        binds: &[Bind(&[Main], Char('C'), Any, C::Open(ViewKind::Conversations))],
    },
    Row {
        keys: "L",
        help: "ladder: TCP connection, UDP flow or ICMP echo (RTT, lost pings); moving selects",
        binds: &[Bind(&[Main], Char('L'), Any, C::Open(ViewKind::Ladder))],
    },
    Row {
        keys: "W",
        help: "flow graph: the displayed packets as arrows between their ends",
        binds: &[Bind(&[Main], Char('W'), Any, C::Open(ViewKind::FlowGraph))],
    },
    Row {
        keys: "I",
        help: "I/O graph: packets/s (b: bytes/s), filter lines 1 2 3, + - interval",
        binds: &[Bind(&[Main], Char('I'), Any, C::Open(ViewKind::IoGraph))],
    },
    Row {
        keys: "T",
        help: "transactions: DNS HTTP mail FTP TLS (Tab protocol, Enter / r: request / reply)",
        binds: &[Bind(&[Main], Char('T'), Any, C::Open(ViewKind::Transactions))],
    },
    Row {
        keys: "Esc",
        help: "back to the transactions after Enter; else hide a lab's \"Look for\" line",
        binds: &[Bind(&[Main], Esc, Any, C::Back)],
    },
    Row { keys: "?", help: "show / hide this help", binds: &[Bind(&[Main], Char('?'), Any, C::Help)] },
    Row {
        keys: "q Ctrl-c",
        help: "quit",
        binds: &[Bind(&[Anywhere], Char('c'), With, C::Quit), Bind(&[Main], Char('q'), Any, C::Quit)],
    },
    Row {
        keys: "mouse",
        help: "click: select and focus; wheel: scroll; right-click on the tree: the item's menu",
        binds: &[],
    },
];

/// The command key `k` gives in `ctx`, if any.
pub fn command(ctx: Ctx, k: KeyEvent) -> Option<Command> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    KEYS.iter().flat_map(|r| r.binds).find_map(|Bind(c, code, m, cmd)| {
        let mods = match m {
            Any => true,
            With => ctrl,
            Without => !ctrl,
        };
        (c.contains(&ctx) && *code == k.code && mods).then_some(*cmd)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn ctrl_picks_the_binding() {
        let (none, ctrl) = (KeyModifiers::NONE, KeyModifiers::CONTROL);
        assert_eq!(command(Main, key(Char('f'), none)), Some(C::EditFilter));
        assert_eq!(command(Main, key(Char('f'), ctrl)), Some(C::Search));
        assert_eq!(command(Main, key(Char('s'), ctrl)), Some(C::Save));
        assert_eq!(command(List, key(Char('g'), ctrl)), None);
        assert_eq!(command(Hex, key(Home, ctrl)), Some(C::First));
        assert_eq!(command(Anywhere, key(Char('c'), ctrl)), Some(C::Quit));
        assert_eq!(command(Main, key(Char('F'), KeyModifiers::SHIFT)), Some(C::Open(ViewKind::Follow)));
    }

    #[test]
    fn a_key_is_bound_once_per_context() {
        let binds: Vec<&Bind> = KEYS.iter().flat_map(|r| r.binds).collect();
        for (i, a) in binds.iter().enumerate() {
            for b in &binds[i + 1..] {
                let overlap = !matches!((a.2, b.2), (With, Without) | (Without, With));
                let shared = a.0.iter().any(|c| b.0.contains(c));
                assert!(!(shared && a.1 == b.1 && overlap), "{:?} {:?} bound twice in {:?}", a.1, a.3, a.0);
            }
        }
    }
}
