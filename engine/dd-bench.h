/* dd-bench.h: timing helpers for `didact-cli bench`
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-types.h"
#include "dd-net.h"

G_BEGIN_DECLS

typedef struct {
  double seconds_median;  /* per training step, median over repetitions */
  double seconds_min;
  double seconds_max;
  double flops;           /* matrix-product flops of one step */
  double gflops;          /* flops / seconds_median / 1e9 */
  int    reps;
  int    steps_per_rep;
} DdStepTiming;

/* the median of v[0..n), which it sorts */
double   dd_bench_median     (double *v, int n);
/* Best GFLOP/s of an n×n×n gemm in the engine's precision over reps runs. */
double   dd_bench_gemm_peak  (int n, int threads, int reps);
/* Seconds per full training step (gather, forward, loss, backward, SGD update)
 * of a freshly initialised student on real minibatches of train. */
gboolean dd_bench_train_step (const DdNetSpec *spec, DdDataset *train, int batch,
                              int threads, int steps, int reps,
                              DdStepTiming *out, GError **error);
/* Times a run's own step (dd_run_step_on) on fixed minibatches:
 * batches (n_batches × the run's batch size) holds their training examples.
 * warmup untimed steps (on batches 0, 1, … modulo n_batches), then reps
 * passes over all the batches; seconds[r] is pass r's wall time.
 * first_loss receives the first step's loss, last_loss the last one's. */
gboolean dd_bench_run_batches (DdRun *run, const int *batches, int n_batches, int warmup,
                               int reps, double *seconds, double *first_loss,
                               double *last_loss, GError **error);
/* OpenBLAS 0.3.21 does not recognise some newer CPUs and falls back to its
 * generic SSE3 ("Prescott") kernels, at a third of the speed. When that
 * happened and the CPU supports AVX-512 or AVX2 with FMA, this returns the
 * OPENBLAS_CORETYPE that fits ("SkylakeX", "Haswell"); otherwise NULL.
 * OpenBLAS reads that variable only when it is loaded, so a program acts on
 * the answer by re-executing itself (see app/didact-cli.c). */
const char *dd_blas_suggest_coretype (void);

/* monotonic clock in seconds, for callers' own timings */
double   dd_now              (void);

G_END_DECLS
