//! The table of named address blocks: vendors' prefixes (24-bit MA-L,
//! 28-bit MA-M, 36-bit MA-S and IAB) and well-known groups.
//!
//! Where Wireshark's own `manuf` and `wka` files are installed (tshark
//! 4.0 reads them from its data directory), they are read, so that names
//! are tshark's on the machine that has tshark, hand-made entries and all;
//! the files are only read, never shipped (they are GPL-2.0). Otherwise the
//! bundled `oui.tsv`, generated from the IEEE's public listings, is used.

use std::collections::HashMap;

/// A block's short name (the column's `IntelCor_12:34:56`) and whole name
/// (`eth.src.oui_resolved`).
#[derive(Clone, Debug, PartialEq)]
pub struct Names {
    pub short: String,
    pub long: String,
}

/// The blocks whose prefix has the same number of bits, sorted by prefix.
struct Group {
    bits: u32,
    /// Written with an explicit `/bits` mask: its name is followed by the
    /// address's remaining bytes without their leading zero bytes
    /// (`IPv4mcast_01:16`), where a plain 24-bit vendor prefix keeps all
    /// three (`Cisco_00:00:01`).
    masked: bool,
    blocks: Vec<(u64, Names)>,
}

pub struct Table {
    /// Longest prefixes first: the more specific name wins, as in
    /// Wireshark (exact addresses, then masks down to 25 bits, vendors,
    /// shorter masks).
    groups: Vec<Group>,
}

/// The address in the low 48 bits of a u64, cut to its first `bits` bits.
fn prefix_of(m: &[u8; 6], bits: u32) -> u64 {
    let a = u64::from_be_bytes([0, 0, m[0], m[1], m[2], m[3], m[4], m[5]]);
    a & !((1u64 << (48 - bits)) - 1)
}

/// Names that hold whatever table is read: the broadcast address, the two
/// multicast groups every capture carries, and the all-zero block, which
/// Wireshark names by its number and describes in its own words because
/// an unset address is more common there than Xerox.
const BUILT_IN: &[(&str, &str, &str)] = &[
    ("FF:FF:FF:FF:FF:FF", "Broadcast", ""),
    ("01:00:5E/25", "IPv4mcast", ""),
    ("33:33/16", "IPv6mcast", ""),
    ("00:00:00", "00:00:00", "Officially Xerox, but 0:0:0:0:0:0 is more common"),
];

/// A `manuf` or `wka` address: hex bytes separated by `:`, `-` or `.`,
/// and an optional `/bits`; without it the bytes' length gives the bits.
/// Returns (bits, prefix, masked).
fn parse_block(s: &str) -> Option<(u32, u64, bool)> {
    let (addr, mask) = match s.split_once('/') {
        Some((a, m)) => (a, Some(m.parse::<u32>().ok()?)),
        None => (s, None),
    };
    let mut m = [0u8; 6];
    let mut n = 0;
    for part in addr.split([':', '-', '.']) {
        *m.get_mut(n)? = u8::from_str_radix(part, 16).ok()?;
        n += 1;
    }
    let bits = mask.unwrap_or(n as u32 * 8);
    if n == 0 || !(1..=48).contains(&bits) {
        return None;
    }
    Some((bits, prefix_of(&m, bits), mask.is_some()))
}

impl Table {
    fn build(entries: impl IntoIterator<Item = (u32, u64, bool, Names)>) -> Table {
        let mut by: HashMap<(u32, bool), HashMap<u64, Names>> = HashMap::new();
        for (bits, prefix, masked, names) in BUILT_IN
            .iter()
            .filter_map(|(a, s, l)| {
                let (bits, prefix, masked) = parse_block(a)?;
                let long = if l.is_empty() { s } else { l };
                Some((bits, prefix, masked, Names { short: s.to_string(), long: long.to_string() }))
            })
            .chain(entries)
        {
            by.entry((bits, masked)).or_default().insert(prefix, names);
        }
        let mut groups: Vec<Group> = by
            .into_iter()
            .map(|((bits, masked), blocks)| {
                let mut blocks: Vec<(u64, Names)> = blocks.into_iter().collect();
                blocks.sort_by_key(|b| b.0);
                Group { bits, masked, blocks }
            })
            .collect();
        groups.sort_by_key(|g| (std::cmp::Reverse(g.bits), g.masked));
        Table { groups }
    }

    /// The bundled table: `prefix<TAB>short<TAB>whole` per line, the prefix
    /// in hex of 6, 7 or 9 digits (24, 28 or 36 bits; the longer ones are
    /// masked blocks of a registration authority's 24-bit prefix).
    pub fn bundled(text: &str) -> Table {
        Table::build(text.lines().filter_map(|l| {
            let mut cols = l.split('\t');
            let (hex, short) = (cols.next()?, cols.next()?);
            let long = cols.next().unwrap_or(short);
            let bits = Some(hex.len() as u32 * 4).filter(|b| (1..=48).contains(b))?;
            let prefix = u64::from_str_radix(hex, 16).ok()? << (48 - bits);
            Some((bits, prefix, bits != 24, Names { short: short.into(), long: long.into() }))
        }))
    }

    /// Wireshark's `manuf` and `wka` files: `address[/bits]<TAB>short[<TAB>whole]`,
    /// `#` starting a comment, as its `parse_ether_line` reads them.
    pub fn wireshark(files: &[&str]) -> Table {
        Table::build(files.iter().flat_map(|text| text.lines()).filter_map(|l| {
            let l = l.split('#').next().unwrap_or_default();
            let (addr, rest) = l.trim_start().split_once([' ', '\t'])?;
            let mut names = rest.trim_start_matches([' ', '\t']).split('\t').map(str::trim).filter(|s| !s.is_empty());
            let short = names.next()?;
            let long = names.next().unwrap_or(short);
            let (bits, prefix, masked) = parse_block(addr)?;
            Some((bits, prefix, masked, Names { short: short.into(), long: long.into() }))
        }))
    }

    fn find(&self, m: &[u8; 6]) -> Option<(&Group, &Names)> {
        self.groups.iter().find_map(|g| {
            let p = prefix_of(m, g.bits);
            let i = g.blocks.binary_search_by_key(&p, |b| b.0).ok()?;
            Some((g, &g.blocks[i].1))
        })
    }

    /// The address's name as Wireshark builds it: the block's short name,
    /// then `_` and the bytes the prefix does not cover.
    pub fn name(&self, m: &[u8; 6]) -> Option<String> {
        let (g, names) = self.find(m)?;
        let mut s = names.short.clone();
        let first = (g.bits / 8) as usize;
        if first >= 6 {
            return Some(s);
        }
        let mut rest = m[first..].to_vec();
        rest[0] &= 0xff >> (g.bits % 8);
        let skip = if g.masked { rest.iter().take(rest.len() - 1).take_while(|b| **b == 0).count() } else { 0 };
        for (i, b) in rest[skip..].iter().enumerate() {
            s.push(if i == 0 { '_' } else { ':' });
            s.push_str(&format!("{b:02x}"));
        }
        Some(s)
    }

    /// The whole name of a plain 24-bit vendor prefix.
    pub fn vendor(&self, prefix: u32) -> Option<&str> {
        let g = self.groups.iter().find(|g| g.bits == 24 && !g.masked)?;
        let p = u64::from(prefix & 0xff_ffff) << 24;
        g.blocks.binary_search_by_key(&p, |b| b.0).ok().map(|i| g.blocks[i].1.long.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANUF: &str = "# a comment\n\
        00:00:0C\tCisco\tCisco Systems, Inc\n\
        00:00:13\tCamex\n\
        00:E0:18\tAsustekI\tAsustek\t# Intel 82558-based\n\
        00:1B:C5\tIEEERegi\tIEEE Registration Authority\n\
        00:1B:C5:00:00:00/36\tConvergi\tConverging Systems Inc.\n\
        00:55:DA:10:00:00/28\tKoolPOS\tKoolPOS Inc.\n";
    const WKA: &str = "01-80-C2-00-00-00/44\tSpanning-tree-(for-bridges)\n\
        01-80-C2-00-00-0E\tLLDP_Multicast\n\
        00-BF-00-00-00-00/16\tMS-NLB-VirtServer\n\
        AA-00-03-00-00-00/32\tDEC-UNA\n";

    /// Every expected name is tshark 4.0's for the same address with the
    /// same files.
    #[test]
    fn names_follow_wiresharks_files_and_masks() {
        let t = Table::wireshark(&[MANUF, WKA]);
        let name = |hex: &str| {
            let v = u64::from_str_radix(hex, 16).unwrap().to_be_bytes();
            t.name(&[v[2], v[3], v[4], v[5], v[6], v[7]]).unwrap_or_default()
        };
        assert_eq!(name("00000c123456"), "Cisco_12:34:56");
        assert_eq!(name("00000c0000ff"), "Cisco_00:00:ff");
        assert_eq!(name("000013aabbcc"), "Camex_aa:bb:cc");
        assert_eq!(name("001bc5000123"), "Convergi_01:23");
        assert_eq!(name("001bc5000005"), "Convergi_05");
        assert_eq!(name("001bc5123456"), "IEEERegi_12:34:56");
        assert_eq!(name("0055da1abcde"), "KoolPOS_0a:bc:de");
        assert_eq!(name("0055da100000"), "KoolPOS_00");
        assert_eq!(name("0180c2000000"), "Spanning-tree-(for-bridges)_00");
        assert_eq!(name("0180c200000e"), "LLDP_Multicast");
        assert_eq!(name("00bf01020304"), "MS-NLB-VirtServer_01:02:03:04");
        assert_eq!(name("aa0003000005"), "DEC-UNA_05");
        assert_eq!(name("01005e000016"), "IPv4mcast_16");
        assert_eq!(name("01005e000116"), "IPv4mcast_01:16");
        assert_eq!(name("01005e7ffffa"), "IPv4mcast_7f:ff:fa");
        assert_eq!(name("333300010000"), "IPv6mcast_01:00:00");
        assert_eq!(name("ffffffffffff"), "Broadcast");
        assert_eq!(name("0000000000fe"), "00:00:00_00:00:fe");
        assert_eq!(name("020000000001"), "");
        assert_eq!(t.vendor(0x00e018), Some("Asustek"));
        assert_eq!(t.vendor(0x000013), Some("Camex"));
        assert_eq!(t.vendor(0x001bc5), Some("IEEE Registration Authority"));
        assert_eq!(t.vendor(0), Some("Officially Xerox, but 0:0:0:0:0:0 is more common"));
    }

    #[test]
    fn bundled_rows_give_masked_blocks_by_their_length() {
        let t = Table::bundled("001BC5\tIEEERegi\tIEEE Registration Authority\n001BC5000\tConvergi\tConverging Systems\n0055DA1\tKoolPOS\tKoolPOS Inc.\n");
        assert_eq!(t.name(&[0, 0x1b, 0xc5, 0, 1, 0x23]).as_deref(), Some("Convergi_01:23"));
        assert_eq!(t.name(&[0, 0x55, 0xda, 0x1a, 0xbc, 0xde]).as_deref(), Some("KoolPOS_0a:bc:de"));
        assert_eq!(t.vendor(0x001bc5), Some("IEEE Registration Authority"));
        assert_eq!(t.vendor(0x0055da), None);
    }

    #[test]
    fn bad_lines_are_skipped() {
        let t = Table::wireshark(&["zz:00:0C\tX\n00:00:0C/99\tY\n00:00:0C:00:00:00:00\tZ\n\t\n00:00:0C\n"]);
        assert_eq!(t.name(&[0, 0, 0x0c, 0, 0, 1]), None);
    }
}
