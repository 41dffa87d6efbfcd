#!/usr/bin/env bash
# Builds every fuzz target and runs each for SECONDS (default 30), one at a
# time, from corpora seeded from the sample captures (seed.sh). Exits
# non-zero on any crash, timeout or out-of-memory, naming the input that
# caused it (under fuzz/artifacts/<target>/).
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-30}
targets=${FUZZ_TARGETS:-reader pipeline tcp_apps filter columns qpack}
./seed.sh || exit 1
cargo +nightly fuzz build || exit 1
mkdir -p logs
failed=()
for t in $targets; do
    mkdir -p "artifacts/$t"
    echo "fuzz: $t for ${secs}s"
    cargo +nightly fuzz run "$t" "corpus/$t" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"logs/$t.log" 2>&1
    rc=$?
    grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::average_exec_per_sec)' "logs/$t.log" || true
    if [ $rc -ne 0 ]; then
        tail -n 60 "logs/$t.log"
        input=$(grep -oE '(Test unit written to|artifact_prefix.*; Test unit written to) [^ ]+' "logs/$t.log" | awk '{print $NF}' | tail -1)
        echo "fuzz: $t FAILED (exit $rc); crashing input: fuzz/${input:-artifacts/$t/}" >&2
        failed+=("$t")
    fi
done
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz: crashes in: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: all targets ran ${secs}s without a crash"
