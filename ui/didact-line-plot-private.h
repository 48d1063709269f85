/* didact-line-plot-private.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DidactLinePlot's instance and what its three files share:
 * didact-line-plot.c (the widget, its axes and layers), -trace.c (a series'
 * line in pixels, built and drawn) and -events.c (markers and event ticks).
 */
#pragma once

#include "didact-line-plot.h"
#include "didact-plot-private.h"

G_BEGIN_DECLS

typedef struct
{
  float x, y;
} PathPoint;

/* A pixel column the line passes through: its centre and the y range the
 * line covers there. */
typedef struct
{
  float x, lo, hi;
} Span;

/* A series' line in pixels, relative to the plot area: the envelope's
 * points (a NaN x breaks the line) and, for data sorted by x, the same line
 * rasterised once into an antialiased coverage mask (from one span per
 * pixel column). A frame then composites the mask, where stroking a long
 * jagged path would cost cairo tens of milliseconds. Vector exports stroke
 * the points instead. */
typedef struct
{
  GArray *points;               /* PathPoint */
  GArray *spans;                /* Span; empty for unsorted data */
  cairo_surface_t *mask;        /* A8 at device resolution, or NULL */
} Trace;

typedef struct
{
  DidactPlotSeries base;

  GArray *x;                    /* double */
  GArray *y;                    /* double */
  gboolean sorted;              /* x non-decreasing and never NaN */
  double x_min, x_max;          /* of the points with finite x and y */
  double y_min, y_max;
  double y_min_positive, y_max_positive;

  GArray *smoothed;             /* double, a prefix of y smoothed */
  DidactEmaState ema;
  double smoothed_weight;

  Trace raw_trace;
  Trace smooth_trace;
  guint64 raw_serial;           /* geometry the paths were built for, 0 = stale */
  guint64 smooth_serial;
} Series;

typedef struct
{
  guint id;
  double x;
  char *label;
  GdkRGBA color;
  gboolean has_color;           /* else the foreground, as the style has it */
} Marker;

typedef struct
{
  guint id;
  double x;
  DidactTickShape shape;
  GdkRGBA color;
  char *description;
  guint group;
} EventTick;

/* The axes and plot area in pixels that the traces are built for. */
typedef struct
{
  double x_lo, x_hi, y_lo, y_hi;
  double area_w, area_h;
  int columns;
  int scale;                    /* device pixels per pixel */
  double line_width;            /* in pixels */
  gboolean log_y;
} Geometry;

struct _DidactLinePlot
{
  DidactPlot parent_instance;

  GArray *markers;              /* Marker, sorted by x */
  guint next_marker_id;
  GArray *ticks;                /* EventTick, sorted by x */
  guint next_tick_id;
  GArray *hidden_groups;        /* guint: tick groups not drawn */

  gboolean log_y;
  gboolean auto_fit;
  double smoothing;
  double cursor_x;

  /* the view, in data units */
  double x_lo, x_hi, y_lo, y_hi;
  gboolean fit_pending;

  /* the last frame's layout: the y range drawn (positive on a log axis)
   * and its transform (log10 on a log axis), the ticks, the plot area */
  double view_y_lo, view_y_hi;
  double t_lo, t_hi;
  DidactPlotTick x_ticks[DIDACT_PLOT_MAX_TICKS];
  DidactPlotTick y_ticks[DIDACT_PLOT_MAX_TICKS];
  int n_x_ticks, n_y_ticks;
  graphene_rect_t area;

  Geometry geometry;
  guint64 geometry_serial;
  GArray *buckets;              /* DidactPlotBucket, scratch */
};

/* didact-line-plot-trace.c */
void          _didact_line_plot_series_clear   (gpointer                data);
void          _didact_line_plot_series_reset   (Series                 *s);
void          _didact_line_plot_series_scan    (Series                 *s,
                                                gsize                   from);
gsize         _didact_line_plot_series_nearest (Series                 *s,
                                                double                  x);
const double *_didact_line_plot_series_smoothed (Series                *s,
                                                 double                 weight);
void          _didact_line_plot_set_geometry   (DidactLinePlot         *self,
                                                const Geometry         *geometry);
/* Rebuilds a series' traces if the geometry moved since they were built. */
void          _didact_line_plot_update_traces  (DidactLinePlot         *self,
                                                Series                 *s);
void          _didact_line_plot_draw_trace     (cairo_t                *cr,
                                                const Trace            *trace,
                                                double                  line_width,
                                                gboolean                dashed,
                                                double                  line_scale);

/* The least distance from (x, y) to the trace's line, in pixels relative
 * to the plot area; infinite for an empty trace. */
double        _didact_line_plot_trace_distance (const Trace            *trace,
                                                double                  x,
                                                double                  y);

/* didact-line-plot-events.c */
void          _didact_line_plot_draw_markers   (DidactLinePlot         *self,
                                                const DidactPlotFrame  *frame);
void          _didact_line_plot_draw_ticks     (DidactLinePlot         *self,
                                                const DidactPlotFrame  *frame);
/* The visible ticks with a description within a few pixels of data_x on
 * the last frame's area, nearest first (indices into self->ticks). */
GArray       *_didact_line_plot_ticks_near     (DidactLinePlot         *self,
                                                double                  data_x);
void          _didact_line_plot_clear_events   (DidactLinePlot         *self);

G_END_DECLS
