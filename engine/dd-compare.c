/* dd-compare.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-compare.h"
#include "dd-bench.h"
#include "dd-bleu.h"
#include "dd-dataset.h"
#include "dd-eval.h"
#include "dd-kernels.h"
#include "dd-parallel.h"
#include "dd-student.h"

#include <math.h>
#include <string.h>

static const char *const arm_names[DD_COMPARE_N_ARMS] = {
  [DD_COMPARE_CE] = "ce",
  [DD_COMPARE_SMOOTH] = "smooth",
  [DD_COMPARE_MARGIN] = "margin",
  [DD_COMPARE_FROZEN] = "frozen",
  [DD_COMPARE_TAUGHT] = "taught",
};

const char *
dd_compare_arm_name (DdCompareArm arm)
{
  g_return_val_if_fail ((unsigned) arm < DD_COMPARE_N_ARMS, NULL);
  return arm_names[arm];
}

gboolean
dd_compare_arm_parse (const char *name, DdCompareArm *out)
{
  for (int a = 0; a < DD_COMPARE_N_ARMS; a++)
    if (g_strcmp0 (name, arm_names[a]) == 0)
      {
        *out = (DdCompareArm) a;
        return TRUE;
      }
  return FALSE;
}

gboolean
dd_compare_arms_parse (const char *list, guint *arms, GError **error)
{
  g_auto(GStrv) names = g_strsplit (list, ",", -1);
  guint set = 0;

  for (int i = 0; names[i]; i++)
    {
      const char *name = g_strstrip (names[i]);
      DdCompareArm arm;
      if (*name == '\0')
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                       "“%s”: an empty arm name; list some of ce, smooth, margin, frozen, taught, "
                       "separated by commas", list);
          return FALSE;
        }
      if (!dd_compare_arm_parse (name, &arm))
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                       "“%s”: unknown arm; choose among ce, smooth, margin, frozen, taught", name);
          return FALSE;
        }
      if (set & (1u << arm))
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT, "“%s”: named twice", name);
          return FALSE;
        }
      set |= 1u << arm;
    }
  if (set == 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "no arms; list some of ce, smooth, margin, frozen, taught, separated by commas");
      return FALSE;
    }
  *arms = set;
  return TRUE;
}

/* the final student on the whole dev and test splits */
static void
evaluate_arm (DdStudent *st, int beam, DdArmResult *r)
{
  g_autoptr(DdEval) ev = dd_eval_new (st->C);

  dd_student_evaluate (st, DD_SPLIT_TEST, 0, ev);
  r->test_error = 1.0 - ev->accuracy;
  /* for translation the classes are frequency buckets of target tokens,
   * not a balanced set of labels */
  r->balanced_test_error = st->s2s ? NAN : dd_eval_balanced_error (ev);
  dd_student_evaluate (st, DD_SPLIT_DEV, 0, ev);
  r->dev_error = 1.0 - ev->accuracy;
  r->test_bleu = r->dev_bleu = r->greedy_test_bleu = r->greedy_dev_bleu = NAN;
  if (st->s2s)
    {
      r->greedy_test_bleu = dd_student_bleu (st, DD_SPLIT_TEST, 1, NULL);
      r->greedy_dev_bleu = dd_student_bleu (st, DD_SPLIT_DEV, 1, NULL);
      r->test_bleu = beam > 1 ? dd_student_bleu (st, DD_SPLIT_TEST, beam, NULL) : r->greedy_test_bleu;
      r->dev_bleu = beam > 1 ? dd_student_bleu (st, DD_SPLIT_DEV, beam, NULL) : r->greedy_dev_bleu;
    }
}

typedef struct {
  DdCompareProgressFunc func;
  gpointer              user_data;
  gint64                done;   /* steps of the phases before this one */
  gint64                total;
} Progress;

static void
report (Progress *p, const char *phase, gint64 steps, gboolean force)
{
  if (p->func && (force || steps % 50 == 0))
    p->func (phase, p->done + steps, p->total, p->user_data);
}

/* step teach until its step count reaches until */
static gboolean
run_until (DdTeach *teach, gint64 until, const char *phase, Progress *p, GError **error)
{
  while (dd_teach_get_step (teach) < until)
    {
      if (!dd_teach_step (teach, NULL, error))
        return FALSE;
      report (p, phase, dd_teach_get_step (teach), FALSE);
    }
  p->done += dd_teach_get_step (teach);
  return TRUE;
}

/* transfer: train a teacher as cfg says; *best is its best teacher by dev error */
static gboolean
train_teacher (const DdTeachConfig *cfg, const DdData *data, Progress *p,
               DdTeacher **best, DdCompareSeed *out, GError **error)
{
  DdTeachConfig c = *cfg;
  double t0 = dd_now ();

  c.arm = DD_ARM_TAUGHT;
  g_autoptr(DdTeach) teach = dd_teach_new (&c, data, error);
  if (teach == NULL)
    return FALSE;
  while (!dd_teach_is_done (teach))
    {
      if (!dd_teach_step (teach, NULL, error))
        return FALSE;
      report (p, "teacher", dd_teach_get_step (teach), FALSE);
    }
  p->done += dd_teach_get_step (teach);
  *best = dd_teacher_copy (dd_teach_get_best_teacher (teach));
  DdStudent *st = dd_teach_get_best_student (teach);
  g_autoptr(DdEval) ev = dd_eval_new (st->C);
  dd_student_evaluate (st, DD_SPLIT_DEV, cfg->dev_subsample, ev);
  out->teacher_dev_error = 1.0 - ev->accuracy;
  out->teacher_seconds = dd_now () - t0;
  return TRUE;
}

gboolean
dd_compare_seed (const DdTeachConfig *cfg, const DdCompareConfig *cc, const DdData *data,
                 DdCompareProgressFunc progress, gpointer user_data,
                 DdCompareSeed *out, GError **error)
{
  const guint arms = cc->arms ? cc->arms : DD_COMPARE_ALL_ARMS;
  const gint64 P = cfg->pretrain_steps, B = cc->budget;

  g_return_val_if_fail (cfg != NULL && cc != NULL && data != NULL && out != NULL, FALSE);
  if (B < 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "budget %" G_GINT64_FORMAT " steps: must not be negative", B);
      return FALSE;
    }
  if ((arms & ~DD_COMPARE_ALL_ARMS) != 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT, "arm set 0x%x: unknown arms", arms);
      return FALSE;
    }
  const gboolean transfer = cc->transfer && (arms & (1u << DD_COMPARE_TAUGHT));
  if (transfer && cfg->meta_iterations < 1)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "transfer: the teacher is trained for a number of updates; set at least 1");
      return FALSE;
    }
  if (!dd_teach_config_validate (cfg, error))
    return FALSE;

  memset (out, 0, sizeof *out);
  out->seed = cfg->student.seed;
  out->teacher_dev_error = out->teacher_seconds = NAN;
  for (int a = 0; a < DD_COMPARE_N_ARMS; a++)
    {
      DdArmResult *r = &out->arm[a];
      r->test_error = r->dev_error = r->balanced_test_error = NAN;
      r->test_bleu = r->dev_bleu = r->greedy_test_bleu = r->greedy_dev_bleu = r->seconds = NAN;
    }

  Progress p = { progress, user_data, 0, 0 };
  for (int a = 0; a < DD_COMPARE_N_ARMS; a++)
    if (arms & (1u << a))
      p.total += P + B;
  if (transfer)
    p.total += P + (gint64) cfg->window * cfg->meta_iterations;
  dd_set_threads (cfg->student.threads);

  g_autoptr(DdTeacher) trained = NULL;
  if (transfer && !train_teacher (cfg, data, &p, &trained, out, error))
    return FALSE;

  /* every arm: the same seed, so the same initial weights and minibatches;
   * continual, so the student never goes back; one window's end per T steps */
  DdTeachConfig base = *cfg;
  base.protocol = DD_PROTOCOL_CONTINUAL;
  base.meta_iterations = (int) MIN (B / cfg->window, G_MAXINT);
  base.horizon = B;
  for (int a = 0; a < DD_COMPARE_N_ARMS; a++)
    {
      if (!(arms & (1u << a)))
        continue;
      DdTeachConfig c = base;
      double t0 = dd_now ();
      switch ((DdCompareArm) a)
        {
        case DD_COMPARE_CE:
          c.arm = DD_ARM_BASELINE_CE;
          c.baseline_loss = DD_LOSS_CE;
          break;
        case DD_COMPARE_SMOOTH:
          c.arm = DD_ARM_BASELINE_CE;
          c.baseline_loss = DD_LOSS_SMOOTH;
          break;
        case DD_COMPARE_MARGIN:
          c.arm = DD_ARM_BASELINE_CE;
          c.baseline_loss = DD_LOSS_MARGIN;
          break;
        case DD_COMPARE_FROZEN:
          c.arm = DD_ARM_FROZEN_TEACHER;
          break;
        case DD_COMPARE_TAUGHT:
          c.arm = transfer ? DD_ARM_FROZEN_TEACHER : DD_ARM_TAUGHT;
          break;
        case DD_COMPARE_N_ARMS:
        default:
          g_assert_not_reached ();
        }
      g_autoptr(DdTeach) teach = dd_teach_new (&c, data, error);
      if (teach == NULL)
        return FALSE;
      if (a == DD_COMPARE_TAUGHT && transfer && !dd_teach_set_teacher (teach, trained, error))
        return FALSE;
      if (!run_until (teach, P + B, arm_names[a], &p, error))
        {
          g_prefix_error (error, "%s: ", arm_names[a]);
          return FALSE;
        }
      report (&p, arm_names[a], 0, TRUE);
      evaluate_arm (dd_teach_get_student (teach), cc->beam, &out->arm[a]);
      out->arm[a].seconds = dd_now () - t0;
      out->arm[a].ran = TRUE;
    }
  return TRUE;
}

/* --- over seeds ------------------------------------------------------------ */

DdCompareStats
dd_compare_stats (const double *v, int n)
{
  DdCompareStats s = { 0 };

  for (int i = 0; i < n; i++)
    s.mean += v[i];
  if (n > 0)
    s.mean /= n;
  double ss = 0.0;
  for (int i = 0; i < n; i++)
    ss += (v[i] - s.mean) * (v[i] - s.mean);
  s.sd = n > 1 ? sqrt (ss / (n - 1)) : 0.0;
  s.se = n > 0 ? s.sd / sqrt (n) : 0.0;
  return s;
}

static const char *const verdict_names[] = {
  [DD_PAIRED_BETTER] = "better",
  [DD_PAIRED_WORSE] = "worse",
  [DD_PAIRED_WITHIN] = "within",
  [DD_PAIRED_INCONCLUSIVE] = "inconclusive",
};

const char *
dd_paired_verdict_name (DdPairedVerdict verdict)
{
  g_return_val_if_fail ((unsigned) verdict < G_N_ELEMENTS (verdict_names), NULL);
  return verdict_names[verdict];
}

DdPaired
dd_compare_paired (const double *a, const double *b, int n, gboolean lower_is_better)
{
  g_autofree double *d = g_new (double, MAX (n, 1));
  DdPaired r;

  for (int i = 0; i < n; i++)
    d[i] = a[i] - b[i];
  DdCompareStats s = dd_compare_stats (d, n);
  r.difference = s.mean;
  r.se = s.se;
  /* the gain of a over b, positive when a is better */
  const double gain = lower_is_better ? -s.mean : s.mean;
  if (n < 2 || !isfinite (s.mean))
    r.verdict = DD_PAIRED_INCONCLUSIVE;
  else if (fabs (s.mean) <= s.se)
    r.verdict = DD_PAIRED_WITHIN;
  else if (fabs (s.mean) > 2 * s.se)
    r.verdict = gain > 0 ? DD_PAIRED_BETTER : DD_PAIRED_WORSE;
  else
    r.verdict = DD_PAIRED_INCONCLUSIVE;
  return r;
}
