/* dd-bleu.c: corpus and sentence BLEU
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sentence pair is scored by writing each side's tokens into a buffer with
 * single spaces between them, so that every n-gram is one contiguous slice,
 * and counting the reference's n-grams of all orders in one hash table (a
 * slice determines its order: tokens hold no spaces). Each hypothesis n-gram
 * then takes one of its reference count, which sums min (hyp count, ref count)
 * over the distinct n-grams: the clipped matches. Token hashes are computed
 * once and combined per n-gram. The table is a small open-addressing one
 * rather than a GHashTable, whose lookups took half the time on large files:
 * it is reused from line to line, and stamping each slot with the number of
 * the sentence empties it without a pass over the slots.
 */
#include "dd-bleu.h"

#include <math.h>
#include <string.h>

typedef struct {
  guint   start;  /* byte offset in the sentence's token buffer */
  guint   len;
  guint64 hash;
} Token;

typedef struct {
  const char *text;
  guint       len;
  guint       hash;
  guint64     remaining;  /* reference occurrences not yet matched */
} NGram;

typedef struct {
  GString *hyp_text, *ref_text;
  GArray  *hyp_tokens, *ref_tokens;  /* of Token */
  GArray  *ref_ngrams;               /* of NGram, the distinct ones first */
  /* the table: slot i holds ref_ngrams index slot[i] if stamp[i] == sentence */
  guint32 *slot, *stamp;
  guint32  capacity, mask, sentence;
} Counter;

static void
counter_init (Counter *c)
{
  c->hyp_text = g_string_new (NULL);
  c->ref_text = g_string_new (NULL);
  c->hyp_tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  c->ref_tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  c->ref_ngrams = g_array_new (FALSE, FALSE, sizeof (NGram));
  c->slot = c->stamp = NULL;
  c->capacity = c->mask = c->sentence = 0;
}

static void
counter_clear (Counter *c)
{
  g_string_free (c->hyp_text, TRUE);
  g_string_free (c->ref_text, TRUE);
  g_array_unref (c->hyp_tokens);
  g_array_unref (c->ref_tokens);
  g_array_unref (c->ref_ngrams);
  g_free (c->slot);
  g_free (c->stamp);
}

/* An empty table with room for n keys at a load of at most one half. */
static void
counter_reset_table (Counter *c, guint n)
{
  guint32 size = 16;

  while (size < 2 * n)
    size *= 2;
  if (size > c->capacity)
    {
      g_free (c->slot);
      g_free (c->stamp);
      c->slot = g_new (guint32, size);
      c->stamp = g_new0 (guint32, size);
      c->capacity = size;
      c->sentence = 0;
    }
  if (++c->sentence == 0)  /* wrapped: old stamps could match again */
    {
      memset (c->stamp, 0, c->capacity * sizeof *c->stamp);
      c->sentence = 1;
    }
  c->mask = size - 1;
}

/* The key equal to probe, or NULL and *free_slot where it would go. */
static NGram *
counter_find (Counter *c, const NGram *probe, guint32 *free_slot)
{
  NGram *keys = (NGram *) (void *) c->ref_ngrams->data;
  guint32 i = probe->hash & c->mask;

  for (; c->stamp[i] == c->sentence; i = (i + 1) & c->mask)
    {
      NGram *k = &keys[c->slot[i]];
      if (k->hash == probe->hash && k->len == probe->len &&
          memcmp (k->text, probe->text, probe->len) == 0)
        return k;
    }
  *free_slot = i;
  return NULL;
}

/* The length of the whitespace character at p, or 0: the characters Python's
 * str.split() splits on (what sacreBLEU's tokenize=none does), that is ASCII
 * \t..\r, space and \x1c..\x1f, and the Unicode spaces and separators. */
static gsize
space_at (const char *p, const char *end)
{
  guchar b = (guchar) *p;

  if (b < 0x80)
    return b == ' ' || (b >= '\t' && b <= '\r') || (b >= 0x1c && b <= 0x1f);

  gunichar u = g_utf8_get_char_validated (p, end - p);
  if (u == (gunichar) -1 || u == (gunichar) -2)
    return 0;
  if (u == 0x85 || g_unichar_isspace (u))
    return g_utf8_next_char (p) - p;
  return 0;
}

/* FNV-1a over the token's bytes */
static guint64
token_hash (const char *s, gsize len)
{
  guint64 h = 0xcbf29ce484222325ULL;
  for (gsize i = 0; i < len; i++)
    h = (h ^ (guchar) s[i]) * 0x100000001b3ULL;
  return h;
}

/* Split [s, end) on whitespace into text (tokens joined by single spaces)
 * and tokens. */
static void
tokenise (const char *s, const char *end, GString *text, GArray *tokens)
{
  const char *p = s;

  g_string_truncate (text, 0);
  g_array_set_size (tokens, 0);
  while (p < end)
    {
      gsize w;
      while (p < end && (w = space_at (p, end)) > 0)
        p += w;
      if (p >= end)
        break;
      const char *word = p;
      while (p < end && space_at (p, end) == 0)
        p++;
      if (text->len > 0)
        g_string_append_c (text, ' ');
      Token t = { (guint) text->len, (guint) (p - word), token_hash (word, p - word) };
      g_string_append_len (text, word, p - word);
      g_array_append_val (tokens, t);
    }
}

static NGram
ngram_at (const GString *text, const Token *tok, int n)
{
  guint64 h = 0;
  for (int k = 0; k < n; k++)
    {
      h = (h ^ tok[k].hash) * 0x9e3779b97f4a7c15ULL;
      h ^= h >> 29;
    }
  return (NGram) {
    .text = text->str + tok[0].start,
    .len = tok[n - 1].start + tok[n - 1].len - tok[0].start,
    .hash = (guint) (h ^ (h >> 32)),
    .remaining = 1,
  };
}

static void
counter_add (Counter *c, DdBleuStats *stats,
             const char *hyp, const char *hyp_end,
             const char *ref, const char *ref_end)
{
  tokenise (hyp, hyp_end, c->hyp_text, c->hyp_tokens);
  tokenise (ref, ref_end, c->ref_text, c->ref_tokens);

  const Token *ht = (const Token *) (void *) c->hyp_tokens->data;
  const Token *rt = (const Token *) (void *) c->ref_tokens->data;
  int hl = (int) c->hyp_tokens->len, rl = (int) c->ref_tokens->len;

  stats->hyp_len += hl;
  stats->ref_len += rl;

  /* the keys must not move once in the table: size the array first */
  guint32 n_ref = 0;
  for (int n = 1; n <= DD_BLEU_MAX_ORDER; n++)
    n_ref += MAX (rl - n + 1, 0);
  counter_reset_table (c, n_ref);
  g_array_set_size (c->ref_ngrams, n_ref);

  NGram *keys = (NGram *) (void *) c->ref_ngrams->data;
  guint32 used = 0, free_slot;
  for (int n = 1; n <= DD_BLEU_MAX_ORDER; n++)
    for (int i = 0; i + n <= rl; i++)
      {
        keys[used] = ngram_at (c->ref_text, rt + i, n);
        NGram *seen = counter_find (c, &keys[used], &free_slot);
        if (seen)
          seen->remaining++;
        else
          {
            c->slot[free_slot] = used++;
            c->stamp[free_slot] = c->sentence;
          }
      }

  for (int n = 1; n <= DD_BLEU_MAX_ORDER; n++)
    for (int i = 0; i + n <= hl; i++)
      {
        NGram probe = ngram_at (c->hyp_text, ht + i, n);
        NGram *in_ref = counter_find (c, &probe, &free_slot);
        stats->totals[n - 1]++;
        if (in_ref && in_ref->remaining > 0)
          {
            in_ref->remaining--;
            stats->matches[n - 1]++;
          }
      }
}

void
dd_bleu_stats_add (DdBleuStats *stats, const char *hyp, const char *ref)
{
  Counter c;

  g_return_if_fail (stats != NULL);
  g_return_if_fail (hyp != NULL && ref != NULL);

  counter_init (&c);
  counter_add (&c, stats, hyp, hyp + strlen (hyp), ref, ref + strlen (ref));
  counter_clear (&c);
}

double
dd_bleu_brevity_penalty (const DdBleuStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0.0);

  if (stats->hyp_len == 0)
    return 0.0;
  if (stats->hyp_len > stats->ref_len)
    return 1.0;
  return exp (1.0 - (double) stats->ref_len / (double) stats->hyp_len);
}

double
dd_bleu_precision (const DdBleuStats *stats, int n)
{
  g_return_val_if_fail (stats != NULL, 0.0);
  g_return_val_if_fail (n >= 1 && n <= DD_BLEU_MAX_ORDER, 0.0);

  if (stats->totals[n - 1] == 0)
    return 0.0;
  return 100.0 * (double) stats->matches[n - 1] / (double) stats->totals[n - 1];
}

double
dd_bleu_score (const DdBleuStats *stats)
{
  double log_sum = 0.0;

  g_return_val_if_fail (stats != NULL, 0.0);

  for (int n = 0; n < DD_BLEU_MAX_ORDER; n++)
    {
      if (stats->matches[n] == 0)  /* log 0: the geometric mean is 0 */
        return 0.0;
      log_sum += log ((double) stats->matches[n] / (double) stats->totals[n]);
    }
  return 100.0 * dd_bleu_brevity_penalty (stats) * exp (log_sum / DD_BLEU_MAX_ORDER);
}

double
dd_bleu_sentence (const char *hyp, const char *ref)
{
  DdBleuStats s = { 0 };
  double log_sum = 0.0, halvings = 1.0;
  int order = 0;

  g_return_val_if_fail (hyp != NULL && ref != NULL, 0.0);

  dd_bleu_stats_add (&s, hyp, ref);
  if (s.matches[0] == 0)
    return 0.0;
  for (int n = 0; n < DD_BLEU_MAX_ORDER && s.totals[n] > 0; n++, order++)
    {
      if (s.matches[n] > 0)
        log_sum += log ((double) s.matches[n] / (double) s.totals[n]);
      else
        {
          halvings *= 2.0;
          log_sum -= log (halvings * (double) s.totals[n]);
        }
    }
  return 100.0 * dd_bleu_brevity_penalty (&s) * exp (log_sum / order);
}

/* Read a whole file of UTF-8 lines and count them. */
static char *
read_lines (const char *path, gsize *length, gsize *n_lines, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  const char *bad, *p, *nl;
  gsize len, lines = 0;

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  if (!g_utf8_validate_len (contents, len, &bad))
    {
      gsize line = 1;
      for (p = contents; (nl = memchr (p, '\n', bad - p)) != NULL; p = nl + 1)
        line++;
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s: line %" G_GSIZE_FORMAT ": %s", path, line,
                   *bad == '\0' ? "a NUL byte" : "invalid UTF-8");
      return NULL;
    }
  for (p = contents; (nl = memchr (p, '\n', contents + len - p)) != NULL; p = nl + 1)
    lines++;
  if (len > 0 && contents[len - 1] != '\n')
    lines++;  /* a last line without its newline */

  *length = len;
  *n_lines = lines;
  return g_steal_pointer (&contents);
}

gboolean
dd_bleu_files (const char   *hyp_path,
               const char   *ref_path,
               DdBleuStats  *out,
               GError      **error)
{
  g_autofree char *hyp = NULL, *ref = NULL;
  gsize hyp_size = 0, ref_size = 0, hyp_lines = 0, ref_lines = 0;
  Counter c;

  g_return_val_if_fail (hyp_path != NULL && ref_path != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((hyp = read_lines (hyp_path, &hyp_size, &hyp_lines, error)) == NULL ||
      (ref = read_lines (ref_path, &ref_size, &ref_lines, error)) == NULL)
    return FALSE;
  if (hyp_lines != ref_lines)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "the hypothesis %s has %" G_GSIZE_FORMAT " line%s but the reference %s has %"
                   G_GSIZE_FORMAT "; BLEU needs one hypothesis line per reference line",
                   hyp_path, hyp_lines, hyp_lines == 1 ? "" : "s", ref_path, ref_lines);
      return FALSE;
    }

  memset (out, 0, sizeof *out);
  counter_init (&c);
  const char *h = hyp, *h_end = hyp + hyp_size, *r = ref, *r_end = ref + ref_size;
  for (gsize i = 0; i < hyp_lines; i++)
    {
      const char *h_nl = memchr (h, '\n', h_end - h), *r_nl = memchr (r, '\n', r_end - r);
      if (h_nl == NULL)
        h_nl = h_end;
      if (r_nl == NULL)
        r_nl = r_end;
      counter_add (&c, out, h, h_nl, r, r_nl);
      h = MIN (h_nl + 1, h_end);
      r = MIN (r_nl + 1, r_end);
    }
  counter_clear (&c);
  return TRUE;
}
