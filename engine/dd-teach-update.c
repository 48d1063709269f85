/* dd-teach-update.c: the teacher's update at a window's end — trust steps tried
 * on a replay and tested on held-out dev, the shadow, whole-run episodes and
 * plain steps (docs/method.md §6–7)
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-teach-private.h"

/* --- the trust step --------------------------------------------------------- */

/* The held-out objective of the student as it is, per block, added to
 * blocks with weight w. */
static void
measure_holdout (DdTeach *tc, double *blocks, double w)
{
  g_autofree double *m = g_new (double, tc->n_blocks);

  dd_student_set_threads (tc->st, tc->cfg.student.threads);
  dd_student_measure_blocks (tc->st, tc->cfg.objective == DD_OBJECTIVE_DEV_CE, tc->n_dev,
                             tc->n_hold, tc->block, m);
  for (int k = 0; k < tc->n_blocks; k++)
    blocks[k] += w * m[k];
}

/* the shadow's comparison: the objective in blocks over the guard examples */
static void
measure_guard (DdTeach *tc, double *blocks)
{
  dd_student_set_threads (tc->st, tc->cfg.student.threads);
  dd_student_measure_blocks (tc->st, tc->cfg.objective == DD_OBJECTIVE_DEV_CE,
                             tc->n_dev + tc->n_hold, tc->n_guard, tc->gblock, blocks);
}

/* The acceptance test compares two trajectories through the same window by
 * their held-out objective averaged over the window's end and up to three
 * points of its second half: a single end point is as much the luck of the
 * last few minibatches as the loss that led there. The points are steps,
 * multiples of the default checkpoint spacing ⌈√T⌉ whatever spacing k the
 * trajectory is kept with: k trades memory for replays and never changes a
 * result. */
#define MAX_MEASURE_POINTS 4

static int
measure_points (const DdTeach *tc, int *steps)
{
  const int k0 = teach_auto_checkpoint_every (tc->T), n0 = teach_n_checkpoints (tc->T, k0);
  int n = 0, first = (n0 + 1) / 2, last = n0 - 1;

  for (int i = 0; i < MAX_MEASURE_POINTS - 1 && first <= last && first > 0; i++)
    {
      int c = first + (last - first) * i / MAX (1, MAX_MEASURE_POINTS - 2);
      if (n == 0 || c * k0 != steps[n - 1])
        steps[n++] = c * k0;
    }
  return n;
}

/* the student at ω_s of the window as it ran: the checkpoint at or before
 * step s, replayed up to s with the recorded Φ and rates (a replay repeats
 * the window's arithmetic exactly). FALSE only if that replay failed. */
static gboolean
load_step (DdTeach *tc, int s)
{
  const int c = s / tc->k;

  teach_load_checkpoint (tc, c);
  for (int t = c * tc->k; t < s; t++)
    if (!teach_window_step (tc, t, TRUE, NULL, NULL))
      return FALSE;
  return TRUE;
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
 * run and ω_T, which is where the student is left; FALSE (the blocks then
 * +Inf) if a replay to a point failed */
static gboolean
measure_window (DdTeach *tc, double *blocks)
{
  int steps[MAX_MEASURE_POINTS];
  const int n = measure_points (tc, steps);
  const double w = 1.0 / (n + 1), saved_lr = tc->sopt->lr;
  gboolean ok = TRUE;

  memset (blocks, 0, sizeof (double) * tc->n_blocks);
  for (int i = 0; i < n && ok; i++)
    {
      ok = load_step (tc, steps[i]);
      if (ok)
        measure_holdout (tc, blocks, w);
    }
  tc->sopt->lr = saved_lr;
  restore_window_end (tc);
  if (ok)
    measure_holdout (tc, blocks, w);
  else
    for (int k = 0; k < tc->n_blocks; k++)
      blocks[k] = INFINITY;
  return ok;
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
  int steps[MAX_MEASURE_POINTS];
  const int n = measure_points (tc, steps);
  const double w = 1.0 / (n + 1);
  gboolean ok = TRUE;
  int next = 0;

  memset (blocks, 0, sizeof (double) * tc->n_blocks);
  teach_load_checkpoint (tc, 0);
  for (int t = 0; t < tc->T && ok; t++)
    {
      ok = teach_window_step_with (tc, t, TRUE, trial, NULL, NULL);
      if (ok && next < n && t + 1 == steps[next])
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

  const gboolean measured = measure_window (tc, tc->hold_before);
  memcpy (tc->theta_saved, teacher->params, n * sizeof (dd_real));
  normalised_step (tc, r);

  double mean, se;
  gboolean finite = trial_window (tc, teacher, tc->hold_after) && measured;
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
    teach_load_checkpoint (tc, 0);
  for (int t = 0; t < tc->T && ok; t++)
    ok = teach_window_step_with (tc, t, TRUE, tc->init_teacher, NULL, NULL);
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

gboolean
teach_end_window (DdTeach *tc, DdStepReport *r, double forward_started, GError **error)
{
  double dev_error, M = 0.0, norm = 0.0;
  const double t_steps = dd_now ();
  double t_mid, t_rev;

  if (tc->cfg.arm == DD_ARM_TAUGHT)
    {
      M = teach_objective (tc, TRUE, &dev_error);
      t_mid = dd_now ();
      if (!isfinite (M))
        DIVERGED ("step %" G_GINT64_FORMAT ": the dev objective is %g", tc->step, M);
      if (!teach_reverse_pass (tc, tc->k, error))
        return FALSE;
      norm = teach_teacher_grad_norm (tc->teacher);
    }
  else
    {
      M = teach_objective (tc, FALSE, &dev_error);
      t_mid = dd_now ();
    }
  t_rev = dd_now ();
  double t_end;

  /* keep the teacher and student of the best window so far (before the update);
   * whole-run episodes keep the best episode's teacher instead */
  if (!teach_whole_episodes (tc) && dev_error < tc->best_dev_error)
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
  if (teach_whole_episodes (tc))
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
      if (teach_shadowed (tc))
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
  r->steps_seconds = t_steps - forward_started;
  r->dev_seconds = t_mid - t_steps;
  r->reverse_pass_seconds = t_rev - t_mid;
  r->update_seconds = t_end - t_rev;

  if (back_to_w0)
    {
      memcpy (tc->st->params, tc->w0, tc->P * sizeof (dd_real));
      dd_optim_reset (tc->sopt);
      if (teach_whole_episodes (tc))
        {
          /* the next episode sees the same minibatches */
          tc->rng = tc->ep_rng;
          memcpy (tc->order, tc->ep_order, sizeof (int) * tc->n_train);
          tc->pos = tc->ep_pos;
        }
    }
  /* the next window's state: ω_T (continual), or the window after this one
   * or ω₀ again (whole episodes); a one-window episode keeps ω₀'s */
  if (tc->cfg.protocol == DD_PROTOCOL_CONTINUAL || teach_whole_episodes (tc))
    teach_take_snapshot (tc);
  tc->t = 0;
  tc->window_begun = FALSE;
  return TRUE;
}
