/* dd-workers.c: a fork-join pool of persistent threads
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POSIX threads and mutexes rather than GThreadPool: the pool's hand-offs
 * are then visible to ThreadSanitizer, which does not see GLib's futexes
 * (the spinning below uses the compiler's atomics, which it does see).
 * Thread i always runs w = i + 1, so a run's split does not depend on which
 * thread woke first.
 *
 * Hand-offs spin before they sleep. A step of a small student forks and
 * joins several times within a millisecond, and waking a thread from a
 * condition variable took about 50 µs a fork-join here (tests/bench-split:
 * a batch-20 MLP step split on this pool gained 1.2–1.3× where the same
 * split with spinning barriers gained 1.6–1.8×). So a thread that finishes
 * its part watches for the next run for up to DD_WORKERS_SPIN_US before it
 * waits on the condition variable, and the caller watches for the others'
 * parts as long before it waits for them, yielding the core now and then
 * to any thread that is ready. Between runs further apart the threads
 * sleep, as before.
 */
#include "dd-private.h"
#include "dd-workers.h"

#include <pthread.h>
#include <sched.h>

/* how long a hand-off spins before it sleeps */
#define DD_WORKERS_SPIN_US 200

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
  pthread_mutex_t  busy;        /* held by the caller of a run */
  pthread_cond_t   start_cond, done_cond;
  /* atomics: runs started; the pool's threads that have not yet answered
   * the current run; quit */
  guint64          generation;
  int              left;
  int              quit;
  /* under lock: threads asleep on start_cond; the caller asleep on done_cond */
  int              sleepers;
  gboolean         caller_sleeps;
  /* the current run, written before generation is advanced (release) */
  int              n_active;
  DdWorkFn         fn;
  gpointer         data;
};

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#endif
}

/* every 64 turns of a spin: the time, and the core to any other thread
 * that is ready (the one being waited for, when there are more threads
 * than cores); FALSE once the spin has lasted until `until` */
static gboolean
spin_turn (int i, gint64 until)
{
  if ((i & 63) != 63)
    return TRUE;
  sched_yield ();
  return g_get_monotonic_time () <= until;
}

/* TRUE once *x differs from old (acquire), spinning up to the bound */
static gboolean
spin_until_changed (const guint64 *x, guint64 old, const int *quit)
{
  const gint64 until = g_get_monotonic_time () + DD_WORKERS_SPIN_US;

  for (int i = 0;; i++)
    {
      if (__atomic_load_n (x, __ATOMIC_ACQUIRE) != old || __atomic_load_n (quit, __ATOMIC_ACQUIRE))
        return TRUE;
      cpu_relax ();
      if (!spin_turn (i, until))
        return FALSE;
    }
}

static gboolean
spin_until_zero (const int *x)
{
  const gint64 until = g_get_monotonic_time () + DD_WORKERS_SPIN_US;

  for (int i = 0;; i++)
    {
      if (__atomic_load_n (x, __ATOMIC_ACQUIRE) == 0)
        return TRUE;
      cpu_relax ();
      if (!spin_turn (i, until))
        return FALSE;
    }
}

static void *
thread_main (void *p)
{
  const ThreadArg *arg = p;
  DdWorkers *pool = arg->pool;
  guint64 seen = 0;

  for (;;)
    {
      if (!spin_until_changed (&pool->generation, seen, &pool->quit))
        {
          pthread_mutex_lock (&pool->lock);
          while (!__atomic_load_n (&pool->quit, __ATOMIC_ACQUIRE) &&
                 __atomic_load_n (&pool->generation, __ATOMIC_ACQUIRE) == seen)
            {
              pool->sleepers++;
              pthread_cond_wait (&pool->start_cond, &pool->lock);
              pool->sleepers--;
            }
          pthread_mutex_unlock (&pool->lock);
        }
      if (__atomic_load_n (&pool->quit, __ATOMIC_ACQUIRE))
        break;
      seen++;  /* runs are one at a time: each waits for every thread */
      if (arg->w < pool->n_active)
        pool->fn (arg->w, pool->data);
      if (__atomic_sub_fetch (&pool->left, 1, __ATOMIC_ACQ_REL) == 0)
        {
          pthread_mutex_lock (&pool->lock);
          if (pool->caller_sleeps)
            pthread_cond_signal (&pool->done_cond);
          pthread_mutex_unlock (&pool->lock);
        }
    }
  return NULL;
}

DdWorkers *
dd_workers_new (int n_threads)
{
  g_return_val_if_fail (n_threads >= 1, NULL);

  DdWorkers *pool = g_new0 (DdWorkers, 1);
  pthread_mutex_init (&pool->lock, NULL);
  pthread_mutex_init (&pool->busy, NULL);
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
  __atomic_store_n (&pool->quit, 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast (&pool->start_cond);
  pthread_mutex_unlock (&pool->lock);
  for (int i = 0; i < pool->n_started; i++)
    pthread_join (pool->threads[i], NULL);
  pthread_mutex_destroy (&pool->lock);
  pthread_mutex_destroy (&pool->busy);
  pthread_cond_destroy (&pool->start_cond);
  pthread_cond_destroy (&pool->done_cond);
  g_free (pool->threads);
  g_free (pool->args);
  g_free (pool);
}

#define DD_WORKERS_MAX_SHARED 64

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static DdWorkers *shared[DD_WORKERS_MAX_SHARED + 1];

DdWorkers *
dd_workers_shared (int n_threads)
{
  g_return_val_if_fail (n_threads >= 1 && n_threads <= DD_WORKERS_MAX_SHARED, NULL);

  pthread_mutex_lock (&shared_lock);
  if (shared[n_threads] == NULL)
    shared[n_threads] = dd_workers_new (n_threads);
  DdWorkers *pool = shared[n_threads];
  pthread_mutex_unlock (&shared_lock);
  return pool;
}

guint64
dd_workers_runs (const DdWorkers *pool)
{
  return __atomic_load_n (&pool->generation, __ATOMIC_ACQUIRE);
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
  if (pthread_mutex_trylock (&pool->busy) != 0)
    {
      /* busy: the same calls here, in order */
      for (int w = 0; w < n; w++)
        fn (w, data);
      return;
    }
  /* every thread of the pool answers every run (those past n at once), so
   * when the last run's caller returned no thread was still reading its
   * description: it is ours to write */
  pool->fn = fn;
  pool->data = data;
  pool->n_active = n;
  __atomic_store_n (&pool->left, pool->n_started, __ATOMIC_RELAXED);
  pthread_mutex_lock (&pool->lock);
  __atomic_add_fetch (&pool->generation, 1, __ATOMIC_RELEASE);
  if (pool->sleepers > 0)
    pthread_cond_broadcast (&pool->start_cond);
  pthread_mutex_unlock (&pool->lock);
  fn (0, data);
  if (!spin_until_zero (&pool->left))
    {
      pthread_mutex_lock (&pool->lock);
      while (__atomic_load_n (&pool->left, __ATOMIC_ACQUIRE) > 0)
        {
          pool->caller_sleeps = TRUE;
          pthread_cond_wait (&pool->done_cond, &pool->lock);
        }
      pool->caller_sleeps = FALSE;
      pthread_mutex_unlock (&pool->lock);
    }
  pthread_mutex_unlock (&pool->busy);
}

typedef struct {
  int       n;
  size_t    len;
  DdRangeFn fn;
  gpointer  data;
} ForJob;

static void
work_for (int w, gpointer data)
{
  const ForJob *job = data;

  job->fn (w, job->len * (size_t) w / job->n, job->len * (size_t) (w + 1) / job->n, job->data);
}

void
dd_workers_for (DdWorkers *pool, int n, size_t len, DdRangeFn fn, gpointer data)
{
  ForJob job = { n, len, fn, data };

  g_return_if_fail (n >= 1);
  if (n == 1)
    fn (0, 0, len, data);
  else
    dd_workers_run (pool, n, work_for, &job);
}
