/* test-render.h: a widget rendered as its window painted it, for the GUI tests
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

typedef struct
{
  GtkWidget  *widget;
  GdkTexture *texture;
} TestShot;

static inline void
test_shot_after_paint (GdkFrameClock *clock, TestShot *shot)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  int w = gtk_widget_get_width (shot->widget), h = gtk_widget_get_height (shot->widget);

  if (shot->texture != NULL || w <= 0 || h <= 0)
    return;
  paintable = gtk_widget_paintable_new (shot->widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (shot->widget));
  shot->texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
}

static inline gboolean
test_shot_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits (at most 10 s) for the next painted frame of @widget's window and
 * renders @widget as the window showed it. */
static inline GdkTexture *
test_render_next_frame (GtkWidget *widget)
{
  TestShot shot = { widget, NULL };
  gboolean timed_out = FALSE;

  for (int i = 0; i < 2000 && gtk_widget_get_frame_clock (widget) == NULL; i++)
    g_main_context_iteration (NULL, FALSE);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);

  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (test_shot_after_paint), &shot);
  guint timeout = g_timeout_add_seconds (10, test_shot_timeout, &timed_out);
  gtk_widget_queue_draw (widget);
  while (shot.texture == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  if (!timed_out)
    g_source_remove (timeout);
  g_assert_nonnull (shot.texture);
  return shot.texture;
}
