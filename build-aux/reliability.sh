#!/usr/bin/env bash
# reliability.sh RUNS [--stress]: the whole test suite (.ci/run, the README's
# test command) RUNS times in a row, each run's summary, time and load on a
# line, and a total at the end. With --stress, stress-ng keeps both cores busy
# (nice'd to the same priority as the suite) for the whole series.
# The runs' logs go to reliability-logs/ in the tree (ignored by git).
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:?usage: reliability.sh RUNS [--stress]}
case "$runs" in ''|*[!0-9]*) echo "reliability.sh: RUNS must be a positive number, not '$runs'" >&2; exit 2;; esac
stress=
if [ "${2:-}" = --stress ]; then
  if ! command -v stress-ng >/dev/null; then
    sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y stress-ng >/dev/null || { echo "reliability.sh: cannot install stress-ng" >&2; exit 1; }
  fi
  stress-ng --cpu "$(nproc)" --cpu-method matrixprod --quiet &
  stress=$!
  trap 'kill $stress 2>/dev/null' EXIT
elif [ -n "${2:-}" ]; then
  echo "reliability.sh: unknown option '$2' (only --stress)" >&2; exit 2
fi
mkdir -p reliability-logs
green=0
for i in $(seq "$runs"); do
  t0=$(date +%s)
  .ci/run > "reliability-logs/run-$i.log" 2>&1
  rc=$?
  t1=$(date +%s)
  [ $rc -eq 0 ] && green=$((green + 1))
  echo "run $i: $(tail -n 1 "reliability-logs/run-$i.log") in $((t1 - t0)) s, exit $rc, load average $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "$runs runs: $green green, $((runs - green)) red"
[ "$green" -eq "$runs" ]
