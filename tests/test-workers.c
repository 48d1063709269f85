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
 * fewer workers than the pool has threads; the process's shared pool from
 * inside one of its runs and from two threads at once, where a run that
 * finds the pool busy makes its calls in turn on its own thread.
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

/* a run from inside a run of the same pool: its calls run in turn on the
 * calling worker's thread (no deadlock) */
typedef struct {
  DdWorkers *pool;
  Job        inner[3];
} Nested;

static void
nested_work (int w, gpointer data)
{
  Nested *job = data;
  Job *in = &job->inner[w];

  memset (in->calls, 0, sizeof in->calls);
  in->n = 3;
  in->run = 100 + w;
  dd_workers_run (job->pool, 3, work, in);
}

static void
test_nested (void)
{
  DdWorkers *pool = dd_workers_shared (3);
  Nested job = { .pool = pool };

  g_assert_true (dd_workers_shared (3) == pool);
  g_assert_cmpint (dd_workers_n_threads (pool), ==, 3);
  dd_workers_run (pool, 3, nested_work, &job);
  for (int w = 0; w < 3; w++)
    for (int u = 0; u < 3; u++)
      {
        g_assert_cmpint (job.inner[w].calls[u], ==, 1);
        g_assert_cmpuint (job.inner[w].seen[u], ==, (guint64) (100 + w));
        /* all on the thread of the outer call that made the inner run */
        g_assert_true (job.inner[w].thread[u] == job.inner[w].thread[0]);
      }
}

/* two threads running on the shared pool at once: each run complete */
static gpointer
hammer (gpointer data)
{
  Job job = { 0 };

  for (guint64 r = 1; r <= 2000; r++)
    {
      memset (job.calls, 0, sizeof job.calls);
      job.n = 2;
      job.run = r;
      dd_workers_run (data, 2, work, &job);
      for (int w = 0; w < 2; w++)
        {
          g_assert_cmpint (job.calls[w], ==, 1);
          g_assert_cmpuint (job.seen[w], ==, r);
        }
    }
  return NULL;
}

static void
test_shared_from_two_threads (void)
{
  DdWorkers *pool = dd_workers_shared (2);
  GThread *a = g_thread_new ("a", hammer, pool), *b = g_thread_new ("b", hammer, pool);

  g_thread_join (a);
  g_thread_join (b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/workers/back-to-back", test_back_to_back);
  g_test_add_func ("/workers/after-pauses", test_after_pauses);
  g_test_add_func ("/workers/free", test_free);
  g_test_add_func ("/workers/nested", test_nested);
  g_test_add_func ("/workers/shared-from-two-threads", test_shared_from_two_threads);
  return g_test_run ();
}
