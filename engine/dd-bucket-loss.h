/* dd-bucket-loss.h: the L2T-DLF loss for translation, over frequency buckets
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/method.md §8. A V×V matrix over the target vocabulary is too large, so the
 * vocabulary ids are grouped into K ≤ 16 buckets (bucket[v] ∈ [0, K), chosen
 * by the caller: the translation data, dd-parallel.c, uses dd_vocab_buckets'
 * frequency buckets). For one target token y with logits over the vocabulary
 * and log p = log_softmax(logits):
 *
 *   S_k = mean of log p_v over the ids v with bucket[v] = k   (0 if bucket k is empty)
 *   u   = a[c]·log p_y + Σ_k W[k, c]·S_k + b[c],   c = bucket[y]
 *   ℓ   = −σ(ε·u)  (paper form)   or   (4/ε)·(½ − σ(ε·u))  (normalised form),
 *   ε   = exp(s[c]) with s clamped to [−30, 30], 1 when s is NULL
 *         (the head of dd-dlf-head.h)
 *
 * The form (`normalised`) chooses the head only: the score u is the same in
 * both, not rewritten relative to the true token as dd-loss.h's class score
 * is, so the logit gradient scales with a[c] + Σ_k W[k, c].
 *
 * Φ = (a (K), W (K, K) row-major with row k column c, b (K), and s (K) when
 * given). dd_bucket_loss_init_phi writes a = 1, W = 0, b = 0; with s = 0
 * (paper start) that is ℓ = −σ(log p_y), with s = log ε₀ (the normalised
 * start, dd-phi.h) ℓ = −(2/ε₀)·tanh(ε₀·log p_y/2), cross-entropy until
 * log p_y < −1/ε₀.
 *
 * The loss of a batch is the MEAN of ℓ over its counted tokens: the target
 * tokens of all its sentences flattened to N rows, padding rows (label −1)
 * excluded. (The spec's "sentence loss = mean over target tokens" is taken
 * over the whole batch, so every real token weighs the same whatever the
 * length of its sentence.) A batch of padding only has loss 0 and zero
 * gradients.
 *
 * With s, the gradient with respect to s is the second row of da: da is
 * then (2, K), a's gradient in row 0 and s's in row 1 (the order in which
 * the student's Φ block stores them).
 */
#pragma once

#include "dd-types.h"

G_BEGIN_DECLS

#define DD_BUCKET_LOSS_MAX_K 16

typedef struct {
  int            V;      /* vocabulary size */
  int            K;      /* number of buckets, 1 … DD_BUCKET_LOSS_MAX_K */
  const int     *bucket; /* (V) bucket of each vocabulary id, in [0, K) */
  const dd_real *a;      /* (K) */
  const dd_real *W;      /* (K, K), row k column c */
  const dd_real *b;      /* (K) */
  const dd_real *s;      /* (K) log ε, or NULL (ε = 1) */
  gboolean       normalised; /* the normalised form (else the paper's) */
} DdBucketLoss;

/* The initial point a = 1, W = 0, b = 0 (a (K), W (K, K), b (K)). */
void dd_bucket_loss_init_phi (dd_real *a, dd_real *W, dd_real *b, int K);

/* counts (K) = the number of vocabulary ids in each bucket (written).
 * Returns FALSE, with a critical warning, if some bucket[v] is outside [0, K). */
gboolean dd_bucket_loss_counts (int *counts, const int *bucket, int V, int K);

/* Returns the mean loss over the non-padding tokens.
 *   dlogits (N, V)          the gradient of that mean with respect to the
 *                           logits, WRITTEN (=); padding rows are written 0;
 *                           may be NULL (value only)
 *   da (K), dW (K, K), db (K)  the gradient with respect to Φ, ADDED (+=);
 *                           each may be NULL
 *   scratch                 at least V values
 *   logits (N, V), labels (N): label in [0, V), or −1 for padding
 * Costs O(N·V + V). */
double dd_bucket_loss_forward_backward (const DdBucketLoss *L,
                                        dd_real            *dlogits,
                                        dd_real            *da,
                                        dd_real            *dW,
                                        dd_real            *db,
                                        dd_real            *scratch,
                                        const dd_real      *logits,
                                        const int          *labels,
                                        int                 N);

/* The R-operator of those gradients (docs/method.md §5): the directional
 * derivative along rlogits (N, V) of what dd_bucket_loss_forward_backward
 * computes,
 *   rdlogits (N, V)            = (∂²L/∂logits²)·rlogits          (WRITTEN)
 *   rda (K), rdW (K, K), rdb (K) += (∂²L/∂Φ∂logits)·rlogits      (ADDED; each may be NULL)
 * scratch holds at least V values. */
void dd_bucket_loss_rop (const DdBucketLoss *L,
                         dd_real            *rdlogits,
                         dd_real            *rda,
                         dd_real            *rdW,
                         dd_real            *rdb,
                         dd_real            *scratch,
                         const dd_real      *logits,
                         const dd_real      *rlogits,
                         const int          *labels,
                         int                 N);

G_END_DECLS
