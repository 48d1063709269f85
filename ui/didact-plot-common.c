/* didact-plot-common.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-plot-common.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <string.h>

G_DEFINE_ENUM_TYPE (DidactSeriesStyle, didact_series_style,
  G_DEFINE_ENUM_VALUE (DIDACT_SERIES_SOLID, "solid"),
  G_DEFINE_ENUM_VALUE (DIDACT_SERIES_FAINT, "faint"),
  G_DEFINE_ENUM_VALUE (DIDACT_SERIES_DASHED, "dashed"))

G_DEFINE_INTERFACE (DidactPlot, didact_plot, GTK_TYPE_WIDGET)

static void
didact_plot_default_init (DidactPlotInterface *iface)
{
}

void
didact_plot_draw (DidactPlot *self,
                  cairo_t    *cr,
                  int         width,
                  int         height)
{
  DidactPlotInterface *iface;

  g_return_if_fail (DIDACT_IS_PLOT (self));
  g_return_if_fail (cr != NULL);

  iface = DIDACT_PLOT_GET_IFACE (self);
  if (iface->draw != NULL && width > 0 && height > 0)
    iface->draw (self, cr, width, height);
}

/* ------------------------------------------------------------------------
 * Palette
 */

/* Paul Tol's "bright" qualitative scheme: distinct under the common colour
 * vision deficiencies and mid-toned, so it reads on white and on #242424. */
static const guint32 palette[DIDACT_PLOT_PALETTE_SIZE] = {
  0x4477aa, /* blue */
  0xee6677, /* red */
  0x228833, /* green */
  0xccbb44, /* yellow */
  0x66ccee, /* cyan */
  0xaa3377, /* purple */
  0xbbbbbb, /* grey */
};

void
didact_plot_palette_color (guint    index,
                           GdkRGBA *out)
{
  guint32 c;

  g_return_if_fail (out != NULL);

  c = palette[index % DIDACT_PLOT_PALETTE_SIZE];
  out->red = ((c >> 16) & 0xff) / 255.f;
  out->green = ((c >> 8) & 0xff) / 255.f;
  out->blue = (c & 0xff) / 255.f;
  out->alpha = 1.f;
}

/* ------------------------------------------------------------------------
 * Ticks and numbers
 */

static int
tick_count (double lo,
            double hi,
            double step,
            double *first)
{
  /* the tolerance keeps a bound that is a multiple of step (up to
   * rounding) inside the range */
  double k0 = ceil (lo / step - 1e-9);
  double k1 = floor (hi / step + 1e-9);

  *first = k0;
  return k1 >= k0 ? (int) (k1 - k0) + 1 : 0;
}

double
didact_plot_nice_ticks (double  lo,
                        double  hi,
                        int     max_ticks,
                        double *out,
                        int    *n)
{
  static const double mult[] = { 1, 2, 5 };
  double span, step, base, first = 0;
  int count = 0;

  g_return_val_if_fail (out != NULL, 0);
  g_return_val_if_fail (n != NULL, 0);

  *n = 0;
  if (!isfinite (lo) || !isfinite (hi) || max_ticks < 1)
    return 0;
  if (hi < lo)
    {
      double t = lo;
      lo = hi;
      hi = t;
    }
  if (hi == lo)
    {
      out[0] = lo;
      *n = 1;
      return 0;
    }

  max_ticks = MAX (max_ticks, 2);
  span = hi - lo;
  base = pow (10, floor (log10 (span / max_ticks)));
  step = base;
  for (int e = 0; e < 40; e++, base *= 10)
    {
      gboolean found = FALSE;

      for (guint m = 0; m < G_N_ELEMENTS (mult); m++)
        {
          step = mult[m] * base;
          count = tick_count (lo, hi, step, &first);
          if (count <= max_ticks)
            {
              found = TRUE;
              break;
            }
        }
      if (found)
        break;
    }

  for (int i = 0; i < count; i++)
    {
      double v = (first + i) * step;

      /* -0 and 1e-17 for what should print as 0 */
      if (fabs (v) < step * 1e-9)
        v = 0;
      out[i] = v;
    }
  *n = count;
  return step;
}

void
didact_plot_log_ticks (double  lo,
                       double  hi,
                       int     max_ticks,
                       double *out,
                       int    *n)
{
  double e0, e1;
  int decades, every, count = 0;

  g_return_if_fail (out != NULL);
  g_return_if_fail (n != NULL);

  *n = 0;
  if (!(lo > 0) || !(hi > 0) || !isfinite (lo) || !isfinite (hi) || max_ticks < 1)
    return;
  if (hi < lo)
    {
      double t = lo;
      lo = hi;
      hi = t;
    }

  e0 = ceil (log10 (lo) - 1e-9);
  e1 = floor (log10 (hi) + 1e-9);
  decades = e1 >= e0 ? (int) (e1 - e0) + 1 : 0;

  if (decades >= 3)
    {
      every = (decades + max_ticks - 1) / max_ticks;
      for (double e = e0; e <= e1 && count < max_ticks; e++)
        if (((gint64) e % every) == 0)
          out[count++] = pow (10, e);
      *n = count;
      return;
    }

  /* less than about two decades: 1, 2, 5 in every decade, if they fit */
  {
    static const double mult[] = { 1, 2, 5 };
    double d0 = floor (log10 (lo)), d1 = floor (log10 (hi));

    for (double d = d0; d <= d1; d++)
      for (guint m = 0; m < G_N_ELEMENTS (mult); m++)
        {
          double v = mult[m] * pow (10, d);

          if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
            {
              if (count == max_ticks)
                goto too_many;
              out[count++] = v;
            }
        }
    if (count >= 2)
      {
        *n = count;
        return;
      }
  }

too_many:
  if (decades >= 2)
    {
      count = 0;
      for (double e = e0; e <= e1 && count < max_ticks; e++)
        out[count++] = pow (10, e);
      *n = count;
      return;
    }

  /* a narrow range: linear ticks, spaced unevenly on the log axis */
  didact_plot_nice_ticks (lo, hi, max_ticks, out, n);
}

/* Decimals needed to write multiples of step exactly (step = 0.25 → 2). */
static int
decimals_for_step (double step)
{
  step = fabs (step);
  for (int d = 0; d <= 12; d++)
    {
      double scaled = step * pow (10, d);

      if (fabs (scaled - round (scaled)) < 1e-6 * scaled)
        return d;
    }
  return 12;
}

/* "1.500" → "1.5", "2.000" → "2"; leaves strings without a '.' alone */
static void
strip_zeros (char *s)
{
  char *dot = strchr (s, '.');
  char *end;

  if (dot == NULL)
    return;
  end = s + strlen (s);
  while (end > dot + 1 && end[-1] == '0')
    *--end = '\0';
  if (end == dot + 1)
    *dot = '\0';
}

void
didact_plot_format_number (double  value,
                           double  step,
                           char   *buf,
                           gsize   size)
{
  static const struct { double unit; const char *suffix; } units[] = {
    { 1e12, "T" }, { 1e9, "G" }, { 1e6, "M" }, { 1e3, "k" },
  };
  double a = fabs (value);
  char tmp[64];

  g_return_if_fail (buf != NULL && size > 0);

  if (isnan (value))
    {
      g_strlcpy (buf, "NaN", size);
      return;
    }
  if (isinf (value))
    {
      g_strlcpy (buf, value > 0 ? "∞" : "-∞", size);
      return;
    }
  if (a == 0 || (step > 0 && a < fabs (step) * 1e-6))
    {
      g_strlcpy (buf, "0", size);
      return;
    }

  if (a >= 1e4 && a < 1e15)
    {
      for (guint i = 0; i < G_N_ELEMENTS (units); i++)
        if (a >= units[i].unit)
          {
            double scaled = value / units[i].unit;
            int d = step > 0 ? decimals_for_step (step / units[i].unit)
                             : MAX (0, 3 - (int) floor (log10 (fabs (scaled))));

            g_snprintf (tmp, sizeof tmp, "%.*f", MIN (d, 6), scaled);
            strip_zeros (tmp);
            g_snprintf (buf, size, "%s%s", tmp, units[i].suffix);
            return;
          }
    }

  if (a < 1e-3 || a >= 1e15)
    {
      int d = step > 0 ? (int) (floor (log10 (a)) - floor (log10 (fabs (step))))
                       : 3;
      char *e, *mantissa_end;
      int exponent;

      g_snprintf (tmp, sizeof tmp, "%.*e", CLAMP (d, 0, 6), value);
      e = strchr (tmp, 'e');
      if (e == NULL)
        {
          g_strlcpy (buf, tmp, size);
          return;
        }
      exponent = atoi (e + 1);
      *e = '\0';
      mantissa_end = tmp;
      strip_zeros (mantissa_end);
      g_snprintf (buf, size, "%se%d", tmp, exponent);
      return;
    }

  {
    int d = step > 0 ? decimals_for_step (step)
                     : MAX (0, 3 - (int) floor (log10 (a)));

    g_snprintf (tmp, sizeof tmp, "%.*f", MIN (d, 12), value);
    strip_zeros (tmp);
    if (strcmp (tmp, "-0") == 0)
      g_strlcpy (buf, "0", size);
    else
      g_strlcpy (buf, tmp, size);
  }
}

/* ------------------------------------------------------------------------
 * Smoothing
 */

void
didact_plot_smooth_ema_continue (DidactEmaState *state,
                                 const double   *y,
                                 gsize           n,
                                 double          weight,
                                 double         *out)
{
  double last;
  guint64 count;

  g_return_if_fail (state != NULL);
  g_return_if_fail (n == 0 || (y != NULL && out != NULL));

  weight = CLAMP (weight, 0.0, 1.0);
  last = state->last;
  count = state->count;
  for (gsize i = 0; i < n; i++)
    {
      if (!isfinite (y[i]))
        {
          out[i] = y[i];
          continue;
        }
      last = last * weight + (1 - weight) * y[i];
      count++;
      /* the average starts at 0; dividing by 1 − w^count removes that bias */
      out[i] = weight < 1 ? last / (1 - pow (weight, (double) count)) : last;
    }
  state->last = last;
  state->count = count;
}

void
didact_plot_smooth_ema (const double *y,
                        gsize         n,
                        double        weight,
                        double       *out)
{
  DidactEmaState state = { 0, 0 };

  didact_plot_smooth_ema_continue (&state, y, n, weight, out);
}

/* ------------------------------------------------------------------------
 * Envelope
 */

gsize
didact_plot_lower_bound (const double *x,
                         gsize         n,
                         double        value)
{
  gsize lo = 0, hi = n;

  /* NaNs compare false and so sort as if they were large; the widgets keep
   * NaN x out of data they treat as sorted */
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (x[mid] < value)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

void
didact_plot_envelope (const double *x,
                      const double *y,
                      gsize         n,
                      gboolean      sorted,
                      double        x_lo,
                      double        x_hi,
                      int           n_columns,
                      gboolean      skip_nonpositive,
                      GArray       *buckets)
{
  DidactPlotBucket cur = { 0 };
  gboolean have = FALSE, emitted = FALSE, pending_break = FALSE;
  gsize start = 0, end = n;
  double scale;

  g_return_if_fail (buckets != NULL);
  g_return_if_fail (g_array_get_element_size (buckets) == sizeof (DidactPlotBucket));
  g_return_if_fail (n == 0 || (x != NULL && y != NULL));

  if (n == 0 || n_columns <= 0 || !(x_hi > x_lo))
    return;
  scale = n_columns / (x_hi - x_lo);

  if (sorted)
    {
      /* the visible points and one more on either side */
      start = didact_plot_lower_bound (x, n, x_lo);
      start = start > 0 ? start - 1 : 0;
      end = didact_plot_lower_bound (x, n, x_hi);
      while (end < n && x[end] <= x_hi)
        end++;
      end = MIN (end + 1, n);
    }

  for (gsize i = start; i < end; i++)
    {
      double xi = x[i], yi = y[i], c;
      gint64 column;

      if (isnan (xi) || isnan (yi))
        {
          if (have)
            {
              g_array_append_val (buckets, cur);
              have = FALSE;
            }
          pending_break = TRUE;
          continue;
        }
      if (!isfinite (xi) || !isfinite (yi) || (skip_nonpositive && yi <= 0))
        continue;

      c = floor ((xi - x_lo) * scale);
      column = (gint64) CLAMP (c, -1e9, 1e9);

      if (have && column == cur.column)
        {
          cur.n++;
          cur.x_last = xi;
          cur.y_last = yi;
          if (yi < cur.y_min)
            {
              cur.y_min = yi;
              cur.min_first = FALSE;
            }
          if (yi > cur.y_max)
            {
              cur.y_max = yi;
              cur.min_first = TRUE;
            }
          continue;
        }

      if (have)
        g_array_append_val (buckets, cur);
      cur.column = column;
      cur.n = 1;
      cur.break_before = pending_break && emitted;
      cur.min_first = TRUE;
      cur.x_first = cur.x_last = xi;
      cur.y_first = cur.y_last = cur.y_min = cur.y_max = yi;
      have = emitted = TRUE;
      pending_break = FALSE;
    }
  if (have)
    g_array_append_val (buckets, cur);
}

/* ------------------------------------------------------------------------
 * Style and text
 */

void
didact_plot_style_init (DidactPlotStyle *style,
                        GtkWidget       *widget,
                        gboolean         presentation)
{
  PangoContext *context;
  const PangoFontDescription *font;
  double luminance;

  g_return_if_fail (style != NULL);
  g_return_if_fail (GTK_IS_WIDGET (widget));

  /* a widget outside a window inherits no colour from the theme (GTK's
   * initial colour is white): draw it as on a light page, for exports */
  if (gtk_widget_get_root (widget) == NULL)
    style->fg = (GdkRGBA) { 0x2e / 255.f, 0x34 / 255.f, 0x36 / 255.f, 1.f };
  else
#if GTK_CHECK_VERSION (4, 10, 0)
    gtk_widget_get_color (widget, &style->fg);
#else
    gtk_style_context_get_color (gtk_widget_get_style_context (widget), &style->fg);
#endif
  style->fg.alpha = 1.f;

  luminance = 0.2126 * style->fg.red + 0.7152 * style->fg.green + 0.0722 * style->fg.blue;
  style->dark = luminance > 0.5;
  /* Adwaita's window backgrounds, for exports and for boxes drawn over data */
  if (style->dark)
    style->bg = (GdkRGBA) { 0x24 / 255.f, 0x24 / 255.f, 0x24 / 255.f, 1.f };
  else
    style->bg = (GdkRGBA) { 0xfa / 255.f, 0xfa / 255.f, 0xfa / 255.f, 1.f };

  style->font_scale = presentation ? 1.6 : 1.0;
  style->line_scale = presentation ? 2.0 : 1.0;

  context = gtk_widget_get_pango_context (widget);
  font = pango_context_get_font_description (context);
  style->font = font != NULL ? pango_font_description_copy (font)
                             : pango_font_description_from_string ("Sans 10");
  if (pango_font_description_get_size (style->font) <= 0)
    pango_font_description_set_size (style->font, 10 * PANGO_SCALE);
  style->resolution = pango_cairo_context_get_resolution (context);
  if (style->resolution <= 0)
    style->resolution = 96;
}

void
didact_plot_style_clear (DidactPlotStyle *style)
{
  g_clear_pointer (&style->font, pango_font_description_free);
}

PangoLayout *
didact_plot_style_layout (const DidactPlotStyle *style,
                          cairo_t               *cr,
                          double                 size,
                          PangoWeight            weight)
{
  g_autoptr(PangoFontDescription) font = NULL;
  PangoLayout *layout;
  double points;

  layout = pango_cairo_create_layout (cr);
  pango_cairo_context_set_resolution (pango_layout_get_context (layout), style->resolution);

  font = pango_font_description_copy (style->font);
  points = (double) pango_font_description_get_size (font) * style->font_scale * size;
  if (pango_font_description_get_size_is_absolute (style->font))
    pango_font_description_set_absolute_size (font, points);
  else
    pango_font_description_set_size (font, (int) points);
  pango_font_description_set_weight (font, weight);
  pango_layout_set_font_description (layout, font);
  pango_layout_context_changed (layout);

  return layout;
}

void
didact_plot_layout_size (PangoLayout *layout,
                         const char  *text,
                         int         *width,
                         int         *height)
{
  PangoRectangle logical;

  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  if (width != NULL)
    *width = logical.width;
  if (height != NULL)
    *height = logical.height;
}

void
didact_plot_set_source (cairo_t       *cr,
                        const GdkRGBA *color,
                        double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* Header geometry: where each legend entry goes. Entries are laid out in
 * rows, each row right-aligned; the first row shares the title's line
 * when everything fits there. */
typedef struct
{
  double title_w, title_h;
  double line_h;
  double height;
  gboolean legend_beside_title;
} Header;

#define LEGEND_SWATCH(style) (18 * (style)->font_scale)
#define LEGEND_GAP(style) (14 * (style)->font_scale)
#define SWATCH_GAP(style) (5 * (style)->font_scale)
#define HEADER_PAD(style) (8 * (style)->font_scale)

static double
entry_width (PangoLayout                 *layout,
             const DidactPlotStyle       *style,
             const DidactPlotLegendEntry *entry)
{
  int w;

  didact_plot_layout_size (layout, entry->label, &w, NULL);
  return LEGEND_SWATCH (style) + SWATCH_GAP (style) + w;
}

static gboolean
has_label (const DidactPlotLegendEntry *entry)
{
  return entry->label != NULL && entry->label[0] != '\0';
}

/* Calls @row for each row of the legend (first .. last entry index, and
 * the row's width); returns the number of rows. */
static int
legend_rows (PangoLayout                 *layout,
             const DidactPlotStyle       *style,
             const DidactPlotLegendEntry *entries,
             guint                        n,
             double                       max_width,
             guint                       *row_first,
             guint                       *row_last,
             double                      *row_width,
             int                          max_rows)
{
  int rows = 0;
  double w = 0;
  guint first = 0;

  for (guint i = 0; i <= n; i++)
    {
      double ew = i < n && has_label (&entries[i]) ? entry_width (layout, style, &entries[i]) : 0;

      if (i < n && !has_label (&entries[i]))
        continue;
      if (i == n || (w > 0 && w + LEGEND_GAP (style) + ew > max_width))
        {
          if (w > 0 && rows < max_rows)
            {
              row_first[rows] = first;
              row_last[rows] = i;
              row_width[rows] = w;
              rows++;
            }
          first = i;
          w = 0;
          if (i == n)
            break;
        }
      w += (w > 0 ? LEGEND_GAP (style) : 0) + ew;
    }
  return rows;
}

#define MAX_LEGEND_ROWS 8

static void
header_measure (PangoLayout                 *title_layout,
                PangoLayout                 *layout,
                const DidactPlotStyle       *style,
                const char                  *title,
                const DidactPlotLegendEntry *entries,
                guint                        n,
                int                          width,
                Header                      *h,
                guint                       *row_first,
                guint                       *row_last,
                double                      *row_width,
                int                         *rows)
{
  double available = width - 2 * HEADER_PAD (style);
  int th = 0, tw = 0, lh;

  if (title != NULL && title[0] != '\0')
    didact_plot_layout_size (title_layout, title, &tw, &th);
  didact_plot_layout_size (layout, "Ag", NULL, &lh);
  h->title_w = tw;
  h->title_h = th;
  h->line_h = lh;

  *rows = legend_rows (layout, style, entries, n, G_MAXDOUBLE, row_first, row_last, row_width, MAX_LEGEND_ROWS);
  h->legend_beside_title = *rows == 1 && tw + 2 * LEGEND_GAP (style) + row_width[0] <= available;
  if (!h->legend_beside_title && *rows > 0)
    *rows = legend_rows (layout, style, entries, n, available, row_first, row_last, row_width, MAX_LEGEND_ROWS);

  if (*rows == 0)
    h->height = th;
  else if (h->legend_beside_title)
    h->height = MAX (th, lh);
  else
    h->height = th + (th > 0 ? HEADER_PAD (style) / 2 : 0) + *rows * lh;
}

double
didact_plot_header_height (cairo_t                     *cr,
                           const DidactPlotStyle       *style,
                           const char                  *title,
                           const DidactPlotLegendEntry *entries,
                           guint                        n_entries,
                           int                          width)
{
  g_autoptr(PangoLayout) title_layout = didact_plot_style_layout (style, cr, 1.05, PANGO_WEIGHT_BOLD);
  g_autoptr(PangoLayout) layout = didact_plot_style_layout (style, cr, 0.9, PANGO_WEIGHT_NORMAL);
  guint first[MAX_LEGEND_ROWS], last[MAX_LEGEND_ROWS];
  double row_width[MAX_LEGEND_ROWS];
  Header h;
  int rows;

  header_measure (title_layout, layout, style, title, entries, n_entries, width,
                  &h, first, last, row_width, &rows);
  return h.height;
}

void
didact_plot_draw_header (cairo_t                     *cr,
                         const DidactPlotStyle       *style,
                         const char                  *title,
                         double                       title_x,
                         const DidactPlotLegendEntry *entries,
                         guint                        n_entries,
                         DidactPlotSwatch             swatch,
                         int                          width)
{
  g_autoptr(PangoLayout) title_layout = didact_plot_style_layout (style, cr, 1.05, PANGO_WEIGHT_BOLD);
  g_autoptr(PangoLayout) layout = didact_plot_style_layout (style, cr, 0.9, PANGO_WEIGHT_NORMAL);
  guint first[MAX_LEGEND_ROWS], last[MAX_LEGEND_ROWS];
  double row_width[MAX_LEGEND_ROWS], y, pad = HEADER_PAD (style);
  Header h;
  int rows;

  header_measure (title_layout, layout, style, title, entries, n_entries, width,
                  &h, first, last, row_width, &rows);

  cairo_save (cr);
  y = pad;
  if (h.title_h > 0)
    {
      pango_layout_set_text (title_layout, title, -1);
      didact_plot_set_source (cr, &style->fg, 0.9);
      cairo_move_to (cr, title_x, y + (h.legend_beside_title ? (h.height - h.title_h) / 2 : 0));
      pango_cairo_show_layout (cr, title_layout);
      if (!h.legend_beside_title)
        y += h.title_h + pad / 2;
    }
  if (h.legend_beside_title)
    y += (h.height - h.line_h) / 2;

  for (int r = 0; r < rows; r++, y += h.line_h)
    {
      double x = width - pad - row_width[r];

      for (guint i = first[r]; i < last[r]; i++)
        {
          const DidactPlotLegendEntry *e = &entries[i];
          double alpha = e->style == DIDACT_SERIES_FAINT ? 0.4 : 1;
          double sw = LEGEND_SWATCH (style);
          int w;

          if (!has_label (e))
            continue;
          if (swatch == DIDACT_PLOT_SWATCH_BOX)
            {
              double box = 0.7 * h.line_h;

              cairo_rectangle (cr, x + (sw - box) / 2, y + (h.line_h - box) / 2, box, box);
              didact_plot_set_source (cr, &e->color, e->style == DIDACT_SERIES_SOLID ? 0.9 : alpha * 0.75);
              cairo_fill (cr);
            }
          else
            {
              cairo_save (cr);
              cairo_set_line_width (cr, 2 * style->line_scale);
              cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
              if (e->style == DIDACT_SERIES_DASHED)
                {
                  double dash[] = { 4 * style->line_scale, 3 * style->line_scale };

                  cairo_set_dash (cr, dash, 2, 0);
                }
              didact_plot_set_source (cr, &e->color, alpha);
              cairo_move_to (cr, x, y + h.line_h / 2);
              cairo_rel_line_to (cr, sw, 0);
              cairo_stroke (cr);
              cairo_restore (cr);
            }
          didact_plot_layout_size (layout, e->label, &w, NULL);
          didact_plot_set_source (cr, &style->fg, 0.85);
          cairo_move_to (cr, x + sw + SWATCH_GAP (style), y);
          pango_cairo_show_layout (cr, layout);
          x += sw + SWATCH_GAP (style) + w + LEGEND_GAP (style);
        }
    }
  cairo_restore (cr);
}

gboolean
didact_plot_is_exporting (GtkWidget *plot)
{
  return g_object_get_data (G_OBJECT (plot), "didact-plot-exporting") != NULL;
}

void
didact_plot_draw_box (cairo_t               *cr,
                      const DidactPlotStyle *style,
                      double                 x,
                      double                 y,
                      double                 width,
                      double                 height)
{
  double r = 4;

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + width - r, y + height - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + height - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  didact_plot_set_source (cr, &style->bg, 0.9);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1);
  didact_plot_set_source (cr, &style->fg, 0.25);
  cairo_stroke (cr);
}

void
didact_plot_draw_readout (cairo_t               *cr,
                          const DidactPlotStyle *style,
                          int                    width,
                          int                    height,
                          double                 px,
                          double                 py,
                          const char            *title,
                          const char *const     *lines,
                          const GdkRGBA         *colors,
                          guint                  n_lines)
{
  g_autoptr(PangoLayout) layout = didact_plot_style_layout (style, cr, 0.9, PANGO_WEIGHT_NORMAL);
  g_autoptr(PangoLayout) bold = didact_plot_style_layout (style, cr, 0.9, PANGO_WEIGHT_BOLD);
  double pad = 6 * style->font_scale, swatch = 10 * style->font_scale;
  double box_w, box_h, x, y, line_h;
  int tw = 0, th = 0;

  didact_plot_layout_size (bold, title, &tw, &th);
  line_h = th;
  box_w = tw;
  for (guint i = 0; i < n_lines; i++)
    {
      int w, h;

      didact_plot_layout_size (layout, lines[i], &w, &h);
      box_w = MAX (box_w, w + (colors != NULL ? swatch + pad : 0));
      line_h = MAX (line_h, h);
    }
  box_w += 2 * pad;
  box_h = 2 * pad + (title != NULL ? line_h : 0) + n_lines * line_h;

  /* beside the pointer, flipped to stay inside the widget */
  x = px + 14;
  y = py + 14;
  if (x + box_w > width - 2)
    x = px - 14 - box_w;
  if (y + box_h > height - 2)
    y = py - 14 - box_h;
  x = MAX (2, x);
  y = MAX (2, y);

  didact_plot_draw_box (cr, style, x, y, box_w, box_h);

  y += pad;
  if (title != NULL)
    {
      pango_layout_set_text (bold, title, -1);
      didact_plot_set_source (cr, &style->fg, 1);
      cairo_move_to (cr, x + pad, y);
      pango_cairo_show_layout (cr, bold);
      y += line_h;
    }
  for (guint i = 0; i < n_lines; i++, y += line_h)
    {
      double tx = x + pad;

      if (colors != NULL && colors[i].alpha > 0)
        {
          didact_plot_set_source (cr, &colors[i], 1);
          cairo_rectangle (cr, tx, y + (line_h - swatch) / 2, swatch, swatch);
          cairo_fill (cr);
        }
      if (colors != NULL)
        tx += swatch + pad;
      pango_layout_set_text (layout, lines[i], -1);
      didact_plot_set_source (cr, &style->fg, 1);
      cairo_move_to (cr, tx, y);
      pango_cairo_show_layout (cr, layout);
    }
}

/* ------------------------------------------------------------------------
 * Export
 */

typedef struct
{
  GOutputStream *stream;
  GError *error;
} ExportSink;

static cairo_status_t
export_write (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  ExportSink *sink = closure;

  if (sink->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!g_output_stream_write_all (sink->stream, data, length, NULL, NULL, &sink->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

static void
export_paint (GtkWidget *plot,
              cairo_t   *cr,
              int        width,
              int        height)
{
  DidactPlotStyle style;

  /* the widget has no background of its own; a file needs one that its
   * text colour reads on */
  didact_plot_style_init (&style, plot, FALSE);
  didact_plot_set_source (cr, &style.bg, 1);
  cairo_paint (cr);
  didact_plot_style_clear (&style);
  g_object_set_data (G_OBJECT (plot), "didact-plot-exporting", GINT_TO_POINTER (TRUE));
  didact_plot_draw (DIDACT_PLOT (plot), cr, width, height);
  g_object_set_data (G_OBJECT (plot), "didact-plot-exporting", NULL);
}

gboolean
didact_plot_export (GtkWidget   *plot,
                    const char  *path,
                    int          width,
                    int          height,
                    GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autofree char *lower = NULL;
  ExportSink sink = { NULL, NULL };
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  enum { PNG, SVG, PDF } kind;

  g_return_val_if_fail (DIDACT_IS_PLOT (plot), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".png"))
    kind = PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    kind = SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    kind = PDF;
  else
    {
      g_autofree char *name = g_filename_display_basename (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Cannot export “%s”: the name must end in .png, .svg or .pdf", name);
      return FALSE;
    }

  /* written to a temporary file and renamed, so a failed export leaves an
   * existing file as it was */
  file = g_file_new_for_path (path);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, error);
  if (stream == NULL)
    return FALSE;
  sink.stream = G_OUTPUT_STREAM (stream);

  switch (kind)
    {
    case SVG:
      surface = cairo_svg_surface_create_for_stream (export_write, &sink, width, height);
      break;
    case PDF:
      surface = cairo_pdf_surface_create_for_stream (export_write, &sink, width, height);
      break;
    case PNG:
    default:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      break;
    }

  cr = cairo_create (surface);
  export_paint (plot, cr, width, height);
  status = cairo_status (cr);
  cairo_destroy (cr);

  if (status == CAIRO_STATUS_SUCCESS && kind == PNG)
    status = cairo_surface_write_to_png_stream (surface, export_write, &sink);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (sink.error != NULL || status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *name = g_filename_display_basename (path);
      g_autoptr(GCancellable) cancelled = g_cancellable_new ();

      /* closing a cancelled replace stream drops the temporary file */
      g_cancellable_cancel (cancelled);
      g_output_stream_close (G_OUTPUT_STREAM (stream), cancelled, NULL);
      if (sink.error != NULL)
        {
          g_propagate_prefixed_error (error, sink.error, "Cannot export “%s”: ", name);
        }
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "Cannot export “%s”: %s", name, cairo_status_to_string (status));
      return FALSE;
    }

  return g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);
}
