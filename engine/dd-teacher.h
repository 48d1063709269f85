/* dd-teacher.h: teachers μ_θ that write the loss coefficients Φ = (W, b)
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/method.md §3. At every student step t the teacher reads a state s_t and
 * outputs Φ_t = (W_t ∈ R^{C×C}, row j column y; b_t ∈ R^C). States are
 * constants when differentiating: no gradient flows through s_t.
 *
 * Φ₀ = (W₀, b₀) below is the start of dd_phi_initial (dd-phi.h).
 *
 *   fixed   θ = (W, b), Φ_t = θ.                       init W = W₀, b = 0
 *   gated   h_t = 2σ(θ₀·iter_t + θ₁·err_t + β) − 1,
 *           W_t = W + h_t·W₂, b_t = b.
 *           iter_t = state->progress, err_t = 10 × state->batch_error
 *   neural  an MLP over the feature vector of the state (dd_teacher_features):
 *           a = tanh(A·f + a₀) (hidden units), W_t = W₀ + U·a + u₀ (reshaped),
 *           b_t = V·a + v₀.
 *
 * Initialisation that breaks the symmetry while keeping Φ_t = Φ₀ (docs/method.md
 * §3: with the demo's W₂ = θ = β = 0 the gate's parameters get a zero
 * hypergradient forever). Every parameter gets a nonzero hypergradient:
 *   gated   W₂ uniform in ±DD_TEACHER_INIT_SCALE, θ = 0, β = 1 (h = tanh ½),
 *           W = W₀ − h·W₂: Φ_t = Φ₀ at every state while θ = 0, and
 *           ∂M/∂W₂ = h·dW, ∂M/∂β ∝ ⟨W₂, dW⟩ are not zero.
 *   neural  hidden units in mirrored pairs: unit H/2 + i has the same input
 *           row as unit i (A Glorot-uniform, a₀ = 0) and the opposite output
 *           weights (U, V uniform in ±DD_TEACHER_INIT_SCALE), so U·a = V·a = 0
 *           at every state while ∂M/∂A ∝ Uᵀ·dW and ∂M/∂U = dW·aᵀ are not zero;
 *           u₀ = v₀ = 0. With H odd the last unit joins the first pair as a
 *           triple (output weights u, v − u, −v).
 *
 * Parameters θ live in one flat array (`params`) with a gradient array of the
 * same layout (`grads`), so the teacher's optimiser is an ordinary DdOptim.
 */
#pragma once

#include "dd-types.h"
#include "dd-phi.h"

G_BEGIN_DECLS

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

#define DD_TEACHER_INIT_SCALE 0.01
/* hidden units of the neural teacher unless told */
#define DD_TEACHER_DEFAULT_HIDDEN 32

struct _DdTeacher {
  DdTeacherKind kind;
  DdPhiShape shape;
  DdPhiStart start;
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
  dd_real  *base;            /* (n_rows, C) the W block of Φ₀ */
};

/* A new teacher whose output is Φ₀ of start (NULL: the default start);
 * hidden is used by the neural teacher only (≤ 0: the default, 32). rng
 * draws the symmetry-breaking initialisation (gated and neural). The
 * shorter forms use the class shape and the default start. */
DdTeacher  *dd_teacher_new        (DdTeacherKind kind, int n_classes, int hidden,
                                   DdRng *rng, GError **error);
DdTeacher  *dd_teacher_new_shaped (DdTeacherKind kind, DdPhiShape shape, int n_classes,
                                   int hidden, DdRng *rng, GError **error);
DdTeacher  *dd_teacher_new_full   (DdTeacherKind kind, DdPhiShape shape,
                                   const DdPhiStart *start, int n_classes, int hidden,
                                   DdRng *rng, GError **error);
DdTeacher  *dd_teacher_copy       (const DdTeacher *teacher);
void        dd_teacher_free       (DdTeacher *teacher);
gboolean    dd_teacher_kind_parse (const char *name, DdTeacherKind *out);
const char *dd_teacher_kind_name  (DdTeacherKind kind);   /* "fixed", "gated", "neural" */

/* What part of Φ a teacher parameter drives, for steps normalised per part
 * (the scale row's hypergradient is second order in ε near cross-entropy,
 * orders of magnitude below W's, and would never move in a step normalised
 * over all of θ at once). */
typedef enum {
  DD_PARAM_W,        /* rows of the W block other than the scale (W, a); W₂, U, u₀ rows of them */
  DD_PARAM_SCALE,    /* the log ε row, and the W₂, U, u₀ rows of it */
  DD_PARAM_BIAS,     /* b; V, v₀ */
  DD_PARAM_INTERNAL, /* the gate (θ, β); the neural teacher's hidden layer A, a₀ */
  DD_N_PARAM_GROUPS
} DdParamGroup;

DdParamGroup dd_teacher_param_group (const DdTeacher *teacher, size_t i);

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
