/* gradcheck.h: shared helpers for the finite-difference gradient tests
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built only against the double-precision engine (DD_DOUBLE).
 *
 * Relative error of one component: |a − n| / max(|a|, |n|, floor), where the
 * floor is 1e-3 × the largest |n| of the whole tensor, so that components
 * that are zero up to rounding do not dominate. The largest such error is
 * printed with the tensor's name and returned.
 */
#pragma once

#include "dd-types.h"

G_BEGIN_DECLS

/* The tolerance the issue asks of every kernel and loss in double precision. */
#define GRADCHECK_TOL 1e-6
/* central-difference step for double precision */
#define GRADCHECK_EPS 1e-5

typedef double (*GradcheckFunc) (gpointer user_data);

/* Fill numeric[i] with the central difference of f along x[i], restoring x. */
void   gradcheck_numeric (double *numeric, dd_real *x, size_t n,
                          GradcheckFunc f, gpointer user_data, double eps);
/* Compare, print "name: max rel err …" and return the largest relative error. */
double gradcheck_compare (const char *name, const dd_real *analytic,
                          const double *numeric, size_t n);
/* Convenience: numeric + compare + g_assert_cmpfloat (err, <=, tol). */
void   gradcheck_assert  (const char *name, const dd_real *analytic, dd_real *x,
                          size_t n, GradcheckFunc f, gpointer user_data, double tol);
/* Largest |a − b| / max(|a|, |b|, floor) for two arrays, the floor as above;
 * used to compare a fast kernel with its reference. */
double max_rel_diff      (const dd_real *a, const dd_real *b, size_t n);
void   fill_uniform      (dd_real *x, size_t n, double lo, double hi, guint64 seed);
/* n values drawn from N(0, sd²), and B labels uniform in [0, C); g_free them */
dd_real *new_normal      (size_t n, double sd, guint64 seed);
int     *new_labels      (int B, int C, guint64 seed);

G_END_DECLS
