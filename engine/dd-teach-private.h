/* dd-teach-private.h: what the parts of the teaching loop share
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The loop is in three files: dd-teach.c (configuration, construction, the
 * public stepping and edits), dd-teach-window.c (student steps, the window's
 * records, the checkpointed trajectory and the reverse pass) and
 * dd-teach-update.c (what the teacher does at a window's end: trust steps,
 * the shadow, whole-run episodes, plain steps); dd-teach-state.c writes and
 * reads the whole state for session files. Nothing here is public.
 */
#pragma once

#include "dd-private.h"
#include "dd-teach.h"
#include "dd-dataset.h"
#include "dd-eval.h"
#include "dd-bench.h"
#include "dd-kernels.h"
#include "dd-net.h"
#include "dd-optim.h"
#include "dd-rng.h"
#include "dd-student.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#ifdef DD_DOUBLE
# define dot  cblas_ddot
# define axpy cblas_daxpy
#else
# define dot  cblas_sdot
# define axpy cblas_saxpy
#endif


#define HOLDOUT_BLOCKS 50

/* fails the calling function (its GError **error) with DD_ERROR_DIVERGED */
#define DIVERGED(...) \
  G_STMT_START { \
    g_set_error (error, DD_ERROR, DD_ERROR_DIVERGED, __VA_ARGS__); \
    return FALSE; \
  } G_STMT_END

/* the trust radius grows by half on acceptance up to this multiple of r₀:
 * a window's replay judges a step from that window's start, and a large
 * step that helped there can throw the student into a region where the
 * next windows go badly (seen with 40 % pair-flip noise at r ≈ 1) */
#define MAX_RADIUS_GROWTH 5.0

struct _DdTeach {
  DdTeachConfig cfg;
  const DdData *data;
  int           C, R, B, T, k;  /* Φ: W (R, C), b (C) */
  size_t        P;              /* student parameters */

  DdStudent    *st;
  DdOptim      *sopt;           /* student SGD; its m is the velocity v */
  DdTeacher    *teacher;
  DdOptim      *topt;
  DdTeacher    *init_teacher;   /* the teacher at its initial point, for the anchor test */
  double        radius;         /* trust: the current step length r */
  gint64        n_accepted, n_rejected;
  int           windows_since_anchor;
  int           n_hold;         /* held-out dev examples, after the first n_dev */
  int           n_blocks, block;
  double       *hold_before, *hold_after, *hold_anchor; /* (n_blocks) block means */
  /* the shadow (continual trust steps): the student the initial teacher
   * would have trained on the same minibatches, one window behind */
  gboolean      shadow_started;
  dd_real      *shadow_w, *shadow_v;  /* its ω and v (P each; v when ρ > 0) */
  int           n_guard;        /* dev examples for the comparison, after the held-out ones */
  int           shadow_ahead;   /* consecutive windows the shadow led by more than 2 SE */
  int           n_gblocks, gblock;
  double       *hold_shadow, *hold_live;  /* (n_gblocks) block means */
  dd_real      *trial_W, *trial_b;  /* Φ of a trial step */
  dd_real      *theta_saved;    /* θ before a tried step */
  /* whole-run episodes */
  dd_real      *ep_grad;        /* dθ summed over the episode's windows */
  dd_real      *ep_best_theta, *ep_best_grad;
  double       *ep_best_hold;   /* (n_blocks) held-out objective at the best episode's end */
  gboolean      ep_have_best;
  int           ep_windows;     /* windows of the current episode done */
  DdRng         ep_rng;         /* data order at ω₀, restored every episode */
  int          *ep_order;
  int           ep_pos;
  DdTeacher    *best_teacher;
  dd_real      *best_params;    /* the student at the best window's end */
  DdStudent    *best_student;   /* built from best_params on request */
  double        best_dev_error;
  DdRng         rng;
  int          *order;
  int           n_train;
  int           pos;
  int           n_dev;          /* M is measured on the first n_dev dev examples */
  DdEval       *eval;

  gint64        step;           /* student steps so far */
  gint64        meta_iter;      /* teacher updates so far */
  gint64        taught_at_window_start;
  int           t;              /* position in the window */
  gboolean      window_begun;
  double        window_started_at;  /* monotonic seconds, for the report */

  /* state snapshot at the window's start */
  gboolean      have_snapshot;
  double        snap_train_loss, snap_train_error, snap_dev_error;
  double       *snap_class_acc, *snap_class_margin;
  /* running sums for the next snapshot and the report */
  double        run_ce, run_err, run_loss;
  int           run_n;

  /* the window's records */
  int          *batch_idx;      /* (T, B) */
  double       *batch_err;      /* (T) */
  double       *eta;            /* (T) the learning rate each step used */
  gboolean     *overridden;     /* (T) Φ_t came from an edit, not the teacher */
  dd_real      *phi_W;          /* (T, R, C) */
  DdPhi         step_phi;       /* the last step's Φ: a view into phi_W, phi_b */
  dd_real      *phi_b;          /* (T, C) */
  /* trajectory */
  int           n_ckpt;
  dd_real      *ckpt;           /* (n_ckpt, P) ω, then (n_ckpt, P) v when ρ > 0 */
  dd_real      *seg;            /* (k, P) */
  dd_real      *end_w, *end_v;  /* ω_T, v_T kept across the reverse pass */
  dd_real      *w0;             /* episodic start */

  /* edits */
  DdPhi        *override;                /* Φ to use instead of the teacher's */
  int           override_left;           /* steps it still applies to */
  int           pending_window;          /* takes effect when the next window begins */
  DdTeacherKind pending_kind;
  gboolean      kind_pending;
  const gint   *cancel;                  /* set by another thread to abandon a reverse pass */

  /* reverse-pass vectors */
  dd_real      *dw, *dv, *vt, *hv, *dW, *db;
  double        last_ce;        /* the cross-entropy of the last step's batch */
};


gboolean teach_shadowed (const DdTeach *tc);
gboolean teach_whole_episodes (const DdTeach *tc);
int teach_auto_checkpoint_every (int T);
int teach_n_checkpoints (int T, int k);
void teach_free_trajectory (DdTeach *tc);
gboolean teach_keeps_velocity (const DdTeach *tc);
void teach_ensure_trajectory (DdTeach *tc, int k);
void teach_save_checkpoint (DdTeach *tc, int c);
void teach_load_checkpoint (DdTeach *tc, int c);
gboolean teach_window_step_with (DdTeach *tc, int t, gboolean replay, const DdTeacher *trial, double *loss_out, GError **error);
gboolean teach_window_step (DdTeach *tc, int t, gboolean replay, double *loss_out, GError **error);
gboolean teach_pretrain_step (DdTeach *tc, double *loss_out, double *err_out, GError **error);
void teach_take_snapshot (DdTeach *tc);
void teach_resize_window (DdTeach *tc, int T);
void teach_begin_window (DdTeach *tc);
double teach_objective (DdTeach *tc, gboolean with_grad, double *dev_error);
gboolean teach_reverse_pass (DdTeach *tc, int k, GError **error);
double teach_teacher_grad_norm (const DdTeacher *teacher);
gboolean teach_end_window (DdTeach *tc, DdStepReport *r, double forward_started, GError **error);
