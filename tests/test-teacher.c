/* test-teacher.c: the teachers against hand computations and finite differences
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Linked against the double-precision engine. For every kind, at random
 * parameters moved well away from the initial point and a random state, the
 * gradient that dd_teacher_backward adds for f(θ) = Σ rW⊙W_t + Σ rb⊙b_t
 * (fixed random rW, rb) is checked against central differences over every
 * parameter. The initial point must give Φ = Φ₀ of dd_phi_initial at every
 * state (W block of R = C + 1 rows with the log-scale row, or K + 2 for
 * buckets; both forms of the start): exactly for the fixed teacher, to the
 * one rounding of its compensated W for the gated one and to the rounding of
 * the mirrored pairs' cancellation for the neural one, while the
 * symmetry-breaking initialisation gives every
 * teacher parameter a nonzero hypergradient on a real window of training
 * (and the demo's W₂ = θ = β = 0 is shown to be the saddle docs/method.md §3
 * describes); the gated and neural formulas are recomputed here a second
 * way; backward must add, copy must be deep, and bad arguments must come
 * back as DD_ERROR_INVALID_ARGUMENT.
 */
#include "didact-engine.h"
#include "dd-teacher.h"
#include "dd-rng.h"
#include "gradcheck.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define VALUE_TOL 1e-12

static const DdTeacherKind all_kinds[] = { DD_TEACHER_FIXED, DD_TEACHER_GATED, DD_TEACHER_NEURAL };

/* ---------------------------------------------------------------------- */
/* helpers */

/* A state with its own per-class arrays; free with state_clear. */
static void
state_init_random (DdTeacherState *s, int C, DdRng *rng)
{
  s->n_classes = C;
  s->progress = dd_rng_uniform (rng);
  s->batch_error = dd_rng_uniform (rng);
  s->train_loss = 3.0 * dd_rng_uniform (rng);   /* cross-entropy sized, often > 1 */
  s->train_error = dd_rng_uniform (rng);
  s->dev_error = dd_rng_uniform (rng);
  s->class_accuracy = g_new (double, C);
  s->class_margin = g_new (double, C);
  for (int c = 0; c < C; c++)
    {
      s->class_accuracy[c] = dd_rng_uniform (rng);
      s->class_margin[c] = 2.0 * dd_rng_uniform (rng) - 1.0;
    }
}

static void
state_clear (DdTeacherState *s)
{
  g_clear_pointer (&s->class_accuracy, g_free);
  g_clear_pointer (&s->class_margin, g_free);
}

static DdTeacher *
new_teacher (DdTeacherKind kind, int C, int hidden, guint64 seed)
{
  g_autoptr(GError) error = NULL;
  DdRng rng;

  dd_rng_seed (&rng, seed);
  DdTeacher *t = dd_teacher_new (kind, C, hidden, &rng, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  return t;
}

/* Move every parameter away from the initial point by U(−scale, scale). */
static void
perturb (DdTeacher *t, double scale, guint64 seed)
{
  DdRng rng;

  dd_rng_seed (&rng, seed);
  for (size_t i = 0; i < t->n_params; i++)
    t->params[i] += (dd_real) (scale * (2.0 * dd_rng_uniform (&rng) - 1.0));
}

static void
assert_close (const char *what, double got, double want)
{
  double rel = fabs (got - want) / fmax (fabs (want), 1e-300);
  if (!(rel <= VALUE_TOL))
    g_test_message ("%s: got %.17g, want %.17g, rel err %.2e", what, got, want, rel);
  g_assert_cmpfloat (rel, <=, VALUE_TOL);
}

/* ---------------------------------------------------------------------- */
/* names, layout, argument checks */

static void
test_names (void)
{
  static const char *const names[] = { "fixed", "gated", "neural" };

  for (guint i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      DdTeacherKind parsed = (DdTeacherKind) -1;
      g_assert_cmpstr (dd_teacher_kind_name (all_kinds[i]), ==, names[i]);
      g_assert_true (dd_teacher_kind_parse (names[i], &parsed));
      g_assert_cmpint (parsed, ==, all_kinds[i]);
    }

  DdTeacherKind untouched = DD_TEACHER_GATED;
  g_assert_false (dd_teacher_kind_parse ("Fixed", &untouched));
  g_assert_false (dd_teacher_kind_parse ("", &untouched));
  g_assert_false (dd_teacher_kind_parse ("mlp", &untouched));
  g_assert_false (dd_teacher_kind_parse (NULL, &untouched));
  g_assert_cmpint (untouched, ==, DD_TEACHER_GATED);
}

static void
test_layout (void)
{
  const int C = 5;
  /* the W block: C rows of W and the row of s = log ε */
  const size_t CC = (C + 1) * C;

  g_assert_cmpint (dd_teacher_n_features (C), ==, 5 + 2 * C);
  g_assert_cmpint (dd_phi_rows (DD_PHI_CLASSES, C), ==, C + 1);
  g_assert_cmpint (dd_phi_scale_row (DD_PHI_CLASSES, C), ==, C);
  g_assert_cmpint (dd_phi_rows (DD_PHI_BUCKETS, C), ==, C + 2);
  g_assert_cmpint (dd_phi_scale_row (DD_PHI_BUCKETS, C), ==, C + 1);

  g_autoptr(DdTeacher) fixed = new_teacher (DD_TEACHER_FIXED, C, 0, 1);
  g_assert_cmpint (fixed->n_classes, ==, C);
  g_assert_cmpint (fixed->n_rows, ==, C + 1);
  g_assert_cmpint (fixed->shape, ==, DD_PHI_CLASSES);
  g_assert_cmpint (fixed->start.form, ==, DD_PHI_NORMALISED);
  g_assert_cmpfloat (fixed->start.epsilon, ==, 0.1);
  g_assert_cmpuint (fixed->n_params, ==, CC + C);
  g_assert_cmpuint (fixed->off_W, ==, 0);
  g_assert_cmpuint (fixed->off_b, ==, CC);

  g_autoptr(DdTeacher) gated = new_teacher (DD_TEACHER_GATED, C, 0, 1);
  g_assert_cmpuint (gated->n_params, ==, 2 * CC + C + 3);
  g_assert_cmpuint (gated->off_W, ==, 0);
  g_assert_cmpuint (gated->off_b, ==, CC);
  g_assert_cmpuint (gated->off_W2, ==, CC + C);
  g_assert_cmpuint (gated->off_gate, ==, 2 * CC + C);

  /* hidden ≤ 0 is the default, 32 */
  g_autoptr(DdTeacher) neural = new_teacher (DD_TEACHER_NEURAL, C, 0, 1);
  const size_t F = 5 + 2 * C, H = 32;
  g_assert_cmpint (neural->hidden, ==, (int) H);
  g_assert_cmpint (neural->n_features, ==, (int) F);
  g_assert_cmpuint (neural->off_A, ==, 0);
  g_assert_cmpuint (neural->off_a0, ==, H * F);
  g_assert_cmpuint (neural->off_U, ==, H * F + H);
  g_assert_cmpuint (neural->off_u0, ==, H * F + H + CC * H);
  g_assert_cmpuint (neural->off_V, ==, H * F + H + CC * H + CC);
  g_assert_cmpuint (neural->off_v0, ==, H * F + H + CC * H + CC + C * H);
  g_assert_cmpuint (neural->n_params, ==, H * F + H + CC * H + CC + C * H + C);

  g_autoptr(DdTeacher) neg = new_teacher (DD_TEACHER_NEURAL, C, -3, 1);
  g_assert_cmpint (neg->hidden, ==, 32);
  g_autoptr(DdTeacher) seven = new_teacher (DD_TEACHER_NEURAL, C, 7, 1);
  g_assert_cmpint (seven->hidden, ==, 7);

  /* the neural teacher's first layer is Glorot-uniform, and the seed decides it */
  const double r = sqrt (6.0 / (double) (F + H));
  gboolean any_nonzero = FALSE;
  for (size_t i = 0; i < H * F; i++)
    {
      g_assert_cmpfloat (fabs (neural->params[neural->off_A + i]), <=, r);
      any_nonzero |= neural->params[neural->off_A + i] != 0;
    }
  g_assert_true (any_nonzero);
  /* in mirrored pairs (h, h + H/2): the same input row and a₀ = 0, opposite
   * output weights of at most DD_TEACHER_INIT_SCALE, u₀ = v₀ = 0 */
  const dd_real *np = neural->params;
  for (size_t h = 0; h < H / 2; h++)
    {
      g_assert_cmpmem (np + neural->off_A + h * F, F * sizeof (dd_real),
                       np + neural->off_A + (h + H / 2) * F, F * sizeof (dd_real));
      g_assert_cmpfloat (np[neural->off_a0 + h], ==, 0.0);
      g_assert_cmpfloat (np[neural->off_a0 + h + H / 2], ==, 0.0);
      for (size_t k = 0; k < CC; k++)
        {
          const dd_real u = np[neural->off_U + k * H + h];
          g_assert_cmpfloat (u, !=, 0.0);
          g_assert_cmpfloat (fabs (u), <=, DD_TEACHER_INIT_SCALE);
          g_assert_cmpfloat (np[neural->off_U + k * H + h + H / 2], ==, -u);
        }
      for (size_t c = 0; c < (size_t) C; c++)
        {
          const dd_real v = np[neural->off_V + c * H + h];
          g_assert_cmpfloat (v, !=, 0.0);
          g_assert_cmpfloat (fabs (v), <=, DD_TEACHER_INIT_SCALE);
          g_assert_cmpfloat (np[neural->off_V + c * H + h + H / 2], ==, -v);
        }
    }
  for (size_t k = 0; k < CC; k++)
    g_assert_cmpfloat (np[neural->off_u0 + k], ==, 0.0);
  for (size_t c = 0; c < (size_t) C; c++)
    g_assert_cmpfloat (np[neural->off_v0 + c], ==, 0.0);

  /* the gated teacher: θ = 0, β = 1, W₂ small and nonzero, W = W₀ − tanh(½)·W₂, b = 0 */
  const dd_real *gp = gated->params;
  g_autofree dd_real *W0 = g_new (dd_real, CC);
  dd_phi_initial (DD_PHI_CLASSES, NULL, C, W0, NULL);
  g_assert_cmpfloat (gp[gated->off_gate + 0], ==, 0.0);
  g_assert_cmpfloat (gp[gated->off_gate + 1], ==, 0.0);
  g_assert_cmpfloat (gp[gated->off_gate + 2], ==, 1.0);
  for (size_t k = 0; k < CC; k++)
    {
      const dd_real w2 = gp[gated->off_W2 + k];
      g_assert_cmpfloat (w2, !=, 0.0);
      g_assert_cmpfloat (fabs (w2), <=, DD_TEACHER_INIT_SCALE);
      g_assert_cmpfloat (gp[gated->off_W + k], ==, W0[k] - tanh (0.5) * w2);
    }
  for (size_t c = 0; c < (size_t) C; c++)
    g_assert_cmpfloat (gp[gated->off_b + c], ==, 0.0);
  /* the fixed teacher is Φ₀ itself */
  g_assert_cmpmem (fixed->params + fixed->off_W, CC * sizeof (dd_real), W0, CC * sizeof (dd_real));
  g_autoptr(DdTeacher) same = new_teacher (DD_TEACHER_NEURAL, C, 0, 1);
  g_autoptr(DdTeacher) other = new_teacher (DD_TEACHER_NEURAL, C, 0, 2);
  g_assert_cmpmem (same->params, sizeof (dd_real) * same->n_params,
                   neural->params, sizeof (dd_real) * neural->n_params);
  g_assert_true (memcmp (other->params, neural->params, sizeof (dd_real) * H * F) != 0);

  /* the gradients start at zero */
  for (size_t i = 0; i < neural->n_params; i++)
    g_assert_cmpfloat (neural->grads[i], ==, 0.0);
}

static void
assert_refused (DdTeacherKind kind, int C, int hidden)
{
  g_autoptr(GError) error = NULL;
  DdRng rng;

  dd_rng_seed (&rng, 5);
  DdTeacher *t = dd_teacher_new (kind, C, hidden, &rng, &error);
  g_assert_null (t);
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), >, 0);
  g_test_message ("kind %d, C %d, hidden %d: %s", (int) kind, C, hidden, error->message);
}

static void
test_bad_arguments (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      assert_refused (all_kinds[i], 1, 0);
      assert_refused (all_kinds[i], 0, 0);
      assert_refused (all_kinds[i], -4, 0);
      assert_refused (all_kinds[i], 1001, 0);
      assert_refused (all_kinds[i], G_MAXINT, 0);
    }
  assert_refused (DD_TEACHER_NEURAL, 10, 4097);
  assert_refused (DD_TEACHER_NEURAL, 10, G_MAXINT);
  assert_refused ((DdTeacherKind) 3, 10, 0);
  assert_refused ((DdTeacherKind) -1, 10, 0);
  /* within both limits, but U would be C²·H = 4·10⁹ values */
  assert_refused (DD_TEACHER_NEURAL, 1000, 4096);

  /* the limits themselves are accepted */
  g_autoptr(DdTeacher) two = new_teacher (DD_TEACHER_FIXED, 2, 0, 1);
  g_autoptr(DdTeacher) thousand = new_teacher (DD_TEACHER_GATED, 1000, 0, 1);
  g_autoptr(DdTeacher) wide = new_teacher (DD_TEACHER_NEURAL, 2, 4096, 1);
  g_assert_cmpint (wide->hidden, ==, 4096);
  /* hidden is the neural teacher's only: the others ignore it; (C + 1)·C + C = 15 */
  g_autoptr(DdTeacher) fixed_wide = new_teacher (DD_TEACHER_FIXED, 3, 100000, 1);
  g_assert_cmpuint (fixed_wide->n_params, ==, 15);

  /* the normalised start's ε₀ must be in (0, 100]; the paper start ignores it */
  const double bad_eps[] = { 0.0, -0.1, 100.5, NAN, INFINITY };
  for (guint i = 0; i < G_N_ELEMENTS (bad_eps); i++)
    for (guint ki = 0; ki < G_N_ELEMENTS (all_kinds); ki++)
      {
        g_autoptr(GError) error = NULL;
        DdRng rng;
        DdPhiStart start = { .form = DD_PHI_NORMALISED, .epsilon = bad_eps[i] };
        dd_rng_seed (&rng, 5);
        g_assert_null (dd_teacher_new_full (all_kinds[ki], DD_PHI_CLASSES, &start, 4, 0, &rng,
                                            &error));
        g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
      }
  {
    g_autoptr(GError) error = NULL;
    DdPhiStart start = { .form = DD_PHI_PAPER, .epsilon = 0.0 };
    g_autoptr(DdTeacher) paper = dd_teacher_new_full (DD_TEACHER_FIXED, DD_PHI_CLASSES, &start,
                                                      4, 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (paper);
    DdPhiStart edge = { .form = DD_PHI_NORMALISED, .epsilon = 100.0 };
    g_autoptr(DdTeacher) at_edge = dd_teacher_new_full (DD_TEACHER_FIXED, DD_PHI_CLASSES, &edge,
                                                        4, 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (at_edge);
  }
}

/* ---------------------------------------------------------------------- */
/* the initial point */

/* a teacher of any shape and start */
static DdTeacher *
new_teacher_full (DdTeacherKind kind, DdPhiShape shape, const DdPhiStart *start, int C,
                  int hidden, guint64 seed)
{
  g_autoptr(GError) error = NULL;
  DdRng rng;

  dd_rng_seed (&rng, seed);
  DdTeacher *t = dd_teacher_new_full (kind, shape, start, C, hidden, &rng, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  return t;
}

/* dd_phi_initial by its definition (dd-phi.h): classes W = I with the
 * s row log ε₀ (normalised) or 0 (paper); buckets W = 0, a = 1, s likewise;
 * b = 0 */
static double
phi0_entry (DdPhiShape shape, const DdPhiStart *start, int C, int r, int c)
{
  const double s0 = start->form == DD_PHI_PAPER ? 0.0 : log (start->epsilon);

  if (shape == DD_PHI_CLASSES)
    return r == C ? s0 : r == c ? 1.0 : 0.0;
  return r == C + 1 ? s0 : r == C ? 1.0 : 0.0;
}

/* The value type: the initial point is dd_phi_initial's, cells run over W
 * row by row and then b (the flat layout of dd-phi.h), copies are deep and
 * views write through. */
static void
test_phi_value (void)
{
  const DdPhiStart start = { DD_PHI_NORMALISED, 0.2 };
  for (int shape = DD_PHI_CLASSES; shape <= DD_PHI_BUCKETS; shape++)
    {
      const int C = 5, R = dd_phi_rows (shape, C);
      g_autoptr (DdPhi) phi = dd_phi_new_initial (shape, &start, C);
      g_assert_cmpint (phi->R, ==, R);
      g_assert_cmpint (phi->C, ==, C);
      g_assert_cmpuint (dd_phi_n_values (phi), ==, (gsize) (R + 1) * C);
      g_assert_cmpuint (dd_phi_n_values_for (shape, C), ==, (gsize) (R + 1) * C);
      for (int r = 0; r <= R; r++)
        for (int c = 0; c < C; c++)
          {
            const int cell = dd_phi_cell (phi, r, c);
            g_assert_cmpint (cell, ==, r * C + c);
            const double want = r < R ? phi0_entry (shape, &start, C, r, c) : 0.0;
            g_assert_cmpfloat (dd_phi_get (phi, cell), ==, (dd_real) want);
          }
      g_assert_cmpint (dd_phi_cell (phi, R + 1, 0), ==, -1);
      g_assert_cmpint (dd_phi_cell (phi, 0, C), ==, -1);
      g_assert_cmpint (dd_phi_cell (phi, -1, 0), ==, -1);

      /* a cell of b and one of W, set through the flat index */
      dd_phi_set (phi, dd_phi_cell (phi, R, 3), 0.75);
      dd_phi_set (phi, dd_phi_cell (phi, 1, 2), -2.5);
      g_assert_cmpfloat (phi->b[3], ==, 0.75);
      g_assert_cmpfloat (phi->W[1 * C + 2], ==, -2.5);

      float packed[8 * 5];
      dd_phi_pack (phi, packed);
      for (gsize i = 0; i < dd_phi_n_values (phi); i++)
        g_assert_cmpfloat (packed[i], ==, (float) dd_phi_get (phi, i));

      g_autoptr (DdPhi) copy = dd_phi_copy (phi);
      g_assert_true (dd_phi_same_shape (copy, phi));
      copy->W[0] = 9;
      g_assert_cmpfloat (phi->W[0], !=, 9);
      g_assert_true (dd_phi_is_finite (copy));
      copy->b[0] = NAN;
      g_assert_false (dd_phi_is_finite (copy));

      /* unpack reads what pack wrote */
      g_autoptr (DdPhi) back = dd_phi_new (shape, C);
      dd_phi_unpack (back, packed);
      for (gsize i = 0; i < dd_phi_n_values (phi); i++)
        g_assert_cmpfloat (dd_phi_get (back, i), ==, (float) dd_phi_get (phi, i));

      /* an edit's arithmetic: (copy − phi)·(−1) + … cell by cell */
      g_autoptr (DdPhi) diff = dd_phi_copy (copy);
      diff->b[0] = 1.0;
      dd_phi_add_scaled (diff, -1.0, phi);
      dd_phi_scale (diff, -2.0);
      for (gsize i = 0; i < dd_phi_n_values (phi); i++)
        {
          const double want = -2.0 * ((i == 0 ? 9.0 : i == (gsize) R * C ? 1.0 : dd_phi_get (phi, i)) -
                                      dd_phi_get (phi, i));
          g_assert_cmpfloat (fabs (dd_phi_get (diff, i) - want), <, 1e-6);
        }

      /* the penalty preset: the square block's off-diagonal only */
      g_autoptr (DdPhi) pen = dd_phi_copy (phi);
      dd_phi_penalise_confusions (pen, DD_PHI_CONFUSION_PENALTY);
      for (int r = 0; r <= R; r++)
        for (int c = 0; c < C; c++)
          {
            const int cell = dd_phi_cell (pen, r, c);
            const double want = r < C && r != c ? -DD_PHI_CONFUSION_PENALTY : dd_phi_get (phi, cell);
            g_assert_cmpfloat (dd_phi_get (pen, cell), ==, (dd_real) want);
          }

      dd_real W[8 * 5], b[5];
      DdPhi view = dd_phi_view (shape, C, W, b);
      dd_phi_assign (&view, phi);
      g_assert_cmpmem (W, sizeof (dd_real) * R * C, phi->W, sizeof (dd_real) * R * C);
      g_assert_cmpfloat (b[3], ==, 0.75);
    }
}

static void
test_phi_initial (void)
{
  const DdPhiStart starts[] = { { DD_PHI_NORMALISED, 0.1 }, { DD_PHI_PAPER, 0.1 },
                                { DD_PHI_NORMALISED, 2.5 } };
  for (int shape = DD_PHI_CLASSES; shape <= DD_PHI_BUCKETS; shape++)
    for (guint si = 0; si < G_N_ELEMENTS (starts); si++)
      {
        const int C = 6, R = dd_phi_rows (shape, C);
        dd_real W[8 * 6], b[6];
        memset (W, 0x55, sizeof W);
        memset (b, 0x55, sizeof b);
        dd_phi_initial (shape, &starts[si], C, W, b);
        for (int r = 0; r < R; r++)
          for (int c = 0; c < C; c++)
            g_assert_cmpfloat (W[r * C + c], ==, phi0_entry (shape, &starts[si], C, r, c));
        for (int c = 0; c < C; c++)
          g_assert_cmpfloat (b[c], ==, 0.0);
      }
  /* NULL is the default start: normalised at ε₀ = 0.1 */
  DdPhiStart def = dd_phi_start_default ();
  g_assert_cmpint (def.form, ==, DD_PHI_NORMALISED);
  g_assert_cmpfloat (def.epsilon, ==, DD_PHI_DEFAULT_EPSILON);
  g_assert_cmpfloat (DD_PHI_DEFAULT_EPSILON, ==, 0.1);
  dd_real W[5 * 4], Wd[5 * 4];
  dd_phi_initial (DD_PHI_CLASSES, NULL, 4, W, NULL);
  dd_phi_initial (DD_PHI_CLASSES, &def, 4, Wd, NULL);
  g_assert_cmpmem (W, sizeof W, Wd, sizeof Wd);
  g_assert_cmpfloat (W[4 * 4], ==, log (0.1));

  /* the form's names */
  DdPhiForm form = DD_PHI_PAPER;
  g_assert_true (dd_phi_form_parse ("normalised", &form));
  g_assert_cmpint (form, ==, DD_PHI_NORMALISED);
  g_assert_true (dd_phi_form_parse ("paper", &form));
  g_assert_cmpint (form, ==, DD_PHI_PAPER);
  g_assert_false (dd_phi_form_parse ("ce", &form));
  g_assert_cmpstr (dd_phi_form_name (DD_PHI_PAPER), ==, "paper");
  g_assert_cmpstr (dd_phi_form_name (DD_PHI_NORMALISED), ==, "normalised");
}

/* Φ_t = Φ₀ at every state: for each kind, classes and buckets, both forms,
 * several random states (and the extremes). The fixed teacher is Φ₀ itself,
 * exactly. The gated one is W + h·W₂ with W = W₀ − h·W₂ and the same h at
 * every state while θ = 0: the product h·W₂ is the same double both times,
 * so where W₀ = 0 the sum is −h·W₂ + h·W₂ = 0 exactly, and elsewhere it is
 * W₀ up to the one rounding of W₀ − h·W₂ (1 − 2⁻⁵³ comes back for W₀ = 1
 * when that rounding went up: the spacing of doubles halves below 1), so it
 * is held to DBL_EPSILON·|W₀| there. The neural one adds U·a = Σ_h U[k, h]·a_h
 * over mirrored pairs whose terms cancel only up to the rounding of the
 * running sum, so it is held to 1e-12. */
static void
test_initial_point (void)
{
  static const int classes[] = { 2, 4, 10 };
  const DdPhiStart starts[] = { { DD_PHI_NORMALISED, 0.1 }, { DD_PHI_PAPER, 0.1 },
                                { DD_PHI_NORMALISED, 0.7 } };
  DdRng rng;
  double neural_worst = 0, gated_worst = 0;

  dd_rng_seed (&rng, 42);
  for (int shape = DD_PHI_CLASSES; shape <= DD_PHI_BUCKETS; shape++)
    for (guint si = 0; si < G_N_ELEMENTS (starts); si++)
      for (guint ci = 0; ci < G_N_ELEMENTS (classes); ci++)
        for (guint ki = 0; ki < G_N_ELEMENTS (all_kinds); ki++)
          for (int hidden = 0; hidden <= 8; hidden += 8)
            {
              const int C = classes[ci], R = dd_phi_rows (shape, C);
              g_autoptr(DdTeacher) t = new_teacher_full (all_kinds[ki], shape, &starts[si], C,
                                                         hidden, 7 + ci + 10 * ki + 100 * si);
              g_autofree dd_real *W = g_new (dd_real, R * C);
              g_autofree dd_real *b = g_new (dd_real, C);
              g_autofree dd_real *W0 = g_new (dd_real, R * C);
              g_autofree dd_real *b0 = g_new (dd_real, C);

              g_assert_cmpint (t->n_rows, ==, R);
              dd_phi_initial (shape, &starts[si], C, W0, b0);
              for (int trial = 0; trial < 5; trial++)
                {
                  DdTeacherState s;
                  state_init_random (&s, C, &rng);
                  if (trial == 4)
                    {
                      /* the extremes of the ranges, and a very large loss */
                      s.progress = 1.0;
                      s.batch_error = 1.0;
                      s.train_loss = 1e6;
                    }
                  memset (W, 0x55, sizeof (dd_real) * R * C);
                  memset (b, 0x55, sizeof (dd_real) * C);
                  dd_teacher_forward (t, &s, W, b);
                  for (int k = 0; k < R * C; k++)
                    {
                      g_assert_cmpfloat (W0[k], ==,
                                         phi0_entry (shape, &starts[si], C, k / C, k % C));
                      const double dev = fabs ((double) W[k] - W0[k]);
                      if (all_kinds[ki] == DD_TEACHER_NEURAL)
                        {
                          neural_worst = fmax (neural_worst, dev);
                          g_assert_cmpfloat (dev, <=, 1e-12);
                        }
                      else if (all_kinds[ki] == DD_TEACHER_GATED && W0[k] != 0.0)
                        {
                          /* one rounding of W₀ − h·W₂ + h·W₂ (see above) */
                          gated_worst = fmax (gated_worst, dev / fabs (W0[k]));
                          g_assert_cmpfloat (dev, <=, DBL_EPSILON * fabs (W0[k]));
                        }
                      else
                        g_assert_cmpfloat (W[k], ==, W0[k]);
                    }
                  for (int c = 0; c < C; c++)
                    {
                      if (all_kinds[ki] == DD_TEACHER_NEURAL)
                        {
                          neural_worst = fmax (neural_worst, fabs (b[c]));
                          g_assert_cmpfloat (fabs (b[c]), <=, 1e-12);
                        }
                      else
                        g_assert_cmpfloat (b[c], ==, 0.0);
                    }
                  state_clear (&s);
                }
            }
  g_test_message ("at the initial point: gated largest |Φ_t − Φ₀| / |Φ₀| %.2e (one ulp: %.2e), "
                  "neural largest |Φ_t − Φ₀| %.2e", gated_worst, DBL_EPSILON, neural_worst);
}

/* ---------------------------------------------------------------------- */
/* the formulas, computed a second way */

static void
test_gated_formula (void)
{
  const int C = 3, RC = 4 * 3;  /* W (3, 3) and the row of s */
  static const double W0[12] = { 0.9, -0.2, 0.1, 0.3, 1.1, -0.4, 0.0, 0.25, 0.7,
                                 -2.3, -1.5, 0.2 };
  static const double W2[12] = { 0.5, -1.0, 0.2, 0.0, -0.3, 0.8, 1.5, -0.6, 0.1,
                                 0.4, -0.7, 0.05 };
  static const double b0[3] = { 0.2, -0.1, 0.05 };
  double acc[3] = { 0.9, 0.8, 0.7 }, margin[3] = { 0.5, 0.4, 0.3 };
  DdTeacherState s = {
    .n_classes = C, .progress = 0.3, .batch_error = 0.2, .train_loss = 1.7,
    .train_error = 0.25, .dev_error = 0.2, .class_accuracy = acc, .class_margin = margin,
  };
  g_autoptr(DdTeacher) t = new_teacher (DD_TEACHER_GATED, C, 0, 1);
  dd_real W[12], b[3];

  g_assert_cmpuint (t->n_params, ==, 2 * RC + C + 3);
  for (int k = 0; k < RC; k++)
    {
      t->params[t->off_W + k] = W0[k];
      t->params[t->off_W2 + k] = W2[k];
    }
  for (int c = 0; c < C; c++)
    t->params[t->off_b + c] = b0[c];
  t->params[t->off_gate + 0] = 0.4;   /* θ₀ (progress) */
  t->params[t->off_gate + 1] = -0.25; /* θ₁ (10 × batch error) */
  t->params[t->off_gate + 2] = 0.1;   /* β */

  /* z = 0.4·0.3 − 0.25·(10·0.2) + 0.1 = −0.28; h = 2σ(z) − 1, straight from σ */
  const double z = 0.4 * 0.3 + (-0.25) * (10.0 * 0.2) + 0.1;
  const double h = 2.0 / (1.0 + exp (-z)) - 1.0;
  assert_close ("z", z, -0.28);
  assert_close ("h (recorded)", h, -0.13909244787845804);

  dd_teacher_forward (t, &s, W, b);
  for (int k = 0; k < RC; k++)
    assert_close ("W_t", W[k], W0[k] + h * W2[k]);
  for (int c = 0; c < C; c++)
    g_assert_cmpfloat (b[c], ==, b0[c]);

  /* the gate's gradient by hand: ∂W_t/∂θ = W₂·2σ(z)(1 − σ(z))·input */
  dd_real dW[12], db[3] = { 0.3, -0.7, 1.1 };
  for (int k = 0; k < RC; k++)
    dW[k] = 0.1 * (k + 1) * (k % 2 ? -1 : 1);
  const double sig = 1.0 / (1.0 + exp (-z));
  double dot = 0;
  for (int k = 0; k < RC; k++)
    dot += dW[k] * W2[k];
  const double dz = dot * 2.0 * sig * (1.0 - sig);

  dd_teacher_backward (t, &s, dW, db);
  assert_close ("dθ₀", t->grads[t->off_gate + 0], dz * 0.3);
  assert_close ("dθ₁", t->grads[t->off_gate + 1], dz * 2.0);
  assert_close ("dβ", t->grads[t->off_gate + 2], dz);
  for (int k = 0; k < RC; k++)
    {
      g_assert_cmpfloat (t->grads[t->off_W + k], ==, dW[k]);
      assert_close ("dW₂", t->grads[t->off_W2 + k], h * dW[k]);
    }
  for (int c = 0; c < C; c++)
    g_assert_cmpfloat (t->grads[t->off_b + c], ==, db[c]);

  /* the fixed teacher ignores the state: Φ = θ */
  g_autoptr(DdTeacher) fixed = new_teacher (DD_TEACHER_FIXED, C, 0, 1);
  perturb (fixed, 1.0, 3);
  dd_teacher_forward (fixed, &s, W, b);
  g_assert_cmpmem (W, sizeof W, fixed->params + fixed->off_W, sizeof W);
  g_assert_cmpmem (b, sizeof b, fixed->params + fixed->off_b, sizeof b);
}

static void
test_neural_formula (void)
{
  const int C = 4, H = 6, F = 5 + 2 * C, R = C + 1;
  g_autoptr(DdTeacher) t = new_teacher (DD_TEACHER_NEURAL, C, H, 11);
  g_autofree dd_real *W = g_new (dd_real, R * C);
  g_autofree dd_real *W0 = g_new (dd_real, R * C);
  g_autofree dd_real *b = g_new (dd_real, C);
  double f[5 + 2 * 4], a[6];
  DdTeacherState s;
  DdRng rng;

  perturb (t, 0.5, 12);
  dd_rng_seed (&rng, 13);
  state_init_random (&s, C, &rng);

  /* the feature vector as dd-teacher.c documents it */
  const double *p = t->params;
  double want_f[5 + 2 * 4] = {
    s.progress, s.batch_error, asinh (s.train_loss), s.train_error, s.dev_error,
  };
  for (int c = 0; c < C; c++)
    {
      want_f[5 + c] = s.class_accuracy[c];
      want_f[5 + C + c] = s.class_margin[c];
    }
  dd_teacher_features (&s, f);
  g_assert_cmpmem (f, sizeof f, want_f, sizeof want_f);

  /* a = tanh(A·f + a₀), summed in the other order */
  for (int h = 0; h < H; h++)
    {
      double sum = 0;
      for (int i = F - 1; i >= 0; i--)
        sum += p[t->off_A + h * F + i] * want_f[i];
      a[h] = tanh (sum + p[t->off_a0 + h]);
    }

  /* W_t = W₀ + U·a + u₀ over the whole block, W₀ = (I; log 0.1) (the default start) */
  dd_phi_initial (DD_PHI_CLASSES, NULL, C, W0, NULL);
  dd_teacher_forward (t, &s, W, b);
  for (int j = 0; j < R; j++)
    for (int y = 0; y < C; y++)
      {
        const int k = j * C + y;
        double sum = 0;
        for (int h = H - 1; h >= 0; h--)
          sum += p[t->off_U + k * H + h] * a[h];
        assert_close ("neural W", W[k], (j == C ? log (0.1) : j == y) + sum + p[t->off_u0 + k]);
      }
  for (int c = 0; c < C; c++)
    {
      double sum = 0;
      for (int h = H - 1; h >= 0; h--)
        sum += p[t->off_V + c * H + h] * a[h];
      assert_close ("neural b", b[c], sum + p[t->off_v0 + c]);
    }
  state_clear (&s);
}

static void
test_features (void)
{
  const int C = 3;
  double acc[3] = { 1.0, 0.5, NAN }, margin[3] = { -0.5, INFINITY, 0.25 };
  DdTeacherState s = {
    .n_classes = C, .progress = 0.5, .batch_error = 0.25, .train_loss = -0.4,
    .train_error = 0.3, .dev_error = NAN, .class_accuracy = acc, .class_margin = margin,
  };
  double f[5 + 2 * 3];

  g_assert_cmpint (dd_teacher_n_features (C), ==, G_N_ELEMENTS (f));
  dd_teacher_features (&s, f);
  g_assert_cmpfloat (f[0], ==, 0.5);
  g_assert_cmpfloat (f[1], ==, 0.25);
  assert_close ("asinh(−0.4)", f[2], -0.39003531977071526);
  g_assert_cmpfloat (f[3], ==, 0.3);
  g_assert_cmpfloat (f[4], ==, 0.0);   /* NaN enters as 0 */
  g_assert_cmpfloat (f[5], ==, 1.0);
  g_assert_cmpfloat (f[6], ==, 0.5);
  g_assert_cmpfloat (f[7], ==, 0.0);   /* NaN */
  g_assert_cmpfloat (f[8], ==, -0.5);
  g_assert_cmpfloat (f[9], ==, 0.0);   /* Inf */
  g_assert_cmpfloat (f[10], ==, 0.25);

  /* a large loss is compressed, an infinite one enters as 0 */
  s.train_loss = 1e4;
  dd_teacher_features (&s, f);
  assert_close ("asinh(1e4)", f[2], asinh (1e4));
  g_assert_cmpfloat (f[2], <, 10.0);
  s.train_loss = INFINITY;
  dd_teacher_features (&s, f);
  g_assert_cmpfloat (f[2], ==, 0.0);

  /* no per-class measurements yet: zeros */
  s.class_accuracy = NULL;
  s.class_margin = NULL;
  dd_teacher_features (&s, f);
  for (int i = 5; i < 5 + 2 * C; i++)
    g_assert_cmpfloat (f[i], ==, 0.0);

  /* and a neural teacher stays finite on such a state */
  g_autoptr(DdTeacher) t = new_teacher (DD_TEACHER_NEURAL, C, 4, 3);
  dd_real W[12], b[3], dW[12], db[3];
  perturb (t, 0.5, 4);
  for (int k = 0; k < 12; k++)
    dW[k] = 1;
  for (int c = 0; c < 3; c++)
    db[c] = 1;
  dd_teacher_forward (t, &s, W, b);
  dd_teacher_backward (t, &s, dW, db);
  for (int k = 0; k < 12; k++)
    g_assert_true (isfinite (W[k]));
  for (size_t i = 0; i < t->n_params; i++)
    g_assert_true (isfinite (t->grads[i]));
}

/* ---------------------------------------------------------------------- */
/* gradient checks */

typedef struct {
  DdTeacher            *teacher;
  const DdTeacherState *state;
  const dd_real        *rW, *rb;
  dd_real              *W, *b;
} Objective;

/* f(θ) = Σ rW⊙W_t + Σ rb⊙b_t */
static double
objective (gpointer data)
{
  Objective *o = data;
  const int C = o->teacher->n_classes, RC = o->teacher->n_rows * C;
  double f = 0;

  dd_teacher_forward (o->teacher, o->state, o->W, o->b);
  for (int k = 0; k < RC; k++)
    f += o->rW[k] * o->W[k];
  for (int c = 0; c < C; c++)
    f += o->rb[c] * o->b[c];
  return f;
}

typedef struct {
  const char *name;
  size_t      off, n;
} View;

static int
views_of (const DdTeacher *t, View *v)
{
  /* CC: the whole W block, s row included */
  const size_t C = t->n_classes, CC = (size_t) t->n_rows * C, H = t->hidden, F = t->n_features;
  int n = 0;

  switch (t->kind)
    {
    case DD_TEACHER_FIXED:
      v[n++] = (View) { "W", t->off_W, CC };
      v[n++] = (View) { "b", t->off_b, C };
      break;
    case DD_TEACHER_GATED:
      v[n++] = (View) { "W", t->off_W, CC };
      v[n++] = (View) { "b", t->off_b, C };
      v[n++] = (View) { "W2", t->off_W2, CC };
      v[n++] = (View) { "gate", t->off_gate, 3 };
      break;
    case DD_TEACHER_NEURAL:
      v[n++] = (View) { "A", t->off_A, H * F };
      v[n++] = (View) { "a0", t->off_a0, H };
      v[n++] = (View) { "U", t->off_U, CC * H };
      v[n++] = (View) { "u0", t->off_u0, CC };
      v[n++] = (View) { "V", t->off_V, C * H };
      v[n++] = (View) { "v0", t->off_v0, C };
      break;
    default:
      g_assert_not_reached ();
    }

  /* the views tile the parameter array */
  size_t covered = 0;
  for (int i = 0; i < n; i++)
    {
      g_assert_cmpuint (v[i].off, ==, covered);
      covered += v[i].n;
    }
  g_assert_cmpuint (covered, ==, t->n_params);
  return n;
}

static void
gradcheck_teacher (DdTeacherKind kind, DdPhiShape shape, int C, int hidden, guint64 seed)
{
  g_autoptr(DdTeacher) t = new_teacher_full (kind, shape, NULL, C, hidden, seed);
  const int RC = t->n_rows * C;
  g_autofree dd_real *rW = g_new (dd_real, RC);
  g_autofree dd_real *rb = g_new (dd_real, C);
  g_autofree dd_real *W = g_new (dd_real, RC);
  g_autofree dd_real *b = g_new (dd_real, C);
  DdTeacherState s;
  DdRng rng;

  /* non-trivial parameters: W₂, θ, U, V, … all away from 0 */
  perturb (t, kind == DD_TEACHER_GATED ? 0.3 : 0.5, seed + 1);
  dd_rng_seed (&rng, seed + 2);
  state_init_random (&s, C, &rng);
  fill_uniform (rW, RC, -1, 1, seed + 3);
  fill_uniform (rb, C, -1, 1, seed + 4);

  Objective o = { t, &s, rW, rb, W, b };
  dd_teacher_zero_grad (t);
  dd_teacher_backward (t, &s, rW, rb);

  g_autofree double *numeric = g_new (double, t->n_params);
  gradcheck_numeric (numeric, t->params, t->n_params, objective, &o, GRADCHECK_EPS);

  const char *sh = shape == DD_PHI_BUCKETS ? " buckets" : "";
  g_autofree char *all = g_strdup_printf ("%s%s C=%d all", dd_teacher_kind_name (kind), sh, C);
  g_assert_cmpfloat (gradcheck_compare (all, t->grads, numeric, t->n_params), <=, GRADCHECK_TOL);

  View views[8];
  const int n_views = views_of (t, views);
  for (int i = 0; i < n_views; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s%s C=%d %s", dd_teacher_kind_name (kind), sh, C,
                                               views[i].name);
      double big = 0;
      for (size_t j = 0; j < views[i].n; j++)
        big = fmax (big, fabs (numeric[views[i].off + j]));
      /* every block of parameters is really exercised */
      g_assert_cmpfloat (big, >, 1e-3);
      g_assert_cmpfloat (gradcheck_compare (name, t->grads + views[i].off,
                                            numeric + views[i].off, views[i].n),
                         <=, GRADCHECK_TOL);
    }
  state_clear (&s);
}

static void
test_gradcheck (gconstpointer data)
{
  const DdTeacherKind kind = GPOINTER_TO_INT (data);

  gradcheck_teacher (kind, DD_PHI_CLASSES, 4, 0, 100 + 10 * kind);
  gradcheck_teacher (kind, DD_PHI_CLASSES, 10, 0, 200 + 10 * kind);
  gradcheck_teacher (kind, DD_PHI_BUCKETS, 3, 0, 250 + 10 * kind);
  if (kind == DD_TEACHER_NEURAL)
    gradcheck_teacher (kind, DD_PHI_CLASSES, 4, 5, 300);
}

/* ---------------------------------------------------------------------- */
/* backward adds; copies are deep; finiteness */

static void
test_backward_adds (void)
{
  const int C = 4;
  DdRng rng;

  dd_rng_seed (&rng, 77);
  for (guint ki = 0; ki < G_N_ELEMENTS (all_kinds); ki++)
    {
      g_autoptr(DdTeacher) t = new_teacher (all_kinds[ki], C, 6, 78 + ki);
      const int RC = t->n_rows * C;
      g_autofree dd_real *dW = g_new (dd_real, RC);
      g_autofree dd_real *db = g_new (dd_real, C);
      DdTeacherState s;

      perturb (t, 0.4, 79 + ki);
      state_init_random (&s, C, &rng);
      fill_uniform (dW, RC, -1, 1, 80 + ki);
      fill_uniform (db, C, -1, 1, 81 + ki);

      const size_t n = t->n_params;
      g_autofree dd_real *once = g_new (dd_real, n);
      dd_teacher_backward (t, &s, dW, db);
      memcpy (once, t->grads, sizeof (dd_real) * n);
      dd_teacher_backward (t, &s, dW, db);
      for (size_t i = 0; i < n; i++)
        g_assert_cmpfloat (t->grads[i], ==, 2.0 * once[i]);

      /* onto gradients that are already there */
      g_autofree dd_real *start = g_new (dd_real, n);
      fill_uniform (start, n, -1, 1, 82 + ki);
      memcpy (t->grads, start, sizeof (dd_real) * n);
      dd_teacher_backward (t, &s, dW, db);
      for (size_t i = 0; i < n; i++)
        g_assert_cmpfloat (fabs (t->grads[i] - (start[i] + once[i])), <=, 1e-15);

      /* backward leaves the parameters alone, and zero_grad zeroes */
      dd_teacher_zero_grad (t);
      for (size_t i = 0; i < n; i++)
        g_assert_cmpfloat (t->grads[i], ==, 0.0);
      state_clear (&s);
    }
}

static void
test_copy (void)
{
  const int C = 4;
  DdRng rng;

  dd_rng_seed (&rng, 91);
  for (guint ki = 0; ki < G_N_ELEMENTS (all_kinds); ki++)
    {
      g_autoptr(DdTeacher) t = new_teacher (all_kinds[ki], C, 5, 92 + ki);
      DdTeacherState s;
      /* the W block is (C + 1, C) = 20 values */
      dd_real W1[20], b1[4], W2[20], b2[4], dW[20], db[4];

      g_assert_cmpint (t->n_rows * C, ==, 20);
      perturb (t, 0.4, 93 + ki);
      state_init_random (&s, C, &rng);
      fill_uniform (dW, 20, -1, 1, 94);
      fill_uniform (db, 4, -1, 1, 95);
      dd_teacher_backward (t, &s, dW, db);

      g_autoptr(DdTeacher) c = dd_teacher_copy (t);
      g_assert_true (c != t);
      g_assert_true (c->params != t->params);
      g_assert_true (c->grads != t->grads);
      g_assert_cmpint (c->kind, ==, t->kind);
      g_assert_cmpint (c->hidden, ==, t->hidden);
      g_assert_cmpuint (c->n_params, ==, t->n_params);
      g_assert_cmpuint (c->off_b, ==, t->off_b);
      g_assert_cmpuint (c->off_v0, ==, t->off_v0);
      /* Φ₀ is the copy's own */
      g_assert_true (c->base != t->base);
      g_assert_cmpmem (c->base, sizeof (dd_real) * 20, t->base, sizeof (dd_real) * 20);
      g_assert_cmpmem (c->params, sizeof (dd_real) * c->n_params,
                       t->params, sizeof (dd_real) * t->n_params);
      g_assert_cmpmem (c->grads, sizeof (dd_real) * c->n_params,
                       t->grads, sizeof (dd_real) * t->n_params);

      dd_teacher_forward (t, &s, W1, b1);
      dd_teacher_forward (c, &s, W2, b2);
      g_assert_cmpmem (W1, sizeof W1, W2, sizeof W2);
      g_assert_cmpmem (b1, sizeof b1, b2, sizeof b2);

      /* changing the copy leaves the original alone */
      g_autofree dd_real *saved_p = g_memdup2 (t->params, sizeof (dd_real) * t->n_params);
      g_autofree dd_real *saved_g = g_memdup2 (t->grads, sizeof (dd_real) * t->n_params);
      perturb (c, 1.0, 96);
      dd_teacher_zero_grad (c);
      g_assert_cmpmem (t->params, sizeof (dd_real) * t->n_params,
                       saved_p, sizeof (dd_real) * t->n_params);
      g_assert_cmpmem (t->grads, sizeof (dd_real) * t->n_params,
                       saved_g, sizeof (dd_real) * t->n_params);
      state_clear (&s);
    }
}

static void
test_params_finite (void)
{
  for (guint ki = 0; ki < G_N_ELEMENTS (all_kinds); ki++)
    {
      g_autoptr(DdTeacher) t = new_teacher (all_kinds[ki], 3, 4, 1);
      const size_t last = t->n_params - 1;

      g_assert_true (dd_teacher_params_finite (t));
      t->params[0] = NAN;
      g_assert_false (dd_teacher_params_finite (t));
      t->params[0] = 0;
      t->params[last] = -INFINITY;
      g_assert_false (dd_teacher_params_finite (t));
      t->params[last] = 0;
      /* the gradients are not parameters */
      t->grads[0] = NAN;
      g_assert_true (dd_teacher_params_finite (t));
    }
}

/* ---------------------------------------------------------------------- */
/* the hypergradient at the initial point, on a real window of training */

static DdData *digits;

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

/* An MLP 64-12-10 (tanh) on the 8×8 digits (as teach-common.c's problem),
 * batch 20, η = 0.1, a window of T = 4 steps after 30 warm-up steps, M on
 * 120 dev images; the teacher at its initial point, untouched. 80 examples
 * in the window, so that every class is in it: the column y of W, s and b
 * only hears from examples of class y. */
static DdTeach *
teach_at_start (DdTeacherKind kind, DdPhiForm form, int hidden, double *M)
{
  g_autoptr(GError) error = NULL;
  DdTeachConfig cfg;

  dd_teach_config_init (&cfg);
  cfg.student.net.hidden[0] = 12;
  cfg.student.batch = 20;
  cfg.student.lr = 0.1;
  cfg.student.seed = 3;
  cfg.teacher = kind;
  cfg.teacher_hidden = hidden;
  cfg.window = 4;
  cfg.meta_iterations = 2;
  cfg.pretrain_steps = 30;
  cfg.dev_subsample = 120;
  cfg.start.form = form;
  DdTeach *teach = dd_teach_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  while (dd_teach_get_step (teach) < cfg.pretrain_steps)
    {
      g_assert_true (dd_teach_step (teach, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (dd_teach_window_hypergradient (teach, 0, M, &error));
  g_assert_no_error (error);
  return teach;
}

/* how many of v[0 … n) are zero */
static size_t
count_zeros (const dd_real *v, size_t n)
{
  size_t z = 0;
  for (size_t i = 0; i < n; i++)
    z += v[i] == 0.0;
  return z;
}

static double
smallest_abs (const dd_real *v, size_t n)
{
  double m = INFINITY;
  for (size_t i = 0; i < n; i++)
    m = fmin (m, fabs ((double) v[i]));
  return m;
}

/* Every teacher parameter gets a nonzero hypergradient at the initial point
 * (dd-teacher.h; docs/method.md §3): the gated teacher's W₂ through h = tanh ½,
 * its gate through ⟨W₂, dW⟩; the neural teacher's output layer through a,
 * its first layer through the mirrored output weights. Fixed and gated: every
 * entry. Neural: every entry of a₀, U, u₀, V and v₀, and in A every row
 * (unit), every entry of a column whose feature is not 0 at every step —
 * A[h, i] = Σ_t δ_{t,h}·f_{t,i}, so a feature that stays 0 over the window
 * leaves its column at 0: here class 7, which the snapshot at the window's
 * start finds 0 % accurate on dev; the test checks that such a feature is
 * really 0 in the state. */
static void
test_hypergradient_at_start (gconstpointer data)
{
  const DdTeacherKind kind = GPOINTER_TO_INT (data);

  for (DdPhiForm form = DD_PHI_NORMALISED; form <= DD_PHI_PAPER; form++)
    {
      double M;
      g_autoptr(DdTeach) teach = teach_at_start (kind, form, 6, &M);
      DdTeacher *t = dd_teach_get_teacher (teach);
      const size_t C = t->n_classes;
      View views[8];
      const int n_views = views_of (t, views);

      for (int i = 0; i < n_views; i++)
        {
          const View *v = &views[i];
          const dd_real *g = t->grads + v->off;
          g_test_message ("%s %s start, M = %.6f: d%s smallest |entry| %.3e, zeros %zu of %zu",
                          dd_teacher_kind_name (kind), dd_phi_form_name (form), M, v->name,
                          smallest_abs (g, v->n), count_zeros (g, v->n), v->n);
          if (kind != DD_TEACHER_NEURAL || strcmp (v->name, "A") != 0)
            {
              g_assert_cmpuint (count_zeros (g, v->n), ==, 0);
              continue;
            }
          /* A (H, F): every unit has a nonzero entry; a column is zero for
           * all units or for none (a zero feature) */
          const size_t H = t->hidden, F = t->n_features;
          for (size_t h = 0; h < H; h++)
            g_assert_cmpuint (count_zeros (g + h * F, F), <, F);
          for (size_t f = 0; f < F; f++)
            {
              size_t zeros = 0;
              for (size_t h = 0; h < H; h++)
                zeros += g[h * F + f] == 0.0;
              g_assert_true (zeros == 0 || zeros == H);
              if (zeros == 0)
                continue;
              /* only a per-class feature of the window's snapshot (the dev
               * evaluation at the window's start) can be 0 at every step
               * here; it must really be 0 */
              const DdEval *ev = dd_teach_get_last_eval (teach);
              g_assert_cmpuint (f, >=, 5);
              const double value = f < 5 + C ? ev->class_accuracy[f - 5]
                                             : ev->class_margin[f - 5 - C];
              g_test_message ("feature %zu (%s of class %zu) is %g in the state: its column "
                              "of dA is 0", f, f < 5 + C ? "dev accuracy" : "dev margin",
                              (f - 5) % C, value);
              g_assert_cmpfloat (value, ==, 0.0);
            }
        }
    }
}

/* A known engine bug, reported (the test marks itself incomplete until it is
 * fixed, and passes once it is): with an odd number of hidden units the
 * neural teacher's last unit has no mirror and gets no output weights
 * (dd-teacher.c, init_params: "an odd last unit gets no output weights"),
 * so its row of A and its a₀ get a zero hypergradient at the start —
 * δ_h = Σ_k dW[k]·U[k, h] + Σ_c db[c]·V[c, h] = 0 — against dd-teacher.h's
 * "every parameter gets a nonzero hypergradient" (docs/method.md §3).
 * test-teach-text's seq2seq problem (hidden 3) starts like this. The test
 * asserts everything else as the even case does; exactly that pattern (the
 * last unit's A row and a₀ zero, every other unit's nonzero) is reported as
 * incomplete, anything else fails. */
static void
test_hypergradient_at_start_odd_hidden (void)
{
  const size_t H = 5;
  double M;
  g_autoptr(DdTeach) teach = teach_at_start (DD_TEACHER_NEURAL, DD_PHI_NORMALISED, (int) H, &M);
  DdTeacher *t = dd_teach_get_teacher (teach);
  const size_t C = t->n_classes, RC = (size_t) t->n_rows * C, F = t->n_features;
  const dd_real *g = t->grads;

  g_assert_cmpuint (t->hidden, ==, H);
  /* the output layer: every entry */
  g_assert_cmpuint (count_zeros (g + t->off_U, RC * H), ==, 0);
  g_assert_cmpuint (count_zeros (g + t->off_u0, RC), ==, 0);
  g_assert_cmpuint (count_zeros (g + t->off_V, C * H), ==, 0);
  g_assert_cmpuint (count_zeros (g + t->off_v0, C), ==, 0);
  /* the paired units 0 … H − 2: every row of A and every a₀ */
  for (size_t h = 0; h + 1 < H; h++)
    {
      g_assert_cmpuint (count_zeros (g + t->off_A + h * F, F), <, F);
      g_assert_cmpfloat (g[t->off_a0 + h], !=, 0.0);
    }
  /* the unpaired last unit */
  const size_t last_zeros = count_zeros (g + t->off_A + (H - 1) * F, F);
  const double last_a0 = g[t->off_a0 + H - 1];
  g_test_message ("neural teacher, H = %zu: unit %zu has %zu of %zu zero entries in dA, "
                  "da₀ = %g", H, H - 1, last_zeros, F, last_a0);
  if (last_zeros == F && last_a0 == 0.0)
    {
      g_test_incomplete ("engine bug: the odd last hidden unit of the neural teacher has no "
                         "output weights, so its row of A and its a0 get a zero hypergradient "
                         "at the start");
      return;
    }
  g_assert_cmpuint (last_zeros, <, F);
  g_assert_cmpfloat (last_a0, !=, 0.0);
}

/* The demo's initialisation W₂ = θ = β = 0 (with W = W₀, b = 0) is a saddle
 * for the gate: h = 0, so ∂M/∂W₂ = h·dW = 0 and ∂M/∂θ, ∂M/∂β ∝ ⟨W₂, dW⟩ = 0,
 * exactly, while W and b get their ordinary hypergradient; gradient descent
 * never moves the gate from there (docs/method.md §3). The engine's start on the
 * same window gives all of them nonzero values. */
static void
test_demo_start_is_a_saddle (void)
{
  g_autoptr(GError) error = NULL;
  double M;
  g_autoptr(DdTeach) teach = teach_at_start (DD_TEACHER_GATED, DD_PHI_NORMALISED, 0, &M);
  DdTeacher *t = dd_teach_get_teacher (teach);
  const size_t C = t->n_classes, RC = (size_t) t->n_rows * C;

  /* the engine's start first: W₂ and the gate are not zero */
  g_assert_cmpuint (count_zeros (t->grads + t->off_W2, RC), ==, 0);
  g_assert_cmpuint (count_zeros (t->grads + t->off_gate, 3), ==, 0);
  g_test_message ("engine start: |dθ₀| %.3e, |dθ₁| %.3e, |dβ| %.3e, smallest |dW₂| %.3e",
                  fabs (t->grads[t->off_gate]), fabs (t->grads[t->off_gate + 1]),
                  fabs (t->grads[t->off_gate + 2]), smallest_abs (t->grads + t->off_W2, RC));

  /* the demo's: W = W₀, b = 0, W₂ = 0, θ = β = 0 */
  g_autoptr(DdPhi) phi0 = dd_teach_initial_phi (teach);
  memcpy (t->params + t->off_W, phi0->W, RC * sizeof (dd_real));
  memcpy (t->params + t->off_b, phi0->b, C * sizeof (dd_real));
  memset (t->params + t->off_W2, 0, RC * sizeof (dd_real));
  memset (t->params + t->off_gate, 0, 3 * sizeof (dd_real));
  double M_demo;
  g_assert_true (dd_teach_window_hypergradient (teach, 0, &M_demo, &error));
  g_assert_no_error (error);
  /* both are at Φ₀ at every step: the same unroll, the same M */
  g_test_message ("M at the engine's start %.17g, at the demo's %.17g", M, M_demo);
  g_assert_cmpfloat (fabs (M_demo - M), <=, 1e-12);
  for (size_t k = 0; k < RC; k++)
    g_assert_cmpfloat (t->grads[t->off_W2 + k], ==, 0.0);
  for (int i = 0; i < 3; i++)
    g_assert_cmpfloat (t->grads[t->off_gate + i], ==, 0.0);
  /* not vacuous: W and b do get a hypergradient */
  g_assert_cmpuint (count_zeros (t->grads + t->off_W, RC), ==, 0);
  g_assert_cmpuint (count_zeros (t->grads + t->off_b, C), ==, 0);
  g_test_message ("demo start: dW₂ = 0, dθ = dβ = 0; smallest |dW| %.3e",
                  smallest_abs (t->grads + t->off_W, RC));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/teacher/names", test_names);
  g_test_add_func ("/teacher/layout", test_layout);
  g_test_add_func ("/teacher/bad-arguments", test_bad_arguments);
  g_test_add_func ("/teacher/phi-initial", test_phi_initial);
  g_test_add_func ("/teacher/phi-value", test_phi_value);
  g_test_add_func ("/teacher/initial-point", test_initial_point);
  g_test_add_func ("/teacher/features", test_features);
  g_test_add_func ("/teacher/formula/gated", test_gated_formula);
  g_test_add_func ("/teacher/formula/neural", test_neural_formula);
  g_test_add_data_func ("/teacher/gradcheck/fixed", GINT_TO_POINTER (DD_TEACHER_FIXED),
                        test_gradcheck);
  g_test_add_data_func ("/teacher/gradcheck/gated", GINT_TO_POINTER (DD_TEACHER_GATED),
                        test_gradcheck);
  g_test_add_data_func ("/teacher/gradcheck/neural", GINT_TO_POINTER (DD_TEACHER_NEURAL),
                        test_gradcheck);
  g_test_add_func ("/teacher/backward-adds", test_backward_adds);
  g_test_add_func ("/teacher/copy", test_copy);
  g_test_add_func ("/teacher/params-finite", test_params_finite);
  g_test_add_data_func ("/teacher/hypergradient-at-start/fixed", GINT_TO_POINTER (DD_TEACHER_FIXED),
                        test_hypergradient_at_start);
  g_test_add_data_func ("/teacher/hypergradient-at-start/gated", GINT_TO_POINTER (DD_TEACHER_GATED),
                        test_hypergradient_at_start);
  g_test_add_data_func ("/teacher/hypergradient-at-start/neural",
                        GINT_TO_POINTER (DD_TEACHER_NEURAL), test_hypergradient_at_start);
  g_test_add_func ("/teacher/hypergradient-at-start/neural-odd-hidden",
                   test_hypergradient_at_start_odd_hidden);
  g_test_add_func ("/teacher/demo-start-is-a-saddle", test_demo_start_is_a_saddle);

  int status = g_test_run ();
  g_clear_pointer (&digits, dd_data_free);
  return status;
}
