/* didact-window.h: the workbench's main window
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "didact-engine.h"

G_BEGIN_DECLS

#define DIDACT_TYPE_WINDOW (didact_window_get_type ())

G_DECLARE_FINAL_TYPE (DidactWindow, didact_window, DIDACT, WINDOW, AdwApplicationWindow)

/* opens on preset_id, or on the settings' default preset when NULL */
DidactWindow *didact_window_new          (AdwApplication *app, const char *preset_id);
/* switches to a preset (loads its data off the main thread, then starts paused) */
void          didact_window_load_preset  (DidactWindow *self, const char *preset_id);
/* for tests: the live session (NULL while loading) */
DdSession    *didact_window_get_session  (DidactWindow *self);
gboolean      didact_window_is_loading   (DidactWindow *self);
/* for tests and screenshots: the plot widgets, in a fixed order
 * (heatmap, coefficient history, metrics, margins, margin distribution) */
GtkWidget    *didact_window_get_plot     (DidactWindow *self, guint index);
guint         didact_window_n_plots      (void);
/* every plot as PNG and the session's records as CSV, NumPy and JSON Lines
 * (dd_session_export) into the folder path */
gboolean      didact_window_export_to    (DidactWindow *self, const char *path, GError **error);
/* for tests: the "?" button (a GtkMenuButton) beside the title of the card
 * that holds @plot (a plot, the BLEU plot or the samples view) */
GtkWidget    *didact_window_get_info_button (DidactWindow *self, GtkWidget *plot);
/* translation runs: the BLEU curve and the samples view (hidden otherwise) */
GtkWidget    *didact_window_get_bleu_plot (DidactWindow *self);
GtkWidget    *didact_window_get_samples  (DidactWindow *self);
/* for tests and measurements: how many frame ticks the window has run
 * (none while a paused session changes nothing) */
guint64       didact_window_get_tick_count (DidactWindow *self);
/* TRUE when the window asks for no frames and waits for nothing (tests) */
gboolean      didact_window_is_resting     (DidactWindow *self);
/* the Φ cell editor used by drags, typing and the edit presets */
void          didact_window_set_pending_cell (DidactWindow *self, int row, int col, double value);

G_END_DECLS
