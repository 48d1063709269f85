#!/usr/bin/python3
# test-cli.py: didact-cli as a user runs it: bad arguments, JSON records, exit codes
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli.py PATH-TO-didact-cli   (prints TAP)
import json
import os
import subprocess
import sys
import tempfile

cli = sys.argv[1]
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
    ok = (len(w["W"]) == 10 and all(len(row) == 10 for row in w["W"]) and len(w["b"][0]) == 10
          and all(k in w for k in ("step", "train_loss", "dev_error", "dev_measure", "teacher_grad_norm"))
          and w["step"] == 20)
check("teach --json windows and summary", ok, f"exit {code}, stderr {err[-300:]}, {recs[-1:] }")

code, out, err = run(["compare", "--dataset", "digits", "--hidden", "16", "--window", "5", "--meta", "2",
                      "--pretrain", "10", "--dev", "100", "--budget", "40", "--seeds", "2", "--json"])
recs = records(out) if code == 0 else []
s = recs[-1] if recs else {}
check("compare --json summary", code == 0 and s.get("event") == "summary" and s.get("seeds") == 2
      and all(k in s for k in ("ce_test_error_mean", "dlf_test_error_mean", "ce_test_error_se",
                               "relative_reduction")),
      f"exit {code}, {s}, stderr {err[-300:]}")

code, out, _ = run(["compare", "--dataset", "digits", "--hidden", "16", "--window", "5", "--meta", "1",
                    "--pretrain", "10", "--dev", "100", "--budget", "20", "--seeds", "2"])
check("compare prints a Markdown table", code == 0 and "| seed |" in out and "standard error" in out,
      out[-400:])

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
        # buckets: K rows of W, then the a row; at the initial point a = 1, W = 0
        ok = (len(W) == K + 1 and all(len(row) == K for row in W) and 2 <= K <= 16
              and "dev_bleu" in recs[-1] and "test_bleu" in recs[-1])
    check("teach --dataset de-en: a bucket-shaped Φ and BLEU", ok,
          f"exit {code}, stderr {err[-300:]}, {recs[-1:]}")
    code, out, err = run(["compare", "--dataset", "de-en", "--window", "2", "--meta", "1", "--pretrain", "2",
                          "--dev", "8", "--batch", "4", "--lr", "0.1", "--budget", "2", "--seeds", "2"])
    check("compare --dataset de-en prints a BLEU table", code == 0 and "test BLEU" in out
          and "standard error" in out, f"exit {code}, {out[-400:]}, stderr {err[-300:]}")

print(f"1..{len(results)}")
for i, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if not ok:
        print(f"# {detail}")
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
