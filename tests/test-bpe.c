/* test-bpe.c: byte-pair merges
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine's incremental learner against a plain one written here: every
 * merge recounts every pair of every word, takes the most frequent (ties: the
 * first left, then right symbol in byte order) and rewrites every word. On the
 * example of Sennrich et al. (2016) and on the German and English sides of
 * the real corpus's training split (a slice). Then segmentation: every word
 * joins back to itself, a training word's pieces are learned symbols, and a
 * word of unseen characters still segments.
 */
#include "didact-engine.h"

#include <string.h>

/* --- the plain learner ----------------------------------------------------- */

typedef struct {
  GPtrArray *sym;   /* strings */
  int        count;
} PlainWord;

static void
plain_word_free (gpointer p)
{
  PlainWord *w = p;
  g_ptr_array_unref (w->sym);
  g_free (w);
}

/* the merges as "left right" strings */
static GPtrArray *
plain_learn (char *const *sentences, int n, int n_merges)
{
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (plain_word_free);
  GPtrArray *merges = g_ptr_array_new_with_free_func (g_free);

  for (int s = 0; s < n; s++)
    {
      g_auto(GStrv) tokens = dd_tokenize (sentences[s]);
      for (int t = 0; tokens[t]; t++)
        {
          PlainWord *w = g_hash_table_lookup (index, tokens[t]);
          if (w == NULL)
            {
              w = g_new0 (PlainWord, 1);
              w->sym = g_ptr_array_new_with_free_func (g_free);
              for (const char *p = tokens[t]; *p; p = g_utf8_next_char (p))
                g_ptr_array_add (w->sym, g_strndup (p, g_utf8_next_char (p) - p));
              char *last = w->sym->pdata[w->sym->len - 1];
              w->sym->pdata[w->sym->len - 1] = g_strconcat (last, "</w>", NULL);
              g_free (last);
              g_ptr_array_add (words, w);
              g_hash_table_insert (index, g_strdup (tokens[t]), w);
            }
          w->count++;
        }
    }
  for (int m = 0; m < n_merges; m++)
    {
      g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (guint i = 0; i < words->len; i++)
        {
          PlainWord *w = words->pdata[i];
          for (guint j = 0; j + 1 < w->sym->len; j++)
            {
              char *key = g_strconcat (w->sym->pdata[j], "\x1f", w->sym->pdata[j + 1], NULL);
              gint64 *c = g_hash_table_lookup (counts, key);
              if (c == NULL)
                g_hash_table_insert (counts, key, c = g_new0 (gint64, 1));
              else
                g_free (key);
              *c += w->count;
            }
        }
      GHashTableIter it;
      gpointer k, v;
      const char *best = NULL;
      gint64 best_count = 0;
      g_hash_table_iter_init (&it, counts);
      while (g_hash_table_iter_next (&it, &k, &v))
        {
          const gint64 c = *(gint64 *) v;
          /* "\x1f" sorts before every printable byte: byte order of the key
           * is the order of the left symbol, then the right */
          if (c > best_count || (c == best_count && strcmp (k, best) < 0))
            best = k, best_count = c;
        }
      if (best == NULL)
        break;
      g_auto(GStrv) parts = g_strsplit (best, "\x1f", 2);
      g_autofree char *joined = g_strconcat (parts[0], parts[1], NULL);
      g_ptr_array_add (merges, g_strconcat (parts[0], " ", parts[1], NULL));
      for (guint i = 0; i < words->len; i++)
        {
          PlainWord *w = words->pdata[i];
          GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
          for (guint j = 0; j < w->sym->len; j++)
            if (j + 1 < w->sym->len && strcmp (w->sym->pdata[j], parts[0]) == 0 &&
                strcmp (w->sym->pdata[j + 1], parts[1]) == 0)
              g_ptr_array_add (out, g_strdup (joined)), j++;
            else
              g_ptr_array_add (out, g_strdup (w->sym->pdata[j]));
          g_ptr_array_unref (w->sym);
          w->sym = out;
        }
    }
  return merges;
}

static void
assert_same_merges (DdBpe *bpe, GPtrArray *plain)
{
  g_assert_cmpint (dd_bpe_n_merges (bpe), ==, plain->len);
  for (int i = 0; i < dd_bpe_n_merges (bpe); i++)
    {
      const char *a, *b;
      dd_bpe_merge (bpe, i, &a, &b);
      g_autofree char *got = g_strconcat (a, " ", b, NULL);
      if (strcmp (got, plain->pdata[i]) != 0)
        g_error ("merge %d: the engine merged \"%s\", the plain learner \"%s\"",
                 i, got, (char *) plain->pdata[i]);
    }
}

/* every word of the sentences joins back to itself from its pieces, and a
 * piece without its joiner is a symbol some merge made or a character */
static void
assert_segments (DdBpe *bpe, char *const *sentences, int n)
{
  g_autoptr(GHashTable) made = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < dd_bpe_n_merges (bpe); i++)
    {
      const char *a, *b;
      dd_bpe_merge (bpe, i, &a, &b);
      g_hash_table_add (made, g_strconcat (a, b, NULL));
    }
  for (int s = 0; s < n; s++)
    {
      g_auto(GStrv) words = dd_tokenize (sentences[s]);
      g_auto(GStrv) pieces = dd_bpe_segment (bpe, sentences[s]);
      g_autofree char *joined = dd_bpe_join (pieces, g_strv_length (pieces));
      g_autofree char *expected = g_strjoinv (" ", words);
      g_assert_cmpstr (joined, ==, expected);
      for (int p = 0; pieces[p]; p++)
        {
          const size_t len = strlen (pieces[p]);
          const gboolean cont = len > 2 && strcmp (pieces[p] + len - 2, DD_BPE_JOINER) == 0;
          g_autofree char *sym = cont ? g_strndup (pieces[p], len - 2)
                                      : g_strconcat (pieces[p], "</w>", NULL);
          if (g_utf8_strlen (pieces[p], cont ? (gssize) len - 2 : -1) > 1)
            g_assert_true (g_hash_table_contains (made, sym));
        }
    }
}

static void
test_paper_example (void)
{
  /* the vocabulary of Sennrich et al. (2016), Figure 1: low ×5, lower ×2,
   * newest ×6, widest ×3 */
  char *sentences[] = {
    "low low low low low lower lower", "newest newest newest newest newest newest",
    "widest widest widest",
  };
  g_autoptr(DdBpe) bpe = dd_bpe_learn (sentences, 3, 10);
  g_autoptr(GPtrArray) plain = plain_learn (sentences, 3, 10);
  assert_same_merges (bpe, plain);
  /* e s and s t</w> both occur 9 times: "e" comes first */
  const char *a, *b;
  dd_bpe_merge (bpe, 0, &a, &b);
  g_assert_cmpstr (a, ==, "e");
  g_assert_cmpstr (b, ==, "s");
  dd_bpe_merge (bpe, 1, &a, &b);
  g_assert_cmpstr (a, ==, "es");
  g_assert_cmpstr (b, ==, "t</w>");
  dd_bpe_merge (bpe, 2, &a, &b);
  g_assert_cmpstr (a, ==, "l");
  g_assert_cmpstr (b, ==, "o");
  assert_segments (bpe, sentences, 3);

  /* the merges apply to words they never saw: "est</w>" was made, but "w"
   * before more letters was only ever in "lower", too rare to join "lo" */
  g_auto(GStrv) lowest = dd_bpe_segment_word (bpe, "lowest");
  g_autofree char *lowest_joined = g_strjoinv (" ", lowest);
  g_assert_cmpstr (lowest_joined, ==, "lo@@ w@@ est");
  g_auto(GStrv) newest = dd_bpe_segment_word (bpe, "newest");
  g_assert_cmpint (g_strv_length (newest), ==, 1);

  /* asking for more merges than pairs stops when every word is one symbol */
  g_autoptr(DdBpe) all = dd_bpe_learn (sentences, 3, 1000);
  g_autoptr(GPtrArray) plain_all = plain_learn (sentences, 3, 1000);
  assert_same_merges (all, plain_all);
  g_assert_cmpint (dd_bpe_n_merges (all), <, 1000);
  g_auto(GStrv) lower = dd_bpe_segment_word (all, "lower");
  g_assert_cmpint (g_strv_length (lower), ==, 1);
  g_assert_cmpstr (lower[0], ==, "lower");
}

static void
test_repeats_and_unseen (void)
{
  /* "a a a": a pair that overlaps itself merges from the left */
  char *sentences[] = { "aaa aaa aaaa bab" };
  g_autoptr(DdBpe) bpe = dd_bpe_learn (sentences, 1, 20);
  g_autoptr(GPtrArray) plain = plain_learn (sentences, 1, 20);
  assert_same_merges (bpe, plain);
  assert_segments (bpe, sentences, 1);

  /* characters the merges never met, multi-byte ones included */
  g_auto(GStrv) pieces = dd_bpe_segment_word (bpe, "zaaß→");
  g_autofree char *joined = dd_bpe_join (pieces, g_strv_length (pieces));
  g_assert_cmpstr (joined, ==, "zaaß→");
  g_assert_cmpstr (pieces[0], ==, "z@@");

  /* no merges at all: single characters */
  g_autoptr(DdBpe) none = dd_bpe_learn (sentences, 1, 0);
  g_assert_cmpint (dd_bpe_n_merges (none), ==, 0);
  g_auto(GStrv) chars = dd_bpe_segment_word (none, "bab");
  g_assert_cmpint (g_strv_length (chars), ==, 3);
  g_assert_cmpstr (chars[0], ==, "b@@");
  g_assert_cmpstr (chars[2], ==, "b");
}

static void
test_join (void)
{
  char *tokens[] = { "tom@@", "or@@", "row", "we", "go@@" };
  g_autofree char *all = dd_bpe_join (tokens, 5);
  g_assert_cmpstr (all, ==, "tomorrow we go");   /* a dangling joiner is dropped */
  g_autofree char *empty = dd_bpe_join (tokens, 0);
  g_assert_cmpstr (empty, ==, "");
}

static void
test_corpus (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = dd_corpus_locate (&error);
  if (path == NULL)
    {
      g_test_skip (error->message);
      return;
    }
  g_autoptr(DdCorpus) all = dd_corpus_load (path, &error);
  g_assert_no_error (error);
  DdCorpus *train, *dev, *test;
  dd_corpus_split (all, &train, &dev, &test);
  const int n = MIN (train->n, 2000);

  for (int side = 0; side < 2; side++)
    {
      char **sentences = side == 0 ? train->src : train->tgt;
      g_autoptr(DdBpe) bpe = dd_bpe_learn (sentences, n, 300);
      g_autoptr(GPtrArray) plain = plain_learn (sentences, n, 300);
      assert_same_merges (bpe, plain);
      assert_segments (bpe, sentences, n);
      /* sentences the merges did not see (dev) join back the same */
      assert_segments (bpe, side == 0 ? dev->src : dev->tgt, MIN (dev->n, 300));
      /* the same words in another order give the same merges */
      g_autofree char **reversed = g_new (char *, n);
      for (int i = 0; i < n; i++)
        reversed[i] = sentences[n - 1 - i];
      g_autoptr(DdBpe) again = dd_bpe_learn (reversed, n, 300);
      assert_same_merges (again, plain);
    }
  dd_corpus_free (train);
  dd_corpus_free (dev);
  dd_corpus_free (test);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bpe/paper-example", test_paper_example);
  g_test_add_func ("/bpe/repeats-and-unseen", test_repeats_and_unseen);
  g_test_add_func ("/bpe/join", test_join);
  g_test_add_func ("/bpe/corpus", test_corpus);
  return g_test_run ();
}
