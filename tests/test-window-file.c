/* test-window-file.c: session files in the workbench — save, quit, open;
 * a refused file; autosave surviving a kill -9
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under Xvfb with real windows, real files and, for the crash, a real
 * child process (this binary again, DIDACT_TEST_CHILD=1) that plays a
 * session with a one-second autosave until it is killed with SIGKILL.
 */
#include "config.h"
#include "didact-application.h"
#include "didact-window.h"
#include "didact-line-plot.h"
#include "test-files.h"
#include "test-wait.h"

#include <cairo.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

static DidactApplication *app;
static char *state_dir;

static gboolean
window_ready (gpointer data)
{
  DidactWindow *w = data;
  return !didact_window_is_loading (w) && !didact_window_is_opening (w);
}

static DidactWindow *
new_window (void)
{
  DidactWindow *w = didact_window_new (ADW_APPLICATION (app), "digits-tiny-mlp");
  gtk_window_set_default_size (GTK_WINDOW (w), 1400, 900);
  gtk_window_present (GTK_WINDOW (w));
  g_assert_true (wait_until (window_ready, w, 60));
  return w;
}

static void
act (DidactWindow *w, const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w), action, NULL));
}

/* the window has read its session's last state and asks for no frames */
static gboolean
at_rest (gpointer data)
{
  return didact_window_is_resting (data);
}

static void
step_n (DidactWindow *w, int n)
{
  for (int i = 0; i < n; i++)
    act (w, "win.step");
  dd_session_wait_idle (didact_window_get_session (w));
  g_assert_true (wait_until (at_rest, w, 60));
}

static gboolean
not_saving (gpointer data)
{
  return !didact_window_is_saving (data);
}

static void
assert_same_weights (DdSession *a, DdSession *b)
{
  g_autoptr(GPtrArray) wa = dd_session_dup_student_params (a);
  g_autoptr(GPtrArray) wb = dd_session_dup_student_params (b);
  const gsize bytes = dd_session_n_student_params (a) * sizeof (dd_real);
  g_assert_cmpuint (wa->len, ==, wb->len);
  for (guint i = 0; i < wa->len; i++)
    g_assert_cmpmem (wa->pdata[i], bytes, wb->pdata[i], bytes);
}

/* the combo row titled @title under @w, as a user finds it */
static AdwComboRow *
find_combo_row (GtkWidget *w, const char *title)
{
  if (ADW_IS_COMBO_ROW (w) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title) == 0)
    return ADW_COMBO_ROW (w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      AdwComboRow *row = find_combo_row (c, title);
      if (row != NULL)
        return row;
    }
  return NULL;
}

/* two PNG files hold the same pixels */
static void
assert_same_png (const char *a, const char *b)
{
  cairo_surface_t *sa = cairo_image_surface_create_from_png (a);
  cairo_surface_t *sb = cairo_image_surface_create_from_png (b);
  g_assert_cmpint (cairo_surface_status (sa), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_surface_status (sb), ==, CAIRO_STATUS_SUCCESS);
  int h = cairo_image_surface_get_height (sa);
  int stride = cairo_image_surface_get_stride (sa);
  g_assert_cmpint (cairo_image_surface_get_width (sa), ==, cairo_image_surface_get_width (sb));
  g_assert_cmpint (h, ==, cairo_image_surface_get_height (sb));
  g_assert_cmpint (stride, ==, cairo_image_surface_get_stride (sb));
  if (memcmp (cairo_image_surface_get_data (sa), cairo_image_surface_get_data (sb), (size_t) h * stride) != 0)
    g_error ("%s and %s differ", a, b);
  cairo_surface_destroy (sa);
  cairo_surface_destroy (sb);
}

static void
test_save_quit_open (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("didact-window-file-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "lesson.didact", NULL);
  DidactWindow *w = new_window ();

  step_n (w, 30);
  act (w, "win.fork");
  step_n (w, 12);
  didact_window_save_to (w, path);
  g_assert_true (wait_until (not_saving, w, 60));
  g_assert_cmpstr (didact_window_get_file_path (w), ==, path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  DdSessionSnapshot before;
  dd_session_snapshot (didact_window_get_session (w), &before);
  g_assert_cmpint (before.n_branches, ==, 3);
  /* every plot as drawn now, to compare with the reopened window's (which
   * shows the first branch, as any newly opened session does) */
  AdwComboRow *shown = find_combo_row (GTK_WIDGET (w), _("Branch shown and edited"));
  g_assert_nonnull (shown);
  g_assert_cmpuint (adw_combo_row_get_selected (shown), ==, 2);  /* the fork, since forking */
  adw_combo_row_set_selected (shown, 0);
  g_assert_true (wait_until (at_rest, w, 60));
  g_autofree char *shot_before = g_build_filename (dir, "before", NULL);
  g_autofree char *shot_after = g_build_filename (dir, "after", NULL);
  g_assert_cmpint (g_mkdir (shot_before, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (shot_after, 0700), ==, 0);
  g_assert_true (didact_window_export_to (w, shot_before, &error));
  g_assert_no_error (error);

  /* quit: the window and its session go */
  gtk_window_destroy (GTK_WINDOW (w));
  spin (0.2);

  /* open in a new window: every record, every plot as it was */
  DidactWindow *o = new_window ();
  didact_window_open_file (o, path);
  g_assert_true (didact_window_is_opening (o));
  g_assert_true (wait_until (window_ready, o, 60));
  g_assert_cmpstr (didact_window_get_file_path (o), ==, path);
  DdSession *opened = didact_window_get_session (o);
  DdSessionSnapshot after;
  dd_session_snapshot (opened, &after);
  g_assert_cmpint (after.n_branches, ==, before.n_branches);
  for (int b = 0; b < before.n_branches; b++)
    {
      g_assert_cmpint (after.step[b], ==, before.step[b]);
      g_assert_cmpint (after.n_steps[b], ==, before.n_steps[b]);
      g_assert_cmpint (after.n_windows[b], ==, before.n_windows[b]);
    }
  g_assert_true (wait_until (at_rest, o, 60));
  g_assert_true (didact_window_export_to (o, shot_after, &error));
  g_assert_no_error (error);
  const char *plots[] = { "coefficients", "coefficient-history", "metrics", "margins",
                          "margin-distribution" };
  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    {
      g_autofree char *name = g_strconcat (plots[i], ".png", NULL);
      g_autofree char *a = g_build_filename (shot_before, name, NULL);
      g_autofree char *b = g_build_filename (shot_after, name, NULL);
      assert_same_png (a, b);
    }

  /* and it continues as the engine's own opening of the file does */
  DdData *digits = dd_data_load ("digits", &error);
  g_assert_no_error (error);
  DdSession *ref = dd_session_open (path, digits, &error);
  g_assert_no_error (error);
  step_n (o, 17);
  for (int i = 0; i < 17; i++)
    dd_session_step (ref);
  dd_session_wait_idle (ref);
  assert_same_weights (didact_window_get_session (o), ref);
  dd_session_free (ref);
  dd_data_free (digits);

  /* a damaged file is refused with a dialog; the session stays */
  g_autofree char *bad = g_build_filename (dir, "damaged.didact", NULL);
  g_assert_true (g_file_set_contents (bad, "\x89" "DDS\r\n\x1a\n not really", -1, &error));
  DdSession *current = didact_window_get_session (o);
  didact_window_open_file (o, bad);
  g_assert_true (wait_until (window_ready, o, 30));
  g_assert_true (didact_window_get_session (o) == current);
  g_assert_cmpstr (didact_window_get_file_path (o), ==, path);
  gboolean dialog = FALSE;
  GListModel *tops = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      g_autoptr(GObject) t = g_list_model_get_item (tops, i);
      if (ADW_IS_MESSAGE_DIALOG (t))
        {
          dialog = TRUE;
          g_test_message ("refused: %s", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (t)));
          gtk_window_destroy (GTK_WINDOW (t));
        }
    }
  g_assert_true (dialog);

  gtk_window_destroy (GTK_WINDOW (o));
  spin (0.2);
  g_unlink (bad);
  g_unlink (path);
  g_unlink (bad);
  remove_tree (shot_before);
  remove_tree (shot_after);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* --- kill -9 ------------------------------------------------------------------------ */

static char *
newest_autosave_steps (gint64 *steps)
{
  g_autofree char *dir = didact_autosave_dir ();
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  *steps = -1;
  while (d && (name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, DD_SESSION_FILE_SUFFIX))
      {
        char *path = g_build_filename (dir, name, NULL);
        DdSessionFileInfo info;
        if (dd_session_file_peek (path, &info, NULL))
          {
            *steps = info.steps;
            dd_session_file_info_clear (&info);
            return path;
          }
        g_free (path);
      }
  return NULL;
}

static void
test_autosave_survives_kill (void)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { g_test_get_filename (G_TEST_BUILT, "test-window-file", NULL), NULL };
  g_auto(GStrv) env = g_get_environ ();
  GPid pid;

  env = g_environ_setenv (env, "DIDACT_TEST_CHILD", "1", TRUE);
  env = g_environ_setenv (env, "DIDACT_AUTOSAVE_INTERVAL", "1", TRUE);
  g_assert_true (g_spawn_async (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, &error));
  g_assert_no_error (error);

  /* wait for an autosave well into the run */
  gint64 steps = -1;
  g_autofree char *saved = NULL;
  for (int i = 0; i < 1200 && steps < 100; i++)
    {
      g_free (saved);
      saved = newest_autosave_steps (&steps);
      g_usleep (100000);
    }
  g_assert_cmpint (steps, >=, 100);
  /* a running window's autosave is not an orphan */
  g_autofree char *none = didact_find_orphaned_autosave ();
  g_assert_null (none);

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  int status;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  g_spawn_close_pid (pid);

  /* the next start finds it and offers it back */
  g_autofree char *orphan = didact_find_orphaned_autosave ();
  g_assert_nonnull (orphan);
  DdSessionFileInfo info;
  g_assert_true (dd_session_file_peek (orphan, &info, &error));
  g_assert_cmpint (info.steps, >=, steps);   /* the last interval at most is lost */
  g_test_message ("killed after an autosave at step %" G_GINT64_FORMAT "; restoring step %" G_GINT64_FORMAT,
                  steps, info.steps);
  DidactWindow *w = new_window ();
  didact_window_offer_recovery (w, orphan);
  GtkWidget *dialog = didact_window_get_recovery_dialog (w);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "restore");
  g_assert_true (didact_window_is_opening (w));
  g_assert_true (wait_until (window_ready, w, 60));
  DdSessionSnapshot snap;
  dd_session_snapshot (didact_window_get_session (w), &snap);
  g_assert_cmpint (snap.step[0], ==, info.steps);
  g_assert_null (didact_window_get_file_path (w));
  /* restored: the orphan is gone, nothing is offered again */
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_autofree char *again = didact_find_orphaned_autosave ();
  g_assert_null (again);
  dd_session_file_info_clear (&info);
  gtk_window_destroy (GTK_WINDOW (w));
  spin (0.2);
}

/* the child: plays the tiny preset until killed */
static int
child_main (void)
{
  DidactWindow *w = new_window ();
  act (w, "win.play-pause");
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}


int
main (int argc, char **argv)
{
  int status;
  const char *localedir = g_getenv ("DIDACT_LOCALEDIR");
  gboolean child = g_getenv ("DIDACT_TEST_CHILD") != NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (!child)
    {
      /* autosaves and recent files in a state and data home of our own */
      state_dir = g_dir_make_tmp ("didact-state-XXXXXX", NULL);
      g_autofree char *state = g_build_filename (state_dir, "state", NULL);
      g_autofree char *data = g_build_filename (state_dir, "data", NULL);
      g_setenv ("XDG_STATE_HOME", state, TRUE);
      g_setenv ("XDG_DATA_HOME", data, TRUE);
    }
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app = didact_application_new ();
  g_application_register (G_APPLICATION (app), NULL, NULL);
  if (child)
    return child_main ();

  g_test_add_func ("/window-file/save-quit-open", test_save_quit_open);
  g_test_add_func ("/window-file/autosave-survives-kill", test_autosave_survives_kill);
  status = g_test_run ();
  g_object_unref (app);
  remove_tree (state_dir);
  g_free (state_dir);
  return status;
}
