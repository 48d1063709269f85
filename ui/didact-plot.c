/* didact-plot.c
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plots' base class: its properties, its series list, the legend's
 * drawing, the pointer and the layered drawing. The interactive legend is
 * in didact-plot-legend.c, export in didact-plot-export.c; what the parts
 * share in didact-plot-private.h.
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-plot-private.h"


G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (DidactPlot, didact_plot, GTK_TYPE_WIDGET)

DidactPlotPrivate *
_didact_plot_get_private (DidactPlot *self)
{
  return didact_plot_get_instance_private (self);
}

enum {
  PROP_0,
  PROP_TITLE,
  PROP_X_LABEL,
  PROP_Y_LABEL,
  PROP_SHOW_LEGEND,
  PROP_PRESENTATION,
  PROP_ACCESSIBLE_LABEL,
  PROP_INTERACTIVE_LEGEND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------
 * Read-out
 */

static void
readout_init (DidactPlotReadout *readout)
{
  readout->title = NULL;
  readout->lines = g_ptr_array_new_with_free_func (g_free);
  readout->colors = g_array_new (FALSE, FALSE, sizeof (GdkRGBA));
}

static void
readout_clear (DidactPlotReadout *readout)
{
  g_clear_pointer (&readout->title, g_free);
  g_clear_pointer (&readout->lines, g_ptr_array_unref);
  g_clear_pointer (&readout->colors, g_array_unref);
}

void
didact_plot_readout_set_title (DidactPlotReadout *readout,
                               const char        *format,
                               ...)
{
  va_list args;

  g_return_if_fail (readout != NULL);

  g_free (readout->title);
  va_start (args, format);
  readout->title = g_strdup_vprintf (format, args);
  va_end (args);
}

void
didact_plot_readout_add (DidactPlotReadout *readout,
                         const GdkRGBA     *color,
                         const char        *format,
                         ...)
{
  GdkRGBA swatch = { 0, 0, 0, 0 };
  va_list args;

  g_return_if_fail (readout != NULL);

  va_start (args, format);
  g_ptr_array_add (readout->lines, g_strdup_vprintf (format, args));
  va_end (args);
  if (color != NULL)
    swatch = *color;
  g_array_append_val (readout->colors, swatch);
}

static gboolean
readout_has_colors (const DidactPlotReadout *readout)
{
  for (guint i = 0; i < readout->colors->len; i++)
    if (g_array_index (readout->colors, GdkRGBA, i).alpha > 0)
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------
 * Drawing in layers
 */

/* The highlighted entry's series, if any of its series is shown; never
 * in an export. */
static DidactPlotSeries *
highlighted_series (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);
  DidactPlotSeries *h;

  if (priv->highlight == 0 || priv->exporting ||
      (h = _didact_plot_find_series (self, priv->highlight)) == NULL)
    return NULL;
  for (guint i = 0; i < priv->series->len; i++)
    {
      DidactPlotSeries *s = g_ptr_array_index (priv->series, i);

      if (s->visible && _didact_plot_same_entry (s, h))
        return h;
    }
  return NULL;
}

/* One entry per labelled series, or per group of series showing its first
 * solid member's label, colour and style; @shown gets the series each
 * entry shows. An interactive legend lists hidden series too (struck
 * through), so that they can be shown again. */
static guint
legend_entries (DidactPlot            *self,
                DidactPlotLegendEntry *entries,
                DidactPlotSeries     **shown)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);
  DidactPlotSeries *highlight = highlighted_series (self);
  guint n = 0;

  if (!priv->show_legend)
    return 0;
  for (guint i = 0; i < priv->series->len; i++)
    {
      DidactPlotSeries *s = g_ptr_array_index (priv->series, i);
      guint k;

      if (s->label == NULL || s->label[0] == '\0' || (!s->visible && !priv->interactive_legend))
        continue;
      for (k = 0; k < n && !_didact_plot_same_entry (shown[k], s); k++)
        ;
      if (k == MAX_LEGEND_ENTRIES)
        continue;
      if (k == n)
        {
          entries[n] = (DidactPlotLegendEntry) { s->label, s->color, s->style, TRUE, FALSE };
          shown[n++] = s;
        }
      else if (shown[k]->style != DIDACT_SERIES_SOLID && s->style == DIDACT_SERIES_SOLID)
        {
          entries[k].label = s->label;
          entries[k].color = s->color;
          entries[k].style = s->style;
          shown[k] = s;
        }
      entries[k].off &= !s->visible;
    }
  for (guint k = 0; k < n && highlight != NULL; k++)
    entries[k].dimmed = !_didact_plot_same_entry (shown[k], highlight);
  return n;
}

double
_didact_plot_header_height (DidactPlot            *self,
                            cairo_t               *cr,
                            const DidactPlotStyle *style,
                            int                    width)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);
  DidactPlotLegendEntry entries[MAX_LEGEND_ENTRIES];
  DidactPlotSeries *shown[MAX_LEGEND_ENTRIES];
  guint n = legend_entries (self, entries, shown);

  return didact_plot_header_height (cr, style, priv->title, entries, n, width);
}

/* The title and the legend; an interactive legend remembers where its
 * entries went, for the pointer. */
static void
draw_header (DidactPlot            *self,
             const DidactPlotFrame *frame)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);
  DidactPlotLegendEntry entries[MAX_LEGEND_ENTRIES];
  DidactPlotSeries *shown[MAX_LEGEND_ENTRIES];
  guint n = legend_entries (self, entries, shown);

  didact_plot_draw_header (frame->cr, &frame->style, priv->title, frame->area.origin.x,
                           entries, n, DIDACT_PLOT_GET_CLASS (self)->legend_swatch, frame->width);
  if (!priv->interactive_legend || frame->exporting)
    return;
  didact_plot_header_entry_rects (frame->cr, &frame->style, priv->title, entries, n, frame->width,
                                  priv->legend_rects);
  for (guint k = 0; k < n; k++)
    priv->legend_ids[k] = shown[k]->id;
  priv->n_legend = n;
  priv->legend_focus = MIN (priv->legend_focus, (int) n - 1);
  if (priv->legend_focus >= 0 && gtk_widget_has_focus (GTK_WIDGET (self)))
    {
      const graphene_rect_t *r = &priv->legend_rects[priv->legend_focus];
      double dash[] = { 2, 2 };

      /* the entry the keyboard is on, dashed as the heatmap's focus cell */
      cairo_save (frame->cr);
      cairo_set_dash (frame->cr, dash, 2, 0);
      cairo_set_line_width (frame->cr, 1);
      didact_plot_set_source (frame->cr, &frame->style.fg, 0.7);
      cairo_rectangle (frame->cr, r->origin.x - 2.5, r->origin.y - 0.5, r->size.width + 5, r->size.height + 1);
      cairo_stroke (frame->cr);
      cairo_restore (frame->cr);
    }
}

static void
draw_hover (DidactPlot            *self,
            const DidactPlotFrame *frame)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);
  DidactPlotClass *klass = DIDACT_PLOT_GET_CLASS (self);
  DidactPlotReadout readout;

  if (klass->draw_hover == NULL)
    return;
  readout_init (&readout);
  cairo_save (frame->cr);
  klass->draw_hover (self, frame, priv->hover_x, priv->hover_y, &readout);
  cairo_restore (frame->cr);
  if (readout.title != NULL || readout.lines->len > 0)
    didact_plot_draw_readout (frame->cr, &frame->style, frame->width, frame->height,
                              priv->hover_x, priv->hover_y, readout.title,
                              (const char *const *) readout.lines->pdata,
                              readout_has_colors (&readout) ? (const GdkRGBA *) readout.colors->data : NULL,
                              readout.lines->len);
  readout_clear (&readout);
}

static void
draw_layer (DidactPlot            *self,
            void                 (*layer) (DidactPlot *, const DidactPlotFrame *),
            const DidactPlotFrame *frame)
{
  if (layer == NULL)
    return;
  cairo_save (frame->cr);
  layer (self, frame);
  cairo_restore (frame->cr);
}

void
didact_plot_draw (DidactPlot *self,
                  cairo_t    *cr,
                  int         width,
                  int         height)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);
  DidactPlotClass *klass;
  DidactPlotFrame frame = { 0 };

  g_return_if_fail (DIDACT_IS_PLOT (self));
  g_return_if_fail (cr != NULL);

  if (width <= 0 || height <= 0)
    return;

  klass = DIDACT_PLOT_GET_CLASS (self);
  frame.cr = cr;
  frame.width = width;
  frame.height = height;
  frame.exporting = priv->exporting;
  didact_plot_style_init (&frame.style, GTK_WIDGET (self), priv->presentation);
  if (klass->layout == NULL || klass->layout (self, &frame))
    {
      draw_layer (self, klass->draw_frame, &frame);
      draw_header (self, &frame);
      draw_layer (self, klass->draw_data, &frame);
      draw_layer (self, klass->draw_marks, &frame);
      if (priv->hovering && !frame.exporting)
        draw_hover (self, &frame);
    }
  didact_plot_style_clear (&frame.style);
}

/* ------------------------------------------------------------------------
 * Series
 */

static void
series_free (DidactPlot       *self,
             DidactPlotSeries *s)
{
  DidactPlotClass *klass = DIDACT_PLOT_GET_CLASS (self);

  if (klass->series_clear != NULL)
    klass->series_clear (s);
  g_free (s->label);
  g_free (s);
}

static int
free_palette_index (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  for (int index = 0; ; index++)
    {
      gboolean used = FALSE;

      for (guint i = 0; i < priv->series->len && !used; i++)
        used = ((DidactPlotSeries *) g_ptr_array_index (priv->series, i))->palette_index == index;
      if (!used || index >= (int) priv->series->len + DIDACT_PLOT_PALETTE_SIZE)
        return index;
    }
}

gpointer
_didact_plot_add_series (DidactPlot        *self,
                         gsize              size,
                         const char        *label,
                         const GdkRGBA     *color,
                         DidactSeriesStyle  style)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);
  DidactPlotSeries *s;

  g_return_val_if_fail (size >= sizeof (DidactPlotSeries), NULL);

  s = g_malloc0 (size);
  s->id = priv->next_series_id++;
  s->label = g_strdup (label);
  s->style = style;
  s->visible = TRUE;
  if (color != NULL)
    {
      s->color = *color;
      s->palette_index = -1;
    }
  else
    {
      s->palette_index = free_palette_index (self);
      didact_plot_palette_color (s->palette_index, &s->color);
    }
  g_ptr_array_add (priv->series, s);
  return s;
}

gpointer
_didact_plot_find_series (DidactPlot *self,
                          guint       id)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  for (guint i = 0; i < priv->series->len; i++)
    {
      DidactPlotSeries *s = g_ptr_array_index (priv->series, i);

      if (s->id == id)
        return s;
    }
  return NULL;
}

GPtrArray *
_didact_plot_get_series (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  return priv->series;
}

void
_didact_plot_data_changed (DidactPlot *self)
{
  DidactPlotClass *klass = DIDACT_PLOT_GET_CLASS (self);

  if (klass->data_changed != NULL)
    klass->data_changed (self);
  _didact_plot_invalidate_layout (self);
}

void
didact_plot_remove_series (DidactPlot *self,
                           guint       id)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);
  DidactPlotSeries *s;

  g_return_if_fail (DIDACT_IS_PLOT (self));

  s = _didact_plot_find_series (self, id);
  g_return_if_fail (s != NULL);
  g_ptr_array_remove (priv->series, s);
  series_free (self, s);
  _didact_plot_data_changed (self);
}

static void
clear_series (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  for (guint i = 0; i < priv->series->len; i++)
    series_free (self, g_ptr_array_index (priv->series, i));
  g_ptr_array_set_size (priv->series, 0);
}

void
didact_plot_remove_all_series (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_if_fail (DIDACT_IS_PLOT (self));

  if (priv->series->len == 0)
    return;
  clear_series (self);
  _didact_plot_data_changed (self);
}

void
didact_plot_set_series_visible (DidactPlot *self,
                                guint       id,
                                gboolean    visible)
{
  DidactPlotSeries *s;

  g_return_if_fail (DIDACT_IS_PLOT (self));

  s = _didact_plot_find_series (self, id);
  g_return_if_fail (s != NULL);

  visible = !!visible;
  if (s->visible == visible)
    return;
  s->visible = visible;
  _didact_plot_data_changed (self);
}

gboolean
didact_plot_get_series_visible (DidactPlot *self,
                                guint       id)
{
  DidactPlotSeries *s;

  g_return_val_if_fail (DIDACT_IS_PLOT (self), FALSE);

  s = _didact_plot_find_series (self, id);
  g_return_val_if_fail (s != NULL, FALSE);
  return s->visible;
}

void
didact_plot_get_series_color (DidactPlot *self,
                              guint       id,
                              GdkRGBA    *color)
{
  DidactPlotSeries *s;

  g_return_if_fail (DIDACT_IS_PLOT (self));
  g_return_if_fail (color != NULL);

  s = _didact_plot_find_series (self, id);
  g_return_if_fail (s != NULL);
  *color = s->color;
}

void
didact_plot_set_series_group (DidactPlot *self,
                              guint       id,
                              guint       group)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);
  DidactPlotSeries *s;
  gboolean joined_hidden = FALSE;

  g_return_if_fail (DIDACT_IS_PLOT (self));

  s = _didact_plot_find_series (self, id);
  g_return_if_fail (s != NULL);
  if (s->group == group)
    return;
  s->group = group;
  /* a series joining a group its legend entry hid is hidden too */
  for (guint i = 0; i < priv->series->len && group != 0; i++)
    {
      DidactPlotSeries *other = g_ptr_array_index (priv->series, i);

      if (other == s || other->group != group)
        continue;
      if (other->visible)
        {
          joined_hidden = FALSE;
          break;
        }
      joined_hidden = TRUE;
    }
  if (joined_hidden)
    s->visible = FALSE;
  _didact_plot_data_changed (self);
}

guint
didact_plot_get_series_group (DidactPlot *self,
                              guint       id)
{
  DidactPlotSeries *s;

  g_return_val_if_fail (DIDACT_IS_PLOT (self), 0);

  s = _didact_plot_find_series (self, id);
  g_return_val_if_fail (s != NULL, 0);
  return s->group;
}

gboolean
_didact_plot_series_dimmed (DidactPlot             *self,
                            const DidactPlotSeries *series)
{
  DidactPlotSeries *highlight = highlighted_series (self);

  return highlight != NULL && !_didact_plot_same_entry (series, highlight);
}

gboolean
didact_plot_get_series_highlighted (DidactPlot *self,
                                    guint       id)
{
  DidactPlotSeries *s, *highlight;

  g_return_val_if_fail (DIDACT_IS_PLOT (self), FALSE);

  s = _didact_plot_find_series (self, id);
  g_return_val_if_fail (s != NULL, FALSE);
  highlight = highlighted_series (self);
  return highlight != NULL && _didact_plot_same_entry (s, highlight);
}

/* ------------------------------------------------------------------------
 * Pointer and layout
 */

/* What the pointer highlights: the legend entry under it, else the
 * series the subclass finds there. */
static guint
series_to_highlight (DidactPlot *self,
                     double      x,
                     double      y)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);
  DidactPlotClass *klass = DIDACT_PLOT_GET_CLASS (self);
  int entry = _didact_plot_legend_entry_at (self, x, y);

  if (!priv->interactive_legend)
    return 0;
  if (entry >= 0)
    return priv->legend_ids[entry];
  return klass->series_at != NULL ? klass->series_at (self, x, y) : 0;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           DidactPlot               *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  priv->hovering = TRUE;
  priv->hover_x = x;
  priv->hover_y = y;
  priv->highlight = series_to_highlight (self, x, y);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          DidactPlot               *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  priv->hovering = FALSE;
  priv->highlight = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* a click on an entry of an interactive legend shows or hides its series */
static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            DidactPlot      *self)
{
  int entry = _didact_plot_legend_entry_at (self, x, y);

  if (entry < 0)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  didact_plot_toggle_legend_entry (self, (guint) entry);
}

guint64
_didact_plot_get_layout_serial (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  return priv->layout_serial;
}

const DidactPlotStyle *
_didact_plot_layout_style (DidactPlot            *self,
                           const DidactPlotStyle *style,
                           DidactPlotStyle       *own)
{
  if (style != NULL)
    return style;
  didact_plot_style_init (own, GTK_WIDGET (self), didact_plot_get_presentation (self));
  return own;
}

void
_didact_plot_invalidate_layout (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  priv->layout_serial++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_accessible_label (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);
  const char *label = priv->accessible_label != NULL ? priv->accessible_label : priv->title;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label != NULL ? label : "", -1);
}

/* ------------------------------------------------------------------------
 * GtkWidget
 */

static void
didact_plot_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  didact_plot_draw (DIDACT_PLOT (widget), cr, width, height);
  cairo_destroy (cr);
}

static void
didact_plot_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (DIDACT_PLOT (widget));
  DidactPlotClass *klass = DIDACT_PLOT_GET_CLASS (widget);
  const DidactPlotSizes *sizes = priv->presentation ? &klass->presentation_sizes : &klass->sizes;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = sizes->min_width;
      *natural = sizes->natural_width;
    }
  else
    {
      *minimum = sizes->min_height;
      *natural = sizes->natural_height;
    }
}

static void
didact_plot_css_changed (GtkWidget         *widget,
                         GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (didact_plot_parent_class)->css_changed (widget, change);
  /* colours and fonts come from the style, and with the font the sizes of
   * the labels */
  _didact_plot_invalidate_layout (DIDACT_PLOT (widget));
}

/* ------------------------------------------------------------------------
 * GObject
 */

static void
didact_plot_finalize (GObject *object)
{
  DidactPlot *self = DIDACT_PLOT (object);
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  clear_series (self);
  g_clear_pointer (&priv->series, g_ptr_array_unref);
  g_clear_pointer (&priv->title, g_free);
  g_clear_pointer (&priv->x_label, g_free);
  g_clear_pointer (&priv->y_label, g_free);
  g_clear_pointer (&priv->accessible_label, g_free);

  G_OBJECT_CLASS (didact_plot_parent_class)->finalize (object);
}

static void
didact_plot_constructed (GObject *object)
{
  G_OBJECT_CLASS (didact_plot_parent_class)->constructed (object);

  /* not in init: while a parent type initialises, the instance has the
   * parent's class, and the accessible context would take its role */
  update_accessible_label (DIDACT_PLOT (object));
}

static void
didact_plot_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (DIDACT_PLOT (object));

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_X_LABEL:
      g_value_set_string (value, priv->x_label);
      break;
    case PROP_Y_LABEL:
      g_value_set_string (value, priv->y_label);
      break;
    case PROP_SHOW_LEGEND:
      g_value_set_boolean (value, priv->show_legend);
      break;
    case PROP_PRESENTATION:
      g_value_set_boolean (value, priv->presentation);
      break;
    case PROP_ACCESSIBLE_LABEL:
      g_value_set_string (value, priv->accessible_label);
      break;
    case PROP_INTERACTIVE_LEGEND:
      g_value_set_boolean (value, priv->interactive_legend);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
didact_plot_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  DidactPlot *self = DIDACT_PLOT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      didact_plot_set_title (self, g_value_get_string (value));
      break;
    case PROP_X_LABEL:
      didact_plot_set_x_label (self, g_value_get_string (value));
      break;
    case PROP_Y_LABEL:
      didact_plot_set_y_label (self, g_value_get_string (value));
      break;
    case PROP_SHOW_LEGEND:
      didact_plot_set_show_legend (self, g_value_get_boolean (value));
      break;
    case PROP_PRESENTATION:
      didact_plot_set_presentation (self, g_value_get_boolean (value));
      break;
    case PROP_ACCESSIBLE_LABEL:
      didact_plot_set_accessible_label (self, g_value_get_string (value));
      break;
    case PROP_INTERACTIVE_LEGEND:
      didact_plot_set_interactive_legend (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
didact_plot_class_init (DidactPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = didact_plot_constructed;
  object_class->finalize = didact_plot_finalize;
  object_class->get_property = didact_plot_get_property;
  object_class->set_property = didact_plot_set_property;

  widget_class->snapshot = didact_plot_snapshot;
  widget_class->measure = didact_plot_measure;
  widget_class->css_changed = didact_plot_css_changed;

  klass->legend_swatch = DIDACT_PLOT_SWATCH_LINE;
  klass->sizes = (DidactPlotSizes) { 200, 480, 120, 300 };
  klass->presentation_sizes = (DidactPlotSizes) { 320, 720, 200, 450 };

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_X_LABEL] =
    g_param_spec_string ("x-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_Y_LABEL] =
    g_param_spec_string ("y-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_LEGEND] =
    g_param_spec_boolean ("show-legend", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRESENTATION] =
    g_param_spec_boolean ("presentation", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCESSIBLE_LABEL] =
    g_param_spec_string ("accessible-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INTERACTIVE_LEGEND] =
    g_param_spec_boolean ("interactive-legend", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
didact_plot_init (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);
  GtkEventController *motion, *keys, *focus;
  GtkGesture *click;

  priv->series = g_ptr_array_new ();
  priv->legend_focus = -1;
  priv->next_series_id = 1;
  priv->show_legend = TRUE;

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  /* the interactive legend's keys; they do nothing otherwise */
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (_didact_plot_on_legend_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "leave", G_CALLBACK (_didact_plot_on_legend_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
}

/* ------------------------------------------------------------------------
 * Properties
 */

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

const char *
didact_plot_get_title (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_val_if_fail (DIDACT_IS_PLOT (self), NULL);
  return priv->title;
}

void
didact_plot_set_title (DidactPlot *self,
                       const char *title)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_if_fail (DIDACT_IS_PLOT (self));

  if (!set_string (&priv->title, title))
    return;
  update_accessible_label (self);
  _didact_plot_invalidate_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
didact_plot_get_x_label (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_val_if_fail (DIDACT_IS_PLOT (self), NULL);
  return priv->x_label;
}

void
didact_plot_set_x_label (DidactPlot *self,
                         const char *label)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_if_fail (DIDACT_IS_PLOT (self));

  if (!set_string (&priv->x_label, label))
    return;
  _didact_plot_invalidate_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_X_LABEL]);
}

const char *
didact_plot_get_y_label (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_val_if_fail (DIDACT_IS_PLOT (self), NULL);
  return priv->y_label;
}

void
didact_plot_set_y_label (DidactPlot *self,
                         const char *label)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_if_fail (DIDACT_IS_PLOT (self));

  if (!set_string (&priv->y_label, label))
    return;
  _didact_plot_invalidate_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_Y_LABEL]);
}

gboolean
didact_plot_get_show_legend (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_val_if_fail (DIDACT_IS_PLOT (self), FALSE);
  return priv->show_legend;
}

void
didact_plot_set_show_legend (DidactPlot *self,
                             gboolean    show_legend)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_if_fail (DIDACT_IS_PLOT (self));

  show_legend = !!show_legend;
  if (priv->show_legend == show_legend)
    return;
  priv->show_legend = show_legend;
  _didact_plot_invalidate_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_LEGEND]);
}

gboolean
didact_plot_get_presentation (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_val_if_fail (DIDACT_IS_PLOT (self), FALSE);
  return priv->presentation;
}

void
didact_plot_set_presentation (DidactPlot *self,
                              gboolean    presentation)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_if_fail (DIDACT_IS_PLOT (self));

  presentation = !!presentation;
  if (priv->presentation == presentation)
    return;
  priv->presentation = presentation;
  _didact_plot_invalidate_layout (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTATION]);
}

const char *
didact_plot_get_accessible_label (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_val_if_fail (DIDACT_IS_PLOT (self), NULL);
  return priv->accessible_label;
}

void
didact_plot_set_accessible_label (DidactPlot *self,
                                  const char *label)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_if_fail (DIDACT_IS_PLOT (self));

  if (!set_string (&priv->accessible_label, label))
    return;
  update_accessible_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCESSIBLE_LABEL]);
}

gboolean
didact_plot_get_interactive_legend (DidactPlot *self)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_val_if_fail (DIDACT_IS_PLOT (self), FALSE);
  return priv->interactive_legend;
}

void
didact_plot_set_interactive_legend (DidactPlot *self,
                                    gboolean    interactive_legend)
{
  DidactPlotPrivate *priv = didact_plot_get_instance_private (self);

  g_return_if_fail (DIDACT_IS_PLOT (self));

  interactive_legend = !!interactive_legend;
  if (priv->interactive_legend == interactive_legend)
    return;
  priv->interactive_legend = interactive_legend;
  priv->n_legend = 0;
  priv->highlight = 0;
  priv->legend_focus = -1;
  /* the keyboard reaches the legend */
  if (interactive_legend && !gtk_widget_get_focusable (GTK_WIDGET (self)))
    {
      gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
      priv->made_focusable = TRUE;
    }
  else if (!interactive_legend && priv->made_focusable)
    {
      gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
      priv->made_focusable = FALSE;
    }
  _didact_plot_invalidate_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERACTIVE_LEGEND]);
}
