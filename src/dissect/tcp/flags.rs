//! TCP header flag bits: the low 12 bits of the data-offset/flags word,
//! named once for the dissector, the sequence analysis and the ladder.

pub const FIN: u16 = 0x001;
pub const SYN: u16 = 0x002;
pub const RST: u16 = 0x004;
pub const PSH: u16 = 0x008;
pub const ACK: u16 = 0x010;
pub const URG: u16 = 0x020;
pub const ECE: u16 = 0x040;
pub const CWR: u16 = 0x080;
/// Accurate ECN (formerly the ECN nonce, NS).
pub const AE: u16 = 0x100;
/// The three reserved bits.
pub const RESERVED: u16 = 0xe00;
/// Every bit of the flags word.
pub const ALL: u16 = 0xfff;
