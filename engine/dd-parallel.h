/* dd-parallel.h: the German→English corpus as token ids, ready for the
 * translation student: vocabularies, buckets, padded batches, BLEU
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built from dd-corpus: the seeded split, one word vocabulary per language
 * from the training part (words seen at least min_count times; the rest are
 * <unk>), and K target-frequency buckets for the bucketed loss (docs/method.md §8).
 * Source sentences are encoded without <s>/</s>; targets as
 * <s> y₁ … y_n </s>, so a sentence of n words has n + 1 predicted positions
 * (the words and </s>). Sentences longer than max_len tokens are cut (rare:
 * the corpus keeps sentences of at most 40 words).
 *
 * With byte-pair merges (dd_parallel_load_bpe, n_merges > 0) the ids are
 * subword pieces instead (dd-bpe.h): one merge model learned on the
 * training split's German and English sentences together, one vocabulary
 * per language of every piece its training side uses (no count cut-off, so
 * no training token is <unk>; a dev or test word still segments into known
 * pieces, unless it holds a character the training split never had). Only
 * the ids change: src_text and ref_text stay words, and the hypotheses of
 * dd_parallel_translate are joined back into words before BLEU.
 *
 * BLEU is computed on the tokenizer's output: lower-cased words with
 * punctuation split off, joined by single spaces, for the hypotheses and the
 * references alike (references keep their rare words; a hypothesis' <unk>
 * never matches).
 */
#pragma once

#include "dd-types.h"
#include "dd-corpus.h"
#include "dd-seq2seq.h"
#include "dd-bleu.h"
#include "dd-bpe.h"

G_BEGIN_DECLS

#define DD_PARALLEL_MAX_LEN       48   /* tokens per side, </s> included */
#define DD_PARALLEL_MIN_COUNT     2
#define DD_PARALLEL_DEFAULT_K     8
#define DD_PARALLEL_MAX_MERGES    100000 /* dd_parallel_load_bpe's n_merges */

typedef struct {
  const char *name;          /* "de-en/train", … */
  int         n;             /* sentence pairs */
  int         stride;        /* DD_PARALLEL_MAX_LEN + 1 */
  int        *src;           /* (n, stride) ids, PAD after src_len */
  int        *src_len;       /* (n) ≥ 1 */
  int        *tgt;           /* (n, stride) <s> y₁ … y_m </s>, PAD after */
  int        *tgt_len;       /* (n) predicted positions: words + 1 */
  char      **src_text;      /* (n) the German sentences (owned by the corpus) */
  char      **ref_text;      /* (n) the English references, tokenized, space-joined */
  int         n_tokens;      /* Σ tgt_len */
} DdParallelSet;

typedef struct _DdParallel DdParallel;
struct _DdParallel {
  char          *path;
  DdCorpus      *corpus[3];  /* train, dev, test */
  DdVocab       *src_vocab, *tgt_vocab;  /* words, or subword pieces with bpe */
  DdBpe         *bpe;        /* the merges, joint for both languages; NULL: words */
  int            K;
  int           *bucket;     /* (tgt_vocab->n) in [0, K) */
  char         **bucket_names; /* (K) "1–25", the frequency ranks each bucket spans */
  DdParallelSet  train, dev, test;
};

DdParallel *dd_parallel_load (const char *path, int K, GError **error);
/* n_merges = 0 is dd_parallel_load, words; 1 to DD_PARALLEL_MAX_MERGES are
 * subwords by that many merges learned on the training split (fewer when no
 * pair is left to merge) */
DdParallel *dd_parallel_load_bpe (const char *path, int K, int n_merges, GError **error);
void        dd_parallel_free (DdParallel *p);

/* Gathers sentences idx[0..B) of set into a padded batch: Ls and Lt are the
 * longest in the batch; the arrays (each at least B·(DD_PARALLEL_MAX_LEN + 1)
 * ints, src_len B) are the caller's. */
void        dd_parallel_gather (const DdParallelSet *set, const int *idx, int B,
                                DdSeq2seqBatch *batch, int *src, int *src_len,
                                int *tgt_in, int *tgt_out);

/* The sources of sentences first … first + B − 1 of set as a padded (B, Ls)
 * array (newly allocated), Ls the longest of them (into *Ls), their
 * lengths into len (B): what the decoders take. */
int        *dd_parallel_sources (const DdParallelSet *set, int first, int B, int *len, int *Ls);

/* Translates sentences [0, n) of set (n ≤ 0: all) in chunks of 64 sentences
 * dealt to the model's lanes, by greedy decoding (beam 1) or beam search
 * (dd_seq2seq_beam_batch) and returns their BLEU statistics; hyps (may be
 * NULL) receives a new array of n tokenized hypotheses (g_strfreev), in
 * words: subword pieces are joined back before scoring. */
void        dd_parallel_translate (DdSeq2seq *model, const DdParallel *p,
                                   const DdParallelSet *set, int n, int beam,
                                   DdBleuStats *stats, char ***hyps);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdParallel, dd_parallel_free)

G_END_DECLS
