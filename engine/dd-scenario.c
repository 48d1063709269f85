/* dd-scenario.c: label noise and long tails on the training split
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dd-scenario.h"
#include "dd-dataset.h"
#include "dd-private.h"
#include "dd-rng.h"

#include <math.h>
#include <string.h>

/* mixed into the seed so that the scenario's stream differs from the
 * student's (seeded with the seed itself) and the teacher's */
#define SCENARIO_SEED_MIX G_GUINT64_CONSTANT (0x5ce7a210d15ea5e5)

static const char *const kind_names[] = {
  [DD_SCENARIO_NONE] = "none",
  [DD_SCENARIO_SYMMETRIC] = "symmetric",
  [DD_SCENARIO_PAIR_FLIP] = "pair-flip",
  [DD_SCENARIO_LONG_TAIL] = "long-tail",
};

static const DdScenarioForm forms[] = {
  { "none", "the training split as loaded (the default)" },
  { "symmetric:F", "each training label, with probability F in [0, 1), becomes one of the "
                   "other classes, drawn uniformly" },
  { "pair-flip:F", "each training label y, with probability F in [0, 1), becomes (y + 1) mod C" },
  { "long-tail:F[:N]", "the last N classes (default 5) keep a fraction F in (0, 1] of their "
                       "training examples, chosen at random; the others keep all" },
  { NULL, NULL },
};

const DdScenarioForm *
dd_scenario_forms (void)
{
  return forms;
}

/* ---------------------------------------------------------------------- */
/* Parsing and naming                                                     */

#define REFUSE_SPEC(...) \
  G_STMT_START { \
    g_autofree char *why_ = g_strdup_printf (__VA_ARGS__); \
    g_set_error (error, DD_ERROR, DD_ERROR_INVALID_ARGUMENT, \
                 "scenario “%s”: %s; valid forms: " DD_SCENARIO_SYNTAX, spec, why_); \
    return FALSE; \
  } G_STMT_END

static gboolean
fraction_in_range (DdScenarioKind kind, double f)
{
  if (kind == DD_SCENARIO_LONG_TAIL)
    return f > 0.0 && f <= 1.0;
  return f >= 0.0 && f < 1.0;
}

gboolean
dd_scenario_parse (const char  *spec,
                   DdScenario  *out,
                   GError     **error)
{
  g_auto(GStrv) parts = NULL;
  DdScenario sc = { DD_SCENARIO_NONE, 0.0, DD_SCENARIO_DEFAULT_RARE };
  guint n_parts, k;

  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (spec[0] == '\0')
    REFUSE_SPEC ("empty");
  parts = g_strsplit (spec, ":", 0);
  n_parts = g_strv_length (parts);
  for (k = 0; k < G_N_ELEMENTS (kind_names); k++)
    if (g_str_equal (parts[0], kind_names[k]))
      break;
  if (k == G_N_ELEMENTS (kind_names))
    REFUSE_SPEC ("unknown kind “%s”", parts[0]);
  sc.kind = (DdScenarioKind) k;

  if (sc.kind == DD_SCENARIO_NONE)
    {
      if (n_parts > 1)
        REFUSE_SPEC ("“none” takes no fraction");
      *out = sc;
      return TRUE;
    }

  if (n_parts < 2 || parts[1][0] == '\0')
    REFUSE_SPEC ("the fraction is missing, e.g. %s:%s", parts[0],
                 sc.kind == DD_SCENARIO_LONG_TAIL ? "0.05" : "0.4");
  {
    const char *text = parts[1];
    char *end = NULL;
    double f = g_ascii_isspace (text[0]) ? NAN : g_ascii_strtod (text, &end);
    if (end == NULL || *end != '\0' || !isfinite (f))
      REFUSE_SPEC ("fraction “%s” is not a number", text);
    if (!fraction_in_range (sc.kind, f))
      REFUSE_SPEC ("fraction “%s” is out of range: %s takes F in %s", text, parts[0],
                   sc.kind == DD_SCENARIO_LONG_TAIL ? "(0, 1]" : "[0, 1)");
    sc.fraction = f;
  }

  if (sc.kind == DD_SCENARIO_LONG_TAIL && n_parts >= 3)
    {
      guint64 n = 0;
      if (!g_ascii_string_to_unsigned (parts[2], 10, 1, G_MAXINT, &n, NULL))
        REFUSE_SPEC ("rare-class count “%s” is not a positive integer", parts[2]);
      sc.n_rare = (int) n;
    }
  {
    guint allowed = sc.kind == DD_SCENARIO_LONG_TAIL ? 3 : 2;
    if (n_parts > allowed)
      REFUSE_SPEC ("unexpected “%s” after %s:%s%s%s", parts[allowed], parts[0], parts[1],
                   allowed == 3 ? ":" : "", allowed == 3 ? parts[2] : "");
  }
  *out = sc;
  return TRUE;
}

/* the shortest of %.6g … %.17g that reads back as f: "0.4" for 0.4, but
 * every digit of 0.9999999 (which %.6g rounds to 1, out of a noise range) */
static void
format_fraction (char *buf, gsize size, double f)
{
  for (int digits = 6; digits <= 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, size, format, f);
      if (g_ascii_strtod (buf, NULL) == f)
        return;
    }
}

char *
dd_scenario_name (const DdScenario *sc)
{
  char f[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (sc != NULL && (unsigned) sc->kind < G_N_ELEMENTS (kind_names), NULL);

  if (sc->kind == DD_SCENARIO_NONE)
    return g_strdup ("none");
  format_fraction (f, sizeof f, sc->fraction);
  if (sc->kind == DD_SCENARIO_LONG_TAIL && sc->n_rare != DD_SCENARIO_DEFAULT_RARE)
    return g_strdup_printf ("%s:%s:%d", kind_names[sc->kind], f, sc->n_rare);
  return g_strdup_printf ("%s:%s", kind_names[sc->kind], f);
}

char *
dd_scenario_describe (const DdScenario      *sc,
                      const DdScenarioStats *stats)
{
  char pct[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *what = NULL;

  g_return_val_if_fail (sc != NULL, NULL);

  g_ascii_formatd (pct, sizeof pct, "%.4g", 100.0 * sc->fraction);
  switch (sc->kind)
    {
    case DD_SCENARIO_NONE:
      return g_strdup ("no scenario: the clean training split");
    case DD_SCENARIO_SYMMETRIC:
    case DD_SCENARIO_PAIR_FLIP:
      what = g_strdup_printf ("%s %% %s label noise on the training split", pct,
                              kind_names[sc->kind]);
      if (stats == NULL)
        return g_steal_pointer (&what);
      return g_strdup_printf ("%s: %d of %d labels changed", what, stats->n_changed,
                              stats->n_clean);
    case DD_SCENARIO_LONG_TAIL:
      what = g_strdup_printf ("long tail: the last %d class%s keep%s %s %% of %s training examples",
                              sc->n_rare, sc->n_rare == 1 ? "" : "es", sc->n_rare == 1 ? "s" : "",
                              pct, sc->n_rare == 1 ? "its" : "their");
      if (stats == NULL)
        return g_steal_pointer (&what);
      return g_strdup_printf ("%s: %d of %d examples kept", what, stats->n_kept, stats->n_clean);
    }
  g_return_val_if_reached (NULL);
}

/* ---------------------------------------------------------------------- */
/* Applying a scenario                                                    */

/* a scenario built by hand gets the same checks as a parsed one, plus the
 * ones that need the number of classes */
gboolean
dd_scenario_check (const DdScenario *sc, const DdData *clean, GError **error)
{
  g_return_val_if_fail (sc != NULL && clean != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (clean->train == NULL || clean->dev == NULL || clean->test == NULL)
    DD_REFUSE ("scenarios change the training split of an image set; %s holds sentence "
               "pairs, not labelled images", clean->name ? clean->name : "this set");
  const int C = clean->train->n_classes;
  if ((unsigned) sc->kind >= G_N_ELEMENTS (kind_names))
    DD_REFUSE ("scenario kind %d: unknown; valid forms: " DD_SCENARIO_SYNTAX, (int) sc->kind);
  if (sc->kind == DD_SCENARIO_NONE)
    return TRUE;
  if (!fraction_in_range (sc->kind, sc->fraction))
    DD_REFUSE ("scenario %s: fraction %g is out of range: it takes F in %s",
               kind_names[sc->kind], sc->fraction,
               sc->kind == DD_SCENARIO_LONG_TAIL ? "(0, 1]" : "[0, 1)");
  if (sc->kind != DD_SCENARIO_LONG_TAIL && C < 2)
    DD_REFUSE ("scenario %s: label noise needs at least two classes; %s has %d",
               kind_names[sc->kind], clean->name, C);
  if (sc->kind == DD_SCENARIO_LONG_TAIL && (sc->n_rare < 1 || sc->n_rare >= C))
    DD_REFUSE ("scenario long-tail: %d rare classes; %s has %d classes, so choose 1 to %d",
               sc->n_rare, clean->name, C, C - 1);
  return TRUE;
}

/* changes labels of ds in place; returns how many */
static int
add_label_noise (DdDataset *ds, const DdScenario *sc, DdRng *rng)
{
  const int C = ds->n_classes;
  int changed = 0;

  for (int i = 0; i < ds->n; i++)
    {
      if (dd_rng_uniform (rng) >= sc->fraction)
        continue;
      int y = ds->labels[i];
      if (sc->kind == DD_SCENARIO_PAIR_FLIP)
        ds->labels[i] = (guint8) ((y + 1) % C);
      else /* one of the C − 1 other classes, uniformly */
        ds->labels[i] = (guint8) ((y + 1 + (int) dd_rng_below (rng, (guint32) C - 1)) % C);
      changed++;
    }
  return changed;
}

/* a deep copy of the examples idx[0..count) of ds, in that order */
static DdDataset *
dataset_subset (const DdDataset *ds, const int *idx, int count)
{
  DdDataset *out = g_new (DdDataset, 1);

  *out = *ds; /* geometry, classes, scale, class names */
  out->name = g_strdup (ds->name);
  out->n = count;
  out->pixels = g_new (guint8, MAX ((gsize) count * ds->d, 1));
  out->labels = g_new (guint8, MAX (count, 1));
  for (int i = 0; i < count; i++)
    {
      memcpy (out->pixels + (gsize) i * ds->d, ds->pixels + (gsize) idx[i] * ds->d, ds->d);
      out->labels[i] = ds->labels[idx[i]];
    }
  return out;
}

static DdDataset *
keep_long_tail (const DdDataset *ds, const DdScenario *sc, DdRng *rng)
{
  const int C = ds->n_classes, first_rare = C - sc->n_rare;
  g_autofree int *left = g_new0 (int, C);    /* examples of the class not yet seen */
  g_autofree int *to_keep = g_new0 (int, C); /* of which still to keep */
  g_autofree int *kept = g_new (int, MAX (ds->n, 1));
  int n_kept = 0;

  for (int i = 0; i < ds->n; i++)
    left[ds->labels[i]]++;
  for (int c = 0; c < C; c++)
    to_keep[c] = c < first_rare ? left[c]
                                : MIN (left[c], MAX (1, (int) lround (sc->fraction * left[c])));

  /* selection sampling (Knuth's algorithm S) within each rare class: an
   * example is kept with probability (still to keep) / (not yet seen), which
   * keeps exactly to_keep[c] of them, every subset equally likely, in their
   * original order */
  for (int i = 0; i < ds->n; i++)
    {
      int c = ds->labels[i];
      if (c < first_rare)
        kept[n_kept++] = i;
      else
        {
          if ((int) dd_rng_below (rng, (guint32) left[c]) < to_keep[c])
            {
              kept[n_kept++] = i;
              to_keep[c]--;
            }
          left[c]--;
        }
    }
  return dataset_subset (ds, kept, n_kept);
}

DdData *
dd_data_with_scenario (const DdData      *clean,
                       const DdScenario  *sc,
                       guint64            seed,
                       DdScenarioStats   *stats,
                       GError           **error)
{
  const DdDataset *train;
  DdScenarioStats st = { 0 };
  DdData *data;
  DdRng rng;

  g_return_val_if_fail (clean != NULL && sc != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!dd_scenario_check (sc, clean, error))
    return NULL;
  train = clean->train;
  dd_rng_seed (&rng, seed ^ SCENARIO_SEED_MIX);

  data = g_new0 (DdData, 1);
  data->name = g_strdup (clean->name);
  if (sc->kind == DD_SCENARIO_LONG_TAIL)
    data->train = keep_long_tail (train, sc, &rng);
  else
    {
      data->train = dd_dataset_slice (train, 0, train->n, train->name);
      if (sc->kind != DD_SCENARIO_NONE)
        st.n_changed = add_label_noise (data->train, sc, &rng);
    }
  data->dev = dd_dataset_slice (clean->dev, 0, clean->dev->n, clean->dev->name);
  data->test = dd_dataset_slice (clean->test, 0, clean->test->n, clean->test->name);

  st.n_clean = train->n;
  st.n_kept = data->train->n;
  if (stats != NULL)
    *stats = st;
  return data;
}
