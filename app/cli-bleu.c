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

static const char summary[] =
  "Corpus BLEU (as multi-bleu.perl and sacreBLEU with --tokenize none compute it)\n"
  "of HYP against REF: UTF-8 files of one whitespace-tokenised sentence per line,\n"
  "one reference per sentence, n-grams up to 4, no smoothing.";

/* the score and its parts, as multi-bleu.perl prints them */
typedef struct {
  DdBleuStats stats;
  double      bleu, bp, ratio;
  double      precisions[DD_BLEU_MAX_ORDER];
} Bleu;

static void
score (Bleu *r)
{
  r->bleu = dd_bleu_score (&r->stats);
  r->bp = dd_bleu_brevity_penalty (&r->stats);
  r->ratio = r->stats.ref_len > 0 ? (double) r->stats.hyp_len / (double) r->stats.ref_len : 0.0;
  for (int n = 1; n <= DD_BLEU_MAX_ORDER; n++)
    r->precisions[n - 1] = dd_bleu_precision (&r->stats, n);
}

static void
emit_summary (const Bleu *r)
{
  JsonBuilder *b = cli_json_begin ("summary");

  cli_json_double (b, "bleu", r->bleu);
  cli_json_double_array (b, "precisions", r->precisions, DD_BLEU_MAX_ORDER);
  cli_json_double (b, "bp", r->bp);
  cli_json_double (b, "ratio", r->ratio);
  cli_json_int (b, "hyp_len", (gint64) r->stats.hyp_len);
  cli_json_int (b, "ref_len", (gint64) r->stats.ref_len);
  cli_json_emit (b);
}

static void
print_summary (const Bleu *r)
{
  char s[7][G_ASCII_DTOSTR_BUF_SIZE];

  printf ("BLEU = %s, %s/%s/%s/%s (BP = %s, ratio = %s, hyp_len = %" G_GUINT64_FORMAT
          ", ref_len = %" G_GUINT64_FORMAT ")\n",
          fmt (s[0], "%.2f", r->bleu),
          fmt (s[1], "%.1f", r->precisions[0]), fmt (s[2], "%.1f", r->precisions[1]),
          fmt (s[3], "%.1f", r->precisions[2]), fmt (s[4], "%.1f", r->precisions[3]),
          fmt (s[5], "%.3f", r->bp), fmt (s[6], "%.3f", r->ratio),
          r->stats.hyp_len, r->stats.ref_len);
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
  Bleu r = { 0 };

  if (!cli_parse_options ("bleu", "REF HYP", summary, entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (files == NULL || g_strv_length (files) != 2)
    return cli_fail ("bleu", CLI_EXIT_USAGE, "expected two files, REF and HYP, got %u (see --help)",
                     files ? g_strv_length (files) : 0);

  if (!dd_bleu_files (files[1], files[0], &r.stats, &error))
    return cli_fail ("bleu", CLI_EXIT_FAILURE, "%s", error->message);
  /* the score of no words at all would be a 0 that means nothing */
  if (r.stats.ref_len == 0)
    return cli_fail ("bleu", CLI_EXIT_FAILURE, "%s: no words (the reference is empty)", files[0]);
  score (&r);
  if (json)
    emit_summary (&r);
  else
    print_summary (&r);
  return 0;
}
