/* didact-heatmap-private.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DidactHeatmap's instance and what its three files share:
 * didact-heatmap.c (the data and the colour scales), -draw.c (the layout
 * and the layers) and -input.c (selection, focus, and editing by pointer
 * and keyboard).
 */
#pragma once

#include "didact-heatmap.h"
#include "didact-plot-private.h"

G_BEGIN_DECLS

#define HEATMAP_SCALE_TICKS 6

/* A diverging colour scale over center ± range. */
typedef struct
{
  double center;
  double range;                /* fixed, or ≤ 0: automatic */
  double min_range;            /* the automatic range's floor, or 0 */
  double auto_range;           /* the largest |value − center| of its cells */
} ColorScale;

/* A colour bar: where it stands and its ticks. */
typedef struct
{
  double x;                    /* its left edge */
  double width;                /* of the bar, its ticks and their labels */
  double ticks[HEATMAP_SCALE_TICKS];
  int n_ticks;
  double step;
} ScaleBar;

typedef struct
{
  int width, height;
  guint64 serial;              /* the plot's layout serial it was made for */
  double x0, y0, cell;         /* the matrix grid */
  double extra_x;              /* left edge of the extra column */
  double row_gap;              /* before split_row, or 0 */
  gboolean vertical_col_labels;
  gboolean short_labels;       /* the labels drawn are the short ones */
  gboolean values_fit;         /* a typical value fits a cell: values are printed
                                * where they fit */
  ScaleBar bars[2];            /* the scale's, then the scale row's */
  int n_bars;
} Layout;

struct _DidactHeatmap
{
  DidactPlot parent_instance;

  double *values;              /* rows × cols */
  int rows, cols;
  GStrv row_labels;
  GStrv col_labels;
  GStrv short_row_labels;      /* drawn instead when the full ones leave the */
  GStrv short_col_labels;      /* cells smaller than a line of text; or NULL */
  double *extra;               /* rows, or NULL */
  char *extra_label;
  int split_row;               /* rows from this one on come after a gap; 0: none */

  ColorScale scale;            /* every cell but the scale row's */
  int scale_row;               /* a row on a scale of its own, or -1 */
  ColorScale row_scale;
  char *row_scale_label;

  double step;
  gboolean editable;
  gboolean show_values;

  GArray *selected;            /* DidactHeatmapCell, sorted */
  int focus_row, focus_col;

  Layout layout;

  /* a press on a cell, and a drag from it */
  int press_row, press_col;    /* -1: the press was not on a cell */
  double press_value;
  gboolean dragging;
};

/* didact-heatmap.c: cells, values and colour scales */
int         _didact_heatmap_n_cols_total    (DidactHeatmap      *self);
gboolean    _didact_heatmap_valid_cell      (DidactHeatmap      *self,
                                             int                 row,
                                             int                 col);
/* The cached value of a cell, or NULL outside the matrix. */
double     *_didact_heatmap_cell_slot       (DidactHeatmap      *self,
                                             int                 row,
                                             int                 col);
/* A row's or column's label; a number if it has none. */
const char *_didact_heatmap_row_label       (DidactHeatmap      *self,
                                             int                 row,
                                             char               *buf,
                                             gsize               size);
const char *_didact_heatmap_col_label       (DidactHeatmap      *self,
                                             int                 col,
                                             char               *buf,
                                             gsize               size);
/* The label drawn: the short one when the layout chose them and there is
 * one, else the full one. */
const char *_didact_heatmap_drawn_row_label (DidactHeatmap      *self,
                                             gboolean            short_labels,
                                             int                 row,
                                             char               *buf,
                                             gsize               size);
const char *_didact_heatmap_drawn_col_label (DidactHeatmap      *self,
                                             gboolean            short_labels,
                                             int                 col,
                                             char               *buf,
                                             gsize               size);
/* Tells assistive technologies the focus cell's row, column and value. */
void        _didact_heatmap_describe_focus  (DidactHeatmap      *self);
gboolean    _didact_heatmap_has_row_scale   (DidactHeatmap      *self);
/* The scale a cell's colour is on. */
ColorScale *_didact_heatmap_cell_scale      (DidactHeatmap      *self,
                                             int                 row,
                                             int                 col);
double      _didact_heatmap_effective_range (const ColorScale   *scale);
void        _didact_heatmap_scale_color     (const ColorScale   *scale,
                                             gboolean            dark,
                                             double              value,
                                             GdkRGBA            *out);
void        _didact_heatmap_invalidate_layout (DidactHeatmap    *self);

/* didact-heatmap-draw.c: the layout and the layers */
gboolean    _didact_heatmap_layout          (DidactPlot            *plot,
                                             DidactPlotFrame       *frame);
void        _didact_heatmap_draw_frame      (DidactPlot            *plot,
                                             const DidactPlotFrame *frame);
void        _didact_heatmap_draw_data       (DidactPlot            *plot,
                                             const DidactPlotFrame *frame);
void        _didact_heatmap_draw_marks      (DidactPlot            *plot,
                                             const DidactPlotFrame *frame);
void        _didact_heatmap_draw_hover      (DidactPlot            *plot,
                                             const DidactPlotFrame *frame,
                                             double                 x,
                                             double                 y,
                                             DidactPlotReadout     *readout);

/* didact-heatmap-input.c: selection, focus and editing */
void        _didact_heatmap_class_init_input (DidactHeatmapClass *klass);
void        _didact_heatmap_init_input      (DidactHeatmap      *self);
/* Drops selected cells and the focus outside the matrix. */
void        _didact_heatmap_drop_cells_outside (DidactHeatmap   *self);

G_END_DECLS
