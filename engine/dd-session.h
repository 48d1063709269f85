/* dd-session.h: a live L2T-DLF session — branches stepped by one background
 * thread, controlled and read from others
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A session holds branches, each a DdTeach. Branch 0 is the taught student,
 * branch 1 a cross-entropy baseline arm of the same seed (same initial
 * weights, same minibatches); forks add more. One worker thread steps every
 * running branch in turn, one student step each.
 *
 * Control (any thread): play; pause, which takes effect before the next
 * student step; step, one step of every branch while paused; stop, which ends
 * the worker and cancels a reverse pass under way. Edits and forks are queued,
 * applied by the worker between steps in the order given, and written to the
 * journal with the step of the branch at which they took effect; the calls
 * return once that has happened. Replaying the configuration and the journal
 * (dd_session_replay) gives bit-identical branches.
 *
 * Reading (any thread, lock-free): every branch's history is append-only —
 * a record per step, a sample of Φ every few steps, a record per window —
 * and bounded on long runs by thinning: past 65,536 step records (4,096 Φ
 * samples) new records come at twice the stride (a step record then holds
 * its block's mean), and so on, so n steps keep O(log n) times that many —
 * in chunks that never move. dd_session_snapshot captures how many records
 * of each kind exist (the only lock it takes is held by the worker for a few
 * stores per step); records below those counts are immutable and stay valid
 * until the session is freed, so a reader copies or draws from them without
 * stalling training.
 *
 * A NaN or Inf stops the branch at the failing step (its last good state
 * kept), pauses the session and records the error; playing again retries the
 * branch, so the user can first edit (e.g. lower a learning rate) or fork.
 *
 * Φ is the engine's (dd-phi.h): a W block of dd_session_phi_rows rows by
 * C columns — the C×C matrix W, for buckets the row a, then the per-class
 * log saturation scale s = log ε (row dd_session_scale_row) — and b (C).
 * Every record, edit and journal entry holds the whole block.
 *
 * A scenario (dd-scenario.h) in the configuration changes the training split
 * of the data the session is given, drawn with the student's seed; dev and
 * test stay clean. The branches train on that derived copy, which the
 * session owns (dd_session_get_run_data).
 */
#pragma once

#include "dd-types.h"
#include "dd-scenario.h"
#include "dd-teach.h"

G_BEGIN_DECLS

typedef struct _DdSession DdSession;

typedef enum {
  DD_SESSION_PAUSED,
  DD_SESSION_RUNNING,
  DD_SESSION_STOPPED,
} DdSessionState;

typedef enum {
  DD_EDIT_OVERRIDE_PHI,   /* n_steps, phi */
  DD_EDIT_SHIFT_TEACHER,  /* phi: ΔΦ, added to the teacher's output offset */
  DD_EDIT_STUDENT_LR,     /* value */
  DD_EDIT_TEACHER_LR,     /* value */
  DD_EDIT_WINDOW,         /* value: T */
  DD_EDIT_TEACHER_KIND,   /* value: DdTeacherKind */
  DD_EDIT_OBJECTIVE,      /* value: DdObjective */
  DD_EDIT_FORK,           /* journal only: branch forked into new_branch */
  DD_EDIT_FAILURE,        /* journal only: the branch diverged at step (message) */
} DdEditKind;

typedef struct {
  DdEditKind     kind;
  int            branch;      /* the branch edited (fork: the parent) */
  gint64         step;        /* set by the session: the branch's steps when applied */
  int            n_steps;     /* OVERRIDE_PHI */
  double         value;
  double         previous;    /* set by the session: the value it replaced (undo) */
  const DdPhi   *phi;         /* OVERRIDE_PHI, SHIFT_TEACHER: of the session's shape, copied */
  int            new_branch;  /* FORK */
  const char    *message;     /* FAILURE */
} DdEdit;

typedef struct {
  gint64 step;
  float  loss;          /* the step's training loss (L_Φ, or CE in warm-up and baseline) */
  float  ce;            /* the minibatch's cross-entropy (comparable across arms) */
  float  batch_error;
} DdStepRecord;

typedef struct {
  gint64       step;
  const float *W;       /* Φ used at that step in the flat layout of dd-phi.h
                         * (dd_phi_unpack reads it): W (R, C), then b */
  const float *b;       /* (C), = W + R·C */
} DdPhiRecord;

typedef struct {
  gint64       step;
  gint64       meta_iteration;
  double       window_loss;
  double       dev_error;
  double       dev_measure;
  double       test_error;        /* on the test subsample; NaN when off */
  double       teacher_grad_norm; /* 0 for a baseline */
  /* what the teacher did at this window's end (dd-teach.h): a trust step
   * accepted or rejected on held-out dev, a fallback to the initial
   * teacher, a plain step taken, or none (baseline, warm-up) */
  DdUpdateVerdict verdict;
  double       step_length;       /* ‖Δθ‖ tried (trust) or taken (plain); 0 for none */
  double       holdout_before;    /* trust: held-out objective with θ (NaN otherwise) */
  double       holdout_after;     /* trust: … with the tried θ + Δθ */
  double       holdout_se;        /* trust: paired standard error of after − before */
  gboolean     took_shadow;       /* fallback: the branch took the shadow's student, the
                                   * initial teacher's, ahead by shadow_gap ± shadow_se */
  double       shadow_gap;        /* live − shadow on the guard examples (NaN: no shadow) */
  double       shadow_se;
  const float *class_margin;      /* (C) dev margins at the window's end */
  const float *class_accuracy;    /* (C) */
  /* translation (NaN and NULL otherwise): greedy decodes at the window's end */
  double       bleu;              /* corpus BLEU of the first bleu_subsample dev sentences */
  char       **hypotheses;        /* the first n_samples of them, tokenized */
} DdWindowRecord;

#define DD_SESSION_MAX_BRANCHES 16

typedef struct {
  DdSessionState state;
  int            n_branches;
  gint64         n_steps[DD_SESSION_MAX_BRANCHES];   /* step records (fewer than steps once thinned) */
  gint64         step[DD_SESSION_MAX_BRANCHES];      /* student steps the branch has taken */
  gint64         n_phi[DD_SESSION_MAX_BRANCHES];
  gint64         n_windows[DD_SESSION_MAX_BRANCHES];
  gint64         n_journal;
  gint64         failures;       /* divergence events so far */
} DdSessionSnapshot;

typedef struct {
  DdTeachConfig teach;           /* protocol continual is the live default */
  DdScenario    scenario;        /* training-split scenario (zero: none), seeded with
                                  * teach.student.seed */
  gboolean      baseline;        /* add the cross-entropy arm (branch 1) */
  int           test_subsample;  /* test images evaluated per window (0: none) */
  int           phi_every;       /* Φ sampled every n steps (0: ⌈T/20⌉) */
  int           bleu_subsample;  /* translation: dev sentences decoded per window */
  int           n_samples;       /* translation: of those, the ones kept as samples */
} DdSessionConfig;

void        dd_session_config_init (DdSessionConfig *cfg);

/* A paused session with its worker running. data is borrowed and must
 * outlive the session; with a scenario the session derives its own copy. */
DdSession  *dd_session_new      (const DdSessionConfig *cfg, const DdData *data, GError **error);
/* Stops the worker (cancelling a reverse pass) and frees everything. */
void        dd_session_free     (DdSession *session);

void        dd_session_play     (DdSession *session);
void        dd_session_pause    (DdSession *session);
/* One step of every branch (when paused); returns at once. */
void        dd_session_step     (DdSession *session);
/* Blocks until the worker is idle (paused, nothing queued) or stopped. */
void        dd_session_wait_idle (DdSession *session);
void        dd_session_stop     (DdSession *session);

/* Validates, queues, waits until applied; FALSE with the reason otherwise. */
gboolean    dd_session_edit     (DdSession *session, const DdEdit *edit, GError **error);
/* Forks branch into a new one (from its current state); returns its index or -1. */
int         dd_session_fork     (DdSession *session, int branch, GError **error);
/* where a branch came from: parent −1 for the first arms */
void        dd_session_branch_origin (DdSession *session, int branch, int *parent, gint64 *fork_step);
/* A branch stops stepping (it stays readable) or steps again. */
void        dd_session_set_branch_running (DdSession *session, int branch, gboolean running);

void        dd_session_snapshot (DdSession *session, DdSessionSnapshot *out);
/* Record i < the snapshot's count of that branch; valid until session_free. */
const DdStepRecord   *dd_session_step_record   (DdSession *session, int branch, gint64 i);
const DdPhiRecord    *dd_session_phi_record    (DdSession *session, int branch, gint64 i);
const DdWindowRecord *dd_session_window_record (DdSession *session, int branch, gint64 i);
const DdEdit         *dd_session_journal_entry (DdSession *session, gint64 i);
int         dd_session_n_classes  (DdSession *session);
/* class c's name, or for translation (buckets) the frequency ranks its
 * words span ("1–25"); owned by the data */
const char *dd_session_class_name (DdSession *session, int c);
DdPhiShape  dd_session_phi_shape  (DdSession *session);
/* rows of Φ's W block: n_classes + 1 (W, log ε), or K + 2 for buckets (W, a, log ε) */
int         dd_session_phi_rows   (DdSession *session);
/* the row of the W block that holds log ε */
int         dd_session_scale_row  (DdSession *session);
/* the teachers' initial point Φ₀ (the configuration's start), new */
DdPhi      *dd_session_initial_phi (DdSession *session);
/* translation: the sample sentences the window records' hypotheses decode */
int         dd_session_n_samples  (DdSession *session);
void        dd_session_sample     (DdSession *session, int i, const char **source,
                                   const char **reference);
/* the data the session was made with (what dd_session_replay takes) */
const DdData *dd_session_get_data (DdSession *session);
/* the data the branches train on: the same, or with a scenario the derived
 * copy whose training split the scenario changed */
const DdData *dd_session_get_run_data (DdSession *session);
/* what the scenario did ("40 % pair-flip label noise on the training split:
 * 20,012 of 50,000 labels changed"), or NULL without one; caller frees */
char       *dd_session_describe_scenario (DdSession *session);
const DdSessionConfig *dd_session_get_config (DdSession *session);
/* the last divergence message, or NULL (caller frees) */
char       *dd_session_dup_error  (DdSession *session);

/* Runs the configuration (with its scenario, applied to data as the session
 * does) and journal entries [0, n) in the caller's thread with no worker,
 * stepping branch b until it has steps[b] steps, and returns the branches'
 * students' parameters (one array per branch, caller frees with
 * g_ptr_array_unref). For checking that a live session is reproducible. */
GPtrArray  *dd_session_replay (const DdSessionConfig *cfg, const DdData *data,
                               const DdEdit *journal, gint64 n, const gint64 *steps,
                               int n_branches, GError **error);
/* the same for a live session's current branches (call when idle) */
GPtrArray  *dd_session_dup_student_params (DdSession *session);
/* the length of each of those arrays (every branch's student has the same) */
size_t      dd_session_n_student_params (DdSession *session);

/* --- session files (dd-session-file.c; the format: docs/session-file.md) ---
 *
 * A file holds the configuration, the journal with every fork, every
 * branch's history (so every plot shows as it was) and every branch's whole
 * state: opened, a session continues bit for bit as the saved one would have.
 * Files are checked on opening: signature, version, length and a SHA-256 of
 * the contents, then every field; the data must be the same set (compared by
 * its fingerprint). */
#define DD_SESSION_FILE_VERSION   4
#define DD_SESSION_FILE_SUFFIX    ".didact"

typedef struct {
  int     version;
  char   *dataset;       /* registry name of the data the session ran on */
  char   *tag;           /* the saving program's label (the workbench: a preset id), or NULL */
  char   *engine;        /* the version of Didact that wrote it */
  gint64  saved;         /* Unix time */
  int     n_branches;
  gint64  steps;         /* branch 0's student steps */
} DdSessionFileInfo;

void        dd_session_file_info_clear (DdSessionFileInfo *info);

/* The session as a file's bytes. The worker takes the state between two
 * steps (the session keeps running; the call waits for it, so not from the
 * main loop of a GUI); fails once the session has stopped. */
GBytes     *dd_session_serialize  (DdSession *session, const char *tag, GError **error);
/* Writes bytes to path atomically (a new file, synced, then renamed over
 * the old one: a crash leaves the old file or the new one, never half). */
gboolean    dd_session_write_file (GBytes *bytes, const char *path, GError **error);
/* serialize, then write */
gboolean    dd_session_save       (DdSession *session, const char *path, const char *tag,
                                   GError **error);
/* Checks a file (signature, version, length, checksum) and reads its
 * header; DD_ERROR_DATA_CORRUPT or DD_ERROR_NEWER_FORMAT with a message
 * saying what is wrong. */
gboolean    dd_session_file_peek  (const char *path, DdSessionFileInfo *info, GError **error);
gboolean    dd_session_bytes_peek (GBytes *bytes, DdSessionFileInfo *info, GError **error);
/* A paused session restored from a file, its worker running. data (borrowed,
 * must outlive the session) must be the set the file names; it is loaded by
 * the caller (dd_data_load of info.dataset). */
DdSession  *dd_session_open       (const char *path, const DdData *data, GError **error);
DdSession  *dd_session_open_bytes (GBytes *bytes, const DdData *data, GError **error);

G_END_DECLS
