/* cli-replay.c: `didact-cli replay FILE`, and running a session headless
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A session file (the workbench's, or teach --save's) is opened and
 * described; it can then go on for a number of steps, be saved again,
 * exported, and checked: the configuration and the journal are run again
 * from the start (dd_session_replay) and every branch's weights compared
 * with the file's, bit for bit.
 */
#include "cli.h"
#include "cli-output.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* --- running a session headless ---------------------------------------------------- */

void
cli_session_run_init (CliSessionRun *run, DdSession *session, gboolean json,
                      gboolean name_branches, gboolean history_printed)
{
  DdSessionSnapshot snap;

  memset (run, 0, sizeof *run);
  run->session = session;
  run->json = json;
  run->name_branches = name_branches;
  dd_session_snapshot (session, &snap);
  run->failures = snap.failures;
  for (int b = 0; b < snap.n_branches && history_printed; b++)
    run->printed[b] = snap.n_windows[b];
}

/* the window records that closed since the last call */
static void
print_new_windows (CliSessionRun *run, const DdSessionSnapshot *snap)
{
  DdSession *s = run->session;
  g_autoptr(DdPhi) phi = NULL;

  for (int b = 0; b < snap->n_branches; b++)
    {
      g_autofree char *name = run->name_branches ? cli_branch_name (s, b, FALSE) : NULL;

      for (gint64 i = run->printed[b]; i < snap->n_windows[b]; i++)
        {
          CliWindow w;

          if (phi == NULL)
            phi = dd_phi_new (dd_session_phi_shape (s), dd_session_n_classes (s));
          cli_window_from_record (&w, s, snap, b, i, phi);
          w.branch = name;
          if (run->json)
            cli_window_emit (&w);
          else
            cli_window_print (&w);
        }
      run->printed[b] = MAX (run->printed[b], snap->n_windows[b]);
    }
}

/* dd_session_wait_idle on a thread of its own, so that the caller can print
 * records and draw progress meanwhile */
typedef struct {
  DdSession *session;
  GMutex     lock;
  GCond      cond;
  gboolean   idle;
} IdleWatch;

static gpointer
watch_idle (gpointer data)
{
  IdleWatch *w = data;

  dd_session_wait_idle (w->session);
  g_mutex_lock (&w->lock);
  w->idle = TRUE;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->lock);
  return NULL;
}

/* the steps requested of the worker at a time (its count of requests is an int) */
#define STEP_REQUESTS_AT_ONCE (1 << 20)

/* k steps requested, then the records printed and the progress drawn until
 * the worker has taken them all (or stopped at a divergence) */
static void
run_requests (CliSessionRun *run, CliProgress *progress, gint64 k, gint64 done0, gint64 total,
              DdSessionSnapshot *snap)
{
  DdSession *s = run->session;
  IdleWatch watch = { .session = s };
  gboolean idle = FALSE;

  for (gint64 i = 0; i < k; i++)
    dd_session_step (s);
  g_mutex_init (&watch.lock);
  g_cond_init (&watch.cond);
  GThread *thread = g_thread_new ("didact-cli-wait", watch_idle, &watch);
  while (!idle)
    {
      g_mutex_lock (&watch.lock);
      const gint64 until = g_get_monotonic_time () + G_TIME_SPAN_SECOND / 10;
      while (!watch.idle && g_cond_wait_until (&watch.cond, &watch.lock, until))
        ;
      idle = watch.idle;
      g_mutex_unlock (&watch.lock);

      dd_session_snapshot (s, snap);
      gboolean fresh = FALSE;
      for (int b = 0; b < snap->n_branches; b++)
        fresh = fresh || snap->n_windows[b] > run->printed[b];
      if (fresh)
        {
          cli_progress_clear (progress);
          print_new_windows (run, snap);
        }
      if (progress->enabled && !idle)
        {
          g_autofree char *label = g_strdup_printf ("step %" G_GINT64_FORMAT, snap->step[0]);
          cli_progress_update (progress, snap->step[0] - done0, total - done0, label, fresh);
        }
    }
  g_thread_join (thread);
  g_mutex_clear (&watch.lock);
  g_cond_clear (&watch.cond);
}

gboolean
cli_session_run_steps (CliSessionRun *run, gint64 n, gint64 done0, gint64 total, GError **error)
{
  DdSession *s = run->session;
  DdSessionSnapshot snap;
  CliProgress progress;

  cli_progress_init (&progress, !run->json);
  dd_session_snapshot (s, &snap);
  for (gint64 left = n; left > 0 && snap.failures == run->failures; )
    {
      const gint64 k = MIN (left, STEP_REQUESTS_AT_ONCE);
      run_requests (run, &progress, k, done0, total, &snap);
      left -= k;
    }
  cli_progress_clear (&progress);

  if (snap.failures > run->failures)
    {
      g_autofree char *message = dd_session_dup_error (s);
      run->failures = snap.failures;
      g_set_error (error, DD_ERROR, DD_ERROR_DIVERGED, "%s",
                   message ? message : "a branch diverged");
      return FALSE;
    }
  if (snap.state == DD_SESSION_STOPPED)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_CANCELLED, "the session has stopped");
      return FALSE;
    }
  return TRUE;
}

gboolean
cli_check_output_path (const char *command, const char *option, const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (*path == '\0')
    {
      cli_fail (command, CLI_EXIT_USAGE, "--%s: the file name is empty", option);
      return FALSE;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      cli_fail (command, CLI_EXIT_USAGE, "--%s %s: is a folder; name a file in it", option, path);
      return FALSE;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      cli_fail (command, CLI_EXIT_USAGE, "--%s %s: the folder %s does not exist", option, path, dir);
      return FALSE;
    }
  return TRUE;
}

gboolean
cli_check_save_path (const char *command, const char *path)
{
  return cli_check_output_path (command, "save", path);
}

gboolean
cli_make_export_dir (const char *command, const char *dir, int *status)
{
  if (*dir == '\0')
    {
      *status = cli_fail (command, CLI_EXIT_USAGE, "--csv: the folder name is empty");
      return FALSE;
    }
  if (g_file_test (dir, G_FILE_TEST_EXISTS) && !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      *status = cli_fail (command, CLI_EXIT_USAGE, "--csv %s: is a file, not a folder", dir);
      return FALSE;
    }
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      *status = cli_fail (command, CLI_EXIT_FAILURE, "--csv %s: cannot make the folder: %s",
                          dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* --- describing a session ---------------------------------------------------------- */

static const char summary[] =
  "Open a session file (saved by the workbench or by didact-cli teach --save)\n"
  "and describe it: its data, configuration, journal and every branch's last\n"
  "window. Then, as asked: go on for --steps more student steps (every running\n"
  "branch, as the workbench's Step would, printing each window as teach does),\n"
  "save it again, export its records, or --check that running its configuration\n"
  "and journal again from the start gives every branch's weights bit for bit.\n"
  "The session loads its data set by name (see didact-cli datasets).";

typedef struct {
  const char        *path;
  DdSessionFileInfo  info;
  DdSession         *session;
} Replay;

static void
replay_clear (Replay *r)
{
  g_clear_pointer (&r->session, dd_session_free);
  dd_session_file_info_clear (&r->info);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Replay, replay_clear)

/* the engine's message, naming the file when it does not already */
static int
fail_file (const char *path, const GError *error)
{
  if (strstr (error->message, path) != NULL)
    return cli_fail ("replay", CLI_EXIT_FAILURE, "%s", error->message);
  return cli_fail ("replay", CLI_EXIT_FAILURE, "%s: %s", path, error->message);
}

static double
window_test_error (DdSession *s, const DdWindowRecord *w)
{
  CliWindow cw = { .test_error = w->test_error };

  cli_window_hide_misleading (&cw, s);
  return cw.test_error;
}

/* {"event": event, the file, the configuration, every branch} */
static void
emit_description (Replay *r, const char *event)
{
  DdSession *s = r->session;
  const DdSessionConfig *cfg = dd_session_get_config (s);
  DdSessionSnapshot snap;
  JsonBuilder *b = cli_json_begin (event);

  dd_session_snapshot (s, &snap);
  cli_json_string (b, "file", r->path);
  cli_json_int (b, "version", r->info.version);
  cli_json_string (b, "dataset", r->info.dataset);
  cli_json_string (b, "tag", r->info.tag);
  cli_json_string (b, "engine", r->info.engine);
  cli_json_int (b, "saved", r->info.saved);
  cli_json_string (b, "teacher", dd_teacher_kind_name (cfg->teach.teacher));
  cli_json_string (b, "protocol", dd_protocol_name (cfg->teach.protocol));
  cli_json_int (b, "window", cfg->teach.window);
  cli_json_int (b, "meta_iterations", cfg->teach.meta_iterations);
  cli_json_int (b, "pretrain", cfg->teach.pretrain_steps);
  cli_json_int (b, "seed", (gint64) cfg->teach.student.seed);
  json_builder_set_member_name (b, "baseline");
  json_builder_add_boolean_value (b, cfg->baseline);
  g_autofree char *scenario = dd_scenario_name (&cfg->scenario);
  cli_json_string (b, "scenario", scenario);
  cli_json_int (b, "journal_entries", snap.n_journal);
  cli_json_int (b, "failures", snap.failures);
  json_builder_set_member_name (b, "branches");
  json_builder_begin_array (b);
  for (int br = 0; br < snap.n_branches; br++)
    {
      g_autofree char *name = cli_branch_name (s, br, TRUE);
      int parent;
      gint64 fork_step;

      dd_session_branch_origin (s, br, &parent, &fork_step);
      json_builder_begin_object (b);
      cli_json_int (b, "branch", br);
      cli_json_string (b, "name", name);
      cli_json_int (b, "parent", parent);
      cli_json_int (b, "fork_step", fork_step);
      cli_json_int (b, "steps", snap.step[br]);
      cli_json_int (b, "step_records", snap.n_steps[br]);
      cli_json_int (b, "phi_records", snap.n_phi[br]);
      cli_json_int (b, "windows", snap.n_windows[br]);
      if (snap.n_windows[br] > 0)
        {
          const DdWindowRecord *w = dd_session_window_record (s, br, snap.n_windows[br] - 1);
          cli_json_int (b, "meta_iteration", w->meta_iteration);
          cli_json_int (b, "last_window_step", w->step);
          cli_json_double_or_null (b, "dev_error", w->dev_error);
          cli_json_double_or_null (b, "test_error", window_test_error (s, w));
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  cli_json_emit (b);
}

static void
print_branches (DdSession *s)
{
  DdSessionSnapshot snap;

  dd_session_snapshot (s, &snap);
  for (int br = 0; br < snap.n_branches; br++)
    {
      g_autofree char *name = cli_branch_name (s, br, TRUE);

      printf ("  %s: step %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " window%s",
              name, snap.step[br], snap.n_windows[br], snap.n_windows[br] == 1 ? "" : "s");
      if (snap.n_windows[br] > 0)
        {
          const DdWindowRecord *w = dd_session_window_record (s, br, snap.n_windows[br] - 1);
          printf ("; the last (update %" G_GINT64_FORMAT ", step %" G_GINT64_FORMAT
                  "): dev error %.2f %%", w->meta_iteration, w->step, 100.0 * w->dev_error);
          if (isfinite (window_test_error (s, w)))
            printf (", test error %.2f %%", 100.0 * window_test_error (s, w));
        }
      putchar ('\n');
    }
}

static void
print_description (Replay *r)
{
  DdSession *s = r->session;
  const DdSessionConfig *cfg = dd_session_get_config (s);
  DdSessionSnapshot snap;
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (r->info.saved);
  g_autofree char *saved = when ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("?");
  g_autofree char *scenario = dd_session_describe_scenario (s);

  dd_session_snapshot (s, &snap);
  printf ("%s: a session on %s, saved %s%s%s by Didact %s; %s teacher, %s protocol, T = %d, ",
          r->path, r->info.dataset, saved, r->info.tag ? " from " : "",
          r->info.tag ? r->info.tag : "", r->info.engine ? r->info.engine : "?",
          dd_teacher_kind_name (cfg->teach.teacher), dd_protocol_name (cfg->teach.protocol),
          cfg->teach.window);
  if (cfg->teach.meta_iterations > 0)
    printf ("a run of %d teacher updates, ", cfg->teach.meta_iterations);
  printf ("warm-up %" G_GINT64_FORMAT ", seed %" G_GUINT64_FORMAT "; %d branch%s, %"
          G_GINT64_FORMAT " journal entr%s",
          cfg->teach.pretrain_steps, cfg->teach.student.seed, snap.n_branches,
          snap.n_branches == 1 ? "" : "es", snap.n_journal, snap.n_journal == 1 ? "y" : "ies");
  if (snap.failures > 0)
    printf (", %" G_GINT64_FORMAT " divergence%s", snap.failures, snap.failures == 1 ? "" : "s");
  printf (".\n");
  if (scenario)
    printf ("Scenario: %s\n", scenario);
  print_branches (s);
}

/* --- checking -------------------------------------------------------------------- */

/* Runs the configuration and the journal again from the start, to every
 * branch's step, and compares the weights with the session's. *branch is
 * the first that differs (−1: none) and *index its first differing weight. */
static gboolean
check_replay (DdSession *s, int threads, int *branch, gsize *index, GError **error)
{
  DdSessionConfig cfg = *dd_session_get_config (s);
  DdSessionSnapshot snap;

  *branch = -1;
  *index = 0;
  dd_session_wait_idle (s);
  dd_session_snapshot (s, &snap);
  if (threads > 0)
    cfg.teach.student.threads = threads;
  g_autofree DdEdit *journal = g_new0 (DdEdit, MAX (snap.n_journal, 1));
  for (gint64 i = 0; i < snap.n_journal; i++)
    journal[i] = *dd_session_journal_entry (s, i);
  g_autoptr(GPtrArray) again = dd_session_replay (&cfg, dd_session_get_data (s), journal,
                                                  snap.n_journal, snap.step, snap.n_branches,
                                                  error);
  if (again == NULL)
    return FALSE;
  g_autoptr(GPtrArray) now = dd_session_dup_student_params (s);
  const gsize P = dd_session_n_student_params (s);
  for (guint b = 0; b < now->len; b++)
    {
      const dd_real *x = now->pdata[b];
      const dd_real *y = b < again->len ? again->pdata[b] : NULL;
      if (y != NULL && memcmp (x, y, P * sizeof (dd_real)) == 0)
        continue;
      *branch = (int) b;
      for (gsize i = 0; y != NULL && i < P; i++)
        if (memcmp (&x[i], &y[i], sizeof (dd_real)) != 0)
          {
            *index = i;
            break;
          }
      break;
    }
  return TRUE;
}

/* --- the command ------------------------------------------------------------------ */

int
cli_replay (int argc, char **argv)
{
  gint64 steps = 0;
  gboolean json = FALSE, check = FALSE;
  g_autofree char *save_path = NULL, *csv_dir = NULL;
  int threads = 0, status;
  g_auto(GStrv) files = NULL;
  const GOptionEntry entries[] = {
    { "steps", 0, 0, G_OPTION_ARG_INT64, &steps, "Go on N student steps (every running branch), printing each window as teach does (default 0)", "N" },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &save_path, "Then save the session to FILE (its tag kept)", "FILE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_dir, "Then export every branch's records into DIR, made if missing: curves.csv, phi-B.npy, phi-steps-B.npy, windows-B.jsonl", "DIR" },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check, "Then run the configuration and the journal again from the start to every branch's step and compare the weights bit for bit (exit status 1 when they differ)", NULL },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads of --check's run from the start (default: the session's own, which its steps always use)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object per line: \"session\" first, then \"window\" records, \"summary\" after --steps, \"check\"", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = NULL;   /* declared first, so freed last: the session borrows it */
  g_auto(Replay) r = { 0 };

  if (!cli_parse_options ("replay", "FILE", summary, entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (files == NULL || g_strv_length (files) != 1)
    return cli_fail ("replay", CLI_EXIT_USAGE, "expected one session file, got %u (see --help)",
                     files ? g_strv_length (files) : 0);
  if (steps < 0)
    return cli_fail ("replay", CLI_EXIT_USAGE, "--steps %" G_GINT64_FORMAT ": must not be negative",
                     steps);
  if (threads < 0)
    return cli_fail ("replay", CLI_EXIT_USAGE, "--threads %d: must be positive", threads);
  if (save_path && !cli_check_save_path ("replay", save_path))
    return CLI_EXIT_USAGE;
  if (csv_dir && !cli_make_export_dir ("replay", csv_dir, &status))
    return status;

  r.path = files[0];
  if (!dd_session_file_peek (r.path, &r.info, &error))
    return fail_file (r.path, error);
  data = dd_data_load (r.info.dataset, &error);
  if (data == NULL)
    return cli_fail ("replay", CLI_EXIT_FAILURE, "%s: %s", r.path, error->message);
  r.session = dd_session_open (r.path, data, &error);
  if (r.session == NULL)
    return fail_file (r.path, error);

  if (json)
    emit_description (&r, "session");
  else
    print_description (&r);

  if (steps > 0)
    {
      CliSessionRun run;
      DdSessionSnapshot snap;

      dd_session_snapshot (r.session, &snap);
      cli_session_run_init (&run, r.session, json, TRUE, TRUE);
      if (!json)
        printf ("\n");
      if (!cli_session_run_steps (&run, steps, snap.step[0], snap.step[0] + steps, &error))
        return cli_fail ("replay", CLI_EXIT_FAILURE, "%s", error->message);
      if (json)
        emit_description (&r, "summary");
      else
        {
          printf ("\nAfter %" G_GINT64_FORMAT " more step%s:\n", steps, steps == 1 ? "" : "s");
          print_branches (r.session);
        }
    }

  if (save_path)
    {
      if (!dd_session_save (r.session, save_path, r.info.tag, &error))
        return cli_fail ("replay", CLI_EXIT_FAILURE, "--save %s: %s", save_path, error->message);
      if (!json)
        printf ("Saved the session to %s.\n", save_path);
    }
  if (csv_dir)
    {
      if (!dd_session_export (r.session, csv_dir, &error))
        return cli_fail ("replay", CLI_EXIT_FAILURE, "--csv %s: %s", csv_dir, error->message);
      if (!json)
        printf ("Exported the records to %s (curves.csv, phi-B.npy, phi-steps-B.npy, "
                "windows-B.jsonl).\n", csv_dir);
    }

  if (check)
    {
      int branch;
      gsize index;
      DdSessionSnapshot snap;

      if (!check_replay (r.session, threads, &branch, &index, &error))
        return cli_fail ("replay", CLI_EXIT_FAILURE, "--check: %s", error->message);
      dd_session_snapshot (r.session, &snap);
      if (json)
        {
          JsonBuilder *b = cli_json_begin ("check");
          json_builder_set_member_name (b, "identical");
          json_builder_add_boolean_value (b, branch < 0);
          cli_json_int (b, "branches", snap.n_branches);
          cli_json_int (b, "journal_entries", snap.n_journal);
          if (branch >= 0)
            {
              cli_json_int (b, "branch", branch);
              cli_json_int (b, "index", (gint64) index);
            }
          cli_json_emit (b);
        }
      else if (branch < 0)
        printf ("identical: run again from the start, the configuration and its %" G_GINT64_FORMAT
                " journal entr%s give every branch's weights (%d branch%s) bit for bit\n",
                snap.n_journal, snap.n_journal == 1 ? "y" : "ies", snap.n_branches,
                snap.n_branches == 1 ? "" : "es");
      if (branch >= 0)
        {
          g_autofree char *name = cli_branch_name (r.session, branch, TRUE);
          return cli_fail ("replay", CLI_EXIT_FAILURE,
                           "%s: branch %d (%s) differs from its run from the start: at step %"
                           G_GINT64_FORMAT ", weight %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                           " is the first that is not the same",
                           r.path, branch, name, snap.step[branch], index,
                           dd_session_n_student_params (r.session));
        }
    }
  return 0;
}
