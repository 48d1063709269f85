/* fuzz-corpus.c: the Ding dictionary reader, the tokenizer and vocabularies
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: a dictionary file, read by dd_corpus_load. What it yields must keep
 * the rules of dd-corpus.h (valid UTF-8 sentences ending in . ! or ?, no
 * brackets left); the pairs are then split, tokenized, built into a
 * vocabulary, encoded, decoded and bucketed as the translation student does.
 */
#include "fuzz-common.h"
#include "didact-engine.h"

#include <string.h>

static FuzzFile dict;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_fatal_criticals ();
  fuzz_file_init (&dict, "de-en");
  return 0;
}

static void
check_sentence (const char *s)
{
  gsize len = strlen (s);

  g_assert_true (g_utf8_validate (s, -1, NULL));
  g_assert_cmpuint (len, >, 0);
  g_assert_nonnull (strchr (".!?", s[len - 1]));
  g_assert_null (strpbrk (s, "()[]{}/"));
}

/* every id of a sentence, and back */
static void
check_encoding (const DdVocab *vocab, const char *sentence)
{
  int ids[24];
  int n = dd_vocab_encode (vocab, sentence, ids, G_N_ELEMENTS (ids), TRUE);

  g_assert_cmpint (n, >=, 2);
  g_assert_cmpint (n, <=, (int) G_N_ELEMENTS (ids));
  g_assert_cmpint (ids[0], ==, DD_TOKEN_BOS);
  g_assert_cmpint (ids[n - 1], ==, DD_TOKEN_EOS);
  for (int i = 0; i < n; i++)
    g_assert_true (ids[i] >= 0 && ids[i] < vocab->n);
  g_autofree char *back = dd_vocab_decode (vocab, ids, n);
  g_assert_true (g_utf8_validate (back, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;

  fuzz_file_set (&dict, data, size);
  g_autoptr(DdCorpus) corpus = dd_corpus_load (dict.path, &error);
  FUZZ_ASSERT_REFUSED (corpus != NULL, error);
  if (corpus == NULL)
    return 0;

  const DdCorpusCounts *c = &corpus->counts;
  g_assert_cmpint (corpus->n, >, 0);
  g_assert_cmpint (c->entries + c->comments + c->bad_separator + c->bad_brackets
                   + c->bad_count + c->bad_utf8, ==, c->lines);
  g_assert_cmpint (corpus->n, <=, c->subentries);
  for (int i = 0; i < corpus->n; i++)
    {
      check_sentence (corpus->src[i]);
      check_sentence (corpus->tgt[i]);
    }

  DdCorpus *train = NULL, *dev = NULL, *test = NULL;
  dd_corpus_split (corpus, &train, &dev, &test);
  g_assert_cmpint (train->n + dev->n + test->n, ==, corpus->n);

  /* the vocabulary on the whole corpus, so that every word is known once */
  g_autoptr(DdVocab) vocab = dd_vocab_build (corpus->tgt, corpus->n, 1, 0);
  g_autoptr(DdVocab) small = dd_vocab_build (corpus->src, corpus->n, 2, 6);
  g_assert_cmpint (small->n, <=, 6);
  for (int i = 0; i < corpus->n; i++)
    {
      g_auto(GStrv) tokens = dd_tokenize (corpus->tgt[i]);
      g_assert_cmpuint (g_strv_length (tokens), >, 0);
      for (int t = 0; tokens[t] != NULL; t++)
        if (strcmp (tokens[t], "<unk>") != 0)
          g_assert_cmpint (dd_vocab_lookup (vocab, tokens[t]), !=, DD_TOKEN_UNK);
      check_encoding (vocab, corpus->tgt[i]);
      check_encoding (small, corpus->src[i]);
    }

  /* frequency buckets: every token in one, none empty */
  const int k = MIN (DD_VOCAB_MAX_BUCKETS, vocab->n);
  g_autofree int *bucket = dd_vocab_buckets (vocab, k, &error);
  g_assert_no_error (error);
  g_autofree int *per = g_new0 (int, k);
  for (int i = 0; i < vocab->n; i++)
    {
      g_assert_true (bucket[i] >= 0 && bucket[i] < k);
      per[bucket[i]]++;
    }
  for (int b = 0; b < k; b++)
    g_assert_cmpint (per[b], >, 0);

  dd_corpus_free (train);
  dd_corpus_free (dev);
  dd_corpus_free (test);
  return 0;
}
