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

all=(tcp_upper udp_upper web)
if [[ $# -gt 0 ]]; then
    all=("${@//-/_}")
fi
for step in "${all[@]}"; do
    "$step"
done
