#!/usr/bin/env bash
# Runs the whole test suite: unit tests, integration tests and the
# differential tests against tshark (skipped with a note when tshark is absent).
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --bins
cargo test --release --all-targets -- --test-threads=2
# Fuzzing: every fuzz target for 30 s, so a crash found in review fails
# the run (fuzz/run.sh; the crashing input is under fuzz/artifacts/).
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "test.sh: fuzzing skipped: no nightly toolchain (rustup toolchain install nightly)"
elif ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "test.sh: fuzzing skipped: cargo-fuzz is not installed (cargo install cargo-fuzz --locked)"
else
    ./fuzz/run.sh "${FUZZ_SECONDS:-30}"
fi
