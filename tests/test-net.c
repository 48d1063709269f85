/* test-net.c: whole students against finite differences, in double precision
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The kernels are checked one by one in test-kernels.c; this checks that the
 * network wires them together right: the gradient of a loss with respect to
 * every parameter of an MLP (tanh and ReLU) and of LeNet, copies, and the
 * flop count used by the benchmark.
 */
#include "gradcheck.h"
#include "dd-loss.h"
#include "dd-net.h"
#include "dd-rng.h"
#include "dd-workers.h"

#include <math.h>
#include <string.h>

typedef struct {
  DdNet   *net;
  dd_real *x;
  int     *y;
  int      B;
  DdLoss   loss;
  dd_real *scratch;
} Problem;

static double
problem_loss (gpointer data)
{
  Problem *p = data;
  dd_net_forward (p->net, p->x, p->B);
  return dd_loss_forward_backward (&p->loss, NULL, NULL, NULL, p->scratch,
                                   p->net->logits, p->y, p->B, p->net->n_classes);
}

static void
problem_init (Problem *p, const DdNetSpec *spec, int h, int w, int C, int B, guint64 seed)
{
  g_autoptr(GError) error = NULL;
  DdRng rng;

  p->net = dd_net_new (spec, h, w, C, B, &error);
  g_assert_no_error (error);
  dd_rng_seed (&rng, seed);
  dd_net_init (p->net, &rng);
  /* non-zero biases so that their gradients and the kinks are exercised */
  for (size_t i = 0; i < p->net->n_params; i++)
    p->net->params[i] += (dd_real) (0.05 * dd_rng_normal (&rng));
  p->B = B;
  p->x = g_new (dd_real, (size_t) B * h * w);
  fill_uniform (p->x, (size_t) B * h * w, 0.0, 1.0, seed + 1);
  p->y = g_new (int, B);
  for (int i = 0; i < B; i++)
    p->y[i] = (int) dd_rng_below (&rng, C);
  p->loss = dd_loss_default (DD_LOSS_CE);
  p->scratch = g_new (dd_real, (size_t) B * C);
}

static void
problem_clear (Problem *p)
{
  dd_net_free (p->net);
  g_free (p->x);
  g_free (p->y);
  g_free (p->scratch);
}

/* analytic gradient of the problem's loss into net->grads: zeroed and
 * added to (dd_net_backward), or with set written over NaN (dd_net_gradient) */
static void
problem_gradient_with (Problem *p, gboolean set)
{
  int C = p->net->n_classes;
  g_autofree dd_real *dlogits = g_new (dd_real, (size_t) p->B * C);

  dd_net_forward (p->net, p->x, p->B);
  dd_loss_forward_backward (&p->loss, dlogits, NULL, NULL, p->scratch,
                            p->net->logits, p->y, p->B, C);
  if (set)
    {
      for (size_t i = 0; i < p->net->n_params; i++)
        p->net->grads[i] = NAN;
      dd_net_gradient (p->net, p->x, dlogits, p->B);
      return;
    }
  dd_net_zero_grad (p->net);
  dd_net_backward (p->net, p->x, dlogits, p->B);
}

static void
problem_gradient (Problem *p)
{
  problem_gradient_with (p, FALSE);
}

/* Checks the parameters [off, off + n) with a stride (every one when 1). */
static double
check_params (Problem *p, const char *name, size_t off, size_t n, size_t stride)
{
  size_t m = (n + stride - 1) / stride;
  g_autofree dd_real *analytic = g_new (dd_real, m);
  g_autofree double *numeric = g_new (double, m);

  for (size_t k = 0; k < m; k++)
    {
      size_t i = off + k * stride;
      analytic[k] = p->net->grads[i];
      gradcheck_numeric (&numeric[k], &p->net->params[i], 1, problem_loss, p, GRADCHECK_EPS);
    }
  return gradcheck_compare (name, analytic, numeric, m);
}

static void
check_all_layers (Problem *p, size_t max_checks_per_tensor)
{
  problem_gradient (p);
  for (int i = 0; i < p->net->n_layers; i++)
    {
      const DdLayer *l = &p->net->layers[i];
      if (l->n_w == 0)
        continue;
      g_autofree char *wname = g_strdup_printf ("layer %d weights", i);
      g_autofree char *bname = g_strdup_printf ("layer %d biases", i);
      size_t wstride = MAX (1, l->n_w / max_checks_per_tensor);
      g_assert_cmpfloat (check_params (p, wname, l->w_off, l->n_w, wstride), <=, GRADCHECK_TOL);
      g_assert_cmpfloat (check_params (p, bname, l->b_off, l->n_b, 1), <=, GRADCHECK_TOL);
    }
}

static void
test_mlp_tanh (void)
{
  DdNetSpec spec = { .kind = DD_STUDENT_MLP, .hidden = { 7, 5 }, .n_hidden = 2,
                     .activation = DD_ACT_TANH };
  Problem p;

  problem_init (&p, &spec, 4, 4, 3, 4, 11);
  check_all_layers (&p, 1000);
  problem_clear (&p);
}

/* The first layer's units split between three workers (dd_net_set_unit_split):
 * the gradient against finite differences, and forward, gradient and H·v
 * against the same net on one thread; each pass hands the layer to the
 * pool (forward and backward once each, H·v twice). A gradient or H·v
 * written over NaN (the split rows set, not zeroed and added to) has the
 * bits of one zeroed first, split or not. */
static void
test_mlp_unit_split (void)
{
  DdNetSpec spec = { .kind = DD_STUDENT_MLP, .hidden = { 7, 5 }, .n_hidden = 2,
                     .activation = DD_ACT_RELU };
  g_autoptr(DdWorkers) pool = dd_workers_new (3);
  Problem p;

  problem_init (&p, &spec, 4, 4, 3, 6, 13);
  const size_t P = p.net->n_params, C = p.net->n_classes;
  g_autofree dd_real *v = g_new (dd_real, P);
  g_autofree dd_real *hv1 = g_new (dd_real, P), *hv3 = g_new (dd_real, P);
  g_autofree dd_real *dW = g_new0 (dd_real, C * C), *db = g_new0 (dd_real, C);
  fill_uniform (v, P, -1.0, 1.0, 17);

  /* one thread */
  problem_gradient (&p);
  g_autofree dd_real *logits1 = g_memdup2 (p.net->logits, sizeof (dd_real) * p.B * C);
  g_autofree dd_real *grads1 = g_memdup2 (p.net->grads, sizeof (dd_real) * P);
  problem_gradient_with (&p, TRUE);
  g_assert_cmpmem (p.net->grads, sizeof (dd_real) * P, grads1, sizeof (dd_real) * P);
  double h1 = dd_net_hvp (p.net, &p.loss, p.x, p.y, p.B, v, hv1, dW, db);

  /* three, 7 units as 2 + 2 + 3 */
  dd_net_set_unit_split (p.net, pool, 3);
  g_assert_cmpuint (dd_workers_runs (pool), ==, 0);
  problem_gradient (&p);
  g_assert_cmpuint (dd_workers_runs (pool), ==, 2);
  for (size_t i = 0; i < (size_t) p.B * C; i++)
    g_assert_cmpfloat_with_epsilon (p.net->logits[i], logits1[i], 1e-12);
  for (size_t i = 0; i < P; i++)
    g_assert_cmpfloat_with_epsilon (p.net->grads[i], grads1[i], 1e-12);
  g_autofree dd_real *grads3 = g_memdup2 (p.net->grads, sizeof (dd_real) * P);
  problem_gradient_with (&p, TRUE);
  g_assert_cmpuint (dd_workers_runs (pool), ==, 4);
  g_assert_cmpmem (p.net->grads, sizeof (dd_real) * P, grads3, sizeof (dd_real) * P);
  for (size_t i = 0; i < P; i++)
    hv3[i] = NAN;
  double h3 = dd_net_hvp (p.net, &p.loss, p.x, p.y, p.B, v, hv3, dW, db);
  g_assert_cmpuint (dd_workers_runs (pool), ==, 6);
  g_assert_cmpfloat_with_epsilon (h3, h1, 1e-12);
  for (size_t i = 0; i < P; i++)
    g_assert_cmpfloat_with_epsilon (hv3[i], hv1[i], 1e-10 * (1 + fabs (hv1[i])));
  check_all_layers (&p, 1000);
  dd_net_set_unit_split (p.net, NULL, 1);
  problem_clear (&p);
}

static void
test_mlp_relu (void)
{
  DdNetSpec spec = { .kind = DD_STUDENT_MLP, .hidden = { 9 }, .n_hidden = 1,
                     .activation = DD_ACT_RELU };
  Problem p;

  problem_init (&p, &spec, 3, 5, 4, 5, 12);
  check_all_layers (&p, 1000);
  problem_clear (&p);
}

static void
test_lenet (void)
{
  DdNetSpec spec = dd_net_spec_default (DD_STUDENT_LENET);
  Problem p;

  /* 16×16 is the smallest image LeNet's two conv+pool stages accept */
  problem_init (&p, &spec, 16, 16, 10, 2, 13);
  g_assert_cmpint (p.net->n_layers, ==, 9);
  check_all_layers (&p, 300);
  problem_clear (&p);
}

static void
test_lenet_shape_refused (void)
{
  DdNetSpec spec = dd_net_spec_default (DD_STUDENT_LENET);
  g_autoptr(GError) error = NULL;

  DdNet *net = dd_net_new (&spec, 8, 8, 10, 4, &error);
  g_assert_null (net);
  g_assert_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "8×8"));
}

static void
test_default_shapes (void)
{
  g_autoptr(GError) error = NULL;
  DdNetSpec mlp = dd_net_spec_default (DD_STUDENT_MLP);
  DdNetSpec lenet = dd_net_spec_default (DD_STUDENT_LENET);

  g_autoptr(DdNet) a = dd_net_new (&mlp, 28, 28, 10, 20, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->n_params, ==, 784 * 500 + 500 + 500 * 10 + 10);
  g_assert_cmpstr (a->description, ==, "MLP 784-500-10 tanh");
  /* forward 2·B·(784·500 + 500·10); backward: weight gradients of both
   * layers, input gradient of the second only */
  double f = 2.0 * 20 * (784 * 500 + 500 * 10);
  g_assert_cmpfloat (dd_net_step_flops (a, 20), ==, 2 * f + 2.0 * 20 * 500 * 10);

  g_autoptr(DdNet) b = dd_net_new (&lenet, 28, 28, 10, 20, &error);
  g_assert_no_error (error);
  /* conv 20×(5·5·1)+20, conv 50×(5·5·20)+50, dense 800×500+500, dense 500×10+10 */
  g_assert_cmpuint (b->n_params, ==, 520 + 25050 + 400500 + 5010);

  /* the reverse pass's Hessian-vector product (without the gradient), in
   * products of each layer's forward size: the first layer 3 (forward,
   * R-forward, R{weight gradient}), the others 8 (forward, R-forward 2,
   * input gradient, R{weight gradient} 2, R{input gradient} 2); the
   * forward alone, 1 */
  g_assert_cmpfloat (dd_net_forward_flops (a, 20), ==, f);
  g_assert_cmpfloat (dd_net_hvp_flops (a, 20), ==, 2.0 * 20 * (3.0 * 784 * 500 + 8.0 * 500 * 10));
  /* LeNet per image: conv 24·24·20·(5·5·1), conv 8·8·50·(5·5·20), 800·500, 500·10 */
  const double first = 24 * 24 * 20 * 25, rest = 8 * 8 * 50 * 500 + 800 * 500 + 500 * 10;
  g_assert_cmpfloat (dd_net_forward_flops (b, 20), ==, 2.0 * 20 * (first + rest));
  g_assert_cmpfloat (dd_net_step_flops (b, 20), ==, 2.0 * 20 * (2 * first + 3 * rest));
  g_assert_cmpfloat (dd_net_hvp_flops (b, 20), ==, 2.0 * 20 * (3 * first + 8 * rest));
}

/* a shadow reads its net's parameters and computes on buffers of its own */
static void
test_shadow (void)
{
  DdNetSpec spec = { .kind = DD_STUDENT_MLP, .hidden = { 6 }, .n_hidden = 1 };
  Problem p;

  problem_init (&p, &spec, 4, 4, 3, 4, 15);
  DdNet *shadow = dd_net_shadow (p.net);
  g_assert_true (shadow->params == p.net->params);
  g_assert_true (shadow->grads != p.net->grads && shadow->acts != p.net->acts);
  dd_net_forward (p.net, p.x, p.B);
  g_autofree dd_real *logits = g_memdup2 (p.net->logits, sizeof (dd_real) * p.B * 3);
  /* the same parameters give the same logits in the shadow … */
  dd_net_forward (shadow, p.x, p.B);
  g_assert_cmpmem (shadow->logits, sizeof (dd_real) * p.B * 3, logits, sizeof (dd_real) * p.B * 3);
  /* … a change of them is seen by both, and the net's own activations stay */
  for (size_t i = 0; i < p.net->n_params; i++)
    p.net->params[i] = 0;
  dd_net_forward (shadow, p.x, p.B);
  for (int i = 0; i < p.B * 3; i++)
    g_assert_cmpfloat (shadow->logits[i], ==, 0.0);
  g_assert_cmpmem (p.net->logits, sizeof (dd_real) * p.B * 3, logits, sizeof (dd_real) * p.B * 3);
  dd_net_free (shadow);   /* frees its own buffers, not the parameters */
  g_assert_cmpfloat (p.net->params[0], ==, 0.0);
  problem_clear (&p);
}

static void
test_copy_is_deep (void)
{
  DdNetSpec spec = { .kind = DD_STUDENT_MLP, .hidden = { 6 }, .n_hidden = 1 };
  Problem p;

  problem_init (&p, &spec, 4, 4, 3, 4, 14);
  double before = problem_loss (&p);
  DdNet *copy = dd_net_copy (p.net);
  g_assert_cmpmem (copy->params, sizeof (dd_real) * copy->n_params,
                   p.net->params, sizeof (dd_real) * p.net->n_params);
  for (size_t i = 0; i < copy->n_params; i++)
    copy->params[i] = 0;
  g_assert_cmpfloat (problem_loss (&p), ==, before);
  /* the copy computes on its own buffers */
  dd_net_forward (copy, p.x, p.B);
  for (int i = 0; i < p.B * 3; i++)
    g_assert_cmpfloat (copy->logits[i], ==, 0.0);
  dd_net_free (copy);
  problem_clear (&p);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/net/mlp-tanh/gradient", test_mlp_tanh);
  g_test_add_func ("/net/mlp-relu/gradient", test_mlp_relu);
  g_test_add_func ("/net/mlp/unit-split", test_mlp_unit_split);
  g_test_add_func ("/net/lenet/gradient", test_lenet);
  g_test_add_func ("/net/lenet/shape-refused", test_lenet_shape_refused);
  g_test_add_func ("/net/default-shapes", test_default_shapes);
  g_test_add_func ("/net/copy-is-deep", test_copy_is_deep);
  g_test_add_func ("/net/shadow", test_shadow);
  return g_test_run ();
}
