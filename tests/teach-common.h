/* teach-common.h: the small L2T-DLF problem the reverse-pass tests share
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Compiled into test-teach (double precision) and teach-probe (single
 * precision), so that both build exactly the same problem.
 */
#pragma once

#include "didact-engine.h"

G_BEGIN_DECLS

/* An MLP 64-12-10 (tanh) on the 8×8 digits: batch 10, η = 0.1, T = 8,
 * 30 warm-up steps, M on 120 dev images. */
void       teach_problem_config (DdTeachConfig *cfg, DdTeacherKind kind,
                                 DdObjective objective, double momentum);
/* Warm up and move the teacher away from its initial point (so that every
 * parameter matters: W₂, the gate, the neural output layer). */
DdTeach   *teach_problem_new    (const DdTeachConfig *cfg, const DdData *data);
/* Moves the teacher off its initial point (fixed seed), so that every
 * parameter matters: W₂, the gate, the neural output layer. */
void       teach_perturb_teacher (DdTeach *teach);
/* M of unrolling the coming window (a DdTeach * as user data), for
 * gradcheck_numeric */
double     teach_window_objective (gpointer teach);

G_END_DECLS
