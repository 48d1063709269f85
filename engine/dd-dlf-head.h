/* dd-dlf-head.h: the sigmoid head that every L2T-DLF loss shares
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both losses of the family (classes, dd-loss.c; frequency buckets,
 * dd-bucket-loss.c) first form a linear score u of the example's
 * log-probabilities and then put it through the same head, with a per-class
 * saturation scale ε = exp(s):
 *
 *   paper form        ℓ = −σ(ε·u)                       (ε = 1: the paper's loss)
 *   normalised form   ℓ = (4/ε)·(½ − σ(ε·u)) = −(2/ε)·tanh(ε·u/2)
 *
 * The normalised form is −u to first order in ε·u: with W = I, b = 0 it is
 * cross-entropy −log p_y until log p_y < −1/ε and saturates beyond (a bounded
 * loss), and its slope ∂ℓ/∂u = −(1 − tanh²) never exceeds cross-entropy's 1,
 * whatever ε — so ε moves the saturation point without changing the
 * student's step size. With t = tanh(z/2), z = ε·u: σ = (1 + t)/2,
 * σ' = (1 − t²)/4, σ'' = σ'·(1 − 2σ) = −σ'·t.
 *
 * dlf_head gives ℓ, G = ∂ℓ/∂u and Gs = ∂ℓ/∂s; dlf_head_dot their derivatives
 * along a direction u̇ of u (for the R-operators):
 *   normalised  G = −(1 − t²)          Gs = G·u − ℓ       Ġ = ε·(1 − t²)·t·u̇       Ġs = Ġ·u
 *   paper       G = −ε·(1 − t²)/4      Gs = G·u           Ġ = ε²·(1 − t²)·t·u̇/4    Ġs = Ġ·u + G·u̇
 * s is clamped to [−30, 30] so that ε neither underflows nor overflows.
 */
#pragma once

#include <glib.h>
#include <math.h>

G_BEGIN_DECLS

#define DD_DLF_S_MIN (-30.0)
#define DD_DLF_S_MAX 30.0

typedef struct {
  double eps;   /* ε = exp(s) */
  double t;     /* tanh(ε·u/2) */
  double loss;  /* ℓ */
  double g;     /* ∂ℓ/∂u */
  double gs;    /* ∂ℓ/∂s */
} DdDlfHead;

static inline void
dd_dlf_head (DdDlfHead *h, double u, double s, gboolean normalised)
{
  const double eps = exp (CLAMP (s, DD_DLF_S_MIN, DD_DLF_S_MAX));
  const double t = tanh (0.5 * eps * u);

  h->eps = eps;
  h->t = t;
  if (normalised)
    {
      h->loss = -2.0 * t / eps;
      h->g = -(1.0 - t * t);
      h->gs = h->g * u - h->loss;
    }
  else
    {
      h->loss = -0.5 * (1.0 + t);
      h->g = -0.25 * eps * (1.0 - t * t);
      h->gs = h->g * u;
    }
}

/* Ġ and Ġs along u̇ */
static inline void
dd_dlf_head_dot (const DdDlfHead *h, double u, double udot, gboolean normalised,
                 double *gdot, double *gsdot)
{
  const double t = h->t, eps = h->eps;

  if (normalised)
    {
      *gdot = eps * (1.0 - t * t) * t * udot;
      *gsdot = *gdot * u;
    }
  else
    {
      *gdot = 0.25 * eps * eps * (1.0 - t * t) * t * udot;
      *gsdot = *gdot * u + h->g * udot;
    }
}

G_END_DECLS
