#!/usr/bin/python3
# test-cli.py: didact-cli as a user runs it: bad arguments, JSON records, exit codes
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli.py PATH-TO-didact-cli   (prints TAP)
import ast
import csv
import hashlib
import json
import os
import platform
import re
import struct
import subprocess
import sys
import tempfile

cli = sys.argv[1]
ARMS = ["ce", "smooth", "margin", "frozen", "taught"]
results = []


def run(args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([cli] + args, capture_output=True, text=True, env=e, timeout=600)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=""):
    results.append((name, bool(cond), detail))


def usage_error(name, args, needle):
    code, out, err = run(args)
    lines = [l for l in err.splitlines() if l.strip()]
    check(name, code == 2 and len(lines) == 1 and needle in err,
          f"exit {code}, stderr {err!r}")


def records(out):
    return [json.loads(l) for l in out.splitlines() if l.strip()]


usage_error("no command", [], "Usage")  # the usage text is several lines
results.pop()
code, _, err = run([])
check("no command exits 2", code == 2, f"exit {code}")
usage_error("unknown command", ["frobnicate"], "frobnicate")
usage_error("non-integer epochs", ["train", "--epochs", "abc"], "epochs")
usage_error("unknown dataset", ["train", "--dataset", "cifar"], "cifar")
usage_error("negative learning rate", ["train", "--lr", "-1"], "learning rate")
usage_error("epochs and steps", ["train", "--epochs", "1", "--steps", "5"], "not both")
usage_error("unknown loss", ["train", "--loss", "hinge"], "hinge")
usage_error("stray argument", ["train", "extra"], "extra")
usage_error("window zero", ["teach", "--window", "0"], "window")
usage_error("unknown teacher", ["teach", "--teacher", "oracle"], "oracle")
usage_error("negative teacher lr", ["teach", "--teacher-lr", "-0.1"], "teacher learning rate")
usage_error("compare seeds", ["compare", "--seeds", "0"], "seeds")
# the trust step (the default) never reads them: refused, not ignored
usage_error("teacher lr under the trust step", ["teach", "--teacher-lr", "0.05"], "--teacher-step plain")
usage_error("teacher optimiser under the trust step", ["compare", "--teacher-optimizer", "adam"],
            "--teacher-step plain")


# Every option that names one of a few choices: its "unknown; choose …" message
# and its --help line list the same names, and every name listed is accepted
# (STOP then stops the command after the choices were read).
def help_line(help_text, option):
    return next((l for l in help_text.splitlines() if f"--{option}=" in l), "")


def listed(names_text):
    return [n for n in re.split(r", | or ", names_text.strip()) if n]


TEACH_CHOICES = ["dataset", "student", "teacher", "protocol", "objective", "teacher-optimizer",
                 "start", "teacher-step", "schedule"]
CHOICE_OPTIONS = {"teach": TEACH_CHOICES, "compare": TEACH_CHOICES,
                  "train": ["dataset", "student", "loss", "optimizer", "schedule"]}
STOP = {"teach": ["--window", "0"], "compare": ["--window", "0"],
        "train": ["--epochs", "1", "--steps", "5"]}
for command, options in CHOICE_OPTIONS.items():
    _, help_text, _ = run([command, "--help"])
    for option in options:
        code, _, err = run([command, f"--{option}", "bogus"])
        m = re.search(rf"^didact-cli {command}: --{option} “bogus”: unknown; choose (.+)$", err.strip())
        names = listed(m.group(1)) if m else []
        line = help_line(help_text, option)
        check(f"{command} --{option}: the message's choices are --help's", code == 2 and len(names) >= 2
              and all(re.search(rf"(=\S+|[\s(:,]){re.escape(n)}([\s),;]|$)", line) for n in names),
              f"exit {code}, stderr {err!r}, help {line!r}")
        refused = []
        for name in names:
            args = [command, f"--{option}", name] + STOP[command]
            if option != "dataset":
                args += ["--dataset", "digits"]
            code, _, err = run(args)
            if code != 2 or "unknown" in err:
                refused.append((name, code, err))
        check(f"{command} --{option} accepts every name it lists", names and not refused, f"{refused}")
_, help_text, _ = run(["compare", "--help"])
check("compare --arms' help lists every arm",
      all(re.search(rf"[:,] {a}[, ]", help_line(help_text, "arms")) for a in ARMS),
      help_line(help_text, "arms"))
check("compare --help explains every arm", all(re.search(rf"^  {a} +\S", help_text, re.M) for a in ARMS),
      help_text[:1200])

code, out, _ = run(["train", "--help"])
check("train --help", code == 0 and "--dataset" in out and "--json" in out, out[:200])

code, out, err = run(["train", "--dataset", "digits", "--hidden", "16", "--steps", "60", "--json"])
recs = records(out) if code == 0 else []
s = recs[-1] if recs else {}
check("train --json summary", code == 0 and s.get("event") == "summary" and s.get("steps") == 60
      and 0.3 < s.get("test_accuracy", 0) <= 1 and "dev_accuracy" in s and s.get("seconds", -1) >= 0,
      f"exit {code}, last record {s}, stderr {err[-300:]}")
check("train --json is one object per line", all(isinstance(r, dict) and "event" in r for r in recs))

code, out, err = run(["teach", "--dataset", "digits", "--hidden", "16", "--window", "5", "--meta", "2",
                      "--pretrain", "10", "--dev", "100", "--json"])
recs = records(out) if code == 0 else []
wins = [r for r in recs if r.get("event") == "window"]
ok = code == 0 and len(wins) == 2 and recs[-1].get("event") == "summary" and "test_accuracy" in recs[-1]
if ok:
    w = wins[-1]
    # the W block: ten rows of W, then the log ε row; the trust step's verdict
    ok = (len(w["W"]) == 11 and all(len(row) == 10 for row in w["W"]) and len(w["b"][0]) == 10
          and all(k in w for k in ("step", "train_loss", "dev_error", "dev_measure", "teacher_grad_norm",
                                   "update", "step_length"))
          and w["update"] in ("accepted", "rejected", "fallback", "none")
          and w["step"] == 20)
check("teach --json windows and summary", ok, f"exit {code}, stderr {err[-300:]}, {recs[-1:] }")

# compare: five arms per seed from the same weights and minibatches; the
# paired comparisons are checked against differences computed here from the
# per-seed records
COMPARE = ["compare", "--dataset", "digits", "--hidden", "16", "--window", "20", "--pretrain", "50",
           "--dev", "100", "--lr", "0.1", "--budget", "200", "--seeds", "2"]


def compare_json(extra):
    code, out, err = run(COMPARE + extra + ["--json"])
    recs = records(out) if code == 0 else []
    seeds = [r for r in recs if r.get("event") == "seed"]
    summary = recs[-1] if recs and recs[-1].get("event") == "summary" else {}
    return code, seeds, summary, err


def mean_sd_se(v):
    m = sum(v) / len(v)
    sd = (sum((x - m) ** 2 for x in v) / (len(v) - 1)) ** 0.5 if len(v) > 1 else 0.0
    return m, sd, sd / len(v) ** 0.5


code, seeds, s, err = compare_json([])
ok = code == 0 and [r["seed"] for r in seeds] == [1, 2]
ok = ok and all(sorted(r["arms"]) == sorted(ARMS) and all(
    0 <= r["arms"][a][k] <= 1 for a in ARMS for k in ("test_error", "dev_error", "balanced_test_error"))
    and all(r["arms"][a]["seconds"] >= 0 for a in ARMS) for r in seeds)
check("compare --json: every arm in every seed record", ok, f"exit {code}, {seeds}, stderr {err[-300:]}")
ok = (s.get("seeds") == 2 and s.get("measure") == "test_error" and s.get("budget") == 200
      and s.get("pretrain") == 50 and s.get("transfer") is False and sorted(s.get("arms", {})) == sorted(ARMS)
      and sorted(s.get("paired", {})) == sorted(a for a in ARMS if a != "taught"))
if ok:
    for a in ARMS:
        m, sd, se = mean_sd_se([r["arms"][a]["test_error"] for r in seeds])
        got = s["arms"][a]
        ok = ok and abs(got["mean"] - m) < 1e-12 and abs(got["sd"] - sd) < 1e-12 and abs(got["se"] - se) < 1e-12
check("compare --json summary: per-arm mean, sd and se of the seed records", ok, f"{s}")
paired_ok = bool(s.get("paired"))
expected_points = {}
for a in s.get("paired", {}):
    d = [r["arms"]["taught"]["test_error"] - r["arms"][a]["test_error"] for r in seeds]
    m, _, se = mean_sd_se(d)
    p = s["paired"][a]
    verdict = ("better" if m < -2 * se else "worse") if abs(m) > 2 * se else \
              "within" if abs(m) <= se else "inconclusive"
    paired_ok = paired_ok and abs(p["difference"] - m) < 1e-12 and abs(p["se"] - se) < 1e-12 \
        and p["verdict"] == verdict
    expected_points[a] = 100 * m
check("compare --json: paired differences are the mean of the per-seed differences", paired_ok, f"{s}")
fixed = {a: s["arms"][a]["mean"] for a in ("smooth", "margin")} if s.get("arms") else {}
check("compare --json names the best fixed alternative",
      fixed and s.get("best_fixed") == min(fixed, key=fixed.get), f"{s}")

# the same run, for people: the table, then the paired block with the same differences
code, out, err = run(COMPARE)
lines = out.splitlines()
ok = code == 0 and "| seed | ce | smooth | margin | frozen | taught |" in lines
rows = [l for l in lines if l.startswith("| 1 |") or l.startswith("| 2 |")]
ok = ok and len(rows) == 2 and all(len(r.split("|")) == 8 for r in rows)
ok = ok and any(l.startswith("| mean ± sd |") for l in lines) and any(l.startswith("| standard error |") for l in lines)
check("compare prints a Markdown table of seeds by arms with mean ± sd and standard error", ok,
      f"exit {code}, {out[-1200:]}, stderr {err[-300:]}")
printed = {}
for l in lines:
    cells = [c.strip() for c in l.strip("|").split("|")]
    if len(cells) == 4 and cells[0] in ARMS and cells[1][:1] in "+-":
        printed[cells[0]] = float(cells[1])
check("compare prints the paired differences of the JSON seed records",
      expected_points and sorted(printed) == sorted(expected_points)
      and all(abs(printed[a] - expected_points[a]) <= 0.005 + 1e-9 for a in printed),
      f"printed {printed}, computed {expected_points}")
check("compare names the best fixed alternative", fixed and
      f"Best fixed alternative: {min(fixed, key=fixed.get)} " in out, out[-400:])

# with no budget every arm is its warm-up: the same cross-entropy steps from the
# same weights (the smooth and margin arms must not warm up on their own loss)
code, seeds, s, err = compare_json(["--budget", "0"])
check("compare arms share the cross-entropy warm-up (--budget 0: every arm the same)", code == 0 and len(seeds) == 2
      and all(len({(r["arms"][a]["test_error"], r["arms"][a]["dev_error"]) for a in ARMS}) == 1 for r in seeds),
      f"exit {code}, {[{a: r['arms'][a]['test_error'] for a in r['arms']} for r in seeds]}, stderr {err[-300:]}")

code, seeds, s, err = compare_json(["--arms", "ce,taught"])
check("compare --arms ce,taught runs those two", code == 0 and all(sorted(r["arms"]) == ["ce", "taught"] for r in seeds)
      and sorted(s.get("paired", {})) == ["ce"] and "best_fixed" not in s, f"exit {code}, {s}, stderr {err[-300:]}")
usage_error("compare --arms refuses an unknown arm", ["compare", "--dataset", "digits", "--arms", "ce,hinge"], "hinge")
usage_error("compare --arms refuses an empty list", ["compare", "--dataset", "digits", "--arms", ""], "no arms")
usage_error("compare --transfer needs the taught arm", ["compare", "--dataset", "digits", "--transfer",
                                                        "--arms", "ce"], "taught")
usage_error("compare: an episodic teacher only with --transfer", ["compare", "--dataset", "digits",
                                                                  "--protocol", "episodic"], "--transfer")

code, seeds, s, err = compare_json(["--transfer", "--meta", "2", "--arms", "frozen,taught"])
check("compare --transfer trains a teacher first", code == 0 and s.get("transfer") is True and len(seeds) == 2
      and all(0 <= r.get("teacher_dev_error", -1) <= 1 and r.get("teacher_seconds", -1) >= 0 for r in seeds),
      f"exit {code}, {seeds}, {s}, stderr {err[-300:]}")

# a long tail: the table and the summary are about the mean per-class error
code, seeds, s, err = compare_json(["--scenario", "long-tail:0.1", "--arms", "ce,taught"])
ok = code == 0 and s.get("measure") == "balanced_test_error" and len(seeds) == 2
if ok:
    m, _, _ = mean_sd_se([r["arms"]["ce"]["balanced_test_error"] for r in seeds])
    ok = abs(s["arms"]["ce"]["mean"] - m) < 1e-12
check("compare --scenario long-tail summarises the balanced error", ok, f"exit {code}, {s}, stderr {err[-300:]}")
code, out, err = run(COMPARE + ["--scenario", "long-tail:0.1", "--arms", "ce,taught"])
check("compare --scenario long-tail says its table is the mean per-class error",
      code == 0 and "Mean per-class test error" in out and "| seed | ce | taught |" in out, out[:800])

code, out, _ = run(["datasets", "--json"])
recs = records(out) if code == 0 else []
check("datasets --json", code == 0 and sorted(r["name"] for r in recs if r.get("event") == "dataset")
      == ["de-en", "digits", "fashion-mnist", "mnist"])
check("datasets --json lists the scenarios",
      [r.get("form") for r in recs if r.get("event") == "scenario"]
      == ["none", "symmetric:F", "pair-flip:F", "long-tail:F[:N]"]
      and all(r.get("explanation") for r in recs if r.get("event") == "scenario"), f"{recs}")
code, out, _ = run(["datasets"])
check("datasets lists the scenarios", code == 0 and "pair-flip:F" in out and "long-tail:F[:N]" in out, out)

# training-split scenarios: label noise and a long tail on digits; dev and test stay clean
for command in ("train", "teach", "compare"):
    code, out, _ = run([command, "--help"])
    check(f"{command} --help gives the scenario forms", code == 0 and "--scenario" in out
          and "symmetric:F" in out and "pair-flip:F" in out and "long-tail:F[:N]" in out, out[-600:])
usage_error("unknown scenario", ["train", "--dataset", "digits", "--scenario", "gaussian:0.4"], "gaussian")
usage_error("scenario fraction out of range", ["teach", "--dataset", "digits", "--scenario", "pair-flip:1.5"],
            "[0, 1)")
usage_error("scenario without a fraction", ["compare", "--dataset", "digits", "--scenario", "long-tail"],
            "fraction is missing")
usage_error("long tail of every class", ["train", "--dataset", "digits", "--scenario", "long-tail:0.1:10"],
            "1 to 9")
usage_error("scenario on sentences", ["teach", "--dataset", "de-en", "--student", "seq2seq",
                                      "--scenario", "symmetric:0.2"], "de-en")

code, out, err = run(["train", "--dataset", "digits", "--hidden", "16", "--steps", "60",
                      "--scenario", "pair-flip:0.4", "--json"])
recs = records(out) if code == 0 else []
s = recs[-1] if recs else {}
start = recs[0] if recs else {}
check("train --scenario pair-flip:0.4 --json", code == 0 and s.get("event") == "summary"
      and s.get("scenario") == "pair-flip:0.4" and 0 <= s.get("balanced_test_error", -1) <= 1
      and start.get("scenario") == "pair-flip:0.4" and start.get("train_examples") == 1077
      # 40 % of 1,077 labels, within five binomial standard deviations (16.1)
      and abs(start.get("train_labels_changed", 0) - 430.8) < 81,
      f"exit {code}, {start}, {s}, stderr {err[-300:]}")
code, out, _ = run(["train", "--dataset", "digits", "--hidden", "16", "--steps", "60",
                    "--scenario", "pair-flip:0.4", "--json"])
again = records(out) if code == 0 else []
check("train --scenario is deterministic by seed", again and again[0] == start, f"{again[:1]}")
code, out, err = run(["train", "--dataset", "digits", "--hidden", "16", "--steps", "60", "--json"])
recs = records(out) if code == 0 else []
check("train without --scenario reports none", recs and recs[-1].get("scenario") == "none"
      and recs[0].get("train_labels_changed") == 0, f"{recs[-1:]}")
code, out, err = run(["train", "--dataset", "digits", "--hidden", "16", "--steps", "60",
                      "--scenario", "long-tail:0.05"])
check("train --scenario long-tail says so and prints the mean per-class error", code == 0
      and "Scenario: long tail: the last 5 classes keep 5 % of their training examples: 563 of 1077" in out
      and "mean per-class test error" in out, f"exit {code}, {out[:400]}, stderr {err[-300:]}")
code, out, err = run(["compare", "--dataset", "digits", "--hidden", "16", "--window", "5", "--meta", "1",
                      "--pretrain", "10", "--dev", "100", "--budget", "20", "--seeds", "2",
                      "--scenario", "symmetric:0.2", "--json"])
recs = records(out) if code == 0 else []
seeds = [r for r in recs if r.get("event") == "seed"]
check("compare --scenario draws the noise per seed", code == 0 and recs[-1].get("scenario") == "symmetric:0.2"
      and len(seeds) == 2 and seeds[0]["train_labels_changed"] != seeds[1]["train_labels_changed"],
      f"exit {code}, {recs}, stderr {err[-300:]}")

# the translation student's benchmark: two steps, one repetition; against
# PyTorch (python3-torch) when it is there, from the same parameters
corpus = [os.path.join(os.environ.get("DIDACT_DATA_DIR", ""), "de-en"), "/usr/share/trans/de-en"]
if not any(os.path.isfile(c) for c in corpus):
    results.append(("bench --student seq2seq # SKIP no de-en corpus", True, ""))
else:
    code, out, err = run(["bench", "--student", "seq2seq", "--steps", "2", "--reps", "1", "--json"])
    recs = records(out) if code == 0 else []
    row = next((r for r in recs if r.get("event") == "seq2seq"), {})
    default_row = row  # the default sizes, untied, one direction
    check("bench --student seq2seq --json", code == 0 and row.get("tokens_per_second", 0) > 0
          and row.get("batch") == 32 and recs[-1].get("event") == "summary",
          f"exit {code}, {recs}, stderr {err[-300:]}")
    has_torch = subprocess.run(["/usr/bin/python3", "-c", "import torch"],
                               capture_output=True).returncode == 0 if os.path.exists("/usr/bin/python3") else False
    if not has_torch:
        results.append(("bench seq2seq against PyTorch # SKIP no python3-torch", True, ""))
    else:
        check("bench seq2seq against PyTorch: same loss from the same parameters",
              row.get("torch_tokens_per_second", 0) > 0
              and abs(row.get("torch_first_loss", 0) - row.get("first_loss", 1)) < 1e-3,
              f"{row}, summary {recs[-1:]}")
        def bench_s2s(args):
            code, out, err = run(["bench", "--student", "seq2seq", "--steps", "2", "--reps", "1",
                                  "--json"] + args)
            recs = records(out) if code == 0 else []
            row = next((r for r in recs if r.get("event") == "seq2seq"), {})
            return row, f"exit {code}, {row}, stderr {err[-300:]}"

        def same_losses(row, tol):
            return (row.get("torch_tokens_per_second", 0) > 0
                    and abs(row.get("torch_first_loss", 0) - row.get("first_loss", 1)) < tol
                    and abs(row.get("torch_last_loss", 0) - row.get("last_loss", 1)) < tol)
        # tied embeddings and a bidirectional encoder: the same function and
        # the same gradient (the loss after the SGD steps agrees too)
        row, detail = bench_s2s(["--tie-embeddings", "--bidirectional"])
        check("bench seq2seq --tie-embeddings --bidirectional against PyTorch: same losses",
              same_losses(row, 1e-3), detail)
        # dropout: PyTorch is given the engine's masks of every step, so the
        # losses agree as closely as without (about 1e-6); leaving out the
        # mask of o alone moves the first loss by 8e-4
        drop, detail = bench_s2s(["--tie-embeddings", "--bidirectional", "--dropout", "0.3",
                                  "--word-dropout", "0.1"])
        check("bench seq2seq --dropout --word-dropout against PyTorch on the engine's masks: same losses",
              same_losses(drop, 1e-4) and abs(drop.get("first_loss", 0) - row.get("first_loss", 0)) > 1e-4,
              detail)
        # input feeding: PyTorch runs the decoder a position at a time (a
        # GRUCell over [embedding; o'_{t-1}]) on the engine's masks
        fed, detail = bench_s2s(["--input-feed", "--tie-embeddings", "--dropout", "0.3",
                                 "--word-dropout", "0.1"])
        check("bench seq2seq --input-feed against PyTorch (a loop over positions): same losses",
              same_losses(fed, 1e-4) and "input feeding" in fed.get("student", ""), detail)
        # other sizes (E ≠ H, untied): both sides build them from the batch
        # file's header, the student's description names them, and the loss
        # differs from the default sizes' (8.7755 against 8.7773)
        sized, detail = bench_s2s(["--embedding", "64", "--hidden", "96"])
        check("bench seq2seq --embedding 64 --hidden 96 against PyTorch: same losses",
              same_losses(sized, 1e-3) and "E=64 H=96" in sized.get("student", "")
              and abs(sized.get("first_loss", 0) - default_row.get("first_loss", 0)) > 1e-4, detail)
        # two threads: the batches split between lanes, the masks the lanes'
        lanes, detail = bench_s2s(["--threads", "2", "--dropout", "0.3", "--word-dropout", "0.1"])
        check("bench seq2seq --threads 2 --dropout against PyTorch: same losses", same_losses(lanes, 1e-4),
              detail)

# --kernel starts bench again on another OpenBLAS kernel: Prescott (SSE3) runs
# on every x86-64, so the switch is checked wherever the suite runs
BENCH_TINY = ["--no-reference", "--no-meta", "--reps", "1", "--steps", "1", "--json"]
if platform.machine() not in ("x86_64", "AMD64"):
    results.append(("bench --kernel # SKIP not x86-64", True, ""))
else:
    code, out, err = run(["bench", "--kernel", "Prescott"] + BENCH_TINY)
    recs = records(out) if code == 0 else []
    summary = recs[-1] if recs else {}
    check("bench --kernel Prescott runs on that kernel", code == 0 and summary.get("event") == "summary"
          and summary.get("blas_kernel", "").lower() == "prescott"
          and len([r for r in recs if r.get("event") == "step"]) == 4, f"exit {code}, {summary}, {err[-300:]}")
    # a summary that names a faster kernel this CPU has also measured it
    check("bench names another kernel only with its measured peak",
          "other_kernel" not in summary or summary.get("other_kernel_gemm_peak_gflops", 0) > 0, str(summary))
usage_error("bench --kernel with a space", ["bench", "--kernel", "a b"], "--kernel")
# --student mlp or lenet: that image student's rows alone
for kind in ("mlp", "lenet"):
    code, out, err = run(["bench", "--student", kind] + BENCH_TINY)
    recs = records(out) if code == 0 else []
    steps = [r for r in recs if r.get("event") == "step"]
    check(f"bench --student {kind}: its two batches alone", code == 0 and recs[-1].get("event") == "summary"
          and [(r["student"], r["batch"]) for r in steps] == [(kind, 20), (kind, 128)],
          f"exit {code}, {steps}, {err[-300:]}")

with tempfile.TemporaryDirectory() as empty:
    code, _, err = run(["train", "--dataset", "mnist"],
                       env={"DIDACT_DATA_DIR": empty, "XDG_CACHE_HOME": empty})
    check("missing dataset names the install command", code == 1 and "fetch-mnist" in err,
          f"exit {code}, {err!r}")

with tempfile.TemporaryDirectory() as tmp:
    def text_file(name, text):
        path = os.path.join(tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    ref = text_file("ref.txt", "the cat sat on a mat\na b c d\n")
    hyp = text_file("hyp.txt", "the cat sat on the mat\na b c d\n")
    code, out, err = run(["bleu", ref, ref])
    check("bleu of a file against itself is 100", code == 0 and out.startswith("BLEU = 100.00, 100.0/"),
          f"exit {code}, {out!r}, {err!r}")
    # p = 9/10, 6/8, 4/6, 2/4 (summed over both lines), c = r = 10:
    # 100 (9/10 · 6/8 · 4/6 · 2/4)^¼ = 100 (9/40)^¼ = 68.87
    code, out, err = run(["bleu", ref, hyp])
    check("bleu known case", code == 0 and out.strip() ==
          "BLEU = 68.87, 90.0/75.0/66.7/50.0 (BP = 1.000, ratio = 1.000, hyp_len = 10, ref_len = 10)",
          f"exit {code}, {out!r}, {err!r}")
    code, out, err = run(["bleu", ref, hyp, "--json"])
    recs = records(out) if code == 0 else []
    s = recs[-1] if recs else {}
    check("bleu --json summary", code == 0 and len(recs) == 1 and s.get("event") == "summary"
          and abs(s.get("bleu", 0) - 100 * (9 / 40) ** 0.25) < 1e-9 and len(s.get("precisions", [])) == 4
          and s.get("bp") == 1 and s.get("hyp_len") == 10 and s.get("ref_len") == 10,
          f"exit {code}, {out!r}, {err!r}")
    short = text_file("short.txt", "the cat sat on the mat\n")
    code, _, err = run(["bleu", ref, short])
    lines = [l for l in err.splitlines() if l.strip()]
    check("bleu with different line counts names both files and counts",
          code in (1, 2) and len(lines) == 1 and ref in err and short in err and "1 line" in err
          and "has 2" in err, f"exit {code}, {err!r}")
    missing = os.path.join(tmp, "missing.txt")
    code, _, err = run(["bleu", ref, missing])
    lines = [l for l in err.splitlines() if l.strip()]
    check("bleu with a missing file names it", code == 1 and len(lines) == 1 and missing in err,
          f"exit {code}, {err!r}")
    usage_error("bleu with one file", ["bleu", ref], "two files")
    usage_error("bleu with three files", ["bleu", ref, hyp, hyp], "two files")

# session files from the command line: teach --save/--csv runs through a session
# (the workbench's engine) with the same steps and results as plain teach; replay
# opens, continues, re-saves, exports and checks them
def npy_read(path):
    """A .npy file (format 1.0, little-endian, C order) parsed here: dtype, shape, values."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x93NUMPY\x01\x00":
        return None
    hlen = struct.unpack("<H", data[8:10])[0]
    header = ast.literal_eval(data[10:10 + hlen].decode("latin1"))
    if (10 + hlen) % 64 != 0 or header["fortran_order"]:
        return None
    shape = header["shape"]
    n = 1
    for d in shape:
        n *= d
    code = {"<f4": "f", "<i8": "q"}[header["descr"]]
    body = data[10 + hlen:]
    if len(body) != n * struct.calcsize(code):
        return None
    return header["descr"], shape, list(struct.unpack(f"<{n}{code}", body))


def windows_of(recs):
    return [r for r in recs if r.get("event") == "window"]


def reseal(body):
    """a session file's last 32 bytes: the SHA-256 of everything before"""
    return bytes(body) + hashlib.sha256(bytes(body)).digest()


SESSION = ["--dataset", "digits", "--hidden", "16", "--window", "5", "--pretrain", "10", "--dev", "100",
           "--protocol", "continual", "--lr", "0.1", "--momentum", "0.5", "--shadow-patience", "1"]
SAME = ("step", "meta_iteration", "W", "b", "train_loss", "dev_error", "dev_measure", "teacher_grad_norm",
        "update", "step_length", "holdout_before", "holdout_after", "holdout_se", "shadow_gap", "took_shadow")
with tempfile.TemporaryDirectory() as tmp:
    saved = os.path.join(tmp, "lesson.didact")
    out_dir = os.path.join(tmp, "new", "export")   # made, parents too
    code, out, err = run(["teach"] + SESSION + ["--meta", "4", "--json"])
    plain = records(out) if code == 0 else []
    code, out, err = run(["teach"] + SESSION + ["--meta", "4", "--json", "--save", saved, "--csv", out_dir])
    sess = records(out) if code == 0 else []
    pw, sw = windows_of(plain), windows_of(sess)
    check("teach --save --csv: the session's windows are plain teach's, bit for bit",
          code == 0 and len(pw) == 4 and len(sw) == 4 and all("W" in q and "holdout_after" in q for q in sw)
          and all(all(p.get(k) == q.get(k) for k in SAME) for p, q in zip(pw, sw)),
          f"exit {code}, stderr {err[-300:]}, "
          f"{[(k, p.get(k), q.get(k)) for p, q in zip(pw, sw) for k in SAME if p.get(k) != q.get(k)][:3]}")
    ps, ss = (plain[-1] if plain else {}), (sess[-1] if sess else {})
    check("teach --save: the final student's dev and test accuracy are plain teach's",
          ss.get("event") == "summary" and all(ps.get(k) == ss.get(k) and k in ss for k in (
              "test_accuracy", "dev_accuracy", "balanced_test_error", "steps", "teacher_updates"))
          and ss.get("steps") == 30 and ss.get("session_file") == saved and ss.get("export_dir") == out_dir,
          f"plain {ps}, session {ss}")
    # the session measures the whole test split at every window: the last is the summary's
    check("teach --save: the last window's test error is the final student's",
          sw and sw[-1].get("test_error") == ss.get("test_error"), f"{sw[-1:]} {ss}")

    code, out, err = run(["replay", saved, "--json"])
    recs = records(out) if code == 0 else []
    d = recs[0] if recs else {}
    br = (d.get("branches") or [{}])[0]
    check("replay --json reads the file back: data, tag, branch, steps, windows", code == 0 and len(recs) == 1
          and d.get("event") == "session" and d.get("dataset") == "digits" and d.get("tag") == "didact-cli teach"
          and d.get("protocol") == "continual" and d.get("window") == 5 and d.get("meta_iterations") == 4
          and d.get("journal_entries") == 0 and len(d.get("branches", [])) == 1
          and br.get("name") == "taught" and br.get("parent") == -1 and br.get("steps") == 30
          and br.get("windows") == 4 and br.get("meta_iteration") == 4
          and sw and br.get("dev_error") == sw[-1]["dev_error"] and br.get("test_error") == sw[-1]["test_error"],
          f"exit {code}, {recs}, stderr {err[-300:]}")
    code, out, err = run(["replay", saved])
    check("replay describes the session in words", code == 0 and out.startswith(f"{saved}: a session on digits")
          and "taught: step 30, 4 windows" in out and "0 journal entries" in out, f"exit {code}, {out!r} {err!r}")

    # the export: curves.csv (one row per recorded step) and Φ as NumPy arrays
    curves = os.path.join(out_dir, "curves.csv")
    rows = []
    if os.path.isfile(curves):
        with open(curves, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    head = rows[0] if rows else []
    check("teach --csv: curves.csv names branch and series and has a row per recorded step",
          head[:1] == ["step"] and "taught: training loss (nats)" in head and "taught: dev error (fraction)" in head
          and len(rows) - 1 == br.get("step_records") == 30
          and [int(r[0]) for r in rows[1:]] == list(range(1, 31))
          and all(len(r) == len(head) for r in rows), f"{head}, {len(rows)} rows, {br}")
    dev_col = head.index("taught: dev error (fraction)") if "taught: dev error (fraction)" in head else None
    check("curves.csv holds the window records' dev error at their steps", dev_col is not None and sw and
          all(abs(float(rows[w["step"]][dev_col]) - w["dev_error"]) < 1e-9 for w in sw), f"{rows[:2]}")
    phi = npy_read(os.path.join(out_dir, "phi-0.npy"))
    phi_steps = npy_read(os.path.join(out_dir, "phi-steps-0.npy"))
    ok = phi is not None and phi_steps is not None and phi[0] == "<f4" and phi_steps[0] == "<i8"
    if ok:
        n, R1, C = phi[1]
        last = sw[-1]
        flat = last["W"] + last["b"]   # the W block's rows, then b: the last window's Φ
        k = phi_steps[2].index(last["step"]) if last["step"] in phi_steps[2] else -1
        ok = ((R1, C) == (12, 10) and n == br.get("phi_records") == phi_steps[1][0] and k >= 0
              and phi_steps[2] == sorted(phi_steps[2])
              and phi[2][k * R1 * C:(k + 1) * R1 * C] == [v for row in flat for v in row])
    check("teach --csv: phi-0.npy is (records, R + 1, C) float32 and holds the windows' Φ", ok,
          f"{phi and phi[:2]}, {phi_steps and phi_steps[:2]}")
    numpy_python = "/usr/bin/python3"
    if not (os.path.exists(numpy_python) and subprocess.run(
            [numpy_python, "-c", "import numpy"], capture_output=True).returncode == 0):
        results.append(("phi-0.npy read by NumPy # SKIP no python3-numpy", True, ""))
    else:
        p = subprocess.run([numpy_python, "-c", "import numpy, sys; a = numpy.load(sys.argv[1]); "
                            "s = numpy.load(sys.argv[2]); print(a.dtype, a.shape, s.dtype, s.shape, "
                            "repr(float(a[-1, 0, 0])), int(s[-1]))",
                            os.path.join(out_dir, "phi-0.npy"), os.path.join(out_dir, "phi-steps-0.npy")],
                           capture_output=True, text=True)
        expect = (f"float32 {tuple(phi[1])} int64 ({phi_steps[1][0]},) {phi[2][-phi[1][1] * phi[1][2]]!r} "
                  f"{phi_steps[2][-1]}") if phi and phi_steps else None
        check("phi-0.npy read by NumPy: the same shape and values", p.returncode == 0 and p.stdout.strip() == expect,
              f"{p.stdout!r} {p.stderr[-300:]!r}, expected {expect!r}")

    # --check: the configuration run again from the start gives the same weights
    code, out, err = run(["replay", saved, "--check"])
    check("replay --check prints identical", code == 0 and "\nidentical: " in out, f"exit {code}, {out!r} {err!r}")
    code, out, err = run(["replay", saved, "--steps", "3", "--check", "--json"])
    recs = records(out) if code == 0 else []
    check("replay --steps 3 --check (mid-window) --json", code == 0 and recs[-1].get("event") == "check"
          and recs[-1].get("identical") is True and recs[-2].get("event") == "summary"
          and recs[-2]["branches"][0]["steps"] == 33, f"exit {code}, {recs[-2:]}, stderr {err[-300:]}")
    # a weight changed behind a valid checksum: the file opens, the check finds it
    with open(saved, "rb") as f:
        body = bytearray(f.read()[:-32])
    at = body.find(b"\x06params", body.find(b"student_params")) + 7 + 8
    body[at] ^= 1   # the lowest bit of the first weight
    tampered = os.path.join(tmp, "tampered.didact")
    with open(tampered, "wb") as f:
        f.write(reseal(body))
    code, out, err = run(["replay", tampered, "--check"])
    lines = [l for l in err.splitlines() if l.strip()]
    check("replay --check finds a changed weight: exit 1 naming the file and the branch", code == 1
          and len(lines) == 1 and tampered in err and "branch 0 (taught)" in err and "weight 0 of" in err
          and "identical" not in out, f"exit {code}, {out!r} {err!r}")

    # going on: in two saved halves or in one go, the same bits (the default teacher)
    half = os.path.join(tmp, "half.didact")
    code1, out1, _ = run(["replay", saved, "--steps", "5", "--save", half, "--json"])
    code2, out2, _ = run(["replay", half, "--steps", "5", "--json"])
    code3, out3, err = run(["replay", saved, "--steps", "10", "--json"])
    w1, w2, w3 = (windows_of(records(o)) if c == 0 else [] for c, o in ((code1, out1), (code2, out2), (code3, out3)))
    check("replay --steps: two halves with a save between are one run of both, bit for bit",
          len(w1) == 1 and len(w2) == 1 and len(w3) == 2 and w1[0] == w3[0] and w2[0] == w3[1]
          and w3[1]["step"] == 40 and w3[1]["branch"] == 0 and w3[1]["branch_name"] == "taught",
          f"exits {code1} {code2} {code3}, {w1} {w2} {w3}, stderr {err[-300:]}")
    code, out, _ = run(["replay", half, "--json"])
    recs = records(out) if code == 0 else []
    check("replay --save writes the continued session, its tag kept", recs and recs[0]["branches"][0]["steps"] == 35
          and recs[0]["tag"] == "didact-cli teach" and recs[0]["branches"][0]["windows"] == 5, f"{recs}")
    # against a longer teach run: with a teacher whose Φ does not read the run's
    # progress and no shadow (whose last-window rule knows the run's length),
    # the file's continuation is the longer run
    FIXED = SESSION + ["--teacher", "fixed", "--no-shadow"]
    short = os.path.join(tmp, "short.didact")
    code1, _, _ = run(["teach"] + FIXED + ["--meta", "2", "--save", short, "--json"])
    code2, out2, _ = run(["replay", short, "--steps", "10", "--json"])
    code3, out3, err = run(["teach"] + FIXED + ["--meta", "4", "--save", os.path.join(tmp, "long.didact"), "--json"])
    cont = windows_of(records(out2)) if code2 == 0 else []
    longer = windows_of(records(out3)) if code3 == 0 else []
    check("replay --steps continues bit for bit: the last windows of a longer teach --save run",
          code1 == 0 and len(cont) == 2 and len(longer) == 4
          and [w["dev_error"] for w in cont] == [w["dev_error"] for w in longer[2:]] and "W" in cont[-1]
          and all(all(a.get(k) == b.get(k) for k in SAME) for a, b in zip(cont, longer[2:])),
          f"exits {code1} {code2} {code3}, {[w.get('dev_error') for w in cont]} "
          f"{[w.get('dev_error') for w in longer]}, stderr {err[-300:]}")

    # what a user might hand it: exit 1 and one line naming the file
    bad = {"a missing file": os.path.join(tmp, "missing.didact"), "a folder": tmp,
           "an empty file": os.path.join(tmp, "empty.didact"), "a text file": os.path.join(tmp, "notes.didact"),
           "a truncated copy of a good file": os.path.join(tmp, "truncated.didact")}
    with open(bad["an empty file"], "wb"):
        pass
    with open(bad["a text file"], "w", encoding="utf-8") as f:
        f.write("a lesson plan, not a session\n")
    with open(saved, "rb") as f:
        good = f.read()
    with open(bad["a truncated copy of a good file"], "wb") as f:
        f.write(good[:len(good) // 2])
    for what, path in bad.items():
        code, out, err = run(["replay", path])
        lines = [l for l in err.splitlines() if l.strip()]
        check(f"replay of {what}: exit 1, one line naming it", code == 1 and len(lines) == 1
              and path in err and err.startswith("didact-cli replay: ") and out == "",
              f"exit {code}, {err!r}")
    # a file of a data set that is not installed: the engine's install hint
    body = bytearray(good[:-32])
    old = b"\x07dataset" + struct.pack("<Q", 6) + b"digits"
    at = body.find(old)
    body[at:at + len(old)] = b"\x07dataset" + struct.pack("<Q", 5) + b"mnist"
    body[16:24] = struct.pack("<Q", struct.unpack("<Q", body[16:24])[0] - 1)
    other = os.path.join(tmp, "mnist.didact")
    with open(other, "wb") as f:
        f.write(reseal(body))
    code, _, err = run(["replay", other], env={"DIDACT_DATA_DIR": os.path.join(tmp, "none"),
                                               "XDG_CACHE_HOME": os.path.join(tmp, "none")})
    check("replay of a session on a missing data set names the file and the install command",
          at > 0 and code == 1 and other in err and "fetch-mnist" in err, f"exit {code}, {err!r}")
    usage_error("replay --steps -1", ["replay", saved, "--steps", "-1"], "--steps")
    usage_error("replay --steps x", ["replay", saved, "--steps", "x"], "--steps")
    usage_error("replay without a file", ["replay"], "one session file")
    usage_error("replay of two files", ["replay", saved, saved], "one session file")
    usage_error("replay --save into a missing folder", ["replay", saved, "--save", os.path.join(tmp, "no", "x.didact")],
                "does not exist")
    usage_error("teach --save of an unbounded run", ["teach", "--dataset", "digits", "--protocol", "continual",
                                                     "--meta", "0", "--save", os.path.join(tmp, "x.didact")], "--meta")
    usage_error("teach --csv onto a file", ["teach", "--dataset", "digits", "--csv", saved], "not a folder")

code, out, _ = run(["teach", "--help"])
check("teach --help explains --save and --csv", code == 0 and re.search(r"--save=FILE +Run through a session", out)
      and re.search(r"--csv=DIR +Run through a session", out), out[-900:])
code, out, _ = run(["compare", "--help"])
check("compare --help has no --save", code == 0 and "--save" not in out and "--csv" not in out)
code, out, _ = run(["replay", "--help"])
check("replay --help", code == 0 and "replay [OPTION…] FILE" in out and all(
    f"--{o}" in out for o in ("steps=N", "save=FILE", "csv=DIR", "check", "threads=N", "json")), out)
code, out, _ = run(["--help"])
check("didact-cli --help lists replay", code == 0 and re.search(r"^  replay +Open a session file", out, re.M), out)

# translation on the real corpus: the student and the dataset go together;
# a few steps of training, teaching and comparing report BLEU
usage_error("seq2seq needs de-en", ["train", "--student", "seq2seq"], "de-en")
usage_error("de-en needs seq2seq", ["teach", "--dataset", "de-en", "--student", "mlp"], "seq2seq")
if any(os.path.isfile(c) for c in corpus):
    # a small translator (E = 16, H = 32) where the checks do not depend on
    # its size: its runs spend most of their time decoding 2,000 sentences
    SMALL = ["--embedding", "16", "--hidden", "32"]
    code, out, err = run(["train", "--dataset", "de-en", "--steps", "3", "--batch", "4", "--json"] + SMALL)
    recs = records(out) if code == 0 else []
    s = recs[-1] if recs else {}
    check("train --dataset de-en reports BLEU", code == 0 and s.get("event") == "summary"
          and s.get("steps") == 3 and 0 <= s.get("dev_bleu", -1) <= 100
          and 0 <= s.get("test_bleu", -1) <= 100 and s.get("train_tokens", 0) > 0,
          f"exit {code}, {s}, stderr {err[-300:]}")
    words = s
    # --checkpoint best: the epoch ends' weights offered by greedy dev BLEU; in
    # three steps the only candidate is the last, so both reports agree
    code, out, err = run(["train", "--dataset", "de-en", "--steps", "3", "--batch", "4", "--json",
                          "--checkpoint", "best"] + SMALL)
    recs = records(out) if code == 0 else []
    s = recs[-1] if recs else {}
    ep = [r for r in recs if r.get("event") == "epoch"]
    check("train --dataset de-en --checkpoint best reports the checkpoint and the last step",
          code == 0 and s.get("checkpoint") == "best" and s.get("checkpoint_step") == 3
          and s.get("last_dev_bleu") == s.get("dev_bleu") == words.get("dev_bleu")
          and s.get("last_test_bleu") == s.get("test_bleu") == words.get("test_bleu")
          and len(ep) == 1 and ep[0].get("kept") is True
          and words.get("checkpoint") == "last" and words.get("checkpoint_step") == 3
          and "last_dev_bleu" not in words,
          f"exit {code}, {s}, {ep}, stderr {err[-300:]}")
    # subwords: the vocabularies shrink, BLEU is still reported (on words)
    code, out, err = run(["train", "--dataset", "de-en", "--steps", "3", "--batch", "4", "--json",
                          "--bpe", "300"] + SMALL)
    recs = records(out) if code == 0 else []
    s = recs[-1] if recs else {}
    check("train --dataset de-en --bpe reports its vocabularies", code == 0
          and s.get("bpe_merges") == 300 and words.get("bpe_merges") == 0
          and 0 < s.get("tgt_vocab", 0) < words.get("tgt_vocab", 0)
          and 0 < s.get("src_vocab", 0) < words.get("src_vocab", 0)
          and 0 <= s.get("dev_bleu", -1) <= 100,
          f"exit {code}, {s}, words {words}, stderr {err[-300:]}")
    # dropout and label smoothing: a run is its seed's (the masks are drawn
    # from the seed and the step), and dropout changes the training loss
    def epoch_of(args):
        code, out, err = run(["train", "--dataset", "de-en", "--steps", "3", "--batch", "4", "--json",
                              "--loss", "smooth", "--word-dropout", "0.1"] + SMALL + args)
        ep = [r for r in records(out) if r.get("event") == "epoch"] if code == 0 else []
        return (ep[-1]["train_loss"], ep[-1]["dev_loss"]) if ep else (code, err[-300:])
    # tied embeddings: the output layer is the target table (no Wo of
    # V_tgt × H; Wc and bc have E = 128 rows, not H = 256)
    def summary_of(args):
        code, out, err = run(["train", "--dataset", "de-en", "--steps", "2", "--batch", "4", "--json"] + args)
        recs = records(out) if code == 0 else []
        return recs[-1] if recs else {"exit": code, "stderr": err[-300:]}
    untied, tied = summary_of([]), summary_of(["--tie-embeddings"])
    bidir = summary_of(["--bidirectional"])
    feed = summary_of(["--input-feed"])
    check("train --dataset de-en --input-feed: the decoder reads o_{t-1} through Wf (3H × H)",
          "input feeding" in feed.get("student", "")
          and feed.get("parameters", 0) - untied.get("parameters", -1) == 3 * 256 * 256,
          f"{untied} {feed}")
    check("train --dataset de-en --bidirectional: a second encoder GRU",
          "bidirectional encoder" in bidir.get("student", "")
          and bidir.get("parameters", 0) - untied.get("parameters", -1) == 3 * 256 * (128 + 256 + 2),
          f"{untied} {bidir}")
    check("train --dataset de-en --tie-embeddings: the output layer is the target embeddings",
          "tied embeddings" in tied.get("student", "") and "tied" not in untied.get("student", "x tied")
          and untied.get("parameters", 0) - tied.get("parameters", 0)
          == untied.get("tgt_vocab", tied.get("tgt_vocab", 0)) * 256 + (256 - 128) * (2 * 256 + 1),
          f"{untied} {tied}")
    # --embedding E and --hidden H size the translator: E enters both
    # embedding tables and the two GRUs' input weights (3H × E each); H the
    # GRUs (3H × E, 3H × H, two 3H biases each), Wa (H × H), Wc (H × 2H), bc
    # and Wo (V_tgt × H)
    small_e, small_h = summary_of(["--embedding", "64"]), summary_of(["--hidden", "128"])
    def gru_side(E, H):
        return 2 * (3 * H * E + 3 * H * H + 2 * 3 * H) + H * H + 2 * H * H + H + untied.get("tgt_vocab", 0) * H
    check("train --dataset de-en --embedding 64 / --hidden 128: the translator's sizes",
          "E=64 H=256" in small_e.get("student", "") and "E=128 H=128" in small_h.get("student", "")
          and untied.get("parameters", 0) - small_e.get("parameters", 0)
          == 64 * (untied.get("src_vocab", 0) + untied.get("tgt_vocab", 0) + 6 * 256)
          and untied.get("parameters", 0) - small_h.get("parameters", 0)
          == gru_side(128, 256) - gru_side(128, 128),
          f"{untied} {small_e} {small_h}")
    # --average: the evaluations measure the weights' moving average; the
    # training loss is the same run's
    plain, averaged = epoch_of([]), epoch_of(["--average", "0.9"])
    check("train --dataset de-en --average: the same training, another dev loss",
          isinstance(plain[0], float) and plain[0] == averaged[0] and plain[1] != averaged[1],
          f"{plain} {averaged}")
    # … and its summary measures the last weights beside the average: the
    # plain run's final figures to the last digit, the average's another loss
    avg_sum = summary_of(["--average", "0.9"])
    check("train --dataset de-en --average: the last weights measured beside the average",
          isinstance(untied.get("dev_loss"), float)
          and avg_sum.get("last_dev_loss") == untied["dev_loss"]
          and avg_sum.get("last_dev_token_accuracy") == untied.get("dev_token_accuracy")
          and avg_sum.get("last_dev_bleu") == untied.get("dev_bleu")
          and avg_sum.get("dev_loss") != untied["dev_loss"] and "last_dev_loss" not in untied,
          f"{untied} {avg_sum}")
    # two threads split each batch's sentences between two lanes: a run
    # repeats bit for bit, and without dropout it is the one-thread run up
    # to rounding (with dropout each lane draws its own masks)
    def losses_of(threads, args=()):
        code, out, err = run(["train", "--dataset", "de-en", "--steps", "3", "--batch", "8", "--json",
                              "--threads", str(threads)] + SMALL + list(args))
        ep = [r for r in records(out) if r.get("event") == "epoch"] if code == 0 else []
        return (ep[-1]["train_loss"], ep[-1]["dev_loss"]) if ep else (code, err[-300:])
    one, two, two_again = losses_of(1), losses_of(2), losses_of(2)
    drop, drop_again = losses_of(2, ["--dropout", "0.3"]), losses_of(2, ["--dropout", "0.3"])
    check("train --dataset de-en --threads 2: lanes repeat bit for bit, and agree with one thread",
          isinstance(two[0], float) and isinstance(one[0], float) and two == two_again
          and drop == drop_again and drop != two
          and all(abs(x - y) <= 1e-4 * abs(y) for x, y in zip(two, one)),
          f"one {one}, two {two} {two_again}, dropout {drop} {drop_again}")
    a, b, c = epoch_of(["--dropout", "0.3"]), epoch_of(["--dropout", "0.3"]), epoch_of([])
    check("train --dataset de-en --dropout: the same seed, the same run; dropout changes it",
          isinstance(a[0], float) and a == b and c[0] != a[0], f"{a} {b} {c}")
    code, out, err = run(["teach", "--dataset", "de-en", "--window", "2", "--meta", "1", "--pretrain", "2",
                          "--dev", "8", "--batch", "4", "--lr", "0.1", "--json"] + SMALL)
    recs = records(out) if code == 0 else []
    wins = [r for r in recs if r.get("event") == "window"]
    ok = code == 0 and len(wins) == 1 and recs[-1].get("event") == "summary"
    if ok:
        W, b = wins[0]["W"], wins[0]["b"][0]
        K = len(b)
        # buckets: K rows of W, then the a row and the log ε row
        ok = (len(W) == K + 2 and all(len(row) == K for row in W) and 2 <= K <= 16
              and "dev_bleu" in recs[-1] and "test_bleu" in recs[-1])
    check("teach --dataset de-en: a bucket-shaped Φ and BLEU", ok,
          f"exit {code}, stderr {err[-300:]}, {recs[-1:]}")
    # teach with dropout: the masks are the seed's and the step's, so a run
    # repeats; the taught window (and the teacher's step) changes with them
    def window_of(args):
        code, out, err = run(["teach", "--dataset", "de-en", "--window", "2", "--meta", "1",
                              "--pretrain", "2", "--dev", "8", "--batch", "4", "--lr", "0.1",
                              "--teacher-step", "plain", "--json"] + args)
        wins = [r for r in records(out) if r.get("event") == "window"] if code == 0 else []
        return (wins[0]["W"], wins[0]["b"], wins[0].get("dev_error")) if wins else (code, err[-300:])
    a = window_of(["--dropout", "0.3", "--word-dropout", "0.1"])
    b = window_of(["--dropout", "0.3", "--word-dropout", "0.1"])
    c = window_of([])
    check("teach --dataset de-en --dropout: the same seed, the same window; dropout changes it",
          isinstance(a[0], list) and a == b and a != c, f"{a} {b} {c}")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "dropout.didact")
        code, out, err = run(["teach", "--dataset", "de-en", "--window", "2", "--meta", "1",
                              "--pretrain", "2", "--dev", "8", "--batch", "4", "--dropout", "0.3",
                              "--save", path] + SMALL)
        head = open(path, "rb").read(12) if os.path.exists(path) else b""
        check("teach --dropout --save: a session file of format 4 (which keeps dropout)",
              code == 0 and head[:4] == b"\x89DDS" and struct.unpack("<I", head[8:12])[0] == 4,
              f"exit {code}, head {head!r}, stderr {err[-300:]}")
    # teach with tied embeddings: another student, so another window
    d = window_of(["--tie-embeddings"])
    check("teach --dataset de-en --tie-embeddings: a window of the tied student",
          isinstance(d[0], list) and isinstance(c[0], list) and d != c, f"{d} {c}")
    e = window_of(["--bidirectional"])
    check("teach --dataset de-en --bidirectional: a window of the bidirectional student",
          isinstance(e[0], list) and isinstance(c[0], list) and e != c and e != d, f"{e} {c}")
    f = window_of(["--input-feed"])
    check("teach --dataset de-en --input-feed: a window of the input-feeding student",
          isinstance(f[0], list) and isinstance(c[0], list) and f != c, f"{f} {c}")
    # subwords: the session names its set "de-en+bpeN", and replay loads it
    # back by that name and runs on from it bit for bit
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bpe.didact")
        code, out, err = run(["teach", "--dataset", "de-en", "--bpe", "300", "--window", "2", "--meta", "1",
                              "--pretrain", "2", "--dev", "8", "--batch", "4", "--lr", "0.1", "--save", path]
                             + SMALL)
        rcode, rout, rerr = run(["replay", path, "--steps", "2", "--check"]) if code == 0 else (code, "", "")
        check("teach --bpe --save: a session on subwords that replay reloads and checks",
              code == 0 and "on de-en+bpe300:" in out and rcode == 0 and "a session on de-en+bpe300" in rout
              and "identical:" in rout,
              f"exit {code}/{rcode}, {out[-300:]} {rout[-300:]}, stderr {err[-300:]} {rerr[-300:]}")
    # compare on a small translator (subwords, E = H = 16), greedy and by
    # beam search: the same students, so the beam run's greedy BLEU and its
    # token errors are the greedy run's
    small = ["compare", "--dataset", "de-en", "--bpe", "300", "--embedding", "16", "--hidden", "16",
             "--window", "2", "--pretrain", "2", "--dev", "8", "--batch", "4", "--lr", "0.1",
             "--budget", "2", "--seeds", "2", "--arms", "ce,taught"]
    code, out, err = run(small + ["--beam", "3"])
    check("compare --dataset de-en --beam prints a BLEU table by beam search", code == 0
          and "Test BLEU (beam search of width 3, length-normalised)" in out
          and "| seed | ce | taught |" in out and "standard error" in out and "BLEU points" in out,
          f"exit {code}, {out[-400:]}, stderr {err[-300:]}")
    def compare_seeds(extra):
        code, out, err = run(small + ["--json"] + extra)
        recs = records(out) if code == 0 else []
        seeds = {r["seed"]: r["arms"] for r in recs if r.get("event") == "seed"}
        return seeds, (recs[-1] if recs else {"exit": code, "stderr": err[-300:]})
    greedy, greedy_sum = compare_seeds([])
    beam, beam_sum = compare_seeds(["--beam", "3"])
    same = len(beam) == 2 and sorted(beam) == sorted(greedy) and all(
        beam[s][a]["greedy_test_bleu"] == greedy[s][a]["test_bleu"]
        and beam[s][a]["greedy_dev_bleu"] == greedy[s][a]["dev_bleu"]
        and beam[s][a]["test_error"] == greedy[s][a]["test_error"]
        and beam[s][a]["dev_error"] == greedy[s][a]["dev_error"]
        and 0 <= beam[s][a]["test_bleu"] <= 100 and 0 <= beam[s][a]["dev_bleu"] <= 100
        and "greedy_test_bleu" not in greedy[s][a]
        for s in beam for a in ("ce", "taught"))
    check("compare --dataset de-en --beam: the greedy run's students, decoded by beam search",
          same and beam_sum.get("beam") == 3 and greedy_sum.get("beam") == 1
          and beam_sum.get("measure") == "test_bleu",
          f"greedy {greedy} {greedy_sum}, beam {beam} {beam_sum}")

print(f"1..{len(results)}")
for i, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if not ok:
        print(f"# {detail}")
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
