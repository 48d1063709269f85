/* test-scenario.c: label noise and long tails on the training split, balanced error
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On the bundled 8×8 digits set (train 1,077 rows, dev and test 360 each).
 * The clean training split's class counts, from Python (the first 1,077 rows
 * of digits.csv.gz, gzip + str.split):
 *
 *   collections.Counter(int(l.split(",")[-1]) for l in lines[:1077])
 *   -> 0: 106, 1: 109, 2: 106, 3: 109, 4: 107, 5: 111, 6: 107, 7: 107, 8: 106, 9: 109
 */
#include "dd-dataset.h"
#include "dd-eval.h"
#include "dd-scenario.h"

#include <math.h>
#include <string.h>

#define C 10

static const int clean_train_counts[C] = { 106, 109, 106, 109, 107, 111, 107, 107, 106, 109 };

static DdData *
load_digits (void)
{
  g_autoptr(GError) error = NULL;
  DdData *data = dd_data_load ("digits", &error);

  g_assert_no_error (error);
  g_assert_cmpint (data->train->n, ==, 1077);
  g_assert_cmpint (data->train->n_classes, ==, C);
  return data;
}

static DdData *
with_scenario (const DdData *clean, const char *spec, guint64 seed, DdScenarioStats *stats)
{
  g_autoptr(GError) error = NULL;
  DdScenario sc;
  DdData *data;

  g_assert_true (dd_scenario_parse (spec, &sc, &error));
  g_assert_no_error (error);
  data = dd_data_with_scenario (clean, &sc, seed, stats, &error);
  g_assert_no_error (error);
  g_assert_nonnull (data);
  return data;
}

static void
count_labels (const DdDataset *ds, int counts[C])
{
  memset (counts, 0, sizeof (int) * C);
  for (int i = 0; i < ds->n; i++)
    counts[ds->labels[i]]++;
}

static void
assert_same_split (const DdDataset *a, const DdDataset *b)
{
  g_assert_true (a != b);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpint (a->n, ==, b->n);
  g_assert_cmpint (a->d, ==, b->d);
  g_assert_cmpint (a->rows, ==, b->rows);
  g_assert_cmpint (a->n_classes, ==, b->n_classes);
  g_assert_cmpfloat (a->scale, ==, b->scale);
  g_assert_true (a->class_names == b->class_names);
  g_assert_true (a->pixels != b->pixels && a->labels != b->labels);
  g_assert_cmpmem (a->pixels, (gsize) a->n * a->d, b->pixels, (gsize) b->n * b->d);
  g_assert_cmpmem (a->labels, a->n, b->labels, b->n);
}

/* the binomial count of n trials with probability p lies within 5 standard
 * deviations of its mean (a false alarm about once in 3.5 million) */
static void
assert_binomial (int count, int n, double p)
{
  double mean = n * p, sd = sqrt (n * p * (1.0 - p));

  g_test_message ("count %d, expected %.1f ± %.1f", count, mean, sd);
  g_assert_cmpfloat (fabs (count - mean), <=, 5.0 * sd);
}

/* ------------------------------------------------------------------------ */

static void
test_pair_flip (void)
{
  g_autoptr(DdData) clean = load_digits ();
  g_autoptr(GBytes) before = g_bytes_new (clean->train->labels, clean->train->n);
  DdScenarioStats st;
  g_autoptr(DdData) noisy = with_scenario (clean, "pair-flip:0.4", 1, &st);
  const DdDataset *a = clean->train, *b = noisy->train;
  int changed = 0;

  g_assert_cmpint (st.n_clean, ==, 1077);
  g_assert_cmpint (st.n_kept, ==, 1077);
  g_assert_cmpint (b->n, ==, a->n);
  /* pixels untouched; every changed label is (y + 1) mod C, and there are
   * exactly as many as reported */
  g_assert_cmpmem (a->pixels, (gsize) a->n * a->d, b->pixels, (gsize) b->n * b->d);
  for (int i = 0; i < a->n; i++)
    if (a->labels[i] != b->labels[i])
      {
        g_assert_cmpint (b->labels[i], ==, (a->labels[i] + 1) % C);
        changed++;
      }
  g_assert_cmpint (changed, ==, st.n_changed);
  assert_binomial (changed, a->n, 0.4);

  /* the clean data is as it was; dev and test are clean copies */
  g_assert_cmpmem (g_bytes_get_data (before, NULL), g_bytes_get_size (before),
                   a->labels, a->n);
  assert_same_split (clean->dev, noisy->dev);
  assert_same_split (clean->test, noisy->test);
  g_assert_cmpstr (noisy->name, ==, "digits");
}

static void
test_symmetric (void)
{
  g_autoptr(DdData) clean = load_digits ();
  DdScenarioStats st;
  g_autoptr(DdData) noisy = with_scenario (clean, "symmetric:0.4", 3, &st);
  const DdDataset *a = clean->train, *b = noisy->train;
  int offsets[C] = { 0 }, changed = 0;

  g_assert_cmpmem (a->pixels, (gsize) a->n * a->d, b->pixels, (gsize) b->n * b->d);
  for (int i = 0; i < a->n; i++)
    if (a->labels[i] != b->labels[i])
      {
        offsets[(b->labels[i] - a->labels[i] + C) % C]++;
        changed++;
      }
  /* a drawn label is never the original one (which would leave the label
   * unchanged while counting it): the report matches the labels that differ */
  g_assert_cmpint (changed, ==, st.n_changed);
  assert_binomial (changed, a->n, 0.4);
  /* the new class is uniform over the C − 1 others */
  g_assert_cmpint (offsets[0], ==, 0);
  for (int k = 1; k < C; k++)
    assert_binomial (offsets[k], changed, 1.0 / (C - 1));
  assert_same_split (clean->dev, noisy->dev);
  assert_same_split (clean->test, noisy->test);

  /* at F close to 1 nearly every label changes and none maps to itself */
  g_autoptr(DdData) heavy = with_scenario (clean, "symmetric:0.999", 3, &st);
  changed = 0;
  for (int i = 0; i < a->n; i++)
    changed += a->labels[i] != heavy->train->labels[i];
  g_assert_cmpint (changed, ==, st.n_changed);
  g_assert_cmpint (changed, >=, a->n - 5);
}

static void
test_long_tail (void)
{
  g_autoptr(DdData) clean = load_digits ();
  const DdDataset *a = clean->train;
  int counts[C];

  count_labels (a, counts);
  for (int c = 0; c < C; c++)
    g_assert_cmpint (counts[c], ==, clean_train_counts[c]);

  DdScenarioStats st;
  g_autoptr(DdData) tail = with_scenario (clean, "long-tail:0.05", 1, &st);
  const DdDataset *b = tail->train;
  int expected_n = 0;

  count_labels (b, counts);
  for (int c = 0; c < C; c++)
    {
      /* classes 5–9 keep round(0.05 n_c): 111 → 6, 107 → 5, 106 → 5, 109 → 5 */
      static const int rare_kept[C] = { [5] = 6, 5, 5, 5, 5 };
      int expect = c < 5 ? clean_train_counts[c] : rare_kept[c];
      g_assert_cmpint (counts[c], ==, expect);
      expected_n += expect;
    }
  g_assert_cmpint (expected_n, ==, 563);
  g_assert_cmpint (b->n, ==, expected_n);
  g_assert_cmpint (st.n_kept, ==, expected_n);
  g_assert_cmpint (st.n_clean, ==, 1077);
  g_assert_cmpint (st.n_changed, ==, 0);

  /* every kept example is a clean one with its own label, in the clean order */
  int j = 0;
  for (int i = 0; i < b->n; i++, j++)
    {
      while (j < a->n
             && memcmp (a->pixels + (gsize) j * a->d, b->pixels + (gsize) i * b->d, a->d) != 0)
        {
          /* a head-class example is never skipped */
          g_assert_cmpint (a->labels[j], >=, 5);
          j++;
        }
      g_assert_cmpint (j, <, a->n);
      g_assert_cmpint (a->labels[j], ==, b->labels[i]);
    }
  assert_same_split (clean->dev, tail->dev);
  assert_same_split (clean->test, tail->test);

  /* a tiny fraction still keeps one example of each rare class; N = 3 makes
   * classes 7–9 rare */
  g_autoptr(DdData) tiny = with_scenario (clean, "long-tail:0.0001:3", 1, &st);
  count_labels (tiny->train, counts);
  for (int c = 0; c < C; c++)
    g_assert_cmpint (counts[c], ==, c < 7 ? clean_train_counts[c] : 1);

  /* F = 1 keeps everything */
  g_autoptr(DdData) all = with_scenario (clean, "long-tail:1", 1, &st);
  assert_same_split (clean->train, all->train);
}

static void
test_seeds (void)
{
  g_autoptr(DdData) clean = load_digits ();
  const char *const specs[] = { "symmetric:0.3", "pair-flip:0.3", "long-tail:0.2" };

  for (gsize s = 0; s < G_N_ELEMENTS (specs); s++)
    {
      g_autoptr(DdData) one = with_scenario (clean, specs[s], 7, NULL);
      g_autoptr(DdData) again = with_scenario (clean, specs[s], 7, NULL);
      g_autoptr(DdData) other = with_scenario (clean, specs[s], 8, NULL);

      g_test_message ("%s", specs[s]);
      assert_same_split (one->train, again->train);
      g_assert_true (one->train->n != other->train->n
                     || memcmp (one->train->pixels, other->train->pixels,
                                (gsize) one->train->n * one->train->d) != 0
                     || memcmp (one->train->labels, other->train->labels, one->train->n) != 0);
    }

  /* "none" is a plain deep copy */
  g_autoptr(DdData) none = with_scenario (clean, "none", 7, NULL);
  assert_same_split (clean->train, none->train);
  assert_same_split (clean->dev, none->dev);
  assert_same_split (clean->test, none->test);
}

static void
test_parse (void)
{
  static const struct {
    const char *spec, *name;
    DdScenarioKind kind;
    double fraction;
    int n_rare;
  } good[] = {
    { "none", "none", DD_SCENARIO_NONE, 0.0, DD_SCENARIO_DEFAULT_RARE },
    { "symmetric:0.4", "symmetric:0.4", DD_SCENARIO_SYMMETRIC, 0.4, DD_SCENARIO_DEFAULT_RARE },
    { "symmetric:0", "symmetric:0", DD_SCENARIO_SYMMETRIC, 0.0, DD_SCENARIO_DEFAULT_RARE },
    { "pair-flip:0.4", "pair-flip:0.4", DD_SCENARIO_PAIR_FLIP, 0.4, DD_SCENARIO_DEFAULT_RARE },
    { "pair-flip:.25", "pair-flip:0.25", DD_SCENARIO_PAIR_FLIP, 0.25, DD_SCENARIO_DEFAULT_RARE },
    { "long-tail:0.05", "long-tail:0.05", DD_SCENARIO_LONG_TAIL, 0.05, DD_SCENARIO_DEFAULT_RARE },
    { "long-tail:1", "long-tail:1", DD_SCENARIO_LONG_TAIL, 1.0, DD_SCENARIO_DEFAULT_RARE },
    { "long-tail:0.05:3", "long-tail:0.05:3", DD_SCENARIO_LONG_TAIL, 0.05, 3 },
    { "long-tail:0.05:5", "long-tail:0.05", DD_SCENARIO_LONG_TAIL, 0.05, 5 },
    /* names that read back as the same scenario (found by fuzzing: %.6g
     * named these "pair-flip:1", refused, and "long-tail:0.777778:1") */
    { "pair-flip:0.9999999", "pair-flip:0.9999999", DD_SCENARIO_PAIR_FLIP, 0.9999999,
      DD_SCENARIO_DEFAULT_RARE },
    { "long-tail:.77777777777777777777777777777744:1", "long-tail:0.7777777777777778:1",
      DD_SCENARIO_LONG_TAIL, 0.7777777777777778, 1 },
  };
  static const struct {
    const char *spec, *needle;
  } bad[] = {
    { "", "empty" },
    { "gaussian:0.4", "unknown kind “gaussian”" },
    { "Symmetric:0.4", "unknown kind “Symmetric”" },
    { "none:0.2", "takes no fraction" },
    { "symmetric", "fraction is missing" },
    { "pair-flip:", "fraction is missing" },
    { "symmetric:abc", "fraction “abc” is not a number" },
    { "pair-flip:0.4x", "fraction “0.4x” is not a number" },
    { "symmetric:nan", "fraction “nan” is not a number" },
    { "symmetric:1", "fraction “1” is out of range: symmetric takes F in [0, 1)" },
    { "pair-flip:-0.1", "fraction “-0.1” is out of range: pair-flip takes F in [0, 1)" },
    { "long-tail:0", "fraction “0” is out of range: long-tail takes F in (0, 1]" },
    { "long-tail:1.5", "fraction “1.5” is out of range" },
    { "long-tail:0.05:0", "rare-class count “0” is not a positive integer" },
    { "long-tail:0.05:x", "rare-class count “x”" },
    { "symmetric:0.4:3", "unexpected “3” after symmetric:0.4" },
    { "long-tail:0.05:3:1", "unexpected “1” after long-tail:0.05:3" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      DdScenario sc;
      g_assert_true (dd_scenario_parse (good[i].spec, &sc, &error));
      g_assert_no_error (error);
      g_assert_cmpint (sc.kind, ==, good[i].kind);
      g_assert_cmpfloat (sc.fraction, ==, good[i].fraction);
      g_assert_cmpint (sc.n_rare, ==, good[i].n_rare);
      g_autofree char *name = dd_scenario_name (&sc);
      g_assert_cmpstr (name, ==, good[i].name);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      DdScenario sc = { DD_SCENARIO_PAIR_FLIP, 0.125, 2 };
      g_assert_false (dd_scenario_parse (bad[i].spec, &sc, &error));
      g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, bad[i].needle));
      /* the message quotes the spec and lists the valid forms */
      g_autofree char *quoted = g_strdup_printf ("scenario “%s”", bad[i].spec);
      g_assert_nonnull (strstr (error->message, quoted));
      g_assert_nonnull (strstr (error->message, "long-tail:F[:N]"));
      /* a refused spec leaves the output as it was */
      g_assert_cmpint (sc.kind, ==, DD_SCENARIO_PAIR_FLIP);
      g_assert_cmpfloat (sc.fraction, ==, 0.125);
    }
}

static void
test_describe (void)
{
  DdScenario sc;
  DdScenarioStats st = { 1077, 1077, 431 };
  g_autofree char *noise = NULL, *noise_done = NULL, *tail = NULL, *tail_done = NULL;

  g_assert_true (dd_scenario_parse ("pair-flip:0.4", &sc, NULL));
  noise = dd_scenario_describe (&sc, NULL);
  noise_done = dd_scenario_describe (&sc, &st);
  g_assert_cmpstr (noise, ==, "40 % pair-flip label noise on the training split");
  g_assert_cmpstr (noise_done, ==,
                   "40 % pair-flip label noise on the training split: 431 of 1077 labels changed");

  g_assert_true (dd_scenario_parse ("long-tail:0.05", &sc, NULL));
  st = (DdScenarioStats) { 1077, 566, 0 };
  tail = dd_scenario_describe (&sc, NULL);
  tail_done = dd_scenario_describe (&sc, &st);
  g_assert_cmpstr (tail, ==, "long tail: the last 5 classes keep 5 % of their training examples");
  g_assert_cmpstr (tail_done, ==, "long tail: the last 5 classes keep 5 % of their training "
                                  "examples: 566 of 1077 examples kept");

  /* every form is listed with an explanation */
  int n = 0;
  for (const DdScenarioForm *f = dd_scenario_forms (); f->form; f++, n++)
    g_assert_true (f->explanation != NULL && f->explanation[0] != '\0');
  g_assert_cmpint (n, ==, 4);
}

static void
test_refused (void)
{
  g_autoptr(DdData) clean = load_digits ();
  g_autoptr(GError) error = NULL;
  DdScenario sc;

  /* sentence data has no image training split */
  DdData sentences = { .name = (char *) "de-en" };
  g_assert_true (dd_scenario_parse ("symmetric:0.2", &sc, NULL));
  g_assert_null (dd_data_with_scenario (&sentences, &sc, 1, NULL, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "de-en"));
  g_assert_nonnull (strstr (error->message, "sentence pairs"));
  g_clear_error (&error);

  /* as many rare classes as the set has classes leaves no head */
  g_assert_true (dd_scenario_parse ("long-tail:0.1:10", &sc, NULL));
  g_assert_null (dd_data_with_scenario (clean, &sc, 1, NULL, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "10 rare classes"));
  g_assert_nonnull (strstr (error->message, "1 to 9"));
  g_clear_error (&error);
  g_assert_false (dd_scenario_check (&sc, clean, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  sc.n_rare = 9;
  g_assert_true (dd_scenario_check (&sc, clean, &error));
  g_assert_no_error (error);

  /* a scenario built by hand is checked as a parsed one */
  sc = (DdScenario) { DD_SCENARIO_PAIR_FLIP, 1.0, DD_SCENARIO_DEFAULT_RARE };
  g_assert_null (dd_data_with_scenario (clean, &sc, 1, NULL, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "out of range"));
}

static void
test_balanced_error (void)
{
  g_autoptr(DdEval) ev = dd_eval_new (4);

  /* classes of 90, 10, 0 and 5 examples with accuracies 0.9, 0.5, —, 0:
   * (0.1 + 0.5 + 1) / 3, the empty class left out */
  const int count[4] = { 90, 10, 0, 5 };
  const double acc[4] = { 0.9, 0.5, 0.0, 0.0 };
  memcpy (ev->class_count, count, sizeof count);
  memcpy (ev->class_accuracy, acc, sizeof acc);
  g_assert_cmpfloat_with_epsilon (dd_eval_balanced_error (ev), 1.6 / 3.0, 1e-15);

  memset (ev->class_count, 0, sizeof count);
  g_assert_true (isnan (dd_eval_balanced_error (ev)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scenario/pair-flip", test_pair_flip);
  g_test_add_func ("/scenario/symmetric", test_symmetric);
  g_test_add_func ("/scenario/long-tail", test_long_tail);
  g_test_add_func ("/scenario/seeds", test_seeds);
  g_test_add_func ("/scenario/parse", test_parse);
  g_test_add_func ("/scenario/describe", test_describe);
  g_test_add_func ("/scenario/refused", test_refused);
  g_test_add_func ("/scenario/balanced-error", test_balanced_error);
  return g_test_run ();
}
