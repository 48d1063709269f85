/* dd-parallel.c: the German→English corpus as token ids
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-private.h"
#include "dd-parallel.h"

#include <string.h>

static const char *const part_names[3] = { "de-en/train", "de-en/dev", "de-en/test" };

static char *
tokenized (const char *sentence)
{
  g_auto(GStrv) tokens = dd_tokenize (sentence);
  return g_strjoinv (" ", tokens);
}

/* the tokens a side is encoded from: its words, or their subword pieces */
static char **
side_tokens (DdBpe *bpe, const char *sentence)
{
  return bpe != NULL ? dd_bpe_segment (bpe, sentence) : dd_tokenize (sentence);
}

static void
encode_set (DdParallelSet *set, const char *name, const DdCorpus *c,
            const DdVocab *sv, const DdVocab *tv, DdBpe *bpe)
{
  const int S = DD_PARALLEL_MAX_LEN + 1;

  set->name = name;
  set->n = c->n;
  set->stride = S;
  set->src = g_new0 (int, (size_t) c->n * S);
  set->tgt = g_new0 (int, (size_t) c->n * S);
  set->src_len = g_new (int, MAX (c->n, 1));
  set->tgt_len = g_new (int, MAX (c->n, 1));
  set->src_text = c->src;
  set->ref_text = g_new0 (char *, c->n + 1);
  set->n_tokens = 0;
  for (int i = 0; i < c->n; i++)
    {
      g_auto(GStrv) src = side_tokens (bpe, c->src[i]);
      g_auto(GStrv) tgt = side_tokens (bpe, c->tgt[i]);
      int ns = dd_vocab_encode_tokens (sv, src, set->src + (size_t) i * S, DD_PARALLEL_MAX_LEN, FALSE);
      if (ns == 0) /* cannot happen for corpus sentences (≥ 3 words); keep the encoder fed */
        set->src[(size_t) i * S] = DD_TOKEN_UNK, ns = 1;
      set->src_len[i] = ns;
      /* <s> y₁ … y_m </s>: m + 2 ids, m + 1 predicted positions */
      int nt = dd_vocab_encode_tokens (tv, tgt, set->tgt + (size_t) i * S, S, TRUE);
      set->tgt_len[i] = nt - 1;
      set->n_tokens += nt - 1;
      /* the reference stays words, pieces or not: BLEU is on words */
      set->ref_text[i] = tokenized (c->tgt[i]);
    }
}

/* one vocabulary per language of the training split's tokens */
static void
build_vocabs (DdParallel *p)
{
  const DdCorpus *train = p->corpus[0];

  if (p->bpe == NULL)
    {
      p->src_vocab = dd_vocab_build (train->src, train->n, DD_PARALLEL_MIN_COUNT, 0);
      p->tgt_vocab = dd_vocab_build (train->tgt, train->n, DD_PARALLEL_MIN_COUNT, 0);
      return;
    }
  /* every piece the training side uses, however rare: the merges already
   * chose the units, a rare piece is one the frequent words did not absorb,
   * and leaving it out would make <unk> of words the merges can spell */
  g_autofree char ***src = g_new0 (char **, train->n + 1);
  g_autofree char ***tgt = g_new0 (char **, train->n + 1);
  for (int i = 0; i < train->n; i++)
    {
      src[i] = dd_bpe_segment (p->bpe, train->src[i]);
      tgt[i] = dd_bpe_segment (p->bpe, train->tgt[i]);
    }
  p->src_vocab = dd_vocab_build_tokens (src, train->n, 1, 0);
  p->tgt_vocab = dd_vocab_build_tokens (tgt, train->n, 1, 0);
  for (int i = 0; i < train->n; i++)
    {
      g_strfreev (src[i]);
      g_strfreev (tgt[i]);
    }
}

static void
free_set (DdParallelSet *set)
{
  g_free (set->src);
  g_free (set->tgt);
  g_free (set->src_len);
  g_free (set->tgt_len);
  g_strfreev (set->ref_text);
}

DdParallel *
dd_parallel_load (const char *path, int K, GError **error)
{
  return dd_parallel_load_bpe (path, K, 0, error);
}

DdParallel *
dd_parallel_load_bpe (const char *path, int K, int n_merges, GError **error)
{
  g_return_val_if_fail (n_merges >= 0 && n_merges <= DD_PARALLEL_MAX_MERGES, NULL);

  g_autoptr(DdCorpus) all = dd_corpus_load (path, error);
  if (all == NULL)
    return NULL;
  if (all->n < 30)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s: only %d sentence pairs; at least 30 are needed for a split",
                   all->path, all->n);
      return NULL;
    }

  DdParallel *p = g_new0 (DdParallel, 1);
  p->path = g_strdup (all->path);
  dd_corpus_split (all, &p->corpus[0], &p->corpus[1], &p->corpus[2]);
  if (n_merges > 0)
    {
      /* One model for both languages, learned on their training sentences
       * together (Sennrich et al. 2016's joint BPE): German and English share
       * the alphabet and many names, numbers and loan words, which then
       * split the same way on both sides, and on a corpus this small the
       * pooled counts make each merge better supported than half the text
       * would. Each language still gets its own vocabulary of the pieces it
       * uses. */
      const DdCorpus *train = p->corpus[0];
      g_autofree char **both = g_new (char *, 2 * (size_t) train->n + 1);
      for (int i = 0; i < train->n; i++)
        {
          both[i] = train->src[i];
          both[train->n + i] = train->tgt[i];
        }
      both[2 * (size_t) train->n] = NULL;
      p->bpe = dd_bpe_learn (both, 2 * train->n, n_merges);
    }
  build_vocabs (p);
  p->K = MIN (K, p->tgt_vocab->n);
  p->bucket = dd_vocab_buckets (p->tgt_vocab, p->K, error);
  if (p->bucket == NULL)
    {
      dd_parallel_free (p);
      return NULL;
    }

  /* bucket names: the frequency ranks each spans (ids are in rank order
   * after the four special tokens, which are bucketed by their counts) */
  p->bucket_names = g_new0 (char *, p->K + 1);
  for (int k = 0; k < p->K; k++)
    {
      int lo = -1, hi = -1;
      for (int v = DD_N_SPECIAL_TOKENS; v < p->tgt_vocab->n; v++)
        if (p->bucket[v] == k)
          {
            if (lo < 0)
              lo = v - DD_N_SPECIAL_TOKENS + 1;
            hi = v - DD_N_SPECIAL_TOKENS + 1;
          }
      p->bucket_names[k] = lo < 0 ? g_strdup ("–")
                                  : lo == hi ? g_strdup_printf ("%d", lo)
                                             : g_strdup_printf ("%d–%d", lo, hi);
    }

  DdParallelSet *sets[3] = { &p->train, &p->dev, &p->test };
  for (int s = 0; s < 3; s++)
    encode_set (sets[s], part_names[s], p->corpus[s], p->src_vocab, p->tgt_vocab, p->bpe);
  return p;
}

void
dd_parallel_free (DdParallel *p)
{
  if (p == NULL)
    return;
  free_set (&p->train);
  free_set (&p->dev);
  free_set (&p->test);
  for (int s = 0; s < 3; s++)
    dd_corpus_free (p->corpus[s]);
  dd_vocab_free (p->src_vocab);
  dd_vocab_free (p->tgt_vocab);
  dd_bpe_free (p->bpe);
  g_free (p->bucket);
  g_strfreev (p->bucket_names);
  g_free (p->path);
  g_free (p);
}

void
dd_parallel_gather (const DdParallelSet *set, const int *idx, int B,
                    DdSeq2seqBatch *batch, int *src, int *src_len,
                    int *tgt_in, int *tgt_out)
{
  const int S = set->stride;
  int Ls = 1, Lt = 1;

  for (int i = 0; i < B; i++)
    {
      Ls = MAX (Ls, set->src_len[idx[i]]);
      Lt = MAX (Lt, set->tgt_len[idx[i]]);
    }
  for (int i = 0; i < B; i++)
    {
      const int *s = set->src + (size_t) idx[i] * S, *t = set->tgt + (size_t) idx[i] * S;
      const int ns = set->src_len[idx[i]], nt = set->tgt_len[idx[i]];
      for (int j = 0; j < Ls; j++)
        src[(size_t) i * Ls + j] = j < ns ? s[j] : DD_TOKEN_PAD;
      src_len[i] = ns;
      for (int j = 0; j < Lt; j++)
        {
          tgt_in[(size_t) i * Lt + j] = j < nt ? t[j] : DD_TOKEN_PAD;
          tgt_out[(size_t) i * Lt + j] = j < nt ? t[j + 1] : -1;
        }
    }
  *batch = (DdSeq2seqBatch) {
    .B = B, .Ls = Ls, .Lt = Lt,
    .src = src, .src_len = src_len, .tgt_in = tgt_in, .tgt_out = tgt_out,
  };
}

#define TRANSLATE_CHUNK 64

/* a hypothesis' ids as the words BLEU and the reader see: with subwords the
 * pieces are joined first, so a hypothesis is scored like the references */
static char *
hypothesis_text (const DdParallel *p, const int *ids, int n)
{
  if (p->bpe == NULL)
    return dd_vocab_decode (p->tgt_vocab, ids, n);

  g_autofree const char **pieces = g_new (const char *, MAX (n, 1));
  int m = 0;
  for (int i = 0; i < n; i++)
    {
      const int id = ids[i];
      if (id == DD_TOKEN_PAD || id == DD_TOKEN_BOS || id == DD_TOKEN_EOS)
        continue;
      pieces[m++] = id >= 0 && id < p->tgt_vocab->n ? p->tgt_vocab->words[id] : "<?>";
    }
  return dd_bpe_join ((char *const *) pieces, m);
}

/* one chunk of a translation, decoded into the job's arrays at the chunk's
 * sentences; called on any of the model's lanes (dd_seq2seq_map) */
typedef struct {
  const DdParallelSet *set;
  int                  n, beam;
  int                 *out, *out_len;   /* (n, DD_PARALLEL_MAX_LEN), (n) */
} Translation;

int *
dd_parallel_sources (const DdParallelSet *set, int first, int B, int *len, int *Ls)
{
  g_return_val_if_fail (set != NULL && first >= 0 && B >= 1 && first + B <= set->n, NULL);

  const int S = set->stride;
  int L = 1;
  for (int i = 0; i < B; i++)
    L = MAX (L, set->src_len[first + i]);
  int *src = g_new (int, (size_t) B * L);
  for (int i = 0; i < B; i++)
    {
      len[i] = set->src_len[first + i];
      for (int j = 0; j < L; j++)
        src[(size_t) i * L + j] = j < len[i] ? set->src[(size_t) (first + i) * S + j] : DD_TOKEN_PAD;
    }
  *Ls = L;
  return src;
}

static void
translate_chunk (DdSeq2seq *model, int c, gpointer data)
{
  const Translation *job = data;
  const DdParallelSet *set = job->set;
  const int M = DD_PARALLEL_MAX_LEN, start = c * TRANSLATE_CHUNK;
  const int B = MIN (TRANSLATE_CHUNK, job->n - start);
  int *out = job->out + (size_t) start * M, *out_len = job->out_len + start;
  int Ls;
  g_autofree int *len = g_new (int, B);
  g_autofree int *src = dd_parallel_sources (set, start, B, len, &Ls);
  if (job->beam > 1)
    dd_seq2seq_beam_batch (model, src, len, B, Ls, job->beam, out, out_len, NULL, M);
  else
    dd_seq2seq_greedy (model, src, len, B, Ls, out, out_len, M);
}

void
dd_parallel_translate (DdSeq2seq *model, const DdParallel *p, const DdParallelSet *set,
                       int n, int beam, DdBleuStats *stats, char ***hyps)
{
  if (n <= 0 || n > set->n)
    n = set->n;
  memset (stats, 0, sizeof *stats);
  if (hyps)
    *hyps = g_new0 (char *, n + 1);

  /* the chunks decoded on the model's lanes (one per thread), then scored
   * in order */
  g_autofree int *out = g_new (int, (size_t) MAX (n, 1) * DD_PARALLEL_MAX_LEN);
  g_autofree int *out_len = g_new (int, MAX (n, 1));
  Translation job = { set, n, beam, out, out_len };
  dd_seq2seq_map (model, (n + TRANSLATE_CHUNK - 1) / TRANSLATE_CHUNK, translate_chunk, &job);
  for (int i = 0; i < n; i++)
    {
      char *h = hypothesis_text (p, out + (size_t) i * DD_PARALLEL_MAX_LEN, out_len[i]);
      dd_bleu_stats_add (stats, h, set->ref_text[i]);
      if (hyps)
        (*hyps)[i] = h;
      else
        g_free (h);
    }
}
