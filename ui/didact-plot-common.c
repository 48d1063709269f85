/* didact-plot-common.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-plot-common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* "-" as a minus sign (U+2212) wherever it stands */
static void
copy_with_minus_signs (const char *from,
                       char       *buf,
                       gsize       size)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = from; *p != '\0'; p++)
    if (*p == '-')
      g_string_append (out, "−");
    else
      g_string_append_c (out, *p);
  g_strlcpy (buf, out->str, size);
}

void
didact_plot_format_value (double  value,
                          int     digits,
                          char   *buf,
                          gsize   size)
{
  double a = fabs (value);
  char tmp[64];

  g_return_if_fail (buf != NULL && size > 0);
  g_return_if_fail (digits >= 1);

  if (!isfinite (value))
    didact_plot_format_number (value, 0, tmp, sizeof tmp);
  else if (a == 0)
    g_strlcpy (tmp, "0", sizeof tmp);
  else if (a >= 10)
    g_snprintf (tmp, sizeof tmp, "%.0f", value);
  else if (a >= 1e-3)
    {
      /* digits − 1 − ⌊log10 a⌋ decimals hold that many significant digits */
      g_snprintf (tmp, sizeof tmp, "%.*f", MAX (0, digits - 1 - (int) floor (log10 (a))), value);
      strip_zeros (tmp);
    }
  else
    {
      char *e;

      g_snprintf (tmp, sizeof tmp, "%.*e", MIN (digits - 1, 6), value);
      e = strchr (tmp, 'e');
      if (e != NULL)
        {
          int exponent = atoi (e + 1);

          *e = '\0';
          strip_zeros (tmp);
          g_snprintf (tmp + strlen (tmp), sizeof tmp - strlen (tmp), "e%d", exponent);
        }
    }
  copy_with_minus_signs (tmp, buf, size);
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
