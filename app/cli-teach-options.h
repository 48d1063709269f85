/* cli-teach-options.h: the options `teach` and `compare` share
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "didact-engine.h"
#include "dd-teach.h"

G_BEGIN_DECLS

typedef struct {
  char    *dataset;
  int      bpe;          /* de-en: subword merges, 0 for words */
  char    *student;
  char    *hidden;
  char    *embedding;
  char    *teacher;
  char    *protocol;
  char    *objective;
  char    *teacher_optimizer;
  char    *scenario;
  char    *start;
  char    *teacher_step;
  char    *schedule;
  double   epsilon;
  double   trust_radius;
  int      holdout;
  int      anchor_every;
  gboolean no_shadow;
  int      shadow_patience;
  double   accept_tolerance;
  gint64   episode_steps;
  int      window;
  int      meta;
  gint64   pretrain;
  int      batch;
  double   lr;
  double   momentum;
  double   dropout;
  double   word_dropout;
  gboolean tie_embeddings;
  gboolean bidirectional;
  gboolean input_feed;
  double   teacher_lr;
  int      teacher_hidden;
  int      dev;
  int      checkpoint_every;
  gint64   seed;
  int      threads;
  gboolean json;
  /* teach: through a session, saved to a file and exported to a folder */
  char    *save;
  char    *csv;
  /* compare */
  int      seeds;
  gint64   budget;
} TeachOptions;

void          teach_options_init    (TeachOptions *o);
void          teach_options_clear   (TeachOptions *o);
/* the option entries bound to o; compare adds --seeds and --budget, teach
 * --save and --csv */
GOptionEntry *teach_options_entries (TeachOptions *o, gboolean compare);
/* Fills cfg and scenario from o and validates; on an error prints one line
 * and returns FALSE. */
gboolean      teach_options_to_config (const char *command, const TeachOptions *o,
                                       DdTeachConfig *cfg, DdScenario *scenario);
/* --dataset, or the default one */
const char   *teach_options_dataset (const TeachOptions *o);
/* loads teach_options_dataset (o); on an error prints one line and returns
 * NULL (exit status CLI_EXIT_FAILURE) */
DdData       *teach_options_load_data (const char *command, const TeachOptions *o);

/* the tag of the session files teach --save writes (DdSessionFileInfo.tag) */
#define CLI_TEACH_SESSION_TAG "didact-cli teach"

/* compare's defaults: seeds, and student steps after the warm-up */
#define CLI_COMPARE_SEEDS  5
#define CLI_COMPARE_BUDGET 5000

/* the --scenario option's help, for train, teach and compare */
#define CLI_SCENARIO_HELP \
  "Change the training split only (dev and test stay clean): " DD_SCENARIO_SYNTAX

/* clean's copy under the scenario (dd_data_with_scenario; train uses it too);
 * on an error prints one line, sets *status to the exit status and returns NULL */
DdData       *cli_scenario_data     (const char *command, const DdData *clean,
                                     const DdScenario *scenario, guint64 seed,
                                     DdScenarioStats *stats, int *status);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TeachOptions, teach_options_clear)

G_END_DECLS
