/* fuzz-bleu.c: BLEU's input files and sentence BLEU
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: the hypothesis file, a 0xff byte, the reference file (0xff is never
 * UTF-8, so no valid file holds one; without it the reference is empty).
 * Both are scored by dd_bleu_files; a file pair it accepts must give the
 * same statistics as adding its lines one by one with dd_bleu_stats_add, and
 * every score must lie in [0, 100]. dd_bleu_sentence scores the first lines.
 */
#include "fuzz-common.h"
#include "didact-engine.h"

#include <math.h>
#include <string.h>

static FuzzFile hyp_file, ref_file;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_fatal_criticals ();
  fuzz_file_init (&hyp_file, "hyp.txt");
  fuzz_file_init (&ref_file, "ref.txt");
  return 0;
}

static void
check_stats (const DdBleuStats *s)
{
  double bleu = dd_bleu_score (s), bp = dd_bleu_brevity_penalty (s);

  g_assert_true (bleu >= 0 && bleu <= 100);
  g_assert_true (bp >= 0 && bp <= 1);
  for (int n = 0; n < DD_BLEU_MAX_ORDER; n++)
    {
      double p = dd_bleu_precision (s, n + 1);
      g_assert_cmpuint (s->matches[n], <=, s->totals[n]);
      g_assert_true (p >= 0 && p <= 100);
    }
  g_assert_cmpuint (s->totals[0], ==, s->hyp_len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  const uint8_t *sep = memchr (data, 0xff, size);
  const size_t hyp_len = sep ? (size_t) (sep - data) : size;
  const uint8_t *ref = sep ? sep + 1 : data + size;
  const size_t ref_len = size - hyp_len - (sep ? 1 : 0);
  DdBleuStats files;

  fuzz_file_set (&hyp_file, data, hyp_len);
  fuzz_file_set (&ref_file, ref, ref_len);
  gboolean ok = dd_bleu_files (hyp_file.path, ref_file.path, &files, &error);
  FUZZ_ASSERT_REFUSED (ok, error);

  g_autofree char *hyp_text = g_strndup ((const char *) data, hyp_len);
  g_autofree char *ref_text = g_strndup ((const char *) ref, ref_len);
  if (ok)
    {
      /* valid UTF-8 without NUL bytes: the same lines, one at a time */
      g_auto(GStrv) h = g_strsplit (hyp_text, "\n", -1);
      g_auto(GStrv) r = g_strsplit (ref_text, "\n", -1);
      guint nh = g_strv_length (h), nr = g_strv_length (r);
      DdBleuStats lines = { 0 };

      /* a final newline does not start another line */
      if (hyp_len > 0 && hyp_text[hyp_len - 1] == '\n')
        nh--;
      if (ref_len > 0 && ref_text[ref_len - 1] == '\n')
        nr--;
      if (hyp_len == 0)
        nh = 0;
      if (ref_len == 0)
        nr = 0;
      g_assert_cmpuint (nh, ==, nr);
      for (guint i = 0; i < nh; i++)
        dd_bleu_stats_add (&lines, h[i], r[i]);
      g_assert_cmpmem (&lines, sizeof lines, &files, sizeof files);
      check_stats (&files);

      /* sentence BLEU of the first lines; a sentence against itself is 100 */
      if (nh > 0)
        {
          double s = dd_bleu_sentence (h[0], r[0]);
          DdBleuStats one = { 0 };

          g_assert_true (s >= 0 && s <= 100);
          dd_bleu_stats_add (&one, h[0], h[0]);
          if (one.hyp_len > 0)
            g_assert_cmpfloat (fabs (dd_bleu_sentence (h[0], h[0]) - 100), <, 1e-9);
        }
    }
  else if (g_utf8_validate (hyp_text, -1, NULL) && g_utf8_validate (ref_text, -1, NULL))
    {
      /* sentence BLEU takes any valid UTF-8 string */
      double s = dd_bleu_sentence (hyp_text, ref_text);
      g_assert_true (s >= 0 && s <= 100);
    }
  return 0;
}
