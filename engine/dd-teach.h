/* dd-teach.h: L2T-DLF — a student taught by a teacher that learns from the
 * reverse pass through the student's training
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/method.md §4–§7. A DdTeach owns a student (MLP or LeNet, SGD with momentum
 * ρ and learning rate η), a teacher μ_θ with its own optimiser, the data
 * order, and the records of the current window of T steps: each step's
 * minibatch, state s_t and coefficients Φ_t = μ_θ(s_t), and checkpoints of
 * (ω, v) every k steps. It advances one student step at a time
 * (dd_teach_step), so a caller can pause between any two steps.
 *
 * Phases: first `pretrain_steps` steps of cross-entropy (the warm-up that
 * gives ω₀), then windows of T taught steps.
 *
 * Episodes as the paper runs them (episodic with episode_steps = E > T):
 * each episode is a whole training run of E taught steps from ω₀ (v = 0),
 * on the same minibatch sequence every episode, with θ fixed within it. Every
 * window of the run contributes its hypergradient (its reverse pass carries
 * the dev objective at the window's end back through that window: truncated,
 * so memory stays that of one window); the teacher moves once per episode.
 * With the trust step the episodes themselves are the test: the held-out
 * objective at an episode's end is compared, paired by block, with the best
 * episode's; a better episode makes its θ the best (and the radius grows),
 * a worse one is discarded (and the radius halves); the next θ is a step
 * from the best θ along its episode's hypergradient. The best teacher is then
 * what dd_teach_get_best_teacher returns, for transfer to a fresh student. At the end of every window the
 * dev objective M(ω_T) and its gradient are computed, the reverse pass runs
 * from the checkpoints back to the window's start, and the teacher takes one
 * optimiser step on dθ. Episodic: the student then returns to ω₀ (v = 0) for
 * the next meta-iteration, and the best teacher by dev error is kept.
 * Continual: the student goes on from ω_T.
 *
 * Teacher states are constants of the differentiation (docs/method.md §3). So that the
 * unrolled training is a function of θ that finite differences can check,
 * every continuous state feature (training loss and error, dev error, per
 * class accuracy and margin) is a snapshot taken at the window's start; only
 * the minibatch error (a count) and the progress change within a window.
 *
 * Progress: episodic, t/T within the window; continual, steps taught so far
 * over `horizon` (default: the run's total taught steps), capped at 1.
 */
#pragma once

#include "dd-types.h"
#include "dd-run.h"
#include "dd-teacher.h"
#include "dd-student.h"

G_BEGIN_DECLS

typedef enum {
  DD_OBJECTIVE_SMOOTH_ERROR,  /* mean 2σ(50·(max_j p_j − p_y)) − 1 (the demo's) */
  DD_OBJECTIVE_DEV_CE,        /* mean dev cross-entropy */
} DdObjective;

typedef enum {
  DD_PROTOCOL_EPISODIC,
  DD_PROTOCOL_CONTINUAL,
} DdProtocol;

/* How the teacher moves θ at a window's end.
 *   trust (default): a normalised step of length r — dθ normalised in each part of Φ
 *     (W, the log-ε scale row, b, the teacher's own hidden parameters;
 *     dd_teacher_param_group) with the parts weighed equally — tried
 *     before it is taken: the window is replayed from its start with θ + Δθ
 *     (same minibatches, same learning rates) and the objective compared on
 *     held-out dev examples that the hypergradient did not see, in blocks,
 *     paired. The step is accepted when the held-out objective changes by no
 *     more than accept_tolerance paired standard errors — by default it must
 *     fall by more than one (r grows by half),
 *     else rejected (θ stays, r halves). Continual arms also compare their
 *     teacher with the initial one every anchor_every windows and fall back
 *     to the initial teacher when it is better on held-out dev by more than
 *     two standard errors; with `shadow` they also carry the initial
 *     teacher's own student beside the live one and take it over when it is
 *     ahead by more than two standard errors (at the last window: ahead).
 *   plain: the teacher's optimiser (SGD, momentum or Adam at teacher_lr) takes
 *     every step, untested (the demo's rule). */
typedef enum {
  DD_TEACHER_STEP_TRUST,
  DD_TEACHER_STEP_PLAIN,
} DdTeacherStep;

/* what happened to the teacher at a window's end */
typedef enum {
  DD_UPDATE_NONE,       /* no update (baseline or frozen arm, or a zero hypergradient) */
  DD_UPDATE_TAKEN,      /* plain step, taken untested */
  DD_UPDATE_ACCEPTED,   /* trust step, accepted on held-out dev */
  DD_UPDATE_REJECTED,   /* trust step, rejected: θ unchanged, radius halved */
  DD_UPDATE_FALLBACK,   /* the initial teacher was better: θ reset to it */
} DdUpdateVerdict;

const char *dd_update_verdict_name (DdUpdateVerdict verdict); /* "none", "taken", "accepted", … */

typedef struct _DdTeach DdTeach;

/* What an arm does with its teacher. Arms built from the same configuration
 * and seed start from the same student and see the same minibatches, so a
 * baseline arm beside a taught one differs only by its loss. */
typedef enum {
  DD_ARM_TAUGHT,          /* Φ from the teacher, which learns at every window's end */
  DD_ARM_FROZEN_TEACHER,  /* Φ from the teacher, which never changes (transfer) */
  DD_ARM_BASELINE_CE,     /* a fixed loss, cfg.baseline_loss (cross-entropy unless set); no teacher */
} DdArmKind;

typedef struct {
  DdTrainConfig student;          /* net, batch, lr η, momentum ρ, seed, threads,
                                   * cosine (η·½(1 + cos(π·τ/horizon)) over the taught
                                   * steps τ, constant in the warm-up); optimizer must be
                                   * SGD; loss is ignored */
  DdTeacherKind teacher;
  int           teacher_hidden;   /* neural teacher (0: default) */
  DdOptimKind   teacher_optimizer;/* SGD (with teacher_momentum) or Adam */
  double        teacher_lr;
  double        teacher_momentum;
  DdProtocol    protocol;
  int           window;           /* T */
  int           meta_iterations;  /* teacher updates; 0: unbounded (continual) */
  gint64        pretrain_steps;   /* P, cross-entropy warm-up */
  DdObjective   objective;
  int           dev_subsample;    /* dev examples in M (0: all) */
  int           checkpoint_every; /* k (0: ⌈√T⌉) */
  DdArmKind     arm;
  gint64        horizon;          /* continual progress scale
                                   * (0: window × meta_iterations, or × 100 if unbounded) */
  DdLossKind    baseline_loss;    /* the baseline arm's fixed loss: CE (default), SMOOTH, MARGIN */
  DdPhiStart    start;            /* the loss's initial point and form (dd-phi.h) */
  DdTeacherStep teacher_step;     /* trust (default) or plain */
  double        trust_radius;     /* trust: the first step length r₀ (‖Δθ‖) */
  int           holdout;          /* trust: dev examples for the acceptance test, taken
                                   * after the first dev_subsample (0: as many as M uses,
                                   * or the rest; half the rest with a shadow, whose
                                   * comparison takes the other half). When M's examples
                                   * leave none, the dev sample is split in halves. */
  double        accept_tolerance; /* trust: accept when the held-out objective changes by
                                   * at most this many paired standard errors (default −1:
                                   * it must fall by more than one) */
  int           anchor_every;     /* trust, continual: compare with the initial teacher
                                   * every N windows (0: never; default 1) */
  gint64        episode_steps;    /* episodic: taught steps of one episode, a whole training
                                   * run with θ fixed (0: one window, the demo's episodes) */
  gboolean      shadow;           /* trust, continual, taught: carry the shadow, the student
                                   * of the initial teacher on the same minibatches, and
                                   * take it when it is better on dev examples of its own,
                                   * after the held-out ones (default TRUE) */
  int           shadow_patience;  /* shadow: take it mid-run once it has led by more than two
                                   * standard errors at this many windows in a row (default
                                   * 3; 0: only at the last window of a bounded run) */
} DdTeachConfig;

/* The defaults: MLP student, gated teacher, episodic, T = 200, batch 20,
 * η = 0.01, ρ = 0, P = 1000, 100 meta-iterations, k = ⌈√T⌉ (the demo's);
 * the normalised loss at ε₀ = 0.1; the trust step with r₀ = 0.3 (teacher_lr
 * 0.01 for the plain step); smoothed dev error on 5,000 dev images with the
 * next 5,000 held out for acceptance. */
void        dd_teach_config_init      (DdTeachConfig *cfg);
gboolean    dd_teach_config_validate  (const DdTeachConfig *cfg, GError **error);
gboolean    dd_objective_parse        (const char *name, DdObjective *out);
const char *dd_objective_name         (DdObjective objective);  /* "smooth-error", "dev-ce" */
gboolean    dd_protocol_parse         (const char *name, DdProtocol *out);
const char *dd_protocol_name          (DdProtocol protocol);
gboolean    dd_teacher_step_parse     (const char *name, DdTeacherStep *out);
const char *dd_teacher_step_name      (DdTeacherStep step);     /* "trust", "plain" */

typedef enum {
  DD_STEP_PRETRAIN,   /* a cross-entropy warm-up step */
  DD_STEP_TAUGHT,     /* a step on the teacher's loss */
  DD_STEP_WINDOW,     /* a taught step that closed a window: the teacher was updated */
} DdStepKind;

/* What one step did. phi points into the DdTeach and stays valid until the
 * next step. */
typedef struct {
  DdStepKind     kind;
  gint64         step;          /* student steps taken so far, this one included */
  double         train_loss;    /* this step's loss (CE in warm-up, L_Φ when taught) */
  double         train_ce;      /* the minibatch's cross-entropy at ω_t (every arm) */
  double         batch_error;
  const DdPhi   *phi;           /* Φ used by this step (NULL in warm-up and for the baseline) */
  /* DD_STEP_WINDOW only: */
  gint64         meta_iteration;    /* teacher updates so far */
  double         window_loss;       /* mean L_Φ over the window */
  double         dev_error;         /* dev error at ω_T on the dev subsample */
  double         dev_measure;       /* M(ω_T) */
  double         teacher_grad_norm; /* ‖dθ‖ */
  double         forward_seconds;   /* the window's steps and M */
  double         reverse_seconds;   /* the reverse pass (and the trial of the step) */
  /* the same time in four parts: forward = steps + dev, reverse = reverse pass + update */
  double         steps_seconds;     /* the window's T student steps */
  double         dev_seconds;       /* M on the dev subsample (with ∇M for the taught arm) */
  double         reverse_pass_seconds; /* the replays and Hessian-vector products to dθ */
  double         update_seconds;    /* the teacher's step: trust trials and held-out measures, shadow */
  DdUpdateVerdict verdict;          /* what the teacher did */
  double         step_length;       /* ‖Δθ‖ tried (trust) or taken (plain) */
  double         predicted_change;  /* trust: dθ·Δθ, M's first-order change along the step */
  double         holdout_before;    /* trust: held-out objective at ω_T with θ */
  double         holdout_after;     /* trust: … with the tried θ + Δθ (NaN if not tried) */
  double         holdout_se;        /* trust: paired standard error of the difference */
  double         shadow_gap;        /* shadow: held-out objective of the live student minus
                                     * the shadow's at the window's end (NaN: not compared) */
  double         shadow_se;         /* shadow: its paired standard error */
  gboolean       took_shadow;       /* shadow: the arm took the shadow's student (verdict
                                     * fallback) */
} DdStepReport;

DdTeach    *dd_teach_new           (const DdTeachConfig *cfg, const DdData *data, GError **error);
void        dd_teach_free          (DdTeach *teach);
/* One student step (and, at a window's end, the teacher's update). FALSE
 * and DD_ERROR_DIVERGED naming the step and quantity on a NaN or Inf in Φ,
 * the loss, a gradient or the weights; the state before the step is kept. */
gboolean    dd_teach_step          (DdTeach *teach, DdStepReport *report, GError **error);
gint64      dd_teach_get_step      (const DdTeach *teach);
gint64      dd_teach_get_meta_iteration (const DdTeach *teach);
gboolean    dd_teach_is_done       (const DdTeach *teach);  /* meta_iterations reached */
DdStudent  *dd_teach_get_student   (DdTeach *teach);
DdTeacher  *dd_teach_get_teacher   (DdTeach *teach);
/* trust steps: how many were accepted and rejected so far, and the
 * current radius */
void        dd_teach_get_update_counts (const DdTeach *teach, gint64 *accepted, gint64 *rejected,
                                        double *radius);
/* the shadow's student weights (P values; NULL before its first window or
 * when the arm carries none): the initial teacher's student on this arm's
 * minibatches, as far as the last closed window */
const dd_real *dd_teach_get_shadow (const DdTeach *teach);
/* the teacher's initial point Φ₀, new */
DdPhi      *dd_teach_initial_phi   (const DdTeach *teach);
/* best teacher by dev error (episodic), else the current one */
DdTeacher  *dd_teach_get_best_teacher (DdTeach *teach);
/* the student of the best window by dev error (episodic), else the current one;
 * the returned network is owned by the DdTeach */
DdStudent  *dd_teach_get_best_student (DdTeach *teach);
/* replace the teacher's parameters (same kind and classes) */
gboolean    dd_teach_set_teacher   (DdTeach *teach, const DdTeacher *teacher, GError **error);
const DdTeachConfig *dd_teach_get_config (const DdTeach *teach);

/* Edits, applied between steps (the caller serialises them with stepping).
 * Override: use phi as Φ for the next n_steps taught steps instead of the
 * teacher's output (n_steps ≤ 0 or NULL clears); no gradient flows to θ from
 * those steps. Shift: add delta (ΔW, Δb) to the teacher's parameters that add straight to
 * its output (W and b of fixed and gated teachers, u₀ and v₀ of the neural
 * one), so the teacher goes on from the shifted point. The window length
 * and teacher kind take effect when the next window begins (a new kind starts
 * at its initial point Φ₀); learning rates and the objective at once. */
void        dd_teach_override_phi     (DdTeach *teach, const DdPhi *phi, int n_steps);
int         dd_teach_get_override_left (const DdTeach *teach);
void        dd_teach_shift_teacher    (DdTeach *teach, const DdPhi *delta);
gboolean    dd_teach_set_student_lr   (DdTeach *teach, double lr, GError **error);
gboolean    dd_teach_set_teacher_lr   (DdTeach *teach, double lr, GError **error);
gboolean    dd_teach_set_window       (DdTeach *teach, int T, GError **error);
int         dd_teach_get_window       (const DdTeach *teach);
gboolean    dd_teach_set_teacher_kind (DdTeach *teach, DdTeacherKind kind, GError **error);
gboolean    dd_teach_set_objective    (DdTeach *teach, DdObjective objective, GError **error);
/* A flag another thread sets (g_atomic_int_set to 1) to abandon a reverse
 * pass under way: dd_teach_step then fails with DD_ERROR_CANCELLED and the
 * state is as before that step's window close, which the next step retries. */
void        dd_teach_set_cancel_flag  (DdTeach *teach, const gint *flag);
/* the latest dev evaluation of the student (per-class margins, accuracy) */
const DdEval *dd_teach_get_last_eval  (DdTeach *teach);
/* A deep copy that continues independently and identically: student,
 * teacher, both optimisers' states, random state, data order, the window's
 * records and checkpoints (a fork). The dataset stays shared (read-only). */
DdTeach    *dd_teach_copy             (const DdTeach *teach);

/* For checks and benchmarks, at the start of a window (after the warm-up and
 * between windows), without changing the DdTeach's course:
 * the objective M(ω_T(θ)) of unrolling the coming window with the current θ, */
gboolean    dd_teach_window_objective    (DdTeach *teach, double *M, GError **error);
/* and the same with dθ (written into the teacher's grads) by the reverse
 * pass. checkpoint_every overrides k (0: the configured k; 1: every step's
 * ω stored, nothing recomputed). */
gboolean    dd_teach_window_hypergradient (DdTeach *teach, int checkpoint_every,
                                           double *M, GError **error);
/* k, the steps between the trajectory's checkpoints that the reverse pass
 * uses: the config's checkpoint_every, or ⌈√T⌉ when that is 0 */
int         dd_teach_get_checkpoint_every (const DdTeach *teach);
/* bytes held for the trajectory (checkpoints and a recomputed segment) */
size_t      dd_teach_trajectory_bytes (const DdTeach *teach, int checkpoint_every);
/* bytes a copy of this teach (a fork) holds once it has closed a window:
 * its student, the student's optimiser state, the vectors of its size the
 * teaching keeps (shadow, best, episode start), the trajectory and the
 * reverse pass's vectors */
size_t      dd_teach_footprint (const DdTeach *teach);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdTeach, dd_teach_free)

G_END_DECLS
