/* dd-phi.h: Φ, the loss coefficients a teacher writes
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/method.md §2–3. Φ = (W, b): a W block of R rows by C columns (row
 * j, column y; row-major) and a bias b of C values. Its shape says what the
 * rows mean (below); its start says where the loss family begins. This file
 * is the one place that knows Φ's layout and its initial point; the
 * teachers, the teaching loop, the session's records and journal, the
 * command-line tool and the workbench all go through it.
 *
 * Flat layout, for records, journals and cell indices: the R·C values of
 * W row by row, then the C values of b — cell row·C + col, with row R
 * meaning b.
 */
#pragma once

#include "dd-types.h"

G_BEGIN_DECLS

/* The shape of Φ. Every Φ is a W block of R rows by C columns and b (C).
 * Classes: rows 0…C−1 the C×C matrix W (row j, column y), row C the
 * per-class log saturation scale s = log ε.
 * Buckets (translation, docs/method.md §8, with C = K frequency buckets): rows
 * 0…K−1 the K×K matrix W[k, c], row K the vector a[c], row K + 1 the
 * per-bucket log ε. Every teacher kind treats the whole (R, C) block as it
 * treats W: the gated teacher gates it, the neural one outputs it. */
typedef enum {
  DD_PHI_CLASSES,
  DD_PHI_BUCKETS,
} DdPhiShape;

/* Where the loss family starts, and how its head reads ε (dd-dlf-head.h).
 *   normalised (default): ℓ = (4/ε)(½ − σ(ε·u)) at W = I, b = 0, ε = ε₀ —
 *     cross-entropy until log p_y < −1/ε₀, bounded beyond; the teacher moves
 *     ε per class between cross-entropy (ε → 0) and a saturating loss
 *     (ε ≈ 1 resists label noise) without changing the student's step size.
 *   paper: ℓ = −σ(ε·u) at W = I, b = 0, ε = 1 — the paper's loss −p_y/(1 + p_y),
 *     whose gradient is at most a quarter of cross-entropy's and smallest on
 *     the examples still wrong (docs/method.md §2). */
typedef enum {
  DD_PHI_NORMALISED,
  DD_PHI_PAPER,
} DdPhiForm;

#define DD_PHI_DEFAULT_EPSILON 0.1

typedef struct {
  DdPhiForm form;
  double    epsilon;   /* ε₀ of the normalised form (> 0); the paper form uses 1 */
} DdPhiStart;

/* the default start: normalised, ε₀ = DD_PHI_DEFAULT_EPSILON */
DdPhiStart  dd_phi_start_default (void);
gboolean    dd_phi_form_parse    (const char *name, DdPhiForm *out);  /* "normalised", "paper" */
const char *dd_phi_form_name     (DdPhiForm form);
/* rows of Φ's W block for a shape and C: C + 1, or K + 2 for buckets */
int         dd_phi_rows          (DdPhiShape shape, int n_classes);
/* The initial point, defined here once: W (R, C) and b (C), written. */
void        dd_phi_initial       (DdPhiShape shape, const DdPhiStart *start, int n_classes,
                                  dd_real *W, dd_real *b);
/* the row of the log-ε scale in the W block */
int         dd_phi_scale_row     (DdPhiShape shape, int n_classes);

/* Φ as a value: owns W and b (dd_phi_new…) or views another's arrays
 * (dd_phi_view: nothing to free). */
typedef struct {
  DdPhiShape shape;
  int        R, C;    /* rows of the W block (dd_phi_rows) and columns */
  dd_real   *W;       /* (R, C) */
  dd_real   *b;       /* (C) */
} DdPhi;

/* all zeros */
DdPhi    *dd_phi_new          (DdPhiShape shape, int n_classes);
/* the initial point of start (NULL: the default start) */
DdPhi    *dd_phi_new_initial  (DdPhiShape shape, const DdPhiStart *start, int n_classes);
DdPhi    *dd_phi_copy         (const DdPhi *phi);
void      dd_phi_free         (DdPhi *phi);
/* a Φ over arrays owned elsewhere (W: dd_phi_rows × C values, b: C) */
DdPhi     dd_phi_view         (DdPhiShape shape, int n_classes, dd_real *W, dd_real *b);
/* dst ← src; the shapes must agree */
void      dd_phi_assign       (DdPhi *dst, const DdPhi *src);
gboolean  dd_phi_same_shape   (const DdPhi *a, const DdPhi *b);
gboolean  dd_phi_is_finite    (const DdPhi *phi);
/* values in the flat layout: R·C + C */
gsize     dd_phi_n_values     (const DdPhi *phi);
gsize     dd_phi_n_values_for (DdPhiShape shape, int n_classes);
/* the flat cell of (row, col), row R meaning b; −1 when out of range */
int       dd_phi_cell         (const DdPhi *phi, int row, int col);
double    dd_phi_get          (const DdPhi *phi, guint cell);
void      dd_phi_set          (DdPhi *phi, guint cell, double value);
/* the flat layout, in single precision (records), out and back */
void      dd_phi_pack         (const DdPhi *phi, float *out);
void      dd_phi_unpack       (DdPhi *phi, const float *values);
/* arithmetic for edits: y ← y + a·x (same shape), phi ← a·phi */
void      dd_phi_add_scaled   (DdPhi *y, double a, const DdPhi *x);
void      dd_phi_scale        (DdPhi *phi, double a);

/* The workbench's "penalty" preset: every off-diagonal entry of the square
 * block (W[j, y], j ≠ y, classes or buckets) set to −weight, so that the
 * loss also weighs in the log-probabilities of the other classes and pushes
 * them down; DD_PHI_CONFUSION_PENALTY is the preset's weight. */
#define DD_PHI_CONFUSION_PENALTY 0.1
void      dd_phi_penalise_confusions (DdPhi *phi, double weight);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdPhi, dd_phi_free)

G_END_DECLS
