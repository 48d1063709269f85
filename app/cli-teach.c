/* cli-teach.c: `didact-cli teach`, L2T-DLF on one student
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "cli-output.h"
#include "cli-teach-options.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char summary[] =
  "Teach a student with a dynamic loss (L2T-DLF): after every window of T steps\n"
  "the teacher is updated by the reverse pass through the student's training.\n"
  "Episodic: every window restarts from the warmed-up student ω₀ (the best\n"
  "teacher/student pair by dev error is kept). Continual: the student goes on.\n"
  "With --save or --csv the same run, step for step, goes through a session as\n"
  "in the workbench: --save writes a session file that the workbench opens and\n"
  "didact-cli replay reads, --csv the session's records for other tools.";

/* what the run ends with: the best (episodic) or final student's scores */
typedef struct {
  DdEval *test, *dev;           /* NULL: not measured (an episodic session run) */
  double  test_bleu, dev_bleu;  /* translation; NaN for images */
  double  seconds;
  gint64  steps, teacher_updates, accepted, rejected;
  /* an episodic run through a session, which keeps no best student: the
   * window of the lowest dev error, from the records */
  gint64  best_update, best_step;
  double  best_dev_error;
  const char *session_file, *export_dir;   /* --save, --csv */
} TeachOutcome;

static void
teach_outcome_clear (TeachOutcome *out)
{
  g_clear_pointer (&out->test, dd_eval_free);
  g_clear_pointer (&out->dev, dd_eval_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TeachOutcome, teach_outcome_clear)

static gboolean
is_translation (const DdTeachConfig *cfg)
{
  return cfg->student.net.kind == DD_STUDENT_SEQ2SEQ;
}

/* parse and validate: FALSE after printing the usage error */
static gboolean
parse_teach (TeachOptions *o, DdTeachConfig *cfg, DdScenario *scenario, int *argc, char ***argv)
{
  g_autofree GOptionEntry *entries = teach_options_entries (o, FALSE);

  if (!cli_parse_options ("teach", NULL, summary, entries, argc, argv) ||
      !teach_options_to_config ("teach", o, cfg, scenario))
    return FALSE;
  /* a session run ends where teach's does, after its last teacher update */
  if ((o->save || o->csv) && cfg->meta_iterations == 0)
    {
      cli_fail ("teach", CLI_EXIT_USAGE, "%s: the run must end to be saved or exported; give "
                "--meta N, N > 0", o->save ? "--save" : "--csv");
      return FALSE;
    }
  return TRUE;
}

/* the dataset, changed by the scenario when there is one; NULL after
 * printing the error, with *status the exit status */
static DdData *
load_data (const TeachOptions *o, const DdTeachConfig *cfg, const DdScenario *scenario,
           DdScenarioStats *scenario_stats, int *status)
{
  g_autoptr(DdData) data = teach_options_load_data ("teach", o);

  *status = CLI_EXIT_FAILURE;
  if (data == NULL || scenario->kind == DD_SCENARIO_NONE)
    return g_steal_pointer (&data);
  return cli_scenario_data ("teach", data, scenario, cfg->student.seed, scenario_stats, status);
}

/* scenario_text: what the scenario did (NULL: none) */
static void
print_start (DdTeach *teach, const TeachOptions *o, const DdTeachConfig *cfg,
             const char *scenario_text)
{
  DdStudent *st = dd_teach_get_student (teach);
  const int n_dev = dd_student_n_examples (st, DD_SPLIT_DEV);

  printf ("Teaching %s on %s: %s teacher, %s protocol, T = %d, %d teacher updates, "
          "warm-up %" G_GINT64_FORMAT ", objective %s on %d dev %s, seed %" G_GUINT64_FORMAT "\n",
          dd_student_describe (st), teach_options_dataset (o), dd_teacher_kind_name (cfg->teacher),
          dd_protocol_name (cfg->protocol), cfg->window, cfg->meta_iterations,
          cfg->pretrain_steps, dd_objective_name (cfg->objective),
          cfg->dev_subsample > 0 ? MIN (cfg->dev_subsample, n_dev) : n_dev,
          is_translation (cfg) ? "sentences" : "images", cfg->student.seed);
  if (scenario_text != NULL)
    printf ("Scenario: %s\n", scenario_text);
}

static void
show_progress (CliProgress *progress, DdTeach *teach, const DdTeachConfig *cfg,
               const DdStepReport *r)
{
  const gint64 total = cfg->pretrain_steps + (gint64) cfg->window * cfg->meta_iterations;
  g_autofree char *label = g_strdup_printf ("%s step %" G_GINT64_FORMAT,
                                            r->kind == DD_STEP_PRETRAIN ? "warm-up" : "taught",
                                            r->step);
  /* an episodic window restarts from ω₀: count whole windows instead */
  gint64 done = cfg->protocol == DD_PROTOCOL_EPISODIC && r->kind != DD_STEP_PRETRAIN
    ? cfg->pretrain_steps + dd_teach_get_meta_iteration (teach) * cfg->window
    : r->step;

  cli_progress_update (progress, done, total, label, r->kind == DD_STEP_WINDOW);
}

/* every step to the end, each window printed as it closes */
static gboolean
run_teach (DdTeach *teach, const DdTeachConfig *cfg, gboolean json, GError **error)
{
  CliProgress progress;

  cli_progress_init (&progress, !json);
  while (!dd_teach_is_done (teach))
    {
      DdStepReport r;
      if (!dd_teach_step (teach, &r, error))
        {
          cli_progress_clear (&progress);
          return FALSE;
        }
      if (r.kind == DD_STEP_WINDOW)
        {
          CliWindow w;
          cli_window_from_report (&w, &r);
          cli_progress_clear (&progress);
          if (json)
            cli_window_emit (&w);
          else
            cli_window_print (&w);
        }
      if (progress.enabled)
        show_progress (&progress, teach, cfg, &r);
    }
  cli_progress_clear (&progress);
  return TRUE;
}

/* the scores of student (the best or the final one) */
static void
evaluate (DdStudent *student, const DdTeachConfig *cfg, TeachOutcome *out)
{
  out->test = dd_eval_new (student->C);
  out->dev = dd_eval_new (student->C);
  dd_set_threads (cfg->student.threads);
  dd_student_evaluate (student, DD_SPLIT_TEST, 0, out->test);
  dd_student_evaluate (student, DD_SPLIT_DEV, 0, out->dev);
  out->dev_bleu = out->test_bleu = NAN;
  if (is_translation (cfg))
    {
      out->dev_bleu = dd_student_bleu (student, DD_SPLIT_DEV, 1, NULL);
      out->test_bleu = dd_student_bleu (student, DD_SPLIT_TEST, 1, NULL);
    }
}

static void
emit_summary (const DdTeachConfig *cfg, const DdScenario *scenario, const TeachOutcome *out)
{
  JsonBuilder *b = cli_json_begin ("summary");
  g_autofree char *scenario_name = dd_scenario_name (scenario);

  if (out->test != NULL)
    {
      cli_json_double (b, "test_accuracy", out->test->accuracy);
      cli_json_double (b, "test_error", 1.0 - out->test->accuracy);
      cli_json_double (b, "dev_accuracy", out->dev->accuracy);
    }
  else
    {
      cli_json_int (b, "best_update", out->best_update);
      cli_json_int (b, "best_step", out->best_step);
      cli_json_double (b, "best_dev_error", out->best_dev_error);
    }
  json_builder_set_member_name (b, "scenario");
  json_builder_add_string_value (b, scenario_name);
  if (out->test != NULL && is_translation (cfg))
    {
      cli_json_double (b, "dev_bleu", out->dev_bleu);
      cli_json_double (b, "test_bleu", out->test_bleu);
    }
  else if (out->test != NULL)
    cli_json_double (b, "balanced_test_error", dd_eval_balanced_error (out->test));
  cli_json_int (b, "steps", out->steps);
  cli_json_int (b, "teacher_updates", out->teacher_updates);
  cli_json_int (b, "accepted_updates", out->accepted);
  cli_json_int (b, "rejected_updates", out->rejected);
  cli_json_double (b, "seconds", out->seconds);
  if (out->session_file)
    {
      json_builder_set_member_name (b, "session_file");
      json_builder_add_string_value (b, out->session_file);
    }
  if (out->export_dir)
    {
      json_builder_set_member_name (b, "export_dir");
      json_builder_add_string_value (b, out->export_dir);
    }
  cli_json_emit (b);
}

static void
print_summary (const DdTeachConfig *cfg, const DdScenario *scenario, const TeachOutcome *out)
{
  const gboolean text = is_translation (cfg);

  if (out->test == NULL)
    printf ("\nAfter %" G_GINT64_FORMAT " teacher updates (%.1f s), the lowest dev error was "
            "%.2f %% (on the objective's dev examples), at update %" G_GINT64_FORMAT
            " (step %" G_GINT64_FORMAT ").\nA session keeps no copy of an episodic run's best "
            "student: without --save and --csv, teach measures its dev and test accuracy.\n",
            out->teacher_updates, out->seconds, 100.0 * out->best_dev_error, out->best_update,
            out->best_step);
  else
    {
      printf ("\nAfter %" G_GINT64_FORMAT " teacher updates (%.1f s), the %s student:\n"
              "  dev accuracy   %6.2f %%%s\n  test accuracy  %6.2f %%\n",
              out->teacher_updates, out->seconds,
              cfg->protocol == DD_PROTOCOL_EPISODIC ? "best" : "final",
              100.0 * out->dev->accuracy, text ? " (per target token, reference prefix fed)" : "",
              100.0 * out->test->accuracy);
      if (text)
        printf ("  dev BLEU       %6.2f\n  test BLEU      %6.2f   (greedy decoding)\n",
                out->dev_bleu, out->test_bleu);
      if (scenario->kind == DD_SCENARIO_LONG_TAIL)
        printf ("  mean per-class test error  %6.2f %%\n", 100.0 * dd_eval_balanced_error (out->test));
    }
  if (out->session_file)
    printf ("Saved the session to %s.\n", out->session_file);
  if (out->export_dir)
    printf ("Exported the records to %s (curves.csv, phi-0.npy, phi-steps-0.npy, windows-0.jsonl).\n",
            out->export_dir);
}

/* the run as it always was: a DdTeach stepped here */
static int
teach_directly (const TeachOptions *o, const DdTeachConfig *cfg, const DdScenario *scenario)
{
  g_auto(TeachOutcome) out = { 0 };
  DdScenarioStats scenario_stats = { 0 };
  g_autoptr(GError) error = NULL;
  int status;

  g_autoptr(DdData) data = load_data (o, cfg, scenario, &scenario_stats, &status);
  if (data == NULL)
    return status;
  g_autoptr(DdTeach) teach = dd_teach_new (cfg, data, &error);
  if (teach == NULL)
    return cli_fail ("teach", CLI_EXIT_USAGE, "%s", error->message);

  double started = dd_now ();
  if (!o->json)
    {
      g_autofree char *what = scenario->kind != DD_SCENARIO_NONE
        ? dd_scenario_describe (scenario, &scenario_stats) : NULL;
      print_start (teach, o, cfg, what);
    }
  if (!run_teach (teach, cfg, o->json, &error))
    return cli_fail ("teach", CLI_EXIT_FAILURE, "%s", error->message);
  evaluate (dd_teach_get_best_student (teach), cfg, &out);
  out.seconds = dd_now () - started;
  out.steps = dd_teach_get_step (teach);
  out.teacher_updates = dd_teach_get_meta_iteration (teach);
  dd_teach_get_update_counts (teach, &out.accepted, &out.rejected, NULL);

  if (o->json)
    emit_summary (cfg, scenario, &out);
  else
    print_summary (cfg, scenario, &out);
  return 0;
}

/* --- the same run through a session (--save, --csv) ------------------------------ */

/* the test split's size: every window record of the session then holds the
 * test error teach's summary measures */
static int
n_test_examples (const DdData *data)
{
  return data->parallel ? data->parallel->test.n : data->test->n;
}

/* student steps from step to the end of the window that step is in (the
 * warm-up counts as before the first window) */
static gint64
steps_to_window_end (const DdTeachConfig *cfg, gint64 step)
{
  if (step < cfg->pretrain_steps)
    return cfg->pretrain_steps - step + cfg->window;
  return cfg->window - (step - cfg->pretrain_steps) % cfg->window;
}

/* Steps branch 0 window by window until its teacher has made
 * meta_iterations updates: dd_teach_is_done, read from the window records. */
static gboolean
run_session (DdSession *session, const DdTeachConfig *cfg, gboolean json, GError **error)
{
  CliSessionRun run;
  const gint64 episode = cfg->protocol == DD_PROTOCOL_EPISODIC && cfg->episode_steps > cfg->window
                         ? cfg->episode_steps : cfg->window;
  const gint64 total = cfg->pretrain_steps + episode * cfg->meta_iterations;

  cli_session_run_init (&run, session, json, FALSE, FALSE);
  for (;;)
    {
      DdSessionSnapshot snap;

      dd_session_snapshot (session, &snap);
      if (snap.n_windows[0] > 0 &&
          dd_session_window_record (session, 0, snap.n_windows[0] - 1)->meta_iteration
            >= cfg->meta_iterations)
        return TRUE;
      if (!cli_session_run_steps (&run, steps_to_window_end (cfg, snap.step[0]), 0, total, error))
        return FALSE;
      const gint64 before = snap.step[0];
      dd_session_snapshot (session, &snap);
      if (snap.step[0] == before)   /* cannot happen: a guard against looping for ever */
        {
          g_set_error (error, DD_ERROR, DD_ERROR_CANCELLED, "the session stopped at step %"
                       G_GINT64_FORMAT, before);
          return FALSE;
        }
    }
}

/* the outcome from the session's records, and the final student's scores
 * (continual: teach's own summary; episodic: the window of the lowest dev
 * error, whose student the session does not keep) */
static void
session_outcome (DdSession *session, DdTeach *probe, const DdTeachConfig *cfg, TeachOutcome *out)
{
  DdSessionSnapshot snap;

  dd_session_snapshot (session, &snap);
  out->steps = snap.step[0];
  out->best_dev_error = INFINITY;
  for (gint64 i = 0; i < snap.n_windows[0]; i++)
    {
      const DdWindowRecord *w = dd_session_window_record (session, 0, i);
      out->teacher_updates = w->meta_iteration;
      out->accepted += w->verdict == DD_UPDATE_ACCEPTED;
      out->rejected += w->verdict == DD_UPDATE_REJECTED;
      if (w->dev_error < out->best_dev_error)
        {
          out->best_dev_error = w->dev_error;
          out->best_update = w->meta_iteration;
          out->best_step = w->step;
        }
    }
  if (cfg->protocol == DD_PROTOCOL_EPISODIC)
    return;
  g_autoptr(GPtrArray) params = dd_session_dup_student_params (session);
  DdStudent *student = dd_teach_get_student (probe);
  g_assert (dd_session_n_student_params (session) == student->P);
  memcpy (student->params, params->pdata[0], student->P * sizeof (dd_real));
  evaluate (student, cfg, out);
}

/* the run, its file and its records; probe is a DdTeach of the same
 * configuration, for the student's description and its final scores */
static int
teach_session (const TeachOptions *o, const DdTeachConfig *cfg, const DdScenario *scenario,
               DdSession *session, DdTeach *probe)
{
  g_auto(TeachOutcome) out = { 0 };
  g_autoptr(GError) error = NULL;

  double started = dd_now ();
  if (!o->json)
    {
      g_autofree char *what = dd_session_describe_scenario (session);
      print_start (probe, o, cfg, what);
    }
  if (!run_session (session, cfg, o->json, &error))
    return cli_fail ("teach", CLI_EXIT_FAILURE, "%s", error->message);
  if (o->save && !dd_session_save (session, o->save, CLI_TEACH_SESSION_TAG, &error))
    return cli_fail ("teach", CLI_EXIT_FAILURE, "--save %s: %s", o->save, error->message);
  if (o->csv && !dd_session_export (session, o->csv, &error))
    return cli_fail ("teach", CLI_EXIT_FAILURE, "--csv %s: %s", o->csv, error->message);
  out.session_file = o->save;
  out.export_dir = o->csv;
  session_outcome (session, probe, cfg, &out);
  out.seconds = dd_now () - started;

  if (o->json)
    emit_summary (cfg, scenario, &out);
  else
    print_summary (cfg, scenario, &out);
  return 0;
}

static int
teach_through_session (const TeachOptions *o, const DdTeachConfig *cfg, const DdScenario *scenario)
{
  g_autoptr(GError) error = NULL;
  DdSessionConfig scfg;
  int status;

  if (o->save && !cli_check_save_path ("teach", o->save))
    return CLI_EXIT_USAGE;
  if (o->csv && !cli_make_export_dir ("teach", o->csv, &status))
    return status;
  /* the clean data: the session applies the scenario itself, as the
   * workbench's do, and its file names the clean set */
  g_autoptr(DdData) data = teach_options_load_data ("teach", o);
  if (data == NULL)
    return CLI_EXIT_FAILURE;

  dd_session_config_init (&scfg);
  scfg.teach = *cfg;
  scfg.scenario = *scenario;
  scfg.baseline = FALSE;
  /* an episodic window's end returns the student to ω₀ before the session
   * would measure it: no test error rather than ω₀'s */
  scfg.test_subsample = cfg->protocol == DD_PROTOCOL_EPISODIC ? 0 : n_test_examples (data);
  DdSession *session = dd_session_new (&scfg, data, &error);
  if (session == NULL)
    return cli_fail ("teach", g_error_matches (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT)
                              ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE, "%s", error->message);
  DdTeach *probe = dd_teach_new (cfg, dd_session_get_run_data (session), &error);
  if (probe == NULL)
    status = cli_fail ("teach", CLI_EXIT_USAGE, "%s", error->message);
  else
    status = teach_session (o, cfg, scenario, session, probe);
  g_clear_pointer (&probe, dd_teach_free);   /* it borrows the session's data */
  dd_session_free (session);
  return status;
}

int
cli_teach (int argc, char **argv)
{
  g_auto(TeachOptions) o;
  DdTeachConfig cfg;
  DdScenario scenario;

  teach_options_init (&o);
  if (!parse_teach (&o, &cfg, &scenario, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (o.save || o.csv)
    return teach_through_session (&o, &cfg, &scenario);
  return teach_directly (&o, &cfg, &scenario);
}
