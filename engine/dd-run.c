/* dd-run.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-private.h"
#include "dd-run.h"
#include "dd-dataset.h"
#include "dd-eval.h"
#include "dd-kernels.h"
#include "dd-rng.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#ifdef DD_DOUBLE
# define dot cblas_ddot
#else
# define dot cblas_sdot
#endif

/* evaluation runs in chunks of this many examples */
#define EVAL_CHUNK 256

struct _DdRun {
  DdTrainConfig cfg;
  const DdData *data;
  DdNet        *net;
  DdOptim      *opt;
  DdRng         rng;
  DdLoss        loss;
  dd_real      *dlf_W;     /* Φ = (I, 0) for the teacher-free DLF loss (the paper form) */
  dd_real      *dlf_b;

  int          *order;     /* permutation of the training set */
  int           pos;       /* next unread position in order */
  int           steps_per_epoch;
  gint64        step;
  gint64        total_steps;

  /* minibatch buffers */
  dd_real      *x;
  int          *y;
  dd_real      *dlogits;
  dd_real      *scratch;
};

void
dd_train_config_init (DdTrainConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->net = dd_net_spec_default (DD_STUDENT_MLP);
  cfg->loss = DD_LOSS_CE;
  cfg->smoothing = 0.1;
  cfg->margin = 1.0;
  cfg->epochs = 10;
  cfg->steps = 0;
  cfg->batch = 20;
  cfg->lr = 0.01;
  cfg->momentum = 0.9;
  cfg->optimizer = DD_OPTIM_SGD;
  cfg->seed = 1;
  cfg->threads = 1;
}

gboolean
dd_train_config_validate (const DdTrainConfig *cfg, GError **error)
{
  if (!(cfg->lr > 0.0) || !isfinite (cfg->lr))
    DD_REFUSE ("learning rate %g: must be a positive finite number", cfg->lr);
  if (!(cfg->momentum >= 0.0 && cfg->momentum < 1.0))
    DD_REFUSE ("momentum %g: must be in [0, 1)", cfg->momentum);
  if (cfg->batch < 1 || cfg->batch > 65536)
    DD_REFUSE ("batch size %d: must be from 1 to 65536", cfg->batch);
  if (cfg->steps < 0)
    DD_REFUSE ("steps %" G_GINT64_FORMAT ": must not be negative", cfg->steps);
  if (cfg->steps == 0 && (cfg->epochs < 1 || cfg->epochs > 100000))
    DD_REFUSE ("epochs %d: must be from 1 to 100000", cfg->epochs);
  if (cfg->threads < 1 || cfg->threads > 256)
    DD_REFUSE ("threads %d: must be from 1 to 256", cfg->threads);
  if (!(cfg->smoothing >= 0.0 && cfg->smoothing < 1.0))
    DD_REFUSE ("label smoothing %g: must be in [0, 1)", cfg->smoothing);
  if (!(cfg->margin >= 0.0) || !isfinite (cfg->margin))
    DD_REFUSE ("margin %g: must be a finite number ≥ 0", cfg->margin);
  return TRUE;
}

DdRun *
dd_run_new (const DdTrainConfig *cfg, const DdData *data, GError **error)
{
  g_return_val_if_fail (cfg != NULL && data != NULL, NULL);

  if (!dd_train_config_validate (cfg, error))
    return NULL;

  const DdDataset *train = data->train;
  if (train->n < cfg->batch)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "batch size %d: larger than the %d training examples of %s",
                   cfg->batch, train->n, train->name);
      return NULL;
    }

  int max_batch = MAX (cfg->batch, EVAL_CHUNK);
  DdNet *net = dd_net_new (&cfg->net, train->rows, train->cols, train->n_classes,
                           max_batch, error);
  if (net == NULL)
    return NULL;

  DdRun *run = g_new0 (DdRun, 1);
  const int C = train->n_classes;
  run->cfg = *cfg;
  run->data = data;
  run->net = net;
  dd_rng_seed (&run->rng, cfg->seed);
  dd_net_init (net, &run->rng);
  run->opt = dd_optim_new (cfg->optimizer, net->n_params, cfg->lr, cfg->momentum);

  run->loss = dd_loss_default (cfg->loss);
  run->loss.smoothing = cfg->smoothing;
  run->loss.margin = cfg->margin;
  if (cfg->loss == DD_LOSS_DLF)
    {
      run->dlf_W = g_new0 (dd_real, (size_t) C * C);
      run->dlf_b = g_new0 (dd_real, C);
      for (int i = 0; i < C; i++)
        run->dlf_W[i * C + i] = 1;
      run->loss.W = run->dlf_W;
      run->loss.b = run->dlf_b;
    }

  run->order = g_new (int, train->n);
  for (int i = 0; i < train->n; i++)
    run->order[i] = i;
  run->pos = train->n; /* shuffle before the first step */
  run->steps_per_epoch = train->n / cfg->batch;
  run->total_steps = cfg->steps > 0 ? cfg->steps : (gint64) cfg->epochs * run->steps_per_epoch;

  run->x = g_new (dd_real, (size_t) cfg->batch * train->d);
  run->y = g_new (int, cfg->batch);
  run->dlogits = g_new (dd_real, (size_t) cfg->batch * C);
  run->scratch = g_new (dd_real, (size_t) cfg->batch * C);
  return run;
}

void
dd_run_free (DdRun *run)
{
  if (run == NULL)
    return;
  dd_net_free (run->net);
  dd_optim_free (run->opt);
  g_free (run->dlf_W);
  g_free (run->dlf_b);
  g_free (run->order);
  g_free (run->x);
  g_free (run->y);
  g_free (run->dlogits);
  g_free (run->scratch);
  g_free (run);
}

static void
next_batch (DdRun *run)
{
  const DdDataset *train = run->data->train;
  int B = run->cfg.batch;

  /* drop the incomplete tail of an epoch, then reshuffle */
  if (run->pos + B > train->n)
    {
      dd_rng_shuffle (&run->rng, run->order, train->n);
      run->pos = 0;
    }
  dd_dataset_gather (train, run->order + run->pos, B, run->x, run->y);
  run->pos += B;
}

gboolean
dd_run_step (DdRun *run, double *loss_out, GError **error)
{
  DdNet *net = run->net;
  const int B = run->cfg.batch, C = net->n_classes;

  dd_set_threads (run->cfg.threads);
  if (run->cfg.cosine)
    run->opt->lr = run->cfg.lr * 0.5 * (1.0 + cos (G_PI * (double) run->step / (double) run->total_steps));
  next_batch (run);
  dd_net_forward (net, run->x, B);
  double loss = dd_loss_forward_backward (&run->loss, run->dlogits, NULL, NULL, run->scratch,
                                          net->logits, run->y, B, C);
  if (!isfinite (loss))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DIVERGED,
                   "step %" G_GINT64_FORMAT ": the training loss is %g; the run stopped "
                   "before this step's update", run->step + 1, loss);
      return FALSE;
    }
  /* the gradients are zero here: the last update consumed them (or, after a
   * refused step, they were cleared then) */
  dd_net_backward (net, run->x, run->dlogits, B);
  double g2 = dot ((int) net->n_params, net->grads, 1, net->grads, 1);
  if (!isfinite (g2))
    {
      dd_net_zero_grad (net);
      g_set_error (error, DD_ERROR, DD_ERROR_DIVERGED,
                   "step %" G_GINT64_FORMAT ": the gradient of the student's weights "
                   "holds a NaN or Inf; the run stopped before this step's update",
                   run->step + 1);
      return FALSE;
    }
  dd_optim_step_consume (run->opt, net->params, net->grads);
  run->step++;
  double w2 = dot ((int) net->n_params, net->params, 1, net->params, 1);
  if (!isfinite (w2))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DIVERGED,
                   "step %" G_GINT64_FORMAT ": the student's weights overflowed to "
                   "NaN or Inf in the update (learning rate %g)", run->step, run->cfg.lr);
      return FALSE;
    }
  if (loss_out)
    *loss_out = loss;
  return TRUE;
}

gint64
dd_run_get_step (const DdRun *run)
{
  return run->step;
}

gint64
dd_run_total_steps (const DdRun *run)
{
  return run->total_steps;
}

int
dd_run_steps_per_epoch (const DdRun *run)
{
  return run->steps_per_epoch;
}

DdNet *
dd_run_get_net (DdRun *run)
{
  return run->net;
}

const DdData *
dd_run_get_data (const DdRun *run)
{
  return run->data;
}

void
dd_run_evaluate (DdRun *run, const DdDataset *ds, int limit, DdEval *out)
{
  dd_set_threads (run->cfg.threads);
  dd_net_evaluate (run->net, ds, limit, out);
}
