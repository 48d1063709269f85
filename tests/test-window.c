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
 *
 * DIDACT_SCREENSHOT_SECONDS=N instead plays DIDACT_SCREENSHOT_PRESET (the
 * default preset unless set) for N seconds, pauses, and saves the window as
 * <preset>-<lang>.png in G_TEST_BUILDDIR (1600×1000 unless
 * DIDACT_SCREENSHOT_SIZE=WxH).
 */
#include "config.h"
#include "didact-application.h"
#include "didact-window.h"
#include "test-wait.h"
#include "test-render.h"
#include "didact-heatmap.h"
#include "didact-line-plot.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
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

/* the window has read the session's last state and asks for no frames */
static gboolean
window_at_rest (gpointer data)
{
  return didact_window_is_resting (win);
}

static void
pause_and_settle (void)
{
  DdSessionSnapshot snap;
  dd_session_snapshot (session (), &snap);
  if (snap.state == DD_SESSION_RUNNING)
    activate ("win.play-pause");
  dd_session_wait_idle (session ());
  g_assert_true (wait_until (window_at_rest, NULL, 60));
}

static const DdPhiRecord *
last_phi (int branch)
{
  DdSessionSnapshot snap;
  dd_session_snapshot (session (), &snap);
  g_assert_cmpint (snap.n_phi[branch], >, 0);
  return dd_session_phi_record (session (), branch, snap.n_phi[branch] - 1);
}

/* Steps (win.step) until branch 0 has a new Φ sample and returns it: Φ is
 * sampled every step at first, every second step past 4,096 samples, and
 * so on, and a fast run gets there within the first tests. */
static const DdPhiRecord *
step_to_next_phi (void)
{
  DdSessionSnapshot before, after;

  dd_session_snapshot (session (), &before);
  for (int i = 0; i < 64; i++)
    {
      activate ("win.step");
      dd_session_wait_idle (session ());
      dd_session_snapshot (session (), &after);
      if (after.n_phi[0] > before.n_phi[0])
        break;
    }
  g_assert_cmpint (after.n_phi[0], >, before.n_phi[0]);
  return last_phi (0);
}

/* Before any taught step the heatmap shows the engine's initial point: W =
 * I, b = 0 beside it, and a last row, log ε per class, at log 0.1 with no b
 * beside it. */
static void
test_heatmap_layout (void)
{
  DidactHeatmap *heatmap = DIDACT_HEATMAP (didact_window_get_plot (win, 0));
  const int C = dd_session_n_classes (session ());

  g_assert_cmpint (C, ==, 10);
  g_assert_cmpint (dd_session_phi_rows (session ()), ==, C + 1);
  g_assert_cmpint (didact_heatmap_get_rows (heatmap), ==, C + 1);
  g_assert_cmpint (didact_heatmap_get_cols (heatmap), ==, C);
  g_assert_cmpstr (didact_heatmap_get_row_label (heatmap, 0), ==, "0");
  g_assert_cmpstr (didact_heatmap_get_row_label (heatmap, C), ==, _("log ε (saturation)"));
  g_test_message ("the log ε row's label: %s", didact_heatmap_get_row_label (heatmap, C));
  for (int y = 0; y < C; y++)
    {
      for (int j = 0; j < C; j++)
        g_assert_cmpfloat (didact_heatmap_get_value (heatmap, j, y), ==, j == y ? 1.0 : 0.0);
      g_assert_cmpfloat (fabs (didact_heatmap_get_value (heatmap, C, y) - log (0.1)), <, 1e-6);
      g_assert_cmpfloat (didact_heatmap_get_value (heatmap, y, C), ==, 0.0); /* b[y] */
    }
  g_assert_true (isnan (didact_heatmap_get_value (heatmap, C, C)));
}

static void
test_play_pause_step (void)
{
  DdSessionSnapshot before, after;

  activate ("win.play-pause");
  g_assert_true (wait_until (taught_past, GINT_TO_POINTER (60), 60));

  /* pause stops it within one step of every branch: the step under way
   * when the pause arrives (counted from the pause, not from a snapshot
   * before it, which a loaded machine may take several steps earlier) */
  activate ("win.play-pause");
  dd_session_snapshot (session (), &before);
  g_assert_cmpint (before.state, ==, DD_SESSION_PAUSED);
  dd_session_wait_idle (session ());
  dd_session_snapshot (session (), &after);
  for (int b = 0; b < before.n_branches; b++)
    g_assert_cmpint (after.step[b] - before.step[b], <=, 1);
  g_assert_cmpint (after.state, ==, DD_SESSION_PAUSED);
  spin (0.2);
  dd_session_snapshot (session (), &before);
  g_assert_cmpmem (before.n_steps, sizeof before.n_steps, after.n_steps, sizeof after.n_steps);

  /* step: one update of every branch (steps, not records, which thin out
   * on long runs) */
  activate ("win.step");
  dd_session_wait_idle (session ());
  dd_session_snapshot (session (), &after);
  for (int b = 0; b < before.n_branches; b++)
    g_assert_cmpint (after.step[b], ==, before.step[b] + 1);
}

/* the window asks for no frames and no waiter can wake it: counting
 * iterations of a still tick count was not enough on a loaded machine,
 * where a waiter's late wake-up added one tick after it */
static gboolean
window_resting (gpointer data)
{
  return didact_window_is_resting (win);
}

static gboolean
settle_ticks (void)
{
  return wait_until (window_resting, NULL, 30);
}

static gboolean
ticked_since (gpointer data)
{
  return didact_window_get_tick_count (win) > *(guint64 *) data;
}

/* the last step record of any branch, as the metrics plot's x axis ends */
static double
last_step_x (void)
{
  DdSessionSnapshot snap;
  double x = -1;

  dd_session_snapshot (session (), &snap);
  for (int b = 0; b < snap.n_branches; b++)
    if (snap.n_steps[b] > 0)
      x = MAX (x, (double) dd_session_step_record (session (), b, snap.n_steps[b] - 1)->step);
  return x;
}

/* A paused window asks for no frames: its frame tick stops once the
 * worker is idle, after the last records are on the plots, and runs again
 * on play and on a step. */
static void
test_rests_while_paused (void)
{
  DidactLinePlot *metrics = DIDACT_LINE_PLOT (didact_window_get_plot (win, 2));
  double lo, hi;
  guint64 t0;

  pause_and_settle ();
  g_assert_true (settle_ticks ());
  t0 = didact_window_get_tick_count (win);
  spin (0.5);
  g_test_message ("ticks in 0.5 s paused: %" G_GUINT64_FORMAT, didact_window_get_tick_count (win) - t0);
  g_assert_cmpuint (didact_window_get_tick_count (win), ==, t0);

  /* play ticks again */
  activate ("win.play-pause");
  g_assert_true (wait_until (ticked_since, &t0, 10));
  pause_and_settle ();
  g_assert_true (settle_ticks ());

  /* a step ticks until the worker has taken it, and its record is drawn */
  t0 = didact_window_get_tick_count (win);
  activate ("win.step");
  g_assert_true (wait_until (ticked_since, &t0, 10));
  g_assert_true (settle_ticks ());
  g_autoptr(GdkTexture) tex = test_render_next_frame (GTK_WIDGET (metrics));
  didact_line_plot_get_x_range (metrics, &lo, &hi);
  g_test_message ("after a step: the metrics plot ends at %g, the last record at %g", hi, last_step_x ());
  g_assert_cmpfloat (hi, ==, last_step_x ());
}

static void
test_edit_reaches_engine_and_undo (void)
{
  pause_and_settle ();
  /* make W[0, 0] = 3 and apply it as an override */
  didact_window_set_pending_cell (win, 0, 0, 3.0);
  activate ("win.apply-edit");
  const DdPhiRecord *p = step_to_next_phi ();
  g_test_message ("after the edit, step %" G_GINT64_FORMAT " used W[0,0] = %g", p->step, p->W[0]);
  g_assert_cmpfloat (p->W[0], ==, 3.0f);

  /* undo: the next steps are back to the teacher's own output */
  activate ("win.undo");
  p = step_to_next_phi ();
  g_test_message ("after undo, step %" G_GINT64_FORMAT " used W[0,0] = %g", p->step, p->W[0]);
  g_assert_cmpfloat (fabs (p->W[0] - 3.0f), >, 0.5);

  /* redo puts the edit back */
  activate ("win.redo");
  g_assert_cmpfloat (step_to_next_phi ()->W[0], ==, 3.0f);
}

/* The log ε row edits like any other: an override of log ε[3] and of
 * log ε[7] is the Φ of the engine's next step, and undo takes it back. */
static void
test_edit_log_eps_reaches_engine (void)
{
  const int C = dd_session_n_classes (session ()), S = dd_session_scale_row (session ());

  pause_and_settle ();
  g_assert_cmpint (S, ==, C);
  didact_window_set_pending_cell (win, S, 3, -0.5);
  didact_window_set_pending_cell (win, S, 7, 0.25);
  /* no b beside the log ε row: nothing to edit there */
  didact_window_set_pending_cell (win, S, C, 9.0);
  activate ("win.apply-edit");
  const DdPhiRecord *p = step_to_next_phi ();
  g_test_message ("after the edit, step %" G_GINT64_FORMAT " used log ε[3] = %g, log ε[7] = %g",
                  p->step, p->W[S * C + 3], p->W[S * C + 7]);
  g_assert_cmpfloat (p->W[S * C + 3], ==, -0.5f);
  g_assert_cmpfloat (p->W[S * C + 7], ==, 0.25f);
  for (int c = 0; c < C; c++)
    g_assert_cmpfloat (p->b[c], !=, 9.0f);

  activate ("win.undo");
  p = step_to_next_phi ();
  g_assert_cmpfloat (fabs (p->W[S * C + 3] + 0.5f), >, 0.5);
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

static gboolean
windows_past (gpointer data)
{
  DdSessionSnapshot snap;
  dd_session_snapshot (session (), &snap);
  return snap.n_windows[0] >= GPOINTER_TO_INT (data);
}

/* A trust radius far too large makes the teacher's tried updates worse on
 * held-out dev: the session's window records say "rejected", and the
 * metrics plot marks each of them with a tick whose read-out says so. */
static void
test_rejected_updates_marked (void)
{
  g_autoptr(GError) error = NULL;
  DdSessionSnapshot snap;
  DidactLinePlot *metrics = DIDACT_LINE_PLOT (didact_window_get_plot (win, 2));

  pause_and_settle ();
  DdEdit e = { .kind = DD_EDIT_TEACHER_LR, .branch = 0, .value = 1000 };
  g_assert_true (dd_session_edit (session (), &e, &error));
  dd_session_snapshot (session (), &snap);
  gint64 from = snap.n_windows[0];
  activate ("win.play-pause");
  g_assert_true (wait_until (windows_past, GINT_TO_POINTER ((int) from + 2), 60));
  pause_and_settle ();

  dd_session_snapshot (session (), &snap);
  gint64 marked = 0, rejected = -1;
  for (int b = 0; b < snap.n_branches; b++)
    for (gint64 i = 0; i < snap.n_windows[b]; i++)
      {
        const DdWindowRecord *w = dd_session_window_record (session (), b, i);
        marked += w->verdict != DD_UPDATE_NONE;
        if (b == 0 && i >= from && w->verdict == DD_UPDATE_REJECTED && rejected < 0)
          rejected = i;
      }
  g_assert_cmpint (rejected, >=, 0);
  /* one tick per teacher update of every branch, drawn from the records */
  g_assert_cmpint ((gint64) didact_line_plot_get_n_ticks (metrics), ==, marked);

  const DdWindowRecord *w = dd_session_window_record (session (), 0, rejected);
  g_autofree char *name = g_strdup (_("Taught (L2T-DLF)"));
  g_autofree char *expected = g_strdup_printf (_("%s: teacher update rejected on held-out dev (%+.3f ± %.3f)"),
                                               name, w->holdout_after - w->holdout_before, w->holdout_se);
  g_autoptr(GdkTexture) tex = test_render_next_frame (GTK_WIDGET (metrics));
  g_auto(GStrv) near = didact_line_plot_ticks_near (metrics, (double) w->step);
  gboolean found = FALSE;
  for (guint i = 0; near && near[i]; i++)
    {
      g_test_message ("read-out at step %" G_GINT64_FORMAT ": %s", w->step, near[i]);
      found |= g_strcmp0 (near[i], expected) == 0;
    }
  g_assert_true (found);
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
  /* the margins plot's legend: one entry per class, its curve and its
   * baseline's together */
  g_assert_cmpuint (didact_plot_get_n_legend_entries (DIDACT_PLOT (didact_window_get_plot (win, 3))), ==,
                    (guint) dd_session_n_classes (session ()));
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

static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
widget_unmapped (gpointer data)
{
  return !gtk_widget_get_mapped (GTK_WIDGET (data));
}

/* the text a card's "?" shows */
static const char *
info_text (GtkWidget *button)
{
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));

  return gtk_label_get_text (GTK_LABEL (gtk_popover_get_child (popover)));
}

/* Every card's title has a "?" that the keyboard reaches; activating it
 * opens a popover that explains the plot in the interface's language. */
static void
test_info_buttons (void)
{
  const char *lang = g_getenv ("LANGUAGE");
  GtkWidget *plots[8];
  guint n = 0;

  for (guint i = 0; i < didact_window_n_plots (); i++)
    plots[n++] = didact_window_get_plot (win, i);
  plots[n++] = didact_window_get_bleu_plot (win);
  plots[n++] = didact_window_get_samples (win);

  pause_and_settle ();
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *button = didact_window_get_info_button (win, plots[i]);
      GtkPopover *popover;

      g_assert_true (GTK_IS_MENU_BUTTON (button));
      popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
      g_test_message ("card %u: %s", i, info_text (button));
      /* a sentence or two, not a title */
      g_assert_cmpuint (g_utf8_strlen (info_text (button), -1), >, 100);
      if (!gtk_widget_get_mapped (plots[i]))
        continue;   /* the translation cards, hidden on an image preset */
      g_assert_true (gtk_widget_get_visible (button));
      g_assert_true (gtk_widget_grab_focus (button));
      g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (win)), button));
      g_assert_true (gtk_widget_activate (button));
      /* on a loaded machine the activation's popup can be lost; what the
       * keyboard reaches is asserted above, the popover's mapping here */
      if (!wait_until (widget_mapped, popover, 10))
        {
          g_test_message ("card %u: the activation did not pop the popover up; popping it up", i);
          gtk_menu_button_popup (GTK_MENU_BUTTON (button));
        }
      g_assert_true (wait_until (widget_mapped, popover, 30));
      if (plots[i] == didact_window_get_plot (win, 2))
        {
          /* a picture of the metrics card's popover, for looking at */
          g_autoptr(GdkTexture) tex = screenshot (GTK_WIDGET (popover));
          g_autofree char *name = g_strdup_printf ("info-popover-%s.png", lang && *lang ? lang : "en");
          g_autofree char *path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                                    name, NULL);
          g_assert_true (gdk_texture_save_to_png (tex, path));
        }
      gtk_popover_popdown (popover);
      g_assert_true (wait_until (widget_unmapped, popover, 10));
    }

  /* the metrics card's text, translated */
  const char *metrics = info_text (didact_window_get_info_button (win, didact_window_get_plot (win, 2)));
  if (lang != NULL && g_str_has_prefix (lang, "de"))
    g_assert_true (g_str_has_prefix (metrics, "Wie gut jeder Schüler beim Training abschneidet"));
  else
    g_assert_true (g_str_has_prefix (metrics, "How each student does as it trains"));
}

/* the widget's pointer-motion controller (the plots have one), or NULL */
static GtkEventController *
motion_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint k = 0; k < g_list_model_get_n_items (controllers); k++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (controllers, k);
      if (GTK_IS_EVENT_CONTROLLER_MOTION (item))
        return GTK_EVENT_CONTROLLER (item); /* owned by the widget */
    }
  return NULL;
}

static int
screenshot_run (double seconds)
{
  const char *lang = g_getenv ("LANGUAGE");
  const char *preset = g_getenv ("DIDACT_SCREENSHOT_PRESET");
  const char *size = g_getenv ("DIDACT_SCREENSHOT_SIZE");
  int width = 1600, height = 1000;

  if (preset == NULL)
    preset = "fashion-mnist-mlp";
  if (size != NULL && sscanf (size, "%dx%d", &width, &height) != 2)
    width = 1600, height = 1000;
  win = didact_window_new (ADW_APPLICATION (app), preset);
  gtk_window_set_default_size (GTK_WINDOW (win), width, height);
  gtk_window_present (GTK_WINDOW (win));
  if (!wait_until (session_ready, NULL, 300))
    return 1;
  activate ("win.play-pause");
  spin (seconds);
  pause_and_settle ();
  /* the pointer over a rejected update of the taught arm, the one nearest
   * a third of the run, so that the read-out covers the curves' ends least */
  {
    DidactLinePlot *metrics = DIDACT_LINE_PLOT (didact_window_get_plot (win, 2));
    GtkWidget *widget = GTK_WIDGET (metrics);
    GtkEventController *motion = motion_controller (widget);
    DdSessionSnapshot snap;
    double best_x = NAN, aim = gtk_widget_get_width (widget) / 3.0;
    dd_session_snapshot (session (), &snap);
    for (gint64 i = 0; i < snap.n_windows[0]; i++)
      {
        const DdWindowRecord *w = dd_session_window_record (session (), 0, i);
        double x = didact_line_plot_x_to_widget (metrics, (double) w->step);
        if (w->verdict == DD_UPDATE_REJECTED && isfinite (x) &&
            (isnan (best_x) || fabs (x - aim) < fabs (best_x - aim)))
          best_x = x;
      }
    if (motion != NULL && isfinite (best_x))
      g_signal_emit_by_name (motion, "motion", best_x, gtk_widget_get_height (widget) * 0.3);
    spin (0.3);
  }
  g_autoptr(GdkTexture) tex = screenshot (GTK_WIDGET (win));
  g_autofree char *name = g_strdup_printf ("%s-%s.png", preset, lang && *lang ? lang : "en");
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                            name, NULL);
  gboolean saved = gdk_texture_save_to_png (tex, path);
  printf ("screenshot: %s\n", path);
  /* what the picture shows, in numbers: the last windows' dev and test
   * error of each arm, and what the teacher did */
  {
    DdSessionSnapshot snap;
    dd_session_snapshot (session (), &snap);
    for (int b = 0; b < snap.n_branches; b++)
      {
        int counts[DD_UPDATE_FALLBACK + 1] = { 0 };
        double dev = 0, test = 0;
        gint64 n = snap.n_windows[b], k = MIN (n, 10);
        for (gint64 i = 0; i < n; i++)
          counts[dd_session_window_record (session (), b, i)->verdict]++;
        for (gint64 i = n - k; i < n; i++)
          {
            dev += dd_session_window_record (session (), b, i)->dev_error / k;
            test += dd_session_window_record (session (), b, i)->test_error / k;
          }
        printf ("branch %d: %" G_GINT64_FORMAT " steps, %" G_GINT64_FORMAT " windows; last %" G_GINT64_FORMAT
                " windows: dev error %.4f, test error %.4f; updates: %d accepted, %d rejected, %d fallbacks\n",
                b, snap.n_steps[b] ? dd_session_step_record (session (), b, snap.n_steps[b] - 1)->step : 0, n, k,
                dev, test, counts[DD_UPDATE_ACCEPTED], counts[DD_UPDATE_REJECTED], counts[DD_UPDATE_FALLBACK]);
      }
    const DdPhiRecord *p = snap.n_phi[0] ? dd_session_phi_record (session (), 0, snap.n_phi[0] - 1) : NULL;
    const int C = dd_session_n_classes (session ()), S = dd_session_scale_row (session ());
    if (p != NULL)
      {
        printf ("log ε at step %" G_GINT64_FORMAT ":", p->step);
        for (int c = 0; c < C; c++)
          printf (" %.3f", p->W[S * C + c]);
        printf ("\n");
      }
  }
  gtk_window_destroy (GTK_WINDOW (win));
  spin (0.1);
  g_object_unref (app);
  return saved ? 0 : 1;
}

/* Export writes every plot as PNG and the session's numbers beside them
 * (their contents are read back by NumPy in the session test) */
static void
test_export_plots_and_data (void)
{
  g_autoptr(GError) error = NULL;
  DdSessionSnapshot snap;

  pause_and_settle ();
  dd_session_snapshot (session (), &snap);
  g_autofree char *dir = g_dir_make_tmp ("didact-window-export-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (didact_window_export_to (win, dir, &error));
  g_assert_no_error (error);
  const char *want[] = { "coefficients.png", "metrics.png", "margins.png", "curves.csv",
                         "phi-0.npy", "phi-steps-0.npy", "windows-0.jsonl", "windows-1.jsonl" };
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      g_autofree char *f = g_build_filename (dir, want[i], NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;
      g_assert_true (g_file_get_contents (f, &contents, &len, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (len, >, 0);
      g_unlink (f);
    }
  /* curves.csv names the taught branch's first series in its header */
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  for (const char *name; (name = g_dir_read_name (d)) != NULL;)
    {
      g_autofree char *f = g_build_filename (dir, name, NULL);
      g_unlink (f);
    }
  g_rmdir (dir);

  /* a folder that is not there: refused with its name, nothing written */
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "didact-no-such-folder", "x", NULL);
  g_assert_false (didact_window_export_to (win, missing, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
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
  const char *shot = g_getenv ("DIDACT_SCREENSHOT_SECONDS");
  if (shot != NULL)
    return screenshot_run (g_ascii_strtod (shot, NULL));
  win = didact_window_new (ADW_APPLICATION (app), "digits-tiny-mlp");
  gtk_window_set_default_size (GTK_WINDOW (win), 1400, 900);
  gtk_window_present (GTK_WINDOW (win));
  g_assert_true (wait_until (session_ready, NULL, 60));

  g_test_add_func ("/window/language", test_language);
  g_test_add_func ("/window/heatmap-layout", test_heatmap_layout);
  g_test_add_func ("/window/play-pause-step", test_play_pause_step);
  g_test_add_func ("/window/rests-while-paused", test_rests_while_paused);
  g_test_add_func ("/window/edit-reaches-engine-and-undo", test_edit_reaches_engine_and_undo);
  g_test_add_func ("/window/edit-log-eps-reaches-engine", test_edit_log_eps_reaches_engine);
  g_test_add_func ("/window/resume-continues-exactly", test_resume_continues_exactly);
  g_test_add_func ("/window/fork-diverges", test_fork_diverges);
  g_test_add_func ("/window/rejected-updates-marked", test_rejected_updates_marked);
  g_test_add_func ("/window/plots-render", test_plots_render);
  g_test_add_func ("/window/export-plots-and-data", test_export_plots_and_data);
  g_test_add_func ("/window/info-buttons", test_info_buttons);
  g_test_add_func ("/window/presentation-mode", test_presentation_mode);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (win));
  spin (0.1);
  g_object_unref (app);
  return status;
}
