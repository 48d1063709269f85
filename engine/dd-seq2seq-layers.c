/* dd-seq2seq-layers.c: the translation student's layers — the batch's order
 * and packing, embeddings, the GRU and attention — each with its tangent
 * (forward mode along a direction v) and its backward
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The layout these work on, and what the tangents are, is described in
 * dd-seq2seq-private.h.
 */
#include "dd-seq2seq-private.h"

/* ---------------------------------------------------------------------- */
/* the batch's order and packing */

void
seq2seq_order_alloc (Order *o, int B, int L)
{
  o->perm = g_new0 (int, B);
  o->rank = g_new0 (int, B);
  o->n = g_new0 (int, L);
  o->at = g_new0 (int, L + 1);
}

void
seq2seq_order_free (Order *o)
{
  g_free (o->perm);
  g_free (o->rank);
  g_free (o->n);
  g_free (o->at);
  memset (o, 0, sizeof *o);
}

/* o = the order of B sentences of lengths len (in [0, L], L the longest) by
 * decreasing length, stably (a counting sort), and its steps */
void
seq2seq_order_set (Order *o, const int *len, int B, int L)
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

/* rev[r] for every packed row r = (step t, rank k) of o: the row of the same
 * sentence's token len − 1 − t (len by sentence), so that a GRU run over the
 * rows gathered through rev reads each sentence backwards. rev is its own
 * inverse. */
void
seq2seq_reverse_rows (int *rev, const Order *o, const int *len)
{
  const Steps *s = &o->steps;

  for (int t = 0; t < s->L; t++)
    for (int k = 0; k < s->n[t]; k++)
      rev[s->at[t] + k] = s->at[len[o->perm[k]] - 1 - t] + k;
}

/* dst (rows, w) row r = x's row rev[r] */
void
seq2seq_gather_rows (dd_real *dst, const dd_real *x, const int *rev, int rows, int w)
{
  for (int r = 0; r < rows; r++)
    memcpy (dst + (size_t) r * w, x + (size_t) rev[r] * w, (size_t) w * sizeof (dd_real));
}

/* x's row rev[r] += src's row r: the backward of seq2seq_gather_rows */
void
seq2seq_add_rows (dd_real *x, const dd_real *src, const int *rev, int rows, int w)
{
  for (int r = 0; r < rows; r++)
    {
      dd_real *restrict y = x + (size_t) rev[r] * w;
      const dd_real *restrict z = src + (size_t) r * w;
      for (int j = 0; j < w; j++)
        y[j] += z[j];
    }
}

/* States by slot ((L+1)·B, w) of the two directions of a bidirectional
 * encoder: x's slot t + 1, rank k += y's slot len − t, rank k, for the ranks
 * in use at t — the other direction's state at the same token (the backward
 * GRU's slot j + 1 is after reading token len − 1 − j). Through the packed
 * rows: y's packed, gathered through rev, added to x. rev being its own
 * inverse, the same call makes the annotations (x = the forward states, y
 * the backward's) and their backward (x = the backward states' gradient, y
 * the annotations'). p1, p2 (at[L], w) scratch. */
void
seq2seq_add_reversed (dd_real *x, const dd_real *y, const Steps *s, const int *rev,
                      dd_real *p1, dd_real *p2, int w)
{
  const size_t slot = (size_t) s->B * w;

  seq2seq_gather_steps (p1, y + slot, s, w);
  seq2seq_gather_rows (p2, p1, rev, s->at[s->L], w);
  seq2seq_scatter_add_steps (x + slot, p2, s, w);
}

/* the decoder's first state s_{−1} into dst (H values) from the encoder's
 * states a (by slot), at a sentence's last state (offset at): that state,
 * or, bidirectional, the sum of both directions' last states */
void
seq2seq_first_state (dd_real *dst, const Acts *a, gboolean bidirectional, size_t at, int H)
{
  if (!bidirectional)
    memcpy (dst, a->he + at, (size_t) H * sizeof (dd_real));
  else
    for (int j = 0; j < H; j++)
      dst[j] = a->hf[at + j] + a->hb[at + j];
}

/* packed (at[L], w) = the first n[t] rows of every slot t of x (slots of B
 * rows of w) */
void
seq2seq_gather_steps (dd_real *dst, const dd_real *x, const Steps *s, int w)
{
  for (int t = 0; t < s->L; t++)
    memcpy (dst + (size_t) s->at[t] * w, x + (size_t) t * s->B * w,
            (size_t) s->n[t] * w * sizeof (dd_real));
}

/* the first n[t] rows of every slot t of x = 0 */
void
seq2seq_zero_steps (dd_real *x, const Steps *s, int w)
{
  for (int t = 0; t < s->L; t++)
    memset (x + (size_t) t * s->B * w, 0, (size_t) s->n[t] * w * sizeof (dd_real));
}

/* states x ((L+1)·B, w) = 0 where in use: all of slot 0, the first n[t]
 * rows of slot t + 1 */
void
seq2seq_zero_states (dd_real *x, const Steps *s, int w)
{
  memset (x, 0, (size_t) s->B * w * sizeof (dd_real));
  seq2seq_zero_steps (x + (size_t) s->B * w, s, w);
}

/* the reverse: x's slots = packed */
void
seq2seq_scatter_steps (dd_real *x, const dd_real *src, const Steps *s, int w)
{
  for (int t = 0; t < s->L; t++)
    memcpy (x + (size_t) t * s->B * w, src + (size_t) s->at[t] * w,
            (size_t) s->n[t] * w * sizeof (dd_real));
}

/* x's slots += packed */
void
seq2seq_scatter_add_steps (dd_real *x, const dd_real *src, const Steps *s, int w)
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
/* embeddings */

/* packed x row at[t] + k = table[ids[perm[k]·ld + t]], k < n[t] */
void
seq2seq_embed (dd_real *x, const dd_real *table, const int *ids, int ld, const Order *o,
               int E)
{
  const Steps *s = &o->steps;

  for (int t = 0; t < s->L; t++)
    for (int k = 0; k < s->n[t]; k++)
      memcpy (x + ((size_t) s->at[t] + k) * E,
              table + (size_t) ids[(size_t) o->perm[k] * ld + t] * E, E * sizeof (dd_real));
}

/* table[ids[perm[k]·ld + t]] += dx row at[t] + k */
void
seq2seq_embed_backward (dd_real *table, const dd_real *dx, const int *ids, int ld,
                        const Order *o, int E)
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

/* The elementwise loops of the GRU cell are cloned for run-time dispatch to
 * AVX2 or AVX-512 where the CPU has them (SIMD_CLONES, dd-private.h). */

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

/* One step for R rows. In: g = W_ih x + b_ih (R, 3H), gh = W_hh h + b_hh
 * (R, 3H) (overwritten), hp = h_{t−1} (R, H). Out: g = (r, z, n), ghn =
 * W_hn h + b_hn (R, H), hn = h_t (R, H). */
SIMD_CLONES void
seq2seq_gru_cell (int R, int H, dd_real *g, dd_real *gh, dd_real *ghn, const dd_real *hp,
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

/* The tangent of seq2seq_gru_cell, after it: g = gates, rg = R{W_ih x + b_ih}
 * (turned into R{r, z, n}), rgh = R{W_hh h + b_hh}. */
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
 * then rx, rg, rghn, rh (slot 0 set) are the tangents, rgh their scratch.
 * hook (data, t), when given, runs before step t's recurrent product: step
 * t's rows of g (and rg) hold the input projection and may be added to. */
void
seq2seq_gru_forward (const DdSeq2seq *m, const GruOff *o, const dd_real *v, const Steps *s,
                     const dd_real *x, dd_real *gh, dd_real *g, dd_real *ghn, dd_real *h,
                     const dd_real *rx, dd_real *rgh, dd_real *rg, dd_real *rghn, dd_real *rh,
                     dd_real *wt, GruHook hook, gpointer data)
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
      if (hook)
        hook (data, t);
      fill_rows (gh, w + o->bhh, n, G);
      mm_nn (n, G, H, hp, H, wt, G, 1, gh, G);
      if (v)
        {
          const dd_real *rhp = rh + t * step;
          fill_rows (rgh, v + o->bhh, n, G);
          mm_nn (n, G, H, rhp, H, wt, G, 1, rgh, G);
          mm_nn (n, G, H, hp, H, vwt, G, 1, rgh, G);
        }
      seq2seq_gru_cell (n, H, g + at * G, gh, ghn + at * H, hp, h + (t + 1) * step);
      if (v)
        gru_cell_tangent (n, H, g + at * G, rg + at * G, rgh, ghn + at * H, rghn + at * H,
                          hp, rh + t * step, rh + (t + 1) * step);
    }
}

/* The backward of seq2seq_gru_forward. dh ((L+1)·B, H) by slot: in, ∂/∂h_t
 * from outside in slot t + 1; out, slot t also receives the recurrence (slot
 * 0 only if need_dh0). dgi, dgh (T, 3H) scratch; dx (T, E) written. Weight
 * and bias gradients added to gw; hpk, rhpk (T, H) scratch. With hv: the
 * tangents (rx, rg…, rdh, rdgi, rdgh, rdx) likewise, the weight part added to
 * hv. hook (data, t), when given, runs before step t's backward, when dh's
 * slot t + 1 has the recurrence from step t + 1 and dgi (rdgi) holds the
 * steps after t; it may add to slot t + 1. */
void
seq2seq_gru_backward (const DdSeq2seq *m, const GruOff *o, const dd_real *v, const Steps *s,
                      gboolean need_dh0,
                      const dd_real *x, const dd_real *g, const dd_real *ghn, const dd_real *h,
                      dd_real *dh, dd_real *dgi, dd_real *dgh, dd_real *dx, dd_real *gw,
                      const dd_real *rx, const dd_real *rg, const dd_real *rghn,
                      const dd_real *rh, dd_real *rdh, dd_real *rdgi, dd_real *rdgh,
                      dd_real *rdx, dd_real *hv, dd_real *hpk, dd_real *rhpk,
                      GruHook hook, gpointer data)
{
  const int H = m->spec.hidden, E = m->spec.emb, G = 3 * H;
  const size_t rows = s->at[s->L], step = (size_t) s->B * H;
  const dd_real *w = m->params;

  for (int t = s->L - 1; t >= 0; t--)
    {
      const int n = s->n[t];
      const size_t s1 = t * step, a1 = (size_t) s->at[t] * H, a3 = 3 * a1;
      if (hook)
        hook (data, t);
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
  seq2seq_gather_steps (hpk, h, s, H);
  mm_tn (G, H, rows, dgh, G, hpk, H, 1, gw + o->Whh, H);
  add_row_sums (gw + o->bhh, dgh, rows, G);
  mm_tn (G, E, rows, dgi, G, x, E, 1, gw + o->Wih, E);
  add_row_sums (gw + o->bih, dgi, rows, G);
  mm_nn (rows, E, G, dgi, G, w + o->Wih, E, 0, dx, E);
  if (hv)
    {
      seq2seq_gather_steps (rhpk, rh, s, H);
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

/* ---------------------------------------------------------------------- */
/* attention */

/* rows (n, w) of x (leading dimension ldx) += those of y (ldy) */
static void
add_rows_strided (dd_real *x, int ldx, const dd_real *y, int ldy, int n, int w)
{
  for (int t = 0; t < n; t++)
    {
      dd_real *restrict xr = x + (size_t) t * ldx;
      const dd_real *restrict yr = y + (size_t) t * ldy;
      for (int j = 0; j < w; j++)
        xr[j] += yr[j];
    }
}

/* Sentence b's attention: scores S_b·K_bᵀ (n, m) → softmax → context
 * A·Hs_b into u's right half, s_t into its left half. Time-major inputs
 * are read with leading dimension ldt = B·H. */
void
seq2seq_attend (int H, int n, int m, int ldt, int Ls, const dd_real *S, const dd_real *K,
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
void
seq2seq_attend_tangent (int H, int n, int m, int ldt, int Ls, const dd_real *S,
                        const dd_real *K, const dd_real *Hs, const dd_real *A,
                        const dd_real *rS, const dd_real *rK, const dd_real *rHs,
                        dd_real *rA, dd_real *rU)
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

/* the backward of seq2seq_attend for rows t0 … t0 + n − 1 of sentence b of
 * the last forward, with its tangent when asked: adds to ∂/∂s (d->dhd), to
 * ∂/∂keys and to ∂/∂h_i, which the caller zeroed */
void
seq2seq_attend_backward (const DdSeq2seq *m, Priv *p, int b, int t0, int n, gboolean tangent)
{
  const int H = m->spec.hidden, B = p->B, Ls = p->Ls, ldt = B * H;
  const int ms = p->slen[b], off = p->off[b] + t0;
  const size_t sb = (size_t) ((t0 + 1) * B + p->dor.rank[b]) * H, kb = (size_t) p->eo.rank[b] * H;
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
  add_rows_strided (dS, ldt, dU, 2 * H, n, H);
  mm_nn (n, H, ms, dsc, Ls, K, ldt, 1, dS, ldt);
  mm_tn (ms, H, n, dsc, Ls, S, ldt, 1, dK, ldt);

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
  add_rows_strided (rdS, ldt, rdU, 2 * H, n, H);
  mm_nn (n, H, ms, rdsc, Ls, K, ldt, 1, rdS, ldt);
  mm_nn (n, H, ms, dsc, Ls, rK, ldt, 1, rdS, ldt);
  mm_tn (ms, H, n, rdsc, Ls, S, ldt, 1, rdK, ldt);
  mm_tn (ms, H, n, dsc, Ls, rS, ldt, 1, rdK, ldt);
}
