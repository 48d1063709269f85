/* test-seq2seq.c: the translation student against finite differences, in
 * double precision, and its decoders
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A tiny model (V_src 11, V_tgt 13, E 5, H 6) on a padded batch of three
 * sentences, with a loss that is nonlinear in the logits (mean cross-entropy
 * over the labelled rows) plus a fixed linear part (Σ R ⊙ logits), so that
 * both its gradient and its Hessian in the logits are non-trivial. Checked:
 * - the gradient of every parameter against central differences of the loss;
 * - R{logits} against central differences of the logits along v;
 * - H·v against central differences of the gradient along v, and the
 *   symmetry uᵀ(H v) = vᵀ(H u);
 * - greedy decoding against beam width 1 and width 4, and that decoding
 *   leaves params, grads and logits alone; greedy's logits at every position
 *   against the teacher-forced forward's; beam search's scores against
 *   teacher forcing, a wide beam against brute force over every hypothesis,
 *   and beams of widths 1–4 and rooms 1–4 against a plain reference search
 *   scored by teacher forcing (on 40 more models, where searches stop at
 *   their last step with an unfinished hypothesis ahead);
 * - that plain SGD learns a small copy task;
 * - that whatever the padding holds changes nothing;
 * - that a batch (lengths tied, unordered, a sentence without labels) is
 *   the sum of its sentences alone;
 * - that bad specs are refused with the value named;
 * - the gradient and H·v again with dropout, tied embeddings, a
 *   bidirectional encoder (whose two directions are also checked against
 *   two one-directional encoders) and input feeding, and decoding, padding
 *   and batch sums with the last three.
 */
#include "gradcheck.h"
#include "dd-corpus.h"
#include "dd-rng.h"
#include "dd-seq2seq.h"
#include "dd-seq2seq-private.h"  /* the bidirectional encoder's states, the decoder's logits */

#include <math.h>
#include <string.h>

#define VS 11
#define VT 13
#define NB 3
#define LS 4
#define LT 5
#define SYM_TOL 1e-11

/* ---------------------------------------------------------------------- */
/* the loss: mean cross-entropy over labelled rows + Σ R ⊙ logits there */

typedef struct {
  DdSeq2seq      *m;
  DdSeq2seqBatch  batch;
  int             src[NB * LS], src_len[NB], tgt_in[NB * LT], tgt_out[NB * LT];
  dd_real        *R;         /* (NB·LT, VT) the linear part */
  double          lin;       /* its weight */
  dd_real        *dlogits, *rdlogits;
  guint64         noise;     /* dropout: every forward's masks (0: none) */
} Problem;

static int
n_labelled (const DdSeq2seqBatch *b)
{
  int n = 0;
  for (int r = 0; r < b->B * b->Lt; r++)
    n += b->tgt_out[r] >= 0;
  return n;
}

/* the loss of logits (rows, V); with dlogits, its gradient; with rlogits and
 * rdlogits, the gradient's derivative along rlogits */
static double
loss_eval (const DdSeq2seqBatch *b, const dd_real *logits, const dd_real *R, double lin,
           int V, dd_real *dlogits, const dd_real *rlogits, dd_real *rdlogits)
{
  const int rows = b->B * b->Lt, n = MAX (1, n_labelled (b));
  double L = 0;

  for (int r = 0; r < rows; r++)
    {
      const dd_real *z = logits + (size_t) r * V;
      const int y = b->tgt_out[r];
      if (y < 0)
        {
          if (dlogits)
            memset (dlogits + (size_t) r * V, 0, V * sizeof (dd_real));
          if (rdlogits)
            memset (rdlogits + (size_t) r * V, 0, V * sizeof (dd_real));
          continue;
        }
      double mx = z[0], sum = 0, pr = 0;
      for (int j = 1; j < V; j++)
        mx = fmax (mx, z[j]);
      for (int j = 0; j < V; j++)
        sum += exp (z[j] - mx);
      const double lse = mx + log (sum);
      L += (lse - z[y]) / n;
      for (int j = 0; j < V; j++)
        L += lin * R[(size_t) r * V + j] * z[j];
      if (rlogits)
        for (int j = 0; j < V; j++)
          pr += exp (z[j] - lse) * rlogits[(size_t) r * V + j];
      for (int j = 0; j < V; j++)
        {
          const double p = exp (z[j] - lse);
          if (dlogits)
            dlogits[(size_t) r * V + j] = (dd_real) ((p - (j == y)) / n + lin * R[(size_t) r * V + j]);
          if (rdlogits)
            rdlogits[(size_t) r * V + j] = (dd_real) (p * (rlogits[(size_t) r * V + j] - pr) / n);
        }
    }
  return L;
}

static double
problem_loss (gpointer data)
{
  Problem *p = data;
  dd_seq2seq_set_noise (p->m, p->noise);
  dd_seq2seq_forward (p->m, &p->batch, NULL);
  return loss_eval (&p->batch, p->m->logits, p->R, p->lin, VT, NULL, NULL, NULL);
}

/* grads = ∇L; with v, also hv = H·v */
static void
problem_gradient (Problem *p, const dd_real *v, dd_real *hv)
{
  dd_seq2seq_zero_grad (p->m);
  dd_seq2seq_set_noise (p->m, p->noise);
  dd_seq2seq_forward (p->m, &p->batch, v);
  loss_eval (&p->batch, p->m->logits, p->R, p->lin, VT, p->dlogits,
             v ? p->m->rlogits : NULL, v ? p->rdlogits : NULL);
  dd_seq2seq_backward (p->m, &p->batch, p->dlogits, v, v ? p->rdlogits : NULL, hv);
}

/* the next tiny_model ties its embeddings, or has a bidirectional encoder
 * (the variants of the tests) */
static gboolean tie_next, bidir_next, feed_next;
static int lanes_next = 1;   /* and splits its batches between this many lanes */

static DdSeq2seq *
tiny_model (int Vs, int Vt, int E, int H, int B, int Ls, int Lt, double noise, guint64 seed)
{
  g_autoptr(GError) error = NULL;
  DdSeq2seqSpec spec = { Vs, Vt, E, H, B, Ls, Lt };
  spec.tie_embeddings = tie_next;
  spec.bidirectional = bidir_next;
  spec.input_feed = feed_next;
  DdSeq2seq *m = dd_seq2seq_new (&spec, &error);
  DdRng rng;

  g_assert_no_error (error);
  g_assert_nonnull (m);
  dd_seq2seq_set_threads (m, lanes_next);
  dd_rng_seed (&rng, seed);
  dd_seq2seq_init (m, &rng);
  /* non-zero biases and stronger embeddings, so that every path matters */
  for (size_t i = 0; i < m->n_params; i++)
    m->params[i] += (dd_real) (noise * dd_rng_normal (&rng));
  return m;
}

/* three sentences of source lengths 4, 2, 3 and target lengths 5, 2, 4 */
static void
problem_init (Problem *p, guint64 seed)
{
  static const int src[NB * LS] = { 4, 5, 6, 7,   8, 9, 0, 0,   5, 4, 9, 0 };
  static const int len[NB] = { 4, 2, 3 };
  static const int tin[NB * LT] = { 2, 4, 5, 6, 7,   2, 8, 0, 0, 0,   2, 9, 10, 11, 0 };
  static const int tout[NB * LT] = { 4, 5, 6, 7, 3,   8, 3, -1, -1, -1,   9, 10, 11, 3, -1 };

  memset (p, 0, sizeof *p);
  p->m = tiny_model (VS, VT, 5, 6, NB, LS, LT, 0.1, seed);
  memcpy (p->src, src, sizeof src);
  memcpy (p->src_len, len, sizeof len);
  memcpy (p->tgt_in, tin, sizeof tin);
  memcpy (p->tgt_out, tout, sizeof tout);
  p->batch = (DdSeq2seqBatch) { NB, LS, LT, p->src, p->src_len, p->tgt_in, p->tgt_out };
  p->R = new_normal ((size_t) NB * LT * VT, 1.0, seed + 7);
  p->lin = 0.1;
  p->dlogits = g_new0 (dd_real, (size_t) NB * LT * VT);
  p->rdlogits = g_new0 (dd_real, (size_t) NB * LT * VT);
}

/* the same model with dropout, every forward with the masks of key */
static void
problem_set_dropout (Problem *p, double dropout, double word_dropout, guint64 key)
{
  g_autoptr(GError) error = NULL;
  DdSeq2seqSpec spec = p->m->spec;

  spec.dropout = dropout;
  spec.word_dropout = word_dropout;
  DdSeq2seq *m = dd_seq2seq_new (&spec, &error);
  g_assert_no_error (error);
  memcpy (m->params, p->m->params, m->n_params * sizeof (dd_real));
  dd_seq2seq_set_threads (m, dd_seq2seq_get_threads (p->m));
  dd_seq2seq_free (p->m);
  p->m = m;
  p->noise = key;
}

static void
problem_clear (Problem *p)
{
  dd_seq2seq_free (p->m);
  g_free (p->R);
  g_free (p->dlogits);
  g_free (p->rdlogits);
}

/* ---------------------------------------------------------------------- */

static void
check_gradient (double dropout, double word_dropout)
{
  Problem p;
  problem_init (&p, 11);
  if (dropout > 0 || word_dropout > 0)
    problem_set_dropout (&p, dropout, word_dropout, 4242);
  const size_t P = p.m->n_params;
  g_autofree dd_real *grads = g_new (dd_real, P);

  problem_gradient (&p, NULL, NULL);
  memcpy (grads, p.m->grads, P * sizeof (dd_real));
  gradcheck_assert ("seq2seq ∇L (every parameter)", grads, p.m->params, P,
                    problem_loss, &p, GRADCHECK_TOL);
  /* accumulation: a second backward adds the same again */
  dd_seq2seq_set_noise (p.m, p.noise);
  dd_seq2seq_forward (p.m, &p.batch, NULL);
  dd_seq2seq_backward (p.m, &p.batch, p.dlogits, NULL, NULL, NULL);
  dd_seq2seq_backward (p.m, &p.batch, p.dlogits, NULL, NULL, NULL);
  for (size_t i = 0; i < P; i++)
    g_assert_cmpfloat (fabs (p.m->grads[i] - 3 * grads[i]), <=, 1e-12 * (1 + fabs (grads[i])));
  problem_clear (&p);
}

/* dst = x + t·d */
static void
step_along (dd_real *dst, const dd_real *x, double t, const dd_real *d, size_t n)
{
  for (size_t i = 0; i < n; i++)
    dst[i] = (dd_real) (x[i] + t * d[i]);
}

static void
test_rlogits (void)
{
  Problem p;
  problem_init (&p, 12);
  const size_t P = p.m->n_params, n = (size_t) NB * LT * VT;
  const double h = GRADCHECK_EPS;
  g_autofree dd_real *theta = g_memdup2 (p.m->params, P * sizeof (dd_real));
  g_autofree dd_real *v = new_normal (P, 1.0, 99);
  g_autofree dd_real *plus = g_new (dd_real, n);
  g_autofree dd_real *rl = g_new (dd_real, n);
  g_autofree double *numeric = g_new (double, n);

  dd_seq2seq_forward (p.m, &p.batch, v);
  memcpy (rl, p.m->rlogits, n * sizeof (dd_real));
  step_along (p.m->params, theta, h, v, P);
  dd_seq2seq_forward (p.m, &p.batch, NULL);
  memcpy (plus, p.m->logits, n * sizeof (dd_real));
  step_along (p.m->params, theta, -h, v, P);
  dd_seq2seq_forward (p.m, &p.batch, NULL);
  for (size_t i = 0; i < n; i++)
    numeric[i] = ((double) plus[i] - p.m->logits[i]) / (2 * h);
  memcpy (p.m->params, theta, P * sizeof (dd_real));
  g_assert_cmpfloat (gradcheck_compare ("seq2seq R{logits}", rl, numeric, n), <=, GRADCHECK_TOL);
  problem_clear (&p);
}

static double
dotp (const dd_real *a, const dd_real *b, size_t n)
{
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += (double) a[i] * b[i];
  return s;
}

static double
norm (const dd_real *a, size_t n)
{
  return sqrt (dotp (a, a, n));
}

static void
check_hvp (double dropout, double word_dropout)
{
  Problem p;
  problem_init (&p, 13);
  if (dropout > 0 || word_dropout > 0)
    problem_set_dropout (&p, dropout, word_dropout, 777);
  const size_t P = p.m->n_params;
  const double h = GRADCHECK_EPS;
  g_autofree dd_real *theta = g_memdup2 (p.m->params, P * sizeof (dd_real));
  g_autofree dd_real *g0 = g_new (dd_real, P);
  g_autofree dd_real *gp = g_new (dd_real, P);
  g_autofree dd_real *hv0 = g_new (dd_real, P), *hv1 = g_new (dd_real, P);
  g_autofree dd_real *v0 = new_normal (P, 1.0, 101), *v1 = new_normal (P, 1.0, 202);
  dd_real *hv[2] = { hv0, hv1 }, *v[2] = { v0, v1 };
  g_autofree double *numeric = g_new (double, P);

  /* the gradient is unchanged by also computing H·v */
  problem_gradient (&p, NULL, NULL);
  memcpy (g0, p.m->grads, P * sizeof (dd_real));
  for (int k = 0; k < 2; k++)
    {
      problem_gradient (&p, v[k], hv[k]);
      g_assert_cmpfloat (max_rel_diff (p.m->grads, g0, P), <=, 1e-13);

      step_along (p.m->params, theta, h, v[k], P);
      problem_gradient (&p, NULL, NULL);
      memcpy (gp, p.m->grads, P * sizeof (dd_real));
      step_along (p.m->params, theta, -h, v[k], P);
      problem_gradient (&p, NULL, NULL);
      for (size_t i = 0; i < P; i++)
        numeric[i] = ((double) gp[i] - p.m->grads[i]) / (2 * h);
      memcpy (p.m->params, theta, P * sizeof (dd_real));
      g_assert_cmpfloat (gradcheck_compare (k ? "seq2seq H·v (second v)" : "seq2seq H·v (first v)",
                                            hv[k], numeric, P), <=, GRADCHECK_TOL);
    }
  /* the Hessian is symmetric: v₁ᵀ(H v₀) = v₀ᵀ(H v₁) */
  double a = dotp (v[1], hv[0], P), b = dotp (v[0], hv[1], P);
  double rel = fabs (a - b) / (norm (v[0], P) * norm (hv[1], P));
  g_test_message ("seq2seq v₁ᵀHv₀ − v₀ᵀHv₁: %.3e relative", rel);
  g_assert_cmpfloat (rel, <=, SYM_TOL);
  problem_clear (&p);
}

/* tied embeddings: Et is both the decoder's input table and the output
 * layer, no Wo, and Wc and bc have E rows */
static void
test_tied_layout (void)
{
  DdSeq2seq *a = tiny_model (VS, VT, 5, 6, NB, LS, LT, 0.1, 11);
  tie_next = TRUE;
  DdSeq2seq *b = tiny_model (VS, VT, 5, 6, NB, LS, LT, 0.1, 11);
  tie_next = FALSE;

  g_assert_true (b->spec.tie_embeddings);
  g_assert_cmpuint (b->off.Wo, ==, b->off.Et);
  /* no Wo (VT × H); Wc and bc are E rows, not H */
  g_assert_cmpuint (a->n_params - b->n_params, ==, (size_t) VT * 6 + (size_t) (6 - 5) * (2 * 6 + 1));
  g_assert_nonnull (strstr (b->description, "tied embeddings"));
  g_assert_null (strstr (a->description, "tied"));
  dd_seq2seq_free (a);
  dd_seq2seq_free (b);
}

/* The two directions, against two one-directional encoders of the same
 * weights: the forward GRU's states are a plain encoder's on the source,
 * the backward GRU's a plain encoder's (with enc2's weights) on each source
 * reversed, the annotations their sums at the same token, and the decoder's
 * first state the sum of the last states. */
static void
test_bidir_directions (void)
{
  Problem p;
  bidir_next = TRUE;
  problem_init (&p, 15);
  bidir_next = FALSE;
  DdSeq2seq *f = tiny_model (VS, VT, 5, 6, NB, LS, LT, 0.1, 15);
  DdSeq2seq *r = tiny_model (VS, VT, 5, 6, NB, LS, LT, 0.1, 15);
  const DdSeq2seq *m = p.m;
  const size_t enc = 3 * 6 * 5 + 3 * 6 * 6 + 6 * 6;  /* one GRU's weights and biases */
  int rsrc[NB * LS];
  DdSeq2seqBatch rb = p.batch;

  g_assert_cmpuint (m->n_params - f->n_params, ==, enc);
  g_assert_nonnull (strstr (m->description, "bidirectional encoder"));
  memcpy (f->params + f->off.Es, m->params + m->off.Es, (size_t) VS * 5 * sizeof (dd_real));
  memcpy (r->params + r->off.Es, m->params + m->off.Es, (size_t) VS * 5 * sizeof (dd_real));
  memcpy (f->params + f->off.enc_Wih, m->params + m->off.enc_Wih, enc * sizeof (dd_real));
  memcpy (r->params + r->off.enc_Wih, m->params + m->off.enc2_Wih, enc * sizeof (dd_real));
  memcpy (rsrc, p.src, sizeof rsrc);
  for (int b = 0; b < NB; b++)
    for (int i = 0; i < p.src_len[b]; i++)
      rsrc[b * LS + i] = p.src[b * LS + p.src_len[b] - 1 - i];
  rb.src = rsrc;

  dd_seq2seq_forward (p.m, &p.batch, NULL);
  dd_seq2seq_forward (f, &p.batch, NULL);
  dd_seq2seq_forward (r, &rb, NULL);
  const Priv *pm = m->priv, *pf = f->priv, *pr = r->priv;
  const int H = 6;
  for (int b = 0; b < NB; b++)
    {
      const int n = p.src_len[b];
      /* each encoder ranks sentence b alike (the same lengths) */
      const size_t k = (size_t) pm->eo.rank[b] * H, ldt = (size_t) NB * H;
      for (int i = 0; i < n; i++)
        for (int j = 0; j < H; j++)
          {
            const double fw = pf->a.he[(i + 1) * ldt + k + j];  /* after token i */
            const double bw = pr->a.he[(n - i) * ldt + k + j];  /* after token i, backwards */
            g_assert_cmpfloat (fabs (pm->a.hf[(i + 1) * ldt + k + j] - fw), <=, 1e-14);
            g_assert_cmpfloat (fabs (pm->a.hb[(n - i) * ldt + k + j] - bw), <=, 1e-14);
            g_assert_cmpfloat (fabs (pm->a.he[(i + 1) * ldt + k + j] - (fw + bw)), <=, 1e-14);
          }
      /* the decoder starts from f_{n−1} + b_0 */
      const size_t s0 = (size_t) pm->dor.rank[b] * H;
      for (int j = 0; j < H; j++)
        g_assert_cmpfloat (fabs (pm->a.hd[s0 + j] - (pf->a.he[n * ldt + k + j] +
                                                     pr->a.he[n * ldt + k + j])), <=, 1e-14);
    }
  dd_seq2seq_free (f);
  dd_seq2seq_free (r);
  problem_clear (&p);
}

/* The gradient and H·v checks, for every variant of the model: as it is;
 * with dropout (for fixed masks); with tied embeddings (Et both the
 * decoder's input table and the output layer, E = 5 ≠ H = 6); with a
 * bidirectional encoder (word dropout drops a word in both directions). */
typedef struct {
  const char *path;
  gboolean    tied, bidirectional;
  double      dropout, word_dropout;
  int         lanes;   /* the batch's sentences split between lanes (threads) */
  gboolean    feed;    /* input feeding */
} Variant;

static const Variant variants[] = {
  { "",                              FALSE, FALSE, 0,   0,   1 },
  { "/dropout",                      FALSE, FALSE, 0.3, 0.2, 1 },
  { "/tied",                         TRUE,  FALSE, 0,   0,   1 },
  { "/tied/dropout",                 TRUE,  FALSE, 0.3, 0.2, 1 },
  { "/bidirectional",                FALSE, TRUE,  0,   0,   1 },
  { "/bidirectional/dropout",        FALSE, TRUE,  0.3, 0.2, 1 },
  { "/bidirectional/tied/dropout",   TRUE,  TRUE,  0.3, 0.2, 1 },
  { "/lanes2",                       FALSE, FALSE, 0,   0,   2 },
  { "/lanes3/bidirectional/tied/dropout", TRUE, TRUE, 0.3, 0.2, 3 },
  { "/feed",                         FALSE, FALSE, 0,   0,   1, TRUE },
  { "/feed/dropout",                 FALSE, FALSE, 0.3, 0.2, 1, TRUE },
  { "/feed/tied/dropout",            TRUE,  FALSE, 0.3, 0.2, 1, TRUE },
  { "/feed/bidirectional/tied/dropout", TRUE, TRUE, 0.3, 0.2, 1, TRUE },
  { "/lanes2/feed/tied/dropout",     TRUE,  FALSE, 0.3, 0.2, 2, TRUE },
};

/* the next tiny models are v's (NULL: the plain one again) */
static void
use_variant (const Variant *v)
{
  tie_next = v != NULL && v->tied;
  bidir_next = v != NULL && v->bidirectional;
  feed_next = v != NULL && v->feed;
  lanes_next = v != NULL ? v->lanes : 1;
}

/* without dropout, whose masks depend on the lanes */
static const Variant lane_variants[] = {
  { "/2",                            FALSE, FALSE, 0,   0,   2 },
  { "/3/bidirectional/tied",         TRUE,  TRUE,  0,   0,   3 },
  { "/4",                            FALSE, FALSE, 0,   0,   4 },   /* more lanes than sentences */
  { "/3/feed/tied",                  TRUE,  FALSE, 0,   0,   3, TRUE },
};

/* Lanes: the batch's sentences split between 2 or 3 lanes give the whole
 * batch's logits, R{logits}, gradient (added to what the gradients held)
 * and H·v, up to the order of the sums over sentences */
static void
test_lanes_same (gconstpointer data)
{
  const Variant *var = data;
  Problem p, q;

  use_variant (var);
  lanes_next = 1;
  problem_init (&p, 31);
  lanes_next = var->lanes;
  problem_init (&q, 31);
  use_variant (NULL);
  g_assert_cmpint (dd_seq2seq_get_threads (q.m), ==, var->lanes);
  const size_t P = p.m->n_params, n = (size_t) NB * LT * VT;
  g_autofree dd_real *v = new_normal (P, 1.0, 5);
  g_autofree dd_real *hp = g_new (dd_real, P), *hq = g_new (dd_real, P);
  g_autofree dd_real *start = new_normal (P, 0.1, 6);

  for (int round = 0; round < 2; round++)  /* the lanes' buffers are used again */
    {
      memcpy (p.m->grads, start, P * sizeof (dd_real));
      memcpy (q.m->grads, start, P * sizeof (dd_real));
      dd_seq2seq_forward (p.m, &p.batch, v);
      loss_eval (&p.batch, p.m->logits, p.R, p.lin, VT, p.dlogits, p.m->rlogits, p.rdlogits);
      dd_seq2seq_backward (p.m, &p.batch, p.dlogits, v, p.rdlogits, hp);
      dd_seq2seq_forward (q.m, &q.batch, v);
      g_assert_cmpfloat (max_rel_diff (q.m->logits, p.m->logits, n), <=, 1e-13);
      g_assert_cmpfloat (max_rel_diff (q.m->rlogits, p.m->rlogits, n), <=, 1e-13);
      loss_eval (&q.batch, q.m->logits, q.R, q.lin, VT, q.dlogits, q.m->rlogits, q.rdlogits);
      dd_seq2seq_backward (q.m, &q.batch, q.dlogits, v, q.rdlogits, hq);
      g_assert_cmpfloat (max_rel_diff (q.m->grads, p.m->grads, P), <=, 1e-12);
      g_assert_cmpfloat (max_rel_diff (hq, hp, P), <=, 1e-12);
      /* and a plain forward and backward after one with a tangent */
      dd_seq2seq_zero_grad (p.m);
      dd_seq2seq_zero_grad (q.m);
      problem_gradient (&p, NULL, NULL);
      problem_gradient (&q, NULL, NULL);
      g_assert_cmpfloat (max_rel_diff (q.m->grads, p.m->grads, P), <=, 1e-12);
    }
  /* a copy splits as the model does */
  DdSeq2seq *c = dd_seq2seq_copy (q.m);
  g_assert_cmpint (dd_seq2seq_get_threads (c), ==, var->lanes);
  dd_seq2seq_free (c);
  problem_clear (&p);
  problem_clear (&q);
}

static void
test_variant_gradient (gconstpointer data)
{
  use_variant (data);
  check_gradient (((const Variant *) data)->dropout, ((const Variant *) data)->word_dropout);
  use_variant (NULL);
}

static void
test_variant_hvp (gconstpointer data)
{
  use_variant (data);
  check_hvp (((const Variant *) data)->dropout, ((const Variant *) data)->word_dropout);
  use_variant (NULL);
}

/* A forward without a key is the model without dropout, bit for bit; a key
 * is used by one forward only; the same key gives the same masks and
 * another key others; a mask's kept values are scaled so that the mean
 * over many keys is the forward without dropout (checked on the logits'
 * linear part: Wo·E[o ⊙ mask] = Wo·o) */
static void
test_dropout_masks (void)
{
  Problem p, q;
  problem_init (&p, 14);
  problem_init (&q, 14);
  problem_set_dropout (&q, 0.5, 0.0, 0);
  const size_t n = (size_t) NB * LT * VT;
  g_autofree dd_real *plain = g_new (dd_real, n), *a = g_new (dd_real, n);

  dd_seq2seq_forward (p.m, &p.batch, NULL);
  memcpy (plain, p.m->logits, n * sizeof (dd_real));
  dd_seq2seq_forward (q.m, &q.batch, NULL);
  g_assert_cmpmem (q.m->logits, n * sizeof (dd_real), plain, n * sizeof (dd_real));

  dd_seq2seq_set_noise (q.m, 1);
  dd_seq2seq_forward (q.m, &q.batch, NULL);
  memcpy (a, q.m->logits, n * sizeof (dd_real));
  g_assert_cmpint (memcmp (a, plain, n * sizeof (dd_real)), !=, 0);
  dd_seq2seq_forward (q.m, &q.batch, NULL);  /* the key was used */
  g_assert_cmpmem (q.m->logits, n * sizeof (dd_real), plain, n * sizeof (dd_real));
  dd_seq2seq_set_noise (q.m, 1);
  dd_seq2seq_forward (q.m, &q.batch, NULL);
  g_assert_cmpmem (q.m->logits, n * sizeof (dd_real), a, n * sizeof (dd_real));
  dd_seq2seq_set_noise (q.m, 2);
  dd_seq2seq_forward (q.m, &q.batch, NULL);
  g_assert_cmpint (memcmp (q.m->logits, a, n * sizeof (dd_real)), !=, 0);

  /* only the output mask: the embeddings of a model with Es = Et = 0 are
   * zero whatever their masks, so the logits are linear in the masked o */
  problem_set_dropout (&q, 0.5, 0.0, 0);
  memset (q.m->params + q.m->off.Es, 0, (size_t) VS * 5 * sizeof (dd_real));
  memset (q.m->params + q.m->off.Et, 0, (size_t) VT * 5 * sizeof (dd_real));
  dd_seq2seq_forward (q.m, &q.batch, NULL);
  memcpy (plain, q.m->logits, n * sizeof (dd_real));
  enum { KEYS = 4000 };
  g_autofree double *mean = g_new0 (double, n);
  for (int k = 1; k <= KEYS; k++)
    {
      dd_seq2seq_set_noise (q.m, (guint64) k);
      dd_seq2seq_forward (q.m, &q.batch, NULL);
      for (size_t i = 0; i < n; i++)
        mean[i] += q.m->logits[i] / KEYS;
    }
  double worst = 0, scale = 0;
  for (size_t i = 0; i < n; i++)
    {
      worst = fmax (worst, fabs (mean[i] - plain[i]));
      scale = fmax (scale, fabs (plain[i]));
    }
  g_test_message ("dropout 0.5, mean of %d masks: logits within %.3g (largest %.3g)",
                  KEYS, worst, scale);
  g_assert_cmpfloat (scale, >, 0.1);
  g_assert_cmpfloat (worst, <, 0.05 * scale);
  problem_clear (&p);
  problem_clear (&q);
}

/* dd_seq2seq_dropout_masks gives the masks a training forward draws, by
 * padded position: a batch whose every real position has its own token id
 * lets a model without dropout take the input masks into its embedding rows,
 * and an output layer whose first H rows are the unit vectors shows o ⊙ mask
 * in the logits; the two forwards then agree value for value. A split batch
 * (lanes) has its lanes' masks. */
static void
test_dropout_export (gconstpointer data)
{
  const int lanes = GPOINTER_TO_INT (data);
  static int src[NB * LS] = { 1, 2, 3, 4,   5, 6, 0, 0,   7, 8, 9, 0 };
  static int len[NB] = { 4, 2, 3 };
  static int tin[NB * LT] = { 1, 2, 3, 4, 5,   6, 7, 0, 0, 0,   8, 9, 10, 11, 0 };
  static int tout[NB * LT] = { 4, 5, 6, 7, 3,   8, 3, -1, -1, -1,   9, 10, 11, 3, -1 };
  static const int tlen[NB] = { 5, 2, 4 };
  const DdSeq2seqBatch b = { NB, LS, LT, src, len, tin, tout };
  const int E = 5, H = 6;
  const guint64 key = 77;
  Problem p, q;

  lanes_next = lanes;   /* the masks of a split batch are its lanes' */
  problem_init (&p, 21);
  lanes_next = 1;
  problem_set_dropout (&p, 0.3, 0.2, 0);
  problem_init (&q, 21);
  DdSeq2seq *m = p.m;
  memset (m->params + m->off.Wo, 0, (size_t) VT * H * sizeof (dd_real));
  memset (m->params + m->off.bo, 0, VT * sizeof (dd_real));
  for (int j = 0; j < H; j++)
    m->params[m->off.Wo + (size_t) j * H + j] = 1;
  g_autofree dd_real *ms = g_new (dd_real, NB * LS * E), *mt = g_new (dd_real, NB * LT * E);
  g_autofree dd_real *mo = g_new (dd_real, NB * LT * H);
  dd_seq2seq_dropout_masks (m, &b, key, ms, mt, mo);

  /* padding is 0, kept values one scale per kind, each kind has both */
  const dd_real keep_in = (dd_real) (1.0 / ((1.0 - 0.3) * (1.0 - 0.2))), keep_out = (dd_real) (1.0 / (1.0 - 0.3));
  int kept[3] = { 0 }, dropped[3] = { 0 };
  for (int s = 0; s < NB; s++)
    for (int t = 0; t < LT; t++)
      for (int j = 0; j < H; j++)
        {
          const dd_real *v[3] = { t < LS && j < E ? &ms[(s * LS + t) * E + j] : NULL,
                                  j < E ? &mt[(s * LT + t) * E + j] : NULL, &mo[(s * LT + t) * H + j] };
          const gboolean real[3] = { t < len[s], t < tlen[s], t < tlen[s] };
          for (int k = 0; k < 3; k++)
            if (v[k] && !real[k])
              g_assert_cmpfloat (*v[k], ==, 0);
            else if (v[k])
              {
                g_assert_true (*v[k] == 0 || *v[k] == (k < 2 ? keep_in : keep_out));
                kept[k] += *v[k] != 0;
                dropped[k] += *v[k] == 0;
              }
        }
  for (int k = 0; k < 3; k++)
    g_assert_true (kept[k] > 0 && dropped[k] > 0);

  /* the training forward with the key */
  const size_t n = (size_t) NB * LT * VT;
  g_autofree dd_real *a = g_new (dd_real, n);
  dd_seq2seq_set_noise (m, key);
  dd_seq2seq_forward (m, &b, NULL);
  memcpy (a, m->logits, n * sizeof (dd_real));

  /* the same weights without dropout, the input masks in the embeddings */
  memcpy (q.m->params, m->params, m->n_params * sizeof (dd_real));
  for (int s = 0; s < NB; s++)
    {
      for (int t = 0; t < len[s]; t++)
        for (int j = 0; j < E; j++)
          q.m->params[q.m->off.Es + (size_t) src[s * LS + t] * E + j] *= ms[(s * LS + t) * E + j];
      for (int t = 0; t < tlen[s]; t++)
        for (int j = 0; j < E; j++)
          q.m->params[q.m->off.Et + (size_t) tin[s * LT + t] * E + j] *= mt[(s * LT + t) * E + j];
    }
  dd_seq2seq_forward (q.m, &b, NULL);
  int nonzero = 0;
  for (int s = 0; s < NB; s++)
    for (int t = 0; t < tlen[s]; t++)
      for (int j = 0; j < H; j++)
        {
          const size_t r = ((size_t) s * LT + t) * VT + j;
          /* equal but for the rounding of sums over a lane's sentences */
          g_assert_cmpfloat (fabs (a[r] - q.m->logits[r] * mo[(s * LT + t) * H + j]), <=,
                             1e-12 * (1 + fabs (a[r])));
          nonzero += a[r] != 0;
        }
  g_assert_cmpint (nonzero, >, 0);
  problem_clear (&p);
  problem_clear (&q);
}

/* ---------------------------------------------------------------------- */
/* decoding */

/* the length-normalised log-probability of hypothesis y (n ids, then </s>
 * when ended) for source src, by teacher forcing */
static double
hypothesis_score (DdSeq2seq *m, const int *src, int len, const int *y, int n, gboolean ended)
{
  const int Lt = n + (ended ? 1 : 0), V = m->spec.V_tgt;
  g_autofree int *tin = g_new (int, MAX (Lt, 1));
  g_autofree int *tout = g_new (int, MAX (Lt, 1));
  DdSeq2seqBatch b = { 1, len, Lt, src, &len, tin, tout };
  double s = 0;

  g_assert_cmpint (Lt, >=, 1);
  for (int t = 0; t < Lt; t++)
    {
      tin[t] = t == 0 ? DD_TOKEN_BOS : y[t - 1];
      tout[t] = t < n ? y[t] : DD_TOKEN_EOS;
    }
  dd_seq2seq_forward (m, &b, NULL);
  for (int t = 0; t < Lt; t++)
    {
      const dd_real *z = m->logits + (size_t) t * V;
      double mx = z[0], sum = 0;
      for (int j = 1; j < V; j++)
        mx = fmax (mx, z[j]);
      for (int j = 0; j < V; j++)
        sum += exp (z[j] - mx);
      s += z[tout[t]] - mx - log (sum);
    }
  return s / Lt;
}

/* check_decode's sizes: longest hypothesis, sentences, source length */
enum { MAXO = 12, NS = 6, SL = 5 };

/* Greedy decoding, one position at a time, against the teacher-forced
 * forward given its own output: at every position the forward's largest
 * logit among the ids a translation may hold is the one greedy chose (</s>
 * after the last when the hypothesis ended), and the decoder's logits there
 * (the sentence decoded alone for t + 1 positions) are the forward's.
 * Decoding and the forward share no code above the layers, so this checks
 * the decoder's step (and, with input feeding, what it carries from step to
 * step) against the forward. */
static void
assert_forced_argmax (DdSeq2seq *m, const int *src, int len, const int *y, int n, gboolean ended)
{
  const int V = m->spec.V_tgt, Lt = n + (ended ? 1 : 0);

  hypothesis_score (m, src, len, y, n, ended);
  g_autofree dd_real *forced = g_memdup2 (m->logits, (size_t) Lt * V * sizeof (dd_real));
  for (int t = 0; t < Lt; t++)
    {
      const dd_real *z = forced + (size_t) t * V;
      int best = DD_TOKEN_EOS;
      for (int j = 0; j < V; j++)
        if (j != DD_TOKEN_PAD && j != DD_TOKEN_BOS && z[j] > z[best])
          best = j;
      g_assert_cmpint (best, ==, t < n ? y[t] : DD_TOKEN_EOS);

      int out[MAXO + 1], out_len;
      dd_seq2seq_greedy (m, src, &len, 1, len, out, &out_len, t + 1);
      const dd_real *lg = ((const Priv *) m->priv)->dec.lg;
      for (int j = 0; j < V; j++)
        g_assert_cmpfloat (fabs (lg[j] - z[j]), <=, 1e-12 * (1 + fabs (z[j])));
    }
}


/* Beam search with room for 3 ids, at widths 1, 3 and 200: the score it
 * gives its result is the teacher-forced forward's, and at width 200 (more
 * than the 11 + 11² hypotheses that can end before the last step, so that
 * it keeps every prefix and never stops early) the search is exact: its
 * result scores as well as the best of all 1 + 11 + 11² ended hypotheses
 * and the 11³ that fill the room. This checks what beam search carries from
 * a row to its continuations (the state and, with input feeding, o): a
 * continuation given another row's o made it fail. */
static void
assert_beam_scores (DdSeq2seq *m, const int *src, int len)
{
  enum { ROOM = 3 };
  static const int widths[] = { 1, 3, 200 };
  int ids[VT], n_ids = 0, y[ROOM], out[ROOM], n;
  double best = -INFINITY, score;

  for (int j = 0; j < VT; j++)
    if (j != DD_TOKEN_PAD && j != DD_TOKEN_BOS && j != DD_TOKEN_EOS)
      ids[n_ids++] = j;
  for (int k = 0; k <= ROOM; k++)
    {
      int count = 1;
      for (int i = 0; i < k; i++)
        count *= n_ids;
      for (int c = 0; c < count; c++)
        {
          for (int i = 0, q = c; i < k; i++, q /= n_ids)
            y[i] = ids[q % n_ids];
          best = fmax (best, hypothesis_score (m, src, len, y, k, k < ROOM));
        }
    }
  for (int w = 0; w < (int) G_N_ELEMENTS (widths); w++)
    {
      dd_seq2seq_beam_batch (m, src, &len, 1, len, widths[w], out, &n, &score, ROOM);
      const double forced = hypothesis_score (m, src, len, out, n, n < ROOM);
      g_assert_cmpfloat (fabs (score - forced), <=, 1e-9);
      if (widths[w] == 200)
        g_assert_cmpfloat (forced, >=, best - 1e-9);
    }
}

/* the log-probabilities of every next id after prefix y[0..k) by teacher
 * forcing: out (V) */
static void
next_log_probs (DdSeq2seq *m, const int *src, int len, const int *y, int k, double *out)
{
  const int Lt = k + 1, V = m->spec.V_tgt;
  int tin[MAXO + 1], tout[MAXO + 1];
  DdSeq2seqBatch b = { 1, len, Lt, src, &len, tin, tout };

  for (int t = 0; t < Lt; t++)
    {
      tin[t] = t == 0 ? DD_TOKEN_BOS : y[t - 1];
      tout[t] = DD_TOKEN_EOS;   /* any label: every position is real */
    }
  dd_seq2seq_forward (m, &b, NULL);
  const dd_real *z = m->logits + (size_t) k * V;
  double mx = z[0], sum = 0;
  for (int j = 1; j < V; j++)
    mx = fmax (mx, z[j]);
  for (int j = 0; j < V; j++)
    sum += exp (z[j] - mx);
  for (int j = 0; j < V; j++)
    out[j] = z[j] - mx - log (sum);
}

/* A plain beam search, written from the rule dd-seq2seq.h states and scored
 * by teacher forcing, one hypothesis at a time: the W best continuations of
 * the live hypotheses by summed log-probability, the greedy path kept as an
 * extra one until it ends, a search that stops once W have ended and the
 * greedy path has, and hypotheses that fill the room competing at their
 * length. Returns the result's length; *score its normalised score. */
typedef struct {
  int    y[MAXO], n;
  double score;
} Hyp;

static int reference_last_step_wins;

static int
reference_beam (DdSeq2seq *m, const int *src, int len, int W, int room, int *out, double *score)
{
  enum { MAXW = 8 };
  const int V = m->spec.V_tgt;
  Hyp live[MAXW + 1], next[MAXW + 1];
  double lp[MAXW + 1][VT];
  int A = 1, greedy = 0, done = 0, ended = -1, best_n = 0, best_y[MAXO];
  double best = -INFINITY;

  g_assert_cmpint (W, <=, MAXW);
  g_assert_cmpint (V, ==, VT);
  live[0] = (Hyp) { .n = 0, .score = 0 };
  for (int k = 0; k < room && A > 0; k++)
    {
      /* the W best (row, id) pairs, by selection; ties go to the earlier */
      int cr[MAXW], ct[MAXW], nc = 0;
      gboolean taken[MAXW + 1][VT] = { { 0 } };
      for (int j = 0; j < A; j++)
        next_log_probs (m, src, len, live[j].y, k, lp[j]);
      for (int c = 0; c < W; c++)
        {
          int br = -1, bt = -1;
          for (int j = 0; j < A; j++)
            for (int t = 0; t < V; t++)
              if (t != DD_TOKEN_PAD && t != DD_TOKEN_BOS && !taken[j][t] &&
                  (br < 0 || live[j].score + lp[j][t] > live[br].score + lp[br][bt]))
                br = j, bt = t;
          if (br < 0)
            break;
          taken[br][bt] = TRUE;
          cr[nc] = br, ct[nc++] = bt;
        }
      /* the greedy row's best id */
      int gt = -1;
      if (greedy >= 0)
        {
          gt = DD_TOKEN_EOS;
          for (int t = 0; t < V; t++)
            if (t != DD_TOKEN_PAD && t != DD_TOKEN_BOS && lp[greedy][t] > lp[greedy][gt])
              gt = t;
          if (!taken[greedy][gt])
            cr[nc] = greedy, ct[nc++] = gt;
        }
      int A2 = 0, greedy2 = -1;
      for (int c = 0; c < nc; c++)
        {
          const Hyp *h = &live[cr[c]];
          const double sc = h->score + lp[cr[c]][ct[c]];
          const gboolean is_greedy = cr[c] == greedy && ct[c] == gt;
          if (ct[c] == DD_TOKEN_EOS)
            {
              done++;
              if (sc / (k + 1) > best)
                best = sc / (k + 1), best_n = h->n, memcpy (best_y, h->y, h->n * sizeof (int));
              continue;
            }
          next[A2] = *h;
          next[A2].y[next[A2].n++] = ct[c];
          next[A2].score = sc;
          if (is_greedy)
            greedy2 = A2;
          A2++;
        }
      memcpy (live, next, A2 * sizeof (Hyp));
      A = A2;
      greedy = greedy2;
      if (!(A > 0 && (done < W || greedy >= 0)))
        ended = k + 1;
      if (ended >= 0)
        break;
    }
  /* a search that stopped at its last step with live hypotheses that beat
   * every ended one (the case a test is most likely to miss) */
  if (ended == room)
    for (int j = 0; j < A; j++)
      if (live[j].score / room > best)
        {
          reference_last_step_wins++;
          break;
        }
  if (ended < 0 || ended == room)
    for (int j = 0; j < A; j++)
      if (live[j].score / room > best)
        best = live[j].score / room, best_n = room, memcpy (best_y, live[j].y, room * sizeof (int));
  memcpy (out, best_y, best_n * sizeof (int));
  *score = best;
  return best_n;
}

/* the engine's beam search against the reference, at widths 1 to 4 and
 * rooms 1 to 4 */
static void
assert_beam_reference (DdSeq2seq *m, const int *src, int len)
{
  for (int W = 1; W <= 4; W++)
    for (int room = 1; room <= 4; room++)
      {
        int out[MAXO], ref[MAXO], n;
        double score, ref_score;
        dd_seq2seq_beam_batch (m, src, &len, 1, len, W, out, &n, &score, room);
        const int nr = reference_beam (m, src, len, W, room, ref, &ref_score);
        g_assert_cmpfloat (fabs (score - ref_score), <=, 1e-9);
        g_assert_cmpmem (out, n * sizeof (int), ref, nr * sizeof (int));
      }
}

/* check_decode's batched beams: hypotheses shorter than their room, and
 * those that filled it (out of room, the unfinished compete) */
static int beams_short, beams_full;

/* one sentence's beam search on a lane, against the one on the model */
typedef struct {
  DdSeq2seq *m;
  const int *src, *len;
  int      (*beam_out)[MAXO];
  const int *beam_len;
  int        mismatches;   /* written by every lane: only ever 0 → 1 on a failure */
} BeamJob;

static void
beam_item (DdSeq2seq *lane, int i, gpointer data)
{
  BeamJob *job = data;
  int out[MAXO];
  const int n = dd_seq2seq_beam (lane, job->src + i * SL, job->len[i], 4, out, MAXO);

  if (n != job->beam_len[i] || memcmp (out, job->beam_out[i], n * sizeof (int)) != 0)
    g_atomic_int_set (&job->mismatches, 1);
}

static void
check_decode (void)
{
  /* a sharper output layer, so that the hypotheses end */
  DdSeq2seq *m = tiny_model (VS, VT, 5, 6, NS, SL, MAXO + 1, 0.3, 21);
  const size_t P = m->n_params, nl = (size_t) NS * (MAXO + 1) * VT;
  DdRng rng;
  int src[NS * SL], len[NS], out[NS * MAXO], out_len[NS];
  double margin = INFINITY;

  for (size_t i = 0; i < (size_t) VT * (m->spec.tie_embeddings ? m->spec.emb : m->spec.hidden); i++)
    m->params[m->off.Wo + i] *= 4;
  m->params[m->off.bo + DD_TOKEN_EOS] += 1.5;
  dd_rng_seed (&rng, 5);
  for (int i = 0; i < NS; i++)
    {
      len[i] = 1 + (int) dd_rng_below (&rng, SL);
      for (int t = 0; t < SL; t++)
        src[i * SL + t] = t < len[i] ? 4 + (int) dd_rng_below (&rng, VS - 4) : 0;
    }
  for (size_t i = 0; i < P; i++)
    m->grads[i] = (dd_real) i;
  memset (m->logits, 0, nl * sizeof (dd_real));
  m->logits[7] = 1.5;
  g_autofree dd_real *params = g_memdup2 (m->params, P * sizeof (dd_real));
  g_autofree dd_real *grads = g_memdup2 (m->grads, P * sizeof (dd_real));
  g_autofree dd_real *logits = g_memdup2 (m->logits, nl * sizeof (dd_real));

  dd_seq2seq_greedy (m, src, len, NS, SL, out, out_len, MAXO);
  int ended = 0;
  int beam_out[NS][MAXO], beam_len[NS];
  for (int i = 0; i < NS; i++)
    {
      int one[MAXO];
      int n1 = dd_seq2seq_beam (m, src + i * SL, len[i], 1, one, MAXO);
      g_assert_cmpint (n1, ==, out_len[i]);
      g_assert_cmpmem (one, n1 * sizeof (int), out + i * MAXO, out_len[i] * sizeof (int));
      beam_len[i] = dd_seq2seq_beam (m, src + i * SL, len[i], 4, beam_out[i], MAXO);
      ended += out_len[i] < MAXO;
    }
  g_test_message ("greedy: %d of %d hypotheses ended with </s>", ended, NS);

  /* the NS sentences' searches together, each the one it is alone: at full
   * room, and with room for 3 ids or 1, where some run out (their
   * unfinished hypotheses compete) while others have ended */
  static const int rooms[] = { MAXO, 3, 1 };
  g_autoptr(DdSeq2seq) judge = dd_seq2seq_copy (m);
  for (int r = 0; r < (int) G_N_ELEMENTS (rooms); r++)
    for (int width = 1; width <= 4; width += 3)
      {
        const int room = rooms[r];
        int batch_out[NS * MAXO], batch_len[NS];
        double batch_score[NS];
        dd_seq2seq_beam_batch (m, src, len, NS, SL, width, batch_out, batch_len, batch_score,
                               room);
        for (int i = 0; i < NS; i++)
          {
            int alone[MAXO];
            const int n = dd_seq2seq_beam (m, src + i * SL, len[i], width, alone, room);
            g_assert_cmpmem (batch_out + i * room, batch_len[i] * sizeof (int),
                             alone, n * sizeof (int));
            beams_short += n < room;
            beams_full += n == room;
          }
        /* the score the search gave each result is the teacher-forced one
         * (on a copy, which decoding must not write into) */
        for (int i = 0; i < NS; i++)
          g_assert_cmpfloat (fabs (batch_score[i] - hypothesis_score (judge, src + i * SL, len[i],
                                                                      batch_out + i * room,
                                                                      batch_len[i],
                                                                      batch_len[i] < room)),
                             <=, 1e-9);
      }
  /* translations never hold <pad> or <s> (nor </s>, which ends them) */
  for (int i = 0; i < NS; i++)
    {
      for (int k = 0; k < out_len[i]; k++)
        g_assert_true (out[i * MAXO + k] != DD_TOKEN_PAD && out[i * MAXO + k] != DD_TOKEN_BOS &&
                       out[i * MAXO + k] != DD_TOKEN_EOS);
      for (int k = 0; k < beam_len[i]; k++)
        g_assert_true (beam_out[i][k] != DD_TOKEN_PAD && beam_out[i][k] != DD_TOKEN_BOS &&
                       beam_out[i][k] != DD_TOKEN_EOS);
    }
  /* decoding wrote none of them */
  g_assert_cmpmem (m->params, P * sizeof (dd_real), params, P * sizeof (dd_real));
  g_assert_cmpmem (m->grads, P * sizeof (dd_real), grads, P * sizeof (dd_real));
  g_assert_cmpmem (m->logits, nl * sizeof (dd_real), logits, nl * sizeof (dd_real));

  for (int i = 0; i < NS; i++)
    assert_forced_argmax (m, src + i * SL, len[i], out + i * MAXO, out_len[i], out_len[i] < MAXO);
  for (int i = 0; i < NS; i++)
    assert_beam_scores (m, src + i * SL, len[i]);
  /* and with </s> and <unk> unlikely, so that the best hypotheses fill the
   * room with words, and continue rows other than each step's first */
  DdSeq2seq *spread = dd_seq2seq_copy (m);
  spread->params[spread->off.bo + DD_TOKEN_EOS] -= 8;
  spread->params[spread->off.bo + DD_TOKEN_UNK] -= 8;
  /* and on 40 more models whose </s> runs from unlikely to likely, where
   * some searches stop at their last step with the unfinished ahead */
  for (int trial = 0; trial < 40; trial++)
    {
      DdSeq2seq *r = tiny_model (VS, VT, 5, 6, NS, SL, MAXO + 1, 0.3 + 0.05 * (trial % 5), 100 + trial);
      for (size_t q = 0; q < (size_t) VT * (r->spec.tie_embeddings ? r->spec.emb : r->spec.hidden); q++)
        r->params[r->off.Wo + q] *= 4;
      r->params[r->off.bo + DD_TOKEN_EOS] += -3 + 0.5 * (trial % 9);
      for (int i = 0; i < NS; i++)
        assert_beam_reference (r, src + i * SL, len[i]);
      dd_seq2seq_free (r);
    }
  for (int i = 0; i < NS; i++)
    {
      assert_beam_scores (spread, src + i * SL, len[i]);
      assert_beam_reference (spread, src + i * SL, len[i]);
      assert_beam_reference (m, src + i * SL, len[i]);
    }
  dd_seq2seq_free (spread);
  for (int i = 0; i < NS; i++)
    {
      double sg = hypothesis_score (m, src + i * SL, len[i], out + i * MAXO, out_len[i],
                                    out_len[i] < MAXO);
      double sb = hypothesis_score (m, src + i * SL, len[i], beam_out[i], beam_len[i],
                                    beam_len[i] < MAXO);
      g_test_message ("sentence %d: greedy %d ids, score %.6f; beam 4: %d ids, score %.6f",
                      i, out_len[i], sg, beam_len[i], sb);
      g_assert_cmpfloat (sb, >=, sg - 1e-9);
      margin = fmin (margin, sb - sg);
    }
  g_test_message ("smallest beam − greedy score: %.3e", margin);

  /* on three lanes (dd_seq2seq_map: sentence i on lane i mod 3, each a
   * shadow with scratch of its own) the same beam hypotheses */
  BeamJob job = { m, src, len, beam_out, beam_len, 0 };
  dd_seq2seq_set_threads (m, 3);
  dd_seq2seq_map (m, NS, beam_item, &job);
  g_assert_cmpint (job.mismatches, ==, 0);
  dd_seq2seq_free (m);
}

/* the decoders' output layer agrees with the teacher-forced one (scored
 * above by the forward), untied and tied */
static void
test_decode (void)
{
  check_decode ();
  tie_next = TRUE;
  check_decode ();
  bidir_next = TRUE;
  check_decode ();
  feed_next = TRUE;
  check_decode ();
  tie_next = bidir_next = FALSE;
  check_decode ();
  feed_next = FALSE;
  g_test_message ("beams together and alone: %d hypotheses shorter than their room, %d filling it",
                  beams_short, beams_full);
  g_assert_cmpint (beams_short, >, 0);
  g_assert_cmpint (beams_full, >, 0);
  g_test_message ("reference beams that stopped at their last step with an unfinished "
                  "hypothesis ahead: %d", reference_last_step_wins);
  g_assert_cmpint (reference_last_step_wins, >, 0);
}

/* ---------------------------------------------------------------------- */
/* learning to copy */

static void
test_train_copy (void)
{
  enum { NSENT = 20, L = 6, V = 10, STEPS = 400 };
  DdSeq2seq *m = tiny_model (V, V, 16, 32, NSENT, L, L + 1, 0.0, 31);
  int src[NSENT * L], len[NSENT], tin[NSENT * (L + 1)], tout[NSENT * (L + 1)];
  int out[NSENT * (L + 2)], out_len[NSENT];
  const size_t rows = (size_t) NSENT * (L + 1);
  g_autofree dd_real *dl = g_new (dd_real, rows * V);
  g_autofree dd_real *zero = g_new0 (dd_real, rows * V);
  DdSeq2seqBatch b = { NSENT, L, L + 1, src, len, tin, tout };
  DdRng rng;
  double first = 0, last = 0;
  const double lr = 1.0;

  dd_rng_seed (&rng, 77);
  for (int i = 0; i < NSENT; i++)
    {
      len[i] = 3 + (int) dd_rng_below (&rng, L - 2);
      for (int t = 0; t < L; t++)
        src[i * L + t] = t < len[i] ? DD_N_SPECIAL_TOKENS + (int) dd_rng_below (&rng, V - 4) : 0;
      for (int t = 0; t <= L; t++)
        {
          tin[i * (L + 1) + t] = t == 0 ? DD_TOKEN_BOS : t <= len[i] ? src[i * L + t - 1] : 0;
          tout[i * (L + 1) + t] = t < len[i] ? src[i * L + t] : t == len[i] ? DD_TOKEN_EOS : -1;
        }
    }
  for (int step = 0; step < STEPS; step++)
    {
      dd_seq2seq_zero_grad (m);
      dd_seq2seq_forward (m, &b, NULL);
      double ce = loss_eval (&b, m->logits, zero, 0.0, V, dl, NULL, NULL);
      dd_seq2seq_backward (m, &b, dl, NULL, NULL, NULL);
      for (size_t i = 0; i < m->n_params; i++)
        m->params[i] -= (dd_real) lr * m->grads[i];
      if (step == 0)
        first = ce;
      last = ce;
    }
  dd_seq2seq_greedy (m, src, len, NSENT, L, out, out_len, L + 2);
  int copied = 0;
  for (int i = 0; i < NSENT; i++)
    copied += out_len[i] == len[i] &&
              memcmp (out + i * (L + 2), src + i * L, len[i] * sizeof (int)) == 0;
  g_test_message ("copy task: mean CE %.4f → %.4f in %d SGD steps; greedy copies %d of %d",
                  first, last, STEPS, copied, NSENT);
  g_assert_cmpfloat (last, <=, 0.5 * first);
  g_assert_cmpint (copied, >, NSENT / 2);
  dd_seq2seq_free (m);
}

/* ---------------------------------------------------------------------- */
/* padding */

static void
check_padding (void)
{
  Problem p, q;
  problem_init (&p, 14);
  problem_init (&q, 14);
  const size_t P = p.m->n_params;
  g_autofree dd_real *v = new_normal (P, 1.0, 303);
  g_autofree dd_real *hp = g_new (dd_real, P);
  g_autofree dd_real *hq = g_new (dd_real, P);

  /* garbage past sentence 2's length, in ids nothing else uses (10 in the
   * source, 12 in the target), and different garbage in q */
  p.src[1 * LS + 2] = p.src[1 * LS + 3] = 10;
  q.src[1 * LS + 2] = 3;
  q.src[1 * LS + 3] = 1;
  for (int t = 2; t < LT; t++)
    {
      p.tgt_in[1 * LT + t] = 12;
      q.tgt_in[1 * LT + t] = 1 + t;
    }
  p.src[2 * LS + 3] = 10;
  p.tgt_in[2 * LT + 4] = 12;
  q.tgt_in[2 * LT + 4] = 5;

  problem_gradient (&p, v, hp);
  problem_gradient (&q, v, hq);
  for (size_t r = 0; r < (size_t) NB * LT; r++)
    if (p.tgt_out[r] >= 0)
      g_assert_cmpmem (p.m->logits + r * VT, VT * sizeof (dd_real),
                       q.m->logits + r * VT, VT * sizeof (dd_real));
  g_assert_cmpmem (p.m->grads, P * sizeof (dd_real), q.m->grads, P * sizeof (dd_real));
  g_assert_cmpmem (hp, P * sizeof (dd_real), hq, P * sizeof (dd_real));
  /* the garbage-only embedding rows get nothing */
  for (int j = 0; j < 5; j++)
    {
      g_assert_cmpfloat (p.m->grads[p.m->off.Es + 10 * 5 + j], ==, 0.0);
      g_assert_cmpfloat (p.m->grads[p.m->off.Et + 12 * 5 + j], ==, 0.0);
      g_assert_cmpfloat (hp[p.m->off.Es + 10 * 5 + j], ==, 0.0);
      g_assert_cmpfloat (hp[p.m->off.Et + 12 * 5 + j], ==, 0.0);
    }

  /* sentence 2 alone, unpadded, gives the same logits */
  DdSeq2seqBatch one = { 1, 2, 2, p.src + LS, p.src_len + 1, p.tgt_in + LT, p.tgt_out + LT };
  g_autofree dd_real *padded = g_memdup2 (p.m->logits + (size_t) LT * VT, 2 * VT * sizeof (dd_real));
  dd_seq2seq_forward (q.m, &one, NULL);
  double diff = max_rel_diff (q.m->logits, padded, 2 * VT);
  g_test_message ("sentence alone against padded: max rel diff %.3e", diff);
  g_assert_cmpfloat (diff, <=, 1e-12);
  problem_clear (&p);
  problem_clear (&q);
}

/* ---------------------------------------------------------------------- */
/* a batch is the sum of its sentences */

/* Sentences of tied, unequal and single-token lengths, one without labels,
 * in an order that is not by length: the batch's logits, R{logits}, gradient
 * and H·v (for fixed dlogits and rdlogits, on which they depend linearly)
 * are those of each sentence alone, summed. */
static void
check_batch_sum (void)
{
  enum { NS = 7, SL = 5, TL = 6 };
  static const int slen[NS] = { 3, 5, 1, 3, 5, 2, 4 };
  static const int tlen[NS] = { 4, 2, 0, 6, 4, 6, 1 };
  DdSeq2seq *m = tiny_model (VS, VT, 5, 6, NS, SL, TL, 0.1, 41);
  const size_t P = m->n_params, rows = (size_t) NS * TL, nl = rows * VT;
  int src[NS * SL], tin[NS * TL], tout[NS * TL];
  DdRng rng;

  dd_rng_seed (&rng, 9);
  for (int i = 0; i < NS; i++)
    {
      for (int t = 0; t < SL; t++)
        src[i * SL + t] = t < slen[i] ? 4 + (int) dd_rng_below (&rng, VS - 4) : 0;
      for (int t = 0; t < TL; t++)
        {
          tin[i * TL + t] = t == 0 ? DD_TOKEN_BOS : t < tlen[i] ? 4 + (int) dd_rng_below (&rng, VT - 4) : 0;
          tout[i * TL + t] = t < tlen[i] ? 3 + (int) dd_rng_below (&rng, VT - 3) : -1;
        }
    }
  g_autofree dd_real *v = new_normal (P, 1.0, 404);
  g_autofree dd_real *dl = new_normal (nl, 1.0, 405);
  g_autofree dd_real *rdl = new_normal (nl, 1.0, 406);
  for (size_t r = 0; r < rows; r++)
    if (tout[r] < 0)
      {
        memset (dl + r * VT, 0, VT * sizeof (dd_real));
        memset (rdl + r * VT, 0, VT * sizeof (dd_real));
      }
  g_autofree dd_real *hv = g_new (dd_real, P);
  g_autofree dd_real *hv1 = g_new (dd_real, P);
  g_autofree dd_real *hv_sum = g_new0 (dd_real, P);
  g_autofree dd_real *g_sum = g_new0 (dd_real, P);
  g_autofree dd_real *lg = g_new (dd_real, nl);
  g_autofree dd_real *rlg = g_new (dd_real, nl);
  DdSeq2seqBatch b = { NS, SL, TL, src, slen, tin, tout };

  dd_seq2seq_zero_grad (m);
  dd_seq2seq_forward (m, &b, v);
  memcpy (lg, m->logits, nl * sizeof (dd_real));
  memcpy (rlg, m->rlogits, nl * sizeof (dd_real));
  dd_seq2seq_backward (m, &b, dl, v, rdl, hv);
  g_autofree dd_real *grads = g_memdup2 (m->grads, P * sizeof (dd_real));

  double worst = 0;
  for (int i = 0; i < NS; i++)
    {
      DdSeq2seqBatch one = { 1, SL, TL, src + i * SL, slen + i, tin + i * TL, tout + i * TL };
      const size_t at = (size_t) i * TL * VT;
      dd_seq2seq_zero_grad (m);
      dd_seq2seq_forward (m, &one, v);
      for (size_t j = 0; j < (size_t) TL * VT; j++)
        {
          worst = fmax (worst, fabs (m->logits[j] - lg[at + j]));
          worst = fmax (worst, fabs (m->rlogits[j] - rlg[at + j]));
        }
      dd_seq2seq_backward (m, &one, dl + at, v, rdl + at, hv1);
      for (size_t j = 0; j < P; j++)
        {
          g_sum[j] += m->grads[j];
          hv_sum[j] += hv1[j];
        }
    }
  g_test_message ("batch against its sentences alone: logits max abs diff %.3e, "
                  "gradient max rel diff %.3e, H·v %.3e", worst,
                  max_rel_diff (grads, g_sum, P), max_rel_diff (hv, hv_sum, P));
  g_assert_cmpfloat (worst, <=, 1e-12);
  g_assert_cmpfloat (max_rel_diff (grads, g_sum, P), <=, 1e-12);
  g_assert_cmpfloat (max_rel_diff (hv, hv_sum, P), <=, 1e-12);
  dd_seq2seq_free (m);
}

/* ---------------------------------------------------------------------- */

static void
test_copy_and_flops (void)
{
  Problem p;
  problem_init (&p, 15);
  DdSeq2seq *c = dd_seq2seq_copy (p.m);
  const size_t n = (size_t) NB * LT * VT;

  problem_gradient (&p, NULL, NULL);
  g_assert_cmpmem (c->params, p.m->n_params * sizeof (dd_real),
                   p.m->params, p.m->n_params * sizeof (dd_real));
  dd_seq2seq_forward (c, &p.batch, NULL);
  g_assert_cmpmem (c->logits, n * sizeof (dd_real), p.m->logits, n * sizeof (dd_real));
  g_assert_cmpfloat (dd_seq2seq_step_flops (p.m, &p.batch), >, 0.0);
  g_assert_nonnull (strstr (p.m->description, "H=6"));
  dd_seq2seq_free (c);
  problem_clear (&p);
}

static void
expect_refused (DdSeq2seqSpec spec, const char *words, const char *value)
{
  g_autoptr(GError) error = NULL;
  DdSeq2seq *m = dd_seq2seq_new (&spec, &error);

  g_assert_null (m);
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, words));
  g_assert_nonnull (strstr (error->message, value));
}

static void
test_refuse (void)
{
  DdSeq2seqSpec good = { VS, VT, 5, 6, 3, 4, 5 }, s;
  g_autoptr(GError) error = NULL;
  DdSeq2seq *m = dd_seq2seq_new (&good, &error);

  g_assert_no_error (error);
  dd_seq2seq_free (m);
  s = good, s.hidden = 0;
  expect_refused (s, "hidden", " 0 ");
  s = good, s.emb = -3;
  expect_refused (s, "embedding", "-3");
  s = good, s.V_tgt = 2;
  expect_refused (s, "target vocabulary", " 2 ");
  s = good, s.max_batch = 0;
  expect_refused (s, "batch", " 0 ");
  s = good, s.max_src_len = 100000;
  expect_refused (s, "source length", "100000");
  s = good, s.dropout = 1.0;
  expect_refused (s, "dropout", " 1 ");
  s = good, s.word_dropout = NAN;
  expect_refused (s, "word dropout", "nan");
}

/* padding, and a batch against its sentences alone: also with a
 * bidirectional encoder, whose backward direction starts at each sentence's
 * own last token */
static void
test_padding (void)
{
  check_padding ();
  bidir_next = TRUE;
  check_padding ();
  feed_next = TRUE;
  check_padding ();
  bidir_next = FALSE;
  check_padding ();
  feed_next = FALSE;
}

static void
test_batch_sum (void)
{
  check_batch_sum ();
  bidir_next = TRUE;
  check_batch_sum ();
  feed_next = TRUE;
  check_batch_sum ();
  bidir_next = feed_next = FALSE;
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *g = g_strdup_printf ("/seq2seq%s/gradient", variants[i].path);
      g_autofree char *h = g_strdup_printf ("/seq2seq%s/hvp", variants[i].path);
      g_test_add_data_func (g, &variants[i], test_variant_gradient);
      g_test_add_data_func (h, &variants[i], test_variant_hvp);
    }
  for (guint i = 0; i < G_N_ELEMENTS (lane_variants); i++)
    {
      g_autofree char *path = g_strdup_printf ("/seq2seq/lanes/same%s", lane_variants[i].path);
      g_test_add_data_func (path, &lane_variants[i], test_lanes_same);
    }
  g_test_add_func ("/seq2seq/rlogits", test_rlogits);
  g_test_add_func ("/seq2seq/dropout/masks", test_dropout_masks);
  g_test_add_data_func ("/seq2seq/dropout/export", GINT_TO_POINTER (1), test_dropout_export);
  g_test_add_data_func ("/seq2seq/dropout/export/lanes2", GINT_TO_POINTER (2), test_dropout_export);
  g_test_add_func ("/seq2seq/tied/layout", test_tied_layout);
  g_test_add_func ("/seq2seq/bidirectional/directions", test_bidir_directions);
  g_test_add_func ("/seq2seq/decode", test_decode);
  g_test_add_func ("/seq2seq/train-copy", test_train_copy);
  g_test_add_func ("/seq2seq/padding", test_padding);
  g_test_add_func ("/seq2seq/batch-sum", test_batch_sum);
  g_test_add_func ("/seq2seq/copy-flops", test_copy_and_flops);
  g_test_add_func ("/seq2seq/refuse", test_refuse);
  return g_test_run ();
}
