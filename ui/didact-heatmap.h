/* didact-heatmap.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A heatmap (a DidactPlot) of a matrix, its cells editable: the loss
 * coefficients Φ. Its accessible label (a DidactPlot property) is "Loss
 * coefficients" unless set.
 */
#pragma once

#include "didact-plot.h"

G_BEGIN_DECLS

#define DIDACT_TYPE_HEATMAP (didact_heatmap_get_type ())
G_DECLARE_FINAL_TYPE (DidactHeatmap, didact_heatmap, DIDACT, HEATMAP, DidactPlot)

/* A cell; col == the number of columns names the extra column. */
typedef struct
{
  int row;
  int col;
} DidactHeatmapCell;

GtkWidget  *didact_heatmap_new                 (void);

/* values is rows × cols, row-major; copied. */
void        didact_heatmap_set_matrix          (DidactHeatmap      *self,
                                                const double       *values,
                                                int                 rows,
                                                int                 cols);
int         didact_heatmap_get_rows            (DidactHeatmap      *self);
int         didact_heatmap_get_cols            (DidactHeatmap      *self);
/* The cached value of a cell (NaN outside the matrix). */
double      didact_heatmap_get_value           (DidactHeatmap      *self,
                                                int                 row,
                                                int                 col);
void        didact_heatmap_set_row_labels      (DidactHeatmap      *self,
                                                const char *const  *labels);
/* the label of a row, or NULL */
const char *didact_heatmap_get_row_label       (DidactHeatmap      *self,
                                                int                 row);
void        didact_heatmap_set_col_labels      (DidactHeatmap      *self,
                                                const char *const  *labels);
/* Shorter labels (either may be NULL), drawn instead of the full ones when
 * those would leave the cells smaller than a line of text; the read-out of
 * a cell and its accessible description keep the full ones. */
void        didact_heatmap_set_short_labels    (DidactHeatmap      *self,
                                                const char *const  *rows,
                                                const char *const  *cols);
/* A column vector (one value per row) drawn to the right of the matrix,
 * after a gap: the bias b beside W. NULL removes it. */
void        didact_heatmap_set_extra_column    (DidactHeatmap      *self,
                                                const double       *values,
                                                int                 n,
                                                const char         *label);

/* Rows from @row on are drawn after a small gap (the per-class vectors
 * below W); 0 for none. */
int         didact_heatmap_get_split_row       (DidactHeatmap      *self);
void        didact_heatmap_set_split_row       (DidactHeatmap      *self,
                                                int                 row);

/* The colour scale runs over center ± range; a range ≤ 0 (the default)
 * takes the largest |value − center| in the data (but for the scale row's
 * cells, below). */
double      didact_heatmap_get_center          (DidactHeatmap      *self);
void        didact_heatmap_set_center          (DidactHeatmap      *self,
                                                double              center);
double      didact_heatmap_get_range           (DidactHeatmap      *self);
void        didact_heatmap_set_range           (DidactHeatmap      *self,
                                                double              range);

/* A row on a colour scale of its own, with its own colour bar captioned
 * @label: a row whose values live far from the others' (log ε below W)
 * and would wash them out on a shared scale. Its matrix cells (not the
 * extra column's) run over center ± the larger of @min_range and their
 * largest |value − center|. A row < 0 removes it. */
void        didact_heatmap_set_row_scale       (DidactHeatmap      *self,
                                                int                 row,
                                                double              center,
                                                double              min_range,
                                                const char         *label);
/* The row on a scale of its own, or -1. */
int         didact_heatmap_get_row_scale       (DidactHeatmap      *self);

/* Selection, toggled by clicking a cell or pressing Return on it. */
GArray     *didact_heatmap_get_selected        (DidactHeatmap      *self);
gboolean    didact_heatmap_get_cell_selected   (DidactHeatmap      *self,
                                                int                 row,
                                                int                 col);
void        didact_heatmap_set_cell_selected   (DidactHeatmap      *self,
                                                int                 row,
                                                int                 col,
                                                gboolean            selected);
void        didact_heatmap_clear_selection     (DidactHeatmap      *self);

/* The keyboard focus cell, moved by the arrow keys. */
void        didact_heatmap_get_focus_cell      (DidactHeatmap      *self,
                                                int                *row,
                                                int                *col);
void        didact_heatmap_set_focus_cell      (DidactHeatmap      *self,
                                                int                 row,
                                                int                 col);
/* Adds @delta to the focus cell and emits ::cell-edited, as + and − do
 * (Page Up and Page Down use 10 × step). Only when editable. */
void        didact_heatmap_adjust_focused      (DidactHeatmap      *self,
                                                double              delta);

/* Where a cell is drawn at a given widget size (col == cols: the extra
 * column); FALSE if it is not drawn. */
gboolean    didact_heatmap_cell_rect           (DidactHeatmap      *self,
                                                int                 width,
                                                int                 height,
                                                int                 row,
                                                int                 col,
                                                graphene_rect_t    *rect);
/* The cell under a point; FALSE if there is none. */
gboolean    didact_heatmap_cell_at             (DidactHeatmap      *self,
                                                int                 width,
                                                int                 height,
                                                double              x,
                                                double              y,
                                                int                *row,
                                                int                *col);
/* The value printed in a cell at a given widget size: two significant
 * digits (didact_plot_format_value); NULL when none is printed (values
 * hidden, or the cell too small for it). Free with g_free. */
char       *didact_heatmap_get_cell_label_text (DidactHeatmap   *self,
                                                int              width,
                                                int              height,
                                                int              row,
                                                int              col);
/* The colour of a value on the current scale and style. */
void        didact_heatmap_value_color         (DidactHeatmap      *self,
                                                double              value,
                                                GdkRGBA            *color);
/* The colour a cell is drawn in, on its own scale. */
void        didact_heatmap_cell_color          (DidactHeatmap      *self,
                                                int                 row,
                                                int                 col,
                                                GdkRGBA            *color);

gboolean    didact_heatmap_get_editable        (DidactHeatmap      *self);
void        didact_heatmap_set_editable        (DidactHeatmap      *self,
                                                gboolean            editable);
double      didact_heatmap_get_step            (DidactHeatmap      *self);
void        didact_heatmap_set_step            (DidactHeatmap      *self,
                                                double              step);
gboolean    didact_heatmap_get_show_values     (DidactHeatmap      *self);
void        didact_heatmap_set_show_values     (DidactHeatmap      *self,
                                                gboolean            show_values);

G_END_DECLS
