/* didact-line-plot.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A line plot of several series over a shared x axis (training steps): nice
 * ticks, log-scale y, TensorBoard-style smoothing, a cursor line and a hover
 * read-out, over DidactPlot's title and legend. Markers and event ticks are
 * in didact-line-plot-events.c; each series' line in pixels, cached until
 * the data or the axes change, in didact-line-plot-trace.c.
 *
 * The layers: the frame is the grid, the axes and their labels; the data
 * are the markers (behind) and the lines, faint series first; the marks
 * are the event ticks and the timeline cursor; the hover is a line at the
 * pointer, a dot on each series and the read-out.
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-line-plot-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/* read-out lines given to ticks at most */
#define TICK_HOVER_LINES 3

G_DEFINE_FINAL_TYPE (DidactLinePlot, didact_line_plot, DIDACT_TYPE_PLOT)

enum {
  PROP_0,
  PROP_LOG_Y,
  PROP_SMOOTHING,
  PROP_AUTO_FIT,
  PROP_CURSOR_X,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static Series *
find_series (DidactLinePlot *self,
             guint           id)
{
  return _didact_plot_find_series (DIDACT_PLOT (self), id);
}

static void
series_invalidate (Series *s)
{
  s->raw_serial = 0;
  s->smooth_serial = 0;
}

/* ------------------------------------------------------------------------
 * Fitting
 */

/* With event ticks on the bottom edge, the fit leaves a band below the
 * lowest point (this share of the y range) so that no tick covers a line. */
#define TICK_BAND 0.12

static void
fit_now (DidactLinePlot *self)
{
  double x_min = INFINITY, x_max = -INFINITY, y_min = INFINITY, y_max = -INFINITY;
  gboolean band = self->ticks->len > 0;
  GPtrArray *series = _didact_plot_get_series (DIDACT_PLOT (self));

  for (guint i = 0; i < series->len; i++)
    {
      Series *s = g_ptr_array_index (series, i);

      if (!s->base.visible)
        continue;
      x_min = MIN (x_min, s->x_min);
      x_max = MAX (x_max, s->x_max);
      if (self->log_y)
        {
          y_min = MIN (y_min, s->y_min_positive);
          y_max = MAX (y_max, s->y_max_positive);
        }
      else
        {
          y_min = MIN (y_min, s->y_min);
          y_max = MAX (y_max, s->y_max);
        }
    }

  if (!(x_max >= x_min))
    {
      x_min = 0;
      x_max = 1;
    }
  else if (x_max == x_min)
    {
      double pad = x_min != 0 ? fabs (x_min) * 0.05 : 0.5;

      x_min -= pad;
      x_max += pad;
    }
  self->x_lo = x_min;
  self->x_hi = x_max;

  if (self->log_y)
    {
      double lo, hi, pad;

      if (!(y_max >= y_min))
        {
          y_min = 1;
          y_max = 10;
        }
      lo = log10 (y_min);
      hi = log10 (y_max);
      pad = hi > lo ? (hi - lo) * 0.05 : 0.5;
      self->y_lo = pow (10, lo - (band ? MAX (pad, (hi - lo) * TICK_BAND) : pad));
      self->y_hi = pow (10, hi + pad);
    }
  else
    {
      double pad;

      if (!(y_max >= y_min))
        {
          y_min = 0;
          y_max = 1;
        }
      pad = y_max > y_min ? (y_max - y_min) * 0.05
                          : (y_min != 0 ? fabs (y_min) * 0.1 : 0.5);
      self->y_lo = y_min - (band ? MAX (pad, (y_max - y_min) * TICK_BAND) : pad);
      self->y_hi = y_max + pad;
      /* a loss or an error rate stays above its floor of 0, unless the
       * ticks' band is below it */
      if (!band && y_min >= 0 && self->y_lo < 0)
        self->y_lo = 0;
    }
  self->fit_pending = FALSE;
}

static void
ensure_fit (DidactLinePlot *self)
{
  if (self->fit_pending)
    fit_now (self);
}


/* ------------------------------------------------------------------------
 * Layout
 */

static gboolean
has_text (const char *text)
{
  return text != NULL && text[0] != '\0';
}

/* The y range drawn, positive on a log axis, and its transform. */
static void
update_view_y (DidactLinePlot *self)
{
  double y_lo = self->y_lo, y_hi = self->y_hi;

  if (self->log_y)
    {
      if (!(y_hi > 0))
        y_hi = 10;
      if (!(y_lo > 0) || y_lo >= y_hi)
        y_lo = y_hi / 1000;
    }
  self->view_y_lo = y_lo;
  self->view_y_hi = y_hi;
  self->t_lo = self->log_y ? log10 (y_lo) : y_lo;
  self->t_hi = self->log_y ? log10 (y_hi) : y_hi;
}

/* Data to widget pixels on @area. */
static double
x_on_area (DidactLinePlot        *self,
           const graphene_rect_t *area,
           double                 x)
{
  return area->origin.x + (x - self->x_lo) / (self->x_hi - self->x_lo) * area->size.width;
}

static double
y_on_area (DidactLinePlot        *self,
           const graphene_rect_t *area,
           double                 y)
{
  double t = self->log_y ? log10 (y) : y;

  return area->origin.y + area->size.height - (t - self->t_lo) / (self->t_hi - self->t_lo) * area->size.height;
}

/* As many x ticks as their labels leave room for on @area. */
static void
place_ticks (DidactLinePlot        *self,
             PangoLayout           *tick_layout,
             const graphene_rect_t *area,
             double                 pad)
{
  int x_tick_w;

  for (int max_ticks = DIDACT_PLOT_MAX_TICKS; max_ticks >= 2; max_ticks--)
    {
      self->n_x_ticks = didact_plot_make_ticks (tick_layout, self->x_lo, self->x_hi, FALSE, max_ticks,
                                                self->x_ticks, &x_tick_w);
      if (self->n_x_ticks * (x_tick_w + 2 * pad) <= area->size.width)
        break;
    }
  for (int i = 0; i < self->n_x_ticks; i++)
    self->x_ticks[i].position = x_on_area (self, area, self->x_ticks[i].value);
  for (int i = 0; i < self->n_y_ticks; i++)
    self->y_ticks[i].position = y_on_area (self, area, self->y_ticks[i].value);
}

/* The traces are built for the plot area's size and the axes. */
static void
update_geometry (DidactLinePlot        *self,
                 const DidactPlotFrame *frame)
{
  int scale = MAX (gtk_widget_get_scale_factor (GTK_WIDGET (self)), 1);
  Geometry geometry = {
    .x_lo = self->x_lo, .x_hi = self->x_hi,
    .y_lo = self->view_y_lo, .y_hi = self->view_y_hi,
    .area_w = frame->area.size.width, .area_h = frame->area.size.height,
    .columns = (int) ceil (frame->area.size.width) * scale,
    .scale = scale,
    .line_width = 1.5 * frame->style.line_scale,
    .log_y = self->log_y,
  };

  _didact_line_plot_set_geometry (self, &geometry);
}

/* Vertical layout first: it sets how many y ticks fit, which sets the
 * width of their labels, which sets the left margin and the x ticks. */
static gboolean
didact_line_plot_layout (DidactPlot      *plot,
                         DidactPlotFrame *frame)
{
  DidactLinePlot *self = DIDACT_LINE_PLOT (plot);
  const DidactPlotStyle *style = &frame->style;
  g_autoptr(PangoLayout) tick_layout = NULL;
  g_autoptr(PangoLayout) label_layout = NULL;
  double pad = 8 * style->font_scale, tick_len = 4 * style->font_scale;
  double left, right, top, bottom, header_h;
  int tick_h, label_h = 0, y_tick_w, x_tick_w;
  graphene_rect_t area;
  char end_text[48];

  ensure_fit (self);
  update_view_y (self);
  tick_layout = didact_plot_style_layout (style, frame->cr, 0.85, PANGO_WEIGHT_NORMAL);
  label_layout = didact_plot_style_layout (style, frame->cr, 1.0, PANGO_WEIGHT_NORMAL);
  didact_plot_layout_size (tick_layout, "0123456789", NULL, &tick_h);
  didact_plot_layout_size (label_layout, "Ag", NULL, &label_h);

  header_h = _didact_plot_header_height (plot, frame->cr, style, frame->width);
  top = pad + (header_h > 0 ? header_h + pad : tick_h / 2);
  bottom = pad + tick_len + tick_h;
  if (has_text (didact_plot_get_x_label (plot)))
    bottom += label_h + pad / 2;
  area.size.height = frame->height - top - bottom;

  self->n_y_ticks = didact_plot_make_ticks (tick_layout, self->view_y_lo, self->view_y_hi, self->log_y,
                                            (int) (area.size.height / (tick_h * 2.2)),
                                            self->y_ticks, &y_tick_w);
  left = pad + y_tick_w + tick_len + pad / 2;
  if (has_text (didact_plot_get_y_label (plot)))
    left += label_h + pad / 2;
  didact_plot_format_number (self->x_hi, 0, end_text, sizeof end_text);
  didact_plot_layout_size (tick_layout, end_text, &x_tick_w, NULL);
  right = MAX (pad * 2, x_tick_w / 2.0 + pad / 2);
  area.origin.x = left;
  area.origin.y = top;
  area.size.width = frame->width - left - right;

  if (area.size.width < 10 || area.size.height < 10 || !(self->x_hi > self->x_lo) ||
      !(self->t_hi > self->t_lo))
    return FALSE;

  place_ticks (self, tick_layout, &area, pad);
  self->area = frame->area = area;
  update_geometry (self, frame);
  return TRUE;
}

/* ------------------------------------------------------------------------
 * Layers
 */

static void
didact_line_plot_draw_frame (DidactPlot            *plot,
                             const DidactPlotFrame *frame)
{
  DidactLinePlot *self = DIDACT_LINE_PLOT (plot);
  const DidactPlotStyle *style = &frame->style;
  g_autoptr(PangoLayout) tick_layout = didact_plot_style_layout (style, frame->cr, 0.85, PANGO_WEIGHT_NORMAL);
  double tick_len = 4 * style->font_scale;

  didact_plot_draw_grid (frame->cr, style, &frame->area, self->y_ticks, self->n_y_ticks,
                         self->x_ticks, self->n_x_ticks);
  didact_plot_draw_axis_lines (frame->cr, style, &frame->area, TRUE);
  didact_plot_draw_y_ticks (frame->cr, style, tick_layout, &frame->area, self->y_ticks, self->n_y_ticks,
                            tick_len);
  didact_plot_draw_x_ticks (frame->cr, style, tick_layout, &frame->area, self->x_ticks, self->n_x_ticks,
                            tick_len, frame->width);
  didact_plot_draw_axis_labels (frame->cr, style, &frame->area, frame->height,
                                didact_plot_get_x_label (plot), didact_plot_get_y_label (plot));
}

/* One series, its traces rebuilt if the geometry moved; with smoothing the
 * raw line faint behind the smoothed one. */
static void
draw_series (DidactLinePlot        *self,
             const DidactPlotFrame *frame,
             Series                *s)
{
  cairo_t *cr = frame->cr;
  double alpha = (s->base.style == DIDACT_SERIES_FAINT ? 0.4 : 1) *
                 (_didact_plot_series_dimmed (DIDACT_PLOT (self), &s->base) ? 0.2 : 1);
  double line_scale = frame->style.line_scale, line_width = 1.5 * line_scale;
  gboolean dashed = s->base.style == DIDACT_SERIES_DASHED;

  _didact_line_plot_update_traces (self, s);
  if (self->smoothing > 0)
    {
      didact_plot_set_source (cr, &s->base.color, alpha * 0.25);
      _didact_line_plot_draw_trace (cr, &s->raw_trace, line_width, dashed, line_scale);
      didact_plot_set_source (cr, &s->base.color, alpha);
      _didact_line_plot_draw_trace (cr, &s->smooth_trace, line_width, dashed, line_scale);
    }
  else
    {
      didact_plot_set_source (cr, &s->base.color, alpha);
      _didact_line_plot_draw_trace (cr, &s->raw_trace, line_width, dashed, line_scale);
    }
}

/* The markers behind the lines, faint series (baselines) behind the
 * others, and a highlighted entry's series in front of all. */
static void
didact_line_plot_draw_data (DidactPlot            *plot,
                            const DidactPlotFrame *frame)
{
  DidactLinePlot *self = DIDACT_LINE_PLOT (plot);
  GPtrArray *series = _didact_plot_get_series (plot);
  const graphene_rect_t *area = &frame->area;
  cairo_t *cr = frame->cr;

  cairo_rectangle (cr, area->origin.x, area->origin.y, area->size.width, area->size.height);
  cairo_clip (cr);
  _didact_line_plot_draw_markers (self, frame);

  cairo_translate (cr, area->origin.x, area->origin.y);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (int pass = 0; pass < 4; pass++)
    for (guint i = 0; i < series->len; i++)
      {
        Series *s = g_ptr_array_index (series, i);
        gboolean faint = s->base.style == DIDACT_SERIES_FAINT;
        gboolean front = didact_plot_get_series_highlighted (plot, s->base.id);

        if (s->base.visible && s->x->len > 0 && pass == 2 * front + !faint)
          draw_series (self, frame, s);
      }
}

/* The event ticks on the bottom edge, and the timeline cursor. */
static void
didact_line_plot_draw_marks (DidactPlot            *plot,
                             const DidactPlotFrame *frame)
{
  DidactLinePlot *self = DIDACT_LINE_PLOT (plot);
  const graphene_rect_t *area = &frame->area;
  cairo_t *cr = frame->cr;

  cairo_save (cr);
  cairo_rectangle (cr, area->origin.x, area->origin.y, area->size.width, area->size.height);
  cairo_clip (cr);
  _didact_line_plot_draw_ticks (self, frame);
  cairo_restore (cr);

  if (isfinite (self->cursor_x) && self->cursor_x >= self->x_lo && self->cursor_x <= self->x_hi)
    {
      didact_plot_set_source (cr, &frame->style.fg, 0.75);
      cairo_set_line_width (cr, 1.5 * frame->style.line_scale);
      cairo_move_to (cr, x_on_area (self, area, self->cursor_x), area->origin.y);
      cairo_rel_line_to (cr, 0, area->size.height);
      cairo_stroke (cr);
    }
}

static void
format_value (double  value,
              char   *buf,
              gsize   size)
{
  /* steps are integers: show them whole, not as 12.35k */
  if (value == floor (value) && fabs (value) < 1e9)
    g_snprintf (buf, size, "%.0f", value);
  else
    didact_plot_format_number (value, 0, buf, size);
}

/* Each visible series' point nearest to data_x: a line in the read-out
 * and a dot on the point. Returns the x of the first, or NaN. */
static double
hover_series (DidactLinePlot        *self,
              const DidactPlotFrame *frame,
              double                 data_x,
              DidactPlotReadout     *readout)
{
  GPtrArray *series = _didact_plot_get_series (DIDACT_PLOT (self));
  const graphene_rect_t *area = &frame->area;
  cairo_t *cr = frame->cr;
  double nearest_x = NAN;

  for (guint i = 0; i < series->len; i++)
    {
      Series *s = g_ptr_array_index (series, i);
      const char *label = s->base.label != NULL ? s->base.label : "";
      double px, py, raw, shown;
      char value[48], raw_text[48];
      gsize index;

      /* with an entry highlighted, only its series */
      if (!s->base.visible || _didact_plot_series_dimmed (DIDACT_PLOT (self), &s->base) ||
          (index = _didact_line_plot_series_nearest (s, data_x)) == G_MAXSIZE)
        continue;
      px = g_array_index (s->x, double, index);
      raw = shown = g_array_index (s->y, double, index);
      if (self->smoothing > 0)
        shown = _didact_line_plot_series_smoothed (s, self->smoothing)[index];
      if (isnan (nearest_x))
        nearest_x = px;

      didact_plot_format_number (shown, 0, value, sizeof value);
      if (self->smoothing > 0)
        {
          didact_plot_format_number (raw, 0, raw_text, sizeof raw_text);
          didact_plot_readout_add (readout, &s->base.color, "%s: %s (%s)", label, value, raw_text);
        }
      else
        didact_plot_readout_add (readout, &s->base.color, "%s: %s", label, value);

      if (self->log_y && shown <= 0)
        continue;
      px = x_on_area (self, area, px);
      py = y_on_area (self, area, shown);
      if (py >= area->origin.y && py <= area->origin.y + area->size.height)
        {
          didact_plot_set_source (cr, &s->base.color, 1);
          cairo_arc (cr, px, py, 3.5 * frame->style.line_scale, 0, 2 * G_PI);
          cairo_fill_preserve (cr);
          didact_plot_set_source (cr, &frame->style.bg, 1);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
    }
  return nearest_x;
}

/* The events at data_x, in their colours. Returns the x of the nearest,
 * or NaN. */
static double
hover_events (DidactLinePlot        *self,
              const DidactPlotFrame *frame,
              double                 data_x,
              DidactPlotReadout     *readout)
{
  g_autoptr(GArray) near = _didact_line_plot_ticks_near (self, data_x);
  double nearest_x = NAN;

  for (guint i = 0; i < near->len && i < TICK_HOVER_LINES; i++)
    {
      const EventTick *t = &g_array_index (self->ticks, EventTick, g_array_index (near, guint, i));

      didact_plot_readout_add (readout, &t->color, "%s", t->description);
      if (isnan (nearest_x))
        nearest_x = t->x;
    }
  if (near->len > TICK_HOVER_LINES)
    {
      guint more = near->len - TICK_HOVER_LINES;
      /* Translators: more events at the pointer than the read-out lists */
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "… and %u more event",
                                                            "… and %u more events", more),
                                               more);

      didact_plot_readout_add (readout, &frame->style.fg, "%s", text);
    }
  return nearest_x;
}

/* A line at the pointer, a dot on each series, and the read-out: the
 * series' values and the events there, under the step. */
static void
didact_line_plot_draw_hover (DidactPlot            *plot,
                             const DidactPlotFrame *frame,
                             double                 x,
                             double                 y,
                             DidactPlotReadout     *readout)
{
  DidactLinePlot *self = DIDACT_LINE_PLOT (plot);
  const graphene_rect_t *area = &frame->area;
  const char *x_label = didact_plot_get_x_label (plot);
  double data_x, nearest_x, event_x;
  char x_text[48];

  if (!graphene_rect_contains_point (area, &GRAPHENE_POINT_INIT (x, y)))
    return;

  data_x = self->x_lo + (x - area->origin.x) / area->size.width * (self->x_hi - self->x_lo);
  didact_plot_set_source (frame->cr, &frame->style.fg, 0.3);
  cairo_set_line_width (frame->cr, 1);
  cairo_move_to (frame->cr, round (x) + 0.5, area->origin.y);
  cairo_rel_line_to (frame->cr, 0, area->size.height);
  cairo_stroke (frame->cr);

  nearest_x = hover_series (self, frame, data_x, readout);
  event_x = hover_events (self, frame, data_x, readout);
  if (readout->lines->len == 0)
    return;
  format_value (isnan (nearest_x) ? event_x : nearest_x, x_text, sizeof x_text);
  didact_plot_readout_set_title (readout, "%s %s", x_label != NULL ? x_label : "x", x_text);
}

/* The visible series whose line passes nearest the point, within a few
 * pixels, as last drawn. */
static guint
didact_line_plot_series_at (DidactPlot *plot,
                            double      x,
                            double      y)
{
  DidactLinePlot *self = DIDACT_LINE_PLOT (plot);
  GPtrArray *series = _didact_plot_get_series (plot);
  double best = 3 + 2 * self->geometry.line_width;
  guint id = 0;

  if (!graphene_rect_contains_point (&self->area, &GRAPHENE_POINT_INIT (x, y)))
    return 0;
  x -= self->area.origin.x;
  y -= self->area.origin.y;
  for (guint i = 0; i < series->len; i++)
    {
      Series *s = g_ptr_array_index (series, i);
      gboolean smooth = self->smoothing > 0;
      const Trace *trace = smooth ? &s->smooth_trace : &s->raw_trace;
      guint64 serial = smooth ? s->smooth_serial : s->raw_serial;
      double d;

      if (!s->base.visible || serial != self->geometry_serial)
        continue;
      d = _didact_line_plot_trace_distance (trace, x, y);
      if (d < best)
        {
          best = d;
          id = s->base.id;
        }
    }
  return id;
}

/* ------------------------------------------------------------------------
 * GObject
 */

static void
didact_line_plot_data_changed (DidactPlot *plot)
{
  DidactLinePlot *self = DIDACT_LINE_PLOT (plot);

  if (self->auto_fit)
    self->fit_pending = TRUE;
}

static void
didact_line_plot_finalize (GObject *object)
{
  DidactLinePlot *self = DIDACT_LINE_PLOT (object);

  _didact_line_plot_clear_events (self);
  g_clear_pointer (&self->markers, g_array_unref);
  g_clear_pointer (&self->ticks, g_array_unref);
  g_clear_pointer (&self->hidden_groups, g_array_unref);
  g_clear_pointer (&self->buckets, g_array_unref);

  G_OBJECT_CLASS (didact_line_plot_parent_class)->finalize (object);
}

static void
didact_line_plot_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DidactLinePlot *self = DIDACT_LINE_PLOT (object);

  switch (prop_id)
    {
    case PROP_LOG_Y:
      g_value_set_boolean (value, self->log_y);
      break;
    case PROP_SMOOTHING:
      g_value_set_double (value, self->smoothing);
      break;
    case PROP_AUTO_FIT:
      g_value_set_boolean (value, self->auto_fit);
      break;
    case PROP_CURSOR_X:
      g_value_set_double (value, self->cursor_x);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
didact_line_plot_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DidactLinePlot *self = DIDACT_LINE_PLOT (object);

  switch (prop_id)
    {
    case PROP_LOG_Y:
      didact_line_plot_set_log_y (self, g_value_get_boolean (value));
      break;
    case PROP_SMOOTHING:
      didact_line_plot_set_smoothing (self, g_value_get_double (value));
      break;
    case PROP_AUTO_FIT:
      didact_line_plot_set_auto_fit (self, g_value_get_boolean (value));
      break;
    case PROP_CURSOR_X:
      didact_line_plot_set_cursor_x (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
didact_line_plot_class_init (DidactLinePlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DidactPlotClass *plot_class = DIDACT_PLOT_CLASS (klass);

  object_class->finalize = didact_line_plot_finalize;
  object_class->get_property = didact_line_plot_get_property;
  object_class->set_property = didact_line_plot_set_property;

  plot_class->layout = didact_line_plot_layout;
  plot_class->draw_frame = didact_line_plot_draw_frame;
  plot_class->draw_data = didact_line_plot_draw_data;
  plot_class->draw_marks = didact_line_plot_draw_marks;
  plot_class->draw_hover = didact_line_plot_draw_hover;
  plot_class->data_changed = didact_line_plot_data_changed;
  plot_class->series_clear = _didact_line_plot_series_clear;
  plot_class->series_at = didact_line_plot_series_at;
  plot_class->legend_swatch = DIDACT_PLOT_SWATCH_LINE;

  properties[PROP_LOG_Y] =
    g_param_spec_boolean ("log-y", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SMOOTHING] =
    g_param_spec_double ("smoothing", NULL, NULL, 0, 0.99, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTO_FIT] =
    g_param_spec_boolean ("auto-fit", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* NaN (no cursor) is outside what g_param_spec_double accepts as a
   * default, so it is set afterwards */
  properties[PROP_CURSOR_X] =
    g_param_spec_double ("cursor-x", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  G_PARAM_SPEC_DOUBLE (properties[PROP_CURSOR_X])->default_value = NAN;

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "didact-line-plot");
}

static void
didact_line_plot_init (DidactLinePlot *self)
{
  self->markers = g_array_new (FALSE, FALSE, sizeof (Marker));
  self->ticks = g_array_new (FALSE, FALSE, sizeof (EventTick));
  self->hidden_groups = g_array_new (FALSE, FALSE, sizeof (guint));
  self->buckets = g_array_new (FALSE, FALSE, sizeof (DidactPlotBucket));
  self->next_marker_id = 1;
  self->next_tick_id = 1;
  self->auto_fit = TRUE;
  self->cursor_x = NAN;
  self->fit_pending = TRUE;
}

GtkWidget *
didact_line_plot_new (void)
{
  return g_object_new (DIDACT_TYPE_LINE_PLOT, NULL);
}

/* ------------------------------------------------------------------------
 * Series
 */

guint
didact_line_plot_add_series (DidactLinePlot    *self,
                             const char        *label,
                             const GdkRGBA     *color,
                             DidactSeriesStyle  style)
{
  Series *s;

  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), 0);

  s = _didact_plot_add_series (DIDACT_PLOT (self), sizeof (Series), label, color, style);
  s->x = g_array_new (FALSE, FALSE, sizeof (double));
  s->y = g_array_new (FALSE, FALSE, sizeof (double));
  s->smoothed = g_array_new (FALSE, FALSE, sizeof (double));
  s->smoothed_weight = -1;
  s->raw_trace.points = g_array_new (FALSE, FALSE, sizeof (PathPoint));
  s->raw_trace.spans = g_array_new (FALSE, FALSE, sizeof (Span));
  s->smooth_trace.points = g_array_new (FALSE, FALSE, sizeof (PathPoint));
  s->smooth_trace.spans = g_array_new (FALSE, FALSE, sizeof (Span));
  _didact_line_plot_series_reset (s);

  /* the legend changed; the fit did not (the series is empty) */
  _didact_plot_invalidate_layout (DIDACT_PLOT (self));
  return s->base.id;
}

void
didact_line_plot_set_series_data (DidactLinePlot *self,
                                  guint           id,
                                  const double   *x,
                                  const double   *y,
                                  gsize           n)
{
  Series *s;

  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));
  g_return_if_fail (n == 0 || (x != NULL && y != NULL));

  s = find_series (self, id);
  g_return_if_fail (s != NULL);

  g_array_set_size (s->x, 0);
  g_array_set_size (s->y, 0);
  g_array_set_size (s->smoothed, 0);
  s->ema = (DidactEmaState) { 0, 0 };
  g_array_append_vals (s->x, x, n);
  g_array_append_vals (s->y, y, n);
  _didact_line_plot_series_reset (s);
  _didact_line_plot_series_scan (s, 0);
  series_invalidate (s);
  _didact_plot_data_changed (DIDACT_PLOT (self));
}

void
didact_line_plot_append (DidactLinePlot *self,
                         guint           id,
                         const double   *x,
                         const double   *y,
                         gsize           n)
{
  Series *s;
  gsize from;

  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));
  g_return_if_fail (n == 0 || (x != NULL && y != NULL));

  s = find_series (self, id);
  g_return_if_fail (s != NULL);
  if (n == 0)
    return;

  from = s->x->len;
  g_array_append_vals (s->x, x, n);
  g_array_append_vals (s->y, y, n);
  _didact_line_plot_series_scan (s, from);
  /* the smoothed prefix stays valid and is extended when next drawn */
  series_invalidate (s);
  _didact_plot_data_changed (DIDACT_PLOT (self));
}

void
didact_line_plot_clear_series (DidactLinePlot *self,
                               guint           id)
{
  didact_line_plot_set_series_data (self, id, NULL, NULL, 0);
}

gsize
didact_line_plot_get_n_points (DidactLinePlot *self,
                               guint           id)
{
  Series *s;

  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), 0);

  s = find_series (self, id);
  g_return_val_if_fail (s != NULL, 0);
  return s->x->len;
}

gboolean
didact_line_plot_value_at (DidactLinePlot *self,
                           guint           id,
                           double          x,
                           double         *out_x,
                           double         *out_y)
{
  Series *s;
  gsize i;

  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), FALSE);

  s = find_series (self, id);
  g_return_val_if_fail (s != NULL, FALSE);

  i = _didact_line_plot_series_nearest (s, x);
  if (i == G_MAXSIZE)
    return FALSE;
  if (out_x != NULL)
    *out_x = g_array_index (s->x, double, i);
  if (out_y != NULL)
    *out_y = g_array_index (s->y, double, i);
  return TRUE;
}

/* ------------------------------------------------------------------------
 * Axes
 */

double
didact_line_plot_x_to_widget (DidactLinePlot *self,
                              double          data_x)
{
  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), NAN);

  if (self->area.size.width <= 0 || !(self->x_hi > self->x_lo))
    return NAN;
  return self->area.origin.x + (data_x - self->x_lo) / (self->x_hi - self->x_lo) * self->area.size.width;
}

void
didact_line_plot_fit (DidactLinePlot *self)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  fit_now (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
didact_line_plot_set_x_range (DidactLinePlot *self,
                              double          lo,
                              double          hi)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));
  g_return_if_fail (isfinite (lo) && isfinite (hi) && hi > lo);

  ensure_fit (self);
  didact_line_plot_set_auto_fit (self, FALSE);
  self->x_lo = lo;
  self->x_hi = hi;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
didact_line_plot_set_y_range (DidactLinePlot *self,
                              double          lo,
                              double          hi)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));
  g_return_if_fail (isfinite (lo) && isfinite (hi) && hi > lo);

  ensure_fit (self);
  didact_line_plot_set_auto_fit (self, FALSE);
  self->y_lo = lo;
  self->y_hi = hi;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
didact_line_plot_get_x_range (DidactLinePlot *self,
                              double         *lo,
                              double         *hi)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  ensure_fit (self);
  if (lo != NULL)
    *lo = self->x_lo;
  if (hi != NULL)
    *hi = self->x_hi;
}

void
didact_line_plot_get_y_range (DidactLinePlot *self,
                              double         *lo,
                              double         *hi)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  ensure_fit (self);
  if (lo != NULL)
    *lo = self->y_lo;
  if (hi != NULL)
    *hi = self->y_hi;
}

/* ------------------------------------------------------------------------
 * Properties
 */

gboolean
didact_line_plot_get_log_y (DidactLinePlot *self)
{
  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), FALSE);
  return self->log_y;
}

void
didact_line_plot_set_log_y (DidactLinePlot *self,
                            gboolean        log_y)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  log_y = !!log_y;
  if (self->log_y == log_y)
    return;
  self->log_y = log_y;
  _didact_plot_data_changed (DIDACT_PLOT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_Y]);
}

double
didact_line_plot_get_smoothing (DidactLinePlot *self)
{
  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), 0);
  return self->smoothing;
}

void
didact_line_plot_set_smoothing (DidactLinePlot *self,
                                double          smoothing)
{
  GPtrArray *series;

  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));
  g_return_if_fail (!isnan (smoothing));

  smoothing = CLAMP (smoothing, 0, 0.99);
  if (self->smoothing == smoothing)
    return;
  self->smoothing = smoothing;
  series = _didact_plot_get_series (DIDACT_PLOT (self));
  for (guint i = 0; i < series->len; i++)
    ((Series *) g_ptr_array_index (series, i))->smooth_serial = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SMOOTHING]);
}

gboolean
didact_line_plot_get_auto_fit (DidactLinePlot *self)
{
  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), FALSE);
  return self->auto_fit;
}

void
didact_line_plot_set_auto_fit (DidactLinePlot *self,
                               gboolean        auto_fit)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  auto_fit = !!auto_fit;
  if (self->auto_fit == auto_fit)
    return;
  self->auto_fit = auto_fit;
  if (auto_fit)
    _didact_plot_data_changed (DIDACT_PLOT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_FIT]);
}

double
didact_line_plot_get_cursor_x (DidactLinePlot *self)
{
  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), NAN);
  return self->cursor_x;
}

void
didact_line_plot_set_cursor_x (DidactLinePlot *self,
                               double          cursor_x)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  if (self->cursor_x == cursor_x || (isnan (self->cursor_x) && isnan (cursor_x)))
    return;
  self->cursor_x = cursor_x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURSOR_X]);
}
