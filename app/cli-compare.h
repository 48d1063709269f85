/* cli-compare.h: what `compare` and `sweep` share
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A compare is a sweep of one configuration over seeds: both parse the same
 * options into a ComparePlan, run a seed of it as one cell whose result is a
 * JSON line (so that it can travel between MPI ranks and sit in a sweep's
 * JSON Lines file), read that line back, and print the same tables.
 */
#pragma once

#include "cli-teach-options.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  TeachOptions teach;
  char        *arms;      /* --arms */
  gboolean     transfer;  /* --transfer */
  char        *beam;      /* --beam (de-en) */
} CompareOptions;

void          compare_options_init    (CompareOptions *o);
void          compare_options_clear   (CompareOptions *o);
/* compare's options (the teach options, --arms, --transfer, --beam); free the array */
GOptionEntry *compare_options_entries (CompareOptions *o);
/* the --help summary of compare */
char         *compare_summary         (void);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CompareOptions, compare_options_clear)

typedef enum {
  MEASURE_TEST_ERROR,
  MEASURE_BALANCED_ERROR,
  MEASURE_TEST_BLEU,
} CompareMeasure;

/* what to run, checked */
typedef struct {
  DdTeachConfig   cfg;
  DdCompareConfig cc;
  DdScenario      scenario;
  const char     *dataset;
  gint64          first_seed;
  int             n_seeds;
  gboolean        json;
  CompareMeasure  measure;
  int             arm[DD_COMPARE_N_ARMS];  /* the arms run, in their order */
  int             n_arms;
} ComparePlan;

/* the options into a plan, every value checked; FALSE after a usage error
 * printed for @command */
gboolean compare_plan (const char *command, const CompareOptions *o, ComparePlan *plan);
/* steps × batch × a per-student weight: a rough cost, to deal big cells first */
double   compare_plan_cost (const ComparePlan *plan);

/* what the seeds gave */
typedef struct {
  DdCompareSeed  *seed;                          /* (n_seeds) */
  gboolean       *have;                          /* (n_seeds) seed i has run */
  double         *value_block;
  double         *value[DD_COMPARE_N_ARMS];      /* value[a][i]: arm a's measure at seed i */
  DdCompareStats  stats[DD_COMPARE_N_ARMS];
  DdPaired        paired[DD_COMPARE_N_ARMS];     /* taught against each other arm */
  int             best_fixed;                    /* smooth or margin by mean; -1: neither ran */
  double          started;
} CompareResults;

void compare_results_init  (CompareResults *r, int n_seeds);
void compare_results_clear (CompareResults *r);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CompareResults, compare_results_clear)

/* Seed @i of the plan (first_seed + i) on @data: its own draw of the
 * scenario, every arm. Returns the JSON builder of its record (event
 * @event, the object still open for the caller's members; finish it with
 * cli_json_line), or NULL and @error. @progress: show a progress bar. */
JsonBuilder *compare_run_seed  (const ComparePlan *plan, const DdData *data, int i,
                                const char *event, gboolean progress, GError **error);
/* A record written by compare_run_seed back into @out. */
gboolean     compare_read_seed (const ComparePlan *plan, JsonObject *record, DdCompareSeed *out,
                                GError **error);
/* the seed's values into @res (seed i) */
void         compare_store_seed (const ComparePlan *plan, CompareResults *res, int i,
                                 const DdCompareSeed *seed);
/* statistics over the seeds that ran, and taught's paired differences */
void         compare_summarise  (const ComparePlan *plan, CompareResults *res);

void compare_print_header     (const ComparePlan *plan);
void compare_print_table_head (const ComparePlan *plan);
void compare_print_seed       (const ComparePlan *plan, const CompareResults *res, int i);
void compare_print_summary    (const ComparePlan *plan, const CompareResults *res,
                               gboolean with_time);
/* the summary record's members into an open builder */
void compare_json_summary     (JsonBuilder *b, const ComparePlan *plan, const CompareResults *res);
/* a measure as printed: errors in percent, BLEU as it is */
double compare_shown (const ComparePlan *plan, double v);

G_END_DECLS
