/* cli-train.h: the stepping of `didact-cli train`, which images and de-en
 * share
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "didact-engine.h"

G_BEGIN_DECLS

typedef struct _CliTraining CliTraining;

struct _CliTraining {
  DdRun    *run;
  gboolean  json;
  double    minutes;   /* > 0: stop after this much wall time */
  DdEval   *dev;       /* the student on the dev split at each epoch's end */
  /* called at each epoch's end, after the dev evaluation, with the mean
   * training loss since the last */
  void    (*epoch) (CliTraining *t, gint64 step, double epoch, double train_loss);
  gpointer  data;      /* the caller's, for epoch */
  /* set by cli_training_run */
  double    started;   /* dd_now () at the start */
  double    seconds;   /* the training's wall time, evaluations included */
};

/* Steps t->run to its last step, or to the end of its time, with a
 * progress bar on a terminal and t->dev evaluated at each epoch's end;
 * returns 0, or CLI_EXIT_FAILURE after a failed step's message. */
int cli_training_run (CliTraining *t);

G_END_DECLS
