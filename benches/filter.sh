#!/usr/bin/env bash
# Times display filtering of a large capture, wirelens against tshark (and
# tcpdump where a BPF expression says the same), with the same filter and
# the same one-line output (-P / tshark's default), in the same run.
#
#   RUNS=N benches/filter.sh BIG.pcap [FILTER ...]
#
# BIG.pcap comes from benches/make_big_capture.sh. The default filters are
# issue 19's: application fields, TCP analysis, a field absent from the
# capture, a frame field, and two L2-L4 filters. Prints, per filter, the
# wall-clock seconds of each tool (the fastest of RUNS runs, default 1: the
# machine may be shared), the matched packet counts (which must agree) and
# the ratios. Builds wirelens in release mode first. No assertion: figures
# are reported.
set -euo pipefail
cd "$(dirname "$0")/.."

big=${1:?usage: benches/filter.sh BIG.pcap [FILTER ...]}
shift
filters=("$@")
if (( ${#filters[@]} == 0 )); then
    filters=('http.request.uri contains "index"' 'tcp.analysis.flags' 'http.response.code == 404'
        'dns.qry.name == "x"' 'frame.len > 100' 'http' 'tcp.port == 8081 && tcp.flags.syn == 1')
fi
# The filters tcpdump can say too, and how: its line count is then a third
# opinion, and its time a floor (no dissection at all).
declare -A bpf=(
    ['frame.len > 100']='greater 101'
    ['tcp.port == 8081 && tcp.flags.syn == 1']='tcp port 8081 and tcp[tcpflags] & tcp-syn != 0'
)

cargo build --release --bin wirelens >&2
bin=target/release/wirelens

# Runs a command with its output counted, not stored; prints "seconds lines".
timed() {
    local start end lines
    start=$(date +%s.%N)
    lines=$("$@" 2>/dev/null | wc -l)
    end=$(date +%s.%N)
    echo "$(echo "$end - $start" | bc) $lines"
}

# The fastest of $RUNS runs of "$@": "seconds lines".
best() {
    local s n best_s="" best_n=""
    for _ in $(seq "${RUNS:-1}"); do
        read -r s n < <(timed "$@")
        if [[ -z $best_s ]] || (( $(echo "$s < $best_s" | bc) )); then
            best_s=$s best_n=$n
        fi
    done
    echo "$best_s $best_n"
}

echo "capture: $big ($(du -h "$big" | cut -f1)), best of ${RUNS:-1} run(s)"
read -r base_s base_n < <(best "$bin" -r "$big" -P)
read -r tbase_s tbase_n < <(TZ=UTC best tshark -n -r "$big")
printf '%-45s wirelens %7.2fs (%s)  tshark %7.2fs (%s)  tshark/wirelens = %sx\n' \
    "no filter" "$base_s" "$base_n" "$tbase_s" "$tbase_n" "$(echo "scale=1; $tbase_s / $base_s" | bc)"
for f in "${filters[@]}"; do
    read -r ws wn < <(best "$bin" -r "$big" -Y "$f" -P)
    read -r ts tn < <(TZ=UTC best tshark -n -r "$big" -Y "$f")
    ratio=$(echo "scale=1; $ts / $ws" | bc)
    agree=$([[ $wn == "$tn" ]] && echo "same count" || echo "COUNTS DIFFER")
    dump=""
    if [[ -n ${bpf[$f]:-} ]]; then
        read -r ds dn < <(best tcpdump -nr "$big" "${bpf[$f]}")
        dump=$(printf '  tcpdump %.2fs (%s, %s)' "$ds" "$dn" "$([[ $dn == "$wn" ]] && echo same || echo DIFFERS)")
    fi
    printf '%-45s wirelens %7.2fs (%s)  tshark %7.2fs (%s)  %s  tshark/wirelens = %sx%s\n' \
        "-Y '$f'" "$ws" "$wn" "$ts" "$tn" "$agree" "$ratio" "$dump"
done
