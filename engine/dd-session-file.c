/* dd-session-file.c: saving a session to a file and opening it again
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The layout (docs/session-file.md):
 *
 *   0   8  signature 0x89 'D' 'D' 'S' '\r' '\n' 0x1a '\n'
 *   8   4  format version (uint32, little-endian)
 *   12  4  flags (0)
 *   16  8  length n of the contents (uint64)
 *   24  n  the contents: named, typed fields (dd-state.h)
 *   24+n 32 SHA-256 of bytes [0, 24 + n)
 *
 * The contents: a header (what peek reads), the session configuration, the
 * journal, then per branch its origin, its teaching configuration (with the
 * edits it has taken), its whole DdTeach state and its history streams.
 */
#include "config.h"

#include "dd-private.h"
#include "dd-session-private.h"
#include "dd-state.h"
#include "dd-dataset.h"
#include "dd-parallel.h"

#include <errno.h>
#include <string.h>

static const guint8 SIGNATURE[8] = { 0x89, 'D', 'D', 'S', '\r', '\n', 0x1a, '\n' };
#define PREAMBLE 24
#define DIGEST   32

void
dd_session_file_info_clear (DdSessionFileInfo *info)
{
  g_clear_pointer (&info->dataset, g_free);
  g_clear_pointer (&info->tag, g_free);
  g_clear_pointer (&info->engine, g_free);
}

/* --- the data's fingerprint ------------------------------------------------------ */

static void
hash_ints (GChecksum *sum, const int *v, gsize n)
{
  g_checksum_update (sum, (const guchar *) v, n * sizeof (int));
}

static void
hash_dataset (GChecksum *sum, const DdDataset *ds)
{
  const gint64 dims[4] = { ds->n, ds->rows, ds->cols, ds->n_classes };

  g_checksum_update (sum, (const guchar *) dims, sizeof dims);
  g_checksum_update (sum, ds->pixels, (gsize) ds->n * ds->d);
  g_checksum_update (sum, ds->labels, ds->n);
}

static void
hash_parallel_set (GChecksum *sum, const DdParallelSet *set)
{
  const gint64 dims[2] = { set->n, set->stride };

  g_checksum_update (sum, (const guchar *) dims, sizeof dims);
  hash_ints (sum, set->src, (gsize) set->n * set->stride);
  hash_ints (sum, set->src_len, set->n);
  hash_ints (sum, set->tgt, (gsize) set->n * set->stride);
  hash_ints (sum, set->tgt_len, set->n);
}

/* SHA-256 of everything training reads: the examples and labels of every
 * split, or the token ids of every sentence pair and the bucket of every word */
static char *
data_fingerprint (const DdData *data)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (sum, (const guchar *) data->name, -1);
  if (data->parallel)
    {
      const DdParallel *p = data->parallel;
      const gint64 K = p->K;
      g_checksum_update (sum, (const guchar *) &K, sizeof K);
      hash_ints (sum, p->bucket, p->tgt_vocab->n);
      hash_parallel_set (sum, &p->train);
      hash_parallel_set (sum, &p->dev);
      hash_parallel_set (sum, &p->test);
    }
  else
    {
      hash_dataset (sum, data->train);
      hash_dataset (sum, data->dev);
      hash_dataset (sum, data->test);
    }
  return g_strdup (g_checksum_get_string (sum));
}

/* --- describing a session ------------------------------------------------------- */

static void
visit_header (DdState *st, DdSessionFileInfo *info, char **fingerprint)
{
  char *format = g_strdup ("didact-session");

  dd_state_str (st, "format", &format);
  if (dd_state_reading (st) && dd_state_ok (st) && g_strcmp0 (format, "didact-session") != 0)
    dd_state_fail (st, "not a session file");
  g_free (format);
  dd_state_str (st, "engine", &info->engine);
  dd_state_str (st, "tag", &info->tag);
  dd_state_i64 (st, "saved", &info->saved);
  dd_state_str (st, "dataset", &info->dataset);
  dd_state_str (st, "fingerprint", fingerprint);
  dd_state_int (st, "branches", &info->n_branches, 1, DD_SESSION_MAX_BRANCHES);
  dd_state_i64 (st, "steps", &info->steps);
  dd_state_expect (st, "real_size", sizeof (dd_real));
  if (dd_state_reading (st) && dd_state_ok (st) && (info->dataset == NULL || *fingerprint == NULL))
    dd_state_fail (st, "the header names no dataset");
}

static void
visit_session_config (DdSessionConfig *c, DdState *st)
{
  dd_state_push (st, "configuration");
  dd_teach_config_visit (&c->teach, st);
  dd_state_int (st, "scenario", (int *) &c->scenario.kind, DD_SCENARIO_NONE, DD_SCENARIO_LONG_TAIL);
  dd_state_f64 (st, "scenario_fraction", &c->scenario.fraction);
  dd_state_int (st, "scenario_rare", &c->scenario.n_rare, 0, G_MAXINT32);
  dd_state_bool (st, "baseline", &c->baseline);
  dd_state_int (st, "test_subsample", &c->test_subsample, 0, G_MAXINT32);
  dd_state_int (st, "phi_every", &c->phi_every, 0, G_MAXINT32);
  dd_state_int (st, "bleu_subsample", &c->bleu_subsample, 0, G_MAXINT32);
  dd_state_int (st, "n_samples", &c->n_samples, 0, G_MAXINT32);
  if (dd_state_reading (st) && dd_state_ok (st))
    {
      /* the branches' configurations are checked as their teachers are made;
       * this one, the session's own, is what a fork or a new arm starts from */
      g_autoptr(GError) error = NULL;
      if (!dd_teach_config_validate (&c->teach, &error))
        dd_state_fail (st, "it is refused: %s", error->message);
    }
  dd_state_pop (st);
}

static void
visit_journal (DdSession *s, DdState *st)
{
  gint64 n = s->journal.count;

  dd_state_push (st, "journal");
  dd_state_count (st, "entries", &n, (gint64) MAX_CHUNKS * CHUNK);
  for (gint64 i = 0; i < n && dd_state_ok (st); i++)
    {
      DdEdit *e = dd_state_reading (st) ? session_stream_append (&s->journal, NULL)
                                        : session_stream_get (&s->journal, i);
      gboolean have_phi = e->phi != NULL;
      dd_state_push (st, "entry %" G_GINT64_FORMAT, i);
      dd_state_int (st, "kind", (int *) &e->kind, DD_EDIT_OVERRIDE_PHI, DD_EDIT_FAILURE);
      dd_state_int (st, "branch", &e->branch, 0, DD_SESSION_MAX_BRANCHES - 1);
      dd_state_i64 (st, "step", &e->step);
      dd_state_int (st, "n_steps", &e->n_steps, G_MININT32, G_MAXINT32);
      dd_state_f64 (st, "value", &e->value);
      dd_state_f64 (st, "previous", &e->previous);
      dd_state_int (st, "new_branch", &e->new_branch, 0, DD_SESSION_MAX_BRANCHES - 1);
      dd_state_str (st, "message", (char **) &e->message);
      dd_state_bool (st, "have_phi", &have_phi);
      if (have_phi && dd_state_reading (st) && dd_state_ok (st))
        e->phi = dd_phi_new (s->shape, s->C);
      if (e->phi)
        {
          dd_state_reals (st, "phi_W", e->phi->W, (gsize) s->R * s->C);
          dd_state_reals (st, "phi_b", e->phi->b, s->C);
        }
      dd_state_pop (st);
    }
  dd_state_pop (st);
}

/* the step records, column by column */
static void
visit_steps (Branch *br, DdState *st)
{
  gint64 n = br->steps.count;

  dd_state_count (st, "step_records", &n, (gint64) MAX_CHUNKS * CHUNK);
  if (!dd_state_ok (st))
    return;
  g_autofree gint64 *step = g_new (gint64, MAX (n, 1));
  g_autofree float *col = g_new (float, 3 * MAX (n, 1));
  const gboolean reading = dd_state_reading (st);
  for (gint64 i = 0; i < n && !reading; i++)
    {
      const DdStepRecord *r = session_stream_get (&br->steps, i);
      step[i] = r->step;
      col[i] = r->loss;
      col[n + i] = r->ce;
      col[2 * n + i] = r->batch_error;
    }
  dd_state_u64s (st, "step", (guint64 *) step, n);
  dd_state_f32s (st, "loss", col, n);
  dd_state_f32s (st, "ce", col + n, n);
  dd_state_f32s (st, "batch_error", col + 2 * n, n);
  for (gint64 i = 0; i < n && reading && dd_state_ok (st); i++)
    {
      DdStepRecord *r = session_stream_append (&br->steps, NULL);
      r->step = step[i];
      r->loss = col[i];
      r->ce = col[n + i];
      r->batch_error = col[2 * n + i];
    }
}

static void
visit_phi (DdSession *s, Branch *br, DdState *st)
{
  gint64 n = br->phi.count;
  const gsize nv = br->phi.n_floats;

  dd_state_count (st, "phi_records", &n, (gint64) MAX_CHUNKS * CHUNK);
  if (!dd_state_ok (st))
    return;
  g_autofree gint64 *step = g_new (gint64, MAX (n, 1));
  g_autofree float *f = g_new (float, nv * MAX (n, 1));
  const gboolean reading = dd_state_reading (st);
  for (gint64 i = 0; i < n && !reading; i++)
    {
      const DdPhiRecord *r = session_stream_get (&br->phi, i);
      step[i] = r->step;
      memcpy (f + i * nv, r->W, nv * sizeof (float));
    }
  dd_state_u64s (st, "phi_step", (guint64 *) step, n);
  dd_state_f32s (st, "phi_values", f, n * nv);
  for (gint64 i = 0; i < n && reading && dd_state_ok (st); i++)
    {
      float *dst;
      DdPhiRecord *r = session_stream_append (&br->phi, &dst);
      memcpy (dst, f + i * nv, nv * sizeof (float));
      r->step = step[i];
      r->W = dst;
      r->b = dst + (gsize) s->R * s->C;
    }
}

/* one window record's numbers, in the order of the columns */
#define WINDOW_DOUBLES 12

static void
window_doubles (DdWindowRecord *w, double **d)
{
  double *const p[WINDOW_DOUBLES] = {
    &w->window_loss, &w->dev_error, &w->dev_measure, &w->test_error, &w->teacher_grad_norm,
    &w->step_length, &w->holdout_before, &w->holdout_after, &w->holdout_se, &w->shadow_gap,
    &w->shadow_se, &w->bleu,
  };
  memcpy (d, p, sizeof p);
}

static const char *const window_columns[WINDOW_DOUBLES] = {
  "window_loss", "dev_error", "dev_measure", "test_error", "teacher_grad_norm", "step_length",
  "holdout_before", "holdout_after", "holdout_se", "shadow_gap", "shadow_se", "bleu",
};

/* hypotheses: per record the count (−1: none), all sentences joined by newlines */
static void
visit_hypotheses (DdWindowRecord **recs, gint64 n, DdState *st)
{
  g_autofree int *counts = g_new0 (int, MAX (n, 1));
  g_autofree char *text = NULL;

  if (!dd_state_reading (st))
    {
      GString *all = g_string_new (NULL);
      for (gint64 i = 0; i < n; i++)
        {
          char **h = recs[i]->hypotheses;
          counts[i] = h ? (int) g_strv_length (h) : -1;
          for (int j = 0; h && h[j]; j++)
            {
              g_autofree char *one = g_strdelimit (g_strdup (h[j]), "\n", ' ');
              g_string_append (all, one);
              g_string_append_c (all, '\n');
            }
        }
      text = g_string_free (all, FALSE);
    }
  dd_state_ints (st, "hypothesis_counts", counts, n, -1, 1 << 20);
  dd_state_str (st, "hypotheses", &text);
  if (!dd_state_reading (st) || !dd_state_ok (st))
    return;
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  guint at = 0, n_lines = g_strv_length (lines);
  for (gint64 i = 0; i < n; i++)
    {
      if (counts[i] < 0)
        continue;
      if (at + (guint) counts[i] > n_lines)
        {
          dd_state_fail (st, "hypotheses: fewer sentences than the counts say");
          return;
        }
      recs[i]->hypotheses = g_new0 (char *, counts[i] + 1);
      for (int j = 0; j < counts[i]; j++)
        recs[i]->hypotheses[j] = g_strdup (lines[at++]);
    }
}

static void
visit_windows (DdSession *s, Branch *br, DdState *st)
{
  gint64 n = br->windows.count;
  const int C = s->C;

  dd_state_count (st, "window_records", &n, (gint64) MAX_CHUNKS * CHUNK);
  if (!dd_state_ok (st))
    return;
  const gboolean reading = dd_state_reading (st);
  const gsize m = MAX (n, 1);
  g_autofree DdWindowRecord **recs = g_new (DdWindowRecord *, m);
  g_autofree gint64 *steps = g_new (gint64, 2 * m);
  g_autofree int *ints = g_new (int, 2 * m);
  g_autofree double *cols = g_new (double, WINDOW_DOUBLES * m);
  g_autofree float *classes = g_new (float, 2 * (gsize) C * m);

  for (gint64 i = 0; i < n; i++)
    {
      float *f = NULL;
      recs[i] = reading ? session_stream_append (&br->windows, &f) : session_stream_get (&br->windows, i);
      if (reading)
        {
          recs[i]->class_margin = f;
          recs[i]->class_accuracy = f + C;
          continue;
        }
      double *d[WINDOW_DOUBLES];
      window_doubles (recs[i], d);
      for (int k = 0; k < WINDOW_DOUBLES; k++)
        cols[k * n + i] = *d[k];
      steps[i] = recs[i]->step;
      steps[n + i] = recs[i]->meta_iteration;
      ints[i] = recs[i]->verdict;
      ints[n + i] = recs[i]->took_shadow;
      memcpy (classes + 2 * (gsize) C * i, recs[i]->class_margin, 2 * C * sizeof (float));
    }
  dd_state_u64s (st, "window_step", (guint64 *) steps, n);
  dd_state_u64s (st, "meta_iteration", (guint64 *) (steps + n), n);
  dd_state_ints (st, "verdict", ints, n, DD_UPDATE_NONE, DD_UPDATE_FALLBACK);
  dd_state_ints (st, "took_shadow", ints + n, n, 0, 1);
  for (int k = 0; k < WINDOW_DOUBLES; k++)
    dd_state_f64s (st, window_columns[k], cols + k * n, n);
  dd_state_f32s (st, "class_margin_accuracy", classes, 2 * (gsize) C * n);
  for (gint64 i = 0; i < n && reading && dd_state_ok (st); i++)
    {
      double *d[WINDOW_DOUBLES];
      window_doubles (recs[i], d);
      for (int k = 0; k < WINDOW_DOUBLES; k++)
        *d[k] = cols[k * n + i];
      recs[i]->step = steps[i];
      recs[i]->meta_iteration = steps[n + i];
      recs[i]->verdict = ints[i];
      recs[i]->took_shadow = ints[n + i];
      memcpy ((float *) recs[i]->class_margin, classes + 2 * (gsize) C * i, 2 * C * sizeof (float));
    }
  if (dd_state_ok (st))
    visit_hypotheses (recs, n, st);
}

static void
visit_branch_history (DdSession *s, Branch *br, DdState *st)
{
  dd_state_i64 (st, "step_every", &br->step_every);
  dd_state_i64 (st, "step_budget", &br->step_budget);
  dd_state_i64 (st, "phi_every", &br->phi_every);
  dd_state_i64 (st, "phi_budget", &br->phi_budget);
  dd_state_f64 (st, "acc_loss", &br->acc_loss);
  dd_state_f64 (st, "acc_ce", &br->acc_ce);
  dd_state_f64 (st, "acc_err", &br->acc_err);
  dd_state_i64 (st, "acc_n", &br->acc_n);
  if (dd_state_reading (st) && dd_state_ok (st) &&
      (br->step_every < 1 || br->phi_every < 1 || br->step_budget < 1 || br->phi_budget < 1))
    dd_state_fail (st, "the history's strides must be positive");
  visit_steps (br, st);
  visit_phi (s, br, st);
  visit_windows (s, br, st);
}

/* The fewest parameters the student of c has on data: exact for an MLP,
 * the embeddings and recurrent weights of a translator, 0 for LeNet (whose
 * size the data fixes). A saved branch holds its student's parameters, so
 * a file that claims a student larger than itself is refused before the
 * student is made: a few bytes could otherwise ask for any amount of
 * memory (found by fuzzing: hidden sizes near 2^31 in a checksummed file). */
static double
student_params_at_least (const DdTrainConfig *c, const DdData *data)
{
  if (c->net.kind == DD_STUDENT_SEQ2SEQ)
    {
      const DdParallel *p = data->parallel;
      const double V = p ? (double) p->src_vocab->n + p->tgt_vocab->n : 0;
      return (double) c->net.emb * V + 3.0 * c->net.rnn_hidden * (double) c->net.rnn_hidden;
    }
  if (c->net.kind != DD_STUDENT_MLP || data->train == NULL)
    return 0;
  double P = 0, in = (double) data->train->rows * data->train->cols;
  for (int i = 0; i < c->net.n_hidden && i < (int) G_N_ELEMENTS (c->net.hidden); i++)
    {
      P += (in + 1) * c->net.hidden[i];
      in = c->net.hidden[i];
    }
  return P + (in + 1) * data->train->n_classes;
}

/* writes branch b, or reads it and adds it to s */
static void
visit_branch (DdSession *s, int b, DdState *st)
{
  const gboolean reading = dd_state_reading (st);
  Branch *br = reading ? NULL : s->branches[b];
  int parent = br ? br->parent : -1;
  gint64 fork_step = br ? br->fork_step : 0;
  gboolean running = br ? br->running : TRUE;
  /* a field an older format does not hold (dropout, before format 2) keeps
   * the session's value: the reading starts from the session's configuration */
  DdTeachConfig cfg = br ? *dd_teach_get_config (br->teach) : s->cfg.teach;

  dd_state_push (st, "branch %d", b);
  dd_state_int (st, "parent", &parent, -1, b - 1);
  dd_state_i64 (st, "fork_step", &fork_step);
  dd_state_bool (st, "running", &running);
  dd_state_push (st, "teaching configuration");
  dd_teach_config_visit (&cfg, st);
  dd_state_pop (st);
  if (reading && dd_state_ok (st) &&
      student_params_at_least (&cfg.student, s->run_data) * sizeof (dd_real) > (double) dd_state_left (st))
    dd_state_fail (st, "its student has more parameters than the rest of the file holds");
  if (reading && dd_state_ok (st))
    {
      g_autoptr(GError) error = NULL;
      DdTeach *teach = dd_teach_new (&cfg, s->run_data, &error);
      if (teach == NULL)
        {
          dd_state_fail (st, "its configuration is refused: %s", error->message);
          dd_state_pop (st);
          return;
        }
      br = session_branch_new (s, teach, parent, fork_step);
      br->running = running;
      s->branches[s->n_branches++] = br;
      s->n_params = dd_teach_get_student (teach)->P;
    }
  if (br && dd_state_ok (st))
    {
      dd_state_push (st, "state");
      dd_teach_visit_state (br->teach, st);
      dd_state_pop (st);
      visit_branch_history (s, br, st);
    }
  if (reading && br)
    br->pub_step = dd_teach_get_step (br->teach);
  dd_state_pop (st);
}

static void
visit_session (DdSession *s, DdState *st)
{
  int n = s->n_branches;

  dd_state_push (st, "session");
  dd_state_i64 (st, "failures", &s->failures);
  dd_state_str (st, "error", &s->error_message);
  dd_state_pop (st);
  visit_journal (s, st);
  dd_state_int (st, "n_branches", &n, 1, DD_SESSION_MAX_BRANCHES);
  for (int b = 0; b < n && dd_state_ok (st); b++)
    visit_branch (s, b, st);
}

/* --- saving ---------------------------------------------------------------------- */

/* the worker, between steps */
GBytes *
session_serialize (DdSession *s, const char *tag, GError **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  DdSessionFileInfo info = {
    .version = DD_SESSION_FILE_VERSION, .tag = g_strdup (tag), .engine = g_strdup (PACKAGE_VERSION),
    .saved = g_get_real_time () / G_USEC_PER_SEC, .dataset = g_strdup (s->data->name),
    .n_branches = s->n_branches, .steps = dd_teach_get_step (s->branches[0]->teach),
  };
  DdSessionConfig cfg = s->cfg;

  if (s->fingerprint == NULL)
    s->fingerprint = data_fingerprint (s->data);
  DdState *st = dd_state_new_writer ();
  visit_header (st, &info, &s->fingerprint);
  visit_session_config (&cfg, st);
  visit_session (s, st);
  dd_session_file_info_clear (&info);
  if (!dd_state_finish (st, error))
    {
      dd_state_free (st);
      return NULL;
    }
  g_autoptr(GBytes) contents = dd_state_steal (st);
  dd_state_free (st);

  gsize n = g_bytes_get_size (contents);
  GByteArray *out = g_byte_array_sized_new (PREAMBLE + n + DIGEST);
  guint32 version = GUINT32_TO_LE (DD_SESSION_FILE_VERSION), flags = 0;
  guint64 len = GUINT64_TO_LE ((guint64) n);
  g_byte_array_append (out, SIGNATURE, sizeof SIGNATURE);
  g_byte_array_append (out, (const guint8 *) &version, 4);
  g_byte_array_append (out, (const guint8 *) &flags, 4);
  g_byte_array_append (out, (const guint8 *) &len, 8);
  g_byte_array_append (out, g_bytes_get_data (contents, NULL), n);
  guint8 digest[DIGEST];
  gsize dlen = DIGEST;
  g_checksum_update (sum, out->data, out->len);
  g_checksum_get_digest (sum, digest, &dlen);
  g_byte_array_append (out, digest, DIGEST);
  return g_byte_array_free_to_bytes (out);
}

GBytes *
dd_session_serialize (DdSession *s, const char *tag, GError **error)
{
  Command cmd = { .kind = CMD_SERIALIZE, .tag = tag };

  session_submit (s, &cmd);
  if (cmd.error)
    {
      g_clear_pointer (&cmd.bytes, g_bytes_unref);
      g_propagate_error (error, cmd.error);
      return NULL;
    }
  return cmd.bytes;
}

gboolean
dd_session_write_file (GBytes *bytes, const char *path, GError **error)
{
  gsize n;
  const char *data = g_bytes_get_data (bytes, &n);
  g_autoptr(GError) local = NULL;

  if (!g_file_set_contents_full (path, data, (gssize) n,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
dd_session_save (DdSession *s, const char *path, const char *tag, GError **error)
{
  g_autoptr(GBytes) bytes = dd_session_serialize (s, tag, error);
  return bytes != NULL && dd_session_write_file (bytes, path, error);
}

/* --- opening --------------------------------------------------------------------- */

/* checks the preamble and the checksum; the contents' bounds */
static gboolean
check_envelope (const guint8 *p, gsize size, const guint8 **contents, gsize *n, GError **error)
{
  if (size < sizeof SIGNATURE || memcmp (p, SIGNATURE, sizeof SIGNATURE) != 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "not a Didact session file (its first bytes are not a session file's signature)");
      return FALSE;
    }
  if (size < PREAMBLE)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "the file is truncated: %" G_GSIZE_FORMAT " bytes, shorter than its header", size);
      return FALSE;
    }
  guint32 version;
  guint64 len;
  memcpy (&version, p + 8, 4);
  memcpy (&len, p + 16, 8);
  version = GUINT32_FROM_LE (version);
  len = GUINT64_FROM_LE (len);
  if (version > DD_SESSION_FILE_VERSION)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_NEWER_FORMAT,
                   "the session was saved by a newer version of Didact (file format %u; this "
                   "version reads format %d and older)", version, DD_SESSION_FILE_VERSION);
      return FALSE;
    }
  if (version == 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT, "the file's format version is 0, which does not exist");
      return FALSE;
    }
  if (len > size - PREAMBLE || size - PREAMBLE - len < DIGEST)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "the file is truncated: its header announces %" G_GUINT64_FORMAT " bytes of "
                   "contents and a checksum, and %" G_GSIZE_FORMAT " bytes follow it",
                   len, size - PREAMBLE);
      return FALSE;
    }
  if (size - PREAMBLE - len > DIGEST)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "the file has %" G_GUINT64_FORMAT " bytes after its checksum",
                   (guint64) (size - PREAMBLE - len - DIGEST));
      return FALSE;
    }
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[DIGEST];
  gsize dlen = DIGEST;
  g_checksum_update (sum, p, PREAMBLE + len);
  g_checksum_get_digest (sum, digest, &dlen);
  if (memcmp (digest, p + PREAMBLE + len, DIGEST) != 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "the file is damaged: its contents do not match their checksum");
      return FALSE;
    }
  *contents = p + PREAMBLE;
  *n = len;
  return TRUE;
}

static DdState *
open_contents (GBytes *bytes, DdSessionFileInfo *info, char **fingerprint, GError **error)
{
  gsize size, n;
  const guint8 *p = g_bytes_get_data (bytes, &size), *contents;

  memset (info, 0, sizeof *info);
  if (!check_envelope (p, size, &contents, &n, error))
    return NULL;
  DdState *st = dd_state_new_reader (contents, n);
  guint32 version;
  memcpy (&version, p + 8, 4);
  info->version = (int) GUINT32_FROM_LE (version);
  dd_state_set_format (st, info->version);
  visit_header (st, info, fingerprint);
  if (!dd_state_ok (st))
    {
      dd_state_finish (st, error);
      g_prefix_error (error, "the session file's header: ");
      dd_state_free (st);
      dd_session_file_info_clear (info);
      return NULL;
    }
  return st;
}

gboolean
dd_session_bytes_peek (GBytes *bytes, DdSessionFileInfo *info, GError **error)
{
  g_autofree char *fingerprint = NULL;
  DdState *st = open_contents (bytes, info, &fingerprint, error);

  dd_state_free (st);
  return st != NULL;
}

static GBytes *
read_file (const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  char *data;
  gsize n;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_IO, "%s is a folder, not a session file", path);
      return NULL;
    }
  if (!g_file_get_contents (path, &data, &n, &local))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_IO, "%s", local->message);
      return NULL;
    }
  return g_bytes_new_take (data, n);
}

gboolean
dd_session_file_peek (const char *path, DdSessionFileInfo *info, GError **error)
{
  g_autoptr(GBytes) bytes = read_file (path, error);

  memset (info, 0, sizeof *info);
  return bytes != NULL && dd_session_bytes_peek (bytes, info, error);
}

DdSession *
dd_session_open_bytes (GBytes *bytes, const DdData *data, GError **error)
{
  DdSessionFileInfo info;
  g_autofree char *fingerprint = NULL;
  DdSessionConfig cfg;
  DdSession *s = NULL;

  DdState *st = open_contents (bytes, &info, &fingerprint, error);
  if (st == NULL)
    return NULL;
  if (g_strcmp0 (info.dataset, data->name) != 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "the session ran on the data set “%s”, not on “%s”", info.dataset, data->name);
      goto out;
    }
  dd_session_config_init (&cfg);
  visit_session_config (&cfg, st);
  if (!dd_state_ok (st))
    {
      dd_state_finish (st, error);
      goto out;
    }
  s = session_alloc (&cfg, data, FALSE, error);
  if (s == NULL)
    goto out;
  s->fingerprint = data_fingerprint (data);
  if (g_strcmp0 (s->fingerprint, fingerprint) != 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "the data set “%s” on this computer differs from the one the session ran on "
                   "(their fingerprints differ)", data->name);
      g_clear_pointer (&s, dd_session_free);
      goto out;
    }
  visit_session (s, st);
  if (!dd_state_finish (st, error))
    {
      g_clear_pointer (&s, dd_session_free);
      goto out;
    }
  for (gint64 i = 0; i < s->journal.count; i++)
    {
      const DdEdit *e = session_stream_get (&s->journal, i);
      if (e->branch >= s->n_branches || (e->kind == DD_EDIT_FORK && e->new_branch >= s->n_branches))
        {
          g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                       "journal entry %" G_GINT64_FORMAT " names branch %d of %d", i,
                       MAX (e->branch, e->new_branch), s->n_branches);
          g_clear_pointer (&s, dd_session_free);
          goto out;
        }
    }
  s->pub_branches = s->n_branches;
  s->pub_journal = s->journal.count;
  for (int b = 0; b < s->n_branches; b++)
    {
      Branch *br = s->branches[b];
      br->pub_steps = br->steps.count;
      br->pub_phi = br->phi.count;
      br->pub_windows = br->windows.count;
    }
  session_start_worker (s);
out:
  dd_state_free (st);
  dd_session_file_info_clear (&info);
  return s;
}

DdSession *
dd_session_open (const char *path, const DdData *data, GError **error)
{
  g_autoptr(GBytes) bytes = read_file (path, error);

  if (bytes == NULL)
    return NULL;
  DdSession *s = dd_session_open_bytes (bytes, data, error);
  if (s == NULL)
    g_prefix_error (error, "%s: ", path);
  return s;
}
