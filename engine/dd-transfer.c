/* dd-transfer.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-transfer.h"
#include "dd-parallel.h"
#include "dd-student.h"
#include <math.h>
#include "dd-bench.h"
#include "dd-dataset.h"
#include "dd-eval.h"
#include "dd-kernels.h"
#include "dd-net.h"

static gboolean
run_steps (DdTeach *teach, gint64 until, const char *phase, gint64 base, gint64 total,
           DdProgressFunc progress, gpointer user_data, GError **error)
{
  while (dd_teach_get_step (teach) < until)
    {
      if (!dd_teach_step (teach, NULL, error))
        return FALSE;
      gint64 s = dd_teach_get_step (teach);
      if (progress && s % 50 == 0)
        progress (phase, base + s, total, user_data);
    }
  return TRUE;
}

static void
final_errors (DdStudent *st, double *test, double *dev, double *test_bleu, double *dev_bleu)
{
  g_autoptr(DdEval) ev = dd_eval_new (st->C);
  dd_student_evaluate (st, DD_SPLIT_TEST, 0, ev);
  *test = 1.0 - ev->accuracy;
  dd_student_evaluate (st, DD_SPLIT_DEV, 0, ev);
  *dev = 1.0 - ev->accuracy;
  *test_bleu = *dev_bleu = NAN;
  if (st->s2s)
    {
      const DdParallel *p = st->data->parallel;
      DdBleuStats stats;
      dd_parallel_translate (st->s2s, p, &p->test, 0, 1, &stats, NULL);
      *test_bleu = dd_bleu_score (&stats);
      dd_parallel_translate (st->s2s, p, &p->dev, 0, 1, &stats, NULL);
      *dev_bleu = dd_bleu_score (&stats);
    }
}

gboolean
dd_transfer_run (const DdTeachConfig *cfg, const DdData *data, gint64 budget,
                 DdProgressFunc progress, gpointer user_data,
                 DdTransferResult *out, GError **error)
{
  g_return_val_if_fail (cfg->arm == DD_ARM_TAUGHT, FALSE);

  if (budget < 1)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "transfer budget %" G_GINT64_FORMAT ": must be at least one step", budget);
      return FALSE;
    }

  const gint64 P = cfg->pretrain_steps;
  const gint64 teach_steps = P + (gint64) cfg->window * cfg->meta_iterations;
  const gint64 total = teach_steps + 2 * (P + budget);
  double t0 = dd_now ();

  out->seed = cfg->student.seed;
  dd_set_threads (cfg->student.threads);

  /* 1. train the teacher */
  g_autoptr(DdTeach) teach = dd_teach_new (cfg, data, error);
  if (teach == NULL)
    return FALSE;
  while (!dd_teach_is_done (teach))
    {
      if (!dd_teach_step (teach, NULL, error))
        return FALSE;
      gint64 s = dd_teach_get_step (teach);
      if (progress && s % 50 == 0)
        progress ("teacher", MIN (s, teach_steps), total, user_data);
    }
  DdStudent *best = dd_teach_get_best_student (teach);
  g_autoptr(DdEval) ev = dd_eval_new (best->C);
  dd_student_evaluate (best, DD_SPLIT_DEV, 0, ev);
  out->teacher_dev_error = 1.0 - ev->accuracy;
  out->teacher_seconds = dd_now () - t0;

  /* 2. two fresh students of the same seed */
  DdTeachConfig arm = *cfg;
  arm.protocol = DD_PROTOCOL_CONTINUAL;
  arm.meta_iterations = (int) ((budget + cfg->window - 1) / cfg->window);
  arm.horizon = budget;
  double t1 = dd_now ();

  arm.arm = DD_ARM_BASELINE_CE;
  g_autoptr(DdTeach) ce = dd_teach_new (&arm, data, error);
  if (ce == NULL || !run_steps (ce, P + budget, "cross-entropy", teach_steps, total,
                                progress, user_data, error))
    return FALSE;
  final_errors (dd_teach_get_student (ce), &out->ce_test_error, &out->ce_dev_error,
                &out->ce_test_bleu, &out->ce_dev_bleu);

  arm.arm = DD_ARM_FROZEN_TEACHER;
  g_autoptr(DdTeach) dlf = dd_teach_new (&arm, data, error);
  if (dlf == NULL || !dd_teach_set_teacher (dlf, dd_teach_get_best_teacher (teach), error) ||
      !run_steps (dlf, P + budget, "L2T-DLF", teach_steps + P + budget, total,
                  progress, user_data, error))
    return FALSE;
  final_errors (dd_teach_get_student (dlf), &out->dlf_test_error, &out->dlf_dev_error,
                &out->dlf_test_bleu, &out->dlf_dev_bleu);
  out->transfer_seconds = dd_now () - t1;
  return TRUE;
}
