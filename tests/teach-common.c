/* teach-common.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "teach-common.h"

#include <math.h>

void
teach_problem_config (DdTeachConfig *cfg, DdTeacherKind kind, DdObjective objective,
                      double momentum)
{
  dd_teach_config_init (cfg);
  cfg->student.net.hidden[0] = 12;
  cfg->student.batch = 10;
  cfg->student.lr = 0.1;
  cfg->student.momentum = momentum;
  cfg->student.seed = 3;
  cfg->teacher = kind;
  cfg->teacher_hidden = 6;
  cfg->window = 8;
  cfg->meta_iterations = 4;
  cfg->pretrain_steps = 30;
  cfg->objective = objective;
  cfg->dev_subsample = 120;
}

DdTeach *
teach_problem_new (const DdTeachConfig *cfg, const DdData *data)
{
  g_autoptr(GError) error = NULL;
  DdTeach *teach = dd_teach_new (cfg, data, &error);

  g_assert_no_error (error);
  while (dd_teach_get_step (teach) < cfg->pretrain_steps)
    {
      g_assert_true (dd_teach_step (teach, NULL, &error));
      g_assert_no_error (error);
    }
  teach_perturb_teacher (teach);
  return teach;
}

void
teach_perturb_teacher (DdTeach *teach)
{
  DdTeacher *teacher = dd_teach_get_teacher (teach);
  DdRng rng;

  dd_rng_seed (&rng, 99);
  for (size_t i = 0; i < teacher->n_params; i++)
    teacher->params[i] += (dd_real) (0.3 * (dd_rng_uniform (&rng) - 0.5));
}

double
teach_window_objective (gpointer teach)
{
  g_autoptr(GError) error = NULL;
  double M = NAN;

  g_assert_true (dd_teach_window_objective (teach, &M, &error));
  g_assert_no_error (error);
  return M;
}
