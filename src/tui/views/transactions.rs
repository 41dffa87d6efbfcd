//! Transactions (`T`): DNS queries with their responses, HTTP requests with
//! their responses, the SMTP dialogue as a transcript, FTP, POP3 and IMAP
//! commands with their replies and TLS Client Hellos with their Server
//! Hellos (with the time between), one tab each.
//! The cursor's row selects its first packet (the tree and bytes below
//! show it); Enter goes to it in the list, `r` to its response.
//!
//! Reading them means re-dissecting every packet, so a worker (`workers::walk`) does
//! it and sends its findings as events; the view pairs them as they come,
//! and keeps following a capture still running.

use std::cell::Cell;
use std::sync::mpsc::Sender;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, Widget};

use crate::dissect::Depth;
use crate::stats::format_size;
use crate::stats::command_replies;
use crate::stats::transactions::{self, Item, Transactions};
use crate::tui::event::{Event, TransactionsProgress};
use crate::tui::packets::Packets;
use crate::tui::workers::walk;

use crate::tui::workers::session::Job;
use crate::tui::action::Action;
use super::{footer, move_cursor, put, scroll_to, CLIENT, SERVER};

const TABS: [&str; 7] = ["DNS", "HTTP", "SMTP", "FTP", "POP", "IMAP", "TLS"];

/// The tabs of commands and replies (`command_replies`), after the first three.
const COMMAND_TABS: usize = 3;

/// The columns of a tab of commands and replies.
const COMMAND_COLUMNS: &[(&str, usize)] =
    &[("Request", 7), ("Stream", 6), ("Sent", 36), ("Response", 8), ("Time (s)", 9), ("Reply", 0)];

/// Each tab's columns: (title, width); a width of 0 takes what is left.
const COLUMNS: [&[(&str, usize)]; 7] = [
    &[("Query", 6), ("ID", 7), ("Name", 24), ("Type", 6), ("Response", 8), ("Time (s)", 9), ("Reply code", 14), ("Answers", 0)],
    &[
        ("Request", 7),
        ("Method", 7),
        ("URI", 0),
        ("Response", 8),
        ("Status", 18),
        ("Content type", 26),
        ("Size", 10),
        ("Time (s)", 9),
    ],
    &[("Frame", 6), ("Stream", 6), ("", 0)],
    COMMAND_COLUMNS,
    COMMAND_COLUMNS,
    COMMAND_COLUMNS,
    COMMAND_COLUMNS,
];

/// The first `width` characters of `s`, which comes off the wire: control
/// characters are shown escaped (`\u{1b}`), never sent to the terminal.
fn printable(s: &str, width: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.chars().take(width).collect()
}

const CLEARTEXT: Style = Style::new().fg(Color::Black).bg(Color::Yellow);

pub struct TransactionsView {
    model: Transactions,
    job: Job,
    /// The tab the user chose; until then the first tab with rows shows.
    chosen: Option<usize>,
    cursor: usize,
    top: Cell<usize>,
}

impl TransactionsView {
    /// Opens the view and starts its worker, which reports on `tx`.
    pub fn start(packets: Arc<Packets>, tx: Sender<Event>) -> TransactionsView {
        let job = Job::default();
        let generation = job.generation();
        if let Some(items) = packets.transactions() {
            let (items, scanned_to) = (items.to_vec(), packets.len());
            let _ = tx.send(Event::Transactions(TransactionsProgress { generation, items, scanned_to, done: true }));
        } else {
            // A walk over a complete capture keeps what it read for the next opening.
            let all = packets.is_complete().then(Vec::new);
            let keep = packets.clone();
            walk::spawn_with(
                packets,
                Depth::Fields,
                job.cancel_flag(),
                (Vec::new(), all),
                |(items, _): &mut (Vec<Item>, Option<Vec<Item>>), i, d, bytes| transactions::items(i as u32 + 1, d, bytes, items),
                move |(items, all), scanned_to, done| {
                    let items = std::mem::take(items);
                    if let Some(all) = all.as_mut() {
                        all.extend(items.iter().cloned());
                    }
                    if let Some(all) = all.take_if(|_| done) {
                        keep.keep_transactions(all);
                    }
                    tx.send(Event::Transactions(TransactionsProgress { generation, items, scanned_to, done })).is_ok()
                },
            );
        }
        TransactionsView {
            model: Transactions::default(),
            job,
            chosen: None,
            cursor: 0,
            top: Cell::new(0),
        }
    }

    /// Takes in a chunk of the worker's findings (ignoring another view's).
    pub fn progress(&mut self, p: TransactionsProgress) {
        if !self.job.accept(p.generation, p.scanned_to, p.done) {
            return;
        }
        for item in p.items {
            self.model.add(item);
        }
    }

    /// Whether the worker has read every packet of a complete source.
    pub fn done(&self) -> bool {
        self.job.done
    }

    pub fn tab(&self) -> usize {
        self.chosen.or_else(|| (0..TABS.len()).find(|&t| self.len(t) > 0)).unwrap_or(0)
    }

    fn len(&self, tab: usize) -> usize {
        match tab {
            0 => self.model.dns.len(),
            1 => self.model.http.len(),
            2 => self.model.smtp.len(),
            t => self.commands(t).len(),
        }
    }

    /// The rows of a tab of commands and replies.
    fn commands(&self, tab: usize) -> &[command_replies::Row] {
        command_replies::KINDS.get(tab.wrapping_sub(COMMAND_TABS)).map_or(&[], |&k| self.model.commands.rows(k))
    }

    /// The row's cells, and its first and response frames.
    fn row(&self, tab: usize, i: usize) -> Option<(Vec<String>, Option<u32>, Option<u32>)> {
        let frame = |f: Option<u32>| f.map(|n| n.to_string()).unwrap_or_else(|| "—".into());
        let secs = |t: Option<i64>| t.map(|ns| format!("{:.6}", ns as f64 / 1e9)).unwrap_or_default();
        Some(match tab {
            0 => {
                let r = self.model.dns.get(i)?;
                let cells = vec![
                    frame(r.query),
                    format!("0x{:04x}", r.id),
                    r.name.clone(),
                    r.qtype.clone(),
                    frame(r.response),
                    secs(r.time),
                    r.rcode.clone(),
                    r.answers.join(", "),
                ];
                (cells, r.query.or(r.response), r.response)
            }
            1 => {
                let r = self.model.http.get(i)?;
                let status = r.status.map(|s| format!("{s} {}", r.phrase)).unwrap_or_default();
                let cells = vec![
                    frame(r.request),
                    r.method.clone(),
                    r.uri.clone(),
                    frame(r.response),
                    status,
                    r.content_type.clone(),
                    r.size.map(format_size).unwrap_or_default(),
                    secs(r.time),
                ];
                (cells, r.request.or(r.response), r.response)
            }
            2 => {
                let l = self.model.smtp.get(i)?;
                let stream = l.stream.map(|s| s.to_string()).unwrap_or_default();
                let text = format!("{} {}", if l.client { "C:" } else { "S:" }, l.text);
                (vec![l.frame.to_string(), stream, text], Some(l.frame), None)
            }
            t => {
                let r = self.commands(t).get(i)?;
                let stream = r.stream.map(|s| s.to_string()).unwrap_or_default();
                let cells = vec![frame(r.request), stream, r.command.clone(), frame(r.response), secs(r.time), r.reply.clone()];
                (cells, r.request.or(r.response), r.response)
            }
        })
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let tab = self.tab();
        let tabs: Vec<String> = TABS
            .iter()
            .enumerate()
            .map(|(i, name)| if i == tab { format!("[{name} {}]", self.len(i)) } else { format!(" {name} {} ", self.len(i)) })
            .collect();
        let reading = if self.job.done { "" } else { "…" };
        let title = format!(" Transactions {} · {} packets read{reading} ", tabs.join(" "), self.job.scanned);
        let block = Block::new().borders(Borders::ALL).title(title);
        let inner = block.inner(area);
        block.render(area, buf);
        let columns = COLUMNS[tab];
        let fixed: usize = columns.iter().map(|(_, w)| w + 1).sum();
        let flex = (inner.width as usize).saturating_sub(fixed).max(12);
        let widths: Vec<usize> = columns.iter().map(|&(_, w)| if w == 0 { flex } else { w }).collect();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let mut x = 0;
        for ((name, _), w) in columns.iter().zip(&widths) {
            put(buf, inner, x as u16, 0, name, bold);
            x += w + 1;
        }
        let height = (inner.height as usize).saturating_sub(2);
        let mut top = self.top.get();
        scroll_to(self.cursor, &mut top, height);
        self.top.set(top);
        for (y, i) in (top..self.len(tab)).take(height).enumerate() {
            let Some((cells, _, _)) = self.row(tab, i) else { break };
            let mut style = match self.model.smtp.get(i) {
                // Credentials anyone on the path can read stand out, as
                // Wireshark's expert warnings do.
                Some(l) if tab == 2 && l.cleartext => CLEARTEXT,
                Some(l) if tab == 2 => if l.client { CLIENT } else { SERVER },
                _ => Style::new(),
            };
            if i == self.cursor {
                style = style.add_modifier(Modifier::REVERSED);
            }
            let mut x = 0;
            for (cell, &w) in cells.iter().zip(&widths) {
                let text = printable(cell, w);
                put(buf, inner, x as u16, y as u16 + 1, &format!("{text:<w$} "), style);
                x += w + 1;
            }
        }
        footer(buf, inner, "Tab protocol · Enter go to the packet · r go to the response · Esc close");
    }

    pub fn handle_key(&mut self, key: KeyEvent, page: usize) -> Action {
        let tab = self.tab();
        if let Some(c) = move_cursor(key.code, self.cursor, self.len(tab), page) {
            self.cursor = c;
            return self.row(tab, c).and_then(|(_, first, _)| first).map_or(Action::None, Action::Select);
        }
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('T') => Action::Close,
            KeyCode::Tab | KeyCode::BackTab => {
                let step = if key.code == KeyCode::Tab { 1 } else { TABS.len() - 1 };
                self.chosen = Some((tab + step) % TABS.len());
                self.cursor = 0;
                self.top.set(0);
                Action::None
            }
            KeyCode::Enter => match self.row(tab, self.cursor).and_then(|(_, first, _)| first) {
                Some(f) => Action::Jump(f),
                None => Action::None,
            },
            KeyCode::Char('r') => match self.row(tab, self.cursor) {
                Some((_, _, Some(f))) => Action::Jump(f),
                Some(_) => Action::Message("this row has no response".into()),
                None => Action::None,
            },
            _ => Action::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::Receiver;
    use std::time::Duration;

    use crossterm::event::KeyModifiers;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    use super::*;
    use crate::tui::event::Progress;
    use crate::tui::testutil::{load, rows};
    use crate::tui::views::SessionView;
    use crate::tui::App;

    /// The inspector over a sample capture, all loaded, 140×50.
    fn app(name: &str) -> Option<(App, Receiver<Event>)> {
        app_at(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures").join(name))
    }

    fn app_at(path: &std::path::Path) -> Option<(App, Receiver<Event>)> {
        let packets = load(path)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let (tx, rx) = std::sync::mpsc::channel();
        let n = packets.len();
        let mut app = App::new(packets, tx, name, Rect::new(0, 0, 140, 50));
        app.update(Event::Packets(Progress { packets: n, done: true, ..Progress::default() }));
        Some((app, rx))
    }

    fn press(app: &mut App, code: KeyCode) {
        app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    /// Opens the view and feeds it its worker's results until they are all in.
    fn open(app: &mut App, rx: &Receiver<Event>) {
        press(app, KeyCode::Char('T'));
        while let Some(SessionView::Transactions(v)) = &app.session_view {
            if v.done() {
                return;
            }
            match rx.recv_timeout(Duration::from_secs(20)) {
                Ok(ev) => app.update(ev),
                Err(e) => panic!("the transactions worker never finished: {e}"),
            }
        }
        panic!("T opened no transactions view");
    }

    fn screen(app: &App) -> Vec<String> {
        let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).expect("terminal");
        t.draw(|f| app.draw(f)).expect("draw");
        rows(t.backend().buffer())
    }

    /// The screen row holding `text`, its cells split on runs of spaces.
    fn row_with(screen: &[String], text: &str) -> Vec<String> {
        let line = screen.iter().find(|l| l.contains(text)).unwrap_or_else(|| panic!("no row with {text:?}:\n{screen:#?}"));
        line.trim_matches(|c| c == '│' || c == ' ').split("  ").map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()
    }

    fn selected_frame(app: &App) -> Option<usize> {
        app.view.packet(app.list.sel).map(|p| p + 1)
    }

    #[test]
    fn wire_text_cannot_reach_the_terminal_raw() {
        assert_eq!(printable("g\t\x1b[2J\"ok\"", 40), "g\\t\\u{1b}[2J\"ok\"");
        assert_eq!(printable("\x07abc", 5), "\\u{7}");
    }

    #[test]
    fn web_lab_requests_sit_beside_their_200_and_404() {
        let Some((mut app, rx)) = app("web.pcap") else { return };
        open(&mut app, &rx);
        let s = screen(&app);
        assert!(s.iter().any(|l| l.contains("Transactions  DNS 0  [HTTP 3]  SMTP 0   FTP 0   POP 0   IMAP 0   TLS 0  · 14 packets read ")), "{s:#?}");
        assert_eq!(
            row_with(&s, "/missing.html"),
            ["8", "GET", "/missing.html", "9", "404 Not Found", "text/html; charset=utf-8", "130 bytes", "0.000101"]
        );
        assert_eq!(row_with(&s, "│4 "), ["4", "GET", "/", "6", "200 OK", "text/html; charset=utf-8", "456 bytes", "0.003541"]);
        assert_eq!(row_with(&s, "/style.css")[3..5], ["11", "200 OK"]);
        // The cursor's row shows its request in the tree below the view;
        // Enter goes to it in the list, Esc comes back to the same row, r
        // goes to its response, T comes back again, Esc closes.
        press(&mut app, KeyCode::Char('j'));
        assert_eq!(selected_frame(&app), Some(8));
        let s = screen(&app);
        assert!(s.iter().any(|l| l.contains("[HTTP 3]")) && s.iter().any(|l| l.contains("Frame 8: 168 bytes on wire")), "{s:#?}");
        press(&mut app, KeyCode::Enter);
        assert!(app.session_view.is_none());
        assert_eq!(selected_frame(&app), Some(8));
        assert!(screen(&app).last().is_some_and(|l| l.contains("packet 8 · Esc or T: back to the transactions")));
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Char('r'));
        assert_eq!(selected_frame(&app), Some(9));
        press(&mut app, KeyCode::Char('T'));
        assert!(screen(&app).iter().any(|l| l.contains("[HTTP 3]")));
        press(&mut app, KeyCode::Esc);
        assert!(app.session_view.is_none());
        assert!(!screen(&app).iter().any(|l| l.contains("Transactions")));
    }

    #[test]
    fn reopening_reads_the_kept_items_and_shows_the_same() {
        for name in ["web.pcap", "dns-udp.pcap", "smtp.pcap"] {
            let Some((mut app, rx)) = app(name) else { continue };
            open(&mut app, &rx);
            let first = screen(&app);
            press(&mut app, KeyCode::Esc);
            assert!(app.packets.transactions().is_some(), "{name}: the items are kept");
            open(&mut app, &rx);
            assert_eq!(screen(&app), first, "{name}");
        }
    }

    #[test]
    fn dns_lab_shows_names_answers_and_reply_codes() {
        let Some((mut app, rx)) = app("dns-udp.pcap") else { return };
        open(&mut app, &rx);
        let s = screen(&app);
        assert!(s.iter().any(|l| l.contains("[DNS 10]  HTTP 0   SMTP 0")), "{s:#?}");
        assert_eq!(
            row_with(&s, "│5 "),
            ["5", "0x797f", "web.lab.test", "A", "6", "0.000158", "No error", "CNAME www.lab.test, A 127.0.0.1"]
        );
        assert_eq!(row_with(&s, "nothere"), ["15", "0x9638", "nothere.lab.test", "A", "16", "0.000252", "No such name"]);
        assert_eq!(row_with(&s, "│9 ")[..5], ["9", "0xb34c", "lab.test", "MX", "10"]);
        // The HTTP tab is empty; Shift-Tab comes back to DNS.
        press(&mut app, KeyCode::Tab);
        assert!(screen(&app).iter().any(|l| l.contains(" DNS 10  [HTTP 0]")));
        press(&mut app, KeyCode::Enter);
        assert!(app.session_view.is_some());
        press(&mut app, KeyCode::BackTab);
        press(&mut app, KeyCode::Char('G'));
        press(&mut app, KeyCode::Enter);
        assert_eq!(selected_frame(&app), Some(19));
    }

    #[test]
    fn smtp_lab_reads_as_a_transcript_in_order() {
        let Some((mut app, rx)) = app("smtp.pcap") else { return };
        open(&mut app, &rx);
        let s = screen(&app);
        let order = [
            "S: 220 lab.test ESMTP",
            "C: EHLO client.lab.test",
            "S: 250-lab.test Hello client.lab.test",
            "S: 250 HELP",
            "C: MAIL FROM:<alice@lab.test>",
            "C: RCPT TO:<bob@lab.test>",
            "C: DATA",
            "S: 354 End data",
            "C: [message: 134 bytes, subject: wirelens SMTP lab]",
            "S: 250 2.0.0 OK: queued as 1",
            "C: QUIT",
            "S: 221 2.0.0",
        ];
        let at: Vec<usize> =
            order.iter().map(|t| s.iter().position(|l| l.contains(t)).unwrap_or_else(|| panic!("{t:?} missing:\n{s:#?}"))).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}\n{s:#?}");
        assert_eq!(row_with(&s, "C: QUIT"), ["17", "0", "C: QUIT"]);
        press(&mut app, KeyCode::Char('r'));
        assert_eq!(app.message.as_deref(), Some("this row has no response"));
    }

    #[test]
    fn imap_and_tls_tabs_pair_commands_and_hellos_with_their_times() {
        let Some((mut app, rx)) = self::app("imap.pcap") else { return };
        open(&mut app, &rx);
        let s = screen(&app);
        assert!(s.iter().any(|l| l.contains("[IMAP 13]")), "{s:#?}");
        assert_eq!(row_with(&s, "PPAO1 LOGIN"), ["9", "0", "PPAO1 LOGIN lab \"labpass\"", "11", "0.020977", "PPAO1 OK Logged in"]);
        // r goes to the reply.
        press(&mut app, KeyCode::Char('j'));
        press(&mut app, KeyCode::Char('r'));
        assert_eq!(selected_frame(&app), Some(11));
        let Some((mut tls, rx)) = self::app("tls13.pcap") else { return };
        open(&mut tls, &rx);
        let s = screen(&tls);
        let hello = row_with(&s, "Client Hello");
        assert_eq!(hello[..4], ["4", "0", "Client Hello (SNI=lab.test)", "6"], "{s:#?}");
        assert!(hello[5].starts_with("Server Hello"), "{hello:?}");
    }

    #[test]
    fn smtp_auth_login_shows_the_decoded_credentials_flagged() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/captures/zeek__smtp.pcap");
        let Some((mut app, rx)) = app_at(&path) else { return };
        open(&mut app, &rx);
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::Tab);
        let mut t = Terminal::new(TestBackend::new(app.size.width, app.size.height)).expect("terminal");
        t.draw(|f| app.draw(f)).expect("draw");
        let buf = t.backend().buffer().clone();
        let s = rows(&buf);
        assert_eq!(row_with(&s, "C: AUTH LOGIN"), ["10", "0", "C: AUTH LOGIN"]);
        assert_eq!(row_with(&s, "VXNlcm5hbWU6"), ["11", "0", "S: 334 VXNlcm5hbWU6", "→ \"Username:\""]);
        let user = s.iter().position(|l| l.contains("C: Z3VycGFydGFwQHBhdHJpb3RzLmlu  → \"gurpartap@patriots.in\" [user name in cleartext]"));
        let pass = s.iter().position(|l| l.contains("C: cHVuamFiQDEyMw==  → \"punjab@123\" [password in cleartext]"));
        let (Some(user), Some(pass)) = (user, pass) else { panic!("{s:#?}") };
        assert!(s[pass + 1].contains("S: 235 Authentication succeeded"), "{s:#?}");
        // The credential lines are marked; the 334 before them is not.
        let x = s[user].find("C: Z3V").map(|b| s[user][..b].chars().count()).unwrap_or(0) as u16;
        assert_eq!(buf[(x, user as u16)].bg, Color::Yellow);
        assert_eq!(buf[(x, pass as u16)].bg, Color::Yellow);
        assert_ne!(buf[(x, user as u16 - 1)].bg, Color::Yellow);
    }
}
