/* dd-bench.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-bench.h"
#include "dd-dataset.h"
#include "dd-kernels.h"
#include "dd-run.h"

#include <cblas.h>
#include <time.h>

#ifdef DD_DOUBLE
# define gemm cblas_dgemm
#else
# define gemm cblas_sgemm
#endif

const char *
dd_blas_suggest_coretype (void)
{
  const char *core = dd_blas_kernel ();

  if (g_ascii_strcasecmp (core, "Prescott") != 0 && g_ascii_strcasecmp (core, "Core2") != 0 &&
      g_ascii_strcasecmp (core, "Nehalem") != 0)
    return NULL;
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512bw") &&
      __builtin_cpu_supports ("avx512dq") && __builtin_cpu_supports ("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return "Haswell";
#endif
  return NULL;
}

double
dd_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

double
dd_bench_median (double *v, int n)
{
  qsort (v, n, sizeof (double), compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double
dd_bench_gemm_peak (int n, int threads, int reps)
{
  size_t nn = (size_t) n * n;
  g_autofree dd_real *a = g_new (dd_real, nn);
  g_autofree dd_real *b = g_new (dd_real, nn);
  g_autofree dd_real *c = g_new0 (dd_real, nn);
  double best = 0.0;

  for (size_t i = 0; i < nn; i++)
    {
      a[i] = (dd_real) ((i % 17) * 0.01);
      b[i] = (dd_real) ((i % 13) * 0.01);
    }
  dd_set_threads (threads);
  /* one untimed run to warm caches and thread pools */
  gemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
  for (int r = 0; r < reps; r++)
    {
      double t0 = dd_now ();
      gemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
      double dt = dd_now () - t0;
      best = MAX (best, 2.0 * n * (double) nn / dt / 1e9);
    }
  return best;
}

gboolean
dd_bench_train_step (const DdNetSpec *spec, DdDataset *train, int batch,
                     int threads, int steps, int reps,
                     DdStepTiming *out, GError **error)
{
  DdTrainConfig cfg;
  DdData data = { .name = (char *) "bench", .train = train };
  g_autofree double *times = g_new (double, reps);

  dd_train_config_init (&cfg);
  cfg.net = *spec;
  cfg.batch = batch;
  cfg.threads = threads;
  cfg.steps = (gint64) steps * (reps + 1);

  g_autoptr(DdRun) run = dd_run_new (&cfg, &data, error);
  if (run == NULL)
    return FALSE;

  for (int r = -1; r < reps; r++)
    {
      double t0 = dd_now ();
      for (int s = 0; s < steps; s++)
        if (!dd_run_step (run, NULL, error))
          return FALSE;
      if (r >= 0) /* r = −1 warms up */
        times[r] = (dd_now () - t0) / steps;
    }
  out->seconds_median = dd_bench_median (times, reps);
  out->reps = reps;
  out->steps_per_rep = steps;
  out->seconds_min = times[0];
  out->seconds_max = times[reps - 1];
  out->flops = dd_net_step_flops (dd_run_get_net (run), batch);
  out->gflops = out->flops / out->seconds_median / 1e9;
  return TRUE;
}

/* one step on batch k; the loss into *last, and into *first on the first call */
static gboolean
batch_step (DdRun *run, const int *batches, int k, gint64 first_step, double *first,
            double *last, GError **error)
{
  const int B = dd_run_get_config (run)->batch;

  if (!dd_run_step_on (run, batches + (size_t) k * B, last, error))
    return FALSE;
  if (dd_run_get_step (run) == first_step + 1)
    *first = *last;
  return TRUE;
}

gboolean
dd_bench_run_batches (DdRun *run, const int *batches, int n_batches, int warmup, int reps,
                      double *seconds, double *first_loss, double *last_loss, GError **error)
{
  const gint64 first_step = dd_run_get_step (run);

  for (int k = 0; k < warmup; k++)
    if (!batch_step (run, batches, k % n_batches, first_step, first_loss, last_loss, error))
      return FALSE;
  for (int r = 0; r < reps; r++)
    {
      double t0 = dd_now ();
      for (int k = 0; k < n_batches; k++)
        if (!batch_step (run, batches, k, first_step, first_loss, last_loss, error))
          return FALSE;
      seconds[r] = dd_now () - t0;
    }
  return TRUE;
}
