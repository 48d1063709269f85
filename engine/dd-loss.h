/* dd-loss.h: the losses a student can be trained on
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All losses take logits (B, C) and labels, return the batch mean, and (when
 * dlogits is given) WRITE (=, not +=) the gradient of that mean with respect
 * to the logits; the 1/B of the mean enters here.
 *
 *   CE       −log p_y
 *   SMOOTH   −Σ_k q_k log p_k, q = (1 − ε)·onehot(y) + ε/C         (ε default 0.1)
 *   MARGIN   additive-margin softmax on the logits: CE of z − m·onehot(y)
 *            (m default 1.0; the students' logits are not normalised, so
 *            this is the margin form without the cosine normalisation)
 *   DLF      the L2T-DLF family (docs/method.md §2): for each example a
 *            score u, a saturation scale ε = exp(s[y]) (s clamped to
 *            [−30, 30]) and the head of dd-dlf-head.h; `normalised` picks the
 *            form of both:
 *              paper form:       u = Σ_j W[j, y]·log p_j + b[y]
 *                                ℓ = −σ(ε·u)             (s NULL: ε = 1, the paper's loss)
 *              normalised form:  u = W[y, y]·log p_y + Σ_{j≠y} W[j, y]·(log p_j − log p_y)
 *                                    + b[y]
 *                                ℓ = (4/ε)·(½ − σ(ε·u))  (cross-entropy as ε → 0 at W = I,
 *                                b = 0; bounded for ε > 0)
 *            The normalised score is the same family written relative to the
 *            true class: the student's step on class y is scaled by W[y, y]
 *            alone, and an off-diagonal W[j, y] moves credit from y to j.
 *            W is (C, C) row-major, row j column y; b is (C); s (C) the
 *            per-class log saturation scale, stored as row C of the W block.
 *            Gradients with respect to W and b are ADDED (+=) into dW, db;
 *            with s, dW is the whole (C + 1, C) block and ∂/∂s goes to its
 *            last row.
 *   SMOOTH_ERROR  the teacher's dev measure (docs/method.md §4), not a training
 *            loss: 2σ(k·(max_j p_j − p_y)) − 1 with k = smooth_k (50); its
 *            gradient follows the arg-max that is current (piecewise smooth).
 */
#pragma once

#include "dd-types.h"

G_BEGIN_DECLS

typedef enum {
  DD_LOSS_CE,
  DD_LOSS_SMOOTH,
  DD_LOSS_MARGIN,
  DD_LOSS_DLF,
  DD_LOSS_SMOOTH_ERROR,
} DdLossKind;

typedef struct {
  DdLossKind     kind;
  double         smoothing; /* ε for DD_LOSS_SMOOTH */
  double         margin;    /* m for DD_LOSS_MARGIN */
  double         smooth_k;  /* k for DD_LOSS_SMOOTH_ERROR */
  const dd_real *W;         /* (C, C) for DD_LOSS_DLF */
  const dd_real *b;         /* (C) for DD_LOSS_DLF */
  const dd_real *s;         /* (C) log ε for DD_LOSS_DLF, or NULL (ε = 1) */
  gboolean       normalised;/* DD_LOSS_DLF: the normalised form (else the paper's) */
} DdLoss;

/* a loss with its default settings; for DLF, W and b must then be set */
DdLoss      dd_loss_default   (DdLossKind kind);
const char *dd_loss_kind_name (DdLossKind kind);                  /* "ce", … */
gboolean    dd_loss_kind_parse (const char *name, DdLossKind *out);

/* Returns the mean loss over the batch. dlogits (B, C) may be NULL (value
 * only); dW (C, C) and db (C) may be NULL, and are used only by DLF.
 * scratch holds at least B·C values. */
double dd_loss_forward_backward (const DdLoss *loss,
                                 dd_real      *dlogits,
                                 dd_real      *dW,
                                 dd_real      *db,
                                 dd_real      *scratch,
                                 const dd_real *logits,
                                 const int    *labels,
                                 int           B,
                                 int           C);

/* The R-operator of the loss gradient, for Hessian-vector products
 * (docs/method.md §5): for a direction rlogits (B, C) of the logits,
 *   rdlogits (B, C)  = (∂²L/∂logits²)·rlogits                     (written)
 *   rdW (C, C), rdb (C) += (∂²L/∂Φ∂logits)·rlogits    (DLF only; may be NULL)
 * i.e. the directional derivative, along rlogits, of the gradients that
 * dd_loss_forward_backward computes. Not defined for SMOOTH_ERROR.
 * scratch holds at least B·C values. */
void dd_loss_rop (const DdLoss  *loss,
                  dd_real       *rdlogits,
                  dd_real       *rdW,
                  dd_real       *rdb,
                  dd_real       *scratch,
                  const dd_real *logits,
                  const dd_real *rlogits,
                  const int     *labels,
                  int            B,
                  int            C);

G_END_DECLS
