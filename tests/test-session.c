/* test-session.c: the live session under load, and its reproducibility
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A controller thread hammers play, pause, step, edits and forks while two
 * reader threads take snapshots and read every published record; the worker
 * trains all along. Then the journal is replayed with no threads and every
 * branch must come out bit-identical. Run under ThreadSanitizer by the
 * meson option tsan.
 */
#include "didact-engine.h"

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

static void
small_config (DdSessionConfig *cfg)
{
  dd_session_config_init (cfg);
  cfg->teach.student.net.hidden[0] = 16;
  cfg->teach.student.batch = 10;
  cfg->teach.student.lr = 0.1;
  cfg->teach.student.momentum = 0.5;
  cfg->teach.window = 10;
  cfg->teach.pretrain_steps = 20;
  cfg->teach.dev_subsample = 100;
  cfg->teach.teacher = DD_TEACHER_NEURAL;
  cfg->test_subsample = 100;
  cfg->phi_every = 1;
}

typedef struct {
  DdSession *session;
  gint       done;
  gint64     reads;
  gint64     forks;
  gint64     edits;
} Hammer;

static gpointer
reader_main (gpointer data)
{
  Hammer *h = data;
  int C = dd_session_n_classes (h->session);

  while (!g_atomic_int_get (&h->done))
    {
      DdSessionSnapshot snap;
      dd_session_snapshot (h->session, &snap);
      for (int b = 0; b < snap.n_branches; b++)
        {
          gint64 prev = -1;
          for (gint64 i = 0; i < snap.n_steps[b]; i++)
            {
              const DdStepRecord *r = dd_session_step_record (h->session, b, i);
              g_assert_cmpint (r->step, >, prev);
              prev = r->step;
            }
          for (gint64 i = 0; i < snap.n_phi[b]; i++)
            {
              const DdPhiRecord *p = dd_session_phi_record (h->session, b, i);
              for (int k = 0; k < C * C; k++)
                g_assert_true (isfinite (p->W[k]));
            }
          for (gint64 i = 0; i < snap.n_windows[b]; i++)
            {
              const DdWindowRecord *w = dd_session_window_record (h->session, b, i);
              g_assert_true (w->dev_error >= 0 && w->dev_error <= 1);
              g_assert_true (isfinite (w->class_margin[0]));
            }
        }
      for (gint64 i = 0; i < snap.n_journal; i++)
        g_assert_cmpint (dd_session_journal_entry (h->session, i)->kind, <=, DD_EDIT_FAILURE);
      __atomic_add_fetch (&h->reads, 1, __ATOMIC_RELAXED); /* two readers */
    }
  return NULL;
}

static gpointer
controller_main (gpointer data)
{
  Hammer *h = data;
  DdSession *s = h->session;
  int C = dd_session_n_classes (s);
  GRand *rand = g_rand_new_with_seed (17);
  g_autofree dd_real *W = g_new (dd_real, (size_t) C * C);
  g_autofree dd_real *b = g_new0 (dd_real, C);
  double until = g_get_monotonic_time () / 1e6 + 2.5;

  while (g_get_monotonic_time () / 1e6 < until)
    {
      g_autoptr(GError) error = NULL;
      DdSessionSnapshot snap;
      dd_session_snapshot (s, &snap);
      int branch = g_rand_int_range (rand, 0, snap.n_branches);
      switch (g_rand_int_range (rand, 0, 9))
        {
        case 0: dd_session_play (s); break;
        case 1: dd_session_pause (s); break;
        case 2: dd_session_step (s); break;
        case 3:
          {
            for (int i = 0; i < C * C; i++)
              W[i] = (i % (C + 1) == 0) + 0.1 * g_rand_double_range (rand, -1, 1);
            DdEdit e = { .kind = DD_EDIT_OVERRIDE_PHI, .branch = 0, .n_steps = 5, .W = W, .b = b };
            g_assert_true (dd_session_edit (s, &e, &error));
            h->edits++;
            break;
          }
        case 4:
          {
            DdEdit e = { .kind = DD_EDIT_STUDENT_LR, .branch = branch,
                         .value = g_rand_double_range (rand, 0.02, 0.2) };
            g_assert_true (dd_session_edit (s, &e, &error));
            h->edits++;
            break;
          }
        case 5:
          {
            DdEdit e = { .kind = DD_EDIT_WINDOW, .branch = branch,
                         .value = g_rand_int_range (rand, 5, 15) };
            g_assert_true (dd_session_edit (s, &e, &error));
            h->edits++;
            break;
          }
        case 6:
          if (snap.n_branches < 6)
            {
              int nb = dd_session_fork (s, branch, &error);
              g_assert_no_error (error);
              g_assert_cmpint (nb, ==, snap.n_branches);
              h->forks++;
            }
          break;
        case 7:
          {
            DdEdit e = { .kind = DD_EDIT_TEACHER_LR, .branch = 0,
                         .value = g_rand_double_range (rand, 0.001, 0.05) };
            g_assert_true (dd_session_edit (s, &e, &error));
            h->edits++;
            break;
          }
        case 8:
          {
            DdEdit e = { .kind = DD_EDIT_STUDENT_LR, .branch = branch, .value = -1 };
            g_assert_false (dd_session_edit (s, &e, &error)); /* refused, not journaled */
            g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
            break;
          }
        }
      g_usleep (g_rand_int_range (rand, 0, 3000));
    }
  g_rand_free (rand);
  return NULL;
}

static void
assert_same_params (GPtrArray *a, GPtrArray *b, size_t n_params)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpmem (a->pdata[i], n_params * sizeof (dd_real), b->pdata[i], n_params * sizeof (dd_real));
}

static void
test_hammer_then_replay (void)
{
  g_autoptr(GError) error = NULL;
  DdSessionConfig cfg;
  Hammer h = { 0 };

  small_config (&cfg);
  h.session = dd_session_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  dd_session_play (h.session);

  GThread *r1 = g_thread_new ("reader-1", reader_main, &h);
  GThread *r2 = g_thread_new ("reader-2", reader_main, &h);
  GThread *c = g_thread_new ("controller", controller_main, &h);
  g_thread_join (c);
  dd_session_pause (h.session);
  dd_session_wait_idle (h.session);
  g_atomic_int_set (&h.done, 1);
  g_thread_join (r1);
  g_thread_join (r2);

  DdSessionSnapshot snap;
  dd_session_snapshot (h.session, &snap);
  g_test_message ("hammer: %" G_GINT64_FORMAT " snapshot sweeps, %" G_GINT64_FORMAT " edits, %"
                  G_GINT64_FORMAT " forks; %d branches, branch 0 at %" G_GINT64_FORMAT
                  " steps with %" G_GINT64_FORMAT " windows", h.reads, h.edits, h.forks,
                  snap.n_branches, snap.n_steps[0], snap.n_windows[0]);
  g_assert_cmpint (snap.n_steps[0], >, cfg.teach.pretrain_steps + 3 * cfg.teach.window);
  g_assert_cmpint (h.edits, >, 10);

  /* pause holds: nothing moves */
  g_usleep (50000);
  DdSessionSnapshot again;
  dd_session_snapshot (h.session, &again);
  g_assert_cmpmem (again.n_steps, sizeof again.n_steps, snap.n_steps, sizeof snap.n_steps);

  /* replay the journal without threads */
  g_autofree DdEdit *journal = g_new (DdEdit, snap.n_journal);
  for (gint64 i = 0; i < snap.n_journal; i++)
    journal[i] = *dd_session_journal_entry (h.session, i);
  gint64 steps[DD_SESSION_MAX_BRANCHES];
  for (int b = 0; b < snap.n_branches; b++)
    {
      /* the step records' last step is the branch's step count */
      steps[b] = snap.n_steps[b] ? dd_session_step_record (h.session, b, snap.n_steps[b] - 1)->step : 0;
      int parent;
      gint64 at;
      dd_session_branch_origin (h.session, b, &parent, &at);
      if (snap.n_steps[b] == 0)
        steps[b] = at;
    }
  g_autoptr(GPtrArray) live = dd_session_dup_student_params (h.session);
  g_autoptr(GPtrArray) replay = dd_session_replay (&cfg, need_digits (), journal, snap.n_journal,
                                                   steps, snap.n_branches, &error);
  g_assert_no_error (error);
  size_t n_params = 64 * 16 + 16 + 16 * 10 + 10;
  assert_same_params (live, replay, n_params);
  dd_session_free (h.session);
}

static void
test_step_and_edit_take_effect (void)
{
  g_autoptr(GError) error = NULL;
  DdSessionConfig cfg;
  DdSessionSnapshot snap;

  small_config (&cfg);
  cfg.teach.pretrain_steps = 2;
  DdSession *s = dd_session_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  int C = dd_session_n_classes (s);

  for (int i = 0; i < 3; i++)
    dd_session_step (s);
  dd_session_wait_idle (s);
  dd_session_snapshot (s, &snap);
  g_assert_cmpint (snap.n_steps[0], ==, 3);
  g_assert_cmpint (snap.n_steps[1], ==, 3);

  /* an override is the Φ of the very next step */
  g_autofree dd_real *W = g_new0 (dd_real, (size_t) C * C);
  g_autofree dd_real *b = g_new0 (dd_real, C);
  for (int i = 0; i < C; i++)
    W[i * C + i] = 2.5;
  b[3] = -0.75;
  DdEdit e = { .kind = DD_EDIT_OVERRIDE_PHI, .branch = 0, .n_steps = 2, .W = W, .b = b };
  g_assert_true (dd_session_edit (s, &e, &error));
  dd_session_step (s);
  dd_session_wait_idle (s);
  dd_session_snapshot (s, &snap);
  const DdPhiRecord *p = dd_session_phi_record (s, 0, snap.n_phi[0] - 1);
  g_assert_cmpint (p->step, ==, 4);
  g_assert_cmpfloat (p->W[0], ==, 2.5f);
  g_assert_cmpfloat (p->W[1], ==, 0.0f);
  g_assert_cmpfloat (p->b[3], ==, -0.75f);
  const DdEdit *j = dd_session_journal_entry (s, snap.n_journal - 1);
  g_assert_cmpint (j->kind, ==, DD_EDIT_OVERRIDE_PHI);
  g_assert_cmpint (j->step, ==, 3);

  /* the baseline has no Φ to edit */
  e.branch = 1;
  g_assert_false (dd_session_edit (s, &e, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* a fork starts where its parent is and then goes its own way */
  int f = dd_session_fork (s, 0, &error);
  g_assert_cmpint (f, ==, 2);
  g_autoptr(GPtrArray) params = dd_session_dup_student_params (s);
  size_t bytes = (64 * 16 + 16 + 16 * 10 + 10) * sizeof (dd_real);
  g_assert_cmpmem (params->pdata[0], bytes, params->pdata[2], bytes);
  DdEdit lr = { .kind = DD_EDIT_STUDENT_LR, .branch = 2, .value = 0.5 };
  g_assert_true (dd_session_edit (s, &lr, &error));
  dd_session_step (s);
  dd_session_wait_idle (s);
  g_autoptr(GPtrArray) after = dd_session_dup_student_params (s);
  g_assert_true (memcmp (after->pdata[0], after->pdata[2], bytes) != 0);
  dd_session_free (s);
}

static void
test_divergence_pauses_and_recovers (void)
{
  g_autoptr(GError) error = NULL;
  DdSessionConfig cfg;
  DdSessionSnapshot snap;

  small_config (&cfg);
  cfg.baseline = FALSE;
  DdSession *s = dd_session_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  DdEdit e = { .kind = DD_EDIT_STUDENT_LR, .branch = 0, .value = 1e35 };
  g_assert_true (dd_session_edit (s, &e, &error));
  dd_session_play (s);
  /* it pauses by itself */
  for (int i = 0; i < 2000; i++)
    {
      dd_session_snapshot (s, &snap);
      if (snap.failures > 0 && snap.state == DD_SESSION_PAUSED)
        break;
      g_usleep (1000);
    }
  dd_session_wait_idle (s);
  dd_session_snapshot (s, &snap);
  g_assert_cmpint (snap.failures, ==, 1);
  g_assert_cmpint (snap.state, ==, DD_SESSION_PAUSED);
  g_autofree char *msg = dd_session_dup_error (s);
  g_test_message ("%s", msg);
  g_assert_nonnull (strstr (msg, "step"));
  gint64 stuck = snap.n_steps[0];

  /* a sane learning rate, and it goes on from the last good state */
  e.value = 0.05;
  g_assert_true (dd_session_edit (s, &e, &error));
  dd_session_step (s);
  dd_session_wait_idle (s);
  dd_session_snapshot (s, &snap);
  g_assert_cmpint (snap.n_steps[0], ==, stuck + 1);
  dd_session_free (s);
}

/* Cancelling a window's reverse pass (what stopping a session does) leaves
 * the branch where it was; the next step closes the window as if nothing
 * had happened. */
static void
test_cancelled_window_close_retries (void)
{
  g_autoptr(GError) error = NULL;
  DdSessionConfig cfg;
  gint cancel = 0;

  small_config (&cfg);
  g_autoptr(DdTeach) a = dd_teach_new (&cfg.teach, need_digits (), &error);
  g_autoptr(DdTeach) b = dd_teach_new (&cfg.teach, need_digits (), &error);
  g_assert_no_error (error);
  dd_teach_set_cancel_flag (b, &cancel);
  gint64 close = cfg.teach.pretrain_steps + cfg.teach.window;
  while (dd_teach_get_step (a) < close)
    {
      g_assert_true (dd_teach_step (a, NULL, &error));
      if (dd_teach_get_step (b) == close - 1)
        g_atomic_int_set (&cancel, 1);
      if (!dd_teach_step (b, NULL, &error))
        {
          g_assert_error (error, DD_ERROR, DD_ERROR_CANCELLED);
          g_clear_error (&error);
          g_atomic_int_set (&cancel, 0);
          g_assert_cmpint (dd_teach_get_meta_iteration (b), ==, 0);
          DdStepReport r;
          g_assert_true (dd_teach_step (b, &r, &error));
          g_assert_cmpint (r.kind, ==, DD_STEP_WINDOW);
        }
    }
  g_assert_cmpint (dd_teach_get_step (b), ==, close);
  g_assert_cmpint (dd_teach_get_meta_iteration (b), ==, 1);
  DdTeacher *ta = dd_teach_get_teacher (a), *tb = dd_teach_get_teacher (b);
  g_assert_cmpmem (ta->params, ta->n_params * sizeof (dd_real), tb->params, tb->n_params * sizeof (dd_real));
  DdNet *na = dd_teach_get_student (a)->net, *nb = dd_teach_get_student (b)->net;
  g_assert_cmpmem (na->params, na->n_params * sizeof (dd_real), nb->params, nb->n_params * sizeof (dd_real));
}

/* A long run's history is thinned, never truncated: Φ is sampled every step
 * here until 4,096 samples exist, then every second step, and so on. */
static void
test_history_is_thinned (void)
{
  g_autoptr(GError) error = NULL;
  DdSessionConfig cfg;
  DdSessionSnapshot snap;

  small_config (&cfg);
  cfg.baseline = FALSE;
  cfg.test_subsample = 0;
  cfg.teach.window = 200;
  DdSession *s = dd_session_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  dd_session_play (s);
  do
    {
      g_usleep (20000);
      dd_session_snapshot (s, &snap);
    }
  while (snap.n_steps[0] < 7000);
  dd_session_pause (s);
  dd_session_wait_idle (s);
  dd_session_snapshot (s, &snap);
  gint64 steps = dd_session_step_record (s, 0, snap.n_steps[0] - 1)->step;
  const DdPhiRecord *first = dd_session_phi_record (s, 0, 0);
  const DdPhiRecord *last = dd_session_phi_record (s, 0, snap.n_phi[0] - 1);
  g_test_message ("%" G_GINT64_FORMAT " steps: %" G_GINT64_FORMAT " Φ samples from step %"
                  G_GINT64_FORMAT " to %" G_GINT64_FORMAT, steps, snap.n_phi[0], first->step, last->step);
  /* fewer samples than taught steps, yet the whole run is covered */
  g_assert_cmpint (snap.n_phi[0], <, steps - cfg.teach.pretrain_steps - 1000);
  g_assert_cmpint (snap.n_phi[0], >=, 4096);
  g_assert_cmpint (first->step, ==, cfg.teach.pretrain_steps + 1);
  g_assert_cmpint (last->step, >=, steps - 2);
  for (gint64 i = 1; i < snap.n_phi[0]; i++)
    g_assert_cmpint (dd_session_phi_record (s, 0, i)->step, >, dd_session_phi_record (s, 0, i - 1)->step);
  dd_session_free (s);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session/hammer-then-replay", test_hammer_then_replay);
  g_test_add_func ("/session/step-and-edit-take-effect", test_step_and_edit_take_effect);
  g_test_add_func ("/session/divergence-pauses-and-recovers", test_divergence_pauses_and_recovers);
  g_test_add_func ("/session/cancelled-window-close-retries", test_cancelled_window_close_retries);
  g_test_add_func ("/session/history-is-thinned", test_history_is_thinned);
  status = g_test_run ();
  g_clear_pointer (&digits, dd_data_free);
  return status;
}
