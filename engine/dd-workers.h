/* dd-workers.h: a fork-join pool for the engine's own parallelism over
 * examples
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * dd_workers_run (pool, n, fn, data) calls fn (w, data) for w = 0 … n − 1
 * and returns when all have returned: fn (0, …) runs on the calling thread,
 * the others on the pool's threads (at most n_threads − 1 of them, made once
 * and kept). Which w a call gets is fixed, so work split by w, and summed in
 * the order of w afterwards, gives the same bits on every run.
 *
 * A run on a pool that is busy (nested, or from another thread at once)
 * runs its calls one after another on the calling thread. Each w that calls OpenBLAS should do so with one BLAS thread
 * (dd_set_threads (1)), so that the cores are ours, not OpenBLAS's.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DdWorkers DdWorkers;
typedef void (*DdWorkFn) (int w, gpointer data);

DdWorkers *dd_workers_new       (int n_threads);
/* The process's pool of n_threads threads (1 … 64), made on first use and
 * kept until exit; never freed by its users. Students and translators share
 * it, so that one whose step has ended does not keep a core spinning while
 * another steps. A run that finds the pool busy (another thread's run, or a
 * run from inside one of its own) calls fn (0 … n − 1) one after another on
 * the calling thread: the same work, the same results. */
DdWorkers *dd_workers_shared    (int n_threads);
void       dd_workers_free      (DdWorkers *pool);
int        dd_workers_n_threads (const DdWorkers *pool);
void       dd_workers_run       (DdWorkers *pool, int n, DdWorkFn fn, gpointer data);
/* fn (part, lo, hi, data) for parts 0 … n − 1 that cut [0, len) in order
 * (part w: len·w/n … len·(w+1)/n), part w as worker w of a run */
typedef void (*DdRangeFn) (int part, size_t lo, size_t hi, gpointer data);
void       dd_workers_for       (DdWorkers *pool, int n, size_t len, DdRangeFn fn, gpointer data);
/* runs so far that went to the pool's threads (n > 1), for checks */
guint64    dd_workers_runs      (const DdWorkers *pool);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdWorkers, dd_workers_free)

G_END_DECLS
