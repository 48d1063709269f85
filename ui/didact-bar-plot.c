/* didact-bar-plot.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Groups of bars, one group per category (per-class margins): several
 * series side by side, and faint series drawn wider behind them (the
 * baseline arm behind the taught one), over DidactPlot's title, legend and
 * read-out.
 *
 * The layers: the frame is the grid, the value axis and the category
 * labels; the data are the bars, faint ones first; the mark is the zero
 * line; the hover shades the category under the pointer and reads out its
 * values.
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-bar-plot.h"
#include "didact-plot-private.h"

#include <math.h>

typedef struct
{
  DidactPlotSeries base;
  double *values;
  int n_values;
} Series;

typedef struct
{
  int width, height;
  guint64 serial;
  graphene_rect_t area;
  double y_lo, y_hi;
  DidactPlotTick ticks[DIDACT_PLOT_MAX_TICKS];
  int n_ticks;
  gboolean rotate_labels;
} Layout;

struct _DidactBarPlot
{
  DidactPlot parent_instance;

  GStrv categories;
  guint n_categories;
  double fixed_lo, fixed_hi;   /* NaN: fit the data */

  Layout layout;
};

G_DEFINE_FINAL_TYPE (DidactBarPlot, didact_bar_plot, DIDACT_TYPE_PLOT)

static Series *
find_series (DidactBarPlot *self,
             guint          id)
{
  return _didact_plot_find_series (DIDACT_PLOT (self), id);
}

static double
series_value (const Series *s,
              guint         category)
{
  return (int) category < s->n_values ? s->values[category] : NAN;
}

/* ------------------------------------------------------------------------
 * Layout
 */

static void
data_range (DidactBarPlot *self,
            double        *lo,
            double        *hi)
{
  GPtrArray *series = _didact_plot_get_series (DIDACT_PLOT (self));
  double v_min = 0, v_max = 0, pad;

  if (isfinite (self->fixed_lo) && isfinite (self->fixed_hi))
    {
      *lo = self->fixed_lo;
      *hi = self->fixed_hi;
      return;
    }

  /* bars grow from 0, so 0 is always in the range */
  for (guint i = 0; i < series->len; i++)
    {
      Series *s = g_ptr_array_index (series, i);

      if (!s->base.visible)
        continue;
      for (int c = 0; c < s->n_values && c < (int) self->n_categories; c++)
        if (isfinite (s->values[c]))
          {
            v_min = MIN (v_min, s->values[c]);
            v_max = MAX (v_max, s->values[c]);
          }
    }
  if (v_max == v_min)
    v_max = 1;
  pad = (v_max - v_min) * 0.05;
  *lo = v_min < 0 ? v_min - pad : 0;
  *hi = v_max > 0 ? v_max + pad : 0;
}

static double
value_to_y (const Layout *l,
            double        v)
{
  return l->area.origin.y + l->area.size.height -
         (v - l->y_lo) / (l->y_hi - l->y_lo) * l->area.size.height;
}

static gboolean
has_text (const char *text)
{
  return text != NULL && text[0] != '\0';
}

/* The value axis's ticks set the left margin; the category labels go
 * across, or slanted when they do not fit under their group. */
static void
compute_layout (DidactBarPlot         *self,
                const DidactPlotStyle *style,
                int                    width,
                int                    height,
                Layout                *l)
{
  DidactPlot *plot = DIDACT_PLOT (self);
  g_autoptr(PangoLayout) tick_layout = NULL;
  g_autoptr(PangoLayout) label_layout = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  double pad = 8 * style->font_scale, tick_len = 4 * style->font_scale;
  double left, right, top, bottom, cw, header_h, x_label_h = 0;
  int tick_h, label_h, cat_w = 0, cat_h = 0, first_w = 0, tick_w = 0;

  *l = (Layout) { .width = width, .height = height, .serial = _didact_plot_get_layout_serial (plot) };

  /* measured on a scratch surface, so the geometry is the same whatever
   * the drawing goes to */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cr = cairo_create (surface);
  tick_layout = didact_plot_style_layout (style, cr, 0.85, PANGO_WEIGHT_NORMAL);
  label_layout = didact_plot_style_layout (style, cr, 1.0, PANGO_WEIGHT_NORMAL);
  didact_plot_layout_size (tick_layout, "0123456789", NULL, &tick_h);
  didact_plot_layout_size (label_layout, "Ag", NULL, &label_h);

  for (guint c = 0; c < self->n_categories; c++)
    {
      int w, h;

      didact_plot_layout_size (tick_layout, self->categories[c], &w, &h);
      cat_w = MAX (cat_w, w);
      cat_h = MAX (cat_h, h);
      if (c == 0)
        first_w = w;
    }

  header_h = _didact_plot_header_height (plot, cr, style, width);
  top = pad + (header_h > 0 ? header_h + pad : tick_h / 2);
  right = 2 * pad;

  data_range (self, &l->y_lo, &l->y_hi);
  if (has_text (didact_plot_get_x_label (plot)))
    x_label_h = label_h + pad / 2;
  bottom = pad + tick_len + MAX (cat_h, tick_h) + x_label_h;
  l->n_ticks = didact_plot_make_ticks (tick_layout, l->y_lo, l->y_hi, FALSE,
                                       (int) ((height - top - bottom) / (tick_h * 2.2)),
                                       l->ticks, &tick_w);
  left = pad + tick_w + tick_len + pad / 2;
  if (has_text (didact_plot_get_y_label (plot)))
    left += label_h + pad / 2;

  cw = self->n_categories > 0 ? (width - left - right) / self->n_categories : 0;
  if (cat_w > cw - 4 * style->font_scale)
    {
      l->rotate_labels = TRUE;
      bottom = pad + tick_len + (cat_w + cat_h) * G_SQRT2 / 2 + x_label_h;
      left = MAX (left, first_w * G_SQRT2 / 2 - cw / 2 + pad);
    }

  l->area.origin.x = left;
  l->area.origin.y = top;
  l->area.size.width = MAX (width - left - right, 0);
  l->area.size.height = MAX (height - top - bottom, 0);
  for (int i = 0; i < l->n_ticks; i++)
    l->ticks[i].position = value_to_y (l, l->ticks[i].value);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* The layout at this size, computed with @style (NULL: the widget's). */
static const Layout *
ensure_layout (DidactBarPlot         *self,
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

/* The horizontal extent of series @s's bar in @category. */
static gboolean
bar_span (DidactBarPlot *self,
          const Layout  *l,
          const Series  *s,
          guint          category,
          double        *x,
          double        *w)
{
  GPtrArray *series = _didact_plot_get_series (DIDACT_PLOT (self));
  guint n_slots = 0, slot = 0, faint_index = 0;
  gboolean any_faint = FALSE, faint = s->base.style == DIDACT_SERIES_FAINT;
  double cw, group, sw;

  if (!s->base.visible || category >= self->n_categories)
    return FALSE;

  for (guint i = 0; i < series->len; i++)
    {
      const Series *t = g_ptr_array_index (series, i);

      if (!t->base.visible)
        continue;
      if (t->base.style == DIDACT_SERIES_FAINT)
        {
          if (t == s)
            slot = faint_index;
          faint_index++;
          any_faint = TRUE;
        }
      else
        {
          if (t == s)
            slot = n_slots;
          n_slots++;
        }
    }
  /* only faint series: they take the slots themselves */
  if (n_slots == 0)
    {
      n_slots = faint_index;
      any_faint = FALSE;
      faint = FALSE;
    }
  else if (faint)
    slot %= n_slots;

  cw = l->area.size.width / self->n_categories;
  group = cw * 0.8;
  sw = group / n_slots;
  *x = l->area.origin.x + category * cw + (cw - group) / 2 + slot * sw;
  if (faint)
    {
      *x += sw * 0.04;
      *w = sw * 0.92;
    }
  else if (any_faint)
    {
      *x += sw * 0.22;
      *w = sw * 0.56;
    }
  else
    {
      *x += sw * 0.06;
      *w = sw * 0.88;
    }
  return TRUE;
}

static gboolean
bar_rect (DidactBarPlot   *self,
          const Layout    *l,
          const Series    *s,
          guint            category,
          graphene_rect_t *rect)
{
  double x, w, v = series_value (s, category), y0, y1;

  if (!isfinite (v) || !bar_span (self, l, s, category, &x, &w))
    return FALSE;
  y0 = value_to_y (l, CLAMP (0, l->y_lo, l->y_hi));
  y1 = value_to_y (l, CLAMP (v, l->y_lo, l->y_hi));
  graphene_rect_init (rect, x, MIN (y0, y1), w, fabs (y1 - y0));
  return TRUE;
}

gboolean
didact_bar_plot_bar_rect (DidactBarPlot   *self,
                          int              width,
                          int              height,
                          guint            id,
                          guint            category,
                          graphene_rect_t *rect)
{
  Series *s;

  g_return_val_if_fail (DIDACT_IS_BAR_PLOT (self), FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  s = find_series (self, id);
  g_return_val_if_fail (s != NULL, FALSE);
  if (width <= 0 || height <= 0)
    return FALSE;
  return bar_rect (self, ensure_layout (self, NULL, width, height), s, category, rect);
}

static gboolean
didact_bar_plot_layout (DidactPlot      *plot,
                        DidactPlotFrame *frame)
{
  DidactBarPlot *self = DIDACT_BAR_PLOT (plot);
  const Layout *l = ensure_layout (self, &frame->style, frame->width, frame->height);

  frame->area = l->area;
  return l->area.size.width >= 10 && l->area.size.height >= 10 && l->y_hi > l->y_lo;
}

/* ------------------------------------------------------------------------
 * Layers
 */

static void
draw_category_labels (DidactBarPlot         *self,
                      const DidactPlotFrame *frame,
                      PangoLayout           *layout)
{
  const Layout *l = &self->layout;
  const graphene_rect_t *area = &l->area;
  cairo_t *cr = frame->cr;
  double cw = self->n_categories > 0 ? area->size.width / self->n_categories : 0;
  double y = area->origin.y + area->size.height + 4 * frame->style.font_scale;
  int w, h;

  didact_plot_set_source (cr, &frame->style.fg, 0.8);
  for (guint c = 0; c < self->n_categories; c++)
    {
      double cx = area->origin.x + (c + 0.5) * cw;

      didact_plot_layout_size (layout, self->categories[c], &w, &h);
      if (l->rotate_labels)
        {
          /* slanted down to the left, ending under the group */
          cairo_save (cr);
          cairo_translate (cr, cx, y);
          cairo_rotate (cr, -G_PI / 4);
          cairo_move_to (cr, -w, 0);
          pango_cairo_update_layout (cr, layout);
          pango_cairo_show_layout (cr, layout);
          cairo_restore (cr);
          pango_cairo_update_layout (cr, layout);
        }
      else
        {
          cairo_move_to (cr, cx - w / 2.0, y);
          pango_cairo_show_layout (cr, layout);
        }
    }
}

static void
didact_bar_plot_draw_frame (DidactPlot            *plot,
                            const DidactPlotFrame *frame)
{
  DidactBarPlot *self = DIDACT_BAR_PLOT (plot);
  const DidactPlotStyle *style = &frame->style;
  const Layout *l = &self->layout;
  g_autoptr(PangoLayout) tick_layout = didact_plot_style_layout (style, frame->cr, 0.85, PANGO_WEIGHT_NORMAL);

  didact_plot_draw_grid (frame->cr, style, &l->area, l->ticks, l->n_ticks, NULL, 0);
  didact_plot_draw_axis_lines (frame->cr, style, &l->area, FALSE);
  didact_plot_draw_y_ticks (frame->cr, style, tick_layout, &l->area, l->ticks, l->n_ticks,
                            4 * style->font_scale);
  draw_category_labels (self, frame, tick_layout);
  didact_plot_draw_axis_labels (frame->cr, style, &l->area, frame->height,
                                didact_plot_get_x_label (plot), didact_plot_get_y_label (plot));
}

static void
draw_bar (cairo_t               *cr,
          const DidactPlotStyle *style,
          const Series          *s,
          const graphene_rect_t *rect)
{
  cairo_rectangle (cr, rect->origin.x, rect->origin.y, rect->size.width, rect->size.height);
  if (s->base.style == DIDACT_SERIES_DASHED)
    {
      /* outlined, so it reads as different without colour */
      double dash[] = { 4 * style->line_scale, 2 * style->line_scale };

      didact_plot_set_source (cr, &s->base.color, 0.25);
      cairo_fill_preserve (cr);
      cairo_save (cr);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_set_line_width (cr, 1.5 * style->line_scale);
      didact_plot_set_source (cr, &s->base.color, 1);
      cairo_stroke (cr);
      cairo_restore (cr);
    }
  else
    {
      didact_plot_set_source (cr, &s->base.color, s->base.style == DIDACT_SERIES_FAINT ? 0.3 : 0.9);
      cairo_fill (cr);
    }
}

/* Faint bars first, behind the others. */
static void
didact_bar_plot_draw_data (DidactPlot            *plot,
                           const DidactPlotFrame *frame)
{
  DidactBarPlot *self = DIDACT_BAR_PLOT (plot);
  GPtrArray *series = _didact_plot_get_series (plot);

  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < series->len; i++)
      {
        const Series *s = g_ptr_array_index (series, i);

        if (!s->base.visible || (s->base.style == DIDACT_SERIES_FAINT) != (pass == 0))
          continue;
        for (guint c = 0; c < self->n_categories; c++)
          {
            graphene_rect_t rect;

            if (bar_rect (self, &self->layout, s, c, &rect))
              draw_bar (frame->cr, &frame->style, s, &rect);
          }
      }
}

/* The zero line, over the bars. */
static void
didact_bar_plot_draw_marks (DidactPlot            *plot,
                            const DidactPlotFrame *frame)
{
  const Layout *l = &DIDACT_BAR_PLOT (plot)->layout;
  cairo_t *cr = frame->cr;

  if (!(0 >= l->y_lo && 0 <= l->y_hi))
    return;
  cairo_set_line_width (cr, 1 * frame->style.line_scale);
  didact_plot_set_source (cr, &frame->style.fg, 0.6);
  cairo_move_to (cr, l->area.origin.x, round (value_to_y (l, 0)) + 0.5);
  cairo_rel_line_to (cr, l->area.size.width, 0);
  cairo_stroke (cr);
}

static gboolean
category_at (DidactBarPlot *self,
             const Layout  *l,
             double         x,
             double         y,
             guint         *category)
{
  double c;

  if (self->n_categories == 0 || !graphene_rect_contains_point (&l->area, &GRAPHENE_POINT_INIT (x, y)))
    return FALSE;
  c = floor ((x - l->area.origin.x) / (l->area.size.width / self->n_categories));
  if (c < 0 || c >= self->n_categories)
    return FALSE;
  *category = (guint) c;
  return TRUE;
}

/* The category under the pointer shaded, and its values read out. */
static void
didact_bar_plot_draw_hover (DidactPlot            *plot,
                            const DidactPlotFrame *frame,
                            double                 x,
                            double                 y,
                            DidactPlotReadout     *readout)
{
  DidactBarPlot *self = DIDACT_BAR_PLOT (plot);
  GPtrArray *series = _didact_plot_get_series (plot);
  const Layout *l = &self->layout;
  double cw;
  guint c;

  if (!category_at (self, l, x, y, &c))
    return;

  cw = l->area.size.width / self->n_categories;
  didact_plot_set_source (frame->cr, &frame->style.fg, 0.06);
  cairo_rectangle (frame->cr, l->area.origin.x + c * cw, l->area.origin.y, cw, l->area.size.height);
  cairo_fill (frame->cr);

  didact_plot_readout_set_title (readout, "%s", self->categories[c]);
  for (guint i = 0; i < series->len; i++)
    {
      const Series *s = g_ptr_array_index (series, i);
      char value[48];

      if (!s->base.visible)
        continue;
      didact_plot_format_number (series_value (s, c), 0, value, sizeof value);
      didact_plot_readout_add (readout, &s->base.color, "%s: %s",
                               s->base.label != NULL ? s->base.label : "", value);
    }
}

/* ------------------------------------------------------------------------
 * GObject
 */

static void
series_clear (gpointer data)
{
  Series *s = data;

  g_clear_pointer (&s->values, g_free);
}

static void
didact_bar_plot_finalize (GObject *object)
{
  DidactBarPlot *self = DIDACT_BAR_PLOT (object);

  g_clear_pointer (&self->categories, g_strfreev);

  G_OBJECT_CLASS (didact_bar_plot_parent_class)->finalize (object);
}

static void
didact_bar_plot_class_init (DidactBarPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DidactPlotClass *plot_class = DIDACT_PLOT_CLASS (klass);

  object_class->finalize = didact_bar_plot_finalize;

  plot_class->layout = didact_bar_plot_layout;
  plot_class->draw_frame = didact_bar_plot_draw_frame;
  plot_class->draw_data = didact_bar_plot_draw_data;
  plot_class->draw_marks = didact_bar_plot_draw_marks;
  plot_class->draw_hover = didact_bar_plot_draw_hover;
  plot_class->series_clear = series_clear;
  plot_class->legend_swatch = DIDACT_PLOT_SWATCH_BOX;

  gtk_widget_class_set_css_name (widget_class, "didact-bar-plot");
}

static void
didact_bar_plot_init (DidactBarPlot *self)
{
  self->categories = g_new0 (char *, 1);
  self->fixed_lo = self->fixed_hi = NAN;
}

GtkWidget *
didact_bar_plot_new (void)
{
  return g_object_new (DIDACT_TYPE_BAR_PLOT, NULL);
}

/* ------------------------------------------------------------------------
 * Data
 */

void
didact_bar_plot_set_categories (DidactBarPlot     *self,
                                const char *const *labels)
{
  g_return_if_fail (DIDACT_IS_BAR_PLOT (self));

  g_strfreev (self->categories);
  self->categories = labels != NULL ? g_strdupv ((char **) labels) : g_new0 (char *, 1);
  self->n_categories = g_strv_length (self->categories);
  _didact_plot_invalidate_layout (DIDACT_PLOT (self));
}

guint
didact_bar_plot_get_n_categories (DidactBarPlot *self)
{
  g_return_val_if_fail (DIDACT_IS_BAR_PLOT (self), 0);
  return self->n_categories;
}

guint
didact_bar_plot_add_series (DidactBarPlot     *self,
                            const char        *label,
                            const GdkRGBA     *color,
                            DidactSeriesStyle  style)
{
  Series *s;

  g_return_val_if_fail (DIDACT_IS_BAR_PLOT (self), 0);

  s = _didact_plot_add_series (DIDACT_PLOT (self), sizeof (Series), label, color, style);
  _didact_plot_data_changed (DIDACT_PLOT (self));
  return s->base.id;
}

void
didact_bar_plot_set_series_values (DidactBarPlot *self,
                                   guint          id,
                                   const double  *values,
                                   int            n)
{
  Series *s;

  g_return_if_fail (DIDACT_IS_BAR_PLOT (self));
  g_return_if_fail (n >= 0);
  g_return_if_fail (values != NULL || n == 0);

  s = find_series (self, id);
  g_return_if_fail (s != NULL);

  g_free (s->values);
  s->values = g_memdup2 (values, sizeof (double) * n);
  s->n_values = n;
  _didact_plot_data_changed (DIDACT_PLOT (self));
}

void
didact_bar_plot_set_y_range (DidactBarPlot *self,
                             double         lo,
                             double         hi)
{
  g_return_if_fail (DIDACT_IS_BAR_PLOT (self));
  g_return_if_fail (isnan (lo) || isnan (hi) || hi > lo);

  self->fixed_lo = isnan (hi) ? NAN : lo;
  self->fixed_hi = isnan (lo) ? NAN : hi;
  _didact_plot_invalidate_layout (DIDACT_PLOT (self));
}

void
didact_bar_plot_get_y_range (DidactBarPlot *self,
                             double        *lo,
                             double        *hi)
{
  double l, h;

  g_return_if_fail (DIDACT_IS_BAR_PLOT (self));

  data_range (self, &l, &h);
  if (lo != NULL)
    *lo = l;
  if (hi != NULL)
    *hi = h;
}
