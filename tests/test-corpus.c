/* test-corpus.c: the Ding dictionary reader, the split, the tokenizer,
 * vocabularies and frequency buckets
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rules are checked on small dictionaries written here, with every kind of
 * malformed line and rejected pair counted by reason; then the real
 * /usr/share/trans/de-en (Debian's trans-de-en) is loaded, its figures
 * printed, and its split, vocabularies and buckets checked. The real file is
 * loaded once for all tests and a second time for determinism.
 */
#include "dd-corpus.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

static DdCorpus *real_corpus;
static gboolean real_corpus_tried;

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("didact-test-corpus-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static char *
write_file (const char *dir,
            const char *name,
            const char *text,
            gssize      len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, text, len, &error);
  g_assert_no_error (error);
  return path;
}

/* the real file, loaded once; NULL (and the test skipped) when absent */
static const DdCorpus *
get_real_corpus (void)
{
  if (!real_corpus_tried)
    {
      g_autoptr(GError) error = NULL;

      real_corpus_tried = TRUE;
      if (g_file_test (DD_CORPUS_DEFAULT_PATH, G_FILE_TEST_EXISTS))
        {
          real_corpus = dd_corpus_load (DD_CORPUS_DEFAULT_PATH, &error);
          g_assert_no_error (error);
        }
    }
  if (real_corpus == NULL)
    g_test_skip (DD_CORPUS_DEFAULT_PATH " is not installed "
                 "(sudo apt-get install trans-de-en)");
  return real_corpus;
}

static int
count_words (const char *s)
{
  g_auto(GStrv) words = g_strsplit (s, " ", -1);

  return g_strv_length (words);
}

static void
assert_same_corpus (const DdCorpus *a,
                    const DdCorpus *b)
{
  g_assert_cmpint (a->n, ==, b->n);
  for (int i = 0; i < a->n; i++)
    {
      g_assert_cmpstr (a->src[i], ==, b->src[i]);
      g_assert_cmpstr (a->tgt[i], ==, b->tgt[i]);
    }
}

/* ------------------------------------------------------------------------ */
/* Synthetic dictionaries                                                   */

static const char synthetic_dict[] =
  "# Version :: devel 2023-01-30\n"
  "# a comment line\n"
  "\n"
  /* sub-entries: a word (not a sentence) and a sentence */
  "Haus {n} [arch.] | Das Haus ist groß. :: house | The house is big.\n"
  /* parentheses and alternatives: the first alternative, glosses removed */
  "Ich gehe (morgen) nach Hause.; Ich gehe heim. :: "
  "I am going home (tomorrow).; I go home.\n"
  /* a trailing annotation; a two-word sentence */
  "Er hat es getan. {ugs.} | Sie kommt. :: He did it. [coll.] | She comes.\n"
  /* an exact duplicate, then a pair differing on one side */
  "Das Haus ist groß. :: The house is big.\n"
  "Das Haus ist groß. :: The house is large.\n"
  /* placeholders, a slash, an ellipsis */
  "Er gibt jdm. etw. zurück. :: He gives sth. back to sb.\n"
  "Das ist nur dem Namen nach so. :: It is so in name only/alone.\n"
  "Warte mal … bitte. :: Wait … please.\n"
  /* no final punctuation */
  "Das ist ein Haus :: This is a house\n"
  /* 41 words */
  "Wort wort wort wort wort wort wort wort wort wort wort wort wort wort "
  "wort wort wort wort wort wort wort wort wort wort wort wort wort wort "
  "wort wort wort wort wort wort wort wort wort wort wort wort wort. :: "
  "Too long a sentence.\n"
  /* malformed: separator missing or doubled */
  "Kein Trenner hier.\n"
  "Eins. :: Zwei. :: Drei.\n"
  /* malformed: unbalanced and mismatched brackets */
  "Das (ist [falsch). :: That is wrong.\n"
  "Das ist {falsch. :: That is wrong.\n"
  "Das ist falsch. :: That ) is wrong.\n"
  /* malformed: sub-entry counts differ */
  "Eins ist gut. | Zwei ist gut. :: One is good.\n"
  /* malformed: Latin-1, not UTF-8 */
  "Gr\xfc\xdf" "e sind gut. :: Greetings are good.\n"
  /* a CRLF line */
  "Wir sehen uns morgen wieder. :: See you again tomorrow.\r\n"
  /* nested annotations; the last line has no newline */
  "Sie ist {f} (sehr (wirklich)) nett. :: She is (very) nice.";

static void
test_synthetic_extract (void)
{
  static const char *const want[][2] = {
    { "Das Haus ist groß.", "The house is big." },
    { "Ich gehe nach Hause.", "I am going home." },
    { "Er hat es getan.", "He did it." },
    { "Das Haus ist groß.", "The house is large." },
    { "Wir sehen uns morgen wieder.", "See you again tomorrow." },
    { "Sie ist nett.", "She is nice." },
  };
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = write_file (dir, "de-en", synthetic_dict, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdCorpus) corpus = dd_corpus_load (path, &error);
  const DdCorpusCounts *c;

  g_assert_no_error (error);
  g_assert_nonnull (corpus);
  g_assert_cmpstr (corpus->path, ==, path);
  g_assert_cmpint (corpus->n, ==, G_N_ELEMENTS (want));
  for (gsize i = 0; i < G_N_ELEMENTS (want); i++)
    {
      g_assert_cmpstr (corpus->src[i], ==, want[i][0]);
      g_assert_cmpstr (corpus->tgt[i], ==, want[i][1]);
    }
  g_assert_null (corpus->src[corpus->n]);
  g_assert_null (corpus->tgt[corpus->n]);

  c = &corpus->counts;
  g_assert_cmpint (c->lines, ==, 22);
  g_assert_cmpint (c->comments, ==, 3);
  g_assert_cmpint (c->bad_separator, ==, 2);
  g_assert_cmpint (c->bad_brackets, ==, 3);
  g_assert_cmpint (c->bad_count, ==, 1);
  g_assert_cmpint (c->bad_utf8, ==, 1);
  g_assert_cmpint (c->entries, ==, 12);
  g_assert_cmpint (c->subentries, ==, 14);
  g_assert_cmpint (c->not_sentence, ==, 2);
  g_assert_cmpint (c->too_short, ==, 1);
  g_assert_cmpint (c->too_long, ==, 1);
  g_assert_cmpint (c->leftover, ==, 3);
  g_assert_cmpint (c->duplicates, ==, 1);
  g_assert_cmpint (c->subentries, ==, corpus->n + c->not_sentence
                   + c->too_short + c->too_long + c->leftover
                   + c->duplicates);

  g_unlink (path);
  g_rmdir (dir);
}

/* every prefix of the synthetic file parses without a crash, and cutting
 * inside a multi-byte character or a line only ever loses that line */
static void
test_synthetic_prefixes (void)
{
  gsize len = strlen (synthetic_dict);

  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autoptr(DdCorpus) corpus = dd_corpus_parse (synthetic_dict, cut, "x");

      g_assert_cmpint (corpus->n, <=, 6);
      g_assert_cmpint (corpus->counts.lines, ==,
                       corpus->counts.comments + corpus->counts.entries
                       + corpus->counts.bad_separator
                       + corpus->counts.bad_brackets
                       + corpus->counts.bad_count + corpus->counts.bad_utf8);
    }
  {
    g_autoptr(DdCorpus) empty = dd_corpus_parse (NULL, 0, NULL);
    g_assert_cmpint (empty->n, ==, 0);
    g_assert_nonnull (empty->src);
    g_assert_null (empty->src[0]);
  }
}

static void
test_missing_and_unreadable (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *missing = g_build_filename (dir, "no-such-file", NULL);
  g_autofree char *empty = write_file (dir, "empty", "", 0);
  g_autofree char *junk = write_file (dir, "junk", "just text\nno pairs\n", -1);
  g_autoptr(GError) error = NULL;
  DdCorpus *corpus;

  corpus = dd_corpus_load (missing, &error);
  g_assert_null (corpus);
  g_assert_error (error, DD_ERROR, DD_ERROR_DATA_MISSING);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_nonnull (strstr (error->message, "sudo apt-get install trans-de-en"));
  g_clear_error (&error);

  /* a directory cannot be read as a file */
  corpus = dd_corpus_load (dir, &error);
  g_assert_null (corpus);
  g_assert_error (error, DD_ERROR, DD_ERROR_IO);
  g_assert_nonnull (strstr (error->message, dir));
  g_assert_nonnull (strstr (error->message, "sudo apt-get install trans-de-en"));
  g_clear_error (&error);

  corpus = dd_corpus_load (empty, &error);
  g_assert_null (corpus);
  g_assert_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT);
  g_clear_error (&error);

  corpus = dd_corpus_load (junk, &error);
  g_assert_null (corpus);
  g_assert_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT);
  g_assert_nonnull (strstr (error->message, junk));
  g_clear_error (&error);

  g_unlink (empty);
  g_unlink (junk);
  g_rmdir (dir);
}

static void
test_locate_override (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *saved = g_strdup (g_getenv ("DIDACT_DATA_DIR"));
  g_autofree char *path = write_file (dir, DD_CORPUS_ENV_NAME,
                                      synthetic_dict, -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;

  g_setenv ("DIDACT_DATA_DIR", dir, TRUE);
  found = dd_corpus_locate (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, path);
  {
    g_autoptr(DdCorpus) corpus = dd_corpus_load (NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (corpus->n, ==, 6);
  }

  /* without the override file, the system file or a DATA_MISSING error */
  g_unlink (path);
  g_clear_pointer (&found, g_free);
  found = dd_corpus_locate (&error);
  if (g_file_test (DD_CORPUS_DEFAULT_PATH, G_FILE_TEST_IS_REGULAR))
    {
      g_assert_no_error (error);
      g_assert_cmpstr (found, ==, DD_CORPUS_DEFAULT_PATH);
    }
  else
    {
      g_assert_error (error, DD_ERROR, DD_ERROR_DATA_MISSING);
      g_assert_nonnull (strstr (error->message, "trans-de-en"));
    }

  if (saved != NULL)
    g_setenv ("DIDACT_DATA_DIR", saved, TRUE);
  else
    g_unsetenv ("DIDACT_DATA_DIR");
  g_rmdir (dir);
}

/* ------------------------------------------------------------------------ */
/* Split                                                                    */

static DdCorpus *
numbered_corpus (int n)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (int i = 0; i < n; i++)
    g_string_append_printf (text, "Satz Nummer %d ist hier. :: "
                            "Sentence number %d is here.\n", i, i);
  return dd_corpus_parse (text->str, text->len, NULL);
}

static void
test_split_small (void)
{
  g_autoptr(DdCorpus) corpus = numbered_corpus (100);
  g_autoptr(DdCorpus) train = NULL, dev = NULL, test = NULL;
  g_autoptr(DdCorpus) train2 = NULL, dev2 = NULL, test2 = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  DdCorpus *parts[3];

  g_assert_cmpint (corpus->n, ==, 100);
  dd_corpus_split (corpus, &train, &dev, &test);
  g_assert_cmpint (dev->n, ==, 10);
  g_assert_cmpint (test->n, ==, 10);
  g_assert_cmpint (train->n, ==, 80);

  /* disjoint, together the whole corpus, pairs kept aligned */
  parts[0] = train, parts[1] = dev, parts[2] = test;
  for (int p = 0; p < 3; p++)
    for (int i = 0; i < parts[p]->n; i++)
      {
        int a, b;

        g_assert_true (g_hash_table_add (seen, parts[p]->src[i]));
        g_assert_cmpint (sscanf (parts[p]->src[i], "Satz Nummer %d", &a), ==, 1);
        g_assert_cmpint (sscanf (parts[p]->tgt[i], "Sentence number %d", &b), ==, 1);
        g_assert_cmpint (a, ==, b);
      }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 100);

  dd_corpus_split (corpus, &train2, &dev2, &test2);
  assert_same_corpus (train, train2);
  assert_same_corpus (dev, dev2);
  assert_same_corpus (test, test2);

  /* too small to hold anything out */
  {
    g_autoptr(DdCorpus) tiny = numbered_corpus (3);
    g_autoptr(DdCorpus) t = NULL, d = NULL, e = NULL;

    dd_corpus_split (tiny, &t, &d, &e);
    g_assert_cmpint (t->n, ==, 3);
    g_assert_cmpint (d->n, ==, 0);
    g_assert_cmpint (e->n, ==, 0);
  }
}

/* ------------------------------------------------------------------------ */
/* Tokenizer and vocabularies                                               */

static void
assert_tokens (const char        *sentence,
               const char *const *want)
{
  g_auto(GStrv) tokens = dd_tokenize (sentence);

  g_assert_cmpstrv (tokens, want);
}

static void
test_tokenize (void)
{
  assert_tokens ("„Don’t“, sagte er: Grüße aus Köln!",
                 (const char *const[]) { "\"", "don't", "\"", ",", "sagte",
                                         "er", ":", "grüße", "aus", "köln",
                                         "!", NULL });
  assert_tokens ("  ÄRGER auf der Straße kostet 2.000 Euro.  ",
                 (const char *const[]) { "ärger", "auf", "der", "straße",
                                         "kostet", "2.000", "euro", ".",
                                         NULL });
  assert_tokens ("'Fast' is the opposite of 'slow'...",
                 (const char *const[]) { "'", "fast", "'", "is", "the",
                                         "opposite", "of", "'", "slow", "'",
                                         ".", ".", ".", NULL });
  assert_tokens ("", (const char *const[]) { NULL });
  assert_tokens ("Wie geht's?", (const char *const[]) { "wie", "geht's", "?",
                                                        NULL });
}

static void
test_vocab_synthetic (void)
{
  char *sentences[] = { "The cat sat.", "the dog sat.", "A cat ran." };
  g_autoptr(DdVocab) vocab = dd_vocab_build (sentences, 3, 2, 0);
  g_autoptr(DdVocab) small = dd_vocab_build (sentences, 3, 1, 6);
  int ids[16];
  int n;
  g_autofree char *text = NULL;

  /* "." 3, then cat, sat, the with 2 each in strcmp order */
  g_assert_cmpint (vocab->n, ==, 8);
  g_assert_cmpstr (vocab->words[DD_TOKEN_PAD], ==, "<pad>");
  g_assert_cmpstr (vocab->words[DD_TOKEN_UNK], ==, "<unk>");
  g_assert_cmpstr (vocab->words[DD_TOKEN_BOS], ==, "<s>");
  g_assert_cmpstr (vocab->words[DD_TOKEN_EOS], ==, "</s>");
  g_assert_cmpstr (vocab->words[4], ==, ".");
  g_assert_cmpstr (vocab->words[5], ==, "cat");
  g_assert_cmpstr (vocab->words[6], ==, "sat");
  g_assert_cmpstr (vocab->words[7], ==, "the");
  g_assert_null (vocab->words[8]);
  g_assert_cmpint (vocab->counts[4], ==, 3);
  g_assert_cmpint (vocab->counts[7], ==, 2);
  g_assert_cmpint (vocab->counts[DD_TOKEN_UNK], ==, 3); /* dog a ran */
  g_assert_cmpint (vocab->counts[DD_TOKEN_EOS], ==, 3);
  g_assert_cmpint (vocab->counts[DD_TOKEN_BOS], ==, 0);
  g_assert_cmpint (vocab->counts[DD_TOKEN_PAD], ==, 0);
  g_assert_cmpint (dd_vocab_lookup (vocab, "sat"), ==, 6);
  g_assert_cmpint (dd_vocab_lookup (vocab, "dog"), ==, DD_TOKEN_UNK);
  g_assert_cmpint (dd_vocab_lookup (vocab, "</s>"), ==, DD_TOKEN_EOS);

  n = dd_vocab_encode (vocab, "The bird sat.", ids, G_N_ELEMENTS (ids), TRUE);
  g_assert_cmpint (n, ==, 6);
  g_assert_cmpint (ids[0], ==, DD_TOKEN_BOS);
  g_assert_cmpint (ids[1], ==, 7);
  g_assert_cmpint (ids[2], ==, DD_TOKEN_UNK);
  g_assert_cmpint (ids[3], ==, 6);
  g_assert_cmpint (ids[4], ==, 4);
  g_assert_cmpint (ids[5], ==, DD_TOKEN_EOS);
  text = dd_vocab_decode (vocab, ids, n);
  g_assert_cmpstr (text, ==, "the <unk> sat .");
  g_clear_pointer (&text, g_free);

  /* cut to fit, </s> kept */
  n = dd_vocab_encode (vocab, "The bird sat.", ids, 3, TRUE);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpint (ids[1], ==, 7);
  g_assert_cmpint (ids[2], ==, DD_TOKEN_EOS);
  n = dd_vocab_encode (vocab, "The bird sat.", ids, 2, FALSE);
  g_assert_cmpint (n, ==, 2);
  g_assert_cmpint (ids[1], ==, DD_TOKEN_UNK);

  /* out of range ids decode visibly */
  ids[0] = 99, ids[1] = DD_TOKEN_PAD, ids[2] = 5;
  text = dd_vocab_decode (vocab, ids, 3);
  g_assert_cmpstr (text, ==, "<?> cat");

  /* max_size counts the special tokens: "." and cat only */
  g_assert_cmpint (small->n, ==, 6);
  g_assert_cmpstr (small->words[5], ==, "cat");
  g_assert_cmpint (small->counts[DD_TOKEN_UNK], ==, 2 + 2 + 1 + 1 + 1);
}

static void
assert_buckets_sane (const DdVocab *vocab,
                     const int     *bucket,
                     int            k,
                     gboolean       print)
{
  g_autofree double *mass = g_new0 (double, k);
  g_autofree int *size = g_new0 (int, k);
  double total = 0;

  for (int i = 0; i < vocab->n; i++)
    {
      g_assert_cmpint (bucket[i], >=, 0);
      g_assert_cmpint (bucket[i], <, k);
      mass[bucket[i]] += vocab->counts[i];
      size[bucket[i]]++;
      total += vocab->counts[i];
    }
  /* more frequent tokens never sit in a later bucket */
  for (int i = 0; i < vocab->n; i++)
    for (int j = 0; j < vocab->n; j++)
      if (vocab->counts[i] > vocab->counts[j])
        g_assert_cmpint (bucket[i], <=, bucket[j]);
  for (int b = 0; b < k; b++)
    {
      if (print)
        g_test_message ("bucket %2d of %d: %6d tokens, %.3f of the mass",
                        b, k, size[b], mass[b] / total);
      g_assert_cmpint (size[b], >, 0);
    }
}

static void
test_buckets_synthetic (void)
{
  char *sentences[] = { "The cat sat.", "the dog sat.", "A cat ran." };
  g_autoptr(DdVocab) vocab = dd_vocab_build (sentences, 3, 1, 0);
  g_autoptr(GError) error = NULL;
  int *bucket;

  g_assert_cmpint (vocab->n, ==, 11);
  for (int k = 1; k <= vocab->n; k++)
    {
      bucket = dd_vocab_buckets (vocab, k, &error);
      g_assert_no_error (error);
      assert_buckets_sane (vocab, bucket, k, FALSE);
      g_free (bucket);
    }
  /* </s> among the most frequent; <pad> and <s> (count 0) in the last */
  bucket = dd_vocab_buckets (vocab, 4, &error);
  g_assert_cmpint (bucket[DD_TOKEN_PAD], ==, 3);
  g_assert_cmpint (bucket[DD_TOKEN_BOS], ==, 3);
  g_assert_cmpint (bucket[DD_TOKEN_EOS], ==, 0);
  g_free (bucket);

  g_assert_null (dd_vocab_buckets (vocab, 0, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (dd_vocab_buckets (vocab, 12, &error));
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
}

/* ------------------------------------------------------------------------ */
/* The real dictionary                                                      */

static void
test_real_corpus (void)
{
  const DdCorpus *corpus = get_real_corpus ();
  const DdCorpusCounts *c;
  gint64 words_de = 0, words_en = 0;
  gboolean found_sample = FALSE;

  if (corpus == NULL)
    return;
  c = &corpus->counts;
  g_test_message ("%s: %d pairs from %d lines (%d comments, %d entries, "
                  "%d sub-entry pairs)", corpus->path, corpus->n, c->lines,
                  c->comments, c->entries, c->subentries);
  g_test_message ("malformed lines: separator %d, brackets %d, sub-entry "
                  "count %d, UTF-8 %d", c->bad_separator, c->bad_brackets,
                  c->bad_count, c->bad_utf8);
  g_test_message ("sub-entry pairs left out: not a sentence %d, too short %d, "
                  "too long %d, leftover %d, duplicate %d", c->not_sentence,
                  c->too_short, c->too_long, c->leftover, c->duplicates);

  g_assert_cmpint (corpus->n, >=, 15000);
  g_assert_cmpint (corpus->n, <=, 22000);
  for (int i = 0; i < corpus->n; i++)
    {
      const char *s[2] = { corpus->src[i], corpus->tgt[i] };
      int w[2];

      for (int side = 0; side < 2; side++)
        {
          gsize len = strlen (s[side]);

          g_assert_null (strpbrk (s[side], "()[]{}/"));
          g_assert_null (strstr (s[side], "…"));
          g_assert_nonnull (strchr (".!?", s[side][len - 1]));
          g_assert_false (g_ascii_isspace (s[side][0]));
          w[side] = count_words (s[side]);
          g_assert_cmpint (w[side], >=, DD_CORPUS_MIN_WORDS);
          g_assert_cmpint (w[side], <=, DD_CORPUS_MAX_WORDS);
        }
      words_de += w[0];
      words_en += w[1];
      if (strcmp (s[0], "Ich nehme Sie im Namen des Gesetzes fest.") == 0
          && strcmp (s[1], "I arrest you in the name of the law.") == 0)
        found_sample = TRUE;
    }
  g_test_message ("mean words: German %.2f, English %.2f",
                  (double) words_de / corpus->n,
                  (double) words_en / corpus->n);
  g_assert_cmpfloat ((double) words_de / corpus->n, >, 5);
  g_assert_cmpfloat ((double) words_de / corpus->n, <, 11);
  g_assert_cmpfloat ((double) words_en / corpus->n, >, 5);
  g_assert_cmpfloat ((double) words_en / corpus->n, <, 11);
  g_assert_true (found_sample);
  g_assert_cmpint (c->bad_separator + c->bad_brackets + c->bad_count
                   + c->bad_utf8, <, c->lines / 100);
}

static void
test_real_split (void)
{
  const DdCorpus *corpus = get_real_corpus ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DdCorpus) again = NULL;
  g_autoptr(DdCorpus) train = NULL, dev = NULL, test = NULL;
  g_autoptr(DdCorpus) train2 = NULL, dev2 = NULL, test2 = NULL;
  const char *sample = "Ich nehme Sie im Namen des Gesetzes fest.";
  const char *where = NULL;
  DdCorpus *parts[3];
  const char *names[3] = { "train", "dev", "test" };

  if (corpus == NULL)
    return;
  dd_corpus_split (corpus, &train, &dev, &test);
  g_test_message ("split: train %d, dev %d, test %d", train->n, dev->n,
                  test->n);
  g_assert_cmpint (dev->n, ==, DD_CORPUS_HELDOUT_SIZE);
  g_assert_cmpint (test->n, ==, DD_CORPUS_HELDOUT_SIZE);
  g_assert_cmpint (train->n, ==, corpus->n - 2 * DD_CORPUS_HELDOUT_SIZE);

  parts[0] = train, parts[1] = dev, parts[2] = test;
  for (int p = 0; p < 3; p++)
    for (int i = 0; i < parts[p]->n; i++)
      if (strcmp (parts[p]->src[i], sample) == 0)
        where = names[p];
  g_assert_nonnull (where);
  g_test_message ("the DATA.md sample pair is in %s", where);

  /* a second load gives the same pairs and the same split */
  again = dd_corpus_load (corpus->path, &error);
  g_assert_no_error (error);
  assert_same_corpus (corpus, again);
  dd_corpus_split (again, &train2, &dev2, &test2);
  assert_same_corpus (train, train2);
  assert_same_corpus (dev, dev2);
  assert_same_corpus (test, test2);
}

static void
test_real_vocab (void)
{
  const DdCorpus *corpus = get_real_corpus ();
  g_autoptr(DdCorpus) train = NULL, dev = NULL, test = NULL;
  g_autoptr(DdVocab) src = NULL, tgt = NULL, capped = NULL;
  g_autoptr(GError) error = NULL;
  gint64 dev_tokens = 0, dev_unk = 0;
  int ids[DD_CORPUS_MAX_WORDS * 4];
  gboolean round_tripped = FALSE;

  if (corpus == NULL)
    return;
  dd_corpus_split (corpus, &train, &dev, &test);
  src = dd_vocab_build (train->src, train->n, 2, 0);
  tgt = dd_vocab_build (train->tgt, train->n, 2, 0);
  capped = dd_vocab_build (train->tgt, train->n, 1, 4000);
  g_test_message ("vocabularies on train, min count 2: German %d, English %d "
                  "tokens", src->n, tgt->n);
  g_assert_cmpint (src->n, >, 1000);
  g_assert_cmpint (tgt->n, >, 1000);
  g_assert_cmpint (capped->n, ==, 4000);

  /* a train sentence with no unknown word survives encode + decode */
  for (int i = 0; i < train->n && !round_tripped; i++)
    {
      int n = dd_vocab_encode (tgt, train->tgt[i], ids, G_N_ELEMENTS (ids),
                               TRUE);
      gboolean known = TRUE;

      for (int t = 0; t < n; t++)
        known = known && ids[t] != DD_TOKEN_UNK;
      if (known)
        {
          g_auto(GStrv) tokens = dd_tokenize (train->tgt[i]);
          g_autofree char *want = g_strjoinv (" ", tokens);
          g_autofree char *text = dd_vocab_decode (tgt, ids, n);

          g_assert_cmpint (n, ==, g_strv_length (tokens) + 2);
          g_assert_cmpstr (text, ==, want);
          round_tripped = TRUE;
        }
    }
  g_assert_true (round_tripped);

  g_assert_cmpint (dd_vocab_encode (src, "Xyzzyquux", ids, 4, FALSE), ==, 1);
  g_assert_cmpint (ids[0], ==, DD_TOKEN_UNK);

  for (int i = 0; i < dev->n; i++)
    {
      int n = dd_vocab_encode (tgt, dev->tgt[i], ids, G_N_ELEMENTS (ids),
                               FALSE);

      dev_tokens += n;
      for (int t = 0; t < n; t++)
        dev_unk += ids[t] == DD_TOKEN_UNK;
    }
  g_test_message ("English dev tokens unknown: %.1f %%",
                  100.0 * dev_unk / dev_tokens);
  g_assert_cmpfloat ((double) dev_unk / dev_tokens, <, 0.2);

  for (int k = 2; k <= DD_VOCAB_MAX_BUCKETS; k *= 2)
    {
      g_autofree int *bucket = dd_vocab_buckets (tgt, k, &error);
      g_autofree double *mass = g_new0 (double, k);
      g_autofree int *size = g_new0 (int, k);
      double total = 0;

      g_assert_no_error (error);
      for (int i = 0; i < tgt->n; i++)
        {
          g_assert_cmpint (bucket[i], >=, 0);
          g_assert_cmpint (bucket[i], <, k);
          mass[bucket[i]] += tgt->counts[i];
          size[bucket[i]]++;
          total += tgt->counts[i];
        }
      for (int b = 0; b < k; b++)
        {
          if (k == DD_VOCAB_MAX_BUCKETS)
            g_test_message ("bucket %2d of %d: %5d tokens, %.3f of the mass",
                            b, k, size[b], mass[b] / total);
          g_assert_cmpint (size[b], >, 0);
          /* roughly 1/k, except a bucket one very frequent token fills */
          if (size[b] > 1)
            {
              g_assert_cmpfloat (mass[b] / total, <, 2.0 / k);
              g_assert_cmpfloat (mass[b] / total, >, 0.5 / k);
            }
        }
      /* ranks: checked in full on the small vocabulary; here bucket edges */
      for (int i = DD_N_SPECIAL_TOKENS + 1; i < tgt->n; i++)
        g_assert_cmpint (bucket[i - 1], <=, bucket[i]);
    }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/corpus/synthetic/extract", test_synthetic_extract);
  g_test_add_func ("/corpus/synthetic/prefixes", test_synthetic_prefixes);
  g_test_add_func ("/corpus/synthetic/missing", test_missing_and_unreadable);
  g_test_add_func ("/corpus/synthetic/locate", test_locate_override);
  g_test_add_func ("/corpus/split/small", test_split_small);
  g_test_add_func ("/corpus/tokenize", test_tokenize);
  g_test_add_func ("/corpus/vocab/synthetic", test_vocab_synthetic);
  g_test_add_func ("/corpus/buckets/synthetic", test_buckets_synthetic);
  g_test_add_func ("/corpus/real/pairs", test_real_corpus);
  g_test_add_func ("/corpus/real/split", test_real_split);
  g_test_add_func ("/corpus/real/vocab", test_real_vocab);

  status = g_test_run ();
  dd_corpus_free (real_corpus);
  return status;
}
