/* didact-line-plot.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A line plot of several series over a shared x axis (training steps): nice
 * ticks, a legend, log-scale y, TensorBoard-style smoothing, event markers
 * (a dashed line with a label) and event ticks (a small mark on the bottom
 * edge whose description the read-out gives), a cursor line and a hover
 * read-out.
 *
 * Drawing reads only cached arrays. Each series keeps its points, their
 * bounds and its smoothed values; from those it keeps its line already
 * scaled to pixels: a polyline of a few points per pixel column, built from
 * the per-column envelope (didact_plot_envelope) however long the series
 * is, and that polyline rasterised into an antialiased coverage mask. A
 * frame composites one mask per line (stroking a jagged 10,000-point line
 * costs cairo tens of milliseconds); SVG and PDF exports stroke the
 * polyline. Both are rebuilt only when the data, the plot area or the axes
 * change.
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-line-plot.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#define MAX_TICKS 12

typedef struct
{
  float x, y;
} PathPoint;

/* A pixel column the line passes through: its centre and the y range the
 * line covers there. */
typedef struct
{
  float x, lo, hi;
} Span;

/* A series' line in pixels, relative to the plot area: the envelope's
 * points (a NaN x breaks the line) and, for data sorted by x, the same line
 * rasterised once into an antialiased coverage mask (from one span per
 * pixel column). A frame then composites the mask, where stroking a long
 * jagged path would cost cairo tens of milliseconds. Vector exports stroke
 * the points instead. */
typedef struct
{
  GArray *points;               /* PathPoint */
  GArray *spans;                /* Span; empty for unsorted data */
  cairo_surface_t *mask;        /* A8 at device resolution, or NULL */
} Trace;

typedef struct
{
  guint id;
  char *label;
  GdkRGBA color;
  int palette_index;            /* -1 for a colour the caller chose */
  DidactSeriesStyle style;
  gboolean visible;

  GArray *x;                    /* double */
  GArray *y;                    /* double */
  gboolean sorted;              /* x non-decreasing and never NaN */
  double x_min, x_max;          /* of the points with finite x and y */
  double y_min, y_max;
  double y_min_positive, y_max_positive;

  GArray *smoothed;             /* double, a prefix of y smoothed */
  DidactEmaState ema;
  double smoothed_weight;

  Trace raw_trace;
  Trace smooth_trace;
  guint64 raw_serial;           /* geometry the paths were built for, 0 = stale */
  guint64 smooth_serial;
} Series;

typedef struct
{
  guint id;
  double x;
  char *label;
  GdkRGBA color;
  gboolean has_color;           /* else the foreground, as the style has it */
} Marker;

typedef struct
{
  guint id;
  double x;
  DidactTickShape shape;
  GdkRGBA color;
  char *description;
  guint group;
} EventTick;

/* pixels either side of the pointer within which a tick is "at" it */
#define TICK_HOVER_PIXELS 4.0
/* read-out lines given to ticks at most */
#define TICK_HOVER_LINES 3

typedef struct
{
  double x_lo, x_hi, y_lo, y_hi;
  double area_w, area_h;
  int columns;
  int scale;                    /* device pixels per pixel */
  double line_width;            /* in pixels */
  gboolean log_y;
} Geometry;

struct _DidactLinePlot
{
  GtkWidget parent_instance;

  GPtrArray *series;            /* Series */
  guint next_series_id;
  GArray *markers;              /* Marker */
  guint next_marker_id;
  GArray *ticks;                /* EventTick, sorted by x */
  guint next_tick_id;
  GArray *hidden_groups;        /* guint: tick groups not drawn */

  char *title;
  char *x_label;
  char *y_label;
  gboolean show_legend;
  gboolean log_y;
  gboolean auto_fit;
  gboolean presentation;
  double smoothing;
  double cursor_x;

  /* the view, in data units */
  double x_lo, x_hi, y_lo, y_hi;
  gboolean fit_pending;

  Geometry geometry;
  guint64 geometry_serial;
  GArray *buckets;              /* DidactPlotBucket, scratch */

  /* the plot area of the last frame, for the pointer */
  graphene_rect_t area;
  gboolean hovering;
  double hover_x, hover_y;
};

static void didact_line_plot_plot_init (DidactPlotInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DidactLinePlot, didact_line_plot, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (DIDACT_TYPE_PLOT, didact_line_plot_plot_init))

enum {
  PROP_0,
  PROP_TITLE,
  PROP_X_LABEL,
  PROP_Y_LABEL,
  PROP_SHOW_LEGEND,
  PROP_LOG_Y,
  PROP_SMOOTHING,
  PROP_AUTO_FIT,
  PROP_CURSOR_X,
  PROP_PRESENTATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------
 * Series bookkeeping
 */

static void
series_free (gpointer data)
{
  Series *s = data;

  g_free (s->label);
  g_clear_pointer (&s->x, g_array_unref);
  g_clear_pointer (&s->y, g_array_unref);
  g_clear_pointer (&s->smoothed, g_array_unref);
  g_clear_pointer (&s->raw_trace.points, g_array_unref);
  g_clear_pointer (&s->raw_trace.spans, g_array_unref);
  g_clear_pointer (&s->raw_trace.mask, cairo_surface_destroy);
  g_clear_pointer (&s->smooth_trace.mask, cairo_surface_destroy);
  g_clear_pointer (&s->smooth_trace.points, g_array_unref);
  g_clear_pointer (&s->smooth_trace.spans, g_array_unref);
  g_free (s);
}

static void
series_reset_bounds (Series *s)
{
  s->sorted = TRUE;
  s->x_min = s->y_min = s->y_min_positive = INFINITY;
  s->x_max = s->y_max = s->y_max_positive = -INFINITY;
}

static void
series_invalidate (Series *s)
{
  s->raw_serial = 0;
  s->smooth_serial = 0;
}

/* Takes in points [from, len): bounds and sortedness. */
static void
series_scan (Series *s,
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

static Series *
find_series (DidactLinePlot *self,
             guint           id)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      if (s->id == id)
        return s;
    }
  return NULL;
}

/* The index of the point with a finite y whose x is nearest to x, or
 * G_MAXSIZE. */
static gsize
series_nearest (Series *s,
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

static int
free_palette_index (DidactLinePlot *self)
{
  for (int index = 0; ; index++)
    {
      gboolean used = FALSE;

      for (guint i = 0; i < self->series->len && !used; i++)
        used = ((Series *) g_ptr_array_index (self->series, i))->palette_index == index;
      if (!used || index >= (int) self->series->len + DIDACT_PLOT_PALETTE_SIZE)
        return index;
    }
}

/* Data changed: refit if asked to, and redraw. */
static void
data_changed (DidactLinePlot *self)
{
  if (self->auto_fit)
    self->fit_pending = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
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

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      if (!s->visible)
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
 * Paths
 */

static const double *
series_smoothed (Series *s,
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
  build_mask (self, trace, s->style == DIDACT_SERIES_DASHED);
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
static void
draw_trace (cairo_t     *cr,
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

/* ------------------------------------------------------------------------
 * Drawing
 */

typedef struct
{
  double value;
  char text[48];
  int width, height;
} Tick;

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

static int
make_ticks (PangoLayout *layout,
            double       lo,
            double       hi,
            gboolean     log_scale,
            int          max_ticks,
            Tick        *ticks,
            int         *max_width)
{
  double values[MAX_TICKS];
  double step = 0;
  int n = 0;

  max_ticks = CLAMP (max_ticks, 2, MAX_TICKS);
  if (log_scale)
    didact_plot_log_ticks (lo, hi, max_ticks, values, &n);
  else
    step = didact_plot_nice_ticks (lo, hi, max_ticks, values, &n);

  *max_width = 0;
  for (int i = 0; i < n; i++)
    {
      ticks[i].value = values[i];
      didact_plot_format_number (values[i], log_scale ? values[i] : step,
                                 ticks[i].text, sizeof ticks[i].text);
      didact_plot_layout_size (layout, ticks[i].text, &ticks[i].width, &ticks[i].height);
      *max_width = MAX (*max_width, ticks[i].width);
    }
  return n;
}

/* The visible, labelled series for the legend; returns how many. */
static guint
legend_entries (DidactLinePlot        *self,
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

/* Markers are kept sorted by x, so a label that would cover the one
 * before it can be dropped. */
static void
draw_markers (DidactLinePlot        *self,
              cairo_t               *cr,
              const DidactPlotStyle *style,
              const graphene_rect_t *area)
{
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

/* Ticks sit on the bottom edge of the plot area, over the lines; several in
 * one pixel column are drawn once per shape. */
static void
draw_ticks (DidactLinePlot        *self,
            cairo_t               *cr,
            const DidactPlotStyle *style,
            const graphene_rect_t *area)
{
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

/* the visible ticks within TICK_HOVER_PIXELS of data_x on area, nearest
 * first (indices into self->ticks) */
static GArray *
ticks_near (DidactLinePlot        *self,
            const graphene_rect_t *area,
            double                 data_x)
{
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

static void
draw_hover (DidactLinePlot        *self,
            cairo_t               *cr,
            const DidactPlotStyle *style,
            const graphene_rect_t *area,
            int                    width,
            int                    height)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) colors = g_array_new (FALSE, FALSE, sizeof (GdkRGBA));
  g_autofree char *title = NULL;
  double data_x, t_lo, t_hi, nearest_x = NAN;
  char x_text[48];

  if (!self->hovering || !graphene_rect_contains_point (area, &GRAPHENE_POINT_INIT (self->hover_x, self->hover_y)))
    return;

  data_x = self->x_lo + (self->hover_x - area->origin.x) / area->size.width * (self->x_hi - self->x_lo);
  t_lo = self->log_y ? log10 (self->y_lo) : self->y_lo;
  t_hi = self->log_y ? log10 (self->y_hi) : self->y_hi;

  cairo_save (cr);
  didact_plot_set_source (cr, &style->fg, 0.3);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, round (self->hover_x) + 0.5, area->origin.y);
  cairo_rel_line_to (cr, 0, area->size.height);
  cairo_stroke (cr);

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      double px, py, raw, shown;
      char value[48], raw_text[48];
      gsize index;

      if (!s->visible || (index = series_nearest (s, data_x)) == G_MAXSIZE)
        continue;
      px = g_array_index (s->x, double, index);
      raw = shown = g_array_index (s->y, double, index);
      if (self->smoothing > 0)
        shown = series_smoothed (s, self->smoothing)[index];
      if (isnan (nearest_x))
        nearest_x = px;

      didact_plot_format_number (shown, 0, value, sizeof value);
      if (self->smoothing > 0)
        {
          didact_plot_format_number (raw, 0, raw_text, sizeof raw_text);
          g_ptr_array_add (lines, g_strdup_printf ("%s: %s (%s)", s->label != NULL ? s->label : "",
                                                   value, raw_text));
        }
      else
        g_ptr_array_add (lines, g_strdup_printf ("%s: %s", s->label != NULL ? s->label : "", value));
      g_array_append_val (colors, s->color);

      if (self->log_y && shown <= 0)
        continue;
      /* a dot on the point */
      px = area->origin.x + (px - self->x_lo) / (self->x_hi - self->x_lo) * area->size.width;
      py = area->origin.y + area->size.height -
           ((self->log_y ? log10 (shown) : shown) - t_lo) / (t_hi - t_lo) * area->size.height;
      if (py >= area->origin.y && py <= area->origin.y + area->size.height)
        {
          didact_plot_set_source (cr, &s->color, 1);
          cairo_arc (cr, px, py, 3.5 * style->line_scale, 0, 2 * G_PI);
          cairo_fill_preserve (cr);
          didact_plot_set_source (cr, &style->bg, 1);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
        }
    }
  cairo_restore (cr);

  /* the events at the pointer, in their colours */
  {
    g_autoptr(GArray) near = ticks_near (self, area, data_x);

    for (guint i = 0; i < near->len && i < TICK_HOVER_LINES; i++)
      {
        const EventTick *t = &g_array_index (self->ticks, EventTick, g_array_index (near, guint, i));

        g_ptr_array_add (lines, g_strdup (t->description));
        g_array_append_val (colors, t->color);
        if (isnan (nearest_x))
          nearest_x = t->x;
      }
    if (near->len > TICK_HOVER_LINES)
      {
        GdkRGBA fg = style->fg;

        /* Translators: more events at the pointer than the read-out lists */
        g_ptr_array_add (lines, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "… and %u more event",
                                                              "… and %u more events",
                                                              near->len - TICK_HOVER_LINES),
                                                 near->len - TICK_HOVER_LINES));
        g_array_append_val (colors, fg);
      }
  }

  if (lines->len == 0)
    return;
  format_value (nearest_x, x_text, sizeof x_text);
  title = g_strdup_printf ("%s %s", self->x_label != NULL ? self->x_label : "x", x_text);
  didact_plot_draw_readout (cr, style, width, height, self->hover_x, self->hover_y, title,
                            (const char *const *) lines->pdata,
                            (const GdkRGBA *) colors->data, lines->len);
}

void
didact_line_plot_draw (DidactLinePlot *self,
                       cairo_t        *cr,
                       int             width,
                       int             height)
{
  g_autoptr(PangoLayout) tick_layout = NULL;
  g_autoptr(PangoLayout) label_layout = NULL;
  DidactPlotStyle style;
  Tick x_ticks[MAX_TICKS], y_ticks[MAX_TICKS];
  DidactPlotLegendEntry entries[16];
  guint n_entries;
  int n_x = 0, n_y = 0, tick_h, label_h = 0, y_tick_w, x_tick_w, w, h;
  double pad, tick_len, left, right, top, bottom, header_h;
  double t_lo, t_hi, y_lo, y_hi;
  graphene_rect_t area;
  Geometry geometry;
  int scale;

  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));
  g_return_if_fail (cr != NULL);

  if (width <= 0 || height <= 0)
    return;

  ensure_fit (self);
  didact_plot_style_init (&style, GTK_WIDGET (self), self->presentation);
  pad = 8 * style.font_scale;
  tick_len = 4 * style.font_scale;

  tick_layout = didact_plot_style_layout (&style, cr, 0.85, PANGO_WEIGHT_NORMAL);
  label_layout = didact_plot_style_layout (&style, cr, 1.0, PANGO_WEIGHT_NORMAL);
  didact_plot_layout_size (tick_layout, "0123456789", NULL, &tick_h);
  didact_plot_layout_size (label_layout, "Ag", NULL, &label_h);

  /* a log axis needs a positive range */
  y_lo = self->y_lo;
  y_hi = self->y_hi;
  if (self->log_y)
    {
      if (!(y_hi > 0))
        y_hi = 10;
      if (!(y_lo > 0) || y_lo >= y_hi)
        y_lo = y_hi / 1000;
    }
  t_lo = self->log_y ? log10 (y_lo) : y_lo;
  t_hi = self->log_y ? log10 (y_hi) : y_hi;

  /* vertical layout first: it sets how many y ticks fit, which sets the
   * width of their labels, which sets the left margin and the x ticks */
  n_entries = legend_entries (self, entries, G_N_ELEMENTS (entries));
  header_h = didact_plot_header_height (cr, &style, self->title, entries, n_entries, width);
  top = pad + (header_h > 0 ? header_h + pad : tick_h / 2);
  bottom = pad + tick_len + tick_h;
  if (self->x_label != NULL && self->x_label[0] != '\0')
    bottom += label_h + pad / 2;
  area.size.height = height - top - bottom;

  n_y = make_ticks (tick_layout, y_lo, y_hi, self->log_y,
                    (int) (area.size.height / (tick_h * 2.2)), y_ticks, &y_tick_w);
  left = pad + y_tick_w + tick_len + pad / 2;
  if (self->y_label != NULL && self->y_label[0] != '\0')
    left += label_h + pad / 2;
  {
    char end_text[48];

    didact_plot_format_number (self->x_hi, 0, end_text, sizeof end_text);
    didact_plot_layout_size (tick_layout, end_text, &x_tick_w, NULL);
    right = MAX (pad * 2, x_tick_w / 2.0 + pad / 2);
  }
  area.origin.x = left;
  area.origin.y = top;
  area.size.width = width - left - right;

  if (area.size.width < 10 || area.size.height < 10 || !(self->x_hi > self->x_lo) || !(t_hi > t_lo))
    {
      didact_plot_style_clear (&style);
      return;
    }

  /* as many x ticks as their labels leave room for */
  for (int max_ticks = MAX_TICKS; max_ticks >= 2; max_ticks--)
    {
      n_x = make_ticks (tick_layout, self->x_lo, self->x_hi, FALSE, max_ticks, x_ticks, &x_tick_w);
      if (n_x * (x_tick_w + 2 * pad) <= area.size.width)
        break;
    }
  self->area = area;

  /* grid, axes, tick labels */
  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  didact_plot_set_source (cr, &style.fg, 0.12);
  for (int i = 0; i < n_y; i++)
    {
      double t = self->log_y ? log10 (y_ticks[i].value) : y_ticks[i].value;
      double y = round (area.origin.y + area.size.height - (t - t_lo) / (t_hi - t_lo) * area.size.height) + 0.5;

      cairo_move_to (cr, area.origin.x, y);
      cairo_rel_line_to (cr, area.size.width, 0);
    }
  for (int i = 0; i < n_x; i++)
    {
      double x = round (area.origin.x + (x_ticks[i].value - self->x_lo) /
                        (self->x_hi - self->x_lo) * area.size.width) + 0.5;

      cairo_move_to (cr, x, area.origin.y);
      cairo_rel_line_to (cr, 0, area.size.height);
    }
  cairo_stroke (cr);

  didact_plot_set_source (cr, &style.fg, 0.45);
  cairo_move_to (cr, round (area.origin.x) + 0.5, area.origin.y);
  cairo_line_to (cr, round (area.origin.x) + 0.5, round (area.origin.y + area.size.height) + 0.5);
  cairo_line_to (cr, area.origin.x + area.size.width, round (area.origin.y + area.size.height) + 0.5);
  cairo_stroke (cr);

  for (int i = 0; i < n_y; i++)
    {
      double t = self->log_y ? log10 (y_ticks[i].value) : y_ticks[i].value;
      double y = area.origin.y + area.size.height - (t - t_lo) / (t_hi - t_lo) * area.size.height;

      didact_plot_set_source (cr, &style.fg, 0.45);
      cairo_move_to (cr, area.origin.x - tick_len, round (y) + 0.5);
      cairo_rel_line_to (cr, tick_len, 0);
      cairo_stroke (cr);
      pango_layout_set_text (tick_layout, y_ticks[i].text, -1);
      didact_plot_set_source (cr, &style.fg, 0.75);
      cairo_move_to (cr, area.origin.x - tick_len - pad / 2 - y_ticks[i].width,
                     y - y_ticks[i].height / 2.0);
      pango_cairo_show_layout (cr, tick_layout);
    }
  for (int i = 0; i < n_x; i++)
    {
      double x = area.origin.x + (x_ticks[i].value - self->x_lo) /
                 (self->x_hi - self->x_lo) * area.size.width;
      double label_x = CLAMP (x - x_ticks[i].width / 2.0, 0, width - x_ticks[i].width);

      didact_plot_set_source (cr, &style.fg, 0.45);
      cairo_move_to (cr, round (x) + 0.5, area.origin.y + area.size.height);
      cairo_rel_line_to (cr, 0, tick_len);
      cairo_stroke (cr);
      pango_layout_set_text (tick_layout, x_ticks[i].text, -1);
      didact_plot_set_source (cr, &style.fg, 0.75);
      cairo_move_to (cr, label_x, area.origin.y + area.size.height + tick_len + 2);
      pango_cairo_show_layout (cr, tick_layout);
    }

  /* axis labels and title */
  didact_plot_set_source (cr, &style.fg, 0.9);
  if (self->x_label != NULL && self->x_label[0] != '\0')
    {
      didact_plot_layout_size (label_layout, self->x_label, &w, &h);
      cairo_move_to (cr, area.origin.x + (area.size.width - w) / 2, height - pad - h);
      pango_cairo_show_layout (cr, label_layout);
    }
  if (self->y_label != NULL && self->y_label[0] != '\0')
    {
      didact_plot_layout_size (label_layout, self->y_label, &w, &h);
      cairo_save (cr);
      cairo_move_to (cr, pad, area.origin.y + (area.size.height + w) / 2);
      cairo_rotate (cr, -G_PI / 2);
      pango_cairo_update_layout (cr, label_layout);
      pango_cairo_show_layout (cr, label_layout);
      cairo_restore (cr);
    }
  cairo_restore (cr);
  didact_plot_draw_header (cr, &style, self->title, area.origin.x, entries, n_entries,
                           DIDACT_PLOT_SWATCH_LINE, width);

  /* the paths, rebuilt if the geometry moved */
  scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  geometry = (Geometry) {
    .x_lo = self->x_lo, .x_hi = self->x_hi, .y_lo = y_lo, .y_hi = y_hi,
    .area_w = area.size.width, .area_h = area.size.height,
    .columns = (int) ceil (area.size.width) * MAX (scale, 1),
    .scale = MAX (scale, 1),
    .line_width = 1.5 * style.line_scale,
    .log_y = self->log_y,
  };
  if (!geometry_equal (&geometry, &self->geometry))
    {
      self->geometry = geometry;
      self->geometry_serial++;
    }

  cairo_save (cr);
  cairo_rectangle (cr, area.origin.x, area.origin.y, area.size.width, area.size.height);
  cairo_clip (cr);

  draw_markers (self, cr, &style, &area);

  cairo_translate (cr, area.origin.x, area.origin.y);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  /* faint series (baselines) behind the others */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->series->len; i++)
      {
        Series *s = g_ptr_array_index (self->series, i);
        gboolean faint = s->style == DIDACT_SERIES_FAINT;
        gboolean dashed = s->style == DIDACT_SERIES_DASHED;
        double alpha = faint ? 0.4 : 1;
        double line_width = 1.5 * style.line_scale;

        if (!s->visible || s->x->len == 0 || faint != (pass == 0))
          continue;

        if (s->raw_serial != self->geometry_serial)
          {
            build_trace (self, s, (const double *) s->y->data, &s->raw_trace);
            s->raw_serial = self->geometry_serial;
          }
        if (self->smoothing > 0 && s->smooth_serial != self->geometry_serial)
          {
            build_trace (self, s, series_smoothed (s, self->smoothing), &s->smooth_trace);
            s->smooth_serial = self->geometry_serial;
          }

        if (self->smoothing > 0)
          {
            /* the raw series faint behind its smoothed line */
            didact_plot_set_source (cr, &s->color, alpha * 0.25);
            draw_trace (cr, &s->raw_trace, line_width, dashed, style.line_scale);
            didact_plot_set_source (cr, &s->color, alpha);
            draw_trace (cr, &s->smooth_trace, line_width, dashed, style.line_scale);
          }
        else
          {
            didact_plot_set_source (cr, &s->color, alpha);
            draw_trace (cr, &s->raw_trace, line_width, dashed, style.line_scale);
          }
      }
  cairo_restore (cr);

  cairo_save (cr);
  cairo_rectangle (cr, area.origin.x, area.origin.y, area.size.width, area.size.height);
  cairo_clip (cr);
  draw_ticks (self, cr, &style, &area);
  cairo_restore (cr);

  /* the timeline cursor */
  if (isfinite (self->cursor_x) && self->cursor_x >= self->x_lo && self->cursor_x <= self->x_hi)
    {
      double x = area.origin.x + (self->cursor_x - self->x_lo) / (self->x_hi - self->x_lo) * area.size.width;

      cairo_save (cr);
      didact_plot_set_source (cr, &style.fg, 0.75);
      cairo_set_line_width (cr, 1.5 * style.line_scale);
      cairo_move_to (cr, x, area.origin.y);
      cairo_rel_line_to (cr, 0, area.size.height);
      cairo_stroke (cr);
      cairo_restore (cr);
    }

  if (!didact_plot_is_exporting (GTK_WIDGET (self)))
    draw_hover (self, cr, &style, &area, width, height);

  didact_plot_style_clear (&style);
}

/* ------------------------------------------------------------------------
 * GtkWidget
 */

static void
didact_line_plot_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  didact_line_plot_draw (DIDACT_LINE_PLOT (widget), cr, width, height);
  cairo_destroy (cr);
}

static void
didact_line_plot_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  gboolean presentation = DIDACT_LINE_PLOT (widget)->presentation;

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
didact_line_plot_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (didact_line_plot_parent_class)->css_changed (widget, change);
  /* colours and fonts come from the style */
  gtk_widget_queue_draw (widget);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           DidactLinePlot           *self)
{
  self->hovering = TRUE;
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          DidactLinePlot           *self)
{
  self->hovering = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_accessible_label (DidactLinePlot *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->title != NULL ? self->title : "",
                                  -1);
}

static void
didact_line_plot_plot_draw (DidactPlot *plot,
                            cairo_t    *cr,
                            int         width,
                            int         height)
{
  didact_line_plot_draw (DIDACT_LINE_PLOT (plot), cr, width, height);
}

static void
didact_line_plot_plot_init (DidactPlotInterface *iface)
{
  iface->draw = didact_line_plot_plot_draw;
}

static void
didact_line_plot_finalize (GObject *object)
{
  DidactLinePlot *self = DIDACT_LINE_PLOT (object);

  didact_line_plot_clear_markers (self);
  g_clear_pointer (&self->markers, g_array_unref);
  didact_line_plot_clear_ticks (self);
  g_clear_pointer (&self->ticks, g_array_unref);
  g_clear_pointer (&self->hidden_groups, g_array_unref);
  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->buckets, g_array_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->x_label, g_free);
  g_clear_pointer (&self->y_label, g_free);

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
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_X_LABEL:
      g_value_set_string (value, self->x_label);
      break;
    case PROP_Y_LABEL:
      g_value_set_string (value, self->y_label);
      break;
    case PROP_SHOW_LEGEND:
      g_value_set_boolean (value, self->show_legend);
      break;
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
    case PROP_PRESENTATION:
      g_value_set_boolean (value, self->presentation);
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
    case PROP_TITLE:
      didact_line_plot_set_title (self, g_value_get_string (value));
      break;
    case PROP_X_LABEL:
      didact_line_plot_set_x_label (self, g_value_get_string (value));
      break;
    case PROP_Y_LABEL:
      didact_line_plot_set_y_label (self, g_value_get_string (value));
      break;
    case PROP_SHOW_LEGEND:
      didact_line_plot_set_show_legend (self, g_value_get_boolean (value));
      break;
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
    case PROP_PRESENTATION:
      didact_line_plot_set_presentation (self, g_value_get_boolean (value));
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

  object_class->finalize = didact_line_plot_finalize;
  object_class->get_property = didact_line_plot_get_property;
  object_class->set_property = didact_line_plot_set_property;

  widget_class->snapshot = didact_line_plot_snapshot;
  widget_class->measure = didact_line_plot_measure;
  widget_class->css_changed = didact_line_plot_css_changed;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_X_LABEL] =
    g_param_spec_string ("x-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_Y_LABEL] =
    g_param_spec_string ("y-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_LEGEND] =
    g_param_spec_boolean ("show-legend", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
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
  properties[PROP_PRESENTATION] =
    g_param_spec_boolean ("presentation", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "didact-line-plot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
didact_line_plot_init (DidactLinePlot *self)
{
  GtkEventController *motion;

  self->series = g_ptr_array_new_with_free_func (series_free);
  self->markers = g_array_new (FALSE, FALSE, sizeof (Marker));
  self->ticks = g_array_new (FALSE, FALSE, sizeof (EventTick));
  self->next_tick_id = 1;
  self->hidden_groups = g_array_new (FALSE, FALSE, sizeof (guint));
  self->buckets = g_array_new (FALSE, FALSE, sizeof (DidactPlotBucket));
  self->next_series_id = 1;
  self->next_marker_id = 1;
  self->show_legend = TRUE;
  self->auto_fit = TRUE;
  self->cursor_x = NAN;
  self->fit_pending = TRUE;

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  update_accessible_label (self);
}

GtkWidget *
didact_line_plot_new (void)
{
  return g_object_new (DIDACT_TYPE_LINE_PLOT, NULL);
}

/* ------------------------------------------------------------------------
 * Series API
 */

guint
didact_line_plot_add_series (DidactLinePlot    *self,
                             const char        *label,
                             const GdkRGBA     *color,
                             DidactSeriesStyle  style)
{
  Series *s;

  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), 0);

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
      s->palette_index = free_palette_index (self);
      didact_plot_palette_color (s->palette_index, &s->color);
    }
  s->x = g_array_new (FALSE, FALSE, sizeof (double));
  s->y = g_array_new (FALSE, FALSE, sizeof (double));
  s->smoothed = g_array_new (FALSE, FALSE, sizeof (double));
  s->smoothed_weight = -1;
  s->raw_trace.points = g_array_new (FALSE, FALSE, sizeof (PathPoint));
  s->raw_trace.spans = g_array_new (FALSE, FALSE, sizeof (Span));
  s->smooth_trace.points = g_array_new (FALSE, FALSE, sizeof (PathPoint));
  s->smooth_trace.spans = g_array_new (FALSE, FALSE, sizeof (Span));
  series_reset_bounds (s);
  g_ptr_array_add (self->series, s);

  gtk_widget_queue_draw (GTK_WIDGET (self));
  return s->id;
}

void
didact_line_plot_remove_series (DidactLinePlot *self,
                                guint           id)
{
  Series *s;

  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  s = find_series (self, id);
  g_return_if_fail (s != NULL);
  g_ptr_array_remove (self->series, s);
  data_changed (self);
}

void
didact_line_plot_remove_all_series (DidactLinePlot *self)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  if (self->series->len == 0)
    return;
  g_ptr_array_set_size (self->series, 0);
  data_changed (self);
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
  series_reset_bounds (s);
  series_scan (s, 0);
  series_invalidate (s);
  data_changed (self);
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
  series_scan (s, from);
  /* the smoothed prefix stays valid and is extended when next drawn */
  series_invalidate (s);
  data_changed (self);
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

void
didact_line_plot_set_series_visible (DidactLinePlot *self,
                                     guint           id,
                                     gboolean        visible)
{
  Series *s;

  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  s = find_series (self, id);
  g_return_if_fail (s != NULL);

  visible = !!visible;
  if (s->visible == visible)
    return;
  s->visible = visible;
  data_changed (self);
}

gboolean
didact_line_plot_get_series_visible (DidactLinePlot *self,
                                     guint           id)
{
  Series *s;

  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), FALSE);

  s = find_series (self, id);
  g_return_val_if_fail (s != NULL, FALSE);
  return s->visible;
}

void
didact_line_plot_get_series_color (DidactLinePlot *self,
                                   guint           id,
                                   GdkRGBA        *color)
{
  Series *s;

  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));
  g_return_if_fail (color != NULL);

  s = find_series (self, id);
  g_return_if_fail (s != NULL);
  *color = s->color;
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

  i = series_nearest (s, x);
  if (i == G_MAXSIZE)
    return FALSE;
  if (out_x != NULL)
    *out_x = g_array_index (s->x, double, i);
  if (out_y != NULL)
    *out_y = g_array_index (s->y, double, i);
  return TRUE;
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
 * Ticks
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
    data_changed (self);  /* the fit makes room for the ticks */
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
  data_changed (self);
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

  near = ticks_near (self, &self->area, data_x);
  for (guint i = 0; i < near->len; i++)
    g_strv_builder_add (builder, g_array_index (self->ticks, EventTick, g_array_index (near, guint, i)).description);
  return g_strv_builder_end (builder);
}

double
didact_line_plot_x_to_widget (DidactLinePlot *self,
                              double          data_x)
{
  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), NAN);

  if (self->area.size.width <= 0 || !(self->x_hi > self->x_lo))
    return NAN;
  return self->area.origin.x + (data_x - self->x_lo) / (self->x_hi - self->x_lo) * self->area.size.width;
}

/* ------------------------------------------------------------------------
 * Axes
 */

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

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

const char *
didact_line_plot_get_title (DidactLinePlot *self)
{
  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), NULL);
  return self->title;
}

void
didact_line_plot_set_title (DidactLinePlot *self,
                            const char     *title)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  if (!set_string (&self->title, title))
    return;
  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
didact_line_plot_get_x_label (DidactLinePlot *self)
{
  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), NULL);
  return self->x_label;
}

void
didact_line_plot_set_x_label (DidactLinePlot *self,
                              const char     *label)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  if (!set_string (&self->x_label, label))
    return;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_X_LABEL]);
}

const char *
didact_line_plot_get_y_label (DidactLinePlot *self)
{
  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), NULL);
  return self->y_label;
}

void
didact_line_plot_set_y_label (DidactLinePlot *self,
                              const char     *label)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  if (!set_string (&self->y_label, label))
    return;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_Y_LABEL]);
}

gboolean
didact_line_plot_get_show_legend (DidactLinePlot *self)
{
  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), FALSE);
  return self->show_legend;
}

void
didact_line_plot_set_show_legend (DidactLinePlot *self,
                                  gboolean        show_legend)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  show_legend = !!show_legend;
  if (self->show_legend == show_legend)
    return;
  self->show_legend = show_legend;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_LEGEND]);
}

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
  data_changed (self);
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
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));
  g_return_if_fail (!isnan (smoothing));

  smoothing = CLAMP (smoothing, 0, 0.99);
  if (self->smoothing == smoothing)
    return;
  self->smoothing = smoothing;
  for (guint i = 0; i < self->series->len; i++)
    ((Series *) g_ptr_array_index (self->series, i))->smooth_serial = 0;
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
    data_changed (self);
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

gboolean
didact_line_plot_get_presentation (DidactLinePlot *self)
{
  g_return_val_if_fail (DIDACT_IS_LINE_PLOT (self), FALSE);
  return self->presentation;
}

void
didact_line_plot_set_presentation (DidactLinePlot *self,
                                   gboolean        presentation)
{
  g_return_if_fail (DIDACT_IS_LINE_PLOT (self));

  presentation = !!presentation;
  if (self->presentation == presentation)
    return;
  self->presentation = presentation;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTATION]);
}
