/* didact-plot-common.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the three plot widgets (DidactLinePlot, DidactHeatmap, DidactBarPlot)
 * share: the DidactPlot interface (one draw function used by the widget's
 * snapshot and by export), the series palette, tick placement and tick label
 * formatting, TensorBoard's debiased EMA smoothing, the per-pixel-column
 * min/max envelope that keeps drawing cost bounded by the width of the plot,
 * and export to PNG, SVG or PDF.
 *
 * The numeric helpers are plain functions without GTK state so that the tests
 * can check them against values worked out by hand.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * DidactSeriesStyle:
 * @DIDACT_SERIES_SOLID: a normal, opaque series
 * @DIDACT_SERIES_FAINT: drawn faintly, behind the others (a baseline arm)
 * @DIDACT_SERIES_DASHED: a dashed line (or an outlined bar)
 */
typedef enum
{
  DIDACT_SERIES_SOLID,
  DIDACT_SERIES_FAINT,
  DIDACT_SERIES_DASHED,
} DidactSeriesStyle;

GType didact_series_style_get_type (void) G_GNUC_CONST;
#define DIDACT_TYPE_SERIES_STYLE (didact_series_style_get_type ())

/* The plot interface: every plot widget can draw itself onto any cairo
 * context at any size, from its cached data only. */
#define DIDACT_TYPE_PLOT (didact_plot_get_type ())
G_DECLARE_INTERFACE (DidactPlot, didact_plot, DIDACT, PLOT, GtkWidget)

struct _DidactPlotInterface
{
  GTypeInterface parent_iface;

  void (*draw) (DidactPlot *self,
                cairo_t    *cr,
                int         width,
                int         height);
};

void     didact_plot_draw          (DidactPlot  *self,
                                    cairo_t     *cr,
                                    int          width,
                                    int          height);
gboolean didact_plot_export        (GtkWidget   *plot,
                                    const char  *path,
                                    int          width,
                                    int          height,
                                    GError     **error);

/* Series colours: a fixed colour-blind-friendly palette (Paul Tol's "bright"
 * scheme), readable on light and dark backgrounds; the index wraps. */
#define DIDACT_PLOT_PALETTE_SIZE 7
void     didact_plot_palette_color (guint         index,
                                    GdkRGBA      *out);

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

/* ------------------------------------------------------------------------
 * Helpers for the plot widgets' drawing code (not needed by applications).
 */

typedef struct
{
  GdkRGBA fg;                 /* the widget's foreground colour */
  GdkRGBA bg;                 /* a background that goes with it */
  gboolean dark;              /* light text on a dark background */
  PangoFontDescription *font; /* the widget's font, scaled for presentation */
  double resolution;          /* of the widget's pango context, in dpi */
  double font_scale;          /* 1, or 1.6 in presentation mode */
  double line_scale;          /* 1, or 2 in presentation mode */
} DidactPlotStyle;

void         didact_plot_style_init      (DidactPlotStyle *style,
                                          GtkWidget       *widget,
                                          gboolean         presentation);
void         didact_plot_style_clear     (DidactPlotStyle *style);
/* A layout drawing with the style's font at @size (relative to the base
 * font) and @weight; use it for measuring too, so sizes match the drawing. */
PangoLayout *didact_plot_style_layout    (const DidactPlotStyle *style,
                                          cairo_t         *cr,
                                          double           size,
                                          PangoWeight      weight);
/* The size of @text in @layout, in pixels (logical extents). */
void         didact_plot_layout_size     (PangoLayout     *layout,
                                          const char      *text,
                                          int             *width,
                                          int             *height);
void         didact_plot_set_source      (cairo_t         *cr,
                                          const GdkRGBA   *color,
                                          double           alpha);
/* The header above a plot: its title on the left and the legend, right
 * aligned, on the same line if both fit, else in rows below it. */
typedef struct
{
  const char *label;
  GdkRGBA color;
  DidactSeriesStyle style;
} DidactPlotLegendEntry;

typedef enum
{
  DIDACT_PLOT_SWATCH_LINE,
  DIDACT_PLOT_SWATCH_BOX,
} DidactPlotSwatch;

/* The header's height (0 when there is neither title nor entry). */
double       didact_plot_header_height   (cairo_t                     *cr,
                                          const DidactPlotStyle       *style,
                                          const char                  *title,
                                          const DidactPlotLegendEntry *entries,
                                          guint                        n_entries,
                                          int                          width);
/* Draws it from y = 8 px (scaled), the title starting at @title_x. */
void         didact_plot_draw_header     (cairo_t                     *cr,
                                          const DidactPlotStyle       *style,
                                          const char                  *title,
                                          double                       title_x,
                                          const DidactPlotLegendEntry *entries,
                                          guint                        n_entries,
                                          DidactPlotSwatch             swatch,
                                          int                          width);
/* TRUE while didact_plot_export draws @plot: no hover, no focus. */
gboolean     didact_plot_is_exporting    (GtkWidget                   *plot);

/* A rounded, translucent box with a thin outline for legends and read-outs. */
void         didact_plot_draw_box        (cairo_t               *cr,
                                          const DidactPlotStyle *style,
                                          double                 x,
                                          double                 y,
                                          double                 width,
                                          double                 height);
/* A read-out box near the pointer (px, py), kept inside width × height:
 * @title on top, then one line per entry with a colour swatch when the
 * colour is not NULL. */
void         didact_plot_draw_readout    (cairo_t               *cr,
                                          const DidactPlotStyle *style,
                                          int                    width,
                                          int                    height,
                                          double                 px,
                                          double                 py,
                                          const char            *title,
                                          const char *const     *lines,
                                          const GdkRGBA         *colors,
                                          guint                  n_lines);

G_END_DECLS
