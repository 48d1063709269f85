/* test-bucket-loss.c: the bucketed L2T-DLF loss against direct formulas and
 * finite differences
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Linked against the double-precision engine. The value is checked against
 * the definition written out a second way (probabilities from exp/sum without
 * the max shift, each S_k by its own loop over the vocabulary); dlogits, da,
 * dW and db against central differences of the value (five-point ones for
 * dlogits, see below); the R-operator against five-point differences of
 * those gradients along a random direction. Padding
 * rows must count for nothing, and the Φ gradients must be added.
 *
 * Each check runs without the scale (s NULL: the paper's ℓ = −σ(u)) and
 * with a random per-bucket log scale s in both forms of dd-dlf-head.h,
 * paper −σ(ε·u) and normalised (4/ε)(½ − σ(ε·u)); da is then (2, K), a's
 * gradient in row 0 and s's in row 1, and is checked whole.
 */
#include "dd-bucket-loss.h"
#include "dd-teacher.h"
#include "gradcheck.h"

#include <math.h>
#include <string.h>

#define VALUE_TOL 1e-12
#define V_ 30
#define N_ 6
#define PAD_ROW 3

/* how the loss reads its scale */
typedef enum {
  SCALE_NONE,        /* s NULL: ε = 1, the paper's −σ(u) */
  SCALE_PAPER,       /* random s, −σ(ε·u) */
  SCALE_NORMALISED,  /* random s, (4/ε)(½ − σ(ε·u)) */
} Scale;

static const char *const scale_names[] = { "no s", "paper", "normalised" };

typedef struct {
  DdBucketLoss L;
  int          V, K, N;
  Scale        scale;
  int          na;     /* entries of a and da: K, or 2K with s */
  int         *bucket; /* (V) */
  dd_real     *a, *W, *b;  /* a (2, K): a in row 0, s in row 1 (used when scale ≠ NONE) */
  dd_real     *logits; /* (N, V) */
  int         *labels; /* (N) */
  dd_real     *scratch;
} Problem;

/* V_ ids over K buckets at random, every bucket below `filled` used (the
 * rest left empty), N_ tokens with row PAD_ROW padding, logits of sd 2 and a
 * non-trivial Φ (z of order 1) */
static Problem *
problem_new_scaled (int K, int filled, Scale scale, guint64 seed)
{
  Problem *P = g_new0 (Problem, 1);

  P->V = V_;
  P->K = K;
  P->N = N_;
  P->scale = scale;
  P->na = scale == SCALE_NONE ? K : 2 * K;
  P->bucket = new_labels (V_, filled, seed);
  for (int k = 0; k < filled; k++)
    P->bucket[(7 * k + 2) % V_] = k;
  P->a = g_new (dd_real, 2 * K);
  fill_uniform (P->a, K, 0.3, 0.8, seed + 1);
  /* log ε in [−1.2, 0.3]: ε from 0.3 to 1.35 */
  fill_uniform (P->a + K, K, -1.2, 0.3, seed + 6);
  P->W = new_normal ((size_t) K * K, 0.2, seed + 2);
  P->b = new_normal (K, 0.5, seed + 3);
  /* log p is about −4 here: keep z near 0, where σ is not saturated and the
   * gradients are large enough for central differences */
  for (int k = 0; k < K; k++)
    P->b[k] += 2.0;
  P->logits = new_normal ((size_t) N_ * V_, 2.0, seed + 4);
  P->labels = new_labels (N_, V_, seed + 5);
  P->labels[PAD_ROW] = -1;
  P->scratch = g_new (dd_real, V_);
  P->L = (DdBucketLoss) { .V = V_, .K = K, .bucket = P->bucket,
                          .a = P->a, .W = P->W, .b = P->b,
                          .s = scale == SCALE_NONE ? NULL : P->a + K,
                          .normalised = scale == SCALE_NORMALISED };
  return P;
}

static Problem *
problem_new (int K, int filled, guint64 seed)
{
  return problem_new_scaled (K, filled, SCALE_NONE, seed);
}

static void
problem_free (Problem *P)
{
  g_free (P->bucket);
  g_free (P->a);
  g_free (P->W);
  g_free (P->b);
  g_free (P->logits);
  g_free (P->labels);
  g_free (P->scratch);
  g_free (P);
}

static double
problem_value (gpointer data)
{
  Problem *P = data;
  return dd_bucket_loss_forward_backward (&P->L, NULL, NULL, NULL, NULL, P->scratch,
                                          P->logits, P->labels, P->N);
}

/* the loss from its definition, written out a second way */
static double
direct_value (const Problem *P)
{
  double total = 0.0;
  int M = 0;

  for (int i = 0; i < P->N; i++)
    {
      const dd_real *x = P->logits + (size_t) i * P->V;
      const int y = P->labels[i];
      if (y < 0)
        continue;
      double Z = 0.0;
      for (int v = 0; v < P->V; v++)
        Z += exp (x[v]);
      const int c = P->bucket[y];
      double z = P->a[c] * log (exp (x[y]) / Z) + P->b[c];
      for (int k = 0; k < P->K; k++)
        {
          double s = 0.0;
          int n = 0;
          for (int v = 0; v < P->V; v++)
            if (P->bucket[v] == k)
              {
                s += log (exp (x[v]) / Z);
                n++;
              }
          if (n > 0)
            z += P->W[k * P->K + c] * s / n;
        }
      /* the head, with σ(x) = 1 / (1 + e^{−x}) */
      const double eps = P->scale == SCALE_NONE ? 1.0 : exp (P->a[P->K + c]);
      const double sig = 1.0 / (1.0 + exp (-eps * z));
      total += P->scale == SCALE_NORMALISED ? (4.0 / eps) * (0.5 - sig) : -sig;
      M++;
    }
  return total / M;
}

/* The entries of dlogits are about 1e-3 of the loss value, so the rounding
 * error of a plain central difference at GRADCHECK_EPS (≈ 1e-16·|L|/ε) comes
 * near 1e-6 of them. The five-point difference
 *   f'(x) ≈ (−f(x + 2h) + 8f(x + h) − 8f(x − h) + f(x − 2h)) / 12h
 * has truncation error O(h⁴), which allows a step 100 times larger. */
#define FIVE_POINT_STEP 1e-3

static double
five_point (double fp2, double fp1, double fm1, double fm2, double h)
{
  return (-fp2 + 8.0 * fp1 - 8.0 * fm1 + fm2) / (12.0 * h);
}

static void
numeric_five_point (double *numeric, dd_real *x, size_t n, GradcheckFunc f, gpointer data)
{
  const double h = FIVE_POINT_STEP;
  for (size_t i = 0; i < n; i++)
    {
      dd_real saved = x[i];
      double fv[4];
      const double steps[4] = { 2 * h, h, -h, -2 * h };
      for (int j = 0; j < 4; j++)
        {
          x[i] = saved + steps[j];
          fv[j] = f (data);
        }
      x[i] = saved;
      numeric[i] = five_point (fv[0], fv[1], fv[2], fv[3], h);
    }
}

static void
assert_close (const char *what, double got, double want)
{
  double rel = fabs (got - want) / fmax (fabs (want), 1e-300);
  g_test_message ("%s: got %.15g, want %.15g, rel err %.2e", what, got, want, rel);
  g_assert_cmpfloat (rel, <=, VALUE_TOL);
}

/* ---------------------------------------------------------------------- */

static void
test_counts (void)
{
  const int bucket[] = { 2, 0, 2, 1, 2, 0 };
  int counts[4];
  dd_real a[3] = { 0 }, W[9], b[3];

  memset (W, 0x7f, sizeof W);
  memset (b, 0x7f, sizeof b);
  dd_bucket_loss_init_phi (a, W, b, 3);
  for (int k = 0; k < 3; k++)
    {
      g_assert_cmpfloat (a[k], ==, 1.0);
      g_assert_cmpfloat (b[k], ==, 0.0);
      for (int j = 0; j < 3; j++)
        g_assert_cmpfloat (W[3 * k + j], ==, 0.0);
    }
  g_assert_true (dd_bucket_loss_counts (counts, bucket, 6, 4));
  g_assert_cmpint (counts[0], ==, 2);
  g_assert_cmpint (counts[1], ==, 1);
  g_assert_cmpint (counts[2], ==, 3);
  g_assert_cmpint (counts[3], ==, 0);
}

static void
test_value (void)
{
  Problem *P = problem_new (4, 4, 11);

  assert_close ("value, general phi", problem_value (P), direct_value (P));

  /* at the initial point, ℓ = −σ(log p_y) = −p_y/(1 + p_y) */
  dd_bucket_loss_init_phi (P->a, P->W, P->b, P->K);
  double want = 0.0;
  int M = 0;
  for (int i = 0; i < P->N; i++)
    {
      if (P->labels[i] < 0)
        continue;
      const dd_real *x = P->logits + (size_t) i * P->V;
      double Z = 0.0;
      for (int v = 0; v < P->V; v++)
        Z += exp (x[v]);
      double py = exp (x[P->labels[i]]) / Z;
      want += -py / (1.0 + py);
      M++;
    }
  g_assert_cmpint (M, ==, P->N - 1);
  assert_close ("value, initial phi", problem_value (P), want / M);
  problem_free (P);

  /* with a random scale, in both forms */
  for (Scale sc = SCALE_PAPER; sc <= SCALE_NORMALISED; sc++)
    {
      P = problem_new_scaled (4, 4, sc, 11);
      g_autofree char *what = g_strdup_printf ("value, general phi, %s", scale_names[sc]);
      assert_close (what, problem_value (P), direct_value (P));
      problem_free (P);
    }
}

/* The bucket shape's initial point as dd_phi_initial writes it into a
 * (K + 2, K) block: W = 0 (rows 0…K−1), a = 1 (row K), s (row K + 1) = log ε₀
 * in the normalised start and 0 in the paper's; read through the student's
 * views of the block, the loss is −(2/ε₀)·tanh(ε₀·log p_y / 2) and
 * −p_y / (1 + p_y) (docs/method.md §8, §2). */
static void
test_initial_point (void)
{
  const int K = 4, R = K + 2;
  Problem *P = problem_new (K, 4, 71);
  g_autofree dd_real *block = g_new (dd_real, (size_t) R * K);
  dd_real b[4];
  const DdPhiStart starts[2] = { { .form = DD_PHI_NORMALISED, .epsilon = 0.1 },
                                 { .form = DD_PHI_PAPER, .epsilon = 0.1 } };

  g_assert_cmpint (dd_phi_rows (DD_PHI_BUCKETS, K), ==, R);
  g_assert_cmpint (dd_phi_scale_row (DD_PHI_BUCKETS, K), ==, K + 1);
  for (int f = 0; f < 2; f++)
    {
      memset (block, 0x55, sizeof (dd_real) * R * K);
      dd_phi_initial (DD_PHI_BUCKETS, &starts[f], K, block, b);
      const double s0 = f == 0 ? log (0.1) : 0.0;
      for (int r = 0; r < R; r++)
        for (int c = 0; c < K; c++)
          g_assert_cmpfloat (block[r * K + c], ==, r < K ? 0.0 : r == K ? 1.0 : s0);
      for (int c = 0; c < K; c++)
        g_assert_cmpfloat (b[c], ==, 0.0);

      DdBucketLoss L = P->L;
      L.W = block;
      L.a = block + K * K;
      L.s = block + (K + 1) * K;
      L.b = b;
      L.normalised = starts[f].form == DD_PHI_NORMALISED;
      double want = 0.0;
      int M = 0;
      for (int i = 0; i < P->N; i++)
        {
          if (P->labels[i] < 0)
            continue;
          const dd_real *x = P->logits + (size_t) i * P->V;
          double Z = 0.0;
          for (int v = 0; v < P->V; v++)
            Z += exp (x[v]);
          double py = exp (x[P->labels[i]]) / Z;
          want += f == 0 ? -(2.0 / 0.1) * tanh (0.1 * log (py) / 2.0) : -py / (1.0 + py);
          M++;
        }
      assert_close (f == 0 ? "value at the normalised start" : "value at the paper start",
                    dd_bucket_loss_forward_backward (&L, NULL, NULL, NULL, NULL, P->scratch,
                                                     P->logits, P->labels, P->N),
                    want / M);
    }
  problem_free (P);
}

static void
check_gradients (int K, int filled, Scale scale, guint64 seed)
{
  Problem *P = problem_new_scaled (K, filled, scale, seed);
  const size_t NV = (size_t) P->N * P->V;
  g_autofree dd_real *dlogits = g_new (dd_real, NV);
  g_autofree dd_real *da = g_new0 (dd_real, 2 * K);
  g_autofree dd_real *dW = g_new0 (dd_real, (size_t) K * K);
  g_autofree dd_real *db = g_new0 (dd_real, K);

  double value = dd_bucket_loss_forward_backward (&P->L, dlogits, da, dW, db, P->scratch,
                                                  P->logits, P->labels, P->N);
  assert_close ("value with gradients", value, problem_value (P));
  for (int v = 0; v < P->V; v++)
    g_assert_cmpfloat (dlogits[(size_t) PAD_ROW * P->V + v], ==, 0.0);

  g_autofree double *numeric = g_new (double, NV);
  g_autofree char *n_d = g_strdup_printf ("%s dlogits", scale_names[scale]);
  g_autofree char *n_a = g_strdup_printf ("%s da%s", scale_names[scale],
                                          scale == SCALE_NONE ? "" : " (2, K)");
  g_autofree char *n_s = g_strdup_printf ("%s ds (da row 1)", scale_names[scale]);
  g_autofree char *n_w = g_strdup_printf ("%s dW", scale_names[scale]);
  g_autofree char *n_b = g_strdup_printf ("%s db", scale_names[scale]);
  numeric_five_point (numeric, P->logits, NV, problem_value, P);
  g_assert_cmpfloat (gradcheck_compare (n_d, dlogits, numeric, NV), <=, GRADCHECK_TOL);
  gradcheck_assert (n_a, da, P->a, P->na, problem_value, P, GRADCHECK_TOL);
  if (scale != SCALE_NONE)
    gradcheck_assert (n_s, da + K, P->a + K, K, problem_value, P, GRADCHECK_TOL);
  else
    for (int k = K; k < 2 * K; k++)
      g_assert_cmpfloat (da[k], ==, 0.0);  /* without s, row 1 is not touched */
  gradcheck_assert (n_w, dW, P->W, (size_t) K * K, problem_value, P, GRADCHECK_TOL);
  gradcheck_assert (n_b, db, P->b, K, problem_value, P, GRADCHECK_TOL);
  problem_free (P);
}

static void
test_gradients (void)
{
  for (Scale sc = SCALE_NONE; sc <= SCALE_NORMALISED; sc++)
    check_gradients (4, 4, sc, 21);
}

/* an empty bucket has S_k = 0: its row of W does nothing */
static void
test_gradients_empty_bucket (void)
{
  for (Scale sc = SCALE_NONE; sc <= SCALE_NORMALISED; sc++)
    check_gradients (5, 4, sc, 31);
}

/* all gradients of the loss, concatenated: dlogits, da (na), dW, db */
static void
all_gradients (double *out, Problem *P, const dd_real *logits)
{
  const size_t NV = (size_t) P->N * P->V, K = P->K, na = P->na;
  g_autofree dd_real *g = g_new0 (dd_real, NV + na + K + K * K);

  dd_bucket_loss_forward_backward (&P->L, g, g + NV, g + NV + na, g + NV + na + K * K,
                                   P->scratch, logits, P->labels, P->N);
  for (size_t i = 0; i < NV + na + K + K * K; i++)
    out[i] = g[i];
}

static void
check_rop (Scale scale)
{
  Problem *P = problem_new_scaled (4, 4, scale, 41);
  const size_t NV = (size_t) P->N * P->V, K = P->K, na = P->na, n = NV + na + K + K * K;
  const double h = FIVE_POINT_STEP;
  g_autofree dd_real *rlogits = new_normal (NV, 1.0, 42);
  g_autofree dd_real *shifted = g_new (dd_real, NV);
  g_autofree double *gv = g_new (double, 4 * n);
  g_autofree double *numeric = g_new (double, n);
  g_autofree dd_real *rd = g_new0 (dd_real, n);
  const double steps[4] = { 2 * h, h, -h, -2 * h };

  for (int j = 0; j < 4; j++)
    {
      for (size_t i = 0; i < NV; i++)
        shifted[i] = P->logits[i] + steps[j] * rlogits[i];
      all_gradients (gv + j * n, P, shifted);
    }
  for (size_t i = 0; i < n; i++)
    numeric[i] = five_point (gv[i], gv[n + i], gv[2 * n + i], gv[3 * n + i], h);

  dd_bucket_loss_rop (&P->L, rd, rd + NV, rd + NV + na, rd + NV + na + K * K, P->scratch,
                      P->logits, rlogits, P->labels, P->N);

  const char *sn = scale_names[scale];
  g_autofree char *n_d = g_strdup_printf ("rop %s dlogits", sn);
  g_autofree char *n_a = g_strdup_printf ("rop %s da%s", sn, scale == SCALE_NONE ? "" : " (2, K)");
  g_autofree char *n_s = g_strdup_printf ("rop %s ds (da row 1)", sn);
  g_autofree char *n_w = g_strdup_printf ("rop %s dW", sn);
  g_autofree char *n_b = g_strdup_printf ("rop %s db", sn);
  g_assert_cmpfloat (gradcheck_compare (n_d, rd, numeric, NV), <=, GRADCHECK_TOL);
  g_assert_cmpfloat (gradcheck_compare (n_a, rd + NV, numeric + NV, na), <=, GRADCHECK_TOL);
  if (scale != SCALE_NONE)
    g_assert_cmpfloat (gradcheck_compare (n_s, rd + NV + K, numeric + NV + K, K), <=,
                       GRADCHECK_TOL);
  g_assert_cmpfloat (gradcheck_compare (n_w, rd + NV + na, numeric + NV + na, K * K), <=,
                     GRADCHECK_TOL);
  g_assert_cmpfloat (gradcheck_compare (n_b, rd + NV + na + K * K, numeric + NV + na + K * K, K),
                     <=, GRADCHECK_TOL);
  for (int v = 0; v < P->V; v++)
    g_assert_cmpfloat (rd[(size_t) PAD_ROW * P->V + v], ==, 0.0);
  problem_free (P);
}

static void
test_rop (void)
{
  for (Scale sc = SCALE_NONE; sc <= SCALE_NORMALISED; sc++)
    check_rop (sc);
}

static void
test_padding (void)
{
  Problem *P = problem_new (4, 4, 51);
  const size_t NV = (size_t) P->N * P->V, K = P->K, n = NV + 2 * K + K * K;
  g_autofree double *before = g_new (double, n);
  g_autofree double *after = g_new (double, n);

  /* the padding row's logits change nothing */
  double v0 = problem_value (P);
  all_gradients (before, P, P->logits);
  for (int v = 0; v < P->V; v++)
    P->logits[(size_t) PAD_ROW * P->V + v] = 100.0 * (v % 3) - 50.0;
  g_assert_cmpfloat (problem_value (P), ==, v0);
  all_gradients (after, P, P->logits);
  g_assert_cmpmem (before, n * sizeof (double), after, n * sizeof (double));

  /* the padding row does not enter the mean: the same as the batch without it */
  g_autofree dd_real *shorter = g_new (dd_real, NV - P->V);
  g_autofree int *labels = g_new (int, P->N - 1);
  for (int i = 0, j = 0; i < P->N; i++)
    if (i != PAD_ROW)
      {
        memcpy (shorter + (size_t) j * P->V, P->logits + (size_t) i * P->V,
                sizeof (dd_real) * P->V);
        labels[j++] = P->labels[i];
      }
  assert_close ("without the padding row",
                dd_bucket_loss_forward_backward (&P->L, NULL, NULL, NULL, NULL, P->scratch,
                                                 shorter, labels, P->N - 1),
                v0);

  /* padding only: loss 0, no gradient */
  int pads[2] = { -1, -1 };
  g_autofree dd_real *d = new_normal (2 * (size_t) P->V, 1.0, 52);
  g_autofree dd_real *db = g_new0 (dd_real, K);
  g_assert_cmpfloat (dd_bucket_loss_forward_backward (&P->L, d, NULL, NULL, db, P->scratch,
                                                      P->logits, pads, 2), ==, 0.0);
  for (size_t i = 0; i < 2 * (size_t) P->V; i++)
    g_assert_cmpfloat (d[i], ==, 0.0);
  for (size_t k = 0; k < K; k++)
    g_assert_cmpfloat (db[k], ==, 0.0);
  problem_free (P);
}

/* da (with its s row), dW, db (and their R-operator counterparts) are added into */
static void
test_accumulates (void)
{
  /* with s, so that its row of da is checked too */
  Problem *P = problem_new_scaled (4, 4, SCALE_NORMALISED, 61);
  const size_t NV = (size_t) P->N * P->V, K = P->K, na = P->na, nphi = na + K + K * K;
  g_autofree dd_real *d = g_new (dd_real, NV);
  g_autofree dd_real *rlogits = new_normal (NV, 1.0, 62);
  g_autofree dd_real *fresh = g_new0 (dd_real, nphi);
  g_autofree dd_real *start = new_normal (nphi, 1.0, 63);
  g_autofree dd_real *acc = g_memdup2 (start, nphi * sizeof (dd_real));

  for (int pass = 0; pass < 2; pass++)
    {
      memset (fresh, 0, nphi * sizeof (dd_real));
      memcpy (acc, start, nphi * sizeof (dd_real));
      if (pass == 0)
        {
          dd_bucket_loss_forward_backward (&P->L, d, fresh, fresh + na, fresh + na + K * K,
                                           P->scratch, P->logits, P->labels, P->N);
          dd_bucket_loss_forward_backward (&P->L, d, acc, acc + na, acc + na + K * K,
                                           P->scratch, P->logits, P->labels, P->N);
        }
      else
        {
          dd_bucket_loss_rop (&P->L, d, fresh, fresh + na, fresh + na + K * K, P->scratch,
                              P->logits, rlogits, P->labels, P->N);
          dd_bucket_loss_rop (&P->L, d, acc, acc + na, acc + na + K * K, P->scratch,
                              P->logits, rlogits, P->labels, P->N);
        }
      int touched = 0;
      for (size_t i = 0; i < nphi; i++)
        {
          /* several tokens add into one entry, so the sums round differently */
          g_assert_cmpfloat_with_epsilon (acc[i], start[i] + fresh[i], 1e-12);
          touched += fresh[i] != 0.0;
        }
      g_assert_cmpint (touched, >, 0);
    }
  problem_free (P);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bucket-loss/counts", test_counts);
  g_test_add_func ("/bucket-loss/value", test_value);
  g_test_add_func ("/bucket-loss/initial-point", test_initial_point);
  g_test_add_func ("/bucket-loss/gradients", test_gradients);
  g_test_add_func ("/bucket-loss/gradients-empty-bucket", test_gradients_empty_bucket);
  g_test_add_func ("/bucket-loss/rop", test_rop);
  g_test_add_func ("/bucket-loss/padding", test_padding);
  g_test_add_func ("/bucket-loss/accumulates", test_accumulates);
  return g_test_run ();
}
