/* didact-bar-plot.h
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A bar plot (a DidactPlot): a group of bars per category, one bar per
 * series.
 */
#pragma once

#include "didact-plot.h"

G_BEGIN_DECLS

#define DIDACT_TYPE_BAR_PLOT (didact_bar_plot_get_type ())
G_DECLARE_FINAL_TYPE (DidactBarPlot, didact_bar_plot, DIDACT, BAR_PLOT, DidactPlot)

GtkWidget  *didact_bar_plot_new                (void);

/* One group of bars per category (NULL-terminated labels, copied). */
void        didact_bar_plot_set_categories     (DidactBarPlot      *self,
                                                const char *const  *labels);
guint       didact_bar_plot_get_n_categories   (DidactBarPlot      *self);

/* Solid and dashed series stand side by side in each group; a faint series
 * is drawn wider and faintly behind the bar of the same position among the
 * others (a baseline arm behind the taught one). A NULL colour takes the
 * first palette colour no other series is using. Removing, showing and
 * hiding series: didact_plot_remove_series and the rest. */
guint       didact_bar_plot_add_series         (DidactBarPlot      *self,
                                                const char         *label,
                                                const GdkRGBA      *color,
                                                DidactSeriesStyle   style);
/* One value per category (copied); missing ones and NaN draw no bar. */
void        didact_bar_plot_set_series_values  (DidactBarPlot      *self,
                                                guint               id,
                                                const double       *values,
                                                int                 n);

/* A fixed value range; NaN for either bound goes back to fitting the data
 * (always including 0). */
void        didact_bar_plot_set_y_range        (DidactBarPlot      *self,
                                                double              lo,
                                                double              hi);
void        didact_bar_plot_get_y_range        (DidactBarPlot      *self,
                                                double             *lo,
                                                double             *hi);

/* Where the bar of series @id in @category is drawn; FALSE if it is not. */
gboolean    didact_bar_plot_bar_rect           (DidactBarPlot      *self,
                                                int                 width,
                                                int                 height,
                                                guint               id,
                                                guint               category,
                                                graphene_rect_t    *rect);

G_END_DECLS
