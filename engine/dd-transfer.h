/* dd-transfer.h: the transfer protocol — does the trained teacher help a fresh student?
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * L2T-DLF.md §6. For one seed: train a teacher as cfg says (episodic or
 * continual), keep the best teacher by dev error, then train a fresh student
 * of the same seed twice, with the same cross-entropy warm-up and the same
 * budget of steps after it: once on cross-entropy, once on the trained
 * teacher's dynamic loss with the teacher frozen (progress runs over the
 * budget). Both arms see the same initial weights and the same minibatches.
 * The final students' errors are reported; the test split is only reported.
 */
#pragma once

#include "dd-teach.h"

G_BEGIN_DECLS

typedef struct {
  guint64 seed;
  double  ce_test_error;
  double  dlf_test_error;
  double  ce_dev_error;
  double  dlf_dev_error;
  double  teacher_dev_error;   /* best dev error seen while training the teacher */
  /* translation (NaN otherwise): corpus BLEU of greedy decodes of all of dev
   * and test; the errors above are then per target token */
  double  ce_test_bleu, dlf_test_bleu;
  double  ce_dev_bleu, dlf_dev_bleu;
  double  teacher_seconds;
  double  transfer_seconds;
} DdTransferResult;

/* phase: "teacher", "cross-entropy" or "L2T-DLF" */
typedef void (*DdProgressFunc) (const char *phase, gint64 done, gint64 total, gpointer user_data);

gboolean dd_transfer_run (const DdTeachConfig *cfg, const DdData *data, gint64 budget,
                          DdProgressFunc progress, gpointer user_data,
                          DdTransferResult *out, GError **error);

G_END_DECLS
