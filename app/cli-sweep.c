/* cli-sweep.c: `didact-cli sweep`, a grid of compare configurations over seeds
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sweep takes compare's options, and --grid KEY=V1,V2,… for any of them
 * that takes a value; its configurations are the grid's product, and its
 * cells every configuration at every seed. A cell is one deterministic run,
 * named by its index: configuration c, seed index s → c × seeds + s, the
 * same on every process that reads the same command line.
 *
 * The cells run here, or under `mpirun` dealt out to the ranks (cli-deal.h),
 * the largest first. Each finished cell is a JSON line (compare's seed record
 * with its index and configuration) appended to --out as soon as it arrives,
 * after a first line that records the sweep's own arguments; --resume reads
 * that file and runs only the cells it lacks. For Slurm, --slurm-array
 * writes an sbatch array script of one task per cell (--cell N), and
 * --merge DIR gathers the tasks' files. The tables at the end are compare's,
 * one per configuration, and an overview of every configuration.
 */
#include "config.h"
#include "cli.h"
#include "cli-compare.h"
#include "cli-deal.h"
#include "cli-output.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define SWEEP_FORMAT    1
#define SWEEP_MAX_CELLS 100000

static const char summary[] =
  "Run compare over a grid of configurations and seeds. Every option of compare is taken;\n"
  "--grid KEY=V1,V2,… (repeatable) lists values of any of them that takes a value, and the\n"
  "configurations are every combination. A cell is one configuration at one seed: a\n"
  "deterministic run, the same wherever it runs.\n"
  "\n"
  "The cells run one after another, or under `mpirun -np N` dealt out to the ranks, the\n"
  "largest first (built with MPI; each rank uses --threads BLAS threads). Each finished\n"
  "cell is appended to --out as one JSON line; --resume runs only the cells that file\n"
  "lacks. For Slurm, --slurm-array SCRIPT writes an array job of one task per cell, and\n"
  "--merge DIR gathers the tasks' files into the tables.\n"
  "\n"
  "Prints compare's tables for every configuration (mean, sd, standard error, taught\n"
  "against each other arm paired by seed), then one row per configuration.";

/* the grid's keys that are not a configuration: each with the reason */
static const struct {
  const char *key;
  const char *why;
} not_in_grid[] = {
  { "seed", "the seeds are every configuration's own axis: use --seed and --seeds" },
  { "seeds", "the seeds are every configuration's own axis: use --seed and --seeds" },
  { "threads", "a thread count is how a cell runs, not what it runs: use --threads" },
  { "arms", "the arms are the tables' columns: use --arms" },
  { "json", "it takes no value" },
  { "transfer", "it takes no value" },
};

/* sweep's own options, which are not a configuration's */
typedef struct {
  char   **grid;
  char    *out;
  gboolean resume;
  char    *slurm_array;
  char    *slurm_time;
  int      slurm_mem;
  char    *merge;
  int      cell;
  gboolean list;
} SweepOwn;

static const struct {
  const char *name;
  gboolean    takes_value;
} own_names[] = {
  { "grid", TRUE }, { "out", TRUE }, { "resume", FALSE }, { "slurm-array", TRUE },
  { "slurm-time", TRUE }, { "slurm-mem", TRUE }, { "merge", TRUE }, { "cell", TRUE },
  { "list", FALSE },
};

/* one grid dimension */
typedef struct {
  char  *key;
  GStrv  values;
  int    n;
} Dim;

typedef struct {
  /* the definition: what the header line records */
  GStrv           arguments;   /* compare's options as given */
  GStrv           grid;        /* the --grid texts as given */
  /* what it expands to */
  Dim            *dims;
  int             n_dims;
  int             n_configs, n_seeds, n_cells;
  char          **label;       /* (n_configs) "lr=0.05 window=20", "" without a grid */
  CompareOptions *options;     /* (n_configs) */
  ComparePlan    *plan;        /* (n_configs) */
  GHashTable     *data;        /* dataset name → DdData */
  gboolean        json;
  /* the results, on the leader */
  CompareResults *res;         /* (n_configs) */
  gboolean       *done;        /* (n_cells) */
  int             n_done, n_resumed, n_failed;
  GString        *failed;      /* "3 (lr=0.1, seed 2): message; …" */
  FILE           *out;
  const char     *out_path;
  double          started;
} Sweep;

static void
sweep_clear (Sweep *s)
{
  g_strfreev (s->arguments);
  g_strfreev (s->grid);
  for (int d = 0; d < s->n_dims; d++)
    {
      g_free (s->dims[d].key);
      g_strfreev (s->dims[d].values);
    }
  g_free (s->dims);
  for (int c = 0; c < s->n_configs; c++)
    {
      if (s->label)
        g_free (s->label[c]);
      if (s->options)
        compare_options_clear (&s->options[c]);
      if (s->res)
        compare_results_clear (&s->res[c]);
    }
  g_free (s->label);
  g_free (s->options);
  g_free (s->plan);
  g_free (s->res);
  g_free (s->done);
  if (s->data)
    g_hash_table_unref (s->data);
  if (s->failed)
    g_string_free (s->failed, TRUE);
  if (s->out)
    fclose (s->out);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sweep, sweep_clear)

#define USAGE(...) \
  G_STMT_START { cli_fail ("sweep", CLI_EXIT_USAGE, __VA_ARGS__); return FALSE; } G_STMT_END

/* --- the command line ------------------------------------------------------ */

static int
own_index (const char *arg)
{
  if (arg[0] != '-' || arg[1] != '-')
    return -1;
  const char *name = arg + 2;
  const char *eq = strchr (name, '=');
  const gsize len = eq ? (gsize) (eq - name) : strlen (name);

  for (gsize k = 0; k < G_N_ELEMENTS (own_names); k++)
    if (strlen (own_names[k].name) == len && strncmp (own_names[k].name, name, len) == 0)
      return (int) k;
  return -1;
}

/* argv without sweep's own options: compare's, as given */
static GStrv
compare_arguments (int argc, char **argv)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);

  for (int i = 1; i < argc; i++)
    {
      const int k = own_index (argv[i]);
      if (k < 0)
        {
          g_ptr_array_add (kept, g_strdup (argv[i]));
          continue;
        }
      if (own_names[k].takes_value && strchr (argv[i], '=') == NULL)
        i++;
    }
  g_ptr_array_add (kept, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&kept), FALSE);
}

static GOptionEntry *
sweep_entries (CompareOptions *o, SweepOwn *own)
{
  g_autofree GOptionEntry *compare_entries = compare_options_entries (o);
  const GOptionEntry entries[] = {
    { "grid", 0, 0, G_OPTION_ARG_STRING_ARRAY, &own->grid,
      "Values of one of compare's options, KEY=V1,V2,… (repeat for more keys)", "KEY=V1,V2" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &own->out,
      "Append each finished cell to FILE as a JSON line (with --slurm-array: the folder of "
      "the tasks' files)", "FILE" },
    { "resume", 0, 0, G_OPTION_ARG_NONE, &own->resume,
      "Run only the cells that --out does not hold yet", NULL },
    { "slurm-array", 0, 0, G_OPTION_ARG_FILENAME, &own->slurm_array,
      "Write an sbatch array script of one task per cell instead of running", "SCRIPT" },
    { "slurm-time", 0, 0, G_OPTION_ARG_STRING, &own->slurm_time,
      "The time limit of each task (default 04:00:00)", "HH:MM:SS" },
    { "slurm-mem", 0, 0, G_OPTION_ARG_INT, &own->slurm_mem,
      "The memory of each task in MiB (default 2048; 4096 for de-en)", "MIB" },
    { "merge", 0, 0, G_OPTION_ARG_FILENAME, &own->merge,
      "Gather the cell files of a folder (a Slurm array's) into the tables", "DIR" },
    { "cell", 0, 0, G_OPTION_ARG_INT, &own->cell,
      "Run cell N only (an array task)", "N" },
    { "list", 0, 0, G_OPTION_ARG_NONE, &own->list,
      "Print the cells, their configurations and seeds, and run none", NULL },
  };

  return cli_entries_join (compare_entries, entries, G_N_ELEMENTS (entries));
}

static void
sweep_own_clear (SweepOwn *own)
{
  g_strfreev (own->grid);
  g_free (own->out);
  g_free (own->slurm_array);
  g_free (own->slurm_time);
  g_free (own->merge);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SweepOwn, sweep_own_clear)

/* the compare option @key, if it takes a value */
static const GOptionEntry *
compare_entry (const GOptionEntry *entries, const char *key)
{
  for (const GOptionEntry *e = entries; e->long_name; e++)
    if (strcmp (e->long_name, key) == 0)
      return e;
  return NULL;
}

static gboolean
given (GStrv arguments, const char *key)
{
  const gsize len = strlen (key);

  for (char **a = arguments; *a; a++)
    if (g_str_has_prefix (*a, "--") && strncmp (*a + 2, key, len) == 0 &&
        ((*a)[2 + len] == '\0' || (*a)[2 + len] == '='))
      return TRUE;
  return FALSE;
}

/* the --grid texts into dimensions */
static gboolean
parse_grid (Sweep *s)
{
  CompareOptions scratch;
  compare_options_init (&scratch);
  g_autofree GOptionEntry *entries = compare_options_entries (&scratch);
  const int n = s->grid ? (int) g_strv_length (s->grid) : 0;
  gint64 configs = 1;

  compare_options_clear (&scratch);
  s->dims = g_new0 (Dim, MAX (n, 1));
  for (int d = 0; d < n; d++)
    {
      const char *text = s->grid[d];
      const char *eq = strchr (text, '=');
      Dim *dim = &s->dims[s->n_dims];

      if (eq == NULL || eq == text)
        USAGE ("--grid “%s”: not KEY=V1,V2,… (an option of compare and its values)", text);
      dim->key = g_strndup (text, (gsize) (eq - text));
      s->n_dims++;
      for (gsize k = 0; k < G_N_ELEMENTS (not_in_grid); k++)
        if (strcmp (dim->key, not_in_grid[k].key) == 0)
          USAGE ("--grid “%s”: %s is not a grid key; %s", text, dim->key, not_in_grid[k].why);
      const GOptionEntry *e = compare_entry (entries, dim->key);
      if (e == NULL)
        USAGE ("--grid “%s”: compare has no option --%s (see didact-cli compare --help)",
               text, dim->key);
      if (e->arg == G_OPTION_ARG_NONE)
        USAGE ("--grid “%s”: --%s takes no value", text, dim->key);
      for (int p = 0; p < d; p++)
        if (strcmp (s->dims[p].key, dim->key) == 0)
          USAGE ("--grid “%s”: --grid %s given twice; list every value once", text, dim->key);
      if (given (s->arguments, dim->key))
        USAGE ("--grid “%s” and --%s both given: the grid's values replace the option", text,
               dim->key);
      dim->values = g_strsplit (eq + 1, ",", -1);
      dim->n = (int) g_strv_length (dim->values);
      for (int v = 0; v < dim->n; v++)
        {
          if (*dim->values[v] == '\0')
            USAGE ("--grid “%s”: an empty value", text);
          for (int w = 0; w < v; w++)
            if (strcmp (dim->values[v], dim->values[w]) == 0)
              USAGE ("--grid “%s”: %s listed twice", text, dim->values[v]);
        }
      configs *= dim->n;
      if (configs > SWEEP_MAX_CELLS)
        USAGE ("--grid: more than %d configurations", SWEEP_MAX_CELLS);
    }
  s->n_configs = (int) configs;
  return TRUE;
}

/* configuration c: its label and compare's options for it */
static gboolean
plan_config (Sweep *s, int c)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) label = g_string_new (NULL);
  int rest = c;

  g_ptr_array_add (args, g_strdup ("sweep"));
  for (char **a = s->arguments; *a; a++)
    g_ptr_array_add (args, g_strdup (*a));
  /* the last key varies fastest */
  g_autofree int *pick = g_new0 (int, MAX (s->n_dims, 1));
  for (int d = s->n_dims - 1; d >= 0; d--)
    {
      pick[d] = rest % s->dims[d].n;
      rest /= s->dims[d].n;
    }
  for (int d = 0; d < s->n_dims; d++)
    {
      const char *v = s->dims[d].values[pick[d]];
      g_ptr_array_add (args, g_strdup_printf ("--%s=%s", s->dims[d].key, v));
      g_string_append_printf (label, "%s%s=%s", d ? " " : "", s->dims[d].key, v);
    }
  g_ptr_array_add (args, NULL);
  s->label[c] = g_string_free (g_steal_pointer (&label), FALSE);

  int argc = (int) args->len - 1;
  char **argv = (char **) args->pdata;
  g_autofree char **view = g_memdup2 (argv, sizeof (char *) * (gsize) (argc + 1));
  CompareOptions *o = &s->options[c];
  g_autofree GOptionEntry *entries = NULL;

  compare_options_init (o);
  entries = compare_options_entries (o);
  return cli_parse_options ("sweep", NULL, summary, entries, &argc, &view) &&
         compare_plan ("sweep", o, &s->plan[c]);
}

/* every configuration planned, its data loaded and checked */
static int
plan_sweep (Sweep *s)
{
  s->label = g_new0 (char *, s->n_configs);
  s->options = g_new0 (CompareOptions, s->n_configs);
  s->plan = g_new0 (ComparePlan, s->n_configs);
  for (int c = 0; c < s->n_configs; c++)
    if (!plan_config (s, c))
      return CLI_EXIT_USAGE;
  s->n_seeds = s->plan[0].n_seeds;
  if ((gint64) s->n_configs * s->n_seeds > SWEEP_MAX_CELLS)
    return cli_fail ("sweep", CLI_EXIT_USAGE, "%d configurations × %d seeds: more than %d cells",
                     s->n_configs, s->n_seeds, SWEEP_MAX_CELLS);
  s->n_cells = s->n_configs * s->n_seeds;
  s->json = s->plan[0].json;
  s->data = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) dd_data_free);
  for (int c = 0; c < s->n_configs; c++)
    {
      const ComparePlan *p = &s->plan[c];
      g_autoptr(GError) error = NULL;
      DdData *data = g_hash_table_lookup (s->data, p->dataset);

      if (data == NULL)
        {
          if ((data = teach_options_load_data ("sweep", &s->options[c].teach)) == NULL)
            return CLI_EXIT_FAILURE;
          g_hash_table_insert (s->data, g_strdup (p->dataset), data);
        }
      if (p->scenario.kind != DD_SCENARIO_NONE && !dd_scenario_check (&p->scenario, data, &error))
        return cli_fail ("sweep", CLI_EXIT_USAGE, "--scenario: %s", error->message);
    }
  return 0;
}

/* --- the cells ------------------------------------------------------------- */

static const ComparePlan *
cell_plan (const Sweep *s, int cell)
{
  return &s->plan[cell / s->n_seeds];
}

static gint64
cell_seed (const Sweep *s, int cell)
{
  return s->plan[cell / s->n_seeds].first_seed + cell % s->n_seeds;
}

static char *
cell_name (const Sweep *s, int cell)
{
  const char *label = s->label[cell / s->n_seeds];
  return g_strdup_printf ("cell %d (%s%sseed %" G_GINT64_FORMAT ")", cell, label,
                          *label ? ", " : "", cell_seed (s, cell));
}

static char *
run_cell (int cell, gpointer user_data, GError **error)
{
  Sweep *s = user_data;
  const ComparePlan *plan = cell_plan (s, cell);
  const DdData *data = g_hash_table_lookup (s->data, plan->dataset);
  JsonBuilder *b = compare_run_seed (plan, data, cell % s->n_seeds, "cell",
                                     cli_deal_ranks () == 1 && !s->json, error);

  if (b == NULL)
    return NULL;
  cli_json_int (b, "index", cell);
  json_builder_set_member_name (b, "configuration");
  json_builder_add_string_value (b, s->label[cell / s->n_seeds]);
  cli_json_int (b, "rank", cli_deal_rank ());
  return cli_json_line (b);
}

/* a cell record: it must be the cell its index says */
static gboolean
read_cell (Sweep *s, const char *line, int *cell_out, DdCompareSeed *seed, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  if (!json_parser_load_from_data (parser, line, -1, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      g_strcmp0 (json_object_get_string_member_with_default (
                   o = json_node_get_object (json_parser_get_root (parser)), "event", ""),
                 "cell") != 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT, "not a cell record");
      return FALSE;
    }
  const gint64 cell = json_object_get_int_member_with_default (o, "index", -1);
  if (cell < 0 || cell >= s->n_cells)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "cell index %" G_GINT64_FORMAT " is not one of this sweep's 0–%d", cell,
                   s->n_cells - 1);
      return FALSE;
    }
  const char *label = json_object_get_string_member_with_default (o, "configuration", NULL);
  if (g_strcmp0 (label, s->label[cell / s->n_seeds]) != 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "cell %" G_GINT64_FORMAT " is “%s” here, not “%s”", cell,
                   s->label[cell / s->n_seeds], label ? label : "");
      return FALSE;
    }
  if (!compare_read_seed (cell_plan (s, (int) cell), o, seed, error))
    return FALSE;
  if ((gint64) seed->seed != cell_seed (s, (int) cell))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "cell %" G_GINT64_FORMAT " has seed %" G_GUINT64_FORMAT ", not %" G_GINT64_FORMAT,
                   cell, seed->seed, cell_seed (s, (int) cell));
      return FALSE;
    }
  *cell_out = (int) cell;
  return TRUE;
}

static void
store_cell (Sweep *s, int cell, const DdCompareSeed *seed)
{
  const int c = cell / s->n_seeds;

  compare_store_seed (&s->plan[c], &s->res[c], cell % s->n_seeds, seed);
  s->done[cell] = TRUE;
  s->n_done++;
}

/* the line that prints how a cell went, on stderr */
static void
report_cell (Sweep *s, int cell, int rank)
{
  const ComparePlan *p = cell_plan (s, cell);
  g_autofree char *name = cell_name (s, cell);
  g_autoptr(GString) line = g_string_new (NULL);

  g_string_append_printf (line, "[%d/%d] %s:", s->n_done, s->n_cells, name);
  for (int k = 0; k < p->n_arms; k++)
    g_string_append_printf (line, " %s %.2f", dd_compare_arm_name (p->arm[k]),
                            compare_shown (p, s->res[cell / s->n_seeds].value[p->arm[k]][cell % s->n_seeds]));
  if (cli_deal_ranks () > 1)
    g_string_append_printf (line, " (rank %d)", rank);
  fprintf (stderr, "%s\n", line->str);
}

static gboolean
write_line (Sweep *s, const char *line, GError **error)
{
  if (s->out == NULL)
    return TRUE;
  if (fprintf (s->out, "%s\n", line) < 0 || fflush (s->out) != 0 || fsync (fileno (s->out)) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: cannot write: %s",
                   s->out_path, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
cell_done (int cell, int rank, const char *line, const GError *cell_error, gpointer user_data,
           GError **error)
{
  Sweep *s = user_data;
  DdCompareSeed seed;
  int index;

  if (line == NULL)
    {
      g_autofree char *name = cell_name (s, cell);
      g_autofree char *where = cli_deal_ranks () > 1 ? g_strdup_printf (" on rank %d", rank)
                                                     : g_strdup ("");
      s->n_failed++;
      g_string_append_printf (s->failed, "%s%s", s->failed->len ? "; " : "", name);
      cli_fail ("sweep", CLI_EXIT_FAILURE, "%s failed%s: %s", name, where,
                cell_error ? cell_error->message : "no reason given");
      return TRUE;
    }
  if (!read_cell (s, line, &index, &seed, error) || index != cell)
    {
      g_prefix_error (error, "the record of cell %d from rank %d: ", cell, rank);
      return FALSE;
    }
  if (!write_line (s, line, error))
    return FALSE;
  store_cell (s, cell, &seed);
  if (s->json)
    {
      printf ("%s\n", line);
      fflush (stdout);
    }
  else
    report_cell (s, cell, rank);
  return TRUE;
}

/* --- the file -------------------------------------------------------------- */

static char *
header_line (const Sweep *s)
{
  JsonBuilder *b = cli_json_begin ("sweep");

  cli_json_int (b, "format", SWEEP_FORMAT);
  json_builder_set_member_name (b, "arguments");
  json_builder_begin_array (b);
  for (char **a = s->arguments; *a; a++)
    json_builder_add_string_value (b, *a);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "grid");
  json_builder_begin_array (b);
  for (char **g = s->grid; g && *g; g++)
    json_builder_add_string_value (b, *g);
  json_builder_end_array (b);
  cli_json_int (b, "configurations", s->n_configs);
  cli_json_int (b, "seeds", s->n_seeds);
  cli_json_int (b, "cells", s->n_cells);
  return cli_json_line (b);
}

static GStrv
string_array (JsonObject *o, const char *member)
{
  JsonNode *n = json_object_get_member (o, member);

  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return NULL;
  JsonArray *a = json_node_get_array (n);
  const guint len = json_array_get_length (a);
  GStrv out = g_new0 (char *, len + 1);
  for (guint i = 0; i < len; i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
        {
          g_strfreev (out);
          return NULL;
        }
      out[i] = g_strdup (json_node_get_string (e));
    }
  return out;
}

/* a header line: the sweep's arguments and grid */
static gboolean
read_header (const char *line, GStrv *arguments, GStrv *grid, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  if (!json_parser_load_from_data (parser, line, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      g_strcmp0 (json_object_get_string_member_with_default (
                   o = json_node_get_object (json_parser_get_root (parser)), "event", ""),
                 "sweep") != 0)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "not a sweep's file: its first line is not the sweep's record");
      return FALSE;
    }
  if (json_object_get_int_member_with_default (o, "format", 0) != SWEEP_FORMAT)
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT, "format %" G_GINT64_FORMAT
                   " (this didact-cli reads %d)", json_object_get_int_member_with_default (o, "format", 0),
                   SWEEP_FORMAT);
      return FALSE;
    }
  *arguments = string_array (o, "arguments");
  *grid = string_array (o, "grid");
  if (*arguments == NULL || *grid == NULL)
    {
      g_clear_pointer (arguments, g_strfreev);
      g_clear_pointer (grid, g_strfreev);
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT,
                   "the sweep's record has no “arguments” or “grid” list");
      return FALSE;
    }
  return TRUE;
}

static gboolean
same_strv (GStrv a, GStrv b)
{
  if (a == NULL || b == NULL)
    return (a == NULL || a[0] == NULL) && (b == NULL || b[0] == NULL);
  return g_strv_equal ((const char *const *) a, (const char *const *) b);
}

/* Reads the cells of @path into the results. @header: check its first line
 * against this sweep (FALSE: it was read already). A last line cut short (a
 * process killed while writing it) is left out, and *good_len says where
 * the whole lines end. */
static gboolean
read_cells (Sweep *s, const char *path, gsize *good_len, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0, at = 0;
  int line_no = 0;

  if (!g_file_get_contents (path, &text, &len, error))
    return FALSE;
  *good_len = 0;
  while (at < len)
    {
      char *nl = memchr (text + at, '\n', len - at);
      line_no++;
      if (nl == NULL)
        break;  /* cut short */
      *nl = '\0';
      const char *line = text + at;
      at = (gsize) (nl - text) + 1;
      if (line_no == 1)
        {
          g_auto(GStrv) arguments = NULL, grid = NULL;
          if (!read_header (line, &arguments, &grid, error))
            {
              g_prefix_error (error, "%s: ", path);
              return FALSE;
            }
          if (!same_strv (arguments, s->arguments) || !same_strv (grid, s->grid))
            {
              g_autofree char *was = g_strjoinv (" ", arguments);
              g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT,
                           "%s: a different sweep (its options: %s%s%s)", path, was,
                           grid[0] ? " --grid " : "", grid[0] ? grid[0] : "");
              return FALSE;
            }
          *good_len = at;
          continue;
        }
      DdCompareSeed seed;
      int cell;
      g_autoptr(GError) local = NULL;
      if (!read_cell (s, line, &cell, &seed, &local))
        {
          g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT, "%s:%d: %s", path, line_no,
                       local->message);
          return FALSE;
        }
      if (!s->done[cell])
        {
          store_cell (s, cell, &seed);
          s->n_resumed++;
        }
      *good_len = at;
    }
  if (line_no == 0 || (line_no == 1 && *good_len == 0))
    {
      g_set_error (error, DD_ERROR, DD_ERROR_DATA_CORRUPT, "%s: empty, or no whole first line",
                   path);
      return FALSE;
    }
  return TRUE;
}

/* --out: a new file with the header, or with --resume the cells it holds;
 * 0, or the exit status after the message */
static int
open_out (Sweep *s, const char *path, gboolean resume)
{
  g_autoptr(GError) error = NULL;
  gsize good_len = 0;

  s->out_path = path;
  if (resume && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!read_cells (s, path, &good_len, &error))
        return cli_fail ("sweep", CLI_EXIT_FAILURE, "--resume: %s", error->message);
      /* a last line cut short is dropped, so that the next one starts a line */
      if (truncate (path, (off_t) good_len) != 0 || (s->out = fopen (path, "a")) == NULL)
        return cli_fail ("sweep", CLI_EXIT_FAILURE, "--out %s: %s", path, g_strerror (errno));
      return 0;
    }
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return cli_fail ("sweep", CLI_EXIT_USAGE, "--out %s: the file exists; add --resume to go on "
                     "with its sweep, or name another file", path);
  if ((s->out = fopen (path, "w")) == NULL)
    return cli_fail ("sweep", CLI_EXIT_FAILURE, "--out %s: %s", path, g_strerror (errno));
  g_autofree char *header = header_line (s);
  if (!write_line (s, header, &error))
    return cli_fail ("sweep", CLI_EXIT_FAILURE, "%s", error->message);
  return 0;
}

/* --- printing -------------------------------------------------------------- */

static void
print_overview (const Sweep *s)
{
  const ComparePlan *p0 = &s->plan[0];
  const gboolean pair = (p0->cc.arms & (1u << DD_COMPARE_TAUGHT)) &&
                        (p0->cc.arms & (1u << DD_COMPARE_CE));

  printf ("\n## Every configuration\n\nMean ± standard error over the seeds that ran%s.\n\n"
          "| configuration | seeds |", pair ? "; taught − ce paired by seed" : "");
  for (int k = 0; k < p0->n_arms; k++)
    printf (" %s |", dd_compare_arm_name (p0->arm[k]));
  if (pair)
    printf (" taught − ce | verdict |");
  printf ("\n|---|---:|");
  for (int k = 0; k < p0->n_arms + (pair ? 1 : 0); k++)
    printf ("---:|");
  printf (pair ? "---|\n" : "\n");
  for (int c = 0; c < s->n_configs; c++)
    {
      const ComparePlan *p = &s->plan[c];
      const CompareResults *r = &s->res[c];
      int ran = 0;

      for (int i = 0; i < s->n_seeds; i++)
        ran += r->have[i];
      printf ("| %s | %d |", s->label[c], ran);
      for (int k = 0; k < p->n_arms; k++)
        printf (ran ? " %.2f ± %.2f |" : " – |", compare_shown (p, r->stats[p->arm[k]].mean),
                compare_shown (p, r->stats[p->arm[k]].se));
      if (pair)
        printf (ran ? " %+.2f ± %.2f | %s |" : " – | – |",
                compare_shown (p, r->paired[DD_COMPARE_CE].difference),
                compare_shown (p, r->paired[DD_COMPARE_CE].se),
                dd_paired_verdict_name (r->paired[DD_COMPARE_CE].verdict));
      printf ("\n");
    }
}

static void
print_results (Sweep *s)
{
  for (int c = 0; c < s->n_configs; c++)
    {
      const ComparePlan *p = &s->plan[c];
      CompareResults *r = &s->res[c];
      int ran = 0;

      for (int i = 0; i < s->n_seeds; i++)
        ran += r->have[i];
      compare_summarise (p, r);
      if (s->json)
        {
          JsonBuilder *b = cli_json_begin ("summary");
          json_builder_set_member_name (b, "configuration");
          json_builder_add_string_value (b, s->label[c]);
          compare_json_summary (b, p, r);
          cli_json_emit (b);
          continue;
        }
      if (s->n_configs > 1)
        printf ("%s## %s\n\n", c ? "\n" : "", s->label[c]);
      compare_print_header (p);
      compare_print_table_head (p);
      for (int i = 0; i < s->n_seeds; i++)
        if (r->have[i])
          compare_print_seed (p, r, i);
      if (ran > 0)
        compare_print_summary (p, r, FALSE);
    }
  if (!s->json && s->n_configs > 1)
    print_overview (s);
}

static void
print_end (Sweep *s)
{
  const double seconds = dd_now () - s->started;
  const int run_now = s->n_done - s->n_resumed;

  if (s->json)
    {
      JsonBuilder *b = cli_json_begin ("sweep_end");
      cli_json_int (b, "cells", s->n_cells);
      cli_json_int (b, "ran", run_now);
      cli_json_int (b, "resumed", s->n_resumed);
      cli_json_int (b, "failed", s->n_failed);
      cli_json_int (b, "missing", s->n_cells - s->n_done);
      cli_json_int (b, "ranks", cli_deal_ranks ());
      cli_json_int (b, "threads", s->plan[0].cfg.student.threads);
      json_builder_set_member_name (b, "blas_kernel");
      json_builder_add_string_value (b, dd_blas_kernel ());
      cli_json_double (b, "seconds", seconds);
      cli_json_emit (b);
      return;
    }
  printf ("\n%d of %d cells", s->n_done, s->n_cells);
  if (s->n_resumed > 0)
    printf (" (%d read from %s, %d run now)", s->n_resumed, s->out_path, run_now);
  printf (" in %.1f s on %d %s%s%s, %d thread%s each (OpenBLAS %s kernel).\n", seconds,
          cli_deal_ranks (), cli_deal_ranks () == 1 ? "process" : "ranks",
          cli_deal_ranks () > 1 ? " of " : "", cli_deal_ranks () > 1 ? cli_deal_describe () : "",
          s->plan[0].cfg.student.threads, s->plan[0].cfg.student.threads == 1 ? "" : "s",
          dd_blas_kernel ());
}

/* --- the modes ------------------------------------------------------------- */

/* the cells not done, the largest first (by compare_plan_cost), then by index */
static int
by_cost (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const Sweep *s = user_data;
  const int x = *(const int *) a, y = *(const int *) b;
  const double cx = compare_plan_cost (cell_plan (s, x)), cy = compare_plan_cost (cell_plan (s, y));

  return cx > cy ? -1 : cx < cy ? 1 : (x > y) - (x < y);
}

static int
run_sweep (Sweep *s, const SweepOwn *own)
{
  g_autoptr(GError) error = NULL;
  const gboolean leader = cli_deal_is_leader ();
  g_autofree int *order = g_new (int, s->n_cells);
  int n = 0, status;

  if (leader && own->out && (status = open_out (s, own->out, own->resume)) != 0)
    return status;
  for (int i = 0; i < s->n_cells; i++)
    if (!s->done[i])
      order[n++] = i;
  g_qsort_with_data (order, n, sizeof *order, by_cost, s);
  if (leader && !s->json && s->n_resumed > 0)
    fprintf (stderr, "didact-cli sweep: %d of %d cells are in %s; running the other %d\n",
             s->n_resumed, s->n_cells, s->out_path, n);
  if (!cli_deal (order, n, FALSE, run_cell, cell_done, s, &error))
    return cli_fail ("sweep", CLI_EXIT_FAILURE, "%s", error->message);
  if (!leader)
    return 0;
  print_results (s);
  print_end (s);
  if (s->n_failed > 0)
    return cli_fail ("sweep", CLI_EXIT_FAILURE, "%d of %d cells failed: %s%s", s->n_failed,
                     s->n_cells, s->failed->str,
                     own->out ? "; run the same command with --resume to retry them" : "");
  return 0;
}

/* --cell N: one cell, to --out (written whole, then renamed) or stdout */
static int
run_one_cell (Sweep *s, const SweepOwn *own)
{
  g_autoptr(GError) error = NULL;

  if (own->cell < 0 || own->cell >= s->n_cells)
    return cli_fail ("sweep", CLI_EXIT_USAGE, "--cell %d: this sweep's cells are 0–%d", own->cell,
                     s->n_cells - 1);
  g_autofree char *line = run_cell (own->cell, s, &error);
  if (line == NULL)
    {
      g_autofree char *name = cell_name (s, own->cell);
      return cli_fail ("sweep", CLI_EXIT_FAILURE, "%s failed: %s", name, error->message);
    }
  g_autofree char *header = header_line (s);
  g_autofree char *text = g_strdup_printf ("%s\n%s\n", header, line);
  if (own->out == NULL)
    {
      fputs (text, stdout);
      return 0;
    }
  if (!g_file_set_contents (own->out, text, -1, &error))
    return cli_fail ("sweep", CLI_EXIT_FAILURE, "--out: %s", error->message);
  return 0;
}

static int
list_cells (Sweep *s)
{
  g_autofree int *order = g_new (int, s->n_cells);

  for (int i = 0; i < s->n_cells; i++)
    order[i] = i;
  g_qsort_with_data (order, s->n_cells, sizeof *order, by_cost, s);
  printf ("%d cells (%d configurations × %d seeds), in the order they are dealt:\n\n"
          "| cell | configuration | seed | cost |\n|---:|---|---:|---:|\n",
          s->n_cells, s->n_configs, s->n_seeds);
  for (int k = 0; k < s->n_cells; k++)
    printf ("| %d | %s | %" G_GINT64_FORMAT " | %.3g |\n", order[k], s->label[order[k] / s->n_seeds],
            cell_seed (s, order[k]), compare_plan_cost (cell_plan (s, order[k])));
  return 0;
}

/* --slurm-array SCRIPT: one array task per cell, each writing DIR/cell-N.jsonl */
static int
write_slurm_array (Sweep *s, const SweepOwn *own)
{
  g_autoptr(GError) error = NULL;
  const char *script = own->slurm_array;
  g_autofree char *stem = g_str_has_suffix (script, ".sh")
                          ? g_strndup (script, strlen (script) - 3) : g_strdup (script);
  g_autofree char *dir_given = own->out ? g_strdup (own->out) : g_strconcat (stem, "-cells", NULL);
  g_autofree char *dir = g_canonicalize_filename (dir_given, NULL);
  g_autofree char *program = g_find_program_in_path ("didact-cli");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *time_limit = own->slurm_time ? own->slurm_time : "04:00:00";
  const gboolean text = s->plan[0].cfg.student.net.kind == DD_STUDENT_SEQ2SEQ;
  const int mem = own->slurm_mem != G_MININT ? own->slurm_mem : text ? 4096 : 2048;
  g_autoptr(GString) command = g_string_new (NULL);
  int h, m, sec;
  char tail;

  if (sscanf (time_limit, "%d:%d:%d%c", &h, &m, &sec, &tail) != 3 || h < 0 || m < 0 || m > 59 ||
      sec < 0 || sec > 59)
    return cli_fail ("sweep", CLI_EXIT_USAGE, "--slurm-time “%s”: not HH:MM:SS", time_limit);
  if (own->slurm_mem != G_MININT && own->slurm_mem < 1)
    return cli_fail ("sweep", CLI_EXIT_USAGE, "--slurm-mem %d: must be at least 1 MiB", own->slurm_mem);
  /* the program as found on PATH if it is this one, else this one's own path */
  g_autofree char *quoted_program = g_shell_quote (program && self && g_strcmp0 (program, self) == 0
                                                   ? "didact-cli" : self ? self : "didact-cli");
  g_string_append_printf (command, "%s sweep", quoted_program);
  for (char **a = s->arguments; *a; a++)
    {
      g_autofree char *q = g_shell_quote (*a);
      g_string_append_printf (command, " %s", q);
    }
  for (char **g = s->grid; g && *g; g++)
    {
      g_autofree char *q = g_shell_quote (*g);
      g_string_append_printf (command, " --grid %s", q);
    }
  g_autofree char *qdir = g_shell_quote (dir);
  g_autofree char *body = g_strdup_printf (
    "#!/bin/bash\n"
    "# A Didact sweep as a Slurm array job: %d cells (%d configurations × %d seeds), one\n"
    "# task each. Submit with `sbatch %s`; once the tasks are done, gather them with\n"
    "#   didact-cli sweep --merge %s\n"
    "# A task that failed or was cut short leaves no file; --merge names the missing\n"
    "# cells, and `sbatch --array=LIST %s` runs them again.\n"
    "#SBATCH --job-name=didact-sweep\n"
    "#SBATCH --array=0-%d\n"
    "#SBATCH --ntasks=1\n"
    "#SBATCH --cpus-per-task=%d\n"
    "#SBATCH --mem=%dM\n"
    "#SBATCH --time=%s\n"
    "#SBATCH --output=%s/slurm-%%A_%%a.out\n"
    "set -euo pipefail\n"
    "mkdir -p %s\n"
    "exec %s --cell \"$SLURM_ARRAY_TASK_ID\" --out %s/cell-\"$SLURM_ARRAY_TASK_ID\".jsonl\n",
    s->n_cells, s->n_configs, s->n_seeds, script, qdir, script, s->n_cells - 1,
    s->plan[0].cfg.student.threads, mem, time_limit, dir, qdir, command->str, qdir);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    return cli_fail ("sweep", CLI_EXIT_FAILURE, "--out %s: cannot make the folder: %s", dir,
                     g_strerror (errno));
  if (!g_file_set_contents (script, body, -1, &error) || g_chmod (script, 0755) != 0)
    return cli_fail ("sweep", CLI_EXIT_FAILURE, "--slurm-array: %s",
                     error ? error->message : g_strerror (errno));
  printf ("Wrote %s: %d array tasks of %d CPU%s and %d MiB for at most %s each; their cells go "
          "to %s.\nSubmit it with `sbatch %s`, then gather the cells with `didact-cli sweep "
          "--merge %s`.\n", script, s->n_cells, s->plan[0].cfg.student.threads,
          s->plan[0].cfg.student.threads == 1 ? "" : "s", mem, time_limit, dir, script, qdir);
  return 0;
}

/* --merge DIR: the cells of every *.jsonl in DIR, into the tables */
static int
merge (Sweep *s, const char *dir, GStrv files)
{
  for (char **f = files; *f; f++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_build_filename (dir, *f, NULL);
      gsize good_len;

      if (!read_cells (s, path, &good_len, &error))
        return cli_fail ("sweep", CLI_EXIT_FAILURE, "--merge: %s", error->message);
    }
  s->out_path = dir;
  print_results (s);
  print_end (s);
  if (s->n_done < s->n_cells)
    {
      g_autoptr(GString) missing = g_string_new (NULL);
      for (int i = 0; i < s->n_cells; i++)
        if (!s->done[i])
          g_string_append_printf (missing, "%s%d", missing->len ? "," : "", i);
      return cli_fail ("sweep", CLI_EXIT_FAILURE, "--merge %s: %d of %d cells have no record: %s "
                       "(rerun them with sbatch --array=%s)", dir, s->n_cells - s->n_done,
                       s->n_cells, missing->str, missing->str);
    }
  return 0;
}

static int
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* the *.jsonl of DIR, sorted, and the sweep they record; 0, or the exit
 * status after the message */
static int
merge_definition (const char *dir, GStrv *files, GStrv *arguments, GStrv *grid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return cli_fail ("sweep", CLI_EXIT_FAILURE, "--merge: %s", error->message);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".jsonl"))
      g_ptr_array_add (names, g_strdup (name));
  if (names->len == 0)
    return cli_fail ("sweep", CLI_EXIT_FAILURE, "--merge %s: no .jsonl files in it", dir);
  g_ptr_array_sort (names, by_name);
  g_ptr_array_add (names, NULL);
  *files = (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);

  g_autofree char *path = g_build_filename (dir, (*files)[0], NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error))
    return cli_fail ("sweep", CLI_EXIT_FAILURE, "--merge: %s", error->message);
  char *nl = strchr (text, '\n');
  if (nl)
    *nl = '\0';
  if (!read_header (text, arguments, grid, &error))
    return cli_fail ("sweep", CLI_EXIT_FAILURE, "--merge: %s: %s", path, error->message);
  return 0;
}

static int
check_modes (const SweepOwn *own, GStrv arguments)
{
  const int modes = (own->slurm_array != NULL) + (own->merge != NULL) + (own->cell != G_MININT) +
                    own->list;

  if (modes > 1)
    return cli_fail ("sweep", CLI_EXIT_USAGE, "--slurm-array, --merge, --cell and --list: "
                     "give one at most");
  if (own->resume && (own->out == NULL || modes > 0))
    return cli_fail ("sweep", CLI_EXIT_USAGE, "--resume goes on with the sweep in --out FILE; "
                     "give --out, and none of --slurm-array, --merge, --cell or --list");
  if ((own->slurm_time || own->slurm_mem != G_MININT) && own->slurm_array == NULL)
    return cli_fail ("sweep", CLI_EXIT_USAGE, "--slurm-time and --slurm-mem go with --slurm-array");
  if (own->merge && ((arguments[0] != NULL && (strcmp (arguments[0], "--json") != 0 || arguments[1]))
                     || own->grid || own->out))
    return cli_fail ("sweep", CLI_EXIT_USAGE, "--merge reads the sweep's options from its files; "
                     "give no other option (but --json)");
  if (own->out && !own->slurm_array && !cli_check_output_path ("sweep", "out", own->out))
    return CLI_EXIT_USAGE;
  if (own->slurm_array && !cli_check_output_path ("sweep", "slurm-array", own->slurm_array))
    return CLI_EXIT_USAGE;
  return 0;
}

int
cli_sweep (int argc, char **argv)
{
  g_auto(CompareOptions) o = { 0 };
  g_auto(SweepOwn) own = { .cell = G_MININT, .slurm_mem = G_MININT };
  g_auto(Sweep) s = { 0 };
  g_auto(GStrv) files = NULL;
  int status;

  /* the whole command line, for --help and every option's own check */
  compare_options_init (&o);
  {
    g_autofree GOptionEntry *entries = sweep_entries (&o, &own);
    int argc_copy = argc;
    g_autofree char **view = g_memdup2 (argv, sizeof (char *) * (gsize) (argc + 1));
    if (!cli_parse_options ("sweep", NULL, summary, entries, &argc_copy, &view))
      return CLI_EXIT_USAGE;
  }
  s.started = dd_now ();
  s.arguments = compare_arguments (argc, argv);
  if ((status = check_modes (&own, s.arguments)) != 0)
    return status;
  if (own.merge)
    {
      g_strfreev (s.arguments);
      s.arguments = NULL;
      if ((status = merge_definition (own.merge, &files, &s.arguments, &s.grid)) != 0)
        return status;
    }
  else
    s.grid = g_strdupv (own.grid);
  if (!parse_grid (&s))
    return CLI_EXIT_USAGE;
  if ((status = plan_sweep (&s)) != 0)
    return status;
  if (o.teach.json)  /* --merge --json: the files' sweep may have printed tables */
    {
      s.json = TRUE;
      for (int c = 0; c < s.n_configs; c++)
        s.plan[c].json = TRUE;
    }
  s.res = g_new0 (CompareResults, s.n_configs);
  for (int c = 0; c < s.n_configs; c++)
    compare_results_init (&s.res[c], s.n_seeds);
  s.done = g_new0 (gboolean, s.n_cells);
  s.failed = g_string_new (NULL);

  if (own.merge)
    {
      if (!cli_deal_is_leader ())
        return 0;
      return merge (&s, own.merge, files);
    }
  if (own.slurm_array || own.list || own.cell != G_MININT)
    {
      if (!cli_deal_is_leader ())
        return 0;
      return own.slurm_array ? write_slurm_array (&s, &own)
             : own.list ? list_cells (&s) : run_one_cell (&s, &own);
    }
  return run_sweep (&s, &own);
}
