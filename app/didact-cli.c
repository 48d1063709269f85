/* didact-cli.c: the headless command-line tool of Didact
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"
#include "cli.h"
#include "cli-deal.h"
#include "cli-output.h"
#include "didact-engine.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} commands[] = {
  { "train",    cli_train,    "Train a student on a fixed loss" },
  { "teach",    cli_teach,    "Teach a student with a dynamic loss (L2T-DLF)" },
  { "compare",  cli_compare,  "Cross-entropy against L2T-DLF over seeds (transfer protocol)" },
  { "sweep",    cli_sweep,    "A grid of compare configurations over seeds, here, on MPI ranks or as a Slurm array" },
  { "datasets", cli_datasets, "List the datasets, where they are and how to install the missing ones" },
  { "bench",    cli_bench,    "Measure training speed against the BLAS peak and a PyTorch reference" },
  { "replay",   cli_replay,   "Open a session file: describe it, continue it, save, export or check it" },
  { "bleu",     cli_bleu,     "Corpus BLEU of a hypothesis file against a reference file" },
};

static void
usage (FILE *out)
{
  fprintf (out, "Usage:\n  didact-cli COMMAND [OPTION…]\n\n"
                "Teach students with dynamic loss functions (L2T-DLF), headless.\n\n"
                "Commands:\n");
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun “didact-cli COMMAND --help” for the options of a command.\n");
}

/* "train, teach, …": the commands, as the unknown command's message lists them */
static char *
command_names (void)
{
  GString *s = g_string_new (NULL);

  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", commands[i].name);
  return g_string_free (s, FALSE);
}

/* the entry of "--name" or "-c" (arg as given, up to any '='), or NULL */
static const GOptionEntry *
find_entry (const GOptionEntry *entries, const char *arg, gsize len)
{
  for (const GOptionEntry *e = entries; e->long_name != NULL; e++)
    {
      if (*e->long_name == '\0')
        continue;
      if (len > 2 && arg[1] == '-' && strlen (e->long_name) == len - 2 &&
          strncmp (arg + 2, e->long_name, len - 2) == 0)
        return e;
      if (len == 2 && arg[1] != '-' && e->short_name == arg[1])
        return e;
    }
  return NULL;
}

static gboolean
takes_value (const GOptionEntry *e)
{
  return e->arg != G_OPTION_ARG_NONE && !(e->flags & G_OPTION_FLAG_NO_ARG);
}

/* "--json=yes": GOption drops the value of an option that takes none */
static gboolean
check_values_of_flags (const char *command, const GOptionEntry *entries, int argc, char **argv)
{
  for (int i = 1; i < argc && strcmp (argv[i], "--") != 0; i++)
    {
      const char *eq = strchr (argv[i], '=');
      const GOptionEntry *e;

      if (argv[i][0] != '-' || eq == NULL ||
          (e = find_entry (entries, argv[i], (gsize) (eq - argv[i]))) == NULL)
        continue;
      if (!takes_value (e))
        {
          cli_fail (command, CLI_EXIT_USAGE, "--%s takes no value (“%s” given)", e->long_name, eq + 1);
          return FALSE;
        }
    }
  return TRUE;
}

/* GOption's "Invalid byte sequence in conversion input" names nothing: the
 * option whose value is not UTF-8 (file names may be any bytes) */
static void
fail_invalid_utf8 (const char *command, const GOptionEntry *entries, int argc, char **argv,
                   const GError *error)
{
  for (int i = 1; i < argc && strcmp (argv[i], "--") != 0; i++)
    {
      const char *eq = strchr (argv[i], '=');
      const char *value = NULL;
      const GOptionEntry *e = NULL;

      if (argv[i][0] != '-')
        continue;
      if (eq != NULL)
        {
          e = find_entry (entries, argv[i], (gsize) (eq - argv[i]));
          value = eq + 1;
        }
      else if ((e = find_entry (entries, argv[i], strlen (argv[i]))) != NULL && takes_value (e) &&
               i + 1 < argc)
        value = argv[++i];
      if (e == NULL || value == NULL || e->arg == G_OPTION_ARG_FILENAME ||
          e->arg == G_OPTION_ARG_FILENAME_ARRAY || g_utf8_validate (value, -1, NULL))
        continue;
      cli_fail (command, CLI_EXIT_USAGE, "--%s “%s”: not valid UTF-8", e->long_name, value);
      return;
    }
  cli_fail (command, CLI_EXIT_USAGE, "%s", error->message);
}

/* the number options' values before parsing, to tell the ones given */
static double *
save_doubles (const GOptionEntry *entries)
{
  gsize n = 0;

  for (const GOptionEntry *e = entries; e->long_name != NULL; e++)
    n++;
  double *saved = g_new0 (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    if (entries[i].arg == G_OPTION_ARG_DOUBLE)
      saved[i] = *(double *) entries[i].arg_data;
  return saved;
}

/* GOption takes "nan" and "inf" for a number: no option means them */
static gboolean
check_finite (const char *command, const GOptionEntry *entries, const double *saved)
{
  for (gsize i = 0; entries[i].long_name != NULL; i++)
    {
      const double v = entries[i].arg == G_OPTION_ARG_DOUBLE ? *(double *) entries[i].arg_data : 0;

      if (!isfinite (v) && memcmp (&v, &saved[i], sizeof v) != 0)
        {
          cli_fail (command, CLI_EXIT_USAGE, "--%s %g: not a finite number", entries[i].long_name, v);
          return FALSE;
        }
    }
  return TRUE;
}

GOptionEntry *
cli_entries_join (const GOptionEntry *first, const GOptionEntry *more, gsize n_more)
{
  GArray *all = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));

  for (const GOptionEntry *e = first; e->long_name; e++)
    g_array_append_val (all, *e);
  g_array_append_vals (all, more, (guint) n_more);
  return (GOptionEntry *) g_array_free (all, FALSE);
}

gboolean
cli_parse_options (const char *command, const char *parameter_string,
                   const char *summary, const GOptionEntry *entries,
                   int *argc, char ***argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (parameter_string);
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("didact-cli %s", command);
  g_autofree double *saved = save_doubles (entries);
  /* GOption removes what it parsed from argv: a copy for the messages */
  g_auto(GStrv) args = g_new0 (char *, *argc + 1);

  for (int i = 0; i < *argc; i++)
    args[i] = g_strdup ((*argv)[i]);
  g_set_prgname (prgname);
  g_option_context_set_summary (ctx, summary);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!check_values_of_flags (command, entries, *argc, args))
    return FALSE;
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      if (error->domain == G_CONVERT_ERROR)
        fail_invalid_utf8 (command, entries, g_strv_length (args), args, error);
      else
        cli_fail (command, CLI_EXIT_USAGE, "%s", error->message);
      return FALSE;
    }
  if (!check_finite (command, entries, saved))
    return FALSE;
  if (*argc > 1)
    {
      cli_fail (command, CLI_EXIT_USAGE, "unexpected argument “%s” (see --help)", (*argv)[1]);
      return FALSE;
    }
  return TRUE;
}

/* one option's text as a number: FALSE after a usage error naming the option */
static gboolean
option_integer (const char *command, const char *option, const char *text, gint64 min, gint64 max,
                gint64 *value)
{
  char *end = NULL;
  gint64 v;

  errno = 0;
  v = g_ascii_strtoll (text, &end, 10);
  if (*text == '\0' || g_ascii_isspace (*text) || end == text || *end != '\0')
    return cli_fail (command, CLI_EXIT_USAGE, "--%s “%s”: not a whole number", option, text), FALSE;
  if (errno == ERANGE || v < min || v > max)
    return cli_fail (command, CLI_EXIT_USAGE, "--%s %s: out of range", option, text), FALSE;
  *value = v;
  return TRUE;
}

gboolean
cli_option_int (const char *command, const char *option, const char *text, int *value)
{
  gint64 v;

  if (!option_integer (command, option, text, G_MININT, G_MAXINT, &v))
    return FALSE;
  *value = (int) v;
  return TRUE;
}

gboolean
cli_option_int64 (const char *command, const char *option, const char *text, gint64 *value)
{
  return option_integer (command, option, text, G_MININT64, G_MAXINT64, value);
}

gboolean
cli_option_double (const char *command, const char *option, const char *text, double *value)
{
  char *end = NULL;
  double v;

  errno = 0;
  v = g_ascii_strtod (text, &end);
  if (*text == '\0' || g_ascii_isspace (*text) || end == text || *end != '\0')
    return cli_fail (command, CLI_EXIT_USAGE, "--%s “%s”: not a number", option, text), FALSE;
  if (errno == ERANGE && fabs (v) > 1.0)
    return cli_fail (command, CLI_EXIT_USAGE, "--%s %s: out of range", option, text), FALSE;
  if (!isfinite (v))
    return cli_fail (command, CLI_EXIT_USAGE, "--%s %s: not a finite number", option, text), FALSE;
  *value = v;
  return TRUE;
}

/* See dd_blas_suggest_coretype(): when OpenBLAS fell back to its generic
 * kernels on a CPU it does not know, run again with the kernel that fits.
 * A coretype the user set is always respected (and stops the loop). */
static void
reexec_with_fitting_blas_kernel (char **argv)
{
  const char *core;

  if (g_getenv ("OPENBLAS_CORETYPE") != NULL || (core = dd_blas_suggest_coretype ()) == NULL)
    return;
  g_setenv ("OPENBLAS_CORETYPE", core, TRUE);
  execv ("/proc/self/exe", argv);
  /* not fatal: carry on with the generic kernels */
  g_unsetenv ("OPENBLAS_CORETYPE");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  reexec_with_fitting_blas_kernel (argv);

  if (argc < 2)
    {
      usage (stderr);
      return CLI_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("didact-cli %s\n", PACKAGE_VERSION);
      return 0;
    }
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        /* the commands whose cells can be dealt out to MPI ranks */
        const gboolean dealt = commands[i].run == cli_compare || commands[i].run == cli_sweep;
        if (dealt)
          cli_deal_init (&argc, &argv);
        int status = commands[i].run (argc - 1, argv + 1);
        if (dealt)
          cli_deal_finish ();
        return status;
      }

  g_autofree char *names = command_names ();
  return cli_fail (NULL, CLI_EXIT_USAGE, "unknown command “%s”; commands are %s (see didact-cli --help)",
                   argv[1], names);
}
