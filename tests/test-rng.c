/* test-rng.c: the random number generator is reproducible, uniform and unbiased
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-rng.h"

#include <math.h>

static void
test_reproducible (void)
{
  DdRng a, b, c;

  dd_rng_seed (&a, 42);
  dd_rng_seed (&b, 42);
  dd_rng_seed (&c, 43);
  gboolean differs = FALSE;
  for (int i = 0; i < 1000; i++)
    {
      guint64 x = dd_rng_next (&a);
      g_assert_cmpuint (x, ==, dd_rng_next (&b));
      differs |= x != dd_rng_next (&c);
    }
  g_assert_true (differs);
  /* a copy of the state continues the same stream (what a fork relies on) */
  DdRng copy = a;
  for (int i = 0; i < 10; i++)
    g_assert_cmpuint (dd_rng_next (&a), ==, dd_rng_next (&copy));
}

static void
test_moments (void)
{
  DdRng rng;
  const int n = 200000;
  double su = 0, su2 = 0, sn = 0, sn2 = 0;

  dd_rng_seed (&rng, 7);
  for (int i = 0; i < n; i++)
    {
      double u = dd_rng_uniform (&rng), z = dd_rng_normal (&rng);
      g_assert_true (u >= 0.0 && u < 1.0);
      su += u;
      su2 += u * u;
      sn += z;
      sn2 += z * z;
    }
  /* standard errors: uniform mean 0.29/√n ≈ 6.5e-4, normal mean 1/√n ≈ 2.2e-3 */
  g_assert_cmpfloat (fabs (su / n - 0.5), <, 4e-3);
  g_assert_cmpfloat (fabs (su2 / n - 1.0 / 3.0), <, 4e-3);
  g_assert_cmpfloat (fabs (sn / n), <, 1.2e-2);
  g_assert_cmpfloat (fabs (sn2 / n - 1.0), <, 2e-2);
}

static void
test_below_and_shuffle (void)
{
  DdRng rng;
  int counts[7] = { 0 };
  int idx[50], seen[50] = { 0 };

  dd_rng_seed (&rng, 3);
  for (int i = 0; i < 70000; i++)
    counts[dd_rng_below (&rng, 7)]++;
  for (int k = 0; k < 7; k++) /* expected 10000, sd ≈ 93 */
    g_assert_cmpint (abs (counts[k] - 10000), <, 500);

  for (int i = 0; i < 50; i++)
    idx[i] = i;
  dd_rng_shuffle (&rng, idx, 50);
  int moved = 0;
  for (int i = 0; i < 50; i++)
    {
      seen[idx[i]]++;
      moved += idx[i] != i;
    }
  for (int i = 0; i < 50; i++)
    g_assert_cmpint (seen[i], ==, 1);
  g_assert_cmpint (moved, >, 40);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rng/reproducible", test_reproducible);
  g_test_add_func ("/rng/moments", test_moments);
  g_test_add_func ("/rng/below-and-shuffle", test_below_and_shuffle);
  return g_test_run ();
}
