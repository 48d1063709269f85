/* dd-phi.c: Φ's shapes, starts, initial point and value type
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-phi.h"
#include "dd-private.h"

#include <math.h>
#include <string.h>

DdPhiStart
dd_phi_start_default (void)
{
  return (DdPhiStart) { .form = DD_PHI_NORMALISED, .epsilon = DD_PHI_DEFAULT_EPSILON };
}

gboolean
dd_phi_form_parse (const char *name, DdPhiForm *out)
{
  if (g_strcmp0 (name, "normalised") == 0 || g_strcmp0 (name, "normalized") == 0)
    *out = DD_PHI_NORMALISED;
  else if (g_strcmp0 (name, "paper") == 0)
    *out = DD_PHI_PAPER;
  else
    return FALSE;
  return TRUE;
}

const char *
dd_phi_form_name (DdPhiForm form)
{
  return form == DD_PHI_PAPER ? "paper" : "normalised";
}

int
dd_phi_rows (DdPhiShape shape, int n_classes)
{
  return shape == DD_PHI_BUCKETS ? n_classes + 2 : n_classes + 1;
}

int
dd_phi_scale_row (DdPhiShape shape, int n_classes)
{
  return dd_phi_rows (shape, n_classes) - 1;
}

void
dd_phi_initial (DdPhiShape shape, const DdPhiStart *start, int n_classes, dd_real *W, dd_real *b)
{
  const DdPhiStart def = dd_phi_start_default ();
  const int C = n_classes, R = dd_phi_rows (shape, C), S = dd_phi_scale_row (shape, C);

  if (start == NULL)
    start = &def;
  const double s0 = start->form == DD_PHI_PAPER ? 0.0 : log (start->epsilon);
  for (int r = 0; r < R; r++)
    for (int c = 0; c < C; c++)
      {
        double v;
        if (r == S)
          v = s0;
        else if (shape == DD_PHI_BUCKETS)
          v = r == C ? 1.0 : 0.0;       /* a = 1, W = 0 */
        else
          v = r == c ? 1.0 : 0.0;       /* W = I */
        W[(size_t) r * C + c] = (dd_real) v;
      }
  if (b != NULL)
    memset (b, 0, sizeof (dd_real) * (size_t) C);
}

DdPhi *
dd_phi_new (DdPhiShape shape, int n_classes)
{
  g_return_val_if_fail (n_classes > 0, NULL);

  DdPhi *phi = g_new0 (DdPhi, 1);
  phi->shape = shape;
  phi->C = n_classes;
  phi->R = dd_phi_rows (shape, n_classes);
  phi->W = g_new0 (dd_real, (gsize) phi->R * phi->C);
  phi->b = g_new0 (dd_real, phi->C);
  return phi;
}

DdPhi *
dd_phi_new_initial (DdPhiShape shape, const DdPhiStart *start, int n_classes)
{
  DdPhi *phi = dd_phi_new (shape, n_classes);
  if (phi != NULL)
    dd_phi_initial (shape, start, n_classes, phi->W, phi->b);
  return phi;
}

DdPhi *
dd_phi_copy (const DdPhi *phi)
{
  g_return_val_if_fail (phi != NULL, NULL);

  DdPhi *c = dd_phi_new (phi->shape, phi->C);
  dd_phi_assign (c, phi);
  return c;
}

void
dd_phi_free (DdPhi *phi)
{
  if (phi == NULL)
    return;
  g_free (phi->W);
  g_free (phi->b);
  g_free (phi);
}

DdPhi
dd_phi_view (DdPhiShape shape, int n_classes, dd_real *W, dd_real *b)
{
  return (DdPhi) { .shape = shape, .C = n_classes, .R = dd_phi_rows (shape, n_classes),
                   .W = W, .b = b };
}

gboolean
dd_phi_same_shape (const DdPhi *a, const DdPhi *b)
{
  return a->shape == b->shape && a->R == b->R && a->C == b->C;
}

void
dd_phi_assign (DdPhi *dst, const DdPhi *src)
{
  g_return_if_fail (dst != NULL && src != NULL && dd_phi_same_shape (dst, src));

  if (dst == src)
    return;
  memcpy (dst->W, src->W, sizeof (dd_real) * (gsize) src->R * src->C);
  memcpy (dst->b, src->b, sizeof (dd_real) * (gsize) src->C);
}

gboolean
dd_phi_is_finite (const DdPhi *phi)
{
  return dd_all_finite (phi->W, (gsize) phi->R * phi->C) && dd_all_finite (phi->b, phi->C);
}

gsize
dd_phi_n_values_for (DdPhiShape shape, int n_classes)
{
  return (gsize) (dd_phi_rows (shape, n_classes) + 1) * n_classes;
}

gsize
dd_phi_n_values (const DdPhi *phi)
{
  return (gsize) (phi->R + 1) * phi->C;
}

int
dd_phi_cell (const DdPhi *phi, int row, int col)
{
  if (row < 0 || row > phi->R || col < 0 || col >= phi->C)
    return -1;
  return row * phi->C + col;
}

double
dd_phi_get (const DdPhi *phi, guint cell)
{
  const gsize RC = (gsize) phi->R * phi->C;

  g_return_val_if_fail (cell < dd_phi_n_values (phi), NAN);
  return cell < RC ? phi->W[cell] : phi->b[cell - RC];
}

void
dd_phi_set (DdPhi *phi, guint cell, double value)
{
  const gsize RC = (gsize) phi->R * phi->C;

  g_return_if_fail (cell < dd_phi_n_values (phi));
  if (cell < RC)
    phi->W[cell] = (dd_real) value;
  else
    phi->b[cell - RC] = (dd_real) value;
}

void
dd_phi_unpack (DdPhi *phi, const float *values)
{
  const gsize RC = (gsize) phi->R * phi->C;

  for (gsize i = 0; i < RC; i++)
    phi->W[i] = values[i];
  for (int i = 0; i < phi->C; i++)
    phi->b[i] = values[RC + i];
}

void
dd_phi_add_scaled (DdPhi *y, double a, const DdPhi *x)
{
  g_return_if_fail (y != NULL && x != NULL && dd_phi_same_shape (y, x));

  for (gsize i = 0; i < (gsize) x->R * x->C; i++)
    y->W[i] += (dd_real) (a * x->W[i]);
  for (int i = 0; i < x->C; i++)
    y->b[i] += (dd_real) (a * x->b[i]);
}

void
dd_phi_scale (DdPhi *phi, double a)
{
  for (gsize i = 0; i < (gsize) phi->R * phi->C; i++)
    phi->W[i] = (dd_real) (a * phi->W[i]);
  for (int i = 0; i < phi->C; i++)
    phi->b[i] = (dd_real) (a * phi->b[i]);
}

void
dd_phi_penalise_confusions (DdPhi *phi, double weight)
{
  const int C = phi->C;

  for (int j = 0; j < C; j++)
    for (int y = 0; y < C; y++)
      if (j != y)
        phi->W[(gsize) j * C + y] = (dd_real) -weight;
}

void
dd_phi_pack (const DdPhi *phi, float *out)
{
  const gsize RC = (gsize) phi->R * phi->C;

  for (gsize i = 0; i < RC; i++)
    out[i] = (float) phi->W[i];
  for (int i = 0; i < phi->C; i++)
    out[RC + i] = (float) phi->b[i];
}
