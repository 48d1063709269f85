#!/usr/bin/env bash
# bench-versus.sh OLD-didact-cli NEW-didact-cli [REPS] [THREADS…] [-- BENCH-ARGS…]:
# two builds, one run.
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs `didact-cli bench --no-reference --json` of the two builds alternately,
# REPS times each (default 3) at each thread count (default 1 and 2), and
# prints, per row of the benchmark, the median of each build and their ratio
# (old / new: above 1 is a speed-up). Both sides run in the same series on the
# same machine, so drift hits both. Run it on an otherwise idle machine.
# BENCH-ARGS go to both builds' bench (e.g. `-- --student mlp --meta-reps 3`;
# a later --meta-reps wins over the default 2). With more than one thread
# count, each build's time at the first over its time at each other follows.
set -euo pipefail
old=$(realpath "${1:?usage: bench-versus.sh OLD-didact-cli NEW-didact-cli [REPS] [THREADS…] [-- BENCH-ARGS…]}")
new=$(realpath "${2:?usage: bench-versus.sh OLD-didact-cli NEW-didact-cli [REPS] [THREADS…] [-- BENCH-ARGS…]}")
shift 2
reps=3
if [ $# -gt 0 ] && [ "$1" != "--" ]; then reps=$1; shift; fi
threads=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do threads+=("$1"); shift; done
[ $# -gt 0 ] && shift   # the --
extra=("$@")
[ ${#threads[@]} -gt 0 ] || threads=(1 2)
work=$(mktemp -d /tmp/didact-bench-versus.XXXXXX)
trap 'rm -rf "$work"' EXIT
# rounds outermost: drift hits every thread count too
for r in $(seq "$reps"); do
  for t in "${threads[@]}"; do
    "$old" bench --threads "$t" --no-reference --reps 3 --meta-reps 2 --json ${extra[@]+"${extra[@]}"} > "$work/old-$t-$r.jsonl"
    "$new" bench --threads "$t" --no-reference --reps 3 --meta-reps 2 --json ${extra[@]+"${extra[@]}"} > "$work/new-$t-$r.jsonl"
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
            # one record per k (the default, then every step kept)
            m = f"{r['student']} meta-iteration, k = {r['checkpoint_every']}"
            out[f"{m}, steps (s)"] = r["steps_seconds"]
            out[f"{m}, dev (s)"] = r["dev_seconds"]
            out[f"{m}, reverse pass (s)"] = r["reverse_pass_seconds"]
            out[f"{m}, trust step (s)"] = r["update_seconds"]
            out[f"{m}, total (s)"] = r["forward_seconds"] + r["reverse_seconds"]
        elif r["event"] == "seq2seq":
            out[f"seq2seq training, batch {r['batch']}, ms per 1,000 target tokens"] = 1e6 / r["tokens_per_second"]
        elif r["event"] == "summary":
            out["_kernel"] = r["blas_kernel"]
    return out
med = {}
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
        med[t, key] = (a, b)
# each build's time at the first thread count over its time at each other
if len(threads) > 1:
    t0 = threads[0]
    for t in threads[1:]:
        print(f"\n{t} thread(s) against {t0}, each build's medians (time at {t0} / time at {t}):\n")
        print("| work | old | new |\n|---|---:|---:|")
        for (tt, key), (a, b) in med.items():
            if tt == t and (t0, key) in med:
                a0, b0 = med[t0, key]
                print(f"| {key} | {a0 / a:.2f}× | {b0 / b:.2f}× |")
PY
