//! The data of each DNS resource record, decoded by hickory-proto and
//! placed in the tree with the byte ranges our own walk of the wire finds.

use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::{RData, RecordType};
use hickory_proto::serialize::binary::{BinDecoder, Restrict};

use crate::field::{Base, Field, FieldDef, FieldType, Value};

use super::name::read_name;
use super::numbers::{duration, name_or_unknown, rrtype, OPT_CODES};
use super::{dnssec as sec, rdata_text as text, svcb};
use crate::dissect::http::format_text;
use crate::dissect::{Buf, Ctx, DResult};

pub static A: FieldDef = FieldDef::new("dns.a", "Address", FieldType::Ipv4)
    .desc("IPv4 address of an A record (RFC 1035 section 3.4.1).");
pub static AAAA: FieldDef = FieldDef::new("dns.aaaa", "AAAA Address", FieldType::Ipv6)
    .desc("IPv6 address of an AAAA record (RFC 3596).");
pub static NS: FieldDef = FieldDef::new("dns.ns", "Name Server", FieldType::String)
    .desc("Name server of an NS record: a server authoritative for the zone.");
pub static CNAME: FieldDef = FieldDef::new("dns.cname", "CNAME", FieldType::String)
    .desc("Canonical name of a CNAME record: the owner name is an alias for it.");
pub static PTR: FieldDef = FieldDef::new("dns.ptr.domain_name", "Domain Name", FieldType::String)
    .desc("Name a PTR record points to, the answer of a reverse lookup.");
pub static DNAME: FieldDef = FieldDef::new("dns.dname", "Dname", FieldType::String)
    .desc("Target of a DNAME record: the whole subtree below the owner is renamed (RFC 6672).");
pub static MX_PREF: FieldDef = FieldDef::new("dns.mx.preference", "Preference", FieldType::U16)
    .desc("Preference of a mail exchanger: lower values are tried first.");
pub static MX_EXCHANGE: FieldDef = FieldDef::new("dns.mx.mail_exchange", "Mail Exchange", FieldType::String)
    .desc("Host that receives mail for the domain.");
pub static TXT_LEN: FieldDef = FieldDef::new("dns.txt.length", "TXT Length", FieldType::U8)
    .desc("Length of one TXT string.");
pub static TXT: FieldDef = FieldDef::new("dns.txt", "TXT", FieldType::String).desc("Text of a TXT record.");
pub static SOA_MNAME: FieldDef = FieldDef::new("dns.soa.mname", "Primary name server", FieldType::String)
    .desc("Primary name server of the zone (RFC 1035 section 3.3.13).");
pub static SOA_RNAME: FieldDef =
    FieldDef::new("dns.soa.rname", "Responsible authority's mailbox", FieldType::String)
        .desc("Mailbox of the zone's administrator, with its first dot standing for @.");
pub static SOA_SERIAL: FieldDef = FieldDef::new("dns.soa.serial_number", "Serial Number", FieldType::U32)
    .desc("Version number of the zone, raised on each change.");
pub static SOA_REFRESH: FieldDef = FieldDef::new("dns.soa.refresh_interval", "Refresh Interval", FieldType::U32)
    .desc("Seconds between a secondary server's checks for a new serial.");
pub static SOA_RETRY: FieldDef = FieldDef::new("dns.soa.retry_interval", "Retry Interval", FieldType::U32)
    .desc("Seconds a secondary waits after a failed check.");
pub static SOA_EXPIRE: FieldDef = FieldDef::new("dns.soa.expire_limit", "Expire limit", FieldType::U32)
    .desc("Seconds after which a secondary that cannot reach the primary stops answering.");
pub static SOA_MINIMUM: FieldDef = FieldDef::new("dns.soa.minimum_ttl", "Minimum TTL", FieldType::U32)
    .desc("Seconds resolvers may cache a negative answer for the zone (RFC 2308).");
pub static SRV_PRIORITY: FieldDef = FieldDef::new("dns.srv.priority", "Priority", FieldType::U16)
    .desc("Priority of the target: lower values are tried first (RFC 2782).");
pub static SRV_WEIGHT: FieldDef = FieldDef::new("dns.srv.weight", "Weight", FieldType::U16)
    .desc("Share among targets of the same priority.");
pub static SRV_PORT: FieldDef = FieldDef::new("dns.srv.port", "Port", FieldType::U16)
    .desc("Port the service listens on at the target.");
pub static SRV_TARGET: FieldDef = FieldDef::new("dns.srv.target", "Target", FieldType::String)
    .desc("Host that provides the service.");
pub static OPT: FieldDef = FieldDef::new("dns.opt", "Option", FieldType::None)
    .desc("An EDNS option of the OPT record.");
pub static OPT_CODE: FieldDef = FieldDef::new("dns.opt.code", "Option Code", FieldType::U16).strings(OPT_CODES)
    .desc("EDNS option code, such as 10 cookie or 8 client subnet.");
pub static OPT_LEN: FieldDef = FieldDef::new("dns.opt.len", "Option Length", FieldType::U16)
    .desc("Length of the option data in bytes.");
pub static OPT_DATA: FieldDef = FieldDef::new("dns.opt.data", "Option Data", FieldType::Bytes)
    .desc("The option's data bytes.");
pub static COOKIE_CLIENT: FieldDef = FieldDef::new("dns.opt.cookie.client", "Client Cookie", FieldType::Bytes)
    .desc("Client cookie: 8 bytes that protect the client against forged answers (RFC 7873).");
pub static COOKIE_SERVER: FieldDef = FieldDef::new("dns.opt.cookie.server", "Server Cookie", FieldType::Bytes)
    .desc("Server cookie returned to the client for later queries.");
pub static CLIENT_FAMILY: FieldDef = FieldDef::new("dns.opt.client.family", "Family", FieldType::U16)
    .strings(&[(1, "IPv4"), (2, "IPv6")]).desc("Address family of the client subnet: 1 IPv4, 2 IPv6 (RFC 7871).");
pub static CLIENT_NETMASK: FieldDef = FieldDef::new("dns.opt.client.netmask", "Source Netmask", FieldType::U8)
    .desc("Number of leading bits of the client address sent.");
pub static CLIENT_SCOPE: FieldDef = FieldDef::new("dns.opt.client.scope", "Scope Netmask", FieldType::U8)
    .desc("Number of leading bits the answer is valid for.");
pub static CLIENT_ADDR4: FieldDef = FieldDef::new("dns.opt.client.addr4", "Client Subnet", FieldType::Ipv4)
    .desc("The client's IPv4 subnet.");
pub static CLIENT_ADDR6: FieldDef = FieldDef::new("dns.opt.client.addr6", "Client Subnet", FieldType::Ipv6)
    .desc("The client's IPv6 subnet.");
pub static PADDING: FieldDef = FieldDef::new("dns.opt.padding", "Padding", FieldType::Bytes)
    .desc("Zero bytes that pad an encrypted message to hide its length (RFC 7830).");
pub static DAU: FieldDef = FieldDef::new("dns.opt.dau", "DAU", FieldType::U8).strings(sec::ALGORITHMS)
    .desc("A DNSSEC algorithm the client understands (RFC 6975).");
pub static DHU: FieldDef = FieldDef::new("dns.opt.dhu", "DHU", FieldType::U8).strings(sec::DIGESTS)
    .desc("A DS hash algorithm the client understands.");
pub static N3U: FieldDef = FieldDef::new("dns.opt.n3u", "N3U", FieldType::U8).strings(sec::NSEC3_HASHES)
    .desc("An NSEC3 hash algorithm the client understands.");
pub static KEEPALIVE: FieldDef = FieldDef::new("dns.opt.edns_tcp_keepalive.timeout", "Timeout", FieldType::U16)
    .desc("Idle timeout for the TCP connection, in units of 100 ms (RFC 7828).");
pub static CHAIN: FieldDef = FieldDef::new("dns.opt.chain.fqdn", "Closest Trust Point", FieldType::String)
    .desc("Closest trust point from which the client asks for the chain (RFC 7901).");
pub static EXT_ERROR_CODE: FieldDef = FieldDef::new("dns.opt.ext_error.info_code", "Info Code", FieldType::U16)
    .desc("Extended DNS error code saying why the query failed (RFC 8914).");
pub static EXT_ERROR_TEXT: FieldDef = FieldDef::new("dns.opt.ext_error.extra_text", "Extra Text", FieldType::String)
    .desc("Text explaining the extended error.");
pub static DATA: FieldDef = FieldDef::new("dns.data", "Data", FieldType::Bytes).base(Base::None)
    .desc("Data of a record type this dissector does not decode.");

pub static RDATA_FIELDS: &[Field] = &[
    &A, &AAAA, &NS, &CNAME, &PTR, &DNAME, &MX_PREF, &MX_EXCHANGE, &TXT_LEN, &TXT, &SOA_MNAME, &SOA_RNAME,
    &SOA_SERIAL, &SOA_REFRESH, &SOA_RETRY, &SOA_EXPIRE, &SOA_MINIMUM, &SRV_PRIORITY, &SRV_WEIGHT,
    &SRV_PORT, &SRV_TARGET, &OPT, &OPT_CODE, &OPT_LEN, &OPT_DATA, &COOKIE_CLIENT, &COOKIE_SERVER,
    &CLIENT_FAMILY, &CLIENT_NETMASK, &CLIENT_SCOPE, &CLIENT_ADDR4, &CLIENT_ADDR6, &PADDING, &DAU, &DHU, &N3U, &KEEPALIVE, &CHAIN, &EXT_ERROR_CODE,
    &EXT_ERROR_TEXT, &DATA,
];

/// hickory-proto's reading of the RDATA of `len` bytes at `off` in `msg`
/// (the whole message, so that compression pointers resolve).
fn decode(msg: &[u8], off: usize, ty: u16, len: usize) -> Option<Result<RData, String>> {
    // Empty data (dynamic update prerequisites) and query-only types carry
    // nothing to decode; hickory's record reader skips them the same way.
    if len == 0 || matches!(ty, 0 | 251 | 252 | 255) {
        return None;
    }
    let mut d = BinDecoder::new(msg);
    if let Err(e) = d.read_slice(off) {
        return Some(Err(e.to_string()));
    }
    Some(RData::read(&mut d, RecordType::from(ty), Restrict::new(len as u16)).map_err(|e| e.to_string()))
}

/// Adds the items of a record's data at `off` (`len` bytes, known to be
/// present), appends its summary to the Info column and returns the text the
/// record's label ends with. `owner` is the record's name, which some types
/// add to the Info column. `rejected` is set when hickory-proto refuses it.
pub fn rdata(
    cx: &mut Ctx,
    b: &Buf,
    off: usize,
    ty: u16,
    len: usize,
    owner: &str,
    rejected: &mut bool,
) -> DResult<Option<String>> {
    // Wireshark decodes nothing of empty data (dynamic update prerequisites).
    if len == 0 {
        return Ok(None);
    }
    let decoded = decode(b.tail(0), off, ty, len);
    if let Some(Err(e)) = &decoded {
        *rejected = true;
        cx.tree().text(b.range(off, len), format_args!("[hickory-proto rejects this record's data: {e}]"));
    }
    let rd = match decoded {
        Some(Ok(rd)) => Some(rd),
        _ => None,
    };
    let suffix = match (ty, rd) {
        (rrtype::A, Some(RData::A(a))) => {
            let a: Ipv4Addr = a.0;
            cx.tree().add(&A, b.range(off, 4), Value::Ipv4(a));
            info(cx, format_args!(" {a}"));
            Some(format!("addr {a}"))
        }
        (rrtype::AAAA, Some(RData::AAAA(a))) => {
            let a: Ipv6Addr = a.0;
            cx.tree().add(&AAAA, b.range(off, 16), Value::Ipv6(a));
            info(cx, format_args!(" {a}"));
            Some(format!("addr {a}"))
        }
        (rrtype::NS | rrtype::CNAME | rrtype::PTR | rrtype::DNAME, _) => {
            let (f, word) = match ty {
                rrtype::NS => (&NS, "ns "),
                rrtype::CNAME => (&CNAME, "cname "),
                rrtype::PTR => (&PTR, ""),
                _ => (&DNAME, "dname "),
            };
            let n = name_item(cx, b, off, f)?;
            info(cx, format_args!(" {n}"));
            Some(format!("{word}{n}"))
        }
        (rrtype::MX, Some(RData::MX(mx))) => {
            let pref = mx.preference();
            cx.tree().add(&MX_PREF, b.range(off, 2), Value::UInt(pref as u64));
            let n = name_item(cx, b, off + 2, &MX_EXCHANGE)?;
            info(cx, format_args!(" {pref} {n}"));
            Some(format!("preference {pref}, mx {n}"))
        }
        (rrtype::SOA, Some(RData::SOA(soa))) => {
            let m = read_name(b, off)?;
            let mname = name_item(cx, b, off, &SOA_MNAME)?;
            let r = read_name(b, off + m.wire_len)?;
            name_item(cx, b, off + m.wire_len, &SOA_RNAME)?;
            let p = off + m.wire_len + r.wire_len;
            cx.tree().add(&SOA_SERIAL, b.range(p, 4), Value::UInt(soa.serial() as u64));
            let times = [
                (&SOA_REFRESH, soa.refresh() as u32),
                (&SOA_RETRY, soa.retry() as u32),
                (&SOA_EXPIRE, soa.expire() as u32),
                (&SOA_MINIMUM, soa.minimum()),
            ];
            for (i, (f, v)) in times.into_iter().enumerate() {
                let id = cx.tree().add(f, b.range(p + 4 + 4 * i, 4), Value::UInt(v as u64));
                cx.tree().set_text(id, format_args!("{}: {v} ({})", f.display, duration(v)));
            }
            info(cx, format_args!(" {mname}"));
            Some(format!("mname {mname}"))
        }
        (rrtype::TXT, Some(RData::TXT(txt))) => {
            let mut p = off;
            for s in txt.txt_data() {
                cx.tree().add(&TXT_LEN, b.range(p, 1), Value::UInt(s.len() as u64));
                cx.tree().add(&TXT, b.range(p + 1, s.len()), Value::str(super::name::escape(s)));
                p += 1 + s.len();
            }
            None
        }
        (rrtype::SRV, Some(RData::SRV(srv))) => {
            let (pr, w, port) = (srv.priority(), srv.weight(), srv.port());
            let t = cx.tree();
            t.add(&SRV_PRIORITY, b.range(off, 2), Value::UInt(pr as u64));
            t.add(&SRV_WEIGHT, b.range(off + 2, 2), Value::UInt(w as u64));
            t.add(&SRV_PORT, b.range(off + 4, 2), Value::UInt(port as u64));
            let n = name_item(cx, b, off + 6, &SRV_TARGET)?;
            info(cx, format_args!(" {pr} {w} {port} {n}"));
            Some(format!("priority {pr}, weight {w}, port {port}, target {n}"))
        }
        (rrtype::HINFO, _) => Some(text::hinfo(cx, b, off)?),
        (rrtype::NAPTR, _) => Some(text::naptr(cx, b, off)?),
        (rrtype::CAA, _) => {
            text::caa(cx, b, off, len)?;
            None
        }
        (rrtype::SIG | rrtype::RRSIG, _) => {
            sec::rrsig(cx, b, off, len)?;
            None
        }
        (rrtype::DS | rrtype::CDS | rrtype::DLV, _) => {
            sec::ds(cx, b, off, len)?;
            None
        }
        (rrtype::SSHFP, _) => {
            sec::sshfp(cx, b, off, len)?;
            None
        }
        (rrtype::NSEC, _) => Some(format!("next domain name {}", sec::nsec(cx, b, off, len)?)),
        (rrtype::DNSKEY | rrtype::CDNSKEY, _) => {
            sec::dnskey(cx, b, off, len)?;
            None
        }
        (rrtype::NSEC3, _) => {
            sec::nsec3(cx, b, off, len)?;
            None
        }
        (rrtype::NSEC3PARAM | rrtype::TLSA, _) => {
            info(cx, format_args!(" {owner}"));
            if ty == rrtype::NSEC3PARAM {
                sec::nsec3param(cx, b, off)?;
            } else {
                sec::tlsa(cx, b, off, len)?;
            }
            None
        }
        (rrtype::SVCB | rrtype::HTTPS, _) => {
            svcb::svcb(cx, b, off, len)?;
            None
        }
        (rrtype::OPT, _) => {
            options(cx, b, off, len)?;
            None
        }
        _ => {
            if len > 0 {
                cx.tree().add(&DATA, b.range(off, len), Value::None);
            }
            None
        }
    };
    Ok(suffix)
}

pub(super) fn info(cx: &mut Ctx, args: std::fmt::Arguments) {
    let _ = cx.out.cols.info.write_fmt(args);
}

/// `len` bytes at `off` as an item of the byte-valued field `f`; an empty
/// one carries Wireshark's `<MISSING>`.
pub(super) fn bytes_item(cx: &mut Ctx, f: Field, b: &Buf, off: usize, len: usize) -> DResult<()> {
    b.bytes(off, len)?;
    let v = if len == 0 { Value::str("<MISSING>") } else { Value::None };
    cx.tree().add(f, b.range(off, len), v);
    Ok(())
}

/// A name in record data as an item of `f`; returns its text.
pub(super) fn name_item(cx: &mut Ctx, b: &Buf, off: usize, f: Field) -> DResult<String> {
    let n = read_name(b, off)?;
    cx.tree().add(f, b.range(off, n.wire_len), Value::str(n.text.as_str()));
    Ok(n.text)
}

/// The EDNS options of an OPT record.
fn options(cx: &mut Ctx, b: &Buf, off: usize, len: usize) -> DResult<()> {
    let end = off + len;
    let mut p = off;
    while p < end {
        let code = b.u16(p)?;
        let olen = b.u16(p + 2)? as usize;
        let data = b.bytes(p + 4, olen)?;
        let t = cx.tree();
        let id = t.open(&OPT, b.range(p, 4 + olen), Value::None);
        t.set_text(id, format_args!("Option: {}", name_or_unknown(OPT_CODES, code as u64)));
        cx.uint(&OPT_CODE, b, p)?;
        let t = cx.tree();
        t.add(&OPT_LEN, b.range(p + 2, 2), Value::UInt(olen as u64));
        bytes_item(cx, &OPT_DATA, b, p + 4, olen)?;
        let t = cx.tree();
        let d = p + 4;
        match code {
            10 if olen >= 8 => {
                t.add(&COOKIE_CLIENT, b.range(d, 8), Value::None);
                if olen > 8 {
                    t.add(&COOKIE_SERVER, b.range(d + 8, olen - 8), Value::None);
                } else {
                    // Wireshark's value for a field whose bytes are absent.
                    t.add(&COOKIE_SERVER, b.range(d + 8, 0), Value::str("<MISSING>"));
                }
            }
            8 if olen >= 4 => {
                let family = u16::from_be_bytes([data[0], data[1]]);
                t.add(&CLIENT_FAMILY, b.range(d, 2), Value::UInt(family as u64));
                t.add(&CLIENT_NETMASK, b.range(d + 2, 1), Value::UInt(data[2] as u64));
                t.add(&CLIENT_SCOPE, b.range(d + 3, 1), Value::UInt(data[3] as u64));
                let addr = &data[4..];
                match family {
                    1 if addr.len() <= 4 => {
                        let mut a = [0u8; 4];
                        a[..addr.len()].copy_from_slice(addr);
                        t.add(&CLIENT_ADDR4, b.range(d + 4, addr.len()), Value::Ipv4(a.into()));
                    }
                    2 if addr.len() <= 16 => {
                        let mut a = [0u8; 16];
                        a[..addr.len()].copy_from_slice(addr);
                        t.add(&CLIENT_ADDR6, b.range(d + 4, addr.len()), Value::Ipv6(a.into()));
                    }
                    _ => {}
                }
            }
            12 => {
                t.add(&PADDING, b.range(d, olen), Value::None);
            }
            5..=7 => {
                let f = [&DAU, &DHU, &N3U][code as usize - 5];
                for i in 0..olen {
                    cx.uint(f, b, d + i)?;
                }
            }
            11 if olen == 2 => {
                t.add(&KEEPALIVE, b.range(d, 2), Value::UInt(u16::from_be_bytes([data[0], data[1]]) as u64));
            }
            13 if olen > 0 => {
                // The value keeps the raw bytes (tshark prints them so);
                // the label escapes them.
                let end = data.iter().position(|&c| c == 0).unwrap_or(data.len());
                let raw = String::from_utf8_lossy(&data[..end]).into_owned();
                let id = t.add(&CHAIN, b.range(d, olen), Value::str(raw));
                t.set_text(id, format_args!("{}: {}", CHAIN.display, format_text(&data[..end])));
            }
            15 if olen >= 2 => {
                t.add(&EXT_ERROR_CODE, b.range(d, 2), Value::UInt(u16::from_be_bytes([data[0], data[1]]) as u64));
                if olen > 2 {
                    let text = String::from_utf8_lossy(&data[2..]).into_owned();
                    t.add(&EXT_ERROR_TEXT, b.range(d + 2, olen - 2), Value::str(text));
                }
            }
            _ => {}
        }
        cx.tree().close();
        p += 4 + olen;
    }
    Ok(())
}
