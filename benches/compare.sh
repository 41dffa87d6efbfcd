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

source benches/timing.sh

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
