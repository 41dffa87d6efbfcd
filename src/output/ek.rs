//! `-T ek` as tshark 4.0 writes it: Elasticsearch bulk lines, an index line
//! then a document per packet. Each protocol of the tree is an object of its
//! items flattened (every item below it that is not itself a protocol), each
//! named `PROTOCOL_FIELD` with dots as underscores (`ip_ip_src`); items of
//! one name are gathered into an array at the first one's place; booleans
//! are JSON booleans, times ISO 8601 in UTC, text-only items `text`.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::OnceLock;

use crate::dissect::conv::HashMap;
use crate::dissect::{Dissection, FrameMeta};
use crate::field::tree::NodeId;
use crate::field::{civil, FieldDef, FieldType, Value};

use super::json::{escape, json_value};
use super::timefmt::local_date;

/// One packet's two lines.
pub fn ek_packet(meta: &FrameMeta, d: &Dissection, frame: &[u8], out: &mut String) {
    out.push_str("{\"index\":{\"_index\":\"packets-");
    local_date(meta.ts.secs, out);
    out.push_str("\",\"_type\":\"doc\"}}\n");
    let _ = write!(out, "{{\"timestamp\":\"{}{:03}\",\"layers\":{{", meta.ts.secs, meta.ts.nanos / 1_000_000);
    let roots: Vec<NodeId> = (0..d.tree.nodes.len()).filter(|&i| d.tree.nodes[i].depth == 0).collect();
    let mut first = true;
    // A value's text before its escapes, reused from item to item.
    let mut scratch = String::new();
    for id in roots {
        if !first {
            out.push(',');
        }
        first = false;
        key(&ek_name(d, id, true), out);
        object(d, frame, id, out, &mut scratch);
    }
    out.push_str("}}\n");
}

fn key(name: &str, out: &mut String) {
    out.push('"');
    escape(name, out);
    out.push_str("\":");
}

/// An item's name: `text` for a text-only item; a field's, after its
/// protocol's (`ip_ip_src`); a protocol's own (`top`: a layer of the
/// packet, or one nested in another's items, as `_ws.expert`).
fn ek_name(d: &Dissection, id: NodeId, top: bool) -> Cow<'static, str> {
    let f = d.tree.nodes[id].field;
    let names = names();
    if f.name.is_empty() {
        return Cow::Borrowed(names.text);
    }
    let top = top || f.ftype == FieldType::Protocol;
    match names.by_field.get(&(f as *const FieldDef as usize)) {
        Some(&(item, layer)) => Cow::Borrowed(if top { layer } else { item }),
        None => Cow::Owned(make_name(f, top)),
    }
}

/// Every registered field's names as an item and as a layer, made once:
/// a packet has hundreds of items. Each name is kept once, so two
/// borrowed names are equal exactly when they are the same string in memory.
struct Names {
    by_field: HashMap<usize, (&'static str, &'static str)>,
    text: &'static str,
}

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut kept: HashMap<String, &'static str> = HashMap::default();
        // Made once for the life of the program.
        let mut keep = |s: String| -> &'static str {
            if let Some(&k) = kept.get(&s) {
                return k;
            }
            let k: &'static str = Box::leak(s.clone().into_boxed_str());
            kept.insert(s, k);
            k
        };
        let text = keep("text".to_string());
        let mut by_field = HashMap::default();
        for f in crate::dissect::FIELD_LISTS.iter().flat_map(|l| l.iter()) {
            by_field.insert(*f as *const FieldDef as usize, (keep(make_name(f, false)), keep(make_name(f, true))));
        }
        Names { by_field, text }
    })
}

/// Whether two names are the same: at once for two kept ones (`names`).
fn same_name(a: &Cow<'static, str>, b: &Cow<'static, str>) -> bool {
    match (a, b) {
        (Cow::Borrowed(a), Cow::Borrowed(b)) => std::ptr::eq(*a, *b),
        _ => a == b,
    }
}

fn make_name(f: &FieldDef, top: bool) -> String {
    let name = if top {
        f.name.to_string()
    } else {
        // Wireshark's expert fields belong to the `_ws.expert` protocol.
        let parent = if f.name.starts_with("_ws.expert.") { "_ws.expert" } else { f.protocol() };
        format!("{parent}_{}", f.name)
    };
    name.replace('.', "_")
}

/// A protocol's object: its items below it, flattened and grouped by name.
fn object(d: &Dissection, frame: &[u8], id: NodeId, out: &mut String, scratch: &mut String) {
    let mut items = Vec::new();
    gather(d, id, None, &mut items);
    let names: Vec<Cow<'static, str>> = items.iter().map(|&(item, _)| ek_name(d, item, false)).collect();
    let own = ek_name(d, id, false);
    let parent_name = |parent: Option<usize>| parent.map_or(&own, |p| &names[p]);
    // Groups by (name, parent's name), in the order each first appears: the
    // first item's place in `items`, and the group's items.
    let mut groups: Vec<(usize, Vec<NodeId>)> = Vec::new();
    for (i, &(item, parent)) in items.iter().enumerate() {
        let found = groups.iter_mut().find(|(first, _)| {
            same_name(&names[*first], &names[i]) && same_name(parent_name(items[*first].1), parent_name(parent))
        });
        match found {
            Some(g) => g.1.push(item),
            None => groups.push((i, vec![item])),
        }
    }
    out.push('{');
    for (i, (first, ids)) in groups.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        key(&names[*first], out);
        if ids.len() > 1 {
            out.push('[');
        }
        for (j, &item) in ids.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            value(d, frame, item, out, scratch);
        }
        if ids.len() > 1 {
            out.push(']');
        }
    }
    out.push('}');
}

/// The items below `id` with their parents' places in `out` (None: the
/// protocol whose object this is), in tree order: a protocol's items are
/// its own object, not part of this one.
fn gather(d: &Dissection, id: NodeId, at: Option<usize>, out: &mut Vec<(NodeId, Option<usize>)>) {
    for c in d.tree.children(id) {
        out.push((c, at));
        let n = &d.tree.nodes[c];
        if n.field.ftype != FieldType::Protocol {
            gather(d, c, Some(out.len() - 1), out);
        }
    }
}

fn value(d: &Dissection, frame: &[u8], id: NodeId, out: &mut String, scratch: &mut String) {
    let n = &d.tree.nodes[id];
    let bytes = d.node_bytes(frame, id);
    if n.field.name.is_empty() {
        let whole = d.tree.label(id, bytes);
        let label = match whole.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            Some(inner) if n.generated() => inner,
            _ => &whole,
        };
        return string(label, out);
    }
    match (n.field.ftype, &n.value) {
        (FieldType::Protocol, _) if d.tree.children(id).next().is_some() => object(d, frame, id, out, scratch),
        (FieldType::Protocol, _) => string(&d.tree.label(id, bytes), out),
        (FieldType::None, _) => out.push_str("null"),
        (FieldType::Bool, v) => out.push_str(if v.as_u64().unwrap_or(0) != 0 { "true" } else { "false" }),
        (FieldType::AbsTime, Value::AbsTime(t)) => {
            let (y, mo, day, h, mi, s) = civil(t.secs);
            let _ = write!(out, "\"{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{s:02}.{:09}Z\"", t.nanos);
        }
        _ => {
            scratch.clear();
            json_value(n.field, &n.value, bytes, scratch);
            string(scratch, out);
        }
    }
}

fn string(s: &str, out: &mut String) {
    out.push('"');
    escape(s, out);
    out.push('"');
}
