//! DHCP options (RFC 2132 and later): a code, a length and a value each,
//! until the End option. Each option is decoded by the kind its code names
//! in `OPTIONS` (an address, a list of addresses, text, a number, a time),
//! with Wireshark's option names and field names.

use crate::field::{Field, FieldDef, FieldType, Value};

use super::{HW_MAC_ADDR, HW_TYPE};
use crate::dissect::{Buf, Ctx, DResult};

pub static OPTION_TYPE: FieldDef = FieldDef::new("dhcp.option.type", "Option", FieldType::U8)
    .desc("Option code; 0 pads and 255 ends the options (RFC 2132).");
pub static OPTION_LENGTH: FieldDef = FieldDef::new("dhcp.option.length", "Length", FieldType::U8)
    .desc("Length of the option's data in bytes.");
pub static OPTION_VALUE: FieldDef = FieldDef::new("dhcp.option.value", "Value", FieldType::Bytes)
    .desc("The option's data bytes.");
pub static OPTION_END: FieldDef = FieldDef::new("dhcp.option.end", "Option End", FieldType::U8)
    .desc("Option 255: end of the options.");
pub static OPTION_PADDING: FieldDef = FieldDef::new("dhcp.option.padding", "Padding", FieldType::Bytes)
    .desc("Option 0: padding bytes.");
pub static MESSAGE_TYPE: FieldDef = FieldDef::new("dhcp.option.dhcp", "DHCP", FieldType::U8).strings(MESSAGE_TYPES)
    .desc("Option 53: the DHCP message type: Discover, Offer, Request, Decline, ACK, NAK, Release or Inform.");
pub static REQUEST_LIST_ITEM: FieldDef =
    FieldDef::new("dhcp.option.request_list_item", "Parameter Request List Item", FieldType::U8)
        .desc("An option code the client asks the server to send.");
pub static CLIENT_ID_TYPE: FieldDef = FieldDef::new("dhcp.client_id.type", "Type", FieldType::U8)
    .desc("Hardware type of the client identifier (1 for Ethernet).");
pub static CLIENT_ID: FieldDef = FieldDef::new("dhcp.client_id", "Identifier", FieldType::Bytes)
    .desc("Option 61: the client's unique identifier, often its MAC address.");

static SUBNET_MASK: FieldDef = FieldDef::new("dhcp.option.subnet_mask", "Subnet Mask", FieldType::Ipv4)
    .desc("Option 1: the subnet mask of the client's network.");
static ROUTER: FieldDef = FieldDef::new("dhcp.option.router", "Router", FieldType::Ipv4)
    .desc("Option 3: the default gateway(s), in order of preference.");
static TIME_SERVER: FieldDef = FieldDef::new("dhcp.option.time_server", "Time Server", FieldType::Ipv4)
    .desc("Option 4: RFC 868 time servers.");
static NAME_SERVER: FieldDef = FieldDef::new("dhcp.option.name_server", "Name Server", FieldType::Ipv4)
    .desc("Option 5: IEN 116 name servers (obsolete).");
static DNS_SERVER: FieldDef = FieldDef::new("dhcp.option.domain_name_server", "Domain Name Server", FieldType::Ipv4)
    .desc("Option 6: DNS servers the client should use.");
static LOG_SERVER: FieldDef = FieldDef::new("dhcp.option.log_server", "Log Server", FieldType::Ipv4)
    .desc("Option 7: log servers.");
static HOSTNAME: FieldDef = FieldDef::new("dhcp.option.hostname", "Host Name", FieldType::String)
    .desc("Option 12: the client's host name.");
static BOOT_FILE_SIZE: FieldDef = FieldDef::new("dhcp.option.boot_file_size", "Boot File Size", FieldType::U16)
    .desc("Option 13: size of the boot file in 512-byte blocks.");
static DOMAIN_NAME: FieldDef = FieldDef::new("dhcp.option.domain_name", "Domain Name", FieldType::String)
    .desc("Option 15: the domain name the client should use for name resolution.");
static ROOT_PATH: FieldDef = FieldDef::new("dhcp.option.root_path", "Root Path", FieldType::String)
    .desc("Option 17: path of the client's root disk.");
static MAX_REASSEMBLY: FieldDef =
    FieldDef::new("dhcp.option.max_datagram_reassembly_size", "Maximum Datagram Reassembly Size", FieldType::U16)
        .desc("Option 22: largest datagram the client should reassemble.");
static DEFAULT_TTL: FieldDef = FieldDef::new("dhcp.option.default_ip_ttl", "Default IP Time-to-Live", FieldType::U8)
    .desc("Option 23: default time to live for the client's datagrams.");
static INTERFACE_MTU: FieldDef = FieldDef::new("dhcp.option.interface_mtu", "Interface MTU", FieldType::U16)
    .desc("Option 26: MTU the client should use on this interface.");
static BROADCAST: FieldDef = FieldDef::new("dhcp.option.broadcast_address", "Broadcast Address", FieldType::Ipv4)
    .desc("Option 28: the broadcast address of the client's subnet.");
static ARP_TIMEOUT: FieldDef = FieldDef::new("dhcp.option.arp_cache_timeout", "ARP Cache Timeout", FieldType::U32)
    .desc("Option 35: seconds ARP cache entries live.");
static NIS_DOMAIN: FieldDef =
    FieldDef::new("dhcp.option.nis_domain", "Network Information Service Domain", FieldType::String)
        .desc("Option 40: NIS domain name.");
static NIS_SERVER: FieldDef =
    FieldDef::new("dhcp.option.nis_server", "Network Information Service Server", FieldType::Ipv4)
        .desc("Option 41: NIS servers.");
static NTP_SERVER: FieldDef = FieldDef::new("dhcp.option.ntp_server", "Network Time Protocol Server", FieldType::Ipv4)
    .desc("Option 42: NTP servers.");
static NETBIOS_NS: FieldDef =
    FieldDef::new("dhcp.option.netbios_over_tcpip_name_server", "NetBIOS over TCP/IP Name Server", FieldType::Ipv4)
        .desc("Option 44: NetBIOS name servers (WINS).");
static NETBIOS_NODE_TYPE: FieldDef =
    FieldDef::new("dhcp.option.netbios_over_tcpip_node_type", "NetBIOS over TCP/IP Node Type", FieldType::U8)
        .desc("Option 46: NetBIOS node type: B, P, M or H node.");
static NETBIOS_SCOPE: FieldDef =
    FieldDef::new("dhcp.option.netbios_over_tcpip_scope", "NetBIOS over TCP/IP Scope", FieldType::String)
        .desc("Option 47: NetBIOS scope.");
static REQUESTED_IP: FieldDef =
    FieldDef::new("dhcp.option.requested_ip_address", "Requested IP Address", FieldType::Ipv4)
        .desc("Option 50: the address the client asks for.");
static LEASE_TIME: FieldDef =
    FieldDef::new("dhcp.option.ip_address_lease_time", "IP Address Lease Time", FieldType::U32)
        .desc("Option 51: seconds the client may use the address.");
static OVERLOAD: FieldDef = FieldDef::new("dhcp.option.option_overload", "Option Overload", FieldType::U8)
    .desc("Option 52: the sname and file fields hold options too.");
static SERVER_ID: FieldDef = FieldDef::new("dhcp.option.dhcp_server_id", "DHCP Server Identifier", FieldType::Ipv4)
    .desc("Option 54: address of the server that made the offer, so a client names the one it chose.");
static MESSAGE: FieldDef = FieldDef::new("dhcp.option.message", "Message", FieldType::String)
    .desc("Option 56: an error message text.");
static MAX_MESSAGE_SIZE: FieldDef =
    FieldDef::new("dhcp.option.dhcp_max_message_size", "Maximum DHCP Message Size", FieldType::U16)
        .desc("Option 57: the largest DHCP message the client accepts.");
static RENEWAL_TIME: FieldDef = FieldDef::new("dhcp.option.renewal_time_value", "Renewal Time Value", FieldType::U32)
    .desc("Option 58: seconds until the client asks its server to extend the lease (T1).");
static REBINDING_TIME: FieldDef =
    FieldDef::new("dhcp.option.rebinding_time_value", "Rebinding Time Value", FieldType::U32)
        .desc("Option 59: seconds until the client asks any server to extend the lease (T2).");
static VENDOR_CLASS_ID: FieldDef =
    FieldDef::new("dhcp.option.vendor_class_id", "Vendor class identifier", FieldType::String)
        .desc("Option 60: identifies the client's vendor and configuration.");
static TFTP_SERVER_NAME: FieldDef = FieldDef::new("dhcp.option.tftp_server_name", "TFTP Server Name", FieldType::String)
    .desc("Option 66: TFTP server for booting.");
static BOOTFILE_NAME: FieldDef = FieldDef::new("dhcp.option.bootfile_name", "Bootfile name", FieldType::String)
    .desc("Option 67: boot file name.");
static SMTP_SERVER: FieldDef = FieldDef::new("dhcp.option.smtp_server", "SMTP Server", FieldType::Ipv4)
    .desc("Option 69: SMTP servers.");
static POP3_SERVER: FieldDef = FieldDef::new("dhcp.option.pop3_server", "POP3 Server", FieldType::Ipv4)
    .desc("Option 70: POP3 servers.");
static AUTO_CONFIG: FieldDef =
    FieldDef::new("dhcp.option.dhcp_auto_configuration", "DHCP Auto-Configuration", FieldType::U8)
        .strings(&[(0, "DoNotAutoConfigure"), (1, "AutoConfigure")])
        .desc("Option 116: whether the client may configure a link-local address itself (RFC 2563).");
static TFTP_SERVER_ADDRESS: FieldDef =
    FieldDef::new("dhcp.option.tftp_server_address", "TFTP Server Address", FieldType::Ipv4)
        .desc("Option 150: TFTP server addresses.");

pub static FIELDS: &[Field] = &[
    &OPTION_TYPE, &OPTION_LENGTH, &OPTION_VALUE, &OPTION_END, &OPTION_PADDING, &MESSAGE_TYPE, &REQUEST_LIST_ITEM,
    &CLIENT_ID_TYPE, &CLIENT_ID, &SUBNET_MASK, &ROUTER, &TIME_SERVER, &NAME_SERVER, &DNS_SERVER, &LOG_SERVER,
    &HOSTNAME, &BOOT_FILE_SIZE, &DOMAIN_NAME, &ROOT_PATH, &MAX_REASSEMBLY, &DEFAULT_TTL, &INTERFACE_MTU,
    &BROADCAST, &ARP_TIMEOUT, &NIS_DOMAIN, &NIS_SERVER, &NTP_SERVER, &NETBIOS_NS, &NETBIOS_NODE_TYPE,
    &NETBIOS_SCOPE, &REQUESTED_IP, &LEASE_TIME, &OVERLOAD, &SERVER_ID, &MESSAGE, &MAX_MESSAGE_SIZE,
    &RENEWAL_TIME, &REBINDING_TIME, &VENDOR_CLASS_ID, &TFTP_SERVER_NAME, &BOOTFILE_NAME, &SMTP_SERVER,
    &POP3_SERVER, &AUTO_CONFIG, &TFTP_SERVER_ADDRESS,
];

static MESSAGE_TYPES: &[(u64, &str)] = &[
    (1, "Discover"),
    (2, "Offer"),
    (3, "Request"),
    (4, "Decline"),
    (5, "ACK"),
    (6, "NAK"),
    (7, "Release"),
    (8, "Inform"),
    (9, "Force Renew"),
    (10, "Lease query"),
    (11, "Lease Unassigned"),
    (12, "Lease Unknown"),
    (13, "Lease Active"),
    (14, "Bulk Lease Query"),
    (15, "Lease Query Done"),
    (16, "Active LeaseQuery"),
    (17, "Lease Query Status"),
    (18, "TLS"),
];

/// How an option's value is decoded.
#[derive(Clone, Copy)]
enum Kind {
    /// One IPv4 address, also shown after the option's name.
    Ipv4(Field),
    /// IPv4 addresses, one item each.
    Ipv4List(Field),
    Text(Field),
    Num(Field),
    /// Seconds, shown as `(3600s) 1 hour`.
    Secs(Field),
    MessageType,
    RequestList,
    ClientId,
    /// Bytes only (`dhcp.option.value`).
    Opaque,
}

use Kind::*;

/// Option codes with Wireshark's names and how their values are decoded.
static OPTIONS: &[(u8, &str, Kind)] = &[
    (1, "Subnet Mask", Ipv4(&SUBNET_MASK)),
    (2, "Time Offset", Opaque),
    (3, "Router", Ipv4List(&ROUTER)),
    (4, "Time Server", Ipv4List(&TIME_SERVER)),
    (5, "Name Server", Ipv4List(&NAME_SERVER)),
    (6, "Domain Name Server", Ipv4List(&DNS_SERVER)),
    (7, "Log Server", Ipv4List(&LOG_SERVER)),
    (8, "Quotes Server", Opaque),
    (9, "LPR Server", Opaque),
    (10, "Impress Server", Opaque),
    (11, "Resource Location Server", Opaque),
    (12, "Host Name", Text(&HOSTNAME)),
    (13, "Boot File Size", Num(&BOOT_FILE_SIZE)),
    (14, "Merit Dump File", Opaque),
    (15, "Domain Name", Text(&DOMAIN_NAME)),
    (16, "Swap Server", Opaque),
    (17, "Root Path", Text(&ROOT_PATH)),
    (18, "Extensions Path", Opaque),
    (19, "IP Forwarding", Opaque),
    (20, "Non-Local Source Routing", Opaque),
    (21, "Policy Filter", Opaque),
    (22, "Maximum Datagram Reassembly Size", Num(&MAX_REASSEMBLY)),
    (23, "Default IP Time-to-Live", Num(&DEFAULT_TTL)),
    (24, "Path MTU Aging Timeout", Opaque),
    (25, "Path MTU Plateau Table", Opaque),
    (26, "Interface MTU", Num(&INTERFACE_MTU)),
    (27, "All Subnets are Local", Opaque),
    (28, "Broadcast Address", Ipv4(&BROADCAST)),
    (29, "Perform Mask Discovery", Opaque),
    (30, "Mask Supplier", Opaque),
    (31, "Perform Router Discover", Opaque),
    (32, "Router Solicitation Address", Opaque),
    (33, "Static Route", Opaque),
    (34, "Trailer Encapsulation", Opaque),
    (35, "ARP Cache Timeout", Secs(&ARP_TIMEOUT)),
    (36, "Ethernet Encapsulation", Opaque),
    (37, "TCP Default TTL", Opaque),
    (38, "TCP Keepalive Interval", Opaque),
    (39, "TCP Keepalive Garbage", Opaque),
    (40, "Network Information Service Domain", Text(&NIS_DOMAIN)),
    (41, "Network Information Service Servers", Ipv4List(&NIS_SERVER)),
    (42, "Network Time Protocol Servers", Ipv4List(&NTP_SERVER)),
    (43, "Vendor-Specific Information", Opaque),
    (44, "NetBIOS over TCP/IP Name Server", Ipv4List(&NETBIOS_NS)),
    (45, "NetBIOS over TCP/IP Datagram Distribution Name Server", Opaque),
    (46, "NetBIOS over TCP/IP Node Type", Num(&NETBIOS_NODE_TYPE)),
    (47, "NetBIOS over TCP/IP Scope", Text(&NETBIOS_SCOPE)),
    (48, "X Window System Font Server", Opaque),
    (49, "X Window System Display Manager", Opaque),
    (50, "Requested IP Address", Ipv4(&REQUESTED_IP)),
    (51, "IP Address Lease Time", Secs(&LEASE_TIME)),
    (52, "Option Overload", Num(&OVERLOAD)),
    (53, "DHCP Message Type", MessageType),
    (54, "DHCP Server Identifier", Ipv4(&SERVER_ID)),
    (55, "Parameter Request List", RequestList),
    (56, "Message", Text(&MESSAGE)),
    (57, "Maximum DHCP Message Size", Num(&MAX_MESSAGE_SIZE)),
    (58, "Renewal Time Value", Secs(&RENEWAL_TIME)),
    (59, "Rebinding Time Value", Secs(&REBINDING_TIME)),
    (60, "Vendor class identifier", Text(&VENDOR_CLASS_ID)),
    (61, "Client identifier", ClientId),
    (62, "Novell/Netware IP domain", Opaque),
    (63, "Novell Options", Opaque),
    (64, "Network Information Service+ Domain", Opaque),
    (65, "Network Information Service+ Servers", Opaque),
    (66, "TFTP Server Name", Text(&TFTP_SERVER_NAME)),
    (67, "Bootfile name", Text(&BOOTFILE_NAME)),
    (68, "Mobile IP Home Agent", Opaque),
    (69, "SMTP Server", Ipv4List(&SMTP_SERVER)),
    (70, "POP3 Server", Ipv4List(&POP3_SERVER)),
    (71, "NNTP Server", Opaque),
    (72, "Default WWW Server", Opaque),
    (73, "Default Finger Server", Opaque),
    (74, "Default IRC Server", Opaque),
    (75, "StreetTalk Server", Opaque),
    (76, "StreetTalk Directory Assistance Server", Opaque),
    (77, "User Class Information", Opaque),
    (78, "Directory Agent Information", Opaque),
    (79, "Service Location Agent Scope", Opaque),
    (80, "Rapid commit", Opaque),
    (81, "Client Fully Qualified Domain Name", Opaque),
    (82, "Agent Information Option", Opaque),
    (83, "iSNS", Opaque),
    (85, "Novell Directory Services Servers", Opaque),
    (86, "Novell Directory Services Tree Name", Opaque),
    (87, "Novell Directory Services Context", Opaque),
    (90, "Authentication", Opaque),
    (91, "Client last transaction time", Opaque),
    (92, "Associated IP option", Opaque),
    (93, "Client System Architecture", Opaque),
    (94, "Client Network Device Interface", Opaque),
    (97, "UUID/GUID-based Client Identifier", Opaque),
    (99, "Civic Addresses Configuration", Opaque),
    (100, "PCode", Opaque),
    (101, "TCode", Opaque),
    (108, "Removed/Unassigned", Opaque),
    (112, "NetInfo Parent Server Address", Opaque),
    (113, "NetInfo Parent Server Tag", Opaque),
    (114, "DHCP Captive-Portal", Opaque),
    (116, "DHCP Auto-Configuration", Num(&AUTO_CONFIG)),
    (117, "Name Service Search", Opaque),
    (118, "Subnet Selection Option", Opaque),
    (119, "Domain Search", Opaque),
    (120, "SIP Servers", Opaque),
    (121, "Classless Static Route", Opaque),
    (123, "Coordinate-based Location Configuration", Opaque),
    (124, "V-I Vendor Class", Opaque),
    (125, "V-I Vendor-specific Information", Opaque),
    (150, "TFTP Server Address", Ipv4List(&TFTP_SERVER_ADDRESS)),
    (249, "Private/Classless Static Route (Microsoft)", Opaque),
    (252, "Private/Proxy autodiscovery", Opaque),
];

/// An option's name and kind; codes not listed are named by their range.
fn option(code: u8) -> (&'static str, Kind) {
    if let Some((_, name, kind)) = OPTIONS.iter().find(|(c, _, _)| *c == code) {
        return (name, *kind);
    }
    let name = match code {
        224..=254 => "Private",
        84 | 96 | 102..=107 | 110 | 115 | 126 | 127 => "Removed/Unassigned",
        _ => "Unassigned",
    };
    (name, Opaque)
}

const PAD: u8 = 0;
const END: u8 = 255;

/// Dissects the options from `off` to the End option (and the padding
/// after it). Returns the DHCP message type's name if option 53 gave one.
pub fn dissect(cx: &mut Ctx, b: &Buf, mut off: usize) -> DResult<Option<&'static str>> {
    let mut message = None;
    while off < b.reported_len() {
        let code = b.u8(off)?;
        if code == END {
            // Wireshark gives the End option's type item the value 0.
            let id = cx.tree().open(&OPTION_TYPE, b.range(off, 1), Value::UInt(0));
            cx.tree().set_text(id, "Option: (255) End");
            cx.uint(&OPTION_END, b, off)?;
            cx.tree().close();
            off += 1;
            break;
        }
        if code == PAD {
            let run = b.tail(off).iter().take_while(|&&c| c == PAD).count();
            let id = cx.tree().open(&OPTION_TYPE, b.range(off, run), Value::UInt(0));
            cx.tree().set_text(id, "Option: (0) Padding");
            cx.tree().add(&OPTION_PADDING, b.range(off, run), Value::None);
            cx.tree().close();
            off += run;
            continue;
        }
        let len = b.u8(off + 1)? as usize;
        let (name, kind) = option(code);
        let id = cx.tree().open(&OPTION_TYPE, b.range(off, 2 + len), Value::UInt(code as u64));
        let value = b.sub(off + 2, len)?;
        b.bytes(off + 2, len)?;
        cx.uint(&OPTION_LENGTH, b, off + 1)?;
        let vid = cx.tree().add(&OPTION_VALUE, value.range(0, len), Value::None);
        if !matches!(kind, Opaque) {
            cx.tree().set_flags(vid, crate::field::tree::HIDDEN);
        }
        let suffix = decode(cx, &value, kind)?;
        let t = cx.tree();
        match suffix {
            Some(Suffix::Message(s)) => {
                message = Some(s);
                t.set_text(id, format_args!("Option: ({code}) {name} ({s})"));
            }
            Some(Suffix::Addr(a)) => t.set_text(id, format_args!("Option: ({code}) {name} ({a})")),
            None => t.set_text(id, format_args!("Option: ({code}) {name}")),
        }
        t.close();
        off += 2 + len;
    }
    if off < b.len() {
        cx.tree().add(&OPTION_PADDING, b.range(off, b.len() - off), Value::None);
    }
    Ok(message)
}

/// What Wireshark shows after an option's name.
enum Suffix {
    Message(&'static str),
    Addr(std::net::Ipv4Addr),
}

/// Adds the items of one option's value.
fn decode(cx: &mut Ctx, v: &Buf, kind: Kind) -> DResult<Option<Suffix>> {
    let len = v.len();
    match kind {
        Ipv4(f) if len == 4 => {
            return Ok(Some(Suffix::Addr(cx.ipv4(f, v, 0)?)));
        }
        Ipv4List(f) => {
            for i in (0..len / 4 * 4).step_by(4) {
                cx.ipv4(f, v, i)?;
            }
        }
        Text(f) => {
            let raw = v.bytes(0, len)?;
            let text = raw.split(|&c| c == 0).next().unwrap_or_default();
            cx.tree().add(f, v.range(0, len), Value::str(String::from_utf8_lossy(text).as_ref()));
        }
        Num(f) if len == f.ftype.hex_width() / 2 => {
            cx.uint(f, v, 0)?;
        }
        Secs(f) if len == 4 => {
            let (id, s) = cx.uint_item(f, v, 0)?;
            let mut text = String::new();
            if s == u32::MAX as u64 {
                text.push_str("infinity");
            } else {
                crate::field::duration(s, &mut text);
            }
            cx.tree().set_text(id, format_args!("{}: ({s}s) {text}", f.display));
        }
        MessageType if len == 1 => {
            let t = cx.uint(&MESSAGE_TYPE, v, 0)?;
            return Ok(Some(Suffix::Message(MESSAGE_TYPE.value_string(t).unwrap_or("Unknown Message Type"))));
        }
        RequestList => {
            for i in 0..len {
                let (id, c) = cx.uint_item(&REQUEST_LIST_ITEM, v, i)?;
                let name = option(c as u8).0;
                cx.tree().set_text(id, format_args!("Parameter Request List Item: ({c}) {name}"));
            }
        }
        ClientId if len == 7 && v.u8(0)? == 1 => {
            cx.uint(&HW_TYPE, v, 0)?;
            cx.ether(&HW_MAC_ADDR, v, 1)?;
        }
        ClientId if len > 0 => {
            cx.uint(&CLIENT_ID_TYPE, v, 0)?;
            v.bytes(1, len - 1)?;
            cx.tree().add(&CLIENT_ID, v.range(1, len - 1), Value::None);
        }
        _ => {}
    }
    Ok(None)
}

