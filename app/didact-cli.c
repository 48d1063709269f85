/* didact-cli.c: the headless command-line tool of Didact
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"
#include "cli.h"
#include "cli-output.h"
#include "didact-engine.h"

#include <locale.h>
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

gboolean
cli_parse_options (const char *command, const char *parameter_string,
                   const char *summary, const GOptionEntry *entries,
                   int *argc, char ***argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (parameter_string);
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("didact-cli %s", command);

  g_set_prgname (prgname);
  g_option_context_set_summary (ctx, summary);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      cli_fail (command, CLI_EXIT_USAGE, "%s", error->message);
      return FALSE;
    }
  if (*argc > 1)
    {
      cli_fail (command, CLI_EXIT_USAGE, "unexpected argument “%s” (see --help)", (*argv)[1]);
      return FALSE;
    }
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
      return commands[i].run (argc - 1, argv + 1);

  g_autofree char *names = command_names ();
  return cli_fail (NULL, CLI_EXIT_USAGE, "unknown command “%s”; commands are %s (see didact-cli --help)",
                   argv[1], names);
}
