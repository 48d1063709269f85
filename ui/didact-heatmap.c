/* didact-heatmap.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A matrix drawn as coloured cells on a diverging scale (blue below the
 * centre, red above), with row and column labels, an optional extra column
 * after a gap (the bias b beside W), optionally its last rows after a gap
 * too (the per-class vectors below W: log ε, a, b), colour bars, a hover
 * read-out, a selection and, when editable, editing by dragging a cell up
 * or down or with the keyboard (didact-heatmap-input.c).
 *
 * One row may have a colour scale of its own, with its own colour bar: the
 * log ε row, whose values (near log 0.1 ≈ −2.3) would otherwise stretch
 * the scale so far that W's changes could not be seen.
 *
 * This file holds the data and the colour scales; the layout and the
 * layers are in didact-heatmap-draw.c.
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-heatmap-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (DidactHeatmap, didact_heatmap, DIDACT_TYPE_PLOT)

enum {
  PROP_0,
  PROP_EDITABLE,
  PROP_CENTER,
  PROP_RANGE,
  PROP_STEP,
  PROP_SHOW_VALUES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------
 * Cells and values
 */

int
_didact_heatmap_n_cols_total (DidactHeatmap *self)
{
  return self->cols + (self->extra != NULL ? 1 : 0);
}

gboolean
_didact_heatmap_valid_cell (DidactHeatmap *self,
                            int            row,
                            int            col)
{
  return row >= 0 && row < self->rows && col >= 0 && col < _didact_heatmap_n_cols_total (self);
}

double *
_didact_heatmap_cell_slot (DidactHeatmap *self,
                           int            row,
                           int            col)
{
  if (!_didact_heatmap_valid_cell (self, row, col))
    return NULL;
  if (col == self->cols)
    return &self->extra[row];
  return &self->values[(gsize) row * self->cols + col];
}

void
_didact_heatmap_invalidate_layout (DidactHeatmap *self)
{
  _didact_plot_invalidate_layout (DIDACT_PLOT (self));
}

const char *
_didact_heatmap_row_label (DidactHeatmap *self,
                           int            row,
                           char          *buf,
                           gsize          size)
{
  if (self->row_labels != NULL && row < (int) g_strv_length (self->row_labels))
    return self->row_labels[row];
  g_snprintf (buf, size, "%d", row);
  return buf;
}

const char *
_didact_heatmap_col_label (DidactHeatmap *self,
                           int            col,
                           char          *buf,
                           gsize          size)
{
  if (col == self->cols)
    return self->extra_label != NULL ? self->extra_label : "";
  if (self->col_labels != NULL && col < (int) g_strv_length (self->col_labels))
    return self->col_labels[col];
  g_snprintf (buf, size, "%d", col);
  return buf;
}

const char *
_didact_heatmap_drawn_row_label (DidactHeatmap *self,
                                 gboolean       short_labels,
                                 int            row,
                                 char          *buf,
                                 gsize          size)
{
  if (short_labels && self->short_row_labels != NULL &&
      row < (int) g_strv_length (self->short_row_labels))
    return self->short_row_labels[row];
  return _didact_heatmap_row_label (self, row, buf, size);
}

const char *
_didact_heatmap_drawn_col_label (DidactHeatmap *self,
                                 gboolean       short_labels,
                                 int            col,
                                 char          *buf,
                                 gsize          size)
{
  if (short_labels && col < self->cols && self->short_col_labels != NULL &&
      col < (int) g_strv_length (self->short_col_labels))
    return self->short_col_labels[col];
  return _didact_heatmap_col_label (self, col, buf, size);
}

void
_didact_heatmap_describe_focus (DidactHeatmap *self)
{
  g_autofree char *text = NULL;
  char rbuf[16], cbuf[16], value[48];
  double *slot = _didact_heatmap_cell_slot (self, self->focus_row, self->focus_col);

  if (slot == NULL)
    return;
  didact_plot_format_number (*slot, 0, value, sizeof value);
  text = g_strdup_printf ("%s, %s: %s",
                          _didact_heatmap_row_label (self, self->focus_row, rbuf, sizeof rbuf),
                          _didact_heatmap_col_label (self, self->focus_col, cbuf, sizeof cbuf),
                          value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

/* ------------------------------------------------------------------------
 * Colour scales
 */

gboolean
_didact_heatmap_has_row_scale (DidactHeatmap *self)
{
  return self->scale_row >= 0 && self->scale_row < self->rows;
}

/* The scale row's matrix cells are on its scale; the extra column (b) is
 * on the main one. */
ColorScale *
_didact_heatmap_cell_scale (DidactHeatmap *self,
                            int            row,
                            int            col)
{
  if (_didact_heatmap_has_row_scale (self) && row == self->scale_row && col < self->cols)
    return &self->row_scale;
  return &self->scale;
}

double
_didact_heatmap_effective_range (const ColorScale *scale)
{
  return scale->range > 0 ? scale->range : MAX (scale->auto_range, scale->min_range);
}

/* The automatic ranges: the largest |value − center| of each scale's
 * cells (1 for none). */
static void
update_auto_range (DidactHeatmap *self)
{
  double r = 0, row_r = 0;

  for (int row = 0; row < self->rows; row++)
    for (int col = 0; col < _didact_heatmap_n_cols_total (self); col++)
      {
        ColorScale *scale = _didact_heatmap_cell_scale (self, row, col);
        double v = *_didact_heatmap_cell_slot (self, row, col);

        if (!isfinite (v))
          continue;
        if (scale == &self->scale)
          r = MAX (r, fabs (v - scale->center));
        else
          row_r = MAX (row_r, fabs (v - scale->center));
      }
  self->scale.auto_range = r > 0 ? r : 1;
  self->row_scale.auto_range = row_r > 0 ? row_r : 1;
  _didact_heatmap_invalidate_layout (self);
}

void
_didact_heatmap_scale_color (const ColorScale *scale,
                             gboolean          dark,
                             double            value,
                             GdkRGBA          *out)
{
  didact_plot_diverging_color (dark, (value - scale->center) / _didact_heatmap_effective_range (scale), out);
}

void
didact_heatmap_value_color (DidactHeatmap *self,
                            double         value,
                            GdkRGBA       *color)
{
  DidactPlotStyle style;

  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (color != NULL);

  didact_plot_style_init (&style, GTK_WIDGET (self), didact_plot_get_presentation (DIDACT_PLOT (self)));
  _didact_heatmap_scale_color (&self->scale, style.dark, value, color);
  didact_plot_style_clear (&style);
}

void
didact_heatmap_cell_color (DidactHeatmap *self,
                           int            row,
                           int            col,
                           GdkRGBA       *color)
{
  DidactPlotStyle style;
  double *slot;

  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (color != NULL);

  slot = _didact_heatmap_cell_slot (self, row, col);
  g_return_if_fail (slot != NULL);
  didact_plot_style_init (&style, GTK_WIDGET (self), didact_plot_get_presentation (DIDACT_PLOT (self)));
  _didact_heatmap_scale_color (_didact_heatmap_cell_scale (self, row, col), style.dark, *slot, color);
  didact_plot_style_clear (&style);
}

/* ------------------------------------------------------------------------
 * GObject
 */

static void
didact_heatmap_state_flags_changed (GtkWidget     *widget,
                                    GtkStateFlags  previous)
{
  GTK_WIDGET_CLASS (didact_heatmap_parent_class)->state_flags_changed (widget, previous);
  /* the focus cell shows only while the widget has the focus */
  gtk_widget_queue_draw (widget);
}

static void
didact_heatmap_finalize (GObject *object)
{
  DidactHeatmap *self = DIDACT_HEATMAP (object);

  g_clear_pointer (&self->values, g_free);
  g_clear_pointer (&self->extra, g_free);
  g_clear_pointer (&self->extra_label, g_free);
  g_clear_pointer (&self->row_labels, g_strfreev);
  g_clear_pointer (&self->col_labels, g_strfreev);
  g_clear_pointer (&self->short_row_labels, g_strfreev);
  g_clear_pointer (&self->short_col_labels, g_strfreev);
  g_clear_pointer (&self->row_scale_label, g_free);
  g_clear_pointer (&self->selected, g_array_unref);

  G_OBJECT_CLASS (didact_heatmap_parent_class)->finalize (object);
}

static void
didact_heatmap_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DidactHeatmap *self = DIDACT_HEATMAP (object);

  switch (prop_id)
    {
    case PROP_EDITABLE:
      g_value_set_boolean (value, self->editable);
      break;
    case PROP_CENTER:
      g_value_set_double (value, self->scale.center);
      break;
    case PROP_RANGE:
      g_value_set_double (value, self->scale.range);
      break;
    case PROP_STEP:
      g_value_set_double (value, self->step);
      break;
    case PROP_SHOW_VALUES:
      g_value_set_boolean (value, self->show_values);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
didact_heatmap_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DidactHeatmap *self = DIDACT_HEATMAP (object);

  switch (prop_id)
    {
    case PROP_EDITABLE:
      didact_heatmap_set_editable (self, g_value_get_boolean (value));
      break;
    case PROP_CENTER:
      didact_heatmap_set_center (self, g_value_get_double (value));
      break;
    case PROP_RANGE:
      didact_heatmap_set_range (self, g_value_get_double (value));
      break;
    case PROP_STEP:
      didact_heatmap_set_step (self, g_value_get_double (value));
      break;
    case PROP_SHOW_VALUES:
      didact_heatmap_set_show_values (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
didact_heatmap_class_init (DidactHeatmapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DidactPlotClass *plot_class = DIDACT_PLOT_CLASS (klass);

  object_class->finalize = didact_heatmap_finalize;
  object_class->get_property = didact_heatmap_get_property;
  object_class->set_property = didact_heatmap_set_property;

  widget_class->state_flags_changed = didact_heatmap_state_flags_changed;

  plot_class->layout = _didact_heatmap_layout;
  plot_class->draw_frame = _didact_heatmap_draw_frame;
  plot_class->draw_data = _didact_heatmap_draw_data;
  plot_class->draw_marks = _didact_heatmap_draw_marks;
  plot_class->draw_hover = _didact_heatmap_draw_hover;
  plot_class->sizes = (DidactPlotSizes) { 160, 480, 160, 400 };
  plot_class->presentation_sizes = (DidactPlotSizes) { 240, 720, 240, 600 };

  properties[PROP_EDITABLE] =
    g_param_spec_boolean ("editable", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CENTER] =
    g_param_spec_double ("center", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RANGE] =
    g_param_spec_double ("range", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STEP] =
    g_param_spec_double ("step", NULL, NULL, G_MINDOUBLE, G_MAXDOUBLE, 0.1,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_VALUES] =
    g_param_spec_boolean ("show-values", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  _didact_heatmap_class_init_input (klass);

  gtk_widget_class_set_css_name (widget_class, "didact-heatmap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
didact_heatmap_init (DidactHeatmap *self)
{
  self->selected = g_array_new (FALSE, FALSE, sizeof (DidactHeatmapCell));
  self->values = g_new0 (double, 1);
  self->step = 0.1;
  self->scale.auto_range = 1;
  self->scale_row = -1;
  self->row_scale.auto_range = 1;
  self->show_values = TRUE;

  _didact_heatmap_init_input (self);
  didact_plot_set_accessible_label (DIDACT_PLOT (self), _("Loss coefficients"));
}

GtkWidget *
didact_heatmap_new (void)
{
  return g_object_new (DIDACT_TYPE_HEATMAP, NULL);
}

/* ------------------------------------------------------------------------
 * Data
 */

void
didact_heatmap_set_matrix (DidactHeatmap *self,
                           const double  *values,
                           int            rows,
                           int            cols)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (rows >= 0 && cols >= 0);
  g_return_if_fail (values != NULL || rows * cols == 0);

  if (rows != self->rows || cols != self->cols)
    {
      /* a drag on a cell that moved or went away ends here */
      self->press_row = self->press_col = -1;
      if (self->extra != NULL && rows != self->rows)
        {
          self->extra = g_renew (double, self->extra, MAX (rows, 1));
          for (int i = self->rows; i < rows; i++)
            self->extra[i] = NAN;
        }
    }
  g_free (self->values);
  self->values = g_new (double, MAX ((gsize) rows * cols, 1));
  if (rows * cols > 0)
    memcpy (self->values, values, sizeof (double) * rows * cols);
  self->rows = rows;
  self->cols = cols;
  _didact_heatmap_drop_cells_outside (self);
  update_auto_range (self);
  _didact_heatmap_describe_focus (self);
}

int
didact_heatmap_get_rows (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), 0);
  return self->rows;
}

int
didact_heatmap_get_cols (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), 0);
  return self->cols;
}

double
didact_heatmap_get_value (DidactHeatmap *self,
                          int            row,
                          int            col)
{
  double *slot;

  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), NAN);

  slot = _didact_heatmap_cell_slot (self, row, col);
  return slot != NULL ? *slot : NAN;
}

void
didact_heatmap_set_row_labels (DidactHeatmap     *self,
                               const char *const *labels)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  g_strfreev (self->row_labels);
  self->row_labels = g_strdupv ((char **) labels);
  _didact_heatmap_invalidate_layout (self);
}

const char *
didact_heatmap_get_row_label (DidactHeatmap *self,
                              int            row)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), NULL);

  if (self->row_labels == NULL || row < 0 || row >= (int) g_strv_length (self->row_labels))
    return NULL;
  return self->row_labels[row];
}

void
didact_heatmap_set_col_labels (DidactHeatmap     *self,
                               const char *const *labels)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  g_strfreev (self->col_labels);
  self->col_labels = g_strdupv ((char **) labels);
  _didact_heatmap_invalidate_layout (self);
}

void
didact_heatmap_set_short_labels (DidactHeatmap     *self,
                                 const char *const *rows,
                                 const char *const *cols)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  g_strfreev (self->short_row_labels);
  g_strfreev (self->short_col_labels);
  self->short_row_labels = g_strdupv ((char **) rows);
  self->short_col_labels = g_strdupv ((char **) cols);
  _didact_heatmap_invalidate_layout (self);
}

int
didact_heatmap_get_split_row (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), 0);

  return self->split_row;
}

void
didact_heatmap_set_split_row (DidactHeatmap *self,
                              int            row)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  row = MAX (row, 0);
  if (self->split_row == row)
    return;
  self->split_row = row;
  _didact_heatmap_invalidate_layout (self);
}

void
didact_heatmap_set_extra_column (DidactHeatmap *self,
                                 const double  *values,
                                 int            n,
                                 const char    *label)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (values != NULL || n == 0);

  g_clear_pointer (&self->extra, g_free);
  g_clear_pointer (&self->extra_label, g_free);
  if (values != NULL)
    {
      /* one value per row; missing ones are NaN */
      self->extra = g_new (double, MAX (self->rows, 1));
      for (int i = 0; i < self->rows; i++)
        self->extra[i] = i < n ? values[i] : NAN;
      self->extra_label = g_strdup (label);
    }
  _didact_heatmap_drop_cells_outside (self);
  update_auto_range (self);
}

void
didact_heatmap_set_row_scale (DidactHeatmap *self,
                              int            row,
                              double         center,
                              double         min_range,
                              const char    *label)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (row < 0 || (isfinite (center) && isfinite (min_range)));

  self->scale_row = MAX (row, -1);
  self->row_scale.center = row >= 0 ? center : 0;
  self->row_scale.min_range = row >= 0 ? MAX (min_range, 0) : 0;
  g_free (self->row_scale_label);
  self->row_scale_label = row >= 0 ? g_strdup (label) : NULL;
  update_auto_range (self);
}

int
didact_heatmap_get_row_scale (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), -1);

  return self->scale_row;
}

/* ------------------------------------------------------------------------
 * Properties
 */

double
didact_heatmap_get_center (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), 0);
  return self->scale.center;
}

void
didact_heatmap_set_center (DidactHeatmap *self,
                           double         center)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (isfinite (center));

  if (self->scale.center == center)
    return;
  self->scale.center = center;
  update_auto_range (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CENTER]);
}

double
didact_heatmap_get_range (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), 0);
  return self->scale.range;
}

void
didact_heatmap_set_range (DidactHeatmap *self,
                          double         range)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  if (!(range > 0) || !isfinite (range))
    range = 0;
  if (self->scale.range == range)
    return;
  self->scale.range = range;
  _didact_heatmap_invalidate_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RANGE]);
}

gboolean
didact_heatmap_get_editable (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), FALSE);
  return self->editable;
}

void
didact_heatmap_set_editable (DidactHeatmap *self,
                             gboolean       editable)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  editable = !!editable;
  if (self->editable == editable)
    return;
  self->editable = editable;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "heatmap.adjust", editable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITABLE]);
}

double
didact_heatmap_get_step (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), 0);
  return self->step;
}

void
didact_heatmap_set_step (DidactHeatmap *self,
                         double         step)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));
  g_return_if_fail (step > 0 && isfinite (step));

  if (self->step == step)
    return;
  self->step = step;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

gboolean
didact_heatmap_get_show_values (DidactHeatmap *self)
{
  g_return_val_if_fail (DIDACT_IS_HEATMAP (self), FALSE);
  return self->show_values;
}

void
didact_heatmap_set_show_values (DidactHeatmap *self,
                                gboolean       show_values)
{
  g_return_if_fail (DIDACT_IS_HEATMAP (self));

  show_values = !!show_values;
  if (self->show_values == show_values)
    return;
  self->show_values = show_values;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_VALUES]);
}
