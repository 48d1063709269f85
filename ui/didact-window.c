/* didact-window.c: the main window — controls, live plots, edits, forks
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine runs in the session's worker thread. This file touches widgets
 * on the main thread only: a tick callback on the frame clock takes a
 * snapshot of the session (a few counts, under a lock held for
 * nanoseconds), then copies the records that are new since the last frame
 * into the plots' caches. Dataset loading runs in a GTask thread and hands
 * its result back through the task's callback on the main context.
 */
#define G_LOG_DOMAIN "Didact-UI"

#include "config.h"
#include "didact-window.h"
#include "didact-application.h"
#include "didact-presets.h"
#include "didact-line-plot.h"
#include "didact-heatmap.h"
#include "didact-bar-plot.h"
#include "didact-plot-common.h"
#include "didact-samples-view.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#define MAX_BRANCHES DD_SESSION_MAX_BRANCHES

typedef enum {
  METRIC_TRAIN_CE,
  METRIC_TEACHER_LOSS,
  METRIC_DEV_ERROR,
  METRIC_TEST_ERROR,
  METRIC_OBJECTIVE,
  N_METRICS
} Metric;

static const char *metric_titles[N_METRICS] = {
  N_("Training cross-entropy"),
  N_("Teacher's loss L_Φ"),
  N_("Dev error"),
  N_("Test error"),
  N_("Teacher's objective M"),
};

typedef enum { EDIT_MODE_OVERRIDE, EDIT_MODE_SHIFT } EditMode;

/* an applied edit, as the undo and redo stacks hold it */
typedef struct {
  DdEdit   edit;
  dd_real *W, *b;     /* owned copies */
} UndoEntry;

/* Per-step curves keep at most this many points: past it, blocks of steps
 * are averaged (the block doubles), so a long run's plots stay small. */
#define MAX_STEP_POINTS 8192

typedef struct {
  gint64 steps, phi, windows;            /* records already seen */
  gint64 margin_windows;                 /* window records in the margins plot */
  gint64 samples_window;                 /* translation: window record shown as samples + 1 */
  guint  bleu_series;                    /* translation: the BLEU curve */
  gint64 stride;                         /* steps averaged into one plotted point */
  gint64 drawn;                          /* step records already in the plot */
  guint  series[N_METRICS];              /* metric plot series */
  guint  margin_series[64];              /* per class, margins plot */
  gboolean have_margin_series;
  GtkWidget *row;                        /* in the branches list */
} BranchView;

struct _DidactWindow {
  AdwApplicationWindow parent_instance;

  /* template children */
  AdwToastOverlay *toasts;
  AdwWindowTitle  *window_title;
  GtkButton       *play_button;
  GtkToggleButton *sidebar_button;
  AdwComboRow     *preset_row;
  AdwPreferencesGroup *run_group;
  AdwComboRow     *branch_row;
  AdwComboRow     *teacher_kind_row;
  GtkSpinButton   *teacher_lr_spin;
  AdwActionRow    *teacher_lr_row;
  GtkSpinButton   *window_spin;
  AdwComboRow     *objective_row;
  GtkSpinButton   *student_lr_spin;
  AdwComboRow     *edit_mode_row;
  GtkWidget       *edit_steps_row;
  GtkSpinButton   *edit_steps_spin;
  GtkSpinButton   *cell_spin;
  GtkWidget       *teacher_group;
  GtkWidget       *student_group;
  GtkWidget       *edit_group;
  GtkListBox      *branch_list;
  GtkStack        *content_stack;
  AdwStatusPage   *status_page;
  GtkGrid         *plot_grid;
  GtkLabel        *step_label;
  GtkScale        *scrubber;
  GtkAdjustment   *scrub_adjustment;
  GtkToggleButton *live_button;

  /* plots */
  DidactHeatmap   *heatmap;
  DidactLinePlot  *history_plot;
  DidactLinePlot  *metrics_plot;
  DidactLinePlot  *margins_plot;
  DidactBarPlot   *distribution_plot;
  DidactLinePlot  *bleu_plot;        /* translation */
  DidactSamplesView *samples;        /* translation */
  GtkWidget       *distribution_card, *bleu_card, *samples_card;
  GtkWidget       *heatmap_card, *margins_card;
  GtkDropDown     *metric_dropdown;
  guint            dist_series_view, dist_series_base;
  GHashTable      *history_series;   /* cell index → series id */

  /* the run */
  GSettings          *settings;
  const DidactPreset *preset;
  DdData             *data;          /* borrowed from the application */
  DdSession          *session;
  GCancellable       *loading;
  guint               tick_id;
  int                 C, R;          /* Φ: W (R, C), b (C); R = C + 1, or K + 2 for buckets */
  int                 scale_row;     /* the row of W that holds log ε */
  gboolean            text;          /* a translation run: Φ over buckets, samples */
  char              **class_names;   /* (C) classes, or the buckets' frequency ranks */
  BranchView          views[MAX_BRANCHES];
  int                 n_views;
  gint64              journal_seen;  /* entries marked on the margins and history plots */
  gint64              metrics_journal_seen; /* … on the metrics plot */
  gint64              history_windows; /* the shown branch's window records ticked in the history */
  gint64              failures_seen;
  Metric              metric;
  int                 view_branch;   /* shown in the heatmap and margins; receives edits */
  gboolean            syncing;       /* controls being set from the engine's state */

  /* editing Φ while paused */
  dd_real            *pending_W, *pending_b;
  gboolean            pending_dirty;
  int                 focus_row, focus_col;
  GArray             *undo;          /* UndoEntry */
  GArray             *redo;

  gboolean            presentation;
  gboolean            follow_live;
  gint64              last_update;   /* frame time of the last plot update, µs */
};

G_DEFINE_FINAL_TYPE (DidactWindow, didact_window, ADW_TYPE_APPLICATION_WINDOW)

static void start_session (DidactWindow *self);
static void stop_session (DidactWindow *self);
static void refresh_actions (DidactWindow *self);
static void show_phi_at (DidactWindow *self, gint64 step);
static void on_cell_activated (DidactHeatmap *heatmap, int row, int col, DidactWindow *self);
static void update_sample_arms (DidactWindow *self);
static gint64 window_index_at (DidactWindow *self, int b, gint64 n, gint64 step);

/* --- small helpers ----------------------------------------------------------- */

static gboolean
is_running (DidactWindow *self)
{
  DdSessionSnapshot snap;

  if (self->session == NULL)
    return FALSE;
  dd_session_snapshot (self->session, &snap);
  return snap.state == DD_SESSION_RUNNING;
}

static char *
branch_name (DidactWindow *self, int b)
{
  if (b == 0)
    return g_strdup (_("Taught (L2T-DLF)"));
  if (b == 1 && dd_session_get_config (self->session)->baseline)
    return g_strdup (_("Baseline (cross-entropy)"));
  int parent;
  gint64 at;
  dd_session_branch_origin (self->session, b, &parent, &at);
  /* Translators: a what-if branch, its number, and where it was forked */
  return g_strdup_printf (_("Fork %d (from %d at step %lld)"), b, parent, (long long) at);
}

static gboolean
is_baseline (DidactWindow *self, int b)
{
  return b == 1 && self->session && dd_session_get_config (self->session)->baseline;
}

static void
branch_color (int b, GdkRGBA *out)
{
  /* the taught arm first, the baseline grey, forks from the palette */
  if (b == 1)
    didact_plot_baseline_color (out);
  else
    didact_plot_palette_color (b == 0 ? 0 : (guint) b - 1, out);
}

static void
toast (DidactWindow *self, const char *message)
{
  AdwToast *t = adw_toast_new (message);
  adw_toast_set_timeout (t, 6);
  adw_toast_overlay_add_toast (self->toasts, t);
}

/* A plot in a card: its title, header controls, and a line under the title
 * that says how to read it (PRODUCT: each plot explains itself). */
static GtkWidget *
card (const char *title, const char *explanation, GtkWidget *header_extra, GtkWidget *child)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (title);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "plot-card");
  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_tooltip_text (label, title);
  gtk_widget_set_hexpand (label, TRUE);
  g_object_set_data (G_OBJECT (box), "title-label", label);
  gtk_box_append (GTK_BOX (head), label);
  if (header_extra)
    gtk_box_append (GTK_BOX (head), header_extra);
  gtk_widget_set_margin_start (head, 12);
  gtk_widget_set_margin_end (head, 12);
  gtk_widget_set_margin_top (head, 6);
  gtk_box_append (GTK_BOX (box), head);
  GtkWidget *explain = gtk_label_new (explanation);
  gtk_widget_add_css_class (explain, "dim-label");
  gtk_widget_add_css_class (explain, "caption");
  gtk_widget_add_css_class (explain, "plot-explanation");
  gtk_label_set_xalign (GTK_LABEL (explain), 0);
  gtk_label_set_wrap (GTK_LABEL (explain), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (explain), PANGO_ELLIPSIZE_END);
  gtk_label_set_lines (GTK_LABEL (explain), 2);
  gtk_widget_set_tooltip_text (explain, explanation);
  gtk_widget_set_margin_start (explain, 12);
  gtk_widget_set_margin_end (explain, 12);
  gtk_widget_set_visible (explain, explanation != NULL);
  g_object_set_data (G_OBJECT (box), "explanation-label", explain);
  gtk_box_append (GTK_BOX (box), explain);
  gtk_widget_set_vexpand (child, TRUE);
  gtk_widget_set_hexpand (child, TRUE);
  gtk_widget_set_size_request (child, 200, 140);
  gtk_box_append (GTK_BOX (box), child);
  return box;
}

static void
set_card_title (GtkWidget *card_box, const char *title, const char *explanation)
{
  GtkLabel *label = g_object_get_data (G_OBJECT (card_box), "title-label");
  GtkLabel *explain = g_object_get_data (G_OBJECT (card_box), "explanation-label");
  gtk_label_set_text (label, title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), title);
  gtk_label_set_text (explain, explanation);
  gtk_widget_set_tooltip_text (GTK_WIDGET (explain), explanation);
  gtk_widget_set_visible (GTK_WIDGET (explain), explanation != NULL);
}

/* --- plots ---------------------------------------------------------------------- */

/* a colour per class for the margin curves */
static void
class_color (int c, GdkRGBA *out)
{
  didact_plot_class_color ((guint) c, out);
}

/* Φ is stored as W (R, C) then b (C), contiguous in a record. The heatmap
 * shows, for classes, the W block (W, then the log ε row) with b as an
 * extra column beside W's rows; for buckets, the rows of W, then a, then
 * log ε, then b, all over the C bucket columns. */
static int
cell_index (DidactWindow *self, int row, int col)
{
  const int C = self->C, RC = self->R * self->C;

  if (self->text)
    return row >= 0 && row <= self->R && col >= 0 && col < C ? row * C + col : -1;
  if (row < 0 || row >= self->R || col < 0 || col > C)
    return -1;
  if (col == C)
    return row < C ? RC + row : -1; /* b beside W; none beside the log ε row */
  return row * C + col;
}

static double
phi_cell (DidactWindow *self, const float *W, const float *b, guint cell)
{
  const guint RC = (guint) (self->R * self->C);
  return cell < RC ? W[cell] : b[cell - RC];
}

static void
clear_line_plot (DidactLinePlot *plot)
{
  didact_plot_remove_all_series (DIDACT_PLOT (plot));
  didact_line_plot_clear_markers (plot);
  didact_line_plot_clear_ticks (plot);
}

static void
reset_views (DidactWindow *self)
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
  self->journal_seen = self->metrics_journal_seen = 0;
  self->history_windows = 0;
  self->failures_seen = 0;
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

static void
add_branch_view (DidactWindow *self, int b)
{
  BranchView *v = &self->views[b];
  g_autofree char *name = branch_name (self, b);
  GdkRGBA color;
  DidactSeriesStyle style = is_baseline (self, b) ? DIDACT_SERIES_DASHED : DIDACT_SERIES_SOLID;

  branch_color (b, &color);
  for (int m = 0; m < N_METRICS; m++)
    {
      if (is_baseline (self, b) && (m == METRIC_TEACHER_LOSS || m == METRIC_OBJECTIVE))
        continue;
      v->series[m] = didact_line_plot_add_series (self->metrics_plot, name, &color, style);
      didact_plot_set_series_visible (DIDACT_PLOT (self->metrics_plot), v->series[m], (int) self->metric == m);
    }

  if (self->text)
    v->bleu_series = didact_line_plot_add_series (self->bleu_plot, name, &color, style);

  /* the branches list: a colour swatch, the name, visibility */
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
  gtk_list_box_append (self->branch_list, row);
  v->row = row;

  /* the branch picker */
  GtkStringList *list = GTK_STRING_LIST (adw_combo_row_get_model (self->branch_row));
  self->syncing = TRUE;
  gtk_string_list_append (list, name);
  self->syncing = FALSE;
  self->n_views = b + 1;
  if (self->text)
    update_sample_arms (self);
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
      names[b] = branch_name (self, b);
      branch_color (b, &colors[b]);
    }
  didact_samples_view_set_arms (self->samples, n, (const char *const *) names, colors);
}

/* The hypotheses of branch b's newest window record at or before step. The
 * decoding happened in the engine's thread; here only strings are copied. */
static void
update_samples (DidactWindow *self, const DdSessionSnapshot *snap, gint64 step)
{
  gint64 shown = -1;

  for (int b = 0; b < snap->n_branches && b < self->n_views; b++)
    {
      BranchView *v = &self->views[b];
      gint64 i = window_index_at (self, b, snap->n_windows[b], step);
      if (i < 0 || i + 1 == v->samples_window)
        continue;
      const DdWindowRecord *w = dd_session_window_record (self->session, b, i);
      if (w->hypotheses == NULL)
        continue;
      for (guint k = 0; w->hypotheses[k] != NULL; k++)
        {
          const char *ref, *src;
          dd_session_sample (self->session, (int) k, &src, &ref);
          didact_samples_view_set_hypothesis (self->samples, k, (guint) b, w->hypotheses[k],
                                              dd_bleu_sentence (w->hypotheses[k], ref));
        }
      v->samples_window = i + 1;
      shown = MAX (shown, w->step);
    }
  if (shown >= 0)
    didact_samples_view_set_step (self->samples, shown);
}

static void
ensure_margin_series (DidactWindow *self)
{
  char *const *names = self->class_names;
  const int C = MIN (self->C, 64);
  BranchView *v = &self->views[self->view_branch];

  if (v->have_margin_series)
    return;
  /* the baseline faint behind, then the shown branch per class */
  if (self->session && dd_session_get_config (self->session)->baseline && self->view_branch != 1)
    {
      BranchView *base = &self->views[1];
      if (!base->have_margin_series)
        {
          for (int c = 0; c < C; c++)
            {
              GdkRGBA color;
              class_color (c, &color);
              g_autofree char *label = g_strdup_printf (_("%s (baseline)"), names[c]);
              base->margin_series[c] = didact_line_plot_add_series (self->margins_plot, label, &color,
                                                                    DIDACT_SERIES_FAINT);
            }
          base->have_margin_series = TRUE;
          base->margin_windows = 0; /* refill */
        }
    }
  for (int c = 0; c < C; c++)
    {
      GdkRGBA color;
      class_color (c, &color);
      v->margin_series[c] = didact_line_plot_add_series (self->margins_plot, names[c],
                                                         &color, DIDACT_SERIES_SOLID);
    }
  v->have_margin_series = TRUE;
  v->margin_windows = 0;
}

static void
add_window_points (DidactWindow *self, int b, gint64 from, gint64 to)
{
  BranchView *v = &self->views[b];
  gint64 n = to - from;
  if (n <= 0)
    return;
  g_autofree double *x = g_new (double, n);
  g_autofree double *dev = g_new (double, n), *test = g_new (double, n), *obj = g_new (double, n);
  g_autofree double *bleu = g_new (double, n);

  for (gint64 i = 0; i < n; i++)
    {
      const DdWindowRecord *w = dd_session_window_record (self->session, b, from + i);
      x[i] = (double) w->step;
      dev[i] = w->dev_error;
      test[i] = w->test_error;
      obj[i] = w->dev_measure;
      bleu[i] = w->bleu;
    }
  if (v->bleu_series)
    didact_line_plot_append (self->bleu_plot, v->bleu_series, x, bleu, n);
  didact_line_plot_append (self->metrics_plot, v->series[METRIC_DEV_ERROR], x, dev, n);
  didact_line_plot_append (self->metrics_plot, v->series[METRIC_TEST_ERROR], x, test, n);
  if (v->series[METRIC_OBJECTIVE])
    didact_line_plot_append (self->metrics_plot, v->series[METRIC_OBJECTIVE], x, obj, n);
}

/* How a teacher update at a window's end is marked on the plots: a
 * rejected trust step (a red bar) and a fallback to the initial teacher (an
 * orange diamond) stand out, accepted and plain steps are faint, a window
 * without an update is not marked. FALSE for no mark. */
static gboolean
update_tick (DidactWindow *self, int b, const DdWindowRecord *w, DidactTickShape *shape,
             GdkRGBA *color, char **description)
{
  g_autofree char *name = branch_name (self, b);
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

/* the marks of window records [from, to) of branch b on plot */
static void
add_update_ticks (DidactWindow *self, DidactLinePlot *plot, int b, gint64 from, gint64 to, guint group)
{
  for (gint64 i = from; i < to; i++)
    {
      const DdWindowRecord *w = dd_session_window_record (self->session, b, i);
      g_autofree char *description = NULL;
      DidactTickShape shape;
      GdkRGBA color;

      if (update_tick (self, b, w, &shape, &color, &description))
        didact_line_plot_add_tick (plot, (double) w->step, shape, &color, description, group);
    }
}

static void
add_margin_points (DidactWindow *self, int b, gint64 from, gint64 to)
{
  BranchView *v = &self->views[b];
  const int C = MIN (self->C, 64);
  gint64 n = to - from;

  if (n <= 0 || !v->have_margin_series)
    return;
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  for (int c = 0; c < C; c++)
    {
      for (gint64 i = 0; i < n; i++)
        {
          const DdWindowRecord *w = dd_session_window_record (self->session, b, from + i);
          x[i] = (double) w->step;
          y[i] = w->class_margin[c];
        }
      didact_line_plot_append (self->margins_plot, v->margin_series[c], x, y, n);
    }
}

/* The mean of each complete block of `stride` step records in [from, to):
 * x is the block's last step. Returns the number of points. */
static gint64
step_points (DidactWindow *self, int b, gint64 from, gint64 to, gint64 stride,
             double **x, double **ce, double **loss)
{
  gint64 n = (to - from) / stride;

  *x = g_new (double, MAX (n, 1));
  *ce = g_new (double, MAX (n, 1));
  *loss = g_new (double, MAX (n, 1));
  for (gint64 p = 0; p < n; p++)
    {
      double sc = 0, sl = 0;
      const DdStepRecord *r = NULL;
      for (gint64 i = 0; i < stride; i++)
        {
          r = dd_session_step_record (self->session, b, from + p * stride + i);
          sc += r->ce;
          sl += r->loss;
        }
      (*x)[p] = (double) r->step;
      (*ce)[p] = sc / stride;
      (*loss)[p] = sl / stride;
    }
  return n;
}

static void
add_step_points (DidactWindow *self, int b, gint64 to)
{
  BranchView *v = &self->views[b];
  g_autofree double *x = NULL, *ce = NULL, *loss = NULL;

  if (v->stride == 0)
    v->stride = 1;
  if (to / v->stride > MAX_STEP_POINTS)
    {
      /* coarser blocks: rebuild both curves from the session's records */
      while (to / v->stride > MAX_STEP_POINTS / 2)
        v->stride *= 2;
      gint64 n = step_points (self, b, 0, to, v->stride, &x, &ce, &loss);
      didact_line_plot_set_series_data (self->metrics_plot, v->series[METRIC_TRAIN_CE], x, ce, n);
      if (v->series[METRIC_TEACHER_LOSS])
        didact_line_plot_set_series_data (self->metrics_plot, v->series[METRIC_TEACHER_LOSS], x, loss, n);
      v->drawn = n * v->stride;
      return;
    }
  gint64 n = step_points (self, b, v->drawn, to, v->stride, &x, &ce, &loss);
  if (n <= 0)
    return;
  didact_line_plot_append (self->metrics_plot, v->series[METRIC_TRAIN_CE], x, ce, n);
  if (v->series[METRIC_TEACHER_LOSS])
    didact_line_plot_append (self->metrics_plot, v->series[METRIC_TEACHER_LOSS], x, loss, n);
  v->drawn += n * v->stride;
}

/* the newest record at or before step, by binary search; −1 if none */
static gint64
phi_index_at (DidactWindow *self, int b, gint64 n, gint64 step)
{
  gint64 lo = 0, hi = n - 1, best = -1;
  while (lo <= hi)
    {
      gint64 mid = (lo + hi) / 2;
      if (dd_session_phi_record (self->session, b, mid)->step <= step)
        {
          best = mid;
          lo = mid + 1;
        }
      else
        hi = mid - 1;
    }
  return best;
}

static gint64
window_index_at (DidactWindow *self, int b, gint64 n, gint64 step)
{
  gint64 lo = 0, hi = n - 1, best = -1;
  while (lo <= hi)
    {
      gint64 mid = (lo + hi) / 2;
      if (dd_session_window_record (self->session, b, mid)->step <= step)
        {
          best = mid;
          lo = mid + 1;
        }
      else
        hi = mid - 1;
    }
  return best;
}

static void
rebuild_history_series (DidactWindow *self, guint cell, guint id)
{
  DdSessionSnapshot snap;
  int b = self->view_branch;

  dd_session_snapshot (self->session, &snap);
  gint64 n = snap.n_phi[b];
  g_autofree double *x = g_new (double, MAX (n, 1));
  g_autofree double *y = g_new (double, MAX (n, 1));
  for (gint64 i = 0; i < n; i++)
    {
      const DdPhiRecord *p = dd_session_phi_record (self->session, b, i);
      x[i] = (double) p->step;
      y[i] = phi_cell (self, p->W, p->b, cell);
    }
  didact_line_plot_set_series_data (self->history_plot, id, x, y, n);
}

static void
update_distribution (DidactWindow *self, const DdSessionSnapshot *snap, gint64 step)
{
  const int C = self->C;
  g_autofree double *v = g_new0 (double, C);
  int b = self->view_branch;

  gint64 i = window_index_at (self, b, snap->n_windows[b], step);
  if (i >= 0)
    {
      const DdWindowRecord *w = dd_session_window_record (self->session, b, i);
      for (int c = 0; c < C; c++)
        v[c] = w->class_margin[c];
    }
  didact_bar_plot_set_series_values (self->distribution_plot, self->dist_series_view, v, C);
  if (dd_session_get_config (self->session)->baseline && b != 1)
    {
      i = window_index_at (self, 1, snap->n_windows[1], step);
      memset (v, 0, sizeof (double) * C);
      if (i >= 0)
        {
          const DdWindowRecord *w = dd_session_window_record (self->session, 1, i);
          for (int c = 0; c < C; c++)
            v[c] = w->class_margin[c];
        }
      didact_bar_plot_set_series_values (self->distribution_plot, self->dist_series_base, v, C);
    }
}

static void
set_heatmap (DidactWindow *self, const double *all)
{
  const int C = self->C, RC = self->R * self->C;

  if (self->text)
    didact_heatmap_set_matrix (self->heatmap, all, self->R + 1, C);
  else
    {
      /* W and the log ε row; b beside W's rows */
      didact_heatmap_set_matrix (self->heatmap, all, self->R, C);
      didact_heatmap_set_extra_column (self->heatmap, all + RC, C, "b");
    }
}

static void
show_phi_at (DidactWindow *self, gint64 step)
{
  DdSessionSnapshot snap;
  const int C = self->C, RC = self->R * self->C;
  int b = self->view_branch;
  g_autofree double *all = g_new0 (double, (size_t) RC + C);

  if (self->session == NULL)
    return;
  if (self->pending_dirty)
    {
      for (int i = 0; i < RC; i++)
        all[i] = self->pending_W[i];
      for (int i = 0; i < C; i++)
        all[RC + i] = self->pending_b[i];
      set_heatmap (self, all);
      return;
    }
  dd_session_snapshot (self->session, &snap);
  gint64 i = phi_index_at (self, b, snap.n_phi[b], step);
  if (i >= 0)
    {
      const DdPhiRecord *p = dd_session_phi_record (self->session, b, i);
      for (int k = 0; k < RC; k++)
        all[k] = p->W[k];
      for (int k = 0; k < C; k++)
        all[RC + k] = p->b[k];
    }
  else
    {
      /* before any taught step: the initial point, as the engine defines it */
      g_autofree dd_real *W = g_new (dd_real, RC), *bias = g_new (dd_real, C);
      dd_session_initial_phi (self->session, W, bias);
      for (int k = 0; k < RC; k++)
        all[k] = W[k];
      for (int k = 0; k < C; k++)
        all[RC + k] = bias[k];
    }
  set_heatmap (self, all);
}

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

/* The journal's entries as markers: on the metrics plot once, on the
 * margins and history plots again after a branch change cleared them. */
static void
update_journal (DidactWindow *self, const DdSessionSnapshot *snap)
{
  for (gint64 i = MIN (self->journal_seen, self->metrics_journal_seen); i < snap->n_journal; i++)
    {
      const DdEdit *e = dd_session_journal_entry (self->session, i);
      GdkRGBA color;
      const char *label = edit_label (self, e);
      branch_color (e->kind == DD_EDIT_FORK ? e->new_branch : e->branch, &color);
      if (i >= self->metrics_journal_seen)
        didact_line_plot_add_marker (self->metrics_plot, (double) e->step, label, &color);
      if (i >= self->journal_seen)
        {
          didact_line_plot_add_marker (self->margins_plot, (double) e->step, label, &color);
          didact_line_plot_add_marker (self->history_plot, (double) e->step, label, &color);
        }
    }
  self->journal_seen = self->metrics_journal_seen = snap->n_journal;
}

static void
update_title (DidactWindow *self, const DdSessionSnapshot *snap, gint64 latest)
{
  g_autofree char *subtitle = NULL;
  const char *state = snap->state == DD_SESSION_RUNNING ? _("Running") : _("Paused");

  /* Translators: the window subtitle: run state and the student step */
  subtitle = g_strdup_printf (_("%s · step %lld"), state, (long long) latest);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
sync_play_button (DidactWindow *self, gboolean running)
{
  const char *label = running ? _("Pause") : _("Play");

  gtk_button_set_icon_name (self->play_button, running ? "media-playback-pause-symbolic"
                                                       : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button),
                               running ? _("Pause (Space)") : _("Play (Space)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  DidactWindow *self = DIDACT_WINDOW (widget);
  DdSessionSnapshot snap;
  gboolean changed = FALSE;

  if (self->session == NULL)
    return G_SOURCE_CONTINUE;
  dd_session_snapshot (self->session, &snap);

  /* While training runs, ten updates a second are live enough and leave
   * the second core to the engine; the display server's work is the same
   * order as ours, so every frame would cost the engine real time. */
  gint64 now = clock ? gdk_frame_clock_get_frame_time (clock) : g_get_monotonic_time ();
  if (clock && snap.state == DD_SESSION_RUNNING && now - self->last_update < 100000)
    return G_SOURCE_CONTINUE;
  self->last_update = now;

  for (int b = self->n_views; b < snap.n_branches; b++)
    add_branch_view (self, b);
  ensure_margin_series (self);

  gint64 latest = 0;
  for (int b = 0; b < snap.n_branches; b++)
    {
      BranchView *v = &self->views[b];
      if (snap.n_steps[b] > v->steps)
        {
          add_step_points (self, b, snap.n_steps[b]);
          v->steps = snap.n_steps[b];
          changed = TRUE;
        }
      if (snap.n_windows[b] > v->windows)
        {
          add_window_points (self, b, v->windows, snap.n_windows[b]);
          add_update_ticks (self, self->metrics_plot, b, v->windows, snap.n_windows[b], (guint) b + 1);
          v->windows = snap.n_windows[b];
          changed = TRUE;
        }
      if (v->have_margin_series && snap.n_windows[b] > v->margin_windows)
        {
          add_margin_points (self, b, v->margin_windows, snap.n_windows[b]);
          v->margin_windows = snap.n_windows[b];
          changed = TRUE;
        }
      if (b == self->view_branch && snap.n_windows[b] > self->history_windows)
        {
          add_update_ticks (self, self->history_plot, b, self->history_windows, snap.n_windows[b], 0);
          self->history_windows = snap.n_windows[b];
        }
      if (snap.n_phi[b] > v->phi && b == self->view_branch)
        {
          /* extend the traces of the selected coefficients */
          GHashTableIter it;
          gpointer key, value;
          g_hash_table_iter_init (&it, self->history_series);
          while (g_hash_table_iter_next (&it, &key, &value))
            {
              guint cell = GPOINTER_TO_UINT (key) - 1, id = GPOINTER_TO_UINT (value);
              gint64 n = snap.n_phi[b] - v->phi;
              g_autofree double *x = g_new (double, n), *y = g_new (double, n);
              for (gint64 i = 0; i < n; i++)
                {
                  const DdPhiRecord *p = dd_session_phi_record (self->session, b, v->phi + i);
                  x[i] = (double) p->step;
                  y[i] = phi_cell (self, p->W, p->b, cell);
                }
              didact_line_plot_append (self->history_plot, id, x, y, n);
            }
          v->phi = snap.n_phi[b];
          changed = TRUE;
        }
      /* the steps taken, not the last record's: thinned records come
       * every second (fourth…) step on long runs */
      latest = MAX (latest, snap.step[b]);
    }
  if (snap.n_journal > MIN (self->journal_seen, self->metrics_journal_seen))
    update_journal (self, &snap);

  if (snap.failures > self->failures_seen)
    {
      g_autofree char *msg = dd_session_dup_error (self->session);
      g_autofree char *text = g_strdup_printf (_("Training stopped: %s. Paused at the last good "
                                                 "state; lower a learning rate, or fork from here."),
                                               msg ? msg : "");
      self->failures_seen = snap.failures;
      toast (self, text);
    }

  gboolean running = snap.state == DD_SESSION_RUNNING;
  sync_play_button (self, running);
  if (changed || running)
    {
      self->syncing = TRUE;
      gtk_adjustment_set_upper (self->scrub_adjustment, MAX (1.0, (double) latest));
      if (self->follow_live)
        gtk_adjustment_set_value (self->scrub_adjustment, (double) latest);
      self->syncing = FALSE;
    }
  gint64 at = self->follow_live ? latest : (gint64) gtk_adjustment_get_value (self->scrub_adjustment);
  if (changed)
    {
      show_phi_at (self, at);
      if (self->text)
        update_samples (self, &snap, at);
      else
        update_distribution (self, &snap, at);
    }
  g_autofree char *step_text = g_strdup_printf (_("Step %lld"), (long long) at);
  gtk_label_set_text (self->step_label, step_text);
  update_title (self, &snap, latest);
  refresh_actions (self);
  return G_SOURCE_CONTINUE;
}

/* --- session lifecycle ---------------------------------------------------------- */

static int
settings_threads (DidactWindow *self)
{
  return self->settings ? g_settings_get_int (self->settings, "threads") : 1;
}

static void
sync_controls_from_config (DidactWindow *self)
{
  const DdTeachConfig *t = &dd_session_get_config (self->session)->teach;

  self->syncing = TRUE;
  adw_combo_row_set_selected (self->teacher_kind_row, t->teacher);
  adw_combo_row_set_selected (self->objective_row, t->objective);
  /* the trust step reads the teacher's rate as its radius */
  const gboolean trust = t->teacher_step == DD_TEACHER_STEP_TRUST;
  const char *rate = trust ? _("Teacher step") : _("Teacher learning rate");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->teacher_lr_row), rate);
  adw_action_row_set_subtitle (self->teacher_lr_row,
                               trust ? _("Trust radius: the length of each tried update, kept only if "
                                         "held-out dev agrees")
                                     : _("Every update is taken untested"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->teacher_lr_spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, rate, -1);
  gtk_spin_button_set_value (self->teacher_lr_spin, trust ? t->trust_radius : t->teacher_lr);
  gtk_spin_button_set_value (self->window_spin, t->window);
  gtk_spin_button_set_value (self->student_lr_spin, t->student.lr);
  gtk_spin_button_set_value (self->edit_steps_spin, t->window * 2);
  self->syncing = FALSE;
}

static void
clear_undo (GArray *stack)
{
  for (guint i = 0; i < stack->len; i++)
    {
      UndoEntry *u = &g_array_index (stack, UndoEntry, i);
      g_free (u->W);
      g_free (u->b);
    }
  g_array_set_size (stack, 0);
}

static void
stop_session (DidactWindow *self)
{
  g_clear_pointer (&self->session, dd_session_free);
  clear_undo (self->undo);
  clear_undo (self->redo);
  self->pending_dirty = FALSE;
}

static void
start_session (DidactWindow *self)
{
  DdSessionConfig cfg;
  g_autoptr(GError) error = NULL;
  const DdDataset *train = self->data->train;

  stop_session (self);
  reset_views (self);
  GtkStringList *branches = GTK_STRING_LIST (adw_combo_row_get_model (self->branch_row));
  self->syncing = TRUE;
  gtk_string_list_splice (branches, 0, g_list_model_get_n_items (G_LIST_MODEL (branches)), NULL);
  self->syncing = FALSE;

  didact_preset_session_config (self->preset, settings_threads (self), &cfg);
  self->session = dd_session_new (&cfg, self->data, &error);
  if (self->session == NULL)
    {
      adw_status_page_set_title (self->status_page, _("The Run Could Not Start"));
      adw_status_page_set_description (self->status_page, error->message);
      adw_status_page_set_icon_name (self->status_page, "dialog-error-symbolic");
      gtk_stack_set_visible_child_name (self->content_stack, "loading");
      return;
    }
  self->text = self->data->parallel != NULL;
  self->C = dd_session_n_classes (self->session);
  self->R = dd_session_phi_rows (self->session);
  self->scale_row = dd_session_scale_row (self->session);
  g_free (self->pending_W);
  g_free (self->pending_b);
  self->pending_W = g_new0 (dd_real, (size_t) self->R * self->C);
  self->pending_b = g_new0 (dd_real, self->C);

  g_strfreev (self->class_names);
  self->class_names = g_new0 (char *, self->C + 1);
  for (int c = 0; c < self->C; c++)
    /* Translators: a bucket of target words by frequency rank, e.g. "words 1–3" */
    self->class_names[c] = self->text ? g_strdup_printf (_("words %s"), self->data->parallel->bucket_names[c])
                                      : g_strdup (train->class_names[c]);
  /* the heatmap's rows: W's, then (buckets) a, then log ε, then (buckets) b */
  g_auto(GStrv) rows = g_new0 (char *, self->R + 2);
  for (int c = 0; c < self->C; c++)
    rows[c] = g_strdup (self->class_names[c]);
  if (self->text)
    rows[self->C] = g_strdup ("a");
  /* Translators: the heatmap's row of the per-class log saturation scale
   * log ε of the taught loss; keep "log ε" */
  rows[self->scale_row] = g_strdup (_("log ε (saturation)"));
  if (self->text)
    {
      rows[self->R] = g_strdup ("b");
      didact_heatmap_set_extra_column (self->heatmap, NULL, 0, NULL);
    }
  didact_heatmap_set_row_labels (self->heatmap, (const char *const *) rows);
  /* the per-class (per-bucket) vectors apart from the matrix W */
  didact_heatmap_set_split_row (self->heatmap, self->C);
  /* log ε (near −2.3) on a colour scale of its own, centred on its start:
   * on W's it stretched the scale until W's changes could not be seen */
  g_autofree dd_real *W0 = g_new (dd_real, (size_t) self->R * self->C);
  g_autofree dd_real *b0 = g_new (dd_real, self->C);
  dd_session_initial_phi (self->session, W0, b0);
  didact_heatmap_set_row_scale (self->heatmap, self->scale_row, W0[(size_t) self->scale_row * self->C],
                                0.5, "log ε");
  didact_heatmap_set_col_labels (self->heatmap, (const char *const *) self->class_names);
  didact_bar_plot_set_categories (self->distribution_plot, (const char *const *) self->class_names);
  if (self->text)
    set_card_title (self->heatmap_card,
                    _("Loss coefficients Φ = (W, a, log ε, b) over word-frequency buckets; column: the reference word's bucket"),
                    _("Row log ε per bucket: low is cross-entropy, near 0 a saturating loss that ignores "
                      "tokens it finds very wrong. Click a cell to trace it."));
  else
    set_card_title (self->heatmap_card, _("Loss coefficients Φ = (W, log ε, b); column y: true class"),
                    _("Last row: log ε per class — low is cross-entropy, near 0 a saturating loss that "
                      "ignores examples it finds very wrong. Click a cell to trace it."));
  if (self->text)
    set_card_title (self->margins_card, _("Per-bucket dev margins (reference prefix fed)"),
                    _("p_y − max p_j of dev tokens, per bucket: above 0 the bucket's words are right on average"));
  else
    set_card_title (self->margins_card, _("Per-class dev margins"),
                    _("p_y − max p_j on dev images, per class: above 0 the class is right on average; "
                      "the baseline faint"));
  gtk_widget_set_visible (self->distribution_card, !self->text);
  gtk_widget_set_visible (self->bleu_card, self->text);
  gtk_widget_set_visible (self->samples_card, self->text);
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
  branch_color (0, &color);
  self->dist_series_view = didact_bar_plot_add_series (self->distribution_plot, _("Shown branch"),
                                                       &color, DIDACT_SERIES_SOLID);
  branch_color (1, &color);
  self->dist_series_base = didact_bar_plot_add_series (self->distribution_plot, _("Baseline"),
                                                       &color, DIDACT_SERIES_FAINT);
  sync_controls_from_config (self);
  /* on a changed training split the training loss measures the wrong thing
   * (fitting flipped labels lowers it): show the dev error first */
  if (self->preset->scenario != NULL)
    gtk_drop_down_set_selected (self->metric_dropdown, METRIC_DEV_ERROR);
  self->follow_live = TRUE;
  gtk_toggle_button_set_active (self->live_button, TRUE);
  gtk_stack_set_visible_child_name (self->content_stack, "plots");
  adw_window_title_set_title (self->window_title, _(self->preset->title));
  on_tick (GTK_WIDGET (self), NULL, NULL);
  show_phi_at (self, 0);
  /* first traces to look at: the first class's diagonal weight and its
   * log ε (for buckets: the most frequent bucket's a and log ε) */
  on_cell_activated (self->heatmap, self->text ? self->C : 0, 0, self);
  on_cell_activated (self->heatmap, self->scale_row, 0, self);
}

static void
on_data_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(DidactWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GTask *task = G_TASK (result);
  DdData *data = g_task_propagate_pointer (task, &error);
  const char *name = g_task_get_task_data (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->loading);
  if (data == NULL)
    {
      adw_status_page_set_title (self->status_page, _("The Dataset Is Missing"));
      adw_status_page_set_description (self->status_page, error->message);
      adw_status_page_set_icon_name (self->status_page, "dialog-warning-symbolic");
      return;
    }
  DidactApplication *app = DIDACT_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  if (app != NULL && didact_application_lookup_data (app, name) == NULL)
    didact_application_store_data (app, name, data);
  else if (app == NULL)
    {
      dd_data_free (data);
      return;
    }
  self->data = didact_application_lookup_data (app, name);
  start_session (self);
}

static void
load_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  DdData *data = dd_data_load (task_data, &error);

  if (data)
    g_task_return_pointer (task, data, (GDestroyNotify) dd_data_free);
  else
    g_task_return_error (task, error);
}

void
didact_window_load_preset (DidactWindow *self, const char *preset_id)
{
  const DidactPreset *preset = didact_preset_lookup (preset_id);
  DidactApplication *app = DIDACT_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (preset == NULL)
    preset = didact_preset_lookup ("fashion-mnist-mlp");
  self->preset = preset;
  /* what the preset shows, under the group's title */
  adw_preferences_group_set_description (self->run_group, _(preset->explanation));
  stop_session (self);
  if (self->loading)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);

  self->syncing = TRUE;
  guint n;
  const DidactPreset *all = didact_presets (&n);
  for (guint i = 0; i < n; i++)
    if (&all[i] == preset)
      adw_combo_row_set_selected (self->preset_row, i);
  self->syncing = FALSE;

  DdData *cached = app ? didact_application_lookup_data (app, preset->dataset) : NULL;
  if (cached != NULL)
    {
      self->data = cached;
      start_session (self);
      return;
    }
  adw_status_page_set_icon_name (self->status_page, "content-loading-symbolic");
  adw_status_page_set_title (self->status_page, _("Loading the Dataset…"));
  adw_status_page_set_description (self->status_page, _(preset->title));
  gtk_stack_set_visible_child_name (self->content_stack, "loading");
  self->loading = g_cancellable_new ();
  GTask *task = g_task_new (NULL, self->loading, on_data_loaded, g_object_ref (self));
  g_task_set_task_data (task, g_strdup (preset->dataset), g_free);
  g_task_run_in_thread (task, load_in_thread);
  g_object_unref (task);
}

/* --- actions ---------------------------------------------------------------------- */

static void
refresh_actions (DidactWindow *self)
{
  gboolean have = self->session != NULL;
  gboolean paused = have && !is_running (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.play-pause", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.step", paused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reset", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.fork", paused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo", paused && self->undo->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo", paused && self->redo->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.apply-edit",
                                 paused && self->pending_dirty && !is_baseline (self, self->view_branch));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-preset",
                                 paused && !is_baseline (self, self->view_branch));
  gtk_widget_set_sensitive (self->teacher_group, paused && !is_baseline (self, self->view_branch));
  gtk_widget_set_sensitive (self->student_group, paused);
  gtk_widget_set_sensitive (self->edit_group, paused && !is_baseline (self, self->view_branch));
  g_object_set (self->heatmap, "editable", paused && !is_baseline (self, self->view_branch), NULL);
}

static void
action_play_pause (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);

  if (self->session == NULL)
    return;
  if (is_running (self))
    dd_session_pause (self->session);
  else
    {
      self->pending_dirty = FALSE;
      dd_session_play (self->session);
      gtk_toggle_button_set_active (self->live_button, TRUE);
    }
  sync_play_button (self, is_running (self));
  refresh_actions (self);
}

static void
action_step (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);

  if (self->session && !is_running (self))
    dd_session_step (self->session);
}

static void
action_reset (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);

  if (self->data)
    start_session (self);
}

static void
action_fork (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->session == NULL || is_running (self))
    return;
  /* fork the shown branch (a baseline forks as a baseline) */
  int b = dd_session_fork (self->session, self->view_branch, &error);
  if (b < 0)
    {
      toast (self, error->message);
      return;
    }
  on_tick (widget, NULL, NULL);
  adw_combo_row_set_selected (self->branch_row, b);
  g_autofree char *name_text = branch_name (self, b);
  g_autofree char *text = g_strdup_printf (_("%s: edits now go to this branch"), name_text);
  toast (self, text);
}

static void
push_undo (GArray *stack, const DdEdit *e, int R, int C)
{
  UndoEntry u = { .edit = *e };
  u.W = e->W ? g_memdup2 (e->W, sizeof (dd_real) * R * C) : NULL;
  u.b = e->b ? g_memdup2 (e->b, sizeof (dd_real) * C) : NULL;
  u.edit.W = u.W;
  u.edit.b = u.b;
  g_array_append_val (stack, u);
}

/* applies e and returns the edit that undoes it (in *inverse) */
static gboolean
apply_edit (DidactWindow *self, const DdEdit *e, DdEdit *inverse, dd_real **inv_W,
            dd_real **inv_b, GError **error)
{
  const int C = self->C, RC = self->R * self->C;
  DdSessionSnapshot snap;

  if (!dd_session_edit (self->session, e, error))
    return FALSE;
  dd_session_snapshot (self->session, &snap);
  const DdEdit *done = dd_session_journal_entry (self->session, snap.n_journal - 1);
  *inverse = *e;
  *inv_W = *inv_b = NULL;
  switch (e->kind)
    {
    case DD_EDIT_OVERRIDE_PHI:
      /* undo: back to the teacher's output (or the override that was running) */
      inverse->n_steps = 0;
      break;
    case DD_EDIT_SHIFT_TEACHER:
      *inv_W = g_new (dd_real, (size_t) RC);
      *inv_b = g_new (dd_real, C);
      for (int i = 0; i < RC; i++)
        (*inv_W)[i] = -e->W[i];
      for (int i = 0; i < C; i++)
        (*inv_b)[i] = -e->b[i];
      inverse->W = *inv_W;
      inverse->b = *inv_b;
      break;
    default:
      inverse->value = done->previous;
      break;
    }
  return TRUE;
}

static void
apply_and_record (DidactWindow *self, const DdEdit *e)
{
  g_autoptr(GError) error = NULL;
  DdEdit inverse;
  g_autofree dd_real *iW = NULL, *ib = NULL;

  if (!apply_edit (self, e, &inverse, &iW, &ib, &error))
    {
      toast (self, error->message);
      sync_controls_from_config (self);
      return;
    }
  /* the undo stack holds pairs: the edit, then its inverse */
  push_undo (self->undo, e, self->R, self->C);
  push_undo (self->undo, &inverse, self->R, self->C);
  clear_undo (self->redo);
  on_tick (GTK_WIDGET (self), NULL, NULL);
}

static void
replay_pair (DidactWindow *self, GArray *from, GArray *to, gboolean forward)
{
  g_autoptr(GError) error = NULL;

  if (from->len < 2 || self->session == NULL)
    return;
  UndoEntry edit = g_array_index (from, UndoEntry, from->len - 2);
  UndoEntry inverse = g_array_index (from, UndoEntry, from->len - 1);
  const DdEdit *e = forward ? &edit.edit : &inverse.edit;
  if (!dd_session_edit (self->session, e, &error))
    toast (self, error->message);
  g_array_set_size (from, from->len - 2);
  g_array_append_val (to, edit);
  g_array_append_val (to, inverse);
  self->pending_dirty = FALSE;
  sync_controls_from_config (self);
  on_tick (GTK_WIDGET (self), NULL, NULL);
  show_phi_at (self, (gint64) gtk_adjustment_get_upper (self->scrub_adjustment));
}

static void
action_undo (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);
  replay_pair (self, self->undo, self->redo, FALSE);
}

static void
action_redo (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);
  replay_pair (self, self->redo, self->undo, TRUE);
}

static void
load_pending_from_shown (DidactWindow *self)
{
  DdSessionSnapshot snap;
  const int C = self->C, RC = self->R * self->C;
  int b = self->view_branch;

  dd_session_snapshot (self->session, &snap);
  if (snap.n_phi[b] > 0)
    {
      const DdPhiRecord *p = dd_session_phi_record (self->session, b, snap.n_phi[b] - 1);
      for (int i = 0; i < RC; i++)
        self->pending_W[i] = p->W[i];
      for (int i = 0; i < C; i++)
        self->pending_b[i] = p->b[i];
    }
  else
    dd_session_initial_phi (self->session, self->pending_W, self->pending_b);
}

void
didact_window_set_pending_cell (DidactWindow *self, int row, int col, double value)
{
  const int cell = cell_index (self, row, col), RC = self->R * self->C;

  if (self->session == NULL || cell < 0)
    return;
  if (!self->pending_dirty)
    load_pending_from_shown (self);
  if (cell >= RC)
    self->pending_b[cell - RC] = (dd_real) value;
  else
    self->pending_W[cell] = (dd_real) value;
  self->pending_dirty = TRUE;
  self->focus_row = row;
  self->focus_col = col;
  self->syncing = TRUE;
  gtk_spin_button_set_value (self->cell_spin, value);
  self->syncing = FALSE;
  show_phi_at (self, 0);
  refresh_actions (self);
}

static void
action_edit_preset (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);
  const char *which = g_variant_get_string (param, NULL);
  const int C = self->C;

  if (self->session == NULL)
    return;
  load_pending_from_shown (self); /* "teacher": the teacher's current output */
  if (g_strcmp0 (which, "identity") == 0 || g_strcmp0 (which, "penalty") == 0)
    {
      /* the engine's initial point (log ε included); "penalty" then
       * weighs the other classes' (or buckets') log-probabilities in by −0.1 */
      dd_session_initial_phi (self->session, self->pending_W, self->pending_b);
      if (g_strcmp0 (which, "penalty") == 0)
        for (int j = 0; j < C; j++)
          for (int y = 0; y < C; y++)
            if (j != y)
              self->pending_W[j * C + y] = -0.1;
    }
  self->pending_dirty = TRUE;
  show_phi_at (self, 0);
  refresh_actions (self);
}

static void
action_apply_edit (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);
  const int C = self->C;

  if (self->session == NULL || !self->pending_dirty)
    return;
  EditMode mode = adw_combo_row_get_selected (self->edit_mode_row);
  DdEdit e = { .branch = self->view_branch };
  g_autofree dd_real *dW = NULL, *db = NULL;
  if (mode == EDIT_MODE_OVERRIDE)
    {
      e.kind = DD_EDIT_OVERRIDE_PHI;
      e.n_steps = gtk_spin_button_get_value_as_int (self->edit_steps_spin);
      e.W = self->pending_W;
      e.b = self->pending_b;
    }
  else
    {
      /* shift the teacher by the difference from what it outputs now */
      dd_real *W = g_memdup2 (self->pending_W, sizeof (dd_real) * self->R * C);
      dd_real *b = g_memdup2 (self->pending_b, sizeof (dd_real) * C);
      load_pending_from_shown (self);
      dW = W;
      db = b;
      for (int i = 0; i < self->R * C; i++)
        dW[i] -= self->pending_W[i];
      for (int i = 0; i < C; i++)
        db[i] -= self->pending_b[i];
      e.kind = DD_EDIT_SHIFT_TEACHER;
      e.W = dW;
      e.b = db;
    }
  apply_and_record (self, &e);
  self->pending_dirty = FALSE;
  refresh_actions (self);
  /* what the next step will use */
  if (mode == EDIT_MODE_OVERRIDE)
    toast (self, _("Edit applied: the next steps use this Φ"));
  else
    toast (self, _("Edit applied: the teacher goes on from the shifted point"));
}

static void
action_presentation (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);

  self->presentation = !self->presentation;
  GtkWidget *plots[] = { GTK_WIDGET (self->heatmap), GTK_WIDGET (self->history_plot),
                         GTK_WIDGET (self->metrics_plot), GTK_WIDGET (self->margins_plot),
                         GTK_WIDGET (self->distribution_plot) };
  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    g_object_set (plots[i], "presentation", self->presentation, NULL);
  if (self->presentation)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "presentation");
      gtk_toggle_button_set_active (self->sidebar_button, FALSE);
      gtk_window_fullscreen (GTK_WINDOW (self));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "presentation");
      gtk_toggle_button_set_active (self->sidebar_button, TRUE);
      gtk_window_unfullscreen (GTK_WINDOW (self));
    }
  if (self->settings)
    g_settings_set_boolean (self->settings, "presentation-mode", self->presentation);
}

static void
action_toggle_sidebar (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);
  gtk_toggle_button_set_active (self->sidebar_button,
                                !gtk_toggle_button_get_active (self->sidebar_button));
}

static void
on_export_chosen (GObject *source, int response, gpointer user_data)
{
  DidactWindow *self = DIDACT_WINDOW (user_data);
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (source);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) dir = gtk_file_chooser_get_file (chooser);
      g_autofree char *path = g_file_get_path (dir);
      const char *names[] = { "coefficients", "coefficient-history", "metrics", "margins",
                              "margin-distribution" };
      g_autoptr(GError) error = NULL;
      for (guint i = 0; i < didact_window_n_plots () && error == NULL; i++)
        {
          g_autofree char *file = g_strdup_printf ("%s/%s.png", path, names[i]);
          didact_plot_export (didact_window_get_plot (self, i), file, 1200, 800, &error);
        }
      if (error)
        toast (self, error->message);
      else
        {
          g_autofree char *text = g_strdup_printf (_("Plots exported to %s"), path);
          toast (self, text);
        }
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (source));
  g_object_unref (self);
}

static void
action_export (GtkWidget *widget, const char *name, GVariant *param)
{
  GtkFileChooserNative *native =
    gtk_file_chooser_native_new (_("Export Plots to a Folder"), GTK_WINDOW (widget),
                                 GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Export"), _("_Cancel"));
  g_signal_connect (native, "response", G_CALLBACK (on_export_chosen), g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* --- controls ------------------------------------------------------------------------ */

static void
send_scalar_edit (DidactWindow *self, DdEditKind kind, double value)
{
  if (self->syncing || self->session == NULL)
    return;
  DdEdit e = { .kind = kind, .branch = self->view_branch, .value = value };
  apply_and_record (self, &e);
}

static void
on_teacher_lr_changed (GtkSpinButton *spin, DidactWindow *self)
{
  send_scalar_edit (self, DD_EDIT_TEACHER_LR, gtk_spin_button_get_value (spin));
}

static void
on_student_lr_changed (GtkSpinButton *spin, DidactWindow *self)
{
  send_scalar_edit (self, DD_EDIT_STUDENT_LR, gtk_spin_button_get_value (spin));
}

static void
on_window_changed (GtkSpinButton *spin, DidactWindow *self)
{
  send_scalar_edit (self, DD_EDIT_WINDOW, gtk_spin_button_get_value_as_int (spin));
}

static void
on_teacher_kind_changed (AdwComboRow *row, GParamSpec *pspec, DidactWindow *self)
{
  send_scalar_edit (self, DD_EDIT_TEACHER_KIND, adw_combo_row_get_selected (row));
}

static void
on_objective_changed (AdwComboRow *row, GParamSpec *pspec, DidactWindow *self)
{
  send_scalar_edit (self, DD_EDIT_OBJECTIVE, adw_combo_row_get_selected (row));
}

static void
on_preset_changed (AdwComboRow *row, GParamSpec *pspec, DidactWindow *self)
{
  guint n;
  const DidactPreset *all = didact_presets (&n);
  guint i = adw_combo_row_get_selected (row);

  if (self->syncing || i >= n || &all[i] == self->preset)
    return;
  didact_window_load_preset (self, all[i].id);
}

static void
on_branch_changed (AdwComboRow *row, GParamSpec *pspec, DidactWindow *self)
{
  guint b = adw_combo_row_get_selected (row);

  if (self->syncing || self->session == NULL || b == GTK_INVALID_LIST_POSITION || (int) b >= self->n_views)
    return;
  self->view_branch = (int) b;
  self->pending_dirty = FALSE;
  /* margins and coefficient traces follow the shown branch */
  clear_line_plot (self->margins_plot);
  clear_line_plot (self->history_plot);
  g_hash_table_remove_all (self->history_series);
  for (int i = 0; i < self->n_views; i++)
    {
      self->views[i].have_margin_series = FALSE;
      self->views[i].phi = 0;
    }
  ensure_margin_series (self);
  self->history_windows = 0;
  /* the journal's markers again on the cleared plots (the metrics plot
   * keeps its own) */
  self->journal_seen = 0;
  on_tick (GTK_WIDGET (self), NULL, NULL);
  refresh_actions (self);
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

static void
on_cell_activated (DidactHeatmap *heatmap, int row, int col, DidactWindow *self)
{
  const int C = self->C, K = self->C, icell = cell_index (self, row, col);
  if (icell < 0)
    return;
  guint cell = (guint) icell;
  gpointer key = GUINT_TO_POINTER (cell + 1);
  gpointer id;

  self->focus_row = row;
  self->focus_col = col;
  if (g_hash_table_lookup_extended (self->history_series, key, NULL, &id))
    {
      didact_plot_remove_series (DIDACT_PLOT (self->history_plot), GPOINTER_TO_UINT (id));
      g_hash_table_remove (self->history_series, key);
      return;
    }
  char *const *names = self->class_names;
  g_autofree char *label = NULL;
  if (!self->text && col == C)
    label = g_strdup_printf ("b[%s]", names[row]);
  else if (row < K)
    label = g_strdup_printf ("W[%s, %s]", names[row], names[col]);
  else
    label = g_strdup_printf ("%s[%s]", row == self->scale_row ? "log ε" : row == K ? "a" : "b",
                             names[col]);
  guint series = didact_line_plot_add_series (self->history_plot, label, NULL, DIDACT_SERIES_SOLID);
  g_hash_table_insert (self->history_series, key, GUINT_TO_POINTER (series));
  rebuild_history_series (self, cell, series);
}

static void
on_cell_edited (DidactHeatmap *heatmap, int row, int col, double value, DidactWindow *self)
{
  didact_window_set_pending_cell (self, row, col, value);
}

static void
on_cell_spin_changed (GtkSpinButton *spin, DidactWindow *self)
{
  if (self->syncing || self->session == NULL || is_running (self))
    return;
  didact_window_set_pending_cell (self, self->focus_row, self->focus_col, gtk_spin_button_get_value (spin));
}

static void
on_scrub (GtkAdjustment *adj, DidactWindow *self)
{
  double at = gtk_adjustment_get_value (adj);

  if (!self->syncing)
    {
      self->follow_live = at >= gtk_adjustment_get_upper (adj);
      gtk_toggle_button_set_active (self->live_button, self->follow_live);
    }
  DidactLinePlot *plots[] = { self->metrics_plot, self->margins_plot, self->history_plot };
  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    didact_line_plot_set_cursor_x (plots[i], self->follow_live ? NAN : at);
  if (!self->syncing && self->session)
    {
      DdSessionSnapshot snap;
      dd_session_snapshot (self->session, &snap);
      show_phi_at (self, (gint64) at);
      update_distribution (self, &snap, (gint64) at);
    }
}

static void
on_live_toggled (GtkToggleButton *button, DidactWindow *self)
{
  self->follow_live = gtk_toggle_button_get_active (button);
  if (self->follow_live && !self->syncing)
    gtk_adjustment_set_value (self->scrub_adjustment, gtk_adjustment_get_upper (self->scrub_adjustment));
}

/* Space and period drive the run from anywhere but a text field: caught
 * before focused buttons would take Space as their own activation. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller, guint keyval, guint keycode,
                GdkModifierType state, DidactWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;
  if (focus != NULL && (GTK_IS_TEXT (focus) || GTK_IS_EDITABLE (focus)))
    return FALSE;
  if (keyval == GDK_KEY_space)
    return gtk_widget_activate_action (GTK_WIDGET (self), "win.play-pause", NULL);
  if (keyval == GDK_KEY_period)
    return gtk_widget_activate_action (GTK_WIDGET (self), "win.step", NULL);
  return FALSE;
}

/* --- construction -------------------------------------------------------------------- */

static void
build_plots (DidactWindow *self)
{
  self->heatmap = g_object_new (DIDACT_TYPE_HEATMAP, "accessible-label", _("Loss coefficients"), NULL);
  g_signal_connect (self->heatmap, "cell-activated", G_CALLBACK (on_cell_activated), self);
  g_signal_connect (self->heatmap, "cell-edited", G_CALLBACK (on_cell_edited), self);

  self->history_plot = DIDACT_LINE_PLOT (didact_line_plot_new ());
  g_object_set (self->history_plot, "x-label", _("step"), "y-label", _("coefficient"), NULL);

  self->metrics_plot = DIDACT_LINE_PLOT (didact_line_plot_new ());
  g_object_set (self->metrics_plot, "x-label", _("step"), "y-label", _(metric_titles[0]),
                "smoothing", 0.6, NULL);

  self->margins_plot = DIDACT_LINE_PLOT (didact_line_plot_new ());
  g_object_set (self->margins_plot, "x-label", _("step"),
                "y-label", _("dev margin"), "show-legend", FALSE, NULL);

  self->distribution_plot = DIDACT_BAR_PLOT (didact_bar_plot_new ());
  g_object_set (self->distribution_plot, "y-label", _("dev margin"), NULL);

  /* metric chooser, smoothing and log scale in the metrics card's header */
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

  self->heatmap_card = card (_("Loss coefficients Φ = (W, log ε, b); column y: true class"), NULL, NULL,
                             GTK_WIDGET (self->heatmap));
  gtk_grid_attach (self->plot_grid, self->heatmap_card, 0, 0, 1, 1);
  gtk_grid_attach (self->plot_grid,
                   card (_("Coefficient history (click cells)"),
                         _("The clicked coefficients of the shown branch over steps; red ticks: teacher "
                           "updates rejected, orange diamonds: the teacher reset to its start"),
                         NULL, GTK_WIDGET (self->history_plot)), 1, 0, 1, 1);
  gtk_grid_attach (self->plot_grid,
                   card (_("Metrics"),
                         _("Every branch, the baseline dashed. Ticks on the bottom edge: red, a teacher update "
                           "rejected on held-out dev; faint green, one accepted; an orange diamond, the teacher "
                           "reset to its start. Hover for the numbers."),
                         tools, GTK_WIDGET (self->metrics_plot)), 0, 1, 2, 1);
  self->margins_card = card (_("Per-class dev margins"), NULL, NULL, GTK_WIDGET (self->margins_plot));
  gtk_grid_attach (self->plot_grid, self->margins_card, 0, 2, 1, 1);
  self->distribution_card = card (_("Margins now (baseline faint)"),
                                 _("Each class's dev margin at the timeline's step; the baseline faint behind"),
                                 NULL, GTK_WIDGET (self->distribution_plot));
  gtk_grid_attach (self->plot_grid, self->distribution_card, 1, 2, 1, 1);

  /* translation: the corpus BLEU curve beside the margins, the samples below */
  self->bleu_plot = DIDACT_LINE_PLOT (didact_line_plot_new ());
  g_object_set (self->bleu_plot, "x-label", _("step"), "y-label", _("dev BLEU"), NULL);
  self->bleu_card = card (_("Corpus BLEU on dev sentences (greedy decoding)"),
                          _("How many of the reference's word sequences the translations share: higher is better"),
                          NULL, GTK_WIDGET (self->bleu_plot));
  gtk_grid_attach (self->plot_grid, self->bleu_card, 1, 2, 1, 1);
  self->samples = DIDACT_SAMPLES_VIEW (didact_samples_view_new ());
  self->samples_card = card (_("Translation samples (changed words highlighted)"), NULL, NULL,
                             GTK_WIDGET (self->samples));
  gtk_widget_set_size_request (GTK_WIDGET (self->samples), 200, 260);
  gtk_grid_attach (self->plot_grid, self->samples_card, 0, 3, 2, 1);
  gtk_widget_set_visible (self->bleu_card, FALSE);
  gtk_widget_set_visible (self->samples_card, FALSE);
}

static gboolean
mode_is_override (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  g_value_set_boolean (to, g_value_get_uint (from) == EDIT_MODE_OVERRIDE);
  return TRUE;
}

static void
fill_combo (AdwComboRow *row, const char *const *items)
{
  adw_combo_row_set_model (row, G_LIST_MODEL (gtk_string_list_new (items)));
}

static void
didact_window_dispose (GObject *object)
{
  DidactWindow *self = DIDACT_WINDOW (object);

  if (self->loading)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  if (self->tick_id)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  /* stops the worker promptly: a reverse pass under way is cancelled */
  stop_session (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DIDACT_TYPE_WINDOW);
  G_OBJECT_CLASS (didact_window_parent_class)->dispose (object);
}

static void
didact_window_finalize (GObject *object)
{
  DidactWindow *self = DIDACT_WINDOW (object);

  g_clear_pointer (&self->history_series, g_hash_table_unref);
  g_clear_pointer (&self->undo, g_array_unref);
  g_clear_pointer (&self->redo, g_array_unref);
  g_free (self->pending_W);
  g_strfreev (self->class_names);
  g_free (self->pending_b);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (didact_window_parent_class)->finalize (object);
}

static void
didact_window_class_init (DidactWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = didact_window_dispose;
  object_class->finalize = didact_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/didact/Workbench/didact-window.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, DidactWindow, name)
  CHILD (toasts);
  CHILD (window_title);
  CHILD (play_button);
  CHILD (sidebar_button);
  CHILD (preset_row);
  CHILD (run_group);
  CHILD (branch_row);
  CHILD (teacher_kind_row);
  CHILD (teacher_lr_spin);
  CHILD (teacher_lr_row);
  CHILD (window_spin);
  CHILD (objective_row);
  CHILD (student_lr_spin);
  CHILD (edit_mode_row);
  CHILD (edit_steps_row);
  CHILD (edit_steps_spin);
  CHILD (cell_spin);
  CHILD (teacher_group);
  CHILD (student_group);
  CHILD (edit_group);
  CHILD (branch_list);
  CHILD (content_stack);
  CHILD (status_page);
  CHILD (plot_grid);
  CHILD (step_label);
  CHILD (scrubber);
  CHILD (scrub_adjustment);
  CHILD (live_button);
#undef CHILD

  gtk_widget_class_install_action (widget_class, "win.play-pause", NULL, action_play_pause);
  gtk_widget_class_install_action (widget_class, "win.step", NULL, action_step);
  gtk_widget_class_install_action (widget_class, "win.reset", NULL, action_reset);
  gtk_widget_class_install_action (widget_class, "win.fork", NULL, action_fork);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, action_redo);
  gtk_widget_class_install_action (widget_class, "win.apply-edit", NULL, action_apply_edit);
  gtk_widget_class_install_action (widget_class, "win.edit-preset", "s", action_edit_preset);
  gtk_widget_class_install_action (widget_class, "win.presentation", NULL, action_presentation);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, action_toggle_sidebar);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, action_export);
}

static void
didact_window_init (DidactWindow *self)
{
  g_type_ensure (DIDACT_TYPE_HEATMAP);
  g_type_ensure (DIDACT_TYPE_LINE_PLOT);
  g_type_ensure (DIDACT_TYPE_BAR_PLOT);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->undo = g_array_new (FALSE, FALSE, sizeof (UndoEntry));
  self->redo = g_array_new (FALSE, FALSE, sizeof (UndoEntry));
  self->history_series = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->follow_live = TRUE;

  guint n;
  const DidactPreset *all = didact_presets (&n);
  GtkStringList *presets = gtk_string_list_new (NULL);
  for (guint i = 0; i < n; i++)
    gtk_string_list_append (presets, _(all[i].title));
  adw_combo_row_set_model (self->preset_row, G_LIST_MODEL (presets));
  g_object_unref (presets);
  adw_combo_row_set_model (self->branch_row, G_LIST_MODEL (gtk_string_list_new (NULL)));
  const char *kinds[] = { _("Fixed"), _("Gated"), _("Neural"), NULL };
  fill_combo (self->teacher_kind_row, kinds);
  const char *objectives[] = { _("Smoothed dev error"), _("Dev cross-entropy"), NULL };
  fill_combo (self->objective_row, objectives);
  const char *modes[] = { _("Overrides Φ for some steps"), _("Shifts the teacher"), NULL };
  fill_combo (self->edit_mode_row, modes);
  /* "for steps" matters to an override only */
  g_object_bind_property_full (self->edit_mode_row, "selected", self->edit_steps_row, "sensitive",
                               G_BINDING_SYNC_CREATE, mode_is_override, NULL, NULL, NULL);

  build_plots (self);

  g_signal_connect (self->preset_row, "notify::selected", G_CALLBACK (on_preset_changed), self);
  g_signal_connect (self->branch_row, "notify::selected", G_CALLBACK (on_branch_changed), self);
  g_signal_connect (self->teacher_kind_row, "notify::selected", G_CALLBACK (on_teacher_kind_changed), self);
  g_signal_connect (self->objective_row, "notify::selected", G_CALLBACK (on_objective_changed), self);
  g_signal_connect (self->teacher_lr_spin, "value-changed", G_CALLBACK (on_teacher_lr_changed), self);
  g_signal_connect (self->student_lr_spin, "value-changed", G_CALLBACK (on_student_lr_changed), self);
  g_signal_connect (self->window_spin, "value-changed", G_CALLBACK (on_window_changed), self);
  g_signal_connect (self->cell_spin, "value-changed", G_CALLBACK (on_cell_spin_changed), self);
  g_signal_connect (self->scrub_adjustment, "value-changed", G_CALLBACK (on_scrub), self);
  g_signal_connect (self->live_button, "toggled", G_CALLBACK (on_live_toggled), self);

  GtkEventController *keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
  refresh_actions (self);
}

DidactWindow *
didact_window_new (AdwApplication *app, const char *preset_id)
{
  DidactWindow *self = g_object_new (DIDACT_TYPE_WINDOW, "application", app, NULL);
  GSettings *settings = didact_application_get_settings (DIDACT_APPLICATION (app));
  g_autofree char *preset = NULL;

  if (settings)
    {
      self->settings = g_object_ref (settings);
      preset = g_settings_get_string (settings, "default-preset");
      g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
    }
  didact_window_load_preset (self, preset_id ? preset_id : preset ? preset : "fashion-mnist-mlp");
  return self;
}

DdSession *
didact_window_get_session (DidactWindow *self)
{
  return self->session;
}

gboolean
didact_window_is_loading (DidactWindow *self)
{
  return self->session == NULL;
}

guint
didact_window_n_plots (void)
{
  return 5;
}

GtkWidget *
didact_window_get_bleu_plot (DidactWindow *self)
{
  return GTK_WIDGET (self->bleu_plot);
}

GtkWidget *
didact_window_get_samples (DidactWindow *self)
{
  return GTK_WIDGET (self->samples);
}

GtkWidget *
didact_window_get_plot (DidactWindow *self, guint index)
{
  GtkWidget *plots[] = { GTK_WIDGET (self->heatmap), GTK_WIDGET (self->history_plot),
                         GTK_WIDGET (self->metrics_plot), GTK_WIDGET (self->margins_plot),
                         GTK_WIDGET (self->distribution_plot) };
  return index < G_N_ELEMENTS (plots) ? plots[index] : NULL;
}
