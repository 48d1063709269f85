#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Didact authors
"""torch-seq2seq.py: PyTorch training speed of the translation student, for
`didact-cli bench --student seq2seq` to compare against.

The model is engine/dd-seq2seq.h's in torch.nn, float32:

  encoder   h = GRU_enc(Es[src])                       nn.Embedding, nn.GRU
  decoder   s = GRU_dec(Et[tgt_in], h0 = h[src_len-1])  (batch_first, 1 layer)
  attention a_t = softmax_i(s_t . (Wa h_i)), i < src_len  (masked to -inf)
            c_t = sum_i a_t,i h_i
  output    o_t = tanh(Wc [s_t; c_t] + bc), logits_t = Wo o_t + bo

With tied embeddings (the file's flag) Wc has E rows and logits_t =
Et o_t + bo. With a bidirectional encoder a second nn.GRU reads each
source reversed within its length (an index gather, so that the padding
comes after, not before, its tokens); h_i = f_i + b_i, and
h0 = f[src_len-1] + b_0.

With dropout (version 3 files that carry masks) the model multiplies the
source and target input embeddings and o_t by the masks the engine drew for
that step (dd_seq2seq_dropout_masks): PyTorch's own dropout draws other
masks, so only the engine's make the two losses comparable.

With input feeding (version 4 files that say so) the decoder is an
nn.GRUCell over [Et[tgt_in_t]; o'_{t-1}] (o'_{-1} = 0, o' = o after its
mask), run in a Python loop over the target positions with each step's
attention and o; its weight_ih is the engine's decoder W_ih beside Wf.

Otherwise each GRU is one nn.GRU call over the whole padded sequence.
Padded positions run through the cells but reach the loss through nothing
(with input feeding too: a position feeds only the ones after it): the encoder state is
gathered at src_len-1, attention is masked to i < src_len, and the output
layers only see the real target positions (the rows whose label is not -1
are selected before Wc, as the C side does; --pad-output computes them for
every padded position instead).

One training step = forward, cross-entropy (mean over the real target
tokens, ignore_index=-1), zero_grad(set_to_none=True), backward,
SGD(lr, momentum 0.9).step(). The batches are the ones the C side timed,
read from --batches, in the same order: --warmup untimed steps, then --reps
repetitions of one pass over all batches. Tokens = real target tokens.

Batch file (all little-endian int32):
  header   magic 0x32534444 ("DDS2"), version 1 to 4, V_src, V_tgt, E, H,
           n_batches, has_params (0 or 1); version 2 and later then: tied (0
           or 1), bidirectional (0 or 1); version 3 and 4 then: masked (0 or
           1); version 4 then: input feeding (0 or 1)
  batches  n_batches times: B, Ls, Lt, then src (B*Ls), src_len (B),
           tgt_in (B*Lt), tgt_out (B*Lt; -1 = padding), row-major
  params   when has_params: n float32, the flat parameter array of
           DdSeq2seq in dd-seq2seq.h's view order (Es, Et, encoder W_ih,
           W_hh, b_ih, b_hh, the backward encoder's likewise when
           bidirectional, decoder likewise, its Wf with input feeding, Wa,
           Wc, bc, Wo unless tied, bo); the model starts from them, so that both sides train the same
           network from the same point and their losses can be compared.
           Without them: PyTorch's GRU initialisation, embeddings N(0,1)*0.1.
  masks    when masked (version 3; has_params must be 1): n_steps, then
           per step in the order run (--warmup steps, then --reps passes):
           its batch k, then bytes (1 kept, 0 dropped) of the source
           embedding mask (B*Ls*E), the target input mask (B*Lt*E) and the
           mask of o (B*Lt*D, D = E tied, else H), each by batch k's padded
           positions; then two float32: the value of a kept input and of a
           kept o entry (1/(1-p) scaled as the engine scales them).

Usage:
  /usr/bin/python3 tools/torch-seq2seq.py --batches FILE --threads N
                   [--reps 5] [--warmup 2] [--lr 0.1] [--pad-output]

Output: exactly one JSON object on stdout. Errors go to stderr, exit status 2.
OPENBLAS_NUM_THREADS and OMP_NUM_THREADS are set to --threads before torch
is imported: torch.set_num_threads does not reach OpenBLAS's own pool; and
OMP_WAIT_POLICY to PASSIVE unless set: with both pools spinning, torch at 2
threads on 2 cores runs several times slower than at 1.
"""

import argparse
import ctypes
import json
import os
import statistics
import struct
import sys
import time

MAGIC = 0x32534444
VERSION = 4
MOMENTUM = 0.9


class UsageError(Exception):
    """A bad command line or an unreadable batch file: reported, exit 2."""


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


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
    parser = ArgumentParser(description="PyTorch training speed of the translation student.")
    parser.add_argument("--batches", required=True, help="batch file written by didact-cli bench")
    parser.add_argument("--threads", type=positive, required=True)
    parser.add_argument("--reps", type=positive, default=5,
                        help="timed passes over the batches; the median is reported (default 5)")
    parser.add_argument("--warmup", type=non_negative, default=2,
                        help="untimed steps first (default 2)")
    parser.add_argument("--lr", type=float, default=0.1, help="SGD learning rate (default 0.1)")
    parser.add_argument("--pad-output", action="store_true",
                        help="run Wc and Wo over every padded target position too")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def read_batches(path):
    with open(path, "rb") as f:
        data = f.read()
    pos = 0

    def ints(n):
        nonlocal pos
        if pos + 4 * n > len(data):
            raise UsageError("%s: truncated" % path)
        out = struct.unpack_from("<%di" % n, data, pos)
        pos += 4 * n
        return out

    magic, version, Vs, Vt, E, H, n_batches, has_params = ints(8)
    if magic != MAGIC or version not in (1, 2, 3, VERSION):
        raise UsageError("%s: not a version 1 to %d seq2seq batch file" % (path, VERSION))
    tied, bidir = ints(2) if version >= 2 else (0, 0)
    masked = ints(1)[0] if version >= 3 else 0
    feed = ints(1)[0] if version >= 4 else 0
    if masked and not has_params:
        raise UsageError("%s: dropout's masks without the parameters" % path)
    batches = []
    for _ in range(n_batches):
        B, Ls, Lt = ints(3)
        src = ints(B * Ls)
        src_len = ints(B)
        tgt_in = ints(B * Lt)
        tgt_out = ints(B * Lt)
        batches.append((B, Ls, Lt, src, src_len, tgt_in, tgt_out))
    params = None
    if has_params and not masked:
        rest = len(data) - pos
        if rest % 4:
            raise UsageError("%s: parameter block of %d bytes" % (path, rest))
        params = data[pos:]
    elif has_params:
        # the parameters' count from the shapes (the masks follow them)
        D = E if tied else H
        gru = 3 * H * E + 3 * H * H + 6 * H
        n = ((Vs + Vt) * E + (3 if bidir else 2) * gru + (3 * H * D if feed else 0)
             + H * H + D * 2 * H + D + Vt + (0 if tied else Vt * H))
        if pos + 4 * n > len(data):
            raise UsageError("%s: truncated" % path)
        params = data[pos:pos + 4 * n]
        pos += 4 * n
    masks = None
    if masked:
        n_steps = ints(1)[0]
        D = E if tied else H
        masks = []
        for _ in range(n_steps):
            k = ints(1)[0]
            if not 0 <= k < n_batches:
                raise UsageError("%s: a mask of batch %d of %d" % (path, k, n_batches))
            B, Ls, Lt = batches[k][:3]
            sizes = (B * Ls * E, B * Lt * E, B * Lt * D)
            if pos + sum(sizes) > len(data):
                raise UsageError("%s: truncated" % path)
            m = []
            for size in sizes:
                m.append(data[pos:pos + size])
                pos += size
            masks.append((k, m))
        if pos + 8 != len(data):
            raise UsageError("%s: %d bytes after the masks, not their two scales" % (path, len(data) - pos))
        keep = struct.unpack_from("<2f", data, pos)
        masks = (masks, keep)
    return Vs, Vt, E, H, bool(tied), bool(bidir), bool(feed), batches, params, masks


def main(argv):
    try:
        args = parse_args(argv)
        # before torch loads OpenBLAS, which reads them once
        os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
        os.environ["OMP_NUM_THREADS"] = str(args.threads)
        # torch's OpenMP workers and OpenBLAS's pthreads are two pools of
        # --threads each; with libgomp's default spin-waiting they take the
        # cores from each other and 2 threads run several times slower
        # than 1. Passive waiting is the reference's best configuration.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        result = run(args)
    except UsageError as e:
        print("torch-seq2seq: %s" % e, file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - any failure is an exit-2 error
        print("torch-seq2seq: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 2
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


def openblas_info():
    """The kernel and thread count of the OpenBLAS torch runs its gemms on."""
    try:
        lib = ctypes.CDLL("libopenblas.so.0", mode=ctypes.RTLD_GLOBAL)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_corename().decode(), lib.openblas_get_num_threads()
    except (OSError, AttributeError):
        return None, None


def run(args):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    torch.manual_seed(args.seed)

    Vs, Vt, E, H, tied, bidir, feed, raw, params, masks = read_batches(args.batches)
    D = E if tied else H
    if not raw:
        raise UsageError("%s holds no batches" % args.batches)

    class Seq2seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.src_emb = nn.Embedding(Vs, E)
            self.tgt_emb = nn.Embedding(Vt, E)
            self.enc = nn.GRU(E, H, batch_first=True)
            self.enc2 = nn.GRU(E, H, batch_first=True) if bidir else None
            if feed:
                self.dec_cell = nn.GRUCell(E + D, H)
            else:
                self.dec = nn.GRU(E, H, batch_first=True)
            self.Wa = nn.Linear(H, H, bias=False)
            self.Wc = nn.Linear(2 * H, E if tied else H)
            if tied:
                self.bo = nn.Parameter(torch.zeros(Vt))
            else:
                self.Wo = nn.Linear(H, Vt)

        def forward(self, src, last, src_mask, tgt_in, rows, rev, drop=None):
            B = src.shape[0]
            x = self.src_emb(src)
            y = self.tgt_emb(tgt_in)
            if drop is not None:
                x = x * drop[0]
                y = y * drop[1]
            hs, _ = self.enc(x)                                       # (B, Ls, H)
            h0 = hs[torch.arange(B), last].unsqueeze(0)               # (1, B, H)
            if bidir:
                # rev (B, Ls): position i of sentence b reads its token
                # len-1-i (padding stays after the tokens); gathering the
                # states through the same index puts b_i at position i
                idx = rev.unsqueeze(2).expand(-1, -1, E)
                hb, _ = self.enc2(torch.gather(x, 1, idx))
                hb = torch.gather(hb, 1, rev.unsqueeze(2).expand(-1, -1, H))
                h0 = h0 + hb[:, 0].unsqueeze(0)
                hs = hs + hb
            keys = self.Wa(hs)                                        # (B, Ls, H)
            if feed:
                return self.fed(y, h0[0], hs, keys, src_mask, rows, drop)
            s, _ = self.dec(y, h0.contiguous())                       # (B, Lt, H)
            scores = torch.bmm(s, keys.transpose(1, 2))               # (B, Lt, Ls)
            scores = scores.masked_fill(src_mask, float("-inf"))
            c = torch.bmm(torch.softmax(scores, dim=2), hs)           # (B, Lt, H)
            u = torch.cat([s, c], dim=2)
            u = u.reshape(-1, 2 * H)                                  # (B*Lt, 2H)
            mo = drop[2].reshape(u.shape[0], -1) if drop is not None else None
            if rows is not None:
                u = u[rows]                                           # (N, 2H)
                mo = mo[rows] if mo is not None else None
            o = torch.tanh(self.Wc(u))
            if mo is not None:
                o = o * mo
            return self.logits(o)

        def logits(self, o):
            if tied:
                return F.linear(o, self.tgt_emb.weight, self.bo)      # (N, Vt)
            return self.Wo(o)                                         # (N, Vt)

        def fed(self, y, s, hs, keys, src_mask, rows, drop):
            """the decoder with input feeding, a target position at a time"""
            B, Lt = y.shape[0], y.shape[1]
            mo = drop[2].reshape(B, Lt, D) if drop is not None else None
            o = y.new_zeros(B, D)
            outs = []
            for t in range(Lt):
                s = self.dec_cell(torch.cat([y[:, t], o], dim=1), s)  # (B, H)
                scores = torch.bmm(s.unsqueeze(1), keys.transpose(1, 2))
                scores = scores.masked_fill(src_mask, float("-inf"))  # (B, 1, Ls)
                c = torch.bmm(torch.softmax(scores, dim=2), hs).squeeze(1)
                o = torch.tanh(self.Wc(torch.cat([s, c], dim=1)))     # (B, D)
                if mo is not None:
                    o = o * mo[:, t]
                outs.append(o)
            o = torch.stack(outs, dim=1).reshape(B * Lt, D)
            return self.logits(o if rows is None else o[rows])

    model = Seq2seq()
    if params is not None:
        flat = torch.frombuffer(bytearray(params), dtype=torch.float32)
        gru = lambda g: [g.weight_ih_l0, g.weight_hh_l0, g.bias_ih_l0, g.bias_hh_l0]
        if feed:
            # the engine's W_ih (3H, E) and Wf (3H, D) are the cell's
            # weight_ih (3H, E + D), side by side
            w_ih = model.dec_cell.weight_ih
            dec = [w_ih[:, :E], model.dec_cell.weight_hh, model.dec_cell.bias_ih,
                   model.dec_cell.bias_hh, w_ih[:, E:]]
        else:
            dec = gru(model.dec)
        order = ([model.src_emb.weight, model.tgt_emb.weight] + gru(model.enc)
                 + (gru(model.enc2) if bidir else []) + dec
                 + [model.Wa.weight, model.Wc.weight, model.Wc.bias]
                 + ([model.bo] if tied else [model.Wo.weight, model.Wo.bias]))
        need = sum(p.numel() for p in order)
        if flat.numel() != need:
            raise UsageError("%s: %d parameters, the model has %d" % (args.batches, flat.numel(), need))
        at = 0
        with torch.no_grad():
            for p in order:
                p.copy_(flat[at:at + p.numel()].view_as(p))
                at += p.numel()
    else:
        with torch.no_grad():
            model.src_emb.weight.normal_(0, 0.1)
            model.tgt_emb.weight.normal_(0, 0.1)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=MOMENTUM)

    # tensors built before any timing
    batches = []
    for B, Ls, Lt, src, src_len, tgt_in, tgt_out in raw:
        src_t = torch.tensor(src, dtype=torch.long).view(B, Ls)
        len_t = torch.tensor(src_len, dtype=torch.long)
        tin = torch.tensor(tgt_in, dtype=torch.long).view(B, Lt)
        tout = torch.tensor(tgt_out, dtype=torch.long).view(B, Lt)
        src_mask = (torch.arange(Ls)[None, :] >= len_t[:, None])[:, None, :]  # (B, 1, Ls)
        rows = None if args.pad_output else (tout.view(-1) >= 0).nonzero().squeeze(1)
        labels = tout.view(-1) if rows is None else tout.view(-1)[rows]
        tokens = int((tout >= 0).sum())
        pos = torch.arange(Ls)[None, :]
        rev = torch.where(pos < len_t[:, None], len_t[:, None] - 1 - pos, pos)  # (B, Ls)
        batches.append((src_t, len_t - 1, src_mask, tin, rows, labels, rev, tokens))

    # dropout: the engine's masks of every step, as float32 tensors (kept
    # entries at the engine's scale), in the order the steps run
    drops = None
    if masks is not None:
        steps, (keep_in, keep_out) = masks
        if len(steps) != args.warmup + args.reps * len(batches):
            raise UsageError("%s: masks of %d steps, the run takes %d" % (
                args.batches, len(steps), args.warmup + args.reps * len(batches)))
        drops = []
        for j, (k, m) in enumerate(steps):
            expected = j % len(batches) if j < args.warmup else (j - args.warmup) % len(batches)
            if k != expected:
                raise UsageError("%s: step %d's masks are batch %d's, not %d's" % (args.batches, j, k, expected))
            B, Ls, Lt = raw[k][:3]
            as_mask = lambda b, shape, keep: (torch.frombuffer(bytearray(b), dtype=torch.uint8)
                                              .view(shape).to(torch.float32) * keep)
            drops.append((as_mask(m[0], (B, Ls, E), keep_in), as_mask(m[1], (B, Lt, E), keep_in),
                          as_mask(m[2], (B, Lt, -1), keep_out)))
    step_no = 0

    def step(b):
        nonlocal step_no
        src_t, last, src_mask, tin, rows, labels, rev, _ = b
        drop = drops[step_no] if drops is not None else None
        step_no += 1
        logits = model(src_t, last, src_mask, tin, rows, rev, drop)
        loss = F.cross_entropy(logits, labels, ignore_index=-1)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss

    first_loss = None
    for i in range(args.warmup):
        loss = step(batches[i % len(batches)])
        if i == 0:
            first_loss = float(loss)
    runs = []
    last_loss = None
    tokens_per_pass = sum(b[-1] for b in batches)
    for _ in range(args.reps):
        start = time.perf_counter()
        for b in batches:
            loss = step(b)
        seconds = time.perf_counter() - start
        runs.append(tokens_per_pass / seconds)
        last_loss = loss
    last_loss = float(last_loss)
    kernel, blas_threads = openblas_info()
    return {
        "mode": "seq2seq",
        "threads": args.threads,
        "torch_threads": torch.get_num_threads(),
        "blas_kernel": kernel,
        "blas_threads": blas_threads,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "torch": torch.__version__,
        "dtype": "float32",
        "V_src": Vs, "V_tgt": Vt, "emb": E, "hidden": H,
        "tied": tied, "bidirectional": bidir, "input_feed": feed, "dropout_masks": drops is not None,
        "batches": len(batches),
        "warmup": args.warmup,
        "repetitions": args.reps,
        "tokens_per_pass": tokens_per_pass,
        "pad_output": args.pad_output,
        "tokens_per_second_runs": runs,
        "tokens_per_second_median": statistics.median(runs),
        "first_loss": first_loss,
        "last_loss": last_loss,
        "lr": args.lr,
        "momentum": MOMENTUM,
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
