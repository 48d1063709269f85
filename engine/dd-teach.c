/* dd-teach.c: the L2T-DLF loop — unrolled student steps, the dev objective,
 * the checkpointed reverse pass with momentum, and the teacher's update
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reverse pass (docs/method.md §5), from dω_T = ∇M(ω_T), dv_T = 0, for t = T−1…0:
 *   ṽ = dv − η·dω;  dω += H_t·ṽ;  dΦ_t = (∂g_t/∂Φ_t)ᵀ·ṽ;  dv = ρ·ṽ;
 *   dθ += (∂Φ_t/∂θ)ᵀ·dΦ_t.
 * H_t·ṽ and dΦ_t come together from dd_net_hvp at (ω_t, B_t, Φ_t). ω_t is
 * rebuilt segment by segment: (ω, v) is kept every k steps, and each segment
 * is replayed forward with the recorded Φ_t, storing its k iterates; replay
 * repeats the original arithmetic exactly, so the iterates are bit-identical.
 */
#include "dd-private.h"
#include "dd-teach.h"
#include "dd-dataset.h"
#include "dd-eval.h"
#include "dd-bench.h"
#include "dd-kernels.h"
#include "dd-net.h"
#include "dd-optim.h"
#include "dd-rng.h"
#include "dd-student.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#ifdef DD_DOUBLE
# define dot  cblas_ddot
# define axpy cblas_daxpy
#else
# define dot  cblas_sdot
# define axpy cblas_saxpy
#endif

#define EVAL_CHUNK 256
#define HOLDOUT_BLOCKS 50
/* the trust radius grows by half on acceptance up to this multiple of r₀:
 * a window's replay judges a step from that window's start, and a large
 * step that helped there can throw the student into a region where the
 * next windows go badly (seen with 40 % pair-flip noise at r ≈ 1) */
#define MAX_RADIUS_GROWTH 5.0

struct _DdTeach {
  DdTeachConfig cfg;
  const DdData *data;
  int           C, R, B, T, k;  /* Φ: W (R, C), b (C) */
  size_t        P;              /* student parameters */

  DdStudent    *st;
  DdOptim      *sopt;           /* student SGD; its m is the velocity v */
  DdTeacher    *teacher;
  DdOptim      *topt;
  DdTeacher    *init_teacher;   /* the teacher at its initial point, for the anchor test */
  double        radius;         /* trust: the current step length r */
  gint64        n_accepted, n_rejected;
  int           windows_since_anchor;
  int           n_hold;         /* held-out dev examples, after the first n_dev */
  int           n_blocks, block;
  double       *hold_before, *hold_after, *hold_anchor; /* (n_blocks) block means */
  /* the shadow (continual trust steps): the student the initial teacher
   * would have trained on the same minibatches, one window behind */
  gboolean      shadow_started;
  dd_real      *shadow_w, *shadow_v;  /* its ω and v (P each; v when ρ > 0) */
  int           n_guard;        /* dev examples for the comparison, after the held-out ones */
  int           shadow_ahead;   /* consecutive windows the shadow led by more than 2 SE */
  int           n_gblocks, gblock;
  double       *hold_shadow, *hold_live;  /* (n_gblocks) block means */
  dd_real      *trial_W, *trial_b;  /* Φ of a trial step */
  dd_real      *theta_saved;    /* θ before a tried step */
  /* whole-run episodes */
  dd_real      *ep_grad;        /* dθ summed over the episode's windows */
  dd_real      *ep_best_theta, *ep_best_grad;
  double       *ep_best_hold;   /* (n_blocks) held-out objective at the best episode's end */
  gboolean      ep_have_best;
  int           ep_windows;     /* windows of the current episode done */
  DdRng         ep_rng;         /* data order at ω₀, restored every episode */
  int          *ep_order;
  int           ep_pos;
  DdTeacher    *best_teacher;
  dd_real      *best_params;    /* the student at the best window's end */
  DdStudent    *best_student;   /* built from best_params on request */
  double        best_dev_error;
  DdRng         rng;
  int          *order;
  int           n_train;
  int           pos;
  int           n_dev;          /* M is measured on the first n_dev dev examples */
  DdEval       *eval;

  gint64        step;           /* student steps so far */
  gint64        meta_iter;      /* teacher updates so far */
  gint64        taught_at_window_start;
  int           t;              /* position in the window */
  gboolean      window_begun;
  double        window_started_at;  /* monotonic seconds, for the report */

  /* state snapshot at the window's start */
  gboolean      have_snapshot;
  double        snap_train_loss, snap_train_error, snap_dev_error;
  double       *snap_class_acc, *snap_class_margin;
  /* running sums for the next snapshot and the report */
  double        run_ce, run_err, run_loss;
  int           run_n;

  /* the window's records */
  int          *batch_idx;      /* (T, B) */
  double       *batch_err;      /* (T) */
  double       *eta;            /* (T) the learning rate each step used */
  gboolean     *overridden;     /* (T) Φ_t came from an edit, not the teacher */
  dd_real      *phi_W;          /* (T, R, C) */
  dd_real      *phi_b;          /* (T, C) */
  /* trajectory */
  int           n_ckpt;
  dd_real      *ckpt;           /* (n_ckpt, P) ω, then (n_ckpt, P) v when ρ > 0 */
  dd_real      *seg;            /* (k, P) */
  dd_real      *end_w, *end_v;  /* ω_T, v_T kept across the reverse pass */
  dd_real      *w0;             /* episodic start */

  /* edits */
  dd_real      *override_W, *override_b; /* Φ to use instead of the teacher's */
  int           override_left;           /* steps it still applies to */
  int           pending_window;          /* takes effect when the next window begins */
  DdTeacherKind pending_kind;
  gboolean      kind_pending;
  const gint   *cancel;                  /* set by another thread to abandon a reverse pass */

  /* reverse-pass vectors */
  dd_real      *dw, *dv, *vt, *hv, *dW, *db;
  double        last_ce;        /* the cross-entropy of the last step's batch */
};

/* dev examples evaluated per forward: images in chunks of 256, sentences of 32 */
static int
eval_chunk (const DdTeachConfig *cfg)
{
  return cfg->student.net.kind == DD_STUDENT_SEQ2SEQ ? 32 : 256;
}

void
dd_teach_config_init (DdTeachConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  dd_train_config_init (&cfg->student);
  cfg->student.loss = DD_LOSS_DLF;
  cfg->student.batch = 20;
  cfg->student.lr = 0.01;
  cfg->student.momentum = 0.0;
  cfg->teacher = DD_TEACHER_GATED;
  cfg->teacher_optimizer = DD_OPTIM_SGD;
  cfg->teacher_lr = 0.01;
  cfg->teacher_momentum = 0.0;
  cfg->protocol = DD_PROTOCOL_EPISODIC;
  cfg->window = 200;
  cfg->meta_iterations = 100;
  cfg->pretrain_steps = 1000;
  cfg->objective = DD_OBJECTIVE_SMOOTH_ERROR;
  cfg->dev_subsample = 5000;
  cfg->checkpoint_every = 0;
  cfg->start = dd_phi_start_default ();
  cfg->teacher_step = DD_TEACHER_STEP_TRUST;
  cfg->trust_radius = 0.3;
  cfg->holdout = 0;
  cfg->accept_tolerance = -1.0;
  cfg->anchor_every = 1;
  cfg->episode_steps = 0;
  cfg->shadow = TRUE;
  cfg->shadow_patience = 3;
}

const char *
dd_update_verdict_name (DdUpdateVerdict verdict)
{
  switch (verdict)
    {
    case DD_UPDATE_TAKEN:    return "taken";
    case DD_UPDATE_ACCEPTED: return "accepted";
    case DD_UPDATE_REJECTED: return "rejected";
    case DD_UPDATE_FALLBACK: return "fallback";
    case DD_UPDATE_NONE:
    default:                 return "none";
    }
}

gboolean
dd_teach_config_validate (const DdTeachConfig *cfg, GError **error)
{
  DdTrainConfig student = cfg->student;

  /* the student's step count is decided here, not by epochs */
  student.steps = 1;
  if (!dd_train_config_validate (&student, error))
    return FALSE;
  if (cfg->student.optimizer != DD_OPTIM_SGD)
    DD_REFUSE ("the taught student must use SGD (with momentum): the reverse pass differentiates that update");
  if (cfg->teacher != DD_TEACHER_FIXED && cfg->teacher != DD_TEACHER_GATED &&
      cfg->teacher != DD_TEACHER_NEURAL)
    DD_REFUSE ("teacher kind %d: unknown; choose fixed, gated or neural", (int) cfg->teacher);
  if (!(cfg->teacher_lr > 0.0) || !isfinite (cfg->teacher_lr))
    DD_REFUSE ("teacher learning rate %g: must be a positive finite number", cfg->teacher_lr);
  if (!(cfg->teacher_momentum >= 0.0 && cfg->teacher_momentum < 1.0))
    DD_REFUSE ("teacher momentum %g: must be in [0, 1)", cfg->teacher_momentum);
  if (cfg->teacher_optimizer != DD_OPTIM_SGD && cfg->teacher_optimizer != DD_OPTIM_ADAM)
    DD_REFUSE ("teacher optimizer %d: unknown; choose sgd, momentum or adam", (int) cfg->teacher_optimizer);
  if (cfg->window < 1 || cfg->window > 100000)
    DD_REFUSE ("window T = %d: must be from 1 to 100000 steps", cfg->window);
  if (cfg->meta_iterations < 0)
    DD_REFUSE ("meta-iterations %d: must not be negative", cfg->meta_iterations);
  if (cfg->protocol == DD_PROTOCOL_EPISODIC && cfg->meta_iterations == 0)
    DD_REFUSE ("meta-iterations: the episodic protocol needs at least 1");
  if (cfg->protocol != DD_PROTOCOL_EPISODIC && cfg->protocol != DD_PROTOCOL_CONTINUAL)
    DD_REFUSE ("protocol %d: unknown; choose episodic or continual", (int) cfg->protocol);
  if (cfg->pretrain_steps < 0)
    DD_REFUSE ("warm-up steps %" G_GINT64_FORMAT ": must not be negative", cfg->pretrain_steps);
  if (cfg->objective != DD_OBJECTIVE_SMOOTH_ERROR && cfg->objective != DD_OBJECTIVE_DEV_CE)
    DD_REFUSE ("objective %d: unknown; choose smooth-error or dev-ce", (int) cfg->objective);
  if (cfg->dev_subsample < 0)
    DD_REFUSE ("dev subsample %d: must not be negative", cfg->dev_subsample);
  if (cfg->checkpoint_every < 0 || cfg->checkpoint_every > cfg->window)
    DD_REFUSE ("checkpoint every %d steps: must be from 1 to the window (%d), or 0 for automatic",
            cfg->checkpoint_every, cfg->window);
  if (cfg->arm != DD_ARM_TAUGHT && cfg->arm != DD_ARM_FROZEN_TEACHER &&
      cfg->arm != DD_ARM_BASELINE_CE)
    DD_REFUSE ("arm kind %d: unknown", (int) cfg->arm);
  if (cfg->arm != DD_ARM_TAUGHT && cfg->protocol == DD_PROTOCOL_EPISODIC)
    DD_REFUSE ("a baseline or frozen-teacher arm trains once: use the continual protocol");
  if (cfg->horizon < 0)
    DD_REFUSE ("horizon %" G_GINT64_FORMAT ": must not be negative", cfg->horizon);
  if (cfg->baseline_loss != DD_LOSS_CE && cfg->baseline_loss != DD_LOSS_SMOOTH &&
      cfg->baseline_loss != DD_LOSS_MARGIN)
    DD_REFUSE ("baseline loss %d: choose ce, smooth or margin", (int) cfg->baseline_loss);
  if (cfg->start.form != DD_PHI_NORMALISED && cfg->start.form != DD_PHI_PAPER)
    DD_REFUSE ("loss form %d: unknown; choose normalised or paper", (int) cfg->start.form);
  if (cfg->start.form == DD_PHI_NORMALISED &&
      !(cfg->start.epsilon > 0.0 && cfg->start.epsilon <= 100.0))
    DD_REFUSE ("the loss's starting scale ε₀ = %g: must be in (0, 100]", cfg->start.epsilon);
  if (cfg->teacher_step != DD_TEACHER_STEP_TRUST && cfg->teacher_step != DD_TEACHER_STEP_PLAIN)
    DD_REFUSE ("teacher step %d: unknown; choose trust or plain", (int) cfg->teacher_step);
  if (cfg->teacher_step == DD_TEACHER_STEP_TRUST &&
      (!(cfg->trust_radius > 0.0) || !isfinite (cfg->trust_radius)))
    DD_REFUSE ("trust radius %g: must be a positive finite number", cfg->trust_radius);
  if (cfg->holdout < 0)
    DD_REFUSE ("held-out dev examples %d: must not be negative", cfg->holdout);
  if (!isfinite (cfg->accept_tolerance))
    DD_REFUSE ("acceptance tolerance %g: must be finite", cfg->accept_tolerance);
  if (cfg->anchor_every < 0)
    DD_REFUSE ("anchor test every %d windows: must not be negative", cfg->anchor_every);
  if (cfg->shadow_patience < 0)
    DD_REFUSE ("shadow patience %d windows: must not be negative", cfg->shadow_patience);
  if (cfg->episode_steps < 0 || (cfg->episode_steps > 0 && cfg->episode_steps % cfg->window != 0))
    DD_REFUSE ("episode of %" G_GINT64_FORMAT " steps: must be a positive multiple of the window "
               "T = %d, or 0 for one window", cfg->episode_steps, cfg->window);
  return TRUE;
}

gboolean
dd_objective_parse (const char *name, DdObjective *out)
{
  if (g_strcmp0 (name, "smooth-error") == 0)
    *out = DD_OBJECTIVE_SMOOTH_ERROR;
  else if (g_strcmp0 (name, "dev-ce") == 0)
    *out = DD_OBJECTIVE_DEV_CE;
  else
    return FALSE;
  return TRUE;
}

const char *
dd_objective_name (DdObjective objective)
{
  return objective == DD_OBJECTIVE_DEV_CE ? "dev-ce" : "smooth-error";
}

gboolean
dd_protocol_parse (const char *name, DdProtocol *out)
{
  if (g_strcmp0 (name, "episodic") == 0)
    *out = DD_PROTOCOL_EPISODIC;
  else if (g_strcmp0 (name, "continual") == 0)
    *out = DD_PROTOCOL_CONTINUAL;
  else
    return FALSE;
  return TRUE;
}

const char *
dd_protocol_name (DdProtocol protocol)
{
  return protocol == DD_PROTOCOL_CONTINUAL ? "continual" : "episodic";
}

/* episodic with episodes of whole training runs */
static gboolean
shadowed (const DdTeach *tc)
{
  return tc->cfg.shadow && tc->cfg.arm == DD_ARM_TAUGHT &&
         tc->cfg.protocol == DD_PROTOCOL_CONTINUAL &&
         tc->cfg.teacher_step == DD_TEACHER_STEP_TRUST;
}

static gboolean
whole_episodes (const DdTeach *tc)
{
  return tc->cfg.protocol == DD_PROTOCOL_EPISODIC && tc->cfg.episode_steps > tc->cfg.window;
}

static int
auto_checkpoint_every (int T)
{
  int k = (int) ceil (sqrt ((double) T));
  return CLAMP (k, 1, T);
}

static int
n_checkpoints (int T, int k)
{
  return (T + k - 1) / k;
}

DdTeach *
dd_teach_new (const DdTeachConfig *cfg, const DdData *data, GError **error)
{
  g_return_val_if_fail (cfg != NULL && data != NULL, NULL);

  if (!dd_teach_config_validate (cfg, error))
    return NULL;
  DdTeach *tc = g_new0 (DdTeach, 1);
  tc->cfg = *cfg;
  tc->data = data;
  tc->B = cfg->student.batch;
  tc->T = cfg->window;
  tc->k = cfg->checkpoint_every > 0 ? cfg->checkpoint_every : auto_checkpoint_every (tc->T);
  if (tc->cfg.horizon == 0)
    tc->cfg.horizon = (gint64) tc->T * (cfg->meta_iterations > 0 ? cfg->meta_iterations : 100);

  dd_rng_seed (&tc->rng, cfg->student.seed);
  tc->st = dd_student_new (&cfg->student, data, MAX (tc->B, eval_chunk (cfg)), &tc->rng, error);
  if (tc->st == NULL)
    {
      g_free (tc);
      return NULL;
    }
  tc->n_train = dd_student_n_examples (tc->st, DD_SPLIT_TRAIN);
  if (tc->n_train < tc->B)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "batch size %d: larger than the %d training examples of %s",
                   cfg->student.batch, tc->n_train, data->name);
      dd_student_free (tc->st);
      g_free (tc);
      return NULL;
    }
  tc->C = tc->st->C;
  tc->R = tc->st->R;
  tc->P = tc->st->P;
  tc->sopt = dd_optim_new (DD_OPTIM_SGD, tc->P, cfg->student.lr, cfg->student.momentum);
  /* the teacher draws from its own stream, so that every arm of one seed
   * gets the same student and the same minibatches */
  DdRng teacher_rng;
  dd_rng_seed (&teacher_rng, cfg->student.seed ^ G_GUINT64_CONSTANT (0x7eac4e5d1dac71c));
  tc->st->phi_form = cfg->start.form;
  tc->st->fixed_loss = cfg->baseline_loss;
  tc->teacher = dd_teacher_new_full (cfg->teacher, tc->st->shape, &cfg->start, tc->C,
                                     cfg->teacher_hidden, &teacher_rng, error);
  if (tc->teacher == NULL)
    {
      dd_teach_free (tc);
      return NULL;
    }
  tc->init_teacher = dd_teacher_copy (tc->teacher);
  tc->radius = cfg->trust_radius;
  tc->topt = dd_optim_new (cfg->teacher_optimizer, tc->teacher->n_params, cfg->teacher_lr,
                           cfg->teacher_optimizer == DD_OPTIM_SGD ? cfg->teacher_momentum : 0.0);
  tc->best_dev_error = INFINITY;

  const int n_dev = dd_student_n_examples (tc->st, DD_SPLIT_DEV);
  tc->n_dev = cfg->dev_subsample > 0 ? MIN (cfg->dev_subsample, n_dev) : n_dev;
  if (whole_episodes (tc) || (cfg->teacher_step == DD_TEACHER_STEP_TRUST && cfg->arm == DD_ARM_TAUGHT))
    {
      if (tc->n_dev >= n_dev)
        tc->n_dev = n_dev / 2;   /* no dev example left over: split in halves */
      const int rest = n_dev - tc->n_dev;
      /* the shadow's comparison needs examples that no teacher step was
       * chosen on: the held-out ones select the accepted steps */
      tc->n_hold = MIN (shadowed (tc) ? rest / 2 : rest, cfg->holdout > 0 ? cfg->holdout : tc->n_dev);
      tc->n_guard = shadowed (tc) ? rest - tc->n_hold : 0;
      if (tc->n_dev < 1 || tc->n_hold < 1)
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                       "the trust step needs dev examples for the objective and held-out ones "
                       "for its acceptance test; %s has %d dev examples", data->name, n_dev);
          dd_teach_free (tc);
          return NULL;
        }
      /* about HOLDOUT_BLOCKS blocks, so that the paired standard error is
       * estimated from enough differences whatever the held-out size */
      tc->block = CLAMP ((tc->n_hold + HOLDOUT_BLOCKS - 1) / HOLDOUT_BLOCKS, 1,
                         dd_student_max_block (tc->st));
      tc->n_blocks = (tc->n_hold + tc->block - 1) / tc->block;
      tc->hold_before = g_new (double, tc->n_blocks);
      tc->hold_after = g_new (double, tc->n_blocks);
      tc->hold_anchor = g_new (double, tc->n_blocks);
      if (shadowed (tc))
        {
          if (tc->n_guard < 1)
            {
              g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                           "the shadow needs dev examples of its own after the %d of the "
                           "objective and the %d held out; %s has %d (choose a smaller "
                           "holdout, or no shadow)", tc->n_dev, tc->n_hold, data->name, n_dev);
              dd_teach_free (tc);
              return NULL;
            }
          tc->gblock = CLAMP ((tc->n_guard + HOLDOUT_BLOCKS - 1) / HOLDOUT_BLOCKS, 1,
                              dd_student_max_block (tc->st));
          tc->n_gblocks = (tc->n_guard + tc->gblock - 1) / tc->gblock;
          tc->hold_shadow = g_new (double, tc->n_gblocks);
          tc->hold_live = g_new (double, tc->n_gblocks);
          tc->shadow_w = g_new (dd_real, tc->P);
          if (cfg->student.momentum > 0.0)
            tc->shadow_v = g_new (dd_real, tc->P);
        }
    }
  tc->eval = dd_eval_new (tc->C);

  tc->order = g_new (int, tc->n_train);
  for (int i = 0; i < tc->n_train; i++)
    tc->order[i] = i;
  tc->pos = tc->n_train;

  const int C = tc->C, R = tc->R, T = tc->T;
  tc->snap_class_acc = g_new0 (double, C);
  tc->snap_class_margin = g_new0 (double, C);
  tc->batch_idx = g_new (int, (size_t) T * tc->B);
  tc->batch_err = g_new (double, T);
  tc->eta = g_new (double, T);
  tc->overridden = g_new0 (gboolean, T);
  tc->pending_window = T;
  tc->phi_W = g_new (dd_real, (size_t) T * R * C);
  tc->phi_b = g_new (dd_real, (size_t) T * C);
  tc->dW = g_new (dd_real, (size_t) R * C);
  tc->db = g_new (dd_real, C);
  tc->trial_W = g_new (dd_real, (size_t) R * C);
  tc->trial_b = g_new (dd_real, C);
  tc->theta_saved = g_new (dd_real, tc->teacher->n_params);
  if (whole_episodes (tc))
    {
      const size_t n = tc->teacher->n_params;
      tc->ep_grad = g_new0 (dd_real, n);
      tc->ep_best_theta = g_new (dd_real, n);
      tc->ep_best_grad = g_new (dd_real, n);
      tc->ep_best_hold = g_new (double, tc->n_blocks);
    }
  return tc;
}

static void
free_trajectory (DdTeach *tc)
{
  g_clear_pointer (&tc->ckpt, g_free);
  g_clear_pointer (&tc->seg, g_free);
  g_clear_pointer (&tc->end_w, g_free);
  g_clear_pointer (&tc->end_v, g_free);
  g_clear_pointer (&tc->dw, g_free);
  g_clear_pointer (&tc->dv, g_free);
  g_clear_pointer (&tc->vt, g_free);
  g_clear_pointer (&tc->hv, g_free);
}

void
dd_teach_free (DdTeach *tc)
{
  if (tc == NULL)
    return;
  free_trajectory (tc);
  dd_student_free (tc->st);
  dd_optim_free (tc->sopt);
  dd_teacher_free (tc->teacher);
  dd_optim_free (tc->topt);
  dd_teacher_free (tc->best_teacher);
  dd_teacher_free (tc->init_teacher);
  g_free (tc->hold_before);
  g_free (tc->hold_after);
  g_free (tc->hold_anchor);
  g_free (tc->hold_shadow);
  g_free (tc->hold_live);
  g_free (tc->shadow_w);
  g_free (tc->shadow_v);
  g_free (tc->trial_W);
  g_free (tc->trial_b);
  g_free (tc->theta_saved);
  g_free (tc->ep_grad);
  g_free (tc->ep_best_theta);
  g_free (tc->ep_best_grad);
  g_free (tc->ep_best_hold);
  g_free (tc->ep_order);
  g_free (tc->best_params);
  dd_student_free (tc->best_student);
  dd_eval_free (tc->eval);
  g_free (tc->order);
  g_free (tc->snap_class_acc);
  g_free (tc->snap_class_margin);
  g_free (tc->batch_idx);
  g_free (tc->batch_err);
  g_free (tc->eta);
  g_free (tc->overridden);
  g_free (tc->override_W);
  g_free (tc->override_b);
  g_free (tc->phi_W);
  g_free (tc->phi_b);
  g_free (tc->w0);
  g_free (tc->dW);
  g_free (tc->db);
  g_free (tc);
}

/* --- trajectory storage --------------------------------------------------- */

static gboolean
keeps_velocity (const DdTeach *tc)
{
  return tc->cfg.student.momentum > 0.0;
}

size_t
dd_teach_trajectory_bytes (const DdTeach *tc, int k)
{
  if (k <= 0)
    k = tc->k;
  size_t vecs = (size_t) n_checkpoints (tc->T, k) * (keeps_velocity (tc) ? 2 : 1)
                + (size_t) (k > 1 ? k : 0)      /* a replayed segment */
                + (keeps_velocity (tc) ? 2 : 1); /* ω_T (and v_T) kept across the pass */
  return vecs * tc->P * sizeof (dd_real);
}

static void
ensure_trajectory (DdTeach *tc, int k)
{
  size_t P = tc->P;
  int n = n_checkpoints (tc->T, k);

  if (tc->ckpt != NULL && tc->n_ckpt == n && (tc->seg != NULL) == (k > 1))
    return;
  free_trajectory (tc);
  tc->n_ckpt = n;
  tc->ckpt = g_new (dd_real, (size_t) n * P * (keeps_velocity (tc) ? 2 : 1));
  tc->seg = k > 1 ? g_new (dd_real, (size_t) k * P) : NULL;
  tc->end_w = g_new (dd_real, P);
  tc->end_v = keeps_velocity (tc) ? g_new (dd_real, P) : NULL;
  tc->dw = g_new (dd_real, P);
  tc->dv = g_new (dd_real, P);
  tc->vt = g_new (dd_real, P);
  tc->hv = g_new (dd_real, P);
}

static void
save_checkpoint (DdTeach *tc, int c)
{
  size_t P = tc->P;
  memcpy (tc->ckpt + (size_t) c * P, tc->st->params, P * sizeof (dd_real));
  if (keeps_velocity (tc))
    memcpy (tc->ckpt + ((size_t) tc->n_ckpt + c) * P, tc->sopt->m, P * sizeof (dd_real));
}

static void
load_checkpoint (DdTeach *tc, int c)
{
  size_t P = tc->P;
  memcpy (tc->st->params, tc->ckpt + (size_t) c * P, P * sizeof (dd_real));
  if (keeps_velocity (tc))
    memcpy (tc->sopt->m, tc->ckpt + ((size_t) tc->n_ckpt + c) * P, P * sizeof (dd_real));
  else
    memset (tc->sopt->m, 0, P * sizeof (dd_real));
}

/* --- one student step ------------------------------------------------------ */

static void
draw_batch (DdTeach *tc, int *idx)
{
  if (tc->pos + tc->B > tc->n_train)
    {
      dd_rng_shuffle (&tc->rng, tc->order, tc->n_train);
      tc->pos = 0;
    }
  memcpy (idx, tc->order + tc->pos, sizeof (int) * tc->B);
  tc->pos += tc->B;
}

static double
progress_at (const DdTeach *tc, int t)
{
  if (whole_episodes (tc))
    return (double) (tc->ep_windows * tc->T + t) / (double) tc->cfg.episode_steps;
  if (tc->cfg.protocol == DD_PROTOCOL_EPISODIC)
    return (double) t / tc->T;
  double p = (double) (tc->taught_at_window_start + t) / (double) tc->cfg.horizon;
  return MIN (p, 1.0);
}

static void
state_at (const DdTeach *tc, int t, double err, DdTeacherState *s)
{
  s->n_classes = tc->C;
  s->progress = progress_at (tc, t);
  s->batch_error = err;
  s->train_loss = tc->snap_train_loss;
  s->train_error = tc->snap_train_error;
  s->dev_error = tc->snap_dev_error;
  s->class_accuracy = tc->snap_class_acc;
  s->class_margin = tc->snap_class_margin;
}

#define DIVERGED(...) \
  G_STMT_START { \
    g_set_error (error, DD_ERROR, DD_ERROR_DIVERGED, __VA_ARGS__); \
    return FALSE; \
  } G_STMT_END

/* The update ω ← ω − η·(ρ·v + g) with the gradient in net->grads, refusing
 * a non-finite result; on refusal ω and v are as before. */
static gboolean
apply_update (DdTeach *tc, gint64 step_no, GError **error)
{
  DdStudent *st = tc->st;
  double g2 = dot ((int) tc->P, st->grads, 1, st->grads, 1);

  if (!isfinite (g2))
    DIVERGED ("step %" G_GINT64_FORMAT ": the gradient of the student's weights holds a NaN "
              "or Inf; stopped before the update", step_no);
  /* the new weights are finite if the step is: |η·(ρv + g)| bounded */
  double rho = tc->cfg.student.momentum;
  double v2 = rho > 0 ? dot ((int) tc->P, tc->sopt->m, 1, tc->sopt->m, 1) : 0.0;
  double bound = tc->sopt->lr * (rho * sqrt (v2) + sqrt (g2));
  if (!isfinite (bound) || bound > 1e30)
    DIVERGED ("step %" G_GINT64_FORMAT ": the student's update has norm %g; the weights would "
              "overflow; stopped before the update", step_no, bound);
  dd_optim_step (tc->sopt, st->params, st->grads);
  return TRUE;
}

/* Step t of the window on batch_idx[t]. Live (replay FALSE, trial NULL):
 * with the teacher, Φ_t = μ_θ(s_t) is computed and recorded. Replay: the
 * recorded Φ_t and learning rate are used. Trial (replay TRUE and a trial
 * teacher): Φ_t comes from the trial teacher instead, except at steps whose
 * Φ_t was an edit, and nothing is recorded. */
static gboolean
window_step_with (DdTeach *tc, int t, gboolean replay, const DdTeacher *trial,
                  double *loss_out, GError **error)
{
  const int B = tc->B, C = tc->C, RC = tc->R * tc->C;
  const int *idx = tc->batch_idx + (size_t) t * B;
  dd_real *W = tc->phi_W + (size_t) t * RC, *b = tc->phi_b + (size_t) t * C;
  gint64 step_no = tc->step + 1;

  if (trial != NULL && !tc->overridden[t])
    {
      DdTeacherState s;
      state_at (tc, t, tc->batch_err[t], &s);
      W = tc->trial_W;
      b = tc->trial_b;
      dd_teacher_forward (trial, &s, W, b);
      if (!dd_all_finite (W, (size_t) RC) || !dd_all_finite (b, C))
        DIVERGED ("step %" G_GINT64_FORMAT ": the tried teacher's coefficients Φ hold a NaN "
                  "or Inf", step_no);
    }

  dd_set_threads (tc->cfg.student.threads);
  double err = dd_student_forward (tc->st, DD_SPLIT_TRAIN, idx, B);
  if (!replay)
    tc->batch_err[t] = err;
  if (!replay)
    {
      if (tc->cfg.student.cosine)
        {
          /* ½(1 + cos(π·τ/horizon)) over the taught steps τ; the warm-up is
           * constant. The rate of each step is recorded, so the replays and
           * the reverse pass use the same. */
          const double tau = tc->cfg.protocol == DD_PROTOCOL_CONTINUAL
            ? (double) (tc->taught_at_window_start + t) / (double) tc->cfg.horizon
            : progress_at (tc, t);  /* episodic: over the episode */
          tc->sopt->lr = tc->cfg.student.lr * 0.5 * (1.0 + cos (G_PI * MIN (tau, 1.0)));
        }
      tc->eta[t] = tc->sopt->lr;
      tc->overridden[t] = FALSE;
    }
  else
    tc->sopt->lr = tc->eta[t];
  if (!replay && tc->cfg.arm != DD_ARM_BASELINE_CE && tc->override_left > 0)
    {
      memcpy (W, tc->override_W, sizeof (dd_real) * RC);
      memcpy (b, tc->override_b, sizeof (dd_real) * C);
      tc->overridden[t] = TRUE;
    }
  else if (!replay && tc->cfg.arm != DD_ARM_BASELINE_CE)
    {
      DdTeacherState s;
      state_at (tc, t, tc->batch_err[t], &s);
      dd_teacher_forward (tc->teacher, &s, W, b);
      if (!dd_all_finite (W, (size_t) RC) || !dd_all_finite (b, C))
        DIVERGED ("step %" G_GINT64_FORMAT ": the teacher's coefficients Φ hold a NaN or Inf; "
                  "stopped before the step", step_no);
    }
  const gboolean ce_only = tc->cfg.arm == DD_ARM_BASELINE_CE;
  double ce;
  double value = dd_student_backward (tc->st, ce_only ? NULL : W, ce_only ? NULL : b,
                                      replay ? NULL : &ce);
  if (!isfinite (value))
    DIVERGED ("step %" G_GINT64_FORMAT ": the training loss is %g; stopped before the update",
              step_no, value);
  if (!apply_update (tc, step_no, error))
    return FALSE;
  if (loss_out)
    *loss_out = value;
  if (!replay)
    tc->last_ce = ce;
  return TRUE;
}

static gboolean
window_step (DdTeach *tc, int t, gboolean replay, double *loss_out, GError **error)
{
  return window_step_with (tc, t, replay, NULL, loss_out, error);
}

static gboolean
pretrain_step (DdTeach *tc, double *loss_out, double *err_out, GError **error)
{
  g_autofree int *idx = g_new (int, tc->B);

  dd_set_threads (tc->cfg.student.threads);
  draw_batch (tc, idx);
  *err_out = dd_student_forward (tc->st, DD_SPLIT_TRAIN, idx, tc->B);
  /* the warm-up is cross-entropy for every arm, whatever its own loss */
  const DdLossKind own = tc->st->fixed_loss;
  tc->st->fixed_loss = DD_LOSS_CE;
  double value = dd_student_backward (tc->st, NULL, NULL, NULL);
  tc->st->fixed_loss = own;
  if (!isfinite (value))
    DIVERGED ("step %" G_GINT64_FORMAT ": the warm-up loss is %g", tc->step + 1, value);
  if (!apply_update (tc, tc->step + 1, error))
    return FALSE;
  *loss_out = value;
  return TRUE;
}

/* --- windows ---------------------------------------------------------------- */

static void
take_snapshot (DdTeach *tc)
{
  dd_set_threads (tc->cfg.student.threads);
  dd_student_evaluate (tc->st, DD_SPLIT_DEV, tc->n_dev, tc->eval);
  tc->snap_dev_error = 1.0 - tc->eval->accuracy;
  memcpy (tc->snap_class_acc, tc->eval->class_accuracy, sizeof (double) * tc->C);
  memcpy (tc->snap_class_margin, tc->eval->class_margin, sizeof (double) * tc->C);
  if (tc->run_n > 0)
    {
      tc->snap_train_loss = tc->run_ce / tc->run_n;
      tc->snap_train_error = tc->run_err / tc->run_n;
    }
  else
    {
      tc->snap_train_loss = tc->eval->loss;
      tc->snap_train_error = 1.0 - tc->eval->accuracy;
    }
  tc->have_snapshot = TRUE;
}

static void
resize_window (DdTeach *tc, int T)
{
  const int C = tc->C, RC = tc->R * tc->C;

  tc->T = T;
  tc->k = tc->cfg.checkpoint_every > 0 ? MIN (tc->cfg.checkpoint_every, T)
                                       : auto_checkpoint_every (T);
  tc->cfg.window = T;
  tc->batch_idx = g_renew (int, tc->batch_idx, (size_t) T * tc->B);
  tc->batch_err = g_renew (double, tc->batch_err, T);
  tc->eta = g_renew (double, tc->eta, T);
  tc->overridden = g_renew (gboolean, tc->overridden, T);
  tc->phi_W = g_renew (dd_real, tc->phi_W, (size_t) T * RC);
  tc->phi_b = g_renew (dd_real, tc->phi_b, (size_t) T * C);
  free_trajectory (tc);
}

static void
begin_window (DdTeach *tc)
{
  if (tc->pending_window != tc->T)
    resize_window (tc, tc->pending_window);
  if (tc->kind_pending)
    {
      /* a new teacher of the chosen kind, at its initial point Φ₀ (dd_phi_initial) */
      DdRng rng;
      dd_rng_seed (&rng, tc->cfg.student.seed ^ (guint64) tc->step);
      dd_teacher_free (tc->teacher);
      tc->teacher = dd_teacher_new_full (tc->pending_kind, tc->st->shape, &tc->cfg.start, tc->C,
                                         tc->cfg.teacher_hidden, &rng, NULL);
      dd_teacher_free (tc->init_teacher);
      tc->init_teacher = dd_teacher_copy (tc->teacher);
      tc->theta_saved = g_renew (dd_real, tc->theta_saved, tc->teacher->n_params);
      tc->radius = tc->cfg.trust_radius;
      tc->windows_since_anchor = 0;
      dd_optim_free (tc->topt);
      tc->topt = dd_optim_new (tc->cfg.teacher_optimizer, tc->teacher->n_params, tc->cfg.teacher_lr,
                               tc->cfg.teacher_optimizer == DD_OPTIM_SGD ? tc->cfg.teacher_momentum : 0.0);
      tc->cfg.teacher = tc->pending_kind;
      tc->kind_pending = FALSE;
    }
  ensure_trajectory (tc, tc->k);
  if (tc->cfg.protocol == DD_PROTOCOL_EPISODIC)
    {
      if (tc->w0 == NULL)
        {
          /* ω₀: the warm-up's end; every episode starts here with v = 0
           * (and a whole-run episode on the same data order) */
          tc->w0 = g_memdup2 (tc->st->params, tc->P * sizeof (dd_real));
          take_snapshot (tc);
          if (whole_episodes (tc))
            {
              tc->ep_rng = tc->rng;
              tc->ep_order = g_memdup2 (tc->order, sizeof (int) * tc->n_train);
              tc->ep_pos = tc->pos;
            }
        }
    }
  else if (!tc->have_snapshot)
    take_snapshot (tc);
  tc->run_ce = tc->run_err = tc->run_loss = 0.0;
  tc->run_n = 0;
  for (int t = 0; t < tc->T; t++)
    draw_batch (tc, tc->batch_idx + (size_t) t * tc->B);
  tc->taught_at_window_start = MAX (0, tc->step - tc->cfg.pretrain_steps);
  tc->window_begun = TRUE;
}

/* M at the current ω over the dev subsample; with_grad: ∇M into the
 * student's grads. dev_error gets the plain error of the same pass. */
static double
objective (DdTeach *tc, gboolean with_grad, double *dev_error)
{
  dd_set_threads (tc->cfg.student.threads);
  return dd_student_objective (tc->st, tc->cfg.objective == DD_OBJECTIVE_DEV_CE, tc->n_dev,
                               with_grad, dev_error);
}

/* The reverse pass over the window, from ω_T in net->params (and ∇M in
 * net->grads); accumulates dθ into the teacher's grads. Leaves ω_T, v_T in
 * place afterwards. */
static gboolean
reverse_pass (DdTeach *tc, int k, GError **error)
{
  DdStudent *st = tc->st;
  const size_t P = tc->P;
  const int B = tc->B, C = tc->C, RC = tc->R * tc->C, T = tc->T;
  const dd_real rho = (dd_real) tc->cfg.student.momentum;
  const double saved_lr = tc->sopt->lr;
  gint64 saved_step = tc->step;

  memcpy (tc->end_w, st->params, P * sizeof (dd_real));
  if (tc->end_v)
    memcpy (tc->end_v, tc->sopt->m, P * sizeof (dd_real));
  memcpy (tc->dw, st->grads, P * sizeof (dd_real));
  memset (tc->dv, 0, P * sizeof (dd_real));
  dd_teacher_zero_grad (tc->teacher);

  for (int c = n_checkpoints (T, k) - 1; c >= 0; c--)
    {
      int start = c * k, end = MIN (T, start + k);

      /* replay the segment forward to rebuild ω_start … ω_{end−1} */
      load_checkpoint (tc, c);
      if (tc->seg != NULL)
        for (int t = start; t < end; t++)
          {
            memcpy (tc->seg + (size_t) (t - start) * P, st->params, P * sizeof (dd_real));
            if (t + 1 < end && !window_step (tc, t, TRUE, NULL, error))
              return FALSE;
          }

      for (int t = end - 1; t >= start; t--)
        {
          if (tc->cancel != NULL && g_atomic_int_get (tc->cancel))
            {
              tc->step = saved_step;
              tc->sopt->lr = saved_lr;
              memcpy (st->params, tc->end_w, P * sizeof (dd_real));
              if (tc->end_v)
                memcpy (tc->sopt->m, tc->end_v, P * sizeof (dd_real));
              g_set_error (error, DD_ERROR, DD_ERROR_CANCELLED,
                           "step %" G_GINT64_FORMAT ": the reverse pass was cancelled", tc->step);
              return FALSE;
            }
          if (tc->seg != NULL)
            memcpy (st->params, tc->seg + (size_t) (t - start) * P, P * sizeof (dd_real));
          else
            load_checkpoint (tc, t); /* k = 1: every ω_t is a checkpoint */

          /* ṽ = dv − η_t·dω */
          memcpy (tc->vt, tc->dv, P * sizeof (dd_real));
          axpy ((int) P, (dd_real) -tc->eta[t], tc->dw, 1, tc->vt, 1);

          memset (tc->dW, 0, sizeof (dd_real) * RC);
          memset (tc->db, 0, sizeof (dd_real) * C);
          dd_student_hvp (st, tc->batch_idx + (size_t) t * B, B,
                          tc->phi_W + (size_t) t * RC, tc->phi_b + (size_t) t * C,
                          tc->vt, tc->hv, tc->dW, tc->db);

          /* dω += H·ṽ; dv = ρ·ṽ */
          axpy ((int) P, 1, tc->hv, 1, tc->dw, 1);
          for (size_t i = 0; i < P; i++)
            tc->dv[i] = rho * tc->vt[i];

          /* an edited Φ_t did not come from θ: nothing flows back from it */
          if (!tc->overridden[t])
            {
              DdTeacherState s;
              state_at (tc, t, tc->batch_err[t], &s);
              dd_teacher_backward (tc->teacher, &s, tc->dW, tc->db);
            }
        }
    }

  tc->step = saved_step;
  tc->sopt->lr = saved_lr;
  memcpy (st->params, tc->end_w, P * sizeof (dd_real));
  if (tc->end_v)
    memcpy (tc->sopt->m, tc->end_v, P * sizeof (dd_real));
  if (!dd_teacher_params_finite (tc->teacher) ||
      !dd_all_finite (tc->teacher->grads, tc->teacher->n_params))
    DIVERGED ("step %" G_GINT64_FORMAT ": the teacher's gradient dθ holds a NaN or Inf; "
              "the teacher was not updated", tc->step);
  return TRUE;
}

static double
teacher_grad_norm (const DdTeacher *teacher)
{
  double s = 0.0;
  for (size_t i = 0; i < teacher->n_params; i++)
    s += (double) teacher->grads[i] * teacher->grads[i];
  return sqrt (s);
}

/* --- the trust step --------------------------------------------------------- */

/* The held-out objective of the student as it is, per block, added to
 * blocks with weight w. */
static void
measure_holdout (DdTeach *tc, double *blocks, double w)
{
  g_autofree double *m = g_new (double, tc->n_blocks);

  dd_set_threads (tc->cfg.student.threads);
  dd_student_measure_blocks (tc->st, tc->cfg.objective == DD_OBJECTIVE_DEV_CE, tc->n_dev,
                             tc->n_hold, tc->block, m);
  for (int k = 0; k < tc->n_blocks; k++)
    blocks[k] += w * m[k];
}

/* the shadow's comparison: the objective in blocks over the guard examples */
static void
measure_guard (DdTeach *tc, double *blocks)
{
  dd_set_threads (tc->cfg.student.threads);
  dd_student_measure_blocks (tc->st, tc->cfg.objective == DD_OBJECTIVE_DEV_CE,
                             tc->n_dev + tc->n_hold, tc->n_guard, tc->gblock, blocks);
}

/* The acceptance test compares two trajectories through the same window by
 * their held-out objective averaged over the window's end and up to three
 * checkpoints of its second half: a single end point is as much the luck
 * of the last few minibatches as the loss that led there. Checkpoint c holds
 * ω after c·k steps. */
#define MAX_MEASURE_POINTS 4

static int
measure_points (const DdTeach *tc, int *ckpts)
{
  int n = 0, first = (tc->n_ckpt + 1) / 2, last = tc->n_ckpt - 1;

  for (int i = 0; i < MAX_MEASURE_POINTS - 1 && first <= last && first > 0; i++)
    {
      int c = first + (last - first) * i / MAX (1, MAX_MEASURE_POINTS - 2);
      if (n == 0 || c != ckpts[n - 1])
        ckpts[n++] = c;
    }
  return n;
}

/* the student back at ω_T, v_T of the window as it ran (kept in end_w,
 * end_v by the reverse pass) */
static void
restore_window_end (DdTeach *tc)
{
  memcpy (tc->st->params, tc->end_w, tc->P * sizeof (dd_real));
  if (tc->end_v)
    memcpy (tc->sopt->m, tc->end_v, tc->P * sizeof (dd_real));
}

/* the held-out objective averaged over the measure points of the window just
 * run (its checkpoints and ω_T, which is where the student is left) */
static void
measure_window (DdTeach *tc, double *blocks)
{
  int ckpts[MAX_MEASURE_POINTS];
  const int n = measure_points (tc, ckpts);
  const double w = 1.0 / (n + 1);

  memset (blocks, 0, sizeof (double) * tc->n_blocks);
  for (int i = 0; i < n; i++)
    {
      load_checkpoint (tc, ckpts[i]);
      measure_holdout (tc, blocks, w);
    }
  restore_window_end (tc);
  measure_holdout (tc, blocks, w);
}

/* Replays the window from its start checkpoint with the trial teacher's Φ,
 * measures the held-out objective as measure_window does, and puts the
 * student back at ω_T, v_T (kept in end_w, end_v by the reverse pass).
 * FALSE when the trial diverged (the blocks are then +Inf): a step that
 * diverges is rejected, not an error of the run. */
static gboolean
trial_window (DdTeach *tc, const DdTeacher *trial, double *blocks)
{
  const double saved_lr = tc->sopt->lr;
  int ckpts[MAX_MEASURE_POINTS];
  const int n = measure_points (tc, ckpts);
  const double w = 1.0 / (n + 1);
  gboolean ok = TRUE;
  int next = 0;

  memset (blocks, 0, sizeof (double) * tc->n_blocks);
  load_checkpoint (tc, 0);
  for (int t = 0; t < tc->T && ok; t++)
    {
      ok = window_step_with (tc, t, TRUE, trial, NULL, NULL);
      if (ok && next < n && t + 1 == ckpts[next] * tc->k)
        {
          measure_holdout (tc, blocks, w);
          next++;
        }
    }
  if (ok)
    measure_holdout (tc, blocks, w);
  for (int k = 0; k < tc->n_blocks; k++)
    if (!ok || !isfinite (blocks[k]))
      {
        blocks[k] = INFINITY;
        ok = FALSE;
      }
  tc->sopt->lr = saved_lr;
  restore_window_end (tc);
  return ok;
}

/* The acceptance rule of trust steps and whole-run episodes: the held-out
 * objective changed by mean ± se; kept when mean ≤ tolerance·se, and a
 * negative tolerance asks for a fall (a change of nothing, se = 0, is none). */
static gboolean
accepted_change (const DdTeach *tc, double mean, double se)
{
  const double tol = tc->cfg.accept_tolerance;
  return mean <= tol * se && (mean < 0.0 || tol >= 0.0);
}

/* mean and standard error of after − before over the blocks */
static void
paired_difference (const double *after, const double *before, int n, double *mean, double *se)
{
  double m = 0.0, ss = 0.0;

  for (int k = 0; k < n; k++)
    m += (after[k] - before[k]) / n;
  for (int k = 0; k < n; k++)
    {
      double d = after[k] - before[k] - m;
      ss += d * d;
    }
  *mean = m;
  *se = n > 1 ? sqrt (ss / (n - 1) / n) : 0.0;
}

static double
block_mean (const double *v, int n)
{
  double m = 0.0;
  for (int k = 0; k < n; k++)
    m += v[k] / n;
  return m;
}

/* θ −= r·(dθ in teacher->grads normalised per part of Φ, dd_teacher_param_group):
 * each part with a nonzero hypergradient moves by r/√(parts), so ‖Δθ‖ = r */
static void
normalised_step (DdTeach *tc, DdStepReport *r)
{
  DdTeacher *teacher = tc->teacher;
  const size_t n = teacher->n_params;
  double group_norm[DD_N_PARAM_GROUPS] = { 0 };
  int parts = 0;

  for (size_t i = 0; i < n; i++)
    {
      const double g = teacher->grads[i];
      group_norm[dd_teacher_param_group (teacher, i)] += g * g;
    }
  for (int k = 0; k < DD_N_PARAM_GROUPS; k++)
    {
      group_norm[k] = sqrt (group_norm[k]);
      parts += group_norm[k] > 0.0;
    }
  double predicted = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      const double gn = group_norm[dd_teacher_param_group (teacher, i)];
      if (gn > 0.0)
        {
          const double d = tc->radius / (gn * sqrt ((double) parts)) * teacher->grads[i];
          teacher->params[i] -= (dd_real) d;
          predicted -= d * teacher->grads[i];
        }
    }
  r->step_length = tc->radius;
  r->predicted_change = predicted;
}

/* The trust step from the hypergradient in teacher->grads (not zero): try
 * θ − r·(dθ normalised per part of Φ) on the window, keep it or not; then, every anchor_every
 * windows of a continual arm, test the initial teacher against the current. */
static void
trust_step (DdTeach *tc, DdStepReport *r)
{
  DdTeacher *teacher = tc->teacher;
  const size_t n = teacher->n_params;

  measure_window (tc, tc->hold_before);
  memcpy (tc->theta_saved, teacher->params, n * sizeof (dd_real));
  normalised_step (tc, r);

  double mean, se;
  gboolean finite = trial_window (tc, teacher, tc->hold_after);
  paired_difference (tc->hold_after, tc->hold_before, tc->n_blocks, &mean, &se);
  r->holdout_before = block_mean (tc->hold_before, tc->n_blocks);
  r->holdout_after = block_mean (tc->hold_after, tc->n_blocks);
  r->holdout_se = se;
  const double *current = tc->hold_before;
  if (finite && accepted_change (tc, mean, se))
    {
      r->verdict = DD_UPDATE_ACCEPTED;
      tc->n_accepted++;
      tc->radius = MIN (tc->radius * 1.5, MAX_RADIUS_GROWTH * tc->cfg.trust_radius);
      current = tc->hold_after;
    }
  else
    {
      r->verdict = DD_UPDATE_REJECTED;
      tc->n_rejected++;
      memcpy (teacher->params, tc->theta_saved, n * sizeof (dd_real));
      tc->radius = MAX (tc->radius * 0.5, 1e-4 * tc->cfg.trust_radius);
    }

  if (tc->cfg.protocol != DD_PROTOCOL_CONTINUAL || tc->cfg.anchor_every <= 0 ||
      ++tc->windows_since_anchor < tc->cfg.anchor_every)
    return;
  tc->windows_since_anchor = 0;
  if (memcmp (teacher->params, tc->init_teacher->params, n * sizeof (dd_real)) == 0)
    return;
  if (!trial_window (tc, tc->init_teacher, tc->hold_anchor))
    return;
  paired_difference (tc->hold_anchor, current, tc->n_blocks, &mean, &se);
  if (mean < -2.0 * se)
    {
      memcpy (teacher->params, tc->init_teacher->params, n * sizeof (dd_real));
      dd_optim_reset (tc->topt);
      tc->radius = tc->cfg.trust_radius;
      r->verdict = DD_UPDATE_FALLBACK;
    }
}

/* The shadow: the student that the initial teacher trains on the same
 * minibatches and learning rates, carried from window to window beside the
 * live one (it starts at the first taught window's start). At every
 * window's end it is advanced by replaying the window with Φ₀ (and with the
 * user's edits where there were any), and the two students are compared at
 * their window ends on dev examples of their own (the guard: neither the
 * objective's nor the held-out ones, which choose the accepted steps and
 * so flatter the taught student). When the shadow is better by
 * more than two paired standard errors (at the last window of a bounded
 * run: better at all), the taught arm takes the shadow's student and goes
 * back to the initial teacher. This is what the trust step's one-window
 * tests cannot see: steps that help the window they were tried on and cost
 * more over the thousands of steps after (the short-horizon bias). */
static void
shadow_window (DdTeach *tc, DdStepReport *r)
{
  const size_t P = tc->P;
  const double saved_lr = tc->sopt->lr;
  gboolean ok = TRUE;

  if (tc->shadow_started)
    {
      memcpy (tc->st->params, tc->shadow_w, P * sizeof (dd_real));
      if (tc->shadow_v)
        memcpy (tc->sopt->m, tc->shadow_v, P * sizeof (dd_real));
      else
        memset (tc->sopt->m, 0, P * sizeof (dd_real));
    }
  else
    load_checkpoint (tc, 0);
  for (int t = 0; t < tc->T && ok; t++)
    ok = window_step_with (tc, t, TRUE, tc->init_teacher, NULL, NULL);
  tc->sopt->lr = saved_lr;
  if (ok)
    {
      measure_guard (tc, tc->hold_shadow);
      memcpy (tc->shadow_w, tc->st->params, P * sizeof (dd_real));
      if (tc->shadow_v)
        memcpy (tc->shadow_v, tc->sopt->m, P * sizeof (dd_real));
    }
  restore_window_end (tc);
  if (!ok)
    {
      /* Φ₀ diverged where the teacher did not: the shadow starts again here */
      tc->shadow_started = FALSE;
      return;
    }
  tc->shadow_started = TRUE;

  double mean, se;
  measure_guard (tc, tc->hold_live);
  paired_difference (tc->hold_live, tc->hold_shadow, tc->n_gblocks, &mean, &se);
  r->shadow_gap = mean;
  r->shadow_se = se;
  const gboolean last = tc->cfg.meta_iterations > 0 &&
                        tc->meta_iter + 1 >= tc->cfg.meta_iterations;
  tc->shadow_ahead = mean > 2.0 * se ? tc->shadow_ahead + 1 : 0;
  const int patience = tc->cfg.shadow_patience;
  if ((last && mean > 0.0) || (patience > 0 && tc->shadow_ahead >= patience))
    {
      memcpy (tc->st->params, tc->shadow_w, P * sizeof (dd_real));
      if (tc->shadow_v)
        memcpy (tc->sopt->m, tc->shadow_v, P * sizeof (dd_real));
      memcpy (tc->teacher->params, tc->init_teacher->params,
              tc->teacher->n_params * sizeof (dd_real));
      dd_optim_reset (tc->topt);
      tc->radius = tc->cfg.trust_radius;
      r->verdict = DD_UPDATE_FALLBACK;
      r->took_shadow = TRUE;
      tc->shadow_ahead = 0;
    }
}

/* One window of a whole-run episode has been differentiated (dθ in the
 * teacher's grads): add it to the episode's, and at the episode's end move
 * the teacher. Returns TRUE when the episode is over. */
static gboolean
episode_window (DdTeach *tc, DdStepReport *r)
{
  DdTeacher *teacher = tc->teacher;
  const size_t n = teacher->n_params;

  for (size_t i = 0; i < n; i++)
    tc->ep_grad[i] += teacher->grads[i];
  if ((gint64) ++tc->ep_windows * tc->T < tc->cfg.episode_steps)
    return FALSE;

  tc->ep_windows = 0;
  tc->meta_iter++;
  double *hold = tc->hold_after;
  memset (hold, 0, sizeof (double) * tc->n_blocks);
  measure_holdout (tc, hold, 1.0);
  r->holdout_after = block_mean (hold, tc->n_blocks);
  if (tc->cfg.teacher_step == DD_TEACHER_STEP_PLAIN)
    {
      memcpy (teacher->grads, tc->ep_grad, n * sizeof (dd_real));
      dd_optim_step (tc->topt, teacher->params, teacher->grads);
      r->verdict = DD_UPDATE_TAKEN;
    }
  else
    {
      double mean = -INFINITY, se = 0.0;
      if (tc->ep_have_best)
        {
          paired_difference (hold, tc->ep_best_hold, tc->n_blocks, &mean, &se);
          r->holdout_before = block_mean (tc->ep_best_hold, tc->n_blocks);
          r->holdout_se = se;
        }
      if (!tc->ep_have_best || accepted_change (tc, mean, se))
        {
          if (tc->ep_have_best)
            tc->radius = MIN (tc->radius * 1.5, MAX_RADIUS_GROWTH * tc->cfg.trust_radius);
          tc->ep_have_best = TRUE;
          tc->n_accepted++;
          r->verdict = DD_UPDATE_ACCEPTED;
          memcpy (tc->ep_best_theta, teacher->params, n * sizeof (dd_real));
          memcpy (tc->ep_best_grad, tc->ep_grad, n * sizeof (dd_real));
          memcpy (tc->ep_best_hold, hold, sizeof (double) * tc->n_blocks);
          dd_teacher_free (tc->best_teacher);
          tc->best_teacher = dd_teacher_copy (teacher);
          /* and the student it trained, for the best student's dev error */
          if (tc->best_params == NULL)
            tc->best_params = g_new (dd_real, tc->P);
          memcpy (tc->best_params, tc->st->params, tc->P * sizeof (dd_real));
          g_clear_pointer (&tc->best_student, dd_student_free);
        }
      else
        {
          tc->radius = MAX (tc->radius * 0.5, 1e-4 * tc->cfg.trust_radius);
          tc->n_rejected++;
          r->verdict = DD_UPDATE_REJECTED;
        }
      /* the next episode's θ: a step from the best along its hypergradient */
      memcpy (teacher->params, tc->ep_best_theta, n * sizeof (dd_real));
      memcpy (teacher->grads, tc->ep_best_grad, n * sizeof (dd_real));
      normalised_step (tc, r);
    }
  memset (tc->ep_grad, 0, n * sizeof (dd_real));
  return TRUE;
}

/* the teacher optimiser's step on dθ, untested */
static void
plain_step (DdTeach *tc, DdStepReport *r)
{
  DdTeacher *teacher = tc->teacher;
  double moved = 0.0;

  memcpy (tc->theta_saved, teacher->params, teacher->n_params * sizeof (dd_real));
  dd_optim_step (tc->topt, teacher->params, teacher->grads);
  for (size_t i = 0; i < teacher->n_params; i++)
    {
      const double d = (double) teacher->params[i] - tc->theta_saved[i];
      moved += d * d;
    }
  r->step_length = sqrt (moved);
  r->verdict = DD_UPDATE_TAKEN;
}

static gboolean
end_window (DdTeach *tc, DdStepReport *r, double forward_started, GError **error)
{
  double dev_error, M = 0.0, norm = 0.0;
  double t_mid = dd_now ();

  if (tc->cfg.arm == DD_ARM_TAUGHT)
    {
      M = objective (tc, TRUE, &dev_error);
      t_mid = dd_now ();
      if (!isfinite (M))
        DIVERGED ("step %" G_GINT64_FORMAT ": the dev objective is %g", tc->step, M);
      if (!reverse_pass (tc, tc->k, error))
        return FALSE;
      norm = teacher_grad_norm (tc->teacher);
    }
  else
    M = objective (tc, FALSE, &dev_error);
  double t_end;

  /* keep the teacher and student of the best window so far (before the update);
   * whole-run episodes keep the best episode's teacher instead */
  if (!whole_episodes (tc) && dev_error < tc->best_dev_error)
    {
      tc->best_dev_error = dev_error;
      dd_teacher_free (tc->best_teacher);
      tc->best_teacher = dd_teacher_copy (tc->teacher);
      if (tc->best_params == NULL)
        tc->best_params = g_new (dd_real, tc->P);
      memcpy (tc->best_params, tc->st->params, tc->P * sizeof (dd_real));
      g_clear_pointer (&tc->best_student, dd_student_free);
    }
  r->verdict = DD_UPDATE_NONE;
  r->holdout_before = r->holdout_after = r->holdout_se = r->predicted_change = NAN;
  r->shadow_gap = r->shadow_se = NAN;
  r->took_shadow = FALSE;
  gboolean back_to_w0;
  if (whole_episodes (tc))
    back_to_w0 = episode_window (tc, r);
  else
    {
      if (tc->cfg.arm == DD_ARM_TAUGHT && norm > 0.0)
        {
          if (tc->cfg.teacher_step == DD_TEACHER_STEP_TRUST)
            trust_step (tc, r);
          else
            plain_step (tc, r);
        }
      if (shadowed (tc))
        shadow_window (tc, r);
      tc->meta_iter++;
      back_to_w0 = tc->cfg.protocol == DD_PROTOCOL_EPISODIC;
    }
  t_end = dd_now ();

  r->kind = DD_STEP_WINDOW;
  r->meta_iteration = tc->meta_iter;
  r->window_loss = tc->run_n ? tc->run_loss / tc->run_n : 0.0;
  r->dev_error = dev_error;
  r->dev_measure = M;
  r->teacher_grad_norm = norm;
  r->forward_seconds = t_mid - forward_started;
  r->reverse_seconds = t_end - t_mid;

  if (back_to_w0)
    {
      memcpy (tc->st->params, tc->w0, tc->P * sizeof (dd_real));
      dd_optim_reset (tc->sopt);
      if (whole_episodes (tc))
        {
          /* the next episode sees the same minibatches */
          tc->rng = tc->ep_rng;
          memcpy (tc->order, tc->ep_order, sizeof (int) * tc->n_train);
          tc->pos = tc->ep_pos;
        }
    }
  /* the next window's state: ω_T (continual), or the window after this one
   * or ω₀ again (whole episodes); a one-window episode keeps ω₀'s */
  if (tc->cfg.protocol == DD_PROTOCOL_CONTINUAL || whole_episodes (tc))
    take_snapshot (tc);
  tc->t = 0;
  tc->window_begun = FALSE;
  return TRUE;
}

/* --- public stepping ---------------------------------------------------------- */

gboolean
dd_teach_step (DdTeach *tc, DdStepReport *report, GError **error)
{
  DdStepReport local;
  DdStepReport *r = report ? report : &local;

  memset (r, 0, sizeof *r);
  if (tc->step < tc->cfg.pretrain_steps)
    {
      double loss, err;
      if (!pretrain_step (tc, &loss, &err, error))
        return FALSE;
      tc->step++;
      tc->run_ce += loss;
      tc->run_err += err;
      tc->run_n++;
      r->kind = DD_STEP_PRETRAIN;
      r->step = tc->step;
      r->train_loss = loss;
      r->train_ce = loss;
      r->batch_error = err;
      return TRUE;
    }

  if (!tc->window_begun)
    begin_window (tc);
  if (tc->t >= tc->T)
    {
      /* a window whose close failed before: try again (it fails the same way
       * unless the caller changed something); never step past the records */
      return end_window (tc, r, tc->window_started_at, error);
    }
  if (tc->t == 0)
    tc->window_started_at = dd_now ();
  if (tc->t % tc->k == 0)
    save_checkpoint (tc, tc->t / tc->k);

  double loss;
  int t = tc->t;
  if (!window_step (tc, t, FALSE, &loss, error))
    return FALSE;
  tc->step++;
  tc->t++;
  if (tc->overridden[t])
    tc->override_left--;
  tc->run_loss += loss;
  tc->run_err += tc->batch_err[t];
  /* the cross-entropy of the same batch at ω_t, for the next state snapshot
   * and for comparing arms whose losses differ */
  double ce = tc->last_ce;
  tc->run_ce += ce;
  tc->run_n++;
  r->train_ce = ce;

  r->kind = DD_STEP_TAUGHT;
  r->step = tc->step;
  r->train_loss = loss;
  r->batch_error = tc->batch_err[t];
  if (tc->cfg.arm != DD_ARM_BASELINE_CE)
    {
      r->W = tc->phi_W + (size_t) t * tc->R * tc->C;
      r->b = tc->phi_b + (size_t) t * tc->C;
    }
  if (tc->t == tc->T && !end_window (tc, r, tc->window_started_at, error))
    {
      /* the window stays closed but unrewound: ω_T is the last good state */
      return FALSE;
    }
  return TRUE;
}

gint64
dd_teach_get_step (const DdTeach *tc)
{
  return tc->step;
}

gint64
dd_teach_get_meta_iteration (const DdTeach *tc)
{
  return tc->meta_iter;
}

gboolean
dd_teach_is_done (const DdTeach *tc)
{
  return tc->cfg.meta_iterations > 0 && tc->meta_iter >= tc->cfg.meta_iterations;
}

DdStudent *
dd_teach_get_student (DdTeach *tc)
{
  return tc->st;
}

DdTeacher *
dd_teach_get_teacher (DdTeach *tc)
{
  return tc->teacher;
}

DdTeacher *
dd_teach_get_best_teacher (DdTeach *tc)
{
  return tc->best_teacher ? tc->best_teacher : tc->teacher;
}

DdStudent *
dd_teach_get_best_student (DdTeach *tc)
{
  if (tc->best_params == NULL || tc->cfg.protocol != DD_PROTOCOL_EPISODIC)
    return tc->st;
  if (tc->best_student == NULL)
    {
      tc->best_student = dd_student_copy (tc->st);
      memcpy (tc->best_student->params, tc->best_params, tc->P * sizeof (dd_real));
    }
  return tc->best_student;
}

const dd_real *
dd_teach_get_shadow (const DdTeach *tc)
{
  return tc->shadow_started ? tc->shadow_w : NULL;
}

gboolean
dd_teach_set_teacher (DdTeach *tc, const DdTeacher *teacher, GError **error)
{
  if (teacher->kind != tc->teacher->kind || teacher->n_classes != tc->teacher->n_classes ||
      teacher->n_params != tc->teacher->n_params)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "the %s teacher for %d classes does not fit this run's %s teacher for %d classes",
                   dd_teacher_kind_name (teacher->kind), teacher->n_classes,
                   dd_teacher_kind_name (tc->teacher->kind), tc->teacher->n_classes);
      return FALSE;
    }
  memcpy (tc->teacher->params, teacher->params, teacher->n_params * sizeof (dd_real));
  return TRUE;
}

const DdTeachConfig *
dd_teach_get_config (const DdTeach *tc)
{
  return &tc->cfg;
}

void
dd_teach_get_update_counts (const DdTeach *tc, gint64 *accepted, gint64 *rejected, double *radius)
{
  if (accepted)
    *accepted = tc->n_accepted;
  if (rejected)
    *rejected = tc->n_rejected;
  if (radius)
    *radius = tc->radius;
}

void
dd_teach_initial_phi (const DdTeach *tc, dd_real *W, dd_real *b)
{
  dd_phi_initial (tc->st->shape, &tc->cfg.start, tc->C, W, b);
}

/* --- whole-window evaluation for checks ---------------------------------------- */

static gboolean
at_window_start (DdTeach *tc, GError **error)
{
  if (tc->step < tc->cfg.pretrain_steps || tc->t != 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "not at the start of a taught window (step %" G_GINT64_FORMAT ")", tc->step);
      return FALSE;
    }
  if (!tc->window_begun)
    begin_window (tc);
  return TRUE;
}

/* Unrolls the coming window from its start, saving checkpoints every k. */
static gboolean
unroll_window (DdTeach *tc, int k, GError **error)
{
  gint64 saved_step = tc->step;
  int saved_override = tc->override_left;
  gboolean ok = TRUE;

  for (int t = 0; t < tc->T && ok; t++)
    {
      if (t % k == 0)
        save_checkpoint (tc, t / k);
      ok = window_step (tc, t, FALSE, NULL, error);
      if (ok && tc->overridden[t])
        tc->override_left--;
    }
  tc->step = saved_step;
  tc->override_left = saved_override;
  return ok;
}

gboolean
dd_teach_window_objective (DdTeach *tc, double *M, GError **error)
{
  if (!at_window_start (tc, error))
    return FALSE;
  int k = tc->k;
  ensure_trajectory (tc, k);
  save_checkpoint (tc, 0);
  g_autofree dd_real *w = g_memdup2 (tc->st->params, tc->P * sizeof (dd_real));
  g_autofree dd_real *v = g_memdup2 (tc->sopt->m, tc->P * sizeof (dd_real));
  gboolean ok = unroll_window (tc, k, error);
  if (ok)
    *M = objective (tc, FALSE, NULL);
  memcpy (tc->st->params, w, tc->P * sizeof (dd_real));
  memcpy (tc->sopt->m, v, tc->P * sizeof (dd_real));
  return ok;
}

gboolean
dd_teach_window_hypergradient (DdTeach *tc, int k, double *M, GError **error)
{
  if (!at_window_start (tc, error))
    return FALSE;
  if (k <= 0)
    k = tc->k;
  k = MIN (k, tc->T);
  int saved_k = tc->k;
  tc->k = k;
  ensure_trajectory (tc, k);
  g_autofree dd_real *w = g_memdup2 (tc->st->params, tc->P * sizeof (dd_real));
  g_autofree dd_real *v = g_memdup2 (tc->sopt->m, tc->P * sizeof (dd_real));
  gboolean ok = unroll_window (tc, k, error);
  if (ok)
    {
      *M = objective (tc, TRUE, NULL);
      ok = reverse_pass (tc, k, error);
    }
  memcpy (tc->st->params, w, tc->P * sizeof (dd_real));
  memcpy (tc->sopt->m, v, tc->P * sizeof (dd_real));
  tc->k = saved_k;
  ensure_trajectory (tc, saved_k);
  return ok;
}

/* --- edits and forks --------------------------------------------------------- */

void
dd_teach_override_phi (DdTeach *tc, const dd_real *W, const dd_real *b, int n_steps)
{
  const int C = tc->C, RC = tc->R * tc->C;

  if (n_steps <= 0 || W == NULL || b == NULL)
    {
      tc->override_left = 0;
      return;
    }
  if (tc->override_W == NULL)
    {
      tc->override_W = g_new (dd_real, (size_t) RC);
      tc->override_b = g_new (dd_real, C);
    }
  memcpy (tc->override_W, W, sizeof (dd_real) * RC);
  memcpy (tc->override_b, b, sizeof (dd_real) * C);
  tc->override_left = n_steps;
}

int
dd_teach_get_override_left (const DdTeach *tc)
{
  return tc->override_left;
}

void
dd_teach_shift_teacher (DdTeach *tc, const dd_real *dW, const dd_real *db)
{
  DdTeacher *teacher = tc->teacher;
  const int C = tc->C;
  /* every kind has a parameter block that adds straight to Φ's output */
  size_t w_off = teacher->kind == DD_TEACHER_NEURAL ? teacher->off_u0 : teacher->off_W;
  size_t b_off = teacher->kind == DD_TEACHER_NEURAL ? teacher->off_v0 : teacher->off_b;

  for (int i = 0; i < tc->R * C && dW; i++)
    teacher->params[w_off + i] += dW[i];
  for (int i = 0; i < C && db; i++)
    teacher->params[b_off + i] += db[i];
}

gboolean
dd_teach_set_student_lr (DdTeach *tc, double lr, GError **error)
{
  if (!(lr > 0.0) || !isfinite (lr))
    DD_REFUSE ("learning rate %g: must be a positive finite number", lr);
  tc->sopt->lr = lr;
  tc->cfg.student.lr = lr;
  return TRUE;
}

gboolean
dd_teach_set_teacher_lr (DdTeach *tc, double lr, GError **error)
{
  if (!(lr > 0.0) || !isfinite (lr))
    DD_REFUSE ("teacher learning rate %g: must be a positive finite number", lr);
  tc->topt->lr = lr;
  tc->cfg.teacher_lr = lr;
  if (tc->cfg.teacher_step == DD_TEACHER_STEP_TRUST)
    tc->radius = tc->cfg.trust_radius = lr;
  return TRUE;
}

gboolean
dd_teach_set_window (DdTeach *tc, int T, GError **error)
{
  if (T < 1 || T > 100000)
    DD_REFUSE ("window T = %d: must be from 1 to 100000 steps", T);
  tc->pending_window = T;
  if (!tc->window_begun)
    resize_window (tc, T);
  return TRUE;
}

int
dd_teach_get_window (const DdTeach *tc)
{
  return tc->pending_window;
}

gboolean
dd_teach_set_teacher_kind (DdTeach *tc, DdTeacherKind kind, GError **error)
{
  if (kind != DD_TEACHER_FIXED && kind != DD_TEACHER_GATED && kind != DD_TEACHER_NEURAL)
    DD_REFUSE ("teacher kind %d: unknown; choose fixed, gated or neural", (int) kind);
  tc->pending_kind = kind;
  tc->kind_pending = kind != tc->teacher->kind;
  return TRUE;
}

gboolean
dd_teach_set_objective (DdTeach *tc, DdObjective objective, GError **error)
{
  if (objective != DD_OBJECTIVE_SMOOTH_ERROR && objective != DD_OBJECTIVE_DEV_CE)
    DD_REFUSE ("objective %d: unknown; choose smooth-error or dev-ce", (int) objective);
  tc->cfg.objective = objective;
  return TRUE;
}

#define DUP(field, count) \
  (tc->field ? g_memdup2 (tc->field, sizeof (*tc->field) * (size_t) (count)) : NULL)

DdTeach *
dd_teach_copy (const DdTeach *tc)
{
  DdTeach *c = g_memdup2 (tc, sizeof *tc);
  const int C = tc->C, RC = tc->R * tc->C, T = tc->T;
  const size_t P = tc->P;

  c->st = dd_student_copy (tc->st);
  c->sopt = dd_optim_copy (tc->sopt);
  c->teacher = dd_teacher_copy (tc->teacher);
  c->topt = dd_optim_copy (tc->topt);
  c->best_teacher = tc->best_teacher ? dd_teacher_copy (tc->best_teacher) : NULL;
  c->init_teacher = dd_teacher_copy (tc->init_teacher);
  c->hold_before = DUP (hold_before, tc->n_blocks);
  c->hold_after = DUP (hold_after, tc->n_blocks);
  c->hold_anchor = DUP (hold_anchor, tc->n_blocks);
  c->hold_shadow = DUP (hold_shadow, tc->n_gblocks);
  c->hold_live = DUP (hold_live, tc->n_gblocks);
  c->shadow_w = DUP (shadow_w, P);
  c->shadow_v = DUP (shadow_v, P);
  c->trial_W = DUP (trial_W, RC);
  c->trial_b = DUP (trial_b, C);
  c->theta_saved = DUP (theta_saved, tc->teacher->n_params);
  c->ep_grad = DUP (ep_grad, tc->teacher->n_params);
  c->ep_best_theta = DUP (ep_best_theta, tc->teacher->n_params);
  c->ep_best_grad = DUP (ep_best_grad, tc->teacher->n_params);
  c->ep_best_hold = DUP (ep_best_hold, tc->n_blocks);
  c->ep_order = DUP (ep_order, tc->n_train);
  c->best_params = DUP (best_params, P);
  c->best_student = NULL;
  c->order = DUP (order, tc->n_train);
  c->eval = dd_eval_new (C);
  c->snap_class_acc = DUP (snap_class_acc, C);
  c->snap_class_margin = DUP (snap_class_margin, C);
  c->batch_idx = DUP (batch_idx, (size_t) T * tc->B);
  c->batch_err = DUP (batch_err, T);
  c->eta = DUP (eta, T);
  c->overridden = DUP (overridden, T);
  c->phi_W = DUP (phi_W, (size_t) T * RC);
  c->phi_b = DUP (phi_b, (size_t) T * C);
  c->override_W = DUP (override_W, (size_t) RC);
  c->override_b = DUP (override_b, C);
  c->w0 = DUP (w0, P);
  /* the trajectory: its checkpoints are state, the rest scratch */
  c->ckpt = NULL;
  c->seg = c->end_w = c->end_v = c->dw = c->dv = c->vt = c->hv = NULL;
  if (tc->ckpt)
    {
      c->n_ckpt = 0;
      ensure_trajectory (c, tc->k);
      memcpy (c->ckpt, tc->ckpt, sizeof (dd_real) * (size_t) tc->n_ckpt * P *
              (keeps_velocity (tc) ? 2 : 1));
    }
  c->dW = g_new (dd_real, (size_t) RC);
  c->db = g_new (dd_real, C);
  return c;
}

void
dd_teach_set_cancel_flag (DdTeach *tc, const gint *flag)
{
  tc->cancel = flag;
}

const DdEval *
dd_teach_get_last_eval (DdTeach *tc)
{
  return tc->eval;
}
