#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Didact authors
"""torch-reference.py: PyTorch timings for `didact-cli bench` to compare against.

`didact-cli bench` runs this script as a subprocess and divides its own
timings by the ones printed here. It never reads a dataset: the inputs are
random (fixed seed) float32 tensors shaped like Fashion-MNIST, i.e. 28x28
single-channel images with values in [0, 1] and labels in 0..9.

Students (PyTorch default initialisation):
  mlp    Linear(784,500) -> tanh -> Linear(500,10)
  lenet  Conv2d(1,20,5) -> MaxPool2d(2) -> tanh -> Conv2d(20,50,5)
         -> MaxPool2d(2) -> tanh -> flatten(800) -> Linear(800,500) -> tanh
         -> Linear(500,10)              (note: pooling *before* tanh)

Modes:
  step  One training step = forward, cross-entropy, zero_grad(set_to_none=
        False), backward, SGD(lr=0.01, momentum=0.9).step(). After --warmup
        steps, --steps steps are timed in each of 5 repetitions; the report
        holds every repetition's seconds/step and their median.

  meta  One L2T-DLF episodic meta-iteration: the student is trained for
        T = --unroll steps of plain SGD (lr 0.01) on the teacher's loss
            l = -sigmoid(z),  z = sum_j W_t[j,y] * log p_j + b[y]  (batch mean)
            W_t = W + h_t * W2,
            h_t = 2*sigmoid(theta0*iter_t + theta1*err_t + beta) - 1,
            iter_t = t/T,  err_t = 10 * minibatch error before step t,
        with the updates built by torch.autograd.grad(create_graph=True), so
        that the dev objective
            M = mean over dev of 2*sigmoid(50*(max_j p_j - p_y)) - 1
        is differentiated back to the teacher parameters (W, b, W2, theta,
        beta) by double backward. The unroll plus the evaluation of M is
        timed as "forward", M.backward() as "reverse".

Usage:
  python3 tools/torch-reference.py step --model mlp|lenet --batch N --threads N
                                        [--steps N] [--warmup N]
  python3 tools/torch-reference.py meta --model mlp|lenet --batch 20 --threads N
                                        --unroll T --dev N [--reps N] [--warmup N]

Output: exactly one JSON object on stdout. Errors go to stderr, exit status 2.
"""

import argparse
import json
import math
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F

N_CLASSES = 10
IMAGE_SIDE = 28
LR = 0.01
MOMENTUM = 0.9
STEP_REPETITIONS = 5
STEP_TARGET_SECONDS = 1.0   # default --steps: about this long per repetition
STEP_MIN_STEPS = 20
META_WARMUP_MAX_UNROLL = 1000  # default: no meta warm-up above this T
TRAIN_POOL = 10000          # meta mode: images the minibatches are drawn from


class UsageError(Exception):
    """A bad command line or an impossible request: reported, exit 2."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but raising UsageError instead of exiting by itself."""

    def error(self, message):
        raise UsageError(message)


# ---------------------------------------------------------------------------
# Data and students

def random_images(n, generator):
    """n random Fashion-MNIST-shaped images (n, 1, 28, 28) in [0, 1]."""
    return torch.rand(n, 1, IMAGE_SIDE, IMAGE_SIDE, generator=generator,
                      dtype=torch.float32)


def random_labels(n, generator):
    return torch.randint(0, N_CLASSES, (n,), generator=generator)


def make_model(name):
    """The student as an nn.Module (PyTorch default initialisation)."""
    if name == "mlp":
        return torch.nn.Sequential(
            torch.nn.Flatten(),
            torch.nn.Linear(IMAGE_SIDE * IMAGE_SIDE, 500),
            torch.nn.Tanh(),
            torch.nn.Linear(500, N_CLASSES),
        )
    if name == "lenet":
        return torch.nn.Sequential(
            torch.nn.Conv2d(1, 20, 5),
            torch.nn.MaxPool2d(2),
            torch.nn.Tanh(),
            torch.nn.Conv2d(20, 50, 5),
            torch.nn.MaxPool2d(2),
            torch.nn.Tanh(),
            torch.nn.Flatten(),          # 50 x 4 x 4 = 800
            torch.nn.Linear(800, 500),
            torch.nn.Tanh(),
            torch.nn.Linear(500, N_CLASSES),
        )
    raise UsageError("unknown model %r" % name)


def functional_forward(name, params, x):
    """Logits of the student `name` with explicit parameter tensors.

    `params` is in the order of make_model(name).parameters(), so a list of
    tensors taken from a freshly built module is a valid argument. Used by
    meta mode, where the parameters are not leaves but functions of the
    teacher.
    """
    if name == "mlp":
        w1, b1, w2, b2 = params
        h = torch.tanh(F.linear(x.flatten(1), w1, b1))
        return F.linear(h, w2, b2)
    if name == "lenet":
        c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b = params
        h = torch.tanh(F.max_pool2d(F.conv2d(x, c1w, c1b), 2))
        h = torch.tanh(F.max_pool2d(F.conv2d(h, c2w, c2b), 2))
        h = torch.tanh(F.linear(h.flatten(1), f1w, f1b))
        return F.linear(h, f2w, f2b)
    raise UsageError("unknown model %r" % name)


# ---------------------------------------------------------------------------
# step mode

def run_step(args, generator):
    model = make_model(args.model)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)

    # A few distinct batches, cycled, so that every step does not see
    # literally the same input; they are built before any timing.
    n_batches = 8
    xs = [random_images(args.batch, generator) for _ in range(n_batches)]
    ys = [random_labels(args.batch, generator) for _ in range(n_batches)]
    counter = [0]

    def step():
        i = counter[0] % n_batches
        counter[0] += 1
        logits = model(xs[i])
        loss = F.cross_entropy(logits, ys[i])
        optimizer.zero_grad(set_to_none=False)
        loss.backward()
        optimizer.step()

    def timed(n):
        start = time.perf_counter()
        for _ in range(n):
            step()
        return time.perf_counter() - start

    warmup = 20 if args.warmup is None else args.warmup
    # The warm-up also calibrates the default step count; its first step
    # (allocations, lazy initialisation) is left out of the estimate.
    if warmup >= 1:
        step()
    calibration_steps = max(warmup - 1, 0)
    calibration_seconds = timed(calibration_steps)
    if args.steps is None and calibration_steps < 5:
        calibration_steps = 5
        calibration_seconds = timed(calibration_steps)

    if args.steps is None:
        per_step = calibration_seconds / calibration_steps
        steps = max(STEP_MIN_STEPS, int(math.ceil(STEP_TARGET_SECONDS / max(per_step, 1e-9))))
    else:
        steps = args.steps

    runs = [timed(steps) / steps for _ in range(STEP_REPETITIONS)]
    return {
        "mode": "step",
        "model": args.model,
        "batch": args.batch,
        "threads": args.threads,
        "steps": steps,
        "warmup": warmup,
        "repetitions": STEP_REPETITIONS,
        "seconds_per_step_median": statistics.median(runs),
        "runs": runs,
    }


# ---------------------------------------------------------------------------
# meta mode

def new_teacher():
    """Fresh teacher parameters at their initial values: W = I, the rest 0."""
    return {
        "W": torch.eye(N_CLASSES, dtype=torch.float32).requires_grad_(),
        "b": torch.zeros(N_CLASSES, dtype=torch.float32, requires_grad=True),
        "W2": torch.zeros(N_CLASSES, N_CLASSES, dtype=torch.float32, requires_grad=True),
        "theta": torch.zeros(2, dtype=torch.float32, requires_grad=True),
        "beta": torch.zeros((), dtype=torch.float32, requires_grad=True),
    }


def dlf_loss(logits, y, teacher, iter_t, err_t):
    """The gated L2T-DLF loss: batch mean of -sigmoid(z)."""
    theta = teacher["theta"]
    h = 2.0 * torch.sigmoid(theta[0] * iter_t + theta[1] * err_t + teacher["beta"]) - 1.0
    w_t = teacher["W"] + h * teacher["W2"]
    logp = F.log_softmax(logits, dim=1)
    # (logp @ W_t)[i, y] = sum_j log p_ij * W_t[j, y]
    z = (logp @ w_t).gather(1, y[:, None]).squeeze(1) + teacher["b"][y]
    return -torch.sigmoid(z).mean()


def dev_objective(logits, y):
    """M = mean of 2*sigmoid(50*(max_j p_j - p_y)) - 1 (a smooth error rate)."""
    p = F.softmax(logits, dim=1)
    gap = p.max(dim=1).values - p.gather(1, y[:, None]).squeeze(1)
    return (2.0 * torch.sigmoid(50.0 * gap) - 1.0).mean()


def meta_iteration(args, init_params, train_x, train_y, batch_index, dev_x, dev_y):
    """One episodic meta-iteration from the given student initialisation.

    Returns the timings, M and the teacher gradients.
    """
    teacher = new_teacher()
    T = args.unroll

    start = time.perf_counter()
    # The student parameters start as leaves with no history; from step 1
    # on they are functions of the teacher parameters.
    params = [p.detach().clone() for p in init_params]
    for p in params:
        p.requires_grad_()
    for t in range(T):
        idx = batch_index[t]
        x, y = train_x[idx], train_y[idx]
        logits = functional_forward(args.model, params, x)
        # err_t: minibatch error of the current student, x10, no gradient
        err_t = (logits.detach().argmax(dim=1) != y).float().mean() * 10.0
        loss = dlf_loss(logits, y, teacher, t / T, err_t)
        grads = torch.autograd.grad(loss, params, create_graph=True)
        params = [p - LR * g for p, g in zip(params, grads)]
    M = dev_objective(functional_forward(args.model, params, dev_x), dev_y)
    forward_seconds = time.perf_counter() - start

    start = time.perf_counter()
    M.backward()
    reverse_seconds = time.perf_counter() - start

    grad_norms = {}
    for name, p in teacher.items():
        grad_norms[name] = 0.0 if p.grad is None else float(p.grad.norm())
    return {
        "forward_seconds": forward_seconds,
        "reverse_seconds": reverse_seconds,
        "total_seconds": forward_seconds + reverse_seconds,
        "dev_objective": float(M.detach()),
        "teacher_grad_norms": grad_norms,
    }


def run_meta(args, generator):
    if args.unroll is None or args.dev is None:
        raise UsageError("meta mode needs --unroll T and --dev N")
    if args.steps is not None:
        raise UsageError("--steps is for step mode; meta mode uses --unroll")

    init_params = [p.detach() for p in make_model(args.model).parameters()]
    # Inputs are generated once, before any timing: a pool of training
    # images, the minibatch indices of every unrolled step, the dev set.
    train_x = random_images(TRAIN_POOL, generator)
    train_y = random_labels(TRAIN_POOL, generator)
    batch_index = torch.randint(0, TRAIN_POOL, (args.unroll, args.batch), generator=generator)
    dev_x = random_images(args.dev, generator)
    dev_y = random_labels(args.dev, generator)

    if args.warmup is None:
        warmup = 1 if args.unroll <= META_WARMUP_MAX_UNROLL else 0
    else:
        warmup = args.warmup
    for _ in range(warmup):
        meta_iteration(args, init_params, train_x, train_y, batch_index, dev_x, dev_y)

    # Every repetition starts from the same student and teacher, so they
    # compute the same thing and differ only in time.
    runs = [meta_iteration(args, init_params, train_x, train_y, batch_index, dev_x, dev_y)
            for _ in range(args.reps)]

    grad_norms = runs[-1]["teacher_grad_norms"]
    teacher_grad_norm = math.sqrt(sum(v * v for v in grad_norms.values()))
    if not teacher_grad_norm > 0.0:
        raise RuntimeError("no gradient reached the teacher (norm %r)" % teacher_grad_norm)

    # ru_maxrss is in KiB on Linux: the peak of the whole process so far
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {
        "mode": "meta",
        "model": args.model,
        "batch": args.batch,
        "threads": args.threads,
        "unroll": args.unroll,
        "dev": args.dev,
        "reps": args.reps,
        "warmup": warmup,
        "forward_seconds": statistics.median(r["forward_seconds"] for r in runs),
        "reverse_seconds": statistics.median(r["reverse_seconds"] for r in runs),
        "total_seconds": statistics.median(r["total_seconds"] for r in runs),
        "peak_rss_mib": peak_rss_mib,
        "dev_objective": runs[-1]["dev_objective"],
        "teacher_grad_norm": teacher_grad_norm,
        "teacher_grad_norms": grad_norms,
        "runs": [{k: r[k] for k in ("forward_seconds", "reverse_seconds", "total_seconds")}
                 for r in runs],
    }


# ---------------------------------------------------------------------------
# Command line

def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be a positive integer, not %s" % text)
    return value


def non_negative(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be a non-negative integer, not %s" % text)
    return value


def parse_args(argv):
    parser = ArgumentParser(
        description="PyTorch reference timings for didact-cli bench.")
    parser.add_argument("mode", choices=("step", "meta"))
    parser.add_argument("--model", required=True, choices=("mlp", "lenet"))
    parser.add_argument("--batch", type=positive,
                        help="minibatch size (required for step; meta default 20)")
    parser.add_argument("--threads", type=positive, required=True,
                        help="torch.set_num_threads")
    parser.add_argument("--steps", type=positive,
                        help="step: timed steps per repetition (default: ~1 s, at least 20)")
    parser.add_argument("--warmup", type=non_negative,
                        help="untimed warm-up: step: steps (default 20); "
                             "meta: meta-iterations (default 1, 0 if T > %d)"
                             % META_WARMUP_MAX_UNROLL)
    parser.add_argument("--unroll", type=positive, help="meta: unrolled student steps T")
    parser.add_argument("--dev", type=positive, help="meta: dev-set size")
    parser.add_argument("--reps", type=positive, default=3,
                        help="meta: timed meta-iterations, median reported (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.mode == "step" and (args.unroll is not None or args.dev is not None):
        raise UsageError("--unroll and --dev are for meta mode")
    if args.batch is None:
        if args.mode == "step":
            raise UsageError("step mode needs --batch N")
        args.batch = 20
    return args


def main(argv):
    try:
        args = parse_args(argv)
        torch.set_num_threads(args.threads)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass  # already set (or parallel work has started): keep it
        torch.manual_seed(args.seed)  # the students' initialisation
        generator = torch.Generator().manual_seed(args.seed)  # the data
        result = run_step(args, generator) if args.mode == "step" else run_meta(args, generator)
    except UsageError as e:
        print("torch-reference: %s" % e, file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - any failure is an exit-2 error
        print("torch-reference: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 2

    result["torch"] = torch.__version__
    result["dtype"] = "float32"
    result["seed"] = args.seed
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
