/* test-teach-text.c: L2T-DLF on the translation student — the end-to-end
 * hypergradient through a GRU encoder-decoder and the bucketed loss
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A tiny German→English corpus is written in the Ding format, loaded through
 * the same reader, split and vocabulary as the real one; a seq2seq student
 * (E = 4, H = 5) is taught over a window of T = 4 steps, and dθ from the
 * checkpointed reverse pass is compared with central differences of the
 * dev objective M(ω_T(θ)) over every teacher parameter, in double precision,
 * with the loss in its normalised form (the default) and in the paper's,
 * with dropout, whose masks the replays and the reverse pass redraw, with
 * tied embeddings and a bidirectional encoder, and with input feeding.
 * Φ's W block has K + 2 rows: W (K, K), the a row and the log-ε row.
 */
#include "config.h"
#include "didact-engine.h"
#include "gradcheck.h"
#include "teach-common.h"

#include <glib/gstdio.h>
#include <math.h>

#define END_TO_END_TOL 2e-5

static DdData *corpus;

static const char *const subj_de[] = { "der hund", "die katze", "der mann", "die frau" };
static const char *const subj_en[] = { "the dog", "the cat", "the man", "the woman" };
static const char *const verb_de[] = { "ist", "war", "bleibt" };
static const char *const verb_en[] = { "is", "was", "stays" };
static const char *const adj_de[]  = { "gross", "klein", "alt", "hier" };
static const char *const adj_en[]  = { "big", "small", "old", "here" };

static DdData *
need_corpus (void)
{
  if (corpus)
    return corpus;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("didact-teach-text-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "de-en", NULL);
  GString *text = g_string_new ("# a tiny corpus in the Ding format\n");
  for (int s = 0; s < 4; s++)
    for (int v = 0; v < 3; v++)
      for (int a = 0; a < 4; a++)
        g_string_append_printf (text, "%s %s %s. :: %s %s %s.\n", subj_de[s], verb_de[v],
                                adj_de[a], subj_en[s], verb_en[v], adj_en[a]);
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, &error));
  g_string_free (text, TRUE);

  corpus = g_new0 (DdData, 1);
  corpus->name = g_strdup ("de-en");
  corpus->parallel = dd_parallel_load (path, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpint (corpus->parallel->train.n + corpus->parallel->dev.n + corpus->parallel->test.n, ==, 48);
  g_unlink (path);
  g_rmdir (dir);
  return corpus;
}

static void
problem_config (DdTeachConfig *cfg, DdTeacherKind kind, DdObjective objective, double momentum)
{
  dd_teach_config_init (cfg);
  cfg->student.net = dd_net_spec_default (DD_STUDENT_SEQ2SEQ);
  cfg->student.net.emb = 4;
  cfg->student.net.rnn_hidden = 5;
  cfg->student.batch = 4;
  cfg->student.lr = 0.5;
  cfg->student.momentum = momentum;
  cfg->student.seed = 5;
  cfg->teacher = kind;
  cfg->teacher_hidden = 3;
  cfg->window = 4;
  cfg->meta_iterations = 2;
  cfg->pretrain_steps = 10;
  cfg->objective = objective;
  cfg->dev_subsample = 4;
}

static DdTeach *
problem_new (const DdTeachConfig *cfg)
{
  g_autoptr(GError) error = NULL;
  DdTeach *teach = dd_teach_new (cfg, need_corpus (), &error);

  g_assert_no_error (error);
  while (dd_teach_get_step (teach) < cfg->pretrain_steps)
    {
      g_assert_true (dd_teach_step (teach, NULL, &error));
      g_assert_no_error (error);
    }
  teach_perturb_teacher (teach);
  return teach;
}

typedef struct {
  DdTeacherKind kind;
  DdObjective   objective;
  double        momentum;
  DdPhiForm     form;
  double        dropout;       /* and word dropout, half of it */
  gboolean      tied_bidir;    /* tied embeddings and a bidirectional encoder */
  gboolean      feed;          /* input feeding */
} Case;

static void
test_end_to_end (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(GError) error = NULL;
  DdTeachConfig cfg;

  problem_config (&cfg, c->kind, c->objective, c->momentum);
  cfg.start.form = c->form;
  cfg.student.net.dropout = c->dropout;
  cfg.student.net.word_dropout = c->dropout / 2;
  cfg.student.net.tie_embeddings = cfg.student.net.bidirectional = c->tied_bidir;
  cfg.student.net.input_feed = c->feed;
  g_autoptr(DdTeach) teach = problem_new (&cfg);
  DdTeacher *teacher = dd_teach_get_teacher (teach);
  /* Φ has the bucket shape: a (K + 2)-row W block, W, a and s */
  g_assert_cmpint (teacher->shape, ==, DD_PHI_BUCKETS);
  g_assert_cmpint (teacher->n_rows, ==, teacher->n_classes + 2);
  g_assert_cmpint (teacher->start.form, ==, c->form);

  const size_t n = teacher->n_params;
  g_autofree dd_real *analytic = g_new (dd_real, n);
  g_autofree double *numeric = g_new (double, n);
  double M;
  g_assert_true (dd_teach_window_hypergradient (teach, 0, &M, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (fabs (M - teach_window_objective (teach)), <=, 1e-13);
  memcpy (analytic, teacher->grads, n * sizeof (dd_real));
  for (size_t k = 0; k < n; k++)
    gradcheck_numeric (&numeric[k], &teacher->params[k], 1, teach_window_objective, teach, GRADCHECK_EPS);
  g_autofree char *name = g_strdup_printf ("seq2seq %s %s %s ρ=%g dropout %g%s%s", dd_phi_form_name (c->form),
                                           dd_teacher_kind_name (c->kind),
                                           dd_objective_name (c->objective), c->momentum,
                                           c->dropout, c->tied_bidir ? " tied bidirectional" : "",
                                           c->feed ? " input feeding" : "");
  double big = 0;
  for (size_t k = 0; k < n; k++)
    big = fmax (big, fabs (numeric[k]));
  g_assert_cmpfloat (big, >, 1e-8); /* not vacuous */
  g_assert_cmpfloat (gradcheck_compare (name, analytic, numeric, n), <=, END_TO_END_TOL);
}

/* Dropout in the warm-up and a taught window is not a no-op: the same
 * configuration without it reaches another dev objective at the window's
 * end; and the masks are the seed's, so the same configuration twice
 * reaches the same one, bit for bit. */
static void
test_dropout_changes_window (void)
{
  DdTeachConfig cfg;
  double M[3];

  for (int i = 0; i < 3; i++)
    {
      problem_config (&cfg, DD_TEACHER_FIXED, DD_OBJECTIVE_DEV_CE, 0.9);
      cfg.student.net.dropout = i < 2 ? 0.3 : 0.0;
      cfg.student.net.word_dropout = i < 2 ? 0.15 : 0.0;
      g_autoptr(DdTeach) teach = problem_new (&cfg);
      M[i] = teach_window_objective (teach);
    }
  g_assert_cmpfloat (M[0], ==, M[1]);
  g_assert_cmpfloat (fabs (M[0] - M[2]), >, 1e-9);
}

/* Both arms of a seed start alike and see the same sentences; the baseline
 * trains on cross-entropy and still reports a finite dev error; a window's
 * close evaluates per-bucket statistics. */
static void
test_arms_and_records (void)
{
  g_autoptr(GError) error = NULL;
  DdTeachConfig cfg;

  problem_config (&cfg, DD_TEACHER_FIXED, DD_OBJECTIVE_DEV_CE, 0.0);
  cfg.protocol = DD_PROTOCOL_CONTINUAL;
  cfg.arm = DD_ARM_BASELINE_CE;
  g_autoptr(DdTeach) ce = dd_teach_new (&cfg, need_corpus (), &error);
  g_assert_no_error (error);
  cfg.arm = DD_ARM_FROZEN_TEACHER;
  g_autoptr(DdTeach) dlf = dd_teach_new (&cfg, need_corpus (), &error);
  g_assert_no_error (error);
  DdStudent *a = dd_teach_get_student (ce), *b = dd_teach_get_student (dlf);
  g_assert_nonnull (a->s2s);
  g_assert_cmpmem (a->params, a->P * sizeof (dd_real), b->params, b->P * sizeof (dd_real));

  DdStepReport r = { 0 };
  while (r.kind != DD_STEP_WINDOW)
    {
      g_assert_true (dd_teach_step (dlf, &r, &error));
      g_assert_no_error (error);
    }
  g_assert_true (isfinite (r.dev_error) && r.dev_error >= 0 && r.dev_error <= 1);
  /* at the initial point W = 0, a = 1, s = log ε₀ (the normalised start), b = 0 */
  const int K = b->C;
  g_assert_cmpint (b->R, ==, K + 2);
  g_assert_nonnull (r.phi);
  g_assert_cmpint (r.phi->shape, ==, DD_PHI_BUCKETS);
  g_assert_cmpint (r.phi->R, ==, K + 2);
  g_assert_cmpint (r.phi->C, ==, K);
  for (int c = 0; c < K; c++)
    {
      for (int k = 0; k < K; k++)
        g_assert_cmpfloat (r.phi->W[k * K + c], ==, 0.0);
      g_assert_cmpfloat (r.phi->W[K * K + c], ==, 1.0);
      g_assert_cmpfloat (r.phi->W[(K + 1) * K + c], ==, log (0.1));
      g_assert_cmpfloat (r.phi->b[c], ==, 0.0);
    }
  const DdEval *ev = dd_teach_get_last_eval (dlf);
  int counted = 0;
  for (int c = 0; c < K; c++)
    counted += ev->class_count[c];
  g_assert_cmpint (counted, ==, ev->n);
  g_assert_cmpint (ev->n, >, 0);
}

int
main (int argc, char **argv)
{
  static const Case cases[] = {
    { DD_TEACHER_FIXED,  DD_OBJECTIVE_DEV_CE,       0.0, DD_PHI_NORMALISED },
    { DD_TEACHER_GATED,  DD_OBJECTIVE_DEV_CE,       0.9, DD_PHI_NORMALISED },
    { DD_TEACHER_NEURAL, DD_OBJECTIVE_DEV_CE,       0.0, DD_PHI_NORMALISED },
    { DD_TEACHER_NEURAL, DD_OBJECTIVE_SMOOTH_ERROR, 0.9, DD_PHI_NORMALISED },
    { DD_TEACHER_FIXED,  DD_OBJECTIVE_DEV_CE,       0.0, DD_PHI_PAPER },
    { DD_TEACHER_GATED,  DD_OBJECTIVE_DEV_CE,       0.9, DD_PHI_PAPER },
    { DD_TEACHER_NEURAL, DD_OBJECTIVE_SMOOTH_ERROR, 0.9, DD_PHI_PAPER },
    { DD_TEACHER_FIXED,  DD_OBJECTIVE_DEV_CE,       0.9, DD_PHI_NORMALISED, 0.3 },
    { DD_TEACHER_NEURAL, DD_OBJECTIVE_DEV_CE,       0.0, DD_PHI_NORMALISED, 0.3 },
    { DD_TEACHER_GATED,  DD_OBJECTIVE_DEV_CE,       0.9, DD_PHI_NORMALISED, 0.3, TRUE },
    { DD_TEACHER_NEURAL, DD_OBJECTIVE_DEV_CE,       0.9, DD_PHI_NORMALISED, 0.3, TRUE, TRUE },
  };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autofree char *path = g_strdup_printf ("/teach-text/end-to-end/%s/%s/%s/rho%g%s%s%s",
                                               dd_phi_form_name (c->form),
                                               dd_teacher_kind_name (c->kind),
                                               dd_objective_name (c->objective), c->momentum,
                                               c->dropout > 0 ? "/dropout" : "",
                                               c->tied_bidir ? "/tied-bidirectional" : "",
                                               c->feed ? "/input-feed" : "");
      g_test_add_data_func (path, c, test_end_to_end);
    }
  g_test_add_func ("/teach-text/dropout-changes-window", test_dropout_changes_window);
  g_test_add_func ("/teach-text/arms-and-records", test_arms_and_records);
  int status = g_test_run ();
  dd_data_free (corpus);
  return status;
}
