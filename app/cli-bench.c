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

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

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

static char *
find_reference_script (void)
{
  const char *candidates[] = {
    DIDACT_SOURCE_TOOLS_DIR "/torch-reference.py",
    DIDACT_PKGDATADIR "/torch-reference.py",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (g_file_test (candidates[i], G_FILE_TEST_IS_REGULAR))
      return g_strdup (candidates[i]);
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

/* Runs the reference with args; returns the parsed JSON object or NULL with
 * a reason in *why. */
static JsonObject *
run_reference (const char *const *args, char **why)
{
  g_autofree char *script = find_reference_script ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status;

  if (script == NULL)
    {
      *why = g_strdup ("tools/torch-reference.py not found");
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

int
cli_bench (int argc, char **argv)
{
  gboolean json = FALSE, no_reference = FALSE, no_meta = FALSE;
  int threads = 1, reps = 5, steps = 0, meta_reps = 3;
  const GOptionEntry entries[] = {
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "BLAS threads for both sides (default 1)", "N" },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "Timed repetitions; the median is reported (default 5)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Steps per repetition (default: about 0.5 s worth)", "N" },
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
                          "run, and the same steps in a PyTorch reference (python3-torch) as a ratio.",
                          entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (threads < 1 || threads > 256)
    return cli_fail ("bench", CLI_EXIT_USAGE, "--threads %d: must be from 1 to 256", threads);
  if (reps < 1 || reps > 1000)
    return cli_fail ("bench", CLI_EXIT_USAGE, "--reps %d: must be from 1 to 1000", reps);
  if (steps < 0)
    return cli_fail ("bench", CLI_EXIT_USAGE, "--steps %d: must be positive", steps);

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
          JsonObject *res = run_reference (args, &reference_problem);
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
              JsonObject *res = run_reference (args, &reference_problem);
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
