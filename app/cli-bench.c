/* cli-bench.c: `didact-cli bench`, training speed against the BLAS peak and PyTorch
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both sides of every ratio are measured in the same run, each as the median
 * of several repetitions, with the same thread count. Didact's side is the
 * engine's own training step (DdRun), timed by dd-bench.c. The PyTorch side
 * runs tools/torch-reference.py under Debian's python3 (python3-torch) when
 * it is installed; DIDACT_PYTHON names another interpreter.
 */
#include "config.h"
#include "cli.h"
#include "cli-output.h"
#include "didact-engine.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct {
  gboolean json;
  gboolean no_reference;
  gboolean tie_embeddings, bidirectional, input_feed;  /* seq2seq: the student's variants */
  char    *dropout_text, *word_dropout_text; /* seq2seq: --dropout, --word-dropout as given */
  double   dropout, word_dropout;
  char    *embedding, *hidden;           /* seq2seq: --embedding E, --hidden H as given */
  DdNetSpec net;                         /* seq2seq: E and H parsed from them */
  gboolean no_meta;
  int      threads;
  int      reps;
  int      steps;
  int      meta_reps;
  int      batch;         /* of batch_text, or 32 */
  char    *batch_text;   /* --batch as given, NULL when not */
  char    *student;
  char    *dataset;
  gboolean s2s;           /* the translation student (--student seq2seq, --dataset de-en) */
  int      only;          /* --student mlp or lenet: that image student's rows; -1: both */
  char    *save_batches;
  char    *kernel;        /* --kernel: OpenBLAS's kernel to run on */
  gboolean peak_only;     /* hidden: print the gemm peak and the kernel, for a parent */
  gint64   seed;
} BenchOptions;

static void
bench_options_clear (BenchOptions *o)
{
  g_free (o->student);
  g_free (o->dataset);
  g_free (o->save_batches);
  g_free (o->batch_text);
  g_free (o->kernel);
  g_free (o->dropout_text);
  g_free (o->word_dropout_text);
  g_free (o->embedding);
  g_free (o->hidden);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BenchOptions, bench_options_clear)

#define USAGE(...) return cli_fail ("bench", CLI_EXIT_USAGE, __VA_ARGS__)
#define FAIL(...) return cli_fail ("bench", CLI_EXIT_FAILURE, __VA_ARGS__)

static double
peak_rss_mib (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

/* value, or null when it was not measured (≤ 0) */
static void
json_measured (JsonBuilder *b, const char *member, double value)
{
  json_builder_set_member_name (b, member);
  if (value > 0)
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* the text of a value in format, or "n/a" when it was not measured (≤ 0) */
static char * G_GNUC_PRINTF (2, 3)
measured (double value, const char *format, ...)
{
  va_list args;
  char *text;

  if (!(value > 0))
    return g_strdup ("n/a");
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  return text;
}

static const char *other_kernel (void);
static double other_kernel_peak (const char *kernel, int threads);

static void
print_blas (int threads)
{
  const char *coretype = g_getenv ("OPENBLAS_CORETYPE");

  printf ("BLAS: OpenBLAS, kernel %s%s%s%s, %d thread%s, %s precision\n",
          dd_blas_kernel (), coretype ? " (OPENBLAS_CORETYPE=" : "",
          coretype ? coretype : "", coretype ? ")" : "",
          threads, threads == 1 ? "" : "s", DD_REAL_NAME);
}

/* the last record: the machine, and whether the reference ran; a NaN
 * load leaves the load average out */
static void
emit_summary (const BenchOptions *o, double peak, double load, const char *reference_problem)
{
  JsonBuilder *b = cli_json_begin ("summary");
  cli_json_double (b, "peak_rss_mib", peak_rss_mib ());
  cli_json_string (b, "blas_kernel", dd_blas_kernel ());
  cli_json_int (b, "threads", o->threads);
  cli_json_string (b, "precision", DD_REAL_NAME);
  cli_json_double (b, "gemm_peak_gflops", peak);
  if (!isnan (load))
    cli_json_double (b, "load_average", load);
  cli_json_string (b, "reference", reference_problem ? reference_problem
                               : o->no_reference ? "skipped" : "pytorch");
  const char *other = other_kernel ();
  if (other)
    {
      cli_json_string (b, "other_kernel", other);
      cli_json_double (b, "other_kernel_gemm_peak_gflops", other_kernel_peak (other, o->threads));
    }
  cli_json_emit (b);
}

/* the kernel this CPU could run instead, and its peak against this one's */
static void
print_other_kernel (const BenchOptions *o, double peak)
{
  const char *other = other_kernel ();
  if (other == NULL)
    return;
  const double p = other_kernel_peak (other, o->threads);
  if (isnan (p))
    printf ("\nThis CPU has AVX-512, but OpenBLAS's %s kernel could not be measured here.\n", other);
  else
    printf ("\nThis CPU has AVX-512: OpenBLAS's %s kernel reaches %.1f GFLOP/s, %.2f× the\n"
            "%s kernel in use (%.1f GFLOP/s), which %s.\n"
            "`didact-cli bench --kernel %s` runs this benchmark on it, and\n"
            "OPENBLAS_CORETYPE=%s any command.\n",
            other, p, p / peak, dd_blas_kernel (), peak,
            g_getenv ("OPENBLAS_CORETYPE") ? "the environment's OPENBLAS_CORETYPE selects"
                                           : "OpenBLAS chose for this CPU",
            other, other);
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
/* the image students: one training step */

typedef struct {
  DdStudentKind kind;
  int           batch;
  DdStepTiming  didact;
  double        peak;          /* the gemm peak measured just before the row */
  double        torch_seconds; /* 0 when the reference did not run */
} StepRow;

/* the reference's seconds per step, or 0 with *problem set */
static double
torch_step (const BenchOptions *o, const StepRow *r, char **problem)
{
  g_autofree char *batch_s = g_strdup_printf ("%d", r->batch);
  g_autofree char *threads_s = g_strdup_printf ("%d", o->threads);
  g_autofree char *reps_s = g_strdup_printf ("%d", o->reps);
  const char *args[] = { "step", "--model", dd_student_kind_name (r->kind), "--batch", batch_s,
                         "--threads", threads_s, "--reps", reps_s, NULL };
  JsonObject *res = run_reference ("torch-reference.py", args, problem);
  if (res == NULL)
    return 0.0;
  double seconds = json_object_get_double_member_with_default (res, "seconds_per_step_median", 0.0);
  json_object_unref (res);
  return seconds;
}

static void
print_step_row (const StepRow *r, gboolean json)
{
  const DdStepTiming *d = &r->didact;
  const double speedup = r->torch_seconds > 0 ? r->torch_seconds / d->seconds_median : 0.0;

  if (json)
    {
      JsonBuilder *b = cli_json_begin ("step");
      cli_json_string (b, "student", dd_student_kind_name (r->kind));
      cli_json_int (b, "batch", r->batch);
      cli_json_double (b, "seconds_per_step", d->seconds_median);
      cli_json_double (b, "gflops", d->gflops);
      cli_json_double (b, "fraction_of_peak", d->gflops / r->peak);
      cli_json_double (b, "gemm_peak_gflops", r->peak);
      json_measured (b, "torch_seconds_per_step", r->torch_seconds);
      json_measured (b, "speedup_vs_torch", speedup);
      cli_json_emit (b);
      return;
    }
  g_autofree char *torch = measured (r->torch_seconds, "%.3f", 1e3 * r->torch_seconds);
  g_autofree char *ratio = measured (speedup, "%.2f×", speedup);
  printf ("| %s | %d | %.3f | %.1f | %.0f %% | %s | %s |\n", dd_student_kind_name (r->kind),
          r->batch, 1e3 * d->seconds_median, d->gflops, 100.0 * d->gflops / r->peak, torch, ratio);
  fflush (stdout);
}

/* times one row: the engine's step (about half a second per repetition
 * unless --steps), then the reference's */
static gboolean
bench_step_row (const BenchOptions *o, DdData *data, StepRow *r, char **problem, GError **error)
{
  DdNetSpec spec = dd_net_spec_default (r->kind);
  int n_steps = o->steps;

  if (n_steps == 0)
    {
      DdStepTiming probe;
      if (!dd_bench_train_step (&spec, data->train, r->batch, o->threads, 5, 1, &probe, error))
        return FALSE;
      n_steps = CLAMP ((int) (0.5 / probe.seconds_median), 5, 5000);
    }
  r->peak = dd_bench_gemm_peak (1024, o->threads, 5);
  if (!dd_bench_train_step (&spec, data->train, r->batch, o->threads, n_steps, o->reps,
                            &r->didact, error))
    return FALSE;
  if (!o->no_reference && *problem == NULL)
    r->torch_seconds = torch_step (o, r, problem);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* the image students: one L2T-DLF meta-iteration */

typedef struct {
  DdStudentKind kind;
  int k;                          /* checkpoint spacing asked for (0: the default ⌈√T⌉) */
  double forward, reverse;        /* medians, seconds */
  /* the same in parts (medians): steps + dev = forward, reverse pass + update = reverse */
  double steps, dev, rpass, update;
  /* the matrix products' GFLOP of the first three parts, from the layer shapes */
  double steps_gflop, dev_gflop, rpass_gflop;
  double peak;                    /* the gemm peak measured just before the row */
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
  g_autofree double *steps = g_new (double, reps), *dev = g_new (double, reps);
  g_autofree double *rpass = g_new (double, reps), *update = g_new (double, reps);

  dd_teach_config_init (&cfg);
  cfg.student.net = dd_net_spec_default (row->kind);
  cfg.student.threads = threads;
  cfg.pretrain_steps = 0;
  cfg.meta_iterations = reps;
  cfg.checkpoint_every = row->k;
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
          steps[r] = rep.steps_seconds;
          dev[r] = rep.dev_seconds;
          rpass[r] = rep.reverse_pass_seconds;
          update[r] = rep.update_seconds;
          r++;
        }
    }
  row->forward = dd_bench_median (fwd, reps);
  row->reverse = dd_bench_median (rev, reps);
  row->steps = dd_bench_median (steps, reps);
  row->dev = dd_bench_median (dev, reps);
  row->rpass = dd_bench_median (rpass, reps);
  row->update = dd_bench_median (update, reps);

  /* T steps; M and ∇M on the dev subsample; the reverse pass: T products
   * H·v and the replays that rebuild the segments between checkpoints
   * (T − ⌈T/k⌉ steps when k > 1). The teacher's step is not counted: how
   * many trial windows it replays depends on the run. */
  const DdTeachConfig *c = dd_teach_get_config (teach);
  const DdNet *net = dd_teach_get_student (teach)->net;
  const int T = c->window, B = c->student.batch;
  const int k = dd_teach_get_checkpoint_every (teach);
  const int n_dev = c->dev_subsample > 0
    ? MIN (c->dev_subsample, dd_student_n_examples (dd_teach_get_student (teach), DD_SPLIT_DEV))
    : dd_student_n_examples (dd_teach_get_student (teach), DD_SPLIT_DEV);
  const int replayed = k > 1 ? T - (T + k - 1) / k : 0;
  row->steps_gflop = T * dd_net_step_flops (net, B) / 1e9;
  row->dev_gflop = dd_net_step_flops (net, n_dev) / 1e9;
  row->rpass_gflop = (T * dd_net_hvp_flops (net, B) + replayed * dd_net_step_flops (net, B)) / 1e9;
  row->k = k;
  row->trajectory_mib = dd_teach_trajectory_bytes (teach, 0) / 1048576.0;
  row->full_mib = dd_teach_trajectory_bytes (teach, 1) / 1048576.0;
  return TRUE;
}

/* the reference's meta-iteration: forward and reverse seconds, peak memory */
static void
torch_meta (const BenchOptions *o, MetaRow *m, char **problem)
{
  g_autofree char *threads_s = g_strdup_printf ("%d", o->threads);
  const char *args[] = { "meta", "--model", dd_student_kind_name (m->kind), "--batch", "20",
                         "--threads", threads_s, "--unroll", "200", "--dev", "10000",
                         "--reps", "3", NULL };
  JsonObject *res = run_reference ("torch-reference.py", args, problem);
  if (res == NULL)
    return;
  m->torch_forward = json_object_get_double_member_with_default (res, "forward_seconds", 0);
  m->torch_reverse = json_object_get_double_member_with_default (res, "reverse_seconds", 0);
  m->torch_rss = json_object_get_double_member_with_default (res, "peak_rss_mib", 0);
  json_object_unref (res);
}

static void
print_meta_row (const MetaRow *m, gboolean json)
{
  const double total = m->forward + m->reverse, ttotal = m->torch_forward + m->torch_reverse;
  const double speedup = ttotal > 0 ? ttotal / total : 0.0;

  if (json)
    {
      JsonBuilder *b = cli_json_begin ("meta");
      cli_json_string (b, "student", dd_student_kind_name (m->kind));
      cli_json_int (b, "checkpoint_every", m->k);
      cli_json_double (b, "forward_seconds", m->forward);
      cli_json_double (b, "reverse_seconds", m->reverse);
      cli_json_double (b, "reverse_over_forward", m->reverse / m->forward);
      cli_json_double (b, "steps_seconds", m->steps);
      cli_json_double (b, "dev_seconds", m->dev);
      cli_json_double (b, "reverse_pass_seconds", m->rpass);
      cli_json_double (b, "update_seconds", m->update);
      cli_json_double (b, "reverse_pass_over_steps", m->rpass / m->steps);
      cli_json_double (b, "steps_gflop", m->steps_gflop);
      cli_json_double (b, "dev_gflop", m->dev_gflop);
      cli_json_double (b, "reverse_pass_gflop", m->rpass_gflop);
      cli_json_double (b, "steps_fraction_of_peak", m->steps_gflop / m->steps / m->peak);
      cli_json_double (b, "dev_fraction_of_peak", m->dev_gflop / m->dev / m->peak);
      cli_json_double (b, "reverse_pass_fraction_of_peak", m->rpass_gflop / m->rpass / m->peak);
      cli_json_double (b, "gemm_peak_gflops", m->peak);
      cli_json_double (b, "trajectory_mib", m->trajectory_mib);
      cli_json_double (b, "trajectory_all_steps_mib", m->full_mib);
      json_measured (b, "torch_seconds", ttotal);
      json_measured (b, "speedup_vs_torch", speedup);
      cli_json_emit (b);
      return;
    }
  g_autofree char *tf = measured (ttotal, "%.2f", m->torch_forward);
  g_autofree char *tr = measured (ttotal, "%.2f", m->torch_reverse);
  g_autofree char *ratio = measured (speedup, "%.2f×", speedup);
  printf ("| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f | %.0f / %.0f / %.0f %% | "
          "%.1f (%.1f, %.0f %%) | %s | %s | %s |\n",
          dd_student_kind_name (m->kind), m->k, m->steps, m->dev, m->rpass, m->update, total,
          m->rpass / m->steps,
          100 * m->steps_gflop / m->steps / m->peak, 100 * m->dev_gflop / m->dev / m->peak,
          100 * m->rpass_gflop / m->rpass / m->peak,
          m->trajectory_mib, m->full_mib, 100 * m->trajectory_mib / m->full_mib, tf, tr, ratio);
  fflush (stdout);
}

/* one meta-iteration per image student, with its table */
static int
bench_meta_rows (const BenchOptions *o, DdData *data, char **problem)
{
  g_autoptr(GError) error = NULL;
  /* each student with the default checkpoints, then with every step kept
   * (k = 1: no replays, the memory of the last column; the same results) */
  MetaRow meta[] = { { DD_STUDENT_MLP, 0 }, { DD_STUDENT_LENET, 0 },
                     { DD_STUDENT_MLP, 1 }, { DD_STUDENT_LENET, 1 } };
  const size_t n_students = 2;
  DdTeachConfig defaults;

  dd_teach_config_init (&defaults);  /* what bench_meta starts from */

  if (!o->json)
    printf ("\nOne episodic L2T-DLF meta-iteration (gated teacher, T = 200, batch 20, η = 0.01,\n"
            "M on %d dev images), median of %d, in parts: the T steps, M and ∇M on dev, the\n"
            "reverse pass (replays and H·v products), the teacher's trust step (trial windows and\n"
            "held-out measures); %% of peak: the matrix products' FLOPs from the layer shapes over\n"
            "the part's time (the trust step not counted); k: the trajectory kept every k steps,\n"
            "the default and then every step (no replays, the same results). PyTorch: double\n"
            "backward through the unroll, its forward and reverse against ours (steps + dev,\n"
            "reverse pass + trust step):\n\n"
            "| student | k | steps s | dev s | reverse pass s | trust step s | total s | "
            "reverse pass / steps | %% of peak: steps / dev / reverse pass | trajectory MiB (all steps) | "
            "PyTorch fwd s | PyTorch rev s | speed-up |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
            defaults.dev_subsample, o->meta_reps);
  for (size_t i = 0; i < G_N_ELEMENTS (meta); i++)
    {
      if (o->only >= 0 && meta[i].kind != (DdStudentKind) o->only)
        continue;
      meta[i].peak = dd_bench_gemm_peak (1024, o->threads, 5);
      if (!bench_meta (data, &meta[i], o->threads, o->meta_reps, &error))
        FAIL ("%s", error->message);
      if (i >= n_students)
        {
          /* the reference's figures are the same workload's */
          meta[i].torch_forward = meta[i - n_students].torch_forward;
          meta[i].torch_reverse = meta[i - n_students].torch_reverse;
          meta[i].torch_rss = meta[i - n_students].torch_rss;
        }
      else if (!o->no_reference && *problem == NULL)
        torch_meta (o, &meta[i], problem);
      print_meta_row (&meta[i], o->json);
    }
  if (!o->json)
    {
      printf ("\nPeak resident memory of didact-cli in this run: %.0f MiB", peak_rss_mib ());
      if (meta[0].torch_rss > 0 && meta[1].torch_rss > 0)
        printf ("; of the PyTorch reference: %.0f MiB (MLP), %.0f MiB (LeNet)",
                meta[0].torch_rss, meta[1].torch_rss);
      printf ("\n");
    }
  return 0;
}

/* --- the BLAS kernel ----------------------------------------------------------- */

/* OpenBLAS picks its kernel when it is loaded: from OPENBLAS_CORETYPE if set,
 * else from the CPU. An environment may preset an older kernel than the CPU
 * can run (AVX2's Haswell on an AVX-512 CPU); bench then measures the AVX-512
 * kernel's peak too, in a child process started with that kernel, and says
 * what --kernel would give. */
#define AVX512_KERNEL "SkylakeX"

static gboolean
kernel_is (const char *name)
{
  return g_ascii_strcasecmp (dd_blas_kernel (), name) == 0;
}

/* the kernel this CPU could run that the loaded one is slower than, or NULL */
static const char *
other_kernel (void)
{
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512bw") &&
      __builtin_cpu_supports ("avx512vl") && __builtin_cpu_supports ("avx512dq") &&
      !kernel_is (AVX512_KERNEL) && !kernel_is ("Cooperlake") && !kernel_is ("SapphireRapids"))
    return AVX512_KERNEL;
#endif
  return NULL;
}

/* this program again, as didact-cli ARGS, with OPENBLAS_CORETYPE=kernel */
static char **
self_argv (char **args, int n)
{
  GPtrArray *v = g_ptr_array_new ();

  g_ptr_array_add (v, g_file_read_link ("/proc/self/exe", NULL));
  for (int i = 0; i < n; i++)
    g_ptr_array_add (v, g_strdup (args[i]));
  g_ptr_array_add (v, NULL);
  return (char **) g_ptr_array_free (v, FALSE);
}

/* the gemm peak of kernel at threads, measured in a child; NAN if it failed */
static double
other_kernel_peak (const char *kernel, int threads)
{
  g_autofree char *t = g_strdup_printf ("%d", threads);
  char *args[] = { "bench", "--peak-only", "--threads", t };
  g_auto(GStrv) argv = self_argv (args, G_N_ELEMENTS (args));
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "OPENBLAS_CORETYPE", kernel, TRUE);
  g_autofree char *out = NULL;
  int wait = 0;
  char name[64];
  double peak;

  if (argv[0] == NULL ||
      !g_spawn_sync (NULL, argv, envp, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &wait, NULL) ||
      !g_spawn_check_wait_status (wait, NULL) ||
      sscanf (out, "%lf %63s", &peak, name) != 2 || g_ascii_strcasecmp (name, kernel) != 0)
    return NAN;
  return peak;
}

/* --kernel: start again with OPENBLAS_CORETYPE set, unless it already is;
 * 0 when this process runs on the kernel asked for */
static int
switch_kernel (const BenchOptions *o, char **args, int n)
{
  if (kernel_is (o->kernel))
    return 0;
  if (g_strcmp0 (g_getenv ("OPENBLAS_CORETYPE"), o->kernel) == 0)
    return cli_fail ("bench", CLI_EXIT_FAILURE,
                     "--kernel %s: OpenBLAS runs its %s kernel instead (it does not know %s, or this "
                     "CPU cannot run it)", o->kernel, dd_blas_kernel (), o->kernel);
  g_auto(GStrv) argv = self_argv (args, n);
  if (argv[0] == NULL)
    return cli_fail ("bench", CLI_EXIT_FAILURE, "--kernel: cannot find this program to start it again");
  fflush (stdout);
  g_setenv ("OPENBLAS_CORETYPE", o->kernel, TRUE);
  execv (argv[0], argv);
  return cli_fail ("bench", CLI_EXIT_FAILURE, "--kernel: cannot start again: %s", g_strerror (errno));
}

static int
bench_images (const BenchOptions *o)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  StepRow rows[] = {
    { DD_STUDENT_MLP, 20 }, { DD_STUDENT_MLP, 128 },
    { DD_STUDENT_LENET, 20 }, { DD_STUDENT_LENET, 128 },
  };
  int status;

  g_autoptr(DdData) data = dd_data_load ("fashion-mnist", &error);
  if (data == NULL)
    FAIL ("%s", error->message);
  const double peak = dd_bench_gemm_peak (1024, o->threads, 10);
  if (!o->json)
    {
      print_blas (o->threads);
      printf ("%s peak (1024³, best of 10): %.1f GFLOP/s; each row's %% of peak is against a peak\n"
              "measured again just before that row, since a shared machine's speed drifts\n\n",
              sizeof (dd_real) == 4 ? "sgemm" : "dgemm", peak);
      printf ("Training step (gather, forward, loss, backward, SGD update), median of %d:\n\n", o->reps);
      printf ("| student | batch | Didact ms/step | GFLOP/s | %% of peak | PyTorch ms/step | speed-up |\n");
      printf ("|---|---:|---:|---:|---:|---:|---:|\n");
    }
  for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      if (o->only >= 0 && rows[i].kind != (DdStudentKind) o->only)
        continue;
      if (!bench_step_row (o, data, &rows[i], &problem, &error))
        FAIL ("%s", error->message);
      print_step_row (&rows[i], o->json);
    }
  if (!o->no_meta && (status = bench_meta_rows (o, data, &problem)) != 0)
    return status;
  if (o->json)
    emit_summary (o, peak, NAN, problem);
  else
    {
      if (problem)
        printf ("\nPyTorch reference not run: %s\n", problem);
      print_other_kernel (o, peak);
    }
  return 0;
}

/* ---------------------------------------------------------------------- */
/* the translation student */

#define S2S_WARMUP     2     /* untimed steps on each side */
#define S2S_BATCHES    16    /* default --steps: batches per pass, the same for every thread count */
#define S2S_LR         0.1
#define S2S_MAGIC      0x32534444  /* "DDS2", see tools/torch-seq2seq.py */
#define S2S_VERSION    4  /* 2: the header says whether the embeddings are tied and
                            * the encoder bidirectional; 3: and whether dropout's
                            * masks follow the parameters; 4: and whether the
                            * decoder feeds its input */

static gboolean
write_i32 (FILE *f, const int *v, size_t n)
{
  /* the format is little-endian, as is every machine this builds on */
  G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN && sizeof (int) == 4);
  return fwrite (v, sizeof (int), n, f) == n;
}

/* the PyTorch side of the translation benchmark */
typedef struct {
  double tokens_per_second;    /* 0 when it did not run */
  double first_loss, last_loss;
  char  *version;
  char  *kernel;               /* NULL when unknown */
  int    blas_threads;
  char  *problem;              /* why it did not run */
} S2sReference;

typedef struct {
  const BenchOptions  *o;
  DdData              *data;
  DdRun               *run;
  const DdParallelSet *set;
  int                  B, n_steps;
  int                 *idx;       /* (n_steps, B) the timed batches' training pairs */
  double               tokens;    /* non-padding target tokens of one pass */
  double               flops;     /* of one pass */
  double               load, peak, row_peak;
  double              *runs;      /* tokens per second of each pass */
  double               didact, gflops, first_loss, last_loss;
  char                *path;      /* the batch file */
  S2sReference         torch;
} S2sBench;

/* a mask as bytes (1: kept) into f, and the value of its kept entries into
 * *keep (each mask holds 0 and one scale; FALSE if not) */
static gboolean
write_mask (FILE *f, const dd_real *mask, size_t n, float *keep)
{
  g_autofree guint8 *bytes = g_new (guint8, n);

  for (size_t i = 0; i < n; i++)
    {
      bytes[i] = mask[i] != 0;
      if (bytes[i] && *keep == 0)
        *keep = (float) mask[i];
      if (bytes[i] && (float) mask[i] != *keep)
        return FALSE;
    }
  return fwrite (bytes, 1, n, f) == n;
}

/* Dropout's masks of the steps the benchmark runs (warm-up, then the passes):
 * step j is batch k of the file, its masks those that the engine draws for
 * the run's step first_step + j (dd_seq2seq_dropout_masks), so that both
 * sides train the same function. Then the two scales of kept values. */
static gboolean
write_masks (FILE *f, DdSeq2seq *s2s, const DdParallelSet *set, const int *idx, int n_batches,
             int B, guint64 seed, gint64 first_step, int warmup, int reps)
{
  const size_t S = (size_t) B * (DD_PARALLEL_MAX_LEN + 1);
  g_autofree int *src = g_new (int, S), *src_len = g_new (int, B);
  g_autofree int *tgt_in = g_new (int, S), *tgt_out = g_new (int, S);
  const int E = s2s->spec.emb, D = s2s->spec.tie_embeddings ? E : s2s->spec.hidden;
  g_autofree dd_real *ms = g_new (dd_real, S * E), *mt = g_new (dd_real, S * E);
  g_autofree dd_real *mo = g_new (dd_real, S * D);
  const int n_steps = warmup + reps * n_batches;
  float keep[2] = { 0, 0 };
  gboolean ok = write_i32 (f, &n_steps, 1);

  for (int j = 0; ok && j < n_steps; j++)
    {
      const int k = j < warmup ? j % n_batches : (j - warmup) % n_batches;
      DdSeq2seqBatch b;
      dd_parallel_gather (set, idx + (size_t) k * B, B, &b, src, src_len, tgt_in, tgt_out);
      dd_seq2seq_dropout_masks (s2s, &b, dd_noise_key (seed, first_step + j), ms, mt, mo);
      ok = write_i32 (f, &k, 1) && write_mask (f, ms, (size_t) B * b.Ls * E, &keep[0]) &&
           write_mask (f, mt, (size_t) B * b.Lt * E, &keep[0]) &&
           write_mask (f, mo, (size_t) B * b.Lt * D, &keep[1]);
    }
  return ok && fwrite (keep, sizeof (float), 2, f) == 2;
}

/* The batch file of tools/torch-seq2seq.py: the timed batches and the
 * parameters both sides start from (the model's, before its first step);
 * with dropout, the masks of every step. */
static gboolean
write_batch_file (const char *path, const S2sBench *s, GError **error)
{
  const int B = s->B, n_batches = s->n_steps;
  const size_t S = (size_t) B * (DD_PARALLEL_MAX_LEN + 1);
  g_autofree int *src = g_new (int, S), *src_len = g_new (int, B);
  g_autofree int *tgt_in = g_new (int, S), *tgt_out = g_new (int, S);
  DdSeq2seq *s2s = dd_run_get_student (s->run)->s2s;
  const DdParallelSet *set = s->set;
  const int *idx = s->idx;
  const DdSeq2seqSpec *sp = &s2s->spec;
  const gboolean masked = sp->dropout > 0 || sp->word_dropout > 0;
  const int header[] = { S2S_MAGIC, S2S_VERSION, sp->V_src, sp->V_tgt, sp->emb, sp->hidden,
                         n_batches, 1, sp->tie_embeddings ? 1 : 0, sp->bidirectional ? 1 : 0,
                         masked ? 1 : 0, sp->input_feed ? 1 : 0 };
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
      float x = (float) s2s->params[i];
      ok = fwrite (&x, sizeof x, 1, f) == 1;
    }
  /* the masks a step draws depend on the lanes its threads split it into */
  if (masked)
    dd_student_set_threads (dd_run_get_student (s->run), dd_run_get_config (s->run)->threads);
  if (ok && masked)
    ok = write_masks (f, s2s, set, idx, n_batches, B, dd_run_get_config (s->run)->seed,
                      dd_run_get_step (s->run), S2S_WARMUP, s->o->reps);
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


static void
s2s_bench_clear (S2sBench *s)
{
  g_clear_pointer (&s->run, dd_run_free);
  g_clear_pointer (&s->data, dd_data_free);
  g_free (s->idx);
  g_free (s->runs);
  g_free (s->path);
  g_free (s->torch.version);
  g_free (s->torch.kernel);
  g_free (s->torch.problem);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (S2sBench, s2s_bench_clear)

/* the student, from the seed, and the batches: consecutive slices of
 * shuffled epochs, as training draws them */
static int
s2s_setup (S2sBench *s)
{
  g_autoptr(GError) error = NULL;
  const BenchOptions *o = s->o;
  DdTrainConfig cfg;

  s->data = dd_data_load (DD_CORPUS_ENV_NAME, &error);
  if (s->data == NULL)
    FAIL ("%s", error->message);
  s->set = &dd_data_parallel (s->data)->train;
  s->B = o->batch;
  if (s->set->n < s->B)
    FAIL ("%s holds %d training pairs, fewer than a batch of %d", s->set->name, s->set->n, s->B);
  dd_train_config_init_student (&cfg, DD_STUDENT_SEQ2SEQ);
  cfg.batch = s->B;
  cfg.threads = o->threads;
  cfg.lr = S2S_LR;
  cfg.momentum = 0.9;
  cfg.clip_norm = 0;  /* the reference does not clip */
  cfg.net.tie_embeddings = o->tie_embeddings;
  cfg.net.bidirectional = o->bidirectional;
  cfg.net.input_feed = o->input_feed;
  cfg.net.dropout = o->dropout;
  cfg.net.word_dropout = o->word_dropout;
  cfg.net.emb = o->net.emb;
  cfg.net.rnn_hidden = o->net.rnn_hidden;
  cfg.seed = (guint64) o->seed;
  s->run = dd_run_new (&cfg, s->data, &error);
  if (s->run == NULL)
    FAIL ("%s", error->message);
  s->n_steps = o->steps > 0 ? o->steps : S2S_BATCHES;
  s->idx = g_new (int, (size_t) s->n_steps * s->B);
  for (int k = 0; k < s->n_steps; k++)
    memcpy (s->idx + (size_t) k * s->B, dd_run_next_batch (s->run), s->B * sizeof (int));
  return 0;
}

/* the tokens and flops of one pass */
static void
s2s_count (S2sBench *s)
{
  const size_t S = (size_t) s->B * (DD_PARALLEL_MAX_LEN + 1);
  g_autofree int *src = g_new (int, S), *src_len = g_new (int, s->B);
  g_autofree int *tgt_in = g_new (int, S), *tgt_out = g_new (int, S);
  const DdSeq2seq *s2s = dd_run_get_student (s->run)->s2s;

  for (int k = 0; k < s->n_steps; k++)
    {
      DdSeq2seqBatch b;
      dd_parallel_gather (s->set, s->idx + (size_t) k * s->B, s->B, &b, src, src_len, tgt_in, tgt_out);
      for (int i = 0; i < s->B * b.Lt; i++)
        s->tokens += b.tgt_out[i] >= 0;
      s->flops += dd_seq2seq_step_flops (s2s, &b);
    }
}

static void
s2s_print_header (const S2sBench *s)
{
  const DdParallel *p = dd_data_parallel (s->data);
  const DdTrainConfig *cfg = dd_run_get_config (s->run);

  print_blas (s->o->threads);
  printf ("%s peak (1024³, best of 10): %.1f GFLOP/s; load average %.2f on %d CPUs at the start\n\n",
          sizeof (dd_real) == 4 ? "sgemm" : "dgemm", s->peak, s->load, g_get_num_processors ());
  printf ("Translation student: %s,\nvocabularies %d German, %d English; %d training batches "
          "of %d sentence pairs of %s\n(seed %" G_GUINT64_FORMAT "), %.0f target tokens "
          "per batch on average.\n"
          "Training step (gather, forward, token cross-entropy, backward, SGD lr %g momentum 0.9),\n"
          "%d warm-up steps, then the median of %d passes over the batches; tokens are the\n"
          "non-padding target tokens. PyTorch runs the same batches from the same parameters:\n\n",
          dd_student_describe (dd_run_get_student (s->run)), p->src_vocab->n, p->tgt_vocab->n,
          s->n_steps, s->B, s->set->name, cfg->seed, s->tokens / s->n_steps, cfg->lr, S2S_WARMUP,
          s->o->reps);
  printf ("| threads | batch | Didact tokens/s | GFLOP/s | %% of peak | PyTorch tokens/s | speed-up |\n");
  printf ("|---:|---:|---:|---:|---:|---:|---:|\n");
  fflush (stdout);
}

/* the batch file, before the first step: kept under --save-batches, else
 * a temporary file for the reference */
static int
s2s_write_batches (S2sBench *s)
{
  g_autoptr(GError) error = NULL;
  const char *keep = s->o->save_batches;

  s->path = g_strdup (keep);
  if (!s->o->no_reference && s->path == NULL)
    {
      int fd = g_file_open_tmp ("didact-seq2seq-XXXXXX.bin", &s->path, &error);
      if (fd < 0)
        FAIL ("%s", error->message);
      close (fd);
    }
  if (s->path && !write_batch_file (s->path, s, &error))
    {
      if (!keep)
        g_unlink (s->path);
      FAIL ("%s", error->message);
    }
  return 0;
}

/* the engine's step over the batches: warm-up, then --reps passes */
static int
s2s_time (S2sBench *s)
{
  g_autoptr(GError) error = NULL;
  const int reps = s->o->reps;
  g_autofree double *seconds = g_new (double, reps);

  s->row_peak = dd_bench_gemm_peak (1024, s->o->threads, 5);
  if (!dd_bench_run_batches (s->run, s->idx, s->n_steps, S2S_WARMUP, reps, seconds,
                             &s->first_loss, &s->last_loss, &error))
    FAIL ("%s", error->message);
  s->runs = g_new (double, reps);
  for (int r = 0; r < reps; r++)
    s->runs[r] = s->tokens / seconds[r];
  g_autofree double *sorted = g_memdup2 (s->runs, reps * sizeof (double));
  s->didact = dd_bench_median (sorted, reps);
  s->gflops = s->flops / s->n_steps * s->didact / (s->tokens / s->n_steps) / 1e9;
  return 0;
}

/* tools/torch-seq2seq.py on the same batches from the same parameters */
static void
s2s_reference (S2sBench *s)
{
  S2sReference *t = &s->torch;
  g_autofree char *threads_s = g_strdup_printf ("%d", s->o->threads);
  g_autofree char *reps_s = g_strdup_printf ("%d", s->o->reps);
  g_autofree char *warmup_s = g_strdup_printf ("%d", S2S_WARMUP);
  g_autofree char *lr_s = g_strdup_printf ("%g", dd_run_get_config (s->run)->lr);
  const char *args[] = { "--batches", s->path, "--threads", threads_s, "--reps", reps_s,
                         "--warmup", warmup_s, "--lr", lr_s, NULL };
  JsonObject *res = run_reference ("torch-seq2seq.py", args, &t->problem);

  t->first_loss = t->last_loss = NAN;
  if (!s->o->save_batches)
    g_unlink (s->path);
  if (res == NULL)
    return;
  t->tokens_per_second = json_object_get_double_member_with_default (res, "tokens_per_second_median", 0);
  t->first_loss = json_object_get_double_member_with_default (res, "first_loss", NAN);
  t->last_loss = json_object_get_double_member_with_default (res, "last_loss", NAN);
  t->version = g_strdup (json_object_get_string_member_with_default (res, "torch", "?"));
  if (json_object_has_member (res, "blas_kernel") && !json_object_get_null_member (res, "blas_kernel"))
    t->kernel = g_strdup (json_object_get_string_member (res, "blas_kernel"));
  t->blas_threads = json_object_get_int_member_with_default (res, "blas_threads", 0);
  json_object_unref (res);
}

static void
s2s_emit_json (const S2sBench *s)
{
  const S2sReference *t = &s->torch;
  JsonBuilder *b = cli_json_begin ("seq2seq");

  cli_json_string (b, "student", dd_student_describe (dd_run_get_student (s->run)));
  cli_json_int (b, "threads", s->o->threads);
  cli_json_int (b, "batch", s->B);
  cli_json_int (b, "batches", s->n_steps);
  cli_json_double (b, "tokens_per_batch", s->tokens / s->n_steps);
  cli_json_double (b, "tokens_per_second", s->didact);
  cli_json_double_array (b, "tokens_per_second_runs", s->runs, s->o->reps);
  cli_json_double (b, "gflops", s->gflops);
  cli_json_double (b, "fraction_of_peak", s->gflops / s->row_peak);
  cli_json_double (b, "gemm_peak_gflops", s->row_peak);
  cli_json_double (b, "first_loss", s->first_loss);
  cli_json_double (b, "last_loss", s->last_loss);
  json_measured (b, "torch_tokens_per_second", t->tokens_per_second);
  json_measured (b, "speedup_vs_torch", t->tokens_per_second > 0 ? s->didact / t->tokens_per_second : 0);
  if (t->tokens_per_second > 0)
    {
      cli_json_double (b, "torch_first_loss", t->first_loss);
      cli_json_double (b, "torch_last_loss", t->last_loss);
      cli_json_string (b, "torch_version", t->version);
      json_builder_set_member_name (b, "torch_blas_kernel");
      if (t->kernel)
        json_builder_add_string_value (b, t->kernel);
      else
        json_builder_add_null_value (b);
      cli_json_int (b, "torch_blas_threads", t->blas_threads);
    }
  cli_json_emit (b);
  emit_summary (s->o, s->peak, s->load, t->problem);
}

static void
s2s_print_text (const S2sBench *s)
{
  const S2sReference *t = &s->torch;
  const int threads = s->o->threads;
  const double speedup = t->tokens_per_second > 0 ? s->didact / t->tokens_per_second : 0;
  g_autofree char *torch_s = measured (t->tokens_per_second, "%.0f", t->tokens_per_second);
  g_autofree char *ratio = measured (speedup, "%.2f×", speedup);

  printf ("| %d | %d | %.0f | %.1f | %.0f %% | %s | %s |\n", threads, s->B, s->didact, s->gflops,
          100.0 * s->gflops / s->row_peak, torch_s, ratio);
  printf ("\nFirst-step loss: Didact %.5f", s->first_loss);
  if (t->tokens_per_second > 0)
    printf (", PyTorch %.5f; after %d steps: Didact %.5f, PyTorch %.5f\n"
            "PyTorch %s, %d thread%s, on OpenBLAS kernel %s with %d thread%s\n",
            t->first_loss, S2S_WARMUP + s->o->reps * s->n_steps, s->last_loss, t->last_loss,
            t->version, threads, threads == 1 ? "" : "s", t->kernel ? t->kernel : "(unknown)",
            t->blas_threads, t->blas_threads == 1 ? "" : "s");
  else
    printf ("\n");
  printf ("Peak resident memory of didact-cli in this run: %.0f MiB\n", peak_rss_mib ());
  if (t->problem)
    printf ("\nPyTorch reference not run: %s\n", t->problem);
}

static int
bench_seq2seq (const BenchOptions *o)
{
  g_auto(S2sBench) s = { .o = o };
  int status;

  if ((status = s2s_setup (&s)) != 0)
    return status;
  s2s_count (&s);
  s.load = load_average ();
  s.peak = dd_bench_gemm_peak (1024, o->threads, 10);
  if (!o->json)
    s2s_print_header (&s);
  if ((status = s2s_write_batches (&s)) != 0 || (status = s2s_time (&s)) != 0)
    return status;
  if (!o->no_reference)
    s2s_reference (&s);
  if (o->json)
    s2s_emit_json (&s);
  else
    {
      s2s_print_text (&s);
      print_other_kernel (o, s.peak);
    }
  return 0;
}

/* ---------------------------------------------------------------------- */

static gboolean
parse_options (BenchOptions *o, int *argc, char ***argv)
{
  const GOptionEntry entries[] = {
    { "student", 0, 0, G_OPTION_ARG_STRING, &o->student, "mlp or lenet: that image student alone; seq2seq: the translation student instead of the image students", "NAME" },
    { "dataset", 0, 0, G_OPTION_ARG_STRING, &o->dataset, "de-en: the same as --student seq2seq", "NAME" },
    { "batch", 0, 0, G_OPTION_ARG_STRING, &o->batch_text, "seq2seq: sentence pairs per batch (default 32)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, "seq2seq: seed of the initialisation and the batches (default 1)", "N" },
    { "save-batches", 0, 0, G_OPTION_ARG_FILENAME, &o->save_batches, "seq2seq: keep the batches and start parameters for tools/torch-seq2seq.py in FILE", "FILE" },
    { "tie-embeddings", 0, 0, G_OPTION_ARG_NONE, &o->tie_embeddings, "seq2seq: the student with tied embeddings (both sides)", NULL },
    { "bidirectional", 0, 0, G_OPTION_ARG_NONE, &o->bidirectional, "seq2seq: the student with a bidirectional encoder (both sides)", NULL },
    { "input-feed", 0, 0, G_OPTION_ARG_NONE, &o->input_feed, "seq2seq: the student with input feeding (both sides; PyTorch then loops over the target positions)", NULL },
    { "dropout", 0, 0, G_OPTION_ARG_STRING, &o->dropout_text, "seq2seq: dropout P, 0 to 0.9 (both sides: PyTorch is given the engine's masks of every step)", "P" },
    { "word-dropout", 0, 0, G_OPTION_ARG_STRING, &o->word_dropout_text, "seq2seq: word dropout P, 0 to 0.9 (both sides, the engine's masks)", "P" },
    { "embedding", 0, 0, G_OPTION_ARG_STRING, &o->embedding, "seq2seq: the word embedding size E (default 128; both sides)", "E" },
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &o->hidden, "seq2seq: the GRU units H (default 256; both sides)", "H" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &o->threads, "Threads for both sides (default 1): Didact shares each batch between them (an image student's examples, the translator's sentences), PyTorch gives them to BLAS", "N" },
    { "reps", 0, 0, G_OPTION_ARG_INT, &o->reps, "Timed repetitions; the median is reported (default 5)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &o->steps, "Steps per repetition (default: about 0.5 s worth; seq2seq: 16 batches)", "N" },
    { "no-reference", 0, 0, G_OPTION_ARG_NONE, &o->no_reference, "Skip the PyTorch reference", NULL },
    { "no-meta", 0, 0, G_OPTION_ARG_NONE, &o->no_meta, "Skip the L2T-DLF meta-iteration benchmark", NULL },
    { "meta-reps", 0, 0, G_OPTION_ARG_INT, &o->meta_reps, "Meta-iterations timed per student (default 3)", "N" },
    { "kernel", 0, 0, G_OPTION_ARG_STRING, &o->kernel, "Run on OpenBLAS's kernel NAME (e.g. SkylakeX, Haswell): sets OPENBLAS_CORETYPE and starts again", "NAME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "Print JSON records; the last has \"event\": \"summary\"", NULL },
    { "peak-only", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &o->peak_only, NULL, NULL },
    { NULL }
  };

  return cli_parse_options ("bench", NULL,
                            "Seconds per training step of the MLP and LeNet students at batch 20 and 128 on\n"
                            "Fashion-MNIST, the GFLOP/s achieved against a gemm peak measured in the same\n"
                            "run, and the same steps in a PyTorch reference (python3-torch) as a ratio.\n"
                            "With --student seq2seq: training tokens per second of the translation student\n"
                            "on de-en batches, against the same model in PyTorch on the same batches.",
                            entries, argc, argv);
}

/* 0, or the usage error's status after its message */
static int
validate (BenchOptions *o)
{
  DdStudentKind kind = DD_STUDENT_MLP;
  g_autoptr(GError) error = NULL;

  if (o->threads < 1 || o->threads > 256)
    USAGE ("--threads %d: must be from 1 to 256", o->threads);
  if (o->reps < 1 || o->reps > 1000)
    USAGE ("--reps %d: must be from 1 to 1000", o->reps);
  if (o->steps < 0)
    USAGE ("--steps %d: must be positive", o->steps);
  if (o->kernel && (*o->kernel == '\0' || strlen (o->kernel) > 32 ||
                    strspn (o->kernel, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != strlen (o->kernel)))
    USAGE ("--kernel “%s”: must be the name of an OpenBLAS kernel, such as SkylakeX or Haswell", o->kernel);
  if (o->student && !dd_student_kind_parse (o->student, &kind))
    USAGE ("--student “%s”: bench times mlp and lenet together by default; the choices are "
           "mlp, lenet (one of the two) and seq2seq", o->student);
  if (o->dataset && g_strcmp0 (o->dataset, DD_CORPUS_ENV_NAME) != 0)
    USAGE ("--dataset “%s”: the image students run on fashion-mnist by default; the other "
           "choice is de-en", o->dataset);
  if (o->dataset && o->student && kind != DD_STUDENT_SEQ2SEQ)
    USAGE ("--student %s with --dataset %s: the translation student is seq2seq",
           o->student, o->dataset);
  o->s2s = o->dataset != NULL || (o->student != NULL && kind == DD_STUDENT_SEQ2SEQ);
  o->only = o->student != NULL && !o->s2s ? (int) kind : -1;
  if (o->s2s)
    {
      o->batch = 32;
      if (o->batch_text && !cli_option_int ("bench", "batch", o->batch_text, &o->batch))
        return CLI_EXIT_USAGE;
      if (o->batch < 1 || o->batch > 4096)
        USAGE ("--batch %d: must be from 1 to 4096", o->batch);
      if (o->seed < 0)
        USAGE ("--seed %" G_GINT64_FORMAT ": must not be negative", o->seed);
      if (o->dropout_text && !cli_option_double ("bench", "dropout", o->dropout_text, &o->dropout))
        return CLI_EXIT_USAGE;
      if (o->word_dropout_text &&
          !cli_option_double ("bench", "word-dropout", o->word_dropout_text, &o->word_dropout))
        return CLI_EXIT_USAGE;
      if (!(o->dropout >= 0 && o->dropout <= 0.9))
        USAGE ("--dropout %s: a dropout rate from 0 to 0.9", o->dropout_text);
      if (!(o->word_dropout >= 0 && o->word_dropout <= 0.9))
        USAGE ("--word-dropout %s: a word dropout rate from 0 to 0.9", o->word_dropout_text);
      o->net = dd_net_spec_default (DD_STUDENT_SEQ2SEQ);
      if (o->embedding && !dd_net_spec_parse_embedding (&o->net, o->embedding, &error))
        USAGE ("--embedding: %s", error->message);
      if (o->hidden && !dd_net_spec_parse_hidden (&o->net, o->hidden, &error))
        USAGE ("--hidden: %s", error->message);
      /* the file is written before the timing: a bad place is found now */
      if (o->save_batches && !cli_check_output_path ("bench", "save-batches", o->save_batches))
        return CLI_EXIT_USAGE;
      return 0;
    }
  if (o->save_batches)
    USAGE ("--save-batches is for --student seq2seq");
  if (o->tie_embeddings || o->bidirectional || o->input_feed)
    USAGE ("--%s is for --student seq2seq", o->tie_embeddings ? "tie-embeddings"
                                            : o->bidirectional ? "bidirectional" : "input-feed");
  if (o->dropout_text || o->word_dropout_text)
    USAGE ("--%s %s: dropout is the translation student's; for --student seq2seq",
           o->dropout_text ? "dropout" : "word-dropout",
           o->dropout_text ? o->dropout_text : o->word_dropout_text);
  if (o->embedding || o->hidden)
    USAGE ("--%s is for --student seq2seq; the image students' layers are fixed in bench",
           o->embedding ? "embedding" : "hidden");
  if (o->batch_text != NULL)
    USAGE ("--batch is for --student seq2seq; the image students run at batch 20 and 128");
  if (!o->no_meta && (o->meta_reps < 1 || o->meta_reps > 100))
    USAGE ("--meta-reps %d: must be from 1 to 100", o->meta_reps);
  return 0;
}

int
cli_bench (int argc, char **argv)
{
  g_auto(BenchOptions) o = { .threads = 1, .reps = 5, .meta_reps = 3, .seed = 1 };
  g_auto(GStrv) args = g_strdupv (argv);   /* as given, for --kernel */
  const int n_args = argc;
  int status;

  if (!parse_options (&o, &argc, &argv))
    return CLI_EXIT_USAGE;
  if ((status = validate (&o)) != 0)
    return status;
  if (o.kernel && (status = switch_kernel (&o, args, n_args)) != 0)
    return status;
  if (o.peak_only)
    {
      printf ("%.3f %s\n", dd_bench_gemm_peak (1024, o.threads, 10), dd_blas_kernel ());
      return 0;
    }
  return o.s2s ? bench_seq2seq (&o) : bench_images (&o);
}
