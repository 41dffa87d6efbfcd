//! Whether a compiled filter can run on stored records instead of a
//! dissection: on brief records (`crate::store::brief`) when it reads only
//! brief fields, and only their values, not their bytes; on brief records
//! and columns (`crate::store::columns`) when every value it reads is an
//! item's value (not a protocol's bytes, not an item's length or layer);
//! on a tree that keeps only its own fields' items (`Depth::Recorded`)
//! when it reads no protocol's bytes.

use super::eval::{Prog, Src, Step};
use super::values::Val;
use crate::field::{self, Field, FieldType};

/// Which records a filter may read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Records {
    Brief,
    /// Brief records and columns.
    Columns,
    /// The items of its fields, with their byte ranges and layers, and no
    /// other item.
    Nodes,
}

/// The fields a filter reads, when `records` hold all it needs.
pub fn fields(p: &Prog, records: Records) -> Option<Vec<Field>> {
    let mut out = Vec::new();
    prog(p, records, &mut out).then_some(out)
}

fn prog(p: &Prog, r: Records, out: &mut Vec<Field>) -> bool {
    match p {
        Prog::Or(a, b) | Prog::Xor(a, b) | Prog::And(a, b) => prog(a, r, out) && prog(b, r, out),
        Prog::Not(a) => prog(a, r, out),
        Prog::Exists(s) => s.steps.is_empty() && src(s, true, r, out),
        Prog::NonZero(v) => val(v, r, out),
        Prog::Cmp(l, _, _, v) => val(l, r, out) && val(v, r, out),
        Prog::In(l, _, _) | Prog::Matches(l, _, _) => val(l, r, out),
    }
}

fn val(v: &Val, r: Records, out: &mut Vec<Field>) -> bool {
    match v {
        Val::Src(s) => src(s, false, r, out),
        // Counting reads no values.
        Val::Count(s) => s.steps.is_empty() && src(s, true, r, out),
        Val::Const(_) | Val::Ref => true,
        Val::Arith(_, a, b) => val(a, r, out) && val(b, r, out),
        Val::Neg(a) | Val::Abs(a) => val(a, r, out),
        Val::Extreme(_, args) => args.iter().all(|a| val(a, r, out)),
    }
}

/// `presence`: only whether the field occurs is read. A protocol's value is
/// its bytes, that of a text-only item its bytes too, and `len()` of a
/// number is its item's length: none of them are in the records, whose
/// items have no byte ranges. Slices of a value and `len()` of text or bytes
/// read the value itself. Layers (`ip.src#2`) need the protocol's items in
/// the same records: brief ones only.
fn src(s: &Src, presence: bool, r: Records, out: &mut Vec<Field>) -> bool {
    let ftype = s.field.ftype;
    let layer = s.layers.as_ref().map(|(proto, _)| *proto);
    let ok = match r {
        Records::Brief => {
            let steps_ok = s.steps.iter().all(|st| matches!(st, Step::Lower | Step::Upper | Step::String));
            s.field.brief && (presence || ftype != FieldType::Protocol) && steps_ok && layer.is_none_or(|p| p.brief)
        }
        Records::Columns => {
            let valued = !matches!(ftype, FieldType::Protocol | FieldType::None);
            let sized = matches!(ftype, FieldType::String | FieldType::Bytes);
            let steps_ok = s.steps.iter().all(|st| !matches!(st, Step::Len) || sized);
            let layer_ok = layer.is_none_or(|p| p.brief && s.field.brief);
            // A brief field comes from the brief records; of the others, one
            // that depends on the packets displayed has no column.
            (s.field.brief || !s.field.capture_wide) && (presence || valued) && steps_ok && layer_ok
        }
        // A protocol's value runs to the end of its layer's last item,
        // which may be any field's; its length is its own item's.
        Records::Nodes => presence || ftype != FieldType::Protocol || matches!(s.steps.first(), Some(Step::Len)),
    };
    if !ok {
        return false;
    }
    for f in std::iter::once(s.field).chain(layer) {
        if !out.iter().any(|g| field::same(g, f)) {
            out.push(f);
        }
    }
    true
}
