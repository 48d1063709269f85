/* didact-presets.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every preset runs the continual protocol with a gated teacher beside a
 * cross-entropy baseline arm of the same seed: the teacher's effect is the
 * gap between two curves. Windows are short enough that the coefficients
 * visibly move within a minute. The teacher moves by the engine's trust
 * step (r₀ = 0.1), tried on a replay of the window and kept only when
 * held-out dev examples agree. The scenario presets change only the
 * training split (dev and test stay clean), where the choice of loss
 * visibly matters.
 */
/* also compiled into the headless preset benchmark, which sets its own */
#ifndef G_LOG_DOMAIN
#define G_LOG_DOMAIN "Didact-UI"
#endif

#include "didact-presets.h"

#include <glib/gi18n.h>

/* the translation student's SGD rate (momentum 0.9) */
#define DIDACT_TEXT_LR 0.1
#include <string.h>

/* the teacher's trust radius r₀ (‖Δθ‖ of the first tried step) */
#define DIDACT_TRUST_RADIUS 0.1

static const DidactPreset presets[] = {
  { "fashion-mnist-mlp", N_("Fashion-MNIST · MLP"), "fashion-mnist", TRUE,
    N_("Clothing images, ten classes; the taught student beside a cross-entropy baseline"), NULL },
  { "mnist-lenet", N_("MNIST · LeNet"), "mnist", TRUE,
    N_("Handwritten digits with a small convolutional student"), NULL },
  { "digits-tiny-mlp", N_("8×8 digits · tiny MLP"), "digits", TRUE,
    N_("Bundled 8×8 digits: trains in seconds"), NULL },
  { "translation-de-en", N_("Translation German→English"), "de-en", TRUE,
    N_("A GRU translator taught over eight word-frequency buckets"), NULL },
  { "noisy-labels-fashion-mnist", N_("Noisy labels · Fashion-MNIST"), "fashion-mnist", TRUE,
    /* xgettext:no-c-format */
    N_("40 % of training labels flipped to the next class; dev and test clean"), "pair-flip:0.4" },
  { "long-tail-fashion-mnist", N_("Long tail · Fashion-MNIST"), "fashion-mnist", TRUE,
    /* xgettext:no-c-format */
    N_("The last five classes keep 5 % of their training images; dev and test balanced"),
    "long-tail:0.05" },
};

const DidactPreset *
didact_presets (guint *n)
{
  *n = G_N_ELEMENTS (presets);
  return presets;
}

const DidactPreset *
didact_preset_lookup (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_strcmp0 (presets[i].id, id) == 0)
      return &presets[i];
  return NULL;
}

void
didact_preset_session_config (const DidactPreset *preset, int threads, DdSessionConfig *cfg)
{
  DdTeachConfig *t = &cfg->teach;

  dd_session_config_init (cfg);
  t->student.threads = MAX (threads, 1);
  t->student.seed = 1;
  t->teacher = DD_TEACHER_GATED;
  t->protocol = DD_PROTOCOL_CONTINUAL;
  t->meta_iterations = 0;
  t->objective = DD_OBJECTIVE_SMOOTH_ERROR;
  /* the trust step reads the teacher rate as its radius; teacher_lr and the
   * optimiser matter only if the step is switched to plain */
  t->teacher_step = DD_TEACHER_STEP_TRUST;
  t->trust_radius = DIDACT_TRUST_RADIUS;
  t->teacher_optimizer = DD_OPTIM_ADAM;
  t->teacher_lr = 0.01;
  t->student.momentum = 0.9;
  if (preset->scenario != NULL && !dd_scenario_parse (preset->scenario, &cfg->scenario, NULL))
    g_critical ("preset %s: bad scenario %s", preset->id, preset->scenario);

  if (strcmp (preset->id, "mnist-lenet") == 0)
    {
      t->student.net = dd_net_spec_default (DD_STUDENT_LENET);
      t->student.batch = 20;
      t->student.lr = 0.01;
      t->window = 100;
      t->pretrain_steps = 100;
      t->dev_subsample = 1000;
      t->horizon = 20000;
      cfg->test_subsample = 1000;
    }
  else if (strcmp (preset->id, "translation-de-en") == 0)
    {
      /* a GRU encoder-decoder on the Ding sentence pairs, taught over 8
       * frequency buckets; the dev objective is the token cross-entropy, and
       * every window's end decodes the first dev sentences for the samples
       * view and the BLEU curve (in the engine's thread). Tied embeddings:
       * a third more steps in the same time (docs/results.md) */
      t->student.net = dd_net_spec_default (DD_STUDENT_SEQ2SEQ);
      t->student.net.tie_embeddings = TRUE;
      t->student.batch = 32;
      t->student.lr = DIDACT_TEXT_LR;
      t->student.momentum = 0.9;
      t->objective = DD_OBJECTIVE_DEV_CE;
      t->window = 50;
      t->pretrain_steps = 50;
      t->dev_subsample = 200;
      t->horizon = 20000;
      cfg->test_subsample = 200;
      cfg->bleu_subsample = 200;
      cfg->n_samples = 6;
    }
  else if (strcmp (preset->id, "digits-tiny-mlp") == 0)
    {
      t->student.net = dd_net_spec_default (DD_STUDENT_MLP);
      t->student.net.hidden[0] = 32;
      t->student.batch = 10;
      t->student.lr = 0.02;
      t->window = 20;
      t->pretrain_steps = 20;
      t->dev_subsample = 360;
      t->horizon = 5000;
      cfg->test_subsample = 360;
    }
  else
    {
      t->student.net = dd_net_spec_default (DD_STUDENT_MLP);
      t->student.batch = 20;
      t->student.lr = 0.01;
      t->window = 100;
      t->pretrain_steps = 100;
      t->dev_subsample = 2000;
      t->horizon = 50000;
      cfg->test_subsample = 2000;
    }
}
