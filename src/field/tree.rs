//! The protocol tree of one packet: a flat, pre-order arena of items.
//!
//! Each item names its registry field, the bytes it covers (in the frame or
//! in a reassembled buffer), its value and, when the default `Display: value`
//! wording is not right, its own label. Items are stored in pre-order with
//! their depth, so the tree view, `-V` and filter evaluation are simple scans,
//! and a tree is reused between packets without reallocating.

use std::ops::Range;

use crate::field::{self, format_label, Field, FieldType, Value, TEXT};

/// Index of an item in its tree.
pub type NodeId = usize;

/// Which bytes an item's range refers to: the frame, or one of the packet's
/// extra data sources (a reassembled PDU).
pub type SourceId = u16;
pub const FRAME: SourceId = 0;

pub const GENERATED: u8 = 1;
pub const HIDDEN: u8 = 2;

#[derive(Clone, Debug)]
pub struct Node {
    pub field: Field,
    pub source: SourceId,
    pub start: u32,
    pub len: u32,
    pub value: Value,
    /// A label replacing the default `Display: value` text.
    pub text: Option<Box<str>>,
    pub depth: u16,
    pub flags: u8,
}

impl Node {
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }
    pub fn generated(&self) -> bool {
        self.flags & GENERATED != 0
    }
    pub fn hidden(&self) -> bool {
        self.flags & HIDDEN != 0
    }
}

#[derive(Default, Clone, Debug)]
pub struct Tree {
    pub nodes: Vec<Node>,
    open: Vec<NodeId>,
    source: SourceId,
    /// Which labels are kept; the others are dropped unformatted: nobody
    /// will read them (a filter or `-T fields` pass needs values only, and
    /// formatting dominated it).
    labels: Labels,
    /// No items are kept at all (a pass for the columns only).
    no_items: bool,
    /// Which items are also kept in `brief`, even when other items are not.
    record: Recording,
    /// A quick first answer to whether `record` wants a field: its bit
    /// (`field_bit`) is set for every field it wants (all bits for `Brief`,
    /// none for `Nothing`), so most items are dropped without a lookup.
    record_bits: u64,
    /// The protocols of the fields `record` wants (`Only`, `Nodes`), for `idle_for`.
    record_protocols: Vec<&'static str>,
    /// `record` is `Brief`: `record_bits` has every bit set, and only the
    /// brief fields are wanted.
    brief_only: bool,
    /// Items added since the tree was cleared, kept or not: whether a
    /// layer added any (`added`).
    added: usize,
    /// The brief fields' items, in tree order (see `crate::store::brief`).
    pub brief: Vec<(Field, Value)>,
}

/// Which items a tree gathers in `Tree::brief`.
#[derive(Default, Clone, Debug)]
pub enum Recording {
    #[default]
    Nothing,
    /// Every brief field's.
    Brief,
    /// These fields' only (a filter's, all brief).
    Only(Vec<Field>),
    /// No values in `brief`: these fields' items are kept as nodes, with
    /// their byte ranges and depths, while the other items are not (a
    /// filter or `-T fields` that reads only its own fields' items).
    Nodes(Vec<Field>),
}

/// Which items' labels a tree keeps.
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Labels {
    #[default]
    All,
    /// Only protocols' and those of items without a field: the text a
    /// JSON document shows where an item has no value.
    Structural,
    None,
}

/// A point to roll a tree back to (`Tree::mark`).
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    nodes: usize,
    brief: usize,
    added: usize,
}

/// One of 64 bits picked by a field's address (its identity), for
/// `Tree::record_bits`.
#[inline]
fn field_bit(field: Field) -> u64 {
    let addr = field as *const crate::field::FieldDef as u64;
    1 << (addr.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58)
}

/// The id `add` returns when items are not kept; no node has it.
pub const NO_NODE: NodeId = NodeId::MAX;

/// A label's text: a string, or `format_args!` so that it is only
/// formatted when labels are kept.
pub trait Label {
    fn into_label(self) -> Box<str>;
}

impl Label for String {
    fn into_label(self) -> Box<str> {
        self.into_boxed_str()
    }
}

impl Label for &str {
    fn into_label(self) -> Box<str> {
        self.into()
    }
}

impl Label for std::fmt::Arguments<'_> {
    fn into_label(self) -> Box<str> {
        match self.as_str() {
            Some(s) => s.into(),
            None => std::fmt::format(self).into_boxed_str(),
        }
    }
}

impl Tree {
    pub fn clear(&mut self) {
        self.nodes.clear();
        self.brief.clear();
        self.open.clear();
        self.source = FRAME;
        self.added = 0;
    }

    /// Which labels are kept (all by default).
    pub fn keep_labels(&mut self, labels: Labels) {
        self.labels = labels;
    }

    /// Whether labels are kept: a dissector may skip building one that
    /// would be dropped. True for structural labels too: text built for a
    /// label may also be a value (an expert message).
    pub fn keeps_labels(&self) -> bool {
        self.labels != Labels::None && !self.no_items
    }

    /// Whether items are kept (the default) or dropped as they are added.
    pub fn keep_items(&mut self, keep: bool) {
        self.no_items = !keep;
    }

    /// Whether an item of `field` added now would be kept (or recorded): a
    /// dissector may skip building a costly value that would be dropped.
    pub fn wants(&self, field: Field) -> bool {
        !self.no_items || self.record_bits & field_bit(field) != 0 && (field.brief || !self.brief_only)
    }

    /// Whether some item kept or recorded now could be of a field `pick`
    /// accepts: a dissector may skip a group of items when none of their
    /// fields is wanted (a filter on TCP's analysis needs no header items).
    pub fn wants_some(&self, pick: impl Fn(Field) -> bool) -> bool {
        !self.no_items
            || match &self.record {
                Recording::Nothing => false,
                Recording::Brief => true,
                Recording::Only(fields) | Recording::Nodes(fields) => fields.iter().any(|&f| pick(f)),
            }
    }

    /// Whether items are kept (see `keep_items`).
    pub fn keeps_items(&self) -> bool {
        !self.no_items
    }

    /// Which items are also gathered in `brief`.
    pub fn record(&mut self, record: Recording) {
        self.record_bits = match &record {
            Recording::Nothing => 0,
            Recording::Brief => u64::MAX,
            Recording::Only(fields) | Recording::Nodes(fields) => fields.iter().fold(0, |bits, f| bits | field_bit(f)),
        };
        self.record_protocols = match &record {
            Recording::Only(fields) | Recording::Nodes(fields) => fields.iter().map(|f| f.protocol()).collect(),
            _ => Vec::new(),
        };
        self.brief_only = matches!(record, Recording::Brief);
        self.record = record;
    }

    /// Whether every item of protocol `proto`'s fields added now vanishes
    /// (none kept, none of them recorded), so its dissector may skip
    /// building them: a filter on TCP ports needs no IPv4 header items.
    pub fn idle_for(&self, proto: &str) -> bool {
        self.no_items
            && match &self.record {
                Recording::Nothing => true,
                Recording::Brief => false,
                Recording::Only(_) | Recording::Nodes(_) => !self.record_protocols.contains(&proto),
            }
    }

    /// Items added since the tree was cleared, whether kept or not: a
    /// dissector compares two counts to learn whether a layer added any.
    pub fn added(&self) -> usize {
        self.added
    }

    pub fn mark(&self) -> Mark {
        Mark { nodes: self.nodes.len(), brief: self.brief.len(), added: self.added }
    }

    /// Drops every item added since `mark` (a layer that turned out not to
    /// be there).
    pub fn rollback(&mut self, mark: Mark) {
        self.nodes.truncate(mark.nodes);
        self.brief.truncate(mark.brief);
        self.added = mark.added;
    }

    /// Items added from now on refer to bytes of `source`.
    pub fn set_source(&mut self, source: SourceId) {
        self.source = source;
    }

    pub fn source(&self) -> SourceId {
        self.source
    }

    /// Adds an item as a child of the innermost open item.
    #[inline]
    pub fn add(&mut self, field: Field, range: Range<usize>, value: Value) -> NodeId {
        // The columns-only pass adds every item and keeps none: inlined,
        // that costs a test.
        self.added += 1;
        if self.no_items && (self.brief_only && !field.brief || self.record_bits & field_bit(field) == 0) {
            return NO_NODE;
        }
        self.keep(field, range, value)
    }

    fn keep(&mut self, field: Field, range: Range<usize>, value: Value) -> NodeId {
        let recorded = match &self.record {
            Recording::Nothing => false,
            Recording::Brief => field.brief,
            Recording::Only(fields) | Recording::Nodes(fields) => fields.iter().any(|f| field::same(f, field)),
        };
        let as_node = matches!(self.record, Recording::Nodes(_));
        if self.no_items && !(recorded && as_node) {
            if recorded {
                self.brief.push((field, value));
            }
            return NO_NODE;
        }
        if recorded && !as_node {
            self.brief.push((field, value.clone()));
        }
        let depth = self.open.len() as u16;
        let len = range.end.saturating_sub(range.start);
        self.nodes.push(Node {
            field,
            source: self.source,
            start: range.start as u32,
            len: len as u32,
            value,
            text: None,
            depth,
            flags: 0,
        });
        self.nodes.len() - 1
    }

    /// Adds an item as the last child of `parent`, which may be closed and
    /// followed by other items: what a link layer learns only after its
    /// payload (padding, trailer) still belongs under it, as in Wireshark.
    /// Items after it move down by one, so ids taken before are stale.
    pub fn add_to(&mut self, parent: NodeId, field: Field, range: Range<usize>, value: Value) -> NodeId {
        let id = self.add(field, range, value);
        if id == NO_NODE || parent >= id {
            // No such parent (or nothing kept): an ordinary item.
            return id;
        }
        let at = self.subtree_end(parent).min(id);
        let mut node = self.nodes.remove(id);
        node.depth = self.nodes[parent].depth + 1;
        self.nodes.insert(at, node);
        for o in &mut self.open {
            if *o >= at {
                *o += 1;
            }
        }
        at
    }

    /// Adds an item and makes it the parent of the items that follow, until
    /// the matching `close`.
    pub fn open(&mut self, field: Field, range: Range<usize>, value: Value) -> NodeId {
        let id = self.add(field, range, value);
        self.open.push(id);
        id
    }

    /// Makes an item already added the parent of the items that follow,
    /// until the matching `close`.
    pub fn reopen(&mut self, id: NodeId) {
        self.open.push(id);
    }

    pub fn close(&mut self) {
        self.open.pop();
    }

    /// Where the innermost open item starts (0 if none is kept): an expert
    /// note sits there, with no length, as in Wireshark.
    pub fn open_start(&self) -> usize {
        self.open.last().and_then(|&id| self.nodes.get(id)).map_or(0, |n| n.start as usize)
    }

    /// Closes open items until `id` is closed too (a layer ends early).
    pub fn close_to(&mut self, id: NodeId) {
        while let Some(top) = self.open.pop() {
            if top == id {
                break;
            }
        }
    }

    /// Closes everything still open (a dissector stopped on an error).
    pub fn close_all(&mut self) {
        self.open.clear();
    }

    /// A text-only line.
    pub fn text(&mut self, range: Range<usize>, text: impl Label) -> NodeId {
        let id = self.add(&TEXT, range, Value::None);
        self.set_text(id, text);
        id
    }

    /// A generated (bracketed) item computed by the dissector, not read from bytes.
    pub fn generated(&mut self, field: Field, range: Range<usize>, value: Value) -> NodeId {
        let id = self.add(field, range, value);
        self.set_flags(id, GENERATED);
        id
    }

    /// A filterable item that the tree view does not show (`ip.addr`, `tcp.port`).
    pub fn hidden(&mut self, field: Field, range: Range<usize>, value: Value) -> NodeId {
        let id = self.add(field, range, value);
        self.set_flags(id, HIDDEN);
        id
    }

    pub fn set_text(&mut self, id: NodeId, text: impl Label) {
        if self.labels == Labels::None {
            return;
        }
        if let Some(n) = self.nodes.get_mut(id) {
            let structural = n.field.name.is_empty() || n.field.ftype == FieldType::Protocol;
            if self.labels == Labels::All || structural {
                n.text = Some(text.into_label());
            }
        }
    }

    pub fn set_len(&mut self, id: NodeId, len: usize) {
        if let Some(n) = self.nodes.get_mut(id) {
            n.len = len as u32;
        }
    }

    pub fn set_flags(&mut self, id: NodeId, flags: u8) {
        if let Some(n) = self.nodes.get_mut(id) {
            n.flags |= flags;
        }
    }

    /// One past the last descendant of `id`.
    pub fn subtree_end(&self, id: NodeId) -> NodeId {
        let depth = self.nodes[id].depth;
        let mut i = id + 1;
        while i < self.nodes.len() && self.nodes[i].depth > depth {
            i += 1;
        }
        i
    }

    /// Direct children of `id`.
    pub fn children(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let depth = self.nodes[id].depth + 1;
        let end = self.subtree_end(id);
        (id + 1..end).filter(move |&i| self.nodes[i].depth == depth)
    }

    /// Every item of `field`, in tree order.
    pub fn find(&self, field: Field) -> impl Iterator<Item = &Node> + '_ {
        self.nodes.iter().filter(move |n| field::same(n.field, field))
    }

    pub fn first(&self, field: Field) -> Option<&Node> {
        self.find(field).next()
    }

    pub fn has(&self, field: Field) -> bool {
        self.first(field).is_some()
    }

    /// The label a tree view shows for the item, with `bytes` its own range.
    /// Empty for `NO_NODE` (items are not kept).
    pub fn label(&self, id: NodeId, bytes: &[u8]) -> String {
        let Some(n) = self.nodes.get(id) else { return String::new() };
        let mut body = match &n.text {
            Some(t) => truncated(t.to_string(), |_| 0),
            None => {
                // The name ends the bit picture's ` = ` part, if any.
                let display = n.field.display;
                truncated(format_label(n.field, &n.value, bytes), |l| l.find(display).map_or(0, |i| i + display.len()))
            }
        };
        if n.generated() && n.text.is_none() {
            body.insert(0, '[');
            body.push(']');
        }
        body
    }
}


/// Wireshark keeps a label in 240 bytes: a longer one says ` [truncated]`
/// after the field's name (at `name_end`, looked for only then; at the
/// start for a text label) and is cut to 238 bytes, at a character boundary.
fn truncated(mut label: String, name_end: impl Fn(&str) -> usize) -> String {
    const KEPT: usize = 238;
    if label.len() < 240 {
        return label;
    }
    let at = name_end(&label).min(KEPT);
    label.insert_str(at, " [truncated]");
    let mut end = KEPT;
    while !label.is_char_boundary(end) {
        end -= 1;
    }
    label.truncate(end);
    label
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::{FieldDef, FieldType};

    static P: FieldDef = FieldDef::new("p", "Proto", FieldType::Protocol);
    static A: FieldDef = FieldDef::new("p.a", "A", FieldType::U8);
    static BRIEF: [FieldDef; 3] = [
        FieldDef::new("p.b0", "B0", FieldType::U8).brief(),
        FieldDef::new("p.b1", "B1", FieldType::U8).brief(),
        FieldDef::new("p.b2", "B2", FieldType::U8).brief(),
    ];

    #[test]
    fn long_labels_are_truncated_after_the_name_as_wireshark_does() {
        static S: FieldDef = FieldDef::new("p.s", "Text", FieldType::String);
        let mut t = Tree::default();
        let long = t.add(&S, 0..300, Value::str("x".repeat(300)));
        let text = t.text(0..300, format!("a{}", "é".repeat(150)));
        let short = t.add(&S, 0..3, Value::str("x".repeat(233)));
        let l = t.label(long, &[]);
        assert_eq!((l.len(), &l[..26]), (238, "Text [truncated]: xxxxxxxx"));
        let l = t.label(text, &[]);
        assert!(l.starts_with(" [truncated]aéé") && l.len() == 237, "{l}");
        assert_eq!(t.label(short, &[]).len(), 239);
    }

    #[test]
    fn a_layer_is_idle_when_nothing_kept_or_recorded_is_its_own() {
        let mut t = Tree::default();
        t.keep_items(false);
        t.record(Recording::Only(vec![&BRIEF[1]]));
        assert!(t.idle_for("ip") && !t.idle_for("p"));
        t.record(Recording::Brief);
        assert!(!t.idle_for("ip"));
        t.record(Recording::Nothing);
        assert!(t.idle_for("p"));
        t.keep_items(true);
        assert!(!t.idle_for("ip"));
    }

    #[test]
    fn a_columns_pass_records_only_the_fields_asked_for() {
        let mut t = Tree::default();
        t.keep_items(false);
        t.record(Recording::Only(vec![&BRIEF[1]]));
        for (i, f) in BRIEF.iter().enumerate() {
            assert_eq!(t.add(f, 0..1, Value::UInt(i as u64)), NO_NODE);
        }
        t.add(&A, 0..1, Value::UInt(9));
        assert!(t.nodes.is_empty());
        let recorded: Vec<_> = t.brief.iter().map(|(f, v)| (f.name, v.clone())).collect();
        assert_eq!(recorded, [("p.b1", Value::UInt(1))]);
        t.brief.clear();
        t.record(Recording::Brief);
        for f in &BRIEF {
            t.add(f, 0..1, Value::None);
        }
        assert_eq!(t.brief.len(), 3);
    }

    #[test]
    fn nesting_and_children() {
        let mut t = Tree::default();
        let p = t.open(&P, 0..4, Value::None);
        t.add(&A, 0..1, Value::UInt(1));
        t.add(&A, 1..2, Value::UInt(2));
        t.close();
        t.add(&A, 3..4, Value::UInt(3));
        assert_eq!(t.children(p).count(), 2);
        assert_eq!(t.subtree_end(p), 3);
        assert_eq!(t.find(&A).count(), 3);
        assert_eq!(t.label(1, &[1]), "A: 1");
    }
}
