/* test-kernels.c: the student kernels against finite differences and their
 * plain-loop twins
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Linked against the double-precision engine. Every gradient a backward
 * kernel produces is compared with central differences of
 * f = Σ r ⊙ forward(…) for a fixed random r; every backward kernel is called
 * twice to check that it adds; the BLAS kernels are compared with the `_ref`
 * loops. The single-precision tanh is checked against libm over a dense grid.
 */
#include "dd-kernels.h"
#include "dd-optim.h"
#include "dd-rng.h"
#include "gradcheck.h"

#include <math.h>
#include <string.h>

#define REF_TOL   1e-12 /* fast kernel against its reference, double */
#define ADD_TOL   1e-12 /* second backward call against twice the first */

static dd_real *
new_uniform (size_t n, double lo, double hi, guint64 seed)
{
  dd_real *x = g_new (dd_real, n);
  fill_uniform (x, n, lo, hi, seed);
  return x;
}

static dd_real *
new_copy (const dd_real *x, size_t n)
{
  return g_memdup2 (x, n * sizeof (dd_real));
}

static double
dot (const dd_real *a, const dd_real *b, size_t n)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += (double) a[i] * b[i];
  return s;
}

/* `twice` holds the result of two backward calls into zeroed buffers and
 * `once` of one call: they must differ by exactly a factor of two. */
static void
assert_added_twice (const char *name, const dd_real *twice, const dd_real *once, size_t n)
{
  g_autofree dd_real *expect = g_new (dd_real, n);
  for (size_t i = 0; i < n; i++)
    expect[i] = 2 * once[i];
  double err = max_rel_diff (twice, expect, n);
  g_test_message ("%s: two backward calls vs 2 x one: %.3e", name, err);
  g_assert_cmpfloat (err, <=, ADD_TOL);
}

/* ---------------------------------------------------------------------- */
/* dense */

typedef struct {
  int B, I, O;
  dd_real *inp, *w, *bias, *out, *r;
} DenseCase;

static double
dense_f (gpointer data)
{
  DenseCase *c = data;
  dd_dense_forward (c->out, c->inp, c->w, c->bias, c->B, c->I, c->O);
  return dot (c->r, c->out, (size_t) c->B * c->O);
}

static void
test_dense_gradcheck (void)
{
  DenseCase c = { .B = 3, .I = 5, .O = 4 };
  const size_t ni = c.B * c.I, nw = c.O * c.I, no = c.B * c.O;

  c.inp = new_uniform (ni, -1, 1, 1);
  c.w = new_uniform (nw, -1, 1, 2);
  c.bias = new_uniform (c.O, -1, 1, 3);
  c.r = new_uniform (no, -1, 1, 4);
  c.out = g_new (dd_real, no);
  g_autofree dd_real *dinp = g_new0 (dd_real, ni);
  g_autofree dd_real *dw = g_new0 (dd_real, nw);
  g_autofree dd_real *dbias = g_new0 (dd_real, c.O);

  dense_f (&c);
  dd_dense_backward (dinp, dw, dbias, c.r, c.inp, c.w, c.B, c.I, c.O);
  g_autofree dd_real *dinp1 = new_copy (dinp, ni);
  g_autofree dd_real *dw1 = new_copy (dw, nw);
  g_autofree dd_real *dbias1 = new_copy (dbias, c.O);

  dd_dense_backward (dinp, dw, dbias, c.r, c.inp, c.w, c.B, c.I, c.O);
  assert_added_twice ("dense dinp", dinp, dinp1, ni);
  assert_added_twice ("dense dw", dw, dw1, nw);
  assert_added_twice ("dense dbias", dbias, dbias1, c.O);

  /* without dinp the parameter gradients are the same */
  g_autofree dd_real *dw0 = g_new0 (dd_real, nw);
  g_autofree dd_real *dbias0 = g_new0 (dd_real, c.O);
  dd_dense_backward (NULL, dw0, dbias0, c.r, c.inp, c.w, c.B, c.I, c.O);
  g_assert_cmpfloat (max_rel_diff (dw0, dw1, nw), <=, REF_TOL);
  g_assert_cmpfloat (max_rel_diff (dbias0, dbias1, c.O), <=, REF_TOL);

  gradcheck_assert ("dense dinp", dinp1, c.inp, ni, dense_f, &c, GRADCHECK_TOL);
  gradcheck_assert ("dense dw", dw1, c.w, nw, dense_f, &c, GRADCHECK_TOL);
  gradcheck_assert ("dense dbias", dbias1, c.bias, c.O, dense_f, &c, GRADCHECK_TOL);

  g_free (c.inp); g_free (c.w); g_free (c.bias); g_free (c.r); g_free (c.out);
}

static void
test_dense_vs_ref (void)
{
  static const int shapes[][3] = {  /* B, I, O */
    { 1, 1, 1 }, { 3, 7, 5 }, { 17, 33, 9 }, { 5, 300, 13 }, { 128, 31, 10 },
  };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      const int B = shapes[s][0], I = shapes[s][1], O = shapes[s][2];
      const size_t ni = (size_t) B * I, nw = (size_t) O * I, no = (size_t) B * O;
      g_autofree dd_real *inp = new_uniform (ni, -1, 1, 10 + s);
      g_autofree dd_real *w = new_uniform (nw, -1, 1, 20 + s);
      g_autofree dd_real *bias = new_uniform (O, -1, 1, 30 + s);
      g_autofree dd_real *dout = new_uniform (no, -1, 1, 40 + s);
      g_autofree dd_real *out = g_new (dd_real, no);
      g_autofree dd_real *out_ref = g_new (dd_real, no);

      dd_dense_forward (out, inp, w, bias, B, I, O);
      dd_dense_forward_ref (out_ref, inp, w, bias, B, I, O);
      double e_out = max_rel_diff (out, out_ref, no);

      /* the gradient buffers start non-zero: both must add to them */
      g_autofree dd_real *dinp = new_uniform (ni, -1, 1, 50 + s);
      g_autofree dd_real *dw = new_uniform (nw, -1, 1, 60 + s);
      g_autofree dd_real *dbias = new_uniform (O, -1, 1, 70 + s);
      g_autofree dd_real *dinp_ref = new_copy (dinp, ni);
      g_autofree dd_real *dw_ref = new_copy (dw, nw);
      g_autofree dd_real *dbias_ref = new_copy (dbias, O);

      dd_dense_backward (dinp, dw, dbias, dout, inp, w, B, I, O);
      dd_dense_backward_ref (dinp_ref, dw_ref, dbias_ref, dout, inp, w, B, I, O);
      double e_dinp = max_rel_diff (dinp, dinp_ref, ni);
      double e_dw = max_rel_diff (dw, dw_ref, nw);
      double e_db = max_rel_diff (dbias, dbias_ref, O);

      g_test_message ("dense B=%d I=%d O=%d vs ref: out %.1e dinp %.1e dw %.1e dbias %.1e",
                      B, I, O, e_out, e_dinp, e_dw, e_db);
      g_assert_cmpfloat (e_out, <=, REF_TOL);
      g_assert_cmpfloat (e_dinp, <=, REF_TOL);
      g_assert_cmpfloat (e_dw, <=, REF_TOL);
      g_assert_cmpfloat (e_db, <=, REF_TOL);
    }
}

/* a dense layer's units in uneven slices: the slices together are the
 * reference's output, weight and bias gradients (added to what was there),
 * and a slice writes nothing outside its units */
static void
test_dense_units_vs_ref (void)
{
  static const int shapes[][3] = { { 1, 1, 1 }, { 3, 7, 5 }, { 20, 784, 50 }, { 128, 31, 10 } };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      const int B = shapes[s][0], I = shapes[s][1], O = shapes[s][2];
      const size_t ni = (size_t) B * I, nw = (size_t) O * I, no = (size_t) B * O;
      g_autofree dd_real *inp = new_uniform (ni, -1, 1, 110 + s);
      g_autofree dd_real *w = new_uniform (nw, -1, 1, 120 + s);
      g_autofree dd_real *bias = new_uniform (O, -1, 1, 130 + s);
      g_autofree dd_real *dout = new_uniform (no, -1, 1, 140 + s);
      g_autofree dd_real *out = g_new (dd_real, no);
      g_autofree dd_real *out_ref = g_new (dd_real, no);
      g_autofree dd_real *dw = new_uniform (nw, -1, 1, 160 + s);
      g_autofree dd_real *dbias = new_uniform (O, -1, 1, 170 + s);
      g_autofree dd_real *dw_ref = new_copy (dw, nw);
      g_autofree dd_real *dbias_ref = new_copy (dbias, O);
      /* cuts: 0, a third, a third again (an empty slice when O < 3), O */
      const int cut[] = { 0, O / 3, O / 3, O };

      dd_dense_forward_ref (out_ref, inp, w, bias, B, I, O);
      dd_dense_backward_ref (NULL, dw_ref, dbias_ref, dout, inp, w, B, I, O);
      for (size_t i = 0; i < no; i++)
        out[i] = NAN;
      for (int k = 0; k + 1 < (int) G_N_ELEMENTS (cut); k++)
        {
          dd_dense_forward_units (out, inp, w, bias, B, I, O, cut[k], cut[k + 1]);
          dd_dense_grads_units (dw, dbias, dout, inp, B, I, O, cut[k], cut[k + 1], FALSE);
          /* nothing past the slice written yet */
          for (int b = 0; b < B; b++)
            for (int j = cut[k + 1]; j < O; j++)
              g_assert_true (isnan (out[(size_t) b * O + j]));
        }
      double e_out = max_rel_diff (out, out_ref, no);
      double e_dw = max_rel_diff (dw, dw_ref, nw);
      double e_db = max_rel_diff (dbias, dbias_ref, O);

      g_test_message ("dense units B=%d I=%d O=%d vs ref: out %.1e dw %.1e dbias %.1e",
                      B, I, O, e_out, e_dw, e_db);
      g_assert_cmpfloat (e_out, <=, REF_TOL);
      g_assert_cmpfloat (e_dw, <=, REF_TOL);
      g_assert_cmpfloat (e_db, <=, REF_TOL);
    }
}

/* the weight and bias gradients of a slice written (set) rather than added:
 * over rows that held NaN, the same bits as adding to rows of zeros, and
 * the rows outside the slice as they were */
static void
test_dense_units_set (void)
{
  static const int shapes[][3] = { { 1, 1, 1 }, { 3, 7, 5 }, { 20, 784, 50 }, { 128, 31, 10 } };

  for (int s = 0; s < (int) G_N_ELEMENTS (shapes); s++)
    {
      const int B = shapes[s][0], I = shapes[s][1], O = shapes[s][2];
      const size_t nw = (size_t) O * I;
      g_autofree dd_real *inp = new_uniform ((size_t) B * I, -1, 1, 210 + s);
      g_autofree dd_real *dout = new_uniform ((size_t) B * O, -1, 1, 220 + s);
      g_autofree dd_real *dw_add = g_new0 (dd_real, nw);
      g_autofree dd_real *db_add = g_new0 (dd_real, O);
      g_autofree dd_real *dw_set = g_new (dd_real, nw);
      g_autofree dd_real *db_set = g_new (dd_real, O);
      const int j0 = O / 3, j1 = O - O / 4;

      for (size_t i = 0; i < nw; i++)
        dw_set[i] = NAN;
      for (int j = 0; j < O; j++)
        db_set[j] = NAN;
      dd_dense_grads_units (dw_add, db_add, dout, inp, B, I, O, j0, j1, FALSE);
      dd_dense_grads_units (dw_set, db_set, dout, inp, B, I, O, j0, j1, TRUE);
      for (int j = 0; j < O; j++)
        {
          const gboolean in = j >= j0 && j < j1;
          g_assert_true (in ? db_set[j] == db_add[j] : isnan (db_set[j]));
          for (int i = 0; i < I; i++)
            {
              const size_t k = (size_t) j * I + i;
              if (in)
                g_assert_cmpmem (&dw_set[k], sizeof (dd_real), &dw_add[k], sizeof (dd_real));
              else
                g_assert_true (isnan (dw_set[k]));
            }
        }
    }
}

/* ---------------------------------------------------------------------- */
/* convolution */

typedef struct {
  int B, H, W, Ci, Co, K;
  dd_real *inp, *w, *bias, *rows, *out, *r;
} ConvCase;

static int conv_ho (const ConvCase *c) { return c->H - c->K + 1; }
static int conv_wo (const ConvCase *c) { return c->W - c->K + 1; }
static size_t conv_nout (const ConvCase *c) { return (size_t) c->B * conv_ho (c) * conv_wo (c) * c->Co; }
static size_t conv_nrows (const ConvCase *c)
{
  return (size_t) c->B * conv_ho (c) * conv_wo (c) * c->K * c->K * c->Ci;
}

static double
conv_f (gpointer data)
{
  ConvCase *c = data;
  dd_conv_forward (c->out, c->rows, c->inp, c->w, c->bias,
                   c->B, c->H, c->W, c->Ci, c->Co, c->K);
  return dot (c->r, c->out, conv_nout (c));
}

static void
conv_gradcheck (int B, int H, int W, int Ci, int Co, int K)
{
  ConvCase c = { B, H, W, Ci, Co, K };
  const size_t ni = (size_t) B * H * W * Ci, nw = (size_t) Co * K * K * Ci;
  const size_t no = conv_nout (&c), nr = conv_nrows (&c);
  g_autofree char *tag = g_strdup_printf ("conv %dx%dx%d->%d K%d", H, W, Ci, Co, K);
  g_autofree char *n_inp = g_strconcat (tag, " dinp", NULL);
  g_autofree char *n_w = g_strconcat (tag, " dw", NULL);
  g_autofree char *n_b = g_strconcat (tag, " dbias", NULL);

  c.inp = new_uniform (ni, -1, 1, 101);
  c.w = new_uniform (nw, -1, 1, 102);
  c.bias = new_uniform (Co, -1, 1, 103);
  c.r = new_uniform (no, -1, 1, 104);
  c.out = g_new (dd_real, no);
  c.rows = g_new (dd_real, nr);
  g_autofree dd_real *drows = g_new (dd_real, nr);
  g_autofree dd_real *dinp = g_new0 (dd_real, ni);
  g_autofree dd_real *dw = g_new0 (dd_real, nw);
  g_autofree dd_real *dbias = g_new0 (dd_real, Co);

  conv_f (&c);
  dd_conv_backward (dinp, dw, dbias, drows, c.r, c.rows, c.w, B, H, W, Ci, Co, K);
  g_autofree dd_real *dinp1 = new_copy (dinp, ni);
  g_autofree dd_real *dw1 = new_copy (dw, nw);
  g_autofree dd_real *dbias1 = new_copy (dbias, Co);

  dd_conv_backward (dinp, dw, dbias, drows, c.r, c.rows, c.w, B, H, W, Ci, Co, K);
  assert_added_twice (n_inp, dinp, dinp1, ni);
  assert_added_twice (n_w, dw, dw1, nw);
  assert_added_twice (n_b, dbias, dbias1, Co);

  /* without dinp (first layer) drows may be NULL too */
  g_autofree dd_real *dw0 = g_new0 (dd_real, nw);
  g_autofree dd_real *dbias0 = g_new0 (dd_real, Co);
  dd_conv_backward (NULL, dw0, dbias0, NULL, c.r, c.rows, c.w, B, H, W, Ci, Co, K);
  g_assert_cmpfloat (max_rel_diff (dw0, dw1, nw), <=, REF_TOL);
  g_assert_cmpfloat (max_rel_diff (dbias0, dbias1, Co), <=, REF_TOL);

  gradcheck_assert (n_inp, dinp1, c.inp, ni, conv_f, &c, GRADCHECK_TOL);
  gradcheck_assert (n_w, dw1, c.w, nw, conv_f, &c, GRADCHECK_TOL);
  gradcheck_assert (n_b, dbias1, c.bias, Co, conv_f, &c, GRADCHECK_TOL);

  g_free (c.inp); g_free (c.w); g_free (c.bias); g_free (c.r);
  g_free (c.out); g_free (c.rows);
}

static void
test_conv_gradcheck (void)
{
  conv_gradcheck (2, 7, 7, 3, 4, 3);
  conv_gradcheck (2, 7, 7, 1, 4, 3);
  conv_gradcheck (1, 6, 5, 2, 3, 2); /* not square */
}

static void
test_conv_vs_ref (void)
{
  static const int shapes[][6] = {  /* B, H, W, Ci, Co, K */
    { 1, 1, 1, 1, 1, 1 }, { 1, 5, 5, 1, 1, 1 }, { 2, 7, 7, 3, 4, 3 },
    { 3, 9, 6, 2, 5, 4 }, { 2, 12, 12, 1, 6, 5 }, { 2, 4, 4, 3, 2, 4 },
    { 2, 8, 8, 20, 7, 5 },
    { 3, 24, 24, 20, 4, 5 }, /* 1.6 MB of rows per image: dinp one image at a time */
  };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      const int B = shapes[s][0], H = shapes[s][1], W = shapes[s][2];
      const int Ci = shapes[s][3], Co = shapes[s][4], K = shapes[s][5];
      const int Ho = H - K + 1, Wo = W - K + 1;
      const size_t ni = (size_t) B * H * W * Ci, nw = (size_t) Co * K * K * Ci;
      const size_t no = (size_t) B * Ho * Wo * Co, nr = (size_t) B * Ho * Wo * K * K * Ci;
      g_autofree dd_real *inp = new_uniform (ni, -1, 1, 200 + s);
      g_autofree dd_real *w = new_uniform (nw, -1, 1, 210 + s);
      g_autofree dd_real *bias = new_uniform (Co, -1, 1, 220 + s);
      g_autofree dd_real *dout = new_uniform (no, -1, 1, 230 + s);
      g_autofree dd_real *rows = g_new (dd_real, nr);
      g_autofree dd_real *drows = g_new (dd_real, nr);
      g_autofree dd_real *out = g_new (dd_real, no);
      g_autofree dd_real *out_ref = g_new (dd_real, no);

      dd_conv_forward (out, rows, inp, w, bias, B, H, W, Ci, Co, K);
      dd_conv_forward_ref (out_ref, inp, w, bias, B, H, W, Ci, Co, K);
      double e_out = max_rel_diff (out, out_ref, no);

      g_autofree dd_real *dinp = new_uniform (ni, -1, 1, 240 + s);
      g_autofree dd_real *dw = new_uniform (nw, -1, 1, 250 + s);
      g_autofree dd_real *dbias = new_uniform (Co, -1, 1, 260 + s);
      g_autofree dd_real *dinp_ref = new_copy (dinp, ni);
      g_autofree dd_real *dw_ref = new_copy (dw, nw);
      g_autofree dd_real *dbias_ref = new_copy (dbias, Co);

      dd_conv_backward (dinp, dw, dbias, drows, dout, rows, w, B, H, W, Ci, Co, K);
      dd_conv_backward_ref (dinp_ref, dw_ref, dbias_ref, dout, inp, w, B, H, W, Ci, Co, K);
      double e_dinp = max_rel_diff (dinp, dinp_ref, ni);
      double e_dw = max_rel_diff (dw, dw_ref, nw);
      double e_db = max_rel_diff (dbias, dbias_ref, Co);

      g_test_message ("conv B=%d %dx%dx%d->%d K=%d vs ref: out %.1e dinp %.1e dw %.1e dbias %.1e",
                      B, H, W, Ci, Co, K, e_out, e_dinp, e_dw, e_db);
      g_assert_cmpfloat (e_out, <=, REF_TOL);
      g_assert_cmpfloat (e_dinp, <=, REF_TOL);
      g_assert_cmpfloat (e_dw, <=, REF_TOL);
      g_assert_cmpfloat (e_db, <=, REF_TOL);
    }
}

/* ---------------------------------------------------------------------- */
/* max-pool */

typedef struct {
  int B, H, W, C;
  dd_real *inp, *out, *r;
} PoolCase;

static double
pool_f (gpointer data)
{
  PoolCase *c = data;
  dd_maxpool2_forward (c->out, c->inp, c->B, c->H, c->W, c->C);
  return dot (c->r, c->out, (size_t) c->B * (c->H / 2) * (c->W / 2) * c->C);
}

static void
test_maxpool_gradcheck (void)
{
  PoolCase c = { .B = 2, .H = 6, .W = 4, .C = 3 };
  const size_t ni = (size_t) c.B * c.H * c.W * c.C, no = ni / 4;

  c.inp = new_uniform (ni, -1, 1, 301);
  c.r = new_uniform (no, -1, 1, 302);
  c.out = g_new (dd_real, no);
  g_autofree dd_real *dinp = g_new0 (dd_real, ni);

  pool_f (&c);
  dd_maxpool2_backward (dinp, c.r, c.inp, c.B, c.H, c.W, c.C);
  g_autofree dd_real *dinp1 = new_copy (dinp, ni);
  dd_maxpool2_backward (dinp, c.r, c.inp, c.B, c.H, c.W, c.C);
  assert_added_twice ("maxpool2 dinp", dinp, dinp1, ni);

  gradcheck_assert ("maxpool2 dinp", dinp1, c.inp, ni, pool_f, &c, GRADCHECK_TOL);
  g_free (c.inp); g_free (c.out); g_free (c.r);
}

static void
test_maxpool_values (void)
{
  /* one image 2×4, two channels; channel 1 has a tie in the second window */
  const dd_real inp[2 * 4 * 2] = {
    /* y=0 */ 1, 5,   4, 7,     -1, 2,   -3, 2,
    /* y=1 */ 3, 0,   2, 7,     -2, 2,   -5, 1,
  };
  const dd_real expect[2 * 2] = { 4, 7,   -1, 2 };
  const dd_real dout[2 * 2] = { 10, 20, 30, 40 };
  dd_real out[4], dinp[16] = { 0 };

  dd_maxpool2_forward (out, inp, 1, 2, 4, 2);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (out[i], ==, expect[i]);
  dd_maxpool2_backward (dinp, dout, inp, 1, 2, 4, 2);
  /* channel 0: max 4 at (0,1), −1 at (0,2); channel 1: 7 first at (0,1),
   * 2 first at (0,2) */
  const dd_real expect_d[16] = {
    0, 0,   10, 20,   30, 40,   0, 0,
    0, 0,   0, 0,     0, 0,     0, 0,
  };
  for (int i = 0; i < 16; i++)
    g_assert_cmpfloat (dinp[i], ==, expect_d[i]);
}

/* the vectorised backward and R-forward against their scalar twins, on the
 * LeNet shapes and an odd one, with values on a coarse grid so that windows
 * hold ties (the first maximum must win in both): equal value for value */
static void
test_maxpool_vs_ref (void)
{
  const int shapes[][4] = { { 3, 24, 24, 20 }, { 3, 8, 8, 50 }, { 2, 6, 4, 3 } };

  for (gsize k = 0; k < G_N_ELEMENTS (shapes); k++)
    {
      const int B = shapes[k][0], H = shapes[k][1], W = shapes[k][2], C = shapes[k][3];
      const size_t ni = (size_t) B * H * W * C, no = ni / 4;
      g_autofree dd_real *inp = new_uniform (ni, -2, 2, 311 + k);
      g_autofree dd_real *rinp = new_uniform (ni, -1, 1, 321 + k);
      g_autofree dd_real *dout = new_uniform (no, -1, 1, 331 + k);
      g_autofree dd_real *start = new_uniform (ni, -1, 1, 341 + k);
      for (size_t i = 0; i < ni; i++)
        inp[i] = (dd_real) (int) (inp[i] * 2) / 2;   /* 9 values: many ties */
      g_autofree dd_real *dinp = new_copy (start, ni), *dinp_ref = new_copy (start, ni);
      g_autofree dd_real *rout = g_new (dd_real, no), *rout_ref = g_new (dd_real, no);

      dd_maxpool2_backward (dinp, dout, inp, B, H, W, C);
      dd_maxpool2_backward_ref (dinp_ref, dout, inp, B, H, W, C);
      dd_maxpool2_rforward (rout, rinp, inp, B, H, W, C);
      dd_maxpool2_rforward_ref (rout_ref, rinp, inp, B, H, W, C);
      for (size_t i = 0; i < ni; i++)
        if (dinp[i] != dinp_ref[i])
          g_error ("maxpool2 backward %d×%d×%d×%d: dinp[%zu] %g, the loop's %g", B, H, W, C, i,
                   (double) dinp[i], (double) dinp_ref[i]);
      /* the forward is the R-forward along inp itself: the first maximum */
      g_autofree dd_real *out = g_new (dd_real, no), *out_ref = g_new (dd_real, no);
      dd_maxpool2_forward (out, inp, B, H, W, C);
      dd_maxpool2_rforward_ref (out_ref, inp, inp, B, H, W, C);
      for (size_t i = 0; i < no; i++)
        if (out[i] != out_ref[i])
          g_error ("maxpool2 forward %d×%d×%d×%d: out[%zu] %g, the loop's %g", B, H, W, C, i,
                   (double) out[i], (double) out_ref[i]);
      for (size_t i = 0; i < no; i++)
        if (rout[i] != rout_ref[i])
          g_error ("maxpool2 rforward %d×%d×%d×%d: rout[%zu] %g, the loop's %g", B, H, W, C, i,
                   (double) rout[i], (double) rout_ref[i]);
    }
}

/* ---------------------------------------------------------------------- */
/* elementwise */

typedef struct {
  size_t n;
  dd_real *inp, *out, *r;
  void (*forward) (dd_real *out, const dd_real *inp, size_t n);
} ElemCase;

static double
elem_f (gpointer data)
{
  ElemCase *c = data;
  c->forward (c->out, c->inp, c->n);
  return dot (c->r, c->out, c->n);
}

static void
test_tanh_gradcheck (void)
{
  ElemCase c = { .n = 37, .forward = dd_tanh_forward };

  c.inp = new_uniform (c.n, -3, 3, 401);
  c.r = new_uniform (c.n, -1, 1, 402);
  c.out = g_new (dd_real, c.n);
  g_autofree dd_real *dinp = g_new0 (dd_real, c.n);

  elem_f (&c);
  for (size_t i = 0; i < c.n; i++)
    g_assert_cmpfloat (c.out[i], ==, tanh (c.inp[i]));
  dd_tanh_backward (dinp, c.r, c.out, c.n);
  g_autofree dd_real *dinp1 = new_copy (dinp, c.n);
  dd_tanh_backward (dinp, c.r, c.out, c.n);
  assert_added_twice ("tanh dinp", dinp, dinp1, c.n);

  gradcheck_assert ("tanh dinp", dinp1, c.inp, c.n, elem_f, &c, GRADCHECK_TOL);
  g_free (c.inp); g_free (c.out); g_free (c.r);
}

static void
test_relu_gradcheck (void)
{
  ElemCase c = { .n = 41, .forward = dd_relu_forward };

  /* keep every input at least 0.01 from the kink, far beyond the FD step */
  c.inp = new_uniform (c.n, 0.01, 2, 411);
  for (size_t i = 0; i < c.n; i += 2)
    c.inp[i] = -c.inp[i];
  c.r = new_uniform (c.n, -1, 1, 412);
  c.out = g_new (dd_real, c.n);
  g_autofree dd_real *dinp = g_new0 (dd_real, c.n);

  elem_f (&c);
  for (size_t i = 0; i < c.n; i++)
    g_assert_cmpfloat (c.out[i], ==, c.inp[i] > 0 ? c.inp[i] : 0);
  dd_relu_backward (dinp, c.r, c.inp, c.n);
  g_autofree dd_real *dinp1 = new_copy (dinp, c.n);
  dd_relu_backward (dinp, c.r, c.inp, c.n);
  assert_added_twice ("relu dinp", dinp, dinp1, c.n);

  gradcheck_assert ("relu dinp", dinp1, c.inp, c.n, elem_f, &c, GRADCHECK_TOL);
  g_free (c.inp); g_free (c.out); g_free (c.r);
}

/* ---------------------------------------------------------------------- */
/* softmax */

typedef struct {
  int B, C;
  gboolean log;
  dd_real *logits, *out, *r;
} SoftmaxCase;

static double
softmax_f (gpointer data)
{
  SoftmaxCase *c = data;
  if (c->log)
    dd_log_softmax_forward (c->out, c->logits, c->B, c->C);
  else
    dd_softmax_forward (c->out, c->logits, c->B, c->C);
  return dot (c->r, c->out, (size_t) c->B * c->C);
}

static void
test_softmax_values (void)
{
  /* row 0: (0, ln 2, ln 3) → (1, 2, 3)/6; row 1 shifted by 1000 (no overflow);
   * row 2 far apart (no NaN from exp underflow) */
  const dd_real logits[3 * 3] = {
    0, log (2.0), log (3.0),
    1000, 1000 + log (2.0), 1000 + log (3.0),
    -800, 0, 800,
  };
  const double expect[3 * 3] = {
    1 / 6.0, 2 / 6.0, 3 / 6.0,
    1 / 6.0, 2 / 6.0, 3 / 6.0,
    0, 0, 1,
  };
  dd_real p[9], lp[9];

  dd_softmax_forward (p, logits, 3, 3);
  dd_log_softmax_forward (lp, logits, 3, 3);
  for (int i = 0; i < 9; i++)
    g_assert_cmpfloat_with_epsilon (p[i], expect[i], 1e-12);
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat_with_epsilon (lp[i], log (expect[i]), 1e-12);
  g_assert_cmpfloat_with_epsilon (lp[6], -1600, 1e-12);
  g_assert_cmpfloat_with_epsilon (lp[7], -800, 1e-12);
  g_assert_cmpfloat (lp[8], ==, 0);
}

/* Neither has a backward kernel; the losses differentiate through them.
 * Check here that the forward values have the derivatives the losses
 * assume: ∂(r·softmax)/∂z = p ⊙ (r − Σ p r), ∂(r·log_softmax)/∂z = r − p Σ r. */
static void
test_softmax_gradcheck (void)
{
  SoftmaxCase c = { .B = 4, .C = 7 };
  const size_t n = (size_t) c.B * c.C;

  c.logits = new_uniform (n, -3, 3, 501);
  c.r = new_uniform (n, -1, 1, 502);
  c.out = g_new (dd_real, n);
  g_autofree dd_real *p = g_new (dd_real, n);
  g_autofree dd_real *g_soft = g_new (dd_real, n);
  g_autofree dd_real *g_log = g_new (dd_real, n);

  dd_softmax_forward (p, c.logits, c.B, c.C);
  for (int b = 0; b < c.B; b++)
    {
      const dd_real *pb = p + b * c.C, *rb = c.r + b * c.C;
      double pr = 0, rs = 0;
      for (int k = 0; k < c.C; k++)
        {
          pr += pb[k] * rb[k];
          rs += rb[k];
        }
      for (int k = 0; k < c.C; k++)
        {
          g_soft[b * c.C + k] = pb[k] * (rb[k] - pr);
          g_log[b * c.C + k] = rb[k] - pb[k] * rs;
        }
    }

  c.log = FALSE;
  gradcheck_assert ("softmax", g_soft, c.logits, n, softmax_f, &c, GRADCHECK_TOL);
  c.log = TRUE;
  gradcheck_assert ("log_softmax", g_log, c.logits, n, softmax_f, &c, GRADCHECK_TOL);
  g_free (c.logits); g_free (c.out); g_free (c.r);
}

/* ---------------------------------------------------------------------- */
/* the first largest entry, on vectors, against the plain loop */

static void
test_first_maxf (void)
{
  enum { N = 6500 };
  g_autofree float *x = g_new (float, N);
  DdRng rng;
  int cases = 0, nan_first = 0, tied = 0;

  dd_rng_seed (&rng, 23);
  for (int round = 0; round < 4000; round++)
    {
      /* every length to 80 (the lanes, their tail, both empty), then rows as
       * wide as the translator's vocabulary */
      const int n = round < 3200 ? 1 + round % 80 : N - (int) (dd_rng_uniform (&rng) * 100);
      /* few distinct values, so that the largest is often tied; zeros of
       * both signs; NaN here and there, sometimes first; ±∞ */
      for (int i = 0; i < n; i++)
        {
          const double u = dd_rng_uniform (&rng);
          x[i] = u < 0.02 ? NAN : u < 0.03 ? -0.0f : u < 0.04 ? 0.0f : u < 0.045 ? -INFINITY
               : u < 0.047 && round % 5 == 0 ? INFINITY : (float) floor (dd_rng_normal (&rng) * 3);
        }
      if (round % 7 == 0)
        x[0] = NAN;
      if (round % 11 == 0)
        for (int i = 0; i < n; i++)
          x[i] = NAN;
      const int want = dd_first_maxf_ref (x, n), got = dd_first_maxf (x, n);
      if (got != want)
        g_error ("dd_first_maxf: round %d, n = %d: %d, the plain loop %d", round, n, got, want);
      cases++;
      nan_first += isnan (x[0]);
      for (int i = want + 1; i < n; i++)
        if (x[i] == x[want])
          {
            tied++;
            break;
          }
    }
  /* the cases that matter were met: a NaN first, a largest value repeated */
  g_assert_cmpint (cases, ==, 4000);
  g_assert_cmpint (nan_first, >, 300);
  g_assert_cmpint (tied, >, 1000);
}

/* ---------------------------------------------------------------------- */
/* the single-precision tanh of the float engine */

typedef struct {
  double max_abs, max_ulp;
  float worst_x;
} TanhErr;

static void
tanhf_check (TanhErr *e, float x)
{
  double want = tanh ((double) x);
  double got = dd_tanhf_fast (x);
  int ex;
  frexp (want, &ex);
  double ulp = fmax (ldexp (1.0, ex - 24), 0x1p-149); /* float spacing at want */
  double abs_err = fabs (got - want);

  if (abs_err > e->max_abs)
    e->max_abs = abs_err;
  if (abs_err / ulp > e->max_ulp)
    {
      e->max_ulp = abs_err / ulp;
      e->worst_x = x;
    }
}

static void
test_tanhf_fast_accuracy (void)
{
  TanhErr e = { 0 };
  guint32 last;
  float stop = 12.0f;
  memcpy (&last, &stop, sizeof last);

  /* every 61st float from +0 to 12 (sub-normals and all binades), both signs */
  for (guint32 bits = 0; bits <= last; bits += 61)
    {
      float x;
      memcpy (&x, &bits, sizeof x);
      tanhf_check (&e, x);
      tanhf_check (&e, -x);
    }
  /* and a uniform grid over [−20, 20] */
  for (int i = -200000; i <= 200000; i++)
    tanhf_check (&e, (float) (i * 1e-4));

  g_test_message ("float tanh vs libm: max abs err %.3e, max %.2f ulp (at x = %.9g)",
                  e.max_abs, e.max_ulp, (double) e.worst_x);
  g_assert_cmpfloat (e.max_abs, <=, 2e-7);
  g_assert_cmpfloat (e.max_ulp, <=, 3.0);

  /* special values */
  g_assert_cmpfloat (dd_tanhf_fast (INFINITY), ==, 1.0f);
  g_assert_cmpfloat (dd_tanhf_fast (-INFINITY), ==, -1.0f);
  g_assert_cmpfloat (dd_tanhf_fast (1e30f), ==, 1.0f);
  g_assert_cmpfloat (dd_tanhf_fast (-1e30f), ==, -1.0f);
  g_assert_true (isnan (dd_tanhf_fast (NAN)));
  g_assert_true (isnan (dd_tanhf_fast (-NAN)));
  g_assert_cmpfloat (dd_tanhf_fast (0.0f), ==, 0.0f);
  g_assert_false (signbit (dd_tanhf_fast (0.0f)));
  g_assert_true (signbit (dd_tanhf_fast (-0.0f)));
  g_assert_cmpfloat (dd_tanhf_fast (1e-30f), ==, 1e-30f);
}

/* ---------------------------------------------------------------------- */

static void
test_blas_info (void)
{
  const char *core = dd_blas_kernel ();

  g_assert_nonnull (core);
  g_assert_cmpuint (strlen (core), >, 0);
  g_test_message ("OpenBLAS core: %s", core);
  dd_set_threads (1);
}

/* The optimisers' updates (cloned for AVX2 and AVX-512, fused multiply-adds
 * off) against the plain loop of their rule, written here once more: the
 * same bits, over a length that leaves a tail after any vector width, for
 * several steps (Adam's bias corrections change with t), whole and in two
 * uneven parts (dd_optim_step_part). */
static void
test_optim_vs_plain (void)
{
  const size_t n = 1003;
  DdRng rng;
  g_autofree dd_real *p = g_new (dd_real, n), *q = g_new (dd_real, n), *g = g_new (dd_real, n);
  g_autofree dd_real *gc = g_new (dd_real, n), *m = g_new0 (dd_real, n), *v = g_new0 (dd_real, n);

  for (int kind = 0; kind < 2; kind++)
    {
      const double lr = kind ? 0.001 : 0.1, rho = 0.9, b1 = 0.9, b2 = 0.999, eps = 1e-8;
      DdOptim *opt = dd_optim_new (kind ? DD_OPTIM_ADAM : DD_OPTIM_SGD, n, lr, rho);
      dd_rng_seed (&rng, 17 + kind);
      for (size_t i = 0; i < n; i++)
        p[i] = q[i] = (dd_real) dd_rng_normal (&rng);
      memset (m, 0, n * sizeof (dd_real));
      memset (v, 0, n * sizeof (dd_real));
      for (int t = 1; t <= 6; t++)
        {
          for (size_t i = 0; i < n; i++)
            gc[i] = g[i] = (dd_real) (dd_rng_normal (&rng) * (i % 7 == 0 ? 1e-4 : 1.0));
          if (t % 2)
            dd_optim_step (opt, p, g);
          else
            {
              /* the later part first: the parts may come in any order */
              dd_optim_begin_step (opt);
              dd_optim_step_part (opt, p, gc, n / 3, n);
              dd_optim_step_part (opt, p, gc, 0, n / 3);
            }
          const double c1 = 1.0 - pow (b1, t), c2 = 1.0 - pow (b2, t);
          const dd_real step = (dd_real) (lr * sqrt (c2) / c1), e = (dd_real) (eps * sqrt (c2));
          for (size_t i = 0; i < n; i++)
            if (kind == 0)
              {
                m[i] = (dd_real) rho * m[i] + g[i];
                q[i] -= (dd_real) lr * m[i];
              }
            else
              {
                m[i] = (dd_real) b1 * m[i] + (1 - (dd_real) b1) * g[i];
                v[i] = (dd_real) b2 * v[i] + (1 - (dd_real) b2) * g[i] * g[i];
                q[i] -= step * m[i] / (sqrt (v[i]) + e);
              }
          g_assert_cmpmem (p, n * sizeof (dd_real), q, n * sizeof (dd_real));
          g_assert_cmpmem (gc, n * sizeof (dd_real), g, n * sizeof (dd_real));
        }
      dd_optim_free (opt);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  dd_set_threads (1);

  g_test_add_func ("/kernels/blas-info", test_blas_info);
  g_test_add_func ("/kernels/optim/vs-plain", test_optim_vs_plain);
  g_test_add_func ("/kernels/dense/gradcheck", test_dense_gradcheck);
  g_test_add_func ("/kernels/dense/vs-ref", test_dense_vs_ref);
  g_test_add_func ("/kernels/dense/units-vs-ref", test_dense_units_vs_ref);
  g_test_add_func ("/kernels/dense/units-set", test_dense_units_set);
  g_test_add_func ("/kernels/conv/gradcheck", test_conv_gradcheck);
  g_test_add_func ("/kernels/conv/vs-ref", test_conv_vs_ref);
  g_test_add_func ("/kernels/maxpool2/gradcheck", test_maxpool_gradcheck);
  g_test_add_func ("/kernels/maxpool2/values", test_maxpool_values);
  g_test_add_func ("/kernels/maxpool2/vs-ref", test_maxpool_vs_ref);
  g_test_add_func ("/kernels/tanh/gradcheck", test_tanh_gradcheck);
  g_test_add_func ("/kernels/relu/gradcheck", test_relu_gradcheck);
  g_test_add_func ("/kernels/softmax/values", test_softmax_values);
  g_test_add_func ("/kernels/softmax/gradcheck", test_softmax_gradcheck);
  g_test_add_func ("/kernels/tanhf-fast/accuracy", test_tanhf_fast_accuracy);
  g_test_add_func ("/kernels/first-maxf/vs-plain", test_first_maxf);

  return g_test_run ();
}
