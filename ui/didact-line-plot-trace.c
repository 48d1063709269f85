/* didact-line-plot-trace.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A line plot series' points, their bounds and smoothing, and its line in
 * pixels: a polyline of a few points per pixel column, built from the
 * per-column envelope (didact_plot_envelope) however long the series is,
 * and that polyline rasterised into an antialiased coverage mask. A frame
 * composites one mask per line (stroking a jagged 10,000-point line costs
 * cairo tens of milliseconds); SVG and PDF exports stroke the polyline.
 * Both are rebuilt only when the data, the plot area or the axes change.
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-line-plot-private.h"

#include <math.h>
#include <stdlib.h>

/* ------------------------------------------------------------------------
 * Points
 */

void
_didact_line_plot_series_clear (gpointer data)
{
  Series *s = data;

  g_clear_pointer (&s->x, g_array_unref);
  g_clear_pointer (&s->y, g_array_unref);
  g_clear_pointer (&s->smoothed, g_array_unref);
  g_clear_pointer (&s->raw_trace.points, g_array_unref);
  g_clear_pointer (&s->raw_trace.spans, g_array_unref);
  g_clear_pointer (&s->raw_trace.mask, cairo_surface_destroy);
  g_clear_pointer (&s->smooth_trace.mask, cairo_surface_destroy);
  g_clear_pointer (&s->smooth_trace.points, g_array_unref);
  g_clear_pointer (&s->smooth_trace.spans, g_array_unref);
}

void
_didact_line_plot_series_reset (Series *s)
{
  s->sorted = TRUE;
  s->x_min = s->y_min = s->y_min_positive = INFINITY;
  s->x_max = s->y_max = s->y_max_positive = -INFINITY;
}

void
_didact_line_plot_series_scan (Series *s,
                               gsize   from)
{
  const double *x = (const double *) s->x->data;
  const double *y = (const double *) s->y->data;

  for (gsize i = from; i < s->x->len; i++)
    {
      if (isnan (x[i]) || (i > 0 && x[i] < x[i - 1]))
        s->sorted = FALSE;
      if (!isfinite (x[i]) || !isfinite (y[i]))
        continue;
      s->x_min = MIN (s->x_min, x[i]);
      s->x_max = MAX (s->x_max, x[i]);
      s->y_min = MIN (s->y_min, y[i]);
      s->y_max = MAX (s->y_max, y[i]);
      if (y[i] > 0)
        {
          s->y_min_positive = MIN (s->y_min_positive, y[i]);
          s->y_max_positive = MAX (s->y_max_positive, y[i]);
        }
    }
}

/* The index of the point with a finite y whose x is nearest to x, or
 * G_MAXSIZE. */
gsize
_didact_line_plot_series_nearest (Series *s,
                                  double  x)
{
  const double *xs = (const double *) s->x->data;
  const double *ys = (const double *) s->y->data;
  gsize n = s->x->len, best = G_MAXSIZE;

  if (s->sorted)
    {
      gsize i = didact_plot_lower_bound (xs, n, x);
      gsize left = i, right = i;

      /* the nearest finite point on either side of x */
      while (left > 0 && !isfinite (ys[left - 1]))
        left--;
      while (right < n && !isfinite (ys[right]))
        right++;
      if (left > 0)
        best = left - 1;
      if (right < n && (best == G_MAXSIZE || xs[right] - x < x - xs[best]))
        best = right;
      return best;
    }

  for (gsize i = 0; i < n; i++)
    if (isfinite (xs[i]) && isfinite (ys[i]) &&
        (best == G_MAXSIZE || fabs (xs[i] - x) < fabs (xs[best] - x)))
      best = i;
  return best;
}

const double *
_didact_line_plot_series_smoothed (Series *s,
                                   double  weight)
{
  gsize done;

  if (s->smoothed_weight != weight)
    {
      g_array_set_size (s->smoothed, 0);
      s->ema = (DidactEmaState) { 0, 0 };
      s->smoothed_weight = weight;
    }
  done = s->smoothed->len;
  if (done < s->y->len)
    {
      g_array_set_size (s->smoothed, s->y->len);
      didact_plot_smooth_ema_continue (&s->ema,
                                       (const double *) s->y->data + done,
                                       s->y->len - done, weight,
                                       (double *) s->smoothed->data + done);
    }
  return (const double *) s->smoothed->data;
}

/* ------------------------------------------------------------------------
 * Traces
 */

static inline float
clamp_pixel (double v)
{
  /* cairo's fixed-point coordinates overflow far outside the surface */
  return (float) CLAMP (v, -1e6, 1e6);
}

static void build_spans (DidactLinePlot *self,
                         Trace          *trace);
static void build_mask  (DidactLinePlot *self,
                         Trace          *trace,
                         gboolean        dashed);

static void
build_trace (DidactLinePlot *self,
             Series         *s,
             const double   *y,
             Trace          *trace)
{
  GArray *path = trace->points;
  const Geometry *g = &self->geometry;
  double t_lo = g->log_y ? log10 (g->y_lo) : g->y_lo;
  double t_hi = g->log_y ? log10 (g->y_hi) : g->y_hi;
  double sx = g->area_w / (g->x_hi - g->x_lo);
  double sy = g->area_h / (t_hi - t_lo);
  double column_w = g->area_w / g->columns;

#define PX(v) clamp_pixel (((v) - g->x_lo) * sx)
#define PY(v) clamp_pixel (g->area_h - ((g->log_y ? log10 (v) : (v)) - t_lo) * sy)

  g_array_set_size (path, 0);
  g_array_set_size (self->buckets, 0);
  didact_plot_envelope ((const double *) s->x->data, y, s->x->len, s->sorted,
                        g->x_lo, g->x_hi, g->columns, g->log_y, self->buckets);

  for (guint i = 0; i < self->buckets->len; i++)
    {
      const DidactPlotBucket *b = &g_array_index (self->buckets, DidactPlotBucket, i);
      PathPoint p;

      if (b->break_before)
        {
          p.x = p.y = NAN;
          g_array_append_val (path, p);
        }
      p.x = PX (b->x_first);
      p.y = PY (b->y_first);
      g_array_append_val (path, p);
      if (b->n >= 3)
        {
          float center = clamp_pixel ((b->column + 0.5) * column_w);
          float y_min = PY (b->y_min), y_max = PY (b->y_max);

          p.x = center;
          p.y = b->min_first ? y_min : y_max;
          g_array_append_val (path, p);
          p.y = b->min_first ? y_max : y_min;
          g_array_append_val (path, p);
        }
      if (b->n >= 2)
        {
          p.x = PX (b->x_last);
          p.y = PY (b->y_last);
          g_array_append_val (path, p);
        }
    }
#undef PX
#undef PY

  g_array_set_size (trace->spans, 0);
  if (s->sorted)
    build_spans (self, trace);
  build_mask (self, trace, s->base.style == DIDACT_SERIES_DASHED);
}

/* Widens the per-column range [lo, hi] of column c to take in y. */

static inline void
span_add (float *lo,
          float *hi,
          int    c,
          float  y)
{
  lo[c] = MIN (lo[c], y);
  hi[c] = MAX (hi[c], y);
}

/* The columns each segment of the polyline crosses, and the y range it
 * covers in each: the line rasterised to one span per pixel column. */
static void
build_spans (DidactLinePlot *self,
             Trace          *trace)
{
  const Geometry *g = &self->geometry;
  const PathPoint *p = (const PathPoint *) trace->points->data;
  guint n = trace->points->len;
  double column_w = g->area_w / g->columns;
  g_autofree float *lo = NULL;
  g_autofree float *hi = NULL;
  int columns = g->columns;

  if (n == 0)
    return;
  lo = g_new (float, columns);
  hi = g_new (float, columns);
  for (int c = 0; c < columns; c++)
    {
      lo[c] = INFINITY;
      hi[c] = -INFINITY;
    }

  for (guint i = 0; i < n; i++)
    {
      PathPoint a = p[i];
      gboolean alone;

      if (isnan (a.x))
        continue;
      alone = (i == 0 || isnan (p[i - 1].x)) && (i + 1 == n || isnan (p[i + 1].x));
      if (alone)
        {
          int c = (int) floor (a.x / column_w);

          if (c >= 0 && c < columns)
            span_add (lo, hi, c, a.y);
          continue;
        }
      if (i + 1 < n && !isnan (p[i + 1].x))
        {
          PathPoint b = p[i + 1];
          double x0 = MIN (a.x, b.x), x1 = MAX (a.x, b.x);
          int c0 = (int) floor (x0 / column_w), c1 = (int) floor (x1 / column_w);

          c0 = MAX (c0, 0);
          c1 = MIN (c1, columns - 1);
          for (int c = c0; c <= c1; c++)
            {
              double l = MAX (x0, c * column_w), r = MIN (x1, (c + 1) * column_w);

              if (b.x == a.x)
                {
                  span_add (lo, hi, c, a.y);
                  span_add (lo, hi, c, b.y);
                }
              else
                {
                  double slope = (b.y - a.y) / (b.x - a.x);

                  span_add (lo, hi, c, a.y + (l - a.x) * slope);
                  span_add (lo, hi, c, a.y + (r - a.x) * slope);
                }
            }
        }
    }

  for (int c = 0; c < columns; c++)
    if (lo[c] <= hi[c])
      {
        Span span = { (float) ((c + 0.5) * column_w), lo[c], hi[c] };

        g_array_append_val (trace->spans, span);
      }
}

static gboolean
geometry_equal (const Geometry *a,
                const Geometry *b)
{
  return a->x_lo == b->x_lo && a->x_hi == b->x_hi &&
         a->y_lo == b->y_lo && a->y_hi == b->y_hi &&
         a->area_w == b->area_w && a->area_h == b->area_h &&
         a->columns == b->columns && a->scale == b->scale &&
         a->line_width == b->line_width && a->log_y == b->log_y;
}

void
_didact_line_plot_set_geometry (DidactLinePlot *self,
                                const Geometry *geometry)
{
  if (geometry_equal (geometry, &self->geometry))
    return;
  self->geometry = *geometry;
  self->geometry_serial++;
}

void
_didact_line_plot_update_traces (DidactLinePlot *self,
                                 Series         *s)
{
  if (s->raw_serial != self->geometry_serial)
    {
      build_trace (self, s, (const double *) s->y->data, &s->raw_trace);
      s->raw_serial = self->geometry_serial;
    }
  if (self->smoothing > 0 && s->smooth_serial != self->geometry_serial)
    {
      build_trace (self, s, _didact_line_plot_series_smoothed (s, self->smoothing), &s->smooth_trace);
      s->smooth_serial = self->geometry_serial;
    }
}

/* Rasterises the spans: each covers its column, and its neighbours as far
 * as half the line width reaches, from lo − width/2 to hi + width/2, with
 * fractional coverage at the ends. Overlaps take the larger coverage, so a
 * faint colour stays even. A dashed line skips columns: dashes along x. */

static void
build_mask (DidactLinePlot *self,
            Trace          *trace,
            gboolean        dashed)
{
  const Geometry *g = &self->geometry;
  const Span *spans = (const Span *) trace->spans->data;
  double half = g->line_width * g->scale / 2;
  double dash_on = 6 * g->line_width / 1.5, dash_period = 10 * g->line_width / 1.5;
  int reach = (int) ceil (half - 0.5);
  int width = g->columns, height = (int) ceil (g->area_h * g->scale);
  guint8 *data;
  int stride;

  g_clear_pointer (&trace->mask, cairo_surface_destroy);
  if (trace->spans->len == 0 || width <= 0 || height <= 0)
    return;

  /* a new surface each time: a recorded frame may still hold the old one */
  trace->mask = cairo_image_surface_create (CAIRO_FORMAT_A8, width, height);
  cairo_surface_set_device_scale (trace->mask, g->scale, g->scale);
  cairo_surface_flush (trace->mask);
  data = cairo_image_surface_get_data (trace->mask);
  stride = cairo_image_surface_get_stride (trace->mask);

  for (guint i = 0; i < trace->spans->len; i++)
    {
      int c = (int) floor (spans[i].x * g->scale);
      double top = spans[i].lo * g->scale - half;
      double bottom = spans[i].hi * g->scale + half;
      int r0 = MAX ((int) floor (top), 0), r1 = MIN ((int) ceil (bottom), height);

      if (dashed && fmod (spans[i].x, dash_period) >= dash_on)
        continue;
      for (int dc = -reach; dc <= reach; dc++)
        {
          double across = MIN (half - (abs (dc) - 0.5), 1.0);
          int col = c + dc;

          if (col < 0 || col >= width || across <= 0)
            continue;
          for (int r = r0; r < r1; r++)
            {
              double down = MIN (r + 1, bottom) - MAX (r, top);
              guint8 v = (guint8) (CLAMP (down * across, 0, 1) * 255 + 0.5);
              guint8 *p = data + (gsize) r * stride + col;

              if (v > *p)
                *p = v;
            }
        }
    }
  cairo_surface_mark_dirty (trace->mask);
}

static void stroke_path (cairo_t *cr,
                         GArray  *path);

/* Draws a trace with the current source: its mask on screen and in
 * images, its points stroked as vectors into SVG and PDF (and for
 * unsorted data). */
void
_didact_line_plot_draw_trace (cairo_t     *cr,
                              const Trace *trace,
                              double       line_width,
                              gboolean     dashed,
                              double       line_scale)
{
  cairo_surface_type_t target = cairo_surface_get_type (cairo_get_target (cr));
  gboolean vector = target == CAIRO_SURFACE_TYPE_PDF || target == CAIRO_SURFACE_TYPE_SVG ||
                    target == CAIRO_SURFACE_TYPE_PS;

  if (trace->mask != NULL && !vector)
    {
      cairo_mask_surface (cr, trace->mask, 0, 0);
      return;
    }

  if (dashed)
    {
      double dash[] = { 6 * line_scale, 4 * line_scale };

      cairo_set_dash (cr, dash, 2, 0);
    }
  cairo_set_line_width (cr, line_width);
  stroke_path (cr, trace->points);
  cairo_set_dash (cr, NULL, 0, 0);
}

static void
stroke_path (cairo_t *cr,
             GArray  *path)
{
  const PathPoint *p = (const PathPoint *) path->data;
  guint in_segment = 0;

  for (guint i = 0; i < path->len; i++)
    {
      if (isnan (p[i].x))
        {
          /* a lone point between two gaps still shows, as a dot */
          if (in_segment == 1)
            cairo_line_to (cr, p[i - 1].x, p[i - 1].y);
          in_segment = 0;
          continue;
        }
      if (in_segment++ == 0)
        cairo_move_to (cr, p[i].x, p[i].y);
      else
        cairo_line_to (cr, p[i].x, p[i].y);
    }
  if (in_segment == 1)
    cairo_line_to (cr, p[path->len - 1].x, p[path->len - 1].y);
  cairo_stroke (cr);
}

/* the distance from (x, y) to the segment a–b */
static double
segment_distance (PathPoint a,
                  PathPoint b,
                  double    x,
                  double    y)
{
  double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? CLAMP (((x - a.x) * dx + (y - a.y) * dy) / len2, 0, 1) : 0;

  return hypot (x - (a.x + t * dx), y - (a.y + t * dy));
}

double
_didact_line_plot_trace_distance (const Trace *trace,
                                  double       x,
                                  double       y)
{
  const PathPoint *p;
  double best = INFINITY;

  if (trace->points == NULL)
    return best;
  p = (const PathPoint *) trace->points->data;
  for (guint i = 0; i < trace->points->len; i++)
    {
      if (isnan (p[i].x))
        continue;
      /* each segment, and a lone point as a segment of its own */
      if (i + 1 < trace->points->len && !isnan (p[i + 1].x))
        best = MIN (best, segment_distance (p[i], p[i + 1], x, y));
      else
        best = MIN (best, segment_distance (p[i], p[i], x, y));
    }
  return best;
}
