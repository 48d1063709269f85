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
/* units [j0, j1) of a dense layer: out[:, j0:j1) = inp·w[j0:j1)ᵀ + bias[j0:j1)
 * (out (B, O)); and dw[j0:j1) += dout[:, j0:j1)ᵀ·inp, dbias[j0:j1) +=
 * Σ_b dout[b, j0:j1), or with set = TRUE written (=) instead of added to,
 * so that the rows need not be zeroed first (the same bits as zeroing) */
void dd_dense_forward_units (dd_real *out, const dd_real *inp, const dd_real *w,
                             const dd_real *bias, int B, int I, int O, int j0, int j1);
void dd_dense_grads_units   (dd_real *dw, dd_real *dbias, const dd_real *dout,
                             const dd_real *inp, int B, int I, int O, int j0, int j1,
                             gboolean set);
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
void dd_maxpool2_backward_ref (dd_real *dinp, const dd_real *dout, const dd_real *inp,
                               int B, int H, int W, int C);

/* elementwise, n values */
void dd_tanh_forward  (dd_real *out, const dd_real *inp, size_t n);
void dd_tanh_backward (dd_real *dinp, const dd_real *dout, const dd_real *out, size_t n);
void dd_relu_forward  (dd_real *out, const dd_real *inp, size_t n);
void dd_relu_backward (dd_real *dinp, const dd_real *dout, const dd_real *inp, size_t n);

/* ---------------------------------------------------------------------- */
/* R-operators (Pearlmutter), for Hessian-vector products: the derivative of
 * forward and backward along a direction. A leading r marks the direction's
 * part of a value: rinp = R{inp}, vw = R{w} (the direction in the weights),
 * rdout = R{dout}, and so on.
 * - an rforward kernel WRITES (=) R{out}, like a forward kernel; a NULL
 *   rinp means R{inp} = 0 (the first layer's input is data);
 * - an rbackward kernel ADDS (+=) R{dinp} and R{dw}, R{dbias}, like a
 *   backward kernel; a NULL rdinp skips that computation, a NULL rinp (or
 *   rrows) again means R{inp} = 0.
 * The BLAS-backed ones have `_ref` twins, as above. */

/* dense: rout (B, O) = rinp · wᵀ + inp · vwᵀ + vbias */
void dd_dense_rforward      (dd_real *rout, const dd_real *rinp, const dd_real *inp,
                             const dd_real *w, const dd_real *vw, const dd_real *vbias,
                             int B, int I, int O);
/* rdinp (B, I) += rdout · w + dout · vw;
 * rdw (O, I) += rdoutᵀ · inp + doutᵀ · rinp;  rdbias (O) += Σ_b rdout */
void dd_dense_rbackward     (dd_real *rdinp, dd_real *rdw, dd_real *rdbias,
                             const dd_real *rdout, const dd_real *dout,
                             const dd_real *rinp, const dd_real *inp,
                             const dd_real *w, const dd_real *vw,
                             int B, int I, int O);
void dd_dense_rforward_ref  (dd_real *rout, const dd_real *rinp, const dd_real *inp,
                             const dd_real *w, const dd_real *vw, const dd_real *vbias,
                             int B, int I, int O);
void dd_dense_rbackward_ref (dd_real *rdinp, dd_real *rdw, dd_real *rdbias,
                             const dd_real *rdout, const dd_real *dout,
                             const dd_real *rinp, const dd_real *inp,
                             const dd_real *w, const dd_real *vw,
                             int B, int I, int O);

/* conv, shapes as dd_conv_forward: rout (B, Ho, Wo, Co) =
 * rrows · wᵀ + rows · vwᵀ + vbias, where rows is the forward's im2row matrix
 * and rrows (B·Ho·Wo, K·K·Ci) = im2row (rinp) is written here when rinp is
 * given (it is kept for the rbackward, like rows). */
void dd_conv_rforward      (dd_real *rout, dd_real *rrows, const dd_real *rinp,
                            const dd_real *rows, const dd_real *w, const dd_real *vw,
                            const dd_real *vbias,
                            int B, int H, int W, int Ci, int Co, int K);
/* rdw += rdoutᵀ · rows + doutᵀ · rrows;  rdbias += Σ rdout;  if rdinp:
 * drows = rdout · w + dout · vw, scattered back into rdinp. drows is scratch
 * of the size of rows, used only when rdinp != NULL; rrows may be NULL. */
void dd_conv_rbackward     (dd_real *rdinp, dd_real *rdw, dd_real *rdbias, dd_real *drows,
                            const dd_real *rdout, const dd_real *dout,
                            const dd_real *rrows, const dd_real *rows,
                            const dd_real *w, const dd_real *vw,
                            int B, int H, int W, int Ci, int Co, int K);
void dd_conv_rforward_ref  (dd_real *rout, const dd_real *rinp, const dd_real *inp,
                            const dd_real *w, const dd_real *vw, const dd_real *vbias,
                            int B, int H, int W, int Ci, int Co, int K);
void dd_conv_rbackward_ref (dd_real *rdinp, dd_real *rdw, dd_real *rdbias,
                            const dd_real *rdout, const dd_real *dout,
                            const dd_real *rinp, const dd_real *inp,
                            const dd_real *w, const dd_real *vw,
                            int B, int H, int W, int Ci, int Co, int K);

/* 2×2 max-pool: R{out} is R{inp} at the first maximum of each window of
 * inp, the rule of dd_maxpool2_backward (the arg-max is locally constant).
 * The backward is linear in dout with the same routing, so rbackward routes
 * rdout exactly as backward routes dout: rdinp += routed rdout. */
void dd_maxpool2_rforward  (dd_real *rout, const dd_real *rinp, const dd_real *inp,
                            int B, int H, int W, int C);
void dd_maxpool2_rforward_ref (dd_real *rout, const dd_real *rinp, const dd_real *inp,
                               int B, int H, int W, int C);
void dd_maxpool2_rbackward (dd_real *rdinp, const dd_real *rdout, const dd_real *inp,
                            int B, int H, int W, int C);

/* tanh: rout = (1 − out²)·rinp;  rdinp += rdout·(1 − out²) − 2·dout·out·rout */
void dd_tanh_rforward  (dd_real *rout, const dd_real *rinp, const dd_real *out, size_t n);
void dd_tanh_rbackward (dd_real *rdinp, const dd_real *rdout, const dd_real *dout,
                        const dd_real *out, const dd_real *rout, size_t n);
/* relu: rout = [inp > 0]·rinp;  rdinp += [inp > 0]·rdout */
void dd_relu_rforward  (dd_real *rout, const dd_real *rinp, const dd_real *inp, size_t n);
void dd_relu_rbackward (dd_real *rdinp, const dd_real *rdout, const dd_real *inp, size_t n);

/* the single-precision tanh behind dd_tanh_forward in the float engine
 * (built in both precisions, so that the double-precision tests can check it) */
float dd_tanhf_fast (float x);

/* the index of the first largest of x[0..n) (n ≥ 1), in 16 lanes (two
 * vectors of 8): NaN entries are passed over, but a NaN x[0] is the answer
 * (built in both precisions too) */
int dd_first_maxf (const float *x, int n);
int dd_first_maxf_ref (const float *x, int n);   /* the plain loop */

/* Cross-entropy over wide rows (a vocabulary), in one pass per row: for
 * the rows r with labels[r] ≥ 0, returns Σ −log p_y (unscaled) with
 * p = softmax(logits[r]); dlogits (may be NULL) rows are written
 * scale·(p − onehot(y)), padding rows (label < 0) 0; wrong (may be NULL) +=
 * the labelled rows whose first most probable id is not the label. Single
 * precision computes exp on 16-float vectors (a degree-6 polynomial after
 * range reduction, under 2 ulp); double precision uses exp. */
double dd_ce_rows (dd_real *dlogits, int *wrong, const dd_real *logits, const int *labels,
                   int rows, int V, double scale);
/* The same for label smoothing (dd-loss.h's SMOOTH): returns Σ −Σ_k q_k log p_k
 * over the labelled rows, q = (1 − ε)·onehot(y) + ε/V, and writes dlogits
 * (may be NULL) scale·(p − q), padding rows 0. */
double dd_smooth_ce_rows (dd_real *dlogits, const dd_real *logits, const int *labels, int rows,
                          int V, double scale, double eps);

/* e[0..V) = exp (z − max z), returning Σ e (accumulated in double) and the
 * index of the first maximum in *argmax (may be NULL); single precision on
 * 16-float vectors as dd_ce_rows */
double dd_exp_shifted_sum (dd_real *e, const dd_real *z, int V, int *argmax);

/* row-wise softmax and log-softmax: logits (B, C) → (B, C), max-shifted */
void dd_softmax_forward     (dd_real *probs, const dd_real *logits, int B, int C);
void dd_log_softmax_forward (dd_real *logp, const dd_real *logits, int B, int C);

/* OpenBLAS threads; the engine sets them explicitly, never by accident */
void        dd_set_threads (int n);
const char *dd_blas_kernel (void); /* OpenBLAS core name, e.g. "SkylakeX" */

G_END_DECLS
