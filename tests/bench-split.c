/* bench-split.c: how much two threads can gain on a batch-20 MLP step
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `meson test --benchmark split -v` (or bench-split [BATCH] [STEPS]).
 *
 * The MLP student (784-500-10, ReLU, softmax cross-entropy, SGD with
 * momentum) at batch 20 stays on one thread at --threads 2, because a split
 * of its batch makes each worker write and then sum a whole gradient
 * (docs/speed.md, "Split only what pays"). The other way to use two cores is
 * to split the first layer's units: each thread owns half of W1's rows, so
 * its forward product, its weight gradient and its share of the update need
 * no sum. This program measures the most that split can give, without the
 * engine around it: the step's products and update on one thread, against
 * the same work with W1's rows halved between two threads that meet at two
 * spinning barriers (the second layer and the loss on one thread between
 * them), and the same split run by two fork-joins of the engine's own pool
 * (dd-workers.h, whose threads sleep on a condition variable). All use
 * OpenBLAS at one thread; the ratios are of medians over STEPS steps, in
 * alternating blocks so that the machine's drift falls on all three.
 *
 * It prints one line per figure; it asserts nothing (a benchmark).
 */
#include "dd-workers.h"

#include <glib.h>
#include <cblas.h>
#undef I

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { IN = 784, HID = 500, OUT = 10 };

typedef struct {
  int    B;
  float *x, *w1, *v1, *b1, *z1, *dz1, *gw1, *w2, *z2, *dz2, *gw2, *da1;
  int   *y;
  /* two threads */
  gint   arrived[2];      /* barrier counters, one per barrier of a step */
  gint   generation;      /* bumped by the main thread at a step's start */
  gint   stop;
} Mlp;

static float *
randn (size_t n, float scale, GRand *r)
{
  float *v = g_new (float, n);

  for (size_t i = 0; i < n; i++)
    v[i] = (float) (g_rand_double_range (r, -1, 1) * scale);
  return v;
}

/* rows [r0, r1) of layer 1: z1 = relu (x·W1ᵀ + b1) */
static void
forward_rows (Mlp *m, int r0, int r1)
{
  const int B = m->B, n = r1 - r0;

  for (int i = 0; i < B; i++)
    memcpy (m->z1 + (size_t) i * HID + r0, m->b1 + r0, n * sizeof (float));
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, B, n, IN, 1, m->x, IN,
               m->w1 + (size_t) r0 * IN, IN, 1, m->z1 + r0, HID);
  for (int i = 0; i < B; i++)
    for (int j = r0; j < r1; j++)
      if (m->z1[(size_t) i * HID + j] < 0)
        m->z1[(size_t) i * HID + j] = 0;
}

/* layer 2 and the loss's gradient, whole: da1 = dz2·W2 */
static void
middle (Mlp *m)
{
  const int B = m->B;

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, B, OUT, HID, 1, m->z1, HID, m->w2, HID,
               0, m->z2, OUT);
  for (int i = 0; i < B; i++)
    {
      float *z = m->z2 + (size_t) i * OUT, mx = z[0], s = 0;
      for (int c = 1; c < OUT; c++)
        mx = fmaxf (mx, z[c]);
      for (int c = 0; c < OUT; c++)
        s += z[c] = expf (z[c] - mx);
      for (int c = 0; c < OUT; c++)
        m->dz2[(size_t) i * OUT + c] = (z[c] / s - (c == m->y[i])) / B;
    }
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, OUT, HID, B, 1, m->dz2, OUT, m->z1, HID,
               0, m->gw2, HID);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, B, HID, OUT, 1, m->dz2, OUT, m->w2, HID,
               0, m->da1, HID);
}

/* rows [r0, r1) of layer 1 backward and their momentum update */
static void
backward_rows (Mlp *m, int r0, int r1)
{
  const int B = m->B, n = r1 - r0;

  for (int i = 0; i < B; i++)
    for (int j = r0; j < r1; j++)
      {
        const size_t k = (size_t) i * HID + j;
        m->dz1[k] = m->z1[k] > 0 ? m->da1[k] : 0;
      }
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, n, IN, B, 1, m->dz1 + r0, HID, m->x, IN,
               0, m->gw1 + (size_t) r0 * IN, IN);
  float *restrict w = m->w1 + (size_t) r0 * IN, *restrict v = m->v1 + (size_t) r0 * IN;
  const float *restrict g = m->gw1 + (size_t) r0 * IN;
  for (size_t k = 0; k < (size_t) n * IN; k++)
    {
      v[k] = 0.9f * v[k] + g[k];
      w[k] -= 0.01f * v[k];
    }
}

static void
step_serial (Mlp *m)
{
  forward_rows (m, 0, HID);
  middle (m);
  backward_rows (m, 0, HID);
}

/* spin until both threads have arrived at barrier b of generation gen */
static void
barrier (Mlp *m, int b, int gen)
{
  const int target = 2 * gen;

  g_atomic_int_inc (&m->arrived[b]);
  while (g_atomic_int_get (&m->arrived[b]) < target)
    ;
}

static gpointer
helper (gpointer data)
{
  Mlp *m = data;
  int seen = 0;

  for (;;)
    {
      int gen;
      while ((gen = g_atomic_int_get (&m->generation)) == seen && !g_atomic_int_get (&m->stop))
        ;
      if (g_atomic_int_get (&m->stop))
        return NULL;
      seen = gen;
      forward_rows (m, HID / 2, HID);
      barrier (m, 0, gen);
      barrier (m, 1, gen);  /* the main thread ran the middle */
      backward_rows (m, HID / 2, HID);
      g_atomic_int_inc (&m->arrived[1]);  /* done: the third meeting */
    }
}

static void
step_split (Mlp *m, int gen)
{
  g_atomic_int_set (&m->generation, gen);
  forward_rows (m, 0, HID / 2);
  barrier (m, 0, gen);
  middle (m);
  barrier (m, 1, gen);
  backward_rows (m, 0, HID / 2);
  /* wait for the helper's half: arrived[1] reaches 2·gen + 1 */
  while (g_atomic_int_get (&m->arrived[1]) < 2 * gen + 1)
    ;
  /* the next generation's second barrier counts from 2·(gen + 1): take the
   * helper's extra arrival back */
  g_atomic_int_add (&m->arrived[1], -1);
}

static void
pool_forward (int w, gpointer data)
{
  forward_rows (data, w * (HID / 2), (w + 1) * (HID / 2));
}

static void
pool_backward (int w, gpointer data)
{
  backward_rows (data, w * (HID / 2), (w + 1) * (HID / 2));
}

static void
step_pool (Mlp *m, DdWorkers *pool)
{
  dd_workers_run (pool, 2, pool_forward, m);
  middle (m);
  dd_workers_run (pool, 2, pool_backward, m);
}

static double
median (double *v, int n)
{
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && v[j] < v[j - 1]; j--)
      {
        double t = v[j];
        v[j] = v[j - 1];
        v[j - 1] = t;
      }
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main (int argc, char **argv)
{
  const int B = argc > 1 ? atoi (argv[1]) : 20;
  const int steps = argc > 2 ? atoi (argv[2]) : 4000;
  const int block = 200, blocks = MAX (steps / block, 1);
  GRand *r = g_rand_new_with_seed (1);
  Mlp m = { .B = B };

  if (B < 1 || steps < 1)
    {
      fprintf (stderr, "usage: bench-split [BATCH ≥ 1] [STEPS ≥ 1]\n");
      return 2;
    }
  openblas_set_num_threads (1);
  m.x = randn ((size_t) B * IN, 1, r);
  m.w1 = randn ((size_t) HID * IN, 0.05f, r);
  m.v1 = g_new0 (float, (size_t) HID * IN);
  m.b1 = g_new0 (float, HID);
  m.z1 = g_new (float, (size_t) B * HID);
  m.dz1 = g_new (float, (size_t) B * HID);
  m.da1 = g_new (float, (size_t) B * HID);
  m.gw1 = g_new (float, (size_t) HID * IN);
  m.w2 = randn ((size_t) OUT * HID, 0.05f, r);
  m.z2 = g_new (float, (size_t) B * OUT);
  m.dz2 = g_new (float, (size_t) B * OUT);
  m.gw2 = g_new (float, (size_t) OUT * HID);
  m.y = g_new (int, B);
  for (int i = 0; i < B; i++)
    m.y[i] = g_rand_int_range (r, 0, OUT);

  g_autoptr(DdWorkers) pool = dd_workers_new (2);
  g_autofree double *one = g_new (double, blocks), *two = g_new (double, blocks);
  g_autofree double *three = g_new (double, blocks);
  int gen = 0;

  for (int k = -1; k < blocks; k++)  /* block −1: a warm-up */
    {
      /* the spinning helper lives for its own block only, so that it
       * never spins while the others run */
      m.stop = 0;
      GThread *t = g_thread_new ("split", helper, &m);
      gint64 t0 = g_get_monotonic_time ();
      for (int i = 0; i < block; i++)
        step_split (&m, ++gen);
      gint64 t1 = g_get_monotonic_time ();
      g_atomic_int_set (&m.stop, 1);
      g_thread_join (t);
      gint64 t2 = g_get_monotonic_time ();
      for (int i = 0; i < block; i++)
        step_serial (&m);
      gint64 t3 = g_get_monotonic_time ();
      for (int i = 0; i < block; i++)
        step_pool (&m, pool);
      gint64 t4 = g_get_monotonic_time ();
      if (k < 0)
        continue;
      two[k] = (t1 - t0) / 1e3 / block;
      one[k] = (t3 - t2) / 1e3 / block;
      three[k] = (t4 - t3) / 1e3 / block;
    }

  const double flops = 2.0 * B * IN * HID * 2 + 2.0 * B * HID * OUT * 3;
  const double a = median (one, blocks), b = median (two, blocks), c = median (three, blocks);
  printf ("MLP %d-%d-%d step at batch %d, products and momentum update, %d blocks of %d steps "
          "(medians of the blocks):\n", IN, HID, OUT, B, blocks, block);
  printf ("one thread:                        %.4f ms (%.1f GFLOP/s)\n", a, flops / a / 1e6);
  printf ("W1's rows halved over two threads: %.4f ms (%.1f GFLOP/s)\n", b, flops / b / 1e6);
  printf ("the same split on the engine's pool: %.4f ms (%.1f GFLOP/s)\n", c, flops / c / 1e6);
  printf ("two threads / one: %.2f× spinning, %.2f× on the pool\n", a / b, a / c);
  g_rand_free (r);
  return 0;
}
