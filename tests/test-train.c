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
#include "dd-workers.h"

#include <glib/gstdio.h>
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
  dd_run_evaluate (run, DD_SPLIT_DEV, dev_limit, ev);
  if (dev_before)
    *dev_before = ev->accuracy;
  while (dd_run_get_step (run) < dd_run_total_steps (run))
    {
      g_assert_true (dd_run_step (run, NULL, &error));
      g_assert_no_error (error);
    }
  dd_run_evaluate (run, DD_SPLIT_DEV, dev_limit, ev);
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

/* checkpoint selection: a copy kept only for a better score, written back
 * bit for bit, and training going on from it */
static void
test_checkpoint_kept_and_restored (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load ("digits", &error);
  DdTrainConfig cfg;

  g_assert_no_error (error);
  dd_train_config_init (&cfg);
  cfg.net.hidden[0] = 16;
  cfg.steps = 100;
  g_autoptr(DdRun) run = dd_run_new (&cfg, data, &error);
  g_assert_no_error (error);
  DdStudent *st = dd_run_get_student (run);
  g_autofree dd_real *at10 = g_new (dd_real, st->P);

  g_assert_cmpint (dd_run_checkpoint_step (run), ==, -1);
  g_assert_false (dd_run_offer_checkpoint (run, NAN));
  g_assert_cmpint (dd_run_checkpoint_step (run), ==, -1);
  run_steps (run, 10);
  g_assert_true (dd_run_offer_checkpoint (run, 0.5));
  memcpy (at10, st->params, st->P * sizeof (dd_real));
  run_steps (run, 10);
  g_assert_true (memcmp (at10, st->params, st->P * sizeof (dd_real)) != 0);
  /* worse, equal and NaN scores leave the copy of step 10 */
  g_assert_false (dd_run_offer_checkpoint (run, 0.25));
  g_assert_false (dd_run_offer_checkpoint (run, 0.5));
  g_assert_false (dd_run_offer_checkpoint (run, NAN));
  g_assert_cmpint (dd_run_checkpoint_step (run), ==, 10);
  dd_run_restore_checkpoint (run);
  g_assert_cmpmem (st->params, st->P * sizeof (dd_real), at10, st->P * sizeof (dd_real));
  g_assert_cmpint (dd_run_get_step (run), ==, 20);
  /* training goes on from the restored weights; a better score replaces the copy */
  run_steps (run, 5);
  g_assert_true (memcmp (at10, st->params, st->P * sizeof (dd_real)) != 0);
  g_assert_true (dd_run_offer_checkpoint (run, 0.75));
  g_assert_cmpint (dd_run_checkpoint_step (run), ==, 25);
  g_assert_true (dd_net_params_finite (dd_run_get_net (run)));
}

/* Polyak averaging: training is unchanged; the evaluations measure the
 * average, which follows avg = d·avg + (1 − d)·w with d = min (decay,
 * (1 + n)/(10 + n)), recomputed here in double from a second, plain run of
 * the same seed */
static void
test_average_evaluated (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load ("digits", &error);
  DdTrainConfig cfg;
  const double decay = 0.9;

  g_assert_no_error (error);
  dd_train_config_init (&cfg);
  cfg.net.hidden[0] = 16;
  cfg.steps = 60;
  g_autoptr(DdRun) a = dd_run_new (&cfg, data, &error);
  g_autoptr(DdRun) b = dd_run_new (&cfg, data, &error);
  g_assert_no_error (error);
  g_assert_false (dd_run_set_average (a, 1.0, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (dd_run_set_average (a, NAN, &error));
  g_clear_error (&error);
  g_assert_true (dd_run_set_average (a, decay, &error));
  g_assert_no_error (error);
  DdStudent *sa = dd_run_get_student (a), *sb = dd_run_get_student (b);
  const size_t P = sa->P;
  g_autofree double *avg = g_new (double, P);
  g_autofree dd_real *w = g_new (dd_real, P);
  g_autoptr(DdEval) ea = dd_eval_new (data->train->n_classes);
  g_autoptr(DdEval) eb = dd_eval_new (data->train->n_classes);

  for (size_t i = 0; i < P; i++)
    avg[i] = sb->params[i];
  for (int n = 0; n < 60; n++)
    {
      run_steps (a, 1);
      run_steps (b, 1);
      const double d = MIN (decay, (1.0 + n) / (10.0 + n));
      for (size_t i = 0; i < P; i++)
        avg[i] = d * avg[i] + (1 - d) * sb->params[i];
      if (n == 29)
        {
          /* evaluating swaps the average in and out: the weights come back
           * bit for bit, and training goes on as the plain run's */
          memcpy (w, sa->params, P * sizeof (dd_real));
          dd_run_evaluate (a, DD_SPLIT_DEV, 0, ea);
          g_assert_cmpmem (sa->params, P * sizeof (dd_real), w, P * sizeof (dd_real));
        }
    }
  g_assert_cmpmem (sa->params, P * sizeof (dd_real), sb->params, P * sizeof (dd_real));
  dd_run_evaluate (a, DD_SPLIT_DEV, 0, ea);
  dd_run_evaluate (b, DD_SPLIT_DEV, 0, eb);
  g_assert_cmpfloat (fabs (ea->loss - eb->loss), >, 1e-4);  /* the average is not the last weights */
  for (size_t i = 0; i < P; i++)
    sb->params[i] = (dd_real) avg[i];
  dd_run_evaluate (b, DD_SPLIT_DEV, 0, eb);
  g_test_message ("dev loss of the average %.6f, recomputed %.6f", ea->loss, eb->loss);
  g_assert_cmpfloat (fabs (ea->loss - eb->loss), <=, 1e-5 * (1 + fabs (eb->loss)));
  /* a checkpoint keeps the average */
  g_assert_true (dd_run_offer_checkpoint (a, 1.0));
  run_steps (a, 5);
  dd_run_restore_checkpoint (a);
  dd_run_evaluate (a, DD_SPLIT_DEV, 0, ea);
  g_assert_cmpfloat (fabs (ea->loss - eb->loss), <=, 1e-5 * (1 + fabs (eb->loss)));
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

/* The training loop's vectors in parts (dd_student_for): a student wide
 * enough for two parts (157,510 parameters, over 2 × DD_FOR_MIN), clipped,
 * on Adam, with the weights' average, at one thread and at two. Two threads
 * hand the loop's norms and update to the pool, agree with one to rounding
 * (weights and the average's dev loss), and give the same bits twice. */
static void
train_wide (int threads, DdRun **out)
{
  g_autoptr(GError) error = NULL;
  static DdData *data;
  DdTrainConfig cfg;

  if (data == NULL)
    data = dd_data_load ("digits", &error);
  g_assert_no_error (error);
  dd_train_config_init (&cfg);
  cfg.net.hidden[0] = 2100;
  cfg.optimizer = DD_OPTIM_ADAM;
  cfg.lr = 1e-3;
  cfg.clip_norm = 0.5;
  cfg.threads = threads;
  cfg.seed = 3;
  *out = dd_run_new (&cfg, data, &error);
  g_assert_no_error (error);
  g_assert_true (dd_run_set_average (*out, 0.9, &error));
  run_steps (*out, 30);
}

static void
test_two_threads (void)
{
  DdRun *one, *two, *again;
  g_autoptr(DdEval) e1 = dd_eval_new (10), e2 = dd_eval_new (10), e3 = dd_eval_new (10);

  train_wide (1, &one);
  const guint64 runs = dd_workers_runs (dd_workers_shared (2));
  train_wide (2, &two);
  /* each step's forward and backward go to the pool (split by units or by
   * examples), and with them the norm and the update: four runs at least */
  g_assert_cmpuint (dd_workers_runs (dd_workers_shared (2)) - runs, >=, 4 * 30);
  train_wide (2, &again);

  DdNet *n1 = dd_run_get_net (one), *n2 = dd_run_get_net (two), *n3 = dd_run_get_net (again);
  g_assert_cmpuint (n1->n_params, >, 2 * DD_FOR_MIN);
  double worst = 0.0;
  for (size_t i = 0; i < n1->n_params; i++)
    worst = MAX (worst, fabs ((double) n2->params[i] - n1->params[i]) / (1e-3 + fabs (n1->params[i])));
  g_test_message ("one against two threads after 30 steps: largest relative difference %.2e", worst);
  g_assert_cmpfloat (worst, <, 1e-3);
  g_assert_cmpmem (n2->params, sizeof (dd_real) * n2->n_params, n3->params, sizeof (dd_real) * n3->n_params);
  dd_run_evaluate (one, DD_SPLIT_DEV, 0, e1);
  dd_run_evaluate (two, DD_SPLIT_DEV, 0, e2);
  dd_run_evaluate (again, DD_SPLIT_DEV, 0, e3);
  g_assert_cmpfloat_with_epsilon (e2->loss, e1->loss, 1e-4 * e1->loss);
  g_assert_cmpfloat (e2->loss, ==, e3->loss);
  dd_run_free (one);
  dd_run_free (two);
  dd_run_free (again);
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

/* With a clip norm below every gradient's norm, each SGD step (ρ = 0)
 * moves the weights by exactly lr × the clip norm. */
static void
test_clip_bounds_the_update (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load ("digits", &error);
  DdTrainConfig cfg;

  g_assert_no_error (error);
  dd_train_config_init (&cfg);
  cfg.net.hidden[0] = 16;
  cfg.lr = 0.5;
  cfg.momentum = 0.0;
  cfg.clip_norm = 1e-2;
  g_autoptr(DdRun) run = dd_run_new (&cfg, data, &error);
  g_assert_no_error (error);
  DdNet *net = dd_run_get_net (run);
  g_autofree dd_real *before = g_new (dd_real, net->n_params);
  for (int t = 0; t < 5; t++)
    {
      memcpy (before, net->params, net->n_params * sizeof (dd_real));
      g_assert_true (dd_run_step (run, NULL, &error));
      double moved2 = 0.0;
      for (size_t i = 0; i < net->n_params; i++)
        moved2 += ((double) net->params[i] - before[i]) * ((double) net->params[i] - before[i]);
      const double moved = sqrt (moved2);
      g_test_message ("step %d: ‖Δω‖ = %.9g, lr × clip = %.9g", t + 1, moved, cfg.lr * cfg.clip_norm);
      g_assert_cmpfloat (fabs (moved - cfg.lr * cfg.clip_norm), <=, 1e-4 * cfg.lr * cfg.clip_norm);
    }
}

/* The training loop as it was written before it stepped a DdStudent, by
 * hand: the network, the loss and the optimiser over the same shuffled
 * minibatches. With clipping off (or a clip norm no gradient reaches), a
 * DdRun takes these steps bit for bit. */
static void
test_unclipped_step_unchanged (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load ("digits", &error);
  const DdDataset *train = data->train;
  const int steps = 60, C = train->n_classes;  /* past the first epoch's 53 steps */
  DdTrainConfig cfg;
  DdRng rng;

  g_assert_no_error (error);
  dd_train_config_init (&cfg);
  cfg.net.hidden[0] = 24;
  cfg.loss = DD_LOSS_SMOOTH;
  cfg.cosine = TRUE;
  cfg.steps = steps;
  const int B = cfg.batch;
  g_autoptr(DdRun) run = dd_run_new (&cfg, data, &error);
  cfg.clip_norm = 1e9;
  g_autoptr(DdRun) loose = dd_run_new (&cfg, data, &error);
  g_assert_no_error (error);

  dd_rng_seed (&rng, cfg.seed);
  g_autoptr(DdNet) net = dd_net_new (&cfg.net, train->rows, train->cols, C, B, &error);
  g_assert_no_error (error);
  dd_net_init (net, &rng);
  g_autoptr(DdOptim) opt = dd_optim_new (cfg.optimizer, net->n_params, cfg.lr, cfg.momentum);
  DdLoss loss = dd_loss_default (DD_LOSS_SMOOTH);
  loss.smoothing = cfg.smoothing;
  g_autofree int *order = g_new (int, train->n), *y = g_new (int, B);
  g_autofree dd_real *x = g_new (dd_real, (size_t) B * train->d);
  g_autofree dd_real *dlogits = g_new (dd_real, (size_t) B * C);
  g_autofree dd_real *scratch = g_new (dd_real, (size_t) 2 * B * C);
  for (int i = 0; i < train->n; i++)
    order[i] = i;
  for (int t = 0, pos = train->n; t < steps; t++, pos += B)
    {
      if (pos + B > train->n)
        {
          dd_rng_shuffle (&rng, order, train->n);
          pos = 0;
        }
      opt->lr = cfg.lr * 0.5 * (1.0 + cos (G_PI * (double) t / (double) steps));
      dd_dataset_gather (train, order + pos, B, x, y);
      dd_net_forward (net, x, B);
      double value = dd_loss_forward_backward (&loss, dlogits, NULL, NULL, scratch, net->logits, y, B, C);
      dd_net_zero_grad (net);
      dd_net_backward (net, x, dlogits, B);
      dd_optim_step (opt, net->params, net->grads);

      double got, got_loose;
      g_assert_true (dd_run_step (run, &got, &error));
      g_assert_true (dd_run_step (loose, &got_loose, &error));
      g_assert_cmpfloat (got, ==, value);
      g_assert_cmpfloat (got_loose, ==, value);
    }
  const size_t bytes = net->n_params * sizeof (dd_real);
  g_assert_cmpmem (dd_run_get_net (run)->params, bytes, net->params, bytes);
  g_assert_cmpmem (dd_run_get_net (loose)->params, bytes, net->params, bytes);
}

/* --- translation --------------------------------------------------------- */

static const char *const see_de[] = { "ich sehe", "du siehst", "wir sehen" };
static const char *const see_en[] = { "i see", "you see", "we see" };
static const char *const thing_de[] = { "den baum", "das haus", "den hund", "die stadt" };
static const char *const thing_en[] = { "the tree", "the house", "the dog", "the town" };
static const char *const when_de[] = { "heute", "morgen", "oft" };
static const char *const when_en[] = { "today", "tomorrow", "often" };

/* 36 sentence pairs in the Ding format, read by the corpus's own reader:
 * 30 for training, 3 each for dev and test */
static DdData *
tiny_corpus (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("didact-train-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "de-en", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  DdData *data = g_new0 (DdData, 1);

  g_assert_no_error (error);
  for (int s = 0; s < 3; s++)
    for (int o = 0; o < 4; o++)
      for (int w = 0; w < 3; w++)
        g_string_append_printf (text, "%s %s %s. :: %s %s %s.\n", see_de[s], thing_de[o],
                                when_de[w], see_en[s], thing_en[o], when_en[w]);
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, &error));
  data->name = g_strdup ("de-en");
  data->parallel = dd_parallel_load (path, 4, &error);
  g_assert_no_error (error);
  g_unlink (path);
  g_rmdir (dir);
  return data;
}

/* One step of the translation loop written out: the batch, the rate of the
 * cosine schedule (or of the decay tail), the per-token cross-entropy and its gradient, the
 * gradient's norm cut to clip in double precision, SGD with momentum.
 * Returns the loss; *tokens gets the batch's target tokens and *clipped
 * counts the steps clipped. */
static double
hand_step (DdSeq2seq *m, DdOptim *opt, const DdParallelSet *set, const int *idx,
           const DdTrainConfig *cfg, int t, int *tokens, int *clipped)
{
  const int B = cfg->batch, V = m->spec.V_tgt;
  const size_t S = (size_t) B * (DD_PARALLEL_MAX_LEN + 1);
  g_autofree int *src = g_new (int, S), *src_len = g_new (int, B);
  g_autofree int *tgt_in = g_new (int, S), *tgt_out = g_new (int, S);
  g_autofree dd_real *dlogits = g_new (dd_real, S * V);
  DdSeq2seqBatch batch;
  int n = 0;

  const double tau = (double) t / (double) cfg->steps;
  if (cfg->cosine)
    opt->lr = cfg->lr * 0.5 * (1.0 + cos (G_PI * tau));
  else  /* the decay tail: constant, then linearly to 0 over its last fraction */
    opt->lr = cfg->lr * fmin (1.0, (1.0 - tau) / cfg->decay_tail);
  dd_parallel_gather (set, idx, B, &batch, src, src_len, tgt_in, tgt_out);
  dd_seq2seq_forward (m, &batch, NULL);
  for (int r = 0; r < B * batch.Lt; r++)
    n += batch.tgt_out[r] >= 0;
  const double scale = 1.0 / n;
  double loss = scale * dd_ce_rows (dlogits, NULL, m->logits, batch.tgt_out, B * batch.Lt, V, scale);
  dd_seq2seq_zero_grad (m);
  dd_seq2seq_backward (m, &batch, dlogits, NULL, NULL, NULL);
  double norm2 = 0.0;
  for (size_t i = 0; i < m->n_params; i++)
    norm2 += (double) m->grads[i] * m->grads[i];
  if (sqrt (norm2) > cfg->clip_norm)
    {
      const dd_real cut = (dd_real) (cfg->clip_norm / sqrt (norm2));
      for (size_t i = 0; i < m->n_params; i++)
        m->grads[i] *= cut;
      (*clipped)++;
    }
  dd_optim_step (opt, m->params, m->grads);
  *tokens = n;
  return loss;
}

/* The engine's loop on the translator against the loop written out here,
 * from the same seed: the same weights bit for bit, the same losses and
 * target tokens, over more than two epochs, with some steps clipped and
 * some not. */
static void
test_translation_loop_by_hand (gconstpointer data_)
{
  const gboolean tail = GPOINTER_TO_INT (data_);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = tiny_corpus ();
  const DdParallelSet *set = &data->parallel->train;
  DdTrainConfig cfg;
  DdRng rng;

  dd_train_config_init_student (&cfg, DD_STUDENT_SEQ2SEQ);
  g_assert_cmpfloat (cfg.clip_norm, ==, 5.0);
  cfg.net.emb = 4;
  cfg.net.rnn_hidden = 5;
  cfg.batch = 4;
  cfg.lr = 0.5;
  cfg.cosine = !tail;
  cfg.decay_tail = tail ? 0.5 : 0.0;
  cfg.clip_norm = 0.25;
  cfg.steps = 16;
  g_autoptr(DdRun) run = dd_run_new (&cfg, data, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dd_run_steps_per_epoch (run), ==, 7);

  DdSeq2seqSpec spec = dd_seq2seq_spec_default (data->parallel->src_vocab->n,
                                                data->parallel->tgt_vocab->n);
  spec.emb = cfg.net.emb;
  spec.hidden = cfg.net.rnn_hidden;
  spec.max_batch = cfg.batch;
  spec.max_src_len = spec.max_tgt_len = DD_PARALLEL_MAX_LEN;
  g_autoptr(DdSeq2seq) m = dd_seq2seq_new (&spec, &error);
  g_assert_no_error (error);
  dd_rng_seed (&rng, cfg.seed);
  dd_seq2seq_init (m, &rng);
  g_autoptr(DdOptim) opt = dd_optim_new (DD_OPTIM_SGD, m->n_params, cfg.lr, cfg.momentum);
  g_autofree int *order = g_new (int, set->n);
  double loss_sum = 0.0, weight = 0.0;
  int clipped = 0, tokens = 0;

  for (int i = 0; i < set->n; i++)
    order[i] = i;
  for (int t = 0, pos = set->n; t < cfg.steps; t++, pos += cfg.batch)
    {
      int n;
      if (pos + cfg.batch > set->n)
        {
          dd_rng_shuffle (&rng, order, set->n);
          pos = 0;
        }
      double want = hand_step (m, opt, set, order + pos, &cfg, t, &n, &clipped);
      double got;
      g_assert_true (dd_run_step (run, &got, &error));
      g_assert_cmpfloat (got, ==, want);
      loss_sum += want * n;
      weight += n;
      tokens += n;
    }
  g_test_message ("%d of %d steps clipped", clipped, (int) cfg.steps);
  g_assert_cmpint (clipped, >, 0);
  g_assert_cmpint (clipped, <, cfg.steps);
  g_assert_cmpint (dd_run_get_tokens (run), ==, tokens);
  g_assert_cmpfloat (fabs (dd_run_take_loss (run) - loss_sum / weight), <=, 1e-12 * loss_sum / weight);
  const DdStudent *st = dd_run_get_student (run);
  g_assert_cmpuint (st->P, ==, m->n_params);
  g_assert_cmpmem (st->params, st->P * sizeof (dd_real), m->params, m->n_params * sizeof (dd_real));
}

/* The wide-row cross-entropy (a vocabulary of 6,448) in the precision the
 * tools use, against a double-precision log-sum-exp computed here: with
 * ε = 0 dd_ce_rows (and its count of wrong rows), else dd_smooth_ce_rows
 * against −Σ q log p and p − q, q = (1 − ε)·onehot(y) + ε/V */
static void
test_wide_rows (gconstpointer data)
{
  const double eps = *(const double *) data;
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
  double got = eps == 0 ? dd_ce_rows (d, &wrong, z, labels, ROWS, V, scale)
                        : dd_smooth_ce_rows (d, z, labels, ROWS, V, scale, eps);
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
      expect_wrong += arg != labels[r];
      for (int j = 0; j < V; j++)
        {
          const double logp = (double) row[j] - m - log (s);
          const double q = eps / V + (j == labels[r] ? 1.0 - eps : 0.0);
          expect -= q * logp;
          worst_d = fmax (worst_d, fabs (scale * (exp (logp) - q) - d[(size_t) r * V + j]));
        }
    }
  g_test_message ("wide rows, ε = %g: %.9g against %.9g; largest |Δ dlogits| %.3g", eps, got, expect,
                  worst_d);
  g_assert_cmpfloat (fabs (got - expect), <=, 1e-5 * fabs (expect));
  g_assert_cmpfloat (worst_d, <=, 1e-7);
  /* without dlogits: the same value */
  int wrong2 = 0;
  if (eps == 0)
    {
      g_assert_cmpint (wrong, ==, expect_wrong);
      g_assert_cmpfloat (dd_ce_rows (NULL, &wrong2, z, labels, ROWS, V, scale), ==, got);
      g_assert_cmpint (wrong2, ==, wrong);
    }
  else
    g_assert_cmpfloat (dd_smooth_ce_rows (NULL, z, labels, ROWS, V, scale, eps), ==, got);
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
  g_test_add_func ("/train/two-threads", test_two_threads);
  g_test_add_func ("/train/bad-config-refused", test_bad_config_refused);
  g_test_add_func ("/train/divergence-stops", test_divergence_stops);
  g_test_add_func ("/train/clip-bounds-the-update", test_clip_bounds_the_update);
  g_test_add_func ("/train/unclipped-step-unchanged", test_unclipped_step_unchanged);
  g_test_add_data_func ("/train/translation-loop-by-hand", GINT_TO_POINTER (FALSE),
                        test_translation_loop_by_hand);
  g_test_add_data_func ("/train/translation-loop-by-hand/decay-tail", GINT_TO_POINTER (TRUE),
                        test_translation_loop_by_hand);
  static const double no_smoothing = 0.0, smoothing = 0.1;
  g_test_add_data_func ("/train/ce-rows-wide", &no_smoothing, test_wide_rows);
  g_test_add_data_func ("/train/smooth-ce-rows-wide", &smoothing, test_wide_rows);
  g_test_add_func ("/train/checkpoint-kept-and-restored", test_checkpoint_kept_and_restored);
  g_test_add_func ("/train/average-evaluated", test_average_evaluated);
  status = g_test_run ();
  g_clear_pointer (&fashion, dd_data_free);
  return status;
}
