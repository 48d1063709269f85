#!/usr/bin/python3
# test-sweep.py: didact-cli sweep, here and under mpirun, resumed after a killed
# rank, as a Slurm array merged back, and its bad arguments
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-sweep.py PATH-TO-didact-cli   (prints TAP)
#
# The per-cell results of a sweep run alone, on two MPI ranks, resumed after
# one rank was killed, and as array tasks merged together must be the same
# numbers to the last bit (one BLAS thread everywhere), and so must the
# tables. Without mpirun (or a didact-cli built without MPI) the MPI checks
# are skipped and say so.
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

cli = os.path.abspath(sys.argv[1])
results = []
tmp = tempfile.mkdtemp(prefix="didact-sweep-")

# 3 configurations × 4 seeds on digits; each cell takes a fraction of a
# second, so that a rank can be killed half-way through
SWEEP = ["sweep", "--dataset", "digits", "--hidden", "16", "--pretrain", "50",
         "--budget", "300", "--seeds", "4", "--seed", "11", "--arms", "ce,taught",
         "--threads", "1", "--grid", "trust-radius=0.1,0.3,1", "--window", "25"]
N_CELLS = 12
MPIRUN = shutil.which("mpirun")


def check(name, cond, detail=""):
    results.append((name, bool(cond), detail))


def skip(name, why):
    results.append((name, None, why))


def run(args, **kw):
    p = subprocess.run([cli] + args, capture_output=True, text=True, timeout=600, **kw)
    return p.returncode, p.stdout, p.stderr


def mpi_command(args, np=2):
    return [MPIRUN, "--oversubscribe", "--allow-run-as-root", "-np", str(np),
            "-x", "ASAN_OPTIONS", cli] + args


# Open MPI unloads its components at MPI_Finalize, and leaves thousands of
# their allocations behind, which LeakSanitizer can then name no module of
# (so no suppression matches): leaks are checked in the runs without MPI,
# which go through the same sweep and compare code.
MPI_ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")


def cells(path):
    """index → the cell's record without what may differ between runs"""
    out = {}
    with open(path) as f:
        lines = f.read().splitlines()
    head = json.loads(lines[0])
    for line in lines[1:]:
        r = json.loads(line)
        for key in ("seconds", "rank"):
            r.pop(key, None)
        for arm in r["arms"].values():
            arm.pop("seconds", None)
        assert r["index"] not in out, f"cell {r['index']} twice in {path}"
        out[r["index"]] = r
    return head, out


def tables(stdout):
    """the printed tables, without the lines that give times and ranks"""
    return "\n".join(l for l in stdout.splitlines()
                     if not re.match(r"^\d+ of \d+ cells", l))


# --- alone ---------------------------------------------------------------------
alone = os.path.join(tmp, "alone.jsonl")
code, out_alone, err = run(SWEEP + ["--out", alone])
check("a sweep runs every cell and exits 0", code == 0, f"exit {code}: {err[-400:]}")
head, ref = cells(alone)
check("its file starts with the sweep's record and holds every cell once",
      head["event"] == "sweep" and head["cells"] == N_CELLS and sorted(ref) == list(range(N_CELLS)),
      f"{head}, cells {sorted(ref)}")
check("each cell is its configuration at its seed",
      all(ref[i]["configuration"] == f"trust-radius={['0.1', '0.3', '1'][i // 4]}"
          and ref[i]["seed"] == 11 + i % 4 for i in ref), str([(i, ref[i]["configuration"], ref[i]["seed"]) for i in ref]))
check("the tables: one per configuration and the overview",
      out_alone.count("## trust-radius=") == 3 and "## Every configuration" in out_alone
      and len(re.findall(r"^\| trust-radius=\S+ \| 4 \|", out_alone, re.M)) == 3, out_alone[-1500:])
# the configurations must differ in what they give, or a cell dealt under the
# wrong configuration would go unseen
taught_by_config = [tuple(ref[c * 4 + k]["arms"]["taught"]["test_error"] for k in range(4)) for c in range(3)]
check("the three configurations teach differently", len(set(taught_by_config)) == 3, str(taught_by_config))

# the overview's numbers, recomputed from the file
def mean(v):
    return sum(v) / len(v)


ok = True
for c, radius in enumerate(["0.1", "0.3", "1"]):
    ce = [100 * ref[c * 4 + s]["arms"]["ce"]["test_error"] for s in range(4)]
    taught = [100 * ref[c * 4 + s]["arms"]["taught"]["test_error"] for s in range(4)]
    row = re.search(rf"^\| trust-radius={re.escape(radius)} \| 4 \| ([\d.]+) ± [\d.]+ \| ([\d.]+) ± [\d.]+ \| ([+-][\d.]+) ±",
                    out_alone, re.M)
    want = (f"{mean(ce):.2f}", f"{mean(taught):.2f}", f"{mean(taught) - mean(ce):+.2f}")
    if not row or row.groups() != want:
        ok = False
        print(f"# trust-radius={radius}: printed {row.groups() if row else None}, recomputed {want}")
check("the overview's means and paired difference are the cells' (recomputed)", ok)

# compare is a sweep of one configuration: the same numbers as its cells
code, out, err = run(["compare"] + SWEEP[1:SWEEP.index("--grid")] + ["--window", "25",
                     "--trust-radius", "0.3", "--json"])
recs = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
seeds = {r["seed"]: r for r in recs if r["event"] == "seed"}
check("compare's seeds are the sweep's cells of that configuration",
      code == 0 and all(seeds[11 + s]["arms"]["taught"]["test_error"] == ref[4 + s]["arms"]["taught"]["test_error"]
                        and seeds[11 + s]["arms"]["ce"]["test_error"] == ref[4 + s]["arms"]["ce"]["test_error"]
                        for s in range(4)), f"exit {code}: {err[-300:]}")

# --- MPI -----------------------------------------------------------------------
if MPIRUN is None:
    for name in ("two ranks: the same cells", "two ranks: the same tables",
                 "a killed rank: --resume runs only the missing cells"):
        skip(name, "no mpirun on this machine")
else:
    two = os.path.join(tmp, "two.jsonl")
    p = subprocess.run(mpi_command(SWEEP + ["--out", two]), capture_output=True, text=True,
                       timeout=600, env=MPI_ENV)
    if "on 2 ranks" not in p.stdout:
        for name in ("two ranks: the same cells", "two ranks: the same tables",
                     "a killed rank: --resume runs only the missing cells"):
            skip(name, f"didact-cli runs without MPI (exit {p.returncode}): {p.stdout[-200:]} {p.stderr[-300:]}")
    else:
        _, got = cells(two)
        ranks = {json.loads(l).get("rank") for l in open(two).read().splitlines()[1:]}
        check("two ranks: the same cells, bit for bit, and both ranks ran some",
              p.returncode == 0 and got == ref and ranks == {0, 1},
              f"exit {p.returncode}, ranks {ranks}, differ at {[i for i in ref if got.get(i) != ref[i]]}")
        check("two ranks: the same tables", tables(p.stdout) == tables(out_alone),
              f"{p.stdout[-800:]}")

        # a rank killed half-way: the file keeps the cells that finished
        killed = os.path.join(tmp, "killed.jsonl")
        proc = subprocess.Popen(mpi_command(SWEEP + ["--out", killed]), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True,
                                env=MPI_ENV)
        deadline = time.time() + 300
        n_before = 0
        while time.time() < deadline and proc.poll() is None:
            if os.path.exists(killed):
                n_before = len(open(killed).read().splitlines()) - 1
                if n_before >= 3:
                    break
            time.sleep(0.05)
        victim = None
        if proc.poll() is None:
            # rank 1: the didact-cli child of mpirun whose environment says so
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    env = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
                    exe = os.readlink(f"/proc/{pid}/exe")
                except OSError:
                    continue
                if b"OMPI_COMM_WORLD_RANK=1" in env and os.path.basename(exe) == "didact-cli":
                    victim = int(pid)
            if victim:
                os.kill(victim, signal.SIGKILL)
        try:
            proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
        _, partial = cells(killed)
        with open(killed, "a") as f:  # and a line cut short as the job died
            f.write('{"event":"cell","seed":1')
        missing = sorted(set(range(N_CELLS)) - set(partial))
        # --resume, on two ranks again
        p = subprocess.run(mpi_command(SWEEP + ["--out", killed, "--resume"]), capture_output=True,
                           text=True, timeout=600, env=MPI_ENV)
        _, after = cells(killed)
        new = [json.loads(l)["index"] for l in open(killed).read().splitlines()[1 + len(partial):]]
        check("a killed rank: --resume runs only the missing cells and ends with all of them",
              victim is not None and proc.returncode != 0 and 0 < len(partial) < N_CELLS
              and p.returncode == 0 and sorted(new) == missing and after == ref
              and f"{len(partial)} of {N_CELLS} cells are in" in p.stderr
              and tables(p.stdout) == tables(out_alone),
              f"victim {victim}, killed exit {proc.returncode}, kept {sorted(partial)}, "
              f"resume exit {p.returncode} ran {sorted(new)} (missing {missing}); {p.stderr[-400:]}")

# --- Slurm: one task per cell, merged -------------------------------------------
script = os.path.join(tmp, "sweep.sh")
code, out, err = run(SWEEP + ["--slurm-array", script, "--slurm-time", "00:30:00"])
text = open(script).read() if os.path.exists(script) else ""
check("--slurm-array writes an sbatch script of one task per cell",
      code == 0 and f"#SBATCH --array=0-{N_CELLS - 1}" in text and "#SBATCH --time=00:30:00" in text
      and "#SBATCH --cpus-per-task=1" in text and "--cell \"$SLURM_ARRAY_TASK_ID\"" in text
      and os.access(script, os.X_OK), f"exit {code}: {err}\n{text}")
# run the tasks as Slurm would, one process each, with its environment
task_dir = os.path.join(tmp, "sweep-cells")
ok = True
for t in range(N_CELLS):
    if t == 5:
        continue  # a task that never ran
    r = subprocess.run(["bash", script], env=dict(os.environ, SLURM_ARRAY_TASK_ID=str(t)),
                       capture_output=True, text=True, timeout=600)
    ok = ok and r.returncode == 0
check("its tasks run one cell each", ok and len(os.listdir(task_dir)) == N_CELLS - 1,
      str(os.listdir(task_dir)))
code, out, err = run(["sweep", "--merge", task_dir])
check("--merge names the missing cell and exits 1", code == 1 and "1 of 12 cells have no record: 5" in err,
      f"exit {code}: {err}")
subprocess.run(["bash", script], env=dict(os.environ, SLURM_ARRAY_TASK_ID="5"), capture_output=True)
code, out, err = run(["sweep", "--merge", task_dir])
merged = {}
for name in os.listdir(task_dir):
    if name.endswith(".jsonl"):
        merged.update(cells(os.path.join(task_dir, name))[1])
check("--merge of every task: the same cells and tables as the sweep run alone",
      code == 0 and merged == ref and tables(out) == tables(out_alone), f"exit {code}: {err}\n{out[-600:]}")

# --- bad arguments: one line naming the thing, exit 2, nothing written -----------
def usage(name, args, needle, status=2):
    code, out, err = run(args, cwd=tmp)
    lines = [l for l in err.splitlines() if l.strip()]
    check(name, code == status and len(lines) == 1 and needle in err, f"exit {code}: {err!r}")


base = SWEEP[:SWEEP.index("--grid")]
usage("--grid without =", base + ["--grid", "lr"], "KEY=V1,V2")
usage("--grid of an unknown option", base + ["--grid", "colour=1,2"], "no option --colour")
usage("--grid of the seeds", base + ["--grid", "seeds=1,2"], "--seed and --seeds")
usage("--grid of the arms", base + ["--grid", "arms=ce,taught"], "--arms")
usage("--grid and the same option", base + ["--grid", "budget=10,20"], "--budget both given")
usage("--grid with an empty value", base + ["--grid", "lr=0.1,"], "empty value")
usage("--grid with a value twice", base + ["--grid", "lr=0.1,0.1"], "listed twice")
usage("--grid with a bad value", base + ["--grid", "lr=0.1,-2"], "learning rate -2")
usage("--resume without --out", SWEEP + ["--resume"], "--out")
usage("--out that exists", SWEEP + ["--out", alone], "exists")
usage("--cell out of range", SWEEP + ["--cell", "12"], "0–11")
usage("--merge and other options", ["sweep", "--merge", tmp, "--lr", "0.1"], "no other option")
usage("--merge of a missing folder", ["sweep", "--merge", os.path.join(tmp, "nope")], "nope", status=1)
usage("--slurm-time that is not a time", SWEEP + ["--slurm-array", os.path.join(tmp, "x.sh"),
                                                 "--slurm-time", "1 hour"], "HH:MM:SS")
other = os.path.join(tmp, "other.jsonl")
with open(other, "w") as f:
    f.write(open(alone).read().splitlines()[0].replace('"--seeds","4"', '"--seeds","3"') + "\n")
usage("--resume of another sweep's file", SWEEP + ["--out", other, "--resume"], "a different sweep",
      status=1)
with open(other, "w") as f:
    f.write(open(alone).read().splitlines()[0] + "\n" + '{"event":"cell","index":99}\n')
usage("--resume of a file with a foreign cell", SWEEP + ["--out", other, "--resume"], "other.jsonl:2",
      status=1)

shutil.rmtree(tmp)
print(f"1..{len(results)}")
for i, (name, ok, detail) in enumerate(results, 1):
    if ok is None:
        print(f"ok {i} - {name} # SKIP {detail}")
        continue
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if not ok and detail:
        for line in str(detail).splitlines():
            print(f"# {line}")
