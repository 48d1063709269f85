/* test-hvp.c: R-operators and Hessian-vector products against finite
 * differences, in double precision
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here is a directional derivative, so every check is a central
 * difference (f(a + h·d) − f(a − h·d)) / 2h along a random direction d of
 * the function the R-operator differentiates:
 * - dd_loss_rop: the loss gradients dlogits (and dW, db for DLF) along a
 *   direction of the logits;
 * - each R-kernel pair: its layer's forward and backward along directions of
 *   all their inputs at once (input, weights, bias, output gradient); the
 *   BLAS-backed ones also against their `_ref` twins;
 * - dd_net_hvp: the network gradient from forward, loss and backward, and
 *   DLF's ∂L/∂W, ∂L/∂b, along a direction of the parameters (also with the
 *   per-class log scale s as row C of a (C + 1, C) W block, in both forms
 *   of dd-dlf-head.h, as the students use it); and the symmetry
 *   uᵀ(H v) = vᵀ(H u), which needs no differences at all.
 * Errors are relative, as gradcheck_compare defines them; the largest is
 * printed for every tensor.
 */
#include "gradcheck.h"
#include "dd-kernels.h"
#include "dd-loss.h"
#include "dd-net.h"
#include "dd-rng.h"

#include <math.h>
#include <string.h>

#define REF_TOL 1e-12 /* a fast kernel against its reference; exact identities */
#define SYM_TOL 1e-11 /* uᵀHv − vᵀHu relative to |u|·|Hv| */

static dd_real *
new_copy (const dd_real *x, size_t n)
{
  return g_memdup2 (x, n * sizeof (dd_real));
}

/* dst = x + t·d */
static void
step_along (dd_real *dst, const dd_real *x, double t, const dd_real *d, size_t n)
{
  for (size_t i = 0; i < n; i++)
    dst[i] = (dd_real) (x[i] + t * d[i]);
}

/* numeric = (plus − minus) / 2h */
static void
central_difference (double *numeric, const dd_real *plus, const dd_real *minus,
                    size_t n, double h)
{
  for (size_t i = 0; i < n; i++)
    numeric[i] = ((double) plus[i] - minus[i]) / (2 * h);
}

/* a − b, in place in a: what an adding kernel put on top of a prefill */
static void
subtract (dd_real *a, const dd_real *b, size_t n)
{
  for (size_t i = 0; i < n; i++)
    a[i] -= b[i];
}

static double
dot (const dd_real *a, const dd_real *b, size_t n)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += (double) a[i] * b[i];
  return s;
}

static double
largest_abs (const dd_real *a, size_t n)
{
  double m = 0.0;
  for (size_t i = 0; i < n; i++)
    m = fmax (m, fabs ((double) a[i]));
  return m;
}

/* compare with the central difference and assert; returns the error */
static double
assert_central (const char *tag, const char *what, const dd_real *analytic,
                const dd_real *plus, const dd_real *minus, size_t n, double h, double tol)
{
  g_autofree double *numeric = g_new (double, n);
  g_autofree char *name = g_strdup_printf ("%s %s", tag, what);

  central_difference (numeric, plus, minus, n, h);
  double err = gradcheck_compare (name, analytic, numeric, n);
  g_assert_cmpfloat (err, <=, tol);
  return err;
}

/* ---------------------------------------------------------------------- */
/* (1) the loss R-operator */

/* dlogits, and for DLF dW and db from zero, at logits z */
static void
loss_gradients_at (const DdLoss *loss, dd_real *d, dd_real *dW, dd_real *db,
                   dd_real *scratch, const dd_real *z, const int *labels, int B, int C)
{
  memset (dW, 0, sizeof (dd_real) * C * C);
  memset (db, 0, sizeof (dd_real) * C);
  dd_loss_forward_backward (loss, d, dW, db, scratch, z, labels, B, C);
}

static void
loss_rop_check (DdLossKind kind, int B, int C, guint64 seed)
{
  const size_t n = (size_t) B * C;
  const double h = GRADCHECK_EPS;
  const gboolean dlf = kind == DD_LOSS_DLF;
  g_autofree char *tag = g_strdup_printf ("loss rop %s B=%d C=%d", dd_loss_kind_name (kind), B, C);
  g_autofree int *labels = new_labels (B, C, seed);
  g_autofree dd_real *z = new_normal (n, 2.0, seed + 1);
  g_autofree dd_real *r = new_normal (n, 1.0, seed + 2);
  /* a W far from the identity, with negative off-diagonal entries */
  g_autofree dd_real *W = new_normal ((size_t) C * C, 0.7, seed + 3);
  g_autofree dd_real *b = new_normal (C, 0.7, seed + 4);
  g_autofree dd_real *scratch = g_new (dd_real, 2 * n);
  DdLoss loss = dd_loss_default (kind);

  for (int j = 0; j < C; j++)
    W[j * C + j] += 1;
  loss.W = W;
  loss.b = b;

  /* rdlogits is written over garbage; rdW, rdb add to what they hold */
  g_autofree dd_real *rd = new_normal (n, 1e3, seed + 5);
  g_autofree dd_real *rdW = new_normal ((size_t) C * C, 1.0, seed + 6);
  g_autofree dd_real *rdb = new_normal (C, 1.0, seed + 7);
  g_autofree dd_real *rdW0 = new_copy (rdW, (size_t) C * C);
  g_autofree dd_real *rdb0 = new_copy (rdb, C);
  dd_loss_rop (&loss, rd, rdW, rdb, scratch, z, r, labels, B, C);
  subtract (rdW, rdW0, (size_t) C * C);
  subtract (rdb, rdb0, C);

  g_autofree dd_real *zp = g_new (dd_real, n), *zm = g_new (dd_real, n);
  g_autofree dd_real *dp = g_new (dd_real, n), *dm = g_new (dd_real, n);
  g_autofree dd_real *dWp = g_new (dd_real, (size_t) C * C), *dWm = g_new (dd_real, (size_t) C * C);
  g_autofree dd_real *dbp = g_new (dd_real, C), *dbm = g_new (dd_real, C);
  step_along (zp, z, h, r, n);
  step_along (zm, z, -h, r, n);
  loss_gradients_at (&loss, dp, dWp, dbp, scratch, zp, labels, B, C);
  loss_gradients_at (&loss, dm, dWm, dbm, scratch, zm, labels, B, C);

  /* the tolerance the brief of this test states for the loss: 1e-7 */
  assert_central (tag, "rdlogits", rd, dp, dm, n, h, 1e-7);
  if (dlf)
    {
      assert_central (tag, "rdW", rdW, dWp, dWm, (size_t) C * C, h, 1e-7);
      assert_central (tag, "rdb", rdb, dbp, dbm, C, h, 1e-7);
    }
  else
    {
      /* the other losses do not depend on Φ: rdW, rdb untouched */
      g_assert_cmpfloat (largest_abs (rdW, (size_t) C * C), ==, 0.0);
      g_assert_cmpfloat (largest_abs (rdb, C), ==, 0.0);
    }
}

static void
test_loss_rop (gconstpointer data)
{
  const DdLossKind kind = GPOINTER_TO_INT (data);

  loss_rop_check (kind, 4, 6, 1000 + 20 * kind);
  loss_rop_check (kind, 7, 10, 1100 + 20 * kind);
}

/* SMOOTH_ERROR is a dev measure, not a training loss: no R-operator */
static void
test_loss_rop_refuses_smooth_error (void)
{
  const int B = 2, C = 3;
  dd_real z[6] = { 0 }, r[6] = { 0 }, rd[6], scratch[12];
  int y[2] = { 0, 1 };
  DdLoss loss = dd_loss_default (DD_LOSS_SMOOTH_ERROR);

  g_test_expect_message ("Didact-Engine", G_LOG_LEVEL_CRITICAL, "*SMOOTH_ERROR*");
  dd_loss_rop (&loss, rd, NULL, NULL, scratch, z, r, y, B, C);
  g_test_assert_expected_messages ();
}

/* ---------------------------------------------------------------------- */
/* (2) the R-kernel pairs
 *
 * A Pair holds a layer's inputs (those of its forward and its backward) and
 * a direction for each; `eval` runs forward and then backward from zeroed
 * gradients on inputs that have been moved along the directions. */

#define PAIR_MAX 4

typedef struct Pair Pair;
struct Pair {
  int      dims[6];
  int      n_in, n_out;
  size_t   in_size[PAIR_MAX], out_size[PAIR_MAX];
  dd_real *in[PAIR_MAX];
  dd_real *dir[PAIR_MAX];
  void   (*eval) (const Pair *p, dd_real *const *in, dd_real *const *out);
};

static void
pair_add_input (Pair *p, size_t n, double lo, double hi, guint64 seed)
{
  int k = p->n_in++;
  g_assert_cmpint (k, <, PAIR_MAX);
  p->in_size[k] = n;
  p->in[k] = g_new (dd_real, n);
  fill_uniform (p->in[k], n, lo, hi, seed);
  p->dir[k] = new_normal (n, 1.0, seed + 1000);
}

static void
pair_add_output (Pair *p, size_t n)
{
  int k = p->n_out++;
  g_assert_cmpint (k, <, PAIR_MAX);
  p->out_size[k] = n;
}

static void
pair_clear (Pair *p)
{
  for (int k = 0; k < p->n_in; k++)
    {
      g_free (p->in[k]);
      g_free (p->dir[k]);
    }
}

/* outputs (forward, then backward) at in + t·dir, into out[] */
static void
pair_at (const Pair *p, double t, dd_real **out)
{
  dd_real *moved[PAIR_MAX] = { NULL };

  for (int k = 0; k < p->n_in; k++)
    {
      moved[k] = g_new (dd_real, p->in_size[k]);
      step_along (moved[k], p->in[k], t, p->dir[k], p->in_size[k]);
    }
  for (int k = 0; k < p->n_out; k++)
    memset (out[k], 0, sizeof (dd_real) * p->out_size[k]);
  p->eval (p, moved, out);
  for (int k = 0; k < p->n_in; k++)
    g_free (moved[k]);
}

/* compares analytic[k] with the central difference of output k, for the
 * outputs whose analytic[k] is not NULL */
static void
pair_check (const Pair *p, const char *tag, const char *const *names, dd_real *const *analytic)
{
  const double h = GRADCHECK_EPS;
  dd_real *plus[PAIR_MAX] = { NULL }, *minus[PAIR_MAX] = { NULL };

  for (int k = 0; k < p->n_out; k++)
    {
      plus[k] = g_new (dd_real, p->out_size[k]);
      minus[k] = g_new (dd_real, p->out_size[k]);
    }
  pair_at (p, h, plus);
  pair_at (p, -h, minus);
  for (int k = 0; k < p->n_out; k++)
    {
      if (analytic[k] != NULL)
        {
          g_assert_cmpfloat (largest_abs (analytic[k], p->out_size[k]), >, 0.0);
          assert_central (tag, names[k], analytic[k], plus[k], minus[k], p->out_size[k],
                          h, GRADCHECK_TOL);
        }
      g_free (plus[k]);
      g_free (minus[k]);
    }
}

/* a buffer an adding kernel writes into: random values, and their copy */
static dd_real *
prefilled (size_t n, guint64 seed, dd_real **copy)
{
  dd_real *x = new_normal (n, 1.0, seed);
  *copy = new_copy (x, n);
  return x;
}

/* dense: inputs inp (B, I), w (O, I), bias (O), dout (B, O);
 * outputs out, dinp, dw, dbias */

static void
dense_eval (const Pair *p, dd_real *const *in, dd_real *const *out)
{
  const int B = p->dims[0], I = p->dims[1], O = p->dims[2];
  dd_dense_forward (out[0], in[0], in[1], in[2], B, I, O);
  dd_dense_backward (out[1], out[2], out[3], in[3], in[0], in[1], B, I, O);
}

/* first: the first layer's case, R{inp} = 0, given as NULL */
static void
dense_pair_check (int B, int I, int O, gboolean first, guint64 seed)
{
  Pair p = { .dims = { B, I, O }, .eval = dense_eval };
  const size_t ni = (size_t) B * I, nw = (size_t) O * I, no = (size_t) B * O;
  g_autofree char *tag = g_strdup_printf ("dense B=%d I=%d O=%d%s", B, I, O,
                                          first ? " rinp=0" : "");
  static const char *const names[] = { "rout", "rdinp", "rdw", "rdbias" };

  pair_add_input (&p, ni, -1, 1, seed);
  pair_add_input (&p, nw, -1, 1, seed + 1);
  pair_add_input (&p, O, -1, 1, seed + 2);
  pair_add_input (&p, no, -1, 1, seed + 3);
  pair_add_output (&p, no);
  pair_add_output (&p, ni);
  pair_add_output (&p, nw);
  pair_add_output (&p, O);
  if (first)
    memset (p.dir[0], 0, sizeof (dd_real) * ni);
  const dd_real *rinp = first ? NULL : p.dir[0];

  g_autofree dd_real *rout = new_normal (no, 1e3, seed + 4);
  g_autofree dd_real *rdinp0 = NULL, *rdw0 = NULL, *rdb0 = NULL;
  g_autofree dd_real *rdinp = prefilled (ni, seed + 5, &rdinp0);
  g_autofree dd_real *rdw = prefilled (nw, seed + 6, &rdw0);
  g_autofree dd_real *rdb = prefilled (O, seed + 7, &rdb0);

  dd_dense_rforward (rout, rinp, p.in[0], p.in[1], p.dir[1], p.dir[2], B, I, O);
  dd_dense_rbackward (first ? NULL : rdinp, rdw, rdb, p.dir[3], p.in[3], rinp, p.in[0],
                      p.in[1], p.dir[1], B, I, O);
  subtract (rdinp, rdinp0, ni);
  subtract (rdw, rdw0, nw);
  subtract (rdb, rdb0, O);
  if (first)
    g_assert_cmpfloat (largest_abs (rdinp, ni), ==, 0.0);

  dd_real *analytic[] = { rout, first ? NULL : rdinp, rdw, rdb };
  pair_check (&p, tag, names, analytic);

  /* the reference twins, from zero */
  g_autofree dd_real *rout_ref = g_new (dd_real, no);
  g_autofree dd_real *rdinp_ref = g_new0 (dd_real, ni);
  g_autofree dd_real *rdw_ref = g_new0 (dd_real, nw);
  g_autofree dd_real *rdb_ref = g_new0 (dd_real, O);
  dd_dense_rforward_ref (rout_ref, rinp, p.in[0], p.in[1], p.dir[1], p.dir[2], B, I, O);
  dd_dense_rbackward_ref (first ? NULL : rdinp_ref, rdw_ref, rdb_ref, p.dir[3], p.in[3], rinp,
                          p.in[0], p.in[1], p.dir[1], B, I, O);
  double e[4] = {
    max_rel_diff (rout, rout_ref, no), max_rel_diff (rdinp, rdinp_ref, ni),
    max_rel_diff (rdw, rdw_ref, nw), max_rel_diff (rdb, rdb_ref, O),
  };
  g_test_message ("%s vs ref: rout %.1e rdinp %.1e rdw %.1e rdbias %.1e",
                  tag, e[0], e[1], e[2], e[3]);
  for (int k = 0; k < 4; k++)
    g_assert_cmpfloat (e[k], <=, REF_TOL);
  pair_clear (&p);
}

static void
test_dense_rkernels (void)
{
  dense_pair_check (3, 5, 4, FALSE, 2000);
  dense_pair_check (3, 5, 4, TRUE, 2010);
  dense_pair_check (7, 33, 10, FALSE, 2020);
}

/* conv: inputs inp (B, H, W, Ci), w (Co, K, K, Ci), bias (Co), dout (B, Ho, Wo, Co);
 * outputs out, dinp, dw, dbias */

static size_t
conv_nrows (const Pair *p)
{
  const int B = p->dims[0], H = p->dims[1], W = p->dims[2], Ci = p->dims[3], K = p->dims[5];
  return (size_t) B * (H - K + 1) * (W - K + 1) * K * K * Ci;
}

static void
conv_eval (const Pair *p, dd_real *const *in, dd_real *const *out)
{
  const int B = p->dims[0], H = p->dims[1], W = p->dims[2];
  const int Ci = p->dims[3], Co = p->dims[4], K = p->dims[5];
  g_autofree dd_real *rows = g_new (dd_real, conv_nrows (p));
  g_autofree dd_real *drows = g_new (dd_real, conv_nrows (p));

  dd_conv_forward (out[0], rows, in[0], in[1], in[2], B, H, W, Ci, Co, K);
  dd_conv_backward (out[1], out[2], out[3], drows, in[3], rows, in[1], B, H, W, Ci, Co, K);
}

static void
conv_pair_check (int B, int H, int W, int Ci, int Co, int K, gboolean first, guint64 seed)
{
  Pair p = { .dims = { B, H, W, Ci, Co, K }, .eval = conv_eval };
  const int Ho = H - K + 1, Wo = W - K + 1;
  const size_t ni = (size_t) B * H * W * Ci, nw = (size_t) Co * K * K * Ci;
  const size_t no = (size_t) B * Ho * Wo * Co, nr = conv_nrows (&p);
  g_autofree char *tag = g_strdup_printf ("conv B=%d %dx%dx%d->%d K=%d%s", B, H, W, Ci, Co, K,
                                          first ? " rinp=0" : "");
  static const char *const names[] = { "rout", "rdinp", "rdw", "rdbias" };

  pair_add_input (&p, ni, -1, 1, seed);
  pair_add_input (&p, nw, -1, 1, seed + 1);
  pair_add_input (&p, Co, -1, 1, seed + 2);
  pair_add_input (&p, no, -1, 1, seed + 3);
  pair_add_output (&p, no);
  pair_add_output (&p, ni);
  pair_add_output (&p, nw);
  pair_add_output (&p, Co);
  if (first)
    memset (p.dir[0], 0, sizeof (dd_real) * ni);
  const dd_real *rinp = first ? NULL : p.dir[0];

  g_autofree dd_real *rows = g_new (dd_real, nr);
  g_autofree dd_real *rrows = g_new (dd_real, nr);
  g_autofree dd_real *drows = g_new (dd_real, nr);
  g_autofree dd_real *out = g_new (dd_real, no);
  g_autofree dd_real *rout = new_normal (no, 1e3, seed + 4);
  g_autofree dd_real *rdinp0 = NULL, *rdw0 = NULL, *rdb0 = NULL;
  g_autofree dd_real *rdinp = prefilled (ni, seed + 5, &rdinp0);
  g_autofree dd_real *rdw = prefilled (nw, seed + 6, &rdw0);
  g_autofree dd_real *rdb = prefilled (Co, seed + 7, &rdb0);

  dd_conv_forward (out, rows, p.in[0], p.in[1], p.in[2], B, H, W, Ci, Co, K);
  dd_conv_rforward (rout, rrows, rinp, rows, p.in[1], p.dir[1], p.dir[2], B, H, W, Ci, Co, K);
  dd_conv_rbackward (first ? NULL : rdinp, rdw, rdb, first ? NULL : drows, p.dir[3], p.in[3],
                     first ? NULL : rrows, rows, p.in[1], p.dir[1], B, H, W, Ci, Co, K);
  subtract (rdinp, rdinp0, ni);
  subtract (rdw, rdw0, nw);
  subtract (rdb, rdb0, Co);
  if (first)
    g_assert_cmpfloat (largest_abs (rdinp, ni), ==, 0.0);

  dd_real *analytic[] = { rout, first ? NULL : rdinp, rdw, rdb };
  pair_check (&p, tag, names, analytic);

  g_autofree dd_real *rout_ref = g_new (dd_real, no);
  g_autofree dd_real *rdinp_ref = g_new0 (dd_real, ni);
  g_autofree dd_real *rdw_ref = g_new0 (dd_real, nw);
  g_autofree dd_real *rdb_ref = g_new0 (dd_real, Co);
  dd_conv_rforward_ref (rout_ref, rinp, p.in[0], p.in[1], p.dir[1], p.dir[2],
                        B, H, W, Ci, Co, K);
  dd_conv_rbackward_ref (first ? NULL : rdinp_ref, rdw_ref, rdb_ref, p.dir[3], p.in[3], rinp,
                         p.in[0], p.in[1], p.dir[1], B, H, W, Ci, Co, K);
  double e[4] = {
    max_rel_diff (rout, rout_ref, no), max_rel_diff (rdinp, rdinp_ref, ni),
    max_rel_diff (rdw, rdw_ref, nw), max_rel_diff (rdb, rdb_ref, Co),
  };
  g_test_message ("%s vs ref: rout %.1e rdinp %.1e rdw %.1e rdbias %.1e",
                  tag, e[0], e[1], e[2], e[3]);
  for (int k = 0; k < 4; k++)
    g_assert_cmpfloat (e[k], <=, REF_TOL);
  pair_clear (&p);
}

static void
test_conv_rkernels (void)
{
  conv_pair_check (2, 7, 7, 3, 4, 3, FALSE, 2100);
  conv_pair_check (2, 7, 6, 1, 4, 3, TRUE, 2110);  /* the first layer, short rows */
  conv_pair_check (1, 6, 5, 2, 3, 2, FALSE, 2120); /* not square */
  /* 576 KB of rows per image: the input part one image at a time */
  conv_pair_check (3, 16, 16, 20, 6, 5, FALSE, 2130);
}

/* max-pool: inputs inp (B, H, W, C), dout (B, H/2, W/2, C); outputs out, dinp */

static void
pool_eval (const Pair *p, dd_real *const *in, dd_real *const *out)
{
  dd_maxpool2_forward (out[0], in[0], p->dims[0], p->dims[1], p->dims[2], p->dims[3]);
  dd_maxpool2_backward (out[1], in[1], in[0], p->dims[0], p->dims[1], p->dims[2], p->dims[3]);
}

/* values a few hundredths apart, so that the steps of the differences never
 * change a window's maximum */
static void
fill_spread (dd_real *x, size_t n, guint64 seed)
{
  g_autofree int *order = g_new (int, n);
  DdRng rng;

  dd_rng_seed (&rng, seed);
  for (size_t i = 0; i < n; i++)
    order[i] = (int) i;
  dd_rng_shuffle (&rng, order, (int) n);
  for (size_t i = 0; i < n; i++)
    x[i] = (dd_real) (0.03 * (order[i] - 0.5 * n));
}

static void
test_maxpool_rkernels (void)
{
  const int B = 2, H = 6, W = 4, C = 3;
  const size_t ni = (size_t) B * H * W * C, no = ni / 4;
  Pair p = { .dims = { B, H, W, C }, .eval = pool_eval };
  static const char *const names[] = { "rout", "rdinp" };

  pair_add_input (&p, ni, -1, 1, 2200);
  pair_add_input (&p, no, -1, 1, 2201);
  pair_add_output (&p, no);
  pair_add_output (&p, ni);
  fill_spread (p.in[0], ni, 2202);

  g_autofree dd_real *rout = new_normal (no, 1e3, 2203);
  g_autofree dd_real *rdinp0 = NULL;
  g_autofree dd_real *rdinp = prefilled (ni, 2204, &rdinp0);
  dd_maxpool2_rforward (rout, p.dir[0], p.in[0], B, H, W, C);
  dd_maxpool2_rbackward (rdinp, p.dir[1], p.in[0], B, H, W, C);
  subtract (rdinp, rdinp0, ni);

  dd_real *analytic[] = { rout, rdinp };
  pair_check (&p, "maxpool2", names, analytic);
  pair_clear (&p);
}

/* With ties the R-forward must pick the window entry the backward routes
 * to: it is the linear map whose adjoint the backward is, so
 * dout·R{out} = R{inp}·backward (dout) for any dout and R{inp}. */
static void
test_maxpool_rforward_ties (void)
{
  const int B = 3, H = 4, W = 6, C = 5;
  const size_t ni = (size_t) B * H * W * C, no = ni / 4;
  g_autofree dd_real *inp = g_new (dd_real, ni);
  g_autofree dd_real *rinp = new_normal (ni, 1.0, 2301);
  g_autofree dd_real *dout = new_normal (no, 1.0, 2302);
  g_autofree dd_real *rout = g_new (dd_real, no);
  g_autofree dd_real *dinp = g_new0 (dd_real, ni);
  DdRng rng;

  /* values from {0, 1, 2}: most windows hold a tie */
  dd_rng_seed (&rng, 2300);
  for (size_t i = 0; i < ni; i++)
    inp[i] = (dd_real) dd_rng_below (&rng, 3);

  dd_maxpool2_rforward (rout, rinp, inp, B, H, W, C);
  dd_maxpool2_backward (dinp, dout, inp, B, H, W, C);
  double a = dot (dout, rout, no), c = dot (rinp, dinp, ni);
  g_test_message ("maxpool2 with ties: dout.R{out} = %.15g, R{inp}.dinp = %.15g", a, c);
  g_assert_cmpfloat (fabs (a - c), <=, REF_TOL * fmax (fabs (a), 1.0));
}

/* tanh and relu: inputs inp (n), dout (n); outputs out, dinp */

static void
tanh_eval (const Pair *p, dd_real *const *in, dd_real *const *out)
{
  dd_tanh_forward (out[0], in[0], p->in_size[0]);
  dd_tanh_backward (out[1], in[1], out[0], p->in_size[0]);
}

static void
relu_eval (const Pair *p, dd_real *const *in, dd_real *const *out)
{
  dd_relu_forward (out[0], in[0], p->in_size[0]);
  dd_relu_backward (out[1], in[1], in[0], p->in_size[0]);
}

static void
elementwise_check (gboolean relu)
{
  const size_t n = 200;
  Pair p = { .eval = relu ? relu_eval : tanh_eval };
  static const char *const names[] = { "rout", "rdinp" };

  pair_add_input (&p, n, -2, 2, relu ? 2400 : 2500);
  pair_add_input (&p, n, -1, 1, relu ? 2401 : 2501);
  pair_add_output (&p, n);
  pair_add_output (&p, n);
  if (relu) /* away from the kink */
    for (size_t i = 0; i < n; i++)
      p.in[0][i] += p.in[0][i] > 0 ? 0.05 : -0.05;

  g_autofree dd_real *out = g_new (dd_real, n);
  g_autofree dd_real *rout = new_normal (n, 1e3, 2402);
  g_autofree dd_real *rdinp0 = NULL;
  g_autofree dd_real *rdinp = prefilled (n, 2403, &rdinp0);
  if (relu)
    {
      dd_relu_rforward (rout, p.dir[0], p.in[0], n);
      dd_relu_rbackward (rdinp, p.dir[1], p.in[0], n);
    }
  else
    {
      dd_tanh_forward (out, p.in[0], n);
      dd_tanh_rforward (rout, p.dir[0], out, n);
      dd_tanh_rbackward (rdinp, p.dir[1], p.in[1], out, rout, n);
    }
  subtract (rdinp, rdinp0, n);

  dd_real *analytic[] = { rout, rdinp };
  pair_check (&p, relu ? "relu" : "tanh", names, analytic);
  pair_clear (&p);
}

static void
test_tanh_rkernels (void)
{
  elementwise_check (FALSE);
}

static void
test_relu_rkernels (void)
{
  elementwise_check (TRUE);
}

/* ---------------------------------------------------------------------- */
/* (3, 4) dd_net_hvp */

/* how DLF reads its scale */
typedef enum {
  SCALE_NONE,       /* s NULL: ε = 1, the paper's −σ(u) */
  SCALE_PAPER,      /* random s (row C of W): −σ(ε·u) */
  SCALE_NORMALISED, /* random s: (4/ε)(½ − σ(ε·u)) */
} Scale;

typedef struct {
  DdNet   *net;
  dd_real *x;
  int     *y;
  int      B, C;
  size_t   nW;         /* entries of W: C·C, or (C + 1)·C with s */
  DdLoss   loss;
  dd_real *W, *b;      /* DLF's Φ */
  dd_real *dlogits, *scratch;
} Problem;

static void
problem_init_scaled (Problem *p, const DdNetSpec *spec, int h, int w, int C, int B,
                     DdLossKind kind, Scale scale, guint64 seed)
{
  g_autoptr(GError) error = NULL;
  DdRng rng;

  p->net = dd_net_new (spec, h, w, C, B, &error);
  g_assert_no_error (error);
  dd_rng_seed (&rng, seed);
  dd_net_init (p->net, &rng);
  /* non-zero biases, and weights off Glorot's scale a little */
  for (size_t i = 0; i < p->net->n_params; i++)
    p->net->params[i] += (dd_real) (0.05 * dd_rng_normal (&rng));
  p->B = B;
  p->C = C;
  p->x = g_new (dd_real, (size_t) B * h * w);
  fill_uniform (p->x, (size_t) B * h * w, 0.0, 1.0, seed + 1);
  p->y = new_labels (B, C, seed + 2);
  p->nW = (size_t) (scale == SCALE_NONE ? C : C + 1) * C;
  p->W = new_normal (p->nW, 0.5, seed + 3);
  for (int j = 0; j < C; j++)
    p->W[j * C + j] += 1;
  /* s around log 0.3 (ε from about 0.15 to 0.6) */
  for (size_t k = (size_t) C * C; k < p->nW; k++)
    p->W[k] = (dd_real) (log (0.3) + 0.7 * p->W[k]);
  p->b = new_normal (C, 0.5, seed + 4);
  p->loss = dd_loss_default (kind);
  p->loss.W = p->W;
  p->loss.b = p->b;
  p->loss.s = scale == SCALE_NONE ? NULL : p->W + (size_t) C * C;
  p->loss.normalised = scale == SCALE_NORMALISED;
  p->dlogits = g_new (dd_real, (size_t) B * C);
  p->scratch = g_new (dd_real, (size_t) B * C);
}

static void
problem_init (Problem *p, const DdNetSpec *spec, int h, int w, int C, int B,
              DdLossKind kind, guint64 seed)
{
  problem_init_scaled (p, spec, h, w, C, B, kind, SCALE_NONE, seed);
}

static void
problem_clear (Problem *p)
{
  dd_net_free (p->net);
  g_free (p->x);
  g_free (p->y);
  g_free (p->W);
  g_free (p->b);
  g_free (p->dlogits);
  g_free (p->scratch);
}

/* the plain gradient at the current parameters, into g (n_params), and
 * for DLF ∂L/∂W, ∂L/∂b into dW, db (from zero); returns the loss */
static double
problem_gradient (Problem *p, dd_real *g, dd_real *dW, dd_real *db)
{
  const int C = p->C;
  memset (dW, 0, sizeof (dd_real) * p->nW);
  memset (db, 0, sizeof (dd_real) * C);
  dd_net_forward (p->net, p->x, p->B);
  double value = dd_loss_forward_backward (&p->loss, p->dlogits, dW, db, p->scratch,
                                           p->net->logits, p->y, p->B, C);
  dd_net_zero_grad (p->net);
  dd_net_backward (p->net, p->x, p->dlogits, p->B);
  memcpy (g, p->net->grads, sizeof (dd_real) * p->net->n_params);
  return value;
}

static void
hvp_check (const char *tag, Problem *p, guint64 seed)
{
  DdNet *net = p->net;
  const size_t n = net->n_params, nW = p->nW;
  const int C = p->C;
  const double h = GRADCHECK_EPS;
  const gboolean dlf = p->loss.kind == DD_LOSS_DLF;

  /* A direction on the parameters' own scale (Glorot weights are a few
   * tenths at most): a unit-normal one over LeNet's 56 000 parameters moves
   * each unit of the second conv by some 10·h, and the third-order term of
   * the difference, not the product, sets the error (5e-6 at h = 1e-5,
   * falling as h² down to 5e-8). */
  g_autofree dd_real *v = new_normal (n, 0.1, seed);
  /* hv and the gradient are written over garbage; dW, db add */
  g_autofree dd_real *hv = new_normal (n, 1e3, seed + 1);
  g_autofree dd_real *dW0 = NULL, *db0 = NULL;
  g_autofree dd_real *dW = prefilled (nW, seed + 2, &dW0);
  g_autofree dd_real *db = prefilled (C, seed + 3, &db0);
  fill_uniform (net->grads, n, -1e3, 1e3, seed + 4);

  double value = dd_net_hvp (net, &p->loss, p->x, p->y, p->B, v, hv, dW, db);
  g_autofree dd_real *grads = new_copy (net->grads, n);
  subtract (dW, dW0, nW);
  subtract (db, db0, C);

  /* the gradient it leaves is the plain one */
  g_autofree dd_real *g0 = g_new (dd_real, n);
  g_autofree dd_real *dW_0 = g_new (dd_real, nW), *db_0 = g_new (dd_real, C);
  double value0 = problem_gradient (p, g0, dW_0, db_0);
  double e_grad = max_rel_diff (grads, g0, n);
  g_test_message ("%s: loss %.17g (plain %.17g), gradient vs plain %.1e",
                  tag, value, value0, e_grad);
  g_assert_cmpfloat (value, ==, value0);
  g_assert_cmpfloat (e_grad, <=, REF_TOL);

  /* central differences along v */
  g_autofree dd_real *w0 = new_copy (net->params, n);
  g_autofree dd_real *gp = g_new (dd_real, n), *gm = g_new (dd_real, n);
  g_autofree dd_real *dWp = g_new (dd_real, nW), *dWm = g_new (dd_real, nW);
  g_autofree dd_real *dbp = g_new (dd_real, C), *dbm = g_new (dd_real, C);
  step_along (net->params, w0, h, v, n);
  problem_gradient (p, gp, dWp, dbp);
  step_along (net->params, w0, -h, v, n);
  problem_gradient (p, gm, dWm, dbm);
  memcpy (net->params, w0, sizeof (dd_real) * n);

  g_assert_cmpfloat (largest_abs (hv, n), >, 0.0);
  assert_central (tag, "H.v", hv, gp, gm, n, h, GRADCHECK_TOL);
  /* and layer by layer, so that a small layer's error shows */
  for (int i = 0; i < net->n_layers; i++)
    {
      const DdLayer *l = &net->layers[i];
      if (l->n_w == 0)
        continue;
      g_autofree char *what_w = g_strdup_printf ("H.v layer %d weights", i);
      g_autofree char *what_b = g_strdup_printf ("H.v layer %d biases", i);
      assert_central (tag, what_w, hv + l->w_off, gp + l->w_off, gm + l->w_off, l->n_w,
                      h, GRADCHECK_TOL);
      assert_central (tag, what_b, hv + l->b_off, gp + l->b_off, gm + l->b_off, l->n_b,
                      h, GRADCHECK_TOL);
    }
  if (dlf)
    {
      assert_central (tag, "dW", dW, dWp, dWm, nW, h, GRADCHECK_TOL);
      if (p->loss.s != NULL)
        assert_central (tag, "ds (row C of dW)", dW + (size_t) C * C, dWp + (size_t) C * C,
                        dWm + (size_t) C * C, C, h, GRADCHECK_TOL);
      assert_central (tag, "db", db, dbp, dbm, C, h, GRADCHECK_TOL);
    }
  else
    {
      g_assert_cmpfloat (largest_abs (dW, nW), ==, 0.0);
      g_assert_cmpfloat (largest_abs (db, C), ==, 0.0);
    }
}

/* uᵀ(H v) = vᵀ(H u) */
static void
symmetry_check (const char *tag, Problem *p, guint64 seed)
{
  const size_t n = p->net->n_params;
  g_autofree dd_real *u = new_normal (n, 1.0, seed);
  g_autofree dd_real *v = new_normal (n, 1.0, seed + 1);
  g_autofree dd_real *hu = g_new (dd_real, n), *hv = g_new (dd_real, n);

  dd_net_hvp (p->net, &p->loss, p->x, p->y, p->B, u, hu, NULL, NULL);
  dd_net_hvp (p->net, &p->loss, p->x, p->y, p->B, v, hv, NULL, NULL);
  double a = dot (u, hv, n), c = dot (v, hu, n);
  double scale = sqrt (dot (u, u, n) * dot (hv, hv, n));
  double err = fabs (a - c) / scale;
  g_test_message ("%s: u.Hv = %.15g, v.Hu = %.15g, |difference| / (|u||Hv|) = %.1e",
                  tag, a, c, err);
  g_assert_cmpfloat (err, <=, SYM_TOL);
}

typedef struct {
  const char *name;
  DdNetSpec   spec;
  int         h, w, C, B;
} NetCase;

static const NetCase net_cases[] = {
  { "mlp-tanh", { .kind = DD_STUDENT_MLP, .hidden = { 7, 5 }, .n_hidden = 2,
                  .activation = DD_ACT_TANH }, 4, 4, 3, 4 },
  { "mlp-relu", { .kind = DD_STUDENT_MLP, .hidden = { 9, 6 }, .n_hidden = 2,
                  .activation = DD_ACT_RELU }, 3, 5, 4, 5 },
  /* 16×16 is the smallest image LeNet accepts */
  { "lenet", { .kind = DD_STUDENT_LENET }, 16, 16, 10, 2 },
};

static void
test_net_hvp (gconstpointer data)
{
  const NetCase *nc = data;
  const guint64 seed = 3000 + 100 * (guint64) (nc - net_cases);

  for (DdLossKind kind = DD_LOSS_CE; kind <= DD_LOSS_DLF; kind++)
    {
      if (kind != DD_LOSS_CE && kind != DD_LOSS_DLF && nc != &net_cases[0])
        continue; /* smoothing and margin once, on the small MLP */
      g_autofree char *tag = g_strdup_printf ("%s %s", nc->name, dd_loss_kind_name (kind));
      Problem p;
      problem_init (&p, &nc->spec, nc->h, nc->w, nc->C, nc->B, kind, seed + kind);
      hvp_check (tag, &p, seed + 10 + kind);
      symmetry_check (tag, &p, seed + 20 + kind);
      problem_clear (&p);
    }
  /* DLF with the s row, in both forms */
  for (Scale scale = SCALE_PAPER; scale <= SCALE_NORMALISED; scale++)
    {
      g_autofree char *tag = g_strdup_printf ("%s dlf %s with s", nc->name,
                                              scale == SCALE_PAPER ? "paper" : "normalised");
      Problem p;
      problem_init_scaled (&p, &nc->spec, nc->h, nc->w, nc->C, nc->B, DD_LOSS_DLF, scale,
                           seed + 50 + scale);
      hvp_check (tag, &p, seed + 60 + scale);
      symmetry_check (tag, &p, seed + 70 + scale);
      problem_clear (&p);
    }
}

/* The R-pass buffers are the net's own: a copy allocates its own, and both
 * compute the same product (ASan sees a shared or double-freed buffer). */
static void
test_net_hvp_copy (void)
{
  Problem p;
  problem_init (&p, &net_cases[2].spec, 16, 16, 10, 2, DD_LOSS_DLF, 3900);
  const size_t n = p.net->n_params;
  g_autofree dd_real *v = new_normal (n, 1.0, 3901);
  g_autofree dd_real *hv = g_new (dd_real, n), *hv_copy = g_new (dd_real, n);

  dd_net_hvp (p.net, &p.loss, p.x, p.y, p.B, v, hv, NULL, NULL);
  DdNet *copy = dd_net_copy (p.net);
  g_assert_true (copy->racts != p.net->racts);
  dd_net_hvp (copy, &p.loss, p.x, p.y, p.B, v, hv_copy, NULL, NULL);
  g_assert_cmpmem (hv, n * sizeof (dd_real), hv_copy, n * sizeof (dd_real));
  /* and again on the original: the same (nothing accumulates) */
  dd_net_hvp (p.net, &p.loss, p.x, p.y, p.B, v, hv_copy, NULL, NULL);
  g_assert_cmpmem (hv, n * sizeof (dd_real), hv_copy, n * sizeof (dd_real));
  dd_net_free (copy);
  problem_clear (&p);
}

/* The reverse pass's product without the gradient: the same bits of H·v,
 * dW and db as dd_net_hvp's, and the gradients left as they were. */
static void
test_net_hvp_only (gconstpointer data)
{
  const NetCase *nc = data;
  const guint64 seed = 4000 + 100 * (guint64) (nc - net_cases);
  Problem p;

  problem_init (&p, &nc->spec, nc->h, nc->w, nc->C, nc->B, DD_LOSS_DLF, seed);
  const size_t n = p.net->n_params, nW = p.nW;
  const int C = p.C;
  g_autofree dd_real *v = new_normal (n, 0.1, seed + 1);
  g_autofree dd_real *hv = g_new (dd_real, n), *hv_only = g_new (dd_real, n);
  g_autofree dd_real *dW = g_new0 (dd_real, nW), *dW_only = g_new0 (dd_real, nW);
  g_autofree dd_real *db = g_new0 (dd_real, C), *db_only = g_new0 (dd_real, C);

  double value = dd_net_hvp (p.net, &p.loss, p.x, p.y, p.B, v, hv, dW, db);
  fill_uniform (p.net->grads, n, -1e3, 1e3, seed + 2);
  g_autofree dd_real *grads_before = new_copy (p.net->grads, n);
  double value_only = dd_net_hvp_only (p.net, &p.loss, p.x, p.y, p.B, v, hv_only, dW_only,
                                       db_only);

  g_assert_cmpfloat (value_only, ==, value);
  g_assert_cmpmem (hv_only, n * sizeof (dd_real), hv, n * sizeof (dd_real));
  g_assert_cmpmem (dW_only, nW * sizeof (dd_real), dW, nW * sizeof (dd_real));
  g_assert_cmpmem (db_only, C * sizeof (dd_real), db, C * sizeof (dd_real));
  g_assert_cmpmem (p.net->grads, n * sizeof (dd_real), grads_before, n * sizeof (dd_real));
  /* something was computed: H·v and dW are not all zero */
  double hv_norm = 0.0, dW_norm = 0.0;
  for (size_t i = 0; i < n; i++)
    hv_norm += fabs ((double) hv[i]);
  for (size_t i = 0; i < nW; i++)
    dW_norm += fabs ((double) dW[i]);
  g_assert_cmpfloat (hv_norm, >, 0.0);
  g_assert_cmpfloat (dW_norm, >, 0.0);
  problem_clear (&p);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/hvp/loss-rop/ce", GINT_TO_POINTER (DD_LOSS_CE), test_loss_rop);
  g_test_add_data_func ("/hvp/loss-rop/smooth", GINT_TO_POINTER (DD_LOSS_SMOOTH), test_loss_rop);
  g_test_add_data_func ("/hvp/loss-rop/margin", GINT_TO_POINTER (DD_LOSS_MARGIN), test_loss_rop);
  g_test_add_data_func ("/hvp/loss-rop/dlf", GINT_TO_POINTER (DD_LOSS_DLF), test_loss_rop);
  g_test_add_func ("/hvp/loss-rop/smooth-error-refused", test_loss_rop_refuses_smooth_error);
  g_test_add_func ("/hvp/kernels/dense", test_dense_rkernels);
  g_test_add_func ("/hvp/kernels/conv", test_conv_rkernels);
  g_test_add_func ("/hvp/kernels/maxpool2", test_maxpool_rkernels);
  g_test_add_func ("/hvp/kernels/maxpool2-ties", test_maxpool_rforward_ties);
  g_test_add_func ("/hvp/kernels/tanh", test_tanh_rkernels);
  g_test_add_func ("/hvp/kernels/relu", test_relu_rkernels);
  for (guint i = 0; i < G_N_ELEMENTS (net_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/hvp/net/%s", net_cases[i].name);
      g_test_add_data_func (path, &net_cases[i], test_net_hvp);
    }
  for (guint i = 0; i < G_N_ELEMENTS (net_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/hvp/net/%s/without-gradient", net_cases[i].name);
      g_test_add_data_func (path, &net_cases[i], test_net_hvp_only);
    }
  g_test_add_func ("/hvp/net/copy", test_net_hvp_copy);

  return g_test_run ();
}
