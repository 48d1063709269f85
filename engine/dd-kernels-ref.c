/* dd-kernels-ref.c: plain-loop twins of the BLAS-backed and vectorised kernels
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Written for obviousness, not speed: each is the defining sum, straight from
 * the shapes in dd-kernels.h, and shares no code with the fast kernels. The
 * tests compare the fast kernels with these.
 */
#include "dd-kernels.h"

/* out (B, O) = inp (B, I) · wᵀ + bias */
void
dd_dense_forward_ref (dd_real *out, const dd_real *inp, const dd_real *w,
                      const dd_real *bias, int B, int I, int O)
{
  for (int b = 0; b < B; b++)
    for (int o = 0; o < O; o++)
      {
        dd_real acc = bias != NULL ? bias[o] : 0;
        for (int i = 0; i < I; i++)
          acc += inp[b * I + i] * w[o * I + i];
        out[b * O + o] = acc;
      }
}

/* dinp += dout · w;  dw += doutᵀ · inp;  dbias += Σ_b dout */
void
dd_dense_backward_ref (dd_real *dinp, dd_real *dw, dd_real *dbias,
                       const dd_real *dout, const dd_real *inp, const dd_real *w,
                       int B, int I, int O)
{
  for (int b = 0; b < B; b++)
    for (int o = 0; o < O; o++)
      {
        dd_real d = dout[b * O + o];
        if (dbias != NULL)
          dbias[o] += d;
        for (int i = 0; i < I; i++)
          {
            if (dw != NULL)
              dw[o * I + i] += d * inp[b * I + i];
            if (dinp != NULL)
              dinp[b * I + i] += d * w[o * I + i];
          }
      }
}

/* inp (B, H, W, Ci), w (Co, K, K, Ci) → out (B, Ho, Wo, Co) */
void
dd_conv_forward_ref (dd_real *out, const dd_real *inp,
                     const dd_real *w, const dd_real *bias,
                     int B, int H, int W, int Ci, int Co, int K)
{
  const int Ho = H - K + 1, Wo = W - K + 1;

  for (int b = 0; b < B; b++)
    for (int y = 0; y < Ho; y++)
      for (int x = 0; x < Wo; x++)
        for (int co = 0; co < Co; co++)
          {
            dd_real acc = bias != NULL ? bias[co] : 0;
            for (int ky = 0; ky < K; ky++)
              for (int kx = 0; kx < K; kx++)
                for (int ci = 0; ci < Ci; ci++)
                  acc += inp[((b * H + y + ky) * W + x + kx) * Ci + ci]
                         * w[((co * K + ky) * K + kx) * Ci + ci];
            out[((b * Ho + y) * Wo + x) * Co + co] = acc;
          }
}

void
dd_conv_backward_ref (dd_real *dinp, dd_real *dw, dd_real *dbias,
                      const dd_real *dout, const dd_real *inp, const dd_real *w,
                      int B, int H, int W, int Ci, int Co, int K)
{
  const int Ho = H - K + 1, Wo = W - K + 1;

  for (int b = 0; b < B; b++)
    for (int y = 0; y < Ho; y++)
      for (int x = 0; x < Wo; x++)
        for (int co = 0; co < Co; co++)
          {
            dd_real d = dout[((b * Ho + y) * Wo + x) * Co + co];
            if (dbias != NULL)
              dbias[co] += d;
            for (int ky = 0; ky < K; ky++)
              for (int kx = 0; kx < K; kx++)
                for (int ci = 0; ci < Ci; ci++)
                  {
                    int ii = ((b * H + y + ky) * W + x + kx) * Ci + ci;
                    int wi = ((co * K + ky) * K + kx) * Ci + ci;
                    if (dw != NULL)
                      dw[wi] += d * inp[ii];
                    if (dinp != NULL)
                      dinp[ii] += d * w[wi];
                  }
          }
}

/* ---------------------------------------------------------------------- */
/* R-operators */

/* rout = rinp · wᵀ + inp · vwᵀ + vbias */
void
dd_dense_rforward_ref (dd_real *rout, const dd_real *rinp, const dd_real *inp,
                       const dd_real *w, const dd_real *vw, const dd_real *vbias,
                       int B, int I, int O)
{
  for (int b = 0; b < B; b++)
    for (int o = 0; o < O; o++)
      {
        dd_real acc = vbias != NULL ? vbias[o] : 0;
        for (int i = 0; i < I; i++)
          {
            acc += inp[b * I + i] * vw[o * I + i];
            if (rinp != NULL)
              acc += rinp[b * I + i] * w[o * I + i];
          }
        rout[b * O + o] = acc;
      }
}

/* the backward of rdout at (inp, w) plus the backward of dout at (rinp, vw) */
void
dd_dense_rbackward_ref (dd_real *rdinp, dd_real *rdw, dd_real *rdbias,
                        const dd_real *rdout, const dd_real *dout,
                        const dd_real *rinp, const dd_real *inp,
                        const dd_real *w, const dd_real *vw,
                        int B, int I, int O)
{
  dd_dense_backward_ref (rdinp, rdw, rdbias, rdout, inp, w, B, I, O);
  dd_dense_backward_ref (rdinp, rinp != NULL ? rdw : NULL, NULL, dout, rinp, vw, B, I, O);
}

/* rout = conv (rinp, w) + conv (inp, vw) + vbias */
void
dd_conv_rforward_ref (dd_real *rout, const dd_real *rinp, const dd_real *inp,
                      const dd_real *w, const dd_real *vw, const dd_real *vbias,
                      int B, int H, int W, int Ci, int Co, int K)
{
  const int Ho = H - K + 1, Wo = W - K + 1;

  for (int b = 0; b < B; b++)
    for (int y = 0; y < Ho; y++)
      for (int x = 0; x < Wo; x++)
        for (int co = 0; co < Co; co++)
          {
            dd_real acc = vbias != NULL ? vbias[co] : 0;
            for (int ky = 0; ky < K; ky++)
              for (int kx = 0; kx < K; kx++)
                for (int ci = 0; ci < Ci; ci++)
                  {
                    int ii = ((b * H + y + ky) * W + x + kx) * Ci + ci;
                    int wi = ((co * K + ky) * K + kx) * Ci + ci;
                    acc += inp[ii] * vw[wi];
                    if (rinp != NULL)
                      acc += rinp[ii] * w[wi];
                  }
            rout[((b * Ho + y) * Wo + x) * Co + co] = acc;
          }
}

void
dd_conv_rbackward_ref (dd_real *rdinp, dd_real *rdw, dd_real *rdbias,
                       const dd_real *rdout, const dd_real *dout,
                       const dd_real *rinp, const dd_real *inp,
                       const dd_real *w, const dd_real *vw,
                       int B, int H, int W, int Ci, int Co, int K)
{
  dd_conv_backward_ref (rdinp, rdw, rdbias, rdout, inp, w, B, H, W, Ci, Co, K);
  dd_conv_backward_ref (rdinp, rinp != NULL ? rdw : NULL, NULL, dout, rinp, vw,
                        B, H, W, Ci, Co, K);
}

/* The index of the first of the 2×2 window's four elements (at first + offs[k])
 * that holds its maximum: the one rule the backward and R-operator passes share
 * with the forward pass.  */
static inline __attribute__ ((always_inline)) size_t
window_argmax (const dd_real *inp, size_t first, const size_t offs[4])
{
  size_t best = first;
  dd_real m = inp[best];
  for (int k = 1; k < 4; k++)
    {
      size_t at = first + offs[k];
      gboolean above = inp[at] > m;
      best = above ? at : best;
      m = above ? inp[at] : m;
    }
  return best;
}

/* the gradient to the first maximum of each window, one element at a time */
void
dd_maxpool2_backward_ref (dd_real *dinp, const dd_real *dout, const dd_real *inp,
                          int B, int H, int W, int C)
{
  const int Ho = H / 2, Wo = W / 2;
  const size_t offs[4] = { 0, C, (size_t) W * C, (size_t) W * C + C };

  for (int b = 0; b < B; b++)
    for (int y = 0; y < Ho; y++)
      for (int x = 0; x < Wo; x++)
        {
          const size_t base = (((size_t) b * H + 2 * y) * W + 2 * x) * C;
          const dd_real *d = dout + (((size_t) b * Ho + y) * Wo + x) * C;
          for (int c = 0; c < C; c++)
            dinp[window_argmax (inp, base + c, offs)] += d[c];
        }
}

void
dd_maxpool2_rforward_ref (dd_real *rout, const dd_real *rinp, const dd_real *inp,
                          int B, int H, int W, int C)
{
  const int Ho = H / 2, Wo = W / 2;
  const size_t offs[4] = { 0, C, (size_t) W * C, (size_t) W * C + C };

  for (int b = 0; b < B; b++)
    for (int y = 0; y < Ho; y++)
      for (int x = 0; x < Wo; x++)
        {
          const size_t base = (((size_t) b * H + 2 * y) * W + 2 * x) * C;
          dd_real *r = rout + (((size_t) b * Ho + y) * Wo + x) * C;
          for (int c = 0; c < C; c++)
            r[c] = rinp[window_argmax (inp, base + c, offs)];
        }
}

int
dd_first_maxf_ref (const float *x, int n)
{
  int best = 0;

  for (int i = 1; i < n; i++)
    if (x[i] > x[best])
      best = i;
  return best;
}
