/* dd-teach.c: the L2T-DLF loop — configuration, construction, public
 * stepping, edits and copies
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A window of T taught steps is run (dd-teach-window.c), then the dev
 * objective is differentiated back through it and the teacher updated
 * (dd-teach-update.c). dd-teach-private.h says how the parts divide.
 */
#include "dd-teach-private.h"

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
  /* the student's defaults are the training run's (dd_train_config_init),
   * except its loss and its momentum: the paper's student takes plain SGD
   * steps */
  dd_train_config_init (&cfg->student);
  cfg->student.loss = DD_LOSS_DLF;
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
  if (cfg->student.decay_tail != 0)
    DD_REFUSE ("a decay tail is a schedule of train's: a taught student's rate is constant or cosine");
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

gboolean
dd_teacher_step_parse (const char *name, DdTeacherStep *out)
{
  if (g_strcmp0 (name, "trust") == 0)
    *out = DD_TEACHER_STEP_TRUST;
  else if (g_strcmp0 (name, "plain") == 0)
    *out = DD_TEACHER_STEP_PLAIN;
  else
    return FALSE;
  return TRUE;
}

const char *
dd_teacher_step_name (DdTeacherStep step)
{
  return step == DD_TEACHER_STEP_PLAIN ? "plain" : "trust";
}

/* episodic with episodes of whole training runs */
gboolean
teach_shadowed (const DdTeach *tc)
{
  return tc->cfg.shadow && tc->cfg.arm == DD_ARM_TAUGHT &&
         tc->cfg.protocol == DD_PROTOCOL_CONTINUAL &&
         tc->cfg.teacher_step == DD_TEACHER_STEP_TRUST;
}

gboolean
teach_whole_episodes (const DdTeach *tc)
{
  return tc->cfg.protocol == DD_PROTOCOL_EPISODIC && tc->cfg.episode_steps > tc->cfg.window;
}

/* Divides the dev split: the objective's examples first, then (trust steps)
 * the acceptance test's held-out ones, then (the shadow) the guard's. */
static gboolean
split_dev (DdTeach *tc, GError **error)
{
  const DdTeachConfig *cfg = &tc->cfg;
  const DdData *data = tc->data;
  const int n_dev = dd_student_n_examples (tc->st, DD_SPLIT_DEV);
  tc->n_dev = cfg->dev_subsample > 0 ? MIN (cfg->dev_subsample, n_dev) : n_dev;
  if (teach_whole_episodes (tc) || (cfg->teacher_step == DD_TEACHER_STEP_TRUST && cfg->arm == DD_ARM_TAUGHT))
    {
      if (tc->n_dev >= n_dev)
        tc->n_dev = n_dev / 2;   /* no dev example left over: split in halves */
      const int rest = n_dev - tc->n_dev;
      /* the shadow's comparison needs examples that no teacher step was
       * chosen on: the held-out ones select the accepted steps */
      tc->n_hold = MIN (teach_shadowed (tc) ? rest / 2 : rest, cfg->holdout > 0 ? cfg->holdout : tc->n_dev);
      tc->n_guard = teach_shadowed (tc) ? rest - tc->n_hold : 0;
      if (tc->n_dev < 1 || tc->n_hold < 1)
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                       "the trust step needs dev examples for the objective and held-out ones "
                       "for its acceptance test; %s has %d dev examples", data->name, n_dev);
          return FALSE;
        }
      /* about HOLDOUT_BLOCKS blocks, so that the paired standard error is
       * estimated from enough differences whatever the held-out size */
      tc->block = CLAMP ((tc->n_hold + HOLDOUT_BLOCKS - 1) / HOLDOUT_BLOCKS, 1,
                         dd_student_max_block (tc->st));
      tc->n_blocks = (tc->n_hold + tc->block - 1) / tc->block;
      tc->hold_before = g_new (double, tc->n_blocks);
      tc->hold_after = g_new (double, tc->n_blocks);
      tc->hold_anchor = g_new (double, tc->n_blocks);
      if (teach_shadowed (tc))
        {
          if (tc->n_guard < 1)
            {
              g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                           "the shadow needs dev examples of its own after the %d of the "
                           "objective and the %d held out; %s has %d (choose a smaller "
                           "holdout, or no shadow)", tc->n_dev, tc->n_hold, data->name, n_dev);
              return FALSE;
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
  return TRUE;
}

/* the window's records and the update's scratch, sized by T, R and C */
static void
alloc_window (DdTeach *tc)
{
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
  if (teach_whole_episodes (tc))
    {
      const size_t n = tc->teacher->n_params;
      tc->ep_grad = g_new0 (dd_real, n);
      tc->ep_best_theta = g_new (dd_real, n);
      tc->ep_best_grad = g_new (dd_real, n);
      tc->ep_best_hold = g_new (double, tc->n_blocks);
    }
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
  tc->k = cfg->checkpoint_every > 0 ? cfg->checkpoint_every : teach_auto_checkpoint_every (tc->T);
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

  if (!split_dev (tc, error))
    {
      dd_teach_free (tc);
      return NULL;
    }
  tc->eval = dd_eval_new (tc->C);
  alloc_window (tc);
  return tc;
}

void
dd_teach_free (DdTeach *tc)
{
  if (tc == NULL)
    return;
  teach_free_trajectory (tc);
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
  dd_phi_free (tc->override);
  g_free (tc->phi_W);
  g_free (tc->phi_b);
  g_free (tc->w0);
  g_free (tc->dW);
  g_free (tc->db);
  g_free (tc);
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
      if (!teach_pretrain_step (tc, &loss, &err, error))
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
    teach_begin_window (tc);
  if (tc->t >= tc->T)
    {
      /* a window whose close failed before: try again (it fails the same way
       * unless the caller changed something); never step past the records */
      return teach_end_window (tc, r, tc->window_started_at, error);
    }
  if (tc->t == 0)
    tc->window_started_at = dd_now ();
  if (tc->t % tc->k == 0)
    teach_save_checkpoint (tc, tc->t / tc->k);

  double loss;
  int t = tc->t;
  if (!teach_window_step (tc, t, FALSE, &loss, error))
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
      tc->step_phi = dd_phi_view (tc->st->shape, tc->C, tc->phi_W + (size_t) t * tc->R * tc->C,
                                  tc->phi_b + (size_t) t * tc->C);
      r->phi = &tc->step_phi;
    }
  if (tc->t == tc->T && !teach_end_window (tc, r, tc->window_started_at, error))
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

int
dd_teach_get_checkpoint_every (const DdTeach *tc)
{
  return tc->k;
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

DdPhi *
dd_teach_initial_phi (const DdTeach *tc)
{
  return dd_phi_new_initial (tc->st->shape, &tc->cfg.start, tc->C);
}

/* --- edits and forks --------------------------------------------------------- */

void
dd_teach_override_phi (DdTeach *tc, const DdPhi *phi, int n_steps)
{
  if (n_steps <= 0 || phi == NULL)
    {
      tc->override_left = 0;
      return;
    }
  g_return_if_fail (phi->shape == tc->st->shape && phi->C == tc->C);
  if (tc->override == NULL)
    tc->override = dd_phi_new (tc->st->shape, tc->C);
  dd_phi_assign (tc->override, phi);
  tc->override_left = n_steps;
}

int
dd_teach_get_override_left (const DdTeach *tc)
{
  return tc->override_left;
}

void
dd_teach_shift_teacher (DdTeach *tc, const DdPhi *delta)
{
  DdTeacher *teacher = tc->teacher;
  const int C = tc->C;
  /* every kind has a parameter block that adds straight to Φ's output */
  size_t w_off = teacher->kind == DD_TEACHER_NEURAL ? teacher->off_u0 : teacher->off_W;
  size_t b_off = teacher->kind == DD_TEACHER_NEURAL ? teacher->off_v0 : teacher->off_b;

  g_return_if_fail (delta != NULL && delta->shape == tc->st->shape && delta->C == C);
  for (int i = 0; i < tc->R * C; i++)
    teacher->params[w_off + i] += delta->W[i];
  for (int i = 0; i < C; i++)
    teacher->params[b_off + i] += delta->b[i];
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
    teach_resize_window (tc, T);
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
  c->override = tc->override ? dd_phi_copy (tc->override) : NULL;
  c->w0 = DUP (w0, P);
  /* the trajectory: its checkpoints are state, the rest scratch */
  c->ckpt = NULL;
  c->seg = c->end_w = c->end_v = c->dw = c->dv = c->vt = c->hv = NULL;
  if (tc->ckpt)
    {
      c->n_ckpt = 0;
      teach_ensure_trajectory (c, tc->k);
      memcpy (c->ckpt, tc->ckpt, sizeof (dd_real) * (size_t) tc->n_ckpt * P *
              (teach_keeps_velocity (tc) ? 2 : 1));
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
