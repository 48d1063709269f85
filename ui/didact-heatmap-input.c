/* didact-heatmap-input.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A heatmap's selection and focus cell, and editing: a click (or Return on
 * the focus cell) toggles a cell's selection and emits ::cell-activated;
 * when editable, dragging a cell up or down or pressing + and − changes
 * its value and emits ::cell-edited. The arrow keys move the focus cell.
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-heatmap-private.h"

#include <math.h>

/* pixels of vertical drag per step of the value */
#define DRAG_PIXELS_PER_STEP 4.0

enum {
  CELL_ACTIVATED,
  CELL_EDITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------
 * Editing
 */

/* Sets a cell's cached value and tells the owner. */
static void
edit_cell (DidactHeatmap *self,
           int            row,
           int            col,
           double         value)
{
  double *slot = _didact_heatmap_cell_slot (self, row, col);
  ColorScale *scale;

  if (slot == NULL || *slot == value)
    return;
  *slot = value;
  /* the automatic scale grows with an edit but does not shrink under the
   * pointer, so the colours stay put while dragging */
  scale = _didact_heatmap_cell_scale (self, row, col);
  if (isfinite (value) && fabs (value - scale->center) > scale->auto_range)
    {
      scale->auto_range = fabs (value - scale->center);
      _didact_heatmap_invalidate_layout (self);
    }
  if (row == self->focus_row && col == self->focus_col)
    _didact_heatmap_describe_focus (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CELL_EDITED], 0, row, col, value);
}

static void
activate_cell (DidactHeatmap *self,
               int            row,
               int            col)
{
  if (!_didact_heatmap_valid_cell (self, row, col))
    return;
  didact_heatmap_set_cell_selected (self, row, col,
                                    !didact_heatmap_get_cell_selected (self, row, col));
  g_signal_emit (self, signals[CELL_ACTIVATED], 0, row, col);
}

/* ------------------------------------------------------------------------
 * Pointer and keys
 */

/* One drag gesture does both: a press and release without moving is a
 * click (select, ::cell-activated); a vertical drag edits the value. */
static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               DidactHeatmap  *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int row, col;

  self->press_row = self->press_col = -1;
  self->dragging = FALSE;
  if (!didact_heatmap_cell_at (self, gtk_widget_get_width (widget), gtk_widget_get_height (widget),
                               x, y, &row, &col))
    return;
  self->press_row = row;
  self->press_col = col;
  self->press_value = *_didact_heatmap_cell_slot (self, row, col);
  if (gtk_widget_get_focusable (widget))
    gtk_widget_grab_focus (widget);
  didact_heatmap_set_focus_cell (self, row, col);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                DidactHeatmap  *self)
{
  double steps;

  if (self->press_row < 0 || !self->editable || !isfinite (self->press_value))
    return;
  if (!self->dragging && fabs (dy) < DRAG_PIXELS_PER_STEP)
    return;
  self->dragging = TRUE;

  /* up is more */
  steps = round (-dy / DRAG_PIXELS_PER_STEP);
  edit_cell (self, self->press_row, self->press_col, self->press_value + steps * self->step);
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             DidactHeatmap  *self)
{
  if (self->press_row >= 0 && !self->dragging && hypot (dx, dy) < 8)
    activate_cell (self, self->press_row, self->press_col);
  self->press_row = self->press_col = -1;
  self->dragging = FALSE;
}

static void
move_focus_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DidactHeatmap *self = DIDACT_HEATMAP (widget);
  int drow, dcol;

  g_variant_get (parameter, "(ii)", &drow, &dcol);
  didact_heatmap_set_focus_cell (self,
                                 CLAMP (self->focus_row + drow, 0, MAX (self->rows - 1, 0)),
                                 CLAMP (self->focus_col + dcol, 0, MAX (_didact_heatmap_n_cols_total (self) - 1, 0)));
}

static void
adjust_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DidactHeatmap *self = DIDACT_HEATMAP (widget);

  didact_heatmap_adjust_focused (self, g_variant_get_double (parameter) * self->step);
}

static void
activate_focused_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  DidactHeatmap *self = DIDACT_HEATMAP (widget);

  activate_cell (self, self->focus_row, self->focus_col);
}

/* ------------------------------------------------------------------------
 * Selection and focus
 */

void
_didact_heatmap_drop_cells_outside (DidactHeatmap *self)
{
  for (guint i = self->selected->len; i-- > 0;)
    {
      DidactHeatmapCell *cell = &g_array_index (self->selected, DidactHeatmapCell, i);

      if (!_didact_heatmap_valid_cell (self, cell->row, cell->col))
        g_array_remove_index (self->selected, i);
    }
  if (!_didact_heatmap_valid_cell (self, self->focus_row, self->focus_col))
    self->focus_row = self->focus_col = 0;
}

static int
compare_cells (const DidactHeatmapCell *a,
               const DidactHeatmapCell *b)
{
  return a->row != b->row ? a->row - b->row : a->col - b->col;
}

GArray *
didact_heatmap_get_selected (DidactHeatmap *self)
{
  GArray *copy;

  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), NULL);

  copy = g_array_sized_new (FALSE, FALSE, sizeof (DidactHeatmapCell), self->selected->len);
  g_array_append_vals (copy, self->selected->data, self->selected->len);
  return copy;
}

static guint
selected_index (DidactHeatmap *self,
                int            row,
                int            col,
                gboolean      *found)
{
  DidactHeatmapCell key = { row, col };
  guint i;

  for (i = 0; i < self->selected->len; i++)
    {
      int c = compare_cells (&g_array_index (self->selected, DidactHeatmapCell, i), &key);

      if (c >= 0)
        {
          *found = c == 0;
          return i;
        }
    }
  *found = FALSE;
  return i;
}

gboolean
didact_heatmap_get_cell_selected (DidactHeatmap *self,
                                  int            row,
                                  int            col)
{
  gboolean found;

  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), FALSE);

  selected_index (self, row, col, &found);
  return found;
}

void
didact_heatmap_set_cell_selected (DidactHeatmap *self,
                                  int            row,
                                  int            col,
                                  gboolean       selected)
{
  DidactHeatmapCell cell = { row, col };
  gboolean found;
  guint i;

  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (_didact_heatmap_valid_cell (self, row, col));

  i = selected_index (self, row, col, &found);
  if (found == !!selected)
    return;
  if (selected)
    g_array_insert_val (self->selected, i, cell);
  else
    g_array_remove_index (self->selected, i);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
didact_heatmap_clear_selection (DidactHeatmap *self)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  if (self->selected->len == 0)
    return;
  g_array_set_size (self->selected, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
didact_heatmap_get_focus_cell (DidactHeatmap *self,
                               int           *row,
                               int           *col)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  if (row != NULL)
    *row = self->focus_row;
  if (col != NULL)
    *col = self->focus_col;
}

void
didact_heatmap_set_focus_cell (DidactHeatmap *self,
                               int            row,
                               int            col)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (_didact_heatmap_valid_cell (self, row, col));

  if (self->focus_row == row && self->focus_col == col)
    return;
  self->focus_row = row;
  self->focus_col = col;
  _didact_heatmap_describe_focus (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
didact_heatmap_adjust_focused (DidactHeatmap *self,
                               double         delta)
{
  double *slot;

  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  if (!self->editable)
    return;
  slot = _didact_heatmap_cell_slot (self, self->focus_row, self->focus_col);
  if (slot == NULL || !isfinite (*slot))
    return;
  edit_cell (self, self->focus_row, self->focus_col, *slot + delta);
}

/* ------------------------------------------------------------------------
 * Set-up
 */

void
_didact_heatmap_class_init_input (DidactHeatmapClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const struct { guint keyval; int steps; } adjust_keys[] = {
    { GDK_KEY_plus, 1 }, { GDK_KEY_equal, 1 }, { GDK_KEY_KP_Add, 1 },
    { GDK_KEY_minus, -1 }, { GDK_KEY_KP_Subtract, -1 },
    { GDK_KEY_Page_Up, 10 }, { GDK_KEY_KP_Page_Up, 10 },
    { GDK_KEY_Page_Down, -10 }, { GDK_KEY_KP_Page_Down, -10 },
  };
  static const struct { guint keyval; int drow, dcol; } move_keys[] = {
    { GDK_KEY_Up, -1, 0 }, { GDK_KEY_KP_Up, -1, 0 },
    { GDK_KEY_Down, 1, 0 }, { GDK_KEY_KP_Down, 1, 0 },
    { GDK_KEY_Left, 0, -1 }, { GDK_KEY_KP_Left, 0, -1 },
    { GDK_KEY_Right, 0, 1 }, { GDK_KEY_KP_Right, 0, 1 },
    { GDK_KEY_Home, 0, -G_MAXINT / 2 }, { GDK_KEY_End, 0, G_MAXINT / 2 },
  };

  /**
   * DidactHeatmap::cell-activated:
   * @row: the cell's row
   * @col: its column; the number of columns for the extra column
   *
   * A cell was clicked, or Return was pressed on the focus cell; its
   * selection has been toggled.
   */
  signals[CELL_ACTIVATED] =
    g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);

  /**
   * DidactHeatmap::cell-edited:
   * @row: the cell's row
   * @col: its column; the number of columns for the extra column
   * @value: the new value, already in the widget's own copy
   *
   * The user changed a value (emitted continuously while dragging).
   */
  signals[CELL_EDITED] =
    g_signal_new ("cell-edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_INT, G_TYPE_DOUBLE);

  gtk_widget_class_install_action (widget_class, "heatmap.move-focus", "(ii)", move_focus_action);
  gtk_widget_class_install_action (widget_class, "heatmap.adjust", "d", adjust_action);
  gtk_widget_class_install_action (widget_class, "heatmap.activate-focused", NULL,
                                   activate_focused_action);

  for (guint i = 0; i < G_N_ELEMENTS (move_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, move_keys[i].keyval, 0,
                                         "heatmap.move-focus", "(ii)",
                                         move_keys[i].drow, move_keys[i].dcol);
  for (guint i = 0; i < G_N_ELEMENTS (adjust_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, adjust_keys[i].keyval, 0,
                                         "heatmap.adjust", "d", (double) adjust_keys[i].steps);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "heatmap.activate-focused", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "heatmap.activate-focused", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "heatmap.activate-focused", NULL);
}

void
_didact_heatmap_init_input (DidactHeatmap *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkGesture *drag;

  self->press_row = self->press_col = -1;
  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_action_set_enabled (widget, "heatmap.adjust", FALSE);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));
}
