/* cli.h: the subcommands of didact-cli
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exit status: 0 success, 1 the work failed (missing data, a diverged run),
 * 2 a bad command line.
 */
#pragma once

#include "didact-engine.h"

#include <glib.h>

G_BEGIN_DECLS

#define CLI_EXIT_FAILURE 1
#define CLI_EXIT_USAGE   2

int cli_train    (int argc, char **argv);
/* the de-en branch of cli_train */
int cli_train_translation (const DdTrainConfig *cfg, const char *dataset, int bpe, double minutes,
                           const char *hyp_path, int beam, gboolean best, double average,
                           gboolean json);
int cli_datasets (int argc, char **argv);
int cli_bench    (int argc, char **argv);
int cli_teach    (int argc, char **argv);
int cli_compare  (int argc, char **argv);
int cli_sweep    (int argc, char **argv);
int cli_bleu     (int argc, char **argv);
int cli_replay   (int argc, char **argv);

/* Parse argv with entries; on an error print one line and return FALSE. */
/* @first (ended by a NULL long name) then @more[0, n_more), ended; g_free it */
GOptionEntry *cli_entries_join (const GOptionEntry *first, const GOptionEntry *more, gsize n_more);

gboolean cli_parse_options (const char *command, const char *parameter_string,
                            const char *summary, const GOptionEntry *entries,
                            int *argc, char ***argv);

/* An option's text (given as a string, so that the command knows whether
 * it was given) as a number: FALSE after a one-line usage error naming the
 * option (not a number, out of the type's range, not finite). */
gboolean cli_option_int    (const char *command, const char *option, const char *text, int *value);
gboolean cli_option_int64  (const char *command, const char *option, const char *text, gint64 *value);
gboolean cli_option_double (const char *command, const char *option, const char *text, double *value);

/* Running a session headless (cli-replay.c; teach --save and replay): steps
 * are requested from the session's worker, and every branch's window
 * records are printed as they close, in order within each branch, as teach
 * prints its windows (named by branch when name_branches). */
typedef struct {
  DdSession *session;
  gboolean   json;
  gboolean   name_branches;
  gint64     printed[DD_SESSION_MAX_BRANCHES];  /* window records printed so far */
  gint64     failures;                          /* the session's, when last seen */
} CliSessionRun;

/* Nothing printed yet of the records to come; the records the session
 * already holds count as printed when the session was opened (history). */
void     cli_session_run_init (CliSessionRun *run, DdSession *session, gboolean json,
                               gboolean name_branches, gboolean history_printed);
/* n steps of every running branch; the progress bar (on a terminal, not
 * with JSON) shows branch 0's steps from done0 towards total. FALSE with
 * the divergence's message when a branch diverged (the session is paused
 * at its last good state). */
gboolean cli_session_run_steps (CliSessionRun *run, gint64 n, gint64 done0, gint64 total,
                                GError **error);
/* --save's file: FALSE after printing a usage error when it names a folder
 * or lies in a folder that does not exist */
gboolean cli_check_save_path (const char *command, const char *path);
/* the same for the file of any option that names a file to write */
gboolean cli_check_output_path (const char *command, const char *option, const char *path);
/* --csv's folder, made when missing: FALSE after printing the error, with
 * *status the exit status */
gboolean cli_make_export_dir (const char *command, const char *dir, int *status);

G_END_DECLS
