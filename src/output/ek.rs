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

use super::json::{escape, quoted_value, string};
use super::timefmt::local_date;

/// One packet's two lines.
pub fn ek_packet(meta: &FrameMeta, d: &Dissection, frame: &[u8], out: &mut String) {
    out.push_str("{\"index\":{\"_index\":\"packets-");
    local_date(meta.ts.secs, out);
    out.push_str("\",\"_type\":\"doc\"}}\n");
    let _ = write!(out, "{{\"timestamp\":\"{}{:03}\",\"layers\":{{", meta.ts.secs, meta.ts.nanos / 1_000_000);
    // Layers of one name (two QUIC packets in a datagram) are one array,
    // at the first one's place.
    let roots: Vec<NodeId> = (0..d.tree.nodes.len()).filter(|&i| d.tree.nodes[i].depth == 0).collect();
    let same_layer = |a: NodeId, b: NodeId| std::ptr::eq(d.tree.nodes[a].field, d.tree.nodes[b].field);
    let mut first = true;
    for (k, &id) in roots.iter().enumerate() {
        if roots[..k].iter().any(|&e| same_layer(e, id)) {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        key(&ek_name(d, id, true), out);
        let group: Vec<NodeId> = roots[k..].iter().copied().filter(|&o| same_layer(o, id)).collect();
        if group.len() > 1 {
            out.push('[');
        }
        for (n, &o) in group.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            object(d, frame, o, out);
        }
        if group.len() > 1 {
            out.push(']');
        }
    }
    out.push_str("}}\n");
}

/// A name as a key. Kept names (`names`) were escaped once, when kept.
fn key(name: &Cow<'static, str>, out: &mut String) {
    out.push('"');
    match name {
        Cow::Borrowed(kept) => out.push_str(kept),
        Cow::Owned(name) => escape(name, out),
    }
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
    let top = top || f.listed_as_protocol();
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
            let mut escaped = String::new();
            escape(&s, &mut escaped);
            let k: &'static str = Box::leak(escaped.into_boxed_str());
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

/// A name's identity for grouping: a kept name's address (`names` keeps
/// each name once), else its place among `owned`, counted down from the top.
fn name_id(name: &Cow<'static, str>, owned: &mut Vec<String>) -> usize {
    match name {
        Cow::Borrowed(kept) => kept.as_ptr() as usize,
        Cow::Owned(name) => {
            let at = owned.iter().position(|o| o == name).unwrap_or_else(|| {
                owned.push(name.clone());
                owned.len() - 1
            });
            usize::MAX - at
        }
    }
}

fn make_name(f: &FieldDef, top: bool) -> String {
    let name = if top {
        f.name.to_string()
    } else {
        // Wireshark's own fields belong to its `_ws.` protocols
        // (`_ws.expert.message` to `_ws.expert`, `_ws.malformed.expert` to
        // `_ws.malformed`), not to one named `_ws`.
        let ws = f.name.strip_prefix("_ws.").and_then(|rest| rest.find('.')).map(|dot| &f.name[..4 + dot]);
        let parent = ws.unwrap_or(f.protocol());
        format!("{parent}_{}", f.name)
    };
    name.replace('.', "_")
}

/// Where one protocol's object is gathered, kept from object to object
/// (and packet to packet) so that a packet's hundreds of items take no
/// allocation; objects nest (a protocol among another's items), hence a pool.
#[derive(Default)]
struct Room {
    /// The items with their parents' places (see `gather`).
    items: Vec<(NodeId, Option<usize>)>,
    names: Vec<Cow<'static, str>>,
    /// Each group (name, parent's name) by the names' ids, to its place in `groups`.
    by_names: HashMap<(usize, usize), usize>,
    /// Each group's first and last items' places in `items`, in order of first appearance.
    groups: Vec<(usize, usize)>,
    /// The next item of the same group, per item (`usize::MAX`: the last).
    next: Vec<usize>,
    owned: Vec<String>,
    /// A value's text before its escapes.
    text: String,
}

thread_local! {
    static ROOMS: std::cell::RefCell<Vec<Room>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A protocol's object: its items below it, flattened and grouped by name
/// and parent's name, each group at its first item's place.
fn object(d: &Dissection, frame: &[u8], id: NodeId, out: &mut String) {
    let mut r = ROOMS.with(|rooms| rooms.borrow_mut().pop()).unwrap_or_default();
    r.items.clear();
    r.names.clear();
    r.by_names.clear();
    r.groups.clear();
    r.next.clear();
    r.owned.clear();
    gather(d, id, None, &mut r.items);
    r.names.extend(r.items.iter().map(|&(item, _)| ek_name(d, item, false)));
    let own = name_id(&ek_name(d, id, false), &mut r.owned);
    for i in 0..r.items.len() {
        let name = name_id(&r.names[i], &mut r.owned);
        let parent = match r.items[i].1 {
            Some(p) => name_id(&r.names[p], &mut r.owned),
            None => own,
        };
        r.next.push(usize::MAX);
        let fresh = r.groups.len();
        let g = *r.by_names.entry((name, parent)).or_insert(fresh);
        if g == fresh {
            r.groups.push((i, i));
        } else {
            let last = r.groups[g].1;
            r.next[last] = i;
            r.groups[g].1 = i;
        }
    }
    out.push('{');
    for (n, &(first, last)) in r.groups.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        key(&r.names[first], out);
        let many = first != last;
        if many {
            out.push('[');
        }
        let mut i = first;
        while let Some(&(item, _)) = r.items.get(i) {
            if i != first {
                out.push(',');
            }
            value(d, frame, item, out, &mut r.text);
            i = r.next[i];
        }
        if many {
            out.push(']');
        }
    }
    out.push('}');
    ROOMS.with(|rooms| rooms.borrow_mut().push(r));
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
        (FieldType::Protocol, _) if d.tree.children(id).next().is_some() => object(d, frame, id, out),
        (FieldType::Protocol, _) => string(&d.tree.label(id, bytes), out),
        (FieldType::None, _) => out.push_str("null"),
        (FieldType::Bool, v) => out.push_str(if v.as_u64().unwrap_or(0) != 0 { "true" } else { "false" }),
        (FieldType::AbsTime, Value::AbsTime(t)) => {
            let (y, mo, day, h, mi, s) = civil(t.secs);
            let _ = write!(out, "\"{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{s:02}.{:09}Z\"", t.nanos);
        }
        _ => quoted_value(n.field, &n.value, bytes, out, scratch),
    }
}

