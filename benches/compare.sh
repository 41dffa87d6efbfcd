#!/usr/bin/env bash
# Times wirelens against tshark and tcpdump on the benchmark capture, in one
# run, with peak memory from /usr/bin/time -v, and prints the ratios.
#
#   benches/compare.sh [BIG] [RUNS]
#
# BIG defaults to the capture benches/make_big_capture.sh makes (and makes it
# when missing); RUNS (default 1) repeats each command and keeps its fastest
# run, since the machine may be shared. wirelens is built with
# `cargo build --release` unless WIRELENS is set to a binary.
set -euo pipefail
cd "$(dirname "$0")/.."

big=${1:-${WIRELENS_BENCH_DIR:-/tmp/wirelens-bench}/big.pcap}
runs=${2:-1}
if [[ ! -s $big ]]; then
    benches/make_big_capture.sh "$big"
fi
if [[ -z ${WIRELENS:-} ]]; then
    cargo build --release --quiet
    WIRELENS=target/release/wirelens
fi
for tool in tshark tcpdump /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "$0: needs $tool (apt-get install tshark tcpdump time)" >&2; exit 1; }
done

# One timed run of "$@" with standard output to /dev/null: prints
# "SECONDS PEAK_KB".
measure() {
    local log
    log=$(mktemp)
    TZ=UTC /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; rm -f "$log"; return 1; }
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
        /Maximum resident set size/ { kb = $2 }
        END { printf "%.2f %d\n", s, kb }' "$log"
    rm -f "$log"
}

# The fastest of $runs runs (and its peak memory).
best() {
    local out best_s="" best_kb=""
    for _ in $(seq "$runs"); do
        out=$(measure "$@")
        local s=${out% *} kb=${out#* }
        if [[ -z $best_s ]] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
            best_s=$s best_kb=$kb
        fi
    done
    echo "$best_s $best_kb"
}

packets=$(tcpdump -nr "$big" 2>/dev/null | wc -l)
echo "capture: $big ($packets packets, $(du -h "$big" | cut -f1)), best of $runs run(s)"
echo

declare -A secs kb
names=(wirelens tshark tcpdump)
cmds=("$WIRELENS -r $big -P" "tshark -n -r $big" "tcpdump -nr $big")
for i in "${!names[@]}"; do
    read -r s k < <(best ${cmds[$i]})
    secs[${names[$i]}]=$s kb[${names[$i]}]=$k
done

printf '%-10s %-66s %8s %12s\n' tool command seconds "peak RSS MB"
for i in "${!names[@]}"; do
    n=${names[$i]}
    printf '%-10s %-66s %8s %12.1f\n' "$n" "${cmds[$i]} > /dev/null" "${secs[$n]}" "$(awk -v k="${kb[$n]}" 'BEGIN { print k / 1024 }')"
done
echo
awk -v w="${secs[wirelens]}" -v t="${secs[tshark]}" -v d="${secs[tcpdump]}" \
    -v wm="${kb[wirelens]}" -v tm="${kb[tshark]}" -v dm="${kb[tcpdump]}" -v p="$packets" 'BEGIN {
    printf "wirelens: %.0f packets/s\n", p / w
    printf "time:   tshark / wirelens = %.1fx (target >= 10x), tcpdump / wirelens = %.2fx (target > 1x)\n", t / w, d / w
    printf "memory: wirelens / tshark = %.3f (target <= 0.2), wirelens / tcpdump = %.2f\n", wm / tm, wm / dm
}'
