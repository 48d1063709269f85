/* didact-plot-export.c: a plot written to PNG, SVG or PDF
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Didact-Plot"

#include "didact-plot-private.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>

/* ------------------------------------------------------------------------
 * Export
 */

typedef struct
{
  GOutputStream *stream;
  GError *error;
} ExportSink;

static cairo_status_t
export_write (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  ExportSink *sink = closure;

  if (sink->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!g_output_stream_write_all (sink->stream, data, length, NULL, NULL, &sink->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

static void
export_paint (GtkWidget *plot,
              cairo_t   *cr,
              int        width,
              int        height)
{
  DidactPlotPrivate *priv = _didact_plot_get_private (DIDACT_PLOT (plot));
  DidactPlotStyle style;

  /* the widget has no background of its own; a file needs one that its
   * text colour reads on */
  didact_plot_style_init (&style, plot, FALSE);
  didact_plot_set_source (cr, &style.bg, 1);
  cairo_paint (cr);
  didact_plot_style_clear (&style);
  priv->exporting = TRUE;
  didact_plot_draw (DIDACT_PLOT (plot), cr, width, height);
  priv->exporting = FALSE;
}

gboolean
didact_plot_export (GtkWidget   *plot,
                    const char  *path,
                    int          width,
                    int          height,
                    GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autofree char *lower = NULL;
  ExportSink sink = { NULL, NULL };
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  enum { PNG, SVG, PDF } kind;

  g_return_val_if_fail (DIDACT_IS_PLOT (plot), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".png"))
    kind = PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    kind = SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    kind = PDF;
  else
    {
      g_autofree char *name = g_filename_display_basename (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Cannot export “%s”: the name must end in .png, .svg or .pdf", name);
      return FALSE;
    }

  /* written to a temporary file and renamed, so a failed export leaves an
   * existing file as it was */
  file = g_file_new_for_path (path);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, error);
  if (stream == NULL)
    return FALSE;
  sink.stream = G_OUTPUT_STREAM (stream);

  switch (kind)
    {
    case SVG:
      surface = cairo_svg_surface_create_for_stream (export_write, &sink, width, height);
      break;
    case PDF:
      surface = cairo_pdf_surface_create_for_stream (export_write, &sink, width, height);
      break;
    case PNG:
    default:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      break;
    }

  cr = cairo_create (surface);
  export_paint (plot, cr, width, height);
  status = cairo_status (cr);
  cairo_destroy (cr);

  if (status == CAIRO_STATUS_SUCCESS && kind == PNG)
    status = cairo_surface_write_to_png_stream (surface, export_write, &sink);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (sink.error != NULL || status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *name = g_filename_display_basename (path);
      g_autoptr(GCancellable) cancelled = g_cancellable_new ();

      /* closing a cancelled replace stream drops the temporary file */
      g_cancellable_cancel (cancelled);
      g_output_stream_close (G_OUTPUT_STREAM (stream), cancelled, NULL);
      if (sink.error != NULL)
        {
          g_propagate_prefixed_error (error, sink.error, "Cannot export “%s”: ", name);
        }
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "Cannot export “%s”: %s", name, cairo_status_to_string (status));
      return FALSE;
    }

  return g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error);
}
