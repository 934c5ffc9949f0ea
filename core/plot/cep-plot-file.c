/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-file.c: PNG and SVG output of figures.
 *
 * Owns surfaces made for files and the atomic write. Must not know any renderer.
 */
#define G_LOG_DOMAIN "cepstra-plot-file"

#include "cep-plot-file.h"
#include "cep-atomic-file.h"

#include <cairo-svg.h>
#include <math.h>

G_DEFINE_QUARK (cep-plot-error-quark, cep_plot_error)

/* Largest edge we render, in device pixels: keeps a typo from allocating gigabytes. */
#define MAX_PIXELS 16384

static cairo_status_t
append_to_bytes (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static gboolean
check_size (const char  *path,
            int          width,
            int          height,
            double       scale,
            GError     **error)
{
  if (width > 0 && height > 0 && scale > 0.0 && width * scale <= MAX_PIXELS
      && height * scale <= MAX_PIXELS)
    return TRUE;
  g_set_error (error, CEP_PLOT_ERROR, CEP_PLOT_ERROR_INVALID,
               "%s: cannot render a figure of %d x %d at scale %g", path, width, height, scale);
  return FALSE;
}

static gboolean
check_cairo (const char      *path,
             cairo_status_t   status,
             GError         **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, CEP_PLOT_ERROR, CEP_PLOT_ERROR_RENDER, "%s: rendering failed: %s", path,
               cairo_status_to_string (status));
  return FALSE;
}

static void
draw_on_surface (cairo_surface_t *surface,
                 double           width,
                 double           height,
                 CepPlotDrawFunc  draw,
                 gpointer         user_data)
{
  cairo_t *cr = cairo_create (surface);

  draw (cr, width, height, user_data);
  cairo_destroy (cr);
}

static gboolean
write_atomically (const char  *path,
                  GByteArray  *bytes,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (cep_atomic_file_set_contents (path, bytes->data, bytes->len, &local_error))
    return TRUE;
  g_set_error_literal (error, CEP_PLOT_ERROR, CEP_PLOT_ERROR_IO, local_error->message);
  return FALSE;
}

static gboolean
encode_png (const char       *path,
            int               width,
            int               height,
            double            scale,
            CepPlotDrawFunc   draw,
            gpointer          user_data,
            GByteArray       *bytes,
            GError          **error)
{
  cairo_surface_t *surface;
  gboolean ok;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceil (width * scale),
                                        (int) ceil (height * scale));
  cairo_surface_set_device_scale (surface, scale, scale);
  ok = check_cairo (path, cairo_surface_status (surface), error);
  if (ok)
    {
      draw_on_surface (surface, width, height, draw, user_data);
      ok = check_cairo (path, cairo_surface_status (surface), error)
           && check_cairo (path, cairo_surface_write_to_png_stream (surface, append_to_bytes,
                                                                    bytes), error);
    }
  cairo_surface_destroy (surface);
  return ok;
}

gboolean
cep_plot_save_png_scaled (const char       *path,
                          int               width,
                          int               height,
                          double            scale,
                          CepPlotDrawFunc   draw,
                          gpointer          user_data,
                          GError          **error)
{
  g_autoptr(GByteArray) bytes = NULL;

  g_return_val_if_fail (path != NULL && draw != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_size (path, width, height, scale, error))
    return FALSE;
  bytes = g_byte_array_new ();
  return encode_png (path, width, height, scale, draw, user_data, bytes, error)
         && write_atomically (path, bytes, error);
}

gboolean
cep_plot_save_png (const char       *path,
                   int               width,
                   int               height,
                   CepPlotDrawFunc   draw,
                   gpointer          user_data,
                   GError          **error)
{
  return cep_plot_save_png_scaled (path, width, height, 1.0, draw, user_data, error);
}

static gboolean
encode_svg (const char       *path,
            int               width,
            int               height,
            CepPlotDrawFunc   draw,
            gpointer          user_data,
            GByteArray       *bytes,
            GError          **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;

  surface = cairo_svg_surface_create_for_stream (append_to_bytes, bytes, width, height);
  if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS)
    draw_on_surface (surface, width, height, draw, user_data);
  /* The SVG document is only complete once the surface is finished. */
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return check_cairo (path, status, error);
}

gboolean
cep_plot_save_svg (const char       *path,
                   int               width,
                   int               height,
                   CepPlotDrawFunc   draw,
                   gpointer          user_data,
                   GError          **error)
{
  g_autoptr(GByteArray) bytes = NULL;

  g_return_val_if_fail (path != NULL && draw != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_size (path, width, height, 1.0, error))
    return FALSE;
  bytes = g_byte_array_new ();
  return encode_svg (path, width, height, draw, user_data, bytes, error)
         && write_atomically (path, bytes, error);
}

gboolean
cep_plot_save (const char       *path,
               int               width,
               int               height,
               CepPlotDrawFunc   draw,
               gpointer          user_data,
               GError          **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  if (g_str_has_suffix (path, ".png") || g_str_has_suffix (path, ".PNG"))
    return cep_plot_save_png (path, width, height, draw, user_data, error);
  if (g_str_has_suffix (path, ".svg") || g_str_has_suffix (path, ".SVG"))
    return cep_plot_save_svg (path, width, height, draw, user_data, error);
  g_set_error (error, CEP_PLOT_ERROR, CEP_PLOT_ERROR_INVALID,
               "%s: unknown image format (use .png or .svg)", path);
  return FALSE;
}
