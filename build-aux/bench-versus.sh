#!/usr/bin/env bash
# bench-versus.sh OLD-didact-cli NEW-didact-cli [REPS] [THREADS…]: two builds, one run.
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs `didact-cli bench --no-reference --json` of the two builds alternately,
# REPS times each (default 3) at each thread count (default 1 and 2), and
# prints, per row of the benchmark, the median of each build and their ratio
# (old / new: above 1 is a speed-up). Both sides run in the same series on the
# same machine, so drift hits both. Run it on an otherwise idle machine.
set -euo pipefail
old=$(realpath "${1:?usage: bench-versus.sh OLD-didact-cli NEW-didact-cli [REPS] [THREADS…]}")
new=$(realpath "${2:?usage: bench-versus.sh OLD-didact-cli NEW-didact-cli [REPS] [THREADS…]}")
reps=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
threads=("$@")
[ ${#threads[@]} -gt 0 ] || threads=(1 2)
work=$(mktemp -d /tmp/didact-bench-versus.XXXXXX)
trap 'rm -rf "$work"' EXIT
for t in "${threads[@]}"; do
  for r in $(seq "$reps"); do
    "$old" bench --threads "$t" --no-reference --reps 3 --meta-reps 2 --json > "$work/old-$t-$r.jsonl"
    "$new" bench --threads "$t" --no-reference --reps 3 --meta-reps 2 --json > "$work/new-$t-$r.jsonl"
  done
done
/usr/bin/python3 - "$work" "$reps" "${threads[@]}" <<'PY'
import json, statistics, sys
work, reps, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def rows(path):
    out = {}
    for line in open(path):
        r = json.loads(line)
        if r["event"] == "step":
            out[f"{r['student']} step, batch {r['batch']} (ms)"] = 1e3 * r["seconds_per_step"]
        elif r["event"] == "meta":
            out[f"{r['student']} meta-iteration forward (s)"] = r["forward_seconds"]
            out[f"{r['student']} meta-iteration reverse (s)"] = r["reverse_seconds"]
            out[f"{r['student']} meta-iteration total (s)"] = r["forward_seconds"] + r["reverse_seconds"]
        elif r["event"] == "summary":
            out["_kernel"] = r["blas_kernel"]
    return out
for t in threads:
    old = [rows(f"{work}/old-{t}-{k}.jsonl") for k in range(1, reps + 1)]
    new = [rows(f"{work}/new-{t}-{k}.jsonl") for k in range(1, reps + 1)]
    ko, kn = old[0]["_kernel"], new[0]["_kernel"]
    kernels = f"OpenBLAS kernel {kn}" if ko == kn else f"OpenBLAS kernels {ko} (old) and {kn} (new)"
    print(f"\n{t} thread(s), {kernels}, medians of {reps} runs each, alternating:\n")
    print("| work | old | new | old / new |\n|---|---:|---:|---:|")
    for key in (k for k in new[0] if not k.startswith("_")):
        a = statistics.median(r[key] for r in old)
        b = statistics.median(r[key] for r in new)
        print(f"| {key} | {a:.3f} | {b:.3f} | {a / b:.2f}× |")
PY
