/* test-train.c: students learn on real images; runs are reproducible; bad
 * configurations and diverging runs are stopped with clear errors
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Uses the installed Fashion-MNIST (a few hundred steps, so seconds) and the
 * bundled 8×8 digits.
 */
#include "didact-engine.h"
#include "dd-kernels.h"

#include <math.h>
#include <string.h>

static DdData *fashion;

static DdData *
need_fashion (void)
{
  if (fashion == NULL)
    {
      g_autoptr(GError) error = NULL;
      fashion = dd_data_load ("fashion-mnist", &error);
      if (fashion == NULL)
        {
          g_test_skip (error->message);
          return NULL;
        }
    }
  return fashion;
}

static double
train_and_evaluate (const DdTrainConfig *cfg, const DdData *data, int dev_limit,
                    double *dev_before)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdRun) run = dd_run_new (cfg, data, &error);
  g_autoptr(DdEval) ev = dd_eval_new (data->train->n_classes);

  g_assert_no_error (error);
  dd_run_evaluate (run, data->dev, dev_limit, ev);
  if (dev_before)
    *dev_before = ev->accuracy;
  while (dd_run_get_step (run) < dd_run_total_steps (run))
    {
      g_assert_true (dd_run_step (run, NULL, &error));
      g_assert_no_error (error);
    }
  dd_run_evaluate (run, data->dev, dev_limit, ev);
  g_test_message ("%s: dev accuracy %.4f after %" G_GINT64_FORMAT " steps",
                  dd_run_get_net (run)->description, ev->accuracy, dd_run_get_step (run));
  return ev->accuracy;
}

static void
test_mlp_learns_fashion (void)
{
  DdData *data = need_fashion ();
  DdTrainConfig cfg;
  double before;

  if (!data)
    return;
  dd_train_config_init (&cfg);
  cfg.steps = 500;
  double after = train_and_evaluate (&cfg, data, 2000, &before);
  /* chance is 10 %; 10,000 images seen are enough for about 80 % */
  g_assert_cmpfloat (before, <, 0.3);
  g_assert_cmpfloat (after, >, 0.72);
}

static void
test_lenet_learns_fashion (void)
{
  DdData *data = need_fashion ();
  DdTrainConfig cfg;

  if (!data)
    return;
  dd_train_config_init (&cfg);
  cfg.net = dd_net_spec_default (DD_STUDENT_LENET);
  cfg.steps = 200;
  g_assert_cmpfloat (train_and_evaluate (&cfg, data, 1000, NULL), >, 0.6);
}

static void
test_every_loss_learns_digits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load ("digits", &error);
  const DdLossKind kinds[] = { DD_LOSS_CE, DD_LOSS_SMOOTH, DD_LOSS_MARGIN, DD_LOSS_DLF };

  g_assert_no_error (error);
  for (size_t i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      DdTrainConfig cfg;
      dd_train_config_init (&cfg);
      cfg.loss = kinds[i];
      cfg.net.hidden[0] = 32;
      cfg.epochs = 8;
      cfg.lr = 0.05;
      double acc = train_and_evaluate (&cfg, data, 0, NULL);
      g_test_message ("loss %s: digits dev accuracy %.3f", dd_loss_kind_name (kinds[i]), acc);
      g_assert_cmpfloat (acc, >, 0.85);
    }
}

static void
test_adam_learns_digits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load ("digits", &error);
  DdTrainConfig cfg;

  g_assert_no_error (error);
  dd_train_config_init (&cfg);
  cfg.optimizer = DD_OPTIM_ADAM;
  cfg.lr = 0.001;
  cfg.net.hidden[0] = 32;
  cfg.epochs = 8;
  g_assert_cmpfloat (train_and_evaluate (&cfg, data, 0, NULL), >, 0.85);
}

static void
run_steps (DdRun *run, int n)
{
  g_autoptr(GError) error = NULL;
  for (int i = 0; i < n; i++)
    g_assert_true (dd_run_step (run, NULL, &error));
}

static void
test_same_seed_bit_identical (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load ("digits", &error);
  DdTrainConfig cfg;

  g_assert_no_error (error);
  dd_train_config_init (&cfg);
  cfg.net.hidden[0] = 40;
  cfg.seed = 5;
  g_autoptr(DdRun) a = dd_run_new (&cfg, data, &error);
  g_autoptr(DdRun) b = dd_run_new (&cfg, data, &error);
  cfg.seed = 6;
  g_autoptr(DdRun) c = dd_run_new (&cfg, data, &error);
  g_assert_no_error (error);
  /* more than one epoch (53 steps), so the reshuffle is covered */
  run_steps (a, 120);
  run_steps (b, 120);
  run_steps (c, 120);
  DdNet *na = dd_run_get_net (a), *nb = dd_run_get_net (b), *nc = dd_run_get_net (c);
  g_assert_cmpmem (na->params, sizeof (dd_real) * na->n_params,
                   nb->params, sizeof (dd_real) * nb->n_params);
  g_assert_true (memcmp (na->params, nc->params, sizeof (dd_real) * na->n_params) != 0);
}

static void
test_bad_config_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load ("digits", &error);
  struct { const char *field; void (*set) (DdTrainConfig *); } cases[] = {
    { "learning rate", NULL }, { "momentum", NULL }, { "batch", NULL }, { "threads", NULL },
  };
  DdTrainConfig cfg;

  g_assert_no_error (error);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) e = NULL;
      dd_train_config_init (&cfg);
      switch (i)
        {
        case 0: cfg.lr = -0.1; break;
        case 1: cfg.momentum = 1.5; break;
        case 2: cfg.batch = 0; break;
        case 3: cfg.threads = 0; break;
        }
      g_assert_null (dd_run_new (&cfg, data, &e));
      g_assert_error (e, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (e->message, cases[i].field));
    }
  /* a batch larger than the training split */
  dd_train_config_init (&cfg);
  cfg.batch = 5000;
  g_assert_null (dd_run_new (&cfg, data, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
}

static void
test_divergence_stops (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load ("digits", &error);
  DdTrainConfig cfg;

  g_assert_no_error (error);
  dd_train_config_init (&cfg);
  cfg.net.activation = DD_ACT_RELU;
  cfg.lr = 1e30;
  g_autoptr(DdRun) run = dd_run_new (&cfg, data, &error);
  g_assert_no_error (error);
  gboolean ok = TRUE;
  for (int i = 0; i < 50 && ok; i++)
    ok = dd_run_step (run, NULL, &error);
  g_assert_false (ok);
  g_assert_error (error, DD_ERROR, DD_ERROR_DIVERGED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "step "));
}

/* consuming the gradients updates exactly as a plain step does, then clears them */
static void
test_optim_consume (void)
{
  const DdOptimKind kinds[] = { DD_OPTIM_SGD, DD_OPTIM_ADAM };
  for (size_t k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      const size_t n = 37;
      g_autoptr(DdOptim) a = dd_optim_new (kinds[k], n, 0.05, 0.9);
      g_autoptr(DdOptim) b = dd_optim_new (kinds[k], n, 0.05, 0.9);
      g_autofree dd_real *pa = g_new (dd_real, n), *pb = g_new (dd_real, n);
      g_autofree dd_real *g = g_new (dd_real, n), *gb = g_new (dd_real, n);
      DdRng rng;
      dd_rng_seed (&rng, 9);
      for (size_t i = 0; i < n; i++)
        pa[i] = pb[i] = (dd_real) dd_rng_normal (&rng);
      for (int step = 0; step < 3; step++)
        {
          for (size_t i = 0; i < n; i++)
            g[i] = gb[i] = (dd_real) dd_rng_normal (&rng);
          dd_optim_step (a, pa, g);
          dd_optim_step_consume (b, pb, gb);
          for (size_t i = 0; i < n; i++)
            g_assert_cmpfloat (gb[i], ==, 0);
        }
      g_assert_cmpmem (pa, n * sizeof (dd_real), pb, n * sizeof (dd_real));
      g_assert_cmpmem (a->m, n * sizeof (dd_real), b->m, n * sizeof (dd_real));
    }
}

/* The wide-row cross-entropy (a vocabulary of 6,448) in the precision the
 * tools use, against a double-precision log-sum-exp computed here. */
static void
test_ce_rows_wide (void)
{
  enum { ROWS = 7, V = 6448 };
  g_autofree dd_real *z = g_new (dd_real, (size_t) ROWS * V);
  g_autofree dd_real *d = g_new (dd_real, (size_t) ROWS * V);
  const int labels[ROWS] = { 5, -1, 6447, 0, 100, -1, 3000 };
  DdRng rng;
  double expect = 0.0, worst_d = 0.0;
  int expect_wrong = 0, wrong = 0;

  dd_rng_seed (&rng, 11);
  for (size_t i = 0; i < (size_t) ROWS * V; i++)
    z[i] = (dd_real) (12.0 * (dd_rng_uniform (&rng) - 0.5));
  z[(size_t) 3 * V + 0] = 40; /* a confident right row */
  z[(size_t) 4 * V + 9] = 90; /* a confident wrong one: exp (z − max) underflows elsewhere */
  const double scale = 1.0 / 5;
  double got = dd_ce_rows (d, &wrong, z, labels, ROWS, V, scale);
  for (int r = 0; r < ROWS; r++)
    {
      const dd_real *row = z + (size_t) r * V;
      if (labels[r] < 0)
        {
          for (int j = 0; j < V; j++)
            g_assert_cmpfloat (d[(size_t) r * V + j], ==, 0.0);
          continue;
        }
      double m = row[0];
      int arg = 0;
      for (int j = 1; j < V; j++)
        if (row[j] > m)
          m = row[j], arg = j;
      double s = 0.0;
      for (int j = 0; j < V; j++)
        s += exp ((double) row[j] - m);
      expect += -((double) row[labels[r]] - m - log (s));
      expect_wrong += arg != labels[r];
      for (int j = 0; j < V; j++)
        {
          double p = exp ((double) row[j] - m) / s;
          double want = scale * (p - (j == labels[r]));
          worst_d = fmax (worst_d, fabs (want - d[(size_t) r * V + j]));
        }
    }
  g_test_message ("wide CE: %.9g against %.9g; largest |Δ dlogits| %.3g", got, expect, worst_d);
  g_assert_cmpfloat (fabs (got - expect), <=, 1e-5 * fabs (expect));
  g_assert_cmpfloat (worst_d, <=, 1e-7);
  g_assert_cmpint (wrong, ==, expect_wrong);
  /* without dlogits: the same value */
  int wrong2 = 0;
  g_assert_cmpfloat (dd_ce_rows (NULL, &wrong2, z, labels, ROWS, V, scale), ==, got);
  g_assert_cmpint (wrong2, ==, wrong);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/train/mlp-learns-fashion-mnist", test_mlp_learns_fashion);
  g_test_add_func ("/train/lenet-learns-fashion-mnist", test_lenet_learns_fashion);
  g_test_add_func ("/train/every-loss-learns-digits", test_every_loss_learns_digits);
  g_test_add_func ("/train/adam-learns-digits", test_adam_learns_digits);
  g_test_add_func ("/train/same-seed-bit-identical", test_same_seed_bit_identical);
  g_test_add_func ("/train/bad-config-refused", test_bad_config_refused);
  g_test_add_func ("/train/divergence-stops", test_divergence_stops);
  g_test_add_func ("/train/optim-consume", test_optim_consume);
  g_test_add_func ("/train/ce-rows-wide", test_ce_rows_wide);
  status = g_test_run ();
  g_clear_pointer (&fashion, dd_data_free);
  return status;
}
