/* didact-window-private.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DidactWindow's instance and what its parts share:
 *   didact-window.c          the template, construction, the session's
 *                            lifecycle and the frame tick
 *   didact-window-plots.c    the plot cards, the branch views, and the
 *                            session feed's points and marks on the plots
 *   didact-window-phi.c      Φ's layout on the heatmap, pending cells, edit
 *                            presets, edits and their undo and redo
 *   didact-window-actions.c  the win. actions, the controls' handlers and
 *                            their sensitivity
 *   didact-window-file.c     session files: save, open, recent files,
 *                            autosave and the restore offer after a crash
 * Only didact-window-phi.c knows how Φ is laid out (the W block of R rows
 * by C columns, then b); the others pass its coefficients around by index.
 */
#pragma once

#include "didact-window.h"
#include "didact-presets.h"
#include "didact-line-plot.h"
#include "didact-heatmap.h"
#include "didact-bar-plot.h"
#include "didact-samples-view.h"
#include "didact-session-feed.h"

G_BEGIN_DECLS

typedef enum
{
  METRIC_TRAIN_CE,
  METRIC_TEACHER_LOSS,
  METRIC_DEV_ERROR,
  METRIC_TEST_ERROR,
  METRIC_OBJECTIVE,
  N_METRICS
} Metric;

typedef enum
{
  EDIT_MODE_OVERRIDE,
  EDIT_MODE_SHIFT
} EditMode;

/* margin curves drawn per branch at the most (classes or buckets) */
#define MAX_MARGIN_SERIES 64

/* one branch's series on the plots and its row in the branches list */
typedef struct
{
  guint      series[N_METRICS];  /* metrics plot; 0 where the branch has none */
  guint      bleu_series;        /* translation: the BLEU curve */
  guint      margin_series[MAX_MARGIN_SERIES]; /* per class, margins plot */
  gboolean   have_margin_series;
  GtkWidget *row;                /* in the branches list */
} BranchView;

struct _DidactWindow
{
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
  GtkWidget       *heatmap_card, *margins_card, *history_card, *metrics_card;
  GtkDropDown     *metric_dropdown;
  guint            dist_series_view, dist_series_base;
  GHashTable      *history_series;   /* Φ coefficient + 1 → series id */

  /* the run */
  GSettings          *settings;
  const DidactPreset *preset;
  DdData             *data;          /* borrowed from the application */
  DdSession          *session;
  DidactSessionFeed  *feed;          /* reads session's records; lives as long */
  GCancellable       *loading;
  guint               tick_id;       /* 0 while resting (paused and idle) */
  guint64             n_ticks;       /* frame ticks run, for tests */
  GThread            *idle_waiter;   /* waits for the worker to go idle */
  guint               waiter_serial; /* tells a stopped session's waiter from the current one */
  gboolean            watch_again;   /* a command came after the waiter started */
  gboolean            worker_idle;   /* the waiter saw it idle since the last wake */
  int                 C;             /* classes, or K frequency buckets */
  int                 R;             /* Φ: W (R, C), b (C); R = C + 1, or K + 2 for buckets */
  int                 scale_row;     /* the row of W that holds log ε */
  gboolean            text;          /* a translation run: Φ over buckets, samples */
  char              **class_names;   /* (C) classes, or the buckets' frequency ranks */
  BranchView          views[DD_SESSION_MAX_BRANCHES];
  int                 n_views;
  Metric              metric;
  int                 view_branch;   /* shown in the heatmap and margins; receives edits */
  gboolean            syncing;       /* controls being set from the engine's state */

  /* editing Φ while paused (didact-window-phi.c) */
  DdPhi              *pending;       /* Φ being edited (the session's shape) */
  gboolean            pending_dirty;
  int                 focus_row, focus_col;
  GArray             *undo;          /* UndoEntry pairs: an edit, then its inverse */
  GArray             *redo;

  /* session files (didact-window-file.c) */
  char               *file_path;     /* the file the session was opened from or saved to */
  struct _SaveJob    *save_job;      /* a save under way (user or autosave), or NULL */
  char               *save_next;     /* a user save asked for while one ran */
  guint               autosave_id;   /* the autosave timer */
  char               *autosave_path; /* this window's autosave file, once written */
  int                 autosave_lock; /* fd holding its lock, or −1 */
  gint64              autosave_mark; /* the session's progress at the last autosave */
  AdwMessageDialog   *recovery;      /* the restore offer, while shown */
  gboolean            opening;       /* a file is being read */
  GMenu              *recent_menu;   /* template child: Open Recent */

  gboolean            presentation;
  gboolean            follow_live;
  gint64              last_update;   /* frame time of the last plot update, µs */
};

/* didact-window.c: the session and what the parts share */
gboolean  _didact_window_is_running      (DidactWindow *self);
gboolean  _didact_window_is_baseline     (DidactWindow *self,
                                          int           branch);
char     *_didact_window_branch_name     (DidactWindow *self,
                                          int           branch);
void      _didact_window_branch_color    (int           branch,
                                          GdkRGBA      *out);
void      _didact_window_toast           (DidactWindow *self,
                                          const char   *message);
void      _didact_window_start_session   (DidactWindow *self);
/* reads the session now, as a frame would, and wakes the tick */
void      _didact_window_update          (DidactWindow *self);
/* The frame tick runs again until the worker is idle (and the session
 * paused): after play, pause, step, an edit or a new session. */
void      _didact_window_wake            (DidactWindow *self);

/* a session opened from a file replaces the current one (data borrowed from
 * the application; path may be NULL for a recovered autosave) */
void      _didact_window_adopt_session   (DidactWindow       *self,
                                          DdSession          *session,
                                          const DidactPreset *preset,
                                          DdData             *data,
                                          const char         *path);

/* didact-window-file.c: save, open, autosave and recovery */
void      _didact_window_file_init       (DidactWindow *self);
/* a session began: autosave it */
void      _didact_window_file_start      (DidactWindow *self);
/* the session is going: wait for a save under way, drop the autosave */
void      _didact_window_file_stop       (DidactWindow *self);
/* the title: the file's name (or the preset's) */
void      _didact_window_update_file_title (DidactWindow *self);
void      _didact_window_class_init_file (DidactWindowClass *klass);

/* didact-window-plots.c */
void      _didact_window_build_plots     (DidactWindow *self);
/* empties the plots and the branch lists for a new session */
void      _didact_window_clear_plots     (DidactWindow *self);
/* the plots' titles, categories and cards for the session just started */
void      _didact_window_plots_start     (DidactWindow *self);
/* a card's title, the line under it and the text its "?" shows (NULL: none) */
void      _didact_window_set_card_title  (GtkWidget    *card,
                                          const char   *title,
                                          const char   *explanation,
                                          const char   *info);
/* series and list rows for branches the snapshot has and the plots not yet */
void      _didact_window_add_branches    (DidactWindow            *self,
                                          const DdSessionSnapshot *snap);
/* a branch's new records onto the plots; TRUE if any */
gboolean  _didact_window_read_branch     (DidactWindow            *self,
                                          const DdSessionSnapshot *snap,
                                          int                      branch);
void      _didact_window_read_journal    (DidactWindow            *self,
                                          const DdSessionSnapshot *snap);
/* the margins now, or translation samples, at the timeline's step */
void      _didact_window_update_distribution (DidactWindow            *self,
                                              const DdSessionSnapshot *snap,
                                              gint64                   step);
void      _didact_window_update_samples  (DidactWindow            *self,
                                          const DdSessionSnapshot *snap,
                                          gint64                   step);
/* the margins and traces follow a newly shown branch */
void      _didact_window_show_branch     (DidactWindow *self);
/* traces a Φ coefficient on the history plot, or stops tracing it */
void      _didact_window_toggle_trace    (DidactWindow *self,
                                          guint         coefficient,
                                          const char   *label);

/* didact-window-phi.c */
void      _didact_window_init_phi        (DidactWindow *self);
void      _didact_window_finalize_phi    (DidactWindow *self);
/* Φ's shape, the heatmap's rows, columns and scales, and the pending Φ, for the session */
void      _didact_window_phi_start       (DidactWindow *self);
/* forgets the pending cells and the undo history */
void      _didact_window_phi_stop        (DidactWindow *self);
/* the feed's reader of Φ coefficients (DidactFeedPhiValue) */
double    _didact_window_phi_value       (const DdPhiRecord *record,
                                          guint              coefficient,
                                          gpointer           user_data);
/* the heatmap at the timeline's step (or the pending Φ) */
void      _didact_window_show_phi_at     (DidactWindow *self,
                                          gint64        step);
/* the heatmap at step 0 and the first coefficients traced */
void      _didact_window_show_first_phi  (DidactWindow *self);
/* applies an edit to the shown branch and records it for undo */
void      _didact_window_record_edit     (DidactWindow *self,
                                          const DdEdit *edit);
void      _didact_window_undo            (DidactWindow *self);
void      _didact_window_redo            (DidactWindow *self);
/* the pending cells as an edit of the shown branch, by the chosen mode */
void      _didact_window_apply_pending   (DidactWindow *self);
/* pending cells from a preset: "identity", "penalty" or "teacher" */
void      _didact_window_load_edit_preset (DidactWindow *self,
                                           const char   *which);

/* didact-window-actions.c */
void      _didact_window_class_init_actions (DidactWindowClass *klass);
/* the controls' handlers and the keys that drive the run */
void      _didact_window_init_controls   (DidactWindow *self);
void      _didact_window_refresh_actions (DidactWindow *self);
void      _didact_window_sync_play_button (DidactWindow *self,
                                           gboolean      running);
/* the teacher and student controls from the session's configuration */
void      _didact_window_sync_controls   (DidactWindow *self);

G_END_DECLS
