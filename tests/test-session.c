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

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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
  int C = dd_session_n_classes (h->session), R = dd_session_phi_rows (h->session);

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
              for (int k = 0; k < R * C; k++)
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
  int C = dd_session_n_classes (s), S = dd_session_scale_row (s);
  GRand *rand = g_rand_new_with_seed (17);
  g_autoptr(DdPhi) phi = dd_phi_new (dd_session_phi_shape (s), C);
  dd_real *W = phi->W;
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
            for (int i = 0; i < C; i++)   /* log ε about its start, log 0.1 */
              W[S * C + i] = -2.3 + 0.5 * g_rand_double_range (rand, -1, 1);
            DdEdit e = { .kind = DD_EDIT_OVERRIDE_PHI, .branch = 0, .n_steps = 5, .phi = phi };
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
  int C = dd_session_n_classes (s), R = dd_session_phi_rows (s), S = dd_session_scale_row (s);
  g_assert_cmpint (R, ==, C + 1);
  g_assert_cmpint (S, ==, C);

  for (int i = 0; i < 3; i++)
    dd_session_step (s);
  dd_session_wait_idle (s);
  dd_session_snapshot (s, &snap);
  g_assert_cmpint (snap.n_steps[0], ==, 3);
  g_assert_cmpint (snap.n_steps[1], ==, 3);
  g_assert_cmpint (snap.step[0], ==, 3);
  g_assert_cmpint (snap.step[1], ==, 3);

  /* an override is the Φ of the very next step, its log ε row included */
  g_autoptr(DdPhi) phi = dd_phi_new (DD_PHI_CLASSES, C);
  dd_real *W = phi->W;
  for (int i = 0; i < C; i++)
    W[i * C + i] = 2.5;
  for (int i = 0; i < C; i++)
    W[S * C + i] = -1.0 - 0.125 * i;
  phi->b[3] = -0.75;
  DdEdit e = { .kind = DD_EDIT_OVERRIDE_PHI, .branch = 0, .n_steps = 2, .phi = phi };
  g_assert_true (dd_session_edit (s, &e, &error));
  dd_session_step (s);
  dd_session_wait_idle (s);
  dd_session_snapshot (s, &snap);
  const DdPhiRecord *p = dd_session_phi_record (s, 0, snap.n_phi[0] - 1);
  g_assert_cmpint (p->step, ==, 4);
  g_assert_cmpfloat (p->W[0], ==, 2.5f);
  g_assert_cmpfloat (p->W[1], ==, 0.0f);
  g_assert_cmpfloat (p->W[S * C + 0], ==, -1.0f);
  g_assert_cmpfloat (p->W[S * C + 4], ==, -1.5f);
  g_assert_cmpfloat (p->b[3], ==, -0.75f);
  const DdEdit *j = dd_session_journal_entry (s, snap.n_journal - 1);
  g_assert_cmpint (j->kind, ==, DD_EDIT_OVERRIDE_PHI);
  g_assert_cmpint (j->step, ==, 3);
  /* the journal holds a copy of the whole Φ */
  g_assert_true (j->phi != phi);
  g_assert_cmpmem (j->phi->W, sizeof (dd_real) * R * C, W, sizeof (dd_real) * R * C);
  g_assert_cmpmem (j->phi->b, sizeof (dd_real) * C, phi->b, sizeof (dd_real) * C);

  /* a Φ of another shape is refused with the shapes named, and nothing changes */
  g_autoptr(DdPhi) wrong = dd_phi_new (DD_PHI_BUCKETS, C);
  DdEdit bad = { .kind = DD_EDIT_OVERRIDE_PHI, .branch = 0, .n_steps = 2, .phi = wrong };
  g_assert_false (dd_session_edit (s, &bad, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "12 rows by 10 columns"));
  g_clear_error (&error);
  bad.phi = NULL;
  g_assert_false (dd_session_edit (s, &bad, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  dd_session_snapshot (s, &snap);
  g_assert_cmpint (dd_session_journal_entry (s, snap.n_journal - 1)->kind, ==, DD_EDIT_OVERRIDE_PHI);

  /* the baseline has no Φ to edit */
  e.branch = 1;
  g_assert_false (dd_session_edit (s, &e, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* a fork starts where its parent is and then goes its own way */
  int f = dd_session_fork (s, 0, &error);
  g_assert_cmpint (f, ==, 2);
  dd_session_snapshot (s, &snap);
  g_assert_cmpint (snap.step[2], ==, snap.step[0]);
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
  /* the snapshot's step count (a record per step this early) */
  g_assert_cmpint (snap.step[0], ==, steps);
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

/* how often the Φ stream samples now: 1 until it thins */
static gint64
snap_thinned (DdSession *s)
{
  DdSessionSnapshot snap;
  dd_session_snapshot (s, &snap);
  return snap.n_phi[0] >= 4096 ? 1 : 0;
}

/* An override of Φ is the Φ of the branch's next recorded step at every
 * phase of a window (its first step, its middle, the step that closes it),
 * before and after the Φ stream thins to every second step; and clearing it
 * gives the teacher's output back. The workbench's edit test relies on it. */
static void
test_override_is_next_recorded_phi (void)
{
  g_autoptr(GError) error = NULL;
  DdSessionConfig cfg;
  DdSessionSnapshot before, after;

  small_config (&cfg);
  cfg.baseline = FALSE;
  cfg.test_subsample = 0;
  DdSession *s = dd_session_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  g_autoptr(DdPhi) phi = dd_phi_new (dd_session_phi_shape (s), dd_session_n_classes (s));
  int rounds = 0, thinned = 0;
  gint64 phases = 0;  /* a bit per window phase reached */
  GRand *rand = g_rand_new_with_seed (7);
  for (int i = 0; i <= cfg.teach.pretrain_steps; i++)  /* past the warm-up, which has no Φ */
    dd_session_step (s);
  for (; rounds < 400 || snap_thinned (s) == 0; rounds++)
    {
      int n = g_rand_int_range (rand, 1, 3 * cfg.teach.window);
      for (int i = 0; i < n; i++)
        dd_session_step (s);
      dd_session_wait_idle (s);
      dd_session_snapshot (s, &before);
      dd_phi_unpack (phi, dd_session_phi_record (s, 0, before.n_phi[0] - 1)->W);
      dd_phi_set (phi, 0, 3.0);
      DdEdit e = { .kind = DD_EDIT_OVERRIDE_PHI, .branch = 0, .n_steps = 50, .phi = phi };
      g_assert_true (dd_session_edit (s, &e, &error));
      g_assert_no_error (error);
      for (int i = 0; i < 8; i++)
        {
          dd_session_step (s);
          dd_session_wait_idle (s);
          dd_session_snapshot (s, &after);
          if (after.n_phi[0] > before.n_phi[0])
            break;
        }
      g_assert_cmpint (after.n_phi[0], >, before.n_phi[0]);
      const DdPhiRecord *p = dd_session_phi_record (s, 0, after.n_phi[0] - 1);
      if (p->W[0] != 3.0f)
        g_error ("round %d: step %" G_GINT64_FORMAT " recorded W[0,0] = %g after an override of 3",
                 rounds, p->step, p->W[0]);
      phases |= G_GINT64_CONSTANT (1) << ((p->step - cfg.teach.pretrain_steps - 1) % cfg.teach.window);
      thinned += p->step - before.step[0] > 1;
      DdEdit clear = { .kind = DD_EDIT_OVERRIDE_PHI, .branch = 0, .n_steps = 0, .phi = phi };
      g_assert_true (dd_session_edit (s, &clear, &error));
    }
  g_test_message ("%d rounds, %d of them past the thinning; window phases reached: %x", rounds,
                  thinned, (unsigned) phases);
  g_assert_cmpint (phases, ==, (G_GINT64_CONSTANT (1) << cfg.teach.window) - 1);
  g_assert_cmpint (thinned, >, 0);
  g_rand_free (rand);
  dd_session_free (s);
}

/* The initial point comes from the engine (dd_phi_initial): W = I, the log ε
 * row at log ε₀ = log 0.1, b = 0; and it is what the teacher outputs until
 * its first update. */
static void
test_initial_phi_and_layout (void)
{
  g_autoptr(GError) error = NULL;
  DdSessionConfig cfg;
  DdSessionSnapshot snap;

  small_config (&cfg);
  cfg.teach.pretrain_steps = 2;
  DdSession *s = dd_session_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  const int C = dd_session_n_classes (s), R = dd_session_phi_rows (s), S = dd_session_scale_row (s);
  g_assert_cmpint (dd_session_phi_shape (s), ==, DD_PHI_CLASSES);
  g_assert_cmpint (C, ==, 10);
  for (int c = 0; c < C; c++)
    g_assert_cmpstr (dd_session_class_name (s, c), ==, need_digits ()->train->class_names[c]);
  g_assert_cmpint (R, ==, 11);
  g_assert_cmpint (S, ==, 10);

  g_autoptr(DdPhi) phi = dd_session_initial_phi (s);
  g_assert_cmpint (phi->R, ==, R);
  g_assert_cmpint (phi->C, ==, C);
  const dd_real *W = phi->W, *b = phi->b;
  g_autofree dd_real *W0 = g_new (dd_real, (size_t) R * C), *b0 = g_new (dd_real, C);
  dd_phi_initial (DD_PHI_CLASSES, &cfg.teach.start, C, W0, b0);
  g_assert_cmpmem (W, sizeof (dd_real) * R * C, W0, sizeof (dd_real) * R * C);
  for (int j = 0; j < C; j++)
    for (int y = 0; y < C; y++)
      g_assert_cmpfloat (W[j * C + y], ==, j == y ? 1.0f : 0.0f);
  for (int y = 0; y < C; y++)
    {
      g_assert_cmpfloat (fabs (W[S * C + y] - log (0.1)), <, 1e-6);
      g_assert_cmpfloat (b[y], ==, 0.0f);
    }

  /* the taught steps of the first window use Φ₀, log ε row included */
  for (int i = 0; i < 5; i++)
    dd_session_step (s);
  dd_session_wait_idle (s);
  dd_session_snapshot (s, &snap);
  g_assert_cmpint (snap.n_phi[0], ==, 3);
  for (gint64 i = 0; i < snap.n_phi[0]; i++)
    {
      const DdPhiRecord *p = dd_session_phi_record (s, 0, i);
      double worst = 0;
      for (int k = 0; k < R * C; k++)
        worst = MAX (worst, fabs (p->W[k] - W[k]));
      for (int k = 0; k < C; k++)
        worst = MAX (worst, fabs (p->b[k] - b[k]));
      g_test_message ("step %" G_GINT64_FORMAT ": largest |Φ − Φ₀| %.2g", p->step, worst);
      g_assert_cmpfloat (worst, <, 1e-5);
    }
  dd_session_free (s);
}

static gint64
run_windows (DdSession *s, int branch, gint64 windows)
{
  DdSessionSnapshot snap;

  dd_session_play (s);
  do
    {
      g_usleep (5000);
      dd_session_snapshot (s, &snap);
    }
  while (snap.n_windows[branch] < windows);
  dd_session_pause (s);
  dd_session_wait_idle (s);
  dd_session_snapshot (s, &snap);
  return snap.n_windows[branch];
}

/* Every window record says what the teacher did. A trust radius far too
 * large for the teacher makes each tried step worse on held-out dev: it is
 * rejected (θ stays, the radius halves), and the record says by how much. */
static void
test_window_records_carry_verdicts (void)
{
  g_autoptr(GError) error = NULL;
  DdSessionConfig cfg;

  small_config (&cfg);
  cfg.teach.teacher = DD_TEACHER_GATED;
  cfg.teach.pretrain_steps = 10;
  cfg.teach.trust_radius = 1000;
  DdSession *s = dd_session_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  gint64 n = run_windows (s, 0, 3);

  int rejected = 0;
  double radius = cfg.teach.trust_radius;
  for (gint64 i = 0; i < n; i++)
    {
      const DdWindowRecord *w = dd_session_window_record (s, 0, i);
      g_test_message ("window %" G_GINT64_FORMAT " (step %" G_GINT64_FORMAT "): %s, step %.4g, held-out %.4f → %.4f ± %.4f",
                      i, w->step, dd_update_verdict_name (w->verdict), w->step_length,
                      w->holdout_before, w->holdout_after, w->holdout_se);
      /* the trust step, never the plain one */
      g_assert_cmpint (w->verdict, !=, DD_UPDATE_TAKEN);
      /* a continual taught branch carries the shadow and says how it compares */
      g_assert_true (isfinite (w->shadow_gap) && isfinite (w->shadow_se));
      g_assert_true (!w->took_shadow || w->verdict == DD_UPDATE_FALLBACK);
      if (w->verdict == DD_UPDATE_REJECTED)
        {
          rejected++;
          g_assert_cmpfloat (w->step_length, ==, radius);
          g_assert_true (isfinite (w->holdout_before));
          g_assert_true (!isfinite (w->holdout_after) || w->holdout_after > w->holdout_before);
          g_assert_cmpfloat (w->holdout_se, >=, 0);
          radius *= 0.5;
        }
    }
  g_assert_cmpint (rejected, >=, 1);
  /* the baseline has no teacher to update */
  DdSessionSnapshot snap;
  dd_session_snapshot (s, &snap);
  g_assert_cmpint (snap.n_windows[1], >, 0);
  for (gint64 i = 0; i < snap.n_windows[1]; i++)
    {
      const DdWindowRecord *w = dd_session_window_record (s, 1, i);
      g_assert_cmpint (w->verdict, ==, DD_UPDATE_NONE);
      g_assert_true (isnan (w->holdout_after));
      g_assert_true (isnan (w->shadow_gap) && !w->took_shadow);
    }

  /* the teacher rate is the trust radius: an edit journals the radius it replaced */
  DdEdit e = { .kind = DD_EDIT_TEACHER_LR, .branch = 0, .value = 0.05 };
  g_assert_true (dd_session_edit (s, &e, &error));
  dd_session_snapshot (s, &snap);
  g_assert_cmpfloat (dd_session_journal_entry (s, snap.n_journal - 1)->previous, ==, 1000);
  dd_session_free (s);
}

/* A scenario changes the training split of the data the session derives
 * (seeded with the student's seed); dev and test stay clean; a replay of the
 * configuration on the clean data derives the same split. */
static void
test_scenario (void)
{
  g_autoptr(GError) error = NULL;
  DdSessionConfig cfg;
  DdData *clean = need_digits ();

  small_config (&cfg);
  g_assert_true (dd_scenario_parse ("pair-flip:0.4", &cfg.scenario, &error));
  DdSession *s = dd_session_new (&cfg, clean, &error);
  g_assert_no_error (error);
  g_assert_true (dd_session_get_data (s) == clean);
  const DdData *run = dd_session_get_run_data (s);
  g_assert_true (run != clean);
  g_assert_cmpint (run->train->n, ==, clean->train->n);
  int changed = 0;
  for (int i = 0; i < run->train->n; i++)
    {
      changed += run->train->labels[i] != clean->train->labels[i];
      if (run->train->labels[i] != clean->train->labels[i])
        g_assert_cmpint (run->train->labels[i], ==, (clean->train->labels[i] + 1) % 10);
    }
  g_test_message ("pair-flip:0.4 changed %d of %d training labels", changed, run->train->n);
  g_assert_cmpfloat (fabs ((double) changed / run->train->n - 0.4), <, 0.05);
  g_assert_cmpmem (run->dev->labels, run->dev->n, clean->dev->labels, clean->dev->n);
  g_assert_cmpmem (run->test->labels, run->test->n, clean->test->labels, clean->test->n);
  g_autofree char *what = dd_session_describe_scenario (s);
  g_test_message ("%s", what);
  g_assert_nonnull (strstr (what, "pair-flip"));

  /* the live branches and a replay from the clean data agree bit for bit */
  for (int i = 0; i < 30; i++)
    dd_session_step (s);
  dd_session_wait_idle (s);
  gint64 steps[2] = { 30, 30 };
  g_autoptr(GPtrArray) live = dd_session_dup_student_params (s);
  g_autoptr(GPtrArray) replay = dd_session_replay (&cfg, clean, NULL, 0, steps, 2, &error);
  g_assert_no_error (error);
  assert_same_params (live, replay, 64 * 16 + 16 + 16 * 10 + 10);
  dd_session_free (s);

  /* without a scenario the run data is the given data */
  small_config (&cfg);
  s = dd_session_new (&cfg, clean, &error);
  g_assert_no_error (error);
  g_assert_true (dd_session_get_run_data (s) == clean);
  g_assert_null (dd_session_describe_scenario (s));
  dd_session_free (s);

  /* a long tail of every class is refused before any work */
  g_assert_true (dd_scenario_parse ("long-tail:0.05:10", &cfg.scenario, &error));
  g_assert_null (dd_session_new (&cfg, clean, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
}

/* The export read back by independent code (Python's csv and json modules
 * and NumPy, as a user would): every record of every branch, a fork's
 * included, is in the files with its value. */
static const char export_reader[] =
  "import csv, json, sys\n"
  "import numpy as np\n"
  "d = sys.argv[1]\n"
  "rows = list(csv.reader(open(d + '/curves.csv')))\n"
  "print('columns', len(rows[0]))\n"
  "print('header', rows[0][1])\n"
  "for r in rows[1:]:\n"
  "    print('row', r[0], r[1] or 'nan', r[4] or 'nan')\n"
  "for b in range(int(sys.argv[2])):\n"
  "    phi = np.load(d + '/phi-%d.npy' % b)\n"
  "    steps = np.load(d + '/phi-steps-%d.npy' % b)\n"
  "    assert phi.dtype == np.float32 and steps.dtype == np.int64\n"
  "    print('phi', b, *phi.shape, len(steps))\n"
  "    for i in range(len(steps)):\n"
  "        print('phistep', b, i, int(steps[i]), repr(float(phi[i, 0, 0])), repr(float(phi[i, -1, -1])), repr(float(phi[i].sum(dtype=np.float64))) if i == 0 else 0)\n"
  "    for i, line in enumerate(open(d + '/windows-%d.jsonl' % b)):\n"
  "        w = json.loads(line)\n"
  "        print('window', b, i, w['step'], repr(w['dev_error']), len(w['class_margin']), w['update'])\n";

/* the reader's lines about branch b's Φ and window records, from *li on,
 * against the session's records */
static void
check_export_branch (DdSession *s, const DdSessionSnapshot *snap, int b, char **lines, guint *li_io)
{
  const int C = dd_session_n_classes (s), R = dd_session_phi_rows (s);
  guint li = *li_io;

  int pb, n0, r1, c1, ns;
  g_assert_cmpint (sscanf (lines[li++], "phi %d %d %d %d %d", &pb, &n0, &r1, &c1, &ns), ==, 5);
  g_assert_cmpint (pb, ==, b);
  g_assert_cmpint (n0, ==, snap->n_phi[b]);
  g_assert_cmpint (ns, ==, snap->n_phi[b]);
  g_assert_cmpint (r1, ==, R + 1);
  g_assert_cmpint (c1, ==, C);
  for (gint64 i = 0; i < snap->n_phi[b]; i++)
    {
      const DdPhiRecord *p = dd_session_phi_record (s, b, i);
      int bb, ii;
      gint64 step;
      double first, last, sum;
      g_assert_cmpint (sscanf (lines[li++], "phistep %d %d %" G_GINT64_FORMAT " %lf %lf %lf",
                               &bb, &ii, &step, &first, &last, &sum), ==, 6);
      g_assert_cmpint (step, ==, p->step);
      g_assert_cmpfloat (first, ==, p->W[0]);          /* W[0, 0] */
      g_assert_cmpfloat (last, ==, p->b[C - 1]);       /* b's last value */
      if (i == 0)
        {
          double want = 0;
          for (int k = 0; k < (R + 1) * C; k++)
            want += p->W[k];
          g_assert_cmpfloat (fabs (sum - want), <, 1e-9 * MAX (1.0, fabs (want)));
        }
    }
  for (gint64 i = 0; i < snap->n_windows[b]; i++)
    {
      const DdWindowRecord *w = dd_session_window_record (s, b, i);
      int bb, ii, nc;
      gint64 step;
      double dev;
      char verdict[32];
      g_assert_cmpint (sscanf (lines[li++], "window %d %d %" G_GINT64_FORMAT " %lf %d %31s",
                               &bb, &ii, &step, &dev, &nc, verdict), ==, 6);
      g_assert_cmpint (step, ==, w->step);
      g_assert_cmpfloat (fabs (dev - w->dev_error), <, 1e-9);
      g_assert_cmpint (nc, ==, C);
      g_assert_cmpstr (verdict, ==, dd_update_verdict_name (w->verdict));
    }
  *li_io = li;
}

static void
test_export (void)
{
  g_autoptr(GError) error = NULL;
  DdSessionConfig cfg;
  DdSessionSnapshot snap;

  small_config (&cfg);
  cfg.phi_every = 3;
  DdSession *s = dd_session_new (&cfg, need_digits (), &error);
  g_assert_no_error (error);
  for (int i = 0; i < 45; i++)
    dd_session_step (s);
  dd_session_wait_idle (s);
  g_assert_cmpint (dd_session_fork (s, 0, &error), ==, 2);
  g_assert_no_error (error);
  for (int i = 0; i < 25; i++)
    dd_session_step (s);
  dd_session_wait_idle (s);
  dd_session_snapshot (s, &snap);
  g_assert_cmpint (snap.n_branches, ==, 3);

  g_autofree char *dir = g_dir_make_tmp ("didact-export-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (dd_session_export (s, dir, &error));
  g_assert_no_error (error);

  /* not a folder: refused, naming it */
  g_autofree char *csv_path = g_build_filename (dir, "curves.csv", NULL);
  g_assert_false (dd_session_export (s, csv_path, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "curves.csv"));
  g_clear_error (&error);

  g_autofree char *script = g_build_filename (dir, "read.py", NULL);
  g_assert_true (g_file_set_contents (script, export_reader, -1, &error));
  g_autofree char *branches = g_strdup_printf ("%d", snap.n_branches);
  const char *argv[] = { "/usr/bin/python3", script, dir, branches, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("the reader failed: %s", err);

  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint li = 0;
  /* columns: step, then 3 + 4 per branch */
  g_assert_cmpint (atoi (lines[li++] + strlen ("columns ")), ==, 1 + 7 * snap.n_branches);
  g_assert_cmpstr (lines[li++], ==, "header taught: training loss (nats)");
  /* one row per step that any branch recorded; the taught branch's loss
   * and the first window series where it has records */
  gint64 next = 0, next_w = 0;
  while (g_str_has_prefix (lines[li], "row "))
    {
      gint64 step;
      char loss[64], dev[64];
      g_assert_cmpint (sscanf (lines[li++], "row %" G_GINT64_FORMAT " %63s %63s", &step, loss, dev), ==, 3);
      if (next < snap.n_steps[0] && dd_session_step_record (s, 0, next)->step == step)
        g_assert_cmpfloat ((float) g_ascii_strtod (loss, NULL), ==, dd_session_step_record (s, 0, next++)->loss);
      else
        g_assert_cmpstr (loss, ==, "nan");
      if (next_w < snap.n_windows[0] && dd_session_window_record (s, 0, next_w)->step == step)
        g_assert_cmpfloat (fabs (g_ascii_strtod (dev, NULL) - dd_session_window_record (s, 0, next_w++)->dev_error), <, 1e-9);
      else
        g_assert_cmpstr (dev, ==, "nan");
    }
  g_assert_cmpint (next, ==, snap.n_steps[0]);
  g_assert_cmpint (next_w, ==, snap.n_windows[0]);

  for (int b = 0; b < snap.n_branches; b++)
    check_export_branch (s, &snap, b, lines, &li);
  g_assert_cmpint (snap.n_windows[2], >, 0);   /* the fork's records are there too */
  dd_session_free (s);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  for (const char *name; (name = g_dir_read_name (d)) != NULL;)
    {
      g_autofree char *f = g_build_filename (dir, name, NULL);
      if (g_getenv ("DIDACT_KEEP_EXPORT") == NULL)
        g_unlink (f);
    }
  if (g_getenv ("DIDACT_KEEP_EXPORT") == NULL)
    g_rmdir (dir);
  else
    g_test_message ("export kept in %s", dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session/hammer-then-replay", test_hammer_then_replay);
  g_test_add_func ("/session/step-and-edit-take-effect", test_step_and_edit_take_effect);
  g_test_add_func ("/session/override-is-next-recorded-phi", test_override_is_next_recorded_phi);
  g_test_add_func ("/session/divergence-pauses-and-recovers", test_divergence_pauses_and_recovers);
  g_test_add_func ("/session/cancelled-window-close-retries", test_cancelled_window_close_retries);
  g_test_add_func ("/session/history-is-thinned", test_history_is_thinned);
  g_test_add_func ("/session/initial-phi-and-layout", test_initial_phi_and_layout);
  g_test_add_func ("/session/window-records-carry-verdicts", test_window_records_carry_verdicts);
  g_test_add_func ("/session/scenario", test_scenario);
  g_test_add_func ("/session/export", test_export);
  status = g_test_run ();
  g_clear_pointer (&digits, dd_data_free);
  return status;
}
