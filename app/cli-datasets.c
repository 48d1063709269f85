/* cli-datasets.c: `didact-cli datasets`
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "cli-output.h"
#include "didact-engine.h"

#include <stdio.h>

int
cli_datasets (int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per dataset", NULL },
    { NULL }
  };
  int missing = 0;

  if (!cli_parse_options ("datasets", NULL,
                          "Show which datasets are installed, where, and the command that installs each missing one,\n"
                          "then the training-split scenarios that train, teach and compare take (--scenario).\n"
                          "Set DIDACT_DATA_DIR to a directory holding <name>/ folders to override the search.",
                          entries, &argc, &argv))
    return CLI_EXIT_USAGE;

  for (const char *const *name = dd_dataset_names (); *name; name++)
    {
      const DdDatasetInfo *info = dd_dataset_info (*name);
      g_autoptr(GError) error = NULL;
      g_autofree char *where = dd_dataset_locate (*name, &error);

      missing += where == NULL;
      if (json)
        {
          JsonBuilder *b = cli_json_begin ("dataset");
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, info->name);
          json_builder_set_member_name (b, "title");
          json_builder_add_string_value (b, info->title);
          json_builder_set_member_name (b, "installed");
          json_builder_add_boolean_value (b, where != NULL);
          json_builder_set_member_name (b, where ? "path" : "install");
          json_builder_add_string_value (b, where ? where : info->install_hint);
          cli_json_emit (b);
        }
      else
        {
          /* pad by characters, not bytes: titles may hold "×" */
          int pad = 15 - (int) g_utf8_strlen (info->title, -1);
          if (where)
            printf ("%-14s %s%*s installed   %s\n", info->name, info->title, MAX (pad, 1), "", where);
          else
            printf ("%-14s %s%*s MISSING     install with: %s\n", info->name, info->title,
                    MAX (pad, 1), "", info->install_hint);
        }
    }
  /* the German→English sentence pairs (a single file, not in the image registry) */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *where = dd_corpus_locate (&error);
    const char *title = "German→English";

    missing += where == NULL;
    if (json)
      {
        JsonBuilder *b = cli_json_begin ("dataset");
        json_builder_set_member_name (b, "name");
        json_builder_add_string_value (b, DD_CORPUS_ENV_NAME);
        json_builder_set_member_name (b, "title");
        json_builder_add_string_value (b, title);
        json_builder_set_member_name (b, "installed");
        json_builder_add_boolean_value (b, where != NULL);
        json_builder_set_member_name (b, where ? "path" : "install");
        json_builder_add_string_value (b, where ? where : DD_CORPUS_INSTALL_HINT);
        cli_json_emit (b);
      }
    else
      {
        int pad = 15 - (int) g_utf8_strlen (title, -1);
        if (where)
          printf ("%-14s %s%*s installed   %s\n", DD_CORPUS_ENV_NAME, title, MAX (pad, 1), "", where);
        else
          printf ("%-14s %s%*s MISSING     install with: %s\n", DD_CORPUS_ENV_NAME, title,
                  MAX (pad, 1), "", DD_CORPUS_INSTALL_HINT);
      }
  }
  if (!json && missing)
    printf ("\n%d dataset%s missing; run the command shown to install %s.\n", missing,
            missing == 1 ? " is" : "s are", missing == 1 ? "it" : "each");

  /* the scenarios: changes to the training split only */
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
  return 0;
}
