/* didact-plot.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DidactPlot: the abstract base of the plot widgets (DidactLinePlot,
 * DidactHeatmap, DidactBarPlot). It holds what every plot has — a title,
 * axis labels, a legend of its series, presentation mode, an accessible
 * label, the pointer for the hover read-out — and draws a plot in layers
 * that its subclass supplies:
 *
 *   layout   where the data area and everything else go at this size
 *   frame    axes, ticks, labels, colour bars
 *   header   the title and the legend (drawn by DidactPlot)
 *   data     the series, bars or cells
 *   marks    what is drawn over the data: event ticks, cursor, selection
 *   hover    what the pointer points at, and the read-out box
 *
 * The same drawing goes to the widget's snapshot and to export (PNG, SVG,
 * PDF), from the subclass's cached data only.
 */
#pragma once

#include <gtk/gtk.h>

#include "didact-plot-common.h"
#include "didact-plot-style.h"

G_BEGIN_DECLS

#define DIDACT_TYPE_PLOT (didact_plot_get_type ())
G_DECLARE_DERIVABLE_TYPE (DidactPlot, didact_plot, DIDACT, PLOT, GtkWidget)

/* One frame's drawing: the target, the style, the size and the data area
 * that the layout placed. */
typedef struct
{
  cairo_t *cr;
  DidactPlotStyle style;
  int width, height;
  graphene_rect_t area;
  gboolean exporting;         /* no hover, no focus */
} DidactPlotFrame;

/* What the hover read-out shows: a title and lines, each with a colour
 * swatch when colours are given for all of them. */
typedef struct
{
  char *title;
  GPtrArray *lines;           /* char * */
  GArray *colors;             /* GdkRGBA */
} DidactPlotReadout;

void didact_plot_readout_set_title (DidactPlotReadout *readout,
                                    const char        *format,
                                    ...) G_GNUC_PRINTF (2, 3);
/* Adds a line, with a swatch of @color (NULL: none). */
void didact_plot_readout_add       (DidactPlotReadout *readout,
                                    const GdkRGBA     *color,
                                    const char        *format,
                                    ...) G_GNUC_PRINTF (3, 4);

/* Sizes a plot asks for: minimum and natural width and height. */
typedef struct
{
  int min_width, natural_width;
  int min_height, natural_height;
} DidactPlotSizes;

struct _DidactPlotClass
{
  GtkWidgetClass parent_class;

  /* Places the plot at frame->width × frame->height: sets frame->area and
   * whatever the layers need. FALSE: nothing to draw at this size. */
  gboolean (*layout)       (DidactPlot            *self,
                            DidactPlotFrame       *frame);
  void     (*draw_frame)   (DidactPlot            *self,
                            const DidactPlotFrame *frame);
  void     (*draw_data)    (DidactPlot            *self,
                            const DidactPlotFrame *frame);
  void     (*draw_marks)   (DidactPlot            *self,
                            const DidactPlotFrame *frame);
  /* With the pointer at (x, y): draws what it points at and fills in
   * @readout (nothing is shown if it stays empty). */
  void     (*draw_hover)   (DidactPlot            *self,
                            const DidactPlotFrame *frame,
                            double                 x,
                            double                 y,
                            DidactPlotReadout     *readout);
  /* The series changed (added, removed, shown, hidden or given data). */
  void     (*data_changed) (DidactPlot            *self);
  /* Frees what a subclass keeps in its series beyond DidactPlotSeries. */
  void     (*series_clear) (gpointer               series);
  /* The visible series drawn at (x, y) as last drawn (one the pointer
   * would highlight), or 0. */
  guint    (*series_at)    (DidactPlot            *self,
                            double                 x,
                            double                 y);

  DidactPlotSwatch legend_swatch;
  DidactPlotSizes sizes;              /* and in presentation mode: */
  DidactPlotSizes presentation_sizes;

  gpointer padding[7];
};

/* Draws the plot onto any cairo context at any size. */
void        didact_plot_draw                (DidactPlot   *self,
                                             cairo_t      *cr,
                                             int           width,
                                             int           height);
/* Writes the plot to a PNG, SVG or PDF file (by the name's extension) on
 * the style's background, without hover or focus. */
gboolean    didact_plot_export              (GtkWidget    *plot,
                                             const char   *path,
                                             int           width,
                                             int           height,
                                             GError      **error);

/* Series (their data is the subclass's): ids never 0. */
void        didact_plot_remove_series       (DidactPlot   *self,
                                             guint         id);
void        didact_plot_remove_all_series   (DidactPlot   *self);
void        didact_plot_set_series_visible  (DidactPlot   *self,
                                             guint         id,
                                             gboolean      visible);
gboolean    didact_plot_get_series_visible  (DidactPlot   *self,
                                             guint         id);
void        didact_plot_get_series_color    (DidactPlot   *self,
                                             guint         id,
                                             GdkRGBA      *color);
/* Series of one group (not 0; the default is 0, none) share one legend
 * entry, which shows the group's first solid series (else its first), and
 * an interactive legend shows, hides and highlights them together: a
 * class's taught curve and its baseline behind it. */
void        didact_plot_set_series_group    (DidactPlot   *self,
                                             guint         id,
                                             guint         group);
guint       didact_plot_get_series_group    (DidactPlot   *self,
                                             guint         id);

/* An interactive legend (off by default) lists hidden series too: clicking
 * an entry shows or hides its series, and the pointer on an entry or on a
 * series highlights that entry's series while the others fade, so that one
 * class among ten is found fast. The plot takes the keyboard focus then:
 * Left and Right choose an entry (highlighted), Return toggles it. */
gboolean    didact_plot_get_interactive_legend (DidactPlot   *self);
void        didact_plot_set_interactive_legend (DidactPlot   *self,
                                                gboolean      interactive_legend);
/* The interactive legend's entries as last drawn, and where each went. */
guint       didact_plot_get_n_legend_entries (DidactPlot  *self);
gboolean    didact_plot_get_legend_entry_rect (DidactPlot     *self,
                                               guint           index,
                                               graphene_rect_t *rect);
/* Shows an entry's series if all are hidden, else hides them all, as a
 * click on it does. */
void        didact_plot_toggle_legend_entry (DidactPlot   *self,
                                             guint         index);
/* TRUE if the pointer highlights the entry (or group) of series @id. */
gboolean    didact_plot_get_series_highlighted (DidactPlot *self,
                                                guint       id);

const char *didact_plot_get_title           (DidactPlot   *self);
void        didact_plot_set_title           (DidactPlot   *self,
                                             const char   *title);
const char *didact_plot_get_x_label         (DidactPlot   *self);
void        didact_plot_set_x_label         (DidactPlot   *self,
                                             const char   *label);
const char *didact_plot_get_y_label         (DidactPlot   *self);
void        didact_plot_set_y_label         (DidactPlot   *self,
                                             const char   *label);
gboolean    didact_plot_get_show_legend     (DidactPlot   *self);
void        didact_plot_set_show_legend     (DidactPlot   *self,
                                             gboolean      show_legend);
gboolean    didact_plot_get_presentation    (DidactPlot   *self);
void        didact_plot_set_presentation    (DidactPlot   *self,
                                             gboolean      presentation);
/* What assistive technologies call the plot; NULL (the default): its
 * title. */
const char *didact_plot_get_accessible_label (DidactPlot  *self);
void        didact_plot_set_accessible_label (DidactPlot  *self,
                                              const char  *label);

G_END_DECLS
