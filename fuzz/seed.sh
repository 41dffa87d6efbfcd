#!/usr/bin/env bash
# Builds the fuzz targets' seed corpora from the sample captures, into
# fuzz/corpus/<target>/ (generated, not committed): whole captures for
# `reader`, `pipeline` and `columns`, conversations' payloads (in `tcp_apps`' input
# format, when tshark and python3 are there) for `tcp_apps`, and the filter
# strings of tests/filter_diff.rs plus fuzz/seeds/filter for `filter`.
set -euo pipefail
cd "$(dirname "$0")"
samples=../sample-captures
mkdir -p corpus/reader corpus/pipeline corpus/columns corpus/tcp_apps corpus/filter corpus/qpack
for f in "$samples"/*.pcap "$samples"/*.pcapng; do
    cp "$f" corpus/reader/
    cp "$f" corpus/pipeline/
    cp "$f" corpus/columns/
done
# QPACK: RFC 9204 Appendix B.2's encoder stream and section (split byte,
# stream, section), so the fuzzer starts from a dynamic table in use.
printf '\xe5\x3f\xbd\x01\xc0\x0fwww.example.com\xc1\x0c/sample/path\x03\x81\x10\x11' > corpus/qpack/rfc9204-b2
# Filters: every quoted string of the differential test's list, one a file.
python3 - <<'PY'
import hashlib, re, pathlib
out = pathlib.Path("corpus/filter")
texts = set(re.findall(r'^\s*"((?:[^"\\]|\\.)*)",', pathlib.Path("../tests/filter_diff.rs").read_text(), re.M))
for p in pathlib.Path("seeds/filter").glob("*"):
    texts.update(l for l in p.read_text().splitlines() if l.strip())
for t in texts:
    t = t.encode().decode("unicode_escape")
    (out / hashlib.sha1(t.encode()).hexdigest()).write_text(t)
PY
# TCP applications: each sample conversation's payloads, client or server.
if command -v tshark >/dev/null; then
    for pair in web:0 python-web:0 web-pipeline:0 smtp:1 smtp-errors:1 dns-tcp:2 ftp:3 ftp-transfers:3 tls12:4 tls13:4 tls-keylog:4 ssh:5 pop3:6 imap:7; do
        name=${pair%%:*} app=${pair##*:}
        tshark -r "$samples/$name.pcap" -Y 'tcp.len > 0' -T fields -e tcp.stream -e tcp.srcport -e tcp.dstport -e tcp.payload 2>/dev/null |
            python3 -c '
import sys, collections
app, name = int(sys.argv[1]), sys.argv[2]
convs = collections.defaultdict(bytearray)
for line in sys.stdin:
    stream, sport, dport, payload = line.rstrip("\n").split("\t")
    data = bytes.fromhex(payload.replace(":", ""))
    d = 1 if int(sport) < int(dport) else 0
    convs[stream] += bytes([d]) + len(data).to_bytes(2, "big") + data
for s, c in convs.items():
    open(f"corpus/tcp_apps/{name}-{s}", "wb").write(bytes([app]) + c)
' "$app" "$name"
    done
else
    echo "seed.sh: no tshark, tcp_apps starts from its hand-made seeds only" >&2
fi
# Hand-made conversations: chunked and gzip-compressed HTTP, SMTP, DNS.
python3 - <<'PY'
import gzip, pathlib
def seg(d, b): return bytes([d]) + len(b).to_bytes(2, "big") + b
body = gzip.compress(b"<html>" + b"hello " * 40 + b"</html>")
chunked = b"".join(b"%x\r\n" % len(body[i:i+50]) + body[i:i+50] + b"\r\n" for i in range(0, len(body), 50)) + b"0\r\n\r\n"
http = seg(0, b"GET /a HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n") + \
       seg(1, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n" + chunked[:70]) + \
       seg(1, chunked[70:])
smtp = seg(1, b"220 mx ESMTP\r\n") + seg(0, b"EHLO a\r\n") + seg(1, b"250-mx\r\n250 8BITMIME\r\n") + \
       seg(0, b"MAIL FROM:<a@b>\r\n") + seg(1, b"250 ok\r\n") + seg(0, b"DATA\r\n") + seg(1, b"354 go\r\n") + \
       seg(0, b"Subject: x\r\n\r\nhi\r\n.\r\n") + seg(1, b"250 queued\r\n")
q = bytes.fromhex("12340100000100000000000003777777076578616d706c6503636f6d0000010001")
dns = seg(0, len(q).to_bytes(2, "big") + q[:10]) + seg(0, q[10:])
for n, b in [("http-chunked-gzip", bytes([0]) + http), ("smtp", bytes([1]) + smtp), ("dns", bytes([2]) + dns)]:
    pathlib.Path("corpus/tcp_apps", n).write_bytes(b)
PY
echo "seed.sh: $(ls corpus/reader | wc -l) reader, $(ls corpus/pipeline | wc -l) pipeline, $(ls corpus/tcp_apps | wc -l) tcp_apps, $(ls corpus/filter | wc -l) filter seeds"
