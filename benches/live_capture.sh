#!/usr/bin/env bash
# What live capture keeps under load: tcpdump and wirelens capture the same
# bounded bursts of 64-byte UDP datagrams on lo (examples/udp_burst.rs sends
# them to 127.0.0.1 only, BURST at a time, and drains the port), in the same
# run, and the script prints what each kept. Modes: wirelens headless
# (`-q -w`), and the inspector with `-w` in tmux, where the time a key takes
# to show its effect (the help overlay) during the burst is also printed.
# Asserts nothing; needs root (capture), tcpdump and tmux.
#
#   benches/live_capture.sh [COUNT] [RATE...]     (default 300000 at 100000 200000 300000)
set -euo pipefail
cd "$(dirname "$0")/.."

count=${1:-300000}
shift || true
rates=${*:-100000 200000 300000}
for tool in tcpdump tmux; do
    command -v "$tool" >/dev/null || { echo "$0: needs $tool" >&2; exit 1; }
done
cargo build --release --quiet --bin wirelens --example udp_burst
bin=$PWD/target/release/wirelens
burst=$PWD/target/release/examples/udp_burst
dir=$(mktemp -d)
session=wirelens-live-bench-$$
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$dir"' EXIT

kept() { tcpdump -r "$1" 2>/dev/null | wc -l; }
now_ms() { date +%s%3N; }

# One run: tcpdump beside wirelens in MODE (headless or inspector).
run() {
    local mode=$1 rate=$2 port=$((20000 + RANDOM % 20000))
    local filter="udp port $port"
    rm -f "$dir"/*.pcap
    tcpdump -i lo -w "$dir/tcpdump.pcap" "$filter" 2>/dev/null &
    local td=$!
    local wl=
    if [[ $mode == headless ]]; then
        "$bin" -i lo -f "$filter" -q -w "$dir/wirelens.pcap" 2>/dev/null &
        wl=$!
    else
        tmux new-session -d -s "$session" -x 160 -y 45 "$bin -i lo -f '$filter' -w $dir/wirelens.pcap"
    fi
    sleep 2
    local sent key_ms=-
    if [[ $mode == headless ]]; then
        sent=$("$burst" "$port" "$count" "$rate")
    else
        "$burst" "$port" "$count" "$rate" >"$dir/sent" &
        local b=$!
        sleep 0.5
        local t0; t0=$(now_ms)
        tmux send-keys -t "$session" '?'
        until tmux capture-pane -p -t "$session" | grep -qi 'keys'; do
            sleep 0.01
            (( $(now_ms) - t0 > 10000 )) && break
        done
        key_ms=$(( $(now_ms) - t0 ))
        wait "$b"
        sent=$(cat "$dir/sent")
    fi
    sleep 2
    kill -INT "$td" ${wl:+"$wl"} 2>/dev/null || true
    if [[ $mode == inspector ]]; then
        tmux send-keys -t "$session" Escape q
        sleep 1
        tmux kill-session -t "$session" 2>/dev/null || true
    fi
    wait "$td" ${wl:+"$wl"} 2>/dev/null || true
    local t w
    t=$(kept "$dir/tcpdump.pcap")
    w=$(kept "$dir/wirelens.pcap")
    printf '%-9s %7s/s  %s  tcpdump kept %7s  wirelens kept %7s (%s%%)  key %s ms\n' \
        "$mode" "$rate" "${sent%%,*}" "$t" "$w" "$(awk -v a="$w" -v b="$t" 'BEGIN { printf "%.2f", b ? 100 * a / b : 0 }')" "$key_ms"
}

for rate in $rates; do
    run headless "$rate"
    run inspector "$rate"
done
