/* fuzz-session.c: opening session files
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: byte 0 picks the mode, the rest is
 *   even  a whole file, as given (signature, version, length, checksum and
 *         all): dd_session_bytes_peek, then dd_session_open_bytes;
 *   odd   the contents only: they are framed as the writer frames them
 *         (signature, version, flags 0, length, SHA-256), so that every
 *         input gets past the checksum to the field reader; the version is
 *         format 1 if bit 1 of byte 0 is clear, else the current format,
 *         or format 2 if bit 2 is set as well, or format 3 if bit 3 is set
 *         and bit 2 clear (each format added fields that the ones before
 *         lack).
 * Sessions are opened on the bundled digits set, which the seeds
 * (make-session-seeds.c) ran on. An opened session must be readable as the
 * workbench reads it (every record of every branch), take a step and save
 * again.
 */
#include "fuzz-common.h"
#include "didact-engine.h"

#include <math.h>
#include <string.h>

static DdData *digits;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;

  fuzz_fatal_criticals ();
  digits = dd_data_load ("digits", &error);
  if (digits == NULL)
    g_error ("the digits set: %s", error->message);
  return 0;
}

static GBytes *
frame (const uint8_t *body, size_t n, guint32 format)
{
  static const guint8 signature[8] = { 0x89, 'D', 'D', 'S', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  GByteArray *out = g_byte_array_sized_new (24 + n + 32);
  const guint32 version = GUINT32_TO_LE (format), flags = 0;
  const guint64 len = GUINT64_TO_LE ((guint64) n);
  guint8 digest[32];
  gsize dlen = sizeof digest;

  g_byte_array_append (out, signature, sizeof signature);
  g_byte_array_append (out, (const guint8 *) &version, 4);
  g_byte_array_append (out, (const guint8 *) &flags, 4);
  g_byte_array_append (out, (const guint8 *) &len, 8);
  g_byte_array_append (out, body, n);
  g_checksum_update (sum, out->data, out->len);
  g_checksum_get_digest (sum, digest, &dlen);
  g_byte_array_append (out, digest, sizeof digest);
  return g_byte_array_free_to_bytes (out);
}

/* what the workbench reads of an opened session */
static void
read_session (DdSession *s)
{
  DdSessionSnapshot snap;
  const int C = dd_session_n_classes (s);
  const gsize nv = (gsize) dd_session_phi_rows (s) * C + C;
  double sink = 0;

  dd_session_snapshot (s, &snap);
  g_assert_cmpint (snap.n_branches, >=, 1);
  g_assert_cmpint (snap.n_branches, <=, DD_SESSION_MAX_BRANCHES);
  for (gint64 i = 0; i < snap.n_journal; i++)
    {
      const DdEdit *e = dd_session_journal_entry (s, i);
      g_assert_true (e->branch >= 0 && e->branch < snap.n_branches);
      if (e->phi)
        for (int k = 0; k < e->phi->R * e->phi->C; k++)
          sink += e->phi->W[k];
      if (e->message)
        g_assert_true (g_utf8_validate (e->message, -1, NULL));
    }
  for (int b = 0; b < snap.n_branches; b++)
    {
      int parent;
      gint64 fork_step;

      dd_session_branch_origin (s, b, &parent, &fork_step);
      g_assert_true (parent >= -1 && parent < b);
      for (gint64 i = 0; i < snap.n_steps[b]; i++)
        sink += dd_session_step_record (s, b, i)->loss;
      for (gint64 i = 0; i < snap.n_phi[b]; i++)
        {
          const DdPhiRecord *r = dd_session_phi_record (s, b, i);
          for (gsize k = 0; k < nv; k++)
            sink += r->W[k];
        }
      for (gint64 i = 0; i < snap.n_windows[b]; i++)
        {
          const DdWindowRecord *w = dd_session_window_record (s, b, i);
          for (int c = 0; c < C; c++)
            sink += w->class_margin[c] + w->class_accuracy[c];
          for (int k = 0; w->hypotheses && w->hypotheses[k]; k++)
            g_assert_true (g_utf8_validate (w->hypotheses[k], -1, NULL));
        }
    }
  for (int c = 0; c < C; c++)
    g_assert_nonnull (dd_session_class_name (s, c));
  g_free (dd_session_describe_scenario (s));
  g_free (dd_session_dup_error (s));
  (void) sink;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  DdSessionFileInfo info;

  if (size < 1)
    return 0;
  if (data[0] & 1)
    bytes = frame (data + 1, size - 1,
                   !(data[0] & 2) ? 1 : data[0] & 4 ? 2 : data[0] & 8 ? 3
                                                             : DD_SESSION_FILE_VERSION);
  else
    bytes = g_bytes_new (data + 1, size - 1);

  gboolean ok = dd_session_bytes_peek (bytes, &info, &error);
  FUZZ_ASSERT_REFUSED (ok, error);
  if (ok)
    {
      g_assert_cmpint (info.version, >=, 1);
      g_assert_cmpint (info.version, <=, DD_SESSION_FILE_VERSION);
      g_assert_nonnull (info.dataset);
      g_assert_true (info.n_branches >= 1 && info.n_branches <= DD_SESSION_MAX_BRANCHES);
      dd_session_file_info_clear (&info);
    }
  g_clear_error (&error);

  DdSession *s = dd_session_open_bytes (bytes, digits, &error);
  FUZZ_ASSERT_REFUSED (s != NULL, error);
  if (s == NULL)
    return 0;
  g_assert_true (ok);
  read_session (s);
  dd_session_step (s);
  dd_session_wait_idle (s);
  read_session (s);
  g_autoptr(GBytes) again = dd_session_serialize (s, "fuzz", &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  dd_session_free (s);
  return 0;
}
