/* cli-teach.c: `didact-cli teach`, L2T-DLF on one student
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "cli-output.h"
#include "cli-teach-options.h"

#include <math.h>
#include <stdio.h>

static void
emit_window (const DdStepReport *r)
{
  JsonBuilder *b = cli_json_begin ("window");
  cli_json_int (b, "step", r->step);
  cli_json_int (b, "meta_iteration", r->meta_iteration);
  if (r->phi != NULL)  /* W is (R, C): Φ's rows and its columns, classes or buckets */
    {
      cli_json_matrix (b, "W", r->phi->W, r->phi->R, r->phi->C);
      cli_json_matrix (b, "b", r->phi->b, 1, r->phi->C);
    }
  cli_json_double (b, "train_loss", r->window_loss);
  cli_json_double (b, "dev_error", r->dev_error);
  cli_json_double (b, "dev_measure", r->dev_measure);
  cli_json_double (b, "teacher_grad_norm", r->teacher_grad_norm);
  cli_json_double (b, "forward_seconds", r->forward_seconds);
  cli_json_double (b, "reverse_seconds", r->reverse_seconds);
  json_builder_set_member_name (b, "update");
  json_builder_add_string_value (b, dd_update_verdict_name (r->verdict));
  cli_json_double (b, "step_length", r->step_length);
  if (isfinite (r->holdout_before))
    {
      cli_json_double (b, "holdout_before", r->holdout_before);
      cli_json_double (b, "holdout_after", r->holdout_after);
      cli_json_double (b, "holdout_se", r->holdout_se);
      cli_json_double (b, "predicted_change", r->predicted_change);
    }
  if (isfinite (r->shadow_gap))
    {
      cli_json_double (b, "shadow_gap", r->shadow_gap);
      cli_json_double (b, "shadow_se", r->shadow_se);
      json_builder_set_member_name (b, "took_shadow");
      json_builder_add_boolean_value (b, r->took_shadow);
    }
  cli_json_emit (b);
}

static const char summary[] =
  "Teach a student with a dynamic loss (L2T-DLF): after every window of T steps\n"
  "the teacher is updated by the reverse pass through the student's training.\n"
  "Episodic: every window restarts from the warmed-up student ω₀ (the best\n"
  "teacher/student pair by dev error is kept). Continual: the student goes on.";

/* what the run ends with: the best (episodic) or final student's scores */
typedef struct {
  DdEval *test, *dev;
  double  test_bleu, dev_bleu;  /* translation; NaN for images */
  double  seconds;
} TeachOutcome;

static void
teach_outcome_clear (TeachOutcome *out)
{
  g_clear_pointer (&out->test, dd_eval_free);
  g_clear_pointer (&out->dev, dd_eval_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TeachOutcome, teach_outcome_clear)

static gboolean
is_translation (const DdTeachConfig *cfg)
{
  return cfg->student.net.kind == DD_STUDENT_SEQ2SEQ;
}

/* parse and validate: FALSE after printing the usage error */
static gboolean
parse_teach (TeachOptions *o, DdTeachConfig *cfg, DdScenario *scenario, int *argc, char ***argv)
{
  g_autofree GOptionEntry *entries = teach_options_entries (o, FALSE);

  return cli_parse_options ("teach", NULL, summary, entries, argc, argv) &&
         teach_options_to_config ("teach", o, cfg, scenario);
}

/* the dataset, changed by the scenario when there is one; NULL after
 * printing the error, with *status the exit status */
static DdData *
load_data (const TeachOptions *o, const DdTeachConfig *cfg, const DdScenario *scenario,
           DdScenarioStats *scenario_stats, int *status)
{
  g_autoptr(DdData) data = teach_options_load_data ("teach", o);

  *status = CLI_EXIT_FAILURE;
  if (data == NULL || scenario->kind == DD_SCENARIO_NONE)
    return g_steal_pointer (&data);
  return cli_scenario_data ("teach", data, scenario, cfg->student.seed, scenario_stats, status);
}

static void
print_start (DdTeach *teach, const TeachOptions *o, const DdTeachConfig *cfg,
             const DdScenario *scenario, const DdScenarioStats *scenario_stats)
{
  DdStudent *st = dd_teach_get_student (teach);
  const int n_dev = dd_student_n_examples (st, DD_SPLIT_DEV);

  printf ("Teaching %s on %s: %s teacher, %s protocol, T = %d, %d teacher updates, "
          "warm-up %" G_GINT64_FORMAT ", objective %s on %d dev %s, seed %" G_GUINT64_FORMAT "\n",
          dd_student_describe (st), teach_options_dataset (o), dd_teacher_kind_name (cfg->teacher),
          dd_protocol_name (cfg->protocol), cfg->window, cfg->meta_iterations,
          cfg->pretrain_steps, dd_objective_name (cfg->objective),
          cfg->dev_subsample > 0 ? MIN (cfg->dev_subsample, n_dev) : n_dev,
          is_translation (cfg) ? "sentences" : "images", cfg->student.seed);
  if (scenario->kind != DD_SCENARIO_NONE)
    {
      g_autofree char *what = dd_scenario_describe (scenario, scenario_stats);
      printf ("Scenario: %s\n", what);
    }
}

static void
print_window (const DdStepReport *r)
{
  printf ("update %4" G_GINT64_FORMAT "  step %7" G_GINT64_FORMAT "  L_Φ %.4f  dev error %6.2f %%  "
          "M %.4f  |dθ| %.3g  %-8s |Δθ| %.3g  forward %.2f s  reverse %.2f s\n",
          r->meta_iteration, r->step, r->window_loss, 100.0 * r->dev_error,
          r->dev_measure, r->teacher_grad_norm, dd_update_verdict_name (r->verdict),
          r->step_length, r->forward_seconds, r->reverse_seconds);
}

static void
show_progress (CliProgress *progress, DdTeach *teach, const DdTeachConfig *cfg,
               const DdStepReport *r)
{
  const gint64 total = cfg->pretrain_steps + (gint64) cfg->window * cfg->meta_iterations;
  g_autofree char *label = g_strdup_printf ("%s step %" G_GINT64_FORMAT,
                                            r->kind == DD_STEP_PRETRAIN ? "warm-up" : "taught",
                                            r->step);
  /* an episodic window restarts from ω₀: count whole windows instead */
  gint64 done = cfg->protocol == DD_PROTOCOL_EPISODIC && r->kind != DD_STEP_PRETRAIN
    ? cfg->pretrain_steps + dd_teach_get_meta_iteration (teach) * cfg->window
    : r->step;

  cli_progress_update (progress, done, total, label, r->kind == DD_STEP_WINDOW);
}

/* every step to the end, each window printed as it closes */
static gboolean
run_teach (DdTeach *teach, const DdTeachConfig *cfg, gboolean json, GError **error)
{
  CliProgress progress;

  cli_progress_init (&progress, !json);
  while (!dd_teach_is_done (teach))
    {
      DdStepReport r;
      if (!dd_teach_step (teach, &r, error))
        {
          cli_progress_clear (&progress);
          return FALSE;
        }
      if (r.kind == DD_STEP_WINDOW && json)
        emit_window (&r);
      else if (r.kind == DD_STEP_WINDOW)
        {
          cli_progress_clear (&progress);
          print_window (&r);
        }
      if (progress.enabled)
        show_progress (&progress, teach, cfg, &r);
    }
  cli_progress_clear (&progress);
  return TRUE;
}

static void
evaluate_best (DdTeach *teach, const DdTeachConfig *cfg, const DdData *data, TeachOutcome *out)
{
  DdStudent *best = dd_teach_get_best_student (teach);

  out->test = dd_eval_new (best->C);
  out->dev = dd_eval_new (best->C);
  dd_set_threads (cfg->student.threads);
  dd_student_evaluate (best, DD_SPLIT_TEST, 0, out->test);
  dd_student_evaluate (best, DD_SPLIT_DEV, 0, out->dev);
  out->dev_bleu = out->test_bleu = NAN;
  if (is_translation (cfg))
    {
      out->dev_bleu = dd_student_bleu (best, DD_SPLIT_DEV, 1, NULL);
      out->test_bleu = dd_student_bleu (best, DD_SPLIT_TEST, 1, NULL);
    }
}

static void
emit_summary (DdTeach *teach, const DdTeachConfig *cfg, const DdScenario *scenario,
              const TeachOutcome *out)
{
  JsonBuilder *b = cli_json_begin ("summary");
  g_autofree char *scenario_name = dd_scenario_name (scenario);
  gint64 accepted, rejected;

  cli_json_double (b, "test_accuracy", out->test->accuracy);
  cli_json_double (b, "test_error", 1.0 - out->test->accuracy);
  cli_json_double (b, "dev_accuracy", out->dev->accuracy);
  json_builder_set_member_name (b, "scenario");
  json_builder_add_string_value (b, scenario_name);
  if (is_translation (cfg))
    {
      cli_json_double (b, "dev_bleu", out->dev_bleu);
      cli_json_double (b, "test_bleu", out->test_bleu);
    }
  else
    cli_json_double (b, "balanced_test_error", dd_eval_balanced_error (out->test));
  cli_json_int (b, "steps", dd_teach_get_step (teach));
  cli_json_int (b, "teacher_updates", dd_teach_get_meta_iteration (teach));
  dd_teach_get_update_counts (teach, &accepted, &rejected, NULL);
  cli_json_int (b, "accepted_updates", accepted);
  cli_json_int (b, "rejected_updates", rejected);
  cli_json_double (b, "seconds", out->seconds);
  cli_json_emit (b);
}

static void
print_summary (DdTeach *teach, const DdTeachConfig *cfg, const DdScenario *scenario,
               const TeachOutcome *out)
{
  const gboolean text = is_translation (cfg);

  printf ("\nAfter %" G_GINT64_FORMAT " teacher updates (%.1f s), the %s student:\n"
          "  dev accuracy   %6.2f %%%s\n  test accuracy  %6.2f %%\n",
          dd_teach_get_meta_iteration (teach), out->seconds,
          cfg->protocol == DD_PROTOCOL_EPISODIC ? "best" : "final",
          100.0 * out->dev->accuracy, text ? " (per target token, reference prefix fed)" : "",
          100.0 * out->test->accuracy);
  if (text)
    printf ("  dev BLEU       %6.2f\n  test BLEU      %6.2f   (greedy decoding)\n",
            out->dev_bleu, out->test_bleu);
  if (scenario->kind == DD_SCENARIO_LONG_TAIL)
    printf ("  mean per-class test error  %6.2f %%\n", 100.0 * dd_eval_balanced_error (out->test));
}

int
cli_teach (int argc, char **argv)
{
  g_auto(TeachOptions) o;
  g_auto(TeachOutcome) out = { 0 };
  DdTeachConfig cfg;
  DdScenario scenario;
  DdScenarioStats scenario_stats = { 0 };
  g_autoptr(GError) error = NULL;
  int status;

  teach_options_init (&o);
  if (!parse_teach (&o, &cfg, &scenario, &argc, &argv))
    return CLI_EXIT_USAGE;
  g_autoptr(DdData) data = load_data (&o, &cfg, &scenario, &scenario_stats, &status);
  if (data == NULL)
    return status;
  g_autoptr(DdTeach) teach = dd_teach_new (&cfg, data, &error);
  if (teach == NULL)
    return cli_fail ("teach", CLI_EXIT_USAGE, "%s", error->message);

  double started = dd_now ();
  if (!o.json)
    print_start (teach, &o, &cfg, &scenario, &scenario_stats);
  if (!run_teach (teach, &cfg, o.json, &error))
    return cli_fail ("teach", CLI_EXIT_FAILURE, "%s", error->message);
  evaluate_best (teach, &cfg, data, &out);
  out.seconds = dd_now () - started;

  if (o.json)
    emit_summary (teach, &cfg, &scenario, &out);
  else
    print_summary (teach, &cfg, &scenario, &out);
  return 0;
}
