/* dd-seq2seq.c: the GRU encoder-decoder with attention — its memory, its
 * teacher-forced forward and backward passes, and their R-operator
 * (forward-over-reverse Hessian-vector products)
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The layers are in dd-seq2seq-layers.c, decoding in dd-seq2seq-decode.c;
 * the layout of the activations, and how padding and tangents are handled,
 * is described in dd-seq2seq-private.h.
 */
#include "dd-seq2seq-private.h"
#include "dd-corpus.h"
#include "dd-rng.h"

#define MAX_VOCAB  (1 << 22)
#define MAX_WIDTH  8192      /* E and H */
#define MAX_BATCH  65536
#define MAX_LEN    4096
#define MAX_LOGITS ((size_t) 1 << 30)  /* max_batch·max_tgt_len·V_tgt */

/* ---------------------------------------------------------------------- */
/* memory */

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
  TAKE (a->o, N * (size_t) seq2seq_out_dim (s));
  {
    const size_t f = s->input_feed ? 1 : 0, D = seq2seq_out_dim (s);
    TAKE (a->xf, f * Lt * B * D);
    TAKE (a->fsc, f * B * (2 * H + D));
  }
  {
    const size_t bi = s->bidirectional ? 1 : 0;
    TAKE (a->hf, bi * (Ls + 1) * B * H);
    TAKE (a->xe2, bi * Ls * B * E);
    TAKE (a->ge2, bi * Ls * B * 3 * H);
    TAKE (a->ghe2, bi * Ls * B * H);
    TAKE (a->hb, bi * (Ls + 1) * B * H);
  }
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
  TAKE (d->dout, N * (size_t) seq2seq_out_dim (s));
  TAKE (d->dpre, N * (size_t) seq2seq_out_dim (s));
  {
    const size_t f = s->input_feed ? 1 : 0, D = seq2seq_out_dim (s);
    TAKE (d->fsc, f * B * (2 * H + 3 * D));
  }
  {
    const size_t bi = s->bidirectional ? 1 : 0;
    TAKE (d->dxe2, bi * Ls * B * E);
    TAKE (d->dgie2, bi * Ls * B * 3 * H);
    TAKE (d->dghe2, bi * Ls * B * 3 * H);
    TAKE (d->dhb, bi * (Ls + 1) * B * H);
  }
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
  if (!(s->dropout >= 0.0 && s->dropout <= 0.9))
    DD_REFUSE ("seq2seq: dropout %g is out of range (0 to 0.9)", s->dropout);
  if (!(s->word_dropout >= 0.0 && s->word_dropout <= 0.9))
    DD_REFUSE ("seq2seq: word dropout %g is out of range (0 to 0.9)", s->word_dropout);
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
  const size_t D = seq2seq_out_dim (spec);
  size_t at = 0;
#define VIEW(field, n) G_STMT_START { m->off.field = at; at += (n); } G_STMT_END
  VIEW (Es, Vs * E);
  VIEW (Et, Vt * E);
  VIEW (enc_Wih, 3 * H * E);
  VIEW (enc_Whh, 3 * H * H);
  VIEW (enc_bih, 3 * H);
  VIEW (enc_bhh, 3 * H);
  if (spec->bidirectional)
    {
      VIEW (enc2_Wih, 3 * H * E);
      VIEW (enc2_Whh, 3 * H * H);
      VIEW (enc2_bih, 3 * H);
      VIEW (enc2_bhh, 3 * H);
    }
  VIEW (dec_Wih, 3 * H * E);
  VIEW (dec_Whh, 3 * H * H);
  VIEW (dec_bih, 3 * H);
  VIEW (dec_bhh, 3 * H);
  if (spec->input_feed)
    VIEW (dec_Wf, 3 * H * D);
  VIEW (Wa, H * H);
  VIEW (Wc, D * 2 * H);
  VIEW (bc, D);
  if (spec->tie_embeddings)
    m->off.Wo = m->off.Et;  /* the same (Vt, E) table */
  else
    VIEW (Wo, Vt * D);
  VIEW (bo, Vt);
#undef VIEW

  m->spec = *spec;
  {
    GString *d = g_string_new (NULL);
    g_string_printf (d, "GRU seq2seq E=%d H=%d attention (general)", spec->emb, spec->hidden);
    if (spec->bidirectional)
      g_string_append (d, " bidirectional encoder");
    if (spec->tie_embeddings)
      g_string_append (d, " tied embeddings");
    if (spec->input_feed)
      g_string_append (d, " input feeding");
    if (spec->dropout > 0 || spec->word_dropout > 0)
      g_string_append_printf (d, " dropout %g word dropout %g", spec->dropout, spec->word_dropout);
    m->description = g_string_free (d, FALSE);
  }
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
  seq2seq_order_alloc (&p->eo, spec->max_batch, spec->max_src_len);
  seq2seq_order_alloc (&p->dor, spec->max_batch, spec->max_tgt_len);
  if (spec->bidirectional)
    p->rev = g_new0 (int, (size_t) spec->max_batch * spec->max_src_len);
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
  seq2seq_order_free (&p->eo);
  seq2seq_order_free (&p->dor);
  g_free (p->rev);
  for (int i = 0; i < 3; i++)
    g_free (p->pk[i]);
  g_free (p->wt);
  g_free (p->me);
  g_free (p->md);
  g_free (p->mo);
  g_free (p->od);
  g_free (p->rod);
  seq2seq_dec_clear (&p->dec);
  seq2seq_lanes_free (p->lanes);
  if (!p->shadow)
    {
      g_free (m->params);
      g_free (m->logits);
      g_free (m->rlogits);
    }
  g_free (p);
  g_free (m->description);
  g_free (m->grads);
  g_free (m);
}

/* the bytes of a model of spec s with n_params parameters once it has run a
 * reverse pass; a lane's shadow (own) holds neither the parameters nor the
 * logits, which are the model's */
size_t
seq2seq_spec_footprint (const DdSeq2seqSpec *s, size_t n_params, gboolean shadow)
{
  Acts a;
  Grads d;
  const size_t L = (size_t) MAX (s->max_src_len, s->max_tgt_len);
  const size_t reals = (shadow ? 1 : 2) * n_params                      /* params, grads */
                       + (shadow ? 2 : 4) * (size_t) s->max_batch * s->max_tgt_len * s->V_tgt
                                          /* logits, R{logits}; packed ∂/∂logits and tangent */
                       + 2 * acts_carve (&a, NULL, s)                   /* activations, tangents */
                       + grads_carve (&d, NULL, s)
                       + 3 * L * s->max_batch * s->hidden + 6 * (size_t) s->hidden * s->hidden
                       + (s->dropout > 0 || s->word_dropout > 0         /* masks */
                          ? (size_t) s->max_batch * (s->max_src_len + s->max_tgt_len) * s->emb
                            + 3 * (size_t) s->max_batch * s->max_tgt_len * seq2seq_out_dim (s)
                          : 0);
  return reals * sizeof (dd_real);
}

size_t
dd_seq2seq_footprint (const DdSeq2seq *m)
{
  return seq2seq_spec_footprint (&m->spec, m->n_params, FALSE) + seq2seq_lanes_footprint (m);
}

DdSeq2seq *
dd_seq2seq_copy (const DdSeq2seq *m)
{
  DdSeq2seq *c = dd_seq2seq_new (&m->spec, NULL);

  g_assert (c != NULL);  /* the spec was accepted once */
  memcpy (c->params, m->params, m->n_params * sizeof (dd_real));
  memcpy (c->grads, m->grads, m->n_params * sizeof (dd_real));
  dd_seq2seq_set_threads (c, dd_seq2seq_get_threads (m));
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
  const size_t D = seq2seq_out_dim (&m->spec);
  const double a = 1 / sqrt ((double) H);
  dd_real *w = m->params;

  for (size_t i = 0; i < Vs * E; i++)
    w[o->Es + i] = (dd_real) (0.1 * dd_rng_normal (rng));
  for (size_t i = 0; i < Vt * E; i++)
    w[o->Et + i] = (dd_real) (0.1 * dd_rng_normal (rng));
  /* the GRU blocks are contiguous: W_ih, W_hh, b_ih, b_hh (and the
   * backward direction's after the encoder's, the decoder's Wf after its
   * own with input feeding) */
  fill_uniform_range (w + o->enc_Wih, o->dec_Wih - o->enc_Wih, a, rng);
  fill_uniform_range (w + o->dec_Wih, o->Wa - o->dec_Wih, a, rng);
  fill_uniform_range (w + o->Wa, H * H, a, rng);
  fill_uniform_range (w + o->Wc, D * 2 * H, a, rng);
  memset (w + o->bc, 0, D * sizeof (dd_real));
  if (!m->spec.tie_embeddings)
    fill_uniform_range (w + o->Wo, Vt * D, a, rng);
  memset (w + o->bo, 0, Vt * sizeof (dd_real));
}

void
dd_seq2seq_zero_grad (DdSeq2seq *m)
{
  memset (m->grads, 0, m->n_params * sizeof (dd_real));
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
  if (!p->shadow)
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
  seq2seq_order_set (&p->eo, p->slen, p->B, p->Le);
  seq2seq_order_set (&p->dor, p->tlen, p->B, p->Ld);
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

/* ---------------------------------------------------------------------- */
/* dropout */

static void
mul_inplace (dd_real *restrict x, const dd_real *restrict mask, size_t n)
{
  for (size_t i = 0; i < n; i++)
    x[i] *= mask[i];
}

static void
mul_into (dd_real *restrict y, const dd_real *restrict x, const dd_real *restrict mask, size_t n)
{
  for (size_t i = 0; i < n; i++)
    y[i] = x[i] * mask[i];
}

/* rows (rows, width) of a mask: a row is a word dropped whole with
 * probability p_word, each kept value dropped with probability p; kept
 * values are scaled so that the mask's expectation is 1 */
static void
draw_mask (dd_real *mask, size_t rows, int width, double p, double p_word, DdRng *rng)
{
  const double keep = 1.0 / ((1.0 - p) * (1.0 - p_word));

  for (size_t r = 0; r < rows; r++)
    {
      dd_real *row = mask + r * width;
      if (p_word > 0 && dd_rng_uniform (rng) < p_word)
        {
          memset (row, 0, (size_t) width * sizeof (dd_real));
          continue;
        }
      for (int j = 0; j < width; j++)
        row[j] = (dd_real) (p > 0 && dd_rng_uniform (rng) < p ? 0.0 : keep);
    }
}

static void
draw_masks (DdSeq2seq *m, guint64 key)
{
  Priv *p = m->priv;
  const DdSeq2seqSpec *s = &m->spec;
  const int E = s->emb, D = seq2seq_out_dim (s);
  DdRng rng;

  if (p->me == NULL)
    {
      const size_t T = (size_t) s->max_batch * s->max_tgt_len;
      p->me = g_new (dd_real, (size_t) s->max_batch * s->max_src_len * E);
      p->md = g_new (dd_real, T * E);
      p->mo = g_new (dd_real, T * D);
      p->od = g_new (dd_real, T * D);
      p->rod = g_new (dd_real, T * D);
    }
  dd_rng_seed (&rng, key);
  draw_mask (p->me, p->eo.steps.at[p->Le], E, s->dropout, s->word_dropout, &rng);
  draw_mask (p->md, p->dor.steps.at[p->Ld], E, s->dropout, s->word_dropout, &rng);
  draw_mask (p->mo, p->N, D, s->dropout, 0.0, &rng);
}

/* the masks of one lane's forward, by its sentences' padded positions */
void
seq2seq_masks_one (DdSeq2seq *m, const DdSeq2seqBatch *batch, guint64 key,
                   dd_real *src, dd_real *tgt, dd_real *out)
{
  Priv *p = m->priv;
  const int E = m->spec.emb, D = seq2seq_out_dim (&m->spec), B = batch->B;
  const size_t Ls = batch->Ls, Lt = batch->Lt;

  /* what a training forward of this batch draws: its layout, then its masks */
  layout (p, batch);
  draw_masks (m, key);
  memset (src, 0, B * Ls * E * sizeof (dd_real));
  memset (tgt, 0, B * Lt * E * sizeof (dd_real));
  memset (out, 0, B * Lt * D * sizeof (dd_real));
  for (int b = 0; b < B; b++)
    {
      for (int t = 0; t < p->slen[b]; t++)
        memcpy (src + (b * Ls + t) * E, p->me + ((size_t) p->eo.steps.at[t] + p->eo.rank[b]) * E,
                E * sizeof (dd_real));
      for (int t = 0; t < p->tlen[b]; t++)
        {
          memcpy (tgt + (b * Lt + t) * E, p->md + ((size_t) p->dor.steps.at[t] + p->dor.rank[b]) * E,
                  E * sizeof (dd_real));
          memcpy (out + (b * Lt + t) * D, p->mo + ((size_t) p->off[b] + t) * D, D * sizeof (dd_real));
        }
    }
}

void
dd_seq2seq_dropout_masks (DdSeq2seq *m, const DdSeq2seqBatch *batch, guint64 key,
                          dd_real *src, dd_real *tgt, dd_real *out)
{
  g_return_if_fail (m != NULL && batch != NULL && src != NULL && tgt != NULL && out != NULL);
  g_return_if_fail (batch_valid (m, batch));
  g_return_if_fail (key != 0 && (m->spec.dropout > 0 || m->spec.word_dropout > 0));

  seq2seq_lanes_masks (m, batch, key, src, tgt, out);
}

void
dd_seq2seq_set_noise (DdSeq2seq *m, guint64 key)
{
  g_return_if_fail (m != NULL);

  ((Priv *) m->priv)->noise = key;
}

/* the encoder over the source: states h_i in a->he (and their tangents);
 * bidirectional, the forward GRU's in a->hf and the backward GRU's in a->hb,
 * and a->he their sums */
static void
encoder_forward (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *v)
{
  Priv *p = m->priv;
  const int E = m->spec.emb, H = m->spec.hidden, ldt = p->B * H;
  const gboolean bi = m->spec.bidirectional;
  const GruOff eo = enc_off (m);
  Acts *a = &p->a, *ra = v ? &p->ra : NULL;
  dd_real *hf = bi ? a->hf : a->he, *rhf = v ? (bi ? ra->hf : ra->he) : NULL;

  const size_t n_in = (size_t) p->eo.steps.at[p->Le] * E;
  seq2seq_embed (a->xe, m->params + m->off.Es, batch->src, p->Ls, &p->eo, E);
  memset (hf, 0, (size_t) ldt * sizeof (dd_real));
  if (p->masked)
    mul_inplace (a->xe, p->me, n_in);
  if (v)
    {
      seq2seq_embed (ra->xe, v + m->off.Es, batch->src, p->Ls, &p->eo, E);
      memset (rhf, 0, (size_t) ldt * sizeof (dd_real));
      if (p->masked)
        mul_inplace (ra->xe, p->me, n_in);
    }
  seq2seq_gru_forward (m, &eo, v, &p->eo.steps, a->xe, a->gh, a->ge, a->ghe, hf,
                       v ? ra->xe : NULL, v ? ra->gh : NULL, v ? ra->ge : NULL,
                       v ? ra->ghe : NULL, rhf, p->wt, NULL, NULL);
  if (!bi)
    return;

  /* the backward direction reads the same (dropped) inputs in reverse */
  const GruOff eb = enc2_off (m);
  const int rows = p->eo.steps.at[p->Le];
  seq2seq_reverse_rows (p->rev, &p->eo, p->slen);
  seq2seq_gather_rows (a->xe2, a->xe, p->rev, rows, E);
  memset (a->hb, 0, (size_t) ldt * sizeof (dd_real));
  if (v)
    {
      seq2seq_gather_rows (ra->xe2, ra->xe, p->rev, rows, E);
      memset (ra->hb, 0, (size_t) ldt * sizeof (dd_real));
    }
  seq2seq_gru_forward (m, &eb, v, &p->eo.steps, a->xe2, a->gh, a->ge2, a->ghe2, a->hb,
                       v ? ra->xe2 : NULL, v ? ra->gh : NULL, v ? ra->ge2 : NULL,
                       v ? ra->ghe2 : NULL, v ? ra->hb : NULL, p->wt, NULL, NULL);
  const size_t slots = (size_t) (p->Le + 1) * ldt * sizeof (dd_real);
  memcpy (a->he, a->hf, slots);
  seq2seq_add_reversed (a->he, a->hb, &p->eo.steps, p->rev, p->pk[0], p->pk[1], H);
  if (v)
    {
      memcpy (ra->he, ra->hf, slots);
      seq2seq_add_reversed (ra->he, ra->hb, &p->eo.steps, p->rev, p->pk[0], p->pk[1], H);
    }
}

/* o = tanh (U·Wcᵀ + bc) for n rows U (n, 2H) into O (n, D); with v, its
 * tangent rO from rU */
static void
out_rows (const DdSeq2seq *m, const dd_real *v, int n, const dd_real *U, dd_real *O,
          const dd_real *rU, dd_real *rO)
{
  const int H = m->spec.hidden, D = seq2seq_out_dim (&m->spec);
  const dd_real *w = m->params;

  fill_rows (O, w + m->off.bc, n, D);
  mm_nt (n, D, 2 * H, U, 2 * H, w + m->off.Wc, 2 * H, 1, O, D);
  tanh_inplace (O, (size_t) n * D);
  if (v)
    {
      fill_rows (rO, v + m->off.bc, n, D);
      mm_nt (n, D, 2 * H, rU, 2 * H, w + m->off.Wc, 2 * H, 1, rO, D);
      mm_nt (n, D, 2 * H, U, 2 * H, v + m->off.Wc, 2 * H, 1, rO, D);
      for (size_t i = 0; i < (size_t) n * D; i++)
        rO[i] *= 1 - O[i] * O[i];
    }
}

/* input feeding works on one decoder step's rows at a time: the packed row
 * (width w) of the sentence of rank k at target position t, k < n, to row k
 * of dst, and back */
static void
step_gather (dd_real *dst, const dd_real *x, const Priv *p, int t, int n, int w)
{
  for (int k = 0; k < n; k++)
    memcpy (dst + (size_t) k * w, x + ((size_t) p->off[p->dor.perm[k]] + t) * w,
            (size_t) w * sizeof (dd_real));
}

static void
step_scatter (dd_real *x, const dd_real *src, const Priv *p, int t, int n, int w)
{
  for (int k = 0; k < n; k++)
    memcpy (x + ((size_t) p->off[p->dor.perm[k]] + t) * w, src + (size_t) k * w,
            (size_t) w * sizeof (dd_real));
}

/* the decoder's step t with input feeding: one at a time, the rows of step
 * t run attention, then o, into their packed rows, and o' = o ⊙ mask */
static void
feed_attend_step (DdSeq2seq *m, const dd_real *v, int t)
{
  Priv *p = m->priv;
  const int H = m->spec.hidden, D = seq2seq_out_dim (&m->spec), B = p->B, Ls = p->Ls;
  const int ldt = B * H, n = p->dor.steps.n[t];
  Acts *a = &p->a, *ra = v ? &p->ra : NULL;
  dd_real *U = a->fsc, *O = U + (size_t) B * 2 * H;
  dd_real *rU = v ? ra->fsc : NULL, *rO = v ? rU + (size_t) B * 2 * H : NULL;

  for (int k = 0; k < n; k++)
    {
      const int b = p->dor.perm[k];
      const size_t r = (size_t) p->off[b] + t, kb = (size_t) p->eo.rank[b] * H;
      const size_t sb = ((size_t) (t + 1) * B + k) * H, hb = ldt + kb;
      seq2seq_attend (H, 1, p->slen[b], ldt, Ls, a->hd + sb, a->keys + kb, a->he + hb,
                      a->att + r * Ls, a->u + r * 2 * H);
      if (v)
        seq2seq_attend_tangent (H, 1, p->slen[b], ldt, Ls, a->hd + sb, a->keys + kb,
                                a->he + hb, a->att + r * Ls, ra->hd + sb, ra->keys + kb,
                                ra->he + hb, ra->att + r * Ls, ra->u + r * 2 * H);
    }
  step_gather (U, a->u, p, t, n, 2 * H);
  if (v)
    step_gather (rU, ra->u, p, t, n, 2 * H);
  out_rows (m, v, n, U, O, rU, rO);
  step_scatter (a->o, O, p, t, n, D);
  if (v)
    step_scatter (ra->o, rO, p, t, n, D);
  if (p->masked)
    for (int k = 0; k < n; k++)
      {
        const size_t r = ((size_t) p->off[p->dor.perm[k]] + t) * D;
        mul_into (p->od + r, a->o + r, p->mo + r, D);
        if (v)
          mul_into (p->rod + r, ra->o + r, p->mo + r, D);
      }
}

typedef struct {
  DdSeq2seq     *m;
  const dd_real *v;
} Feed;

/* the decoder GRU's hook with input feeding, before step t: step t − 1's
 * attention and o, then o'_{t−1}·Wfᵀ added to step t's gates (o'_{−1} = 0) */
static void
feed_forward_hook (gpointer data, int t)
{
  const Feed *f = data;
  DdSeq2seq *m = f->m;
  const dd_real *v = f->v, *w = m->params;
  Priv *p = m->priv;
  const int D = seq2seq_out_dim (&m->spec), G = 3 * m->spec.hidden;
  const int n = p->dor.steps.n[t];
  const size_t at = p->dor.steps.at[t];
  Acts *a = &p->a, *ra = v ? &p->ra : NULL;
  dd_real *F = a->xf + at * D, *rF = v ? ra->xf + at * D : NULL;

  if (t == 0)
    {
      memset (F, 0, (size_t) n * D * sizeof (dd_real));
      if (v)
        memset (rF, 0, (size_t) n * D * sizeof (dd_real));
      return;
    }
  feed_attend_step (m, v, t - 1);
  const dd_real *oin = p->masked ? p->od : a->o, *roin = p->masked ? p->rod : (v ? ra->o : NULL);
  step_gather (F, oin, p, t - 1, n, D);
  if (v)
    step_gather (rF, roin, p, t - 1, n, D);
  mm_nt (n, G, D, F, D, w + m->off.dec_Wf, D, 1, a->gd + at * G, G);
  if (v)
    {
      mm_nt (n, G, D, rF, D, w + m->off.dec_Wf, D, 1, ra->gd + at * G, G);
      mm_nt (n, G, D, F, D, v + m->off.dec_Wf, D, 1, ra->gd + at * G, G);
    }
}

/* the decoder over the target inputs, from each sentence's last encoder
 * state: states s_t in a->hd (input feeding: and each step's attention and
 * o, as it goes) */
static void
decoder_forward (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *v)
{
  Priv *p = m->priv;
  const int E = m->spec.emb, H = m->spec.hidden, B = p->B;
  const GruOff dof = dec_off (m);
  Acts *a = &p->a, *ra = v ? &p->ra : NULL;
  Feed feed = { m, v };
  const gboolean fed = m->spec.input_feed;

  for (int k = 0; k < B; k++)
    {
      const int b = p->dor.perm[k];
      const size_t at = ((size_t) p->slen[b] * B + p->eo.rank[b]) * H;
      seq2seq_first_state (a->hd + (size_t) k * H, a, m->spec.bidirectional, at, H);
      if (v)
        seq2seq_first_state (ra->hd + (size_t) k * H, ra, m->spec.bidirectional, at, H);
    }
  const size_t n_in = (size_t) p->dor.steps.at[p->Ld] * E;
  seq2seq_embed (a->xd, m->params + m->off.Et, batch->tgt_in, p->Lt, &p->dor, E);
  if (p->masked)
    mul_inplace (a->xd, p->md, n_in);
  if (v)
    {
      seq2seq_embed (ra->xd, v + m->off.Et, batch->tgt_in, p->Lt, &p->dor, E);
      if (p->masked)
        mul_inplace (ra->xd, p->md, n_in);
    }
  seq2seq_gru_forward (m, &dof, v, &p->dor.steps, a->xd, a->gh, a->gd, a->ghd, a->hd,
                       v ? ra->xd : NULL, v ? ra->gh : NULL, v ? ra->gd : NULL,
                       v ? ra->ghd : NULL, v ? ra->hd : NULL, p->wt,
                       fed ? feed_forward_hook : NULL, &feed);
  if (fed && p->Ld > 0)
    feed_attend_step (m, v, p->Ld - 1);
}

/* the keys Wa·h_i of every encoder state */
static void
attention_keys (DdSeq2seq *m, const dd_real *v)
{
  Priv *p = m->priv;
  const int H = m->spec.hidden, B = p->B, ldt = B * H;
  const dd_real *w = m->params;
  const Steps *se = &p->eo.steps;
  Acts *a = &p->a, *ra = v ? &p->ra : NULL;

  /* packed, one gemm, back to the slots */
  const int Te = se->at[p->Le];
  dd_real *hk = p->pk[0], *kk = p->pk[1];
  seq2seq_gather_steps (hk, a->he + ldt, se, H);
  mm_nt (Te, H, H, hk, H, w + m->off.Wa, H, 0, kk, H);
  seq2seq_scatter_steps (a->keys, kk, se, H);
  if (v)
    {
      dd_real *rhk = p->pk[2];
      seq2seq_gather_steps (rhk, ra->he + ldt, se, H);
      mm_nt (Te, H, H, rhk, H, w + m->off.Wa, H, 0, kk, H);
      mm_nt (Te, H, H, hk, H, v + m->off.Wa, H, 1, kk, H);
      seq2seq_scatter_steps (ra->keys, kk, se, H);
    }
}

/* each sentence's attention over all its positions: u = [s_t; c_t] in
 * packed rows */
static void
attention_forward (DdSeq2seq *m, const dd_real *v)
{
  Priv *p = m->priv;
  const int H = m->spec.hidden, B = p->B, Ls = p->Ls, ldt = B * H;
  Acts *a = &p->a, *ra = v ? &p->ra : NULL;

  for (int b = 0; b < B; b++)
    {
      const int n = p->tlen[b], ms = p->slen[b], off = p->off[b];
      const size_t sb = (size_t) (B + p->dor.rank[b]) * H;
      const size_t kb = (size_t) p->eo.rank[b] * H, hb = ldt + kb;
      if (n == 0)
        continue;
      seq2seq_attend (H, n, ms, ldt, Ls, a->hd + sb, a->keys + kb, a->he + hb,
                      a->att + (size_t) off * Ls, a->u + (size_t) off * 2 * H);
      if (v)
        seq2seq_attend_tangent (H, n, ms, ldt, Ls, a->hd + sb, a->keys + kb, a->he + hb,
                                a->att + (size_t) off * Ls, ra->hd + sb, ra->keys + kb,
                                ra->he + hb, ra->att + (size_t) off * Ls,
                                ra->u + (size_t) off * 2 * H);
    }
}

/* o = tanh (Wc·u + bc) (input feeding: the decoder has done it), then the
 * logits Wo·o' + bo into model->logits (Wo is Et when the embeddings are
 * tied) */
static void
output_forward (DdSeq2seq *m, const dd_real *v)
{
  Priv *p = m->priv;
  const int D = seq2seq_out_dim (&m->spec), V = m->spec.V_tgt, N = p->N;
  const dd_real *w = m->params;
  Acts *a = &p->a, *ra = v ? &p->ra : NULL;

  if (!m->spec.input_feed)
    out_rows (m, v, N, a->u, a->o, v ? ra->u : NULL, v ? ra->o : NULL);

  /* the dropped o (and its tangent) feeds the logits */
  const dd_real *o = a->o, *ro = v ? ra->o : NULL;
  if (p->masked)
    {
      mul_into (p->od, a->o, p->mo, (size_t) N * D);
      o = p->od;
      if (v)
        {
          mul_into (p->rod, ra->o, p->mo, (size_t) N * D);
          ro = p->rod;
        }
    }

  /* packed, then spread to their rows */
  fill_rows (m->logits, w + m->off.bo, N, V);
  mm_nt (N, V, D, o, D, w + m->off.Wo, D, 1, m->logits, V);
  unpack_rows (m->logits, p, V);
  if (v)
    {
      fill_rows (m->rlogits, v + m->off.bo, N, V);
      mm_nt (N, V, D, ro, D, w + m->off.Wo, D, 1, m->rlogits, V);
      mm_nt (N, V, D, o, D, v + m->off.Wo, D, 1, m->rlogits, V);
      unpack_rows (m->rlogits, p, V);
    }
}

/* the forward of one lane (the whole batch, or a lane's sentences): its
 * masks from noise (0: none) */
void
seq2seq_forward_one (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *v, guint64 noise)
{
  Priv *p = m->priv;

  layout (p, batch);
  if (v)
    ensure_tangent (m);
  p->have_tangent = v != NULL;
  p->masked = noise != 0 && (m->spec.dropout > 0 || m->spec.word_dropout > 0);
  if (p->masked)
    draw_masks (m, noise);

  encoder_forward (m, batch, v);
  attention_keys (m, v);
  decoder_forward (m, batch, v);
  if (!m->spec.input_feed)
    attention_forward (m, v);
  output_forward (m, v);
}

void
dd_seq2seq_forward (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *v)
{
  g_return_if_fail (m != NULL && batch != NULL);
  g_return_if_fail (batch_valid (m, batch));

  Priv *p = m->priv;
  const guint64 noise = p->noise;

  p->noise = 0;
  if (v)
    ensure_tangent (m);
  seq2seq_lanes_forward (m, batch, v, noise);
}

/* ---------------------------------------------------------------------- */
/* backward: the forward's steps in reverse; each adds to grads and, with
 * hv, to hv */

static void
ensure_rgrads (DdSeq2seq *m)
{
  Priv *p = m->priv;

  if (p->rd_block == NULL)
    p->rd_block = grads_new (&p->rd, &m->spec);
}

/* logits = Wo·o' + bo: from ∂/∂logits (and its tangent) to ∂/∂o in
 * d->dout (and rd->dout). With tied embeddings Wo is Et, whose gradient
 * this adds to before the decoder's embedding does. */
static void
logits_backward (DdSeq2seq *m, const dd_real *dlogits, const dd_real *v,
                 const dd_real *rdlogits, dd_real *hv)
{
  Priv *p = m->priv;
  const gboolean tg = hv != NULL;
  const int D = seq2seq_out_dim (&m->spec), V = m->spec.V_tgt, N = p->N;
  const size_t full = (size_t) m->spec.max_batch * m->spec.max_tgt_len * V;
  const dd_real *w = m->params;
  dd_real *gw = m->grads;
  const Acts *a = &p->a, *ra = &p->ra;
  Grads *d = &p->d, *rd = tg ? &p->rd : NULL;

  /* logits = Wo·o' + bo, o' = o ⊙ mask (o' = o without dropout) */
  const dd_real *oin = p->masked ? p->od : a->o, *roin = p->masked ? p->rod : ra->o;
  const dd_real *dlg = pack_rows (dlogits, p, V, &p->dlg, full);
  mm_nn (N, D, V, dlg, V, w + m->off.Wo, D, 0, d->dout, D);
  mm_tn (V, D, N, dlg, V, oin, D, 1, gw + m->off.Wo, D);
  add_row_sums (gw + m->off.bo, dlg, N, V);
  if (p->masked)
    mul_inplace (d->dout, p->mo, (size_t) N * D);
  if (tg)
    {
      const dd_real *rdlg = pack_rows (rdlogits, p, V, &p->rdlg, full);
      mm_nn (N, D, V, rdlg, V, w + m->off.Wo, D, 0, rd->dout, D);
      mm_nn (N, D, V, dlg, V, v + m->off.Wo, D, 1, rd->dout, D);
      mm_tn (V, D, N, rdlg, V, oin, D, 1, hv + m->off.Wo, D);
      mm_tn (V, D, N, dlg, V, roin, D, 1, hv + m->off.Wo, D);
      add_row_sums (hv + m->off.bo, rdlg, N, V);
      if (p->masked)
        mul_inplace (rd->dout, p->mo, (size_t) N * D);
    }
}

/* o = tanh (Wc·u + bc) on rows (n, D) given by their ∂/∂o: ∂/∂(Wc·u + bc)
 * into P (and rP) */
static void
out_pre_rows (int n, int D, const dd_real *o, const dd_real *ro, const dd_real *dout,
              const dd_real *rdout, dd_real *P, dd_real *rP)
{
  for (size_t i = 0; i < (size_t) n * D; i++)
    P[i] = dout[i] * (1 - o[i] * o[i]);
  if (rP)
    for (size_t i = 0; i < (size_t) n * D; i++)
      rP[i] = rdout[i] * (1 - o[i] * o[i]) - 2 * dout[i] * o[i] * ro[i];
}

/* ∂/∂u = P·Wc for n rows (and its tangent) */
static void
out_du_rows (const DdSeq2seq *m, const dd_real *v, int n, const dd_real *P, const dd_real *rP,
             dd_real *dU, dd_real *rdU)
{
  const int H = m->spec.hidden, D = seq2seq_out_dim (&m->spec);
  const dd_real *w = m->params;

  mm_nn (n, 2 * H, D, P, D, w + m->off.Wc, 2 * H, 0, dU, 2 * H);
  if (rdU)
    {
      mm_nn (n, 2 * H, D, rP, D, w + m->off.Wc, 2 * H, 0, rdU, 2 * H);
      mm_nn (n, 2 * H, D, P, D, v + m->off.Wc, 2 * H, 1, rdU, 2 * H);
    }
}

/* o = tanh (Wc·u + bc): Wc's and bc's gradients from d->dpre over all rows;
 * without input feeding first d->dpre from d->dout and after d->du (input
 * feeding: the decoder's backward did those, a step at a time) */
static void
o_backward (DdSeq2seq *m, const dd_real *v, dd_real *hv)
{
  Priv *p = m->priv;
  const gboolean tg = hv != NULL, fed = m->spec.input_feed;
  const int H = m->spec.hidden, D = seq2seq_out_dim (&m->spec), N = p->N;
  dd_real *gw = m->grads;
  const Acts *a = &p->a, *ra = &p->ra;
  Grads *d = &p->d, *rd = tg ? &p->rd : NULL;

  if (!fed)
    out_pre_rows (N, D, a->o, ra->o, d->dout, tg ? rd->dout : NULL, d->dpre,
                  tg ? rd->dpre : NULL);
  mm_tn (D, 2 * H, N, d->dpre, D, a->u, 2 * H, 1, gw + m->off.Wc, 2 * H);
  add_row_sums (gw + m->off.bc, d->dpre, N, D);
  if (tg)
    {
      mm_tn (D, 2 * H, N, rd->dpre, D, a->u, 2 * H, 1, hv + m->off.Wc, 2 * H);
      mm_tn (D, 2 * H, N, d->dpre, D, ra->u, 2 * H, 1, hv + m->off.Wc, 2 * H);
      add_row_sums (hv + m->off.bc, rd->dpre, N, D);
    }
  if (!fed)
    out_du_rows (m, v, N, d->dpre, tg ? rd->dpre : NULL, d->du, tg ? rd->du : NULL);
}

/* the state gradients start at zero on the rows in use */
static void
attention_clear (DdSeq2seq *m, gboolean tg)
{
  Priv *p = m->priv;
  const int H = m->spec.hidden;
  const Steps *se = &p->eo.steps, *sd = &p->dor.steps;

  seq2seq_zero_states (p->d.dhe, se, H);
  seq2seq_zero_states (p->d.dhd, sd, H);
  seq2seq_zero_steps (p->d.dkeys, se, H);
  if (tg)
    {
      seq2seq_zero_states (p->rd.dhe, se, H);
      seq2seq_zero_states (p->rd.dhd, sd, H);
      seq2seq_zero_steps (p->rd.dkeys, se, H);
    }
}

/* the keys = Hs·Waᵀ: from ∂/∂keys to Wa's gradient and d->dhe */
static void
keys_backward (DdSeq2seq *m, const dd_real *v, dd_real *hv)
{
  Priv *p = m->priv;
  const gboolean tg = hv != NULL;
  const int H = m->spec.hidden, ldt = p->B * H;
  const Steps *se = &p->eo.steps;
  const dd_real *w = m->params;
  dd_real *gw = m->grads;
  const Acts *a = &p->a, *ra = &p->ra;
  Grads *d = &p->d, *rd = tg ? &p->rd : NULL;

  /* over the packed real states */
  const int Te = se->at[p->Le];
  dd_real *hk = p->pk[0], *dk = p->pk[1], *q = p->pk[2];
  seq2seq_gather_steps (hk, a->he + ldt, se, H);
  seq2seq_gather_steps (dk, d->dkeys, se, H);
  mm_tn (H, H, Te, dk, H, hk, H, 1, gw + m->off.Wa, H);
  if (tg)
    {
      /* q = R{dkeys} (then R{hs}); hk stays the states until R{hs} is in q */
      seq2seq_gather_steps (q, rd->dkeys, se, H);
      mm_tn (H, H, Te, q, H, hk, H, 1, hv + m->off.Wa, H);
      mm_nn (Te, H, H, q, H, w + m->off.Wa, H, 0, hk, H);
      mm_nn (Te, H, H, dk, H, v + m->off.Wa, H, 1, hk, H);
      seq2seq_scatter_add_steps (rd->dhe + ldt, hk, se, H);
      seq2seq_gather_steps (q, ra->he + ldt, se, H);
      mm_tn (H, H, Te, dk, H, q, H, 1, hv + m->off.Wa, H);
    }
  mm_nn (Te, H, H, dk, H, w + m->off.Wa, H, 0, q, H);
  seq2seq_scatter_add_steps (d->dhe + ldt, q, se, H);
}

/* the decoder GRU's hook with input feeding, before step t's backward: o'_t
 * fed step t + 1, so ∂/∂o_t gains mask ⊙ (∂/∂gates_{t+1}·Wf); then o's and
 * attention's backward for step t's rows, adding to ∂/∂s_t */
static void
feed_backward_hook (gpointer data, int t)
{
  const Feed *f = data;
  DdSeq2seq *m = f->m;
  const dd_real *v = f->v, *w = m->params;
  Priv *p = m->priv;
  const gboolean tg = v != NULL;
  const int H = m->spec.hidden, D = seq2seq_out_dim (&m->spec), G = 3 * H, B = p->B;
  const Steps *sd = &p->dor.steps;
  const int n = sd->n[t];
  const Acts *a = &p->a, *ra = &p->ra;
  Grads *d = &p->d, *rd = tg ? &p->rd : NULL;
  dd_real *Gf = d->fsc, *P = Gf + (size_t) B * D, *dO = P + (size_t) B * D;
  dd_real *dU = dO + (size_t) B * D;
  dd_real *rGf = tg ? rd->fsc : NULL, *rP = tg ? rGf + (size_t) B * D : NULL;
  dd_real *rdO = tg ? rP + (size_t) B * D : NULL, *rdU = tg ? rdO + (size_t) B * D : NULL;

  if (t + 1 < sd->L)
    {
      const int n1 = sd->n[t + 1];
      const size_t at1 = (size_t) sd->at[t + 1] * G;
      mm_nn (n1, D, G, d->dgid + at1, G, w + m->off.dec_Wf, D, 0, Gf, D);
      if (tg)
        {
          mm_nn (n1, D, G, rd->dgid + at1, G, w + m->off.dec_Wf, D, 0, rGf, D);
          mm_nn (n1, D, G, d->dgid + at1, G, v + m->off.dec_Wf, D, 1, rGf, D);
        }
      for (int k = 0; k < n1; k++)
        {
          const size_t r = ((size_t) p->off[p->dor.perm[k]] + t) * D;
          dd_real *restrict g = Gf + (size_t) k * D, *restrict rg = tg ? rGf + (size_t) k * D : NULL;
          if (p->masked)
            {
              mul_inplace (g, p->mo + r, D);
              if (tg)
                mul_inplace (rg, p->mo + r, D);
            }
          for (int j = 0; j < D; j++)
            d->dout[r + j] += g[j];
          if (tg)
            for (int j = 0; j < D; j++)
              rd->dout[r + j] += rg[j];
        }
    }
  /* step t's rows, gathered: o, ∂/∂o → ∂/∂(Wc·u + bc) → ∂/∂u */
  dd_real *O = Gf, *rO = rGf;  /* Gf is spent */
  step_gather (O, a->o, p, t, n, D);
  step_gather (dO, d->dout, p, t, n, D);
  if (tg)
    {
      step_gather (rO, ra->o, p, t, n, D);
      step_gather (rdO, rd->dout, p, t, n, D);
    }
  out_pre_rows (n, D, O, rO, dO, rdO, P, rP);
  out_du_rows (m, v, n, P, rP, dU, rdU);
  step_scatter (d->dpre, P, p, t, n, D);
  step_scatter (d->du, dU, p, t, n, 2 * H);
  if (tg)
    {
      step_scatter (rd->dpre, rP, p, t, n, D);
      step_scatter (rd->du, rdU, p, t, n, 2 * H);
    }
  for (int k = 0; k < n; k++)
    seq2seq_attend_backward (m, p, p->dor.perm[k], t, 1, tg);
}

/* the decoder back through time and its embeddings; its initial state's
 * gradient stays in d->dhd's slot 0 for encoder_backward. With input
 * feeding the attention and o go back with it, step by step, and Wf's
 * gradient is added after. */
static void
decoder_backward (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *v, dd_real *hv)
{
  Priv *p = m->priv;
  const gboolean tg = hv != NULL, fed = m->spec.input_feed;
  const int E = m->spec.emb, G = 3 * m->spec.hidden, D = seq2seq_out_dim (&m->spec);
  const GruOff dof = dec_off (m);
  dd_real *gw = m->grads;
  const Acts *a = &p->a, *ra = &p->ra;
  Grads *d = &p->d, *rd = tg ? &p->rd : NULL;
  Feed feed = { m, v };

  seq2seq_gru_backward (m, &dof, v, &p->dor.steps, TRUE, a->xd, a->gd, a->ghd, a->hd,
                        d->dhd, d->dgid, d->dghd, d->dxd, gw,
                        tg ? ra->xd : NULL, tg ? ra->gd : NULL, tg ? ra->ghd : NULL,
                        tg ? ra->hd : NULL, tg ? rd->dhd : NULL, tg ? rd->dgid : NULL,
                        tg ? rd->dghd : NULL, tg ? rd->dxd : NULL, hv, p->pk[0], p->pk[1],
                        fed ? feed_backward_hook : NULL, &feed);
  if (fed)
    {
      const int rows = p->dor.steps.at[p->Ld];
      mm_tn (G, D, rows, d->dgid, G, a->xf, D, 1, gw + m->off.dec_Wf, D);
      if (tg)
        {
          mm_tn (G, D, rows, rd->dgid, G, a->xf, D, 1, hv + m->off.dec_Wf, D);
          mm_tn (G, D, rows, d->dgid, G, ra->xf, D, 1, hv + m->off.dec_Wf, D);
        }
    }
  if (p->masked)
    {
      const size_t n_in = (size_t) p->dor.steps.at[p->Ld] * E;
      mul_inplace (d->dxd, p->md, n_in);
      if (tg)
        mul_inplace (rd->dxd, p->md, n_in);
    }
  seq2seq_embed_backward (gw + m->off.Et, d->dxd, batch->tgt_in, p->Lt, &p->dor, E);
  if (tg)
    seq2seq_embed_backward (hv + m->off.Et, rd->dxd, batch->tgt_in, p->Lt, &p->dor, E);
}

/* s_{−1}'s gradient (d->dhd's slot 0, by decoder rank) added to the
 * encoder's last state of each sentence in dh (states by slot): the
 * backward of seq2seq_first_state, once per direction */
static void
add_start_gradient (const Priv *p, const dd_real *dhd, dd_real *dh, int H)
{
  for (int k = 0; k < p->B; k++)
    {
      const int b = p->dor.perm[k];
      dd_real *restrict dst = dh + ((size_t) p->slen[b] * p->B + p->eo.rank[b]) * H;
      const dd_real *restrict g = dhd + (size_t) k * H;
      for (int j = 0; j < H; j++)
        dst[j] += g[j];
    }
}

/* the state gradients of the encoder's GRUs: d->dhe, ∂/∂ the annotations
 * from the attention, becomes the forward GRU's (bidirectional: and, through
 * the reversed rows, d->dhb the backward GRU's), each with s_{−1}'s */
static void
encoder_state_gradients (DdSeq2seq *m, Grads *d)
{
  Priv *p = m->priv;
  const int H = m->spec.hidden;

  if (m->spec.bidirectional)
    {
      memset (d->dhb, 0, (size_t) (p->Le + 1) * p->B * H * sizeof (dd_real));
      seq2seq_add_reversed (d->dhb, d->dhe, &p->eo.steps, p->rev, p->pk[0], p->pk[1], H);
      add_start_gradient (p, d->dhd, d->dhb, H);
    }
  add_start_gradient (p, d->dhd, d->dhe, H);
}

/* the encoder back through time and its embeddings */
static void
encoder_backward (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *v, dd_real *hv)
{
  Priv *p = m->priv;
  const gboolean tg = hv != NULL, bi = m->spec.bidirectional;
  const int E = m->spec.emb;
  const GruOff eo = enc_off (m);
  dd_real *gw = m->grads;
  const Acts *a = &p->a, *ra = &p->ra;
  Grads *d = &p->d, *rd = tg ? &p->rd : NULL;

  encoder_state_gradients (m, d);
  if (tg)
    encoder_state_gradients (m, rd);
  seq2seq_gru_backward (m, &eo, v, &p->eo.steps, FALSE, a->xe, a->ge, a->ghe,
                        bi ? a->hf : a->he, d->dhe, d->dgie, d->dghe, d->dxe, gw,
                        tg ? ra->xe : NULL, tg ? ra->ge : NULL, tg ? ra->ghe : NULL,
                        tg ? (bi ? ra->hf : ra->he) : NULL, tg ? rd->dhe : NULL,
                        tg ? rd->dgie : NULL, tg ? rd->dghe : NULL, tg ? rd->dxe : NULL, hv,
                        p->pk[0], p->pk[1], NULL, NULL);
  if (bi)
    {
      const GruOff eb = enc2_off (m);
      const int rows = p->eo.steps.at[p->Le];
      seq2seq_gru_backward (m, &eb, v, &p->eo.steps, FALSE, a->xe2, a->ge2, a->ghe2, a->hb,
                            d->dhb, d->dgie2, d->dghe2, d->dxe2, gw,
                            tg ? ra->xe2 : NULL, tg ? ra->ge2 : NULL, tg ? ra->ghe2 : NULL,
                            tg ? ra->hb : NULL, tg ? rd->dhb : NULL, tg ? rd->dgie2 : NULL,
                            tg ? rd->dghe2 : NULL, tg ? rd->dxe2 : NULL, hv, p->pk[0], p->pk[1], NULL, NULL);
      seq2seq_add_rows (d->dxe, d->dxe2, p->rev, rows, E);
      if (tg)
        seq2seq_add_rows (rd->dxe, rd->dxe2, p->rev, rows, E);
    }
  if (p->masked)
    {
      const size_t n_in = (size_t) p->eo.steps.at[p->Le] * E;
      mul_inplace (d->dxe, p->me, n_in);
      if (tg)
        mul_inplace (rd->dxe, p->me, n_in);
    }
  seq2seq_embed_backward (gw + m->off.Es, d->dxe, batch->src, p->Ls, &p->eo, E);
  if (tg)
    seq2seq_embed_backward (hv + m->off.Es, rd->dxe, batch->src, p->Ls, &p->eo, E);
}

/* the backward of one lane, after its forward: the logits; without input
 * feeding o and attention over all positions at once, with it a step at a
 * time inside the decoder's backward (o's weights after); the keys; the
 * encoder */
void
seq2seq_backward_one (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *dlogits,
                      const dd_real *v, const dd_real *rdlogits, dd_real *hv)
{
  if (hv)
    {
      ensure_rgrads (m);
      memset (hv, 0, m->n_params * sizeof (dd_real));
    }
  Priv *p = m->priv;
  const gboolean tg = hv != NULL;

  logits_backward (m, dlogits, v, rdlogits, hv);
  if (!m->spec.input_feed)
    o_backward (m, v, hv);
  attention_clear (m, tg);
  if (!m->spec.input_feed)
    for (int b = 0; b < p->B; b++)
      if (p->tlen[b] > 0)
        seq2seq_attend_backward (m, p, b, 0, p->tlen[b], tg);
  decoder_backward (m, batch, v, hv);
  if (m->spec.input_feed)
    o_backward (m, v, hv);
  keys_backward (m, v, hv);
  encoder_backward (m, batch, v, hv);
}

void
dd_seq2seq_backward (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *dlogits,
                     const dd_real *v, const dd_real *rdlogits, dd_real *hv)
{
  g_return_if_fail (m != NULL && batch != NULL && dlogits != NULL);
  Priv *p = m->priv;
  g_return_if_fail (seq2seq_lanes_last_batch (m, batch));
  g_return_if_fail (hv == NULL || (v != NULL && rdlogits != NULL && p->have_tangent));

  seq2seq_lanes_backward (m, batch, dlogits, v, rdlogits, hv);
}

double
dd_seq2seq_step_flops (const DdSeq2seq *m, const DdSeq2seqBatch *b)
{
  const double E = m->spec.emb, H = m->spec.hidden, V = m->spec.V_tgt;
  const double D = seq2seq_out_dim (&m->spec);
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
  f += 2 * (Ts * (m->spec.bidirectional ? 2 : 1) + N) * 3 * H * (E + H);  /* GRUs */
  if (m->spec.input_feed)
    f += 2 * N * 3 * H * D;                      /* the decoder's Wf */
  f += 2 * Ts * H * H;                           /* keys */
  f += 2 * att * H * 2;                          /* scores and context */
  f += 2 * N * D * 2 * H;                        /* Wc */
  f += 2 * N * D * V;                            /* Wo (or Et) */
  return 3 * f;
}

