/* didact-heatmap.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A matrix drawn as coloured cells on a diverging scale (blue below the
 * centre, red above), with row and column labels, an optional extra column
 * after a gap (the bias b beside W), optionally its last rows after a gap
 * too (the per-class vectors below W: log ε, a, b), a colour legend, a hover read-out, a
 * selection and, when editable, editing by dragging a cell up or down or
 * with the keyboard (arrows move the focus cell, + and − change it).
 *
 * Geometry is computed once per size, labels and scale, and shared by the
 * drawing and the pointer, so what is hit is what is drawn.
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-heatmap.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* pixels of vertical drag per step of the value */
#define DRAG_PIXELS_PER_STEP 4.0
#define LEGEND_TICKS 6

typedef struct
{
  int width, height;
  guint64 serial;              /* self->layout_serial it was made for */
  double x0, y0, cell;         /* the matrix grid */
  double extra_x;              /* left edge of the extra column */
  double row_gap;              /* before split_row, or 0 */
  double legend_x;             /* left edge of the colour bar */
  gboolean vertical_col_labels;
  gboolean values_fit;         /* cell values are printed */
  int decimals;                /* of the printed values */
  int n_legend;
  double legend_ticks[LEGEND_TICKS];
  double legend_step;
} Layout;

struct _DidactHeatmap
{
  GtkWidget parent_instance;

  double *values;              /* rows × cols */
  int rows, cols;
  GStrv row_labels;
  GStrv col_labels;
  double *extra;               /* rows, or NULL */
  char *extra_label;
  int split_row;               /* rows from this one on come after a gap; 0: none */

  double center;
  double range;                /* ≤ 0: automatic */
  double auto_range;
  double step;
  gboolean editable;
  gboolean show_values;
  gboolean presentation;
  char *accessible_label;

  GArray *selected;            /* DidactHeatmapCell, sorted */
  int focus_row, focus_col;

  Layout layout;
  guint64 layout_serial;

  /* pointer */
  gboolean hovering;
  double hover_x, hover_y;
  int press_row, press_col;    /* -1: the press was not on a cell */
  double press_value;
  gboolean dragging;
};

static void didact_heatmap_plot_init (DidactPlotInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DidactHeatmap, didact_heatmap, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (DIDACT_TYPE_PLOT, didact_heatmap_plot_init))

enum {
  PROP_0,
  PROP_EDITABLE,
  PROP_CENTER,
  PROP_RANGE,
  PROP_STEP,
  PROP_SHOW_VALUES,
  PROP_ACCESSIBLE_LABEL,
  PROP_PRESENTATION,
  N_PROPS
};

enum {
  CELL_ACTIVATED,
  CELL_EDITED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------
 * Cells and values
 */

static int
n_cols_total (DidactHeatmap *self)
{
  return self->cols + (self->extra != NULL ? 1 : 0);
}

static gboolean
valid_cell (DidactHeatmap *self,
            int            row,
            int            col)
{
  return row >= 0 && row < self->rows && col >= 0 && col < n_cols_total (self);
}

static double *
cell_slot (DidactHeatmap *self,
           int            row,
           int            col)
{
  if (!valid_cell (self, row, col))
    return NULL;
  if (col == self->cols)
    return &self->extra[row];
  return &self->values[(gsize) row * self->cols + col];
}

static double
effective_range (DidactHeatmap *self)
{
  return self->range > 0 ? self->range : self->auto_range;
}

static void
invalidate_layout (DidactHeatmap *self)
{
  self->layout_serial++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_auto_range (DidactHeatmap *self)
{
  double r = 0;

  for (gsize i = 0; i < (gsize) self->rows * self->cols; i++)
    if (isfinite (self->values[i]))
      r = MAX (r, fabs (self->values[i] - self->center));
  if (self->extra != NULL)
    for (int i = 0; i < self->rows; i++)
      if (isfinite (self->extra[i]))
        r = MAX (r, fabs (self->extra[i] - self->center));
  self->auto_range = r > 0 ? r : 1;
  invalidate_layout (self);
}

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

static const char *
row_label (DidactHeatmap *self,
           int            row,
           char          *buf,
           gsize          size)
{
  if (self->row_labels != NULL && row < (int) g_strv_length (self->row_labels))
    return self->row_labels[row];
  g_snprintf (buf, size, "%d", row);
  return buf;
}

static const char *
col_label (DidactHeatmap *self,
           int            col,
           char          *buf,
           gsize          size)
{
  if (col == self->cols)
    return self->extra_label != NULL ? self->extra_label : "";
  if (self->col_labels != NULL && col < (int) g_strv_length (self->col_labels))
    return self->col_labels[col];
  g_snprintf (buf, size, "%d", col);
  return buf;
}

static void
update_accessible_description (DidactHeatmap *self)
{
  g_autofree char *text = NULL;
  char rbuf[16], cbuf[16], value[48];
  double *slot = cell_slot (self, self->focus_row, self->focus_col);

  if (slot == NULL)
    return;
  didact_plot_format_number (*slot, 0, value, sizeof value);
  text = g_strdup_printf ("%s, %s: %s",
                          row_label (self, self->focus_row, rbuf, sizeof rbuf),
                          col_label (self, self->focus_col, cbuf, sizeof cbuf),
                          value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

/* Sets a cell's cached value and tells the owner. */
static void
edit_cell (DidactHeatmap *self,
           int            row,
           int            col,
           double         value)
{
  double *slot = cell_slot (self, row, col);

  if (slot == NULL || *slot == value)
    return;
  *slot = value;
  /* the automatic scale grows with an edit but does not shrink under the
   * pointer, so the colours stay put while dragging */
  if (isfinite (value) && fabs (value - self->center) > self->auto_range)
    {
      self->auto_range = fabs (value - self->center);
      invalidate_layout (self);
    }
  if (row == self->focus_row && col == self->focus_col)
    update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CELL_EDITED], 0, row, col, value);
}

static void
activate_cell (DidactHeatmap *self,
               int            row,
               int            col)
{
  if (!valid_cell (self, row, col))
    return;
  didact_heatmap_set_cell_selected (self, row, col,
                                    !didact_heatmap_get_cell_selected (self, row, col));
  g_signal_emit (self, signals[CELL_ACTIVATED], 0, row, col);
}

/* ------------------------------------------------------------------------
 * Colour scale
 */

typedef struct
{
  guint32 rgb[5];
} Scale;

/* ColorBrewer's RdBu (blue for negative, red for positive) on a light
 * background; on a dark one the middle is a dark grey and the colours
 * brighten outwards, so large values stand out on either. */
static const Scale light_scale = { { 0x2166ac, 0x92c5de, 0xf7f7f7, 0xf4a582, 0xb2182b } };
static const Scale dark_scale = { { 0x7fb8e6, 0x31648f, 0x2e2e2e, 0x94423a, 0xf4a582 } };

static void
rgb_to_rgba (guint32  c,
             GdkRGBA *out)
{
  out->red = ((c >> 16) & 0xff) / 255.f;
  out->green = ((c >> 8) & 0xff) / 255.f;
  out->blue = (c & 0xff) / 255.f;
  out->alpha = 1.f;
}

/* t in [-1, 1] */
static void
scale_color (gboolean  dark,
             double    t,
             GdkRGBA  *out)
{
  const Scale *scale = dark ? &dark_scale : &light_scale;
  GdkRGBA a, b;
  double u;
  int i;

  t = CLAMP (t, -1, 1);
  u = (t + 1) * 2;               /* 0 .. 4 */
  i = MIN ((int) floor (u), 3);
  u -= i;
  rgb_to_rgba (scale->rgb[i], &a);
  rgb_to_rgba (scale->rgb[i + 1], &b);
  out->red = a.red + (b.red - a.red) * u;
  out->green = a.green + (b.green - a.green) * u;
  out->blue = a.blue + (b.blue - a.blue) * u;
  out->alpha = 1.f;
}

static void
value_color (DidactHeatmap *self,
             gboolean       dark,
             double         value,
             GdkRGBA       *out)
{
  scale_color (dark, (value - self->center) / effective_range (self), out);
}

void
didact_heatmap_value_color (DidactHeatmap *self,
                            double         value,
                            GdkRGBA       *color)
{
  DidactPlotStyle style;

  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (color != NULL);

  didact_plot_style_init (&style, GTK_WIDGET (self), self->presentation);
  value_color (self, style.dark, value, color);
  didact_plot_style_clear (&style);
}

/* ------------------------------------------------------------------------
 * Layout
 */

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
  double pad = 8 * fs, gap = 10 * fs, bar_w = 14 * fs;
  double left, top, right, avail_w, avail_h, block_w, block_h, ox, oy;
  int row_w = 0, col_w = 0, col_h = 0, legend_w = 0, w, h, n_total;
  double range = effective_range (self);
  char buf[48];

  /* measured on a scratch surface, so the geometry is the same whatever
   * the drawing goes to */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cr = cairo_create (surface);
  text = didact_plot_style_layout (style, cr, 0.9, PANGO_WEIGHT_NORMAL);

  *l = (Layout) { .width = width, .height = height, .serial = self->layout_serial };
  n_total = n_cols_total (self);

  for (int r = 0; r < self->rows; r++)
    {
      didact_plot_layout_size (text, row_label (self, r, buf, sizeof buf), &w, &h);
      row_w = MAX (row_w, w);
    }
  for (int c = 0; c < n_total; c++)
    {
      didact_plot_layout_size (text, col_label (self, c, buf, sizeof buf), &w, &h);
      col_w = MAX (col_w, w);
      col_h = MAX (col_h, h);
    }

  l->legend_step = didact_plot_nice_ticks (self->center - range, self->center + range,
                                           5, l->legend_ticks, &l->n_legend);
  for (int i = 0; i < l->n_legend; i++)
    {
      didact_plot_format_number (l->legend_ticks[i], l->legend_step, buf, sizeof buf);
      didact_plot_layout_size (text, buf, &w, NULL);
      legend_w = MAX (legend_w, w);
    }

  left = row_w > 0 ? row_w + pad / 2 : 0;
  right = 2 * gap + bar_w + 4 * fs + legend_w;
  avail_w = width - 2 * pad - left - right - (self->extra != NULL ? gap : 0);
  l->row_gap = has_row_gap (self) ? floor (gap / 2) : 0;

  /* column labels across if they fit in a cell, else upright */
  top = col_h + 4 * fs;
  avail_h = height - 2 * pad - top - l->row_gap;
  l->cell = n_total > 0 && self->rows > 0 ? floor (MIN (avail_w / n_total, avail_h / self->rows)) : 0;
  if (col_w > l->cell - 4 * fs)
    {
      l->vertical_col_labels = TRUE;
      top = col_w + 4 * fs;
      avail_h = height - 2 * pad - top - l->row_gap;
      l->cell = n_total > 0 && self->rows > 0 ? floor (MIN (avail_w / n_total, avail_h / self->rows)) : 0;
    }
  l->cell = MAX (l->cell, 0);

  /* centred as a block */
  block_w = left + self->cols * l->cell + (self->extra != NULL ? gap + l->cell : 0) + right;
  block_h = top + self->rows * l->cell + l->row_gap;
  ox = floor (MAX (pad, (width - block_w) / 2));
  oy = floor (MAX (pad, (height - block_h) / 2));
  l->x0 = ox + left;
  l->y0 = oy + top;
  l->extra_x = l->x0 + self->cols * l->cell + gap;
  l->legend_x = (self->extra != NULL ? l->extra_x + l->cell : l->x0 + self->cols * l->cell) + 2 * gap;

  /* the widest value decides whether values are printed, and how */
  l->decimals = range >= 100 ? 0 : range >= 10 ? 1 : 2;
  {
    g_autoptr(PangoLayout) small = didact_plot_style_layout (style, cr, 0.8, PANGO_WEIGHT_NORMAL);
    double widest = fabs (self->center) + range;

    for (; l->decimals >= 0; l->decimals--)
      {
        g_snprintf (buf, sizeof buf, "-%.*f", l->decimals, widest);
        didact_plot_layout_size (small, buf, &w, &h);
        if (w + 4 <= l->cell && h + 2 <= l->cell)
          break;
      }
    l->values_fit = l->decimals >= 0;
  }

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static const Layout *
ensure_layout (DidactHeatmap *self,
               int            width,
               int            height)
{
  Layout *l = &self->layout;

  if (l->width != width || l->height != height || l->serial != self->layout_serial)
    {
      DidactPlotStyle style;

      didact_plot_style_init (&style, GTK_WIDGET (self), self->presentation);
      compute_layout (self, &style, width, height, l);
      didact_plot_style_clear (&style);
    }
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

  if (!valid_cell (self, row, col) || width <= 0 || height <= 0)
    return FALSE;
  l = ensure_layout (self, width, height);
  if (l->cell <= 0)
    return FALSE;
  layout_cell_rect (self, l, row, col, rect);
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
  const Layout *l;
  int r, c;

  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), FALSE);

  if (width <= 0 || height <= 0 || self->rows == 0)
    return FALSE;
  l = ensure_layout (self, width, height);
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

/* ------------------------------------------------------------------------
 * Drawing
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

void
didact_heatmap_draw (DidactHeatmap *self,
                     cairo_t       *cr,
                     int            width,
                     int            height)
{
  g_autoptr(PangoLayout) label = NULL;
  g_autoptr(PangoLayout) small = NULL;
  DidactPlotStyle style;
  const Layout *l;
  double range, fs, bar_w, grid_h;
  int n_total;
  char buf[64];
  gboolean exporting;

  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (cr != NULL);

  if (width <= 0 || height <= 0 || self->rows == 0 || n_cols_total (self) == 0)
    return;

  l = ensure_layout (self, width, height);
  if (l->cell < 2)
    return;

  didact_plot_style_init (&style, GTK_WIDGET (self), self->presentation);
  exporting = didact_plot_is_exporting (GTK_WIDGET (self));
  fs = style.font_scale;
  bar_w = 14 * fs;
  range = effective_range (self);
  n_total = n_cols_total (self);
  grid_h = self->rows * l->cell + l->row_gap;
  label = didact_plot_style_layout (&style, cr, 0.9, PANGO_WEIGHT_NORMAL);
  small = didact_plot_style_layout (&style, cr, 0.8, PANGO_WEIGHT_NORMAL);

  cairo_save (cr);

  /* cells */
  for (int r = 0; r < self->rows; r++)
    for (int c = 0; c < n_total; c++)
      {
        double v = *cell_slot (self, r, c);
        graphene_rect_t rect;
        GdkRGBA color = style.bg;

        layout_cell_rect (self, l, r, c, &rect);
        cairo_rectangle (cr, rect.origin.x, rect.origin.y, rect.size.width, rect.size.height);
        if (isfinite (v))
          {
            value_color (self, style.dark, v, &color);
            didact_plot_set_source (cr, &color, 1);
          }
        else
          didact_plot_set_source (cr, &style.fg, 0.08);
        cairo_fill (cr);

        if (self->show_values && l->values_fit)
          {
            double luminance = 0.2126 * color.red + 0.7152 * color.green + 0.0722 * color.blue;
            int w, h;

            if (isfinite (v))
              g_snprintf (buf, sizeof buf, "%.*f", l->decimals, v);
            else
              g_strlcpy (buf, "–", sizeof buf);
            if (g_str_has_prefix (buf, "-") && strspn (buf + 1, "0.") == strlen (buf + 1))
              memmove (buf, buf + 1, strlen (buf));       /* no "-0.00" */
            didact_plot_layout_size (small, buf, &w, &h);
            if (isfinite (v) && luminance > 0.45)
              cairo_set_source_rgba (cr, 0, 0, 0, 0.85);
            else if (isfinite (v))
              cairo_set_source_rgba (cr, 1, 1, 1, 0.92);
            else
              didact_plot_set_source (cr, &style.fg, 0.6);
            cairo_move_to (cr, rect.origin.x + (rect.size.width - w) / 2,
                           rect.origin.y + (rect.size.height - h) / 2);
            pango_cairo_show_layout (cr, small);
          }
      }

  /* thin separators in the background colour keep cells apart */
  didact_plot_set_source (cr, &style.bg, 0.6);
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
      cairo_rel_line_to (cr, 0, grid_h);
    }
  cairo_stroke (cr);

  /* row and column labels */
  didact_plot_set_source (cr, &style.fg, 0.85);
  for (int r = 0; r < self->rows; r++)
    {
      int w, h;

      if (self->row_labels == NULL)
        break;
      didact_plot_layout_size (label, row_label (self, r, buf, sizeof buf), &w, &h);
      cairo_move_to (cr, l->x0 - 4 * fs - w, row_y (self, l, r) + 0.5 * l->cell - h / 2.0);
      pango_cairo_show_layout (cr, label);
    }
  for (int c = 0; c < n_total; c++)
    {
      graphene_rect_t rect;
      int w, h;

      layout_cell_rect (self, l, 0, c, &rect);
      didact_plot_layout_size (label, col_label (self, c, buf, sizeof buf), &w, &h);
      /* the matrix's labels all upright when one needs it; the extra
       * column's (b) only if it needs it itself */
      if (l->vertical_col_labels && (c < self->cols || w > l->cell - 4 * fs))
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

  /* the colour legend */
  {
    cairo_pattern_t *gradient = cairo_pattern_create_linear (0, l->y0 + grid_h, 0, l->y0);
    const Scale *scale = style.dark ? &dark_scale : &light_scale;

    for (int i = 0; i < 5; i++)
      {
        GdkRGBA color;

        rgb_to_rgba (scale->rgb[i], &color);
        cairo_pattern_add_color_stop_rgb (gradient, i / 4.0, color.red, color.green, color.blue);
      }
    cairo_rectangle (cr, l->legend_x, l->y0, bar_w, grid_h);
    cairo_set_source (cr, gradient);
    cairo_fill_preserve (cr);
    cairo_pattern_destroy (gradient);
    didact_plot_set_source (cr, &style.fg, 0.3);
    cairo_stroke (cr);

    for (int i = 0; i < l->n_legend; i++)
      {
        double t = (l->legend_ticks[i] - (self->center - range)) / (2 * range);
        double y = round (l->y0 + grid_h - t * grid_h) + 0.5;
        int w, h;

        didact_plot_set_source (cr, &style.fg, 0.5);
        cairo_move_to (cr, l->legend_x + bar_w, y);
        cairo_rel_line_to (cr, 3 * fs, 0);
        cairo_stroke (cr);
        didact_plot_format_number (l->legend_ticks[i], l->legend_step, buf, sizeof buf);
        didact_plot_layout_size (small, buf, &w, &h);
        didact_plot_set_source (cr, &style.fg, 0.75);
        cairo_move_to (cr, l->legend_x + bar_w + 4 * fs, y - h / 2.0);
        pango_cairo_show_layout (cr, small);
      }
  }

  /* selection, hover and focus outlines */
  cairo_set_line_width (cr, 2 * style.line_scale);
  didact_plot_set_source (cr, &style.fg, 1);
  for (guint i = 0; i < self->selected->len; i++)
    {
      const DidactHeatmapCell *cell = &g_array_index (self->selected, DidactHeatmapCell, i);
      graphene_rect_t rect;

      layout_cell_rect (self, l, cell->row, cell->col, &rect);
      outline_cell (cr, &rect, style.line_scale);
    }
  if (!exporting && gtk_widget_has_focus (GTK_WIDGET (self)) && valid_cell (self, self->focus_row, self->focus_col))
    {
      double dash[] = { 3 * style.line_scale, 2 * style.line_scale };
      graphene_rect_t rect;

      layout_cell_rect (self, l, self->focus_row, self->focus_col, &rect);
      cairo_save (cr);
      cairo_set_line_width (cr, 1.5 * style.line_scale);
      cairo_set_dash (cr, dash, 2, 0);
      didact_plot_set_source (cr, &style.bg, 1);
      outline_cell (cr, &rect, 2.5 * style.line_scale);
      cairo_set_dash (cr, dash, 2, dash[0]);
      didact_plot_set_source (cr, &style.fg, 1);
      outline_cell (cr, &rect, 2.5 * style.line_scale);
      cairo_restore (cr);
    }
  cairo_restore (cr);

  if (self->hovering && !exporting)
    {
      int r, c;

      if (didact_heatmap_cell_at (self, width, height, self->hover_x, self->hover_y, &r, &c))
        {
          g_autofree char *title = NULL;
          graphene_rect_t rect;
          char rbuf[16], cbuf[16], value[48];
          const char *lines[1] = { value };

          layout_cell_rect (self, l, r, c, &rect);
          cairo_save (cr);
          cairo_set_line_width (cr, 1);
          didact_plot_set_source (cr, &style.fg, 0.6);
          outline_cell (cr, &rect, 0.5);
          cairo_restore (cr);

          didact_plot_format_number (*cell_slot (self, r, c), 0, value, sizeof value);
          title = g_strdup_printf ("%s · %s", row_label (self, r, rbuf, sizeof rbuf),
                                   col_label (self, c, cbuf, sizeof cbuf));
          didact_plot_draw_readout (cr, &style, width, height, self->hover_x, self->hover_y,
                                    title, lines, NULL, 1);
        }
    }

  didact_plot_style_clear (&style);
}

/* ------------------------------------------------------------------------
 * Input
 */

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           DidactHeatmap            *self)
{
  self->hovering = TRUE;
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          DidactHeatmap            *self)
{
  self->hovering = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* One drag gesture does both: a press and release without moving is a
 * click (select, ::cell-activated); a vertical drag edits the value. */
static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               DidactHeatmap  *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int row, col;

  self->press_row = self->press_col = -1;
  self->dragging = FALSE;
  if (!didact_heatmap_cell_at (self, gtk_widget_get_width (widget), gtk_widget_get_height (widget),
                               x, y, &row, &col))
    return;
  self->press_row = row;
  self->press_col = col;
  self->press_value = *cell_slot (self, row, col);
  if (gtk_widget_get_focusable (widget))
    gtk_widget_grab_focus (widget);
  didact_heatmap_set_focus_cell (self, row, col);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                DidactHeatmap  *self)
{
  double steps;

  if (self->press_row < 0 || !self->editable || !isfinite (self->press_value))
    return;
  if (!self->dragging && fabs (dy) < DRAG_PIXELS_PER_STEP)
    return;
  self->dragging = TRUE;

  /* up is more */
  steps = round (-dy / DRAG_PIXELS_PER_STEP);
  edit_cell (self, self->press_row, self->press_col, self->press_value + steps * self->step);
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             DidactHeatmap  *self)
{
  if (self->press_row >= 0 && !self->dragging && hypot (dx, dy) < 8)
    activate_cell (self, self->press_row, self->press_col);
  self->press_row = self->press_col = -1;
  self->dragging = FALSE;
}

static void
move_focus_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DidactHeatmap *self = DIDACT_HEATMAP (widget);
  int drow, dcol;

  g_variant_get (parameter, "(ii)", &drow, &dcol);
  didact_heatmap_set_focus_cell (self,
                                 CLAMP (self->focus_row + drow, 0, MAX (self->rows - 1, 0)),
                                 CLAMP (self->focus_col + dcol, 0, MAX (n_cols_total (self) - 1, 0)));
}

static void
adjust_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DidactHeatmap *self = DIDACT_HEATMAP (widget);

  didact_heatmap_adjust_focused (self, g_variant_get_double (parameter) * self->step);
}

static void
activate_focused_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  DidactHeatmap *self = DIDACT_HEATMAP (widget);

  activate_cell (self, self->focus_row, self->focus_col);
}

/* ------------------------------------------------------------------------
 * GtkWidget
 */

static void
didact_heatmap_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  didact_heatmap_draw (DIDACT_HEATMAP (widget), cr, width, height);
  cairo_destroy (cr);
}

static void
didact_heatmap_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  gboolean presentation = DIDACT_HEATMAP (widget)->presentation;

  *minimum = presentation ? 240 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? (presentation ? 720 : 480)
                                                       : (presentation ? 600 : 400);
}

static void
didact_heatmap_css_changed (GtkWidget         *widget,
                            GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (didact_heatmap_parent_class)->css_changed (widget, change);
  /* the font may have changed, and with it the label sizes */
  invalidate_layout (DIDACT_HEATMAP (widget));
}

static void
didact_heatmap_state_flags_changed (GtkWidget     *widget,
                                    GtkStateFlags  previous)
{
  GTK_WIDGET_CLASS (didact_heatmap_parent_class)->state_flags_changed (widget, previous);
  /* the focus cell shows only while the widget has the focus */
  gtk_widget_queue_draw (widget);
}

static void
didact_heatmap_plot_draw (DidactPlot *plot,
                          cairo_t    *cr,
                          int         width,
                          int         height)
{
  didact_heatmap_draw (DIDACT_HEATMAP (plot), cr, width, height);
}

static void
didact_heatmap_plot_init (DidactPlotInterface *iface)
{
  iface->draw = didact_heatmap_plot_draw;
}

static void
didact_heatmap_finalize (GObject *object)
{
  DidactHeatmap *self = DIDACT_HEATMAP (object);

  g_clear_pointer (&self->values, g_free);
  g_clear_pointer (&self->extra, g_free);
  g_clear_pointer (&self->extra_label, g_free);
  g_clear_pointer (&self->row_labels, g_strfreev);
  g_clear_pointer (&self->col_labels, g_strfreev);
  g_clear_pointer (&self->accessible_label, g_free);
  g_clear_pointer (&self->selected, g_array_unref);

  G_OBJECT_CLASS (didact_heatmap_parent_class)->finalize (object);
}

static void
didact_heatmap_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DidactHeatmap *self = DIDACT_HEATMAP (object);

  switch (prop_id)
    {
    case PROP_EDITABLE:
      g_value_set_boolean (value, self->editable);
      break;
    case PROP_CENTER:
      g_value_set_double (value, self->center);
      break;
    case PROP_RANGE:
      g_value_set_double (value, self->range);
      break;
    case PROP_STEP:
      g_value_set_double (value, self->step);
      break;
    case PROP_SHOW_VALUES:
      g_value_set_boolean (value, self->show_values);
      break;
    case PROP_ACCESSIBLE_LABEL:
      g_value_set_string (value, self->accessible_label);
      break;
    case PROP_PRESENTATION:
      g_value_set_boolean (value, self->presentation);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
didact_heatmap_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DidactHeatmap *self = DIDACT_HEATMAP (object);

  switch (prop_id)
    {
    case PROP_EDITABLE:
      didact_heatmap_set_editable (self, g_value_get_boolean (value));
      break;
    case PROP_CENTER:
      didact_heatmap_set_center (self, g_value_get_double (value));
      break;
    case PROP_RANGE:
      didact_heatmap_set_range (self, g_value_get_double (value));
      break;
    case PROP_STEP:
      didact_heatmap_set_step (self, g_value_get_double (value));
      break;
    case PROP_SHOW_VALUES:
      didact_heatmap_set_show_values (self, g_value_get_boolean (value));
      break;
    case PROP_ACCESSIBLE_LABEL:
      didact_heatmap_set_accessible_label (self, g_value_get_string (value));
      break;
    case PROP_PRESENTATION:
      didact_heatmap_set_presentation (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
didact_heatmap_class_init (DidactHeatmapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const struct { guint keyval; int steps; } adjust_keys[] = {
    { GDK_KEY_plus, 1 }, { GDK_KEY_equal, 1 }, { GDK_KEY_KP_Add, 1 },
    { GDK_KEY_minus, -1 }, { GDK_KEY_KP_Subtract, -1 },
    { GDK_KEY_Page_Up, 10 }, { GDK_KEY_KP_Page_Up, 10 },
    { GDK_KEY_Page_Down, -10 }, { GDK_KEY_KP_Page_Down, -10 },
  };
  static const struct { guint keyval; int drow, dcol; } move_keys[] = {
    { GDK_KEY_Up, -1, 0 }, { GDK_KEY_KP_Up, -1, 0 },
    { GDK_KEY_Down, 1, 0 }, { GDK_KEY_KP_Down, 1, 0 },
    { GDK_KEY_Left, 0, -1 }, { GDK_KEY_KP_Left, 0, -1 },
    { GDK_KEY_Right, 0, 1 }, { GDK_KEY_KP_Right, 0, 1 },
    { GDK_KEY_Home, 0, -G_MAXINT / 2 }, { GDK_KEY_End, 0, G_MAXINT / 2 },
  };

  object_class->finalize = didact_heatmap_finalize;
  object_class->get_property = didact_heatmap_get_property;
  object_class->set_property = didact_heatmap_set_property;

  widget_class->snapshot = didact_heatmap_snapshot;
  widget_class->measure = didact_heatmap_measure;
  widget_class->css_changed = didact_heatmap_css_changed;
  widget_class->state_flags_changed = didact_heatmap_state_flags_changed;

  properties[PROP_EDITABLE] =
    g_param_spec_boolean ("editable", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CENTER] =
    g_param_spec_double ("center", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RANGE] =
    g_param_spec_double ("range", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STEP] =
    g_param_spec_double ("step", NULL, NULL, G_MINDOUBLE, G_MAXDOUBLE, 0.1,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_VALUES] =
    g_param_spec_boolean ("show-values", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCESSIBLE_LABEL] =
    g_param_spec_string ("accessible-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRESENTATION] =
    g_param_spec_boolean ("presentation", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DidactHeatmap::cell-activated:
   * @row: the cell's row
   * @col: its column; the number of columns for the extra column
   *
   * A cell was clicked, or Return was pressed on the focus cell; its
   * selection has been toggled.
   */
  signals[CELL_ACTIVATED] =
    g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);

  /**
   * DidactHeatmap::cell-edited:
   * @row: the cell's row
   * @col: its column; the number of columns for the extra column
   * @value: the new value, already in the widget's own copy
   *
   * The user changed a value (emitted continuously while dragging).
   */
  signals[CELL_EDITED] =
    g_signal_new ("cell-edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_INT, G_TYPE_DOUBLE);

  gtk_widget_class_install_action (widget_class, "heatmap.move-focus", "(ii)", move_focus_action);
  gtk_widget_class_install_action (widget_class, "heatmap.adjust", "d", adjust_action);
  gtk_widget_class_install_action (widget_class, "heatmap.activate-focused", NULL,
                                   activate_focused_action);

  for (guint i = 0; i < G_N_ELEMENTS (move_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, move_keys[i].keyval, 0,
                                         "heatmap.move-focus", "(ii)",
                                         move_keys[i].drow, move_keys[i].dcol);
  for (guint i = 0; i < G_N_ELEMENTS (adjust_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, adjust_keys[i].keyval, 0,
                                         "heatmap.adjust", "d", (double) adjust_keys[i].steps);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "heatmap.activate-focused", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "heatmap.activate-focused", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "heatmap.activate-focused", NULL);

  gtk_widget_class_set_css_name (widget_class, "didact-heatmap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
didact_heatmap_init (DidactHeatmap *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *motion;
  GtkGesture *drag;

  self->selected = g_array_new (FALSE, FALSE, sizeof (DidactHeatmapCell));
  self->values = g_new0 (double, 1);
  self->step = 0.1;
  self->auto_range = 1;
  self->show_values = TRUE;
  self->press_row = self->press_col = -1;

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_action_set_enabled (widget, "heatmap.adjust", FALSE);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, motion);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  didact_heatmap_set_accessible_label (self, _("Loss coefficients"));
}

GtkWidget *
didact_heatmap_new (void)
{
  return g_object_new (DIDACT_TYPE_HEATMAP, NULL);
}

/* ------------------------------------------------------------------------
 * Data
 */

static void
drop_cells_outside (DidactHeatmap *self)
{
  for (guint i = self->selected->len; i-- > 0;)
    {
      DidactHeatmapCell *cell = &g_array_index (self->selected, DidactHeatmapCell, i);

      if (!valid_cell (self, cell->row, cell->col))
        g_array_remove_index (self->selected, i);
    }
  if (!valid_cell (self, self->focus_row, self->focus_col))
    self->focus_row = self->focus_col = 0;
}

void
didact_heatmap_set_matrix (DidactHeatmap *self,
                           const double  *values,
                           int            rows,
                           int            cols)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (rows >= 0 && cols >= 0);
  g_return_if_fail (values != NULL || rows * cols == 0);

  if (rows != self->rows || cols != self->cols)
    {
      /* a drag on a cell that moved or went away ends here */
      self->press_row = self->press_col = -1;
      if (self->extra != NULL && rows != self->rows)
        {
          self->extra = g_renew (double, self->extra, MAX (rows, 1));
          for (int i = self->rows; i < rows; i++)
            self->extra[i] = NAN;
        }
    }
  g_free (self->values);
  self->values = g_new (double, MAX ((gsize) rows * cols, 1));
  if (rows * cols > 0)
    memcpy (self->values, values, sizeof (double) * rows * cols);
  self->rows = rows;
  self->cols = cols;
  drop_cells_outside (self);
  update_auto_range (self);
  update_accessible_description (self);
}

int
didact_heatmap_get_rows (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), 0);
  return self->rows;
}

int
didact_heatmap_get_cols (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), 0);
  return self->cols;
}

double
didact_heatmap_get_value (DidactHeatmap *self,
                          int            row,
                          int            col)
{
  double *slot;

  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), NAN);

  slot = cell_slot (self, row, col);
  return slot != NULL ? *slot : NAN;
}

void
didact_heatmap_set_row_labels (DidactHeatmap     *self,
                               const char *const *labels)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  g_strfreev (self->row_labels);
  self->row_labels = g_strdupv ((char **) labels);
  invalidate_layout (self);
}

const char *
didact_heatmap_get_row_label (DidactHeatmap *self,
                              int            row)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), NULL);

  if (self->row_labels == NULL || row < 0 || row >= (int) g_strv_length (self->row_labels))
    return NULL;
  return self->row_labels[row];
}

void
didact_heatmap_set_col_labels (DidactHeatmap     *self,
                               const char *const *labels)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  g_strfreev (self->col_labels);
  self->col_labels = g_strdupv ((char **) labels);
  invalidate_layout (self);
}

int
didact_heatmap_get_split_row (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), 0);

  return self->split_row;
}

void
didact_heatmap_set_split_row (DidactHeatmap *self,
                              int            row)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  row = MAX (row, 0);
  if (self->split_row == row)
    return;
  self->split_row = row;
  invalidate_layout (self);
}

void
didact_heatmap_set_extra_column (DidactHeatmap *self,
                                 const double  *values,
                                 int            n,
                                 const char    *label)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (values != NULL || n == 0);

  g_clear_pointer (&self->extra, g_free);
  g_clear_pointer (&self->extra_label, g_free);
  if (values != NULL)
    {
      /* one value per row; missing ones are NaN */
      self->extra = g_new (double, MAX (self->rows, 1));
      for (int i = 0; i < self->rows; i++)
        self->extra[i] = i < n ? values[i] : NAN;
      self->extra_label = g_strdup (label);
    }
  drop_cells_outside (self);
  update_auto_range (self);
}

/* ------------------------------------------------------------------------
 * Selection and focus
 */

static int
compare_cells (const DidactHeatmapCell *a,
               const DidactHeatmapCell *b)
{
  return a->row != b->row ? a->row - b->row : a->col - b->col;
}

GArray *
didact_heatmap_get_selected (DidactHeatmap *self)
{
  GArray *copy;

  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), NULL);

  copy = g_array_sized_new (FALSE, FALSE, sizeof (DidactHeatmapCell), self->selected->len);
  g_array_append_vals (copy, self->selected->data, self->selected->len);
  return copy;
}

static guint
selected_index (DidactHeatmap *self,
                int            row,
                int            col,
                gboolean      *found)
{
  DidactHeatmapCell key = { row, col };
  guint i;

  for (i = 0; i < self->selected->len; i++)
    {
      int c = compare_cells (&g_array_index (self->selected, DidactHeatmapCell, i), &key);

      if (c >= 0)
        {
          *found = c == 0;
          return i;
        }
    }
  *found = FALSE;
  return i;
}

gboolean
didact_heatmap_get_cell_selected (DidactHeatmap *self,
                                  int            row,
                                  int            col)
{
  gboolean found;

  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), FALSE);

  selected_index (self, row, col, &found);
  return found;
}

void
didact_heatmap_set_cell_selected (DidactHeatmap *self,
                                  int            row,
                                  int            col,
                                  gboolean       selected)
{
  DidactHeatmapCell cell = { row, col };
  gboolean found;
  guint i;

  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (valid_cell (self, row, col));

  i = selected_index (self, row, col, &found);
  if (found == !!selected)
    return;
  if (selected)
    g_array_insert_val (self->selected, i, cell);
  else
    g_array_remove_index (self->selected, i);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
didact_heatmap_clear_selection (DidactHeatmap *self)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  if (self->selected->len == 0)
    return;
  g_array_set_size (self->selected, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
didact_heatmap_get_focus_cell (DidactHeatmap *self,
                               int           *row,
                               int           *col)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  if (row != NULL)
    *row = self->focus_row;
  if (col != NULL)
    *col = self->focus_col;
}

void
didact_heatmap_set_focus_cell (DidactHeatmap *self,
                               int            row,
                               int            col)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (valid_cell (self, row, col));

  if (self->focus_row == row && self->focus_col == col)
    return;
  self->focus_row = row;
  self->focus_col = col;
  update_accessible_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
didact_heatmap_adjust_focused (DidactHeatmap *self,
                               double         delta)
{
  double *slot;

  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  if (!self->editable)
    return;
  slot = cell_slot (self, self->focus_row, self->focus_col);
  if (slot == NULL || !isfinite (*slot))
    return;
  edit_cell (self, self->focus_row, self->focus_col, *slot + delta);
}

/* ------------------------------------------------------------------------
 * Properties
 */

double
didact_heatmap_get_center (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), 0);
  return self->center;
}

void
didact_heatmap_set_center (DidactHeatmap *self,
                           double         center)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (isfinite (center));

  if (self->center == center)
    return;
  self->center = center;
  update_auto_range (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CENTER]);
}

double
didact_heatmap_get_range (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), 0);
  return self->range;
}

void
didact_heatmap_set_range (DidactHeatmap *self,
                          double         range)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  if (!(range > 0) || !isfinite (range))
    range = 0;
  if (self->range == range)
    return;
  self->range = range;
  invalidate_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RANGE]);
}

gboolean
didact_heatmap_get_editable (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), FALSE);
  return self->editable;
}

void
didact_heatmap_set_editable (DidactHeatmap *self,
                             gboolean       editable)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  editable = !!editable;
  if (self->editable == editable)
    return;
  self->editable = editable;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "heatmap.adjust", editable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITABLE]);
}

double
didact_heatmap_get_step (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), 0);
  return self->step;
}

void
didact_heatmap_set_step (DidactHeatmap *self,
                         double         step)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (step > 0 && isfinite (step));

  if (self->step == step)
    return;
  self->step = step;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

gboolean
didact_heatmap_get_show_values (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), FALSE);
  return self->show_values;
}

void
didact_heatmap_set_show_values (DidactHeatmap *self,
                                gboolean       show_values)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  show_values = !!show_values;
  if (self->show_values == show_values)
    return;
  self->show_values = show_values;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_VALUES]);
}

const char *
didact_heatmap_get_accessible_label (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), NULL);
  return self->accessible_label;
}

void
didact_heatmap_set_accessible_label (DidactHeatmap *self,
                                     const char    *label)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  if (g_strcmp0 (self->accessible_label, label) == 0)
    return;
  g_free (self->accessible_label);
  self->accessible_label = g_strdup (label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label != NULL ? label : "",
                                  -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCESSIBLE_LABEL]);
}

gboolean
didact_heatmap_get_presentation (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), FALSE);
  return self->presentation;
}

void
didact_heatmap_set_presentation (DidactHeatmap *self,
                                 gboolean       presentation)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  presentation = !!presentation;
  if (self->presentation == presentation)
    return;
  self->presentation = presentation;
  invalidate_layout (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTATION]);
}
