/* fuzz-idx.c: the IDX reader (MNIST and Fashion-MNIST files)
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: byte 0 is the number of classes − 1; bytes 1–2 (little-endian) the
 * length L of the images file; then L bytes of images file (fewer if the
 * input ends) and the rest is the labels file. Both go through
 * dd_dataset_load_idx as files, plain or gzipped. A loaded set must be what
 * its header said, and its examples readable to the last one.
 */
#include "fuzz-common.h"
#include "didact-engine.h"

static FuzzFile images, labels;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_fatal_criticals ();
  fuzz_file_init (&images, "images-idx3-ubyte");
  fuzz_file_init (&labels, "labels-idx1-ubyte");
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  int n_classes;
  size_t images_len;

  if (size < 3)
    return 0;
  n_classes = data[0] + 1;
  images_len = MIN ((size_t) (data[1] | data[2] << 8), size - 3);
  fuzz_file_set (&images, data + 3, images_len);
  fuzz_file_set (&labels, data + 3 + images_len, size - 3 - images_len);

  g_autoptr(DdDataset) ds = dd_dataset_load_idx (images.path, labels.path, n_classes, &error);
  FUZZ_ASSERT_REFUSED (ds != NULL, error);
  if (ds == NULL)
    return 0;

  g_assert_cmpint (ds->n, >, 0);
  g_assert_cmpint (ds->rows, >, 0);
  g_assert_cmpint (ds->cols, >, 0);
  g_assert_cmpint (ds->d, ==, ds->rows * ds->cols);
  g_assert_cmpint (ds->n_classes, ==, n_classes);
  for (int i = 0; i < ds->n; i++)
    g_assert_cmpint (ds->labels[i], <, n_classes);

  /* the first and the last example, as training reads them */
  const int idx[2] = { 0, ds->n - 1 };
  g_autofree dd_real *x = g_new (dd_real, 2 * (gsize) ds->d);
  int y[2];
  dd_dataset_gather (ds, idx, 2, x, y);
  for (gsize i = 0; i < 2 * (gsize) ds->d; i++)
    g_assert_true (x[i] >= 0 && x[i] <= 1);
  g_autoptr(DdDataset) half = dd_dataset_slice (ds, ds->n / 2, ds->n - ds->n / 2, NULL);
  g_assert_cmpint (half->n, ==, ds->n - ds->n / 2);
  return 0;
}
