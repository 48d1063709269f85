/* fuzz-settings.c: option values that come from files and the command line
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: byte 0 picks the parser, the rest is the text (up to its first NUL):
 *   0  dd_scenario_parse — a preset's or the command line's scenario; what it
 *      accepts must name itself back in a form it accepts again, the same
 *      scenario, and apply to a small labelled set (10 classes, 60 examples)
 *      as dd-scenario.h says;
 *   1  dd_net_spec_parse_hidden (--hidden);
 *   2  dd_compare_arms_parse (--arms);
 *   3  the one-word choices: student, loss, optimiser, schedule, Φ form,
 *      objective, protocol, teacher step, teacher kind.
 * The workbench's GSettings keys reach no engine parser (docs/fuzzing.md).
 */
#include "fuzz-common.h"
#include "didact-engine.h"

#include <math.h>
#include <string.h>

#define N_EXAMPLES 60
#define N_CLASSES  10

static DdData *clean;

static DdDataset *
small_set (const char *name)
{
  static const char *const names[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL };
  DdDataset *ds = g_new0 (DdDataset, 1);

  ds->name = g_strdup (name);
  ds->n = N_EXAMPLES;
  ds->rows = ds->cols = 2;
  ds->d = 4;
  ds->n_classes = N_CLASSES;
  ds->pixels = g_new0 (guint8, N_EXAMPLES * 4);
  ds->labels = g_new (guint8, N_EXAMPLES);
  for (int i = 0; i < N_EXAMPLES; i++)
    {
      ds->labels[i] = (guint8) (i % N_CLASSES);
      ds->pixels[4 * i] = (guint8) i;
    }
  ds->scale = 1.0f / 255;
  ds->class_names = names;
  return ds;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_fatal_criticals ();
  clean = g_new0 (DdData, 1);
  clean->name = g_strdup ("small");
  clean->train = small_set ("small/train");
  clean->dev = small_set ("small/dev");
  clean->test = small_set ("small/test");
  return 0;
}

static void
fuzz_scenario (const char *text)
{
  g_autoptr(GError) error = NULL;
  DdScenario sc = { DD_SCENARIO_PAIR_FLIP, 0.25, 7 }, again = { 0 };
  const DdScenario before = sc;

  gboolean ok = dd_scenario_parse (text, &sc, &error);
  FUZZ_ASSERT_REFUSED (ok, error);
  if (!ok)
    {
      g_assert_cmpmem (&sc, sizeof sc, &before, sizeof before);   /* untouched */
      return;
    }

  /* its name reads back as the same scenario */
  g_autofree char *name = dd_scenario_name (&sc);
  if (!dd_scenario_parse (name, &again, &error))
    g_error ("“%s” parses, but its name “%s” does not: %s", text, name, error->message);
  g_assert_cmpint (again.kind, ==, sc.kind);
  g_assert_cmpint (again.n_rare, ==, sc.n_rare);
  if (again.fraction != sc.fraction)
    g_error ("“%s” names itself “%s”, which reads back as another fraction (%.17g, not %.17g)",
             text, name, again.fraction, sc.fraction);
  g_autofree char *describe = dd_scenario_describe (&sc, NULL);
  g_assert_true (g_utf8_validate (describe, -1, NULL));

  /* applied to a small set */
  DdScenarioStats stats;
  gboolean applies = dd_scenario_check (&sc, clean, &error);
  FUZZ_ASSERT_REFUSED (applies, error);
  g_clear_error (&error);
  g_autoptr(DdData) data = dd_data_with_scenario (clean, &sc, 1, &stats, &error);
  g_assert_true ((data != NULL) == applies);
  FUZZ_ASSERT_REFUSED (data != NULL, error);
  if (data == NULL)
    return;
  g_assert_cmpint (stats.n_clean, ==, N_EXAMPLES);
  g_assert_cmpint (data->train->n, ==, stats.n_kept);
  g_assert_cmpint (data->dev->n, ==, N_EXAMPLES);
  g_assert_cmpint (data->test->n, ==, N_EXAMPLES);
  for (int i = 0; i < data->train->n; i++)
    g_assert_cmpint (data->train->labels[i], <, N_CLASSES);
  if (sc.kind == DD_SCENARIO_LONG_TAIL)
    {
      g_assert_cmpint (stats.n_kept, <=, N_EXAMPLES);
      g_assert_cmpint (stats.n_kept, >=, N_EXAMPLES - sc.n_rare * (N_EXAMPLES / N_CLASSES - 1));
    }
  else
    g_assert_cmpint (stats.n_kept, ==, N_EXAMPLES);
  g_autofree char *done = dd_scenario_describe (&sc, &stats);
  g_assert_true (g_utf8_validate (done, -1, NULL));
}

static void
fuzz_hidden (const char *text)
{
  g_autoptr(GError) error = NULL;
  DdNetSpec spec = dd_net_spec_default (DD_STUDENT_MLP);

  gboolean ok = dd_net_spec_parse_hidden (&spec, text, &error);
  FUZZ_ASSERT_REFUSED (ok, error);
  if (!ok)
    return;
  g_assert_cmpint (spec.n_hidden, >=, 1);
  g_assert_cmpint (spec.n_hidden, <=, (int) G_N_ELEMENTS (spec.hidden));
  for (int i = 0; i < spec.n_hidden; i++)
    g_assert_true (spec.hidden[i] >= 1 && spec.hidden[i] <= 65536);
}

static void
fuzz_arms (const char *text)
{
  g_autoptr(GError) error = NULL;
  guint arms = 0;

  gboolean ok = dd_compare_arms_parse (text, &arms, &error);
  FUZZ_ASSERT_REFUSED (ok, error);
  if (ok)
    g_assert_cmpuint (arms, !=, 0);
  if (ok)
    g_assert_cmpuint (arms >> DD_COMPARE_N_ARMS, ==, 0);
}

static void
fuzz_words (const char *text)
{
  DdStudentKind student;
  DdLossKind loss;
  DdOptimKind optim;
  DdPhiForm form;
  DdObjective objective;
  DdProtocol protocol;
  DdTeacherStep step;
  DdTeacherKind teacher;
  gboolean cosine;

  if (dd_student_kind_parse (text, &student))
    g_assert_cmpstr (dd_student_kind_name (student), ==, text);
  if (dd_loss_kind_parse (text, &loss))
    g_assert_cmpstr (dd_loss_kind_name (loss), ==, text);
  if (dd_schedule_parse (text, &cosine))
    g_assert_cmpstr (dd_schedule_name (cosine), ==, text);
  (void) dd_optim_kind_parse (text, &optim);
  (void) dd_phi_form_parse (text, &form);
  (void) dd_objective_parse (text, &objective);
  (void) dd_protocol_parse (text, &protocol);
  (void) dd_teacher_step_parse (text, &step);
  (void) dd_teacher_kind_parse (text, &teacher);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  g_autofree char *text = g_strndup ((const char *) data + 1, size - 1);

  switch (data[0] & 3)
    {
    case 0: fuzz_scenario (text); break;
    case 1: fuzz_hidden (text); break;
    case 2: fuzz_arms (text); break;
    default: fuzz_words (text); break;
    }
  return 0;
}
