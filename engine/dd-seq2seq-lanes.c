/* dd-seq2seq-lanes.c: the translator's own parallelism over a batch's
 * sentences
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With n threads a batch of B sentences is cut into n lanes of consecutive
 * sentences (lane w takes sentences ⌊wB/n⌋ … ⌊(w+1)B/n⌋ − 1). Lane 0 is the
 * model itself; lane w > 0 is a shadow: a DdSeq2seq of the same spec that
 * reads the model's parameters and writes its rows of the model's logits
 * (and R{logits}), with activations and gradients of its own. The lanes run
 * on a fork-join pool, each calling BLAS with one thread: the products of a
 * lane are as large per thread as the whole batch's would be on one, and no
 * BLAS thread waits for another. Every sentence's computation is its own
 * (padding-free rows, attention within a sentence), so only the sums over
 * sentences change: lane 0 adds to the model's gradients as a whole-batch
 * backward would, each other lane into its own zeroed buffer, and those are
 * added after, in lane order, element by element — the same bits on every
 * run for a thread count. Dropout masks: lane 0 draws from the step's key,
 * lane w from a key mixed from it and w.
 */
#include "dd-seq2seq-private.h"
#include "dd-rng.h"
#include "dd-workers.h"

#define MAX_LANES 16

typedef struct _Seq2seqLanes {
  int        n;                     /* lanes asked for (≥ 1) */
  int        used;                  /* lanes of the last forward; 1: it ran whole */
  int        B, Ls, Lt;             /* the last forward's batch */
  int        first[MAX_LANES + 1];  /* its sentence ranges */
  DdSeq2seq *lane[MAX_LANES];       /* [0] unused: the model itself */
  dd_real   *hv[MAX_LANES];         /* each lane's H·v ([0] unused) */
  DdWorkers *pool;                  /* the process's, dd_workers_shared */
} Seq2seqLanes;

typedef struct {
  DdSeq2seq            *m;
  Seq2seqLanes         *l;
  const DdSeq2seqBatch *batch;
  const dd_real        *v, *dlogits, *rdlogits;
  dd_real              *hv;
  guint64               noise;
  dd_real              *src, *tgt, *out;   /* masks (seq2seq_lanes_masks) */
} Job;

void
seq2seq_lanes_free (Seq2seqLanes *l)
{
  if (l == NULL)
    return;
  for (int w = 1; w < MAX_LANES; w++)
    {
      dd_seq2seq_free (l->lane[w]);
      g_free (l->hv[w]);
    }
  g_free (l);  /* the pool is the process's (dd_workers_shared) */
}

void
dd_seq2seq_set_threads (DdSeq2seq *m, int n)
{
  g_return_if_fail (m != NULL && n >= 1);

  Priv *p = m->priv;
  n = MIN (n, MAX_LANES);
  if (n == 1 && p->lanes == NULL)
    return;
  if (p->lanes == NULL)
    p->lanes = g_new0 (Seq2seqLanes, 1);
  p->lanes->n = n;
}

int
dd_seq2seq_get_threads (const DdSeq2seq *m)
{
  const Priv *p = m->priv;
  return p->lanes ? p->lanes->n : 1;
}

/* the bytes the lanes of a model split n ways hold once they have run a
 * reverse pass: each other lane's shadow and its H·v */
size_t
seq2seq_lanes_footprint (const DdSeq2seq *m)
{
  const int n = dd_seq2seq_get_threads (m);
  DdSeq2seqSpec spec = m->spec;

  if (n <= 1)
    return 0;
  spec.max_batch = (spec.max_batch + n - 1) / n;
  return (size_t) (n - 1) * (seq2seq_spec_footprint (&spec, m->n_params, TRUE) +
                             m->n_params * sizeof (dd_real));
}

/* how many lanes share a batch of B sentences: at most one per sentence */
static int
lanes_for (const Priv *p, int B)
{
  return p->lanes ? MIN (p->lanes->n, B) : 1;
}

/* lane w of n: a shadow of m for up to ⌈max_batch / n⌉ sentences, made on
 * first use; its gradients start (and are kept) at zero */
static DdSeq2seq *
ensure_lane (DdSeq2seq *m, Seq2seqLanes *l, int w, int n)
{
  DdSeq2seqSpec spec = m->spec;
  const int need = (m->spec.max_batch + n - 1) / n;

  if (l->lane[w] && l->lane[w]->spec.max_batch < need)
    g_clear_pointer (&l->lane[w], dd_seq2seq_free);
  if (l->lane[w] == NULL)
    {
      spec.max_batch = need;
      DdSeq2seq *s = dd_seq2seq_new (&spec, NULL);
      g_assert (s != NULL);  /* the model's spec with fewer sentences */
      Priv *sp = s->priv;
      g_free (s->params);
      g_free (s->logits);
      s->logits = NULL;
      sp->shadow = TRUE;
      l->lane[w] = s;
    }
  l->lane[w]->params = m->params;
  return l->lane[w];
}

/* lane w's sentences of the batch, as a batch of their own */
static DdSeq2seqBatch
lane_batch (const Seq2seqLanes *l, const DdSeq2seqBatch *b, int w)
{
  const int f = l->first[w];
  return (DdSeq2seqBatch) { l->first[w + 1] - f, b->Ls, b->Lt, b->src + (size_t) f * b->Ls,
                            b->src_len + f, b->tgt_in + (size_t) f * b->Lt,
                            b->tgt_out + (size_t) f * b->Lt };
}

/* lane w's model, its logits (and R{logits}) pointed at its rows */
static DdSeq2seq *
lane_model (const Job *job, int w)
{
  DdSeq2seq *m = job->m;

  if (w == 0)
    return m;
  DdSeq2seq *s = job->l->lane[w];
  const size_t at = (size_t) job->l->first[w] * job->batch->Lt * m->spec.V_tgt;
  s->logits = m->logits + at;
  s->rlogits = m->rlogits ? m->rlogits + at : NULL;
  return s;
}

/* lane w's dropout key: the step's for lane 0, mixed with w for the others */
static guint64
lane_noise (guint64 noise, int w)
{
  if (noise == 0 || w == 0)
    return noise;
  guint64 z = dd_rng_mix (noise + (guint64) w * 0x9e3779b97f4a7c15ull);
  return z ? z : 1;
}

/* a pool of at least n threads */
static void
ensure_pool (Seq2seqLanes *l, int n)
{
  if (l->pool == NULL || dd_workers_n_threads (l->pool) < n)
    l->pool = dd_workers_shared (n);
}

/* cuts the batch into n lanes, with their shadows and the pool */
static void
plan (DdSeq2seq *m, Seq2seqLanes *l, const DdSeq2seqBatch *b, int n)
{
  for (int w = 0; w <= n; w++)
    l->first[w] = (int) ((gint64) b->B * w / n);
  for (int w = 1; w < n; w++)
    ensure_lane (m, l, w, n);
  ensure_pool (l, n);
}

/* fn (w, data) on lanes w = 0 … n − 1, each with one BLAS thread */
static void
run_lanes (Seq2seqLanes *l, int n, DdWorkFn fn, gpointer data)
{
  const int blas = openblas_get_num_threads ();

  dd_set_threads (1);
  dd_workers_run (l->pool, n, fn, data);
  dd_set_threads (blas);
}

static void
work_forward (int w, gpointer data)
{
  Job *job = data;
  DdSeq2seqBatch b = lane_batch (job->l, job->batch, w);

  seq2seq_forward_one (lane_model (job, w), &b, job->v, lane_noise (job->noise, w));
}

void
seq2seq_lanes_forward (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *v,
                       guint64 noise)
{
  Priv *p = m->priv;
  Seq2seqLanes *l = p->lanes;
  const int n = lanes_for (p, batch->B);

  if (l)
    {
      l->used = n;
      l->B = batch->B;
      l->Ls = batch->Ls;
      l->Lt = batch->Lt;
    }
  if (n <= 1)
    {
      seq2seq_forward_one (m, batch, v, noise);
      return;
    }
  plan (m, l, batch, n);
  Job job = { .m = m, .l = l, .batch = batch, .v = v, .noise = noise };
  run_lanes (l, n, work_forward, &job);
}

gboolean
seq2seq_lanes_last_batch (const DdSeq2seq *m, const DdSeq2seqBatch *b)
{
  const Priv *p = m->priv;
  const Seq2seqLanes *l = p->lanes;

  if (l && l->used > 1)
    return b->B == l->B && b->Ls == l->Ls && b->Lt == l->Lt;
  return b->B == p->B && b->Ls == p->Ls && b->Lt == p->Lt;
}

static void
work_backward (int w, gpointer data)
{
  Job *job = data;
  Seq2seqLanes *l = job->l;
  DdSeq2seqBatch b = lane_batch (l, job->batch, w);
  const size_t at = (size_t) l->first[w] * job->batch->Lt * job->m->spec.V_tgt;

  seq2seq_backward_one (lane_model (job, w), &b, job->dlogits + at, job->v,
                        job->rdlogits ? job->rdlogits + at : NULL,
                        job->hv ? (w == 0 ? job->hv : l->hv[w]) : NULL);
}

/* the other lanes' gradients (and H·v) added to the model's in lane order,
 * element by element; each slice of the parameters on a thread of its own,
 * which does not change the sums */
static void
work_reduce (int w, gpointer data)
{
  Job *job = data;
  Seq2seqLanes *l = job->l;
  const int n = l->used;
  const size_t P = job->m->n_params;
  const size_t lo = P * (size_t) w / n, hi = P * (size_t) (w + 1) / n;
  dd_real *restrict g = job->m->grads;

  for (int k = 1; k < n; k++)
    {
      dd_real *restrict gk = l->lane[k]->grads;
      for (size_t i = lo; i < hi; i++)
        {
          g[i] += gk[i];
          gk[i] = 0;
        }
      if (job->hv)
        {
          dd_real *restrict hv = job->hv;
          const dd_real *restrict hk = l->hv[k];
          for (size_t i = lo; i < hi; i++)
            hv[i] += hk[i];
        }
    }
}

void
seq2seq_lanes_backward (DdSeq2seq *m, const DdSeq2seqBatch *batch, const dd_real *dlogits,
                        const dd_real *v, const dd_real *rdlogits, dd_real *hv)
{
  Priv *p = m->priv;
  Seq2seqLanes *l = p->lanes;

  if (l == NULL || l->used <= 1)
    {
      seq2seq_backward_one (m, batch, dlogits, v, rdlogits, hv);
      return;
    }
  const int n = l->used;
  if (hv)
    for (int w = 1; w < n; w++)
      if (l->hv[w] == NULL)
        l->hv[w] = g_new (dd_real, m->n_params);
  Job job = { .m = m, .l = l, .batch = batch, .v = v, .dlogits = dlogits,
              .rdlogits = rdlogits, .hv = hv };
  run_lanes (l, n, work_backward, &job);
  dd_workers_run (l->pool, n, work_reduce, &job);
}

typedef struct {
  DdSeq2seq       *m;
  Seq2seqLanes    *l;
  int              n_items, n;
  DdSeq2seqItemFn  fn;
  gpointer         data;
} Map;

static void
work_map (int w, gpointer data)
{
  const Map *job = data;
  DdSeq2seq *lane = w ? job->l->lane[w] : job->m;

  for (int i = w; i < job->n_items; i += job->n)
    job->fn (lane, i, job->data);
}

void
dd_seq2seq_map (DdSeq2seq *m, int n_items, DdSeq2seqItemFn fn, gpointer data)
{
  g_return_if_fail (m != NULL && fn != NULL);

  Priv *p = m->priv;
  const int n = lanes_for (p, n_items);

  if (n <= 1)
    {
      for (int i = 0; i < n_items; i++)
        fn (m, i, data);
      return;
    }
  Seq2seqLanes *l = p->lanes;
  for (int w = 1; w < n; w++)
    ensure_lane (m, l, w, l->n);
  ensure_pool (l, n);
  Map job = { m, l, n_items, n, fn, data };
  run_lanes (l, n, work_map, &job);
}

static void
work_masks (int w, gpointer data)
{
  Job *job = data;
  const Seq2seqLanes *l = job->l;
  DdSeq2seqBatch b = lane_batch (l, job->batch, w);
  const DdSeq2seqSpec *s = &job->m->spec;
  const size_t f = l->first[w], E = s->emb, D = seq2seq_out_dim (s);

  seq2seq_masks_one (lane_model (job, w), &b, lane_noise (job->noise, w),
                     job->src + f * b.Ls * E, job->tgt + f * b.Lt * E, job->out + f * b.Lt * D);
}

void
seq2seq_lanes_masks (DdSeq2seq *m, const DdSeq2seqBatch *batch, guint64 key, dd_real *src,
                     dd_real *tgt, dd_real *out)
{
  Priv *p = m->priv;
  const int n = lanes_for (p, batch->B);

  if (n <= 1)
    {
      seq2seq_masks_one (m, batch, key, src, tgt, out);
      return;
    }
  /* the lanes of a forward of this batch (their layouts replaced as a
   * forward's would be); the last forward's sentence ranges are kept */
  Seq2seqLanes *l = p->lanes;
  int first[MAX_LANES + 1];
  memcpy (first, l->first, sizeof first);
  plan (m, l, batch, n);
  Job job = { .m = m, .l = l, .batch = batch, .noise = key, .src = src, .tgt = tgt, .out = out };
  for (int w = 0; w < n; w++)
    work_masks (w, &job);
  memcpy (l->first, first, sizeof first);
}
