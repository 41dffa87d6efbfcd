#!/usr/bin/env bash
# Times wirelens against tshark on the structured formats (-T json, -T ek)
# of the benchmark capture, in one run, and prints the ratios.
#
#   benches/formats.sh [BIG] [RUNS]
#
# FORMATS (default "json ek") names the formats timed: json, ek, pdml, and
# V for the -V tree. WIRELENS_THREADS sets wirelens's workers (1: none).
#
# BIG defaults to the capture benches/make_big_capture.sh makes (and makes
# it when missing); RUNS (default 1) keeps the fastest of that many runs of
# each command. wirelens is built with `cargo build --release` unless
# WIRELENS names a binary. Output goes to /dev/null; both tools run with
# TZ=UTC and without name resolution.
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
for tool in tshark /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "$0: needs $tool (apt-get install tshark time)" >&2; exit 1; }
done

source benches/timing.sh

echo "capture: $big ($(du -h "$big" | cut -f1)), best of $runs run(s)"
printf '%-6s %10s %10s %8s\n' format wirelens tshark ratio
for format in ${FORMATS:-json ek}; do
    if [[ $format == V ]]; then args=(-V); else args=(-T "$format"); fi
    read -r w _ < <(best "$WIRELENS" -r "$big" "${args[@]}")
    read -r t _ < <(best tshark -n -r "$big" "${args[@]}")
    printf '%-6s %9ss %9ss %7.1fx\n' "$format" "$w" "$t" "$(awk -v w="$w" -v t="$t" 'BEGIN { print t / w }')"
done
echo "(target: tshark / wirelens >= 10x)"
