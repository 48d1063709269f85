/* dd-dataset.h: labelled image datasets, their loaders and the dataset registry
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A DdDataset owns its pixels (uint8, converted to dd_real one minibatch at a
 * time) and labels. Loaders never trust a header: sizes are checked against
 * what the file really holds before anything is allocated from them, and every
 * failure is a DD_ERROR naming the file and the reason.
 *
 * Splits (documented in DESIGN.md and DATA in the README):
 *   fashion-mnist, mnist: train = the first 50,000 training images,
 *                         dev   = the last 10,000 training images,
 *                         test  = the official 10,000 test images (only reported).
 *   digits (1,797 rows):  train = rows 0..1076, dev = rows 1077..1436,
 *                         test  = rows 1437..1796.
 */
#pragma once

#include "dd-types.h"

G_BEGIN_DECLS

struct _DdDataset {
  char   *name;        /* e.g. "fashion-mnist/dev" */
  int     n;           /* number of examples */
  int     rows, cols;  /* image geometry */
  int     d;           /* rows * cols */
  int     n_classes;
  guint8 *pixels;      /* n × d, row-major images */
  guint8 *labels;      /* n, each < n_classes */
  float   scale;       /* pixel value × scale ∈ [0, 1] */
  const char *const *class_names; /* n_classes static strings, not owned */
};

/* The three splits of one dataset. */
struct _DdData {
  char      *name;     /* registry name: "fashion-mnist", "mnist", "digits", "de-en";
                        * "de-en+bpeN" for de-en's subwords (dd_data_load_bpe) */
  DdDataset *train;    /* images; NULL for de-en */
  DdDataset *dev;
  DdDataset *test;
  struct _DdParallel *parallel; /* de-en: the sentence pairs (dd-parallel.h); else NULL */
};

typedef struct {
  const char *name;          /* registry name */
  const char *title;         /* human name, e.g. "Fashion-MNIST" */
  int         n_classes;
  const char *const *class_names;
  const char *install_hint;  /* the exact command that installs it */
} DdDatasetInfo;

/* Loaders. Paths may name gzipped ("….gz") or plain files; gzip is detected by
 * its magic bytes, not by the name. */
DdDataset *dd_dataset_load_idx        (const char  *images_path,
                                       const char  *labels_path,
                                       int          n_classes,
                                       GError     **error);
/* 8×8 digits: CSV, 64 integer pixel values 0..16 then the label 0..9, no header */
DdDataset *dd_dataset_load_digits_csv (const char  *path,
                                       GError     **error);

void       dd_dataset_free            (DdDataset   *ds);
/* a deep copy of examples [start, start + count) */
DdDataset *dd_dataset_slice           (const DdDataset *ds,
                                       int          start,
                                       int          count,
                                       const char  *name);
/* x (B, d) ← scaled pixels of examples idx[0..B); y (B) ← labels */
void       dd_dataset_gather          (const DdDataset *ds,
                                       const int   *idx,
                                       int          B,
                                       dd_real     *x,
                                       int         *y);

/* Registry. Search order for each set: $DIDACT_DATA_DIR/<name>/, the system
 * location (/usr/share/datasets/fashion-mnist for Fashion-MNIST), the data
 * cache (g_get_user_cache_dir()/didact/<name>/) and, for digits, the bundled
 * copy (installed pkgdatadir, or the source tree's data/ when uninstalled). */
const DdDatasetInfo *dd_dataset_info      (const char *name); /* NULL if unknown */
const char *const   *dd_dataset_names     (void);             /* NULL-terminated */
/* The directory (or, for digits, file) where the set was found; NULL and an
 * error (DD_ERROR_DATA_MISSING, with the install command) when it is missing. */
char                *dd_dataset_locate    (const char *name,
                                           GError    **error);
/* Load the set and carve its splits; "de-en+bpeN" (N from 1 to
 * DD_PARALLEL_MAX_MERGES, no leading zero) is dd_data_load_bpe ("de-en", N),
 * the name that function gives its sets. On failure, NULL and an error. */
DdData              *dd_data_load         (const char *name,
                                           GError    **error);
/* de-en with subword ids from n_merges byte-pair merges (dd_parallel_load_bpe;
 * 0: words, as dd_data_load), named "de-en+bpeN" when n_merges > 0. Any other
 * name, or n_merges outside 0..DD_PARALLEL_MAX_MERGES, is
 * DD_ERROR_INVALID_ARGUMENT. */
DdData              *dd_data_load_bpe     (const char *name,
                                           int         n_merges,
                                           GError    **error);
/* the name dd_data_load_bpe gives name's set of n_merges merges: name itself
 * for 0, else "name+bpeN" (newly allocated) */
char                *dd_data_name_bpe     (const char *name,
                                           int         n_merges);
void                 dd_data_free         (DdData    *data);
/* de-en's sentence pairs (dd-parallel.h), or NULL for an image set */
static inline const struct _DdParallel *
dd_data_parallel (const DdData *data)
{
  return data->parallel;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdDataset, dd_dataset_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdData, dd_data_free)

G_END_DECLS
