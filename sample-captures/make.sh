#!/usr/bin/env bash
# Regenerates the sample captures in this directory from real loopback
# traffic made by `wirelens gen` (plus ping, dig and a veth pair). Needs root
# (live capture, port 53, network namespaces), tcpdump, dig, dumpcap and
# python3. The exchanges are the same on every run; ports of clients,
# timestamps and TCP sequence numbers differ.
#
#   sample-captures/make.sh            # all captures
#   sample-captures/make.sh web dns    # only these (names as in the list below)
set -euo pipefail
cd "$(dirname "$0")"
here=$PWD
wl=${WIRELENS:-$here/../target/debug/wirelens}
if [[ ! -x $wl ]]; then
    (cd .. && cargo build --quiet)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# capture FILE "TCPDUMP ARGS" COMMAND...: records while COMMAND runs.
capture() {
    local out=$1 args=$2
    shift 2
    # shellcheck disable=SC2086 # the tcpdump arguments are meant to be split
    tcpdump -Z root -U --immediate-mode -n -s 0 -w "$tmp/$out" $args 2>"$tmp/tcpdump.log" &
    local pid=$!
    for _ in $(seq 100); do
        grep -q "listening on" "$tmp/tcpdump.log" 2>/dev/null && break
        sleep 0.05
    done
    "$@" >"$tmp/run.log" 2>&1 || { cat "$tmp/run.log"; kill -INT $pid; exit 1; }
    # Let the last packets reach the capture before stopping it.
    sleep 0.5
    kill -INT $pid
    wait $pid || true
    mv "$tmp/$out" "$here/$out"
    printf '%-28s %3d packets  %s\n' "$out" "$(tcpdump -r "$here/$out" 2>/dev/null | wc -l)" "$*"
}

tcp_upper() {
    capture tcp-upper.pcap "-i lo tcp port 12000" \
        "$wl" gen tcp-upper -m "hello wirelens" -m "second message"
    capture tcp-upper-keep.pcap "-i lo tcp port 12000" \
        "$wl" gen tcp-upper --keep -m "one connection" -m "two messages"
    capture tcp-upper-ipv6.pcap "-i lo tcp port 12000" \
        "$wl" gen tcp-upper --bind ::1 -m "hello over ipv6"
}

udp_upper() {
    capture udp-upper.pcap "-i lo udp port 12000" \
        "$wl" gen udp-upper -m "hello wirelens" -m "second datagram"
}

web() {
    capture web.pcap "-i lo tcp port 6789" \
        "$wl" gen web / /missing.html /style.css
    capture web-pipeline.pcap "-i lo tcp port 6789" \
        "$wl" gen web --pipeline / /missing.html
}

# The classic lab setting: curl against Python's own web server on 6789.
python_web_client() {
    python3 -m http.server 6789 --bind 127.0.0.1 --directory "$here/../assets/web" >/dev/null 2>&1 &
    local server=$!
    for _ in $(seq 50); do
        curl -s -o /dev/null http://127.0.0.1:6789/ 2>/dev/null && break
        sleep 0.1
    done
    local status=0
    curl -s -o /dev/null http://127.0.0.1:6789/index.html || status=$?
    curl -s -o /dev/null http://127.0.0.1:6789/missing.html || status=$?
    kill $server
    wait $server 2>/dev/null || true
    return $status
}

python_web() {
    capture python-web.pcap "-i lo tcp port 6789" python_web_client
}

ping_lab() {
    capture ping.pcap "-i lo udp port 12000" \
        "$wl" gen ping --count 10 --loss 0.3 --seed 7
}

chat() {
    capture chat.pcap "-i lo tcp port 12000" \
        "$wl" gen chat -m "hi, server here?" -m "yes, hello client" -m "bye"
}

# Runs our DNS server on port 53 while the given client commands run.
dns_session() {
    "$wl" gen dns --server --port 53 &
    local server=$!
    sleep 0.3
    local status=0
    "$@" || status=$?
    kill -INT $server
    wait $server || true
    return $status
}

dns_udp_clients() {
    "$wl" gen dns --client --port 53
    dig @127.0.0.1 -p 53 www.lab.test A
    dig @127.0.0.1 -p 53 +noedns lab.test MX
}

dns_tcp_clients() {
    "$wl" gen dns --client --port 53 --tcp www AAAA web A nothere A
    dig @127.0.0.1 -p 53 +tcp info.lab.test TXT
}

dns() {
    capture dns-udp.pcap "-i lo udp port 53" dns_session dns_udp_clients
    capture dns-tcp.pcap "-i lo tcp port 53" dns_session dns_tcp_clients
}

# dig asking our server, serving assets/zone-records.txt, for each record type.
dns_records_clients() {
    "$wl" gen dns --server --port 53 --zone "$here/../assets/zone-records.txt" &
    local server=$!
    sleep 0.3
    local status=0 q
    for q in "rr.test HINFO" "rr.test CAA" "rr.test NAPTR" "rr.test SSHFP" "_443._tcp.rr.test TLSA" \
        "rr.test HTTPS" "_dns.rr.test SVCB" "_sip._udp.rr.test SRV"; do
        # shellcheck disable=SC2086 # name and type are two arguments
        dig @127.0.0.1 -p 53 $q || status=$?
    done
    kill -INT $server
    wait $server || true
    return $status
}

dns_records() {
    capture dns-records.pcap "-i lo udp port 53" dns_records_clients
}

smtp_errors_client() {
    "$wl" gen smtp --server --port 25 --max-size 100 &
    local server=$!
    sleep 0.3
    local body1="This body is longer than the server's 100-byte limit,"
    local body2="so the server answers 552 after the final dot."
    # One command at a time, so that each reply follows its command; the
    # first goes before the greeting, on purpose (503).
    for line in "MAIL FROM:<a@lab.test>" "FROB" "HELO client.lab.test" "RCPT TO:<b@lab.test>" \
        "MAIL FROM:<a@lab.test>" "RCPT TO:<b@lab.test>" "DATA" "$body1" "$body2" "." "QUIT"; do
        printf '%s\r\n' "$line"
        sleep 0.05
    done |
        nc -N 127.0.0.1 25
    kill -INT $server
    wait $server || true
}

smtp() {
    capture smtp.pcap "-i lo tcp port 25" \
        "$wl" gen smtp --port 25
    capture smtp-errors.pcap "-i lo tcp port 25" smtp_errors_client
}

icmp() {
    capture icmp.pcap "-i lo icmp" ping -c 2 -i 0.2 127.0.0.1
    capture icmpv6.pcap "-i lo icmp6" ping -6 -c 2 -i 0.2 ::1
}

cooked() {
    capture sll-v1.pcap "-i any -y LINUX_SLL udp port 12000" \
        "$wl" gen udp-upper -m "cooked capture v1"
    capture sll-v2.pcap "-i any -y LINUX_SLL2 udp port 12000" \
        "$wl" gen udp-upper -m "cooked capture v2"
}

# A veth pair: wl-veth0 (10.99.0.1, 02:00:00:00:00:01) here and wl-veth1
# (10.99.0.2, 02:00:00:00:00:02) in the namespace wl-lab, so that there are
# real Ethernet neighbours to ARP for.
veth_up() {
    veth_down
    ip netns add wl-lab
    ip link add wl-veth0 address 02:00:00:00:00:01 type veth peer name wl-veth1 address 02:00:00:00:00:02
    ip link set wl-veth1 netns wl-lab
    ip addr add 10.99.0.1/24 dev wl-veth0
    ip link set wl-veth0 up
    ip netns exec wl-lab ip addr add 10.99.0.2/24 dev wl-veth1
    ip netns exec wl-lab ip link set wl-veth1 up
    ip netns exec wl-lab ip link set lo up
    # IPv6 duplicate address detection and router solicitations would add noise.
    sysctl -qw net.ipv6.conf.wl-veth0.disable_ipv6=1
    ip netns exec wl-lab sysctl -qw net.ipv6.conf.wl-veth1.disable_ipv6=1
    sleep 0.5
}

veth_down() {
    ip link del wl-veth0 2>/dev/null || true
    ip netns del wl-lab 2>/dev/null || true
}

# This kernel has no 802.1Q module, so the tagged frames are written onto the
# veth with a packet socket: VLAN 10, an ARP request and a UDP datagram.
vlan_frames() {
    python3 - <<'PY'
import socket, struct

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

src, dst, bcast = bytes.fromhex("020000000001"), bytes.fromhex("020000000002"), b"\xff" * 6
tag = struct.pack("!HH", 0x8100, 10)  # TPID, PCP 0 DEI 0 VID 10
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, src, socket.inet_aton("10.99.10.1"),
                  b"\0" * 6, socket.inet_aton("10.99.10.2"))
payload = b"hello vlan 10"
udp = struct.pack("!HHHH", 40000, 40001, 8 + len(payload), 0) + payload
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0x4000, 64, 17, 0,
                 socket.inet_aton("10.99.10.1"), socket.inet_aton("10.99.10.2"))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("wl-veth0", 0))
s.send(bcast + src + tag + struct.pack("!H", 0x0806) + arp)
s.send(dst + src + tag + struct.pack("!H", 0x0800) + ip + udp)
PY
}

arp_vlan() {
    veth_up
    capture arp.pcap "-i wl-veth0 arp or icmp" ping -c 2 -i 0.2 10.99.0.2
    capture vlan.pcap "-i wl-veth0 vlan" vlan_frames
    veth_down
}

# One pcapng, two interfaces with different link types: lo (Ethernet) with
# a UDP uppercase exchange and any (Linux cooked v1) with an ICMP echo.
two_interfaces() {
    local out=two-interfaces.pcapng
    dumpcap -q -i lo -f "udp port 12000" -i any -f "icmp" -w "$tmp/$out" 2>"$tmp/dumpcap.log" &
    local pid=$!
    sleep 1.5
    "$wl" gen udp-upper -m "interface one" >/dev/null
    ping -c 1 127.0.0.1 >/dev/null
    sleep 0.5
    kill -INT $pid
    wait $pid || true
    mv "$tmp/$out" "$here/$out"
    printf '%-28s %3d packets  %s\n' "$out" "$(tshark -r "$here/$out" 2>/dev/null | wc -l)" "dumpcap -i lo -i any"
}

# Packet comments (pcapng opt_comment), as a Wireshark user adds them: a UDP
# uppercase exchange captured on lo, then two of its packets annotated by
# editcap (one comment with a comma and non-ASCII text, for the outputs'
# quoting).
commented() {
    local out=commented.pcapng
    # Port 40123: tshark decodes 12000 and 12001 as LLC, which would hide the comments' comparison.
    capture "$out.tmp.pcapng" "-i lo udp port 40123" "$wl" gen udp-upper --port 40123 -m "note this" -m "and this"
    editcap -a '1:first request, from the client' -a '4:réponse – the last one' "$here/$out.tmp.pcapng" "$here/$out"
    rm -f "$here/$out.tmp.pcapng"
}

all=(tcp_upper udp_upper web python_web ping_lab chat dns dns_records smtp icmp cooked arp_vlan two_interfaces commented)
if [[ $# -gt 0 ]]; then
    all=("${@//-/_}")
fi
for step in "${all[@]}"; do
    "$step"
done
