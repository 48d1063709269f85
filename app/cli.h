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
int cli_train_translation (const DdTrainConfig *cfg, const char *dataset, double minutes,
                           const char *hyp_path, int beam, gboolean json);
int cli_datasets (int argc, char **argv);
int cli_bench    (int argc, char **argv);
int cli_teach    (int argc, char **argv);
int cli_compare  (int argc, char **argv);
int cli_bleu     (int argc, char **argv);

/* Parse argv with entries; on an error print one line and return FALSE. */
gboolean cli_parse_options (const char *command, const char *parameter_string,
                            const char *summary, const GOptionEntry *entries,
                            int *argc, char ***argv);

G_END_DECLS
