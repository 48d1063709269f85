/* cli-compare.c: `didact-cli compare`, cross-entropy against L2T-DLF over seeds
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "cli-output.h"
#include "cli-teach-options.h"

#include <math.h>
#include <stdio.h>

typedef struct {
  double mean, sd, se;
} Stats;

static Stats
stats_of (const double *v, int n)
{
  Stats s = { 0 };
  for (int i = 0; i < n; i++)
    s.mean += v[i] / n;
  double ss = 0.0;
  for (int i = 0; i < n; i++)
    ss += (v[i] - s.mean) * (v[i] - s.mean);
  s.sd = n > 1 ? sqrt (ss / (n - 1)) : 0.0;
  s.se = n > 0 ? s.sd / sqrt (n) : 0.0;
  return s;
}

static void
on_progress (const char *phase, gint64 done, gint64 total, gpointer user_data)
{
  CliProgress *p = user_data;
  g_autofree char *label = g_strdup_printf ("%s", phase);
  cli_progress_update (p, done, total, label, FALSE);
}

static void
json_stats (JsonBuilder *b, const char *prefix, Stats s)
{
  g_autofree char *m = g_strconcat (prefix, "_mean", NULL);
  g_autofree char *sd = g_strconcat (prefix, "_sd", NULL);
  g_autofree char *se = g_strconcat (prefix, "_se", NULL);
  json_builder_set_member_name (b, m);
  json_builder_add_double_value (b, s.mean);
  json_builder_set_member_name (b, sd);
  json_builder_add_double_value (b, s.sd);
  json_builder_set_member_name (b, se);
  json_builder_add_double_value (b, s.se);
}

int
cli_compare (int argc, char **argv)
{
  g_auto(TeachOptions) o;
  DdTeachConfig cfg;
  DdScenario scenario;
  g_autoptr(GError) error = NULL;

  teach_options_init (&o);
  g_autofree GOptionEntry *entries = teach_options_entries (&o, TRUE);
  if (!cli_parse_options ("compare", NULL,
                          "Compare cross-entropy with L2T-DLF in the transfer protocol: for every seed, train\n"
                          "a teacher (as `teach` does), then train a fresh student of that seed twice with the\n"
                          "same warm-up and budget, on cross-entropy and on the frozen teacher's loss. Prints a\n"
                          "Markdown table of test errors with mean, standard deviation and standard error.",
                          entries, &argc, &argv) ||
      !teach_options_to_config ("compare", &o, &cfg, &scenario))
    return CLI_EXIT_USAGE;
  if (o.seeds < 1 || o.seeds > 1000)
    return cli_fail ("compare", CLI_EXIT_USAGE, "--seeds %d: must be from 1 to 1000", o.seeds);
  gint64 budget = o.budget > 0 ? o.budget : 5000;
  if (o.budget < 0)
    return cli_fail ("compare", CLI_EXIT_USAGE, "--budget %" G_GINT64_FORMAT ": must be positive", o.budget);

  const char *dataset = o.dataset ? o.dataset : "fashion-mnist";
  g_autoptr(DdData) data = dd_data_load (dataset, &error);
  if (data == NULL)
    return cli_fail ("compare", CLI_EXIT_FAILURE, "%s", error->message);
  if (scenario.kind != DD_SCENARIO_NONE && !dd_scenario_check (&scenario, data, &error))
    return cli_fail ("compare", CLI_EXIT_USAGE, "--scenario: %s", error->message);

  const int n = o.seeds;
  const gboolean text = data->parallel != NULL;
  g_autofree DdTransferResult *res = g_new0 (DdTransferResult, n);
  g_autofree double *ce = g_new (double, n), *dlf = g_new (double, n), *diff = g_new (double, n);
  double started = dd_now ();

  if (!o.json)
    printf ("Comparing on %s: %s student, %s teacher (%s, T = %d, %d updates, %s), warm-up %"
            G_GINT64_FORMAT ", transfer budget %" G_GINT64_FORMAT " steps, batch %d, η = %g, seeds %"
            G_GINT64_FORMAT "–%" G_GINT64_FORMAT "\n\n",
            dataset, dd_student_kind_name (cfg.student.net.kind), dd_teacher_kind_name (cfg.teacher),
            dd_protocol_name (cfg.protocol), cfg.window, cfg.meta_iterations,
            dd_objective_name (cfg.objective), cfg.pretrain_steps, budget, cfg.student.batch,
            cfg.student.lr, o.seed, o.seed + n - 1);
  if (!o.json && scenario.kind != DD_SCENARIO_NONE)
    {
      g_autofree char *what = dd_scenario_describe (&scenario, NULL);
      printf ("Scenario: %s, drawn anew for each seed\n\n", what);
    }

  for (int i = 0; i < n; i++)
    {
      CliProgress progress;
      DdTeachConfig c = cfg;
      c.student.seed = (guint64) (o.seed + i);
      /* each seed trains on its own draw of the scenario, from the clean data */
      DdScenarioStats scenario_stats = { 0 };
      g_autoptr(DdData) seed_data = NULL;
      if (scenario.kind != DD_SCENARIO_NONE)
        {
          int status;
          seed_data = cli_scenario_data ("compare", data, &scenario, c.student.seed,
                                         &scenario_stats, &status);
          if (seed_data == NULL)
            return status;
        }
      cli_progress_init (&progress, !o.json);
      if (!dd_transfer_run (&c, seed_data ? seed_data : data, budget,
                            progress.enabled ? on_progress : NULL, &progress, &res[i], &error))
        {
          cli_progress_clear (&progress);
          return cli_fail ("compare", CLI_EXIT_FAILURE, "seed %" G_GUINT64_FORMAT ": %s",
                           c.student.seed, error->message);
        }
      cli_progress_clear (&progress);
      /* the measure: test error for images (lower is better), test BLEU
       * for translation (higher is better); diff is always the gain */
      ce[i] = text ? res[i].ce_test_bleu : res[i].ce_test_error;
      dlf[i] = text ? res[i].dlf_test_bleu : res[i].dlf_test_error;
      diff[i] = text ? dlf[i] - ce[i] : ce[i] - dlf[i];
      if (o.json)
        {
          JsonBuilder *b = cli_json_begin ("seed");
          json_builder_set_member_name (b, "seed");
          json_builder_add_int_value (b, (gint64) res[i].seed);
          if (seed_data != NULL)
            {
              json_builder_set_member_name (b, "train_examples");
              json_builder_add_int_value (b, scenario_stats.n_kept);
              json_builder_set_member_name (b, "train_labels_changed");
              json_builder_add_int_value (b, scenario_stats.n_changed);
            }
          json_builder_set_member_name (b, "ce_test_error");
          json_builder_add_double_value (b, ce[i]);
          json_builder_set_member_name (b, "dlf_test_error");
          json_builder_add_double_value (b, dlf[i]);
          json_builder_set_member_name (b, "ce_dev_error");
          json_builder_add_double_value (b, res[i].ce_dev_error);
          json_builder_set_member_name (b, "dlf_dev_error");
          json_builder_add_double_value (b, res[i].dlf_dev_error);
          if (text)
            {
              json_builder_set_member_name (b, "ce_test_bleu");
              json_builder_add_double_value (b, res[i].ce_test_bleu);
              json_builder_set_member_name (b, "dlf_test_bleu");
              json_builder_add_double_value (b, res[i].dlf_test_bleu);
              json_builder_set_member_name (b, "ce_dev_bleu");
              json_builder_add_double_value (b, res[i].ce_dev_bleu);
              json_builder_set_member_name (b, "dlf_dev_bleu");
              json_builder_add_double_value (b, res[i].dlf_dev_bleu);
            }
          json_builder_set_member_name (b, "seconds");
          json_builder_add_double_value (b, res[i].teacher_seconds + res[i].transfer_seconds);
          cli_json_emit (b);
        }
      else if (text)
        {
          if (i == 0)
            printf ("| seed | cross-entropy dev BLEU | L2T-DLF dev BLEU | cross-entropy test BLEU "
                    "| L2T-DLF test BLEU | test gain | cross-entropy test token error "
                    "| L2T-DLF test token error |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
          printf ("| %" G_GUINT64_FORMAT " | %.2f | %.2f | %.2f | %.2f | %+.2f | %.2f %% | %.2f %% |\n",
                  res[i].seed, res[i].ce_dev_bleu, res[i].dlf_dev_bleu, ce[i], dlf[i], diff[i],
                  100 * res[i].ce_test_error, 100 * res[i].dlf_test_error);
          fflush (stdout);
        }
      else
        {
          if (i == 0)
            printf ("| seed | cross-entropy test error | L2T-DLF test error | difference |\n"
                    "|---:|---:|---:|---:|\n");
          printf ("| %" G_GUINT64_FORMAT " | %.2f %% | %.2f %% | %+.2f |\n", res[i].seed,
                  100 * ce[i], 100 * dlf[i], 100 * (dlf[i] - ce[i]));
          fflush (stdout);
        }
    }

  Stats sc = stats_of (ce, n), sd = stats_of (dlf, n), sdiff = stats_of (diff, n);
  double reduction = sc.mean > 0 ? (sc.mean - sd.mean) / sc.mean : 0.0;
  gboolean significant = n > 1 && sdiff.mean > 2 * sdiff.se && sdiff.se > 0;
  if (o.json)
    {
      JsonBuilder *b = cli_json_begin ("summary");
      json_builder_set_member_name (b, "seeds");
      json_builder_add_int_value (b, n);
      g_autofree char *scenario_name = dd_scenario_name (&scenario);
      json_builder_set_member_name (b, "scenario");
      json_builder_add_string_value (b, scenario_name);
      json_stats (b, text ? "ce_test_bleu" : "ce_test_error", sc);
      json_stats (b, text ? "dlf_test_bleu" : "dlf_test_error", sd);
      json_stats (b, text ? "paired_bleu_gain" : "paired_reduction", sdiff);
      json_builder_set_member_name (b, "relative_reduction");
      json_builder_add_double_value (b, reduction);
      json_builder_set_member_name (b, "reduction_exceeds_two_se");
      json_builder_add_boolean_value (b, significant);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, dd_now () - started);
      cli_json_emit (b);
    }
  else if (text)
    {
      g_autofree double *ce_err = g_new (double, n), *dlf_err = g_new (double, n);
      for (int i = 0; i < n; i++)
        {
          ce_err[i] = res[i].ce_test_error;
          dlf_err[i] = res[i].dlf_test_error;
        }
      Stats se = stats_of (ce_err, n), sde = stats_of (dlf_err, n);
      printf ("| mean ± sd | | | %.2f ± %.2f | %.2f ± %.2f | %+.2f ± %.2f | %.2f ± %.2f %% | %.2f ± %.2f %% |\n",
              sc.mean, sc.sd, sd.mean, sd.sd, sdiff.mean, sdiff.sd,
              100 * se.mean, 100 * se.sd, 100 * sde.mean, 100 * sde.sd);
      printf ("| standard error | | | %.2f | %.2f | %.2f | %.2f %% | %.2f %% |\n\n", sc.se, sd.se,
              sdiff.se, 100 * se.se, 100 * sde.se);
      printf ("L2T-DLF %s the mean test BLEU by %.2f points; twice the paired standard error is "
              "%.2f points, so the difference is %s. %.0f s in all.\n",
              sdiff.mean >= 0 ? "raises" : "lowers", fabs (sdiff.mean), 2 * sdiff.se,
              n > 1 && fabs (sdiff.mean) > 2 * sdiff.se ? "more than two standard errors"
                                                        : "within two standard errors",
              dd_now () - started);
    }
  else
    {
      printf ("| mean ± sd | %.2f ± %.2f %% | %.2f ± %.2f %% | %+.2f ± %.2f |\n",
              100 * sc.mean, 100 * sc.sd, 100 * sd.mean, 100 * sd.sd,
              -100 * sdiff.mean, 100 * sdiff.sd);
      printf ("| standard error | %.2f %% | %.2f %% | %.2f |\n\n", 100 * sc.se, 100 * sd.se, 100 * sdiff.se);
      if (sdiff.mean >= 0)
        printf ("L2T-DLF lowers the mean test error by %.2f points (%.1f %% relative); twice the "
                "paired standard error is %.2f points, so the reduction is %s. %.0f s in all.\n",
                100 * sdiff.mean, 100 * reduction, 200 * sdiff.se,
                significant ? "more than two standard errors" : "within two standard errors",
                dd_now () - started);
      else
        printf ("L2T-DLF raises the mean test error by %.2f points (%.1f %% relative; paired "
                "standard error %.2f points): no reduction. %.0f s in all.\n",
                -100 * sdiff.mean, -100 * reduction, 100 * sdiff.se, dd_now () - started);
    }
  return 0;
}
