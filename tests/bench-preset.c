/* bench-preset.c: does a preset's taught arm keep up with its baseline?
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A long check, not a test of the suite: `meson test -C build --benchmark
 * preset -v`, or directly: bench-preset [STEPS] [PRESET] [SEED]. A headless
 * DdSession (no GTK) on the preset's own configuration plays until both arms
 * have taken STEPS student steps (default 20,000, preset fashion-mnist-mlp),
 * then prints the dev error of the taught arm and the cross-entropy baseline
 * at every tenth window and at the end — the mean over the last five windows,
 * each window's dev error being measured on the preset's dev sample — the
 * teacher's accepted, rejected and fallen-back updates, and the test error of
 * both arms. It exits with 1 when the taught arm's final dev error is more than
 * 0.5 points above the baseline's: the default demo must never show teaching
 * as harm the class did not ask to see.
 *
 * DIDACT_MINUTES=M stops after M minutes of play instead, as a class would see
 * the workbench after M minutes (at the workbench's default of one engine
 * thread). A translation preset then also prints the last window's dev BLEU
 * of both arms and the samples view's sentences: source, reference and each
 * arm's greedy hypothesis with its sentence BLEU, and how many of them reach
 * a sentence BLEU of 20. DIDACT_DROPOUT, DIDACT_WORD_DROPOUT, DIDACT_LR,
 * DIDACT_BATCH, DIDACT_TIE (1: tied embeddings), DIDACT_BIDIRECTIONAL (1) and
 * DIDACT_EMBEDDING (the translator's E) try other student settings on the
 * preset.
 */
#include "didact-engine.h"
#include "didact-presets.h"

#include <stdio.h>
#include <stdlib.h>
#include <math.h>

#define TAIL 5
#define READABLE_BLEU 20.0

/* the samples view's sentences after the last window both arms closed */
static void
print_samples (DdSession *s, gint64 n)
{
  const DdWindowRecord *w[2] = { dd_session_window_record (s, 0, n - 1),
                                 dd_session_window_record (s, 1, n - 1) };
  int readable[2] = { 0, 0 }, with_bigram[2] = { 0, 0 };

  printf ("dev BLEU (first %d dev sentences, greedy) at step %" G_GINT64_FORMAT ": taught %.2f, "
          "cross-entropy %.2f\n", dd_session_get_config (s)->bleu_subsample, w[0]->step,
          w[0]->bleu, w[1]->bleu);
  for (int i = 0; i < dd_session_n_samples (s); i++)
    {
      const char *src, *ref;
      dd_session_sample (s, i, &src, &ref);
      printf ("\n[%d] %s\n    reference:     %s\n", i + 1, src, ref);
      for (int a = 0; a < 2; a++)
        {
          const char *hyp = w[a]->hypotheses ? w[a]->hypotheses[i] : NULL;
          const double b = hyp ? dd_bleu_sentence (hyp, ref) : NAN;
          DdBleuStats st = { 0 };
          if (hyp)
            dd_bleu_stats_add (&st, hyp, ref);
          readable[a] += b >= READABLE_BLEU;
          /* the view's sentence BLEU smooths n ≥ 2 by add-one, which gives a
           * short sentence 20 and more for a lone matched "." — so also
           * counted: those that match a bigram of the reference too */
          with_bigram[a] += b >= READABLE_BLEU && st.matches[1] > 0;
          printf ("    %-14s %s  (sentence BLEU %.1f)\n", a == 0 ? "taught:" : "cross-entropy:",
                  hyp ? hyp : "?", b);
        }
    }
  printf ("\nsamples with sentence BLEU >= %.0f: taught %d of %d, cross-entropy %d of %d; "
          "of those with a matched bigram: taught %d, cross-entropy %d\n",
          READABLE_BLEU, readable[0], dd_session_n_samples (s), readable[1],
          dd_session_n_samples (s), with_bigram[0], with_bigram[1]);
}

static double
tail_mean (DdSession *s, int branch, gint64 n, gboolean test)
{
  double sum = 0.0;
  int k = 0;
  for (gint64 i = MAX (0, n - TAIL); i < n; i++, k++)
    {
      const DdWindowRecord *w = dd_session_window_record (s, branch, i);
      sum += test ? w->test_error : w->dev_error;
    }
  return k ? sum / k : NAN;
}

int
main (int argc, char **argv)
{
  gint64 steps = argc > 1 ? g_ascii_strtoll (argv[1], NULL, 10) : 20000;
  const char *id = argc > 2 ? argv[2] : "fashion-mnist-mlp";
  const DidactPreset *preset = didact_preset_lookup (id);
  g_autoptr(GError) error = NULL;

  if (preset == NULL || steps <= 0)
    {
      fprintf (stderr, "usage: bench-preset [STEPS] [PRESET] [SEED]\n");
      return 2;
    }
  g_autoptr(DdData) data = dd_data_load (preset->dataset, &error);
  if (data == NULL)
    {
      fprintf (stderr, "bench-preset: %s\n", error->message);
      return 2;
    }
  DdSessionConfig cfg;
  didact_preset_session_config (preset, 1, &cfg);
  if (argc > 3)
    cfg.teach.student.seed = g_ascii_strtoull (argv[3], NULL, 10);
  /* for trying the teacher's step settings on the preset */
  if (g_getenv ("DIDACT_TRUST_RADIUS"))
    cfg.teach.trust_radius = g_ascii_strtod (g_getenv ("DIDACT_TRUST_RADIUS"), NULL);
  if (g_getenv ("DIDACT_ACCEPT_TOLERANCE"))
    cfg.teach.accept_tolerance = g_ascii_strtod (g_getenv ("DIDACT_ACCEPT_TOLERANCE"), NULL);
  if (g_getenv ("DIDACT_OBJECTIVE"))
    dd_objective_parse (g_getenv ("DIDACT_OBJECTIVE"), &cfg.teach.objective);
  if (g_getenv ("DIDACT_WINDOW"))
    cfg.teach.window = atoi (g_getenv ("DIDACT_WINDOW"));
  if (g_getenv ("DIDACT_ANCHOR_EVERY"))
    cfg.teach.anchor_every = atoi (g_getenv ("DIDACT_ANCHOR_EVERY"));
  if (g_getenv ("DIDACT_DROPOUT"))
    cfg.teach.student.net.dropout = g_ascii_strtod (g_getenv ("DIDACT_DROPOUT"), NULL);
  if (g_getenv ("DIDACT_WORD_DROPOUT"))
    cfg.teach.student.net.word_dropout = g_ascii_strtod (g_getenv ("DIDACT_WORD_DROPOUT"), NULL);
  if (g_getenv ("DIDACT_LR"))
    cfg.teach.student.lr = g_ascii_strtod (g_getenv ("DIDACT_LR"), NULL);
  if (g_getenv ("DIDACT_BATCH"))
    cfg.teach.student.batch = atoi (g_getenv ("DIDACT_BATCH"));
  if (g_getenv ("DIDACT_TIE"))
    cfg.teach.student.net.tie_embeddings = atoi (g_getenv ("DIDACT_TIE")) != 0;
  if (g_getenv ("DIDACT_BIDIRECTIONAL"))
    cfg.teach.student.net.bidirectional = atoi (g_getenv ("DIDACT_BIDIRECTIONAL")) != 0;
  if (g_getenv ("DIDACT_EMBEDDING") &&
      !dd_net_spec_parse_embedding (&cfg.teach.student.net, g_getenv ("DIDACT_EMBEDDING"), &error))
    {
      fprintf (stderr, "bench-preset: DIDACT_EMBEDDING: %s\n", error->message);
      return 2;
    }
  const double minutes = g_getenv ("DIDACT_MINUTES") ? g_ascii_strtod (g_getenv ("DIDACT_MINUTES"), NULL) : 0.0;
  DdSession *s = dd_session_new (&cfg, data, &error);
  if (s == NULL)
    {
      fprintf (stderr, "bench-preset: %s\n", error->message);
      return 2;
    }
  printf ("preset %s, seed %" G_GUINT64_FORMAT ", %" G_GINT64_FORMAT " steps per arm, "
          "dev sample %d, window %d, %s teacher, trust radius %g, student η %g, batch %d, "
          "dropout %g, word dropout %g%s%s\n",
          id, cfg.teach.student.seed, steps, cfg.teach.dev_subsample, cfg.teach.window,
          dd_teacher_kind_name (cfg.teach.teacher), cfg.teach.trust_radius, cfg.teach.student.lr,
          cfg.teach.student.batch, cfg.teach.student.net.dropout, cfg.teach.student.net.word_dropout,
          cfg.teach.student.net.tie_embeddings ? ", tied embeddings" : "",
          cfg.teach.student.net.bidirectional ? ", bidirectional encoder" : "");
  if (minutes > 0)
    printf ("stopping after %g minutes of play\n", minutes);
  printf ("%8s %12s %12s\n", "step", "taught dev", "CE dev");

  const double started = g_get_monotonic_time () / 1e6;
  gint64 printed = 0;
  dd_session_play (s);
  for (;;)
    {
      DdSessionSnapshot snap;
      g_usleep (200000);
      dd_session_snapshot (s, &snap);
      const gint64 n = MIN (snap.n_windows[0], snap.n_windows[1]);
      for (; printed < n; printed++)
        if (printed % 10 == 9)
          printf ("%8" G_GINT64_FORMAT " %11.2f %% %11.2f %%\n",
                  dd_session_window_record (s, 0, printed)->step,
                  100 * dd_session_window_record (s, 0, printed)->dev_error,
                  100 * dd_session_window_record (s, 1, printed)->dev_error);
      if (snap.failures > 0)
        {
          g_autofree char *msg = dd_session_dup_error (s);
          fprintf (stderr, "bench-preset: the session stopped: %s\n", msg ? msg : "?");
          dd_session_free (s);
          return 1;
        }
      if (snap.step[0] >= steps && snap.step[1] >= steps)
        break;
      if (minutes > 0 && g_get_monotonic_time () / 1e6 - started >= 60 * minutes)
        {
          /* a time limit: the steps are what the arms reached */
          steps = MIN (snap.step[0], snap.step[1]);
          break;
        }
    }
  dd_session_pause (s);
  dd_session_wait_idle (s);

  DdSessionSnapshot snap;
  dd_session_snapshot (s, &snap);
  /* the windows both arms completed by STEPS */
  gint64 n = 0;
  while (n < snap.n_windows[0] && n < snap.n_windows[1] &&
         dd_session_window_record (s, 0, n)->step <= steps)
    n++;
  if (n == 0)
    {
      fprintf (stderr, "bench-preset: no window closed by step %" G_GINT64_FORMAT "\n", steps);
      dd_session_free (s);
      return 1;
    }
  int verdicts[5] = { 0 };
  for (gint64 i = 0; i < n; i++)
    verdicts[dd_session_window_record (s, 0, i)->verdict]++;
  const double taught = tail_mean (s, 0, n, FALSE), ce = tail_mean (s, 1, n, FALSE);
  printf ("at step %" G_GINT64_FORMAT " (mean of the last %d windows): taught dev error %.2f %%, "
          "cross-entropy %.2f %%, gap %+.2f points; test error %.2f %% and %.2f %%\n",
          dd_session_window_record (s, 0, n - 1)->step, TAIL, 100 * taught, 100 * ce,
          100 * (taught - ce), 100 * tail_mean (s, 0, n, TRUE), 100 * tail_mean (s, 1, n, TRUE));
  printf ("teacher updates: %d accepted, %d rejected, %d fallbacks; %.0f s\n",
          verdicts[DD_UPDATE_ACCEPTED], verdicts[DD_UPDATE_REJECTED], verdicts[DD_UPDATE_FALLBACK],
          g_get_monotonic_time () / 1e6 - started);
  if (snap.n_phi[0] > 0)
    {
      /* the taught arm's last Φ: W's diagonal, the mean off-diagonal entry, log ε */
      const DdPhiRecord *phi = dd_session_phi_record (s, 0, snap.n_phi[0] - 1);
      const int C = dd_session_n_classes (s), S = dd_session_scale_row (s);
      double off = 0.0;
      printf ("last Φ (step %" G_GINT64_FORMAT "): diagonal", phi->step);
      for (int c = 0; c < C; c++)
        printf (" %.2f", phi->W[c * C + c]);
      for (int j = 0; j < C; j++)
        for (int c = 0; c < C; c++)
          off += j != c ? phi->W[j * C + c] / (C * (C - 1)) : 0.0;
      printf ("; mean off-diagonal %.3f; log ε", off);
      for (int c = 0; c < C; c++)
        printf (" %.2f", phi->W[S * C + c]);
      printf ("\n");
    }
  if (dd_session_n_samples (s) > 0)
    print_samples (s, n);
  dd_session_free (s);
  return 100 * (taught - ce) > 0.5 ? 1 : 0;
}
