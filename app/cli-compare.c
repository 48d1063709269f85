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
#include "cli-choices.h"
#include "cli-compare.h"
#include "cli-deal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* the --help summary: what the arms share, then each arm, then what is printed */
static const char summary_lead[] =
  "Compare L2T-DLF with its controls over seeds. For every seed each arm starts from the\n"
  "same weights, sees the same minibatches, takes the same --pretrain cross-entropy steps\n"
  "and then --budget steps on its own loss:\n";
static const char *const arm_explanations[DD_COMPARE_N_ARMS] = {
  [DD_COMPARE_CE] = "cross-entropy",
  [DD_COMPARE_SMOOTH] = "label smoothing, ε = 0.1",
  [DD_COMPARE_MARGIN] = "additive margin, m = 1",
  [DD_COMPARE_FROZEN] = "the teacher's initial loss Φ₀, never updated (--start, --epsilon)",
  [DD_COMPARE_TAUGHT] = "L2T-DLF: the teacher learns at every window's end of the budget (continual),\n"
                        "          or with --transfer a teacher trained first and then frozen",
};
static const char summary_tail[] =
  "Prints a Markdown table of test errors (the mean per-class error under a long-tail\n"
  "--scenario, test BLEU for de-en) with mean, standard deviation and standard error,\n"
  "then taught against every other arm: the mean paired difference and its standard error.";

static const char *const measure_keys[] = { "test_error", "balanced_test_error", "test_bleu" };

static double
measure_of (const DdArmResult *r, CompareMeasure m)
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
shown (CompareMeasure m, double v)
{
  return m == MEASURE_TEST_BLEU ? v : 100.0 * v;
}

double
compare_shown (const ComparePlan *plan, double v)
{
  return shown (plan->measure, v);
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

/* the command line */

void
compare_options_init (CompareOptions *o)
{
  memset (o, 0, sizeof *o);
  teach_options_init (&o->teach);
  o->teach.budget = G_MININT64;  /* unset: 0 is a valid budget (the warm-up only) */
}

void
compare_options_clear (CompareOptions *o)
{
  teach_options_clear (&o->teach);
  g_free (o->arms);
  g_free (o->beam);
}

typedef ComparePlan Plan;
typedef CompareResults Results;
typedef CompareMeasure Measure;

static gboolean
has_arm (const Plan *plan, DdCompareArm a)
{
  return (plan->cc.arms & (1u << a)) != 0;
}

static gboolean
lower_is_better (const Plan *plan)
{
  return plan->measure != MEASURE_TEST_BLEU;
}

void
compare_results_init (Results *r, int n_seeds)
{
  memset (r, 0, sizeof *r);
  r->seed = g_new0 (DdCompareSeed, n_seeds);
  r->have = g_new0 (gboolean, n_seeds);
  r->value_block = g_new (double, (size_t) DD_COMPARE_N_ARMS * n_seeds);
  for (int a = 0; a < DD_COMPARE_N_ARMS; a++)
    r->value[a] = r->value_block + (size_t) a * n_seeds;
  r->best_fixed = -1;
  r->started = dd_now ();
}

void
compare_results_clear (Results *r)
{
  g_clear_pointer (&r->seed, g_free);
  g_clear_pointer (&r->have, g_free);
  g_clear_pointer (&r->value_block, g_free);
}

/* parse: argv into CompareOptions */

char *
compare_summary (void)
{
  GString *s = g_string_new (summary_lead);

  for (DdCompareArm a = 0; a < DD_COMPARE_N_ARMS; a++)
    g_string_append_printf (s, "  %-7s %s\n", dd_compare_arm_name (a), arm_explanations[a]);
  g_string_append (s, summary_tail);
  return g_string_free (s, FALSE);
}

GOptionEntry *
compare_options_entries (CompareOptions *o)
{
  g_autofree GOptionEntry *teach_entries = teach_options_entries (&o->teach, TRUE);
  const GOptionEntry own[] = {
    { "arms", 0, 0, G_OPTION_ARG_STRING, &o->arms, cli_choices_help (CLI_OPTION_ARMS), "LIST" },
    { "transfer", 0, 0, G_OPTION_ARG_NONE, &o->transfer,
      "The taught arm trains a teacher first (--protocol, --meta), then freezes it on a fresh "
      "student for the budget", NULL },
    { "beam", 0, 0, G_OPTION_ARG_STRING, &o->beam,
      "de-en: test and dev BLEU by beam search of this width, with length normalisation "
      "(default 1: greedy; greedy BLEU is in --json either way)", "N" },
  };

  return cli_entries_join (teach_entries, own, G_N_ELEMENTS (own));
}

static gboolean
parse_compare (CompareOptions *o, int *argc, char ***argv)
{
  g_autofree GOptionEntry *entries = compare_options_entries (o);
  g_autofree char *summary = compare_summary ();

  return cli_parse_options ("compare", NULL, summary, entries, argc, argv);
}

/* validate: CompareOptions into a Plan, every value checked */

#define USAGE(...) \
  G_STMT_START { cli_fail (command, CLI_EXIT_USAGE, __VA_ARGS__); return FALSE; } G_STMT_END

/* --seeds, --budget, --arms and --transfer into plan->cc */
static gboolean
check_compare_options (const char *command, const CompareOptions *o, Plan *plan)
{
  g_autoptr(GError) error = NULL;
  const TeachOptions *t = &o->teach;

  if (t->seeds < 1 || t->seeds > 1000)
    USAGE ("--seeds %d: must be from 1 to 1000", t->seeds);
  if (t->budget != G_MININT64 && t->budget < 0)
    USAGE ("--budget %" G_GINT64_FORMAT ": must not be negative", t->budget);
  plan->cc.budget = t->budget == G_MININT64 ? CLI_COMPARE_BUDGET : t->budget;
  plan->cc.transfer = o->transfer;
  plan->cc.arms = DD_COMPARE_ALL_ARMS;
  if (o->arms && !dd_compare_arms_parse (o->arms, &plan->cc.arms, &error))
    USAGE ("--arms: %s", error->message);
  if (o->transfer && !has_arm (plan, DD_COMPARE_TAUGHT))
    USAGE ("--transfer trains the taught arm's teacher: list taught in --arms");
  plan->cc.beam = 1;
  if (o->beam)
    {
      if (plan->cfg.student.net.kind != DD_STUDENT_SEQ2SEQ)
        USAGE ("--beam %s: a beam search translates; for --dataset de-en", o->beam);
      if (!cli_option_int (command, "beam", o->beam, &plan->cc.beam))
        return FALSE;
      if (plan->cc.beam < 1 || plan->cc.beam > 64)
        USAGE ("--beam %s: a width from 1 to 64", o->beam);
    }
  if (!o->transfer && plan->cfg.protocol == DD_PROTOCOL_EPISODIC && t->protocol != NULL)
    USAGE ("--protocol episodic: the taught arm learns alongside its student (continual); add "
           "--transfer to train an episodic teacher first");
  return TRUE;
}

gboolean
compare_plan (const char *command, const CompareOptions *o, Plan *plan)
{
  memset (plan, 0, sizeof *plan);
  if (!teach_options_to_config (command, &o->teach, &plan->cfg, &plan->scenario) ||
      !check_compare_options (command, o, plan))
    return FALSE;
  if (o->transfer)
    plan->cfg.arm = DD_ARM_TAUGHT;
  plan->dataset = teach_options_dataset (&o->teach);
  plan->first_seed = o->teach.seed;
  plan->n_seeds = o->teach.seeds;
  plan->json = o->teach.json;
  plan->measure = plan->cfg.student.net.kind == DD_STUDENT_SEQ2SEQ ? MEASURE_TEST_BLEU
                  : plan->scenario.kind == DD_SCENARIO_LONG_TAIL ? MEASURE_BALANCED_ERROR
                                                                 : MEASURE_TEST_ERROR;
  for (int a = 0; a < DD_COMPARE_N_ARMS; a++)
    if (has_arm (plan, a))
      plan->arm[plan->n_arms++] = a;
  return TRUE;
}

#undef USAGE

double
compare_plan_cost (const Plan *plan)
{
  const DdTeachConfig *c = &plan->cfg;
  /* a LeNet step costs about 6 MLP steps at the same batch (`didact-cli
   * bench`), a translation step is guessed at 10; the taught arm's replay
   * and reverse pass about 2 more */
  const double per_step = c->student.net.kind == DD_STUDENT_LENET ? 6
                          : c->student.net.kind == DD_STUDENT_SEQ2SEQ ? 10 : 1;
  double steps = 0;

  for (int k = 0; k < plan->n_arms; k++)
    steps += (double) (c->pretrain_steps + plan->cc.budget) * (plan->arm[k] == DD_COMPARE_TAUGHT ? 3 : 1);
  if (plan->cc.transfer)
    steps += 3.0 * c->meta_iterations * c->window;
  return steps * c->student.batch * per_step;
}

/* print: Markdown tables, or one JSON record a seed and the summary */

void
compare_print_header (const Plan *plan)
{
  const DdTeachConfig *cfg = &plan->cfg;
  g_autofree char *taught = NULL;

  if (plan->cc.transfer)
    taught = g_strdup_printf ("a %s teacher trained first (%s, T = %d, %d updates, %s), "
                              "then frozen on a fresh student",
                              dd_teacher_kind_name (cfg->teacher), dd_protocol_name (cfg->protocol),
                              cfg->window, cfg->meta_iterations, dd_objective_name (cfg->objective));
  else
    taught = g_strdup_printf ("a %s teacher updated at every window's end (continual, "
                              "T = %d, %" G_GINT64_FORMAT " updates, %s)",
                              dd_teacher_kind_name (cfg->teacher), cfg->window,
                              plan->cc.budget / cfg->window, dd_objective_name (cfg->objective));
  printf ("Comparing on %s, %s student: every arm takes %" G_GINT64_FORMAT " cross-entropy "
          "warm-up steps, then %" G_GINT64_FORMAT " steps on its loss; batch %d, η = %g, "
          "seeds %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT ".\nTaught: %s. Frozen: the initial loss (%s",
          plan->dataset, dd_student_kind_name (cfg->student.net.kind), cfg->pretrain_steps,
          plan->cc.budget, cfg->student.batch, cfg->student.lr, plan->first_seed,
          plan->first_seed + plan->n_seeds - 1, taught, dd_phi_form_name (cfg->start.form));
  if (cfg->start.form == DD_PHI_NORMALISED)
    printf (", ε₀ = %g", cfg->start.epsilon);
  printf ("). Smooth: label smoothing ε = 0.1. Margin: additive margin m = 1.\n");
  if (plan->scenario.kind != DD_SCENARIO_NONE)
    {
      g_autofree char *what = dd_scenario_describe (&plan->scenario, NULL);
      printf ("Scenario: %s, drawn anew for each seed.\n", what);
    }
}

void
compare_print_table_head (const Plan *plan)
{
  g_autofree char *bleu = plan->cc.beam > 1
    ? g_strdup_printf ("Test BLEU (beam search of width %d, length-normalised)", plan->cc.beam)
    : g_strdup ("Test BLEU (greedy decoding)");

  printf ("\n%s, per seed and arm:\n\n",
          plan->measure == MEASURE_TEST_BLEU ? bleu
          : plan->measure == MEASURE_BALANCED_ERROR
            ? "Mean per-class test error (%; the balanced error, since the training split is "
              "long-tailed — plain test error is in --json)"
            : "Test error (%)");
  printf ("| seed |");
  for (int k = 0; k < plan->n_arms; k++)
    printf (" %s |", dd_compare_arm_name (plan->arm[k]));
  printf ("\n|---:|");
  for (int k = 0; k < plan->n_arms; k++)
    printf ("---:|");
  printf ("\n");
  fflush (stdout);
}

void
compare_print_seed (const Plan *plan, const Results *res, int i)
{
  printf ("| %" G_GUINT64_FORMAT " |", res->seed[i].seed);
  for (int k = 0; k < plan->n_arms; k++)
    printf (" %.2f |", shown (plan->measure, res->value[plan->arm[k]][i]));
  printf ("\n");
  fflush (stdout);
}




/* a record's number: NaN travels as null, since JSON has no NaN */
static void
json_number (JsonBuilder *b, const char *member, double value)
{
  cli_json_double_or_null (b, member, value);
}

static void
json_arm (JsonBuilder *b, const DdArmResult *r, gboolean text, int beam)
{
  json_builder_begin_object (b);
  json_number (b, "test_error", r->test_error);
  json_number (b, "dev_error", r->dev_error);
  if (text)
    {
      json_number (b, "test_bleu", r->test_bleu);
      json_number (b, "dev_bleu", r->dev_bleu);
      if (beam > 1)
        {
          json_number (b, "greedy_test_bleu", r->greedy_test_bleu);
          json_number (b, "greedy_dev_bleu", r->greedy_dev_bleu);
        }
    }
  else
    json_number (b, "balanced_test_error", r->balanced_test_error);
  json_number (b, "seconds", r->seconds);
  json_builder_end_object (b);
}

static JsonBuilder *
seed_record (const Plan *plan, const char *event, const DdCompareSeed *seed,
             const DdScenarioStats *scenario_stats, double seconds)
{
  JsonBuilder *b = cli_json_begin (event);

  cli_json_int (b, "seed", (gint64) seed->seed);
  if (scenario_stats != NULL)
    {
      cli_json_int (b, "train_examples", scenario_stats->n_kept);
      cli_json_int (b, "train_labels_changed", scenario_stats->n_changed);
    }
  json_builder_set_member_name (b, "arms");
  json_builder_begin_object (b);
  for (int k = 0; k < plan->n_arms; k++)
    {
      json_builder_set_member_name (b, dd_compare_arm_name (plan->arm[k]));
      json_arm (b, &seed->arm[plan->arm[k]], plan->measure == MEASURE_TEST_BLEU, plan->cc.beam);
    }
  json_builder_end_object (b);
  if (plan->cc.transfer)
    {
      json_number (b, "teacher_dev_error", seed->teacher_dev_error);
      json_number (b, "teacher_seconds", seed->teacher_seconds);
    }
  json_number (b, "seconds", seconds);
  return b;
}

/* member @name of @o as a double: null is NaN, absent is NaN unless @required */
static gboolean
read_number (JsonObject *o, const char *name, gboolean required, double *out, GError **error)
{
  JsonNode *n = json_object_get_member (o, name);

  *out = NAN;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    {
      if (n == NULL && required)
        {
          g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT, "no “%s”", name);
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (n) ||
      (json_node_get_value_type (n) != G_TYPE_DOUBLE && json_node_get_value_type (n) != G_TYPE_INT64))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT, "“%s” is not a number", name);
      return FALSE;
    }
  *out = json_node_get_double (n);
  return TRUE;
}

gboolean
compare_read_seed (const Plan *plan, JsonObject *record, DdCompareSeed *out, GError **error)
{
  double seed;
  JsonNode *arms_node = json_object_get_member (record, "arms");

  memset (out, 0, sizeof *out);
  if (!read_number (record, "seed", TRUE, &seed, error))
    return FALSE;
  out->seed = (guint64) seed;
  if (arms_node == NULL || !JSON_NODE_HOLDS_OBJECT (arms_node))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT, "no “arms” object");
      return FALSE;
    }
  JsonObject *arms = json_node_get_object (arms_node);
  for (int k = 0; k < plan->n_arms; k++)
    {
      const char *name = dd_compare_arm_name (plan->arm[k]);
      JsonNode *n = json_object_get_member (arms, name);
      DdArmResult *r = &out->arm[plan->arm[k]];

      if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
        {
          g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT, "no arm “%s”", name);
          return FALSE;
        }
      JsonObject *a = json_node_get_object (n);
      r->ran = TRUE;
      if (!read_number (a, "test_error", TRUE, &r->test_error, error) ||
          !read_number (a, "dev_error", TRUE, &r->dev_error, error) ||
          !read_number (a, "test_bleu", FALSE, &r->test_bleu, error) ||
          !read_number (a, "dev_bleu", FALSE, &r->dev_bleu, error) ||
          !read_number (a, "greedy_test_bleu", FALSE, &r->greedy_test_bleu, error) ||
          !read_number (a, "greedy_dev_bleu", FALSE, &r->greedy_dev_bleu, error) ||
          !read_number (a, "balanced_test_error", FALSE, &r->balanced_test_error, error) ||
          !read_number (a, "seconds", FALSE, &r->seconds, error))
        {
          g_prefix_error (error, "arm “%s”: ", name);
          return FALSE;
        }
    }
  return read_number (record, "teacher_dev_error", FALSE, &out->teacher_dev_error, error) &&
         read_number (record, "teacher_seconds", FALSE, &out->teacher_seconds, error);
}

static void
emit_arm_stats (JsonBuilder *b, const Plan *plan, const Results *res)
{
  json_builder_set_member_name (b, "arms");
  json_builder_begin_object (b);
  for (int k = 0; k < plan->n_arms; k++)
    {
      const DdCompareStats *s = &res->stats[plan->arm[k]];
      json_builder_set_member_name (b, dd_compare_arm_name (plan->arm[k]));
      json_builder_begin_object (b);
      cli_json_double (b, "mean", s->mean);
      cli_json_double (b, "sd", s->sd);
      cli_json_double (b, "se", s->se);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

static void
emit_paired (JsonBuilder *b, const Plan *plan, const Results *res)
{
  json_builder_set_member_name (b, "paired");
  json_builder_begin_object (b);
  for (int k = 0; k < plan->n_arms; k++)
    {
      const int a = plan->arm[k];
      if (a == DD_COMPARE_TAUGHT)
        continue;
      json_builder_set_member_name (b, dd_compare_arm_name (a));
      json_builder_begin_object (b);
      cli_json_double (b, "difference", res->paired[a].difference);
      cli_json_double (b, "se", res->paired[a].se);
      json_builder_set_member_name (b, "verdict");
      json_builder_add_string_value (b, dd_paired_verdict_name (res->paired[a].verdict));
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

static int
n_ran (const Plan *plan, const Results *res)
{
  int n = 0;

  for (int i = 0; i < plan->n_seeds; i++)
    n += res->have[i];
  return n;
}

void
compare_json_summary (JsonBuilder *b, const Plan *plan, const Results *res)
{
  g_autofree char *scenario_name = dd_scenario_name (&plan->scenario);

  cli_json_int (b, "seeds", n_ran (plan, res));
  json_builder_set_member_name (b, "scenario");
  json_builder_add_string_value (b, scenario_name);
  json_builder_set_member_name (b, "measure");
  json_builder_add_string_value (b, measure_keys[plan->measure]);
  cli_json_int (b, "pretrain", plan->cfg.pretrain_steps);
  cli_json_int (b, "budget", plan->cc.budget);
  json_builder_set_member_name (b, "transfer");
  json_builder_add_boolean_value (b, plan->cc.transfer);
  if (plan->measure == MEASURE_TEST_BLEU)
    cli_json_int (b, "beam", plan->cc.beam);
  emit_arm_stats (b, plan, res);
  if (has_arm (plan, DD_COMPARE_TAUGHT))
    emit_paired (b, plan, res);
  if (res->best_fixed >= 0)
    {
      json_builder_set_member_name (b, "best_fixed");
      json_builder_add_string_value (b, dd_compare_arm_name (res->best_fixed));
    }
}

static void
print_paired (const Plan *plan, const Results *res)
{
  const Measure m = plan->measure;
  const int best = res->best_fixed;

  printf ("Taught against each other arm, paired by seed: the mean of taught − other in %s "
          "(%s is better for taught) and its standard error over the %d seeds.\n\n",
          m == MEASURE_TEST_BLEU ? "BLEU points" : "points",
          lower_is_better (plan) ? "negative" : "positive", n_ran (plan, res));
  printf ("| taught against | mean difference | paired standard error | verdict |\n"
          "|---|---:|---:|---|\n");
  for (int k = 0; k < plan->n_arms; k++)
    {
      const int a = plan->arm[k];
      if (a != DD_COMPARE_TAUGHT)
        printf ("| %s | %+.2f | %.2f | %s |\n", dd_compare_arm_name (a),
                shown (m, res->paired[a].difference), shown (m, res->paired[a].se),
                verdict_text (res->paired[a].verdict));
    }
  printf ("\n");
  if (best >= 0)
    printf ("Best fixed alternative: %s (mean %.2f%s). Taught − %s: %+.2f ± %.2f, %s.\n",
            dd_compare_arm_name (best), shown (m, res->stats[best].mean),
            m == MEASURE_TEST_BLEU ? "" : " %", dd_compare_arm_name (best),
            shown (m, res->paired[best].difference), shown (m, res->paired[best].se),
            verdict_text (res->paired[best].verdict));
}

void
compare_print_summary (const Plan *plan, const Results *res, gboolean with_time)
{
  const Measure m = plan->measure;

  printf ("| mean ± sd |");
  for (int k = 0; k < plan->n_arms; k++)
    printf (" %.2f ± %.2f |", shown (m, res->stats[plan->arm[k]].mean),
            shown (m, res->stats[plan->arm[k]].sd));
  printf ("\n| standard error |");
  for (int k = 0; k < plan->n_arms; k++)
    printf (" %.2f |", shown (m, res->stats[plan->arm[k]].se));
  printf ("\n\n");
  if (has_arm (plan, DD_COMPARE_TAUGHT) && plan->n_arms > 1)
    print_paired (plan, res);
  if (with_time)
    printf ("%.1f s in all.\n", dd_now () - res->started);
}

/* run: a seed's every arm, through the engine */

JsonBuilder *
compare_run_seed (const Plan *plan, const DdData *data, int i, const char *event,
                  gboolean show_progress, GError **error)
{
  g_autoptr(DdData) seed_data = NULL;
  DdScenarioStats scenario_stats = { 0 };
  Progress progress = { .seed_index = i, .n_seeds = plan->n_seeds };
  DdTeachConfig c = plan->cfg;
  DdCompareSeed seed;

  c.student.seed = (guint64) (plan->first_seed + i);
  if (plan->scenario.kind != DD_SCENARIO_NONE &&
      (seed_data = dd_data_with_scenario (data, &plan->scenario, c.student.seed,
                                          &scenario_stats, error)) == NULL)
    {
      g_prefix_error (error, "--scenario: ");
      return NULL;
    }
  double seed_started = dd_now ();
  cli_progress_init (&progress.bar, show_progress && !plan->json);
  gboolean ok = dd_compare_seed (&c, &plan->cc, seed_data ? seed_data : data,
                                 progress.bar.enabled ? on_progress : NULL, &progress,
                                 &seed, error);
  cli_progress_clear (&progress.bar);
  if (!ok)
    {
      g_prefix_error (error, "seed %" G_GUINT64_FORMAT ": ", c.student.seed);
      return NULL;
    }
  return seed_record (plan, event, &seed, seed_data ? &scenario_stats : NULL,
                      dd_now () - seed_started);
}

void
compare_store_seed (const Plan *plan, Results *res, int i, const DdCompareSeed *seed)
{
  res->seed[i] = *seed;
  res->have[i] = TRUE;
  for (int k = 0; k < plan->n_arms; k++)
    res->value[plan->arm[k]][i] = measure_of (&seed->arm[plan->arm[k]], plan->measure);
}

void
compare_summarise (const Plan *plan, Results *res)
{
  const gboolean lower = lower_is_better (plan);
  g_autofree double *v = g_new (double, (size_t) DD_COMPARE_N_ARMS * MAX (plan->n_seeds, 1));
  double *value[DD_COMPARE_N_ARMS];
  int n = 0;

  /* the seeds that ran, packed */
  for (int a = 0; a < DD_COMPARE_N_ARMS; a++)
    value[a] = v + (size_t) a * MAX (plan->n_seeds, 1);
  for (int i = 0; i < plan->n_seeds; i++)
    if (res->have[i])
      {
        for (int a = 0; a < DD_COMPARE_N_ARMS; a++)
          value[a][n] = res->value[a][i];
        n++;
      }
  res->best_fixed = -1;
  for (int k = 0; k < plan->n_arms; k++)
    res->stats[plan->arm[k]] = dd_compare_stats (value[plan->arm[k]], n);
  /* the best fixed alternative to a learned loss: smoothing or margin, by mean */
  for (int a = DD_COMPARE_SMOOTH; a <= DD_COMPARE_MARGIN; a++)
    if (has_arm (plan, a) &&
        (res->best_fixed < 0 || (lower ? res->stats[a].mean < res->stats[res->best_fixed].mean
                                       : res->stats[a].mean > res->stats[res->best_fixed].mean)))
      res->best_fixed = a;
  if (has_arm (plan, DD_COMPARE_TAUGHT))
    for (int k = 0; k < plan->n_arms; k++)
      if (plan->arm[k] != DD_COMPARE_TAUGHT)
        res->paired[plan->arm[k]] = dd_compare_paired (value[DD_COMPARE_TAUGHT],
                                                       value[plan->arm[k]], n, lower);
}

/* the command: each seed a cell, run here or dealt out to MPI ranks */

typedef struct {
  const Plan   *plan;
  const DdData *data;
  Results      *res;
} CompareRun;

static char *
run_cell (int i, gpointer user_data, GError **error)
{
  CompareRun *run = user_data;
  JsonBuilder *b = compare_run_seed (run->plan, run->data, i, "seed",
                                     cli_deal_ranks () == 1, error);

  return b ? cli_json_line (b) : NULL;
}

static gboolean
cell_done (int i, int rank, const char *line, const GError *cell_error, gpointer user_data,
           GError **error)
{
  CompareRun *run = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  DdCompareSeed seed;

  if (line == NULL)
    return TRUE;  /* the dealer stops: compare wants every seed */
  if (!json_parser_load_from_data (parser, line, -1, error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      !compare_read_seed (run->plan, json_node_get_object (json_parser_get_root (parser)),
                          &seed, error))
    {
      g_prefix_error (error, "the record of seed %" G_GINT64_FORMAT " from rank %d: ",
                      run->plan->first_seed + i, rank);
      return FALSE;
    }
  compare_store_seed (run->plan, run->res, i, &seed);
  if (run->plan->json)
    {
      printf ("%s\n", line);
      fflush (stdout);
    }
  else
    compare_print_seed (run->plan, run->res, i);
  return TRUE;
}

int
cli_compare (int argc, char **argv)
{
  g_auto(CompareOptions) o = { 0 };
  g_auto(CompareResults) res = { 0 };
  g_autoptr(GError) error = NULL;
  Plan plan;

  compare_options_init (&o);
  if (!parse_compare (&o, &argc, &argv) || !compare_plan ("compare", &o, &plan))
    return CLI_EXIT_USAGE;
  g_autoptr(DdData) data = teach_options_load_data ("compare", &o.teach);
  if (data == NULL)
    return CLI_EXIT_FAILURE;
  if (plan.scenario.kind != DD_SCENARIO_NONE && !dd_scenario_check (&plan.scenario, data, &error))
    return cli_fail ("compare", CLI_EXIT_USAGE, "--scenario: %s", error->message);

  compare_results_init (&res, plan.n_seeds);
  const gboolean leader = cli_deal_is_leader ();
  if (leader && !plan.json)
    {
      compare_print_header (&plan);
      compare_print_table_head (&plan);
    }
  g_autofree int *order = g_new (int, plan.n_seeds);
  for (int i = 0; i < plan.n_seeds; i++)
    order[i] = i;
  CompareRun run = { &plan, data, &res };
  if (!cli_deal (order, plan.n_seeds, TRUE, run_cell, cell_done, &run, &error))
    return cli_fail ("compare", CLI_EXIT_FAILURE, "%s", error->message);
  if (!leader)
    return 0;
  compare_summarise (&plan, &res);
  if (plan.json)
    {
      JsonBuilder *b = cli_json_begin ("summary");
      compare_json_summary (b, &plan, &res);
      cli_json_double (b, "seconds", dd_now () - res.started);
      cli_json_emit (b);
    }
  else
    compare_print_summary (&plan, &res, TRUE);
  return 0;
}
