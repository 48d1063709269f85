/* bench-long-run.c: the workbench left running — memory and frame time over time
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A benchmark, not a test: it prints figures and asserts nothing about time.
 * Under a display: bench-long-run [SECONDS] [PRESET] [SAMPLE-SECONDS].
 * The window plays the preset, forks twice (at a sixth and at a third of the
 * run, each time paused for the fork and played again, as a user does), and
 * autosaves as it does for a user. Every sample prints the resident memory
 * (VmRSS, and the peak VmHWM), the steps taken, and the frame time of the
 * window: the wall time from the frame clock's update to the end of its paint,
 * per frame, as median, 95th percentile and maximum over the interval.
 */
#include "config.h"
#include "didact-application.h"
#include "didact-presets.h"
#include "didact-window.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  gint64  began;          /* this frame's update, µs */
  GArray *ms;             /* frame times in this interval */
  guint64 frames;
} Frames;

static void
on_update (GdkFrameClock *clock, Frames *f)
{
  f->began = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock, Frames *f)
{
  if (f->began == 0)
    return;
  double ms = (g_get_monotonic_time () - f->began) / 1e3;
  g_array_append_val (f->ms, ms);
  f->frames++;
  f->began = 0;
}

static int
cmp (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* a field of /proc/self/status in kB, or -1 */
static long
status_kb (const char *field)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return -1;
  const char *at = strstr (text, field);
  return at ? strtol (at + strlen (field) + 1, NULL, 10) : -1;
}

static gint64
total_steps (DdSession *s, int *n_branches)
{
  DdSessionSnapshot snap;
  gint64 n = 0;
  dd_session_snapshot (s, &snap);
  for (int b = 0; b < snap.n_branches; b++)
    n += snap.step[b];
  *n_branches = snap.n_branches;
  return n;
}

static void
spin_until (gint64 end)
{
  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static void
fork_now (DidactWindow *win)
{
  DdSession *s = didact_window_get_session (win);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.play-pause", NULL);
  dd_session_wait_idle (s);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.fork", NULL);
  gtk_widget_activate_action (GTK_WIDGET (win), "win.play-pause", NULL);
}

int
main (int argc, char **argv)
{
  double seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 3600.0;
  const char *preset_id = argc > 2 ? argv[2] : "fashion-mnist-mlp";
  double every = argc > 3 ? g_ascii_strtod (argv[3], NULL) : 60.0;
  const DidactPreset *preset = didact_preset_lookup (preset_id);
  g_autoptr(GError) error = NULL;

  const char *core = g_getenv ("OPENBLAS_CORETYPE") ? NULL : dd_blas_suggest_coretype ();
  if (core != NULL)
    {
      g_setenv ("OPENBLAS_CORETYPE", core, TRUE);
      execv ("/proc/self/exe", argv);
    }
  if (preset == NULL || !(seconds > 0) || !(every > 0))
    {
      fprintf (stderr, "usage: bench-long-run [SECONDS > 0] [PRESET] [SAMPLE-SECONDS > 0]\n");
      return 2;
    }
  /* autosaves go to a folder of their own, removed at the end */
  g_autofree char *state = g_dir_make_tmp ("didact-long-run-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  setlocale (LC_ALL, "");
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  adw_init ();

  DidactApplication *app = didact_application_new ();
  g_application_register (G_APPLICATION (app), NULL, NULL);
  DidactWindow *win = didact_window_new (ADW_APPLICATION (app), preset->id);
  gtk_window_set_default_size (GTK_WINDOW (win), 1600, 1000);
  gtk_window_present (GTK_WINDOW (win));
  while (didact_window_is_loading (win) || didact_window_get_session (win) == NULL)
    g_main_context_iteration (NULL, TRUE);

  Frames f = { 0, g_array_new (FALSE, FALSE, sizeof (double)), 0 };
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (win));
  g_signal_connect (clock, "update", G_CALLBACK (on_update), &f);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &f);

  printf ("Long run: preset %s, %.0f s, a sample every %.0f s, forks at %.0f s and %.0f s; "
          "OpenBLAS %s; autosave on\n\n", preset_id, seconds, every, seconds / 6, seconds / 3,
          dd_blas_kernel ());
  printf ("| time (s) | branches | steps (all) | steps/s | RSS (MiB) | peak RSS (MiB) | frames | "
          "frame p50 (ms) | p95 (ms) | max (ms) |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  fflush (stdout);

  gtk_widget_activate_action (GTK_WIDGET (win), "win.play-pause", NULL);
  const gint64 t0 = g_get_monotonic_time ();
  gboolean forked1 = FALSE, forked2 = FALSE;
  int n_branches = 0;
  gint64 last_steps = total_steps (didact_window_get_session (win), &n_branches);
  double worst_p95 = 0, worst_max = 0;
  for (int k = 1; (double) k * every <= seconds + 1e-9; k++)
    {
      gint64 until = t0 + (gint64) (k * every * G_USEC_PER_SEC);
      while (g_get_monotonic_time () < until)
        {
          double at = (g_get_monotonic_time () - t0) / 1e6;
          if (!forked1 && at >= seconds / 6)
            {
              fork_now (win);
              forked1 = TRUE;
            }
          if (!forked2 && at >= seconds / 3)
            {
              fork_now (win);
              forked2 = TRUE;
            }
          spin_until (MIN (until, g_get_monotonic_time () + G_USEC_PER_SEC));
        }
      gint64 steps = total_steps (didact_window_get_session (win), &n_branches);
      double p50 = 0, p95 = 0, mx = 0;
      if (f.ms->len > 0)
        {
          g_array_sort (f.ms, cmp);
          double *v = (double *) f.ms->data;
          p50 = v[f.ms->len / 2];
          p95 = v[MIN (f.ms->len - 1, (guint) (0.95 * f.ms->len))];
          mx = v[f.ms->len - 1];
        }
      worst_p95 = MAX (worst_p95, p95);
      worst_max = MAX (worst_max, mx);
      printf ("| %.0f | %d | %" G_GINT64_FORMAT " | %.0f | %.1f | %.1f | %u | %.2f | %.2f | %.1f |\n",
              k * every, n_branches, steps, (steps - last_steps) / every,
              status_kb ("VmRSS:") / 1024.0, status_kb ("VmHWM:") / 1024.0, f.ms->len, p50, p95, mx);
      fflush (stdout);
      last_steps = steps;
      g_array_set_size (f.ms, 0);
    }
  printf ("\n%" G_GUINT64_FORMAT " frames; worst interval p95 %.2f ms, worst frame %.1f ms; "
          "peak RSS %.1f MiB\n", f.frames, worst_p95, worst_max, status_kb ("VmHWM:") / 1024.0);

  g_signal_handlers_disconnect_by_data (clock, &f);
  gtk_window_destroy (GTK_WINDOW (win));
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_object_unref (app);
  g_array_unref (f.ms);
  /* the autosave folder: the window removed its file; remove the rest */
  g_autofree char *dir = g_build_filename (state, "didact", "autosave", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  for (const char *name; d && (name = g_dir_read_name (d)) != NULL;)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);
      g_unlink (file);
    }
  g_rmdir (dir);
  g_autofree char *parent = g_build_filename (state, "didact", NULL);
  g_rmdir (parent);
  g_rmdir (state);
  return 0;
}
