/* dd-teach-window.c: the teaching window — student steps, the window's records,
 * the checkpointed trajectory and the reverse pass (docs/method.md §5)
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
#include "dd-teach-private.h"

/* --- trajectory storage --------------------------------------------------- */

int
teach_auto_checkpoint_every (int T)
{
  int k = (int) ceil (sqrt ((double) T));
  return CLAMP (k, 1, T);
}

int
teach_n_checkpoints (int T, int k)
{
  return (T + k - 1) / k;
}

void
teach_free_trajectory (DdTeach *tc)
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


gboolean
teach_keeps_velocity (const DdTeach *tc)
{
  return tc->cfg.student.momentum > 0.0;
}

size_t
dd_teach_trajectory_bytes (const DdTeach *tc, int k)
{
  if (k <= 0)
    k = tc->k;
  size_t vecs = (size_t) teach_n_checkpoints (tc->T, k) * (teach_keeps_velocity (tc) ? 2 : 1)
                + (size_t) (k > 1 ? k : 0)      /* a replayed segment */
                + (teach_keeps_velocity (tc) ? 2 : 1); /* ω_T (and v_T) kept across the pass */
  return vecs * tc->P * sizeof (dd_real);
}

size_t
dd_teach_footprint (const DdTeach *tc)
{
  const size_t vec = tc->P * sizeof (dd_real);
  size_t n_vecs = 1                                   /* the optimiser's velocity */
                  + 4                                 /* dω, dv, ṽ, H·ṽ */
                  + (tc->shadow_w != NULL) + (tc->shadow_v != NULL)
                  + (tc->best_params != NULL) + (tc->w0 != NULL);
  size_t window = (size_t) tc->T * ((size_t) tc->R * tc->C + tc->C) * sizeof (dd_real)
                  + (size_t) tc->T * tc->B * sizeof (int) + (size_t) tc->n_train * sizeof (int);

  return dd_student_footprint (tc->st) + n_vecs * vec + dd_teach_trajectory_bytes (tc, tc->k) + window;
}

void
teach_ensure_trajectory (DdTeach *tc, int k)
{
  size_t P = tc->P;
  int n = teach_n_checkpoints (tc->T, k);

  if (tc->ckpt != NULL && tc->n_ckpt == n && (tc->seg != NULL) == (k > 1))
    return;
  teach_free_trajectory (tc);
  tc->n_ckpt = n;
  tc->ckpt = g_new (dd_real, (size_t) n * P * (teach_keeps_velocity (tc) ? 2 : 1));
  tc->seg = k > 1 ? g_new (dd_real, (size_t) k * P) : NULL;
  tc->end_w = g_new (dd_real, P);
  tc->end_v = teach_keeps_velocity (tc) ? g_new (dd_real, P) : NULL;
  tc->dw = g_new (dd_real, P);
  tc->dv = g_new (dd_real, P);
  tc->vt = g_new (dd_real, P);
  tc->hv = g_new (dd_real, P);
}

/* up to two parameter-sized copies (src NULL: zeros), in parts on the
 * student's threads: one core does not reach the memory's bandwidth */
typedef struct {
  dd_real       *dst[2];
  const dd_real *src[2];
} CopyJob;

static void
copy_part (int part, size_t lo, size_t hi, gpointer data)
{
  const CopyJob *j = data;

  for (int k = 0; k < 2; k++)
    if (j->dst[k] && j->src[k])
      memcpy (j->dst[k] + lo, j->src[k] + lo, (hi - lo) * sizeof (dd_real));
    else if (j->dst[k])
      memset (j->dst[k] + lo, 0, (hi - lo) * sizeof (dd_real));
}

static void
copy_params (DdTeach *tc, dd_real *dst0, const dd_real *src0, dd_real *dst1, const dd_real *src1)
{
  CopyJob j = { { dst0, dst1 }, { src0, src1 } };

  dd_student_for (tc->st, tc->P, copy_part, &j, NULL);
}

void
teach_save_checkpoint (DdTeach *tc, int c)
{
  size_t P = tc->P;
  copy_params (tc, tc->ckpt + (size_t) c * P, tc->st->params,
               teach_keeps_velocity (tc) ? tc->ckpt + ((size_t) tc->n_ckpt + c) * P : NULL,
               tc->sopt->m);
}

void
teach_load_checkpoint (DdTeach *tc, int c)
{
  size_t P = tc->P;
  copy_params (tc, tc->st->params, tc->ckpt + (size_t) c * P, tc->sopt->m,
               teach_keeps_velocity (tc) ? tc->ckpt + ((size_t) tc->n_ckpt + c) * P : NULL);
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
  if (teach_whole_episodes (tc))
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

/* The key of the dropout masks of window step t: a function of the seed and
 * the step's place in the run, so that the replays and the reverse pass
 * (dd_student_hvp) redraw the masks the live step drew. */
static guint64
teach_noise_at (const DdTeach *tc, int t)
{
  return dd_noise_key (tc->cfg.student.seed,
                       tc->cfg.pretrain_steps + tc->taught_at_window_start + t);
}

/* The vectors of the parameters' size are worked on in parts between the
 * student's threads (dd_student_for): each element is computed alone, so
 * the parts change no weight; with one part each call covers the whole
 * vector, as a single call on it would. */

/* the squared norms of g and v by parts, for the update's checks */
typedef struct {
  const dd_real *g, *v;
  double         g2[DD_FOR_MAX_PARTS], v2[DD_FOR_MAX_PARTS];
} NormsJob;

static void
norms_part (int part, size_t lo, size_t hi, gpointer data)
{
  NormsJob *j = data;

  j->g2[part] = dot ((int) (hi - lo), j->g + lo, 1, j->g + lo, 1);
  j->v2[part] = j->v ? dot ((int) (hi - lo), j->v + lo, 1, j->v + lo, 1) : 0.0;
}

static void
update_part (int part, size_t lo, size_t hi, gpointer data)
{
  DdTeach *tc = data;

  dd_optim_step_part (tc->sopt, tc->st->params, tc->st->grads, lo, hi);
}

/* The update ω ← ω − η·(ρ·v + g) with the gradient in net->grads, refusing
 * a non-finite result; on refusal ω and v are as before. */
static gboolean
apply_update (DdTeach *tc, gint64 step_no, GError **error)
{
  DdStudent *st = tc->st;
  const double rho = tc->cfg.student.momentum;
  NormsJob norms = { st->grads, rho > 0 ? tc->sopt->m : NULL, { 0 }, { 0 } };
  double g2 = 0.0, v2 = 0.0;
  int parts;

  dd_student_for (st, tc->P, norms_part, &norms, &parts);
  for (int k = 0; k < parts; k++)
    {
      g2 += norms.g2[k];
      v2 += norms.v2[k];
    }
  if (!isfinite (g2))
    DIVERGED ("step %" G_GINT64_FORMAT ": the gradient of the student's weights holds a NaN "
              "or Inf; stopped before the update", step_no);
  /* the new weights are finite if the step is: |η·(ρv + g)| bounded */
  double bound = tc->sopt->lr * (rho * sqrt (v2) + sqrt (g2));
  if (!isfinite (bound) || bound > 1e30)
    DIVERGED ("step %" G_GINT64_FORMAT ": the student's update has norm %g; the weights would "
              "overflow; stopped before the update", step_no, bound);
  dd_optim_begin_step (tc->sopt);
  dd_student_for (st, tc->P, update_part, tc, NULL);
  return TRUE;
}

/* Step t of the window on batch_idx[t]. Live (replay FALSE, trial NULL):
 * with the teacher, Φ_t = μ_θ(s_t) is computed and recorded. Replay: the
 * recorded Φ_t and learning rate are used. Trial (replay TRUE and a trial
 * teacher): Φ_t comes from the trial teacher instead, except at steps whose
 * Φ_t was an edit, and nothing is recorded. */
gboolean
teach_window_step_with (DdTeach *tc, int t, gboolean replay, const DdTeacher *trial,
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

  dd_student_set_threads (tc->st, tc->cfg.student.threads);
  dd_student_set_noise (tc->st, teach_noise_at (tc, t));
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
          tc->sopt->lr = dd_optim_cosine_lr (tc->cfg.student.lr, tau);
        }
      tc->eta[t] = tc->sopt->lr;
      tc->overridden[t] = FALSE;
    }
  else
    tc->sopt->lr = tc->eta[t];
  if (!replay && tc->cfg.arm != DD_ARM_BASELINE_CE && tc->override_left > 0)
    {
      memcpy (W, tc->override->W, sizeof (dd_real) * RC);
      memcpy (b, tc->override->b, sizeof (dd_real) * C);
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

gboolean
teach_window_step (DdTeach *tc, int t, gboolean replay, double *loss_out, GError **error)
{
  return teach_window_step_with (tc, t, replay, NULL, loss_out, error);
}

gboolean
teach_pretrain_step (DdTeach *tc, double *loss_out, double *err_out, GError **error)
{
  g_autofree int *idx = g_new (int, tc->B);

  dd_student_set_threads (tc->st, tc->cfg.student.threads);
  draw_batch (tc, idx);
  dd_student_set_noise (tc->st, dd_noise_key (tc->cfg.student.seed, tc->step));
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

void
teach_take_snapshot (DdTeach *tc)
{
  dd_student_set_threads (tc->st, tc->cfg.student.threads);
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

void
teach_resize_window (DdTeach *tc, int T)
{
  const int C = tc->C, RC = tc->R * tc->C;

  tc->T = T;
  tc->k = tc->cfg.checkpoint_every > 0 ? MIN (tc->cfg.checkpoint_every, T)
                                       : teach_auto_checkpoint_every (T);
  tc->cfg.window = T;
  tc->batch_idx = g_renew (int, tc->batch_idx, (size_t) T * tc->B);
  tc->batch_err = g_renew (double, tc->batch_err, T);
  tc->eta = g_renew (double, tc->eta, T);
  tc->overridden = g_renew (gboolean, tc->overridden, T);
  tc->phi_W = g_renew (dd_real, tc->phi_W, (size_t) T * RC);
  tc->phi_b = g_renew (dd_real, tc->phi_b, (size_t) T * C);
  teach_free_trajectory (tc);
}

void
teach_begin_window (DdTeach *tc)
{
  if (tc->pending_window != tc->T)
    teach_resize_window (tc, tc->pending_window);
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
  teach_ensure_trajectory (tc, tc->k);
  if (tc->cfg.protocol == DD_PROTOCOL_EPISODIC)
    {
      if (tc->w0 == NULL)
        {
          /* ω₀: the warm-up's end; every episode starts here with v = 0
           * (and a whole-run episode on the same data order) */
          tc->w0 = g_memdup2 (tc->st->params, tc->P * sizeof (dd_real));
          teach_take_snapshot (tc);
          if (teach_whole_episodes (tc))
            {
              tc->ep_rng = tc->rng;
              tc->ep_order = g_memdup2 (tc->order, sizeof (int) * tc->n_train);
              tc->ep_pos = tc->pos;
            }
        }
    }
  else if (!tc->have_snapshot)
    teach_take_snapshot (tc);
  tc->run_ce = tc->run_err = tc->run_loss = 0.0;
  tc->run_n = 0;
  for (int t = 0; t < tc->T; t++)
    draw_batch (tc, tc->batch_idx + (size_t) t * tc->B);
  tc->taught_at_window_start = MAX (0, tc->step - tc->cfg.pretrain_steps);
  tc->window_begun = TRUE;
}

/* M at the current ω over the dev subsample; with_grad: ∇M into the
 * student's grads. dev_error gets the plain error of the same pass. */
double
teach_objective (DdTeach *tc, gboolean with_grad, double *dev_error)
{
  dd_student_set_threads (tc->st, tc->cfg.student.threads);
  return dd_student_objective (tc->st, tc->cfg.objective == DD_OBJECTIVE_DEV_CE, tc->n_dev,
                               with_grad, dev_error);
}

/* one reverse step's vector work, by parts */
typedef struct {
  DdTeach       *tc;
  const dd_real *w;        /* ω_t */
  dd_real        neg_eta;  /* −η_t */
  dd_real        rho;
} ReverseJob;

static void
reverse_before_part (int part, size_t lo, size_t hi, gpointer data)
{
  const ReverseJob *j = data;
  DdTeach *tc = j->tc;

  memcpy (tc->st->params + lo, j->w + lo, (hi - lo) * sizeof (dd_real));
  memcpy (tc->vt + lo, tc->dv + lo, (hi - lo) * sizeof (dd_real));
  axpy ((int) (hi - lo), j->neg_eta, tc->dw + lo, 1, tc->vt + lo, 1);
}

static void
reverse_after_part (int part, size_t lo, size_t hi, gpointer data)
{
  const ReverseJob *j = data;
  DdTeach *tc = j->tc;

  axpy ((int) (hi - lo), 1, tc->hv + lo, 1, tc->dw + lo, 1);
  for (size_t i = lo; i < hi; i++)
    tc->dv[i] = j->rho * tc->vt[i];
}

/* The reverse pass over the window, from ω_T in net->params (and ∇M in
 * net->grads); accumulates dθ into the teacher's grads. Leaves ω_T, v_T in
 * place afterwards. */
gboolean
teach_reverse_pass (DdTeach *tc, int k, GError **error)
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

  for (int c = teach_n_checkpoints (T, k) - 1; c >= 0; c--)
    {
      int start = c * k, end = MIN (T, start + k);

      /* replay the segment forward to rebuild ω_start … ω_{end−1} */
      teach_load_checkpoint (tc, c);
      if (tc->seg != NULL)
        for (int t = start; t < end; t++)
          {
            copy_params (tc, tc->seg + (size_t) (t - start) * P, st->params, NULL, NULL);
            if (t + 1 < end && !teach_window_step (tc, t, TRUE, NULL, error))
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
          /* ω_t (k = 1: every ω_t is a checkpoint; H·v needs no velocity,
           * and ω_T, v_T are put back after the pass) and ṽ = dv − η_t·dω */
          ReverseJob rj = { tc, tc->seg != NULL ? tc->seg + (size_t) (t - start) * P
                                                : tc->ckpt + (size_t) t * P,
                            (dd_real) -tc->eta[t], rho };
          dd_student_for (st, P, reverse_before_part, &rj, NULL);

          memset (tc->dW, 0, sizeof (dd_real) * RC);
          memset (tc->db, 0, sizeof (dd_real) * C);
          dd_student_set_noise (st, teach_noise_at (tc, t));
          dd_student_hvp (st, tc->batch_idx + (size_t) t * B, B,
                          tc->phi_W + (size_t) t * RC, tc->phi_b + (size_t) t * C,
                          tc->vt, tc->hv, tc->dW, tc->db);

          /* dω += H·ṽ; dv = ρ·ṽ */
          dd_student_for (st, P, reverse_after_part, &rj, NULL);

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

double
teach_teacher_grad_norm (const DdTeacher *teacher)
{
  double s = 0.0;
  for (size_t i = 0; i < teacher->n_params; i++)
    s += (double) teacher->grads[i] * teacher->grads[i];
  return sqrt (s);
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
    teach_begin_window (tc);
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
        teach_save_checkpoint (tc, t / k);
      ok = teach_window_step (tc, t, FALSE, NULL, error);
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
  teach_ensure_trajectory (tc, k);
  teach_save_checkpoint (tc, 0);
  g_autofree dd_real *w = g_memdup2 (tc->st->params, tc->P * sizeof (dd_real));
  g_autofree dd_real *v = g_memdup2 (tc->sopt->m, tc->P * sizeof (dd_real));
  gboolean ok = unroll_window (tc, k, error);
  if (ok)
    *M = teach_objective (tc, FALSE, NULL);
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
  teach_ensure_trajectory (tc, k);
  g_autofree dd_real *w = g_memdup2 (tc->st->params, tc->P * sizeof (dd_real));
  g_autofree dd_real *v = g_memdup2 (tc->sopt->m, tc->P * sizeof (dd_real));
  gboolean ok = unroll_window (tc, k, error);
  if (ok)
    {
      *M = teach_objective (tc, TRUE, NULL);
      ok = teach_reverse_pass (tc, k, error);
    }
  memcpy (tc->st->params, w, tc->P * sizeof (dd_real));
  memcpy (tc->sopt->m, v, tc->P * sizeof (dd_real));
  tc->k = saved_k;
  teach_ensure_trajectory (tc, saved_k);
  return ok;
}
