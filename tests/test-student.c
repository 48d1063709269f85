/* test-student.c: the image students' own parallelism over examples
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A student with n threads splits every batch, Hessian-vector product and
 * dev measure between n workers. In double precision the split gives the
 * one-thread values up to rounding (the slices' means are weighted by their
 * shares, the gradients summed afterwards); the dev measure's values are the
 * same bits (each chunk is measured alone either way, and summed in chunk
 * order); and the same thread count gives the same bits on every run.
 * Students: the MLP on the bundled digits, LeNet on a slice of
 * Fashion-MNIST (its convolutions and pools have their own buffers in every
 * worker).
 */
#include "didact-engine.h"
#include "dd-student.h"
#include "dd-eval.h"
#include "dd-rng.h"

#include <math.h>
#include <string.h>

#define B 20

typedef struct {
  double   value, ce, err, hvp_value, M, M_err;
  double  *blocks;
  dd_real *grads, *hv, *dW, *db, *dev_grads, *loss_grads;
  DdEval  *eval;
} Results;

static void
results_clear (Results *r)
{
  g_free (r->blocks);
  g_free (r->grads);
  g_free (r->hv);
  g_free (r->dW);
  g_free (r->db);
  g_free (r->dev_grads);
  g_free (r->loss_grads);
  dd_eval_free (r->eval);
}

typedef enum {
  SPLIT_EVERY_BATCH,  /* split work 0 */
  SPLIT_DEFAULT,      /* DD_SPLIT_WORK and DD_UNIT_WORK */
  SPLIT_UNITS,        /* no batch split; a dense first layer's units always */
} SplitMode;

/* everything the teaching loop asks of a student, once, with n threads */
static void
measure_with (const DdStudent *proto, int n, SplitMode mode, Results *r)
{
  g_autoptr(DdStudent) st = dd_student_copy (proto);
  const size_t P = st->P, RC = (size_t) st->R * st->C;
  DdRng rng;
  int idx[B];
  g_autofree dd_real *W = g_new (dd_real, RC);
  g_autofree dd_real *b = g_new (dd_real, st->C);
  g_autofree dd_real *v = g_new (dd_real, P);

  dd_rng_seed (&rng, 7);
  dd_student_set_threads (st, n);
  if (mode == SPLIT_EVERY_BATCH)
    dd_student_set_split_work (st, 0.0);
  if (mode == SPLIT_UNITS)
    {
      dd_student_set_split_work (st, 1e30);
      dd_student_set_unit_work (st, 0.0);
    }
  g_assert_cmpint (dd_student_get_threads (st), ==, n);
  for (int i = 0; i < B; i++)
    idx[i] = (int) dd_rng_below (&rng, (guint32) dd_student_n_examples (st, DD_SPLIT_TRAIN));
  for (size_t i = 0; i < RC; i++)
    W[i] = (dd_real) (0.3 * dd_rng_normal (&rng));
  for (int i = 0; i < st->C; i++)
    b[i] = (dd_real) (0.1 * dd_rng_normal (&rng));
  for (size_t i = 0; i < P; i++)
    v[i] = (dd_real) dd_rng_normal (&rng);

  /* a training step's forward and backward with a loss of Φ */
  r->err = dd_student_forward (st, DD_SPLIT_TRAIN, idx, B);
  r->value = dd_student_backward (st, W, b, &r->ce);
  r->grads = g_memdup2 (st->grads, P * sizeof (dd_real));

  /* the fixed loss, its gradient written over whatever was there */
  for (size_t i = 0; i < P; i++)
    st->grads[i] = NAN;
  dd_student_forward (st, DD_SPLIT_TRAIN, idx, B);
  DdLoss ce = dd_loss_default (DD_LOSS_CE);
  g_assert_true (isfinite (dd_student_backward_loss (st, &ce)));
  r->loss_grads = g_memdup2 (st->grads, P * sizeof (dd_real));

  /* the reverse pass's product, adding into dW and db */
  r->hv = g_new (dd_real, P);
  r->dW = g_new0 (dd_real, RC);
  r->db = g_new0 (dd_real, st->C);
  r->hvp_value = dd_student_hvp (st, idx, B, W, b, v, r->hv, r->dW, r->db);

  /* the dev objective with its gradient, over several chunks and a short one */
  const int n_dev = MIN (dd_student_n_examples (st, DD_SPLIT_DEV), 5 * dd_student_max_block (st) + 3);
  r->M = dd_student_objective (st, TRUE, n_dev, TRUE, &r->M_err);
  r->dev_grads = g_memdup2 (st->grads, P * sizeof (dd_real));

  /* the trust step's blocks */
  r->blocks = g_new (double, 16);
  g_assert_cmpint (dd_student_measure_blocks (st, FALSE, 10, 7 * 13 + 5, 13, r->blocks), ==, 8);

  r->eval = dd_eval_new (st->C);
  dd_student_evaluate (st, DD_SPLIT_DEV, n_dev, r->eval);
}

static void
measure (const DdStudent *proto, int n, Results *r)
{
  measure_with (proto, n, SPLIT_EVERY_BATCH, r);
}

static void
assert_close (const dd_real *a, const dd_real *b, size_t n, double tol, const char *what)
{
  double worst = 0.0, scale = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      worst = fmax (worst, fabs ((double) a[i] - (double) b[i]));
      scale = fmax (scale, fabs ((double) a[i]));
    }
  if (worst > tol * fmax (scale, 1e-30))
    g_error ("%s: differs by %g (largest value %g)", what, worst, scale);
  g_assert_cmpfloat (scale, >, 0.0);  /* something was computed */
}

static void
compare (const DdStudent *st, const Results *one, const Results *many)
{
  const size_t P = st->P, RC = (size_t) st->R * st->C;
  const double tol = 1e-10;  /* double precision; the order of sums differs */

  g_assert_cmpfloat_with_epsilon (many->value, one->value, tol * fabs (one->value));
  g_assert_cmpfloat_with_epsilon (many->ce, one->ce, tol * fabs (one->ce));
  g_assert_cmpfloat (many->err, ==, one->err);
  g_assert_cmpfloat_with_epsilon (many->hvp_value, one->hvp_value, tol * fabs (one->hvp_value));
  assert_close (one->grads, many->grads, P, tol, "gradient of the loss of Φ");
  assert_close (one->loss_grads, many->loss_grads, P, tol, "gradient of the fixed loss");
  assert_close (one->hv, many->hv, P, tol, "H·v");
  assert_close (one->dW, many->dW, RC, tol, "dW");
  assert_close (one->db, many->db, st->C, tol, "db");
  assert_close (one->dev_grads, many->dev_grads, P, tol, "gradient of the dev objective");
  /* each chunk is measured alone either way, and summed in chunk order */
  g_assert_cmpfloat (many->M, ==, one->M);
  g_assert_cmpfloat (many->M_err, ==, one->M_err);
  g_assert_cmpmem (many->blocks, 8 * sizeof (double), one->blocks, 8 * sizeof (double));
  g_assert_cmpint (many->eval->n, ==, one->eval->n);
  g_assert_cmpfloat (many->eval->accuracy, ==, one->eval->accuracy);
  g_assert_cmpmem (many->eval->confusion, sizeof (int) * st->C * st->C,
                   one->eval->confusion, sizeof (int) * st->C * st->C);
  g_assert_cmpfloat_with_epsilon (many->eval->loss, one->eval->loss, 1e-12 * one->eval->loss);
  for (int c = 0; c < st->C; c++)
    g_assert_cmpfloat_with_epsilon (many->eval->class_margin[c], one->eval->class_margin[c], 1e-12);
}

static void
assert_same_bits (const DdStudent *st, const Results *a, const Results *b)
{
  const size_t P = st->P * sizeof (dd_real);

  g_assert_cmpmem (&a->value, sizeof (double), &b->value, sizeof (double));
  g_assert_cmpmem (&a->hvp_value, sizeof (double), &b->hvp_value, sizeof (double));
  g_assert_cmpmem (a->grads, P, b->grads, P);
  g_assert_cmpmem (a->loss_grads, P, b->loss_grads, P);
  g_assert_cmpmem (a->hv, P, b->hv, P);
  g_assert_cmpmem (a->dev_grads, P, b->dev_grads, P);
  g_assert_cmpmem (&a->eval->loss, sizeof (double), &b->eval->loss, sizeof (double));
}

static void
check_student (DdStudentKind kind, const char *dataset, int max_batch)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load (dataset, &error);
  g_assert_no_error (error);
  DdTrainConfig cfg;
  dd_train_config_init_student (&cfg, kind);
  DdRng rng;
  dd_rng_seed (&rng, 3);
  g_autoptr(DdStudent) st = dd_student_new (&cfg, data, max_batch, &rng, &error);
  g_assert_no_error (error);

  Results one = { 0 }, two = { 0 }, two_again = { 0 }, three = { 0 }, eight = { 0 }, many = { 0 };
  measure (st, 1, &one);
  measure (st, 2, &two);
  measure (st, 2, &two_again);
  measure (st, 3, &three);   /* slices of 6, 7 and 7 */
  measure (st, 8, &eight);   /* more workers than the dev measure has chunks */
  compare (st, &one, &two);
  compare (st, &one, &three);
  compare (st, &one, &eight);
  /* 40 threads are 16 workers (each slice of the batch at least one example) */
  measure (st, 40, &many);
  compare (st, &one, &many);
  assert_same_bits (st, &two, &two_again);

  /* With the default split work, two threads split a batch-B step (or
   * H·v) only if each half has DD_SPLIT_WORK flops per parameter, counted
   * here from the layer shapes; unsplit, it is the one-thread step bit for
   * bit, split, it is not (the halves' gradients are summed) */
  Results dflt = { 0 };
  measure_with (st, 2, SPLIT_DEFAULT, &dflt);
  compare (st, &one, &dflt);
  const double P = (double) st->P;
  const gboolean step_split = dd_net_step_flops (st->net, B) >= 2 * DD_SPLIT_WORK * P;
  const gboolean hvp_split = dd_net_hvp_flops (st->net, B) >= 2 * DD_SPLIT_WORK * P;
  g_test_message ("%s: step %.0f, H·v %.0f flops per parameter at batch %d",
                  dataset, dd_net_step_flops (st->net, B) / P, dd_net_hvp_flops (st->net, B) / P, B);
  g_assert_cmpint (memcmp (dflt.grads, one.grads, st->P * sizeof (dd_real)) != 0, ==, step_split);
  g_assert_cmpint (memcmp (dflt.hv, one.hv, st->P * sizeof (dd_real)) != 0, ==, hvp_split);
  /* the MLP's batch-20 step is too little work to split, LeNet's H·v enough */
  if (kind == DD_STUDENT_MLP)
    g_assert_false (step_split);
  else
    g_assert_true (hvp_split);
  results_clear (&dflt);

  /* The batch on one worker and the first layer's units split: the MLP's
   * dense layer between 2 and 3 threads gives the one-thread values up to
   * rounding, and the same bits again with the same count; LeNet's first
   * layer is a convolution, never split, so it is the one-thread run. With
   * the default work, the units split only where a slice has DD_UNIT_WORK
   * flops of the layer's forward product. */
  Results units2 = { 0 }, units2_again = { 0 }, units3 = { 0 };
  measure_with (st, 2, SPLIT_UNITS, &units2);
  measure_with (st, 2, SPLIT_UNITS, &units2_again);
  measure_with (st, 3, SPLIT_UNITS, &units3);
  compare (st, &one, &units2);
  compare (st, &one, &units3);
  assert_same_bits (st, &units2, &units2_again);
  if (kind == DD_STUDENT_LENET)
    {
      /* the step and H·v (the dev measure's gradient is split by chunks) */
      const size_t bytes = st->P * sizeof (dd_real);
      g_assert_cmpmem (one.grads, bytes, units3.grads, bytes);
      g_assert_cmpmem (one.loss_grads, bytes, units3.loss_grads, bytes);
      g_assert_cmpmem (one.hv, bytes, units3.hv, bytes);
    }
  results_clear (&units2);
  results_clear (&units2_again);
  results_clear (&units3);
  {
    g_autoptr(DdStudent) t = dd_student_copy (st);
    const DdLayer *l = &st->net->layers[0];
    const double in = (double) l->h * l->w * l->c;
    dd_student_set_threads (t, 1);
    g_assert_cmpint (dd_student_unit_workers (t, B), ==, 1);
    dd_student_set_threads (t, 4);
    for (int b = 1; b <= 256; b *= 4)
      {
        int expect = 1;
        if (l->kind == DD_LAYER_DENSE)
          for (int k = 4; k > 1 && expect == 1; k--)
            if (2.0 * b * in * l->oc / k >= DD_UNIT_WORK)
              expect = k;
        g_test_message ("%s: batch %d, %d threads share the first layer's units", dataset, b,
                        dd_student_unit_workers (t, b));
        g_assert_cmpint (dd_student_unit_workers (t, b), ==, expect);
      }
  }
  results_clear (&one);
  results_clear (&two);
  results_clear (&two_again);
  results_clear (&three);
  results_clear (&eight);
  results_clear (&many);

  /* the workers' memory is counted, and stops growing at 16 */
  g_autoptr(DdStudent) a = dd_student_copy (st), b = dd_student_copy (st), c = dd_student_copy (st);
  dd_student_set_threads (a, 1);
  dd_student_set_threads (b, 16);
  dd_student_set_threads (c, 40);
  g_assert_cmpuint (dd_student_footprint (b), >, dd_student_footprint (a));
  g_assert_cmpuint (dd_student_footprint (c), ==, dd_student_footprint (b));
  dd_set_threads (1);
}

static void
test_mlp (void)
{
  check_student (DD_STUDENT_MLP, "digits", 64);
}

static void
test_lenet (void)
{
  check_student (DD_STUDENT_LENET, "fashion-mnist", 32);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/student/threads/mlp", test_mlp);
  g_test_add_func ("/student/threads/lenet", test_lenet);
  return g_test_run ();
}
