/* cli-compare.c: `didact-cli compare`, L2T-DLF against its controls over seeds
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The arms and what they share are dd-compare.h's; this file chooses the
 * measure (test error, the balanced error under a long tail, test BLEU for
 * translation), prints the per-seed table and judges taught against every
 * other arm by the paired differences over seeds.
 */
#include "cli.h"
#include "cli-output.h"
#include "cli-teach-options.h"

#include <math.h>
#include <stdio.h>

static const char summary[] =
  "Compare L2T-DLF with its controls over seeds. For every seed each arm starts from the\n"
  "same weights, sees the same minibatches, takes the same --pretrain cross-entropy steps\n"
  "and then --budget steps on its own loss:\n"
  "  ce      cross-entropy\n"
  "  smooth  label smoothing, ε = 0.1\n"
  "  margin  additive margin, m = 1\n"
  "  frozen  the teacher's initial loss Φ₀, never updated (--start, --epsilon)\n"
  "  taught  L2T-DLF: the teacher learns at every window's end of the budget (continual),\n"
  "          or with --transfer a teacher trained first and then frozen\n"
  "Prints a Markdown table of test errors (the mean per-class error under a long-tail\n"
  "--scenario, test BLEU for de-en) with mean, standard deviation and standard error,\n"
  "then taught against every other arm: the mean paired difference and its standard error.";

typedef enum {
  MEASURE_TEST_ERROR,
  MEASURE_BALANCED_ERROR,
  MEASURE_TEST_BLEU,
} Measure;

static const char *const measure_keys[] = { "test_error", "balanced_test_error", "test_bleu" };

static double
measure_of (const DdArmResult *r, Measure m)
{
  switch (m)
    {
    case MEASURE_TEST_ERROR:
      return r->test_error;
    case MEASURE_BALANCED_ERROR:
      return r->balanced_test_error;
    case MEASURE_TEST_BLEU:
    default:
      return r->test_bleu;
    }
}

/* errors are fractions, printed in percent; BLEU is printed as it is */
static double
shown (Measure m, double v)
{
  return m == MEASURE_TEST_BLEU ? v : 100.0 * v;
}

static const char *
verdict_text (DdPairedVerdict v)
{
  switch (v)
    {
    case DD_PAIRED_BETTER:
      return "better by more than 2 paired standard errors";
    case DD_PAIRED_WORSE:
      return "worse by more than 2 paired standard errors";
    case DD_PAIRED_WITHIN:
      return "within 1 paired standard error";
    case DD_PAIRED_INCONCLUSIVE:
    default:
      return "inconclusive";
    }
}

typedef struct {
  CliProgress bar;
  int         seed_index, n_seeds;
} Progress;

static void
on_progress (const char *phase, gint64 done, gint64 total, gpointer user_data)
{
  Progress *p = user_data;
  g_autofree char *label = g_strdup_printf ("seed %d/%d: %s", p->seed_index + 1, p->n_seeds, phase);
  cli_progress_update (&p->bar, done, total, label, FALSE);
}

static void
json_arm (JsonBuilder *b, const DdArmResult *r, gboolean text)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "test_error");
  json_builder_add_double_value (b, r->test_error);
  json_builder_set_member_name (b, "dev_error");
  json_builder_add_double_value (b, r->dev_error);
  if (text)
    {
      json_builder_set_member_name (b, "test_bleu");
      json_builder_add_double_value (b, r->test_bleu);
      json_builder_set_member_name (b, "dev_bleu");
      json_builder_add_double_value (b, r->dev_bleu);
    }
  else
    {
      json_builder_set_member_name (b, "balanced_test_error");
      json_builder_add_double_value (b, r->balanced_test_error);
    }
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, r->seconds);
  json_builder_end_object (b);
}

int
cli_compare (int argc, char **argv)
{
  g_auto(TeachOptions) o;
  DdTeachConfig cfg;
  DdScenario scenario;
  g_autoptr(GError) error = NULL;
  g_autofree char *arms_list = NULL;
  gboolean transfer = FALSE;

  teach_options_init (&o);
  o.budget = G_MININT64;  /* unset: 0 is a valid budget (the warm-up only) */
  g_autofree GOptionEntry *teach_entries = teach_options_entries (&o, TRUE);
  const GOptionEntry own[] = {
    { "arms", 0, 0, G_OPTION_ARG_STRING, &arms_list,
      "Arms to run, comma-separated: ce, smooth, margin, frozen, taught (default all)", "LIST" },
    { "transfer", 0, 0, G_OPTION_ARG_NONE, &transfer,
      "The taught arm trains a teacher first (--protocol, --meta), then freezes it on a fresh "
      "student for the budget", NULL },
  };
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  for (const GOptionEntry *e = teach_entries; e->long_name; e++)
    g_array_append_val (entries, *e);
  g_array_append_vals (entries, own, G_N_ELEMENTS (own));

  if (!cli_parse_options ("compare", NULL, summary, (const GOptionEntry *) entries->data,
                          &argc, &argv) ||
      !teach_options_to_config ("compare", &o, &cfg, &scenario))
    return CLI_EXIT_USAGE;
  if (o.seeds < 1 || o.seeds > 1000)
    return cli_fail ("compare", CLI_EXIT_USAGE, "--seeds %d: must be from 1 to 1000", o.seeds);
  if (o.budget != G_MININT64 && o.budget < 0)
    return cli_fail ("compare", CLI_EXIT_USAGE,
                     "--budget %" G_GINT64_FORMAT ": must not be negative", o.budget);
  DdCompareConfig cc = { 0 };
  cc.budget = o.budget == G_MININT64 ? 5000 : o.budget;
  cc.transfer = transfer;
  cc.arms = DD_COMPARE_ALL_ARMS;
  if (arms_list && !dd_compare_arms_parse (arms_list, &cc.arms, &error))
    return cli_fail ("compare", CLI_EXIT_USAGE, "--arms: %s", error->message);
  const gboolean has_taught = (cc.arms & (1u << DD_COMPARE_TAUGHT)) != 0;
  if (transfer && !has_taught)
    return cli_fail ("compare", CLI_EXIT_USAGE, "--transfer trains the taught arm's teacher: "
                     "list taught in --arms");
  if (!transfer && cfg.protocol == DD_PROTOCOL_EPISODIC && o.protocol != NULL)
    return cli_fail ("compare", CLI_EXIT_USAGE, "--protocol episodic: the taught arm learns "
                     "alongside its student (continual); add --transfer to train an episodic "
                     "teacher first");
  if (transfer)
    cfg.arm = DD_ARM_TAUGHT;

  const char *dataset = o.dataset ? o.dataset : "fashion-mnist";
  g_autoptr(DdData) data = dd_data_load (dataset, &error);
  if (data == NULL)
    return cli_fail ("compare", CLI_EXIT_FAILURE, "%s", error->message);
  if (scenario.kind != DD_SCENARIO_NONE && !dd_scenario_check (&scenario, data, &error))
    return cli_fail ("compare", CLI_EXIT_USAGE, "--scenario: %s", error->message);

  const int n = o.seeds;
  const gboolean text = data->parallel != NULL;
  const Measure measure = text ? MEASURE_TEST_BLEU
                          : scenario.kind == DD_SCENARIO_LONG_TAIL ? MEASURE_BALANCED_ERROR
                                                                   : MEASURE_TEST_ERROR;
  const gboolean lower_is_better = measure != MEASURE_TEST_BLEU;
  int arm_list[DD_COMPARE_N_ARMS], n_arms = 0;
  for (int a = 0; a < DD_COMPARE_N_ARMS; a++)
    if (cc.arms & (1u << a))
      arm_list[n_arms++] = a;
  g_autofree DdCompareSeed *res = g_new0 (DdCompareSeed, n);
  /* values[a][i]: arm a's measure at seed i */
  g_autofree double *value_block = g_new (double, (size_t) DD_COMPARE_N_ARMS * n);
  double *values[DD_COMPARE_N_ARMS];
  for (int a = 0; a < DD_COMPARE_N_ARMS; a++)
    values[a] = value_block + (size_t) a * n;
  double started = dd_now ();

  if (!o.json)
    {
      g_autofree char *taught = NULL;
      if (transfer)
        taught = g_strdup_printf ("a %s teacher trained first (%s, T = %d, %d updates, %s), "
                                  "then frozen on a fresh student",
                                  dd_teacher_kind_name (cfg.teacher),
                                  dd_protocol_name (cfg.protocol), cfg.window,
                                  cfg.meta_iterations, dd_objective_name (cfg.objective));
      else
        taught = g_strdup_printf ("a %s teacher updated at every window's end (continual, "
                                  "T = %d, %" G_GINT64_FORMAT " updates, %s)",
                                  dd_teacher_kind_name (cfg.teacher), cfg.window,
                                  cc.budget / cfg.window, dd_objective_name (cfg.objective));
      printf ("Comparing on %s, %s student: every arm takes %" G_GINT64_FORMAT " cross-entropy "
              "warm-up steps, then %" G_GINT64_FORMAT " steps on its loss; batch %d, η = %g, "
              "seeds %"
              G_GINT64_FORMAT "–%" G_GINT64_FORMAT ".\nTaught: %s. Frozen: the initial loss (%s",
              dataset, dd_student_kind_name (cfg.student.net.kind), cfg.pretrain_steps, cc.budget,
              cfg.student.batch, cfg.student.lr, o.seed, o.seed + n - 1, taught,
              dd_phi_form_name (cfg.start.form));
      if (cfg.start.form == DD_PHI_NORMALISED)
        printf (", ε₀ = %g", cfg.start.epsilon);
      printf ("). Smooth: label smoothing ε = 0.1. Margin: additive margin m = 1.\n");
      if (scenario.kind != DD_SCENARIO_NONE)
        {
          g_autofree char *what = dd_scenario_describe (&scenario, NULL);
          printf ("Scenario: %s, drawn anew for each seed.\n", what);
        }
      printf ("\n%s, per seed and arm:\n\n",
              measure == MEASURE_TEST_BLEU ? "Test BLEU (greedy decoding)"
              : measure == MEASURE_BALANCED_ERROR
                ? "Mean per-class test error (%; the balanced error, since the training split is "
                  "long-tailed — plain test error is in --json)"
                : "Test error (%)");
      printf ("| seed |");
      for (int k = 0; k < n_arms; k++)
        printf (" %s |", dd_compare_arm_name (arm_list[k]));
      printf ("\n|---:|");
      for (int k = 0; k < n_arms; k++)
        printf ("---:|");
      printf ("\n");
      fflush (stdout);
    }

  for (int i = 0; i < n; i++)
    {
      Progress progress = { .seed_index = i, .n_seeds = n };
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
      double seed_started = dd_now ();
      cli_progress_init (&progress.bar, !o.json);
      if (!dd_compare_seed (&c, &cc, seed_data ? seed_data : data,
                            progress.bar.enabled ? on_progress : NULL, &progress, &res[i], &error))
        {
          cli_progress_clear (&progress.bar);
          return cli_fail ("compare", CLI_EXIT_FAILURE, "seed %" G_GUINT64_FORMAT ": %s",
                           c.student.seed, error->message);
        }
      cli_progress_clear (&progress.bar);
      for (int k = 0; k < n_arms; k++)
        values[arm_list[k]][i] = measure_of (&res[i].arm[arm_list[k]], measure);

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
          json_builder_set_member_name (b, "arms");
          json_builder_begin_object (b);
          for (int k = 0; k < n_arms; k++)
            {
              json_builder_set_member_name (b, dd_compare_arm_name (arm_list[k]));
              json_arm (b, &res[i].arm[arm_list[k]], text);
            }
          json_builder_end_object (b);
          if (transfer)
            {
              json_builder_set_member_name (b, "teacher_dev_error");
              json_builder_add_double_value (b, res[i].teacher_dev_error);
              json_builder_set_member_name (b, "teacher_seconds");
              json_builder_add_double_value (b, res[i].teacher_seconds);
            }
          json_builder_set_member_name (b, "seconds");
          json_builder_add_double_value (b, dd_now () - seed_started);
          cli_json_emit (b);
        }
      else
        {
          printf ("| %" G_GUINT64_FORMAT " |", res[i].seed);
          for (int k = 0; k < n_arms; k++)
            printf (" %.2f |", shown (measure, values[arm_list[k]][i]));
          printf ("\n");
          fflush (stdout);
        }
    }

  DdCompareStats stats[DD_COMPARE_N_ARMS];
  for (int k = 0; k < n_arms; k++)
    stats[arm_list[k]] = dd_compare_stats (values[arm_list[k]], n);
  /* the best fixed alternative to a learned loss: smoothing or margin, by mean */
  int best_fixed = -1;
  for (int a = DD_COMPARE_SMOOTH; a <= DD_COMPARE_MARGIN; a++)
    if ((cc.arms & (1u << a)) &&
        (best_fixed < 0 || (lower_is_better ? stats[a].mean < stats[best_fixed].mean
                                            : stats[a].mean > stats[best_fixed].mean)))
      best_fixed = a;
  DdPaired paired[DD_COMPARE_N_ARMS];
  if (has_taught)
    for (int k = 0; k < n_arms; k++)
      if (arm_list[k] != DD_COMPARE_TAUGHT)
        paired[arm_list[k]] = dd_compare_paired (values[DD_COMPARE_TAUGHT], values[arm_list[k]], n,
                                                 lower_is_better);

  if (o.json)
    {
      JsonBuilder *b = cli_json_begin ("summary");
      json_builder_set_member_name (b, "seeds");
      json_builder_add_int_value (b, n);
      g_autofree char *scenario_name = dd_scenario_name (&scenario);
      json_builder_set_member_name (b, "scenario");
      json_builder_add_string_value (b, scenario_name);
      json_builder_set_member_name (b, "measure");
      json_builder_add_string_value (b, measure_keys[measure]);
      json_builder_set_member_name (b, "pretrain");
      json_builder_add_int_value (b, cfg.pretrain_steps);
      json_builder_set_member_name (b, "budget");
      json_builder_add_int_value (b, cc.budget);
      json_builder_set_member_name (b, "transfer");
      json_builder_add_boolean_value (b, transfer);
      json_builder_set_member_name (b, "arms");
      json_builder_begin_object (b);
      for (int k = 0; k < n_arms; k++)
        {
          const DdCompareStats *s = &stats[arm_list[k]];
          json_builder_set_member_name (b, dd_compare_arm_name (arm_list[k]));
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "mean");
          json_builder_add_double_value (b, s->mean);
          json_builder_set_member_name (b, "sd");
          json_builder_add_double_value (b, s->sd);
          json_builder_set_member_name (b, "se");
          json_builder_add_double_value (b, s->se);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      if (has_taught)
        {
          json_builder_set_member_name (b, "paired");
          json_builder_begin_object (b);
          for (int k = 0; k < n_arms; k++)
            {
              const int a = arm_list[k];
              if (a == DD_COMPARE_TAUGHT)
                continue;
              json_builder_set_member_name (b, dd_compare_arm_name (a));
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "difference");
              json_builder_add_double_value (b, paired[a].difference);
              json_builder_set_member_name (b, "se");
              json_builder_add_double_value (b, paired[a].se);
              json_builder_set_member_name (b, "verdict");
              json_builder_add_string_value (b, dd_paired_verdict_name (paired[a].verdict));
              json_builder_end_object (b);
            }
          json_builder_end_object (b);
        }
      if (best_fixed >= 0)
        {
          json_builder_set_member_name (b, "best_fixed");
          json_builder_add_string_value (b, dd_compare_arm_name (best_fixed));
        }
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, dd_now () - started);
      cli_json_emit (b);
      return 0;
    }

  const char *unit = measure == MEASURE_TEST_BLEU ? "" : " %";
  printf ("| mean ± sd |");
  for (int k = 0; k < n_arms; k++)
    printf (" %.2f ± %.2f |", shown (measure, stats[arm_list[k]].mean),
            shown (measure, stats[arm_list[k]].sd));
  printf ("\n| standard error |");
  for (int k = 0; k < n_arms; k++)
    printf (" %.2f |", shown (measure, stats[arm_list[k]].se));
  printf ("\n\n");

  if (has_taught && n_arms > 1)
    {
      printf ("Taught against each other arm, paired by seed: the mean of taught − other in %s "
              "(%s is better for taught) and its standard error over the %d seeds.\n\n",
              measure == MEASURE_TEST_BLEU ? "BLEU points" : "points",
              lower_is_better ? "negative" : "positive", n);
      printf ("| taught against | mean difference | paired standard error | verdict |\n"
              "|---|---:|---:|---|\n");
      for (int k = 0; k < n_arms; k++)
        {
          const int a = arm_list[k];
          if (a != DD_COMPARE_TAUGHT)
            printf ("| %s | %+.2f | %.2f | %s |\n", dd_compare_arm_name (a),
                    shown (measure, paired[a].difference), shown (measure, paired[a].se),
                    verdict_text (paired[a].verdict));
        }
      printf ("\n");
      if (best_fixed >= 0)
        printf ("Best fixed alternative: %s (mean %.2f%s). Taught − %s: %+.2f ± %.2f, %s.\n",
                dd_compare_arm_name (best_fixed), shown (measure, stats[best_fixed].mean), unit,
                dd_compare_arm_name (best_fixed), shown (measure, paired[best_fixed].difference),
                shown (measure, paired[best_fixed].se), verdict_text (paired[best_fixed].verdict));
    }
  printf ("%.1f s in all.\n", dd_now () - started);
  return 0;
}
