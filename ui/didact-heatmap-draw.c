/* didact-heatmap-draw.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where a heatmap's cells, labels and colour bars go at a size, computed
 * once per size, labels and scale and shared by the drawing and the
 * pointer (so what is hit is what is drawn), and its layers: the frame is
 * the labels and the colour bars; the data are the cells and their values;
 * the marks are the selection and the focus cell; the hover outlines the
 * cell under the pointer and reads out its value.
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-heatmap-private.h"

#include <math.h>
#include <string.h>

static gboolean
has_row_gap (DidactHeatmap *self)
{
  return self->split_row > 0 && self->split_row < self->rows;
}

/* the top edge of a row */
static double
row_y (DidactHeatmap *self,
       const Layout  *l,
       int            row)
{
  return l->y0 + row * l->cell + (has_row_gap (self) && row >= self->split_row ? l->row_gap : 0);
}

/* ------------------------------------------------------------------------
 * Layout
 */

/* A colour bar's ticks over its scale's range, and its width: the bar,
 * the ticks' labels and the caption, measured in @text. */
static void
measure_bar (const ColorScale      *scale,
             const char            *caption,
             const DidactPlotStyle *style,
             PangoLayout           *text,
             ScaleBar              *bar)
{
  double range = _didact_heatmap_effective_range (scale), fs = style->font_scale;
  int labels_w = 0, w;
  char buf[48];

  bar->step = didact_plot_nice_ticks (scale->center - range, scale->center + range,
                                      5, bar->ticks, &bar->n_ticks);
  for (int i = 0; i < bar->n_ticks; i++)
    {
      didact_plot_format_number (bar->ticks[i], bar->step, buf, sizeof buf);
      didact_plot_layout_size (text, buf, &w, NULL);
      labels_w = MAX (labels_w, w);
    }
  bar->width = 14 * fs + 4 * fs + labels_w;
  if (caption != NULL)
    {
      didact_plot_layout_size (text, caption, &w, NULL);
      bar->width = MAX (bar->width, w);
    }
}

/* The colour bars right of the grid: the scale's, then the scale row's;
 * none without a legend. Returns the width they take with their gaps. */
static double
measure_bars (DidactHeatmap         *self,
              const DidactPlotStyle *style,
              PangoLayout           *text,
              Layout                *l)
{
  double gap = 10 * style->font_scale, width;

  l->n_bars = 0;
  if (!didact_plot_get_show_legend (DIDACT_PLOT (self)))
    return 0;
  measure_bar (&self->scale, NULL, style, text, &l->bars[l->n_bars++]);
  if (_didact_heatmap_has_row_scale (self))
    measure_bar (&self->row_scale, self->row_scale_label, style, text, &l->bars[l->n_bars++]);
  width = 2 * gap;
  for (int i = 0; i < l->n_bars; i++)
    width += (i > 0 ? gap : 0) + l->bars[i].width;
  return width;
}

/* A cell's value as printed (didact_plot_format_value: two significant
 * digits, or one where two do not fit), set in @small and measured (@w,
 * @h); FALSE if it does not fit the cell. */
static gboolean
cell_label (const Layout *l,
            PangoLayout  *small,
            double        value,
            char         *buf,
            gsize         size,
            int          *w,
            int          *h)
{
  for (int digits = 2; digits >= 1; digits--)
    {
      if (isfinite (value))
        didact_plot_format_value (value, digits, buf, size);
      else
        g_strlcpy (buf, "–", size);
      didact_plot_layout_size (small, buf, w, h);
      if (*w + 4 <= l->cell && *h + 2 <= l->cell)
        return TRUE;
    }
  return FALSE;
}

/* Values are printed when a typical one (two digits and a sign) fits a
 * cell; one that does not fit its cell is left out. */
static void
fit_values (const DidactPlotStyle *style,
            cairo_t               *cr,
            Layout                *l)
{
  g_autoptr(PangoLayout) small = didact_plot_style_layout (style, cr, 0.8, PANGO_WEIGHT_NORMAL);
  char buf[48];
  int w, h;

  l->values_fit = cell_label (l, small, -0.12, buf, sizeof buf, &w, &h);
}

/* The cell size: the grid fills what the labels, the bars and the header
 * leave; column labels go across if they fit in a cell, else upright. */
static void
compute_layout (DidactHeatmap         *self,
                const DidactPlotStyle *style,
                int                    width,
                int                    height,
                Layout                *l)
{
  g_autoptr(PangoLayout) text = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  double fs = style->font_scale;
  double pad = 8 * fs, gap = 10 * fs;
  double left, top, right, head, avail_w, avail_h, block_w, block_h, ox, oy, bars_x;
  int row_w = 0, col_w = 0, col_h = 0, w, h, n_total = _didact_heatmap_n_cols_total (self);
  char buf[48];

  /* measured on a scratch surface, so the geometry is the same whatever
   * the drawing goes to */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cr = cairo_create (surface);
  text = didact_plot_style_layout (style, cr, 0.9, PANGO_WEIGHT_NORMAL);

  *l = (Layout) { .width = width, .height = height,
                  .serial = _didact_plot_get_layout_serial (DIDACT_PLOT (self)) };
  const gboolean have_short = self->short_row_labels != NULL || self->short_col_labels != NULL;

  head = _didact_plot_header_height (DIDACT_PLOT (self), cr, style, width);
  head = head > 0 ? head + pad : 0;
  right = measure_bars (self, style, text, l);

again:
  row_w = col_w = col_h = 0;
  for (int r = 0; r < self->rows; r++)
    {
      didact_plot_layout_size (text, _didact_heatmap_drawn_row_label (self, l->short_labels, r, buf, sizeof buf), &w, &h);
      row_w = MAX (row_w, w);
    }
  for (int c = 0; c < n_total; c++)
    {
      didact_plot_layout_size (text, _didact_heatmap_drawn_col_label (self, l->short_labels, c, buf, sizeof buf), &w, &h);
      col_w = MAX (col_w, w);
      col_h = MAX (col_h, h);
    }

  left = row_w > 0 ? row_w + pad / 2 : 0;
  avail_w = width - 2 * pad - left - right - (self->extra != NULL ? gap : 0);
  l->row_gap = has_row_gap (self) ? floor (gap / 2) : 0;

  top = col_h + 4 * fs;
  avail_h = height - 2 * pad - head - top - l->row_gap;
  l->cell = n_total > 0 && self->rows > 0 ? floor (MIN (avail_w / n_total, avail_h / self->rows)) : 0;
  /* short labels (a number or two) go across as long as they fit at all */
  if (col_w > l->cell - (l->short_labels ? 0 : 4 * fs))
    {
      l->vertical_col_labels = TRUE;
      top = col_w + 4 * fs;
      avail_h = height - 2 * pad - head - top - l->row_gap;
      l->cell = n_total > 0 && self->rows > 0 ? floor (MIN (avail_w / n_total, avail_h / self->rows)) : 0;
    }
  l->cell = MAX (l->cell, 0);
  /* rows' labels would overlap: the short ones, if there are */
  if (!l->short_labels && have_short && self->rows > 0 && l->cell < col_h + 2)
    {
      l->short_labels = TRUE;
      l->vertical_col_labels = FALSE;
      goto again;
    }

  /* centred as a block, below the header */
  block_w = left + self->cols * l->cell + (self->extra != NULL ? gap + l->cell : 0) + right;
  block_h = top + self->rows * l->cell + l->row_gap;
  ox = floor (MAX (pad, (width - block_w) / 2));
  oy = floor (MAX (pad + head, head + (height - head - block_h) / 2));
  l->x0 = ox + left;
  l->y0 = oy + top;
  l->extra_x = l->x0 + self->cols * l->cell + gap;
  bars_x = (self->extra != NULL ? l->extra_x + l->cell : l->x0 + self->cols * l->cell) + 2 * gap;
  for (int i = 0; i < l->n_bars; i++)
    {
      l->bars[i].x = bars_x;
      bars_x += l->bars[i].width + gap;
    }

  fit_values (style, cr, l);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* The layout at this size, computed with @style (NULL: the widget's). */
static const Layout *
ensure_layout (DidactHeatmap         *self,
               const DidactPlotStyle *style,
               int                    width,
               int                    height)
{
  DidactPlot *plot = DIDACT_PLOT (self);
  Layout *l = &self->layout;
  DidactPlotStyle own = { 0 };

  if (l->width == width && l->height == height && l->serial == _didact_plot_get_layout_serial (plot))
    return l;
  compute_layout (self, _didact_plot_layout_style (plot, style, &own), width, height, l);
  didact_plot_style_clear (&own);
  return l;
}

static void
layout_cell_rect (DidactHeatmap   *self,
                  const Layout    *l,
                  int              row,
                  int              col,
                  graphene_rect_t *rect)
{
  double x = col == self->cols ? l->extra_x : l->x0 + col * l->cell;

  graphene_rect_init (rect, x, row_y (self, l, row), l->cell, l->cell);
}

gboolean
didact_heatmap_cell_rect (DidactHeatmap   *self,
                          int              width,
                          int              height,
                          int              row,
                          int              col,
                          graphene_rect_t *rect)
{
  const Layout *l;

  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (!_didact_heatmap_valid_cell (self, row, col) || width <= 0 || height <= 0)
    return FALSE;
  l = ensure_layout (self, NULL, width, height);
  if (l->cell <= 0)
    return FALSE;
  layout_cell_rect (self, l, row, col, rect);
  return TRUE;
}

static gboolean
layout_cell_at (DidactHeatmap *self,
                const Layout  *l,
                double         x,
                double         y,
                int           *row,
                int           *col)
{
  int r, c;

  if (l->cell <= 0 || y < l->y0)
    return FALSE;
  r = (int) floor ((y - l->y0) / l->cell);
  if (has_row_gap (self) && r >= self->split_row)
    {
      double below = y - row_y (self, l, self->split_row);

      if (below < 0)
        return FALSE;  /* in the gap */
      r = self->split_row + (int) floor (below / l->cell);
    }
  if (x >= l->x0 && x < l->x0 + self->cols * l->cell)
    c = (int) floor ((x - l->x0) / l->cell);
  else if (self->extra != NULL && x >= l->extra_x && x < l->extra_x + l->cell)
    c = self->cols;
  else
    return FALSE;
  if (r >= self->rows)
    return FALSE;

  if (row != NULL)
    *row = r;
  if (col != NULL)
    *col = c;
  return TRUE;
}

gboolean
didact_heatmap_cell_at (DidactHeatmap *self,
                        int            width,
                        int            height,
                        double         x,
                        double         y,
                        int           *row,
                        int           *col)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), FALSE);

  if (width <= 0 || height <= 0 || self->rows == 0)
    return FALSE;
  return layout_cell_at (self, ensure_layout (self, NULL, width, height), x, y, row, col);
}

char *
didact_heatmap_get_cell_label_text (DidactHeatmap *self,
                                    int            width,
                                    int            height,
                                    int            row,
                                    int            col)
{
  DidactPlotStyle own = { 0 };
  const DidactPlotStyle *style;
  const Layout *l;
  cairo_surface_t *surface;
  cairo_t *cr;
  PangoLayout *small;
  gboolean fits;
  char buf[64];
  int w, h;

  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), NULL);

  if (!self->show_values || !_didact_heatmap_valid_cell (self, row, col) || width <= 0 || height <= 0)
    return NULL;
  l = ensure_layout (self, NULL, width, height);
  if (!l->values_fit)
    return NULL;
  style = _didact_plot_layout_style (DIDACT_PLOT (self), NULL, &own);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cr = cairo_create (surface);
  small = didact_plot_style_layout (style, cr, 0.8, PANGO_WEIGHT_NORMAL);
  fits = cell_label (l, small, *_didact_heatmap_cell_slot (self, row, col), buf, sizeof buf, &w, &h);
  g_object_unref (small);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  didact_plot_style_clear (&own);
  return fits ? g_strdup (buf) : NULL;
}

gboolean
_didact_heatmap_layout (DidactPlot      *plot,
                        DidactPlotFrame *frame)
{
  DidactHeatmap *self = DIDACT_HEATMAP (plot);
  const Layout *l;

  if (self->rows == 0 || _didact_heatmap_n_cols_total (self) == 0)
    return FALSE;
  l = ensure_layout (self, &frame->style, frame->width, frame->height);
  graphene_rect_init (&frame->area, l->x0, l->y0, self->cols * l->cell, self->rows * l->cell + l->row_gap);
  return l->cell >= 2;
}

/* ------------------------------------------------------------------------
 * Layers
 */

static void
outline_cell (cairo_t               *cr,
              const graphene_rect_t *rect,
              double                 inset)
{
  cairo_rectangle (cr, rect->origin.x + inset, rect->origin.y + inset,
                   rect->size.width - 2 * inset, rect->size.height - 2 * inset);
  cairo_stroke (cr);
}

static void
draw_row_labels (DidactHeatmap         *self,
                 const DidactPlotFrame *frame,
                 PangoLayout           *label)
{
  const Layout *l = &self->layout;
  char buf[64];
  int w, h;

  if (self->row_labels == NULL)
    return;
  for (int r = 0; r < self->rows; r++)
    {
      didact_plot_layout_size (label, _didact_heatmap_drawn_row_label (self, l->short_labels, r, buf, sizeof buf), &w, &h);
      cairo_move_to (frame->cr, l->x0 - 4 * frame->style.font_scale - w,
                     row_y (self, l, r) + 0.5 * l->cell - h / 2.0);
      pango_cairo_show_layout (frame->cr, label);
    }
}

/* The matrix's labels all upright when one needs it; the extra column's
 * (b) only if it needs it itself. */
static void
draw_col_labels (DidactHeatmap         *self,
                 const DidactPlotFrame *frame,
                 PangoLayout           *label)
{
  const Layout *l = &self->layout;
  double fs = frame->style.font_scale;
  cairo_t *cr = frame->cr;
  char buf[64];
  int w, h;

  for (int c = 0; c < _didact_heatmap_n_cols_total (self); c++)
    {
      graphene_rect_t rect;

      layout_cell_rect (self, l, 0, c, &rect);
      didact_plot_layout_size (label, _didact_heatmap_drawn_col_label (self, l->short_labels, c, buf, sizeof buf), &w, &h);
      if (l->vertical_col_labels && (c < self->cols || w > l->cell - 4 * fs))  /* as compute_layout */
        {
          cairo_save (cr);
          cairo_move_to (cr, rect.origin.x + (l->cell - h) / 2, l->y0 - 4 * fs);
          cairo_rotate (cr, -G_PI / 2);
          pango_cairo_update_layout (cr, label);
          pango_cairo_show_layout (cr, label);
          cairo_restore (cr);
        }
      else
        {
          cairo_move_to (cr, rect.origin.x + (l->cell - w) / 2, l->y0 - 4 * fs - h);
          pango_cairo_show_layout (cr, label);
        }
    }
}

/* A colour bar beside the grid, as tall as it: the scale's gradient, its
 * ticks, and its caption above it. */
static void
draw_scale_bar (DidactHeatmap         *self,
                const DidactPlotFrame *frame,
                PangoLayout           *small,
                const ScaleBar        *bar,
                const ColorScale      *scale,
                const char            *caption)
{
  const Layout *l = &self->layout;
  cairo_t *cr = frame->cr;
  double fs = frame->style.font_scale, bar_w = 14 * fs;
  double grid_h = self->rows * l->cell + l->row_gap, range = _didact_heatmap_effective_range (scale);
  cairo_pattern_t *gradient = cairo_pattern_create_linear (0, l->y0 + grid_h, 0, l->y0);
  char buf[64];
  int w, h;

  for (guint i = 0; i < DIDACT_PLOT_DIVERGING_STOPS; i++)
    {
      GdkRGBA color;

      didact_plot_diverging_stop (frame->style.dark, i, &color);
      cairo_pattern_add_color_stop_rgb (gradient, i / (DIDACT_PLOT_DIVERGING_STOPS - 1.0),
                                        color.red, color.green, color.blue);
    }
  cairo_rectangle (cr, bar->x, l->y0, bar_w, grid_h);
  cairo_set_source (cr, gradient);
  cairo_fill_preserve (cr);
  cairo_pattern_destroy (gradient);
  didact_plot_set_source (cr, &frame->style.fg, 0.3);
  cairo_stroke (cr);

  for (int i = 0; i < bar->n_ticks; i++)
    {
      double t = (bar->ticks[i] - (scale->center - range)) / (2 * range);
      double y = round (l->y0 + grid_h - t * grid_h) + 0.5;

      didact_plot_set_source (cr, &frame->style.fg, 0.5);
      cairo_move_to (cr, bar->x + bar_w, y);
      cairo_rel_line_to (cr, 3 * fs, 0);
      cairo_stroke (cr);
      didact_plot_format_number (bar->ticks[i], bar->step, buf, sizeof buf);
      didact_plot_layout_size (small, buf, &w, &h);
      didact_plot_set_source (cr, &frame->style.fg, 0.75);
      cairo_move_to (cr, bar->x + bar_w + 4 * fs, y - h / 2.0);
      pango_cairo_show_layout (cr, small);
    }
  if (caption != NULL)
    {
      didact_plot_layout_size (small, caption, &w, &h);
      didact_plot_set_source (cr, &frame->style.fg, 0.85);
      cairo_move_to (cr, bar->x, l->y0 - 4 * fs - h);
      pango_cairo_show_layout (cr, small);
    }
}

void
_didact_heatmap_draw_frame (DidactPlot            *plot,
                            const DidactPlotFrame *frame)
{
  DidactHeatmap *self = DIDACT_HEATMAP (plot);
  const Layout *l = &self->layout;
  g_autoptr(PangoLayout) label = didact_plot_style_layout (&frame->style, frame->cr, 0.9, PANGO_WEIGHT_NORMAL);
  g_autoptr(PangoLayout) small = didact_plot_style_layout (&frame->style, frame->cr, 0.8, PANGO_WEIGHT_NORMAL);

  didact_plot_set_source (frame->cr, &frame->style.fg, 0.85);
  draw_row_labels (self, frame, label);
  draw_col_labels (self, frame, label);

  cairo_set_line_width (frame->cr, 1);
  if (l->n_bars > 0)
    draw_scale_bar (self, frame, small, &l->bars[0], &self->scale, NULL);
  if (l->n_bars > 1)
    draw_scale_bar (self, frame, small, &l->bars[1], &self->row_scale, self->row_scale_label);
}

/* A cell in its scale's colour, with its value printed if values fit. */
static void
draw_cell (DidactHeatmap         *self,
           const DidactPlotFrame *frame,
           PangoLayout           *small,
           int                    r,
           int                    c)
{
  const Layout *l = &self->layout;
  const DidactPlotStyle *style = &frame->style;
  cairo_t *cr = frame->cr;
  double v = *_didact_heatmap_cell_slot (self, r, c);
  graphene_rect_t rect;
  GdkRGBA color = style->bg;
  double luminance;
  char buf[64];
  int w, h;

  layout_cell_rect (self, l, r, c, &rect);
  cairo_rectangle (cr, rect.origin.x, rect.origin.y, rect.size.width, rect.size.height);
  if (isfinite (v))
    {
      _didact_heatmap_scale_color (_didact_heatmap_cell_scale (self, r, c), style->dark, v, &color);
      didact_plot_set_source (cr, &color, 1);
    }
  else
    didact_plot_set_source (cr, &style->fg, 0.08);
  cairo_fill (cr);

  if (!self->show_values || !l->values_fit || !cell_label (l, small, v, buf, sizeof buf, &w, &h))
    return;
  luminance = 0.2126 * color.red + 0.7152 * color.green + 0.0722 * color.blue;
  if (isfinite (v) && luminance > 0.45)
    cairo_set_source_rgba (cr, 0, 0, 0, 0.85);
  else if (isfinite (v))
    cairo_set_source_rgba (cr, 1, 1, 1, 0.92);
  else
    didact_plot_set_source (cr, &style->fg, 0.6);
  cairo_move_to (cr, rect.origin.x + (rect.size.width - w) / 2, rect.origin.y + (rect.size.height - h) / 2);
  pango_cairo_show_layout (cr, small);
}

/* The cells, and thin separators in the background colour that keep them
 * apart. */
void
_didact_heatmap_draw_data (DidactPlot            *plot,
                           const DidactPlotFrame *frame)
{
  DidactHeatmap *self = DIDACT_HEATMAP (plot);
  const Layout *l = &self->layout;
  g_autoptr(PangoLayout) small = didact_plot_style_layout (&frame->style, frame->cr, 0.8, PANGO_WEIGHT_NORMAL);
  cairo_t *cr = frame->cr;

  for (int r = 0; r < self->rows; r++)
    for (int c = 0; c < _didact_heatmap_n_cols_total (self); c++)
      draw_cell (self, frame, small, r, c);

  didact_plot_set_source (cr, &frame->style.bg, 0.6);
  cairo_set_line_width (cr, 1);
  for (int r = 1; r < self->rows; r++)
    {
      if (has_row_gap (self) && r == self->split_row)
        continue;
      cairo_move_to (cr, l->x0, row_y (self, l, r));
      cairo_rel_line_to (cr, self->cols * l->cell, 0);
      if (self->extra != NULL)
        {
          cairo_move_to (cr, l->extra_x, row_y (self, l, r));
          cairo_rel_line_to (cr, l->cell, 0);
        }
    }
  for (int c = 1; c < self->cols; c++)
    {
      cairo_move_to (cr, l->x0 + c * l->cell, l->y0);
      cairo_rel_line_to (cr, 0, self->rows * l->cell + l->row_gap);
    }
  cairo_stroke (cr);
}

/* The selected cells outlined, and the focus cell dashed while the widget
 * has the focus. */
void
_didact_heatmap_draw_marks (DidactPlot            *plot,
                            const DidactPlotFrame *frame)
{
  DidactHeatmap *self = DIDACT_HEATMAP (plot);
  const Layout *l = &self->layout;
  double ls = frame->style.line_scale;
  cairo_t *cr = frame->cr;
  graphene_rect_t rect;

  cairo_set_line_width (cr, 2 * ls);
  didact_plot_set_source (cr, &frame->style.fg, 1);
  for (guint i = 0; i < self->selected->len; i++)
    {
      const DidactHeatmapCell *cell = &g_array_index (self->selected, DidactHeatmapCell, i);

      layout_cell_rect (self, l, cell->row, cell->col, &rect);
      outline_cell (cr, &rect, ls);
    }
  if (!frame->exporting && gtk_widget_has_focus (GTK_WIDGET (self)) &&
      _didact_heatmap_valid_cell (self, self->focus_row, self->focus_col))
    {
      double dash[] = { 3 * ls, 2 * ls };

      layout_cell_rect (self, l, self->focus_row, self->focus_col, &rect);
      cairo_set_line_width (cr, 1.5 * ls);
      cairo_set_dash (cr, dash, 2, 0);
      didact_plot_set_source (cr, &frame->style.bg, 1);
      outline_cell (cr, &rect, 2.5 * ls);
      cairo_set_dash (cr, dash, 2, dash[0]);
      didact_plot_set_source (cr, &frame->style.fg, 1);
      outline_cell (cr, &rect, 2.5 * ls);
    }
}

/* The cell under the pointer outlined; the read-out names its row and
 * column and gives its value. */
void
_didact_heatmap_draw_hover (DidactPlot            *plot,
                            const DidactPlotFrame *frame,
                            double                 x,
                            double                 y,
                            DidactPlotReadout     *readout)
{
  DidactHeatmap *self = DIDACT_HEATMAP (plot);
  const Layout *l = &self->layout;
  graphene_rect_t rect;
  char rbuf[16], cbuf[16], value[48];
  int r, c;

  if (!layout_cell_at (self, l, x, y, &r, &c))
    return;
  layout_cell_rect (self, l, r, c, &rect);
  cairo_set_line_width (frame->cr, 1);
  didact_plot_set_source (frame->cr, &frame->style.fg, 0.6);
  outline_cell (frame->cr, &rect, 0.5);

  didact_plot_format_number (*_didact_heatmap_cell_slot (self, r, c), 0, value, sizeof value);
  didact_plot_readout_set_title (readout, "%s · %s", _didact_heatmap_row_label (self, r, rbuf, sizeof rbuf),
                                 _didact_heatmap_col_label (self, c, cbuf, sizeof cbuf));
  didact_plot_readout_add (readout, NULL, "%s", value);
}
