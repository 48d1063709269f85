/* didact-plot-legend.c: the plots' interactive legend — entries, toggles,
 * keyboard and focus
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-plot-private.h"

#include <glib/gi18n-lib.h>

/* ------------------------------------------------------------------------
 * The interactive legend
 */

guint
didact_plot_get_n_legend_entries (DidactPlot *self)
{
  DidactPlotPrivate *priv = _didact_plot_get_private (self);

  g_return_val_if_fail (DIDACT_IS_PLOT (self), 0);
  return priv->n_legend;
}

gboolean
didact_plot_get_legend_entry_rect (DidactPlot      *self,
                                   guint            index,
                                   graphene_rect_t *rect)
{
  DidactPlotPrivate *priv = _didact_plot_get_private (self);

  g_return_val_if_fail (DIDACT_IS_PLOT (self), FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (index >= priv->n_legend || priv->legend_rects[index].size.width <= 0)
    return FALSE;
  *rect = priv->legend_rects[index];
  return TRUE;
}

/* The entry at a point, as last drawn, or -1. */
int
_didact_plot_legend_entry_at (DidactPlot *self,
                              double      x,
                              double      y)
{
  DidactPlotPrivate *priv = _didact_plot_get_private (self);

  if (!priv->interactive_legend)
    return -1;
  for (guint k = 0; k < priv->n_legend; k++)
    if (priv->legend_rects[k].size.width > 0 &&
        graphene_rect_contains_point (&priv->legend_rects[k], &GRAPHENE_POINT_INIT (x, y)))
      return (int) k;
  return -1;
}

void
didact_plot_toggle_legend_entry (DidactPlot *self,
                                 guint       index)
{
  DidactPlotPrivate *priv = _didact_plot_get_private (self);
  DidactPlotSeries *shown;
  gboolean any_visible = FALSE;

  g_return_if_fail (DIDACT_IS_PLOT (self));

  if (index >= priv->n_legend || (shown = _didact_plot_find_series (self, priv->legend_ids[index])) == NULL)
    return;
  for (guint i = 0; i < priv->series->len; i++)
    {
      DidactPlotSeries *s = g_ptr_array_index (priv->series, i);

      any_visible |= _didact_plot_same_entry (s, shown) && s->visible;
    }
  for (guint i = 0; i < priv->series->len; i++)
    {
      DidactPlotSeries *s = g_ptr_array_index (priv->series, i);

      if (_didact_plot_same_entry (s, shown))
        s->visible = !any_visible;
    }
  _didact_plot_data_changed (self);
}

/* Tells assistive technologies which entry the keyboard is on and whether
 * its series are shown. */
static void
describe_legend_focus (DidactPlot *self)
{
  DidactPlotPrivate *priv = _didact_plot_get_private (self);
  DidactPlotSeries *s;
  g_autofree char *text = NULL;
  gboolean shown = FALSE;

  if (priv->legend_focus < 0 ||
      (s = _didact_plot_find_series (self, priv->legend_ids[priv->legend_focus])) == NULL)
    return;
  for (guint i = 0; i < priv->series->len; i++)
    {
      DidactPlotSeries *other = g_ptr_array_index (priv->series, i);

      shown |= _didact_plot_same_entry (other, s) && other->visible;
    }
  /* Translators: what a screen reader says of the legend entry the
   * keyboard is on (Left and Right choose one, Return shows or hides it) */
  text = g_strdup_printf (shown ? _("%s: shown") : _("%s: hidden"), s->label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

/* Left and Right (Home, End) choose a legend entry, which is highlighted;
 * Return (or Space, where the window leaves it to the plot) shows or hides
 * its series. */
gboolean
_didact_plot_on_legend_key (GtkEventControllerKey *controller,
                            guint                  keyval,
                            guint                  keycode,
                            GdkModifierType        state,
                            DidactPlot            *self)
{
  DidactPlotPrivate *priv = _didact_plot_get_private (self);
  int n = (int) priv->n_legend, focus = priv->legend_focus;

  if (!priv->interactive_legend || n == 0 || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)))
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Left: case GDK_KEY_KP_Left:
      focus = MAX (focus - 1, 0);
      break;
    case GDK_KEY_Right: case GDK_KEY_KP_Right:
      focus = MIN (focus + 1, n - 1);
      break;
    case GDK_KEY_Home:
      focus = 0;
      break;
    case GDK_KEY_End:
      focus = n - 1;
      break;
    case GDK_KEY_Return: case GDK_KEY_KP_Enter: case GDK_KEY_space:
      if (focus < 0)
        return FALSE;
      didact_plot_toggle_legend_entry (self, (guint) focus);
      describe_legend_focus (self);
      return TRUE;
    default:
      return FALSE;
    }
  priv->legend_focus = focus;
  priv->highlight = priv->legend_ids[focus];
  describe_legend_focus (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

void
_didact_plot_on_legend_focus_leave (GtkEventControllerFocus *controller,
                                    DidactPlot              *self)
{
  DidactPlotPrivate *priv = _didact_plot_get_private (self);

  if (!priv->hovering)
    priv->highlight = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
