/* dd-net.h: the student networks (MLP and LeNet) as one sequential layer list
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Memory, after llm.c: all parameters in one contiguous array with named
 * views (layer offsets), the gradients in a second array of the same shape,
 * all activations for a batch of up to max_batch examples in a third. An
 * optimiser update is one loop, zeroing the gradients one memset, a
 * checkpoint one copy of `params`.
 *
 * A network computes logits (B, C) from inputs (B, d): images flattened
 * row-major (NHWC with one channel). Hessian-vector products (dd_net_hvp)
 * run an R-operator beside each layer's forward and backward.
 *
 * The translation student is not a DdNet: DdSeq2seq (dd-seq2seq.h) has the
 * same memory layout and verbs of its own, its forward and backward taking
 * an optional tangent for H·v. DdStudentKind and DdNetSpec below name every
 * student, the translator included; the teaching loop reaches either kind
 * through DdStudent (dd-student.h).
 */
#pragma once

#include "dd-types.h"
#include "dd-loss.h"

G_BEGIN_DECLS

typedef enum {
  DD_LAYER_DENSE,
  DD_LAYER_CONV,
  DD_LAYER_MAXPOOL2,
  DD_LAYER_TANH,
  DD_LAYER_RELU,
} DdLayerKind;

typedef enum {
  DD_ACT_TANH,
  DD_ACT_RELU,
} DdActivation;

typedef enum {
  DD_STUDENT_MLP,
  DD_STUDENT_LENET,
  DD_STUDENT_SEQ2SEQ,   /* the translation student (dd-seq2seq.h), not a DdNet */
} DdStudentKind;

typedef struct {
  DdLayerKind kind;
  int    h, w, c;         /* input shape of one example (dense: h = w = 1) */
  int    oh, ow, oc;      /* output shape */
  int    k;               /* conv kernel size */
  size_t w_off, b_off;    /* parameter views: weights, biases */
  size_t n_w, n_b;
  size_t out_off;         /* activation view: output (max_batch, oh·ow·oc) */
  size_t rows_off;        /* conv: im2row matrix (max_batch·oh·ow, k·k·c) */
} DdLayer;

struct _DdNet {
  DdStudentKind kind;
  char    *description;   /* e.g. "MLP 784-500-10 tanh" */
  int      n_layers;
  DdLayer *layers;
  int      in_h, in_w;    /* input image geometry */
  int      in_size;       /* in_h · in_w */
  int      n_classes;
  int      max_batch;

  size_t   n_params;
  dd_real *params;        /* all parameters */
  dd_real *grads;         /* same layout as params */

  size_t   n_acts;
  dd_real *acts;          /* forward activations of the last batch */
  size_t   n_scratch;
  dd_real *dbuf[2];       /* backward: ping-pong activation gradients */
  dd_real *drows;         /* backward: conv input-gradient scratch */
  dd_real *logits;        /* view into acts: (max_batch, n_classes) */

  /* dd_net_hvp's buffers, allocated on its first call (NULL until then) */
  dd_real *racts;         /* R{acts}: the layout of acts, conv R{rows} included */
  dd_real *rdbuf[2];      /* R-backward: ping-pong R{activation gradients} */
  dd_real *lscratch;      /* the loss's scratch, 2·max_batch·n_classes */
  gboolean shares_params; /* a shadow (dd_net_shadow): params are another net's */
  /* the first layer's units split between unit_split workers of unit_pool
   * (dense only; 1 or 0: not split). Set by the student around one call
   * (dd_net_set_unit_split); a copy or shadow starts without. */
  struct _DdWorkers *unit_pool;
  int      unit_split;
};

typedef struct {
  DdStudentKind kind;
  int           hidden[8];  /* MLP hidden sizes */
  int           n_hidden;
  DdActivation  activation; /* MLP activation */
  int           emb;        /* seq2seq: embedding size E (0: 128) */
  int           rnn_hidden; /* seq2seq: GRU units H (0: 256) */
  double        dropout;    /* seq2seq: dropout of input embeddings and o_t (dd-seq2seq.h) */
  double        word_dropout; /* seq2seq: dropout of whole input words */
  gboolean      tie_embeddings; /* seq2seq: the output layer is the target embeddings */
  gboolean      bidirectional;  /* seq2seq: a second encoder GRU reads the source backwards */
  gboolean      input_feed;     /* seq2seq: the decoder reads its previous step's o too */
} DdNetSpec;

/* The default students: MLP d-500-C tanh; LeNet as in docs/method.md §1 */
DdNetSpec   dd_net_spec_default   (DdStudentKind kind);
/* The student's choice of threads for one call (dd-student.c): with n > 1
 * the next forward, backward and H·v split a dense first layer's units
 * between n workers of pool (dd-workers.h; at least n threads); other
 * layers, and a first layer that is not dense, run on the calling thread.
 * 1: nothing split. The same n gives the same bits on every run. */
void        dd_net_set_unit_split (DdNet *net, struct _DdWorkers *pool, int n);
gboolean    dd_student_kind_parse (const char *name, DdStudentKind *out);
const char *dd_student_kind_name  (DdStudentKind kind);
/* "500,300" → an MLP's hidden sizes; for a translator (kind seq2seq) one
 * size, its GRU units H; FALSE and an error on anything else */
gboolean    dd_net_spec_parse_hidden (DdNetSpec *spec, const char *text, GError **error);
/* a translator's word embedding size E, 1 to DD_SEQ2SEQ_MAX_SIZE */
#define DD_SEQ2SEQ_MAX_SIZE 4096
gboolean    dd_net_spec_parse_embedding (DdNetSpec *spec, const char *text, GError **error);

DdNet   *dd_net_new        (const DdNetSpec *spec, int in_h, int in_w, int n_classes,
                            int max_batch, GError **error);
void     dd_net_free       (DdNet *net);
/* A deep copy (parameters, gradients and activations), for forks. */
DdNet   *dd_net_copy       (const DdNet *net);
/* A net that reads net's parameters (the same array, not a copy) and has
 * its own gradients, activations and scratch: a worker of a data-parallel
 * step. net must outlive it, and nobody may write the parameters while a
 * shadow runs. */
DdNet   *dd_net_shadow     (DdNet *net);
/* bytes a net of this shape holds once it has run a reverse pass (R-op buffers included) */
size_t   dd_net_footprint  (const DdNet *net);
/* Glorot-uniform weights, zero biases, drawn from rng. */
void     dd_net_init       (DdNet *net, DdRng *rng);
/* x (B, in_size) → net->logits (B, n_classes); B ≤ max_batch */
void     dd_net_forward    (DdNet *net, const dd_real *x, int B);
/* grads += ∂L/∂params for dlogits (B, n_classes) = ∂L/∂logits, after the
 * forward of the same x. Does not zero the gradients. */
void     dd_net_backward   (DdNet *net, const dd_real *x, const dd_real *dlogits, int B);
/* grads = ∂L/∂params (written, not added to): the bits of dd_net_zero_grad
 * and dd_net_backward, without a pass that zeroes what the first layer's
 * split units write anyway */
void     dd_net_gradient   (DdNet *net, const dd_real *x, const dd_real *dlogits, int B);
void     dd_net_zero_grad  (DdNet *net);
/* floating-point operations of one training step (forward + backward) */
double   dd_net_step_flops (const DdNet *net, int B);
/* the matrix products' flops of dd_net_hvp_only on B examples (forward,
 * R-forward, the input gradients, R-backward) */
double   dd_net_hvp_flops  (const DdNet *net, int B);
/* … of dd_net_forward alone */
double   dd_net_forward_flops (const DdNet *net, int B);
gboolean dd_net_params_finite (const DdNet *net);

/* Forward-over-reverse products for the reverse pass of L2T-DLF (docs/method.md §5).
 * For the minibatch (x (B, in_size), y (B)), the loss (with its Φ for DLF)
 * and a direction v (n_params) over the parameters, at the current params:
 *   net->grads  = ∇_ω L                                     (written)
 *   hv          = H·v,  H = ∇²_ω L                         (written, n_params)
 *   dW, db     += ∂(vᵀ·∇_ω L)/∂Φ = (∂g/∂Φ)ᵀ·v   (DLF only; NULL to skip)
 * Exact (an R-operator per layer), about two gradient evaluations. Returns
 * the loss value. The R-pass buffers are allocated on first use. */
double   dd_net_hvp (DdNet *net, const DdLoss *loss, const dd_real *x, const int *y, int B,
                     const dd_real *v, dd_real *hv, dd_real *dW, dd_real *db);
/* dd_net_hvp without the gradient: net->grads are left as they were, and
 * each layer's weight-gradient product is skipped (the reverse pass uses
 * only hv, dW and db, which are the same bits either way). */
double   dd_net_hvp_only (DdNet *net, const DdLoss *loss, const dd_real *x, const int *y,
                          int B, const dd_real *v, dd_real *hv, dd_real *dW, dd_real *db);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdNet, dd_net_free)

G_END_DECLS
