/* cli-output.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "cli-deal.h"
#include "cli-output.h"
#include "didact-engine.h"

#include <math.h>
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

char *
cli_json_line (JsonBuilder *b)
{
  json_builder_end_object (b);
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_object_unref (b);
  return json_to_string (root, FALSE);
}

void
cli_json_emit (JsonBuilder *b)
{
  g_autofree char *text = cli_json_line (b);

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
cli_json_string (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
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

void
cli_json_double_or_null (JsonBuilder *b, const char *member, double value)
{
  json_builder_set_member_name (b, member);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* --- closed windows ------------------------------------------------------------ */

void
cli_window_from_report (CliWindow *w, const DdStepReport *r)
{
  *w = (CliWindow) {
    .branch = NULL,
    .step = r->step,
    .meta_iteration = r->meta_iteration,
    .phi = r->phi,
    .window_loss = r->window_loss,
    .dev_error = r->dev_error,
    .dev_measure = r->dev_measure,
    .teacher_grad_norm = r->teacher_grad_norm,
    .forward_seconds = r->forward_seconds,
    .reverse_seconds = r->reverse_seconds,
    .verdict = r->verdict,
    .step_length = r->step_length,
    .predicted_change = r->predicted_change,
    .holdout_before = r->holdout_before,
    .holdout_after = r->holdout_after,
    .holdout_se = r->holdout_se,
    .shadow_gap = r->shadow_gap,
    .shadow_se = r->shadow_se,
    .took_shadow = r->took_shadow,
    .test_error = NAN,
    .dev_bleu = NAN,
  };
}

/* the Φ record of branch b at step, or NULL: the records' steps increase */
static const DdPhiRecord *
phi_record_at (DdSession *s, const DdSessionSnapshot *snap, int b, gint64 step)
{
  gint64 lo = 0, hi = snap->n_phi[b];

  while (lo < hi)
    {
      gint64 mid = lo + (hi - lo) / 2;
      if (dd_session_phi_record (s, b, mid)->step < step)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo < snap->n_phi[b] && dd_session_phi_record (s, b, lo)->step == step)
    return dd_session_phi_record (s, b, lo);
  return NULL;
}

void
cli_window_from_record (CliWindow *w, DdSession *s, const DdSessionSnapshot *snap,
                        int b, gint64 i, DdPhi *phi)
{
  const DdWindowRecord *r = dd_session_window_record (s, b, i);
  const DdPhiRecord *p = phi_record_at (s, snap, b, r->step);

  if (p != NULL)
    dd_phi_unpack (phi, p->W);
  *w = (CliWindow) {
    .branch_index = b,
    .step = r->step,
    .meta_iteration = r->meta_iteration,
    .phi = p ? phi : NULL,
    .window_loss = r->window_loss,
    .dev_error = r->dev_error,
    .dev_measure = r->dev_measure,
    .teacher_grad_norm = r->teacher_grad_norm,
    .forward_seconds = NAN,
    .reverse_seconds = NAN,
    .verdict = r->verdict,
    .step_length = r->step_length,
    .predicted_change = NAN,
    .holdout_before = r->holdout_before,
    .holdout_after = r->holdout_after,
    .holdout_se = r->holdout_se,
    .shadow_gap = r->shadow_gap,
    .shadow_se = r->shadow_se,
    .took_shadow = r->took_shadow,
    .test_error = r->test_error,
    .dev_bleu = r->bleu,
  };
  cli_window_hide_misleading (w, s);
}

void
cli_window_hide_misleading (CliWindow *w, DdSession *s)
{
  /* an episodic branch's student is back at ω₀ when the session measures
   * the test error of a window's end: the record holds ω₀'s */
  if (dd_session_get_config (s)->teach.protocol == DD_PROTOCOL_EPISODIC)
    w->test_error = NAN;
}

void
cli_window_emit (const CliWindow *w)
{
  JsonBuilder *b = cli_json_begin ("window");

  if (w->branch != NULL)
    {
      cli_json_int (b, "branch", w->branch_index);
      json_builder_set_member_name (b, "branch_name");
      json_builder_add_string_value (b, w->branch);
    }
  cli_json_int (b, "step", w->step);
  cli_json_int (b, "meta_iteration", w->meta_iteration);
  if (w->phi != NULL)  /* W is (R, C): Φ's rows and its columns, classes or buckets */
    {
      cli_json_matrix (b, "W", w->phi->W, w->phi->R, w->phi->C);
      cli_json_matrix (b, "b", w->phi->b, 1, w->phi->C);
    }
  cli_json_double (b, "train_loss", w->window_loss);
  cli_json_double (b, "dev_error", w->dev_error);
  cli_json_double (b, "dev_measure", w->dev_measure);
  if (isfinite (w->test_error))
    cli_json_double (b, "test_error", w->test_error);
  if (isfinite (w->dev_bleu))
    cli_json_double (b, "dev_bleu", w->dev_bleu);
  cli_json_double (b, "teacher_grad_norm", w->teacher_grad_norm);
  if (isfinite (w->forward_seconds))
    {
      cli_json_double (b, "forward_seconds", w->forward_seconds);
      cli_json_double (b, "reverse_seconds", w->reverse_seconds);
    }
  json_builder_set_member_name (b, "update");
  json_builder_add_string_value (b, dd_update_verdict_name (w->verdict));
  cli_json_double (b, "step_length", w->step_length);
  if (isfinite (w->holdout_before))
    {
      cli_json_double (b, "holdout_before", w->holdout_before);
      cli_json_double_or_null (b, "holdout_after", w->holdout_after);
      cli_json_double_or_null (b, "holdout_se", w->holdout_se);
      if (isfinite (w->predicted_change))
        cli_json_double (b, "predicted_change", w->predicted_change);
    }
  if (isfinite (w->shadow_gap))
    {
      cli_json_double (b, "shadow_gap", w->shadow_gap);
      cli_json_double_or_null (b, "shadow_se", w->shadow_se);
      json_builder_set_member_name (b, "took_shadow");
      json_builder_add_boolean_value (b, w->took_shadow);
    }
  cli_json_emit (b);
}

void
cli_window_print (const CliWindow *w)
{
  if (w->branch != NULL)
    printf ("%-8s ", w->branch);
  printf ("update %4" G_GINT64_FORMAT "  step %7" G_GINT64_FORMAT "  L_Φ %.4f  dev error %6.2f %%  "
          "M %.4f  |dθ| %.3g  %-8s |Δθ| %.3g",
          w->meta_iteration, w->step, w->window_loss, 100.0 * w->dev_error,
          w->dev_measure, w->teacher_grad_norm, dd_update_verdict_name (w->verdict),
          w->step_length);
  if (isfinite (w->test_error))
    printf ("  test error %6.2f %%", 100.0 * w->test_error);
  if (isfinite (w->dev_bleu))
    printf ("  dev BLEU %.2f", w->dev_bleu);
  if (isfinite (w->forward_seconds))
    printf ("  forward %.2f s  reverse %.2f s", w->forward_seconds, w->reverse_seconds);
  putchar ('\n');
  fflush (stdout);
}

char *
cli_branch_name (DdSession *s, int b, gboolean with_origin)
{
  int parent;
  gint64 at;

  dd_session_branch_origin (s, b, &parent, &at);
  if (parent < 0)
    return g_strdup (b == 1 && dd_session_get_config (s)->baseline ? "baseline" : "taught");
  if (!with_origin)
    return g_strdup_printf ("fork %d", b);
  return g_strdup_printf ("fork %d (of branch %d at step %" G_GINT64_FORMAT ")", b, parent, at);
}

int
cli_fail (const char *command, int status, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *raw = g_strdup_vprintf (format, args);
  va_end (args);
  /* one line of UTF-8 whatever it quotes: a file name's bytes that are
   * not UTF-8 show as U+FFFD, a line break in a message as a space */
  g_autofree char *msg = g_utf8_make_valid (raw, -1);
  g_strdelimit (msg, "\r\n", ' ');
  /* under MPI every rank reads the same command line: its usage errors are
   * the leader's to print; any other failure says which rank it was */
  if (cli_deal_rank () > 0 && status == CLI_EXIT_USAGE)
    return status;
  if (cli_deal_rank () > 0)
    fprintf (stderr, "didact-cli%s%s (rank %d): %s\n", command ? " " : "", command ? command : "",
             cli_deal_rank (), msg);
  else
    fprintf (stderr, "didact-cli%s%s: %s\n", command ? " " : "", command ? command : "", msg);
  return status;
}
