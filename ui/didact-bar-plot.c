/* didact-bar-plot.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Groups of bars, one group per category (per-class margins): several
 * series side by side, and faint series drawn wider behind them (the
 * baseline arm behind the taught one). Axes with nice ticks, a zero line, a
 * legend and a hover read-out.
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-bar-plot.h"

#include <math.h>

#define MAX_TICKS 12

typedef struct
{
  guint id;
  char *label;
  GdkRGBA color;
  int palette_index;           /* -1 for a colour the caller chose */
  DidactSeriesStyle style;
  gboolean visible;
  double *values;
  int n_values;
} Series;

typedef struct
{
  double value;
  char text[48];
  int width, height;
} Tick;

typedef struct
{
  int width, height;
  guint64 serial;
  graphene_rect_t area;
  double y_lo, y_hi;
  Tick ticks[MAX_TICKS];
  int n_ticks;
  gboolean rotate_labels;
  int label_height;
} Layout;

struct _DidactBarPlot
{
  GtkWidget parent_instance;

  GStrv categories;
  guint n_categories;
  GPtrArray *series;           /* Series */
  guint next_series_id;

  char *title;
  char *y_label;
  gboolean show_legend;
  gboolean presentation;
  double fixed_lo, fixed_hi;   /* NaN: fit the data */

  Layout layout;
  guint64 layout_serial;

  gboolean hovering;
  double hover_x, hover_y;
};

static void didact_bar_plot_plot_init (DidactPlotInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DidactBarPlot, didact_bar_plot, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (DIDACT_TYPE_PLOT, didact_bar_plot_plot_init))

enum {
  PROP_0,
  PROP_TITLE,
  PROP_Y_LABEL,
  PROP_SHOW_LEGEND,
  PROP_PRESENTATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
series_free (gpointer data)
{
  Series *s = data;

  g_free (s->label);
  g_free (s->values);
  g_free (s);
}

static Series *
find_series (DidactBarPlot *self,
             guint          id)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      if (s->id == id)
        return s;
    }
  return NULL;
}

static void
invalidate (DidactBarPlot *self)
{
  self->layout_serial++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
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

static guint
legend_entries (DidactBarPlot         *self,
                DidactPlotLegendEntry *entries,
                guint                  max)
{
  guint n = 0;

  if (!self->show_legend)
    return 0;
  for (guint i = 0; i < self->series->len && n < max; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      if (s->visible && s->label != NULL && s->label[0] != '\0')
        entries[n++] = (DidactPlotLegendEntry) { s->label, s->color, s->style };
    }
  return n;
}

static void
data_range (DidactBarPlot *self,
            double        *lo,
            double        *hi)
{
  double v_min = 0, v_max = 0, pad;

  if (isfinite (self->fixed_lo) && isfinite (self->fixed_hi))
    {
      *lo = self->fixed_lo;
      *hi = self->fixed_hi;
      return;
    }

  /* bars grow from 0, so 0 is always in the range */
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      if (!s->visible)
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

static void
compute_layout (DidactBarPlot         *self,
                const DidactPlotStyle *style,
                int                    width,
                int                    height,
                Layout                *l)
{
  g_autoptr(PangoLayout) tick_layout = NULL;
  g_autoptr(PangoLayout) label_layout = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  double pad = 8 * style->font_scale, tick_len = 4 * style->font_scale;
  double values[MAX_TICKS], step, left, right, top, bottom, cw;
  int tick_h, label_h, cat_w = 0, cat_h = 0, first_w = 0, tick_w = 0, n = 0;

  *l = (Layout) { .width = width, .height = height, .serial = self->layout_serial };

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
  l->label_height = cat_h;

  {
    DidactPlotLegendEntry entries[16];
    guint n_entries = legend_entries (self, entries, G_N_ELEMENTS (entries));
    double header_h = didact_plot_header_height (cr, style, self->title, entries, n_entries, width);

    top = pad + (header_h > 0 ? header_h + pad : tick_h / 2);
  }
  right = 2 * pad;

  /* y ticks, which set the left margin */
  data_range (self, &l->y_lo, &l->y_hi);
  bottom = pad + tick_len + MAX (cat_h, tick_h);
  step = didact_plot_nice_ticks (l->y_lo, l->y_hi,
                                 CLAMP ((int) ((height - top - bottom) / (tick_h * 2.2)), 2, MAX_TICKS),
                                 values, &n);
  for (int i = 0; i < n; i++)
    {
      l->ticks[i].value = values[i];
      didact_plot_format_number (values[i], step, l->ticks[i].text, sizeof l->ticks[i].text);
      didact_plot_layout_size (tick_layout, l->ticks[i].text, &l->ticks[i].width, &l->ticks[i].height);
      tick_w = MAX (tick_w, l->ticks[i].width);
    }
  l->n_ticks = n;
  left = pad + tick_w + tick_len + pad / 2;
  if (self->y_label != NULL && self->y_label[0] != '\0')
    left += label_h + pad / 2;

  /* category labels across, or slanted when they do not fit */
  cw = self->n_categories > 0 ? (width - left - right) / self->n_categories : 0;
  if (cat_w > cw - 4 * style->font_scale)
    {
      l->rotate_labels = TRUE;
      bottom = pad + tick_len + (cat_w + cat_h) * G_SQRT2 / 2;
      left = MAX (left, first_w * G_SQRT2 / 2 - cw / 2 + pad);
    }

  l->area.origin.x = left;
  l->area.origin.y = top;
  l->area.size.width = MAX (width - left - right, 0);
  l->area.size.height = MAX (height - top - bottom, 0);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static const Layout *
ensure_layout (DidactBarPlot *self,
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

static double
value_to_y (const Layout *l,
            double        v)
{
  return l->area.origin.y + l->area.size.height -
         (v - l->y_lo) / (l->y_hi - l->y_lo) * l->area.size.height;
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
  guint n_slots = 0, slot = 0, faint_index = 0;
  gboolean any_faint = FALSE, faint = s->style == DIDACT_SERIES_FAINT;
  double cw, group, sw;

  if (!s->visible || category >= self->n_categories)
    return FALSE;

  for (guint i = 0; i < self->series->len; i++)
    {
      const Series *t = g_ptr_array_index (self->series, i);

      if (!t->visible)
        continue;
      if (t->style == DIDACT_SERIES_FAINT)
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

gboolean
didact_bar_plot_bar_rect (DidactBarPlot   *self,
                          int              width,
                          int              height,
                          guint            id,
                          guint            category,
                          graphene_rect_t *rect)
{
  const Layout *l;
  Series *s;
  double x, w, v, y0, y1;

  g_return_val_if_fail (DIDACT_IS_BAR_PLOT (self), FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  s = find_series (self, id);
  g_return_val_if_fail (s != NULL, FALSE);
  if (width <= 0 || height <= 0)
    return FALSE;
  l = ensure_layout (self, width, height);
  v = series_value (s, category);
  if (!isfinite (v) || !bar_span (self, l, s, category, &x, &w))
    return FALSE;

  y0 = value_to_y (l, CLAMP (0, l->y_lo, l->y_hi));
  y1 = value_to_y (l, CLAMP (v, l->y_lo, l->y_hi));
  graphene_rect_init (rect, x, MIN (y0, y1), w, fabs (y1 - y0));
  return TRUE;
}

/* ------------------------------------------------------------------------
 * Drawing
 */

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

static void
draw_hover (DidactBarPlot         *self,
            cairo_t               *cr,
            const DidactPlotStyle *style,
            const Layout          *l,
            int                    width,
            int                    height)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) colors = g_array_new (FALSE, FALSE, sizeof (GdkRGBA));
  double cw;
  guint c;

  if (!self->hovering || !category_at (self, l, self->hover_x, self->hover_y, &c))
    return;

  cw = l->area.size.width / self->n_categories;
  didact_plot_set_source (cr, &style->fg, 0.06);
  cairo_rectangle (cr, l->area.origin.x + c * cw, l->area.origin.y, cw, l->area.size.height);
  cairo_fill (cr);

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      char value[48];

      if (!s->visible)
        continue;
      didact_plot_format_number (series_value (s, c), 0, value, sizeof value);
      g_ptr_array_add (lines, g_strdup_printf ("%s: %s", s->label != NULL ? s->label : "", value));
      g_array_append_val (colors, s->color);
    }
  didact_plot_draw_readout (cr, style, width, height, self->hover_x, self->hover_y,
                            self->categories[c], (const char *const *) lines->pdata,
                            (const GdkRGBA *) colors->data, lines->len);
}

void
didact_bar_plot_draw (DidactBarPlot *self,
                      cairo_t       *cr,
                      int            width,
                      int            height)
{
  g_autoptr(PangoLayout) tick_layout = NULL;
  g_autoptr(PangoLayout) label_layout = NULL;
  DidactPlotStyle style;
  const Layout *l;
  const graphene_rect_t *area;
  double pad, tick_len, cw;
  int w, h;

  g_return_if_fail (DIDACT_IS_BAR_PLOT (self));
  g_return_if_fail (cr != NULL);

  if (width <= 0 || height <= 0)
    return;
  l = ensure_layout (self, width, height);
  area = &l->area;
  if (area->size.width < 10 || area->size.height < 10 || !(l->y_hi > l->y_lo))
    return;

  didact_plot_style_init (&style, GTK_WIDGET (self), self->presentation);
  pad = 8 * style.font_scale;
  tick_len = 4 * style.font_scale;
  tick_layout = didact_plot_style_layout (&style, cr, 0.85, PANGO_WEIGHT_NORMAL);
  label_layout = didact_plot_style_layout (&style, cr, 1.0, PANGO_WEIGHT_NORMAL);

  cairo_save (cr);

  /* grid and y axis */
  cairo_set_line_width (cr, 1);
  didact_plot_set_source (cr, &style.fg, 0.12);
  for (int i = 0; i < l->n_ticks; i++)
    {
      cairo_move_to (cr, area->origin.x, round (value_to_y (l, l->ticks[i].value)) + 0.5);
      cairo_rel_line_to (cr, area->size.width, 0);
    }
  cairo_stroke (cr);
  didact_plot_set_source (cr, &style.fg, 0.45);
  cairo_move_to (cr, round (area->origin.x) + 0.5, area->origin.y);
  cairo_rel_line_to (cr, 0, area->size.height);
  cairo_stroke (cr);
  for (int i = 0; i < l->n_ticks; i++)
    {
      double y = value_to_y (l, l->ticks[i].value);

      didact_plot_set_source (cr, &style.fg, 0.45);
      cairo_move_to (cr, area->origin.x - tick_len, round (y) + 0.5);
      cairo_rel_line_to (cr, tick_len, 0);
      cairo_stroke (cr);
      pango_layout_set_text (tick_layout, l->ticks[i].text, -1);
      didact_plot_set_source (cr, &style.fg, 0.75);
      cairo_move_to (cr, area->origin.x - tick_len - pad / 2 - l->ticks[i].width,
                     y - l->ticks[i].height / 2.0);
      pango_cairo_show_layout (cr, tick_layout);
    }

  /* bars: faint ones first, behind */
  cw = self->n_categories > 0 ? area->size.width / self->n_categories : 0;
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->series->len; i++)
      {
        Series *s = g_ptr_array_index (self->series, i);
        gboolean faint = s->style == DIDACT_SERIES_FAINT;

        if (!s->visible || faint != (pass == 0))
          continue;
        for (guint c = 0; c < self->n_categories; c++)
          {
            graphene_rect_t rect;

            if (!didact_bar_plot_bar_rect (self, width, height, s->id, c, &rect))
              continue;
            cairo_rectangle (cr, rect.origin.x, rect.origin.y, rect.size.width, rect.size.height);
            if (s->style == DIDACT_SERIES_DASHED)
              {
                /* outlined, so it reads as different without colour */
                double dash[] = { 4 * style.line_scale, 2 * style.line_scale };

                didact_plot_set_source (cr, &s->color, 0.25);
                cairo_fill_preserve (cr);
                cairo_save (cr);
                cairo_set_dash (cr, dash, 2, 0);
                cairo_set_line_width (cr, 1.5 * style.line_scale);
                didact_plot_set_source (cr, &s->color, 1);
                cairo_stroke (cr);
                cairo_restore (cr);
              }
            else
              {
                didact_plot_set_source (cr, &s->color, faint ? 0.3 : 0.9);
                cairo_fill (cr);
              }
          }
      }

  /* the zero line */
  if (0 >= l->y_lo && 0 <= l->y_hi)
    {
      cairo_set_line_width (cr, 1 * style.line_scale);
      didact_plot_set_source (cr, &style.fg, 0.6);
      cairo_move_to (cr, area->origin.x, round (value_to_y (l, 0)) + 0.5);
      cairo_rel_line_to (cr, area->size.width, 0);
      cairo_stroke (cr);
    }

  /* category labels */
  didact_plot_set_source (cr, &style.fg, 0.8);
  for (guint c = 0; c < self->n_categories; c++)
    {
      double cx = area->origin.x + (c + 0.5) * cw;
      double y = area->origin.y + area->size.height + tick_len;

      didact_plot_layout_size (tick_layout, self->categories[c], &w, &h);
      if (l->rotate_labels)
        {
          /* slanted down to the left, ending under the group */
          cairo_save (cr);
          cairo_translate (cr, cx, y);
          cairo_rotate (cr, -G_PI / 4);
          cairo_move_to (cr, -w, 0);
          pango_cairo_update_layout (cr, tick_layout);
          pango_cairo_show_layout (cr, tick_layout);
          cairo_restore (cr);
          pango_cairo_update_layout (cr, tick_layout);
        }
      else
        {
          cairo_move_to (cr, cx - w / 2.0, y);
          pango_cairo_show_layout (cr, tick_layout);
        }
    }

  /* y label and title */
  didact_plot_set_source (cr, &style.fg, 0.9);
  if (self->y_label != NULL && self->y_label[0] != '\0')
    {
      didact_plot_layout_size (label_layout, self->y_label, &w, &h);
      cairo_save (cr);
      cairo_move_to (cr, pad, area->origin.y + (area->size.height + w) / 2);
      cairo_rotate (cr, -G_PI / 2);
      pango_cairo_update_layout (cr, label_layout);
      pango_cairo_show_layout (cr, label_layout);
      cairo_restore (cr);
    }
  cairo_restore (cr);

  {
    DidactPlotLegendEntry entries[16];
    guint n_entries = legend_entries (self, entries, G_N_ELEMENTS (entries));

    didact_plot_draw_header (cr, &style, self->title, area->origin.x, entries, n_entries,
                             DIDACT_PLOT_SWATCH_BOX, width);
  }
  if (!didact_plot_is_exporting (GTK_WIDGET (self)))
    draw_hover (self, cr, &style, l, width, height);

  didact_plot_style_clear (&style);
}

/* ------------------------------------------------------------------------
 * GtkWidget
 */

static void
didact_bar_plot_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  didact_bar_plot_draw (DIDACT_BAR_PLOT (widget), cr, width, height);
  cairo_destroy (cr);
}

static void
didact_bar_plot_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  gboolean presentation = DIDACT_BAR_PLOT (widget)->presentation;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = presentation ? 320 : 200;
      *natural = presentation ? 720 : 480;
    }
  else
    {
      *minimum = presentation ? 200 : 120;
      *natural = presentation ? 450 : 300;
    }
}

static void
didact_bar_plot_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (didact_bar_plot_parent_class)->css_changed (widget, change);
  invalidate (DIDACT_BAR_PLOT (widget));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           DidactBarPlot            *self)
{
  self->hovering = TRUE;
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          DidactBarPlot            *self)
{
  self->hovering = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
didact_bar_plot_plot_draw (DidactPlot *plot,
                           cairo_t    *cr,
                           int         width,
                           int         height)
{
  didact_bar_plot_draw (DIDACT_BAR_PLOT (plot), cr, width, height);
}

static void
didact_bar_plot_plot_init (DidactPlotInterface *iface)
{
  iface->draw = didact_bar_plot_plot_draw;
}

static void
didact_bar_plot_finalize (GObject *object)
{
  DidactBarPlot *self = DIDACT_BAR_PLOT (object);

  g_clear_pointer (&self->categories, g_strfreev);
  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->y_label, g_free);

  G_OBJECT_CLASS (didact_bar_plot_parent_class)->finalize (object);
}

static void
didact_bar_plot_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DidactBarPlot *self = DIDACT_BAR_PLOT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_Y_LABEL:
      g_value_set_string (value, self->y_label);
      break;
    case PROP_SHOW_LEGEND:
      g_value_set_boolean (value, self->show_legend);
      break;
    case PROP_PRESENTATION:
      g_value_set_boolean (value, self->presentation);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
didact_bar_plot_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DidactBarPlot *self = DIDACT_BAR_PLOT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      didact_bar_plot_set_title (self, g_value_get_string (value));
      break;
    case PROP_Y_LABEL:
      didact_bar_plot_set_y_label (self, g_value_get_string (value));
      break;
    case PROP_SHOW_LEGEND:
      didact_bar_plot_set_show_legend (self, g_value_get_boolean (value));
      break;
    case PROP_PRESENTATION:
      didact_bar_plot_set_presentation (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
didact_bar_plot_class_init (DidactBarPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = didact_bar_plot_finalize;
  object_class->get_property = didact_bar_plot_get_property;
  object_class->set_property = didact_bar_plot_set_property;

  widget_class->snapshot = didact_bar_plot_snapshot;
  widget_class->measure = didact_bar_plot_measure;
  widget_class->css_changed = didact_bar_plot_css_changed;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_Y_LABEL] =
    g_param_spec_string ("y-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_LEGEND] =
    g_param_spec_boolean ("show-legend", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRESENTATION] =
    g_param_spec_boolean ("presentation", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "didact-bar-plot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
didact_bar_plot_init (DidactBarPlot *self)
{
  GtkEventController *motion;

  self->series = g_ptr_array_new_with_free_func (series_free);
  self->categories = g_new0 (char *, 1);
  self->next_series_id = 1;
  self->show_legend = TRUE;
  self->fixed_lo = self->fixed_hi = NAN;

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
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
  invalidate (self);
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

  s = g_new0 (Series, 1);
  s->id = self->next_series_id++;
  s->label = g_strdup (label);
  s->style = style;
  s->visible = TRUE;
  if (color != NULL)
    {
      s->color = *color;
      s->palette_index = -1;
    }
  else
    {
      for (int index = 0; ; index++)
        {
          gboolean used = FALSE;

          for (guint i = 0; i < self->series->len && !used; i++)
            used = ((Series *) g_ptr_array_index (self->series, i))->palette_index == index;
          if (!used)
            {
              s->palette_index = index;
              break;
            }
        }
      didact_plot_palette_color (s->palette_index, &s->color);
    }
  g_ptr_array_add (self->series, s);
  invalidate (self);
  return s->id;
}

void
didact_bar_plot_remove_series (DidactBarPlot *self,
                               guint          id)
{
  Series *s;

  g_return_if_fail (DIDACT_IS_BAR_PLOT (self));

  s = find_series (self, id);
  g_return_if_fail (s != NULL);
  g_ptr_array_remove (self->series, s);
  invalidate (self);
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
  invalidate (self);
}

void
didact_bar_plot_set_series_visible (DidactBarPlot *self,
                                    guint          id,
                                    gboolean       visible)
{
  Series *s;

  g_return_if_fail (DIDACT_IS_BAR_PLOT (self));

  s = find_series (self, id);
  g_return_if_fail (s != NULL);
  if (s->visible == !!visible)
    return;
  s->visible = !!visible;
  invalidate (self);
}

void
didact_bar_plot_get_series_color (DidactBarPlot *self,
                                  guint          id,
                                  GdkRGBA       *color)
{
  Series *s;

  g_return_if_fail (DIDACT_IS_BAR_PLOT (self));
  g_return_if_fail (color != NULL);

  s = find_series (self, id);
  g_return_if_fail (s != NULL);
  *color = s->color;
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
  invalidate (self);
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

/* ------------------------------------------------------------------------
 * Properties
 */

const char *
didact_bar_plot_get_title (DidactBarPlot *self)
{
  g_return_val_if_fail (DIDACT_IS_BAR_PLOT (self), NULL);
  return self->title;
}

void
didact_bar_plot_set_title (DidactBarPlot *self,
                           const char    *title)
{
  g_return_if_fail (DIDACT_IS_BAR_PLOT (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title != NULL ? title : "", -1);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
didact_bar_plot_get_y_label (DidactBarPlot *self)
{
  g_return_val_if_fail (DIDACT_IS_BAR_PLOT (self), NULL);
  return self->y_label;
}

void
didact_bar_plot_set_y_label (DidactBarPlot *self,
                             const char    *label)
{
  g_return_if_fail (DIDACT_IS_BAR_PLOT (self));

  if (g_strcmp0 (self->y_label, label) == 0)
    return;
  g_free (self->y_label);
  self->y_label = g_strdup (label);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_Y_LABEL]);
}

gboolean
didact_bar_plot_get_show_legend (DidactBarPlot *self)
{
  g_return_val_if_fail (DIDACT_IS_BAR_PLOT (self), FALSE);
  return self->show_legend;
}

void
didact_bar_plot_set_show_legend (DidactBarPlot *self,
                                 gboolean       show_legend)
{
  g_return_if_fail (DIDACT_IS_BAR_PLOT (self));

  show_legend = !!show_legend;
  if (self->show_legend == show_legend)
    return;
  self->show_legend = show_legend;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_LEGEND]);
}

gboolean
didact_bar_plot_get_presentation (DidactBarPlot *self)
{
  g_return_val_if_fail (DIDACT_IS_BAR_PLOT (self), FALSE);
  return self->presentation;
}

void
didact_bar_plot_set_presentation (DidactBarPlot *self,
                                  gboolean       presentation)
{
  g_return_if_fail (DIDACT_IS_BAR_PLOT (self));

  presentation = !!presentation;
  if (self->presentation == presentation)
    return;
  self->presentation = presentation;
  invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTATION]);
}
