/* cli-train.c: `didact-cli train`, a student trained on a fixed loss
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The options and the image student's report; the loop is the engine's
 * (DdRun), stepped here between progress and epoch records.
 */
#include "cli.h"
#include "cli-choices.h"
#include "cli-output.h"
#include "cli-teach-options.h"
#include "cli-train.h"
#include "didact-engine.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  char    *dataset;
  char    *student;
  char    *hidden;
  char    *embedding;
  char    *activation;
  char    *loss;
  char    *optimizer;
  /* the numbers whose defaults depend on the rest (NULL: not given, the
   * engine's default applies), as given: parsed in number_options */
  char    *epochs;
  char    *steps;
  char    *batch;
  char    *lr;
  char    *momentum;
  char    *smoothing;
  char    *dropout;
  char    *word_dropout;
  char    *average;
  gboolean tie_embeddings;
  gboolean bidirectional;
  gboolean input_feed;
  char    *margin;
  char    *clip;
  char    *minutes;
  char    *beam;
  char    *bpe;
  gint64   seed;
  int      threads;
  char    *schedule;
  char    *decay_tail;
  gboolean json;
  char    *hypotheses;
  char    *checkpoint;
  char    *scenario;
} TrainOptions;

/* the numbers of TrainOptions' texts, and which were given */
typedef struct {
  int      epochs;
  gint64   steps;
  int      batch;
  double   lr, momentum, smoothing, margin, clip, minutes, dropout, word_dropout, average, decay_tail;
  int      beam, bpe;
  gboolean has_bpe;
  gboolean has_epochs, has_steps, has_batch, has_lr, has_momentum, has_smoothing, has_margin,
           has_clip, has_minutes, has_beam, has_dropout, has_word_dropout, has_average,
           has_decay_tail;
} TrainNumbers;

static void
train_options_clear (TrainOptions *o)
{
  g_free (o->dataset);
  g_free (o->student);
  g_free (o->hidden);
  g_free (o->embedding);
  g_free (o->activation);
  g_free (o->loss);
  g_free (o->optimizer);
  g_free (o->schedule);
  g_free (o->hypotheses);
  g_free (o->checkpoint);
  g_free (o->scenario);
  g_free (o->epochs);
  g_free (o->steps);
  g_free (o->batch);
  g_free (o->lr);
  g_free (o->momentum);
  g_free (o->smoothing);
  g_free (o->dropout);
  g_free (o->word_dropout);
  g_free (o->average);
  g_free (o->decay_tail);
  g_free (o->margin);
  g_free (o->clip);
  g_free (o->minutes);
  g_free (o->beam);
  g_free (o->bpe);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TrainOptions, train_options_clear)

#define USAGE(...) return cli_fail ("train", CLI_EXIT_USAGE, __VA_ARGS__)
/* a name not in the option's table, whose message lists the table */
#define UNKNOWN(option, text) \
  return (cli_choices_unknown ("train", option, text), CLI_EXIT_USAGE)

/* --- the training loop's driver (cli-train.h) --------------------------------- */

int
cli_training_run (CliTraining *t)
{
  g_autoptr(GError) error = NULL;
  const gint64 total = dd_run_total_steps (t->run);
  CliProgress progress;

  t->started = dd_now ();
  cli_progress_init (&progress, !t->json);
  while (dd_run_get_step (t->run) < total)
    {
      double loss;
      if (t->minutes > 0 && dd_now () - t->started >= 60.0 * t->minutes)
        break;
      if (!dd_run_step (t->run, &loss, &error))
        {
          cli_progress_clear (&progress);
          return cli_fail ("train", CLI_EXIT_FAILURE, "%s", error->message);
        }
      const gint64 step = dd_run_get_step (t->run);
      const gboolean epoch_end = dd_run_at_epoch_end (t->run);
      if (epoch_end)
        {
          dd_run_evaluate (t->run, DD_SPLIT_DEV, 0, t->dev);
          cli_progress_clear (&progress);
          t->epoch (t, step, (double) step / dd_run_steps_per_epoch (t->run),
                    dd_run_take_loss (t->run));
        }
      if (progress.enabled)
        {
          const gint64 tokens = dd_run_get_tokens (t->run);
          g_autofree char *rate = tokens ? g_strdup_printf ("  %.0f tokens/s", tokens / (dd_now () - t->started))
                                         : g_strdup ("");
          g_autofree char *label = g_strdup_printf ("step %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
                                                    "  loss %.4f%s", step, total, loss, rate);
          cli_progress_update (&progress, step, total, label, epoch_end);
        }
    }
  cli_progress_clear (&progress);
  t->seconds = dd_now () - t->started;
  return 0;
}

/* --- options ------------------------------------------------------------------- */

static gboolean
parse_options (TrainOptions *o, int *argc, char ***argv)
{
  const GOptionEntry entries[] = {
    { "dataset", 'd', 0, G_OPTION_ARG_STRING, &o->dataset, cli_choices_help (CLI_OPTION_DATASET), "NAME" },
    { "student", 's', 0, G_OPTION_ARG_STRING, &o->student, cli_choices_help (CLI_OPTION_TRAIN_STUDENT), "KIND" },
    { "minutes", 0, 0, G_OPTION_ARG_STRING, &o->minutes, "de-en: stop after this much wall time, then evaluate", "X" },
    { "beam", 0, 0, G_OPTION_ARG_STRING, &o->beam, "de-en: the final dev and test BLEU by beam search of this width (default 1: greedy)", "N" },
    { "bpe", 0, 0, G_OPTION_ARG_STRING, &o->bpe, "de-en: subword units from N byte-pair merges learned on the training split, 0 to " G_STRINGIFY (DD_PARALLEL_MAX_MERGES) " (default 0: words; BLEU stays on words)", "N" },
    { "hypotheses", 0, 0, G_OPTION_ARG_FILENAME, &o->hypotheses, "de-en: write the final dev translations to FILE and the references to FILE.ref", "FILE" },
    { "checkpoint", 0, 0, G_OPTION_ARG_STRING, &o->checkpoint, "de-en: the weights reported: last (default), or best, those of the epoch end with the highest greedy dev BLEU (the last step's are reported beside them)", "WHICH" },
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &o->hidden, "MLP hidden sizes, comma-separated (default 500); de-en: the GRU units H (default 256)", "SIZES" },
    { "embedding", 0, 0, G_OPTION_ARG_STRING, &o->embedding, "de-en: the word embedding size E (default 128)", "E" },
    { "activation", 0, 0, G_OPTION_ARG_STRING, &o->activation, "MLP activation: tanh (default) or relu", "NAME" },
    { "loss", 'l', 0, G_OPTION_ARG_STRING, &o->loss, cli_choices_help (CLI_OPTION_LOSS), "KIND" },
    { "epochs", 'e', 0, G_OPTION_ARG_STRING, &o->epochs, "Passes over the training split (default 10)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_STRING, &o->steps, "Train for N minibatch steps instead of whole epochs", "N" },
    { "batch", 'b', 0, G_OPTION_ARG_STRING, &o->batch, "Minibatch size (default 20)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_STRING, &o->lr, "Learning rate (default 0.01 for SGD, " G_STRINGIFY (DD_OPTIM_ADAM_DEFAULT_LR) " for Adam)", "X" },
    { "momentum", 0, 0, G_OPTION_ARG_STRING, &o->momentum, "SGD momentum ρ (default 0.9)", "X" },
    { "optimizer", 0, 0, G_OPTION_ARG_STRING, &o->optimizer, cli_choices_help (CLI_OPTION_OPTIMIZER), "KIND" },
    { "schedule", 0, 0, G_OPTION_ARG_STRING, &o->schedule, cli_choices_help (CLI_OPTION_TRAIN_SCHEDULE), "NAME" },
    { "decay-tail", 0, 0, G_OPTION_ARG_STRING, &o->decay_tail, "A constant rate that falls linearly to 0 over this last fraction of the run's steps, 0 to 1 (default 0: none; not with --schedule cosine)", "F" },
    { "clip", 0, 0, G_OPTION_ARG_STRING, &o->clip, "Cut the gradient's global norm to X before each update; 0: off (default 5 for seq2seq, off for images)", "X" },
    { "smoothing", 0, 0, G_OPTION_ARG_STRING, &o->smoothing, "Label smoothing ε for --loss smooth (default 0.1)", "X" },
    { "dropout", 0, 0, G_OPTION_ARG_STRING, &o->dropout, "de-en: dropout of the input embeddings and the output layer's input, 0 to 0.9 (default 0)", "P" },
    { "word-dropout", 0, 0, G_OPTION_ARG_STRING, &o->word_dropout, "de-en: dropout of whole source and target input words, 0 to 0.9 (default 0)", "P" },
    { "tie-embeddings", 0, 0, G_OPTION_ARG_NONE, &o->tie_embeddings, "de-en: the output layer reuses the target word embeddings", NULL },
    { "bidirectional", 0, 0, G_OPTION_ARG_NONE, &o->bidirectional, "de-en: a second encoder GRU reads each sentence backwards", NULL },
    { "input-feed", 0, 0, G_OPTION_ARG_NONE, &o->input_feed, "de-en: the decoder reads its previous step's attentional output too (input feeding)", NULL },
    { "average", 0, 0, G_OPTION_ARG_STRING, &o->average, "Evaluate a moving average of the weights with this decay, e.g. 0.999 (default: the last weights)", "D" },
    { "margin", 0, 0, G_OPTION_ARG_STRING, &o->margin, "Additive margin m for --loss margin (default 1)", "X" },
    { "scenario", 0, 0, G_OPTION_ARG_STRING, &o->scenario, CLI_SCENARIO_HELP, "SPEC" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, "Random seed (default 1)", "N" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &o->threads, "Threads (default 1): each batch is shared between them (an image student's examples, the translator's sentences)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "Print one JSON object per line; the last has \"event\": \"summary\"", NULL },
    { NULL }
  };

  return cli_parse_options ("train", NULL,
                            "Train a student on a fixed loss and report dev and test accuracy.\n"
                            "The dev split is carved from the training data; the test split is only reported.",
                            entries, argc, argv);
}

/* the texts of the numbers that default by context, parsed */
static gboolean
number_options (const TrainOptions *o, TrainNumbers *n)
{
  memset (n, 0, sizeof *n);
#define NUMBER_OPTION(field, parse) \
  if (o->field && !(n->has_##field = parse ("train", #field, o->field, &n->field))) \
    return FALSE
  NUMBER_OPTION (epochs, cli_option_int);
  NUMBER_OPTION (steps, cli_option_int64);
  NUMBER_OPTION (batch, cli_option_int);
  NUMBER_OPTION (beam, cli_option_int);
  NUMBER_OPTION (bpe, cli_option_int);
  NUMBER_OPTION (lr, cli_option_double);
  NUMBER_OPTION (momentum, cli_option_double);
  NUMBER_OPTION (smoothing, cli_option_double);
  NUMBER_OPTION (dropout, cli_option_double);
  if (o->word_dropout && !(n->has_word_dropout = cli_option_double ("train", "word-dropout", o->word_dropout, &n->word_dropout)))
    return FALSE;
  NUMBER_OPTION (margin, cli_option_double);
  NUMBER_OPTION (clip, cli_option_double);
  NUMBER_OPTION (minutes, cli_option_double);
  NUMBER_OPTION (average, cli_option_double);
  if (o->decay_tail && !(n->has_decay_tail = cli_option_double ("train", "decay-tail", o->decay_tail, &n->decay_tail)))
    return FALSE;
#undef NUMBER_OPTION
  return TRUE;
}

/* the student: its kind from --dataset and --student, its network */
static int
student_config (const TrainOptions *o, const TrainNumbers *n, DdTrainConfig *cfg)
{
  g_autoptr(GError) error = NULL;
  const gboolean text = g_strcmp0 (o->dataset, DD_CORPUS_ENV_NAME) == 0;
  DdStudentKind kind;
  int dataset;

  if (o->dataset && !cli_choices_parse ("train", CLI_OPTION_DATASET, o->dataset, &dataset))
    return CLI_EXIT_USAGE;
  /* the default student is the one --help marks, dd_train_config_init's */
  dd_train_config_init (cfg);
  kind = text ? DD_STUDENT_SEQ2SEQ : cfg->net.kind;
  if (o->student && !dd_student_kind_parse (o->student, &kind))
    UNKNOWN (CLI_OPTION_TRAIN_STUDENT, o->student);
  if (text != (kind == DD_STUDENT_SEQ2SEQ))
    USAGE (text ? "--dataset de-en is translated by --student seq2seq"
                : "--student seq2seq translates: use it with --dataset de-en");
  if (n->has_minutes && (n->minutes <= 0 || !text))
    USAGE ("--minutes %s: a positive time, for --dataset de-en", o->minutes);
  if (n->has_beam && !text)
    USAGE ("--beam %s: a beam search translates; for --dataset de-en", o->beam);
  if ((n->has_dropout || n->has_word_dropout) && !text)
    USAGE ("--%s %s: dropout is the translation student's; for --dataset de-en",
           n->has_dropout ? "dropout" : "word-dropout",
           n->has_dropout ? o->dropout : o->word_dropout);
  if (o->tie_embeddings && !text)
    USAGE ("--tie-embeddings: the translation student's; for --dataset de-en");
  if (o->bidirectional && !text)
    USAGE ("--bidirectional: the translation student's encoder; for --dataset de-en");
  if (o->input_feed && !text)
    USAGE ("--input-feed: the translation student's decoder; for --dataset de-en");
  if (n->has_bpe && !text)
    USAGE ("--bpe %s: subword merges are for the sentences of --dataset de-en", o->bpe);
  if (n->has_bpe && (n->bpe < 0 || n->bpe > DD_PARALLEL_MAX_MERGES))
    USAGE ("--bpe %s: a number of merges from 0 (words) to %d", o->bpe, DD_PARALLEL_MAX_MERGES);
  if (o->checkpoint && !text)
    USAGE ("--checkpoint %s: chosen by dev BLEU, for --dataset de-en", o->checkpoint);
  if (o->checkpoint && g_strcmp0 (o->checkpoint, "last") != 0 && g_strcmp0 (o->checkpoint, "best") != 0)
    USAGE ("--checkpoint “%s”: last or best", o->checkpoint);
  if (o->hypotheses && !text)
    USAGE ("--hypotheses %s: the translations of --dataset de-en", o->hypotheses);
  dd_train_config_init_student (cfg, kind);
  if (n->has_dropout)
    cfg->net.dropout = n->dropout;
  if (n->has_word_dropout)
    cfg->net.word_dropout = n->word_dropout;
  cfg->net.tie_embeddings = o->tie_embeddings;
  cfg->net.bidirectional = o->bidirectional;
  cfg->net.input_feed = o->input_feed;
  if (o->hidden)
    {
      if (kind == DD_STUDENT_LENET)
        USAGE ("--hidden applies to --student mlp and seq2seq; LeNet's layers are fixed");
      if (!dd_net_spec_parse_hidden (&cfg->net, o->hidden, &error))
        USAGE ("--hidden: %s", error->message);
    }
  if (o->embedding && !text)
    USAGE ("--embedding %s: the translation student's word embeddings; for --dataset de-en",
           o->embedding);
  if (o->embedding && !dd_net_spec_parse_embedding (&cfg->net, o->embedding, &error))
    USAGE ("--embedding: %s", error->message);
  if (o->activation)
    {
      if (g_strcmp0 (o->activation, "tanh") == 0)
        cfg->net.activation = DD_ACT_TANH;
      else if (g_strcmp0 (o->activation, "relu") == 0)
        cfg->net.activation = DD_ACT_RELU;
      else
        USAGE ("--activation “%s”: unknown; choose tanh or relu", o->activation);
    }
  return 0;
}

/* the loss, the optimiser and the length of the run */
static int
training_config (const TrainOptions *o, const TrainNumbers *n, DdTrainConfig *cfg)
{
  if (o->loss && !dd_loss_kind_parse (o->loss, &cfg->loss))
    UNKNOWN (CLI_OPTION_LOSS, o->loss);
  if (o->optimizer && !dd_optim_kind_parse (o->optimizer, &cfg->optimizer))
    UNKNOWN (CLI_OPTION_OPTIMIZER, o->optimizer);
  if (o->schedule && !dd_schedule_parse (o->schedule, &cfg->cosine))
    UNKNOWN (CLI_OPTION_TRAIN_SCHEDULE, o->schedule);
  if (n->has_epochs && n->has_steps)
    USAGE ("give --epochs or --steps, not both");
  if (n->has_epochs)
    cfg->epochs = n->epochs;
  if (n->has_steps && n->steps <= 0)
    USAGE ("--steps %s: must be positive", o->steps);
  if (n->has_steps)
    cfg->steps = n->steps;
  if (n->has_batch)
    cfg->batch = n->batch;
  if (cfg->optimizer == DD_OPTIM_ADAM)
    cfg->lr = DD_OPTIM_ADAM_DEFAULT_LR;
  if (n->has_lr)
    cfg->lr = n->lr;
  if (n->has_momentum)
    cfg->momentum = n->momentum;
  if (n->has_smoothing)
    cfg->smoothing = n->smoothing;
  if (n->has_margin)
    cfg->margin = n->margin;
  if (n->has_clip)
    cfg->clip_norm = n->clip;
  if (n->has_decay_tail && !(n->decay_tail >= 0 && n->decay_tail <= 1))
    USAGE ("--decay-tail %s: a fraction of the run's steps, from 0 (none) to 1", o->decay_tail);
  if (n->has_decay_tail && n->decay_tail > 0 && cfg->cosine)
    USAGE ("--decay-tail %s: a schedule of its own, not with --schedule cosine", o->decay_tail);
  if (n->has_decay_tail)
    cfg->decay_tail = n->decay_tail;
  if (o->seed < 0)
    USAGE ("--seed %" G_GINT64_FORMAT ": must not be negative", o->seed);
  cfg->seed = (guint64) o->seed;
  return 0;
}

/* the scenario, the threads, and the whole configuration checked */
static int
finish_config (const TrainOptions *o, const TrainNumbers *n, DdTrainConfig *cfg,
               DdScenario *scenario)
{
  g_autoptr(GError) error = NULL;
  const gboolean text = cfg->net.kind == DD_STUDENT_SEQ2SEQ;

  if (!dd_scenario_parse (o->scenario ? o->scenario : "none", scenario, &error))
    USAGE ("--scenario: %s", error->message);
  if (text && scenario->kind != DD_SCENARIO_NONE)
    USAGE ("--scenario %s: scenarios change an image set's training labels; de-en has "
           "sentence pairs", o->scenario);
  cfg->threads = o->threads;
  if (!dd_train_config_validate (cfg, &error))
    USAGE ("%s", error->message);
  if (text && o->loss && cfg->loss != DD_LOSS_CE && cfg->loss != DD_LOSS_SMOOTH)
    USAGE ("--loss %s: the translation student trains on ce or smooth (label smoothing) "
           "here; use didact-cli teach for the bucketed L2T-DLF loss", o->loss);
  if (text && n->has_beam && (n->beam < 1 || n->beam > 64))
    USAGE ("--beam %s: a width from 1 to 64", o->beam);
  /* a file the run would write only at its end */
  if (o->hypotheses && !cli_check_output_path ("train", "hypotheses", o->hypotheses))
    return CLI_EXIT_USAGE;
  return 0;
}

/* --- the image student's run and report ---------------------------------------- */

typedef struct {
  const char      *dataset;
  const DdData    *data;
  DdScenario       scenario;
  DdScenarioStats  scenario_stats;
  char            *scenario_name;
  DdEval          *dev;
  DdEval          *test;
} ImageReport;

static void
json_eval (JsonBuilder *b, const char *prefix, const DdEval *ev)
{
  g_autofree char *acc = g_strconcat (prefix, "_accuracy", NULL);
  g_autofree char *loss = g_strconcat (prefix, "_loss", NULL);
  cli_json_double (b, acc, ev->accuracy);
  cli_json_double (b, loss, ev->loss);
}

static void
print_start (DdRun *run, const ImageReport *r, gboolean json)
{
  const DdTrainConfig *cfg = dd_run_get_config (run);
  const DdNet *net = dd_run_get_net (run);
  const DdData *data = r->data;

  if (!json)
    {
      printf ("Training %s on %s (%d train, %d dev, %d test) with %s loss, %s lr %g, "
              "batch %d, seed %" G_GUINT64_FORMAT ", %d thread%s\n",
              net->description, r->dataset, data->train->n, data->dev->n, data->test->n,
              dd_loss_kind_name (cfg->loss), dd_optim_kind_name (cfg->optimizer), cfg->lr,
              cfg->batch, cfg->seed, cfg->threads, cfg->threads == 1 ? "" : "s");
      if (cfg->clip_norm > 0)
        printf ("Gradient norm clipped at %g\n", cfg->clip_norm);
      if (r->scenario.kind != DD_SCENARIO_NONE)
        {
          g_autofree char *what = dd_scenario_describe (&r->scenario, &r->scenario_stats);
          printf ("Scenario: %s\n", what);
        }
      return;
    }
  JsonBuilder *b = cli_json_begin ("start");
  cli_json_string (b, "dataset", r->dataset);
  cli_json_string (b, "student", net->description);
  cli_json_int (b, "parameters", (gint64) net->n_params);
  cli_json_string (b, "loss", dd_loss_kind_name (cfg->loss));
  cli_json_string (b, "optimizer", dd_optim_kind_name (cfg->optimizer));
  cli_json_double (b, "lr", cfg->lr);
  cli_json_int (b, "batch", cfg->batch);
  cli_json_string (b, "schedule", dd_schedule_name (cfg->cosine));
  cli_json_double (b, "decay_tail", cfg->decay_tail);
  cli_json_double (b, "clip_norm", cfg->clip_norm);
  cli_json_int (b, "seed", (gint64) cfg->seed);
  cli_json_int (b, "threads", cfg->threads);
  cli_json_string (b, "precision", DD_REAL_NAME);
  cli_json_int (b, "train_examples", data->train->n);
  cli_json_string (b, "scenario", r->scenario_name);
  cli_json_int (b, "train_labels_changed", r->scenario_stats.n_changed);
  cli_json_int (b, "total_steps", dd_run_total_steps (run));
  cli_json_emit (b);
}

static void
image_epoch (CliTraining *t, gint64 step, double epoch, double train_loss)
{
  if (!t->json)
    {
      printf ("epoch %5.2f  step %7" G_GINT64_FORMAT "  train loss %.4f  dev accuracy %6.2f %%  %.1f s\n",
              epoch, step, train_loss, 100.0 * t->dev->accuracy, dd_now () - t->started);
      return;
    }
  JsonBuilder *b = cli_json_begin ("epoch");
  cli_json_double (b, "epoch", epoch);
  cli_json_int (b, "step", step);
  cli_json_double (b, "train_loss", train_loss);
  json_eval (b, "dev", t->dev);
  cli_json_double (b, "seconds", dd_now () - t->started);
  cli_json_emit (b);
}

static void
print_summary (const CliTraining *t, const ImageReport *r)
{
  const DdEval *dev = r->dev, *test = r->test;
  const int C = test->n_classes;
  const gint64 steps = dd_run_get_step (t->run);

  if (!t->json)
    {
      const DdDataset *ds = r->data->test;
      printf ("\nAfter %" G_GINT64_FORMAT " steps (%.1f s):\n", steps, t->seconds);
      printf ("  dev accuracy   %6.2f %%   (%d examples)\n", 100.0 * dev->accuracy, dev->n);
      printf ("  test accuracy  %6.2f %%   (%d examples)\n", 100.0 * test->accuracy, test->n);
      /* a long tail: also the mean per-class test error */
      if (r->scenario.kind == DD_SCENARIO_LONG_TAIL)
        printf ("  mean per-class test error  %6.2f %%\n", 100.0 * dd_eval_balanced_error (test));
      printf ("\n  %-14s %9s %12s\n", "class", "test acc.", "dev margin");
      for (int c = 0; c < C; c++)
        printf ("  %-14s %8.2f %% %12.3f\n", ds->class_names[c],
                100.0 * test->class_accuracy[c], dev->class_margin[c]);
      return;
    }
  JsonBuilder *b = cli_json_begin ("summary");
  json_eval (b, "test", test);
  json_eval (b, "dev", dev);
  cli_json_string (b, "scenario", r->scenario_name);
  cli_json_double (b, "balanced_test_error", dd_eval_balanced_error (test));
  cli_json_int (b, "steps", steps);
  cli_json_double (b, "seconds", t->seconds);
  cli_json_double_array (b, "test_class_accuracy", test->class_accuracy, C);
  cli_json_double_array (b, "dev_class_margin", dev->class_margin, C);
  cli_json_int_array (b, "test_confusion", test->confusion, C * C);
  cli_json_emit (b);
}

/* the data under --scenario, or NULL after the message (status set) */
static DdData *
load_images (const char *dataset, ImageReport *r, guint64 seed, int *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load (dataset, &error);

  *status = CLI_EXIT_FAILURE;
  if (data == NULL)
    {
      cli_fail ("train", CLI_EXIT_FAILURE, "%s", error->message);
      return NULL;
    }
  if (r->scenario.kind == DD_SCENARIO_NONE)
    return g_steal_pointer (&data);
  return cli_scenario_data ("train", data, &r->scenario, seed, &r->scenario_stats, status);
}

static int
train_images (const DdTrainConfig *cfg, const char *dataset, const DdScenario *scenario,
              double average, gboolean json)
{
  g_autoptr(GError) error = NULL;
  ImageReport r = { .dataset = dataset, .scenario = *scenario };
  int status;

  g_autoptr(DdData) data = load_images (dataset, &r, cfg->seed, &status);
  if (data == NULL)
    return status;
  g_autoptr(DdRun) run = dd_run_new (cfg, data, &error);
  if (run == NULL || (average > 0 && !dd_run_set_average (run, average, &error)))
    USAGE ("%s", error->message);
  g_autofree char *scenario_name = dd_scenario_name (scenario);
  g_autoptr(DdEval) dev = dd_eval_new (data->train->n_classes);
  g_autoptr(DdEval) test = dd_eval_new (data->train->n_classes);
  r.data = data;
  r.scenario_name = scenario_name;
  r.dev = dev;
  r.test = test;
  CliTraining t = { .run = run, .json = json, .dev = dev, .epoch = image_epoch, .data = &r };

  print_start (run, &r, json);
  status = cli_training_run (&t);
  if (status != 0)
    return status;
  dd_run_evaluate (run, DD_SPLIT_TEST, 0, test);
  print_summary (&t, &r);
  return 0;
}

int
cli_train (int argc, char **argv)
{
  g_auto(TrainOptions) o = { .seed = 1, .threads = 1 };
  TrainNumbers n;
  DdTrainConfig cfg;
  DdScenario scenario;
  int status;

  if (!parse_options (&o, &argc, &argv) || !number_options (&o, &n))
    return CLI_EXIT_USAGE;
  if ((status = student_config (&o, &n, &cfg)) != 0 || (status = training_config (&o, &n, &cfg)) != 0 ||
      (status = finish_config (&o, &n, &cfg, &scenario)) != 0)
    return status;
  if (n.has_average && !(n.average > 0 && n.average < 1))
    USAGE ("--average %s: a decay between 0 and 1, such as 0.999", o.average);
  if (cfg.net.kind == DD_STUDENT_SEQ2SEQ)
    return cli_train_translation (&cfg, o.dataset, n.has_bpe ? n.bpe : 0, n.minutes, o.hypotheses,
                                  n.has_beam ? n.beam : 1, g_strcmp0 (o.checkpoint, "best") == 0,
                                  n.has_average ? n.average : 0, o.json);
  return train_images (&cfg, o.dataset ? o.dataset : CLI_DEFAULT_DATASET, &scenario,
                       n.has_average ? n.average : 0, o.json);
}
