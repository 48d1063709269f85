/* didact-window.c: the main window — template, session lifecycle, frame tick
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine runs in the session's worker thread. The window touches
 * widgets on the main thread only: a tick callback on the frame clock takes
 * a snapshot of the session (a few counts, under a lock held for
 * nanoseconds), then the session feed copies the records that are new
 * since the last frame into the plots' caches. The tick rests while a
 * paused session's worker is idle (nothing can change), woken by the
 * controls and by a thread that waits for the worker to go idle. Dataset
 * loading runs in a GTask thread and hands its result back through the
 * task's callback on the main context.
 *
 * The window's other parts (didact-window-private.h): the plots
 * (-plots.c), Φ and its edits (-phi.c), the actions and controls
 * (-actions.c).
 */
#define G_LOG_DOMAIN "Didact-UI"

#include "config.h"
#include "didact-window-private.h"
#include "didact-application.h"

#include <glib/gi18n.h>

G_DEFINE_FINAL_TYPE (DidactWindow, didact_window, ADW_TYPE_APPLICATION_WINDOW)

/* --- what the parts share ----------------------------------------------------- */

gboolean
_didact_window_is_running (DidactWindow *self)
{
  DdSessionSnapshot snap;

  if (self->session == NULL)
    return FALSE;
  dd_session_snapshot (self->session, &snap);
  return snap.state == DD_SESSION_RUNNING;
}

char *
_didact_window_branch_name (DidactWindow *self, int b)
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

gboolean
_didact_window_is_baseline (DidactWindow *self, int b)
{
  return b == 1 && self->session && dd_session_get_config (self->session)->baseline;
}

void
_didact_window_branch_color (int b, GdkRGBA *out)
{
  /* the taught arm first, the baseline grey, forks from the palette */
  if (b == 1)
    didact_plot_baseline_color (out);
  else
    didact_plot_palette_color (b == 0 ? 0 : (guint) b - 1, out);
}

void
_didact_window_toast (DidactWindow *self, const char *message)
{
  AdwToast *t = adw_toast_new (message);

  adw_toast_set_timeout (t, 6);
  adw_toast_overlay_add_toast (self->toasts, t);
}

/* --- the frame tick ------------------------------------------------------------ */

/* While training runs, ten updates a second are live enough and leave the
 * second core to the engine; the display server's work is the same order
 * as ours, so every frame would cost the engine real time. */
static gboolean
too_soon (DidactWindow *self, GdkFrameClock *clock, const DdSessionSnapshot *snap)
{
  gint64 now = clock ? gdk_frame_clock_get_frame_time (clock) : g_get_monotonic_time ();

  if (clock && snap->state == DD_SESSION_RUNNING && now - self->last_update < 100000)
    return TRUE;
  self->last_update = now;
  return FALSE;
}

static void
report_failures (DidactWindow *self, const DdSessionSnapshot *snap)
{
  if (!didact_session_feed_take_failures (self->feed, snap))
    return;
  g_autofree char *msg = dd_session_dup_error (self->session);
  g_autofree char *text = g_strdup_printf (_("Training stopped: %s. Paused at the last good "
                                             "state; lower a learning rate, or fork from here."),
                                           msg ? msg : "");
  _didact_window_toast (self, text);
}

/* The timeline ends at the newest step and, while live, stays there.
 * Returns the step it shows. */
static gint64
follow_timeline (DidactWindow *self, gint64 latest, gboolean running, gboolean changed)
{
  if (changed || running)
    {
      self->syncing = TRUE;
      gtk_adjustment_set_upper (self->scrub_adjustment, MAX (1.0, (double) latest));
      if (self->follow_live)
        gtk_adjustment_set_value (self->scrub_adjustment, (double) latest);
      self->syncing = FALSE;
    }
  return self->follow_live ? latest : (gint64) gtk_adjustment_get_value (self->scrub_adjustment);
}

static void
update_title (DidactWindow *self, const DdSessionSnapshot *snap, gint64 latest)
{
  const char *state = snap->state == DD_SESSION_RUNNING ? _("Running") : _("Paused");
  /* Translators: the window subtitle: run state and the student step */
  g_autofree char *subtitle = g_strdup_printf (_("%s · step %lld"), state, (long long) latest);

  adw_window_title_set_subtitle (self->window_title, subtitle);
}

/* what the timeline's step shows: Φ, the margins or samples, the labels */
static void
show_step (DidactWindow *self, const DdSessionSnapshot *snap, gint64 at, gint64 latest, gboolean changed)
{
  if (changed)
    {
      _didact_window_show_phi_at (self, at);
      if (self->text)
        _didact_window_update_samples (self, snap, at);
      else
        _didact_window_update_distribution (self, snap, at);
    }
  g_autofree char *step_text = g_strdup_printf (_("Step %lld"), (long long) at);
  gtk_label_set_text (self->step_label, step_text);
  update_title (self, snap, latest);
  _didact_window_refresh_actions (self);
}

/* clock: the frame's, or NULL to read the session now */
static void
update (DidactWindow *self, GdkFrameClock *clock)
{
  DdSessionSnapshot snap;
  gboolean changed = FALSE;
  gint64 latest = 0;

  if (self->session == NULL)
    return;
  dd_session_snapshot (self->session, &snap);
  if (too_soon (self, clock, &snap))
    return;
  _didact_window_add_branches (self, &snap);
  for (int b = 0; b < snap.n_branches; b++)
    {
      changed |= _didact_window_read_branch (self, &snap, b);
      /* the steps taken, not the last record's: thinned records come
       * every second (fourth…) step on long runs */
      latest = MAX (latest, snap.step[b]);
    }
  _didact_window_read_journal (self, &snap);
  report_failures (self, &snap);

  gboolean running = snap.state == DD_SESSION_RUNNING;
  _didact_window_sync_play_button (self, running);
  gint64 at = follow_timeline (self, latest, running, changed);
  show_step (self, &snap, at, latest, changed);
}

/* --- waking and resting ----------------------------------------------------------- */

/* The tick runs while something can change: while the session runs, while
 * its worker finishes what it was given (a step; the step under way when
 * paused; an edit's consequences), and for one frame after. A paused, idle
 * session changes nothing, and then the window asks for no frames at all.
 * That the worker went idle is learnt from a thread that waits for it
 * (dd_session_wait_idle) and wakes the tick for a last read. */

typedef struct
{
  GWeakRef window;
  DdSession *session;
  guint serial;
} IdleWaiter;

static void
idle_waiter_free (gpointer data)
{
  IdleWaiter *waiter = data;

  g_weak_ref_clear (&waiter->window);
  g_free (waiter);
}

static gboolean on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data);
static void watch_worker (DidactWindow *self);

static void
ensure_tick (DidactWindow *self)
{
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
}

/* on the main thread, after the waiter saw the worker idle */
static gboolean
on_worker_idle (gpointer data)
{
  IdleWaiter *waiter = data;
  g_autoptr(DidactWindow) self = g_weak_ref_get (&waiter->window);

  /* a waiter of a session since stopped was joined there */
  if (self == NULL || waiter->serial != self->waiter_serial || self->idle_waiter == NULL)
    return G_SOURCE_REMOVE;
  g_clear_pointer (&self->idle_waiter, g_thread_join);
  self->waiter_serial++;
  if (self->watch_again)
    watch_worker (self);
  else
    self->worker_idle = TRUE;
  ensure_tick (self);
  return G_SOURCE_REMOVE;
}

static gpointer
wait_for_worker (gpointer data)
{
  IdleWaiter *waiter = data;
  GSource *source = g_idle_source_new ();

  dd_session_wait_idle (waiter->session);
  /* an idle source on the main context, never g_main_context_invoke: from
   * this thread that could run the callback here */
  g_source_set_callback (source, on_worker_idle, waiter, idle_waiter_free);
  g_source_attach (source, NULL);
  g_source_unref (source);
  return NULL;
}

/* Starts a waiter for the worker's next idle moment; a waiter already
 * under way may have seen an idle moment before the latest command, so it
 * is followed by another. */
static void
watch_worker (DidactWindow *self)
{
  self->watch_again = FALSE;
  if (self->session == NULL)
    {
      self->worker_idle = TRUE;
      return;
    }
  if (self->idle_waiter != NULL)
    {
      self->watch_again = TRUE;
      return;
    }
  IdleWaiter *waiter = g_new0 (IdleWaiter, 1);
  g_weak_ref_init (&waiter->window, self);
  waiter->session = self->session;
  waiter->serial = self->waiter_serial;
  self->idle_waiter = g_thread_new ("didact-idle-wait", wait_for_worker, waiter);
}

/* stops the waiter of a session about to be freed (which stops its worker) */
static void
stop_watching (DidactWindow *self)
{
  if (self->idle_waiter == NULL)
    return;
  dd_session_stop (self->session);
  g_clear_pointer (&self->idle_waiter, g_thread_join);
  self->waiter_serial++;
  self->watch_again = FALSE;
}

void
_didact_window_wake (DidactWindow *self)
{
  self->worker_idle = FALSE;
  ensure_tick (self);
  watch_worker (self);
}

static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  DidactWindow *self = DIDACT_WINDOW (widget);

  self->n_ticks++;
  update (self, clock);
  if (self->session != NULL && !(self->worker_idle && !_didact_window_is_running (self)))
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

void
_didact_window_update (DidactWindow *self)
{
  update (self, NULL);
  _didact_window_wake (self);
}

/* --- session lifecycle ---------------------------------------------------------- */

static void
stop_session (DidactWindow *self)
{
  stop_watching (self);
  /* a save under way holds the session: let it end first */
  _didact_window_file_stop (self);
  g_clear_pointer (&self->feed, didact_session_feed_free);
  g_clear_pointer (&self->session, dd_session_free);
  _didact_window_phi_stop (self);
}

static gboolean
create_session (DidactWindow *self)
{
  DdSessionConfig cfg;
  g_autoptr(GError) error = NULL;
  int threads = self->settings ? g_settings_get_int (self->settings, "threads") : 1;

  didact_preset_session_config (self->preset, threads, &cfg);
  self->session = dd_session_new (&cfg, self->data, &error);
  if (self->session == NULL)
    {
      adw_status_page_set_title (self->status_page, _("The Run Could Not Start"));
      adw_status_page_set_description (self->status_page, error->message);
      adw_status_page_set_icon_name (self->status_page, "dialog-error-symbolic");
      gtk_stack_set_visible_child_name (self->content_stack, "loading");
      return FALSE;
    }
  self->feed = didact_session_feed_new (self->session, _didact_window_phi_value, self);
  return TRUE;
}

/* classes or buckets and their names (Φ's rows are didact-window-phi.c's) */
static void
read_session_shape (DidactWindow *self)
{
  self->text = dd_session_phi_shape (self->session) == DD_PHI_BUCKETS;
  self->C = dd_session_n_classes (self->session);
  g_strfreev (self->class_names);
  self->class_names = g_new0 (char *, self->C + 1);
  for (int c = 0; c < self->C; c++)
    /* Translators: a bucket of target words by frequency rank, e.g. "words 1–3" */
    self->class_names[c] = self->text ? g_strdup_printf (_("words %s"), dd_session_class_name (self->session, c))
                                      : g_strdup (dd_session_class_name (self->session, c));
}

/* the plots in place of the status page, following the run live */
static void
show_session (DidactWindow *self)
{
  /* on a changed training split the training loss measures the wrong thing
   * (fitting flipped labels lowers it): show the dev error first */
  if (self->preset->scenario != NULL)
    gtk_drop_down_set_selected (self->metric_dropdown, METRIC_DEV_ERROR);
  self->follow_live = TRUE;
  gtk_toggle_button_set_active (self->live_button, TRUE);
  gtk_stack_set_visible_child_name (self->content_stack, "plots");
  _didact_window_update_file_title (self);
  _didact_window_update (self);
  _didact_window_show_first_phi (self);
}

static void
clear_session (DidactWindow *self)
{
  GtkStringList *branches = GTK_STRING_LIST (adw_combo_row_get_model (self->branch_row));

  stop_session (self);
  _didact_window_clear_plots (self);
  self->syncing = TRUE;
  gtk_string_list_splice (branches, 0, g_list_model_get_n_items (G_LIST_MODEL (branches)), NULL);
  self->syncing = FALSE;
}

static void
begin_session (DidactWindow *self)
{
  read_session_shape (self);
  _didact_window_phi_start (self);
  _didact_window_plots_start (self);
  _didact_window_sync_controls (self);
  show_session (self);
  _didact_window_file_start (self);
}

void
_didact_window_start_session (DidactWindow *self)
{
  clear_session (self);
  g_clear_pointer (&self->file_path, g_free);
  if (!create_session (self))
    return;
  begin_session (self);
}

void
_didact_window_adopt_session (DidactWindow *self, DdSession *session, const DidactPreset *preset,
                              DdData *data, const char *path)
{
  if (self->loading)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  clear_session (self);
  self->preset = preset;
  self->data = data;
  adw_preferences_group_set_description (self->run_group, _(preset->explanation));
  self->syncing = TRUE;
  guint n;
  const DidactPreset *all = didact_presets (&n);
  for (guint i = 0; i < n; i++)
    if (&all[i] == preset)
      adw_combo_row_set_selected (self->preset_row, i);
  self->syncing = FALSE;
  g_free (self->file_path);
  self->file_path = g_strdup (path);
  self->session = session;
  self->feed = didact_session_feed_new (self->session, _didact_window_phi_value, self);
  begin_session (self);
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
  _didact_window_start_session (self);
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
      _didact_window_start_session (self);
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

/* --- construction -------------------------------------------------------------------- */

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
  _didact_window_finalize_phi (self);
  g_strfreev (self->class_names);
  g_free (self->file_path);
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
  CHILD (recent_menu);
#undef CHILD

  _didact_window_class_init_actions (klass);
  _didact_window_class_init_file (klass);
}

/* the sidebar's choices: presets, branches, teacher kinds, objectives, edit modes */
static void
fill_sidebar (DidactWindow *self)
{
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
}

static void
didact_window_init (DidactWindow *self)
{
  g_type_ensure (DIDACT_TYPE_HEATMAP);
  g_type_ensure (DIDACT_TYPE_LINE_PLOT);
  g_type_ensure (DIDACT_TYPE_BAR_PLOT);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->history_series = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->follow_live = TRUE;
  fill_sidebar (self);
  _didact_window_build_plots (self);
  _didact_window_init_phi (self);
  _didact_window_init_controls (self);
  _didact_window_file_init (self);
  _didact_window_refresh_actions (self);
}

/* --- the public API -------------------------------------------------------------------- */

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

gboolean
didact_window_is_resting (DidactWindow *self)
{
  g_return_val_if_fail (DIDACT_IS_WINDOW (self), FALSE);
  return self->tick_id == 0 && self->idle_waiter == NULL;
}

guint64
didact_window_get_tick_count (DidactWindow *self)
{
  return self->n_ticks;
}

GtkWidget *
didact_window_get_info_button (DidactWindow *self, GtkWidget *plot)
{
  /* the plot is the last child of its card */
  return g_object_get_data (G_OBJECT (gtk_widget_get_parent (plot)), "info-button");
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
