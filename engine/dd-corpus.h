/* dd-corpus.h: German→English sentence pairs from the Ding dictionary, their
 * split, a word tokenizer and target-token frequency buckets
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The corpus is Debian's trans-de-en (/usr/share/trans/de-en, the Ding
 * dictionary of TU Chemnitz, GPL-2+). Each line is `Deutsch :: English`; both
 * sides hold sub-entries separated by ` | `, the i-th German sub-entry
 * translating the i-th English one; a sub-entry holds alternatives separated
 * by `; `. Lines starting with '#' are comments.
 *
 * Extraction, one sub-entry pair at a time:
 *   1. Annotations are removed: everything inside {…} (gender, part of
 *      speech), […] (register, field, region) and (…) (glosses such as
 *      "(on a menu)", "(kath.)"). The dictionary uses parentheses for glosses
 *      and optional words, almost never as part of a sentence, and keeping
 *      them would leave half-sentences like "the name (of the ship)".
 *      Nested groups are removed whole.
 *   2. Alternatives: the first alternative on each side is taken. In the
 *      sentence examples the first alternative is the main translation; the
 *      others are variants of it, so nothing is lost by ignoring them.
 *   3. Whitespace is collapsed. The pair is kept when both sides are
 *      sentences: the text ends in . ! or ?, has 3 to 40 words, and contains
 *      no leftover bracket ( ) [ ] { }, no slash (the dictionary's in-line
 *      alternatives, "in name only/alone"), no ellipsis ('…' or "...") and no
 *      placeholder (sb. sth. jd. jdn. jdm. jds. jmd. jmdn. jmdm. jmds. etw.).
 *   4. Exact duplicates of a (German, English) pair are dropped; the first
 *      occurrence in file order is kept.
 *
 * Malformed lines are skipped whole and counted by reason: no or more than
 * one ` :: `, unbalanced or mismatched brackets on either side, different
 * numbers of sub-entries on the two sides, invalid UTF-8. They never fail
 * the load. On the 2023-01-30 file this yields 17,272 pairs of about 7.5
 * German and 7.8 English words; DATA.md's ≈ 19,800 counts pairs with slashes
 * and placeholders, which are not sentences.
 *
 * Split (dd_corpus_split): the pair indices, in file order after
 * deduplication, are shuffled by a DdRng seeded with DD_CORPUS_SPLIT_SEED; the
 * first m shuffled pairs are dev, the next m are test and the rest are train,
 * with m = min(DD_CORPUS_HELDOUT_SIZE, n / 10): 1,000 / 1,000 / the rest on
 * the real file, 10 % / 10 % / 80 % on a small one. Each part keeps file
 * order.
 * The split depends on nothing but the file and the seed. Dev is what a
 * teacher may look at; test is only ever reported.
 *
 * Tokenizer: words. A sentence is lower-cased (Unicode, so umlauts and ß stay
 * letters), typographic quotes are folded to ASCII (’ ‘ ‚ to ', „ “ ” » « to
 * "), split at whitespace, and the punctuation . , ! ? ; : " ' is split off
 * the start and end of each word as tokens of its own; inside a word it stays
 * ("don't", "2.000", "z.b."). Words rather than subwords because the corpus
 * is small (about 150k tokens a side) and short, a word vocabulary with a
 * count cut-off is simple to read in the workbench, and the bucketed teacher
 * of docs/method.md §8 needs only a fixed vocabulary. Vocabularies are built on the
 * train split only, one per language. (Subword units are an option on top of
 * these words: dd-bpe.h, dd_parallel_load_bpe.)
 */
#pragma once

#include "dd-types.h"

G_BEGIN_DECLS

#define DD_CORPUS_DEFAULT_PATH "/usr/share/trans/de-en"
#define DD_CORPUS_ENV_NAME     "de-en" /* looked for in $DIDACT_DATA_DIR */
#define DD_CORPUS_INSTALL_HINT "sudo apt-get install trans-de-en"

#define DD_CORPUS_SPLIT_SEED   20230130u /* the dictionary's version date */
#define DD_CORPUS_HELDOUT_SIZE 1000      /* dev and test, each */

#define DD_CORPUS_MIN_WORDS    3
#define DD_CORPUS_MAX_WORDS    40

/* Why lines and sub-entry pairs were left out. */
typedef struct {
  int lines;            /* all lines read */
  int comments;         /* '#' lines and blank lines */
  int entries;          /* well-formed dictionary lines */
  int subentries;       /* sub-entry pairs looked at */
  /* malformed lines, skipped whole */
  int bad_separator;    /* no ` :: `, or more than one */
  int bad_brackets;     /* unbalanced or mismatched ( ) [ ] { } */
  int bad_count;        /* different numbers of sub-entries on the two sides */
  int bad_utf8;         /* not valid UTF-8 */
  /* well-formed sub-entry pairs that are not kept */
  int not_sentence;     /* a side does not end in . ! ? */
  int too_short;        /* a side has fewer than DD_CORPUS_MIN_WORDS words */
  int too_long;         /* a side has more than DD_CORPUS_MAX_WORDS words */
  int leftover;         /* a bracket, slash, ellipsis or placeholder is left */
  int duplicates;       /* the same pair seen before */
} DdCorpusCounts;

typedef struct {
  char          *path;   /* the file it came from (NULL for a split copy) */
  int            n;      /* number of pairs */
  char         **src;    /* n German sentences, annotations removed */
  char         **tgt;    /* n English sentences */
  DdCorpusCounts counts; /* what loading skipped (zero in split copies) */
} DdCorpus;

/* The file to read: $DIDACT_DATA_DIR/de-en when that exists, otherwise
 * DD_CORPUS_DEFAULT_PATH when that exists; otherwise DD_ERROR_DATA_MISSING
 * naming both places and the install command. */
char     *dd_corpus_locate (GError **error);

/* Reads @path, or the located file when @path is NULL. An unreadable file is
 * DD_ERROR_IO, a missing one DD_ERROR_DATA_MISSING, a file that yields no pair
 * DD_ERROR_DATA_CORRUPT; the message names the file. */
DdCorpus *dd_corpus_load   (const char *path,
                            GError    **error);
/* Parses a whole file already in memory (@len bytes, NUL not needed); @path
 * only names it in the result. Never fails: an empty result has n = 0. */
DdCorpus *dd_corpus_parse  (const char *text,
                            gsize       len,
                            const char *path);
/* Seeded split (see above) into three new corpora that own copies of their
 * strings. */
void      dd_corpus_split  (const DdCorpus *corpus,
                            DdCorpus      **train,
                            DdCorpus      **dev,
                            DdCorpus      **test);
void      dd_corpus_free   (DdCorpus *corpus);

/* ------------------------------------------------------------------------ */
/* Words and vocabularies                                                   */

enum {
  DD_TOKEN_PAD = 0,
  DD_TOKEN_UNK = 1,
  DD_TOKEN_BOS = 2,
  DD_TOKEN_EOS = 3,
  DD_N_SPECIAL_TOKENS = 4,
};

typedef struct {
  int         n;       /* tokens, the four special ones included */
  char      **words;   /* n: "<pad>" "<unk>" "<s>" "</s>", then by count */
  int        *counts;  /* n: occurrences in the sentences it was built on */
  GHashTable *index;   /* word → id + 1 (so that 0 means absent) */
} DdVocab;

/* The tokens of @sentence (see the tokenizer above); NULL-terminated, and
 * empty for a string that is not UTF-8. */
char    **dd_tokenize       (const char *sentence);

/* A vocabulary of the words occurring at least @min_count times in
 * sentences[0..n), the most frequent first (ties in strcmp order), at most
 * @max_size tokens in all (0: no limit; otherwise ≥ DD_N_SPECIAL_TOKENS).
 * Counts of the special tokens, as the target side sees them: <pad> 0,
 * <s> 0 (never predicted), </s> n (once a sentence), <unk> the number of
 * word occurrences left out by the cut-off. */
DdVocab  *dd_vocab_build    (char *const *sentences,
                             int          n,
                             int          min_count,
                             int          max_size);
/* The same on sentences already split into tokens (NULL-terminated arrays):
 * subword pieces, which dd_tokenize would split again at their punctuation
 * ("z@@" ".@@" "b@@" "."). */
DdVocab  *dd_vocab_build_tokens (char **const *sentences,
                                 int           n,
                                 int           min_count,
                                 int           max_size);
int       dd_vocab_lookup   (const DdVocab *vocab,
                             const char    *word);
/* Writes the ids of @sentence to ids[0..max) — with <s> first and </s> last
 * when @add_bos_eos — and returns how many it wrote. A sentence longer than
 * @max is cut, keeping </s> as the last id when @add_bos_eos. Unknown words
 * are DD_TOKEN_UNK. */
int       dd_vocab_encode   (const DdVocab *vocab,
                             const char    *sentence,
                             int           *ids,
                             int            max,
                             gboolean       add_bos_eos);
/* The same on a sentence already split into tokens (NULL-terminated). */
int       dd_vocab_encode_tokens (const DdVocab *vocab,
                                  char *const   *tokens,
                                  int           *ids,
                                  int            max,
                                  gboolean       add_bos_eos);
/* The words of ids[0..n) joined by single spaces; <pad>, <s> and </s> are
 * left out, unknown words appear as "<unk>", ids out of range as "<?>". */
char     *dd_vocab_decode   (const DdVocab *vocab,
                             const int     *ids,
                             int            n);

/* Frequency buckets for the bucketed teacher (docs/method.md §8): a new array of
 * vocab->n buckets in 0..k-1, 1 ≤ k ≤ min(16, vocab->n). Tokens are taken in
 * frequency-rank order (count descending, then id) and bucket b closes as soon
 * as its mass reaches (mass not yet assigned when b opened) / (k − b), or when
 * it must to leave one token for each bucket still to come; the last bucket
 * takes the rest. So bucket 0 holds the few most frequent tokens, the last
 * the long tail, each holds about 1/k of the target mass, and none is empty
 * (one very frequent token may hold more than 1/k alone; the rest is then
 * shared equally). Special tokens are bucketed by their counts like any other
 * (see dd_vocab_build): </s> and usually <unk> land in a frequent bucket,
 * <pad> and <s>, with count 0, in the last. */
int      *dd_vocab_buckets  (const DdVocab *vocab,
                             int            k,
                             GError       **error);
void      dd_vocab_free     (DdVocab *vocab);

#define DD_VOCAB_MAX_BUCKETS 16

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdCorpus, dd_corpus_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdVocab, dd_vocab_free)

G_END_DECLS
