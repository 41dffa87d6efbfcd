//! Whether a compiled filter can run on brief records (`crate::store::brief`):
//! it reads only brief fields, and only their values, not their bytes.

use super::eval::{Prog, Src, Step};
use super::values::Val;
use crate::field::{self, Field, FieldType};

/// The fields a filter reads, when brief records hold all it needs.
pub fn fields(p: &Prog) -> Option<Vec<Field>> {
    let mut out = Vec::new();
    prog(p, &mut out).then_some(out)
}

fn prog(p: &Prog, out: &mut Vec<Field>) -> bool {
    match p {
        Prog::Or(a, b) | Prog::Xor(a, b) | Prog::And(a, b) => prog(a, out) && prog(b, out),
        Prog::Not(a) => prog(a, out),
        Prog::Exists(s) => s.steps.is_empty() && src(s, true, out),
        Prog::NonZero(v) => val(v, out),
        Prog::Cmp(l, _, _, r) => val(l, out) && val(r, out),
        Prog::In(l, _, _) | Prog::Matches(l, _, _) => val(l, out),
    }
}

fn val(v: &Val, out: &mut Vec<Field>) -> bool {
    match v {
        Val::Src(s) => src(s, false, out),
        // Counting reads no values.
        Val::Count(s) => s.steps.is_empty() && src(s, true, out),
        Val::Const(_) | Val::Ref => true,
        Val::Arith(_, a, b) => val(a, out) && val(b, out),
        Val::Neg(a) | Val::Abs(a) => val(a, out),
        Val::Extreme(_, args) => args.iter().all(|a| val(a, out)),
    }
}

/// `presence`: only whether the field occurs is read. A protocol's value is
/// its bytes, and `len()` and slices read item ranges: none of them are in
/// the records.
fn src(s: &Src, presence: bool, out: &mut Vec<Field>) -> bool {
    let value_ok = presence || s.field.ftype != FieldType::Protocol;
    let steps_ok = s.steps.iter().all(|st| matches!(st, Step::Lower | Step::Upper | Step::String));
    let layer = s.layers.as_ref().map(|(proto, _)| *proto);
    if !(s.field.brief && value_ok && steps_ok && layer.is_none_or(|p| p.brief)) {
        return false;
    }
    for f in std::iter::once(s.field).chain(layer) {
        if !out.iter().any(|g| field::same(g, f)) {
            out.push(f);
        }
    }
    true
}
