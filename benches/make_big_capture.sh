#!/usr/bin/env bash
# Makes the benchmark capture: at least 1 million packets of real loopback
# HTTP/1.1 traffic (wrk against a private nginx on 127.0.0.1:8081, captured
# by tcpdump on lo). The file is cached, never committed: it is made once and
# reused while it exists.
#
#   benches/make_big_capture.sh [OUT] [PACKETS]
#
# OUT defaults to $WIRELENS_BENCH_DIR/big.pcap (/tmp/wirelens-bench), PACKETS
# to 1200000. Needs root (or capture capabilities), nginx, wrk and tcpdump:
#   sudo apt-get install -y nginx-light wrk tcpdump
set -euo pipefail

dir=${WIRELENS_BENCH_DIR:-/tmp/wirelens-bench}
out=${1:-$dir/big.pcap}
packets=${2:-1200000}
port=8081

count_packets() { tcpdump -nr "$1" 2>/dev/null | wc -l; }

if [[ -s $out ]]; then
    have=$(count_packets "$out")
    if (( have >= packets )); then
        echo "using cached $out ($have packets)" >&2
        exit 0
    fi
fi

for tool in nginx wrk tcpdump; do
    command -v "$tool" >/dev/null || { echo "$0: needs $tool (apt-get install nginx-light wrk tcpdump)" >&2; exit 1; }
done

mkdir -p "$dir"
work=$(mktemp -d "$dir/make.XXXXXX")
# nginx's worker drops root: without this the pages are unreadable and
# every answer is 403 Forbidden.
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Pages of a few sizes: a small one (one segment each way) and a large one
# (a response spread over several segments, as real pages are).
mkdir -p "$work/www"
head -c 1200 /dev/urandom | base64 > "$work/www/index.html"
head -c 150000 /dev/urandom | base64 > "$work/www/big.txt"
cat > "$work/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    types { text/html html; text/plain txt; }
    client_body_temp_path $work/tmp;
    server {
        listen 127.0.0.1:$port;
        root $work/www;
    }
}
CONF
mkdir -p "$work/tmp"
nginx -c "$work/nginx.conf" -p "$work" &
pids+=($!)
for _ in $(seq 50); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
done

# tcpdump stops by itself after $packets packets; the load runs until then.
tcpdump -i lo -s 0 -B 65536 -U -c "$packets" -w "$work/big.pcap" "tcp port $port" 2>"$work/tcpdump.log" &
dump=$!
sleep 1
# Keep-alive clients for the bulk, one that closes every connection (so the
# capture has handshakes and FIN exchanges throughout), one fetching the
# large page and one a missing page.
wrk -t 1 -c 20 -d 600s "http://127.0.0.1:$port/" >/dev/null &
pids+=($!)
wrk -t 1 -c 2 -d 600s -H "Connection: close" "http://127.0.0.1:$port/" >/dev/null &
pids+=($!)
# The large page and the missing one at a bounded rate (wrk has none): at
# full speed the large page's bytes made a capture of gigabytes.
fetch_every() {
    while :; do curl -s -o /dev/null "http://127.0.0.1:$port/$1"; sleep "$2"; done
}
fetch_every big.txt 0.05 &
pids+=($!)
fetch_every missing.html 0.01 &
pids+=($!)
wait "$dump"
mv "$work/big.pcap" "$out"
echo "made $out: $(count_packets "$out") packets, $(du -h "$out" | cut -f1)" >&2
