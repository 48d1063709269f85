/* cli-output.h: terminal progress bar and JSON-lines records for didact-cli
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "didact-engine.h"

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  gboolean enabled;     /* stderr is a terminal and output is not JSON */
  double   started;
  double   last_draw;
  int      width;
} CliProgress;

void cli_progress_init   (CliProgress *p, gboolean want);
/* redraws at most ten times a second unless force */
void cli_progress_update (CliProgress *p, gint64 done, gint64 total,
                          const char *status, gboolean force);
void cli_progress_clear  (CliProgress *p);

/* Begin a record {"event": name, ...}; finish with cli_json_emit, which prints
 * it as one line on stdout and frees the builder. */
JsonBuilder *cli_json_begin (const char *event);
void         cli_json_emit  (JsonBuilder *b);
/* the record as one line (no newline); frees the builder */
char        *cli_json_line  (JsonBuilder *b);
/* one member of a record */
void         cli_json_double (JsonBuilder *b, const char *member, double value);
void         cli_json_int    (JsonBuilder *b, const char *member, gint64 value);
/* a string, or null for NULL */
void         cli_json_string (JsonBuilder *b, const char *member, const char *value);
void         cli_json_double_array (JsonBuilder *b, const char *member,
                                    const double *v, int n);
void         cli_json_int_array    (JsonBuilder *b, const char *member,
                                    const int *v, int n);
/* a (rows, cols) matrix as a JSON array of rows */
void         cli_json_matrix       (JsonBuilder *b, const char *member,
                                    const dd_real *m, int rows, int cols);

/* What a closed window says, from a teach step's report or from a session's
 * window record: the same line or JSON record either way. A session's
 * records keep no timings (forward_seconds, reverse_seconds, NaN) and no
 * predicted change (NaN); they have the test error on the session's test
 * sample and, for translation, the BLEU of its dev sample, which teach's
 * reports have not (NaN). */
typedef struct {
  const char     *branch;           /* the branch's short name ("taught", "fork 2"), or
                                     * NULL: not printed (teach) */
  int             branch_index;
  gint64          step;
  gint64          meta_iteration;
  const DdPhi    *phi;              /* Φ of the window's last step; NULL for a baseline */
  double          window_loss;
  double          dev_error;
  double          dev_measure;
  double          teacher_grad_norm;
  double          forward_seconds;
  double          reverse_seconds;
  DdUpdateVerdict verdict;
  double          step_length;
  double          predicted_change;
  double          holdout_before, holdout_after, holdout_se;
  double          shadow_gap, shadow_se;
  gboolean        took_shadow;
  double          test_error;
  double          dev_bleu;         /* translation: BLEU of the session's dev sample; NaN */
} CliWindow;

void cli_window_from_report (CliWindow *w, const DdStepReport *r);
/* window record i of branch b (below snap's count); phi (of the session's
 * shape, the caller's) receives Φ at the window's step when the branch
 * has one (a baseline has none), and w->phi then points at it */
void cli_window_from_record (CliWindow *w, DdSession *session, const DdSessionSnapshot *snap,
                             int b, gint64 i, DdPhi *phi);
/* Drops what a record holds but does not mean: an episodic branch's test
 * error, which the session measures after the student went back to ω₀
 * (cli_window_from_record calls it). */
void cli_window_hide_misleading (CliWindow *w, DdSession *session);
/* {"event": "window", …} on stdout */
void cli_window_emit  (const CliWindow *w);
/* "update …  step …  L_Φ …  dev error …" on stdout */
void cli_window_print (const CliWindow *w);
/* a session's branch as the export names it: "taught", "baseline",
 * "fork N (of branch P at step S)" (without the origin: "fork N");
 * caller frees */
char *cli_branch_name (DdSession *session, int b, gboolean with_origin);

/* a number, or null when it is not finite (JSON has no NaN) */
void         cli_json_double_or_null (JsonBuilder *b, const char *member, double value);

/* "didact-cli <cmd>: <message>" on stderr, always one line of UTF-8 (bytes
 * that are not UTF-8 shown as U+FFFD); returns the exit status */
int cli_fail (const char *command, int status, const char *format, ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
