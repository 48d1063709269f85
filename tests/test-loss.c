/* test-loss.c: the losses against hand-computed values and finite differences
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Linked against the double-precision engine. Values are checked against
 * numbers worked out by hand and against the defining formulas written out
 * here a second way (probabilities from exp/sum without the max shift,
 * smoothing as a mix of two cross-entropies, the margin on the summed
 * exponentials); every gradient the loss returns — dlogits for each kind,
 * dW and db for DLF — is checked against central differences, and so is the
 * R-operator against central differences of those gradients.
 *
 * DLF with the per-class log saturation scale s (row C of a (C + 1, C) W
 * block, dd-dlf-head.h) is checked in both forms, paper ℓ = −σ(ε·u) and
 * normalised ℓ = (4/ε)(½ − σ(ε·u)), ε = exp(s): the values against those
 * formulas written out here, every gradient (logits, W, s, b) and the
 * R-operator against central differences at random Φ and random s; the
 * normalised form at W = I, b = 0 against cross-entropy as ε → 0 and its
 * bound 2/ε; the paper form at s = 0 against the paper's −σ(Σ W log p + b).
 */
#include "dd-loss.h"
#include "dd-teacher.h"
#include "dd-rng.h"
#include "gradcheck.h"

#include <math.h>
#include <string.h>

#define VALUE_TOL 1e-12

/* ---------------------------------------------------------------------- */
/* helpers */

/* p = exp(z) / Σ exp(z), straight from the definition (fine for |z| ≲ 50) */
static void
plain_softmax (double *p, const dd_real *z, int C)
{
  double s = 0;
  for (int k = 0; k < C; k++)
    s += exp (z[k]);
  for (int k = 0; k < C; k++)
    p[k] = exp (z[k]) / s;
}

static void
assert_close (const char *what, double got, double want)
{
  double rel = fabs (got - want) / fmax (fabs (want), 1e-300);
  g_test_message ("%s: got %.15g, want %.15g, rel err %.2e", what, got, want, rel);
  g_assert_cmpfloat (rel, <=, VALUE_TOL);
}

/* ---------------------------------------------------------------------- */
/* names */

static void
test_names (void)
{
  static const DdLossKind kinds[] = { DD_LOSS_CE, DD_LOSS_SMOOTH, DD_LOSS_MARGIN, DD_LOSS_DLF,
                                      DD_LOSS_SMOOTH_ERROR };
  static const char *const names[] = { "ce", "smooth", "margin", "dlf", "smooth-error" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      DdLossKind parsed = (DdLossKind) -1;
      g_assert_cmpstr (dd_loss_kind_name (kinds[i]), ==, names[i]);
      g_assert_true (dd_loss_kind_parse (names[i], &parsed));
      g_assert_cmpint (parsed, ==, kinds[i]);
    }
  DdLossKind untouched = DD_LOSS_DLF;
  g_assert_false (dd_loss_kind_parse ("cross-entropy", &untouched));
  g_assert_false (dd_loss_kind_parse ("", &untouched));
  g_assert_cmpint (untouched, ==, DD_LOSS_DLF);

  DdLoss l = dd_loss_default (DD_LOSS_SMOOTH);
  g_assert_cmpint (l.kind, ==, DD_LOSS_SMOOTH);
  g_assert_cmpfloat (l.smoothing, ==, 0.1);
  l = dd_loss_default (DD_LOSS_MARGIN);
  g_assert_cmpfloat (l.margin, ==, 1.0);
  l = dd_loss_default (DD_LOSS_SMOOTH_ERROR);
  g_assert_cmpfloat (l.smooth_k, ==, 50.0);
  l = dd_loss_default (DD_LOSS_DLF);
  g_assert_null (l.W);
  g_assert_null (l.b);
  /* no scale row and the paper's form unless set: ε = 1, ℓ = −σ(u) */
  g_assert_null (l.s);
  g_assert_false (l.normalised);
}

/* ---------------------------------------------------------------------- */
/* values */

static void
test_ce_values (void)
{
  /* logits (0, ln 2, ln 3): p = (1, 2, 3)/6 */
  const dd_real logits[2 * 3] = { 0, log (2.0), log (3.0),
                                  0, log (2.0), log (3.0) };
  const int y2[2] = { 2, 2 }, mixed[2] = { 2, 0 };
  DdLoss ce = dd_loss_default (DD_LOSS_CE);
  dd_real scratch[6], d[6];

  assert_close ("CE label 2", dd_loss_forward_backward (&ce, NULL, NULL, NULL, scratch,
                                                        logits, y2, 1, 3),
                -log (3.0 / 6.0));
  assert_close ("CE labels 2, 0 (mean)",
                dd_loss_forward_backward (&ce, d, NULL, NULL, scratch, logits, mixed, 2, 3),
                (-log (3.0 / 6.0) - log (1.0 / 6.0)) / 2);
  /* dlogits = (p − onehot) / B */
  const double want_d[6] = { 1 / 12.0, 2 / 12.0, (3 / 6.0 - 1) / 2,
                             (1 / 6.0 - 1) / 2, 2 / 12.0, 3 / 12.0 };
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat_with_epsilon (d[i], want_d[i], 1e-15);
}

static void
test_dlf_identity_values (void)
{
  /* at W = I, b = 0 the loss is −σ(log p_y) = −p_y / (1 + p_y) */
  const int B = 5, C = 7;
  g_autofree dd_real *logits = new_normal (B * C, 2.0, 11);
  g_autofree int *labels = new_labels (B, C, 12);
  g_autofree dd_real *W = g_new0 (dd_real, C * C);
  g_autofree dd_real *b = g_new0 (dd_real, C);
  g_autofree dd_real *scratch = g_new (dd_real, B * C);
  double p[7], want = 0;

  for (int j = 0; j < C; j++)
    W[j * C + j] = 1;
  for (int i = 0; i < B; i++)
    {
      plain_softmax (p, logits + i * C, C);
      double py = p[labels[i]];
      want += -py / (1 + py);
    }
  want /= B;

  DdLoss dlf = dd_loss_default (DD_LOSS_DLF);
  dlf.W = W;
  dlf.b = b;
  assert_close ("DLF at (I, 0)",
                dd_loss_forward_backward (&dlf, NULL, NULL, NULL, scratch, logits, labels, B, C),
                want);

  /* and the label (0, ln 2, ln 3), y = 2 example by hand: p_y = 1/2 → −1/3 */
  const dd_real l3[3] = { 0, log (2.0), log (3.0) };
  const int y = 2;
  const dd_real I3[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, zero3[3] = { 0 };
  dlf.W = I3;
  dlf.b = zero3;
  assert_close ("DLF (0, ln2, ln3) y=2",
                dd_loss_forward_backward (&dlf, NULL, NULL, NULL, scratch, l3, &y, 1, 3),
                -1.0 / 3.0);
}

static void
test_dlf_general_values (void)
{
  /* z = Σ_j W[j, y]·log p_j + b[y], ℓ = −1 / (1 + e^{−z}) */
  const int B = 4, C = 6;
  g_autofree dd_real *logits = new_normal (B * C, 2.0, 21);
  g_autofree int *labels = new_labels (B, C, 22);
  g_autofree dd_real *W = new_normal (C * C, 0.7, 23);
  g_autofree dd_real *b = new_normal (C, 0.5, 24);
  g_autofree dd_real *scratch = g_new (dd_real, B * C);
  double p[6], want = 0;

  for (int i = 0; i < B; i++)
    {
      const int y = labels[i];
      plain_softmax (p, logits + i * C, C);
      double z = b[y];
      for (int j = 0; j < C; j++)
        z += W[j * C + y] * log (p[j]);
      want += -1 / (1 + exp (-z));
    }
  want /= B;

  DdLoss dlf = dd_loss_default (DD_LOSS_DLF);
  dlf.W = W;
  dlf.b = b;
  assert_close ("DLF random (W, b)",
                dd_loss_forward_backward (&dlf, NULL, NULL, NULL, scratch, logits, labels, B, C),
                want);
}

static void
test_smooth_values (void)
{
  /* −Σ q log p with q = (1 − ε)·onehot + ε/C is (1 − ε)·CE + ε·(lse − mean z):
   * a mix of the true-class CE and the CE against the uniform target */
  const int B = 3, C = 5;
  g_autofree dd_real *logits = new_normal (B * C, 2.0, 31);
  g_autofree int *labels = new_labels (B, C, 32);
  g_autofree dd_real *scratch = g_new (dd_real, B * C);
  const double eps_list[] = { 0.1, 0.3, 0.0 };

  for (guint e = 0; e < G_N_ELEMENTS (eps_list); e++)
    {
      const double eps = eps_list[e];
      double want = 0;
      for (int i = 0; i < B; i++)
        {
          const dd_real *z = logits + i * C;
          double s = 0, zmean = 0;
          for (int k = 0; k < C; k++)
            {
              s += exp (z[k]);
              zmean += z[k] / C;
            }
          double lse = log (s);
          want += (1 - eps) * (lse - z[labels[i]]) + eps * (lse - zmean);
        }
      want /= B;

      DdLoss smooth = dd_loss_default (DD_LOSS_SMOOTH);
      smooth.smoothing = eps;
      g_autofree char *what = g_strdup_printf ("smoothing eps=%.1f", eps);
      assert_close (what,
                    dd_loss_forward_backward (&smooth, NULL, NULL, NULL, scratch,
                                              logits, labels, B, C),
                    want);
    }
}

static void
test_margin_values (void)
{
  /* CE of z − m·onehot(y): log(e^{z_y − m} + Σ_{k≠y} e^{z_k}) − (z_y − m) */
  const int B = 4, C = 6;
  g_autofree dd_real *logits = new_normal (B * C, 2.0, 41);
  g_autofree int *labels = new_labels (B, C, 42);
  g_autofree dd_real *scratch = g_new (dd_real, B * C);
  const double m_list[] = { 1.0, 0.35, 0.0 };

  DdLoss ce = dd_loss_default (DD_LOSS_CE);
  double ce_value = dd_loss_forward_backward (&ce, NULL, NULL, NULL, scratch,
                                              logits, labels, B, C);

  for (guint e = 0; e < G_N_ELEMENTS (m_list); e++)
    {
      const double m = m_list[e];
      double want = 0;
      for (int i = 0; i < B; i++)
        {
          const dd_real *z = logits + i * C;
          const int y = labels[i];
          double others = 0;
          for (int k = 0; k < C; k++)
            if (k != y)
              others += exp (z[k]);
          want += log (exp (z[y] - m) + others) - (z[y] - m);
        }
      want /= B;

      DdLoss margin = dd_loss_default (DD_LOSS_MARGIN);
      margin.margin = m;
      double got = dd_loss_forward_backward (&margin, NULL, NULL, NULL, scratch,
                                             logits, labels, B, C);
      g_autofree char *what = g_strdup_printf ("margin m=%.2f", m);
      assert_close (what, got, want);
      if (m > 0)
        g_assert_cmpfloat (got, >, ce_value);
      else
        assert_close ("margin m=0 is CE", got, ce_value);
    }
}

static void
test_smooth_error_values (void)
{
  /* 2σ(κ·(max_j p_j − p_y)) − 1 = tanh(κ·(max_j p_j − p_y)/2) */
  const int B = 6, C = 5;
  g_autofree dd_real *logits = new_normal (B * C, 1.0, 71);
  g_autofree int *labels = new_labels (B, C, 72);
  g_autofree dd_real *scratch = g_new (dd_real, B * C);
  double p[5];

  labels[0] = 0;  /* make one prediction right: its error is 0 */
  logits[0] = 5;
  for (guint e = 0; e < 2; e++)
    {
      const double kappa = e == 0 ? 50.0 : 3.0;
      double want = 0;
      for (int i = 0; i < B; i++)
        {
          plain_softmax (p, logits + i * C, C);
          double pmax = p[0];
          for (int k = 1; k < C; k++)
            pmax = fmax (pmax, p[k]);
          want += tanh (kappa * (pmax - p[labels[i]]) / 2);
        }
      want /= B;

      DdLoss se = dd_loss_default (DD_LOSS_SMOOTH_ERROR);
      se.smooth_k = kappa;
      g_autofree char *what = g_strdup_printf ("smooth error k=%.0f", kappa);
      assert_close (what,
                    dd_loss_forward_backward (&se, NULL, NULL, NULL, scratch, logits, labels, B, C),
                    want);
    }
  /* a right prediction alone: 0, and no gradient */
  dd_real d[5];
  DdLoss se = dd_loss_default (DD_LOSS_SMOOTH_ERROR);
  g_assert_cmpfloat (dd_loss_forward_backward (&se, d, NULL, NULL, scratch, logits, labels, 1, C),
                     ==, 0.0);
  for (int k = 0; k < C; k++)
    g_assert_cmpfloat (d[k], ==, 0.0);
}

/* The batch loss is the mean of the one-example losses. */
static void
test_batch_mean (void)
{
  const int B = 5, C = 4;
  g_autofree dd_real *logits = new_normal (B * C, 2.0, 51);
  g_autofree int *labels = new_labels (B, C, 52);
  g_autofree dd_real *W = new_normal (C * C, 1.0, 53);
  g_autofree dd_real *b = new_normal (C, 1.0, 54);
  g_autofree dd_real *scratch = g_new (dd_real, B * C);

  for (int kind = DD_LOSS_CE; kind <= DD_LOSS_SMOOTH_ERROR; kind++)
    {
      DdLoss loss = dd_loss_default ((DdLossKind) kind);
      loss.W = W;
      loss.b = b;
      double sum = 0;
      for (int i = 0; i < B; i++)
        sum += dd_loss_forward_backward (&loss, NULL, NULL, NULL, scratch,
                                         logits + i * C, labels + i, 1, C);
      double all = dd_loss_forward_backward (&loss, NULL, NULL, NULL, scratch,
                                             logits, labels, B, C);
      g_assert_cmpfloat_with_epsilon (all, sum / B, 1e-14);
    }
}

/* Far-apart logits must give finite values and gradients. */
static void
test_extreme_logits (void)
{
  const int C = 4;
  const dd_real logits[2 * 4] = { 900, -900, 0, 5,   -1e4, 1e4, 3, -3 };
  const int labels[2] = { 1, 0 }; /* both badly wrong */
  dd_real W[16], b[4], d[8], dW[16] = { 0 }, db[4] = { 0 }, scratch[8];

  for (int i = 0; i < 16; i++)
    W[i] = i % 5 == 0 ? 1 : -0.25;
  for (int i = 0; i < 4; i++)
    b[i] = 0.5;
  for (int kind = DD_LOSS_CE; kind <= DD_LOSS_SMOOTH_ERROR; kind++)
    {
      DdLoss loss = dd_loss_default ((DdLossKind) kind);
      loss.W = W;
      loss.b = b;
      double v = dd_loss_forward_backward (&loss, d, dW, db, scratch, logits, labels, 2, C);
      g_assert_true (isfinite (v));
      for (int i = 0; i < 8; i++)
        g_assert_true (isfinite (d[i]));
    }
  for (int i = 0; i < 16; i++)
    g_assert_true (isfinite (dW[i]));
  /* CE of a logit 1800 below the best is 1800 (and 2e4 for the second) */
  DdLoss ce = dd_loss_default (DD_LOSS_CE);
  assert_close ("CE extreme", dd_loss_forward_backward (&ce, NULL, NULL, NULL, scratch,
                                                        logits, labels, 2, C),
                (1800.0 + 2e4) / 2);
}

/* ---------------------------------------------------------------------- */
/* gradients */

typedef struct {
  DdLoss loss;
  dd_real *logits, *scratch;
  const int *labels;
  int B, C;
} LossCase;

static double
loss_f (gpointer data)
{
  LossCase *c = data;
  return dd_loss_forward_backward (&c->loss, NULL, NULL, NULL, c->scratch,
                                   c->logits, c->labels, c->B, c->C);
}

static void
gradcheck_kind (DdLossKind kind, int B, int C, guint64 seed)
{
  LossCase c = { .B = B, .C = C };
  const size_t n = (size_t) B * C;
  g_autofree int *labels = new_labels (B, C, seed);
  g_autofree dd_real *W = NULL;
  g_autofree dd_real *b = NULL;
  g_autofree dd_real *d = g_new (dd_real, n);
  g_autofree dd_real *dW = g_new0 (dd_real, C * C);
  g_autofree dd_real *db = g_new0 (dd_real, C);
  g_autofree char *tag = g_strdup_printf ("%s B=%d C=%d", dd_loss_kind_name (kind), B, C);

  /* the smoothed error saturates at κ = 50 unless the probabilities are
   * close: a narrower spread keeps its gradient above the FD noise */
  c.logits = new_normal (n, kind == DD_LOSS_SMOOTH_ERROR ? 0.3 : 2.0, seed + 1);
  c.scratch = g_new (dd_real, n);
  c.labels = labels;
  c.loss = dd_loss_default (kind);
  if (kind == DD_LOSS_DLF)
    {
      /* a random Φ around (I, 0), with negative off-diagonals as a
       * teacher would learn them */
      W = new_normal (C * C, 0.5, seed + 2);
      for (int j = 0; j < C; j++)
        W[j * C + j] += 1;
      b = new_normal (C, 0.5, seed + 3);
      c.loss.W = W;
      c.loss.b = b;
    }

  /* dlogits is written, not added: start it with garbage */
  for (size_t i = 0; i < n; i++)
    d[i] = 1e3;
  double v = dd_loss_forward_backward (&c.loss, d, dW, db, c.scratch,
                                       c.logits, labels, B, C);
  g_assert_cmpfloat (v, ==, loss_f (&c));

  g_autofree char *n_d = g_strconcat (tag, " dlogits", NULL);
  gradcheck_assert (n_d, d, c.logits, n, loss_f, &c, GRADCHECK_TOL);

  if (kind == DD_LOSS_DLF)
    {
      g_autofree char *n_w = g_strconcat (tag, " dW", NULL);
      g_autofree char *n_b = g_strconcat (tag, " db", NULL);
      gradcheck_assert (n_w, dW, W, C * C, loss_f, &c, GRADCHECK_TOL);
      gradcheck_assert (n_b, db, b, C, loss_f, &c, GRADCHECK_TOL);

      /* dW and db are accumulated; dlogits is the same again */
      g_autofree dd_real *dW1 = g_memdup2 (dW, C * C * sizeof (dd_real));
      g_autofree dd_real *db1 = g_memdup2 (db, C * sizeof (dd_real));
      g_autofree dd_real *d1 = g_memdup2 (d, n * sizeof (dd_real));
      dd_loss_forward_backward (&c.loss, d, dW, db, c.scratch, c.logits, labels, B, C);
      for (int i = 0; i < C * C; i++)
        g_assert_cmpfloat_with_epsilon (dW[i], 2 * dW1[i], 1e-15);
      for (int i = 0; i < C; i++)
        g_assert_cmpfloat_with_epsilon (db[i], 2 * db1[i], 1e-15);
      g_assert_cmpmem (d, n * sizeof (dd_real), d1, n * sizeof (dd_real));
    }
  else
    {
      /* the other kinds leave dW and db alone */
      for (int i = 0; i < C * C; i++)
        g_assert_cmpfloat (dW[i], ==, 0);
      for (int i = 0; i < C; i++)
        g_assert_cmpfloat (db[i], ==, 0);
    }

  g_free (c.logits);
  g_free (c.scratch);
}

static void
test_gradcheck (gconstpointer data)
{
  const DdLossKind kind = GPOINTER_TO_INT (data);

  gradcheck_kind (kind, 3, 4, 100 + 10 * kind);
  gradcheck_kind (kind, 4, 7, 200 + 10 * kind);
  gradcheck_kind (kind, 5, 10, 300 + 10 * kind);
}

/* With W = I, b = 0 the DLF gradient of example i is
 * −σ'(log p_y)/B · (onehot(y) − p) with σ' = p_y / (1 + p_y)²: a recorded
 * closed form, independent of the general formula. */
static void
test_dlf_identity_gradient (void)
{
  const int B = 3, C = 5;
  g_autofree dd_real *logits = new_normal (B * C, 2.0, 61);
  g_autofree int *labels = new_labels (B, C, 62);
  g_autofree dd_real *W = g_new0 (dd_real, C * C);
  g_autofree dd_real *b = g_new0 (dd_real, C);
  g_autofree dd_real *scratch = g_new (dd_real, B * C);
  g_autofree dd_real *d = g_new (dd_real, B * C);
  g_autofree dd_real *want = g_new (dd_real, B * C);
  double p[5];

  for (int j = 0; j < C; j++)
    W[j * C + j] = 1;
  for (int i = 0; i < B; i++)
    {
      const int y = labels[i];
      plain_softmax (p, logits + i * C, C);
      double slope = p[y] / ((1 + p[y]) * (1 + p[y]));
      for (int k = 0; k < C; k++)
        want[i * C + k] = -slope / B * ((k == y) - p[k]);
    }
  DdLoss dlf = dd_loss_default (DD_LOSS_DLF);
  dlf.W = W;
  dlf.b = b;
  dd_loss_forward_backward (&dlf, d, NULL, NULL, scratch, logits, labels, B, C);
  double err = max_rel_diff (d, want, B * C);
  g_test_message ("DLF at (I, 0) dlogits vs closed form: %.2e", err);
  g_assert_cmpfloat (err, <=, 1e-12);
}

/* ---------------------------------------------------------------------- */
/* R-operator */

/* dlogits, and for DLF dW and db (from zero), at logits z */
static void
gradients_at (const DdLoss *loss, dd_real *d, dd_real *dW, dd_real *db, dd_real *scratch,
              const dd_real *z, const int *labels, int B, int C)
{
  if (dW != NULL)
    memset (dW, 0, sizeof (dd_real) * C * C);
  if (db != NULL)
    memset (db, 0, sizeof (dd_real) * C);
  dd_loss_forward_backward (loss, d, dW, db, scratch, z, labels, B, C);
}

/* numeric[i] = (g₊[i] − g₋[i]) / 2h */
static void
central_difference (double *numeric, const dd_real *plus, const dd_real *minus, size_t n, double h)
{
  for (size_t i = 0; i < n; i++)
    numeric[i] = ((double) plus[i] - minus[i]) / (2 * h);
}

static void
rop_check (DdLossKind kind, int B, int C, guint64 seed)
{
  const size_t n = (size_t) B * C;
  const double h = GRADCHECK_EPS;
  g_autofree int *labels = new_labels (B, C, seed);
  g_autofree dd_real *z = new_normal (n, 2.0, seed + 1);
  g_autofree dd_real *r = new_normal (n, 1.0, seed + 2);
  g_autofree dd_real *W = new_normal (C * C, 0.5, seed + 3);
  g_autofree dd_real *b = new_normal (C, 0.5, seed + 4);
  g_autofree dd_real *scratch = g_new (dd_real, 2 * n);
  g_autofree char *tag = g_strdup_printf ("rop %s B=%d C=%d", dd_loss_kind_name (kind), B, C);
  const gboolean dlf = kind == DD_LOSS_DLF;
  DdLoss loss = dd_loss_default (kind);

  for (int j = 0; j < C; j++)
    W[j * C + j] += 1;
  loss.W = W;
  loss.b = b;

  /* analytic; rdlogits starts with garbage (written), rdW and rdb with
   * values that must be kept (added to) */
  g_autofree dd_real *rd = g_new (dd_real, n);
  g_autofree dd_real *rdW = new_normal (C * C, 1.0, seed + 5);
  g_autofree dd_real *rdb = new_normal (C, 1.0, seed + 6);
  g_autofree dd_real *rdW0 = g_memdup2 (rdW, sizeof (dd_real) * C * C);
  g_autofree dd_real *rdb0 = g_memdup2 (rdb, sizeof (dd_real) * C);
  for (size_t i = 0; i < n; i++)
    rd[i] = 1e3;
  dd_loss_rop (&loss, rd, dlf ? rdW : NULL, dlf ? rdb : NULL, scratch, z, r, labels, B, C);
  for (int i = 0; i < C * C; i++)
    rdW[i] -= rdW0[i];
  for (int i = 0; i < C; i++)
    rdb[i] -= rdb0[i];

  /* numeric: the gradients at z ± h·r */
  g_autofree dd_real *zp = g_new (dd_real, n);
  g_autofree dd_real *zm = g_new (dd_real, n);
  for (size_t i = 0; i < n; i++)
    {
      zp[i] = z[i] + h * r[i];
      zm[i] = z[i] - h * r[i];
    }
  g_autofree dd_real *dp = g_new (dd_real, n), *dm = g_new (dd_real, n);
  g_autofree dd_real *dWp = g_new (dd_real, C * C), *dWm = g_new (dd_real, C * C);
  g_autofree dd_real *dbp = g_new (dd_real, C), *dbm = g_new (dd_real, C);
  gradients_at (&loss, dp, dWp, dbp, scratch, zp, labels, B, C);
  gradients_at (&loss, dm, dWm, dbm, scratch, zm, labels, B, C);

  g_autofree double *num = g_new (double, MAX (n, (size_t) C * C));
  g_autofree char *n_d = g_strconcat (tag, " rdlogits", NULL);
  central_difference (num, dp, dm, n, h);
  g_assert_cmpfloat (gradcheck_compare (n_d, rd, num, n), <=, GRADCHECK_TOL);
  if (dlf)
    {
      g_autofree char *n_w = g_strconcat (tag, " rdW", NULL);
      g_autofree char *n_b = g_strconcat (tag, " rdb", NULL);
      central_difference (num, dWp, dWm, C * C, h);
      g_assert_cmpfloat (gradcheck_compare (n_w, rdW, num, C * C), <=, GRADCHECK_TOL);
      central_difference (num, dbp, dbm, C, h);
      g_assert_cmpfloat (gradcheck_compare (n_b, rdb, num, C), <=, GRADCHECK_TOL);
    }
  else
    {
      for (int i = 0; i < C * C; i++)
        g_assert_cmpfloat (rdW[i], ==, 0);
    }
}

static void
test_rop (gconstpointer data)
{
  const DdLossKind kind = GPOINTER_TO_INT (data);

  rop_check (kind, 3, 4, 400 + 10 * kind);
  rop_check (kind, 5, 10, 500 + 10 * kind);
}

/* The Hessian with respect to the logits is symmetric: r₂·(H r₁) = r₁·(H r₂),
 * a check of the R-operator that needs no finite differences. */
static void
test_rop_symmetry (void)
{
  const int B = 4, C = 7;
  const size_t n = (size_t) B * C;
  g_autofree int *labels = new_labels (B, C, 81);
  g_autofree dd_real *z = new_normal (n, 2.0, 82);
  g_autofree dd_real *r1 = new_normal (n, 1.0, 83);
  g_autofree dd_real *r2 = new_normal (n, 1.0, 84);
  g_autofree dd_real *W = new_normal (C * C, 0.5, 85);
  g_autofree dd_real *b = new_normal (C, 0.5, 86);
  g_autofree dd_real *scratch = g_new (dd_real, 2 * n);
  g_autofree dd_real *h1 = g_new (dd_real, n), *h2 = g_new (dd_real, n);

  for (int kind = DD_LOSS_CE; kind <= DD_LOSS_DLF; kind++)
    {
      DdLoss loss = dd_loss_default ((DdLossKind) kind);
      loss.W = W;
      loss.b = b;
      dd_loss_rop (&loss, h1, NULL, NULL, scratch, z, r1, labels, B, C);
      dd_loss_rop (&loss, h2, NULL, NULL, scratch, z, r2, labels, B, C);
      double a = 0, c = 0;
      for (size_t i = 0; i < n; i++)
        {
          a += r2[i] * h1[i];
          c += r1[i] * h2[i];
        }
      g_test_message ("%s: r2.Hr1 = %.15g, r1.Hr2 = %.15g", dd_loss_kind_name (kind), a, c);
      g_assert_cmpfloat (fabs (a - c), <=, 1e-13 * fmax (fabs (a), 1e-3));
    }
}

/* ---------------------------------------------------------------------- */
/* DLF with the saturation scale s (dd-dlf-head.h) */

typedef enum {
  FORM_PAPER,
  FORM_NORMALISED,
} Form;

static const char *
form_name (Form form)
{
  return form == FORM_PAPER ? "paper" : "normalised";
}

/* ℓ of one example from u = Σ_j W[j, y]·log p_j + b[y] and s, straight from
 * the definitions with σ(x) = 1 / (1 + e^{−x}) (not the head's tanh form) */
static double
head_by_hand (double u, double s, Form form)
{
  const double eps = exp (s);
  const double sig = 1.0 / (1.0 + exp (-eps * u));
  return form == FORM_PAPER ? -sig : (4.0 / eps) * (0.5 - sig);
}

/* u of example (z, y) with the plain softmax: Σ_j W[j, y]·log p_j + b[y] in
 * the paper form; in the normalised form, relative to the true class,
 * W[y, y]·log p_y + Σ_{j≠y} W[j, y]·(log p_j − log p_y) + b[y] (dd-loss.c) */
static double
u_by_hand (const dd_real *z, int y, const dd_real *W, const dd_real *b, int C, Form form)
{
  double p[16], u = b[y];

  g_assert_cmpint (C, <=, 16);
  plain_softmax (p, z, C);
  for (int j = 0; j < C; j++)
    {
      const double lp = form == FORM_NORMALISED && j != y ? log (p[j]) - log (p[y]) : log (p[j]);
      u += W[j * C + y] * lp;
    }
  return u;
}

/* A random Φ with its scale row: W (C + 1, C) = a random matrix around I in
 * rows 0…C−1 and s ~ N(s_mean, s_sd²) in row C; b (C). */
static void
random_scaled_phi (dd_real **W, dd_real **b, int C, double s_mean, double s_sd, guint64 seed)
{
  *W = new_normal ((size_t) (C + 1) * C, 0.5, seed);
  for (int j = 0; j < C; j++)
    (*W)[j * C + j] += 1;
  for (int c = 0; c < C; c++)
    (*W)[C * C + c] = (dd_real) (s_mean + s_sd * (*W)[C * C + c] / 0.5);
  *b = new_normal (C, 0.5, seed + 1);
}

static DdLoss
scaled_loss (const dd_real *W, const dd_real *b, int C, Form form)
{
  DdLoss loss = dd_loss_default (DD_LOSS_DLF);

  loss.W = W;
  loss.b = b;
  loss.s = W + (size_t) C * C;
  loss.normalised = form == FORM_NORMALISED;
  return loss;
}

/* the value in both forms at random Φ and s against head_by_hand; without s
 * the forms read ε = 1 */
static void
test_dlf_scaled_values (void)
{
  const int B = 6, C = 5;
  g_autofree dd_real *logits = new_normal (B * C, 2.0, 601);
  g_autofree int *labels = new_labels (B, C, 602);
  g_autofree dd_real *scratch = g_new (dd_real, B * C);
  g_autofree dd_real *W = NULL, *b = NULL;

  random_scaled_phi (&W, &b, C, -1.0, 0.8, 603);
  for (Form form = FORM_PAPER; form <= FORM_NORMALISED; form++)
    {
      DdLoss loss = scaled_loss (W, b, C, form);
      double want = 0, want_unscaled = 0;
      for (int i = 0; i < B; i++)
        {
          const int y = labels[i];
          const double u = u_by_hand (logits + i * C, y, W, b, C, form);
          want += head_by_hand (u, W[C * C + y], form) / B;
          want_unscaled += head_by_hand (u, 0.0, form) / B;
        }
      g_autofree char *what = g_strdup_printf ("DLF %s form, random (W, s, b)", form_name (form));
      assert_close (what, dd_loss_forward_backward (&loss, NULL, NULL, NULL, scratch, logits,
                                                    labels, B, C), want);
      loss.s = NULL;
      g_autofree char *what1 = g_strdup_printf ("DLF %s form, s = NULL (ε = 1)", form_name (form));
      assert_close (what1, dd_loss_forward_backward (&loss, NULL, NULL, NULL, scratch, logits,
                                                     labels, B, C), want_unscaled);
    }
}

/* The paper form at s = 0 is the paper's loss −σ(Σ_j W[j, y]·log p_j + b[y])
 * (docs/method.md §2), computed here as the old test did, with the sigmoid as
 * 1 / (1 + e^{−z}); and at W = I, b = 0 it is −p_y / (1 + p_y). */
static void
test_dlf_paper_at_zero_scale (void)
{
  const int B = 5, C = 6;
  g_autofree dd_real *logits = new_normal (B * C, 2.0, 611);
  g_autofree int *labels = new_labels (B, C, 612);
  g_autofree dd_real *scratch = g_new (dd_real, B * C);
  g_autofree dd_real *d = g_new (dd_real, B * C), *d_old = g_new (dd_real, B * C);
  g_autofree dd_real *W = NULL, *b = NULL;
  double p[6], want = 0, want_identity = 0;

  random_scaled_phi (&W, &b, C, 0.0, 0.0, 613);
  for (int c = 0; c < C; c++)
    g_assert_cmpfloat (W[C * C + c], ==, 0.0);
  for (int i = 0; i < B; i++)
    {
      const int y = labels[i];
      plain_softmax (p, logits + i * C, C);
      double z = b[y];
      for (int j = 0; j < C; j++)
        z += W[j * C + y] * log (p[j]);
      want += -1 / (1 + exp (-z)) / B;
      want_identity += -p[y] / (1 + p[y]) / B;
    }
  DdLoss loss = scaled_loss (W, b, C, FORM_PAPER);
  assert_close ("paper form, s = 0, random (W, b)",
                dd_loss_forward_backward (&loss, d, NULL, NULL, scratch, logits, labels, B, C),
                want);
  /* and the same gradient as without the scale row */
  DdLoss old = loss;
  old.s = NULL;
  dd_loss_forward_backward (&old, d_old, NULL, NULL, scratch, logits, labels, B, C);
  g_assert_cmpfloat (max_rel_diff (d, d_old, B * C), <=, 1e-15);

  /* at W = I, b = 0 (dd_phi_initial's paper start) */
  dd_phi_initial (DD_PHI_CLASSES, &(DdPhiStart) { .form = DD_PHI_PAPER, .epsilon = 0.1 }, C, W, b);
  assert_close ("paper form, s = 0, (I, 0)",
                dd_loss_forward_backward (&loss, NULL, NULL, NULL, scratch, logits, labels, B, C),
                want_identity);
}

/* dlogits, dW (the whole (C + 1, C) block, the s row included) and db
 * against central differences, at random Φ and s, in both forms */
static void
gradcheck_scaled (Form form, int B, int C, double s_mean, double s_sd, double logit_sd,
                  guint64 seed)
{
  LossCase c = { .B = B, .C = C };
  const size_t n = (size_t) B * C, nW = (size_t) (C + 1) * C;
  g_autofree int *labels = new_labels (B, C, seed);
  g_autofree dd_real *W = NULL, *b = NULL;
  g_autofree dd_real *d = g_new (dd_real, n);
  g_autofree dd_real *dW = g_new0 (dd_real, nW);
  g_autofree dd_real *db = g_new0 (dd_real, C);
  g_autofree char *tag = g_strdup_printf ("dlf %s B=%d C=%d s~%g", form_name (form), B, C, s_mean);

  random_scaled_phi (&W, &b, C, s_mean, s_sd, seed + 2);
  c.logits = new_normal (n, logit_sd, seed + 1);
  c.scratch = g_new (dd_real, n);
  c.labels = labels;
  c.loss = scaled_loss (W, b, C, form);

  for (size_t i = 0; i < n; i++)
    d[i] = 1e3;
  double v = dd_loss_forward_backward (&c.loss, d, dW, db, c.scratch, c.logits, labels, B, C);
  g_assert_cmpfloat (v, ==, loss_f (&c));

  g_autofree char *n_d = g_strconcat (tag, " dlogits", NULL);
  g_autofree char *n_w = g_strconcat (tag, " dW", NULL);
  g_autofree char *n_s = g_strconcat (tag, " ds (row C)", NULL);
  g_autofree char *n_b = g_strconcat (tag, " db", NULL);
  gradcheck_assert (n_d, d, c.logits, n, loss_f, &c, GRADCHECK_TOL);
  gradcheck_assert (n_w, dW, W, nW, loss_f, &c, GRADCHECK_TOL);
  /* the s row on its own, so that its error is not hidden by W's scale */
  gradcheck_assert (n_s, dW + (size_t) C * C, W + (size_t) C * C, C, loss_f, &c, GRADCHECK_TOL);
  gradcheck_assert (n_b, db, b, C, loss_f, &c, GRADCHECK_TOL);

  /* the s row of dW is added to, like the rest */
  g_autofree dd_real *dW1 = g_memdup2 (dW, nW * sizeof (dd_real));
  dd_loss_forward_backward (&c.loss, d, dW, db, c.scratch, c.logits, labels, B, C);
  for (size_t i = 0; i < nW; i++)
    g_assert_cmpfloat_with_epsilon (dW[i], 2 * dW1[i], 1e-15);

  /* without s the block has C rows: row C is not touched */
  memset (dW, 0, nW * sizeof (dd_real));
  dW[C * C] = 7;
  c.loss.s = NULL;
  dd_loss_forward_backward (&c.loss, d, dW, db, c.scratch, c.logits, labels, B, C);
  g_assert_cmpfloat (dW[C * C], ==, 7);
  for (int k = 1; k < C; k++)
    g_assert_cmpfloat (dW[C * C + k], ==, 0);

  g_free (c.logits);
  g_free (c.scratch);
}

static void
test_gradcheck_scaled (gconstpointer data)
{
  const Form form = GPOINTER_TO_INT (data);

  /* ε around 0.37 and around 0.1 (the default start), and beyond 1 with
   * a less confident student (|u| of a few units: with the logits of the
   * other cases ε·u reaches 10, where the paper form's gradients are 1e-13,
   * below what a central difference resolves) */
  gradcheck_scaled (form, 3, 4, -1.0, 0.7, 2.0, 700 + 10 * form);
  gradcheck_scaled (form, 5, 10, log (0.1), 0.7, 2.0, 720 + 10 * form);
  gradcheck_scaled (form, 4, 7, 0.3, 0.3, 0.5, 740 + 10 * form);
}

/* the R-operator with s: rdlogits, rdW (s row included) and rdb against
 * central differences of the gradients along r */
static void
rop_check_scaled (Form form, int B, int C, guint64 seed)
{
  const size_t n = (size_t) B * C, nW = (size_t) (C + 1) * C;
  const double h = GRADCHECK_EPS;
  g_autofree int *labels = new_labels (B, C, seed);
  g_autofree dd_real *z = new_normal (n, 2.0, seed + 1);
  g_autofree dd_real *r = new_normal (n, 1.0, seed + 2);
  g_autofree dd_real *W = NULL, *b = NULL;
  g_autofree dd_real *scratch = g_new (dd_real, 2 * n);
  g_autofree char *tag = g_strdup_printf ("rop dlf %s B=%d C=%d", form_name (form), B, C);

  random_scaled_phi (&W, &b, C, -1.0, 0.7, seed + 3);
  DdLoss loss = scaled_loss (W, b, C, form);

  g_autofree dd_real *rd = g_new (dd_real, n);
  g_autofree dd_real *rdW = new_normal (nW, 1.0, seed + 5);
  g_autofree dd_real *rdb = new_normal (C, 1.0, seed + 6);
  g_autofree dd_real *rdW0 = g_memdup2 (rdW, sizeof (dd_real) * nW);
  g_autofree dd_real *rdb0 = g_memdup2 (rdb, sizeof (dd_real) * C);
  for (size_t i = 0; i < n; i++)
    rd[i] = 1e3;
  dd_loss_rop (&loss, rd, rdW, rdb, scratch, z, r, labels, B, C);
  for (size_t i = 0; i < nW; i++)
    rdW[i] -= rdW0[i];
  for (int i = 0; i < C; i++)
    rdb[i] -= rdb0[i];

  g_autofree dd_real *zp = g_new (dd_real, n), *zm = g_new (dd_real, n);
  for (size_t i = 0; i < n; i++)
    {
      zp[i] = z[i] + h * r[i];
      zm[i] = z[i] - h * r[i];
    }
  g_autofree dd_real *dp = g_new (dd_real, n), *dm = g_new (dd_real, n);
  g_autofree dd_real *dWp = g_new0 (dd_real, nW), *dWm = g_new0 (dd_real, nW);
  g_autofree dd_real *dbp = g_new0 (dd_real, C), *dbm = g_new0 (dd_real, C);
  dd_loss_forward_backward (&loss, dp, dWp, dbp, scratch, zp, labels, B, C);
  dd_loss_forward_backward (&loss, dm, dWm, dbm, scratch, zm, labels, B, C);

  g_autofree double *num = g_new (double, MAX (n, nW));
  g_autofree char *n_d = g_strconcat (tag, " rdlogits", NULL);
  g_autofree char *n_w = g_strconcat (tag, " rdW", NULL);
  g_autofree char *n_s = g_strconcat (tag, " rds (row C)", NULL);
  g_autofree char *n_b = g_strconcat (tag, " rdb", NULL);
  central_difference (num, dp, dm, n, h);
  g_assert_cmpfloat (gradcheck_compare (n_d, rd, num, n), <=, GRADCHECK_TOL);
  central_difference (num, dWp, dWm, nW, h);
  g_assert_cmpfloat (gradcheck_compare (n_w, rdW, num, nW), <=, GRADCHECK_TOL);
  g_assert_cmpfloat (gradcheck_compare (n_s, rdW + (size_t) C * C, num + (size_t) C * C, C),
                     <=, GRADCHECK_TOL);
  central_difference (num, dbp, dbm, C, h);
  g_assert_cmpfloat (gradcheck_compare (n_b, rdb, num, C), <=, GRADCHECK_TOL);
}

static void
test_rop_scaled (gconstpointer data)
{
  const Form form = GPOINTER_TO_INT (data);

  rop_check_scaled (form, 3, 4, 800 + 10 * form);
  rop_check_scaled (form, 5, 10, 820 + 10 * form);
}

/* The normalised form at W = I, b = 0 is cross-entropy to first order in ε
 * (docs/method.md §2): with u = log p_y, ℓ = −(2/ε)·tanh(ε·u/2)
 * = −u + ε²·u³/12 − …, and its slope ∂ℓ/∂u = −(1 − tanh²(ε·u/2))
 * = −1 + ε²·u²/4 − …, so the value differs from −log p_y by about
 * ε²·|u|³/12 and the logit gradient from cross-entropy's by a relative
 * ε²·u²/4. With logits of sd 2 over 10 classes |u| stays below 12: at
 * ε = 1e-4 that is below 4e-6 (relative 3e-7), the stated tolerance 1e-6;
 * and the deviations shrink like ε² (×100 from ε = 1e-3 to 1e-4). */
static void
test_dlf_normalised_is_ce_for_small_eps (void)
{
  const int B = 8, C = 10;
  g_autofree dd_real *logits = new_normal (B * C, 2.0, 631);
  g_autofree int *labels = new_labels (B, C, 632);
  g_autofree dd_real *W = g_new (dd_real, (C + 1) * C);
  g_autofree dd_real *b = g_new (dd_real, C);
  g_autofree dd_real *scratch = g_new (dd_real, B * C);
  g_autofree dd_real *d_ce = g_new (dd_real, B * C), *d = g_new (dd_real, B * C);
  const double eps_list[2] = { 1e-3, 1e-4 };
  double dev_value[2], dev_grad[2];

  DdLoss ce = dd_loss_default (DD_LOSS_CE);
  double v_ce = dd_loss_forward_backward (&ce, d_ce, NULL, NULL, scratch, logits, labels, B, C);
  /* the largest |u| = |log p_y| of the batch */
  double umax = 0, p[10];
  for (int i = 0; i < B; i++)
    {
      plain_softmax (p, logits + i * C, C);
      umax = fmax (umax, fabs (log (p[labels[i]])));
    }
  g_assert_cmpfloat (umax, <, 12);

  for (int e = 0; e < 2; e++)
    {
      const double eps = eps_list[e];
      DdPhiStart start = { .form = DD_PHI_NORMALISED, .epsilon = eps };
      dd_phi_initial (DD_PHI_CLASSES, &start, C, W, b);
      g_assert_cmpfloat (W[C * C], ==, log (eps));
      DdLoss loss = scaled_loss (W, b, C, FORM_NORMALISED);
      double v = dd_loss_forward_backward (&loss, d, NULL, NULL, scratch, logits, labels, B, C);
      dev_value[e] = fabs (v - v_ce) / v_ce;
      dev_grad[e] = max_rel_diff (d, d_ce, B * C);
      g_test_message ("normalised at ε = %g vs cross-entropy: value %.12g vs %.12g, "
                      "rel diff %.2e (bound ε²·|u|³/12 / CE = %.2e); dlogits max rel diff "
                      "%.2e (bound ε²·u²/4 = %.2e)",
                      eps, v, v_ce, dev_value[e], eps * eps * umax * umax * umax / 12 / v_ce,
                      dev_grad[e], eps * eps * umax * umax / 4);
      g_assert_cmpfloat (dev_value[e], <=, eps * eps * umax * umax * umax / 12 / v_ce);
      g_assert_cmpfloat (dev_grad[e], <=, eps * eps * umax * umax / 4 * 1.001);
    }
  g_assert_cmpfloat (dev_value[1], <=, 1e-6);
  g_assert_cmpfloat (dev_grad[1], <=, 1e-6);
  /* second order: ε ten times smaller, deviation about 100 times smaller */
  g_test_message ("deviation ratio ε = 1e-3 / 1e-4: value %.1f, gradient %.1f",
                  dev_value[0] / dev_value[1], dev_grad[0] / dev_grad[1]);
  g_assert_cmpfloat (dev_value[0] / dev_value[1], >, 90);
  g_assert_cmpfloat (dev_value[0] / dev_value[1], <, 110);
  g_assert_cmpfloat (dev_grad[0] / dev_grad[1], >, 90);
  g_assert_cmpfloat (dev_grad[0] / dev_grad[1], <, 110);
}

/* The normalised form is bounded: |ℓ| = (2/ε)·|tanh(ε·u/2)| < 2/ε whatever
 * the logits, reaching 2/ε on a confidently wrong example (cross-entropy
 * there is 2·10⁴); at W = I, b = 0 its value never exceeds cross-entropy's
 * (u = log p_y ≤ 0 and tanh x ≥ x for x ≤ 0), nor does its logit gradient
 * (|G| = 1 − tanh² ≤ 1), which vanishes on the saturated examples. */
static void
test_dlf_normalised_saturates (void)
{
  const int B = 12, C = 4;
  g_autofree dd_real *logits = new_normal (B * C, 6.0, 641);
  g_autofree int *labels = new_labels (B, C, 642);
  dd_real W[5 * 4], b[4], scratch[4], d[4], d_ce[4];
  const double eps_list[] = { 1.0, 0.3, 3.0 };

  /* the last two rows: wrong by 2·10⁴ and by 900 */
  const dd_real extreme[8] = { -1e4, 1e4, 3, -3,   900, -900, 0, 5 };
  memcpy (logits + (B - 2) * C, extreme, sizeof extreme);
  labels[B - 2] = 0;
  labels[B - 1] = 1;
  for (guint e = 0; e < G_N_ELEMENTS (eps_list); e++)
    {
      const double eps = eps_list[e];
      DdPhiStart start = { .form = DD_PHI_NORMALISED, .epsilon = eps };
      dd_phi_initial (DD_PHI_CLASSES, &start, C, W, b);
      DdLoss loss = scaled_loss (W, b, C, FORM_NORMALISED);
      DdLoss ce = dd_loss_default (DD_LOSS_CE);
      double largest = 0;
      for (int i = 0; i < B; i++)
        {
          double v = dd_loss_forward_backward (&loss, d, NULL, NULL, scratch, logits + i * C,
                                               labels + i, 1, C);
          double v_ce = dd_loss_forward_backward (&ce, d_ce, NULL, NULL, scratch, logits + i * C,
                                                  labels + i, 1, C);
          g_assert_true (isfinite (v));
          g_assert_cmpfloat (fabs (v), <=, 2.0 / eps);
          /* a loss, not a reward: at W = I, b = 0, u = log p_y ≤ 0 so ℓ ≥ 0 */
          g_assert_cmpfloat (v, >=, 0.0);
          g_assert_cmpfloat (v, <=, v_ce * (1 + 1e-12));
          for (int k = 0; k < C; k++)
            g_assert_cmpfloat (fabs (d[k]), <=, fabs (d_ce[k]) * (1 + 1e-12) + 1e-300);
          largest = fmax (largest, v);
          if (i >= B - 2)
            {
              /* saturated: 2/ε to rounding, no gradient left */
              g_assert_cmpfloat (fabs (v - 2.0 / eps), <=, 1e-12 * 2.0 / eps);
              for (int k = 0; k < C; k++)
                g_assert_cmpfloat (fabs (d[k]), <=, 1e-12);
            }
        }
      g_test_message ("normalised at ε = %g: largest one-example loss %.15g, bound 2/ε = %.15g",
                      eps, largest, 2.0 / eps);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/loss/names", test_names);
  g_test_add_func ("/loss/value/ce", test_ce_values);
  g_test_add_func ("/loss/value/dlf-identity", test_dlf_identity_values);
  g_test_add_func ("/loss/value/dlf-general", test_dlf_general_values);
  g_test_add_func ("/loss/value/smooth", test_smooth_values);
  g_test_add_func ("/loss/value/margin", test_margin_values);
  g_test_add_func ("/loss/value/smooth-error", test_smooth_error_values);
  g_test_add_func ("/loss/value/batch-mean", test_batch_mean);
  g_test_add_func ("/loss/value/extreme", test_extreme_logits);
  g_test_add_data_func ("/loss/gradcheck/ce", GINT_TO_POINTER (DD_LOSS_CE), test_gradcheck);
  g_test_add_data_func ("/loss/gradcheck/smooth", GINT_TO_POINTER (DD_LOSS_SMOOTH), test_gradcheck);
  g_test_add_data_func ("/loss/gradcheck/margin", GINT_TO_POINTER (DD_LOSS_MARGIN), test_gradcheck);
  g_test_add_data_func ("/loss/gradcheck/dlf", GINT_TO_POINTER (DD_LOSS_DLF), test_gradcheck);
  g_test_add_data_func ("/loss/gradcheck/smooth-error", GINT_TO_POINTER (DD_LOSS_SMOOTH_ERROR),
                        test_gradcheck);
  g_test_add_func ("/loss/gradient/dlf-identity", test_dlf_identity_gradient);
  g_test_add_data_func ("/loss/rop/ce", GINT_TO_POINTER (DD_LOSS_CE), test_rop);
  g_test_add_data_func ("/loss/rop/smooth", GINT_TO_POINTER (DD_LOSS_SMOOTH), test_rop);
  g_test_add_data_func ("/loss/rop/margin", GINT_TO_POINTER (DD_LOSS_MARGIN), test_rop);
  g_test_add_data_func ("/loss/rop/dlf", GINT_TO_POINTER (DD_LOSS_DLF), test_rop);
  g_test_add_func ("/loss/rop/symmetry", test_rop_symmetry);
  g_test_add_func ("/loss/dlf-scaled/values", test_dlf_scaled_values);
  g_test_add_func ("/loss/dlf-scaled/paper-at-zero-scale", test_dlf_paper_at_zero_scale);
  g_test_add_data_func ("/loss/dlf-scaled/gradcheck/paper", GINT_TO_POINTER (FORM_PAPER),
                        test_gradcheck_scaled);
  g_test_add_data_func ("/loss/dlf-scaled/gradcheck/normalised", GINT_TO_POINTER (FORM_NORMALISED),
                        test_gradcheck_scaled);
  g_test_add_data_func ("/loss/dlf-scaled/rop/paper", GINT_TO_POINTER (FORM_PAPER),
                        test_rop_scaled);
  g_test_add_data_func ("/loss/dlf-scaled/rop/normalised", GINT_TO_POINTER (FORM_NORMALISED),
                        test_rop_scaled);
  g_test_add_func ("/loss/dlf-scaled/normalised-is-ce-for-small-eps",
                   test_dlf_normalised_is_ce_for_small_eps);
  g_test_add_func ("/loss/dlf-scaled/normalised-saturates", test_dlf_normalised_saturates);

  return g_test_run ();
}
