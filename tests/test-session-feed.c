/* test-session-feed.c: the workbench's reading side, without a display
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small session on the 8×8 digits, stepped by hand (taught branch 0 and
 * the cross-entropy baseline, branch 1), read through the feed. Every range,
 * point and lookup the feed hands out is checked against the session's own
 * records read here directly: counts from the snapshot, block means summed
 * from dd_session_step_record, the newest record at a step by a linear scan.
 */
#include "didact-engine.h"
/* the feed is the window's, but needs nothing beyond the engine */
#include "../ui/didact-session-feed.h"

#include <math.h>

static DdData *digits;     /* loaded once, for every test */

/* test-session's small problem, with Φ sampled every third step so that the
 * timeline has steps between records */
static DdSession *
small_session (gint64 pretrain_steps)
{
  g_autoptr(GError) error = NULL;
  DdSessionConfig cfg;

  dd_session_config_init (&cfg);
  cfg.teach.student.net.hidden[0] = 16;
  cfg.teach.student.batch = 10;
  cfg.teach.student.lr = 0.1;
  cfg.teach.student.momentum = 0.5;
  cfg.teach.window = 10;
  cfg.teach.pretrain_steps = pretrain_steps;
  cfg.teach.dev_subsample = 100;
  cfg.teach.teacher = DD_TEACHER_NEURAL;
  cfg.test_subsample = 100;
  cfg.phi_every = 3;
  DdSession *s = dd_session_new (&cfg, digits, &error);
  g_assert_no_error (error);
  return s;
}

/* n steps of every branch, then the snapshot */
static void
run_steps (DdSession *s, int n, DdSessionSnapshot *snap)
{
  for (int i = 0; i < n; i++)
    dd_session_step (s);
  dd_session_wait_idle (s);
  dd_session_snapshot (s, snap);
}

/* what the window's Φ traces read: the flat layout's coefficient */
static double
phi_cell (const DdPhiRecord *record, guint coefficient, gpointer user_data)
{
  return record->W[coefficient];
}

static gint64
cursor_count (const DdSessionSnapshot *snap, DidactFeedCursor cursor, int branch)
{
  return cursor == DIDACT_FEED_PHI ? snap->n_phi[branch] : snap->n_windows[branch];
}

/* take gives exactly [from, count), or FALSE when there is nothing new */
static void
assert_take (DidactSessionFeed *feed, DidactFeedCursor cursor, const DdSessionSnapshot *snap,
             int branch, gint64 from)
{
  gint64 to = cursor_count (snap, cursor, branch);
  DidactFeedRange range = { -1, -1 };

  if (to == from)
    {
      g_assert_false (didact_session_feed_take (feed, cursor, snap, branch, &range));
      return;
    }
  g_assert_true (didact_session_feed_take (feed, cursor, snap, branch, &range));
  g_assert_cmpint (range.from, ==, from);
  g_assert_cmpint (range.to, ==, to);
}

/* every cursor of every branch, all from the same point of each branch */
static void
assert_take_all (DidactSessionFeed *feed, const DdSessionSnapshot *snap,
                 const gint64 from[][DIDACT_FEED_N_CURSORS])
{
  for (int b = 0; b < snap->n_branches; b++)
    for (int k = 0; k < DIDACT_FEED_N_CURSORS; k++)
      assert_take (feed, k, snap, b, from[b][k]);
}

static void
assert_nothing_new (DidactSessionFeed *feed, const DdSessionSnapshot *snap)
{
  DidactFeedRange range;

  for (int b = 0; b < snap->n_branches; b++)
    for (int k = 0; k < DIDACT_FEED_N_CURSORS; k++)
      g_assert_false (didact_session_feed_take (feed, k, snap, b, &range));
}

static void
test_cursors (void)
{
  DdSession *s = small_session (20);
  g_autoptr(DidactSessionFeed) feed = didact_session_feed_new (s, phi_cell, NULL);
  DdSessionSnapshot snap, before;
  gint64 from[2][DIDACT_FEED_N_CURSORS] = { { 0 } };

  run_steps (s, 45, &snap);
  g_assert_cmpint (snap.n_branches, ==, 2);
  /* the taught branch has records of every kind; the baseline has no Φ */
  g_assert_cmpint (snap.n_windows[0], >, 0);
  g_assert_cmpint (snap.n_phi[0], >, 0);
  g_assert_cmpint (snap.n_windows[1], >, 0);
  g_assert_cmpint (snap.n_phi[1], ==, 0);
  assert_take_all (feed, &snap, from);
  assert_nothing_new (feed, &snap);

  /* more steps: only the new records, and a stale snapshot finds none */
  before = snap;
  run_steps (s, 25, &snap);
  g_assert_cmpint (snap.n_windows[0], >, before.n_windows[0]);
  g_assert_cmpint (snap.n_phi[0], >, before.n_phi[0]);
  for (int b = 0; b < 2; b++)
    for (int k = 0; k < DIDACT_FEED_N_CURSORS; k++)
      from[b][k] = cursor_count (&before, k, b);
  /* the baseline's cursors first: the taught branch's must not have moved */
  for (int b = 1; b >= 0; b--)
    for (int k = 0; k < DIDACT_FEED_N_CURSORS; k++)
      assert_take (feed, k, &snap, b, from[b][k]);
  assert_nothing_new (feed, &snap);
  assert_nothing_new (feed, &before);

  /* a rewind of one cursor of one branch reads that alone again */
  didact_session_feed_rewind (feed, DIDACT_FEED_MARGINS, 0);
  assert_take (feed, DIDACT_FEED_MARGINS, &snap, 0, 0);
  assert_nothing_new (feed, &snap);

  /* of every branch (−1) */
  didact_session_feed_rewind (feed, DIDACT_FEED_PHI, -1);
  didact_session_feed_rewind (feed, DIDACT_FEED_WINDOWS, -1);
  for (int b = 0; b < 2; b++)
    {
      assert_take (feed, DIDACT_FEED_PHI, &snap, b, 0);
      assert_take (feed, DIDACT_FEED_WINDOWS, &snap, b, 0);
    }
  assert_nothing_new (feed, &snap);

  /* of the baseline only */
  didact_session_feed_rewind (feed, DIDACT_FEED_HISTORY_TICKS, 1);
  assert_take (feed, DIDACT_FEED_HISTORY_TICKS, &snap, 1, 0);
  assert_nothing_new (feed, &snap);

  dd_session_free (s);
}

/* --- per-step curves ---------------------------------------------------------- */

/* points [first, first + n) of a curve in blocks of stride step records,
 * summed here from the records */
static void
assert_step_blocks (DdSession *s, int branch, const DidactFeedPoints *points,
                    gint64 first_record, gint64 stride)
{
  const double *ce = didact_feed_points_curve (points, DIDACT_FEED_STEP_CE);
  const double *loss = didact_feed_points_curve (points, DIDACT_FEED_STEP_LOSS);

  g_assert_cmpint (points->n_curves, ==, DIDACT_FEED_N_STEP_CURVES);
  for (gint64 p = 0; p < points->n; p++)
    {
      double sum_ce = 0, sum_loss = 0;
      gint64 last = first_record + (p + 1) * stride - 1;
      for (gint64 i = first_record + p * stride; i <= last; i++)
        {
          sum_ce += dd_session_step_record (s, branch, i)->ce;
          sum_loss += dd_session_step_record (s, branch, i)->loss;
        }
      g_assert_cmpfloat (points->x[p], ==, dd_session_step_record (s, branch, last)->step);
      g_assert_cmpfloat_with_epsilon (ce[p], sum_ce / stride, 1e-12 * fabs (ce[p]) + 1e-15);
      g_assert_cmpfloat_with_epsilon (loss[p], sum_loss / stride, 1e-12 * fabs (loss[p]) + 1e-15);
    }
}

static void
test_steps (void)
{
  DdSession *s = small_session (20);
  g_autoptr(DidactSessionFeed) feed = didact_session_feed_new (s, phi_cell, NULL);
  DdSessionSnapshot snap;
  gboolean replace = TRUE;

  /* a point per record at first, each branch on its own */
  run_steps (s, 30, &snap);
  for (int b = 0; b < 2; b++)
    {
      g_auto(DidactFeedPoints) points = { 0 };
      g_assert_cmpint (snap.n_steps[b], ==, 30);
      g_assert_true (didact_session_feed_take_steps (feed, &snap, b, &points, &replace));
      g_assert_false (replace);
      g_assert_cmpint (points.n, ==, 30);
      assert_step_blocks (s, b, &points, 0, 1);
    }
  for (int b = 0; b < 2; b++)
    {
      g_auto(DidactFeedPoints) points = { 0 };
      g_assert_false (didact_session_feed_take_steps (feed, &snap, b, &points, &replace));
    }

  /* then the new ones only */
  run_steps (s, 7, &snap);
  for (int b = 0; b < 2; b++)
    {
      g_auto(DidactFeedPoints) points = { 0 };
      g_assert_true (didact_session_feed_take_steps (feed, &snap, b, &points, &replace));
      g_assert_false (replace);
      g_assert_cmpint (points.n, ==, 7);
      assert_step_blocks (s, b, &points, 30, 1);
    }
  dd_session_free (s);
}

/* Past DIDACT_FEED_MAX_STEP_POINTS points the blocks double and the whole
 * curve comes again. Warm-up steps are cheap and recorded like any other,
 * so a session that is all warm-up gets there fast. */
static void
test_steps_double (void)
{
  const gint64 max = DIDACT_FEED_MAX_STEP_POINTS;
  DdSession *s = small_session (3 * max);
  g_autoptr(DidactSessionFeed) feed = didact_session_feed_new (s, phi_cell, NULL);
  DdSessionSnapshot snap;
  gboolean replace = TRUE;

  run_steps (s, max - 10, &snap);
  {
    g_auto(DidactFeedPoints) points = { 0 };
    g_assert_true (didact_session_feed_take_steps (feed, &snap, 1, &points, &replace));
    g_assert_false (replace);
    g_assert_cmpint (points.n, ==, max - 10);
    assert_step_blocks (s, 1, &points, 0, 1);
  }

  /* one past the limit: the whole curve in blocks of two */
  run_steps (s, 11, &snap);
  g_assert_cmpint (snap.n_steps[1], ==, max + 1);
  {
    g_auto(DidactFeedPoints) points = { 0 };
    g_assert_true (didact_session_feed_take_steps (feed, &snap, 1, &points, &replace));
    g_assert_true (replace);
    g_assert_cmpint (points.n, ==, (max + 1) / 2);
    assert_step_blocks (s, 1, &points, 0, 2);
  }

  /* the odd record waits for its block's second */
  run_steps (s, 1, &snap);
  {
    g_auto(DidactFeedPoints) points = { 0 };
    g_assert_true (didact_session_feed_take_steps (feed, &snap, 1, &points, &replace));
    g_assert_false (replace);
    g_assert_cmpint (points.n, ==, 1);
    assert_step_blocks (s, 1, &points, max, 2);
  }
  run_steps (s, 1, &snap);
  {
    g_auto(DidactFeedPoints) points = { 0 };
    /* a new record, yet no complete block */
    g_assert_true (didact_session_feed_take_steps (feed, &snap, 1, &points, &replace));
    g_assert_false (replace);
    g_assert_cmpint (points.n, ==, 0);
  }
  run_steps (s, 3, &snap);
  {
    g_auto(DidactFeedPoints) points = { 0 };
    g_assert_true (didact_session_feed_take_steps (feed, &snap, 1, &points, &replace));
    g_assert_false (replace);
    g_assert_cmpint (points.n, ==, 2);
    assert_step_blocks (s, 1, &points, max + 2, 2);
  }

  /* the taught branch, never read, gets its whole curve at once, in the
   * finest blocks that leave room to grow: at most half the limit */
  {
    g_auto(DidactFeedPoints) points = { 0 };
    gint64 n = snap.n_steps[0], stride = 1;
    while (n / stride > max / 2)
      stride *= 2;
    g_assert_cmpint (n, ==, max + 6);
    g_assert_cmpint (stride, ==, 4);
    g_assert_true (didact_session_feed_take_steps (feed, &snap, 0, &points, &replace));
    g_assert_true (replace);
    g_assert_cmpint (points.n, ==, n / stride);
    assert_step_blocks (s, 0, &points, 0, stride);
  }
  dd_session_free (s);
}

/* --- window and Φ records ----------------------------------------------------- */

/* equal, or both NaN (test error off, BLEU for images) */
static void
assert_same (double got, double expected)
{
  if (isnan (expected))
    g_assert_true (isnan (got));
  else
    g_assert_cmpfloat (got, ==, expected);
}

static void
assert_window_points (DdSession *s, DidactSessionFeed *feed, int branch,
                      const DidactFeedRange *range)
{
  const int C = dd_session_n_classes (s);
  g_auto(DidactFeedPoints) points = { 0 };
  g_auto(DidactFeedPoints) margins = { 0 };

  didact_session_feed_window_points (feed, branch, range, &points);
  didact_session_feed_margin_points (feed, branch, range, &margins);
  g_assert_cmpint (points.n, ==, range->to - range->from);
  g_assert_cmpint (points.n_curves, ==, DIDACT_FEED_N_WINDOW_CURVES);
  g_assert_cmpint (margins.n, ==, points.n);
  g_assert_cmpint (margins.n_curves, ==, C);
  for (gint64 i = 0; i < points.n; i++)
    {
      const DdWindowRecord *w = dd_session_window_record (s, branch, range->from + i);
      g_assert_cmpfloat (points.x[i], ==, w->step);
      assert_same (didact_feed_points_curve (&points, DIDACT_FEED_DEV_ERROR)[i], w->dev_error);
      assert_same (didact_feed_points_curve (&points, DIDACT_FEED_TEST_ERROR)[i], w->test_error);
      assert_same (didact_feed_points_curve (&points, DIDACT_FEED_OBJECTIVE)[i], w->dev_measure);
      assert_same (didact_feed_points_curve (&points, DIDACT_FEED_BLEU)[i], w->bleu);
      g_assert_cmpfloat (margins.x[i], ==, w->step);
      for (int c = 0; c < C; c++)
        g_assert_cmpfloat (didact_feed_points_curve (&margins, c)[i], ==, w->class_margin[c]);
    }
}

static void
assert_phi_points (DdSession *s, DidactSessionFeed *feed, int branch, const DidactFeedRange *range,
                   guint coefficient)
{
  g_auto(DidactFeedPoints) points = { 0 };

  didact_session_feed_phi_points (feed, branch, range, coefficient, &points);
  g_assert_cmpint (points.n, ==, range->to - range->from);
  g_assert_cmpint (points.n_curves, ==, 1);
  for (gint64 i = 0; i < points.n; i++)
    {
      const DdPhiRecord *p = dd_session_phi_record (s, branch, range->from + i);
      g_assert_cmpfloat (points.x[i], ==, p->step);
      g_assert_cmpfloat (points.y[i], ==, p->W[coefficient]);
    }
}

static void
test_points (void)
{
  DdSession *s = small_session (20);
  g_autoptr(DidactSessionFeed) feed = didact_session_feed_new (s, phi_cell, NULL);
  const int C = dd_session_n_classes (s), R = dd_session_phi_rows (s);
  DdSessionSnapshot snap;

  run_steps (s, 55, &snap);
  for (int b = 0; b < 2; b++)
    {
      gint64 n = snap.n_windows[b];
      DidactFeedRange all = { 0, n }, tail = { n - 2, n };
      g_assert_cmpint (all.to, >=, 3);
      assert_window_points (s, feed, b, &all);
      assert_window_points (s, feed, b, &tail);
    }
  /* a W cell, the log ε row's first and last, b's first (after W's R·C) */
  guint cells[] = { 0, C + 1, (R - 1) * C, R * C - 1, R * C };
  DidactFeedRange all = { 0, snap.n_phi[0] }, tail = { snap.n_phi[0] - 3, snap.n_phi[0] };
  g_assert_cmpint (all.to, >=, 4);
  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      assert_phi_points (s, feed, 0, &all, cells[i]);
      assert_phi_points (s, feed, 0, &tail, cells[i]);
    }

  /* an empty range: no points, yet arrays to hand on */
  DidactFeedRange none = { snap.n_phi[0], snap.n_phi[0] };
  g_auto(DidactFeedPoints) empty = { 0 };
  didact_session_feed_phi_points (feed, 0, &none, 0, &empty);
  g_assert_cmpint (empty.n, ==, 0);
  g_assert_nonnull (empty.x);
  g_assert_nonnull (empty.y);
  dd_session_free (s);
}

/* --- the timeline ------------------------------------------------------------- */

/* the newest of n records at or before step, by a linear scan; −1 if none */
static gint64
newest_at (const gint64 *steps, gint64 n, gint64 step)
{
  gint64 found = -1;

  for (gint64 i = 0; i < n && steps[i] <= step; i++)
    found = i;
  return found;
}

static void
test_lookups (void)
{
  DdSession *s = small_session (20);
  g_autoptr(DidactSessionFeed) feed = didact_session_feed_new (s, phi_cell, NULL);
  const int C = dd_session_n_classes (s);
  g_autofree double *margins = g_new (double, C);
  DdSessionSnapshot snap;

  run_steps (s, 65, &snap);
  /* steps between Φ samples, and before the first window, to look up */
  g_assert_cmpint (dd_session_phi_record (s, 0, 1)->step, >, dd_session_phi_record (s, 0, 0)->step + 1);
  g_assert_cmpint (dd_session_window_record (s, 0, 0)->step, >, 1);
  for (int b = 0; b < 2; b++)
    {
      g_autofree gint64 *phi_steps = g_new (gint64, MAX (snap.n_phi[b], 1));
      g_autofree gint64 *window_steps = g_new (gint64, snap.n_windows[b]);
      for (gint64 i = 0; i < snap.n_phi[b]; i++)
        phi_steps[i] = dd_session_phi_record (s, b, i)->step;
      for (gint64 i = 0; i < snap.n_windows[b]; i++)
        window_steps[i] = dd_session_window_record (s, b, i)->step;
      g_assert_cmpint (snap.n_windows[b], >=, 3);
      /* every step, from before the first record (0 included) to past the
       * last: at records, between them and outside */
      for (gint64 step = -1; step <= snap.step[b] + 5; step++)
        {
          gint64 p = newest_at (phi_steps, snap.n_phi[b], step);
          gint64 w = newest_at (window_steps, snap.n_windows[b], step);
          const DdPhiRecord *phi = didact_session_feed_phi_at (feed, &snap, b, step);
          const DdWindowRecord *window = didact_session_feed_window_at (feed, &snap, b, step);
          g_assert_true (phi == (p >= 0 ? dd_session_phi_record (s, b, p) : NULL));
          g_assert_true (window == (w >= 0 ? dd_session_window_record (s, b, w) : NULL));
          for (int c = 0; c < C; c++)
            margins[c] = NAN;
          didact_session_feed_margins_at (feed, &snap, b, step, margins);
          for (int c = 0; c < C; c++)
            g_assert_cmpfloat (margins[c], ==, w >= 0 ? window->class_margin[c] : 0.0);
          /* images have no hypotheses to show */
          g_assert_null (didact_session_feed_take_samples (feed, &snap, b, step));
        }
      g_assert_true (didact_session_feed_window_at (feed, &snap, b, G_MAXINT64)
                     == dd_session_window_record (s, b, snap.n_windows[b] - 1));
    }
  dd_session_free (s);
}

/* --- the journal -------------------------------------------------------------- */

static void
assert_take_journal (DidactSessionFeed *feed, DidactFeedJournalCursor cursor,
                     const DdSessionSnapshot *snap, gint64 from)
{
  DidactFeedRange range = { -1, -1 };

  g_assert_true (didact_session_feed_take_journal (feed, cursor, snap, &range));
  g_assert_cmpint (range.from, ==, from);
  g_assert_cmpint (range.to, ==, snap->n_journal);
  g_assert_false (didact_session_feed_take_journal (feed, cursor, snap, &range));
}

static void
test_journal (void)
{
  g_autoptr(GError) error = NULL;
  DdSession *s = small_session (20);
  g_autoptr(DidactSessionFeed) feed = didact_session_feed_new (s, phi_cell, NULL);
  DdSessionSnapshot snap;
  DidactFeedRange range;

  run_steps (s, 25, &snap);
  g_assert_cmpint (snap.n_journal, ==, 0);
  g_assert_cmpint (snap.failures, ==, 0);
  for (int k = 0; k < DIDACT_FEED_N_JOURNAL_CURSORS; k++)
    g_assert_false (didact_session_feed_take_journal (feed, k, &snap, &range));
  g_assert_false (didact_session_feed_take_failures (feed, &snap));

  /* an edit: once for each journal cursor */
  DdEdit lr = { .kind = DD_EDIT_STUDENT_LR, .branch = 1, .value = 0.05 };
  g_assert_true (dd_session_edit (s, &lr, &error));
  g_assert_no_error (error);
  run_steps (s, 5, &snap);
  g_assert_cmpint (snap.n_journal, ==, 1);
  g_assert_cmpint (dd_session_journal_entry (s, 0)->kind, ==, DD_EDIT_STUDENT_LR);
  for (int k = 0; k < DIDACT_FEED_N_JOURNAL_CURSORS; k++)
    assert_take_journal (feed, k, &snap, 0);
  g_assert_false (didact_session_feed_take_failures (feed, &snap));

  /* a second edit: the new entry alone; a rewind, all of them again */
  lr.value = 0.08;
  g_assert_true (dd_session_edit (s, &lr, &error));
  dd_session_snapshot (s, &snap);
  g_assert_cmpint (snap.n_journal, ==, 2);
  assert_take_journal (feed, DIDACT_FEED_JOURNAL_METRICS, &snap, 1);
  didact_session_feed_rewind_journal (feed, DIDACT_FEED_JOURNAL_SHOWN_BRANCH);
  assert_take_journal (feed, DIDACT_FEED_JOURNAL_SHOWN_BRANCH, &snap, 0);
  g_assert_false (didact_session_feed_take_failures (feed, &snap));

  /* a divergence: one failure, and its journal entry */
  DdEdit wild = { .kind = DD_EDIT_STUDENT_LR, .branch = 0, .value = 1e35 };
  g_assert_true (dd_session_edit (s, &wild, &error));
  for (int i = 0; i < 20 && snap.failures == 0; i++)
    run_steps (s, 1, &snap);
  g_assert_cmpint (snap.failures, ==, 1);
  g_assert_cmpint (dd_session_journal_entry (s, snap.n_journal - 1)->kind, ==, DD_EDIT_FAILURE);
  g_assert_true (didact_session_feed_take_failures (feed, &snap));
  g_assert_false (didact_session_feed_take_failures (feed, &snap));
  for (int k = 0; k < DIDACT_FEED_N_JOURNAL_CURSORS; k++)
    assert_take_journal (feed, k, &snap, 2);
  dd_session_free (s);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  digits = dd_data_load ("digits", &error);
  g_assert_no_error (error);
  g_test_add_func ("/session-feed/cursors", test_cursors);
  g_test_add_func ("/session-feed/steps", test_steps);
  g_test_add_func ("/session-feed/steps-double", test_steps_double);
  g_test_add_func ("/session-feed/points", test_points);
  g_test_add_func ("/session-feed/lookups", test_lookups);
  g_test_add_func ("/session-feed/journal", test_journal);
  status = g_test_run ();
  g_clear_pointer (&digits, dd_data_free);
  return status;
}
