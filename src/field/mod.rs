//! The field registry: every named item a dissector can put in the tree.
//!
//! As in Wireshark, a field is declared once (filter name, display name, type,
//! base, bit mask, value strings) and everything else — the detail tree, the
//! `-T fields` output, the display filter vocabulary and `--list-fields` — is
//! derived from the items dissectors emit. Each protocol module declares its
//! own `static` fields and a `FIELDS` list; `dissect::FIELD_LISTS` gathers the
//! lists. A field's identity is its address, so lookups never hash strings
//! on the hot path.

mod format;
mod value;
pub mod tree;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use format::{
    base64, civil, decimal_digits, duration, ether, format_label, format_value, hex_bytes, plural, push_hex, push_ipv4, push_u64,
    push_u64_zeros,
};
pub use value::{Timestamp, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// A protocol layer (`tcp`, `dns`); its value is the layer's bytes.
    Protocol,
    /// A text-only item with no value (labels, expert notes).
    None,
    Bool,
    U8,
    U16,
    U24,
    U32,
    U64,
    I32,
    Double,
    Ipv4,
    Ipv6,
    Ether,
    Bytes,
    String,
    AbsTime,
    RelTime,
    FrameNum,
}

impl FieldType {
    /// Wireshark's type name, as `tshark -G fields` prints it.
    pub fn ws_name(self) -> &'static str {
        match self {
            FieldType::Protocol => "FT_PROTOCOL",
            FieldType::None => "FT_NONE",
            FieldType::Bool => "FT_BOOLEAN",
            FieldType::U8 => "FT_UINT8",
            FieldType::U16 => "FT_UINT16",
            FieldType::U24 => "FT_UINT24",
            FieldType::U32 => "FT_UINT32",
            FieldType::U64 => "FT_UINT64",
            FieldType::I32 => "FT_INT32",
            FieldType::Double => "FT_DOUBLE",
            FieldType::Ipv4 => "FT_IPv4",
            FieldType::Ipv6 => "FT_IPv6",
            FieldType::Ether => "FT_ETHER",
            FieldType::Bytes => "FT_BYTES",
            FieldType::String => "FT_STRING",
            FieldType::AbsTime => "FT_ABSOLUTE_TIME",
            FieldType::RelTime => "FT_RELATIVE_TIME",
            FieldType::FrameNum => "FT_FRAMENUM",
        }
    }

    /// Width in hex digits used when a field of this type is shown in hex.
    pub fn hex_width(self) -> usize {
        match self {
            FieldType::U8 => 2,
            FieldType::U16 => 4,
            FieldType::U24 => 6,
            FieldType::U32 | FieldType::I32 => 8,
            FieldType::U64 => 16,
            _ => 0,
        }
    }

    pub fn is_integer(self) -> bool {
        matches!(
            self,
            FieldType::U8
                | FieldType::U16
                | FieldType::U24
                | FieldType::U32
                | FieldType::U64
                | FieldType::I32
                | FieldType::FrameNum
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    None,
    Dec,
    Hex,
    /// Decimal, then hex in parentheses in the tree.
    DecHex,
    /// Hex, then decimal in parentheses in the tree.
    HexDec,
    /// A 24-bit organizationally unique identifier: decimal as a value,
    /// `aa:bb:cc (vendor)` in the tree.
    Oui,
}

pub type ValueStrings = &'static [(u64, &'static str)];

#[derive(Debug)]
pub struct FieldDef {
    /// Filter name, e.g. `tcp.srcport`.
    pub name: &'static str,
    /// Display name, e.g. `Source Port`.
    pub display: &'static str,
    pub ftype: FieldType,
    pub base: Base,
    /// Bits of the containing word this field occupies (0: the whole value).
    pub mask: u64,
    /// Width in bits of the word a masked boolean lives in (0: derive it).
    pub bits: u8,
    /// Names for values (`eth.type` 0x0800 → IPv4), or the true/false words of
    /// a boolean at indices 1 and 0.
    pub strings: Option<ValueStrings>,
    /// One factual sentence on what the field is (its unit, encoding, RFC
    /// section), as Wireshark's blurb: `--list-fields`, `-G fields` and the
    /// inspector's `i` panel show it.
    pub desc: &'static str,
    /// Kept in each packet's brief record at load time (see `brief`), so
    /// that filters reading only such fields run without re-dissection.
    pub brief: bool,
    /// Numbered across the whole capture (`tcp.stream`), so its value
    /// depends on every conversation before it, not on its own alone.
    pub capture_wide: bool,
    /// A protocol in name only (Wireshark's `proto_register_protocol_in_name_only`
    /// with FT_BYTES, as TCP's and IPv4's options are): listed and named as a
    /// protocol (`-G fields`, `-T ek`'s `tcp_options_mss`), labelled by its
    /// name alone, but valued by its bytes in every output and filter.
    pub in_name_only: bool,
}

pub type Field = &'static FieldDef;

impl FieldDef {
    pub const fn new(name: &'static str, display: &'static str, ftype: FieldType) -> FieldDef {
        let base = match ftype {
            FieldType::U8
            | FieldType::U16
            | FieldType::U24
            | FieldType::U32
            | FieldType::U64
            | FieldType::I32 => Base::Dec,
            _ => Base::None,
        };
        FieldDef {
            name,
            display,
            ftype,
            base,
            mask: 0,
            bits: 0,
            strings: None,
            desc: "",
            brief: false,
            capture_wide: false,
            in_name_only: false,
        }
    }
    /// Shorthands for the commonest types.
    pub const fn u8(name: &'static str, display: &'static str) -> FieldDef {
        FieldDef::new(name, display, FieldType::U8)
    }
    pub const fn u16(name: &'static str, display: &'static str) -> FieldDef {
        FieldDef::new(name, display, FieldType::U16)
    }
    pub const fn u24(name: &'static str, display: &'static str) -> FieldDef {
        FieldDef::new(name, display, FieldType::U24)
    }
    pub const fn u32(name: &'static str, display: &'static str) -> FieldDef {
        FieldDef::new(name, display, FieldType::U32)
    }
    pub const fn bytes(name: &'static str, display: &'static str) -> FieldDef {
        FieldDef::new(name, display, FieldType::Bytes)
    }
    pub const fn string(name: &'static str, display: &'static str) -> FieldDef {
        FieldDef::new(name, display, FieldType::String)
    }
    pub const fn none(name: &'static str, display: &'static str) -> FieldDef {
        FieldDef::new(name, display, FieldType::None)
    }
    pub const fn base(mut self, base: Base) -> FieldDef {
        self.base = base;
        self
    }
    pub const fn mask(mut self, mask: u64) -> FieldDef {
        self.mask = mask;
        self
    }
    /// A boolean bit in a word of `bits` bits (TCP's flags live in 12).
    pub const fn bit(mut self, bits: u8, mask: u64) -> FieldDef {
        self.bits = bits;
        self.mask = mask;
        self
    }
    pub const fn strings(mut self, strings: ValueStrings) -> FieldDef {
        self.strings = Some(strings);
        self
    }
    pub const fn desc(mut self, desc: &'static str) -> FieldDef {
        self.desc = desc;
        self
    }
    pub const fn brief(mut self) -> FieldDef {
        self.brief = true;
        self
    }
    pub const fn capture_wide(mut self) -> FieldDef {
        self.capture_wide = true;
        self
    }
    /// A protocol in name only, valued by its bytes (see `in_name_only`).
    pub const fn protocol_bytes(name: &'static str, display: &'static str) -> FieldDef {
        let mut f = FieldDef::new(name, display, FieldType::Bytes);
        f.in_name_only = true;
        f
    }
    /// Listed as a protocol: a layer, or a protocol in name only.
    pub fn listed_as_protocol(&self) -> bool {
        self.ftype == FieldType::Protocol || self.in_name_only
    }

    /// The protocol this field belongs to: the text before the first dot.
    pub fn protocol(&self) -> &'static str {
        match self.name.find('.') {
            Some(i) => &self.name[..i],
            None => self.name,
        }
    }

    pub fn value_string(&self, v: u64) -> Option<&'static str> {
        word(self.strings?, v)
    }

    /// The value a word of `strings` names, in any case (`value_string`
    /// the other way round), as a filter reads `_ws.expert.severity == chat`.
    pub fn value_named(&self, word: &str) -> Option<u64> {
        self.strings?.iter().find(|(_, s)| s.eq_ignore_ascii_case(word)).map(|(k, _)| *k)
    }
}

/// The word `strings` gives value `v`.
pub fn word(strings: ValueStrings, v: u64) -> Option<&'static str> {
    strings.iter().find(|(k, _)| *k == v).map(|(_, s)| *s)
}

/// Wireshark's checksum statuses (`*.checksum.status`, `eth.fcs.status`).
pub const CHECKSUM_STATUSES: ValueStrings =
    &[(0, "Bad"), (1, "Good"), (2, "Unverified"), (3, "Not present"), (4, "Illegal")];

/// Common true/false words of Wireshark's booleans.
pub const SET_NOTSET: ValueStrings = &[(1, "Set"), (0, "Not set")];
pub const YES_NO: ValueStrings = &[(1, "Yes"), (0, "No")];
pub const TRUE_FALSE: ValueStrings = &[(1, "True"), (0, "False")];

/// A field that carries only text (tree labels with no filterable value).
pub static TEXT: FieldDef = FieldDef::new("", "", FieldType::None);

struct Registry {
    all: Vec<Field>,
    by_name: HashMap<&'static str, Field>,
}

fn registry() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(|| {
        let mut all: Vec<Field> = Vec::new();
        let mut by_name = HashMap::new();
        for list in crate::dissect::FIELD_LISTS {
            for f in list.iter() {
                // Some fields are declared by two modules on purpose (the same
                // name registered twice in Wireshark); the first one wins.
                if by_name.insert(f.name, *f).is_none() {
                    all.push(*f);
                }
            }
        }
        Registry { all, by_name }
    })
}

/// Every registered field and protocol, in registration order.
pub fn all() -> &'static [Field] {
    &registry().all
}

pub fn lookup(name: &str) -> Option<Field> {
    registry().by_name.get(name).copied()
}

pub fn same(a: Field, b: Field) -> bool {
    std::ptr::eq(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_names_are_unique_and_wireshark_shaped() {
        let mut seen = std::collections::HashSet::new();
        for f in all() {
            assert!(seen.insert(f.name), "duplicate field {}", f.name);
            assert!(!f.name.is_empty());
            assert!(
                f.name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
                "bad field name {}",
                f.name
            );
        }
        assert!(lookup("frame.number").is_some());
    }

    /// `--list-fields`, `-G fields` and the inspector's `i` panel show each
    /// field's description, so a new field must come with one.
    #[test]
    fn every_field_and_protocol_is_described() {
        let bare: Vec<&str> = all().iter().filter(|f| f.desc.trim().is_empty()).map(|f| f.name).collect();
        assert!(bare.is_empty(), "fields without a description (add .desc(\"...\")): {bare:?}");
        for f in all() {
            assert!(f.desc.len() < 200 && !f.desc.contains('\t') && !f.desc.contains('\n'), "{}: one short line, please", f.name);
        }
    }
}
