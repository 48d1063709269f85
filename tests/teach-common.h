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
/* Warm up and move the teacher away from its initial point. */
DdTeach   *teach_problem_new    (const DdTeachConfig *cfg, const DdData *data);
/* Moves the teacher off its initial point (fixed seed). Every parameter has
 * a hypergradient at the start too (test-teacher checks it), but there the
 * gate sits at θ = 0 and the neural pairs cancel; away from it the checks
 * see a general point, the s row off log ε₀ included. */
void       teach_perturb_teacher (DdTeach *teach);
/* M of unrolling the coming window (a DdTeach * as user data), for
 * gradcheck_numeric */
double     teach_window_objective (gpointer teach);

G_END_DECLS
