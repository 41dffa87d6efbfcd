# Sourced by the benches that drive the inspector in tmux (tui.sh,
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
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; }
trap cleanup EXIT
