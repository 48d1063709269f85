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
  char    *student;
  char    *hidden;
  char    *teacher;
  char    *protocol;
  char    *objective;
  char    *teacher_optimizer;
  int      window;
  int      meta;
  gint64   pretrain;
  int      batch;
  double   lr;
  double   momentum;
  double   teacher_lr;
  int      teacher_hidden;
  int      dev;
  int      checkpoint_every;
  gint64   seed;
  int      threads;
  gboolean json;
  /* compare */
  int      seeds;
  gint64   budget;
} TeachOptions;

void          teach_options_init    (TeachOptions *o);
void          teach_options_clear   (TeachOptions *o);
/* the option entries bound to o; compare adds --seeds and --budget */
GOptionEntry *teach_options_entries (TeachOptions *o, gboolean compare);
/* Fills cfg from o and validates; on an error prints one line and returns FALSE. */
gboolean      teach_options_to_config (const char *command, const TeachOptions *o,
                                       DdTeachConfig *cfg);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TeachOptions, teach_options_clear)

G_END_DECLS
