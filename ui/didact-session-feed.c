/* didact-session-feed.c: a session's records as points for the plots
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No widgets here (see the header): cursors, arrays and binary searches
 * over the session's append-only records.
 */
/* also compiled into its headless test, which sets its own */
#ifndef G_LOG_DOMAIN
#define G_LOG_DOMAIN "Didact-UI"
#endif

#include "didact-session-feed.h"

/* how far one branch's records have been read */
typedef struct
{
  gint64 read[DIDACT_FEED_N_CURSORS];
  gint64 steps;                /* step records read */
  gint64 stride;               /* step records averaged into one point */
  gint64 drawn;                /* step records in the points handed out */
  gint64 samples;              /* the window record last shown as samples, + 1 */
} BranchCursors;

struct _DidactSessionFeed
{
  DdSession         *session;  /* borrowed */
  int                n_classes;
  DidactFeedPhiValue phi_value;
  gpointer           phi_data;
  BranchCursors      branches[DD_SESSION_MAX_BRANCHES];
  gint64             journal[DIDACT_FEED_N_JOURNAL_CURSORS];
  gint64             failures;
};

DidactSessionFeed *
didact_session_feed_new (DdSession *session, DidactFeedPhiValue phi_value, gpointer user_data)
{
  g_return_val_if_fail (session != NULL, NULL);

  DidactSessionFeed *feed = g_new0 (DidactSessionFeed, 1);
  feed->session = session;
  feed->n_classes = dd_session_n_classes (session);
  feed->phi_value = phi_value;
  feed->phi_data = user_data;
  for (int b = 0; b < DD_SESSION_MAX_BRANCHES; b++)
    feed->branches[b].stride = 1;
  return feed;
}

void
didact_session_feed_free (DidactSessionFeed *feed)
{
  g_free (feed);
}

void
didact_feed_points_clear (DidactFeedPoints *points)
{
  g_clear_pointer (&points->x, g_free);
  g_clear_pointer (&points->y, g_free);
  points->n = 0;
  points->n_curves = 0;
}

/* room for n points of n_curves curves (never a NULL array) */
static void
points_alloc (DidactFeedPoints *out, gint64 n, int n_curves)
{
  out->n = n;
  out->n_curves = n_curves;
  out->x = g_new (double, MAX (n, 1));
  out->y = g_new (double, MAX (n, 1) * n_curves);
}

static double *
curve (DidactFeedPoints *points, int k)
{
  return points->y + (gsize) k * (gsize) points->n;
}

/* --- cursors ------------------------------------------------------------------ */

static gboolean
advance (gint64 *cursor, gint64 available, DidactFeedRange *out)
{
  if (available <= *cursor)
    return FALSE;
  out->from = *cursor;
  out->to = available;
  *cursor = available;
  return TRUE;
}

gboolean
didact_session_feed_take (DidactSessionFeed *feed, DidactFeedCursor cursor,
                          const DdSessionSnapshot *snap, int branch, DidactFeedRange *out)
{
  g_return_val_if_fail (cursor < DIDACT_FEED_N_CURSORS, FALSE);
  g_return_val_if_fail (branch >= 0 && branch < snap->n_branches, FALSE);

  gint64 available = cursor == DIDACT_FEED_PHI ? snap->n_phi[branch] : snap->n_windows[branch];
  return advance (&feed->branches[branch].read[cursor], available, out);
}

void
didact_session_feed_rewind (DidactSessionFeed *feed, DidactFeedCursor cursor, int branch)
{
  g_return_if_fail (cursor < DIDACT_FEED_N_CURSORS);
  g_return_if_fail (branch >= -1 && branch < DD_SESSION_MAX_BRANCHES);

  for (int b = 0; b < DD_SESSION_MAX_BRANCHES; b++)
    if (branch < 0 || b == branch)
      feed->branches[b].read[cursor] = 0;
}

gboolean
didact_session_feed_take_journal (DidactSessionFeed *feed, DidactFeedJournalCursor cursor,
                                  const DdSessionSnapshot *snap, DidactFeedRange *out)
{
  g_return_val_if_fail (cursor < DIDACT_FEED_N_JOURNAL_CURSORS, FALSE);
  return advance (&feed->journal[cursor], snap->n_journal, out);
}

void
didact_session_feed_rewind_journal (DidactSessionFeed *feed, DidactFeedJournalCursor cursor)
{
  g_return_if_fail (cursor < DIDACT_FEED_N_JOURNAL_CURSORS);
  feed->journal[cursor] = 0;
}

gboolean
didact_session_feed_take_failures (DidactSessionFeed *feed, const DdSessionSnapshot *snap)
{
  DidactFeedRange unused;
  return advance (&feed->failures, snap->failures, &unused);
}

/* --- per-step curves ---------------------------------------------------------- */

/* The mean of each complete block of `stride` step records from `from` up
 * to `to`: x is the block's last step. */
static void
step_points (DidactSessionFeed *feed, int b, gint64 from, gint64 to, gint64 stride,
             DidactFeedPoints *out)
{
  gint64 n = (to - from) / stride;

  points_alloc (out, n, DIDACT_FEED_N_STEP_CURVES);
  double *ce = curve (out, DIDACT_FEED_STEP_CE), *loss = curve (out, DIDACT_FEED_STEP_LOSS);
  for (gint64 p = 0; p < n; p++)
    {
      double sc = 0, sl = 0;
      const DdStepRecord *r = NULL;
      for (gint64 i = 0; i < stride; i++)
        {
          r = dd_session_step_record (feed->session, b, from + p * stride + i);
          sc += r->ce;
          sl += r->loss;
        }
      out->x[p] = (double) r->step;
      ce[p] = sc / stride;
      loss[p] = sl / stride;
    }
}

gboolean
didact_session_feed_take_steps (DidactSessionFeed *feed, const DdSessionSnapshot *snap, int branch,
                                DidactFeedPoints *out, gboolean *replace)
{
  g_return_val_if_fail (branch >= 0 && branch < snap->n_branches, FALSE);

  BranchCursors *c = &feed->branches[branch];
  gint64 to = snap->n_steps[branch];

  if (to <= c->steps)
    return FALSE;
  c->steps = to;
  *replace = to / c->stride > DIDACT_FEED_MAX_STEP_POINTS;
  if (*replace)
    {
      /* coarser blocks: the whole curve again from the session's records */
      while (to / c->stride > DIDACT_FEED_MAX_STEP_POINTS / 2)
        c->stride *= 2;
      c->drawn = 0;
    }
  step_points (feed, branch, c->drawn, to, c->stride, out);
  c->drawn += out->n * c->stride;
  return TRUE;
}

/* --- window and Φ records ----------------------------------------------------- */

void
didact_session_feed_window_points (DidactSessionFeed *feed, int branch, const DidactFeedRange *range,
                                   DidactFeedPoints *out)
{
  gint64 n = range->to - range->from;

  points_alloc (out, n, DIDACT_FEED_N_WINDOW_CURVES);
  double *dev = curve (out, DIDACT_FEED_DEV_ERROR), *test = curve (out, DIDACT_FEED_TEST_ERROR);
  double *obj = curve (out, DIDACT_FEED_OBJECTIVE), *bleu = curve (out, DIDACT_FEED_BLEU);
  for (gint64 i = 0; i < n; i++)
    {
      const DdWindowRecord *w = dd_session_window_record (feed->session, branch, range->from + i);
      out->x[i] = (double) w->step;
      dev[i] = w->dev_error;
      test[i] = w->test_error;
      obj[i] = w->dev_measure;
      bleu[i] = w->bleu;
    }
}

void
didact_session_feed_margin_points (DidactSessionFeed *feed, int branch, const DidactFeedRange *range,
                                   DidactFeedPoints *out)
{
  gint64 n = range->to - range->from;

  points_alloc (out, n, feed->n_classes);
  for (gint64 i = 0; i < n; i++)
    {
      const DdWindowRecord *w = dd_session_window_record (feed->session, branch, range->from + i);
      out->x[i] = (double) w->step;
      for (int c = 0; c < feed->n_classes; c++)
        curve (out, c)[i] = w->class_margin[c];
    }
}

void
didact_session_feed_phi_points (DidactSessionFeed *feed, int branch, const DidactFeedRange *range,
                                guint coefficient, DidactFeedPoints *out)
{
  gint64 n = range->to - range->from;

  points_alloc (out, n, 1);
  for (gint64 i = 0; i < n; i++)
    {
      const DdPhiRecord *p = dd_session_phi_record (feed->session, branch, range->from + i);
      out->x[i] = (double) p->step;
      out->y[i] = feed->phi_value (p, coefficient, feed->phi_data);
    }
}

/* --- the timeline ------------------------------------------------------------- */

typedef gint64 (*StepOf) (DdSession *session, int branch, gint64 i);

static gint64
phi_step (DdSession *session, int branch, gint64 i)
{
  return dd_session_phi_record (session, branch, i)->step;
}

static gint64
window_step (DdSession *session, int branch, gint64 i)
{
  return dd_session_window_record (session, branch, i)->step;
}

/* the newest of n records at or before step, by binary search; −1 if none */
static gint64
index_at (DdSession *session, int branch, gint64 n, gint64 step, StepOf step_of)
{
  gint64 lo = 0, hi = n - 1, best = -1;

  while (lo <= hi)
    {
      gint64 mid = (lo + hi) / 2;
      if (step_of (session, branch, mid) <= step)
        {
          best = mid;
          lo = mid + 1;
        }
      else
        hi = mid - 1;
    }
  return best;
}

static gint64
window_index_at (DidactSessionFeed *feed, const DdSessionSnapshot *snap, int branch, gint64 step)
{
  return index_at (feed->session, branch, snap->n_windows[branch], step, window_step);
}

const DdPhiRecord *
didact_session_feed_phi_at (DidactSessionFeed *feed, const DdSessionSnapshot *snap, int branch,
                            gint64 step)
{
  gint64 i = index_at (feed->session, branch, snap->n_phi[branch], step, phi_step);
  return i >= 0 ? dd_session_phi_record (feed->session, branch, i) : NULL;
}

const DdWindowRecord *
didact_session_feed_window_at (DidactSessionFeed *feed, const DdSessionSnapshot *snap, int branch,
                               gint64 step)
{
  gint64 i = window_index_at (feed, snap, branch, step);
  return i >= 0 ? dd_session_window_record (feed->session, branch, i) : NULL;
}

void
didact_session_feed_margins_at (DidactSessionFeed *feed, const DdSessionSnapshot *snap, int branch,
                                gint64 step, double *out)
{
  const DdWindowRecord *w = didact_session_feed_window_at (feed, snap, branch, step);

  for (int c = 0; c < feed->n_classes; c++)
    out[c] = w != NULL ? w->class_margin[c] : 0.0;
}

const DdWindowRecord *
didact_session_feed_take_samples (DidactSessionFeed *feed, const DdSessionSnapshot *snap, int branch,
                                  gint64 step)
{
  BranchCursors *c = &feed->branches[branch];
  gint64 i = window_index_at (feed, snap, branch, step);

  if (i < 0 || i + 1 == c->samples)
    return NULL;
  const DdWindowRecord *w = dd_session_window_record (feed->session, branch, i);
  if (w->hypotheses == NULL)
    return NULL;
  c->samples = i + 1;
  return w;
}
