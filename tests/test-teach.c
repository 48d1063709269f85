/* test-teach.c: the L2T-DLF reverse pass, end to end
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * dθ from the reverse pass through a whole unrolled window of training must
 * equal the central finite difference of M(ω_T(θ)) — each difference a full
 * re-run of the window's T student steps and the dev objective — in double
 * precision, for every teacher kind, both objectives, ρ = 0 and 0.9 and
 * both forms of the loss (normalised and paper, Φ with its s row); also for
 * LeNet on a few Fashion-MNIST images. The checkpointed pass must give the
 * same dθ as storing every step, and the single-precision engine
 * (teach-probe) must agree with double precision to 1e-2. The teacher's
 * step at a window's end: the trust step's verdicts, what a rejected and an
 * accepted step do to θ, and the plain step against the optimiser's update
 * written out.
 */
#include "gradcheck.h"
#include "teach-common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define END_TO_END_TOL 1e-5

static DdData *digits;

typedef struct {
  DdTeach *teach;
} Window;

static double
window_objective (gpointer user_data)
{
  Window *w = user_data;
  g_autoptr(GError) error = NULL;
  double M = NAN;

  g_assert_true (dd_teach_window_objective (w->teach, &M, &error));
  g_assert_no_error (error);
  return M;
}

/* FD with step h over the teacher parameters [0, n) with a stride; returns
 * max rel err */
static double
check_hypergradient_step (DdTeach *teach, const char *name, size_t stride, double h)
{
  g_autoptr(GError) error = NULL;
  DdTeacher *teacher = dd_teach_get_teacher (teach);
  size_t n = teacher->n_params, m = (n + stride - 1) / stride;
  g_autofree dd_real *analytic = g_new (dd_real, m);
  g_autofree double *numeric = g_new (double, m);
  Window w = { teach };
  double M;

  g_assert_true (dd_teach_window_hypergradient (teach, 0, &M, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (fabs (M - window_objective (&w)), <=, 1e-14);
  for (size_t k = 0; k < m; k++)
    analytic[k] = teacher->grads[k * stride];
  for (size_t k = 0; k < m; k++)
    gradcheck_numeric (&numeric[k], &teacher->params[k * stride], 1, window_objective, &w, h);
  double err = gradcheck_compare (name, analytic, numeric, m);
  double big = 0;
  for (size_t k = 0; k < m; k++)
    big = fmax (big, fabs (numeric[k]));
  g_assert_cmpfloat (big, >, 1e-8); /* the check must not be vacuous */
  return err;
}

static double
check_hypergradient (DdTeach *teach, const char *name, size_t stride)
{
  return check_hypergradient_step (teach, name, stride, GRADCHECK_EPS);
}

static DdData *
need_digits (void)
{
  if (digits == NULL)
    {
      g_autoptr(GError) error = NULL;
      digits = dd_data_load ("digits", &error);
      g_assert_no_error (error);
    }
  return digits;
}

typedef struct {
  DdTeacherKind kind;
  DdObjective   objective;
  double        momentum;
  DdPhiForm     form;
} Case;

static void
test_end_to_end (gconstpointer data)
{
  const Case *c = data;
  DdTeachConfig cfg;

  teach_problem_config (&cfg, c->kind, c->objective, c->momentum);
  cfg.start.form = c->form;
  g_autoptr(DdTeach) teach = teach_problem_new (&cfg, need_digits ());
  /* Φ's W block carries the s row, which the teacher outputs and the check
   * covers like every other parameter */
  DdTeacher *teacher = dd_teach_get_teacher (teach);
  g_assert_cmpint (teacher->n_rows, ==, teacher->n_classes + 1);
  g_assert_cmpint (teacher->start.form, ==, c->form);
  g_autofree char *name = g_strdup_printf ("%s %s %s ρ=%g", dd_phi_form_name (c->form),
                                           dd_teacher_kind_name (c->kind),
                                           dd_objective_name (c->objective), c->momentum);
  g_assert_cmpfloat (check_hypergradient (teach, name, 1), <=, END_TO_END_TOL);
}

/* LeNet's ReLUs and max-pools make each step's gradient jump where a unit's
 * input crosses 0 (or a pool's arg-max changes), so ω_T(θ), and M with it,
 * is only piecewise smooth in θ after the first step: M jumps by some 1e-5
 * to 1e-4 at points that lie about 1e-4 apart along a teacher parameter
 * here (measured: at the normalised start four of the 34 checked parameters
 * lie within 1e-5 of such a jump, at the paper start none). A central
 * difference over a jump is meaningless, whatever its tolerance, so the
 * step is 1e-6 here, ten times narrower; its rounding error, about
 * 1e-16·M/h ≈ 5e-11, stays far below the tolerance on derivatives of order
 * 1e-2. The tanh MLP of the other cases is smooth and keeps GRADCHECK_EPS. */
#define LENET_FD_STEP 1e-6

static void
test_lenet_end_to_end (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) fashion = dd_data_load ("fashion-mnist", &error);
  DdTeachConfig cfg;

  if (fashion == NULL)
    {
      g_test_skip (error->message);
      return;
    }
  DdData few = {
    .name = (char *) "fashion-mnist (a few images)",
    .train = dd_dataset_slice (fashion->train, 0, 60, "train"),
    .dev = dd_dataset_slice (fashion->dev, 0, 24, "dev"),
    .test = dd_dataset_slice (fashion->test, 0, 24, "test"),
  };
  for (DdPhiForm form = DD_PHI_NORMALISED; form <= DD_PHI_PAPER; form++)
    {
      dd_teach_config_init (&cfg);
      cfg.student.net = dd_net_spec_default (DD_STUDENT_LENET);
      cfg.student.batch = 4;
      cfg.student.lr = 0.05;
      cfg.student.momentum = 0.5;
      cfg.student.seed = 4;
      cfg.window = 5;
      cfg.pretrain_steps = 4;
      cfg.dev_subsample = 24;
      cfg.start.form = form;
      g_autoptr(DdTeach) teach = teach_problem_new (&cfg, &few);
      g_autofree char *name = g_strdup_printf ("LeNet gated %s", dd_phi_form_name (form));
      /* gated: 233 parameters (W block 11 × 10); every 7th is checked, which
       * covers W, the s row, b, W₂ and the gate */
      g_assert_cmpuint (dd_teach_get_teacher (teach)->n_params, ==, 2 * 110 + 10 + 3);
      g_assert_cmpfloat (check_hypergradient_step (teach, name, 7, LENET_FD_STEP), <=,
                         END_TO_END_TOL);
    }
  dd_dataset_free (few.train);
  dd_dataset_free (few.dev);
  dd_dataset_free (few.test);
}

static void
test_checkpointing_is_exact (void)
{
  g_autoptr(GError) error = NULL;
  DdTeachConfig cfg;
  const int ks[] = { 1, 2, 3, 8 };
  g_autofree dd_real *reference = NULL;
  double M0 = 0;

  teach_problem_config (&cfg, DD_TEACHER_GATED, DD_OBJECTIVE_SMOOTH_ERROR, 0.9);
  g_autoptr(DdTeach) teach = teach_problem_new (&cfg, need_digits ());
  DdTeacher *teacher = dd_teach_get_teacher (teach);
  for (size_t i = 0; i < G_N_ELEMENTS (ks); i++)
    {
      double M;
      g_assert_true (dd_teach_window_hypergradient (teach, ks[i], &M, &error));
      g_assert_no_error (error);
      if (reference == NULL)
        {
          reference = g_memdup2 (teacher->grads, teacher->n_params * sizeof (dd_real));
          M0 = M;
          continue;
        }
      /* replay repeats the arithmetic exactly: the same bits */
      g_assert_cmpfloat (M, ==, M0);
      g_assert_cmpmem (teacher->grads, teacher->n_params * sizeof (dd_real),
                       reference, teacher->n_params * sizeof (dd_real));
    }
}

static void
test_trajectory_memory (void)
{
  g_autoptr(GError) error = NULL;
  DdTeachConfig cfg;

  /* the demo's T = 200 with ρ = 0 */
  teach_problem_config (&cfg, DD_TEACHER_GATED, DD_OBJECTIVE_SMOOTH_ERROR, 0.0);
  cfg.window = 200;
  g_autoptr(DdTeach) teach = dd_teach_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  double full = (double) dd_teach_trajectory_bytes (teach, 1);
  double ckpt = (double) dd_teach_trajectory_bytes (teach, 0);
  g_test_message ("trajectory memory at T = 200: %.0f bytes checkpointed, %.0f stored, %.1f %%",
                  ckpt, full, 100 * ckpt / full);
  g_assert_cmpfloat (ckpt, <=, 0.2 * full);
}

static void
test_single_precision_agrees (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *probe = g_test_build_filename (G_TEST_BUILT, "teach-probe", NULL);
  g_autofree char *momentum = g_strdup_printf ("%g", c->momentum);
  const char *argv[] = { probe, dd_teacher_kind_name (c->kind), dd_objective_name (c->objective),
                         momentum, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status;
  DdTeachConfig cfg;
  double M;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("teach-probe failed: %s\n%s", error->message, err);

  teach_problem_config (&cfg, c->kind, c->objective, c->momentum);
  g_autoptr(DdTeach) teach = teach_problem_new (&cfg, need_digits ());
  g_assert_true (dd_teach_window_hypergradient (teach, 0, &M, &error));
  DdTeacher *teacher = dd_teach_get_teacher (teach);

  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  g_auto(GStrv) head = g_strsplit (lines[0], " ", -1);
  g_assert_cmpuint (g_strv_length (head), ==, 3);
  g_assert_cmpuint (g_ascii_strtoull (head[2], NULL, 10), ==, teacher->n_params);
  g_autofree dd_real *single = g_new (dd_real, teacher->n_params);
  for (size_t i = 0; i < teacher->n_params; i++)
    single[i] = g_ascii_strtod (lines[i + 1], NULL);
  double rel = max_rel_diff (single, teacher->grads, teacher->n_params);
  double Ms = g_ascii_strtod (head[1], NULL);
  g_test_message ("%s precision probe: M %.8f vs %.8f; dθ max rel diff %.3e",
                  head[0], Ms, M, rel);
  g_assert_cmpfloat (fabs (Ms - M), <=, 1e-4 * fmax (1.0, fabs (M)));
  g_assert_cmpfloat (rel, <=, 1e-2);
}

static void
test_refuses_bad_hyperparameters (void)
{
  struct { const char *what; int which; } cases[] = {
    { "learning rate", 0 }, { "window", 1 }, { "teacher kind", 2 }, { "teacher learning rate", 3 },
    { "checkpoint", 4 }, { "SGD", 5 }, { "trust radius", 6 }, { "held-out dev examples", 7 },
    { "acceptance tolerance", 8 }, { "anchor test", 9 }, { "starting scale", 10 },
    { "loss form", 11 }, { "teacher step", 12 }, { "trust radius", 13 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      DdTeachConfig cfg;
      teach_problem_config (&cfg, DD_TEACHER_GATED, DD_OBJECTIVE_SMOOTH_ERROR, 0.0);
      switch (cases[i].which)
        {
        case 0: cfg.student.lr = -0.01; break;
        case 1: cfg.window = 0; break;
        case 2: cfg.teacher = (DdTeacherKind) 99; break;
        case 3: cfg.teacher_lr = 0; break;
        case 4: cfg.checkpoint_every = 100; break;
        case 5: cfg.student.optimizer = DD_OPTIM_ADAM; break;
        case 6: cfg.trust_radius = 0; break;
        case 7: cfg.holdout = -1; break;
        case 8: cfg.accept_tolerance = NAN; break;
        case 9: cfg.anchor_every = -1; break;
        case 10: cfg.start.epsilon = 0; break;
        case 11: cfg.start.form = (DdPhiForm) 7; break;
        case 12: cfg.teacher_step = (DdTeacherStep) 5; break;
        case 13: cfg.trust_radius = INFINITY; break;
        }
      g_assert_null (dd_teach_new (&cfg, need_digits (), &error));
      g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
      g_test_message ("refused: %s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].what));
    }
}

static void
test_nan_in_phi_stops (void)
{
  g_autoptr(GError) error = NULL;
  DdTeachConfig cfg;

  teach_problem_config (&cfg, DD_TEACHER_GATED, DD_OBJECTIVE_SMOOTH_ERROR, 0.0);
  g_autoptr(DdTeach) teach = teach_problem_new (&cfg, need_digits ());
  DdNet *net = dd_teach_get_student (teach)->net;
  g_autofree dd_real *before = g_memdup2 (net->params, net->n_params * sizeof (dd_real));
  gint64 step = dd_teach_get_step (teach);

  dd_teach_get_teacher (teach)->params[0] = NAN;
  g_assert_false (dd_teach_step (teach, NULL, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_DIVERGED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Φ"));
  g_autofree char *where = g_strdup_printf ("step %" G_GINT64_FORMAT, step + 1);
  g_assert_nonnull (strstr (error->message, where));
  /* nothing moved: the last good state is intact */
  g_assert_cmpint (dd_teach_get_step (teach), ==, step);
  g_assert_cmpmem (net->params, net->n_params * sizeof (dd_real),
                   before, net->n_params * sizeof (dd_real));
}

static void
run_windows (DdTeach *teach, int n, DdStepReport *last)
{
  g_autoptr(GError) error = NULL;
  int windows = 0;
  while (windows < n)
    {
      g_assert_true (dd_teach_step (teach, last, &error));
      g_assert_no_error (error);
      windows += last->kind == DD_STEP_WINDOW;
    }
}

static void
test_protocols (void)
{
  DdTeachConfig cfg;
  DdStepReport r;

  /* episodic: the student returns to ω₀ after every window; the teacher moves */
  teach_problem_config (&cfg, DD_TEACHER_GATED, DD_OBJECTIVE_SMOOTH_ERROR, 0.0);
  g_autoptr(DdTeach) ep = teach_problem_new (&cfg, need_digits ());
  DdNet *net = dd_teach_get_student (ep)->net;
  DdTeacher *teacher = dd_teach_get_teacher (ep);
  g_autofree dd_real *w0 = g_memdup2 (net->params, net->n_params * sizeof (dd_real));
  g_autofree dd_real *th0 = g_memdup2 (teacher->params, teacher->n_params * sizeof (dd_real));
  run_windows (ep, 2, &r);
  g_assert_cmpint (r.meta_iteration, ==, 2);
  g_assert_cmpfloat (r.teacher_grad_norm, >, 0);
  g_assert_cmpmem (net->params, net->n_params * sizeof (dd_real), w0, net->n_params * sizeof (dd_real));
  g_assert_true (memcmp (teacher->params, th0, teacher->n_params * sizeof (dd_real)) != 0);

  /* continual: the student goes on */
  cfg.protocol = DD_PROTOCOL_CONTINUAL;
  g_autoptr(DdTeach) co = teach_problem_new (&cfg, need_digits ());
  net = dd_teach_get_student (co)->net;
  g_autofree dd_real *c0 = g_memdup2 (net->params, net->n_params * sizeof (dd_real));
  run_windows (co, 2, &r);
  g_assert_cmpint (dd_teach_get_step (co), ==, cfg.pretrain_steps + 2 * cfg.window);
  g_assert_true (memcmp (net->params, c0, net->n_params * sizeof (dd_real)) != 0);
}

static void
test_arms_share_start_and_batches (void)
{
  g_autoptr(GError) error = NULL;
  DdTeachConfig cfg;

  teach_problem_config (&cfg, DD_TEACHER_FIXED, DD_OBJECTIVE_SMOOTH_ERROR, 0.0);
  cfg.protocol = DD_PROTOCOL_CONTINUAL;
  cfg.arm = DD_ARM_BASELINE_CE;
  g_autoptr(DdTeach) ce = dd_teach_new (&cfg, need_digits (), &error);
  cfg.arm = DD_ARM_FROZEN_TEACHER;
  g_autoptr(DdTeach) dlf = dd_teach_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  DdNet *a = dd_teach_get_student (ce)->net, *b = dd_teach_get_student (dlf)->net;
  g_assert_cmpmem (a->params, a->n_params * sizeof (dd_real), b->params, b->n_params * sizeof (dd_real));
  /* the warm-up is cross-entropy for both: still identical after it */
  for (int i = 0; i < cfg.pretrain_steps; i++)
    {
      g_assert_true (dd_teach_step (ce, NULL, &error));
      g_assert_true (dd_teach_step (dlf, NULL, &error));
    }
  g_assert_cmpmem (a->params, a->n_params * sizeof (dd_real), b->params, b->n_params * sizeof (dd_real));
  /* then the losses differ */
  g_assert_true (dd_teach_step (ce, NULL, &error));
  g_assert_true (dd_teach_step (dlf, NULL, &error));
  g_assert_true (memcmp (a->params, b->params, a->n_params * sizeof (dd_real)) != 0);
}

/* ---------------------------------------------------------------------- */
/* the teacher's step at a window's end */

static double
distance (const dd_real *a, const dd_real *b, size_t n)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
  return sqrt (s);
}

/* the next window-closing report; θ before that window's update in before */
static void
next_window (DdTeach *teach, DdStepReport *r, dd_real *before)
{
  g_autoptr(GError) error = NULL;
  DdTeacher *teacher = dd_teach_get_teacher (teach);

  memcpy (before, teacher->params, teacher->n_params * sizeof (dd_real));
  do
    {
      g_assert_true (dd_teach_step (teach, r, &error));
      g_assert_no_error (error);
      /* θ only moves when a window closes */
      if (r->kind != DD_STEP_WINDOW)
        g_assert_cmpmem (teacher->params, teacher->n_params * sizeof (dd_real),
                         before, teacher->n_params * sizeof (dd_real));
    }
  while (r->kind != DD_STEP_WINDOW);
}

/* Two threads against one on a student wide enough for every split that
 * two threads make at batch 10: the first layer's units (2,100 of them,
 * 1.3 M flops a slice) and the vectors of the parameters' size in the
 * update and the reverse pass (157 k values, two parts). In double
 * precision the runs agree to rounding, at the default k and at k = 1 (the
 * reverse pass reads ω_t from the checkpoints); two threads twice give the
 * same bits. */
static void
test_two_threads (void)
{
  const int windows = 3;

  for (int k = 0; k <= 1; k++)
    {
      dd_real *theta[3] = { NULL }, *omega[3] = { NULL };
      size_t n_theta = 0, n_omega = 0;
      const int threads[3] = { 1, 2, 2 };

      for (int r = 0; r < 3; r++)
        {
          DdTeachConfig cfg;
          DdStepReport rep;
          teach_problem_config (&cfg, DD_TEACHER_GATED, DD_OBJECTIVE_SMOOTH_ERROR, 0.9);
          cfg.protocol = DD_PROTOCOL_CONTINUAL;
          cfg.student.net.hidden[0] = 2100;
          cfg.student.threads = threads[r];
          cfg.checkpoint_every = k;
          cfg.meta_iterations = windows;
          g_autoptr(DdTeach) teach = teach_problem_new (&cfg, need_digits ());
          DdStudent *st = dd_teach_get_student (teach);
          DdTeacher *teacher = dd_teach_get_teacher (teach);
          g_autofree dd_real *before = g_new (dd_real, teacher->n_params);

          if (threads[r] == 2)
            {
              g_assert_cmpint (dd_student_unit_workers (st, cfg.student.batch), ==, 2);
              g_assert_cmpuint (st->P, >=, 2 * DD_FOR_MIN);
            }
          for (int w = 0; w < windows; w++)
            next_window (teach, &rep, before);
          n_theta = teacher->n_params;
          n_omega = st->P;
          theta[r] = g_memdup2 (teacher->params, n_theta * sizeof (dd_real));
          omega[r] = g_memdup2 (st->params, n_omega * sizeof (dd_real));
        }
      for (size_t i = 0; i < n_theta; i++)
        g_assert_cmpfloat_with_epsilon (theta[1][i], theta[0][i], 1e-9 * (1 + fabs (theta[0][i])));
      for (size_t i = 0; i < n_omega; i++)
        g_assert_cmpfloat_with_epsilon (omega[1][i], omega[0][i], 1e-9 * (1 + fabs (omega[0][i])));
      g_assert_cmpmem (theta[1], n_theta * sizeof (dd_real), theta[2], n_theta * sizeof (dd_real));
      g_assert_cmpmem (omega[1], n_omega * sizeof (dd_real), omega[2], n_omega * sizeof (dd_real));
      for (int r = 0; r < 3; r++)
        {
          g_free (theta[r]);
          g_free (omega[r]);
          theta[r] = omega[r] = NULL;
        }
    }
}

/* k only trades memory for replays: the trust step's held-out points are
 * steps of the window, not checkpoints, so a run's verdicts, measures,
 * teacher and student are the same bits at any k. */
static void
test_checkpoint_spacing_changes_nothing (void)
{
  const int ks[] = { 0, 1, 5, 16 };
  g_autofree dd_real *theta0 = NULL, *omega0 = NULL;
  DdStepReport ref[5];
  const int windows = G_N_ELEMENTS (ref);
  size_t n_theta = 0, n_omega = 0;

  for (size_t i = 0; i < G_N_ELEMENTS (ks); i++)
    {
      DdTeachConfig cfg;
      teach_problem_config (&cfg, DD_TEACHER_GATED, DD_OBJECTIVE_SMOOTH_ERROR, 0.9);
      cfg.protocol = DD_PROTOCOL_CONTINUAL;
      cfg.window = 16;
      cfg.meta_iterations = windows;
      cfg.checkpoint_every = ks[i];
      cfg.shadow = TRUE;
      g_assert_cmpint (cfg.teacher_step, ==, DD_TEACHER_STEP_TRUST);
      g_autoptr(DdTeach) teach = teach_problem_new (&cfg, need_digits ());
      DdTeacher *teacher = dd_teach_get_teacher (teach);
      DdNet *net = dd_teach_get_student (teach)->net;
      g_autofree dd_real *before = g_new (dd_real, teacher->n_params);
      int measured = 0;

      /* the k the reverse pass uses: the configured one, or ⌈√16⌉ = 4 */
      g_assert_cmpint (dd_teach_get_checkpoint_every (teach), ==, ks[i] > 0 ? ks[i] : 4);

      for (int w = 0; w < windows; w++)
        {
          DdStepReport r;
          next_window (teach, &r, before);
          g_test_message ("k %d, window %d: %s, held-out %.9f → %.9f", ks[i], w + 1,
                          dd_update_verdict_name (r.verdict), r.holdout_before, r.holdout_after);
          measured += isfinite (r.holdout_before) && isfinite (r.holdout_after);
          if (i == 0)
            {
              ref[w] = r;
              continue;
            }
          g_assert_cmpint (r.verdict, ==, ref[w].verdict);
          g_assert_cmpfloat (r.holdout_before, ==, ref[w].holdout_before);
          g_assert_cmpfloat (r.holdout_after, ==, ref[w].holdout_after);
          g_assert_cmpfloat (r.holdout_se, ==, ref[w].holdout_se);
          g_assert_cmpfloat (r.dev_error, ==, ref[w].dev_error);
        }
      /* the trust step ran and measured in every window */
      g_assert_cmpint (measured, ==, windows);
      if (i == 0)
        {
          n_theta = teacher->n_params;
          n_omega = net->n_params;
          theta0 = g_memdup2 (teacher->params, n_theta * sizeof (dd_real));
          omega0 = g_memdup2 (net->params, n_omega * sizeof (dd_real));
          continue;
        }
      g_assert_cmpmem (teacher->params, n_theta * sizeof (dd_real), theta0, n_theta * sizeof (dd_real));
      g_assert_cmpmem (net->params, n_omega * sizeof (dd_real), omega0, n_omega * sizeof (dd_real));
    }
}

static void
test_config_defaults (void)
{
  DdTeachConfig cfg;

  dd_teach_config_init (&cfg);
  g_assert_cmpint (cfg.dev_subsample, ==, 5000);
  g_assert_cmpint (cfg.teacher_step, ==, DD_TEACHER_STEP_TRUST);
  g_assert_cmpfloat (cfg.trust_radius, ==, 0.3);
  g_assert_cmpint (cfg.holdout, ==, 0);
  g_assert_cmpfloat (cfg.accept_tolerance, ==, -1.0);
  g_assert_cmpint (cfg.anchor_every, ==, 1);
  g_assert_cmpint (cfg.start.form, ==, DD_PHI_NORMALISED);
  g_assert_cmpfloat (cfg.start.epsilon, ==, 0.1);
  g_assert_cmpint (cfg.baseline_loss, ==, DD_LOSS_CE);
  g_assert_cmpstr (dd_update_verdict_name (DD_UPDATE_TAKEN), ==, "taken");
  g_assert_cmpstr (dd_update_verdict_name (DD_UPDATE_ACCEPTED), ==, "accepted");
  g_assert_cmpstr (dd_update_verdict_name (DD_UPDATE_REJECTED), ==, "rejected");
  g_assert_cmpstr (dd_update_verdict_name (DD_UPDATE_FALLBACK), ==, "fallback");
  g_assert_cmpstr (dd_update_verdict_name (DD_UPDATE_NONE), ==, "none");
}

/* Episodes of whole training runs (episode_steps = 3 windows): θ stays fixed
 * through an episode, whose windows report no update; the teacher moves once
 * per episode (the meta-iteration count with it); every episode starts again
 * from the warmed-up student ω₀ with v = 0 on the same minibatches — so its
 * first step sees the same batch at the same weights and reports the same
 * batch error; the first episode is accepted as the best so far, and later
 * ones are accepted or rejected against it. */
static void
test_whole_episodes (void)
{
  DdTeachConfig cfg;
  g_autoptr(GError) error = NULL;

  teach_problem_config (&cfg, DD_TEACHER_FIXED, DD_OBJECTIVE_SMOOTH_ERROR, 0.9);
  cfg.protocol = DD_PROTOCOL_EPISODIC;
  cfg.episode_steps = 3 * cfg.window;
  cfg.meta_iterations = 4;
  g_autoptr(DdTeach) teach = dd_teach_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  DdStudent *st = dd_teach_get_student (teach);
  DdTeacher *teacher = dd_teach_get_teacher (teach);
  g_autofree dd_real *w0 = NULL;
  g_autofree dd_real *theta = g_new (dd_real, teacher->n_params);
  double first_batch_error = -1;
  int windows = 0, episodes = 0;
  gboolean episode_start = TRUE;

  while (!dd_teach_is_done (teach))
    {
      DdStepReport r;
      if (dd_teach_get_step (teach) == cfg.pretrain_steps && w0 == NULL)
        w0 = g_memdup2 (st->params, st->P * sizeof (dd_real));
      if (episode_start && w0 != NULL)
        {
          /* every episode starts at ω₀ with the same θ through it */
          g_assert_cmpmem (st->params, st->P * sizeof (dd_real), w0, st->P * sizeof (dd_real));
          memcpy (theta, teacher->params, teacher->n_params * sizeof (dd_real));
        }
      g_assert_true (dd_teach_step (teach, &r, &error));
      g_assert_no_error (error);
      if (r.kind == DD_STEP_PRETRAIN)
        continue;
      if (episode_start)
        {
          if (first_batch_error < 0)
            first_batch_error = r.batch_error;
          g_assert_cmpfloat (r.batch_error, ==, first_batch_error);
          episode_start = FALSE;
        }
      if (r.kind != DD_STEP_WINDOW)
        continue;
      windows++;
      /* the window's time in its parts, as `bench` reports them */
      g_assert_cmpfloat (r.steps_seconds, >, 0.0);
      g_assert_cmpfloat (r.dev_seconds, >, 0.0);
      g_assert_cmpfloat (r.reverse_pass_seconds, >, 0.0);
      g_assert_cmpfloat (r.update_seconds, >=, 0.0);
      g_assert_cmpfloat_with_epsilon (r.steps_seconds + r.dev_seconds, r.forward_seconds, 1e-9);
      g_assert_cmpfloat_with_epsilon (r.reverse_pass_seconds + r.update_seconds, r.reverse_seconds, 1e-9);
      if (windows % 3 != 0)
        {
          /* inside an episode: θ fixed, nothing reported as an update */
          g_assert_cmpint (r.verdict, ==, DD_UPDATE_NONE);
          g_assert_cmpmem (teacher->params, teacher->n_params * sizeof (dd_real),
                           theta, teacher->n_params * sizeof (dd_real));
          g_assert_cmpint (r.meta_iteration, ==, episodes);
          continue;
        }
      episodes++;
      episode_start = TRUE;
      g_assert_cmpint (r.meta_iteration, ==, episodes);
      g_assert_true (isfinite (r.holdout_after));
      g_test_message ("episode %d: %s, held-out %.6f (best before %.6f), next step %.4g",
                      episodes, dd_update_verdict_name (r.verdict), r.holdout_after,
                      r.holdout_before, r.step_length);
      if (episodes == 1)
        g_assert_cmpint (r.verdict, ==, DD_UPDATE_ACCEPTED);
      else
        g_assert_true (r.verdict == DD_UPDATE_ACCEPTED || r.verdict == DD_UPDATE_REJECTED);
      /* the next episode's θ is a step of the radius from the best θ */
      g_assert_cmpfloat (r.step_length, >, 0.0);
    }
  g_assert_cmpint (episodes, ==, 4);
  g_assert_cmpint (windows, ==, 12);
  /* the best teacher is one that ran an accepted episode, and the best
   * student is the one it trained, not ω₀ where the last episode left the run */
  g_assert_nonnull (dd_teach_get_best_teacher (teach));
  DdStudent *best = dd_teach_get_best_student (teach), *now = dd_teach_get_student (teach);
  g_assert_true (best != now);
  g_assert_true (memcmp (best->params, now->params, now->P * sizeof (dd_real)) != 0);
}

/* With the default tolerance a step is kept only when the held-out objective
 * fell by more than one paired standard error, and rejected otherwise; the
 * anchor test may reset the teacher to its start (a fallback), which is the
 * only other verdict. */
static void
test_trust_step_default_tolerance (void)
{
  DdTeachConfig cfg;
  DdStepReport r;
  int accepted = 0, rejected = 0;

  teach_problem_config (&cfg, DD_TEACHER_GATED, DD_OBJECTIVE_SMOOTH_ERROR, 0.0);
  cfg.protocol = DD_PROTOCOL_CONTINUAL;
  cfg.meta_iterations = 12;
  cfg.trust_radius = 1.0;
  g_assert_cmpfloat (cfg.accept_tolerance, ==, -1.0);
  g_autoptr(DdTeach) teach = teach_problem_new (&cfg, need_digits ());
  DdTeacher *teacher = dd_teach_get_teacher (teach);
  g_autofree dd_real *before = g_new (dd_real, teacher->n_params);

  for (int w = 0; w < cfg.meta_iterations; w++)
    {
      next_window (teach, &r, before);
      const double diff = r.holdout_after - r.holdout_before;
      g_test_message ("window %d: %s, held-out change %+.6f, se %.2e", w + 1,
                      dd_update_verdict_name (r.verdict), diff, r.holdout_se);
      if (r.verdict == DD_UPDATE_ACCEPTED)
        {
          accepted++;
          g_assert_cmpfloat (diff, <=, -r.holdout_se + 1e-12);
        }
      else if (r.verdict == DD_UPDATE_REJECTED)
        {
          rejected++;
          g_assert_cmpfloat (diff, >, -r.holdout_se - 1e-12);
          g_assert_cmpmem (teacher->params, teacher->n_params * sizeof (dd_real),
                           before, teacher->n_params * sizeof (dd_real));
        }
      else
        g_assert_cmpint (r.verdict, ==, DD_UPDATE_FALLBACK);
    }
  g_test_message ("%d accepted, %d rejected", accepted, rejected);
  g_assert_cmpint (accepted + rejected, >, 0);
}

/* The trust step on a small continual run (gated teacher, digits, T = 8):
 * every window's verdict is accepted or rejected, never taken untested (the
 * anchor test is off, so no fallback either); the held-out objective before
 * and after is finite, with a finite paired standard error; a rejected step
 * leaves θ bit for bit as it was and halves r; an accepted one moves θ by
 * exactly r (‖Δθ‖ = r to 1e-9 relative, in double) against the
 * hypergradient (each Δθ_i of the opposite sign to dθ_i, 0 where dθ_i is),
 * grows r by half (up to the engine's ceiling), and is taken only if the
 * held-out objective did not rise (accept_tolerance 0: mean(after − before)
 * ≤ 0). */
static void
test_trust_step (void)
{
  DdTeachConfig cfg;
  DdStepReport r;

  teach_problem_config (&cfg, DD_TEACHER_GATED, DD_OBJECTIVE_SMOOTH_ERROR, 0.0);
  cfg.protocol = DD_PROTOCOL_CONTINUAL;
  cfg.meta_iterations = 24;
  cfg.anchor_every = 0;
  cfg.shadow = FALSE;
  /* the rule at its plainest: kept when the held-out objective does not rise */
  cfg.accept_tolerance = 0.0;
  /* a first step long enough to be rejected, so that both verdicts come up */
  cfg.trust_radius = 1.0;
  g_assert_cmpint (cfg.teacher_step, ==, DD_TEACHER_STEP_TRUST);
  g_autoptr(DdTeach) teach = teach_problem_new (&cfg, need_digits ());
  /* teach_problem_new moved θ off its start; that is only the start of the run */
  DdTeacher *teacher = dd_teach_get_teacher (teach);
  const size_t n = teacher->n_params;
  g_autofree dd_real *before = g_new (dd_real, n);
  double radius;
  gint64 accepted = 0, rejected = 0, n_acc, n_rej;
  double worst_length = 0;

  dd_teach_get_update_counts (teach, &n_acc, &n_rej, &radius);
  g_assert_cmpint (n_acc, ==, 0);
  g_assert_cmpint (n_rej, ==, 0);
  g_assert_cmpfloat (radius, ==, cfg.trust_radius);
  /* at least 8 windows, and on until both verdicts have come up */
  for (int w = 0; w < cfg.meta_iterations && (w < 8 || accepted == 0 || rejected == 0); w++)
    {
      next_window (teach, &r, before);
      const double moved = distance (teacher->params, before, n);
      g_test_message ("window %d: %s, r %.4g, ‖dθ‖ %.3e, ‖Δθ‖ %.6g, held-out %.6f → %.6f "
                      "(se %.2e)", w + 1, dd_update_verdict_name (r.verdict), r.step_length,
                      r.teacher_grad_norm, moved, r.holdout_before, r.holdout_after,
                      r.holdout_se);
      g_assert_true (r.verdict == DD_UPDATE_ACCEPTED || r.verdict == DD_UPDATE_REJECTED);
      g_assert_true (isfinite (r.holdout_before));
      g_assert_true (isfinite (r.holdout_after));
      g_assert_true (isfinite (r.holdout_se) && r.holdout_se >= 0.0);
      g_assert_cmpfloat (r.teacher_grad_norm, >, 0.0);
      /* the step tried is the radius the previous windows left */
      g_assert_cmpfloat (r.step_length, ==, radius);
      if (r.verdict == DD_UPDATE_REJECTED)
        {
          rejected++;
          g_assert_cmpmem (teacher->params, n * sizeof (dd_real), before, n * sizeof (dd_real));
          g_assert_cmpfloat (r.holdout_after, >=, r.holdout_before - 1e-12);
        }
      else
        {
          accepted++;
          worst_length = fmax (worst_length, fabs (moved - r.step_length) / r.step_length);
          g_assert_cmpfloat (fabs (moved - r.step_length), <=, 1e-9 * r.step_length);
          g_assert_cmpfloat (r.holdout_after, <=, r.holdout_before + 1e-12);
          for (size_t i = 0; i < n; i++)
            {
              const double step = (double) teacher->params[i] - before[i];
              const double g = teacher->grads[i];
              if (g == 0.0)
                g_assert_cmpfloat (step, ==, 0.0);
              else
                g_assert_cmpfloat (step * g, <, 0.0);
            }
        }
      double now;
      dd_teach_get_update_counts (teach, &n_acc, &n_rej, &now);
      g_assert_cmpint (n_acc, ==, accepted);
      g_assert_cmpint (n_rej, ==, rejected);
      /* r halves after a rejection and grows by half after an acceptance,
       * within the engine's floor and ceiling (multiples of r₀, which this
       * run's rejections stay far above) */
      if (r.verdict == DD_UPDATE_REJECTED)
        g_assert_cmpfloat (now, ==, 0.5 * radius);
      else
        g_assert_true (now == 1.5 * radius || (now >= radius && now < 1.5 * radius));
      radius = now;
    }
  g_test_message ("%" G_GINT64_FORMAT " accepted, %" G_GINT64_FORMAT " rejected; accepted steps: "
                  "largest |‖Δθ‖ − r| / r = %.2e", accepted, rejected, worst_length);
  /* both verdicts happen on this run, so both branches were checked */
  g_assert_cmpint (accepted, >, 0);
  g_assert_cmpint (rejected, >, 0);
}

/* The shadow: the student of the initial teacher that a continual taught
 * arm carries beside its own must be, window after window, bit for bit the
 * student of a frozen arm of the same seed (same minibatches, same rates,
 * Φ₀). A teacher made harmful (Φ's diagonal shrunk to 0.02: the loss barely
 * trains) falls behind it; the arm must then take the shadow's student and
 * go back to the initial teacher, and from there be the frozen arm's twin.
 * With patience 0 it must wait for the run's last window; with patience 2
 * the shadow must have led at two windows in a row. */
static void
test_shadow (gconstpointer data)
{
  const int patience = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  DdTeachConfig cfg;
  DdStepReport r;

  teach_problem_config (&cfg, DD_TEACHER_FIXED, DD_OBJECTIVE_SMOOTH_ERROR, 0.9);
  cfg.protocol = DD_PROTOCOL_CONTINUAL;
  cfg.meta_iterations = 12;
  cfg.anchor_every = 0;
  cfg.trust_radius = 1e-6;  /* the teacher stays where the test puts it */
  g_assert_true (cfg.shadow);
  g_assert_cmpint (cfg.shadow_patience, ==, 3);
  cfg.shadow_patience = patience;
  int led = 0;
  g_autoptr(DdTeach) taught = dd_teach_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  cfg.arm = DD_ARM_FROZEN_TEACHER;
  g_autoptr(DdTeach) frozen = dd_teach_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  const size_t P = dd_teach_get_student (taught)->P;
  DdTeacher *teacher = dd_teach_get_teacher (taught);
  const int C = teacher->n_classes, R = dd_teach_get_student (taught)->R;
  g_autofree dd_real *theta0 = g_memdup2 (teacher->params, teacher->n_params * sizeof (dd_real));

  while (dd_teach_get_step (taught) < cfg.pretrain_steps)
    {
      g_assert_true (dd_teach_step (taught, NULL, &error));
      g_assert_true (dd_teach_step (frozen, NULL, &error));
    }
  g_assert_null (dd_teach_get_shadow (taught));
  g_assert_null (dd_teach_get_shadow (frozen));
  g_autoptr(DdPhi) delta = dd_phi_new (DD_PHI_CLASSES, C);
  g_assert_cmpint (delta->R, ==, R);
  for (int y = 0; y < C; y++)
    delta->W[y * C + y] = (dd_real) (0.02 - 1.0);
  dd_teach_shift_teacher (taught, delta);

  int windows = 0, fallbacks = 0, first_fallback = -1;
  while (!dd_teach_is_done (taught))
    {
      do
        {
          g_assert_true (dd_teach_step (taught, &r, &error));
          g_assert_no_error (error);
          g_assert_true (dd_teach_step (frozen, NULL, &error));
          g_assert_no_error (error);
        }
      while (r.kind != DD_STEP_WINDOW);
      windows++;
      const dd_real *shadow = dd_teach_get_shadow (taught);
      const dd_real *twin = dd_teach_get_student (frozen)->params;
      g_test_message ("window %d: %s, live − shadow %+.5f (se %.5f)%s", windows,
                      dd_update_verdict_name (r.verdict), r.shadow_gap, r.shadow_se,
                      r.took_shadow ? ", took the shadow" : "");
      g_assert_nonnull (shadow);
      g_assert_true (isfinite (r.shadow_gap) && isfinite (r.shadow_se));
      g_assert_cmpmem (shadow, P * sizeof (dd_real), twin, P * sizeof (dd_real));
      led = r.shadow_gap > 2.0 * r.shadow_se ? led + 1 : 0;
      if (first_fallback < 0 && windows < cfg.meta_iterations)
        g_assert_true (r.took_shadow == (patience > 0 && led >= patience));
      if (r.took_shadow)
        {
          fallbacks++;
          if (first_fallback < 0)
            first_fallback = windows;
          g_assert_cmpint (r.verdict, ==, DD_UPDATE_FALLBACK);
          g_assert_cmpfloat (r.shadow_gap, >, 0.0);
          g_assert_cmpmem (teacher->params, teacher->n_params * sizeof (dd_real),
                           theta0, teacher->n_params * sizeof (dd_real));
        }
      if (first_fallback > 0)
        /* from the fallback on the arm is the frozen one's twin (its teacher
         * moves by at most r = 1e-6 a window, so close, not equal, after) */
        g_assert_cmpfloat (fabs ((double) dd_teach_get_student (taught)->params[0] - twin[0]), <=,
                           r.took_shadow ? 0.0 : 1e-3);
    }
  g_test_message ("%d windows, %d took the shadow (first at window %d)", windows, fallbacks,
                  first_fallback);
  g_assert_cmpint (first_fallback, >, 0);
  if (patience == 0)
    g_assert_cmpint (first_fallback, ==, cfg.meta_iterations);
  else
    g_assert_cmpint (first_fallback, >=, patience);
}

/* The plain step: the verdict is `taken`, and θ moves exactly as the
 * teacher's optimiser moves it — checked against the update written out here
 * (SGD with momentum: v ← ρ·v + dθ, θ ← θ − η·v; Adam with its bias
 * corrections), over several windows, from the dθ the window left in the
 * teacher's grads; step_length is ‖Δθ‖. */
static void
check_plain_step (DdOptimKind kind, double momentum)
{
  DdTeachConfig cfg;
  DdStepReport r;

  teach_problem_config (&cfg, DD_TEACHER_GATED, DD_OBJECTIVE_SMOOTH_ERROR, 0.0);
  cfg.protocol = DD_PROTOCOL_CONTINUAL;
  cfg.teacher_step = DD_TEACHER_STEP_PLAIN;
  cfg.teacher_optimizer = kind;
  cfg.teacher_momentum = momentum;
  cfg.teacher_lr = 0.05;
  g_autoptr(DdTeach) teach = teach_problem_new (&cfg, need_digits ());
  DdTeacher *teacher = dd_teach_get_teacher (teach);
  const size_t n = teacher->n_params;
  g_autofree dd_real *before = g_new (dd_real, n);
  g_autofree double *m = g_new0 (double, n), *v = g_new0 (double, n);
  double worst = 0;

  for (int w = 1; w <= 3; w++)
    {
      next_window (teach, &r, before);
      g_assert_cmpint (r.verdict, ==, DD_UPDATE_TAKEN);
      g_assert_cmpfloat (r.teacher_grad_norm, >, 0.0);
      /* no trial, no held-out test */
      g_assert_true (isnan (r.holdout_before) && isnan (r.holdout_after));
      double moved = distance (teacher->params, before, n);
      g_assert_cmpfloat (fabs (r.step_length - moved), <=, 1e-12 * moved);
      const double c1 = 1.0 - pow (0.9, w), c2 = 1.0 - pow (0.999, w);
      for (size_t i = 0; i < n; i++)
        {
          const double g = teacher->grads[i];
          double want;
          if (kind == DD_OPTIM_SGD)
            {
              m[i] = momentum * m[i] + g;
              want = before[i] - cfg.teacher_lr * m[i];
            }
          else
            {
              m[i] = 0.9 * m[i] + 0.1 * g;
              v[i] = 0.999 * v[i] + 0.001 * g * g;
              want = before[i] - cfg.teacher_lr * (m[i] / c1) / (sqrt (v[i] / c2) + 1e-8);
            }
          const double err = fabs (teacher->params[i] - want) / fmax (fabs (want), 1e-300);
          worst = fmax (worst, err);
          g_assert_cmpfloat (err, <=, 1e-12);
        }
    }
  g_test_message ("plain %s ρ=%g: θ against the update by hand, largest rel diff %.2e",
                  dd_optim_kind_name (kind), momentum, worst);
}

static void
test_plain_step (void)
{
  check_plain_step (DD_OPTIM_SGD, 0.0);
  check_plain_step (DD_OPTIM_SGD, 0.9);
  check_plain_step (DD_OPTIM_ADAM, 0.0);
}

int
main (int argc, char **argv)
{
  /* every kind, objective and momentum in both forms of the loss: the
   * normalised start (the default) and the paper's */
#define BOTH_FORMS(kind, objective, momentum) \
    { kind, objective, momentum, DD_PHI_NORMALISED }, { kind, objective, momentum, DD_PHI_PAPER }
  static const Case cases[] = {
    BOTH_FORMS (DD_TEACHER_FIXED, DD_OBJECTIVE_SMOOTH_ERROR, 0.0),
    BOTH_FORMS (DD_TEACHER_FIXED, DD_OBJECTIVE_DEV_CE, 0.9),
    BOTH_FORMS (DD_TEACHER_GATED, DD_OBJECTIVE_SMOOTH_ERROR, 0.0),
    BOTH_FORMS (DD_TEACHER_GATED, DD_OBJECTIVE_SMOOTH_ERROR, 0.9),
    BOTH_FORMS (DD_TEACHER_GATED, DD_OBJECTIVE_DEV_CE, 0.0),
    BOTH_FORMS (DD_TEACHER_GATED, DD_OBJECTIVE_DEV_CE, 0.9),
    BOTH_FORMS (DD_TEACHER_NEURAL, DD_OBJECTIVE_SMOOTH_ERROR, 0.0),
    BOTH_FORMS (DD_TEACHER_NEURAL, DD_OBJECTIVE_SMOOTH_ERROR, 0.9),
    BOTH_FORMS (DD_TEACHER_NEURAL, DD_OBJECTIVE_DEV_CE, 0.0),
    BOTH_FORMS (DD_TEACHER_NEURAL, DD_OBJECTIVE_DEV_CE, 0.9),
    BOTH_FORMS (DD_TEACHER_FIXED, DD_OBJECTIVE_SMOOTH_ERROR, 0.9),
    BOTH_FORMS (DD_TEACHER_FIXED, DD_OBJECTIVE_DEV_CE, 0.0),
  };
#undef BOTH_FORMS
  int status;

  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autofree char *path = g_strdup_printf ("/teach/end-to-end/%s/%s/%s/rho-%g",
                                               dd_phi_form_name (c->form),
                                               dd_teacher_kind_name (c->kind),
                                               dd_objective_name (c->objective), c->momentum);
      g_test_add_data_func (path, c, test_end_to_end);
    }
  g_test_add_func ("/teach/end-to-end/lenet", test_lenet_end_to_end);
  g_test_add_func ("/teach/checkpointing-is-exact", test_checkpointing_is_exact);
  g_test_add_func ("/teach/checkpoint-spacing-changes-nothing",
                   test_checkpoint_spacing_changes_nothing);
  g_test_add_func ("/teach/trajectory-memory", test_trajectory_memory);
  /* teach-probe builds the default (normalised) start */
  g_assert_cmpint (cases[6].form, ==, DD_PHI_NORMALISED);
  g_assert_cmpint (cases[14].form, ==, DD_PHI_NORMALISED);
  g_test_add_data_func ("/teach/single-precision/gated", &cases[6], test_single_precision_agrees);
  g_test_add_data_func ("/teach/single-precision/neural", &cases[14], test_single_precision_agrees);
  g_test_add_func ("/teach/refuses-bad-hyperparameters", test_refuses_bad_hyperparameters);
  g_test_add_func ("/teach/nan-in-phi-stops", test_nan_in_phi_stops);
  g_test_add_func ("/teach/protocols", test_protocols);
  g_test_add_func ("/teach/arms-share-start-and-batches", test_arms_share_start_and_batches);
  g_test_add_func ("/teach/config-defaults", test_config_defaults);
  g_test_add_func ("/teach/trust-step-default-tolerance", test_trust_step_default_tolerance);
  g_test_add_func ("/teach/whole-episodes", test_whole_episodes);
  g_test_add_func ("/teach/trust-step", test_trust_step);
  g_test_add_func ("/teach/plain-step", test_plain_step);
  g_test_add_func ("/teach/two-threads", test_two_threads);
  g_test_add_data_func ("/teach/shadow", GINT_TO_POINTER (1), test_shadow);
  g_test_add_data_func ("/teach/shadow/patience-2", GINT_TO_POINTER (2), test_shadow);
  g_test_add_data_func ("/teach/shadow/at-the-end", GINT_TO_POINTER (0), test_shadow);
  status = g_test_run ();
  g_clear_pointer (&digits, dd_data_free);
  return status;
}
