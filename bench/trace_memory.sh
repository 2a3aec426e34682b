#!/usr/bin/env bash
# Peak memory of reading a 10-million-row trace: generates one with the CLI, then runs
# `slsim trace stats` on it under /usr/bin/time -v and prints the maximum resident set size.
# Usage: bench/trace_memory.sh [build-dir]   (needs /usr/bin/time, Debian package "time")
set -euo pipefail
build=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/bin/slsim" generate --pattern azure-like --functions 1000 --rate-per-s 1000 \
  --duration-s 10000 --seed 1 -o "$tmp/trace.csv"
ls -l "$tmp/trace.csv"
/usr/bin/time -v "$build/bin/slsim" trace stats "$tmp/trace.csv" --format json 2>"$tmp/time.txt" \
  | grep -m1 '"invocations"'
grep -E "Maximum resident set size|Elapsed" "$tmp/time.txt"
