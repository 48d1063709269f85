/* dd-optim.h: optimisers over one flat parameter array
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SGD with momentum in the form of docs/method.md §5 (the reverse pass depends on
 * it): v ← ρ·v + g, ω ← ω − η·v. Adam with bias correction.
 */
#pragma once

#include "dd-types.h"

G_BEGIN_DECLS

typedef enum {
  DD_OPTIM_SGD,
  DD_OPTIM_ADAM,
} DdOptimKind;

/* Adam's usual learning rate (Kingma and Ba), the default of a run with Adam
 * that gives none (SGD's is dd_train_config_init's). A plain literal, so that
 * a help text can print it with G_STRINGIFY. */
#define DD_OPTIM_ADAM_DEFAULT_LR 0.001

struct _DdOptim {
  DdOptimKind kind;
  size_t      n;
  double      lr;
  double      momentum;      /* ρ for SGD */
  double      beta1, beta2;  /* Adam */
  double      eps;           /* Adam */
  gint64      t;             /* updates taken */
  dd_real    *m;             /* SGD velocity v, or Adam first moment */
  dd_real    *v;             /* Adam second moment (NULL for SGD) */
};

DdOptim    *dd_optim_new        (DdOptimKind kind, size_t n, double lr, double momentum);
DdOptim    *dd_optim_copy       (const DdOptim *opt);
void        dd_optim_free       (DdOptim *opt);
void        dd_optim_reset      (DdOptim *opt);
void        dd_optim_step       (DdOptim *opt, dd_real *params, const dd_real *grads);
/* dd_optim_step in parts: dd_optim_begin_step once, then dd_optim_step_part
 * over parts that cut [0, n) (in any order, on any threads): the same values
 * as dd_optim_step */
void        dd_optim_begin_step (DdOptim *opt);
void        dd_optim_step_part  (const DdOptim *opt, dd_real *params, const dd_real *grads,
                                 size_t lo, size_t hi);
/* the cosine schedule, one definition for training and teaching:
 * lr·½(1 + cos(π·min(τ, 1))) at progress τ = step / steps */
double      dd_optim_cosine_lr  (double lr, double tau);
/* constant, then linearly to 0 over the last fraction `tail` of the run:
 * lr·min(1, (1 − τ)/tail) at progress τ ∈ [0, 1] */
double      dd_optim_tail_lr    (double lr, double tau, double tail);
gboolean    dd_optim_kind_parse (const char *name, DdOptimKind *out);
const char *dd_optim_kind_name  (DdOptimKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdOptim, dd_optim_free)

G_END_DECLS
