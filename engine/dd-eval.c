/* dd-eval.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-eval.h"
#include "dd-dataset.h"
#include "dd-kernels.h"
#include "dd-net.h"

#include <math.h>
#include <string.h>

DdEval *
dd_eval_new (int n_classes)
{
  DdEval *ev = g_new0 (DdEval, 1);

  ev->n_classes = n_classes;
  ev->confusion = g_new0 (int, (size_t) n_classes * n_classes);
  ev->class_count = g_new0 (int, n_classes);
  ev->class_accuracy = g_new0 (double, n_classes);
  ev->class_margin = g_new0 (double, n_classes);
  return ev;
}

void
dd_eval_free (DdEval *ev)
{
  if (ev == NULL)
    return;
  g_free (ev->confusion);
  g_free (ev->class_count);
  g_free (ev->class_accuracy);
  g_free (ev->class_margin);
  g_free (ev);
}

void
dd_eval_copy_into (DdEval *dst, const DdEval *src)
{
  int C = src->n_classes;

  g_return_if_fail (dst->n_classes == C);
  dst->n = src->n;
  dst->loss = src->loss;
  dst->accuracy = src->accuracy;
  dst->smooth_error = src->smooth_error;
  memcpy (dst->confusion, src->confusion, sizeof (int) * C * C);
  memcpy (dst->class_count, src->class_count, sizeof (int) * C);
  memcpy (dst->class_accuracy, src->class_accuracy, sizeof (double) * C);
  memcpy (dst->class_margin, src->class_margin, sizeof (double) * C);
}

double
dd_eval_balanced_error (const DdEval *ev)
{
  double sum = 0.0;
  int classes = 0;

  g_return_val_if_fail (ev != NULL, NAN);
  for (int c = 0; c < ev->n_classes; c++)
    if (ev->class_count[c] > 0)
      {
        sum += 1.0 - ev->class_accuracy[c];
        classes++;
      }
  return classes ? sum / classes : NAN;
}

void
dd_net_evaluate_chunk (DdNet *net, const DdDataset *ds, int start, int B,
                       dd_real *x, int *idx, int *y, dd_real *probs, double *sums,
                       int *confusion, int *class_count, int *correct)
{
  const int C = net->n_classes;
  double loss = 0.0, smooth = 0.0;
  double *margin_sum = sums + 2;

  g_return_if_fail (B >= 1 && B <= net->max_batch);

  memset (sums, 0, sizeof (double) * (2 + C));
  for (int i = 0; i < B; i++)
    idx[i] = start + i;
  dd_dataset_gather (ds, idx, B, x, y);
  dd_net_forward (net, x, B);
  dd_softmax_forward (probs, net->logits, B, C);
  for (int i = 0; i < B; i++)
    {
      const dd_real *p = probs + (size_t) i * C;
      int t = y[i], arg = 0;
      double best_other = -1.0;
      for (int j = 0; j < C; j++)
        {
          if (p[j] > p[arg])
            arg = j;
          if (j != t && p[j] > best_other)
            best_other = p[j];
        }
      double py = p[t];
      /* log of the probability, floored so a confidently wrong net gives
       * a large finite loss rather than Inf */
      loss += -log (fmax (py, 1e-30));
      smooth += 2.0 / (1.0 + exp (-DD_SMOOTH_ERROR_K * (p[arg] - py))) - 1.0;
      margin_sum[t] += py - best_other;
      confusion[t * C + arg]++;
      class_count[t]++;
      *correct += arg == t;
    }
  sums[0] = loss;
  sums[1] = smooth;
}

void
dd_eval_finish (DdEval *out, int n, const double *sums, int n_chunks, int correct)
{
  const int C = out->n_classes;
  g_autofree double *margin_sum = g_new0 (double, C);
  double loss = 0.0, smooth = 0.0;

  for (int k = 0; k < n_chunks; k++)
    {
      const double *s = sums + (size_t) k * (2 + C);
      loss += s[0];
      smooth += s[1];
      for (int c = 0; c < C; c++)
        margin_sum[c] += s[2 + c];
    }
  out->n = n;
  out->loss = n ? loss / n : 0.0;
  out->smooth_error = n ? smooth / n : 0.0;
  out->accuracy = n ? (double) correct / n : 0.0;
  for (int c = 0; c < C; c++)
    {
      int cnt = out->class_count[c];
      out->class_accuracy[c] = cnt ? (double) out->confusion[c * C + c] / cnt : 0.0;
      out->class_margin[c] = cnt ? margin_sum[c] / cnt : 0.0;
    }
}
