/* dd-export.c: curves as CSV, Φ as NumPy arrays, window records as JSON Lines
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-export.h"
#include "dd-phi.h"
#include "dd-teach.h"

#include <math.h>
#include <string.h>

/* --- NumPy ------------------------------------------------------------------ */

gboolean
dd_npy_write (const char *path, char dtype, int ndim, const gsize *shape,
              const void *data, GError **error)
{
  g_return_val_if_fail (dtype == 'f' || dtype == 'i', FALSE);
  g_return_val_if_fail (ndim >= 1, FALSE);

  gsize n = 1;
  g_autoptr(GString) dims = g_string_new (NULL);
  for (int d = 0; d < ndim; d++)
    {
      n *= shape[d];
      g_string_append_printf (dims, "%" G_GSIZE_FORMAT "%s", shape[d], ndim == 1 || d + 1 < ndim ? ", " : "");
    }
  if (ndim == 1)
    g_string_truncate (dims, dims->len - 1);   /* "(n,)" */
  g_autoptr(GString) header = g_string_new (NULL);
  g_string_printf (header, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                   dtype == 'f' ? "<f4" : "<i8", dims->str);
  /* magic (6) + version (2) + length (2) + header, padded to 64 with a newline last */
  while ((10 + header->len + 1) % 64 != 0)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');

  const gsize item = dtype == 'f' ? 4 : 8;
  g_autoptr(GByteArray) out = g_byte_array_sized_new (10 + header->len + n * item);
  const guint8 magic[] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0 };
  const guint16 hlen = GUINT16_TO_LE ((guint16) header->len);
  g_byte_array_append (out, magic, sizeof magic);
  g_byte_array_append (out, (const guint8 *) &hlen, 2);
  g_byte_array_append (out, (const guint8 *) header->str, header->len);
  for (gsize i = 0; i < n; i++)
    {
      if (dtype == 'f')
        {
          guint32 bits;
          memcpy (&bits, (const float *) data + i, 4);
          bits = GUINT32_TO_LE (bits);
          g_byte_array_append (out, (const guint8 *) &bits, 4);
        }
      else
        {
          guint64 bits = GUINT64_TO_LE ((guint64) ((const gint64 *) data)[i]);
          g_byte_array_append (out, (const guint8 *) &bits, 8);
        }
    }
  return g_file_set_contents (path, (const char *) out->data, out->len, error);
}

/* --- names and numbers -------------------------------------------------------- */

static char *
branch_name (DdSession *s, int b)
{
  int parent;
  gint64 at;

  dd_session_branch_origin (s, b, &parent, &at);
  if (parent < 0)
    return g_strdup (b == 1 && dd_session_get_config (s)->baseline ? "baseline" : "taught");
  return g_strdup_printf ("fork %d (of branch %d at step %" G_GINT64_FORMAT ")", b, parent, at);
}

/* a number as C writes it whatever the locale; nothing for NaN */
static void
append_number (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isfinite (v))
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.9g", v));
}

static void
append_json_number (GString *out, double v)
{
  if (isfinite (v))
    append_number (out, v);
  else
    g_string_append (out, "null");
}

/* a CSV field, quoted when it holds a comma or a quote */
static void
append_csv_field (GString *out, const char *text)
{
  if (strpbrk (text, ",\"\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* --- curves.csv --------------------------------------------------------------- */

static const char *const step_series[] = {
  "training loss (nats)", "training cross-entropy (nats)", "minibatch error (fraction)",
};
static const char *const window_series[] = {
  "dev error (fraction)", "test error (fraction)", "teacher's objective M", "dev BLEU (0-100)",
};

static gint
compare_steps (gconstpointer a, gconstpointer b)
{
  const gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* every step at which some branch has a step or window record, sorted, once */
static GArray *
all_steps (DdSession *s, const DdSessionSnapshot *snap)
{
  GArray *steps = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (int b = 0; b < snap->n_branches; b++)
    {
      for (gint64 i = 0; i < snap->n_steps[b]; i++)
        g_array_append_val (steps, dd_session_step_record (s, b, i)->step);
      for (gint64 i = 0; i < snap->n_windows[b]; i++)
        g_array_append_val (steps, dd_session_window_record (s, b, i)->step);
    }
  g_array_sort (steps, compare_steps);
  guint kept = 0;
  for (guint i = 0; i < steps->len; i++)
    if (kept == 0 || g_array_index (steps, gint64, i) != g_array_index (steps, gint64, kept - 1))
      g_array_index (steps, gint64, kept++) = g_array_index (steps, gint64, i);
  g_array_set_size (steps, kept);
  return steps;
}

static void
append_header (GString *csv, DdSession *s, int n_branches)
{
  g_string_append (csv, "step");
  for (int b = 0; b < n_branches; b++)
    {
      g_autofree char *name = branch_name (s, b);
      for (guint k = 0; k < G_N_ELEMENTS (step_series); k++)
        {
          g_autofree char *column = g_strdup_printf ("%s: %s", name, step_series[k]);
          g_string_append_c (csv, ',');
          append_csv_field (csv, column);
        }
      for (guint k = 0; k < G_N_ELEMENTS (window_series); k++)
        {
          g_autofree char *column = g_strdup_printf ("%s: %s", name, window_series[k]);
          g_string_append_c (csv, ',');
          append_csv_field (csv, column);
        }
    }
  g_string_append_c (csv, '\n');
}

/* the cells of branch b at step: its records there, if any (next_* advance) */
static void
append_branch_cells (GString *csv, DdSession *s, const DdSessionSnapshot *snap, int b,
                     gint64 step, gint64 *next_step, gint64 *next_window)
{
  const DdStepRecord *r = NULL;
  const DdWindowRecord *w = NULL;

  if (next_step[b] < snap->n_steps[b] && dd_session_step_record (s, b, next_step[b])->step == step)
    r = dd_session_step_record (s, b, next_step[b]++);
  if (next_window[b] < snap->n_windows[b] && dd_session_window_record (s, b, next_window[b])->step == step)
    w = dd_session_window_record (s, b, next_window[b]++);
  const double sv[] = { r ? r->loss : NAN, r ? r->ce : NAN, r ? r->batch_error : NAN };
  const double wv[] = { w ? w->dev_error : NAN, w ? w->test_error : NAN,
                        w ? w->dev_measure : NAN, w ? w->bleu : NAN };
  for (guint k = 0; k < G_N_ELEMENTS (sv); k++)
    {
      g_string_append_c (csv, ',');
      append_number (csv, sv[k]);
    }
  for (guint k = 0; k < G_N_ELEMENTS (wv); k++)
    {
      g_string_append_c (csv, ',');
      append_number (csv, wv[k]);
    }
}

static gboolean
write_curves (DdSession *s, const DdSessionSnapshot *snap, const char *dir, GError **error)
{
  g_autoptr(GArray) steps = all_steps (s, snap);
  g_autoptr(GString) csv = g_string_new (NULL);
  gint64 next_step[DD_SESSION_MAX_BRANCHES] = { 0 }, next_window[DD_SESSION_MAX_BRANCHES] = { 0 };

  append_header (csv, s, snap->n_branches);
  for (guint i = 0; i < steps->len; i++)
    {
      const gint64 step = g_array_index (steps, gint64, i);
      g_string_append_printf (csv, "%" G_GINT64_FORMAT, step);
      for (int b = 0; b < snap->n_branches; b++)
        append_branch_cells (csv, s, snap, b, step, next_step, next_window);
      g_string_append_c (csv, '\n');
    }
  g_autofree char *path = g_build_filename (dir, "curves.csv", NULL);
  return g_file_set_contents (path, csv->str, csv->len, error);
}

/* --- Φ ------------------------------------------------------------------------ */

static gboolean
write_phi (DdSession *s, const DdSessionSnapshot *snap, int b, const char *dir, GError **error)
{
  const int C = dd_session_n_classes (s), R = dd_session_phi_rows (s);
  const gsize n = (gsize) snap->n_phi[b], per = dd_phi_n_values_for (dd_session_phi_shape (s), C);
  g_autofree float *values = g_new (float, MAX (n * per, 1));
  g_autofree gint64 *steps = g_new (gint64, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      const DdPhiRecord *p = dd_session_phi_record (s, b, (gint64) i);
      memcpy (values + i * per, p->W, sizeof (float) * per);   /* the flat layout: W, then b */
      steps[i] = p->step;
    }
  g_autofree char *name = g_strdup_printf ("phi-%d.npy", b);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  const gsize shape[] = { n, (gsize) R + 1, (gsize) C };
  if (!dd_npy_write (path, 'f', 3, shape, values, error))
    return FALSE;
  g_autofree char *sname = g_strdup_printf ("phi-steps-%d.npy", b);
  g_autofree char *spath = g_build_filename (dir, sname, NULL);
  return dd_npy_write (spath, 'i', 1, &shape[0], steps, error);
}

/* --- windows-B.jsonl ------------------------------------------------------------- */

static void
append_json_array (GString *out, const char *member, const float *v, int n)
{
  g_string_append_printf (out, ",\"%s\":[", member);
  for (int i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_json_number (out, v ? v[i] : NAN);
    }
  g_string_append_c (out, ']');
}

static void
append_json_string (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_window (GString *out, const DdWindowRecord *w, int C, int n_samples)
{
  const struct { const char *name; double value; } numbers[] = {
    { "window_loss", w->window_loss }, { "dev_error", w->dev_error },
    { "dev_measure", w->dev_measure }, { "test_error", w->test_error },
    { "teacher_grad_norm", w->teacher_grad_norm }, { "step_length", w->step_length },
    { "holdout_before", w->holdout_before }, { "holdout_after", w->holdout_after },
    { "holdout_se", w->holdout_se }, { "shadow_gap", w->shadow_gap },
    { "shadow_se", w->shadow_se }, { "bleu", w->bleu },
  };

  g_string_append_printf (out, "{\"step\":%" G_GINT64_FORMAT ",\"meta_iteration\":%" G_GINT64_FORMAT
                          ",\"update\":\"%s\",\"took_shadow\":%s", w->step, w->meta_iteration,
                          dd_update_verdict_name (w->verdict), w->took_shadow ? "true" : "false");
  for (guint k = 0; k < G_N_ELEMENTS (numbers); k++)
    {
      g_string_append_printf (out, ",\"%s\":", numbers[k].name);
      append_json_number (out, numbers[k].value);
    }
  append_json_array (out, "class_margin", w->class_margin, C);
  append_json_array (out, "class_accuracy", w->class_accuracy, C);
  if (w->hypotheses != NULL)
    {
      g_string_append (out, ",\"hypotheses\":[");
      for (int i = 0; i < n_samples && w->hypotheses[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          append_json_string (out, w->hypotheses[i]);
        }
      g_string_append_c (out, ']');
    }
  g_string_append (out, "}\n");
}

static gboolean
write_windows (DdSession *s, const DdSessionSnapshot *snap, int b, const char *dir, GError **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const int C = dd_session_n_classes (s), n_samples = dd_session_n_samples (s);

  for (gint64 i = 0; i < snap->n_windows[b]; i++)
    append_window (out, dd_session_window_record (s, b, i), C, n_samples);
  g_autofree char *name = g_strdup_printf ("windows-%d.jsonl", b);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  return g_file_set_contents (path, out->str, out->len, error);
}

gboolean
dd_session_export (DdSession *s, const char *dir, GError **error)
{
  DdSessionSnapshot snap;

  g_return_val_if_fail (s != NULL && dir != NULL, FALSE);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_IO, "%s: not a folder; the export needs an existing folder", dir);
      return FALSE;
    }
  /* records below the snapshot's counts are immutable: no lock needed */
  dd_session_snapshot (s, &snap);
  if (!write_curves (s, &snap, dir, error))
    return FALSE;
  for (int b = 0; b < snap.n_branches; b++)
    if (!write_phi (s, &snap, b, dir, error) || !write_windows (s, &snap, b, dir, error))
      return FALSE;
  return TRUE;
}
