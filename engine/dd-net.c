/* dd-net.c: sequential students over the kernels of dd-kernels.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-net.h"
#include "dd-kernels.h"
#include "dd-rng.h"
#include "dd-workers.h"

#include <math.h>
#include <string.h>

DdNetSpec
dd_net_spec_default (DdStudentKind kind)
{
  DdNetSpec spec = { .kind = kind, .activation = DD_ACT_TANH };

  if (kind == DD_STUDENT_MLP)
    {
      spec.hidden[0] = 500;
      spec.n_hidden = 1;
    }
  return spec;
}

gboolean
dd_student_kind_parse (const char *name, DdStudentKind *out)
{
  if (g_strcmp0 (name, "mlp") == 0)
    *out = DD_STUDENT_MLP;
  else if (g_strcmp0 (name, "lenet") == 0)
    *out = DD_STUDENT_LENET;
  else if (g_strcmp0 (name, "seq2seq") == 0)
    *out = DD_STUDENT_SEQ2SEQ;
  else
    return FALSE;
  return TRUE;
}

const char *
dd_student_kind_name (DdStudentKind kind)
{
  return kind == DD_STUDENT_LENET ? "lenet" : kind == DD_STUDENT_SEQ2SEQ ? "seq2seq" : "mlp";
}

/* one size of a translator's layer, 1 to DD_SEQ2SEQ_MAX_SIZE */
static gboolean
parse_seq2seq_size (const char *what, const char *text, int *out, GError **error)
{
  guint64 v;
  if (!g_ascii_string_to_unsigned (text, 10, 1, DD_SEQ2SEQ_MAX_SIZE, &v, NULL))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "%s “%s”: expected one size from 1 to %d", what, text, DD_SEQ2SEQ_MAX_SIZE);
      return FALSE;
    }
  *out = (int) v;
  return TRUE;
}

gboolean
dd_net_spec_parse_embedding (DdNetSpec *spec, const char *text, GError **error)
{
  return parse_seq2seq_size ("embedding size", text, &spec->emb, error);
}

gboolean
dd_net_spec_parse_hidden (DdNetSpec *spec, const char *text, GError **error)
{
  if (spec->kind == DD_STUDENT_SEQ2SEQ)
    return parse_seq2seq_size ("GRU units", text, &spec->rnn_hidden, error);

  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  int n = 0;

  for (int i = 0; parts[i] != NULL; i++)
    {
      guint64 v;
      if (n == G_N_ELEMENTS (spec->hidden) ||
          !g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1, 65536, &v, NULL))
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                       "hidden sizes “%s”: expected up to %d comma-separated sizes from 1 to 65536",
                       text, (int) G_N_ELEMENTS (spec->hidden));
          return FALSE;
        }
      spec->hidden[n++] = (int) v;
    }
  if (n == 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "hidden sizes “%s”: at least one size is needed", text);
      return FALSE;
    }
  spec->n_hidden = n;
  return TRUE;
}

/* Layer-list builder: each add_* appends a layer taking the previous output. */
typedef struct {
  GArray *layers;
  int     h, w, c;
} Builder;

static DdLayer *
builder_add (Builder *b, DdLayerKind kind, int oh, int ow, int oc)
{
  DdLayer l = { .kind = kind, .h = b->h, .w = b->w, .c = b->c, .oh = oh, .ow = ow, .oc = oc };
  g_array_append_val (b->layers, l);
  b->h = oh;
  b->w = ow;
  b->c = oc;
  return &g_array_index (b->layers, DdLayer, b->layers->len - 1);
}

static void
add_dense (Builder *b, int out)
{
  /* a dense layer sees its input flattened */
  int in = b->h * b->w * b->c;
  b->h = b->w = 1;
  b->c = in;
  builder_add (b, DD_LAYER_DENSE, 1, 1, out);
}

static void
add_conv (Builder *b, int out_c, int k)
{
  DdLayer *l = builder_add (b, DD_LAYER_CONV, b->h - k + 1, b->w - k + 1, out_c);
  l->k = k;
}

static void
add_elementwise (Builder *b, DdLayerKind kind)
{
  builder_add (b, kind, b->h, b->w, b->c);
}

static void
add_pool (Builder *b)
{
  builder_add (b, DD_LAYER_MAXPOOL2, b->h / 2, b->w / 2, b->c);
}

static size_t
layer_out_size (const DdLayer *l)
{
  return (size_t) l->oh * l->ow * l->oc;
}

static size_t
layer_in_size (const DdLayer *l)
{
  return (size_t) l->h * l->w * l->c;
}

DdNet *
dd_net_new (const DdNetSpec *spec, int in_h, int in_w, int n_classes,
            int max_batch, GError **error)
{
  g_autoptr(GArray) layers = g_array_new (FALSE, TRUE, sizeof (DdLayer));
  Builder b = { layers, in_h, in_w, 1 };
  GString *desc = g_string_new (NULL);

  g_return_val_if_fail (spec != NULL, NULL);

  if (in_h <= 0 || in_w <= 0 || n_classes < 2 || max_batch <= 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                   "network: invalid shape %d×%d, %d classes, batch %d",
                   in_h, in_w, n_classes, max_batch);
      g_string_free (desc, TRUE);
      return NULL;
    }

  if (spec->kind == DD_STUDENT_MLP)
    {
      DdLayerKind act = spec->activation == DD_ACT_RELU ? DD_LAYER_RELU : DD_LAYER_TANH;
      if (spec->n_hidden < 1 || spec->n_hidden > (int) G_N_ELEMENTS (spec->hidden))
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                       "MLP: %d hidden layers; 1 to %d are supported",
                       spec->n_hidden, (int) G_N_ELEMENTS (spec->hidden));
          g_string_free (desc, TRUE);
          return NULL;
        }
      g_string_append_printf (desc, "MLP %d", in_h * in_w);
      for (int i = 0; i < spec->n_hidden; i++)
        {
          add_dense (&b, spec->hidden[i]);
          add_elementwise (&b, act);
          g_string_append_printf (desc, "-%d", spec->hidden[i]);
        }
      add_dense (&b, n_classes);
      g_string_append_printf (desc, "-%d %s", n_classes,
                              spec->activation == DD_ACT_RELU ? "relu" : "tanh");
    }
  else
    {
      /* LeNet: 5×5 conv, 20 maps → 2×2 max-pool → tanh → 5×5 conv, 50 maps →
       * 2×2 max-pool → tanh → 500 tanh → C */
      if ((in_h - 4) / 2 - 4 < 2 || (in_w - 4) / 2 - 4 < 2 ||
          (in_h - 4) % 2 || (in_w - 4) % 2 || ((in_h - 4) / 2 - 4) % 2 || ((in_w - 4) / 2 - 4) % 2)
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                       "LeNet needs images whose sides n satisfy (n − 4)/2 − 4 ≥ 2 and even "
                       "(28×28 works); these are %d×%d", in_h, in_w);
          g_string_free (desc, TRUE);
          return NULL;
        }
      add_conv (&b, 20, 5);
      add_pool (&b);
      add_elementwise (&b, DD_LAYER_TANH);
      add_conv (&b, 50, 5);
      add_pool (&b);
      add_elementwise (&b, DD_LAYER_TANH);
      add_dense (&b, 500);
      add_elementwise (&b, DD_LAYER_TANH);
      add_dense (&b, n_classes);
      g_string_append_printf (desc, "LeNet %d×%d-20c5-p2-50c5-p2-500-%d tanh",
                              in_h, in_w, n_classes);
    }

  DdNet *net = g_new0 (DdNet, 1);
  net->kind = spec->kind;
  net->description = g_string_free (desc, FALSE);
  net->in_h = in_h;
  net->in_w = in_w;
  net->in_size = in_h * in_w;
  net->n_classes = n_classes;
  net->max_batch = max_batch;
  net->n_layers = (int) layers->len;
  net->layers = (DdLayer *) g_array_steal (layers, NULL);

  /* lay out parameter and activation views */
  size_t p = 0, a = 0, widest = (size_t) net->in_size, rows_max = 0;
  for (int i = 0; i < net->n_layers; i++)
    {
      DdLayer *l = &net->layers[i];
      if (l->kind == DD_LAYER_DENSE)
        {
          l->n_w = (size_t) l->oc * layer_in_size (l);
          l->n_b = (size_t) l->oc;
        }
      else if (l->kind == DD_LAYER_CONV)
        {
          l->n_w = (size_t) l->oc * l->k * l->k * l->c;
          l->n_b = (size_t) l->oc;
          l->rows_off = a;
          size_t rows = (size_t) max_batch * l->oh * l->ow * l->k * l->k * l->c;
          a += rows;
          rows_max = MAX (rows_max, rows);
        }
      l->w_off = p;
      p += l->n_w;
      l->b_off = p;
      p += l->n_b;
      l->out_off = a;
      a += (size_t) max_batch * layer_out_size (l);
      widest = MAX (widest, layer_out_size (l));
    }
  net->n_params = p;
  net->params = g_new0 (dd_real, p);
  net->grads = g_new0 (dd_real, p);
  net->n_acts = a;
  net->acts = g_new0 (dd_real, a);
  net->n_scratch = (size_t) max_batch * widest;
  net->dbuf[0] = g_new0 (dd_real, net->n_scratch);
  net->dbuf[1] = g_new0 (dd_real, net->n_scratch);
  net->drows = rows_max ? g_new0 (dd_real, rows_max) : NULL;
  net->logits = net->acts + net->layers[net->n_layers - 1].out_off;
  return net;
}

void
dd_net_free (DdNet *net)
{
  if (net == NULL)
    return;
  g_free (net->description);
  g_free (net->layers);
  if (!net->shares_params)
    g_free (net->params);
  g_free (net->grads);
  g_free (net->acts);
  g_free (net->dbuf[0]);
  g_free (net->dbuf[1]);
  g_free (net->drows);
  g_free (net->racts);
  g_free (net->rdbuf[0]);
  g_free (net->rdbuf[1]);
  g_free (net->lscratch);
  g_free (net);
}

static size_t
largest_rows (const DdNet *net)
{
  size_t m = 0;
  for (int i = 0; i < net->n_layers; i++)
    {
      const DdLayer *l = &net->layers[i];
      if (l->kind == DD_LAYER_CONV)
        m = MAX (m, (size_t) net->max_batch * l->oh * l->ow * l->k * l->k * l->c);
    }
  return m;
}

size_t
dd_net_footprint (const DdNet *net)
{
  const size_t reals = 2 * net->n_params + 2 * net->n_acts + 4 * net->n_scratch
                       + 2 * (size_t) net->max_batch * net->n_classes;
  return reals * sizeof (dd_real);
}

/* a new net with net's shape and parameters: a deep copy of them and of its
 * gradients and activations (shadow FALSE), or the same parameter array and
 * zeroed gradients and activations of its own (shadow TRUE) */
static DdNet *
net_like (const DdNet *net, gboolean shadow)
{
  DdNet *copy = g_memdup2 (net, sizeof *net);
  size_t rows = largest_rows (net);

  copy->description = g_strdup (net->description);
  copy->layers = g_memdup2 (net->layers, sizeof (DdLayer) * net->n_layers);
  copy->shares_params = shadow;
  if (shadow)
    {
      copy->grads = g_new0 (dd_real, net->n_params);
      copy->acts = g_new0 (dd_real, net->n_acts);
    }
  else
    {
      copy->params = g_memdup2 (net->params, sizeof (dd_real) * net->n_params);
      copy->grads = g_memdup2 (net->grads, sizeof (dd_real) * net->n_params);
      copy->acts = g_memdup2 (net->acts, sizeof (dd_real) * net->n_acts);
    }
  copy->dbuf[0] = g_new0 (dd_real, net->n_scratch);
  copy->dbuf[1] = g_new0 (dd_real, net->n_scratch);
  copy->drows = rows ? g_new0 (dd_real, rows) : NULL;
  copy->logits = copy->acts + (net->logits - net->acts);
  /* the R-pass buffers hold nothing between calls: allocated again on use */
  copy->racts = NULL;
  copy->rdbuf[0] = copy->rdbuf[1] = NULL;
  copy->lscratch = NULL;
  copy->unit_pool = NULL;
  copy->unit_split = 1;
  return copy;
}

DdNet *
dd_net_copy (const DdNet *net)
{
  return net_like (net, FALSE);
}

DdNet *
dd_net_shadow (DdNet *net)
{
  return net_like (net, TRUE);
}

void
dd_net_init (DdNet *net, DdRng *rng)
{
  memset (net->params, 0, sizeof (dd_real) * net->n_params);
  for (int i = 0; i < net->n_layers; i++)
    {
      const DdLayer *l = &net->layers[i];
      double fan_in, fan_out;
      if (l->kind == DD_LAYER_DENSE)
        {
          fan_in = (double) layer_in_size (l);
          fan_out = l->oc;
        }
      else if (l->kind == DD_LAYER_CONV)
        {
          fan_in = (double) l->k * l->k * l->c;
          fan_out = (double) l->k * l->k * l->oc;
        }
      else
        continue;
      double limit = sqrt (6.0 / (fan_in + fan_out));
      dd_real *w = net->params + l->w_off;
      for (size_t j = 0; j < l->n_w; j++)
        w[j] = (dd_real) (limit * (2.0 * dd_rng_uniform (rng) - 1.0));
    }
}

static const dd_real *
layer_input (const DdNet *net, int i, const dd_real *x)
{
  return i == 0 ? x : net->acts + net->layers[i - 1].out_off;
}

/* layer i's output from its input, into the activations */
static void
layer_forward (DdNet *net, int i, const dd_real *x, int B)
{
  const DdLayer *l = &net->layers[i];
  const dd_real *inp = layer_input (net, i, x);
  dd_real *out = net->acts + l->out_off;
  const dd_real *w = net->params + l->w_off;
  const dd_real *bias = net->params + l->b_off;

  switch (l->kind)
    {
    case DD_LAYER_DENSE:
      dd_dense_forward (out, inp, w, bias, B, (int) layer_in_size (l), l->oc);
      break;
    case DD_LAYER_CONV:
      dd_conv_forward (out, net->acts + l->rows_off, inp, w, bias,
                       B, l->h, l->w, l->c, l->oc, l->k);
      break;
    case DD_LAYER_MAXPOOL2:
      dd_maxpool2_forward (out, inp, B, l->h, l->w, l->c);
      break;
    case DD_LAYER_TANH:
      dd_tanh_forward (out, inp, (size_t) B * layer_out_size (l));
      break;
    case DD_LAYER_RELU:
      dd_relu_forward (out, inp, (size_t) B * layer_out_size (l));
      break;
    default:
      g_assert_not_reached ();
    }
}

/* grads += layer i's parameter gradients; dinp (zeroed, or NULL for the
 * first layer) += the gradient with respect to its input */
static void
layer_backward (DdNet *net, int i, dd_real *dinp, const dd_real *dout,
                const dd_real *x, int B, gboolean want_grads)
{
  const DdLayer *l = &net->layers[i];
  const dd_real *inp = layer_input (net, i, x);
  const dd_real *out = net->acts + l->out_off;
  const dd_real *w = net->params + l->w_off;
  dd_real *dw = want_grads ? net->grads + l->w_off : NULL;
  dd_real *db = want_grads ? net->grads + l->b_off : NULL;
  size_t n_in = (size_t) B * layer_in_size (l);

  switch (l->kind)
    {
    case DD_LAYER_DENSE:
      dd_dense_backward (dinp, dw, db, dout, inp, w, B, (int) layer_in_size (l), l->oc);
      break;
    case DD_LAYER_CONV:
      dd_conv_backward (dinp, dw, db, net->drows, dout, net->acts + l->rows_off, w,
                        B, l->h, l->w, l->c, l->oc, l->k);
      break;
    case DD_LAYER_MAXPOOL2:
      if (dinp)
        dd_maxpool2_backward (dinp, dout, inp, B, l->h, l->w, l->c);
      break;
    case DD_LAYER_TANH:
      if (dinp)
        dd_tanh_backward (dinp, dout, out, n_in);
      break;
    case DD_LAYER_RELU:
      if (dinp)
        dd_relu_backward (dinp, dout, inp, n_in);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* --- the first layer's units split between workers ----------------------- */

/* The first layer's input is the data, so its input gradient is never
 * needed. A dense first layer then splits by its output units: worker w
 * computes units [j0, j1) of the output (and of R{output}) and rows
 * [j0, j1) of dW, db (and of their R), and no worker's result is summed
 * with another's. The rest of the net runs on the calling thread. */

void
dd_net_set_unit_split (DdNet *net, struct _DdWorkers *pool, int n)
{
  g_return_if_fail (net != NULL && n >= 1);
  g_return_if_fail (n == 1 || (pool != NULL && dd_workers_n_threads (pool) >= n));

  net->unit_pool = n > 1 ? pool : NULL;
  net->unit_split = n;
}

static gboolean
units_split (const DdNet *net, int i)
{
  return i == 0 && net->unit_split > 1 && net->layers[0].kind == DD_LAYER_DENSE;
}

typedef struct {
  DdNet         *net;
  const dd_real *x, *v;         /* the input; the direction (H·v) */
  const dd_real *dout, *rdout;  /* the output's gradient and its R */
  dd_real       *hv;
  int            B;
  gboolean       forward, rforward, grads, rgrads;
  gboolean       set;           /* the rows of dW (and R{dW}) written, not added to */
} UnitJob;

static void
work_units (int w, gpointer data)
{
  const UnitJob *job = data;
  DdNet *net = job->net;
  const DdLayer *l = &net->layers[0];
  const int I = (int) layer_in_size (l), O = l->oc, B = job->B, n = net->unit_split;
  const int j0 = (int) ((gint64) O * w / n), j1 = (int) ((gint64) O * (w + 1) / n);

  if (job->forward)
    dd_dense_forward_units (net->acts + l->out_off, job->x, net->params + l->w_off,
                         net->params + l->b_off, B, I, O, j0, j1);
  /* on the data R{inp} = 0: R{out} = inp·vWᵀ + vb, R{dW} = R{dout}ᵀ·inp */
  if (job->rforward)
    dd_dense_forward_units (net->racts + l->out_off, job->x, job->v + l->w_off,
                         job->v + l->b_off, B, I, O, j0, j1);
  if (job->grads)
    dd_dense_grads_units (net->grads + l->w_off, net->grads + l->b_off, job->dout, job->x,
                          B, I, O, j0, j1, job->set);
  if (job->rgrads)
    dd_dense_grads_units (job->hv + l->w_off, job->hv + l->b_off, job->rdout, job->x,
                          B, I, O, j0, j1, job->set);
}

static void
run_units (UnitJob *job)
{
  dd_workers_run (job->net->unit_pool, job->net->unit_split, work_units, job);
}

void
dd_net_forward (DdNet *net, const dd_real *x, int B)
{
  g_return_if_fail (B > 0 && B <= net->max_batch);

  for (int i = 0; i < net->n_layers; i++)
    if (units_split (net, i))
      run_units (&(UnitJob) { .net = net, .x = x, .B = B, .forward = TRUE });
    else
      layer_forward (net, i, x, B);
}

/* a (n_params) = 0, except the first layer's weights and biases when its
 * units are split: their workers write those rows instead of adding to
 * them, so no thread zeroes them first (most of an MLP's parameters) */
static void
zero_params (const DdNet *net, dd_real *a)
{
  if (!units_split (net, 0))
    {
      memset (a, 0, sizeof (dd_real) * net->n_params);
      return;
    }
  /* a layer's biases follow its weights */
  const DdLayer *l = &net->layers[0];
  const size_t lo = l->w_off, hi = l->b_off + l->n_b;

  g_assert (l->b_off == l->w_off + l->n_w);
  memset (a, 0, sizeof (dd_real) * lo);
  memset (a + hi, 0, sizeof (dd_real) * (net->n_params - hi));
}

static void
backward (DdNet *net, const dd_real *x, const dd_real *dlogits, int B, gboolean set)
{
  const dd_real *dout = dlogits;
  int cur = 0;

  if (set)
    zero_params (net, net->grads);

  for (int i = net->n_layers - 1; i >= 0; i--)
    {
      const DdLayer *l = &net->layers[i];
      /* the first layer's input is data: its gradient is never needed */
      dd_real *dinp = i > 0 ? net->dbuf[cur] : NULL;

      if (dinp != NULL)
        memset (dinp, 0, sizeof (dd_real) * B * layer_in_size (l));
      if (units_split (net, i))
        run_units (&(UnitJob) { .net = net, .x = x, .B = B, .dout = dout, .grads = TRUE,
                                .set = set });
      else
        layer_backward (net, i, dinp, dout, x, B, TRUE);
      dout = dinp;
      cur ^= 1;
    }
}

void
dd_net_backward (DdNet *net, const dd_real *x, const dd_real *dlogits, int B)
{
  g_return_if_fail (B > 0 && B <= net->max_batch);

  backward (net, x, dlogits, B, FALSE);
}

void
dd_net_gradient (DdNet *net, const dd_real *x, const dd_real *dlogits, int B)
{
  g_return_if_fail (B > 0 && B <= net->max_batch);

  backward (net, x, dlogits, B, TRUE);
}

void
dd_net_zero_grad (DdNet *net)
{
  memset (net->grads, 0, sizeof (dd_real) * net->n_params);
}

/* multiply-adds of layer i's forward product on B examples (0: none) */
static double
layer_macs (const DdNet *net, int i, int B)
{
  const DdLayer *l = &net->layers[i];

  if (l->kind == DD_LAYER_DENSE)
    return (double) B * layer_in_size (l) * l->oc;
  if (l->kind == DD_LAYER_CONV)
    return (double) B * l->oh * l->ow * l->oc * l->k * l->k * l->c;
  return 0.0;
}

double
dd_net_step_flops (const DdNet *net, int B)
{
  /* counts the multiply-adds of the matrix products only (2 flops each):
   * forward, weight gradient and, except in the first layer, input gradient */
  double flops = 0.0;

  for (int i = 0; i < net->n_layers; i++)
    flops += 2.0 * layer_macs (net, i, B) * (i > 0 ? 3.0 : 2.0);
  return flops;
}

double
dd_net_forward_flops (const DdNet *net, int B)
{
  double flops = 0.0;

  for (int i = 0; i < net->n_layers; i++)
    flops += 2.0 * layer_macs (net, i, B);
  return flops;
}

double
dd_net_hvp_flops (const DdNet *net, int B)
{
  /* dd_net_hvp_only, the reverse pass's product. Per layer with an input
   * direction (all but the first), in products of the forward's size:
   * forward 1, R-forward 2 (R{inp}·W + inp·V), input gradient 1,
   * R{weight gradient} 2, R{input gradient} 2: 8 (dd_net_hvp adds the
   * weight gradient: 9). The first layer has no input direction and no
   * input gradient: forward, R-forward (inp·V) and R{weight gradient}: 3. */
  double flops = 0.0;

  for (int i = 0; i < net->n_layers; i++)
    flops += 2.0 * layer_macs (net, i, B) * (i > 0 ? 8.0 : 3.0);
  return flops;
}

gboolean
dd_net_params_finite (const DdNet *net)
{
  for (size_t i = 0; i < net->n_params; i++)
    if (!isfinite (net->params[i]))
      return FALSE;
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Hessian-vector products: forward-over-reverse (Pearlmutter's R-operator)
 *
 * R{·} is the derivative along the direction v of the parameters at the
 * current ones, with the data fixed. Two sweeps:
 *   up:   each layer's forward, then its R-forward: R{out} from R{inp} and
 *         v's slice (racts, in the layout of acts; conv keeps R{rows} where
 *         acts keeps rows);
 *   loss: dlogits, and R{dlogits} = (∂²L/∂logits²)·R{logits}; for DLF also
 *         dΦ += (∂²L/∂Φ∂logits)·R{logits}: v has no part along Φ, so
 *         ∂(vᵀ·∇_ω L)/∂Φ is the derivative of ∂L/∂Φ along v, and ∂L/∂Φ
 *         depends on ω only through the logits;
 *   down: each layer's backward (grads), then its R-backward (hv = R{grads}),
 *         which needs the layer's dout and R{dout} only, so both travel in
 *         ping-pong buffers and no layer's output gradient is kept.
 * The matrix products are twice those of the forward and the backward for
 * the R-part of every layer that has an input direction (all but the
 * first), once for the first. */

static void
hvp_buffers (DdNet *net)
{
  if (net->racts != NULL)
    return;
  net->racts = g_new0 (dd_real, net->n_acts);
  net->rdbuf[0] = g_new0 (dd_real, net->n_scratch);
  net->rdbuf[1] = g_new0 (dd_real, net->n_scratch);
  net->lscratch = g_new0 (dd_real, 2 * (size_t) net->max_batch * net->n_classes);
}

/* racts of layer i from R{inp} (racts of layer i − 1, zero for the first) */
static void
layer_rforward (DdNet *net, int i, const dd_real *x, const dd_real *v, int B)
{
  const DdLayer *l = &net->layers[i];
  const dd_real *inp = layer_input (net, i, x);
  const dd_real *rinp = i > 0 ? net->racts + net->layers[i - 1].out_off : NULL;
  const dd_real *out = net->acts + l->out_off;
  dd_real *rout = net->racts + l->out_off;
  const dd_real *w = net->params + l->w_off;
  const dd_real *vw = v + l->w_off, *vb = v + l->b_off;
  size_t n = (size_t) B * layer_out_size (l);

  if (rinp == NULL && l->n_w == 0)
    {
      /* a parameter-free layer on the data */
      memset (rout, 0, sizeof (dd_real) * n);
      return;
    }

  switch (l->kind)
    {
    case DD_LAYER_DENSE:
      dd_dense_rforward (rout, rinp, inp, w, vw, vb, B, (int) layer_in_size (l), l->oc);
      break;
    case DD_LAYER_CONV:
      dd_conv_rforward (rout, net->racts + l->rows_off, rinp, net->acts + l->rows_off,
                        w, vw, vb, B, l->h, l->w, l->c, l->oc, l->k);
      break;
    case DD_LAYER_MAXPOOL2:
      dd_maxpool2_rforward (rout, rinp, inp, B, l->h, l->w, l->c);
      break;
    case DD_LAYER_TANH:
      dd_tanh_rforward (rout, rinp, out, n);
      break;
    case DD_LAYER_RELU:
      dd_relu_rforward (rout, rinp, inp, n);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* hv += R{layer i's parameter gradients}; rdinp (zeroed, or NULL for the
 * first layer) += R{dinp}; dout and rdout are the layer's output gradient
 * and its R */
static void
layer_rbackward (DdNet *net, int i, dd_real *rdinp, const dd_real *rdout,
                 const dd_real *dout, const dd_real *x, const dd_real *v,
                 dd_real *hv, int B)
{
  const DdLayer *l = &net->layers[i];
  const dd_real *inp = layer_input (net, i, x);
  const dd_real *rinp = i > 0 ? net->racts + net->layers[i - 1].out_off : NULL;
  const dd_real *out = net->acts + l->out_off;
  const dd_real *rout = net->racts + l->out_off;
  const dd_real *w = net->params + l->w_off;
  const dd_real *vw = v + l->w_off;
  dd_real *rdw = hv + l->w_off, *rdb = hv + l->b_off;
  size_t n_in = (size_t) B * layer_in_size (l);

  switch (l->kind)
    {
    case DD_LAYER_DENSE:
      dd_dense_rbackward (rdinp, rdw, rdb, rdout, dout, rinp, inp, w, vw,
                          B, (int) layer_in_size (l), l->oc);
      break;
    case DD_LAYER_CONV:
      dd_conv_rbackward (rdinp, rdw, rdb, net->drows, rdout, dout,
                         rinp != NULL ? net->racts + l->rows_off : NULL,
                         net->acts + l->rows_off, w, vw,
                         B, l->h, l->w, l->c, l->oc, l->k);
      break;
    case DD_LAYER_MAXPOOL2:
      if (rdinp)
        dd_maxpool2_rbackward (rdinp, rdout, inp, B, l->h, l->w, l->c);
      break;
    case DD_LAYER_TANH:
      if (rdinp)
        dd_tanh_rbackward (rdinp, rdout, dout, out, rout, n_in);
      break;
    case DD_LAYER_RELU:
      if (rdinp)
        dd_relu_rbackward (rdinp, rdout, inp, n_in);
      break;
    default:
      g_assert_not_reached ();
    }
}

static double
hvp (DdNet *net, const DdLoss *loss, const dd_real *x, const int *y, int B,
     const dd_real *v, dd_real *hv, dd_real *dW, dd_real *db, gboolean want_grads)
{
  g_return_val_if_fail (net != NULL && loss != NULL, NAN);
  g_return_val_if_fail (x != NULL && y != NULL && v != NULL && hv != NULL, NAN);
  g_return_val_if_fail (hv != v, NAN);
  g_return_val_if_fail (B > 0 && B <= net->max_batch, NAN);
  g_return_val_if_fail (loss->kind != DD_LOSS_SMOOTH_ERROR, NAN);

  const int C = net->n_classes;
  const gboolean dlf = loss->kind == DD_LOSS_DLF;

  hvp_buffers (net);

  for (int i = 0; i < net->n_layers; i++)
    if (units_split (net, i))
      run_units (&(UnitJob) { .net = net, .x = x, .v = v, .B = B,
                              .forward = TRUE, .rforward = TRUE });
    else
      {
        layer_forward (net, i, x, B);
        layer_rforward (net, i, x, v, B);
      }

  /* the output gradients enter in the second ping-pong buffers: the last
   * layer writes its input gradients into the first */
  dd_real *dout = net->dbuf[1], *rdout = net->rdbuf[1];
  const dd_real *rlogits = net->racts + (net->logits - net->acts);
  double value = dd_loss_forward_backward (loss, dout, NULL, NULL, net->lscratch,
                                           net->logits, y, B, C);
  dd_loss_rop (loss, rdout, dlf ? dW : NULL, dlf ? db : NULL, net->lscratch,
               net->logits, rlogits, y, B, C);

  if (want_grads)
    zero_params (net, net->grads);
  zero_params (net, hv);
  int cur = 0;
  for (int i = net->n_layers - 1; i >= 0; i--)
    {
      const size_t n_in = (size_t) B * layer_in_size (&net->layers[i]);
      dd_real *dinp = i > 0 ? net->dbuf[cur] : NULL;
      dd_real *rdinp = i > 0 ? net->rdbuf[cur] : NULL;

      if (dinp != NULL)
        {
          memset (dinp, 0, sizeof (dd_real) * n_in);
          memset (rdinp, 0, sizeof (dd_real) * n_in);
        }
      if (units_split (net, i))
        run_units (&(UnitJob) { .net = net, .x = x, .B = B, .dout = dout, .rdout = rdout,
                                .hv = hv, .grads = want_grads, .rgrads = TRUE, .set = TRUE });
      else
        {
          layer_backward (net, i, dinp, dout, x, B, want_grads);
          layer_rbackward (net, i, rdinp, rdout, dout, x, v, hv, B);
        }
      dout = dinp;
      rdout = rdinp;
      cur ^= 1;
    }
  return value;
}

double
dd_net_hvp (DdNet *net, const DdLoss *loss, const dd_real *x, const int *y, int B,
            const dd_real *v, dd_real *hv, dd_real *dW, dd_real *db)
{
  return hvp (net, loss, x, y, B, v, hv, dW, db, TRUE);
}

double
dd_net_hvp_only (DdNet *net, const DdLoss *loss, const dd_real *x, const int *y, int B,
                 const dd_real *v, dd_real *hv, dd_real *dW, dd_real *db)
{
  return hvp (net, loss, x, y, B, v, hv, dW, db, FALSE);
}
