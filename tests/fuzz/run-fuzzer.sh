#!/bin/sh
# run-fuzzer.sh: the fuzz suite's short run of one harness
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   run-fuzzer.sh FUZZER CORPUS SECONDS [LIBFUZZER-OPTION...]
#
# Runs every input of the committed corpus CORPUS (read-only), then fuzzes
# for SECONDS more; new inputs go to a scratch directory that is removed
# afterwards, so the committed corpus never changes. A crash, leak, timeout
# or sanitizer report fails the test and leaves the input in the build
# directory as fuzz-artifacts/NAME-crash-… .
set -eu
fuzzer=$1; corpus=$2; seconds=$3; shift 3
name=$(basename "$fuzzer")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
artifacts="$(pwd)/fuzz-artifacts"
mkdir -p "$artifacts"
exec_status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
  -print_final_stats=1 -artifact_prefix="$artifacts/$name-" "$@" "$scratch" "$corpus" || exec_status=$?
exit $exec_status
