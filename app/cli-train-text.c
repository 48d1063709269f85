/* cli-train-text.c: `didact-cli train --dataset de-en`, the translation
 * student on cross-entropy, with dev BLEU as it goes
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "cli-output.h"
#include "didact-engine.h"

#include <math.h>
#include <stdio.h>

/* Gradient norm clipping keeps the recurrent student's rare large steps
 * (long sentences early in training) from undoing what it learned; 5 is the
 * usual value for GRU/LSTM translators. */
#define CLIP_NORM 5.0

static double
clip_gradient (dd_real *g, size_t n, double max_norm)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += (double) g[i] * g[i];
  double norm = sqrt (s);
  if (norm > max_norm)
    {
      const dd_real scale = (dd_real) (max_norm / norm);
      for (size_t i = 0; i < n; i++)
        g[i] *= scale;
    }
  return norm;
}

static void
evaluate (DdStudent *st, DdSplit split, int beam, DdEval *ev, double *bleu, char ***hyps)
{
  const DdParallel *p = st->data->parallel;
  DdBleuStats stats;

  dd_student_evaluate (st, split, 0, ev);
  dd_parallel_translate (st->s2s, p, split == DD_SPLIT_DEV ? &p->dev : &p->test, 0, beam,
                         &stats, hyps);
  *bleu = dd_bleu_score (&stats);
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

int
cli_train_translation (const DdTrainConfig *cfg, const char *dataset, double minutes,
                       const char *hyp_path, int beam, gboolean json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load (dataset, &error);
  if (data == NULL)
    return cli_fail ("train", CLI_EXIT_FAILURE, "%s", error->message);

  DdRng rng;
  dd_rng_seed (&rng, cfg->seed);
  dd_set_threads (cfg->threads);
  g_autoptr(DdStudent) st = dd_student_new (cfg, data, MAX (cfg->batch, 32), &rng, &error);
  if (st == NULL)
    return cli_fail ("train", CLI_EXIT_USAGE, "%s", error->message);

  const DdParallel *p = data->parallel;
  const int n = p->train.n, B = cfg->batch;
  const int per_epoch = n / B;
  const gint64 total = cfg->steps > 0 ? cfg->steps : (gint64) cfg->epochs * per_epoch;
  g_autoptr(DdOptim) opt = dd_optim_new (cfg->optimizer, st->P, cfg->lr, cfg->momentum);
  g_autofree int *order = g_new (int, n);
  g_autoptr(DdEval) dev = dd_eval_new (st->C);
  g_autoptr(DdEval) test = dd_eval_new (st->C);
  double started = dd_now (), run_loss = 0.0, dev_bleu = 0.0, test_bleu;
  gint64 run_tokens = 0, tokens = 0, step = 0;
  int pos = n;
  CliProgress progress;
  g_autofree char *limit = minutes > 0 ? g_strdup_printf (", for %g minutes", minutes) : g_strdup ("");

  for (int i = 0; i < n; i++)
    order[i] = i;
  if (!json)
    printf ("Training %s on %s (%d train, %d dev, %d test sentence pairs; vocabularies %d "
            "German, %d English) with cross-entropy, %s lr %g, batch %d, gradient norm "
            "clipped at %g, seed %" G_GUINT64_FORMAT ", %d thread%s%s\n",
            dd_student_describe (st), dataset, n, p->dev.n, p->test.n, p->src_vocab->n,
            p->tgt_vocab->n, dd_optim_kind_name (cfg->optimizer), cfg->lr, B, CLIP_NORM,
            cfg->seed, cfg->threads, cfg->threads == 1 ? "" : "s",
            limit);

  cli_progress_init (&progress, !json);
  while (step < total)
    {
      if (minutes > 0 && dd_now () - started >= 60.0 * minutes)
        break;
      if (pos + B > n)
        {
          dd_rng_shuffle (&rng, order, n);
          pos = 0;
        }
      if (cfg->cosine)
        opt->lr = cfg->lr * 0.5 * (1.0 + cos (G_PI * (double) step / (double) total));
      dd_student_forward (st, DD_SPLIT_TRAIN, order + pos, B);
      double loss = dd_student_backward (st, NULL, NULL, NULL);
      pos += B;
      if (!isfinite (loss))
        {
          cli_progress_clear (&progress);
          return cli_fail ("train", CLI_EXIT_FAILURE,
                           "step %" G_GINT64_FORMAT ": the training loss is %g; stopped", step + 1, loss);
        }
      clip_gradient (st->grads, st->P, CLIP_NORM);
      dd_optim_step_consume (opt, st->params, st->grads);
      step++;
      int batch_tokens = 0;
      for (int i = 0; i < B; i++)
        batch_tokens += p->train.tgt_len[order[pos - B + i]];
      tokens += batch_tokens;
      run_loss += loss * batch_tokens;
      run_tokens += batch_tokens;

      gboolean epoch_end = step % per_epoch == 0 || step == total;
      if (epoch_end)
        {
          evaluate (st, DD_SPLIT_DEV, 1, dev, &dev_bleu, NULL);
          double seconds = dd_now () - started;
          if (json)
            {
              JsonBuilder *b = cli_json_begin ("epoch");
              json_builder_set_member_name (b, "epoch");
              json_builder_add_double_value (b, (double) step / per_epoch);
              json_builder_set_member_name (b, "step");
              json_builder_add_int_value (b, step);
              json_builder_set_member_name (b, "train_loss");
              json_builder_add_double_value (b, run_loss / MAX (run_tokens, 1));
              json_builder_set_member_name (b, "dev_token_accuracy");
              json_builder_add_double_value (b, dev->accuracy);
              json_builder_set_member_name (b, "dev_loss");
              json_builder_add_double_value (b, dev->loss);
              json_builder_set_member_name (b, "dev_bleu");
              json_builder_add_double_value (b, dev_bleu);
              json_builder_set_member_name (b, "seconds");
              json_builder_add_double_value (b, seconds);
              cli_json_emit (b);
            }
          else
            {
              cli_progress_clear (&progress);
              printf ("epoch %5.2f  step %7" G_GINT64_FORMAT "  train CE %.3f  dev CE %.3f  "
                      "dev token accuracy %5.2f %%  dev BLEU %5.2f  %.0f s\n",
                      (double) step / per_epoch, step, run_loss / MAX (run_tokens, 1), dev->loss,
                      100.0 * dev->accuracy, dev_bleu, seconds);
            }
          run_loss = 0.0;
          run_tokens = 0;
        }
      if (progress.enabled)
        {
          g_autofree char *label = g_strdup_printf ("step %" G_GINT64_FORMAT "  CE %.3f  %.0f tokens/s",
                                                    step, loss, tokens / (dd_now () - started));
          cli_progress_update (&progress, step, total, label, epoch_end);
        }
    }
  cli_progress_clear (&progress);

  double train_seconds = dd_now () - started;
  g_auto(GStrv) hyps = NULL;
  evaluate (st, DD_SPLIT_DEV, beam, dev, &dev_bleu, &hyps);
  evaluate (st, DD_SPLIT_TEST, beam, test, &test_bleu, NULL);
  if (hyp_path)
    {
      g_autofree char *ref_path = g_strconcat (hyp_path, ".ref", NULL);
      if (!save_lines (hyp_path, hyps, &error) || !save_lines (ref_path, p->dev.ref_text, &error))
        return cli_fail ("train", CLI_EXIT_FAILURE, "%s", error->message);
    }
  g_autofree char *decoding = beam > 1 ? g_strdup_printf ("beam search, width %d", beam)
                                        : g_strdup ("greedy decoding");
  if (json)
    {
      JsonBuilder *b = cli_json_begin ("summary");
      json_builder_set_member_name (b, "dev_bleu");
      json_builder_add_double_value (b, dev_bleu);
      json_builder_set_member_name (b, "test_bleu");
      json_builder_add_double_value (b, test_bleu);
      json_builder_set_member_name (b, "beam");
      json_builder_add_int_value (b, beam);
      json_builder_set_member_name (b, "dev_token_accuracy");
      json_builder_add_double_value (b, dev->accuracy);
      json_builder_set_member_name (b, "test_token_accuracy");
      json_builder_add_double_value (b, test->accuracy);
      json_builder_set_member_name (b, "steps");
      json_builder_add_int_value (b, step);
      json_builder_set_member_name (b, "train_tokens");
      json_builder_add_int_value (b, tokens);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, train_seconds);
      cli_json_emit (b);
    }
  else
    printf ("\nAfter %" G_GINT64_FORMAT " steps, %.2f epochs (%.1f s, %.0f target tokens/s "
            "including evaluation):\n"
            "  dev BLEU   %6.2f   dev token accuracy  %6.2f %%\n"
            "  test BLEU  %6.2f   test token accuracy %6.2f %%   (%s)\n",
            step, (double) step / per_epoch, train_seconds, tokens / train_seconds,
            dev_bleu, 100.0 * dev->accuracy, test_bleu, 100.0 * test->accuracy, decoding);
  return 0;
}
