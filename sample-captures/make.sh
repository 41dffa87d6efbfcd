#!/usr/bin/env bash
# Regenerates the sample captures in this directory from real loopback
# traffic made by `wirelens gen` (plus ping, dig, a veth pair, openssl, curl,
# OpenSSH, pyftpdlib, Dovecot, rp-pppoe, nginx, nftables, swaks and aiosmtpd). Needs root (live capture, ports 53, 443 and 22, network
# namespaces), tcpdump, dig, dumpcap, python3, openssl, curl, sshd and ssh. The exchanges are the same on every run; ports of clients,
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
    # shellcheck disable=SC2086 # the tcpdump arguments (and the namespace prefix) are meant to be split
    ${capture_ns:-} tcpdump -Z root -U --immediate-mode -n -s 0 -w "$tmp/$out" $args 2>"$tmp/tcpdump.log" &
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

# dnsmasq answering on 127.0.0.1 port 5300 (no upstream, one local
# record) while dig asks it: DNS on a port no dissector table names.
dns_5300_session() {
    dnsmasq --keep-in-foreground --no-resolv --no-hosts --port=5300 --listen-address=127.0.0.1 \
        --bind-interfaces --pid-file="$tmp/dnsmasq.pid" --address=/lab.test/10.99.0.53 2>/dev/null &
    local server=$!
    sleep 0.5
    local status=0
    dig @127.0.0.1 -p 5300 www.lab.test A || status=$?
    dig @127.0.0.1 -p 5300 +tcp lab.test A || status=$?
    kill $server
    wait $server 2>/dev/null || true
    return $status
}

dns_5300() {
    capture dns-5300.pcap "-i lo port 5300" dns_5300_session
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

# The kernel's own IGMP: a host in the namespace joins and leaves a group
# with IGMPv3, then with IGMPv2 forced, then joins one source of a
# source-specific group (the kernel repeats each report once).
igmp_joins() {
    ip netns exec wl-lab python3 - <<'PY'
import socket, struct, time
def force(v):
    with open("/proc/sys/net/ipv4/conf/wl-veth1/force_igmp_version", "w") as f:
        f.write(str(v))
def join_leave(group, version):
    force(version)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    mreq = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton("10.99.0.2"))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    time.sleep(0.3)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, mreq)
    time.sleep(0.3)
    s.close()
join_leave("239.1.2.3", 3)
join_leave("239.4.5.6", 2)
force(0)
IP_ADD_SOURCE_MEMBERSHIP = 39
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
mreq = struct.pack("4s4s4s", socket.inet_aton("232.1.1.1"), socket.inet_aton("10.99.0.2"), socket.inet_aton("10.99.0.1"))
s.setsockopt(socket.IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, mreq)
time.sleep(0.5)
PY
}

igmp() {
    veth_up
    capture igmp.pcap "-i wl-veth0 igmp" igmp_joins
    veth_down
}

# stop PID: ends a server started in the background and waits for it.
stop() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# dnsmasq serves DHCP on wl-veth0; dhclient in the namespace takes a lease
# on wl-veth1 (Discover, Offer, Request, ACK), asks for it again (Request,
# ACK), sends an Inform and releases it.
dhcp_clients() {
    local d=$tmp/dhcp
    mkdir -p "$d"
    ip netns exec wl-lab ip addr flush dev wl-veth1
    dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=wl-veth0 --bind-interfaces \
        --dhcp-range=10.99.0.50,10.99.0.59,255.255.255.0,1h --dhcp-option=option:router,10.99.0.1 \
        --dhcp-option=option:dns-server,10.99.0.1 --dhcp-option=option:domain-name,lab.test \
        --dhcp-leasefile="$d/leases" --pid-file="$d/dnsmasq.pid" --no-ping >"$d/dnsmasq.log" 2>&1 &
    local server=$!
    sleep 0.5
    local status=0
    local cl=(ip netns exec wl-lab dhclient -4 -1 -sf /bin/true -pf "$d/dhclient.pid" -lf "$d/dhclient.leases")
    "${cl[@]}" -v wl-veth1 || status=$?
    "${cl[@]}" -x wl-veth1 || true
    "${cl[@]}" -v wl-veth1 || status=$?
    "${cl[@]}" -r wl-veth1 || status=$?
    stop $server
    return $status
}

dhcp() {
    veth_up
    capture dhcp.pcap "-i wl-veth0 udp port 67 or udp port 68" dhcp_clients
    veth_down
}

# chronyd serving time on 127.0.0.1 (its local clock at stratum 10, the
# system clock left alone) and ntpdate asking it (query only, twice).
ntp_clients() {
    local d=$tmp/ntp
    mkdir -p "$d"
    printf 'bindaddress 127.0.0.1\nallow 127.0.0.1\nlocal stratum 10\nport 123\ncmdport 0\npidfile %s/chronyd.pid\ndriftfile %s/drift\n' \
        "$d" "$d" >"$d/chrony.conf"
    chronyd -x -d -f "$d/chrony.conf" >"$d/chronyd.log" 2>&1 &
    local server=$!
    sleep 1
    local status=0
    ntpdate -q 127.0.0.1 || status=$?
    ntpdate -q 127.0.0.1 || status=$?
    stop $server
    return $status
}

ntp() {
    capture ntp.pcap "-i lo udp port 123" ntp_clients
}

# nmbd in the namespace (NetBIOS name LABHOST on wl-veth1) answering
# nmblookup here: a name query and a node status query, both unicast.
nbns_clients() {
    local d=$tmp/nbns
    mkdir -p "$d/private" "$d/lock" "$d/state" "$d/cache"
    printf '[global]\nnetbios name = LABHOST\nworkgroup = LAB\ninterfaces = wl-veth1\nbind interfaces only = yes\n' >"$d/smb.conf"
    printf 'private dir = %s/private\nlock directory = %s/lock\nstate directory = %s/state\n' "$d" "$d" "$d" >>"$d/smb.conf"
    printf 'cache directory = %s/cache\npid directory = %s\nlog file = %s/log.%%m\n' "$d" "$d" "$d" >>"$d/smb.conf"
    ip netns exec wl-lab nmbd --foreground --no-process-group -s "$d/smb.conf" >"$d/nmbd.log" 2>&1 &
    local server=$!
    sleep 2
    local status=0
    printf '[global]\nworkgroup = LAB\ninterfaces = wl-veth0\nbind interfaces only = yes\n' >"$d/client.conf"
    nmblookup -s "$d/client.conf" -U 10.99.0.2 --recursion LABHOST || status=$?
    nmblookup -s "$d/client.conf" -A 10.99.0.2 || status=$?
    stop $server
    return $status
}

nbns() {
    veth_up
    capture nbns.pcap "-i wl-veth0 udp port 137 and host 10.99.0.1 and host 10.99.0.2" nbns_clients
    veth_down
}

# ssdpy's SSDP server in the namespace on wl-veth1, ssdpy's client here
# searching by multicast on wl-veth0 (two M-SEARCHes; the server answers
# each with a unicast NOTIFY).
ssdp_clients() {
    ip netns exec wl-lab ip route add 239.255.255.250/32 dev wl-veth1
    ip route add 239.255.255.250/32 dev wl-veth0
    ip netns exec wl-lab timeout 5 python3 -c '
from ssdpy import SSDPServer
SSDPServer("uuid:wirelens-lab-device", iface=b"wl-veth1", max_age=1800,
           location="http://10.99.0.2:8080/description.xml", device_type="urn:lab-test:device:Lamp:1").serve_forever()
' &
    local server=$!
    sleep 1
    local status=0
    python3 -c '
from ssdpy import SSDPClient
c = SSDPClient(iface=b"wl-veth0", timeout=1)
for st in ("ssdp:all", "urn:lab-test:device:Lamp:1"):
    print(c.m_search(st=st, mx=1))
' || status=$?
    stop $server
    return $status
}

ssdp() {
    veth_up
    capture ssdp.pcap "-i wl-veth0 udp port 1900" ssdp_clients
    veth_down
}

# pyftpdlib (pip) serving a directory on 127.0.0.1:21 to curl: a listing
# and a download in extended passive mode (EPSV), a download in passive
# (PASV), extended active (EPRT) and active (PORT) mode.
ftp_clients() {
    local d=$tmp/ftp
    mkdir -p "$d/root"
    printf 'hello from the FTP lab\n' >"$d/root/hello.txt"
    python3 -m pyftpdlib -i 127.0.0.1 -p 21 -d "$d/root" >"$d/server.log" 2>&1 &
    local server=$!
    sleep 1
    local status=0 u=ftp://127.0.0.1
    curl -s "$u/" || status=$?
    curl -s "$u/hello.txt" || status=$?
    curl -s --disable-epsv "$u/hello.txt" || status=$?
    curl -s -P 127.0.0.1 "$u/hello.txt" || status=$?
    curl -s -P 127.0.0.1 --disable-eprt "$u/hello.txt" || status=$?
    stop $server
    return $status
}

ftp() {
    capture ftp.pcap "-i lo tcp" ftp_clients
}

# pyftpdlib with write access for the anonymous user on 127.0.0.21 (an
# address of its own, so the capture holds this session alone) and
# Python's ftplib as the client: one session that moves into a directory (CWD, so the
# working directory changes), lists it (NLST, passive), downloads a file
# (RETR, passive), uploads one (STOR, active PORT), goes back up (CDUP) and
# lists again (LIST, extended passive).
ftp_transfers_client() {
    local d=$tmp/ftp-transfers
    mkdir -p "$d/root/pub"
    printf 'first line of the lab file\nsecond line\n' >"$d/root/pub/notes.txt"
    python3 -m pyftpdlib -i 127.0.0.21 -p 21 -w -d "$d/root" >"$d/server.log" 2>&1 &
    local server=$!
    sleep 1
    local status=0
    timeout 20 python3 -c '
import ftplib, io
f = ftplib.FTP()
f.connect("127.0.0.21", 21)
f.login()
f.cwd("pub")
f.set_pasv(True)
f.nlst()
f.retrbinary("RETR notes.txt", lambda b: None)
f.set_pasv(False)
f.storbinary("STOR upload.txt", io.BytesIO(b"uploaded by ftplib\r\n" * 3))
f.set_pasv(True)
f.sendcmd("CDUP")
f.pwd()
f.af = 0  # ftplib asks EPSV instead of PASV when the family is not IPv4
f.dir(lambda line: None)
f.quit()
' || status=$?
    stop $server
    return $status
}

ftp_transfers() {
    capture ftp-transfers.pcap "-i lo tcp and host 127.0.0.21" ftp_transfers_client
}

# Dovecot (its pop3 and imap services, plain text, a static password) on
# 127.0.0.110, an address of its own, serving one Maildir message; a mail
# client's session against it: Python's poplib (USER/PASS, STAT, LIST, UIDL,
# RETR, TOP, QUIT) and curl's POP3 (CAPA, AUTH PLAIN, RETR), or Python's
# imaplib (LOGIN, LIST, SELECT, SEARCH, FETCH of the whole message, UID
# FETCH of flags, LOGOUT) and curl's IMAP. $1: pop3 or imap; with $2
# `starttls`, Dovecot has a certificate (tls_cert's) and the one client
# upgrades the session first (poplib's STLS, imaplib's STARTTLS), then logs
# in and out inside TLS.
mail_access_session() {
    local kind=$1 starttls=${2:-} d=$tmp/dovecot ssl=no
    if [[ $starttls ]]; then
        tls_cert
        ssl="yes
ssl_cert = <$tmp/cert.pem
ssl_key = <$tmp/key.pem"
    fi
    rm -rf "$d"
    mkdir -p "$d/state" "$d/mail/lab/Maildir/cur" "$d/mail/lab/Maildir/new" "$d/mail/lab/Maildir/tmp"
    printf 'From: Alice <alice@lab.test>\r\nTo: Bob <bob@lab.test>\r\nSubject: Lab notes\r\nDate: Sat, 05 Dec 2026 12:00:00 +0000\r\nMessage-ID: <lab1@lab.test>\r\n\r\nHello Bob,\r\nthe POP3 and IMAP lab works.\r\n.a line that starts with a dot\r\n' \
        >"$d/mail/lab/Maildir/new/1.lab:2,"
    chown -R dovecot:dovecot "$d/mail"
    chmod 755 "$tmp" "$d"
    cat >"$d/dovecot.conf" <<EOF
base_dir = $d/run
state_dir = $d/state
listen = 127.0.0.110
protocols = pop3 imap
ssl = $ssl
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = $d/dovecot.log
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
first_valid_uid = 1
passdb {
  driver = static
  args = password=labpass
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$d/mail/%u
}
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
EOF
    dovecot -F -c "$d/dovecot.conf" >"$d/out.log" 2>&1 &
    local server=$!
    sleep 1.5
    local status=0
    if [[ $starttls && $kind == pop3 ]]; then
        timeout 20 python3 -c '
import poplib, ssl
p = poplib.POP3("127.0.0.110", 110)
p.stls(ssl._create_unverified_context())
p.user("lab"); p.pass_("labpass"); p.stat(); p.quit()
' || status=$?
    elif [[ $starttls ]]; then
        timeout 20 python3 -c '
import imaplib, ssl
m = imaplib.IMAP4("127.0.0.110", 143)
m.starttls(ssl._create_unverified_context())
m.login("lab", "labpass"); m.select("INBOX"); m.logout()
' || status=$?
    elif [[ $kind == pop3 ]]; then
        timeout 20 python3 -c '
import poplib
p = poplib.POP3("127.0.0.110", 110)
p.user("lab"); p.pass_("labpass")
p.stat(); p.list(); p.uidl(); p.retr(1); p.top(1, 0); p.quit()
' || status=$?
        timeout 20 curl -s -u lab:labpass -o /dev/null pop3://127.0.0.110/1 || status=$?
    else
        timeout 20 python3 -c '
import imaplib
m = imaplib.IMAP4("127.0.0.110", 143)
m.login("lab", "labpass")
m.list(); m.select("INBOX"); m.search(None, "ALL"); m.fetch("1", "(RFC822)"); m.uid("FETCH", "1", "(FLAGS)"); m.logout()
' || status=$?
        timeout 20 curl -s -u lab:labpass -o /dev/null "imap://127.0.0.110/INBOX;UID=1" || status=$?
    fi
    stop $server
    return $status
}

mail_access() {
    capture pop3.pcap "-i lo tcp and host 127.0.0.110 and port 110" mail_access_session pop3
    capture imap.pcap "-i lo tcp and host 127.0.0.110 and port 143" mail_access_session imap
}

mail_starttls() {
    capture pop3-starttls.pcap "-i lo tcp and host 127.0.0.110 and port 110" mail_access_session pop3 starttls
    capture imap-starttls.pcap "-i lo tcp and host 127.0.0.110 and port 143" mail_access_session imap starttls
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


# Waits until something listens on 127.0.0.1:$1, without connecting to it
# (a probe connection would show up in the capture).
wait_listening() {
    for _ in $(seq 50); do
        ss -ltnH "sport = :$1" | grep -q . && return
        sleep 0.1
    done
}

# A throwaway self-signed certificate for lab.test, made by openssl.
tls_cert() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
        -subj "/CN=lab.test/O=wirelens lab" -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
}

# openssl s_server on 127.0.0.1:PORT (`-www`: it answers a GET with a status
# page) while `openssl s_client` connects with SNI lab.test and ALPN, sends a
# request and reads the answer. $1 port, $2 s_client's version flag.
tls_session() {
    local port=$1 version=$2
    openssl s_server -accept "127.0.0.1:$port" -cert "$tmp/cert.pem" -key "$tmp/key.pem" -alpn http/1.1 \
        -www -quiet >/dev/null 2>&1 &
    local server=$!
    wait_listening "$port"
    local status=0
    printf 'GET /wirelens HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -connect "127.0.0.1:$port" "$version" \
        -servername lab.test -alpn http/1.1 -ign_eof -quiet >/dev/null 2>&1 || status=$?
    kill $server
    wait $server 2>/dev/null || true
    return $status
}

# curl (its own ClientHello: ALPN h2 and http/1.1, many extensions) against
# openssl s_server on a port no dissector claims: TLS found by heuristics.
https_session() {
    local port=$1
    openssl s_server -accept "127.0.0.1:$port" -cert "$tmp/cert.pem" -key "$tmp/key.pem" -www -quiet >/dev/null 2>&1 &
    local server=$!
    wait_listening "$port"
    local status=0
    timeout 10 curl -sk --http1.1 --resolve "lab.test:$port:127.0.0.1" -o /dev/null "https://lab.test:$port/" || status=$?
    kill $server
    wait $server 2>/dev/null || true
    return $status
}

tls() {
    tls_cert
    capture tls12.pcap "-i lo tcp port 443" tls_session 443 -tls1_2
    capture tls13.pcap "-i lo tcp port 443" tls_session 443 -tls1_3
    capture https-heuristic.pcap "-i lo tcp port 8853" https_session 8853
}

# curl fetching three pages over one connection from nginx (files from
# $tmp/www) with SSLKEYLOGFILE set, so that the capture can be decrypted
# with the key log beside it. $1 nginx's ssl_protocols, $2 its ssl_ciphers
# (TLS 1.2), then curl's own flags.
keylog_fetch() {
    local protocols=$1 ciphers=$2
    shift 2
    cat >"$tmp/nginx.conf" <<CONF
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 16; }
http {
    access_log off;
    default_type text/html;
    client_body_temp_path $tmp/nginx-body;
    server {
        listen 127.0.0.1:443 ssl;
        server_name lab.test;
        root $tmp/www;
        ssl_certificate $tmp/rsa-cert.pem;
        ssl_certificate_key $tmp/rsa-key.pem;
        ssl_protocols $protocols;
        ssl_ciphers $ciphers;
    }
}
CONF
    nginx -c "$tmp/nginx.conf" -g 'daemon off; master_process off;' &
    local server=$!
    wait_listening 443
    local status=0
    SSLKEYLOGFILE="$tmp/keylog.txt" timeout 10 curl -sk --http1.1 --resolve "lab.test:443:127.0.0.1" "$@" \
        -o /dev/null "https://lab.test/lecture.html" -o /dev/null "https://lab.test/notes.txt" \
        -o /dev/null "https://lab.test/reading.html" || status=$?
    kill $server
    wait $server 2>/dev/null || true
    return $status
}

# TLS 1.3 with its three AEADs, then TLS 1.2's ECDHE-RSA with AES-128-GCM,
# AES-256-GCM and ChaCha20-Poly1305, one connection each.
keylog_sessions() {
    keylog_fetch TLSv1.3 HIGH --tls13-ciphers TLS_AES_128_GCM_SHA256
    keylog_fetch TLSv1.3 HIGH --tls13-ciphers TLS_AES_256_GCM_SHA384
    keylog_fetch TLSv1.3 HIGH --tls13-ciphers TLS_CHACHA20_POLY1305_SHA256
    keylog_fetch TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256
    keylog_fetch TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384
    keylog_fetch TLSv1.2 ECDHE-RSA-CHACHA20-POLY1305
}

# tls-keylog.pcap and its key log tls-keylog.txt (what curl wrote), and the
# same packets as pcapng with the key log inside (a Decryption Secrets Block).
tls_keylog() {
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=lab.test/O=wirelens lab" \
        -keyout "$tmp/rsa-key.pem" -out "$tmp/rsa-cert.pem" 2>/dev/null
    mkdir -p "$tmp/www"
    printf '<html><head><title>Lecture 7</title></head><body><p>TLS, decrypted.</p></body></html>\n' \
        >"$tmp/www/lecture.html"
    printf 'Key logs: CLIENT_RANDOM for TLS 1.2, traffic secrets for TLS 1.3.\n' >"$tmp/www/notes.txt"
    # Longer than a record (16 KiB): its response spans two records.
    python3 -c "print('<html><body>' + ' '.join(f'word{i % 97}' for i in range(2600)) + '</body></html>')" \
        >"$tmp/www/reading.html"
    rm -f "$tmp/keylog.txt"
    capture tls-keylog.pcap "-i lo tcp port 443" keylog_sessions
    cp "$tmp/keylog.txt" "$here/tls-keylog.txt"
    editcap --inject-secrets "tls,$here/tls-keylog.txt" "$here/tls-keylog.pcap" "$here/tls-keylog-dsb.pcapng"
}

# Four short OpenSSH sessions on 127.0.0.1:22 (sshd -D with a temporary host
# key, key authentication, BatchMode), running `echo` on the server.
ssh_session() {
    local d=$tmp/ssh
    mkdir -p "$d" /run/sshd
    ssh-keygen -q -t ed25519 -N "" -f "$d/host"
    ssh-keygen -q -t ed25519 -N "" -f "$d/client"
    cp "$d/client.pub" "$d/authorized_keys"
    printf 'Port 22\nListenAddress 127.0.0.1\nHostKey %s\nAuthorizedKeysFile %s\nPidFile %s\nStrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin yes\n' \
        "$d/host" "$d/authorized_keys" "$d/sshd.pid" >"$d/sshd_config"
    /usr/sbin/sshd -D -e -f "$d/sshd_config" 2>/dev/null &
    local server=$!
    wait_listening 22
    local status=0
    local opts=(-i "$d/client" -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=/dev/null
        -o StrictHostKeyChecking=no -o LogLevel=ERROR)
    timeout 20 ssh "${opts[@]}" root@127.0.0.1 echo hello wirelens || status=$?
    # Other ciphers and key exchanges: after a Diffie-Hellman or
    # elliptic-curve exchange tshark 4.0 shows encrypted packets without a
    # word, after a group exchange as "Encrypted packet (len=N)".
    timeout 20 ssh "${opts[@]}" -c aes128-ctr -m hmac-sha2-256 root@127.0.0.1 echo again || status=$?
    timeout 20 ssh "${opts[@]}" -o KexAlgorithms=diffie-hellman-group-exchange-sha256 root@127.0.0.1 echo gex \
        || status=$?
    timeout 20 ssh "${opts[@]}" -o KexAlgorithms=curve25519-sha256 root@127.0.0.1 echo ecdh || status=$?
    kill $server
    wait $server 2>/dev/null || true
    return $status
}

# PPP frames in RFC 1662's asynchronous HDLC framing (flag, escapes, FCS),
# as pppd hands them to rp-pppoe's `pppoe` client on its standard input:
# LCP configure and echo requests, PAP, IPCP and IPv6CP requests, a DNS
# query over IPv4 and an LCP terminate request. This kernel has no PPP
# driver for pppd itself, so the frames are written here.
ppp_frames() {
    python3 - <<'PY'
import struct, sys, time

def fcs16(data):
    fcs = 0xFFFF
    for b in data:
        fcs ^= b
        for _ in range(8):
            fcs = (fcs >> 1) ^ 0x8408 if fcs & 1 else fcs >> 1
    return fcs ^ 0xFFFF

def frame(proto, payload):
    body = b"\xff\x03" + struct.pack(">H", proto) + payload
    body += struct.pack("<H", fcs16(body))
    out = bytearray(b"\x7e")
    for b in body:
        out += bytes([0x7D, b ^ 0x20]) if b in (0x7E, 0x7D) or b < 0x20 else bytes([b])
    return bytes(out + b"\x7e")

def cp(code, ident, data):
    return struct.pack(">BBH", code, ident, 4 + len(data)) + data

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

query = bytes.fromhex("abcd01000001000000000000") + b"\x03lab\x04test\x00\x00\x01\x00\x01"
udp = struct.pack(">HHHH", 40000, 53, 8 + len(query), 0) + query
ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0x4000, 64, 17, 0, bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1]))
ip = ip[:10] + struct.pack(">H", csum(ip)) + ip[12:]
frames = [
    frame(0xC021, cp(1, 1, bytes.fromhex("010405d4" "050612345678" "0304c023"))),
    frame(0xC021, cp(9, 2, bytes.fromhex("12345678"))),
    frame(0xC023, cp(1, 3, b"\x03lab\x06secret")),
    frame(0x8021, cp(1, 4, bytes.fromhex("030600000000" "810600000000"))),
    frame(0x8057, cp(1, 5, bytes.fromhex("010a0000000000000001"))),
    frame(0x0021, ip + udp),
    frame(0xC021, cp(5, 6, b"")),
]
for f in frames:
    sys.stdout.buffer.write(f)
    sys.stdout.buffer.flush()
    time.sleep(0.05)
time.sleep(0.5)
PY
}

# rp-pppoe's pppoe-server on wl-veth0 and its `pppoe` client in the
# namespace: discovery (PADI, PADO, PADR, PADS), the session's PPP frames,
# and the PADTs that end it. The server's pppd is replaced by a sleeper
# that keeps the session open (no PPP driver here).
pppoe_session() {
    local d=$tmp/pppoe
    mkdir -p "$d"
    printf '#!/bin/sh\nsleep 3\n' >"$d/pppd"
    chmod +x "$d/pppd"
    timeout 8 pppoe-server -F -q "$d/pppd" -I wl-veth0 -L 10.0.0.1 -R 10.0.0.2 -N 2 -S labisp -C labac \
        >"$d/server.log" 2>&1 &
    local server=$!
    sleep 0.5
    ppp_frames | ip netns exec wl-lab timeout 5 pppoe -I wl-veth1 -S labisp -T 3 >/dev/null || true
    sleep 1
    stop $server
}

# Rewrites a capture's frames for another link type with a Python
# expression `f(frame)` that returns the new frame, or None to drop it.
relink() {
    local in=$1 out=$2 linktype=$3 expr=$4
    python3 - "$in" "$out" "$linktype" "$expr" <<'PY'
import struct, sys
src, dst, linktype, expr = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
f = eval("lambda frame: " + expr)
data = open(src, "rb").read()
magic = data[:4]
endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
out = bytearray(data[:20]) + struct.pack(endian + "I", linktype)
at = 24
while at + 16 <= len(data):
    sec, frac, incl, orig = struct.unpack(endian + "IIII", data[at:at + 16])
    frame = data[at + 16:at + 16 + incl]
    at += 16 + incl
    new = f(frame)
    if new is not None:
        out += struct.pack(endian + "IIII", sec, frac, len(new), len(new) + orig - incl) + new
open(dst, "wb").write(out)
PY
    printf '%-28s %3d packets  relinked from %s\n' "$(basename "$out")" "$(tcpdump -r "$out" 2>/dev/null | wc -l)" "$in"
}

# PPPoE discovery and session frames, then the same PPP frames as the PPP
# link type carries them (address and control bytes, no PPPoE header) and
# the pings of icmp.pcap as Cisco HDLC frames.
pppoe() {
    veth_up
    capture pppoe.pcap "-i wl-veth0 ether proto 0x8863 or ether proto 0x8864" pppoe_session
    veth_down
    relink "$here/pppoe.pcap" "$here/ppp.pcap" 9 \
        "b'\xff\x03' + frame[20:20 + int.from_bytes(frame[18:20], 'big')] if frame[12:14] == b'\x88\x64' else None"
    relink "$here/icmp.pcap" "$here/chdlc.pcap" 104 \
        "b'\x0f\x00' + frame[12:] if frame[12:14] in (b'\x08\x00', b'\x86\xdd') else None"
}

# The kernel's netfilter log: an nftables rule in the namespace logs
# pings to 127.0.0.1 and ::1 and a UDP datagram to port 9 (group 5), which
# tcpdump reads from nflog:5 there.
nflog_traffic() {
    ip netns exec wl-lab ping -c 2 -i 0.2 127.0.0.1
    ip netns exec wl-lab ping -6 -c 2 -i 0.2 ::1
    ip netns exec wl-lab python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"hello nflog", ("127.0.0.1", 9))'
}

nflog() {
    veth_up
    ip netns exec wl-lab nft -f - <<'NFT'
table inet wl_nflog {
    chain out {
        type filter hook output priority 0;
        ip protocol icmp log group 5 prefix "out-icmp";
        udp dport 9 log group 5 prefix "out-udp";
    }
    chain in {
        type filter hook input priority 0;
        meta l4proto ipv6-icmp log group 5;
    }
}
NFT
    capture_ns="ip netns exec wl-lab" capture nflog.pcap "-i nflog:5" nflog_traffic
    veth_down
}

# aiosmtpd with AUTH LOGIN and, added here, CHUNKING (RFC 3030: BDAT reads
# its chunk as bytes); serves until SIGTERM.
smtp_chunking_server() {
    cat >"$tmp/smtpd.py" <<'PY'
import signal
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, syntax

class Chunking(SMTP):
    @syntax("BDAT size [LAST]")
    async def smtp_BDAT(self, arg):
        words = (arg or "").split()
        size = int(words[0])
        data = await self._reader.readexactly(size)
        self.envelope.content = (self.envelope.content or b"") + data
        last = len(words) > 1 and words[1].upper() == "LAST"
        await self.push("250 2.0.0 Message accepted" if last else f"250 2.0.0 {size} bytes received")

class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return responses[:-1] + ["250-CHUNKING", responses[-1]]

def auth(server, session, envelope, mechanism, data):
    return AuthResult(success=data.login == b"student" and data.password == b"s3cret")

class Server(Controller):
    def factory(self):
        return Chunking(self.handler, **self.SMTP_kwargs)

c = Server(Handler(), hostname="127.0.0.1", port=25, authenticator=auth, auth_require_tls=False)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
c.start()
signal.sigwait({signal.SIGTERM})
c.stop()
PY
    exec python3 "$tmp/smtpd.py"
}

# A client that sends its message in BDAT chunks (swaks has no CHUNKING):
# one command per reply, the chunks' bytes right after their BDAT line.
bdat_client() {
    python3 - <<'PY'
import base64, socket
s = socket.create_connection(("127.0.0.1", 25))
f = s.makefile("rb")
def reply():
    while True:
        line = f.readline()
        if line[3:4] != b"-":
            return line
def send(data):
    s.sendall(data)
    return reply()
reply()
send(b"EHLO client.lab.test\r\n")
send(b"AUTH LOGIN\r\n")
send(base64.b64encode(b"student") + b"\r\n")
send(base64.b64encode(b"s3cret") + b"\r\n")
send(b"MAIL FROM:<a@lab.test>\r\n")
send(b"RCPT TO:<b@lab.test>\r\n")
head = b"From: a@lab.test\r\nTo: b@lab.test\r\nSubject: chunks\r\n\r\n"
body = b"First line of the body.\r\nQUIT is only text here.\r\n"
send(b"BDAT %d\r\n" % len(head) + head)
send(b"BDAT %d LAST\r\n" % len(body) + body)
send(b"QUIT\r\n")
s.close()
PY
}

# AUTH LOGIN with swaks (user and password lines, then MAIL ... QUIT), a
# failed AUTH LOGIN with the user name on the command line, and BDAT chunks.
smtp_auth_session() {
    smtp_chunking_server &
    local server=$!
    for _ in $(seq 50); do
        ss -ltn | grep -q '127.0.0.1:25 ' && break
        sleep 0.1
    done
    local status=0
    swaks --server 127.0.0.1:25 --auth LOGIN --auth-user student --auth-password s3cret \
        --to b@lab.test --from a@lab.test --helo client.lab.test \
        --header "Date: Sat, 05 Dec 2026 12:00:00 +0000" --header "Message-Id: <1@lab.test>" \
        --header "Subject: auth login" --body "Sent after AUTH LOGIN." || status=$?
    swaks --server 127.0.0.1:25 --auth LOGIN --auth-user wrong --auth-password guess \
        --to b@lab.test --from a@lab.test --helo client.lab.test --quit-after AUTH
    bdat_client || status=$?
    stop $server
    return $status
}

smtp_auth() {
    capture smtp-auth-bdat.pcap "-i lo tcp port 25" smtp_auth_session
}

# Python's http.server on 8080 (a port tshark gives HTTP) until killed;
# waits until it answers.
http_8080_up() {
    python3 -m http.server 8080 --bind 127.0.0.1 --directory "$here/../assets/web" >/dev/null 2>&1 &
    http_server=$!
    for _ in $(seq 50); do
        curl -s -o /dev/null http://127.0.0.1:8080/style.css 2>/dev/null && break
        sleep 0.1
    done
}

# Requests http.server answers as it can: HEAD (a reply without a body),
# an HTTP/0.9 request, request lines without a target or with a cut
# version, and a request head written a few bytes per segment.
http_edge_clients() {
    local status=0
    curl -s -I -o /dev/null http://127.0.0.1:8080/index.html || status=$?
    python3 - <<'PY' || status=$?
import socket, time
def ask(*pieces):
    s = socket.create_connection(("127.0.0.1", 8080), timeout=1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for p in pieces:
        s.sendall(p)
        time.sleep(0.02)
    try:
        while s.recv(4096):
            pass
    except socket.timeout:
        pass  # a server that keeps the connection open after its answer
    s.close()
ask(b"GET /style.css\r\n")
ask(b"OPTIONS HTTP/1.1\r\n\r\n")
ask(b"GET / HTTP/1.\r\n\r\n")
head = b"GET /style.css HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n\r\n"
ask(*[head[i:i + 8] for i in range(0, len(head), 8)])
PY
    return $status
}

http_edge_session() {
    http_8080_up
    local status=0
    http_edge_clients || status=$?
    stop $http_server
    return $status
}

# curl through a CONNECT proxy (a small one: it answers 200 and relays
# bytes) to http.server: the 200 reply has no body, the tunnel carries HTTP.
connect_proxy() {
    python3 - <<'PY' &
import socket, threading
def pipe(a, b):
    while data := a.recv(65536):
        b.sendall(data)
    b.shutdown(socket.SHUT_WR)
lsock = socket.create_server(("127.0.0.1", 3128))
for _ in range(2):
    c, _ = lsock.accept()
    head = b""
    while b"\r\n\r\n" not in head:
        head += c.recv(1)
    host, port = head.split()[1].decode().rsplit(":", 1)
    u = socket.create_connection((host, int(port)))
    c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    t = threading.Thread(target=pipe, args=(u, c))
    t.start()
    pipe(c, u)
    t.join()
    c.close()
    u.close()
PY
    proxy=$!
    sleep 0.3
    local status=0
    curl -s -o /dev/null -p -x http://127.0.0.1:3128 http://127.0.0.1:8080/index.html || status=$?
    curl -s -o /dev/null -p -x http://127.0.0.1:3128 http://127.0.0.1:8080/missing.html || status=$?
    wait $proxy || status=$?
    return $status
}

http_connect_session() {
    http_8080_up
    local status=0
    connect_proxy || status=$?
    stop $http_server
    return $status
}

# A response cut by the snapshot length: tcpdump -s 120 keeps each frame's
# first 120 bytes.
http_snaplen_session() {
    http_8080_up
    local status=0
    curl -s -o /dev/null http://127.0.0.1:8080/index.html || status=$?
    stop $http_server
    return $status
}

http_edge() {
    capture http-edge.pcap "-i lo tcp port 8080" http_edge_session
    capture http-connect.pcap "-i lo tcp port 3128" http_connect_session
    capture http-snaplen.pcap "-i lo -s 120 tcp port 8080" http_snaplen_session
}

# Loss on the loopback of a namespace (MTU 1500, offloads off, so segments
# are wire-sized): http.server serves 30 KB three times to curl while
# nftables drops one in 12 of the server's full segments after the capture
# saw them (prerouting); the client's duplicate ACKs then bring fast
# retransmissions and, late in a burst, retransmissions.
loss_ns_up() {
    ip netns add wl-loss
    ip netns exec wl-loss ip link set lo up
    ip netns exec wl-loss ip link set lo mtu 1500
    ip netns exec wl-loss ethtool -K lo tso off gso off gro off >/dev/null
}

loss_transfers() {
    local dir=$tmp/loss
    mkdir -p "$dir"
    python3 -c 'import sys; sys.stdout.write("".join("line %05d of a file sent over a lossy link\n" % i for i in range(700)))' >"$dir/big.txt"
    ip netns exec wl-loss python3 -m http.server 8080 --bind 127.0.0.1 --directory "$dir" >/dev/null 2>&1 &
    local server=$!
    for _ in $(seq 100); do
        ip netns exec wl-loss ss -ltn | grep -q '127.0.0.1:8080 ' && break
        sleep 0.1
    done
    local status=0
    for _ in 1 2 3; do
        ip netns exec wl-loss curl -s -o /dev/null --max-time 20 http://127.0.0.1:8080/big.txt || status=$?
    done
    stop $server
    return $status
}

tcp_loss() {
    loss_ns_up
    ip netns exec wl-loss nft -f - <<'NFT'
table inet wl_loss {
    chain pre {
        type filter hook prerouting priority 0;
        tcp sport 8080 meta length > 1000 numgen random mod 12 == 0 drop;
    }
}
NFT
    capture_ns="ip netns exec wl-loss" capture tcp-loss.pcap "-i lo tcp port 8080" loss_transfers
    ip netns del wl-loss
    # The same transfers without loss, captured with a filter that leaves
    # out the server's full segments whose sequence number has 0x5 in bits 8-11 (one
    # in 16): gaps the receiver ACKs ("ACKed unseen segment").
    loss_ns_up
    capture_ns="ip netns exec wl-loss" capture tcp-gaps.pcap \
        "-i lo tcp port 8080 and not (tcp src port 8080 and greater 1000 and tcp[6] & 0x0f = 5)" loss_transfers
    ip netns del wl-loss
}

# Port reuse seen from a SYN/ACK: a Python client binds port 40123 twice (SO_REUSEADDR, closing with
# an RST so the port is free at once) and talks to a server on 127.0.0.1:9099 in a namespace; the
# capture filter leaves out the pure SYNs, so the second connection shows up with its SYN/ACK.
reuse_connections() {
    ip netns exec wl-reuse python3 - <<'PY'
import socket, time
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 9099)); srv.listen(4)
for i in range(2):
    c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    c.bind(("127.0.0.1", 40123)); c.connect(("127.0.0.1", 9099))
    s, _ = srv.accept()
    c.sendall(b"hello %d\n" % i); s.recv(100); s.sendall(b"bye\n"); c.recv(100)
    c.close(); s.close(); time.sleep(0.2)
srv.close()
PY
}

tcp_reuse_synack() {
    ip netns add wl-reuse
    ip netns exec wl-reuse ip link set lo up
    capture_ns="ip netns exec wl-reuse" capture tcp-reuse-synack.pcap "-i lo tcp port 9099 and not (tcp[13] == 2)" reuse_connections
    ip netns del wl-reuse
}

# TCP Fast Open and ECN from the kernel itself, in a namespace with net.ipv4.tcp_fastopen=3 (client
# and server) and net.ipv4.tcp_ecn=1: a Python server with a TFO queue on 127.0.0.1:9100 and a client
# sending with MSG_FASTOPEN three times. The first SYN asks for a cookie (TFO=R) and its SYN/ACK gives
# one; the next two SYNs carry the cookie and their data, which the SYN/ACKs accept. Every SYN is
# ECN-setup (ECE, CWR) and every SYN/ACK answers with ECE.
fastopen_connections() {
    ip netns exec wl-tfo python3 - <<'PY'
import socket, threading, time
addr = ("127.0.0.1", 9100)
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.setsockopt(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, 5)
srv.bind(addr); srv.listen(5)
def serve():
    for _ in range(3):
        c, _ = srv.accept(); data = c.recv(4096); c.sendall(b"echo: " + data.upper()); c.close()
threading.Thread(target=serve, daemon=True).start()
for i in range(3):
    s = socket.socket(); s.sendto(b"hello fast open %d\n" % i, socket.MSG_FASTOPEN, addr)
    while s.recv(4096):
        pass
    s.close(); time.sleep(0.1)
PY
}

tcp_fastopen() {
    ip netns add wl-tfo
    ip netns exec wl-tfo ip link set lo up
    ip netns exec wl-tfo sysctl -qw net.ipv4.tcp_fastopen=3
    ip netns exec wl-tfo sysctl -qw net.ipv4.tcp_ecn=1
    capture_ns="ip netns exec wl-tfo" capture tcp-fastopen.pcap "-i lo tcp port 9100" fastopen_connections
    ip netns del wl-tfo
}

openssh() {
    capture ssh.pcap "-i lo tcp port 22" ssh_session
}

# The Python websockets library (pip) as server and client on 127.0.0.1:8765: a text message
# echoed upper-cased, a binary one echoed reversed, a 300-byte text (16-bit length) and a
# 66048-byte binary (64-bit length, over several TCP segments), a message sent in three
# fragments, a ping, and a close with a reason; then the same on port 8766 with
# permessage-deflate, whose compression context carries over from message to message;
# and a raw-socket client on 8767 putting two frames in one TCP segment and one frame in two.
websocket_session() {
    timeout 20 python3 -c '
import asyncio
from websockets.asyncio.server import serve
from websockets.asyncio.client import connect

async def echo(ws):
    async for m in ws:
        await ws.send(m.upper() if isinstance(m, str) else m[::-1])

async def session(port, compression):
    async with serve(echo, "127.0.0.1", port, compression=compression):
        async with connect(f"ws://127.0.0.1:{port}/chat", compression=compression, max_size=None) as c:
            for m in ["hello websocket", b"\x00\x01\x02\x03", "x" * 300, bytes(range(256)) * 258,
                      "hello websocket", "hello again, websocket"]:
                await c.send(m)
                await c.recv()
            await c.send(["frag", "mented ", "message"])
            await c.recv()
            await (await c.ping(b"p1"))
            await c.close(code=1001, reason="lab over")

async def raw_client(port):
    # Frames laid out in TCP segments the library would not make: two in one segment, one split over two.
    async with serve(echo, "127.0.0.1", port, compression=None):
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(b"GET /raw HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        await r.readuntil(b"\r\n\r\n")
        def frame(op, payload, key=b"\x01\x02\x03\x04"):
            return bytes([0x80 | op, 0x80 | len(payload)]) + key + bytes(c ^ key[i % 4] for i, c in enumerate(payload))
        w.write(frame(1, b"one") + frame(1, b"two"))
        await w.drain()
        await asyncio.sleep(0.05)
        split = frame(1, b"split across two segments")
        w.write(split[:9])
        await w.drain()
        await asyncio.sleep(0.05)
        w.write(split[9:])
        await w.drain()
        await asyncio.sleep(0.05)
        w.write(frame(8, b"\x03\xe8"))
        await w.drain()
        await r.read()
        w.close()

asyncio.run(session(8765, None))
asyncio.run(session(8766, "deflate"))
asyncio.run(raw_client(8767))
'
}

websocket() {
    capture websocket.pcap "-B 16384 -i lo tcp portrange 8765-8767" websocket_session
}

# aioquic's HTTP/3 server and client (quic_lab.py, pip) on 127.0.0.1: two pages over a connection to UDP
# port 443, a missing page over one to port 4433 that starts with a Retry. quic.pcap and the client's key
# log quic-keylog.txt, and the same packets as pcapng with the key log inside (a Decryption Secrets Block).
quic() {
    tls_cert
    rm -f "$tmp/quic-keylog.txt"
    capture quic.pcap "-i lo udp port 443 or udp port 4433" \
        timeout 40 python3 "$here/quic_lab.py" "$tmp/cert.pem" "$tmp/key.pem" "$tmp/quic-keylog.txt"
    cp "$tmp/quic-keylog.txt" "$here/quic-keylog.txt"
    editcap --inject-secrets "tls,$here/quic-keylog.txt" "$here/quic.pcap" "$here/quic-keylog-dsb.pcapng"
    rm -f "$tmp/quic-chacha-keylog.txt"
    capture quic-chacha.pcap "-i lo udp port 443" \
        timeout 40 python3 "$here/quic_lab.py" "$tmp/cert.pem" "$tmp/key.pem" "$tmp/quic-chacha-keylog.txt" chacha
    cp "$tmp/quic-chacha-keylog.txt" "$here/quic-chacha-keylog.txt"
}

# curl against Python's web server on 8081 (no port of Wireshark's: HTTP is
# found by its heuristic) from three chosen client ports: 44818 and 48898,
# which Wireshark's port table gives to EtherNet/IP and AMS (they take the
# stream before the heuristic runs), and 40000, which it gives to nothing.
http_ports_clients() {
    python3 -m http.server 8081 --bind 127.0.0.1 --directory "$here/../assets/web" >/dev/null 2>&1 &
    local server=$!
    wait_listening 8081
    local status=0
    for port in 44818 48898 40000; do
        curl -s -o /dev/null --local-port "$port" http://127.0.0.1:8081/index.html || status=$?
    done
    kill $server
    wait $server 2>/dev/null || true
    return $status
}

http_ports() {
    capture http-ports.pcap "-i lo tcp port 8081" http_ports_clients
}

all=(tcp_upper udp_upper web python_web ping_lab chat dns dns_records dns_5300 smtp icmp cooked arp_vlan igmp two_interfaces commented dhcp ntp nbns ssdp ftp ftp_transfers mail_access mail_starttls tls tls_keylog openssh pppoe nflog websocket smtp_auth http_edge http_ports tcp_loss tcp_reuse_synack tcp_fastopen quic)
if [[ $# -gt 0 ]]; then
    all=("${@//-/_}")
fi
for step in "${all[@]}"; do
    "$step"
done
