/* dd-student.h: what the training and teaching loops need of a student,
 * for images and for translation alike
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The L2T-DLF loop (dd-teach*.c) steps, differentiates and evaluates a student
 * through these few verbs, so one loop teaches the image classifiers (a
 * DdNet, Φ = (W (C, C), s (C), b (C)) over classes, dd-loss.h) and the
 * translator (a DdSeq2seq, Φ = (W (K, K), a (K), s (K), b (K)) over K
 * target-frequency buckets, dd-bucket-loss.h); the layout of the W block is
 * dd-phi.h's. The training loop on a fixed loss (DdRun, dd-run.h) steps
 * either student through the same verbs.
 *
 * Examples are images or sentence pairs. For translation every rate is per
 * target token: a batch's loss is the mean over its non-padding target
 * tokens, its error the fraction of tokens whose most probable word (with the
 * reference prefix fed, i.e. teacher forcing) is not the reference, and the
 * dev objectives are the token-level smoothed error and cross-entropy.
 * Per-class statistics (accuracy, margin, the confusion matrix) are per
 * bucket of the reference token.
 */
#pragma once

#include "dd-types.h"
#include "dd-workers.h"
#include "dd-net.h"
#include "dd-run.h"
#include "dd-teacher.h"
#include "dd-seq2seq.h"

G_BEGIN_DECLS

struct _DdStudent {
  DdStudentKind kind;
  DdPhiShape    shape;
  int           C;          /* Φ's columns: classes, or buckets */
  int           R;          /* rows of Φ's W block (dd_phi_rows) */
  DdPhiForm     phi_form;   /* how the loss reads Φ: normalised (default) or paper */
  DdLossKind    fixed_loss; /* the loss without Φ: CE (default), SMOOTH or MARGIN */
  int           max_batch;
  size_t        P;
  dd_real      *params;     /* the model's own arrays */
  dd_real      *grads;
  DdNet        *net;        /* image students */
  DdSeq2seq    *s2s;        /* the translator */
  const DdData *data;
  void         *priv;       /* minibatch buffers */
};

/* A student for cfg->net on data (initialised from rng), taking batches of
 * up to max_batch examples. */
DdStudent  *dd_student_new      (const DdTrainConfig *cfg, const DdData *data, int max_batch,
                                 DdRng *rng, GError **error);
DdStudent  *dd_student_copy     (const DdStudent *st);
/* bytes a copy of st holds once it has run a reverse pass: its model, the
 * model's R-operator buffers and the student's own batch buffers */
size_t      dd_student_footprint (const DdStudent *st);
void        dd_student_free     (DdStudent *st);
const char *dd_student_describe (const DdStudent *st);
/* examples in a split */
int         dd_student_n_examples (const DdStudent *st, DdSplit split);
/* The student's threads. An image student splits every batch, HVP and dev
 * measure between n workers (at most 16) of one OpenBLAS thread each, or, where
 * a batch split does not pay, its dense first layer's units (fixed slices,
 * summed in a fixed order: the same bits on every run with the same n); the
 * translator gives OpenBLAS n threads. Sets OpenBLAS's count accordingly:
 * call it before the student's work, as the engine used dd_set_threads. */
void        dd_student_set_threads (DdStudent *st, int n);
int         dd_student_get_threads (const DdStudent *st);
/* A batch step or H·v is split only where each worker's slice has at least
 * this many matrix-product flops per parameter of the net: every worker
 * zeroes and writes a whole gradient (or H·v) that is then summed, work that
 * grows with the parameters and not with the batch. Measured (docs/speed.md,
 * every batch split in two): the bench's MLP step at batch 20, 40 flops per
 * parameter a slice, ran 0.39 times as fast on two threads as on one; at
 * batch 128, 257 a slice, 1.08 times; LeNet's batch-20 step, 306 a slice,
 * 1.34 times. A function of the configuration only: a file gives the same
 * bits on any machine with the same thread count. */
#define DD_SPLIT_WORK 250.0
/* A batch step or H·v that stays on one worker splits instead the units of
 * a dense first layer (dd_net_set_unit_split) between as many threads as
 * give each slice at least this many flops of the layer's forward product:
 * no gradient is summed then, the layer's weight gradient being cut by
 * rows. The bench's MLP step at batch 20 has 7.8 M a slice of two (a step
 * of the same products on two threads ran 1.6–1.7× as fast as on one:
 * tests/bench-split). A function of the configuration only, like the
 * batch split. */
#define DD_UNIT_WORK 1e6
/* Dropout's masks for the next training forward (the translator's, if its
 * spec has dropout; dd_seq2seq_set_noise): key 0 none. */
void        dd_student_set_noise (DdStudent *st, guint64 key);
/* the key of step `step` of a run seeded with `seed`: never 0 */
guint64     dd_noise_key (guint64 seed, gint64 step);
/* Sets that work (default DD_SPLIT_WORK); 0 splits every batch between all
 * threads, as the tests do to check the split on small batches. */
void        dd_student_set_split_work (DdStudent *st, double flops_per_parameter);
/* The threads that share the units of the first layer in a step or H·v of
 * B examples that stays on one worker (1: none; only a dense first layer is
 * split), and the work a slice needs for it (default DD_UNIT_WORK; 0
 * splits any dense first layer, as the tests do). */
int         dd_student_unit_workers   (const DdStudent *st, int B);
void        dd_student_set_unit_work  (DdStudent *st, double flops);

/* fn over [0, len) in parts between an image student's threads, where each
 * part has DD_FOR_MIN elements at least, or in one part on this thread (the
 * translator's OpenBLAS has its threads for such loops): for
 * elementwise work on vectors of the parameters' size (each element
 * computed alone, so the parts change no value). parts (may be NULL)
 * receives how many there were (at most DD_FOR_MAX_PARTS). */
#define DD_FOR_MIN 65536
#define DD_FOR_MAX_PARTS 16
void        dd_student_for (DdStudent *st, size_t len, DdRangeFn fn, gpointer data, int *parts);

/* Forward on examples idx[0..B) of split; returns the batch error. */
double      dd_student_forward  (DdStudent *st, DdSplit split, const int *idx, int B);
/* After a forward: grads = ∇L (WRITTEN) for the loss with Φ = (W, b), or
 * the fixed loss st->fixed_loss (cross-entropy unless set) when W is NULL;
 * returns L. ce (may be NULL) receives the
 * batch's cross-entropy at the same weights. */
double      dd_student_backward (DdStudent *st, const dd_real *W, const dd_real *b, double *ce);
/* After a forward: grads = ∇L (WRITTEN) for a loss over classes (images)
 * or over the target words, as the mean per target token (translation);
 * returns L, and leaves grads zero when L is not finite. The training loop
 * on a fixed loss (dd-run.c) steps through this. */
double      dd_student_backward_loss (DdStudent *st, const DdLoss *loss);
/* On training examples idx[0..B) with Φ = (W, b), at the current params:
 * hv = H·v (written), dW (R, C), db (C) += (∂g/∂Φ)ᵀ·v. Returns L. The
 * gradients are scratch afterwards: an image student does not compute
 * them (dd_net_hvp_only), the translator leaves ∇L there. */
double      dd_student_hvp      (DdStudent *st, const int *idx, int B, const dd_real *W,
                                 const dd_real *b, const dd_real *v, dd_real *hv,
                                 dd_real *dW, dd_real *db);
/* The dev measure M over the first n dev examples (n ≤ 0: all): the mean
 * smoothed error or cross-entropy (per token for translation); with_grad:
 * grads = ∇M (written). error (may be NULL) receives the plain error. */
double      dd_student_objective (DdStudent *st, gboolean dev_ce, int n, gboolean with_grad,
                                  double *error);
/* The same measure per block of `block` examples (1 … dd_student_max_block)
 * over dev examples first … first + n − 1: out[k] is block k's mean (per
 * token for translation). Returns the number of blocks, ⌈n / block⌉. For
 * paired comparisons of two students on held-out dev data. */
int         dd_student_measure_blocks (DdStudent *st, gboolean dev_ce, int first, int n,
                                       int block, double *out);
int         dd_student_max_block  (const DdStudent *st);
/* Evaluation of the first n examples of split (n ≤ 0: all) into ev, whose
 * n_classes must be st->C. */
void        dd_student_evaluate (DdStudent *st, DdSplit split, int n, DdEval *ev);
/* translation: corpus BLEU of the whole split decoded with a beam of that
 * width (1: greedy); the hypotheses in *hyps when hyps is not NULL */
double      dd_student_bleu     (DdStudent *st, DdSplit split, int beam, char ***hyps);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdStudent, dd_student_free)

G_END_DECLS
