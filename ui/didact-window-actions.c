/* didact-window-actions.c: the window's actions and controls
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every button a test can press is a win. action installed here; the
 * sidebar's controls send scalar edits to the shown branch; the timeline
 * and the branch picker choose what the plots show. Edits of Φ and undo
 * are didact-window-phi.c's, which the actions call.
 */
#define G_LOG_DOMAIN "Didact-UI"

#include "config.h"
#include "didact-window-private.h"

#include <glib/gi18n.h>
#include <math.h>

/* --- sensitivity and state ----------------------------------------------------------- */

void
_didact_window_refresh_actions (DidactWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean have = self->session != NULL;
  gboolean paused = have && !_didact_window_is_running (self);
  gboolean editable = paused && !_didact_window_is_baseline (self, self->view_branch);

  gtk_widget_action_set_enabled (widget, "win.play-pause", have);
  gtk_widget_action_set_enabled (widget, "win.step", paused);
  gtk_widget_action_set_enabled (widget, "win.reset", have);
  gtk_widget_action_set_enabled (widget, "win.fork", paused);
  gtk_widget_action_set_enabled (widget, "win.undo", paused && self->undo->len > 0);
  gtk_widget_action_set_enabled (widget, "win.redo", paused && self->redo->len > 0);
  gtk_widget_action_set_enabled (widget, "win.apply-edit", editable && self->pending_dirty);
  gtk_widget_action_set_enabled (widget, "win.edit-preset", editable);
  gtk_widget_set_sensitive (self->teacher_group, editable);
  gtk_widget_set_sensitive (self->student_group, paused);
  gtk_widget_set_sensitive (self->edit_group, editable);
  g_object_set (self->heatmap, "editable", editable, NULL);
}

void
_didact_window_sync_play_button (DidactWindow *self, gboolean running)
{
  const char *label = running ? _("Pause") : _("Play");

  gtk_button_set_icon_name (self->play_button, running ? "media-playback-pause-symbolic"
                                                       : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button),
                               running ? _("Pause (Space)") : _("Play (Space)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

void
_didact_window_sync_controls (DidactWindow *self)
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

/* --- the run ---------------------------------------------------------------------------- */

static void
action_play_pause (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);

  if (self->session == NULL)
    return;
  if (_didact_window_is_running (self))
    dd_session_pause (self->session);
  else
    {
      self->pending_dirty = FALSE;
      dd_session_play (self->session);
      gtk_toggle_button_set_active (self->live_button, TRUE);
    }
  _didact_window_sync_play_button (self, _didact_window_is_running (self));
  _didact_window_refresh_actions (self);
  _didact_window_wake (self);
}

static void
action_step (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);

  if (self->session && !_didact_window_is_running (self))
    {
      dd_session_step (self->session);
      _didact_window_wake (self);
    }
}

static void
action_reset (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);

  if (self->data)
    _didact_window_start_session (self);
}

static void
action_fork (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->session == NULL || _didact_window_is_running (self))
    return;
  /* fork the shown branch (a baseline forks as a baseline) */
  int b = dd_session_fork (self->session, self->view_branch, &error);
  if (b < 0)
    {
      _didact_window_toast (self, error->message);
      return;
    }
  _didact_window_update (self);
  adw_combo_row_set_selected (self->branch_row, b);
  g_autofree char *name_text = _didact_window_branch_name (self, b);
  g_autofree char *text = g_strdup_printf (_("%s: edits now go to this branch"), name_text);
  _didact_window_toast (self, text);
}

/* --- edits ------------------------------------------------------------------------------ */

static void
action_undo (GtkWidget *widget, const char *name, GVariant *param)
{
  _didact_window_undo (DIDACT_WINDOW (widget));
}

static void
action_redo (GtkWidget *widget, const char *name, GVariant *param)
{
  _didact_window_redo (DIDACT_WINDOW (widget));
}

static void
action_apply_edit (GtkWidget *widget, const char *name, GVariant *param)
{
  _didact_window_apply_pending (DIDACT_WINDOW (widget));
}

static void
action_edit_preset (GtkWidget *widget, const char *name, GVariant *param)
{
  _didact_window_load_edit_preset (DIDACT_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
send_scalar_edit (DidactWindow *self, DdEditKind kind, double value)
{
  if (self->syncing || self->session == NULL)
    return;
  DdEdit e = { .kind = kind, .branch = self->view_branch, .value = value };
  _didact_window_record_edit (self, &e);
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

/* --- the view ------------------------------------------------------------------------------ */

static void
action_presentation (GtkWidget *widget, const char *name, GVariant *param)
{
  DidactWindow *self = DIDACT_WINDOW (widget);

  self->presentation = !self->presentation;
  for (guint i = 0; i < didact_window_n_plots (); i++)
    g_object_set (didact_window_get_plot (self, i), "presentation", self->presentation, NULL);
  if (self->presentation)
    {
      gtk_widget_add_css_class (widget, "presentation");
      gtk_toggle_button_set_active (self->sidebar_button, FALSE);
      gtk_window_fullscreen (GTK_WINDOW (self));
    }
  else
    {
      gtk_widget_remove_css_class (widget, "presentation");
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

gboolean
didact_window_export_to (DidactWindow *self, const char *path, GError **error)
{
  const char *names[] = { "coefficients", "coefficient-history", "metrics", "margins",
                          "margin-distribution" };

  g_return_val_if_fail (DIDACT_IS_WINDOW (self), FALSE);
  for (guint i = 0; i < didact_window_n_plots (); i++)
    {
      g_autofree char *file = g_strdup_printf ("%s/%s.png", path, names[i]);
      if (!didact_plot_export (didact_window_get_plot (self, i), file, 1200, 800, error))
        return FALSE;
    }
  /* the numbers behind the plots: curves, Φ and window records (dd-export.h) */
  return self->session == NULL || dd_session_export (self->session, path, error);
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
      g_autoptr(GError) error = NULL;
      if (!didact_window_export_to (self, path, &error))
        _didact_window_toast (self, error->message);
      else
        {
          g_autofree char *text = g_strdup_printf (_("Plots and data exported to %s"), path);
          _didact_window_toast (self, text);
        }
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (source));
  g_object_unref (self);
}

static void
action_export (GtkWidget *widget, const char *name, GVariant *param)
{
  GtkFileChooserNative *native =
    gtk_file_chooser_native_new (_("Export Plots and Data to a Folder"), GTK_WINDOW (widget),
                                 GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Export"), _("_Cancel"));
  g_signal_connect (native, "response", G_CALLBACK (on_export_chosen), g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
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
  _didact_window_show_branch (self);
  _didact_window_update (self);
  _didact_window_refresh_actions (self);
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
      _didact_window_show_phi_at (self, (gint64) at);
      _didact_window_update_distribution (self, &snap, (gint64) at);
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

/* --- wiring --------------------------------------------------------------------------------- */

void
_didact_window_class_init_actions (DidactWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

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

void
_didact_window_init_controls (DidactWindow *self)
{
  g_signal_connect (self->preset_row, "notify::selected", G_CALLBACK (on_preset_changed), self);
  g_signal_connect (self->branch_row, "notify::selected", G_CALLBACK (on_branch_changed), self);
  g_signal_connect (self->teacher_kind_row, "notify::selected", G_CALLBACK (on_teacher_kind_changed), self);
  g_signal_connect (self->objective_row, "notify::selected", G_CALLBACK (on_objective_changed), self);
  g_signal_connect (self->teacher_lr_spin, "value-changed", G_CALLBACK (on_teacher_lr_changed), self);
  g_signal_connect (self->student_lr_spin, "value-changed", G_CALLBACK (on_student_lr_changed), self);
  g_signal_connect (self->window_spin, "value-changed", G_CALLBACK (on_window_changed), self);
  g_signal_connect (self->scrub_adjustment, "value-changed", G_CALLBACK (on_scrub), self);
  g_signal_connect (self->live_button, "toggled", G_CALLBACK (on_live_toggled), self);

  GtkEventController *keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}
