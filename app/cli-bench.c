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

typedef struct {
  DdStudentKind kind;
  int           batch;
  DdStepTiming  didact;
  double        torch_seconds; /* 0 when the reference did not run */
} StepRow;

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
  gboolean json = FALSE, no_reference = FALSE;
  int threads = 1, reps = 5, steps = 0;
  const GOptionEntry entries[] = {
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "BLAS threads for both sides (default 1)", "N" },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "Timed repetitions; the median is reported (default 5)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Steps per repetition (default: about 0.5 s worth)", "N" },
    { "no-reference", 0, 0, G_OPTION_ARG_NONE, &no_reference, "Skip the PyTorch reference", NULL },
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
      printf ("%s peak (1024³, best of 10): %.1f GFLOP/s\n\n", gemm_name, peak);
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
          json_builder_add_double_value (b, r->didact.gflops / peak);
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
                  100.0 * r->didact.gflops / peak, torch, ratio);
          fflush (stdout);
        }
    }

  if (json)
    {
      JsonBuilder *b = cli_json_begin ("summary");
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
