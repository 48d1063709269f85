/* dd-run.c: the training loop on a fixed loss
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-private.h"
#include "dd-run.h"
#include "dd-bleu.h"
#include "dd-dataset.h"
#include "dd-eval.h"
#include "dd-kernels.h"
#include "dd-parallel.h"
#include "dd-rng.h"
#include "dd-student.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#ifdef DD_DOUBLE
# define dot cblas_ddot
#else
# define dot cblas_sdot
#endif

/* evaluation runs in chunks of this many images, or sentence pairs (whose
 * logits are (pairs · target length, vocabulary)) */
#define EVAL_CHUNK      256
#define TEXT_EVAL_CHUNK 32

struct _DdRun {
  DdTrainConfig cfg;
  const DdData *data;
  DdStudent    *st;
  DdOptim      *opt;
  DdRng         rng;
  DdLoss        loss;
  dd_real      *dlf_W;     /* Φ = (I, 0) for the teacher-free DLF loss (the paper form) */
  dd_real      *dlf_b;

  int          *order;     /* permutation of the training set */
  int           n_train;
  int           pos;       /* next unread position in order */
  int           steps_per_epoch;
  gint64        step;
  gint64        total_steps;
  gint64        tokens;    /* target tokens trained on (translation) */
  double        loss_sum;  /* Σ loss · weight since dd_run_take_loss */
  double        loss_weight;

  dd_real      *kept;      /* dd_run_offer_checkpoint's copy of the parameters */
  double        kept_score;
  gint64        kept_step; /* -1: none */

  dd_real      *avg;       /* dd_run_set_average's moving average (NULL: none) */
  dd_real      *swap;      /* scratch for evaluating it */
  double        avg_decay;
  gint64        avg_updates;
  gboolean      avg_unused; /* dd_run_use_average (FALSE): measure the last weights */
};

void
dd_train_config_init_student (DdTrainConfig *cfg, DdStudentKind kind)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->net = dd_net_spec_default (kind);
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
  cfg->cosine = FALSE;
  cfg->clip_norm = kind == DD_STUDENT_SEQ2SEQ ? 5.0 : 0.0;
}

void
dd_train_config_init (DdTrainConfig *cfg)
{
  dd_train_config_init_student (cfg, DD_STUDENT_MLP);
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
  if (!(cfg->net.dropout >= 0.0 && cfg->net.dropout <= 0.9))
    DD_REFUSE ("dropout %g: must be from 0 to 0.9", cfg->net.dropout);
  if (!(cfg->net.word_dropout >= 0.0 && cfg->net.word_dropout <= 0.9))
    DD_REFUSE ("word dropout %g: must be from 0 to 0.9", cfg->net.word_dropout);
  if ((cfg->net.dropout > 0 || cfg->net.word_dropout > 0) && cfg->net.kind != DD_STUDENT_SEQ2SEQ)
    DD_REFUSE ("dropout applies to the translation student (seq2seq) only");
  if (cfg->net.tie_embeddings && cfg->net.kind != DD_STUDENT_SEQ2SEQ)
    DD_REFUSE ("tied embeddings apply to the translation student (seq2seq) only");
  if (cfg->net.bidirectional && cfg->net.kind != DD_STUDENT_SEQ2SEQ)
    DD_REFUSE ("a bidirectional encoder applies to the translation student (seq2seq) only");
  if (cfg->net.input_feed && cfg->net.kind != DD_STUDENT_SEQ2SEQ)
    DD_REFUSE ("input feeding applies to the translation student (seq2seq) only");
  if (!(cfg->smoothing >= 0.0 && cfg->smoothing < 1.0))
    DD_REFUSE ("label smoothing %g: must be in [0, 1)", cfg->smoothing);
  if (!(cfg->margin >= 0.0) || !isfinite (cfg->margin))
    DD_REFUSE ("margin %g: must be a finite number ≥ 0", cfg->margin);
  if (!(cfg->clip_norm >= 0.0) || !isfinite (cfg->clip_norm))
    DD_REFUSE ("gradient clipping norm %g: must be a finite number ≥ 0 (0: off)", cfg->clip_norm);
  if (!(cfg->decay_tail >= 0.0 && cfg->decay_tail <= 1.0))
    DD_REFUSE ("decay tail %g: a fraction of the steps, from 0 (none) to 1", cfg->decay_tail);
  if (cfg->decay_tail > 0 && cfg->cosine)
    DD_REFUSE ("a decay tail is a schedule of its own: not with the cosine schedule");
  return TRUE;
}

gboolean
dd_schedule_parse (const char *name, gboolean *cosine)
{
  if (g_strcmp0 (name, "constant") == 0)
    *cosine = FALSE;
  else if (g_strcmp0 (name, "cosine") == 0)
    *cosine = TRUE;
  else
    return FALSE;
  return TRUE;
}

const char *
dd_schedule_name (gboolean cosine)
{
  return cosine ? "cosine" : "constant";
}

/* The fixed loss of the configuration; DLF at Φ = (I, 0) in the paper's
 * form, which needs no teacher. */
static gboolean
init_loss (DdRun *run, GError **error)
{
  const DdTrainConfig *cfg = &run->cfg;
  const int C = run->st->C;

  if (cfg->loss == DD_LOSS_DLF && run->st->s2s)
    DD_REFUSE ("loss %s: the translation student trains on ce, smooth or margin here; its "
               "L2T-DLF loss is over frequency buckets, with a teacher", dd_loss_kind_name (cfg->loss));
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
  return TRUE;
}

DdRun *
dd_run_new (const DdTrainConfig *cfg, const DdData *data, GError **error)
{
  g_return_val_if_fail (cfg != NULL && data != NULL, NULL);

  if (!dd_train_config_validate (cfg, error))
    return NULL;

  /* before the student, whose buffers are sized by the batch (a student
   * without the data it needs is refused by dd_student_new) */
  const gboolean text = cfg->net.kind == DD_STUDENT_SEQ2SEQ;
  const int n = text ? (data->parallel ? data->parallel->train.n : cfg->batch)
                     : (data->train ? data->train->n : cfg->batch);
  if (n < cfg->batch)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "batch size %d: larger than the %d training examples of %s",
                   cfg->batch, n, data->name);
      return NULL;
    }

  g_autoptr(DdRun) run = g_new0 (DdRun, 1);
  run->cfg = *cfg;
  run->data = data;
  run->kept_score = -INFINITY;
  run->kept_step = -1;
  dd_rng_seed (&run->rng, cfg->seed);
  run->st = dd_student_new (cfg, data, MAX (cfg->batch, text ? TEXT_EVAL_CHUNK : EVAL_CHUNK),
                            &run->rng, error);
  if (run->st == NULL || !init_loss (run, error))
    return NULL;
  run->opt = dd_optim_new (cfg->optimizer, run->st->P, cfg->lr, cfg->momentum);

  run->n_train = n;
  run->order = g_new (int, n);
  for (int i = 0; i < n; i++)
    run->order[i] = i;
  run->pos = n; /* shuffle before the first step */
  run->steps_per_epoch = n / cfg->batch;
  run->total_steps = cfg->steps > 0 ? cfg->steps : (gint64) cfg->epochs * run->steps_per_epoch;
  return g_steal_pointer (&run);
}

void
dd_run_free (DdRun *run)
{
  if (run == NULL)
    return;
  dd_student_free (run->st);
  dd_optim_free (run->opt);
  g_free (run->dlf_W);
  g_free (run->dlf_b);
  g_free (run->order);
  g_free (run->kept);
  g_free (run->avg);
  g_free (run->swap);
  g_free (run);
}

const int *
dd_run_next_batch (DdRun *run)
{
  const int B = run->cfg.batch;

  /* drop the incomplete tail of an epoch, then reshuffle */
  if (run->pos + B > run->n_train)
    {
      dd_rng_shuffle (&run->rng, run->order, run->n_train);
      run->pos = 0;
    }
  run->pos += B;
  return run->order + run->pos - B;
}

/* The vectors of the parameters' size are worked on in parts between the
 * student's threads (dd_student_for: an image student's; the translator's
 * are one part, its BLAS has the threads). Each element is computed alone
 * and the sums are per part, so one thread gives the bits of a single loop. */

/* ‖g‖² by parts. With clipping it is summed in double, term by term, since
 * the scale of the update depends on it; otherwise only its finiteness
 * matters and BLAS's dot is faster. */
typedef struct {
  const DdRun *run;
  double       part[DD_FOR_MAX_PARTS];
} NormJob;

static void
grad_norm2_part (int part, size_t lo, size_t hi, gpointer data)
{
  NormJob *j = data;
  const dd_real *g = j->run->st->grads;
  double s = 0.0;

  if (j->run->cfg.clip_norm > 0)
    for (size_t i = lo; i < hi; i++)
      s += (double) g[i] * g[i];
  else
    s = dot ((int) (hi - lo), g + lo, 1, g + lo, 1);
  j->part[part] = s;
}

static double
grad_norm2 (const DdRun *run)
{
  NormJob j = { run, { 0 } };
  double s = 0.0;
  int parts;

  dd_student_for (run->st, run->st->P, grad_norm2_part, &j, &parts);
  for (int k = 0; k < parts; k++)
    s += j.part[k];
  return s;
}

/* the update on elements [lo, hi): the clipping scale (1: none), the
 * optimiser's step, the weights' moving average (decay d), and ‖ω‖² of the
 * part for the check that follows */
typedef struct {
  DdRun   *run;
  dd_real  scale, d;
  double   w2[DD_FOR_MAX_PARTS];
} UpdateJob;

static void
update_part (int part, size_t lo, size_t hi, gpointer data)
{
  UpdateJob *j = data;
  DdStudent *st = j->run->st;

  if (j->scale != 1)
    for (size_t i = lo; i < hi; i++)
      st->grads[i] *= j->scale;
  dd_optim_step_part (j->run->opt, st->params, st->grads, lo, hi);
  if (j->run->avg != NULL)
    {
      dd_real *restrict a = j->run->avg;
      const dd_real *restrict w = st->params;
      const dd_real d = j->d;
      for (size_t i = lo; i < hi; i++)
        a[i] = d * a[i] + (1 - d) * w[i];
    }
  j->w2[part] = dot ((int) (hi - lo), st->params + lo, 1, st->params + lo, 1);
}

/* the mean of the batch's loss enters the epoch's mean with the batch's
 * weight: one per image batch, its target tokens for translation */
static void
account (DdRun *run, const int *idx, double loss)
{
  double weight = 1.0;

  if (run->st->s2s)
    {
      const int *len = run->data->parallel->train.tgt_len;
      int tokens = 0;
      for (int i = 0; i < run->cfg.batch; i++)
        tokens += len[idx[i]];
      run->tokens += tokens;
      weight = tokens;
    }
  run->loss_sum += loss * weight;
  run->loss_weight += weight;
}

#define DIVERGED(...) \
  G_STMT_START { \
    g_set_error (error, DD_ERROR, DD_ERROR_DIVERGED, __VA_ARGS__); \
    return FALSE; \
  } G_STMT_END

gboolean
dd_run_step_on (DdRun *run, const int *idx, double *loss_out, GError **error)
{
  DdStudent *st = run->st;
  const DdTrainConfig *cfg = &run->cfg;

  dd_student_set_threads (run->st, cfg->threads);
  if (cfg->cosine)
    run->opt->lr = dd_optim_cosine_lr (cfg->lr, (double) run->step / (double) run->total_steps);
  else if (cfg->decay_tail > 0)
    run->opt->lr = dd_optim_tail_lr (cfg->lr, (double) run->step / (double) run->total_steps,
                                     cfg->decay_tail);
  /* dropout's masks: a function of the seed and the step */
  dd_student_set_noise (st, dd_noise_key (cfg->seed, run->step));
  dd_student_forward (st, DD_SPLIT_TRAIN, idx, cfg->batch);
  double loss = dd_student_backward_loss (st, &run->loss);
  if (!isfinite (loss))
    DIVERGED ("step %" G_GINT64_FORMAT ": the training loss is %g; the run stopped "
              "before this step's update", run->step + 1, loss);
  double norm = sqrt (grad_norm2 (run));
  if (!isfinite (norm))
    DIVERGED ("step %" G_GINT64_FORMAT ": the gradient of the student's weights "
              "holds a NaN or Inf; the run stopped before this step's update", run->step + 1);
  UpdateJob uj = { run, 1, 0, { 0 } };
  int parts;
  if (cfg->clip_norm > 0 && norm > cfg->clip_norm)
    uj.scale = (dd_real) (cfg->clip_norm / norm);
  if (run->avg != NULL)
    {
      /* TensorFlow's ExponentialMovingAverage with num_updates: the decay
       * grows to its value, so early weights do not linger */
      const double n = (double) run->avg_updates++;
      uj.d = (dd_real) MIN (run->avg_decay, (1.0 + n) / (10.0 + n));
    }
  dd_optim_begin_step (run->opt);
  dd_student_for (st, st->P, update_part, &uj, &parts);
  run->step++;
  account (run, idx, loss);
  double w2 = 0.0;
  for (int k = 0; k < parts; k++)
    w2 += uj.w2[k];
  if (!isfinite (w2))
    DIVERGED ("step %" G_GINT64_FORMAT ": the student's weights overflowed to "
              "NaN or Inf in the update (learning rate %g)", run->step, cfg->lr);
  if (loss_out)
    *loss_out = loss;
  return TRUE;
}

gboolean
dd_run_step (DdRun *run, double *loss_out, GError **error)
{
  return dd_run_step_on (run, dd_run_next_batch (run), loss_out, error);
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

gboolean
dd_run_at_epoch_end (const DdRun *run)
{
  return run->step > 0 && (run->step % run->steps_per_epoch == 0 || run->step == run->total_steps);
}

double
dd_run_take_loss (DdRun *run)
{
  double mean = run->loss_sum / MAX (run->loss_weight, 1.0);

  run->loss_sum = 0.0;
  run->loss_weight = 0.0;
  return mean;
}

gint64
dd_run_get_tokens (const DdRun *run)
{
  return run->tokens;
}

const DdTrainConfig *
dd_run_get_config (const DdRun *run)
{
  return &run->cfg;
}

DdStudent *
dd_run_get_student (DdRun *run)
{
  return run->st;
}

DdNet *
dd_run_get_net (DdRun *run)
{
  return run->st->net;
}

const DdData *
dd_run_get_data (const DdRun *run)
{
  return run->data;
}

gboolean
dd_run_set_average (DdRun *run, double decay, GError **error)
{
  g_return_val_if_fail (run != NULL, FALSE);
  if (!(decay > 0.0 && decay < 1.0))
    DD_REFUSE ("weight average decay %g: must be between 0 and 1", decay);
  if (run->avg == NULL)
    {
      run->avg = g_memdup2 (run->st->params, run->st->P * sizeof (dd_real));
      run->swap = g_new (dd_real, run->st->P);
    }
  run->avg_decay = decay;
  return TRUE;
}

void
dd_run_use_average (DdRun *run, gboolean use)
{
  g_return_if_fail (run != NULL);
  run->avg_unused = !use;
}

/* the student's parameters ↔ the average (an involution); nothing when
 * there is none or it is not in use */
static void
swap_average (DdRun *run)
{
  if (run->avg == NULL || run->avg_unused)
    return;
  const size_t bytes = run->st->P * sizeof (dd_real);
  memcpy (run->swap, run->st->params, bytes);
  memcpy (run->st->params, run->avg, bytes);
  memcpy (run->avg, run->swap, bytes);
}

void
dd_run_evaluate (DdRun *run, DdSplit split, int limit, DdEval *out)
{
  dd_student_set_threads (run->st, run->cfg.threads);
  swap_average (run);
  dd_student_evaluate (run->st, split, limit, out);
  swap_average (run);
}

double
dd_run_bleu (DdRun *run, DdSplit split, int beam, char ***hyps)
{
  g_return_val_if_fail (run->st->s2s != NULL, 0.0);
  dd_student_set_threads (run->st, run->cfg.threads);
  swap_average (run);
  const double bleu = dd_student_bleu (run->st, split, beam, hyps);
  swap_average (run);
  return bleu;
}

gboolean
dd_run_offer_checkpoint (DdRun *run, double score)
{
  if (!(score > run->kept_score))
    return FALSE;
  if (run->kept == NULL)
    run->kept = g_new (dd_real, run->st->P);
  memcpy (run->kept, run->avg && !run->avg_unused ? run->avg : run->st->params, run->st->P * sizeof (dd_real));
  run->kept_score = score;
  run->kept_step = run->step;
  return TRUE;
}

gint64
dd_run_checkpoint_step (const DdRun *run)
{
  return run->kept_step;
}

void
dd_run_restore_checkpoint (DdRun *run)
{
  g_return_if_fail (run->kept != NULL);
  memcpy (run->st->params, run->kept, run->st->P * sizeof (dd_real));
  if (run->avg)
    memcpy (run->avg, run->kept, run->st->P * sizeof (dd_real));
}
