#!/usr/bin/python3
# test-cli.py: didact-cli as a user runs it: bad arguments, JSON records, exit codes
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli.py PATH-TO-didact-cli   (prints TAP)
import json
import os
import re
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

# translation on the real corpus: the student and the dataset go together;
# a few steps of training, teaching and comparing report BLEU
usage_error("seq2seq needs de-en", ["train", "--student", "seq2seq"], "de-en")
usage_error("de-en needs seq2seq", ["teach", "--dataset", "de-en", "--student", "mlp"], "seq2seq")
if any(os.path.isfile(c) for c in corpus):
    code, out, err = run(["train", "--dataset", "de-en", "--steps", "3", "--batch", "4", "--json"])
    recs = records(out) if code == 0 else []
    s = recs[-1] if recs else {}
    check("train --dataset de-en reports BLEU", code == 0 and s.get("event") == "summary"
          and s.get("steps") == 3 and 0 <= s.get("dev_bleu", -1) <= 100
          and 0 <= s.get("test_bleu", -1) <= 100 and s.get("train_tokens", 0) > 0,
          f"exit {code}, {s}, stderr {err[-300:]}")
    code, out, err = run(["teach", "--dataset", "de-en", "--window", "2", "--meta", "1", "--pretrain", "2",
                          "--dev", "8", "--batch", "4", "--lr", "0.1", "--json"])
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
    code, out, err = run(["compare", "--dataset", "de-en", "--window", "2", "--pretrain", "2",
                          "--dev", "8", "--batch", "4", "--lr", "0.1", "--budget", "2", "--seeds", "2",
                          "--arms", "ce,taught"])
    check("compare --dataset de-en prints a BLEU table", code == 0 and "Test BLEU" in out
          and "| seed | ce | taught |" in out and "standard error" in out and "BLEU points" in out,
          f"exit {code}, {out[-400:]}, stderr {err[-300:]}")

print(f"1..{len(results)}")
for i, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if not ok:
        print(f"# {detail}")
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
