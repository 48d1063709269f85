/* dd-corpus.c: the Ding dictionary reader, the seeded split, the word
 * tokenizer, vocabularies and frequency buckets
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rules are written down in dd-corpus.h. The file is mapped, not copied,
 * and read one line at a time; each line is judged on its own, so a bad line
 * costs one counter and never the load.
 */
#include "config.h"

#include "dd-corpus.h"
#include "dd-rng.h"

#include <string.h>

#define ENTRY_SEPARATOR " :: "
#define SUBENTRY_SEPARATOR " | "
#define ALTERNATIVE_SEPARATOR "; "
#define MAX_BRACKET_DEPTH 32

static const char *const special_words[DD_N_SPECIAL_TOKENS] = {
  [DD_TOKEN_PAD] = "<pad>",
  [DD_TOKEN_UNK] = "<unk>",
  [DD_TOKEN_BOS] = "<s>",
  [DD_TOKEN_EOS] = "</s>",
};

/* the dictionary's stand-ins for "somebody", "something" (English and German) */
static const char *const placeholders[] = {
  "sb.", "sth.", "jd.", "jdn.", "jdm.", "jds.", "jmd.", "jmdn.", "jmdm.",
  "jmds.", "etw.",
};

/* ------------------------------------------------------------------------ */
/* One side of one sub-entry                                                */

typedef enum {
  PAIR_OK,
  PAIR_NOT_SENTENCE,
  PAIR_TOO_SHORT,
  PAIR_TOO_LONG,
  PAIR_LEFTOVER,
} PairVerdict;

static gboolean
is_open_bracket (char c)
{
  return c == '(' || c == '[' || c == '{';
}

static gboolean
is_close_bracket (char c)
{
  return c == ')' || c == ']' || c == '}';
}

static char
closing_of (char open)
{
  return open == '(' ? ')' : open == '[' ? ']' : '}';
}

/* Whether every bracket in @s closes, in order and with its own kind. */
static gboolean
brackets_balanced (const char *s)
{
  char stack[MAX_BRACKET_DEPTH];
  int depth = 0;

  for (; *s != '\0'; s++)
    {
      if (is_open_bracket (*s))
        {
          if (depth == MAX_BRACKET_DEPTH)
            return FALSE;
          stack[depth++] = closing_of (*s);
        }
      else if (is_close_bracket (*s))
        {
          if (depth == 0 || stack[--depth] != *s)
            return FALSE;
        }
    }
  return depth == 0;
}

/* @sub without its annotations, cut at its first alternative, with runs of
 * white space made one space, no space before a closing . , ! ? ; : and none
 * at either end. A stray closing bracket stays, for the leftover check. */
static char *
clean_subentry (const char *sub)
{
  GString *out = g_string_sized_new (strlen (sub));
  const char *alt;
  gboolean pending_space = FALSE;
  int depth = 0;

  for (const char *p = sub; *p != '\0'; p++)
    {
      if (is_open_bracket (*p))
        depth++;
      else if (is_close_bracket (*p) && depth > 0)
        depth--;
      else if (depth == 0)
        g_string_append_c (out, *p);
    }

  alt = strstr (out->str, ALTERNATIVE_SEPARATOR);
  if (alt != NULL)
    g_string_truncate (out, alt - out->str);

  /* collapse white space in place */
  {
    char *w = out->str;

    for (const char *r = out->str; *r != '\0'; r++)
      {
        if (g_ascii_isspace (*r))
          {
            pending_space = w != out->str;
            continue;
          }
        if (pending_space && strchr (".,!?;:", *r) == NULL)
          *w++ = ' ';
        pending_space = FALSE;
        *w++ = *r;
      }
    *w = '\0';
    g_string_truncate (out, w - out->str);
  }
  return g_string_free (out, FALSE);
}

static gboolean
has_placeholder (char *const *words)
{
  for (int i = 0; words[i] != NULL; i++)
    {
      const char *w = words[i];

      /* look past opening quotes */
      for (;;)
        {
          if (*w == '"' || *w == '\'')
            w++;
          else if (g_str_has_prefix (w, "„") || g_str_has_prefix (w, "“")
                   || g_str_has_prefix (w, "‘") || g_str_has_prefix (w, "‚"))
            w = g_utf8_next_char (w);
          else
            break;
        }
      for (gsize j = 0; j < G_N_ELEMENTS (placeholders); j++)
        if (g_str_has_prefix (w, placeholders[j]))
          return TRUE;
    }
  return FALSE;
}

static PairVerdict
judge_side (const char *s)
{
  g_auto(GStrv) words = NULL;
  gsize len = strlen (s);
  int n_words;

  if (len == 0 || strchr (".!?", s[len - 1]) == NULL)
    return PAIR_NOT_SENTENCE;
  if (strpbrk (s, "()[]{}/") != NULL || strstr (s, "…") != NULL
      || strstr (s, "...") != NULL)
    return PAIR_LEFTOVER;
  words = g_strsplit (s, " ", -1);
  n_words = g_strv_length (words);
  if (n_words < DD_CORPUS_MIN_WORDS)
    return PAIR_TOO_SHORT;
  if (n_words > DD_CORPUS_MAX_WORDS)
    return PAIR_TOO_LONG;
  if (has_placeholder (words))
    return PAIR_LEFTOVER;
  return PAIR_OK;
}

/* ------------------------------------------------------------------------ */
/* Lines and files                                                          */

typedef struct {
  DdCorpusCounts *counts;
  GPtrArray      *src;
  GPtrArray      *tgt;
  GHashTable     *seen; /* "German\nEnglish" */
} Parser;

static void
count_verdict (DdCorpusCounts *counts,
               PairVerdict     verdict)
{
  switch (verdict)
    {
    case PAIR_NOT_SENTENCE: counts->not_sentence++; break;
    case PAIR_TOO_SHORT:    counts->too_short++;    break;
    case PAIR_TOO_LONG:     counts->too_long++;     break;
    case PAIR_LEFTOVER:     counts->leftover++;     break;
    case PAIR_OK:
    default:                break;
    }
}

static void
parse_subentry (Parser     *parser,
                const char *de_raw,
                const char *en_raw)
{
  g_autofree char *de = clean_subentry (de_raw);
  g_autofree char *en = clean_subentry (en_raw);
  PairVerdict verdict;
  char *key;

  parser->counts->subentries++;
  verdict = judge_side (de);
  if (verdict == PAIR_OK)
    verdict = judge_side (en);
  if (verdict != PAIR_OK)
    {
      count_verdict (parser->counts, verdict);
      return;
    }

  key = g_strconcat (de, "\n", en, NULL);
  if (!g_hash_table_add (parser->seen, key))
    {
      parser->counts->duplicates++;
      return;
    }
  g_ptr_array_add (parser->src, g_steal_pointer (&de));
  g_ptr_array_add (parser->tgt, g_steal_pointer (&en));
}

/* @line is NUL-terminated, without its newline, and may be written to. */
static void
parse_line (Parser *parser,
            char   *line,
            gsize   len)
{
  DdCorpusCounts *counts = parser->counts;
  g_auto(GStrv) de_subs = NULL;
  g_auto(GStrv) en_subs = NULL;
  char *sep;
  char *en;
  guint n_de;

  counts->lines++;
  if (len > 0 && line[len - 1] == '\r')
    line[--len] = '\0';
  if (len == 0 || line[0] == '#')
    {
      counts->comments++;
      return;
    }
  if (!g_utf8_validate (line, len, NULL))
    {
      counts->bad_utf8++;
      return;
    }
  sep = strstr (line, ENTRY_SEPARATOR);
  if (sep == NULL || strstr (sep + 1, ENTRY_SEPARATOR) != NULL)
    {
      counts->bad_separator++;
      return;
    }
  *sep = '\0';
  en = sep + strlen (ENTRY_SEPARATOR);
  if (!brackets_balanced (line) || !brackets_balanced (en))
    {
      counts->bad_brackets++;
      return;
    }
  de_subs = g_strsplit (line, SUBENTRY_SEPARATOR, -1);
  en_subs = g_strsplit (en, SUBENTRY_SEPARATOR, -1);
  n_de = g_strv_length (de_subs);
  if (n_de != g_strv_length (en_subs))
    {
      counts->bad_count++;
      return;
    }
  counts->entries++;
  for (guint i = 0; i < n_de; i++)
    parse_subentry (parser, de_subs[i], en_subs[i]);
}

static char **
steal_strv (GPtrArray *array)
{
  g_ptr_array_add (array, NULL);
  return (char **) g_ptr_array_free (array, FALSE);
}

DdCorpus *
dd_corpus_parse (const char *text,
                 gsize       len,
                 const char *path)
{
  DdCorpus *corpus;
  Parser parser;
  gsize start = 0;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  corpus = g_new0 (DdCorpus, 1);
  parser = (Parser) {
    .counts = &corpus->counts,
    .src = g_ptr_array_new (),
    .tgt = g_ptr_array_new (),
    .seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
  };
  corpus->path = g_strdup (path);
  while (start < len)
    {
      const char *nl = memchr (text + start, '\n', len - start);
      gsize end = nl != NULL ? (gsize) (nl - text) : len;
      g_autofree char *line = g_strndup (text + start, end - start);

      /* a NUL byte inside a line is not text: g_utf8_validate rejects it */
      parse_line (&parser, line, end - start);
      start = end + 1;
    }

  corpus->n = parser.src->len;
  corpus->src = steal_strv (parser.src);
  corpus->tgt = steal_strv (parser.tgt);
  g_hash_table_unref (parser.seen);
  return corpus;
}

char *
dd_corpus_locate (GError **error)
{
  const char *env_dir = g_getenv ("DIDACT_DATA_DIR");
  g_autofree char *env_path = NULL;
  g_autofree char *env_note = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (env_dir != NULL && env_dir[0] != '\0')
    {
      env_path = g_build_filename (env_dir, DD_CORPUS_ENV_NAME, NULL);
      if (g_file_test (env_path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&env_path);
      env_note = g_strdup_printf ("%s ($DIDACT_DATA_DIR): no such file",
                                  env_path);
    }
  else
    env_note = g_strdup ("$DIDACT_DATA_DIR: not set");

  if (g_file_test (DD_CORPUS_DEFAULT_PATH, G_FILE_TEST_IS_REGULAR))
    return g_strdup (DD_CORPUS_DEFAULT_PATH);

  g_set_error (error, DD_ERROR, DD_ERROR_DATA_MISSING,
               "The German-English dictionary (%s) is not installed. "
               "Searched:\n  %s\n  %s (system): no such file\n"
               "To install it, run: %s", DD_CORPUS_DEFAULT_PATH, env_note,
               DD_CORPUS_DEFAULT_PATH, DD_CORPUS_INSTALL_HINT);
  return NULL;
}

DdCorpus *
dd_corpus_load (const char  *path,
                GError     **error)
{
  g_autofree char *located = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  DdCorpus *corpus;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (path == NULL)
    {
      located = dd_corpus_locate (error);
      if (located == NULL)
        return NULL;
      path = located;
    }

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      gboolean missing = g_error_matches (local_error, G_FILE_ERROR,
                                          G_FILE_ERROR_NOENT);

      g_set_error (error, DD_ERROR,
                   missing ? DD_ERROR_DATA_MISSING : DD_ERROR_IO,
                   "%s: cannot read: %s. The German-English dictionary comes "
                   "with Debian's trans-de-en; to install it, run: %s", path,
                   local_error->message, DD_CORPUS_INSTALL_HINT);
      return NULL;
    }

  corpus = dd_corpus_parse (g_mapped_file_get_contents (mapped),
                            g_mapped_file_get_length (mapped), path);
  if (corpus->n == 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s: no sentence pairs in %d lines (%d malformed); is it "
                   "a Ding dictionary (`Deutsch :: English`)?", path,
                   corpus->counts.lines,
                   corpus->counts.bad_separator + corpus->counts.bad_brackets
                   + corpus->counts.bad_count + corpus->counts.bad_utf8);
      dd_corpus_free (corpus);
      return NULL;
    }
  return corpus;
}

static int
compare_int (const void *a,
             const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;

  return (x > y) - (x < y);
}

static DdCorpus *
corpus_subset (const DdCorpus *corpus,
               int            *idx,
               int             n)
{
  DdCorpus *part = g_new0 (DdCorpus, 1);

  /* each part in file order, whatever order the shuffle left */
  qsort (idx, n, sizeof *idx, compare_int);
  part->n = n;
  part->src = g_new0 (char *, n + 1);
  part->tgt = g_new0 (char *, n + 1);
  for (int i = 0; i < n; i++)
    {
      part->src[i] = g_strdup (corpus->src[idx[i]]);
      part->tgt[i] = g_strdup (corpus->tgt[idx[i]]);
    }
  return part;
}

void
dd_corpus_split (const DdCorpus *corpus,
                 DdCorpus      **train,
                 DdCorpus      **dev,
                 DdCorpus      **test)
{
  g_autofree int *idx = NULL;
  DdRng rng;
  int m;

  g_return_if_fail (corpus != NULL);
  g_return_if_fail (train != NULL && dev != NULL && test != NULL);

  m = MIN (DD_CORPUS_HELDOUT_SIZE, corpus->n / 10);
  idx = g_new (int, MAX (corpus->n, 1));
  for (int i = 0; i < corpus->n; i++)
    idx[i] = i;
  dd_rng_seed (&rng, DD_CORPUS_SPLIT_SEED);
  dd_rng_shuffle (&rng, idx, corpus->n);

  *dev = corpus_subset (corpus, idx, m);
  *test = corpus_subset (corpus, idx + m, m);
  *train = corpus_subset (corpus, idx + 2 * m, corpus->n - 2 * m);
}

void
dd_corpus_free (DdCorpus *corpus)
{
  if (corpus == NULL)
    return;
  g_free (corpus->path);
  g_strfreev (corpus->src);
  g_strfreev (corpus->tgt);
  g_free (corpus);
}

/* ------------------------------------------------------------------------ */
/* Tokens                                                                   */

static gboolean
is_split_punct (char c)
{
  return c != '\0' && strchr (".,!?;:\"'", c) != NULL;
}

/* lower case, typographic quotes folded to ASCII */
static char *
normalise (const char *sentence)
{
  g_autofree char *lower = g_utf8_strdown (sentence, -1);
  GString *out = g_string_sized_new (strlen (lower));

  for (const char *p = lower; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case 0x2018: case 0x2019: case 0x201A: /* ‘ ’ ‚ */
          g_string_append_c (out, '\'');
          break;
        case 0x201C: case 0x201D: case 0x201E: /* “ ” „ */
        case 0x00AB: case 0x00BB:              /* « » */
          g_string_append_c (out, '"');
          break;
        default:
          if (g_unichar_isspace (c))
            g_string_append_c (out, ' ');
          else
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
        }
    }
  return g_string_free (out, FALSE);
}

char **
dd_tokenize (const char *sentence)
{
  g_autofree char *text = NULL;
  GPtrArray *tokens = g_ptr_array_new ();
  const char *p;

  g_return_val_if_fail (sentence != NULL, NULL);

  if (!g_utf8_validate (sentence, -1, NULL))
    return steal_strv (tokens);
  text = normalise (sentence);
  p = text;
  for (;;)
    {
      const char *start, *end, *word_end;

      while (*p == ' ')
        p++;
      if (*p == '\0')
        break;
      start = p;
      while (*p != '\0' && *p != ' ')
        p++;
      end = p;

      while (start < end && is_split_punct (*start))
        g_ptr_array_add (tokens, g_strndup (start++, 1));
      word_end = end;
      while (word_end > start && is_split_punct (word_end[-1]))
        word_end--;
      if (word_end > start)
        g_ptr_array_add (tokens, g_strndup (start, word_end - start));
      for (const char *q = word_end; q < end; q++)
        g_ptr_array_add (tokens, g_strndup (q, 1));
    }
  return steal_strv (tokens);
}

/* ------------------------------------------------------------------------ */
/* Vocabularies                                                             */

typedef struct {
  const char *word;
  int         count;
} WordCount;

static int
compare_word_counts (const void *a,
                     const void *b)
{
  const WordCount *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return strcmp (x->word, y->word);
}

static gboolean
is_special_word (const char *word)
{
  for (int i = 0; i < DD_N_SPECIAL_TOKENS; i++)
    if (strcmp (word, special_words[i]) == 0)
      return TRUE;
  return FALSE;
}

/* counts tokens[] into counts (word → count); special words are counted as
 * unknown, since the vocabulary holds them already */
static void
count_tokens (GHashTable  *counts,
              char *const *tokens,
              gint64      *n_unknown)
{
  for (int t = 0; tokens[t] != NULL; t++)
    {
      int c;

      if (is_special_word (tokens[t]))
        {
          (*n_unknown)++;
          continue;
        }
      c = GPOINTER_TO_INT (g_hash_table_lookup (counts, tokens[t]));
      /* an existing key is kept and the new copy freed */
      g_hash_table_insert (counts, g_strdup (tokens[t]),
                           GINT_TO_POINTER (c + 1));
    }
}

/* the vocabulary of counted tokens, n sentences, n_unknown occurrences
 * already left out */
static DdVocab *
vocab_from_counts (GHashTable *counts,
                   int         n,
                   int         min_count,
                   int         max_size,
                   gint64      n_unknown)
{
  g_autofree WordCount *sorted = NULL;
  GHashTableIter iter;
  gpointer key, value;
  DdVocab *vocab;
  int n_words = 0, n_kept = 0;

  sorted = g_new (WordCount, g_hash_table_size (counts) + 1);
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    sorted[n_words++] = (WordCount) { key, GPOINTER_TO_INT (value) };
  qsort (sorted, n_words, sizeof *sorted, compare_word_counts);

  for (int i = 0; i < n_words; i++)
    {
      gboolean room = max_size == 0
                      || DD_N_SPECIAL_TOKENS + n_kept < max_size;

      if (sorted[i].count >= min_count && room)
        n_kept++;
      else
        n_unknown += sorted[i].count;
    }

  vocab = g_new0 (DdVocab, 1);
  vocab->n = DD_N_SPECIAL_TOKENS + n_kept;
  vocab->words = g_new0 (char *, vocab->n + 1);
  vocab->counts = g_new0 (int, vocab->n);
  vocab->index = g_hash_table_new (g_str_hash, g_str_equal);
  for (int i = 0; i < DD_N_SPECIAL_TOKENS; i++)
    vocab->words[i] = g_strdup (special_words[i]);
  vocab->counts[DD_TOKEN_UNK] = (int) MIN (n_unknown, G_MAXINT);
  vocab->counts[DD_TOKEN_EOS] = n;
  /* the kept words are a prefix of the sorted ones: counts only fall */
  for (int i = 0; i < n_kept; i++)
    {
      vocab->words[DD_N_SPECIAL_TOKENS + i] = g_strdup (sorted[i].word);
      vocab->counts[DD_N_SPECIAL_TOKENS + i] = sorted[i].count;
    }
  for (int i = 0; i < vocab->n; i++)
    g_hash_table_insert (vocab->index, vocab->words[i], GINT_TO_POINTER (i + 1));
  return vocab;
}

DdVocab *
dd_vocab_build (char *const *sentences,
                int          n,
                int          min_count,
                int          max_size)
{
  g_return_val_if_fail (sentences != NULL || n == 0, NULL);
  g_return_val_if_fail (n >= 0, NULL);

  char ***tokens = g_new0 (char **, n + 1);
  for (int i = 0; i < n; i++)
    tokens[i] = dd_tokenize (sentences[i]);
  DdVocab *vocab = dd_vocab_build_tokens ((char **const *) tokens, n, min_count, max_size);
  for (int i = 0; i < n; i++)
    g_strfreev (tokens[i]);
  g_free (tokens);
  return vocab;
}

DdVocab *
dd_vocab_build_tokens (char **const *sentences,
                       int           n,
                       int           min_count,
                       int           max_size)
{
  g_autoptr(GHashTable) counts =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 n_unknown = 0;

  g_return_val_if_fail (sentences != NULL || n == 0, NULL);
  g_return_val_if_fail (n >= 0, NULL);
  g_return_val_if_fail (max_size == 0 || max_size >= DD_N_SPECIAL_TOKENS, NULL);

  for (int i = 0; i < n; i++)
    count_tokens (counts, sentences[i], &n_unknown);
  return vocab_from_counts (counts, n, min_count, max_size, n_unknown);
}

int
dd_vocab_lookup (const DdVocab *vocab,
                 const char    *word)
{
  gpointer id;

  g_return_val_if_fail (vocab != NULL && word != NULL, DD_TOKEN_UNK);

  id = g_hash_table_lookup (vocab->index, word);
  return id != NULL ? GPOINTER_TO_INT (id) - 1 : DD_TOKEN_UNK;
}

int
dd_vocab_encode (const DdVocab *vocab,
                 const char    *sentence,
                 int           *ids,
                 int            max,
                 gboolean       add_bos_eos)
{
  g_auto(GStrv) tokens = NULL;

  g_return_val_if_fail (vocab != NULL && sentence != NULL, 0);

  tokens = dd_tokenize (sentence);
  return dd_vocab_encode_tokens (vocab, tokens, ids, max, add_bos_eos);
}

int
dd_vocab_encode_tokens (const DdVocab *vocab,
                        char *const   *tokens,
                        int           *ids,
                        int            max,
                        gboolean       add_bos_eos)
{
  int body_max, n = 0;

  g_return_val_if_fail (vocab != NULL && tokens != NULL, 0);
  g_return_val_if_fail (ids != NULL || max == 0, 0);
  g_return_val_if_fail (max >= (add_bos_eos ? 2 : 0), 0);

  body_max = add_bos_eos ? max - 1 : max;
  if (add_bos_eos)
    ids[n++] = DD_TOKEN_BOS;
  for (int t = 0; tokens[t] != NULL && n < body_max; t++)
    ids[n++] = dd_vocab_lookup (vocab, tokens[t]);
  if (add_bos_eos)
    ids[n++] = DD_TOKEN_EOS;
  return n;
}

char *
dd_vocab_decode (const DdVocab *vocab,
                 const int     *ids,
                 int            n)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (vocab != NULL, NULL);
  g_return_val_if_fail (ids != NULL || n == 0, NULL);

  for (int i = 0; i < n; i++)
    {
      int id = ids[i];
      const char *word;

      if (id == DD_TOKEN_PAD || id == DD_TOKEN_BOS || id == DD_TOKEN_EOS)
        continue;
      word = id >= 0 && id < vocab->n ? vocab->words[id] : "<?>";
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, word);
    }
  return g_string_free (out, FALSE);
}

/* qsort has no context argument: the counts travel in the array */
typedef struct {
  int id;
  int count;
} RankedToken;

static int
compare_ranked (const void *a,
                const void *b)
{
  const RankedToken *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

int *
dd_vocab_buckets (const DdVocab *vocab,
                  int            k,
                  GError       **error)
{
  g_autofree RankedToken *ranked = NULL;
  int *bucket;
  double remaining = 0, target, mass = 0;
  int b = 0;

  g_return_val_if_fail (vocab != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (k < 1 || k > DD_VOCAB_MAX_BUCKETS || k > vocab->n)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "%d frequency buckets asked for; between 1 and %d are "
                   "possible for a vocabulary of %d tokens", k,
                   MIN (DD_VOCAB_MAX_BUCKETS, vocab->n), vocab->n);
      return NULL;
    }

  ranked = g_new (RankedToken, vocab->n);
  for (int i = 0; i < vocab->n; i++)
    {
      ranked[i] = (RankedToken) { i, vocab->counts[i] };
      remaining += vocab->counts[i];
    }
  qsort (ranked, vocab->n, sizeof *ranked, compare_ranked);

  bucket = g_new (int, vocab->n);
  target = remaining / k;
  for (int r = 0; r < vocab->n; r++)
    {
      int tokens_left = vocab->n - r - 1;

      bucket[ranked[r].id] = b;
      mass += ranked[r].count;
      if (b < k - 1 && (mass >= target || tokens_left == k - 1 - b))
        {
          remaining -= mass;
          mass = 0;
          b++;
          target = remaining / (k - b);
        }
    }
  return bucket;
}

void
dd_vocab_free (DdVocab *vocab)
{
  if (vocab == NULL)
    return;
  g_clear_pointer (&vocab->index, g_hash_table_unref);
  g_strfreev (vocab->words);
  g_free (vocab->counts);
  g_free (vocab);
}
