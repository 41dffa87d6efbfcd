//! Linux netfilter log messages (LINKTYPE_NFLOG, 239), what `tcpdump -i
//! nflog:N` captures from an nftables or iptables `log group N` rule: a
//! small header, then type-length-value attributes (the hook, the prefix,
//! the interfaces, the packet itself). The attributes' lengths and types
//! are in the capturing host's byte order (little-endian here, as
//! Wireshark assumes); their values are big-endian.

use crate::field::{Base, Field, FieldDef, FieldType, Timestamp, Value};

use super::eth::ETHERTYPES;
use crate::dissect::{call, dispatch, net::ipv4, net::ipv6, Buf, Ctx, DResult};

pub static NFLOG: FieldDef = FieldDef::new("nflog", "Linux Netfilter NFLOG", FieldType::Protocol)
    .desc("A packet a netfilter rule logged to user space, with what the kernel knew of it");
pub static FAMILY: FieldDef = FieldDef::new("nflog.family", "Family", FieldType::U8)
    .strings(&[(0, "Unspecified"), (1, "IPv4/IPv6"), (2, "IPv4"), (3, "ARP"), (5, "Netdev"), (7, "Bridge"), (10, "IPv6"), (12, "DECNET")])
    .desc("The protocol family of the netfilter table that logged the packet");
pub static VERSION: FieldDef = FieldDef::new("nflog.version", "Version", FieldType::U8)
    .desc("The NFLOG message version, 0");
pub static RES_ID: FieldDef = FieldDef::new("nflog.res_id", "Resource id", FieldType::U16)
    .desc("The log group the rule sent the packet to");
pub static TLV: FieldDef = FieldDef::new("nflog.tlv", "TLV", FieldType::Bytes)
    .desc("One attribute of the message: a length, a type and a value");
pub static TLV_LENGTH: FieldDef = FieldDef::new("nflog.tlv_length", "Length", FieldType::U16)
    .desc("Bytes of the attribute, its length and type included, before padding to four");
pub static TLV_TYPE: FieldDef = FieldDef::new("nflog.tlv_type", "Type", FieldType::U16)
    .mask(0x7fff)
    .strings(TLV_TYPES)
    .desc("Which attribute this is (the kernel's NFULA_ numbers)");
pub static HW_PROTOCOL: FieldDef = FieldDef::new("nflog.protocol", "HW protocol", FieldType::U16)
    .base(Base::Hex)
    .strings(ETHERTYPES)
    .desc("The packet's EtherType");
pub static HOOK: FieldDef = FieldDef::new("nflog.hook", "Netfilter hook", FieldType::U8)
    .strings(&[(0, "Pre-routing"), (1, "Local in"), (2, "Forward"), (3, "Local out"), (4, "Post-routing"), (5, "Number of hooks")])
    .desc("Where in the kernel's path the packet was logged");
pub static INDEV: FieldDef = FieldDef::new("nflog.ifindex_indev", "IFINDEX_INDEV", FieldType::U32)
    .desc("The index of the interface the packet came in on");
pub static OUTDEV: FieldDef = FieldDef::new("nflog.ifindex_outdev", "IFINDEX_OUTDEV", FieldType::U32)
    .desc("The index of the interface the packet goes out on");
pub static PHYSINDEV: FieldDef = FieldDef::new("nflog.ifindex_physindev", "IFINDEX_PHYSINDEV", FieldType::U32)
    .desc("The bridge port the packet came in on");
pub static PHYSOUTDEV: FieldDef = FieldDef::new("nflog.ifindex_physoutdev", "IFINDEX_PHYSOUTDEV", FieldType::U32)
    .desc("The bridge port the packet goes out on");
pub static PREFIX: FieldDef = FieldDef::new("nflog.prefix", "Prefix", FieldType::String)
    .desc("The text the logging rule set as its prefix");
pub static UID: FieldDef = FieldDef::new("nflog.uid", "UID", FieldType::I32)
    .desc("The user id of the socket that sent the packet");
pub static GID: FieldDef = FieldDef::new("nflog.gid", "GID", FieldType::I32)
    .desc("The group id of the socket that sent the packet");
pub static TIMESTAMP: FieldDef = FieldDef::new("nflog.timestamp", "Timestamp", FieldType::AbsTime)
    .desc("When the kernel received the packet");
pub static VALUE: FieldDef = FieldDef::new("nflog.tlv_value", "Value", FieldType::Bytes)
    .desc("The value of an attribute shown as bytes");

pub static FIELDS: &[Field] = &[
    &NFLOG, &FAMILY, &VERSION, &RES_ID, &TLV, &TLV_LENGTH, &TLV_TYPE, &HW_PROTOCOL, &HOOK, &INDEV, &OUTDEV,
    &PHYSINDEV, &PHYSOUTDEV, &PREFIX, &UID, &GID, &TIMESTAMP, &VALUE,
];

static TLV_TYPES: &[(u64, &str)] = &[
    (0, "NFULA_UNSPEC"),
    (1, "NFULA_PACKET_HDR"),
    (2, "NFULA_MARK"),
    (3, "NFULA_TIMESTAMP"),
    (4, "NFULA_IFINDEX_INDEV"),
    (5, "NFULA_IFINDEX_OUTDEV"),
    (6, "NFULA_IFINDEX_PHYSINDEV"),
    (7, "NFULA_IFINDEX_PHYSOUTDEV"),
    (8, "NFULA_HWADDR"),
    (9, "NFULA_PAYLOAD"),
    (10, "NFULA_PREFIX"),
    (11, "NFULA_UID"),
    (12, "NFULA_SEQ"),
    (13, "NFULA_SEQ_GLOBAL"),
    (14, "NFULA_GID"),
    (15, "NFULA_HWTYPE"),
    (16, "NFULA_HWHEADER"),
    (17, "NFULA_HWLEN"),
];

const AF_INET: u8 = 2;
const AF_INET6: u8 = 10;

pub fn dissect(cx: &mut Ctx, b: Buf) -> DResult<()> {
    cx.enter("nflog", "NFLOG");
    cx.tree().open(&NFLOG, b.range(0, b.len()), Value::None);
    let family = cx.uint(&FAMILY, &b, 0)? as u8;
    cx.uint(&VERSION, &b, 1)?;
    cx.uint(&RES_ID, &b, 2)?;
    let mut payload = None;
    let mut at = 4;
    while at + 4 <= b.len() {
        let len = b.u16_le(at)? as usize;
        let ty = b.u16_le(at + 2)? & 0x7fff;
        if len < 4 {
            break;
        }
        let name = TLV_TYPE.value_string(ty as u64).unwrap_or("Unknown");
        let t = cx.tree();
        let id = t.open(&TLV, b.range(at, len), Value::None);
        t.set_text(id, format_args!("TLV Type: {name} ({ty}), Length: {len}"));
        t.add(&TLV_LENGTH, b.range(at, 2), Value::UInt(len as u64));
        t.add(&TLV_TYPE, b.range(at + 2, 2), Value::UInt(ty as u64));
        let (v, vlen) = (at + 4, len - 4);
        match ty {
            1 => {
                cx.uint(&HW_PROTOCOL, &b, v)?;
                cx.uint(&HOOK, &b, v + 2)?;
            }
            3 => {
                let secs = u64::from_be_bytes(b.array(v)?);
                let usecs = u64::from_be_bytes(b.array(v + 8)?);
                let ts = Timestamp { secs: secs as i64, nanos: (usecs.min(999_999) * 1000) as u32 };
                cx.tree().add(&TIMESTAMP, b.range(v, 16), Value::AbsTime(ts));
            }
            4..=7 => {
                let f = [&INDEV, &OUTDEV, &PHYSINDEV, &PHYSOUTDEV][ty as usize - 4];
                cx.uint(f, &b, v)?;
            }
            9 => payload = Some(b.sub(v, vlen)?),
            10 => {
                // A NUL-terminated string.
                let raw = b.bytes(v, vlen)?;
                let text = raw.split(|&c| c == 0).next().unwrap_or_default();
                cx.tree().add(&PREFIX, b.range(v, vlen), Value::str(String::from_utf8_lossy(text)));
            }
            11 | 14 => {
                let id = b.u32(v)? as i32;
                cx.tree().add(if ty == 11 { &UID } else { &GID }, b.range(v, 4), Value::Int(id as i64));
            }
            _ if vlen > 0 => {
                cx.bytes_item(&VALUE, &b, v, vlen)?;
            }
            _ => {}
        }
        cx.tree().close();
        // Attributes are padded to a multiple of four bytes.
        at += len.div_ceil(4) * 4;
    }
    cx.tree().close();
    if let Some(p) = payload {
        match family {
            AF_INET => call(cx, p, ipv4::dissect),
            AF_INET6 => call(cx, p, ipv6::dissect),
            _ => dispatch::data(cx, p),
        }
    }
    Ok(())
}
