/* dd-bleu.h: corpus BLEU (Papineni et al. 2002) of a hypothesis against one reference
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The definition the standard tools use (multi-bleu.perl, sacreBLEU with
 * tokenize=none and no smoothing): sentences are split on runs of whitespace,
 * case is kept, and for n = 1..4 the clipped n-gram matches and the n-gram
 * totals are summed over the whole corpus before any division:
 *
 *   p_n  = Σ_s Σ_g min (count_hyp (g), count_ref (g)) / Σ_s (hyp_len_s − n + 1)₊
 *   BP   = 1 if c > r, else exp (1 − r / c)      c, r: total hyp and ref lengths
 *   BLEU = 100 · BP · exp (Σ_n ¼ log p_n)
 *
 * BLEU is 0 when any p_n is 0 (or has no n-grams at all), as in sacreBLEU.
 */
#pragma once

#include "dd-types.h"

G_BEGIN_DECLS

#define DD_BLEU_MAX_ORDER 4

/* Sufficient statistics of a corpus; zero it (= { 0 }) to start, then add
 * sentence pairs. Two corpora combine by adding the fields. */
typedef struct {
  guint64 matches[DD_BLEU_MAX_ORDER]; /* clipped n-gram matches, n = index + 1 */
  guint64 totals[DD_BLEU_MAX_ORDER];  /* hypothesis n-grams, n = index + 1 */
  guint64 hyp_len;                    /* hypothesis tokens */
  guint64 ref_len;                    /* reference tokens */
} DdBleuStats;

/* Add one sentence pair (valid UTF-8, one line each, split on whitespace). */
void   dd_bleu_stats_add (DdBleuStats *stats, const char *hyp, const char *ref);

/* corpus BLEU in [0, 100] */
double dd_bleu_score (const DdBleuStats *stats);
/* p_n × 100 for n in 1..4 (0 when there are no n-grams of that order) */
double dd_bleu_precision (const DdBleuStats *stats, int n);
/* the brevity penalty in [0, 1] (0 for an empty hypothesis corpus) */
double dd_bleu_brevity_penalty (const DdBleuStats *stats);

/* Sentence BLEU in [0, 100] for showing one sentence at a time, smoothed
 * as sacreBLEU's sentence_bleu is by default (the "exp" method of Chen and
 * Cherry 2014, with the effective order): the k-th order, counting from 1,
 * that has n-grams but no match gets the precision 1 / (2^j · t_n), where j
 * is how many such orders came before it, plus one; the mean runs over the
 * orders the hypothesis has n-grams of (a three-word hypothesis equal to its
 * reference scores 100). A hypothesis sharing no word with its reference
 * scores 0. Unlike add-one smoothing (BLEU+1), it does not give a short
 * sentence 20 or more for one matched word: "the <unk> <unk> ." against
 * "he shrugged his shoulders ." scores 12.4, not 24.9. */
double dd_bleu_sentence (const char *hyp, const char *ref);

/* Score two UTF-8 files of one sentence per line ('\n' ends a line; a final
 * newline does not start another; empty lines are empty sentences). out is
 * overwritten. Errors: DD_ERROR_IO when a file cannot be read,
 * DD_ERROR_DATA_CORRUPT for invalid UTF-8 (naming the file and line) and for
 * different line counts (naming both files and counts). */
gboolean dd_bleu_files (const char   *hyp_path,
                        const char   *ref_path,
                        DdBleuStats  *out,
                        GError      **error);

G_END_DECLS
