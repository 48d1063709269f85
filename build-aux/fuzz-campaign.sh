#!/usr/bin/env bash
# fuzz-campaign.sh NAME SECONDS [WORKDIR]: one libFuzzer campaign of one
# harness, as docs/fuzzing.md records them.
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fuzzes build-fuzz/tests/fuzz/fuzz-NAME (configure it with
# `CC=clang meson setup build-fuzz -Dfuzzing=true`) for SECONDS, starting
# from the committed corpus tests/fuzz/corpus/NAME copied into WORKDIR/NAME
# (default fuzz-work/, ignored by git); a second campaign with the same
# WORKDIR goes on from the corpus the first one grew. A crash, leak, timeout
# or sanitizer report stops the campaign and leaves the input as
# WORKDIR/artifacts/NAME-… . The last line is a summary:
#   NAME: EXECS executions in SECONDS s (EXEC/S exec/s), cov C ft F, corpus N files, exit S
set -uo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: fuzz-campaign.sh NAME SECONDS [WORKDIR]}
seconds=${2:?usage: fuzz-campaign.sh NAME SECONDS [WORKDIR]}
work=${3:-fuzz-work}
case "$seconds" in ''|*[!0-9]*) echo "fuzz-campaign.sh: SECONDS must be a positive number, not '$seconds'" >&2; exit 2;; esac
fuzzer=build-fuzz/tests/fuzz/fuzz-$name
if [ ! -x "$fuzzer" ] || [ ! -d "tests/fuzz/corpus/$name" ]; then
  echo "fuzz-campaign.sh: no harness '$name' (build it: meson compile -C build-fuzz fuzzers)" >&2
  exit 2
fi
mkdir -p "$work/$name" "$work/artifacts"
if [ -z "$(ls -A "$work/$name")" ]; then
  cp "tests/fuzz/corpus/$name"/* "$work/$name/"
fi
dict=()
[ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
log="$work/$name-$(date +%Y%m%d-%H%M%S).log"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/$name-" "${dict[@]}" "$work/$name" \
  > "$log" 2>&1
status=$?
execs=$(awk '/stat::number_of_executed_units:/ { print $2 }' "$log")
rate=$(awk '/stat::average_exec_per_sec:/ { print $2 }' "$log")
cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
echo "$name: ${execs:-?} executions in $seconds s (${rate:-?} exec/s), ${cov:-cov ?}, corpus $(ls "$work/$name" | wc -l) files, exit $status (log: $log)"
exit $status
