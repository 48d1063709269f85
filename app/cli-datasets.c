/* cli-datasets.c: `didact-cli datasets`
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "cli-output.h"
#include "didact-engine.h"

#include <stdio.h>

static const char summary[] =
  "Show which datasets are installed, where, and the command that installs each missing one,\n"
  "then the training-split scenarios that train, teach and compare take (--scenario).\n"
  "Set DIDACT_DATA_DIR to a directory holding <name>/ folders to override the search.";

/* one dataset: where it is (NULL: missing) or the command that installs it */
static void
print_dataset (const char *name, const char *title, const char *where, const char *install_hint,
               gboolean json)
{
  if (json)
    {
      JsonBuilder *b = cli_json_begin ("dataset");
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, title);
      json_builder_set_member_name (b, "installed");
      json_builder_add_boolean_value (b, where != NULL);
      json_builder_set_member_name (b, where ? "path" : "install");
      json_builder_add_string_value (b, where ? where : install_hint);
      cli_json_emit (b);
      return;
    }
  /* pad by characters, not bytes: titles may hold "×" */
  int pad = MAX (15 - (int) g_utf8_strlen (title, -1), 1);
  if (where)
    printf ("%-14s %s%*s installed   %s\n", name, title, pad, "", where);
  else
    printf ("%-14s %s%*s MISSING     install with: %s\n", name, title, pad, "", install_hint);
}

/* the scenarios: changes to the training split only */
static void
print_scenarios (gboolean json)
{
  if (!json)
    printf ("\nScenarios (--scenario SPEC for train, teach and compare; F is a fraction, "
            "dev and test stay clean):\n");
  for (const DdScenarioForm *f = dd_scenario_forms (); f->form != NULL; f++)
    {
      if (json)
        {
          JsonBuilder *b = cli_json_begin ("scenario");
          json_builder_set_member_name (b, "form");
          json_builder_add_string_value (b, f->form);
          json_builder_set_member_name (b, "explanation");
          json_builder_add_string_value (b, f->explanation);
          cli_json_emit (b);
        }
      else
        printf ("  %-16s %s\n", f->form, f->explanation);
    }
}

int
cli_datasets (int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per dataset", NULL },
    { NULL }
  };
  int missing = 0;

  if (!cli_parse_options ("datasets", NULL, summary, entries, &argc, &argv))
    return CLI_EXIT_USAGE;

  for (const char *const *name = dd_dataset_names (); *name; name++)
    {
      const DdDatasetInfo *info = dd_dataset_info (*name);
      g_autofree char *where = dd_dataset_locate (*name, NULL);

      missing += where == NULL;
      print_dataset (info->name, info->title, where, info->install_hint, json);
    }
  /* the German→English sentence pairs (a single file, not in the image registry) */
  g_autofree char *corpus = dd_corpus_locate (NULL);
  missing += corpus == NULL;
  print_dataset (DD_CORPUS_ENV_NAME, "German→English", corpus, DD_CORPUS_INSTALL_HINT, json);
  if (!json && missing)
    printf ("\n%d dataset%s missing; run the command shown to install %s.\n", missing,
            missing == 1 ? " is" : "s are", missing == 1 ? "it" : "each");

  print_scenarios (json);
  return 0;
}
