/* test-window-text.c: the workbench on the translation preset, under Xvfb
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The preset's student and teacher run on a tiny German→English corpus in
 * the Ding format (so that a window closes in seconds under the sanitizers);
 * the application's data cache is primed with it under "de-en". Checked in
 * the engine: the samples view shows, for every branch, the hypothesis the
 * engine decoded at its latest window; the BLEU curve has a point per
 * window; an edit of the a and log ε rows of Φ is what the engine uses next.
 *
 * DIDACT_SCREENSHOT_SECONDS=N instead runs the real corpus for N seconds
 * and saves the window as translation-<lang>.png in G_TEST_BUILDDIR.
 */
#include "config.h"
#include "didact-application.h"
#include "didact-window.h"
#include "test-wait.h"
#include "test-render.h"
#include "didact-samples-view.h"
#include "didact-line-plot.h"
#include "didact-heatmap.h"

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

static gboolean
session_ready (gpointer data)
{
  return !didact_window_is_loading (win) && session () != NULL;
}

static gboolean
windows_past (gpointer data)
{
  DdSessionSnapshot snap;
  dd_session_snapshot (session (), &snap);
  for (int b = 0; b < snap.n_branches; b++)
    if (snap.n_windows[b] < GPOINTER_TO_INT (data))
      return FALSE;
  return snap.n_branches >= 2;
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

/* paused, the worker idle and the window showing its last records (waiting
 * a fixed time instead left the samples a window behind on a loaded machine) */
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

static DdData *
tiny_corpus (void)
{
  static const char *const subj_de[] = { "der hund", "die katze", "der mann", "die frau", "das kind" };
  static const char *const subj_en[] = { "the dog", "the cat", "the man", "the woman", "the child" };
  static const char *const verb_de[] = { "ist", "war", "bleibt" };
  static const char *const verb_en[] = { "is", "was", "stays" };
  static const char *const adj_de[]  = { "gross", "klein", "alt", "hier", "müde" };
  static const char *const adj_en[]  = { "big", "small", "old", "here", "tired" };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("didact-window-text-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "de-en", NULL);
  GString *text = g_string_new (NULL);
  for (int s = 0; s < 5; s++)
    for (int v = 0; v < 3; v++)
      for (int a = 0; a < 5; a++)
        g_string_append_printf (text, "%s %s %s. :: %s %s %s.\n", subj_de[s], verb_de[v],
                                adj_de[a], subj_en[s], verb_en[v], adj_en[a]);
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, &error));
  g_string_free (text, TRUE);
  DdData *data = g_new0 (DdData, 1);
  data->name = g_strdup ("de-en");
  data->parallel = dd_parallel_load (path, DD_PARALLEL_DEFAULT_K, &error);
  g_assert_no_error (error);
  g_unlink (path);
  g_rmdir (dir);
  return data;
}

/* the samples are what a class reads aloud: their card is on screen, whole
 * and tall, without scrolling the plots */
static void
test_samples_on_screen (void)
{
  GtkWidget *view = didact_window_get_samples (win);
  graphene_rect_t b;

  spin (0.5);
  g_assert_true (gtk_widget_get_mapped (view));
  g_assert_true (gtk_widget_compute_bounds (view, GTK_WIDGET (win), &b));
  g_test_message ("samples at y %.0f, %.0f px tall, in a window %d px tall",
                  b.origin.y, b.size.height, gtk_widget_get_height (GTK_WIDGET (win)));
  /* the window is no taller than it was asked to be (a screen of 1000
   * pixels holds it), and the samples lie in its upper part, a third of it
   * tall at least */
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (win)), <=, 1000);
  g_assert_cmpfloat (b.origin.y, >=, 0.0);
  g_assert_cmpfloat (b.origin.y, <, 0.2 * gtk_widget_get_height (GTK_WIDGET (win)));
  g_assert_cmpfloat (b.size.height, >=, gtk_widget_get_height (GTK_WIDGET (win)) / 3.0);
}

/* every branch's latest decoded hypotheses are what the samples view shows */
static void
test_samples_follow_engine (void)
{
  activate ("win.play-pause");
  g_assert_true (wait_until (windows_past, GINT_TO_POINTER (2), 240));
  pause_and_settle ();

  DidactSamplesView *view = DIDACT_SAMPLES_VIEW (didact_window_get_samples (win));
  DdSessionSnapshot snap;
  dd_session_snapshot (session (), &snap);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  g_assert_false (didact_samples_view_get_empty (view));
  g_assert_cmpuint (didact_samples_view_get_n_arms (view), ==, (guint) snap.n_branches);
  g_assert_cmpuint (didact_samples_view_get_n_sentences (view), ==,
                    (guint) dd_session_n_samples (session ()));
  for (int b = 0; b < snap.n_branches; b++)
    {
      const DdWindowRecord *w = dd_session_window_record (session (), b, snap.n_windows[b] - 1);
      g_assert_nonnull (w->hypotheses);
      g_assert_true (isfinite (w->bleu) && w->bleu >= 0 && w->bleu <= 100);
      for (int i = 0; i < dd_session_n_samples (session ()); i++)
        {
          g_autofree char *markup = didact_samples_view_dup_hypothesis_markup (view, i, b);
          g_assert_nonnull (markup);
          /* the markup's text is the engine's hypothesis */
          g_autofree char *plain = NULL;
          g_assert_true (pango_parse_markup (markup, -1, 0, NULL, &plain, NULL, NULL));
          g_assert_nonnull (strstr (plain, w->hypotheses[i]));
          const char *src, *ref;
          dd_session_sample (session (), i, &src, &ref);
          g_autofree char *bleu_text = didact_samples_view_dup_bleu_text (view, i, b);
          g_assert_nonnull (bleu_text);
        }
    }
  /* the BLEU curve has a point per window of the taught arm */
  DidactLinePlot *bleu = DIDACT_LINE_PLOT (didact_window_get_bleu_plot (win));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (bleu)));
  g_assert_cmpint ((gint64) didact_line_plot_get_n_points (bleu, 1), ==, snap.n_windows[0]);
}

/* an override of a[0] in the heatmap's a row, of log ε[2] in its log ε row
 * and of b[1] is the Φ of the engine's next step */
static void
test_edit_a_row (void)
{
  pause_and_settle ();
  DdSession *s = session ();
  const int K = dd_session_n_classes (s);
  DidactHeatmap *heatmap = DIDACT_HEATMAP (didact_window_get_plot (win, 0));
  g_assert_cmpint (dd_session_phi_rows (s), ==, K + 2);
  g_assert_cmpint (dd_session_scale_row (s), ==, K + 1);
  /* the heatmap: W's K rows, a, log ε, b */
  g_assert_cmpint (didact_heatmap_get_rows (heatmap), ==, K + 3);
  g_assert_cmpstr (didact_heatmap_get_row_label (heatmap, K), ==, "a");
  g_assert_cmpstr (didact_heatmap_get_row_label (heatmap, K + 1), ==, _("log ε (saturation)"));
  g_assert_cmpstr (didact_heatmap_get_row_label (heatmap, K + 2), ==, "b");
  didact_window_set_pending_cell (win, K, 0, 2.5);      /* row K: a */
  didact_window_set_pending_cell (win, K + 1, 2, -1.25); /* row K + 1: log ε */
  didact_window_set_pending_cell (win, K + 2, 1, -0.5); /* row K + 2: b */
  activate ("win.apply-edit");
  /* Φ is sampled every few steps: step until the next sample (the override
   * lasts two windows, so it covers it) */
  DdSessionSnapshot before, after;
  dd_session_snapshot (s, &before);
  for (int i = 0; i < 100; i++)
    {
      activate ("win.step");
      dd_session_wait_idle (s);
      dd_session_snapshot (s, &after);
      if (after.n_phi[0] > before.n_phi[0])
        break;
    }
  spin (0.1);
  g_assert_cmpint (after.n_phi[0], >, before.n_phi[0]);
  const DdPhiRecord *p = dd_session_phi_record (s, 0, after.n_phi[0] - 1);
  g_assert_cmpint (p->step, >, dd_session_step_record (s, 0, before.n_steps[0] - 1)->step);
  g_assert_cmpfloat (p->W[K * K + 0], ==, 2.5f);
  g_assert_cmpfloat (p->W[(K + 1) * K + 2], ==, -1.25f);
  g_assert_cmpfloat (p->b[1], ==, -0.5f);
}

static void
save_window (const char *name)
{
  g_autoptr(GdkTexture) tex = test_render_next_frame (GTK_WIDGET (win));
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                            name, NULL);
  g_assert_true (gdk_texture_save_to_png (tex, path));
  g_test_message ("screenshot: %s", path);
}

int
main (int argc, char **argv)
{
  const char *localedir = g_getenv ("DIDACT_LOCALEDIR");
  const char *shot = g_getenv ("DIDACT_SCREENSHOT_SECONDS");
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = didact_application_new ();
  g_application_register (G_APPLICATION (app), NULL, NULL);
  if (shot == NULL)
    didact_application_store_data (app, "de-en", tiny_corpus ());
  win = didact_window_new (ADW_APPLICATION (app), "translation-de-en");
  gtk_window_set_default_size (GTK_WINDOW (win), 1400, 1000);
  gtk_window_present (GTK_WINDOW (win));
  g_assert_true (wait_until (session_ready, NULL, 120));

  if (shot != NULL)
    {
      const char *lang = g_getenv ("LANGUAGE");
      g_autofree char *name = g_strdup_printf ("translation-%s.png", lang && *lang ? lang : "en");
      activate ("win.play-pause");
      spin (g_ascii_strtod (shot, NULL));
      pause_and_settle ();
      spin (1.0);
      save_window (name);
      status = 0;
    }
  else
    {
      g_test_add_func ("/window-text/samples-on-screen", test_samples_on_screen);
      g_test_add_func ("/window-text/samples-follow-engine", test_samples_follow_engine);
      g_test_add_func ("/window-text/edit-a-row", test_edit_a_row);
      status = g_test_run ();
    }

  gtk_window_destroy (GTK_WINDOW (win));
  spin (0.1);
  g_object_unref (app);
  return status;
}
