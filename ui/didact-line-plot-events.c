/* didact-line-plot-events.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a line plot marks besides its series: markers (a dashed vertical
 * line and a label for an edit or a fork) and event ticks (a small mark on
 * the bottom edge of the plot area per teacher update, with a description
 * that the hover read-out lists).
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-line-plot-private.h"

#include <math.h>

/* pixels either side of the pointer within which a tick is "at" it */
#define TICK_HOVER_PIXELS 4.0

/* ------------------------------------------------------------------------
 * Drawing
 */

static gboolean
tick_group_hidden (DidactLinePlot *self,
                   guint           group)
{
  for (guint i = 0; i < self->hidden_groups->len; i++)
    if (g_array_index (self->hidden_groups, guint, i) == group)
      return TRUE;
  return FALSE;
}

/* the first tick with x ≥ value */
static guint
tick_lower_bound (DidactLinePlot *self,
                  double          value)
{
  guint lo = 0, hi = self->ticks->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->ticks, EventTick, mid).x < value)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Markers are kept sorted by x, so a label that would cover the one
 * before it can be dropped. */
void
_didact_line_plot_draw_markers (DidactLinePlot        *self,
                                const DidactPlotFrame *frame)
{
  cairo_t *cr = frame->cr;
  const DidactPlotStyle *style = &frame->style;
  const graphene_rect_t *area = &frame->area;
  g_autoptr(PangoLayout) layout = NULL;
  double dash[] = { 4 * style->line_scale, 3 * style->line_scale };
  double sx = area->size.width / (self->x_hi - self->x_lo);
  double label_end = -INFINITY;

  if (self->markers->len == 0)
    return;

  layout = didact_plot_style_layout (style, cr, 0.8, PANGO_WEIGHT_NORMAL);
  cairo_save (cr);
  cairo_set_line_width (cr, 1 * style->line_scale);
  for (guint k = 0; k < self->markers->len; k++)
    {
      const Marker *m = &g_array_index (self->markers, Marker, k);
      const GdkRGBA *color = m->has_color ? &m->color : &style->fg;
      double x;
      int w, h;

      if (!(m->x >= self->x_lo && m->x <= self->x_hi))
        continue;
      x = area->origin.x + round ((m->x - self->x_lo) * sx) + 0.5;

      cairo_set_dash (cr, dash, 2, 0);
      didact_plot_set_source (cr, color, 0.8);
      cairo_move_to (cr, x, area->origin.y);
      cairo_line_to (cr, x, area->origin.y + area->size.height);
      cairo_stroke (cr);

      if (m->label == NULL || m->label[0] == '\0' || x < label_end)
        continue;
      didact_plot_layout_size (layout, m->label, &w, &h);
      if (x + 3 + w > area->origin.x + area->size.width)
        continue;
      cairo_set_dash (cr, NULL, 0, 0);
      didact_plot_set_source (cr, color, 1);
      cairo_move_to (cr, x + 3, area->origin.y + 2);
      pango_cairo_show_layout (cr, layout);
      label_end = x + 3 + w + 4;
    }
  cairo_restore (cr);
}

/* Ticks sit on the bottom edge of the plot area, over the lines; several in
 * one pixel column are drawn once per shape. */
void
_didact_line_plot_draw_ticks (DidactLinePlot        *self,
                              const DidactPlotFrame *frame)
{
  cairo_t *cr = frame->cr;
  const DidactPlotStyle *style = &frame->style;
  const graphene_rect_t *area = &frame->area;
  double sx = area->size.width / (self->x_hi - self->x_lo);
  double bottom = area->origin.y + area->size.height;
  double ls = style->line_scale;
  double last_x[3] = { -INFINITY, -INFINITY, -INFINITY };

  if (self->ticks->len == 0)
    return;
  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  /* faint ticks first, so that the eventful ones are on top */
  for (int pass = 0; pass < 2; pass++)
    for (guint k = tick_lower_bound (self, self->x_lo); k < self->ticks->len; k++)
      {
        const EventTick *t = &g_array_index (self->ticks, EventTick, k);
        double x;

        if (t->x > self->x_hi)
          break;
        if ((t->shape == DIDACT_TICK_FAINT) != (pass == 0) || tick_group_hidden (self, t->group))
          continue;
        x = area->origin.x + round ((t->x - self->x_lo) * sx) + 0.5;
        if (x == last_x[t->shape])
          continue;
        last_x[t->shape] = x;
        switch (t->shape)
          {
          case DIDACT_TICK_FAINT:
            cairo_set_line_width (cr, 1 * ls);
            didact_plot_set_source (cr, &t->color, 0.35);
            cairo_move_to (cr, x, bottom);
            cairo_rel_line_to (cr, 0, -4 * ls);
            cairo_stroke (cr);
            break;
          case DIDACT_TICK_BAR:
            cairo_set_line_width (cr, 2 * ls);
            didact_plot_set_source (cr, &t->color, 1);
            cairo_move_to (cr, x, bottom);
            cairo_rel_line_to (cr, 0, -9 * ls);
            cairo_stroke (cr);
            break;
          case DIDACT_TICK_DIAMOND:
          default:
            {
              double r = 4.5 * ls, cy = bottom - r - 1 * ls;

              cairo_move_to (cr, x, cy - r);
              cairo_line_to (cr, x + r, cy);
              cairo_line_to (cr, x, cy + r);
              cairo_line_to (cr, x - r, cy);
              cairo_close_path (cr);
              didact_plot_set_source (cr, &t->color, 1);
              cairo_fill_preserve (cr);
              cairo_set_line_width (cr, 1 * ls);
              didact_plot_set_source (cr, &style->bg, 0.9);
              cairo_stroke (cr);
            }
            break;
          }
      }
  cairo_restore (cr);
}

GArray *
_didact_line_plot_ticks_near (DidactLinePlot *self,
                              double          data_x)
{
  const graphene_rect_t *area = &self->area;
  GArray *found = g_array_new (FALSE, FALSE, sizeof (guint));
  double per_pixel;

  if (self->ticks->len == 0 || area->size.width <= 0 || !(self->x_hi > self->x_lo))
    return found;
  per_pixel = (self->x_hi - self->x_lo) / area->size.width;
  for (guint k = tick_lower_bound (self, data_x - TICK_HOVER_PIXELS * per_pixel); k < self->ticks->len; k++)
    {
      const EventTick *t = &g_array_index (self->ticks, EventTick, k);

      if (t->x > data_x + TICK_HOVER_PIXELS * per_pixel)
        break;
      if (t->description != NULL && t->description[0] != '\0' && !tick_group_hidden (self, t->group))
        g_array_append_val (found, k);
    }
  /* nearest first: a stable insertion sort, the list is short */
  for (guint i = 1; i < found->len; i++)
    for (guint j = i; j > 0; j--)
      {
        guint *a = &g_array_index (found, guint, j - 1), *b = &g_array_index (found, guint, j);
        if (fabs (g_array_index (self->ticks, EventTick, *b).x - data_x) >=
            fabs (g_array_index (self->ticks, EventTick, *a).x - data_x))
          break;
        guint swap = *a;
        *a = *b;
        *b = swap;
      }
  return found;
}

/* ------------------------------------------------------------------------
 * Markers
 */

guint
didact_line_plot_add_marker (DidactLinePlot *self,
                             double          x,
                             const char     *label,
                             const GdkRGBA  *color)
{
  Marker m = { 0 };
  guint i;

  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), 0);
  g_return_val_if_fail (!isnan (x), 0);

  m.id = self->next_marker_id++;
  m.x = x;
  m.label = g_strdup (label);
  m.has_color = color != NULL;
  if (color != NULL)
    m.color = *color;

  /* in order of x; usually at the end */
  for (i = self->markers->len; i > 0 && g_array_index (self->markers, Marker, i - 1).x > x; i--)
    ;
  g_array_insert_val (self->markers, i, m);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return m.id;
}

void
didact_line_plot_remove_marker (DidactLinePlot *self,
                                guint           id)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  for (guint i = 0; i < self->markers->len; i++)
    {
      Marker *m = &g_array_index (self->markers, Marker, i);

      if (m->id == id)
        {
          g_free (m->label);
          g_array_remove_index (self->markers, i);
          gtk_widget_queue_draw (GTK_WIDGET (self));
          return;
        }
    }
  g_return_if_reached ();
}

void
didact_line_plot_clear_markers (DidactLinePlot *self)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  for (guint i = 0; i < self->markers->len; i++)
    g_free (g_array_index (self->markers, Marker, i).label);
  g_array_set_size (self->markers, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ------------------------------------------------------------------------
 * Event ticks
 */

guint
didact_line_plot_add_tick (DidactLinePlot  *self,
                           double           x,
                           DidactTickShape  shape,
                           const GdkRGBA   *color,
                           const char      *description,
                           guint            group)
{
  EventTick t = { 0 };
  guint i;

  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), 0);
  g_return_val_if_fail (isfinite (x), 0);
  g_return_val_if_fail (color != NULL, 0);
  g_return_val_if_fail (shape <= DIDACT_TICK_DIAMOND, 0);

  t.id = self->next_tick_id++;
  t.x = x;
  t.shape = shape;
  t.color = *color;
  t.description = g_strdup (description);
  t.group = group;
  /* in order of x; usually at the end */
  for (i = self->ticks->len; i > 0 && g_array_index (self->ticks, EventTick, i - 1).x > x; i--)
    ;
  g_array_insert_val (self->ticks, i, t);
  if (self->ticks->len == 1)
    _didact_plot_data_changed (DIDACT_PLOT (self));  /* the fit makes room for the ticks */
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
  return t.id;
}

void
didact_line_plot_clear_ticks (DidactLinePlot *self)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  for (guint i = 0; i < self->ticks->len; i++)
    g_free (g_array_index (self->ticks, EventTick, i).description);
  g_array_set_size (self->ticks, 0);
  _didact_plot_data_changed (DIDACT_PLOT (self));
}

gsize
didact_line_plot_get_n_ticks (DidactLinePlot *self)
{
  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), 0);

  return self->ticks->len;
}

void
didact_line_plot_set_tick_group_visible (DidactLinePlot *self,
                                         guint           group,
                                         gboolean        visible)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  if (visible == !tick_group_hidden (self, group))
    return;
  if (visible)
    {
      for (guint i = 0; i < self->hidden_groups->len; i++)
        if (g_array_index (self->hidden_groups, guint, i) == group)
          {
            g_array_remove_index_fast (self->hidden_groups, i);
            break;
          }
    }
  else
    g_array_append_val (self->hidden_groups, group);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GStrv
didact_line_plot_ticks_near (DidactLinePlot *self,
                             double          data_x)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GArray) near = NULL;

  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), NULL);

  near = _didact_line_plot_ticks_near (self, data_x);
  for (guint i = 0; i < near->len; i++)
    g_strv_builder_add (builder, g_array_index (self->ticks, EventTick, g_array_index (near, guint, i)).description);
  return g_strv_builder_end (builder);
}

void
_didact_line_plot_clear_events (DidactLinePlot *self)
{
  for (guint i = 0; i < self->markers->len; i++)
    g_free (g_array_index (self->markers, Marker, i).label);
  g_array_set_size (self->markers, 0);
  for (guint i = 0; i < self->ticks->len; i++)
    g_free (g_array_index (self->ticks, EventTick, i).description);
  g_array_set_size (self->ticks, 0);
}
