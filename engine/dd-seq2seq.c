/* dd-seq2seq.c: the GRU encoder-decoder with attention, its gradient and its
 * R-operator (forward-over-reverse Hessian-vector products)
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
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
 * Tangents. Every layer below takes optional tangent pointers (NULL: no
 * tangent work). The forward with a direction v computes R{x} for every
 * activation x; the backward with tangents differentiates each backward
 * formula once more along v, with the weights' own tangent being v: for
 * y = x·Wᵀ, dx = dy·W gives R{dx} = R{dy}·W + dy·vW, and dW += dyᵀ·x gives
 * R{dW} += R{dy}ᵀ·x + dyᵀ·R{x}. Plain and tangent paths share the code, so
 * H·v is exact up to rounding.
 */
#include "dd-seq2seq.h"
#include "dd-corpus.h"
#include "dd-kernels.h"
#include "dd-private.h"
#include "dd-rng.h"

#include <cblas.h>
/* OpenBLAS's cblas.h pulls in <complex.h> and its macro I */
#undef I
#include <math.h>
#include <string.h>

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

/* The elementwise loops of the GRU cell are cloned for run-time dispatch to
 * AVX2 or AVX-512 where the CPU has them (SIMD_CLONES, dd-private.h). */

#define MAX_VOCAB  (1 << 22)
#define MAX_WIDTH  8192      /* E and H */
#define MAX_BATCH  65536
#define MAX_LEN    4096
#define MAX_LOGITS ((size_t) 1 << 30)  /* max_batch·max_tgt_len·V_tgt */

/* ---------------------------------------------------------------------- */
/* small linear algebra */

/* C (m, n) = beta·C + op(A)·op(B), row-major; k = 0 leaves beta·C */
static void
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
static void
mm_nt (int m, int n, int k, const dd_real *a, int lda, const dd_real *b, int ldb,
       dd_real beta, dd_real *c, int ldc)
{
  mm (CblasNoTrans, CblasTrans, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

/* C (m, n) = beta·C + A (m, k)·B (k, n): a layer's input gradient dy·W */
static void
mm_nn (int m, int n, int k, const dd_real *a, int lda, const dd_real *b, int ldb,
       dd_real beta, dd_real *c, int ldc)
{
  mm (CblasNoTrans, CblasNoTrans, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

/* C (m, n) = beta·C + A (k, m)ᵀ·B (k, n): a weight gradient dyᵀ·x */
static void
mm_tn (int m, int n, int k, const dd_real *a, int lda, const dd_real *b, int ldb,
       dd_real beta, dd_real *c, int ldc)
{
  mm (CblasTrans, CblasNoTrans, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

/* every row of m (rows, cols) = v (cols): a bias before a gemm adds onto it */
static void
fill_rows (dd_real *m, const dd_real *v, size_t rows, size_t cols)
{
  for (size_t r = 0; r < rows; r++)
    memcpy (m + r * cols, v, cols * sizeof (dd_real));
}

/* acc (cols) += Σ_r m (rows, cols): a bias gradient */
static void
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

/* x[0..n) = σ (x + y). Single precision: σ(a) = ½ + ½·tanh (a/2) through
 * the vector tanh (absolute error about an ulp of 1, like the tanh);
 * double precision: 1/(1 + e^−a) with libm's exp. */
SIMD_CLONES static void
sigmoid_sum (dd_real *restrict x, const dd_real *restrict y, int n)
{
#ifdef DD_DOUBLE
  for (int j = 0; j < n; j++)
    x[j] = 1 / (1 + exp (-(x[j] + y[j])));
#else
  for (int j = 0; j < n; j++)
    x[j] = 0.5f * (x[j] + y[j]);
  dd_tanh_forward (x, x, n);
  for (int j = 0; j < n; j++)
    x[j] = 0.5f + 0.5f * x[j];
#endif
}

/* row (n) = softmax (row) */
static void
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
  dd_real *o;                   /* (N, H) tanh (Wc·u + bc) */
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
  dd_real *dout, *dpre;              /* (N, H) ∂/∂o, ∂/∂(Wc·u + bc) */
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
  Acts     enc;                      /* xe, ge, ghe, he, gh, keys used */
  dd_real *x, *gi, *gh, *ghn, *s, *s2, *u, *o, *lg, *att;  /* one step of R rows */
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
  /* the layout of the last forward */
  int      B, Ls, Lt, Le, Ld, N;     /* Le, Ld: steps run (longest source, target) */
  int     *slen, *tlen, *off;        /* (max_batch) */
  Order    eo, dor;                  /* encoder and decoder orders */
  Dec      dec;
} Priv;

typedef struct {
  size_t Wih, Whh, bih, bhh;
} GruOff;

#define TAKE(ptr, n) G_STMT_START { (ptr) = base ? base + at : NULL; at += (n); } G_STMT_END

static size_t
acts_carve (Acts *a, dd_real *base, const DdSeq2seqSpec *s)
{
  const size_t B = s->max_batch, E = s->emb, H = s->hidden;
  const size_t Ls = s->max_src_len, Lt = s->max_tgt_len, N = B * Lt;
  size_t at = 0;

  TAKE (a->xe, Ls * B * E);
  TAKE (a->ge, Ls * B * 3 * H);
  TAKE (a->ghe, Ls * B * H);
  TAKE (a->he, (Ls + 1) * B * H);
  TAKE (a->xd, Lt * B * E);
  TAKE (a->gd, Lt * B * 3 * H);
  TAKE (a->ghd, Lt * B * H);
  TAKE (a->hd, (Lt + 1) * B * H);
  TAKE (a->gh, B * 3 * H);
  TAKE (a->keys, Ls * B * H);
  TAKE (a->att, N * Ls);
  TAKE (a->u, N * 2 * H);
  TAKE (a->o, N * H);
  return at;
}

static size_t
grads_carve (Grads *d, dd_real *base, const DdSeq2seqSpec *s)
{
  const size_t B = s->max_batch, E = s->emb, H = s->hidden;
  const size_t Ls = s->max_src_len, Lt = s->max_tgt_len, N = B * Lt;
  size_t at = 0;

  TAKE (d->dxe, Ls * B * E);
  TAKE (d->dgie, Ls * B * 3 * H);
  TAKE (d->dghe, Ls * B * 3 * H);
  TAKE (d->dhe, (Ls + 1) * B * H);
  TAKE (d->dxd, Lt * B * E);
  TAKE (d->dgid, Lt * B * 3 * H);
  TAKE (d->dghd, Lt * B * 3 * H);
  TAKE (d->dhd, (Lt + 1) * B * H);
  TAKE (d->dkeys, Ls * B * H);
  TAKE (d->datt, N * Ls);
  TAKE (d->dsc, N * Ls);
  TAKE (d->du, N * 2 * H);
  TAKE (d->dout, N * H);
  TAKE (d->dpre, N * H);
  return at;
}

static dd_real *
acts_new (Acts *a, const DdSeq2seqSpec *s)
{
  dd_real *block = g_new0 (dd_real, acts_carve (a, NULL, s));
  acts_carve (a, block, s);
  return block;
}

static dd_real *
grads_new (Grads *d, const DdSeq2seqSpec *s)
{
  dd_real *block = g_new0 (dd_real, grads_carve (d, NULL, s));
  grads_carve (d, block, s);
  return block;
}

static void
order_alloc (Order *o, int B, int L)
{
  o->perm = g_new0 (int, B);
  o->rank = g_new0 (int, B);
  o->n = g_new0 (int, L);
  o->at = g_new0 (int, L + 1);
}

static void
order_free (Order *o)
{
  g_free (o->perm);
  g_free (o->rank);
  g_free (o->n);
  g_free (o->at);
  memset (o, 0, sizeof *o);
}

/* o = the order of B sentences of lengths len (in [0, L], L the longest) by
 * decreasing length, stably (a counting sort), and its steps */
static void
order_set (Order *o, const int *len, int B, int L)
{
  int *n = o->n, *at = o->at;

  /* n[t] = how many are longer than t */
  memset (n, 0, (size_t) L * sizeof (int));
  for (int b = 0; b < B; b++)
    if (len[b] > 0)
      n[len[b] - 1]++;
  for (int t = L - 2; t >= 0; t--)
    n[t] += n[t + 1];
  /* the sentences of length l take the ranks from n[l] (0 for l = L) on */
  for (int l = 0; l <= L; l++)
    at[l] = l < L ? n[l] : 0;
  for (int b = 0; b < B; b++)
    {
      const int k = at[len[b]]++;
      o->rank[b] = k;
      o->perm[k] = b;
    }
  at[0] = 0;
  for (int t = 0; t < L; t++)
    at[t + 1] = at[t] + n[t];
  o->steps = (Steps) { L, B, n, at };
}

/* packed (at[L], w) = the first n[t] rows of every slot t of x (slots of B
 * rows of w) */
static void
gather_steps (dd_real *dst, const dd_real *x, const Steps *s, int w)
{
  for (int t = 0; t < s->L; t++)
    memcpy (dst + (size_t) s->at[t] * w, x + (size_t) t * s->B * w,
            (size_t) s->n[t] * w * sizeof (dd_real));
}

/* the first n[t] rows of every slot t of x = 0 */
static void
zero_steps (dd_real *x, const Steps *s, int w)
{
  for (int t = 0; t < s->L; t++)
    memset (x + (size_t) t * s->B * w, 0, (size_t) s->n[t] * w * sizeof (dd_real));
}

/* states x ((L+1)·B, w) = 0 where in use: all of slot 0, the first n[t]
 * rows of slot t + 1 */
static void
zero_states (dd_real *x, const Steps *s, int w)
{
  memset (x, 0, (size_t) s->B * w * sizeof (dd_real));
  zero_steps (x + (size_t) s->B * w, s, w);
}

/* the reverse: x's slots = packed */
static void
scatter_steps (dd_real *x, const dd_real *src, const Steps *s, int w)
{
  for (int t = 0; t < s->L; t++)
    memcpy (x + (size_t) t * s->B * w, src + (size_t) s->at[t] * w,
            (size_t) s->n[t] * w * sizeof (dd_real));
}

/* x's slots += packed */
static void
scatter_add_steps (dd_real *x, const dd_real *src, const Steps *s, int w)
{
  for (int t = 0; t < s->L; t++)
    {
      dd_real *restrict dst = x + (size_t) t * s->B * w;
      const dd_real *restrict from = src + (size_t) s->at[t] * w;
      for (size_t i = 0; i < (size_t) s->n[t] * w; i++)
        dst[i] += from[i];
    }
}

/* ---------------------------------------------------------------------- */
/* construction */

DdSeq2seqSpec
dd_seq2seq_spec_default (int V_src, int V_tgt)
{
  return (DdSeq2seqSpec) {
    .V_src = V_src, .V_tgt = V_tgt, .emb = 128, .hidden = 256,
    .max_batch = 32, .max_src_len = 48, .max_tgt_len = 48,
  };
}

static gboolean
spec_validate (const DdSeq2seqSpec *s, GError **error)
{
  if (s->V_src < DD_N_SPECIAL_TOKENS || s->V_src > MAX_VOCAB)
    DD_REFUSE ("seq2seq: source vocabulary size %d is out of range (%d to %d)",
               s->V_src, DD_N_SPECIAL_TOKENS, MAX_VOCAB);
  if (s->V_tgt < DD_N_SPECIAL_TOKENS || s->V_tgt > MAX_VOCAB)
    DD_REFUSE ("seq2seq: target vocabulary size %d is out of range (%d to %d)",
               s->V_tgt, DD_N_SPECIAL_TOKENS, MAX_VOCAB);
  if (s->emb < 1 || s->emb > MAX_WIDTH)
    DD_REFUSE ("seq2seq: embedding size %d is out of range (1 to %d)", s->emb, MAX_WIDTH);
  if (s->hidden < 1 || s->hidden > MAX_WIDTH)
    DD_REFUSE ("seq2seq: hidden size %d is out of range (1 to %d)", s->hidden, MAX_WIDTH);
  if (s->max_batch < 1 || s->max_batch > MAX_BATCH)
    DD_REFUSE ("seq2seq: batch size %d is out of range (1 to %d)", s->max_batch, MAX_BATCH);
  if (s->max_src_len < 1 || s->max_src_len > MAX_LEN)
    DD_REFUSE ("seq2seq: source length %d is out of range (1 to %d)", s->max_src_len, MAX_LEN);
  if (s->max_tgt_len < 1 || s->max_tgt_len > MAX_LEN)
    DD_REFUSE ("seq2seq: target length %d is out of range (1 to %d)", s->max_tgt_len, MAX_LEN);
  if ((size_t) s->max_batch * s->max_tgt_len * s->V_tgt > MAX_LOGITS)
    DD_REFUSE ("seq2seq: %d sentences × %d positions × %d words of logits is too many "
               "(at most %zu)", s->max_batch, s->max_tgt_len, s->V_tgt, MAX_LOGITS);
  return TRUE;
}

DdSeq2seq *
dd_seq2seq_new (const DdSeq2seqSpec *spec, GError **error)
{
  g_return_val_if_fail (spec != NULL, NULL);
  if (!spec_validate (spec, error))
    return NULL;

  DdSeq2seq *m = g_new0 (DdSeq2seq, 1);
  const size_t Vs = spec->V_src, Vt = spec->V_tgt, E = spec->emb, H = spec->hidden;
  size_t at = 0;
#define VIEW(field, n) G_STMT_START { m->off.field = at; at += (n); } G_STMT_END
  VIEW (Es, Vs * E);
  VIEW (Et, Vt * E);
  VIEW (enc_Wih, 3 * H * E);
  VIEW (enc_Whh, 3 * H * H);
  VIEW (enc_bih, 3 * H);
  VIEW (enc_bhh, 3 * H);
  VIEW (dec_Wih, 3 * H * E);
  VIEW (dec_Whh, 3 * H * H);
  VIEW (dec_bih, 3 * H);
  VIEW (dec_bhh, 3 * H);
  VIEW (Wa, H * H);
  VIEW (Wc, H * 2 * H);
  VIEW (bc, H);
  VIEW (Wo, Vt * H);
  VIEW (bo, Vt);
#undef VIEW

  m->spec = *spec;
  m->description = g_strdup_printf ("GRU seq2seq E=%d H=%d attention (general)",
                                    spec->emb, spec->hidden);
  m->n_params = at;
  m->params = g_new0 (dd_real, at);
  m->grads = g_new0 (dd_real, at);
  m->logits = g_new0 (dd_real, (size_t) spec->max_batch * spec->max_tgt_len * Vt);

  Priv *p = g_new0 (Priv, 1);
  p->a_block = acts_new (&p->a, spec);
  p->d_block = grads_new (&p->d, spec);
  p->slen = g_new0 (int, spec->max_batch);
  p->tlen = g_new0 (int, spec->max_batch);
  p->off = g_new0 (int, spec->max_batch);
  order_alloc (&p->eo, spec->max_batch, spec->max_src_len);
  order_alloc (&p->dor, spec->max_batch, spec->max_tgt_len);
  for (int i = 0; i < 3; i++)
    p->pk[i] = g_new0 (dd_real, (size_t) MAX (spec->max_src_len, spec->max_tgt_len) *
                                spec->max_batch * spec->hidden);
  p->wt = g_new0 (dd_real, (size_t) 2 * 3 * spec->hidden * spec->hidden);
  m->priv = p;
  return m;
}

void
dd_seq2seq_free (DdSeq2seq *m)
{
  if (m == NULL)
    return;
  Priv *p = m->priv;
  g_free (p->a_block);
  g_free (p->ra_block);
  g_free (p->d_block);
  g_free (p->rd_block);
  g_free (p->dlg);
  g_free (p->rdlg);
  g_free (p->slen);
  g_free (p->tlen);
  g_free (p->off);
  order_free (&p->eo);
  order_free (&p->dor);
  for (int i = 0; i < 3; i++)
    g_free (p->pk[i]);
  g_free (p->wt);
  g_free (p->dec.block);
  g_free (p->dec.slen);
  g_free (p->dec.tok);
  g_free (p->dec.row_sent);
  order_free (&p->dec.eo);
  g_free (p->dec.wt);
  g_free (p);
  g_free (m->description);
  g_free (m->params);
  g_free (m->grads);
  g_free (m->logits);
  g_free (m->rlogits);
  g_free (m);
}

DdSeq2seq *
dd_seq2seq_copy (const DdSeq2seq *m)
{
  DdSeq2seq *c = dd_seq2seq_new (&m->spec, NULL);

  g_assert (c != NULL);  /* the spec was accepted once */
  memcpy (c->params, m->params, m->n_params * sizeof (dd_real));
  memcpy (c->grads, m->grads, m->n_params * sizeof (dd_real));
  return c;
}

static void
fill_uniform_range (dd_real *x, size_t n, double a, DdRng *rng)
{
  for (size_t i = 0; i < n; i++)
    x[i] = (dd_real) ((2 * dd_rng_uniform (rng) - 1) * a);
}

void
dd_seq2seq_init (DdSeq2seq *m, DdRng *rng)
{
  const DdSeq2seqViews *o = &m->off;
  const size_t Vs = m->spec.V_src, Vt = m->spec.V_tgt, E = m->spec.emb, H = m->spec.hidden;
  const double a = 1 / sqrt ((double) H);
  dd_real *w = m->params;

  for (size_t i = 0; i < Vs * E; i++)
    w[o->Es + i] = (dd_real) (0.1 * dd_rng_normal (rng));
  for (size_t i = 0; i < Vt * E; i++)
    w[o->Et + i] = (dd_real) (0.1 * dd_rng_normal (rng));
  /* the GRU blocks are contiguous: W_ih, W_hh, b_ih, b_hh */
  fill_uniform_range (w + o->enc_Wih, o->dec_Wih - o->enc_Wih, a, rng);
  fill_uniform_range (w + o->dec_Wih, o->Wa - o->dec_Wih, a, rng);
  fill_uniform_range (w + o->Wa, H * H, a, rng);
  fill_uniform_range (w + o->Wc, 2 * H * H, a, rng);
  memset (w + o->bc, 0, H * sizeof (dd_real));
  fill_uniform_range (w + o->Wo, Vt * H, a, rng);
  memset (w + o->bo, 0, Vt * sizeof (dd_real));
}

void
dd_seq2seq_zero_grad (DdSeq2seq *m)
{
  memset (m->grads, 0, m->n_params * sizeof (dd_real));
}

/* ---------------------------------------------------------------------- */
/* embeddings */

/* packed x row at[t] + k = table[ids[perm[k]·ld + t]], k < n[t] */
static void
embed (dd_real *x, const dd_real *table, const int *ids, int ld, const Order *o, int E)
{
  const Steps *s = &o->steps;

  for (int t = 0; t < s->L; t++)
    for (int k = 0; k < s->n[t]; k++)
      memcpy (x + ((size_t) s->at[t] + k) * E,
              table + (size_t) ids[(size_t) o->perm[k] * ld + t] * E, E * sizeof (dd_real));
}

/* table[ids[perm[k]·ld + t]] += dx row at[t] + k */
static void
embed_backward (dd_real *table, const dd_real *dx, const int *ids, int ld, const Order *o,
                int E)
{
  const Steps *s = &o->steps;

  for (int t = 0; t < s->L; t++)
    for (int k = 0; k < s->n[t]; k++)
      {
        dd_real *restrict row = table + (size_t) ids[(size_t) o->perm[k] * ld + t] * E;
        const dd_real *restrict d = dx + ((size_t) s->at[t] + k) * E;
        for (int j = 0; j < E; j++)
          row[j] += d[j];
      }
}

/* ---------------------------------------------------------------------- */
/* GRU */

/* One step for R rows. In: g = W_ih x + b_ih (R, 3H), gh = W_hh h + b_hh
 * (R, 3H) (overwritten), hp = h_{t−1} (R, H). Out: g = (r, z, n), ghn =
 * W_hn h + b_hn (R, H), hn = h_t (R, H). */
SIMD_CLONES static void
gru_cell (int R, int H, dd_real *g, dd_real *gh, dd_real *ghn, const dd_real *hp,
          dd_real *hn)
{
  for (int b = 0; b < R; b++)
    {
      const size_t rh = (size_t) b * H, rg = 3 * rh;
      dd_real *restrict gr = g + rg, *restrict gz = gr + H, *restrict gn = gz + H;
      const dd_real *restrict hhn = gh + rg + 2 * H;
      const dd_real *restrict hprev = hp + rh;
      dd_real *restrict hnext = hn + rh, *restrict sn = ghn + rh;

      sigmoid_sum (gr, gh + rg, 2 * H);   /* r and z are adjacent */
      /* the row's arrays do not overlap */
#pragma GCC ivdep
      for (int j = 0; j < H; j++)
        {
          gn[j] += gr[j] * hhn[j];
          sn[j] = hhn[j];
        }
      tanh_inplace (gn, H);
      /* the row's arrays do not overlap */
#pragma GCC ivdep
      for (int j = 0; j < H; j++)
        hnext[j] = (1 - gz[j]) * gn[j] + gz[j] * hprev[j];
    }
}

/* The tangent of gru_cell, after it: g = gates, rg = R{W_ih x + b_ih} (turned
 * into R{r, z, n}), rgh = R{W_hh h + b_hh}. */
SIMD_CLONES static void
gru_cell_tangent (int R, int H, const dd_real *g, dd_real *rg, const dd_real *rgh,
                  const dd_real *ghn, dd_real *rghn, const dd_real *hp, const dd_real *rhp,
                  dd_real *rhn)
{
  for (int b = 0; b < R; b++)
    {
      const size_t rh = (size_t) b * H, r3 = 3 * rh;
      const dd_real *restrict gr = g + r3, *restrict gz = gr + H, *restrict gn = gz + H;
      dd_real *restrict qr = rg + r3, *restrict qz = qr + H, *restrict qn = qz + H;
      const dd_real *restrict sr = rgh + r3, *restrict sz = sr + H, *restrict sn = sz + H;
      const dd_real *restrict hprev = hp + rh, *restrict rhprev = rhp + rh;
      const dd_real *restrict s = ghn + rh;
      dd_real *restrict rs = rghn + rh, *restrict rnext = rhn + rh;
      /* the row's arrays do not overlap */
#pragma GCC ivdep
      for (int j = 0; j < H; j++)
        {
          dd_real r = gr[j], z = gz[j], n = gn[j];
          dd_real rr = r * (1 - r) * (qr[j] + sr[j]);
          dd_real rz = z * (1 - z) * (qz[j] + sz[j]);
          dd_real rn = (1 - n * n) * (qn[j] + rr * s[j] + r * sn[j]);
          qr[j] = rr;
          qz[j] = rz;
          qn[j] = rn;
          rs[j] = sn[j];
          rnext[j] = (1 - z) * rn + z * rhprev[j] + rz * (hprev[j] - n);
        }
    }
}

/* Backward of one step: dh = ∂/∂h_t (in), dhp = ∂/∂h_{t−1} (+= the direct
 * path z ⊙ dh; the W_hh path is added by the caller's gemm), dgi and dgh =
 * ∂/∂(W_ih x + b_ih) and ∂/∂(W_hh h + b_hh) (written). */
SIMD_CLONES static void
gru_cell_backward (int R, int H, const dd_real *g, const dd_real *ghn, const dd_real *hp,
                   const dd_real *dh, dd_real *dhp, dd_real *dgi, dd_real *dgh)
{
  for (int b = 0; b < R; b++)
    {
      const size_t rh = (size_t) b * H, r3 = 3 * rh;
      const dd_real *restrict gr = g + r3, *restrict gz = gr + H, *restrict gn = gz + H;
      dd_real *restrict ir = dgi + r3, *restrict iz = ir + H, *restrict in = iz + H;
      dd_real *restrict hr = dgh + r3, *restrict hz = hr + H, *restrict hn = hz + H;
      const dd_real *restrict s = ghn + rh, *restrict hprev = hp + rh, *restrict d = dh + rh;
      dd_real *restrict dprev = dhp + rh;
      /* the row's arrays do not overlap */
#pragma GCC ivdep
      for (int j = 0; j < H; j++)
        {
          dd_real r = gr[j], z = gz[j], n = gn[j];
          dd_real da = d[j] * (1 - z) * (1 - n * n);
          dd_real dra = da * s[j] * r * (1 - r);
          dd_real dza = d[j] * (hprev[j] - n) * z * (1 - z);
          ir[j] = dra;
          hr[j] = dra;
          iz[j] = dza;
          hz[j] = dza;
          in[j] = da;
          hn[j] = da * r;
          dprev[j] += d[j] * z;
        }
    }
}

/* The tangent of gru_cell_backward: rg = R{r, z, n}, rghn = R{W_hn h + b_hn},
 * rhp = R{h_{t−1}}, rdh = R{dh}; rdhp +=, rdgi and rdgh written. */
SIMD_CLONES static void
gru_cell_backward_tangent (int R, int H, const dd_real *g, const dd_real *ghn,
                           const dd_real *hp, const dd_real *dh, const dd_real *rg,
                           const dd_real *rghn, const dd_real *rhp, const dd_real *rdh,
                           dd_real *rdhp, dd_real *rdgi, dd_real *rdgh)
{
  for (int b = 0; b < R; b++)
    {
      const size_t rh = (size_t) b * H, r3 = 3 * rh;
      const dd_real *restrict gr = g + r3, *restrict gz = gr + H, *restrict gn = gz + H;
      const dd_real *restrict qr = rg + r3, *restrict qz = qr + H, *restrict qn = qz + H;
      dd_real *restrict ir = rdgi + r3, *restrict iz = ir + H, *restrict in = iz + H;
      dd_real *restrict hr = rdgh + r3, *restrict hz = hr + H, *restrict hn = hz + H;
      const dd_real *restrict ss = ghn + rh, *restrict rss = rghn + rh;
      const dd_real *restrict hprev = hp + rh, *restrict rhprev = rhp + rh;
      const dd_real *restrict dd = dh + rh, *restrict rdd = rdh + rh;
      dd_real *restrict rdprev = rdhp + rh;
      /* the row's arrays do not overlap */
#pragma GCC ivdep
      for (int j = 0; j < H; j++)
        {
          dd_real r = gr[j], z = gz[j], n = gn[j], d = dd[j], rd = rdd[j];
          dd_real rr = qr[j], rz = qz[j], rn = qn[j];
          dd_real hpj = hprev[j], s = ss[j];
          /* values, as gru_cell_backward */
          dd_real dn = d * (1 - z), dz = d * (hpj - n);
          dd_real da = dn * (1 - n * n), dr = da * s;
          /* their tangents */
          dd_real rdn = rd * (1 - z) - d * rz;
          dd_real rdz = rd * (hpj - n) + d * (rhprev[j] - rn);
          dd_real rda = rdn * (1 - n * n) - 2 * dn * n * rn;
          dd_real rdr = rda * s + da * rss[j];
          dd_real rdra = rdr * r * (1 - r) + dr * (1 - 2 * r) * rr;
          dd_real rdza = rdz * z * (1 - z) + dz * (1 - 2 * z) * rz;
          ir[j] = rdra;
          hr[j] = rdra;
          iz[j] = rdza;
          hz[j] = rdza;
          in[j] = rda;
          hn[j] = rda * r + da * rr;
          rdprev[j] += rd * z + d * rz;
        }
    }
}

/* t (cols, rows) = wᵀ for w (rows, cols), by OpenBLAS's copy kernel */
static void
transpose (dd_real *t, const dd_real *w, int rows, int cols)
{
  OMATCOPY (CblasRowMajor, CblasTrans, rows, cols, 1, w, cols, t, rows);
}

/* A GRU over the steps s: x (T, E) packed → g (T, 3H) gates, ghn (T, H),
 * h ((L+1)·B, H) by slot, whose slot 0 the caller set; gh (B, 3H) scratch;
 * wt (H, 3H) scratch (twice that with v). v: direction (NULL: no tangents);
 * then rx, rg, rghn, rh (slot 0 set) are the tangents, rgh their scratch. */
static void
gru_forward (const DdSeq2seq *m, const GruOff *o, const dd_real *v, const Steps *s,
             const dd_real *x, dd_real *gh, dd_real *g, dd_real *ghn, dd_real *h,
             const dd_real *rx, dd_real *rgh, dd_real *rg, dd_real *rghn, dd_real *rh,
             dd_real *wt)
{
  const int H = m->spec.hidden, E = m->spec.emb, G = 3 * H;
  const size_t rows = s->at[s->L], step = (size_t) s->B * H;
  const dd_real *w = m->params;
  dd_real *vwt = wt + (size_t) G * H;

  /* the recurrent product h·W_hhᵀ of a few rows runs markedly faster in
   * OpenBLAS as h·(W_hhᵀ) with the transpose stored */
  transpose (wt, w + o->Whh, G, H);
  if (v)
    transpose (vwt, v + o->Whh, G, H);

  /* the input projections of all real tokens at once */
  fill_rows (g, w + o->bih, rows, G);
  mm_nt (rows, G, E, x, E, w + o->Wih, E, 1, g, G);
  if (v)
    {
      fill_rows (rg, v + o->bih, rows, G);
      mm_nt (rows, G, E, rx, E, w + o->Wih, E, 1, rg, G);
      mm_nt (rows, G, E, x, E, v + o->Wih, E, 1, rg, G);
    }
  for (int t = 0; t < s->L; t++)
    {
      const int n = s->n[t];
      const size_t at = s->at[t];
      const dd_real *hp = h + t * step;
      fill_rows (gh, w + o->bhh, n, G);
      mm_nn (n, G, H, hp, H, wt, G, 1, gh, G);
      if (v)
        {
          const dd_real *rhp = rh + t * step;
          fill_rows (rgh, v + o->bhh, n, G);
          mm_nn (n, G, H, rhp, H, wt, G, 1, rgh, G);
          mm_nn (n, G, H, hp, H, vwt, G, 1, rgh, G);
        }
      gru_cell (n, H, g + at * G, gh, ghn + at * H, hp, h + (t + 1) * step);
      if (v)
        gru_cell_tangent (n, H, g + at * G, rg + at * G, rgh, ghn + at * H, rghn + at * H,
                          hp, rh + t * step, rh + (t + 1) * step);
    }
}

/* The backward of gru_forward. dh ((L+1)·B, H) by slot: in, ∂/∂h_t from
 * outside in slot t + 1; out, slot t also receives the recurrence (slot 0
 * only if need_dh0). dgi, dgh (T, 3H) scratch; dx (T, E) written. Weight
 * and bias gradients added to gw; hpk, rhpk (T, H) scratch. With hv: the
 * tangents (rx, rg…, rdh, rdgi, rdgh, rdx) likewise, the weight part added to
 * hv. */
static void
gru_backward (const DdSeq2seq *m, const GruOff *o, const dd_real *v, const Steps *s,
              gboolean need_dh0,
              const dd_real *x, const dd_real *g, const dd_real *ghn, const dd_real *h,
              dd_real *dh, dd_real *dgi, dd_real *dgh, dd_real *dx, dd_real *gw,
              const dd_real *rx, const dd_real *rg, const dd_real *rghn, const dd_real *rh,
              dd_real *rdh, dd_real *rdgi, dd_real *rdgh, dd_real *rdx, dd_real *hv,
              dd_real *hpk, dd_real *rhpk)
{
  const int H = m->spec.hidden, E = m->spec.emb, G = 3 * H;
  const size_t rows = s->at[s->L], step = (size_t) s->B * H;
  const dd_real *w = m->params;

  for (int t = s->L - 1; t >= 0; t--)
    {
      const int n = s->n[t];
      const size_t s1 = t * step, a1 = (size_t) s->at[t] * H, a3 = 3 * a1;
      gru_cell_backward (n, H, g + a3, ghn + a1, h + s1, dh + s1 + step, dh + s1,
                         dgi + a3, dgh + a3);
      if (hv)
        gru_cell_backward_tangent (n, H, g + a3, ghn + a1, h + s1, dh + s1 + step,
                                   rg + a3, rghn + a1, rh + s1, rdh + s1 + step, rdh + s1,
                                   rdgi + a3, rdgh + a3);
      if (t == 0 && !need_dh0)
        break;
      mm_nn (n, H, G, dgh + a3, G, w + o->Whh, H, 1, dh + s1, H);
      if (hv)
        {
          mm_nn (n, H, G, rdgh + a3, G, w + o->Whh, H, 1, rdh + s1, H);
          mm_nn (n, H, G, dgh + a3, G, v + o->Whh, H, 1, rdh + s1, H);
        }
    }
  /* the weights, over all real tokens at once; the states before each step,
   * packed like the tokens */
  gather_steps (hpk, h, s, H);
  mm_tn (G, H, rows, dgh, G, hpk, H, 1, gw + o->Whh, H);
  add_row_sums (gw + o->bhh, dgh, rows, G);
  mm_tn (G, E, rows, dgi, G, x, E, 1, gw + o->Wih, E);
  add_row_sums (gw + o->bih, dgi, rows, G);
  mm_nn (rows, E, G, dgi, G, w + o->Wih, E, 0, dx, E);
  if (hv)
    {
      gather_steps (rhpk, rh, s, H);
      mm_tn (G, H, rows, rdgh, G, hpk, H, 1, hv + o->Whh, H);
      mm_tn (G, H, rows, dgh, G, rhpk, H, 1, hv + o->Whh, H);
      add_row_sums (hv + o->bhh, rdgh, rows, G);
      mm_tn (G, E, rows, rdgi, G, x, E, 1, hv + o->Wih, E);
      mm_tn (G, E, rows, dgi, G, rx, E, 1, hv + o->Wih, E);
      add_row_sums (hv + o->bih, rdgi, rows, G);
      mm_nn (rows, E, G, rdgi, G, w + o->Wih, E, 0, rdx, E);
      mm_nn (rows, E, G, dgi, G, v + o->Wih, E, 1, rdx, E);
    }
}

static GruOff
enc_off (const DdSeq2seq *m)
{
  return (GruOff) { m->off.enc_Wih, m->off.enc_Whh, m->off.enc_bih, m->off.enc_bhh };
}

static GruOff
dec_off (const DdSeq2seq *m)
{
  return (GruOff) { m->off.dec_Wih, m->off.dec_Whh, m->off.dec_bih, m->off.dec_bhh };
}

/* ---------------------------------------------------------------------- */
/* attention */

/* Sentence b's attention: scores S_b·K_bᵀ (n, m) → softmax → context
 * A·Hs_b into u's right half, s_t into its left half. Time-major inputs
 * are read with leading dimension ldt = B·H. */
static void
attend (int H, int n, int m, int ldt, int Ls, const dd_real *S, const dd_real *K,
        const dd_real *Hs, dd_real *A, dd_real *U)
{
  mm_nt (n, m, H, S, ldt, K, ldt, 0, A, Ls);
  for (int t = 0; t < n; t++)
    softmax_row (A + (size_t) t * Ls, m);
  mm_nn (n, H, m, A, Ls, Hs, ldt, 0, U + H, 2 * H);
  for (int t = 0; t < n; t++)
    memcpy (U + (size_t) t * 2 * H, S + (size_t) t * ldt, H * sizeof (dd_real));
}

/* its tangent: rA = R{A}, rU = R{U} */
static void
attend_tangent (int H, int n, int m, int ldt, int Ls, const dd_real *S, const dd_real *K,
                const dd_real *Hs, const dd_real *A, const dd_real *rS, const dd_real *rK,
                const dd_real *rHs, dd_real *rA, dd_real *rU)
{
  mm_nt (n, m, H, rS, ldt, K, ldt, 0, rA, Ls);
  mm_nt (n, m, H, S, ldt, rK, ldt, 1, rA, Ls);
  for (int t = 0; t < n; t++)
    {
      const dd_real *a = A + (size_t) t * Ls;
      dd_real *q = rA + (size_t) t * Ls, mean = 0;
      for (int i = 0; i < m; i++)
        mean += a[i] * q[i];
      for (int i = 0; i < m; i++)
        q[i] = a[i] * (q[i] - mean);
    }
  mm_nn (n, H, m, rA, Ls, Hs, ldt, 0, rU + H, 2 * H);
  mm_nn (n, H, m, A, Ls, rHs, ldt, 1, rU + H, 2 * H);
  for (int t = 0; t < n; t++)
    memcpy (rU + (size_t) t * 2 * H, rS + (size_t) t * ldt, H * sizeof (dd_real));
}

/* ---------------------------------------------------------------------- */
/* forward */

static void
ensure_tangent (DdSeq2seq *m)
{
  Priv *p = m->priv;

  if (p->ra_block != NULL)
    return;
  p->ra_block = acts_new (&p->ra, &m->spec);
  m->rlogits = g_new0 (dd_real, (size_t) m->spec.max_batch * m->spec.max_tgt_len * m->spec.V_tgt);
}

static gboolean
batch_valid (const DdSeq2seq *m, const DdSeq2seqBatch *b)
{
  const DdSeq2seqSpec *s = &m->spec;

  if (b->B < 1 || b->B > s->max_batch || b->Ls < 1 || b->Ls > s->max_src_len ||
      b->Lt < 1 || b->Lt > s->max_tgt_len)
    return FALSE;
  for (int i = 0; i < b->B; i++)
    {
      if (b->src_len[i] < 1 || b->src_len[i] > b->Ls)
        return FALSE;
      for (int t = 0; t < b->src_len[i]; t++)
        if (b->src[(size_t) i * b->Ls + t] < 0 || b->src[(size_t) i * b->Ls + t] >= s->V_src)
          return FALSE;
      /* inputs are read up to the last position with a label */
      int n = 0;
      for (int t = 0; t < b->Lt; t++)
        {
          int y = b->tgt_out[(size_t) i * b->Lt + t];
          if (y < -1 || y >= s->V_tgt)
            return FALSE;
          if (y >= 0)
            n = t + 1;
        }
      for (int t = 0; t < n; t++)
        if (b->tgt_in[(size_t) i * b->Lt + t] < 0 || b->tgt_in[(size_t) i * b->Lt + t] >= s->V_tgt)
          return FALSE;
    }
  return TRUE;
}

/* the batch's lengths and packed row offsets */
static void
layout (Priv *p, const DdSeq2seqBatch *b)
{
  p->B = b->B;
  p->Ls = b->Ls;
  p->Lt = b->Lt;
  p->Le = p->Ld = p->N = 0;
  for (int i = 0; i < b->B; i++)
    {
      int n = 0;
      for (int t = 0; t < b->Lt; t++)
        if (b->tgt_out[(size_t) i * b->Lt + t] >= 0)
          n = t + 1;
      p->slen[i] = b->src_len[i];
      p->tlen[i] = n;
      p->off[i] = p->N;
      p->N += n;
      p->Le = MAX (p->Le, p->slen[i]);
      p->Ld = MAX (p->Ld, n);
    }
  order_set (&p->eo, p->slen, p->B, p->Le);
  order_set (&p->dor, p->tlen, p->B, p->Ld);
}

/* logits rows 0..N) hold the packed rows: spread them to row b·Lt + t and
 * zero the padding rows. Going from the last sentence down, a block never
 * lands on rows that are still to be moved. */
static void
unpack_rows (dd_real *x, const Priv *p, int V)
{
  const size_t row = (size_t) V * sizeof (dd_real);

  if (p->N == p->B * p->Lt)
    return;
  for (int b = p->B - 1; b >= 0; b--)
    {
      const size_t dst = (size_t) b * p->Lt;
      memmove (x + dst * V, x + (size_t) p->off[b] * V, p->tlen[b] * row);
      memset (x + (dst + p->tlen[b]) * V, 0, (p->Lt - p->tlen[b]) * row);
    }
}

/* the packed rows of a (B·Lt, V) array: the array itself when nothing is
 * padded, else a copy into *scratch (allocated once, at full size) */
static const dd_real *
pack_rows (const dd_real *x, const Priv *p, int V, dd_real **scratch, size_t full)
{
  if (p->N == p->B * p->Lt)
    return x;
  if (*scratch == NULL)
    *scratch = g_new (dd_real, full);
  for (int b = 0; b < p->B; b++)
    memcpy (*scratch + (size_t) p->off[b] * V, x + (size_t) b * p->Lt * V,
            (size_t) p->tlen[b] * V * sizeof (dd_real));
  return *scratch;
}

void
dd_seq2seq_forward (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *v)
{
  g_return_if_fail (m != NULL && batch != NULL);
  g_return_if_fail (batch_valid (m, batch));

  Priv *p = m->priv;
  const int E = m->spec.emb, H = m->spec.hidden, V = m->spec.V_tgt;
  const GruOff eo = enc_off (m), dof = dec_off (m);
  const dd_real *w = m->params;

  layout (p, batch);
  if (v)
    ensure_tangent (m);
  p->have_tangent = v != NULL;

  const int B = p->B, Ls = p->Ls, Le = p->Le, N = p->N;
  const int ldt = B * H;
  Acts *a = &p->a, *ra = v ? &p->ra : NULL;

  const Steps *se = &p->eo.steps, *sd = &p->dor.steps;

  /* encoder */
  embed (a->xe, w + m->off.Es, batch->src, Ls, &p->eo, E);
  memset (a->he, 0, (size_t) ldt * sizeof (dd_real));
  if (v)
    {
      embed (ra->xe, v + m->off.Es, batch->src, Ls, &p->eo, E);
      memset (ra->he, 0, (size_t) ldt * sizeof (dd_real));
    }
  gru_forward (m, &eo, v, se, a->xe, a->gh, a->ge, a->ghe, a->he,
               v ? ra->xe : NULL, v ? ra->gh : NULL, v ? ra->ge : NULL, v ? ra->ghe : NULL,
               v ? ra->he : NULL, p->wt);

  /* decoder, from each sentence's last encoder state */
  for (int k = 0; k < B; k++)
    {
      const int b = p->dor.perm[k];
      const size_t src = ((size_t) p->slen[b] * B + p->eo.rank[b]) * H;
      memcpy (a->hd + (size_t) k * H, a->he + src, H * sizeof (dd_real));
      if (v)
        memcpy (ra->hd + (size_t) k * H, ra->he + src, H * sizeof (dd_real));
    }
  embed (a->xd, w + m->off.Et, batch->tgt_in, p->Lt, &p->dor, E);
  if (v)
    embed (ra->xd, v + m->off.Et, batch->tgt_in, p->Lt, &p->dor, E);
  gru_forward (m, &dof, v, sd, a->xd, a->gh, a->gd, a->ghd, a->hd,
               v ? ra->xd : NULL, v ? ra->gh : NULL, v ? ra->gd : NULL, v ? ra->ghd : NULL,
               v ? ra->hd : NULL, p->wt);

  /* keys Wa·h_i of every encoder state: packed, one gemm, back to the slots */
  const int Te = se->at[Le];
  dd_real *hk = p->pk[0], *kk = p->pk[1];
  gather_steps (hk, a->he + ldt, se, H);
  mm_nt (Te, H, H, hk, H, w + m->off.Wa, H, 0, kk, H);
  scatter_steps (a->keys, kk, se, H);
  if (v)
    {
      dd_real *rhk = p->pk[2];
      gather_steps (rhk, ra->he + ldt, se, H);
      mm_nt (Te, H, H, rhk, H, w + m->off.Wa, H, 0, kk, H);
      mm_nt (Te, H, H, hk, H, v + m->off.Wa, H, 1, kk, H);
      scatter_steps (ra->keys, kk, se, H);
    }

  /* attention, sentence by sentence, into packed rows */
  for (int b = 0; b < B; b++)
    {
      const int n = p->tlen[b], ms = p->slen[b], off = p->off[b];
      const size_t sb = (size_t) (B + p->dor.rank[b]) * H;
      const size_t kb = (size_t) p->eo.rank[b] * H, hb = ldt + kb;
      if (n == 0)
        continue;
      attend (H, n, ms, ldt, Ls, a->hd + sb, a->keys + kb, a->he + hb,
              a->att + (size_t) off * Ls, a->u + (size_t) off * 2 * H);
      if (v)
        attend_tangent (H, n, ms, ldt, Ls, a->hd + sb, a->keys + kb, a->he + hb,
                        a->att + (size_t) off * Ls, ra->hd + sb, ra->keys + kb,
                        ra->he + hb, ra->att + (size_t) off * Ls, ra->u + (size_t) off * 2 * H);
    }

  /* o = tanh (Wc·u + bc) */
  fill_rows (a->o, w + m->off.bc, N, H);
  mm_nt (N, H, 2 * H, a->u, 2 * H, w + m->off.Wc, 2 * H, 1, a->o, H);
  tanh_inplace (a->o, (size_t) N * H);
  if (v)
    {
      fill_rows (ra->o, v + m->off.bc, N, H);
      mm_nt (N, H, 2 * H, ra->u, 2 * H, w + m->off.Wc, 2 * H, 1, ra->o, H);
      mm_nt (N, H, 2 * H, a->u, 2 * H, v + m->off.Wc, 2 * H, 1, ra->o, H);
      for (size_t i = 0; i < (size_t) N * H; i++)
        ra->o[i] *= 1 - a->o[i] * a->o[i];
    }

  /* logits = Wo·o + bo, packed, then spread to their rows */
  fill_rows (m->logits, w + m->off.bo, N, V);
  mm_nt (N, V, H, a->o, H, w + m->off.Wo, H, 1, m->logits, V);
  unpack_rows (m->logits, p, V);
  if (v)
    {
      fill_rows (m->rlogits, v + m->off.bo, N, V);
      mm_nt (N, V, H, ra->o, H, w + m->off.Wo, H, 1, m->rlogits, V);
      mm_nt (N, V, H, a->o, H, v + m->off.Wo, H, 1, m->rlogits, V);
      unpack_rows (m->rlogits, p, V);
    }
}

/* ---------------------------------------------------------------------- */
/* backward */

/* the backward of attend for sentence b, with its tangent when rd != NULL */
static void
attend_backward (const DdSeq2seq *m, Priv *p, int b, gboolean tangent)
{
  const int H = m->spec.hidden, B = p->B, Ls = p->Ls, ldt = B * H;
  const int n = p->tlen[b], ms = p->slen[b], off = p->off[b];
  const size_t sb = (size_t) (B + p->dor.rank[b]) * H, kb = (size_t) p->eo.rank[b] * H;
  const size_t hb = ldt + kb;
  const Acts *a = &p->a, *ra = &p->ra;
  Grads *d = &p->d, *rd = &p->rd;
  const dd_real *A = a->att + (size_t) off * Ls, *S = a->hd + sb, *K = a->keys + kb;
  const dd_real *Hs = a->he + hb;
  const dd_real *dU = d->du + (size_t) off * 2 * H, *dC = dU + H;
  dd_real *dA = d->datt + (size_t) off * Ls, *dsc = d->dsc + (size_t) off * Ls;
  dd_real *dS = d->dhd + sb, *dHs = d->dhe + hb, *dK = d->dkeys + kb;

  /* context c = A·Hs */
  mm_nt (n, ms, H, dC, 2 * H, Hs, ldt, 0, dA, Ls);
  mm_tn (ms, H, n, A, Ls, dC, 2 * H, 1, dHs, ldt);
  /* softmax */
  for (int t = 0; t < n; t++)
    {
      const dd_real *at = A + (size_t) t * Ls, *gt = dA + (size_t) t * Ls;
      dd_real *st = dsc + (size_t) t * Ls, delta = 0;
      for (int i = 0; i < ms; i++)
        delta += at[i] * gt[i];
      for (int i = 0; i < ms; i++)
        st[i] = at[i] * (gt[i] - delta);
    }
  /* scores S·Kᵀ, and s's direct path into u */
  for (int t = 0; t < n; t++)
    memcpy (dS + (size_t) t * ldt, dU + (size_t) t * 2 * H, H * sizeof (dd_real));
  mm_nn (n, H, ms, dsc, Ls, K, ldt, 1, dS, ldt);
  mm_tn (ms, H, n, dsc, Ls, S, ldt, 0, dK, ldt);

  if (!tangent)
    return;

  const dd_real *rA = ra->att + (size_t) off * Ls, *rS = ra->hd + sb, *rK = ra->keys + kb;
  const dd_real *rHs = ra->he + hb;
  const dd_real *rdU = rd->du + (size_t) off * 2 * H, *rdC = rdU + H;
  dd_real *rdA = rd->datt + (size_t) off * Ls, *rdsc = rd->dsc + (size_t) off * Ls;
  dd_real *rdS = rd->dhd + sb, *rdHs = rd->dhe + hb, *rdK = rd->dkeys + kb;

  mm_nt (n, ms, H, rdC, 2 * H, Hs, ldt, 0, rdA, Ls);
  mm_nt (n, ms, H, dC, 2 * H, rHs, ldt, 1, rdA, Ls);
  mm_tn (ms, H, n, rA, Ls, dC, 2 * H, 1, rdHs, ldt);
  mm_tn (ms, H, n, A, Ls, rdC, 2 * H, 1, rdHs, ldt);
  for (int t = 0; t < n; t++)
    {
      const size_t r = (size_t) t * Ls;
      dd_real delta = 0, rdelta = 0;
      for (int i = 0; i < ms; i++)
        {
          delta += A[r + i] * dA[r + i];
          rdelta += rA[r + i] * dA[r + i] + A[r + i] * rdA[r + i];
        }
      for (int i = 0; i < ms; i++)
        rdsc[r + i] = rA[r + i] * (dA[r + i] - delta) + A[r + i] * (rdA[r + i] - rdelta);
    }
  for (int t = 0; t < n; t++)
    memcpy (rdS + (size_t) t * ldt, rdU + (size_t) t * 2 * H, H * sizeof (dd_real));
  mm_nn (n, H, ms, rdsc, Ls, K, ldt, 1, rdS, ldt);
  mm_nn (n, H, ms, dsc, Ls, rK, ldt, 1, rdS, ldt);
  mm_tn (ms, H, n, rdsc, Ls, S, ldt, 0, rdK, ldt);
  mm_tn (ms, H, n, dsc, Ls, rS, ldt, 1, rdK, ldt);
}

static void
ensure_rgrads (DdSeq2seq *m)
{
  Priv *p = m->priv;

  if (p->rd_block == NULL)
    p->rd_block = grads_new (&p->rd, &m->spec);
}

void
dd_seq2seq_backward (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *dlogits,
                     const dd_real *v, const dd_real *rdlogits, dd_real *hv)
{
  g_return_if_fail (m != NULL && batch != NULL && dlogits != NULL);
  Priv *p = m->priv;
  g_return_if_fail (batch->B == p->B && batch->Ls == p->Ls && batch->Lt == p->Lt);
  g_return_if_fail (hv == NULL || (v != NULL && rdlogits != NULL && p->have_tangent));

  const gboolean tg = hv != NULL;
  const int E = m->spec.emb, H = m->spec.hidden, V = m->spec.V_tgt;
  const int B = p->B, Ls = p->Ls, Le = p->Le, N = p->N, ldt = B * H;
  const size_t full = (size_t) m->spec.max_batch * m->spec.max_tgt_len * V;
  const GruOff eo = enc_off (m), dof = dec_off (m);
  const dd_real *w = m->params;
  dd_real *gw = m->grads;
  const Acts *a = &p->a, *ra = &p->ra;
  Grads *d = &p->d, *rd = NULL;

  if (tg)
    {
      ensure_rgrads (m);
      rd = &p->rd;
      memset (hv, 0, m->n_params * sizeof (dd_real));
    }

  /* logits = Wo·o + bo */
  const dd_real *dlg = pack_rows (dlogits, p, V, &p->dlg, full);
  mm_nn (N, H, V, dlg, V, w + m->off.Wo, H, 0, d->dout, H);
  mm_tn (V, H, N, dlg, V, a->o, H, 1, gw + m->off.Wo, H);
  add_row_sums (gw + m->off.bo, dlg, N, V);
  if (tg)
    {
      const dd_real *rdlg = pack_rows (rdlogits, p, V, &p->rdlg, full);
      mm_nn (N, H, V, rdlg, V, w + m->off.Wo, H, 0, rd->dout, H);
      mm_nn (N, H, V, dlg, V, v + m->off.Wo, H, 1, rd->dout, H);
      mm_tn (V, H, N, rdlg, V, a->o, H, 1, hv + m->off.Wo, H);
      mm_tn (V, H, N, dlg, V, ra->o, H, 1, hv + m->off.Wo, H);
      add_row_sums (hv + m->off.bo, rdlg, N, V);
    }

  /* o = tanh (Wc·u + bc) */
  for (size_t i = 0; i < (size_t) N * H; i++)
    d->dpre[i] = d->dout[i] * (1 - a->o[i] * a->o[i]);
  if (tg)
    for (size_t i = 0; i < (size_t) N * H; i++)
      {
        dd_real o = a->o[i];
        rd->dpre[i] = rd->dout[i] * (1 - o * o) - 2 * d->dout[i] * o * ra->o[i];
      }
  mm_tn (H, 2 * H, N, d->dpre, H, a->u, 2 * H, 1, gw + m->off.Wc, 2 * H);
  add_row_sums (gw + m->off.bc, d->dpre, N, H);
  mm_nn (N, 2 * H, H, d->dpre, H, w + m->off.Wc, 2 * H, 0, d->du, 2 * H);
  if (tg)
    {
      mm_tn (H, 2 * H, N, rd->dpre, H, a->u, 2 * H, 1, hv + m->off.Wc, 2 * H);
      mm_tn (H, 2 * H, N, d->dpre, H, ra->u, 2 * H, 1, hv + m->off.Wc, 2 * H);
      add_row_sums (hv + m->off.bc, rd->dpre, N, H);
      mm_nn (N, 2 * H, H, rd->dpre, H, w + m->off.Wc, 2 * H, 0, rd->du, 2 * H);
      mm_nn (N, 2 * H, H, d->dpre, H, v + m->off.Wc, 2 * H, 1, rd->du, 2 * H);
    }

  /* attention; the state gradients start at zero on the rows in use */
  const Steps *se = &p->eo.steps, *sd = &p->dor.steps;
  zero_states (d->dhe, se, H);
  zero_states (d->dhd, sd, H);
  zero_steps (d->dkeys, se, H);
  if (tg)
    {
      zero_states (rd->dhe, se, H);
      zero_states (rd->dhd, sd, H);
      zero_steps (rd->dkeys, se, H);
    }
  for (int b = 0; b < B; b++)
    if (p->tlen[b] > 0)
      attend_backward (m, p, b, tg);
  /* keys = Hs·Waᵀ, over the packed real states */
  const int Te = se->at[Le];
  dd_real *hk = p->pk[0], *dk = p->pk[1], *q = p->pk[2];
  gather_steps (hk, a->he + ldt, se, H);
  gather_steps (dk, d->dkeys, se, H);
  mm_tn (H, H, Te, dk, H, hk, H, 1, gw + m->off.Wa, H);
  if (tg)
    {
      /* q = R{dkeys} (then R{hs}); hk stays the states until R{hs} is in q */
      gather_steps (q, rd->dkeys, se, H);
      mm_tn (H, H, Te, q, H, hk, H, 1, hv + m->off.Wa, H);
      mm_nn (Te, H, H, q, H, w + m->off.Wa, H, 0, hk, H);
      mm_nn (Te, H, H, dk, H, v + m->off.Wa, H, 1, hk, H);
      scatter_add_steps (rd->dhe + ldt, hk, se, H);
      gather_steps (q, ra->he + ldt, se, H);
      mm_tn (H, H, Te, dk, H, q, H, 1, hv + m->off.Wa, H);
    }
  mm_nn (Te, H, H, dk, H, w + m->off.Wa, H, 0, q, H);
  scatter_add_steps (d->dhe + ldt, q, se, H);

  /* decoder */
  gru_backward (m, &dof, v, sd, TRUE, a->xd, a->gd, a->ghd, a->hd,
                d->dhd, d->dgid, d->dghd, d->dxd, gw,
                tg ? ra->xd : NULL, tg ? ra->gd : NULL, tg ? ra->ghd : NULL, tg ? ra->hd : NULL,
                tg ? rd->dhd : NULL, tg ? rd->dgid : NULL, tg ? rd->dghd : NULL,
                tg ? rd->dxd : NULL, hv, p->pk[0], p->pk[1]);
  embed_backward (gw + m->off.Et, d->dxd, batch->tgt_in, p->Lt, &p->dor, E);
  if (tg)
    embed_backward (hv + m->off.Et, rd->dxd, batch->tgt_in, p->Lt, &p->dor, E);
  /* its initial state is the encoder's last */
  for (int k = 0; k < B; k++)
    {
      const int b = p->dor.perm[k];
      const size_t dst = ((size_t) p->slen[b] * B + p->eo.rank[b]) * H, src = (size_t) k * H;
      for (int j = 0; j < H; j++)
        d->dhe[dst + j] += d->dhd[src + j];
      if (tg)
        for (int j = 0; j < H; j++)
          rd->dhe[dst + j] += rd->dhd[src + j];
    }

  /* encoder */
  gru_backward (m, &eo, v, se, FALSE, a->xe, a->ge, a->ghe, a->he,
                d->dhe, d->dgie, d->dghe, d->dxe, gw,
                tg ? ra->xe : NULL, tg ? ra->ge : NULL, tg ? ra->ghe : NULL, tg ? ra->he : NULL,
                tg ? rd->dhe : NULL, tg ? rd->dgie : NULL, tg ? rd->dghe : NULL,
                tg ? rd->dxe : NULL, hv, p->pk[0], p->pk[1]);
  embed_backward (gw + m->off.Es, d->dxe, batch->src, Ls, &p->eo, E);
  if (tg)
    embed_backward (hv + m->off.Es, rd->dxe, batch->src, Ls, &p->eo, E);
}

double
dd_seq2seq_step_flops (const DdSeq2seq *m, const DdSeq2seqBatch *b)
{
  const double E = m->spec.emb, H = m->spec.hidden, V = m->spec.V_tgt;
  double Ts = 0, N = 0, att = 0;

  /* the work actually done: GRU rows and keys only at real tokens, output
   * rows only at real target positions */
  for (int i = 0; i < b->B; i++)
    {
      int n = 0;
      for (int t = 0; t < b->Lt; t++)
        if (b->tgt_out[(size_t) i * b->Lt + t] >= 0)
          n = t + 1;
      Ts += b->src_len[i];
      N += n;
      att += (double) n * b->src_len[i];
    }
  /* each gemm 2mnk forward, twice that backward (input and weight) */
  double f = 0;
  f += 2 * (Ts + N) * 3 * H * (E + H);           /* GRU input and recurrent products */
  f += 2 * Ts * H * H;                           /* keys */
  f += 2 * att * H * 2;                          /* scores and context */
  f += 2 * N * H * 2 * H;                        /* Wc */
  f += 2 * N * H * V;                            /* Wo */
  return 3 * f;
}

/* ---------------------------------------------------------------------- */
/* decoding */

/* room for B sentences of Ls tokens and R decoder rows */
static void
dec_reserve (const DdSeq2seq *m, Dec *d, int B, int Ls, int R)
{
  const size_t E = m->spec.emb, H = m->spec.hidden, V = m->spec.V_tgt;

  R = MAX (R, B);
  if (d->block && B <= d->cap_B && Ls <= d->cap_Ls && R <= d->cap_R)
    return;
  d->cap_B = MAX (B, d->cap_B);
  d->cap_Ls = MAX (Ls, d->cap_Ls);
  d->cap_R = MAX (R, d->cap_R);
  g_free (d->block);
  g_free (d->slen);
  g_free (d->tok);
  g_free (d->row_sent);
  order_free (&d->eo);

  const size_t eb = (size_t) d->cap_B * d->cap_Ls, r = d->cap_R;
  const size_t total = eb * (E + 3 * H + H + H) + (size_t) d->cap_B * H + eb * H +
                       r * (E + 3 * H + 3 * H + H + H + H + 2 * H + H + V + d->cap_Ls);
  dd_real *base = g_new0 (dd_real, total);
  size_t at = 0;
  d->block = base;
  TAKE (d->enc.xe, eb * E);
  TAKE (d->enc.ge, eb * 3 * H);
  TAKE (d->enc.ghe, eb * H);
  TAKE (d->enc.he, eb * H + (size_t) d->cap_B * H);
  TAKE (d->enc.keys, eb * H);
  TAKE (d->x, r * E);
  TAKE (d->gi, r * 3 * H);
  TAKE (d->gh, r * 3 * H);
  TAKE (d->ghn, r * H);
  TAKE (d->s, r * H);
  TAKE (d->s2, r * H);
  TAKE (d->u, r * 2 * H);
  TAKE (d->o, r * H);
  TAKE (d->lg, r * V);
  TAKE (d->att, r * d->cap_Ls);
  g_assert (at == total);
  d->enc.gh = d->gh;  /* the encoder's per-step scratch: R ≥ B rows */
  d->slen = g_new0 (int, d->cap_B);
  d->tok = g_new0 (int, r);
  d->row_sent = g_new0 (int, r);
  order_alloc (&d->eo, d->cap_B, d->cap_Ls);
  if (d->wt == NULL)
    d->wt = g_new (dd_real, (size_t) 3 * H * H);
}

/* the encoder states and keys of B sentences (src (B, Ls)) into d->enc */
static void
dec_encode (const DdSeq2seq *m, Dec *d, const int *src, const int *len, int B, int Ls)
{
  const int E = m->spec.emb, H = m->spec.hidden;
  const GruOff eo = enc_off (m);
  int Le = 0;

  for (int b = 0; b < B; b++)
    {
      d->slen[b] = CLAMP (len[b], 1, Ls);
      Le = MAX (Le, d->slen[b]);
    }
  order_set (&d->eo, d->slen, B, Le);
  embed (d->enc.xe, m->params + m->off.Es, src, Ls, &d->eo, E);
  memset (d->enc.he, 0, (size_t) B * H * sizeof (dd_real));
  gru_forward (m, &eo, NULL, &d->eo.steps, d->enc.xe, d->enc.gh, d->enc.ge, d->enc.ghe,
               d->enc.he, NULL, NULL, NULL, NULL, NULL, d->wt);
  /* the keys of the real states, step by step */
  for (int t = 0; t < Le; t++)
    mm_nt (d->eo.n[t], H, H, d->enc.he + (size_t) (t + 1) * B * H, H,
           m->params + m->off.Wa, H, 0, d->enc.keys + (size_t) t * B * H, H);
}

/* One decoder step for R rows: row j continues state s (R, H) with token
 * d->tok[j], attending over sentence d->row_sent[j] of the B encoded ones;
 * the new state goes to s_out, the logits to d->lg (R, V). */
static void
dec_step (const DdSeq2seq *m, Dec *d, int R, int B, const dd_real *s, dd_real *s_out)
{
  const int E = m->spec.emb, H = m->spec.hidden, V = m->spec.V_tgt, G = 3 * H;
  const dd_real *w = m->params;
  const int ldt = B * H;

  for (int j = 0; j < R; j++)
    memcpy (d->x + (size_t) j * E, w + m->off.Et + (size_t) d->tok[j] * E, E * sizeof (dd_real));
  fill_rows (d->gi, w + m->off.dec_bih, R, G);
  mm_nt (R, G, E, d->x, E, w + m->off.dec_Wih, E, 1, d->gi, G);
  fill_rows (d->gh, w + m->off.dec_bhh, R, G);
  mm_nt (R, G, H, s, H, w + m->off.dec_Whh, H, 1, d->gh, G);
  gru_cell (R, H, d->gi, d->gh, d->ghn, s, s_out);

  for (int j = 0; j < R; j++)
    {
      const int b = d->row_sent[j], ms = d->slen[b], k = d->eo.rank[b];
      const dd_real *sj = s_out + (size_t) j * H;
      dd_real *att = d->att + (size_t) j * d->cap_Ls, *u = d->u + (size_t) j * 2 * H;
      GEMV (CblasRowMajor, CblasNoTrans, ms, H, 1, d->enc.keys + (size_t) k * H, ldt,
            sj, 1, 0, att, 1);
      softmax_row (att, ms);
      GEMV (CblasRowMajor, CblasTrans, ms, H, 1, d->enc.he + (size_t) (B + k) * H, ldt,
            att, 1, 0, u + H, 1);
      memcpy (u, sj, H * sizeof (dd_real));
    }
  fill_rows (d->o, w + m->off.bc, R, H);
  mm_nt (R, H, 2 * H, d->u, 2 * H, w + m->off.Wc, 2 * H, 1, d->o, H);
  tanh_inplace (d->o, (size_t) R * H);
  fill_rows (d->lg, w + m->off.bo, R, V);
  mm_nt (R, V, H, d->o, H, w + m->off.Wo, H, 1, d->lg, V);
}

/* What a translation may contain: words, <unk> and </s>; never <pad> or
 * <s>. (Forbidding <unk> too was tried: on the de-en dev set after four
 * minutes of training the student then filled the gaps with frequent words,
 * the hypotheses grew 22 % longer than the references and BLEU fell from
 * 0.9 to 0.0.) Scores stay the model's own log-probabilities. */
static inline gboolean
emittable (int y)
{
  return y != DD_TOKEN_PAD && y != DD_TOKEN_BOS;
}

/* the first largest emittable entry */
static int
argmax (const dd_real *x, int n)
{
  int best = DD_TOKEN_EOS;

  for (int i = 0; i < n; i++)
    if (emittable (i) && x[i] > x[best])
      best = i;
  return best;
}

void
dd_seq2seq_greedy (DdSeq2seq *m, const int *src, const int *src_len, int B, int Ls,
                   int *out, int *out_len, int max_out)
{
  g_return_if_fail (m != NULL && B >= 1 && Ls >= 1 && max_out >= 0);

  Priv *p = m->priv;
  Dec *d = &p->dec;
  const int H = m->spec.hidden, V = m->spec.V_tgt;
  int R = B;

  dec_reserve (m, d, B, Ls, B);
  dec_encode (m, d, src, src_len, B, Ls);
  for (int b = 0; b < B; b++)
    {
      memcpy (d->s + (size_t) b * H,
              d->enc.he + ((size_t) d->slen[b] * B + d->eo.rank[b]) * H, H * sizeof (dd_real));
      d->tok[b] = DD_TOKEN_BOS;
      d->row_sent[b] = b;
      out_len[b] = 0;
    }
  for (int k = 0; k < max_out && R > 0; k++)
    {
      dec_step (m, d, R, B, d->s, d->s2);
      /* keep the rows still going, in place */
      int kept = 0;
      for (int j = 0; j < R; j++)
        {
          const int b = d->row_sent[j], y = argmax (d->lg + (size_t) j * V, V);
          if (y == DD_TOKEN_EOS)
            continue;
          out[(size_t) b * max_out + out_len[b]++] = y;
          d->tok[kept] = y;
          d->row_sent[kept] = b;
          memcpy (d->s + (size_t) kept * H, d->s2 + (size_t) j * H, H * sizeof (dd_real));
          kept++;
        }
      R = kept;
    }
}

typedef struct {
  double score;  /* summed log-probability */
  int    row;    /* parent beam */
  int    tok;
} Cand;

/* insert c into the list best[0..*n) sorted by decreasing score, at most
 * cap long; on equal scores the earlier candidate stays first */
static void
cand_insert (Cand *best, int *n, int cap, Cand c)
{
  int i = *n < cap ? (*n)++ : cap;
  if (i == cap && !(c.score > best[cap - 1].score))
    return;
  if (i == cap)
    i = cap - 1;
  while (i > 0 && c.score > best[i - 1].score)
    {
      best[i] = best[i - 1];
      i--;
    }
  best[i] = c;
}

/* Beam search, with one twist: the greedy path (argmax after argmax) is
 * always kept, as an extra row when the W best leave it out, and the search
 * runs until it has ended too. So the result scores at least as well as the
 * greedy one, and width 1 is exactly greedy decoding. */
int
dd_seq2seq_beam (DdSeq2seq *m, const int *src, int len, int width, int *out, int max_out)
{
  g_return_val_if_fail (m != NULL && src != NULL && len >= 1 && width >= 1, 0);
  if (max_out <= 0)
    return 0;

  Priv *p = m->priv;
  Dec *d = &p->dec;
  const int H = m->spec.hidden, V = m->spec.V_tgt, W = width, R = W + 1;
  g_autofree int *seq = g_new (int, (size_t) R * max_out);
  g_autofree int *seq2 = g_new (int, (size_t) R * max_out);
  g_autofree int *best_seq = g_new (int, max_out);
  g_autofree double *score = g_new (double, R);
  g_autofree Cand *cand = g_new (Cand, W);
  g_autofree Cand *top = g_new (Cand, W);
  double best = -INFINITY;
  int best_len = 0, n_done = 0, A = 1, greedy_row = 0;

  dec_reserve (m, d, 1, len, R);
  dec_encode (m, d, src, &len, 1, len);
  memcpy (d->s, d->enc.he + (size_t) d->slen[0] * H, H * sizeof (dd_real));
  d->tok[0] = DD_TOKEN_BOS;
  d->row_sent[0] = 0;
  score[0] = 0;

  int k;
  for (k = 0; k < max_out && A > 0 && (n_done < W || greedy_row >= 0); k++)
    {
      Cand greedy = { 0, -1, -1 };
      int n_cand = 0, A2 = 0;

      dec_step (m, d, A, 1, d->s, d->s2);
      for (int j = 0; j < A; j++)
        {
          const dd_real *lg = d->lg + (size_t) j * V;
          /* the row's W best tokens by logit (the first of equals first) */
          int n_top = 0;
          double mx = lg[0], sum = 0;
          for (int y = 0; y < V; y++)
            {
              mx = fmax (mx, lg[y]);
              if (emittable (y))
                cand_insert (top, &n_top, W, (Cand) { lg[y], j, y });
            }
          for (int y = 0; y < V; y++)
            sum += exp ((double) lg[y] - mx);
          const double lse = mx + log (sum);
          for (int i = 0; i < n_top; i++)
            {
              top[i].score = score[j] + ((double) top[i].score - lse);
              cand_insert (cand, &n_cand, W, top[i]);
            }
          if (j == greedy_row)
            greedy = top[0];
        }
      /* the W best continuations, and the greedy one if they lack it;
       * finished ones leave the beam */
      gboolean greedy_in = FALSE;
      for (int i = 0; i <= n_cand; i++)
        {
          Cand c;
          if (i < n_cand)
            c = cand[i];
          else if (greedy.row >= 0 && !greedy_in)
            c = greedy;
          else
            break;
          const gboolean is_greedy = c.row == greedy.row && c.tok == greedy.tok;
          const int *parent = seq + (size_t) c.row * max_out;
          greedy_in |= is_greedy;
          if (c.tok == DD_TOKEN_EOS)
            {
              const double norm = c.score / (k + 1);
              n_done++;
              if (norm > best)
                {
                  best = norm;
                  best_len = k;
                  memcpy (best_seq, parent, k * sizeof (int));
                }
              if (is_greedy)
                greedy_row = -1;
              continue;
            }
          if (is_greedy)
            greedy_row = A2;
          memcpy (seq2 + (size_t) A2 * max_out, parent, k * sizeof (int));
          seq2[(size_t) A2 * max_out + k] = c.tok;
          score[A2] = c.score;
          d->tok[A2] = c.tok;
          d->row_sent[A2] = 0;
          memcpy (d->s + (size_t) A2 * H, d->s2 + (size_t) c.row * H, H * sizeof (dd_real));
          A2++;
        }
      A = A2;
      int *t = seq;
      seq = seq2;
      seq2 = t;
    }
  /* out of room: the unfinished hypotheses compete at their length */
  if (k == max_out)
    for (int j = 0; j < A; j++)
      if (score[j] / k > best)
        {
          best = score[j] / k;
          best_len = k;
          memcpy (best_seq, seq + (size_t) j * max_out, k * sizeof (int));
        }
  memcpy (out, best_seq, best_len * sizeof (int));
  return best_len;
}
