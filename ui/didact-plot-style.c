/* didact-plot-style.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-plot-style.h"

#include "didact-plot-common.h"

#include <math.h>

G_DEFINE_ENUM_TYPE (DidactSeriesStyle, didact_series_style,
  G_DEFINE_ENUM_VALUE (DIDACT_SERIES_SOLID, "solid"),
  G_DEFINE_ENUM_VALUE (DIDACT_SERIES_FAINT, "faint"),
  G_DEFINE_ENUM_VALUE (DIDACT_SERIES_DASHED, "dashed"))

/* ------------------------------------------------------------------------
 * The palette: every colour a plot picks by itself is defined here
 */

static void
rgb_to_rgba (guint32  c,
             GdkRGBA *out)
{
  out->red = ((c >> 16) & 0xff) / 255.f;
  out->green = ((c >> 8) & 0xff) / 255.f;
  out->blue = (c & 0xff) / 255.f;
  out->alpha = 1.f;
}

/* Paul Tol's "bright" qualitative scheme: distinct under the common colour
 * vision deficiencies and mid-toned, so it reads on white and on #242424. */
static const guint32 series_palette[DIDACT_PLOT_PALETTE_SIZE] = {
  0x4477aa, /* blue */
  0xee6677, /* red */
  0x228833, /* green */
  0xccbb44, /* yellow */
  0x66ccee, /* cyan */
  0xaa3377, /* purple */
  0xbbbbbb, /* grey */
};

/* Paul Tol's "muted" scheme (nine colours) and a grey: ten classes' curves
 * that stay apart from one another. */
static const guint32 class_palette[DIDACT_PLOT_CLASS_PALETTE_SIZE] = {
  0x332288, 0x88ccee, 0x44aa99, 0x117733, 0x999933,
  0xddcc77, 0xcc6677, 0x882255, 0xaa4499, 0x6f6f6f,
};

/* GNOME's grey for a baseline: neutral beside the series colours */
static const guint32 baseline_grey = 0x77767b;

/* ColorBrewer's RdBu (blue for negative, red for positive) on a light
 * background; on a dark one the middle is a dark grey and the colours
 * brighten outwards, so large values stand out on either. */
static const guint32 diverging_light[DIDACT_PLOT_DIVERGING_STOPS] = {
  0x2166ac, 0x92c5de, 0xf7f7f7, 0xf4a582, 0xb2182b,
};
static const guint32 diverging_dark[DIDACT_PLOT_DIVERGING_STOPS] = {
  0x7fb8e6, 0x31648f, 0x2e2e2e, 0x94423a, 0xf4a582,
};

void
didact_plot_palette_color (guint    index,
                           GdkRGBA *out)
{
  g_return_if_fail (out != NULL);

  rgb_to_rgba (series_palette[index % DIDACT_PLOT_PALETTE_SIZE], out);
}

void
didact_plot_class_color (guint    index,
                         GdkRGBA *out)
{
  g_return_if_fail (out != NULL);

  rgb_to_rgba (class_palette[index % DIDACT_PLOT_CLASS_PALETTE_SIZE], out);
}

void
didact_plot_baseline_color (GdkRGBA *out)
{
  g_return_if_fail (out != NULL);

  rgb_to_rgba (baseline_grey, out);
}

void
didact_plot_diverging_stop (gboolean  dark,
                            guint     index,
                            GdkRGBA  *out)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (index < DIDACT_PLOT_DIVERGING_STOPS);

  rgb_to_rgba ((dark ? diverging_dark : diverging_light)[index], out);
}

void
didact_plot_diverging_color (gboolean  dark,
                             double    t,
                             GdkRGBA  *out)
{
  const guint32 *stops = dark ? diverging_dark : diverging_light;
  GdkRGBA a, b;
  double u;
  int i;

  g_return_if_fail (out != NULL);

  t = CLAMP (t, -1, 1);
  u = (t + 1) * 2;               /* 0 .. 4 */
  i = MIN ((int) floor (u), 3);
  u -= i;
  rgb_to_rgba (stops[i], &a);
  rgb_to_rgba (stops[i + 1], &b);
  out->red = a.red + (b.red - a.red) * u;
  out->green = a.green + (b.green - a.green) * u;
  out->blue = a.blue + (b.blue - a.blue) * u;
  out->alpha = 1.f;
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

/* The header at a width: its layouts, its geometry and where each legend
 * entry goes (its left edge, its row's top and its width; a NaN x for an
 * entry not shown). */
typedef struct
{
  PangoLayout *title_layout;
  PangoLayout *layout;
  Header h;
  double *entry_x, *entry_y, *entry_w;
} HeaderPlan;

static void
header_plan (HeaderPlan                  *plan,
             cairo_t                     *cr,
             const DidactPlotStyle       *style,
             const char                  *title,
             const DidactPlotLegendEntry *entries,
             guint                        n,
             int                          width)
{
  guint first[MAX_LEGEND_ROWS], last[MAX_LEGEND_ROWS];
  double row_width[MAX_LEGEND_ROWS], pad = HEADER_PAD (style), y = pad;
  const Header *h = &plan->h;
  int rows;

  plan->title_layout = didact_plot_style_layout (style, cr, 1.05, PANGO_WEIGHT_BOLD);
  plan->layout = didact_plot_style_layout (style, cr, 0.9, PANGO_WEIGHT_NORMAL);
  plan->entry_x = g_new (double, MAX (n, 1));
  plan->entry_y = g_new (double, MAX (n, 1));
  plan->entry_w = g_new (double, MAX (n, 1));
  header_measure (plan->title_layout, plan->layout, style, title, entries, n, width,
                  &plan->h, first, last, row_width, &rows);

  for (guint i = 0; i < n; i++)
    plan->entry_x[i] = NAN;
  if (h->title_h > 0 && !h->legend_beside_title)
    y += h->title_h + pad / 2;
  if (h->legend_beside_title)
    y += (h->height - h->line_h) / 2;
  for (int r = 0; r < rows; r++, y += h->line_h)
    {
      double x = width - pad - row_width[r];

      for (guint i = first[r]; i < last[r]; i++)
        {
          if (!has_label (&entries[i]))
            continue;
          plan->entry_x[i] = x;
          plan->entry_y[i] = y;
          plan->entry_w[i] = entry_width (plan->layout, style, &entries[i]);
          x += plan->entry_w[i] + LEGEND_GAP (style);
        }
    }
}

static void
header_plan_clear (HeaderPlan *plan)
{
  g_clear_object (&plan->title_layout);
  g_clear_object (&plan->layout);
  g_clear_pointer (&plan->entry_x, g_free);
  g_clear_pointer (&plan->entry_y, g_free);
  g_clear_pointer (&plan->entry_w, g_free);
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

  /* measured only: the entries are not placed */
  header_measure (title_layout, layout, style, title, entries, n_entries, width,
                  &h, first, last, row_width, &rows);
  return h.height;
}

static void
draw_entry (cairo_t                     *cr,
            const DidactPlotStyle       *style,
            PangoLayout                 *layout,
            const DidactPlotLegendEntry *e,
            DidactPlotSwatch             swatch,
            double                       x,
            double                       y,
            double                       w,
            double                       line_h)
{
  double alpha = e->style == DIDACT_SERIES_FAINT ? 0.4 : 1;
  double sw = LEGEND_SWATCH (style);
  /* hidden entries and those beside a highlighted one fade */
  double fade = e->off ? 0.3 : e->dimmed ? 0.4 : 1;

  if (swatch == DIDACT_PLOT_SWATCH_BOX)
    {
      double box = 0.7 * line_h;

      cairo_rectangle (cr, x + (sw - box) / 2, y + (line_h - box) / 2, box, box);
      didact_plot_set_source (cr, &e->color, fade * (e->style == DIDACT_SERIES_SOLID ? 0.9 : alpha * 0.75));
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
      didact_plot_set_source (cr, &e->color, fade * alpha);
      cairo_move_to (cr, x, y + line_h / 2);
      cairo_rel_line_to (cr, sw, 0);
      cairo_stroke (cr);
      cairo_restore (cr);
    }
  pango_layout_set_text (layout, e->label, -1);
  didact_plot_set_source (cr, &style->fg, 0.85 * fade);
  cairo_move_to (cr, x + sw + SWATCH_GAP (style), y);
  pango_cairo_show_layout (cr, layout);
  if (e->off)
    {
      /* struck through: clicking it shows the series again */
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, x, round (y + line_h / 2) + 0.5);
      cairo_line_to (cr, x + w, round (y + line_h / 2) + 0.5);
      cairo_stroke (cr);
    }
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
  const Header *h;
  HeaderPlan plan;

  header_plan (&plan, cr, style, title, entries, n_entries, width);
  h = &plan.h;
  cairo_save (cr);
  if (h->title_h > 0)
    {
      pango_layout_set_text (plan.title_layout, title, -1);
      didact_plot_set_source (cr, &style->fg, 0.9);
      cairo_move_to (cr, title_x, HEADER_PAD (style) + (h->legend_beside_title ? (h->height - h->title_h) / 2 : 0));
      pango_cairo_show_layout (cr, plan.title_layout);
    }
  for (guint i = 0; i < n_entries; i++)
    if (!isnan (plan.entry_x[i]))
      draw_entry (cr, style, plan.layout, &entries[i], swatch, plan.entry_x[i], plan.entry_y[i],
                  plan.entry_w[i], h->line_h);
  cairo_restore (cr);
  header_plan_clear (&plan);
}

void
didact_plot_header_entry_rects (cairo_t                     *cr,
                                const DidactPlotStyle       *style,
                                const char                  *title,
                                const DidactPlotLegendEntry *entries,
                                guint                        n_entries,
                                int                          width,
                                graphene_rect_t             *rects)
{
  HeaderPlan plan;

  header_plan (&plan, cr, style, title, entries, n_entries, width);
  for (guint i = 0; i < n_entries; i++)
    if (isnan (plan.entry_x[i]))
      graphene_rect_init (&rects[i], 0, 0, 0, 0);
    else
      graphene_rect_init (&rects[i], plan.entry_x[i], plan.entry_y[i], plan.entry_w[i], plan.h.line_h);
  header_plan_clear (&plan);
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

  /* lines wider than the widget end in an ellipsis (a long series name in
   * a narrow plot, or a translation longer than the English) */
  const double room = width - 4 - 2 * pad;
  pango_layout_set_width (bold, (int) (MAX (room, 20) * PANGO_SCALE));
  pango_layout_set_ellipsize (bold, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, (int) (MAX (room - (colors != NULL ? swatch + pad : 0), 20) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
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
 * Axes
 */

int
didact_plot_make_ticks (PangoLayout    *layout,
                        double          lo,
                        double          hi,
                        gboolean        log_scale,
                        int             max_ticks,
                        DidactPlotTick *ticks,
                        int            *max_width)
{
  double values[DIDACT_PLOT_MAX_TICKS];
  double step = 0;
  int n = 0;

  max_ticks = CLAMP (max_ticks, 2, DIDACT_PLOT_MAX_TICKS);
  if (log_scale)
    didact_plot_log_ticks (lo, hi, max_ticks, values, &n);
  else
    step = didact_plot_nice_ticks (lo, hi, max_ticks, values, &n);

  *max_width = 0;
  for (int i = 0; i < n; i++)
    {
      ticks[i].value = values[i];
      ticks[i].position = NAN;
      didact_plot_format_number (values[i], log_scale ? values[i] : step,
                                 ticks[i].text, sizeof ticks[i].text);
      didact_plot_layout_size (layout, ticks[i].text, &ticks[i].width, &ticks[i].height);
      *max_width = MAX (*max_width, ticks[i].width);
    }
  return n;
}

void
didact_plot_draw_grid (cairo_t               *cr,
                       const DidactPlotStyle *style,
                       const graphene_rect_t *area,
                       const DidactPlotTick  *y_ticks,
                       int                    n_y,
                       const DidactPlotTick  *x_ticks,
                       int                    n_x)
{
  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  didact_plot_set_source (cr, &style->fg, 0.12);
  /* one path, so that crossings are not drawn twice */
  for (int i = 0; i < n_y; i++)
    {
      cairo_move_to (cr, area->origin.x, round (y_ticks[i].position) + 0.5);
      cairo_rel_line_to (cr, area->size.width, 0);
    }
  for (int i = 0; i < n_x; i++)
    {
      cairo_move_to (cr, round (x_ticks[i].position) + 0.5, area->origin.y);
      cairo_rel_line_to (cr, 0, area->size.height);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
didact_plot_draw_axis_lines (cairo_t               *cr,
                             const DidactPlotStyle *style,
                             const graphene_rect_t *area,
                             gboolean               bottom)
{
  double x = round (area->origin.x) + 0.5;

  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  didact_plot_set_source (cr, &style->fg, 0.45);
  cairo_move_to (cr, x, area->origin.y);
  if (bottom)
    {
      double y = round (area->origin.y + area->size.height) + 0.5;

      cairo_line_to (cr, x, y);
      cairo_line_to (cr, area->origin.x + area->size.width, y);
    }
  else
    cairo_rel_line_to (cr, 0, area->size.height);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
didact_plot_draw_y_ticks (cairo_t               *cr,
                          const DidactPlotStyle *style,
                          PangoLayout           *layout,
                          const graphene_rect_t *area,
                          const DidactPlotTick  *ticks,
                          int                    n,
                          double                 tick_len)
{
  double pad = 8 * style->font_scale;

  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  for (int i = 0; i < n; i++)
    {
      double y = ticks[i].position;

      didact_plot_set_source (cr, &style->fg, 0.45);
      cairo_move_to (cr, area->origin.x - tick_len, round (y) + 0.5);
      cairo_rel_line_to (cr, tick_len, 0);
      cairo_stroke (cr);
      pango_layout_set_text (layout, ticks[i].text, -1);
      didact_plot_set_source (cr, &style->fg, 0.75);
      cairo_move_to (cr, area->origin.x - tick_len - pad / 2 - ticks[i].width,
                     y - ticks[i].height / 2.0);
      pango_cairo_show_layout (cr, layout);
    }
  cairo_restore (cr);
}

void
didact_plot_draw_x_ticks (cairo_t               *cr,
                          const DidactPlotStyle *style,
                          PangoLayout           *layout,
                          const graphene_rect_t *area,
                          const DidactPlotTick  *ticks,
                          int                    n,
                          double                 tick_len,
                          int                    width)
{
  double bottom = area->origin.y + area->size.height;

  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  for (int i = 0; i < n; i++)
    {
      double x = ticks[i].position;
      double label_x = CLAMP (x - ticks[i].width / 2.0, 0, width - ticks[i].width);

      didact_plot_set_source (cr, &style->fg, 0.45);
      cairo_move_to (cr, round (x) + 0.5, bottom);
      cairo_rel_line_to (cr, 0, tick_len);
      cairo_stroke (cr);
      pango_layout_set_text (layout, ticks[i].text, -1);
      didact_plot_set_source (cr, &style->fg, 0.75);
      cairo_move_to (cr, label_x, bottom + tick_len + 2);
      pango_cairo_show_layout (cr, layout);
    }
  cairo_restore (cr);
}

void
didact_plot_draw_axis_labels (cairo_t               *cr,
                              const DidactPlotStyle *style,
                              const graphene_rect_t *area,
                              int                    height,
                              const char            *x_label,
                              const char            *y_label)
{
  g_autoptr(PangoLayout) layout = didact_plot_style_layout (style, cr, 1.0, PANGO_WEIGHT_NORMAL);
  double pad = 8 * style->font_scale;
  int w, h;

  cairo_save (cr);
  didact_plot_set_source (cr, &style->fg, 0.9);
  if (x_label != NULL && x_label[0] != '\0')
    {
      didact_plot_layout_size (layout, x_label, &w, &h);
      cairo_move_to (cr, area->origin.x + (area->size.width - w) / 2, height - pad - h);
      pango_cairo_show_layout (cr, layout);
    }
  if (y_label != NULL && y_label[0] != '\0')
    {
      didact_plot_layout_size (layout, y_label, &w, &h);
      cairo_save (cr);
      cairo_move_to (cr, pad, area->origin.y + (area->size.height + w) / 2);
      cairo_rotate (cr, -G_PI / 2);
      pango_cairo_update_layout (cr, layout);
      pango_cairo_show_layout (cr, layout);
      cairo_restore (cr);
    }
  cairo_restore (cr);
}
