#!/usr/bin/env python3
"""Regenerates src/names/oui.tsv, the vendor names of MAC address blocks
(MA-L, 24-bit prefixes; MA-M, 28 bits; MA-S and IAB, 36 bits), from the
IEEE Registration Authority's public listings (public domain: "IEEE does
not assert any copyright in the OUI Public Listing"), as Debian's ieee-data
package ships them:

    apt-get install ieee-data && src/names/gen_oui.py

Each organization name is shortened the way Wireshark's manuf file shortens
IEEE names (normalized spaces, all-capitals to title case, punctuation and
business words such as "Inc" or "Corporation" dropped, spaces removed, cut
to eight characters), so that `Intel Corporate` reads `IntelCor` as in
tshark. Wireshark's own hand-made entries (its manuf file is GPL-2.0) are
not used: where they differ, tshark's name differs from ours.
"""
import csv
import re
import sys
from pathlib import Path

SOURCE = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/ieee-data")
# Listing, registry, and the prefix's length in hex digits.
LISTINGS = [("oui.csv", "MA-L", 6), ("mam.csv", "MA-M", 7), ("oui36.csv", "MA-S", 9), ("iab.csv", "IAB", 9)]
OUT = Path(__file__).with_name("oui.tsv")

GENERAL = [
    " a/s ", " ab ", " ag ", " b ?v ", " closed joint stock company ", " co ", " company ", " corp ",
    " corporation ", " de c ?v ", " gmbh ", " holding ", " inc ", " incorporated ", " jsc ", " kg ", " k k ",
    " limited ", " llc ", " ltd ", " n ?v ", " oao ", " of ", " open joint stock company ", " ooo ", " oü ",
    " oy ", " oyj ", " plc ", " pty ", " pvt ", " s ?a ?r ?l ", " s ?a ", " s ?p ?a ", " sp ?k ", " s ?r ?l ",
    " systems ", " the ", " zao ", " z ?o ?o ",
]
GENERAL_RE = re.compile("|".join(GENERAL), re.IGNORECASE)


def shorten(name: str) -> str:
    name = " " + " ".join(name.split()) + " "
    if name.isupper():
        name = name.title()
    name = re.sub(r"[\"',./:()]", " ", name)
    name = name.replace(" & ", " ")
    plain = GENERAL_RE.sub(" ", name)
    if plain.strip():
        name = plain
    name = re.sub(r"\s+", "", name.strip())
    return name[:8]


def main() -> None:
    rows = {}
    for listing, registry, digits in LISTINGS:
        with (SOURCE / listing).open(newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                # Private registrations name no one; Wireshark leaves them
                # out too, so the block's 24-bit owner names the address.
                if r["Registry"] != registry or len(r["Assignment"]) != digits or r["Organization Name"] == "Private":
                    continue
                short = shorten(r["Organization Name"])
                # The whole name, spaces normalized and all capitals in
                # title case, is Wireshark's long name
                # (`eth.src.oui_resolved`).
                long = " ".join(r["Organization Name"].split())
                if long.isupper():
                    long = long.title()
                if short:
                    rows[r["Assignment"].upper()] = (short, long)
    with OUT.open("w", encoding="utf-8") as out:
        # Sorted by value, a shorter prefix before the blocks inside it.
        for prefix in sorted(rows, key=lambda p: (int(p.ljust(9, "0"), 16), len(p))):
            short, long = rows[prefix]
            out.write(f"{prefix}\t{short}\t{long}\n")
    print(f"{OUT}: {len(rows)} prefixes", file=sys.stderr)


if __name__ == "__main__":
    main()
