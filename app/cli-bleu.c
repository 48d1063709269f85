/* cli-bleu.c: `didact-cli bleu REF HYP`
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "cli-output.h"
#include "didact-engine.h"

#include <stdio.h>

/* numbers with a '.' whatever the locale, so that the line stays parseable */
static const char *
fmt (char *buf, const char *format, double v)
{
  return g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, format, v);
}

int
cli_bleu (int argc, char **argv)
{
  gboolean json = FALSE;
  g_auto(GStrv) files = NULL;  /* REF HYP */
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object (event \"summary\")", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  DdBleuStats stats = { 0 };
  double precisions[DD_BLEU_MAX_ORDER];

  if (!cli_parse_options ("bleu", "REF HYP",
                          "Corpus BLEU (as multi-bleu.perl and sacreBLEU with --tokenize none compute it)\n"
                          "of HYP against REF: UTF-8 files of one whitespace-tokenised sentence per line,\n"
                          "one reference per sentence, n-grams up to 4, no smoothing.",
                          entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (files == NULL || g_strv_length (files) != 2)
    return cli_fail ("bleu", CLI_EXIT_USAGE, "expected two files, REF and HYP, got %u (see --help)",
                     files ? g_strv_length (files) : 0);

  if (!dd_bleu_files (files[1], files[0], &stats, &error))
    return cli_fail ("bleu", CLI_EXIT_FAILURE, "%s", error->message);

  double bleu = dd_bleu_score (&stats), bp = dd_bleu_brevity_penalty (&stats);
  double ratio = stats.ref_len > 0 ? (double) stats.hyp_len / (double) stats.ref_len : 0.0;
  for (int n = 1; n <= DD_BLEU_MAX_ORDER; n++)
    precisions[n - 1] = dd_bleu_precision (&stats, n);

  if (json)
    {
      JsonBuilder *b = cli_json_begin ("summary");
      json_builder_set_member_name (b, "bleu");
      json_builder_add_double_value (b, bleu);
      cli_json_double_array (b, "precisions", precisions, DD_BLEU_MAX_ORDER);
      json_builder_set_member_name (b, "bp");
      json_builder_add_double_value (b, bp);
      json_builder_set_member_name (b, "ratio");
      json_builder_add_double_value (b, ratio);
      json_builder_set_member_name (b, "hyp_len");
      json_builder_add_int_value (b, (gint64) stats.hyp_len);
      json_builder_set_member_name (b, "ref_len");
      json_builder_add_int_value (b, (gint64) stats.ref_len);
      cli_json_emit (b);
    }
  else
    {
      char s[7][G_ASCII_DTOSTR_BUF_SIZE];
      printf ("BLEU = %s, %s/%s/%s/%s (BP = %s, ratio = %s, hyp_len = %" G_GUINT64_FORMAT
              ", ref_len = %" G_GUINT64_FORMAT ")\n",
              fmt (s[0], "%.2f", bleu),
              fmt (s[1], "%.1f", precisions[0]), fmt (s[2], "%.1f", precisions[1]),
              fmt (s[3], "%.1f", precisions[2]), fmt (s[4], "%.1f", precisions[3]),
              fmt (s[5], "%.3f", bp), fmt (s[6], "%.3f", ratio),
              stats.hyp_len, stats.ref_len);
    }
  return 0;
}
