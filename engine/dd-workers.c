/* dd-workers.c: a fork-join pool of persistent threads
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POSIX threads and mutexes rather than GThreadPool: the pool's hand-offs
 * are then visible to ThreadSanitizer, which does not see GLib's futexes.
 * Thread i always runs w = i + 1, so a run's split does not depend on which
 * thread woke first.
 */
#include "dd-private.h"
#include "dd-workers.h"

#include <pthread.h>

typedef struct {
  DdWorkers *pool;
  int        w;
} ThreadArg;

struct _DdWorkers {
  int              n_threads;
  int              n_started;   /* threads made: n_threads − 1 */
  pthread_t       *threads;
  ThreadArg       *args;
  pthread_mutex_t  lock;
  pthread_cond_t   start_cond, done_cond;
  guint64          generation;  /* runs started */
  int              n_active;    /* the current run's n */
  int              left;        /* its calls on the pool's threads not yet returned */
  gboolean         quit;
  DdWorkFn         fn;
  gpointer         data;
};

static void *
thread_main (void *p)
{
  const ThreadArg *arg = p;
  DdWorkers *pool = arg->pool;
  guint64 seen = 0;

  pthread_mutex_lock (&pool->lock);
  for (;;)
    {
      while (!pool->quit && pool->generation == seen)
        pthread_cond_wait (&pool->start_cond, &pool->lock);
      if (pool->quit)
        break;
      seen = pool->generation;
      if (arg->w >= pool->n_active)
        continue;
      DdWorkFn fn = pool->fn;
      gpointer data = pool->data;
      pthread_mutex_unlock (&pool->lock);
      fn (arg->w, data);
      pthread_mutex_lock (&pool->lock);
      if (--pool->left == 0)
        pthread_cond_signal (&pool->done_cond);
    }
  pthread_mutex_unlock (&pool->lock);
  return NULL;
}

DdWorkers *
dd_workers_new (int n_threads)
{
  g_return_val_if_fail (n_threads >= 1, NULL);

  DdWorkers *pool = g_new0 (DdWorkers, 1);
  pthread_mutex_init (&pool->lock, NULL);
  pthread_cond_init (&pool->start_cond, NULL);
  pthread_cond_init (&pool->done_cond, NULL);
  pool->threads = g_new0 (pthread_t, MAX (n_threads - 1, 1));
  pool->args = g_new0 (ThreadArg, MAX (n_threads - 1, 1));
  for (int i = 0; i < n_threads - 1; i++)
    {
      pool->args[i] = (ThreadArg) { pool, i + 1 };
      int err = pthread_create (&pool->threads[i], NULL, thread_main, &pool->args[i]);
      if (err != 0)
        {
          g_warning ("the engine's worker threads could not all start (%s); "
                     "running on %d", g_strerror (err), i + 1);
          break;
        }
      pool->n_started++;
    }
  pool->n_threads = pool->n_started + 1;
  return pool;
}

void
dd_workers_free (DdWorkers *pool)
{
  if (pool == NULL)
    return;
  pthread_mutex_lock (&pool->lock);
  pool->quit = TRUE;
  pthread_cond_broadcast (&pool->start_cond);
  pthread_mutex_unlock (&pool->lock);
  for (int i = 0; i < pool->n_started; i++)
    pthread_join (pool->threads[i], NULL);
  pthread_mutex_destroy (&pool->lock);
  pthread_cond_destroy (&pool->start_cond);
  pthread_cond_destroy (&pool->done_cond);
  g_free (pool->threads);
  g_free (pool->args);
  g_free (pool);
}

int
dd_workers_n_threads (const DdWorkers *pool)
{
  return pool->n_threads;
}

void
dd_workers_run (DdWorkers *pool, int n, DdWorkFn fn, gpointer data)
{
  g_return_if_fail (pool != NULL && fn != NULL);
  g_return_if_fail (n >= 1 && n <= pool->n_threads);

  if (n == 1)
    {
      fn (0, data);
      return;
    }
  pthread_mutex_lock (&pool->lock);
  pool->fn = fn;
  pool->data = data;
  pool->n_active = n;
  pool->left = n - 1;
  pool->generation++;
  pthread_cond_broadcast (&pool->start_cond);
  pthread_mutex_unlock (&pool->lock);
  fn (0, data);
  pthread_mutex_lock (&pool->lock);
  while (pool->left > 0)
    pthread_cond_wait (&pool->done_cond, &pool->lock);
  pthread_mutex_unlock (&pool->lock);
}
