/* cli-bench.c: `didact-cli bench`, training speed against the BLAS peak and PyTorch
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both sides of every ratio are measured in the same run, each as the median
 * of several repetitions, with the same thread count. The PyTorch side runs
 * tools/torch-reference.py under Debian's python3 (python3-torch) when it is
 * installed; DIDACT_PYTHON names another interpreter.
 */
#include "config.h"
#include "cli.h"
#include "cli-output.h"
#include "didact-engine.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct {
  DdStudentKind kind;
  int           batch;
  DdStepTiming  didact;
  double        torch_seconds; /* 0 when the reference did not run */
} StepRow;

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof (double), compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double
peak_rss_mib (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

typedef struct {
  DdStudentKind kind;
  double forward, reverse;        /* medians, seconds */
  double trajectory_mib, full_mib;
  double torch_forward, torch_reverse, torch_rss;  /* 0 when not run */
} MetaRow;

/* One episodic meta-iteration in the demo configuration: gated teacher,
 * T = 200, batch 20, η = 0.01, M on 10,000 dev images. */
static gboolean
bench_meta (DdData *data, MetaRow *row, int threads, int reps, GError **error)
{
  DdTeachConfig cfg;
  g_autofree double *fwd = g_new (double, reps), *rev = g_new (double, reps);

  dd_teach_config_init (&cfg);
  cfg.student.net = dd_net_spec_default (row->kind);
  cfg.student.threads = threads;
  cfg.pretrain_steps = 0;
  cfg.meta_iterations = reps;
  g_autoptr(DdTeach) teach = dd_teach_new (&cfg, data, error);
  if (teach == NULL)
    return FALSE;
  for (int r = 0; r < reps;)
    {
      DdStepReport rep;
      if (!dd_teach_step (teach, &rep, error))
        return FALSE;
      if (rep.kind == DD_STEP_WINDOW)
        {
          fwd[r] = rep.forward_seconds;
          rev[r] = rep.reverse_seconds;
          r++;
        }
    }
  row->forward = median (fwd, reps);
  row->reverse = median (rev, reps);
  row->trajectory_mib = dd_teach_trajectory_bytes (teach, 0) / 1048576.0;
  row->full_mib = dd_teach_trajectory_bytes (teach, 1) / 1048576.0;
  return TRUE;
}

/* tools/name in the source tree, or installed beside the data */
static char *
find_reference_script (const char *name)
{
  const char *dirs[] = { DIDACT_SOURCE_TOOLS_DIR, DIDACT_PKGDATADIR };
  for (size_t i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

static const char *
python_interpreter (void)
{
  const char *env = g_getenv ("DIDACT_PYTHON");
  if (env && *env)
    return env;
  /* Debian's interpreter sees python3-torch; another python3 on PATH may not */
  return g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/bin/python3" : "python3";
}

/* Runs tools/name with args; returns the parsed JSON object or NULL with
 * a reason in *why. */
static JsonObject *
run_reference (const char *name, const char *const *args, char **why)
{
  g_autofree char *script = find_reference_script (name);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status;

  if (script == NULL)
    {
      *why = g_strdup_printf ("tools/%s not found", name);
      return NULL;
    }
  g_ptr_array_add (argv, (char *) python_interpreter ());
  g_ptr_array_add (argv, script);
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &wait_status, &error) ||
      !g_spawn_check_wait_status (wait_status, &error))
    {
      g_autofree char *first = g_strdup (err && *err ? err : "");
      char *nl = strrchr (g_strstrip (first), '\n');
      *why = g_strdup_printf ("%s%s%s", error->message, *first ? ": " : "", nl ? nl + 1 : first);
      return NULL;
    }

  g_autoptr(JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, out, -1, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      *why = g_strdup_printf ("unreadable output from the reference: %s",
                              error ? error->message : "not a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* ---------------------------------------------------------------------- */
/* the translation student */

#define S2S_WARMUP     2     /* untimed steps on each side */
#define S2S_BATCHES    16    /* default --steps: batches per pass, the same for every thread count */
#define S2S_LR         0.1
#define S2S_MAGIC      0x32534444  /* "DDS2", see tools/torch-seq2seq.py */
#define S2S_VERSION    1

static gboolean
write_i32 (FILE *f, const int *v, size_t n)
{
  /* the format is little-endian, as is every machine this builds on */
  G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN && sizeof (int) == 4);
  return fwrite (v, sizeof (int), n, f) == n;
}

/* The batch file of tools/torch-seq2seq.py: the timed batches and the
 * parameters both sides start from. */
static gboolean
write_batch_file (const char *path, const DdSeq2seq *s2s, const DdParallelSet *set,
                  const int *idx, int n_batches, int B, const dd_real *params, GError **error)
{
  const size_t S = (size_t) B * (DD_PARALLEL_MAX_LEN + 1);
  g_autofree int *src = g_new (int, S), *src_len = g_new (int, B);
  g_autofree int *tgt_in = g_new (int, S), *tgt_out = g_new (int, S);
  const DdSeq2seqSpec *sp = &s2s->spec;
  const int header[] = { S2S_MAGIC, S2S_VERSION, sp->V_src, sp->V_tgt, sp->emb, sp->hidden,
                         n_batches, 1 };
  FILE *f = fopen (path, "wb");
  gboolean ok;

  if (f == NULL)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", path,
                   g_strerror (errno));
      return FALSE;
    }
  ok = write_i32 (f, header, G_N_ELEMENTS (header));
  for (int k = 0; ok && k < n_batches; k++)
    {
      DdSeq2seqBatch b;
      dd_parallel_gather (set, idx + (size_t) k * B, B, &b, src, src_len, tgt_in, tgt_out);
      const int dims[] = { b.B, b.Ls, b.Lt };
      ok = write_i32 (f, dims, 3) && write_i32 (f, b.src, (size_t) B * b.Ls) &&
           write_i32 (f, b.src_len, B) && write_i32 (f, b.tgt_in, (size_t) B * b.Lt) &&
           write_i32 (f, b.tgt_out, (size_t) B * b.Lt);
    }
  for (size_t i = 0; ok && i < s2s->n_params; i++)
    {
      float x = (float) params[i];
      ok = fwrite (&x, sizeof x, 1, f) == 1;
    }
  if (fclose (f) != 0)
    ok = FALSE;
  if (!ok)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "%s: could not write the batches", path);
  return ok;
}

/* the 1-minute load average, or −1: a shared machine's other work slows
 * both sides, though not always alike */
static double
load_average (void)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return -1;
  return g_ascii_strtod (text, NULL);
}

/* one training step as the trainer takes it (app/cli-train-text.c, without
 * the clipping): gather, forward, token cross-entropy and its gradient
 * (grads cleared first), backward, SGD with momentum consuming the grads */
static double
s2s_step (DdStudent *st, DdOptim *opt, const int *idx, int B)
{
  dd_student_forward (st, DD_SPLIT_TRAIN, idx, B);
  double loss = dd_student_backward (st, NULL, NULL, NULL);
  dd_optim_step_consume (opt, st->params, st->grads);
  return loss;
}

static int
bench_seq2seq (int threads, int reps, int steps, int batch, guint64 seed, gboolean no_reference,
               const char *save_batches, gboolean json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = dd_data_load (DD_CORPUS_ENV_NAME, &error);
  if (data == NULL)
    return cli_fail ("bench", CLI_EXIT_FAILURE, "%s", error->message);
  const DdParallel *p = data->parallel;
  const DdParallelSet *set = &p->train;
  const int B = batch;
  if (set->n < B)
    return cli_fail ("bench", CLI_EXIT_FAILURE, "%s holds %d training pairs, fewer than a batch of %d",
                     set->name, set->n, B);

  const char *coretype = g_getenv ("OPENBLAS_CORETYPE");
  const double load = load_average ();
  double peak = dd_bench_gemm_peak (1024, threads, 10);
  const char *gemm_name = sizeof (dd_real) == 4 ? "sgemm" : "dgemm";

  DdTrainConfig cfg;
  DdRng rng;
  dd_train_config_init (&cfg);
  cfg.net = dd_net_spec_default (DD_STUDENT_SEQ2SEQ);
  cfg.batch = B;
  cfg.threads = threads;
  cfg.lr = S2S_LR;
  cfg.momentum = 0.9;
  dd_rng_seed (&rng, seed);
  dd_set_threads (threads);
  g_autoptr(DdStudent) st = dd_student_new (&cfg, data, B, &rng, &error);
  if (st == NULL)
    return cli_fail ("bench", CLI_EXIT_FAILURE, "%s", error->message);
  g_autoptr(DdOptim) opt = dd_optim_new (DD_OPTIM_SGD, st->P, cfg.lr, cfg.momentum);
  g_autofree dd_real *start = g_memdup2 (st->params, st->P * sizeof (dd_real));

  /* the batches: consecutive slices of shuffled epochs, as training draws them */
  const int n_steps = steps > 0 ? steps : S2S_BATCHES;
  g_autofree int *order = g_new (int, set->n);
  g_autofree int *idx = g_new (int, (size_t) n_steps * B);
  for (int i = 0; i < set->n; i++)
    order[i] = i;
  for (int k = 0, pos = set->n; k < n_steps; k++, pos += B)
    {
      if (pos + B > set->n)
        {
          dd_rng_shuffle (&rng, order, set->n);
          pos = 0;
        }
      memcpy (idx + (size_t) k * B, order + pos, B * sizeof (int));
    }

  /* tokens and flops of one pass */
  double tokens = 0, flops = 0;
  {
    const size_t S = (size_t) B * (DD_PARALLEL_MAX_LEN + 1);
    g_autofree int *src = g_new (int, S), *src_len = g_new (int, B);
    g_autofree int *tgt_in = g_new (int, S), *tgt_out = g_new (int, S);
    for (int k = 0; k < n_steps; k++)
      {
        DdSeq2seqBatch b;
        dd_parallel_gather (set, idx + (size_t) k * B, B, &b, src, src_len, tgt_in, tgt_out);
        for (int i = 0; i < B * b.Lt; i++)
          tokens += b.tgt_out[i] >= 0;
        flops += dd_seq2seq_step_flops (st->s2s, &b);
      }
  }

  if (!json)
    {
      printf ("BLAS: OpenBLAS, kernel %s%s%s%s, %d thread%s, %s precision\n",
              dd_blas_kernel (), coretype ? " (OPENBLAS_CORETYPE=" : "",
              coretype ? coretype : "", coretype ? ")" : "",
              threads, threads == 1 ? "" : "s", DD_REAL_NAME);
      printf ("%s peak (1024³, best of 10): %.1f GFLOP/s; load average %.2f on %d CPUs at the start\n\n",
              gemm_name, peak, load, g_get_num_processors ());
      printf ("Translation student: %s,\nvocabularies %d German, %d English; %d training batches "
              "of %d sentence pairs of %s\n(seed %" G_GUINT64_FORMAT "), %.0f target tokens "
              "per batch on average.\n"
              "Training step (gather, forward, token cross-entropy, backward, SGD lr %g momentum 0.9),\n"
              "%d warm-up steps, then the median of %d passes over the batches; tokens are the\n"
              "non-padding target tokens. PyTorch runs the same batches from the same parameters:\n\n",
              dd_student_describe (st), p->src_vocab->n, p->tgt_vocab->n, n_steps, B, set->name,
              seed, tokens / n_steps, cfg.lr, S2S_WARMUP, reps);
      printf ("| threads | batch | Didact tokens/s | GFLOP/s | %% of peak | PyTorch tokens/s | speed-up |\n");
      printf ("|---:|---:|---:|---:|---:|---:|---:|\n");
      fflush (stdout);
    }

  /* the file first: the parameters at the start */
  g_autofree char *path = save_batches ? g_strdup (save_batches) : NULL;
  if (!no_reference && path == NULL)
    {
      int fd = g_file_open_tmp ("didact-seq2seq-XXXXXX.bin", &path, &error);
      if (fd < 0)
        return cli_fail ("bench", CLI_EXIT_FAILURE, "%s", error->message);
      close (fd);
    }
  if (path && !write_batch_file (path, st->s2s, set, idx, n_steps, B, start, &error))
    {
      if (!save_batches)
        g_unlink (path);
      return cli_fail ("bench", CLI_EXIT_FAILURE, "%s", error->message);
    }

  double first_loss = 0, last_loss = 0, row_peak = dd_bench_gemm_peak (1024, threads, 5);
  g_autofree double *runs = g_new (double, reps);
  dd_set_threads (threads);
  for (int k = 0; k < S2S_WARMUP; k++)
    {
      double loss = s2s_step (st, opt, idx + (size_t) (k % n_steps) * B, B);
      if (k == 0)
        first_loss = loss;
    }
  for (int r = 0; r < reps; r++)
    {
      double t0 = dd_now ();
      for (int k = 0; k < n_steps; k++)
        last_loss = s2s_step (st, opt, idx + (size_t) k * B, B);
      runs[r] = tokens / (dd_now () - t0);
    }
  g_autofree double *sorted = g_memdup2 (runs, reps * sizeof (double));
  const double didact = median (sorted, reps);
  const double gflops = flops / n_steps * didact / (tokens / n_steps) / 1e9;

  g_autofree char *reference_problem = NULL, *torch_version = NULL, *torch_kernel = NULL;
  double torch = 0, torch_first = NAN, torch_last = NAN;
  int torch_blas_threads = 0;
  if (!no_reference)
    {
      g_autofree char *threads_s = g_strdup_printf ("%d", threads);
      g_autofree char *reps_s = g_strdup_printf ("%d", reps);
      g_autofree char *warmup_s = g_strdup_printf ("%d", S2S_WARMUP);
      g_autofree char *lr_s = g_strdup_printf ("%g", cfg.lr);
      const char *args[] = { "--batches", path, "--threads", threads_s, "--reps", reps_s,
                             "--warmup", warmup_s, "--lr", lr_s, NULL };
      JsonObject *res = run_reference ("torch-seq2seq.py", args, &reference_problem);
      if (!save_batches)
        g_unlink (path);
      if (res)
        {
          torch = json_object_get_double_member_with_default (res, "tokens_per_second_median", 0);
          torch_first = json_object_get_double_member_with_default (res, "first_loss", NAN);
          torch_last = json_object_get_double_member_with_default (res, "last_loss", NAN);
          torch_version = g_strdup (json_object_get_string_member_with_default (res, "torch", "?"));
          if (json_object_has_member (res, "blas_kernel") &&
              !json_object_get_null_member (res, "blas_kernel"))
            torch_kernel = g_strdup (json_object_get_string_member (res, "blas_kernel"));
          torch_blas_threads = json_object_get_int_member_with_default (res, "blas_threads", 0);
          json_object_unref (res);
        }
    }

  if (json)
    {
      JsonBuilder *b = cli_json_begin ("seq2seq");
      json_builder_set_member_name (b, "student");
      json_builder_add_string_value (b, dd_student_describe (st));
      json_builder_set_member_name (b, "threads");
      json_builder_add_int_value (b, threads);
      json_builder_set_member_name (b, "batch");
      json_builder_add_int_value (b, B);
      json_builder_set_member_name (b, "batches");
      json_builder_add_int_value (b, n_steps);
      json_builder_set_member_name (b, "tokens_per_batch");
      json_builder_add_double_value (b, tokens / n_steps);
      json_builder_set_member_name (b, "tokens_per_second");
      json_builder_add_double_value (b, didact);
      json_builder_set_member_name (b, "tokens_per_second_runs");
      json_builder_begin_array (b);
      for (int r = 0; r < reps; r++)
        json_builder_add_double_value (b, runs[r]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "gflops");
      json_builder_add_double_value (b, gflops);
      json_builder_set_member_name (b, "fraction_of_peak");
      json_builder_add_double_value (b, gflops / row_peak);
      json_builder_set_member_name (b, "gemm_peak_gflops");
      json_builder_add_double_value (b, row_peak);
      json_builder_set_member_name (b, "first_loss");
      json_builder_add_double_value (b, first_loss);
      json_builder_set_member_name (b, "last_loss");
      json_builder_add_double_value (b, last_loss);
      json_builder_set_member_name (b, "torch_tokens_per_second");
      if (torch > 0)
        json_builder_add_double_value (b, torch);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "speedup_vs_torch");
      if (torch > 0)
        json_builder_add_double_value (b, didact / torch);
      else
        json_builder_add_null_value (b);
      if (torch > 0)
        {
          json_builder_set_member_name (b, "torch_first_loss");
          json_builder_add_double_value (b, torch_first);
          json_builder_set_member_name (b, "torch_last_loss");
          json_builder_add_double_value (b, torch_last);
          json_builder_set_member_name (b, "torch_version");
          json_builder_add_string_value (b, torch_version);
          json_builder_set_member_name (b, "torch_blas_kernel");
          if (torch_kernel)
            json_builder_add_string_value (b, torch_kernel);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "torch_blas_threads");
          json_builder_add_int_value (b, torch_blas_threads);
        }
      cli_json_emit (b);

      b = cli_json_begin ("summary");
      json_builder_set_member_name (b, "peak_rss_mib");
      json_builder_add_double_value (b, peak_rss_mib ());
      json_builder_set_member_name (b, "blas_kernel");
      json_builder_add_string_value (b, dd_blas_kernel ());
      json_builder_set_member_name (b, "threads");
      json_builder_add_int_value (b, threads);
      json_builder_set_member_name (b, "precision");
      json_builder_add_string_value (b, DD_REAL_NAME);
      json_builder_set_member_name (b, "gemm_peak_gflops");
      json_builder_add_double_value (b, peak);
      json_builder_set_member_name (b, "load_average");
      json_builder_add_double_value (b, load);
      json_builder_set_member_name (b, "reference");
      if (reference_problem)
        json_builder_add_string_value (b, reference_problem);
      else
        json_builder_add_string_value (b, no_reference ? "skipped" : "pytorch");
      cli_json_emit (b);
      return 0;
    }

  g_autofree char *torch_s = torch > 0 ? g_strdup_printf ("%.0f", torch) : g_strdup ("n/a");
  g_autofree char *ratio = torch > 0 ? g_strdup_printf ("%.2f×", didact / torch) : g_strdup ("n/a");
  printf ("| %d | %d | %.0f | %.1f | %.0f %% | %s | %s |\n", threads, B, didact, gflops,
          100.0 * gflops / row_peak, torch_s, ratio);
  printf ("\nFirst-step loss: Didact %.5f", first_loss);
  if (torch > 0)
    printf (", PyTorch %.5f; after %d steps: Didact %.5f, PyTorch %.5f\n"
            "PyTorch %s, %d thread%s, on OpenBLAS kernel %s with %d thread%s\n",
            torch_first, S2S_WARMUP + reps * n_steps, last_loss, torch_last, torch_version,
            threads, threads == 1 ? "" : "s", torch_kernel ? torch_kernel : "(unknown)",
            torch_blas_threads, torch_blas_threads == 1 ? "" : "s");
  else
    printf ("\n");
  printf ("Peak resident memory of didact-cli in this run: %.0f MiB\n", peak_rss_mib ());
  if (reference_problem)
    printf ("\nPyTorch reference not run: %s\n", reference_problem);
  return 0;
}

int
cli_bench (int argc, char **argv)
{
  gboolean json = FALSE, no_reference = FALSE, no_meta = FALSE;
  int threads = 1, reps = 5, steps = 0, meta_reps = 3, batch = 0;
  g_autofree char *student = NULL, *dataset = NULL, *save_batches = NULL;
  gint64 seed = 1;
  const GOptionEntry entries[] = {
    { "student", 0, 0, G_OPTION_ARG_STRING, &student, "seq2seq: the translation student instead of the image students", "NAME" },
    { "dataset", 0, 0, G_OPTION_ARG_STRING, &dataset, "de-en: the same as --student seq2seq", "NAME" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "seq2seq: sentence pairs per batch (default 32)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "seq2seq: seed of the initialisation and the batches (default 1)", "N" },
    { "save-batches", 0, 0, G_OPTION_ARG_FILENAME, &save_batches, "seq2seq: keep the batches and start parameters for tools/torch-seq2seq.py in FILE", "FILE" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "BLAS threads for both sides (default 1)", "N" },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "Timed repetitions; the median is reported (default 5)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Steps per repetition (default: about 0.5 s worth; seq2seq: 16 batches)", "N" },
    { "no-reference", 0, 0, G_OPTION_ARG_NONE, &no_reference, "Skip the PyTorch reference", NULL },
    { "no-meta", 0, 0, G_OPTION_ARG_NONE, &no_meta, "Skip the L2T-DLF meta-iteration benchmark", NULL },
    { "meta-reps", 0, 0, G_OPTION_ARG_INT, &meta_reps, "Meta-iterations timed per student (default 3)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON records; the last has \"event\": \"summary\"", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;

  if (!cli_parse_options ("bench", NULL,
                          "Seconds per training step of the MLP and LeNet students at batch 20 and 128 on\n"
                          "Fashion-MNIST, the GFLOP/s achieved against a gemm peak measured in the same\n"
                          "run, and the same steps in a PyTorch reference (python3-torch) as a ratio.\n"
                          "With --student seq2seq: training tokens per second of the translation student\n"
                          "on de-en batches, against the same model in PyTorch on the same batches.",
                          entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (threads < 1 || threads > 256)
    return cli_fail ("bench", CLI_EXIT_USAGE, "--threads %d: must be from 1 to 256", threads);
  if (reps < 1 || reps > 1000)
    return cli_fail ("bench", CLI_EXIT_USAGE, "--reps %d: must be from 1 to 1000", reps);
  if (steps < 0)
    return cli_fail ("bench", CLI_EXIT_USAGE, "--steps %d: must be positive", steps);

  DdStudentKind kind = DD_STUDENT_MLP;
  if (student && (!dd_student_kind_parse (student, &kind) || kind != DD_STUDENT_SEQ2SEQ))
    return cli_fail ("bench", CLI_EXIT_USAGE, "--student “%s”: bench times mlp and lenet together "
                     "by default; the other choice is seq2seq", student);
  if (dataset && g_strcmp0 (dataset, DD_CORPUS_ENV_NAME) != 0)
    return cli_fail ("bench", CLI_EXIT_USAGE, "--dataset “%s”: the image students run on "
                     "fashion-mnist by default; the other choice is de-en", dataset);
  if (student || dataset)
    {
      if (batch == 0)
        batch = 32;
      if (batch < 1 || batch > 4096)
        return cli_fail ("bench", CLI_EXIT_USAGE, "--batch %d: must be from 1 to 4096", batch);
      if (seed < 0)
        return cli_fail ("bench", CLI_EXIT_USAGE, "--seed %" G_GINT64_FORMAT ": must not be negative", seed);
      return bench_seq2seq (threads, reps, steps, batch, (guint64) seed, no_reference, save_batches, json);
    }
  if (save_batches)
    return cli_fail ("bench", CLI_EXIT_USAGE, "--save-batches is for --student seq2seq");
  if (batch != 0)
    return cli_fail ("bench", CLI_EXIT_USAGE, "--batch is for --student seq2seq; "
                     "the image students run at batch 20 and 128");

  g_autoptr(DdData) data = dd_data_load ("fashion-mnist", &error);
  if (data == NULL)
    return cli_fail ("bench", CLI_EXIT_FAILURE, "%s", error->message);

  const char *coretype = g_getenv ("OPENBLAS_CORETYPE");
  double peak = dd_bench_gemm_peak (1024, threads, 10);
  const char *gemm_name = sizeof (dd_real) == 4 ? "sgemm" : "dgemm";

  if (!json)
    {
      printf ("BLAS: OpenBLAS, kernel %s%s%s%s, %d thread%s, %s precision\n",
              dd_blas_kernel (), coretype ? " (OPENBLAS_CORETYPE=" : "",
              coretype ? coretype : "", coretype ? ")" : "",
              threads, threads == 1 ? "" : "s", DD_REAL_NAME);
      printf ("%s peak (1024³, best of 10): %.1f GFLOP/s; each row's %% of peak is against a peak\n"
              "measured again just before that row, since a shared machine's speed drifts\n\n",
              gemm_name, peak);
      printf ("Training step (gather, forward, loss, backward, SGD update), median of %d:\n\n", reps);
      printf ("| student | batch | Didact ms/step | GFLOP/s | %% of peak | PyTorch ms/step | speed-up |\n");
      printf ("|---|---:|---:|---:|---:|---:|---:|\n");
    }

  StepRow rows[] = {
    { DD_STUDENT_MLP, 20 }, { DD_STUDENT_MLP, 128 },
    { DD_STUDENT_LENET, 20 }, { DD_STUDENT_LENET, 128 },
  };
  g_autofree char *reference_problem = NULL;

  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      StepRow *r = &rows[i];
      DdNetSpec spec = dd_net_spec_default (r->kind);
      int n_steps = steps;

      if (n_steps == 0)
        {
          /* calibrate: about half a second per repetition */
          DdStepTiming probe;
          if (!dd_bench_train_step (&spec, data->train, r->batch, threads, 5, 1, &probe, &error))
            return cli_fail ("bench", CLI_EXIT_FAILURE, "%s", error->message);
          n_steps = CLAMP ((int) (0.5 / probe.seconds_median), 5, 5000);
        }
      double row_peak = dd_bench_gemm_peak (1024, threads, 5);
      if (!dd_bench_train_step (&spec, data->train, r->batch, threads, n_steps, reps,
                                &r->didact, &error))
        return cli_fail ("bench", CLI_EXIT_FAILURE, "%s", error->message);

      if (!no_reference && reference_problem == NULL)
        {
          g_autofree char *batch_s = g_strdup_printf ("%d", r->batch);
          g_autofree char *threads_s = g_strdup_printf ("%d", threads);
          g_autofree char *reps_s = g_strdup_printf ("%d", reps);
          const char *args[] = { "step", "--model", dd_student_kind_name (r->kind),
                                 "--batch", batch_s, "--threads", threads_s,
                                 "--reps", reps_s, NULL };
          JsonObject *res = run_reference ("torch-reference.py", args, &reference_problem);
          if (res)
            {
              r->torch_seconds = json_object_get_double_member_with_default (res, "seconds_per_step_median", 0.0);
              json_object_unref (res);
            }
        }

      double ms = 1e3 * r->didact.seconds_median;
      if (json)
        {
          JsonBuilder *b = cli_json_begin ("step");
          json_builder_set_member_name (b, "student");
          json_builder_add_string_value (b, dd_student_kind_name (r->kind));
          json_builder_set_member_name (b, "batch");
          json_builder_add_int_value (b, r->batch);
          json_builder_set_member_name (b, "seconds_per_step");
          json_builder_add_double_value (b, r->didact.seconds_median);
          json_builder_set_member_name (b, "gflops");
          json_builder_add_double_value (b, r->didact.gflops);
          json_builder_set_member_name (b, "fraction_of_peak");
          json_builder_add_double_value (b, r->didact.gflops / row_peak);
          json_builder_set_member_name (b, "gemm_peak_gflops");
          json_builder_add_double_value (b, row_peak);
          json_builder_set_member_name (b, "torch_seconds_per_step");
          if (r->torch_seconds > 0)
            json_builder_add_double_value (b, r->torch_seconds);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "speedup_vs_torch");
          if (r->torch_seconds > 0)
            json_builder_add_double_value (b, r->torch_seconds / r->didact.seconds_median);
          else
            json_builder_add_null_value (b);
          cli_json_emit (b);
        }
      else
        {
          g_autofree char *torch = r->torch_seconds > 0 ? g_strdup_printf ("%.3f", 1e3 * r->torch_seconds) : g_strdup ("n/a");
          g_autofree char *ratio = r->torch_seconds > 0 ? g_strdup_printf ("%.2f×", r->torch_seconds / r->didact.seconds_median) : g_strdup ("n/a");
          printf ("| %s | %d | %.3f | %.1f | %.0f %% | %s | %s |\n",
                  dd_student_kind_name (r->kind), r->batch, ms, r->didact.gflops,
                  100.0 * r->didact.gflops / row_peak, torch, ratio);
          fflush (stdout);
        }
    }

  /* one L2T-DLF meta-iteration per student */
  MetaRow meta[] = { { DD_STUDENT_MLP }, { DD_STUDENT_LENET } };
  if (!no_meta)
    {
      if (meta_reps < 1 || meta_reps > 100)
        return cli_fail ("bench", CLI_EXIT_USAGE, "--meta-reps %d: must be from 1 to 100", meta_reps);
      if (!json)
        printf ("\nOne episodic L2T-DLF meta-iteration (gated teacher, T = 200, batch 20, η = 0.01,\n"
                "M on 10,000 dev images), median of %d; PyTorch: double backward through the unroll:\n\n"
                "| student | forward s | reverse s | reverse/forward | trajectory MiB (all steps) | "
                "PyTorch fwd s | PyTorch rev s | speed-up |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
                meta_reps);
      for (size_t i = 0; i < G_N_ELEMENTS (meta); i++)
        {
          MetaRow *m = &meta[i];
          if (!bench_meta (data, m, threads, meta_reps, &error))
            return cli_fail ("bench", CLI_EXIT_FAILURE, "%s", error->message);
          if (!no_reference && reference_problem == NULL)
            {
              g_autofree char *threads_s = g_strdup_printf ("%d", threads);
              const char *args[] = { "meta", "--model", dd_student_kind_name (m->kind), "--batch", "20",
                                     "--threads", threads_s, "--unroll", "200", "--dev", "10000",
                                     "--reps", "3", NULL };
              JsonObject *res = run_reference ("torch-reference.py", args, &reference_problem);
              if (res)
                {
                  m->torch_forward = json_object_get_double_member_with_default (res, "forward_seconds", 0);
                  m->torch_reverse = json_object_get_double_member_with_default (res, "reverse_seconds", 0);
                  m->torch_rss = json_object_get_double_member_with_default (res, "peak_rss_mib", 0);
                  json_object_unref (res);
                }
            }
          double total = m->forward + m->reverse, ttotal = m->torch_forward + m->torch_reverse;
          if (json)
            {
              JsonBuilder *b = cli_json_begin ("meta");
              json_builder_set_member_name (b, "student");
              json_builder_add_string_value (b, dd_student_kind_name (m->kind));
              json_builder_set_member_name (b, "forward_seconds");
              json_builder_add_double_value (b, m->forward);
              json_builder_set_member_name (b, "reverse_seconds");
              json_builder_add_double_value (b, m->reverse);
              json_builder_set_member_name (b, "reverse_over_forward");
              json_builder_add_double_value (b, m->reverse / m->forward);
              json_builder_set_member_name (b, "trajectory_mib");
              json_builder_add_double_value (b, m->trajectory_mib);
              json_builder_set_member_name (b, "trajectory_all_steps_mib");
              json_builder_add_double_value (b, m->full_mib);
              json_builder_set_member_name (b, "torch_seconds");
              if (ttotal > 0)
                json_builder_add_double_value (b, ttotal);
              else
                json_builder_add_null_value (b);
              json_builder_set_member_name (b, "speedup_vs_torch");
              if (ttotal > 0)
                json_builder_add_double_value (b, ttotal / total);
              else
                json_builder_add_null_value (b);
              cli_json_emit (b);
            }
          else
            {
              g_autofree char *tf = ttotal > 0 ? g_strdup_printf ("%.2f", m->torch_forward) : g_strdup ("n/a");
              g_autofree char *tr = ttotal > 0 ? g_strdup_printf ("%.2f", m->torch_reverse) : g_strdup ("n/a");
              g_autofree char *ratio = ttotal > 0 ? g_strdup_printf ("%.2f×", ttotal / total) : g_strdup ("n/a");
              printf ("| %s | %.3f | %.3f | %.2f | %.1f (%.1f, %.0f %%) | %s | %s | %s |\n",
                      dd_student_kind_name (m->kind), m->forward, m->reverse, m->reverse / m->forward,
                      m->trajectory_mib, m->full_mib, 100 * m->trajectory_mib / m->full_mib, tf, tr, ratio);
              fflush (stdout);
            }
        }
      if (!json)
        {
          printf ("\nPeak resident memory of didact-cli in this run: %.0f MiB", peak_rss_mib ());
          if (meta[0].torch_rss > 0 && meta[1].torch_rss > 0)
            printf ("; of the PyTorch reference: %.0f MiB (MLP), %.0f MiB (LeNet)",
                    meta[0].torch_rss, meta[1].torch_rss);
          printf ("\n");
        }
    }

  if (json)
    {
      JsonBuilder *b = cli_json_begin ("summary");
      json_builder_set_member_name (b, "peak_rss_mib");
      json_builder_add_double_value (b, peak_rss_mib ());
      json_builder_set_member_name (b, "blas_kernel");
      json_builder_add_string_value (b, dd_blas_kernel ());
      json_builder_set_member_name (b, "threads");
      json_builder_add_int_value (b, threads);
      json_builder_set_member_name (b, "precision");
      json_builder_add_string_value (b, DD_REAL_NAME);
      json_builder_set_member_name (b, "gemm_peak_gflops");
      json_builder_add_double_value (b, peak);
      json_builder_set_member_name (b, "reference");
      if (reference_problem)
        json_builder_add_string_value (b, reference_problem);
      else
        json_builder_add_string_value (b, no_reference ? "skipped" : "pytorch");
      cli_json_emit (b);
    }
  else if (reference_problem)
    printf ("\nPyTorch reference not run: %s\n", reference_problem);
  return 0;
}
