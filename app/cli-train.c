/* cli-train.c: `didact-cli train`, a student trained on a fixed loss
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "cli-output.h"
#include "cli-teach-options.h"
#include "didact-engine.h"

#include <stdio.h>

typedef struct {
  char    *dataset;
  char    *student;
  char    *hidden;
  char    *activation;
  char    *loss;
  char    *optimizer;
  int      epochs;
  gint64   steps;
  int      batch;
  double   lr;
  double   momentum;
  double   smoothing;
  double   margin;
  gint64   seed;
  int      threads;
  char    *schedule;
  gboolean json;
  double   minutes;
  char    *hypotheses;
  int      beam;
  char    *scenario;
} TrainOptions;

static void
train_options_clear (TrainOptions *o)
{
  g_free (o->dataset);
  g_free (o->student);
  g_free (o->hidden);
  g_free (o->activation);
  g_free (o->loss);
  g_free (o->optimizer);
  g_free (o->schedule);
  g_free (o->hypotheses);
  g_free (o->scenario);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TrainOptions, train_options_clear)

static void
print_eval_json (JsonBuilder *b, const char *prefix, const DdEval *ev)
{
  g_autofree char *acc = g_strconcat (prefix, "_accuracy", NULL);
  g_autofree char *loss = g_strconcat (prefix, "_loss", NULL);
  json_builder_set_member_name (b, acc);
  json_builder_add_double_value (b, ev->accuracy);
  json_builder_set_member_name (b, loss);
  json_builder_add_double_value (b, ev->loss);
}

/* balanced: also the mean per-class test error (for a long tail) */
static void
print_summary_text (const DdData *data, const DdEval *dev, const DdEval *test,
                    gint64 steps, double seconds, gboolean balanced)
{
  const DdDataset *ds = data->test;
  printf ("\nAfter %" G_GINT64_FORMAT " steps (%.1f s):\n", steps, seconds);
  printf ("  dev accuracy   %6.2f %%   (%d examples)\n", 100.0 * dev->accuracy, dev->n);
  printf ("  test accuracy  %6.2f %%   (%d examples)\n", 100.0 * test->accuracy, test->n);
  if (balanced)
    printf ("  mean per-class test error  %6.2f %%\n", 100.0 * dd_eval_balanced_error (test));
  printf ("\n  %-14s %9s %12s\n", "class", "test acc.", "dev margin");
  for (int c = 0; c < ds->n_classes; c++)
    printf ("  %-14s %8.2f %% %12.3f\n", ds->class_names[c],
            100.0 * test->class_accuracy[c], dev->class_margin[c]);
}

int
cli_train (int argc, char **argv)
{
  g_auto(TrainOptions) o = { .epochs = 0, .steps = 0, .batch = 0, .lr = 0, .seed = 1, .threads = 1,
                     .momentum = -1, .smoothing = -1, .margin = -1 };
  const GOptionEntry entries[] = {
    { "dataset", 'd', 0, G_OPTION_ARG_STRING, &o.dataset, "fashion-mnist (default), mnist, digits or de-en (German→English sentences)", "NAME" },
    { "student", 's', 0, G_OPTION_ARG_STRING, &o.student, "mlp (default) or lenet; seq2seq for de-en", "KIND" },
    { "minutes", 0, 0, G_OPTION_ARG_DOUBLE, &o.minutes, "de-en: stop after this much wall time, then evaluate", "X" },
    { "beam", 0, 0, G_OPTION_ARG_INT, &o.beam, "de-en: the final dev and test BLEU by beam search of this width (default 1: greedy)", "N" },
    { "hypotheses", 0, 0, G_OPTION_ARG_FILENAME, &o.hypotheses, "de-en: write the final dev translations to FILE and the references to FILE.ref", "FILE" },
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &o.hidden, "MLP hidden sizes, comma-separated (default 500)", "SIZES" },
    { "activation", 0, 0, G_OPTION_ARG_STRING, &o.activation, "MLP activation: tanh (default) or relu", "NAME" },
    { "loss", 'l', 0, G_OPTION_ARG_STRING, &o.loss, "ce (default), smooth, margin or dlf (the paper's L2T-DLF loss at Φ = (I, 0))", "KIND" },
    { "epochs", 'e', 0, G_OPTION_ARG_INT, &o.epochs, "Passes over the training split (default 10)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT64, &o.steps, "Train for N minibatch steps instead of whole epochs", "N" },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &o.batch, "Minibatch size (default 20)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &o.lr, "Learning rate (default 0.01 for SGD, 0.001 for Adam)", "X" },
    { "momentum", 0, 0, G_OPTION_ARG_DOUBLE, &o.momentum, "SGD momentum ρ (default 0.9)", "X" },
    { "optimizer", 0, 0, G_OPTION_ARG_STRING, &o.optimizer, "sgd (default) or adam", "KIND" },
    { "schedule", 0, 0, G_OPTION_ARG_STRING, &o.schedule, "Learning rate schedule: constant (default) or cosine (to zero at the end)", "NAME" },
    { "smoothing", 0, 0, G_OPTION_ARG_DOUBLE, &o.smoothing, "Label smoothing ε for --loss smooth (default 0.1)", "X" },
    { "margin", 0, 0, G_OPTION_ARG_DOUBLE, &o.margin, "Additive margin m for --loss margin (default 1)", "X" },
    { "scenario", 0, 0, G_OPTION_ARG_STRING, &o.scenario, CLI_SCENARIO_HELP, "SPEC" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o.seed, "Random seed (default 1)", "N" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &o.threads, "BLAS threads (default 1)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "Print one JSON object per line; the last has \"event\": \"summary\"", NULL },
    { NULL }
  };
  DdTrainConfig cfg;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!cli_parse_options ("train", NULL,
                          "Train a student on a fixed loss and report dev and test accuracy.\n"
                          "The dev split is carved from the training data; the test split is only reported.",
                          entries, &argc, &argv))
    return CLI_EXIT_USAGE;

  dd_train_config_init (&cfg);
  const char *dataset = o.dataset ? o.dataset : "fashion-mnist";
  const gboolean text = g_strcmp0 (dataset, DD_CORPUS_ENV_NAME) == 0;
  if (dd_dataset_info (dataset) == NULL && !text)
    return cli_fail ("train", CLI_EXIT_USAGE, "--dataset “%s”: unknown; choose fashion-mnist, mnist, digits or de-en", dataset);
  if (text)
    cfg.net.kind = DD_STUDENT_SEQ2SEQ;
  if (o.student && !dd_student_kind_parse (o.student, &cfg.net.kind))
    return cli_fail ("train", CLI_EXIT_USAGE, "--student “%s”: unknown; choose mlp, lenet or seq2seq", o.student);
  if (text != (cfg.net.kind == DD_STUDENT_SEQ2SEQ))
    return cli_fail ("train", CLI_EXIT_USAGE, text ? "--dataset de-en is translated by --student seq2seq"
                                                   : "--student seq2seq translates: use it with --dataset de-en");
  if (o.minutes < 0 || (o.minutes > 0 && !text))
    return cli_fail ("train", CLI_EXIT_USAGE, "--minutes %g: a positive time, for --dataset de-en", o.minutes);
  cfg.net = dd_net_spec_default (cfg.net.kind);
  if (o.hidden)
    {
      if (cfg.net.kind != DD_STUDENT_MLP)
        return cli_fail ("train", CLI_EXIT_USAGE, "--hidden applies to --student mlp only");
      if (!dd_net_spec_parse_hidden (&cfg.net, o.hidden, &error))
        return cli_fail ("train", CLI_EXIT_USAGE, "--hidden: %s", error->message);
    }
  if (o.activation)
    {
      if (g_strcmp0 (o.activation, "tanh") == 0)
        cfg.net.activation = DD_ACT_TANH;
      else if (g_strcmp0 (o.activation, "relu") == 0)
        cfg.net.activation = DD_ACT_RELU;
      else
        return cli_fail ("train", CLI_EXIT_USAGE, "--activation “%s”: unknown; choose tanh or relu", o.activation);
    }
  if (o.loss && !dd_loss_kind_parse (o.loss, &cfg.loss))
    return cli_fail ("train", CLI_EXIT_USAGE, "--loss “%s”: unknown; choose ce, smooth, margin or dlf", o.loss);
  if (o.optimizer && !dd_optim_kind_parse (o.optimizer, &cfg.optimizer))
    return cli_fail ("train", CLI_EXIT_USAGE, "--optimizer “%s”: unknown; choose sgd or adam", o.optimizer);
  if (o.schedule && g_strcmp0 (o.schedule, "cosine") != 0 && g_strcmp0 (o.schedule, "constant") != 0)
    return cli_fail ("train", CLI_EXIT_USAGE, "--schedule “%s”: unknown; choose constant or cosine", o.schedule);
  cfg.cosine = g_strcmp0 (o.schedule, "cosine") == 0;
  if (o.epochs != 0 && o.steps != 0)
    return cli_fail ("train", CLI_EXIT_USAGE, "give --epochs or --steps, not both");
  if (o.epochs != 0)
    cfg.epochs = o.epochs;
  if (o.steps != 0)
    {
      if (o.steps < 0)
        return cli_fail ("train", CLI_EXIT_USAGE, "--steps %" G_GINT64_FORMAT ": must be positive", o.steps);
      cfg.steps = o.steps;
    }
  if (o.batch != 0)
    cfg.batch = o.batch;
  if (cfg.optimizer == DD_OPTIM_ADAM)
    cfg.lr = 0.001;
  if (o.lr != 0)
    cfg.lr = o.lr;
  if (o.momentum != -1)
    cfg.momentum = o.momentum;
  if (o.smoothing != -1)
    cfg.smoothing = o.smoothing;
  if (o.margin != -1)
    cfg.margin = o.margin;
  if (o.seed < 0)
    return cli_fail ("train", CLI_EXIT_USAGE, "--seed %" G_GINT64_FORMAT ": must not be negative", o.seed);
  cfg.seed = (guint64) o.seed;
  DdScenario scenario;
  DdScenarioStats scenario_stats = { 0 };
  if (!dd_scenario_parse (o.scenario ? o.scenario : "none", &scenario, &error))
    return cli_fail ("train", CLI_EXIT_USAGE, "--scenario: %s", error->message);
  if (text && scenario.kind != DD_SCENARIO_NONE)
    return cli_fail ("train", CLI_EXIT_USAGE, "--scenario %s: scenarios change an image set's "
                     "training labels; de-en has sentence pairs", o.scenario);
  cfg.threads = o.threads;
  if (!dd_train_config_validate (&cfg, &error))
    return cli_fail ("train", CLI_EXIT_USAGE, "%s", error->message);
  if (text)
    {
      if (o.loss && cfg.loss != DD_LOSS_CE)
        return cli_fail ("train", CLI_EXIT_USAGE, "--loss %s: the translation student trains on ce here; "
                         "use didact-cli teach for the bucketed L2T-DLF loss", o.loss);
      if (o.beam < 0 || o.beam > 64)
        return cli_fail ("train", CLI_EXIT_USAGE, "--beam %d: a width from 1 to 64", o.beam);
      return cli_train_translation (&cfg, dataset, o.minutes, o.hypotheses, MAX (o.beam, 1), o.json);
    }

  g_autoptr(DdData) data = dd_data_load (dataset, &error);
  if (data == NULL)
    return cli_fail ("train", CLI_EXIT_FAILURE, "%s", error->message);
  if (scenario.kind != DD_SCENARIO_NONE)
    {
      DdData *changed = cli_scenario_data ("train", data, &scenario, cfg.seed,
                                           &scenario_stats, &status);
      if (changed == NULL)
        return status;
      g_clear_pointer (&data, dd_data_free);
      data = changed;
    }
  g_autofree char *scenario_name = dd_scenario_name (&scenario);

  g_autoptr(DdRun) run = dd_run_new (&cfg, data, &error);
  if (run == NULL)
    return cli_fail ("train", CLI_EXIT_USAGE, "%s", error->message);

  DdNet *net = dd_run_get_net (run);
  const int C = data->train->n_classes;
  const gint64 total = dd_run_total_steps (run);
  const int per_epoch = dd_run_steps_per_epoch (run);
  g_autoptr(DdEval) dev = dd_eval_new (C);
  g_autoptr(DdEval) test = dd_eval_new (C);
  CliProgress progress;
  double started = dd_now (), window_loss = 0.0;
  int window_n = 0;

  if (o.json)
    {
      JsonBuilder *b = cli_json_begin ("start");
      json_builder_set_member_name (b, "dataset");
      json_builder_add_string_value (b, dataset);
      json_builder_set_member_name (b, "student");
      json_builder_add_string_value (b, net->description);
      json_builder_set_member_name (b, "parameters");
      json_builder_add_int_value (b, (gint64) net->n_params);
      json_builder_set_member_name (b, "loss");
      json_builder_add_string_value (b, dd_loss_kind_name (cfg.loss));
      json_builder_set_member_name (b, "optimizer");
      json_builder_add_string_value (b, dd_optim_kind_name (cfg.optimizer));
      json_builder_set_member_name (b, "lr");
      json_builder_add_double_value (b, cfg.lr);
      json_builder_set_member_name (b, "batch");
      json_builder_add_int_value (b, cfg.batch);
      json_builder_set_member_name (b, "schedule");
      json_builder_add_string_value (b, cfg.cosine ? "cosine" : "constant");
      json_builder_set_member_name (b, "seed");
      json_builder_add_int_value (b, (gint64) cfg.seed);
      json_builder_set_member_name (b, "threads");
      json_builder_add_int_value (b, cfg.threads);
      json_builder_set_member_name (b, "precision");
      json_builder_add_string_value (b, DD_REAL_NAME);
      json_builder_set_member_name (b, "train_examples");
      json_builder_add_int_value (b, data->train->n);
      json_builder_set_member_name (b, "scenario");
      json_builder_add_string_value (b, scenario_name);
      json_builder_set_member_name (b, "train_labels_changed");
      json_builder_add_int_value (b, scenario_stats.n_changed);
      json_builder_set_member_name (b, "total_steps");
      json_builder_add_int_value (b, total);
      cli_json_emit (b);
    }
  else
    printf ("Training %s on %s (%d train, %d dev, %d test) with %s loss, %s lr %g, "
            "batch %d, seed %" G_GUINT64_FORMAT ", %d thread%s\n",
            net->description, dataset, data->train->n, data->dev->n, data->test->n,
            dd_loss_kind_name (cfg.loss), dd_optim_kind_name (cfg.optimizer), cfg.lr,
            cfg.batch, cfg.seed, cfg.threads, cfg.threads == 1 ? "" : "s");
  if (!o.json && scenario.kind != DD_SCENARIO_NONE)
    {
      g_autofree char *what = dd_scenario_describe (&scenario, &scenario_stats);
      printf ("Scenario: %s\n", what);
    }

  cli_progress_init (&progress, !o.json);
  while (dd_run_get_step (run) < total)
    {
      double loss;
      if (!dd_run_step (run, &loss, &error))
        {
          cli_progress_clear (&progress);
          status = cli_fail ("train", CLI_EXIT_FAILURE, "%s", error->message);
          break;
        }
      window_loss += loss;
      window_n++;
      gint64 step = dd_run_get_step (run);
      gboolean epoch_end = step % per_epoch == 0 || step == total;
      if (epoch_end)
        {
          dd_run_evaluate (run, data->dev, 0, dev);
          double epoch = (double) step / per_epoch;
          if (o.json)
            {
              JsonBuilder *b = cli_json_begin ("epoch");
              json_builder_set_member_name (b, "epoch");
              json_builder_add_double_value (b, epoch);
              json_builder_set_member_name (b, "step");
              json_builder_add_int_value (b, step);
              json_builder_set_member_name (b, "train_loss");
              json_builder_add_double_value (b, window_loss / window_n);
              print_eval_json (b, "dev", dev);
              json_builder_set_member_name (b, "seconds");
              json_builder_add_double_value (b, dd_now () - started);
              cli_json_emit (b);
            }
          else
            {
              cli_progress_clear (&progress);
              printf ("epoch %5.2f  step %7" G_GINT64_FORMAT "  train loss %.4f  dev accuracy %6.2f %%  %.1f s\n",
                      epoch, step, window_loss / window_n, 100.0 * dev->accuracy, dd_now () - started);
            }
          window_loss = 0.0;
          window_n = 0;
        }
      if (progress.enabled)
        {
          g_autofree char *label = g_strdup_printf ("step %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
                                                    "  loss %.4f", step, total, loss);
          cli_progress_update (&progress, step, total, label, epoch_end);
        }
    }
  cli_progress_clear (&progress);
  if (status != 0)
    return status;

  double seconds = dd_now () - started;
  dd_run_evaluate (run, data->test, 0, test);
  if (o.json)
    {
      JsonBuilder *b = cli_json_begin ("summary");
      print_eval_json (b, "test", test);
      print_eval_json (b, "dev", dev);
      json_builder_set_member_name (b, "scenario");
      json_builder_add_string_value (b, scenario_name);
      json_builder_set_member_name (b, "balanced_test_error");
      json_builder_add_double_value (b, dd_eval_balanced_error (test));
      json_builder_set_member_name (b, "steps");
      json_builder_add_int_value (b, dd_run_get_step (run));
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, seconds);
      cli_json_double_array (b, "test_class_accuracy", test->class_accuracy, C);
      cli_json_double_array (b, "dev_class_margin", dev->class_margin, C);
      cli_json_int_array (b, "test_confusion", test->confusion, C * C);
      cli_json_emit (b);
    }
  else
    print_summary_text (data, dev, test, dd_run_get_step (run), seconds,
                        scenario.kind == DD_SCENARIO_LONG_TAIL);
  return 0;
}
