/* dd-eval.h: evaluation of a student on a dataset
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "dd-types.h"

G_BEGIN_DECLS

/* The smoothing constant k of the teacher's dev measure (docs/method.md §4). */
#define DD_SMOOTH_ERROR_K 50.0

struct _DdEval {
  int     n_classes;
  int     n;               /* examples evaluated */
  double  loss;            /* mean cross-entropy */
  double  accuracy;
  double  smooth_error;    /* mean of 2σ(k·(max_j p_j − p_y)) − 1 */
  int    *confusion;       /* (C, C): row = true class, column = predicted */
  int    *class_count;     /* (C) examples per true class */
  double *class_accuracy;  /* (C) */
  double *class_margin;    /* (C) mean of p_y − max_{j≠y} p_j over the class */
};

DdEval *dd_eval_new   (int n_classes);
void    dd_eval_free  (DdEval *ev);
void    dd_eval_copy_into (DdEval *dst, const DdEval *src);
/* Evaluate net on the first `limit` examples of ds (all when limit ≤ 0). */
/* A net's evaluation in parts, so that workers can share the chunks
 * (dd_student_evaluate): examples
 * start … start + B − 1 (B ≤ max_batch) into sums (2 + C doubles: the
 * chunk's loss, smoothed error and per-class margins, summed), and added
 * into confusion, class_count and correct; x, idx, y and probs are the
 * caller's (B·d, B, B and B·C values). dd_eval_finish sums n_chunks such sums in order
 * into out, whose confusion and class_count hold the totals. */
void    dd_net_evaluate_chunk (DdNet *net, const DdDataset *ds, int start, int B,
                               dd_real *x, int *idx, int *y, dd_real *probs, double *sums,
                               int *confusion, int *class_count, int *correct);
void    dd_eval_finish  (DdEval *out, int n, const double *sums, int n_chunks, int correct);
/* Balanced error: the mean over the classes that have examples of
 * 1 − class accuracy; NaN when no class has any. Unlike 1 − accuracy it
 * weighs a rare class as much as a frequent one. */
double  dd_eval_balanced_error (const DdEval *ev);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdEval, dd_eval_free)

G_END_DECLS
