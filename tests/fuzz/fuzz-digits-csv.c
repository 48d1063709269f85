/* fuzz-digits-csv.c: the digits CSV reader
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: the whole file (plain text or gzip), read by
 * dd_dataset_load_digits_csv. A loaded set holds 8×8 images with pixels
 * 0..16 and labels 0..9.
 */
#include "fuzz-common.h"
#include "didact-engine.h"

static FuzzFile csv;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_fatal_criticals ();
  fuzz_file_init (&csv, "digits.csv");
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;

  fuzz_file_set (&csv, data, size);
  g_autoptr(DdDataset) ds = dd_dataset_load_digits_csv (csv.path, &error);
  FUZZ_ASSERT_REFUSED (ds != NULL, error);
  if (ds == NULL)
    return 0;

  g_assert_cmpint (ds->n, >, 0);
  g_assert_cmpint (ds->d, ==, 64);
  g_assert_cmpint (ds->n_classes, ==, 10);
  for (gsize i = 0; i < (gsize) ds->n * 64; i++)
    g_assert_cmpint (ds->pixels[i], <=, 16);
  for (int i = 0; i < ds->n; i++)
    g_assert_cmpint (ds->labels[i], <=, 9);

  const int idx[1] = { ds->n - 1 };
  dd_real x[64];
  int y;
  dd_dataset_gather (ds, idx, 1, x, &y);
  g_assert_cmpint (y, ==, ds->labels[ds->n - 1]);
  return 0;
}
