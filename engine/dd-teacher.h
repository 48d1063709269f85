/* dd-teacher.h: teachers μ_θ that write the loss coefficients Φ = (W, b)
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * L2T-DLF.md §3. At every student step t the teacher reads a state s_t and
 * outputs Φ_t = (W_t ∈ R^{C×C}, row j column y; b_t ∈ R^C). States are
 * constants when differentiating: no gradient flows through s_t.
 *
 *   fixed   θ = (W, b), Φ_t = θ.                       init W = I, b = 0
 *   gated   h_t = 2σ(θ₀·iter_t + θ₁·err_t + β) − 1,
 *           W_t = W + h_t·W₂, b_t = b.                  init W = I, b = W₂ = θ = β = 0
 *           iter_t = state->progress, err_t = 10 × state->batch_error
 *   neural  an MLP over the feature vector of the state (dd_teacher_features):
 *           a = tanh(A·f + a₀) (hidden units), W_t = I + U·a + u₀ (reshaped C×C),
 *           b_t = V·a + v₀.   init A Glorot-uniform, a₀ = 0, U = u₀ = V = v₀ = 0,
 *           so Φ_0 = (I, 0) whatever the state.
 *
 * Parameters θ live in one flat array (`params`) with a gradient array of the
 * same layout (`grads`), so the teacher's optimiser is an ordinary DdOptim.
 */
#pragma once

#include "dd-types.h"

G_BEGIN_DECLS

/* The shape of Φ. Classes: W (C, C), b (C), as above. Buckets (translation,
 * L2T-DLF.md §7, with C = K frequency buckets): the W block has K + 1 rows,
 * rows 0…K−1 the K×K matrix W[k, c] and row K the vector a[c], and b (K);
 * the initial point is W = 0, a = 1, b = 0 instead of (I, 0). Every teacher
 * kind treats the whole (rows, C) block as it treats W: the gated teacher
 * gates a with W, the neural one outputs it with W. */
typedef enum {
  DD_PHI_CLASSES,
  DD_PHI_BUCKETS,
} DdPhiShape;

typedef enum {
  DD_TEACHER_FIXED,
  DD_TEACHER_GATED,
  DD_TEACHER_NEURAL,
} DdTeacherKind;

/* What the teacher sees at step t (filled by the engine every step). */
typedef struct {
  int     n_classes;
  double  progress;          /* iter_t: step / horizon, in [0, 1] */
  double  batch_error;       /* error of the current minibatch before the step, in [0, 1] */
  double  train_loss;        /* exponential moving average of the training loss */
  double  train_error;       /* exponential moving average of the minibatch error */
  double  dev_error;         /* latest dev error, in [0, 1] */
  double *class_accuracy;    /* (C) latest per-class dev accuracy */
  double *class_margin;      /* (C) latest per-class mean dev margin */
} DdTeacherState;

struct _DdTeacher {
  DdTeacherKind kind;
  DdPhiShape shape;
  int       n_classes;       /* C: classes, or buckets */
  int       n_rows;          /* rows of the W block: C, or C + 1 for buckets */
  int       n_features;      /* neural: length of the feature vector */
  int       hidden;          /* neural: hidden units */
  size_t    n_params;
  dd_real  *params;
  dd_real  *grads;
  /* parameter views (offsets into params / grads); unused ones are 0 */
  size_t    off_W, off_b, off_W2, off_gate;   /* fixed and gated; gate = (θ₀, θ₁, β) */
  size_t    off_A, off_a0, off_U, off_u0, off_V, off_v0; /* neural */
};

/* A new teacher at its initial point (Φ = (I, 0)); hidden is used by the
 * neural teacher only (≤ 0: the default, 32). rng draws the neural
 * teacher's first layer. */
DdTeacher  *dd_teacher_new        (DdTeacherKind kind, int n_classes, int hidden,
                                   DdRng *rng, GError **error);
DdTeacher  *dd_teacher_new_shaped (DdTeacherKind kind, DdPhiShape shape, int n_classes,
                                   int hidden, DdRng *rng, GError **error);
/* rows of Φ's W block for a shape and C */
int         dd_phi_rows           (DdPhiShape shape, int n_classes);
DdTeacher  *dd_teacher_copy       (const DdTeacher *teacher);
void        dd_teacher_free       (DdTeacher *teacher);
gboolean    dd_teacher_kind_parse (const char *name, DdTeacherKind *out);
const char *dd_teacher_kind_name  (DdTeacherKind kind);   /* "fixed", "gated", "neural" */

/* Number of features of the neural teacher's input for C classes, and the
 * features themselves: progress, batch error, training loss, training error,
 * dev error, then per-class dev accuracy (C) and margin (C). */
int         dd_teacher_n_features (int n_classes);
void        dd_teacher_features   (const DdTeacherState *state, double *features);

/* Φ = μ_θ(state): W (n_rows, C), b (C), written (=). */
void        dd_teacher_forward    (const DdTeacher *teacher, const DdTeacherState *state,
                                   dd_real *W, dd_real *b);
/* teacher->grads += (∂Φ/∂θ)ᵀ·(dW, db) at this state. Recomputes what it
 * needs of the forward pass; does not zero the gradients. */
void        dd_teacher_backward   (DdTeacher *teacher, const DdTeacherState *state,
                                   const dd_real *dW, const dd_real *db);
void        dd_teacher_zero_grad  (DdTeacher *teacher);
gboolean    dd_teacher_params_finite (const DdTeacher *teacher);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdTeacher, dd_teacher_free)

G_END_DECLS
