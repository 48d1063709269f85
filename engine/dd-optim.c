/* dd-optim.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-optim.h"
#include "dd-private.h"

#include <math.h>
#include <string.h>

DdOptim *
dd_optim_new (DdOptimKind kind, size_t n, double lr, double momentum)
{
  DdOptim *opt = g_new0 (DdOptim, 1);

  opt->kind = kind;
  opt->n = n;
  opt->lr = lr;
  opt->momentum = momentum;
  opt->beta1 = 0.9;
  opt->beta2 = 0.999;
  opt->eps = 1e-8;
  opt->m = g_new0 (dd_real, n);
  if (kind == DD_OPTIM_ADAM)
    opt->v = g_new0 (dd_real, n);
  return opt;
}

DdOptim *
dd_optim_copy (const DdOptim *opt)
{
  DdOptim *copy = g_memdup2 (opt, sizeof *opt);

  copy->m = g_memdup2 (opt->m, sizeof (dd_real) * opt->n);
  copy->v = opt->v ? g_memdup2 (opt->v, sizeof (dd_real) * opt->n) : NULL;
  return copy;
}

void
dd_optim_free (DdOptim *opt)
{
  if (opt == NULL)
    return;
  g_free (opt->m);
  g_free (opt->v);
  g_free (opt);
}

void
dd_optim_reset (DdOptim *opt)
{
  opt->t = 0;
  memset (opt->m, 0, sizeof (dd_real) * opt->n);
  if (opt->v)
    memset (opt->v, 0, sizeof (dd_real) * opt->n);
}

/* The updates are cloned for AVX2 and AVX-512 (SIMD_CLONES) with fused
 * multiply-adds off, so that every clone rounds each operation alone, as
 * the plain loop does, and gives its bits; sqrt and division are IEEE's in
 * every clone. (The engine is built without errno for maths, which is what
 * lets sqrt vectorise at all.) */
#if defined(__GNUC__) && !defined(__clang__)
# pragma GCC push_options
# pragma GCC optimize ("fp-contract=off")
#endif

SIMD_CLONES static void
sgd_update (size_t n, dd_real *restrict params, const dd_real *restrict grads,
            dd_real *restrict m, dd_real rho, dd_real lr)
{
  for (size_t i = 0; i < n; i++)
    {
      m[i] = rho * m[i] + grads[i];
      params[i] -= lr * m[i];
    }
}

SIMD_CLONES static void
adam_update (size_t n, dd_real *restrict params, const dd_real *restrict grads,
             dd_real *restrict m, dd_real *restrict v, dd_real b1, dd_real b2, dd_real step,
             dd_real eps)
{
  for (size_t i = 0; i < n; i++)
    {
      dd_real g = grads[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      params[i] -= step * m[i] / (sqrt (v[i]) + eps);
    }
}

#if defined(__GNUC__) && !defined(__clang__)
# pragma GCC pop_options
#endif

void
dd_optim_begin_step (DdOptim *opt)
{
  opt->t++;
}

/* elements [lo, hi) of the update numbered opt->t */
void
dd_optim_step_part (const DdOptim *opt, dd_real *params, const dd_real *grads, size_t lo,
                    size_t hi)
{
  g_return_if_fail (lo <= hi && hi <= opt->n);
  if (hi == lo)
    return;
  if (opt->kind == DD_OPTIM_SGD)
    sgd_update (hi - lo, params + lo, grads + lo, opt->m + lo, (dd_real) opt->momentum,
                (dd_real) opt->lr);
  else
    {
      const double c1 = 1.0 - pow (opt->beta1, (double) opt->t);
      const double c2 = 1.0 - pow (opt->beta2, (double) opt->t);
      /* bias corrections folded into the step size and epsilon */
      const dd_real step = (dd_real) (opt->lr * sqrt (c2) / c1);
      const dd_real eps = (dd_real) (opt->eps * sqrt (c2));
      adam_update (hi - lo, params + lo, grads + lo, opt->m + lo, opt->v + lo,
                   (dd_real) opt->beta1, (dd_real) opt->beta2, step, eps);
    }
}

void
dd_optim_step (DdOptim *opt, dd_real *params, const dd_real *grads)
{
  dd_optim_begin_step (opt);
  dd_optim_step_part (opt, params, grads, 0, opt->n);
}

double
dd_optim_cosine_lr (double lr, double tau)
{
  return lr * 0.5 * (1.0 + cos (G_PI * MIN (tau, 1.0)));
}

double
dd_optim_tail_lr (double lr, double tau, double tail)
{
  return lr * CLAMP ((1.0 - tau) / tail, 0.0, 1.0);
}

gboolean
dd_optim_kind_parse (const char *name, DdOptimKind *out)
{
  if (g_strcmp0 (name, "sgd") == 0)
    *out = DD_OPTIM_SGD;
  else if (g_strcmp0 (name, "adam") == 0)
    *out = DD_OPTIM_ADAM;
  else
    return FALSE;
  return TRUE;
}

const char *
dd_optim_kind_name (DdOptimKind kind)
{
  return kind == DD_OPTIM_ADAM ? "adam" : "sgd";
}
