/* cli-deal.h: running independent cells, here or dealt out to MPI ranks
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sweep (and compare, a sweep of one configuration) is a list of cells,
 * each a deterministic run named by an index that every process computes
 * the same way from the same command line. cli_deal() runs them:
 *
 *  - alone (no MPI, or one rank): in the given order, one after another;
 *  - under `mpirun -np N` (built with MPI): rank 0 deals the indices out in
 *    the given order to whichever rank asks next (dynamic: a slow cell
 *    holds up only its own rank), works on cells itself in a second thread,
 *    and receives every result. Only the index travels out, only the
 *    result's one JSON line travels back.
 *
 * done() is called on the leader only (rank 0, or the only process), on its
 * main thread, once per finished cell, in the order the cells finish. A
 * failed cell's line is NULL and its error says why. With stop_on_failure,
 * no new cell starts after a failure (the ones running finish and are
 * reported); without it, the other cells go on.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Run cell @cell; its result as one JSON line (no newline), or NULL and @error. */
typedef char    *(*CliCellRun)  (int cell, gpointer user_data, GError **error);
/* The leader learns of a finished cell; FALSE stops the dealing (an error
 * of the leader's own, such as a full disk), with @error set. */
typedef gboolean (*CliCellDone) (int cell, int rank, const char *line, const GError *cell_error,
                                 gpointer user_data, GError **error);

/* MPI_Init when the process was started by mpirun and MPI is built in;
 * nothing otherwise. Call before anything prints. */
void     cli_deal_init      (int *argc, char ***argv);
/* MPI_Finalize (or nothing). */
void     cli_deal_finish    (void);
/* the process that prints and writes: rank 0, or the only one */
gboolean cli_deal_is_leader (void);
int      cli_deal_rank      (void);
int      cli_deal_ranks     (void);
/* "MPI (Open MPI 4.1.4)" or "no MPI (built without it)" */
const char *cli_deal_describe (void);

/* Runs order[0], …, order[n − 1]. On the leader: FALSE with @error when the
 * dealing stopped early (the first failed cell's error under
 * stop_on_failure, or done()'s), TRUE otherwise. On another rank: TRUE once
 * the leader says there is no more work. */
gboolean cli_deal (const int *order, int n, gboolean stop_on_failure,
                   CliCellRun run, CliCellDone done, gpointer user_data, GError **error);

G_END_DECLS
