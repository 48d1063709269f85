/* cli-deal.c: running independent cells, here or dealt out to MPI ranks
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Under MPI, rank 0's main thread is the dealer and makes every MPI call
 * (MPI_THREAD_FUNNELED); a second thread of rank 0 runs cells like any other
 * rank, taking indices from the same counter. The dealer polls for messages
 * and for its own thread's results every 2 ms, which costs nothing beside a
 * cell that runs for seconds.
 *
 * Messages: a worker sends TAG_RESULT { int32 cell, int32 ok, text } (cell
 * −1 the first time: "ready"; text is the result's JSON line, or the error
 * message); the dealer answers TAG_WORK { int32 cell }, −1 for "stop".
 */
#include "config.h"

#include "cli-deal.h"

#include <gio/gio.h>
#include <string.h>

#ifdef DIDACT_HAVE_MPI
#include <mpi.h>
#endif

static int rank_ = 0;
static int ranks_ = 1;
static gboolean mpi_on;

void
cli_deal_init (int *argc, char ***argv)
{
#ifdef DIDACT_HAVE_MPI
  /* only under a launcher: a plain run does not start MPI's runtime */
  if (g_getenv ("OMPI_COMM_WORLD_SIZE") == NULL && g_getenv ("PMIX_RANK") == NULL &&
      g_getenv ("PMI_SIZE") == NULL)
    return;
  int provided = 0;
  MPI_Init_thread (argc, argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank (MPI_COMM_WORLD, &rank_);
  MPI_Comm_size (MPI_COMM_WORLD, &ranks_);
  mpi_on = TRUE;
  if (provided < MPI_THREAD_FUNNELED)
    {
      if (rank_ == 0)
        g_printerr ("didact-cli: this MPI runs no threads beside its calls; every rank "
                    "works alone and rank 0 only deals\n");
    }
#else
  (void) argc;
  (void) argv;
#endif
}

void
cli_deal_finish (void)
{
#ifdef DIDACT_HAVE_MPI
  if (mpi_on)
    MPI_Finalize ();
  mpi_on = FALSE;
#endif
}

gboolean
cli_deal_is_leader (void)
{
  return rank_ == 0;
}

int
cli_deal_rank (void)
{
  return rank_;
}

int
cli_deal_ranks (void)
{
  return ranks_;
}

const char *
cli_deal_describe (void)
{
#ifdef DIDACT_HAVE_MPI
  static char text[MPI_MAX_LIBRARY_VERSION_STRING + 8];
  if (text[0] == '\0')
    {
      char version[MPI_MAX_LIBRARY_VERSION_STRING] = "";
      int len = 0;
      MPI_Get_library_version (version, &len);
      char *end = strpbrk (version, ",\n");  /* "Open MPI v4.1.4, package: …" */
      if (end)
        *end = '\0';
      g_snprintf (text, sizeof text, "MPI (%s)", version);
    }
  return text;
#else
  return "no MPI (built without it)";
#endif
}

/* --- alone ---------------------------------------------------------------- */

static gboolean
deal_here (const int *order, int n, gboolean stop_on_failure,
           CliCellRun run, CliCellDone done, gpointer user_data, GError **error)
{
  for (int i = 0; i < n; i++)
    {
      g_autoptr(GError) cell_error = NULL;
      g_autofree char *line = run (order[i], user_data, &cell_error);

      if (!done (order[i], 0, line, cell_error, user_data, error))
        return FALSE;
      if (line == NULL && stop_on_failure)
        {
          g_propagate_error (error, g_steal_pointer (&cell_error));
          return FALSE;
        }
    }
  return TRUE;
}

#ifdef DIDACT_HAVE_MPI

enum { TAG_RESULT = 1, TAG_WORK = 2 };

/* --- the dealer (rank 0) -------------------------------------------------- */

typedef struct {
  const int     *order;
  int            n;
  CliCellRun     run;
  gpointer       user_data;
  GMutex         lock;
  int            next;      /* order[next] is the next cell to hand out */
  gboolean       stopping;
  GAsyncQueue   *results;   /* the local thread's Result items, then END */
} Dealer;

typedef struct {
  int     cell;
  char   *line;
  GError *error;
} Result;

static Result end_of_local;

/* the next cell to run, or −1 */
static int
dealer_take (Dealer *d)
{
  int cell = -1;

  g_mutex_lock (&d->lock);
  if (!d->stopping && d->next < d->n)
    cell = d->order[d->next++];
  g_mutex_unlock (&d->lock);
  return cell;
}

static gpointer
local_worker (gpointer data)
{
  Dealer *d = data;
  int cell;

  while ((cell = dealer_take (d)) >= 0)
    {
      Result *r = g_new0 (Result, 1);
      r->cell = cell;
      r->line = d->run (cell, d->user_data, &r->error);
      g_async_queue_push (d->results, r);
    }
  g_async_queue_push (d->results, &end_of_local);
  return NULL;
}

static void
send_cell (int to, int cell)
{
  gint32 c = cell;
  MPI_Send (&c, 1, MPI_INT32_T, to, TAG_WORK, MPI_COMM_WORLD);
}

static gboolean
deal_mpi_leader (const int *order, int n, gboolean stop_on_failure,
                 CliCellRun run, CliCellDone done, gpointer user_data, GError **error)
{
  Dealer d = { .order = order, .n = n, .run = run, .user_data = user_data };
  g_autoptr(GError) first_error = NULL;
  int remote = ranks_ - 1;
  gboolean local = TRUE;

  g_mutex_init (&d.lock);
  d.results = g_async_queue_new ();
  GThread *thread = g_thread_new ("didact-cells", local_worker, &d);

  while (remote > 0 || local)
    {
      int cell = -1, rank = 0, flag = 0;
      g_autofree char *line = NULL;
      g_autoptr(GError) cell_error = NULL;
      MPI_Status status;

      MPI_Iprobe (MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &status);
      if (flag)
        {
          int count = 0;
          MPI_Get_count (&status, MPI_BYTE, &count);
          g_autofree char *buf = g_malloc0 ((gsize) MAX (count, 8) + 1);
          MPI_Recv (buf, count, MPI_BYTE, status.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD,
                    MPI_STATUS_IGNORE);
          gint32 head[2];
          memcpy (head, buf, sizeof head);
          rank = status.MPI_SOURCE;
          cell = head[0];
          if (cell >= 0)
            {
              if (head[1])
                line = g_strdup (buf + 8);
              else
                g_set_error (&cell_error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", buf + 8);
            }
          /* its next cell first, so that it works while the result is written */
          int next = dealer_take (&d);
          send_cell (rank, next);
          if (next < 0)
            remote--;
          if (cell < 0)
            continue;
        }
      else
        {
          Result *r = g_async_queue_timeout_pop (d.results, 2000);
          if (r == NULL)
            continue;
          if (r == &end_of_local)
            {
              local = FALSE;
              continue;
            }
          cell = r->cell;
          line = r->line;
          cell_error = r->error;
          g_free (r);
        }

      g_autoptr(GError) done_error = NULL;
      gboolean go_on = done (cell, rank, line, cell_error, user_data, &done_error);
      if (!go_on || (line == NULL && stop_on_failure))
        {
          g_mutex_lock (&d.lock);
          d.stopping = TRUE;
          g_mutex_unlock (&d.lock);
          if (first_error == NULL)
            first_error = go_on ? g_steal_pointer (&cell_error) : g_steal_pointer (&done_error);
        }
    }
  g_thread_join (thread);
  g_async_queue_unref (d.results);
  g_mutex_clear (&d.lock);
  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }
  return TRUE;
}

/* --- a worker (rank > 0) -------------------------------------------------- */

static void
send_result (int cell, const char *line, const GError *error)
{
  const char *text = line ? line : error ? error->message : "failed";
  gsize len = strlen (text);
  g_autofree char *buf = g_malloc (8 + len + 1);
  gint32 head[2] = { cell, line != NULL };

  memcpy (buf, head, sizeof head);
  memcpy (buf + 8, text, len + 1);
  MPI_Send (buf, (int) (8 + len + 1), MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
}

static gboolean
deal_mpi_worker (CliCellRun run, gpointer user_data)
{
  send_result (-1, "", NULL);
  for (;;)
    {
      gint32 cell;
      g_autoptr(GError) cell_error = NULL;

      MPI_Recv (&cell, 1, MPI_INT32_T, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (cell < 0)
        return TRUE;
      g_autofree char *line = run (cell, user_data, &cell_error);
      send_result (cell, line, cell_error);
    }
}

#endif /* DIDACT_HAVE_MPI */

gboolean
cli_deal (const int *order, int n, gboolean stop_on_failure,
          CliCellRun run, CliCellDone done, gpointer user_data, GError **error)
{
#ifdef DIDACT_HAVE_MPI
  if (mpi_on && ranks_ > 1)
    return rank_ == 0 ? deal_mpi_leader (order, n, stop_on_failure, run, done, user_data, error)
                      : deal_mpi_worker (run, user_data);
#endif
  return deal_here (order, n, stop_on_failure, run, done, user_data, error);
}
