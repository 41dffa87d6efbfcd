#!/usr/bin/env bash
# Times wirelens against tshark on a TLS-heavy capture, decrypted with its key
# log and without, in one run, and prints the ratios (issue 17's goal: >= 10x
# headless). tcpdump, which reads headers only, is timed on the same file for
# scale.
#
#   benches/tls.sh [CONNECTIONS] [RUNS]
#
# The capture is made once and cached in $WIRELENS_BENCH_DIR (default
# /tmp/wirelens-bench): a private nginx with TLS on 127.0.0.1:8443 and curl
# fetching a 1200-byte and a 40 kB page over CONNECTIONS (default 4000) new
# connections ("Connection: close": a full handshake each), TLS 1.3 and 1.2
# (ECDHE-RSA, AES-GCM and ChaCha20-Poly1305) in turn; curl writes the key log
# (SSLKEYLOGFILE). RUNS (default 1) repeats each command and keeps its
# fastest run. Needs root (capture on lo), nginx, curl, openssl, tcpdump,
# tshark and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."

conns=${1:-4000}
runs=${2:-1}
dir=${WIRELENS_BENCH_DIR:-/tmp/wirelens-bench}
cap=$dir/tls-$conns.pcap
keys=$dir/tls-$conns-keylog.txt
port=8443

for tool in nginx curl openssl tcpdump tshark /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "$0: needs $tool" >&2; exit 1; }
done
if [[ -z ${WIRELENS:-} ]]; then
    cargo build --release --quiet
    WIRELENS=target/release/wirelens
fi

make_capture() {
    mkdir -p "$dir"
    local work
    work=$(mktemp -d "$dir/tls.XXXXXX")
    # nginx's workers run as nobody: a private (0700) folder made every answer a 403.
    chmod 755 "$work"
    local pids=()
    # shellcheck disable=SC2317 # called by the trap
    cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        wait 2>/dev/null || true
        rm -rf "$work"
    }
    # A RETURN trap stays set after this function returns: it clears itself,
    # or sourcing timing.sh below would run it again, without $work.
    trap 'cleanup; trap - RETURN' RETURN
    mkdir -p "$work/www" "$work/tmp"
    head -c 900 /dev/urandom | base64 > "$work/www/index.html"
    head -c 30000 /dev/urandom | base64 > "$work/www/page.txt"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=bench.test" \
        -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
    cat > "$work/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 256; }
http {
    access_log off;
    types { text/html html; text/plain txt; }
    client_body_temp_path $work/tmp;
    server {
        listen 127.0.0.1:$port ssl;
        root $work/www;
        ssl_certificate $work/cert.pem;
        ssl_certificate_key $work/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305;
    }
}
CONF
    nginx -c "$work/nginx.conf" -p "$work" &
    pids+=($!)
    for _ in $(seq 50); do
        curl -skf -o /dev/null "https://127.0.0.1:$port/" && break
        sleep 0.1
    done
    tcpdump -i lo -s 0 -B 65536 -U -w "$work/tls.pcap" "tcp port $port" 2>"$work/tcpdump.log" &
    local dump=$!
    sleep 1
    rm -f "$work/keylog.txt"
    # A curl config file per TLS version: one request per connection.
    local per=$((conns / 4)) v
    for v in "--tlsv1.3" "--tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256" \
             "--tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-CHACHA20-POLY1305" \
             "--tlsv1.2 --tls-max 1.2 --ciphers ECDHE-RSA-AES256-GCM-SHA384"; do
        for i in $(seq "$per"); do
            if (( i % 2 )); then echo "url = \"https://127.0.0.1:$port/index.html\""; else echo "url = \"https://127.0.0.1:$port/page.txt\""; fi
            echo "output = /dev/null"
        done > "$work/urls.cfg"
        # shellcheck disable=SC2086 # the version flags are meant to be split
        SSLKEYLOGFILE="$work/keylog.txt" curl -sk --http1.1 $v -H "Connection: close" --parallel --parallel-max 8 \
            -K "$work/urls.cfg" 2>/dev/null
    done
    sleep 1
    kill -INT "$dump"
    wait "$dump" || true
    mv "$work/tls.pcap" "$cap"
    mv "$work/keylog.txt" "$keys"
}

if [[ ! -s $cap || ! -s $keys ]]; then
    make_capture
fi

source benches/timing.sh

packets=$(tcpdump -nr "$cap" 2>/dev/null | wc -l)
echo "capture: $cap ($packets packets, $(du -h "$cap" | cut -f1)), key log $keys, best of $runs run(s)"
echo
printf '%-34s %9s %9s %8s %14s\n' "run" wirelens tshark ratio "RSS MB (w/t)"
row() {
    local name=$1 ws wk ts tk
    shift
    local args=("$@")
    read -r ws wk < <(best "$WIRELENS" -n -r "$cap" "${args[@]}" -P)
    read -r ts tk < <(best tshark -n -r "$cap" "${args[@]}")
    printf '%-34s %9s %9s %7.1fx %7.0f/%.0f\n' "$name" "$ws" "$ts" "$(awk -v a="$ts" -v b="$ws" 'BEGIN { print a / b }')" \
        "$(awk -v k="$wk" 'BEGIN { print k / 1024 }')" "$(awk -v k="$tk" 'BEGIN { print k / 1024 }')"
}
row "summaries, key log" -o "tls.keylog_file:$keys"
row "summaries, no key log"
row "-Y http.response.code == 200, key log" -o "tls.keylog_file:$keys" -Y "http.response.code == 200"
read -r ds _ < <(best tcpdump -nr "$cap")
echo
echo "tcpdump -nr (headers only): $ds s"
