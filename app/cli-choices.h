/* cli-choices.h: the valid values of each option that takes a name
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One table per option, built from the engine's own names (dd_*_name over
 * the enum's values) and defaults (dd_teach_config_init for teach and
 * compare, dd_train_config_init for train), so that an option's --help text
 * and its "unknown; choose …" message always list the same names.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CLI_OPTION_DATASET,
  CLI_OPTION_STUDENT,
  CLI_OPTION_TEACHER,
  CLI_OPTION_PROTOCOL,
  CLI_OPTION_OBJECTIVE,
  CLI_OPTION_TEACHER_OPTIMIZER,
  CLI_OPTION_START,
  CLI_OPTION_TEACHER_STEP,
  CLI_OPTION_SCHEDULE,
  CLI_OPTION_ARMS,
  /* train's own: the student's defaults are dd_train_config_init's */
  CLI_OPTION_TRAIN_STUDENT,
  CLI_OPTION_TRAIN_SCHEDULE,
  CLI_OPTION_LOSS,
  CLI_OPTION_OPTIMIZER,
  CLI_N_OPTIONS
} CliOption;

/* the dataset that train, teach and compare load without --dataset */
#define CLI_DEFAULT_DATASET "fashion-mnist"

/* --teacher-optimizer momentum: SGD with this momentum ρ */
#define CLI_TEACHER_MOMENTUM 0.9

/* the values of --schedule: DdTrainConfig.cosine */
enum {
  CLI_SCHEDULE_CONSTANT = FALSE,
  CLI_SCHEDULE_COSINE = TRUE,
};

/* --teacher-optimizer takes the engine's DdOptimKind names and this preset:
 * SGD with momentum ρ = CLI_TEACHER_MOMENTUM */
#define CLI_OPTIMIZER_SGD_MOMENTUM (-1)

/* The option's --help text: "a (default), b or c", with the option's own
 * words around the list. Valid as long as the program runs. */
const char *cli_choices_help    (CliOption option);
/* Prints `--option “text”: unknown; choose a, b or c` for command and
 * returns FALSE. */
gboolean    cli_choices_unknown (const char *command, CliOption option, const char *text);
/* text's value in the option's table, or FALSE after cli_choices_unknown */
gboolean    cli_choices_parse   (const char *command, CliOption option, const char *text,
                                 int *value);

G_END_DECLS
