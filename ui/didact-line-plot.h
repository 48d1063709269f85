/* didact-line-plot.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A line plot (a DidactPlot): series over a shared x axis, markers, event
 * ticks, smoothing, a log y axis and a timeline cursor.
 */
#pragma once

#include "didact-plot.h"

G_BEGIN_DECLS

#define DIDACT_TYPE_LINE_PLOT (didact_line_plot_get_type ())
G_DECLARE_FINAL_TYPE (DidactLinePlot, didact_line_plot, DIDACT, LINE_PLOT, DidactPlot)

GtkWidget  *didact_line_plot_new                (void);

/* Series are named by the id add_series returns (never 0). A NULL colour
 * takes the first palette colour no other series is using. Removing,
 * showing and hiding series: didact_plot_remove_series and the rest. */
guint       didact_line_plot_add_series         (DidactLinePlot    *self,
                                                 const char        *label,
                                                 const GdkRGBA     *color,
                                                 DidactSeriesStyle  style);
/* Replaces a series' points with a copy of (x[i], y[i]); x should not
 * decrease (it may, at some cost: the plot then scans every point). A NaN y
 * breaks the line. */
void        didact_line_plot_set_series_data    (DidactLinePlot    *self,
                                                 guint              id,
                                                 const double      *x,
                                                 const double      *y,
                                                 gsize              n);
/* Appends points; costs O(n) whatever the size of the series. */
void        didact_line_plot_append             (DidactLinePlot    *self,
                                                 guint              id,
                                                 const double      *x,
                                                 const double      *y,
                                                 gsize              n);
void        didact_line_plot_clear_series       (DidactLinePlot    *self,
                                                 guint              id);
gsize       didact_line_plot_get_n_points       (DidactLinePlot    *self,
                                                 guint              id);
/* The point of series @id whose x is nearest to @x (the nearest with a
 * finite y), as the hover read-out shows it. FALSE if there is none. */
gboolean    didact_line_plot_value_at           (DidactLinePlot    *self,
                                                 guint              id,
                                                 double             x,
                                                 double            *out_x,
                                                 double            *out_y);

/* Vertical event markers (edits, forks): a thin dashed line and a label. */
guint       didact_line_plot_add_marker         (DidactLinePlot    *self,
                                                 double             x,
                                                 const char        *label,
                                                 const GdkRGBA     *color);
void        didact_line_plot_remove_marker      (DidactLinePlot    *self,
                                                 guint              id);
void        didact_line_plot_clear_markers      (DidactLinePlot    *self);

/* Event ticks: small marks on the bottom edge of the plot area, one per
 * event (a teacher update rejected on held-out dev, a fallback), with a
 * description the hover read-out shows when the pointer is at their x.
 * Ticks of a group (e.g. a branch; 0 for none) are hidden together. */
typedef enum {
  DIDACT_TICK_FAINT,      /* a short, faint mark (an uneventful event) */
  DIDACT_TICK_BAR,        /* a taller mark in its colour */
  DIDACT_TICK_DIAMOND,    /* a small diamond in its colour */
} DidactTickShape;

guint       didact_line_plot_add_tick           (DidactLinePlot    *self,
                                                 double             x,
                                                 DidactTickShape    shape,
                                                 const GdkRGBA     *color,
                                                 const char        *description,
                                                 guint              group);
void        didact_line_plot_clear_ticks        (DidactLinePlot    *self);
gsize       didact_line_plot_get_n_ticks        (DidactLinePlot    *self);
void        didact_line_plot_set_tick_group_visible (DidactLinePlot *self,
                                                 guint              group,
                                                 gboolean           visible);
/* The descriptions of the visible ticks within a few pixels of data_x on
 * the plot as last drawn, nearest first: what the hover read-out lists
 * with the pointer there (NULL-terminated; free with g_strfreev). */
GStrv       didact_line_plot_ticks_near         (DidactLinePlot    *self,
                                                 double             data_x);

/* Where data x is drawn, in widget pixels, as last drawn (NaN before). */
double      didact_line_plot_x_to_widget        (DidactLinePlot    *self,
                                                 double             data_x);

/* Fits the axes to the visible data once; auto-fit does it on every change. */
void        didact_line_plot_fit                (DidactLinePlot    *self);
/* Explicit ranges; both turn auto-fit off. */
void        didact_line_plot_set_x_range        (DidactLinePlot    *self,
                                                 double             lo,
                                                 double             hi);
void        didact_line_plot_set_y_range        (DidactLinePlot    *self,
                                                 double             lo,
                                                 double             hi);
void        didact_line_plot_get_x_range        (DidactLinePlot    *self,
                                                 double            *lo,
                                                 double            *hi);
void        didact_line_plot_get_y_range        (DidactLinePlot    *self,
                                                 double            *lo,
                                                 double            *hi);

gboolean    didact_line_plot_get_log_y          (DidactLinePlot    *self);
void        didact_line_plot_set_log_y          (DidactLinePlot    *self,
                                                 gboolean           log_y);
double      didact_line_plot_get_smoothing      (DidactLinePlot    *self);
void        didact_line_plot_set_smoothing      (DidactLinePlot    *self,
                                                 double             smoothing);
gboolean    didact_line_plot_get_auto_fit       (DidactLinePlot    *self);
void        didact_line_plot_set_auto_fit       (DidactLinePlot    *self,
                                                 gboolean           auto_fit);
double      didact_line_plot_get_cursor_x       (DidactLinePlot    *self);
void        didact_line_plot_set_cursor_x       (DidactLinePlot    *self,
                                                 double             cursor_x);

G_END_DECLS
