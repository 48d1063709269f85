/* test-teach.c: the L2T-DLF reverse pass, end to end
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * dθ from the reverse pass through a whole unrolled window of training must
 * equal the central finite difference of M(ω_T(θ)) — each difference a full
 * re-run of the window's T student steps and the dev objective — in double
 * precision, for every teacher kind, both objectives, and ρ = 0 and 0.9;
 * also for LeNet on a few Fashion-MNIST images. The checkpointed pass must
 * give the same dθ as storing every step, and the single-precision engine
 * (teach-probe) must agree with double precision to 1e-2.
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

/* FD over the teacher parameters [0, n) with a stride; returns max rel err */
static double
check_hypergradient (DdTeach *teach, const char *name, size_t stride)
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
    gradcheck_numeric (&numeric[k], &teacher->params[k * stride], 1, window_objective, &w,
                       GRADCHECK_EPS);
  double err = gradcheck_compare (name, analytic, numeric, m);
  double big = 0;
  for (size_t k = 0; k < m; k++)
    big = fmax (big, fabs (numeric[k]));
  g_assert_cmpfloat (big, >, 1e-8); /* the check must not be vacuous */
  return err;
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
} Case;

static void
test_end_to_end (gconstpointer data)
{
  const Case *c = data;
  DdTeachConfig cfg;

  teach_problem_config (&cfg, c->kind, c->objective, c->momentum);
  g_autoptr(DdTeach) teach = teach_problem_new (&cfg, need_digits ());
  g_autofree char *name = g_strdup_printf ("%s %s ρ=%g", dd_teacher_kind_name (c->kind),
                                           dd_objective_name (c->objective), c->momentum);
  g_assert_cmpfloat (check_hypergradient (teach, name, 1), <=, END_TO_END_TOL);
}

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
  dd_teach_config_init (&cfg);
  cfg.student.net = dd_net_spec_default (DD_STUDENT_LENET);
  cfg.student.batch = 4;
  cfg.student.lr = 0.05;
  cfg.student.momentum = 0.5;
  cfg.student.seed = 4;
  cfg.window = 5;
  cfg.pretrain_steps = 4;
  cfg.dev_subsample = 24;
  {
    g_autoptr(DdTeach) teach = teach_problem_new (&cfg, &few);
    /* gated: 213 parameters; every 7th is checked, which covers W, b, W₂ and the gate */
    g_assert_cmpfloat (check_hypergradient (teach, "LeNet gated", 7), <=, END_TO_END_TOL);
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
    { "checkpoint", 4 }, { "SGD", 5 },
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

int
main (int argc, char **argv)
{
  static const Case cases[] = {
    { DD_TEACHER_FIXED, DD_OBJECTIVE_SMOOTH_ERROR, 0.0 },
    { DD_TEACHER_FIXED, DD_OBJECTIVE_DEV_CE, 0.9 },
    { DD_TEACHER_GATED, DD_OBJECTIVE_SMOOTH_ERROR, 0.0 },
    { DD_TEACHER_GATED, DD_OBJECTIVE_SMOOTH_ERROR, 0.9 },
    { DD_TEACHER_GATED, DD_OBJECTIVE_DEV_CE, 0.0 },
    { DD_TEACHER_GATED, DD_OBJECTIVE_DEV_CE, 0.9 },
    { DD_TEACHER_NEURAL, DD_OBJECTIVE_SMOOTH_ERROR, 0.0 },
    { DD_TEACHER_NEURAL, DD_OBJECTIVE_SMOOTH_ERROR, 0.9 },
    { DD_TEACHER_NEURAL, DD_OBJECTIVE_DEV_CE, 0.0 },
    { DD_TEACHER_NEURAL, DD_OBJECTIVE_DEV_CE, 0.9 },
    { DD_TEACHER_FIXED, DD_OBJECTIVE_SMOOTH_ERROR, 0.9 },
    { DD_TEACHER_FIXED, DD_OBJECTIVE_DEV_CE, 0.0 },
  };
  int status;

  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autofree char *path = g_strdup_printf ("/teach/end-to-end/%s/%s/rho-%g",
                                               dd_teacher_kind_name (c->kind),
                                               dd_objective_name (c->objective), c->momentum);
      g_test_add_data_func (path, c, test_end_to_end);
    }
  g_test_add_func ("/teach/end-to-end/lenet", test_lenet_end_to_end);
  g_test_add_func ("/teach/checkpointing-is-exact", test_checkpointing_is_exact);
  g_test_add_func ("/teach/trajectory-memory", test_trajectory_memory);
  g_test_add_data_func ("/teach/single-precision/gated", &cases[3], test_single_precision_agrees);
  g_test_add_data_func ("/teach/single-precision/neural", &cases[7], test_single_precision_agrees);
  g_test_add_func ("/teach/refuses-bad-hyperparameters", test_refuses_bad_hyperparameters);
  g_test_add_func ("/teach/nan-in-phi-stops", test_nan_in_phi_stops);
  g_test_add_func ("/teach/protocols", test_protocols);
  g_test_add_func ("/teach/arms-share-start-and-batches", test_arms_share_start_and_batches);
  status = g_test_run ();
  g_clear_pointer (&digits, dd_data_free);
  return status;
}
