/* dd-teach-state.c: a DdTeach's configuration and state as named fields
 * (dd-state.h), for session files
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What is state is what dd_teach_copy copies: the student's weights, both
 * optimisers, the teachers (current, initial, best), the random streams and
 * data order, the window's records and checkpoints, the trust step's and the
 * shadow's bookkeeping and the edits still pending. Scratch (activations,
 * reverse-pass vectors, the evaluation buffer) is not; the dimensions that
 * follow from the configuration and the data are written as checks.
 * Restoring fills a DdTeach freshly made from the same configuration and
 * data, which gives it every buffer of the right size.
 */
#include "dd-teach-private.h"
#include "dd-state.h"

#define I32_MAX G_MAXINT32

void
dd_train_config_visit (DdTrainConfig *c, DdState *st)
{
  dd_state_int (st, "student", (int *) &c->net.kind, DD_STUDENT_MLP, DD_STUDENT_SEQ2SEQ);
  dd_state_int (st, "n_hidden", &c->net.n_hidden, 0, G_N_ELEMENTS (c->net.hidden));
  dd_state_ints (st, "hidden", c->net.hidden, G_N_ELEMENTS (c->net.hidden), 0, I32_MAX);
  dd_state_int (st, "activation", (int *) &c->net.activation, DD_ACT_TANH, DD_ACT_RELU);
  dd_state_int (st, "emb", &c->net.emb, 0, I32_MAX);
  dd_state_int (st, "rnn_hidden", &c->net.rnn_hidden, 0, I32_MAX);
  dd_state_int (st, "loss", (int *) &c->loss, DD_LOSS_CE, DD_LOSS_SMOOTH_ERROR);
  dd_state_f64 (st, "smoothing", &c->smoothing);
  dd_state_f64 (st, "margin", &c->margin);
  dd_state_int (st, "epochs", &c->epochs, 0, I32_MAX);
  dd_state_i64 (st, "steps", &c->steps);
  dd_state_int (st, "batch", &c->batch, 1, I32_MAX);
  dd_state_f64 (st, "lr", &c->lr);
  dd_state_f64 (st, "momentum", &c->momentum);
  dd_state_int (st, "optimizer", (int *) &c->optimizer, DD_OPTIM_SGD, DD_OPTIM_ADAM);
  dd_state_u64 (st, "seed", &c->seed);
  dd_state_int (st, "threads", &c->threads, 0, 4096);
  dd_state_bool (st, "cosine", &c->cosine);
  dd_state_f64 (st, "clip_norm", &c->clip_norm);
  /* format 2: the translation student's dropout (format 1 had none) */
  if (dd_state_format (st) >= 2)
    {
      dd_state_f64 (st, "dropout", &c->net.dropout);
      dd_state_f64 (st, "word_dropout", &c->net.word_dropout);
    }
  /* format 3: tied embeddings and a bidirectional encoder */
  if (dd_state_format (st) >= 3)
    {
      dd_state_bool (st, "tie_embeddings", &c->net.tie_embeddings);
      dd_state_bool (st, "bidirectional", &c->net.bidirectional);
    }
  /* format 4: input feeding */
  if (dd_state_format (st) >= 4)
    dd_state_bool (st, "input_feed", &c->net.input_feed);
}

void
dd_teach_config_visit (DdTeachConfig *c, DdState *st)
{
  dd_state_push (st, "student");
  dd_train_config_visit (&c->student, st);
  dd_state_pop (st);
  dd_state_int (st, "teacher", (int *) &c->teacher, DD_TEACHER_FIXED, DD_TEACHER_NEURAL);
  dd_state_int (st, "teacher_hidden", &c->teacher_hidden, 0, I32_MAX);
  dd_state_int (st, "teacher_optimizer", (int *) &c->teacher_optimizer, DD_OPTIM_SGD, DD_OPTIM_ADAM);
  dd_state_f64 (st, "teacher_lr", &c->teacher_lr);
  dd_state_f64 (st, "teacher_momentum", &c->teacher_momentum);
  dd_state_int (st, "protocol", (int *) &c->protocol, DD_PROTOCOL_EPISODIC, DD_PROTOCOL_CONTINUAL);
  dd_state_int (st, "window", &c->window, 1, I32_MAX);
  dd_state_int (st, "meta_iterations", &c->meta_iterations, 0, I32_MAX);
  dd_state_i64 (st, "pretrain_steps", &c->pretrain_steps);
  dd_state_int (st, "objective", (int *) &c->objective, DD_OBJECTIVE_SMOOTH_ERROR, DD_OBJECTIVE_DEV_CE);
  dd_state_int (st, "dev_subsample", &c->dev_subsample, 0, I32_MAX);
  dd_state_int (st, "checkpoint_every", &c->checkpoint_every, 0, I32_MAX);
  dd_state_int (st, "arm", (int *) &c->arm, DD_ARM_TAUGHT, DD_ARM_BASELINE_CE);
  dd_state_i64 (st, "horizon", &c->horizon);
  dd_state_int (st, "baseline_loss", (int *) &c->baseline_loss, DD_LOSS_CE, DD_LOSS_SMOOTH_ERROR);
  dd_state_int (st, "start_form", (int *) &c->start.form, DD_PHI_NORMALISED, DD_PHI_PAPER);
  dd_state_f64 (st, "start_epsilon", &c->start.epsilon);
  dd_state_int (st, "teacher_step", (int *) &c->teacher_step, DD_TEACHER_STEP_TRUST, DD_TEACHER_STEP_PLAIN);
  dd_state_f64 (st, "trust_radius", &c->trust_radius);
  dd_state_int (st, "holdout", &c->holdout, 0, I32_MAX);
  dd_state_f64 (st, "accept_tolerance", &c->accept_tolerance);
  dd_state_int (st, "anchor_every", &c->anchor_every, 0, I32_MAX);
  dd_state_i64 (st, "episode_steps", &c->episode_steps);
  dd_state_bool (st, "shadow", &c->shadow);
  dd_state_int (st, "shadow_patience", &c->shadow_patience, 0, I32_MAX);
}

static void
visit_optim (DdOptim *o, DdState *st)
{
  dd_state_expect (st, "n", (gint64) o->n);
  dd_state_i64 (st, "t", &o->t);
  dd_state_reals (st, "m", o->m, o->n);
  dd_state_opt_reals (st, "v", &o->v, o->n);
  if (dd_state_reading (st) && (o->v != NULL) != (o->kind == DD_OPTIM_ADAM))
    dd_state_fail (st, "the optimiser's second moment does not match its kind");
}

/* A teacher that may be absent or, for the best one, of another kind than
 * the current: reading makes one of the saved kind when needed. */
static void
visit_teacher (DdTeach *tc, DdTeacher **tp, const char *name, DdState *st)
{
  DdTeacher *t = *tp;
  gboolean present = t != NULL;
  int kind = t ? (int) t->kind : 0;

  dd_state_push (st, "%s", name);
  dd_state_bool (st, "present", &present);
  if (present)
    dd_state_int (st, "kind", &kind, DD_TEACHER_FIXED, DD_TEACHER_NEURAL);
  if (dd_state_reading (st) && dd_state_ok (st))
    {
      if (!present)
        g_clear_pointer (tp, dd_teacher_free);
      else if (t == NULL || (int) t->kind != kind)
        {
          DdRng rng;
          dd_rng_seed (&rng, 0);
          dd_teacher_free (t);
          *tp = dd_teacher_new_full (kind, tc->st->shape, &tc->cfg.start, tc->C,
                                     tc->cfg.teacher_hidden, &rng, NULL);
          if (*tp == NULL)
            dd_state_fail (st, "a teacher of kind %d cannot be made for this student", kind);
        }
      t = *tp;
    }
  if (t != NULL && dd_state_ok (st))
    {
      dd_state_expect (st, "n_params", (gint64) t->n_params);
      dd_state_reals (st, "params", t->params, t->n_params);
      dd_state_reals (st, "grads", t->grads, t->n_params);
      dd_state_reals (st, "base", t->base, (gsize) t->n_rows * t->n_classes);
    }
  dd_state_pop (st);
}

static void
visit_dims (DdTeach *tc, DdState *st)
{
  dd_state_expect (st, "classes", tc->C);
  dd_state_expect (st, "phi_rows", tc->R);
  dd_state_expect (st, "batch", tc->B);
  dd_state_expect (st, "window", tc->T);
  dd_state_expect (st, "checkpoint_every", tc->k);
  dd_state_expect (st, "student_params", (gint64) tc->P);
  dd_state_expect (st, "train_examples", tc->n_train);
  dd_state_expect (st, "dev_examples", tc->n_dev);
  dd_state_expect (st, "holdout", tc->n_hold);
  dd_state_expect (st, "holdout_blocks", tc->n_blocks);
  dd_state_expect (st, "guard", tc->n_guard);
  dd_state_expect (st, "guard_blocks", tc->n_gblocks);
}

static void
visit_progress (DdTeach *tc, DdState *st)
{
  dd_state_i64 (st, "step", &tc->step);
  dd_state_i64 (st, "meta_iteration", &tc->meta_iter);
  dd_state_i64 (st, "taught_at_window_start", &tc->taught_at_window_start);
  dd_state_int (st, "t", &tc->t, 0, tc->T);
  dd_state_bool (st, "window_begun", &tc->window_begun);
  dd_state_u64s (st, "rng", tc->rng.s, 4);
  dd_state_ints (st, "order", tc->order, tc->n_train, 0, tc->n_train - 1);
  dd_state_int (st, "pos", &tc->pos, 0, tc->n_train);
  dd_state_f64 (st, "radius", &tc->radius);
  dd_state_i64 (st, "accepted", &tc->n_accepted);
  dd_state_i64 (st, "rejected", &tc->n_rejected);
  dd_state_int (st, "windows_since_anchor", &tc->windows_since_anchor, 0, I32_MAX);
  dd_state_f64 (st, "best_dev_error", &tc->best_dev_error);
  dd_state_f64 (st, "last_ce", &tc->last_ce);
  dd_state_bool (st, "have_snapshot", &tc->have_snapshot);
  dd_state_f64 (st, "snap_train_loss", &tc->snap_train_loss);
  dd_state_f64 (st, "snap_train_error", &tc->snap_train_error);
  dd_state_f64 (st, "snap_dev_error", &tc->snap_dev_error);
  dd_state_f64s (st, "snap_class_acc", tc->snap_class_acc, tc->C);
  dd_state_f64s (st, "snap_class_margin", tc->snap_class_margin, tc->C);
  dd_state_f64 (st, "run_ce", &tc->run_ce);
  dd_state_f64 (st, "run_err", &tc->run_err);
  dd_state_f64 (st, "run_loss", &tc->run_loss);
  dd_state_int (st, "run_n", &tc->run_n, 0, I32_MAX);
}

static void
visit_window (DdTeach *tc, DdState *st)
{
  const gsize T = tc->T, RC = (gsize) tc->R * tc->C;
  const gsize P = tc->P;

  dd_state_ints (st, "batch_idx", tc->batch_idx, T * tc->B, 0, tc->n_train - 1);
  dd_state_f64s (st, "batch_err", tc->batch_err, T);
  dd_state_f64s (st, "eta", tc->eta, T);
  dd_state_ints (st, "overridden", tc->overridden, T, 0, 1);
  dd_state_reals (st, "phi_W", tc->phi_W, T * RC);
  dd_state_reals (st, "phi_b", tc->phi_b, T * tc->C);
  dd_state_reals (st, "trial_W", tc->trial_W, RC);
  dd_state_reals (st, "trial_b", tc->trial_b, tc->C);
  dd_state_reals (st, "theta_saved", tc->theta_saved, tc->teacher->n_params);

  /* the checkpoints of the window's trajectory */
  gboolean have = tc->ckpt != NULL;
  dd_state_bool (st, "have_checkpoints", &have);
  if (dd_state_reading (st) && dd_state_ok (st))
    {
      if (have)
        teach_ensure_trajectory (tc, tc->k);
      else
        teach_free_trajectory (tc);
    }
  if (have && dd_state_ok (st))
    {
      /* only the checkpoints this window has taken so far (checkpoint c is
       * taken as step c·k begins): the rest would be overwritten before any
       * use, and at a window's start that is all of them */
      int filled = tc->window_begun && tc->t > 0 ? MIN ((tc->t - 1) / tc->k + 1, tc->n_ckpt) : 0;
      dd_state_expect (st, "checkpoints", tc->n_ckpt);
      dd_state_expect (st, "checkpoints_taken", filled);
      dd_state_reals (st, "ckpt", tc->ckpt, (gsize) filled * P);
      if (teach_keeps_velocity (tc))
        dd_state_reals (st, "ckpt_velocity", tc->ckpt + (gsize) tc->n_ckpt * P, (gsize) filled * P);
    }

  /* edits still to take effect */
  dd_state_int (st, "override_left", &tc->override_left, 0, I32_MAX);
  gboolean have_override = tc->override != NULL;
  dd_state_bool (st, "have_override", &have_override);
  if (dd_state_reading (st) && dd_state_ok (st))
    {
      g_clear_pointer (&tc->override, dd_phi_free);
      if (have_override)
        tc->override = dd_phi_new (tc->st->shape, tc->C);
    }
  if (tc->override && dd_state_ok (st))
    {
      dd_state_reals (st, "override_W", tc->override->W, RC);
      dd_state_reals (st, "override_b", tc->override->b, tc->C);
    }
  if (dd_state_reading (st) && dd_state_ok (st) && tc->override_left > 0 && tc->override == NULL)
    dd_state_fail (st, "an edit of Φ is pending for %d steps but its Φ is missing", tc->override_left);
  dd_state_int (st, "pending_window", &tc->pending_window, 1, 1000000);
  dd_state_bool (st, "kind_pending", &tc->kind_pending);
  dd_state_int (st, "pending_kind", (int *) &tc->pending_kind, DD_TEACHER_FIXED, DD_TEACHER_NEURAL);
}

static void
visit_trust (DdTeach *tc, DdState *st)
{
  const gsize P = tc->P;
  const gsize np = tc->teacher->n_params;

  dd_state_opt_f64s (st, "hold_before", &tc->hold_before, tc->n_blocks);
  dd_state_opt_f64s (st, "hold_after", &tc->hold_after, tc->n_blocks);
  dd_state_opt_f64s (st, "hold_anchor", &tc->hold_anchor, tc->n_blocks);
  dd_state_bool (st, "shadow_started", &tc->shadow_started);
  dd_state_int (st, "shadow_ahead", &tc->shadow_ahead, 0, I32_MAX);
  dd_state_opt_reals (st, "shadow_w", &tc->shadow_w, P);
  dd_state_opt_reals (st, "shadow_v", &tc->shadow_v, P);
  dd_state_opt_f64s (st, "hold_shadow", &tc->hold_shadow, tc->n_gblocks);
  dd_state_opt_f64s (st, "hold_live", &tc->hold_live, tc->n_gblocks);
  /* whole-run episodes */
  dd_state_opt_reals (st, "ep_grad", &tc->ep_grad, np);
  dd_state_opt_reals (st, "ep_best_theta", &tc->ep_best_theta, np);
  dd_state_opt_reals (st, "ep_best_grad", &tc->ep_best_grad, np);
  dd_state_opt_f64s (st, "ep_best_hold", &tc->ep_best_hold, tc->n_blocks);
  dd_state_bool (st, "ep_have_best", &tc->ep_have_best);
  dd_state_int (st, "ep_windows", &tc->ep_windows, 0, I32_MAX);
  dd_state_u64s (st, "ep_rng", tc->ep_rng.s, 4);
  dd_state_opt_ints (st, "ep_order", &tc->ep_order, tc->n_train, 0, tc->n_train - 1);
  dd_state_int (st, "ep_pos", &tc->ep_pos, 0, tc->n_train);
  dd_state_opt_reals (st, "w0", &tc->w0, P);
  dd_state_opt_reals (st, "best_params", &tc->best_params, P);
}

void
dd_teach_visit_state (DdTeach *tc, DdState *st)
{
  visit_dims (tc, st);
  if (!dd_state_ok (st))
    return;
  dd_state_push (st, "student");
  dd_state_reals (st, "params", tc->st->params, tc->P);
  visit_optim (tc->sopt, st);
  dd_state_pop (st);
  visit_teacher (tc, &tc->teacher, "teacher", st);
  visit_teacher (tc, &tc->init_teacher, "initial teacher", st);
  visit_teacher (tc, &tc->best_teacher, "best teacher", st);
  if (!dd_state_ok (st) || tc->teacher == NULL || tc->init_teacher == NULL)
    {
      dd_state_fail (st, "the teacher is missing");
      return;
    }
  if (dd_state_reading (st) && tc->teacher->n_params != tc->topt->n)
    {
      /* the teacher changed kind after the branch was made: its optimiser too */
      dd_optim_free (tc->topt);
      tc->topt = dd_optim_new (tc->cfg.teacher_optimizer, tc->teacher->n_params, tc->cfg.teacher_lr,
                               tc->cfg.teacher_optimizer == DD_OPTIM_SGD ? tc->cfg.teacher_momentum : 0.0);
      tc->theta_saved = g_renew (dd_real, tc->theta_saved, tc->teacher->n_params);
    }
  dd_state_push (st, "teacher optimiser");
  visit_optim (tc->topt, st);
  dd_state_pop (st);
  visit_progress (tc, st);
  visit_window (tc, st);
  visit_trust (tc, st);
  if (dd_state_reading (st))
    g_clear_pointer (&tc->best_student, dd_student_free);
}
