/* didact-plot-common.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plots' numeric helpers: tick placement and tick label formatting,
 * TensorBoard's debiased EMA smoothing, and the per-pixel-column min/max
 * envelope that keeps drawing cost bounded by the width of the plot.
 *
 * They are plain functions without GTK state so that the tests can check
 * them against values worked out by hand.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Ticks at k·step, step = {1, 2, 5}·10^e, the smallest such step that puts at
 * most @max_ticks ticks (at least 2 are asked for) into [lo, hi]. @out must
 * hold @max_ticks values. Returns the step (0 if lo == hi, when the single
 * tick is lo; 0 and *n = 0 for non-finite bounds). */
double   didact_plot_nice_ticks    (double        lo,
                                    double        hi,
                                    int           max_ticks,
                                    double       *out,
                                    int          *n);
/* Ticks for a log10 axis over [lo, hi] (both > 0): decades (every k-th one if
 * there are too many), or 1, 2, 5 × 10^e when the range spans less than about
 * two decades. @out must hold @max_ticks values. */
void     didact_plot_log_ticks     (double        lo,
                                    double        hi,
                                    int           max_ticks,
                                    double       *out,
                                    int          *n);

/* A compact tick label: as many decimals as @step needs and no more, k/M/G
 * suffixes from 10^4 on, a short exponent ("1e-5") below 10^-3. With
 * @step == 0 the value is written with four significant digits. */
void     didact_plot_format_number (double        value,
                                    double        step,
                                    char         *buf,
                                    gsize         size);
/* A value printed in a small space that a reader can trust: @digits
 * significant digits (1 or more; with 2: "0.6", "−0.12", "2.3"), whole
 * numbers from 10 on, a short exponent below 10^-3 ("4e−4"), and a true
 * minus sign. Non-finite values are written "NaN", "∞" and "−∞". */
void     didact_plot_format_value  (double        value,
                                    int           digits,
                                    char         *buf,
                                    gsize         size);

/* TensorBoard's smoothing: an exponential moving average debiased by
 * 1 − weight^count, with non-finite values passed through and left out of
 * the average. A state lets a caller continue where it stopped (for data
 * that arrives in pieces); zero-initialise it to start. */
typedef struct
{
  double last;
  guint64 count;
} DidactEmaState;

void     didact_plot_smooth_ema          (const double   *y,
                                          gsize           n,
                                          double          weight,
                                          double         *out);
void     didact_plot_smooth_ema_continue (DidactEmaState *state,
                                          const double   *y,
                                          gsize           n,
                                          double          weight,
                                          double         *out);

/* One pixel column's worth of consecutive points (the "M4" aggregate: first,
 * last, min and max), which draws exactly like all of its points would. */
typedef struct
{
  gint64 column;          /* floor ((x − x_lo) / (x_hi − x_lo) · n_columns) */
  guint n;                /* points aggregated, at least 1 */
  gboolean break_before;  /* a NaN separates it from the previous bucket */
  gboolean min_first;     /* the minimum came before the maximum */
  double x_first, y_first;
  double x_last, y_last;
  double y_min, y_max;
} DidactPlotBucket;

/* The min/max envelope of (x, y) over [x_lo, x_hi] split into @n_columns
 * columns, appended to @buckets (a GArray of DidactPlotBucket): consecutive
 * points in the same column merge, a NaN (in x or y) breaks the line. Points
 * outside the range are skipped except the nearest one on either side, so a
 * line still runs to the edges. x should be non-decreasing (a binary search
 * finds the range); @sorted = FALSE scans every point instead. With
 * @skip_nonpositive (a log axis) values ≤ 0 are ignored, not breaks. */
void     didact_plot_envelope      (const double *x,
                                    const double *y,
                                    gsize         n,
                                    gboolean      sorted,
                                    double        x_lo,
                                    double        x_hi,
                                    int           n_columns,
                                    gboolean      skip_nonpositive,
                                    GArray       *buckets);

/* Index of the first x[i] >= value in non-decreasing x (n if none). */
gsize    didact_plot_lower_bound   (const double *x,
                                    gsize         n,
                                    double        value);

G_END_DECLS
