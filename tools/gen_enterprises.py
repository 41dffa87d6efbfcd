#!/usr/bin/env python3
"""Writes src/dissect/enterprises.rs: the names of the IANA Private Enterprise
Numbers that matter to pcapng custom blocks, as tshark prints them.

Input: IANA's registry (https://www.iana.org/assignments/enterprise-numbers)
in the form Wireshark ships it (`/usr/share/wireshark/enterprises.tsv`, one
`NUMBER<TAB>NAME[<TAB># comment]` a line), which is what tshark reads; the
name is the text up to the next tab, as tshark shows it.

Kept: numbers up to 1024 (the early vendors), the documentation number, and
the networking vendors listed in EXTRA, so the table stays small; tshark knows
every number, wirelens shows "Unknown" for the rest.

Usage: tools/gen_enterprises.py [enterprises.tsv] > src/dissect/enterprises.rs
"""
import sys

EXTRA = [
    1588, 1916, 1991, 2011, 2620, 2636, 3076, 3375, 4413, 4526, 5624, 5951, 6486, 6527, 6876, 8072, 9148,
    10704, 11129, 12356, 14988, 21839, 25461, 25506, 30065, 32473, 36724,
]



def rust_str(s):
    """A Rust string literal of s (ASCII kept, the rest escaped)."""
    out = []
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif " " <= c <= "~":
            out.append(c)
        else:
            out.append("\\u{%x}" % ord(c))
    return '"' + "".join(out) + '"'


src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wireshark/enterprises.tsv"
updated = ""
names = {}
for line in open(src, encoding="utf-8"):
    if line.startswith("#"):
        if "last updated" in line:
            updated = line.strip("# \n")
        continue
    parts = line.rstrip("\n").split(None, 1)
    if len(parts) < 2 or not parts[0].isdigit():
        continue
    n = int(parts[0])
    if n <= 1024 or n in EXTRA:
        names[n] = parts[1].split("\t")[0].strip()

print("//! Names of IANA Private Enterprise Numbers, as tshark prints them: written")
print("//! by tools/gen_enterprises.py from IANA's registry as Wireshark ships it")
print(f"//! ({updated.strip('()')}). Only the numbers that matter are kept (see the script).")
print()
print("/// (number, name), sorted by number.")
print("pub static ENTERPRISES: &[(u32, &str)] = &[")
for n in sorted(names):
    print(f"    ({n}, {rust_str(names[n])}),")
print("];")
