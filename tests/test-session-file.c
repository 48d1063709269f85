/* test-session-file.c: saving a session and opening it again
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A session is stepped to the middle of a window with edits of every kind
 * and a fork behind it and edits still pending, saved to a real file, and
 * stepped on; the file is opened into a second session, stepped as far, and
 * every branch's weights and every record of the two must agree bit for bit.
 * Image student (digits) and translation student (the de-en corpus, with
 * dropout, which format 2 keeps, tied embeddings and a bidirectional
 * encoder, which format 3 keeps, and input feeding, which format 4 keeps).
 * Files of formats 1, 2 and 3 (fuzz-session's committed seeds) still open,
 * step and are saved again in the current format. Then
 * the files a user might hand it: truncated, damaged, foreign, from a newer
 * version, from other data, and damaged behind a valid checksum.
 */
#include "didact-engine.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static DdData *digits;

static DdData *
need_digits (void)
{
  if (digits == NULL)
    {
      g_autoptr(GError) error = NULL;
      digits = dd_data_load ("digits", &error);
      g_assert_no_error (error);
    }
  return digits;
}

static char *
temp_path (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("didact-session-file-XXXXXX", &error);
  g_assert_no_error (error);
  return g_build_filename (dir, name, NULL);
}

static void
remove_temp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_unlink (path);
  g_assert_cmpint (g_rmdir (dir), ==, 0);   /* nothing else left behind */
}

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
  g_assert_true (dd_session_edit (s, &e, &error));
  g_assert_no_error (error);
}

static void
edit_phi (DdSession *s, DdEditKind kind, int branch, int n_steps, float scale)
{
  g_autoptr(GError) error = NULL;
  DdPhi *phi = dd_session_initial_phi (s);
  for (int i = 0; i < phi->R * phi->C; i++)
    phi->W[i] *= scale;
  DdEdit e = { .kind = kind, .branch = branch, .n_steps = n_steps, .phi = phi };
  g_assert_true (dd_session_edit (s, &e, &error));
  g_assert_no_error (error);
  dd_phi_free (phi);
}

static gboolean
same_double (double a, double b)
{
  return memcmp (&a, &b, sizeof a) == 0;
}

/* every branch, every record, every weight: the same bits */
static void
assert_same_sessions (DdSession *a, DdSession *b)
{
  DdSessionSnapshot sa, sb;
  const int C = dd_session_n_classes (a);
  const gsize nv = (gsize) dd_session_phi_rows (a) * C + C;

  dd_session_snapshot (a, &sa);
  dd_session_snapshot (b, &sb);
  g_assert_cmpint (sa.n_branches, ==, sb.n_branches);
  g_assert_cmpint (sa.n_journal, ==, sb.n_journal);
  g_assert_cmpint (sa.failures, ==, sb.failures);
  for (gint64 i = 0; i < sa.n_journal; i++)
    {
      const DdEdit *x = dd_session_journal_entry (a, i), *y = dd_session_journal_entry (b, i);
      g_assert_cmpint (x->kind, ==, y->kind);
      g_assert_cmpint (x->branch, ==, y->branch);
      g_assert_cmpint (x->step, ==, y->step);
      g_assert_true (same_double (x->value, y->value));
      g_assert_true ((x->phi == NULL) == (y->phi == NULL));
      if (x->phi)
        g_assert_cmpmem (x->phi->W, sizeof (dd_real) * x->phi->R * C,
                         y->phi->W, sizeof (dd_real) * y->phi->R * C);
    }
  for (int br = 0; br < sa.n_branches; br++)
    {
      int pa, pb;
      gint64 fa, fb;
      dd_session_branch_origin (a, br, &pa, &fa);
      dd_session_branch_origin (b, br, &pb, &fb);
      g_assert_cmpint (pa, ==, pb);
      g_assert_cmpint (fa, ==, fb);
      g_assert_cmpint (sa.step[br], ==, sb.step[br]);
      g_assert_cmpint (sa.n_steps[br], ==, sb.n_steps[br]);
      g_assert_cmpint (sa.n_phi[br], ==, sb.n_phi[br]);
      g_assert_cmpint (sa.n_windows[br], ==, sb.n_windows[br]);
      for (gint64 i = 0; i < sa.n_steps[br]; i++)
        g_assert_cmpmem (dd_session_step_record (a, br, i), sizeof (DdStepRecord),
                         dd_session_step_record (b, br, i), sizeof (DdStepRecord));
      for (gint64 i = 0; i < sa.n_phi[br]; i++)
        {
          const DdPhiRecord *x = dd_session_phi_record (a, br, i), *y = dd_session_phi_record (b, br, i);
          g_assert_cmpint (x->step, ==, y->step);
          g_assert_cmpmem (x->W, nv * sizeof (float), y->W, nv * sizeof (float));
        }
      for (gint64 i = 0; i < sa.n_windows[br]; i++)
        {
          const DdWindowRecord *x = dd_session_window_record (a, br, i);
          const DdWindowRecord *y = dd_session_window_record (b, br, i);
          g_assert_cmpint (x->step, ==, y->step);
          g_assert_cmpint (x->meta_iteration, ==, y->meta_iteration);
          g_assert_cmpint (x->verdict, ==, y->verdict);
          g_assert_true (same_double (x->dev_error, y->dev_error));
          g_assert_true (same_double (x->dev_measure, y->dev_measure));
          g_assert_true (same_double (x->test_error, y->test_error));
          g_assert_true (same_double (x->holdout_after, y->holdout_after));
          g_assert_true (same_double (x->shadow_gap, y->shadow_gap));
          g_assert_true (same_double (x->bleu, y->bleu));
          g_assert_cmpmem (x->class_margin, C * sizeof (float), y->class_margin, C * sizeof (float));
          g_assert_cmpmem (x->class_accuracy, C * sizeof (float), y->class_accuracy, C * sizeof (float));
          g_assert_true ((x->hypotheses == NULL) == (y->hypotheses == NULL));
          for (int k = 0; x->hypotheses && x->hypotheses[k]; k++)
            g_assert_cmpstr (x->hypotheses[k], ==, y->hypotheses[k]);
        }
    }
  g_autoptr(GPtrArray) wa = dd_session_dup_student_params (a);
  g_autoptr(GPtrArray) wb = dd_session_dup_student_params (b);
  g_assert_cmpuint (wa->len, ==, wb->len);
  for (guint i = 0; i < wa->len; i++)
    {
      const dd_real *x = wa->pdata[i], *y = wb->pdata[i];
      const gsize P = dd_session_n_student_params (a);
      g_assert_cmpint (P, ==, dd_session_n_student_params (b));
      g_assert_cmpmem (x, P * sizeof (dd_real), y, P * sizeof (dd_real));
    }
}

/* Steps s to the middle of a window with edits behind it and pending, saves
 * it, goes on `more` steps; opens the file and goes on as far; compares. */
static void
save_step_open_compare (DdSession *s, const DdData *data, int more)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = temp_path ("lesson.didact");

  g_assert_true (dd_session_save (s, path, "test-tag", &error));
  g_assert_no_error (error);

  DdSessionFileInfo info;
  g_assert_true (dd_session_file_peek (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.version, ==, DD_SESSION_FILE_VERSION);
  g_assert_cmpstr (info.dataset, ==, data->name);
  g_assert_cmpstr (info.tag, ==, "test-tag");
  DdSessionSnapshot snap;
  dd_session_snapshot (s, &snap);
  g_assert_cmpint (info.n_branches, ==, snap.n_branches);
  g_assert_cmpint (info.steps, ==, snap.step[0]);
  dd_session_file_info_clear (&info);

  DdSession *o = dd_session_open (path, data, &error);
  g_assert_no_error (error);
  g_assert_nonnull (o);
  /* opened: the same history, before a single step */
  assert_same_sessions (s, o);
  steps (s, more);
  steps (o, more);
  assert_same_sessions (s, o);

  /* a second save over the first (atomic replacement), opened once more */
  g_assert_true (dd_session_save (o, path, NULL, &error));
  g_assert_no_error (error);
  DdSession *o2 = dd_session_open (path, data, &error);
  g_assert_no_error (error);
  steps (s, 3);
  steps (o2, 3);
  assert_same_sessions (s, o2);
  dd_session_free (o2);
  dd_session_free (o);
  remove_temp (path);
}

static void
test_image_resumes_bit_identically (void)
{
  g_autoptr(GError) error = NULL;
  DdSessionConfig cfg;

  dd_session_config_init (&cfg);
  cfg.teach.student.net.hidden[0] = 16;
  cfg.teach.student.batch = 10;
  cfg.teach.student.lr = 0.1;
  cfg.teach.student.momentum = 0.5;
  cfg.teach.window = 10;
  cfg.teach.pretrain_steps = 20;
  cfg.teach.dev_subsample = 100;
  cfg.teach.teacher = DD_TEACHER_NEURAL;
  cfg.teach.shadow_patience = 1;
  cfg.test_subsample = 100;
  cfg.phi_every = 1;
  DdSession *s = dd_session_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);

  steps (s, 34);
  edit (s, DD_EDIT_STUDENT_LR, 0, 0.08);
  edit_phi (s, DD_EDIT_SHIFT_TEACHER, 0, 0, 0.01f);
  steps (s, 13);
  g_assert_cmpint (dd_session_fork (s, 0, &error), ==, 2);
  g_assert_no_error (error);
  edit (s, DD_EDIT_TEACHER_KIND, 2, DD_TEACHER_FIXED);
  edit (s, DD_EDIT_OBJECTIVE, 2, DD_OBJECTIVE_DEV_CE);
  steps (s, 15);
  /* pending at the save: an override with steps left, a new window length,
   * and on the fork a change of teacher already taken */
  edit_phi (s, DD_EDIT_OVERRIDE_PHI, 0, 4, 1.1f);
  edit (s, DD_EDIT_WINDOW, 0, 8);
  edit (s, DD_EDIT_TEACHER_LR, 2, 0.2);
  steps (s, 2);

  DdSessionSnapshot snap;
  dd_session_snapshot (s, &snap);
  g_assert_cmpint (snap.n_branches, ==, 3);
  g_assert_cmpint (snap.step[0] % 10, !=, 0);   /* mid-window */
  save_step_open_compare (s, need_digits (), 137);   /* past an epoch: a reshuffle */
  dd_session_free (s);
}

static DdData *
need_de_en (void)
{
  g_autoptr(GError) error = NULL;
  DdData *data = dd_data_load ("de-en", &error);
  if (data == NULL)
    g_test_skip (error->message);
  return data;
}

static void
test_translation_resumes_bit_identically (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = need_de_en ();
  DdSessionConfig cfg;

  if (data == NULL)
    return;
  dd_session_config_init (&cfg);
  cfg.teach.student.net = dd_net_spec_default (DD_STUDENT_SEQ2SEQ);
  cfg.teach.student.net.emb = 8;
  cfg.teach.student.net.rnn_hidden = 12;
  cfg.teach.student.batch = 8;
  cfg.teach.student.lr = 0.3;
  cfg.teach.student.momentum = 0.9;
  cfg.teach.student.net.dropout = 0.3;
  cfg.teach.student.net.word_dropout = 0.1;
  cfg.teach.student.net.tie_embeddings = TRUE;
  cfg.teach.student.net.bidirectional = TRUE;
  cfg.teach.student.net.input_feed = TRUE;
  cfg.teach.window = 4;
  cfg.teach.pretrain_steps = 6;
  cfg.teach.dev_subsample = 40;
  cfg.teach.holdout = 40;
  cfg.teach.teacher = DD_TEACHER_FIXED;
  cfg.test_subsample = 0;
  cfg.bleu_subsample = 10;
  cfg.n_samples = 3;
  DdSession *s = dd_session_new (&cfg, data, &error);
  g_assert_no_error (error);

  steps (s, 11);
  g_assert_cmpint (dd_session_fork (s, 0, &error), ==, 2);
  g_assert_no_error (error);
  edit (s, DD_EDIT_STUDENT_LR, 2, 0.2);
  steps (s, 3);
  /* the dropout (format 2), the tied embeddings and the bidirectional
   * encoder (format 3) and input feeding (format 4) come back with the file */
  {
    g_autoptr(GBytes) bytes = dd_session_serialize (s, NULL, &error);
    g_assert_no_error (error);
    DdSession *o = dd_session_open_bytes (bytes, data, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (dd_session_get_config (o)->teach.student.net.dropout, ==, 0.3);
    g_assert_cmpfloat (dd_session_get_config (o)->teach.student.net.word_dropout, ==, 0.1);
    g_assert_true (dd_session_get_config (o)->teach.student.net.tie_embeddings);
    g_assert_true (dd_session_get_config (o)->teach.student.net.bidirectional);
    g_assert_true (dd_session_get_config (o)->teach.student.net.input_feed);
    dd_session_free (o);
  }
  save_step_open_compare (s, data, 7);
  dd_session_free (s);
}

/* A file of an older format (1: before dropout was kept; 2: before tied
 * embeddings were): fuzz-session's seed, a real session saved then, minus
 * the harness's mode byte. It opens with neither, steps, and is saved again
 * as the current format. */
static void
check_opens_format (const char *seed, int version)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", "session",
                                                 seed, NULL);
  g_autofree char *contents = NULL;
  gsize n;

  g_assert_true (g_file_get_contents (path, &contents, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, >, 1 + 24 + 32);
  g_assert_cmpint (contents[0], ==, 0);
  g_autoptr(GBytes) bytes = g_bytes_new (contents + 1, n - 1);
  DdSessionFileInfo info;
  g_assert_true (dd_session_bytes_peek (bytes, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.version, ==, version);
  dd_session_file_info_clear (&info);

  DdSession *s = dd_session_open_bytes (bytes, need_digits (), &error);
  g_assert_no_error (error);
  g_assert_nonnull (s);
  g_assert_cmpfloat (dd_session_get_config (s)->teach.student.net.dropout, ==, 0.0);
  g_assert_false (dd_session_get_config (s)->teach.student.net.tie_embeddings);
  g_assert_false (dd_session_get_config (s)->teach.student.net.bidirectional);
  DdSessionSnapshot before, after;
  dd_session_snapshot (s, &before);
  steps (s, 3);
  dd_session_snapshot (s, &after);
  g_assert_cmpint (after.step[0], ==, before.step[0] + 3);
  g_autoptr(GBytes) again = dd_session_serialize (s, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dd_session_bytes_peek (again, &info, &error));
  g_assert_cmpint (info.version, ==, DD_SESSION_FILE_VERSION);
  dd_session_file_info_clear (&info);
  DdSession *o = dd_session_open_bytes (again, need_digits (), &error);
  g_assert_no_error (error);
  dd_session_free (o);
  dd_session_free (s);
}

static void
test_opens_format_1 (void)
{
  check_opens_format ("format1-plain-file", 1);
}

static void
test_opens_format_2 (void)
{
  check_opens_format ("format2-plain-file", 2);
}

static void
test_opens_format_3 (void)
{
  check_opens_format ("format3-plain-file", 3);
}

/* the file's last 32 bytes: SHA-256 of everything before, recomputed here */
static void
reseal (guint8 *p, gsize n)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize dlen = 32;
  g_checksum_update (sum, p, n - 32);
  g_checksum_get_digest (sum, p + n - 32, &dlen);
}

static void
assert_refused (const guint8 *p, gsize n, GQuark domain, int code, const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (p, n);
  DdSession *s = dd_session_open_bytes (bytes, need_digits (), &error);
  g_assert_null (s);
  g_assert_error (error, domain, code);
  if (words && strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
  g_test_message ("refused: %s", error->message);
}

/* p, a copy of orig (n bytes), with the value of the nth field called name
 * (counted from 1) set to the size bytes of value, and resealed: a file
 * with a valid checksum saying what a crafted one could */
static void
patch_field (guint8 *p, const guint8 *orig, gsize n, const char *name, int nth,
             const void *value, gsize size)
{
  const gsize len = strlen (name);
  const guint8 *at = NULL;
  int seen = 0;

  g_assert_cmpuint (len, <, 256);
  for (gsize i = 24; i + 1 + len + 8 + size < n - 32 && at == NULL; i++)
    if (orig[i] == len && memcmp (orig + i + 1, name, len) == 0 && ++seen == nth)
      at = orig + i;
  if (at == NULL)
    g_error ("the file has no field “%s” number %d", name, nth);
  memcpy (p, orig, n);
  memcpy (p + (at - orig) + 1 + len + 8, value, size);
  reseal (p, n);
}

static void
test_refuses_bad_files (void)
{
  g_autoptr(GError) error = NULL;
  DdSessionConfig cfg;

  dd_session_config_init (&cfg);
  cfg.teach.student.net.hidden[0] = 8;
  cfg.teach.student.batch = 10;
  cfg.teach.window = 5;
  cfg.teach.pretrain_steps = 5;
  cfg.teach.dev_subsample = 100;
  cfg.test_subsample = 50;
  DdSession *s = dd_session_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  steps (s, 13);
  g_autoptr(GBytes) good = dd_session_serialize (s, NULL, &error);
  g_assert_no_error (error);
  gsize n;
  const guint8 *orig = g_bytes_get_data (good, &n);
  g_autofree guint8 *p = g_memdup2 (orig, n);

  /* foreign, empty, truncated */
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };
  assert_refused (png, sizeof png, DD_ERROR, DD_ERROR_DATA_CORRUPT, "not a Didact session file");
  assert_refused ((const guint8 *) "hello", 5, DD_ERROR, DD_ERROR_DATA_CORRUPT, "not a Didact session file");
  assert_refused (p, 0, DD_ERROR, DD_ERROR_DATA_CORRUPT, "not a Didact session file");
  assert_refused (p, 20, DD_ERROR, DD_ERROR_DATA_CORRUPT, "truncated");
  assert_refused (p, n / 2, DD_ERROR, DD_ERROR_DATA_CORRUPT, "truncated");
  assert_refused (p, n - 1, DD_ERROR, DD_ERROR_DATA_CORRUPT, "truncated");
  /* one byte changed */
  p[n / 3] ^= 0x10;
  assert_refused (p, n, DD_ERROR, DD_ERROR_DATA_CORRUPT, "damaged");
  memcpy (p, orig, n);
  /* from a newer version */
  p[8] = DD_SESSION_FILE_VERSION + 1;
  reseal (p, n);
  assert_refused (p, n, DD_ERROR, DD_ERROR_NEWER_FORMAT, "newer version");
  memcpy (p, orig, n);

  /* other data of the same name: the fingerprint */
  DdScenario noise = { .kind = DD_SCENARIO_SYMMETRIC, .fraction = 0.2 };
  g_autoptr(DdData) noisy = dd_data_with_scenario (need_digits (), &noise, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (dd_session_open_bytes (good, noisy, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "differs"));
  g_clear_error (&error);

  /* the path: a folder, a missing file */
  g_autofree char *path = temp_path ("x.didact");
  g_autofree char *dir = g_path_get_dirname (path);
  g_assert_null (dd_session_open (dir, need_digits (), &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_IO);
  g_clear_error (&error);
  g_assert_null (dd_session_open (path, need_digits (), &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_IO);
  g_clear_error (&error);
  g_assert_false (dd_session_file_peek (path, &(DdSessionFileInfo) { 0 }, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_IO);
  g_clear_error (&error);
  g_rmdir (dir);

  /* a student far larger than the file, behind a valid checksum: refused
   * before it is made (found by fuzzing: hidden sizes near 2^31 asked for
   * hundreds of GB). The second "hidden" field is branch 0's. */
  {
    static const char name[] = "\x06hidden";
    const guint8 *at = NULL;
    int seen = 0;
    for (gsize i = 24; i + sizeof name + 8 + 4 < n - 32 && seen < 2; i++)
      if (memcmp (orig + i, name, sizeof name - 1) == 0 && ++seen == 2)
        at = orig + i;
    g_assert_nonnull (at);
    memcpy (p, orig, n);
    const gint32 huge = GINT32_TO_LE (0x7ffffff0);
    memcpy (p + (at - orig) + (sizeof name - 1) + 8, &huge, 4);
    reseal (p, n);
    assert_refused (p, n, DD_ERROR, DD_ERROR_DATA_CORRUPT, "more parameters than the rest of the file holds");
    memcpy (p, orig, n);
  }

  /* a history count the file cannot hold, behind a valid checksum: refused
   * before its columns are allocated (15 M Φ records would ask for ~7 GB) */
  {
    static const char name[] = "\x0bphi_records";
    const guint8 *at = NULL;
    for (gsize i = 24; i + sizeof name + 8 + 8 < n - 32 && at == NULL; i++)
      if (memcmp (orig + i, name, sizeof name - 1) == 0)
        at = orig + i;
    g_assert_nonnull (at);
    memcpy (p, orig, n);
    const gint64 huge = GINT64_TO_LE (15000000);
    memcpy (p + (at - orig) + (sizeof name - 1) + 8, &huge, 8);
    reseal (p, n);
    assert_refused (p, n, DD_ERROR, DD_ERROR_DATA_CORRUPT, "bytes are left to hold them");
    memcpy (p, orig, n);
  }

  /* found by fuzzing: an edit of Φ said to be pending with no Φ to apply
   * (stepping it read through a null pointer) */
  {
    const gint32 three = GINT32_TO_LE (3);
    patch_field (p, orig, n, "override_left", 1, &three, 4);
    assert_refused (p, n, DD_ERROR, DD_ERROR_DATA_CORRUPT, "its Φ is missing");
    memcpy (p, orig, n);
  }

  /* found by fuzzing: a session configuration with no BLAS thread (the
   * branches' own configurations were checked; the session's was not) */
  {
    const gint32 zero = 0;
    patch_field (p, orig, n, "threads", 1, &zero, 4);
    assert_refused (p, n, DD_ERROR, DD_ERROR_DATA_CORRUPT, "threads 0: must be from 1 to 256");
    memcpy (p, orig, n);
  }

  /* dropout on an image student, or out of range, behind a valid checksum
   * (format 2's fields, checked like every other) */
  {
    const double half = 0.5, nan_ = NAN;
    patch_field (p, orig, n, "dropout", 1, &half, 8);
    assert_refused (p, n, DD_ERROR, DD_ERROR_DATA_CORRUPT, "translation student");
    patch_field (p, orig, n, "word_dropout", 2, &nan_, 8);
    assert_refused (p, n, DD_ERROR, DD_ERROR_DATA_CORRUPT, "word dropout nan");
    memcpy (p, orig, n);
  }

  /* tied embeddings or a bidirectional encoder on an image student, or not
   * a boolean (format 3's fields) */
  {
    const gint64 one = GINT64_TO_LE (1), two = GINT64_TO_LE (2);
    patch_field (p, orig, n, "tie_embeddings", 1, &one, 8);
    assert_refused (p, n, DD_ERROR, DD_ERROR_DATA_CORRUPT, "tied embeddings apply to the translation student");
    patch_field (p, orig, n, "tie_embeddings", 2, &two, 8);
    assert_refused (p, n, DD_ERROR, DD_ERROR_DATA_CORRUPT, "tie_embeddings: 2 is outside [0, 1]");
    patch_field (p, orig, n, "bidirectional", 2, &one, 8);
    assert_refused (p, n, DD_ERROR, DD_ERROR_DATA_CORRUPT, "bidirectional encoder applies to the translation student");
    memcpy (p, orig, n);
  }

  /* input feeding on an image student (format 4's field) */
  {
    const gint64 one = GINT64_TO_LE (1);
    patch_field (p, orig, n, "input_feed", 1, &one, 8);
    assert_refused (p, n, DD_ERROR, DD_ERROR_DATA_CORRUPT, "input feeding applies to the translation student");
    memcpy (p, orig, n);
  }

  /* damaged behind a valid checksum (as a crafted file would be): every
   * change is refused with a message or opens into a working session —
   * never a crash; a change in a dimension or a name is always refused */
  GRand *rand = g_rand_new_with_seed (7);
  int refused = 0, opened = 0;
  for (int i = 0; i < 300; i++)
    {
      memcpy (p, orig, n);
      for (int k = g_rand_int_range (rand, 1, 4); k > 0; k--)
        p[g_rand_int_range (rand, 24, (gint32) n - 32)] = (guint8) g_rand_int_range (rand, 0, 256);
      reseal (p, n);
      g_autoptr(GBytes) bytes = g_bytes_new (p, n);
      DdSession *o = dd_session_open_bytes (bytes, need_digits (), &error);
      if (o == NULL)
        {
          g_assert_nonnull (error);
          g_assert_cmpstr (error->message, !=, "");
          g_clear_error (&error);
          refused++;
          continue;
        }
      opened++;
      dd_session_step (o);
      dd_session_wait_idle (o);
      dd_session_free (o);
    }
  g_rand_free (rand);
  g_test_message ("damaged behind a valid checksum: %d refused, %d opened", refused, opened);
  g_assert_cmpint (refused, >, 0);

  /* and the session they came from is untouched by it all */
  GBytes *again = dd_session_serialize (s, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_bytes_get_size (again), ==, n);
  g_bytes_unref (again);
  dd_session_free (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session-file/image-resumes-bit-identically", test_image_resumes_bit_identically);
  g_test_add_func ("/session-file/translation-resumes-bit-identically",
                   test_translation_resumes_bit_identically);
  g_test_add_func ("/session-file/opens-format-1", test_opens_format_1);
  g_test_add_func ("/session-file/opens-format-2", test_opens_format_2);
  g_test_add_func ("/session-file/opens-format-3", test_opens_format_3);
  g_test_add_func ("/session-file/refuses-bad-files", test_refuses_bad_files);
  int status = g_test_run ();
  g_clear_pointer (&digits, dd_data_free);
  return status;
}
