/* didact-session-feed.h: a session's records as points for the plots
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session appends records in its worker thread; the window reads them on
 * the main thread, a frame at a time. The feed is that reading side without
 * the widgets: per branch it keeps how far each consumer has read (a cursor
 * per kind of record), turns the records that are new since into plain
 * arrays — an x array and curves over it — and answers the timeline's
 * question, which record was current at a step.
 *
 * Arrays go out; plots do not come in. The feed then needs nothing but GLib
 * and the engine's public header, so it can be tested without a display,
 * and the window alone decides which plot, series and style a curve goes
 * to. Nor does the feed know Φ's layout: a coefficient's trace reads each
 * record through the function the window gives at creation
 * (didact-window-phi.c owns the layout).
 *
 * Every call takes the snapshot the caller holds: records below its counts
 * are immutable (dd-session.h), so the feed reads them without a lock.
 */
#pragma once

#include "didact-engine.h"

G_BEGIN_DECLS

typedef struct _DidactSessionFeed DidactSessionFeed;

/* An x array and n_curves curves over it, curve k at y + k·n; owned. */
typedef struct
{
  gint64  n;
  int     n_curves;
  double *x;                   /* (n) student steps */
  double *y;                   /* (n_curves, n) */
} DidactFeedPoints;

/* The records [from, to) of one kind. */
typedef struct
{
  gint64 from, to;
} DidactFeedRange;

/* the per-step curves, in the order of DidactFeedPoints' y */
enum
{
  DIDACT_FEED_STEP_CE,         /* the minibatch's cross-entropy */
  DIDACT_FEED_STEP_LOSS,       /* the training loss (L_Φ) */
  DIDACT_FEED_N_STEP_CURVES
};

/* the window records' curves */
enum
{
  DIDACT_FEED_DEV_ERROR,
  DIDACT_FEED_TEST_ERROR,
  DIDACT_FEED_OBJECTIVE,       /* the teacher's objective M on dev */
  DIDACT_FEED_BLEU,            /* translation: corpus BLEU on dev */
  DIDACT_FEED_N_WINDOW_CURVES
};

/* Who reads which records, each with a cursor per branch. */
typedef enum
{
  DIDACT_FEED_WINDOWS,         /* window records: metrics and their update ticks */
  DIDACT_FEED_MARGINS,         /* window records: per-class margin curves */
  DIDACT_FEED_HISTORY_TICKS,   /* window records: update ticks on the coefficient history */
  DIDACT_FEED_PHI,             /* Φ records: coefficient traces */
  DIDACT_FEED_N_CURSORS
} DidactFeedCursor;

/* Who reads the journal (one cursor each, over every branch). */
typedef enum
{
  DIDACT_FEED_JOURNAL_METRICS,      /* the metrics plot, which shows every branch */
  DIDACT_FEED_JOURNAL_SHOWN_BRANCH, /* the plots of the shown branch, cleared when it changes */
  DIDACT_FEED_N_JOURNAL_CURSORS
} DidactFeedJournalCursor;

/* One coefficient of a Φ record, by an index only the caller interprets. */
typedef double (*DidactFeedPhiValue) (const DdPhiRecord *record,
                                      guint              coefficient,
                                      gpointer           user_data);

/* session is borrowed and must outlive the feed */
DidactSessionFeed *didact_session_feed_new   (DdSession          *session,
                                              DidactFeedPhiValue  phi_value,
                                              gpointer            user_data);
void               didact_session_feed_free  (DidactSessionFeed  *feed);

/* The records of cursor's kind that branch has gained since the last take:
 * FALSE if none, else their range, and the cursor moves past them. */
gboolean didact_session_feed_take          (DidactSessionFeed       *feed,
                                            DidactFeedCursor         cursor,
                                            const DdSessionSnapshot *snap,
                                            int                      branch,
                                            DidactFeedRange         *out);
/* reads a branch's records (every branch's for −1) again from the first */
void     didact_session_feed_rewind        (DidactSessionFeed       *feed,
                                            DidactFeedCursor         cursor,
                                            int                      branch);
gboolean didact_session_feed_take_journal  (DidactSessionFeed       *feed,
                                            DidactFeedJournalCursor  cursor,
                                            const DdSessionSnapshot *snap,
                                            DidactFeedRange         *out);
void     didact_session_feed_rewind_journal (DidactSessionFeed      *feed,
                                             DidactFeedJournalCursor cursor);
/* TRUE once for each new failure the snapshot counts */
gboolean didact_session_feed_take_failures (DidactSessionFeed       *feed,
                                            const DdSessionSnapshot *snap);

/* The per-step curves of branch, if it has new step records: each point is
 * the mean of a block of `stride` records, x the block's last step. Past
 * DIDACT_FEED_MAX_STEP_POINTS points the blocks double (as often as needed to
 * leave at most half that many) and *replace is set:
 * the points are then the whole curve, otherwise the ones to append (maybe
 * none: an incomplete block waits). FALSE without new step records. */
#define DIDACT_FEED_MAX_STEP_POINTS 8192
gboolean didact_session_feed_take_steps    (DidactSessionFeed       *feed,
                                            const DdSessionSnapshot *snap,
                                            int                      branch,
                                            DidactFeedPoints        *out,
                                            gboolean                *replace);

/* The curves of branch's window records in range (DIDACT_FEED_DEV_ERROR…). */
void     didact_session_feed_window_points (DidactSessionFeed       *feed,
                                            int                      branch,
                                            const DidactFeedRange   *range,
                                            DidactFeedPoints        *out);
/* The per-class dev margins of those records: one curve per class. */
void     didact_session_feed_margin_points (DidactSessionFeed       *feed,
                                            int                      branch,
                                            const DidactFeedRange   *range,
                                            DidactFeedPoints        *out);
/* One Φ coefficient over branch's Φ records in range. */
void     didact_session_feed_phi_points    (DidactSessionFeed       *feed,
                                            int                      branch,
                                            const DidactFeedRange   *range,
                                            guint                    coefficient,
                                            DidactFeedPoints        *out);

/* The timeline: branch's newest record at or before step, or NULL. */
const DdPhiRecord    *didact_session_feed_phi_at     (DidactSessionFeed       *feed,
                                                      const DdSessionSnapshot *snap,
                                                      int                      branch,
                                                      gint64                   step);
const DdWindowRecord *didact_session_feed_window_at  (DidactSessionFeed       *feed,
                                                      const DdSessionSnapshot *snap,
                                                      int                      branch,
                                                      gint64                   step);
/* the class margins (C) of the window record at step; zeros before the first */
void                  didact_session_feed_margins_at (DidactSessionFeed       *feed,
                                                      const DdSessionSnapshot *snap,
                                                      int                      branch,
                                                      gint64                   step,
                                                      double                  *out);
/* Translation: the window record at step whose hypotheses to show, or NULL
 * if it is the one shown last or has none. */
const DdWindowRecord *didact_session_feed_take_samples (DidactSessionFeed       *feed,
                                                        const DdSessionSnapshot *snap,
                                                        int                      branch,
                                                        gint64                   step);

void didact_feed_points_clear (DidactFeedPoints *points);

static inline const double *
didact_feed_points_curve (const DidactFeedPoints *points, int k)
{
  return points->y + (gsize) k * (gsize) points->n;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DidactSessionFeed, didact_session_feed_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DidactFeedPoints, didact_feed_points_clear)

G_END_DECLS
