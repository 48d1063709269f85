/* didact-window-phi.c: Φ on the heatmap, its edits, undo and redo
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one part of the window that places Φ (a DdPhi, dd-phi.h) on screen.
 * The other parts name a coefficient by its flat cell (dd_phi_cell: W row
 * by row, then b) and read its value through _didact_window_phi_value. The heatmap shows, for
 * classes, the W block (W, then the log ε row) with b as an extra column
 * beside W's rows; for buckets, the rows of W, then a, then log ε, then b,
 * all over the C bucket columns.
 *
 * While paused, cells dragged or typed on the heatmap gather in a pending Φ
 * that an edit then sends to the shown branch. Every edit, of Φ or of a
 * scalar control, goes through _didact_window_record_edit, which keeps it
 * and its inverse on the undo stack.
 */
#define G_LOG_DOMAIN "Didact-UI"

#include "config.h"
#include "didact-window-private.h"

#include <glib/gi18n.h>
#include <math.h>

/* an applied edit, as the undo and redo stacks hold it */
typedef struct
{
  DdEdit  edit;
  DdPhi  *phi;        /* owned copy of edit.phi */
} UndoEntry;

/* --- the layout ------------------------------------------------------------------ */

/* the coefficient at a heatmap cell, or −1 for none */
static int
cell_index (DidactWindow *self, int row, int col)
{
  const int C = self->C;

  if (self->text)
    return dd_phi_cell (self->pending, row, col);
  if (row < 0 || row >= self->R || col < 0 || col > C)
    return -1;
  if (col == C)  /* b beside W; none beside the log ε row */
    return row < C ? dd_phi_cell (self->pending, self->R, row) : -1;
  return dd_phi_cell (self->pending, row, col);
}

double
_didact_window_phi_value (const DdPhiRecord *record, guint coefficient, gpointer user_data)
{
  /* a record holds Φ in the flat layout (dd-session.h) */
  return record->W[coefficient];
}

/* A trace's name: W[row class, column class], b[class], or a row's name
 * (a, log ε, b for buckets) and the column's class. */
static char *
cell_label (DidactWindow *self, int row, int col)
{
  char *const *names = self->class_names;
  const int C = self->C, K = self->C;

  if (!self->text && col == C)
    return g_strdup_printf ("b[%s]", names[row]);
  if (row < K)
    return g_strdup_printf ("W[%s, %s]", names[row], names[col]);
  return g_strdup_printf ("%s[%s]", row == self->scale_row ? "log ε" : row == K ? "a" : "b",
                          names[col]);
}

/* Φ of a record, or the initial point, as the engine defines it, before
 * the branch's first record */
static void
copy_phi (DidactWindow *self, const DdPhiRecord *p, DdPhi *out)
{
  if (p == NULL)
    {
      g_autoptr (DdPhi) phi0 = dd_session_initial_phi (self->session);
      dd_phi_assign (out, phi0);
    }
  else
    dd_phi_unpack (out, p->W);
}

static void
set_heatmap (DidactWindow *self, const DdPhi *phi)
{
  const int C = self->C, RC = self->R * self->C;
  const gsize n = dd_phi_n_values (phi);
  g_autofree double *all = g_new (double, n);

  for (gsize i = 0; i < n; i++)
    all[i] = dd_phi_get (phi, (guint) i);
  if (self->text)
    didact_heatmap_set_matrix (self->heatmap, all, self->R + 1, C);
  else
    {
      /* W and the log ε row; b beside W's rows */
      didact_heatmap_set_matrix (self->heatmap, all, self->R, C);
      didact_heatmap_set_extra_column (self->heatmap, all + RC, C, "b");
    }
}

void
_didact_window_show_phi_at (DidactWindow *self, gint64 step)
{
  DdSessionSnapshot snap;

  if (self->session == NULL)
    return;
  if (self->pending_dirty)
    {
      set_heatmap (self, self->pending);
      return;
    }
  dd_session_snapshot (self->session, &snap);
  g_autoptr (DdPhi) phi = dd_phi_new (self->pending->shape, self->C);
  copy_phi (self, didact_session_feed_phi_at (self->feed, &snap, self->view_branch, step), phi);
  set_heatmap (self, phi);
}

/* the heatmap's rows: W's, then (buckets) a, then log ε, then (buckets) b */
static void
set_row_labels (DidactWindow *self)
{
  g_auto(GStrv) rows = g_new0 (char *, self->R + 2);

  for (int c = 0; c < self->C; c++)
    rows[c] = g_strdup (self->class_names[c]);
  if (self->text)
    rows[self->C] = g_strdup ("a");
  /* Translators: the heatmap's row of the per-class log saturation scale
   * log ε of the taught loss; keep "log ε" */
  rows[self->scale_row] = g_strdup (_("log ε (saturation)"));
  if (self->text)
    {
      rows[self->R] = g_strdup ("b");
      didact_heatmap_set_extra_column (self->heatmap, NULL, 0, NULL);
    }
  didact_heatmap_set_row_labels (self->heatmap, (const char *const *) rows);

  /* where the names would leave the cells too small to read: the classes'
   * (buckets') numbers, as the data number them (buckets from 1, the most
   * frequent words first); hovering a cell still names it in full */
  g_auto(GStrv) short_rows = g_new0 (char *, self->R + 2);
  g_auto(GStrv) short_cols = g_new0 (char *, self->C + 1);
  for (int c = 0; c < self->C; c++)
    {
      short_cols[c] = g_strdup_printf ("%d", self->text ? c + 1 : c);
      short_rows[c] = g_strdup (short_cols[c]);
    }
  for (int r = self->C; r <= self->R; r++)
    short_rows[r] = g_strdup (r == self->scale_row ? "log ε" : rows[r]);
  didact_heatmap_set_short_labels (self->heatmap, (const char *const *) short_rows,
                                   (const char *const *) short_cols);
}

void
_didact_window_phi_start (DidactWindow *self)
{
  self->R = dd_session_phi_rows (self->session);
  self->scale_row = dd_session_scale_row (self->session);

  g_clear_pointer (&self->pending, dd_phi_free);
  self->pending = dd_session_initial_phi (self->session);

  set_row_labels (self);
  /* the per-class (per-bucket) vectors apart from the matrix W */
  didact_heatmap_set_split_row (self->heatmap, self->C);
  /* log ε (near −2.3) on a colour scale of its own, centred on its start:
   * on W's it stretched the scale until W's changes could not be seen */
  didact_heatmap_set_row_scale (self->heatmap, self->scale_row,
                                dd_phi_get (self->pending, dd_phi_cell (self->pending, self->scale_row, 0)),
                                0.5, "log ε");
  didact_heatmap_set_col_labels (self->heatmap, (const char *const *) self->class_names);
  if (self->text)
    _didact_window_set_card_title (self->heatmap_card,
                                   _("Loss coefficients Φ = (W, a, log ε, b) over word-frequency buckets; column: the reference word's bucket"),
                                   _("Row log ε per bucket: low is cross-entropy, near 0 a saturating loss that ignores "
                                     "tokens it finds very wrong. Click a cell to trace it."),
                                   _("A teacher writes the loss the translator trains on, and these numbers Φ are "
                                     "that loss. Target words are grouped into buckets by how common they are; "
                                     "column c is for reference words of bucket c: a[c] weighs the reference word’s "
                                     "own probability, W[k, c] the average probability of bucket k’s words, log ε "
                                     "how much a badly wrong word still counts, and b shifts the bucket’s loss. Red is "
                                     "above 0, blue below (log ε on a scale of its own); hover a cell for its value, "
                                     "click it to trace its history."));
  else
    _didact_window_set_card_title (self->heatmap_card,
                                   _("Loss coefficients Φ = (W, log ε, b); column y: true class"),
                                   _("Last row: log ε per class — low is cross-entropy, near 0 a saturating loss that "
                                     "ignores examples it finds very wrong. Click a cell to trace it."),
                                   _("A teacher writes the loss the student trains on, and these numbers Φ are that "
                                     "loss. Column y is for images of true class y: W[y, y] is how hard they are "
                                     "pushed towards y, W[j, y] moves some of that push to class j, the last row log ε "
                                     "sets how much an image the student gets badly wrong still counts (low: plain "
                                     "cross-entropy), and b shifts the class’s loss. Red is above 0, blue below "
                                     "(log ε on a scale of its own); hover a cell for its value, click it to trace its "
                                     "history."));
}

/* --- cells -------------------------------------------------------------------------- */

static void
on_cell_activated (DidactHeatmap *heatmap, int row, int col, DidactWindow *self)
{
  const int cell = cell_index (self, row, col);

  if (cell < 0)
    return;
  self->focus_row = row;
  self->focus_col = col;
  g_autofree char *label = cell_label (self, row, col);
  _didact_window_toggle_trace (self, (guint) cell, label);
}

void
_didact_window_show_first_phi (DidactWindow *self)
{
  /* at the timeline's step: the start of a new session, the end of an opened one */
  _didact_window_show_phi_at (self, (gint64) gtk_adjustment_get_value (self->scrub_adjustment));
  /* first traces to look at: the first class's diagonal weight and its
   * log ε (for buckets: the most frequent bucket's a and log ε) */
  on_cell_activated (self->heatmap, self->text ? self->C : 0, 0, self);
  on_cell_activated (self->heatmap, self->scale_row, 0, self);
}

/* the pending Φ from the shown branch's latest record */
static void
load_pending_from_shown (DidactWindow *self)
{
  DdSessionSnapshot snap;
  int b = self->view_branch;

  dd_session_snapshot (self->session, &snap);
  copy_phi (self, snap.n_phi[b] > 0 ? dd_session_phi_record (self->session, b, snap.n_phi[b] - 1) : NULL,
            self->pending);
}

void
didact_window_set_pending_cell (DidactWindow *self, int row, int col, double value)
{
  g_return_if_fail (DIDACT_IS_WINDOW (self));

  if (self->session == NULL || !isfinite (value))
    return;
  const int cell = cell_index (self, row, col);
  if (cell < 0)
    return;
  /* the cell field's range holds for every way of editing: the heatmap's
   * drags and keys go on past it, the field would show its end while Φ
   * took the value */
  GtkAdjustment *range = gtk_spin_button_get_adjustment (self->cell_spin);
  value = CLAMP (value, gtk_adjustment_get_lower (range), gtk_adjustment_get_upper (range));
  if (!self->pending_dirty)
    load_pending_from_shown (self);
  dd_phi_set (self->pending, (guint) cell, value);
  self->pending_dirty = TRUE;
  self->focus_row = row;
  self->focus_col = col;
  self->syncing = TRUE;
  gtk_spin_button_set_value (self->cell_spin, value);
  self->syncing = FALSE;
  _didact_window_show_phi_at (self, 0);
  _didact_window_refresh_actions (self);
}

static void
on_cell_edited (DidactHeatmap *heatmap, int row, int col, double value, DidactWindow *self)
{
  didact_window_set_pending_cell (self, row, col, value);
}

static void
on_cell_spin_changed (GtkSpinButton *spin, DidactWindow *self)
{
  if (self->syncing || self->session == NULL || _didact_window_is_running (self))
    return;
  didact_window_set_pending_cell (self, self->focus_row, self->focus_col, gtk_spin_button_get_value (spin));
}

void
_didact_window_load_edit_preset (DidactWindow *self, const char *which)
{
  if (self->session == NULL)
    return;
  load_pending_from_shown (self); /* "teacher": the teacher's current output */
  if (g_strcmp0 (which, "identity") == 0 || g_strcmp0 (which, "penalty") == 0)
    {
      /* the engine's initial point (log ε included), then for "penalty"
       * the engine's confusion penalty */
      g_autoptr (DdPhi) phi0 = dd_session_initial_phi (self->session);
      dd_phi_assign (self->pending, phi0);
      if (g_strcmp0 (which, "penalty") == 0)
        dd_phi_penalise_confusions (self->pending, DD_PHI_CONFUSION_PENALTY);
    }
  self->pending_dirty = TRUE;
  _didact_window_show_phi_at (self, 0);
  _didact_window_refresh_actions (self);
}

/* --- edits, undo and redo ------------------------------------------------------------- */

static void
push_undo (DidactWindow *self, GArray *stack, const DdEdit *e)
{
  UndoEntry u = { .edit = *e };

  u.phi = e->phi ? dd_phi_copy (e->phi) : NULL;
  u.edit.phi = u.phi;
  g_array_append_val (stack, u);
}

static void
clear_undo (GArray *stack)
{
  for (guint i = 0; i < stack->len; i++)
    {
      UndoEntry *u = &g_array_index (stack, UndoEntry, i);
      dd_phi_free (u->phi);
    }
  g_array_set_size (stack, 0);
}

/* applies e and returns the edit that undoes it (in *inverse) */
static gboolean
apply_edit (DidactWindow *self, const DdEdit *e, DdEdit *inverse, DdPhi **inv_phi, GError **error)
{
  DdSessionSnapshot snap;

  if (!dd_session_edit (self->session, e, error))
    return FALSE;
  dd_session_snapshot (self->session, &snap);
  const DdEdit *done = dd_session_journal_entry (self->session, snap.n_journal - 1);
  *inverse = *e;
  *inv_phi = NULL;
  switch (e->kind)
    {
    case DD_EDIT_OVERRIDE_PHI:
      /* undo: back to the teacher's output (or the override that was running) */
      inverse->n_steps = 0;
      break;
    case DD_EDIT_SHIFT_TEACHER:
      *inv_phi = dd_phi_copy (e->phi);
      dd_phi_scale (*inv_phi, -1.0);
      inverse->phi = *inv_phi;
      break;
    default:
      inverse->value = done->previous;
      break;
    }
  return TRUE;
}

void
_didact_window_record_edit (DidactWindow *self, const DdEdit *e)
{
  g_autoptr(GError) error = NULL;
  DdEdit inverse;
  g_autoptr (DdPhi) inverse_phi = NULL;

  if (!apply_edit (self, e, &inverse, &inverse_phi, &error))
    {
      _didact_window_toast (self, error->message);
      _didact_window_sync_controls (self);
      return;
    }
  /* the undo stack holds pairs: the edit, then its inverse */
  push_undo (self, self->undo, e);
  push_undo (self, self->undo, &inverse);
  clear_undo (self->redo);
  _didact_window_update (self);
}

static void
replay_pair (DidactWindow *self, GArray *from, GArray *to, gboolean forward)
{
  g_autoptr(GError) error = NULL;

  if (from->len < 2 || self->session == NULL)
    return;
  UndoEntry edit = g_array_index (from, UndoEntry, from->len - 2);
  UndoEntry inverse = g_array_index (from, UndoEntry, from->len - 1);
  const DdEdit *e = forward ? &edit.edit : &inverse.edit;
  if (!dd_session_edit (self->session, e, &error))
    _didact_window_toast (self, error->message);
  g_array_set_size (from, from->len - 2);
  g_array_append_val (to, edit);
  g_array_append_val (to, inverse);
  self->pending_dirty = FALSE;
  _didact_window_sync_controls (self);
  _didact_window_update (self);
  _didact_window_show_phi_at (self, (gint64) gtk_adjustment_get_upper (self->scrub_adjustment));
}

void
_didact_window_undo (DidactWindow *self)
{
  replay_pair (self, self->undo, self->redo, FALSE);
}

void
_didact_window_redo (DidactWindow *self)
{
  replay_pair (self, self->redo, self->undo, TRUE);
}

void
_didact_window_apply_pending (DidactWindow *self)
{
  if (self->session == NULL || !self->pending_dirty)
    return;
  EditMode mode = adw_combo_row_get_selected (self->edit_mode_row);
  DdEdit e = { .branch = self->view_branch };
  g_autoptr (DdPhi) delta = NULL;
  if (mode == EDIT_MODE_OVERRIDE)
    {
      e.kind = DD_EDIT_OVERRIDE_PHI;
      e.n_steps = gtk_spin_button_get_value_as_int (self->edit_steps_spin);
      e.phi = self->pending;
    }
  else
    {
      /* shift the teacher by the difference from what it outputs now */
      delta = dd_phi_copy (self->pending);
      load_pending_from_shown (self);
      dd_phi_add_scaled (delta, -1.0, self->pending);
      e.kind = DD_EDIT_SHIFT_TEACHER;
      e.phi = delta;
    }
  _didact_window_record_edit (self, &e);
  self->pending_dirty = FALSE;
  _didact_window_refresh_actions (self);
  /* what the next step will use */
  if (mode == EDIT_MODE_OVERRIDE)
    _didact_window_toast (self, _("Edit applied: the next steps use this Φ"));
  else
    _didact_window_toast (self, _("Edit applied: the teacher goes on from the shifted point"));
}

/* --- lifetime ------------------------------------------------------------------------- */

void
_didact_window_phi_stop (DidactWindow *self)
{
  clear_undo (self->undo);
  clear_undo (self->redo);
  self->pending_dirty = FALSE;
}

void
_didact_window_init_phi (DidactWindow *self)
{
  self->undo = g_array_new (FALSE, FALSE, sizeof (UndoEntry));
  self->redo = g_array_new (FALSE, FALSE, sizeof (UndoEntry));
  g_signal_connect (self->heatmap, "cell-activated", G_CALLBACK (on_cell_activated), self);
  g_signal_connect (self->heatmap, "cell-edited", G_CALLBACK (on_cell_edited), self);
  g_signal_connect (self->cell_spin, "value-changed", G_CALLBACK (on_cell_spin_changed), self);
}

void
_didact_window_finalize_phi (DidactWindow *self)
{
  g_clear_pointer (&self->undo, g_array_unref);
  g_clear_pointer (&self->redo, g_array_unref);
  g_clear_pointer (&self->pending, dd_phi_free);
}
