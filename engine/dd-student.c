/* dd-student.c: the teaching loop's view of a student (images, translation)
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-private.h"
#include "dd-student.h"
#include "dd-bucket-loss.h"
#include "dd-dataset.h"
#include "dd-eval.h"
#include "dd-kernels.h"
#include "dd-loss.h"
#include "dd-parallel.h"
#include "dd-rng.h"
#include "dd-workers.h"

#include <math.h>

#include <cblas.h>
#include <string.h>

typedef struct {
  /* images */
  dd_real        *x;
  int            *y;
  /* translation */
  int            *src, *src_len, *tgt_in, *tgt_out;
  DdSeq2seqBatch  batch;
  int             n_tokens;     /* non-padding target tokens of the batch */
  dd_real        *rdlogits;
  /* both */
  int             B;            /* examples in the last forward */
  dd_real        *dlogits;
  dd_real        *scratch;
  /* images, data-parallel (docs/speed.md): worker 0 is the student's own net
   * and the buffers above; workers 1 … are shadows of it */
  int             threads;      /* dd_student_set_threads */
  double          split_work;   /* flops per parameter a worker's slice needs */
  double          unit_work;    /* flops a slice of the first layer's units needs */
  int             n_split;      /* workers the last forward used (1: serial) */
  int             n_workers;    /* made so far */
  struct Worker  *workers;
  DdWorkers      *pool;
} Buffers;

typedef struct Worker {
  DdNet   *net;
  dd_real *x;
  int     *y, *idx;
  dd_real *dlogits, *scratch;
  dd_real *hv, *dW, *db;        /* its part of a Hessian-vector product */
  int     *confusion, *class_count, correct; /* its part of an evaluation */
  int      first, B;            /* its slice of the last batch */
  double   value, ce;
  int      wrong;
} Worker;

#define BUF(st) ((Buffers *) (st)->priv)
/* An image student's workers: at most this many, whatever the thread count
 * (each keeps activations for a whole chunk of examples; more than this
 * would cost memory for cores few machines have). A function of the
 * configuration only, so the same file gives the same bits anywhere. */
#define DD_MAX_WORKERS 16
G_STATIC_ASSERT (DD_FOR_MAX_PARTS >= DD_MAX_WORKERS);


static const DdDataset *
image_split (const DdStudent *st, DdSplit split)
{
  return split == DD_SPLIT_TRAIN ? st->data->train
       : split == DD_SPLIT_DEV ? st->data->dev : st->data->test;
}

static const DdParallelSet *
text_split (const DdStudent *st, DdSplit split)
{
  const DdParallel *p = st->data->parallel;
  return split == DD_SPLIT_TRAIN ? &p->train : split == DD_SPLIT_DEV ? &p->dev : &p->test;
}

static int
n_rows_max (const DdStudent *st)
{
  return st->s2s ? st->max_batch * DD_PARALLEL_MAX_LEN : st->max_batch;
}

static int
n_out (const DdStudent *st)
{
  return st->s2s ? st->s2s->spec.V_tgt : st->C;
}

static void
alloc_buffers (DdStudent *st)
{
  Buffers *buf = g_new0 (Buffers, 1);
  const size_t rows = (size_t) n_rows_max (st), V = (size_t) n_out (st);

  st->priv = buf;
  buf->split_work = DD_SPLIT_WORK;
  buf->unit_work = DD_UNIT_WORK;
  if (st->s2s)
    {
      const size_t S = (size_t) st->max_batch * (DD_PARALLEL_MAX_LEN + 1);
      buf->src = g_new (int, S);
      buf->tgt_in = g_new (int, S);
      buf->tgt_out = g_new (int, S);
      buf->src_len = g_new (int, st->max_batch);
      /* per-sentence loss calls use at most 2·Lt·V of scratch */
      buf->scratch = g_new (dd_real, 2 * (size_t) (DD_PARALLEL_MAX_LEN + 1) * V);
    }
  else
    {
      buf->x = g_new (dd_real, (size_t) st->max_batch * st->data->train->d);
      buf->y = g_new (int, st->max_batch);
      buf->scratch = g_new (dd_real, 2 * rows * V);
    }
  buf->dlogits = g_new (dd_real, rows * V);
}

size_t
dd_student_footprint (const DdStudent *st)
{
  const size_t rows = (size_t) n_rows_max (st), V = (size_t) n_out (st);
  size_t bytes = 2 * rows * V * sizeof (dd_real);   /* dlogits, R{dlogits} */

  if (st->s2s)
    bytes += dd_seq2seq_footprint (st->s2s) + 2 * (size_t) (DD_PARALLEL_MAX_LEN + 1) * V * sizeof (dd_real)
             + 3 * (size_t) st->max_batch * (DD_PARALLEL_MAX_LEN + 1) * sizeof (int);
  else
    {
      const size_t one = dd_net_footprint (st->net) + 2 * rows * V * sizeof (dd_real)
                         + (size_t) st->max_batch * st->data->train->d * sizeof (dd_real);
      /* each further worker: all of that but the parameters, its dlogits and
       * the parts of a Hessian-vector product */
      const size_t worker = one - st->P * sizeof (dd_real) + rows * V * sizeof (dd_real)
                            + (st->P + (size_t) (st->R + 1) * st->C) * sizeof (dd_real);
      bytes += one + (size_t) (MIN (dd_student_get_threads (st), DD_MAX_WORKERS) - 1) * worker;
    }
  return bytes;
}

DdStudent *
dd_student_new (const DdTrainConfig *cfg, const DdData *data, int max_batch, DdRng *rng,
                GError **error)
{
  g_autoptr(DdStudent) st = g_new0 (DdStudent, 1);

  st->kind = cfg->net.kind;
  st->data = data;
  st->max_batch = max_batch;
  if (cfg->net.kind == DD_STUDENT_SEQ2SEQ)
    {
      const DdParallel *p = data->parallel;
      if (p == NULL)
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                       "the seq2seq student translates: it needs the de-en corpus, not %s",
                       data->name);
          return NULL;
        }
      DdSeq2seqSpec spec = dd_seq2seq_spec_default (p->src_vocab->n, p->tgt_vocab->n);
      if (cfg->net.emb > 0)
        spec.emb = cfg->net.emb;
      if (cfg->net.rnn_hidden > 0)
        spec.hidden = cfg->net.rnn_hidden;
      spec.dropout = cfg->net.dropout;
      spec.word_dropout = cfg->net.word_dropout;
      spec.tie_embeddings = cfg->net.tie_embeddings;
      spec.bidirectional = cfg->net.bidirectional;
      spec.input_feed = cfg->net.input_feed;
      spec.max_batch = max_batch;
      spec.max_src_len = DD_PARALLEL_MAX_LEN;
      spec.max_tgt_len = DD_PARALLEL_MAX_LEN;
      st->s2s = dd_seq2seq_new (&spec, error);
      if (st->s2s == NULL)
        return NULL;
      dd_seq2seq_init (st->s2s, rng);
      st->shape = DD_PHI_BUCKETS;
      st->C = p->K;
      st->P = st->s2s->n_params;
      st->params = st->s2s->params;
      st->grads = st->s2s->grads;
    }
  else
    {
      if (data->train == NULL)
        {
          g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                       "the %s student classifies images: %s holds sentences; "
                       "use --student seq2seq", dd_student_kind_name (cfg->net.kind), data->name);
          return NULL;
        }
      st->net = dd_net_new (&cfg->net, data->train->rows, data->train->cols,
                            data->train->n_classes, max_batch, error);
      if (st->net == NULL)
        return NULL;
      dd_net_init (st->net, rng);
      st->shape = DD_PHI_CLASSES;
      st->C = data->train->n_classes;
      st->P = st->net->n_params;
      st->params = st->net->params;
      st->grads = st->net->grads;
    }
  st->R = dd_phi_rows (st->shape, st->C);
  alloc_buffers (st);
  BUF (st)->threads = MAX (cfg->threads, 1);
  return g_steal_pointer (&st);
}

DdStudent *
dd_student_copy (const DdStudent *st)
{
  DdStudent *c = g_memdup2 (st, sizeof *st);

  if (st->s2s)
    {
      c->s2s = dd_seq2seq_copy (st->s2s);
      c->params = c->s2s->params;
      c->grads = c->s2s->grads;
    }
  else
    {
      c->net = dd_net_copy (st->net);
      c->params = c->net->params;
      c->grads = c->net->grads;
    }
  alloc_buffers (c);
  BUF (c)->threads = BUF (st)->threads;
  BUF (c)->split_work = BUF (st)->split_work;
  BUF (c)->unit_work = BUF (st)->unit_work;
  return c;
}

static void
free_workers (Buffers *buf)
{
  for (int w = 1; w < buf->n_workers; w++)
    {
      Worker *wk = &buf->workers[w];
      dd_net_free (wk->net);
      g_free (wk->x);
      g_free (wk->y);
      g_free (wk->dlogits);
      g_free (wk->scratch);
      g_free (wk->hv);
      g_free (wk->dW);
      g_free (wk->db);
    }
  for (int w = 0; w < buf->n_workers; w++)
    {
      g_free (buf->workers[w].idx);
      g_free (buf->workers[w].confusion);
      g_free (buf->workers[w].class_count);
    }
  if (buf->n_workers > 0)
    {
      g_free (buf->workers[0].dW);
      g_free (buf->workers[0].db);
    }
  g_clear_pointer (&buf->workers, g_free);
  buf->pool = NULL;  /* the process's (dd_workers_shared) */
  buf->n_workers = 0;
}

void
dd_student_free (DdStudent *st)
{
  if (st == NULL)
    return;
  Buffers *buf = st->priv;
  if (buf)
    {
      g_free (buf->x);
      g_free (buf->y);
      g_free (buf->src);
      g_free (buf->src_len);
      g_free (buf->tgt_in);
      g_free (buf->tgt_out);
      g_free (buf->rdlogits);
      g_free (buf->dlogits);
      g_free (buf->scratch);
      free_workers (buf);
      g_free (buf);
    }
  dd_net_free (st->net);
  dd_seq2seq_free (st->s2s);
  g_free (st);
}

const char *
dd_student_describe (const DdStudent *st)
{
  return st->s2s ? st->s2s->description : st->net->description;
}

int
dd_student_n_examples (const DdStudent *st, DdSplit split)
{
  return st->s2s ? text_split (st, split)->n : image_split (st, split)->n;
}

/* --- translation helpers ---------------------------------------------------- */

/* The non-padding rows of sentence i of the last batch: they are
 * contiguous, rows i·Lt … i·Lt + len_i − 1. */
static int
sentence_rows (const Buffers *buf, int i, int *first)
{
  const DdSeq2seqBatch *b = &buf->batch;
  int n = 0;

  *first = i * b->Lt;
  while (n < b->Lt && b->tgt_out[(size_t) i * b->Lt + n] >= 0)
    n++;
  return n;
}

/* The mean over the batch's tokens of a classification loss (CE or the
 * smoothed error), with dlogits (may be NULL) of that mean; padding rows
 * get 0. */
static double
token_loss (DdStudent *st, const DdLoss *loss, dd_real *dlogits)
{
  Buffers *buf = BUF (st);
  const int V = n_out (st), Lt = buf->batch.Lt;
  const dd_real *logits = st->s2s->logits;
  double total = 0.0;

  if (buf->n_tokens == 0)
    {
      if (dlogits)
        memset (dlogits, 0, sizeof (dd_real) * (size_t) buf->B * Lt * V);
      return 0.0;
    }
  if (loss->kind == DD_LOSS_CE)
    {
      /* the wide-row kernel: one pass per row, padding rows zeroed */
      const double scale = 1.0 / buf->n_tokens;
      return scale * dd_ce_rows (dlogits, NULL, logits, buf->batch.tgt_out, buf->B * Lt, V, scale);
    }
  if (loss->kind == DD_LOSS_SMOOTH)
    {
      const double scale = 1.0 / buf->n_tokens;
      return scale * dd_smooth_ce_rows (dlogits, logits, buf->batch.tgt_out, buf->B * Lt, V, scale,
                                        loss->smoothing);
    }
  if (dlogits)
    memset (dlogits, 0, sizeof (dd_real) * (size_t) buf->B * Lt * V);
  for (int i = 0; i < buf->B; i++)
    {
      int first, n = sentence_rows (buf, i, &first);
      if (n == 0)
        continue;
      double part = dd_loss_forward_backward (loss, dlogits ? dlogits + (size_t) first * V : NULL,
                                              NULL, NULL, buf->scratch, logits + (size_t) first * V,
                                              buf->batch.tgt_out + first, n, V);
      /* that is the mean over the sentence's n rows; weigh it by n / N */
      const double w = (double) n / buf->n_tokens;
      total += part * w;
      if (dlogits)
        for (size_t j = 0; j < (size_t) n * V; j++)
          dlogits[(size_t) first * V + j] *= (dd_real) w;
    }
  return total;
}

static DdBucketLoss
bucket_loss (const DdStudent *st, const dd_real *W, const dd_real *b)
{
  const DdParallel *p = st->data->parallel;
  const int K = st->C;

  return (DdBucketLoss) {
    .V = n_out (st), .K = K, .bucket = p->bucket,
    .W = W, .a = W + (size_t) K * K, .b = b, .s = W + (size_t) (K + 1) * K,
    .normalised = st->phi_form == DD_PHI_NORMALISED,
  };
}

static DdLoss
class_loss (const DdStudent *st, const dd_real *W, const dd_real *b)
{
  DdLoss loss = dd_loss_default (DD_LOSS_DLF);

  loss.W = W;
  loss.b = b;
  loss.s = W + (size_t) st->C * st->C;
  loss.normalised = st->phi_form == DD_PHI_NORMALISED;
  return loss;
}

/* --- threads: the image students' own parallelism over examples ------------------ */

void
dd_student_set_threads (DdStudent *st, int n)
{
  g_return_if_fail (n >= 1);

  BUF (st)->threads = n;
  /* an image student splits its batches between n workers of one BLAS
   * thread each; the translator splits them between n lanes of its own
   * (dd_seq2seq_set_threads) and leaves decoding's products to OpenBLAS */
  dd_set_threads (st->net ? 1 : n);
  if (st->s2s)
    dd_seq2seq_set_threads (st->s2s, n);
}

int
dd_student_get_threads (const DdStudent *st)
{
  return MAX (BUF (st)->threads, 1);
}

/* how many workers share B examples (or B chunks): 1 means the plain loop */
static int
split_count (const DdStudent *st, int B)
{
  const Buffers *buf = BUF (st);

  if (st->net == NULL || buf->threads <= 1)
    return 1;
  return MAX (1, MIN (MIN (buf->threads, DD_MAX_WORKERS), B));
}

/* the same for a batch step or H·v of `flops` in all: no more workers than
 * give each slice the work that pays for its whole-gradient sum */
static int
split_count_work (const DdStudent *st, int B, double flops)
{
  const int n = split_count (st, B);
  const double per_worker = BUF (st)->split_work * (double) st->P;

  if (n <= 1 || per_worker <= 0.0)
    return n;
  return (int) MAX (1.0, MIN ((double) n, floor (flops / per_worker)));
}

void
dd_student_set_noise (DdStudent *st, guint64 key)
{
  if (st->s2s)
    dd_seq2seq_set_noise (st->s2s, key);
}

guint64
dd_noise_key (guint64 seed, gint64 step)
{
  /* splitmix64's finaliser over the pair: neighbouring steps and seeds get
   * unrelated keys */
  guint64 z = dd_rng_mix (seed * 0x9e3779b97f4a7c15ull + (guint64) step + 0x632be59bd9b4e019ull);
  return z ? z : 1;
}

void
dd_student_set_split_work (DdStudent *st, double flops_per_parameter)
{
  g_return_if_fail (flops_per_parameter >= 0.0);

  BUF (st)->split_work = flops_per_parameter;
}

/* the process's pool for n threads (n > 1); returns how many of the n it
 * has (fewer only if it could not start its threads) */
static int
ensure_pool (DdStudent *st, int n)
{
  Buffers *buf = BUF (st);

  if (buf->pool == NULL || dd_workers_n_threads (buf->pool) < n)
    buf->pool = dd_workers_shared (MIN (n, DD_MAX_WORKERS));
  return MIN (n, dd_workers_n_threads (buf->pool));
}

int
dd_student_unit_workers (const DdStudent *st, int B)
{
  const Buffers *buf = BUF (st);
  int n = 1;

  if (st->net == NULL || buf->threads <= 1 || st->net->layers[0].kind != DD_LAYER_DENSE)
    return 1;
  const DdLayer *l = &st->net->layers[0];
  const double flops = 2.0 * B * l->h * l->w * l->c * l->oc;
  n = MIN (MIN (buf->threads, DD_MAX_WORKERS), l->oc);
  while (n > 1 && flops / n < buf->unit_work)
    n--;
  return n;
}

void
dd_student_set_unit_work (DdStudent *st, double flops)
{
  g_return_if_fail (flops >= 0.0);

  BUF (st)->unit_work = flops;
}

/* For a call on st->net alone (the batch not split): its first layer's
 * units shared by dd_student_unit_workers threads of the pool. units_end
 * returns the net to one thread, so that no worker of a split batch ever
 * reaches the pool from inside it. */
static void
units_begin (DdStudent *st, int B)
{
  int n = dd_student_unit_workers (st, B);

  if (n > 1)
    n = ensure_pool (st, n);
  dd_net_set_unit_split (st->net, BUF (st)->pool, n);
}

static void
units_end (DdStudent *st)
{
  dd_net_set_unit_split (st->net, NULL, 1);
}

void
dd_student_for (DdStudent *st, size_t len, DdRangeFn fn, gpointer data, int *parts)
{
  Buffers *buf = BUF (st);
  /* the translator leaves such loops to OpenBLAS's threads (it has n) */
  int n = st->net == NULL ? 1
          : (int) MIN ((size_t) MIN (MAX (buf->threads, 1), DD_MAX_WORKERS), len / DD_FOR_MIN);

  n = n > 1 ? ensure_pool (st, n) : 1;
  if (parts)
    *parts = n;
  dd_workers_for (buf->pool, n, len, fn, data);
}

/* makes sure workers 0 … n − 1 and a pool of n threads exist */
static void
ensure_workers (DdStudent *st, int n)
{
  Buffers *buf = BUF (st);
  const size_t d = (size_t) st->data->train->d, C = (size_t) st->C, mb = (size_t) st->max_batch;

  if (n <= 1 && buf->n_workers >= 1)
    return;
  if (buf->n_workers < n)
    {
      buf->workers = g_renew (Worker, buf->workers, n);
      memset (buf->workers + buf->n_workers, 0, sizeof (Worker) * (n - buf->n_workers));
      for (int w = buf->n_workers; w < n; w++)
        {
          Worker *wk = &buf->workers[w];
          if (w == 0)
            {
              wk->net = st->net;
              wk->x = buf->x;
              wk->y = buf->y;
              wk->dlogits = buf->dlogits;
              wk->scratch = buf->scratch;
            }
          else
            {
              wk->net = dd_net_shadow (st->net);
              wk->x = g_new (dd_real, mb * d);
              wk->y = g_new (int, mb);
              wk->dlogits = g_new (dd_real, mb * C);
              wk->scratch = g_new (dd_real, 2 * mb * C);
            }
          wk->idx = g_new (int, mb);
          wk->confusion = g_new (int, C * C);
          wk->class_count = g_new (int, C);
        }
      buf->n_workers = n;
    }
  if (n > 1)
    ensure_pool (st, n);  /* run_workers copes with fewer threads */
}

/* the hvp parts of workers 0 … n − 1 (allocated on the first parallel hvp) */
static void
ensure_hvp_parts (DdStudent *st, int n)
{
  Buffers *buf = BUF (st);

  for (int w = 0; w < n; w++)
    {
      Worker *wk = &buf->workers[w];
      if (wk->dW != NULL)
        continue;
      if (w > 0)
        wk->hv = g_new (dd_real, st->P);
      wk->dW = g_new (dd_real, (size_t) st->R * st->C);
      wk->db = g_new (dd_real, st->C);
    }
}

static void
run_workers (DdStudent *st, int n, DdWorkFn fn, gpointer job)
{
  Buffers *buf = BUF (st);

  if (n == 1)
    fn (0, job);
  else if (dd_workers_n_threads (buf->pool) >= n)
    dd_workers_run (buf->pool, n, fn, job);
  else /* the pool could not start its threads: the same work, one after another */
    for (int w = 0; w < n; w++)
      fn (w, job);
}

/* dst[i] = f₀·dst[i] + f₁·src₁[i] + … in that order for every i, the range
 * of i split between the workers: the same bits however it is split */
typedef struct {
  dd_real        *dst;
  const dd_real  *src[DD_MAX_WORKERS];
  dd_real         f[DD_MAX_WORKERS];   /* f[0] scales dst, f[s] src[s] */
  int             n_src;               /* sources 1 … n_src − 1 */
  size_t          len;
  int             n;                   /* workers */
} SumJob;

static void
work_sum (int w, gpointer data)
{
  const SumJob *job = data;
  const size_t lo = job->len * (size_t) w / job->n, hi = job->len * (size_t) (w + 1) / job->n;
  dd_real *restrict dst = job->dst;

  if (job->f[0] != 1)
    for (size_t i = lo; i < hi; i++)
      dst[i] *= job->f[0];
  for (int k = 1; k < job->n_src; k++)
    {
      const dd_real *restrict src = job->src[k];
      const dd_real f = job->f[k];
      if (f == 1)
        for (size_t i = lo; i < hi; i++)
          dst[i] += src[i];
      else
        for (size_t i = lo; i < hi; i++)
          dst[i] += f * src[i];
    }
}

/* st->grads (worker 0's) += the gradients of workers 1 … n − 1, in that
 * order; the workers share the sum */
static void
reduce_grads (DdStudent *st, int n)
{
  Buffers *buf = BUF (st);
  SumJob job = { .dst = st->grads, .n_src = n, .len = st->P, .n = n };

  if (n <= 1)
    return;
  for (int w = 0; w < n; w++)
    {
      job.src[w] = buf->workers[w].net->grads;
      job.f[w] = 1;
    }
  run_workers (st, n, work_sum, &job);
}

static void
scale_rows (dd_real *a, size_t n, double s)
{
  const dd_real f = (dd_real) s;
  for (size_t i = 0; i < n; i++)
    a[i] *= f;
}

/* a += s·b */
static void
add_scaled (dd_real *restrict a, const dd_real *restrict b, size_t n, double s)
{
  const dd_real f = (dd_real) s;
  for (size_t i = 0; i < n; i++)
    a[i] += f * b[i];
}

typedef struct {
  DdStudent         *st;
  const DdDataset   *ds;
  const int         *idx;
  int                B, n;       /* examples, workers */
  const DdLoss      *loss;
  gboolean           want_ce, is_ce;
  const dd_real     *v;          /* hvp direction */
  /* the dev measure: chunks of `chunk` examples from `first` */
  int                first, chunk, n_chunks;
  gboolean           with_grad;
  double            *part, *err; /* per chunk */
} Job;

static void
slice (const Job *job, Worker *wk, int w)
{
  wk->first = (int) ((gint64) w * job->B / job->n);
  wk->B = (int) ((gint64) (w + 1) * job->B / job->n) - wk->first;
}

/* --- forward / backward -------------------------------------------------------- */

static double
argmax_error (const dd_real *logits, const int *labels, int rows, int V, int *counted)
{
  int wrong = 0, n = 0;

  for (int r = 0; r < rows; r++)
    {
      if (labels[r] < 0)
        continue;
      const dd_real *z = logits + (size_t) r * V;
#ifdef DD_DOUBLE
      int arg = (int) cblas_idmax (V, z, 1);
#else
      int arg = (int) cblas_ismax (V, z, 1);
#endif
      wrong += arg != labels[r];
      n++;
    }
  if (counted)
    *counted = n;
  return n ? (double) wrong / n : 0.0;
}

static void
work_forward (int w, gpointer data)
{
  const Job *job = data;
  Worker *wk = &BUF (job->st)->workers[w];
  int counted;

  slice (job, wk, w);
  dd_dataset_gather (job->ds, job->idx + wk->first, wk->B, wk->x, wk->y);
  dd_net_forward (wk->net, wk->x, wk->B);
  double err = argmax_error (wk->net->logits, wk->y, wk->B, job->st->C, &counted);
  wk->wrong = (int) lround (err * counted);
}

/* the loss on the worker's slice of the last forward, and its gradient
 * (weighted by the slice's share of the batch) into the worker's grads */
static void
work_backward (int w, gpointer data)
{
  const Job *job = data;
  DdStudent *st = job->st;
  Worker *wk = &BUF (st)->workers[w];
  const DdLoss ce_loss = dd_loss_default (DD_LOSS_CE);

  wk->value = dd_loss_forward_backward (job->loss, wk->dlogits, NULL, NULL, wk->scratch,
                                        wk->net->logits, wk->y, wk->B, st->C);
  if (job->want_ce)
    wk->ce = job->is_ce ? wk->value
           : dd_loss_forward_backward (&ce_loss, NULL, NULL, NULL, wk->scratch,
                                       wk->net->logits, wk->y, wk->B, st->C);
  if (!isfinite (wk->value))
    {
      dd_net_zero_grad (wk->net);
      return;
    }
  if (job->n > 1)
    scale_rows (wk->dlogits, (size_t) wk->B * st->C, (double) wk->B / job->B);
  dd_net_gradient (wk->net, wk->x, wk->dlogits, wk->B);
}

/* the backward of a batch the workers forwarded: value (and ce) weighted
 * by the slices' shares, the gradients (written) summed into st->grads in
 * worker order; a loss that is not finite leaves the gradients zero */
static double
backward_split (DdStudent *st, const DdLoss *loss, gboolean is_ce, double *ce)
{
  Buffers *buf = BUF (st);
  const int n = buf->n_split;
  /* the activations must still be those of the last forward */
  g_return_val_if_fail (n >= 1, NAN);
  Job job = { .st = st, .B = buf->B, .n = n, .loss = loss, .want_ce = ce != NULL,
              .is_ce = is_ce };

  if (n == 1)
    {
      units_begin (st, buf->B);
      work_backward (0, &job);
      units_end (st);
      if (ce)
        *ce = buf->workers[0].ce;
      return buf->workers[0].value;
    }
  run_workers (st, n, work_backward, &job);
  double value = 0.0, c = 0.0;
  for (int w = 0; w < n; w++)
    {
      const double share = (double) buf->workers[w].B / buf->B;
      value += share * buf->workers[w].value;
      c += share * buf->workers[w].ce;
    }
  if (isfinite (value))
    reduce_grads (st, n);
  else
    memset (st->grads, 0, st->P * sizeof (dd_real));
  if (ce)
    *ce = c;
  return value;
}

double
dd_student_forward (DdStudent *st, DdSplit split, const int *idx, int B)
{
  Buffers *buf = BUF (st);

  g_return_val_if_fail (B <= st->max_batch, NAN);
  buf->B = B;
  if (st->s2s)
    {
      dd_parallel_gather (text_split (st, split), idx, B, &buf->batch, buf->src, buf->src_len,
                          buf->tgt_in, buf->tgt_out);
      dd_seq2seq_forward (st->s2s, &buf->batch, NULL);
      return argmax_error (st->s2s->logits, buf->tgt_out, B * buf->batch.Lt,
                           st->s2s->spec.V_tgt, &buf->n_tokens);
    }
  const int n = split_count_work (st, B, dd_net_step_flops (st->net, B));
  Job job = { .st = st, .ds = image_split (st, split), .idx = idx, .B = B, .n = n };
  ensure_workers (st, n);
  buf->n_split = n;
  if (n == 1)
    {
      units_begin (st, B);
      work_forward (0, &job);
      units_end (st);
      return (double) buf->workers[0].wrong / B;
    }
  run_workers (st, n, work_forward, &job);
  int wrong = 0;
  for (int w = 0; w < n; w++)
    wrong += buf->workers[w].wrong;
  return (double) wrong / B;
}

static void
model_backward (DdStudent *st, const dd_real *dlogits)
{
  Buffers *buf = BUF (st);

  if (st->s2s)
    dd_seq2seq_backward (st->s2s, &buf->batch, dlogits, NULL, NULL, NULL);
  else
    dd_net_backward (st->net, buf->x, dlogits, buf->B);
}

/* A loss without Φ over classes (images) or per target token (translation):
 * its value, with dlogits (may be NULL) its gradient. */
static double
plain_loss (DdStudent *st, const DdLoss *loss, dd_real *dlogits)
{
  Buffers *buf = BUF (st);

  if (st->s2s)
    return token_loss (st, loss, dlogits);
  return dd_loss_forward_backward (loss, dlogits, NULL, NULL, buf->scratch, st->net->logits,
                                   buf->y, buf->B, st->C);
}

double
dd_student_backward_loss (DdStudent *st, const DdLoss *loss)
{
  Buffers *buf = BUF (st);
  if (st->net)
    return backward_split (st, loss, FALSE, NULL);
  double value = plain_loss (st, loss, buf->dlogits);

  memset (st->grads, 0, st->P * sizeof (dd_real));
  if (isfinite (value))
    model_backward (st, buf->dlogits);
  return value;
}

double
dd_student_backward (DdStudent *st, const dd_real *W, const dd_real *b, double *ce)
{
  Buffers *buf = BUF (st);
  const DdLoss ce_loss = dd_loss_default (DD_LOSS_CE);
  const gboolean is_ce = W == NULL && st->fixed_loss == DD_LOSS_CE;
  double value;

  if (W && st->s2s)
    {
      DdBucketLoss L = bucket_loss (st, W, b);
      value = dd_bucket_loss_forward_backward (&L, buf->dlogits, NULL, NULL, NULL,
                                               buf->scratch, st->s2s->logits,
                                               buf->batch.tgt_out, buf->B * buf->batch.Lt);
    }
  else if (st->net)
    {
      DdLoss loss = W ? class_loss (st, W, b) : dd_loss_default (st->fixed_loss);
      return backward_split (st, &loss, is_ce, ce);
    }
  else
    {
      DdLoss loss = W ? class_loss (st, W, b) : dd_loss_default (st->fixed_loss);
      value = plain_loss (st, &loss, buf->dlogits);
    }
  if (ce)
    *ce = is_ce ? value : plain_loss (st, &ce_loss, NULL);
  memset (st->grads, 0, st->P * sizeof (dd_real));
  if (isfinite (value))
    model_backward (st, buf->dlogits);
  return value;
}

static void
work_hvp (int w, gpointer data)
{
  const Job *job = data;
  DdStudent *st = job->st;
  Worker *wk = &BUF (st)->workers[w];

  slice (job, wk, w);
  dd_dataset_gather (job->ds, job->idx + wk->first, wk->B, wk->x, wk->y);
  memset (wk->dW, 0, sizeof (dd_real) * st->R * st->C);
  memset (wk->db, 0, sizeof (dd_real) * st->C);
  wk->value = dd_net_hvp_only (wk->net, job->loss, wk->x, wk->y, wk->B, job->v, wk->hv,
                               wk->dW, wk->db);
}

double
dd_student_hvp (DdStudent *st, const int *idx, int B, const dd_real *W, const dd_real *b,
                const dd_real *v, dd_real *hv, dd_real *dW, dd_real *db)
{
  Buffers *buf = BUF (st);

  if (st->net)
    {
      DdLoss loss = class_loss (st, W, b);
      const int n = split_count_work (st, B, dd_net_hvp_flops (st->net, B));
      buf->B = B;
      buf->n_split = 0;  /* the activations are the hvp's, not a forward's */
      if (buf->n_workers > 0)
        buf->workers[0].hv = NULL;  /* worker 0 writes into the caller's hv */
      if (n == 1)
        {
          dd_dataset_gather (st->data->train, idx, B, buf->x, buf->y);
          units_begin (st, B);
          double value = dd_net_hvp_only (st->net, &loss, buf->x, buf->y, B, v, hv, dW, db);
          units_end (st);
          return value;
        }
      ensure_workers (st, n);
      ensure_hvp_parts (st, n);
      buf->workers[0].hv = hv;
      Job job = { .st = st, .ds = st->data->train, .idx = idx, .B = B, .n = n,
                  .loss = &loss, .v = v };
      run_workers (st, n, work_hvp, &job);
      const size_t RC = (size_t) st->R * st->C;
      SumJob sum = { .dst = hv, .n_src = n, .len = st->P, .n = n };
      double value = 0.0;
      for (int w = 0; w < n; w++)
        {
          const Worker *wk = &buf->workers[w];
          const double share = (double) wk->B / B;
          value += share * wk->value;
          sum.src[w] = wk->hv;
          sum.f[w] = (dd_real) share;
          add_scaled (dW, wk->dW, RC, share);
          add_scaled (db, wk->db, st->C, share);
        }
      run_workers (st, n, work_sum, &sum);
      return value;
    }

  const int K = st->C, V = n_out (st);
  buf->B = B;
  dd_parallel_gather (&st->data->parallel->train, idx, B, &buf->batch, buf->src, buf->src_len,
                      buf->tgt_in, buf->tgt_out);
  const int N = B * buf->batch.Lt;
  if (buf->rdlogits == NULL)
    buf->rdlogits = g_new (dd_real, (size_t) n_rows_max (st) * V);
  dd_seq2seq_forward (st->s2s, &buf->batch, v);
  DdBucketLoss L = bucket_loss (st, W, b);
  double value = dd_bucket_loss_forward_backward (&L, buf->dlogits, NULL, NULL, NULL,
                                                  buf->scratch, st->s2s->logits,
                                                  buf->batch.tgt_out, N);
  dd_bucket_loss_rop (&L, buf->rdlogits, dW + (size_t) K * K, dW, db, buf->scratch,
                      st->s2s->logits, st->s2s->rlogits, buf->batch.tgt_out, N);
  memset (st->grads, 0, st->P * sizeof (dd_real));
  dd_seq2seq_backward (st->s2s, &buf->batch, buf->dlogits, v, buf->rdlogits, hv);
  return value;
}

/* --- dev measure and evaluation ---------------------------------------------- */

#define CHUNK_MAX 256

/* The dev measure of examples first … first + Bc − 1 (Bc ≤ CHUNK_MAX):
 * returns their mean, with dlogits (may be NULL) its gradient; weight gets
 * what the mean is over (examples, or target tokens), err the plain error. */
static double
dev_chunk (DdStudent *st, const DdLoss *loss, int first, int Bc, dd_real *dlogits,
           double *weight, double *err)
{
  Buffers *buf = BUF (st);
  int idx[CHUNK_MAX];

  for (int i = 0; i < Bc; i++)
    idx[i] = first + i;
  *err = dd_student_forward (st, DD_SPLIT_DEV, idx, Bc);
  *weight = st->s2s ? buf->n_tokens : Bc;
  return plain_loss (st, loss, dlogits);
}

/* Worker w measures chunks w, w + n, w + 2n, … of the dev examples from
 * job->first: their mean into part[c], their plain error into err[c], and
 * with_grad, the gradient of the chunk's share of the mean into its grads. */
static void
work_dev_chunks (int w, gpointer data)
{
  const Job *job = data;
  DdStudent *st = job->st;
  Worker *wk = &BUF (st)->workers[w];
  const int end = job->first + job->B;

  if (job->with_grad && w > 0)
    memset (wk->net->grads, 0, st->P * sizeof (dd_real));
  for (int c = w; c < job->n_chunks; c += job->n)
    {
      const int start = job->first + c * job->chunk, Bc = MIN (job->chunk, end - start);
      int idx[CHUNK_MAX];
      for (int i = 0; i < Bc; i++)
        idx[i] = start + i;
      dd_dataset_gather (st->data->dev, idx, Bc, wk->x, wk->y);
      dd_net_forward (wk->net, wk->x, Bc);
      job->err[c] = argmax_error (wk->net->logits, wk->y, Bc, st->C, NULL);
      job->part[c] = dd_loss_forward_backward (job->loss, job->with_grad ? wk->dlogits : NULL,
                                               NULL, NULL, wk->scratch, wk->net->logits,
                                               wk->y, Bc, st->C);
      if (job->with_grad)
        {
          scale_rows (wk->dlogits, (size_t) Bc * st->C, (double) Bc / job->B);
          dd_net_backward (wk->net, wk->x, wk->dlogits, Bc);
        }
    }
}

/* the image students' dev measure over examples first … first + n − 1 in
 * chunks, split between the workers; part and err get one value per chunk */
static int
dev_chunks_split (DdStudent *st, const DdLoss *loss, int first, int n, int chunk,
                  gboolean with_grad, double *part, double *err)
{
  const int n_chunks = (n + chunk - 1) / chunk;
  const int nw = split_count (st, n_chunks);
  Job job = { .st = st, .n = nw, .loss = loss, .first = first, .B = n, .chunk = chunk,
              .n_chunks = n_chunks, .with_grad = with_grad, .part = part, .err = err };

  ensure_workers (st, nw);
  BUF (st)->n_split = 0;
  run_workers (st, nw, work_dev_chunks, &job);
  if (with_grad)
    reduce_grads (st, nw);
  return n_chunks;
}

int
dd_student_measure_blocks (DdStudent *st, gboolean dev_ce, int first, int n, int block,
                           double *out)
{
  const DdLoss loss = dd_loss_default (dev_ce ? DD_LOSS_CE : DD_LOSS_SMOOTH_ERROR);
  const int total = dd_student_n_examples (st, DD_SPLIT_DEV);
  int k = 0;

  g_return_val_if_fail (first >= 0 && n >= 0 && first + n <= total, 0);
  g_return_val_if_fail (block >= 1 && block <= dd_student_max_block (st), 0);
  if (st->net)
    {
      if (n == 0)
        return 0;
      g_autofree double *err = g_new (double, (n + block - 1) / block);
      return dev_chunks_split (st, &loss, first, n, block, FALSE, out, err);
    }
  for (int start = first; start < first + n; start += block, k++)
    {
      double w, err;
      const int Bc = MIN (block, first + n - start);
      out[k] = dev_chunk (st, &loss, start, Bc, NULL, &w, &err);
    }
  return k;
}

int
dd_student_max_block (const DdStudent *st)
{
  return MIN (st->max_batch, CHUNK_MAX);
}

double
dd_student_objective (DdStudent *st, gboolean dev_ce, int n, gboolean with_grad,
                      double *error)
{
  Buffers *buf = BUF (st);
  const int total = dd_student_n_examples (st, DD_SPLIT_DEV);
  const int chunk = MIN (st->max_batch, CHUNK_MAX);
  DdLoss loss = dd_loss_default (dev_ce ? DD_LOSS_CE : DD_LOSS_SMOOTH_ERROR);
  double M = 0.0, wrong = 0.0;
  double weight_total = 0.0;

  if (n <= 0 || n > total)
    n = total;
  if (st->s2s)
    {
      /* weights are tokens: count them first so that every chunk's mean
       * enters M with its share */
      const DdParallelSet *dev = text_split (st, DD_SPLIT_DEV);
      for (int i = 0; i < n; i++)
        weight_total += dev->tgt_len[i];
    }
  else
    weight_total = n;

  if (with_grad)
    memset (st->grads, 0, st->P * sizeof (dd_real));
  if (st->net)
    {
      /* the same sums in the same order as the loop below; the chunks are
       * measured by the workers */
      const int n_chunks = (n + chunk - 1) / chunk;
      g_autofree double *part = g_new (double, n_chunks);
      g_autofree double *err = g_new (double, n_chunks);
      dev_chunks_split (st, &loss, 0, n, chunk, with_grad, part, err);
      for (int c = 0; c < n_chunks; c++)
        {
          const double w = MIN (chunk, n - c * chunk);
          M += part[c] * (w / weight_total);
          wrong += err[c] * w;
        }
      if (error)
        *error = wrong / weight_total;
      return M;
    }
  for (int start = 0; start < n; start += chunk)
    {
      const int Bc = MIN (chunk, n - start);
      double err, w;
      double part = dev_chunk (st, &loss, start, Bc, with_grad ? buf->dlogits : NULL, &w, &err);
      const double share = w / weight_total;
      M += part * share;
      wrong += err * w;
      if (with_grad)
        {
          const size_t rows = st->s2s ? (size_t) Bc * buf->batch.Lt : (size_t) Bc;
          scale_rows (buf->dlogits, rows * n_out (st), share);
          model_backward (st, buf->dlogits);
        }
    }
  if (error)
    *error = wrong / weight_total;
  return M;
}

/* Per-bucket statistics of teacher-forced predictions, as dd_net_evaluate
 * gives per class: bucket of the reference token is the "class", the bucket
 * of the predicted token the "prediction". */
static void
evaluate_text (DdStudent *st, DdSplit split, int n, DdEval *out)
{
  Buffers *buf = BUF (st);
  const int *bucket = st->data->parallel->bucket;
  const int C = st->C, V = n_out (st), chunk = MIN (st->max_batch, CHUNK_MAX);
  int idx[CHUNK_MAX];
  g_autofree double *margin_sum = g_new0 (double, C);
  g_autofree int *correct_in = g_new0 (int, C);
  double loss = 0.0, smooth = 0.0;
  int correct = 0, tokens = 0;

  memset (out->confusion, 0, sizeof (int) * C * C);
  memset (out->class_count, 0, sizeof (int) * C);
  for (int start = 0; start < n; start += chunk)
    {
      const int Bc = MIN (chunk, n - start);
      for (int i = 0; i < Bc; i++)
        idx[i] = start + i;
      dd_student_forward (st, split, idx, Bc);
      const int rows = Bc * buf->batch.Lt;
      for (int r = 0; r < rows; r++)
        {
          const int y = buf->batch.tgt_out[r];
          if (y < 0)
            continue;
          const dd_real *z = st->s2s->logits + (size_t) r * V;
          int arg = 0;
          double zmax = z[0];
          for (int j = 1; j < V; j++)
            if (z[j] > zmax)
              zmax = z[j], arg = j;
          double sum = 0.0, best_other = -INFINITY;
          for (int j = 0; j < V; j++)
            {
              sum += exp (z[j] - zmax);
              if (j != y && z[j] > best_other)
                best_other = z[j];
            }
          const double py = exp (z[y] - zmax) / sum, po = exp (best_other - zmax) / sum;
          const double pmax = 1.0 / sum;
          loss += -(z[y] - zmax - log (sum));
          smooth += 2.0 / (1.0 + exp (-DD_SMOOTH_ERROR_K * (pmax - py))) - 1.0;
          margin_sum[bucket[y]] += py - po;
          out->confusion[bucket[y] * C + bucket[arg]]++;
          out->class_count[bucket[y]]++;
          correct_in[bucket[y]] += arg == y;
          correct += arg == y;
          tokens++;
        }
    }
  out->n = tokens;
  out->loss = tokens ? loss / tokens : 0.0;
  out->smooth_error = tokens ? smooth / tokens : 0.0;
  out->accuracy = tokens ? (double) correct / tokens : 0.0;
  for (int c = 0; c < C; c++)
    {
      const int cnt = out->class_count[c];
      /* a token is right when its word is, not merely its bucket */
      out->class_accuracy[c] = cnt ? (double) correct_in[c] / cnt : 0.0;
      out->class_margin[c] = cnt ? margin_sum[c] / cnt : 0.0;
    }
}

/* worker w evaluates chunks w, w + n, … into job->part (2 + C sums each)
 * and its own counts */
static void
work_evaluate (int w, gpointer data)
{
  const Job *job = data;
  DdStudent *st = job->st;
  Worker *wk = &BUF (st)->workers[w];
  const int C = st->C;

  memset (wk->confusion, 0, sizeof (int) * C * C);
  memset (wk->class_count, 0, sizeof (int) * C);
  wk->correct = 0;
  for (int c = w; c < job->n_chunks; c += job->n)
    {
      const int start = c * job->chunk;
      dd_net_evaluate_chunk (wk->net, job->ds, start, MIN (job->chunk, job->B - start),
                             wk->x, wk->idx, wk->y, wk->scratch,
                             job->part + (size_t) c * (2 + C), wk->confusion,
                             wk->class_count, &wk->correct);
    }
}

static void
evaluate_images (DdStudent *st, DdSplit split, int n, DdEval *ev)
{
  Buffers *buf = BUF (st);
  const int C = st->C, chunk = st->max_batch, n_chunks = (n + chunk - 1) / chunk;
  const int nw = split_count (st, n_chunks);
  g_autofree double *sums = g_new0 (double, (size_t) MAX (n_chunks, 1) * (2 + C));
  Job job = { .st = st, .ds = image_split (st, split), .B = n, .n = nw, .chunk = chunk,
              .n_chunks = n_chunks, .part = sums };
  int correct = 0;

  ensure_workers (st, nw);
  buf->n_split = 0;
  run_workers (st, nw, work_evaluate, &job);
  memset (ev->confusion, 0, sizeof (int) * C * C);
  memset (ev->class_count, 0, sizeof (int) * C);
  for (int w = 0; w < nw; w++)
    {
      const Worker *wk = &buf->workers[w];
      for (int i = 0; i < C * C; i++)
        ev->confusion[i] += wk->confusion[i];
      for (int c = 0; c < C; c++)
        ev->class_count[c] += wk->class_count[c];
      correct += wk->correct;
    }
  dd_eval_finish (ev, n, sums, n_chunks, correct);
}

void
dd_student_evaluate (DdStudent *st, DdSplit split, int n, DdEval *ev)
{
  const int total = dd_student_n_examples (st, split);

  g_return_if_fail (ev->n_classes == st->C);
  if (n <= 0 || n > total)
    n = total;
  if (st->s2s)
    evaluate_text (st, split, n, ev);
  else
    evaluate_images (st, split, n, ev);
}

double
dd_student_bleu (DdStudent *st, DdSplit split, int beam, char ***hyps)
{
  g_return_val_if_fail (st->s2s != NULL, NAN);

  const DdParallel *p = st->data->parallel;
  const DdParallelSet *part = split == DD_SPLIT_TRAIN ? &p->train : split == DD_SPLIT_DEV ? &p->dev : &p->test;
  DdBleuStats stats;
  dd_parallel_translate (st->s2s, p, part, 0, beam, &stats, hyps);
  return dd_bleu_score (&stats);
}
