/* bench-decode.c: how fast the translator decodes the dev set
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `meson test --benchmark decode -v` (or bench-decode [STEPS] [REPS] [WIDTH]).
 *
 * Trains the default translator (GRU encoder-decoder with attention, E = 128,
 * H = 256) for STEPS steps of Adam on de-en (batch 32, seed 11, two
 * threads), so that its hypotheses end as a trained model's do, then decodes
 * the 1,000 dev sentences in chunks of 64 dealt to the model's lanes, as
 * dd_parallel_translate does, at one and two threads:
 *  - greedily (dd_seq2seq_greedy, a chunk at once);
 *  - by beam search of width WIDTH one sentence at a time (dd_seq2seq_beam:
 *    the output layer's product has WIDTH + 1 rows);
 *  - by beam search a chunk at once (dd_seq2seq_beam_batch: up to
 *    64·(WIDTH + 1) rows), checked to give the same ids as one at a time.
 * It also times the argmax of one vocabulary-wide row, the plain loop
 * against dd_first_maxf. Medians of REPS runs, the two ways alternating.
 * It prints one line per figure; it asserts nothing but the equal outputs.
 */
#include "didact-engine.h"
#include "dd-kernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK = 64, M = DD_PARALLEL_MAX_LEN };

typedef enum { GREEDY, BEAM_ALONE, BEAM_BATCH } Way;

typedef struct {
  const DdParallelSet *set;
  Way  way;
  int  width, n;
  int *out, *out_len;     /* (n, M), (n) */
} Job;

static void
decode_chunk (DdSeq2seq *lane, int c, gpointer data)
{
  const Job *job = data;
  const DdParallelSet *set = job->set;
  const int start = c * CHUNK, B = MIN (CHUNK, job->n - start), S = set->stride;
  int *out = job->out + (size_t) start * M, *out_len = job->out_len + start;

  if (job->way == BEAM_ALONE)
    {
      for (int i = 0; i < B; i++)
        out_len[i] = dd_seq2seq_beam (lane, set->src + (size_t) (start + i) * S,
                                      set->src_len[start + i], job->width, out + (size_t) i * M, M);
      return;
    }
  int Ls;
  g_autofree int *len = g_new (int, B);
  g_autofree int *src = dd_parallel_sources (set, start, B, len, &Ls);
  if (job->way == BEAM_BATCH)
    dd_seq2seq_beam_batch (lane, src, len, B, Ls, job->width, out, out_len, NULL, M);
  else
    dd_seq2seq_greedy (lane, src, len, B, Ls, out, out_len, M);
}

static double
decode (DdSeq2seq *s2s, Job *job)
{
  const double t0 = dd_now ();
  dd_seq2seq_map (s2s, (job->n + CHUNK - 1) / CHUNK, decode_chunk, job);
  return dd_now () - t0;
}

static gboolean
same_ids (const Job *a, const Job *b)
{
  for (int i = 0; i < a->n; i++)
    if (a->out_len[i] != b->out_len[i]
        || memcmp (a->out + (size_t) i * M, b->out + (size_t) i * M, a->out_len[i] * sizeof (int)))
      return FALSE;
  return TRUE;
}

/* seconds per row of the argmax over rows of width V, each way */
static void
time_argmax (int V, int reps)
{
  enum { ROWS = 512 };
  g_autofree float *x = g_new (float, (size_t) ROWS * V);
  g_autofree double *plain = g_new (double, reps), *vec = g_new (double, reps);
  GRand *r = g_rand_new_with_seed (3);
  volatile int sink = 0;

  for (size_t i = 0; i < (size_t) ROWS * V; i++)
    x[i] = (float) g_rand_double_range (r, -5, 5);
  g_rand_free (r);
  for (int k = 0; k < reps; k++)
    {
      double t0 = dd_now ();
      for (int rep = 0; rep < 20; rep++)
        for (int i = 0; i < ROWS; i++)
          sink += dd_first_maxf_ref (x + (size_t) i * V, V);
      plain[k] = (dd_now () - t0) / (20.0 * ROWS);
      t0 = dd_now ();
      for (int rep = 0; rep < 20; rep++)
        for (int i = 0; i < ROWS; i++)
          sink += dd_first_maxf (x + (size_t) i * V, V);
      vec[k] = (dd_now () - t0) / (20.0 * ROWS);
    }
  const double p = dd_bench_median (plain, reps), v = dd_bench_median (vec, reps);
  printf ("argmax of a row of %d: plain loop %.2f µs, dd_first_maxf %.2f µs (%.1f×)\n",
          V, 1e6 * p, 1e6 * v, p / v);
}

int
main (int argc, char **argv)
{
  const int steps = argc > 1 ? atoi (argv[1]) : 600;
  const int reps = argc > 2 ? atoi (argv[2]) : 3;
  const int width = argc > 3 ? atoi (argv[3]) : 5;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load ("de-en", &error);

  if (data == NULL)
    {
      printf ("SKIP: %s\n", error->message);
      return 77;
    }
  if (steps < 0 || reps < 1 || width < 2)
    {
      fprintf (stderr, "usage: bench-decode [STEPS ≥ 0] [REPS ≥ 1] [WIDTH ≥ 2]\n");
      return 2;
    }
  DdTrainConfig cfg;
  dd_train_config_init_student (&cfg, DD_STUDENT_SEQ2SEQ);
  cfg.steps = MAX (steps, 1);
  cfg.batch = 32;
  cfg.optimizer = DD_OPTIM_ADAM;
  cfg.lr = 0.001;
  cfg.seed = 11;
  cfg.threads = 2;
  DdRun *run = dd_run_new (&cfg, data, &error);
  if (run == NULL)
    {
      fprintf (stderr, "bench-decode: %s\n", error->message);
      return 1;
    }
  const double t0 = dd_now ();
  dd_student_set_threads (dd_run_get_student (run), 2);
  for (int s = 0; s < steps; s++)
    if (!dd_run_step (run, NULL, &error))
      {
        fprintf (stderr, "bench-decode: %s\n", error->message);
        return 1;
      }
  DdStudent *st = dd_run_get_student (run);
  DdSeq2seq *s2s = st->s2s;
  const DdParallelSet *dev = &st->data->parallel->dev;
  const int n = dev->n;
  printf ("translator: %s, %d steps of Adam (batch 32, seed 11) in %.1f s; dev: %d sentences\n",
          dd_student_describe (st), steps, dd_now () - t0, n);
  printf ("OpenBLAS kernel %s, one BLAS thread per lane\n", dd_blas_kernel ());

  Job jobs[3];
  for (int w = 0; w < 3; w++)
    jobs[w] = (Job) { dev, (Way) w, width, n, g_new (int, (size_t) n * M), g_new (int, n) };
  for (int threads = 1; threads <= 2; threads++)
    {
      dd_student_set_threads (st, threads);
      g_autofree double *sec = g_new (double, 3 * reps);
      for (int k = 0; k < reps; k++)
        for (int w = 0; w < 3; w++)
          sec[w * reps + k] = decode (s2s, &jobs[w]);
      const double g = dd_bench_median (sec, reps), a = dd_bench_median (sec + reps, reps),
                   b = dd_bench_median (sec + 2 * reps, reps);
      long tokens = 0;
      for (int i = 0; i < n; i++)
        tokens += jobs[GREEDY].out_len[i];
      printf ("%d thread%s: greedy %.2f s (%.0f sentences/s, %ld tokens); beam %d one sentence "
              "at a time %.2f s, a chunk at once %.2f s: %.2f×; same ids: %s\n",
              threads, threads == 1 ? "" : "s", g, n / g, tokens, width, a, b, a / b,
              same_ids (&jobs[BEAM_ALONE], &jobs[BEAM_BATCH]) ? "yes" : "NO");
      if (!same_ids (&jobs[BEAM_ALONE], &jobs[BEAM_BATCH]))
        return 1;
    }
  time_argmax (s2s->spec.V_tgt, 5);
  for (int w = 0; w < 3; w++)
    {
      g_free (jobs[w].out);
      g_free (jobs[w].out_len);
    }
  dd_run_free (run);
  return 0;
}
