//! Columns: every packet's items of one field that brief records do not
//! hold (application fields, TCP analysis, links to other packets such as
//! `dns.response_in`, frame times), kept once a filter has read the field,
//! so that the next filter on it reads them instead of dissecting the
//! capture again.
//!
//! A column is made from the dissections of the filter's own walk over a
//! complete capture: the revisit pass, whose items already point forward
//! (a request knows its response) and are the ones re-dissection gives, so
//! a filter on the column is exact by construction. It holds the records
//! of `crate::store::brief` for that one field, every occurrence in tree
//! order; a value read from its bytes (`Value::None` of a byte field) is
//! kept as those bytes. LZ4 shares repeated strings (URIs, hosts, names)
//! within a chunk.

use crate::dissect::Dissection;
use crate::field::tree::Tree;
use crate::field::{self, Field, FieldType, Value};
use crate::store::brief::{BriefStore, Encoder, Plan};

/// Packets between two hand-overs of a builder's records to its stores:
/// the encoder's buffer stays small.
const PUBLISH: usize = 4096;

/// Whether a field's items can be kept in a column: every field but the
/// brief ones (the loader keeps those) and those whose value depends on
/// which packets a filter displayed.
pub fn can_hold(f: Field) -> bool {
    !f.brief && !f.capture_wide
}

/// The columns made so far, each for every packet of the capture.
#[derive(Default)]
pub struct Columns {
    made: Vec<(Field, BriefStore)>,
}

impl Columns {
    pub fn get(&self, f: Field) -> Option<&BriefStore> {
        self.made.iter().find(|(g, _)| field::same(f, g)).map(|(_, s)| s)
    }

    /// The fields of `fields` that `Reading` needs a column of and that
    /// have none yet.
    pub fn missing(&self, fields: &[Field]) -> Vec<Field> {
        fields.iter().copied().filter(|&f| can_hold(f) && self.get(f).is_none()).collect()
    }
}

/// Makes the columns of some fields from dissections given in packet order,
/// from the first packet on.
pub struct Builder {
    columns: Vec<(Field, Encoder, BriefStore)>,
    items: Vec<(Field, Value)>,
    pushed: usize,
}

impl Builder {
    pub fn new(fields: &[Field]) -> Builder {
        let columns = fields.iter().map(|&f| (f, Encoder::new(), BriefStore::default())).collect();
        Builder { columns, items: Vec::new(), pushed: 0 }
    }

    /// Adds packet `i`'s items (`frame` is its bytes); the packets before
    /// it not given (unreadable) have no record, so they are dissected.
    pub fn push(&mut self, i: usize, d: &Dissection, frame: &[u8]) {
        while self.pushed < i {
            self.columns.iter_mut().for_each(|(_, enc, _)| enc.push_none());
            self.pushed += 1;
        }
        for (f, enc, store) in &mut self.columns {
            self.items.clear();
            for (id, n) in d.tree.nodes.iter().enumerate() {
                if field::same(n.field, f) {
                    self.items.push((*f, kept_value(d, id, frame)));
                }
            }
            enc.push(&self.items);
            if (self.pushed + 1).is_multiple_of(PUBLISH) {
                enc.publish(store);
            }
        }
        self.pushed += 1;
    }

    /// Adds the columns to `into`.
    pub fn finish(self, into: &mut Columns) {
        for (f, mut enc, mut store) in self.columns {
            enc.publish(&mut store);
            if into.get(f).is_none() {
                into.made.push((f, store));
            }
        }
    }
}

/// The value of item `id` as a filter reads it: a byte field without a
/// value of its own is its bytes. (Protocols and text-only items are read
/// for their presence only, see `filter::brief`.)
fn kept_value(d: &Dissection, id: usize, frame: &[u8]) -> Value {
    let n = &d.tree.nodes[id];
    match &n.value {
        Value::None if !matches!(n.field.ftype, FieldType::Protocol | FieldType::None) => {
            Value::Bytes(d.node_bytes(frame, id).into())
        }
        v => v.clone(),
    }
}

/// How a filter's fields are read from stored records: the brief ones from
/// the brief records, each other one from its column.
#[derive(Clone, Debug)]
pub struct Reading {
    brief: Option<Plan>,
    columns: Vec<(Field, Plan)>,
}

impl Reading {
    pub fn new(fields: &[Field]) -> Reading {
        let brief: Vec<Field> = fields.iter().copied().filter(|f| !can_hold(f)).collect();
        let columns = fields.iter().filter(|&&f| can_hold(f)).map(|&f| (f, Plan::new(&[f]))).collect();
        Reading { brief: (!brief.is_empty()).then(|| Plan::new(&brief)), columns }
    }

    /// Adds packet `i`'s items of the fields to `tree`. False when a record
    /// or a column is missing: the packet must be dissected.
    pub fn decode(&mut self, briefs: &BriefStore, columns: &Columns, i: usize, tree: &mut Tree) -> bool {
        if let Some(plan) = self.brief.as_mut() {
            if !briefs.decode(i, plan, tree) {
                return false;
            }
        }
        for (f, plan) in &mut self.columns {
            match columns.get(f) {
                Some(column) if column.decode(i, plan, tree) => {}
                _ => return false,
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::{dns, frame, http, tcp};
    use crate::field::Timestamp;

    /// A dissection whose tree holds `items` (byte fields cover `frame`'s
    /// bytes 2..5).
    fn dissection(items: &[(Field, Value)]) -> Dissection {
        let mut d = Dissection::default();
        for (f, v) in items {
            d.tree.add(f, 2..5, v.clone());
        }
        d
    }

    #[test]
    fn columns_keep_every_value_type_and_byte_fields_as_their_bytes() {
        let frame_bytes = [9u8, 8, 7, 6, 5, 4];
        let packets = [
            vec![
                (&http::URI as Field, Value::str("/index.html")),
                (&frame::TIME, Value::AbsTime(Timestamp { secs: -3, nanos: 999 })),
                (&frame::TIME_RELATIVE, Value::RelTime(-12)),
                (&tcp::PAYLOAD, Value::None),
                (&tcp::expert::FLAGS, Value::None),
            ],
            vec![],
            vec![(&http::URI as Field, Value::str("/a")), (&http::URI, Value::str("/b"))],
            vec![(&dns::RESPONSE_IN as Field, Value::FrameNum(7)), (&tcp::PAYLOAD, Value::str(&*"x".repeat(5000)))],
        ];
        let fields: Vec<Field> =
            vec![&http::URI, &frame::TIME, &frame::TIME_RELATIVE, &tcp::PAYLOAD, &tcp::expert::FLAGS, &dns::RESPONSE_IN];
        let mut b = Builder::new(&fields);
        for (i, p) in packets.iter().enumerate() {
            // The second packet could not be read.
            if i != 1 {
                b.push(i, &dissection(p), &frame_bytes);
            }
        }
        let mut columns = Columns::default();
        b.finish(&mut columns);
        assert!(columns.missing(&fields).is_empty());
        let read = |i: usize, wanted: &[Field]| {
            let mut t = Tree::default();
            Reading::new(wanted).decode(&BriefStore::default(), &columns, i, &mut t).then(|| {
                t.nodes.iter().map(|n| (n.field.name, n.value.clone())).collect::<Vec<_>>()
            })
        };
        let first = read(0, &fields).unwrap();
        let mut want: Vec<(&str, Value)> = packets[0].iter().map(|(f, v)| (f.name, v.clone())).collect();
        want[3].1 = Value::Bytes(Box::new([7, 6, 5]));
        assert_eq!(first, want);
        assert_eq!(read(1, &fields), None, "an unread packet has no record");
        let uris = read(2, &[&http::URI]).unwrap();
        assert_eq!(uris, [("http.request.uri", Value::str("/a")), ("http.request.uri", Value::str("/b"))]);
        assert_eq!(read(3, &[&dns::RESPONSE_IN]).unwrap(), [("dns.response_in", Value::FrameNum(7))]);
        assert_eq!(read(3, &[&tcp::PAYLOAD]), None, "a payload this long is not kept: the packet is dissected");
        assert_eq!(read(4, &[&http::URI]), None, "past the last packet");
        let mut t = Tree::default();
        let no_column = Reading::new(&[&http::CODE]).decode(&BriefStore::default(), &columns, 0, &mut t);
        assert!(!no_column);
    }

    #[test]
    fn brief_fields_and_display_dependent_fields_have_no_column() {
        assert!(!can_hold(&tcp::PORT) && !can_hold(&frame::TIME_DELTA_DISPLAYED));
        assert!(can_hold(&http::URI) && can_hold(&frame::TIME_RELATIVE));
        let columns = Columns::default();
        assert_eq!(columns.missing(&[&tcp::PORT, &http::URI]).len(), 1);
    }
}
