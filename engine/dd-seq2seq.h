/* dd-seq2seq.h: the translation student — a GRU encoder-decoder with
 * multiplicative (Luong "general") attention
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Model (PyTorch's GRU conventions, so that a reference in torch.nn computes
 * the same function from the same parameters):
 *
 *   encoder   e_i = Es[src_i]                          Es (Vs, E)
 *             h_i = GRU_enc(e_i, h_{i−1}), h_{−1} = 0   i < src_len
 *             (bidirectional: h_i = f_i + b_i, f_i as h_i above, b_i =
 *             GRU_enc2(e_i, b_{i+1}) from the end; s_{−1} = f_{n−1} + b_0)
 *   decoder   d_t = Et[tgt_in_t]                       Et (Vt, E)
 *             s_t = GRU_dec(d_t, s_{t−1}), s_{−1} = h_{src_len−1}
 *             (input feeding: s_t = GRU_dec([d_t; o'_{t−1}], s_{t−1}), o'_{−1} = 0,
 *             o' the o below after its dropout; the GRU's W_ih is then
 *             [W_ih Wf] with Wf (3H, D) a view of its own)
 *   attention a_{t,i} = softmax_i (s_t · (Wa·h_i))     Wa (H, H), i < src_len
 *             c_t = Σ_i a_{t,i}·h_i
 *   output    o_t = tanh(Wc·[s_t; c_t] + bc)           Wc (D, 2H), bc (D)
 *             logits_t = Wo·o_t + bo                   Wo (Vt, D), bo (Vt)
 *   where D = H, or with tied embeddings D = E and Wo is Et itself.
 *
 * GRU (PyTorch gate order r, z, n; W_ih (3H, in), W_hh (3H, H), b_ih, b_hh (3H)):
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)
 *   z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h' = (1 − z) ⊙ n + z ⊙ h
 *
 * Memory as in dd-net.h: one flat parameter array with named views, a
 * gradient array of the same layout, activations for up to max_batch
 * sentences of up to max_src_len / max_tgt_len tokens allocated once.
 *
 * Second order (docs/method.md §5): the reverse pass needs H·v. Every function
 * below that takes a tangent computes, beside its value, the directional
 * derivative along a parameter direction v (forward mode over the same
 * code), so running the backward pass "with tangents" gives R{∇L} = H·v
 * exactly, in about three gradient evaluations.
 */
#pragma once

#include "dd-types.h"

G_BEGIN_DECLS

typedef struct _DdSeq2seq DdSeq2seq;

typedef struct {
  int V_src, V_tgt;          /* vocabulary sizes (special tokens included) */
  int emb;                   /* E */
  int hidden;                /* H */
  int max_batch;             /* sentences per batch, at most */
  int max_src_len;           /* source tokens per sentence, at most */
  int max_tgt_len;           /* target positions per sentence, at most */
  /* dropout in a training forward (dd_seq2seq_set_noise), inverted (kept
   * values scaled by 1/(1 − p)): `dropout` on each value of the encoder's
   * and decoder's input embeddings and of o_t before Wo; `word_dropout` on
   * whole input words, source and target (a word's embedding row). 0: off */
  double dropout, word_dropout;
  /* tied embeddings (Press and Wolf 2017): the output layer reuses the
   * target embeddings, logits_t = Et·o_t + bo, so o_t has E values (Wc is
   * (E, 2H), bc (E)) and there is no Wo (its view is Et's) */
  gboolean tie_embeddings;
  /* a bidirectional encoder: a second GRU (enc2_*) reads each source
   * backwards; the annotations h_i are the sum of the two directions' states
   * after token i, and the decoder starts from the sum of their last states */
  gboolean bidirectional;
  /* input feeding (Luong et al. 2015): the decoder's input at step t is the
   * target embedding and the previous step's o (above), so the decoder runs
   * its attention and o one step at a time instead of over all positions */
  gboolean input_feed;
} DdSeq2seqSpec;

/* A padded batch. Row-major (B, Ls) and (B, Lt); ids in [0, V). */
typedef struct {
  int        B;
  int        Ls, Lt;         /* padded lengths: ≤ max_src_len, ≤ max_tgt_len */
  const int *src;            /* (B, Ls) source ids; positions ≥ src_len[i] are ignored */
  const int *src_len;        /* (B) in [1, Ls] */
  const int *tgt_in;         /* (B, Lt) decoder inputs: <s> y₁ … y_{n−1}, then anything */
  const int *tgt_out;        /* (B, Lt) labels: y₁ … y_{n−1} </s>, then −1 (padding) */
} DdSeq2seqBatch;

/* parameter views: offsets into params / grads */
typedef struct {
  size_t Es, Et;                              /* embeddings */
  size_t enc_Wih, enc_Whh, enc_bih, enc_bhh;  /* encoder GRU */
  size_t enc2_Wih, enc2_Whh, enc2_bih, enc2_bhh; /* its backward direction (bidirectional) */
  size_t dec_Wih, dec_Whh, dec_bih, dec_bhh;  /* decoder GRU */
  size_t dec_Wf;                              /* its input weights for o' (input feeding) */
  size_t Wa, Wc, bc, Wo, bo;                  /* attention and output */
} DdSeq2seqViews;

struct _DdSeq2seq {
  DdSeq2seqSpec  spec;
  char          *description;  /* "GRU seq2seq E=… H=… attention (general)" */
  DdSeq2seqViews off;
  size_t         n_params;
  dd_real       *params;
  dd_real       *grads;
  dd_real       *logits;       /* (B·Lt, V_tgt) of the last forward; row i·Lt + t */
  dd_real       *rlogits;      /* R{logits} of the last forward with a tangent */
  /* private: activations, their tangents and scratch (dd-seq2seq-private.h) */
  void          *priv;
};

DdSeq2seqSpec dd_seq2seq_spec_default (int V_src, int V_tgt);  /* E = 128, H = 256 */
DdSeq2seq *dd_seq2seq_new      (const DdSeq2seqSpec *spec, GError **error);
void       dd_seq2seq_free     (DdSeq2seq *model);
DdSeq2seq *dd_seq2seq_copy     (const DdSeq2seq *model);
/* bytes a model of this spec holds once it has run a reverse pass (tangents included) */
size_t     dd_seq2seq_footprint (const DdSeq2seq *model);
/* uniform(−1/√H, 1/√H) for GRU weights and biases (PyTorch's default), the
 * same range for Wa, Wc, Wo (biases 0), N(0, 1)·0.1 for the embeddings */
void       dd_seq2seq_init     (DdSeq2seq *model, DdRng *rng);
void       dd_seq2seq_zero_grad (DdSeq2seq *model);

/* Teacher-forced forward: model->logits (B·Lt, V_tgt) written. With v
 * (n_params, may be NULL), model->rlogits = the derivative of the logits
 * along v is written too, and the tangents of every activation are kept for
 * dd_seq2seq_backward's hv. */
void       dd_seq2seq_forward  (DdSeq2seq *model, const DdSeq2seqBatch *batch, const dd_real *v);
/* After the forward of the same batch: grads += ∂L/∂params for
 * dlogits (B·Lt, V_tgt) = ∂L/∂logits (padding rows are zero).
 * With hv != NULL (the forward must have had a tangent v, passed again
 * here): hv (n_params) = R{∂L/∂params} along v, WRITTEN, where rdlogits =
 * R{∂L/∂logits} (from the loss's R-operator). */
void       dd_seq2seq_backward (DdSeq2seq *model, const DdSeq2seqBatch *batch,
                                const dd_real *dlogits,
                                const dd_real *v, const dd_real *rdlogits, dd_real *hv);

/* Threads: with n > 1, dd_seq2seq_forward and dd_seq2seq_backward split a
 * batch's sentences between up to n lanes (consecutive runs of sentences,
 * one lane per thread, each calling BLAS with one thread), the gradients
 * and H·v summed in lane order; 1 (the default) runs a batch whole. A
 * thread count gives the same bits on every run; different counts differ
 * in rounding, and with dropout in their masks (each lane draws its own
 * from the key). dd_seq2seq_greedy and dd_seq2seq_beam run whole, on
 * OpenBLAS's threads; dd_seq2seq_map deals many decodings to the lanes. */
void       dd_seq2seq_set_threads (DdSeq2seq *model, int n);
int        dd_seq2seq_get_threads (const DdSeq2seq *model);
/* fn (lane, i, data) for i = 0 … n − 1: item i on lane i mod L (L the
 * model's threads, at most n), each lane a model that reads this one's
 * parameters and has scratch of its own, on a thread of its own with one
 * BLAS thread. For decoding many sentences (dd_seq2seq_greedy,
 * dd_seq2seq_beam_batch on the lane); fn writes only item i's results. */
typedef void (*DdSeq2seqItemFn) (DdSeq2seq *lane, int i, gpointer data);
void       dd_seq2seq_map (DdSeq2seq *model, int n, DdSeq2seqItemFn fn, gpointer data);

/* Dropout: the next dd_seq2seq_forward (and only it) draws its masks from
 * a generator seeded with key, if the spec has dropout; key 0, or no call,
 * is a forward without dropout (evaluation). The masks stay for the
 * backward of that forward. The same key gives the same masks for the same
 * batch, so a replay or an H·v of a training step sees the step's function.
 * A function of the parameters for fixed masks, its gradient and H·v are
 * exact as without dropout. */
void       dd_seq2seq_set_noise (DdSeq2seq *model, guint64 key);

/* The masks that a training forward of batch with noise key draws (the
 * spec must have dropout; key ≠ 0), in the batch's own layout: src
 * (B, Ls, E) by source position, tgt (B, Lt, E) by target input position,
 * out (B, Lt, D) by target position, D = E with tied embeddings, else H;
 * padding positions 0. For checking the model against another framework
 * fed the same masks (bench). It replaces the last forward's layout: call
 * it between training steps, not between a forward and its backward. */
void       dd_seq2seq_dropout_masks (DdSeq2seq *model, const DdSeq2seqBatch *batch,
                                     guint64 key, dd_real *src, dd_real *tgt, dd_real *out);

/* forward + backward floating-point operations of one training step
 * (dominant terms), for the benchmark */
double     dd_seq2seq_step_flops (const DdSeq2seq *model, const DdSeq2seqBatch *batch);

/* Decoding. Greedy decodes a batch of B sentences at once (src (B, Ls)
 * row-major, src_len (B)): argmax at each step over the words, <unk> and
 * </s> (<pad> and <s> are never emitted), for every sentence, until
 * each has produced </s> or max_out ids; out (B, max_out) receives the ids
 * (without <s>; </s> not written), out_len (B) how many. Beam decodes one
 * sentence src[0..len) with `width` beams; a hypothesis' score is its summed
 * log-probability divided by its length (counting </s>); it writes up to
 * max_out ids to out and returns how many. The greedy path is kept in the
 * beam until it ends, so the result never scores below the greedy one, and
 * width 1 gives the greedy result. dd_seq2seq_beam_batch runs B sentences'
 * searches together (src, src_len, out and out_len as greedy's), sharing
 * each decoder step's products; each sentence's result is the one
 * dd_seq2seq_beam gives it alone, and score (B, may be NULL) its score.
 * Neither touches grads or the training activations (each uses its own
 * scratch), so both may run on a copy of the model in another thread. */
void       dd_seq2seq_greedy   (DdSeq2seq *model, const int *src, const int *src_len,
                                int B, int Ls, int *out, int *out_len, int max_out);
int        dd_seq2seq_beam     (DdSeq2seq *model, const int *src, int len, int width,
                                int *out, int max_out);
void       dd_seq2seq_beam_batch (DdSeq2seq *model, const int *src, const int *src_len,
                                  int B, int Ls, int width, int *out, int *out_len,
                                  double *score, int max_out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdSeq2seq, dd_seq2seq_free)

G_END_DECLS
