/* dd-bpe.h: subword units by byte-pair merges, learned on the training split
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The merges of Sennrich, Haddow and Birch (ACL 2016): every word of the
 * training sentences (dd_tokenize's words, with their counts) starts as its
 * characters (UTF-8 characters, not bytes) and an end-of-word mark on the
 * last; the most frequent adjacent pair of symbols, counted over all words
 * with their counts, is merged into one symbol, n_merges times. Among pairs
 * of equal counts the one whose left symbol, then right symbol, is first in
 * byte order is merged, so the merges depend on the words and their counts
 * alone, not on the order of the sentences.
 *
 * A word is segmented by applying the learned merges in the order they were
 * learned. Its pieces are written as subword tokens: every piece but the
 * last ends in "@@" (the convention of subword-nmt), so that
 * dd_bpe_join can put the words back: "tomorrow" → "tom@@" "or@@" "row".
 * A word the merges never met still segments, into known pieces or single
 * characters. BLEU stays on words: hypotheses are joined before scoring.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DD_BPE_JOINER "@@"

typedef struct _DdBpe DdBpe;

/* n_merges ≥ 0 merges learned from the tokenized words of sentences[0..n);
 * fewer when no pair occurs any more */
DdBpe  *dd_bpe_learn     (char *const *sentences, int n, int n_merges);
void    dd_bpe_free      (DdBpe *bpe);
int     dd_bpe_n_merges  (const DdBpe *bpe);
/* merge i (0-based, in the order learned): its left and right symbols, the
 * end-of-word mark written "</w>" */
void    dd_bpe_merge     (const DdBpe *bpe, int i, const char **left, const char **right);
/* the subword tokens of one word (a new NULL-terminated array, g_strfreev) */
char  **dd_bpe_segment_word (DdBpe *bpe, const char *word);
/* the subword tokens of a sentence's tokenized words (g_strfreev) */
char  **dd_bpe_segment   (DdBpe *bpe, const char *sentence);
/* subword tokens back into words, space-joined (a piece that ends in "@@"
 * continues into the next; one left dangling at the end loses its "@@") */
char   *dd_bpe_join      (char *const *tokens, int n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdBpe, dd_bpe_free)

G_END_DECLS
