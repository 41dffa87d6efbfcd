#!/usr/bin/env bash
# Times opening the I/O graph (`I`) on a big capture until its line for the
# whole capture has every packet, then adding a filter line (`1`); prints
# figures, asserts nothing.
#
#   benches/iograph.sh BIG.pcap [FILTER]
#
# BIG.pcap comes from benches/make_big_capture.sh. The inspector runs in
# tmux (needs tmux) and is read from the screen every 20 ms, so times are
# accurate to a few tens of milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."

big=${1:?usage: benches/iograph.sh BIG.pcap [FILTER]}
filter=${2:-tcp.port == 8081}
session=wirelens-iograph-$$
source benches/inspector.sh

# Sends key $2 and waits until the screen shows $1 and the graph's title
# says no worker is still reading ("N packets read…"); prints the time.
graph_key() {
    local start
    start=$(now)
    tmux send-keys -t "$session" "$2"
    until shows "$1" && ! shows 'packets read…'; do sleep 0.02; done
    echo "$(now) - $start" | bc
}

open_capture "$big"
total=$(screen | grep -Eo 'Packets: [0-9]+' | head -1 | grep -Eo '[0-9]+')
printf 'open I/O graph:          %6.2f s\n' "$(graph_key 'all: frame' I)"
screen | grep -Eo "all: frame \([0-9]+ packets\)" | head -1
shows "all: frame \\($total packets\\)" || echo "the capture's line does not have all $total packets" >&2
tmux send-keys -t "$session" 1
tmux send-keys -t "$session" -l "$filter"
printf 'add filter line "%s": %6.2f s\n' "$filter" "$(graph_key "│1: $filter" Enter)"
echo "memory after: $(rss "$pid") MB"
tmux send-keys -t "$session" Escape q
