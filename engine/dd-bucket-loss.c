/* dd-bucket-loss.c: the bucketed L2T-DLF loss for translation, its gradients
 * and its R-operator
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per token, with s = log p, c = bucket[y], n_k the size of bucket k, and
 * z = a[c]·s_y + Σ_k W[k, c]·S_k + b[c]:
 *
 *   ∂z/∂s_v = u_v = a[c]·[v = y] + W[bucket[v], c] / n_bucket[v]
 *   U = Σ_v u_v = a[c] + Σ_{k non-empty} W[k, c]
 *   ∂z/∂logit_v = u_v − p_v·U            (since ∂s_w/∂logit_v = [w = v] − p_v)
 *
 * z is the score u of dd-dlf-head.h; with g = G/M (G = ∂ℓ/∂z from the head,
 * M the number of counted tokens, the mean):
 *   dlogit_v = g·(u_v − p_v·U),  da[c] += g·s_y,  dW[k, c] += g·S_k,  db[c] += g,
 *   ds[c] += Gs/M.
 *
 * Along a direction r of the logits, ṡ_v = r_v − p·r, Ṡ_k = R_k − p·r with
 * R_k the mean of r over bucket k, ż = Σ_v u_v·r_v − (p·r)·U, and ġ, ġs
 * from dd_dlf_head_dot; each gradient above is differentiated by the product
 * rule (see dd_bucket_loss_rop).
 *
 * u_v needs only a K-vector per token (W[k, c]/n_k), so everything is O(V)
 * per token; the sums are in double.
 */
#include "dd-bucket-loss.h"
#include "dd-kernels.h"
#include "dd-dlf-head.h"

#include <math.h>
#include <string.h>

#define MAX_K DD_BUCKET_LOSS_MAX_K

/* one target token */
typedef struct {
  const DdBucketLoss *L;
  const dd_real      *x;   /* (V) logits */
  dd_real            *ex;  /* (V) exp(logit − max), in the caller's scratch */
  int                 y, c;
  double              sum; /* Σ ex */
  double              lse; /* logsumexp of the logits */
  double              S[MAX_K];  /* mean log p per bucket (0 if empty) */
  double              wn[MAX_K]; /* W[k, c]/n_k (0 if empty) */
  double              U;   /* Σ_v u_v */
  double              z;
} Token;

static inline double
tok_logp (const Token *t, int v)
{
  return (double) t->x[v] - t->lse;
}

static inline double
tok_prob (const Token *t, int v)
{
  return (double) t->ex[v] / t->sum;
}

/* ∂z/∂s_v */
static inline double
tok_u (const Token *t, int v)
{
  return t->wn[t->L->bucket[v]] + (v == t->y ? (double) t->L->a[t->c] : 0.0);
}

static void
token_init (Token *t, const DdBucketLoss *L, const int *counts,
            const dd_real *x, dd_real *ex, int y)
{
  const int V = L->V, K = L->K;

  t->L = L;
  t->x = x;
  t->ex = ex;
  t->y = y;
  t->c = L->bucket[y];

  int arg;
  double sum = dd_exp_shifted_sum (ex, x, V, &arg);
  double mx = x[arg];
  t->sum = sum;
  t->lse = mx + log (sum);

  memset (t->S, 0, sizeof t->S);
  for (int v = 0; v < V; v++)
    t->S[L->bucket[v]] += tok_logp (t, v);

  const int c = t->c;
  double z = (double) L->a[c] * tok_logp (t, y) + L->b[c];
  double U = L->a[c];
  for (int k = 0; k < K; k++)
    {
      double w = L->W[(size_t) k * K + c];
      if (counts[k] > 0)
        {
          t->S[k] /= counts[k];
          t->wn[k] = w / counts[k];
          U += w;
        }
      else
        t->wn[k] = 0.0;
      z += w * t->S[k];
    }
  t->U = U;
  t->z = z;
}

void
dd_bucket_loss_init_phi (dd_real *a, dd_real *W, dd_real *b, int K)
{
  g_return_if_fail (a != NULL && W != NULL && b != NULL);
  g_return_if_fail (K > 0 && K <= MAX_K);

  for (int k = 0; k < K; k++)
    {
      a[k] = 1;
      b[k] = 0;
    }
  for (int i = 0; i < K * K; i++)
    W[i] = 0;
}

gboolean
dd_bucket_loss_counts (int *counts, const int *bucket, int V, int K)
{
  g_return_val_if_fail (counts != NULL && bucket != NULL, FALSE);
  g_return_val_if_fail (V > 0 && K > 0 && K <= MAX_K, FALSE);

  memset (counts, 0, sizeof (int) * (size_t) K);
  for (int v = 0; v < V; v++)
    {
      g_return_val_if_fail (bucket[v] >= 0 && bucket[v] < K, FALSE);
      counts[bucket[v]]++;
    }
  return TRUE;
}

/* validates the arguments, fills counts (MAX_K) and returns the number of
 * counted tokens, or −1 */
static int
prepare (const DdBucketLoss *L, int *counts, const dd_real *scratch,
         const dd_real *logits, const int *labels, int N)
{
  g_return_val_if_fail (L != NULL, -1);
  g_return_val_if_fail (L->a != NULL && L->W != NULL && L->b != NULL, -1);
  g_return_val_if_fail (scratch != NULL && logits != NULL && labels != NULL, -1);
  g_return_val_if_fail (N > 0, -1);
  if (!dd_bucket_loss_counts (counts, L->bucket, L->V, L->K))
    return -1;

  int M = 0;
  for (int i = 0; i < N; i++)
    {
      g_return_val_if_fail (labels[i] >= -1 && labels[i] < L->V, -1);
      M += labels[i] >= 0;
    }
  return M;
}

/* ---------------------------------------------------------------------- */
/* value and gradient */

double
dd_bucket_loss_forward_backward (const DdBucketLoss *L,
                                 dd_real            *dlogits,
                                 dd_real            *da,
                                 dd_real            *dW,
                                 dd_real            *db,
                                 dd_real            *scratch,
                                 const dd_real      *logits,
                                 const int          *labels,
                                 int                 N)
{
  int counts[MAX_K];
  const int M = prepare (L, counts, scratch, logits, labels, N);
  if (M < 0)
    return NAN;

  const int V = L->V, K = L->K;
  const double invM = M > 0 ? 1.0 / M : 0.0; /* the mean over counted tokens */
  double total = 0.0;

  for (int i = 0; i < N; i++)
    {
      dd_real *d = dlogits != NULL ? dlogits + (size_t) i * V : NULL;

      if (labels[i] < 0)
        {
          if (d != NULL)
            memset (d, 0, sizeof (dd_real) * (size_t) V);
          continue;
        }

      Token t;
      token_init (&t, L, counts, logits + (size_t) i * V, scratch, labels[i]);
      const int c = t.c;
      DdDlfHead h;
      dd_dlf_head (&h, t.z, L->s ? L->s[c] : 0.0, L->normalised);
      total += h.loss;

      const double g = h.g * invM; /* ∂(ℓ/M)/∂z */
      if (da != NULL)
        {
          da[c] += (dd_real) (g * tok_logp (&t, t.y));
          if (L->s != NULL)
            da[K + c] += (dd_real) (h.gs * invM);
        }
      if (dW != NULL)
        for (int k = 0; k < K; k++)
          dW[(size_t) k * K + c] += (dd_real) (g * t.S[k]);
      if (db != NULL)
        db[c] += (dd_real) g;
      if (d != NULL)
        for (int v = 0; v < V; v++)
          d[v] = (dd_real) (g * (tok_u (&t, v) - tok_prob (&t, v) * t.U));
    }
  return total * invM;
}

/* ---------------------------------------------------------------------- */
/* R-operator */

void
dd_bucket_loss_rop (const DdBucketLoss *L,
                    dd_real            *rdlogits,
                    dd_real            *rda,
                    dd_real            *rdW,
                    dd_real            *rdb,
                    dd_real            *scratch,
                    const dd_real      *logits,
                    const dd_real      *rlogits,
                    const int          *labels,
                    int                 N)
{
  int counts[MAX_K];
  g_return_if_fail (rdlogits != NULL && rlogits != NULL);
  const int M = prepare (L, counts, scratch, logits, labels, N);
  if (M < 0)
    return;

  const int V = L->V, K = L->K;
  const double invM = M > 0 ? 1.0 / M : 0.0;

  for (int i = 0; i < N; i++)
    {
      const dd_real *r = rlogits + (size_t) i * V;
      dd_real *rd = rdlogits + (size_t) i * V;

      if (labels[i] < 0)
        {
          memset (rd, 0, sizeof (dd_real) * (size_t) V);
          continue;
        }

      Token t;
      token_init (&t, L, counts, logits + (size_t) i * V, scratch, labels[i]);
      DdDlfHead h;
      dd_dlf_head (&h, t.z, L->s ? L->s[t.c] : 0.0, L->normalised);

      /* p·r, Σ_v u_v·r_v and the bucket means R_k of r */
      double pr = 0.0, ur = 0.0, R[MAX_K] = { 0 };
      for (int v = 0; v < V; v++)
        {
          pr += tok_prob (&t, v) * r[v];
          ur += tok_u (&t, v) * r[v];
          R[L->bucket[v]] += r[v];
        }
      const double zdot = ur - pr * t.U;
      double Gdot, Gsdot;
      dd_dlf_head_dot (&h, t.z, zdot, L->normalised, &Gdot, &Gsdot);
      const double g = h.g * invM, gdot = Gdot * invM;
      const int c = t.c, y = t.y;

      /* da[c] = g·s_y; ds[c] = Gs/M */
      if (rda != NULL)
        {
          rda[c] += (dd_real) (gdot * tok_logp (&t, y) + g * (r[y] - pr));
          if (L->s != NULL)
            rda[K + c] += (dd_real) (Gsdot * invM);
        }
      /* dW[k, c] = g·S_k, Ṡ_k = R_k − p·r (0 for an empty bucket) */
      if (rdW != NULL)
        for (int k = 0; k < K; k++)
          {
            double Sdot = counts[k] > 0 ? R[k] / counts[k] - pr : 0.0;
            rdW[(size_t) k * K + c] += (dd_real) (gdot * t.S[k] + g * Sdot);
          }
      /* db[c] = g */
      if (rdb != NULL)
        rdb[c] += (dd_real) gdot;
      /* dlogit_v = g·(u_v − p_v·U); u and U do not depend on the logits,
       * ṗ_v = p_v·(r_v − p·r) */
      for (int v = 0; v < V; v++)
        {
          double p = tok_prob (&t, v);
          rd[v] = (dd_real) (gdot * (tok_u (&t, v) - p * t.U) - g * p * (r[v] - pr) * t.U);
        }
    }
}
