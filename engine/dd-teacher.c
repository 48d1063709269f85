/* dd-teacher.c: the fixed, gated and neural teachers of dd-teacher.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each teacher is a forward / backward pair over one flat parameter array.
 * Forward writes Φ = (W, b); backward recomputes the little it needs of the
 * forward pass (the gate, or the hidden activations) and ADDS (∂Φ/∂θ)ᵀ·(dW, db)
 * into teacher->grads. Arithmetic is in double whatever dd_real is; the
 * teachers are small next to the student, so the loops are plain.
 *
 * Parameter layout (C classes, F = 5 + 2C features, H hidden units; every
 * matrix row-major):
 *   fixed   W (C, C) | b (C)
 *   gated   W (C, C) | b (C) | W₂ (C, C) | gate (θ₀, θ₁, β)
 *   neural  A (H, F) | a₀ (H) | U (C·C, H) | u₀ (C·C) | V (C, H) | v₀ (C)
 * Row k = j·C + y of U and u₀ belongs to W[j, y].
 *
 * Input scaling (the neural teacher's features, dd_teacher_features): the
 * proportions (progress, errors, per-class accuracy) are in [0, 1] and the
 * per-class margins in [−1, 1], so they are used as they are. The training
 * loss is not bounded (cross-entropy starts at log C, the DLF losses are
 * negative), so it enters as asinh(loss): about the loss itself near 0,
 * logarithmic in its size beyond 1, and odd so negative losses keep their
 * sign. A feature that is not finite (a diverged loss, say) enters as 0, and
 * a missing per-class array (NULL, before the first dev evaluation) as zeros,
 * so that a bad state cannot turn the teacher's parameters into NaN through
 * their gradients.
 *
 * The gated teacher uses its two inputs unscaled, as docs/method.md §3 defines
 * them: iter_t = progress, err_t = 10 × batch error. 2σ(z) − 1 is computed
 * as tanh(z / 2), which is the same function and never overflows.
 */
#include "dd-teacher.h"
#include "dd-rng.h"

#include <math.h>
#include <string.h>

#define MAX_CLASSES      1000
#define MAX_HIDDEN       4096
/* U alone is C²·H values: cap the total so that a large C with many hidden
 * units is refused with a message instead of exhausting memory */
#define MAX_PARAMS       ((size_t) 1 << 26)

/* the gated teacher's inputs, as docs/method.md §3 scales them */
#define GATE_ERROR_SCALE 10.0

gboolean
dd_teacher_kind_parse (const char *name, DdTeacherKind *out)
{
  if (g_strcmp0 (name, "fixed") == 0)
    *out = DD_TEACHER_FIXED;
  else if (g_strcmp0 (name, "gated") == 0)
    *out = DD_TEACHER_GATED;
  else if (g_strcmp0 (name, "neural") == 0)
    *out = DD_TEACHER_NEURAL;
  else
    return FALSE;
  return TRUE;
}

const char *
dd_teacher_kind_name (DdTeacherKind kind)
{
  switch (kind)
    {
    case DD_TEACHER_FIXED:
      return "fixed";
    case DD_TEACHER_GATED:
      return "gated";
    case DD_TEACHER_NEURAL:
      return "neural";
    default:
      g_return_val_if_reached (NULL);
    }
}

int
dd_teacher_n_features (int n_classes)
{
  return 5 + 2 * n_classes;
}

static double
finite_or_zero (double x)
{
  return isfinite (x) ? x : 0.0;
}

void
dd_teacher_features (const DdTeacherState *state, double *features)
{
  g_return_if_fail (state != NULL && features != NULL);
  g_return_if_fail (state->n_classes >= 0);

  const int C = state->n_classes;

  features[0] = finite_or_zero (state->progress);
  features[1] = finite_or_zero (state->batch_error);
  features[2] = finite_or_zero (asinh (state->train_loss));
  features[3] = finite_or_zero (state->train_error);
  features[4] = finite_or_zero (state->dev_error);
  for (int c = 0; c < C; c++)
    {
      features[5 + c] = state->class_accuracy ? finite_or_zero (state->class_accuracy[c]) : 0.0;
      features[5 + C + c] = state->class_margin ? finite_or_zero (state->class_margin[c]) : 0.0;
    }
}

/* ---------------------------------------------------------------------- */
/* construction */

static gboolean
check_kind (DdTeacherKind kind)
{
  return kind == DD_TEACHER_FIXED || kind == DD_TEACHER_GATED || kind == DD_TEACHER_NEURAL;
}

/* Offsets and n_params for kind, C and hidden; FALSE when too large. The
 * count is in 64 bits so that it cannot wrap where size_t has 32. */
static gboolean
lay_out (DdTeacher *t, guint64 *n_out)
{
  const guint64 C = (guint64) t->n_classes, CC = (guint64) t->n_rows * C;
  guint64 n = 0;

  switch (t->kind)
    {
    case DD_TEACHER_FIXED:
      t->off_W = n;  n += CC;
      t->off_b = n;  n += C;
      break;
    case DD_TEACHER_GATED:
      t->off_W = n;    n += CC;
      t->off_b = n;    n += C;
      t->off_W2 = n;   n += CC;
      t->off_gate = n; n += 3;
      break;
    case DD_TEACHER_NEURAL:
      {
        const guint64 F = (guint64) t->n_features, H = (guint64) t->hidden;
        t->off_A = n;  n += H * F;
        t->off_a0 = n; n += H;
        t->off_U = n;  n += CC * H;
        t->off_u0 = n; n += CC;
        t->off_V = n;  n += C * H;
        t->off_v0 = n; n += C;
      }
      break;
    default:
      g_assert_not_reached ();
    }
  *n_out = n;
  if (n > MAX_PARAMS)
    return FALSE;
  t->n_params = (size_t) n;
  return TRUE;
}

static double
uniform_pm (DdRng *rng, double r)
{
  return r * (2.0 * dd_rng_uniform (rng) - 1.0);
}

static void
init_params (DdTeacher *t, DdRng *rng)
{
  const int C = t->n_classes;
  const size_t RC = (size_t) t->n_rows * C;
  dd_real *p = t->params;

  /* everything not set below starts at 0 (params come from g_try_malloc0) */
  switch (t->kind)
    {
    case DD_TEACHER_FIXED:
      memcpy (p + t->off_W, t->base, sizeof (dd_real) * RC);
      break;
    case DD_TEACHER_GATED:
      {
        dd_real *gate = p + t->off_gate;
        gate[2] = 1;  /* β */
        const double h = tanh (0.5 * gate[2]);
        for (size_t k = 0; k < RC; k++)
          {
            p[t->off_W2 + k] = (dd_real) uniform_pm (rng, DD_TEACHER_INIT_SCALE);
            p[t->off_W + k] = (dd_real) (t->base[k] - h * p[t->off_W2 + k]);
          }
      }
      break;
    case DD_TEACHER_NEURAL:
      {
        /* mirrored pairs (i, i + H/2); an odd last unit joins the first pair
         * as a triple with the same input row and output weights u, v − u, −v */
        const int F = t->n_features, H = t->hidden, half = H / 2;
        const double r = sqrt (6.0 / (double) (F + H));
        for (int h = 0; h < half; h++)
          for (int i = 0; i < F; i++)
            {
              dd_real a = (dd_real) uniform_pm (rng, r);
              p[t->off_A + (size_t) h * F + i] = a;
              p[t->off_A + (size_t) (h + half) * F + i] = a;
            }
        if (H % 2)
          for (int i = 0; i < F; i++)
            p[t->off_A + (size_t) (H - 1) * F + i] = p[t->off_A + i];
        for (size_t k = 0; k < RC + (size_t) C; k++)
          {
            dd_real *row = k < RC ? p + t->off_U + k * H : p + t->off_V + (k - RC) * H;
            for (int h = 0; h < half; h++)
              {
                row[h] = (dd_real) uniform_pm (rng, DD_TEACHER_INIT_SCALE);
                row[h + half] = -row[h];
              }
            if (H % 2 && half > 0)
              {
                const dd_real v = (dd_real) uniform_pm (rng, DD_TEACHER_INIT_SCALE);
                row[half] += v;
                row[H - 1] = -v;
              }
          }
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

DdTeacher *
dd_teacher_new (DdTeacherKind kind, int n_classes, int hidden, DdRng *rng, GError **error)
{
  return dd_teacher_new_shaped (kind, DD_PHI_CLASSES, n_classes, hidden, rng, error);
}

DdTeacher *
dd_teacher_new_shaped (DdTeacherKind kind, DdPhiShape shape, int n_classes, int hidden,
                       DdRng *rng, GError **error)
{
  return dd_teacher_new_full (kind, shape, NULL, n_classes, hidden, rng, error);
}

DdTeacher *
dd_teacher_new_full (DdTeacherKind kind, DdPhiShape shape, const DdPhiStart *start,
                     int n_classes, int hidden, DdRng *rng, GError **error)
{
  g_autoptr(DdTeacher) t = NULL;
  guint64 n_params;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_kind (kind))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "unknown teacher kind %d: expected fixed, gated or neural", (int) kind);
      return NULL;
    }
  if (n_classes < 2 || n_classes > MAX_CLASSES)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "a teacher needs from 2 to %d classes, not %d", MAX_CLASSES, n_classes);
      return NULL;
    }
  if (kind == DD_TEACHER_NEURAL && hidden > MAX_HIDDEN)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "the neural teacher has at most %d hidden units, not %d", MAX_HIDDEN, hidden);
      return NULL;
    }
  if (start != NULL && start->form != DD_PHI_PAPER &&
      !(start->epsilon > 0.0 && start->epsilon <= 100.0))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "the loss's starting scale ε₀ = %g: must be in (0, 100]", start->epsilon);
      return NULL;
    }
  g_return_val_if_fail (kind == DD_TEACHER_FIXED || rng != NULL, NULL);

  t = g_new0 (DdTeacher, 1);
  t->kind = kind;
  t->shape = shape == DD_PHI_BUCKETS ? DD_PHI_BUCKETS : DD_PHI_CLASSES;
  t->n_classes = n_classes;
  t->n_rows = dd_phi_rows (t->shape, n_classes);
  t->start = start != NULL ? *start : dd_phi_start_default ();
  if (kind == DD_TEACHER_NEURAL)
    {
      t->n_features = dd_teacher_n_features (n_classes);
      t->hidden = hidden > 0 ? hidden : DD_TEACHER_DEFAULT_HIDDEN;
    }
  if (!lay_out (t, &n_params))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "a %s teacher for %d classes with %d hidden units would have "
                   "%" G_GUINT64_FORMAT " parameters; the limit is %zu: use fewer hidden units",
                   dd_teacher_kind_name (kind), n_classes, t->hidden, n_params, MAX_PARAMS);
      return NULL;
    }
  t->params = g_try_malloc0_n (t->n_params, sizeof (dd_real));
  t->grads = g_try_malloc0_n (t->n_params, sizeof (dd_real));
  if (t->params == NULL || t->grads == NULL)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "not enough memory for a teacher with %zu parameters", t->n_params);
      return NULL;
    }
  t->base = g_new (dd_real, (size_t) t->n_rows * n_classes);
  dd_phi_initial (t->shape, &t->start, n_classes, t->base, NULL);
  init_params (t, rng);
  return g_steal_pointer (&t);
}

DdTeacher *
dd_teacher_copy (const DdTeacher *teacher)
{
  g_return_val_if_fail (teacher != NULL, NULL);

  DdTeacher *copy = g_memdup2 (teacher, sizeof *teacher);

  copy->params = g_memdup2 (teacher->params, sizeof (dd_real) * teacher->n_params);
  copy->grads = g_memdup2 (teacher->grads, sizeof (dd_real) * teacher->n_params);
  copy->base = g_memdup2 (teacher->base, sizeof (dd_real) * (size_t) teacher->n_rows * teacher->n_classes);
  return copy;
}

void
dd_teacher_free (DdTeacher *teacher)
{
  if (teacher == NULL)
    return;
  g_free (teacher->params);
  g_free (teacher->grads);
  g_free (teacher->base);
  g_free (teacher);
}

void
dd_teacher_zero_grad (DdTeacher *teacher)
{
  g_return_if_fail (teacher != NULL);

  memset (teacher->grads, 0, sizeof (dd_real) * teacher->n_params);
}

gboolean
dd_teacher_params_finite (const DdTeacher *teacher)
{
  g_return_val_if_fail (teacher != NULL, FALSE);

  for (size_t i = 0; i < teacher->n_params; i++)
    if (!isfinite (teacher->params[i]))
      return FALSE;
  return TRUE;
}

DdParamGroup
dd_teacher_param_group (const DdTeacher *t, size_t i)
{
  const size_t C = (size_t) t->n_classes, RC = (size_t) t->n_rows * C;
  const size_t S = (size_t) dd_phi_scale_row (t->shape, t->n_classes);
  size_t k;  /* the entry of the W block a parameter belongs to */

  g_return_val_if_fail (i < t->n_params, DD_PARAM_INTERNAL);
  switch (t->kind)
    {
    case DD_TEACHER_FIXED:
    case DD_TEACHER_GATED:
      if (i >= t->off_W && i < t->off_W + RC)
        k = i - t->off_W;
      else if (t->kind == DD_TEACHER_GATED && i >= t->off_W2 && i < t->off_W2 + RC)
        k = i - t->off_W2;
      else if (i >= t->off_b && i < t->off_b + C)
        return DD_PARAM_BIAS;
      else
        return DD_PARAM_INTERNAL;
      break;
    case DD_TEACHER_NEURAL:
      if (i >= t->off_U && i < t->off_U + RC * t->hidden)
        k = (i - t->off_U) / t->hidden;
      else if (i >= t->off_u0 && i < t->off_u0 + RC)
        k = i - t->off_u0;
      else if (i >= t->off_V && i < t->off_v0 + C)
        return DD_PARAM_BIAS;
      else
        return DD_PARAM_INTERNAL;
      break;
    default:
      g_return_val_if_reached (DD_PARAM_INTERNAL);
    }
  return k / C == S ? DD_PARAM_SCALE : DD_PARAM_W;
}

/* ---------------------------------------------------------------------- */
/* gated: h = 2σ(z) − 1 = tanh(z / 2), z = θ₀·iter + θ₁·err + β */

static double
gate_input (const DdTeacherState *state, int i)
{
  return i == 0 ? state->progress : GATE_ERROR_SCALE * state->batch_error;
}

static double
gate_value (const DdTeacher *t, const DdTeacherState *state)
{
  const dd_real *g = t->params + t->off_gate;
  double z = g[0] * gate_input (state, 0) + g[1] * gate_input (state, 1) + g[2];

  return tanh (0.5 * z);
}

/* ---------------------------------------------------------------------- */
/* neural: a = tanh(A·f + a₀), W = W₀ + U·a + u₀, b = V·a + v₀ */

/* f (F) and a (H) of the state; scratch for both comes from the caller */
static void
neural_hidden (const DdTeacher *t, const DdTeacherState *state, double *f, double *a)
{
  const int F = t->n_features, H = t->hidden;
  const dd_real *A = t->params + t->off_A, *a0 = t->params + t->off_a0;

  dd_teacher_features (state, f);
  for (int h = 0; h < H; h++)
    {
      const dd_real *row = A + (size_t) h * F;
      double s = a0[h];
      for (int i = 0; i < F; i++)
        s += row[i] * f[i];
      a[h] = tanh (s);
    }
}

/* ---------------------------------------------------------------------- */
/* forward / backward */

void
dd_teacher_forward (const DdTeacher *teacher, const DdTeacherState *state,
                    dd_real *W, dd_real *b)
{
  g_return_if_fail (teacher != NULL && W != NULL && b != NULL);
  g_return_if_fail (teacher->kind == DD_TEACHER_FIXED ||
                    (state != NULL && state->n_classes == teacher->n_classes));

  const int C = teacher->n_classes;
  const size_t CC = (size_t) teacher->n_rows * C;
  const dd_real *p = teacher->params;

  switch (teacher->kind)
    {
    case DD_TEACHER_FIXED:
      memcpy (W, p + teacher->off_W, sizeof (dd_real) * CC);
      memcpy (b, p + teacher->off_b, sizeof (dd_real) * C);
      break;

    case DD_TEACHER_GATED:
      {
        const double h = gate_value (teacher, state);
        const dd_real *W0 = p + teacher->off_W, *W2 = p + teacher->off_W2;
        for (size_t k = 0; k < CC; k++)
          W[k] = (dd_real) (W0[k] + h * W2[k]);
        memcpy (b, p + teacher->off_b, sizeof (dd_real) * C);
      }
      break;

    case DD_TEACHER_NEURAL:
      {
        const int H = teacher->hidden;
        const dd_real *U = p + teacher->off_U, *u0 = p + teacher->off_u0;
        const dd_real *V = p + teacher->off_V, *v0 = p + teacher->off_v0;
        g_autofree double *f = g_new (double, teacher->n_features + H);
        double *a = f + teacher->n_features;

        neural_hidden (teacher, state, f, a);
        for (size_t k = 0; k < CC; k++)
          {
            const dd_real *row = U + k * H;
            /* the initial point is added last so that U·a + u₀ = 0 gives it exactly */
            double s = u0[k];
            for (int h = 0; h < H; h++)
              s += row[h] * a[h];
            s += teacher->base[k];
            W[k] = (dd_real) s;
          }
        for (int c = 0; c < C; c++)
          {
            const dd_real *row = V + (size_t) c * H;
            double s = v0[c];
            for (int h = 0; h < H; h++)
              s += row[h] * a[h];
            b[c] = (dd_real) s;
          }
      }
      break;

    default:
      g_return_if_reached ();
    }
}

void
dd_teacher_backward (DdTeacher *teacher, const DdTeacherState *state,
                     const dd_real *dW, const dd_real *db)
{
  g_return_if_fail (teacher != NULL && dW != NULL && db != NULL);
  g_return_if_fail (teacher->kind == DD_TEACHER_FIXED ||
                    (state != NULL && state->n_classes == teacher->n_classes));

  const int C = teacher->n_classes;
  const size_t CC = (size_t) teacher->n_rows * C;
  const dd_real *p = teacher->params;
  dd_real *g = teacher->grads;

  switch (teacher->kind)
    {
    case DD_TEACHER_FIXED:
      for (size_t k = 0; k < CC; k++)
        g[teacher->off_W + k] += dW[k];
      for (int c = 0; c < C; c++)
        g[teacher->off_b + c] += db[c];
      break;

    case DD_TEACHER_GATED:
      {
        /* W_t = W + h·W₂: dW goes to W as it is, h·dW to W₂, and dW·W₂ to h */
        const double h = gate_value (teacher, state);
        const dd_real *W2 = p + teacher->off_W2;
        dd_real *gW = g + teacher->off_W, *gW2 = g + teacher->off_W2;
        double dh = 0;

        for (size_t k = 0; k < CC; k++)
          {
            gW[k] += dW[k];
            gW2[k] += (dd_real) (h * dW[k]);
            dh += (double) dW[k] * W2[k];
          }
        for (int c = 0; c < C; c++)
          g[teacher->off_b + c] += db[c];

        /* d tanh(z/2) / dz = (1 − h²) / 2 */
        const double dz = dh * 0.5 * (1.0 - h * h);
        dd_real *gg = g + teacher->off_gate;
        gg[0] += (dd_real) (dz * gate_input (state, 0));
        gg[1] += (dd_real) (dz * gate_input (state, 1));
        gg[2] += (dd_real) dz;
      }
      break;

    case DD_TEACHER_NEURAL:
      {
        const int F = teacher->n_features, H = teacher->hidden;
        const dd_real *U = p + teacher->off_U, *V = p + teacher->off_V;
        dd_real *gA = g + teacher->off_A, *ga0 = g + teacher->off_a0;
        dd_real *gU = g + teacher->off_U, *gu0 = g + teacher->off_u0;
        dd_real *gV = g + teacher->off_V, *gv0 = g + teacher->off_v0;
        g_autofree double *f = g_new (double, F + 2 * H);
        double *a = f + F, *da = a + H;

        neural_hidden (teacher, state, f, a);
        memset (da, 0, sizeof (double) * H);

        /* output layers, in reverse: b = V·a + v₀, W = W₀ + U·a + u₀ */
        for (int c = 0; c < C; c++)
          {
            const double d = db[c];
            const dd_real *row = V + (size_t) c * H;
            dd_real *grow = gV + (size_t) c * H;
            gv0[c] += db[c];
            for (int h = 0; h < H; h++)
              {
                grow[h] += (dd_real) (d * a[h]);
                da[h] += d * row[h];
              }
          }
        for (size_t k = 0; k < CC; k++)
          {
            const double d = dW[k];
            const dd_real *row = U + k * H;
            dd_real *grow = gU + k * H;
            gu0[k] += dW[k];
            for (int h = 0; h < H; h++)
              {
                grow[h] += (dd_real) (d * a[h]);
                da[h] += d * row[h];
              }
          }

        /* hidden layer: a = tanh(A·f + a₀) */
        for (int h = 0; h < H; h++)
          {
            const double ds = da[h] * (1.0 - a[h] * a[h]);
            dd_real *grow = gA + (size_t) h * F;
            ga0[h] += (dd_real) ds;
            for (int i = 0; i < F; i++)
              grow[i] += (dd_real) (ds * f[i]);
          }
      }
      break;

    default:
      g_return_if_reached ();
    }
}
