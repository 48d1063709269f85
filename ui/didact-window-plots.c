/* didact-window-plots.c: the window's plot cards and what the session feeds them
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds the cards of the plot grid, keeps one BranchView (series ids and a
 * row in the branches list) per branch, and puts on the plots what the
 * session feed (didact-session-feed.h) reads from the session's records:
 * curves, the update ticks of each window's end, and the journal's edits
 * as markers. The heatmap's contents are didact-window-phi.c's.
 */
#define G_LOG_DOMAIN "Didact-UI"

#include "config.h"
#include "didact-window-private.h"
#include "didact-plot-common.h"

#include <glib/gi18n.h>
#include <math.h>

static const char *metric_titles[N_METRICS] = {
  N_("Training cross-entropy"),
  N_("Teacher's loss L_Φ"),
  N_("Dev error"),
  N_("Test error"),
  N_("Teacher's objective M"),
};

/* --- cards ------------------------------------------------------------------------- */

static GtkWidget *
card_label (const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, css_class);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_tooltip_text (label, text);
  return label;
}

/* The "?" beside a card's title: a popover that tells a class that has
 * never seen L2T-DLF what the plot shows and how to read it. */
static GtkWidget *
info_button (GtkWidget *box)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *text = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (text), 52);
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_widget_set_margin_start (text, 6);
  gtk_widget_set_margin_end (text, 6);
  gtk_widget_set_margin_top (text, 6);
  gtk_widget_set_margin_bottom (text, 6);
  gtk_popover_set_child (GTK_POPOVER (popover), text);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "help-about-symbolic");
  gtk_menu_button_set_has_frame (GTK_MENU_BUTTON (button), FALSE);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "plot-info");
  gtk_widget_set_tooltip_text (button, _("What this plot shows"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("What this plot shows"), -1);
  g_object_set_data (G_OBJECT (box), "info-button", button);
  g_object_set_data (G_OBJECT (box), "info-label", text);
  return button;
}

/* A plot in a card: its title with its "?" (@info), header controls, and a
 * line under the title that says how to read it (PRODUCT: each plot
 * explains itself). */
static GtkWidget *
card (const char *title, const char *explanation, const char *info, GtkWidget *header_extra, GtkWidget *child)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = card_label (title, "heading");
  GtkWidget *space = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "plot-card");
  g_object_set_data (G_OBJECT (box), "title-label", label);
  /* a header with tools (the metrics') leaves the title at least a word */
  gtk_label_set_width_chars (GTK_LABEL (label), 8);
  gtk_box_append (GTK_BOX (head), label);
  gtk_box_append (GTK_BOX (head), info_button (box));
  gtk_widget_set_hexpand (space, TRUE);
  gtk_box_append (GTK_BOX (head), space);
  if (header_extra)
    gtk_box_append (GTK_BOX (head), header_extra);
  gtk_widget_set_margin_start (head, 12);
  gtk_widget_set_margin_end (head, 12);
  gtk_widget_set_margin_top (head, 6);
  gtk_box_append (GTK_BOX (box), head);
  GtkWidget *explain = card_label (explanation, "dim-label");
  gtk_widget_add_css_class (explain, "caption");
  gtk_widget_add_css_class (explain, "plot-explanation");
  gtk_label_set_wrap (GTK_LABEL (explain), TRUE);
  gtk_label_set_lines (GTK_LABEL (explain), 2);
  gtk_widget_set_margin_start (explain, 12);
  gtk_widget_set_margin_end (explain, 12);
  gtk_widget_set_visible (explain, explanation != NULL);
  g_object_set_data (G_OBJECT (box), "explanation-label", explain);
  gtk_box_append (GTK_BOX (box), explain);
  gtk_widget_set_vexpand (child, TRUE);
  gtk_widget_set_hexpand (child, TRUE);
  gtk_widget_set_size_request (child, 200, 140);
  gtk_box_append (GTK_BOX (box), child);
  _didact_window_set_card_title (box, title, explanation, info);
  return box;
}

void
_didact_window_set_card_title (GtkWidget *card_box, const char *title, const char *explanation,
                               const char *info)
{
  GtkLabel *label = g_object_get_data (G_OBJECT (card_box), "title-label");
  GtkLabel *explain = g_object_get_data (G_OBJECT (card_box), "explanation-label");

  gtk_label_set_text (label, title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), title);
  gtk_label_set_text (explain, explanation);
  gtk_widget_set_tooltip_text (GTK_WIDGET (explain), explanation);
  gtk_widget_set_visible (GTK_WIDGET (explain), explanation != NULL);
  GtkWidget *info_button = g_object_get_data (G_OBJECT (card_box), "info-button");
  gtk_label_set_text (g_object_get_data (G_OBJECT (card_box), "info-label"), info);
  gtk_widget_set_visible (info_button, info != NULL);
  /* every card's "?" has the same name: the title tells them apart */
  gtk_accessible_update_property (GTK_ACCESSIBLE (info_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, title, -1);
}

static void
on_metric_changed (GtkDropDown *dropdown, GParamSpec *pspec, DidactWindow *self)
{
  self->metric = gtk_drop_down_get_selected (dropdown);
  for (int b = 0; b < self->n_views; b++)
    for (int m = 0; m < N_METRICS; m++)
      if (self->views[b].series[m])
        didact_plot_set_series_visible (DIDACT_PLOT (self->metrics_plot), self->views[b].series[m],
                                        m == (int) self->metric);
  g_object_set (self->metrics_plot, "y-label", _(metric_titles[self->metric]), NULL);
  didact_line_plot_fit (self->metrics_plot);
}

/* metric chooser, smoothing and log scale in the metrics card's header */
static GtkWidget *
metrics_tools (DidactWindow *self)
{
  const char *titles[N_METRICS + 1];

  for (int m = 0; m < N_METRICS; m++)
    titles[m] = _(metric_titles[m]);
  titles[N_METRICS] = NULL;
  self->metric_dropdown = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (titles));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->metric_dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Metric"), -1);
  g_signal_connect (self->metric_dropdown, "notify::selected", G_CALLBACK (on_metric_changed), self);
  GtkWidget *smooth = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 0.99, 0.01);
  gtk_range_set_value (GTK_RANGE (smooth), 0.6);
  gtk_widget_set_size_request (smooth, 80, -1);
  gtk_widget_set_tooltip_text (smooth, _("Smoothing"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (smooth), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Smoothing"), -1);
  g_object_bind_property (gtk_range_get_adjustment (GTK_RANGE (smooth)), "value",
                          self->metrics_plot, "smoothing", G_BINDING_DEFAULT);
  GtkWidget *log = gtk_toggle_button_new_with_label (_("Log"));
  gtk_widget_set_tooltip_text (log, _("Logarithmic y axis"));
  g_object_bind_property (log, "active", self->metrics_plot, "log-y", G_BINDING_DEFAULT);
  GtkWidget *fit = gtk_button_new_from_icon_name ("zoom-fit-best-symbolic");
  gtk_widget_set_tooltip_text (fit, _("Fit to Data"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (fit), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Fit to Data"), -1);
  g_signal_connect_swapped (fit, "clicked", G_CALLBACK (didact_line_plot_fit), self->metrics_plot);
  GtkWidget *tools = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (tools), GTK_WIDGET (self->metric_dropdown));
  gtk_box_append (GTK_BOX (tools), smooth);
  gtk_box_append (GTK_BOX (tools), log);
  gtk_box_append (GTK_BOX (tools), fit);
  return tools;
}

static void
create_plots (DidactWindow *self)
{
  self->heatmap = g_object_new (DIDACT_TYPE_HEATMAP, "accessible-label", _("Loss coefficients"), NULL);

  self->history_plot = DIDACT_LINE_PLOT (didact_line_plot_new ());
  g_object_set (self->history_plot, "x-label", _("step"), "y-label", _("coefficient"), NULL);

  self->metrics_plot = DIDACT_LINE_PLOT (didact_line_plot_new ());
  g_object_set (self->metrics_plot, "x-label", _("step"), "y-label", _(metric_titles[0]),
                "smoothing", 0.6, NULL);

  self->margins_plot = DIDACT_LINE_PLOT (didact_line_plot_new ());
  /* one legend entry per class (its curve and its baseline's): a click
   * hides or shows the class, the pointer on an entry or a curve picks it
   * out of the tangle */
  g_object_set (self->margins_plot, "x-label", _("step"),
                "y-label", _("dev margin"), "interactive-legend", TRUE, NULL);

  self->distribution_plot = DIDACT_BAR_PLOT (didact_bar_plot_new ());
  g_object_set (self->distribution_plot, "y-label", _("dev margin"), NULL);

  self->bleu_plot = DIDACT_LINE_PLOT (didact_line_plot_new ());
  g_object_set (self->bleu_plot, "x-label", _("step"), "y-label", _("dev BLEU"), NULL);

  self->samples = DIDACT_SAMPLES_VIEW (didact_samples_view_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->samples), 200, 260);
}

static void
place (GtkWidget *grid, GtkWidget *child, int column, int row, int width, int height)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (grid);
  GtkGridLayoutChild *c = GTK_GRID_LAYOUT_CHILD (gtk_layout_manager_get_layout_child (layout, child));

  gtk_grid_layout_child_set_column (c, column);
  gtk_grid_layout_child_set_row (c, row);
  gtk_grid_layout_child_set_column_span (c, width);
  gtk_grid_layout_child_set_row_span (c, height);
}

/* Images: Φ and its history; the metrics; the margins over time and now.
 * Translation: the samples first, two rows tall, so that a class reads
 * them on screen; beside them Φ and the BLEU curve; below, the metrics and
 * the margins. */
static void
place_cards (DidactWindow *self, gboolean text)
{
  GtkWidget *grid = GTK_WIDGET (self->plot_grid);

  if (text)
    {
      place (grid, self->samples_card, 0, 0, 1, 2);
      place (grid, self->heatmap_card, 1, 0, 1, 1);
      place (grid, self->bleu_card, 1, 1, 1, 1);
      place (grid, self->metrics_card, 0, 2, 1, 1);
      place (grid, self->margins_card, 1, 2, 1, 1);
      /* hidden, in cells of rows that are there anyway: an empty row of
       * its own would still take a homogeneous row's height */
      place (grid, self->history_card, 1, 2, 1, 1);
      place (grid, self->distribution_card, 1, 2, 1, 1);
    }
  else
    {
      place (grid, self->heatmap_card, 0, 0, 1, 1);
      place (grid, self->history_card, 1, 0, 1, 1);
      place (grid, self->metrics_card, 0, 1, 2, 1);
      place (grid, self->margins_card, 0, 2, 1, 1);
      place (grid, self->distribution_card, 1, 2, 1, 1);
      place (grid, self->bleu_card, 1, 2, 1, 1);     /* hidden, as above */
      place (grid, self->samples_card, 0, 2, 1, 1);
    }
  /* three rows, as for images, so that the window fits a 1000-pixel screen
   * and Φ's cells stay readable: the history of clicked cells is the card
   * a translation session does without */
  gtk_widget_set_visible (self->history_card, !text);
  gtk_widget_set_visible (self->distribution_card, !text);
  gtk_widget_set_visible (self->bleu_card, text);
  gtk_widget_set_visible (self->samples_card, text);
}

void
_didact_window_build_plots (DidactWindow *self)
{
  create_plots (self);
  /* the heatmap's and the margins' titles and texts follow the session
   * (classes or buckets) */
  self->heatmap_card = card (_("Loss coefficients Φ = (W, log ε, b); column y: true class"), NULL, NULL, NULL,
                             GTK_WIDGET (self->heatmap));
  self->history_card = card (_("Coefficient history (click cells)"),
                         _("The clicked coefficients of the shown branch over steps; red ticks: teacher "
                           "updates rejected, orange diamonds: the teacher reset to its start"),
                         _("How the coefficients you clicked in the heatmap changed over the student’s "
                           "training steps, one line each, as the teacher rewrote the loss. Red ticks mark "
                           "teacher updates that held-out dev data rejected, orange diamonds a teacher reset "
                           "to its starting loss."),
                         NULL, GTK_WIDGET (self->history_plot));
  self->metrics_card = card (_("Metrics"),
                         _("Every branch, the baseline dashed. Ticks on the bottom edge: red, a teacher update "
                           "rejected on held-out dev; faint green, one accepted; an orange diamond, the teacher "
                           "reset to its start. Hover for the numbers."),
                         _("How each student does as it trains, by the measure chosen on the right: its "
                           "training loss, its error on dev or test data it never trains on, or what the "
                           "teacher optimises. The taught student (L2T-DLF) is a solid line, the one trained "
                           "on plain cross-entropy a dashed one: where the taught student’s error lies below "
                           "the dashed line, the teacher’s loss helped."),
                         metrics_tools (self), GTK_WIDGET (self->metrics_plot));
  self->margins_card = card (_("Per-class dev margins"), NULL, NULL, NULL, GTK_WIDGET (self->margins_plot));
  self->distribution_card = card (_("Margins now (baseline faint)"),
                                 _("Each class's dev margin at the timeline's step; the baseline faint behind"),
                                 _("Each class’s margin at the step the timeline shows: the shown branch in "
                                   "colour, the baseline student in grey behind it. A bar above 0 means the "
                                   "class is mostly right; drag the timeline to see an earlier step."),
                                 NULL, GTK_WIDGET (self->distribution_plot));

  /* translation: the corpus BLEU curve beside the margins, the samples below */
  self->bleu_card = card (_("Corpus BLEU on dev sentences (greedy decoding)"),
                          _("How many of the reference's word sequences the translations share: higher is better"),
                          _("How close the translations of dev sentences come to their reference "
                            "translations, as corpus BLEU from 0 to 100: roughly the share of one- to "
                            "four-word sequences they have in common, with a penalty for translations that "
                            "are too short. Higher is better; each branch is one curve."),
                          NULL, GTK_WIDGET (self->bleu_plot));
  self->samples_card = card (_("Translation samples"),
                             _("Dev sentences and each branch’s translation; changed words highlighted"),
                             _("A few fixed dev sentences: the German source, the English reference, and each "
                               "branch’s current translation with its sentence BLEU. Highlighted words changed "
                               "since the branch’s previous translation."),
                             NULL, GTK_WIDGET (self->samples));
  GtkWidget *cards[] = { self->heatmap_card, self->history_card, self->metrics_card,
                         self->margins_card, self->distribution_card, self->bleu_card,
                         self->samples_card };
  for (guint i = 0; i < G_N_ELEMENTS (cards); i++)
    gtk_grid_attach (self->plot_grid, cards[i], 0, (int) i, 1, 1);
  place_cards (self, FALSE);
}

void
_didact_window_plots_start (DidactWindow *self)
{
  didact_bar_plot_set_categories (self->distribution_plot, (const char *const *) self->class_names);
  if (self->text)
    _didact_window_set_card_title (self->margins_card, _("Per-bucket dev margins (reference prefix fed)"),
                                   _("p_y − max p_j of dev tokens, per bucket: above 0 the bucket's words are "
                                     "right on average"),
                                   _("For each bucket of target words, how surely the translator predicts the "
                                     "reference word on dev sentences, given the reference’s earlier words: the "
                                     "word’s probability minus the largest other word’s, averaged. Above 0 the "
                                     "bucket’s words are mostly right; the faint lines are the baseline’s. Click a "
                                     "bucket in the legend to hide it, point at a line or an entry to pick it out."));
  else
    _didact_window_set_card_title (self->margins_card, _("Per-class dev margins"),
                                   _("p_y − max p_j on dev images, per class: above 0 the class is right on "
                                     "average; the baseline faint"),
                                   _("For each class, how surely the student gets its dev images right: the "
                                     "probability it gives the true class minus the largest it gives another, "
                                     "averaged over the class. Above 0 the class is mostly right, below 0 mostly "
                                     "wrong; the faint line behind each is the baseline student’s. Click a class "
                                     "in the legend to hide it, point at a line or an entry to pick it out."));
  place_cards (self, self->text);
  if (self->text)
    {
      const int n = dd_session_n_samples (self->session);
      g_autofree const char **src = g_new0 (const char *, n + 1);
      g_autofree const char **ref = g_new0 (const char *, n + 1);
      for (int i = 0; i < n; i++)
        dd_session_sample (self->session, i, &src[i], &ref[i]);
      didact_samples_view_set_sentences (self->samples, n, src, ref);
      didact_samples_view_set_arms (self->samples, 0, NULL, NULL);
    }
  GdkRGBA color;
  _didact_window_branch_color (0, &color);
  self->dist_series_view = didact_bar_plot_add_series (self->distribution_plot, _("Shown branch"),
                                                       &color, DIDACT_SERIES_SOLID);
  _didact_window_branch_color (1, &color);
  self->dist_series_base = didact_bar_plot_add_series (self->distribution_plot, _("Baseline"),
                                                       &color, DIDACT_SERIES_FAINT);
}

/* --- branch views ---------------------------------------------------------------------- */

static void
clear_line_plot (DidactLinePlot *plot)
{
  didact_plot_remove_all_series (DIDACT_PLOT (plot));
  didact_line_plot_clear_markers (plot);
  didact_line_plot_clear_ticks (plot);
}

void
_didact_window_clear_plots (DidactWindow *self)
{
  clear_line_plot (self->metrics_plot);
  clear_line_plot (self->margins_plot);
  clear_line_plot (self->history_plot);
  clear_line_plot (self->bleu_plot);
  if (self->dist_series_view)
    didact_plot_remove_series (DIDACT_PLOT (self->distribution_plot), self->dist_series_view);
  if (self->dist_series_base)
    didact_plot_remove_series (DIDACT_PLOT (self->distribution_plot), self->dist_series_base);
  self->dist_series_view = self->dist_series_base = 0;
  g_hash_table_remove_all (self->history_series);
  memset (self->views, 0, sizeof self->views);
  self->n_views = 0;
  self->view_branch = 0;
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->branch_list))) != NULL)
    gtk_list_box_remove (self->branch_list, child);
}

static void
on_branch_visible (GtkCheckButton *check, DidactWindow *self)
{
  int b = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (check), "branch"));
  gboolean visible = gtk_check_button_get_active (check);

  for (int m = 0; m < N_METRICS; m++)
    if (self->views[b].series[m])
      didact_plot_set_series_visible (DIDACT_PLOT (self->metrics_plot), self->views[b].series[m],
                                      visible && (int) self->metric == m);
  didact_line_plot_set_tick_group_visible (self->metrics_plot, (guint) b + 1, visible);
}

/* the branches list's row: a colour swatch, the name, visibility */
static GtkWidget *
branch_row (DidactWindow *self, int b, const char *name)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *swatch = gtk_drawing_area_new ();
  g_autofree char *css_class = g_strdup_printf ("branch-%d", b);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_object_set_data (G_OBJECT (check), "branch", GINT_TO_POINTER (b));
  g_signal_connect (check, "toggled", G_CALLBACK (on_branch_visible), self);
  gtk_widget_set_size_request (swatch, 14, 14);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (swatch, "swatch");
  gtk_widget_add_css_class (swatch, css_class);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), swatch);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  return row;
}

/* the samples view's arms are the branches, in their colours */
static void
update_sample_arms (DidactWindow *self)
{
  const int n = self->n_views;
  g_auto(GStrv) names = g_new0 (char *, n + 1);
  g_autofree GdkRGBA *colors = g_new0 (GdkRGBA, MAX (n, 1));

  for (int b = 0; b < n; b++)
    {
      names[b] = _didact_window_branch_name (self, b);
      _didact_window_branch_color (b, &colors[b]);
    }
  didact_samples_view_set_arms (self->samples, n, (const char *const *) names, colors);
}

static void
add_branch_view (DidactWindow *self, int b)
{
  BranchView *v = &self->views[b];
  g_autofree char *name = _didact_window_branch_name (self, b);
  const gboolean baseline = _didact_window_is_baseline (self, b);
  DidactSeriesStyle style = baseline ? DIDACT_SERIES_DASHED : DIDACT_SERIES_SOLID;
  GdkRGBA color;

  _didact_window_branch_color (b, &color);
  for (int m = 0; m < N_METRICS; m++)
    {
      if (baseline && (m == METRIC_TEACHER_LOSS || m == METRIC_OBJECTIVE))
        continue;
      v->series[m] = didact_line_plot_add_series (self->metrics_plot, name, &color, style);
      didact_plot_set_series_visible (DIDACT_PLOT (self->metrics_plot), v->series[m], (int) self->metric == m);
    }

  if (self->text)
    v->bleu_series = didact_line_plot_add_series (self->bleu_plot, name, &color, style);

  v->row = branch_row (self, b, name);
  gtk_list_box_append (self->branch_list, v->row);

  /* the branch picker */
  GtkStringList *list = GTK_STRING_LIST (adw_combo_row_get_model (self->branch_row));
  self->syncing = TRUE;
  gtk_string_list_append (list, name);
  self->syncing = FALSE;
  self->n_views = b + 1;
  if (self->text)
    update_sample_arms (self);
}

/* One margin curve per class (at most MAX_MARGIN_SERIES), read again from
 * the branch's first window record; the baseline's faint, behind. */
static void
add_margin_series (DidactWindow *self, int b)
{
  BranchView *v = &self->views[b];
  const gboolean baseline = b != self->view_branch;

  for (int c = 0; c < MIN (self->C, MAX_MARGIN_SERIES); c++)
    {
      const char *name = self->class_names[c];
      g_autofree char *label = baseline ? g_strdup_printf (_("%s (baseline)"), name) : g_strdup (name);
      GdkRGBA color;
      didact_plot_class_color ((guint) c, &color);
      v->margin_series[c] = didact_line_plot_add_series (self->margins_plot, label, &color,
                                                         baseline ? DIDACT_SERIES_FAINT : DIDACT_SERIES_SOLID);
      didact_plot_set_series_group (DIDACT_PLOT (self->margins_plot), v->margin_series[c], (guint) c + 1);
    }
  v->have_margin_series = TRUE;
  didact_session_feed_rewind (self->feed, DIDACT_FEED_MARGINS, b);
}

static void
ensure_margin_series (DidactWindow *self)
{
  if (self->views[self->view_branch].have_margin_series)
    return;
  /* the baseline behind the shown branch */
  if (dd_session_get_config (self->session)->baseline && self->view_branch != 1
      && !self->views[1].have_margin_series)
    add_margin_series (self, 1);
  add_margin_series (self, self->view_branch);
}

void
_didact_window_add_branches (DidactWindow *self, const DdSessionSnapshot *snap)
{
  for (int b = self->n_views; b < snap->n_branches; b++)
    add_branch_view (self, b);
  ensure_margin_series (self);
}

void
_didact_window_show_branch (DidactWindow *self)
{
  /* margins and coefficient traces follow the shown branch */
  clear_line_plot (self->margins_plot);
  /* the traced coefficients stay traced, emptied here and read again from
   * the new branch's start as the feed rewinds */
  didact_line_plot_clear_markers (self->history_plot);
  didact_line_plot_clear_ticks (self->history_plot);
  GHashTableIter it;
  gpointer series;
  g_hash_table_iter_init (&it, self->history_series);
  while (g_hash_table_iter_next (&it, NULL, &series))
    didact_line_plot_set_series_data (self->history_plot, GPOINTER_TO_UINT (series), NULL, NULL, 0);
  for (int i = 0; i < self->n_views; i++)
    self->views[i].have_margin_series = FALSE;
  didact_session_feed_rewind (self->feed, DIDACT_FEED_PHI, -1);
  ensure_margin_series (self);
  didact_session_feed_rewind (self->feed, DIDACT_FEED_HISTORY_TICKS, -1);
  /* the journal's markers again on the cleared plots (the metrics plot
   * keeps its own) */
  didact_session_feed_rewind_journal (self->feed, DIDACT_FEED_JOURNAL_SHOWN_BRANCH);
}

/* --- the feed's points and marks ---------------------------------------------------------- */

/* the per-step curves; FALSE if the branch has no new step records */
static gboolean
read_steps (DidactWindow *self, const DdSessionSnapshot *snap, int b)
{
  BranchView *v = &self->views[b];
  g_auto(DidactFeedPoints) p = { 0 };
  gboolean replace;

  if (!didact_session_feed_take_steps (self->feed, snap, b, &p, &replace))
    return FALSE;
  const double *ce = didact_feed_points_curve (&p, DIDACT_FEED_STEP_CE);
  const double *loss = didact_feed_points_curve (&p, DIDACT_FEED_STEP_LOSS);
  if (replace)
    {
      didact_line_plot_set_series_data (self->metrics_plot, v->series[METRIC_TRAIN_CE], p.x, ce, p.n);
      if (v->series[METRIC_TEACHER_LOSS])
        didact_line_plot_set_series_data (self->metrics_plot, v->series[METRIC_TEACHER_LOSS], p.x, loss, p.n);
    }
  else if (p.n > 0)
    {
      didact_line_plot_append (self->metrics_plot, v->series[METRIC_TRAIN_CE], p.x, ce, p.n);
      if (v->series[METRIC_TEACHER_LOSS])
        didact_line_plot_append (self->metrics_plot, v->series[METRIC_TEACHER_LOSS], p.x, loss, p.n);
    }
  return TRUE;
}

static void
add_window_points (DidactWindow *self, int b, const DidactFeedRange *range)
{
  BranchView *v = &self->views[b];
  g_auto(DidactFeedPoints) p = { 0 };

  didact_session_feed_window_points (self->feed, b, range, &p);
  if (v->bleu_series)
    didact_line_plot_append (self->bleu_plot, v->bleu_series, p.x,
                             didact_feed_points_curve (&p, DIDACT_FEED_BLEU), p.n);
  didact_line_plot_append (self->metrics_plot, v->series[METRIC_DEV_ERROR], p.x,
                           didact_feed_points_curve (&p, DIDACT_FEED_DEV_ERROR), p.n);
  didact_line_plot_append (self->metrics_plot, v->series[METRIC_TEST_ERROR], p.x,
                           didact_feed_points_curve (&p, DIDACT_FEED_TEST_ERROR), p.n);
  if (v->series[METRIC_OBJECTIVE])
    didact_line_plot_append (self->metrics_plot, v->series[METRIC_OBJECTIVE], p.x,
                             didact_feed_points_curve (&p, DIDACT_FEED_OBJECTIVE), p.n);
}

static void
add_margin_points (DidactWindow *self, int b, const DidactFeedRange *range)
{
  BranchView *v = &self->views[b];
  g_auto(DidactFeedPoints) p = { 0 };

  didact_session_feed_margin_points (self->feed, b, range, &p);
  for (int c = 0; c < MIN (p.n_curves, MAX_MARGIN_SERIES); c++)
    didact_line_plot_append (self->margins_plot, v->margin_series[c], p.x,
                             didact_feed_points_curve (&p, c), p.n);
}

/* How a teacher update at a window's end is marked on the plots: a
 * rejected trust step (a red bar) and a fallback to the initial teacher (an
 * orange diamond) stand out, accepted and plain steps are faint, a window
 * without an update is not marked. FALSE for no mark. */
static gboolean
update_tick (DidactWindow *self, int b, const DdWindowRecord *w, DidactTickShape *shape,
             GdkRGBA *color, char **description)
{
  g_autofree char *name = _didact_window_branch_name (self, b);
  double change = w->holdout_after - w->holdout_before;

  switch (w->verdict)
    {
    case DD_UPDATE_REJECTED:
      *shape = DIDACT_TICK_BAR;
      gdk_rgba_parse (color, "#e01b24");
      if (isfinite (change))
        /* Translators: the read-out of a red tick on the plots: the branch, then
         * how much the tried step raised the objective on held-out dev data,
         * ± its standard error, e.g. "+0.012 ± 0.004" */
        *description = g_strdup_printf (_("%s: teacher update rejected on held-out dev (%+.3f ± %.3f)"),
                                        name, change, w->holdout_se);
      else
        *description = g_strdup_printf (_("%s: teacher update rejected on held-out dev"), name);
      return TRUE;
    case DD_UPDATE_FALLBACK:
      *shape = DIDACT_TICK_DIAMOND;
      gdk_rgba_parse (color, "#e66100");
      if (w->took_shadow)
        /* Translators: the read-out of an orange diamond on the plots when the
         * branch took over the student that the teacher's starting loss trained
         * beside it; the numbers are how much better it did on dev, ± its
         * standard error, e.g. "by 0.012 ± 0.004" */
        *description = g_strdup_printf (_("%s: the starting loss's own student did better on dev "
                                          "(by %.3f ± %.3f); the branch goes on from it, teacher reset"),
                                        name, w->shadow_gap, w->shadow_se);
      else
        /* Translators: the read-out of an orange diamond on the plots */
        *description = g_strdup_printf (_("%s: teacher reset to its start, which did better on held-out dev"),
                                        name);
      return TRUE;
    case DD_UPDATE_ACCEPTED:
      *shape = DIDACT_TICK_FAINT;
      gdk_rgba_parse (color, "#26a269");
      /* Translators: the read-out of a faint green tick; the change of the
       * held-out objective ± its standard error */
      *description = g_strdup_printf (_("%s: teacher update accepted on held-out dev (%+.3f ± %.3f)"),
                                      name, change, w->holdout_se);
      return TRUE;
    case DD_UPDATE_TAKEN:
      *shape = DIDACT_TICK_FAINT;
      gdk_rgba_parse (color, "#26a269");
      *description = g_strdup_printf (_("%s: teacher update taken untested (plain step)"), name);
      return TRUE;
    case DD_UPDATE_NONE:
    default:
      return FALSE;
    }
}

/* the marks of branch b's window records in range on plot */
static void
add_update_ticks (DidactWindow *self, DidactLinePlot *plot, int b, const DidactFeedRange *range,
                  guint group)
{
  for (gint64 i = range->from; i < range->to; i++)
    {
      const DdWindowRecord *w = dd_session_window_record (self->session, b, i);
      g_autofree char *description = NULL;
      DidactTickShape shape;
      GdkRGBA color;

      if (update_tick (self, b, w, &shape, &color, &description))
        didact_line_plot_add_tick (plot, (double) w->step, shape, &color, description, group);
    }
}

/* extends the traces of the selected coefficients */
static void
extend_traces (DidactWindow *self, int b, const DidactFeedRange *range)
{
  GHashTableIter it;
  gpointer key, value;

  g_hash_table_iter_init (&it, self->history_series);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      g_auto(DidactFeedPoints) p = { 0 };
      didact_session_feed_phi_points (self->feed, b, range, GPOINTER_TO_UINT (key) - 1, &p);
      didact_line_plot_append (self->history_plot, GPOINTER_TO_UINT (value), p.x, p.y, p.n);
    }
}

gboolean
_didact_window_read_branch (DidactWindow *self, const DdSessionSnapshot *snap, int b)
{
  DidactSessionFeed *feed = self->feed;
  DidactFeedRange range;
  gboolean changed = read_steps (self, snap, b);

  if (didact_session_feed_take (feed, DIDACT_FEED_WINDOWS, snap, b, &range))
    {
      add_window_points (self, b, &range);
      add_update_ticks (self, self->metrics_plot, b, &range, (guint) b + 1);
      changed = TRUE;
    }
  if (self->views[b].have_margin_series && didact_session_feed_take (feed, DIDACT_FEED_MARGINS, snap, b, &range))
    {
      add_margin_points (self, b, &range);
      changed = TRUE;
    }
  if (b != self->view_branch)
    return changed;
  if (didact_session_feed_take (feed, DIDACT_FEED_HISTORY_TICKS, snap, b, &range))
    add_update_ticks (self, self->history_plot, b, &range, 0);
  if (didact_session_feed_take (feed, DIDACT_FEED_PHI, snap, b, &range))
    {
      extend_traces (self, b, &range);
      changed = TRUE;
    }
  return changed;
}

void
_didact_window_toggle_trace (DidactWindow *self, guint coefficient, const char *label)
{
  gpointer key = GUINT_TO_POINTER (coefficient + 1);
  gpointer id;

  if (g_hash_table_lookup_extended (self->history_series, key, NULL, &id))
    {
      didact_plot_remove_series (DIDACT_PLOT (self->history_plot), GPOINTER_TO_UINT (id));
      g_hash_table_remove (self->history_series, key);
      return;
    }
  guint series = didact_line_plot_add_series (self->history_plot, label, NULL, DIDACT_SERIES_SOLID);
  g_hash_table_insert (self->history_series, key, GUINT_TO_POINTER (series));

  /* the whole trace so far */
  DdSessionSnapshot snap;
  int b = self->view_branch;
  dd_session_snapshot (self->session, &snap);
  DidactFeedRange all = { 0, snap.n_phi[b] };
  g_auto(DidactFeedPoints) p = { 0 };
  didact_session_feed_phi_points (self->feed, b, &all, coefficient, &p);
  didact_line_plot_set_series_data (self->history_plot, series, p.x, p.y, p.n);
}

/* --- the journal ------------------------------------------------------------------------- */

static gboolean
trust_step (DidactWindow *self)
{
  return self->session != NULL &&
         dd_session_get_config (self->session)->teach.teacher_step == DD_TEACHER_STEP_TRUST;
}

static const char *
edit_label (DidactWindow *self, const DdEdit *e)
{
  switch (e->kind)
    {
    case DD_EDIT_OVERRIDE_PHI: return _("Φ edited");
    case DD_EDIT_SHIFT_TEACHER: return _("teacher shifted");
    case DD_EDIT_STUDENT_LR: return _("student η");
    case DD_EDIT_TEACHER_LR: return trust_step (self) ? _("teacher step") : _("teacher rate");
    case DD_EDIT_WINDOW: return _("window");
    case DD_EDIT_TEACHER_KIND: return _("teacher kind");
    case DD_EDIT_OBJECTIVE: return _("objective");
    case DD_EDIT_FORK: return _("fork");
    case DD_EDIT_FAILURE: return _("diverged");
    default: return "";
    }
}

/* the journal's entries in range as markers on plots */
static void
add_journal_markers (DidactWindow *self, const DidactFeedRange *range, DidactLinePlot *const *plots,
                     guint n_plots)
{
  for (gint64 i = range->from; i < range->to; i++)
    {
      const DdEdit *e = dd_session_journal_entry (self->session, i);
      const char *label = edit_label (self, e);
      GdkRGBA color;

      _didact_window_branch_color (e->kind == DD_EDIT_FORK ? e->new_branch : e->branch, &color);
      for (guint k = 0; k < n_plots; k++)
        didact_line_plot_add_marker (plots[k], (double) e->step, label, &color);
    }
}

/* The journal's entries as markers: on the metrics plot once, on the
 * margins and history plots again after a branch change cleared them. */
void
_didact_window_read_journal (DidactWindow *self, const DdSessionSnapshot *snap)
{
  DidactLinePlot *metrics[] = { self->metrics_plot };
  DidactLinePlot *shown[] = { self->margins_plot, self->history_plot };
  DidactFeedRange range;

  if (didact_session_feed_take_journal (self->feed, DIDACT_FEED_JOURNAL_METRICS, snap, &range))
    add_journal_markers (self, &range, metrics, G_N_ELEMENTS (metrics));
  if (didact_session_feed_take_journal (self->feed, DIDACT_FEED_JOURNAL_SHOWN_BRANCH, snap, &range))
    add_journal_markers (self, &range, shown, G_N_ELEMENTS (shown));
}

/* --- the timeline's step ------------------------------------------------------------------ */

void
_didact_window_update_distribution (DidactWindow *self, const DdSessionSnapshot *snap, gint64 step)
{
  const int C = self->C;
  g_autofree double *v = g_new0 (double, C);
  int b = self->view_branch;

  didact_session_feed_margins_at (self->feed, snap, b, step, v);
  didact_bar_plot_set_series_values (self->distribution_plot, self->dist_series_view, v, C);
  if (dd_session_get_config (self->session)->baseline && b != 1)
    {
      didact_session_feed_margins_at (self->feed, snap, 1, step, v);
      didact_bar_plot_set_series_values (self->distribution_plot, self->dist_series_base, v, C);
    }
}

/* The hypotheses of each branch's newest window record at or before step.
 * The decoding happened in the engine's thread; here only strings are
 * copied. */
void
_didact_window_update_samples (DidactWindow *self, const DdSessionSnapshot *snap, gint64 step)
{
  gint64 shown = -1;

  for (int b = 0; b < snap->n_branches && b < self->n_views; b++)
    {
      const DdWindowRecord *w = didact_session_feed_take_samples (self->feed, snap, b, step);
      if (w == NULL)
        continue;
      for (guint k = 0; w->hypotheses[k] != NULL; k++)
        {
          const char *ref, *src;
          dd_session_sample (self->session, (int) k, &src, &ref);
          didact_samples_view_set_hypothesis (self->samples, k, (guint) b, w->hypotheses[k],
                                              dd_bleu_sentence (w->hypotheses[k], ref));
        }
      shown = MAX (shown, w->step);
    }
  if (shown >= 0)
    didact_samples_view_set_step (self->samples, shown);
}
