/* bench-workbench.c: engine throughput with the window open against headless,
 * plot redraw time, and the size of the plotted history
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A benchmark, not a test: it prints figures and asserts nothing about time.
 * Run under a display (xvfb-run) with `meson test --benchmark workbench -v`,
 * or directly: bench-workbench [SECONDS] [PRESET].
 * Both sides run the same preset in the same process, alternately, each the
 * median of three runs; one BLAS thread (the engine's worker) either way.
 */
#include "config.h"
#include "didact-application.h"
#include "didact-line-plot.h"
#include "didact-presets.h"
#include "didact-window.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int
cmp (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static gint64
total_steps (DdSession *s)
{
  DdSessionSnapshot snap;
  gint64 n = 0;
  dd_session_snapshot (s, &snap);
  for (int b = 0; b < snap.n_branches; b++)
    n += snap.n_steps[b];
  return n;
}

static void
spin (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * 1e6);
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* steps per second of a headless session over `seconds` after a warm-up */
static double
headless (const DidactPreset *preset, DdData *data, double seconds)
{
  DdSessionConfig cfg;
  g_autoptr(GError) error = NULL;

  didact_preset_session_config (preset, 1, &cfg);
  DdSession *s = dd_session_new (&cfg, data, &error);
  g_assert_no_error (error);
  dd_session_play (s);
  g_usleep (1000000);
  gint64 n0 = total_steps (s);
  double t0 = dd_now ();
  g_usleep ((gulong) (seconds * 1e6));
  double rate = (total_steps (s) - n0) / (dd_now () - t0);
  dd_session_free (s);
  return rate;
}

/* the window as drawn, saved to path (taken after the frame clock painted) */
typedef struct {
  GtkWidget *widget;
  gboolean   done;
  const char *path;
} Shot;

static void
after_paint (GdkFrameClock *clock, Shot *shot)
{
  if (shot->done)
    return;
  int w = gtk_widget_get_width (shot->widget), h = gtk_widget_get_height (shot->widget);
  GdkPaintable *paintable = gtk_widget_paintable_new (shot->widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
  if (node)
    {
      GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (shot->widget));
      GdkTexture *texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
      gdk_texture_save_to_png (texture, shot->path);
      g_object_unref (texture);
      gsk_render_node_unref (node);
      shot->done = TRUE;
    }
  g_object_unref (paintable);
}

static void
save_screenshot (GtkWidget *widget, const char *path)
{
  Shot shot = { widget, FALSE, path };
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &shot);
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gtk_widget_queue_draw (widget);
  while (!shot.done && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_signal_handler_disconnect (clock, id);
}

static double
windowed (DidactApplication *app, const DidactPreset *preset, double seconds, DidactWindow **out)
{
  DidactWindow *win = didact_window_new (ADW_APPLICATION (app), preset->id);
  gtk_window_set_default_size (GTK_WINDOW (win), 1600, 1000);
  gtk_window_present (GTK_WINDOW (win));
  while (didact_window_is_loading (win))
    spin (0.05);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.play-pause", NULL);
  spin (1.0);
  DdSession *s = didact_window_get_session (win);
  gint64 n0 = total_steps (s);
  double t0 = dd_now ();
  spin (seconds);
  double rate = (total_steps (s) - n0) / (dd_now () - t0);
  g_autofree char *path = g_strdup_printf ("workbench-%s.png", preset->id);
  save_screenshot (GTK_WIDGET (win), path);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.play-pause", NULL);
  *out = win;
  return rate;
}

int
main (int argc, char **argv)
{
  double seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 10.0;
  const char *preset_id = argc > 2 ? argv[2] : "fashion-mnist-mlp";
  const DidactPreset *preset = didact_preset_lookup (preset_id);
  g_autoptr(GError) error = NULL;

  /* as didact does: the OpenBLAS kernel the CPU supports */
  const char *core = g_getenv ("OPENBLAS_CORETYPE") ? NULL : dd_blas_suggest_coretype ();
  if (core != NULL)
    {
      g_setenv ("OPENBLAS_CORETYPE", core, TRUE);
      execv ("/proc/self/exe", argv);
    }
  /* as didact does: translated when LANGUAGE asks (the build's catalogues
   * under `meson devenv`, or DIDACT_LOCALEDIR) */
  const char *localedir = g_getenv ("DIDACT_LOCALEDIR");
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  adw_init ();
  if (preset == NULL)
    {
      fprintf (stderr, "bench-workbench: unknown preset %s\n", preset_id);
      return 2;
    }
  DdData *data = dd_data_load (preset->dataset, &error);
  if (data == NULL)
    {
      fprintf (stderr, "bench-workbench: %s\n", error->message);
      return 1;
    }
  DidactApplication *app = didact_application_new ();
  g_application_register (G_APPLICATION (app), NULL, NULL);
  didact_application_store_data (app, preset->dataset, data);

  printf ("Workbench benchmark: preset %s, %.0f s per run, median of 3, OpenBLAS %s, 1 thread,\n"
          "GSK renderer %s\n\n", preset_id, seconds, dd_blas_kernel (),
          g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default");
  double h[3], w[3];
  DidactWindow *win = NULL;
  for (int r = 0; r < 3; r++)
    {
      h[r] = headless (preset, data, seconds);
      if (win)
        gtk_window_destroy (GTK_WINDOW (win));
      w[r] = windowed (app, preset, seconds, &win);
      printf ("  run %d: headless %.1f steps/s, window open %.1f steps/s\n", r + 1, h[r], w[r]);
      fflush (stdout);
    }
  qsort (h, 3, sizeof (double), cmp);
  qsort (w, 3, sizeof (double), cmp);
  printf ("\nengine throughput (all branches): headless %.1f steps/s, window open and plots live "
          "%.1f steps/s: %.1f %%\n", h[1], w[1], 100 * w[1] / h[1]);

  /* redraw of a line plot holding 3 × 10,000 points at 1200×600, cache warm */
  DidactLinePlot *plot = DIDACT_LINE_PLOT (g_object_ref_sink (didact_line_plot_new ()));
  g_autofree double *x = g_new (double, 10000), *y = g_new (double, 10000);
  for (int sidx = 0; sidx < 3; sidx++)
    {
      for (int i = 0; i < 10000; i++)
        {
          x[i] = i;
          y[i] = 1.0 / (1 + i * 0.001) + 0.1 * sin (i * 0.37 + sidx) + 0.05 * sidx;
        }
      guint id = didact_line_plot_add_series (plot, "s", NULL, DIDACT_SERIES_SOLID);
      didact_line_plot_set_series_data (plot, id, x, y, 10000);
    }
  g_object_set (plot, "smoothing", 0.6, NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1200, 600);
  double t[50];
  for (int i = -5; i < 50; i++)
    {
      cairo_t *cr = cairo_create (surface);
      double t0 = dd_now ();
      didact_plot_draw (DIDACT_PLOT (plot), cr, 1200, 600);
      cairo_surface_flush (surface);
      if (i >= 0)
        t[i] = 1e3 * (dd_now () - t0);
      cairo_destroy (cr);
    }
  qsort (t, 50, sizeof (double), cmp);
  printf ("plot redraw, 3 series × 10,000 points, 1200×600, smoothing on: median %.2f ms per frame "
          "(max %.2f)\n", 0.5 * (t[24] + t[25]), t[49]);
  cairo_surface_destroy (surface);
  g_object_unref (plot);

  /* what the plotted history holds after the runs */
  DdSession *s = didact_window_get_session (win);
  DdSessionSnapshot snap;
  dd_session_snapshot (s, &snap);
  GtkWidget *metrics = didact_window_get_plot (win, 2);
  (void) metrics;
  printf ("history: branch 0 has %" G_GINT64_FORMAT " step records (%.1f MiB in the session), "
          "%" G_GINT64_FORMAT " Φ samples, %" G_GINT64_FORMAT " window records; per-step curves "
          "are averaged in blocks past 8192 points per series\n",
          snap.n_steps[0], snap.n_steps[0] * sizeof (DdStepRecord) / 1048576.0, snap.n_phi[0],
          snap.n_windows[0]);
  gtk_window_destroy (GTK_WINDOW (win));
  spin (0.2);
  g_object_unref (app);
  return 0;
}
