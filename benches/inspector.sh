# Sourced by the benches that drive the inspector in tmux (tui.sh, sort.sh,
# refilter.sh): builds wirelens (unless WIRELENS_BIN names one), checks for
# tmux, and reads the screen of the tmux session named $session, which the
# caller starts.
command -v tmux >/dev/null || { echo "$0: needs tmux" >&2; exit 1; }
# WIRELENS_BIN: a wirelens already built (e.g. an older one to compare).
if [[ -n ${WIRELENS_BIN:-} ]]; then
    bin=$WIRELENS_BIN
else
    cargo build --release --bin wirelens >&2
    bin=$PWD/target/release/wirelens
fi

now() { date +%s.%N; }
screen() { tmux capture-pane -p -t "$session"; }
# Whether the screen matches the extended regex $1 (the screen is read
# whole first: grep -q closing the pipe early would fail it under pipefail).
shows() { local s; s=$(screen); grep -Eq "$1" <<<"$s"; }
rss() { awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$1/status"; }
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; }
# Opens capture $1 in the inspector, waits until it is loaded, prints the
# time that took and the memory after, and sets $pid.
open_capture() {
    local start loaded
    start=$(now)
    tmux new-session -d -s "$session" -x 200 -y 50 "$bin" "$1"
    until shows '^ *1 +[0-9]'; do sleep 0.02; done
    until ! shows 'Loading'; do sleep 0.02; done
    loaded=$(now)
    pid=$(pgrep -f "^$bin $1" | head -1)
    echo "capture: $1 ($(screen | grep -Eo 'Packets: [0-9]+' | head -1))"
    printf 'whole file indexed: %.2f s, memory after loading: %s MB\n' "$(echo "$loaded - $start" | bc)" "$(rss "$pid")"
}
trap cleanup EXIT
