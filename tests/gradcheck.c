/* gradcheck.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "gradcheck.h"
#include "dd-rng.h"

#include <math.h>

void
gradcheck_numeric (double *numeric, dd_real *x, size_t n,
                   GradcheckFunc f, gpointer user_data, double eps)
{
  for (size_t i = 0; i < n; i++)
    {
      dd_real saved = x[i];
      x[i] = saved + eps;
      double fp = f (user_data);
      x[i] = saved - eps;
      double fm = f (user_data);
      x[i] = saved;
      numeric[i] = (fp - fm) / (2.0 * eps);
    }
}

static double
largest_abs_d (const double *v, size_t n)
{
  double m = 0.0;
  for (size_t i = 0; i < n; i++)
    m = fmax (m, fabs (v[i]));
  return m;
}

double
gradcheck_compare (const char *name, const dd_real *analytic,
                   const double *numeric, size_t n)
{
  double floor_ = 1e-3 * largest_abs_d (numeric, n);
  double worst = 0.0;
  size_t worst_i = 0;

  if (floor_ == 0.0)
    floor_ = 1e-300;
  for (size_t i = 0; i < n; i++)
    {
      double a = analytic[i], nu = numeric[i];
      double den = fmax (fmax (fabs (a), fabs (nu)), floor_);
      double rel = fabs (a - nu) / den;
      if (!(rel <= worst)) /* also catches NaN */
        {
          worst = isnan (rel) ? INFINITY : rel;
          worst_i = i;
        }
    }
  /* a TAP comment, so it shows in the test log */
  g_test_message ("%-28s max rel err %.3e over %zu values (largest |grad| %.3e, worst at %zu)",
                  name, worst, n, largest_abs_d (numeric, n), worst_i);
  return worst;
}

void
gradcheck_assert (const char *name, const dd_real *analytic, dd_real *x,
                  size_t n, GradcheckFunc f, gpointer user_data, double tol)
{
  g_autofree double *numeric = g_new0 (double, n);

  gradcheck_numeric (numeric, x, n, f, user_data, GRADCHECK_EPS);
  g_assert_cmpfloat (largest_abs_d (numeric, n), >, 0.0);
  g_assert_cmpfloat (gradcheck_compare (name, analytic, numeric, n), <=, tol);
}

double
max_rel_diff (const dd_real *a, const dd_real *b, size_t n)
{
  double big = 0.0, worst = 0.0;

  for (size_t i = 0; i < n; i++)
    big = fmax (big, fmax (fabs ((double) a[i]), fabs ((double) b[i])));
  double floor_ = big > 0.0 ? 1e-3 * big : 1e-300;
  for (size_t i = 0; i < n; i++)
    {
      double den = fmax (fmax (fabs ((double) a[i]), fabs ((double) b[i])), floor_);
      double rel = fabs ((double) a[i] - (double) b[i]) / den;
      if (!(rel <= worst))
        worst = isnan (rel) ? INFINITY : rel;
    }
  return worst;
}

void
fill_uniform (dd_real *x, size_t n, double lo, double hi, guint64 seed)
{
  DdRng rng;

  dd_rng_seed (&rng, seed);
  for (size_t i = 0; i < n; i++)
    x[i] = (dd_real) (lo + (hi - lo) * dd_rng_uniform (&rng));
}

dd_real *
new_normal (size_t n, double sd, guint64 seed)
{
  DdRng rng;
  dd_real *x = g_new (dd_real, n);

  dd_rng_seed (&rng, seed);
  for (size_t i = 0; i < n; i++)
    x[i] = (dd_real) (sd * dd_rng_normal (&rng));
  return x;
}

int *
new_labels (int B, int C, guint64 seed)
{
  DdRng rng;
  int *y = g_new (int, B);

  dd_rng_seed (&rng, seed);
  for (int i = 0; i < B; i++)
    y[i] = (int) dd_rng_below (&rng, (guint32) C);
  return y;
}
