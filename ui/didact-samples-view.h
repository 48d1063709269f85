/* didact-samples-view.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DIDACT_TYPE_SAMPLES_VIEW (didact_samples_view_get_type ())
G_DECLARE_FINAL_TYPE (DidactSamplesView, didact_samples_view, DIDACT, SAMPLES_VIEW, GtkWidget)

/* Translation samples of a student trained live: for each of a fixed list
 * of dev sentences its source, its reference and, for each arm (a training
 * branch with a name and a colour), the arm's latest hypothesis, with the
 * words that changed since the arm's previous hypothesis for the sentence
 * highlighted, and its sentence BLEU. Until the first hypothesis arrives it
 * shows an empty state. */
GtkWidget *didact_samples_view_new              (void);

/* The fixed sentences (copied; NULL entries count as empty). Clears every
 * arm's hypotheses. */
void       didact_samples_view_set_sentences    (DidactSamplesView   *self,
                                                 guint                n,
                                                 const char *const   *sources,
                                                 const char *const   *references);
guint      didact_samples_view_get_n_sentences  (DidactSamplesView   *self);

/* The arms' names and colours (copied; a NULL colours array takes grey).
 * Existing hypotheses of arms that keep their index stay; those of arms
 * beyond the new count are dropped. */
void       didact_samples_view_set_arms         (DidactSamplesView   *self,
                                                 guint                n_arms,
                                                 const char *const   *names,
                                                 const GdkRGBA       *colors);
guint      didact_samples_view_get_n_arms       (DidactSamplesView   *self);

/* The hypothesis of @arm for @sentence (copied). Words are separated by
 * white space; a word counts as changed when a word-level longest common
 * subsequence with the previous hypothesis of (@sentence, @arm) leaves it
 * unmatched. The first hypothesis of a pair has nothing highlighted, and
 * setting the same text again leaves nothing changed. @bleu in [0, 100] is
 * shown with one decimal; NaN hides it. Updates only this row's labels. */
void       didact_samples_view_set_hypothesis   (DidactSamplesView   *self,
                                                 guint                sentence,
                                                 guint                arm,
                                                 const char          *hypothesis,
                                                 double               bleu);

/* The header line: the step the latest hypotheses were decoded at; a
 * negative step hides it. */
void       didact_samples_view_set_step         (DidactSamplesView   *self,
                                                 gint64               step);
gint64     didact_samples_view_get_step         (DidactSamplesView   *self);

/* For tests: the Pango markup shown for (@sentence, @arm) (NULL before its
 * first hypothesis; free with g_free), how many of its words are
 * highlighted as changed, the BLEU label's text as shown (NULL when
 * hidden) and the row's accessible label (NULL before its first
 * hypothesis). */
char      *didact_samples_view_dup_hypothesis_markup (DidactSamplesView *self,
                                                      guint              sentence,
                                                      guint              arm);
guint      didact_samples_view_get_n_changed    (DidactSamplesView   *self,
                                                 guint                sentence,
                                                 guint                arm);
char      *didact_samples_view_dup_bleu_text    (DidactSamplesView   *self,
                                                 guint                sentence,
                                                 guint                arm);
char      *didact_samples_view_dup_row_label    (DidactSamplesView   *self,
                                                 guint                sentence,
                                                 guint                arm);
/* TRUE while the empty state (no hypothesis yet) is shown. */
gboolean   didact_samples_view_get_empty        (DidactSamplesView   *self);

G_END_DECLS
