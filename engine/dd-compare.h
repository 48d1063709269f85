/* dd-compare.h: does a taught loss beat cross-entropy, a fixed bounded loss
 * and the teacher's own starting point, on the same seeds and minibatches?
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/method.md §6 and §10. For one seed, every arm is a DdTeach built from the
 * same configuration and seed, so all of them start from the same initial
 * weights, see the same minibatches, take the same P cross-entropy warm-up
 * steps and then the same budget of B student steps; they differ only in the
 * loss of those B steps:
 *
 *   ce      cross-entropy                                   (DD_ARM_BASELINE_CE, DD_LOSS_CE)
 *   smooth  label smoothing, ε = 0.1                        (DD_ARM_BASELINE_CE, DD_LOSS_SMOOTH)
 *   margin  additive margin, m = 1                          (DD_ARM_BASELINE_CE, DD_LOSS_MARGIN)
 *   frozen  the teacher's initial loss Φ₀, never updated    (DD_ARM_FROZEN_TEACHER)
 *   taught  L2T-DLF: continual, the teacher updated at every window's end of
 *           the budget, progress running over the budget    (DD_ARM_TAUGHT)
 *
 * With transfer set, the taught arm is instead the transfer protocol: a
 * teacher is first trained as cfg says (episodic or continual, cfg's
 * meta-iterations), and its best teacher by dev error is frozen on a fresh
 * student of the seed for the budget. The frozen arm then isolates what the
 * teacher's training added to its starting point.
 *
 * ce, smooth and margin are the controls that tell gains of teaching from
 * gains of a bounded loss; frozen tells them from gains of the family's
 * initial point. The final students are evaluated on the whole dev and test
 * splits; the test split is only reported.
 *
 * Statistics over seeds (mean, standard deviation, standard error) and the
 * paired comparison of two arms are here too, so that every front end
 * judges a difference the same way.
 */
#pragma once

#include "dd-teach.h"

G_BEGIN_DECLS

typedef enum {
  DD_COMPARE_CE,
  DD_COMPARE_SMOOTH,
  DD_COMPARE_MARGIN,
  DD_COMPARE_FROZEN,
  DD_COMPARE_TAUGHT,
  DD_COMPARE_N_ARMS
} DdCompareArm;

#define DD_COMPARE_ALL_ARMS ((1u << DD_COMPARE_N_ARMS) - 1)

/* "ce", "smooth", "margin", "frozen", "taught" */
const char *dd_compare_arm_name  (DdCompareArm arm);
gboolean    dd_compare_arm_parse (const char *name, DdCompareArm *out);
/* "ce,taught" → a set of arms (bit 1 << arm); FALSE and
 * DD_ERROR_INVALID_ARGUMENT naming an unknown, repeated or empty name */
gboolean    dd_compare_arms_parse (const char *list, guint *arms, GError **error);

typedef struct {
  guint    arms;       /* set of DdCompareArm bits (0: all) */
  gint64   budget;     /* student steps after the warm-up, the same for every arm (≥ 0) */
  gboolean transfer;   /* taught arm: train a teacher first, then freeze it on a fresh student */
  int      beam;       /* translation: test_bleu and dev_bleu by beam search of this width
                        * (≤ 1: greedy); greedy BLEU is measured as well */
} DdCompareConfig;

typedef struct {
  gboolean ran;
  double   test_error;           /* 1 − accuracy (per target token for translation) */
  double   dev_error;            /* on the whole dev split */
  double   balanced_test_error;  /* mean over classes of 1 − class accuracy (NaN for translation) */
  double   test_bleu, dev_bleu;  /* corpus BLEU by the config's decoder (NaN for images) */
  double   greedy_test_bleu, greedy_dev_bleu;  /* the same by greedy decoding */
  double   seconds;
} DdArmResult;

typedef struct {
  guint64     seed;
  DdArmResult arm[DD_COMPARE_N_ARMS];
  /* transfer only (NaN otherwise): the trained teacher's best dev error
   * (on cfg's dev subsample) and the time it took */
  double      teacher_dev_error;
  double      teacher_seconds;
} DdCompareSeed;

/* phase: "teacher" (transfer) or an arm's name; done and total in student steps */
typedef void (*DdCompareProgressFunc) (const char *phase, gint64 done, gint64 total,
                                       gpointer user_data);

/* Run cc's arms for cfg's seed on data. cfg is what `teach` would take (the
 * taught arm's teacher, window and learning rates); its arm, protocol,
 * meta_iterations, horizon and baseline_loss are set per arm here. */
gboolean dd_compare_seed (const DdTeachConfig *cfg, const DdCompareConfig *cc, const DdData *data,
                          DdCompareProgressFunc progress, gpointer user_data,
                          DdCompareSeed *out, GError **error);

/* --- over seeds ------------------------------------------------------------ */

typedef struct {
  double mean;
  double sd;   /* sample standard deviation (n − 1); 0 for one value */
  double se;   /* sd / √n */
} DdCompareStats;

DdCompareStats dd_compare_stats (const double *v, int n);

typedef enum {
  DD_PAIRED_BETTER,        /* better by more than 2 paired standard errors */
  DD_PAIRED_WORSE,         /* worse by more than 2 paired standard errors */
  DD_PAIRED_WITHIN,        /* within 1 paired standard error (a tie at this many seeds) */
  DD_PAIRED_INCONCLUSIVE,  /* between 1 and 2 standard errors, or a single seed */
} DdPairedVerdict;

/* "better", "worse", "within", "inconclusive" */
const char *dd_paired_verdict_name (DdPairedVerdict verdict);

typedef struct {
  double          difference;  /* mean over seeds of a − b */
  double          se;          /* standard error of the per-seed differences */
  DdPairedVerdict verdict;     /* for a against b */
} DdPaired;

/* a[i] against b[i] over n seeds; lower_is_better for errors, FALSE for BLEU */
DdPaired dd_compare_paired (const double *a, const double *b, int n, gboolean lower_is_better);

G_END_DECLS
