#!/usr/bin/python3
# test-cli-bad-input.py: every didact-cli command fed bad arguments and bad files
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli-bad-input.py PATH-TO-didact-cli   (prints TAP)
#
# A table of rows: a command line, the exit status it must end with (2 for a
# bad command line, 1 for a file or data that cannot be used) and the words
# its message must hold. Every row must end with exactly one line on stderr,
# "didact-cli COMMAND: …", valid UTF-8, naming the option or the path; nothing
# on stdout; no signal; and no file left where the command would have written
# one. Each row prints what it ran and what it got.
import os
import shlex
import subprocess
import sys
import tempfile

cli = sys.argv[1]
ROOT = os.geteuid() == 0
TIMEOUT = 120   # a row the command wrongly accepts runs a small job instead

# the smallest job of each command, so that a bad value that gets through
# costs a second, not an hour
TRAIN = ["--dataset", "digits", "--hidden", "16", "--steps", "5"]
TEACH = ["--dataset", "digits", "--hidden", "16", "--window", "5", "--meta", "1", "--pretrain", "5",
         "--dev", "50"]
COMPARE = TEACH + ["--budget", "5", "--seeds", "1"]
BENCH = ["--reps", "1", "--steps", "1", "--no-reference", "--no-meta"]
BENCH_S2S = ["--student", "seq2seq", "--reps", "1", "--steps", "1", "--no-reference"]

# values no number option takes (the option's own out-of-range values are
# listed with it); integers also refuse a fraction and an overflow
WRONG_TYPE = ["abc", "", "1e999", "-1e999", "nan", "inf", "-inf", "1O", "0x"]
WRONG_INT = ["1.5", "99999999999999999999", "-99999999999999999999"]

rows = []   # (command, args, status, names, value, outputs, label)


def row(command, args, status, names, value=None, outputs=(), label=None):
    rows.append((command, list(args), status, names, value, tuple(outputs), label))


def number_rows(command, option, kind, out_of_range, context, names=()):
    """kind: "int" or "double"; names: other words that name the option"""
    names = [f"--{option}"] + list(names)
    for v in WRONG_TYPE + (WRONG_INT if kind == "int" else []) + out_of_range:
        row(command, [command] + context + [f"--{option}", v], 2, names, v)
    # the value missing, at the end of the line
    row(command, [command] + context + [f"--{option}"], 2, names)


def string_rows(command, option, context, empty=True):
    names = [f"--{option}"]
    row(command, [command] + context + [f"--{option}", b"\xff\xfeabc"], 2, names,
        label=f"{command} --{option} <invalid UTF-8>")
    if empty:
        row(command, [command] + context + [f"--{option}", ""], 2, names, "")
    row(command, [command] + context + [f"--{option}"], 2, names)


def common_rows(command, context, json=True):
    row(command, [command] + context + ["--no-such-option"], 2, ["--no-such-option"])
    row(command, [command] + context + ["-Z"], 2, ["-Z"])
    row(command, [command] + context + ["--no-such-option=1"], 2, ["--no-such-option"])
    row(command, [command] + context + [b"--\xff"], 2, ["--\ufffd", "UTF-8"], label=f"{command} --<invalid UTF-8>")
    if json:
        row(command, [command] + context + ["--json=yes"], 2, ["--json"], "yes")


# --- train ---------------------------------------------------------------------------
T_NOSTEPS = ["--dataset", "digits", "--hidden", "16", "--epochs", "1"]
T_NOLENGTH = ["--dataset", "digits", "--hidden", "16"]
number_rows("train", "epochs", "int", ["0", "-0", "-1", "100001"], T_NOLENGTH, ["epochs"])
number_rows("train", "steps", "int", ["0", "-0", "-1"], T_NOLENGTH, ["steps"])
number_rows("train", "batch", "int", ["0", "-0", "-1"], TRAIN, ["batch"])
number_rows("train", "lr", "double", ["0", "-0", "-1"], TRAIN, ["learning rate"])
number_rows("train", "momentum", "double", ["-1", "-0.5", "1"], TRAIN, ["momentum"])
number_rows("train", "smoothing", "double", ["-1", "1"], TRAIN + ["--loss", "smooth"], ["smoothing"])
number_rows("train", "margin", "double", ["-1"], TRAIN + ["--loss", "margin"], ["margin"])
number_rows("train", "clip", "double", ["-1"], TRAIN, ["clip"])
number_rows("train", "seed", "int", ["-1"], TRAIN)
number_rows("train", "threads", "int", ["0", "-0", "-1", "100000"], TRAIN, ["threads"])
number_rows("train", "average", "double", ["0", "1", "-0.5", "1.5"], TRAIN, ["decay"])
number_rows("train", "decay-tail", "double", ["-0.1", "1.5"], TRAIN, ["fraction"])
row("train", ["train"] + TRAIN + ["--decay-tail", "0.2", "--schedule", "cosine"], 2, ["--decay-tail", "cosine"],
    "0.2", label="train --decay-tail with the cosine schedule")
# de-en's own: on images they are refused, on de-en out of range is refused
number_rows("train", "minutes", "double", ["0", "-0", "-1"], TRAIN)
number_rows("train", "beam", "int", ["0", "-1", "65"], TRAIN)
TRAIN_DE = ["--dataset", "de-en", "--steps", "1", "--batch", "2"]
number_rows("train", "dropout", "double", ["-0.1", "0.95", "1"], TRAIN_DE, ["dropout"])
number_rows("train", "word-dropout", "double", ["-0.1", "0.95", "1"], TRAIN_DE, ["word dropout"])
number_rows("train", "bpe", "int", ["-1", "100001"], TRAIN_DE, ["merges"])
# the translator's sizes: one size each, 1 to 4096; --embedding is de-en's, and
# LeNet's layers are fixed
number_rows("train", "embedding", "int", ["0", "-1", "4097", "64,64"], TRAIN_DE, ["embedding size"])
number_rows("train", "hidden", "int", ["0", "-1", "4097", "300,2"], TRAIN_DE, ["GRU units"])
row("train", ["train"] + TRAIN + ["--embedding", "64"], 2, ["--embedding", "de-en"], "64",
    label="train --embedding on images")
row("train", ["train", "--dataset", "digits", "--student", "lenet", "--steps", "1", "--hidden", "16"], 2,
    ["--hidden", "LeNet"], label="train --hidden with LeNet")
row("train", ["train"] + TRAIN + ["--dropout", "0.3"], 2, ["--dropout"], "0.3", label="train --dropout on images")
row("train", ["train"] + TRAIN + ["--word-dropout", "0.3"], 2, ["--word-dropout"], "0.3",
    label="train --word-dropout on images")
row("train", ["train"] + TRAIN + ["--bpe", "2000"], 2, ["--bpe"], "2000", label="train --bpe on images")
row("train", ["train"] + TRAIN + ["--tie-embeddings"], 2, ["--tie-embeddings", "de-en"],
    label="train --tie-embeddings on images")
row("train", ["train"] + TRAIN + ["--bidirectional"], 2, ["--bidirectional", "de-en"],
    label="train --bidirectional on images")
row("train", ["train"] + TRAIN + ["--input-feed"], 2, ["--input-feed", "de-en"],
    label="train --input-feed on images")
# --checkpoint: last or best, chosen by dev BLEU, so de-en's alone
string_rows("train", "checkpoint", TRAIN_DE)
row("train", ["train"] + TRAIN_DE + ["--checkpoint", "first"], 2, ["--checkpoint", "last", "best"], "first")
row("train", ["train"] + TRAIN + ["--checkpoint", "best"], 2, ["--checkpoint", "de-en"], "best",
    label="train --checkpoint on images")
for option in ("dataset", "student", "hidden", "activation", "loss", "optimizer", "schedule", "scenario"):
    string_rows("train", option, TRAIN)
common_rows("train", TRAIN)
row("train", ["train"] + TRAIN + ["extra"], 2, ["extra"], "extra")

# --- teach and compare -------------------------------------------------------------------
TEACH_NUMBERS = [
    ("window", "int", ["0", "-0", "-1", "100001"], ["window"]),
    ("meta", "int", ["-1"], ["teacher updates", "meta"]),
    ("pretrain", "int", ["-1"], ["warm-up", "pretrain"]),
    ("batch", "int", ["0", "-0", "-1"], ["batch"]),
    ("lr", "double", ["0", "-0", "-1"], ["learning rate"]),
    ("momentum", "double", ["-1", "1"], ["momentum"]),
    ("teacher-lr", "double", ["0", "-1"], ["teacher learning rate"]),
    ("epsilon", "double", ["0", "-1", "101"], ["ε₀", "epsilon"]),
    ("trust-radius", "double", ["0", "-1"], ["trust radius"]),
    ("accept-tolerance", "double", [], ["acceptance tolerance"]),
    ("holdout", "int", ["-1"], ["holdout", "held-out"]),
    ("shadow-patience", "int", ["-1"], ["shadow patience", "shadow"]),
    ("anchor-every", "int", ["-1"], ["anchor"]),
    ("episode", "int", ["-1"], ["episode"]),
    ("dev", "int", ["-1"], ["dev"]),
    ("checkpoint-every", "int", ["-1"], ["checkpoint"]),
    ("teacher-hidden", "int", ["-1"], ["teacher"]),
    ("seed", "int", ["-1"], []),
    ("threads", "int", ["0", "-1", "100000"], ["threads"]),
]
TEACH_STRINGS = ["dataset", "student", "hidden", "teacher", "protocol", "objective", "teacher-optimizer",
                 "scenario", "start", "teacher-step", "schedule"]
for command, context in (("teach", TEACH), ("compare", COMPARE)):
    for option, kind, bad, names in TEACH_NUMBERS:
        number_rows(command, option, kind, bad, context, names)
    for option in TEACH_STRINGS:
        string_rows(command, option, context)
    common_rows(command, context)
    row(command, [command] + context + ["extra"], 2, ["extra"], "extra")
    row(command, [command] + context + ["--bpe", "2000"], 2, ["--bpe", "de-en"], "2000",
        label=f"{command} --bpe on images")
# dropout: refused on images; out of range refused on de-en before its data is read
TEACH_DE = ["--dataset", "de-en", "--window", "2", "--meta", "1", "--pretrain", "1", "--batch", "2"]
for command, context, de in (("teach", TEACH, TEACH_DE),
                             ("compare", COMPARE, TEACH_DE + ["--budget", "2", "--seeds", "1"])):
    number_rows(command, "dropout", "double", ["-0.1", "0.95", "1"], de, ["dropout"])
    number_rows(command, "word-dropout", "double", ["-0.1", "0.95", "1"], de, ["word dropout"])
    number_rows(command, "bpe", "int", ["-1", "100001"], de, ["merges"])
    number_rows(command, "embedding", "int", ["0", "4097", "64,64"], de, ["embedding size"])
    number_rows(command, "hidden", "int", ["0", "4097", "300,2"], de, ["GRU units"])
    row(command, [command] + context + ["--embedding", "64"], 2, ["--embedding", "de-en"], "64",
        label=f"{command} --embedding on images")
    row(command, [command] + context + ["--dropout", "0.3"], 2, ["--dropout"], "0.3",
        label=f"{command} --dropout on images")
    row(command, [command] + context + ["--word-dropout", "0.3"], 2, ["--word-dropout"], "0.3",
        label=f"{command} --word-dropout on images")
    row(command, [command] + context + ["--tie-embeddings"], 2, ["--tie-embeddings", "de-en"],
        label=f"{command} --tie-embeddings on images")
    row(command, [command] + context + ["--bidirectional"], 2, ["--bidirectional", "de-en"],
        label=f"{command} --bidirectional on images")
    row(command, [command] + context + ["--input-feed"], 2, ["--input-feed", "de-en"],
        label=f"{command} --input-feed on images")
number_rows("compare", "seeds", "int", ["0", "-1", "1001"], TEACH + ["--budget", "5"])
number_rows("compare", "budget", "int", ["-1"], TEACH + ["--seeds", "1"])
string_rows("compare", "arms", COMPARE)
number_rows("compare", "beam", "int", ["0", "-1", "65"], TEACH_DE + ["--budget", "2", "--seeds", "1"])
row("compare", ["compare"] + COMPARE + ["--beam", "5"], 2, ["--beam", "de-en"], "5",
    label="compare --beam on images")

# --- sweep: compare's options (their own rows above go through the same parser), the
# grid and the sweep's own; the files it reads and writes are with the files below
common_rows("sweep", COMPARE)
row("sweep", ["sweep"] + COMPARE + ["extra"], 2, ["extra"], "extra")
for option, kind, bad, names in TEACH_NUMBERS[:5]:
    number_rows("sweep", option, kind, bad, COMPARE, names)
number_rows("sweep", "seeds", "int", ["0", "-1", "1001"], TEACH + ["--budget", "5"])
number_rows("sweep", "cell", "int", ["-1", "1"], COMPARE)
string_rows("sweep", "grid", COMPARE)
string_rows("sweep", "arms", COMPARE)
# the grid's own mistakes show the whole --grid text; a value a configuration
# refuses is named as that option's own message names it
for grid, names, value in [("lr", ["--grid", "KEY=V1,V2"], "lr"), ("=1,2", ["--grid", "KEY=V1,V2"], "=1,2"),
                           ("colour=1,2", ["--grid", "--colour"], "colour=1,2"),
                           ("seeds=1,2", ["--grid", "--seeds"], "seeds=1,2"),
                           ("threads=1,2", ["--grid", "--threads"], "threads=1,2"),
                           ("json=1,2", ["--grid", "json"], "json=1,2"),
                           ("budget=1,2", ["--grid", "--budget"], "budget=1,2"),
                           ("lr=0.1,", ["--grid"], "lr=0.1,"), ("lr=0.1,0.1", ["--grid"], "lr=0.1,0.1"),
                           ("lr=0.1,abc", ["--lr"], "abc"), ("lr=0.1,-1", ["learning rate"], "-1"),
                           ("batch=5,0", ["batch"], "0")]:
    row("sweep", ["sweep"] + COMPARE + ["--grid", grid], 2, names, value, label=f"sweep --grid {grid}")
row("sweep", ["sweep"] + COMPARE + ["--grid", "lr=0.1", "--grid", "lr=0.2"], 2, ["--grid lr"],
    label="sweep --grid of one key twice")
row("sweep", ["sweep"] + COMPARE + ["--resume"], 2, ["--resume", "--out"])
row("sweep", ["sweep"] + COMPARE + ["--slurm-time", "01:00:00"], 2, ["--slurm-time"])
row("sweep", ["sweep"] + COMPARE + ["--list", "--cell", "0"], 2, ["--cell", "--list"])
row("sweep", ["sweep", "--merge", "."] + COMPARE, 2, ["--merge"])

# --- bench ------------------------------------------------------------------------------
number_rows("bench", "threads", "int", ["0", "-1", "257"], BENCH)
number_rows("bench", "reps", "int", ["0", "-1", "1001"], ["--steps", "1", "--no-reference", "--no-meta"])
number_rows("bench", "steps", "int", ["-1"], ["--reps", "1", "--no-reference", "--no-meta"])
number_rows("bench", "meta-reps", "int", ["0", "101"], ["--reps", "1", "--steps", "1", "--no-reference"])
number_rows("bench", "batch", "int", ["0", "-1", "4097"], BENCH_S2S)
number_rows("bench", "seed", "int", ["-1"], BENCH_S2S)
row("bench", ["bench"] + BENCH + ["--batch", "5"], 2, ["--batch"])
row("bench", ["bench"] + BENCH + ["--tie-embeddings"], 2, ["--tie-embeddings", "seq2seq"])
row("bench", ["bench"] + BENCH + ["--bidirectional"], 2, ["--bidirectional", "seq2seq"])
row("bench", ["bench"] + BENCH + ["--input-feed"], 2, ["--input-feed", "seq2seq"])
number_rows("bench", "dropout", "double", ["-0.1", "0.95", "1"], BENCH_S2S, ["dropout"])
number_rows("bench", "word-dropout", "double", ["-0.1", "0.95", "1"], BENCH_S2S, ["word dropout"])
row("bench", ["bench"] + BENCH + ["--dropout", "0.3"], 2, ["--dropout", "seq2seq"], "0.3")
row("bench", ["bench"] + BENCH + ["--word-dropout", "0.3"], 2, ["--word-dropout", "seq2seq"], "0.3")
number_rows("bench", "embedding", "int", ["0", "4097", "64,64"], BENCH_S2S, ["embedding size"])
number_rows("bench", "hidden", "int", ["0", "4097", "64,64"], BENCH_S2S, ["GRU units"])
row("bench", ["bench"] + BENCH + ["--embedding", "64"], 2, ["--embedding", "seq2seq"])
row("bench", ["bench"] + BENCH + ["--hidden", "64"], 2, ["--hidden", "seq2seq"])
string_rows("bench", "student", BENCH)
row("bench", ["bench"] + BENCH + ["--student", "mlp", "--dataset", "de-en"], 2, ["--student", "seq2seq"], "mlp")
string_rows("bench", "dataset", BENCH)
string_rows("bench", "kernel", BENCH)
common_rows("bench", BENCH)
row("bench", ["bench"] + BENCH + ["extra"], 2, ["extra"], "extra")

# --- datasets ---------------------------------------------------------------------------
common_rows("datasets", [])
row("datasets", ["datasets", "extra"], 2, ["extra"], "extra")


# --- files: bleu, replay, teach --save/--csv, train --hypotheses, bench --save-batches -----
def run(args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    argv = [cli] + [a if isinstance(a, bytes) else a.encode() for a in args]
    try:
        p = subprocess.run(argv, capture_output=True, env=e, timeout=TIMEOUT)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as t:
        return "timeout", t.stdout or b"", t.stderr or b""


def display(path):
    """a path as a message shows it: bytes that are not UTF-8 as U+FFFD"""
    b = path if isinstance(path, bytes) else path.encode()
    return b.decode("utf-8", errors="replace")


skips = []
with tempfile.TemporaryDirectory() as tmp:
    def p(*parts):
        return os.path.join(tmp, *parts)

    def write(name, data):
        with open(p(name), "wb") as f:
            f.write(data)
        return p(name)

    ref = write("ref.txt", b"the cat sat on a mat\na b c d\n")
    hyp = write("hyp.txt", b"the cat sat on the mat\na b c d\n")
    empty = write("empty.txt", b"")
    blank = write("blank.txt", b"\n\n")
    bad_utf8 = write("latin1.txt", b"der B\xe4r\n\xff\xfe\n")
    folder = p("folder")
    os.mkdir(folder)
    missing = p("missing.txt")
    through = p("ref.txt", "x")              # a path through a file, as if it were a folder
    bad_name = os.path.join(tmp.encode(), b"caf\xe9.txt")   # a name that is not UTF-8, missing
    locked = write("locked.txt", b"the cat\n")
    os.chmod(locked, 0)
    unreadable_rows = []
    if ROOT:
        skips.append("chmod 000 does not stop root from reading: the unreadable-file rows use "
                     "a path through a file instead")
    else:
        unreadable_rows = [("an unreadable file", locked, ["Permission denied"])]

    code, _, err = run(["teach"] + TEACH + ["--protocol", "continual", "--save", p("good.didact")])
    if code != 0:
        print(f"Bail out! teach --save for the replay rows failed: exit {code}, {err!r}")
        sys.exit(1)
    good = p("good.didact")
    session_text = write("text.didact", "a lesson plan, not a session\n".encode())
    session_bad_utf8 = write("utf8.didact", b"\xff\xfe\xfd not a session \xc3\x28\n")
    truncated = p("truncated.didact")
    with open(good, "rb") as f:
        whole = f.read()
    with open(truncated, "wb") as f:
        f.write(whole[:len(whole) // 3])

    BAD_FILES = [("a missing file", missing, ["No such file"]),
                 ("a folder", folder, ["folder", "directory"]),
                 ("a path through a file", through, ["Not a directory", "folder"]),
                 ("a missing file whose name is not UTF-8", bad_name, ["No such file"])] + unreadable_rows

    # bleu REF HYP: either file
    for what, path, why in BAD_FILES:
        row("bleu", ["bleu", path, hyp], 1, [display(path)], label=f"bleu with REF {what}", value=None)
        row("bleu", ["bleu", ref, path], 1, [display(path)], label=f"bleu with HYP {what}")
    row("bleu", ["bleu", empty, empty], 1, [empty], label="bleu of two empty files")
    row("bleu", ["bleu", blank, blank], 1, [blank], label="bleu of two files of blank lines")
    row("bleu", ["bleu", bad_utf8, hyp], 1, [bad_utf8], label="bleu with REF of invalid UTF-8")
    row("bleu", ["bleu", ref, bad_utf8], 1, [bad_utf8], label="bleu with HYP of invalid UTF-8")
    row("bleu", ["bleu", ref], 2, ["two files"])
    common_rows("bleu", [ref, hyp])

    # replay FILE
    for what, path, why in BAD_FILES + [("an empty file", empty, []), ("a text file", session_text, []),
                                        ("a file of invalid UTF-8", session_bad_utf8, []),
                                        ("a truncated session", truncated, [])]:
        row("replay", ["replay", path], 1, [display(path)], label=f"replay of {what}")
    number_rows("replay", "steps", "int", ["-1"], [good])
    number_rows("replay", "threads", "int", ["-1"], [good, "--check"])
    common_rows("replay", [good])
    row("replay", ["replay"], 2, ["one session file"])
    row("replay", ["replay", good, good], 2, ["one session file"])

    # where a command writes: refused up front (status 2) when the place is
    # plainly wrong, and nothing left behind
    out = p("out.didact")
    SAVE_BAD = [("into a missing folder", p("no", "x.didact")),
                ("onto a folder", folder),
                ("through a file", os.path.join(ref, "x.didact")),
                ("named by nothing", "")]
    for what, path in SAVE_BAD:
        row("teach", ["teach"] + TEACH + ["--protocol", "continual", "--save", path], 2,
            ["--save"], outputs=[path] if path else [], label=f"teach --save {what}")
        row("replay", ["replay", good, "--steps", "1", "--save", path], 2,
            ["--save"], outputs=[path] if path else [], label=f"replay --save {what}")
        row("train", ["train", "--dataset", "de-en", "--steps", "1", "--batch", "2", "--hypotheses", path], 2,
            ["--hypotheses"], outputs=[path, path + ".ref"] if path else [],
            label=f"train --hypotheses {what}")
        row("bench", ["bench"] + BENCH_S2S + ["--save-batches", path], 2,
            ["--save-batches"], outputs=[path] if path else [], label=f"bench --save-batches {what}")
    row("train", ["train"] + TRAIN + ["--hypotheses", out], 2, ["--hypotheses"], outputs=[out],
        label="train --hypotheses on images")
    row("bench", ["bench"] + BENCH + ["--save-batches", out], 2, ["--save-batches"], outputs=[out],
        label="bench --save-batches on images")
    for what, path in SAVE_BAD:
        row("sweep", ["sweep"] + COMPARE + ["--out", path], 2, ["--out"],
            outputs=[path] if path else [], label=f"sweep --out {what}")
        row("sweep", ["sweep"] + COMPARE + ["--slurm-array", path], 2, ["--slurm-array"],
            outputs=[path] if path else [], label=f"sweep --slurm-array {what}")
    script = p("sweep.sh")
    for v in ["0", "-1", "abc", "1.5", ""]:
        row("sweep", ["sweep"] + COMPARE + ["--slurm-array", script, "--slurm-mem", v], 2,
            ["--slurm-mem"], v, outputs=[script])
    for v in ["1 hour", "", "1:60:00", "01:00", "-1:00:00", b"\xff:00:00"]:
        row("sweep", ["sweep"] + COMPARE + ["--slurm-array", script, "--slurm-time", v], 2,
            ["--slurm-time"], v if isinstance(v, str) else None, outputs=[script],
            label=f"sweep --slurm-time {v!r}")
    row("sweep", ["sweep"] + COMPARE + ["--out", ref], 2, ["--out", ref, "exists"],
        label="sweep --out onto a file that exists")
    for what, path in [("an empty file", empty), ("a text file", ref), ("a file of invalid UTF-8", bad_utf8)]:
        row("sweep", ["sweep"] + COMPARE + ["--out", path, "--resume"], 1, ["--resume", display(path)],
            label=f"sweep --resume of {what}")
    for what, path, why in BAD_FILES + [("a file", ref, []), ("a folder of no cells", folder, [])]:
        row("sweep", ["sweep", "--merge", path], 1, ["--merge", display(path)],
            label=f"sweep --merge of {what}")

    CSV_BAD = [("onto a file", ref, 2), ("through a file", os.path.join(ref, "x"), 1),
               ("named by nothing", "", 2)]
    for what, path, status in CSV_BAD:
        row("teach", ["teach"] + TEACH + ["--protocol", "continual", "--csv", path], status,
            ["--csv"], label=f"teach --csv {what}")
        row("replay", ["replay", good, "--csv", path], status, ["--csv"], label=f"replay --csv {what}")

    # --- run the table ----------------------------------------------------------------
    results = []
    for command, args, status, names, value, outputs, label in rows:
        for o in outputs:
            if os.path.lexists(o) and not os.path.isdir(o):
                os.unlink(o)
        before = {o: os.path.lexists(o) for o in outputs}
        code, stdout, stderr = run(args)
        shown = " ".join(shlex.quote(display(a)) for a in args)
        name = label or f"didact-cli {shown}"
        problems = []
        try:
            text = stderr.decode("utf-8")
        except UnicodeDecodeError:
            text = stderr.decode("utf-8", errors="replace")
            problems.append("stderr is not valid UTF-8")
        lines = [line for line in text.splitlines() if line.strip()]
        if code != status:
            problems.append(f"exit {code}, not {status}")
        if len(lines) != 1:
            problems.append(f"{len(lines)} lines on stderr, not one")
        elif not lines[0].startswith(f"didact-cli {command}: "):
            problems.append(f"the line does not start with “didact-cli {command}: ”")
        if not any(n in text for n in names):
            problems.append(f"names none of {names}")
        if value not in (None, "") and isinstance(value, str) and value not in text and \
                not (value == "-0" and ("0" in text)):
            problems.append(f"does not show the value {value!r}")
        if stdout.strip():
            problems.append(f"{len(stdout)} bytes on stdout")
        left = [o for o in outputs if os.path.lexists(o) and not before[o] and not os.path.isdir(o)]
        if left:
            problems.append(f"left {left} behind")
        results.append((name, not problems,
                        f"ran: didact-cli {shown}\n#   got: exit {code}, stderr {text.strip()[:400]!r}"
                        + (f"\n#   wrong: {'; '.join(problems)}" if problems else "")))

print(f"1..{len(results)}")
for reason in skips:
    print(f"# {reason}")
for i, (name, ok, detail) in enumerate(results, 1):
    print(f"# {detail}")
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
failed = [name for name, ok, _ in results if not ok]
counts = {}
for command, *_ in rows:
    counts[command] = counts.get(command, 0) + 1
print("# rows per command: " + ", ".join(f"{c} {n}" for c, n in counts.items()))
print(f"# {len(failed)} of {len(results)} rows failed")
sys.exit(0 if not failed else 1)
