//! Where each pane goes for a terminal size. `update` and `draw` both ask
//! here, so key handling knows how many rows a pane shows.

use ratatui::layout::Rect;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    List,
    Detail,
    Hex,
}

impl Pane {
    pub fn next(self) -> Pane {
        match self {
            Pane::List => Pane::Detail,
            Pane::Detail => Pane::Hex,
            Pane::Hex => Pane::List,
        }
    }

    pub fn prev(self) -> Pane {
        self.next().next()
    }
}

/// Each pane's rectangle includes its title line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Areas {
    pub filter: Rect,
    pub list: Rect,
    pub detail: Rect,
    pub hex: Rect,
    pub status: Rect,
    /// A lab's hint line, above the status bar (empty without one).
    pub hint: Rect,
}

impl Areas {
    pub fn pane(&self, p: Pane) -> Rect {
        match p {
            Pane::List => self.list,
            Pane::Detail => self.detail,
            Pane::Hex => self.hex,
        }
    }

    /// The pane under screen cell (`x`, `y`).
    pub fn pane_at(&self, x: u16, y: u16) -> Option<Pane> {
        let pos = ratatui::layout::Position { x, y };
        [Pane::List, Pane::Detail, Pane::Hex].into_iter().find(|&p| self.pane(p).contains(pos))
    }
}

/// Filter bar on top, status bar at the bottom (with the `hint` line above
/// it), the three panes between (list 45%, tree and bytes sharing the
/// rest), or one pane when zoomed.
pub fn areas(size: Rect, zoom: Option<Pane>, hint: bool) -> Areas {
    let line = |y: u16| Rect { x: size.x, y, width: size.width, height: 1.min(size.height) };
    let filter = line(size.y);
    let status = line(size.y + size.height.saturating_sub(1));
    let hint_h = u16::from(hint && size.height > 3);
    let hint = Rect { height: hint_h, ..line(size.y + size.height.saturating_sub(2)) };
    let mid_h = size.height.saturating_sub(2 + hint_h);
    let mid = Rect { x: size.x, y: size.y + 1.min(size.height), width: size.width, height: mid_h };
    let empty = Rect { height: 0, ..mid };
    let (list, detail, hex) = match zoom {
        Some(Pane::List) => (mid, empty, empty),
        Some(Pane::Detail) => (empty, mid, empty),
        Some(Pane::Hex) => (empty, empty, mid),
        None => {
            let lh = (mid_h * 45 / 100).max(3.min(mid_h));
            let dh = (mid_h - lh) / 2;
            let hh = mid_h - lh - dh;
            let list = Rect { height: lh, ..mid };
            let detail = Rect { y: mid.y + lh, height: dh, ..mid };
            let hex = Rect { y: mid.y + lh + dh, height: hh, ..mid };
            (list, detail, hex)
        }
    };
    Areas { filter, list, detail, hex, status, hint }
}

/// A pane's content area: below its title line.
pub fn inner(r: Rect) -> Rect {
    Rect { y: r.y + 1.min(r.height), height: r.height.saturating_sub(1), ..r }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighty_by_twenty_four_fits_three_panes() {
        let a = areas(Rect::new(0, 0, 80, 24), None, false);
        assert_eq!(a.filter.y, 0);
        assert_eq!(a.status.y, 23);
        assert_eq!(a.list.height + a.detail.height + a.hex.height, 22);
        assert!(inner(a.list).height >= 6, "{a:?}");
        assert!(inner(a.detail).height >= 4);
        assert!(inner(a.hex).height >= 4);
        assert_eq!(a.pane_at(5, a.hex.y + 1), Some(Pane::Hex));
        let z = areas(Rect::new(0, 0, 80, 24), Some(Pane::Detail), false);
        assert_eq!(z.detail.height, 22);
        assert_eq!(z.list.height, 0);
        let h = areas(Rect::new(0, 0, 80, 24), None, true);
        assert_eq!((h.hint.y, h.hint.height, h.status.y), (22, 1, 23));
        assert_eq!(h.hex.y + h.hex.height, 22);
    }
}

/// A box of `w` × `h` (at most `area`'s size) in the middle of `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let (w, h) = (w.min(area.width), h.min(area.height));
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}
