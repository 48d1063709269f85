/* dd-session-private.h: what the session's files share — its structures,
 * the record streams and the branches
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * dd-session.c runs a session; dd-session-file.c saves and restores one.
 * Nothing here is public.
 */
#pragma once

#include "dd-session.h"
#include "dd-eval.h"

#include <pthread.h>

G_BEGIN_DECLS

#define CHUNK_BITS 10
#define CHUNK      (1 << CHUNK_BITS)
#define MAX_CHUNKS 16384           /* 16 M records per stream */

/* An append-only stream of fixed-size records, each with an optional array
 * of floats, stored in chunks that never move. */
typedef struct {
  gsize     rec_size;
  gsize     n_floats;
  gint64    count;                 /* written so far (worker's view) */
  guint8  **chunks;
  float   **float_chunks;
} Stream;

/* Long runs keep their history bounded by thinning it, never by dropping the
 * past: once a stream holds its budget of records, the stride between new
 * records doubles and the budget grows by half the initial one, so a run of
 * n steps keeps O(budget · log n) records. Step records then hold the mean
 * of their block of steps. */
#define STEP_BUDGET 65536
#define PHI_BUDGET  4096

typedef struct {
  DdTeach  *teach;
  gboolean  running;
  gint64    step_every, step_budget;   /* step records: block length, next doubling */
  gint64    phi_every, phi_budget;     /* Φ samples */
  double    acc_loss, acc_ce, acc_err; /* the current block's sums */
  gint64    acc_n;
  int       parent;            /* −1 for the first arms */
  gint64    fork_step;
  Stream    steps, phi, windows;
  gint64    pub_steps, pub_phi, pub_windows; /* under publish_lock */
  gint64    pub_step;                  /* student steps taken (under publish_lock) */
} Branch;

typedef enum {
  CMD_EDIT,
  CMD_FORK,
  CMD_SET_RUNNING,
  CMD_DUP_PARAMS,
  CMD_SERIALIZE,
} CommandKind;

typedef struct {
  CommandKind kind;
  DdEdit      edit;
  int         branch;
  gboolean    running;
  /* results */
  gboolean    done;
  GError     *error;
  int         new_branch;
  GPtrArray  *params;
  const char *tag;            /* SERIALIZE */
  GBytes     *bytes;
} Command;

struct _DdSession {
  DdSessionConfig cfg;
  const DdData   *data;             /* as given (borrowed) */
  const DdData   *run_data;         /* what the branches train on: data, or scenario_data */
  DdData         *scenario_data;    /* owned: data with the scenario applied, or NULL */
  DdScenarioStats scenario_stats;
  DdPhiShape      shape;
  int             C, R;             /* Φ: W (R, C), b (C) */
  int             phi_every;
  int             n_test;           /* test examples evaluated per window */
  DdEval         *eval;
  int             n_samples;        /* translation: dev sentences shown decoded */
  int             n_bleu;           /* dev sentences of the BLEU curve */

  GThread        *worker;
  pthread_mutex_t lock;
  pthread_cond_t  cond;
  GQueue          queue;
  gint            state;            /* DdSessionState, atomic */
  gint            stop;             /* atomic; also the DdTeach cancel flag */
  int             step_requests;
  gboolean        idle;
  char           *error_message;

  Branch         *branches[DD_SESSION_MAX_BRANCHES];
  int             n_branches;       /* worker's view */

  pthread_mutex_t publish_lock;
  int             pub_branches;
  Stream          journal;          /* DdEdit records; W, b, message owned */
  gint64          pub_journal;
  gint64          failures;
  size_t          n_params;         /* a student's parameters (fixed when made) */
  char           *fingerprint;      /* of data, computed once (dd-session-file.c) */
};

void     session_stream_init   (Stream *st, gsize rec_size, gsize n_floats);
void     session_stream_clear  (Stream *st);
/* a new record (zeroed) and its floats; NULL when the stream is full */
gpointer session_stream_append (Stream *st, float **floats);
gpointer session_stream_get    (const Stream *st, gint64 i);

Branch  *session_branch_new    (DdSession *s, DdTeach *teach, int parent, gint64 fork_step);
void     session_branch_free   (Branch *br);
/* the session without its worker: configuration, data (with its scenario)
 * and, with arms, the first branches (the taught arm and the baseline) */
DdSession *session_alloc       (const DdSessionConfig *cfg, const DdData *data, gboolean arms,
                                GError **error);
void     session_start_worker  (DdSession *s);
/* queues a command and waits for the worker to execute it (or fails it
 * with DD_ERROR_CANCELLED when the session has stopped) */
void     session_submit        (DdSession *s, Command *cmd);
/* the worker's part of dd_session_serialize (dd-session-file.c) */
GBytes  *session_serialize     (DdSession *s, const char *tag, GError **error);

G_END_DECLS
