/* dd-kernels.h: forward/backward kernel pairs of the student networks
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Conventions (after llm.c):
 * - outputs first, then inputs, then sizes; shapes in the comment above each.
 * - images are NHWC: (B, H, W, C), channels fastest.
 * - backward kernels ADD (+=) into every gradient buffer they are given,
 *   parameter gradients and input gradients alike; the caller zeroes them.
 *   A NULL input-gradient pointer skips that computation (first layer).
 * - every BLAS-backed kernel has a plain-loop `_ref` twin with the same
 *   signature (scratch arguments excepted), used by the tests.
 * This header is internal to the engine and its tests.
 */
#pragma once

#include "dd-types.h"

G_BEGIN_DECLS

/* dense: inp (B, I), w (O, I), bias (O) → out (B, O) = inp · wᵀ + bias */
void dd_dense_forward      (dd_real *out, const dd_real *inp, const dd_real *w,
                            const dd_real *bias, int B, int I, int O);
/* dinp (B, I) += dout · w;  dw (O, I) += doutᵀ · inp;  dbias (O) += Σ_b dout */
void dd_dense_backward     (dd_real *dinp, dd_real *dw, dd_real *dbias,
                            const dd_real *dout, const dd_real *inp, const dd_real *w,
                            int B, int I, int O);
void dd_dense_forward_ref  (dd_real *out, const dd_real *inp, const dd_real *w,
                            const dd_real *bias, int B, int I, int O);
void dd_dense_backward_ref (dd_real *dinp, dd_real *dw, dd_real *dbias,
                            const dd_real *dout, const dd_real *inp, const dd_real *w,
                            int B, int I, int O);

/* conv, valid, stride 1: inp (B, H, W, Ci), w (Co, K, K, Ci), bias (Co)
 * → out (B, Ho, Wo, Co) with Ho = H − K + 1, Wo = W − K + 1.
 * rows (B·Ho·Wo, K·K·Ci) is the im2row matrix: written by forward, read by
 * backward (it is kept in the activations). */
void dd_conv_forward      (dd_real *out, dd_real *rows, const dd_real *inp,
                           const dd_real *w, const dd_real *bias,
                           int B, int H, int W, int Ci, int Co, int K);
/* drows is scratch of the size of rows, used only when dinp != NULL. */
void dd_conv_backward     (dd_real *dinp, dd_real *dw, dd_real *dbias, dd_real *drows,
                           const dd_real *dout, const dd_real *rows, const dd_real *w,
                           int B, int H, int W, int Ci, int Co, int K);
void dd_conv_forward_ref  (dd_real *out, const dd_real *inp,
                           const dd_real *w, const dd_real *bias,
                           int B, int H, int W, int Ci, int Co, int K);
void dd_conv_backward_ref (dd_real *dinp, dd_real *dw, dd_real *dbias,
                           const dd_real *dout, const dd_real *inp, const dd_real *w,
                           int B, int H, int W, int Ci, int Co, int K);

/* 2×2 max-pool, stride 2: inp (B, H, W, C) → out (B, H/2, W/2, C); H, W even.
 * Backward routes each gradient to the first maximum of its window. */
void dd_maxpool2_forward  (dd_real *out, const dd_real *inp, int B, int H, int W, int C);
void dd_maxpool2_backward (dd_real *dinp, const dd_real *dout, const dd_real *inp,
                           int B, int H, int W, int C);

/* elementwise, n values */
void dd_tanh_forward  (dd_real *out, const dd_real *inp, size_t n);
void dd_tanh_backward (dd_real *dinp, const dd_real *dout, const dd_real *out, size_t n);
void dd_relu_forward  (dd_real *out, const dd_real *inp, size_t n);
void dd_relu_backward (dd_real *dinp, const dd_real *dout, const dd_real *inp, size_t n);

/* the single-precision tanh behind dd_tanh_forward in the float engine
 * (built in both precisions, so that the double-precision tests can check it) */
float dd_tanhf_fast (float x);

/* row-wise softmax and log-softmax: logits (B, C) → (B, C), max-shifted */
void dd_softmax_forward     (dd_real *probs, const dd_real *logits, int B, int C);
void dd_log_softmax_forward (dd_real *logp, const dd_real *logits, int B, int C);

/* OpenBLAS threads; the engine sets them explicitly, never by accident */
void        dd_set_threads (int n);
const char *dd_blas_kernel (void); /* OpenBLAS core name, e.g. "SkylakeX" */

G_END_DECLS
