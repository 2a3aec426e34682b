#!/usr/bin/env bash
# Runs the libFuzzer targets built in BUILD (cmake -DSLSIM_FUZZ=ON; `make fuzz-build`) for
# SECONDS each, and prints executions and exec/s per target. Exit status 1 if any target found
# something (the crashing input is saved under BUILD/fuzz-artifacts/<target>/).
#
#   tests/fuzz/run-fuzz.sh BUILD SECONDS [TARGET...]     (default: every tests/fuzz/corpus/*)
#
# Inputs: the committed seed corpus tests/fuzz/corpus/<target>/ and the regression inputs
# tests/fuzz/regressions/<target>/ (read only), and BUILD/fuzz-corpus/<target>/ where libFuzzer
# keeps what it finds (it grows across runs; delete it to start afresh). Extra libFuzzer flags
# can be given in $FUZZ_FLAGS (e.g. FUZZ_FLAGS="-jobs=2 -workers=2").
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD SECONDS [TARGET...]" >&2
  exit 2
fi
build=$1
secs=$2
shift 2
src=$(cd "$(dirname "$0")" && pwd)
if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for d in "$src"/corpus/*/; do targets+=("$(basename "$d")"); done
fi

status=0
printf '%-14s %12s %9s %8s  %s\n' target executions exec/s corpus result
for t in "${targets[@]}"; do
  bin=$build/bin/fuzz_$t
  if [ ! -x "$bin" ]; then
    echo "run-fuzz: $bin is missing (build it: cmake --build $build --target slsim_fuzz)" >&2
    exit 2
  fi
  work=$build/fuzz-corpus/$t
  art=$build/fuzz-artifacts/$t
  logs=$build/fuzz-logs
  mkdir -p "$work" "$art" "$logs"
  inputs=("$work" "$src/corpus/$t")
  [ -d "$src/regressions/$t" ] && inputs+=("$src/regressions/$t")
  dict=()
  [ -f "$src/dict/$t.dict" ] && dict=("-dict=$src/dict/$t.dict")
  log=$logs/$t.log
  result=ok
  # -timeout: one input may take 10 s at most (a hang is a finding); -rss_limit_mb: 2 GB.
  # shellcheck disable=SC2086
  if ! "$bin" "${inputs[@]}" "${dict[@]}" -max_total_time="$secs" -timeout=10 \
      -rss_limit_mb=2048 -artifact_prefix="$art/" -print_final_stats=1 ${FUZZ_FLAGS:-} \
      >"$log" 2>&1; then
    result="FINDING (see $log and $art/)"
    status=1
  fi
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -1)
  rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log" | tail -1)
  files=$(find "$work" -type f | wc -l)
  printf '%-14s %12s %9s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$files" "$result"
  if [ "$result" != ok ]; then
    grep -m1 -A30 -E 'slsim fuzz finding|ERROR: (AddressSanitizer|libFuzzer)|runtime error|deadly signal' \
      "$log" || tail -40 "$log"
  fi
done
exit $status
