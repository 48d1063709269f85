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

void
cli_json_matrix (JsonBuilder *b, const char *member, const dd_real *m, int rows, int cols)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (int i = 0; i < rows; i++)
    {
      json_builder_begin_array (b);
      for (int j = 0; j < cols; j++)
        json_builder_add_double_value (b, m[(size_t) i * cols + j]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}

static void
emit_window (const DdStepReport *r, int R, int C)
{
  JsonBuilder *b = cli_json_begin ("window");
  cli_json_int (b, "step", r->step);
  cli_json_int (b, "meta_iteration", r->meta_iteration);
  cli_json_matrix (b, "W", r->W, R, C);
  cli_json_matrix (b, "b", r->b, 1, C);
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

int
cli_teach (int argc, char **argv)
{
  g_auto(TeachOptions) o;
  DdTeachConfig cfg;
  DdScenario scenario;
  DdScenarioStats scenario_stats = { 0 };
  g_autoptr(GError) error = NULL;

  teach_options_init (&o);
  g_autofree GOptionEntry *entries = teach_options_entries (&o, FALSE);
  if (!cli_parse_options ("teach", NULL,
                          "Teach a student with a dynamic loss (L2T-DLF): after every window of T steps\n"
                          "the teacher is updated by the reverse pass through the student's training.\n"
                          "Episodic: every window restarts from the warmed-up student ω₀ (the best\n"
                          "teacher/student pair by dev error is kept). Continual: the student goes on.",
                          entries, &argc, &argv) ||
      !teach_options_to_config ("teach", &o, &cfg, &scenario))
    return CLI_EXIT_USAGE;

  const char *dataset = o.dataset ? o.dataset : "fashion-mnist";
  g_autoptr(DdData) data = dd_data_load (dataset, &error);
  if (data == NULL)
    return cli_fail ("teach", CLI_EXIT_FAILURE, "%s", error->message);
  if (scenario.kind != DD_SCENARIO_NONE)
    {
      int status;
      DdData *changed = cli_scenario_data ("teach", data, &scenario, cfg.student.seed,
                                           &scenario_stats, &status);
      if (changed == NULL)
        return status;
      g_clear_pointer (&data, dd_data_free);
      data = changed;
    }
  g_autoptr(DdTeach) teach = dd_teach_new (&cfg, data, &error);
  if (teach == NULL)
    return cli_fail ("teach", CLI_EXIT_USAGE, "%s", error->message);

  DdStudent *st = dd_teach_get_student (teach);
  const int C = st->C, R = st->R;
  const int n_dev = dd_student_n_examples (st, DD_SPLIT_DEV);
  const gint64 total = cfg.pretrain_steps + (gint64) cfg.window * cfg.meta_iterations;
  double started = dd_now ();
  CliProgress progress;

  if (!o.json)
    printf ("Teaching %s on %s: %s teacher, %s protocol, T = %d, %d teacher updates, "
            "warm-up %" G_GINT64_FORMAT ", objective %s on %d dev %s, seed %" G_GUINT64_FORMAT "\n",
            dd_student_describe (st), dataset, dd_teacher_kind_name (cfg.teacher),
            dd_protocol_name (cfg.protocol), cfg.window, cfg.meta_iterations,
            cfg.pretrain_steps, dd_objective_name (cfg.objective),
            cfg.dev_subsample > 0 ? MIN (cfg.dev_subsample, n_dev) : n_dev,
            st->s2s ? "sentences" : "images", cfg.student.seed);
  if (!o.json && scenario.kind != DD_SCENARIO_NONE)
    {
      g_autofree char *what = dd_scenario_describe (&scenario, &scenario_stats);
      printf ("Scenario: %s\n", what);
    }

  cli_progress_init (&progress, !o.json);
  while (!dd_teach_is_done (teach))
    {
      DdStepReport r;
      if (!dd_teach_step (teach, &r, &error))
        {
          cli_progress_clear (&progress);
          return cli_fail ("teach", CLI_EXIT_FAILURE, "%s", error->message);
        }
      if (r.kind == DD_STEP_WINDOW)
        {
          if (o.json)
            emit_window (&r, R, C);
          else
            {
              cli_progress_clear (&progress);
              printf ("update %4" G_GINT64_FORMAT "  step %7" G_GINT64_FORMAT "  L_Φ %.4f  dev error %6.2f %%  "
                      "M %.4f  |dθ| %.3g  %-8s |Δθ| %.3g  forward %.2f s  reverse %.2f s\n",
                      r.meta_iteration, r.step, r.window_loss, 100.0 * r.dev_error,
                      r.dev_measure, r.teacher_grad_norm, dd_update_verdict_name (r.verdict),
                      r.step_length, r.forward_seconds, r.reverse_seconds);
            }
        }
      if (progress.enabled)
        {
          g_autofree char *label = g_strdup_printf ("%s step %" G_GINT64_FORMAT,
                                                    r.kind == DD_STEP_PRETRAIN ? "warm-up" : "taught",
                                                    r.step);
          gint64 done = cfg.protocol == DD_PROTOCOL_EPISODIC && r.kind != DD_STEP_PRETRAIN
            ? cfg.pretrain_steps + dd_teach_get_meta_iteration (teach) * cfg.window
            : r.step;
          cli_progress_update (&progress, done, total, label, r.kind == DD_STEP_WINDOW);
        }
    }
  cli_progress_clear (&progress);

  DdStudent *best = dd_teach_get_best_student (teach);
  g_autoptr(DdEval) test = dd_eval_new (C);
  g_autoptr(DdEval) dev = dd_eval_new (C);
  dd_set_threads (cfg.student.threads);
  dd_student_evaluate (best, DD_SPLIT_TEST, 0, test);
  dd_student_evaluate (best, DD_SPLIT_DEV, 0, dev);
  double dev_bleu = NAN, test_bleu = NAN;
  if (best->s2s)
    {
      DdBleuStats stats;
      dd_parallel_translate (best->s2s, data->parallel, &data->parallel->dev, 0, 1, &stats, NULL);
      dev_bleu = dd_bleu_score (&stats);
      dd_parallel_translate (best->s2s, data->parallel, &data->parallel->test, 0, 1, &stats, NULL);
      test_bleu = dd_bleu_score (&stats);
    }
  double seconds = dd_now () - started;

  if (o.json)
    {
      JsonBuilder *b = cli_json_begin ("summary");
      json_builder_set_member_name (b, "test_accuracy");
      json_builder_add_double_value (b, test->accuracy);
      json_builder_set_member_name (b, "test_error");
      json_builder_add_double_value (b, 1.0 - test->accuracy);
      json_builder_set_member_name (b, "dev_accuracy");
      json_builder_add_double_value (b, dev->accuracy);
      g_autofree char *scenario_name = dd_scenario_name (&scenario);
      json_builder_set_member_name (b, "scenario");
      json_builder_add_string_value (b, scenario_name);
      if (!best->s2s)
        {
          json_builder_set_member_name (b, "balanced_test_error");
          json_builder_add_double_value (b, dd_eval_balanced_error (test));
        }
      if (best->s2s)
        {
          json_builder_set_member_name (b, "dev_bleu");
          json_builder_add_double_value (b, dev_bleu);
          json_builder_set_member_name (b, "test_bleu");
          json_builder_add_double_value (b, test_bleu);
        }
      json_builder_set_member_name (b, "steps");
      json_builder_add_int_value (b, dd_teach_get_step (teach));
      json_builder_set_member_name (b, "teacher_updates");
      json_builder_add_int_value (b, dd_teach_get_meta_iteration (teach));
      gint64 accepted, rejected;
      dd_teach_get_update_counts (teach, &accepted, &rejected, NULL);
      json_builder_set_member_name (b, "accepted_updates");
      json_builder_add_int_value (b, accepted);
      json_builder_set_member_name (b, "rejected_updates");
      json_builder_add_int_value (b, rejected);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, seconds);
      cli_json_emit (b);
    }
  else
    {
      printf ("\nAfter %" G_GINT64_FORMAT " teacher updates (%.1f s), the %s student:\n"
              "  dev accuracy   %6.2f %%%s\n  test accuracy  %6.2f %%\n",
              dd_teach_get_meta_iteration (teach), seconds,
              cfg.protocol == DD_PROTOCOL_EPISODIC ? "best" : "final",
              100.0 * dev->accuracy, best->s2s ? " (per target token, reference prefix fed)" : "",
              100.0 * test->accuracy);
      if (best->s2s)
        printf ("  dev BLEU       %6.2f\n  test BLEU      %6.2f   (greedy decoding)\n",
                dev_bleu, test_bleu);
      if (scenario.kind == DD_SCENARIO_LONG_TAIL)
        printf ("  mean per-class test error  %6.2f %%\n", 100.0 * dd_eval_balanced_error (test));
    }
  return 0;
}
