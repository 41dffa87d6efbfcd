# Writes one HTTP exchange (GET and a 403 answer, on its own connection) per
# client port given, the server on 8081, as a pcap: the experiment behind
# src/dissect/http/ports.rs. Which of the ports does tshark take from HTTP?
#
#   ports=$(tshark -G decodes | awk -F'\t' '$1=="tcp.port" && $2!=8081 {print $2}' | sort -un)
#   python3 sample-captures/http_port_claims.py /tmp/p.pcap $ports
#   tshark -n -r /tmp/p.pcap -Y 'tcp.len > 0 && tcp.dstport == 8081 && !http' -T fields -e tcp.srcport
import struct, sys
ports = [int(p) for p in sys.argv[2:]]
req = b"GET / HTTP/1.1\r\nConnection: close\r\nHost: 127.0.0.1:8081\r\n\r\n"
body = b"<html>\r\n<head><title>403 Forbidden</title></head>\r\n</html>\r\n"
resp = (b"HTTP/1.1 403 Forbidden\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)) + body
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
t = [0]
def pkt(sp, dp, seq, ack, flags, data=b""):
    tcp = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, bytes([127,0,0,1]), bytes([127,0,0,1]))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    frame = b"\0" * 12 + b"\x08\x00" + ip + tcp
    t[0] += 1000
    out.write(struct.pack("<IIII", t[0] // 1000000, t[0] % 1000000, len(frame), len(frame)) + frame)
for c in ports:
    s = 8081
    pkt(c, s, 0, 0, 0x02); pkt(s, c, 0, 1, 0x12); pkt(c, s, 1, 1, 0x10)
    pkt(c, s, 1, 1, 0x18, req); pkt(s, c, 1, 1 + len(req), 0x10)
    pkt(s, c, 1, 1 + len(req), 0x18, resp); pkt(c, s, 1 + len(req), 1 + len(resp), 0x10)
    pkt(c, s, 1 + len(req), 1 + len(resp), 0x11); pkt(s, c, 1 + len(resp), 2 + len(req), 0x11); pkt(c, s, 2 + len(req), 2 + len(resp), 0x10)
