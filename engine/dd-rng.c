/* dd-rng.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-rng.h"

#include <math.h>

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

guint64
dd_rng_mix (guint64 z)
{
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static guint64
splitmix64 (guint64 *x)
{
  return dd_rng_mix (*x += 0x9e3779b97f4a7c15ULL);
}

void
dd_rng_seed (DdRng *rng, guint64 seed)
{
  guint64 x = seed;
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

guint64
dd_rng_next (DdRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
dd_rng_uniform (DdRng *rng)
{
  return (double) (dd_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
dd_rng_normal (DdRng *rng)
{
  double u1 = 1.0 - dd_rng_uniform (rng); /* (0, 1] so the log is finite */
  double u2 = dd_rng_uniform (rng);
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

guint32
dd_rng_below (DdRng *rng, guint32 n)
{
  /* Lemire's multiply-and-reject method: unbiased and almost always one draw */
  guint64 m = (guint64) (guint32) (dd_rng_next (rng) >> 32) * n;
  guint32 low = (guint32) m;
  if (low < n)
    {
      guint32 threshold = -n % n;
      while (low < threshold)
        {
          m = (guint64) (guint32) (dd_rng_next (rng) >> 32) * n;
          low = (guint32) m;
        }
    }
  return (guint32) (m >> 32);
}

void
dd_rng_shuffle (DdRng *rng, int *idx, int n)
{
  for (int i = n - 1; i > 0; i--)
    {
      int j = (int) dd_rng_below (rng, (guint32) i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
}
