#!/usr/bin/env bash
# Times display filters in the inspector, applied twice each (the first run
# of a filter on fields without a column dissects every packet and makes
# the columns; the second reads them), against tshark's and wirelens's
# headless -Y on the same file, in the same run. Prints figures; asserts
# nothing.
#
#   benches/refilter.sh BIG.pcap [FILTER ...]
#
# BIG.pcap comes from benches/make_big_capture.sh. The inspector runs in
# tmux (needs tmux) and is read from the screen every 20 ms, so its times
# are accurate to a few tens of milliseconds. SKIP_TSHARK=1 leaves tshark
# out. IDLE=1 first waits until the loaded inspector stops using the CPU
# (the common columns are made in the background after loading) and prints
# how long that took and the memory then. Builds wirelens in release mode
# first.
set -euo pipefail
cd "$(dirname "$0")/.."

big=${1:?usage: benches/refilter.sh BIG.pcap [FILTER ...]}
shift
filters=("$@")
if (( ${#filters[@]} == 0 )); then
    filters=('http.request.uri contains "index"' 'tcp.analysis.flags' 'tcp.port == 8081' 'dns.qry.name'
        'http.response.code == 404' 'tcp.stream == 5' 'frame.len > 1000' 'http.request.uri matches "ind.x"')
fi
session=wirelens-refilter-$$
source benches/inspector.sh

# Applies filter $1 in the inspector; prints "seconds displayed".
apply() {
    local start
    tmux send-keys -t "$session" / C-u
    [[ -n $1 ]] && tmux send-keys -t "$session" -l "$1"
    start=$(now)
    tmux send-keys -t "$session" Enter
    if [[ -z $1 ]]; then
        while shows 'Displayed:'; do sleep 0.02; done
        return
    fi
    until shows 'Displayed:' && ! shows 'Filtering'; do sleep 0.02; done
    echo "$(echo "$(now) - $start" | bc) $(screen | grep -Eo 'Displayed: [0-9]+' | grep -Eo '[0-9]+')"
}

# Runs a command with its output counted; prints "seconds lines".
timed() {
    local start lines
    start=$(now)
    lines=$("$@" 2>/dev/null | wc -l)
    echo "$(echo "$(now) - $start" | bc) $lines"
}

# CPU ticks the inspector has used.
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }

open_capture "$big"
if [[ -n ${IDLE:-} ]]; then
    start=$(now) last=$(ticks)
    while sleep 1; t=$(ticks); (( t - last > 5 )); do last=$t; done
    printf 'background work done after %.1f s, memory then: %s MB\n' "$(echo "$(now) - $start - 1" | bc)" "$(rss "$pid")"
fi
printf '%-40s %22s %22s %20s %20s %9s %9s\n' filter "inspector 1st (shown)" "inspector 2nd (shown)" "headless -Y (lines)" "tshark -Y (lines)" "tsh/2nd" "tsh/-Y"
for f in "${filters[@]}"; do
    read -r first n1 < <(apply "$f")
    apply ""
    read -r second n2 < <(apply "$f")
    apply ""
    read -r hs hn < <(timed "$bin" -r "$big" -Y "$f" -P)
    if [[ -z ${SKIP_TSHARK:-} ]]; then
        read -r ts tn < <(TZ=UTC timed tshark -n -r "$big" -Y "$f")
    else
        ts=0 tn=-
    fi
    printf '%-40s %10.2f s (%8s) %10.2f s (%8s) %8.2f s (%8s) %8.2f s (%8s) %8.1fx %8.1fx\n' "$f" "$first" "$n1" \
        "$second" "$n2" "$hs" "$hn" "$ts" "$tn" "$(echo "scale=1; $ts / $second" | bc)" "$(echo "scale=1; $ts / $hs" | bc)"
done
echo "memory after the filters: $(rss "$pid") MB"
tmux send-keys -t "$session" q
