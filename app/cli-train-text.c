/* cli-train-text.c: `didact-cli train --dataset de-en`, the translation
 * student on cross-entropy, with dev BLEU as it goes
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The loop is the engine's (DdRun, the same as for images, with the
 * gradient's norm clipped by default); this file prints its report.
 */
#include "cli.h"
#include "cli-output.h"
#include "cli-train.h"
#include "didact-engine.h"

#include <stdio.h>

typedef struct {
  DdEval  *dev;
  DdEval  *test;
  double   dev_bleu;
  double   test_bleu;
  gboolean best;       /* --checkpoint best: keep the weights of the best greedy dev BLEU */
  double   average;    /* --average: the decay of the weights' moving average (0: none) */
  gboolean kept;       /* this epoch's weights were kept */
  /* beside the reported weights (--checkpoint best: the last step's;
   * --average: the last weights rather than their average), the final
   * BLEU and token accuracies of the other candidate */
  gboolean has_last;
  double   last_dev_bleu, last_test_bleu;
  double   last_dev_accuracy, last_test_accuracy, last_dev_loss;
} TextReport;

static void
keep_as_last (TextReport *r)
{
  r->has_last = TRUE;
  r->last_dev_bleu = r->dev_bleu;
  r->last_test_bleu = r->test_bleu;
  r->last_dev_accuracy = r->dev->accuracy;
  r->last_test_accuracy = r->test->accuracy;
  r->last_dev_loss = r->dev->loss;
}

/* hyps and references as two files of one sentence per line, for
 * `didact-cli bleu` or any other BLEU implementation */
static gboolean
save_lines (const char *path, char *const *lines, GError **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  for (int i = 0; lines[i]; i++)
    g_string_append_printf (text, "%s\n", lines[i]);
  return g_file_set_contents (path, text->str, (gssize) text->len, error);
}

static void
print_banner (DdRun *run, const char *dataset, double minutes)
{
  const DdTrainConfig *cfg = dd_run_get_config (run);
  const DdParallel *p = dd_data_parallel (dd_run_get_data (run));
  g_autofree char *limit = minutes > 0 ? g_strdup_printf (", for %g minutes", minutes) : g_strdup ("");
  g_autofree char *clip = cfg->clip_norm > 0 ? g_strdup_printf ("gradient norm clipped at %g", cfg->clip_norm)
                                             : g_strdup ("gradient norm not clipped");

  g_autofree char *units = p->bpe ? g_strdup_printf (" subwords from %d merges", dd_bpe_n_merges (p->bpe))
                                  : g_strdup (" words");

  printf ("Training %s on %s (%d train, %d dev, %d test sentence pairs; vocabularies %d "
          "German, %d English%s) with cross-entropy, %s lr %g, batch %d, %s, seed %"
          G_GUINT64_FORMAT ", %d thread%s%s\n",
          dd_student_describe (dd_run_get_student (run)), dataset, p->train.n, p->dev.n,
          p->test.n, p->src_vocab->n, p->tgt_vocab->n, units, dd_optim_kind_name (cfg->optimizer),
          cfg->lr, cfg->batch, clip, cfg->seed, cfg->threads, cfg->threads == 1 ? "" : "s", limit);
}

static void
text_epoch (CliTraining *t, gint64 step, double epoch, double train_loss)
{
  TextReport *r = t->data;

  r->dev_bleu = dd_run_bleu (t->run, DD_SPLIT_DEV, 1, NULL);
  r->kept = r->best && dd_run_offer_checkpoint (t->run, r->dev_bleu);
  const double seconds = dd_now () - t->started;
  if (!t->json)
    {
      printf ("epoch %5.2f  step %7" G_GINT64_FORMAT "  train CE %.3f  dev CE %.3f  "
              "dev token accuracy %5.2f %%  dev BLEU %5.2f%s  %.0f s\n", epoch, step, train_loss,
              t->dev->loss, 100.0 * t->dev->accuracy, r->dev_bleu, r->kept ? " (kept)" : "", seconds);
      return;
    }
  JsonBuilder *b = cli_json_begin ("epoch");
  cli_json_double (b, "epoch", epoch);
  cli_json_int (b, "step", step);
  cli_json_double (b, "train_loss", train_loss);
  cli_json_double (b, "dev_token_accuracy", t->dev->accuracy);
  cli_json_double (b, "dev_loss", t->dev->loss);
  cli_json_double (b, "dev_bleu", r->dev_bleu);
  if (r->best)
    {
      json_builder_set_member_name (b, "kept");
      json_builder_add_boolean_value (b, r->kept);
    }
  cli_json_double (b, "seconds", seconds);
  cli_json_emit (b);
}

static void
print_summary (const CliTraining *t, const TextReport *r, int beam)
{
  const gint64 step = dd_run_get_step (t->run), tokens = dd_run_get_tokens (t->run);
  const double epochs = (double) step / dd_run_steps_per_epoch (t->run);
  g_autofree char *decoding = beam > 1 ? g_strdup_printf ("beam search, width %d", beam)
                                        : g_strdup ("greedy decoding");

  if (!t->json)
    {
      printf ("\nAfter %" G_GINT64_FORMAT " steps, %.2f epochs (%.1f s, %.0f target tokens/s "
              "including evaluation):\n"
              "  dev BLEU   %6.2f   dev token accuracy  %6.2f %%\n"
              "  test BLEU  %6.2f   test token accuracy %6.2f %%   (%s)\n",
              step, epochs, t->seconds, tokens / t->seconds, r->dev_bleu,
              100.0 * r->dev->accuracy, r->test_bleu, 100.0 * r->test->accuracy, decoding);
      if (r->best)
        printf ("  the weights of step %" G_GINT64_FORMAT " (epoch %.2f), the best greedy dev BLEU "
                "of the epoch ends; the last step's: dev BLEU %.2f, test BLEU %.2f\n",
                dd_run_checkpoint_step (t->run),
                (double) dd_run_checkpoint_step (t->run) / dd_run_steps_per_epoch (t->run),
                r->last_dev_bleu, r->last_test_bleu);
      else if (r->has_last)
        printf ("  of the weights' moving average (decay %g); the last weights': dev BLEU %.2f, "
                "test BLEU %.2f, dev token accuracy %.2f %%\n", r->average, r->last_dev_bleu,
                r->last_test_bleu, 100.0 * r->last_dev_accuracy);
      return;
    }
  JsonBuilder *b = cli_json_begin ("summary");
  cli_json_double (b, "dev_bleu", r->dev_bleu);
  cli_json_double (b, "test_bleu", r->test_bleu);
  cli_json_int (b, "beam", beam);
  /* the weights the BLEU is of: the last step's, or the checkpoint kept */
  json_builder_set_member_name (b, "checkpoint");
  json_builder_add_string_value (b, r->best ? "best" : "last");
  /* of the moving average of the weights (0: the weights themselves) */
  cli_json_double (b, "average", r->average);
  cli_json_int (b, "checkpoint_step", r->best ? dd_run_checkpoint_step (t->run) : step);
  cli_json_double (b, "dev_token_accuracy", r->dev->accuracy);
  cli_json_double (b, "test_token_accuracy", r->test->accuracy);
  cli_json_double (b, "dev_loss", r->dev->loss);
  if (r->has_last)
    {
      /* the other candidate's: the last step's (best), the last weights
       * rather than their average (average) */
      cli_json_double (b, "last_dev_bleu", r->last_dev_bleu);
      cli_json_double (b, "last_test_bleu", r->last_test_bleu);
      cli_json_double (b, "last_dev_token_accuracy", r->last_dev_accuracy);
      cli_json_double (b, "last_test_token_accuracy", r->last_test_accuracy);
      cli_json_double (b, "last_dev_loss", r->last_dev_loss);
    }
  cli_json_int (b, "steps", step);
  cli_json_int (b, "train_tokens", tokens);
  /* what the ids are: words, or subword pieces of that many merges (BLEU is
   * on words either way) */
  const DdParallel *p = dd_data_parallel (dd_run_get_data (t->run));
  const DdStudent *st = dd_run_get_student (t->run);
  cli_json_string (b, "student", dd_student_describe (st));
  cli_json_int (b, "parameters", (gint64) st->P);
  cli_json_int (b, "src_vocab", p->src_vocab->n);
  cli_json_int (b, "tgt_vocab", p->tgt_vocab->n);
  cli_json_int (b, "bpe_merges", p->bpe ? dd_bpe_n_merges (p->bpe) : 0);
  const DdTrainConfig *cfg = dd_run_get_config (t->run);
  cli_json_string (b, "schedule", dd_schedule_name (cfg->cosine));
  cli_json_double (b, "decay_tail", cfg->decay_tail);
  cli_json_double (b, "seconds", t->seconds);
  cli_json_emit (b);
}

/* the final dev and test evaluation, and the dev hypotheses saved */
static gboolean
evaluate_final (DdRun *run, TextReport *r, int beam, const char *hyp_path, GError **error)
{
  g_auto(GStrv) hyps = NULL;

  dd_run_evaluate (run, DD_SPLIT_DEV, 0, r->dev);
  r->dev_bleu = dd_run_bleu (run, DD_SPLIT_DEV, beam, &hyps);
  dd_run_evaluate (run, DD_SPLIT_TEST, 0, r->test);
  r->test_bleu = dd_run_bleu (run, DD_SPLIT_TEST, beam, NULL);
  if (hyp_path == NULL)
    return TRUE;
  g_autofree char *ref_path = g_strconcat (hyp_path, ".ref", NULL);
  const DdParallel *p = dd_data_parallel (dd_run_get_data (run));
  return save_lines (hyp_path, hyps, error) && save_lines (ref_path, p->dev.ref_text, error);
}

/* --checkpoint best: the last step's weights are a candidate too (a run
 * ended by its time stops between epoch ends); their final BLEU is
 * measured, then the kept weights', which are reported */
static gboolean
evaluate_best (DdRun *run, TextReport *r, int beam, const char *hyp_path, GError **error)
{
  if (!dd_run_at_epoch_end (run))
    dd_run_offer_checkpoint (run, dd_run_bleu (run, DD_SPLIT_DEV, 1, NULL));
  const gboolean last_kept = dd_run_checkpoint_step (run) < 0
                             || dd_run_checkpoint_step (run) == dd_run_get_step (run);
  if (!evaluate_final (run, r, beam, last_kept ? hyp_path : NULL, error))
    return FALSE;
  keep_as_last (r);
  if (last_kept)
    return TRUE;
  dd_run_restore_checkpoint (run);
  return evaluate_final (run, r, beam, hyp_path, error);
}

/* --average: the last weights are measured first, beside the average that
 * is reported (training does not depend on it, so the two are a paired
 * comparison on one trajectory) */
static gboolean
evaluate_average (DdRun *run, TextReport *r, int beam, const char *hyp_path, GError **error)
{
  dd_run_use_average (run, FALSE);
  gboolean ok = evaluate_final (run, r, beam, NULL, error);
  dd_run_use_average (run, TRUE);
  if (!ok)
    return FALSE;
  keep_as_last (r);
  return evaluate_final (run, r, beam, hyp_path, error);
}

int
cli_train_translation (const DdTrainConfig *cfg, const char *dataset, int bpe, double minutes,
                       const char *hyp_path, int beam, gboolean best, double average,
                       gboolean json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load_bpe (dataset, bpe, &error);
  if (data == NULL)
    return cli_fail ("train", CLI_EXIT_FAILURE, "%s", error->message);
  g_autoptr(DdRun) run = dd_run_new (cfg, data, &error);
  if (run == NULL || (average > 0 && !dd_run_set_average (run, average, &error)))
    return cli_fail ("train", CLI_EXIT_USAGE, "%s", error->message);

  const int C = dd_run_get_student (run)->C;
  g_autoptr(DdEval) dev = dd_eval_new (C);
  g_autoptr(DdEval) test = dd_eval_new (C);
  TextReport r = { .dev = dev, .test = test, .best = best, .average = average };
  CliTraining t = { .run = run, .json = json, .minutes = minutes, .dev = dev, .epoch = text_epoch,
                    .data = &r };

  if (!json)
    print_banner (run, dataset, minutes);
  int status = cli_training_run (&t);
  if (status != 0)
    return status;
  if (!(best ? evaluate_best (run, &r, beam, hyp_path, &error)
        : average > 0 ? evaluate_average (run, &r, beam, hyp_path, &error)
        : evaluate_final (run, &r, beam, hyp_path, &error)))
    return cli_fail ("train", CLI_EXIT_FAILURE, "%s", error->message);
  print_summary (&t, &r, beam);
  return 0;
}
