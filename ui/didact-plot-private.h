/* didact-plot-private.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What DidactPlot offers its subclasses and nobody else: the series list
 * behind the legend, the layout serial and the header's size.
 */
#pragma once

#include "didact-plot.h"

G_BEGIN_DECLS

/* The base class's instance data, shared by its parts (didact-plot.c,
 * -legend.c, -export.c); subclasses use the functions below instead. */
/* legend entries at most */
#define MAX_LEGEND_ENTRIES 16

typedef struct
{
  char *title;
  char *x_label;
  char *y_label;
  char *accessible_label;
  gboolean show_legend;
  gboolean presentation;

  GPtrArray *series;            /* DidactPlotSeries, with the subclass's data */
  guint next_series_id;

  /* an interactive legend: its entries as last drawn, the series each
   * shows, and the series whose entry is highlighted (0: none) */
  gboolean interactive_legend;
  graphene_rect_t legend_rects[MAX_LEGEND_ENTRIES];
  guint legend_ids[MAX_LEGEND_ENTRIES];
  guint n_legend;
  guint highlight;
  int legend_focus;             /* the entry the keyboard is on, or -1 */
  gboolean made_focusable;      /* by the interactive legend */

  guint64 layout_serial;
  gboolean exporting;
  gboolean hovering;
  double hover_x, hover_y;
} DidactPlotPrivate;

DidactPlotPrivate *_didact_plot_get_private (DidactPlot *self);

/* didact-plot-legend.c: the entry at a point (−1: none) and the keyboard */
int      _didact_plot_legend_entry_at          (DidactPlot *self, double x, double y);
gboolean _didact_plot_on_legend_key            (GtkEventControllerKey *controller, guint keyval,
                                                guint keycode, GdkModifierType state,
                                                DidactPlot *self);
void     _didact_plot_on_legend_focus_leave    (GtkEventControllerFocus *controller,
                                                DidactPlot *self);

/* The part of a series that DidactPlot keeps; a subclass's series struct
 * starts with it and adds its data. */
typedef struct
{
  guint id;
  char *label;
  GdkRGBA color;
  int palette_index;          /* -1 for a colour the caller chose */
  DidactSeriesStyle style;
  gboolean visible;
  guint group;                /* series of a group share a legend entry; 0: none */
} DidactPlotSeries;

/* A new series of @size bytes (zeroed past the DidactPlotSeries), appended
 * to the list. A NULL colour takes the first palette colour no other series
 * is using. Does not call data_changed. */
gpointer          _didact_plot_add_series        (DidactPlot        *self,
                                                  gsize              size,
                                                  const char        *label,
                                                  const GdkRGBA     *color,
                                                  DidactSeriesStyle  style);
/* The series with @id, or NULL. */
gpointer          _didact_plot_find_series       (DidactPlot        *self,
                                                  guint              id);
/* The series in the order they were added (DidactPlotSeries *). */
GPtrArray        *_didact_plot_get_series        (DidactPlot        *self);
/* TRUE while the pointer highlights another legend entry (or another
 * series) than the one @series belongs to: draw it faintly. */
gboolean          _didact_plot_series_dimmed     (DidactPlot             *self,
                                                  const DidactPlotSeries *series);
/* Calls the class's data_changed, then redraws with a new layout. */
void              _didact_plot_data_changed      (DidactPlot        *self);

/* A number that changes whenever something a cached layout depends on
 * does (size aside): fonts, labels, presentation, series. */
guint64           _didact_plot_get_layout_serial (DidactPlot        *self);
void              _didact_plot_invalidate_layout (DidactPlot        *self);
/* The style a layout is computed with: @style when given (a rendering of
 * its own, e.g. an export), else the widget's, set up in @own; clear @own
 * with didact_plot_style_clear afterwards (it must start zeroed). */
const DidactPlotStyle *_didact_plot_layout_style (DidactPlot            *self,
                                                  const DidactPlotStyle *style,
                                                  DidactPlotStyle       *own);

/* The height of the header (title and legend) at @width; 0 when empty. */
double            _didact_plot_header_height     (DidactPlot            *self,
                                                  cairo_t               *cr,
                                                  const DidactPlotStyle *style,
                                                  int                    width);

/* A series and the others of its group (not 0) share a legend entry. */
static inline gboolean
_didact_plot_same_entry (const DidactPlotSeries *a,
                         const DidactPlotSeries *b)
{
  return a == b || (a->group != 0 && a->group == b->group);
}

G_END_DECLS
