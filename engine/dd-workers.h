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
 * The pool is not for nesting: fn must not call dd_workers_run on the same
 * pool. Each w that calls OpenBLAS should do so with one BLAS thread
 * (dd_set_threads (1)), so that the cores are ours, not OpenBLAS's.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DdWorkers DdWorkers;
typedef void (*DdWorkFn) (int w, gpointer data);

DdWorkers *dd_workers_new       (int n_threads);
void       dd_workers_free      (DdWorkers *pool);
int        dd_workers_n_threads (const DdWorkers *pool);
void       dd_workers_run       (DdWorkers *pool, int n, DdWorkFn fn, gpointer data);
/* runs so far that went to the pool's threads (n > 1), for checks */
guint64    dd_workers_runs      (const DdWorkers *pool);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdWorkers, dd_workers_free)

G_END_DECLS
