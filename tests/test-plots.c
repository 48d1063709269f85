/* test-plots.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plot widgets: their numeric helpers against values worked out by
 * hand or by brute force, their drawing checked pixel by pixel in image
 * surfaces, pointer and keyboard input through the widgets' own
 * controllers and actions, export, and an in-window screenshot. Runs under
 * Xvfb. Set DIDACT_PLOTS_SAVE_DIR to keep PNGs of the plots (light, dark,
 * presentation, hover) for looking at.
 */
#include "didact-bar-plot.h"
#include "didact-heatmap.h"
#include "didact-line-plot.h"
#include "test-render.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define WIDTH 800
#define HEIGHT 500
#define N_POINTS 10000

/* ------------------------------------------------------------------------
 * Pixels
 */

typedef struct
{
  guint8 r, g, b, a;
} Pixel;

static Pixel
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 v;
  Pixel p;

  cairo_surface_flush (surface);
  v = *(const guint32 *) (data + (gsize) y * stride + 4 * x);
  p.a = v >> 24;
  p.r = (v >> 16) & 0xff;
  p.g = (v >> 8) & 0xff;
  p.b = v & 0xff;
  return p;
}

static gboolean
pixel_near (Pixel          p,
            const GdkRGBA *c,
            int            tolerance)
{
  return abs (p.r - (int) round (c->red * 255)) <= tolerance &&
         abs (p.g - (int) round (c->green * 255)) <= tolerance &&
         abs (p.b - (int) round (c->blue * 255)) <= tolerance;
}

static guint
count_near (cairo_surface_t *surface,
            const GdkRGBA   *color,
            int              tolerance)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  guint n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      n += pixel_near (pixel_at (surface, x, y), color, tolerance);
  return n;
}

static guint
count_different (cairo_surface_t *a,
                 cairo_surface_t *b)
{
  int w = cairo_image_surface_get_width (a);
  int h = cairo_image_surface_get_height (a);
  guint n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        Pixel p = pixel_at (a, x, y), q = pixel_at (b, x, y);

        n += p.r != q.r || p.g != q.g || p.b != q.b || p.a != q.a;
      }
  return n;
}

static const GdkRGBA white = { 1, 1, 1, 1 };

/* The plot on an opaque white background: anything not white was drawn. */
static cairo_surface_t *
render (GtkWidget *plot,
        int        width,
        int        height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  didact_plot_draw (DIDACT_PLOT (plot), cr, width, height);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static guint
count_drawn (cairo_surface_t *surface)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);

  return w * h - count_near (surface, &white, 0);
}

/* Keeps a picture for a person to look at, when asked to: drawn as the
 * widget draws itself (with hover and focus), on the style's background. */
static void
maybe_save (GtkWidget  *plot,
            const char *name,
            int         width,
            int         height)
{
  const char *dir = g_getenv ("DIDACT_PLOTS_SAVE_DIR");
  g_autofree char *path = NULL;
  cairo_surface_t *surface;
  DidactPlotStyle style;
  cairo_t *cr;

  if (dir == NULL || dir[0] == '\0')
    return;
  path = g_strdup_printf ("%s/plots-%s.png", dir, name);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  didact_plot_style_init (&style, plot, FALSE);
  didact_plot_set_source (cr, &style.bg, 1);
  cairo_paint (cr);
  didact_plot_style_clear (&style);
  didact_plot_draw (DIDACT_PLOT (plot), cr, width, height);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_test_message ("saved %s", path);
}

/* ------------------------------------------------------------------------
 * Data
 */

/* Three loss-like curves: decaying, noisy, each at its own level. */
static void
make_curve (int     which,
            double *x,
            double *y,
            gsize   n)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234 + which);

  for (gsize i = 0; i < n; i++)
    {
      double noise = g_rand_double_range (rand, -1, 1);

      x[i] = i;
      y[i] = (0.3 + 0.25 * which) + 2.0 * exp (-(double) i / (1500.0 * (which + 1))) +
             0.08 * noise;
    }
}

static GtkWidget *
make_line_plot (guint ids[3])
{
  GtkWidget *plot = didact_line_plot_new ();
  static const char *names[] = { "L2T-DLF", "cross-entropy", "branch 1" };
  g_autofree double *x = g_new (double, N_POINTS);
  g_autofree double *y = g_new (double, N_POINTS);

  didact_plot_set_title (DIDACT_PLOT (plot), "Training loss");
  didact_plot_set_x_label (DIDACT_PLOT (plot), "step");
  didact_plot_set_y_label (DIDACT_PLOT (plot), "loss");
  for (int s = 0; s < 3; s++)
    {
      ids[s] = didact_line_plot_add_series (DIDACT_LINE_PLOT (plot), names[s], NULL,
                                            s == 1 ? DIDACT_SERIES_FAINT : DIDACT_SERIES_SOLID);
      make_curve (s, x, y, N_POINTS);
      didact_line_plot_set_series_data (DIDACT_LINE_PLOT (plot), ids[s], x, y, N_POINTS);
    }
  return g_object_ref_sink (plot);
}

static const char *const class_names[] = {
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot", NULL
};

static GtkWidget *
make_heatmap (void)
{
  GtkWidget *heatmap = didact_heatmap_new ();
  double w[100], b[10];

  for (int r = 0; r < 10; r++)
    {
      for (int c = 0; c < 10; c++)
        w[r * 10 + c] = r == c ? 1.0 : 0.1 * sin (r * 3.1 + c * 1.7);
      b[r] = 0.05 * (r - 5);
    }
  w[2 * 10 + 7] = 3.0;     /* large positive */
  w[6 * 10 + 1] = -3.0;    /* large negative */
  didact_heatmap_set_matrix (DIDACT_HEATMAP (heatmap), w, 10, 10);
  didact_heatmap_set_row_labels (DIDACT_HEATMAP (heatmap), class_names);
  didact_heatmap_set_col_labels (DIDACT_HEATMAP (heatmap), class_names);
  didact_heatmap_set_extra_column (DIDACT_HEATMAP (heatmap), b, 10, "b");
  return g_object_ref_sink (heatmap);
}

static GtkWidget *
make_bar_plot (guint ids[2])
{
  GtkWidget *plot = didact_bar_plot_new ();
  double taught[10], baseline[10];

  for (int c = 0; c < 10; c++)
    {
      taught[c] = 0.5 + 0.04 * c - (c == 6 ? 0.9 : 0);
      baseline[c] = 0.45 + 0.03 * c - (c == 6 ? 0.7 : 0);
    }
  didact_plot_set_title (DIDACT_PLOT (plot), "Per-class margin");
  didact_plot_set_y_label (DIDACT_PLOT (plot), "margin");
  didact_bar_plot_set_categories (DIDACT_BAR_PLOT (plot), class_names);
  ids[0] = didact_bar_plot_add_series (DIDACT_BAR_PLOT (plot), "L2T-DLF", NULL, DIDACT_SERIES_SOLID);
  ids[1] = didact_bar_plot_add_series (DIDACT_BAR_PLOT (plot), "cross-entropy", NULL, DIDACT_SERIES_FAINT);
  didact_bar_plot_set_series_values (DIDACT_BAR_PLOT (plot), ids[0], taught, 10);
  didact_bar_plot_set_series_values (DIDACT_BAR_PLOT (plot), ids[1], baseline, 10);
  return g_object_ref_sink (plot);
}

/* ------------------------------------------------------------------------
 * Numeric helpers
 */

static void
assert_ticks (double        lo,
              double        hi,
              int           max_ticks,
              double        want_step,
              const double *want,
              int           n_want)
{
  double out[32], step;
  int n = -1;

  step = didact_plot_nice_ticks (lo, hi, max_ticks, out, &n);
  g_assert_cmpfloat_with_epsilon (step, want_step, 1e-12 * MAX (1, want_step));
  g_assert_cmpint (n, ==, n_want);
  for (int i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (out[i], want[i], 1e-9 * MAX (1, fabs (want[i])));
}

static void
test_nice_ticks (void)
{
  double out[8];
  int n;

  assert_ticks (0, 1, 6, 0.2, (double[]) { 0, 0.2, 0.4, 0.6, 0.8, 1 }, 6);
  /* 0.2 would make six; 0.25 is not a nice step */
  assert_ticks (0, 1, 5, 0.5, (double[]) { 0, 0.5, 1 }, 3);
  assert_ticks (-3.2, 7.9, 6, 2, (double[]) { -2, 0, 2, 4, 6 }, 5);
  assert_ticks (1000, 1e6, 5, 2e5, (double[]) { 2e5, 4e5, 6e5, 8e5, 1e6 }, 5);
  assert_ticks (0.0013, 0.0042, 4, 0.001, (double[]) { 0.002, 0.003, 0.004 }, 3);
  /* reversed bounds are swapped; the zero is exact */
  assert_ticks (0.3, -0.3, 7, 0.1, (double[]) { -0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3 }, 7);
  /* one value */
  assert_ticks (3, 3, 5, 0, (double[]) { 3 }, 1);

  didact_plot_nice_ticks (NAN, 1, 5, out, &n);
  g_assert_cmpint (n, ==, 0);
  didact_plot_nice_ticks (0, INFINITY, 5, out, &n);
  g_assert_cmpint (n, ==, 0);
  g_assert_cmpfloat (out[0], ==, out[0]);
}

static void
test_log_ticks (void)
{
  double out[12];
  int n;

  /* decades */
  didact_plot_log_ticks (0.05, 2000, 8, out, &n);
  g_assert_cmpint (n, ==, 5);
  g_assert_cmpfloat_with_epsilon (out[0], 0.1, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[4], 1000, 1e-9);

  /* every other decade when there are too many */
  didact_plot_log_ticks (1e-6, 1e6, 7, out, &n);
  g_assert_cmpint (n, ==, 7);
  g_assert_cmpfloat_with_epsilon (out[0], 1e-6, 1e-18);
  g_assert_cmpfloat_with_epsilon (out[1], 1e-4, 1e-16);
  g_assert_cmpfloat_with_epsilon (out[6], 1e6, 1e-6);

  /* less than two decades: 1, 2, 5 */
  didact_plot_log_ticks (0.15, 3, 8, out, &n);
  g_assert_cmpint (n, ==, 4);
  g_assert_cmpfloat_with_epsilon (out[0], 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[1], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[2], 1, 1e-12);
  g_assert_cmpfloat_with_epsilon (out[3], 2, 1e-12);

  didact_plot_log_ticks (-1, 10, 5, out, &n);
  g_assert_cmpint (n, ==, 0);
}

static void
assert_format (double      value,
               double      step,
               const char *want)
{
  char buf[64];

  didact_plot_format_number (value, step, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, want);
}

static void
test_format (void)
{
  assert_format (0, 0.1, "0");
  assert_format (1e-17, 0.2, "0");
  assert_format (0.6000000000000001, 0.2, "0.6");
  assert_format (0.25, 0.25, "0.25");
  assert_format (-0.5, 0.5, "-0.5");
  assert_format (1000, 200, "1000");
  assert_format (20000, 5000, "20k");
  assert_format (12500, 2500, "12.5k");
  assert_format (2.5e6, 5e5, "2.5M");
  assert_format (3e9, 1e9, "3G");
  assert_format (1e-5, 1e-5, "1e-5");
  assert_format (2.5e-4, 5e-5, "2.5e-4");
  assert_format (0.001, 0.001, "0.001");
  assert_format (3, 1, "3");
  /* no step: four significant digits */
  assert_format (0.123456, 0, "0.1235");
  assert_format (123.456, 0, "123.5");
  assert_format (12345, 0, "12.35k");
  assert_format (NAN, 0, "NaN");
}

static void
assert_value (double      value,
              const char *want)
{
  char buf[64];

  didact_plot_format_value (value, 2, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, want);
}

/* Cell values: two significant digits and a true minus sign, never a
 * coloured cell that reads 0 */
static void
test_format_value (void)
{
  assert_value (0.6, "0.6");
  assert_value (-0.123, "−0.12");
  assert_value (1.0, "1");
  assert_value (-2.302, "−2.3");
  assert_value (0.0004, "4e−4");
  assert_value (-0.00042, "−4.2e−4");
  assert_value (0.0012, "0.0012");
  assert_value (0.0996, "0.1");
  assert_value (9.96, "10");
  assert_value (12.34, "12");
  assert_value (-123.4, "−123");
  assert_value (0, "0");
  assert_value (NAN, "NaN");
  assert_value (-INFINITY, "−∞");
  /* one digit, where two do not fit */
  {
    char buf[64];

    didact_plot_format_value (-0.087, 1, buf, sizeof buf);
    g_assert_cmpstr (buf, ==, "−0.09");
    didact_plot_format_value (0.00042, 1, buf, sizeof buf);
    g_assert_cmpstr (buf, ==, "4e−4");
    didact_plot_format_value (2.302, 1, buf, sizeof buf);
    g_assert_cmpstr (buf, ==, "2");
  }
}

static void
test_smoothing (void)
{
  const double y[] = { 1, 2, 3 };
  const double y_nan[] = { 1, NAN, 3 };
  double out[3];
  DidactEmaState state = { 0, 0 };

  /* weight 0.5, worked by hand:
   *   last = 0.5,   debias 1 − 0.5   → 1
   *   last = 1.25,  debias 1 − 0.25  → 1.25 / 0.75  = 5/3
   *   last = 2.125, debias 1 − 0.125 → 2.125 / 0.875 = 17/7 */
  didact_plot_smooth_ema (y, 3, 0.5, out);
  g_assert_cmpfloat_with_epsilon (out[0], 1, 1e-15);
  g_assert_cmpfloat_with_epsilon (out[1], 5.0 / 3, 1e-15);
  g_assert_cmpfloat_with_epsilon (out[2], 17.0 / 7, 1e-15);

  /* a NaN passes through and does not count: 3 comes second,
   * last = 0.25 + 1.5 = 1.75, debias 0.75 → 7/3 */
  didact_plot_smooth_ema (y_nan, 3, 0.5, out);
  g_assert_cmpfloat_with_epsilon (out[0], 1, 1e-15);
  g_assert_true (isnan (out[1]));
  g_assert_cmpfloat_with_epsilon (out[2], 7.0 / 3, 1e-15);

  /* weight 0 is the identity */
  didact_plot_smooth_ema (y, 3, 0, out);
  g_assert_cmpfloat (out[2], ==, 3);

  /* a constant stays constant (that is what the debiasing is for) */
  {
    double c[50], s[50];

    for (int i = 0; i < 50; i++)
      c[i] = 0.7;
    didact_plot_smooth_ema (c, 50, 0.95, s);
    for (int i = 0; i < 50; i++)
      g_assert_cmpfloat_with_epsilon (s[i], 0.7, 1e-12);
  }

  /* in two pieces as in one */
  didact_plot_smooth_ema_continue (&state, y, 1, 0.5, out);
  didact_plot_smooth_ema_continue (&state, y + 1, 2, 0.5, out + 1);
  g_assert_cmpfloat_with_epsilon (out[1], 5.0 / 3, 1e-15);
  g_assert_cmpfloat_with_epsilon (out[2], 17.0 / 7, 1e-15);
}

static void
test_envelope_by_hand (void)
{
  const double x[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  const double y[] = { 1, 5, 2, NAN, 3, 3, 8, -1, 4, 0 };
  g_autoptr(GArray) b = g_array_new (FALSE, FALSE, sizeof (DidactPlotBucket));
  const DidactPlotBucket *k;

  /* two columns of width 5 over [0, 10) */
  didact_plot_envelope (x, y, 10, TRUE, 0, 10, 2, FALSE, b);
  g_assert_cmpuint (b->len, ==, 3);

  k = &g_array_index (b, DidactPlotBucket, 0);
  g_assert_cmpint (k->column, ==, 0);
  g_assert_cmpuint (k->n, ==, 3);
  g_assert_false (k->break_before);
  g_assert_cmpfloat (k->y_first, ==, 1);
  g_assert_cmpfloat (k->y_min, ==, 1);
  g_assert_cmpfloat (k->y_max, ==, 5);
  g_assert_cmpfloat (k->y_last, ==, 2);
  g_assert_cmpfloat (k->x_last, ==, 2);
  g_assert_true (k->min_first);

  /* the NaN at x = 3 splits column 0 */
  k = &g_array_index (b, DidactPlotBucket, 1);
  g_assert_cmpint (k->column, ==, 0);
  g_assert_cmpuint (k->n, ==, 1);
  g_assert_true (k->break_before);
  g_assert_cmpfloat (k->y_first, ==, 3);

  k = &g_array_index (b, DidactPlotBucket, 2);
  g_assert_cmpint (k->column, ==, 1);
  g_assert_cmpuint (k->n, ==, 5);
  g_assert_false (k->break_before);
  g_assert_cmpfloat (k->y_first, ==, 3);
  g_assert_cmpfloat (k->y_min, ==, -1);
  g_assert_cmpfloat (k->y_max, ==, 8);
  g_assert_cmpfloat (k->y_last, ==, 0);
  g_assert_true (k->min_first == FALSE);  /* 8 at x = 6, then −1 at x = 7 */

  /* for a log axis, values ≤ 0 drop out without breaking the line */
  g_array_set_size (b, 0);
  didact_plot_envelope (x, y, 10, TRUE, 0, 10, 2, TRUE, b);
  g_assert_cmpuint (b->len, ==, 3);
  k = &g_array_index (b, DidactPlotBucket, 2);
  g_assert_cmpuint (k->n, ==, 3);
  g_assert_cmpfloat (k->y_min, ==, 3);
  g_assert_cmpfloat (k->y_max, ==, 8);
  g_assert_cmpfloat (k->y_last, ==, 4);

  /* a window inside the data keeps one point beyond either edge */
  g_array_set_size (b, 0);
  didact_plot_envelope (x, y, 10, TRUE, 5.5, 7.5, 2, FALSE, b);
  g_assert_cmpuint (b->len, ==, 4);
  g_assert_cmpfloat (g_array_index (b, DidactPlotBucket, 0).x_first, ==, 5);
  g_assert_cmpint (g_array_index (b, DidactPlotBucket, 0).column, ==, -1);
  g_assert_cmpfloat (g_array_index (b, DidactPlotBucket, 3).x_first, ==, 8);
  g_assert_cmpint (g_array_index (b, DidactPlotBucket, 3).column, ==, 2);
}

static void
test_envelope_brute_force (void)
{
  g_autofree double *x = g_new (double, N_POINTS);
  g_autofree double *y = g_new (double, N_POINTS);
  g_autoptr(GArray) b = g_array_new (FALSE, FALSE, sizeof (DidactPlotBucket));
  g_autoptr(GArray) unsorted = g_array_new (FALSE, FALSE, sizeof (DidactPlotBucket));
  const int columns = 137;
  guint total = 0;

  make_curve (0, x, y, N_POINTS);
  didact_plot_envelope (x, y, N_POINTS, TRUE, 0, N_POINTS, columns, FALSE, b);
  /* every column holds points, so one bucket each */
  g_assert_cmpuint (b->len, ==, columns);

  for (guint i = 0; i < b->len; i++)
    {
      const DidactPlotBucket *k = &g_array_index (b, DidactPlotBucket, i);
      double lo = INFINITY, hi = -INFINITY;
      guint n = 0;

      /* the column's points found independently */
      for (gsize j = 0; j < N_POINTS; j++)
        if ((gint64) floor (x[j] * columns / N_POINTS) == k->column)
          {
            lo = MIN (lo, y[j]);
            hi = MAX (hi, y[j]);
            n++;
          }
      g_assert_cmpint (k->column, ==, (gint64) i);
      g_assert_cmpuint (k->n, ==, n);
      g_assert_cmpfloat (k->y_min, ==, lo);
      g_assert_cmpfloat (k->y_max, ==, hi);
      total += k->n;
    }
  g_assert_cmpuint (total, ==, N_POINTS);

  /* scanning everything gives the same buckets as the binary search */
  didact_plot_envelope (x, y, N_POINTS, FALSE, 0, N_POINTS, columns, FALSE, unsorted);
  g_assert_cmpuint (unsorted->len, ==, b->len);
  for (guint i = 0; i < b->len; i++)
    {
      const DidactPlotBucket *p = &g_array_index (b, DidactPlotBucket, i);
      const DidactPlotBucket *q = &g_array_index (unsorted, DidactPlotBucket, i);

      g_assert_cmpint (p->column, ==, q->column);
      g_assert_cmpuint (p->n, ==, q->n);
      g_assert_cmpfloat (p->y_first, ==, q->y_first);
      g_assert_cmpfloat (p->y_last, ==, q->y_last);
      g_assert_cmpfloat (p->y_min, ==, q->y_min);
      g_assert_cmpfloat (p->y_max, ==, q->y_max);
    }
}

static void
test_palette (void)
{
  GdkRGBA colors[DIDACT_PLOT_PALETTE_SIZE], again;

  for (guint i = 0; i < DIDACT_PLOT_PALETTE_SIZE; i++)
    {
      didact_plot_palette_color (i, &colors[i]);
      g_assert_cmpfloat (colors[i].alpha, ==, 1);
      for (guint j = 0; j < i; j++)
        g_assert_false (gdk_rgba_equal (&colors[i], &colors[j]));
    }
  didact_plot_palette_color (DIDACT_PLOT_PALETTE_SIZE + 2, &again);
  g_assert_true (gdk_rgba_equal (&again, &colors[2]));

  /* ten classes, ten colours, none of them a series colour or the
   * baseline's grey */
  {
    GdkRGBA classes[DIDACT_PLOT_CLASS_PALETTE_SIZE], grey;

    didact_plot_baseline_color (&grey);
    for (guint i = 0; i < DIDACT_PLOT_CLASS_PALETTE_SIZE; i++)
      {
        didact_plot_class_color (i, &classes[i]);
        g_assert_cmpfloat (classes[i].alpha, ==, 1);
        g_assert_false (gdk_rgba_equal (&classes[i], &grey));
        for (guint j = 0; j < i; j++)
          g_assert_false (gdk_rgba_equal (&classes[i], &classes[j]));
        for (guint j = 0; j < DIDACT_PLOT_PALETTE_SIZE; j++)
          g_assert_false (gdk_rgba_equal (&classes[i], &colors[j]));
      }
    didact_plot_class_color (DIDACT_PLOT_CLASS_PALETTE_SIZE + 3, &again);
    g_assert_true (gdk_rgba_equal (&again, &classes[3]));
  }

  /* the diverging scale: its ends and middle are its stops */
  for (int dark = 0; dark < 2; dark++)
    {
      GdkRGBA stop, at;

      for (guint i = 0; i < DIDACT_PLOT_DIVERGING_STOPS; i++)
        {
          didact_plot_diverging_stop (dark, i, &stop);
          didact_plot_diverging_color (dark, -1 + 2.0 * i / (DIDACT_PLOT_DIVERGING_STOPS - 1), &at);
          g_assert_cmpfloat_with_epsilon (at.red, stop.red, 1e-6);
          g_assert_cmpfloat_with_epsilon (at.green, stop.green, 1e-6);
          g_assert_cmpfloat_with_epsilon (at.blue, stop.blue, 1e-6);
        }
      /* beyond the ends, the ends */
      didact_plot_diverging_color (dark, 5, &at);
      g_assert_cmpfloat_with_epsilon (at.red, stop.red, 1e-6);
      g_assert_cmpfloat_with_epsilon (at.blue, stop.blue, 1e-6);
    }
}

/* ------------------------------------------------------------------------
 * The base class
 */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* What DidactPlot holds for all three: the shared properties (notified
 * only on a change), the accessible label, the series and their palette
 * colours, the legend, and the layers drawn in one call. */
static void
test_base (void)
{
  guint line_ids[3], bar_ids[2];
  GtkWidget *plots[3];
  g_autofree char *label = NULL;
  graphene_rect_t with_bars, without_bars;
  GdkRGBA first, again;
  guint notified = 0, id;

  g_assert_true (G_TYPE_IS_ABSTRACT (DIDACT_TYPE_PLOT));
  plots[0] = make_line_plot (line_ids);
  plots[1] = make_heatmap ();
  plots[2] = make_bar_plot (bar_ids);
  for (int i = 0; i < 3; i++)
    {
      DidactPlot *plot = DIDACT_PLOT (plots[i]);

      g_assert_true (g_type_is_a (G_OBJECT_TYPE (plot), DIDACT_TYPE_PLOT));
      notified = 0;
      g_signal_connect (plot, "notify::y-label", G_CALLBACK (count_notify), &notified);
      didact_plot_set_y_label (plot, "value");
      didact_plot_set_y_label (plot, "value");
      g_object_set (plot, "y-label", "value", "presentation", FALSE, NULL);
      g_assert_cmpuint (notified, ==, 1);
      g_assert_cmpstr (didact_plot_get_y_label (plot), ==, "value");
    }

  /* the accessible label is the title unless one is set */
  g_object_get (plots[0], "title", &label, NULL);
  g_assert_cmpstr (label, ==, "Training loss");
  g_assert_null (didact_plot_get_accessible_label (DIDACT_PLOT (plots[0])));
  g_assert_cmpstr (didact_plot_get_accessible_label (DIDACT_PLOT (plots[1])), ==, "Loss coefficients");

  /* a removed series' palette colour goes to the next new one */
  didact_plot_get_series_color (DIDACT_PLOT (plots[0]), line_ids[0], &first);
  didact_plot_remove_series (DIDACT_PLOT (plots[0]), line_ids[0]);
  id = didact_line_plot_add_series (DIDACT_LINE_PLOT (plots[0]), "again", NULL, DIDACT_SERIES_SOLID);
  g_assert_cmpuint (id, !=, line_ids[0]);
  didact_plot_get_series_color (DIDACT_PLOT (plots[0]), id, &again);
  g_assert_true (gdk_rgba_equal (&first, &again));
  g_assert_true (didact_plot_get_series_visible (DIDACT_PLOT (plots[0]), id));

  /* without a legend the heatmap's colour bar goes, and in a narrow
   * widget its cells grow */
  g_assert_true (didact_heatmap_cell_rect (DIDACT_HEATMAP (plots[1]), 400, 800, 0, 0, &with_bars));
  didact_plot_set_show_legend (DIDACT_PLOT (plots[1]), FALSE);
  g_assert_true (didact_heatmap_cell_rect (DIDACT_HEATMAP (plots[1]), 400, 800, 0, 0, &without_bars));
  g_assert_cmpfloat (without_bars.size.width, >, with_bars.size.width);

  /* an x label makes room under the bars' category labels */
  {
    graphene_rect_t plain, labelled;

    g_assert_true (didact_bar_plot_bar_rect (DIDACT_BAR_PLOT (plots[2]), WIDTH, HEIGHT, bar_ids[0], 2, &plain));
    didact_plot_set_x_label (DIDACT_PLOT (plots[2]), "class");
    g_assert_true (didact_bar_plot_bar_rect (DIDACT_BAR_PLOT (plots[2]), WIDTH, HEIGHT, bar_ids[0], 2, &labelled));
    g_assert_cmpfloat (labelled.origin.y + labelled.size.height, <, plain.origin.y + plain.size.height);
  }

  for (int i = 0; i < 3; i++)
    g_object_unref (plots[i]);
}

/* ------------------------------------------------------------------------
 * Line plot
 */

static void
test_line_draw (void)
{
  guint ids[3];
  g_autoptr(GtkWidget) plot = make_line_plot (ids);
  DidactLinePlot *lp = DIDACT_LINE_PLOT (plot);
  cairo_surface_t *base, *other;
  GdkRGBA color;
  guint drawn, n;

  base = render (plot, WIDTH, HEIGHT);
  drawn = count_drawn (base);
  g_test_message ("line plot: %u of %u pixels drawn", drawn, WIDTH * HEIGHT);
  g_assert_cmpuint (drawn, >, WIDTH * HEIGHT / 50);
  g_assert_cmpuint (drawn, <, WIDTH * HEIGHT / 2);

  /* the solid series in their palette colours */
  for (int s = 0; s < 3; s += 2)
    {
      didact_plot_get_series_color (DIDACT_PLOT (lp), ids[s], &color);
      n = count_near (base, &color, 8);
      g_test_message ("series %d: %u pixels of its colour", s, n);
      g_assert_cmpuint (n, >, 300);
    }

  /* log-y moves the curves */
  didact_line_plot_set_log_y (lp, TRUE);
  other = render (plot, WIDTH, HEIGHT);
  g_assert_cmpuint (count_different (base, other), >, 2000);
  cairo_surface_destroy (other);
  didact_line_plot_set_log_y (lp, FALSE);

  /* smoothing draws the smoothed line over a faint raw one */
  didact_line_plot_set_smoothing (lp, 0.9);
  other = render (plot, WIDTH, HEIGHT);
  g_assert_cmpuint (count_different (base, other), >, 2000);
  cairo_surface_destroy (other);
  didact_line_plot_set_smoothing (lp, 0);

  /* back to the first picture exactly: the caches follow the settings */
  other = render (plot, WIDTH, HEIGHT);
  g_assert_cmpuint (count_different (base, other), ==, 0);
  cairo_surface_destroy (other);

  /* markers and the cursor add lines */
  didact_line_plot_add_marker (lp, 2500, "edit", NULL);
  didact_line_plot_remove_marker (lp, didact_line_plot_add_marker (lp, 1000, "undone", NULL));
  didact_line_plot_add_marker (lp, 800, "fork", &(GdkRGBA) { 0.8, 0.4, 0, 1 });
  didact_line_plot_set_cursor_x (lp, 6000);
  other = render (plot, WIDTH, HEIGHT);
  maybe_save (plot, "line-marker", WIDTH, HEIGHT);
  g_assert_cmpuint (count_different (base, other), >, 300);
  cairo_surface_destroy (other);
  didact_line_plot_clear_markers (lp);
  didact_line_plot_set_cursor_x (lp, NAN);

  /* hiding a series removes its colour */
  didact_plot_set_series_visible (DIDACT_PLOT (lp), ids[0], FALSE);
  other = render (plot, WIDTH, HEIGHT);
  didact_plot_get_series_color (DIDACT_PLOT (lp), ids[0], &color);
  g_assert_cmpuint (count_near (other, &color, 8), <, 20);
  cairo_surface_destroy (other);

  cairo_surface_destroy (base);
}

static void
test_line_nan_breaks (void)
{
  g_autoptr(GtkWidget) plot = g_object_ref_sink (didact_line_plot_new ());
  DidactLinePlot *lp = DIDACT_LINE_PLOT (plot);
  double x[200], y[200];
  cairo_surface_t *whole, *broken;
  guint id;

  for (int i = 0; i < 200; i++)
    {
      x[i] = i;
      y[i] = 1;
    }
  didact_plot_set_show_legend (DIDACT_PLOT (lp), FALSE);
  id = didact_line_plot_add_series (lp, "flat", NULL, DIDACT_SERIES_SOLID);
  didact_line_plot_set_series_data (lp, id, x, y, 200);
  didact_line_plot_set_y_range (lp, 0, 2);
  whole = render (plot, 400, 300);

  for (int i = 90; i < 110; i++)
    y[i] = NAN;
  didact_line_plot_set_series_data (lp, id, x, y, 200);
  broken = render (plot, 400, 300);
  /* a gap of a tenth of the line is missing */
  g_assert_cmpuint (count_different (whole, broken), >, 20);
  cairo_surface_destroy (whole);
  cairo_surface_destroy (broken);
}

static void
on_notify_count (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_line_fit_and_values (void)
{
  guint ids[3];
  g_autoptr(GtkWidget) plot = make_line_plot (ids);
  DidactLinePlot *lp = DIDACT_LINE_PLOT (plot);
  double lo, hi, vx, vy, more_x[2] = { 10000, 10001 }, more_y[2] = { 5, NAN };
  guint notified = 0;

  g_assert_true (didact_line_plot_get_auto_fit (lp));
  didact_line_plot_get_x_range (lp, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 0);
  g_assert_cmpfloat (hi, ==, N_POINTS - 1);

  /* appending refits while auto-fit is on */
  didact_line_plot_append (lp, ids[0], more_x, more_y, 2);
  g_assert_cmpuint (didact_line_plot_get_n_points (lp, ids[0]), ==, N_POINTS + 2);
  didact_line_plot_get_x_range (lp, &lo, &hi);
  g_assert_cmpfloat (hi, ==, 10000);   /* the NaN point does not count */
  didact_line_plot_get_y_range (lp, &lo, &hi);
  g_assert_cmpfloat (hi, >=, 5);

  /* nearest point by x, skipping the NaN */
  g_assert_true (didact_line_plot_value_at (lp, ids[0], 10000.7, &vx, &vy));
  g_assert_cmpfloat (vx, ==, 10000);
  g_assert_cmpfloat (vy, ==, 5);
  g_assert_true (didact_line_plot_value_at (lp, ids[0], 41.4, &vx, &vy));
  g_assert_cmpfloat (vx, ==, 41);

  /* an explicit range turns auto-fit off, with one notification */
  g_signal_connect (plot, "notify::auto-fit", G_CALLBACK (on_notify_count), &notified);
  didact_line_plot_set_x_range (lp, 100, 200);
  didact_line_plot_set_y_range (lp, 0, 3);
  g_assert_false (didact_line_plot_get_auto_fit (lp));
  g_assert_cmpuint (notified, ==, 1);
  didact_line_plot_append (lp, ids[0], (double[]) { 20000 }, (double[]) { 1 }, 1);
  didact_line_plot_get_x_range (lp, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 100);
  g_assert_cmpfloat (hi, ==, 200);

  /* fit once */
  didact_line_plot_fit (lp);
  didact_line_plot_get_x_range (lp, &lo, &hi);
  g_assert_cmpfloat (hi, ==, 20000);
  g_assert_false (didact_line_plot_get_auto_fit (lp));

  /* log-y fits the positive values */
  didact_line_plot_set_log_y (lp, TRUE);
  didact_line_plot_fit (lp);
  didact_line_plot_get_y_range (lp, &lo, &hi);
  g_assert_cmpfloat (lo, >, 0);

  /* setters notify only on change */
  notified = 0;
  g_signal_connect (plot, "notify::smoothing", G_CALLBACK (on_notify_count), &notified);
  g_signal_connect (plot, "notify::cursor-x", G_CALLBACK (on_notify_count), &notified);
  didact_line_plot_set_smoothing (lp, 0.5);
  didact_line_plot_set_smoothing (lp, 0.5);
  didact_line_plot_set_cursor_x (lp, NAN);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (isnan (didact_line_plot_get_cursor_x (lp)));

  didact_plot_remove_series (DIDACT_PLOT (lp), ids[1]);
  didact_plot_remove_all_series (DIDACT_PLOT (lp));
}

/* Appending in pieces draws exactly what setting everything at once does,
 * smoothing included. */
static void
test_line_append (void)
{
  g_autoptr(GtkWidget) a = g_object_ref_sink (didact_line_plot_new ());
  g_autoptr(GtkWidget) b = g_object_ref_sink (didact_line_plot_new ());
  g_autofree double *x = g_new (double, N_POINTS);
  g_autofree double *y = g_new (double, N_POINTS);
  cairo_surface_t *sa, *sb;
  guint ia, ib;

  make_curve (1, x, y, N_POINTS);
  ia = didact_line_plot_add_series (DIDACT_LINE_PLOT (a), "run", NULL, DIDACT_SERIES_SOLID);
  ib = didact_line_plot_add_series (DIDACT_LINE_PLOT (b), "run", NULL, DIDACT_SERIES_SOLID);
  didact_line_plot_set_smoothing (DIDACT_LINE_PLOT (a), 0.8);
  didact_line_plot_set_smoothing (DIDACT_LINE_PLOT (b), 0.8);

  didact_line_plot_set_series_data (DIDACT_LINE_PLOT (a), ia, x, y, N_POINTS);
  for (gsize i = 0; i < N_POINTS; i += 1000)
    {
      didact_line_plot_append (DIDACT_LINE_PLOT (b), ib, x + i, y + i, 1000);
      /* drawing in between exercises the incremental smoothing */
      cairo_surface_destroy (render (b, 300, 200));
    }

  sa = render (a, WIDTH, HEIGHT);
  sb = render (b, WIDTH, HEIGHT);
  g_assert_cmpuint (count_different (sa, sb), ==, 0);
  cairo_surface_destroy (sa);
  cairo_surface_destroy (sb);
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return c;
    }
  g_assert_not_reached ();
  return NULL;
}

/* painted pixels (alpha > 0) at x ≥ x0 */
static guint
count_painted_from (cairo_surface_t *surface, int x0)
{
  const int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  const int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint n = 0;

  cairo_surface_flush (surface);
  for (int y = 0; y < h; y++)
    for (int x = x0; x < w; x++)
      n += ((const guint32 *) (data + (size_t) y * stride))[x] >> 24 != 0;
  return n;
}

/* A read-out wider than its plot stays inside it: drawn on a surface twice
 * the plot's width, nothing lands right of the plot, wherever the pointer */
static void
test_readout_inside (void)
{
  g_autoptr(GtkWidget) plot = g_object_ref_sink (didact_line_plot_new ());
  DidactPlotStyle style;
  const char *lines[] = {
    "Mit Lehrer (L2T-DLF): Lehrer-Schritt auf zurückgehaltenen Dev-Daten abgelehnt (+0.069 ± 0.037)",
    "Vergleichslauf (Kreuzentropie): 5.467 (5.451)",
  };
  const GdkRGBA colors[] = { { 0.8, 0.1, 0.1, 1 }, { 0.4, 0.4, 0.4, 1 } };

  didact_plot_style_init (&style, plot, FALSE);
  for (int i = 0; i < 3; i++)
    {
      const double px[] = { 10, 120, 230 };
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 480, 200);
      cairo_t *cr = cairo_create (surface);

      didact_plot_draw_readout (cr, &style, 240, 200, px[i], 60, "Schritt 100", lines, colors, 2);
      cairo_destroy (cr);
      g_assert_cmpuint (count_painted_from (surface, 0), >, 500);
      g_assert_cmpuint (count_painted_from (surface, 240), ==, 0);
      cairo_surface_destroy (surface);
    }
  didact_plot_style_clear (&style);
}

static void
test_line_hover (void)
{
  guint ids[3];
  g_autoptr(GtkWidget) plot = make_line_plot (ids);
  GtkEventController *motion = find_controller (plot, GTK_TYPE_EVENT_CONTROLLER_MOTION);
  cairo_surface_t *base, *hover, *left;

  base = render (plot, WIDTH, HEIGHT);
  /* the pointer over the middle of the plot: a line, dots and a read-out */
  g_signal_emit_by_name (motion, "motion", WIDTH / 2.0, HEIGHT / 2.0);
  hover = render (plot, WIDTH, HEIGHT);
  g_assert_cmpuint (count_different (base, hover), >, 1000);
  maybe_save (plot, "line-hover", WIDTH, HEIGHT);

  g_signal_emit_by_name (motion, "leave");
  left = render (plot, WIDTH, HEIGHT);
  g_assert_cmpuint (count_different (base, left), ==, 0);

  cairo_surface_destroy (base);
  cairo_surface_destroy (hover);
  cairo_surface_destroy (left);
}

/* Three classes' margins, each a taught curve and its faint baseline
 * sharing a legend entry: level lines at 0.2, 0.5 and 0.8 (the baselines
 * 0.1 below), in class colours far apart (classes 0, 3 and 6's). */
static GtkWidget *
make_class_plot (guint ids[3][2])
{
  GtkWidget *plot = didact_line_plot_new ();
  double x[50], y[50];

  didact_plot_set_title (DIDACT_PLOT (plot), "Per-class dev margins");
  g_object_set (plot, "interactive-legend", TRUE, NULL);
  for (int c = 0; c < 3; c++)
    for (int arm = 1; arm >= 0; arm--)
      {
        g_autofree char *label = g_strdup_printf (arm == 0 ? "%s" : "%s (baseline)", class_names[c]);
        GdkRGBA color;

        didact_plot_class_color ((guint) c * 3, &color);
        ids[c][arm] = didact_line_plot_add_series (DIDACT_LINE_PLOT (plot), label, &color,
                                                   arm == 0 ? DIDACT_SERIES_SOLID : DIDACT_SERIES_FAINT);
        didact_plot_set_series_group (DIDACT_PLOT (plot), ids[c][arm], (guint) c + 1);
        for (int i = 0; i < 50; i++)
          {
            x[i] = 100 * i;
            y[i] = 0.2 + 0.3 * c - 0.1 * arm;
          }
        didact_line_plot_set_series_data (DIDACT_LINE_PLOT (plot), ids[c][arm], x, y, 50);
      }
  return g_object_ref_sink (plot);
}

static void
entry_center (GtkWidget *plot,
              guint      entry,
              double    *x,
              double    *y)
{
  graphene_rect_t rect;

  g_assert_true (didact_plot_get_legend_entry_rect (DIDACT_PLOT (plot), entry, &rect));
  *x = rect.origin.x + rect.size.width / 2;
  *y = rect.origin.y + rect.size.height / 2;
}

static void
assert_class_visible (GtkWidget *plot,
                      guint      ids[3][2],
                      int        c,
                      gboolean   visible)
{
  for (int arm = 0; arm < 2; arm++)
    g_assert_cmpint (didact_plot_get_series_visible (DIDACT_PLOT (plot), ids[c][arm]), ==, visible);
}

/* An interactive legend with one entry per class: a click on an entry
 * hides both series of that class and a second shows them again; the
 * pointer on an entry or on a curve highlights that class. */
static void
test_line_legend_toggles (void)
{
  guint ids[3][2];
  g_autoptr(GtkWidget) plot = make_class_plot (ids);
  GtkEventController *click = find_controller (plot, GTK_TYPE_GESTURE_CLICK);
  GtkEventController *motion = find_controller (plot, GTK_TYPE_EVENT_CONTROLLER_MOTION);
  cairo_surface_t *shown, *hidden, *highlighted;
  GdkRGBA color;
  double x, y;

  shown = render (plot, WIDTH, HEIGHT);
  /* three entries for six series */
  g_assert_cmpuint (didact_plot_get_n_legend_entries (DIDACT_PLOT (plot)), ==, 3);

  /* a click on the second entry hides the second class, taught and baseline */
  entry_center (plot, 1, &x, &y);
  g_signal_emit_by_name (click, "pressed", 1, x, y);
  assert_class_visible (plot, ids, 1, FALSE);
  assert_class_visible (plot, ids, 0, TRUE);
  assert_class_visible (plot, ids, 2, TRUE);
  hidden = render (plot, WIDTH, HEIGHT);
  didact_plot_class_color (3, &color);
  g_test_message ("class 1's colour: %u pixels shown, %u hidden", count_near (shown, &color, 40),
                  count_near (hidden, &color, 40));
  g_assert_cmpuint (count_near (hidden, &color, 40), <, count_near (shown, &color, 40) / 4);
  /* its entry stays, struck through, to show it again */
  g_assert_cmpuint (didact_plot_get_n_legend_entries (DIDACT_PLOT (plot)), ==, 3);
  maybe_save (plot, "legend-hidden", WIDTH, HEIGHT);
  entry_center (plot, 1, &x, &y);
  g_signal_emit_by_name (click, "pressed", 1, x, y);
  assert_class_visible (plot, ids, 1, TRUE);

  /* a series joining a hidden class's group is hidden with it */
  didact_plot_toggle_legend_entry (DIDACT_PLOT (plot), 2);
  assert_class_visible (plot, ids, 2, FALSE);
  {
    guint late = didact_line_plot_add_series (DIDACT_LINE_PLOT (plot), "late", NULL, DIDACT_SERIES_SOLID);

    didact_plot_set_series_group (DIDACT_PLOT (plot), late, 3);
    g_assert_false (didact_plot_get_series_visible (DIDACT_PLOT (plot), late));
    didact_plot_remove_series (DIDACT_PLOT (plot), late);
  }
  didact_plot_toggle_legend_entry (DIDACT_PLOT (plot), 2);
  assert_class_visible (plot, ids, 2, TRUE);
  cairo_surface_destroy (render (plot, WIDTH, HEIGHT));

  /* the pointer on the first entry highlights the first class, the others fade */
  entry_center (plot, 0, &x, &y);
  g_signal_emit_by_name (motion, "motion", x, y);
  g_assert_true (didact_plot_get_series_highlighted (DIDACT_PLOT (plot), ids[0][0]));
  g_assert_true (didact_plot_get_series_highlighted (DIDACT_PLOT (plot), ids[0][1]));
  g_assert_false (didact_plot_get_series_highlighted (DIDACT_PLOT (plot), ids[2][0]));
  highlighted = render (plot, WIDTH, HEIGHT);
  didact_plot_class_color (6, &color);
  g_test_message ("class 2's colour: %u pixels shown, %u with class 0 highlighted", count_near (shown, &color, 40),
                  count_near (highlighted, &color, 40));
  g_assert_cmpuint (count_near (highlighted, &color, 40), <, count_near (shown, &color, 40) / 4);
  maybe_save (plot, "legend-highlight", WIDTH, HEIGHT);
  g_signal_emit_by_name (motion, "leave");
  g_assert_false (didact_plot_get_series_highlighted (DIDACT_PLOT (plot), ids[0][0]));

  /* the pointer on the third class's taught curve (the pixel of its
   * colour in the middle column) highlights that class */
  didact_plot_class_color (6, &color);
  {
    int column = WIDTH / 2, row = -1, best = G_MAXINT;

    for (int yy = 0; yy < HEIGHT; yy++)
      {
        Pixel p = pixel_at (shown, column, yy);
        int d = abs (p.r - (int) round (color.red * 255)) + abs (p.g - (int) round (color.green * 255)) +
                abs (p.b - (int) round (color.blue * 255));

        if (d < best)
          {
            best = d;
            row = yy;
          }
      }
    g_assert_cmpint (best, <, 90);
    cairo_surface_destroy (render (plot, WIDTH, HEIGHT));
    g_signal_emit_by_name (motion, "motion", (double) column, (double) row);
    g_assert_true (didact_plot_get_series_highlighted (DIDACT_PLOT (plot), ids[2][0]));
    g_assert_true (didact_plot_get_series_highlighted (DIDACT_PLOT (plot), ids[2][1]));
    g_assert_false (didact_plot_get_series_highlighted (DIDACT_PLOT (plot), ids[1][0]));
    g_signal_emit_by_name (motion, "leave");
  }

  /* the keyboard: Right chooses the next entry (highlighted), Return
   * shows or hides its series */
  {
    GtkEventController *keys = find_controller (plot, GTK_TYPE_EVENT_CONTROLLER_KEY);
    gboolean handled = FALSE;

    g_assert_true (gtk_widget_get_focusable (plot));
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Right, 0, 0, &handled);
    g_assert_true (handled);
    g_assert_true (didact_plot_get_series_highlighted (DIDACT_PLOT (plot), ids[0][0]));
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Right, 0, 0, &handled);
    g_assert_true (didact_plot_get_series_highlighted (DIDACT_PLOT (plot), ids[1][1]));
    g_assert_false (didact_plot_get_series_highlighted (DIDACT_PLOT (plot), ids[0][0]));
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Return, 0, 0, &handled);
    assert_class_visible (plot, ids, 1, FALSE);
    assert_class_visible (plot, ids, 0, TRUE);
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Return, 0, 0, &handled);
    assert_class_visible (plot, ids, 1, TRUE);
  }

  /* without an interactive legend a click toggles nothing */
  g_object_set (plot, "interactive-legend", FALSE, NULL);
  cairo_surface_destroy (render (plot, WIDTH, HEIGHT));
  g_signal_emit_by_name (click, "pressed", 1, x, y);
  assert_class_visible (plot, ids, 0, TRUE);

  cairo_surface_destroy (shown);
  cairo_surface_destroy (hidden);
  cairo_surface_destroy (highlighted);
}

/* Event ticks: small marks on the bottom edge in their colours, the
 * eventful ones over the faint; the read-out lists the ones at the pointer,
 * nearest first; a hidden group takes its ticks away. */
static void
test_line_ticks (void)
{
  guint ids[3];
  g_autoptr(GtkWidget) plot = make_line_plot (ids);
  DidactLinePlot *lp = DIDACT_LINE_PLOT (plot);
  GtkEventController *motion = find_controller (plot, GTK_TYPE_EVENT_CONTROLLER_MOTION);
  const GdkRGBA red = { 0xe0 / 255., 0x1b / 255., 0x24 / 255., 1 };
  const GdkRGBA orange = { 0xe6 / 255., 0x61 / 255., 0, 1 };
  const GdkRGBA green = { 0x26 / 255., 0xa2 / 255., 0x69 / 255., 1 };
  cairo_surface_t *base, *ticked, *hidden, *hover;
  double lo, hi;

  /* without the curves, so that no colour is shared with the ticks; the
   * axes stay where the data put them */
  cairo_surface_destroy (render (plot, WIDTH, HEIGHT));
  didact_line_plot_get_x_range (lp, &lo, &hi);
  didact_line_plot_set_x_range (lp, lo, hi);
  for (int s = 0; s < 3; s++)
    didact_plot_set_series_visible (DIDACT_PLOT (lp), ids[s], FALSE);
  base = render (plot, WIDTH, HEIGHT);
  g_assert_cmpuint (count_near (base, &red, 10), ==, 0);
  g_assert_cmpuint (count_near (base, &orange, 10), ==, 0);

  didact_line_plot_add_tick (lp, 4000, DIDACT_TICK_DIAMOND, &orange, "reset", 2);
  didact_line_plot_add_tick (lp, 2000, DIDACT_TICK_BAR, &red, "rejected (+0.012 ± 0.004)", 1);
  didact_line_plot_add_tick (lp, 2001, DIDACT_TICK_FAINT, &green, "accepted", 1);
  didact_line_plot_add_tick (lp, 3000, DIDACT_TICK_FAINT, &green, "accepted too", 1);
  g_assert_cmpuint (didact_line_plot_get_n_ticks (lp), ==, 4);
  ticked = render (plot, WIDTH, HEIGHT);
  maybe_save (plot, "line-ticks", WIDTH, HEIGHT);
  g_test_message ("red %u, orange %u pixels", count_near (ticked, &red, 10), count_near (ticked, &orange, 10));
  g_assert_cmpuint (count_near (ticked, &red, 10), >=, 8);
  g_assert_cmpuint (count_near (ticked, &orange, 10), >=, 8);
  /* nothing else moved: the ticks cover a few hundred pixels at most */
  g_assert_cmpuint (count_different (base, ticked), <, 400);

  /* the read-out's events: those within a few pixels, nearest first */
  {
    g_auto(GStrv) at = didact_line_plot_ticks_near (lp, 2001);
    g_auto(GStrv) off = didact_line_plot_ticks_near (lp, 2000 + 0.05 * (hi - lo));
    g_assert_cmpuint (g_strv_length (at), ==, 2);
    g_assert_cmpstr (at[0], ==, "accepted");
    g_assert_cmpstr (at[1], ==, "rejected (+0.012 ± 0.004)");
    g_assert_cmpuint (g_strv_length (off), ==, 0);
  }

  /* the pointer at the red tick: the read-out appears */
  {
    double px;
    cairo_surface_t *plain = render (plot, WIDTH, HEIGHT);

    /* where x = 2000 is drawn: the red pixels' column */
    int found = -1;
    for (int x = 0; x < WIDTH && found < 0; x++)
      for (int y = HEIGHT / 2; y < HEIGHT; y++)
        if (pixel_near (pixel_at (plain, x, y), &red, 10))
          {
            found = x;
            break;
          }
    g_assert_cmpint (found, >=, 0);
    px = found;
    g_signal_emit_by_name (motion, "motion", px, HEIGHT / 2.0);
    hover = render (plot, WIDTH, HEIGHT);
    g_assert_cmpuint (count_different (plain, hover), >, 1000);
    maybe_save (plot, "line-ticks-hover", WIDTH, HEIGHT);
    g_signal_emit_by_name (motion, "leave");
    cairo_surface_destroy (plain);
  }

  /* hiding group 1 takes its ticks (and their read-out) away, not group 2's */
  didact_line_plot_set_tick_group_visible (lp, 1, FALSE);
  hidden = render (plot, WIDTH, HEIGHT);
  g_assert_cmpuint (count_near (hidden, &red, 10), ==, 0);
  g_assert_cmpuint (count_near (hidden, &orange, 10), >=, 8);
  {
    g_auto(GStrv) at = didact_line_plot_ticks_near (lp, 2000);
    g_assert_cmpuint (g_strv_length (at), ==, 0);
  }
  didact_line_plot_set_tick_group_visible (lp, 1, TRUE);
  cairo_surface_destroy (hidden);
  hidden = render (plot, WIDTH, HEIGHT);
  g_assert_cmpuint (count_different (ticked, hidden), ==, 0);

  didact_line_plot_clear_ticks (lp);
  g_assert_cmpuint (didact_line_plot_get_n_ticks (lp), ==, 0);
  cairo_surface_destroy (hidden);
  hidden = render (plot, WIDTH, HEIGHT);
  g_assert_cmpuint (count_different (base, hidden), ==, 0);

  /* fitted to the data, the y axis leaves a band for ticks below the
   * lowest point, even below a floor of 0 */
  {
    g_autoptr(GtkWidget) fitted = didact_line_plot_new ();
    DidactLinePlot *fp = DIDACT_LINE_PLOT (fitted);
    const double x[] = { 0, 1, 2, 3 }, y[] = { 0, 1, 2, 4 };
    double y_lo, y_hi;

    g_object_ref_sink (fitted);
    didact_line_plot_set_series_data (fp, didact_line_plot_add_series (fp, "loss", NULL, DIDACT_SERIES_SOLID),
                                      x, y, 4);
    didact_line_plot_get_y_range (fp, &y_lo, &y_hi);
    g_assert_cmpfloat (y_lo, ==, 0);
    didact_line_plot_add_tick (fp, 2, DIDACT_TICK_BAR, &red, "rejected", 0);
    didact_line_plot_get_y_range (fp, &y_lo, &y_hi);
    g_test_message ("with a tick the fit runs from %g", y_lo);
    g_assert_cmpfloat (y_lo, <=, -0.1 * 4);
    didact_line_plot_clear_ticks (fp);
    didact_line_plot_get_y_range (fp, &y_lo, &y_hi);
    g_assert_cmpfloat (y_lo, ==, 0);
  }

  cairo_surface_destroy (base);
  cairo_surface_destroy (ticked);
  cairo_surface_destroy (hidden);
  cairo_surface_destroy (hover);
}

/* ------------------------------------------------------------------------
 * Heatmap
 */

static void
assert_cell_color (GtkWidget       *heatmap,
                   cairo_surface_t *surface,
                   int              row,
                   int              col,
                   double           value)
{
  graphene_rect_t rect;
  GdkRGBA want;
  Pixel p;

  g_assert_true (didact_heatmap_cell_rect (DIDACT_HEATMAP (heatmap), WIDTH, HEIGHT, row, col, &rect));
  p = pixel_at (surface, (int) (rect.origin.x + rect.size.width / 2),
                (int) (rect.origin.y + rect.size.height / 2));
  didact_heatmap_value_color (DIDACT_HEATMAP (heatmap), value, &want);
  g_assert_true (pixel_near (p, &want, 3));
}

static void
test_heatmap_draw (void)
{
  g_autoptr(GtkWidget) heatmap = make_heatmap ();
  DidactHeatmap *hm = DIDACT_HEATMAP (heatmap);
  graphene_rect_t a, b, extra;
  cairo_surface_t *surface;
  Pixel pos, neg;
  int row, col;

  /* no values printed, so the cell centres show the scale colour */
  didact_heatmap_set_show_values (hm, FALSE);
  surface = render (heatmap, WIDTH, HEIGHT);
  g_assert_cmpuint (count_drawn (surface), >, WIDTH * HEIGHT / 10);

  g_assert_true (didact_heatmap_cell_rect (hm, WIDTH, HEIGHT, 2, 7, &a));
  g_assert_true (didact_heatmap_cell_rect (hm, WIDTH, HEIGHT, 6, 1, &b));
  pos = pixel_at (surface, (int) (a.origin.x + a.size.width / 2), (int) (a.origin.y + a.size.height / 2));
  neg = pixel_at (surface, (int) (b.origin.x + b.size.width / 2), (int) (b.origin.y + b.size.height / 2));
  g_test_message ("+3 cell #%02x%02x%02x, −3 cell #%02x%02x%02x",
                  pos.r, pos.g, pos.b, neg.r, neg.g, neg.b);
  /* red above the centre, blue below */
  g_assert_cmpint (pos.r, >, pos.b + 60);
  g_assert_cmpint (neg.b, >, neg.r + 60);
  assert_cell_color (heatmap, surface, 2, 7, 3.0);
  assert_cell_color (heatmap, surface, 6, 1, -3.0);
  assert_cell_color (heatmap, surface, 4, 10, 0.05 * (4 - 5));

  /* the extra column sits right of the matrix, after a gap */
  g_assert_true (didact_heatmap_cell_rect (hm, WIDTH, HEIGHT, 0, 10, &extra));
  g_assert_true (didact_heatmap_cell_rect (hm, WIDTH, HEIGHT, 0, 9, &a));
  g_assert_cmpfloat (extra.origin.x, >, a.origin.x + a.size.width + 2);
  g_assert_false (didact_heatmap_cell_rect (hm, WIDTH, HEIGHT, 0, 11, &a));

  /* hit-testing inverts the cell rectangles */
  g_assert_true (didact_heatmap_cell_at (hm, WIDTH, HEIGHT, extra.origin.x + 1, extra.origin.y + 1, &row, &col));
  g_assert_cmpint (row, ==, 0);
  g_assert_cmpint (col, ==, 10);
  g_assert_false (didact_heatmap_cell_at (hm, WIDTH, HEIGHT, 1, 1, &row, &col));
  cairo_surface_destroy (surface);

  /* with values printed the picture changes */
  {
    cairo_surface_t *plain = render (heatmap, WIDTH, HEIGHT), *with_values;

    didact_heatmap_set_show_values (hm, TRUE);
    with_values = render (heatmap, WIDTH, HEIGHT);
    g_assert_cmpuint (count_different (plain, with_values), >, 1000);
    cairo_surface_destroy (plain);
    cairo_surface_destroy (with_values);
  }

  /* hover: an outline and a read-out of row, column and value */
  {
    GtkEventController *motion = find_controller (heatmap, GTK_TYPE_EVENT_CONTROLLER_MOTION);
    cairo_surface_t *plain = render (heatmap, WIDTH, HEIGHT), *hover;

    g_assert_true (didact_heatmap_cell_rect (hm, WIDTH, HEIGHT, 6, 1, &b));
    g_signal_emit_by_name (motion, "motion", b.origin.x + 5, b.origin.y + 5);
    hover = render (heatmap, WIDTH, HEIGHT);
    g_assert_cmpuint (count_different (plain, hover), >, 1000);
    maybe_save (heatmap, "heatmap-hover", WIDTH, HEIGHT);
    g_signal_emit_by_name (motion, "leave");
    cairo_surface_destroy (plain);
    cairo_surface_destroy (hover);
  }

  /* a fixed range changes the colours */
  didact_heatmap_set_range (hm, 10);
  surface = render (heatmap, WIDTH, HEIGHT);
  g_assert_true (didact_heatmap_cell_rect (hm, WIDTH, HEIGHT, 2, 7, &a));
  {
    Pixel p = pixel_at (surface, (int) a.origin.x + 2, (int) a.origin.y + 2);

    /* 3 of 10 is a pale red now */
    g_assert_cmpint (p.g, >, pos.g + 40);
  }
  cairo_surface_destroy (surface);
}

/* The values printed in the cells: what a reader can trust at a glance,
 * and nothing in a cell too small to hold it. */
static void
test_heatmap_cell_labels (void)
{
  g_autoptr(GtkWidget) heatmap = make_heatmap ();
  DidactHeatmap *hm = DIDACT_HEATMAP (heatmap);
  static const struct { int row, col; double value; const char *text; } cells[] = {
    { 0, 1, 0.6, "0.6" },
    { 1, 0, -0.123, "−0.12" },
    { 2, 2, 1.0, "1" },
    { 3, 4, -2.302, "−2.3" },
    { 4, 3, 0.0004, "4e−4" },
  };
  double w[100];

  for (int i = 0; i < 100; i++)
    w[i] = didact_heatmap_get_value (hm, i / 10, i % 10);
  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    w[cells[i].row * 10 + cells[i].col] = cells[i].value;
  didact_heatmap_set_matrix (hm, w, 10, 10);

  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      g_autofree char *text = didact_heatmap_get_cell_label_text (hm, WIDTH, HEIGHT, cells[i].row, cells[i].col);

      g_assert_cmpstr (text, ==, cells[i].text);
    }
  /* the extra column's b = −0.25 at row 0 */
  {
    g_autofree char *text = didact_heatmap_get_cell_label_text (hm, WIDTH, HEIGHT, 0, 10);

    g_assert_cmpstr (text, ==, "−0.25");
  }
  maybe_save (heatmap, "heatmap-values", WIDTH, HEIGHT);

  /* cells too small for any value: none printed */
  {
    g_autofree char *text = didact_heatmap_get_cell_label_text (hm, 160, 120, 0, 1);
    cairo_surface_t *plain, *values;

    g_assert_null (text);
    didact_heatmap_set_show_values (hm, FALSE);
    plain = render (heatmap, 160, 120);
    didact_heatmap_set_show_values (hm, TRUE);
    values = render (heatmap, 160, 120);
    g_assert_cmpuint (count_different (plain, values), ==, 0);
    cairo_surface_destroy (plain);
    cairo_surface_destroy (values);
  }

  didact_heatmap_set_show_values (hm, FALSE);
  {
    g_autofree char *text = didact_heatmap_get_cell_label_text (hm, WIDTH, HEIGHT, 0, 1);

    g_assert_null (text);
  }
}

/* Rows after the split (log ε below W) come after a gap, which hit-testing
 * knows about. */
static void
test_heatmap_split_row (void)
{
  g_autoptr(GtkWidget) heatmap = make_heatmap ();
  DidactHeatmap *hm = DIDACT_HEATMAP (heatmap);
  static const char *const rows[] = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                      "Sandal", "Shirt", "Sneaker", "log ε (saturation)", "b", NULL };
  graphene_rect_t above, below, before;
  int row, col;

  didact_heatmap_set_row_labels (hm, rows);
  g_assert_cmpstr (didact_heatmap_get_row_label (hm, 8), ==, "log ε (saturation)");
  g_assert_null (didact_heatmap_get_row_label (hm, 10));
  g_assert_true (didact_heatmap_cell_rect (hm, WIDTH, HEIGHT, 7, 3, &before));
  didact_heatmap_set_split_row (hm, 8);
  g_assert_cmpint (didact_heatmap_get_split_row (hm), ==, 8);
  cairo_surface_t *surface = render (heatmap, WIDTH, HEIGHT);
  maybe_save (heatmap, "heatmap-split", WIDTH, HEIGHT);
  g_assert_true (didact_heatmap_cell_rect (hm, WIDTH, HEIGHT, 7, 3, &above));
  g_assert_true (didact_heatmap_cell_rect (hm, WIDTH, HEIGHT, 8, 3, &below));
  g_test_message ("cell %.0f px; gap %.1f px", above.size.height,
                  below.origin.y - (above.origin.y + above.size.height));
  g_assert_cmpfloat (below.origin.y, >, above.origin.y + above.size.height + 2);
  /* the grid still fits: cells no larger than without the gap */
  g_assert_cmpfloat (above.size.height, <=, before.size.height);
  /* the gap is no cell; a cell's inside is itself, above and below the gap */
  g_assert_false (didact_heatmap_cell_at (hm, WIDTH, HEIGHT, above.origin.x + 2,
                                          (above.origin.y + above.size.height + below.origin.y) / 2, &row, &col));
  g_assert_true (didact_heatmap_cell_at (hm, WIDTH, HEIGHT, below.origin.x + 2, below.origin.y + 2, &row, &col));
  g_assert_cmpint (row, ==, 8);
  g_assert_cmpint (col, ==, 3);
  g_assert_true (didact_heatmap_cell_at (hm, WIDTH, HEIGHT, above.origin.x + 2, above.origin.y + above.size.height - 2,
                                         &row, &col));
  g_assert_cmpint (row, ==, 7);
  g_assert_true (didact_heatmap_cell_rect (hm, WIDTH, HEIGHT, 9, 10, &below));
  g_assert_true (didact_heatmap_cell_at (hm, WIDTH, HEIGHT, below.origin.x + 2, below.origin.y + below.size.height - 2,
                                         &row, &col));
  g_assert_cmpint (row, ==, 9);
  g_assert_cmpint (col, ==, 10);
  /* the cells below the gap show their values' colours */
  didact_heatmap_set_show_values (hm, FALSE);
  cairo_surface_destroy (surface);
  surface = render (heatmap, WIDTH, HEIGHT);
  assert_cell_color (heatmap, surface, 9, 4, didact_heatmap_get_value (hm, 9, 4));
  cairo_surface_destroy (surface);
}

/* The reddest stretches along row y right of x0 ("reddish": red well above
 * green): the colour bars' tops, when y is at the top of the grid. */
static guint
count_red_runs (cairo_surface_t *surface,
                int              x0,
                int              y)
{
  int w = cairo_image_surface_get_width (surface);
  gboolean in_run = FALSE;
  guint runs = 0;

  for (int x = x0; x < w; x++)
    {
      Pixel p = pixel_at (surface, x, y);
      gboolean red = p.r > p.g + 60;

      runs += red && !in_run;
      in_run = red;
    }
  return runs;
}

/* The log ε row below W on a colour scale of its own: on the shared scale
 * its values near −2.3 set the range, and W's small off-diagonal changes
 * fade into the white of the middle. */
static void
test_heatmap_row_scale (void)
{
  g_autoptr(GtkWidget) heatmap = g_object_ref_sink (didact_heatmap_new ());
  DidactHeatmap *hm = DIDACT_HEATMAP (heatmap);
  double w[11 * 10], b[10];
  const double log_eps0 = log (0.1);
  GdkRGBA shared, own, drawn;
  graphene_rect_t cell, extra;
  cairo_surface_t *before, *after;
  int top;

  for (int r = 0; r < 10; r++)
    {
      for (int c = 0; c < 10; c++)
        w[r * 10 + c] = r == c ? 1.0 : 0.05 * sin (r * 3.1 + c * 1.7);
      w[10 * 10 + r] = log_eps0 + 0.02 * (r - 5);
      b[r] = 0;
    }
  w[1 * 10 + 0] = 0.08;               /* a learned label correction */
  w[10 * 10 + 7] = log_eps0 + 0.3;   /* one class more saturating */
  didact_heatmap_set_matrix (hm, w, 11, 10);
  didact_heatmap_set_extra_column (hm, b, 10, "b");
  didact_heatmap_set_split_row (hm, 10);
  didact_heatmap_set_show_values (hm, FALSE);
  g_assert_cmpint (didact_heatmap_get_row_scale (hm), ==, -1);

  /* shared: the scale reaches 2.3 and W[1, 0] = 0.08 is nearly the
   * middle's white */
  before = render (heatmap, WIDTH, HEIGHT);
  didact_heatmap_cell_color (hm, 1, 0, &shared);
  didact_heatmap_value_color (hm, 0, &drawn);
  g_assert_true (didact_heatmap_cell_rect (hm, WIDTH, HEIGHT, 0, 10, &extra));
  top = (int) extra.origin.y + 3;
  g_assert_cmpuint (count_red_runs (before, (int) (extra.origin.x + extra.size.width) + 1, top), ==, 1);
  maybe_save (heatmap, "heatmap-shared-scale", WIDTH, HEIGHT);

  didact_heatmap_set_row_scale (hm, 10, log_eps0, 0.5, "log ε");
  g_assert_cmpint (didact_heatmap_get_row_scale (hm), ==, 10);
  after = render (heatmap, WIDTH, HEIGHT);
  maybe_save (heatmap, "heatmap-row-scale", WIDTH, HEIGHT);

  /* W's scale is W's alone (the diagonal's 1, not log ε's 2.4): W[1, 0]
   * is more than twice as far from the middle as before */
  didact_heatmap_cell_color (hm, 1, 0, &own);
  g_test_message ("W[1,0] = %.3f: #%02x%02x%02x on the shared scale, #%02x%02x%02x on W's",
                  w[1 * 10 + 0], (int) (shared.red * 255), (int) (shared.green * 255), (int) (shared.blue * 255),
                  (int) (own.red * 255), (int) (own.green * 255), (int) (own.blue * 255));
  g_assert_cmpfloat (fabs (own.green - drawn.green), >, 2 * fabs (shared.green - drawn.green));

  /* the log ε row on its own scale, centred on its start: the class that
   * moved is red, one a little below the start pale blue, and each cell
   * is drawn in the colour its scale gives */
  didact_heatmap_cell_color (hm, 10, 7, &own);
  g_assert_cmpfloat (own.red, >, own.blue + 0.3);
  didact_heatmap_cell_color (hm, 10, 0, &own);
  g_assert_cmpfloat (own.blue, >, own.red);
  for (int c = 0; c < 10; c += 3)
    for (int r = 0; r < 11; r += 5)
      {
        g_assert_true (didact_heatmap_cell_rect (hm, WIDTH, HEIGHT, r, c, &cell));
        didact_heatmap_cell_color (hm, r, c, &own);
        g_assert_true (pixel_near (pixel_at (after, (int) (cell.origin.x + cell.size.width / 2),
                                             (int) (cell.origin.y + cell.size.height / 2)), &own, 3));
      }

  /* a second colour bar, for the row */
  g_assert_true (didact_heatmap_cell_rect (hm, WIDTH, HEIGHT, 0, 10, &extra));
  top = (int) extra.origin.y + 3;
  g_assert_cmpuint (count_red_runs (after, (int) (extra.origin.x + extra.size.width) + 1, top), ==, 2);

  /* an edit in the row grows the row's scale, not W's */
  didact_heatmap_cell_color (hm, 1, 0, &shared);
  didact_heatmap_set_editable (hm, TRUE);
  didact_heatmap_set_focus_cell (hm, 10, 2);
  didact_heatmap_adjust_focused (hm, 4);
  didact_heatmap_cell_color (hm, 1, 0, &own);
  g_assert_true (gdk_rgba_equal (&own, &shared));

  /* and without it, one scale again */
  didact_heatmap_set_row_scale (hm, -1, 0, 0, NULL);
  g_assert_cmpint (didact_heatmap_get_row_scale (hm), ==, -1);
  cairo_surface_destroy (after);
  after = render (heatmap, WIDTH, HEIGHT);
  g_assert_cmpuint (count_red_runs (after, (int) (extra.origin.x + extra.size.width) + 1, top), ==, 1);

  cairo_surface_destroy (before);
  cairo_surface_destroy (after);
}

typedef struct
{
  int activated_row, activated_col, n_activated;
  int edited_row, edited_col, n_edited;
  double edited_value;
} Events;

static void
on_cell_activated (DidactHeatmap *heatmap,
                   int            row,
                   int            col,
                   Events        *events)
{
  events->activated_row = row;
  events->activated_col = col;
  events->n_activated++;
}

static void
on_cell_edited (DidactHeatmap *heatmap,
                int            row,
                int            col,
                double         value,
                Events        *events)
{
  events->edited_row = row;
  events->edited_col = col;
  events->edited_value = value;
  events->n_edited++;
  /* the widget's own copy is updated before the signal */
  g_assert_cmpfloat (didact_heatmap_get_value (heatmap, row, col), ==, value);
}

/* A window gives the heatmap a size, so the pointer handlers know where
 * the cells are. */
static GtkWidget *
window_for (GtkWidget *child,
            int        width,
            int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  for (int i = 0; i < 2000 && gtk_widget_get_width (child) == 0; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpint (gtk_widget_get_width (child), >, 0);
  return window;
}

static void
cell_center (GtkWidget *heatmap,
             int        row,
             int        col,
             double    *x,
             double    *y)
{
  graphene_rect_t rect;

  g_assert_true (didact_heatmap_cell_rect (DIDACT_HEATMAP (heatmap),
                                           gtk_widget_get_width (heatmap),
                                           gtk_widget_get_height (heatmap),
                                           row, col, &rect));
  *x = rect.origin.x + rect.size.width / 2;
  *y = rect.origin.y + rect.size.height / 2;
}

static void
test_heatmap_click (void)
{
  g_autoptr(GtkWidget) heatmap = make_heatmap ();
  GtkWidget *window = window_for (heatmap, WIDTH, HEIGHT);
  GtkEventController *drag = find_controller (heatmap, GTK_TYPE_GESTURE_DRAG);
  Events events = { 0 };
  g_autoptr(GArray) selected = NULL;
  double x, y;

  g_signal_connect (heatmap, "cell-activated", G_CALLBACK (on_cell_activated), &events);
  g_signal_connect (heatmap, "cell-edited", G_CALLBACK (on_cell_edited), &events);

  /* a click: press and release in place */
  cell_center (heatmap, 3, 5, &x, &y);
  g_signal_emit_by_name (drag, "drag-begin", x, y);
  g_signal_emit_by_name (drag, "drag-end", 0.0, 0.0);
  g_assert_cmpint (events.n_activated, ==, 1);
  g_assert_cmpint (events.activated_row, ==, 3);
  g_assert_cmpint (events.activated_col, ==, 5);

  /* the extra column reports col = cols */
  cell_center (heatmap, 4, 10, &x, &y);
  g_signal_emit_by_name (drag, "drag-begin", x, y);
  g_signal_emit_by_name (drag, "drag-end", 1.0, 0.0);
  g_assert_cmpint (events.activated_col, ==, 10);

  selected = didact_heatmap_get_selected (DIDACT_HEATMAP (heatmap));
  g_assert_cmpuint (selected->len, ==, 2);
  g_assert_cmpint (g_array_index (selected, DidactHeatmapCell, 0).row, ==, 3);
  g_assert_cmpint (g_array_index (selected, DidactHeatmapCell, 1).col, ==, 10);

  /* a second click deselects */
  cell_center (heatmap, 3, 5, &x, &y);
  g_signal_emit_by_name (drag, "drag-begin", x, y);
  g_signal_emit_by_name (drag, "drag-end", 0.0, 0.0);
  g_assert_false (didact_heatmap_get_cell_selected (DIDACT_HEATMAP (heatmap), 3, 5));
  g_assert_cmpint (events.n_activated, ==, 3);

  /* not editable: a drag edits nothing and is not a click */
  g_signal_emit_by_name (drag, "drag-begin", x, y);
  g_signal_emit_by_name (drag, "drag-update", 0.0, -40.0);
  g_signal_emit_by_name (drag, "drag-end", 0.0, -40.0);
  g_assert_cmpint (events.n_edited, ==, 0);
  g_assert_cmpint (events.n_activated, ==, 3);

  /* outside the cells nothing happens */
  g_signal_emit_by_name (drag, "drag-begin", 1.0, 1.0);
  g_signal_emit_by_name (drag, "drag-end", 0.0, 0.0);
  g_assert_cmpint (events.n_activated, ==, 3);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_heatmap_edit (void)
{
  g_autoptr(GtkWidget) heatmap = make_heatmap ();
  DidactHeatmap *hm = DIDACT_HEATMAP (heatmap);
  GtkWidget *window = window_for (heatmap, WIDTH, HEIGHT);
  GtkEventController *drag = find_controller (heatmap, GTK_TYPE_GESTURE_DRAG);
  Events events = { 0 };
  double x, y, start;
  int row, col;

  g_signal_connect (heatmap, "cell-activated", G_CALLBACK (on_cell_activated), &events);
  g_signal_connect (heatmap, "cell-edited", G_CALLBACK (on_cell_edited), &events);
  didact_heatmap_set_editable (hm, TRUE);
  didact_heatmap_set_step (hm, 0.1);

  /* dragging up 40 px is 10 steps of 0.1, emitted as it goes */
  start = didact_heatmap_get_value (hm, 1, 2);
  cell_center (heatmap, 1, 2, &x, &y);
  g_signal_emit_by_name (drag, "drag-begin", x, y);
  g_signal_emit_by_name (drag, "drag-update", 0.0, -20.0);
  g_assert_cmpint (events.n_edited, ==, 1);
  g_assert_cmpfloat_with_epsilon (events.edited_value, start + 0.5, 1e-12);
  g_signal_emit_by_name (drag, "drag-update", 0.0, -40.0);
  g_signal_emit_by_name (drag, "drag-end", 0.0, -40.0);
  g_assert_cmpint (events.n_edited, ==, 2);
  g_assert_cmpint (events.edited_row, ==, 1);
  g_assert_cmpint (events.edited_col, ==, 2);
  g_assert_cmpfloat_with_epsilon (events.edited_value, start + 1.0, 1e-12);
  g_assert_cmpint (events.n_activated, ==, 0);

  /* the press moved the focus cell there */
  didact_heatmap_get_focus_cell (hm, &row, &col);
  g_assert_cmpint (row, ==, 1);
  g_assert_cmpint (col, ==, 2);

  /* the keyboard's actions: + is one step, Page Down ten steps down */
  g_assert_true (gtk_widget_activate_action (heatmap, "heatmap.adjust", "d", 1.0));
  g_assert_cmpfloat_with_epsilon (events.edited_value, start + 1.1, 1e-12);
  g_assert_true (gtk_widget_activate_action (heatmap, "heatmap.adjust", "d", -10.0));
  g_assert_cmpfloat_with_epsilon (events.edited_value, start + 0.1, 1e-12);

  /* arrows move the focus, clamped at the edges, into the extra column */
  g_assert_true (gtk_widget_activate_action (heatmap, "heatmap.move-focus", "(ii)", 1, 0));
  didact_heatmap_get_focus_cell (hm, &row, &col);
  g_assert_cmpint (row, ==, 2);
  g_assert_true (gtk_widget_activate_action (heatmap, "heatmap.move-focus", "(ii)", 0, 100));
  didact_heatmap_get_focus_cell (hm, &row, &col);
  g_assert_cmpint (col, ==, 10);

  /* the function the keys use: the bias of row 2 goes from −0.15 */
  didact_heatmap_adjust_focused (hm, -0.25);
  g_assert_cmpint (events.edited_row, ==, 2);
  g_assert_cmpint (events.edited_col, ==, 10);
  g_assert_cmpfloat_with_epsilon (events.edited_value, -0.4, 1e-12);
  g_assert_cmpfloat_with_epsilon (didact_heatmap_get_value (hm, 2, 10), -0.4, 1e-12);

  /* Return activates the focus cell */
  g_assert_true (gtk_widget_activate_action (heatmap, "heatmap.activate-focused", NULL));
  g_assert_cmpint (events.n_activated, ==, 1);
  g_assert_cmpint (events.activated_col, ==, 10);
  g_assert_true (didact_heatmap_get_cell_selected (hm, 2, 10));

  /* not editable again: the keys change nothing */
  didact_heatmap_set_editable (hm, FALSE);
  events.n_edited = 0;
  didact_heatmap_adjust_focused (hm, 1);
  gtk_widget_activate_action (heatmap, "heatmap.adjust", "d", 1.0);
  g_assert_cmpint (events.n_edited, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_heatmap_accessible (void)
{
  g_autoptr(GtkWidget) heatmap = make_heatmap ();
  g_autofree char *label = NULL;

  g_assert_true (gtk_widget_get_focusable (heatmap));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (heatmap)), ==,
                   GTK_ACCESSIBLE_ROLE_GRID);
  g_assert_cmpstr (didact_plot_get_accessible_label (DIDACT_PLOT (heatmap)), ==,
                   "Loss coefficients");
  g_object_set (heatmap, "accessible-label", "Bucket coefficients", NULL);
  g_object_get (heatmap, "accessible-label", &label, NULL);
  g_assert_cmpstr (label, ==, "Bucket coefficients");
}

/* ------------------------------------------------------------------------
 * Bar plot
 */

static void
test_bar_draw (void)
{
  guint ids[2];
  g_autoptr(GtkWidget) plot = make_bar_plot (ids);
  DidactBarPlot *bp = DIDACT_BAR_PLOT (plot);
  GtkEventController *motion = find_controller (plot, GTK_TYPE_EVENT_CONTROLLER_MOTION);
  cairo_surface_t *surface, *hover;
  graphene_rect_t up, down, behind;
  GdkRGBA color;
  double lo, hi;
  Pixel p;

  surface = render (plot, WIDTH, HEIGHT);
  g_assert_cmpuint (count_drawn (surface), >, WIDTH * HEIGHT / 20);

  /* the range holds every bar and 0 */
  didact_bar_plot_get_y_range (bp, &lo, &hi);
  g_assert_cmpfloat (lo, <, -0.04);
  g_assert_cmpfloat (hi, >, 0.86);

  /* a positive bar ends above the zero line, the negative one below */
  g_assert_true (didact_bar_plot_bar_rect (bp, WIDTH, HEIGHT, ids[0], 2, &up));
  g_assert_true (didact_bar_plot_bar_rect (bp, WIDTH, HEIGHT, ids[0], 6, &down));
  g_assert_cmpfloat (up.origin.y + up.size.height, <=, down.origin.y + 1);
  g_assert_cmpfloat (up.size.height, >, 50);

  /* the solid bar in its colour, inside the wider faint one */
  didact_plot_get_series_color (DIDACT_PLOT (bp), ids[0], &color);
  p = pixel_at (surface, (int) (up.origin.x + up.size.width / 2), (int) (up.origin.y + up.size.height / 2));
  g_assert_cmpint (abs (p.r - (int) (color.red * 255)), <, 30);
  g_assert_cmpint (abs (p.b - (int) (color.blue * 255)), <, 30);
  g_assert_true (didact_bar_plot_bar_rect (bp, WIDTH, HEIGHT, ids[1], 2, &behind));
  g_assert_cmpfloat (behind.size.width, >, up.size.width);
  g_assert_cmpfloat (behind.origin.x, <, up.origin.x);
  g_assert_cmpfloat (behind.origin.x + behind.size.width, >, up.origin.x + up.size.width);

  /* hover read-out */
  g_signal_emit_by_name (motion, "motion", up.origin.x + 1, up.origin.y + up.size.height / 2);
  hover = render (plot, WIDTH, HEIGHT);
  g_assert_cmpuint (count_different (surface, hover), >, 1000);
  maybe_save (plot, "bar-hover", WIDTH, HEIGHT);
  g_signal_emit_by_name (motion, "leave");

  cairo_surface_destroy (surface);
  cairo_surface_destroy (hover);
}

/* ------------------------------------------------------------------------
 * Export
 */

static void
assert_file_starts (const char *path,
                    const char *magic,
                    gsize       magic_len)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 200);
  g_assert_cmpmem (contents, magic_len, magic, magic_len);
}

static void
test_export (void)
{
  guint line_ids[3], bar_ids[2];
  GtkWidget *plots[3];
  const char *names[3] = { "line", "heatmap", "bar" };
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;

  plots[0] = make_line_plot (line_ids);
  plots[1] = make_heatmap ();
  plots[2] = make_bar_plot (bar_ids);

  dir = g_dir_make_tmp ("didact-plots-XXXXXX", &error);
  g_assert_no_error (error);

  for (int i = 0; i < 3; i++)
    {
      g_autofree char *png = g_strdup_printf ("%s/%s.png", dir, names[i]);
      g_autofree char *svg = g_strdup_printf ("%s/%s.SVG", dir, names[i]);
      g_autofree char *pdf = g_strdup_printf ("%s/%s.pdf", dir, names[i]);

      g_assert_true (didact_plot_export (plots[i], png, WIDTH, HEIGHT, &error));
      g_assert_no_error (error);
      g_assert_true (didact_plot_export (plots[i], svg, WIDTH, HEIGHT, &error));
      g_assert_no_error (error);
      g_assert_true (didact_plot_export (plots[i], pdf, WIDTH, HEIGHT, &error));
      g_assert_no_error (error);

      assert_file_starts (png, "\x89PNG\r\n\x1a\n", 8);
      assert_file_starts (svg, "<?xml", 5);
      assert_file_starts (pdf, "%PDF-", 5);

      /* the PNG has the size asked for */
      {
        cairo_surface_t *back = cairo_image_surface_create_from_png (png);

        g_assert_cmpint (cairo_surface_status (back), ==, CAIRO_STATUS_SUCCESS);
        g_assert_cmpint (cairo_image_surface_get_width (back), ==, WIDTH);
        g_assert_cmpint (cairo_image_surface_get_height (back), ==, HEIGHT);
        cairo_surface_destroy (back);
      }
      g_remove (png);
      g_remove (svg);
      g_remove (pdf);
    }

  /* an unknown kind of file, and a folder that is not there */
  {
    g_autofree char *txt = g_strdup_printf ("%s/plot.txt", dir);
    g_autofree char *missing = g_strdup_printf ("%s/no/such/plot.png", dir);

    g_assert_false (didact_plot_export (plots[0], txt, WIDTH, HEIGHT, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_false (g_file_test (txt, G_FILE_TEST_EXISTS));
    g_clear_error (&error);
    g_assert_false (didact_plot_export (plots[0], missing, WIDTH, HEIGHT, &error));
    g_assert_nonnull (error);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
  }

  g_rmdir (dir);
  for (int i = 0; i < 3; i++)
    g_object_unref (plots[i]);
}

/* ------------------------------------------------------------------------
 * In a window
 */

/* Shows the plot in a window, waits for a frame to be painted and renders
 * the widget as the window showed it. Returns the share of pixels drawn. */
static double
screenshot (GtkWidget  *plot,
            const char *name)
{
  GtkWidget *window = window_for (plot, WIDTH, HEIGHT);
  g_autoptr(GdkTexture) texture = test_render_next_frame (plot);
  guint drawn = 0;
  g_autofree guchar *data = NULL;
  int w, h;

  w = gdk_texture_get_width (texture);
  h = gdk_texture_get_height (texture);
  data = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (texture, data, w * 4);
  /* the widget has no background: what it drew is what is not transparent */
  for (gsize i = 0; i < (gsize) w * h; i++)
    drawn += data[4 * i + 3] > 0;

  if (g_getenv ("DIDACT_PLOTS_SAVE_DIR") != NULL)
    {
      g_autofree char *path = g_strdup_printf ("%s/plots-window-%s.png",
                                               g_getenv ("DIDACT_PLOTS_SAVE_DIR"), name);

      gdk_texture_save_to_png (texture, path);
    }

  gtk_window_set_child (GTK_WINDOW (window), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  return (double) drawn / ((double) w * h);
}

static void
test_window (void)
{
  guint line_ids[3], bar_ids[2];
  g_autoptr(GtkWidget) line = make_line_plot (line_ids);
  g_autoptr(GtkWidget) heatmap = make_heatmap ();
  g_autoptr(GtkWidget) bar = make_bar_plot (bar_ids);
  double share;

  share = screenshot (line, "line");
  g_test_message ("line plot in a window: %.1f%% of pixels drawn", 100 * share);
  g_assert_cmpfloat (share, >, 0.02);
  share = screenshot (heatmap, "heatmap");
  g_test_message ("heatmap in a window: %.1f%% of pixels drawn", 100 * share);
  g_assert_cmpfloat (share, >, 0.1);
  share = screenshot (bar, "bar");
  g_test_message ("bar plot in a window: %.1f%% of pixels drawn", 100 * share);
  g_assert_cmpfloat (share, >, 0.05);
}

/* ------------------------------------------------------------------------
 * Light and dark, presentation
 */

static double
luminance (Pixel p)
{
  return (0.2126 * p.r + 0.7152 * p.g + 0.0722 * p.b) / 255;
}

/* Grey pixels (text and axes, not the coloured series) brighter or darker
 * than a threshold. */
static guint
count_grey (cairo_surface_t *surface,
            gboolean         bright)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  guint n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        Pixel p = pixel_at (surface, x, y);

        if (abs (p.r - p.g) > 8 || abs (p.g - p.b) > 8)
          continue;
        n += bright ? luminance (p) > 0.6 : luminance (p) < 0.4;
      }
  return n;
}

static cairo_surface_t *
render_on (GtkWidget *plot,
           double     grey)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, grey, grey, grey);
  cairo_paint (cr);
  didact_plot_draw (DIDACT_PLOT (plot), cr, WIDTH, HEIGHT);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
test_styles (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  guint line_ids[3], bar_ids[2];
  g_autoptr(GtkWidget) line = make_line_plot (line_ids);
  g_autoptr(GtkWidget) heatmap = make_heatmap ();
  g_autoptr(GtkWidget) bar = make_bar_plot (bar_ids);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *window;
  cairo_surface_t *light, *dark, *big;
  DidactPlotStyle style;

  gtk_box_append (GTK_BOX (box), line);
  gtk_box_append (GTK_BOX (box), heatmap);
  gtk_box_append (GTK_BOX (box), bar);
  window = window_for (box, WIDTH, 3 * HEIGHT);

  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
  g_main_context_iteration (NULL, FALSE);
  light = render_on (line, 0.98);
  didact_plot_style_init (&style, line, FALSE);
  g_assert_false (style.dark);
  didact_plot_style_clear (&style);
  maybe_save (line, "line-light", WIDTH, HEIGHT);
  maybe_save (heatmap, "heatmap-light", WIDTH, HEIGHT);
  maybe_save (bar, "bar-light", WIDTH, HEIGHT);

  g_object_set (settings, "gtk-application-prefer-dark-theme", TRUE, NULL);
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  didact_plot_style_init (&style, line, FALSE);
  g_assert_true (style.dark);
  didact_plot_style_clear (&style);
  dark = render_on (line, 0x24 / 255.0);
  /* text and axes follow the style: light on dark */
  g_test_message ("text and axes: %u dark pixels on light, %u bright pixels on dark",
                  count_grey (light, FALSE), count_grey (dark, TRUE));
  g_assert_cmpuint (count_grey (light, FALSE), >, 300);
  g_assert_cmpuint (count_grey (dark, TRUE), >, 300);
  maybe_save (line, "line-dark", WIDTH, HEIGHT);
  maybe_save (heatmap, "heatmap-dark", WIDTH, HEIGHT);
  maybe_save (bar, "bar-dark", WIDTH, HEIGHT);
  didact_line_plot_set_smoothing (DIDACT_LINE_PLOT (line), 0.95);
  didact_line_plot_set_log_y (DIDACT_LINE_PLOT (line), TRUE);
  maybe_save (line, "line-dark-log-smoothed", WIDTH, HEIGHT);
  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  maybe_save (line, "line-light-log-smoothed", WIDTH, HEIGHT);
  didact_line_plot_set_smoothing (DIDACT_LINE_PLOT (line), 0);
  didact_line_plot_set_log_y (DIDACT_LINE_PLOT (line), FALSE);

  /* presentation: thicker lines and bigger type */
  cairo_surface_destroy (light);
  light = render (line, WIDTH, HEIGHT);
  didact_plot_set_presentation (DIDACT_PLOT (line), TRUE);
  big = render (line, WIDTH, HEIGHT);
  g_assert_cmpuint (count_different (big, light), >, 5000);
  maybe_save (line, "line-presentation", 1200, 700);
  didact_plot_set_presentation (DIDACT_PLOT (heatmap), TRUE);
  maybe_save (heatmap, "heatmap-presentation", 1200, 700);
  didact_plot_set_presentation (DIDACT_PLOT (bar), TRUE);
  maybe_save (bar, "bar-presentation", 1200, 700);

  cairo_surface_destroy (light);
  cairo_surface_destroy (dark);
  cairo_surface_destroy (big);
  gtk_window_set_child (GTK_WINDOW (window), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ------------------------------------------------------------------------
 * Timing (printed, not asserted)
 */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median_frame_ms (GtkWidget *plot,
                 int        width,
                 int        height,
                 int        frames)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  g_autofree double *ms = g_new (double, frames);
  cairo_t *cr = cairo_create (surface);
  double median;

  for (int i = -5; i < frames; i++)
    {
      gint64 t0;

      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      t0 = g_get_monotonic_time ();
      didact_plot_draw (DIDACT_PLOT (plot), cr, width, height);
      cairo_surface_flush (surface);
      if (i >= 0)
        ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
    }
  qsort (ms, frames, sizeof (double), compare_doubles);
  median = ms[frames / 2];
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return median;
}

static void
test_timing (void)
{
  guint ids[3];
  g_autoptr(GtkWidget) plot = make_line_plot (ids);
  g_autofree double *x = g_new (double, N_POINTS);
  g_autofree double *y = g_new (double, N_POINTS);
  double ms;

  ms = median_frame_ms (plot, 1200, 600, 50);
  g_test_message ("line plot, 3 × %d points, 1200×600: median %.2f ms per frame", N_POINTS, ms);

  didact_line_plot_set_smoothing (DIDACT_LINE_PLOT (plot), 0.9);
  ms = median_frame_ms (plot, 1200, 600, 50);
  g_test_message ("  with smoothing (raw and smoothed lines): median %.2f ms per frame", ms);
  didact_line_plot_set_smoothing (DIDACT_LINE_PLOT (plot), 0);

  /* live training: one point appended to each series before every frame,
   * which moves the auto-fitted axes and rebuilds every path */
  {
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1200, 600);
    cairo_t *cr = cairo_create (surface);
    double frame[50];

    for (int f = 0; f < 50; f++)
      {
        gint64 t0 = g_get_monotonic_time ();

        for (int s = 0; s < 3; s++)
          didact_line_plot_append (DIDACT_LINE_PLOT (plot), ids[s],
                                   (double[]) { N_POINTS + f }, (double[]) { 0.5 }, 1);
        didact_plot_draw (DIDACT_PLOT (plot), cr, 1200, 600);
        cairo_surface_flush (surface);
        frame[f] = (g_get_monotonic_time () - t0) / 1000.0;
      }
    qsort (frame, 50, sizeof (double), compare_doubles);
    g_test_message ("  appending a point per frame (paths rebuilt): median %.2f ms per frame", frame[25]);
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  g_test_add_func ("/plots/nice-ticks", test_nice_ticks);
  g_test_add_func ("/plots/log-ticks", test_log_ticks);
  g_test_add_func ("/plots/format", test_format);
  g_test_add_func ("/plots/format-value", test_format_value);
  g_test_add_func ("/plots/smoothing", test_smoothing);
  g_test_add_func ("/plots/envelope/by-hand", test_envelope_by_hand);
  g_test_add_func ("/plots/envelope/brute-force", test_envelope_brute_force);
  g_test_add_func ("/plots/palette", test_palette);
  g_test_add_func ("/plots/base", test_base);
  g_test_add_func ("/plots/line/draw", test_line_draw);
  g_test_add_func ("/plots/line/nan-breaks", test_line_nan_breaks);
  g_test_add_func ("/plots/line/fit-and-values", test_line_fit_and_values);
  g_test_add_func ("/plots/line/append", test_line_append);
  g_test_add_func ("/plots/readout-inside", test_readout_inside);
  g_test_add_func ("/plots/line/hover", test_line_hover);
  g_test_add_func ("/plots/line/ticks", test_line_ticks);
  g_test_add_func ("/plots/line/legend-toggles", test_line_legend_toggles);
  g_test_add_func ("/plots/heatmap/draw", test_heatmap_draw);
  g_test_add_func ("/plots/heatmap/cell-labels", test_heatmap_cell_labels);
  g_test_add_func ("/plots/heatmap/split-row", test_heatmap_split_row);
  g_test_add_func ("/plots/heatmap/row-scale", test_heatmap_row_scale);
  g_test_add_func ("/plots/heatmap/click", test_heatmap_click);
  g_test_add_func ("/plots/heatmap/edit", test_heatmap_edit);
  g_test_add_func ("/plots/heatmap/accessible", test_heatmap_accessible);
  g_test_add_func ("/plots/bar/draw", test_bar_draw);
  g_test_add_func ("/plots/export", test_export);
  g_test_add_func ("/plots/window", test_window);
  g_test_add_func ("/plots/styles", test_styles);
  g_test_add_func ("/plots/timing", test_timing);

  return g_test_run ();
}
