/* test-workers.c: the engine's fork-join pool
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * dd_workers_run must call fn once for each w < n, each on its own thread
 * (w = 0 on the caller's), and return only when all have returned, with
 * their writes visible. Its threads hand off by spinning for a while and
 * then by sleeping, so the runs below come both back to back (the spinning
 * path) and after pauses longer than the spin (the sleeping path), and with
 * fewer workers than the pool has threads.
 */
#include "dd-workers.h"

#include <glib.h>
#include <string.h>

typedef struct {
  int      n;
  guint64  run;          /* the run's number, written by the caller */
  guint64  seen[8];      /* w's record of the run it served */
  gpointer thread[8];    /* the thread that served w */
  gint     calls[8];
} Job;

static void
work (int w, gpointer data)
{
  Job *job = data;

  g_assert_cmpint (w, <, job->n);
  job->seen[w] = job->run;
  job->thread[w] = g_thread_self ();
  g_atomic_int_inc (&job->calls[w]);
}

/* one run of n workers: each w once, on distinct threads, w = 0 here */
static void
check_run (DdWorkers *pool, Job *job, int n, guint64 run)
{
  memset (job->calls, 0, sizeof job->calls);
  job->n = n;
  job->run = run;
  dd_workers_run (pool, n, work, job);
  for (int w = 0; w < 8; w++)
    g_assert_cmpint (job->calls[w], ==, w < n ? 1 : 0);
  for (int w = 0; w < n; w++)
    {
      /* the worker's write is visible once the run has returned */
      g_assert_cmpuint (job->seen[w], ==, run);
      for (int u = 0; u < w; u++)
        g_assert_true (job->thread[w] != job->thread[u]);
    }
  g_assert_true (job->thread[0] == g_thread_self ());
}

static void
test_back_to_back (void)
{
  g_autoptr(DdWorkers) pool = dd_workers_new (4);
  Job job = { 0 };

  g_assert_cmpint (dd_workers_n_threads (pool), ==, 4);
  for (guint64 r = 1; r <= 5000; r++)
    check_run (pool, &job, 1 + (int) (r % 4), r);
}

static void
test_after_pauses (void)
{
  g_autoptr(DdWorkers) pool = dd_workers_new (3);
  Job job = { 0 };

  /* 2 ms pauses: longer than any spin, so every hand-off sleeps */
  for (guint64 r = 1; r <= 60; r++)
    {
      check_run (pool, &job, r % 2 ? 3 : 2, r);
      g_usleep (2000);
    }
}

/* freed while its threads spin, and while they sleep */
static void
test_free (void)
{
  Job job = { 0 };

  for (int i = 0; i < 50; i++)
    {
      DdWorkers *pool = dd_workers_new (2);
      check_run (pool, &job, 2, 1);
      if (i % 2)
        g_usleep (2000);
      dd_workers_free (pool);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/workers/back-to-back", test_back_to_back);
  g_test_add_func ("/workers/after-pauses", test_after_pauses);
  g_test_add_func ("/workers/free", test_free);
  return g_test_run ();
}
