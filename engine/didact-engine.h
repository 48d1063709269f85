/* didact-engine.h: the public interface of the Didact engine
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The command-line tool and the workbench include only this header. The
 * engine is plain C on GLib/GIO and OpenBLAS; it never includes GTK, never
 * exits, and reports every failure as a GError in the DD_ERROR domain.
 */
#pragma once

#include "dd-types.h"
#include "dd-rng.h"
#include "dd-dataset.h"
#include "dd-scenario.h"
#include "dd-net.h"
#include "dd-loss.h"
#include "dd-bucket-loss.h"
#include "dd-optim.h"
#include "dd-eval.h"
#include "dd-run.h"
#include "dd-phi.h"
#include "dd-teacher.h"
#include "dd-teach.h"
#include "dd-compare.h"
#include "dd-session.h"
#include "dd-export.h"
#include "dd-bench.h"
#include "dd-bleu.h"
#include "dd-corpus.h"
#include "dd-bpe.h"
#include "dd-parallel.h"
#include "dd-seq2seq.h"
#include "dd-student.h"

G_BEGIN_DECLS

/* the OpenBLAS thread count and kernel (also in dd-kernels.h for the tests) */
void        dd_set_threads (int n);
const char *dd_blas_kernel (void);

G_END_DECLS
