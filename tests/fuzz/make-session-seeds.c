/* make-session-seeds.c: small real session files for fuzz-session's corpus
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   make-session-seeds DIR
 *
 * Runs three small sessions on the digits set (a plain one; one with a
 * neural teacher, edits of every kind, a fork and edits still pending; one
 * with a long-tail scenario and no baseline arm), saves each with
 * dd_session_serialize and writes it to DIR twice, in fuzz-session's two
 * modes: NAME-file (0x00, then the whole file) and NAME-body (0x03, then the
 * contents between the preamble and the checksum, framed in the current
 * format). The corpus keeps the seeds of older formats as format1-NAME-…,
 * format2-NAME-… (format 2 bodies with the mode byte 0x07) and
 * format3-NAME-… (format 3 bodies with the mode byte 0x0b).
 */
#include "didact-engine.h"

#include <glib/gstdio.h>
#include <string.h>

static void
steps (DdSession *s, int n)
{
  for (int i = 0; i < n; i++)
    dd_session_step (s);
  dd_session_wait_idle (s);
}

static void
edit (DdSession *s, DdEditKind kind, int branch, double value)
{
  g_autoptr(GError) error = NULL;
  DdEdit e = { .kind = kind, .branch = branch, .value = value };
  if (!dd_session_edit (s, &e, &error))
    g_error ("edit: %s", error->message);
}

static void
edit_phi (DdSession *s, DdEditKind kind, int branch, int n_steps, float scale)
{
  g_autoptr(GError) error = NULL;
  DdPhi *phi = dd_session_initial_phi (s);
  for (int i = 0; i < phi->R * phi->C; i++)
    phi->W[i] *= scale;
  DdEdit e = { .kind = kind, .branch = branch, .n_steps = n_steps, .phi = phi };
  if (!dd_session_edit (s, &e, &error))
    g_error ("edit: %s", error->message);
  dd_phi_free (phi);
}

static void
write_seed (const char *dir, const char *name, guint8 mode, const guint8 *p, gsize n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("%s/%s-%s", dir, name, mode ? "body" : "file");
  g_autofree guint8 *buf = g_malloc (n + 1);

  buf[0] = mode;
  memcpy (buf + 1, p, n);
  if (!g_file_set_contents (path, (const char *) buf, n + 1, &error))
    g_error ("%s", error->message);
  g_print ("%s: %" G_GSIZE_FORMAT " bytes\n", path, n + 1);
}

static void
save (DdSession *s, const char *dir, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = dd_session_serialize (s, "fuzz-seed", &error);
  gsize n;

  if (bytes == NULL)
    g_error ("serialize: %s", error->message);
  const guint8 *p = g_bytes_get_data (bytes, &n);
  write_seed (dir, name, 0, p, n);
  write_seed (dir, name, 3, p + 24, n - 24 - 32);
}

static DdSessionConfig
small_config (void)
{
  DdSessionConfig cfg;

  dd_session_config_init (&cfg);
  cfg.teach.student.net.hidden[0] = 4;
  cfg.teach.student.batch = 10;
  cfg.teach.window = 5;
  cfg.teach.pretrain_steps = 5;
  cfg.teach.dev_subsample = 40;
  cfg.teach.holdout = 40;
  cfg.test_subsample = 20;
  return cfg;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: %s DIR\n", argv[0]);
      return 2;
    }
  g_autoptr(DdData) digits = dd_data_load ("digits", &error);
  if (digits == NULL)
    g_error ("%s", error->message);
  g_mkdir_with_parents (argv[1], 0755);

  /* plain */
  DdSessionConfig cfg = small_config ();
  DdSession *s = dd_session_new (&cfg, digits, &error);
  if (s == NULL)
    g_error ("%s", error->message);
  steps (s, 13);
  save (s, argv[1], "plain");
  dd_session_free (s);

  /* a neural teacher, edits of every kind, a fork, edits pending */
  cfg = small_config ();
  cfg.teach.teacher = DD_TEACHER_NEURAL;
  cfg.teach.teacher_hidden = 4;
  cfg.teach.shadow_patience = 1;
  cfg.phi_every = 2;
  s = dd_session_new (&cfg, digits, &error);
  if (s == NULL)
    g_error ("%s", error->message);
  steps (s, 12);
  edit (s, DD_EDIT_STUDENT_LR, 0, 0.08);
  edit_phi (s, DD_EDIT_SHIFT_TEACHER, 0, 0, 0.01f);
  steps (s, 4);
  if (dd_session_fork (s, 0, &error) != 2)
    g_error ("fork: %s", error ? error->message : "not branch 2");
  edit (s, DD_EDIT_TEACHER_KIND, 2, DD_TEACHER_FIXED);
  edit (s, DD_EDIT_OBJECTIVE, 2, DD_OBJECTIVE_DEV_CE);
  steps (s, 6);
  edit_phi (s, DD_EDIT_OVERRIDE_PHI, 0, 4, 1.1f);
  edit (s, DD_EDIT_WINDOW, 0, 4);
  edit (s, DD_EDIT_TEACHER_LR, 2, 0.2);
  steps (s, 2);
  save (s, argv[1], "edited");
  dd_session_free (s);

  /* a long-tail scenario, no baseline arm */
  cfg = small_config ();
  cfg.scenario = (DdScenario) { DD_SCENARIO_LONG_TAIL, 0.2, 3 };
  cfg.baseline = FALSE;
  s = dd_session_new (&cfg, digits, &error);
  if (s == NULL)
    g_error ("%s", error->message);
  steps (s, 7);
  save (s, argv[1], "long-tail");
  dd_session_free (s);
  return 0;
}
