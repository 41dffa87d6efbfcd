#!/usr/bin/env bash
# Runs the whole test suite: unit tests, integration tests and the
# differential tests against tshark (skipped with a note when tshark is absent).
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --bins
cargo test --release --all-targets -- --test-threads=2
