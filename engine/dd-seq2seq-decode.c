/* dd-seq2seq-decode.c: translating with the GRU encoder-decoder — greedy
 * decoding of a batch, beam search of one sentence
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decoding runs on scratch of its own (Dec, in the model's private part),
 * never on the training activations or gradients, so that a copy of the
 * model can decode in another thread. It runs the layers of
 * dd-seq2seq-layers.c one target position at a time.
 */
#include "dd-seq2seq-private.h"
#include "dd-corpus.h"
#include "dd-kernels.h"

/* room for B sentences of Ls tokens and R decoder rows */
static void
dec_reserve (const DdSeq2seq *m, Dec *d, int B, int Ls, int R)
{
  const size_t E = m->spec.emb, H = m->spec.hidden, V = m->spec.V_tgt;
  const size_t D = seq2seq_out_dim (&m->spec);

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
  g_free (d->rev);
  seq2seq_order_free (&d->eo);

  /* bidirectional: the forward states, the reversed inputs and the backward
   * states (the backward GRU reuses the forward's gate scratch) */
  const size_t bi = m->spec.bidirectional ? 1 : 0;
  const size_t eb = (size_t) d->cap_B * d->cap_Ls, r = d->cap_R;
  const size_t slots = eb * H + (size_t) d->cap_B * H;
  const size_t total = eb * (E + 3 * H + H + H) + (size_t) d->cap_B * H + eb * H +
                       (size_t) d->cap_B * H + bi * (2 * slots + eb * E) +
                       r * (E + 3 * H + 3 * H + H + H + H + 2 * H + D + V + d->cap_Ls) +
                       (m->spec.input_feed ? r * D : 0);
  dd_real *base = g_new0 (dd_real, total);
  size_t at = 0;
  d->block = base;
  TAKE (d->enc.xe, eb * E);
  TAKE (d->enc.ge, eb * 3 * H);
  TAKE (d->enc.ghe, eb * H);
  TAKE (d->enc.he, slots);
  TAKE (d->enc.keys, eb * H);
  TAKE (d->init, (size_t) d->cap_B * H);
  TAKE (d->enc.hf, bi * slots);
  TAKE (d->enc.xe2, bi * eb * E);
  TAKE (d->enc.hb, bi * slots);
  TAKE (d->x, r * E);
  TAKE (d->gi, r * 3 * H);
  TAKE (d->gh, r * 3 * H);
  TAKE (d->ghn, r * H);
  TAKE (d->s, r * H);
  TAKE (d->s2, r * H);
  TAKE (d->u, r * 2 * H);
  TAKE (d->o, r * D);
  TAKE (d->lg, r * V);
  TAKE (d->att, r * d->cap_Ls);
  TAKE (d->of, m->spec.input_feed ? r * D : 0);
  g_assert (at == total);
  d->enc.gh = d->gh;  /* the encoder's per-step scratch: R ≥ B rows */
  d->slen = g_new0 (int, d->cap_B);
  d->tok = g_new0 (int, r);
  d->row_sent = g_new0 (int, r);
  d->rev = g_new0 (int, eb);
  seq2seq_order_alloc (&d->eo, d->cap_B, d->cap_Ls);
  if (d->wt == NULL)
    d->wt = g_new (dd_real, (size_t) 3 * H * H);
}

/* frees what dec_reserve allocated */
void
seq2seq_dec_clear (Dec *d)
{
  g_free (d->block);
  g_free (d->slen);
  g_free (d->tok);
  g_free (d->row_sent);
  g_free (d->rev);
  seq2seq_order_free (&d->eo);
  g_free (d->wt);
}

/* the encoder states and keys of B sentences (src (B, Ls)) into d->enc,
 * the decoder's first state of sentence b into d->init row b */
static void
dec_encode (const DdSeq2seq *m, Dec *d, const int *src, const int *len, int B, int Ls)
{
  const int E = m->spec.emb, H = m->spec.hidden;
  const gboolean bi = m->spec.bidirectional;
  const GruOff eo = enc_off (m);
  dd_real *hf = bi ? d->enc.hf : d->enc.he;
  int Le = 0;

  for (int b = 0; b < B; b++)
    {
      d->slen[b] = CLAMP (len[b], 1, Ls);
      Le = MAX (Le, d->slen[b]);
    }
  seq2seq_order_set (&d->eo, d->slen, B, Le);
  seq2seq_embed (d->enc.xe, m->params + m->off.Es, src, Ls, &d->eo, E);
  memset (hf, 0, (size_t) B * H * sizeof (dd_real));
  seq2seq_gru_forward (m, &eo, NULL, &d->eo.steps, d->enc.xe, d->enc.gh, d->enc.ge,
                       d->enc.ghe, hf, NULL, NULL, NULL, NULL, NULL, d->wt, NULL, NULL);
  if (bi)
    {
      const GruOff eb = enc2_off (m);
      const int rows = d->eo.steps.at[Le];
      seq2seq_reverse_rows (d->rev, &d->eo, d->slen);
      seq2seq_gather_rows (d->enc.xe2, d->enc.xe, d->rev, rows, E);
      memset (d->enc.hb, 0, (size_t) B * H * sizeof (dd_real));
      seq2seq_gru_forward (m, &eb, NULL, &d->eo.steps, d->enc.xe2, d->enc.gh, d->enc.ge,
                           d->enc.ghe, d->enc.hb, NULL, NULL, NULL, NULL, NULL, d->wt, NULL, NULL);
      /* the forward GRU's gates are spent: scratch for the sums */
      memcpy (d->enc.he, d->enc.hf, (size_t) (Le + 1) * B * H * sizeof (dd_real));
      seq2seq_add_reversed (d->enc.he, d->enc.hb, &d->eo.steps, d->rev, d->enc.ge,
                            d->enc.ge + (size_t) rows * H, H);
    }
  for (int b = 0; b < B; b++)
    seq2seq_first_state (d->init + (size_t) b * H, &d->enc, bi,
                         ((size_t) d->slen[b] * B + d->eo.rank[b]) * H, H);
  /* the keys of the real states, step by step */
  for (int t = 0; t < Le; t++)
    mm_nt (d->eo.n[t], H, H, d->enc.he + (size_t) (t + 1) * B * H, H,
           m->params + m->off.Wa, H, 0, d->enc.keys + (size_t) t * B * H, H);
}

/* One decoder step for R rows: row j continues state s (R, H) with token
 * d->tok[j] (input feeding: and the previous o in d->of), attending over
 * sentence d->row_sent[j] of the B encoded ones; the new state goes to
 * s_out, o to d->o, the logits to d->lg (R, V). */
static void
dec_step (const DdSeq2seq *m, Dec *d, int R, int B, const dd_real *s, dd_real *s_out)
{
  const int E = m->spec.emb, H = m->spec.hidden, V = m->spec.V_tgt, G = 3 * H;
  const int D = seq2seq_out_dim (&m->spec);
  const dd_real *w = m->params;
  const int ldt = B * H;

  for (int j = 0; j < R; j++)
    memcpy (d->x + (size_t) j * E, w + m->off.Et + (size_t) d->tok[j] * E, E * sizeof (dd_real));
  fill_rows (d->gi, w + m->off.dec_bih, R, G);
  mm_nt (R, G, E, d->x, E, w + m->off.dec_Wih, E, 1, d->gi, G);
  if (m->spec.input_feed)
    mm_nt (R, G, D, d->of, D, w + m->off.dec_Wf, D, 1, d->gi, G);
  fill_rows (d->gh, w + m->off.dec_bhh, R, G);
  mm_nt (R, G, H, s, H, w + m->off.dec_Whh, H, 1, d->gh, G);
  seq2seq_gru_cell (R, H, d->gi, d->gh, d->ghn, s, s_out);

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
  fill_rows (d->o, w + m->off.bc, R, D);
  mm_nt (R, D, 2 * H, d->u, 2 * H, w + m->off.Wc, 2 * H, 1, d->o, D);
  tanh_inplace (d->o, (size_t) R * D);
  fill_rows (d->lg, w + m->off.bo, R, V);
  mm_nt (R, V, D, d->o, D, w + m->off.Wo, D, 1, d->lg, V);
}

/* input feeding: the first step's rows are fed o = 0 */
static void
dec_start_feed (const DdSeq2seq *m, Dec *d, int R)
{
  if (m->spec.input_feed)
    memset (d->of, 0, (size_t) R * seq2seq_out_dim (&m->spec) * sizeof (dd_real));
}

/* input feeding: the next step's row r continues this step's row j */
static void
dec_keep_feed (const DdSeq2seq *m, Dec *d, int r, int j)
{
  const size_t D = seq2seq_out_dim (&m->spec);

  if (m->spec.input_feed)
    memcpy (d->of + r * D, d->o + j * D, D * sizeof (dd_real));
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

/* the largest emittable entry; of equals </s> first, then the lowest id
 * (the plain loop "best = </s>; for each emittable i: if (x[i] > x[best])
 * best = i", which the double-precision build runs); NaN entries are passed
 * over, and a NaN </s> ends the sentence */
static int
argmax (const dd_real *x, int n)
{
  G_STATIC_ASSERT (DD_TOKEN_UNK < DD_TOKEN_EOS && DD_TOKEN_PAD < DD_TOKEN_EOS
                   && DD_TOKEN_BOS < DD_TOKEN_EOS);
#ifdef DD_DOUBLE
  int best = DD_TOKEN_EOS;

  for (int i = 0; i < n; i++)
    if (emittable (i) && x[i] > x[best])
      best = i;
  return best;
#else
  /* </s> and every word come after the specials, <unk> among them */
  const int j = DD_TOKEN_EOS + dd_first_maxf (x + DD_TOKEN_EOS, n - DD_TOKEN_EOS);
  return x[DD_TOKEN_UNK] > x[j] || (x[DD_TOKEN_UNK] == x[j] && j != DD_TOKEN_EOS)
         ? DD_TOKEN_UNK : j;
#endif
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
      memcpy (d->s + (size_t) b * H, d->init + (size_t) b * H, H * sizeof (dd_real));
      d->tok[b] = DD_TOKEN_BOS;
      d->row_sent[b] = b;
      out_len[b] = 0;
    }
  dec_start_feed (m, d, B);
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
          dec_keep_feed (m, d, kept, j);
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

/* One sentence's beam search: A live rows, each with its tokens so far (a
 * row of max_out in seq) and their summed log-probability, at rows row0 …
 * row0 + A − 1 of the decoder's step; the greedy path's row (−1 once it has
 * ended); the best finished hypothesis so far. The search goes on while it
 * has rows and fewer than W finished hypotheses or the greedy path has not
 * ended; ended, the step at which it stopped. */
typedef struct {
  int     W, max_out;
  int    *seq, *seq2;   /* (W + 1, max_out): this step's rows, the next step's */
  double *score;        /* (W + 1) */
  Cand   *cand, *top;   /* (W) the step's best continuations, one row's best tokens */
  dd_real *exps;        /* (V) scratch: a row's exp (logit − max), shared by the batch */
  int     row0, A, greedy_row, n_done, ended;
  double  best;         /* best_seq's score divided by its length (with </s>) */
  int    *best_seq, best_len;
} Beam;

static void
beam_init (Beam *bm, int W, int max_out, int row0, dd_real *exps)
{
  const int R = W + 1;
  *bm = (Beam) {
    .W = W, .max_out = max_out, .exps = exps,
    .seq = g_new (int, (size_t) R * max_out),
    .seq2 = g_new (int, (size_t) R * max_out),
    .score = g_new (double, R),
    .cand = g_new (Cand, W),
    .top = g_new (Cand, W),
    .row0 = row0, .A = 1, .greedy_row = 0, .n_done = 0, .ended = -1,
    .best = -INFINITY,
    .best_seq = g_new (int, max_out), .best_len = 0,
  };
  bm->score[0] = 0;
}

static void
beam_clear (Beam *bm)
{
  g_free (bm->seq);
  g_free (bm->seq2);
  g_free (bm->score);
  g_free (bm->cand);
  g_free (bm->top);
  g_free (bm->best_seq);
}

/* seq[0..len) becomes the best if its normalised score beats it */
static void
beam_offer (Beam *bm, double norm, const int *seq, int len)
{
  if (norm > bm->best)
    {
      bm->best = norm;
      bm->best_len = len;
      memcpy (bm->best_seq, seq, len * sizeof (int));
    }
}

/* the W best continuations of the sentence's live rows (logits in d->lg)
 * by summed log-probability into bm->cand, returning how many; the greedy
 * row's best token into *greedy (rows counted from bm->row0) */
static int
beam_candidates (const DdSeq2seq *m, const Dec *d, Beam *bm, Cand *greedy)
{
  const int V = m->spec.V_tgt, W = bm->W;
  Cand *top = bm->top;
  int n_cand = 0;

  for (int j = 0; j < bm->A; j++)
    {
      const dd_real *lg = d->lg + (size_t) (bm->row0 + j) * V;
      /* the row's W best tokens by logit (the first of equals first) */
      int n_top = 0;
      for (int y = 0; y < V; y++)
        if (emittable (y))
          cand_insert (top, &n_top, W, (Cand) { lg[y], j, y });
      /* log Σ exp over the row, on vectors (the terms into scratch) */
      int arg;
      const double sum = dd_exp_shifted_sum (bm->exps, lg, V, &arg);
      const double lse = (double) lg[arg] + log (sum);
      for (int i = 0; i < n_top; i++)
        {
          top[i].score = bm->score[j] + ((double) top[i].score - lse);
          cand_insert (bm->cand, &n_cand, W, top[i]);
        }
      if (j == bm->greedy_row)
        *greedy = top[0];
    }
  return n_cand;
}

/* Step k's rows of sentence b for the next step, from row row0 on: the
 * n_cand best continuations, and the greedy one if they lack it; finished
 * ones (</s>) leave the beam. */
static void
beam_advance (const DdSeq2seq *m, Dec *d, Beam *bm, int b, int k, int n_cand, Cand greedy,
              int row0)
{
  const int H = m->spec.hidden, max_out = bm->max_out;
  gboolean greedy_in = FALSE;
  int A2 = 0;

  for (int i = 0; i <= n_cand; i++)
    {
      Cand c;
      if (i < n_cand)
        c = bm->cand[i];
      else if (greedy.row >= 0 && !greedy_in)
        c = greedy;
      else
        break;
      const gboolean is_greedy = c.row == greedy.row && c.tok == greedy.tok;
      const int *parent = bm->seq + (size_t) c.row * max_out;
      greedy_in |= is_greedy;
      if (c.tok == DD_TOKEN_EOS)
        {
          bm->n_done++;
          beam_offer (bm, c.score / (k + 1), parent, k);
          if (is_greedy)
            bm->greedy_row = -1;
          continue;
        }
      if (is_greedy)
        bm->greedy_row = A2;
      const int r = row0 + A2;
      memcpy (bm->seq2 + (size_t) A2 * max_out, parent, k * sizeof (int));
      bm->seq2[(size_t) A2 * max_out + k] = c.tok;
      bm->score[A2] = c.score;
      d->tok[r] = c.tok;
      d->row_sent[r] = b;
      memcpy (d->s + (size_t) r * H, d->s2 + (size_t) (bm->row0 + c.row) * H, H * sizeof (dd_real));
      dec_keep_feed (m, d, r, bm->row0 + c.row);
      A2++;
    }
  bm->row0 = row0;
  bm->A = A2;
  int *t = bm->seq;
  bm->seq = bm->seq2;
  bm->seq2 = t;
}

/* Beam search, with one twist: the greedy path (argmax after argmax) is
 * always kept, as an extra row when the W best leave it out, and the search
 * runs until it has ended too. So the result scores at least as well as the
 * greedy one, and width 1 is exactly greedy decoding. The B sentences'
 * searches share each decoder step (their rows one after another), so the
 * output layer's product runs on up to B·(W + 1) rows at once instead of
 * W + 1; each search is the one it would be alone. */
void
dd_seq2seq_beam_batch (DdSeq2seq *m, const int *src, const int *src_len, int B, int Ls,
                       int width, int *out, int *out_len, double *score, int max_out)
{
  g_return_if_fail (m != NULL && src != NULL && src_len != NULL && B >= 1 && Ls >= 1
                    && width >= 1 && max_out >= 0);
  if (max_out == 0)
    {
      memset (out_len, 0, B * sizeof (int));
      for (int b = 0; score && b < B; b++)
        score[b] = -INFINITY;
      return;
    }

  Priv *p = m->priv;
  Dec *d = &p->dec;
  const int H = m->spec.hidden, W = width;
  g_autofree Beam *bm = g_new (Beam, B);
  g_autofree dd_real *exps = g_new (dd_real, m->spec.V_tgt);

  dec_reserve (m, d, B, Ls, B * (W + 1));
  dec_encode (m, d, src, src_len, B, Ls);
  for (int b = 0; b < B; b++)
    {
      beam_init (&bm[b], W, max_out, b, exps);
      memcpy (d->s + (size_t) b * H, d->init + (size_t) b * H, H * sizeof (dd_real));
      d->tok[b] = DD_TOKEN_BOS;
      d->row_sent[b] = b;
    }
  dec_start_feed (m, d, B);

  int R = B;
  for (int k = 0; k < max_out && R > 0; k++)
    {
      dec_step (m, d, R, B, d->s, d->s2);
      int R2 = 0;
      for (int b = 0; b < B; b++)
        {
          Beam *sb = &bm[b];
          if (sb->ended >= 0)
            continue;
          Cand greedy = { 0, -1, -1 };
          const int n_cand = beam_candidates (m, d, sb, &greedy);
          beam_advance (m, d, sb, b, k, n_cand, greedy, R2);
          R2 += sb->A;
          if (!(sb->A > 0 && (sb->n_done < W || sb->greedy_row >= 0)))
            sb->ended = k + 1;
        }
      R = R2;
    }
  for (int b = 0; b < B; b++)
    {
      Beam *sb = &bm[b];
      /* out of room: the unfinished hypotheses compete at their length */
      if (sb->ended < 0 || sb->ended == max_out)
        for (int j = 0; j < sb->A; j++)
          beam_offer (sb, sb->score[j] / max_out, sb->seq + (size_t) j * max_out, max_out);
      out_len[b] = sb->best_len;
      if (score)
        score[b] = sb->best;
      memcpy (out + (size_t) b * max_out, sb->best_seq, sb->best_len * sizeof (int));
      beam_clear (sb);
    }
}

int
dd_seq2seq_beam (DdSeq2seq *m, const int *src, int len, int width, int *out, int max_out)
{
  g_return_val_if_fail (m != NULL && src != NULL && len >= 1 && width >= 1, 0);
  if (max_out <= 0)
    return 0;

  int n = 0;
  dd_seq2seq_beam_batch (m, src, &len, 1, len, width, out, &n, NULL, max_out);
  return n;
}
