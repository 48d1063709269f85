#!/usr/bin/env bash
# bench-sweep.sh DIDACT-CLI [REPS]: one sweep on this machine's cores, two ways.
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A 6-cell Fashion-MNIST MLP sweep (2 trust radii × 3 seeds, arms ce
# and taught, 200 warm-up and 2,000 budget steps) run REPS times (default 3)
# each way, alternating: one process with 2 BLAS threads, and `mpirun -np 2`
# with 1 thread per rank. Prints each run's wall time, the medians and their
# ratio, the per-cell times at one thread (from the cells' own records), the
# BLAS kernel, and the sweep's table. Run it on an otherwise idle machine.
set -euo pipefail
cli=$(realpath "${1:?usage: bench-sweep.sh PATH-TO-didact-cli [REPS]}")
reps=${2:-3}
work=$(mktemp -d /tmp/didact-bench-sweep.XXXXXX)
sweep=(sweep --dataset fashion-mnist --student mlp --arms ce,taught --pretrain 200 --budget 2000
       --seeds 3 --seed 101 --grid trust-radius=0.1,0.3)
mpi=(mpirun -np 2)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)

now() { date +%s.%N; }
one=() two=()
for r in $(seq "$reps"); do
  t0=$(now); "$cli" "${sweep[@]}" --threads 2 --out "$work/one-$r.jsonl" > "$work/one-$r.txt" 2>/dev/null; t1=$(now)
  "${mpi[@]}" "$cli" "${sweep[@]}" --threads 1 --out "$work/two-$r.jsonl" > "$work/two-$r.txt" 2>/dev/null; t2=$(now)
  one+=("$(echo "$t1 - $t0" | bc)"); two+=("$(echo "$t2 - $t1" | bc)")
  printf 'run %d: 1 rank x 2 threads %.1f s, 2 ranks x 1 thread %.1f s\n' "$r" "${one[-1]}" "${two[-1]}"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
m1=$(median "${one[@]}"); m2=$(median "${two[@]}")
printf 'median: 1 rank x 2 threads %.1f s, 2 ranks x 1 thread %.1f s: speed-up %.2fx\n' "$m1" "$m2" \
  "$(echo "$m1 / $m2" | bc -l)"
# the cells' own times at one thread: the sum of their arms' seconds
/usr/bin/python3 - "$work/two-1.jsonl" <<'EOF'
import json, statistics, sys
cells = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()[1:]]
t = [c["seconds"] for c in cells]
print(f"per cell at 1 thread: median {statistics.median(t):.1f} s, min {min(t):.1f} s, max {max(t):.1f} s "
      f"over {len(t)} cells; ranks used: {sorted({c['rank'] for c in cells})}")
EOF
echo "$(nproc) cores; the runs' own last lines:"
grep -h ' cells in ' "$work/one-1.txt" "$work/two-1.txt"
echo
sed -n '/^## Every configuration/,$p' "$work/two-1.txt" | grep -v ' cells in '
rm -rf "$work"
