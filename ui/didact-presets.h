/* didact-presets.h: the workbench's presets
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "didact-engine.h"

G_BEGIN_DECLS

typedef struct {
  const char *id;          /* settings value, e.g. "fashion-mnist-mlp" */
  const char *title;       /* translatable, e.g. "Fashion-MNIST · MLP" */
  const char *dataset;     /* registry name */
  gboolean    available;   /* FALSE for presets not runnable yet */
  const char *explanation; /* translatable, one line: what it shows */
  const char *scenario;    /* training-split scenario (dd_scenario_parse), or NULL */
} DidactPreset;

const DidactPreset *didact_presets            (guint *n);
const DidactPreset *didact_preset_lookup      (const char *id);
/* the session configuration of a preset (threads from the settings) */
void                didact_preset_session_config (const DidactPreset *preset, int threads,
                                                  DdSessionConfig *cfg);

G_END_DECLS
