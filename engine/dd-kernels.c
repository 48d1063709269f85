/* dd-kernels.c: the fast (BLAS-backed) kernels of the student networks
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dense and convolution layers are one gemm per product over the whole batch;
 * a convolution is an im2row copy followed by a dense product. The plain-loop
 * twins the tests compare against are in dd-kernels-ref.c.
 *
 * In single precision tanh is computed by an own branch-free, vectorised
 * routine (glibc's tanhf is a scalar call of about 16 ns, ten times the cost
 * of this one); in double precision libm's tanh is used, so that the
 * gradient checks see the exact function.
 */
#include "dd-private.h"
#include "dd-kernels.h"

#include <cblas.h>
/* OpenBLAS's cblas.h pulls in <complex.h>, whose macro I would clash with
 * the dense layer's input size I. */
#undef I
#include <math.h>
#include <string.h>

/* One switch between the single- and double-precision BLAS. */
#ifdef DD_DOUBLE
# define dd_gemm cblas_dgemm
#else
# define dd_gemm cblas_sgemm
#endif

/* The loops that BLAS does not cover are written on GCC vectors of 64 bytes
 * (at the project's -O2 the auto-vectoriser leaves them scalar), in
 * functions cloned for run-time dispatch to AVX2 or AVX-512 where the CPU
 * has them; the default clone is plain x86-64. The compiler maps a vector
 * to the registers the clone has: four SSE, two AVX or one AVX-512. */
typedef dd_real vreal __attribute__ ((vector_size (64)));
#define VLANES (sizeof (vreal) / sizeof (dd_real))

/* (SIMD_CLONES: dd-private.h) */

/* acc[0..n) += x[0..n); inlined into the cloned callers */
static inline __attribute__ ((always_inline)) void
add_into (dd_real *acc, const dd_real *x, size_t n)
{
  size_t j = 0;

  for (; j + VLANES <= n; j += VLANES)
    {
      vreal a, b;
      memcpy (&a, acc + j, sizeof a);
      memcpy (&b, x + j, sizeof b);
      a += b;
      memcpy (acc + j, &a, sizeof a);
    }
  for (; j < n; j++)
    acc[j] += x[j];
}

/* acc (cols) += Σ_r m (rows, cols): the bias gradients */
SIMD_CLONES static void
add_row_sums (dd_real *acc, const dd_real *m, size_t rows, size_t cols)
{
  for (size_t r = 0; r < rows; r++)
    add_into (acc, m + r * cols, cols);
}

/* ---------------------------------------------------------------------- */
/* dense */

/* out (B, O) = inp (B, I) · wᵀ + bias: bias is copied into every row first,
 * then the gemm accumulates onto it (beta = 1). */
void
dd_dense_forward (dd_real *out, const dd_real *inp, const dd_real *w,
                  const dd_real *bias, int B, int I, int O)
{
  if (B <= 0 || O <= 0)
    return;
  if (bias != NULL)
    {
      /* doubling copies: a convolution has B·Ho·Wo short rows here */
      const size_t total = (size_t) B * O;
      size_t done = O;
      memcpy (out, bias, (size_t) O * sizeof (dd_real));
      while (done < total)
        {
          size_t n = MIN (done, total - done);
          memcpy (out + done, out, n * sizeof (dd_real));
          done += n;
        }
    }
  else
    memset (out, 0, (size_t) B * O * sizeof (dd_real));
  if (I <= 0)
    return;
  dd_gemm (CblasRowMajor, CblasNoTrans, CblasTrans, B, O, I,
           1.0, inp, I, w, I, 1.0, out, O);
}

/* dinp (B, I) += dout · w;  dw (O, I) += doutᵀ · inp;  dbias (O) += Σ_b dout */
void
dd_dense_backward (dd_real *dinp, dd_real *dw, dd_real *dbias,
                   const dd_real *dout, const dd_real *inp, const dd_real *w,
                   int B, int I, int O)
{
  if (B <= 0 || O <= 0)
    return;
  if (dbias != NULL)
    add_row_sums (dbias, dout, B, O);
  if (I <= 0)
    return;
  if (dw != NULL)
    dd_gemm (CblasRowMajor, CblasTrans, CblasNoTrans, O, I, B,
             1.0, dout, O, inp, I, 1.0, dw, I);
  if (dinp != NULL)
    dd_gemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, B, I, O,
             1.0, dout, O, w, I, 1.0, dinp, I);
}

/* The same for units [j0, j1) of the O outputs only (a split of a first
 * layer between workers, whose input gradient is not needed). */
/* out[:, j0:j1) = inp·w[j0:j1)ᵀ + bias[j0:j1), out (B, O) */
void
dd_dense_forward_units (dd_real *out, const dd_real *inp, const dd_real *w, const dd_real *bias,
                           int B, int I, int O, int j0, int j1)
{
  const int nj = j1 - j0;

  if (nj <= 0)
    return;
  for (int b = 0; b < B; b++)
    memcpy (out + (size_t) b * O + j0, bias + j0, (size_t) nj * sizeof (dd_real));
  dd_gemm (CblasRowMajor, CblasNoTrans, CblasTrans, B, nj, I,
           1.0, inp, I, w + (size_t) j0 * I, I, 1.0, out + j0, O);
}

/* dw[j0:j1) += dout[:, j0:j1)ᵀ·inp, dbias[j0:j1) += Σ_b dout[b, j0:j1);
 * set: = instead of += (0 + x is x: the bits of zeroing first) */
void
dd_dense_grads_units (dd_real *dw, dd_real *dbias, const dd_real *dout, const dd_real *inp,
                      int B, int I, int O, int j0, int j1, gboolean set)
{
  const int nj = j1 - j0;

  if (nj <= 0)
    return;
  if (set)
    memset (dbias + j0, 0, (size_t) nj * sizeof (dd_real));
  for (int b = 0; b < B; b++)
    {
      const dd_real *row = dout + (size_t) b * O;
      for (int j = j0; j < j1; j++)
        dbias[j] += row[j];
    }
  dd_gemm (CblasRowMajor, CblasTrans, CblasNoTrans, nj, I, B,
           1.0, dout + j0, O, inp, I, set ? 0.0 : 1.0, dw + (size_t) j0 * I, I);
}

/* ---------------------------------------------------------------------- */
/* convolution by im2row */

/* A copy of n values, for short n: memcpy of a variable length is a call,
 * and a plain copy loop is turned into that call by the compiler; a
 * constant-length memcpy is a register move. */
static inline void
copy_short (dd_real *dst, const dd_real *src, size_t n)
{
  size_t j = 0;

  for (; j + 4 <= n; j += 4)
    memcpy (dst + j, src + j, 4 * sizeof (dd_real));
  switch (n - j)
    {
    case 3: dst[j + 2] = src[j + 2]; /* fall through */
    case 2: dst[j + 1] = src[j + 1]; /* fall through */
    case 1: dst[j] = src[j];         /* fall through */
    default: break;
    }
}

/* rows (B·Ho·Wo, K·K·Ci): row (b, y, x) holds the window at (y, x), ordered
 * (ky, kx, ci) like w. In NHWC the K·Ci values of one window line are
 * contiguous in the image, so each window line is one contiguous copy. */
static void
im2row (dd_real *rows, const dd_real *inp, int B, int H, int W, int Ci, int K)
{
  const int Ho = H - K + 1, Wo = W - K + 1;
  const size_t run = (size_t) K * Ci;
  dd_real *dst = rows;

  for (int b = 0; b < B; b++)
    for (int y = 0; y < Ho; y++)
      for (int x = 0; x < Wo; x++)
        for (int ky = 0; ky < K; ky++)
          {
            const dd_real *src = inp + (((size_t) b * H + y + ky) * W + x) * Ci;
            if (run >= 32)
              memcpy (dst, src, run * sizeof (dd_real));
            else /* the first LeNet layer: K·Ci = 5 */
              copy_short (dst, src, run);
            dst += run;
          }
}

/* The adjoint of im2row: dinp += the window lines of drows, scattered back. */
SIMD_CLONES static void
row2im_add (dd_real *dinp, const dd_real *drows, int B, int H, int W, int Ci, int K)
{
  const int Ho = H - K + 1, Wo = W - K + 1;
  const size_t run = (size_t) K * Ci;
  const dd_real *src = drows;

  for (int b = 0; b < B; b++)
    for (int y = 0; y < Ho; y++)
      for (int x = 0; x < Wo; x++)
        for (int ky = 0; ky < K; ky++)
          {
            add_into (dinp + (((size_t) b * H + y + ky) * W + x) * Ci, src, run);
            src += run;
          }
}

/* Images per chunk of a convolution: the rows (or drows) of one chunk should
 * stay in the core's cache between the im2row that writes them and the gemm
 * that reads them, or the gemm that writes them and the scatter that reads
 * them (the second LeNet layer has 128 KB of rows per image). 512 KB was the
 * fastest of 256 KB to 4 MB for the LeNet layers at 256 images (docs/speed.md). */
#define ROWS_CHUNK_BYTES (512 * 1024)

/* out (B·Ho·Wo, Co) = rows · wᵀ + bias, with w seen as (Co, K·K·Ci) */
void
dd_conv_forward (dd_real *out, dd_real *rows, const dd_real *inp,
                 const dd_real *w, const dd_real *bias,
                 int B, int H, int W, int Ci, int Co, int K)
{
  const int Ho = H - K + 1, Wo = W - K + 1;
  const int P = Ho * Wo, KKC = K * K * Ci;

  g_return_if_fail (K >= 1 && Ho >= 1 && Wo >= 1);
  if (B <= 0)
    return;
  /* a few images at a time, so that the gemm reads the rows im2row has just
   * written from the cache rather than from memory (the second LeNet layer
   * has 128 KB of rows per image) */
  const size_t image_bytes = (size_t) P * KKC * sizeof (dd_real);
  const int chunk = (int) CLAMP (ROWS_CHUNK_BYTES / image_bytes, 1, (size_t) B);
  for (int b0 = 0; b0 < B; b0 += chunk)
    {
      const int nb = MIN (chunk, B - b0);
      dd_real *r = rows + (size_t) b0 * P * KKC;
      im2row (r, inp + (size_t) b0 * H * W * Ci, nb, H, W, Ci, K);
      dd_dense_forward (out + (size_t) b0 * P * Co, r, w, bias, nb * P, KKC, Co);
    }
}

/* dw += doutᵀ · rows;  dbias += Σ dout;  if dinp: drows = dout · w, then
 * scattered back into dinp, a few images at a time. */
void
dd_conv_backward (dd_real *dinp, dd_real *dw, dd_real *dbias, dd_real *drows,
                  const dd_real *dout, const dd_real *rows, const dd_real *w,
                  int B, int H, int W, int Ci, int Co, int K)
{
  const int Ho = H - K + 1, Wo = W - K + 1;
  const int P = Ho * Wo, KKC = K * K * Ci; /* rows per image, row length */

  g_return_if_fail (K >= 1 && Ho >= 1 && Wo >= 1);
  g_return_if_fail (dinp == NULL || drows != NULL);
  if (B <= 0 || Co <= 0)
    return;
  dd_dense_backward (NULL, dw, dbias, dout, rows, w, B * P, KKC, Co);
  if (dinp == NULL)
    return;

  const size_t image_bytes = (size_t) P * KKC * sizeof (dd_real);
  const int chunk = (int) CLAMP (ROWS_CHUNK_BYTES / image_bytes, 1, (size_t) B);
  for (int b0 = 0; b0 < B; b0 += chunk)
    {
      const int nb = MIN (chunk, B - b0);
      dd_gemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, nb * P, KKC, Co,
               1.0, dout + (size_t) b0 * P * Co, Co, w, KKC, 0.0, drows, KKC);
      row2im_add (dinp + (size_t) b0 * H * W * Ci, drows, nb, H, W, Ci, K);
    }
}

/* ---------------------------------------------------------------------- */
/* 2×2 max-pool */

/* one 2×2 window of C channels: out = the maximum (the first, as selects) */
SIMD_CLONES static void
pool_forward_window (dd_real *restrict o, const dd_real *p00, const dd_real *p01,
                     const dd_real *p10, const dd_real *p11, int C)
{
  for (int c = 0; c < C; c++)
    {
      dd_real m = p00[c];
      m = p01[c] > m ? p01[c] : m;
      m = p10[c] > m ? p10[c] : m;
      m = p11[c] > m ? p11[c] : m;
      o[c] = m;
    }
}

void
dd_maxpool2_forward (dd_real *out, const dd_real *inp, int B, int H, int W, int C)
{
  const int Ho = H / 2, Wo = W / 2;
  const size_t row = (size_t) W * C;

  for (int b = 0; b < B; b++)
    for (int y = 0; y < Ho; y++)
      for (int x = 0; x < Wo; x++)
        {
          const dd_real *p = inp + (((size_t) b * H + 2 * y) * W + 2 * x) * C;
          pool_forward_window (out + (((size_t) b * Ho + y) * Wo + x) * C, p, p + C, p + row,
                               p + row + C, C);
        }
}

/* One 2×2 window of C channels: its four positions' gradients get dout where
 * the first of (0,0), (0,1), (1,0), (1,1) holding the maximum is, and 0
 * elsewhere. Written as selects over the channels, so that it vectorises
 * (the windows do not overlap, so each input element is touched once). */
SIMD_CLONES static void
pool_backward_window (dd_real *restrict q00, dd_real *restrict q01, dd_real *restrict q10,
                      dd_real *restrict q11, const dd_real *p00, const dd_real *p01,
                      const dd_real *p10, const dd_real *p11, const dd_real *d, int C)
{
  for (int c = 0; c < C; c++)
    {
      /* v·· carry d to the maximum so far, and 0 to the rest (float selects
       * only: an integer winner index keeps GCC from vectorising) */
      const dd_real g = d[c];
      dd_real m = p00[c], v00 = g, v01 = 0, v10 = 0, v11 = 0;
      const gboolean a = p01[c] > m;
      v01 = a ? g : v01;
      v00 = a ? 0 : v00;
      m = a ? p01[c] : m;
      const gboolean e = p10[c] > m;
      v10 = e ? g : v10;
      v00 = e ? 0 : v00;
      v01 = e ? 0 : v01;
      m = e ? p10[c] : m;
      const gboolean f = p11[c] > m;
      v11 = f ? g : v11;
      v00 = f ? 0 : v00;
      v01 = f ? 0 : v01;
      v10 = f ? 0 : v10;
      q00[c] += v00;
      q01[c] += v01;
      q10[c] += v10;
      q11[c] += v11;
    }
}

/* The maximum is found again from inp, and the gradient goes to the first
 * of (0,0), (0,1), (1,0), (1,1) that holds it, as in the forward pass
 * (dd_maxpool2_backward_ref is the same rule as a scalar loop). */
void
dd_maxpool2_backward (dd_real *dinp, const dd_real *dout, const dd_real *inp,
                      int B, int H, int W, int C)
{
  const int Ho = H / 2, Wo = W / 2;
  const size_t row = (size_t) W * C;

  for (int b = 0; b < B; b++)
    for (int y = 0; y < Ho; y++)
      for (int x = 0; x < Wo; x++)
        {
          const size_t base = (((size_t) b * H + 2 * y) * W + 2 * x) * C;
          const dd_real *p = inp + base;
          dd_real *q = dinp + base;
          pool_backward_window (q, q + C, q + row, q + row + C, p, p + C, p + row, p + row + C,
                                dout + (((size_t) b * Ho + y) * Wo + x) * C, C);
        }
}

/* ---------------------------------------------------------------------- */
/* tanh */

/* tanh|x| = −E / (2 + E) with E = expm1(−2|x|) ∈ (−1, 0].
 *
 * expm1(t) for t ≤ 0: t = n·ln2 + r with n = round(t / ln2), |r| ≤ ln2 / 2,
 * so expm1(t) = 2ⁿ·expm1(r) + (2ⁿ − 1). expm1(r) is its Taylor polynomial
 * to degree 7; the remainder, below |r|⁸/8! · e^|r|, is under 0.2 ulp of
 * expm1(r). Computing expm1 rather than exp keeps the relative accuracy for
 * small |x|, where 1 − exp(−2|x|) would cancel.
 *
 * n is rounded with the 1.5·2²³ trick (adding it leaves n in the low bits of
 * the sum), which avoids a float-to-int conversion that is undefined for NaN;
 * 2ⁿ is built from the exponent bits. |x| is clamped at 10, where tanh is 1
 * in float and 2ⁿ stays a normal number; NaN is kept by the clamp and comes
 * out as NaN, ±∞ gives ±1.
 *
 * It is written on vectors of 16 floats, like the loops above (in the
 * AVX-512 clone products and sums fuse into FMAs, so the last bit may differ
 * between clones; dd_tanhf_fast is cloned the same way, so that the test
 * checks the code the machine runs). */
typedef float   v16f __attribute__ ((vector_size (64)));
typedef guint32 v16u __attribute__ ((vector_size (64)));
#define LANES (sizeof (v16f) / sizeof (float))
typedef float   v8f __attribute__ ((vector_size (32)));
typedef guint32 v8u __attribute__ ((vector_size (32)));

/* *less = all ones in the lanes where a < b. As two compares of 8: GCC 12 compares
 * a 64-byte float vector element by element (16 scalar compares and
 * inserts) where the clone's registers are narrower, as on AVX2, but a
 * 32-byte one with one instruction. */
static inline __attribute__ ((always_inline)) void
lanes_less (v16u *less, v16f a, v16f b)
{
  v8f a0, a1, b0, b1;
  memcpy (&a0, &a, sizeof a0);
  memcpy (&a1, (const char *) &a + sizeof a0, sizeof a1);
  memcpy (&b0, &b, sizeof b0);
  memcpy (&b1, (const char *) &b + sizeof b0, sizeof b1);
  v8u l0 = (v8u) (a0 < b0), l1 = (v8u) (a1 < b1);
  memcpy (less, &l0, sizeof l0);
  memcpy ((char *) less + sizeof l0, &l1, sizeof l1);
}

#define TANH_CLAMP       10.0f
#define ROUND_MAGIC      0x1.8p23f        /* 1.5·2²³ */
#define ROUND_MAGIC_BITS 0x4B400000u
#define INV_LN2          1.44269504088896341f
#define LN2_HI           0x1.62e4p-1f     /* ln 2 cut to 16 bits: n·LN2_HI is exact */
#define LN2_LO           1.42860682030941723212e-6f /* ln 2 − LN2_HI */
#define SIGN_BIT         0x80000000u

/* out[0..16) = tanh (inp[0..16)) */
static inline __attribute__ ((always_inline)) void
tanhf_block (float *out, const float *inp)
{
  v16f x;
  memcpy (&x, inp, sizeof x);

  v16u a_bits = (v16u) x & ~SIGN_BIT;
  v16u big;   /* all ones where |x| > clamp */
  lanes_less (&big, (v16f) {} + TANH_CLAMP, (v16f) a_bits);
  v16f a = (v16f) ((a_bits & ~big) | ((v16u) ((v16f) {} + TANH_CLAMP) & big));
  v16f t = -2.0f * a;

  v16f k = t * INV_LN2 + ROUND_MAGIC;
  v16f n = k - ROUND_MAGIC;
  v16f r = (t - n * LN2_HI) - n * LN2_LO;
  v16f two_n = (v16f) (((v16u) k - ROUND_MAGIC_BITS + 127u) << 23);

  v16f p = r * (1.0f / 5040.0f) + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  v16f em1_r = r + r * r * p;

  /* −E = (1 − 2ⁿ) − 2ⁿ·expm1(r) and 2 + E = (1 + 2ⁿ) + 2ⁿ·expm1(r): the
   * brackets are exact wherever tanh is below 1 in float, so each side is
   * rounded once (measured: under 2 ulp overall, see test-kernels) */
  v16f s = two_n * em1_r;
  v16f mag = ((1.0f - two_n) - s) / ((1.0f + two_n) + s);
  v16f y = (v16f) (((v16u) mag & ~SIGN_BIT) | ((v16u) x & SIGN_BIT));
  memcpy (out, &y, sizeof y);
}

/* dinp[0..16) += dout · (1 − out²) */
static inline __attribute__ ((always_inline)) void
tanhf_backward_block (float *dinp, const float *dout, const float *out)
{
  v16f di, d, o;
  memcpy (&di, dinp, sizeof di);
  memcpy (&d, dout, sizeof d);
  memcpy (&o, out, sizeof o);
  di += d * (1.0f - o * o);
  memcpy (dinp, &di, sizeof di);
}

#ifndef DD_DOUBLE
SIMD_CLONES static void
tanhf_array (float *out, const float *inp, size_t n)
{
  size_t i = 0;

  for (; i + LANES <= n; i += LANES)
    tanhf_block (out + i, inp + i);
  if (i < n)
    {
      float buf[LANES] = { 0 };
      memcpy (buf, inp + i, (n - i) * sizeof (float));
      tanhf_block (buf, buf);
      memcpy (out + i, buf, (n - i) * sizeof (float));
    }
}

SIMD_CLONES static void
tanhf_backward_array (float *dinp, const float *dout, const float *out, size_t n)
{
  size_t i = 0;

  for (; i + LANES <= n; i += LANES)
    tanhf_backward_block (dinp + i, dout + i, out + i);
  for (; i < n; i++)
    dinp[i] += dout[i] * (1.0f - out[i] * out[i]);
}
#endif

/* The first largest of x[0..n): each of 16 lanes (two vectors of 8) keeps
 * its largest value and where it first stood (a strict >, so the first of
 * equals stays), then the lanes and the tail are merged in index order. A
 * NaN is never larger, so NaN entries are passed over, and a NaN x[0] is
 * kept, since nothing is larger than it (as in the plain loop "best = 0;
 * for each i: if (x[i] > x[best]) best = i"). Vectors of 8, not 16, for
 * the compares (see lanes_less). */
static inline __attribute__ ((always_inline)) void
first_max_step (v8f *best, v8u *at, const float *x, v8u idx)
{
  v8f y;
  memcpy (&y, x, sizeof y);
  v8u gt = (v8u) (y > *best);
  *best = (v8f) (((v8u) y & gt) | ((v8u) *best & ~gt));
  *at = (idx & gt) | (*at & ~gt);
}

SIMD_CLONES int
dd_first_maxf (const float *x, int n)
{
  g_return_val_if_fail (x != NULL && n >= 1, 0);

  v8f best0 = (v8f) {} + x[0], best1 = best0;
  v8u at0 = {}, at1 = {}, idx = { 0, 1, 2, 3, 4, 5, 6, 7 };
  int i = 0;
  for (; i + 16 <= n; i += 16, idx += 16)
    {
      first_max_step (&best0, &at0, x + i, idx);
      first_max_step (&best1, &at1, x + i + 8, idx + 8);
    }
  float lane_max[16];
  guint32 lane_at[16];
  memcpy (lane_max, &best0, sizeof best0);
  memcpy (lane_max + 8, &best1, sizeof best1);
  memcpy (lane_at, &at0, sizeof at0);
  memcpy (lane_at + 8, &at1, sizeof at1);
  float m = x[0];
  int arg = 0;
  for (int l = 0; l < 16; l++)
    if (lane_max[l] > m || (lane_max[l] == m && (int) lane_at[l] < arg))
      {
        m = lane_max[l];
        arg = (int) lane_at[l];
      }
  for (; i < n; i++)
    if (x[i] > m)
      {
        m = x[i];
        arg = i;
      }
  return arg;
}

SIMD_CLONES float
dd_tanhf_fast (float x)
{
  float buf[LANES] = { x };
  tanhf_block (buf, buf);
  return buf[0];
}

void
dd_tanh_forward (dd_real *out, const dd_real *inp, size_t n)
{
#ifdef DD_DOUBLE
  for (size_t i = 0; i < n; i++)
    out[i] = tanh (inp[i]);
#else
  tanhf_array (out, inp, n);
#endif
}

/* dinp += dout · (1 − out²), from the stored output */
void
dd_tanh_backward (dd_real *dinp, const dd_real *dout, const dd_real *out, size_t n)
{
#ifdef DD_DOUBLE
  for (size_t i = 0; i < n; i++)
    dinp[i] += dout[i] * (1 - out[i] * out[i]);
#else
  tanhf_backward_array (dinp, dout, out, n);
#endif
}

/* ---------------------------------------------------------------------- */
/* relu */

void
dd_relu_forward (dd_real *out, const dd_real *inp, size_t n)
{
  for (size_t i = 0; i < n; i++)
    out[i] = inp[i] > 0 ? inp[i] : 0;
}

void
dd_relu_backward (dd_real *dinp, const dd_real *dout, const dd_real *inp, size_t n)
{
  for (size_t i = 0; i < n; i++)
    dinp[i] += inp[i] > 0 ? dout[i] : 0;
}

/* ---------------------------------------------------------------------- */
/* R-operators: derivatives of forward and backward along a direction */

/* rout (B, O) = inp · vwᵀ + vbias, then += rinp · wᵀ */
void
dd_dense_rforward (dd_real *rout, const dd_real *rinp, const dd_real *inp,
                   const dd_real *w, const dd_real *vw, const dd_real *vbias,
                   int B, int I, int O)
{
  dd_dense_forward (rout, inp, vw, vbias, B, I, O);
  if (rinp == NULL || B <= 0 || O <= 0 || I <= 0)
    return;
  dd_gemm (CblasRowMajor, CblasNoTrans, CblasTrans, B, O, I,
           1.0, rinp, I, w, I, 1.0, rout, O);
}

/* The backward is bilinear in (dout; inp, w): its derivative is the backward
 * of rdout at (inp, w) plus the backward of dout at (rinp, vw). */
void
dd_dense_rbackward (dd_real *rdinp, dd_real *rdw, dd_real *rdbias,
                    const dd_real *rdout, const dd_real *dout,
                    const dd_real *rinp, const dd_real *inp,
                    const dd_real *w, const dd_real *vw,
                    int B, int I, int O)
{
  if (B <= 0 || O <= 0)
    return;
  dd_dense_backward (rdinp, rdw, rdbias, rdout, inp, w, B, I, O);
  if (I <= 0)
    return;
  if (rdw != NULL && rinp != NULL)
    dd_gemm (CblasRowMajor, CblasTrans, CblasNoTrans, O, I, B,
             1.0, dout, O, rinp, I, 1.0, rdw, I);
  if (rdinp != NULL)
    dd_gemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, B, I, O,
             1.0, dout, O, vw, I, 1.0, rdinp, I);
}

/* rrows = im2row (rinp); rout = rows · vwᵀ + vbias + rrows · wᵀ */
void
dd_conv_rforward (dd_real *rout, dd_real *rrows, const dd_real *rinp,
                  const dd_real *rows, const dd_real *w, const dd_real *vw,
                  const dd_real *vbias,
                  int B, int H, int W, int Ci, int Co, int K)
{
  const int Ho = H - K + 1, Wo = W - K + 1;
  const int P = Ho * Wo, KKC = K * K * Ci;

  g_return_if_fail (K >= 1 && Ho >= 1 && Wo >= 1);
  g_return_if_fail (rinp == NULL || rrows != NULL);
  if (B <= 0)
    return;
  /* a few images at a time, as in dd_conv_forward */
  const size_t image_bytes = (size_t) P * KKC * sizeof (dd_real);
  const int chunk = (int) CLAMP (ROWS_CHUNK_BYTES / image_bytes, 1, (size_t) B);
  for (int b0 = 0; b0 < B; b0 += chunk)
    {
      const int nb = MIN (chunk, B - b0);
      const size_t at = (size_t) b0 * P * KKC;
      if (rinp != NULL)
        im2row (rrows + at, rinp + (size_t) b0 * H * W * Ci, nb, H, W, Ci, K);
      dd_dense_rforward (rout + (size_t) b0 * P * Co, rinp != NULL ? rrows + at : NULL, rows + at,
                         w, vw, vbias, nb * P, KKC, Co);
    }
}

/* As dd_conv_backward: the parameter parts are a dense rbackward over the
 * rows; drows = rdout · w + dout · vw is formed and scattered a few images at
 * a time. */
void
dd_conv_rbackward (dd_real *rdinp, dd_real *rdw, dd_real *rdbias, dd_real *drows,
                   const dd_real *rdout, const dd_real *dout,
                   const dd_real *rrows, const dd_real *rows,
                   const dd_real *w, const dd_real *vw,
                   int B, int H, int W, int Ci, int Co, int K)
{
  const int Ho = H - K + 1, Wo = W - K + 1;
  const int P = Ho * Wo, KKC = K * K * Ci;

  g_return_if_fail (K >= 1 && Ho >= 1 && Wo >= 1);
  g_return_if_fail (rdinp == NULL || drows != NULL);
  if (B <= 0 || Co <= 0)
    return;
  dd_dense_rbackward (NULL, rdw, rdbias, rdout, dout, rrows, rows, w, vw, B * P, KKC, Co);
  if (rdinp == NULL)
    return;

  const size_t image_bytes = (size_t) P * KKC * sizeof (dd_real);
  const int chunk = (int) CLAMP (ROWS_CHUNK_BYTES / image_bytes, 1, (size_t) B);
  for (int b0 = 0; b0 < B; b0 += chunk)
    {
      const int nb = MIN (chunk, B - b0);
      const size_t at = (size_t) b0 * P * Co;
      dd_gemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, nb * P, KKC, Co,
               1.0, rdout + at, Co, w, KKC, 0.0, drows, KKC);
      dd_gemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, nb * P, KKC, Co,
               1.0, dout + at, Co, vw, KKC, 1.0, drows, KKC);
      row2im_add (rdinp + (size_t) b0 * H * W * Ci, drows, nb, H, W, Ci, K);
    }
}

/* R{out} = R{inp} at the window's first maximum, found as in the backward
 * (as selects over the channels, like pool_backward_window) */
SIMD_CLONES static void
pool_rforward_window (dd_real *restrict r, const dd_real *p00, const dd_real *p01,
                      const dd_real *p10, const dd_real *p11, const dd_real *r00,
                      const dd_real *r01, const dd_real *r10, const dd_real *r11, int C)
{
  for (int c = 0; c < C; c++)
    {
      dd_real m = p00[c], v = r00[c];
      v = p01[c] > m ? r01[c] : v;
      m = p01[c] > m ? p01[c] : m;
      v = p10[c] > m ? r10[c] : v;
      m = p10[c] > m ? p10[c] : m;
      v = p11[c] > m ? r11[c] : v;
      r[c] = v;
    }
}

void
dd_maxpool2_rforward (dd_real *rout, const dd_real *rinp, const dd_real *inp,
                      int B, int H, int W, int C)
{
  const int Ho = H / 2, Wo = W / 2;
  const size_t row = (size_t) W * C;

  for (int b = 0; b < B; b++)
    for (int y = 0; y < Ho; y++)
      for (int x = 0; x < Wo; x++)
        {
          const size_t base = (((size_t) b * H + 2 * y) * W + 2 * x) * C;
          const dd_real *p = inp + base, *q = rinp + base;
          pool_rforward_window (rout + (((size_t) b * Ho + y) * Wo + x) * C,
                                p, p + C, p + row, p + row + C, q, q + C, q + row, q + row + C, C);
        }
}

/* the backward is linear in dout for a fixed routing */
void
dd_maxpool2_rbackward (dd_real *rdinp, const dd_real *rdout, const dd_real *inp,
                       int B, int H, int W, int C)
{
  dd_maxpool2_backward (rdinp, rdout, inp, B, H, W, C);
}

void
dd_tanh_rforward (dd_real *rout, const dd_real *rinp, const dd_real *out, size_t n)
{
  for (size_t i = 0; i < n; i++)
    rout[i] = (1 - out[i] * out[i]) * rinp[i];
}

/* dinp = dout·(1 − out²), so R{dinp} = rdout·(1 − out²) − 2·dout·out·rout */
void
dd_tanh_rbackward (dd_real *rdinp, const dd_real *rdout, const dd_real *dout,
                   const dd_real *out, const dd_real *rout, size_t n)
{
  for (size_t i = 0; i < n; i++)
    rdinp[i] += rdout[i] * (1 - out[i] * out[i]) - 2 * dout[i] * out[i] * rout[i];
}

void
dd_relu_rforward (dd_real *rout, const dd_real *rinp, const dd_real *inp, size_t n)
{
  for (size_t i = 0; i < n; i++)
    rout[i] = inp[i] > 0 ? rinp[i] : 0;
}

/* the kink has measure zero: R{[inp > 0]} = 0 */
void
dd_relu_rbackward (dd_real *rdinp, const dd_real *rdout, const dd_real *inp, size_t n)
{
  dd_relu_backward (rdinp, rdout, inp, n);
}

/* ---------------------------------------------------------------------- */
/* softmax */

/* ---------------------------------------------------------------------- */
/* cross-entropy over wide rows */

#ifndef DD_DOUBLE
#define EXP_FLOOR -87.0f /* exp below it is under FLT_MIN; 2ⁿ stays normal above it */

/* exp (t) for t ≤ 0, 16 lanes: t = n·ln2 + r, |r| ≤ ln2/2, exp (r) by its
 * Taylor polynomial to degree 6 (remainder under 0.5 ulp), 2ⁿ from the
 * exponent bits as in tanhf_block */
static inline __attribute__ ((always_inline)) void
expf_neg_block (float *out, const float *z, float m)
{
  v16f t;
  memcpy (&t, z, sizeof t);
  t -= m;
  v16u low;
  lanes_less (&low, t, (v16f) {} + EXP_FLOOR);
  t = (v16f) (((v16u) t & ~low) | ((v16u) ((v16f) {} + EXP_FLOOR) & low));
  v16f k = t * INV_LN2 + ROUND_MAGIC;
  v16f n = k - ROUND_MAGIC;
  v16f r = (t - n * LN2_HI) - n * LN2_LO;
  v16f two_n = (v16f) (((v16u) k - ROUND_MAGIC_BITS + 127u) << 23);
  v16f p = r * (1.0f / 720.0f) + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  p *= two_n;
  memcpy (out, &p, sizeof p);
}

/* the row's Σ exp (z − m), writing the terms to e (which may alias nothing) */
SIMD_CLONES static double
row_exp_sum (float *e, const float *z, int V, float m)
{
  v16f acc = {};
  int j = 0;

  for (; j + (int) LANES <= V; j += LANES)
    {
      v16f y;
      expf_neg_block (e + j, z + j, m);
      memcpy (&y, e + j, sizeof y);
      acc += y;
    }
  double s = 0.0;
  for (int l = 0; l < (int) LANES; l++)
    s += acc[l];
  for (; j < V; j++)
    {
      e[j] = expf (z[j] - m);
      s += e[j];
    }
  return s;
}

SIMD_CLONES static void
row_scale (float *d, int V, float c)
{
  for (int j = 0; j < V; j++)
    d[j] *= c;
}

/* d = d·c + b */
SIMD_CLONES static void
row_scale_shift (float *d, int V, float c, float b)
{
  for (int j = 0; j < V; j++)
    d[j] = d[j] * c + b;
}

/* Σ z, by 16-float partial sums added in double */
SIMD_CLONES static double
row_sum (const float *z, int V)
{
  v16f acc = {};
  int j = 0;

  for (; j + (int) LANES <= V; j += LANES)
    {
      v16f y;
      memcpy (&y, z + j, sizeof y);
      acc += y;
    }
  double s = 0.0;
  for (int l = 0; l < (int) LANES; l++)
    s += acc[l];
  for (; j < V; j++)
    s += z[j];
  return s;
}
#endif

double
dd_exp_shifted_sum (dd_real *e, const dd_real *z, int V, int *argmax)
{
#ifdef DD_DOUBLE
  int arg = (int) cblas_idmax (V, z, 1);
  const double m = z[arg];
  double s = 0.0;
  for (int j = 0; j < V; j++)
    s += (e[j] = exp (z[j] - m));
#else
  int arg = (int) cblas_ismax (V, z, 1);
  double s = row_exp_sum (e, z, V, z[arg]);
#endif
  if (argmax)
    *argmax = arg;
  return s;
}

/* dd_ce_rows and dd_smooth_ce_rows: ε = 0 is the cross-entropy's own path */
static double
wide_rows (dd_real *dlogits, int *wrong, const dd_real *logits, const int *labels, int rows,
           int V, double scale, double eps)
{
  double total = 0.0;
  g_autofree dd_real *tmp = dlogits ? NULL : g_new (dd_real, V);

  for (int r = 0; r < rows; r++)
    {
      const dd_real *z = logits + (size_t) r * V;
      dd_real *d = dlogits ? dlogits + (size_t) r * V : tmp;
      const int y = labels[r];
      int arg;

      if (y < 0)
        {
          if (dlogits)
            memset (d, 0, sizeof (dd_real) * V);
          continue;
        }
      const double s = dd_exp_shifted_sum (d, z, V, &arg);
      if (wrong)
        *wrong += arg != y;
      if (eps == 0.0)
        {
          if (dlogits)
            {
#ifdef DD_DOUBLE
              for (int j = 0; j < V; j++)
                d[j] *= scale / s;
#else
              row_scale (d, V, (float) (scale / s));
#endif
              d[y] -= (dd_real) scale;
            }
          total += -((double) z[y] - (double) z[arg] - log (s));
          continue;
        }
      /* q = (1 − ε)·onehot(y) + ε/V: −Σ q log p = lse − (1 − ε)·z_y − (ε/V)·Σ z,
       * and ∂/∂z = p − q */
      const double lse = (double) z[arg] + log (s);
#ifdef DD_DOUBLE
      double sum = 0.0;
      for (int j = 0; j < V; j++)
        sum += z[j];
      if (dlogits)
        for (int j = 0; j < V; j++)
          d[j] = d[j] * (scale / s) - scale * eps / V;
#else
      const double sum = row_sum (z, V);
      if (dlogits)
        row_scale_shift (d, V, (float) (scale / s), (float) (-scale * eps / V));
#endif
      if (dlogits)
        d[y] -= (dd_real) (scale * (1.0 - eps));
      total += lse - (1.0 - eps) * z[y] - eps / V * sum;
    }
  return total;
}

double
dd_ce_rows (dd_real *dlogits, int *wrong, const dd_real *logits, const int *labels,
            int rows, int V, double scale)
{
  return wide_rows (dlogits, wrong, logits, labels, rows, V, scale, 0.0);
}

double
dd_smooth_ce_rows (dd_real *dlogits, const dd_real *logits, const int *labels, int rows, int V,
                   double scale, double eps)
{
  return wide_rows (dlogits, NULL, logits, labels, rows, V, scale, eps);
}

/* Σ_k exp(logits_k − max), accumulated in double; returns max in *rowmax */
static double
row_sumexp (const dd_real *row, int C, double *rowmax)
{
  double m = row[0], s = 0.0;

  for (int k = 1; k < C; k++)
    m = row[k] > m ? row[k] : m;
  for (int k = 0; k < C; k++)
    s += exp ((double) row[k] - m);
  *rowmax = m;
  return s;
}

void
dd_softmax_forward (dd_real *probs, const dd_real *logits, int B, int C)
{
  for (int b = 0; b < B; b++)
    {
      const dd_real *row = logits + (size_t) b * C;
      dd_real *p = probs + (size_t) b * C;
      double m, s = row_sumexp (row, C, &m);
      for (int k = 0; k < C; k++)
        p[k] = (dd_real) (exp ((double) row[k] - m) / s);
    }
}

void
dd_log_softmax_forward (dd_real *logp, const dd_real *logits, int B, int C)
{
  for (int b = 0; b < B; b++)
    {
      const dd_real *row = logits + (size_t) b * C;
      dd_real *lp = logp + (size_t) b * C;
      double m, s = row_sumexp (row, C, &m);
      double lse = m + log (s);
      for (int k = 0; k < C; k++)
        lp[k] = (dd_real) ((double) row[k] - lse);
    }
}

/* ---------------------------------------------------------------------- */
/* BLAS threads */

void
dd_set_threads (int n)
{
  g_return_if_fail (n >= 1);
  openblas_set_num_threads (n);
}

const char *
dd_blas_kernel (void)
{
  return openblas_get_corename ();
}
