/* test-teacher.c: the teachers against hand computations and finite differences
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Linked against the double-precision engine. For every kind, at random
 * parameters moved well away from the initial point and a random state, the
 * gradient that dd_teacher_backward adds for f(θ) = Σ rW⊙W_t + Σ rb⊙b_t
 * (fixed random rW, rb) is checked against central differences over every
 * parameter. The initial point must give Φ = (I, 0) exactly; the gated and
 * neural formulas are recomputed here a second way; backward must add, copy
 * must be deep, and bad arguments must come back as DD_ERROR_INVALID_ARGUMENT.
 */
#include "dd-teacher.h"
#include "dd-rng.h"
#include "gradcheck.h"

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
  const size_t CC = C * C;

  g_assert_cmpint (dd_teacher_n_features (C), ==, 5 + 2 * C);

  g_autoptr(DdTeacher) fixed = new_teacher (DD_TEACHER_FIXED, C, 0, 1);
  g_assert_cmpint (fixed->n_classes, ==, C);
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
  /* hidden is the neural teacher's only: the others ignore it */
  g_autoptr(DdTeacher) fixed_wide = new_teacher (DD_TEACHER_FIXED, 3, 100000, 1);
  g_assert_cmpuint (fixed_wide->n_params, ==, 12);
}

/* ---------------------------------------------------------------------- */
/* the initial point */

static void
test_initial_identity (void)
{
  static const int classes[] = { 2, 4, 10 };
  DdRng rng;

  dd_rng_seed (&rng, 42);
  for (guint ci = 0; ci < G_N_ELEMENTS (classes); ci++)
    for (guint ki = 0; ki < G_N_ELEMENTS (all_kinds); ki++)
      for (int hidden = 0; hidden <= 8; hidden += 8)
        {
          const int C = classes[ci];
          g_autoptr(DdTeacher) t = new_teacher (all_kinds[ki], C, hidden, 7 + ci + 10 * ki);
          g_autofree dd_real *W = g_new (dd_real, C * C);
          g_autofree dd_real *b = g_new (dd_real, C);

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
              memset (W, 0x55, sizeof (dd_real) * C * C);
              memset (b, 0x55, sizeof (dd_real) * C);
              dd_teacher_forward (t, &s, W, b);
              for (int j = 0; j < C; j++)
                {
                  for (int y = 0; y < C; y++)
                    g_assert_cmpfloat (W[j * C + y], ==, j == y ? 1.0 : 0.0);
                  g_assert_cmpfloat (b[j], ==, 0.0);
                }
              state_clear (&s);
            }
        }
}

/* ---------------------------------------------------------------------- */
/* the formulas, computed a second way */

static void
test_gated_formula (void)
{
  const int C = 3;
  static const double W0[9] = { 0.9, -0.2, 0.1, 0.3, 1.1, -0.4, 0.0, 0.25, 0.7 };
  static const double W2[9] = { 0.5, -1.0, 0.2, 0.0, -0.3, 0.8, 1.5, -0.6, 0.1 };
  static const double b0[3] = { 0.2, -0.1, 0.05 };
  double acc[3] = { 0.9, 0.8, 0.7 }, margin[3] = { 0.5, 0.4, 0.3 };
  DdTeacherState s = {
    .n_classes = C, .progress = 0.3, .batch_error = 0.2, .train_loss = 1.7,
    .train_error = 0.25, .dev_error = 0.2, .class_accuracy = acc, .class_margin = margin,
  };
  g_autoptr(DdTeacher) t = new_teacher (DD_TEACHER_GATED, C, 0, 1);
  dd_real W[9], b[3];

  for (int k = 0; k < C * C; k++)
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
  for (int k = 0; k < C * C; k++)
    assert_close ("W_t", W[k], W0[k] + h * W2[k]);
  for (int c = 0; c < C; c++)
    g_assert_cmpfloat (b[c], ==, b0[c]);

  /* the gate's gradient by hand: ∂W_t/∂θ = W₂·2σ(z)(1 − σ(z))·input */
  dd_real dW[9], db[3] = { 0.3, -0.7, 1.1 };
  for (int k = 0; k < C * C; k++)
    dW[k] = 0.1 * (k + 1) * (k % 2 ? -1 : 1);
  const double sig = 1.0 / (1.0 + exp (-z));
  double dot = 0;
  for (int k = 0; k < C * C; k++)
    dot += dW[k] * W2[k];
  const double dz = dot * 2.0 * sig * (1.0 - sig);

  dd_teacher_backward (t, &s, dW, db);
  assert_close ("dθ₀", t->grads[t->off_gate + 0], dz * 0.3);
  assert_close ("dθ₁", t->grads[t->off_gate + 1], dz * 2.0);
  assert_close ("dβ", t->grads[t->off_gate + 2], dz);
  for (int k = 0; k < C * C; k++)
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
  const int C = 4, H = 6, F = 5 + 2 * C;
  g_autoptr(DdTeacher) t = new_teacher (DD_TEACHER_NEURAL, C, H, 11);
  g_autofree dd_real *W = g_new (dd_real, C * C);
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

  dd_teacher_forward (t, &s, W, b);
  for (int j = 0; j < C; j++)
    for (int y = 0; y < C; y++)
      {
        const int k = j * C + y;
        double sum = 0;
        for (int h = H - 1; h >= 0; h--)
          sum += p[t->off_U + k * H + h] * a[h];
        assert_close ("neural W", W[k], (j == y) + sum + p[t->off_u0 + k]);
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
  dd_real W[9], b[3], dW[9], db[3];
  perturb (t, 0.5, 4);
  for (int k = 0; k < 9; k++)
    dW[k] = 1;
  for (int c = 0; c < 3; c++)
    db[c] = 1;
  dd_teacher_forward (t, &s, W, b);
  dd_teacher_backward (t, &s, dW, db);
  for (int k = 0; k < 9; k++)
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
  const int C = o->teacher->n_classes;
  double f = 0;

  dd_teacher_forward (o->teacher, o->state, o->W, o->b);
  for (int k = 0; k < C * C; k++)
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
  const size_t C = t->n_classes, CC = C * C, H = t->hidden, F = t->n_features;
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
gradcheck_teacher (DdTeacherKind kind, int C, int hidden, guint64 seed)
{
  g_autoptr(DdTeacher) t = new_teacher (kind, C, hidden, seed);
  g_autofree dd_real *rW = g_new (dd_real, C * C);
  g_autofree dd_real *rb = g_new (dd_real, C);
  g_autofree dd_real *W = g_new (dd_real, C * C);
  g_autofree dd_real *b = g_new (dd_real, C);
  DdTeacherState s;
  DdRng rng;

  /* non-trivial parameters: W₂, θ, U, V, … all away from 0 */
  perturb (t, kind == DD_TEACHER_GATED ? 0.3 : 0.5, seed + 1);
  dd_rng_seed (&rng, seed + 2);
  state_init_random (&s, C, &rng);
  fill_uniform (rW, C * C, -1, 1, seed + 3);
  fill_uniform (rb, C, -1, 1, seed + 4);

  Objective o = { t, &s, rW, rb, W, b };
  dd_teacher_zero_grad (t);
  dd_teacher_backward (t, &s, rW, rb);

  g_autofree double *numeric = g_new (double, t->n_params);
  gradcheck_numeric (numeric, t->params, t->n_params, objective, &o, GRADCHECK_EPS);

  g_autofree char *all = g_strdup_printf ("%s C=%d all", dd_teacher_kind_name (kind), C);
  g_assert_cmpfloat (gradcheck_compare (all, t->grads, numeric, t->n_params), <=, GRADCHECK_TOL);

  View views[8];
  const int n_views = views_of (t, views);
  for (int i = 0; i < n_views; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s C=%d %s", dd_teacher_kind_name (kind), C,
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

  gradcheck_teacher (kind, 4, 0, 100 + 10 * kind);
  gradcheck_teacher (kind, 10, 0, 200 + 10 * kind);
  if (kind == DD_TEACHER_NEURAL)
    gradcheck_teacher (kind, 4, 5, 300);
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
      g_autofree dd_real *dW = g_new (dd_real, C * C);
      g_autofree dd_real *db = g_new (dd_real, C);
      DdTeacherState s;

      perturb (t, 0.4, 79 + ki);
      state_init_random (&s, C, &rng);
      fill_uniform (dW, C * C, -1, 1, 80 + ki);
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
      dd_real W1[16], b1[4], W2[16], b2[4], dW[16], db[4];

      perturb (t, 0.4, 93 + ki);
      state_init_random (&s, C, &rng);
      fill_uniform (dW, 16, -1, 1, 94);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/teacher/names", test_names);
  g_test_add_func ("/teacher/layout", test_layout);
  g_test_add_func ("/teacher/bad-arguments", test_bad_arguments);
  g_test_add_func ("/teacher/initial-identity", test_initial_identity);
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

  return g_test_run ();
}
