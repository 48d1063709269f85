/* cli-teach-options.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "cli-choices.h"
#include "cli-output.h"
#include "cli-teach-options.h"

#include <string.h>

/* an option's help with its default filled in from the engine's (interned:
 * GOption keeps the pointer) */
G_GNUC_PRINTF (1, 2) static const char *
help (const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *text = g_strdup_vprintf (format, ap);
  va_end (ap);
  return g_intern_string (text);
}

void
teach_options_init (TeachOptions *o)
{
  DdTeachConfig d;

  dd_teach_config_init (&d);
  memset (o, 0, sizeof *o);
  o->window = d.window;
  o->meta = d.meta_iterations;
  o->pretrain = d.pretrain_steps;
  o->batch = d.student.batch;
  o->lr = d.student.lr;
  o->momentum = d.student.momentum;
  o->teacher_lr = d.teacher_lr;
  o->dev = d.dev_subsample;
  o->epsilon = d.start.epsilon;
  o->trust_radius = d.trust_radius;
  o->anchor_every = d.anchor_every;
  o->shadow_patience = d.shadow_patience;
  o->accept_tolerance = d.accept_tolerance;
  o->seed = 1;
  o->threads = 1;
  o->seeds = CLI_COMPARE_SEEDS;
  o->budget = 0;
}

void
teach_options_clear (TeachOptions *o)
{
  g_free (o->dataset);
  g_free (o->student);
  g_free (o->hidden);
  g_free (o->embedding);
  g_free (o->teacher);
  g_free (o->protocol);
  g_free (o->objective);
  g_free (o->teacher_optimizer);
  g_free (o->scenario);
  g_free (o->start);
  g_free (o->teacher_step);
  g_free (o->schedule);
  g_free (o->save);
  g_free (o->csv);
}

GOptionEntry *
teach_options_entries (TeachOptions *o, gboolean compare)
{
  DdTeachConfig d;
  dd_teach_config_init (&d);
  const DdNetSpec mlp = dd_net_spec_default (DD_STUDENT_MLP);
  const GOptionEntry common[] = {
    { "dataset", 'd', 0, G_OPTION_ARG_STRING, &o->dataset, cli_choices_help (CLI_OPTION_DATASET), "NAME" },
    { "student", 's', 0, G_OPTION_ARG_STRING, &o->student, cli_choices_help (CLI_OPTION_STUDENT), "KIND" },
    { "bpe", 0, 0, G_OPTION_ARG_INT, &o->bpe, "de-en: subword units from N byte-pair merges learned on the training split, 0 to " G_STRINGIFY (DD_PARALLEL_MAX_MERGES) " (default 0: words; BLEU stays on words)", "N" },
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &o->hidden, help ("MLP hidden sizes, comma-separated (default %d); de-en: the GRU units H (default 256)", mlp.hidden[0]), "SIZES" },
    { "embedding", 0, 0, G_OPTION_ARG_STRING, &o->embedding, "de-en: the word embedding size E (default 128)", "E" },
    { "teacher", 0, 0, G_OPTION_ARG_STRING, &o->teacher, cli_choices_help (CLI_OPTION_TEACHER), "KIND" },
    { "teacher-hidden", 0, 0, G_OPTION_ARG_INT, &o->teacher_hidden, help ("Hidden units of the neural teacher (default %d)", DD_TEACHER_DEFAULT_HIDDEN), "N" },
    { "protocol", 0, 0, G_OPTION_ARG_STRING, &o->protocol, cli_choices_help (CLI_OPTION_PROTOCOL), "NAME" },
    { "window", 'T', 0, G_OPTION_ARG_INT, &o->window, help ("Student steps T per teacher update (default %d)", d.window), "T" },
    { "meta", 0, 0, G_OPTION_ARG_INT, &o->meta, help ("Teacher updates (default %d)", d.meta_iterations), "N" },
    { "pretrain", 0, 0, G_OPTION_ARG_INT64, &o->pretrain, help ("Cross-entropy warm-up steps P (default %" G_GINT64_FORMAT ")", (gint64) d.pretrain_steps), "P" },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &o->batch, help ("Student minibatch (default %d)", d.student.batch), "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &o->lr, help ("Student learning rate η (default %g)", d.student.lr), "X" },
    { "schedule", 0, 0, G_OPTION_ARG_STRING, &o->schedule, cli_choices_help (CLI_OPTION_SCHEDULE), "NAME" },
    { "momentum", 0, 0, G_OPTION_ARG_DOUBLE, &o->momentum, help ("Student momentum ρ (default %g)", d.student.momentum), "X" },
    { "dropout", 0, 0, G_OPTION_ARG_DOUBLE, &o->dropout, "de-en: dropout of the input embeddings and the output layer's input, 0 to 0.9 (default 0); the reverse pass redraws each step's masks", "P" },
    { "word-dropout", 0, 0, G_OPTION_ARG_DOUBLE, &o->word_dropout, "de-en: dropout of whole source and target input words, 0 to 0.9 (default 0)", "P" },
    { "tie-embeddings", 0, 0, G_OPTION_ARG_NONE, &o->tie_embeddings, "de-en: the output layer reuses the target word embeddings", NULL },
    { "bidirectional", 0, 0, G_OPTION_ARG_NONE, &o->bidirectional, "de-en: a second encoder GRU reads each sentence backwards", NULL },
    { "input-feed", 0, 0, G_OPTION_ARG_NONE, &o->input_feed, "de-en: the decoder reads its previous step's attentional output too (input feeding)", NULL },
    { "teacher-lr", 0, 0, G_OPTION_ARG_DOUBLE, &o->teacher_lr, help ("Teacher learning rate (default %g)", d.teacher_lr), "X" },
    { "teacher-optimizer", 0, 0, G_OPTION_ARG_STRING, &o->teacher_optimizer, cli_choices_help (CLI_OPTION_TEACHER_OPTIMIZER), "KIND" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &o->start, cli_choices_help (CLI_OPTION_START), "FORM" },
    { "epsilon", 0, 0, G_OPTION_ARG_DOUBLE, &o->epsilon, help ("Starting saturation scale ε₀ of the normalised loss (default %g)", d.start.epsilon), "X" },
    { "teacher-step", 0, 0, G_OPTION_ARG_STRING, &o->teacher_step, cli_choices_help (CLI_OPTION_TEACHER_STEP), "RULE" },
    { "trust-radius", 0, 0, G_OPTION_ARG_DOUBLE, &o->trust_radius, help ("First step length ‖Δθ‖ of the trust step (default %g)", d.trust_radius), "X" },
    { "holdout", 0, 0, G_OPTION_ARG_INT, &o->holdout, "Held-out dev examples for the acceptance test, after the --dev ones (default: as many; with a shadow at most half the rest, the other half being its guard)", "N" },
    { "accept-tolerance", 0, 0, G_OPTION_ARG_DOUBLE, &o->accept_tolerance, "Trust steps: accept when the held-out objective changes by at most X paired standard errors (default −1: it must fall by more than one)", "X" },
    { "no-shadow", 0, 0, G_OPTION_ARG_NONE, &o->no_shadow, "Continual trust steps: do not carry the initial teacher's student beside the taught one (by default the arm takes it over when it is better on held-out dev)", NULL },
    { "shadow-patience", 0, 0, G_OPTION_ARG_INT, &o->shadow_patience, help ("Take the shadow mid-run once it has led by more than two standard errors at N windows in a row (default %d; 0: only at the end of the run)", d.shadow_patience), "N" },
    { "anchor-every", 0, 0, G_OPTION_ARG_INT, &o->anchor_every, help ("Continual trust steps: test the initial teacher every N windows, fall back if it is better (default %d; 0 never)", d.anchor_every), "N" },
    { "episode", 0, 0, G_OPTION_ARG_INT64, &o->episode_steps, "Episodic: taught steps of one episode, a whole training run with θ fixed (a multiple of T; default 0: one window, the demo's)", "STEPS" },
    { "objective", 0, 0, G_OPTION_ARG_STRING, &o->objective, cli_choices_help (CLI_OPTION_OBJECTIVE), "NAME" },
    { "scenario", 0, 0, G_OPTION_ARG_STRING, &o->scenario, CLI_SCENARIO_HELP, "SPEC" },
    { "dev", 0, 0, G_OPTION_ARG_INT, &o->dev, help ("Dev examples in the teacher's objective (default %d; 0 = all)", d.dev_subsample), "N" },
    { "checkpoint-every", 'k', 0, G_OPTION_ARG_INT, &o->checkpoint_every, "Keep the trajectory every k steps (default ⌈√T⌉; 1 keeps every step and replays nothing: more memory, a faster reverse pass, the same results)", "k" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, compare ? "First seed (default 1)" : "Random seed (default 1)", "N" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &o->threads, "Threads (default 1): each batch is shared between them (an image student's examples, the translator's sentences)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "Print one JSON object per line; the last has \"event\": \"summary\"", NULL },
  };
  const GOptionEntry session[] = {
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &o->save, "Run through a session and save it to FILE after the run: a session file (.didact) that the workbench opens and didact-cli replay continues", "FILE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &o->csv, "Run through a session and export its records into DIR (made if missing): curves.csv, phi-0.npy, phi-steps-0.npy, windows-0.jsonl", "DIR" },
  };
  const GOptionEntry extra[] = {
    { "seeds", 0, 0, G_OPTION_ARG_INT, &o->seeds, help ("Seeds to compare over (default %d)", CLI_COMPARE_SEEDS), "N" },
    { "budget", 0, 0, G_OPTION_ARG_INT64, &o->budget, help ("Student steps after the warm-up, for every arm (default %d)", CLI_COMPARE_BUDGET), "N" },
  };
  GArray *a = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));

  g_array_append_vals (a, common, G_N_ELEMENTS (common));
  if (compare)
    g_array_append_vals (a, extra, G_N_ELEMENTS (extra));
  else
    g_array_append_vals (a, session, G_N_ELEMENTS (session));
  return (GOptionEntry *) g_array_free (a, FALSE);
}

#define USAGE(...) \
  G_STMT_START { cli_fail (command, CLI_EXIT_USAGE, __VA_ARGS__); return FALSE; } G_STMT_END

const char *
teach_options_dataset (const TeachOptions *o)
{
  const char *name = o->dataset ? o->dataset : CLI_DEFAULT_DATASET;

  if (o->bpe <= 0)
    return name;
  /* interned: one string per set for the process's life, as the plain names */
  g_autofree char *bpe = dd_data_name_bpe (name, o->bpe);
  return g_intern_string (bpe);
}

/* --dataset, --scenario, --student and --hidden, which must fit together */
static gboolean
check_data_and_student (const char *command, const TeachOptions *o, DdTeachConfig *cfg,
                        DdScenario *scenario)
{
  g_autoptr(GError) error = NULL;
  int dataset;

  if (o->dataset && !cli_choices_parse (command, CLI_OPTION_DATASET, o->dataset, &dataset))
    return FALSE;
  const gboolean text = g_strcmp0 (o->dataset, DD_CORPUS_ENV_NAME) == 0;
  if (text)
    cfg->student.net.kind = DD_STUDENT_SEQ2SEQ;
  if (!dd_scenario_parse (o->scenario ? o->scenario : "none", scenario, &error))
    USAGE ("--scenario: %s", error->message);
  if (o->bpe != 0 && !text)
    USAGE ("--bpe %d: subword merges are for the sentences of --dataset de-en", o->bpe);
  if (o->bpe < 0 || o->bpe > DD_PARALLEL_MAX_MERGES)
    USAGE ("--bpe %d: a number of merges from 0 (words) to %d", o->bpe, DD_PARALLEL_MAX_MERGES);
  if (text && scenario->kind != DD_SCENARIO_NONE)
    USAGE ("--scenario %s: scenarios change an image set's training labels; de-en has "
           "sentence pairs", o->scenario);
  if (o->student && !dd_student_kind_parse (o->student, &cfg->student.net.kind))
    return cli_choices_unknown (command, CLI_OPTION_STUDENT, o->student);
  if (text != (cfg->student.net.kind == DD_STUDENT_SEQ2SEQ))
    USAGE (text ? "--dataset de-en is translated by --student seq2seq"
                : "--student seq2seq translates: use it with --dataset de-en");
  cfg->student.net = dd_net_spec_default (cfg->student.net.kind);
  if (o->hidden)
    {
      if (cfg->student.net.kind == DD_STUDENT_LENET)
        USAGE ("--hidden applies to --student mlp and seq2seq; LeNet's layers are fixed");
      if (!dd_net_spec_parse_hidden (&cfg->student.net, o->hidden, &error))
        USAGE ("--hidden: %s", error->message);
    }
  if (o->embedding && !text)
    USAGE ("--embedding %s: the translation student's word embeddings; for --dataset de-en",
           o->embedding);
  if (o->embedding && !dd_net_spec_parse_embedding (&cfg->student.net, o->embedding, &error))
    USAGE ("--embedding: %s", error->message);
  return TRUE;
}

/* the options that name one of a few choices, each checked against its table */
static gboolean
check_choices (const char *command, const TeachOptions *o, DdTeachConfig *cfg)
{
  int v;

  if (o->teacher && !dd_teacher_kind_parse (o->teacher, &cfg->teacher))
    return cli_choices_unknown (command, CLI_OPTION_TEACHER, o->teacher);
  if (o->protocol && !dd_protocol_parse (o->protocol, &cfg->protocol))
    return cli_choices_unknown (command, CLI_OPTION_PROTOCOL, o->protocol);
  if (o->objective && !dd_objective_parse (o->objective, &cfg->objective))
    return cli_choices_unknown (command, CLI_OPTION_OBJECTIVE, o->objective);
  if (o->teacher_optimizer)
    {
      if (!cli_choices_parse (command, CLI_OPTION_TEACHER_OPTIMIZER, o->teacher_optimizer, &v))
        return FALSE;
      cfg->teacher_optimizer = v == CLI_OPTIMIZER_SGD_MOMENTUM ? DD_OPTIM_SGD : (DdOptimKind) v;
      if (v == CLI_OPTIMIZER_SGD_MOMENTUM)
        cfg->teacher_momentum = CLI_TEACHER_MOMENTUM;
    }
  if (o->start && !dd_phi_form_parse (o->start, &cfg->start.form))
    return cli_choices_unknown (command, CLI_OPTION_START, o->start);
  if (o->teacher_step)
    {
      if (!cli_choices_parse (command, CLI_OPTION_TEACHER_STEP, o->teacher_step, &v))
        return FALSE;
      cfg->teacher_step = (DdTeacherStep) v;
    }
  if (o->schedule)
    {
      if (!cli_choices_parse (command, CLI_OPTION_SCHEDULE, o->schedule, &v))
        return FALSE;
      cfg->student.cosine = v == CLI_SCHEDULE_COSINE;
    }
  return TRUE;
}

/* the numbers, as given: dd_teach_config_validate judges them */
static void
copy_numbers (const TeachOptions *o, DdTeachConfig *cfg)
{
  cfg->start.epsilon = o->epsilon;
  cfg->trust_radius = o->trust_radius;
  cfg->holdout = o->holdout;
  cfg->anchor_every = o->anchor_every;
  cfg->shadow = !o->no_shadow;
  cfg->shadow_patience = o->shadow_patience;
  cfg->accept_tolerance = o->accept_tolerance;
  cfg->episode_steps = o->episode_steps;
  cfg->teacher_hidden = o->teacher_hidden;
  cfg->window = o->window;
  cfg->meta_iterations = o->meta;
  cfg->pretrain_steps = o->pretrain;
  cfg->student.batch = o->batch;
  cfg->student.lr = o->lr;
  cfg->student.momentum = o->momentum;
  cfg->student.net.dropout = o->dropout;
  cfg->student.net.word_dropout = o->word_dropout;
  cfg->student.net.tie_embeddings = o->tie_embeddings;
  cfg->student.net.bidirectional = o->bidirectional;
  cfg->student.net.input_feed = o->input_feed;
  cfg->student.seed = (guint64) o->seed;
  cfg->student.threads = o->threads;
  cfg->teacher_lr = o->teacher_lr;
  cfg->dev_subsample = o->dev;
  cfg->checkpoint_every = o->checkpoint_every;
}

static double
teacher_lr_default (void)
{
  DdTeachConfig d;

  dd_teach_config_init (&d);
  return d.teacher_lr;
}

gboolean
teach_options_to_config (const char *command, const TeachOptions *o, DdTeachConfig *cfg,
                         DdScenario *scenario)
{
  g_autoptr(GError) error = NULL;

  dd_teach_config_init (cfg);
  if (!check_data_and_student (command, o, cfg, scenario) || !check_choices (command, o, cfg))
    return FALSE;

  if (o->seed < 0)
    USAGE ("--seed %" G_GINT64_FORMAT ": must not be negative", o->seed);
  if (o->teacher_hidden < 0)
    USAGE ("--teacher-hidden %d: must be positive", o->teacher_hidden);
  if ((o->dropout != 0 || o->word_dropout != 0) && cfg->student.net.kind != DD_STUDENT_SEQ2SEQ)
    USAGE ("--%s %g: dropout is the translation student's; for --dataset de-en",
           o->dropout != 0 ? "dropout" : "word-dropout", o->dropout != 0 ? o->dropout : o->word_dropout);
  if (o->tie_embeddings && cfg->student.net.kind != DD_STUDENT_SEQ2SEQ)
    USAGE ("--tie-embeddings: the translation student's; for --dataset de-en");
  if (o->bidirectional && cfg->student.net.kind != DD_STUDENT_SEQ2SEQ)
    USAGE ("--bidirectional: the translation student's encoder; for --dataset de-en");
  if (o->input_feed && cfg->student.net.kind != DD_STUDENT_SEQ2SEQ)
    USAGE ("--input-feed: the translation student's decoder; for --dataset de-en");
  copy_numbers (o, cfg);
  if (!dd_teach_config_validate (cfg, &error))
    USAGE ("%s", error->message);
  /* the trust step is sized by its radius and never calls the teacher's
   * optimiser: a rate or an optimiser given for it would be ignored */
  if (cfg->teacher_step == DD_TEACHER_STEP_TRUST && o->teacher_optimizer)
    USAGE ("--teacher-optimizer applies to --teacher-step plain; the trust step (the default) "
           "is sized by --trust-radius");
  if (cfg->teacher_step == DD_TEACHER_STEP_TRUST && o->teacher_lr != teacher_lr_default ())
    USAGE ("--teacher-lr applies to --teacher-step plain; the trust step (the default) "
           "is sized by --trust-radius");
  return TRUE;
}

DdData *
teach_options_load_data (const char *command, const TeachOptions *o)
{
  g_autoptr(GError) error = NULL;
  DdData *data = dd_data_load (teach_options_dataset (o), &error);

  if (data == NULL)
    cli_fail (command, CLI_EXIT_FAILURE, "%s", error->message);
  return data;
}

DdData *
cli_scenario_data (const char *command, const DdData *clean, const DdScenario *scenario,
                   guint64 seed, DdScenarioStats *stats, int *status)
{
  g_autoptr(GError) error = NULL;
  DdData *data = dd_data_with_scenario (clean, scenario, seed, stats, &error);

  if (data == NULL)
    *status = cli_fail (command, g_error_matches (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT)
                                 ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE,
                        "--scenario: %s", error->message);
  return data;
}
