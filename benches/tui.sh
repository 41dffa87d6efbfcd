#!/usr/bin/env bash
# Times the inspector on a large capture, driven in tmux as a user would:
# time to the first screen with packets, time until the whole file is
# indexed, memory after loading, time to open the I/O graph (`I`) until its
# line of every packet is drawn, the conversations (`C`) and transactions
# (`T`) views until every packet is read (each opened twice: the second
# reads what the first kept), time to apply `tcp.port == 8081` (or FILTER),
# and the memory at the end. WAIT=N waits N seconds after loading first
# (the common columns are made in the background meanwhile). Prints
# figures; asserts nothing.
#
#   benches/tui.sh BIG.pcap [FILTER]
#
# The times are polled from the screen every 20 ms, so they are accurate to
# a few tens of milliseconds. Needs tmux; builds wirelens in release mode.
set -euo pipefail
cd "$(dirname "$0")/.."

big=${1:?usage: benches/tui.sh BIG.pcap [FILTER]}
filter=${2:-tcp.port == 8081}
session=wirelens-bench-$$
source benches/inspector.sh

# Waits until the screen matches $1; prints the time.
wait_for() {
    until shows "$1"; do sleep 0.02; done
    now
}

start=$(now)
tmux new-session -d -s "$session" -x 200 -y 50 "$bin" "$big"
first=$(wait_for '^ *1 +[0-9]')
until ! shows 'Loading'; do sleep 0.02; done
loaded=$(now)
sleep "${WAIT:-0}"
pid=$(pgrep -f "^$bin $big" | head -1)
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
packets=$(screen | grep -Eo 'Packets: [0-9]+' || true)

# The I/O graph is drawn when no worker says "N packets read…" in its title.
io_start=$(now)
tmux send-keys -t "$session" I
until shows 'all: frame' && ! shows 'packets read…'; do sleep 0.02; done
io_drawn=$(now)
io_line=$(screen | grep -Eo 'all: frame \([0-9]+ packets\)' | head -1 || true)
tmux send-keys -t "$session" Escape
until ! shows 'I/O graph'; do sleep 0.02; done

# Opens a view with key $1 until the screen no longer matches $2 ("still
# reading"); prints the seconds; closes it.
view() {
    local start t
    start=$(now)
    tmux send-keys -t "$session" "$1"
    until shows "$3" && ! shows "$2"; do sleep 0.02; done
    t=$(echo "$(now) - $start" | bc)
    tmux send-keys -t "$session" Escape
    until ! shows "$3"; do sleep 0.02; done
    echo "$t"
}
conv1=$(view C 'packets read…' ' Conversations ')
conv2=$(view C 'packets read…' ' Conversations ')
tx1=$(view T 'packets read… ' ' Transactions ')
tx2=$(view T 'packets read… ' ' Transactions ')

tmux send-keys -t "$session" / "$filter" Enter
applied_at=$(now)
# The worker reports progress as "Filtering N%"; done when it is gone and
# the displayed count is shown.
until shows 'Displayed:' && ! shows 'Filtering'; do sleep 0.02; done
filtered=$(now)
displayed=$(screen | grep -Eo 'Displayed: [0-9]+ \([0-9.]+%\)' || true)
rss_end=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")
tmux send-keys -t "$session" q

echo "capture: $big ($packets)"
awk -v s="$start" -v f="$first" -v l="$loaded" -v io="$io_start" -v iod="$io_drawn" -v iol="$io_line" -v a="$applied_at" -v d="$filtered" -v m="$rss" -v flt="$filter" -v disp="$displayed" -v c1="$conv1" -v c2="$conv2" -v t1="$tx1" -v t2="$tx2" -v me="$rss_end" 'BEGIN {
    printf "first screen with packets: %.2f s\n", f - s
    printf "whole file indexed:        %.2f s\n", l - s
    printf "memory after loading:      %.0f MB\n", m / 1024
    printf "open the I/O graph (I):    %.2f s (%s)\n", iod - io, iol
    printf "conversations (C):         %.2f s, again %.2f s\n", c1, c2
    printf "transactions (T):          %.2f s, again %.2f s\n", t1, t2
    printf "apply \"%s\":   %.2f s (%s)\n", flt, d - a, disp
    printf "memory at the end:         %.0f MB\n", me / 1024
}'
