/* dd-bpe.c: byte-pair merges over words
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Learning keeps, for every adjacent pair of symbols, its count over all
 * words (weighted by the words' counts) and the words it was seen in. A merge
 * takes the pair with the highest count (ties as in dd-bpe.h),
 * rewrites only the words that hold it and updates the counts of the pairs
 * those words lose and gain. Lists of words may hold a word twice, or a word
 * that no longer holds the pair: both are checked when the pair is merged.
 */
#include "dd-private.h"
#include "dd-bpe.h"
#include "dd-corpus.h"

#include <string.h>

#define END_OF_WORD "</w>"

typedef struct {
  int    *sym;
  int     len;
  gint64  count;
  int     stamp;    /* the last merge that rewrote it */
} Word;

typedef struct {
  int     a, b;
  gint64  count;
  GArray *words;    /* word ids (int) */
} Pair;

struct _DdBpe {
  GPtrArray  *symbols;    /* id → string (owned) */
  GHashTable *symbol_id;  /* string → id + 1 */
  int         n_merges;
  int        *merge_a, *merge_b, *merge_new;  /* (n_merges) */
  GHashTable *rank;       /* pair key → merge index + 1 */
  GHashTable *cache;      /* word → GStrv of its pieces */
};

static guint64
pair_key (int a, int b)
{
  return ((guint64) (guint32) a << 32) | (guint32) b;
}

static int
intern (DdBpe *bpe, const char *s)
{
  int id = GPOINTER_TO_INT (g_hash_table_lookup (bpe->symbol_id, s)) - 1;

  if (id >= 0)
    return id;
  char *copy = g_strdup (s);
  id = (int) bpe->symbols->len;
  g_ptr_array_add (bpe->symbols, copy);
  g_hash_table_insert (bpe->symbol_id, copy, GINT_TO_POINTER (id + 1));
  return id;
}

/* the word's characters as symbol ids, the last one marked; *len their number */
static int *
characters (DdBpe *bpe, const char *word, int *len)
{
  const glong n = g_utf8_strlen (word, -1);
  int *sym = g_new (int, MAX (n, 1));
  const char *p = word;

  for (glong i = 0; i < n; i++)
    {
      const char *next = g_utf8_next_char (p);
      g_autofree char *c = g_strndup (p, next - p);
      if (i == n - 1)
        {
          g_autofree char *marked = g_strconcat (c, END_OF_WORD, NULL);
          sym[i] = intern (bpe, marked);
        }
      else
        sym[i] = intern (bpe, c);
      p = next;
    }
  *len = (int) n;
  return sym;
}

static DdBpe *
bpe_new (void)
{
  DdBpe *bpe = g_new0 (DdBpe, 1);

  bpe->symbols = g_ptr_array_new_with_free_func (g_free);
  bpe->symbol_id = g_hash_table_new (g_str_hash, g_str_equal);
  bpe->rank = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  bpe->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_strfreev);
  return bpe;
}

void
dd_bpe_free (DdBpe *bpe)
{
  if (bpe == NULL)
    return;
  g_hash_table_destroy (bpe->symbol_id);
  g_ptr_array_unref (bpe->symbols);
  g_hash_table_destroy (bpe->rank);
  g_hash_table_destroy (bpe->cache);
  g_free (bpe->merge_a);
  g_free (bpe->merge_b);
  g_free (bpe->merge_new);
  g_free (bpe);
}

/* --- learning ---------------------------------------------------------------- */

typedef struct {
  GArray     *pairs;      /* Pair, in the order made */
  GHashTable *pair_of;    /* pair key → index + 1 */
  Word       *words;
} Learner;

static Pair *
pair_get (Learner *l, int a, int b)
{
  guint64 key = pair_key (a, b);
  int i = GPOINTER_TO_INT (g_hash_table_lookup (l->pair_of, &key)) - 1;

  if (i < 0)
    {
      Pair p = { a, b, 0, g_array_new (FALSE, FALSE, sizeof (int)) };
      g_array_append_val (l->pairs, p);
      i = (int) l->pairs->len - 1;
      g_hash_table_insert (l->pair_of, g_memdup2 (&key, sizeof key), GINT_TO_POINTER (i + 1));
    }
  return &g_array_index (l->pairs, Pair, i);
}

/* among pairs of equal counts, the one whose left symbol, then right, comes
 * first in byte order */
static gboolean
pair_before (const DdBpe *bpe, const Pair *p, const Pair *q)
{
  int c = strcmp (g_ptr_array_index (bpe->symbols, p->a), g_ptr_array_index (bpe->symbols, q->a));
  if (c == 0)
    c = strcmp (g_ptr_array_index (bpe->symbols, p->b), g_ptr_array_index (bpe->symbols, q->b));
  return c < 0;
}

/* adds (sign +1) or removes (−1) the pairs of word w */
static void
count_pairs (Learner *l, int w, int sign)
{
  const Word *word = &l->words[w];

  for (int i = 0; i + 1 < word->len; i++)
    {
      Pair *p = pair_get (l, word->sym[i], word->sym[i + 1]);
      p->count += sign * word->count;
      if (sign > 0)
        g_array_append_val (p->words, w);
    }
}

DdBpe *
dd_bpe_learn (char *const *sentences, int n, int n_merges)
{
  g_return_val_if_fail (sentences != NULL || n == 0, NULL);
  g_return_val_if_fail (n >= 0 && n_merges >= 0, NULL);

  DdBpe *bpe = bpe_new ();
  g_autoptr(GHashTable) word_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) words = g_array_new (FALSE, TRUE, sizeof (Word));

  /* the words, in the order they first appear, with their counts */
  for (int s = 0; s < n; s++)
    {
      g_auto(GStrv) tokens = dd_tokenize (sentences[s]);
      for (int t = 0; tokens[t] != NULL; t++)
        {
          int w = GPOINTER_TO_INT (g_hash_table_lookup (word_of, tokens[t])) - 1;
          if (w < 0)
            {
              Word word = { 0 };
              word.sym = characters (bpe, tokens[t], &word.len);
              word.stamp = -1;
              g_array_append_val (words, word);
              w = (int) words->len - 1;
              g_hash_table_insert (word_of, g_strdup (tokens[t]), GINT_TO_POINTER (w + 1));
            }
          g_array_index (words, Word, w).count++;
        }
    }

  Learner l = {
    .pairs = g_array_new (FALSE, FALSE, sizeof (Pair)),
    .pair_of = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL),
    .words = (Word *) words->data,
  };
  for (int w = 0; w < (int) words->len; w++)
    count_pairs (&l, w, +1);

  bpe->merge_a = g_new (int, MAX (n_merges, 1));
  bpe->merge_b = g_new (int, MAX (n_merges, 1));
  bpe->merge_new = g_new (int, MAX (n_merges, 1));
  for (int m = 0; m < n_merges; m++)
    {
      int best = -1;
      gint64 best_count = 0;
      for (int i = 0; i < (int) l.pairs->len; i++)
        {
          const Pair *p = &g_array_index (l.pairs, Pair, i);
          if (p->count > best_count ||
              (p->count == best_count && best >= 0 &&
               pair_before (bpe, p, &g_array_index (l.pairs, Pair, best))))
            best = i, best_count = p->count;
        }
      if (best < 0)
        break;

      const int a = g_array_index (l.pairs, Pair, best).a;
      const int b = g_array_index (l.pairs, Pair, best).b;
      g_autofree char *joined = g_strconcat (g_ptr_array_index (bpe->symbols, a),
                                             g_ptr_array_index (bpe->symbols, b), NULL);
      const int merged = intern (bpe, joined);
      /* the list is taken: rewriting words appends to the lists of the pairs
       * they gain, which may be this pair's again ("a a a") */
      GArray *list = g_array_index (l.pairs, Pair, best).words;
      g_array_index (l.pairs, Pair, best).words = g_array_new (FALSE, FALSE, sizeof (int));
      for (guint k = 0; k < list->len; k++)
        {
          const int w = g_array_index (list, int, k);
          Word *word = &l.words[w];
          gboolean holds = FALSE;
          if (word->stamp == m)
            continue;
          for (int i = 0; i + 1 < word->len && !holds; i++)
            holds = word->sym[i] == a && word->sym[i + 1] == b;
          if (!holds)
            continue;
          word->stamp = m;
          count_pairs (&l, w, -1);
          int out = 0;
          for (int i = 0; i < word->len; i++)
            if (i + 1 < word->len && word->sym[i] == a && word->sym[i + 1] == b)
              word->sym[out++] = merged, i++;
            else
              word->sym[out++] = word->sym[i];
          word->len = out;
          count_pairs (&l, w, +1);
        }
      g_array_unref (list);
      g_warn_if_fail (g_array_index (l.pairs, Pair, best).count == 0);

      bpe->merge_a[m] = a;
      bpe->merge_b[m] = b;
      bpe->merge_new[m] = merged;
      guint64 key = pair_key (a, b);
      g_hash_table_insert (bpe->rank, g_memdup2 (&key, sizeof key), GINT_TO_POINTER (m + 1));
      bpe->n_merges = m + 1;
    }

  for (guint i = 0; i < l.pairs->len; i++)
    g_array_unref (g_array_index (l.pairs, Pair, i).words);
  g_array_unref (l.pairs);
  g_hash_table_destroy (l.pair_of);
  for (guint w = 0; w < words->len; w++)
    g_free (g_array_index (words, Word, w).sym);
  return bpe;
}

int
dd_bpe_n_merges (const DdBpe *bpe)
{
  return bpe->n_merges;
}

void
dd_bpe_merge (const DdBpe *bpe, int i, const char **left, const char **right)
{
  g_return_if_fail (i >= 0 && i < bpe->n_merges);
  *left = g_ptr_array_index (bpe->symbols, bpe->merge_a[i]);
  *right = g_ptr_array_index (bpe->symbols, bpe->merge_b[i]);
}

/* --- applying ---------------------------------------------------------------- */

char **
dd_bpe_segment_word (DdBpe *bpe, const char *word)
{
  g_return_val_if_fail (word != NULL, NULL);

  char **cached = g_hash_table_lookup (bpe->cache, word);
  if (cached != NULL)
    return g_strdupv (cached);

  int len;
  g_autofree int *sym = characters (bpe, word, &len);
  /* the learned merge of lowest rank among adjacent pairs, everywhere in the
   * word, until none applies: the merges in the order learned */
  for (;;)
    {
      int best = G_MAXINT;
      for (int i = 0; i + 1 < len; i++)
        {
          guint64 key = pair_key (sym[i], sym[i + 1]);
          int r = GPOINTER_TO_INT (g_hash_table_lookup (bpe->rank, &key)) - 1;
          if (r >= 0 && r < best)
            best = r;
        }
      if (best == G_MAXINT)
        break;
      const int a = bpe->merge_a[best], b = bpe->merge_b[best];
      int out = 0;
      for (int i = 0; i < len; i++)
        if (i + 1 < len && sym[i] == a && sym[i + 1] == b)
          sym[out++] = bpe->merge_new[best], i++;
        else
          sym[out++] = sym[i];
      len = out;
    }

  char **pieces = g_new0 (char *, len + 1);
  for (int i = 0; i < len; i++)
    {
      const char *s = g_ptr_array_index (bpe->symbols, sym[i]);
      if (i == len - 1)
        pieces[i] = g_strndup (s, strlen (s) - strlen (END_OF_WORD));
      else
        pieces[i] = g_strconcat (s, DD_BPE_JOINER, NULL);
    }
  g_hash_table_insert (bpe->cache, g_strdup (word), g_strdupv (pieces));
  return pieces;
}

char **
dd_bpe_segment (DdBpe *bpe, const char *sentence)
{
  g_auto(GStrv) words = dd_tokenize (sentence);
  g_autoptr(GPtrArray) out = g_ptr_array_new ();

  for (int w = 0; words[w] != NULL; w++)
    {
      g_auto(GStrv) pieces = dd_bpe_segment_word (bpe, words[w]);
      for (int i = 0; pieces[i] != NULL; i++)
        g_ptr_array_add (out, g_steal_pointer (&pieces[i]));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

char *
dd_bpe_join (char *const *tokens, int n)
{
  GString *s = g_string_new (NULL);
  const size_t jl = strlen (DD_BPE_JOINER);
  gboolean open = FALSE;   /* the last piece continues into the next */

  for (int i = 0; i < n; i++)
    {
      const size_t len = strlen (tokens[i]);
      const gboolean cont = len >= jl && strcmp (tokens[i] + len - jl, DD_BPE_JOINER) == 0;
      if (s->len > 0 && !open)
        g_string_append_c (s, ' ');
      g_string_append_len (s, tokens[i], cont ? (gssize) (len - jl) : (gssize) len);
      open = cont;
    }
  return g_string_free (s, FALSE);
}
