/* dd-loss.c: cross-entropy, its fixed variants, the L2T-DLF family and the
 * teacher's smoothed dev error, with their gradients and R-operators
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every loss works row by row from log p = logit − logsumexp(logits), with
 * the sums in double. The exponentials exp(logit − max) of the current row
 * are kept in the caller's scratch, so that p costs no second exp.
 *
 * The R-operator (dd_loss_rop) is the derivative of the gradients along a
 * direction r of the logits. With p = softmax(z), along r:
 *   ṗ_k = p_k·(r_k − p·r),   (log p_k)˙ = r_k − p·r.
 */
#include "dd-loss.h"
#include "dd-dlf-head.h"
#include "dd-eval.h"

#include <math.h>

static const char *const kind_names[] = {
  [DD_LOSS_CE]           = "ce",
  [DD_LOSS_SMOOTH]       = "smooth",
  [DD_LOSS_MARGIN]       = "margin",
  [DD_LOSS_DLF]          = "dlf",
  [DD_LOSS_SMOOTH_ERROR] = "smooth-error",
};

DdLoss
dd_loss_default (DdLossKind kind)
{
  DdLoss loss = {
    .kind = kind,
    .smoothing = 0.1,
    .margin = 1.0,
    .smooth_k = DD_SMOOTH_ERROR_K,
    .W = NULL,
    .b = NULL,
  };
  return loss;
}

const char *
dd_loss_kind_name (DdLossKind kind)
{
  g_return_val_if_fail ((unsigned) kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

gboolean
dd_loss_kind_parse (const char *name, DdLossKind *out)
{
  g_return_val_if_fail (name != NULL, FALSE);
  for (unsigned k = 0; k < G_N_ELEMENTS (kind_names); k++)
    if (g_str_equal (name, kind_names[k]))
      {
        if (out != NULL)
          *out = (DdLossKind) k;
        return TRUE;
      }
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* one row */

/* The softmax of one row of logits z, max-shifted. For MARGIN the margin is
 * subtracted from the true logit first (it is 0 for the other kinds). */
typedef struct {
  const dd_real *z;
  const dd_real *ex;  /* exp(shifted z − max), in the caller's scratch */
  int            C, y;
  double         margin;
  double         sum; /* Σ ex */
  double         lse; /* logsumexp of the shifted logits */
} Row;

static inline double
shifted (const Row *r, int k)
{
  return (double) r->z[k] - (k == r->y ? r->margin : 0.0);
}

static inline double
logp (const Row *r, int k)
{
  return shifted (r, k) - r->lse;
}

static inline double
prob (const Row *r, int k)
{
  return (double) r->ex[k] / r->sum;
}

static void
row_init (Row *r, const dd_real *z, dd_real *ex, int C, int y, double margin)
{
  r->z = z;
  r->ex = ex;
  r->C = C;
  r->y = y;
  r->margin = margin;

  double mx = shifted (r, 0);
  for (int k = 1; k < C; k++)
    mx = fmax (mx, shifted (r, k));
  double sum = 0.0;
  for (int k = 0; k < C; k++)
    {
      double e = exp (shifted (r, k) - mx);
      ex[k] = (dd_real) e;
      sum += e;
    }
  r->sum = sum;
  r->lse = mx + log (sum);
}

/* Σ_k p_k·v_k */
static double
prob_dot (const Row *r, const dd_real *v)
{
  double s = 0.0;
  for (int k = 0; k < r->C; k++)
    s += prob (r, k) * v[k];
  return s;
}

/* logistic σ(z) and σ'(z) = σ(1 − σ), without overflow or cancellation */
static void
sigmoid_and_slope (double z, double *sig, double *slope)
{
  double e = exp (-fabs (z)); /* in (0, 1] */
  double inv = 1.0 / (1.0 + e);
  *sig = z >= 0 ? inv : e * inv;
  *slope = e * inv * inv;
}

/* The DLF score of one row. Paper form: u = Σ_j W[j, y]·log p_j + b[y].
 * Normalised form, relative to the true class:
 *   u = W[y, y]·log p_y + Σ_{j≠y} W[j, y]·(log p_j − log p_y) + b[y],
 * the same family written in coordinates in which the off-diagonal entries
 * only share credit between classes (a learned label correction) while the
 * step the student takes is scaled by W[y, y] alone: with the paper's
 * coordinates a column's total weight Σ_j W[j, y] multiplies the logit
 * gradient as a larger learning rate would, which a teacher judged on a
 * 200-step window learns first (positive entries all over W) and the next
 * windows pay for. Both are u = Σ_j V[j, y]·log p_j + b[y] with
 * V[j, y] = W[j, y] for j ≠ y, and V[y, y] = W[y, y] − Σ_{j≠y} W[j, y] in the
 * normalised form; ∂u/∂logit_k = V[k, y] − p_k·Σ_j V[j, y]. */
typedef struct {
  double u;
  double vsum;    /* Σ_j V[j, y]: W[y, y] (normalised), Σ_j W[j, y] (paper) */
  double off;     /* Σ_{j≠y} W[j, y] in the normalised form, else 0 */
  gboolean rel;   /* the normalised form's coordinates */
} DlfScore;

/* V[k, y] */
static inline double
dlf_v (const DdLoss *loss, const DlfScore *sc, int k, int y, int C)
{
  const double w = loss->W[(size_t) k * C + y];
  return k == y ? w - sc->off : w;
}

/* ∂u/∂W[j, y] at log p (lp_j = log p_j, lp_y = log p_y); the same with the
 * derivatives of log p along r gives its R-derivative */
static inline double
dlf_dw (const DlfScore *sc, int j, int y, double lp_j, double lp_y)
{
  return sc->rel && j != y ? lp_j - lp_y : lp_j;
}

static void
dlf_score (const DdLoss *loss, const Row *r, DlfScore *sc)
{
  const int C = r->C, y = r->y;
  double u = loss->b[y], off = 0.0, total = 0.0;

  sc->rel = loss->normalised;
  for (int j = 0; j < C; j++)
    {
      const double w = loss->W[(size_t) j * C + y];
      total += w;
      if (j != y)
        off += w;
    }
  sc->off = sc->rel ? off : 0.0;
  for (int j = 0; j < C; j++)
    u += dlf_v (loss, sc, j, y, C) * logp (r, j);
  sc->u = u;
  sc->vsum = sc->rel ? loss->W[(size_t) y * C + y] : total;
}

/* the first class of largest probability (that is, of largest logit) */
static int
row_argmax (const Row *r)
{
  int a = 0;
  for (int k = 1; k < r->C; k++)
    if (r->ex[k] > r->ex[a])
      a = k;
  return a;
}

static gboolean
check_args (const DdLoss *loss, const dd_real *logits, const int *labels,
            const dd_real *scratch, int B, int C)
{
  g_return_val_if_fail (loss != NULL, FALSE);
  g_return_val_if_fail (logits != NULL && labels != NULL && scratch != NULL, FALSE);
  g_return_val_if_fail (B > 0 && C > 0, FALSE);
  g_return_val_if_fail ((unsigned) loss->kind < G_N_ELEMENTS (kind_names), FALSE);
  g_return_val_if_fail (loss->kind != DD_LOSS_DLF || (loss->W != NULL && loss->b != NULL), FALSE);
  for (int i = 0; i < B; i++)
    g_return_val_if_fail (labels[i] >= 0 && labels[i] < C, FALSE);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* value and gradient */

double
dd_loss_forward_backward (const DdLoss  *loss,
                          dd_real       *dlogits,
                          dd_real       *dW,
                          dd_real       *db,
                          dd_real       *scratch,
                          const dd_real *logits,
                          const int     *labels,
                          int            B,
                          int            C)
{
  if (!check_args (loss, logits, labels, scratch, B, C))
    return NAN;

  const DdLossKind kind = loss->kind;
  const double margin = kind == DD_LOSS_MARGIN ? loss->margin : 0.0;
  const double invB = 1.0 / B; /* the mean over the batch */
  double total = 0.0;

  for (int i = 0; i < B; i++)
    {
      const int y = labels[i];
      dd_real *d = dlogits != NULL ? dlogits + (size_t) i * C : NULL;
      Row r;

      row_init (&r, logits + (size_t) i * C, scratch + (size_t) i * C, C, y, margin);

      switch (kind)
        {
        case DD_LOSS_CE:
        case DD_LOSS_MARGIN:
          total -= logp (&r, y);
          if (d != NULL)
            for (int k = 0; k < C; k++)
              d[k] = (dd_real) ((prob (&r, k) - (k == y)) * invB);
          break;

        case DD_LOSS_SMOOTH:
          {
            /* q = (1 − ε)·onehot(y) + ε/C */
            const double eps = loss->smoothing;
            for (int k = 0; k < C; k++)
              {
                double q = eps / C + (k == y ? 1.0 - eps : 0.0);
                total -= q * logp (&r, k);
                if (d != NULL)
                  d[k] = (dd_real) ((prob (&r, k) - q) * invB);
              }
          }
          break;

        case DD_LOSS_DLF:
          {
            /* u of dlf_score through the head of dd-dlf-head.h;
             * ∂u/∂W[j, y] = dlf_dw, ∂u/∂b[y] = 1,
             * ∂u/∂logit_k = V[k, y] − p_k·Σ_j V[j, y] */
            DlfScore sc;
            DdDlfHead h;
            dlf_score (loss, &r, &sc);
            dd_dlf_head (&h, sc.u, loss->s ? loss->s[y] : 0.0, loss->normalised);
            total += h.loss;

            const double g = h.g * invB;
            if (dW != NULL)
              {
                for (int j = 0; j < C; j++)
                  dW[(size_t) j * C + y] += (dd_real) (g * dlf_dw (&sc, j, y, logp (&r, j),
                                                                   logp (&r, y)));
                if (loss->s != NULL)
                  dW[(size_t) C * C + y] += (dd_real) (h.gs * invB);
              }
            if (db != NULL)
              db[y] += (dd_real) g;
            if (d != NULL)
              for (int k = 0; k < C; k++)
                d[k] = (dd_real) (g * (dlf_v (loss, &sc, k, y, C) - prob (&r, k) * sc.vsum));
          }
          break;

        case DD_LOSS_SMOOTH_ERROR:
          {
            /* ℓ = 2σ(u) − 1, u = κ·(p_a − p_y), a the current arg-max;
             * ∂u/∂logit_k = κ·(p_a·δ_ak − p_y·δ_yk − (p_a − p_y)·p_k) */
            const double kappa = loss->smooth_k;
            const int a = row_argmax (&r);
            const double pa = prob (&r, a), py = prob (&r, y);
            double sig, slope;
            sigmoid_and_slope (kappa * (pa - py), &sig, &slope);
            total += 2.0 * sig - 1.0;
            if (d != NULL)
              {
                const double du = 2.0 * slope * kappa * invB;
                for (int k = 0; k < C; k++)
                  d[k] = (dd_real) (du * ((k == a) * pa - (k == y) * py - (pa - py) * prob (&r, k)));
              }
          }
          break;
        }
    }
  return total * invB;
}

/* ---------------------------------------------------------------------- */
/* R-operator */

void
dd_loss_rop (const DdLoss  *loss,
             dd_real       *rdlogits,
             dd_real       *rdW,
             dd_real       *rdb,
             dd_real       *scratch,
             const dd_real *logits,
             const dd_real *rlogits,
             const int     *labels,
             int            B,
             int            C)
{
  if (!check_args (loss, logits, labels, scratch, B, C))
    return;
  g_return_if_fail (rdlogits != NULL && rlogits != NULL);
  g_return_if_fail (loss->kind != DD_LOSS_SMOOTH_ERROR);

  const DdLossKind kind = loss->kind;
  const double margin = kind == DD_LOSS_MARGIN ? loss->margin : 0.0;
  const double invB = 1.0 / B;

  for (int i = 0; i < B; i++)
    {
      const int y = labels[i];
      const dd_real *rz = rlogits + (size_t) i * C;
      dd_real *rd = rdlogits + (size_t) i * C;
      Row r;

      row_init (&r, logits + (size_t) i * C, scratch + (size_t) i * C, C, y, margin);
      const double pr = prob_dot (&r, rz); /* p·r */

      if (kind != DD_LOSS_DLF)
        {
          /* the gradient is (p − target)/B with a constant target: its
           * derivative is ṗ/B (for MARGIN, p of the shifted logits) */
          for (int k = 0; k < C; k++)
            rd[k] = (dd_real) (prob (&r, k) * (rz[k] - pr) * invB);
          continue;
        }

      /* DLF: with g = G/B (G = ∂ℓ/∂u of the head) the gradients are
       *   dW[j, y] = g·dlf_dw(log p),  db[y] = g,  ds[y] = Gs/B,
       *   dlogit_k = g·(V[k, y] − p_k·Σ_j V[j, y]);
       * along r: (log p_j)˙ = r_j − p·r, u̇ = Σ_j V[j, y]·r_j − (p·r)·Σ_j V[j, y],
       * and ġ, ġs from dd_dlf_head_dot. */
      DlfScore sc;
      DdDlfHead h;
      dlf_score (loss, &r, &sc);
      dd_dlf_head (&h, sc.u, loss->s ? loss->s[y] : 0.0, loss->normalised);
      double vr = 0.0;
      for (int j = 0; j < C; j++)
        vr += dlf_v (loss, &sc, j, y, C) * rz[j];
      const double udot = vr - pr * sc.vsum;
      double Gdot, Gsdot;
      dd_dlf_head_dot (&h, sc.u, udot, loss->normalised, &Gdot, &Gsdot);
      const double g = h.g * invB, gdot = Gdot * invB;

      if (rdW != NULL)
        {
          for (int j = 0; j < C; j++)
            rdW[(size_t) j * C + y] += (dd_real) (gdot * dlf_dw (&sc, j, y, logp (&r, j), logp (&r, y)) +
                                                  g * dlf_dw (&sc, j, y, rz[j] - pr, rz[y] - pr));
          if (loss->s != NULL)
            rdW[(size_t) C * C + y] += (dd_real) (Gsdot * invB);
        }
      if (rdb != NULL)
        rdb[y] += (dd_real) gdot;
      for (int k = 0; k < C; k++)
        {
          double p = prob (&r, k), pdot = p * (rz[k] - pr);
          double vk = dlf_v (loss, &sc, k, y, C);
          rd[k] = (dd_real) (gdot * (vk - p * sc.vsum) - g * pdot * sc.vsum);
        }
    }
}
