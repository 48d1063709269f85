/* test-bleu.c: corpus BLEU against hand-computed and independently computed values
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-bleu.h"
#include "dd-rng.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define TOL 1e-9

static DdBleuStats
corpus (const char *const *hyps, const char *const *refs, int n)
{
  DdBleuStats s = { 0 };
  for (int i = 0; i < n; i++)
    dd_bleu_stats_add (&s, hyps[i], refs[i]);
  return s;
}

static void
assert_counts (const DdBleuStats *s, const guint64 m[4], const guint64 t[4],
               guint64 hyp_len, guint64 ref_len)
{
  for (int n = 0; n < 4; n++)
    {
      g_assert_cmpuint (s->matches[n], ==, m[n]);
      g_assert_cmpuint (s->totals[n], ==, t[n]);
    }
  g_assert_cmpuint (s->hyp_len, ==, hyp_len);
  g_assert_cmpuint (s->ref_len, ==, ref_len);
}

static void
test_clipping (void)
{
  /* Papineni et al.'s example: "the" occurs 7 times in the hypothesis but at
   * most twice in the reference, so p_1 = 2/7 (not 7/7). No bigram "the the"
   * in the reference: p_2 = 0/6, p_3 = 0/5, p_4 = 0/4, hence BLEU = 0.
   * c = 7 > r = 6, so BP = 1. */
  DdBleuStats s = { 0 };
  dd_bleu_stats_add (&s, "the the the the the the the", "the cat is on the mat");
  assert_counts (&s, (guint64[]) { 2, 0, 0, 0 }, (guint64[]) { 7, 6, 5, 4 }, 7, 6);
  g_assert_cmpfloat_with_epsilon (dd_bleu_precision (&s, 1), 100.0 * 2 / 7, TOL);
  g_assert_cmpfloat (dd_bleu_brevity_penalty (&s), ==, 1.0);
  g_assert_cmpfloat (dd_bleu_score (&s), ==, 0.0);
}

static void
test_four_grams (void)
{
  /* hyp "the cat sat on the mat", ref "the cat sat on a mat" (c = r = 6, BP = 1):
   *   1-grams: the (min (2, 1) = 1), cat, sat, on, mat        5/6
   *   2-grams: the cat, cat sat, sat on (not on the, the mat)  3/5
   *   3-grams: the cat sat, cat sat on                         2/4
   *   4-grams: the cat sat on                                  1/3
   * BLEU = 100 (5/6 · 3/5 · 2/4 · 1/3)^¼ = 100 (1/12)^¼ = 53.7284965911771 */
  DdBleuStats s = { 0 };
  dd_bleu_stats_add (&s, "the cat sat on the mat", "the cat sat on a mat");
  assert_counts (&s, (guint64[]) { 5, 3, 2, 1 }, (guint64[]) { 6, 5, 4, 3 }, 6, 6);
  g_assert_cmpfloat_with_epsilon (dd_bleu_score (&s), 100.0 * pow (1.0 / 12.0, 0.25), TOL);
  g_assert_cmpfloat_with_epsilon (dd_bleu_score (&s), 53.7284965911771, 1e-9);
}

static void
test_brevity_penalty (void)
{
  /* hyp "the cat sat on" is a prefix of ref "the cat sat on the mat": every
   * precision is 1 (4/4, 3/3, 2/2, 1/1) but c = 4 < r = 6, so
   * BLEU = 100 exp (1 − 6/4) = 100 e^−½ = 60.653065971263345 */
  DdBleuStats s = { 0 };
  dd_bleu_stats_add (&s, "the cat sat on", "the cat sat on the mat");
  assert_counts (&s, (guint64[]) { 4, 3, 2, 1 }, (guint64[]) { 4, 3, 2, 1 }, 4, 6);
  g_assert_cmpfloat_with_epsilon (dd_bleu_brevity_penalty (&s), exp (-0.5), TOL);
  g_assert_cmpfloat_with_epsilon (dd_bleu_score (&s), 60.653065971263345, TOL);
}

static void
test_corpus_sums_before_dividing (void)
{
  /* "a b c d" = "a b c d" (4/4, 3/3, 2/2, 1/1) and "x y" against "x z"
   * (1/2, 0/1, no 3- or 4-grams). The second sentence alone scores 0, but the
   * corpus counts are summed first: p = 5/6, 3/4, 2/2, 1/1 with c = r = 6,
   * BLEU = 100 (5/6 · 3/4)^¼ = 100 (5/8)^¼ = 88.91397050194614. */
  const char *hyps[] = { "a b c d", "x y", "", "" };
  const char *refs[] = { "a b c d", "x z", "", "p q" };
  DdBleuStats s = corpus (hyps, refs, 2);
  assert_counts (&s, (guint64[]) { 5, 3, 2, 1 }, (guint64[]) { 6, 4, 2, 1 }, 6, 6);
  g_assert_cmpfloat_with_epsilon (dd_bleu_score (&s), 100.0 * pow (5.0 / 8.0, 0.25), TOL);

  /* an empty pair changes nothing */
  s = corpus (hyps, refs, 3);
  g_assert_cmpfloat_with_epsilon (dd_bleu_score (&s), 88.91397050194614, TOL);

  /* an empty hypothesis adds its reference's 2 tokens to r only:
   * BP = exp (1 − 8/6), BLEU = 88.91397050194614 e^−⅓ = 63.70964381207871 */
  s = corpus (hyps, refs, 4);
  assert_counts (&s, (guint64[]) { 5, 3, 2, 1 }, (guint64[]) { 6, 4, 2, 1 }, 6, 8);
  g_assert_cmpfloat_with_epsilon (dd_bleu_score (&s), 63.70964381207871, TOL);
}

static void
test_identical_and_zero (void)
{
  const char *text[] = { "one two three four five", "six seven eight nine",
                         "ten eleven twelve thirteen fourteen fifteen" };
  DdBleuStats s = corpus (text, text, 3);
  g_assert_cmpfloat (dd_bleu_score (&s), ==, 100.0);
  g_assert_cmpfloat (dd_bleu_brevity_penalty (&s), ==, 1.0);

  /* "a b c" matches but no 4-gram does: p_4 = 0/4, BLEU = 0 although
   * p_1 = 6/7, p_2 = 4/6, p_3 = 2/5 */
  DdBleuStats z = { 0 };
  dd_bleu_stats_add (&z, "a b c x d e f", "a b c y d e f");
  assert_counts (&z, (guint64[]) { 6, 4, 2, 0 }, (guint64[]) { 7, 6, 5, 4 }, 7, 7);
  g_assert_cmpfloat (dd_bleu_score (&z), ==, 0.0);

  /* nothing at all */
  DdBleuStats e = { 0 };
  dd_bleu_stats_add (&e, "", "");
  g_assert_cmpfloat (dd_bleu_score (&e), ==, 0.0);
  g_assert_cmpfloat (dd_bleu_brevity_penalty (&e), ==, 0.0);
}

static void
test_whitespace (void)
{
  /* runs of spaces, tabs, leading and trailing blanks and a no-break space
   * (which Python's str.split() also splits on) are all one separator; case
   * is kept */
  DdBleuStats s = { 0 };
  dd_bleu_stats_add (&s, "  a\t\tb  c\xc2\xa0" "d ", "a b c d");
  g_assert_cmpfloat (dd_bleu_score (&s), ==, 100.0);

  DdBleuStats c = { 0 };
  dd_bleu_stats_add (&c, "The cat", "the cat");
  g_assert_cmpuint (c.matches[0], ==, 1);
  g_assert_cmpuint (c.matches[1], ==, 0);
}

/* The value was computed once with a plain Python implementation of the same
 * definition (collections.Counter of n-gram tuples from str.split(), min of
 * the counts, sums over the corpus, BP = 1 if c > r else exp (1 − r/c)),
 * standard library only: 51.782829822534, counts 39/51 28/46 19/41 12/36,
 * c = 51, r = 50. */
static void
test_reference_value (void)
{
  const char *hyps[] = {
    "the quick brown fox jumps over the lazy dog",
    "a cat sat on the mat and the cat slept",
    "it is a guide to action which ensures that the military always obeys the commands of the party",
    "",
    "he read the book because he was interested in world history",
    "the  the\tthe",
  };
  const char *refs[] = {
    "the quick brown fox jumped over the lazy dog",
    "the cat sat on the mat while the dog slept",
    "it is a guide to action that ensures that the military will forever heed party commands",
    "nothing here",
    "he was interested in world history because he read the book",
    "the cat",
  };
  DdBleuStats s = corpus (hyps, refs, G_N_ELEMENTS (hyps));
  assert_counts (&s, (guint64[]) { 39, 28, 19, 12 }, (guint64[]) { 51, 46, 41, 36 }, 51, 50);
  g_assert_cmpfloat_with_epsilon (dd_bleu_score (&s), 51.782829822534, 1e-9);
}

static void
test_sentence (void)
{
  g_assert_cmpfloat (dd_bleu_sentence ("the cat sat on the mat", "the cat sat on the mat"), ==, 100.0);
  g_assert_cmpfloat (dd_bleu_sentence ("a b c", "x y z"), ==, 0.0);
  g_assert_cmpfloat (dd_bleu_sentence ("", "x y z"), ==, 0.0);

  /* one word in common, no bigram: p_1 = 1/3; p_2 and p_3 have no match
   * and become 1/(2·2) and 1/(4·1); the hypothesis has no 4-gram, so the
   * mean is over three orders; BP = 1: 100 (1/3 · 1/4 · 1/4)^⅓ */
  double one = dd_bleu_sentence ("x b c", "x y z");
  g_assert_true (isfinite (one));
  g_assert_cmpfloat_with_epsilon (one, 100.0 * cbrt (1.0 / 48.0), TOL);

  /* the 4-gram case of test_four_grams: every order matches, so no
   * smoothing, and the sentence score is the corpus score */
  g_assert_cmpfloat_with_epsilon (dd_bleu_sentence ("the cat sat on the mat", "the cat sat on a mat"),
                                  100.0 * pow (1.0 / 12.0, 0.25), TOL);

  /* the samples view's example: "." alone matches; p_1 = 1/4, then
   * 1/(2·3), 1/(4·2), 1/(8·1); BP = exp (1 − 5/4) */
  g_assert_cmpfloat_with_epsilon (dd_bleu_sentence ("the <unk> <unk> .", "he shrugged his shoulders ."),
                                  100.0 * exp (1.0 - 5.0 / 4.0) * pow (1.0 / 4 * 1.0 / 6 * 1.0 / 8 * 1.0 / 8, 0.25),
                                  TOL);
  g_assert_cmpfloat (dd_bleu_sentence ("the <unk> <unk> .", "he shrugged his shoulders ."), <, 20.0);

  /* a short hypothesis equal to its reference: the effective order (3) */
  g_assert_cmpfloat_with_epsilon (dd_bleu_sentence ("he is here", "he is here"), 100.0, TOL);

  /* a zero order after a matched one: "a b c d" against "a b x c d":
   * p_1 = 4/4, p_2 = 2/3, p_3 = 0/2 → 1/(2·2), p_4 = 0/1 → 1/(4·1);
   * BP = exp (1 − 5/4) */
  g_assert_cmpfloat_with_epsilon (dd_bleu_sentence ("a b c d", "a b x c d"),
                                  100.0 * exp (1.0 - 5.0 / 4.0) * pow (1.0 * 2.0 / 3 * 1.0 / 4 * 1.0 / 4, 0.25),
                                  TOL);
}

/* ---- files ---- */

typedef struct {
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->dir = g_dir_make_tmp ("test-bleu-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static char *
write_file (Fixture *f, const char *name, const char *contents, gssize len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);
  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_files (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  /* the corpus of test_corpus_sums_before_dividing, with its empty lines; the
   * reference has no final newline, the hypothesis has one */
  g_autofree char *hyp = write_file (f, "hyp", "a b c d\nx y\n\n\n", -1);
  g_autofree char *ref = write_file (f, "ref", "a b c d\nx z\n\np q", -1);
  DdBleuStats s;

  g_assert_true (dd_bleu_files (hyp, ref, &s, &error));
  g_assert_no_error (error);
  assert_counts (&s, (guint64[]) { 5, 3, 2, 1 }, (guint64[]) { 6, 4, 2, 1 }, 6, 8);
  g_assert_cmpfloat_with_epsilon (dd_bleu_score (&s), 63.70964381207871, TOL);

  /* two empty files: no lines, no error, BLEU 0 */
  g_autofree char *e1 = write_file (f, "e1", "", 0);
  g_autofree char *e2 = write_file (f, "e2", "", 0);
  g_assert_true (dd_bleu_files (e1, e2, &s, &error));
  g_assert_cmpfloat (dd_bleu_score (&s), ==, 0.0);
}

static void
test_file_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *three = write_file (f, "three.txt", "a\nb\nc\n", -1);
  g_autofree char *four = write_file (f, "four.txt", "a\nb\nc\nd", -1);
  g_autofree char *bad = write_file (f, "bad.txt", "a\nb\nc \xff d\n", -1);
  g_autofree char *nul = write_file (f, "nul.txt", "a\nb\0c\n", 6);
  g_autofree char *missing = g_build_filename (f->dir, "missing.txt", NULL);
  DdBleuStats s;

  {
    g_autoptr(GError) error = NULL;
    g_assert_false (dd_bleu_files (three, four, &s, &error));
    g_assert_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, three));
    g_assert_nonnull (strstr (error->message, four));
    g_assert_nonnull (strstr (error->message, "3 lines"));
    g_assert_nonnull (strstr (error->message, "has 4"));
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (dd_bleu_files (missing, three, &s, &error));
    g_assert_error (error, DD_ERROR, DD_ERROR_IO);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, missing));
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (dd_bleu_files (three, bad, &s, &error));
    g_assert_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, bad));
    g_assert_nonnull (strstr (error->message, "line 3"));
    g_assert_nonnull (strstr (error->message, "UTF-8"));
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (dd_bleu_files (nul, three, &s, &error));
    g_assert_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT);
    g_assert_nonnull (strstr (error->message, nul));
    g_assert_nonnull (strstr (error->message, "line 2"));
  }
}

/* 100 000 lines of 5 to 34 words from a 2000-word vocabulary, the hypothesis
 * a noisy copy of the reference */
static void
test_large (Fixture *f, gconstpointer data)
{
  g_autoptr(GString) hyp = g_string_new (NULL), ref = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  DdRng rng;
  DdBleuStats s;
  const int lines = 100000;

  dd_rng_seed (&rng, 2002);
  for (int i = 0; i < lines; i++)
    {
      int len = 5 + (int) dd_rng_below (&rng, 30);
      for (int k = 0; k < len; k++)
        {
          guint32 w = dd_rng_below (&rng, 2000);
          g_string_append_printf (ref, "%sw%u", k ? " " : "", w);
          if (dd_rng_uniform (&rng) < 0.2)
            w = dd_rng_below (&rng, 2000);
          if (dd_rng_uniform (&rng) > 0.05)
            g_string_append_printf (hyp, "%sw%u", k ? " " : "", w);
        }
      g_string_append_c (ref, '\n');
      g_string_append_c (hyp, '\n');
    }
  g_autofree char *hp = write_file (f, "big-hyp", hyp->str, hyp->len);
  g_autofree char *rp = write_file (f, "big-ref", ref->str, ref->len);

  gint64 t0 = g_get_monotonic_time ();
  g_assert_true (dd_bleu_files (hp, rp, &s, &error));
  double seconds = (g_get_monotonic_time () - t0) / 1e6;
  g_assert_no_error (error);
  double bleu = dd_bleu_score (&s);
  g_test_message ("100k lines, %" G_GUINT64_FORMAT " hypothesis tokens: BLEU %.2f in %.3f s",
                  s.hyp_len, bleu, seconds);
  g_assert_cmpfloat (bleu, >, 10.0);
  g_assert_cmpfloat (bleu, <, 90.0);
  /* well under a second in an optimised build; generous for sanitizers */
  g_assert_cmpfloat (seconds, <, 10.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bleu/clipping", test_clipping);
  g_test_add_func ("/bleu/four-grams", test_four_grams);
  g_test_add_func ("/bleu/brevity-penalty", test_brevity_penalty);
  g_test_add_func ("/bleu/corpus-sums", test_corpus_sums_before_dividing);
  g_test_add_func ("/bleu/identical-and-zero", test_identical_and_zero);
  g_test_add_func ("/bleu/whitespace", test_whitespace);
  g_test_add_func ("/bleu/reference-value", test_reference_value);
  g_test_add_func ("/bleu/sentence", test_sentence);
  g_test_add ("/bleu/files", Fixture, NULL, fixture_setup, test_files, fixture_teardown);
  g_test_add ("/bleu/file-errors", Fixture, NULL, fixture_setup, test_file_errors, fixture_teardown);
  g_test_add ("/bleu/large", Fixture, NULL, fixture_setup, test_large, fixture_teardown);
  return g_test_run ();
}
