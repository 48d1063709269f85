/* dd-export.h: a session's records as files other tools read
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * dd_session_export writes, into an existing folder, from one snapshot:
 *
 *   curves.csv          one row per student step that any branch recorded;
 *                       the first column "step", then for every branch and
 *                       series a column named "BRANCH: SERIES (UNIT)";
 *                       a cell is empty where that branch has no record at
 *                       that step. Per step record: training loss (nats,
 *                       the loss the branch trains on), training
 *                       cross-entropy (nats), minibatch error (fraction);
 *                       per window record: dev error (fraction), test
 *                       error (fraction, on the test subsample), teacher's
 *                       objective M, dev BLEU (0–100, translation).
 *   phi-B.npy           float32, shape (n, R + 1, C): branch B's n Φ
 *                       records, each the W block (R rows) with b as the
 *                       last row — the flat layout of dd-phi.h
 *   phi-steps-B.npy     int64, shape (n): the step of each of them
 *   windows-B.jsonl     one JSON object per window record of branch B
 *
 * Branches are named "taught", "baseline" and "fork N" (forked from branch
 * P at step S, said in the column's name). Files are written whole and
 * replaced atomically (g_file_set_contents).
 */
#pragma once

#include "dd-types.h"
#include "dd-session.h"

G_BEGIN_DECLS

gboolean dd_session_export (DdSession *session, const char *dir, GError **error);

/* A NumPy .npy file (format 1.0, little-endian, C order) of float32 ('f')
 * or int64 ('i') values; shape has ndim entries. */
gboolean dd_npy_write (const char *path, char dtype, int ndim, const gsize *shape,
                       const void *data, GError **error);

G_END_DECLS
