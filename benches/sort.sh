#!/usr/bin/env bash
# Times sorting the inspector's packet list by each column (`o`, then `O`),
# and a filter applied while sorted, on a big capture; prints figures,
# asserts nothing. The first sort by a text column (Source) reads every
# packet's labels; the later ones (Destination, Protocol, Info) use them.
#
#   benches/sort.sh BIG.pcap
#
# BIG.pcap comes from benches/make_big_capture.sh. The inspector runs in
# tmux (needs tmux) and is read from the screen every 20 ms, so times are
# accurate to a few tens of milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."

big=${1:?usage: benches/sort.sh BIG.pcap}
session=wirelens-sort-$$
source benches/inspector.sh

# Sends key $1 and waits for the status bar's "sorted by ..." message ($2).
sort_key() {
    local start
    start=$(now)
    tmux send-keys -t "$session" "$1"
    until shows "$2"; do sleep 0.02; done
    printf '%-28s %6.2f s\n' "$1 → $2" "$(echo "$(now) - $start" | bc)"
}

open_capture "$big"
sort_key o 'sorted by time'
sort_key o 'sorted by source'
echo "memory with the labels: $(rss "$pid") MB"
sort_key o 'sorted by destination'
sort_key o 'sorted by protocol'
sort_key o 'sorted by length'
sort_key o 'sorted by info'
sort_key O 'sorted by info, reversed'
start=$(now)
tmux send-keys -t "$session" / C-u
tmux send-keys -t "$session" -l 'tcp.port == 8081'
tmux send-keys -t "$session" Enter
until shows 'Displayed:' && ! shows 'Filtering'; do sleep 0.02; done
printf '%-28s %6.2f s\n' "filter while sorted" "$(echo "$(now) - $start" | bc)"
echo "memory after: $(rss "$pid") MB"
tmux send-keys -t "$session" q
