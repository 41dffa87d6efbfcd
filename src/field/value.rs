use std::net::{Ipv4Addr, Ipv6Addr};

/// A capture timestamp: seconds since the epoch and nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub secs: i64,
    pub nanos: u32,
}

impl Timestamp {
    pub fn as_nanos(self) -> i128 {
        self.secs as i128 * 1_000_000_000 + self.nanos as i128
    }

    /// `self - earlier`, in nanoseconds.
    pub fn since(self, earlier: Timestamp) -> i64 {
        (self.as_nanos() - earlier.as_nanos()) as i64
    }
}

/// The value of one tree item.
///
/// Byte-valued fields (`FieldType::Bytes`, `Protocol`) usually carry
/// `Value::None`: their value is the item's own byte range, read from the
/// packet when needed, so dissection allocates nothing for them.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    UInt(u64),
    Int(i64),
    Double(f64),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    Ether([u8; 6]),
    Bytes(Box<[u8]>),
    Str(Box<str>),
    AbsTime(Timestamp),
    /// Nanoseconds.
    RelTime(i64),
    FrameNum(u32),
}

impl Value {
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::UInt(v) => Some(*v),
            Value::FrameNum(v) => Some(*v as u64),
            Value::Bool(b) => Some(*b as u64),
            Value::Int(v) if *v >= 0 => Some(*v as u64),
            _ => None,
        }
    }

    pub fn str(s: impl Into<Box<str>>) -> Value {
        Value::Str(s.into())
    }
}
