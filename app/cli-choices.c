/* cli-choices.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine's enums have no count, so each table runs from the first value
 * to the last one the engine declares; a kind added to the engine is added
 * here by moving that bound.
 */
#include "cli.h"
#include "cli-choices.h"
#include "cli-output.h"

#include <string.h>

#define MAX_CHOICES 8

typedef struct {
  int         n;
  int         value[MAX_CHOICES];
  const char *name[MAX_CHOICES];
  char       *note[MAX_CHOICES];  /* --help's "(default)" or remark after the name, or NULL */
  char       *help;
} Table;

/* what a table marks "(default)": the student's defaults are train's
 * (dd_train_config_init) in train's tables and DdTeachConfig.student in
 * teach's and compare's */
typedef struct {
  const DdTrainConfig *student;
  const DdTeachConfig *teach;
  gboolean             train;
} Defaults;

static void
add (Table *t, int value, const char *name, gboolean is_default, const char *remark)
{
  g_assert (t->n < MAX_CHOICES && name != NULL);
  t->value[t->n] = value;
  t->name[t->n] = name;
  if (is_default)
    t->note[t->n] = remark ? g_strdup_printf ("(default; %s)", remark) : g_strdup ("(default)");
  else
    t->note[t->n] = remark ? g_strdup_printf ("(%s)", remark) : NULL;
  t->n++;
}

static void
fill_dataset (Table *t, const Defaults *d)
{
  int i = 0;

  for (const char *const *name = dd_dataset_names (); *name; name++)
    add (t, i++, *name, strcmp (*name, CLI_DEFAULT_DATASET) == 0, NULL);
  add (t, i, DD_CORPUS_ENV_NAME, strcmp (DD_CORPUS_ENV_NAME, CLI_DEFAULT_DATASET) == 0,
       "German→English sentences");
}

static void
fill_student (Table *t, const Defaults *d)
{
  for (DdStudentKind k = DD_STUDENT_MLP; k <= DD_STUDENT_SEQ2SEQ; k++)
    add (t, k, dd_student_kind_name (k), k == d->student->net.kind,
         k == DD_STUDENT_SEQ2SEQ ? "for " DD_CORPUS_ENV_NAME : NULL);
}

static void
fill_teacher (Table *t, const Defaults *d)
{
  for (DdTeacherKind k = DD_TEACHER_FIXED; k <= DD_TEACHER_NEURAL; k++)
    add (t, k, dd_teacher_kind_name (k), k == d->teach->teacher, NULL);
}

static void
fill_protocol (Table *t, const Defaults *d)
{
  for (DdProtocol p = DD_PROTOCOL_EPISODIC; p <= DD_PROTOCOL_CONTINUAL; p++)
    add (t, p, dd_protocol_name (p), p == d->teach->protocol, NULL);
}

static void
fill_objective (Table *t, const Defaults *d)
{
  for (DdObjective o = DD_OBJECTIVE_SMOOTH_ERROR; o <= DD_OBJECTIVE_DEV_CE; o++)
    add (t, o, dd_objective_name (o), o == d->teach->objective, NULL);
}

static void
fill_teacher_optimizer (Table *t, const Defaults *d)
{
  add (t, DD_OPTIM_SGD, dd_optim_kind_name (DD_OPTIM_SGD),
       d->teach->teacher_optimizer == DD_OPTIM_SGD && d->teach->teacher_momentum == 0.0, NULL);
  add (t, CLI_OPTIMIZER_SGD_MOMENTUM, "momentum", FALSE,
       "ρ = " G_STRINGIFY (CLI_TEACHER_MOMENTUM));
  add (t, DD_OPTIM_ADAM, dd_optim_kind_name (DD_OPTIM_ADAM),
       d->teach->teacher_optimizer == DD_OPTIM_ADAM, NULL);
}

static void
fill_start (Table *t, const Defaults *d)
{
  static const char *const remarks[] = {
    [DD_PHI_NORMALISED] = "cross-entropy until log p_y < −1/ε₀, bounded beyond",
    [DD_PHI_PAPER] = "−σ(log p_y), the paper's",
  };

  for (DdPhiForm f = DD_PHI_NORMALISED; f <= DD_PHI_PAPER; f++)
    add (t, f, dd_phi_form_name (f), f == d->teach->start.form, remarks[f]);
}

static void
fill_teacher_step (Table *t, const Defaults *d)
{
  static const char *const remarks[] = {
    [DD_TEACHER_STEP_TRUST] = "normalised steps tried on the window and accepted on held-out dev",
    [DD_TEACHER_STEP_PLAIN] = "the teacher optimiser's step, untested",
  };

  for (DdTeacherStep s = DD_TEACHER_STEP_TRUST; s <= DD_TEACHER_STEP_PLAIN; s++)
    add (t, s, dd_teacher_step_name (s), s == d->teach->teacher_step, remarks[s]);
}

/* the schedule is a flag (DdTrainConfig.cosine): its values are FALSE and TRUE */
static void
fill_schedule (Table *t, const Defaults *d)
{
  const char *end = d->train ? "to zero at the end" : "to zero at the end of the horizon or budget";

  for (int cosine = FALSE; cosine <= TRUE; cosine++)
    add (t, cosine, dd_schedule_name (cosine), cosine == !!d->student->cosine,
         cosine ? end : NULL);
}

/* the training losses; DD_LOSS_SMOOTH_ERROR, after them, is the teacher's dev
 * measure */
static void
fill_loss (Table *t, const Defaults *d)
{
  for (DdLossKind k = DD_LOSS_CE; k <= DD_LOSS_DLF; k++)
    add (t, k, dd_loss_kind_name (k), k == d->student->loss,
         k == DD_LOSS_DLF ? "the paper's L2T-DLF loss at Φ = (I, 0)" : NULL);
}

static void
fill_optimizer (Table *t, const Defaults *d)
{
  for (DdOptimKind k = DD_OPTIM_SGD; k <= DD_OPTIM_ADAM; k++)
    add (t, k, dd_optim_kind_name (k), k == d->student->optimizer, NULL);
}

static void
fill_arms (Table *t, const Defaults *d)
{
  for (DdCompareArm a = 0; a < DD_COMPARE_N_ARMS; a++)
    add (t, a, dd_compare_arm_name (a), FALSE, NULL);
}

static const struct {
  const char *option;
  const char *lead;          /* --help words before the list, or NULL */
  const char *tail;          /* --help words after it, or NULL */
  gboolean    set;           /* a comma-separated set of the names, not one of them */
  void      (*fill) (Table *t, const Defaults *defaults);
  gboolean    train;         /* train's table: its defaults are dd_train_config_init's */
} specs[CLI_N_OPTIONS] = {
  [CLI_OPTION_DATASET] = { "--dataset", NULL, NULL, FALSE, fill_dataset },
  [CLI_OPTION_STUDENT] = { "--student", NULL, NULL, FALSE, fill_student },
  [CLI_OPTION_TEACHER] = { "--teacher", NULL, NULL, FALSE, fill_teacher },
  [CLI_OPTION_PROTOCOL] = { "--protocol", NULL, NULL, FALSE, fill_protocol },
  [CLI_OPTION_OBJECTIVE] = { "--objective", NULL, NULL, FALSE, fill_objective },
  [CLI_OPTION_TEACHER_OPTIMIZER] = { "--teacher-optimizer", NULL, NULL, FALSE,
                                     fill_teacher_optimizer },
  [CLI_OPTION_START] = { "--start", "The loss's initial point: ", NULL, FALSE, fill_start },
  [CLI_OPTION_TEACHER_STEP] = { "--teacher-step", NULL, NULL, FALSE, fill_teacher_step },
  [CLI_OPTION_SCHEDULE] = { "--schedule", "Student learning rate over the taught steps: ", NULL,
                            FALSE, fill_schedule },
  [CLI_OPTION_ARMS] = { "--arms", "Arms to run, comma-separated: ", " (default all)", TRUE,
                        fill_arms },
  [CLI_OPTION_TRAIN_STUDENT] = { "--student", NULL, NULL, FALSE, fill_student, TRUE },
  [CLI_OPTION_TRAIN_SCHEDULE] = { "--schedule", "Learning rate schedule: ", NULL, FALSE,
                                  fill_schedule, TRUE },
  [CLI_OPTION_LOSS] = { "--loss", NULL, NULL, FALSE, fill_loss, TRUE },
  [CLI_OPTION_OPTIMIZER] = { "--optimizer", NULL, NULL, FALSE, fill_optimizer, TRUE },
};

/* the option's table, built on first use and kept for the program's life */
static Table *
table (CliOption option)
{
  static Table tables[CLI_N_OPTIONS];
  Table *t;

  g_assert ((unsigned) option < CLI_N_OPTIONS);
  t = &tables[option];
  if (t->n == 0)
    {
      DdTeachConfig teach;
      DdTrainConfig train;
      dd_teach_config_init (&teach);
      dd_train_config_init (&train);
      const Defaults d = { specs[option].train ? &train : &teach.student, &teach,
                           specs[option].train };
      specs[option].fill (t, &d);
    }
  return t;
}

/* the option's names as a list, "a, b or c" (a set: "a, b, c"), with the
 * notes of --help or without */
static void
append_names (GString *s, CliOption option, gboolean notes)
{
  const Table *t = table (option);

  for (int i = 0; i < t->n; i++)
    {
      if (i > 0)
        g_string_append (s, i < t->n - 1 || specs[option].set ? ", " : " or ");
      g_string_append (s, t->name[i]);
      if (notes && t->note[i])
        g_string_append_printf (s, " %s", t->note[i]);
    }
}

const char *
cli_choices_help (CliOption option)
{
  Table *t = table (option);

  if (t->help == NULL)
    {
      GString *s = g_string_new (specs[option].lead);
      append_names (s, option, TRUE);
      if (specs[option].tail)
        g_string_append (s, specs[option].tail);
      t->help = g_string_free (s, FALSE);
    }
  return t->help;
}

gboolean
cli_choices_unknown (const char *command, CliOption option, const char *text)
{
  g_autoptr(GString) names = g_string_new (NULL);

  append_names (names, option, FALSE);
  cli_fail (command, CLI_EXIT_USAGE, "%s “%s”: unknown; choose %s", specs[option].option, text,
            names->str);
  return FALSE;
}

gboolean
cli_choices_parse (const char *command, CliOption option, const char *text, int *value)
{
  const Table *t = table (option);

  for (int i = 0; i < t->n; i++)
    if (g_strcmp0 (text, t->name[i]) == 0)
      {
        *value = t->value[i];
        return TRUE;
      }
  return cli_choices_unknown (command, option, text);
}
