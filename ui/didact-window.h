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

/* session files (didact-window-file.c). Saving runs in the background: the
 * session keeps training; the title takes the file's name once written. */
void          didact_window_save_to      (DidactWindow *self, const char *path);
gboolean      didact_window_is_saving    (DidactWindow *self);
/* opens a session file in place of the current session (which stays if the
 * file is refused; a dialog says why) */
void          didact_window_open_file    (DidactWindow *self, const char *path);
gboolean      didact_window_is_opening   (DidactWindow *self);
/* the file the session came from or was saved to, or NULL */
const char   *didact_window_get_file_path (DidactWindow *self);
/* asks whether to restore an autosave left by a crash; the dialog, for tests */
void          didact_window_offer_recovery (DidactWindow *self, const char *path);
GtkWidget    *didact_window_get_recovery_dialog (DidactWindow *self);
/* where autosaves go, and the newest one no running window holds (caller frees) */
char         *didact_autosave_dir        (void);
char         *didact_find_orphaned_autosave (void);

G_END_DECLS
