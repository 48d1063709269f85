/* cli-output.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli-output.h"
#include "didact-engine.h"

#include <stdio.h>
#include <unistd.h>

void
cli_progress_init (CliProgress *p, gboolean want)
{
  p->enabled = want && isatty (STDERR_FILENO);
  p->started = dd_now ();
  p->last_draw = 0.0;
  p->width = 30;
}

static void
format_duration (char *buf, size_t len, double s)
{
  if (s < 60)
    g_snprintf (buf, len, "%.0f s", s);
  else if (s < 3600)
    g_snprintf (buf, len, "%d min %02d s", (int) s / 60, (int) s % 60);
  else
    g_snprintf (buf, len, "%d h %02d min", (int) s / 3600, ((int) s % 3600) / 60);
}

void
cli_progress_update (CliProgress *p, gint64 done, gint64 total,
                     const char *status, gboolean force)
{
  double now = dd_now ();
  char bar[128], left[32] = "";

  if (!p->enabled || (!force && now - p->last_draw < 0.1))
    return;
  p->last_draw = now;

  double frac = total > 0 ? (double) done / (double) total : 0.0;
  int fill = (int) (frac * p->width + 0.5);
  for (int i = 0; i < p->width; i++)
    bar[i] = i < fill ? '#' : '.';
  bar[p->width] = '\0';
  if (done > 0 && done < total)
    {
      double eta = (now - p->started) * (double) (total - done) / (double) done;
      format_duration (left, sizeof left, eta);
    }
  fprintf (stderr, "\r\033[K[%s] %3.0f%%  %s%s%s", bar, 100.0 * frac, status,
           *left ? "  " : "", *left ? left : "");
  if (*left)
    fputs (" left", stderr);
  fflush (stderr);
}

void
cli_progress_clear (CliProgress *p)
{
  if (p->enabled)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
    }
}

JsonBuilder *
cli_json_begin (const char *event)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, event);
  return b;
}

void
cli_json_emit (JsonBuilder *b)
{
  json_builder_end_object (b);
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = json_to_string (root, FALSE);
  g_object_unref (b);
  printf ("%s\n", text);
  fflush (stdout);
}

void
cli_json_double (JsonBuilder *b, const char *member, double value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_double_value (b, value);
}

void
cli_json_int (JsonBuilder *b, const char *member, gint64 value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

void
cli_json_double_array (JsonBuilder *b, const char *member, const double *v, int n)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    json_builder_add_double_value (b, v[i]);
  json_builder_end_array (b);
}

void
cli_json_int_array (JsonBuilder *b, const char *member, const int *v, int n)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    json_builder_add_int_value (b, v[i]);
  json_builder_end_array (b);
}

void
cli_json_matrix (JsonBuilder *b, const char *member, const dd_real *m, int rows, int cols)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (int i = 0; i < rows; i++)
    {
      json_builder_begin_array (b);
      for (int j = 0; j < cols; j++)
        json_builder_add_double_value (b, m[(size_t) i * cols + j]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}

int
cli_fail (const char *command, int status, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *msg = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "didact-cli%s%s: %s\n", command ? " " : "", command ? command : "", msg);
  return status;
}
