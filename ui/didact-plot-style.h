/* didact-plot-style.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How the plots look: the one palette (series, classes, the baseline grey
 * and the heatmap's diverging scale), the style a plot takes from its widget
 * (colours, font, presentation scale), and the drawing pieces the plots
 * share: text, the header with its title and legend, read-out boxes and the
 * axes with their ticks.
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

/* ------------------------------------------------------------------------
 * The palette
 */

/* Series colours: a fixed colour-blind-friendly palette (Paul Tol's "bright"
 * scheme), readable on light and dark backgrounds; the index wraps. */
#define DIDACT_PLOT_PALETTE_SIZE 7
void     didact_plot_palette_color  (guint          index,
                                     GdkRGBA       *out);
/* A colour per class, for ten curves at once (Paul Tol's "muted" scheme and
 * a grey); the index wraps. */
#define DIDACT_PLOT_CLASS_PALETTE_SIZE 10
void     didact_plot_class_color    (guint          index,
                                     GdkRGBA       *out);
/* The grey of a baseline arm drawn beside the palette's colours. */
void     didact_plot_baseline_color (GdkRGBA       *out);
/* The heatmap's diverging scale at t in [−1, 1] (clamped): blue below the
 * centre, red above (ColorBrewer's RdBu); on a dark background the middle
 * is a dark grey and the colours brighten outwards. */
#define DIDACT_PLOT_DIVERGING_STOPS 5
void     didact_plot_diverging_color (gboolean      dark,
                                      double        t,
                                      GdkRGBA      *out);
/* Its stops, from t = −1 to t = 1, evenly spaced. */
void     didact_plot_diverging_stop  (gboolean      dark,
                                      guint         index,
                                      GdkRGBA      *out);

/* ------------------------------------------------------------------------
 * Style and text
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

/* ------------------------------------------------------------------------
 * The header: the title on the left and the legend, right aligned, on the
 * same line if both fit, else in rows below it.
 */

typedef struct
{
  const char *label;
  GdkRGBA color;
  DidactSeriesStyle style;
  gboolean off;               /* its series hidden: faint and struck through */
  gboolean dimmed;            /* another entry is highlighted: faint */
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
/* Where each entry is drawn (its swatch and label), as didact_plot_draw_header
 * draws it; an empty rectangle for an entry not drawn. @rects holds
 * @n_entries. */
void         didact_plot_header_entry_rects (cairo_t                     *cr,
                                             const DidactPlotStyle       *style,
                                             const char                  *title,
                                             const DidactPlotLegendEntry *entries,
                                             guint                        n_entries,
                                             int                          width,
                                             graphene_rect_t             *rects);

/* ------------------------------------------------------------------------
 * Boxes over the data
 */

/* A rounded, translucent box with a thin outline for legends and read-outs. */
void         didact_plot_draw_box        (cairo_t               *cr,
                                          const DidactPlotStyle *style,
                                          double                 x,
                                          double                 y,
                                          double                 width,
                                          double                 height);
/* A read-out box near the pointer (px, py), kept inside width × height:
 * @title on top, then one line per entry with a colour swatch when the
 * colour is not NULL; a line too long for the width ends in an ellipsis. */
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

/* ------------------------------------------------------------------------
 * Axes
 */

#define DIDACT_PLOT_MAX_TICKS 12

/* A labelled tick: its value, its label and the label's size, and where
 * it is drawn along its axis (in pixels, set by the plot). */
typedef struct
{
  double value;
  char text[48];
  int width, height;
  double position;
} DidactPlotTick;

/* Nice ticks over [lo, hi] (log10 ticks with @log_scale), at most
 * @max_ticks (clamped to 2 … DIDACT_PLOT_MAX_TICKS), labelled and measured
 * in @layout; *max_width is the widest label. Returns how many. */
int          didact_plot_make_ticks      (PangoLayout           *layout,
                                          double                 lo,
                                          double                 hi,
                                          gboolean               log_scale,
                                          int                    max_ticks,
                                          DidactPlotTick        *ticks,
                                          int                   *max_width);
/* Faint grid lines across @area at the ticks' positions: horizontal ones
 * for @y_ticks, vertical ones for @x_ticks (either may be empty). */
void         didact_plot_draw_grid       (cairo_t               *cr,
                                          const DidactPlotStyle *style,
                                          const graphene_rect_t *area,
                                          const DidactPlotTick  *y_ticks,
                                          int                    n_y,
                                          const DidactPlotTick  *x_ticks,
                                          int                    n_x);
/* The left axis line, and with @bottom the bottom one too. */
void         didact_plot_draw_axis_lines (cairo_t               *cr,
                                          const DidactPlotStyle *style,
                                          const graphene_rect_t *area,
                                          gboolean               bottom);
/* Tick marks of @tick_len left of @area and their labels in @layout. */
void         didact_plot_draw_y_ticks    (cairo_t               *cr,
                                          const DidactPlotStyle *style,
                                          PangoLayout           *layout,
                                          const graphene_rect_t *area,
                                          const DidactPlotTick  *ticks,
                                          int                    n,
                                          double                 tick_len);
/* Tick marks of @tick_len below @area and their labels, kept inside
 * @width. */
void         didact_plot_draw_x_ticks    (cairo_t               *cr,
                                          const DidactPlotStyle *style,
                                          PangoLayout           *layout,
                                          const graphene_rect_t *area,
                                          const DidactPlotTick  *ticks,
                                          int                    n,
                                          double                 tick_len,
                                          int                    width);
/* The axis titles: @x_label centred under @area at the bottom of @height,
 * @y_label upright at the left edge; either may be NULL. */
void         didact_plot_draw_axis_labels (cairo_t               *cr,
                                           const DidactPlotStyle *style,
                                           const graphene_rect_t *area,
                                           int                    height,
                                           const char            *x_label,
                                           const char            *y_label);

G_END_DECLS
