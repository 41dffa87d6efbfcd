#!/usr/bin/env python3
"""Writes src/dissect/registries.rs: the names of numbers kept in IANA
registries (IP protocol numbers, ARP hardware types, TLS cipher suites,
supported groups and signature schemes), as tshark 4.0 prints them.

Input: `tshark -G values` (one `V<TAB>field<TAB>value<TAB>name` row per
named value). These are registry names, facts shared by every tool that
shows them; Wireshark's hand-written tables (Ethernet types, link-layer
hardware names) are not taken. A few newer registry names that tshark 4.0
does not know yet are added from NEWER, where Wireshark 4.2 and later have
them.

Usage: tshark -G values | tools/gen_registries.py > src/dissect/registries.rs
"""
import sys

# (Rust name, tshark field, doc comment)
TABLES = [
    ("IP_PROTOCOLS", "ip.proto", "IP protocol numbers (IPv4's protocol, IPv6's next header)."),
    ("HARDWARE_TYPES", "arp.hw.type", "ARP hardware types (ARP, DHCP)."),
    ("CIPHER_SUITES", "tls.handshake.ciphersuite", "TLS cipher suites."),
    ("GROUPS", "tls.handshake.extensions_supported_group", "TLS supported groups (named curves)."),
    ("SIGNATURE_SCHEMES", "tls.handshake.sig_hash_alg", "TLS signature schemes."),
]

NEWER = {
    "tls.handshake.sig_hash_alg": {
        0x0420: "rsa_pkcs1_sha256_legacy",
        0x0520: "rsa_pkcs1_sha384_legacy",
        0x0620: "rsa_pkcs1_sha512_legacy",
        0x0704: "eccsi_sha256",
        0x081A: "ecdsa_brainpoolP256r1tls13_sha256",
        0x081B: "ecdsa_brainpoolP384r1tls13_sha384",
        0x081C: "ecdsa_brainpoolP512r1tls13_sha512",
    },
}


def rust_str(s):
    out = []
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif " " <= c <= "~":
            out.append(c)
        else:
            out.append("\\u{%x}" % ord(c))
    return '"' + "".join(out) + '"'


wanted = {field for _, field, _ in TABLES}
values = {field: {} for field in wanted}
for line in sys.stdin:
    parts = line.rstrip("\n").split("\t")
    if len(parts) < 4 or parts[0] != "V" or parts[1] not in wanted:
        continue
    try:
        n = int(parts[2], 0)
    except ValueError:
        continue
    # A field registered twice lists its values twice: the first name stays.
    values[parts[1]].setdefault(n, parts[3])

print("//! Names of numbers kept in IANA registries, as tshark 4.0 prints them:")
print("//! written by tools/gen_registries.py from `tshark -G values` (see the")
print("//! script for what is taken and why). Do not edit by hand.")
print()
print("use crate::field::ValueStrings;")
for name, field, doc in TABLES:
    names = dict(values[field])
    if not names:
        sys.exit(f"gen_registries: tshark lists no values for {field}")
    for n, s in NEWER.get(field, {}).items():
        names.setdefault(n, s)
    print()
    print(f"/// {doc}")
    print(f"pub const {name}: ValueStrings = &[")
    for n in sorted(names):
        print(f"    ({n:#06x}, {rust_str(names[n])}),")
    print("];")
