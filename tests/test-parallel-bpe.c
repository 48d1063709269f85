/* test-parallel-bpe.c: the translation data on subword units
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On the real corpus (skipped when trans-de-en is not installed): with 0
 * merges the data is today's word data, id for id; with merges the training
 * sentences' ids are subword pieces that join back into their words, none
 * unknown, the vocabularies are no larger than the merges, the characters
 * and the special tokens allow, and what dd_parallel_translate returns on dev
 * and test is words.
 */
#include "didact-engine.h"

#include <string.h>

#define MERGES 2000

static const char *
corpus_path (void)
{
  if (!g_file_test (DD_CORPUS_DEFAULT_PATH, G_FILE_TEST_EXISTS))
    {
      g_test_skip (DD_CORPUS_DEFAULT_PATH " is not installed (" DD_CORPUS_INSTALL_HINT ")");
      return NULL;
    }
  return DD_CORPUS_DEFAULT_PATH;
}

/* the subword data, loaded once for the tests that read it */
static DdParallel *subwords;

static const DdParallel *
get_subwords (void)
{
  const char *path = corpus_path ();
  if (path == NULL)
    return NULL;
  if (subwords == NULL)
    {
      g_autoptr(GError) error = NULL;
      subwords = dd_parallel_load_bpe (path, DD_PARALLEL_DEFAULT_K, MERGES, &error);
      g_assert_no_error (error);
      g_assert_nonnull (subwords->bpe);
    }
  return subwords;
}

static void
assert_same_vocab (const DdVocab *a, const DdVocab *b)
{
  g_assert_cmpint (a->n, ==, b->n);
  for (int i = 0; i < a->n; i++)
    {
      g_assert_cmpstr (a->words[i], ==, b->words[i]);
      g_assert_cmpint (a->counts[i], ==, b->counts[i]);
    }
}

/* 0 merges: words with the count cut-off, built and encoded as the word
 * tokenizer and dd_vocab_build/encode do it, nothing subword about it */
static void
test_words (void)
{
  const char *path = corpus_path ();
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  g_autoptr(DdParallel) p = dd_parallel_load_bpe (path, DD_PARALLEL_DEFAULT_K, 0, &error);
  g_assert_no_error (error);
  g_assert_null (p->bpe);
  g_autoptr(DdVocab) src = dd_vocab_build (p->corpus[0]->src, p->corpus[0]->n, DD_PARALLEL_MIN_COUNT, 0);
  g_autoptr(DdVocab) tgt = dd_vocab_build (p->corpus[0]->tgt, p->corpus[0]->n, DD_PARALLEL_MIN_COUNT, 0);
  g_test_message ("words: German %d, English %d", p->src_vocab->n, p->tgt_vocab->n);
  assert_same_vocab (p->src_vocab, src);
  assert_same_vocab (p->tgt_vocab, tgt);

  const DdParallelSet *sets[3] = { &p->train, &p->dev, &p->test };
  int ids[DD_PARALLEL_MAX_LEN + 1];
  for (int s = 0; s < 3; s++)
    {
      const DdParallelSet *set = sets[s];
      const DdCorpus *c = p->corpus[s];
      for (int i = 0; i < set->n; i++)
        {
          const int *si = set->src + (size_t) i * set->stride, *ti = set->tgt + (size_t) i * set->stride;
          int n = dd_vocab_encode (src, c->src[i], ids, DD_PARALLEL_MAX_LEN, FALSE);
          g_assert_cmpint (set->src_len[i], ==, n);
          g_assert_cmpmem (si, n * sizeof (int), ids, n * sizeof (int));
          n = dd_vocab_encode (tgt, c->tgt[i], ids, DD_PARALLEL_MAX_LEN + 1, TRUE);
          g_assert_cmpint (set->tgt_len[i], ==, n - 1);
          g_assert_cmpmem (ti, n * sizeof (int), ids, n * sizeof (int));
        }
    }

  /* dd_parallel_load is the same load */
  g_autoptr(DdParallel) q = dd_parallel_load (path, DD_PARALLEL_DEFAULT_K, &error);
  g_assert_no_error (error);
  assert_same_vocab (q->src_vocab, p->src_vocab);
  assert_same_vocab (q->tgt_vocab, p->tgt_vocab);
  g_assert_cmpmem (q->bucket, q->tgt_vocab->n * sizeof (int), p->bucket, p->tgt_vocab->n * sizeof (int));
  g_assert_cmpmem (q->train.tgt, (size_t) q->train.n * q->train.stride * sizeof (int),
                   p->train.tgt, (size_t) p->train.n * p->train.stride * sizeof (int));
}

/* the pieces of ids[0..n) joined back into words */
static char *
join_ids (const DdVocab *vocab, const int *ids, int n)
{
  g_autofree const char **pieces = g_new (const char *, MAX (n, 1));
  for (int i = 0; i < n; i++)
    {
      g_assert_cmpint (ids[i], >=, DD_N_SPECIAL_TOKENS);   /* no <unk> in training */
      g_assert_cmpint (ids[i], <, vocab->n);
      pieces[i] = vocab->words[ids[i]];
    }
  return dd_bpe_join ((char *const *) pieces, n);
}

/* every training sentence's ids, decoded and joined, are its words (the
 * reference on the English side), unless the sentence was cut at
 * DD_PARALLEL_MAX_LEN pieces, when they are a prefix of them */
static void
test_round_trip (void)
{
  const DdParallel *p = get_subwords ();
  int cut = 0;
  gint64 pieces = 0, words = 0;

  if (p == NULL)
    return;
  const DdParallelSet *set = &p->train;
  for (int i = 0; i < set->n; i++)
    {
      const int *si = set->src + (size_t) i * set->stride, *ti = set->tgt + (size_t) i * set->stride;
      g_auto(GStrv) src_words = dd_tokenize (set->src_text[i]);
      g_autofree char *src_want = g_strjoinv (" ", src_words);
      g_autofree char *src = join_ids (p->src_vocab, si, set->src_len[i]);
      g_assert_cmpint (ti[0], ==, DD_TOKEN_BOS);
      g_assert_cmpint (ti[set->tgt_len[i]], ==, DD_TOKEN_EOS);
      g_autofree char *tgt = join_ids (p->tgt_vocab, ti + 1, set->tgt_len[i] - 1);

      if (set->src_len[i] < DD_PARALLEL_MAX_LEN)
        g_assert_cmpstr (src, ==, src_want);
      else
        {
          g_assert_true (g_str_has_prefix (src_want, src));
          cut++;
        }
      if (set->tgt_len[i] < DD_PARALLEL_MAX_LEN)
        g_assert_cmpstr (tgt, ==, set->ref_text[i]);
      else
        {
          g_assert_true (g_str_has_prefix (set->ref_text[i], tgt));
          cut++;
        }
      pieces += set->tgt_len[i] - 1;
      g_auto(GStrv) ref = g_strsplit (set->ref_text[i], " ", -1);
      words += g_strv_length (ref);
    }
  g_test_message ("%d merges: %.2f English pieces a word on train; %d sides cut",
                  dd_bpe_n_merges (p->bpe), (double) pieces / words, cut);
  g_assert_cmpint (cut, <, set->n / 100);
  g_assert_cmpint (pieces, >=, words);
}

/* the vocabularies: at most one token per merge and per starting symbol —
 * a character inside a word, or a character ending one (which carries the
 * end-of-word mark, so counts apart) — beside the special tokens; and
 * smaller than the word vocabularies */
static void
test_vocab_bound (void)
{
  const DdParallel *p = get_subwords ();

  if (p == NULL)
    return;
  g_autoptr(GHashTable) inside = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const DdCorpus *train = p->corpus[0];
  for (int i = 0; i < 2 * train->n; i++)
    {
      g_auto(GStrv) words = dd_tokenize (i < train->n ? train->src[i] : train->tgt[i - train->n]);
      for (int w = 0; words[w]; w++)
        for (const char *c = words[w]; *c; c = g_utf8_next_char (c))
          {
            const char *next = g_utf8_next_char (c);
            g_hash_table_add (*next ? inside : last, g_strndup (c, next - c));
          }
    }
  const int merges = dd_bpe_n_merges (p->bpe);
  const int symbols = g_hash_table_size (inside) + g_hash_table_size (last);
  const int bound = merges + symbols + DD_N_SPECIAL_TOKENS;
  g_test_message ("%d merges, %d starting symbols: vocabularies German %d, English %d (bound %d)",
                  merges, symbols, p->src_vocab->n, p->tgt_vocab->n, bound);
  g_assert_cmpint (merges, ==, MERGES);
  g_assert_cmpint (p->src_vocab->n, <=, bound);
  g_assert_cmpint (p->tgt_vocab->n, <=, bound);
  g_assert_cmpint (p->src_vocab->n, >, DD_N_SPECIAL_TOKENS + 26);
  g_assert_cmpint (p->tgt_vocab->n, >, DD_N_SPECIAL_TOKENS + 26);

  /* no piece is unknown in training, and the buckets cover the pieces */
  g_assert_cmpint (p->tgt_vocab->counts[DD_TOKEN_UNK], ==, 0);
  g_assert_cmpint (p->K, ==, DD_PARALLEL_DEFAULT_K);
  for (int v = 0; v < p->tgt_vocab->n; v++)
    {
      g_assert_cmpint (p->bucket[v], >=, 0);
      g_assert_cmpint (p->bucket[v], <, p->K);
    }
}

static void
assert_words (char **hyps, int n)
{
  g_assert_cmpint (g_strv_length (hyps), ==, n);
  for (int i = 0; i < n; i++)
    g_assert_null (strstr (hyps[i], DD_BPE_JOINER));
}

/* dev and test translations, greedy and by beam, come back as words: an
 * untrained model emits pieces at random, many of them ending in "@@", and
 * none is left in what BLEU and the reader see */
static void
test_translate_words (void)
{
  const DdParallel *p = get_subwords ();
  g_autoptr(GError) error = NULL;
  DdRng rng;

  if (p == NULL)
    return;
  DdSeq2seqSpec spec = dd_seq2seq_spec_default (p->src_vocab->n, p->tgt_vocab->n);
  spec.emb = 8;
  spec.hidden = 8;
  spec.max_batch = 64;
  spec.max_src_len = spec.max_tgt_len = DD_PARALLEL_MAX_LEN;
  g_autoptr(DdSeq2seq) m = dd_seq2seq_new (&spec, &error);
  g_assert_no_error (error);
  dd_rng_seed (&rng, 7);
  dd_seq2seq_init (m, &rng);

  const DdParallelSet *sets[2] = { &p->dev, &p->test };
  for (int s = 0; s < 2; s++)
    {
      g_auto(GStrv) greedy = NULL, beam = NULL;
      DdBleuStats stats;
      dd_parallel_translate (m, p, sets[s], 100, 1, &stats, &greedy);
      assert_words (greedy, 100);
      /* the references scored are the word references */
      guint64 ref_words = 0;
      for (int i = 0; i < 100; i++)
        {
          g_auto(GStrv) ref = g_strsplit (sets[s]->ref_text[i], " ", -1);
          ref_words += g_strv_length (ref);
        }
      g_assert_cmpuint (stats.ref_len, ==, ref_words);
      dd_parallel_translate (m, p, sets[s], 3, 2, &stats, &beam);
      assert_words (beam, 3);
    }

  /* on the model's lanes (2 and 3 threads: chunks of 64 sentences dealt
   * out, the last one short) the same hypotheses and counts as on one */
  g_auto(GStrv) one = NULL, one_beam = NULL;
  DdBleuStats s1, s1b;
  dd_parallel_translate (m, p, &p->dev, 150, 1, &s1, &one);
  dd_parallel_translate (m, p, &p->dev, 5, 3, &s1b, &one_beam);
  for (int threads = 2; threads <= 3; threads++)
    {
      g_auto(GStrv) many = NULL, many_beam = NULL;
      DdBleuStats sn, snb;
      dd_seq2seq_set_threads (m, threads);
      dd_parallel_translate (m, p, &p->dev, 150, 1, &sn, &many);
      dd_parallel_translate (m, p, &p->dev, 5, 3, &snb, &many_beam);
      g_assert_true (g_strv_equal ((const char *const *) one, (const char *const *) many));
      g_assert_true (g_strv_equal ((const char *const *) one_beam, (const char *const *) many_beam));
      g_assert_cmpmem (&sn, sizeof sn, &s1, sizeof s1);
      g_assert_cmpmem (&snb, sizeof snb, &s1b, sizeof s1b);
    }
  dd_seq2seq_set_threads (m, 1);
}

/* the data set by name: "de-en+bpeN"; other sets and counts refused */
static void
test_data_name (void)
{
  g_autoptr(GError) error = NULL;

  if (corpus_path () == NULL)
    return;
  g_autoptr(DdData) data = dd_data_load_bpe ("de-en", 20, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (data->name, ==, "de-en+bpe20");
  g_assert_cmpint (dd_bpe_n_merges (dd_data_parallel (data)->bpe), ==, 20);
  g_assert_null (dd_data_load_bpe ("digits", 20, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (dd_data_load_bpe ("de-en", DD_PARALLEL_MAX_MERGES + 1, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* dd_data_load takes the name back (a saved session reloads its set by
   * name): the same merges, the same pieces */
  g_autoptr(DdData) again = dd_data_load ("de-en+bpe20", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->name, ==, "de-en+bpe20");
  const DdParallel *a = dd_data_parallel (data), *b = dd_data_parallel (again);
  g_assert_cmpint (dd_bpe_n_merges (b->bpe), ==, 20);
  g_assert_cmpint (a->tgt_vocab->n, ==, b->tgt_vocab->n);
  g_assert_cmpint (a->src_vocab->n, ==, b->src_vocab->n);
  for (int i = 0; i < 20; i++)
    {
      const char *l1, *r1, *l2, *r2;
      dd_bpe_merge (a->bpe, i, &l1, &r1);
      dd_bpe_merge (b->bpe, i, &l2, &r2);
      g_assert_cmpstr (l1, ==, l2);
      g_assert_cmpstr (r1, ==, r2);
    }
  /* one set, one name: other spellings and counts are refused by name */
  const char *bad[] = { "de-en+bpe", "de-en+bpe0", "de-en+bpe020", "de-en+bpe+20", "de-en+bpe-20",
                        "de-en+bpe20x", "de-en+bpe 20", "de-en+bpe100001", "de-en+bpe99999999999" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_null (dd_data_load (bad[i], &error));
      g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_clear_error (&error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/parallel-bpe/words", test_words);
  g_test_add_func ("/parallel-bpe/round-trip", test_round_trip);
  g_test_add_func ("/parallel-bpe/vocab-bound", test_vocab_bound);
  g_test_add_func ("/parallel-bpe/translate-words", test_translate_words);
  g_test_add_func ("/parallel-bpe/data-name", test_data_name);
  int status = g_test_run ();
  g_clear_pointer (&subwords, dd_parallel_free);
  return status;
}
