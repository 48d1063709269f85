/* test-window.c: the workbench window driven as a user would, checked in the engine
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under Xvfb. Actions are activated by name (every button is an
 * action); what they did is checked in the engine's session — the steps
 * taken, the Φ the engine used, the students' parameters — never in a label.
 * With LANGUAGE=de (a second registration of this test) the window must
 * show German.
 */
#include "config.h"
#include "didact-application.h"
#include "didact-window.h"
#include "test-wait.h"
#include "test-render.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <string.h>

static DidactApplication *app;
static DidactWindow *win;

static DdSession *
session (void)
{
  return didact_window_get_session (win);
}

static gint64
steps_of (int branch)
{
  DdSessionSnapshot snap;
  dd_session_snapshot (session (), &snap);
  return branch < snap.n_branches ? snap.n_steps[branch] : -1;
}

static gboolean
session_ready (gpointer data)
{
  return !didact_window_is_loading (win);
}

static gboolean
taught_past (gpointer data)
{
  return steps_of (0) > GPOINTER_TO_INT (data);
}

static void
activate (const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), action, NULL));
}

static void
pause_and_settle (void)
{
  DdSessionSnapshot snap;
  dd_session_snapshot (session (), &snap);
  if (snap.state == DD_SESSION_RUNNING)
    activate ("win.play-pause");
  dd_session_wait_idle (session ());
  spin (0.05);
}

static const DdPhiRecord *
last_phi (int branch)
{
  DdSessionSnapshot snap;
  dd_session_snapshot (session (), &snap);
  g_assert_cmpint (snap.n_phi[branch], >, 0);
  return dd_session_phi_record (session (), branch, snap.n_phi[branch] - 1);
}

static void
test_play_pause_step (void)
{
  DdSessionSnapshot before, after;

  activate ("win.play-pause");
  g_assert_true (wait_until (taught_past, GINT_TO_POINTER (60), 60));

  /* pause stops it within one step of every branch */
  dd_session_snapshot (session (), &before);
  activate ("win.play-pause");
  dd_session_wait_idle (session ());
  dd_session_snapshot (session (), &after);
  for (int b = 0; b < before.n_branches; b++)
    g_assert_cmpint (after.n_steps[b] - before.n_steps[b], <=, 1);
  g_assert_cmpint (after.state, ==, DD_SESSION_PAUSED);
  spin (0.2);
  dd_session_snapshot (session (), &before);
  g_assert_cmpmem (before.n_steps, sizeof before.n_steps, after.n_steps, sizeof after.n_steps);

  /* step: one update of every branch */
  activate ("win.step");
  dd_session_wait_idle (session ());
  dd_session_snapshot (session (), &after);
  for (int b = 0; b < before.n_branches; b++)
    g_assert_cmpint (after.n_steps[b], ==, before.n_steps[b] + 1);
}

static void
test_edit_reaches_engine_and_undo (void)
{
  pause_and_settle ();
  /* make W[0, 0] = 3 and apply it as an override */
  didact_window_set_pending_cell (win, 0, 0, 3.0);
  activate ("win.apply-edit");
  activate ("win.step");
  dd_session_wait_idle (session ());
  const DdPhiRecord *p = last_phi (0);
  g_test_message ("after the edit, step %" G_GINT64_FORMAT " used W[0,0] = %g", p->step, p->W[0]);
  g_assert_cmpfloat (p->W[0], ==, 3.0f);

  /* undo: the next step is back to the teacher's own output */
  activate ("win.undo");
  activate ("win.step");
  dd_session_wait_idle (session ());
  p = last_phi (0);
  g_test_message ("after undo, step %" G_GINT64_FORMAT " used W[0,0] = %g", p->step, p->W[0]);
  g_assert_cmpfloat (fabs (p->W[0] - 3.0f), >, 0.5);

  /* redo puts the edit back */
  activate ("win.redo");
  activate ("win.step");
  dd_session_wait_idle (session ());
  g_assert_cmpfloat (last_phi (0)->W[0], ==, 3.0f);
}

static GPtrArray *
replay_to_now (void)
{
  DdSessionSnapshot snap;
  g_autoptr(GError) error = NULL;

  dd_session_snapshot (session (), &snap);
  g_autofree DdEdit *journal = g_new (DdEdit, MAX (snap.n_journal, 1));
  for (gint64 i = 0; i < snap.n_journal; i++)
    journal[i] = *dd_session_journal_entry (session (), i);
  gint64 steps[DD_SESSION_MAX_BRANCHES];
  for (int b = 0; b < snap.n_branches; b++)
    {
      int parent;
      dd_session_branch_origin (session (), b, &parent, &steps[b]);
      if (snap.n_steps[b] > 0)
        steps[b] = dd_session_step_record (session (), b, snap.n_steps[b] - 1)->step;
    }
  GPtrArray *params = dd_session_replay (dd_session_get_config (session ()),
                                         dd_session_get_data (session ()), journal,
                                         snap.n_journal, steps, snap.n_branches, &error);
  g_assert_no_error (error);
  return params;
}

static void
test_resume_continues_exactly (void)
{
  pause_and_settle ();
  g_autoptr(GPtrArray) paused = dd_session_dup_student_params (session ());
  g_autoptr(GPtrArray) replayed = replay_to_now ();
  gint64 at = steps_of (0);
  g_assert_cmpuint (paused->len, ==, replayed->len);

  activate ("win.play-pause");
  g_assert_true (wait_until (taught_past, GINT_TO_POINTER ((int) at + 30), 60));
  pause_and_settle ();
  /* the run went on from the paused state: a replay of the same journal to
   * the new step counts gives the same weights */
  g_autoptr(GPtrArray) now = dd_session_dup_student_params (session ());
  g_autoptr(GPtrArray) again = replay_to_now ();
  const DdSessionConfig *cfg = dd_session_get_config (session ());
  const DdData *data = dd_session_get_data (session ());
  size_t n = (size_t) (data->train->d * cfg->teach.student.net.hidden[0] + cfg->teach.student.net.hidden[0] +
                       cfg->teach.student.net.hidden[0] * data->train->n_classes + data->train->n_classes);
  for (guint b = 0; b < now->len; b++)
    {
      g_assert_cmpmem (paused->pdata[b], n * sizeof (dd_real), replayed->pdata[b], n * sizeof (dd_real));
      g_assert_cmpmem (now->pdata[b], n * sizeof (dd_real), again->pdata[b], n * sizeof (dd_real));
    }
}

static void
test_fork_diverges (void)
{
  pause_and_settle ();
  activate ("win.fork");
  DdSessionSnapshot snap;
  dd_session_snapshot (session (), &snap);
  g_assert_cmpint (snap.n_branches, ==, 3);
  int fork = 2, parent;
  gint64 at;
  dd_session_branch_origin (session (), fork, &parent, &at);
  g_assert_cmpint (parent, ==, 0);
  g_assert_cmpint (snap.n_steps[fork], ==, 0);

  /* the fork receives an edit: a strong uniform penalty on confusions */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.edit-preset", "s", "penalty"));
  for (int c = 0; c < 10; c++)
    didact_window_set_pending_cell (win, c, c, 4.0);
  activate ("win.apply-edit");
  activate ("win.play-pause");
  g_assert_true (wait_until (taught_past, GINT_TO_POINTER ((int) steps_of (0) + 40), 60));
  pause_and_settle ();

  dd_session_snapshot (session (), &snap);
  g_assert_cmpint (snap.n_steps[fork], >, 20);
  /* the fork's first steps used the edited Φ (an override for 2T steps), and
   * its training differs from its parent's */
  const DdPhiRecord *p = dd_session_phi_record (session (), fork, 0);
  g_assert_cmpint (p->step, ==, at + 1);
  g_assert_cmpfloat (p->W[0], ==, 4.0f);
  g_assert_cmpfloat (p->W[1], ==, -0.1f);
  double diff = 0;
  gint64 n = MIN (snap.n_steps[fork], snap.n_steps[0] - at);
  for (gint64 i = 0; i < n; i++)
    {
      const DdStepRecord *a = dd_session_step_record (session (), 0, at + i);
      const DdStepRecord *f = dd_session_step_record (session (), fork, i);
      g_assert_cmpint (a->step, ==, f->step);
      diff += fabs (a->ce - f->ce);
    }
  g_test_message ("fork vs parent: mean |Δ cross-entropy| %.4f over %" G_GINT64_FORMAT " steps", diff / MAX (n, 1), n);
  g_assert_cmpfloat (diff / MAX (n, 1), >, 1e-3);
}

/* pixels of a widget, rendered in-app after the frame clock has painted */
static GdkTexture *
screenshot (GtkWidget *widget)
{
  return test_render_next_frame (widget);
}

/* the share of pixels that differ clearly from the most common colour */
static double
ink (GdkTexture *texture)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guchar *px = g_malloc ((size_t) w * h * 4);
  gdk_texture_download (texture, px, (size_t) w * 4);
  guint32 bg = *(guint32 *) px; /* a corner: the background */
  size_t n = 0;
  for (size_t i = 0; i < (size_t) w * h; i++)
    {
      const guchar *p = px + i * 4, *q = (const guchar *) &bg;
      int d = abs (p[0] - q[0]) + abs (p[1] - q[1]) + abs (p[2] - q[2]);
      n += d > 60;
    }
  return (double) n / ((double) w * h);
}

static void
test_plots_render (void)
{
  const char *lang = g_getenv ("LANGUAGE");
  pause_and_settle ();
  /* a click on two more heatmap cells (W[1,1] and b[2]) adds their histories */
  GtkWidget *heatmap = didact_window_get_plot (win, 0);
  g_signal_emit_by_name (heatmap, "cell-activated", 1, 1);
  g_signal_emit_by_name (heatmap, "cell-activated", 2, 10);
  spin (0.1);
  for (guint i = 0; i < didact_window_n_plots (); i++)
    {
      g_autoptr(GdkTexture) tex = screenshot (didact_window_get_plot (win, i));
      double share = ink (tex);
      g_test_message ("plot %u: %dx%d, %.1f %% ink", i, gdk_texture_get_width (tex),
                      gdk_texture_get_height (tex), 100 * share);
      g_assert_cmpfloat (share, >, 0.005);
    }
  g_autoptr(GdkTexture) whole = screenshot (GTK_WIDGET (win));
  g_autofree char *name = g_strdup_printf ("window-%s.png", lang && *lang ? lang : "en");
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                            name, NULL);
  g_assert_true (gdk_texture_save_to_png (whole, path));
  g_test_message ("window screenshot: %s", path);
}

static void
test_presentation_mode (void)
{
  const char *lang = g_getenv ("LANGUAGE");
  gboolean on;

  pause_and_settle ();
  activate ("win.presentation");
  spin (0.5);
  for (guint i = 0; i < didact_window_n_plots (); i++)
    {
      g_object_get (didact_window_get_plot (win, i), "presentation", &on, NULL);
      g_assert_true (on);
    }
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (win), "presentation"));
  g_autoptr(GdkTexture) whole = screenshot (GTK_WIDGET (win));
  g_autofree char *name = g_strdup_printf ("window-presentation-%s.png", lang && *lang ? lang : "en");
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                            name, NULL);
  g_assert_true (gdk_texture_save_to_png (whole, path));
  activate ("win.presentation");
  spin (0.3);
  g_object_get (didact_window_get_plot (win, 0), "presentation", &on, NULL);
  g_assert_false (on);
}

static void
test_language (void)
{
  const char *lang = g_getenv ("LANGUAGE");
  if (lang == NULL || g_str_has_prefix (lang, "en") || *lang == '\0')
    {
      /* English: the strings are the source strings */
      g_assert_cmpstr (_("Play"), ==, "Play");
      return;
    }
  /* a translated interface: the play button's name and the window subtitle */
  g_assert_cmpstr (_("Play"), !=, "Play");
  g_assert_cmpstr (_("%s · step %lld"), !=, "%s · step %lld");
  g_assert_cmpstr (_("Loss coefficients"), !=, "Loss coefficients");
  g_test_message ("“Play” in %s: %s; “Loss coefficients”: %s", lang, _("Play"), _("Loss coefficients"));
}

int
main (int argc, char **argv)
{
  int status;
  const char *localedir = g_getenv ("DIDACT_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = didact_application_new ();
  g_application_register (G_APPLICATION (app), NULL, NULL);
  win = didact_window_new (ADW_APPLICATION (app), "digits-tiny-mlp");
  gtk_window_set_default_size (GTK_WINDOW (win), 1400, 900);
  gtk_window_present (GTK_WINDOW (win));
  g_assert_true (wait_until (session_ready, NULL, 60));

  g_test_add_func ("/window/language", test_language);
  g_test_add_func ("/window/play-pause-step", test_play_pause_step);
  g_test_add_func ("/window/edit-reaches-engine-and-undo", test_edit_reaches_engine_and_undo);
  g_test_add_func ("/window/resume-continues-exactly", test_resume_continues_exactly);
  g_test_add_func ("/window/fork-diverges", test_fork_diverges);
  g_test_add_func ("/window/plots-render", test_plots_render);
  g_test_add_func ("/window/presentation-mode", test_presentation_mode);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (win));
  spin (0.1);
  g_object_unref (app);
  return status;
}
