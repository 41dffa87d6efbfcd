//! A lab's checklist: its questions in a small box over the packet list's
//! top right corner ("find the 404", "which pings were lost?"), each
//! ticked once the student selects a packet that answers it or displays
//! exactly the packets it asks for. `K` hides and shows it.
//!
//! "Which pings were lost" is judged on each finished filter pass of a
//! live capture too, so a ping counts as lost only once it cannot be
//! answered any more: another message of its conversation followed it, its
//! client's timeout has passed in capture time, or the capture has ended.
//! Until then the question waits, whatever is displayed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, Clear, Widget};

use crate::dissect::{Depth, Dissection};
use crate::filter::Filter;
use crate::gen::lab::{Answer, Question};
use crate::tui::packets::Packets;
use crate::tui::views::put;
use crate::tui::workers::flows::{Exchanges, FlowFields};
use crate::tui::workers::session::relative_time;

/// Captures larger than this are not walked on the UI thread to check a
/// displayed set: a lab makes a few dozen packets.
const MAX_WALK: usize = 5000;

struct Item {
    text: &'static str,
    answer: Answer,
    filter: Filter,
    /// The client's reply timeout, in nanoseconds, when the lab knows it.
    timeout: Option<i64>,
    done: bool,
}

pub struct Checklist {
    items: Vec<Item>,
    pub shown: bool,
}

impl Checklist {
    /// The checklist of `questions` whose filters compile (the lab's own
    /// tests check that they all do).
    pub fn new(questions: &[Question]) -> Checklist {
        let items = questions
            .iter()
            .filter_map(|q| {
                let filter = Filter::compile(&q.filter).ok()?;
                let timeout = q.reply_timeout.map(|t| t.as_nanos().min(i64::MAX as u128) as i64);
                Some(Item { text: q.text, answer: q.answer, filter, timeout, done: false })
            })
            .collect();
        Checklist { items, shown: true }
    }

    /// Questions answered, of how many.
    pub fn score(&self) -> (usize, usize) {
        (self.items.iter().filter(|i| i.done).count(), self.items.len())
    }

    /// The selected packet changed: ticks the questions it answers.
    pub fn selected(&mut self, d: &Dissection, bytes: &[u8]) {
        for it in self.items.iter_mut().filter(|i| !i.done && i.answer == Answer::Select) {
            it.done = it.filter.matches(d, bytes);
        }
    }

    /// The display filter has gone through every packet there is: ticks
    /// the questions its matches (0-based packets) answer.
    pub fn displayed(&mut self, packets: &Packets, matched: &[u32]) {
        if packets.len() > MAX_WALK {
            return;
        }
        for it in self.items.iter_mut().filter(|i| !i.done && i.answer == Answer::DisplayUnanswered) {
            it.done = lost(packets, &it.filter, it.timeout)
                .is_some_and(|lost| !lost.is_empty() && lost.iter().copied().eq(matched.iter().map(|&m| m + 1)));
        }
    }

    /// The box, at the top right of `area`.
    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let w = self.items.iter().map(|i| i.text.chars().count() + 6).max().unwrap_or(20).max(34) as u16;
        let r = Rect {
            x: area.x + area.width.saturating_sub(w + 1),
            y: area.y + 1,
            width: w.min(area.width),
            height: (self.items.len() as u16 + 2).min(area.height.saturating_sub(1)),
        };
        let (done, all) = self.score();
        let style = if done == all { Style::new().fg(Color::Green) } else { Style::new().fg(Color::Yellow) };
        let block = Block::new().borders(Borders::ALL).border_style(style).title(format!(" Lab questions {done}/{all} · K hides "));
        let inner = block.inner(r);
        Clear.render(r, buf);
        block.render(r, buf);
        for (y, it) in self.items.iter().enumerate() {
            let (mark, style) = if it.done {
                ("[✓]", Style::new().fg(Color::Green).add_modifier(Modifier::BOLD))
            } else {
                ("[ ]", Style::new())
            };
            put(buf, inner, 0, y as u16, &format!("{mark} {}", it.text), style);
        }
    }
}

/// The frames (1-based, ascending) of the client's requests that got no
/// reply and cannot get one any more, in every conversation `filter`
/// keeps, paired as the ladder pairs them; None while a request may still
/// be answered (`timeout` nanoseconds after it, in capture time).
fn lost(packets: &Packets, filter: &Filter, timeout: Option<i64>) -> Option<Vec<u32>> {
    let fields = FlowFields::default();
    let rel = crate::field::lookup("frame.time_relative");
    let (mut bytes, mut d) = (Vec::new(), Dissection::default());
    let mut exchanges = Exchanges::default();
    // Read before the walk: a packet arriving during it is not in `latest`.
    let ended = packets.is_complete();
    let mut latest = i64::MIN;
    for i in 0..packets.len() {
        if !packets.dissect_to(i, Depth::Fields, &mut bytes, &mut d) {
            continue;
        }
        latest = latest.max(relative_time(&d, rel));
        if !filter.matches(&d, &bytes) {
            continue;
        }
        exchanges.push(&fields.read(&d, &bytes, i as u32 + 1));
    }
    let now = (!ended).then_some(latest);
    (!exchanges.waiting(now, timeout)).then(|| exchanges.lost(now, timeout))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::lab::Kind;
    use crate::tui::testutil::{dissect, rows, sample};

    #[test]
    fn the_ping_lab_ticks_a_selected_reply_and_the_lost_pings_displayed() {
        let Some(packets) = sample("ping.pcap") else { return };
        let lab = Kind::Ping.prepare(None, &[]).expect("ping lab");
        let mut c = Checklist::new(&lab.questions);
        assert_eq!(c.score(), (0, 2));
        let (mut bytes, mut d) = (Vec::new(), Dissection::default());
        // A ping is not a reply.
        assert!(packets.dissect(0, &mut bytes, &mut d));
        c.selected(&d, &bytes);
        assert_eq!(c.score(), (0, 2));
        assert!(packets.dissect(1, &mut bytes, &mut d));
        c.selected(&d, &bytes);
        assert_eq!(c.score(), (1, 2));
        // Frames 3, 10 and 15 are the pings nobody answered; two of them, or
        // one more, is not the answer.
        c.displayed(&packets, &[2, 9]);
        c.displayed(&packets, &[2, 9, 14, 15]);
        assert_eq!(c.score(), (1, 2));
        c.displayed(&packets, &[2, 9, 14]);
        assert_eq!(c.score(), (2, 2));
        // Selecting another packet keeps what was found.
        c.selected(&dissect(&crate::tui::testutil::udp_frame(b"x")), &[]);
        assert_eq!(c.score(), (2, 2));
        let area = Rect::new(0, 0, 100, 8);
        let mut buf = Buffer::empty(area);
        c.render(area, &mut buf);
        let text = rows(&buf);
        assert!(text[1].contains("Lab questions 2/2"), "{text:#?}");
        assert!(text[2].contains("[✓] find a ping the server answered"), "{text:#?}");
        assert!(text[3].contains("[✓] which pings were lost? display exactly them"), "{text:#?}");
    }
}
