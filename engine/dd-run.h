/* dd-run.h: one student trained on a fixed loss, one minibatch step at a time
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one training loop on a fixed loss, for image classifiers and the
 * translator alike (`didact-cli train`, `bench`): a DdRun steps a DdStudent
 * with its optimiser, learning-rate schedule and optional gradient norm
 * clipping. It owns its student, optimiser, random state and data order, and
 * borrows the data (which must outlive it). Everything that decides the
 * result is in the configuration and the seed: the same configuration, seed
 * and one BLAS thread give a bit-identical run.
 */
#pragma once

#include "dd-types.h"
#include "dd-loss.h"
#include "dd-net.h"
#include "dd-optim.h"

G_BEGIN_DECLS

typedef enum {
  DD_SPLIT_TRAIN,
  DD_SPLIT_DEV,
  DD_SPLIT_TEST,
} DdSplit;

typedef struct _DdStudent DdStudent;  /* dd-student.h */

typedef struct {
  DdNetSpec   net;
  DdLossKind  loss;        /* translation: ce, smooth or margin, per target token */
  double      smoothing;   /* label smoothing ε */
  double      margin;      /* additive margin m */
  int         epochs;      /* used when steps == 0 */
  gint64      steps;       /* total steps; 0 = epochs × steps per epoch */
  int         batch;
  double      lr;
  double      momentum;
  DdOptimKind optimizer;
  guint64     seed;
  int         threads;     /* OpenBLAS threads */
  gboolean    cosine;      /* learning rate lr·½(1 + cos(π·t/steps)), else constant */
  double      decay_tail;  /* a constant rate that falls linearly to 0 over this last
                            * fraction of the steps (0: none; not with cosine); train only */
  double      clip_norm;   /* the gradient's global norm is cut to this before each update; 0: off */
} DdTrainConfig;

/* The defaults, for every kind of student: MLP 784-500-10 tanh,
 * cross-entropy, 10 epochs, batch 20, SGD lr 0.01 momentum 0.9, a constant
 * rate, seed 1, one thread; the gradient unclipped for the image students
 * and clipped at norm 5 for the translator, the usual value for recurrent
 * translators, whose rare large steps (long sentences early in training)
 * would otherwise undo what they learned. */
void     dd_train_config_init_student (DdTrainConfig *cfg, DdStudentKind kind);
/* the same for the default student (the MLP) */
void     dd_train_config_init     (DdTrainConfig *cfg);
/* every value checked before anything runs; the message names the option */
gboolean dd_train_config_validate (const DdTrainConfig *cfg, GError **error);
/* the learning-rate schedule's names: "constant", or "cosine" for cfg->cosine */
gboolean dd_schedule_parse        (const char *name, gboolean *cosine);
const char *dd_schedule_name (gboolean cosine);

DdRun   *dd_run_new          (const DdTrainConfig *cfg, const DdData *data, GError **error);
void     dd_run_free         (DdRun *run);
/* One minibatch step: the next batch of dd_run_next_batch, then
 * dd_run_step_on. */
gboolean dd_run_step         (DdRun *run, double *loss_out, GError **error);
/* The training examples of the next minibatch (cfg->batch of them, valid
 * until the next call): consecutive slices of the data order, reshuffled
 * when an epoch's incomplete tail is reached. */
const int *dd_run_next_batch (DdRun *run);
/* One step on training examples idx[0..batch): the rate of the schedule,
 * forward, the fixed loss and its gradient, clipping, the optimiser's update.
 * On a NaN or Inf in the loss or the gradient it returns FALSE with
 * DD_ERROR_DIVERGED naming the step and the quantity, and leaves the
 * parameters as they were before the step; weights that overflow in the
 * update itself are reported the same way (they are then not restored). */
gboolean dd_run_step_on      (DdRun *run, const int *idx, double *loss_out, GError **error);
gint64   dd_run_get_step     (const DdRun *run);
gint64   dd_run_total_steps  (const DdRun *run);
int      dd_run_steps_per_epoch (const DdRun *run);
/* whether the last step ended an epoch or the run */
gboolean dd_run_at_epoch_end (const DdRun *run);
/* The mean training loss of the steps since the last call (per target
 * token for translation), and a fresh start for the next. */
double   dd_run_take_loss    (DdRun *run);
/* target tokens trained on so far (translation; 0 for images) */
gint64   dd_run_get_tokens   (const DdRun *run);
const DdTrainConfig *dd_run_get_config (const DdRun *run);
DdStudent *dd_run_get_student (DdRun *run);
/* the image student's network, or NULL for the translator */
DdNet   *dd_run_get_net      (DdRun *run);
const DdData *dd_run_get_data (const DdRun *run);
/* evaluate the current student on the first limit examples of a split
 * (limit ≤ 0: all of it); out has the student's number of classes (buckets
 * for translation) */
void     dd_run_evaluate     (DdRun *run, DdSplit split, int limit, DdEval *out);
/* The translator's corpus BLEU on a split, decoded greedily (beam 1) or by
 * beam search; hyps (may be NULL) receives the hypotheses, NULL-terminated. */
double   dd_run_bleu         (DdRun *run, DdSplit split, int beam, char ***hyps);
/* An exponential moving average of the weights (Polyak averaging), which
 * the run's evaluations then measure instead of the last weights: after
 * every step, avg = d·avg + (1 − d)·w with d = min (decay, (1 + n) / (10 + n))
 * at the n-th update, starting from the weights when it is set. decay in
 * (0, 1), else refused. dd_run_evaluate and dd_run_bleu measure the average,
 * dd_run_offer_checkpoint keeps it, dd_run_restore_checkpoint restores both;
 * training itself is unchanged. */
gboolean dd_run_set_average  (DdRun *run, double decay, GError **error);
/* Whether dd_run_evaluate and dd_run_bleu measure the average (TRUE, the
 * default) or the last weights beside it (FALSE); the average is kept
 * either way. No effect without one. */
void     dd_run_use_average  (DdRun *run, gboolean use);
/* Checkpoint selection by a dev score (higher is better, e.g. greedy dev
 * BLEU at each epoch's end). dd_run_offer_checkpoint keeps a copy of the
 * student's parameters if score beats every earlier offer (a tie keeps the
 * earlier; NaN and −∞ are never kept) and says whether it did. dd_run_checkpoint_step
 * is the step of the kept copy, -1 before any. dd_run_restore_checkpoint
 * writes the kept copy over the student's parameters (training may go on
 * from them, with the optimiser's state and the step count as they were). */
gboolean dd_run_offer_checkpoint (DdRun *run, double score);
gint64   dd_run_checkpoint_step  (const DdRun *run);
void     dd_run_restore_checkpoint (DdRun *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdRun, dd_run_free)

G_END_DECLS
