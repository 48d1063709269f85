/* teach-probe.c: prints M and dθ of the shared problem in the tools' precision
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by test-teach, which compares the single-precision reverse pass with
 * its own double-precision one. Usage: teach-probe KIND OBJECTIVE MOMENTUM
 */
#include "teach-common.h"

#include <stdio.h>
#include <stdlib.h>

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  DdTeacherKind kind;
  DdObjective objective;
  DdTeachConfig cfg;
  double M;

  if (argc != 4 || !dd_teacher_kind_parse (argv[1], &kind) ||
      !dd_objective_parse (argv[2], &objective))
    {
      fprintf (stderr, "usage: teach-probe fixed|gated|neural smooth-error|dev-ce MOMENTUM\n");
      return 2;
    }
  g_autoptr(DdData) data = dd_data_load ("digits", &error);
  if (data == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  teach_problem_config (&cfg, kind, objective, g_ascii_strtod (argv[3], NULL));
  g_autoptr(DdTeach) teach = teach_problem_new (&cfg, data);
  if (!dd_teach_window_hypergradient (teach, 0, &M, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  DdTeacher *teacher = dd_teach_get_teacher (teach);
  printf ("%s %.17g %zu\n", DD_REAL_NAME, M, teacher->n_params);
  for (size_t i = 0; i < teacher->n_params; i++)
    printf ("%.17g\n", (double) teacher->grads[i]);
  return 0;
}
