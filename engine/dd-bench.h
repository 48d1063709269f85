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

/* Best GFLOP/s of an n×n×n gemm in the engine's precision over reps runs. */
double   dd_bench_gemm_peak  (int n, int threads, int reps);
/* Seconds per full training step (gather, forward, loss, backward, SGD update)
 * of a freshly initialised student on real minibatches of train. */
gboolean dd_bench_train_step (const DdNetSpec *spec, DdDataset *train, int batch,
                              int threads, int steps, int reps,
                              DdStepTiming *out, GError **error);
/* monotonic clock in seconds, for callers' own timings */
double   dd_now              (void);

G_END_DECLS
