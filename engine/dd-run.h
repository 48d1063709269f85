/* dd-run.h: one student trained on a fixed loss, one minibatch step at a time
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A DdRun owns its student, optimiser, random state and data order, and
 * borrows the dataset (which must outlive it). Everything that decides the
 * result is in the configuration and the seed: the same configuration, seed
 * and one BLAS thread give a bit-identical run.
 */
#pragma once

#include "dd-types.h"
#include "dd-loss.h"
#include "dd-net.h"
#include "dd-optim.h"

G_BEGIN_DECLS

typedef struct {
  DdNetSpec   net;
  DdLossKind  loss;
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
} DdTrainConfig;

/* defaults: MLP 784-500-10 tanh, cross-entropy, 10 epochs, batch 20,
 * SGD lr 0.01 momentum 0.9, seed 1, one thread */
void     dd_train_config_init     (DdTrainConfig *cfg);
/* every value checked before anything runs; the message names the option */
gboolean dd_train_config_validate (const DdTrainConfig *cfg, GError **error);

DdRun   *dd_run_new          (const DdTrainConfig *cfg, const DdData *data, GError **error);
void     dd_run_free         (DdRun *run);
/* One minibatch step. On a NaN or Inf in the loss or the gradient it returns
 * FALSE with DD_ERROR_DIVERGED naming the step and the quantity, and leaves
 * the parameters as they were before the step; weights that overflow in the
 * update itself are reported the same way (they are then not restored). */
gboolean dd_run_step         (DdRun *run, double *loss_out, GError **error);
gint64   dd_run_get_step     (const DdRun *run);
gint64   dd_run_total_steps  (const DdRun *run);
int      dd_run_steps_per_epoch (const DdRun *run);
DdNet   *dd_run_get_net      (DdRun *run);
const DdData *dd_run_get_data (const DdRun *run);
/* evaluate the current student on ds (limit ≤ 0: all of it) */
void     dd_run_evaluate     (DdRun *run, const DdDataset *ds, int limit, DdEval *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdRun, dd_run_free)

G_END_DECLS
