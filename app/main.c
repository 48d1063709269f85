/* main.c: the Didact workbench
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"
#include "didact-application.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  /* an uninstalled build's translations (meson devenv sets this) */
  const char *localedir = g_getenv ("DIDACT_LOCALEDIR");

  /* see didact-cli: OpenBLAS picks generic kernels on CPUs it does not know */
  const char *core = g_getenv ("OPENBLAS_CORETYPE") ? NULL : dd_blas_suggest_coretype ();
  if (core != NULL)
    {
      g_setenv ("OPENBLAS_CORETYPE", core, TRUE);
      execv ("/proc/self/exe", argv);
      g_unsetenv ("OPENBLAS_CORETYPE");
    }

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_autoptr(DidactApplication) app = didact_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
