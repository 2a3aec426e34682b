#!/bin/sh
# Wall time of `slsim report` on the bundled default scenario (what `make report` runs), and
# optionally (--month) on a month of 1,000 requests/s (2.6 billion invocations) on every
# platform slsim can simulate. Usage: bench/report_walltime.sh [BUILD_DIR] [--month]
set -eu
BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
SLSIM="$BUILD/bin/slsim"
run() {
  /usr/bin/time -f "%e s wall, %U s user, %M KB peak RSS" "$SLSIM" report --quiet "$@" >/dev/null
}
echo "default report ($(nproc) cores):"
run --scenario "$SRC/examples/default.toml"
echo "default report, --threads 1:"
run --scenario "$SRC/examples/default.toml" --threads 1
if [ "${2:-}" = "--month" ]; then
  echo "a month of 1,000 requests/s:"
  run --scenario "$SRC/bench/month_1000rps.toml"
fi
