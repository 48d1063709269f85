/* dd-state.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-state.h"
#include "dd-session.h"

#include <stdarg.h>
#include <string.h>

#if G_BYTE_ORDER != G_LITTLE_ENDIAN
# error "the state format is little-endian; this engine stores it from memory as is"
#endif

#define KIND_I64    'l'
#define KIND_I32    'i'
#define KIND_F64    'd'
#define KIND_F32    'f'
#define KIND_BYTES  's'
#define KIND_ABSENT '-'

#ifdef DD_DOUBLE
# define KIND_REAL KIND_F64
#else
# define KIND_REAL KIND_F32
#endif

struct _DdState {
  gboolean      reading;
  GByteArray   *out;        /* writer */
  const guint8 *in;         /* reader */
  gsize         size, pos;
  GPtrArray    *context;    /* strings */
  char         *failure;
  int           format;
};

DdState *
dd_state_new_writer (void)
{
  DdState *st = g_new0 (DdState, 1);
  st->out = g_byte_array_new ();
  st->context = g_ptr_array_new_with_free_func (g_free);
  st->format = DD_SESSION_FILE_VERSION;
  return st;
}

DdState *
dd_state_new_reader (const guint8 *data, gsize size)
{
  DdState *st = g_new0 (DdState, 1);
  st->reading = TRUE;
  st->in = data;
  st->size = size;
  st->context = g_ptr_array_new_with_free_func (g_free);
  st->format = DD_SESSION_FILE_VERSION;
  return st;
}

void
dd_state_set_format (DdState *st, int format)
{
  st->format = format;
}

int
dd_state_format (const DdState *st)
{
  return st->format;
}

void
dd_state_free (DdState *st)
{
  if (st == NULL)
    return;
  if (st->out)
    g_byte_array_unref (st->out);
  g_ptr_array_unref (st->context);
  g_free (st->failure);
  g_free (st);
}

gboolean
dd_state_reading (const DdState *st)
{
  return st->reading;
}

gboolean
dd_state_ok (const DdState *st)
{
  return st->failure == NULL;
}

gsize
dd_state_offset (const DdState *st)
{
  return st->reading ? st->pos : st->out->len;
}

gsize
dd_state_left (const DdState *st)
{
  return st->reading ? st->size - st->pos : 0;
}

void
dd_state_fail (DdState *st, const char *format, ...)
{
  va_list ap;

  if (st->failure)
    return;
  va_start (ap, format);
  g_autofree char *msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < st->context->len; i++)
    g_string_append_printf (s, "%s › ", (const char *) st->context->pdata[i]);
  g_string_append (s, msg);
  st->failure = g_string_free (s, FALSE);
}

gboolean
dd_state_finish (DdState *st, GError **error)
{
  if (st->failure == NULL && st->reading && st->pos != st->size)
    dd_state_fail (st, "%" G_GSIZE_FORMAT " bytes left over after the last field", st->size - st->pos);
  if (st->failure)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT, "%s", st->failure);
      return FALSE;
    }
  return TRUE;
}

GBytes *
dd_state_steal (DdState *st)
{
  g_return_val_if_fail (!st->reading, NULL);
  GBytes *b = g_byte_array_free_to_bytes (st->out);
  st->out = g_byte_array_new ();
  return b;
}

void
dd_state_push (DdState *st, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_ptr_array_add (st->context, g_strdup_vprintf (format, ap));
  va_end (ap);
}

void
dd_state_pop (DdState *st)
{
  g_return_if_fail (st->context->len > 0);
  g_ptr_array_remove_index (st->context, st->context->len - 1);
}

/* --- the field layer ----------------------------------------------------------- */

static gsize
kind_size (char kind)
{
  switch (kind)
    {
    case KIND_I64: case KIND_F64: return 8;
    case KIND_I32: case KIND_F32: return 4;
    case KIND_BYTES: return 1;
    default: return 0;
    }
}

static const char *
kind_name (char kind)
{
  switch (kind)
    {
    case KIND_I64: return "64-bit integers";
    case KIND_I32: return "32-bit integers";
    case KIND_F64: return "double-precision numbers";
    case KIND_F32: return "single-precision numbers";
    case KIND_BYTES: return "text";
    case KIND_ABSENT: return "nothing";
    default: return "an unknown type";
    }
}

static void
put (DdState *st, char kind, const char *name, const void *data, guint64 count)
{
  const guint8 k = (guint8) kind, len = (guint8) strlen (name);
  const guint64 le = GUINT64_TO_LE (count);

  g_assert (strlen (name) < 256);
  g_byte_array_append (st->out, &k, 1);
  g_byte_array_append (st->out, &len, 1);
  g_byte_array_append (st->out, (const guint8 *) name, len);
  g_byte_array_append (st->out, (const guint8 *) &le, 8);
  if (count > 0)
    g_byte_array_append (st->out, data, (guint) (count * kind_size (kind)));
}

/* Takes the next field's header; checks its name and that its payload fits
 * the buffer. Returns the payload (or NULL on failure) and its kind and count. */
static const guint8 *
take (DdState *st, const char *name, char *kind, guint64 *count)
{
  if (st->failure)
    return NULL;
  if (st->size - st->pos < 2)
    {
      dd_state_fail (st, "the data ends where the field “%s” was expected", name);
      return NULL;
    }
  *kind = (char) st->in[st->pos];
  gsize len = st->in[st->pos + 1];
  st->pos += 2;
  if (st->size - st->pos < len + 8)
    {
      dd_state_fail (st, "the data ends inside the field “%s”", name);
      return NULL;
    }
  if (len != strlen (name) || memcmp (st->in + st->pos, name, len) != 0)
    {
      g_autofree char *found = g_strndup ((const char *) st->in + st->pos, len);
      g_autofree char *shown = g_utf8_make_valid (found, -1);
      dd_state_fail (st, "found the field “%s” where “%s” was expected", shown, name);
      return NULL;
    }
  st->pos += len;
  guint64 le;
  memcpy (&le, st->in + st->pos, 8);
  st->pos += 8;
  *count = GUINT64_FROM_LE (le);
  gsize es = kind_size (*kind);
  if (es == 0 && *kind != KIND_ABSENT)
    {
      dd_state_fail (st, "%s: unknown field type %d", name, *kind);
      return NULL;
    }
  if (*kind == KIND_ABSENT && *count != 0)
    {
      dd_state_fail (st, "%s: an absent field with a length", name);
      return NULL;
    }
  if (es > 0 && *count > (st->size - st->pos) / es)
    {
      dd_state_fail (st, "%s: %" G_GUINT64_FORMAT " values, more than the data holds", name, *count);
      return NULL;
    }
  const guint8 *p = st->in + st->pos;
  st->pos += (gsize) *count * es;
  return p;
}

/* reads a field that must be of kind with n elements into v */
static void
get (DdState *st, char kind, const char *name, void *v, gsize n)
{
  char k;
  guint64 count;
  const guint8 *p = take (st, name, &k, &count);

  if (p == NULL)
    return;
  if (k != kind)
    {
      dd_state_fail (st, "%s: holds %s where %s were expected", name, kind_name (k), kind_name (kind));
      return;
    }
  if (count != n)
    {
      dd_state_fail (st, "%s: %" G_GUINT64_FORMAT " values where %" G_GSIZE_FORMAT " were expected",
                     name, count, n);
      return;
    }
  if (n > 0)
    memcpy (v, p, n * kind_size (kind));
}

static void
field (DdState *st, char kind, const char *name, void *v, gsize n)
{
  if (st->failure)
    return;
  if (st->reading)
    get (st, kind, name, v, n);
  else
    put (st, kind, name, v, n);
}

/* an optional array: *v of n elements of size es, or NULL */
static void
opt_field (DdState *st, char kind, const char *name, void **v, gsize n)
{
  if (st->failure)
    return;
  if (!st->reading)
    {
      if (*v)
        put (st, kind, name, *v, n);
      else
        put (st, KIND_ABSENT, name, NULL, 0);
      return;
    }
  gsize save = st->pos;
  char k;
  guint64 count;
  if (take (st, name, &k, &count) == NULL)
    return;
  g_clear_pointer (v, g_free);
  if (k == KIND_ABSENT)
    return;
  st->pos = save;
  *v = g_malloc0 (MAX (n, 1) * kind_size (kind));
  get (st, kind, name, *v, n);
}

/* --- scalars ---------------------------------------------------------------- */

void
dd_state_i64 (DdState *st, const char *name, gint64 *v)
{
  field (st, KIND_I64, name, v, 1);
}

void
dd_state_u64 (DdState *st, const char *name, guint64 *v)
{
  field (st, KIND_I64, name, v, 1);
}

void
dd_state_int (DdState *st, const char *name, int *v, int min, int max)
{
  gint64 x = *v;
  field (st, KIND_I64, name, &x, 1);
  if (st->reading && st->failure == NULL)
    {
      if (x < min || x > max)
        dd_state_fail (st, "%s: %" G_GINT64_FORMAT " is outside [%d, %d]", name, x, min, max);
      else
        *v = (int) x;
    }
}

void
dd_state_bool (DdState *st, const char *name, gboolean *v)
{
  int x = *v ? 1 : 0;
  dd_state_int (st, name, &x, 0, 1);
  if (st->reading && st->failure == NULL)
    *v = x;
}

void
dd_state_f64 (DdState *st, const char *name, double *v)
{
  field (st, KIND_F64, name, v, 1);
}

void
dd_state_expect (DdState *st, const char *name, gint64 v)
{
  gint64 x = v;
  field (st, KIND_I64, name, &x, 1);
  if (st->reading && st->failure == NULL && x != v)
    dd_state_fail (st, "%s is %" G_GINT64_FORMAT " here, %" G_GINT64_FORMAT " in the saved state",
                   name, v, x);
}

void
dd_state_str (DdState *st, const char *name, char **v)
{
  if (st->failure)
    return;
  if (!st->reading)
    {
      if (*v)
        put (st, KIND_BYTES, name, *v, strlen (*v));
      else
        put (st, KIND_ABSENT, name, NULL, 0);
      return;
    }
  char k;
  guint64 count;
  const guint8 *p = take (st, name, &k, &count);
  if (p == NULL)
    return;
  if (k != KIND_BYTES && k != KIND_ABSENT)
    {
      dd_state_fail (st, "%s: holds %s where text was expected", name, kind_name (k));
      return;
    }
  g_clear_pointer (v, g_free);
  if (k == KIND_ABSENT)
    return;
  if (!g_utf8_validate ((const char *) p, (gssize) count, NULL) || memchr (p, 0, count))
    {
      dd_state_fail (st, "%s: the text is not valid UTF-8", name);
      return;
    }
  *v = g_strndup ((const char *) p, count);
}

/* --- arrays ----------------------------------------------------------------- */

void
dd_state_reals (DdState *st, const char *name, dd_real *v, gsize n)
{
  field (st, KIND_REAL, name, v, n);
}

void
dd_state_f32s (DdState *st, const char *name, float *v, gsize n)
{
  field (st, KIND_F32, name, v, n);
}

void
dd_state_f64s (DdState *st, const char *name, double *v, gsize n)
{
  field (st, KIND_F64, name, v, n);
}

void
dd_state_u64s (DdState *st, const char *name, guint64 *v, gsize n)
{
  field (st, KIND_I64, name, v, n);
}

static void
check_range (DdState *st, const char *name, const int *v, gsize n, int min, int max)
{
  if (!st->reading || st->failure || v == NULL)
    return;
  for (gsize i = 0; i < n; i++)
    if (v[i] < min || v[i] > max)
      {
        dd_state_fail (st, "%s[%" G_GSIZE_FORMAT "]: %d is outside [%d, %d]", name, i, v[i], min, max);
        return;
      }
}

void
dd_state_ints (DdState *st, const char *name, int *v, gsize n, int min, int max)
{
  G_STATIC_ASSERT (sizeof (int) == 4);
  field (st, KIND_I32, name, v, n);
  check_range (st, name, v, n, min, max);
}

void
dd_state_opt_reals (DdState *st, const char *name, dd_real **v, gsize n)
{
  opt_field (st, KIND_REAL, name, (void **) v, n);
}

void
dd_state_opt_f64s (DdState *st, const char *name, double **v, gsize n)
{
  opt_field (st, KIND_F64, name, (void **) v, n);
}

void
dd_state_opt_ints (DdState *st, const char *name, int **v, gsize n, int min, int max)
{
  opt_field (st, KIND_I32, name, (void **) v, n);
  check_range (st, name, *v, n, min, max);
}

void
dd_state_count (DdState *st, const char *name, gint64 *n, gint64 max)
{
  field (st, KIND_I64, name, n, 1);
  if (st->reading && st->failure == NULL && (*n < 0 || *n > max))
    dd_state_fail (st, "%s: %" G_GINT64_FORMAT " is outside [0, %" G_GINT64_FORMAT "]", name, *n, max);
  /* every counted item holds at least one 8-byte value further on: a count
   * the rest of the input cannot hold is refused before anything is
   * allocated for it */
  else if (st->reading && st->failure == NULL && (guint64) *n > dd_state_left (st) / 8)
    dd_state_fail (st, "%s: %" G_GINT64_FORMAT " items, and only %" G_GSIZE_FORMAT
                   " bytes are left to hold them", name, *n, dd_state_left (st));
}
