/* dd-scenario.h: training-data scenarios where the choice of loss matters
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A scenario changes the TRAINING split of an image set only; dev and test
 * stay clean and balanced, so that what a teacher looks at and what is
 * reported measure the true task:
 *
 *   symmetric:F      each training label, with probability F, is replaced by a
 *                    class drawn uniformly from the C − 1 other classes;
 *   pair-flip:F      each training label y, with probability F, becomes
 *                    (y + 1) mod C;
 *   long-tail:F[:N]  the last N classes (default 5) keep a fraction F of their
 *                    training examples, max(1, round(F·n_c)) of them, chosen at
 *                    random and kept in their original order; the others keep
 *                    all of theirs.
 *
 * The scenario is drawn from its own random stream, seeded from the run's seed
 * mixed with a constant, so a caller comparing several seeds derives one
 * modified training split per seed from the same clean data, and the noise
 * never shares a stream with the student's initialisation or minibatches.
 */
#pragma once

#include "dd-types.h"

G_BEGIN_DECLS

typedef enum {
  DD_SCENARIO_NONE,
  DD_SCENARIO_SYMMETRIC,
  DD_SCENARIO_PAIR_FLIP,
  DD_SCENARIO_LONG_TAIL,
} DdScenarioKind;

#define DD_SCENARIO_DEFAULT_RARE 5

/* the valid forms, as error messages and help texts give them */
#define DD_SCENARIO_SYNTAX \
  "none, symmetric:F or pair-flip:F (label noise, F in [0, 1)), " \
  "long-tail:F[:N] (the last N classes, default 5, keep a fraction F in (0, 1])"

/* A zero-filled DdScenario is "none". */
typedef struct {
  DdScenarioKind kind;
  double         fraction; /* noise: probability of a changed label, [0, 1);
                              long-tail: fraction of a rare class kept, (0, 1] */
  int            n_rare;   /* long-tail: the last n_rare classes are rare */
} DdScenario;

/* what dd_data_with_scenario did to the training split */
typedef struct {
  int n_clean;    /* training examples before */
  int n_kept;     /* training examples after (fewer only for long-tail) */
  int n_changed;  /* training labels changed (label noise) */
} DdScenarioStats;

typedef struct {
  const char *form;         /* "pair-flip:F" */
  const char *explanation;  /* one line */
} DdScenarioForm;

/* "none", "symmetric:0.4", "pair-flip:0.4", "long-tail:0.05", "long-tail:0.05:3".
 * On a bad spec, FALSE and DD_ERROR_INVALID_ARGUMENT naming the bad part and
 * the valid forms; out is left untouched. */
gboolean    dd_scenario_parse    (const char        *spec,
                                  DdScenario        *out,
                                  GError           **error);
/* the spec back, in the form dd_scenario_parse reads ("pair-flip:0.4") */
char       *dd_scenario_name     (const DdScenario  *sc);
/* "40 % pair-flip label noise on the training split"; with stats (may be
 * NULL) followed by what was done, e.g. ": 431 of 1077 labels changed" */
char       *dd_scenario_describe (const DdScenario      *sc,
                                  const DdScenarioStats *stats);
/* every form with a one-line explanation; the last entry's form is NULL */
const DdScenarioForm *dd_scenario_forms (void);

/* Whether sc applies to clean: not to sentence data (de-en has no image train
 * split), and a long tail needs fewer rare classes than the set has. On FALSE,
 * DD_ERROR_INVALID_ARGUMENT saying why. dd_data_with_scenario checks the same. */
gboolean    dd_scenario_check    (const DdScenario  *sc,
                                  const DdData      *clean,
                                  GError           **error);

/* A new DdData (free with dd_data_free) whose train split is a modified deep
 * copy of clean's and whose dev and test splits are deep copies of clean's;
 * clean is not touched. The same seed gives the same split. stats may be NULL.
 * Refused (DD_ERROR_INVALID_ARGUMENT) for sentence data (de-en: no image
 * train split) and for a long tail of as many rare classes as the set has. */
DdData     *dd_data_with_scenario (const DdData      *clean,
                                   const DdScenario  *sc,
                                   guint64            seed,
                                   DdScenarioStats   *stats,
                                   GError           **error);

G_END_DECLS
