/* dd-seq2seq-private.h: what the parts of the translation student share
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The student is in three files: dd-seq2seq.c (memory, construction, the
 * teacher-forced forward and backward passes with their tangents),
 * dd-seq2seq-layers.c (the batch's order and packing, embeddings, the GRU
 * and attention, each with its tangent and backward) and dd-seq2seq-decode.c
 * (greedy and beam decoding). Nothing here is public.
 *
 * Layout. Each batch's sentences are ordered by decreasing length, once for
 * the encoder (source lengths) and once for the decoder (target lengths),
 * stably; "rank" below is a sentence's place in that order. Then at step t
 * the sentences still running are the first n_t ranks, and a GRU step works
 * on n_t rows only, so no work is spent on padding:
 * - per-token arrays (inputs, gates, their gradients) are packed like
 *   PyTorch's PackedSequence: step t's rows are at[t] … at[t] + n_t, rank
 *   after rank, so one gemm covers every real token of every step;
 * - states are time-major with B rows a slot: slot t + 1 row k holds h_t of
 *   rank k (valid for k < n_t; rows past a sentence's end are never read),
 *   slot 0 holds h_{−1}. One step's states are the first n_t rows of a slot,
 *   a contiguous matrix for its gemm, and one sentence's steps are rows with
 *   stride B·H, which a gemm reads through its leading dimension (attention).
 * The attention and output layers work on "packed" rows of their own: only
 * the real target positions (t < tlen[b], the positions up to the last label
 * that is not −1), sentence after sentence in batch order, row off[b] + t.
 *
 * Padding. Past its end a sentence has no rows: its inputs are never read,
 * its final state is h at its last step, and its padding positions get zero
 * logits and contribute nothing, so padding changes neither values nor
 * gradients.
 *
 * Tangents. Every layer takes optional tangent pointers (NULL: no tangent
 * work). The forward with a direction v computes R{x} for every activation
 * x; the backward with tangents differentiates each backward formula once
 * more along v, with the weights' own tangent being v: for y = x·Wᵀ,
 * dx = dy·W gives R{dx} = R{dy}·W + dy·vW, and dW += dyᵀ·x gives
 * R{dW} += R{dy}ᵀ·x + dyᵀ·R{x}. Plain and tangent paths share the code, so
 * H·v is exact up to rounding.
 */
#pragma once

#include "dd-seq2seq.h"
#include "dd-kernels.h"
#include "dd-private.h"

#include <cblas.h>
/* OpenBLAS's cblas.h pulls in <complex.h> and its macro I */
#undef I
#include <math.h>
#include <string.h>

G_BEGIN_DECLS

#ifdef DD_DOUBLE
# define GEMM cblas_dgemm
# define GEMV cblas_dgemv
# define OMATCOPY cblas_domatcopy
# define EXP  exp
#else
# define GEMM cblas_sgemm
# define GEMV cblas_sgemv
# define OMATCOPY cblas_somatcopy
# define EXP  expf
#endif

/* the width of o_t: E when the output layer is the target embeddings, else H */
static inline int
seq2seq_out_dim (const DdSeq2seqSpec *s)
{
  return s->tie_embeddings ? s->emb : s->hidden;
}

/* ---------------------------------------------------------------------- */
/* small linear algebra */

/* C (m, n) = beta·C + op(A)·op(B), row-major; k = 0 leaves beta·C */
static inline void
mm (enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb, int m, int n, int k,
    const dd_real *a, int lda, const dd_real *b, int ldb,
    dd_real beta, dd_real *c, int ldc)
{
  if (m <= 0 || n <= 0)
    return;
  if (k <= 0)
    {
      if (beta == 0)
        for (int i = 0; i < m; i++)
          memset (c + (size_t) i * ldc, 0, (size_t) n * sizeof (dd_real));
      return;
    }
  GEMM (CblasRowMajor, ta, tb, m, n, k, 1, a, lda, b, ldb, beta, c, ldc);
}

/* C (m, n) = beta·C + A (m, k)·B (n, k)ᵀ: a layer x·Wᵀ over m rows */
static inline void
mm_nt (int m, int n, int k, const dd_real *a, int lda, const dd_real *b, int ldb,
       dd_real beta, dd_real *c, int ldc)
{
  mm (CblasNoTrans, CblasTrans, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

/* C (m, n) = beta·C + A (m, k)·B (k, n): a layer's input gradient dy·W */
static inline void
mm_nn (int m, int n, int k, const dd_real *a, int lda, const dd_real *b, int ldb,
       dd_real beta, dd_real *c, int ldc)
{
  mm (CblasNoTrans, CblasNoTrans, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

/* C (m, n) = beta·C + A (k, m)ᵀ·B (k, n): a weight gradient dyᵀ·x */
static inline void
mm_tn (int m, int n, int k, const dd_real *a, int lda, const dd_real *b, int ldb,
       dd_real beta, dd_real *c, int ldc)
{
  mm (CblasTrans, CblasNoTrans, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

/* every row of m (rows, cols) = v (cols): a bias before a gemm adds onto it */
static inline void
fill_rows (dd_real *m, const dd_real *v, size_t rows, size_t cols)
{
  for (size_t r = 0; r < rows; r++)
    memcpy (m + r * cols, v, cols * sizeof (dd_real));
}

/* acc (cols) += Σ_r m (rows, cols): a bias gradient */
static inline void
add_row_sums (dd_real *acc, const dd_real *m, size_t rows, size_t cols)
{
  for (size_t r = 0; r < rows; r++)
    {
      const dd_real *row = m + r * cols;
      for (size_t j = 0; j < cols; j++)
        acc[j] += row[j];
    }
}

/* x[0..n) = tanh (x): in single precision the 16-lane vector tanh of
 * dd-kernels.c, in double precision libm's */
static inline void
tanh_inplace (dd_real *x, size_t n)
{
  dd_tanh_forward (x, x, n);
}

/* row (n) = softmax (row) */
static inline void
softmax_row (dd_real *row, int n)
{
  dd_real mx = row[0], sum = 0;

  for (int i = 1; i < n; i++)
    mx = MAX (mx, row[i]);
  for (int i = 0; i < n; i++)
    {
      row[i] = EXP (row[i] - mx);
      sum += row[i];
    }
  for (int i = 0; i < n; i++)
    row[i] /= sum;
}

/* ---------------------------------------------------------------------- */
/* state */

/* The steps of one GRU over sentences ordered by decreasing length: step t
 * runs the first n[t] ranks; its packed rows are at[t] … at[t] + n[t],
 * at[L] = every real token; states have B rows a slot. */
typedef struct {
  int        L, B;
  const int *n, *at;
} Steps;

/* activations of one forward; the tangents use the same type */
typedef struct {
  dd_real *xe, *ge, *ghe, *he;  /* encoder: inputs (T, E), gates r z n (T, 3H), W_hn h + b_hn
                                 * (T, H), packed; states ((Ls+1)·B, H) by slot */
  dd_real *xd, *gd, *ghd, *hd;  /* decoder, the same over Lt */
  dd_real *gh;                  /* (B, 3H) one step's recurrent product */
  dd_real *keys;                /* (Ls·B, H) Wa·h_i, by slot like the states */
  dd_real *att;                 /* (N, Ls) attention weights, packed rows */
  dd_real *u;                   /* (N, 2H) [s_t; c_t] */
  dd_real *o;                   /* (N, D) tanh (Wc·u + bc) */
  dd_real *xf;                  /* input feeding: (T, D) each decoder step's fed o'
                                 * (zero at step 0), packed like xd */
  dd_real *fsc;                 /* input feeding: (B, 2H + D) one step's u and o rows */
  /* a bidirectional encoder (else empty): he holds the annotations, the sum
   * of the two directions; hf the forward GRU's states; xe2, ge2, ghe2, hb
   * the backward GRU's over the reversed source (packed and by slot like
   * the forward's: slot j + 1 is its state after token len − 1 − j) */
  dd_real *hf, *xe2, *ge2, *ghe2, *hb;
} Acts;

/* gradients of the activations in the backward pass; tangents alike */
typedef struct {
  dd_real *dxe, *dgie, *dghe, *dhe;  /* encoder: inputs, gate pre-activations on the
                                      * input side and on the recurrent side (packed),
                                      * states (by slot) */
  dd_real *dxd, *dgid, *dghd, *dhd;  /* decoder */
  dd_real *dkeys;                    /* (Ls·B, H) */
  dd_real *datt, *dsc;               /* (N, Ls) ∂/∂attention weights, ∂/∂scores */
  dd_real *du;                       /* (N, 2H) */
  dd_real *dout, *dpre;              /* (N, D) ∂/∂o, ∂/∂(Wc·u + bc) */
  dd_real *fsc;                      /* input feeding: (B, 2H + 3D) one step's rows */
  dd_real *dxe2, *dgie2, *dghe2, *dhb; /* the backward GRU's (bidirectional) */
} Grads;

/* a batch's order for one GRU: perm[k] = the sentence of rank k, rank[b]
 * = sentence b's rank, and its steps */
typedef struct {
  int   *perm, *rank, *n, *at;
  Steps  steps;
} Order;

/* decoding scratch, separate from training so that decoding a copy of the
 * model in another thread touches nothing shared */
typedef struct {
  int      cap_B, cap_Ls, cap_R;
  dd_real *block;
  Acts     enc;                      /* xe, ge, ghe, he, gh, keys used (and hf,
                                      * xe2, hb when bidirectional) */
  dd_real *init;                     /* (cap_B, H) the decoder's first states */
  int     *rev;                      /* (cap_B·cap_Ls) reversed packed rows */
  dd_real *x, *gi, *gh, *ghn, *s, *s2, *u, *o, *lg, *att;  /* one step of R rows */
  dd_real *of;                       /* (R, D) input feeding: each row's previous o */
  int     *slen, *tok, *row_sent;
  Order    eo;                       /* the encoder's order */
  dd_real *wt;                       /* (H, 3H) W_hhᵀ */
} Dec;

typedef struct {
  Acts     a, ra;                    /* values, tangents (lazily) */
  Grads    d, rd;                    /* gradients, their tangents (lazily) */
  dd_real *a_block, *ra_block, *d_block, *rd_block;
  dd_real *dlg, *rdlg;               /* packed dlogits and tangents (padded batches, lazily) */
  dd_real *pk[3];                    /* (max (Ls, Lt)·B, H) packed scratch */
  dd_real *wt;                       /* (2·H, 3H) W_hhᵀ and its direction's */
  gboolean have_tangent;             /* the last forward had a v */
  /* dropout (spec.dropout, spec.word_dropout; lazily) */
  guint64  noise;                    /* key of the next forward's masks; 0: none */
  gboolean masked;                   /* the last forward used the masks */
  dd_real *me, *md;                  /* packed input masks of encoder and decoder (rows, E) */
  dd_real *mo, *od, *rod;            /* (N, H) the mask of o, o ⊙ mask and its tangent */
  /* the layout of the last forward */
  int      B, Ls, Lt, Le, Ld, N;     /* Le, Ld: steps run (longest source, target) */
  int     *slen, *tlen, *off;        /* (max_batch) */
  Order    eo, dor;                  /* encoder and decoder orders */
  int     *rev;                      /* (max_batch·max_src_len) reversed packed rows */
  Dec      dec;
  /* the model's own parallelism over a batch's sentences (dd-seq2seq-lanes.c);
   * NULL until dd_seq2seq_set_threads asks for more than one */
  struct _Seq2seqLanes *lanes;
  gboolean shadow;                   /* a lane of another model: its params,
                                      * logits and R{logits} are views */
} Priv;

/* one GRU's parameter views: offsets into params, grads and v */
typedef struct {
  size_t Wih, Whh, bih, bhh;
} GruOff;

/* carving a block: the next n values of base (NULL when base is: counting) */
#define TAKE(ptr, n) G_STMT_START { (ptr) = base ? base + at : NULL; at += (n); } G_STMT_END

static inline GruOff
enc_off (const DdSeq2seq *m)
{
  return (GruOff) { m->off.enc_Wih, m->off.enc_Whh, m->off.enc_bih, m->off.enc_bhh };
}

/* the backward direction of a bidirectional encoder */
static inline GruOff
enc2_off (const DdSeq2seq *m)
{
  return (GruOff) { m->off.enc2_Wih, m->off.enc2_Whh, m->off.enc2_bih, m->off.enc2_bhh };
}

static inline GruOff
dec_off (const DdSeq2seq *m)
{
  return (GruOff) { m->off.dec_Wih, m->off.dec_Whh, m->off.dec_bih, m->off.dec_bhh };
}

/* dd-seq2seq.c: one lane's passes (the whole batch when it is not split) */
void seq2seq_forward_one (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *v,
                          guint64 noise);
void seq2seq_backward_one (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *dlogits,
                           const dd_real *v, const dd_real *rdlogits, dd_real *hv);
void seq2seq_masks_one (DdSeq2seq *m, const DdSeq2seqBatch *batch, guint64 key,
                        dd_real *src, dd_real *tgt, dd_real *out);

/* dd-seq2seq-lanes.c: a batch's sentences split between lanes, each a shadow
 * of the model (its parameters, its own activations and gradients) run on a
 * thread of its own with one BLAS thread */
size_t   seq2seq_spec_footprint (const DdSeq2seqSpec *s, size_t n_params, gboolean shadow);
size_t   seq2seq_lanes_footprint (const DdSeq2seq *m);
void     seq2seq_lanes_free (struct _Seq2seqLanes *lanes);
void     seq2seq_lanes_forward (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *v,
                                guint64 noise);
gboolean seq2seq_lanes_last_batch (const DdSeq2seq *m, const DdSeq2seqBatch *batch);
void     seq2seq_lanes_backward (DdSeq2seq *m, const DdSeq2seqBatch *batch,
                                 const dd_real *dlogits, const dd_real *v,
                                 const dd_real *rdlogits, dd_real *hv);
void     seq2seq_lanes_masks (DdSeq2seq *m, const DdSeq2seqBatch *batch, guint64 key,
                              dd_real *src, dd_real *tgt, dd_real *out);

/* dd-seq2seq-layers.c: the batch's order and packing */
void seq2seq_order_alloc (Order *o, int B, int L);
void seq2seq_order_free (Order *o);
void seq2seq_order_set (Order *o, const int *len, int B, int L);
void seq2seq_gather_steps (dd_real *dst, const dd_real *x, const Steps *s, int w);
void seq2seq_zero_steps (dd_real *x, const Steps *s, int w);
void seq2seq_zero_states (dd_real *x, const Steps *s, int w);
void seq2seq_scatter_steps (dd_real *x, const dd_real *src, const Steps *s, int w);
void seq2seq_scatter_add_steps (dd_real *x, const dd_real *src, const Steps *s, int w);
void seq2seq_reverse_rows (int *rev, const Order *o, const int *len);
void seq2seq_gather_rows (dd_real *dst, const dd_real *x, const int *rev, int rows, int w);
void seq2seq_add_rows (dd_real *x, const dd_real *src, const int *rev, int rows, int w);
void seq2seq_add_reversed (dd_real *x, const dd_real *y, const Steps *s, const int *rev,
                           dd_real *p1, dd_real *p2, int w);
void seq2seq_first_state (dd_real *dst, const Acts *a, gboolean bidirectional, size_t at, int H);

/* dd-seq2seq-layers.c: the layers */
typedef void (*GruHook) (gpointer data, int t);
void seq2seq_embed (dd_real *x, const dd_real *table, const int *ids, int ld, const Order *o,
                    int E);
void seq2seq_embed_backward (dd_real *table, const dd_real *dx, const int *ids, int ld,
                             const Order *o, int E);
void seq2seq_gru_cell (int R, int H, dd_real *g, dd_real *gh, dd_real *ghn, const dd_real *hp,
                       dd_real *hn);
void seq2seq_gru_forward (const DdSeq2seq *m, const GruOff *o, const dd_real *v,
                          const Steps *s, const dd_real *x, dd_real *gh, dd_real *g,
                          dd_real *ghn, dd_real *h, const dd_real *rx, dd_real *rgh,
                          dd_real *rg, dd_real *rghn, dd_real *rh, dd_real *wt,
                          GruHook hook, gpointer data);
void seq2seq_gru_backward (const DdSeq2seq *m, const GruOff *o, const dd_real *v,
                           const Steps *s, gboolean need_dh0, const dd_real *x,
                           const dd_real *g, const dd_real *ghn, const dd_real *h,
                           dd_real *dh, dd_real *dgi, dd_real *dgh, dd_real *dx, dd_real *gw,
                           const dd_real *rx, const dd_real *rg, const dd_real *rghn,
                           const dd_real *rh, dd_real *rdh, dd_real *rdgi, dd_real *rdgh,
                           dd_real *rdx, dd_real *hv, dd_real *hpk, dd_real *rhpk,
                           GruHook hook, gpointer data);
void seq2seq_attend (int H, int n, int m, int ldt, int Ls, const dd_real *S, const dd_real *K,
                     const dd_real *Hs, dd_real *A, dd_real *U);
void seq2seq_attend_tangent (int H, int n, int m, int ldt, int Ls, const dd_real *S,
                             const dd_real *K, const dd_real *Hs, const dd_real *A,
                             const dd_real *rS, const dd_real *rK, const dd_real *rHs,
                             dd_real *rA, dd_real *rU);
void seq2seq_attend_backward (const DdSeq2seq *m, Priv *p, int b, int t0, int n,
                              gboolean tangent);

/* dd-seq2seq-decode.c: frees the decoding scratch */
void seq2seq_dec_clear (Dec *d);

G_END_DECLS
