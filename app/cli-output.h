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
/* one member of a record */
void         cli_json_double (JsonBuilder *b, const char *member, double value);
void         cli_json_int    (JsonBuilder *b, const char *member, gint64 value);
void         cli_json_double_array (JsonBuilder *b, const char *member,
                                    const double *v, int n);
void         cli_json_int_array    (JsonBuilder *b, const char *member,
                                    const int *v, int n);
/* a (rows, cols) matrix as a JSON array of rows */
void         cli_json_matrix       (JsonBuilder *b, const char *member,
                                    const dd_real *m, int rows, int cols);

/* "didact-cli <cmd>: <message>" on stderr; returns the exit status */
int cli_fail (const char *command, int status, const char *format, ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
